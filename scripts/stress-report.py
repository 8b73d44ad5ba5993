#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Summary table of one stress run (scripts/stress.sh, guest/stress.sh).

stress-report.py LOGDIR [--readme README.md]

Reads LOGDIR/tests.log (the "=== STRESS" lines and "# stat" lines of each
"=== BEGIN stress@BACKEND" block) and LOGDIR/console.log (dmesg), writes
LOGDIR/summary.md and prints it; with --readme also replaces the text
between the stress markers of README.md.  Reports; never fails a run
(results.py does).
"""
import argparse
import os
import re
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from results import DMESG_BAD, read_log  # noqa: E402  splats that fail a run

PAGE = 4096


def kv(text):
    return {k: int(v) for k, v in re.findall(r'(\w+)=(-?\d+)', text)}


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument('logdir')
    ap.add_argument('--readme')
    args = ap.parse_args()

    tests = read_log(args.logdir, 'tests.log')
    console = read_log(args.logdir, 'console.log')

    rows, total = [], {}
    for m in re.finditer(r'^=== BEGIN stress@(\S+)\n(.*?)^=== END stress@\1 rc=(\d+)$',
                         tests, re.S | re.M):
        backend, body, rc = m.group(1), m.group(2), int(m.group(3))
        line = re.search(r'^=== STRESS \S+ (.*)$', body, re.M)
        s = kv(line.group(1)) if line else {}
        for stat, val in re.findall(r'^# stat (\w+) (-?\d+)$', body, re.M):
            s[stat] = s.get(stat, 0) + int(val)
        s['ok'] = int(rc == 0 and not re.search(r'^not ok ', body, re.M))
        rows.append((backend, s))
        for k, v in s.items():
            total[k] = total.get(k, 0) + v
    end = re.search(r'^=== STRESS end (.*)$', tests, re.M)
    end = kv(end.group(1)) if end else {}
    splats = [l for l in console.splitlines() if DMESG_BAD.search(l)]
    # the stress blocks only (make check's log holds the other tests too)
    stress = ''.join(m.group(0) for m in re.finditer(
        r'^=== BEGIN (stress\S*)\n.*?^=== END \1 rc=\d+$', tests, re.S | re.M))
    cases = re.findall(r'^(not )?ok \d+ .*$', stress, re.M)
    skipped = len(re.findall(r'^ok \d+ .*# SKIP', stress, re.M))
    failed = sum(1 for c in cases if c)

    def row(name, s):
        faults = s.get('alloc_faults', 0) + s.get('copy_faults', 0)
        return (f"| {name} | {s.get('seconds', 0) / 60:.1f} "
                f"| {s.get('pages', 0) * PAGE / 1e9:.2f} "
                f"| {s.get('batched_folios', 0)} | {s.get('thps', 0)} "
                f"| {s.get('kmigrated_pages', 0)} "
                f"| {s.get('switches', 0)} | {s.get('reloads', 0)} "
                f"| {s.get('compactions', 0)} "
                f"| {faults} ({s.get('alloc_faults', 0)} + {s.get('copy_faults', 0)}) "
                f"| {s.get('thp_splits', 0)} | {s.get('memcg_limit_hits', 0)} "
                f"| {s.get('corrupted_bytes', 0)} | {s.get('leaked_pages', 0)} |")

    out = ['| backend | minutes | GB migrated | folios batch-copied | THPs migrated '
           '| pages by kmigrated | backend switches | module reloads | compactions '
           '| faults injected (alloc + copy) | THP splits | memcg limit hits '
           '| bytes corrupted | pages leaked |',
           '|---|---|---|---|---|---|---|---|---|---|---|---|---|---|']
    out += [row(b, s) for b, s in rows]
    out.append(row('**all**', total))
    out.append('')
    out.append(f"Memory errors in the middle of a batch (stress-poison): one injected "
               f"copy failure per backend, {end.get('hwpoison', 0)} pages lost to "
               f"MADV_HWPOISON.  Pages leaked: still isolated 30 s after a backend's "
               f"run.  Splats in dmesg (WARNING, BUG, KASAN, lockdep, hung task, "
               f"stalls): {len(splats)}.  Test cases: "
               f"{len(cases) - failed - skipped} passed, {failed} failed, "
               f"{skipped} skipped.")
    for line in splats[:5]:
        out.append(f'    {line.strip()}')
    text = '\n'.join(out) + '\n'
    with open(os.path.join(args.logdir, 'summary.md'), 'w') as f:
        f.write(text)
    print(text, end='')

    if args.readme:
        stamp = os.path.basename(os.path.normpath(args.logdir))
        with open(args.readme) as f:
            readme = f.read()
        begin, end_mark = '<!-- stress:begin -->', '<!-- stress:end -->'
        if begin in readme and end_mark in readme:
            head, rest = readme.split(begin, 1)
            _, tail = rest.split(end_mark, 1)
            readme = (head + begin + '\n' + f'Run: `make stress`, {stamp}.\n\n' +
                      text + end_mark + tail)
            with open(args.readme, 'w') as f:
                f.write(readme)
    return 0


if __name__ == '__main__':
    sys.exit(main())
