#include "compiler/driver/json_report.h"

#include <fmt/format.h>
#include <llvm/Support/JSON.h>

#include "compiler/driver/json_text.h"
#include "compiler/ops/registry.h"
#include "compiler/target/target.h"
#include "frontend/onnx_loader.h"

namespace mote::driver {

namespace json = llvm::json;

namespace {

json::Value text(const std::string& s) {
  return json::isUTF8(s) ? json::Value(s) : json::Value(json::fixUTF8(s));
}

json::Value footprint_value(const FitCheck& fit) {
  const Footprint& fp = fit.footprint;
  json::Array regions;
  for (const RegionUse& r : fp.regions)
    regions.push_back(json::Object{{"name", r.name}, {"bytes", r.bytes}, {"available_bytes", r.available}});
  json::Object o{{"core", fp.core},
                 {"flash_bytes", fp.flash()},
                 {"flash_code_bytes", fp.model.flash()},
                 {"flash_weights_bytes", fp.weights.flash()},
                 {"ram_bytes", fp.ram()},
                 {"ram_static_bytes", fp.static_ram()},
                 {"stack_estimate_bytes", fp.stack_estimate},
                 {"ram_regions", std::move(regions)}};
  return json::Value(std::move(o));
}

json::Value budget_value(const FitCheck& c, const std::string& target_name) {
  auto available = [](int64_t v) { return v > 0 ? json::Value(v) : json::Value(nullptr); };
  return json::Object{{"target", text(target_name)},
                      {"fits", c.fits},
                      {"ram_needed_bytes", c.footprint.ram() + c.budget.reserve_ram},
                      {"ram_available_bytes", available(c.budget.ram)},
                      {"flash_needed_bytes", c.footprint.flash() + c.budget.reserve_flash},
                      {"flash_available_bytes", available(c.budget.flash)},
                      {"ram_reserved_bytes", c.budget.reserve_ram},
                      {"flash_reserved_bytes", c.budget.reserve_flash}};
}

// What pass patch did: null when it did not patch.
json::Value patch_value(const passes::PatchReport& p) {
  if (!p.patched) return json::Value(nullptr);
  json::Array layers;
  for (const std::string& l : p.layers) layers.push_back(text(l));
  return json::Object{{"rows", p.rows},
                      {"cols", p.cols},
                      {"layers", std::move(layers)},
                      {"lower_bound_unpatched_bytes", p.peak_before},
                      {"lower_bound_patched_bytes", p.peak_after},
                      {"macs_added", p.macs_added}};
}

// An int8 build's layers left in float, with why; null for a float build.
json::Value float_layers_value(const CompileResult& r) {
  if (!r.quantized) return json::Value(nullptr);
  json::Array list;
  for (const passes::FloatLayer& f : r.float_layers)
    list.push_back(json::Object{{"name", text(f.name)}, {"op", f.op}, {"reason", text(f.reason)},
                                {"flag", f.flag.empty() ? json::Value(nullptr) : text(f.flag)}});
  return json::Value(std::move(list));
}

}  // namespace

std::string budget_json(const FitCheck& c, const std::string& target_name) { return json_text(budget_value(c, target_name)); }

std::string json_quote(const std::string& s) { return json_text(text(s)); }

std::string compile_json(const CompileResult& r, const std::string& model_path, const std::vector<std::string>& files,
                         const FitCheck* fit, const std::string& target_name, const std::string& budget_target) {
  json::Array written;
  for (const std::string& f : files) written.push_back(text(f));
  json::Object o{{"command", "compile"},
                 {"model", text(model_path)},
                 {"symbol", r.symbol},
                 {"target", text(target_name)},
                 {"nodes", static_cast<int64_t>(r.graph.nodes.size())},
                 {"files", std::move(written)},
                 {"arena_bytes", r.memory.arena_bytes},
                 {"arena_unshared_bytes", r.memory.unshared_bytes},
                 {"arena_lower_bound_bytes", r.memory.lower_bound_bytes},
                 {"arena_lower_bound_model_order_bytes", r.memory.model_order_lower_bound_bytes},
                 {"planner", r.memory.strategy},
                 {"weights_bytes", r.weight_bytes},
                 {"macs", r.macs},
                 {"patch", patch_value(r.memory.patch)},
                 {"float_layers", float_layers_value(r)},
                 {"footprint", fit ? footprint_value(*fit) : json::Value(nullptr)}};
  if (fit && has_budget(fit->budget)) o["budget"] = budget_value(*fit, budget_target);
  return json_text(json::Value(std::move(o)));
}

std::string energy_json_fields(const target::Target& t, const EnergyEstimate& e, const BatteryEstimate* b) {
  const target::PartPower& p = *t.power;
  const target::Cpi& cpi = t.core.cpi;
  json::Object detail{{"clock_hz", p.max_clock_hz},
                      {"cycles_per_instruction", cpi.typical},
                      {"cycles_per_instruction_range", json::Array{cpi.low, cpi.high}},
                      {"run_ua_per_mhz", p.run_ua_per_mhz},
                      {"run_ma", e.run_current_a * 1e3},
                      {"sleep_ua", p.sleep_ua},
                      {"supply_v", p.supply_v},
                      {"time_ms_range", json::Array{e.time_low_s * 1e3, e.time_high_s * 1e3}},
                      {"energy_uj_range", json::Array{e.energy_low_j * 1e6, e.energy_high_j * 1e6}},
                      {"sources", json::Object{{"clock", p.clock_source}, {"run", p.run_source},
                                               {"sleep", p.sleep_source}, {"cycles_per_instruction", cpi.basis}}}};
  std::string fields =
      fmt::format(", \"time_ms\": {}, \"energy_uj\": {}", json_text(json::Value(e.time_s * 1e3)), json_text(json::Value(e.energy_j * 1e6)));
  if (b) {
    fields += fmt::format(", \"battery_days\": {}", json_text(json::Value(b->days)));
    detail["rate_hz"] = b->rate_hz;
    detail["battery_mah"] = b->capacity_mah;
    detail["duty"] = b->duty;
    detail["average_ua"] = b->average_a * 1e6;
    detail["battery_days_range"] = json::Array{b->days_low, b->days_high};
  }
  return fields + ", \"energy\": " + json_text(json::Value(std::move(detail)));
}

std::string export_json(const ExportOptions& o, const std::vector<std::string>& files) {
  json::Array written;
  for (const std::string& f : files) written.push_back(text(f));
  return json_text(json::Object{{"command", "export"},
                            {"model", text(o.compile.model_path)},
                            {"format", o.format},
                            {"output", text(o.outdir)},
                            {"version", o.version},
                            {"target", o.compile.target.name},
                            {"files", std::move(written)}});
}

std::string targets_json() {
  json::Array list;
  for (const target::Target& t : target::all_targets()) {
    json::Object o{{"name", t.name},
                   {"description", t.description},
                   {"core", t.supported ? t.core.name : std::string("xtensa")},
                   {"fpu", t.core.has_fpu},
                   {"dsp", t.core.has_dsp},
                   {"mve", t.core.has_mve},
                   {"qemu_machine", t.core.qemu_machine.empty() ? json::Value(nullptr) : json::Value(t.core.qemu_machine)},
                   {"ram_bytes", t.ram_bytes ? json::Value(t.ram_bytes) : json::Value(nullptr)},
                   {"flash_bytes", t.flash_bytes ? json::Value(t.flash_bytes) : json::Value(nullptr)},
                   {"clock_hz", t.power ? json::Value(t.power->max_clock_hz) : json::Value(nullptr)},
                   {"supported", t.supported}};
    json::Array regions;
    for (const target::RamRegion& r : t.ram_regions)
      regions.push_back(json::Object{{"name", r.name}, {"base", static_cast<int64_t>(r.base)}, {"bytes", r.bytes},
                                     {"section", r.section}});
    o["ram_name"] = t.ram_name;
    o["ram_regions"] = std::move(regions);
    if (!t.supported) o["why_unsupported"] = t.why_unsupported;
    list.push_back(std::move(o));
  }
  return json_text(json::Object{{"command", "targets"}, {"targets", std::move(list)}});
}

std::string ops_json(bool all_onnx) {
  json::Array list;
  if (!all_onnx) {
    json::Array int8;
    for (const ops::OpDef* d : ops::all_ops()) {
      list.push_back(d->op);
      if (d->int8) int8.push_back(d->op);
    }
    return json_text(json::Object{{"command", "ops"}, {"ops", std::move(list)}, {"int8_ops", std::move(int8)}});
  }
  for (const std::string& op : frontend::onnx_operator_names())
    list.push_back(json::Object{{"op", op}, {"supported", ops::find_op(op) != nullptr}});
  return json_text(json::Object{{"command", "ops"}, {"onnx_ops", std::move(list)}});
}

std::string error_json(const std::string& command, const std::string& message, int exit_code,
                       const BudgetRefusal* budget) {
  json::Object o{{"command", command}, {"error", text(message)}, {"exit_code", exit_code}};
  if (budget) o["budget"] = budget_value(budget->check, budget->target);
  return json_text(json::Value(std::move(o)));
}

}  // namespace mote::driver
