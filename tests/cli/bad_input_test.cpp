// Bad input to the `mote` binary: every refusal must exit 2 with one clear line
// naming the file, node and reason, and must leave the output directory empty.
#include <catch2/catch.hpp>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <random>

#include <onnx/onnx_pb.h>

#include "compiler/support/files.h"
#include "compiler/support/process.h"
#include "run_mote.h"

namespace fs = std::filesystem;

namespace {

using mote::test::Run;
using mote::test::run_mote;

// A valid one-node model: y = Relu(x) with x float[1,4].
onnx::ModelProto relu_model() {
  onnx::ModelProto m;
  m.set_ir_version(8);
  m.add_opset_import()->set_version(13);
  auto* g = m.mutable_graph();
  g->set_name("g");
  auto add_value = [](onnx::ValueInfoProto* v, const std::string& name, std::vector<int64_t> dims) {
    v->set_name(name);
    auto* tt = v->mutable_type()->mutable_tensor_type();
    tt->set_elem_type(onnx::TensorProto::FLOAT);
    for (int64_t d : dims) tt->mutable_shape()->add_dim()->set_dim_value(d);
  };
  add_value(g->add_input(), "x", {1, 4});
  add_value(g->add_output(), "y", {1, 4});
  auto* n = g->add_node();
  n->set_name("act");
  n->set_op_type("Relu");
  n->add_input("x");
  n->add_output("y");
  return m;
}

// Det (a valid ONNX op Mote does not implement) on a batch of 4x4 matrices.
void make_det(onnx::ModelProto& m) {
  auto* g = m.mutable_graph();
  g->mutable_node(0)->set_op_type("Det");
  auto* in = g->mutable_input(0)->mutable_type()->mutable_tensor_type()->mutable_shape();
  in->mutable_dim(0)->set_dim_value(4);
  auto* out = g->mutable_output(0)->mutable_type()->mutable_tensor_type()->mutable_shape();
  out->clear_dim();  // the determinant of one matrix is a scalar
}

struct Workspace {
  mote::support::TempDir dir{"badinput"};
  std::string model = dir.path() + "/model.onnx";
  std::string out = dir.path() + "/out";
  void write(const onnx::ModelProto& m) const {
    std::ofstream f(model, std::ios::binary);
    m.SerializeToOstream(&f);
  }
  void write_bytes(const std::string& bytes) const { mote::support::write_file(model, bytes); }
  bool out_empty() const { return !fs::exists(out) || fs::is_empty(out); }
};

void expect_refusal(const Workspace& w, const std::vector<std::string>& needles) {
  const Run r = run_mote({"compile", w.model, "-o", w.out});
  INFO(r.output);
  CHECK(r.code == 2);
  CHECK(r.output.rfind("mote: error: ", 0) == 0);
  CHECK(std::count(r.output.begin(), r.output.end(), '\n') == 1);  // one line
  for (const std::string& n : needles) CHECK(r.output.find(n) != std::string::npos);
  CHECK(w.out_empty());
}

}  // namespace

TEST_CASE("a valid model compiles (the baseline the refusals start from)", "[cli]") {
  Workspace w;
  w.write(relu_model());
  const Run r = run_mote({"compile", w.model, "-o", w.out, "--name", "tiny"});
  INFO(r.output);
  CHECK(r.code == 0);
  CHECK(fs::exists(w.out + "/tiny.h"));
  CHECK(fs::exists(w.out + "/tiny.cpp"));
  CHECK(fs::exists(w.out + "/tiny_weights.cpp"));
}

TEST_CASE("missing, empty, truncated and random files are refused", "[cli]") {
  Workspace w;
  SECTION("missing") { expect_refusal(w, {"no such model file"}); }
  SECTION("empty") {
    w.write_bytes("");
    expect_refusal(w, {"empty"});
  }
  SECTION("truncated") {
    std::string bytes;
    relu_model().SerializeToString(&bytes);
    w.write_bytes(bytes.substr(0, bytes.size() / 2));
    expect_refusal(w, {w.model});
  }
  SECTION("random bytes") {
    std::mt19937 rng(42);
    std::string bytes(4096, '\0');
    for (char& c : bytes) c = static_cast<char>(rng());
    w.write_bytes(bytes);
    expect_refusal(w, {w.model});
  }
}

