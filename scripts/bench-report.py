#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Turn a "make bench" run into results.csv, results.json, results.md and
throughput.png; copy the table and plot to bench/ and the table into
README.md (between the bench markers).

bench-report.py RUNDIR MODE

RUNDIR holds one folder per kernel (vanilla/, patched/) with the guest's
tests.log.  Medians over repetitions, spread as min..max.  Only ratios
within one run mean something: the VM runs under TCG emulation.
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
                        row['mode'] = fld
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


def spread(values):
    return (min(values), max(values)) if values else (None, None)


def fmt(v, nd=3):
    return '-' if v is None else f'{v:.{nd}f}'


def noise(runs):
    """The widest (max - min) / median of the columns of a table row."""
    return max((max(v) - min(v)) / med(v) for v in runs.values() if v)


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
    info = {
        # the run's folder is named after its start time
        'date': os.path.basename(os.path.normpath(rundir)),
        'mode': mode,
        'kernels': {k: v.get('release') for k, v in meta.items()},
        'guest_cpus': meta.get('patched', {}).get('cpus'),
        'migrate_batch_pages': meta.get('patched', {}).get('batch_pages'),
        'series_patches': len([p for p in os.listdir(os.path.join(TOP, 'patches'))
                               if re.match(r'\d{4}-', p) and not p.startswith('0000')]),
        'vm': {'accel': 'QEMU TCG (software emulation)', 'vcpus': 4,
               'nodes': nodes,
               'distances': {'0-1': 21, '0-2': 30, '1-2': 30}},
        'config': config,
        'kconfig': kconfig,
        'host_cpu': host_cpu(),
        'host_cores': os.cpu_count(),
        'rows': rows,
    }
    with open(os.path.join(rundir, 'results.json'), 'w') as f:
        json.dump(info, f, indent=1)

    tp = [r for r in rows if r['mode'] == 'throughput']
    # A THP repetition whose memory was not all THPs measured something else
    not_thp = [r for r in tp if r['kind'] == 'thp' and 'thp_kb' in r and
               int(r['thp_kb']) < int(r['kb'])]
    tp = [r for r in tp if r not in not_thp]
    configs = [c for c in CONFIG_ORDER if any(r['config'] == c for r in tp)]

    def gbps(config, kind, node, batch):
        return [float(r['gbps']) for r in tp
                if r['config'] == config and r['kind'] == kind and
                r['node'] == node and r['batch'] == batch]

    memcpy = {}
    for r in rows:
        if r['mode'] == 'memcpy' and r['kernel'] == 'vanilla':
            memcpy.setdefault(r['threads'], []).append(float(r['gbps']))
    ceiling = max((med(v) for v in memcpy.values()), default=None)

    md = []
    md.append(f"Run: `make bench{' BENCH=full' if mode == 'full' else ''}` "
              f"({mode} mode), {info['date']}, host CPU: {info['host_cpu']} "
              f"({info['host_cores']} cores); guest: 4 vCPUs, 3 NUMA nodes "
              f"(node 2 memory-only); vanilla {info['kernels'].get('vanilla')} "
              f"and the same with the {info['series_patches']}-patch series, "
              f"same config ({info['kconfig']}); "
              f"{info['migrate_batch_pages']} pages per batch.")
    md.append('')
    md.append('**The VM runs under QEMU TCG (software emulation): absolute '
              'GB/s do not transfer to hardware; only the ratios between '
              'columns, measured in this one run, mean something.**')
    md.append('')
    md.append('move_pages() throughput, GB/s, median of repetitions. '
              'serial/vanilla: the same copy, batched; mt/serial: the best '
              'multithreaded configuration against serial; ceiling: the best '
              'patched median as a share of the all-vCPU memcpy bandwidth; '
              'noise: the widest (max - min) / median of the row, so ratios '
              'smaller than it are not a result.')
    md.append('')
    md.append('| pages | to node | folios/call | ' + ' | '.join(configs) +
              ' | serial/vanilla | mt/serial | ceiling | noise |')
    md.append('|' + '---|' * (len(configs) + 7))
    plot_rows = {}
    for kind in ('4k', 'thp'):
        for node in ('1', '2'):
            batches = sorted({r['batch'] for r in tp if r['kind'] == kind and
                              r['node'] == node}, key=int)
            for batch in batches:
                runs = {c: gbps(c, kind, node, batch) for c in configs}
                meds = {c: med(v) for c, v in runs.items()}
                mts = [v for c, v in meds.items() if c.startswith('mt') and v]
                best = max([v for c, v in meds.items() if c != 'vanilla' and v],
                           default=None)
                van, ser = meds.get('vanilla'), meds.get('serial')
                md.append(f"| {kind} | {node} | {batch} | " +
                          ' | '.join(fmt(meds[c]) for c in configs) +
                          f" | {fmt(ser / van if ser and van else None, 2)}x"
                          f" | {fmt(max(mts) / ser if mts and ser else None, 2)}x"
                          f" | {fmt(best / ceiling * 100 if best and ceiling else None, 0)}%"
                          f" | {fmt(noise(runs) * 100, 0)}% |")
                if node == '1':
                    plot_rows.setdefault(kind, []).append((batch, meds))
    md.append('')
    if not_thp:
        md.append(f'{len(not_thp)} THP repetitions left out: the kernel '
                  'could not back all of their memory with THPs.')
        md.append('')
    if memcpy:
        md.append('memcpy ceiling, node 0 -> node 1, GB/s: ' + ', '.join(
            f"{t} thread{'s' if t != '1' else ''}: {fmt(med(v))}"
            for t, v in sorted(memcpy.items(), key=lambda x: int(x[0]))))
        md.append('')

    dma = [c for c in ('dma', 'dma-ptdma') if c in configs]
    if dma and 'serial' in configs:
        md.append('DMA backend (dcbm) on the software engine (dmasim), '
                  'node 0 -> 1: microseconds per folio, median.  "dma" copies '
                  'at memcpy speed, so dma - serial is the cost of offloading '
                  '(mapping, descriptors, completions, waits), per folio and '
                  'per 2 MiB batch; "dma-ptdma" models PTDMA channels (768 MB/s, '
                  '10 us per descriptor).  Measured on a software engine: only '
                  'the overheads are real; a hardware engine copies in '
                  'parallel with the CPU and at its own speed.')
        md.append('')
        md.append('| pages | folios/call | serial | ' + ' | '.join(dma) +
                  ' | dma - serial per folio | per 2 MiB batch | noise |')
        md.append('|' + '---|' * (len(dma) + 6))
        for kind in ('4k', 'thp'):
            folio = 4096 if kind == '4k' else 2 << 20
            batches = sorted({r['batch'] for r in tp if r['kind'] == kind and
                              r['node'] == '1'}, key=int)
            for batch in batches:
                runs = {c: gbps(c, kind, '1', batch) for c in ['serial'] + dma}
                us = {c: (folio / (med(v) * 1e9) * 1e6 if v else None)
                      for c, v in runs.items()}
                over = (us['dma'] - us['serial']
                        if us.get('dma') is not None and us['serial'] else None)
                md.append(f"| {kind} | {batch} | {fmt(us['serial'], 1)} | " +
                          ' | '.join(fmt(us[c], 1) for c in dma) +
                          f" | {fmt(over, 1)} | "
                          f"{fmt(over * (2 << 20) / folio if over is not None else None, 0)} | "
                          f"{fmt(noise(runs) * 100, 0)}% |")
        md.append('')

    cal = [r for r in rows if r['mode'] == 'calibration']
    if cal:
        cross = {r['config']: r['folio_kb'] for r in rows if r['mode'] == 'crossover'}
        md.append("dcbm's calibration (run when a policy first selects "
                  '"dma"): CPU and DMA time to copy 2 MiB in folios of each '
                  'size, best of 3.  "auto" offloads from the crossover on.  '
                  'Under TCG the CPU copy is emulated while the engine model '
                  'waits in real time: this shows the mechanism, not where '
                  'hardware crosses over.')
        md.append('')
        md.append('| engine model | folio | CPU us | DMA us | DMA/CPU |')
        md.append('|---|---|---|---|---|')
        for r in cal:
            cpu, dm = int(r['cpu_us']), int(r['dma_us'])
            md.append(f"| {r['config']} | {r['folio_kb']} KiB | {cpu} | {dm} | "
                      f"{fmt(dm / cpu if cpu else None, 2)}x |")
        md.append('')
        md.append('Crossover: ' + ', '.join(
            f"{c}: {cross.get(c, 'none')}{' KiB' if c in cross else ''}"
            for c in sorted({r['config'] for r in cal})))
        md.append('')

    cost = [r for r in rows if r['mode'] == 'cost']
    if cost:
        md.append('Where the time goes (patched, serial backend): per-page '
                  'cost of move_pages() and the share of it spent in the '
                  'batch copy (sum of mm_migrate_copy_batch durations).')
        md.append('')
        md.append('| working set | folios | us per 4 KiB page | copy share |')
        md.append('|---|---|---|---|')
        for kind, kb in sorted({(r['kind'], r['kb']) for r in cost},
                               key=lambda x: (int(x[1]), x[0])):
            sel = [r for r in cost if r['kind'] == kind and r['kb'] == kb]
            secs = [float(r['seconds']) for r in sel]
            share = [int(r['copy_ns']) / (float(r['seconds']) * 1e9) for r in sel]
            pages = int(kb) // 4
            size = (f"{int(kb) // 1024} MiB" if int(kb) >= 1024 else f"{kb} KiB")
            folios = 'THP' if kind == 'thp' else '4 KiB'
            md.append(f"| {size} | {folios} | "
                      f"{fmt(med(secs) * 1e6 / pages, 1)} | "
                      f"{fmt(med(share) * 100, 1)}% |")
        md.append('')

    load = [r for r in rows if r['mode'] == 'load']
    if load:
        md.append('Under load: threads on every vCPU touch 64 MiB while '
                  'migrate_pages() moves it between node 0 and 1.')
        md.append('')
        md.append('| kernel | pages/s | TLB shootdowns | per 1000 pages |')
        md.append('|---|---|---|---|')
        for r in load:
            md.append(f"| {r['kernel']} | {r['pages_per_s']} | "
                      f"{r['tlb_shootdowns']} | {r['tlb_per_kpage']} |")
        md.append('')

    numab = [r for r in rows if r['mode'] == 'numab']
    if numab:
        md.append('NUMA balancing at work: memory starts on node 1 while 2 '
                  'threads on node 0 sweep it for '
                  f"{numab[0]['seconds']} s ({numab[0]['mb']} MiB), scans "
                  'sped up.  Hint-fault latency is the time of the touches '
                  'that took a fault (> 5 us), as the task sees it, '
                  'migration included when the task does it; "to 99% local": '
                  'seconds until 99% of the pages are on node 0 (promotion '
                  'rate: pages / that); sweeps: work the task got done; '
                  'kmigrated CPU: what the threads used.  Median of '
                  f"{sum(r['config'] == numab[0]['config'] and r['kind'] == numab[0]['kind'] for r in numab)} "
                  'runs; noise as above, over p99 and sweeps.')
        md.append('')
        md.append('| pages | config | fault p50 us | fault p99 us | faults '
                  '| to 99% local s | sweeps | pages migrated '
                  '| kmigrated CPU ms | noise |')
        md.append('|' + '---|' * 10)
        cfgs = [c for c in ('vanilla', 'sync', 'kmigrated')
                if any(r['config'] == c for r in numab)]
        cols = ('fault_p50_us', 'fault_p99_us', 'slow_touches', 'local_s',
                'sweeps', 'numa_migrated', 'kmigrated_cpu_ms')
        meds = {}
        for kind in ('4k', 'thp'):
            for c in cfgs:
                sel = [r for r in numab if r['kind'] == kind and r['config'] == c]
                if not sel:
                    continue
                runs = {k: [float(r[k]) for r in sel if float(r[k]) >= 0]
                        for k in cols}
                m = {k: med(v) for k, v in runs.items()}
                meds[(kind, c)] = (m, runs)
                nz = noise({k: runs[k] for k in ('fault_p99_us', 'sweeps')
                            if runs[k] and med(runs[k])})
                md.append(f"| {kind} | {c} | {fmt(m['fault_p50_us'], 1)} | "
                          f"{fmt(m['fault_p99_us'], 1)} | {fmt(m['slow_touches'], 0)} | "
                          f"{fmt(m['local_s'], 1)} | {fmt(m['sweeps'], 0)} | "
                          f"{fmt(m['numa_migrated'], 0)} | "
                          f"{fmt(m['kmigrated_cpu_ms'], 0)} | {fmt(nz * 100, 0)}% |")
        md.append('')

        def compare(kind, a, b, col, better_low):
            if (kind, a) not in meds or (kind, b) not in meds:
                return None
            va, ra = meds[(kind, a)][0][col], meds[(kind, a)][1][col]
            vb, rb = meds[(kind, b)][0][col], meds[(kind, b)][1][col]
            if not va or not vb:
                return None
            # ratio > 1: b is better (lower latency, more work)
            ratio = va / vb if better_low else vb / va
            nz = max(noise({'a': ra}), noise({'b': rb}))
            if abs(ratio - 1) <= nz:
                return f'no difference ({ratio:.2f}x, inside {nz * 100:.0f}% noise)'
            if ratio >= 1:
                return f'{ratio:.2f}x better (noise {nz * 100:.0f}%)'
            return f'{1 / ratio:.2f}x worse (noise {nz * 100:.0f}%)'
        # kmigrated against sync is one kernel in one boot: the comparison
        # that isolates kmigrated.  Against vanilla, the boots differ too.
        lines = []
        for kind in ('4k', 'thp'):
            for base in ('sync', 'vanilla'):
                p99 = compare(kind, base, 'kmigrated', 'fault_p99_us', True)
                sweeps = compare(kind, base, 'kmigrated', 'sweeps', False)
                if p99:
                    lines.append(f'- {kind}, kmigrated against {base}'
                                 f"{' (same boot)' if base == 'sync' else ' (another boot)'}: "
                                 f'p99 hint-fault latency {p99}; '
                                 f'work done {sweeps}.')
            p99 = compare(kind, 'vanilla', 'sync', 'fault_p99_us', True)
            sweeps = compare(kind, 'vanilla', 'sync', 'sweeps', False)
            if p99:
                lines.append(f'- {kind}, sync (kmigrated off) against vanilla '
                             f'(another boot, the same fault path): p99 '
                             f'hint-fault latency {p99}; work done {sweeps}.')
        md.extend(lines + [''] if lines else [])

    table = '\n'.join(md)
    with open(os.path.join(rundir, 'results.md'), 'w') as f:
        f.write(table + '\n')

    # throughput.png: GB/s against folios per call, node 0 -> 1
    png = os.path.join(rundir, 'throughput.png')
    dat = os.path.join(rundir, 'throughput.dat')
    with open(dat, 'w') as f:
        for kind in ('4k', 'thp'):
            f.write(f'# {kind}\nbatch ' + ' '.join(configs) + '\n')
            for batch, meds in plot_rows.get(kind, []):
                f.write(batch + ' ' + ' '.join(fmt(meds[c], 4) for c in configs) + '\n')
            f.write('\n\n')
    plots = ', '.join(f"'{dat}' index IDX using 1:{i + 2} with linespoints title '{c}'"
                      for i, c in enumerate(configs))
    gp = f"""set terminal png size 1100,450 noenhanced
set output '{png}'
set datafile missing '-'
set logscale x 2
set key left top
set grid
set multiplot layout 1,2 title 'move_pages() node 0 -> 1 under QEMU TCG (ratios only)'
set xlabel 'folios per move_pages() call'
set ylabel 'GB/s'
set title '4 KiB pages'
plot {plots.replace('IDX', '0')}
set title '2 MiB THP'
plot {plots.replace('IDX', '1')}
unset multiplot
"""
    subprocess.run(['gnuplot'], input=gp, text=True, check=True)

    # Latest results where the README and cover letter can quote them
    bench = os.path.join(TOP, 'bench')
    os.makedirs(bench, exist_ok=True)
    shutil.copy(os.path.join(rundir, 'results.md'), os.path.join(bench, 'latest.md'))
    shutil.copy(os.path.join(rundir, 'results.json'), os.path.join(bench, 'latest.json'))
    shutil.copy(png, os.path.join(bench, 'latest.png'))
    readme = os.path.join(TOP, 'README.md')
    with open(readme) as f:
        text = f.read()
    begin, end = '<!-- bench:begin -->', '<!-- bench:end -->'
    if begin in text and end in text:
        text = (text[:text.index(begin) + len(begin)] + '\n' + table + '\n' +
                text[text.index(end):])
        with open(readme, 'w') as f:
            f.write(text)
    # ... and the cover letter, whose last section is the table
    cover = os.path.join(TOP, 'cover-letter.txt')
    marker = 'Benchmark results (make bench'
    with open(cover) as f:
        text = f.read()
    if marker in text:
        text = text[:text.index(marker)]
    with open(cover, 'w') as f:
        f.write(text + marker + ', from the harness):\n\n' + table + '\n')
    print(table)


if __name__ == '__main__':
    main()
