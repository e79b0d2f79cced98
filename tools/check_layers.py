#!/usr/bin/env python3
"""Holds the tree to its layering (tools/layers.txt).

For every folder named in [folders], each #include of each file in it must be
its own folder's, a folder it may use, a system header of a set it may use,
or a standard C/C++/POSIX header. Every folder of sources must have a rule,
project includes must be rooted, and no two folders may include each other
(directly or round a longer cycle). With --links, the libraries each folder's
CMake target links (written by the build to layers-links.txt) are held to the
same rule. Exit 0 when all holds, 1 with one line per violation otherwise.
"""
import argparse
import os
import re
import sys

SOURCE_EXT = ('.cpp', '.hpp', '.h', '.cc')
PROJECT_ROOTS = ('kiosk', 'sync', 'ui', 'cli', 'apps', 'assets')
STD_C = set('''assert.h complex.h ctype.h errno.h fenv.h float.h inttypes.h iso646.h limits.h
locale.h math.h setjmp.h signal.h stdalign.h stdarg.h stdatomic.h stdbool.h stddef.h stdint.h
stdio.h stdlib.h stdnoreturn.h string.h tgmath.h threads.h time.h uchar.h wchar.h wctype.h
aio.h arpa/inet.h cpio.h dirent.h dlfcn.h fcntl.h fmtmsg.h fnmatch.h ftw.h glob.h grp.h iconv.h
langinfo.h libgen.h monetary.h mqueue.h ndbm.h net/if.h netdb.h netinet/in.h netinet/tcp.h
nl_types.h poll.h pthread.h pwd.h regex.h sched.h search.h semaphore.h spawn.h strings.h
stropts.h syslog.h tar.h termios.h trace.h ulimit.h unistd.h utime.h utmpx.h wordexp.h
endian.h execinfo.h malloc.h err.h getopt.h paths.h alloca.h byteswap.h ifaddrs.h pty.h
mntent.h features.h'''.split())
STD_PREFIXES = ('sys/',)
INCLUDE_RE = re.compile(r'^\s*#\s*include\s*([<"])([^>"]+)[>"]')


def parse_rules(path):
    systems, folders, links = {}, {}, {}
    section = None
    for n, raw in enumerate(open(path, encoding='utf-8'), 1):
        line = raw.split('#', 1)[0].strip()
        if not line:
            continue
        if line.startswith('[') and line.endswith(']'):
            section = line[1:-1]
            continue
        if ':' not in line:
            sys.exit(f'{path}:{n}: expected "name: values"')
        # Link names hold '::' (CURL::libcurl): split at the last colon there.
        key, rest = line.rsplit(':', 1) if section == 'links' else line.split(':', 1)
        key, values = key.strip(), rest.split()
        if section == 'system':
            systems[key] = values
        elif section == 'folders':
            folders[key] = set(values)
        elif section == 'links':
            links[key] = values[0] if values else '*'
        else:
            sys.exit(f'{path}:{n}: outside a section')
    for folder, allowed in folders.items():
        for a in allowed:
            if a not in systems and a not in folders:
                sys.exit(f'{path}: {folder} allows "{a}", which is neither a folder nor a system set')
    return systems, folders, links


def is_standard(header):
    if '/' not in header and '.' not in header:
        return True  # <vector>, <cstdio>, ...
    return header in STD_C or header.startswith(STD_PREFIXES)


def system_set(header, systems):
    """The set a header belongs to: a pattern ending in '/' or '_' is a
    prefix, 'X*.h' a prefix with that ending, anything else the exact name.
    The longest matching pattern wins (X11/extensions/ over X11/)."""
    best = None
    for name, patterns in systems.items():
        for p in patterns:
            if p.endswith('*.h'):
                hit = header.startswith(p[:-3]) and header.endswith('.h')
            elif p.endswith(('/', '_')):
                hit = header.startswith(p)
            else:
                hit = header == p
            if hit and (best is None or len(p) > best[1]):
                best = (name, len(p))
    return best[0] if best else None


def source_folders(root):
    out = set()
    for top in PROJECT_ROOTS:
        base = os.path.join(root, top)
        for dirpath, _, files in os.walk(base):
            if any(f.endswith(SOURCE_EXT) for f in files):
                out.add(os.path.relpath(dirpath, root).replace(os.sep, '/'))
    return out