TEST_CASE("unsupported operators and attributes are refused naming the node", "[cli]") {
  Workspace w;
  onnx::ModelProto m = relu_model();
  SECTION("unknown op") {
    make_det(m);
    w.write(m);
    expect_refusal(w, {"node 'act' (Det)", "not supported"});
  }
  SECTION("custom domain") {
    m.mutable_graph()->mutable_node(0)->set_domain("com.example");
    m.add_opset_import()->set_domain("com.example");
    m.mutable_opset_import(1)->set_version(1);
    w.write(m);
    expect_refusal(w, {"node 'act'", "com.example"});
  }
}

TEST_CASE("a symbolic dimension is refused unless --input-shape fixes it", "[cli]") {
  Workspace w;
  onnx::ModelProto m = relu_model();
  auto* dim = m.mutable_graph()->mutable_input(0)->mutable_type()->mutable_tensor_type()->mutable_shape()->mutable_dim(0);
  dim->set_dim_param("batch");
  m.mutable_graph()->mutable_output(0)->mutable_type()->mutable_tensor_type()->mutable_shape()->mutable_dim(0)->set_dim_param("batch");
  w.write(m);
  expect_refusal(w, {"'x'", "symbolic dimension 'batch'", "--input-shape"});
  const Run r = run_mote({"compile", w.model, "-o", w.out, "--input-shape", "x=2x4", "--name", "model"});
  INFO(r.output);
  CHECK(r.code == 0);
  const std::string header = mote::support::read_text(w.out + "/model.h");
  CHECK(header.find("#define MODEL_INPUT0_SHAPE {2, 4}") != std::string::npos);
}

TEST_CASE("huge dimensions are refused", "[cli]") {
  Workspace w;
  onnx::ModelProto m = relu_model();
  for (auto* v : {m.mutable_graph()->mutable_input(0), m.mutable_graph()->mutable_output(0)}) {
    auto* shape = v->mutable_type()->mutable_tensor_type()->mutable_shape();
    shape->mutable_dim(0)->set_dim_value(1 << 20);
    shape->mutable_dim(1)->set_dim_value(1 << 20);
  }
  w.write(m);
  expect_refusal(w, {"'x'", "too large"});
}

TEST_CASE("a cycle is refused", "[cli]") {
  Workspace w;
  onnx::ModelProto m = relu_model();
  auto* g = m.mutable_graph();
  // act reads z, which a later node computes from act's output.
  g->mutable_node(0)->set_input(0, "z");
  auto* n = g->add_node();
  n->set_name("loop_back");
  n->set_op_type("Relu");
  n->add_input("y");
  n->add_output("z");
  w.write(m);
  expect_refusal(w, {w.model});
}

TEST_CASE("a missing initializer is refused", "[cli]") {
  Workspace w;
  onnx::ModelProto m = relu_model();
  auto* n = m.mutable_graph()->mutable_node(0);
  n->set_op_type("Add");
  n->add_input("bias_nobody_defines");
  w.write(m);
  expect_refusal(w, {w.model, "bias_nobody_defines"});
}

TEST_CASE("external data outside the model's folder is refused", "[cli]") {
  Workspace w;
  onnx::ModelProto m = relu_model();
  auto* n = m.mutable_graph()->mutable_node(0);
  n->set_op_type("Add");
  n->add_input("b");
  auto* init = m.mutable_graph()->add_initializer();
  init->set_name("b");
  init->set_data_type(onnx::TensorProto::FLOAT);
  init->add_dims(4);
  init->set_data_location(onnx::TensorProto::EXTERNAL);
  auto* loc = init->add_external_data();
  loc->set_key("location");
  SECTION("absolute path") {
    loc->set_value("/etc/passwd");
    w.write(m);
    const Run r = run_mote({"compile", w.model, "-o", w.out});
    CHECK(r.code == 2);
    CHECK(w.out_empty());
  }
  SECTION("relative path escaping the folder") {
    loc->set_value("../../../../etc/passwd");
    w.write(m);
    const Run r = run_mote({"compile", w.model, "-o", w.out});
    CHECK(r.code == 2);
    CHECK(w.out_empty());
  }
  SECTION("inside the folder, read") {
    loc->set_value("b.bin");
    const float values[4] = {1, -2, 3, -4};
    mote::support::write_file(w.dir.path() + "/b.bin", std::string(reinterpret_cast<const char*>(values), 16));
    w.write(m);
    const Run r = run_mote({"compile", w.model, "-o", w.out, "--name", "model"});
    INFO(r.output);
    CHECK(r.code == 0);
    CHECK(mote::support::read_text(w.out + "/model_weights.cpp").find("1.0f, -2.0f, 3.0f, -4.0f") != std::string::npos);
  }
}

