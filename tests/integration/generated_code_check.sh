#!/usr/bin/env bash
# Checks what a firmware project needs of generated code, for one model:
#  1. it compiles with -Wall -Wextra -Werror, no exceptions, no RTTI, with g++ and
#     clang++-14 for the host and with arm-none-eabi-g++ and clang-14 for a Cortex-M4F;
#  2. no static constructors (.init_array/.ctors empty) and no heap: the only
#     undefined symbols are C math and string functions;
#  3. the same model compiles to byte-identical files twice, from different folders.
# Usage: generated_code_check.sh MOTE_BINARY MODEL.onnx [MOTE COMPILE FLAGS...]
# (e.g. --quantize int8 --calibrate DIR --io int8 for the int8 kernels).
set -euo pipefail
mote=$1
model=$2
shift 2
extra_flags=("$@")
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

fail() { echo "FAIL: $*" >&2; exit 1; }

"$mote" compile "$model" -o "$work/a" --name net "${extra_flags[@]}" > /dev/null
(cd "$work" && "$mote" compile "$model" -o b --name net "${extra_flags[@]}" > /dev/null)
for f in net.h net.cpp net_weights.cpp; do
  cmp -s "$work/a/$f" "$work/b/$f" || fail "$f differs between two compiles of the same model"
done

flags=(-std=c++17 -O2 -Wall -Wextra -Werror -fno-exceptions -fno-rtti -I "$work/a")
arm_flags=(-mcpu=cortex-m4 -mthumb -mfloat-abi=hard -mfpu=fpv4-sp-d16 -ffunction-sections -fdata-sections)
clang_arm_flags=(--target=thumbv7em-none-eabihf -mcpu=cortex-m4 -mfpu=fpv4-sp-d16 -mfloat-abi=hard
                 --sysroot=/usr/lib/arm-none-eabi -fshort-enums -ffunction-sections -fdata-sections)

for tc in host arm clang clang-arm; do
  case "$tc" in
    host) cxx=(g++); nm=nm; objdump=objdump; extra=() ;;
    arm) cxx=(arm-none-eabi-g++); nm=arm-none-eabi-nm; objdump=arm-none-eabi-objdump; extra=("${arm_flags[@]}") ;;
    clang) cxx=(clang++-14); nm=nm; objdump=objdump; extra=() ;;
    clang-arm) cxx=(clang++-14); nm=arm-none-eabi-nm; objdump=arm-none-eabi-objdump; extra=("${clang_arm_flags[@]}") ;;
  esac
  for f in net net_weights; do
    "${cxx[@]}" "${flags[@]}" "${extra[@]}" -c "$work/a/$f.cpp" -o "$work/$tc-$f.o" \
      || fail "$tc: $f.cpp does not compile warning-free"
    if "$objdump" -h "$work/$tc-$f.o" | grep -E '\.(init_array|ctors)' > /dev/null; then
      fail "$tc: $f.cpp has static constructors"
    fi
    # Anything undefined must be a C math or string function: no heap, no C++ runtime.
    bad=$("$nm" -u "$work/$tc-$f.o" | awk '{print $2}' \
          | grep -v -E '^(net_w_.*|_?(mem(cpy|set|move)|str.*|(exp|log|sqrt|tanh|pow|floor|ceil|round|fabs|fmod|sin|cos|tan|atan|asin|acos|erf|nearbyint|rint|trunc|lround|cosh|sinh|asinh|acosh|atanh|expm1|log1p|atan2)f?)|__aeabi_.*|_GLOBAL_OFFSET_TABLE_)$' || true)
    [ -z "$bad" ] || fail "$tc: $f.cpp needs symbols beyond libc/libm: $bad"
  done
done
# The profiling hooks as docs/performance.md shows a firmware defining them (DWT
# cycle counter) compile into the same code warning-free.
cat > "$work/my_hooks.h" <<'HOOKS'
#include <stdint.h>
#define MY_DWT_CYCCNT (*(volatile uint32_t*)0xE0001004u)
extern "C" uint32_t g_layer_t0, g_layer_cycles[];
#define MOTE_LAYER_BEGIN(i, name) (g_layer_t0 = MY_DWT_CYCCNT)
#define MOTE_LAYER_END(i, name) (g_layer_cycles[i] += MY_DWT_CYCCNT - g_layer_t0)
HOOKS
arm-none-eabi-g++ "${flags[@]}" "${arm_flags[@]}" -I "$work" "-DMOTE_PROFILE_HOOKS=\"my_hooks.h\"" \
  -c "$work/a/net.cpp" -o "$work/hooks.o" || fail "net.cpp does not compile with profiling hooks defined"
grep -q "g_layer_cycles" <(arm-none-eabi-nm -u "$work/hooks.o") || fail "the profiling hooks were not used"
echo "PASS: $(basename "$(dirname "$model")"): deterministic, -Werror clean on g++, arm-none-eabi-g++ and clang-14 (host and Cortex-M4F), no ctors, no heap, profiling hooks compile"
