#pragma once
// What ONNX's checker, version converter and shape inference take for granted of a
// model, checked by Mote before it hands them a file it did not write. Each of these
// once crashed one of them (docs/reliability.md); a refusal here names the model,
// the node or tensor, and the reason.
#include <string>

#include <onnx/onnx_pb.h>

namespace mote::frontend {

// The highest default-domain opset this build's ONNX library knows.
int newest_known_opset();

// Refuses (support::Refusal, "<path>: ...") a model that breaks any of:
//  - its default-domain opset is one the ONNX library knows;
//  - every tensor it holds (initializers, Constant values, tensor attributes) has a
//    supported type, bounded non-negative dimensions and exactly the bytes they
//    need; external data stays inside the model's folder;
//  - every node input and graph output is produced (by a graph input, an
//    initializer or an earlier node); no subgraphs or sparse tensors;
//  - axis-like attributes are within any rank Mote handles;
//  - the weights of the operators that index them have the rank the operator needs.
void check_before_onnx(const onnx::ModelProto& m, const std::string& path);

}  // namespace mote::frontend