TEST_CASE("bad arguments are refused with exit 2", "[cli]") {
  Workspace w;
  w.write(relu_model());
  CHECK(run_mote({"compile", w.model}).code == 2);  // no -o
  CHECK(run_mote({"frobnicate"}).code == 2);
  const Run bad_shape = run_mote({"compile", w.model, "-o", w.out, "--input-shape", "x=1xbanana"});
  CHECK(bad_shape.code == 2);
  CHECK(bad_shape.output.find("invalid shape '1xbanana'") != std::string::npos);
  CHECK(run_mote({"compile", w.model, "-o", w.out, "--input-shape", "nope=1x4"}).code == 2);
  CHECK(run_mote({"compile", w.model, "-o", w.out, "--name", "not-an-identifier"}).code == 2);
  CHECK(w.out_empty());
  CHECK(run_mote({"verify", w.model, "--data", w.dir.path() + "/nothing"}).code == 2);
}

TEST_CASE("inspect lists unsupported nodes and exits 2", "[cli]") {
  Workspace w;
  onnx::ModelProto m = relu_model();
  make_det(m);
  w.write(m);
  const Run r = run_mote({"inspect", w.model});
  CHECK(r.code == 2);
  CHECK(r.output.find("'act' (Det): operator Det is not supported") != std::string::npos);
  CHECK(r.output.find("compilable: no") != std::string::npos);
}

TEST_CASE("verify reports a wrong expected output as failure (exit 1)", "[cli]") {
  Workspace w;
  w.write(relu_model());
  const std::string set = w.dir.path() + "/test_data_set_0";
  fs::create_directories(set);
  auto tensor = [](const std::string& name, std::vector<float> v) {
    onnx::TensorProto t;
    t.set_name(name);
    t.set_data_type(onnx::TensorProto::FLOAT);
    t.add_dims(1);
    t.add_dims(4);
    for (float f : v) t.add_float_data(f);
    return t;
  };
  auto save = [](const onnx::TensorProto& t, const std::string& path) {
    std::ofstream f(path, std::ios::binary);
    t.SerializeToOstream(&f);
  };
  save(tensor("x", {1, -2, 3, -4}), set + "/input_0.pb");
  save(tensor("y", {1, 0, 3, 0}), set + "/output_0.pb");
  Run r = run_mote({"verify", w.model, "--no-sanitize"});
  INFO(r.output);
  CHECK(r.code == 0);
  save(tensor("y", {1, 0, 3.5f, 0}), set + "/output_0.pb");
  r = run_mote({"verify", w.model, "--no-sanitize"});
  INFO(r.output);
  CHECK(r.code == 1);
  CHECK(r.output.find("FAIL") != std::string::npos);
}

TEST_CASE("a model that does not fit the part is refused before any file is written", "[cli][budget]") {
  Workspace w;
  const std::string vww = std::string(MOTE_MODELS_DIR) + "/vww_mobilenet/model.onnx";
  const Run r = run_mote({"compile", vww, "-o", w.out, "--target", "stm32f446re"});
  INFO(r.output);
  CHECK(r.code == 2);
  CHECK(r.output.find("does not fit stm32f446re") != std::string::npos);
  CHECK(r.output.find("131072 available") != std::string::npos);  // RAM of the part
  CHECK(r.output.find("524288 available") != std::string::npos);  // flash of the part
  CHECK(w.out_empty());
  // With enough room it compiles; a reserve for the rest of the firmware can tip it over.
  const std::string kws = std::string(MOTE_MODELS_DIR) + "/kws_dscnn/model.onnx";
  CHECK(run_mote({"compile", kws, "-o", w.out, "--ram", "128K", "--flash", "512K"}).code == 0);
  const Run tight = run_mote({"compile", kws, "-o", w.dir.path() + "/tight", "--ram", "128K", "--reserve-ram", "100K"});
  CHECK(tight.code == 2);
  CHECK(tight.output.find("RAM: needs") != std::string::npos);
  CHECK(!fs::exists(w.dir.path() + "/tight"));
}

