// The kernel tester: every optimized kernel variant against its reference kernel,
// bit for bit, on random layers, on the core the variant needs.
//
//   mote_kernel_tester --target cortex-m4 [--cases N] [--seed S] FAMILY=VARIANT ...
//
// For each FAMILY (tests/kernels/layer_cases.h) it makes N random layers, compiles
// each twice for the target -- once as `mote compile` does (it must pick VARIANT)
// and once with --optimize size (the reference kernels) -- and builds one program
// that runs both on the same random int8 input and compares the outputs byte for
// byte: under QEMU for a Cortex-M target, natively with AddressSanitizer and
// UBSan for the host. Exits 0 only when every case picked its variant and matched.
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <map>
#include <random>
#include <regex>
#include <string>
#include <vector>

#include <fmt/format.h>

#include "compiler/driver/compile.h"
#include "compiler/driver/cortex_m_build.h"
#include "compiler/support/checked.h"
#include "compiler/support/error.h"
#include "compiler/support/files.h"
#include "compiler/support/process.h"
#include "compiler/target/target.h"
#include "tests/kernels/layer_cases.h"

namespace fs = std::filesystem;
using namespace mote;

namespace {

struct Case {
  std::string id;           // symbol prefix, e.g. "conv_s8_3"
  std::string description;
  std::string variant;      // what the fast build picked
  bool int8 = true;
};

std::string upper(std::string s) {
  for (char& c : s) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  return s;
}

const ir::Node* node_of(const ir::Graph& g, const std::string& op) {
  for (const ir::Node& n : g.nodes)
    if (n.op == op) return &n;
  return nullptr;
}

std::string test_main(const std::vector<Case>& cases, uint32_t seed) {
  std::string m = "#include <stdint.h>\n#include <stdio.h>\n#include <string.h>\n";
  for (const Case& c : cases) m += fmt::format("#include \"{0}_fast.h\"\n#include \"{0}_ref.h\"\n", c.id);
  m += fmt::format(
      "static uint32_t g_seed = {}u;\n"
      "static int8_t next_s8(void) {{ g_seed = g_seed * 1664525u + 1013904223u; return (int8_t)(g_seed >> 24); }}\n"
      "static float next_f32(void) {{ return (float)next_s8() / 32.0f; }}\n"
      "int main(void) {{\n  int bad = 0;\n",
      seed);
  for (const Case& c : cases) {
    const std::string F = upper(c.id) + "_FAST";
    const char* type = c.int8 ? "int8_t" : "float";
    m += fmt::format(
        "  {{\n    static {2} x[{0}_INPUT0_COUNT], a[{0}_OUTPUT0_COUNT], b[{0}_OUTPUT0_COUNT];\n"
        "    for (unsigned i = 0; i < sizeof x / sizeof x[0]; ++i) x[i] = next_{3}();\n"
        "    memset(a, 0x55, sizeof a);\n    memset(b, 0x2a, sizeof b);\n"
        "    {1}_fast_run(x, a);\n    {1}_ref_run(x, b);\n"
        "    if (memcmp(a, b, sizeof a) != 0) {{ printf(\"kernel-tester: FAIL {1}\\n\"); ++bad; }}\n  }}\n",
        F, c.id, type, c.int8 ? "s8" : "f32");
  }
  m += "  printf(\"kernel-tester: %d differ\\n\", bad);\n  return bad ? 1 : 0;\n}\n";
  return m;
}

int usage() {
  std::fprintf(stderr, "usage: mote_kernel_tester --target T [--cases N] [--seed S] [--keep DIR] FAMILY=VARIANT...\n");
  return 2;
}

}  // namespace

