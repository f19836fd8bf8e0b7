#include "compiler/driver/fit_compile.h"

#include <algorithm>

namespace mote::driver {

FittedCompile compile_to_fit(const CompileOptions& o, const Budget& b, const std::string& toolchain, bool measure) {
  FittedCompile out;
  const bool sized = o.patch.mode == passes::PatchOptions::Mode::kAuto && b.ram > 0;
  if (!measure && !sized) {
    out.result = compile(o);
    return out;
  }
  if (!sized) {
    out.result = compile(o);
    out.fit = check_fits(out.result, o.target, b, toolchain, o.model_path);
    return out;
  }
  const std::string symbol = o.symbol.empty() ? default_symbol(o.model_path) : o.symbol;
  const ir::Graph g = load_graph(o.model_path, o.input_shapes, o.bound_input_files, o.isolate_onnx);
  CompileOptions whole = o;
  whole.symbol = symbol;
  whole.patch.mode = passes::PatchOptions::Mode::kOff;
  out.result = compile_graph(g, whole);
  out.result.memory.patch.peak_before = out.result.memory.patch.peak_after = out.result.memory.lower_bound_bytes;
  out.fit = check_fits(out.result, o.target, b, toolchain, o.model_path);
  const int64_t short_ram = out.fit->footprint.ram() + b.reserve_ram - b.ram;
  if (out.fit->fits || short_ram <= 0) return out;  // fits, or only flash is short: patching cannot help
  CompileOptions patched = o;
  patched.symbol = symbol;
  patched.patch.max_peak = std::max<int64_t>(1, out.result.memory.arena_bytes - short_ram);
  out.result = compile_graph(g, patched);
  out.fit = check_fits(out.result, o.target, b, toolchain, o.model_path);
  return out;
}

}  // namespace mote::driver
