#pragma once
// What an operator's rule sees of a node: its inputs' types and constant data,
// typed attribute access with defaults, and a way to refuse.
#include <cstdint>
#include <string>
#include <vector>

#include <fmt/format.h>

#include "compiler/ir/graph.h"
#include "compiler/support/error.h"

namespace mote::ops {

struct OutputType {
  ir::DType dtype = ir::DType::kUnknown;
  ir::Shape shape;
  bool set = false;
};

class InferContext {
 public:
  InferContext(const ir::Graph& g, const ir::Node& n);

  const ir::Graph& graph() const { return g_; }
  const ir::Node& node() const { return n_; }
  int opset() const { return n_.opset; }

  size_t num_inputs() const { return n_.inputs.size(); }
  bool has_input(size_t i) const { return i < n_.inputs.size() && n_.inputs[i] != ir::kNoTensor; }
  const ir::Tensor& input(size_t i) const;        // refuses when absent
  const ir::Shape& shape(size_t i) const { return input(i).shape; }
  ir::DType dtype(size_t i) const { return input(i).dtype; }
  int64_t rank(size_t i) const { return static_cast<int64_t>(input(i).shape.size()); }
  bool is_const(size_t i) const { return has_input(i) && input(i).is_constant(); }
  // Integers an operator's rule reads (constant inputs, attributes) are refused
  // beyond +-2^31, so that the sums and products of two of them that rules compute
  // cannot overflow; no dimension, axis or count of a model Mote compiles is larger.
  static constexpr int64_t kMaxOperand = int64_t{1} << 31;
  // Data of a constant input; refuses when the input is computed at run time.
  std::vector<int64_t> const_ints(size_t i, const char* what) const;
  // The same without the bound, for rules that clamp the values themselves (Slice's
  // INT64_MAX for "to the end").
  std::vector<int64_t> const_ints_unbounded(size_t i, const char* what) const;
  std::vector<double> const_doubles(size_t i, const char* what) const;

  bool has_attr(const std::string& name) const { return n_.attrs.count(name) != 0; }
  int64_t attr_int(const std::string& name, int64_t dflt) const;
  double attr_float(const std::string& name, double dflt) const;
  std::string attr_string(const std::string& name, const std::string& dflt) const;
  std::vector<int64_t> attr_ints(const std::string& name, const std::vector<int64_t>& dflt = {}) const;
  std::vector<double> attr_floats(const std::string& name, const std::vector<double>& dflt = {}) const;
  // Refuses when the node carries an attribute this rule does not know.
  void allow_attrs(std::initializer_list<const char*> names) const;

  size_t num_outputs() const { return n_.outputs.size(); }
  void set_output(size_t i, ir::DType dtype, ir::Shape shape);
  const std::vector<OutputType>& outputs() const { return outs_; }

  // Normalises a possibly negative axis against `rank`, refusing when out of range.
  int64_t axis(int64_t a, int64_t rank, const char* what = "axis") const;

  template <typename... Args>
  [[noreturn]] void refuse(fmt::format_string<Args...> f, Args&&... args) const {
    throw support::Refusal(fmt::format(f, std::forward<Args>(args)...));
  }
  // Refuses unless `cond` holds.
  template <typename... Args>
  void require(bool cond, fmt::format_string<Args...> f, Args&&... args) const {
    if (!cond) throw support::Refusal(fmt::format(f, std::forward<Args>(args)...));
  }

 private:
  const ir::Graph& g_;
  const ir::Node& n_;
  std::vector<OutputType> outs_;
};

}  // namespace mote::ops
