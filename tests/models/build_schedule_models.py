#!/usr/bin/python3
"""Build the test model for pass `schedule`, with its expected outputs.

    /usr/bin/python3 tests/models/build_schedule_models.py

two_towers: two convolution towers on one input, written in the order a model's
forward() often computes them: both wide 3x3 convolutions first, then both
narrowing 1x1s. Running one tower to its end before starting the other keeps one
32x16x16 float tensor live instead of two. The expected outputs come from
onnxruntime-node (models/ort_ref.py, graph optimisations off), not from Mote.

Needs python3-onnx, numpy and node with models/node_modules (no torch).
"""
import os
import sys

import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper

HERE = os.path.dirname(os.path.abspath(__file__))
sys.dont_write_bytecode = True
sys.path.insert(0, HERE)
from test_data_writer import write_test_model  # noqa: E402


def two_towers(rng):
    def weight(name, shape):
        fan_in = int(np.prod(shape[1:]))
        return numpy_helper.from_array((rng.standard_normal(shape) / np.sqrt(fan_in)).astype(np.float32), name)

    inits = [
        weight("a_wide_w", (32, 8, 3, 3)), weight("b_wide_w", (32, 8, 3, 3)),
        weight("a_narrow_w", (8, 32, 1, 1)), weight("b_narrow_w", (8, 32, 1, 1)),
        weight("fc_w", (10, 8)),
        numpy_helper.from_array(np.zeros(10, np.float32), "fc_b"),
    ]
    conv3 = dict(kernel_shape=[3, 3], pads=[1, 1, 1, 1])
    nodes = [
        helper.make_node("Conv", ["input", "a_wide_w"], ["a_wide"], name="tower_a_wide", **conv3),
        helper.make_node("Conv", ["input", "b_wide_w"], ["b_wide"], name="tower_b_wide", **conv3),
        helper.make_node("Relu", ["a_wide"], ["a_act"], name="tower_a_relu"),
        helper.make_node("Relu", ["b_wide"], ["b_act"], name="tower_b_relu"),
        helper.make_node("Conv", ["a_act", "a_narrow_w"], ["a_out"], name="tower_a_narrow", kernel_shape=[1, 1]),
        helper.make_node("Conv", ["b_act", "b_narrow_w"], ["b_out"], name="tower_b_narrow", kernel_shape=[1, 1]),
        helper.make_node("Add", ["a_out", "b_out"], ["sum"], name="join"),
        helper.make_node("GlobalAveragePool", ["sum"], ["pooled"], name="pool"),
        helper.make_node("Flatten", ["pooled"], ["flat"], name="flatten"),
        helper.make_node("Gemm", ["flat", "fc_w", "fc_b"], ["output"], name="classifier", transB=1),
    ]
    graph = helper.make_graph(nodes, "two_towers",
                              [helper.make_tensor_value_info("input", TensorProto.FLOAT, [1, 8, 16, 16])],
                              [helper.make_tensor_value_info("output", TensorProto.FLOAT, [1, 10])], inits)
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 13)], producer_name="mote-tests")
    model.ir_version = 7
    onnx.checker.check_model(model)
    return model


def write(name, model, inputs):
    version = write_test_model(os.path.join(HERE, name), model, inputs)
    print(f"{name}: onnxruntime-node {version}: {len(inputs)} test data sets")


def main():
    rng = np.random.default_rng(20261202)
    write("two_towers", two_towers(rng), [rng.standard_normal((1, 8, 16, 16)).astype(np.float32) for _ in range(3)])


if __name__ == "__main__":
    main()
