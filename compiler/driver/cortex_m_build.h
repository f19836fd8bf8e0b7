#pragma once
// Builds generated code with the bare-metal harness into an ELF for one Cortex-M
// core, and runs it under qemu-system-arm with semihosting.
#include <cstdint>
#include <string>
#include <vector>

#include "compiler/driver/compile.h"
#include "compiler/support/process.h"
#include "compiler/target/target.h"

namespace mote::driver {

struct CortexMBuild {
  bool ok = false;
  std::string elf;
  std::string model_object;    // SYMBOL.cpp compiled: kernels, schedule, arena
  std::string weights_object;  // SYMBOL_weights.cpp compiled: constants
  std::string log;
};

// toolchain: "gcc" (arm-none-eabi-g++) or "clang" (clang-14, linked by arm-none-eabi-g++).
// profile: build the generated code with the per-layer hooks (profile_hooks.h).
CortexMBuild build_cortex_m(const CompileResult& r, const std::string& dir, const target::Target& t,
                            const std::string& toolchain, bool profile = false);

// A bare-metal program of several C++ sources in `dir` (generated code and a main
// of their own, for tests), built with the same flags and start-up as
// build_cortex_m into dir/app.elf.
CortexMBuild build_cortex_m_program(const std::vector<std::string>& sources, const std::string& dir,
                                    const target::Target& t, const std::string& toolchain);

struct QemuRun {
  support::ProcessResult process;
  bool measured = false;
  uint64_t instructions = 0;  // guest instructions of one inference (from SysTick under -icount)
  uint64_t stack_bytes = 0;   // peak stack of one inference
  // With a profiled build: guest instructions per layer (by node index), the hooks'
  // own cost taken out.
  std::vector<uint64_t> layer_instructions;
};

// Runs `elf` with `workdir` as the semihosting folder (in_N.bin in, out_N.bin out).
QemuRun run_qemu(const target::Target& t, const std::string& elf, const std::string& workdir, int timeout_seconds);

}  // namespace mote::driver
