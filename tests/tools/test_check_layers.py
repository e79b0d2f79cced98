#!/usr/bin/env python3
"""The layer checker's own test: a small tree that keeps its rules passes;
each planted violation (a forbidden system header, a forbidden project
folder, an unrooted include, a folder with no rule, an include cycle, a
forbidden link) fails with a line that names it.

With the project's own tools/layers.txt as a second argument, it also plants
each forbidden library header in kiosk/base and kiosk/domain of a tree held
to the real rules, and each must fail: the real rules, not only the test's,
keep the core free of curl, SDL, ImGui, ZXing, V4L2 and libmicrohttpd."""
import os
import subprocess
import sys
import tempfile

CHECKER = sys.argv[1]
REAL_RULES = sys.argv[2] if len(sys.argv) > 2 else None

RULES = '''
[system]
json: nlohmann/
curl: curl/
sdl: SDL.h SDL_*.h SDL2/
[folders]
kiosk/base: json
kiosk/domain: kiosk/base
sync/client: kiosk/base curl
[links]
CURL::libcurl: curl
Threads::Threads: *
'''


def tree(files, rules=None):
    d = tempfile.mkdtemp(prefix='layers-')
    for path, text in files.items():
        p = os.path.join(d, path)
        os.makedirs(os.path.dirname(p), exist_ok=True)
        with open(p, 'w') as f:
            f.write(text)
    with open(os.path.join(d, 'layers.txt'), 'w') as f:
        f.write(RULES if rules is None else rules)
    return d


CLEAN = {
    'kiosk/base/text.hpp': '#pragma once\n#include <string>\n#include <sys/stat.h>\n#include <nlohmann/json.hpp>\n',
    'kiosk/domain/form.hpp': '#pragma once\n#include "kiosk/base/text.hpp"\n#include "kiosk/domain/other.hpp"\n',
    'kiosk/domain/other.hpp': '#pragma once\n',
    'sync/client/transport.cpp': '#include <curl/curl.h>\n#include "kiosk/base/text.hpp"\n',
}
LINKS_OK = 'kiosk_base|kiosk/base|Threads::Threads\nsync_client|sync/client|kiosk_base;CURL::libcurl\n'


def run(files, links=None, rules=None):
    d = tree(files, rules)
    args = [sys.executable, CHECKER, '--root', d, '--rules', os.path.join(d, 'layers.txt')]
    if links is not None:
        with open(os.path.join(d, 'links.txt'), 'w') as f:
            f.write(links)
        args += ['--links', os.path.join(d, 'links.txt')]
    p = subprocess.run(args, capture_output=True, text=True)
    return p.returncode, p.stdout + p.stderr


failures = []


def expect(name, files, code, needle, links=None, rules=None):
    rc, out = run(files, links, rules)
    ok = rc == code and needle in out
    print(('ok   ' if ok else 'FAIL ') + name)
    if not ok:
        failures.append(name)
        print(out)


expect('a clean tree passes', CLEAN, 0, '0 violation(s)', LINKS_OK)
expect('curl in kiosk/base fails', {**CLEAN, 'kiosk/base/bad.cpp': '#include <curl/curl.h>\n'}, 1,
       'kiosk/base/bad.cpp:1: #include <curl/curl.h>: kiosk/base may not use curl')
expect('SDL in kiosk/domain fails', {**CLEAN, 'kiosk/domain/bad.cpp': '#include <SDL2/SDL.h>\n'}, 1,
       'kiosk/domain may not use sdl')
expect('a bare SDL header fails too', {**CLEAN, 'kiosk/domain/bad.cpp': '#include <SDL_video.h>\n'}, 1,
       'kiosk/domain may not use sdl')
expect('an unknown header fails', {**CLEAN, 'kiosk/base/bad.cpp': '#include <ZXing/ReadBarcode.h>\n'}, 1,
       'a header of no known set')
expect('a forbidden project folder fails', {**CLEAN, 'kiosk/base/bad.cpp': '#include "sync/client/x.hpp"\n'}, 1,
       'kiosk/base may not use sync/client')
expect('an unrooted include fails', {**CLEAN, 'kiosk/domain/bad.cpp': '#include "other.hpp"\n'}, 1,
       'project includes are rooted')
expect('a folder with no rule fails', {**CLEAN, 'ui/screens/home.cpp': '\n'}, 1, 'ui/screens/: a folder of sources with no rule')
cycle = {**CLEAN, 'kiosk/base/bad.hpp': '#include "kiosk/domain/form.hpp"\n'}
expect('a cycle fails', cycle, 1, 'an include cycle between folders')
expect('a forbidden link fails', CLEAN, 1, 'kiosk_base (kiosk/base) links CURL::libcurl (curl), which it may not use',
       'kiosk_base|kiosk/base|CURL::libcurl\n')
expect('linking a higher layer fails', CLEAN, 1, 'links sync_client (sync/client), which it may not use',
       LINKS_OK + 'kiosk_domain|kiosk/domain|sync_client\n')

count = 11
if REAL_RULES:
    real = open(REAL_RULES, encoding='utf-8').read()
    base_ok = {'kiosk/base/text.hpp': '#pragma once\n#include <string>\n#include <nlohmann/json.hpp>\n',
               'kiosk/domain/form.hpp': '#pragma once\n#include "kiosk/base/text.hpp"\n'}
    # Only the two folders are in the planted tree; the real rules name more,
    # which is fine: a rule for a folder with no files checks nothing.
    expect('real rules: a clean core passes', base_ok, 0, '0 violation(s)', rules=real)
    count += 1
    for header, lib in [('curl/curl.h', 'curl'), ('SDL2/SDL.h', 'sdl'), ('SDL.h', 'sdl'), ('imgui.h', 'imgui'),
                        ('ZXing/ReadBarcode.h', 'zxing'), ('linux/videodev2.h', 'v4l2'), ('microhttpd.h', 'mhd'),
                        ('GL/gl.h', 'gl')]:
        for folder in ('kiosk/base', 'kiosk/domain'):
            expect(f'real rules: <{header}> in {folder} fails', {**base_ok, f'{folder}/bad.cpp': f'#include <{header}>\n'},
                   1, f'{folder} may not use {lib}', rules=real)
            count += 1
    for upper in ('ui/screens/x.hpp', 'sync/client/x.hpp', 'kiosk/store/x.hpp'):
        expect(f'real rules: kiosk/domain including {upper} fails',
               {**base_ok, 'kiosk/domain/bad.cpp': f'#include "{upper}"\n'}, 1,
               f'kiosk/domain may not use {os.path.dirname(upper)}', rules=real)
        count += 1

print(f'{count - len(failures)} passed, {len(failures)} failed')
sys.exit(1 if failures else 0)
