#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Print the warnings of a build or tool log that its base log lacks.

warndiff.py extract LOG [--cwd DIR] [SRC...]  > WARNINGS
warndiff.py new BASE_WARNINGS WARNINGS
warndiff.py selftest

"extract" keeps the warning and error lines of compilers (gcc, sparse),
kernel-doc and Sphinx, with paths that start with ../ taken relative to
DIR (the object directory make ran in) and the source tree prefixes SRC
removed, and the
line and column numbers dropped, so that the same warning on a line that
a patch moved still matches its base counterpart.  "new" prints every
warning of WARNINGS that BASE_WARNINGS does not have as often (a
multiset difference) and exits 1 when there is one.  "selftest" checks
the extraction on sample lines of each tool.
"""
import collections
import os
import re
import sys

# [locations: ]severity: text, where locations are "path[:line[:col]]"
# separated by ": " (gcc, sparse, objtool, Sphinx, a kernel-doc block
# pulled into an .rst file) or none (Sphinx, kernel-doc)
DIAG = re.compile(r'^(.*?)\b(warning|error|critical):\s*(.*)$', re.I)
# kernel-doc puts its location after the severity: "Warning: path:line text"
LOC_FIRST = re.compile(r'^(\S+?\.\w+):(\d+):?\s+(.*)$')
LINE_COL = re.compile(r'(:\d+)+$')
# objtool's "func+0x1c/0x40": offsets move with any change
OFFSET = re.compile(r'\+0x[0-9a-f]+(/0x[0-9a-f]+)?')
# colours (-fdiagnostics-color=always) and other terminal escapes
ESCAPE = re.compile(r'\x1b\[[0-9;]*[A-Za-z]')
# a tool that crashed (kernel-doc, Sphinx extensions) reports nothing else
TRACEBACK = 'Traceback (most recent call last):'


def normalize_path(path, prefixes, cwd=None):
    path = LINE_COL.sub('', path.strip())
    if cwd and path.startswith('../'):
        path = os.path.normpath(os.path.join(cwd, path))
    for p in prefixes:
        if path.startswith(p):
            path = path[len(p):]
            break
    while path.startswith('../'):
        path = path[3:]
    return path


def normalize_line(line, prefixes, cwd=None):
    """The warning a log line carries, normalized, or None."""
    line = ESCAPE.sub('', line.rstrip('\n'))
    if line.startswith(TRACEBACK):
        return 'error: a tool crashed (Python traceback)'
    m = DIAG.match(line)
    if not m:
        return None
    pre, sev, text = m.group(1).strip(), m.group(2).lower(), m.group(3)
    if pre and not pre.endswith(':'):
        return None  # "severity:" inside a message, not a diagnostic
    locs = [normalize_path(p, prefixes, cwd)
            for p in pre.rstrip(':').split(': ') if p.strip()]
    if not locs:
        k = LOC_FIRST.match(text)
        if k:
            locs, text = [normalize_path(k.group(1), prefixes, cwd)], k.group(3)
    for p in prefixes:
        text = text.replace(p, '')
    text = OFFSET.sub('', text)
    return ': '.join(locs + [sev, text])


def extract(log, prefixes, cwd=None):
    prefixes = [os.path.abspath(p).rstrip('/') + '/' for p in prefixes]
    out = []
    with open(log, errors='replace') as f:
        for line in f:
            w = normalize_line(line, prefixes, cwd)
            if w is not None:
                out.append(w)
    return out


SAMPLES = [
    ('../../../linux/mm/kmigrated.c:3:4: warning: no previous prototype [-Wmissing-prototypes]',
     'mm/kmigrated.c: warning: no previous prototype [-Wmissing-prototypes]'),
    ('/src/mm/memory.c:282:9: error: incompatible types in conditional expression',
     'mm/memory.c: error: incompatible types in conditional expression'),
    ('\x1b[01m\x1b[K/src/mm/a.c:12:3:\x1b[m\x1b[K \x1b[01;35m\x1b[Kwarning: \x1b[m\x1b[Kunused',
     'mm/a.c: warning: unused'),
    ('Warning: mm/internal.h:480 No description found for return value',
     'mm/internal.h: warning: No description found for return value'),
    ('Error: mm/x.c:10 Cannot parse struct or union!',
     'mm/x.c: error: Cannot parse struct or union!'),
    ('/src/Documentation/mm/migrate_copy:176: /src/include/linux/migrate_copy.h:21: '
     'WARNING: Inline strong start-string without end-string.',
     'Documentation/mm/migrate_copy: include/linux/migrate_copy.h: warning: '
     'Inline strong start-string without end-string.'),
    ('/src/Documentation/mm/kmigrated.rst: WARNING: document isn\'t included in any toctree',
     'Documentation/mm/kmigrated.rst: warning: document isn\'t included in any toctree'),
    ('/src/Documentation/mm/x.rst:3: CRITICAL: Title level inconsistent:',
     'Documentation/mm/x.rst: critical: Title level inconsistent:'),
    ('WARNING: dot(1) not found', 'warning: dot(1) not found'),
    ('mm/migrate.o: warning: objtool: migrate_pages+0x1c/0x40: unreachable instruction',
     'mm/migrate.o: warning: objtool: migrate_pages: unreachable instruction'),
    ('Traceback (most recent call last):', 'error: a tool crashed (Python traceback)'),
    ('  CC      mm/migrate.o', None),
    ('make[2]: *** [scripts/Makefile.build:287: mm/x.o] Error 1', None),
    ('    got unsigned long [usertype] error', None),
]


def selftest():
    bad = 0
    for line, want in SAMPLES:
        got = normalize_line(line, ['/src/', '/w/build/linux/'],
                             '/w/build/hygiene/obj/patched-test')
        if got != want:
            print('warndiff selftest: %r\n  gave %r\n  want %r' % (line, got, want),
                  file=sys.stderr)
            bad += 1
    return 1 if bad else 0


def main():
    if len(sys.argv) >= 3 and sys.argv[1] == 'extract':
        args, cwd = sys.argv[3:], None
        if len(args) >= 2 and args[0] == '--cwd':
            cwd, args = os.path.abspath(args[1]), args[2:]
        for w in extract(sys.argv[2], args, cwd):
            print(w)
        return 0
    if len(sys.argv) == 2 and sys.argv[1] == 'selftest':
        return selftest()
    if len(sys.argv) == 4 and sys.argv[1] == 'new':
        with open(sys.argv[2]) as f:
            base = collections.Counter(f.read().splitlines())
        with open(sys.argv[3]) as f:
            mine = collections.Counter(f.read().splitlines())
        new = mine - base
        for w in sorted(new.elements()):
            print(w)
        return 1 if new else 0
    print(__doc__, file=sys.stderr)
    return 2


if __name__ == '__main__':
    sys.exit(main())
