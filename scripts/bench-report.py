#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Turn a "make bench" run into results.csv, results.json, results.md and
one plot per table (throughput.png, latency.png, dma.png,
calibration.png, cost.png, load.png, numab.png); copy the tables and
plots to bench/ (latest.md, latest.png for throughput, latest-NAME.png
for the others) and the tables into README.md (between the bench markers)
and the cover letter.

bench-report.py RUNDIR MODE

RUNDIR holds one folder per kernel (vanilla/, patched/) with the guest's
tests.log.  Medians over repetitions, spread as min..max.  Only ratios
within one run mean something: the VM runs under TCG emulation.  A ratio
is a result only outside the noise of what it compares: every ratio the
tables print goes through judge().
"""
import csv
import json
import os
import platform
import re
import shutil
import statistics
import subprocess
import sys

TOP = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
CONFIG_ORDER = (['vanilla', 'serial'] + [f'mt{t}' for t in (1, 2, 4, 8, 16, 32, 64)] +
                ['dma', 'dma-ptdma'])
# The plots, in the order of the tables: name -> title
PLOTS = {'throughput': 'move_pages() throughput', 'latency': 'latency',
         'dma': 'DMA offload overhead', 'calibration': "dcbm's calibration",
         'cost': 'where the time goes', 'load': 'under load',
         'numab': 'NUMA balancing'}


def parse(rundir):
    rows, meta, nodes = [], {}, {}
    for kernel in ('vanilla', 'patched'):
        path = os.path.join(rundir, kernel, 'tests.log')
        with open(path, errors='replace') as f:
            for line in f:
                line = line.strip()
                m = re.match(r'=== NODE (\d+) cpus=(\S*) (\S+)', line)
                if m:
                    nodes[m.group(1)] = {'cpus': m.group(2), 'memory': m.group(3)}
                if not line.startswith('BENCH,'):
                    continue
                fields = line.split(',')[1:]
                row = {'kernel': kernel}
                for fld in fields:
                    if '=' in fld:
                        k, v = fld.split('=', 1)
                        row[k] = v
                    else:
                        row.setdefault('mode', fld)
                if row.get('mode') == 'meta':
                    meta[kernel] = row
                else:
                    rows.append(row)
    return rows, meta, nodes


def host_cpu():
    try:
        with open('/proc/cpuinfo') as f:
            for line in f:
                if line.startswith('model name'):
                    return line.split(':', 1)[1].strip()
    except OSError:
        pass
    return platform.processor()


def med(values):
    return statistics.median(values) if values else None


# multithreaded backend's min_batch_bytes (patch 5): smaller batches are
# copied by the serial backend
MT_MIN_BATCH_KB = 512


def fmt(v, nd=3):
    return '-' if v is None else f'{v:.{nd}f}'


def spread(values):
    """(max - min) / median of one column's repetitions; None when there
    are fewer than two, or the median is 0: the noise is unknown."""
    if len(values) < 2 or not med(values):
        return None
    return (max(values) - min(values)) / abs(med(values))


def noise(runs):
    """The widest spread of the columns of a table row (None: unknown)."""
    known = [s for s in (spread(v) for v in runs.values() if v) if s is not None]
    return max(known) if known else None


def noise_of(*columns):
    """The noise of a comparison: the wider spread of the columns it
    compares; None if any of them has no known spread."""
    s = [spread(c) for c in columns]
    return None if any(x is None for x in s) else max(s)


def pct(nz):
    return '-' if nz is None else f'{nz * 100:.0f}%'


def judge(a, b):
    """Compare the repetitions @a against @b: (median ratio a/b, noise,
    verdict).  The verdict is 'unknown' (a single run on a side), 'same'
    (the ratio's distance from 1, taken as r - 1 or 1/r - 1 whichever
    side it is on, is inside the noise), 'overlap' (outside the noise,
    but the min..max ranges of a and b overlap: a skewed spread) or
    'differ'."""
    ma, mb = med(a), med(b)
    if not ma or not mb:
        return None, None, None
    r = ma / mb
    nz = noise_of(a, b)
    if nz is None:
        return r, nz, 'unknown'
    if max(r, 1 / r) - 1 <= nz:
        return r, nz, 'same'
    if min(a) <= max(b) and min(b) <= max(a):
        return r, nz, 'overlap'
    return r, nz, 'differ'


def ratio_text(r, nz, verdict):
    if verdict == 'unknown':
        return f'{r:.2f}x, noise unknown'
    if verdict == 'overlap':
        return f'{r:.2f}x, noise {nz * 100:.0f}%, ranges overlap'
    return f'{r:.2f}x, noise {nz * 100:.0f}%'


def ratio_cell(a, b):
    """The ratio of the medians of @a and @b as a table may print it:
    never a bare number that the noise could explain."""
    r, nz, verdict = judge(a, b)
    if r is None:
        return '-'
    if verdict in ('same', 'overlap'):
        return f'no difference ({ratio_text(r, nz, verdict)})'
    return f'{r:.2f}x ({ratio_text(r, nz, verdict)[len(f"{r:.2f}x, "):]})'


def goal_lines(rows):
    """Issue #13's goal for whole migrations, serial/vanilla >= 0.98 at
    every size, with the noise: met where the medians' ratio is 0.98 or
    more, missed where it is lower and judge() says the two differ,
    undetermined otherwise (the noise could cover the gap, or is unknown)."""
    met, missed, undecided = [], [], []
    for kind, node, batch, serial, vanilla in rows:
        r, nz, verdict = judge(serial, vanilla)
        if r is None:
            continue
        name = f'{kind} to node {node}, {batch}/call ({ratio_text(r, nz, verdict)})'
        if r >= 0.98:
            met.append(name)
        elif verdict == 'differ':
            missed.append(name)
        else:
            undecided.append(name)
    out = ['Against the goal of issue #13, serial/vanilla >= 0.98 at every '
           'size: met (0.98x or more) in '
           f'{len(met)} rows; missed (slower outside the noise) in '
           f'{len(missed)}' + (': ' + '; '.join(missed) if missed else '') +
           f'; undetermined (below 0.98x, inside the noise or its noise unknown) in '
           f'{len(undecided)}' +
           (': ' + '; '.join(undecided) if undecided else '') + '.', '']
    return out


def config_key(c):
    """vanilla, serial, mt1, mt2, ... (any thread count), dma, the rest"""
    m = re.fullmatch(r'mt(\d+)', c)
    if m:
        return (2, int(m.group(1)), c)
    if c in CONFIG_ORDER:
        return (CONFIG_ORDER.index(c) if c in ('vanilla', 'serial') else 3,
                CONFIG_ORDER.index(c), c)
    return (4, 0, c)


def run_host(rundir):
    """Where the VMs ran: RUNDIR/host (scripts/bench-vms.sh writes it) or,
    for runs from before it, this machine"""
    host = {'host_cpu': host_cpu(), 'host_cores': str(os.cpu_count())}
    try:
        with open(os.path.join(rundir, 'host')) as f:
            for line in f:
                if '=' in line:
                    k, v = line.rstrip('\n').split('=', 1)
                    host[k] = v
    except FileNotFoundError:
        pass
    return host


def gnuplot(rundir, name, script):
    png = os.path.join(rundir, f'{name}.png')
    head = (f"set terminal pngcairo size 1100,{850 if name == 'latency' else 450} "
            f"noenhanced font ',10'\nset output '{png}'\n"
            "set datafile missing '-'\nset grid\n")
    try:
        subprocess.run(['gnuplot'], input=head + script, text=True, check=True)
    except subprocess.CalledProcessError:
        # e.g. a partial run (bench_only=) with one panel's data missing:
        # the table stands without its plot
        print(f'warning: no {name}.png: gnuplot failed', file=sys.stderr)
        return None
    return png


def kinds_plot(rundir, name, dat, columns, logscale, key, title, ylabel):
    """Two panels, 4 KiB pages and THP (index 0 and 1 of @dat), a line per
    column against folios per call."""
    lines = ', '.join(f"'{dat}' index IDX using 1:{i + 2} with linespoints title '{c}'"
                      for i, c in enumerate(columns))
    return gnuplot(rundir, name, f"""set logscale {logscale}
