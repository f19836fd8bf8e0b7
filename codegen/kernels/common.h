// Shared by every kernel. Pasted into generated code inside an anonymous namespace,
// after <math.h>, <stdint.h> and <string.h>; nothing else may be included.
//
// Convention: a kernel is `template <class P, ...> void name(inputs..., outputs...)`
// where P is the node's parameter struct; every shape in it is a compile-time
// constant, so the compiler unrolls and folds the loops for this one layer.

typedef int32_t idx_t;

// A large loop nest keeps a function of its own: inlined into SYMBOL_run, each
// layer's kernel would compete with every other layer's values for registers.
#if defined(__GNUC__)
#define K_NOINLINE __attribute__((noinline))
#else
#define K_NOINLINE
#endif

template <class T> inline T k_max(T a, T b) { return a > b ? a : b; }
template <class T> inline T k_min(T a, T b) { return a < b ? a : b; }

// NaN tests say what they test (x != x reads as a mistake to people and linters).
// The builtin, not isnan: newlib's isnan under clang is a call to __fpclassifyf,
// a symbol beyond what a firmware's libc and libm promise.
template <class T> inline bool k_isnan(T) { return false; }
inline bool k_isnan(float x) { return __builtin_isnan(x); }
inline bool k_isnan(double x) { return __builtin_isnan(x); }

inline float k_exp(float x) { return expf(x); }
inline double k_exp(double x) { return exp(x); }
inline float k_log(float x) { return logf(x); }
inline double k_log(double x) { return log(x); }
inline float k_sqrt(float x) { return sqrtf(x); }
inline double k_sqrt(double x) { return sqrt(x); }
inline float k_tanh(float x) { return tanhf(x); }
inline double k_tanh(double x) { return tanh(x); }
inline float k_pow(float x, float y) { return powf(x, y); }
inline double k_pow(double x, double y) { return pow(x, y); }
inline float k_floor(float x) { return floorf(x); }
inline double k_floor(double x) { return floor(x); }
inline float k_fabs(float x) { return fabsf(x); }
inline double k_fabs(double x) { return fabs(x); }

// Copies `P::count` elements: the kernel of Identity and of views that cannot alias.
template <class P, class T>
void copy(const T* x, T* y) {
  if (x != y) memcpy(y, x, sizeof(T) * static_cast<size_t>(P::count));
}

// An index read at run time along an axis of n elements: negative counts from
// the end. Out of range is an error in ONNX; it gives -1 here, so kernels skip
// or zero-fill instead of touching memory outside the tensor.
template <class I> inline idx_t k_index(I i, idx_t n) {
  const int64_t v = static_cast<int64_t>(i) < 0 ? static_cast<int64_t>(i) + n : static_cast<int64_t>(i);
  return v >= 0 && v < n ? static_cast<idx_t>(v) : -1;
}
// Float indices (OneHot) truncate toward zero; NaN and huge values are out of range.
inline idx_t k_index(float i, idx_t n) { return i > -2.0e9f && i < 2.0e9f ? k_index(static_cast<int64_t>(i), n) : -1; }
inline idx_t k_index(double i, idx_t n) { return i > -2.0e9 && i < 2.0e9 ? k_index(static_cast<int64_t>(i), n) : -1; }

// One step of a walk over an output of P::rank dimensions P::shape, reading two
// operands with P::a_strides and P::b_strides (0 along the axes they are
// broadcast on): index, ia and ib move to the next output element.
template <class P>
inline void k_broadcast_next(idx_t* index, idx_t& ia, idx_t& ib) {
  for (idx_t d = P::rank - 1; d >= 0; --d) {
    ia += P::a_strides[d];
    ib += P::b_strides[d];
    if (++index[d] < P::shape[d]) return;
    ia -= P::a_strides[d] * P::shape[d];
    ib -= P::b_strides[d] * P::shape[d];
    index[d] = 0;
  }
}
