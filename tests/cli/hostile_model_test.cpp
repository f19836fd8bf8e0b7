// Models from untrusted sources (issue 15): names that try to become code in the
// generated files, files that once crashed ONNX's own tools, numbers that overflow,
// folding that would fill the disk. Each must end in exit 2 and one clear line, or
// in generated code that holds the names only as escaped text.
#include <catch2/catch.hpp>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <sstream>

#include <onnx/onnx_pb.h>

#include "compiler/support/files.h"
#include "compiler/support/process.h"
#include "run_mote.h"

namespace fs = std::filesystem;

namespace {

using mote::test::Run;
using mote::test::run_mote;

void add_value(onnx::ValueInfoProto* v, const std::string& name, std::vector<int64_t> dims) {
  v->set_name(name);
  auto* tt = v->mutable_type()->mutable_tensor_type();
  tt->set_elem_type(onnx::TensorProto::FLOAT);
  for (int64_t d : dims) tt->mutable_shape()->add_dim()->set_dim_value(d);
}

onnx::ModelProto model_at(int opset) {
  onnx::ModelProto m;
  m.set_ir_version(8);
  m.add_opset_import()->set_version(opset);
  m.mutable_graph()->set_name("g");
  return m;
}

onnx::NodeProto* add_node(onnx::ModelProto& m, const std::string& name, const std::string& op,
                          std::vector<std::string> ins, std::vector<std::string> outs) {
  auto* n = m.mutable_graph()->add_node();
  n->set_name(name);
  n->set_op_type(op);
  for (const auto& i : ins) n->add_input(i);
  for (const auto& o : outs) n->add_output(o);
  return n;
}

struct Workspace {
  mote::support::TempDir dir{"hostile"};
  std::string out = dir.path() + "/out";
  std::string write(const onnx::ModelProto& m, const std::string& file = "model.onnx") const {
    const std::string path = dir.path() + "/" + file;
    std::ofstream f(path, std::ios::binary);
    m.SerializeToOstream(&f);
    return path;
  }
  bool out_empty() const { return !fs::exists(out) || fs::is_empty(out); }
};

// Exit 2, "mote: error: " and exactly one line, nothing written.
void expect_one_line_refusal(const Run& r, const Workspace& w, const std::vector<std::string>& needles) {
  INFO(r.output);
  CHECK(r.code == 2);
  CHECK(r.output.rfind("mote: error: ", 0) == 0);
  CHECK(std::count(r.output.begin(), r.output.end(), '\n') == 1);
  for (const std::string& n : needles) CHECK(r.output.find(n) != std::string::npos);
  CHECK(w.out_empty());
}

std::vector<std::string> lines_of(const std::string& text) {
  std::vector<std::string> out;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) out.push_back(line);
  return out;
}

}  // namespace

