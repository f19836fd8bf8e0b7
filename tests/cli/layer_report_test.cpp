// `mote verify --quantize int8 --calibrate DIR --per-layer`: one row per tensor of
// the int8 build with its SNR against the float build, the output's row agreeing
// with what plain int8 verify reports, the worst layer named, and refusals.
#include <catch2/catch.hpp>

#include <cmath>
#include <filesystem>
#include <regex>
#include <sstream>

#include "compiler/driver/calibrate.h"
#include "compiler/driver/compile.h"
#include "compiler/support/files.h"
#include "compiler/support/process.h"
#include "run_mote.h"

namespace fs = std::filesystem;

namespace {

using mote::test::Run;
using mote::test::run_mote;

const std::string kDigits = std::string(MOTE_MODELS_DIR) + "/digits_mlp";
const std::string kCalibration = kDigits + "/calibration";

struct Row {
  std::string tensor, op, dtype;
  double snr = NAN, max_abs = NAN;
  std::string scale;
};

// The table between the "per-layer: ... tensors" line and the worst-layer line.
std::vector<Row> rows_of(const std::string& out) {
  std::vector<Row> rows;
  std::istringstream in(out);
  std::string line;
  bool table = false;
  while (std::getline(in, line)) {
    if (line.rfind("per-layer:", 0) == 0) {
      table = line.find("tensors over") != std::string::npos;
      continue;
    }
    if (!table || line.find("  tensor ") == 0 || line.find("computed inside a fused") != std::string::npos) continue;
    std::istringstream f(line);
    Row r;
    std::string snr;
    if (f >> r.tensor >> r.op >> r.dtype >> snr >> r.max_abs >> r.scale) {
      r.snr = std::stod(snr);
      rows.push_back(r);
    }
  }
  return rows;
}

// "'output' SNR 28.7 dB" in plain verify's summary line.
double summary_snr(const std::string& out, const std::string& name) {
  const std::regex re("'" + name + "' SNR ([-0-9.inf]+) dB");
  std::smatch m;
  if (!std::regex_search(out, m, re)) return NAN;
  return std::stod(m[1].str());
}

}  // namespace

TEST_CASE("--per-layer is refused without --quantize and on Cortex-M targets", "[cli][per-layer]") {
  const Run no_q = run_mote({"verify", kDigits, "--per-layer"});
  CHECK(no_q.code == 2);
  CHECK(no_q.output.find("--per-layer") != std::string::npos);
  const Run m4 = run_mote({"verify", kDigits, "--quantize", "int8", "--calibrate", kCalibration, "--per-layer",
                           "--target", "cortex-m4"});
  CHECK(m4.code == 2);
  CHECK(m4.output.find("host only") != std::string::npos);
}

TEST_CASE("--per-layer reports every Gemm/Relu tensor of digits_mlp and agrees with plain int8 verify",
          "[cli][per-layer]") {
  const Run plain = run_mote({"verify", kDigits, "--quantize", "int8", "--calibrate", kCalibration});
  INFO(plain.output);
  REQUIRE(plain.code == 0);
  const double plain_snr = summary_snr(plain.output, "output");
  REQUIRE(std::isfinite(plain_snr));

  const Run r = run_mote({"verify", kDigits, "--quantize", "int8", "--calibrate", kCalibration, "--per-layer",
                          "--target", "host"});
  INFO(r.output);
  REQUIRE(r.code == 0);
  const std::vector<Row> rows = rows_of(r.output);
  // digits_mlp is Gemm, Relu, Gemm, Relu, Gemm: in the int8 build each Relu is fused
  // into its Gemm, so there is one int8 tensor per Gemm kernel, the pre-activation
  // tensors are listed as fused away.
  REQUIRE(rows.size() == 3);
  CHECK(rows[0].op == "Gemm+Relu");
  CHECK(rows[1].op == "Gemm+Relu");
  CHECK(rows[2].op == "Gemm");
  CHECK(rows[2].tensor == "output");
  for (const Row& row : rows) {
    INFO(row.tensor);
    CHECK(row.dtype == "int8");
    CHECK(std::isfinite(row.snr));
    CHECK(row.snr > 0);
    CHECK(std::stod(row.scale) > 0);
  }
  CHECK(r.output.find("computed inside a fused int8 kernel, not exposed: /net/net.0/Gemm_output_0, /net/net.2/Gemm_output_0") !=
        std::string::npos);
  // The report measures the build plain verify measures: the same output SNR.
  CHECK(std::fabs(rows[2].snr - plain_snr) <= 0.5);
  // The report follows plain verify's own verdict in the same run.
  CHECK(std::fabs(summary_snr(r.output, "output") - plain_snr) <= 0.05);
  // The worst layer is the int8 row with the lowest SNR.
  const Row* worst = &rows[0];
  for (const Row& row : rows)
    if (row.snr < worst->snr) worst = &row;
  CHECK(r.output.find("worst int8 layer: '" + worst->tensor + "'") != std::string::npos);
}

