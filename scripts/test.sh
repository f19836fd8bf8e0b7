#!/usr/bin/env bash
# The whole test suite, with its own set-up: installs packages if missing,
# builds, and runs every test with ctest (ctest's summary is the last line).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/install-deps.sh
bash scripts/build.sh
cd build
ctest --output-on-failure -j"$(nproc)"
