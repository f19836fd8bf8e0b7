#!/usr/bin/env bash
# The firmware checks of generated_code_check.sh for code compiled for one core,
# whose kernels may use that core's intrinsics or assembly (DSP, Helium, ARMv6-M):
#  1. it compiles with -Wall -Wextra -Werror, no exceptions, no RTTI, with
#     arm-none-eabi-g++ and clang-14 for that core;
#  2. no static constructors and no heap: the only undefined symbols are C math and
#     string functions and the compiler's own helpers (__aeabi_*);
#  3. the same model compiles to byte-identical files twice.
# Usage: generated_code_core_check.sh MOTE_BINARY MODEL.onnx CORE [MOTE COMPILE FLAGS...]
set -euo pipefail
mote=$1
model=$2
core=$3
shift 3
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
fail() { echo "FAIL: $*" >&2; exit 1; }

"$mote" compile "$model" -o "$work/a" --name net --target "$core" "$@" > /dev/null
(cd "$work" && "$mote" compile "$model" -o b --name net --target "$core" "$@" > /dev/null)
for f in net.h net.cpp net_weights.cpp; do
  cmp -s "$work/a/$f" "$work/b/$f" || fail "$f differs between two compiles of the same model"
done

case "$core" in
  cortex-m0) gcc_core=(-mcpu=cortex-m0 -mthumb -mfloat-abi=soft); clang_core=(--target=thumbv6m-none-eabi -mcpu=cortex-m0 -mfloat-abi=soft) ;;
  cortex-m4) gcc_core=(-mcpu=cortex-m4 -mthumb -mfloat-abi=hard -mfpu=fpv4-sp-d16)
             clang_core=(--target=thumbv7em-none-eabihf -mcpu=cortex-m4 -mfpu=fpv4-sp-d16 -mfloat-abi=hard) ;;
  cortex-m7) gcc_core=(-mcpu=cortex-m7 -mthumb -mfloat-abi=hard -mfpu=fpv5-d16)
             clang_core=(--target=thumbv7em-none-eabihf -mcpu=cortex-m7 -mfpu=fpv5-d16 -mfloat-abi=hard) ;;
  cortex-m33) gcc_core=(-mcpu=cortex-m33 -mthumb -mfloat-abi=hard -mfpu=fpv5-sp-d16)
              clang_core=(--target=thumbv8m.main-none-eabihf -mcpu=cortex-m33 -mfpu=fpv5-sp-d16 -mfloat-abi=hard) ;;
  cortex-m55) gcc_core=(-mcpu=cortex-m55 -mthumb -mfloat-abi=hard)
              clang_core=(--target=thumbv8.1m.main-none-eabihf -mcpu=cortex-m55 -mfloat-abi=hard) ;;
  *) fail "no flags for core $core" ;;
esac
flags=(-std=c++17 -O2 -Wall -Wextra -Werror -fno-exceptions -fno-rtti -ffunction-sections -fdata-sections -I "$work/a")
for tc in gcc clang; do
  if [ "$tc" = gcc ]; then cxx=(arm-none-eabi-g++ "${gcc_core[@]}"); else
    cxx=(clang++-14 "${clang_core[@]}" --sysroot=/usr/lib/arm-none-eabi -fshort-enums); fi
  for f in net net_weights; do
    "${cxx[@]}" "${flags[@]}" -c "$work/a/$f.cpp" -o "$work/$tc-$f.o" || fail "$tc: $f.cpp does not compile warning-free for $core"
    if arm-none-eabi-objdump -h "$work/$tc-$f.o" | grep -E '\.(init_array|ctors)' > /dev/null; then
      fail "$tc: $f.cpp has static constructors"
    fi
    bad=$(arm-none-eabi-nm -u "$work/$tc-$f.o" | awk '{print $2}' \
          | grep -v -E '^(net_w_.*|_?(mem(cpy|set|move)|str.*|(exp|log|sqrt|tanh|pow|floor|ceil|round|fabs|fmod|sin|cos|tan|atan|asin|acos|erf|nearbyint|rint|trunc|lround|cosh|sinh|asinh|acosh|atanh|expm1|log1p|atan2)f?)|__aeabi_.*|__(ashl|ashr|lshr|mul|div|udiv|mod|umod)[a-z]*di3)$' || true)
    [ -z "$bad" ] || fail "$tc: $f.cpp needs symbols beyond libc/libm: $bad"
  done
done
echo "PASS: $(basename "$(dirname "$model")") for $core: deterministic, -Werror clean on arm-none-eabi-g++ and clang-14, no ctors, no heap"
