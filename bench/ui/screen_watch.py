#!/usr/bin/env python3
"""Launches a program in its own session and watches the X root window.

Prints "SID FIRST_MS SETTLED_MS": the first poll that differs from the empty
screen, and the first poll showing the final picture (unchanged for
--quiet-ms afterwards). Times are from just before the launch. Both programs
of bench_vs_chromium.sh are measured with this same method. The pad byte of
32-bit pixels is ignored (GL leaves its alpha there; it is not on screen).
"""
import hashlib
import struct
import subprocess
import sys
import time


def shot():
    d = subprocess.run(["xwd", "-root", "-silent"], capture_output=True).stdout
    header, = struct.unpack(">I", d[0:4])
    ncolors, = struct.unpack(">I", d[76:80])
    px = d[header + ncolors * 12:]
    h = hashlib.md5()
    for k in range(3):
        h.update(px[k::4])
    return h.hexdigest()


def main():
    quiet_ms = 3000
    args = sys.argv[1:]
    if args and args[0].startswith("--quiet-ms="):
        quiet_ms = int(args.pop(0).split("=", 1)[1])
    log = open(args.pop(0), "wb")
    blank = shot()
    t0 = time.monotonic()
    proc = subprocess.Popen(args, stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
    first = settled = -1
    last, last_change = None, 0
    while True:
        h = shot()
        t = int((time.monotonic() - t0) * 1000)
        if h != blank and first < 0:
            first = t
        if h != last:
            last, last_change = h, t
        if first >= 0 and t - last_change >= quiet_ms:
            settled = last_change
            break
        if t > 60000 or proc.poll() is not None:
            break
    print(proc.pid, first, settled)


main()
