#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Print the kbuild object targets of C files that a .config builds.

kbuild-objs.py SRC CONFIG FILE...

For each FILE (a .c path relative to SRC), print its object target
(mm/migrate.o) when CONFIG builds it: the Makefile that lists the object,
and every Makefile on the way up that lists its directory, must add it
under obj-y, obj-m or a variable whose CONFIG_ option is y or m.  A file
that no Makefile lists (a .c included by another) is left out.  Kbuild
compiles a single-object target even when the configuration leaves it
out, which usually fails, hence this filter.
"""
import os
import re
import sys

ASSIGN = re.compile(r'^\s*([A-Za-z0-9_.$()-]+)\s*(?::=|\+=|=)\s*(.*)$')
CONFIG_REF = re.compile(r'\$\(CONFIG_([A-Za-z0-9_]+)\)')


def read_config(path):
    opts = {}
    with open(path) as f:
        for line in f:
            m = re.match(r'^(CONFIG_[A-Za-z0-9_]+)=(.*)$', line.strip())
            if m:
                opts[m.group(1)] = m.group(2)
    return opts


def assignments(src, d):
    """(variable, [words]) of the Makefile (or Kbuild) of directory d."""
    for name in ('Kbuild', 'Makefile'):
        path = os.path.join(src, d, name)
        if os.path.exists(path):
            break
    else:
        return []
    with open(path) as f:
        text = f.read().replace('\\\n', ' ')
    out = []
    for line in text.splitlines():
        m = ASSIGN.match(line.split('#', 1)[0])
        if m:
            out.append((m.group(1), m.group(2).split()))
    return out


def var_enabled(var, opts):
    refs = CONFIG_REF.findall(var)
    if refs:
        return all(opts.get('CONFIG_' + r) in ('y', 'm') for r in refs)
    return var.endswith('-y') or var.endswith('-m') or var.endswith('-objs')


def enabled(src, d, word, opts, depth=0):
    """Whether directory d's Makefile builds word (file.o, sub/file.o)."""
    if depth > 8:
        return False
    found = False
    for var, words in assignments(src, d):
        if word not in words:
            continue
        found = True
        if not var_enabled(var, opts):
            continue
        # part of a composite object (foo-y := word): foo.o must be built
        m = re.match(r'^([A-Za-z0-9_]+)-(?:y|m|objs|\$\(CONFIG_[A-Za-z0-9_]+\))$', var)
        if m and m.group(1) not in ('obj', 'lib'):
            composite = m.group(1) + '.o'
            if any(composite in w for _, w in assignments(src, d)):
                if not enabled(src, d, composite, opts, depth + 1):
                    continue
        return dir_enabled(src, d, opts)
    if found or '/' not in d.strip('/'):
        return False
    # not in d's Makefile: the parent may list it as sub/file.o
    parent, sub = os.path.split(d.rstrip('/'))
    return enabled(src, parent, sub + '/' + word, opts, depth + 1)


def dir_enabled(src, d, opts):
    """Whether kbuild descends into directory d."""
    parent, sub = os.path.split(d.rstrip('/'))
    if not parent:
        return True  # a top-level directory (mm, drivers, ...)
    listed = [var for var, words in assignments(src, parent) if sub + '/' in words]
    # a parent that does not list d at all lists paths into it itself
    if listed and not any(var_enabled(v, opts) for v in listed):
        return False
    return dir_enabled(src, parent, opts)


def main():
    if len(sys.argv) < 3:
        print(__doc__, file=sys.stderr)
        return 2
    src, opts = sys.argv[1], read_config(sys.argv[2])
    for f in sys.argv[3:]:
        if not f.endswith('.c') or not os.path.exists(os.path.join(src, f)):
            continue
        d, base = os.path.split(f)
        if enabled(src, d, base[:-2] + '.o', opts):
            print(f[:-2] + '.o')
    return 0


if __name__ == '__main__':
    sys.exit(main())
