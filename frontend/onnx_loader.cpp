#include "frontend/onnx_loader.h"

#include <onnx/checker.h>
#include <onnx/shape_inference/implementation.h>
#include <onnx/version_converter/convert.h>

#include <algorithm>
#include <filesystem>
#include <set>
#include <fstream>

#include <fmt/format.h>

#include "compiler/support/error.h"
#include "compiler/support/isolate.h"
#include "frontend/model_check.h"

namespace mote::frontend {

using support::Refusal;

std::vector<std::string> onnx_operator_names() {
  std::set<std::string> names;
  for (const onnx::OpSchema& s : onnx::OpSchemaRegistry::get_all_schemas())
    if (s.domain().empty() || s.domain() == "ai.onnx") names.insert(s.Name());
  return {names.begin(), names.end()};
}

int default_opset(const onnx::ModelProto& m) {
  for (const auto& o : m.opset_import())
    if (o.domain().empty() || o.domain() == "ai.onnx") return static_cast<int>(o.version());
  return 0;
}

namespace {

constexpr uintmax_t kMaxModelBytes = uintmax_t{1} << 31;  // protobuf's own limit is 2 GiB

onnx::ModelProto parse(const std::string& path) {
  std::error_code ec;
  if (!std::filesystem::is_regular_file(path, ec))
    throw Refusal(fmt::format("{}: no such model file", path));
  const uintmax_t size = std::filesystem::file_size(path, ec);
  if (ec || size == 0) throw Refusal(fmt::format("{}: the file is empty or unreadable", path));
  if (size >= kMaxModelBytes) throw Refusal(fmt::format("{}: the file is larger than 2 GiB", path));
  std::ifstream f(path, std::ios::binary);
  onnx::ModelProto m;
  if (!f || !m.ParseFromIstream(&f))
    throw Refusal(fmt::format("{}: not a valid ONNX model (the protobuf does not parse; truncated or not ONNX?)", path));
  if (!m.has_graph() || (m.graph().node_size() == 0 && m.graph().output_size() == 0))
    throw Refusal(fmt::format("{}: not a valid ONNX model (no graph)", path));
  return m;
}

void fix_input_shapes(onnx::ModelProto& m, const LoadOptions& opts, const std::string& path) {
  auto* g = m.mutable_graph();
  for (const auto& [name, dims] : opts.input_shapes) {
    bool found = false;
    for (auto& in : *g->mutable_input()) {
      if (in.name() != name) continue;
      found = true;
      auto* shape = in.mutable_type()->mutable_tensor_type()->mutable_shape();
      shape->clear_dim();
      for (int64_t d : dims) shape->add_dim()->set_dim_value(d);
    }
    if (!found) throw Refusal(fmt::format("{}: --input-shape names '{}', which is not a graph input", path, name));
  }
}

void bind_inputs(onnx::ModelProto& m, const LoadOptions& opts, const std::string& path) {
  auto* g = m.mutable_graph();
  for (const auto& bound : opts.bound_inputs) {
    // Named copies: a lambda cannot capture a structured binding before C++20.
    const std::string& name = bound.first;
    const onnx::TensorProto& value = bound.second;
    auto* inputs = g->mutable_input();
    auto it = std::find_if(inputs->begin(), inputs->end(), [&](const onnx::ValueInfoProto& v) { return v.name() == name; });
    if (it == inputs->end()) throw Refusal(fmt::format("{}: --bind-input names '{}', which is not a graph input", path, name));
    if (it->type().tensor_type().elem_type() != value.data_type())
      throw Refusal(fmt::format("{}: --bind-input '{}': the value's element type differs from the input's", path, name));
    inputs->erase(it);
    onnx::TensorProto* init = g->add_initializer();
    *init = value;
    init->set_name(name);
  }
}

}  // namespace

namespace {

// The graph inputs that are real inputs: older exporters list initializers as
// inputs too.
std::vector<const onnx::ValueInfoProto*> real_inputs(const onnx::ModelProto& m) {
  std::set<std::string> inits;
  for (const auto& i : m.graph().initializer()) inits.insert(i.name());
  std::vector<const onnx::ValueInfoProto*> out;
  for (const auto& in : m.graph().input())
    if (!inits.count(in.name())) out.push_back(&in);
  return out;
}

}  // namespace

std::vector<std::string> graph_input_names(const std::string& path) {
  const onnx::ModelProto m = parse(path);
  std::vector<std::string> names;
  for (const onnx::ValueInfoProto* in : real_inputs(m)) names.push_back(in->name());
  return names;
}

std::map<std::string, std::vector<InputDim>> symbolic_input_dims(const std::string& path) {
  const onnx::ModelProto m = parse(path);
  std::map<std::string, std::vector<InputDim>> out;
  for (const onnx::ValueInfoProto* p : real_inputs(m)) {
    const onnx::ValueInfoProto& in = *p;
    if (!in.type().tensor_type().has_shape()) continue;
    std::vector<InputDim> dims;
    bool symbolic = false;
    for (const auto& d : in.type().tensor_type().shape().dim()) {
      if (d.has_dim_value() && d.dim_value() >= 0) {
        dims.push_back({d.dim_value(), std::to_string(d.dim_value())});
      } else {
        symbolic = true;
        dims.push_back({-1, d.has_dim_param() && !d.dim_param().empty() ? d.dim_param() : "?"});
      }
    }
    if (symbolic) out[in.name()] = dims;
  }
  return out;
}

namespace {

// The stages of ONNX's own that Mote runs on the user's model, in order. Each
// names itself so that a crash is reported against it.
onnx::ModelProto run_onnx_stages(onnx::ModelProto m, const std::string& path, const support::StageFn& stage) {
  stage("checker");
  try {
    // The path form knows the model's folder, so external data files are checked where
    // Mote will read them (and only there: see tensor_proto.cpp).
    onnx::checker::check_model(path);
  } catch (const std::exception& e) {
    throw Refusal(fmt::format("{}: the ONNX checker rejects the model: {}", path, e.what()));
  }
  const int opset = default_opset(m);
  if (opset == 0) throw Refusal(fmt::format("{}: the model imports no default-domain opset", path));
  if (opset < kMinOpset) {
    stage("version converter");
    try {
      m = onnx::version_conversion::ConvertVersion(m, kMinOpset);
    } catch (const std::exception& e) {
      throw Refusal(fmt::format("{}: cannot convert opset {} to {}: {}", path, opset, kMinOpset, e.what()));
    }
  }
  // Shapes recorded by the exporter may contradict --input-shape; Mote infers them afresh.
  stage("shape inference");
  m.mutable_graph()->clear_value_info();
  try {
    onnx::ShapeInferenceOptions so(/*check_type=*/true, /*error_mode=*/1, /*enable_data_propagation=*/true);
    onnx::shape_inference::InferShapes(m, onnx::OpSchemaRegistry::Instance(), so);
  } catch (const std::exception& e) {
    throw Refusal(fmt::format("{}: ONNX shape inference fails: {}", path, e.what()));
  }
  return m;
}

// Generous for any model that fits a microcontroller, and bounded so a model that
// makes ONNX's tools hang or swell is refused instead of stalling a build.
constexpr int kOnnxTimeoutSeconds = 120;
constexpr long long kOnnxMemoryBytes = 8LL << 30;

onnx::ModelProto run_onnx_stages_isolated(const onnx::ModelProto& m, const std::string& path) {
  const support::IsolatedResult r = support::run_isolated(
      [&](const support::StageFn& stage) {
        std::string bytes;
        if (!run_onnx_stages(m, path, stage).SerializeToString(&bytes))
          throw Refusal(fmt::format("{}: the model ONNX's tools return cannot be serialized", path));
        return bytes;
      },
      kOnnxTimeoutSeconds, kOnnxMemoryBytes);
  const std::string stage = r.stage.empty() ? "tools" : r.stage;
  switch (r.kind) {
    case support::IsolatedResult::kOk: {
      onnx::ModelProto out;
      if (!out.ParseFromString(r.value)) throw support::InternalError("the model from ONNX's tools does not parse");
      return out;
    }
    case support::IsolatedResult::kError:
      throw Refusal(r.value);
    case support::IsolatedResult::kCrashed:
      throw Refusal(fmt::format("{}: ONNX's {} failed on this model (it crashed{}); the model is malformed", path,
                                stage, r.signal ? fmt::format(" with signal {}", r.signal) : ""));
    case support::IsolatedResult::kTimedOut:
      throw Refusal(fmt::format("{}: ONNX's {} did not finish within {} s on this model", path, stage,
                                kOnnxTimeoutSeconds));
    case support::IsolatedResult::kNoChild:
      break;
  }
  throw support::InternalError("cannot start a process for ONNX's tools");
}

}  // namespace

onnx::ModelProto load_model(const std::string& path, const LoadOptions& opts) {
  onnx::ModelProto m = parse(path);
  fix_input_shapes(m, opts, path);
  bind_inputs(m, opts, path);
  check_before_onnx(m, path);
  return run_onnx_tools(m, path, opts.isolate_onnx);
}

onnx::ModelProto run_onnx_tools(const onnx::ModelProto& m, const std::string& path, bool isolate) {
  if (isolate) return run_onnx_stages_isolated(m, path);
  return run_onnx_stages(m, path, [](const std::string&) {});
}

}  // namespace mote::frontend
