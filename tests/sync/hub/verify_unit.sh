#!/usr/bin/env bash
# The hub's systemd unit (packaging/union-hub.service): it holds the
# promises of docs/sync-protocol.md ("Running the hub") and, where
# systemd-analyze is installed, systemd reads it without one complaint.
# Usage: verify_unit.sh SOURCE_DIR HUB_BINARY. Exit 77 (skipped) only for
# the systemd-analyze part when the tool is missing; the text checks always run.
set -euo pipefail
SRC=$1
HUB=$2
UNIT="$SRC/packaging/union-hub.service"
fail=0
for want in '^Restart=on-failure$' '^MemoryMax=' '^User=union-hub$' '^StateDirectory=union-hub$' \
            '^StateDirectoryMode=0700$' '^UMask=0077$' '^NoNewPrivileges=yes$' '^ProtectSystem=strict$' \
            '^PrivateTmp=yes$' '^ProtectHome=yes$' '^CapabilityBoundingSet=$' \
            '^ExecStart=/usr/bin/union-hub serve .*--cert .*--key '; do
  if ! grep -Eq "$want" "$UNIT"; then
    echo "union-hub.service: missing $want"
    fail=1
  fi
done
[ $fail = 0 ] || exit 1
if ! command -v systemd-analyze >/dev/null; then
  echo "systemd-analyze not installed: text checks passed, verify skipped"
  exit 77
fi
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
# verify checks that ExecStart's binary exists: point it at the one just built.
sed "s|/usr/bin/union-hub|$HUB|" "$UNIT" > "$tmp/union-hub.service"
out=$(systemd-analyze verify "$tmp/union-hub.service" 2>&1) || { echo "$out"; exit 1; }
# verify exits 0 on unknown keys and bad values too: any word from it fails.
if [ -n "$out" ]; then
  echo "$out"
  exit 1
fi
echo "union-hub.service: verified"