TEST_CASE("unknown and unsupported targets are refused", "[cli][budget]") {
  Workspace w;
  w.write(relu_model());
  const Run unknown = run_mote({"compile", w.model, "-o", w.out, "--target", "z80"});
  CHECK(unknown.code == 2);
  CHECK(unknown.output.find("unknown target 'z80'") != std::string::npos);
  const Run esp = run_mote({"compile", w.model, "-o", w.out, "--target", "esp32-s3"});
  CHECK(esp.code == 2);
  CHECK(esp.output.find("Xtensa") != std::string::npos);
  CHECK(w.out_empty());
}

// y = Reshape(x, s), the target shape a graph input: refused as it stands, compiled
// once --bind-input makes `s` a constant from a TensorProto file.
TEST_CASE("--bind-input compiles a graph input as a constant", "[cli]") {
  Workspace w;
  onnx::ModelProto m = relu_model();
  auto* g = m.mutable_graph();
  g->mutable_node(0)->set_op_type("Reshape");
  g->mutable_node(0)->add_input("s");
  auto* s = g->add_input();
  s->set_name("s");
  s->mutable_type()->mutable_tensor_type()->set_elem_type(onnx::TensorProto::INT64);
  s->mutable_type()->mutable_tensor_type()->mutable_shape()->add_dim()->set_dim_value(2);
  auto* yshape = g->mutable_output(0)->mutable_type()->mutable_tensor_type()->mutable_shape();
  yshape->mutable_dim(0)->set_dim_value(2);
  yshape->mutable_dim(1)->set_dim_value(2);
  w.write(m);

  const std::string set = w.dir.path() + "/test_data_set_0";
  fs::create_directories(set);
  auto save = [](const onnx::TensorProto& t, const std::string& path) {
    std::ofstream f(path, std::ios::binary);
    t.SerializeToOstream(&f);
  };
  onnx::TensorProto x, shape, y;
  x.set_data_type(onnx::TensorProto::FLOAT);
  x.add_dims(1);
  x.add_dims(4);
  for (float v : {1.f, 2.f, 3.f, 4.f}) x.add_float_data(v);
  shape.set_data_type(onnx::TensorProto::INT64);
  shape.add_dims(2);
  shape.add_int64_data(2);
  shape.add_int64_data(2);
  y = x;
  y.set_dims(0, 2);
  y.set_dims(1, 2);
  save(x, set + "/input_0.pb");
  save(shape, set + "/input_1.pb");
  save(y, set + "/output_0.pb");

  expect_refusal(w, {"node 'act' (Reshape)", "must be a constant"});
  Run r = run_mote({"compile", w.model, "-o", w.out, "--name", "net", "--bind-input", "s=" + set + "/input_1.pb"});
  INFO(r.output);
  CHECK(r.code == 0);
  CHECK(fs::exists(w.out + "/net.h"));

  r = run_mote({"verify", w.model, "--no-sanitize", "--bind-input", "s"});
  INFO(r.output);
  CHECK(r.code == 0);
  CHECK(r.output.find("with s bound at compile time") != std::string::npos);

  const std::string other = w.dir.path() + "/other";
  r = run_mote({"compile", w.model, "-o", other, "--bind-input", "t=" + set + "/input_1.pb"});
  CHECK(r.code == 2);
  CHECK(r.output.find("'t', which is not a graph input") != std::string::npos);
  r = run_mote({"compile", w.model, "-o", other, "--bind-input", "s=" + set + "/input_0.pb"});
  CHECK(r.code == 2);
  CHECK(r.output.find("element type differs") != std::string::npos);
  CHECK(run_mote({"compile", w.model, "-o", other, "--bind-input", "s"}).code == 2);
  CHECK(!fs::exists(other));
}