// Names chosen to break out of every place a name reaches: a `//` comment (newline,
// trailing backslash, "??/" which is a backslash under -trigraphs), a block comment
// ("*/"), a string literal ('"', '\') and the preprocessor (#define after a newline).
TEST_CASE("names from the model cannot become code in the generated files", "[cli][hostile]") {
  // Each payload stops the build if any of it becomes code.
  const std::string in_name = "x\n#error injected_input\n";
  const std::string mid_name = "y\"; static_assert(0, \"injected_mid\"); //\\";
  const std::string out_name = "z?\?/";  // a trigraph for a backslash: splices the next line under -trigraphs
  const std::string node1 = "relu\n#error injected_node\n";
  const std::string node2 = "k*/ static_assert(0, \"injected_block\"); /* \xc3\xa9 \xe2\x82\xac \\";
  onnx::ModelProto m = model_at(13);
  add_value(m.mutable_graph()->add_input(), in_name, {1, 4});
  add_value(m.mutable_graph()->add_output(), out_name, {1, 4});
  add_node(m, node1, "Relu", {in_name}, {mid_name});
  add_node(m, node2, "Neg", {mid_name}, {out_name});
  Workspace w;
  const std::string model = w.write(m, "evil\n#error injected_file\n.onnx");
  const Run r = run_mote({"compile", model, "-o", w.out, "--name", "net"});
  INFO(r.output);
  REQUIRE(r.code == 0);

  // No line of any name starts a line of any generated file.
  std::vector<std::string> name_lines;
  for (const std::string& n : {in_name, mid_name, out_name, node1, node2, std::string("#error injected_file")})
    for (const std::string& l : lines_of(n))
      if (l.size() > 3) name_lines.push_back(l);
  for (const char* f : {"net.h", "net.cpp", "net_weights.cpp"}) {
    const std::string text = mote::support::read_text(w.out + "/" + f);
    for (const std::string& line : lines_of(text)) {
      INFO(f << ": " << line);
      for (const std::string& nl : name_lines) CHECK(line.rfind(nl, 0) != 0);
      CHECK(line.rfind("#error", 0) != 0);
    }
  }

  // The files build, with trigraphs on too, nothing a name holds is defined, and
  // the _NAME macros hold the names exactly.
  const std::string main_cpp = w.dir.path() + "/main.cpp";
  mote::support::write_file(main_cpp,
                            "#include \"net.h\"\n#include <string.h>\n"
                            "int main() {\n"
                            "  static const char in[] = {'x', '\\n', '#', 'e', 'r', 'r', 'o', 'r', ' ', 'i', 'n', 'j', "
                            "'e', 'c', 't', 'e', 'd', '_', 'i', 'n', 'p', 'u', 't', '\\n', 0};\n"
                            "  static const char out[] = {'z', '?', '?', '/', 0};\n"
                            "  float x[4] = {1, -2, 3, -4}, z[4];\n"
                            "  if (net_run(x, z) != 0) return 1;\n"
                            "  if (z[0] != -1 || z[1] != 0 || z[2] != -3 || z[3] != 0) return 2;\n"
                            "  return strcmp(NET_INPUT0_NAME, in) != 0 || strcmp(NET_OUTPUT0_NAME, out) != 0 ? 3 : 0;\n"
                            "}\n");
  for (const char* std_flag : {"-std=c++17", "-std=c++14"}) {
    const std::string exe = w.dir.path() + "/app";
    std::vector<std::string> argv = {"g++", std_flag, "-trigraphs", "-Wall", "-Wextra", "-Werror",
                                     "-Wno-trigraphs", "-fno-exceptions", "-fno-rtti", "-I", w.out,
                                     main_cpp, w.out + "/net.cpp", w.out + "/net_weights.cpp", "-o", exe};
    const auto build = mote::support::run_process(argv, 120);
    INFO(std_flag << "\n" << build.output);
    REQUIRE(build.exited);
    REQUIRE(build.exit_code == 0);
    const auto run = mote::support::run_process({exe}, 30);
    CHECK(run.exited);
    CHECK(run.exit_code == 0);
  }
}

TEST_CASE("a refusal is one line even when a name holds line breaks", "[cli][hostile]") {
  onnx::ModelProto m = model_at(13);
  add_value(m.mutable_graph()->add_input(), "x", {1, 4});
  add_value(m.mutable_graph()->add_output(), "y", {1});
  add_node(m, "det\nsecond line\n\x1b[31mred", "Det", {"x"}, {"y"});
  Workspace w;
  const Run r = run_mote({"compile", w.write(m), "-o", w.out});
  expect_one_line_refusal(r, w, {"det second line \\033[31mred", "Det"});
}

// Each file in tests/fuzz/regressions/compile crashed Mote or ONNX's tools inside
// it, or made it write something it should not have, before the check that now
// refuses it. They are also the fuzz targets' regression seeds.
TEST_CASE("every regression model is refused with exit 2 and one line", "[cli][hostile]") {
  int seen = 0;
  for (const auto& e : fs::directory_iterator(MOTE_FUZZ_REGRESSIONS_DIR "/compile")) {
    if (e.path().extension() != ".onnx") continue;
    ++seen;
    Workspace w;
    const std::string model = w.dir.path() + "/model.onnx";
    fs::copy_file(e.path(), model);
    INFO(e.path().filename().string());
    expect_one_line_refusal(run_mote({"compile", model, "-o", w.out}), w, {"model.onnx"});
  }
  CHECK(seen >= 11);
}

