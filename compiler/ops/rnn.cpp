// RNN, GRU and LSTM: directions forward, reverse and bidirectional, layouts 0 and 1,
// the ONNX activation functions, clip, sequence lengths read at run time, GRU's
// linear_before_reset, LSTM's peepholes and input_forget. Kernels: rnn.h.
#include "compiler/ops/helpers.h"

namespace mote::ops {

namespace {

struct Family {
  const char* op;
  int64_t gates;                        // blocks of H rows in W and R
  std::vector<std::string> default_acts;  // per direction
};
const Family kRnn{"RNN", 1, {"Tanh"}};
const Family kGru{"GRU", 3, {"Sigmoid", "Tanh"}};
const Family kLstm{"LSTM", 4, {"Sigmoid", "Tanh", "Tanh"}};

struct ActSpec {
  const char* name;
  int64_t kind;  // rnn_* in rnn.h
  int uses;      // 0 none, 1 alpha, 2 alpha and beta
  double alpha, beta;
  bool needs_values;  // no ONNX default for its parameters
};
const ActSpec kActs[] = {
    {"Relu", 0, 0, 0, 0, false},          {"Tanh", 1, 0, 0, 0, false},
    {"Sigmoid", 2, 0, 0, 0, false},       {"Affine", 3, 2, 1.0, 0.0, true},
    {"LeakyRelu", 4, 1, 0.01, 0, false},  {"ThresholdedRelu", 5, 1, 1.0, 0, false},
    {"ScaledTanh", 6, 2, 1.0, 1.0, true}, {"HardSigmoid", 7, 2, 0.2, 0.5, false},
    {"Elu", 8, 1, 1.0, 0, false},         {"Softsign", 9, 0, 0, 0, false},
    {"Softplus", 10, 0, 0, 0, false},
};

struct Layout {
  int64_t S = 0, B = 0, I = 0, H = 0, D = 1;
  bool batch_first = false, reverse0 = false;
  std::vector<int64_t> act_kind;
  std::vector<double> act_alpha, act_beta;
};

std::vector<std::string> attr_strings(const InferContext& ctx, const std::string& name) {
  auto it = ctx.node().attrs.find(name);
  if (it == ctx.node().attrs.end()) return {};
  const auto* v = std::get_if<std::vector<std::string>>(&it->second);
  ctx.require(v != nullptr, "attribute '{}' must be a list of strings", name);
  return *v;
}

// Resolves the activation list. activation_alpha/beta hold either one value per
// activation that takes the parameter (as onnxruntime consumes them) or one value
// per activation; other lengths are ambiguous and refused.
void resolve_activations(const InferContext& ctx, const Family& f, Layout& l) {
  std::vector<std::string> names = attr_strings(ctx, "activations");
  const size_t per_dir = f.default_acts.size(), total = per_dir * static_cast<size_t>(l.D);
  if (names.empty())
    for (int64_t d = 0; d < l.D; ++d) names.insert(names.end(), f.default_acts.begin(), f.default_acts.end());
  ctx.require(names.size() == total, "activations must list {} functions ({} per direction), got {}", total, per_dir,
              names.size());
  std::vector<const ActSpec*> specs;
  for (const std::string& nm : names) {
    const ActSpec* s = nullptr;
    for (const ActSpec& a : kActs)
      if (nm == a.name) s = &a;
    ctx.require(s != nullptr, "activation '{}' is not supported", nm);
    specs.push_back(s);
  }
  const std::vector<double> alphas = ctx.attr_floats("activation_alpha"), betas = ctx.attr_floats("activation_beta");
  auto pick = [&](const std::vector<double>& vals, int min_uses, bool is_alpha) {
    std::vector<double> out;
    size_t users = 0;
    for (const ActSpec* s : specs) users += s->uses >= min_uses ? 1 : 0;
    const bool per_user = vals.size() == users, per_act = vals.size() == specs.size();
    ctx.require(vals.empty() || per_user || per_act,
                "activation_{} has {} values for {} activations of which {} take it", is_alpha ? "alpha" : "beta",
                vals.size(), specs.size(), users);
    size_t next = 0;
    for (size_t i = 0; i < specs.size(); ++i) {
      const ActSpec* s = specs[i];
      const bool uses = s->uses >= min_uses;
      double v = is_alpha ? s->alpha : s->beta;
      if (!vals.empty() && uses) v = per_user ? vals[next++] : vals[i];
      ctx.require(!uses || !s->needs_values || !vals.empty(), "activation {} needs activation_{}", s->name,
                  is_alpha ? "alpha" : "beta");
      out.push_back(v);
    }
    return out;
  };
  l.act_alpha = pick(alphas, 1, true);
  l.act_beta = pick(betas, 2, false);
  for (const ActSpec* s : specs) l.act_kind.push_back(s->kind);
}

Layout layout_of(const InferContext& ctx, const Family& f) {
  Layout l;
  ctx.require(ctx.rank(0) == 3, "X must have rank 3");
  const int64_t layout = ctx.attr_int("layout", 0);
  ctx.require(layout == 0 || layout == 1, "layout {} is not supported", layout);
  l.batch_first = layout == 1;
  const ir::Shape& x = ctx.shape(0);
  l.S = l.batch_first ? x[1] : x[0];
  l.B = l.batch_first ? x[0] : x[1];
  l.I = x[2];
  const std::string dir = ctx.attr_string("direction", "forward");
  ctx.require(dir == "forward" || dir == "reverse" || dir == "bidirectional", "direction '{}' is not supported", dir);
  l.D = dir == "bidirectional" ? 2 : 1;
  l.reverse0 = dir == "reverse";
  const ir::Shape& w = ctx.shape(1);
  ctx.require(w.size() == 3 && w[0] == l.D && w[2] == l.I && w[1] % f.gates == 0,
              "W of shape {} does not fit {} direction(s), {} gates and input size {}", ir::shape_str(w), l.D,
              f.gates, l.I);
  l.H = w[1] / f.gates;
  if (ctx.has_attr("hidden_size"))
    ctx.require(ctx.attr_int("hidden_size", 0) == l.H, "hidden_size {} does not match W ({})",
                ctx.attr_int("hidden_size", 0), l.H);
  ctx.require(l.S > 0 && l.B > 0 && l.I > 0 && l.H > 0, "empty sequence, batch, input or hidden size");
  resolve_activations(ctx, f, l);
  return l;
}

void check_input(const InferContext& ctx, size_t i, const ir::Shape& want, const char* what) {
  if (!ctx.has_input(i)) return;
  ctx.require(ctx.shape(i) == want, "{} has shape {}, expected {}", what, ir::shape_str(ctx.shape(i)),
              ir::shape_str(want));
  ctx.require(ctx.dtype(i) == ctx.dtype(0), "{} element type differs from X", what);
}

ir::Shape state_shape(const Layout& l) {
  return l.batch_first ? ir::Shape{l.B, l.D, l.H} : ir::Shape{l.D, l.B, l.H};
}

void infer_family(InferContext& ctx, const Family& f) {
  std::initializer_list<const char*> common = {"activation_alpha", "activation_beta", "activations", "clip",
                                               "direction", "hidden_size", "layout"};
  if (&f == &kGru)
    ctx.allow_attrs({"activation_alpha", "activation_beta", "activations", "clip", "direction", "hidden_size", "layout",
                     "linear_before_reset"});
  else if (&f == &kLstm)
    ctx.allow_attrs({"activation_alpha", "activation_beta", "activations", "clip", "direction", "hidden_size", "layout",
                     "input_forget"});
  else
    ctx.allow_attrs(common);
  require_float(ctx, 0);
  ctx.require(ctx.num_inputs() <= (&f == &kLstm ? 8u : 6u), "too many inputs");
  const Layout l = layout_of(ctx, f);
  const int64_t gh = f.gates * l.H;
  ctx.require(ctx.dtype(1) == ctx.dtype(0), "W element type differs from X");
  check_input(ctx, 2, {l.D, gh, l.H}, "R");
  ctx.require(ctx.has_input(2), "R is required");
  check_input(ctx, 3, {l.D, 2 * gh}, "B");
  if (ctx.has_input(4)) {
    ctx.require(ctx.dtype(4) == ir::DType::kI32, "sequence_lens must be int32");
    ctx.require(ctx.shape(4) == ir::Shape{l.B}, "sequence_lens must have shape [{}]", l.B);
  }
  check_input(ctx, 5, state_shape(l), "initial_h");
  if (&f == &kLstm) {
    check_input(ctx, 6, state_shape(l), "initial_c");
    check_input(ctx, 7, {l.D, 3 * l.H}, "P");
  }
  if (ctx.has_attr("clip")) ctx.require(ctx.attr_float("clip", 0) > 0, "clip must be positive");
  const ir::DType t = ctx.dtype(0);
  ctx.set_output(0, t, l.batch_first ? ir::Shape{l.B, l.S, l.D, l.H} : ir::Shape{l.S, l.D, l.B, l.H});
  ctx.set_output(1, t, state_shape(l));
  if (&f == &kLstm) ctx.set_output(2, t, state_shape(l));
}

Cost cost_family(const ir::Graph& g, const ir::Node& n, const Family& f) {
  InferContext ctx(g, n);
  const Layout l = layout_of(ctx, f);
  return {l.D * l.S * l.B * f.gates * l.H * (l.I + l.H)};
}

KernelCall lower_family(const ir::Graph& g, const ir::Node& n, const Family& f, const char* kernel) {
  InferContext ctx(g, n);
  const Layout l = layout_of(ctx, f);
  KernelCall k{"rnn.h", kernel, {ir::dtype_ctype(in(g, n, 0).dtype)}, {}, {}, {}};
  const bool bf = l.batch_first;
  k.params = {{"S", l.S},
              {"B", l.B},
              {"I", l.I},
              {"H", l.H},
              {"D", l.D},
              {"G", f.gates},
              {"reverse0", int64_t{l.reverse0}},
              {"x_t_stride", bf ? l.I : l.B * l.I},
              {"x_b_stride", bf ? l.S * l.I : l.I},
              {"y_t_stride", bf ? l.D * l.H : l.D * l.B * l.H},
              {"y_d_stride", bf ? l.H : l.B * l.H},
              {"y_b_stride", bf ? l.S * l.D * l.H : l.H},
              {"h_d_stride", bf ? l.H : l.B * l.H},
              {"h_b_stride", bf ? l.D * l.H : l.H},
              {"has_b", int64_t{has_in(n, 3)}},
              {"has_clip", int64_t{ctx.has_attr("clip")}},
              {"clip", ctx.attr_float("clip", 0.0)},
              {"num_acts", static_cast<int64_t>(f.default_acts.size())},
              {"act_kind", l.act_kind},
              {"act_alpha", l.act_alpha},
              {"act_beta", l.act_beta},
              {"linear_before_reset", int64_t{ctx.attr_int("linear_before_reset", 0) != 0}},
              {"input_forget", int64_t{ctx.attr_int("input_forget", 0) != 0}}};
  auto opt_in = [&](size_t i) { return has_in(n, i) ? n.inputs[i] : ir::kNoTensor; };
  auto opt_out = [&](size_t i) { return i < n.outputs.size() ? n.outputs[i] : ir::kNoTensor; };
  k.inputs = {n.inputs[0], n.inputs[1], n.inputs[2], opt_in(3), opt_in(4), opt_in(5)};
  if (&f == &kLstm) {
    k.inputs.push_back(opt_in(6));
    k.inputs.push_back(opt_in(7));
  }
  k.outputs = {opt_out(0), opt_out(1)};
  if (&f == &kLstm) k.outputs.push_back(opt_out(2));
  return k;
}

void rnn_infer(InferContext& ctx) { infer_family(ctx, kRnn); }
void gru_infer(InferContext& ctx) { infer_family(ctx, kGru); }
void lstm_infer(InferContext& ctx) { infer_family(ctx, kLstm); }
Cost rnn_cost(const ir::Graph& g, const ir::Node& n) { return cost_family(g, n, kRnn); }
Cost gru_cost(const ir::Graph& g, const ir::Node& n) { return cost_family(g, n, kGru); }
Cost lstm_cost(const ir::Graph& g, const ir::Node& n) { return cost_family(g, n, kLstm); }
KernelCall rnn_lower(const ir::Graph& g, const ir::Node& n, const target::Target&) {
  return lower_family(g, n, kRnn, "rnn");
}
KernelCall gru_lower(const ir::Graph& g, const ir::Node& n, const target::Target&) {
  return lower_family(g, n, kGru, "gru");
}
KernelCall lstm_lower(const ir::Graph& g, const ir::Node& n, const target::Target&) {
  return lower_family(g, n, kLstm, "lstm");
}

}  // namespace

extern const OpDef op_GRU = {"GRU", gru_infer, nullptr, gru_cost, gru_lower, false, nullptr, nullptr, nullptr, nullptr,
                              /*first_output_optional=*/true};
extern const OpDef op_LSTM = {"LSTM", lstm_infer, nullptr, lstm_cost, lstm_lower, false, nullptr, nullptr, nullptr, nullptr,
                              /*first_output_optional=*/true};
extern const OpDef op_RNN = {"RNN", rnn_infer, nullptr, rnn_cost, rnn_lower, false, nullptr, nullptr, nullptr, nullptr,
                              /*first_output_optional=*/true};

}  // namespace mote::ops
