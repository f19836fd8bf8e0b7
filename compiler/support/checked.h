#pragma once
// Integer arithmetic and parsing for values that come from a model file or the
// command line. Shapes, byte counts and offsets all go through these: they return
// nothing on overflow instead of wrapping (undefined for int64_t), and parsing
// accepts exactly a decimal number in range, never throwing as std::stoll does.
#include <cstdint>
#include <limits>
#include <optional>
#include <string_view>
#include <vector>

namespace mote::support {

std::optional<int64_t> checked_add(int64_t a, int64_t b);
std::optional<int64_t> checked_mul(int64_t a, int64_t b);

// The product of `dims`, or nothing when a dimension is negative or the product
// exceeds `limit`.
std::optional<int64_t> checked_product(const std::vector<int64_t>& dims,
                                       int64_t limit = std::numeric_limits<int64_t>::max());

// a * b for a, b >= 0, or INT64_MAX when the product does not fit: for counts that
// are compared or bounded afterwards, so an overflow reads as "too large".
int64_t saturating_mul(int64_t a, int64_t b);

// A double as int64_t, truncated toward zero as a cast does, but NaN gives 0 and
// values beyond the range give its ends (a plain cast of those is undefined).
int64_t saturating_int64(double d);

// A whole decimal number in [lo, hi]: ASCII digits with an optional leading '-'
// (no spaces, no '+', no other text), or nothing.
std::optional<int64_t> parse_int(std::string_view text, int64_t lo, int64_t hi);

}  // namespace mote::support
