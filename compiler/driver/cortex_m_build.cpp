#include "compiler/driver/cortex_m_build.h"

#include <algorithm>
#include <filesystem>
#include <regex>

#include <fmt/format.h>

#include "codegen/embedded_file.h"
#include "compiler/support/checked.h"
#include "compiler/support/error.h"
#include "compiler/support/files.h"

namespace mote::driver {

namespace fs = std::filesystem;

namespace {

constexpr int kBuildTimeoutSeconds = 600;

std::string upper(std::string s) {
  for (char& c : s) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  return s;
}

bool compile_step(std::vector<std::string> argv, std::string& log) {
  const support::ProcessResult p = support::run_process(argv, kBuildTimeoutSeconds);
  if (p.exited && p.exit_code == 0) return true;
  log += fmt::format("{} ({})\n{}", fmt::join(argv, " "), support::describe(p, kBuildTimeoutSeconds), p.output);
  return false;
}

}  // namespace

namespace {

void check_runnable(const target::Target& t, const std::string& toolchain) {
  if (t.host || t.core.qemu_machine.empty())
    throw support::Refusal(fmt::format("target '{}' cannot run under QEMU", t.name));
  if (toolchain != "gcc" && toolchain != "clang")
    throw support::Refusal(fmt::format("unknown toolchain '{}' (known: gcc, clang)", toolchain));
}

// The C++ compiler for the core, with the flags a firmware project would use.
std::vector<std::string> cxx_command(const target::Target& t, const std::string& toolchain, const std::string& dir) {
  std::vector<std::string> cxx;
  if (toolchain == "gcc") {
    cxx = {"arm-none-eabi-g++"};
    cxx.insert(cxx.end(), t.core.gcc_flags.begin(), t.core.gcc_flags.end());
  } else {
    cxx = {"clang++-14", "--target=" + t.core.clang_triple, "--sysroot=/usr/lib/arm-none-eabi", "-fshort-enums"};
    for (const std::string& f : t.core.gcc_flags)
      if (f.rfind("-mthumb", 0) != 0) cxx.push_back(f);
  }
  const std::vector<std::string> common = {"-O2", "-ffunction-sections", "-fdata-sections", "-fno-exceptions",
                                           "-fno-rtti", "-Wall", "-Wextra", "-I" + dir, "-std=c++17"};
  cxx.insert(cxx.end(), common.begin(), common.end());
  return cxx;
}

// Compiles startup.c and links `objects` with it into dir/app.elf.
bool link_app(const target::Target& t, const fs::path& d, const std::vector<std::string>& objects, std::string& elf,
              std::string& log) {
  const std::string startup_obj = (d / "startup.o").string();
  std::vector<std::string> cc = {"arm-none-eabi-gcc"};
  cc.insert(cc.end(), t.core.gcc_flags.begin(), t.core.gcc_flags.end());
  cc.insert(cc.end(), {"-O2", "-Wall", "-Wextra", "-c", (d / "startup.c").string(), "-o", startup_obj});
  if (!compile_step(cc, log)) return false;
  // Linked by arm-none-eabi-gcc for both toolchains: it picks newlib's multilib for the
  // core, and linking as C proves the generated code needs no C++ runtime.
  elf = (d / "app.elf").string();
  std::vector<std::string> link = {"arm-none-eabi-gcc"};
  link.insert(link.end(), t.core.gcc_flags.begin(), t.core.gcc_flags.end());
  link.insert(link.end(), {"-nostartfiles", "--specs=rdimon.specs", "-Wl,--gc-sections", "-L" + d.string(), "-T",
                           (d / t.core.linker_script).string(), startup_obj});
  link.insert(link.end(), objects.begin(), objects.end());
  link.insert(link.end(), {"-lm", "-o", elf});
  return compile_step(link, log);
}

void write_runtime_stub(const std::string& dir) {
  for (const codegen::EmbeddedFile& f : codegen::runtime_stub_files())
    support::write_file((fs::path(dir) / f.name).string(), f.text);
}

}  // namespace

CortexMBuild build_cortex_m(const CompileResult& r, const std::string& dir, const target::Target& t,
                            const std::string& toolchain, bool profile) {
  check_runnable(t, toolchain);
  write_outputs(r, dir);
  write_runtime_stub(dir);

  CortexMBuild b;
  const fs::path d(dir);
  b.model_object = (d / (r.symbol + ".o")).string();
  b.weights_object = (d / (r.symbol + "_weights.o")).string();
  const std::vector<std::string> cxx = cxx_command(t, toolchain, dir);
  auto compile = [&](const std::string& src, const std::string& obj, std::vector<std::string> extra) {
    std::vector<std::string> argv = cxx;
    argv.insert(argv.end(), extra.begin(), extra.end());
    argv.insert(argv.end(), {"-c", (d / src).string(), "-o", obj});
    return compile_step(argv, b.log);
  };
  std::vector<std::string> harness_defs = {
      fmt::format("-DMOTE_MODEL_HEADER=\"{}.h\"", r.symbol), "-DMOTE_SYMBOL=" + r.symbol,
      "-DMOTE_SYMBOL_UPPER=" + upper(r.symbol), "-DMOTE_BARE_METAL=1"};
  std::vector<std::string> model_defs;
  if (profile) {
    harness_defs.push_back("-DMOTE_PROFILE=1");
    model_defs.push_back("-DMOTE_PROFILE_HOOKS=\"profile_hooks.h\"");
  }
  const std::string harness_obj = (d / "harness.o").string();
  if (!compile(r.symbol + ".cpp", b.model_object, model_defs) ||
      !compile(r.symbol + "_weights.cpp", b.weights_object, {}) ||
      !compile("harness.cpp", harness_obj, harness_defs))
    return b;
  b.ok = link_app(t, d, {harness_obj, b.model_object, b.weights_object}, b.elf, b.log);
  return b;
}

CortexMBuild build_cortex_m_program(const std::vector<std::string>& sources, const std::string& dir,
                                    const target::Target& t, const std::string& toolchain) {
  check_runnable(t, toolchain);
  write_runtime_stub(dir);
  CortexMBuild b;
  const fs::path d(dir);
  const std::vector<std::string> cxx = cxx_command(t, toolchain, dir);
  std::vector<std::string> objects;
  for (const std::string& src : sources) {
    const std::string obj = (d / (fs::path(src).stem().string() + ".o")).string();
    std::vector<std::string> argv = cxx;
    argv.insert(argv.end(), {"-c", (d / src).string(), "-o", obj});
    if (!compile_step(argv, b.log)) return b;
    objects.push_back(obj);
  }
  b.ok = link_app(t, d, objects, b.elf, b.log);
  return b;
}

QemuRun run_qemu(const target::Target& t, const std::string& elf, const std::string& workdir, int timeout_seconds) {
  QemuRun q;
  const std::vector<std::string> argv = {
      "qemu-system-arm", "-M", t.core.qemu_machine, "-nographic", "-monitor", "none", "-serial", "none",
      "-chardev", "stdio,id=semi0", "-semihosting-config", "enable=on,target=native,chardev=semi0",
      "-icount", "shift=0,align=off,sleep=off", "-kernel", elf};
  q.process = support::run_process(argv, timeout_seconds, workdir);
  static const std::regex bench(R"(mote-bench: ticks=(\d+) stack_bytes=(\d+))");
  std::smatch m;
  if (std::regex_search(q.process.output, m, bench)) {
    // Under -icount shift=0 one guest instruction is 1 ns of virtual time.
    const auto ticks = support::parse_int(m[1].str(), 0, INT64_MAX / 1000);
    const auto stack = support::parse_int(m[2].str(), 0, INT64_MAX);
    q.measured = ticks && stack;
    q.instructions = static_cast<uint64_t>(ticks.value_or(0)) * (1000000000ull / static_cast<uint64_t>(t.core.systick_hz));
    q.stack_bytes = static_cast<uint64_t>(stack.value_or(0));
  }
  static const std::regex overhead_re(R"(mote-layer-overhead: ticks=(\d+))");
  static const std::regex layer_re(R"(mote-layer: (\d+) ticks=(\d+))");
  if (std::regex_search(q.process.output, m, overhead_re)) {
    const int64_t overhead = support::parse_int(m[1].str(), 0, INT32_MAX).value_or(0);
    const uint64_t per_tick = 1000000000ull / static_cast<uint64_t>(t.core.systick_hz);
    for (auto it = std::sregex_iterator(q.process.output.begin(), q.process.output.end(), layer_re);
         it != std::sregex_iterator(); ++it) {
      const auto index = support::parse_int((*it)[1].str(), 0, 1 << 20);
      const auto ticks = support::parse_int((*it)[2].str(), 0, INT64_MAX / 1000);
      if (!index || !ticks) continue;
      if (q.layer_instructions.size() <= static_cast<size_t>(*index)) q.layer_instructions.resize(static_cast<size_t>(*index) + 1);
      q.layer_instructions[static_cast<size_t>(*index)] =
          static_cast<uint64_t>(std::max<int64_t>(0, *ticks - overhead)) * per_tick;
    }
  }
  return q;
}

}  // namespace mote::driver
