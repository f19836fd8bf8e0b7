#pragma once
// Constant folding with the kernel library itself: the elementwise kernels and
// their functors are compiled into the compiler (namespace kernel_eval), so a
// node folded at compile time yields exactly what its generated code would.
//
// Typed access to constant tensors, dispatch from ir::DType to a C++ type, and
// the index maps of numpy broadcasting live here too.
#include <math.h>
#include <stdint.h>
#include <string.h>

#include <cstring>
#include <type_traits>
#include <vector>

#include "compiler/ir/graph.h"

namespace mote::ops::kernel_eval {
#include "codegen/kernels/common.h"
#include "codegen/kernels/elementwise.h"
}  // namespace mote::ops::kernel_eval

namespace mote::ops::eval {

// Which element types a dispatch may produce: each operator instantiates its
// functor only for the types its rule accepts.
enum Kinds : int { kFloat = 1, kSigned = 2, kUnsigned = 4, kBool = 8, kInt = kSigned | kUnsigned,
                   kNumeric = kFloat | kInt, kAny = kNumeric | kBool };

// Calls f(T{}) with the C++ type of `t`; false when `t` is not among `K`.
template <int K, class F>
bool with_type(ir::DType t, F&& f) {
  switch (t) {
    case ir::DType::kF32: if constexpr ((K & kFloat) != 0) { f(float{}); return true; } break;
    case ir::DType::kF64: if constexpr ((K & kFloat) != 0) { f(double{}); return true; } break;
    case ir::DType::kI8: if constexpr ((K & kSigned) != 0) { f(int8_t{}); return true; } break;
    case ir::DType::kI16: if constexpr ((K & kSigned) != 0) { f(int16_t{}); return true; } break;
    case ir::DType::kI32: if constexpr ((K & kSigned) != 0) { f(int32_t{}); return true; } break;
    case ir::DType::kI64: if constexpr ((K & kSigned) != 0) { f(int64_t{}); return true; } break;
    case ir::DType::kU8: if constexpr ((K & kUnsigned) != 0) { f(uint8_t{}); return true; } break;
    case ir::DType::kU16: if constexpr ((K & kUnsigned) != 0) { f(uint16_t{}); return true; } break;
    case ir::DType::kU32: if constexpr ((K & kUnsigned) != 0) { f(uint32_t{}); return true; } break;
    case ir::DType::kU64: if constexpr ((K & kUnsigned) != 0) { f(uint64_t{}); return true; } break;
    case ir::DType::kBool: if constexpr ((K & kBool) != 0) { f(bool{}); return true; } break;
    case ir::DType::kUnknown: break;
  }
  return false;
}

// The elements of a constant tensor as T (T must be the tensor's own type).
template <class T>
std::vector<T> elements(const ir::Tensor& t) {
  const size_t n = t.data ? t.data->size() / sizeof(T) : 0;
  std::vector<T> v(n);
  if constexpr (std::is_same_v<T, bool>) {
    for (size_t i = 0; i < n; ++i) v[i] = (*t.data)[i] != 0;
  } else if (n) {
    std::memcpy(v.data(), t.data->data(), n * sizeof(T));
  }
  return v;
}

template <class T>
std::vector<uint8_t> to_bytes(const std::vector<T>& v) {
  std::vector<uint8_t> b(v.size() * sizeof(T));
  if constexpr (std::is_same_v<T, bool>) {
    for (size_t i = 0; i < v.size(); ++i) b[i] = v[i] ? 1 : 0;
  } else if (!v.empty()) {
    std::memcpy(b.data(), v.data(), b.size());
  }
  return b;
}

// For every element of `out`, the element of `in` numpy broadcasting reads.
std::vector<int64_t> broadcast_index(const ir::Shape& in, const ir::Shape& out);

// Parameters of a folded unary functor: attribute-free operators read none.
struct NoParams {};

// y = Op(x) elementwise, Y the output's C++ type.
template <class Op, class Y, class X>
std::vector<uint8_t> unary(const ir::Tensor& x) {
  const std::vector<X> v = elements<X>(x);
  std::vector<Y> r(v.size());
  for (size_t i = 0; i < v.size(); ++i) r[i] = Op::template f<NoParams, Y>(v[i]);
  return to_bytes(r);
}

// y = Op(a, b) with broadcasting to `y`'s shape.
template <class Op, class Y, class A, class B>
std::vector<uint8_t> binary(const ir::Tensor& a, const ir::Tensor& b, const ir::Tensor& y) {
  const std::vector<A> va = elements<A>(a);
  const std::vector<B> vb = elements<B>(b);
  const std::vector<int64_t> ia = broadcast_index(a.shape, y.shape), ib = broadcast_index(b.shape, y.shape);
  std::vector<Y> r(ia.size());
  for (size_t i = 0; i < r.size(); ++i)
    r[i] = Op::template f<Y>(va[static_cast<size_t>(ia[i])], vb[static_cast<size_t>(ib[i])]);
  return to_bytes(r);
}

}  // namespace mote::ops::eval
