#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Turn one VM run into per-test results and the closing summary line.

results.py [--extra FILE] LOGDIR TREE [--kunit SUITE ...]
           [--selftest NAME[:noskip|:noskip-except=PART,...] ...]
results.py --extra FILE --no-vm
results.py --prefix P --record FILE LOGDIR TREE [--kunit ...] [--selftest ...]

FILE holds results of earlier stages, one "PASS|FAIL|SKIP name" a line.

LOGDIR holds console.log (dmesg) and tests.log (guest plan output).
KUnit results are read from dmesg, one KTAP run (boot, or a KUnit
module) at a time, with the tree's own tools/testing/kunit/kunit.py
parse; kselftests from the TAP lines between "=== BEGIN name" and
"=== END name rc=N".  A test that SKIPs is reported
as skipped, never as passed.  The run fails when a test fails, an
expected test did not run (or did not report every case of its plan),
a ":noskip" test skipped a case (a ":noskip-except=" test, a case
whose name holds none of the parts), the guest did not finish, or dmesg
shows a warning, BUG, lockdep report, oops or panic.  The "#" lines of
a program with a failed case are printed after its results.
--prefix P puts P before the name of each of the VM's results (the arm64
VM's "arm64."); --record FILE appends them to FILE in the format of
--extra and prints no summary line, for a later run to take them in.
Exit status: 0 when nothing failed.
"""
import argparse
import json
import os
import re
import subprocess
import sys
import tempfile

# dmesg lines that fail a run whatever the tests said
DMESG_BAD = re.compile(
    r'WARNING:|BUG:|Oops|Kernel panic|general protection fault|'
    r'possible (circular|recursive) locking|inconsistent lock state|'
    r'INFO: task .* blocked|UBSAN:|RCU detected stall|detected stalls? on|'
    r'self-detected stall|non-static key|Disabling lock debugging|'
    r'soft lockup|hard LOCKUP|kernel BUG')

results = []  # (status, name, detail)
prefix = ''   # --prefix: put before the names of the VM's results


def add(status, name, detail=''):
    name = prefix + name
    results.append((status, name, detail))
    print(f'{status:4} {name}' + (f'  ({detail})' if detail else ''))


def read_log(logdir, name):
    """LOGDIR/NAME as text, carriage returns dropped; '' if missing."""
    try:
        with open(os.path.join(logdir, name), errors='replace') as f:
            return f.read().replace('\r', '')
    except FileNotFoundError:
        return ''


def walk_kunit(group, prefix):
    for case in group.get('test_cases', []):
        yield prefix + case['name'], case['status']
    for sub in group.get('sub_groups', []):
        yield from walk_kunit(sub, prefix + sub['name'] + '.')


def ktap_runs(console):
    """The KTAP runs in dmesg, each from its top-level "KTAP version"
    line: the one at boot (empty when every suite is a module) and one
    per KUnit module loaded.  kunit.py parses only the first it sees."""
    runs, cur = [], None
    for line in console.splitlines():
        if re.fullmatch(r'K?TAP version \d+', line):
            cur = []
            runs.append(cur)
        if cur is not None:
            cur.append(line)
    return ['\n'.join(r) + '\n' for r in runs
            if len(r) > 1 and r[1].strip() != '1..0']


def parse_kunit(console, tree, suites):
    found = set()
    for run in ktap_runs(console):
        with tempfile.NamedTemporaryFile('w', suffix='.log') as log, \
                tempfile.NamedTemporaryFile('r', suffix='.json') as js:
            log.write(run)
            log.flush()
            subprocess.run([sys.executable,
                            os.path.join(tree, 'tools/testing/kunit/kunit.py'),
                            'parse', '--json=' + js.name, log.name],
                           stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                           check=False)
            text = js.read()
        if text.strip():
            top = json.loads(text)
            for sub in top.get('sub_groups', []):
                found.add(sub['name'])
                for name, status in walk_kunit(sub, 'kunit.' + sub['name'] + '.'):
                    detail = ''
                    if status not in ('PASS', 'FAIL', 'SKIP'):
                        detail, status = status, 'FAIL'
                    add(status, name, detail)
    for suite in suites:
        if suite not in found:
            add('FAIL', 'kunit.' + suite, 'suite did not run')


TAP = re.compile(r'^(not ok|ok) +\d+ +(.*?)(?: +# +(SKIP|XFAIL|TODO)\b ?(.*))?$')


FLAGS = re.compile(r'^(|noskip|noskip-except=[\w.,-]+)$')


def must_run(flag, case):
    """Whether CASE (its name in the program: "memory_hotplug.x") may not
    skip under a selftests.list FLAG: "noskip" (no case may), or
    "noskip-except=A,B" (only the cases whose names hold A or B may)."""
    if flag == 'noskip':
        return True
    if flag.startswith('noskip-except='):
        allowed = flag.partition('=')[2].split(',')
        return not any(a and a in case for a in allowed)
    return False


def parse_selftests(tests, expected):
    blocks = {}
    for m in re.finditer(r'^=== BEGIN (\S+)\n(.*?)^=== END \1 rc=(\d+)$',
                         tests, re.S | re.M):
        blocks[m.group(1)] = (m.group(2), int(m.group(3)))
    for spec in expected:
        name, _, flag = spec.partition(':')
        if not FLAGS.match(flag):
            add('FAIL', 'selftest.' + name, f'unknown flag "{flag}" in the list')
            continue
        if name not in blocks:
            add('FAIL', 'selftest.' + name, 'did not run')
            continue
        out, rc = blocks[name]
        plan = re.search(r'^1\.\.(\d+)$', out, re.M)
        seen = failed = 0
        # "#" lines since the last result: the output of the next case
        pending, diags = [], []
        for line in out.splitlines():
            m = TAP.match(line)
            if not m:
                if line.startswith('#') and not line.startswith('# stat '):
                    pending.append(line)
                continue
            seen += 1
            # "migration@multithreaded" reports cases as "migration.x"
            prog, case = name.split('@')[0], m.group(2)
            if case.startswith(prog + '.'):
                case = case[len(prog) + 1:]
            full = f'selftest.{name}.{case}'
            if m.group(1) == 'not ok' and m.group(3) != 'XFAIL':
                add('FAIL', full)
                failed += 1
                diags += pending
            elif m.group(3) == 'SKIP':
                if must_run(flag, case):
                    add('FAIL', full, 'skipped, must run here: ' + m.group(4))
                    failed += 1
                else:
                    add('SKIP', full, m.group(4))
            else:
                add('PASS', full)
            pending = []
        if plan and seen < int(plan.group(1)):
            add('FAIL', 'selftest.' + name,
                f'planned {plan.group(1)} cases, reported {seen}')
            failed += 1
        elif not plan and seen == 0 and rc == 4:
            add('FAIL' if must_run(flag, '') else 'SKIP', 'selftest.' + name,
                'whole program skipped')
            failed += must_run(flag, '')
        elif seen == 0:
            add('FAIL', 'selftest.' + name, f'no results, rc={rc}')
            failed += 1
        elif rc not in (0, 4) and not failed:
            add('FAIL', 'selftest.' + name, f'exit status {rc}')
            failed += 1
        # A program that stopped early: what it said after its last result
        if failed:
            print_diagnostics(name, diags + pending)


def print_diagnostics(name, diags, most=30):
    """DIAGS, the "#" lines of program NAME that explain its failures,
    MOST of them at most: CI prints only what make check does, not the
    VM's tests.log, and a failure seen once there must be told apart
    (which case, which process, which error)."""
    if not diags:
        return
    print(f'--- selftest.{name}: {len(diags)} diagnostic lines'
          + (f', the last {most}:' if len(diags) > most else ':'))
    for line in diags[-most:]:
        print('  | ' + line)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument('logdir', nargs='?')
    ap.add_argument('tree', nargs='?')
    ap.add_argument('--extra')
    ap.add_argument('--no-vm', action='store_true')
    ap.add_argument('--kunit', nargs='*', default=[])
    ap.add_argument('--selftest', nargs='*', default=[])
    ap.add_argument('--prefix', default='')
    ap.add_argument('--record')
    args = ap.parse_args()

    if args.extra:
        with open(args.extra) as f:
            for line in f:
                status, _, rest = line.strip().partition(' ')
                name, _, detail = rest.partition(' ')
                if status in ('PASS', 'FAIL', 'SKIP'):
                    add(status, name, detail)
    if args.no_vm:
        return summary()

    global prefix
    prefix = args.prefix
    first = len(results)
    console = read_log(args.logdir, 'console.log')
    tests = read_log(args.logdir, 'tests.log')

    if '=== PLAN DONE' not in tests:
        why = 'timeout' if '=== VM TIMEOUT' in tests else 'crash or hang'
        add('FAIL', 'vm.finished', f'guest did not finish the plan ({why})')
    else:
        add('PASS', 'vm.finished')
    parse_kunit(console, args.tree, args.kunit)
    parse_selftests(tests, args.selftest)
    lines = console.splitlines()
    bad = [i for i, l in enumerate(lines) if DMESG_BAD.search(l)]
    if bad:
        add('FAIL', 'dmesg.clean',
            f'{len(bad)} bad lines, first: {lines[bad[0]].strip()}')
        print_report(lines, bad[0])
    else:
        add('PASS', 'dmesg.clean')

    if args.record:
        with open(args.record, 'a') as f:
            for status, name, detail in results[first:]:
                f.write(f'{status} {name} {detail}'.rstrip() + '\n')
        return 1 if any(r[0] == 'FAIL' for r in results[first:]) else 0
    return summary()


def print_report(lines, first, most=40):
    """The first splat in dmesg, up to its end marker or MOST lines, so
    that a failure seen only in CI's output can be told apart (which
    function, which call chain)."""
    print(f'--- console.log line {first + 1} onwards:')
    for line in lines[first:first + most]:
        print('  | ' + line)
        if line.lstrip().startswith('---[ end'):
            break


def summary():
    count = {s: sum(1 for r in results if r[0] == s) for s in ('PASS', 'FAIL', 'SKIP')}
    print(f"{count['PASS']} passed, {count['FAIL']} failed, {count['SKIP']} skipped")
    return 1 if count['FAIL'] else 0


if __name__ == '__main__':
    sys.exit(main())
