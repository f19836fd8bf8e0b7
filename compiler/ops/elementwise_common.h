#pragma once
// Pieces the elementwise operator definitions share (elementwise.cpp, binary.cpp,
// compare.cpp, variadic.cpp, cast.cpp): dtype rules, broadcasting of any number of
// inputs, and the kernel calls into codegen/kernels/elementwise.h.
#include <string>
#include <vector>

#include "compiler/ops/helpers.h"
#include "compiler/ops/kernel_eval.h"

namespace mote::ops {

// The eval::Kinds bit of a dtype (0 for kUnknown).
int kind_of(ir::DType t);
// Refuses unless input i's dtype is among `kinds`; `what` names them in the message.
void require_kind(const InferContext& ctx, size_t i, int kinds, const char* what);
// Refuses unless inputs `from`.. all have input `from`'s dtype.
void require_same_dtype(const InferContext& ctx, size_t from = 0);

// The numpy broadcast of the shapes of inputs `idx`; refuses when they do not broadcast.
ir::Shape broadcast_inputs(const InferContext& ctx, const std::vector<size_t>& idx);

// y = Op(x): kernel `unary<P, X, Y, functor>`, P = {count, params...}.
KernelCall unary_call(const ir::Graph& g, const ir::Node& n, const char* functor, std::vector<Param> params = {});
// y = Op(a, b) broadcasting: binary_same, binary_scalar_a/b or binary_broadcast.
KernelCall binary_call(const ir::Graph& g, const ir::Node& n, const char* functor);

Cost no_macs(const ir::Graph& g, const ir::Node& n);

}  // namespace mote::ops
