#!/usr/bin/env bash
# Two builds of one model that must compute the same thing (pass patch's tiles
# against whole tensors, a kernel writing over its input against a separate
# output): compiles both, runs them on the host under ASan and UBSan on the same
# inputs and requires identical outputs, element for element (int8 and float:
# each element is computed by the same arithmetic), and that B's arena is smaller
# than A's (and, with MAX_ARENA set, at most that).
# Usage: compare_builds.sh MOTE_BINARY MODEL "A OPTIONS" "B OPTIONS" [options for both...]
set -euo pipefail
mote=$1 model=$2
read -ra a_opts <<< "$3"
read -ra b_opts <<< "$4"
shift 4
here=$(cd "$(dirname "$0")" && pwd)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
fail() { echo "FAIL: $*"; exit 1; }

"$mote" compile "$model" "$@" "${a_opts[@]}" --name a_build -o "$work/gen" > "$work/a.txt"
"$mote" compile "$model" "$@" "${b_opts[@]}" --name b_build -o "$work/gen" > "$work/b.txt"
grep "^  patch:" "$work/b.txt" || true
arena() { sed -n "s/^#define $1_ARENA_BYTES \([0-9]*\)$/\1/p" "$work/gen/$2.h"; }
a=$(arena A_BUILD a_build) b=$(arena B_BUILD b_build)
[ "$b" -lt "$a" ] || fail "B's arena ($b bytes, ${b_opts[*]}) is not below A's ($a bytes, ${a_opts[*]})"
echo "ok   arena $a -> $b bytes"
if [ -n "${MAX_ARENA:-}" ]; then
  [ "$b" -le "$MAX_ARENA" ] || fail "B's arena ($b bytes) is above $MAX_ARENA"
  echo "ok   B's arena is at most $MAX_ARENA bytes"
fi

ctype() {  # the C type of the model's first input or output: int8 when the header gives it a scale
  if grep -q "^#define B_BUILD_$1_SCALE" "$work/gen/b_build.h"; then echo int8_t; else echo float; fi
}
flags=(-std=c++17 -O1 -g -Wall -Wextra -Werror -fsanitize=address,undefined -fno-sanitize-recover=all -I"$work/gen")
for f in "$work"/gen/*.cpp; do g++ "${flags[@]}" -c "$f" -o "${f%.cpp}.o"; done
g++ "${flags[@]}" -DA_H='"a_build.h"' -DB_H='"b_build.h"' -DA_RUN=a_build_run -DB_RUN=b_build_run \
    -DIN_T="$(ctype INPUT0)" -DOUT_T="$(ctype OUTPUT0)" -DIN_COUNT=B_BUILD_INPUT0_COUNT \
    -DOUT_COUNT=B_BUILD_OUTPUT0_COUNT "$here/compare_builds/main.cpp" "$work"/gen/*.o -o "$work/compare" -lm
"$work/compare"
echo "PASS"
