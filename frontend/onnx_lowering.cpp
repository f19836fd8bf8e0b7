#include "frontend/onnx_lowering.h"

#include <filesystem>
#include <map>
#include <set>

#include <fmt/format.h>

#include "compiler/ir/tensor_data.h"
#include "compiler/support/checked.h"
#include "compiler/support/error.h"
#include "frontend/contrib_qlinear.h"
#include "frontend/onnx_loader.h"
#include "frontend/tensor_proto.h"

namespace mote::frontend {

using support::Refusal;

namespace {

constexpr int64_t kMaxElements = (int64_t{1} << 31) - 1;

class Lowering {
 public:
  Lowering(const onnx::ModelProto& m, const std::string& path)
      : m_(m), path_(path), dir_(std::filesystem::path(path).parent_path().string()) {
    g_.name = path;  // messages name the file as the user gave it
  }

  ir::Graph run() {
    const auto& gp = m_.graph();
    opset_ = default_opset(m_);
    for (const auto& init : gp.initializer()) add_constant(init);
    for (const auto& in : gp.input()) {
      if (by_name_.count(in.name())) continue;  // old IR versions list initializers as inputs too
      g_.inputs.push_back(add_input(in));
    }
    for (const auto& n : gp.node()) lower_node(n);
    for (const auto& out : gp.output()) {
      auto it = by_name_.find(out.name());
      if (it == by_name_.end())
        throw Refusal(fmt::format("{}: graph output '{}' is not produced by any node", path_, out.name()));
      g_.outputs.push_back(it->second);
    }
    if (g_.outputs.empty()) throw Refusal(fmt::format("{}: the graph has no outputs", path_));
    return std::move(g_);
  }

 private:
  [[noreturn]] void refuse_node(const onnx::NodeProto& n, const std::string& why) const {
    throw Refusal(fmt::format("{}: node '{}' ({}): {}", path_, n.name(), n.op_type(), why));
  }

  ir::TensorId add_constant(const onnx::TensorProto& p) {
    ir::Tensor t;
    try {
      t = tensor_from_proto(p, dir_);
    } catch (const Refusal& e) {
      throw Refusal(fmt::format("{}: {}", path_, e.what()));
    }
    return define(std::move(t));
  }

  ir::TensorId define(ir::Tensor t) {
    const std::string name = t.name;
    const ir::TensorId id = g_.add_tensor(std::move(t));
    by_name_[name] = id;
    return id;
  }

  ir::TensorId add_input(const onnx::ValueInfoProto& v) {
    if (!v.type().has_tensor_type())
      throw Refusal(fmt::format("{}: graph input '{}' is not a tensor (sequences and maps are not supported)", path_, v.name()));
    const auto& tt = v.type().tensor_type();
    ir::Tensor t;
    t.name = v.name();
    t.dtype = dtype_from_onnx(tt.elem_type());
    if (t.dtype == ir::DType::kUnknown)
      throw Refusal(fmt::format("{}: graph input '{}' has an unsupported element type", path_, v.name()));
    if (!tt.has_shape())
      throw Refusal(fmt::format("{}: graph input '{}' has no shape; fix it with --input-shape {}=DxDx...", path_,
                                v.name(), v.name()));
    for (int i = 0; i < tt.shape().dim_size(); ++i) {
      const auto& d = tt.shape().dim(i);
      if (!d.has_dim_value() || d.dim_value() < 0) {
        const std::string sym = d.has_dim_param() ? fmt::format("'{}'", d.dim_param()) : std::string("unknown");
        throw Refusal(fmt::format("{}: graph input '{}' has a symbolic dimension {} (dim {}); fix it with "
                                  "--input-shape {}=DxDx...",
                                  path_, v.name(), sym, i, v.name()));
      }
      t.shape.push_back(d.dim_value());
    }
    if (!support::checked_product(t.shape, kMaxElements))
      throw Refusal(fmt::format("{}: graph input '{}' is too large ({})", path_, v.name(), ir::shape_str(t.shape)));
    t.shape_known = true;
    return define(std::move(t));
  }

  ir::Attributes lower_attrs(const onnx::NodeProto& n) {
    ir::Attributes a;
    for (const auto& at : n.attribute()) {
      if (!at.ref_attr_name().empty()) refuse_node(n, fmt::format("attribute '{}' refers to a function attribute", at.name()));
      switch (at.type()) {
        case onnx::AttributeProto::INT: a[at.name()] = static_cast<int64_t>(at.i()); break;
        case onnx::AttributeProto::FLOAT: a[at.name()] = static_cast<double>(at.f()); break;
        case onnx::AttributeProto::STRING: a[at.name()] = at.s(); break;
        case onnx::AttributeProto::INTS: a[at.name()] = std::vector<int64_t>(at.ints().begin(), at.ints().end()); break;
        case onnx::AttributeProto::FLOATS: a[at.name()] = std::vector<double>(at.floats().begin(), at.floats().end()); break;
        case onnx::AttributeProto::STRINGS: a[at.name()] = std::vector<std::string>(at.strings().begin(), at.strings().end()); break;
        case onnx::AttributeProto::TENSOR: break;  // Constant: lower_constant; others: lower_node
        default: refuse_node(n, fmt::format("attribute '{}' has a type Mote does not support (graphs, sparse tensors)", at.name()));
      }
    }
    return a;
  }

