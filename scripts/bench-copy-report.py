#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""bench-copy-report.py RUNDIR: the table and plot of scripts/bench-copy.sh.

RUNDIR holds meta, host.log (scripts/memcpy-host.c, before and after the
UML run) and kunit.log (the KUnit benchmark migrate_copy_bench under UML).
Writes RUNDIR/copy.md and RUNDIR/copy.png, copies both to bench/, keeps
the runs in bench/copy-runs/ (this script makes the table again from
there) and puts the table into README.md between the bench-copy markers.  Judges nothing:
the goals of issue #13 are stated next to what was measured, and ratios
are judged against the noise as bench-report.py judges them (the same
functions): inside it they read "no difference".
"""
import importlib.util
import os
import re
import shutil
import subprocess
import sys

LINE = re.compile(r'folio_kb=(\d+) config=(\S+) threads=(\d+) rep=(\d+) '
                  r'bytes=(\d+) ns=(\d+) cpu_ns=(\d+)'
                  r'(?: batches=(\d+) helper_runs=(\d+))?')
SIZES = {4: '4 KiB', 64: '64 KiB', 2048: '2 MiB'}
TOP = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))

# The statistics of scripts/bench-report.py (its name is no module name)
_spec = importlib.util.spec_from_file_location(
    'bench_report', os.path.join(os.path.dirname(os.path.abspath(__file__)),
                                 'bench-report.py'))
stats = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(stats)


def runs(path, prefix=''):
    """{(folio_kb, config, threads): [(GB/s, cpu_ns, bytes), ...]} of the
    lines that start with @prefix"""
    out = {}
    with open(path, errors='replace') as f:
        for line in f:
            m = LINE.search(line) if line.startswith(prefix) else None
            if not m:
                continue
            kb, config, threads, _, nbytes, ns, cpu_ns, batches, helped = m.groups()
            key = (int(kb), config, int(threads))
            out.setdefault(key, []).append(
                (int(nbytes) / int(ns), int(cpu_ns), int(nbytes),
                 int(batches or 0), int(helped or 0)))
    return out


class Row:
    def __init__(self, samples):
        self.gbs = [s[0] for s in samples]
        self.median = stats.med(self.gbs)
        self.noise = stats.spread(self.gbs) or 0
        nbytes = sum(s[2] for s in samples)
        # CPU seconds per GB copied, over every run of the row
        self.cpu_per_gb = sum(s[1] for s in samples) / 1e9 / (nbytes / 1e9)
        # multithreaded: runs a kworker copied, per batch
        batches = sum(s[3] for s in samples)
        self.helped = sum(s[4] for s in samples) / batches if batches else 0


def ratio(a, b):
    """a/b, or "no difference" when the noise could explain it"""
    return stats.ratio_cell(a.gbs, b.gbs)


def goal(text, a, b, want):
    """One goal, a/b >= want, respecting the noise: met where the medians'
    ratio reaches it, not met where even the noise could not lift it
    there, undetermined in between."""
    r = a.median / b.median
    noise = stats.noise_of(a.gbs, b.gbs) or 0
    if r >= want:
        verdict = 'met'
    elif r * (1 + noise) >= want:
        verdict = 'undetermined (inside the noise)'
    else:
        verdict = 'not met'
    return f'- {text}: {r:.3f} (noise {noise:.0%}): {verdict}'


def main():
    rundir = sys.argv[1]
    meta = {}
    with open(os.path.join(rundir, 'meta')) as f:
        for line in f:
            for word in line.split() if line.startswith('cpus=') else [line.strip()]:
                k, _, v = word.partition('=')
                meta[k] = v
    uml = {k: Row(v) for k, v in runs(os.path.join(rundir, 'kunit.log')).items()}
    host_runs = runs(os.path.join(rundir, 'host.log'))
    host = {k[2]: Row(v) for k, v in host_runs.items()}
    cpus = int(meta['cpus'])
    if not uml or not host:
        sys.exit('bench-copy-report: no results in ' + rundir)
    h1, hn = host[1], host[max(host)]
    # The same memcpy() before and after UML: a host that changed between
    # the two (another load, frequency) shows here
    when = {w: {k[2]: Row(v) for k, v in runs(os.path.join(rundir, 'host.log'),
                                               f'when={w} ').items()}
            for w in ('before', 'after')}
    # The physical ceiling: the best the host's memcpy() did
    hbest = max(h1, hn, key=lambda r: r.median)

    md = []
    md.append(f"Run: `make bench-copy`, {os.path.basename(rundir)}, host CPU: "
              f"{meta.get('host_cpu', '?')} ({meta.get('host_cores', '?')} cores); "
              f"User-mode Linux with {cpus} CPUs, {meta['mib']} MiB copied per run, "
              f"{meta['reps']} runs per row, batches of 512 pages as migrate_pages() "
              f"copies them; load average before {meta.get('load_before', '?')}, "
              f"after {meta.get('load_after', '?')}.")
    md.append('')
    md.append('**Native speed, no NUMA:** UML runs the kernel\'s copy code on the '
              'host\'s CPUs, one host thread per UML CPU, so GB/s here are real for '
              'this host, but source and destination are the same memory: no '
              'interconnect, no remote node, no TLB shootdowns, no page tables. '
              'This measures the copy engines, not migration (that is the VM table).')
    md.append('')
    md.append(f"Ceiling: the host's own `memcpy()` of the same amount, before and after "
              f"the UML run: {h1.median:.2f} GB/s on 1 thread (noise {h1.noise:.0%}), "
              f"{hn.median:.2f} GB/s on {max(host)} (noise {hn.noise:.0%}).  It is a "
              "reference, not a bound: glibc may copy large buffers with "
              "non-temporal stores, which the kernel's page copies do not use, "
              "so a share above 100% can happen.  Before and after, apart: " +
              '; '.join(f'{w} ' + ', '.join(f'{r.median:.2f} GB/s on {t}'
                                             for t, r in sorted(when[w].items()))
                        for w in ('before', 'after') if when[w]) + '.')
    md.append('')
    try:
        busy = float(meta.get('load_before', '0').split()[0])
    except ValueError:
        busy = 0
    cores = int(meta.get('host_cores') or cpus)
    if busy > 0.5 * cores:
        md.append(f'**The host was busy** (load average {busy:.2f} on {cores} '
                  'cores before the run): other work took CPU time from the '
                  'UML CPUs and from memcpy(), so parallel rows and the '
                  'ceiling are understated and the noise is wide.')
        md.append('')
    md.append('GB/s: median of the runs; noise: (max - min) / median; ceiling: share '
              'of the faster host memcpy() row; CPU s/GB: CPU time used on all '
              'UML CPUs per GB copied, sampled by the scheduler tick (UML has no finer '
              'clock for it: a run is charged a 10 ms tick at a time, so the column, summed over every run of the row, is an estimate); helped: for the '
              'multithreaded backend, runs per batch that a kworker copied (the '
              'task copies the rest, including every run no kworker had started '
              'when it finished its own); vs serial: GB/s against the serial '
              'backend of the same folio size.')
    md.append('')
    md.append('| folio | copy | threads | GB/s | noise | ceiling | CPU s/GB | helped | vs serial |')
    md.append('|---|---|---|---|---|---|---|---|---|')
    order = {'folio_copy': 0, 'serial': 1, 'multithreaded': 2, 'dma': 3}
    for kb in sorted({k[0] for k in uml}):
        keys = sorted((k for k in uml if k[0] == kb),
                      key=lambda k: (order.get(k[1], 9), k[2]))
        serial = uml.get((kb, 'serial', 1))
        for k in keys:
            r = uml[k]
            name = {'folio_copy': 'folio_copy() in the kernel',
                    'dma': 'dma (dmasim, software engine)'}.get(k[1], k[1])
            threads = meta.get('dma_channels', '?') + ' channels' if k[1] == 'dma' else k[2]
            vs = ratio(r, serial) if serial and k[1] != 'serial' else ''
            md.append(f'| {SIZES.get(kb, f"{kb} KiB")} | {name} | {threads} | '
                      f'{r.median:.2f} | {r.noise:.0%} | {r.median / hbest.median:.0%} | '
                      f'{r.cpu_per_gb:.3f} | '
                      f"{f'{r.helped:.2f}' if k[1] == 'multithreaded' else ''} | {vs} |")
    for threads, r in sorted(host.items()):
        md.append(f'| any | host memcpy() | {threads} | {r.median:.2f} | '
                  f'{r.noise:.0%} | {r.median / hbest.median:.0%} | '
                  f'{r.cpu_per_gb:.3f} | | |')
    md.append('')
    if any(k[1] == 'dma' for k in uml):
        md.append('dma: dcbm on dmasim, whose channels copy with memcpy() from work '
                  'items on the same CPUs, so the row is the cost of offloading '
                  '(mapping, descriptors, completions, waits) at native speed, not '
                  'what a hardware engine would copy; dcbm.calibrate=0, so every '
                  'batch went to the engine.')
        md.append('')

    # Do the CPUs copy in parallel?  In the kernel and on the host.
    par = []
    k1, kn = (2048, 'folio_copy', 1), (2048, 'folio_copy', cpus)
    if cpus > 1 and k1 in uml and kn in uml:
        par.append(f'UML, folio_copy() of 2 MiB folios on {cpus} CPUs against 1: '
                   f'{ratio(uml[kn], uml[k1])}')
    if max(host) > 1:
        par.append(f'host, memcpy() on {max(host)} threads against 1: {ratio(hn, h1)}')
    if par:
        md.append('Parallel copies: ' + '; '.join(par) + '.  Where the host\'s '
                  'own memcpy() gains nothing from more threads, one core already '
                  'takes what the memory system gives, and no backend can do better.')
        md.append('')

    md.append("Against the goals of issue #13 (ratios of medians; \"undetermined\" "
              "means the rows' noise could cover the gap):")
    mt2m = [uml[k] for k in uml if k[0] == 2048 and k[1] == 'multithreaded']
    if mt2m:
        best = max(mt2m, key=lambda r: r.median)
        md.append(goal(f'multithreaded 2 MiB (best thread count) >= 0.9 of '
                       f'{max(host)}-thread memcpy', best, hn, 0.9))
    for kb in sorted(k[0] for k in uml if k[1] == 'serial'):
        # "within 2%": faster than memcpy() is no miss
        md.append(goal(f'serial {SIZES.get(kb)} within 2% of 1-thread memcpy',
                       uml[(kb, 'serial', 1)], h1, 0.98))
    mt4k = [uml[k] for k in uml if k[0] == 4 and k[1] == 'multithreaded']
    if mt4k and (4, 'serial', 1) in uml:
        best = max(mt4k, key=lambda r: r.median)
        md.append(goal('multithreaded 4 KiB batches >= 1.5x serial', best,
                       uml[(4, 'serial', 1)], 1.5))
    md.append('')
    md.append('![copy throughput](copy.png)')
    text = '\n'.join(md) + '\n'

    with open(os.path.join(rundir, 'copy.md'), 'w') as f:
        f.write(text)
    plot(rundir, uml, host, cpus)

    bench = os.path.join(TOP, 'bench')
    os.makedirs(bench, exist_ok=True)
    shutil.copy(os.path.join(rundir, 'copy.md'), bench)
    # The runs themselves, so that the table can be made again from
    # bench/copy-runs (kunit.log: the benchmark's lines only)
    keep = os.path.join(bench, 'copy-runs')
    if os.path.realpath(keep) != os.path.realpath(rundir):
        os.makedirs(keep, exist_ok=True)
        for name in ('meta', 'host.log'):
            shutil.copy(os.path.join(rundir, name), keep)
        with open(os.path.join(rundir, 'kunit.log'), errors='replace') as f, \
                open(os.path.join(keep, 'kunit.log'), 'w') as out:
            out.write(''.join(l for l in f if LINE.search(l)))
    # No plot this time (no gnuplot): no older plot beside the new table
    if os.path.exists(os.path.join(rundir, 'copy.png')):
        shutil.copy(os.path.join(rundir, 'copy.png'), bench)
    elif os.path.exists(os.path.join(bench, 'copy.png')):
        os.remove(os.path.join(bench, 'copy.png'))
    readme = os.path.join(TOP, 'README.md')
    with open(readme) as f:
        old = f.read()
    begin, end = '<!-- bench-copy:begin -->', '<!-- bench-copy:end -->'
    if begin in old and end in old:
        head, rest = old.split(begin, 1)
        _, tail = rest.split(end, 1)
        with open(readme, 'w') as f:
            f.write(head + begin + '\n' + text.replace('(copy.png)', '(bench/copy.png)')
                    + end + tail)
    # ... and the cover letter, before make bench's table, which ends it
    # (plain text: the plot stays out)
    cover = os.path.join(TOP, 'cover-letter.txt')
    start, stop = 'Copy backends at native speed (make bench-copy', 'Benchmark results (make bench'
    with open(cover) as f:
        old = f.read()
    if stop in old:
        head = old[:old.index(start)] if start in old else old[:old.index(stop)]
        section = (start + ', from the harness):\n\n' +
                   text.replace('\n![copy throughput](copy.png)\n', '') + '\n')
        with open(cover, 'w') as f:
            f.write(head + section + old[old.index(stop):])
    print(text)


def plot(rundir, uml, host, cpus):
    """copy.png: GB/s of each copy per folio size, host memcpy as lines"""
    cols = [('folio_copy', 1), ('folio_copy', cpus), ('serial', 1)]
    cols += sorted({('multithreaded', k[2]) for k in uml if k[1] == 'multithreaded'},
                   key=lambda c: c[1])
    if any(k[1] == 'dma' for k in uml):
        cols.append(('dma', 0))
    cols = list(dict.fromkeys(cols))
    dat = os.path.join(rundir, 'copy.dat')
    with open(dat, 'w') as f:
        for kb in sorted({k[0] for k in uml}):
            vals = [uml.get((kb,) + c) for c in cols]
            f.write(f'"{SIZES.get(kb, kb)}" ' +
                    ' '.join(f'{v.median:.3f}' if v else '0' for v in vals) + '\n')
    names = [{'folio_copy': f'kernel folio_copy x{c[1]}', 'dma': 'dma (dmasim)'}.get(
        c[0], f'{c[0]} x{c[1]}') for c in cols]
    plots = ', '.join(f"'{dat}' using {i + 2}:xtic(1) title '{n}'"
                      for i, n in enumerate(names))
    h1, hn = host[1].median, host[max(host)].median
    gp = f"""set terminal png size 900,450 noenhanced
set output '{os.path.join(rundir, 'copy.png')}'
set title 'Copy backends under UML (native speed, {cpus} CPUs)'
set ylabel 'GB/s (median)'
set style data histograms
set style histogram clustered gap 1
set style fill solid 0.8 border -1
set key outside right
set yrange [0:*]
set arrow from graph 0, first {h1} to graph 1, first {h1} nohead dt 2 lc rgb 'black'
set arrow from graph 0, first {hn} to graph 1, first {hn} nohead dt 3 lc rgb 'red'
set label 'host memcpy x1' at graph 0.01, first {h1} offset 0,0.6
set label 'host memcpy x{max(host)}' at graph 0.01, first {hn} offset 0,-0.8
plot {plots}
"""
    try:
        subprocess.run(['gnuplot'], input=gp, text=True, check=True)
    except (OSError, subprocess.CalledProcessError) as e:
        print(f'bench-copy-report: no plot ({e})', file=sys.stderr)


if __name__ == '__main__':
    main()
