#pragma once
// `--json` of the commands whose report is not built inside their own driver
// file (compile, targets, ops, and refusals of any command): one JSON object each,
// keys documented in docs/json.md. Only JSON goes to stdout in --json mode.
#include <string>
#include <vector>

#include "compiler/driver/compile.h"
#include "compiler/driver/energy.h"
#include "compiler/driver/export.h"
#include "compiler/driver/footprint.h"

namespace mote::driver {

// A model name or message as a JSON string whatever bytes it holds (invalid
// UTF-8 is replaced, control characters escaped).
std::string json_quote(const std::string& s);

// mote compile --json: what was written and what it costs; `budget_target` names
// what the budget was checked against (a part, or "the given budget").
std::string compile_json(const CompileResult& r, const std::string& model_path, const std::vector<std::string>& files,
                         const FitCheck* fit, const std::string& target_name, const std::string& budget_target);

// bench --json's energy keys on a part with power figures, as text to splice into
// bench's object: ', "time_ms": ..., "energy_uj": ..., ["battery_days": ...,] "energy": {...}'.
std::string energy_json_fields(const target::Target& t, const EnergyEstimate& e, const BatteryEstimate* b);

// mote export --json: the library written.
std::string export_json(const ExportOptions& o, const std::vector<std::string>& files);

// mote targets --json, mote ops --json [--all-onnx].
std::string targets_json();
std::string ops_json(bool all_onnx);

// The budget object of compile, verify and bench (docs/json.md): `target`, `fits`,
// needed bytes (the model's plus the reserve), available bytes (null when the
// budget gives none), reserved bytes.
std::string budget_json(const FitCheck& c, const std::string& target_name);

// A refusal or failure of `command` in --json mode: {"command", "error", "exit_code"},
// and `budget` when it is a model that does not fit.
std::string error_json(const std::string& command, const std::string& message, int exit_code,
                       const BudgetRefusal* budget = nullptr);

}  // namespace mote::driver
