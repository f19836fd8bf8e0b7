// Concat: any number of inputs along one axis, any element type (it only moves
// elements). Kernel: concat.h, which takes the inputs as one array of pointers.
// Folds when every input is constant: exported graphs build shape vectors so.
// Its int8 form (inputs and output int8 per tensor, each with its own parameters)
// runs concat_s8.h, which requantizes the inputs whose parameters differ from the
// output's; when none does, the plain concat.h copies.
#include <algorithm>

#include "compiler/ops/helpers.h"
#include "compiler/ops/quant_common.h"
#include "compiler/quant/fixed_point.h"

namespace mote::ops {

namespace {

int64_t axis_of(const InferContext& ctx) {
  ctx.require(ctx.has_attr("axis"), "the axis attribute is required");
  return ctx.axis(ctx.attr_int("axis", 0), ctx.rank(0));
}

void infer(InferContext& ctx) {
  ctx.allow_attrs({"axis"});
  ctx.require(ctx.num_inputs() >= 1, "Concat needs at least one input");
  const ir::DType t = ctx.dtype(0);
  ctx.require(ir::dtype_size(t) > 0, "element type {} is not supported", ir::dtype_name(t));
  ctx.require(ctx.rank(0) >= 1, "cannot concatenate scalars");
  const int64_t axis = axis_of(ctx);
  ir::Shape y = ctx.shape(0);
  y[static_cast<size_t>(axis)] = 0;
  for (size_t i = 0; i < ctx.num_inputs(); ++i) {
    const ir::Shape& s = ctx.shape(i);
    ctx.require(ctx.dtype(i) == t, "input {} has element type {}, input 0 has {}", i, ir::dtype_name(ctx.dtype(i)),
                ir::dtype_name(t));
    ctx.require(s.size() == y.size(), "input {} has rank {}, input 0 has rank {}", i, s.size(), y.size());
    for (size_t d = 0; d < s.size(); ++d)
      ctx.require(static_cast<int64_t>(d) == axis || s[d] == y[d], "input {} has shape {}, which does not match {}",
                  i, ir::shape_str(s), ir::shape_str(ctx.shape(0)));
    y[static_cast<size_t>(axis)] += s[static_cast<size_t>(axis)];
  }
  ctx.set_output(0, t, y);
}

// The output is `outer` rows; each row is the inputs' rows one after another,
// input i contributing chunks[i] elements.
void layout(const ir::Graph& g, const ir::Node& n, int64_t& outer, std::vector<int64_t>& chunks) {
  const int64_t axis = axis_of(InferContext(g, n));
  const ir::Shape& y = out(g, n, 0).shape;
  outer = ir::shape_elements(ir::Shape(y.begin(), y.begin() + axis));
  chunks.clear();
  for (size_t i = 0; i < n.inputs.size(); ++i) {
    const ir::Shape& s = in(g, n, i).shape;
    chunks.push_back(ir::shape_elements(ir::Shape(s.begin() + axis, s.end())));
  }
}

bool fold(const ir::Graph& g, const ir::Node& n, std::vector<std::vector<uint8_t>>& outs) {
  for (size_t i = 0; i < n.inputs.size(); ++i)
    if (!in(g, n, i).is_constant()) return false;
  int64_t outer;
  std::vector<int64_t> chunks;
  layout(g, n, outer, chunks);
  const size_t es = static_cast<size_t>(ir::dtype_size(out(g, n, 0).dtype));
  std::vector<uint8_t> y;
  y.reserve(static_cast<size_t>(out(g, n, 0).elements()) * es);
  for (int64_t o = 0; o < outer; ++o)
    for (size_t i = 0; i < n.inputs.size(); ++i) {
      const std::vector<uint8_t>& x = *in(g, n, i).data;
      const size_t bytes = static_cast<size_t>(chunks[i]) * es;
      const auto from = x.begin() + static_cast<std::ptrdiff_t>(static_cast<size_t>(o) * bytes);
      y.insert(y.end(), from, from + static_cast<std::ptrdiff_t>(bytes));
    }
  outs = {std::move(y)};
  return true;
}

KernelCall lower(const ir::Graph& g, const ir::Node& n, const target::Target&) {
  int64_t outer;
  std::vector<int64_t> chunks;
  layout(g, n, outer, chunks);
  KernelCall k{"concat.h", "concat", {ir::dtype_ctype(out(g, n, 0).dtype)}, {}, n.inputs, {n.outputs[0]}};
  k.inputs_as_array = true;
  k.params = {{"inputs", static_cast<int64_t>(chunks.size())}, {"outer", outer}, {"chunks", chunks}};
  const ir::Tensor& y = out(g, n, 0);
  if (!is_s8_quantized(y)) return k;
  // The int8 form: each input's part brought to the output's parameters,
  // x_out = zp_out + (x - zp_in) * s_in / s_out in fixed point (TFLite's Requantize).
  bool requantizes = false;
  std::vector<int64_t> same, in_zp, mult, shift;
  for (size_t i = 0; i < n.inputs.size(); ++i) {
    const ir::QuantParams& x = in(g, n, i).quant;
    const bool equal = x.scale == y.quant.scale && x.zero_point == y.quant.zero_point;
    requantizes = requantizes || !equal;
    std::string err;
    const auto m = quant::quantize_multiplier(static_cast<double>(x.scale[0]) / static_cast<double>(y.quant.scale[0]), &err);
    if (!m) throw support::Refusal(fmt::format("int8 Concat: input {}'s rescaling: {}", i, err));
    same.push_back(equal);
    in_zp.push_back(x.zero_point[0]);
    mult.push_back(m->multiplier);
    shift.push_back(m->shift);
  }
  if (!requantizes) return k;
  k.file = "concat_s8.h";
  k.kernel = "concat_s8";
  k.type_args.clear();
  k.params.push_back({"same", same});
  k.params.push_back({"in_zp", in_zp});
  k.params.push_back({"mult", mult});
  k.params.push_back({"shift", shift});
  k.params.push_back({"out_zp", int64_t{y.quant.zero_point[0]}});
  return k;
}

// The int8 rule: every input is read in int8 and quantized in front when float;
// the output has its own calibrated range.
std::string int8_form(const ir::Graph& g, const ir::Node& n) {
  if (n.inputs.empty()) return "it has no input";
  return single_output_form(g, n);
}

const Int8Rule int8_rule = {int8_form, kAllInputs, /*quantizes_inputs=*/true};

}  // namespace

extern const OpDef op_Concat = {"Concat", infer, fold, nullptr, lower, false, nullptr, &int8_rule};

}  // namespace mote::ops
