#!/usr/bin/env bash
# union-kiosk vs Chromium --kiosk under Xvfb, side by side in one run, on the
# same home screen in Chinese (bench/ui/home.html, same texts, Noto Sans CJK).
# Prints, for each: time from launch to the first frame on screen, PSS summed
# over all its processes, CPU over 30 s idle on the home screen (and, for the
# kiosk, frames drawn in that time); then the ratios; then the kiosk's frame
# times while typing 张伟 with the on-screen pinyin keyboard (xdotool taps).
#
# First frame, measured the same way for both (screen_watch, built with the
# benchmarks): the launch time is taken, then the X root window is captured
# through MIT-SHM about every 10 ms (that is the resolution); "first paint"
# is the first capture that differs from the empty screen, "settled" the
# first capture showing the final picture (no change for 3 s after). Each
# program is started once before the measured run (warm page cache, and for
# the kiosk its font-atlas cache: the state of every start after the first).
#
# Usage: bench/ui/bench_vs_chromium.sh [BUILD_DIR]   (needs: bash scripts/setup.sh --bench)
set -euo pipefail
HERE=$(cd "$(dirname "$0")" && pwd)
ROOT=$(cd "$HERE/../.." && pwd)
BUILD=${1:-$ROOT/build}
KIOSK=$BUILD/union-kiosk
CHROME=$(command -v chromium || command -v chromium-browser || true)
IDLE_S=${IDLE_S:-30}
WATCH=$BUILD/bench/ui/screen_watch
for tool in Xvfb xdotool python3; do
  command -v $tool >/dev/null || { echo "missing $tool (bash scripts/setup.sh --bench)"; exit 2; }
done
[ -x "$KIOSK" ] || { echo "build union-kiosk first ($KIOSK)"; exit 2; }
[ -x "$WATCH" ] || { echo "build the benchmarks first ($WATCH)"; exit 2; }
[ -n "$CHROME" ] || { echo "chromium missing: bash scripts/setup.sh --bench"; exit 2; }

WORK=$(mktemp -d /tmp/kiosk-bench-ui-XXXXXX)
# What each program showed at its "first paint" (kept after the run).
SHOTS=${SHOTS:-$BUILD/bench-artifacts/ui}
mkdir -p "$SHOTS"
DISP=":$(( 70 + RANDOM % 20 ))"
Xvfb "$DISP" -screen 0 1920x1080x24 -nolisten tcp >"$WORK/xvfb.log" 2>&1 &
XVFB=$!
PIDS_TO_KILL=()
cleanup() {
  for s in "${PIDS_TO_KILL[@]:-}"; do [ -n "$s" ] && pkill -KILL -s "$s" 2>/dev/null || true; done
  kill "$XVFB" 2>/dev/null || true
  rm -rf "$WORK"
}
trap cleanup EXIT
export DISPLAY=$DISP
sleep 1
HZ=$(getconf CLK_TCK)

# Processes of a session (the launched program and everything it spawned).
session_pids() { ps -eo pid=,sid= | awk -v s="$1" '$2 == s { print $1 }'; }
pss_kb() {
  local total=0 p v
  for p in $(session_pids "$1"); do
    v=$(awk '/^Pss:/ { print $2 }' "/proc/$p/smaps_rollup" 2>/dev/null || echo 0)
    total=$(( total + ${v:-0} ))
  done
  echo $total
}
cpu_ticks() {
  local total=0 p v
  for p in $(session_pids "$1"); do
    v=$(awk '{ print $14 + $15 }' "/proc/$p/stat" 2>/dev/null || echo 0)
    total=$(( total + ${v:-0} ))
  done
  echo $total
}

# launch NAME CMD...: starts CMD in its own session (screen_watch) and
# sets SID, FIRST_MS (first change on screen) and SETTLED_MS (final picture).
launch() {
  local name=$1; shift
  read -r SID FIRST_MS SETTLED_MS < <("$WATCH" --save-first="$SHOTS/$name-first.ppm" "$WORK/$name.log" "$@")
  PIDS_TO_KILL+=("$SID")
}
stop() { pkill -TERM -s "$1" 2>/dev/null || true; sleep 1; pkill -KILL -s "$1" 2>/dev/null || true; sleep 0.5; }

KDATA=$WORK/kiosk-data
mkdir -p "$KDATA"
kiosk_cmd=("$KIOSK" --data-dir "$KDATA" --scan-source none --stats-file "$WORK/stats.json"
           --automation-file "$WORK/auto.json")
