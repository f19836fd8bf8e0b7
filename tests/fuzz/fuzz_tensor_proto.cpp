// libFuzzer target: a serialized TensorProto (an initializer, a Constant's value, a
// backend-test input_N.pb) through the reader that turns it into a constant tensor.
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>

#include <onnx/onnx_pb.h>

#include "compiler/support/error.h"
#include "compiler/support/files.h"
#include "frontend/tensor_proto.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static mote::support::TempDir* dir = new mote::support::TempDir("fuzz-tensor");
  onnx::TensorProto p;
  if (!p.ParseFromArray(data, static_cast<int>(size))) return 0;
  try {
    const mote::ir::Tensor t = mote::frontend::tensor_from_proto(p, dir->path());
    if (t.data && static_cast<int64_t>(t.data->size()) != t.bytes()) std::abort();  // the reader's own promise
  } catch (const mote::support::Refusal&) {
    return 0;
  } catch (const std::exception& e) {
    std::fprintf(stderr, "fuzz_tensor_proto: not a refusal: %s\n", e.what());
    std::abort();
  }
  return 0;
}