set key {key}
set multiplot layout 1,2 title '{title}'
set xlabel 'folios per move_pages() call'
set ylabel '{ylabel}'
set title '4 KiB pages'
plot {lines.replace('IDX', '0')}
set title '2 MiB THP'
plot {lines.replace('IDX', '1')}
unset multiplot
""")


def render(md, link, plots=None):
    """md's lines, plots as links link(name) gives (None: leave out), only
    those made where @plots says"""
    out = []
    for item in md:
        if isinstance(item, tuple):
            if plots is not None and not plots.get(item[0]):
                continue
            target = link(item[0])
            if target:
                out.extend([f'![{PLOTS[item[0]]}]({target})', ''])
        else:
            out.append(item)
    return '\n'.join(out)


def bench_name(name):
    return 'latest.png' if name == 'throughput' else f'latest-{name}.png'


def main():
    rundir, mode = sys.argv[1], sys.argv[2]
    rows, meta, nodes = parse(rundir)

    # results.csv: every measurement
    keys = sorted({k for r in rows for k in r})
    with open(os.path.join(rundir, 'results.csv'), 'w', newline='') as f:
        w = csv.DictWriter(f, fieldnames=keys)
        w.writeheader()
        w.writerows(rows)

    with open(os.path.join(TOP, 'configs/test.config')) as f:
        config = [l.strip() for l in f if l.startswith('CONFIG_')]
    kconfig = 'debug: lockdep, DEBUG_VM'
    try:
        with open(os.path.join(rundir, 'kconfig')) as f:
            if f.read().strip() == 'release':
                kconfig = 'release: configs/release.config, no lockdep or DEBUG_VM'
    except FileNotFoundError:
        pass
    # The kernels' own configurations, where the run kept them, have the
    # last word on what was measured
    for k in ('vanilla', 'patched'):
        try:
            with open(os.path.join(rundir, f'{k}.config')) as f:
                debug = sorted({m.group(1) for m in re.finditer(
                    r'^CONFIG_(DEBUG_VM|PROVE_LOCKING|KASAN)=y', f.read(), re.M)})
        except FileNotFoundError:
            continue
        if debug and kconfig.startswith('release'):
            kconfig = f'NOT release: {k} has ' + ', '.join(debug)
    host = run_host(rundir)
    # What the guests saw, rather than what was asked of QEMU
    vcpus = int(meta.get('patched', {}).get('cpus') or host.get('vcpus') or 4)
    info = {
        # the run's folder is named after its start time
        'date': os.path.basename(os.path.normpath(rundir)),
        'mode': mode,
        'kernels': {k: v.get('release') for k, v in meta.items()},
        'guest_cpus': meta.get('patched', {}).get('cpus'),
        'migrate_batch_pages': meta.get('patched', {}).get('batch_pages'),
        'series_patches': len([p for p in os.listdir(os.path.join(TOP, 'patches'))
                               if re.match(r'\d{4}-', p) and not p.startswith('0000')]),
        'vm': {'accel': 'QEMU TCG (software emulation)', 'vcpus': vcpus,
               'nodes': nodes,
               'distances': {'0-1': 21, '0-2': 30, '1-2': 30}},
        'config': config,
        'kconfig': kconfig,
        'host_cpu': host['host_cpu'],
        'host_cores': int(host['host_cores']),
        'rows': rows,
    }
    only = meta.get('patched', {}).get('only', 'all')
    place = (f"a QEMU TCG VM (software emulation) with {vcpus} vCPUs, "
             f"{vcpus // 2} per CPU node, on {info['host_cores']} host cores "
             f"({info['host_cpu']})")

    tp = [r for r in rows if r['mode'] == 'throughput']
    # A THP repetition whose memory was not all THPs, before or after the
    # moves, or whose THPs were split to migrate, measured something else
    not_thp = [r for r in tp if r['kind'] == 'thp' and 'thp_kb' in r and
               (min(int(r['thp_kb']), int(r.get('thp_kb_end', r['thp_kb']))) < int(r['kb'])
                or int(r.get('thp_splits', 0)) > 0)]
    tp = [r for r in tp if r not in not_thp]
    configs = sorted({r['config'] for r in tp}, key=config_key)

    def gbps(config, kind, node, batch):
        return [float(r['gbps']) for r in tp
                if r['config'] == config and r['kind'] == kind and
                r['node'] == node and r['batch'] == batch]

    memcpy = {}
    for r in rows:
        if r['mode'] == 'memcpy' and r['kernel'] == 'vanilla':
            memcpy.setdefault(r['threads'], []).append(float(r['gbps']))
    ceiling = max((med(v) for v in memcpy.values()), default=None)
    plots = {}      # name -> png in rundir

    md = []
    md.append(f"Run: `make bench{' BENCH=full' if mode == 'full' else ''}` "
              f"({mode} mode), {info['date']}, host CPU: {info['host_cpu']} "
              f"({info['host_cores']} cores); guest: {vcpus} vCPUs, 3 NUMA nodes "
              f"(node 2 memory-only); vanilla {info['kernels'].get('vanilla')} "
              f"and the same with the {info['series_patches']}-patch series, "
              f"same config ({info['kconfig']}); "
              f"{info['migrate_batch_pages']} pages per batch" +
              (f"; parts run: {only.replace('+', ', ')} (bench_only)"
               if only != 'all' else '') + '.')
    md.append('')
    md.append('**The VM runs under QEMU TCG (software emulation): absolute '
              'GB/s and microseconds do not transfer to hardware; only the '
              'ratios between columns, measured in this one run, mean '
              'something, and only outside the noise.  Every ratio below is '
              'judged alike: its distance from 1 (r - 1, or 1/r - 1 below 1) '
              'against the noise of the two columns it compares (the wider '
              'of their spreads, (max - min) / median over the '
              'repetitions); inside it, or outside it while the min..max '
              'ranges of the two still overlap (a skewed spread), it is '
              'printed as "no difference"; a ratio from single runs says '
              'that its noise is unknown.**')
    md.append('')
    # A run of some parts only (bench_only=) has no throughput rows
    if tp:
        md.append('move_pages() throughput, GB/s, median of repetitions. '
                  'serial/vanilla: the same copy, batched; mt/serial: the best '
                  'multithreaded configuration against serial (the best of '
                  'several medians: if anything, too kind to mt); ceiling: the '
                  'best patched median as a share of the all-vCPU memcpy '
                  'bandwidth; noise: the widest spread of the row.')
        md.append('')
        md.append('| pages | to node | folios/call | ' + ' | '.join(configs) +
                  ' | serial/vanilla | mt/serial | ceiling | noise |')
        md.append('|' + '---|' * (len(configs) + 7))
        plot_rows = {}
        goal_rows = []
        for kind in ('4k', 'thp'):
            for node in ('1', '2'):
                batches = sorted({r['batch'] for r in tp if r['kind'] == kind and
                                  r['node'] == node}, key=int)
                for batch in batches:
                    runs = {c: gbps(c, kind, node, batch) for c in configs}
                    meds = {c: med(v) for c, v in runs.items()}
                    mts = [c for c, v in meds.items() if c.startswith('mt') and v]
                    mt = max(mts, key=lambda c: meds[c], default=None)
                    best = max([v for c, v in meds.items() if c != 'vanilla' and v],
                               default=None)
                    sv = ratio_cell(runs.get('serial', []), runs.get('vanilla', []))
                    goal_rows.append((kind, node, batch, runs.get('serial', []),
                                      runs.get('vanilla', [])))
                    if kind == '4k' and int(batch) * 4 < MT_MIN_BATCH_KB:
                        # The backend hands batches this small to the serial copy
                        ms = f'serial copied (batches < {MT_MIN_BATCH_KB} KiB)'
                    else:
                        mt_runs = runs[mt] if mt else []
                        ms = ratio_cell(mt_runs, runs.get('serial', []))
                        r, _, verdict = judge(mt_runs, runs.get('serial', []))
                        if verdict == 'differ' and r > int(mt[2:]):
                            ms += f'; more than {mt[2:]} threads can give: drift, not the backend'
                    md.append(f"| {kind} | {node} | {batch} | " +
                              ' | '.join(fmt(meds[c]) for c in configs) +
                              f" | {sv} | {ms}"
                              f" | {fmt(best / ceiling * 100 if best and ceiling else None, 0)}%"
                              f" | {pct(noise(runs))} |")
                    if node == '1':
                        plot_rows.setdefault(kind, []).append((batch, meds))
        md.append('')
        md += goal_lines(goal_rows)
        if not_thp:
            split = sum(int(r.get('thp_splits', 0)) > 0 for r in not_thp)
            md.append(f'{len(not_thp)} THP repetitions left out: the kernel '
                      'could not back all of their memory with THPs, before or '
                      f'after the moves ({split} of them split THPs to migrate '
                      'them).')
            md.append('')
        if memcpy:
            md.append('memcpy ceiling, node 0 -> node 1, GB/s: ' + ', '.join(
                f"{t} thread{'s' if t != '1' else ''}: {fmt(med(v))}"
                for t, v in sorted(memcpy.items(), key=lambda x: int(x[0]))))
            md.append('')
        if configs:
            # throughput.png: GB/s against folios per call, node 0 -> 1
            dat = os.path.join(rundir, 'throughput.dat')
            with open(dat, 'w') as f:
                for kind in ('4k', 'thp'):
                    f.write(f'# {kind}\n# batch ' + ' '.join(configs) + '\n')
                    for batch, meds in plot_rows.get(kind, []):
                        f.write(batch + ' ' + ' '.join(fmt(meds[c], 4) for c in configs) + '\n')
                    f.write('\n\n')
            plots['throughput'] = kinds_plot(
                rundir, 'throughput', dat, configs, 'x 2', 'left top',
                'move_pages() node 0 -> 1 under QEMU TCG (ratios only)', 'GB/s')
            md.append(('throughput',))

    latency_table(md, rows, place, vcpus, rundir, plots)

    dma = [c for c in ('dma', 'dma-ptdma') if c in configs]
    if dma and 'serial' in configs:
        md.append('DMA backend (dcbm) on the software engine (dmasim), '
                  'node 0 -> 1: microseconds per folio, median.  "dma" copies '
                  'at memcpy speed, so dma - serial is the cost of offloading '
                  '(mapping, descriptors, completions, waits), per folio and '
                  'per 2 MiB batch, when dma and serial differ by more than '
                  'the noise of the two; "dma-ptdma" models PTDMA channels '
                  '(768 MB/s, 10 us per descriptor).  Measured on a software '
                  'engine: only the overheads are real; a hardware engine '
                  'copies in parallel with the CPU and at its own speed.')
        md.append('')
        md.append('| pages | folios/call | serial | ' + ' | '.join(dma) +
                  ' | dma - serial per folio | per 2 MiB batch | noise |')
        md.append('|' + '---|' * (len(dma) + 6))
        dat = os.path.join(rundir, 'dma.dat')
        with open(dat, 'w') as f:
            for kind in ('4k', 'thp'):
                folio = 4096 if kind == '4k' else 2 << 20
                batches = sorted({r['batch'] for r in tp if r['kind'] == kind and
                                  r['node'] == '1'}, key=int)
                f.write(f'# {kind}: us per folio\n# batch serial ' + ' '.join(dma) + '\n')
                for batch in batches:
                    runs = {c: gbps(c, kind, '1', batch) for c in ['serial'] + dma}
                    us = {c: (folio / (med(v) * 1e9) * 1e6 if v and med(v) else None)
                          for c, v in runs.items()}
                    f.write(batch + ' ' + ' '.join(fmt(us[c], 2) for c in ['serial'] + dma) + '\n')
                    over, batch_over = '-', '-'
                    # us per folio: dma/serial is serial's GB/s over dma's
                    r, nz, verdict = judge(runs['serial'], runs['dma'])
                    if r is not None and verdict in ('same', 'overlap'):
                        over = f'no difference ({ratio_text(r, nz, verdict)})'
                    elif r is not None:
                        d = us['dma'] - us['serial']
                        over = f'{d:.1f} ({ratio_text(r, nz, verdict)})'
                        batch_over = fmt(d * (2 << 20) / folio, 0)
                    md.append(f"| {kind} | {batch} | {fmt(us['serial'], 1)} | " +
                              ' | '.join(fmt(us[c], 1) for c in dma) +
                              f" | {over} | {batch_over} | {pct(noise(runs))} |")
                f.write('\n\n')
        md.append('')
        plots['dma'] = kinds_plot(
            rundir, 'dma', dat, ['serial'] + dma, 'xy 2', 'right top',
            'DMA backend on dmasim against serial, node 0 -> 1, QEMU TCG',
            'us per folio (median)')
        md.append(('dma',))

    calibration_table(md, rows, rundir, plots)
    cost_table(md, rows, rundir, plots)
    load_table(md, rows, rundir, plots, vcpus)
    numab_table(md, rows, rundir, plots)

    plots = {n: p for n, p in plots.items() if p}
    info['plots'] = {n: os.path.basename(p) for n, p in plots.items()}
    with open(os.path.join(rundir, 'results.json'), 'w') as f:
        json.dump(info, f, indent=1)
    with open(os.path.join(rundir, 'results.md'), 'w') as f:
        f.write(render(md, lambda n: f'{n}.png', plots) + '\n')

    # Latest results where the README and cover letter can quote them,
    # unless told not to (BENCH_PUBLISH=0: a run kept beside the latest)
    if os.environ.get('BENCH_PUBLISH', '1') == '0':
        print(render(md, lambda n: None))
        return
    bench = os.path.join(TOP, 'bench')
    os.makedirs(bench, exist_ok=True)
    with open(os.path.join(bench, 'latest.md'), 'w') as f:
        f.write(render(md, bench_name, plots) + '\n')
    shutil.copy(os.path.join(rundir, 'results.json'), os.path.join(bench, 'latest.json'))
    for name in PLOTS:
        dst = os.path.join(bench, bench_name(name))
        if name in plots:
            shutil.copy(plots[name], dst)
        elif name != 'throughput' and os.path.exists(dst):
            os.remove(dst)      # not measured this time: not the latest
    readme = os.path.join(TOP, 'README.md')
    with open(readme) as f:
        text = f.read()
    begin, end = '<!-- bench:begin -->', '<!-- bench:end -->'
    if begin in text and end in text:
        text = (text[:text.index(begin) + len(begin)] + '\n' +
                render(md, lambda n: 'bench/' + bench_name(n), plots) + '\n' +
                text[text.index(end):])
        with open(readme, 'w') as f:
            f.write(text)
    # ... and the cover letter, whose last section is the table (plain
    # text: the plots stay out)
    table = render(md, lambda n: None)
    cover = os.path.join(TOP, 'cover-letter.txt')
    marker = 'Benchmark results (make bench'
    with open(cover) as f:
        text = f.read()
    if marker in text:
        text = text[:text.index(marker)]
    with open(cover, 'w') as f:
        f.write(text + marker + ', from the harness):\n\n' + table + '\n')
    print(table)


def latency_table(md, rows, place, vcpus, rundir, plots):
    lat = [r for r in rows if r['mode'] == 'latency']
    # As for throughput: a THP run whose memory was not all THPs, at the
    # start or the end, measured something else
    not_thp = [r for r in lat if r['kind'] == 'thp' and
               min(int(r.get('thp_kb', 0)), int(r.get('thp_kb_end', 0))) < int(r['kb'])]
    lat = [r for r in lat if r not in not_thp]
    if not lat:
        return
    cfgs = sorted({r['config'] for r in lat}, key=config_key)
    cols = ('call_p50_us', 'call_p99_us', 'first_p50_us', 'first_p99_us')

    def runs(kind, batch, c):
        sel = [r for r in lat if r['kind'] == kind and r['batch'] == batch and
               r['config'] == c]
        # -1: no call of the run timed its first folio
        return {k: [float(r[k]) for r in sel if float(r[k]) >= 0] for k in cols}, sel

    # calls asked for per run: the failed ones count
    calls = sorted({int(r['calls']) + int(r.get('failed', 0)) for r in lat})
    md.append(f'Latency against batch size, node 0 -> 1, measured in {place}. '
              'Each move_pages() call moves BATCH folios (the target '
              'alternates between node 1 and 0, so every call moves memory); '
              '"call": its latency; "first folio": the time from the call\'s '
              'start until its first folio is mapped again, as a second '
              'thread sees it, reading the node of that page in a loop '
              '(get_mempolicy(MPOL_F_NODE | MPOL_F_ADDR), which waits on the '
              'migration entry as any task touching the page would). p50 and '
              'p99 per run of '
              f"{'/'.join(map(str, calls))} calls (below 100 calls, p99 is "
              'the slowest call), median over the runs; first/call: '
              'where in the call the first folio comes back (p50 over p50: '
              '"no difference" is at the end of the call); "against vanilla": the p50 of the patched configuration '
              'over vanilla\'s (> 1: longer), with the noise of the two; '
              'noise: the widest spread of the p50s over the runs.')
    md.append('')
    md.append('What it can mean: the shape.  Vanilla copies and remaps one '
              'folio after the other once the batch is unmapped; the series '
              'copies the whole batch first, then remaps: batching delays '
              'the first folio\'s remap to the end of the batch\'s copy, and a '
              'task touching it waits that long.  The batch bound (512 '
              'pages: one THP) bounds that: beyond 512 4 KiB pages per call '
              'the first folio should take no longer while the call does, and '
              'THP calls are batches of one folio each.  What it cannot '
              'mean: microseconds on hardware (the copy is emulated), or a '
              f'p99 of a quiet machine: {vcpus} vCPUs share the host cores.  '
              'The polling thread is part of the measurement: it takes a '
              'vCPU while the call runs, which the multithreaded copy would '
              'otherwise use; it shares the address space, so every unmap '
              'sends its vCPU a TLB shootdown, which under TCG can wait '
              'milliseconds for that vCPU\'s host thread; and its wake-up '
              'after the remap is part of the first-folio time, which can '
              'therefore exceed the call\'s own.')
    md.append('')
    md.append('| pages | folios/call | config | call p50 us | call p99 us '
              '| first folio p50 us | first folio p99 us | first/call '
              '| call p50 against vanilla | first folio p50 against vanilla '
              '| runs x calls | noise |')
    md.append('|' + '---|' * 12)
    dat = os.path.join(rundir, 'latency.dat')
    with open(dat, 'w') as f:
        for kind in ('4k', 'thp'):
            f.write(f'# {kind}\n# batch ' + ' '.join(
                f'{c}_{k}' for c in cfgs for k in cols) + '\n')
            for batch in sorted({r['batch'] for r in lat if r['kind'] == kind}, key=int):
                van = runs(kind, batch, 'vanilla')[0] if 'vanilla' in cfgs else None
                line = [batch]
                for c in cfgs:
                    rn, sel = runs(kind, batch, c)
                    if not sel:
                        line += ['-'] * len(cols)
                        continue
                    m = {k: med(v) for k, v in rn.items()}
                    line += [fmt(m[k], 1) for k in cols]
                    # where in the call: "no difference" is at its end
                    share = ratio_cell(rn['first_p50_us'], rn['call_p50_us'])
                    vs = {k: '' if c == 'vanilla' else
                          ratio_cell(rn[k], van[k] if van else [])
                          for k in ('call_p50_us', 'first_p50_us')}
                    md.append(f"| {kind} | {batch} | {c} | {fmt(m['call_p50_us'], 0)} | "
                              f"{fmt(m['call_p99_us'], 0)} | {fmt(m['first_p50_us'], 0)} | "
                              f"{fmt(m['first_p99_us'], 0)} | "
                              f"{share} | "
                              f"{vs['call_p50_us']} | {vs['first_p50_us']} | "
                              f"{len(sel)} x {int(sel[0]['calls']) + int(sel[0].get('failed', 0))} | "
                              f"{pct(noise({k: rn[k] for k in ('call_p50_us', 'first_p50_us')}))} |")
                f.write(' '.join(line) + '\n')
            f.write('\n\n')
    md.append('')
    if not_thp:
        md.append(f'{len(not_thp)} THP latency runs left out: the kernel '
                  'could not back all of their memory with THPs.')
        md.append('')
    failed = sum(int(r.get('failed', 0)) for r in lat)
    if failed:
        md.append(f'{failed} calls left out: not all of their folios moved.')
        md.append('')

    def lines(idx, what):
        out = []
        for i, c in enumerate(cfgs):
            base = 2 + i * len(cols) + (0 if what == 'call' else 2)
            out.append(f"'{dat}' index {idx} using 1:{base} with linespoints "
                       f"lt {i + 1} pt 7 title '{c} p50'")
            out.append(f"'{dat}' index {idx} using 1:{base + 1} with linespoints "
                       f"lt {i + 1} dt 2 pt 6 title '{c} p99'")
        return ', '.join(out)
    plots['latency'] = gnuplot(rundir, 'latency', f"""set logscale xy 2
