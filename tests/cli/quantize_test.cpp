// `--quantize int8` as users run it: flags refused with exit 2, the accuracy bars
// of `mote verify` deciding its exit code, and the C API unchanged.
#include <catch2/catch.hpp>

#include <filesystem>

#include "compiler/support/files.h"
#include "compiler/support/process.h"
#include "run_mote.h"

namespace fs = std::filesystem;

namespace {

using mote::test::Run;
using mote::test::run_mote;

const std::string kDigits = std::string(MOTE_MODELS_DIR) + "/digits_mlp";
const std::string kCalibration = kDigits + "/calibration";

}  // namespace

TEST_CASE("--quantize without --calibrate, and bad quantization flags, are refused with exit 2", "[cli][quantize]") {
  mote::support::TempDir tmp("quantize_cli");
  const std::string out = (fs::path(tmp.path()) / "out").string();
  const Run no_cal = run_mote({"compile", kDigits, "-o", out, "--quantize", "int8"});
  CHECK(no_cal.code == 2);
  CHECK(no_cal.output.find("--quantize int8 needs --calibrate") != std::string::npos);
  CHECK(!fs::exists(out));
  CHECK(run_mote({"verify", kDigits, "--quantize", "int8"}).code == 2);
  CHECK(run_mote({"bench", kDigits, "--quantize", "int8"}).code == 2);
  CHECK(run_mote({"compile", kDigits, "-o", out, "--quantize", "int4", "--calibrate", kCalibration}).code == 2);
  CHECK(run_mote({"compile", kDigits, "-o", out, "--quantize", "int8", "--calibrate", kCalibration,
                  "--calibration-method", "median"}).code == 2);
  CHECK(run_mote({"compile", kDigits, "-o", out, "--calibrate", kCalibration}).code == 2);
  const Run int16_alone = run_mote({"compile", kDigits, "-o", out, "--int16", "/net/net.4/Gemm"});
  CHECK(int16_alone.code == 2);
  CHECK(int16_alone.output.find("--int16 is only used with --quantize int8") != std::string::npos);
  const Run int16_relu = run_mote({"compile", kDigits, "-o", out, "--quantize", "int8", "--calibrate", kCalibration,
                                   "--int16", "/net/net.1/Relu"});
  CHECK(int16_relu.code == 2);
  CHECK(int16_relu.output.find("--int16 '/net/net.1/Relu': no node of that name (after fusion") != std::string::npos);
  CHECK(!fs::exists(out));
}

TEST_CASE("int8 verify reports SNR and top-1 and fails below the bar", "[cli][quantize]") {
  const Run ok = run_mote({"verify", kDigits, "--quantize", "int8", "--calibrate", kCalibration, "--min-snr", "20",
                           "--min-top1", "0.5"});
  INFO(ok.output);
  CHECK(ok.code == 0);
  CHECK(ok.output.find("SNR") != std::string::npos);
  CHECK(ok.output.find("top-1 agreement 3/3") != std::string::npos);
  const Run bar = run_mote({"verify", kDigits, "--quantize", "int8", "--calibrate", kCalibration, "--min-snr", "90"});
  INFO(bar.output);
  CHECK(bar.code == 1);
  CHECK(bar.output.find("FAIL") != std::string::npos);
}

TEST_CASE("int8 compile keeps the float C API and uses the int8 kernels", "[cli][quantize]") {
  mote::support::TempDir tmp("quantize_cli");
  const std::string out = (fs::path(tmp.path()) / "out").string();
  const Run r = run_mote({"compile", kDigits, "-o", out, "--quantize", "int8", "--calibrate", kCalibration});
  INFO(r.output);
  REQUIRE(r.code == 0);
  const std::string h = mote::support::read_text((fs::path(out) / "digits_mlp.h").string());
  const std::string src = mote::support::read_text((fs::path(out) / "digits_mlp.cpp").string());
  CHECK(h.find("const float* input") != std::string::npos);
  CHECK(h.find("float* output") != std::string::npos);
  CHECK(src.find("fully_connected_s8_fast_baked<") != std::string::npos);
  CHECK(src.find("kernel library: requant.h") != std::string::npos);
  CHECK(src.find("gemm<") == std::string::npos);  // no float Gemm left
}

TEST_CASE("--keep-float keeps named nodes float; unknown names and use without --quantize are refused",
          "[cli][quantize]") {
  mote::support::TempDir tmp("quantize_keep_float");
  const std::string out = (fs::path(tmp.path()) / "out").string();
  const Run r = run_mote({"compile", kDigits, "-o", out, "--quantize", "int8", "--calibrate", kCalibration,
                          "--keep-float", "/net/net.4/Gemm"});
  INFO(r.output);
  REQUIRE(r.code == 0);
  const std::string code = mote::support::read_text((fs::path(out) / "digits_mlp.cpp").string());
  CHECK(code.find("fully_connected_s8_fast_baked<p_net_net_2_Gemm>") != std::string::npos);
  CHECK(code.find("fully_connected_s8_fast_baked<p_net_net_4_Gemm>") == std::string::npos);
  CHECK(code.find("fc_f32_1x4_fpu<p_net_net_4_Gemm>") != std::string::npos);  // a float kernel
  CHECK(code.find("dequantize_linear<") != std::string::npos);
  const Run v = run_mote({"verify", kDigits, "--quantize", "int8", "--calibrate", kCalibration, "--keep-float",
                          "/net/net.4/Gemm", "--keep-float", "/net/net.2/Gemm", "--min-snr", "20"});
  INFO(v.output);
  CHECK(v.code == 0);
  const std::string out2 = (fs::path(tmp.path()) / "out2").string();
  const Run bad = run_mote({"compile", kDigits, "-o", out2, "--quantize", "int8", "--calibrate", kCalibration,
                            "--keep-float", "/no/such/Gemm"});
  CHECK(bad.code == 2);
  CHECK(bad.output.find("--keep-float '/no/such/Gemm'") != std::string::npos);
  CHECK(run_mote({"compile", kDigits, "-o", out2, "--keep-float", "/net/net.4/Gemm"}).code == 2);
  CHECK(!fs::exists(out2));
}

