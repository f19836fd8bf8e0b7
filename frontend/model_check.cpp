#include "frontend/model_check.h"

#include <onnx/defs/schema.h>

#include <filesystem>
#include <map>
#include <set>

#include <fmt/format.h>

#include "compiler/support/error.h"
#include "frontend/tensor_proto.h"

namespace mote::frontend {

using support::Refusal;

namespace {

// No kernel of Mote's handles a rank above this; anything beyond it in an axis is a
// number ONNX's tools would add to a rank and index with.
constexpr int64_t kMaxRank = 32;

// Inputs whose rank ONNX's shape inference indexes without checking: operator,
// input position, least rank.
struct RankRule {
  const char* op;
  int input;
  int min_rank;
};
constexpr RankRule kRankRules[] = {
    {"Conv", 0, 3},          {"Conv", 1, 3},          {"ConvTranspose", 0, 3}, {"ConvTranspose", 1, 3},
    {"ConvInteger", 0, 3},   {"ConvInteger", 1, 3},   {"QLinearConv", 0, 3},   {"QLinearConv", 3, 3},
    {"DeformConv", 0, 3},    {"DeformConv", 1, 3},    {"MaxPool", 0, 3},       {"AveragePool", 0, 3},
    {"LpPool", 0, 3},        {"MaxUnpool", 0, 3},     {"GlobalAveragePool", 0, 2}, {"GlobalMaxPool", 0, 2},
    {"GlobalLpPool", 0, 2},  {"BatchNormalization", 0, 2}, {"InstanceNormalization", 0, 3},
    {"Gemm", 0, 2},          {"Gemm", 1, 2},          {"RNN", 0, 3},           {"RNN", 1, 3},
    {"RNN", 2, 3},           {"GRU", 0, 3},           {"GRU", 1, 3},           {"GRU", 2, 3},
    {"LSTM", 0, 3},          {"LSTM", 1, 3},          {"LSTM", 2, 3},          {"MatMul", 0, 1},
    {"MatMul", 1, 1},        {"MatMulInteger", 0, 1}, {"MatMulInteger", 1, 1}, {"QLinearMatMul", 0, 1},
    {"QLinearMatMul", 3, 1}, {"LRN", 0, 2},           {"SpaceToDepth", 0, 4},  {"DepthToSpace", 0, 4},
    {"RoiAlign", 0, 4},      {"Resize", 0, 1},        {"GridSample", 0, 4},    {"Col2Im", 0, 2},
};

class Checker {
 public:
  Checker(const onnx::ModelProto& m, const std::string& path)
      : m_(m), path_(path), dir_(std::filesystem::path(path).parent_path().string()) {}

  void run() {
    check_opsets();
    const auto& g = m_.graph();
    if (g.sparse_initializer_size() > 0) refuse("sparse initializers are not supported");
    for (const auto& init : g.initializer()) {
      tensor(init, "");
      produced(init.name(), init.dims_size());
    }
    for (const auto& in : g.input()) {
      const auto& tt = in.type().tensor_type();
      if (!produced_.count(in.name())) produced(in.name(), tt.has_shape() ? tt.shape().dim_size() : -1);
    }
    for (const auto& n : g.node()) node(n);
    for (const auto& out : g.output())
      if (!produced_.count(out.name()))
        refuse(fmt::format("graph output '{}' is not produced by any node, input or initializer", out.name()));
  }

 private:
  [[noreturn]] void refuse(const std::string& why) const { throw Refusal(fmt::format("{}: {}", path_, why)); }
  [[noreturn]] void refuse(const onnx::NodeProto& n, const std::string& why) const {
    throw Refusal(fmt::format("{}: node '{}' ({}): {}", path_, n.name(), n.op_type(), why));
  }

  void check_opsets() const {
    const int newest = newest_known_opset();
    for (const auto& o : m_.opset_import()) {
      if (!o.domain().empty() && o.domain() != "ai.onnx") continue;
      if (o.version() > newest)
        refuse(fmt::format("opset {} is newer than this ONNX library knows (up to {}); export the model at opset {} "
                           "or lower",
                           o.version(), newest, newest));
      if (o.version() < 1) refuse(fmt::format("opset {} does not exist", o.version()));
    }
  }

  void produced(const std::string& name, int rank) {
    produced_.insert(name);
    if (rank >= 0) rank_[name] = rank;
  }

  void tensor(const onnx::TensorProto& t, const std::string& where) const {
    try {
      check_tensor_proto(t, dir_);
    } catch (const Refusal& e) {
      refuse(where.empty() ? e.what() : fmt::format("{}: {}", where, e.what()));
    }
  }

  int rank_of(const std::string& name) const {
    const auto it = rank_.find(name);
    return it == rank_.end() ? -1 : it->second;
  }