set format y '%g'
set key left top
set arrow 1 from 512, graph 0 to 512, graph 1 nohead dt 3
set logscale y 10
set multiplot layout 2,2 title 'move_pages() latency, node 0 -> 1, QEMU TCG: shapes only (dotted: 512-page batch bound)'
set xlabel '4 KiB pages per call'
set ylabel 'us'
set title '4 KiB: call latency'
plot {lines(0, 'call')}
set title '4 KiB: time to the first folio remapped'
plot {lines(0, 'first')}
unset arrow 1
set xlabel 'THPs per call'
set title 'THP: call latency'
plot {lines(1, 'call')}
set title 'THP: time to the first folio remapped'
plot {lines(1, 'first')}
unset multiplot
""")
    md.append(('latency',))


def calibration_table(md, rows, rundir, plots):
    cal = [r for r in rows if r['mode'] == 'calibration']
    if not cal:
        return
    cross = {}
    for r in rows:
        if r['mode'] == 'crossover':
            cross.setdefault(r['config'], {})[r.get('rep', '1')] = r['folio_kb']
    models = sorted({r['config'] for r in cal})
    reps = {c: sorted({r.get('rep', '1') for r in cal if r['config'] == c}) for c in models}
    md.append("dcbm's calibration (run when a policy first selects "
              '"dma"): CPU and DMA time to copy 2 MiB in folios of each '
              'size, best of 3 within a calibration, median over '
              'calibrations.  "auto" offloads from the crossover on.  '
              'Under TCG the CPU copy is emulated while the engine model '
              'waits in real time: this shows the mechanism, not where '
              'hardware crosses over.')
    md.append('')
    md.append('| engine model | folio | CPU us | DMA us | DMA/CPU | calibrations | noise |')
    md.append('|---|---|---|---|---|---|---|')
    dat = os.path.join(rundir, 'calibration.dat')
    with open(dat, 'w') as f:
        for c in models:
            f.write(f'# {c}\n# folio_kb cpu_us dma_us\n')
            for kb in sorted({r['folio_kb'] for r in cal if r['config'] == c}, key=int):
                sel = [r for r in cal if r['config'] == c and r['folio_kb'] == kb]
                cpu = [float(r['cpu_us']) for r in sel]
                dm = [float(r['dma_us']) for r in sel]
                mc, md_ = med(cpu), med(dm)
                md.append(f"| {c} | {kb} KiB | {fmt(mc, 0)} | {fmt(md_, 0)} | "
                          f"{ratio_cell(dm, cpu)} | "
                          f"{len(sel)} | {pct(noise({'cpu': cpu, 'dma': dm}))} |")
                f.write(f'{kb} {fmt(mc, 1)} {fmt(md_, 1)}\n')
            f.write('\n\n')
    md.append('')
    md.append('Crossover: ' + '; '.join(
        f"{c}: " + ', '.join(
            (cross.get(c, {}).get(rep) + ' KiB') if cross.get(c, {}).get(rep) else 'none'
            for rep in reps[c]) + f" (in {len(reps[c])} calibration{'s' if len(reps[c]) > 1 else ''})"
        for c in models))
    md.append('')
    lines = ', '.join(
        f"'{dat}' index {i} using 1:{col} with linespoints lt {i + 1} "
        f"dt {1 if col == 2 else 2} title '{c} {'CPU' if col == 2 else 'DMA'}'"
        for i, c in enumerate(models) for col in (2, 3))
    plots['calibration'] = gnuplot(rundir, 'calibration', f"""set logscale xy 2
