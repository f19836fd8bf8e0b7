#include "compiler/support/npy.h"

#include <cstring>
#include <limits>

#include <fmt/format.h>

#include "compiler/support/checked.h"
#include "compiler/support/error.h"
#include "compiler/support/files.h"

namespace mote::support {

namespace {

[[noreturn]] void refuse(const std::string& path, const std::string& why) {
  throw Refusal(fmt::format("{}: not a readable .npy file: {}", path, why));
}

uint64_t read_le(const std::string& s, size_t at, size_t bytes) {
  uint64_t v = 0;
  for (size_t i = 0; i < bytes; ++i) v |= static_cast<uint64_t>(static_cast<uint8_t>(s[at + i])) << (8 * i);
  return v;
}

// The value of `key` in the header's Python dict literal, up to the next top-level comma.
std::string dict_value(const std::string& header, const std::string& key, const std::string& path) {
  size_t at = header.find("'" + key + "'");
  if (at == std::string::npos) at = header.find("\"" + key + "\"");
  if (at == std::string::npos) refuse(path, fmt::format("header has no '{}'", key));
  at = header.find(':', at);
  if (at == std::string::npos) refuse(path, fmt::format("header '{}' has no value", key));
  size_t end = at + 1;
  int depth = 0;
  for (; end < header.size(); ++end) {
    const char c = header[end];
    if (c == '(' || c == '[') ++depth;
    if (c == ')' || c == ']') --depth;
    if (depth == 0 && (c == ',' || c == '}')) break;
  }
  std::string v = header.substr(at + 1, end - at - 1);
  const size_t b = v.find_first_not_of(" \t"), e = v.find_last_not_of(" \t");
  return b == std::string::npos ? "" : v.substr(b, e - b + 1);
}

std::vector<int64_t> parse_shape(const std::string& v, const std::string& path) {
  if (v.size() < 2 || v.front() != '(' || v.back() != ')') refuse(path, fmt::format("shape '{}' is not a tuple", v));
  std::vector<int64_t> shape;
  std::string num;
  for (size_t i = 1; i < v.size(); ++i) {
    const char c = v[i];
    if (c >= '0' && c <= '9') {
      num += c;
    } else if (c == ',' || c == ')') {
      if (!num.empty()) {
        const auto d = parse_int(num, 0, int64_t{1} << 40);
        if (!d) refuse(path, fmt::format("shape '{}' is too large", v));
        shape.push_back(*d);
      }
      num.clear();
    } else if (c != ' ' && c != 'L') {
      refuse(path, fmt::format("shape '{}' is not a tuple of integers", v));
    }
  }
  return shape;
}

}  // namespace

NpyArray read_npy(const std::string& path) { return parse_npy(read_text(path), path); }

NpyArray parse_npy(const std::string& s, const std::string& path) {
  static const char kMagic[] = "\x93NUMPY";
  if (s.size() < 10 || s.compare(0, 6, kMagic, 6) != 0) refuse(path, "no \\x93NUMPY magic");
  const int major = static_cast<uint8_t>(s[6]);
  if (major < 1 || major > 3) refuse(path, fmt::format("format version {} (1, 2 and 3 are read)", major));
  const size_t len_bytes = major == 1 ? 2 : 4;
  const size_t header_at = 8 + len_bytes;
  if (s.size() < header_at) refuse(path, "truncated header");
  const uint64_t header_len = read_le(s, 8, len_bytes);
  if (s.size() - header_at < header_len) refuse(path, "truncated header");
  const std::string header = s.substr(header_at, header_len);

  NpyArray a;
  a.descr = dict_value(header, "descr", path);
  if (a.descr.size() >= 2 && (a.descr.front() == '\'' || a.descr.front() == '"')) a.descr = a.descr.substr(1, a.descr.size() - 2);
  const std::string fortran = dict_value(header, "fortran_order", path);
  if (fortran == "True") refuse(path, "Fortran order (save it with np.ascontiguousarray)");
  if (fortran != "False") refuse(path, fmt::format("fortran_order '{}'", fortran));
  a.shape = parse_shape(dict_value(header, "shape", path), path);

  // Little-endian ('<') or byte-order-free ('|' for one byte) floats and integers.
  const std::string& d = a.descr;
  const bool order_ok = d.size() == 3 && (d[0] == '<' || (d[0] == '|' && d[2] == '1'));
  const char kind = d.size() == 3 ? d[1] : '?';
  const size_t size = d.size() == 3 ? static_cast<size_t>(d[2] - '0') : 0;
  const bool kind_ok = (kind == 'f' && (size == 4 || size == 8)) ||
                       ((kind == 'i' || kind == 'u') && (size == 1 || size == 2 || size == 4 || size == 8));
  if (!order_ok || !kind_ok)
    refuse(path, fmt::format("dtype '{}' (read: <f4, <f8 and little-endian integers)", d));
  a.is_float = kind == 'f';

  const auto elements = checked_product(a.shape, std::numeric_limits<int64_t>::max() / 16);
  if (!elements) refuse(path, "shape too large");
  const auto count = static_cast<uint64_t>(*elements);
  const size_t data_at = header_at + header_len;
  const uint64_t have = s.size() - data_at;
  if (have < count * size)
    refuse(path, fmt::format("truncated: shape ({}) of {} needs {} data bytes, the file has {}", fmt::join(a.shape, ", "),
                             d, count * size, have));
  a.values.resize(count);
  for (uint64_t i = 0; i < count; ++i) {
    const size_t at = data_at + i * size;
    const uint64_t bits = read_le(s, at, size);
    double v;
    if (kind == 'f' && size == 4) {
      float f;
      const auto b32 = static_cast<uint32_t>(bits);
      std::memcpy(&f, &b32, 4);
      v = f;
    } else if (kind == 'f') {
      std::memcpy(&v, &bits, 8);
    } else if (kind == 'u') {
      v = static_cast<double>(bits);
    } else {  // sign-extend
      const uint64_t sign = uint64_t{1} << (8 * size - 1);
      const int64_t x = size == 8 ? static_cast<int64_t>(bits) : static_cast<int64_t>((bits ^ sign)) - static_cast<int64_t>(sign);
      v = static_cast<double>(x);
    }
    a.values[i] = v;
  }
  return a;
}

}  // namespace mote::support
