#include "compiler/driver/report.h"

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <map>

#include <fmt/format.h>
#include <llvm/Support/JSON.h>

#include "codegen/generate.h"
#include "compiler/driver/bench.h"
#include "compiler/driver/footprint.h"
#include "compiler/driver/json_text.h"
#include "compiler/driver/layer_report.h"
#include "compiler/driver/test_data.h"
#include "compiler/ops/registry.h"
#include "compiler/support/error.h"
#include "compiler/support/files.h"
#include "passes/memory/storage.h"

namespace mote::driver {

namespace {

std::string html(const std::string& s) {
  std::string out;
  for (char c : s) {
    switch (c) {
      case '&': out += "&amp;"; break;
      case '<': out += "&lt;"; break;
      case '>': out += "&gt;"; break;
      case '"': out += "&quot;"; break;
      case '\'': out += "&#39;"; break;
      default:
        // Control characters from a model's names would only garble the page.
        if (static_cast<unsigned char>(c) < 0x20) out += ' ';
        else out += c;
    }
  }
  return out;
}

// Which tensors and scratch occupy the arena at which steps: the planner's view,
// read back from the planned graph. A view's output, and an output written in
// place over its input (pass in-place), share their input's box, as the planner
// groups them.
std::vector<ReportData::Box> boxes_of(const ir::Graph& g) {
  passes::memory::StorageGroups groups = passes::memory::planned_groups(g);
  std::map<ir::TensorId, ReportData::Box> boxes;
  auto touch = [&](ir::TensorId t, int step) {
    if (t == ir::kNoTensor || !g.lives_in_arena(t)) return;
    const ir::TensorId root = groups.find(t);
    auto it = boxes.find(root);
    if (it == boxes.end()) {
      const ir::Tensor& tensor = g.tensor(root);
      boxes[root] = {tensor.name, "tensor", tensor.arena_offset, tensor.bytes(), step, step};
      return;
    }
    it->second.first = std::min(it->second.first, step);
    it->second.last = std::max(it->second.last, step);
  };
  for (size_t s = 0; s < g.nodes.size(); ++s) {
    for (ir::TensorId t : g.nodes[s].outputs) touch(t, static_cast<int>(s));
    for (ir::TensorId t : g.nodes[s].inputs) touch(t, static_cast<int>(s));
  }
  std::vector<ReportData::Box> out;
  for (auto& [id, b] : boxes) out.push_back(b);
  for (size_t s = 0; s < g.nodes.size(); ++s) {
    const ir::Node& n = g.nodes[s];
    if (n.kernel && n.kernel->scratch_bytes > 0)
      out.push_back({"scratch of " + n.name, "scratch", n.kernel->scratch_offset, n.kernel->scratch_bytes,
                     static_cast<int>(s), static_cast<int>(s)});
  }
  std::sort(out.begin(), out.end(), [](const ReportData::Box& a, const ReportData::Box& b) {
    return std::tie(a.first, a.offset, a.label) < std::tie(b.first, b.offset, b.label);
  });
  return out;
}

std::string svg_plan(const ReportData& d) {
  const double W = 960, H = 360, left = 70, top = 10;
  const int steps = std::max<int>(1, static_cast<int>(d.layers.size()));
  const double sx = (W - left - 10) / steps, sy = d.arena_bytes > 0 ? (H - top - 30) / static_cast<double>(d.arena_bytes) : 0;
  std::string s = fmt::format("<svg id=\"plan\" width=\"{}\" height=\"{}\" "
                              "viewBox=\"0 0 {} {}\" role=\"img\" aria-label=\"memory plan\">\n",
                              W, H, W, H);
  s += fmt::format("<rect x=\"{}\" y=\"{}\" width=\"{:.1f}\" height=\"{:.1f}\" class=\"arena\"/>\n", left, top, W - left - 10,
                   H - top - 30);
  for (const ReportData::Box& b : d.boxes)
    s += fmt::format("<rect x=\"{:.1f}\" y=\"{:.1f}\" width=\"{:.1f}\" height=\"{:.1f}\" class=\"{}\"><title>{} "
                     "({} B at offset {}, steps {}-{})</title></rect>\n",
                     left + b.first * sx + 0.5, top + static_cast<double>(b.offset) * sy,
                     std::max(1.0, (b.last - b.first + 1) * sx - 1), std::max(1.0, static_cast<double>(b.size) * sy),
                     b.kind, html(b.label), b.size, b.offset, b.first, b.last);
  // The peak, over the boxes: the step with the most bytes live.
  s += fmt::format("<rect x=\"{:.1f}\" y=\"{}\" width=\"{:.1f}\" height=\"{:.1f}\" class=\"peak\"><title>peak: {} B "
                   "live at step {}</title></rect>\n",
                   left + d.peak_step * sx, top, sx, H - top - 30, d.peak_bytes, d.peak_step);
  s += fmt::format("<text x=\"{}\" y=\"{}\" class=\"axis\">offset 0</text>\n", 4, top + 10);
  s += fmt::format("<text x=\"{}\" y=\"{}\" class=\"axis\">{} B</text>\n", 4, H - 24, d.arena_bytes);
  s += fmt::format("<text x=\"{}\" y=\"{}\" class=\"axis\">schedule step 0 .. {} &#8594; peak {} B at step {}</text>\n",
                   left, H - 6, steps - 1, d.peak_bytes, d.peak_step);
  s += "</svg>\n";
  return s;
}

std::string bar(const char* what, int64_t needed, int64_t available) {
  const double frac = available > 0 ? static_cast<double>(needed) / static_cast<double>(available) : 0;
  return fmt::format("<div class=\"budget\" id=\"budget-{0}\"><span class=\"label\">{0}</span>"
                     "<div class=\"track\"><div class=\"fill{1}\" style=\"width:{2:.1f}%\"></div></div>"
                     "<span class=\"num\"><span class=\"needed\">{3}</span> of <span class=\"available\">{4}</span> bytes "
                     "({5:.1f}%)</span></div>\n",
                     what, frac > 1 ? " over" : "", std::min(100.0, frac * 100), needed, available, frac * 100);
}

// The data for the SNR column: --data, else the model's folder if it holds test
// data, else none ("").
std::string snr_data_dir(const ReportOptions& opts) {
  if (!opts.data_dir.empty()) return opts.data_dir;
  std::string dir = std::filesystem::path(opts.compile.model_path).parent_path().string();
  if (dir.empty()) dir = ".";
  try {
    find_data_sets(dir);
  } catch (const support::Refusal&) {
    return "";
  }
  return dir;
}

// The SNR column: verify --per-layer's measurement (layer_report.h), each int8
// tensor credited to the layer whose kernel computes it, matched by node name. It
// runs on the host whatever the target: the int8 kernels of every core compute
// what the reference kernels compute, bit for bit (tests/kernels), so the figures
// are the target's too.
void add_snr(const ReportOptions& opts, ReportData& d) {
  if (!opts.compile.quantize) {
    if (!opts.data_dir.empty())
      throw support::Refusal("--data measures the int8 SNR per layer: it needs --quantize int8 --calibrate DIR");
    return;
  }
  const std::string data = snr_data_dir(opts);
  if (data.empty()) {
    fmt::print(stderr, "mote: report: no test data in the model's folder, so no int8 SNR column (give --data DIR)\n");
    return;
  }
  VerifyOptions vo;
  vo.compile = opts.compile;
  vo.compile.target = target::host_target();
  vo.data_dir = data;
  const LayerErrors e = measure_layer_errors(vo, stderr);
  if (!e.ok) throw support::Error(support::kExitVerifyFailed, "the per-layer int8 comparison failed (see above)");
  d.snr_data_sets = e.data_sets;
  d.snr_data = data;
  for (const LayerError& row : e.rows) {
    if (!row.quantized) continue;  // kept float: its layer shows a dash
    const auto l = std::find_if(d.layers.begin(), d.layers.end(), [&](const ReportData::Layer& x) { return x.name == row.node; });
    if (l == d.layers.end()) {
      // The exposed build is the plain one plus DequantizeLinear nodes: a miss is a bug.
      fmt::print(stderr, "mote: report: warning: no layer '{}' for int8 tensor '{}'\n", row.node, row.tensor);
      continue;
    }
    if (!l->snr_db) l->snr_db = row.snr_db;  // a node's first output
  }
}

}  // namespace

ReportData make_report(const ReportOptions& opts) {
  CompileOptions co = opts.compile;
  co.symbol = "model";
  const CompileResult r = compile(co);
  const ir::Graph& g = r.graph;
  const target::Target& t = opts.compile.target;
  ReportData d;
  d.model = opts.compile.model_path;
  d.target = t.name;
  d.arena_bytes = r.memory.arena_bytes;
  d.lower_bound_bytes = r.memory.lower_bound_bytes;
  d.unshared_bytes = r.memory.unshared_bytes;
  d.weights_bytes = r.weight_bytes;
  d.macs = r.macs;
  d.boxes = boxes_of(g);

  std::vector<uint64_t> layer_instructions;
  if (!t.host) {
    require_bench_target(t);
    BenchOptions bo;
    bo.compile = opts.compile;
    bo.toolchain = opts.toolchain;
    bo.per_layer = true;
    const BenchRun run = run_bench(bo, r);
    if (!run.ok) throw support::Error(support::kExitVerifyFailed, run.failure);
    d.instructions = run.instructions;
    for (const LayerCost& l : run.layers) layer_instructions.push_back(l.instructions);
    const Budget budget = target_budget(t);
    if (has_budget(budget)) {
      const FitCheck fit = check_fits(r, t, budget, opts.toolchain, co.model_path);
      d.ram_needed = fit.footprint.ram();
      d.ram_available = budget.ram;
      d.flash_needed = fit.footprint.flash();
      d.flash_available = budget.flash;
    }
  }
  const std::vector<ir::TensorId> consts = codegen::kernel_constants(g);
  for (size_t i = 0; i < g.nodes.size(); ++i) {
    const ir::Node& n = g.nodes[i];
    ReportData::Layer l;
    l.index = i;
    l.name = n.name;
    l.op = n.op;
    l.variant = n.kernel ? n.kernel->kernel : "";
    const ops::OpDef* def = ops::find_op(n.op);
    l.macs = def && def->cost ? def->cost(g, n).macs : 0;
    if (n.kernel)
      for (ir::TensorId c : n.kernel->inputs)
        if (c != ir::kNoTensor && std::binary_search(consts.begin(), consts.end(), c)) l.weights_bytes += g.tensor(c).bytes();
    if (!n.outputs.empty() && n.outputs[0] != ir::kNoTensor) l.output_shape = ir::shape_str(g.tensor(n.outputs[0]).shape);
    for (const ReportData::Box& b : d.boxes)
      if (b.first <= static_cast<int>(i) && static_cast<int>(i) <= b.last) l.live_bytes += b.size;
    if (i < layer_instructions.size()) l.instructions = layer_instructions[i];
    if (l.live_bytes > d.peak_bytes) d.peak_bytes = l.live_bytes, d.peak_step = static_cast<int>(i);
    d.layers.push_back(l);
  }
  add_snr(opts, d);
  return d;
}

std::string report_json(const ReportData& d) {
  namespace json = llvm::json;
  auto opt = [](const auto& v) { return v ? json::Value(static_cast<int64_t>(*v)) : json::Value(nullptr); };
  json::Array layers, boxes;
  for (const ReportData::Layer& l : d.layers)
    layers.push_back(json::Object{{"index", static_cast<int64_t>(l.index)}, {"name", json::fixUTF8(l.name)},
                                  {"op", l.op}, {"variant", l.variant}, {"output_shape", l.output_shape},
                                  {"macs", l.macs}, {"weights_bytes", l.weights_bytes}, {"live_bytes", l.live_bytes},
                                  {"instructions", opt(l.instructions)},
                                  {"snr_db", l.snr_db && std::isfinite(*l.snr_db) ? json::Value(*l.snr_db) : json::Value(nullptr)}});
  for (const ReportData::Box& b : d.boxes)
    boxes.push_back(json::Object{{"label", json::fixUTF8(b.label)}, {"kind", b.kind}, {"offset", b.offset},
                                 {"size", b.size}, {"first", b.first}, {"last", b.last}});
  json::Object o{{"command", "report"}, {"model", json::fixUTF8(d.model)}, {"target", d.target},
                 {"arena_bytes", d.arena_bytes}, {"arena_lower_bound_bytes", d.lower_bound_bytes},
                 {"arena_unshared_bytes", d.unshared_bytes}, {"weights_bytes", d.weights_bytes}, {"macs", d.macs},
                 {"instructions", opt(d.instructions)}, {"peak_step", d.peak_step}, {"peak_bytes", d.peak_bytes},
                 {"ram_needed_bytes", opt(d.ram_needed)}, {"ram_available_bytes", opt(d.ram_available)},
                 {"flash_needed_bytes", opt(d.flash_needed)}, {"flash_available_bytes", opt(d.flash_available)},
                 {"snr_data_sets", opt(d.snr_data_sets)},
                 {"snr_data", d.snr_data_sets ? json::Value(json::fixUTF8(d.snr_data)) : json::Value(nullptr)},
                 {"layers", std::move(layers)}, {"buffers", std::move(boxes)}};
  return json_text(json::Value(std::move(o)));
}

std::string report_html(const ReportData& d) {
  std::string h =
      "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
      "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; style-src 'unsafe-inline'\">\n";
  h += fmt::format("<title>Mote report: {}</title>\n", html(d.model));
  h += "<style>\n"
       "body{font-family:sans-serif;margin:24px;color:#222}h1{font-size:20px}h2{font-size:16px;margin-top:28px}\n"
       "table{border-collapse:collapse;font-size:12px}td,th{border:1px solid #ccc;padding:3px 6px;text-align:right}\n"
       "td.text,th.text{text-align:left}tr.peak td{background:#fde2e2}\n"
       ".arena{fill:#f7f7f7;stroke:#999}.peak{fill:none;stroke:#d9534f;stroke-width:2}.tensor{fill:#4a90d9;fill-opacity:.75;stroke:#1d4f8a}\n"
       ".scratch{fill:#e8a33d;fill-opacity:.8;stroke:#9a6210}.axis{font-size:11px;fill:#555}\n"
       ".budget{display:flex;align-items:center;gap:10px;margin:6px 0}.budget .label{width:50px}\n"
       ".track{width:400px;height:16px;background:#eee;border:1px solid #aaa}.fill{height:100%;background:#5cb85c}\n"
       ".fill.over{background:#d9534f}dl{display:grid;grid-template-columns:220px auto;font-size:13px}\n"
       "</style>\n</head>\n<body>\n";
  h += fmt::format("<h1>Mote report: {} for {}</h1>\n", html(d.model), html(d.target));
  h += "<dl id=\"summary\">\n";
  auto row = [&](const char* id, const char* what, const std::string& value) {
    h += fmt::format("<dt>{}</dt><dd id=\"{}\">{}</dd>\n", what, id, value);
  };
  row("arena-bytes", "arena (bytes)", std::to_string(d.arena_bytes));
  row("lower-bound-bytes", "ideal of the schedule (bytes)", std::to_string(d.lower_bound_bytes));
  row("unshared-bytes", "one buffer per tensor (bytes)", std::to_string(d.unshared_bytes));
  row("weights-bytes", "weights (bytes)", std::to_string(d.weights_bytes));
  row("macs", "MACs per inference", std::to_string(d.macs));
  row("instructions", "instructions per inference (QEMU count, not cycles)",
      d.instructions ? std::to_string(*d.instructions) : std::string("-"));
  if (d.snr_data_sets)
    row("snr-data", "int8 SNR measured on", fmt::format("{} data sets of {}", *d.snr_data_sets, html(d.snr_data)));
  h += "</dl>\n";
  if (d.ram_needed) {
    h += "<h2>Budget of the part</h2>\n";
    h += bar("RAM", *d.ram_needed, *d.ram_available);
    h += bar("flash", *d.flash_needed, *d.flash_available);
  }
  h += "<h2>Memory plan</h2>\n<p>Each box is a tensor (blue) or a kernel's scratch (orange), over the schedule steps "
       "it is live and the arena bytes it holds; the red column is the peak.</p>\n";
  h += svg_plan(d);
  h += "<h2>Layers</h2>\n<table id=\"layers\">\n<thead><tr><th>#</th><th class=\"text\">layer</th><th class=\"text\">op"
       "</th><th class=\"text\">output</th><th>MACs</th><th>weights B</th><th>live B</th><th>instructions</th>";
  if (d.snr_data_sets) h += "<th class=\"snr\">SNR (dB)</th>";
  h += "<th class=\"text\">kernel</th></tr></thead>\n<tbody>\n";
  for (const ReportData::Layer& l : d.layers) {
    // The precision verify --per-layer prints.
    const std::string snr = !d.snr_data_sets ? ""
                            : !l.snr_db      ? "<td class=\"snr\">-</td>"
                                             : fmt::format("<td class=\"snr\">{:.1f}</td>", *l.snr_db);
    h += fmt::format(
        "<tr{}><td class=\"index\">{}</td><td class=\"text name\">{}</td><td class=\"text op\">{}</td>"
        "<td class=\"text shape\">{}</td><td class=\"macs\">{}</td><td class=\"weights\">{}</td><td class=\"live\">{}</td>"
        "<td class=\"instructions\">{}</td>{}<td class=\"text variant\">{}</td></tr>\n",
        static_cast<int>(l.index) == d.peak_step ? " class=\"peak\"" : "", l.index, html(l.name), html(l.op),
        html(l.output_shape), l.macs, l.weights_bytes, l.live_bytes,
        l.instructions ? std::to_string(*l.instructions) : std::string("-"), snr, html(l.variant));
  }
  h += "</tbody>\n</table>\n<p>Generated by Mote. Instructions per layer come from a build with the profiling hooks "
       "(mote bench --per-layer); live bytes count the tensors and scratch the plan holds at that step.";
  if (d.snr_data_sets)
    h += " SNR is the layer's int8 output against the float model's, 10&#183;log10(&#931;float&#178; / "
         "&#931;(int8 &#8722; float)&#178;) over the data sets, as mote verify --per-layer measures it on the host; "
         "a dash: the layer stays float or has no int8 output of its own.";
  h += "</p>\n</body>\n</html>\n";
  return h;
}

int report(const ReportOptions& opts) {
  const ReportData d = make_report(opts);
  const std::filesystem::path parent = std::filesystem::path(opts.output).parent_path();
  std::error_code ec;
  if (!parent.empty()) std::filesystem::create_directories(parent, ec);
  support::write_file(opts.output, report_html(d));
  if (opts.json) fmt::print("{}\n", report_json(d));
  else
    fmt::print("mote: wrote {} ({} layers, arena {} bytes, peak at step {}{})\n", opts.output, d.layers.size(),
               d.arena_bytes, d.peak_step,
               d.snr_data_sets ? fmt::format(", int8 SNR per layer over {} data sets", *d.snr_data_sets) : "");
  return support::kExitOk;
}

}  // namespace mote::driver