TEST_CASE("an opset newer than the ONNX library knows is refused", "[cli][hostile]") {
  onnx::ModelProto m = model_at(99);
  add_value(m.mutable_graph()->add_input(), "x", {1, 4});
  add_value(m.mutable_graph()->add_output(), "y", {1, 4});
  add_node(m, "act", "Relu", {"x"}, {"y"});
  Workspace w;
  expect_one_line_refusal(run_mote({"compile", w.write(m), "-o", w.out}), w, {"opset 99 is newer"});
}

namespace {

// y = x + w, w four floats in external data.
onnx::ModelProto external_model(const std::vector<std::pair<std::string, std::string>>& fields) {
  onnx::ModelProto m = model_at(13);
  add_value(m.mutable_graph()->add_input(), "x", {4});
  add_value(m.mutable_graph()->add_output(), "y", {4});
  add_node(m, "add", "Add", {"x", "w"}, {"y"});
  auto* init = m.mutable_graph()->add_initializer();
  init->set_name("w");
  init->set_data_type(onnx::TensorProto::FLOAT);
  init->add_dims(4);
  init->set_data_location(onnx::TensorProto::EXTERNAL);
  for (const auto& [k, v] : fields) {
    auto* e = init->add_external_data();
    e->set_key(k);
    e->set_value(v);
  }
  return m;
}

}  // namespace

TEST_CASE("external-data offsets and lengths are parsed with bounds", "[cli][hostile]") {
  Workspace w;
  mote::support::write_file(w.dir.path() + "/w.bin", std::string(16, '\0'));
  SECTION("not a number") {
    const auto m = external_model({{"location", "w.bin"}, {"offset", "abc"}});
    expect_one_line_refusal(run_mote({"compile", w.write(m), "-o", w.out}), w, {"offset 'abc' is not a number"});
  }
  SECTION("20 digits") {
    const auto m = external_model({{"location", "w.bin"}, {"length", "12345678901234567890"}});
    expect_one_line_refusal(run_mote({"compile", w.write(m), "-o", w.out}), w, {"length '12345678901234567890'"});
  }
  SECTION("offset + length overflows int64") {
    const auto m = external_model({{"location", "w.bin"}, {"offset", "9223372036854775800"}, {"length", "16"}});
    expect_one_line_refusal(run_mote({"compile", w.write(m), "-o", w.out}), w, {"at offset 9223372036854775800"});
  }
  SECTION("in range, read") {
    const auto m = external_model({{"location", "w.bin"}, {"offset", "0"}, {"length", "16"}});
    const Run r = run_mote({"compile", w.write(m), "-o", w.out});
    INFO(r.output);
    CHECK(r.code == 0);
  }
}

// A model must not learn from Mote's answer whether a path outside its folder exists.
TEST_CASE("external-data paths outside the folder get one message, existing or not", "[cli][hostile]") {
  Workspace w;
  const std::string inner = w.dir.path() + "/inner";
  fs::create_directories(inner);
  mote::support::write_file(w.dir.path() + "/exists.bin", std::string(16, '\0'));
  auto message = [&](const std::string& location) {
    onnx::ModelProto m = external_model({{"location", location}});
    const std::string path = inner + "/model.onnx";
    std::ofstream(path, std::ios::binary) << m.SerializeAsString();
    const Run r = run_mote({"compile", path, "-o", w.out});
    INFO(r.output);
    CHECK(r.code == 2);
    CHECK(w.out_empty());
    std::string text = r.output;
    const size_t at = text.find(location);
    REQUIRE(at != std::string::npos);
    return text.erase(at, location.size());
  };
  const std::string existing = message("../exists.bin");
  CHECK(existing == message("../missing.bin"));
  CHECK(existing == message("missing.bin"));
  CHECK(existing == message(w.dir.path() + "/exists.bin"));
  CHECK(existing.find("is not a readable file inside the model's folder") != std::string::npos);
}

