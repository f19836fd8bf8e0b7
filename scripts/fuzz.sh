#!/usr/bin/env bash
# Builds Mote's libFuzzer targets (clang-14, AddressSanitizer, UBSan) into
# build-fuzz/ and runs each for SECONDS on its seed corpus. Exits non-zero on any
# crash, sanitizer report, leak or timeout; the input that caused it is left in
# build-fuzz/artifacts/ (add it to tests/fuzz/regressions/ once fixed).
#
#   bash scripts/fuzz.sh SECONDS [TARGET...]     e.g. bash scripts/fuzz.sh 60 fuzz_compile
#
# Environment:
#   FUZZ_BUILD        build folder (default build-fuzz)
#   FUZZ_KEEP_CORPUS=1  keep the corpus grown by earlier runs
#   FUZZ_FLAGS        more libFuzzer flags; "-fork=2 -ignore_timeouts=0 -ignore_ooms=0"
#                     runs two processes (fork mode ignores timeouts and running out
#                     of memory unless told not to)
#   FUZZ_SMALL_SEEDS=1  leave out seeds over 64 KiB (the larger shipped models): the
#                     whole compile of a small model runs about ten times faster, so
#                     a long campaign covers more of the compiler per hour
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)
seconds=${1:?usage: scripts/fuzz.sh SECONDS [TARGET...]}
shift
targets=("$@")
[ ${#targets[@]} -gt 0 ] || targets=(fuzz_compile fuzz_tensor_proto fuzz_npy fuzz_sizes)
build=${FUZZ_BUILD:-build-fuzz}

if [ ! -f "$build/build.ninja" ]; then
  cmake -S . -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo -DMOTE_FUZZ=ON -DBUILD_TESTING=OFF \
    -DCMAKE_C_COMPILER=clang-14 -DCMAKE_CXX_COMPILER=clang++-14 > "$build.log" 2>&1 || { cat "$build.log"; exit 1; }
fi
# `mote` too: the build shows that all of Mote's own code compiles warning-free with clang.
cmake --build "$build" --target mote_fuzzers mote > "$build.log" 2>&1 || { tail -50 "$build.log"; exit 1; }
rm -f "$build.log"

# Seeds: the shipped models, a fixed sample of the ONNX backend node tests, their
# data files, and every regression input.
seeds() {
  local target=$1 dir=$2
  mkdir -p "$dir"
  case "$target" in
    fuzz_compile)
      for m in models/*/model.onnx; do cp "$m" "$dir/shipped_$(basename "$(dirname "$m")").onnx"; done
      local node=/usr/share/libonnx-testdata/data/node
      if [ -d "$node" ]; then
        # Every 8th node test, in name order: the same sample on every machine.
        ls "$node" | sort | awk 'NR % 8 == 1' | while read -r t; do
          [ -f "$node/$t/model.onnx" ] && cp "$node/$t/model.onnx" "$dir/node_$t.onnx"
        done
      fi
      cp tests/fuzz/regressions/compile/* "$dir/" ;;
    fuzz_tensor_proto)
      for f in models/*/test_data_set_0/*.pb; do cp "$f" "$dir/$(echo "$f" | tr / _)"; done
      cp tests/fuzz/regressions/tensor_proto/* "$dir/" 2>/dev/null || true ;;
    fuzz_npy)
      for f in models/*/test_split/*.npy models/*/calibration/*.npy; do
        [ -f "$f" ] && head -c 65536 "$f" > "$dir/$(echo "$f" | tr / _)"
      done
      cp tests/fuzz/regressions/npy/* "$dir/" 2>/dev/null || true ;;
    fuzz_sizes)
      cp tests/fuzz/seeds/sizes/* "$dir/" ;;
  esac
}

# The compile target writes each input to a file (ONNX's checker reads models from
# disk): in memory it runs about three times faster.
if [ -z "${TMPDIR:-}" ] && [ -w /dev/shm ]; then export TMPDIR=/dev/shm; fi

status=0
mkdir -p "$build/artifacts"
for t in "${targets[@]}"; do
  corpus="$build/corpus/$t"
  [ "${FUZZ_KEEP_CORPUS:-0}" = 1 ] || rm -rf "$corpus"
  seeds "$t" "$corpus"
  [ "${FUZZ_SMALL_SEEDS:-0}" = 1 ] && find "$corpus" -type f -size +64k -delete
  log="$build/$t.log"
  echo "fuzz: $t for ${seconds} s on $(ls "$corpus" | wc -l) seeds"
  # -timeout: one input may take 20 s at most (a hang is a bug); -rss_limit_mb: a
  # model that makes Mote swell past 4 GiB is a bug too. detect_leaks: LeakSanitizer.
  set +e
  ASAN_OPTIONS=detect_leaks=1:allocator_may_return_null=1 UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
    "$build/tests/fuzz/$t" -max_total_time="$seconds" -timeout=20 -rss_limit_mb=4096 -max_len=1048576 \
      ${FUZZ_FLAGS:-} -artifact_prefix="$build/artifacts/$t-" -print_final_stats=1 \
      "$corpus" > "$log" 2>&1
  rc=$?
  set -e
  # (grep finds nothing in fork mode: under pipefail that must not end the script.)
  runs=$( (grep -h "stat::number_of_executed_units" "$log" || true) | awk '{s += $2} END {print s + 0}')
  # With FUZZ_FLAGS=-fork=N (N processes) the count is on libFuzzer's last "#N:" line.
  if [ "$runs" = 0 ]; then runs=$(grep -E -o "^#[0-9]+:" "$log" | tail -1 | tr -d '#:'); runs=${runs:-0}; fi
  # Fork mode tallies what its children hit: any oom, timeout or crash fails the run.
  forked_bad=$(grep -E -o "oom/timeout/crash: [0-9]+/[0-9]+/[0-9]+" "$log" | tail -1 | grep -v -c ": 0/0/0$" || true)
  if [ $rc -ne 0 ] || [ "$forked_bad" != 0 ] ||
     grep -q -E "ERROR: (AddressSanitizer|LeakSanitizer|libFuzzer)|runtime error:|SUMMARY: " "$log"; then
    echo "fuzz: $t FAILED after $runs executions (exit $rc); see $log and $build/artifacts/"
    grep -m5 -E "ERROR|runtime error|SUMMARY|not a refusal" "$log" || tail -20 "$log"
    status=1
  else
    echo "fuzz: $t ok, $runs executions, no crash, leak or timeout"
  fi
done
exit $status
