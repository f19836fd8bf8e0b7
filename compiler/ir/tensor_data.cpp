#include "compiler/ir/tensor_data.h"

#include <cmath>
#include <cstring>

#include "compiler/support/checked.h"

namespace mote::ir {
namespace {

template <typename T>
T load(const uint8_t* p) {
  T v;
  std::memcpy(&v, p, sizeof(T));
  return v;
}

template <typename T>
void store(uint8_t* p, T v) {
  std::memcpy(p, &v, sizeof(T));
}

double element_as_double(DType t, const uint8_t* p) {
  switch (t) {
    case DType::kF32: return load<float>(p);
    case DType::kF64: return load<double>(p);
    case DType::kI8: return load<int8_t>(p);
    case DType::kU8: return load<uint8_t>(p);
    case DType::kI16: return load<int16_t>(p);
    case DType::kU16: return load<uint16_t>(p);
    case DType::kI32: return load<int32_t>(p);
    case DType::kU32: return load<uint32_t>(p);
    case DType::kI64: return static_cast<double>(load<int64_t>(p));
    case DType::kU64: return static_cast<double>(load<uint64_t>(p));
    case DType::kBool: return load<uint8_t>(p) ? 1.0 : 0.0;
    case DType::kUnknown: break;
  }
  return 0.0;
}

int64_t element_as_int(DType t, const uint8_t* p) {
  switch (t) {
    case DType::kI64: return load<int64_t>(p);
    case DType::kU64: return static_cast<int64_t>(load<uint64_t>(p));
    case DType::kF32: case DType::kF64: {
      const double d = element_as_double(t, p);
      return std::isfinite(d) ? support::saturating_int64(d) : 0;
    }
    default: return static_cast<int64_t>(element_as_double(t, p));
  }
}

}  // namespace

std::vector<double> data_as_double(const Tensor& t) {
  std::vector<double> out;
  if (!t.data) return out;
  const int64_t size = dtype_size(t.dtype);
  const size_t n = size ? t.data->size() / static_cast<size_t>(size) : 0;
  out.reserve(n);
  for (size_t i = 0; i < n; ++i) out.push_back(element_as_double(t.dtype, t.data->data() + i * size));
  return out;
}

std::vector<int64_t> data_as_int(const Tensor& t) {
  std::vector<int64_t> out;
  if (!t.data) return out;
  const int64_t size = dtype_size(t.dtype);
  const size_t n = size ? t.data->size() / static_cast<size_t>(size) : 0;
  out.reserve(n);
  for (size_t i = 0; i < n; ++i) out.push_back(element_as_int(t.dtype, t.data->data() + i * size));
  return out;
}

std::vector<uint8_t> encode_double(DType t, const std::vector<double>& v) {
  std::vector<uint8_t> out(v.size() * static_cast<size_t>(dtype_size(t)));
  uint8_t* p = out.data();
  const size_t sz = static_cast<size_t>(dtype_size(t));
  for (size_t i = 0; i < v.size(); ++i, p += sz) {
    const double d = v[i];
    switch (t) {
      case DType::kF32: store<float>(p, static_cast<float>(d)); break;
      case DType::kF64: store<double>(p, d); break;
      case DType::kBool: store<uint8_t>(p, d != 0.0); break;
      default: {
        std::vector<int64_t> one{std::isfinite(d) ? support::saturating_int64(d) : 0};
        std::vector<uint8_t> b = encode_int(t, one);
        std::memcpy(p, b.data(), sz);
      }
    }
  }
  return out;
}

std::vector<uint8_t> encode_int(DType t, const std::vector<int64_t>& v) {
  std::vector<uint8_t> out(v.size() * static_cast<size_t>(dtype_size(t)));
  uint8_t* p = out.data();
  const size_t sz = static_cast<size_t>(dtype_size(t));
  for (size_t i = 0; i < v.size(); ++i, p += sz) {
    const int64_t x = v[i];
    switch (t) {
      case DType::kF32: store<float>(p, static_cast<float>(x)); break;
      case DType::kF64: store<double>(p, static_cast<double>(x)); break;
      case DType::kI8: store<int8_t>(p, static_cast<int8_t>(x)); break;
      case DType::kU8: store<uint8_t>(p, static_cast<uint8_t>(x)); break;
      case DType::kI16: store<int16_t>(p, static_cast<int16_t>(x)); break;
      case DType::kU16: store<uint16_t>(p, static_cast<uint16_t>(x)); break;
      case DType::kI32: store<int32_t>(p, static_cast<int32_t>(x)); break;
      case DType::kU32: store<uint32_t>(p, static_cast<uint32_t>(x)); break;
      case DType::kI64: store<int64_t>(p, x); break;
      case DType::kU64: store<uint64_t>(p, static_cast<uint64_t>(x)); break;
      case DType::kBool: store<uint8_t>(p, x != 0); break;
      case DType::kUnknown: break;
    }
  }
  return out;
}

}  // namespace mote::ir
