#!/usr/bin/env bash
# `mote bench` twice on the same model must report the same, non-zero instruction count.
# Usage: bench_deterministic.sh MOTE_BINARY MODEL_DIR TARGET
set -euo pipefail
a=$("$1" bench "$2" --target "$3" --data "$2" --json)
b=$("$1" bench "$2" --target "$3" --data "$2" --json)
ia=$(sed -n 's/.*"instructions": \([0-9]*\),.*/\1/p' <<< "$a")
ib=$(sed -n 's/.*"instructions": \([0-9]*\),.*/\1/p' <<< "$b")
echo "$a"
[ -n "$ia" ] && [ "$ia" -gt 0 ] || { echo "FAIL: no instruction count"; exit 1; }
[ "$ia" = "$ib" ] || { echo "FAIL: $ia then $ib instructions"; exit 1; }
echo "PASS: $ia instructions both times"
