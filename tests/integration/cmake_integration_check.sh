#!/usr/bin/env bash
# cmake/Mote.cmake as a firmware engineer uses it (docs/integration.md):
#  1. examples/cmake-cortex-m4 configures and builds with only -DMOTE_EXECUTABLE, sets its
#     own arm-none-eabi toolchain, and runs under QEMU, agreeing with onnxruntime's classes;
#     without the option it finds the checkout's build/mote;
#  2. mote_add_model re-runs the compile when the model, a calibration sample or the
#     options change, and not otherwise (Ninja and Unix Makefiles); with RANGES, when
#     the ranges file changes;
#  3. the same for cmake/mote.mk in a plain Makefile;
#  4. after `cmake --install` of Mote's build, find_package(Mote) gives the same
#     mote_add_model, running the installed compiler.
# Usage: cmake_integration_check.sh MOTE_BINARY REPO_ROOT
set -euo pipefail
mote=$1 root=$2
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
fail() { echo "FAIL: $*"; exit 1; }

cmake -S "$root/examples/cmake-cortex-m4" -B "$work/example" -G Ninja -DMOTE_EXECUTABLE="$mote" > /dev/null
cmake --build "$work/example" > "$work/example.log" 2>&1 || { cat "$work/example.log"; fail "the example does not build"; }
grep -q "fits stm32f446re" "$work/example.log" || fail "the part's budget was not checked"
out=$(timeout 60 qemu-system-arm -M mps2-an386 -nographic -monitor none -serial none \
      -semihosting-config enable=on,target=native -kernel "$work/example/firmware.elf") || fail "firmware exit $?: $out"
echo "$out"
grep -q "^kws: keyword class 2 (onnxruntime: 2)" <<< "$out" || fail "kws line"
grep -q "^digits: digit 2 (onnxruntime: 2)" <<< "$out" || fail "digits line"
echo "ok   the example builds and runs on QEMU mps2-an386"

cmake -S "$root/examples/cmake-cortex-m4" -B "$work/default" -G Ninja > /dev/null
default=$(sed -n 's/^MOTE_EXECUTABLE:FILEPATH=//p' "$work/default/CMakeCache.txt")
[ "$(realpath -m "$default")" = "$(realpath -m "$root/build/mote")" ] || fail "default MOTE_EXECUTABLE is $default"
echo "ok   without -DMOTE_EXECUTABLE it uses $root/build/mote"

# Re-runs: a host project (no cross compiler needed) on a copy of digits_mlp.
mkdir -p "$work/proj/cal"
cp "$root/models/digits_mlp/model.onnx" "$work/proj/model.onnx"
cp -r "$root/models/digits_mlp/calibration/." "$work/proj/cal/"  # test_data_set_* folders
cat > "$work/proj/CMakeLists.txt" <<CML
cmake_minimum_required(VERSION 3.20)
project(rerun CXX)
include("$root/cmake/Mote.cmake")
set(OPTS "" CACHE STRING "")
mote_add_model(digits MODEL model.onnx QUANTIZE int8 CALIBRATE cal OPTIONS \${OPTS})
add_executable(app main.cpp)
target_link_libraries(app PRIVATE digits)
CML
cat > "$work/proj/main.cpp" <<'CPP'
#include "digits.h"
int main() {
  static float in[DIGITS_INPUT0_COUNT], out[DIGITS_OUTPUT0_COUNT];
  return digits_run(in, out);
}
CPP
for gen in Ninja "Unix Makefiles"; do
  b="$work/proj-build-${gen// /}"
  cmake -S "$work/proj" -B "$b" -G "$gen" -DMOTE_EXECUTABLE="$mote" > /dev/null
  compiles() { cmake --build "$b" 2>&1 | grep -c "mote: compiling" || true; }
  [ "$(compiles)" = 1 ] || fail "$gen: first build did not compile the model"
  "$b/app" || fail "$gen: the app built from the model failed"
  [ "$(compiles)" = 0 ] || fail "$gen: a build with nothing changed re-ran mote"
  sleep 1; touch "$work/proj/model.onnx"
  [ "$(compiles)" = 1 ] || fail "$gen: a changed model did not re-run mote"
  sleep 1; cp -r "$work/proj/cal/test_data_set_0" "$work/proj/cal/test_data_set_added"
  [ "$(compiles)" = 1 ] || fail "$gen: a new calibration sample did not re-run mote"
  cmake -S "$work/proj" -B "$b" -DOPTS="--optimize;size" > /dev/null
  [ "$(compiles)" = 1 ] || fail "$gen: changed OPTIONS did not re-run mote"
  [ "$(compiles)" = 0 ] || fail "$gen: re-ran mote with nothing changed after the options change"
  rm -r "$work/proj/cal/test_data_set_added"
  cmake -S "$work/proj" -B "$b" -DOPTS="" > /dev/null
  echo "ok   $gen: mote re-runs on a changed model, calibration sample or option, and only then"
