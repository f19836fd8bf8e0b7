// An int8 build says which layers stay float and why, and --strict-int8 refuses them.
#include <catch2/catch.hpp>

#include <string>

#include "compiler/driver/compile.h"
#include "compiler/support/error.h"

using namespace mote;

namespace {

driver::CompileOptions kws_int8() {
  driver::CompileOptions o;
  o.model_path = std::string(MOTE_MODELS_DIR) + "/kws_dscnn/model.onnx";
  passes::QuantizeOptions q;
  for (const ir::Tensor& t : driver::load_graph(o.model_path, {}).tensors)
    if (!t.is_constant()) q.ranges[t.name] = quant::Range{-4.0f, 4.0f};  // dtypes are known only after resolve
  o.quantize = q;
  return o;
}

}  // namespace

TEST_CASE("float layers: a whole-int8 build lists none, a float build has no list", "[quantize][float_layers]") {
  const driver::CompileResult r = driver::compile(kws_int8());
  CHECK(r.quantized);
  CHECK(r.float_layers.empty());
  driver::CompileOptions f = kws_int8();
  f.quantize.reset();
  CHECK_FALSE(driver::compile(f).quantized);
}

TEST_CASE("float layers: each with its reason and the flag that would change it", "[quantize][float_layers]") {
  // The last Conv (+Relu) kept float: the AveragePool and Flatten after it go int8
  // only from int8 input, so they stay float too; the Gemm quantizes its input again.
  driver::CompileOptions o = kws_int8();
  o.quantize->keep_float = {"/blocks/blocks.21/Conv"};
  const driver::CompileResult r = driver::compile(o);
  REQUIRE(r.float_layers.size() == 3);
  CHECK(r.float_layers[0].name == "/blocks/blocks.21/Conv");
  CHECK(r.float_layers[0].reason == "named by --keep-float");
  CHECK(r.float_layers[0].flag == "leave out --keep-float /blocks/blocks.21/Conv");
  for (size_t i = 1; i < 3; ++i) {
    INFO(r.float_layers[i].name << ": " << r.float_layers[i].reason);
    CHECK(r.float_layers[i].reason.find("is float (its producer stays float)") != std::string::npos);
  }
  CHECK(r.float_layers[1].op == "AveragePool");
  CHECK(r.float_layers[2].op == "Flatten");
}

TEST_CASE("float layers: a Relu left standalone (fusion skipped) is int8 by its table", "[quantize][float_layers]") {
  driver::CompileOptions o = kws_int8();
  o.skip_passes = {"fuse-activation"};
  const driver::CompileResult r = driver::compile(o);
  for (const passes::FloatLayer& f : r.float_layers) INFO(f.name << ": " << f.reason);
  CHECK(r.float_layers.empty());
}

TEST_CASE("float layers: a range no calibration reached keeps its layer float, and says so", "[quantize][float_layers]") {
  driver::CompileOptions o = kws_int8();
  o.quantize->ranges.erase("/blocks/blocks.8/Relu_output_0");  // the output of the fused blocks.6 Conv+Relu
  const driver::CompileResult r = driver::compile(o);
  REQUIRE_FALSE(r.float_layers.empty());
  CHECK(r.float_layers.front().name == "/blocks/blocks.6/conv/Conv");
  CHECK(r.float_layers.front().reason == "no finite calibrated range for '/blocks/blocks.8/Relu_output_0'");
  CHECK_FALSE(r.float_layers.front().flag.empty());
}

TEST_CASE("float layers: --strict-int8 refuses naming the first, builds a whole-int8 model", "[quantize][float_layers]") {
  driver::CompileOptions o = kws_int8();
  o.strict_int8 = true;
  CHECK_NOTHROW(driver::compile(o));
  o.quantize->ranges.erase("/blocks/blocks.23/Relu_output_0");  // the last Conv: then its pool and Flatten too
  try {
    driver::compile(o);
    FAIL("--strict-int8 compiled a model with float layers");
  } catch (const support::Refusal& e) {
    const std::string m = e.what();
    CHECK(m.find("--strict-int8: layer '/blocks/blocks.21/Conv' (Conv) would stay float") != std::string::npos);
    CHECK(m.find("(2 more layers would;") != std::string::npos);
  }
}
