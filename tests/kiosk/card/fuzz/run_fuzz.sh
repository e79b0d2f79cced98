#!/usr/bin/env bash
# Builds the member-card fuzz target with clang (libFuzzer + ASan + UBSan)
# from the sources and runs it for a bounded time on the seed corpus.
# Usage: run_fuzz.sh SOURCE_DIR BINARY_DIR SECONDS
# Exit 77 (ctest: skipped) when clang or its fuzzer runtime is missing.
set -euo pipefail
SRC=$1
BIN=$2
SECONDS_TO_RUN=${3:-25}
CXX=$(command -v clang++ || command -v clang++-14 || true)
if [ -z "$CXX" ]; then
  echo "clang++ not found: fuzz test skipped"
  exit 77
fi
OUT="$BIN/tests/kiosk/card/fuzz"
mkdir -p "$OUT/work-corpus"
ASSETS="$BIN/assets/kiosk_assets_data.cpp"
if [ ! -f "$ASSETS" ]; then
  echo "missing $ASSETS: build kiosk_assets first" >&2
  exit 1
fi
SOURCES=(
  "$SRC/tests/kiosk/card/fuzz/fuzz_member_card.cpp"
  "$SRC/kiosk/card/member_card.cpp" "$SRC/kiosk/card/trust.cpp" "$SRC/kiosk/base/base64url.cpp"
  "$SRC/kiosk/base/strings.cpp" "$SRC/kiosk/base/json_limited.cpp" "$SRC/kiosk/base/utf8.cpp" "$ASSETS"
)
# Rebuild only when a source is newer than the binary.
needs_build=1
if [ -x "$OUT/fuzz_member_card" ]; then
  needs_build=0
  for s in "${SOURCES[@]}" "$SRC"/kiosk/card/*.hpp "$SRC"/kiosk/base/*.hpp; do
    [ "$s" -nt "$OUT/fuzz_member_card" ] && needs_build=1
  done
fi
if [ $needs_build = 1 ]; then
  echo "building fuzz_member_card with $CXX"
  if ! "$CXX" -std=c++20 -O1 -g -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=undefined \
      -I"$SRC" -o "$OUT/fuzz_member_card.tmp" "${SOURCES[@]}" $(pkg-config --cflags --libs libsodium) 2> "$OUT/build.log"; then
    if grep -q "libclang_rt.fuzzer" "$OUT/build.log"; then
      echo "clang's libFuzzer runtime (libclang-rt-14-dev) missing: fuzz test skipped"
      exit 77
    fi
    cat "$OUT/build.log" >&2
    exit 1
  fi
  mv "$OUT/fuzz_member_card.tmp" "$OUT/fuzz_member_card"
fi
# New inputs go to work-corpus (in the build tree), never into the source tree.
"$OUT/fuzz_member_card" -max_total_time="$SECONDS_TO_RUN" -max_len=4096 -timeout=5 -rss_limit_mb=1024 \
  -print_final_stats=1 -artifact_prefix="$OUT/" "$OUT/work-corpus" "$SRC/tests/kiosk/card/fuzz/corpus" 2>&1 | tail -n 25
