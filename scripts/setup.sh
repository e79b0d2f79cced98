#!/usr/bin/env bash
# Installs the Debian 12 packages the kiosk, the hub and the tests need.
# Only what is missing is installed; `apt-get update` runs at most once.
set -euo pipefail

PACKAGES=(
  # build
  cmake g++ make pkg-config git ca-certificates
  # libraries
  libsdl2-dev libx11-dev libxext-dev libimgui-dev libgl-dev libsqlite3-dev libcurl4-openssl-dev
  libzxing-dev nlohmann-json3-dev libsodium-dev libssl-dev
  libmicrohttpd-dev  # the hub's HTTP(S) server (built with GnuTLS)
  libgooglepinyin0-dev libfreetype-dev libpng-dev libv4l-dev
  # fonts
  fonts-noto-cjk
  # tests and benchmarks
  doctest-dev sqlite3 xvfb xauth xdotool imagemagick x11-utils x11-apps
  libgl1-mesa-dri libglx-mesa0 zbar-tools libzbar-dev clang libclang-rt-14-dev
  procps psmisc python3
  faketime  # e2e: the real kiosk run one and three years ahead
  matchbox-window-manager  # the window test runs the kiosk under a window manager too
  openssl  # sync TLS tests make a throwaway CA and hub certificate
)
# Benchmarks compare against Chromium: only with --bench.
if [ "${1:-}" = "--bench" ]; then PACKAGES+=(chromium hyperfine); fi

missing=()
for p in "${PACKAGES[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
    missing+=("$p")
  fi
done

if [ ${#missing[@]} -eq 0 ]; then
  echo "setup: all ${#PACKAGES[@]} packages present"
  exit 0
fi

SUDO=""
if [ "$(id -u)" -ne 0 ]; then SUDO="sudo"; fi
echo "setup: installing ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
$SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}"