chrome_cmd() {
  CHROME_CMD=("$CHROME" --no-sandbox --kiosk --disable-gpu --no-first-run --disable-background-networking \
    --disable-component-update --disable-sync --password-store=basic --noerrdialogs \
    --window-position=0,0 --window-size=1920,1080 --user-data-dir="$(mktemp -d "$WORK/chrome-XXXXXX")" \
    "file://$HERE/home.html")
}

echo "== warm-up runs (not measured)"
launch kiosk-warmup "${kiosk_cmd[@]}"; echo "kiosk cold (no atlas cache): first paint ${FIRST_MS} ms, settled ${SETTLED_MS} ms"
K_COLD_FIRST=$FIRST_MS; K_COLD_SETTLED=$SETTLED_MS
stop "$SID"
chrome_cmd; launch chrome-warmup "${CHROME_CMD[@]}"; echo "chromium (first start): first paint ${FIRST_MS} ms, settled ${SETTLED_MS} ms"
stop "$SID"

echo "== measured runs"
launch kiosk "${kiosk_cmd[@]}"
K_FIRST=$FIRST_MS; K_SETTLED=$SETTLED_MS; K_SID=$SID
sleep 2; K_PSS=$(pss_kb "$K_SID")
# Attract screen -> home screen (one tap), then quiet.
xdotool mousemove 960 900 click 1; sleep 3
K_FRAMES0=$(python3 -c "import json;print(json.load(open('$WORK/stats.json'))['frames'])")
K_T0=$(cpu_ticks "$K_SID"); sleep "$IDLE_S"; K_T1=$(cpu_ticks "$K_SID")
K_FRAMES1=$(python3 -c "import json;print(json.load(open('$WORK/stats.json'))['frames'])")
K_SELF=$(python3 -c "import json;print(json.load(open('$WORK/stats.json'))['first_frame_since_start_ms'])")

# Typing with the pinyin keyboard: legal service, page 2, employer field, "zhangwei", 张伟.
python3 "$HERE/type_pinyin.py" "$WORK/auto.json" "$WORK/stats.json" | tee "$WORK/typing.txt"
stop "$K_SID"

chrome_cmd; launch chrome "${CHROME_CMD[@]}"
C_FIRST=$FIRST_MS; C_SETTLED=$SETTLED_MS; C_SID=$SID
sleep 2; C_PSS=$(pss_kb "$C_SID")
sleep 3
C_T0=$(cpu_ticks "$C_SID"); sleep "$IDLE_S"; C_T1=$(cpu_ticks "$C_SID")
C_NPROC=$(session_pids "$C_SID" | wc -l)
stop "$C_SID"

K_CPU_MS=$(( (K_T1 - K_T0) * 1000 / HZ )); C_CPU_MS=$(( (C_T1 - C_T0) * 1000 / HZ ))
echo
printf "%-28s %14s %14s %10s\n" "" "union-kiosk" "chromium" "ratio"
ratio() { python3 -c "a,b=$1,$2; print(f'{a/b:.3f}' if b else 'n/a')"; }
printf "%-28s %11s ms %11s ms %10s\n" "first paint (screen polls)" "$K_FIRST" "$C_FIRST" "$(ratio "$K_FIRST" "$C_FIRST")"
printf "%-28s %11s ms %11s ms %10s\n" "settled picture" "$K_SETTLED" "$C_SETTLED" "$(ratio "$K_SETTLED" "$C_SETTLED")"
printf "%-28s %11s MB %11s MB %10s\n" "PSS, all processes" "$(( K_PSS / 1024 ))" "$(( C_PSS / 1024 ))" "$(ratio "$K_PSS" "$C_PSS")"
printf "%-28s %11s ms %11s ms %10s\n" "CPU over ${IDLE_S} s idle" "$K_CPU_MS" "$C_CPU_MS" "$(ratio "$K_CPU_MS" "$C_CPU_MS")"
printf "%-28s %14s %14s\n" "frames drawn while idle" "$(( K_FRAMES1 - K_FRAMES0 ))" "(not counted)"
printf "%-28s %14s %14s\n" "processes" "1" "$C_NPROC"
echo "kiosk's own clock: first frame swapped ${K_SELF} ms after exec; cold start (no atlas cache): first paint ${K_COLD_FIRST} ms"
echo "targets: first paint <= 0.25x, PSS <= 0.333x, 0 frames idle"
echo "machine: $(nproc) cores, load average $(cut -d' ' -f1-3 /proc/loadavg); GL: software (llvmpipe) under Xvfb"
