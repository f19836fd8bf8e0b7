#include "compiler/support/process.h"

#include <fcntl.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstring>
#include <fstream>
#include <sstream>
#include <thread>

#include <fmt/format.h>

namespace mote::support {

ProcessResult run_process(const std::vector<std::string>& argv, int timeout_seconds, const std::string& workdir) {
  ProcessResult r;
  char log_template[] = "/tmp/mote-proc-XXXXXX";
  const int log_fd = mkstemp(log_template);
  if (log_fd < 0) {
    r.output = "cannot create a temporary file";
    return r;
  }
  const pid_t pid = fork();
  if (pid == 0) {
    setpgid(0, 0);  // own process group, so a timeout kills the whole tree
    dup2(log_fd, 1);
    dup2(log_fd, 2);
    const int devnull = open("/dev/null", O_RDONLY);
    if (devnull >= 0) dup2(devnull, 0);
    if (!workdir.empty() && chdir(workdir.c_str()) != 0) _exit(127);
    std::vector<char*> args;
    for (const std::string& a : argv) args.push_back(const_cast<char*>(a.c_str()));
    args.push_back(nullptr);
    execvp(args[0], args.data());
    fprintf(stderr, "cannot run %s: %s\n", args[0], strerror(errno));
    _exit(127);
  }
  int status = 0;
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(timeout_seconds);
  auto delay = std::chrono::milliseconds(1);
  while (true) {
    const pid_t w = waitpid(pid, &status, WNOHANG);
    if (w == pid) break;
    if (std::chrono::steady_clock::now() > deadline) {
      kill(-pid, SIGKILL);
      kill(pid, SIGKILL);
      waitpid(pid, &status, 0);
      r.timed_out = true;
      break;
    }
    std::this_thread::sleep_for(delay);
    delay = std::min(delay * 2, std::chrono::milliseconds(50));
  }
  close(log_fd);
  std::ifstream log(log_template);
  std::stringstream ss;
  ss << log.rdbuf();
  r.output = ss.str();
  unlink(log_template);
  if (!r.timed_out && WIFEXITED(status)) {
    r.exited = true;
    r.exit_code = WEXITSTATUS(status);
  } else if (!r.timed_out && WIFSIGNALED(status)) {
    r.signal = WTERMSIG(status);
  }
  return r;
}

std::string describe(const ProcessResult& r, int timeout_seconds) {
  if (r.timed_out) return fmt::format("timed out after {} s", timeout_seconds);
  if (r.exited) return fmt::format("exit code {}", r.exit_code);
  return fmt::format("killed by signal {} ({})", r.signal, strsignal(r.signal));
}

}  // namespace mote::support