TEST_CASE("exposing the int8 build's tensors keeps its fusion and int8 parameters", "[cli][per-layer]") {
  mote::driver::CompileOptions co;
  co.model_path = kDigits + "/model.onnx";
  mote::driver::calibrate_for_quantization(co, kCalibration, mote::quant::CalibrationMethod::kMinMax);
  const mote::driver::CompileResult plain = mote::driver::compile(co);
  co.expose_intermediates = true;
  const mote::driver::CompileResult exposed = mote::driver::compile(co);
  // Every node but the boundary DequantizeLinears, with its fused clamp and output
  // int8 parameters: exposing only adds DequantizeLinear nodes.
  auto kernels = [](const mote::ir::Graph& g, int& dequantize) {
    std::vector<std::string> v;
    dequantize = 0;
    for (const mote::ir::Node& n : g.nodes) {
      if (n.op == "DequantizeLinear") {
        ++dequantize;
        continue;
      }
      const mote::ir::Tensor& out = g.tensor(n.outputs[0]);
      v.push_back(n.op + (n.attrs.count("mote_act_min") ? "+act " : " ") + mote::ir::dtype_name(out.dtype) +
                  (out.quant.empty() ? "" : " " + std::to_string(out.quant.scale[0]) + " " +
                                                std::to_string(out.quant.zero_point[0])));
    }
    return v;
  };
  int dq_plain = 0, dq_exposed = 0;
  const std::vector<std::string> a = kernels(plain.graph, dq_plain), b = kernels(exposed.graph, dq_exposed);
  CHECK(a == b);
  CHECK(a.size() == 4);  // the input QuantizeLinear, three int8 Gemms (two with the Relu fused)
  CHECK(dq_plain == 1);  // the output
  CHECK(dq_exposed == 3);  // and the two Relu outputs
  CHECK(exposed.graph.outputs.size() == 3);
}

TEST_CASE("--per-layer shows a poor calibration layer by layer and verify fails below the bar", "[cli][per-layer]") {
  // Calibrated on one input instead of 32: narrower ranges clip on the other inputs.
  const std::string one_input = kDigits + "/test_data_set_0";
  const Run good = run_mote({"verify", kDigits, "--quantize", "int8", "--calibrate", kCalibration, "--per-layer",
                             "--min-snr", "25"});
  const Run poor = run_mote({"verify", kDigits, "--quantize", "int8", "--calibrate", one_input, "--per-layer",
                             "--min-snr", "25"});
  INFO(good.output);
  INFO(poor.output);
  CHECK(good.code == 0);
  CHECK(poor.code == 1);  // the output falls below 25 dB; the report is printed all the same
  const std::vector<Row> g = rows_of(good.output), p = rows_of(poor.output);
  REQUIRE(g.size() == 3);
  REQUIRE(p.size() == 3);
  for (size_t i = 0; i < g.size(); ++i) {
    INFO(g[i].tensor);
    CHECK(p[i].tensor == g[i].tensor);
    CHECK(p[i].snr < g[i].snr - 3);  // every layer is visibly worse
  }
  CHECK(p[2].snr < 25);
  CHECK(poor.output.find("per-layer: worst int8 layer: 'output'") != std::string::npos);
}

TEST_CASE("--per-layer's worst layer, kept float, is what limited the output", "[cli][per-layer]") {
  const Run r = run_mote({"verify", kDigits, "--quantize", "int8", "--calibrate", kCalibration, "--per-layer",
                          "--keep-float", "/net/net.4/Gemm"});
  INFO(r.output);
  REQUIRE(r.code == 0);
  const std::vector<Row> rows = rows_of(r.output);
  REQUIRE(rows.size() == 3);
  CHECK(rows[2].tensor == "output");
  CHECK(rows[2].dtype == "float");  // kept float: no scale, not a candidate for the worst layer
  CHECK(rows[2].scale == "-");
  CHECK(rows[2].snr > 40);          // 28.7 dB with the output Gemm in int8
  CHECK(r.output.find("per-layer: worst int8 layer: '/net/net.") != std::string::npos);
}
