#include "codegen/literals.h"

#include <cmath>
#include <cstring>

#include <fmt/format.h>

namespace mote::codegen {

namespace {
std::string with_point(std::string s) {
  if (s.find_first_of(".eE") == std::string::npos) s += ".0";
  return s;
}
}  // namespace

std::string float_literal(float v) {
  if (std::isnan(v)) return "NAN";
  if (std::isinf(v)) return v > 0 ? "HUGE_VALF" : "-HUGE_VALF";
  return with_point(fmt::format("{}", v)) + "f";
}

std::string double_literal(double v) {
  if (std::isnan(v)) return "(double)NAN";
  if (std::isinf(v)) return v > 0 ? "HUGE_VAL" : "-HUGE_VAL";
  return with_point(fmt::format("{}", v));
}

std::string int_literal(int64_t v, ir::DType t) {
  switch (t) {
    case ir::DType::kBool: return v ? "true" : "false";
    case ir::DType::kI64:
      if (v == INT64_MIN) return "(-INT64_C(9223372036854775807) - 1)";
      return fmt::format("INT64_C({})", v);
    case ir::DType::kU64: return fmt::format("UINT64_C({})", static_cast<uint64_t>(v));
    case ir::DType::kU32: return fmt::format("{}u", static_cast<uint32_t>(v));
    case ir::DType::kI32:
      if (v == INT32_MIN) return "(-2147483647 - 1)";
      return fmt::format("{}", v);
    default: return fmt::format("{}", v);
  }
}

std::string array_body(const ir::Tensor& t, int per_line, const std::string& indent) {
  std::string out;
  const size_t size = static_cast<size_t>(ir::dtype_size(t.dtype));
  const size_t n = t.data ? t.data->size() / size : 0;
  const uint8_t* p = t.data ? t.data->data() : nullptr;
  for (size_t i = 0; i < n; ++i) {
    if (i % static_cast<size_t>(per_line) == 0) out += (i ? ",\n" : "") + indent;
    else out += ", ";
    const uint8_t* e = p + i * size;
    switch (t.dtype) {
      case ir::DType::kF32: { float f; std::memcpy(&f, e, 4); out += float_literal(f); break; }
      case ir::DType::kF64: { double d; std::memcpy(&d, e, 8); out += double_literal(d); break; }
      case ir::DType::kI8: { int8_t x; std::memcpy(&x, e, 1); out += int_literal(x, t.dtype); break; }
      case ir::DType::kU8: case ir::DType::kBool: out += int_literal(*e, t.dtype); break;
      case ir::DType::kI16: { int16_t x; std::memcpy(&x, e, 2); out += int_literal(x, t.dtype); break; }
      case ir::DType::kU16: { uint16_t x; std::memcpy(&x, e, 2); out += int_literal(x, t.dtype); break; }
      case ir::DType::kI32: { int32_t x; std::memcpy(&x, e, 4); out += int_literal(x, t.dtype); break; }
      case ir::DType::kU32: { uint32_t x; std::memcpy(&x, e, 4); out += int_literal(x, t.dtype); break; }
      case ir::DType::kI64: { int64_t x; std::memcpy(&x, e, 8); out += int_literal(x, t.dtype); break; }
      case ir::DType::kU64: { uint64_t x; std::memcpy(&x, e, 8); out += int_literal(static_cast<int64_t>(x), t.dtype); break; }
      case ir::DType::kUnknown: break;
    }
  }
  if (n == 0) out = indent + "0";  // a zero-sized array is not valid C++: one unused element
  return out + "\n";
}

}  // namespace mote::codegen