set format y '%g'
set key right top
set title "dcbm's calibration: time to copy 2 MiB, QEMU TCG (CPU emulated, engine waits real)"
set xlabel 'folio size, KiB'
set ylabel 'us (median of calibrations)'
plot {lines}
""")
    md.append(('calibration',))


def cost_table(md, rows, rundir, plots):
    cost = [r for r in rows if r['mode'] == 'cost']
    if not cost:
        return
    md.append('Where the time goes (patched, serial backend): per-page '
              'cost of move_pages() and the share of it spent in the '
              'batch copy (sum of mm_migrate_copy_batch durations), median '
              'of repetitions; noise: the wider spread of the two.')
    md.append('')
    md.append('| working set | folios | us per 4 KiB page | copy share | runs | noise |')
    md.append('|---|---|---|---|---|---|')
    dat = os.path.join(rundir, 'cost.dat')
    with open(dat, 'w') as f:
        f.write('# label us_per_page us_min us_max share_pct share_min share_max\n')
        for kind, kb in sorted({(r['kind'], r['kb']) for r in cost},
                               key=lambda x: (int(x[1]), x[0])):
            sel = [r for r in cost if r['kind'] == kind and r['kb'] == kb]
            pages = int(kb) // 4
            us = [float(r['seconds']) * 1e6 / pages for r in sel]
            share = [int(r['copy_ns']) / (float(r['seconds']) * 1e9) * 100 for r in sel]
            size = (f"{int(kb) // 1024} MiB" if int(kb) >= 1024 else f"{kb} KiB")
            folios = 'THP' if kind == 'thp' else '4 KiB'
            md.append(f"| {size} | {folios} | {fmt(med(us), 1)} | "
                      f"{fmt(med(share), 1)}% | {len(sel)} | "
                      f"{pct(noise({'us': us, 'share': share}))} |")
            f.write(f'"{size} {folios}" {med(us):.2f} {min(us):.2f} {max(us):.2f} '
                    f'{med(share):.2f} {min(share):.2f} {max(share):.2f}\n')
    md.append('')
    plots['cost'] = gnuplot(rundir, 'cost', f"""set style data histogram
