#!/usr/bin/env bash
# For a newcomer on a fresh Debian 12 machine: installs what Mote needs, builds
# it, and compiles the shipped keyword-spotting model end to end, then checks the
# result against onnxruntime's outputs.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/install-deps.sh
echo "quickstart: building Mote"
bash scripts/build.sh
echo "quickstart: compiling models/kws_dscnn/model.onnx"
./build/mote compile models/kws_dscnn/model.onnx -o out/kws_dscnn
echo "quickstart: verifying the generated code against onnxruntime's outputs"
./build/mote verify models/kws_dscnn