  void node(const onnx::NodeProto& n) {
    for (const std::string& in : n.input())
      if (!in.empty() && !produced_.count(in))
        refuse(n, fmt::format("input '{}' is not produced by an earlier node, an initializer or a graph input", in));
    // The input an `axis` counts in: the first, but QLinearConcat's first data input
    // follows its Y_scale and Y_zero_point.
    const int data0 = n.domain() == "com.microsoft" && n.op_type() == "QLinearConcat" ? 2 : 0;
    const int rank0 = n.input_size() > data0 ? rank_of(n.input(data0)) : -1;
    int constant_rank = -1;
    for (const auto& a : n.attribute()) {
      switch (a.type()) {
        case onnx::AttributeProto::TENSOR:
          tensor(a.t(), fmt::format("node '{}' ({}): attribute '{}'", n.name(), n.op_type(), a.name()));
          constant_rank = a.t().dims_size();
          break;
        case onnx::AttributeProto::TENSORS:
          for (const auto& t : a.tensors())
            tensor(t, fmt::format("node '{}' ({}): attribute '{}'", n.name(), n.op_type(), a.name()));
          break;
        case onnx::AttributeProto::GRAPH: case onnx::AttributeProto::GRAPHS:
          refuse(n, fmt::format("attribute '{}' holds a subgraph (control flow is not supported)", a.name()));
        case onnx::AttributeProto::SPARSE_TENSOR: case onnx::AttributeProto::SPARSE_TENSORS:
          refuse(n, fmt::format("attribute '{}' holds a sparse tensor, which Mote does not support", a.name()));
        case onnx::AttributeProto::INT:
          if (a.name() == "axis") axis(n, a.name(), a.i(), rank0);
          if (is_positive_attribute(a.name()) && a.i() < 1)
            refuse(n, fmt::format("attribute '{}' = {} must be at least 1", a.name(), a.i()));
          break;
        case onnx::AttributeProto::INTS:
          if (a.name() == "axes" || a.name() == "perm")
            for (int64_t v : a.ints()) axis(n, a.name(), v, -1);
          if (is_positive_attribute(a.name()))
            for (int64_t v : a.ints())
              if (v < 1) refuse(n, fmt::format("attribute '{}' holds {}; each must be at least 1", a.name(), v));
          break;
        default:
          break;
      }
    }
    for (const RankRule& r : kRankRules) {
      if (n.op_type() != r.op || r.input >= n.input_size()) continue;
      const int rank = rank_of(n.input(r.input));
      if (rank >= 0 && rank < r.min_rank)
        refuse(n, fmt::format("input {} '{}' has rank {}, the operator needs at least {}", r.input, n.input(r.input),
                              rank, r.min_rank));
    }
    if (n.op_type() == "Constant" && n.output_size() > 0) {
      for (const auto& a : n.attribute())
        if (a.name() == "value_floats" || a.name() == "value_ints") constant_rank = 1;
        else if (a.name() == "value_float" || a.name() == "value_int") constant_rank = 0;
      produced(n.output(0), constant_rank);
      for (int i = 1; i < n.output_size(); ++i) produced(n.output(i), -1);
      return;
    }
    for (const std::string& out : n.output())
      if (!out.empty()) produced(out, -1);
  }

  // ONNX's shape inference divides by these without checking them (a stride of 0
  // is a division by zero inside libonnx); every operator that has them needs >= 1.
  static bool is_positive_attribute(const std::string& name) {
    return name == "strides" || name == "dilations" || name == "kernel_shape" || name == "group" ||
           name == "blocksize";
  }

  // An axis within [-rank, rank] of the node's first input when its rank is
  // declared (rank itself is Flatten's last split; OneHot's axis counts in its
  // output, one rank more), else within any rank Mote handles.
  void axis(const onnx::NodeProto& n, const std::string& attr, int64_t v, int rank) const {
    const int64_t bound = rank >= 0 ? rank + (n.op_type() == "OneHot" ? 1 : 0) : kMaxRank;
    if (v < -bound || v > bound)
      refuse(n, fmt::format("attribute '{}' = {} is out of range for {}", attr, v,
                            rank >= 0 ? fmt::format("an input of rank {}", rank) : fmt::format("any rank up to {}", kMaxRank)));
  }

  const onnx::ModelProto& m_;
  std::string path_;
  std::string dir_;
  std::set<std::string> produced_;
  std::map<std::string, int> rank_;
};

}  // namespace

int newest_known_opset() {
  const auto& map = onnx::OpSchemaRegistry::DomainToVersionRange::Instance().Map();
  const auto it = map.find(onnx::ONNX_DOMAIN);
  return it == map.end() ? 0 : it->second.second;
}

void check_before_onnx(const onnx::ModelProto& m, const std::string& path) { Checker(m, path).run(); }

}  // namespace mote::frontend
