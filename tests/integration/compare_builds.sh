#!/usr/bin/env bash
# Pass patch (docs/passes.md): patched builds compute what unpatched ones do.
# Builds a model with --patch off and with tiles, runs both on the host under
# ASan and UBSan on the same inputs and requires identical outputs (int8 bit
# for bit; float too, as each element is computed by the same arithmetic), and
# checks the arena shrank (and, with PATCH_MAX_ARENA set, is at most that).
# Usage: patch_check.sh MOTE_BINARY MODEL "PATCH [--patch-layers N]" [compile options...]
set -euo pipefail
mote=$1 model=$2
read -ra patch <<< "$3"
shift 3
here=$(cd "$(dirname "$0")" && pwd)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
fail() { echo "FAIL: $*"; exit 1; }

"$mote" compile "$model" "$@" --name whole -o "$work/gen" > "$work/whole.txt"
"$mote" compile "$model" "$@" --patch "${patch[@]}" --name tiled -o "$work/gen" > "$work/tiled.txt"
grep -q "^  patch:   [0-9]*x[0-9]* tiles" "$work/tiled.txt" || { cat "$work/tiled.txt"; fail "--patch ${patch[*]} did not patch"; }
grep "^  patch:" "$work/tiled.txt"
arena() { sed -n "s/^#define $1_ARENA_BYTES \([0-9]*\)$/\1/p" "$work/gen/$2.h"; }
whole=$(arena WHOLE whole) tiled=$(arena TILED tiled)
[ "$tiled" -lt "$whole" ] || fail "the patched arena ($tiled bytes) is not below the unpatched one ($whole bytes)"
echo "ok   arena $whole -> $tiled bytes"
if [ -n "${PATCH_MAX_ARENA:-}" ]; then
  [ "$tiled" -le "$PATCH_MAX_ARENA" ] || fail "the patched arena ($tiled bytes) is above $PATCH_MAX_ARENA"
  echo "ok   the patched arena is at most $PATCH_MAX_ARENA bytes"
fi

ctype() {  # the C type of the model's first input or output, from its element size and scale
  local u=$1 io=$2
  if grep -q "^#define ${u}_${io}0_SCALE" "$work/gen/tiled.h"; then echo int8_t; else echo float; fi
}
flags=(-std=c++17 -O1 -g -Wall -Wextra -Werror -fsanitize=address,undefined -fno-sanitize-recover=all -I"$work/gen")
for f in "$work"/gen/*.cpp; do g++ "${flags[@]}" -c "$f" -o "${f%.cpp}.o"; done
g++ "${flags[@]}" -DA_H='"whole.h"' -DB_H='"tiled.h"' -DA_RUN=whole_run -DB_RUN=tiled_run \
    -DIN_T="$(ctype TILED INPUT)" -DOUT_T="$(ctype TILED OUTPUT)" -DIN_COUNT=TILED_INPUT0_COUNT \
    -DOUT_COUNT=TILED_OUTPUT0_COUNT "$here/patch/main.cpp" "$work"/gen/*.o -o "$work/compare" -lm
"$work/compare"
echo "PASS"