done
# RANGES: the file mote calibrate --json wrote, a dependency like the model.
mkdir -p "$work/rproj"
cp "$work/proj/main.cpp" "$work/proj/model.onnx" "$work/rproj/"
"$mote" calibrate "$work/rproj/model.onnx" --data "$work/proj/cal" --json > "$work/rproj/ranges.json" 2> /dev/null
cat > "$work/rproj/CMakeLists.txt" <<CML
cmake_minimum_required(VERSION 3.20)
project(ranges CXX)
include("$root/cmake/Mote.cmake")
mote_add_model(digits MODEL model.onnx QUANTIZE int8 RANGES ranges.json)
add_executable(app main.cpp)
target_link_libraries(app PRIVATE digits)
CML
b="$work/rproj-build"
cmake -S "$work/rproj" -B "$b" -G Ninja -DMOTE_EXECUTABLE="$mote" > /dev/null
compiles() { cmake --build "$b" 2>&1 | grep -c "mote: compiling" || true; }
[ "$(compiles)" = 1 ] || fail "RANGES: first build did not compile the model"
"$b/app" || fail "RANGES: the app built from the model failed"
[ "$(compiles)" = 0 ] || fail "RANGES: a build with nothing changed re-ran mote"
sleep 1; touch "$work/rproj/ranges.json"
[ "$(compiles)" = 1 ] || fail "RANGES: a changed ranges file did not re-run mote"
echo "ok   RANGES: the ranges file is the compile's input, and re-runs it"

# mote.mk: a plain Makefile around the same project.
cat > "$work/proj/Makefile" <<MK
MOTE := $mote
OPTS ?=
include $root/cmake/mote.mk
\$(eval \$(call mote_model,digits,model.onnx,--quantize int8 --calibrate cal \$(OPTS)))
app: main.o \$(digits_OBJECTS)
	\$(CXX) \$^ -o \$@ -lm
main.o: CPPFLAGS += -I\$(digits_INCLUDE)
main.o: main.cpp \$(digits_HEADER)
	\$(CXX) -std=c++17 \$(CPPFLAGS) -c \$< -o \$@
MK
compiles() { make -C "$work/proj" app "$@" 2>&1 | grep -c "^mote: compiling" || true; }
[ "$(compiles)" = 1 ] || fail "mote.mk: first build did not compile the model"
"$work/proj/app" || fail "mote.mk: the app failed"
[ "$(compiles)" = 0 ] || fail "mote.mk: a build with nothing changed re-ran mote"
sleep 1; touch "$work/proj/model.onnx"
[ "$(compiles)" = 1 ] || fail "mote.mk: a changed model did not re-run mote"
[ "$(compiles OPTS=--optimize\ size)" = 1 ] || fail "mote.mk: a changed option did not re-run mote"
[ "$(compiles OPTS=--optimize\ size)" = 0 ] || fail "mote.mk: re-ran mote with the same options"
sleep 1; cp -r "$work/proj/cal/test_data_set_0" "$work/proj/cal/test_data_set_added"
[ "$(compiles OPTS=--optimize\ size)" = 1 ] || fail "mote.mk: a new calibration sample did not re-run mote"
echo "ok   mote.mk: mote re-runs on a changed model, option or calibration sample, and only then"

# find_package(Mote) from an install of the build that made MOTE_BINARY.
cmake --install "$(dirname "$mote")" --prefix "$work/prefix" > /dev/null || fail "cmake --install of Mote's build"
[ -x "$work/prefix/bin/mote" ] || fail "the install has no bin/mote"
mkdir -p "$work/pkg"
cp "$work/proj/main.cpp" "$work/pkg/"
cat > "$work/pkg/CMakeLists.txt" <<CML
cmake_minimum_required(VERSION 3.20)
project(pkg CXX)
find_package(Mote 0.1 REQUIRED)
mote_add_model(digits MODEL "$root/models/digits_mlp/model.onnx" QUANTIZE int8 CALIBRATE "$root/models/digits_mlp/calibration")
add_executable(app main.cpp)
target_link_libraries(app PRIVATE digits)
CML
cmake -S "$work/pkg" -B "$work/pkg-build" -G Ninja -DCMAKE_PREFIX_PATH="$work/prefix" > /dev/null ||
  fail "find_package(Mote) did not configure"
found=$(sed -n 's/^MOTE_EXECUTABLE:FILEPATH=//p' "$work/pkg-build/CMakeCache.txt")
[ "$(realpath -m "$found")" = "$(realpath -m "$work/prefix/bin/mote")" ] || fail "find_package: MOTE_EXECUTABLE is $found"
cmake --build "$work/pkg-build" > "$work/pkg.log" 2>&1 || { cat "$work/pkg.log"; fail "find_package: the app does not build"; }
grep -q "mote: compiling" "$work/pkg.log" || fail "find_package: the model was not compiled"
"$work/pkg-build/app" || fail "find_package: the app built from the model failed"
echo "ok   find_package(Mote) after cmake --install runs the installed mote"
echo "PASS"
