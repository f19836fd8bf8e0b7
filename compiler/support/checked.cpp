#include "compiler/support/checked.h"

namespace mote::support {

std::optional<int64_t> checked_add(int64_t a, int64_t b) {
  int64_t r;
  if (__builtin_add_overflow(a, b, &r)) return std::nullopt;
  return r;
}

std::optional<int64_t> checked_mul(int64_t a, int64_t b) {
  int64_t r;
  if (__builtin_mul_overflow(a, b, &r)) return std::nullopt;
  return r;
}

int64_t saturating_mul(int64_t a, int64_t b) {
  const auto m = checked_mul(a, b);
  return m ? *m : std::numeric_limits<int64_t>::max();
}

int64_t saturating_int64(double d) {
  if (!(d == d)) return 0;
  // 2^63 is exact in a double; every double below it converts.
  if (d >= 9223372036854775808.0) return std::numeric_limits<int64_t>::max();
  if (d < -9223372036854775808.0) return std::numeric_limits<int64_t>::min();
  return static_cast<int64_t>(d);
}

std::optional<int64_t> checked_product(const std::vector<int64_t>& dims, int64_t limit) {
  int64_t n = 1;
  bool zero = false;
  for (int64_t d : dims) {
    if (d < 0) return std::nullopt;
    if (d == 0) zero = true;
    // Keep multiplying past a zero so a huge dimension beside it is still caught:
    // a kernel may loop over it even when the tensor holds nothing.
    const auto m = checked_mul(n, d == 0 ? 1 : d);
    if (!m || *m > limit) return std::nullopt;
    n = *m;
  }
  return zero ? 0 : n;
}

std::optional<int64_t> parse_int(std::string_view text, int64_t lo, int64_t hi) {
  const bool negative = !text.empty() && text[0] == '-';
  const std::string_view digits = negative ? text.substr(1) : text;
  if (digits.empty()) return std::nullopt;
  // Accumulate negatively: the range of int64_t is one larger below zero.
  int64_t v = 0;
  for (char c : digits) {
    if (c < '0' || c > '9') return std::nullopt;
    const auto m = checked_mul(v, 10);
    if (!m) return std::nullopt;
    const auto s = checked_add(*m, -(c - '0'));
    if (!s) return std::nullopt;
    v = *s;
  }
  if (!negative) {
    if (v == std::numeric_limits<int64_t>::min()) return std::nullopt;
    v = -v;
  }
  if (v < lo || v > hi) return std::nullopt;
  return v;
}

}  // namespace mote::support
