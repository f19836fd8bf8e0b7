#!/usr/bin/env bash
# An int8 model's layers need no floating point: compiles MODEL with
# `--quantize int8` (or, with CALIBRATION_DIR `-`, as it is: a pre-quantized QDQ
# model that pass fold-qdq puts on the int8 kernels) for a Cortex-M0 (no FPU),
# builds the generated code with arm-none-eabi-g++ -fno-inline so each kernel
# instantiation stays its own function, and checks that no function calls a
# soft-float helper (__aeabi_f*, __aeabi_d*, __aeabi_*2f/2d, __*sf3/__*df3, libm
# float functions) except the QuantizeLinear / DequantizeLinear kernels at the
# float boundary of the graph.
# They must call some (this shows the check sees the helpers at all).
# ALLOW_FLOAT (optional): an extended regex of more functions allowed to call
# them, the float layers the model keeps on purpose (e.g. its final softmax).
# With --io-int8 first, the same model is then compiled with `--io int8` (int8 C
# API, no boundary kernels) and no function at all may call a soft-float helper:
# the generated code is integer-only.
# Usage: int8_no_softfloat.sh [--io-int8] MOTE_BINARY MODEL_DIR CALIBRATION_DIR|- [ALLOW_FLOAT]
set -euo pipefail
io_int8=0
if [ "${1:-}" = --io-int8 ]; then io_int8=1; shift; fi
mote=$1
model=$2
calib=$3
allow=${4:-}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

fail() { echo "FAIL: $*" >&2; exit 1; }

quantize=(--quantize int8 --calibrate "$calib")
[ "$calib" = "-" ] && quantize=()

# Compiles for cortex-m0 into $work/$1 (extra mote flags after it) and lists in
# $work/$1.calls "function<TAB>helper" for every call of a float helper, demangled.
float_calls() {
  local out=$1
  shift
  "$mote" compile "$model" "${quantize[@]}" --target cortex-m0 -o "$work/$out" --name net "$@" > /dev/null
  grep -q 'fully_connected_s8\|conv2d_s8' "$work/$out/net.cpp" || fail "the generated code uses no int8 kernel"
  arm-none-eabi-g++ -mcpu=cortex-m0 -mthumb -std=c++17 -O2 -fno-inline -ffunction-sections -fno-exceptions -fno-rtti \
    -I "$work/$out" -c "$work/$out/net.cpp" -o "$work/$out.o"
  arm-none-eabi-objdump -dr "$work/$out.o" |
    awk '/^[0-9a-f]+ <.*>:$/ { fn = $2; next }
         /R_ARM_THM_(CALL|JUMP24)/ { print fn "\t" $NF }' |
    grep -E $'\t(__aeabi_([fd][a-z0-9]*|[a-z0-9]*2[fd])|__[a-z]+[sd]f[23]|[a-z]+f|sqrt|exp|log|pow|floor|ceil|round|lround|nearbyint|rint|lrint)$' |
    c++filt > "$work/$out.calls" || true
}

float_calls out
cp "$work/out.calls" "$work/calls.txt"

boundary='quantize_linear|dequantize_linear|q_quantize|q_dequantize|q_saturate'
grep -E "$boundary" "$work/calls.txt" > /dev/null || fail "the boundary Quantize/Dequantize kernels call no float helper: the check sees nothing"
allowed=$boundary
[ -n "$allow" ] && allowed="$boundary|$allow"
if grep -vE "$allowed" "$work/calls.txt" > "$work/bad.txt"; then
  cat "$work/bad.txt" >&2
  fail "functions other than the Quantize/Dequantize boundary call soft-float helpers"
fi
echo "OK: soft-float helpers only in the Quantize/Dequantize boundary${allow:+ and $allow}:"
cut -f2 "$work/calls.txt" | sort -u | tr '\n' ' '
echo
if [ -n "$allow" ]; then
  echo "callers:"
  cut -f1 "$work/calls.txt" | sort -u
fi

if [ "$io_int8" = 1 ]; then
  float_calls io --io int8
  grep -q 'int8_t\* input\|INPUT0_SCALE' "$work/io/net.h" || fail "--io int8 gave no int8 C API"
  bad=$work/io.calls
  if [ -n "$allow" ]; then bad=$work/io.bad; grep -vE "$allow" "$work/io.calls" > "$bad" || true; fi
  if [ -s "$bad" ]; then
    cat "$bad" >&2
    fail "with --io int8 some functions still call soft-float helpers"
  fi
  echo "OK: with --io int8 no function calls a soft-float helper${allow:+ except $allow}"
fi
