#include "passes/pass_manager.h"

#include <algorithm>
#include <functional>

#include "compiler/ir/printer.h"
#include "compiler/verifier/verifier.h"
#include "passes/dead_code.h"
#include "passes/eliminate_identity.h"
#include "passes/expose_intermediates.h"
#include "passes/fold_batch_norm.h"
#include "passes/fold_qdq.h"
#include "passes/fuse_activation.h"
#include "passes/in_place.h"
#include "passes/int8_io.h"
#include "passes/qdq_signed.h"
#include "passes/qoperator_to_int8.h"
#include "passes/quantize_int8.h"
#include "passes/resolve.h"
#include "passes/select_kernels.h"

namespace mote::passes {

const std::vector<std::string>& pass_names() {
  static const std::vector<std::string> names = {
      "dce",           "resolve", "eliminate-identity", "dce-2",         "fold-batch-norm", "fuse-activation",
      "qdq-signed",    "fold-qdq", "qoperator-to-int8", "quantize-int8", "int8-io",         "select-kernels",
      "in-place",      "plan-memory"};
  return names;
}

MemoryReport run_pipeline(ir::Graph& g, const PipelineOptions& opts) {
  MemoryReport report;
  // In the order of pass_names(); a step that is null does not run in this build.
  const std::vector<std::function<void()>> steps = {
      // Dead nodes go first so unused optional outputs are not held against a node's rule.
      [&] { eliminate_dead_code(g); },
      [&] { resolve(g, opts.max_folded_bytes); },
      [&] { eliminate_identity(g); },
      [&] { eliminate_dead_code(g); },
      // Before fusion, so Gemm→BN→Relu becomes Gemm→Relu and fuses.
      [&] { fold_batch_norm(g); },
      [&] { fuse_activation(g); },
      [&] { qdq_signed(g); },
      // After fusion, so a QDQ model's Conv+Relu folds into one int8 layer with its clamp.
      [&] { fold_qdq(g); },
      [&] { qoperator_to_int8(g); },
      opts.quantize ? std::function<void()>([&] {
        if (opts.expose_before_quantize) expose_intermediates(g);
        quantize_int8(g, *opts.quantize);
      })
                    : std::function<void()>(),
      opts.io_int8 ? std::function<void()>([&] { int8_io(g); }) : std::function<void()>(),
      // Last before planning: the scratch each kernel needs is planned with the tensors.
      [&] { select_kernels(g, opts.target, opts.preference); },
      // Before planning, so an output over its input's bytes is one buffer to place.
      opts.in_place ? std::function<void()>([&] { run_in_place(g); }) : std::function<void()>(),
      [&] { report = plan_memory(g, opts.planner); },
  };
  verifier::verify_or_throw(g, "frontend");
  for (size_t i = 0; i < steps.size(); ++i) {
    if (!steps[i]) continue;
    steps[i]();
    const std::string& name = pass_names()[i];
    verifier::verify_or_throw(g, name);
    const auto& pa = opts.print_after;
    if (opts.dump && (std::find(pa.begin(), pa.end(), name) != pa.end() ||
                      std::find(pa.begin(), pa.end(), "all") != pa.end()))
      *opts.dump << "; IR after " << name << "\n" << ir::print(g);
  }
  return report;
}

}  // namespace mote::passes
