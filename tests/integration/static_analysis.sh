#!/usr/bin/env bash
# Static analysis of the code Mote generates for one model: cppcheck and clang-tidy
# (Debian's cppcheck 2.10 and clang-tidy 14) with the checks docs/reliability.md
# lists, every finding an error.
# Usage: static_analysis.sh MOTE_BINARY MODEL.onnx [MOTE COMPILE FLAGS...]
set -euo pipefail
mote=$1
model=$2
shift 2
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
"$mote" compile "$model" -o "$work" --name net "$@" > /dev/null

# cppcheck: warnings, performance and portability findings, and style. Two style
# findings are by design and suppressed: every layer's parameter struct names all
# of its shapes, read by the kernel or not (unusedStructMember), and the arena is
# one aligned byte array that holds tensors of every type (invalidPointerCast).
# --inline-suppr: a kernel line may name a finding its source answers for every
# shape but one (a bound check a 1-D shape makes always false).
# Only net.cpp: net_weights.cpp is nothing but const arrays, and cppcheck takes
# over ten minutes on the 843,400 values of vww_mobilenet's (clang-tidy reads it).
# -UMOTE_PROFILE_HOOKS: the per-layer profiling hooks are a header the firmware
# names; without one the generated code is what a firmware compiles by default.
cppcheck --enable=warning,style,performance,portability --std=c++17 --language=c++ -q -UMOTE_PROFILE_HOOKS --inline-suppr \
  --suppress=unusedStructMember --suppress=invalidPointerCast --error-exitcode=1 "$work/net.cpp"

# clang-tidy: bug-prone patterns, CERT rules, the static analyzer, performance,
# portability and misc checks. Not checked, by design of the kernels:
#  - bugprone-easily-swappable-parameters: a kernel takes several pointers of one type;
#  - bugprone-implicit-widening-of-multiplication-result: indices are 32-bit (idx_t,
#    the MCU's word; resolve refuses tensors of 2^31 bytes or more);
#  - bugprone-signed-char-misuse, cert-str34-c: int8_t holds numbers, not characters,
#    and sign extension is the arithmetic the int8 kernels want;
#  - cert-err58-cpp: nothing is built with exceptions.
checks='-*,bugprone-*,-bugprone-easily-swappable-parameters,-bugprone-implicit-widening-of-multiplication-result,'
checks+='-bugprone-signed-char-misuse,cert-*,-cert-str34-c,-cert-err58-cpp,clang-analyzer-*,performance-*,portability-*,misc-*'
clang-tidy-14 --quiet --checks="$checks" --warnings-as-errors='*' "$work/net.cpp" "$work/net_weights.cpp" \
  -- -std=c++17 -I "$work" 2> "$work/tidy.err" || { cat "$work/tidy.err"; exit 1; }
echo "PASS: $(basename "$(dirname "$model")"): cppcheck and clang-tidy find nothing in the generated code"
