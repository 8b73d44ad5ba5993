#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Print the warnings of a build or tool log that its base log lacks.

warndiff.py extract LOG [--cwd DIR] [SRC...]  > WARNINGS
warndiff.py new BASE_WARNINGS WARNINGS

"extract" keeps the warning and error lines of compilers (gcc, sparse),
kernel-doc and Sphinx, with paths that start with ../ taken relative to
DIR (the object directory make ran in) and the source tree prefixes SRC
removed, and the
line and column numbers dropped, so that the same warning on a line that
a patch moved still matches its base counterpart.  "new" prints every
warning of WARNINGS that BASE_WARNINGS does not have as often (a
multiset difference) and exits 1 when there is one.
"""
import collections
import os
import re
import sys

# path:line[:col]: warning|error: text   (gcc, sparse, sphinx)
COMPILER = re.compile(r'^(\S+?):(\d+):(?:\d+:)?\s*(warning|error|WARNING|ERROR):\s*(.*)$')
# Warning: path:line text   (kernel-doc)
KERNELDOC = re.compile(r'^(?:Warning|warning|WARNING|Error|error):\s*(\S+?):(\d+)\s+(.*)$')
# WARNING: text   (sphinx, without a location)
BARE = re.compile(r'^(WARNING|ERROR):\s*(.*)$')
# colours (-fdiagnostics-color=always) and other terminal escapes
ESCAPE = re.compile(r'\x1b\[[0-9;]*[A-Za-z]')


def normalize_path(path, prefixes, cwd=None):
    if cwd and path.startswith('../'):
        path = os.path.normpath(os.path.join(cwd, path))
    for p in prefixes:
        if path.startswith(p):
            path = path[len(p):]
            break
    while path.startswith('../'):
        path = path[3:]
    return path


def extract(log, prefixes, cwd=None):
    prefixes = [os.path.abspath(p).rstrip('/') + '/' for p in prefixes]
    out = []
    with open(log, errors='replace') as f:
        for line in f:
            line = ESCAPE.sub('', line.rstrip('\n'))
            m = COMPILER.match(line)
            if m:
                out.append('%s: %s: %s' % (normalize_path(m.group(1), prefixes, cwd),
                                           m.group(3).lower(), m.group(4)))
                continue
            m = KERNELDOC.match(line)
            if m:
                out.append('%s: warning: %s' % (normalize_path(m.group(1), prefixes, cwd),
                                                m.group(3)))
                continue
            m = BARE.match(line)
            if m:
                text = m.group(2)
                for p in prefixes:
                    text = text.replace(p, '')
                out.append('%s: %s' % (m.group(1).lower(), text))
    return out


def main():
    if len(sys.argv) >= 3 and sys.argv[1] == 'extract':
        args, cwd = sys.argv[3:], None
        if len(args) >= 2 and args[0] == '--cwd':
            cwd, args = os.path.abspath(args[1]), args[2:]
        for w in extract(sys.argv[2], args, cwd):
            print(w)
        return 0
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