set style histogram errorbars gap 1 lw 1
set style fill solid 0.5
set key off
set xtics rotate by -20
set multiplot layout 1,2 title 'Where the time goes (patched, serial), QEMU TCG: median, bars min..max'
set title 'us per 4 KiB page'
set logscale y
set format y '%g'
plot '{dat}' using 2:3:4:xtic(1)
unset logscale y
set title 'share of the time in the batch copy, %'
set yrange [0:100]
plot '{dat}' using 5:6:7:xtic(1)
unset multiplot
""")
    md.append(('cost',))


# make bench's load configurations: (config tag, label), in table order
LOAD_CONFIGS = (('vanilla', 'vanilla'), ('patched', 'patched'),
                ('patched-b16', 'patched, 16 THPs per batch'),
                ('patched-nodefer', 'patched, flush not deferred'))
LOAD_KINDS = ('4k', 'thp', 'ro', 'ro-busy')


def load_table(md, rows, rundir, plots, vcpus):
    load = [r for r in rows if r['mode'] == 'load']
    if not load:
        return
    # Runs before the THP variant have no kind: 4 KiB
    kind_of = lambda r: r.get('kind', '4k')
    cols = ('pages_per_s', 'tlb_per_kpage', 'tlb_per_thp', 'flushes_per_kpage')
    # nr_tlb_remote_flush: counted by kernels with x86's DEBUG_TLBFLUSH
    counted = all(float(r.get('flushes_per_kpage', -1)) >= 0 for r in load)
    runs = {}
    for cfg, _ in LOAD_CONFIGS:
        for kind in LOAD_KINDS:
            sel = [r for r in load if r['config'] == cfg and kind_of(r) == kind]
            if sel:
                runs[cfg, kind] = {
                    c: [float(r.get(c, 0)) for r in sel] for c in cols}
                runs[cfg, kind]['split'] = sum(
                    1 for r in sel
                    if int(r.get('thp_kb_end', 0)) < int(r.get('thp_kb_start', 0)))
    md.append('Under load: threads on every vCPU write 64 MiB of 4 KiB pages '
              'or THPs, or read 4 KiB pages made read-only with mprotect() '
              '("ro"; "ro-busy": the same threads mostly busy with 64 KiB '
              'of their own, reading a moving page once per 2^18 touches, '
              'so that they are running, not waiting on a migration entry, '
              'when a flush comes), while move_pages() moves it (and nothing '
              'else) between node 0 and 1 '
              f"for {load[0]['seconds'].split('.')[0]} s; median of runs, "
              'interleaved; TLB shootdowns: interrupts a flush sent to other '
              'CPUs, from /proc/interrupts (an idle CPU, its thread waiting '
              'on a migration entry, is not interrupted); "16 THPs per '
              'batch": '
              'vm.migrate_batch_thps=16 (default 1, one THP per batch); '
              '"flush not deferred": vm.migrate_deferred_flush_pages=0 '
              '(default 8192 pages).  ' +
              ('Remote flushes: the flushes that targeted other CPUs '
               '(nr_tlb_remote_flush in /proc/vmstat, x86 '
               'CONFIG_DEBUG_TLBFLUSH), whether or not those CPUs then '
               'needed an interrupt.  ' if counted else '') +
              'Comparisons are two boots or two settings, with their noise.')
    md.append('')
    flush_head = ' remote flushes per 1000 pages |' if counted else ''
    md.append('| configuration | memory | pages/s | TLB shootdowns per 1000 pages '
              f'|{flush_head} per THP moved | runs with THPs split | runs | noise |')
    md.append('|---|---|---|---|---|---|---|---|' + ('---|' if counted else ''))
    dat = os.path.join(rundir, 'load.dat')
    with open(dat, 'w') as f:
        f.write('# config pages_per_s min max tlb_per_kpage min max\n')
        for cfg, label in LOAD_CONFIGS:
            for kind in LOAD_KINDS:
                if (cfg, kind) not in runs:
                    continue
                r = runs[cfg, kind]
                m = {c: med(r[c]) for c in cols}
                per_thp = fmt(m['tlb_per_thp'], 2) if kind == 'thp' else '-'
                flush_cell = f" {fmt(m['flushes_per_kpage'], 2)} |" if counted else ''
                md.append(f"| {label} | {kind} | {fmt(m['pages_per_s'], 0)} | "
                          f"{fmt(m['tlb_per_kpage'], 2)} |{flush_cell} {per_thp} | "
                          f"{r['split'] if kind == 'thp' else '-'} | "
                          f"{len(r['pages_per_s'])} | "
                          f"{pct(noise({c: r[c] for c in ('pages_per_s', 'tlb_per_kpage')}))} |")
                p, t = r['pages_per_s'], r['tlb_per_kpage']
                f.write(f'"{label}, {kind}" {med(p):.0f} {min(p):.0f} {max(p):.0f} '
                        f'{med(t):.3f} {min(t):.3f} {max(t):.3f}\n')
    for a, b, kinds in (('patched', 'vanilla', LOAD_KINDS),
                        ('patched-b16', 'patched', ('thp',)),
                        ('patched', 'patched-nodefer', ('ro', 'ro-busy'))):
        for kind in kinds:
            if (a, kind) in runs and (b, kind) in runs:
                ra, rb = runs[a, kind], runs[b, kind]
                la, lb = dict(LOAD_CONFIGS)[a], dict(LOAD_CONFIGS)[b]
                flush_cell = (f" {ratio_cell(ra['flushes_per_kpage'], rb['flushes_per_kpage'])} |"
                              if counted else '')
                md.append(f"| {la} / {lb} | {kind} | "
                          f"{ratio_cell(ra['pages_per_s'], rb['pages_per_s'])} | "
                          f"{ratio_cell(ra['tlb_per_kpage'], rb['tlb_per_kpage'])} |"
                          f"{flush_cell} | | | |")
    md.append('')
    # Issue #10's goal: a batch of THPs costs at most one shootdown per
    # other CPU.  16 THPs per batch, so per batch = 16 x per THP.
    if ('patched-b16', 'thp') in runs:
        per_thp = runs['patched-b16', 'thp']['tlb_per_thp']
        worst = max(per_thp) * 16
        verdict = 'met' if worst <= vcpus - 1 else 'not met'
        md.append(f'Against the goal of issue #10, at most one TLB shootdown per '
                  f'other CPU per batch of THPs: {fmt(med(per_thp) * 16, 2)} '
                  f'per batch of 16 THPs (median; {fmt(worst, 2)} in the worst '
                  f'run) for {vcpus - 1} other vCPU{"s" if vcpus > 2 else ""}: '
                  f'{verdict}.  Estimated as 16 times the shootdowns per THP '
                  f'moved, so it also counts any other flush of the guest '
                  f'during the run.')
        md.append('')
    # Issue #10's goal for read-only memory: at least 90% fewer shootdowns.
    # Judged on the interrupts (the measure), and where counted on
    # the flushes that asked for them, against vanilla and against the
    # same kernel with the deferral off.
    fewer = lambda c: f'{pct(c)} fewer' if c >= 0 else f'{pct(-c)} more'
    for kind, col, what in (('ro', 'tlb_per_kpage', 'TLB shootdowns'),
                            ('ro', 'flushes_per_kpage', 'remote flushes'),
                            ('ro-busy', 'tlb_per_kpage', 'TLB shootdowns'),
                            ('ro-busy', 'flushes_per_kpage', 'remote flushes')):
        if col == 'flushes_per_kpage' and not counted:
            continue
        for base, label in (('vanilla', 'vanilla'),
                            ('patched-nodefer', 'the series with the deferral off')):
            if ('patched', kind) not in runs or (base, kind) not in runs:
                continue
            pat = runs['patched', kind][col]
            van = runs[base, kind][col]
            head = (f'Against the goal of issue #10 for read-only memory '
                    f'("{kind}"), at least 90% fewer {what} than {label}')
            if not min(van) > 0:
                md.append(f'{head}: cannot be judged ({label} had none in a run).')
                md.append('')
                continue
            cut = 1 - med(pat) / med(van)
            worst = 1 - max(pat) / min(van)
            verdict = 'met' if worst >= 0.9 else 'not met'
            md.append(f'{head}: {fewer(cut)} per 1000 pages (medians; '
                      f'{fewer(worst)} between the worst runs): {verdict}.')
            md.append('')
    plots['load'] = gnuplot(rundir, 'load', f"""set style data histogram
