#!/usr/bin/env bash
# The firmware owns the memory (docs/generated-code.md, "Placing the arena and the
# weights"): SYMBOL_EXTERNAL_ARENA with two models sharing one caller-owned arena
# (host, ASan and UBSan, outputs compared with the static-arena builds), and
# SYMBOL_ARENA_SECTION / SYMBOL_WEIGHTS_SECTION placing them in named sections
# (arm-none-eabi-gcc for the M4, section sizes read from the object files).
# Usage: arena_placement_check.sh MOTE_BINARY MODELS_DIR
set -euo pipefail
mote=$1 models=$2
here=$(cd "$(dirname "$0")" && pwd)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
fail() { echo "FAIL: $*"; exit 1; }

for m in digits:digits_mlp kws:kws_dscnn; do
  sym=${m%%:*} dir=${m#*:}
  "$mote" compile "$models/$dir" -o "$work/gen" --name "${sym}_static" > /dev/null
  "$mote" compile "$models/$dir" -o "$work/gen" --name "${sym}_ext" > /dev/null
done

# Host: the per-model macros let one command line build both kinds side by side.
flags=(-std=c++17 -O1 -g -Wall -Wextra -Werror -fsanitize=address,undefined -fno-sanitize-recover=all
       -DDIGITS_EXT_EXTERNAL_ARENA -DKWS_EXT_EXTERNAL_ARENA -I"$work/gen")
for f in "$work"/gen/*.cpp; do g++ "${flags[@]}" -c "$f" -o "${f%.cpp}.o"; done
g++ "${flags[@]}" "$here/arena_placement/main.cpp" "$work"/gen/*.o -o "$work/shared" -lm
"$work/shared"
for s in digits_ext kws_ext; do
  if nm -C "$work/gen/$s.o" | grep -q g_arena; then fail "$s.o still has a static arena"; fi
  nm "$work/gen/$s.o" | grep -q " T ${s}_run_arena$" || fail "$s.o lacks ${s}_run_arena"
  if nm "$work/gen/$s.o" | grep -q " T ${s}_run$"; then fail "$s.o still defines ${s}_run"; fi
done
echo "ok   the external-arena objects have no static arena and no ${s}_run"

# Cortex-M4: the arena and the weights in sections of the firmware's choosing.
arena=$(sed -n 's/^#define KWS_STATIC_ARENA_BYTES \([0-9]*\)$/\1/p' "$work/gen/kws_static.h")
arm=(arm-none-eabi-g++ -mcpu=cortex-m4 -mthumb -mfloat-abi=hard -mfpu=fpv4-sp-d16 -std=c++17 -O2 -Wall -Wextra
     -Werror -fno-exceptions -fno-rtti -I"$work/gen" "-DKWS_STATIC_ARENA_SECTION=\".sram2\""
     "-DKWS_STATIC_WEIGHTS_SECTION=\".qspi_weights\"")
"${arm[@]}" -c "$work/gen/kws_static.cpp" -o "$work/kws_m4.o"
"${arm[@]}" -c "$work/gen/kws_static_weights.cpp" -o "$work/kws_weights_m4.o"
section_size() { arm-none-eabi-size -A "$1" | awk -v s="$2" '$1 == s { print $2 }'; }
got=$(section_size "$work/kws_m4.o" .sram2)
[ "$got" = "$arena" ] || fail ".sram2 is '$got' bytes, the arena is $arena"
echo "ok   .sram2 holds the $arena-byte arena"
bss=$(section_size "$work/kws_m4.o" .bss); bss=${bss:-0}
[ "$bss" -lt "$arena" ] || fail ".bss still holds the arena ($bss bytes)"
weights=$(sed -n 's/^\/\/ [0-9]* constant tensors of model .kws_static., \([0-9]*\) bytes.*/\1/p' "$work/gen/kws_static_weights.cpp")
qspi=$(section_size "$work/kws_weights_m4.o" .qspi_weights)
[ -n "$weights" ] && [ "${qspi:-0}" -ge "$weights" ] || fail ".qspi_weights is '${qspi:-}' bytes, the weights are '$weights'"
rodata=$(arm-none-eabi-size -A "$work/kws_weights_m4.o" | awk '$1 ~ /^\.rodata/ { s += $2 } END { print s + 0 }')
[ "$rodata" -lt 1024 ] || fail "$rodata bytes of weights stayed in .rodata"
echo "ok   .qspi_weights holds the $weights bytes of weights ($qspi with alignment), .rodata $rodata"
echo "PASS"
