#include "compiler/driver/compare.h"

#include <cmath>

#include <fmt/format.h>

#include "compiler/ir/tensor_data.h"

namespace mote::driver {

Comparison compare(const ir::Tensor& want, const std::vector<uint8_t>& got_bytes, const Tolerance& tol) {
  Comparison c;
  ir::Tensor got = want;
  got.data = got_bytes;
  const std::vector<double> w = ir::data_as_double(want), g = ir::data_as_double(got);
  const bool exact = !ir::dtype_is_float(want.dtype);
  const std::vector<int64_t> wi = exact ? ir::data_as_int(want) : std::vector<int64_t>{};
  const std::vector<int64_t> gi = exact ? ir::data_as_int(got) : std::vector<int64_t>{};
  for (size_t i = 0; i < w.size() && i < g.size(); ++i) {
    bool ok;
    double abs_err = 0;
    if (exact) {
      ok = wi[i] == gi[i];
      abs_err = std::fabs(static_cast<double>(wi[i]) - static_cast<double>(gi[i]));
    } else if (std::isnan(w[i]) || std::isnan(g[i])) {
      ok = std::isnan(w[i]) && std::isnan(g[i]);
      abs_err = ok ? 0 : INFINITY;
    } else if (std::isinf(w[i]) || std::isinf(g[i])) {
      ok = w[i] == g[i];
      abs_err = ok ? 0 : INFINITY;
    } else {
      abs_err = std::fabs(g[i] - w[i]);
      ok = abs_err <= tol.atol + tol.rtol * std::fabs(w[i]);
    }
    c.max_abs = std::max(c.max_abs, abs_err);
    if (w[i] != 0 && std::isfinite(abs_err)) c.max_rel = std::max(c.max_rel, abs_err / std::fabs(w[i]));
    if (!ok) {
      if (c.mismatches == 0) c.first_mismatch = fmt::format("element {}: got {}, expected {}", i, g[i], w[i]);
      ++c.mismatches;
      c.ok = false;
    }
  }
  if (w.size() != g.size()) {
    c.ok = false;
    c.first_mismatch = fmt::format("got {} elements, expected {}", g.size(), w.size());
  }
  return c;
}

}  // namespace mote::driver
