#include "compiler/driver/bench.h"

#include "compiler/driver/fit_compile.h"

#include <filesystem>

#include <fmt/format.h>

#include "compiler/driver/cortex_m_build.h"
#include "compiler/driver/energy.h"
#include "compiler/driver/footprint.h"
#include "compiler/driver/io_quant.h"
#include "compiler/driver/json_report.h"
#include "compiler/driver/layer_cost.h"
#include "compiler/driver/test_data.h"
#include "compiler/support/error.h"
#include "compiler/support/files.h"
#include "frontend/tensor_proto.h"

namespace mote::driver {

namespace fs = std::filesystem;

BenchRun run_bench(const BenchOptions& opts, const CompileResult& r) {
  const target::Target& t = opts.compile.target;
  const ir::Graph& g = r.graph;
  BenchRun run;
  support::TempDir tmp("bench");
  const CortexMBuild b = build_cortex_m(r, tmp.path(), t, opts.toolchain);
  if (!b.ok) {
    run.failure = fmt::format("bench: {}: the generated code does not build for {}:\n{}", g.name, t.name, b.log);
    return run;
  }
  // Inputs: the first data set if given, else zeros of the right size.
  std::vector<std::string> input_files;
  if (!opts.data_dir.empty()) input_files = find_data_sets(opts.data_dir).front().inputs;
  for (size_t i = 0; i < g.inputs.size(); ++i) {
    const ir::Tensor& in = g.tensor(g.inputs[i]);
    std::string bytes(static_cast<size_t>(in.bytes()), '\0');
    if (i < input_files.size()) {
      ir::Tensor d = frontend::read_tensor_file(input_files[i]);
      // Float data for an int8 C API (--io int8) is quantized as the header says.
      if (ops::is_s8_quantized(in) && d.dtype == ir::DType::kF32 && d.elements() == in.elements()) d = quantize_for(d, in);
      if (d.bytes() != in.bytes())
        throw support::Refusal(fmt::format("{}: {} bytes, the model's input '{}' needs {}", input_files[i], d.bytes(),
                                           in.name, in.bytes()));
      bytes.assign(d.data->begin(), d.data->end());
    }
    support::write_file((fs::path(tmp.path()) / fmt::format("in_{}.bin", i)).string(), bytes);
  }
  const QemuRun q = run_qemu(t, b.elf, tmp.path(), opts.timeout_seconds);
  if (!q.process.exited || q.process.exit_code != 0 || !q.measured) {
    run.failure = fmt::format("bench: {}: the generated code failed on {} ({})\n{}", g.name, t.name,
                              support::describe(q.process, opts.timeout_seconds), q.process.output);
    return run;
  }
  run.instructions = q.instructions;
  run.stack_bytes = q.stack_bytes;
  run.footprint.core = t.core.name;
  run.footprint.model = object_sizes(b.model_object);
  run.footprint.weights = object_sizes(b.weights_object);
  run.footprint.stack_estimate = static_cast<int64_t>(q.stack_bytes);
  run.image = object_sizes(b.elf);

  // Per layer: the same inputs through a build with the profiling hooks.
  if (opts.per_layer) {
    support::TempDir ptmp("bench-layers");
    const CortexMBuild pb = build_cortex_m(r, ptmp.path(), t, opts.toolchain, /*profile=*/true);
    if (!pb.ok) {
      run.failure = fmt::format("bench: {}: the profiled build failed for {}:\n{}", g.name, t.name, pb.log);
      return run;
    }
    for (size_t i = 0; i < g.inputs.size(); ++i) {
      const std::string in = fmt::format("in_{}.bin", i);
      fs::copy_file(fs::path(tmp.path()) / in, fs::path(ptmp.path()) / in);
    }
    const QemuRun pq = run_qemu(t, pb.elf, ptmp.path(), opts.timeout_seconds);
    if (!pq.process.exited || pq.process.exit_code != 0) {
      run.failure = fmt::format("bench: {}: the profiled build failed on {} ({})\n{}", g.name, t.name,
                                support::describe(pq.process, opts.timeout_seconds), pq.process.output);
      return run;
    }
    run.layers = layer_costs(g, pq.layer_instructions);
  }
  run.ok = true;
  return run;
}

namespace {

// The human form of the estimate; bench --json carries the same numbers.
void print_energy(const target::Target& t, const std::optional<EnergyEstimate>& e,
                  const std::optional<BatteryEstimate>& b) {
  if (!e) {
    fmt::print("  energy: no energy data for {} (docs/energy.md lists the parts that have it)\n", t.name);
    return;
  }
  const target::PartPower& p = *t.power;
  const target::Cpi& cpi = t.core.cpi;
  fmt::print("  estimate at {:g} MHz, {:g} uA/MHz run, {:g} uA sleep, {:g} V (datasheet figures, docs/energy.md):\n",
             static_cast<double>(p.max_clock_hz) / 1e6, p.run_ua_per_mhz, p.sleep_ua, p.supply_v);
  fmt::print("  time per inference:   {:.4f} ms ({:.4f} .. {:.4f}; {} CPI {:g}, {:g} .. {:g})\n", e->time_s * 1e3,
             e->time_low_s * 1e3, e->time_high_s * 1e3, t.core.name, cpi.typical, cpi.low, cpi.high);
  fmt::print("  energy per inference: {:.4f} uJ ({:.4f} .. {:.4f})\n", e->energy_j * 1e6, e->energy_low_j * 1e6,
             e->energy_high_j * 1e6);
  if (b)
    fmt::print("  battery life:         {:.1f} days ({:.1f} .. {:.1f}) at {:g} Hz from {:g} mAh, average {:.2f} uA\n",
               b->days, b->days_low, b->days_high, b->rate_hz, b->capacity_mah, b->average_a * 1e6);
}

}  // namespace

void require_bench_target(const target::Target& t) {
  if (t.host || !t.supported)
    throw support::Refusal(fmt::format("bench needs a Cortex-M target (e.g. --target cortex-m4), not '{}'{}", t.name,
                                       t.supported ? "" : ": " + t.why_unsupported));
}

int bench(const BenchOptions& opts) {
  const target::Target& t = opts.compile.target;
  require_bench_target(t);
  check_battery_args(t, opts.rate_hz, opts.battery_mah);  // before anything runs
  CompileOptions co = opts.compile;
  co.symbol = "model";
  // A part or board with a budget: the same check as compile's (and --patch auto
  // sized to it), before anything runs.
  std::string budget_json_field;
  const Budget budget = target_budget(t);
  const FittedCompile fc = compile_to_fit(co, budget, opts.toolchain, has_budget(budget));
  const CompileResult& r = fc.result;
  const ir::Graph& g = r.graph;
  if (fc.fit) {
    if (opts.json) budget_json_field = ", \"budget\": " + budget_json(*fc.fit, t.name);
    if (!fc.fit->fits) throw BudgetRefusal(*fc.fit, t.name);
  }
  const BenchRun run = run_bench(opts, r);
  if (!run.ok) {
    fmt::print("{}\n", run.failure);
    return support::kExitVerifyFailed;
  }
  const Footprint& fp = run.footprint;
  const SectionSizes& image = run.image;
  const std::vector<LayerCost>& layers = run.layers;
  const uint64_t instructions = run.instructions, stack_bytes = run.stack_bytes;
  const double macs_per_insn = instructions ? static_cast<double>(r.macs) / static_cast<double>(instructions) : 0;
  std::optional<EnergyEstimate> energy;
  std::optional<BatteryEstimate> battery;
  if (t.power) {
    energy = estimate_energy(instructions, t.core.cpi, *t.power);
    if (opts.rate_hz) battery = estimate_battery(*energy, *t.power, *opts.rate_hz, *opts.battery_mah);
  }

  if (opts.json) {
    std::string layers_json;
    if (opts.per_layer) {
      std::vector<std::string> items;
      for (const LayerCost& l : layers)
        items.push_back(fmt::format(
            "{{\"index\": {}, \"name\": {}, \"op\": \"{}\", \"variant\": \"{}\", \"instructions\": {}, "
            "\"macs\": {}, \"macs_per_instruction\": {:.4f}}}",
            l.index, json_quote(l.name), l.op, l.variant, l.instructions, l.macs, l.macs_per_instruction()));
      layers_json = fmt::format(", \"layers\": [{}]", fmt::join(items, ", "));
    }
    fmt::print(
        "{{\"command\": \"bench\", \"model\": {}, \"target\": \"{}\", \"core\": \"{}\", \"toolchain\": \"{}\", \"qemu_machine\": \"{}\", "
        "\"instructions\": {}, \"macs\": {}, \"macs_per_instruction\": {:.4f}, "
        "\"flash_bytes\": {}, \"flash_code_bytes\": {}, \"flash_weights_bytes\": {}, "
        "\"ram_bytes\": {}, \"ram_arena_bytes\": {}, \"ram_other_static_bytes\": {}, \"peak_stack_bytes\": {}, "
        "\"image_text_bytes\": {}, \"image_data_bytes\": {}, \"image_bss_bytes\": {}{}{}{}}}\n",
        json_quote(g.name), t.name, t.core.name, opts.toolchain, t.core.qemu_machine, instructions, r.macs, macs_per_insn,
        fp.flash(), fp.model.flash(), fp.weights.flash(), fp.ram(), g.arena_bytes, fp.static_ram() - g.arena_bytes,
        stack_bytes, image.code + image.rodata, image.data, image.bss, budget_json_field,
        energy ? energy_json_fields(t, *energy, battery ? &*battery : nullptr) : std::string(), layers_json);
    return support::kExitOk;
  }
  fmt::print("bench: {} on {} ({}, {}, QEMU {})\n", g.name, t.name, t.core.name, opts.toolchain, t.core.qemu_machine);
  fmt::print("  instructions per inference: {} (QEMU -icount count of guest instructions, not cycles)\n",
             instructions);
  fmt::print("  MACs per inference:         {} ({:.3f} MACs per instruction)\n", r.macs, macs_per_insn);
  fmt::print("  flash: {} bytes = code {} + weights {}\n", fp.flash(), fp.model.flash(), fp.weights.flash());
  fmt::print("  RAM:   {} bytes = arena {} + other static {} + peak stack {}\n", fp.ram(), g.arena_bytes,
             fp.static_ram() - g.arena_bytes, stack_bytes);
  fmt::print("  whole test image (with harness and newlib): text {} data {} bss {}\n", image.code + image.rodata,
             image.data, image.bss);
  print_energy(t, energy, battery);
  if (opts.per_layer) print_layer_costs(layers, instructions, t.core.systick_hz);
  return support::kExitOk;
}

}  // namespace mote::driver