TEST_CASE("constant folding past the limit is refused naming the node", "[cli][hostile]") {
  // 149 bytes of ConstantOfShape asked for 2^26 floats (256 MiB) before the limit.
  onnx::ModelProto m = model_at(13);
  add_value(m.mutable_graph()->add_input(), "x", {1});
  add_value(m.mutable_graph()->add_output(), "y", {1 << 26});
  auto* shape = m.mutable_graph()->add_initializer();
  shape->set_name("s");
  shape->set_data_type(onnx::TensorProto::INT64);
  shape->add_dims(1);
  shape->add_int64_data(1 << 26);
  add_node(m, "fill", "ConstantOfShape", {"s"}, {"c"});
  add_node(m, "add", "Add", {"x", "c"}, {"y"});
  Workspace w;
  const std::string model = w.write(m);
  expect_one_line_refusal(run_mote({"compile", model, "-o", w.out}), w,
                          {"node 'fill' (ConstantOfShape)", "268435456 bytes", "--max-folded-bytes"});
  // A lower limit set by hand refuses smaller folds too; a size like 1G parses.
  shape->set_int64_data(0, 1024);
  m.mutable_graph()->mutable_output(0)->mutable_type()->mutable_tensor_type()->mutable_shape()->mutable_dim(0)->set_dim_value(1024);
  w.write(m);
  expect_one_line_refusal(run_mote({"compile", model, "-o", w.out, "--max-folded-bytes", "1K"}), w,
                          {"node 'fill'", "4096 bytes"});
  const Run ok = run_mote({"compile", model, "-o", w.out, "--max-folded-bytes", "1.5M"});
  INFO(ok.output);
  CHECK(ok.code == 0);
  const Run huge = run_mote({"compile", model, "-o", w.dir.path() + "/o2", "--max-folded-bytes", "99999999999999999999G"});
  CHECK(huge.code == 2);
}

TEST_CASE("verify compares an input's shape, not only its count", "[cli][hostile]") {
  onnx::ModelProto m = model_at(13);
  add_value(m.mutable_graph()->add_input(), "x", {1, 4});
  add_value(m.mutable_graph()->add_output(), "y", {1, 4});
  add_node(m, "act", "Relu", {"x"}, {"y"});
  Workspace w;
  const std::string model = w.write(m);
  const std::string set = w.dir.path() + "/test_data_set_0";
  fs::create_directories(set);
  auto save = [](const std::string& name, std::vector<int64_t> dims, const std::string& path) {
    onnx::TensorProto t;
    t.set_name(name);
    t.set_data_type(onnx::TensorProto::FLOAT);
    for (int64_t d : dims) t.add_dims(d);
    for (int i = 0; i < 4; ++i) t.add_float_data(static_cast<float>(i));
    std::ofstream(path, std::ios::binary) << t.SerializeAsString();
  };
  save("x", {4, 1}, set + "/input_0.pb");
  save("y", {1, 4}, set + "/output_0.pb");
  const Run r = run_mote({"verify", model, "--no-sanitize"});
  INFO(r.output);
  CHECK(r.code == 2);
  CHECK(r.output.find("f32[4x1] does not match the model's 'x' f32[1x4]") != std::string::npos);
}

TEST_CASE("a data folder with a number past any integer type is read, not a crash", "[cli][hostile]") {
  onnx::ModelProto m = model_at(13);
  add_value(m.mutable_graph()->add_input(), "x", {1, 4});
  add_value(m.mutable_graph()->add_output(), "y", {1, 4});
  add_node(m, "act", "Relu", {"x"}, {"y"});
  Workspace w;
  const std::string model = w.write(m);
  for (const char* name : {"test_data_set_99999999999", "test_data_set_999999999999999999999999"}) {
    const std::string set = w.dir.path() + "/" + name;
    fs::create_directories(set);
    onnx::TensorProto t;
    t.set_data_type(onnx::TensorProto::FLOAT);
    t.add_dims(1);
    t.add_dims(4);
    for (float v : {1.f, -2.f, 3.f, -4.f}) t.add_float_data(v);
    std::ofstream(set + "/input_0.pb", std::ios::binary) << t.SerializeAsString();
    for (float& v : *t.mutable_float_data()) v = std::max(v, 0.f);
    std::ofstream(set + "/output_0.pb", std::ios::binary) << t.SerializeAsString();
  }
  const Run r = run_mote({"verify", model, "--no-sanitize"});
  INFO(r.output);
  CHECK(r.code == 0);
}
