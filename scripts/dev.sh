#!/usr/bin/env bash
# The two commands of README.md:
#   scripts/dev.sh run   set up, build, start the kiosk on its embedded defaults
#   scripts/dev.sh test  set up, build, run every test (what .ci/run calls)
# `run` starts the kiosk in demo mode (it trusts the card spec's demo key, whose
# private half is published, and shows 演示模式 / Demo on screen). Extra
# arguments after `run` go to union-kiosk (e.g. --windowed 1280x720).
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$(pwd)
BUILD=${KIOSK_BUILD_DIR:-$ROOT/build}
JOBS=${KIOSK_JOBS:-$(nproc)}

setup_and_build() {
  bash scripts/setup.sh
  cmake -S . -B "$BUILD" -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
  cmake --build "$BUILD" -j "$JOBS"
}

cmd=${1:-}
shift || true
case "$cmd" in
  run)
    setup_and_build
    if [ -z "${DISPLAY:-}" ] && [ -z "${WAYLAND_DISPLAY:-}" ]; then
      echo "No display found: starting the kiosk on a virtual display (Xvfb :77, 1920x1080)."
      echo "Screenshot it with: DISPLAY=:77 import -window root kiosk.png"
      # Its own session: a Ctrl+C for the group must not take the display from
      # under the kiosk before the kiosk has stopped.
      setsid Xvfb :77 -screen 0 1920x1080x24 -nolisten tcp >/dev/null 2>&1 &
      XVFB_PID=$!
      trap 'kill $XVFB_PID 2>/dev/null || true' EXIT
      export DISPLAY=:77
      for _ in $(seq 50); do xdpyinfo >/dev/null 2>&1 && break; sleep 0.1; done
      # Stopped (Ctrl+C, kill, timeout): the kiosk goes first, then its display.
      "$BUILD/union-kiosk" --demo "$@" &
      KIOSK_PID=$!
      trap 'kill $KIOSK_PID 2>/dev/null; wait $KIOSK_PID 2>/dev/null; kill $XVFB_PID 2>/dev/null || true' EXIT
      trap 'exit 143' TERM INT
      wait $KIOSK_PID
      exit $?
    fi
    exec "$BUILD/union-kiosk" --demo "$@"
    ;;
  test)
    setup_and_build
    cd "$BUILD"
    ctest --output-on-failure -j "$JOBS" -LE long --timeout 900
    ;;
  *)
    echo "usage: scripts/dev.sh run [union-kiosk options] | scripts/dev.sh test" >&2
    exit 2
    ;;
esac