TEST_CASE("a new user's slips get one line that says what to fix", "[cli]") {
  Workspace w;
  w.write(relu_model());
  auto refused_with = [](const Run& r, const std::vector<std::string>& needles) {
    INFO(r.output);
    CHECK(r.code == 2);
    CHECK(std::count(r.output.begin(), r.output.end(), '\n') == 1);
    for (const std::string& n : needles) CHECK(r.output.find(n) != std::string::npos);
  };
  // The missing model is named, not the data folder verify would look in next.
  refused_with(run_mote({"verify", w.dir.path() + "/absent.onnx"}), {"absent.onnx: no such model file"});
  refused_with(run_mote({"verify", w.model, "--min-top1", "1.5"}), {"--min-top1"});
  refused_with(run_mote({"verify", w.model, "--atol", "-1"}), {"--atol"});
  refused_with(run_mote({"compile", w.model, "-o", w.out, "--print-after", "fuse-activations"}),
               {"--print-after 'fuse-activations': no such pass", "did you mean 'fuse-activation'", "select-kernels"});
  refused_with(run_mote({"compile", w.model, "--outptu", w.out}),
               {"unknown option '--outptu' for 'compile'; did you mean '--output'?"});
  refused_with(run_mote({"complie", w.model}), {"unknown command 'complie'; did you mean 'compile'?"});
  refused_with(run_mote({"bench", w.model}), {"--target"});
  CHECK(w.out_empty());

  const Run help = run_mote({"bench", "--help"});
  CHECK(help.code == 0);
  CHECK(help.output.find("host") == std::string::npos);  // bench runs on an emulated core only
  const Run version = run_mote({"--version"});
  CHECK(version.code == 0);
  CHECK(version.output.rfind("mote ", 0) == 0);
}

TEST_CASE("inspect describes a symbolic dimension and counts nodes as its histogram does", "[cli]") {
  Workspace w;
  onnx::ModelProto m = relu_model();
  m.mutable_graph()->mutable_input(0)->mutable_type()->mutable_tensor_type()->mutable_shape()->mutable_dim(0)->set_dim_param("batch");
  m.mutable_graph()->mutable_output(0)->mutable_type()->mutable_tensor_type()->mutable_shape()->mutable_dim(0)->set_dim_param("batch");
  // A node whose output nothing reads: in the file, so in the histogram and the count.
  auto* dead = m.mutable_graph()->add_node();
  dead->set_name("unused");
  dead->set_op_type("Relu");
  dead->add_input("x");
  dead->add_output("z");
  w.write(m);
  const Run r = run_mote({"inspect", w.model});
  INFO(r.output);
  CHECK(r.code == 0);
  CHECK(r.output.find("input  'x': f32[batchx4] (symbolic") != std::string::npos);
  CHECK(r.output.find("--input-shape x=1x4") != std::string::npos);
  CHECK(r.output.find(": 2 nodes (1 compute an output; 1 unused)") != std::string::npos);
  CHECK(r.output.find("  Relu                         2\n") != std::string::npos);
  CHECK(r.output.find("compilable: yes") != std::string::npos);
}

TEST_CASE("the generated files name the Mote version and the options that shaped them", "[cli]") {
  Workspace w;
  w.write(relu_model());
  const Run version = run_mote({"--version"});
  REQUIRE(version.code == 0);
  const std::string v = version.output.substr(5, version.output.find('\n') - 5);  // "mote 0.1.0\n"
  const Run r = run_mote({"compile", w.model, "-o", w.out, "--name", "m", "--target", "cortex-m0", "--optimize", "size"});
  INFO(r.output);
  REQUIRE(r.code == 0);
  for (const char* f : {"/m.h", "/m.cpp", "/m_weights.cpp"}) {
    const std::string text = mote::support::read_text(w.out + f);
    CHECK(text.rfind("// Generated by Mote " + v + " from 'model.onnx'. Do not edit.\n"
                     "// Options: '--target cortex-m0 --optimize size'\n", 0) == 0);
  }
  CHECK(mote::support::read_text(w.out + "/m.h").find("#define M_MOTE_VERSION \"" + v + "\"") != std::string::npos);
}
