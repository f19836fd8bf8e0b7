#include "compiler/ops/infer_context.h"

#include "compiler/ir/tensor_data.h"

namespace mote::ops {

InferContext::InferContext(const ir::Graph& g, const ir::Node& n) : g_(g), n_(n), outs_(n.outputs.size()) {}

const ir::Tensor& InferContext::input(size_t i) const {
  if (!has_input(i)) refuse("input {} is missing", i);
  return g_.tensor(n_.inputs[i]);
}

namespace {
bool in_bounds(int64_t v) { return v >= -InferContext::kMaxOperand && v <= InferContext::kMaxOperand; }
}  // namespace

std::vector<int64_t> InferContext::const_ints_unbounded(size_t i, const char* what) const {
  const ir::Tensor& t = input(i);
  if (!t.is_constant()) refuse("{} (input {}, '{}') must be a constant known at compile time", what, i, t.name);
  return ir::data_as_int(t);
}

std::vector<int64_t> InferContext::const_ints(size_t i, const char* what) const {
  std::vector<int64_t> v = const_ints_unbounded(i, what);
  for (int64_t x : v)
    if (!in_bounds(x)) refuse("{} holds {}, beyond the +-2^31 Mote handles", what, x);
  return v;
}

std::vector<double> InferContext::const_doubles(size_t i, const char* what) const {
  const ir::Tensor& t = input(i);
  if (!t.is_constant()) refuse("{} (input {}, '{}') must be a constant known at compile time", what, i, t.name);
  return ir::data_as_double(t);
}

namespace {
template <typename T>
const T* get(const ir::Attributes& a, const std::string& name, const char* kind) {
  auto it = a.find(name);
  if (it == a.end()) return nullptr;
  if (const T* v = std::get_if<T>(&it->second)) return v;
  throw support::Refusal(fmt::format("attribute '{}' must be {}", name, kind));
}
}  // namespace

int64_t InferContext::attr_int(const std::string& name, int64_t dflt) const {
  const int64_t* v = get<int64_t>(n_.attrs, name, "an integer");
  if (v && !in_bounds(*v)) refuse("attribute '{}' = {} is beyond the +-2^31 Mote handles", name, *v);
  return v ? *v : dflt;
}

double InferContext::attr_float(const std::string& name, double dflt) const {
  auto it = n_.attrs.find(name);
  if (it != n_.attrs.end())
    if (const int64_t* i = std::get_if<int64_t>(&it->second)) return static_cast<double>(*i);
  const double* v = get<double>(n_.attrs, name, "a float");
  return v ? *v : dflt;
}

std::string InferContext::attr_string(const std::string& name, const std::string& dflt) const {
  const std::string* v = get<std::string>(n_.attrs, name, "a string");
  return v ? *v : dflt;
}

std::vector<int64_t> InferContext::attr_ints(const std::string& name, const std::vector<int64_t>& dflt) const {
  const std::vector<int64_t>* v = get<std::vector<int64_t>>(n_.attrs, name, "a list of integers");
  if (v)
    for (int64_t x : *v)
      if (!in_bounds(x)) refuse("attribute '{}' holds {}, beyond the +-2^31 Mote handles", name, x);
  return v ? *v : dflt;
}

std::vector<double> InferContext::attr_floats(const std::string& name, const std::vector<double>& dflt) const {
  const std::vector<double>* v = get<std::vector<double>>(n_.attrs, name, "a list of floats");
  return v ? *v : dflt;
}

void InferContext::allow_attrs(std::initializer_list<const char*> names) const {
  for (const auto& [k, v] : n_.attrs) {
    bool known = false;
    for (const char* n : names) known = known || k == n;
    if (!known) refuse("attribute '{}' is not supported", k);
  }
}

void InferContext::set_output(size_t i, ir::DType dtype, ir::Shape shape) {
  if (i >= outs_.size()) return;  // optional output the model does not use
  for (int64_t d : shape)
    if (d < 0) refuse("output {} would have a negative dimension ({})", i, ir::shape_str(shape));
  outs_[i] = OutputType{dtype, std::move(shape), true};
}

int64_t InferContext::axis(int64_t a, int64_t r, const char* what) const {
  const int64_t norm = a < 0 ? a + r : a;
  if (norm < 0 || norm >= r) refuse("{} {} is out of range for rank {}", what, a, r);
  return norm;
}

}  // namespace mote::ops
