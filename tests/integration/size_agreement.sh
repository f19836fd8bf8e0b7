#!/usr/bin/env bash
# The flash and static-RAM figures `mote compile --target PART` states must agree
# within 5% with what arm-none-eabi-size says about the same generated code, built
# here independently with the Cortex-M4 flags a firmware project would use.
# Usage: size_agreement.sh MOTE_BINARY MODEL.onnx CORTEX_M4_PART
set -euo pipefail
mote=$1
model=$2
part=$3
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

summary=$("$mote" compile "$model" -o "$work/out" --name net --target "$part")
flash=$(sed -n 's/.*target:  flash \([0-9]*\) bytes.*/\1/p' <<< "$summary")
static_ram=$(sed -n 's/.*arena and other static data \([0-9]*\),.*/\1/p' <<< "$summary")
[ -n "$flash" ] && [ -n "$static_ram" ] || { echo "FAIL: no figures in: $summary"; exit 1; }

for f in net net_weights; do
  arm-none-eabi-g++ -mcpu=cortex-m4 -mthumb -mfloat-abi=hard -mfpu=fpv4-sp-d16 -std=c++17 -O2 \
    -ffunction-sections -fdata-sections -fno-exceptions -fno-rtti -I "$work/out" \
    -c "$work/out/$f.cpp" -o "$work/$f.o"
done
# Berkeley format totals: text (code + read-only data), data, bss.
read -r text data bss < <(arm-none-eabi-size -B -t "$work/net.o" "$work/net_weights.o" | awk 'END {print $1, $2, $3}')
size_flash=$((text + data))
size_ram=$((data + bss))

within() {  # within A B: |A - B| <= 5% of B
  awk -v a="$1" -v b="$2" 'BEGIN { d = a - b; if (d < 0) d = -d; exit !(d <= 0.05 * b) }'
}
echo "mote: flash $flash, static RAM $static_ram; arm-none-eabi-size: flash $size_flash, static RAM $size_ram"
within "$flash" "$size_flash" || { echo "FAIL: flash differs by more than 5%"; exit 1; }
within "$static_ram" "$size_ram" || { echo "FAIL: static RAM differs by more than 5%"; exit 1; }
echo "PASS"
