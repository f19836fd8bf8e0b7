#!/usr/bin/python3
"""Build the test model for RAM regions: a MobileNetV2-style float network whose
arena is larger than the Cortex-M55 board's 512 KiB DTCM.

    /usr/bin/python3 tests/models/build_region_models.py

Writes tests/models/mbv2_64/ in the ONNX backend-test layout (model.onnx,
test_data_set_{0,1,2}/input_0.pb and output_0.pb):

    input 1x3x64x64
    Conv 3x3 32, pads 1 -> Clip 0..6                     (1x32x64x64, 512 KiB)
    Conv 3x3 depthwise, stride 2, pads 1 -> Clip 0..6    (1x32x32x32)
    Conv 1x1 16                                          (1x16x32x32)
    inverted residual: 1x1 96 -> Clip, 3x3 dw stride 2 -> Clip, 1x1 24   (1x24x16x16)
    inverted residual: 1x1 144 -> Clip, 3x3 dw -> Clip, 1x1 24, + input  (1x24x16x16)
    GlobalAveragePool -> Flatten -> Gemm 24->10 -> output 1x10

Float, at 64x64 its first two layers hold 640 KiB at once. Weights He-normal,
biases small, inputs standard-normal, from numpy.random.default_rng(33). The
expected outputs come from onnxruntime-node through models/ort_ref.py (graph
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

SEED = 33
SETS = 3
INPUT = (1, 3, 64, 64)


def mbv2_model(rng):
    inits, nodes = [], []

    def init(name, array):
        inits.append(numpy_helper.from_array(array, name=name))
        return name

    six = [init("relu6_min", np.array(0.0, np.float32)), init("relu6_max", np.array(6.0, np.float32))]

    def conv(name, x, c_in, c_out, k, stride=1, group=1, relu6=True):
        fan_in = (c_in // group) * k * k
        w = rng.normal(0.0, np.sqrt(2.0 / fan_in), size=(c_out, c_in // group, k, k)).astype(np.float32)
        b = rng.normal(0.0, 0.05, size=(c_out,)).astype(np.float32)
        out = name + "_conv" if relu6 else name
        nodes.append(helper.make_node("Conv", [x, init(name + "_w", w), init(name + "_b", b)], [out], name=name,
                                      kernel_shape=[k, k], strides=[stride, stride], group=group,
                                      pads=[k // 2] * 4))
        if relu6:
            nodes.append(helper.make_node("Clip", [out] + six, [name], name=name + "_relu6"))
        return name

    x = conv("stem", "input", 3, 32, 3)
    x = conv("stem_dw", x, 32, 32, 3, stride=2, group=32)
    x = conv("stem_pw", x, 32, 16, 1, relu6=False)
    x = conv("b1_expand", x, 16, 96, 1)
    x = conv("b1_dw", x, 96, 96, 3, stride=2, group=96)
    x = conv("b1_project", x, 96, 24, 1, relu6=False)
    y = conv("b2_expand", x, 24, 144, 1)
    y = conv("b2_dw", y, 144, 144, 3, group=144)
    y = conv("b2_project", y, 144, 24, 1, relu6=False)
    nodes.append(helper.make_node("Add", [x, y], ["b2_add"], name="b2_add"))
    nodes.append(helper.make_node("GlobalAveragePool", ["b2_add"], ["gap"], name="gap"))
    nodes.append(helper.make_node("Flatten", ["gap"], ["flat"], name="flatten", axis=1))
    w = rng.normal(0.0, np.sqrt(1.0 / 24), size=(10, 24)).astype(np.float32)
    b = rng.normal(0.0, 0.1, size=(10,)).astype(np.float32)
    nodes.append(helper.make_node("Gemm", ["flat", init("fc_w", w), init("fc_b", b)], ["output"], name="fc",
                                  transB=1))
    graph = helper.make_graph(nodes, "mbv2_64", [helper.make_tensor_value_info("input", TensorProto.FLOAT, INPUT)],
                              [helper.make_tensor_value_info("output", TensorProto.FLOAT, [1, 10])], inits)
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 13)], producer_name="mote-tests")
    model.ir_version = 7
    onnx.checker.check_model(model, full_check=True)
    return model


def write(name, model, rng):
    inputs = [rng.standard_normal(INPUT).astype(np.float32) for _ in range(SETS)]
    version = write_test_model(os.path.join(HERE, name), model, inputs)
    print(f"{name}: {len(model.graph.node)} nodes, expected outputs from onnxruntime-node {version}")


def main():
    rng = np.random.default_rng(SEED)
    write("mbv2_64", mbv2_model(rng), rng)


if __name__ == "__main__":
    main()
