#!/usr/bin/env bash
# Re-makes the demo member cards of this folder with `union-kiosk card`,
# signed by the DEMO key of ../../../shared/specs/member-card-vectors.json
# (seed 0x11 x 32, kid demo-2026). Never trust that key in production.
# Usage: assets/cards/make_cards.sh path/to/union-kiosk
set -euo pipefail
K=${1:?usage: make_cards.sh path/to/union-kiosk}
HERE=$(cd "$(dirname "$0")" && pwd)
TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT
KEY="$TMP/demo-2026.key"
"$K" card keygen --kid demo-2026 --seed-hex 1111111111111111111111111111111111111111111111111111111111111111 --out "$KEY" >/dev/null
ORG="长春市第一机床厂工会"
# iat 2026-10-19, exp 2027-11-18 (as the vectors' valid cards)
"$K" card issue --key "$KEY" --sub 22010012345 --name 张伟 --org "$ORG" --iat 1792408000 --exp 1826536000 \
  --png "$HERE/member-zhang-wei.png" > "$HERE/member-zhang-wei.txt"
"$K" card issue --key "$KEY" --sub STAFF-0007 --name 李娜 --org "$ORG" --role staff --iat 1792408000 --exp 1826536000 \
  --png "$HERE/staff-li-na.png" > "$HERE/staff-li-na.txt"
# expired on 2026-11-17
"$K" card issue --key "$KEY" --sub 22010054321 --name 王芳 --org "$ORG" --iat 1760000000 --exp 1794999400 \
  --png "$HERE/expired-wang-fang.png" > "$HERE/expired-wang-fang.txt"
# on the demo content's revocation list
"$K" card issue --key "$KEY" --sub 22010099999 --name 赵强 --org "$ORG" --iat 1792408000 --exp 1826536000 \
  --png "$HERE/revoked-zhao-qiang.png" > "$HERE/revoked-zhao-qiang.txt"
for f in "$HERE"/*.png; do
  printf '%-28s ' "$(basename "$f")"
  "$K" card verify --image "$f" --now 1795000000 --json | grep '"verdict"' || true
done