def check_includes(root, systems, folders):
    problems, edges = [], {}
    for folder in sorted(source_folders(root)):
        if folder not in folders:
            problems.append(f'{folder}/: a folder of sources with no rule in layers.txt')
            continue
        allowed = folders[folder]
        d = os.path.join(root, folder)
        for name in sorted(os.listdir(d)):
            if not name.endswith(SOURCE_EXT):
                continue
            rel = f'{folder}/{name}'
            for n, line in enumerate(open(os.path.join(d, name), encoding='utf-8', errors='replace'), 1):
                m = INCLUDE_RE.match(line)
                if not m:
                    continue
                kind, header = m.groups()
                where = f'{rel}:{n}: #include {kind}{header}{">" if kind == "<" else chr(34)}'
                top = header.split('/', 1)[0]
                if kind == '"' and top in PROJECT_ROOTS and '/' in header:
                    inc_folder = header.rsplit('/', 1)[0]
                    if inc_folder == folder:
                        continue
                    edges.setdefault(folder, set()).add(inc_folder)
                    if inc_folder not in allowed:
                        problems.append(f'{where}: {folder} may not use {inc_folder}')
                    continue
                if kind == '"' and '/' not in header and os.path.exists(os.path.join(d, header)):
                    problems.append(f'{where}: project includes are rooted ("{rel.rsplit("/", 1)[0]}/{header}")')
                    continue
                if is_standard(header):
                    continue
                s = system_set(header, systems)
                if s is None:
                    problems.append(f'{where}: a header of no known set (add it to [system] in layers.txt)')
                elif s not in allowed:
                    problems.append(f'{where}: {folder} may not use {s}')
    return problems, edges


def find_cycles(edges):
    cycles, state, stack = [], {}, []

    def visit(v):
        state[v] = 1
        stack.append(v)
        for w in sorted(edges.get(v, ())):
            if state.get(w) == 1:
                cycles.append(stack[stack.index(w):] + [w])
            elif w not in state:
                visit(w)
        stack.pop()
        state[v] = 2

    for v in sorted(edges):
        if v not in state:
            visit(v)
    return [' -> '.join(c) + ': an include cycle between folders' for c in cycles]


def check_links(path, folders, links):
    problems = []
    targets = {}
    rows = []
    for line in open(path, encoding='utf-8'):
        line = line.strip()
        if not line:
            continue
        name, dirs, libs = (line.split('|') + ['', ''])[:3]
        targets[name] = dirs.split(';')[0]
        rows.append((name, dirs.split(';')[0], [l for l in libs.split(';') if l]))
    for name, folder, libs in rows:
        if folder not in folders:
            problems.append(f'target {name} ({folder}): no rule in layers.txt')
            continue
        allowed = folders[folder]
        for lib in libs:
            lib = re.sub(r'^\$<LINK_ONLY:(.*)>$', r'\1', lib)
            if lib in targets:
                dep = targets[lib]
                if dep != folder and dep not in allowed:
                    problems.append(f'target {name} ({folder}) links {lib} ({dep}), which it may not use')
                continue
            base = os.path.basename(lib)
            key = lib if lib in links else next((k for k in links if base.startswith('lib' + k) or base == k), None)
            if key is None:
                problems.append(f'target {name} ({folder}) links {lib}: unknown (add it to [links])')
                continue
            s = links[key]
            if s != '*' and s not in allowed and s not in folders.get(folder, set()):
                problems.append(f'target {name} ({folder}) links {lib} ({s}), which it may not use')
    return problems


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument('--root', required=True)
    ap.add_argument('--rules', required=True)
    ap.add_argument('--links', help='layers-links.txt written by the build')
    a = ap.parse_args()
    systems, folders, links = parse_rules(a.rules)
    problems, edges = check_includes(a.root, systems, folders)
    problems += find_cycles(edges)
    if a.links:
        problems += check_links(a.links, folders, links)
    for p in problems:
        print(p)
    n = len(folders)
    print(f'check_layers: {n} folders, {len(problems)} violation(s)')
    return 1 if problems else 0


if __name__ == '__main__':
    sys.exit(main())