TEST_CASE("--io int8 gives an int8 C API with scale and zero point in the header", "[cli][quantize][io]") {
  mote::support::TempDir tmp("quantize_cli");
  const std::string out = (fs::path(tmp.path()) / "out").string();
  const Run r = run_mote({"compile", kDigits, "-o", out, "--quantize", "int8", "--calibrate", kCalibration, "--io", "int8"});
  INFO(r.output);
  REQUIRE(r.code == 0);
  const std::string h = mote::support::read_text((fs::path(out) / "digits_mlp.h").string());
  const std::string src = mote::support::read_text((fs::path(out) / "digits_mlp.cpp").string());
  CHECK(h.find("const int8_t* input") != std::string::npos);
  CHECK(h.find("int8_t* output") != std::string::npos);
  CHECK(h.find("#define DIGITS_MLP_INPUT0_SCALE ") != std::string::npos);
  CHECK(h.find("#define DIGITS_MLP_INPUT0_ZERO_POINT ") != std::string::npos);
  CHECK(h.find("#define DIGITS_MLP_OUTPUT0_SCALE ") != std::string::npos);
  CHECK(h.find("#define DIGITS_MLP_INPUT0_ELEMENT_BYTES 1") != std::string::npos);
  // No boundary kernels left: nothing converts between float and int8.
  CHECK(src.find("quantize_linear") == std::string::npos);
  CHECK(src.find("dequantize_linear") == std::string::npos);

  // verify feeds the float test data quantized with the header's parameters.
  const Run v = run_mote({"verify", kDigits, "--quantize", "int8", "--calibrate", kCalibration, "--io", "int8",
                          "--min-snr", "25", "--min-top1", "0.66"});
  INFO(v.output);
  CHECK(v.code == 0);
  CHECK(v.output.find("int8 C API") != std::string::npos);
}

TEST_CASE("--io int8 is refused when the first or last layer stays float", "[cli][quantize][io]") {
  mote::support::TempDir tmp("quantize_cli");
  const std::string out = (fs::path(tmp.path()) / "out").string();
  const Run first = run_mote({"compile", kDigits, "-o", out, "--quantize", "int8", "--calibrate", kCalibration, "--io",
                              "int8", "--keep-float", "/net/net.0/Gemm"});
  INFO(first.output);
  CHECK(first.code == 2);
  CHECK(first.output.find("--io int8: input 'input' is read by Gemm '/net/net.0/Gemm'") != std::string::npos);
  const Run last = run_mote({"compile", kDigits, "-o", out, "--quantize", "int8", "--calibrate", kCalibration, "--io",
                             "int8", "--keep-float", "/net/net.4/Gemm"});
  INFO(last.output);
  CHECK(last.code == 2);
  CHECK(last.output.find("--io int8: output 'output' is written by Gemm '/net/net.4/Gemm' in float") != std::string::npos);
  // A float model has no int8 boundary to move.
  const Run float_model = run_mote({"compile", kDigits, "-o", out, "--io", "int8"});
  CHECK(float_model.code == 2);
  CHECK(run_mote({"compile", kDigits, "-o", out, "--io", "int4"}).code == 2);
  CHECK(!fs::exists(out));
}

TEST_CASE("--optimize size keeps the reference int8 kernels, speed (default) takes the fast ones", "[cli][quantize]") {
  mote::support::TempDir tmp("quantize_cli");
  const std::string fast = (fs::path(tmp.path()) / "fast").string(), small = (fs::path(tmp.path()) / "small").string();
  REQUIRE(run_mote({"compile", kDigits, "-o", fast, "--quantize", "int8", "--calibrate", kCalibration}).code == 0);
  REQUIRE(run_mote({"compile", kDigits, "-o", small, "--quantize", "int8", "--calibrate", kCalibration, "--optimize",
                    "size"}).code == 0);
  const std::string f = mote::support::read_text((fs::path(fast) / "digits_mlp.cpp").string());
  const std::string s = mote::support::read_text((fs::path(small) / "digits_mlp.cpp").string());
  CHECK(f.find("fully_connected_s8_fast_baked<") != std::string::npos);
  CHECK(s.find("fully_connected_s8_fast") == std::string::npos);
  CHECK(s.find("fully_connected_s8_baked<") != std::string::npos);
  const Run bad = run_mote({"compile", kDigits, "-o", small + "2", "--optimize", "fastest"});
  CHECK(bad.code == 2);
  CHECK(bad.output.find("--optimize 'fastest': expected speed or size") != std::string::npos);
}
