#include "compiler/driver/layer_report.h"

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <map>
#include <optional>

#include <fmt/format.h>

#include "compiler/driver/host_build.h"
#include "compiler/driver/test_data.h"
#include "compiler/ir/tensor_data.h"
#include "compiler/support/error.h"
#include "compiler/support/files.h"
#include "compiler/support/process.h"
#include "frontend/tensor_proto.h"

namespace mote::driver {

namespace fs = std::filesystem;

namespace {

struct Build {
  CompileResult r;
  std::string exe;
};

// Error of one exposed tensor over all data sets.
struct Error {
  double signal = 0, noise = 0, max_abs = 0;
  size_t elements = 0;
};

double snr_db(const Error& e) {
  if (e.noise == 0) return INFINITY;
  return 10 * std::log10(e.signal / e.noise);
}

// Runs `b` on the input files in `dir`; the outputs land in DIR/NAME_out_N.bin.
bool run(const Build& b, const std::string& dir, const std::string& name, size_t inputs, int timeout, std::FILE* out) {
  std::vector<std::string> argv = {b.exe};
  for (size_t i = 0; i < inputs; ++i) argv.push_back(fmt::format("in_{}.bin", i));
  argv.push_back("--");
  for (size_t i = 0; i < b.r.graph.outputs.size(); ++i) argv.push_back(fmt::format("{}_out_{}.bin", name, i));
  const support::ProcessResult p = support::run_process(argv, timeout, dir);
  if (p.exited && p.exit_code == 0) return true;
  fmt::print(out, "per-layer: FAIL: the {} build crashed on {} ({})\n{}\n", name, dir, support::describe(p, timeout), p.output);
  return false;
}

std::vector<double> read_output(const ir::Tensor& like, const std::string& path) {
  ir::Tensor t = like;
  const std::string s = support::read_text(path);
  t.data = std::vector<uint8_t>(s.begin(), s.end());
  if (t.data->size() != static_cast<size_t>(like.bytes()))
    throw support::InternalError(fmt::format("{}: {} bytes, expected {} for '{}'", path, t.data->size(), like.bytes(), like.name));
  return ir::data_as_double(t);
}

// The op a row shows: the kernel computing the tensor, "+Relu"/"+Clip" when an
// activation is fused into it.
std::string op_label(const ir::Node& n) {
  const auto lo = n.attrs.find("mote_act_min");
  if (lo == n.attrs.end()) return n.op;
  const auto hi = n.attrs.find("mote_act_max");
  const double* l = std::get_if<double>(&lo->second);
  const double* h = hi == n.attrs.end() ? nullptr : std::get_if<double>(&hi->second);
  const bool relu = l && *l == 0 && (!h || std::isinf(*h));
  return n.op + (relu ? "+Relu" : "+Clip");
}

}  // namespace

void check_layer_report(const VerifyOptions& opts) {
  if (!opts.compile.target.host)
    throw support::Refusal(fmt::format("--per-layer runs on the host only, not on '{}': drop --target",
                                       opts.compile.target.name));
  if (!opts.compile.quantize)
    throw support::Refusal("--per-layer compares the int8 build with the float build: it needs --quantize int8 --calibrate DIR");
  if (!opts.bind_inputs.empty()) throw support::Refusal("--per-layer does not support --bind-input");
}

LayerErrors measure_layer_errors(const VerifyOptions& opts, std::FILE* out) {
  check_layer_report(opts);
  LayerErrors result;
  const std::vector<DataSet> sets = find_data_sets(opts.data_dir);
  support::TempDir tmp("per_layer");
  if (opts.keep) tmp.keep();

  // Both builds expose every intermediate: the float one before fusion, the int8
  // one right before quantize-int8 (compile.h), so it computes what the plain int8
  // build computes.
  auto make = [&](bool int8) {
    CompileOptions co = opts.compile;
    co.symbol = "model";
    co.expose_intermediates = true;
    if (!int8) co.quantize.reset();
    Build b{compile(co), {}};
    const std::string dir = (fs::path(tmp.path()) / (int8 ? "int8" : "float")).string();
    const BuildResult br = build_host(b.r, dir, opts.build);
    if (!br.ok) {
      fmt::print(out, "per-layer: FAIL: the {} build with exposed tensors does not build:\n{}\n", int8 ? "int8" : "float",
                 br.log);
      return std::optional<Build>();
    }
    b.exe = br.executable;
    return std::optional<Build>(std::move(b));
  };
  const std::optional<Build> fb = make(false);
  if (!fb) return result;
  const std::optional<Build> qb = make(true);
  if (!qb) return result;
  const ir::Graph& fg = fb->r.graph;
  const ir::Graph& qg = qb->r.graph;
  result.model = fg.name;
  result.data_sets = sets.size();
  if (opts.keep) fmt::print(out, "per-layer: build folders kept at {}\n", tmp.path());

  // The int8 build's outputs matched by name with float outputs of the float build.
  std::map<std::string, size_t> float_index;
  for (size_t i = 0; i < fg.outputs.size(); ++i)
    if (fg.tensor(fg.outputs[i]).dtype == ir::DType::kF32) float_index[fg.tensor(fg.outputs[i]).name] = i;
  struct Row {
    size_t f = 0, q = 0;  // output index in the float and int8 builds
    int step = 0;         // the int8 schedule position of the computing node
    LayerError out;
    Error err;
  };
  std::vector<Row> rows;
  const std::vector<int> qprod = qg.producers();
  for (size_t i = 0; i < qg.outputs.size(); ++i) {
    const ir::Tensor& t = qg.tensor(qg.outputs[i]);
    const auto it = float_index.find(t.name);
    const int p = qprod[static_cast<size_t>(qg.outputs[i])];
    if (it == float_index.end() || p < 0 || t.dtype != ir::DType::kF32) continue;
    Row row;
    row.f = it->second;
    row.q = i;
    row.step = p;
    row.out.tensor = t.name;
    const ir::Node* n = &qg.nodes[static_cast<size_t>(p)];
    row.out.dtype = "float";
    row.out.scale = "-";
    if (n->op == "DequantizeLinear") {  // an int8 tensor, dequantized at the boundary
      const ir::Tensor& q = qg.tensor(n->inputs[0]);
      row.out.quantized = true;
      row.out.dtype = q.dtype == ir::DType::kI8 ? "int8" : q.dtype == ir::DType::kI16 ? "int16" : ir::dtype_name(q.dtype);
      if (!q.quant.empty()) row.out.scale = fmt::format("{:.4g}", q.quant.scale[0]);
      const int pp = qprod[static_cast<size_t>(n->inputs[0])];
      if (pp >= 0) {
        row.step = pp;
        n = &qg.nodes[static_cast<size_t>(pp)];
      }
    }
    row.out.op = op_label(*n);
    row.out.node = n->name;
    rows.push_back(std::move(row));
  }
  std::stable_sort(rows.begin(), rows.end(), [](const Row& a, const Row& b) { return a.step < b.step; });

  for (size_t s = 0; s < sets.size(); ++s) {
    const DataSet& set = sets[s];
    if (set.inputs.size() != fg.inputs.size())
      throw support::Refusal(fmt::format("{}: {} input files, the model has {} inputs", set.dir, set.inputs.size(), fg.inputs.size()));
    const std::string dir = (fs::path(tmp.path()) / fmt::format("set_{}", s)).string();
    fs::create_directories(dir);
    for (size_t i = 0; i < set.inputs.size(); ++i) {
      const ir::Tensor t = frontend::read_tensor_file(set.inputs[i]);
      const ir::Tensor& want = fg.tensor(fg.inputs[i]);
      if (t.dtype != want.dtype || t.elements() != want.elements())
        throw support::Refusal(fmt::format("{}: {} [{}] does not match input '{}' ({} [{}])", set.inputs[i],
                                           ir::dtype_name(t.dtype), ir::shape_str(t.shape), want.name,
                                           ir::dtype_name(want.dtype), ir::shape_str(want.shape)));
      support::write_file((fs::path(dir) / fmt::format("in_{}.bin", i)).string(), std::string(t.data->begin(), t.data->end()));
    }
    if (!run(*fb, dir, "float", set.inputs.size(), opts.run_timeout_seconds, out) ||
        !run(*qb, dir, "int8", set.inputs.size(), opts.run_timeout_seconds, out))
      return result;
    for (Row& row : rows) {
      const std::vector<double> w = read_output(fg.tensor(fg.outputs[row.f]), (fs::path(dir) / fmt::format("float_out_{}.bin", row.f)).string());
      const std::vector<double> o = read_output(qg.tensor(qg.outputs[row.q]), (fs::path(dir) / fmt::format("int8_out_{}.bin", row.q)).string());
      for (size_t e = 0; e < w.size() && e < o.size(); ++e) {
        const double d = o[e] - w[e];
        row.err.signal += w[e] * w[e];
        row.err.noise += d * d;
        row.err.max_abs = std::max(row.err.max_abs, std::fabs(d));
      }
      row.err.elements += w.size();
    }
  }

  for (Row& row : rows) {
    row.out.snr_db = snr_db(row.err);
    row.out.max_abs = row.err.max_abs;
    result.rows.push_back(std::move(row.out));
  }
  // Float tensors the int8 build does not hand back (pre-activation values of fused kernels).
  for (const auto& [name, i] : float_index)
    if (std::none_of(rows.begin(), rows.end(), [j = i](const Row& r) { return r.f == j; }))
      result.not_exposed.push_back(name);
  std::sort(result.not_exposed.begin(), result.not_exposed.end(), [&](const std::string& a, const std::string& b) {
    return float_index.at(a) < float_index.at(b);
  });
  result.ok = true;
  return result;
}

void print_layer_errors(const LayerErrors& e, std::FILE* out) {
  fmt::print(out, "per-layer: {}: int8 against float, {} tensors over {} data sets (schedule order)\n", e.model,
             e.rows.size(), e.data_sets);
  size_t width = 6;
  for (const LayerError& r : e.rows) width = std::max(width, r.tensor.size());
  fmt::print(out, "  {:<{}} {:<12} {:<6} {:>9} {:>12} {:>10}\n", "tensor", width, "op", "dtype", "SNR dB", "max abs err",
             "scale");
  const LayerError* worst = nullptr;
  for (const LayerError& r : e.rows) {
    fmt::print(out, "  {:<{}} {:<12} {:<6} {:>9.1f} {:>12.4g} {:>10}\n", r.tensor, width, r.op, r.dtype, r.snr_db,
               r.max_abs, r.scale);
    if (r.quantized && (!worst || r.snr_db < worst->snr_db)) worst = &r;
  }
  if (!e.not_exposed.empty())
    fmt::print(out, "  computed inside a fused int8 kernel, not exposed: {}\n", fmt::join(e.not_exposed, ", "));
  if (worst)
    fmt::print(out, "per-layer: worst int8 layer: '{}' ({}): SNR {:.1f} dB\n", worst->tensor, worst->op, worst->snr_db);
  else
    fmt::print(out, "per-layer: no tensor is int8 in the int8 build\n");
}

int layer_report(const VerifyOptions& opts) {
  const LayerErrors e = measure_layer_errors(opts, stdout);
  if (!e.ok) return support::kExitVerifyFailed;
  print_layer_errors(e, stdout);
  return support::kExitOk;
}

}  // namespace mote::driver