set style histogram errorbars gap 1 lw 1
set style fill solid 0.5
set key off
set yrange [0:*]
set xtics rotate by -30
set multiplot layout 1,2 title 'Under load (threads touch the memory being moved), QEMU TCG: median, bars min..max'
set title 'pages migrated per second'
plot '{dat}' using 2:3:4:xtic(1)
set title 'TLB shootdowns per 1000 pages'
plot '{dat}' using 5:6:7:xtic(1)
unset multiplot
""")
    md.append(('load',))


def numab_table(md, rows, rundir, plots):
    # A run from the lower tier (node 2, numa_balancing=2) is its own kind
    numab = [dict(r, kind=r['kind'] + (' tier' if r.get('from', '1') == '2' else ''))
             for r in rows if r['mode'] == 'numab']
    if not numab:
        return
    for r in numab:
        # pages/s reaching node 0: what moved, over the time to 99% local;
        # 0 for a run that never got there (it counts, as the slowest)
        r['rate'] = (float(r['numa_migrated']) / float(r['local_s'])
                     if float(r['local_s']) > 0 else 0.0)
        r.setdefault('promoted', -1)
        # the kernel's own timing of the hint faults (older runs: none)
        for k in ('hint_timed', 'hint_p50_us', 'hint_p99_us',
                  'misplaced_timed', 'misplaced_p50_us', 'misplaced_p99_us',
                  'probe_missed', 'timing_dropped', 'kmigrated_fallback'):
            r.setdefault(k, -1)
    kinds = [k for k in ('4k', 'thp', '4k tier', 'thp tier')
             if any(r['kind'] == k for r in numab)]
    md.append('NUMA balancing at work: memory starts on node 1 while 2 '
              'threads on node 0 sweep it for '
              f"{numab[0]['seconds']} s ({numab[0]['mb']} MiB), scans "
              'sped up; "tier": it starts on node 2 instead, a lower memory '
              'tier (the VM\'s HMAT), with numa_balancing=2 (promotion).  '
              'Hint-fault latency as the kernel times it, the same way on '
              'both kernels: return probes on numa_migrate_check() and '
              '__handle_mm_fault() joined by histogram triggers, from the '
              'placement decision (numa_migrate_check() returns) to the '
              'fault\'s return, for every hint fault ("hint faults") and '
              'for those where it chose a node ("misplaced": the fault '
              'migrates the folio, or queues it for kmigrated); what comes '
              'before the decision is the same code on both sides.  '
              '"entry waits", "wait ms": the faults that found a page in '
              'migration (by kmigrated or another fault) and waited on its '
              'migration entry, no hint faults, and their total time: what '
              'kmigrated takes off the hint faults but puts on others; '
              '"stalled ms": that time and the misplaced faults\' together '
              '(kmigrated\'s CPU time, its own column, not included; the '
              'probes count every task of the guest, which runs nothing '
              'else).  '
              '"touch p99": the 99th percentile of the touches that took '
              'a fault (> 5 us) as the task sees it, TCG\'s slow touches '
              'included; "to 99% local": '
              'seconds until 99% of the pages are on node 0 (median of '
              'the runs that got there); pages/s: numa_pages_migrated '
              '(all of the guest, for the whole run) over that time, 0 '
              'for a run that did not get there (the promotion rate); '
              'promoted: pgpromote_success; sweeps: work the task got done; '
              'fell back: pages that found kmigrated\'s queue full '
              '(vm.kmigrated_queue_pages) and were migrated by the faulting '
              'task; "kmigrated-q16": kmigrated with its queue bounded to '
              '16 MiB instead of the default 256 MiB; kmigrated CPU: what '
              'the threads used.  Median of '
              f"{sum(r['config'] == numab[0]['config'] and r['kind'] == numab[0]['kind'] for r in numab)} "
              'runs; noise as above, over misplaced p99 and sweeps.')
    md.append('')
    md.append('| pages | config | hint faults | p50 us | p99 us '
              '| misplaced | p50 us | p99 us | entry waits | wait ms '
              '| stalled ms | touch p99 us '
              '| to 99% local s | pages/s | sweeps | promoted '
              '| fell back | kmigrated CPU ms | noise |')
    md.append('|' + '---|' * 19)
    # The task's time stopped by migrations: its misplaced hint faults
    # and its waits on migration entries (older runs: not measured)
    for r in numab:
        parts = [float(r.get(k, -1)) for k in ('misplaced_ms', 'entry_wait_ms')]
        r['stall_ms'] = sum(parts) if min(parts) >= 0 else -1
    cfgs = [c for c in ('vanilla', 'sync', 'kmigrated', 'kmigrated-q16')
            if any(r['config'] == c for r in numab)]
    cols = ('hint_timed', 'hint_p50_us', 'hint_p99_us', 'misplaced_timed',
            'misplaced_p50_us', 'misplaced_p99_us', 'fault_p99_us',
            'local_s', 'rate', 'sweeps', 'promoted', 'kmigrated_fallback',
            'kmigrated_cpu_ms', 'probe_missed', 'timing_dropped',
            'entry_waits', 'entry_wait_ms', 'stall_ms')
    meds = {}
    dat = os.path.join(rundir, 'numab.dat')
    with open(dat, 'w') as f:
        f.write('# label p50 p50_min p50_max p99 p99_min p99_max sweeps sweeps_min sweeps_max\n')
        for kind in kinds:
            for c in cfgs:
                sel = [r for r in numab if r['kind'] == kind and r['config'] == c]
                if not sel:
                    continue
                # (-1, or missing from an older run: not measured)
                runs = {k: [float(r.get(k, -1)) for r in sel
                            if float(r.get(k, -1)) >= 0]
                        for k in cols}
                m = {k: med(v) for k, v in runs.items()}
                meds[(kind, c)] = (m, runs)
                nz = noise({k: runs[k] for k in ('misplaced_p99_us', 'sweeps')})
                md.append(f"| {kind} | {c} | {fmt(m['hint_timed'], 0)} | "
                          f"{fmt(m['hint_p50_us'], 1)} | {fmt(m['hint_p99_us'], 1)} | "
                          f"{fmt(m['misplaced_timed'], 0)} | "
                          f"{fmt(m['misplaced_p50_us'], 1)} | "
                          f"{fmt(m['misplaced_p99_us'], 1)} | "
                          f"{fmt(m['entry_waits'], 0)} | "
                          f"{fmt(m['entry_wait_ms'], 1)} | "
                          f"{fmt(m['stall_ms'], 1)} | "
                          f"{fmt(m['fault_p99_us'], 1)} | "
                          f"{fmt(m['local_s'], 1)} | {fmt(m['rate'], 0)} | "
                          f"{fmt(m['sweeps'], 0)} | {fmt(m['promoted'], 0)} | "
                          f"{fmt(m['kmigrated_fallback'], 0)} | "
                          f"{fmt(m['kmigrated_cpu_ms'], 0)} | {pct(nz)} |")
                f.write(f'"{kind} {c}"' + ''.join(
                    f" {fmt(med(runs[k]), 1)} {fmt(min(runs[k], default=None), 1)}"
                    f" {fmt(max(runs[k], default=None), 1)}"
                    for k in ('misplaced_p50_us', 'misplaced_p99_us', 'sweeps')) + '\n')
    md.append('')
    # A fault the probes missed, or a histogram entry dropped, is a fault
    # the percentiles do not count: say so
    lost = [(kind, c, int(max(meds[kind, c][1][k], default=0)))
            for kind in kinds for c in cfgs if (kind, c) in meds
            for k in ('probe_missed', 'timing_dropped')
            if max(meds[kind, c][1][k], default=0) > 0]
    if lost:
        md.append('Not all hint faults were timed: ' + '; '.join(
            f'{kind} {c}: up to {n} lost in a run' for kind, c, n in lost) + '.')
        md.append('')

    def compare(kind, a, b, col, better_low):
        if (kind, a) not in meds or (kind, b) not in meds:
            return None
        ra, rb = meds[(kind, a)][1][col], meds[(kind, b)][1][col]
        if not med(ra) or not med(rb):
            return None
        # ratio > 1: b is better (lower latency, more work)
        ratio, nz, verdict = judge(ra, rb) if better_low else judge(rb, ra)
        if verdict == 'unknown':
            return f'{ratio:.2f}x (noise unknown: a single run)'
        if verdict in ('same', 'overlap'):
            return f'no difference ({ratio_text(ratio, nz, verdict)})'
        if ratio >= 1:
            return f'{ratio:.2f}x better (noise {nz * 100:.0f}%)'
        return f'{1 / ratio:.2f}x worse (noise {nz * 100:.0f}%)'
    # kmigrated against sync is one kernel in one boot: the comparison
    # that isolates kmigrated.  Against vanilla, the boots differ too.
    lines = []
    for kind in kinds:
        for base in ('sync', 'vanilla'):
            p99 = compare(kind, base, 'kmigrated', 'misplaced_p99_us', True)
            sweeps = compare(kind, base, 'kmigrated', 'sweeps', False)
            rate = compare(kind, base, 'kmigrated', 'rate', False) or 'not measured'
            stall = compare(kind, base, 'kmigrated', 'stall_ms', True) or 'not measured'
            if p99:
                lines.append(f'- {kind}, kmigrated against {base}'
                             f"{' (same boot)' if base == 'sync' else ' (another boot)'}: "
                             f'p99 latency of the misplaced hint faults {p99}; '
                             f'time in misplaced faults and entry waits {stall}; '
                             f'pages/s to node 0 {rate}; '
                             f'work done {sweeps}.')
        # What the default queue bound buys over a 16 MiB one
        p99 = compare(kind, 'kmigrated-q16', 'kmigrated', 'misplaced_p99_us', True)
        if p99:
            rate = compare(kind, 'kmigrated-q16', 'kmigrated', 'rate', False) or 'not measured'
            lines.append(f'- {kind}, kmigrated against kmigrated-q16 (a 16 MiB '
                         f'queue; same boot): p99 latency of the misplaced '
                         f'hint faults {p99}; pages/s to node 0 {rate}.')
        p99 = compare(kind, 'vanilla', 'sync', 'misplaced_p99_us', True)
        sweeps = compare(kind, 'vanilla', 'sync', 'sweeps', False)
        if p99:
            lines.append(f'- {kind}, sync (kmigrated off) against vanilla '
                         f'(another boot, the same fault path): p99 latency '
                         f'of the misplaced hint faults {p99}; work done {sweeps}.')
    md.extend(lines + [''] if lines else [])
    # Issue #9's goal: p99 hint-fault latency several (>= 3) times lower
    # than the synchronous path's, at an equal or better promotion rate;
    # same kernel, same boot.
    for kind in kinds:
        if (kind, 'sync') not in meds or (kind, 'kmigrated') not in meds:
            continue
        s_runs, k_runs = meds[kind, 'sync'][1], meds[kind, 'kmigrated'][1]
        col = 'misplaced_p99_us'
        if not (s_runs[col] and k_runs[col] and min(k_runs[col]) > 0):
            md.append(f'Against the goal of issue #9 ({kind}): not judged, '
                      f'the hint faults were not timed in this run (no '
                      f'kprobe events or histogram triggers).')
            md.append('')
            continue
        p99_x = med(s_runs[col]) / med(k_runs[col])
        worst_x = min(s_runs[col]) / max(k_runs[col])
        rate = compare(kind, 'sync', 'kmigrated', 'rate', False) or 'not measured'
        # not worse: kmigrated's rate over sync's at least 1, or inside the noise
        r, _, v = judge(k_runs['rate'], s_runs['rate'])
        # "not worse": a ratio of 1 or more, or below 1 inside the noise;
        # below 1 outside it, with overlapping ranges only, is undetermined
        rate_ok = (r is not None and (r >= 1 or v == 'same') and
                   min(k_runs['rate']) > 0)
        rate_open = r is not None and r < 1 and v == 'overlap'
        verdict = ('met' if worst_x >= 3 and rate_ok else
                   'undetermined' if worst_x >= 3 and rate_open else 'not met')
        stall = compare(kind, 'sync', 'kmigrated', 'stall_ms', True) or 'not measured'
        md.append(f'Against the goal of issue #9 ({kind}), p99 hint-fault '
                  f'latency (the misplaced faults\', as the kernel times '
                  f'them) several times lower than the synchronous path at '
                  f'an equal or better promotion rate: {p99_x:.2f}x lower '
                  f'(medians; {worst_x:.2f}x between the worst runs), '
                  f'pages/s {rate}: {verdict} (met: 3x or more between the '
                  f'worst runs, pages/s not lower outside the noise; '
                  f'undetermined: lower outside the noise, but the ranges '
                  f'overlap).  Not part of the goal: the task\'s time in '
                  f'misplaced faults and migration-entry waits {stall}, '
                  f'with kmigrated\'s own CPU time '
                  f'({fmt(med(k_runs["kmigrated_cpu_ms"]), 0)} ms a run) on '
                  f'top, from the same CPUs.')
        md.append('')
    plots['numab'] = gnuplot(rundir, 'numab', f"""set style data histogram
set style histogram errorbars gap 1 lw 1
set style fill solid 0.5
set xtics rotate by -20
set multiplot layout 1,2 title 'NUMA balancing at work, QEMU TCG: median, bars min..max'
set title 'misplaced hint faults, kernel-timed latency, us'
set logscale y
set format y '%g'
set key left top
plot '{dat}' using 2:3:4:xtic(1) title 'p50', '' using 5:6:7 title 'p99'
unset logscale y
set title 'sweeps done (work the task got done)'
set yrange [0:*]
set key off
plot '{dat}' using 8:9:10:xtic(1)
unset multiplot
""")
    md.append(('numab',))


if __name__ == '__main__':
    main()
