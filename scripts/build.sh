#!/usr/bin/env bash
# Configures and builds Mote into build/ (Ninja, all cores).
set -euo pipefail
cd "$(dirname "$0")/.."
cmake -S . -B build -G Ninja > build.log 2>&1 || { cat build.log; exit 1; }
cmake --build build >> build.log 2>&1 || { tail -50 build.log; exit 1; }
rm -f build.log
