#!/usr/bin/python3
"""Build the test model for pass patch (patch-based execution of the first stage).

    /usr/bin/python3 tests/models/build_patch_models.py

Writes tests/models/patch_stage/ in the ONNX backend-test layout (model.onnx,
test_data_set_{0,1,2}/input_0.pb and output_0.pb). A first stage as image
networks have it, with the window shapes the tiles' halos must get right:
strides 1 and 2, symmetric and uneven padding, a non-square kernel, a
dilation, depthwise and pointwise layers, fused activations:

    input 1x3x64x64
    Conv 3x3 8, stride 2, pads 1            -> Relu   (1x8x32x32)
    Conv 3x3 depthwise, pads 1              -> Clip 0..6
    Conv 1x1 16                             -> Relu   (1x16x32x32)
    Conv 3x5 24, stride 2, pads [0,1 | 1,2] -> Relu   (1x24x16x16)
    Conv 3x3 depthwise, dilation 2, pads 2            (1x24x16x16) = output

The output is the stage's last feature map, so a comparison of patched and
unpatched builds sees every element the tiles compute.

Weights He-normal, biases small, inputs standard-normal, all from
numpy.random.default_rng(21) (a rerun writes the same files). The expected
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

SEED = 21
SETS = 3
INPUT = (1, 3, 64, 64)


def patch_stage_model(rng):
    inits, nodes = [], []

    def init(name, array):
        inits.append(numpy_helper.from_array(array, name=name))
        return name

    def conv(name, x, c_in, c_out, kernel, group=1, act=None, y=None, **attrs):
        fan_in = (c_in // group) * kernel[0] * kernel[1]
        w = rng.normal(0.0, np.sqrt(2.0 / fan_in), size=(c_out, c_in // group) + tuple(kernel)).astype(np.float32)
        b = rng.normal(0.0, 0.1, size=(c_out,)).astype(np.float32)
        out = (y or name) if act is None else name + "_conv"
        nodes.append(helper.make_node("Conv", [x, init(name + "_w", w), init(name + "_b", b)], [out], name=name,
                                      kernel_shape=list(kernel), group=group, **attrs))
        if act == "relu":
            nodes.append(helper.make_node("Relu", [out], [name], name=name + "_relu"))
        elif act == "relu6":
            lo, hi = init(name + "_min", np.array(0.0, np.float32)), init(name + "_max", np.array(6.0, np.float32))
            nodes.append(helper.make_node("Clip", [out, lo, hi], [name], name=name + "_clip"))
        return y or name

    x = conv("conv1", "input", 3, 8, (3, 3), act="relu", strides=[2, 2], pads=[1, 1, 1, 1])
    x = conv("dw1", x, 8, 8, (3, 3), group=8, act="relu6", pads=[1, 1, 1, 1])
    x = conv("pw1", x, 8, 16, (1, 1), act="relu")
    x = conv("conv2", x, 16, 24, (3, 5), act="relu", strides=[2, 2], pads=[0, 1, 1, 2])
    conv("dw2", x, 24, 24, (3, 3), group=24, y="output", dilations=[2, 2], pads=[2, 2, 2, 2])
    graph = helper.make_graph(nodes, "patch_stage", [helper.make_tensor_value_info("input", TensorProto.FLOAT, INPUT)],
                              [helper.make_tensor_value_info("output", TensorProto.FLOAT, [1, 24, 16, 16])], inits)
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
    write("patch_stage", patch_stage_model(rng), rng)


if __name__ == "__main__":
    main()
