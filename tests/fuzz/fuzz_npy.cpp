// libFuzzer target: the .npy reader that --calibrate and calibrate --data use.
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>

#include "compiler/support/checked.h"
#include "compiler/support/error.h"
#include "compiler/support/npy.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  try {
    const mote::support::NpyArray a =
        mote::support::parse_npy(std::string(reinterpret_cast<const char*>(data), size), "fuzz.npy");
    const auto n = mote::support::checked_product(a.shape);
    if (!n || static_cast<uint64_t>(*n) != a.values.size()) std::abort();  // values match the shape
  } catch (const mote::support::Refusal&) {
    return 0;
  } catch (const std::exception& e) {
    std::fprintf(stderr, "fuzz_npy: not a refusal: %s\n", e.what());
    std::abort();
  }
  return 0;
}
