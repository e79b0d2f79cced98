#!/usr/bin/env python3
"""Drives the running kiosk to a pinyin field and types zhangwei + 张伟 with
xdotool taps at the rectangles of the --automation-file; prints the frame
times of exactly those frames from the --stats-file.
Usage: type_pinyin.py AUTO_JSON STATS_JSON"""
import json, subprocess, sys, time
auto, stats = sys.argv[1], sys.argv[2]
def targets():
    for _ in range(50):
        try:
            return json.load(open(auto))
        except Exception:
            time.sleep(0.05)
def tap(pred, wait=1.2):
    for _ in range(20):
        d = targets()
        for t in d["targets"]:
            if pred(t["id"]):
                subprocess.run(["xdotool", "mousemove", str(t["x"] + t["w"] // 2),
                                str(t["y"] + t["h"] // 2), "click", "1"])
                time.sleep(wait)
                return True
        time.sleep(0.2)
    print("target not found on screen", d["screen"], file=sys.stderr)
    return False
ok = tap(lambda i: i == "home.service.legal") and tap(lambda i: i.startswith("form.pick.slot.")) \
    and tap(lambda i: i == "form.next") and tap(lambda i: i == "form.field.employer")
if not ok:
    print("typing: could not reach a pinyin field"); sys.exit(0)
s0 = json.load(open(stats))
for c in "zhangwei":
    tap(lambda i: i == "kbd.key." + c, 0.25)
tap(lambda i: i == "kbd.cand.0", 0.6)  # the best candidate for zhangwei: 张伟
s1 = json.load(open(stats))
n = s1["frames"] - s0["frames"]
fr = sorted(s1["last_frame_ms"][-n:]) if n else [0]
ui = sorted(s1["last_ui_ms"][-n:]) if n else [0]
p = lambda v, q: v[min(len(v) - 1, int(q * (len(v) - 1) + 0.5))]
print(f"typing 'zhangwei' + 张伟 (9 taps): {n} frames; frame (UI + GL + swap) p50 {p(fr,.5):.1f} ms, "
      f"p95 {p(fr,.95):.1f} ms, max {fr[-1]:.1f} ms; UI building alone p50 {p(ui,.5):.2f} ms, "
      f"p95 {p(ui,.95):.2f} ms")
