#pragma once
#include <cstdint>
#include <string>

namespace mote::ir {

// Element types Mote's IR can hold. The numbering is Mote's own; the frontend
// maps ONNX's TensorProto codes onto it.
enum class DType : uint8_t {
  kUnknown,
  kF32,
  kF64,
  kI8,
  kU8,
  kI16,
  kU16,
  kI32,
  kU32,
  kI64,
  kU64,
  kBool,
};

int64_t dtype_size(DType t);              // bytes per element
const char* dtype_name(DType t);          // "f32", "i64", ...
const char* dtype_ctype(DType t);         // "float", "int64_t", ... for generated code
bool dtype_is_float(DType t);
bool dtype_is_integer(DType t);           // signed or unsigned, not bool
bool dtype_is_signed(DType t);

}  // namespace mote::ir