int main(int argc, char** argv) {
  std::string target_name, keep;
  int64_t cases_per_family = 10, seed = 1;
  std::vector<std::pair<std::string, std::string>> wanted;
  for (int i = 1; i < argc; ++i) {
    const std::string a = argv[i];
    auto value = [&]() -> std::string { return i + 1 < argc ? argv[++i] : ""; };
    if (a == "--target") target_name = value();
    else if (a == "--cases") cases_per_family = support::parse_int(value(), 1, 1000).value_or(0);
    else if (a == "--seed") seed = support::parse_int(value(), 0, 1 << 30).value_or(-1);
    else if (a == "--keep") keep = value();
    else if (a.find('=') != std::string::npos) wanted.emplace_back(a.substr(0, a.find('=')), a.substr(a.find('=') + 1));
    else return usage();
  }
  if (target_name.empty() || wanted.empty() || cases_per_family <= 0 || seed < 0) return usage();
  const target::Target t = target::find_target(target_name);

  support::TempDir dir("kernel-tester");
  if (!keep.empty()) dir.keep();
  std::vector<Case> cases;
  std::vector<std::string> sources;
  int problems = 0;
  std::mt19937 rng(static_cast<uint32_t>(seed));
  for (const auto& [family, variant] : wanted) {
    const test::Family* f = nullptr;
    for (const test::Family& x : test::families())
      if (family == x.name) f = &x;
    if (!f) {
      std::fprintf(stderr, "kernel-tester: no family '%s'\n", family.c_str());
      return 2;
    }
    for (int64_t i = 0; i < cases_per_family; ++i) {
      test::LayerCase lc = f->make(rng);
      Case c{fmt::format("{}_{}", family, i), lc.description, "", f->int8};
      bool refused = false;
      for (const bool fast : {true, false}) {
        if (refused) break;
        driver::CompileOptions o;
        o.model_path = c.id + ".onnx";
        o.symbol = c.id + (fast ? "_fast" : "_ref");
        o.target = t;
        o.preference = fast ? ops::Preference::kSpeed : ops::Preference::kSize;
        if (f->int8) {
          o.quantize = lc.ranges;
          o.io_int8 = true;
        }
        lc.graph.name = o.model_path;
        driver::CompileResult r;
        try {
          r = driver::compile_graph(lc.graph, o);
        } catch (const support::Refusal& e) {  // a case the generator should not make: say which
          std::printf("kernel-tester: %s (%s) was refused: %s\n", c.id.c_str(), c.description.c_str(), e.what());
          refused = true;
          break;
        }
        const ir::Node* n = node_of(r.graph, f->op);
        const std::string picked = n && n->kernel ? n->kernel->variant : "(none)";
        if (fast) c.variant = picked;
        driver::write_outputs(r, dir.path());
        sources.push_back(o.symbol + ".cpp");
        sources.push_back(o.symbol + "_weights.cpp");
      }
      if (refused) {
        ++problems;
        continue;
      }
      if (c.variant != variant) {
        std::printf("kernel-tester: %s (%s) picked %s, not %s\n", c.id.c_str(), c.description.c_str(),
                    c.variant.c_str(), variant.c_str());
        ++problems;
      }
      cases.push_back(std::move(c));
    }
  }
  support::write_file(dir.path() + "/main.cpp", test_main(cases, static_cast<uint32_t>(seed) * 2654435761u + 1));
  sources.push_back("main.cpp");

  support::ProcessResult run;
  if (t.host) {
    std::vector<std::string> argv = {"g++", "-std=c++17", "-O1", "-g", "-fsanitize=address,undefined",
                                     "-fno-sanitize-recover=undefined", "-Wall", "-Wextra", "-I", dir.path()};
    for (const std::string& s : sources) argv.push_back(dir.path() + "/" + s);
    argv.insert(argv.end(), {"-o", dir.path() + "/app"});
    const support::ProcessResult b = support::run_process(argv, 900);
    if (!b.exited || b.exit_code != 0) {
      std::printf("kernel-tester: the host build failed\n%s\n", b.output.c_str());
      return 1;
    }
    run = support::run_process({dir.path() + "/app"}, 300);
  } else {
    const driver::CortexMBuild b = driver::build_cortex_m_program(sources, dir.path(), t, "gcc");
    if (!b.ok) {
      std::printf("kernel-tester: the %s build failed\n%s\n", t.name.c_str(), b.log.c_str());
      return 1;
    }
    run = driver::run_qemu(t, b.elf, dir.path(), 600).process;
  }
  std::map<std::string, const Case*> by_id;
  for (const Case& c : cases) by_id[c.id] = &c;
  static const std::regex fail(R"(kernel-tester: FAIL (\S+))");
  for (auto it = std::sregex_iterator(run.output.begin(), run.output.end(), fail); it != std::sregex_iterator(); ++it) {
    const Case* c = by_id[(*it)[1].str()];
    std::printf("kernel-tester: %s differs from the reference: %s (%s)\n", (*it)[1].str().c_str(),
                c ? c->description.c_str() : "?", c ? c->variant.c_str() : "?");
    ++problems;
  }
  if (!run.exited || run.exit_code != 0 || run.output.find("kernel-tester: ") == std::string::npos) {
    if (problems == 0) std::printf("kernel-tester: the test program failed\n%s\n", run.output.c_str());
    ++problems;
  }
  std::printf("kernel-tester: %s: %zu cases, %d problems%s%s\n", t.name.c_str(), cases.size(), problems,
              keep.empty() ? "" : "; files kept in ", keep.empty() ? "" : dir.path().c_str());
  return problems ? 1 : 0;
}
