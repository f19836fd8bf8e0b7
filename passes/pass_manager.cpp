#include "passes/pass_manager.h"

#include <algorithm>
#include <functional>
#include <optional>

#include "compiler/ir/printer.h"
#include "compiler/verifier/verifier.h"
#include "passes/dead_code.h"
#include "passes/eliminate_identity.h"
#include "passes/expose_intermediates.h"
#include "passes/fold_batch_norm.h"
#include "passes/fold_pad.h"
#include "passes/fold_qdq.h"
#include "passes/fuse_activation.h"
#include "passes/in_place.h"
#include "passes/int8_io.h"
#include "passes/fuse_hardswish.h"
#include "passes/matmul_to_gemm.h"
#include "passes/patch.h"
#include "passes/qdq_signed.h"
#include "passes/qoperator_to_int8.h"
#include "passes/quantize_int8.h"
#include "passes/resolve.h"
#include "passes/schedule.h"
#include "passes/select_kernels.h"
#include "compiler/support/error.h"

namespace mote::passes {

namespace {

struct PassInfo {
  const char* name;
  // An optimisation the output is right without: `--skip-pass NAME` leaves it out,
  // to compare what it saves or to work around it.
  bool optional;
};

const std::vector<PassInfo>& pass_table() {
  static const std::vector<PassInfo> table = {
      {"dce", false},          {"resolve", false},         {"eliminate-identity", false}, {"dce-2", false},
      {"matmul-to-gemm", true}, {"fold-batch-norm", true}, {"fold-pad", true},   {"fuse-hardswish", true},
      {"fuse-activation", true},
      {"qdq-signed", false},
      {"fold-qdq", false},     {"qoperator-to-int8", false}, {"quantize-int8", false},    {"int8-io", false},
      {"select-kernels", false}, {"patch", false},         {"schedule", true},       {"in-place", true},            {"plan-memory", false}};
  return table;
}

std::vector<std::string> names_where(bool optional_only) {
  std::vector<std::string> names;
  for (const PassInfo& p : pass_table())
    if (!optional_only || p.optional) names.push_back(p.name);
  return names;
}

}  // namespace

const std::vector<std::string>& pass_names() {
  static const std::vector<std::string> names = names_where(false);
  return names;
}

const std::vector<std::string>& optional_pass_names() {
  static const std::vector<std::string> names = names_where(true);
  return names;
}

MemoryReport run_pipeline(ir::Graph& g, const PipelineOptions& opts) {
  MemoryReport report;
  std::optional<ScheduleReport> schedule_report;
  PatchReport patch_report;
  auto skipped = [&](const std::string& name) {
    return std::find(opts.skip.begin(), opts.skip.end(), name) != opts.skip.end();
  };
  // In the order of pass_names(); a step that is null does not run in this build.
  const std::vector<std::function<void()>> steps = {
      // Dead nodes go first so unused optional outputs are not held against a node's rule.
      [&] { eliminate_dead_code(g); },
      [&] { resolve(g, opts.max_folded_bytes); },
      [&] { eliminate_identity(g); },
      [&] { eliminate_dead_code(g); },
      // Before fold-batch-norm and fusion, which take Gemms, and quantize-int8,
      // whose int8 layers are Gemms on 2-D inputs.
      [&] { matmul_to_gemm(g); },
      // Before fusion, so Gemm→BN→Relu becomes Gemm→Relu and fuses.
      [&] { fold_batch_norm(g); },
      // Once resolve has made every Pad's pads and value constants, and before
      // quantize-int8, so int8 builds get it too.
      [&] { fold_pad(g); },
      // Before quantize-int8, so the pair becomes one int8 table.
      [&] { fuse_hardswish(g); },
      [&] { fuse_activation(g); },
      [&] { qdq_signed(g); },
      // After fusion, so a QDQ model's Conv+Relu folds into one int8 layer with its clamp.
      [&] { fold_qdq(g); },
      [&] { qoperator_to_int8(g); },
      opts.quantize ? std::function<void()>([&] {
        if (opts.expose_before_quantize) expose_intermediates(g);
        const QuantizeReport q = quantize_int8(g, *opts.quantize);
        if (opts.quantize_report) *opts.quantize_report = q;
      })
                    : std::function<void()>(),
      opts.io_int8 ? std::function<void()>([&] { int8_io(g); }) : std::function<void()>(),
      // Last before planning: the scratch each kernel needs is planned with the tensors.
      [&] { select_kernels(g, opts.target, opts.preference); },
      // After kernel selection, so each split is judged with its kernels' scratch;
      // before schedule, which orders the tiles' nodes with the rest.
      opts.patch.mode != PatchOptions::Mode::kOff ? std::function<void()>([&] {
        PatchOptions po = opts.patch;
        po.model_in_place = !skipped("in-place");
        po.skip_schedule = skipped("schedule");
        patch_report = patch(g, po, opts.target, opts.preference);
      })
                                                   : std::function<void()>(),
      // After kernel selection (scratch counts), before in-place: which input an
      // output may be written over depends on the order.
      [&] {
        ScheduleOptions so;
        so.model_in_place = !skipped("in-place");
        schedule_report = schedule(g, so);
      },
      // Before planning, so an output over its input's bytes is one buffer to place.
      [&] { run_in_place(g); },
      [&] { report = plan_memory(g, opts.planner); },
  };
  if (steps.size() != pass_table().size()) throw support::InternalError("the pass table and the pipeline differ");
  verifier::verify_or_throw(g, "frontend");
  for (size_t i = 0; i < steps.size(); ++i) {
    if (!steps[i] || skipped(pass_table()[i].name)) continue;
    steps[i]();
    const std::string& name = pass_names()[i];
    verifier::verify_or_throw(g, name);
    const auto& pa = opts.print_after;
    if (opts.dump && (std::find(pa.begin(), pa.end(), name) != pa.end() ||
                      std::find(pa.begin(), pa.end(), "all") != pa.end()))
      *opts.dump << "; IR after " << name << "\n" << ir::print(g);
  }
  // The ideal of the order the model came in, next to that of the order chosen.
  report.model_order_lower_bound_bytes =
      schedule_report && schedule_report->reordered ? schedule_report->model_order_peak : report.lower_bound_bytes;
  report.patch = patch_report;
  return report;
}

}  // namespace mote::passes
