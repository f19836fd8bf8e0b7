#pragma once
// Builds small IR graphs for pass tests, the way LLVM tests passes on small
// functions rather than whole programs.
#include <string>
#include <vector>

#include "compiler/ir/graph.h"
#include "compiler/ir/tensor_data.h"

namespace mote::test {

// The ops of g's nodes, in order: what a pass left, at a glance.
inline std::vector<std::string> op_names(const ir::Graph& g) {
  std::vector<std::string> v;
  for (const ir::Node& n : g.nodes) v.push_back(n.op);
  return v;
}

class GraphBuilder {
 public:
  ir::TensorId input(const std::string& name, ir::Shape shape, ir::DType t = ir::DType::kF32) {
    ir::Tensor x;
    x.name = name;
    x.dtype = t;
    x.shape = std::move(shape);
    x.shape_known = true;
    const ir::TensorId id = g.add_tensor(std::move(x));
    g.inputs.push_back(id);
    return id;
  }
  ir::TensorId constant(const std::string& name, ir::Shape shape, const std::vector<double>& values,
                        ir::DType t = ir::DType::kF32) {
    ir::Tensor x;
    x.name = name;
    x.dtype = t;
    x.shape = std::move(shape);
    x.shape_known = true;
    x.data = ir::encode_double(t, values);
    return g.add_tensor(std::move(x));
  }
  ir::TensorId constant_ints(const std::string& name, const std::vector<int64_t>& values) {
    ir::Tensor x;
    x.name = name;
    x.dtype = ir::DType::kI64;
    x.shape = {static_cast<int64_t>(values.size())};
    x.shape_known = true;
    x.data = ir::encode_int(x.dtype, values);
    return g.add_tensor(std::move(x));
  }
  // Adds a node with one fresh (untyped) output per name in `outs`; returns the first.
  ir::TensorId node(const std::string& op, std::vector<ir::TensorId> ins, ir::Attributes attrs = {},
                    std::vector<std::string> outs = {}) {
    ir::Node n;
    n.name = op + "_" + std::to_string(g.nodes.size());
    n.op = op;
    n.opset = 13;
    n.attrs = std::move(attrs);
    n.inputs = std::move(ins);
    if (outs.empty()) outs.push_back(n.name + "_out");
    for (const std::string& o : outs) {
      ir::Tensor t;
      t.name = o;
      n.outputs.push_back(g.add_tensor(std::move(t)));
    }
    const ir::TensorId first = n.outputs[0];
    g.nodes.push_back(std::move(n));
    return first;
  }
  void output(ir::TensorId t) { g.outputs.push_back(t); }

  ir::Graph g;
};

}  // namespace mote::test
