#include "compiler/support/isolate.h"

#include <poll.h>
#include <signal.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cstdint>
#include <cstring>
#include <exception>

#if defined(__SANITIZE_ADDRESS__)
#define MOTE_ASAN 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define MOTE_ASAN 1
#endif
#endif

namespace mote::support {

namespace {

// Frames on the pipe: one tag byte, an 8-byte length, the payload.
constexpr char kStage = 'S', kResult = 'R', kError = 'E';

bool write_all(int fd, const char* p, size_t n) {
  while (n > 0) {
    const ssize_t w = write(fd, p, n);
    if (w < 0 && errno == EINTR) continue;
    if (w <= 0) return false;
    p += w;
    n -= static_cast<size_t>(w);
  }
  return true;
}

bool send(int fd, char tag, const std::string& payload) {
  char head[9];
  head[0] = tag;
  const uint64_t n = payload.size();
  std::memcpy(head + 1, &n, 8);
  return write_all(fd, head, 9) && write_all(fd, payload.data(), payload.size());
}

[[noreturn]] void child(int fd, const std::function<std::string(const StageFn&)>& work, long long memory_limit) {
  // The parent's handlers (a test framework's, say) must not run here: a fatal
  // signal ends the child and the parent reads how it ended.
  for (int sig : {SIGSEGV, SIGBUS, SIGILL, SIGFPE, SIGABRT, SIGTRAP}) signal(sig, SIG_DFL);
  struct rlimit no_core = {0, 0};
  setrlimit(RLIMIT_CORE, &no_core);
#ifndef MOTE_ASAN
  if (memory_limit > 0) {
    struct rlimit as = {static_cast<rlim_t>(memory_limit), static_cast<rlim_t>(memory_limit)};
    setrlimit(RLIMIT_AS, &as);
  }
#else
  (void)memory_limit;
#endif
  bool ok = true;
  try {
    const std::string result = work([&](const std::string& stage) { ok = ok && send(fd, kStage, stage); });
    ok = ok && send(fd, kResult, result);
  } catch (const std::exception& e) {
    ok = ok && send(fd, kError, e.what());
  } catch (...) {
    ok = ok && send(fd, kError, "an exception that is not a std::exception");
  }
  close(fd);
  _exit(ok ? 0 : 1);  // no atexit handlers, no flushing of the parent's buffers
}

}  // namespace

IsolatedResult run_isolated(const std::function<std::string(const StageFn&)>& work, int timeout_seconds,
                            long long memory_limit_bytes) {
  IsolatedResult r;
  int fds[2];
  if (pipe(fds) != 0) return r;
  const pid_t pid = fork();
  if (pid < 0) {
    close(fds[0]);
    close(fds[1]);
    return r;
  }
  if (pid == 0) {
    close(fds[0]);
    child(fds[1], work, memory_limit_bytes);
  }
  close(fds[1]);

  // Read every frame until the child closes its end or the time runs out.
  std::string buf;
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(timeout_seconds);
  bool timed_out = false;
  char chunk[1 << 16];
  while (true) {
    const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now());
    if (left.count() <= 0) {
      timed_out = true;
      break;
    }
    struct pollfd p = {fds[0], POLLIN, 0};
    const int ready = poll(&p, 1, static_cast<int>(std::min<long long>(left.count(), 1000)));
    if (ready < 0 && errno == EINTR) continue;
    if (ready <= 0) continue;
    const ssize_t n = read(fds[0], chunk, sizeof chunk);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) break;
    buf.append(chunk, static_cast<size_t>(n));
  }
  close(fds[0]);
  if (timed_out) kill(pid, SIGKILL);
  int status = 0;
  while (waitpid(pid, &status, 0) < 0 && errno == EINTR) {
  }

  bool have_result = false;
  for (size_t at = 0; at + 9 <= buf.size();) {
    uint64_t n;
    std::memcpy(&n, buf.data() + at + 1, 8);
    if (n > buf.size() - at - 9) break;  // a frame cut short by a crash
    const char tag = buf[at];
    std::string payload = buf.substr(at + 9, n);
    at += 9 + n;
    if (tag == kStage) {
      r.stage = std::move(payload);
    } else if (tag == kResult || tag == kError) {
      r.kind = tag == kResult ? IsolatedResult::kOk : IsolatedResult::kError;
      r.value = std::move(payload);
      have_result = true;
    }
  }
  if (timed_out) {
    r.kind = IsolatedResult::kTimedOut;
  } else if (!have_result || !WIFEXITED(status) || WEXITSTATUS(status) != 0) {
    r.kind = IsolatedResult::kCrashed;
    r.signal = WIFSIGNALED(status) ? WTERMSIG(status) : 0;
  }
  return r;
}

}  // namespace mote::support
