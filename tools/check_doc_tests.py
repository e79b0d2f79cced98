#!/usr/bin/env python3
"""Holds docs/security.md to the tests it cites.

Every backticked name in the last column of a table whose header's last
cell is "test" must be a test ctest knows, exactly as ctest names it; a name
followed by the word "tests" (`hub db:` tests) must begin at least one test's
name. Backticked paths (with a "/" or ending in .cpp) and code such as
`--demo` are not names and are skipped. Exit 0 when all hold, 1 with one line
per missing test otherwise.

  check_doc_tests.py DOC.md BUILD_DIR
"""
import re
import subprocess
import sys


def ctest_names(build_dir):
    out = subprocess.run(['ctest', '-N', '--test-dir', build_dir], capture_output=True, text=True,
                         check=True).stdout
    names = set()
    for line in out.splitlines():
        m = re.match(r'\s*Test\s+#\d+: (.*)$', line)
        if m:
            names.add(m.group(1).rstrip())
    return names


def cited(doc):
    """(line number, name, is_prefix) for each test a table cites."""
    in_table = False
    for n, line in enumerate(open(doc, encoding='utf-8'), 1):
        cells = [c.strip() for c in line.strip().strip('|').split('|')] if line.startswith('|') else None
        if cells is None:
            in_table = False
            continue
        if not in_table:
            in_table = cells[-1] == 'test'
            continue
        if set(cells[0]) <= set('-: '):
            continue
        last = cells[-1]
        # A name may hold code in escaped backticks: `reaches \`kiosk list\` escaped`.
        for m in re.finditer(r'`((?:\\`|[^`])+)`( tests)?', last):
            name = m.group(1).replace('\\`', '`')
            if '/' in name or name.endswith('.cpp') or name.startswith('-'):
                continue
            yield n, name, bool(m.group(2))


def main():
    doc, build_dir = sys.argv[1], sys.argv[2]
    names = ctest_names(build_dir)
    bad = 0
    count = 0
    for n, name, prefix in cited(doc):
        count += 1
        ok = any(t.startswith(name) for t in names) if prefix else name in names
        if not ok:
            bad += 1
            print(f'{doc}:{n}: no test {"begins with" if prefix else "is named"} "{name}"')
    print(f'{count} cited tests checked against {len(names)} ctest names, {bad} missing')
    return 1 if bad else 0


if __name__ == '__main__':
    sys.exit(main())
