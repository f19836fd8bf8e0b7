// libFuzzer target: a model's bytes through the whole compile, as `mote compile`
// runs it: ONNX's checker, converter and shape inference (in process here, so a
// crash in them is found and a check added before them), lowering, every pass,
// codegen. Each model is compiled float for the host and, when it has float
// tensors, int8 with made-up calibration ranges for a Cortex-M4, M55 or M0 (the
// input's length picks one, so each core's kernel variants are selected in turn). A refusal is the
// expected answer to a bad model; anything else that escapes (an internal error, a
// std::exception, a sanitizer report) is a bug and aborts.
#include <unistd.h>

#include <cstdint>
#include <cstdlib>
#include <cstdio>
#include <string>

#include "compiler/driver/compile.h"
#include "compiler/support/error.h"
#include "compiler/support/files.h"
#include "compiler/target/target.h"

namespace {

const std::string& model_path() {
  // One folder for the whole run: external data resolves inside it (and finds nothing).
  static mote::support::TempDir* dir = new mote::support::TempDir("fuzz-compile");
  static const std::string path = dir->path() + "/model.onnx";
  return path;
}

// Ranges that differ between tensors, so scales and zero points take varied values.
mote::quant::Range made_up_range(const std::string& name) {
  const size_t h = std::hash<std::string>()(name);
  return mote::quant::Range{-static_cast<float>(h % 7) * 0.5f, 0.25f + static_cast<float>((h >> 8) % 9)};
}

void compile_both(mote::ir::Graph g, size_t size) {
  mote::driver::CompileOptions o;
  o.model_path = model_path();
  o.symbol = "net";
  o.isolate_onnx = false;
  mote::ir::Graph copy = g;
  mote::driver::compile_graph(std::move(copy), o);

  mote::passes::QuantizeOptions q;
  for (const mote::ir::Tensor& t : g.tensors)
    if (t.dtype == mote::ir::DType::kF32) q.ranges[t.name] = made_up_range(t.name);
  if (q.ranges.empty()) return;
  o.quantize = q;
  o.io_int8 = true;
  static const char* const cores[] = {"cortex-m4", "cortex-m55", "cortex-m0"};
  o.target = mote::target::find_target(cores[size % 3]);
  try {
    mote::driver::compile_graph(std::move(g), o);
  } catch (const mote::support::Refusal&) {
    // --io int8 refuses a model whose first or last layer stays float: expected.
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string& path = model_path();
  mote::support::write_file(path, std::string(reinterpret_cast<const char*>(data), size));
  try {
    compile_both(mote::driver::load_graph(path, {}, {}, /*isolate_onnx=*/false), size);
  } catch (const mote::support::Refusal&) {
    return 0;
  } catch (const std::exception& e) {
    std::fprintf(stderr, "fuzz_compile: not a refusal: %s\n", e.what());
    std::abort();
  }
  return 0;
}