  // A Constant node becomes a constant tensor; no node is emitted for it.
  void lower_constant(const onnx::NodeProto& n) {
    if (n.output_size() != 1) refuse_node(n, "a Constant must have one output");
    for (const auto& at : n.attribute()) {
      ir::Tensor t;
      t.name = n.output(0);
      t.shape_known = true;
      if (at.name() == "value") {
        try {
          t = tensor_from_proto(at.t(), dir_);
        } catch (const Refusal& e) {
          refuse_node(n, e.what());
        }
        t.name = n.output(0);
      } else if (at.name() == "value_float") {
        t.dtype = ir::DType::kF32;
        t.data = ir::encode_double(t.dtype, {at.f()});
      } else if (at.name() == "value_floats") {
        t.dtype = ir::DType::kF32;
        t.shape = {at.floats_size()};
        t.data = ir::encode_double(t.dtype, std::vector<double>(at.floats().begin(), at.floats().end()));
      } else if (at.name() == "value_int") {
        t.dtype = ir::DType::kI64;
        t.data = ir::encode_int(t.dtype, {at.i()});
      } else if (at.name() == "value_ints") {
        t.dtype = ir::DType::kI64;
        t.shape = {at.ints_size()};
        t.data = ir::encode_int(t.dtype, std::vector<int64_t>(at.ints().begin(), at.ints().end()));
      } else {
        refuse_node(n, fmt::format("Constant with attribute '{}' is not supported", at.name()));
      }
      define(std::move(t));
      return;
    }
    refuse_node(n, "a Constant without a value");
  }

  void lower_node(const onnx::NodeProto& n) {
    const bool contrib = n.domain() == "com.microsoft" && is_contrib_qlinear(n.op_type());
    if (!n.domain().empty() && n.domain() != "ai.onnx" && !contrib)
      refuse_node(n, fmt::format("operators of domain '{}' are not supported{}", n.domain(),
                                 n.domain() == "com.microsoft"
                                     ? " (of com.microsoft, Mote takes the QOperator form's QLinearAdd, QLinearMul, "
                                       "QLinearConcat, QLinearSigmoid, QLinearLeakyRelu, QLinearGlobalAveragePool, "
                                       "QLinearAveragePool and QLinearSoftmax)"
                                     : ""));
    if (n.op_type() == "Constant") return lower_constant(n);

    ir::Node node;
    node.name = n.name().empty() ? fmt::format("{}_{}", n.op_type(), g_.nodes.size()) : n.name();
    if (!node_names_.insert(node.name).second) node.name = fmt::format("{}_{}", node.name, g_.nodes.size());
    node.op = n.op_type();
    node.opset = opset_;
    node.attrs = lower_attrs(n);
    for (const auto& in : n.input()) {
      if (in.empty()) {
        node.inputs.push_back(ir::kNoTensor);
        continue;
      }
      auto it = by_name_.find(in);
      if (it == by_name_.end())
        refuse_node(n, fmt::format("input '{}' is not produced by an earlier node, an initializer or a graph input", in));
      node.inputs.push_back(it->second);
    }
    // A tensor-valued attribute (ConstantOfShape's value) becomes a constant input
    // after the node's own; the attribute keeps that input's position, so an
    // operator that does not expect it refuses the attribute.
    for (const auto& at : n.attribute()) {
      if (at.type() != onnx::AttributeProto::TENSOR) continue;
      ir::Tensor t;
      try {
        t = tensor_from_proto(at.t(), dir_);
      } catch (const Refusal& e) {
        refuse_node(n, e.what());
      }
      t.name = fmt::format("{}_{}", node.name, at.name());
      while (by_name_.count(t.name)) t.name += "_";
      node.attrs[at.name()] = static_cast<int64_t>(node.inputs.size());
      node.inputs.push_back(define(std::move(t)));
    }
    for (const auto& out : n.output()) {
      if (out.empty()) {
        node.outputs.push_back(ir::kNoTensor);
        continue;
      }
      if (by_name_.count(out)) refuse_node(n, fmt::format("output '{}' is produced twice", out));
      ir::Tensor t;
      t.name = out;
      node.outputs.push_back(define(std::move(t)));
    }
    if (contrib)
      if (const std::string why = lower_contrib_qlinear(g_, node); !why.empty()) refuse_node(n, why);
    g_.nodes.push_back(std::move(node));
  }

  const onnx::ModelProto& m_;
  std::string path_;
  std::string dir_;
  ir::Graph g_;
  int opset_ = 0;
  std::map<std::string, ir::TensorId> by_name_;
  std::set<std::string> node_names_;
};

}  // namespace

ir::Graph lower_to_ir(const onnx::ModelProto& m, const std::string& model_path) {
  return Lowering(m, model_path).run();
}

}  // namespace mote::frontend
