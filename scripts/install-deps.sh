#!/usr/bin/env bash
# Installs every Debian package Mote needs on a fresh Debian 12 machine.
# Non-interactive and idempotent: safe to run twice.
set -euo pipefail

PKGS=(
  build-essential cmake ninja-build pkg-config
  libonnx-dev libonnx-testdata libprotobuf-dev protobuf-compiler
  libfmt-dev libcli11-dev catch2
  llvm-14-dev clang-14 lld-14 libclang-rt-14-dev clang-tidy-14 cppcheck
  gcc-arm-none-eabi libnewlib-arm-none-eabi qemu-system-arm
  python3
  chromium fonts-dejavu-core
)

missing=()
for p in "${PKGS[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done

if [ "${#missing[@]}" -gt 0 ]; then
  SUDO=""
  [ "$(id -u)" -eq 0 ] || SUDO="sudo"
  echo "install-deps: installing ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  $SUDO apt-get update -qq
  $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}"
else
  echo "install-deps: all Debian packages present"
fi
