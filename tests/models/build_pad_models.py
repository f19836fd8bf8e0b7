#!/usr/bin/python3
"""Build the test models with explicit Pad nodes for pass fold-pad.

    /usr/bin/python3 tests/models/build_pad_models.py

Writes tests/models/pad_conv/ in the ONNX backend-test layout (model.onnx,
test_data_set_{0,1,2}/input_0.pb and output_0.pb). The network is the way
tf2onnx exports TensorFlow convolutions with "same" padding: each Conv has no
pads of its own and reads an explicit Pad (opset 11+ form, pads as an int64
initializer), uneven for the stride-2 layers ([0,0,0,0, 0,0,1,1]: one row and
one column at the end):

    input 1x3x32x32
    Pad [1,1 | 1,1]            -> Conv 3x3 8,  stride 1 -> Relu   (1x8x32x32)
    Pad [0,0 | 1,1]            -> Conv 3x3 16, stride 2 -> Relu   (1x16x16x16)
    Pad [0,0 | 1,1], value 0.0 -> Conv 3x3 32, stride 2 -> Relu   (1x32x8x8)
    GlobalAveragePool -> Flatten -> Gemm 32->10 -> output 1x10

Weights He-normal, biases small, inputs standard-normal, all from
numpy.random.default_rng(12) (a rerun writes the same files). The expected
outputs come from onnxruntime-node through models/ort_ref.py (graph
optimisations disabled, one thread), as for the shipped models; that needs
`cd models && ONNXRUNTIME_NODE_INSTALL=skip npm ci` once (models/README.md).
Needs python3-onnx and python3-numpy (Debian).
"""
import os
import sys

import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper

HERE = os.path.dirname(os.path.abspath(__file__))
sys.dont_write_bytecode = True  # keep __pycache__ out of the repository
sys.path.insert(0, HERE)
from test_data_writer import write_test_model  # noqa: E402

SEED = 12
SETS = 3


def pad_conv_model(rng):
    inits, nodes = [], []

    def init(name, array):
        inits.append(numpy_helper.from_array(array, name=name))
        return name

    def conv_layer(i, x, c_in, c_out, stride, pads, with_value):
        pad_inputs = [x, init(f"pad{i}_pads", np.array(pads, dtype=np.int64))]
        if with_value:
            pad_inputs.append(init(f"pad{i}_value", np.array(0.0, dtype=np.float32)))
        nodes.append(helper.make_node("Pad", pad_inputs, [f"pad{i}"], name=f"pad{i}", mode="constant"))
        w = rng.normal(0.0, np.sqrt(2.0 / (c_in * 9)), size=(c_out, c_in, 3, 3)).astype(np.float32)
        b = rng.normal(0.0, 0.1, size=(c_out,)).astype(np.float32)
        nodes.append(helper.make_node("Conv", [f"pad{i}", init(f"conv{i}_w", w), init(f"conv{i}_b", b)],
                                      [f"conv{i}"], name=f"conv{i}", kernel_shape=[3, 3],
                                      strides=[stride, stride]))
        nodes.append(helper.make_node("Relu", [f"conv{i}"], [f"relu{i}"], name=f"relu{i}"))
        return f"relu{i}"

    x = conv_layer(1, "input", 3, 8, 1, [0, 0, 1, 1, 0, 0, 1, 1], False)
    x = conv_layer(2, x, 8, 16, 2, [0, 0, 0, 0, 0, 0, 1, 1], False)
    x = conv_layer(3, x, 16, 32, 2, [0, 0, 0, 0, 0, 0, 1, 1], True)
    nodes.append(helper.make_node("GlobalAveragePool", [x], ["gap"], name="gap"))
    nodes.append(helper.make_node("Flatten", ["gap"], ["flat"], name="flatten", axis=1))
    w = rng.normal(0.0, np.sqrt(1.0 / 32), size=(10, 32)).astype(np.float32)
    b = rng.normal(0.0, 0.1, size=(10,)).astype(np.float32)
    nodes.append(helper.make_node("Gemm", ["flat", init("fc_w", w), init("fc_b", b)], ["output"], name="fc",
                                  transB=1))
    graph = helper.make_graph(nodes, "pad_conv",
                              [helper.make_tensor_value_info("input", TensorProto.FLOAT, [1, 3, 32, 32])],
                              [helper.make_tensor_value_info("output", TensorProto.FLOAT, [1, 10])], inits)
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 13)], producer_name="mote-tests")
    model.ir_version = 7
    onnx.checker.check_model(model, full_check=True)
    return model


def write(name, model, rng):
    inputs = [rng.standard_normal((1, 3, 32, 32)).astype(np.float32) for _ in range(SETS)]
    version = write_test_model(os.path.join(HERE, name), model, inputs)
    print(f"{name}: {len(model.graph.node)} nodes, expected outputs from onnxruntime-node {version}")


def main():
    rng = np.random.default_rng(SEED)
    write("pad_conv", pad_conv_model(rng), rng)


if __name__ == "__main__":
    main()
