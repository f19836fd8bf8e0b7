#!/usr/bin/python3
"""Build the test model of the int8 activations (issue 11): the forms PyTorch
exports for MobileNetV3 / EfficientNet-style blocks, each of which stayed float
before their int8 rules.

    /usr/bin/python3 tests/models/build_activation_models.py

Writes tests/models/act_block/ in the ONNX backend-test layout (model.onnx,
test_data_set_{0,1,2}/input_0.pb and output_0.pb), opset 14:

    input 1x3x16x16
    Sub 0.5, Div 0.25                                       (normalisation inside the model)
    Conv 3x3 8             -> HardSigmoid(1/6, 1/2), Mul    (HardSwish as exporters write it)
    Conv 3x3 16, stride 2  -> HardSwish                     (the opset-14 op)
    Conv 1x1 16            -> LeakyRelu(0.1)
    Conv 3x3 depthwise 16  -> Sigmoid, Mul                  (Swish / SiLU)
    squeeze-excite: GlobalAveragePool -> Conv 1x1 4 -> Relu -> Conv 1x1 16
                    -> HardSigmoid -> Mul with the block's input (broadcast over 8x8)
    Concat with the LeakyRelu's output (a skip branch with other parameters)
    Conv 1x1 32->16        -> Tanh -> Mul 0.5 -> Add 0.5     (constant operands)
    Conv 1x1 16            -> Elu
    Conv 1x1 16            -> GELU as exported: Div sqrt(2), Erf, Add 1, Mul by its input, Mul 0.5
    GlobalAveragePool -> Flatten -> Gemm 16->10 -> Softmax -> output 1x10

Weights He-normal, biases small, inputs standard-normal, all from
numpy.random.default_rng(21) (a rerun writes the same files). The expected
outputs come from onnxruntime-node through models/ort_ref.py, as for the shipped
models; that needs `cd models && ONNXRUNTIME_NODE_INSTALL=skip npm ci` once.
Needs python3-onnx and python3-numpy (Debian).
"""
import os
import sys

import numpy as np
from onnx import TensorProto, helper, numpy_helper

HERE = os.path.dirname(os.path.abspath(__file__))
sys.dont_write_bytecode = True  # keep __pycache__ out of the repository
sys.path.insert(0, HERE)
from test_data_writer import write_test_model  # noqa: E402

SEED = 21
SETS = 3


def act_block_model(rng):
    inits, nodes = [], []

    def init(name, array):
        inits.append(numpy_helper.from_array(array, name=name))
        return name

    def conv(name, x, c_in, c_out, k, stride=1, group=1):
        fan_in = c_in // group * k * k
        w = rng.normal(0.0, np.sqrt(2.0 / fan_in), size=(c_out, c_in // group, k, k)).astype(np.float32)
        b = rng.normal(0.0, 0.1, size=(c_out,)).astype(np.float32)
        p = k // 2
        nodes.append(helper.make_node("Conv", [x, init(name + "_w", w), init(name + "_b", b)], [name], name=name,
                                      kernel_shape=[k, k], strides=[stride, stride], pads=[p, p, p, p], group=group))
        return name

    def node(op, inputs, name, **attrs):
        nodes.append(helper.make_node(op, inputs, [name], name=name, **attrs))
        return name

    centred = node("Sub", ["input", init("mean", np.array(0.5, dtype=np.float32))], "normalize_sub")
    scaled = node("Div", [centred, init("std", np.array(0.25, dtype=np.float32))], "normalize_div")
    c1 = conv("conv1", scaled, 3, 8, 3)
    a1 = node("Mul", [c1, node("HardSigmoid", [c1], "hsig1", alpha=1.0 / 6, beta=0.5)], "hswish1")
    a2 = node("HardSwish", [conv("conv2", a1, 8, 16, 3, stride=2)], "hswish2")
    a3 = node("LeakyRelu", [conv("conv3", a2, 16, 16, 1)], "leaky3", alpha=0.1)
    c4 = conv("dwconv4", a3, 16, 16, 3, group=16)
    a4 = node("Mul", [c4, node("Sigmoid", [c4], "sigmoid4")], "swish4")
    squeezed = node("Relu", [conv("se_reduce", node("GlobalAveragePool", [a4], "se_pool"), 16, 4, 1)], "se_relu")
    gate = node("HardSigmoid", [conv("se_expand", squeezed, 4, 16, 1)], "se_gate", alpha=1.0 / 6, beta=0.5)
    excited = node("Mul", [a4, gate], "se_scale")
    skip = node("Concat", [excited, a3], "skip_concat", axis=1)
    t5 = node("Tanh", [conv("conv5", skip, 32, 16, 1)], "tanh5")
    half = init("half", np.array(0.5, dtype=np.float32))
    a5 = node("Add", [node("Mul", [t5, half], "tanh5_scale"), half], "tanh5_shift")
    a6 = node("Elu", [conv("conv6", a5, 16, 16, 1)], "elu6")
    c7 = conv("conv7", a6, 16, 16, 1)
    erf = node("Erf", [node("Div", [c7, init("sqrt2", np.array(np.sqrt(2.0), dtype=np.float32))], "gelu_div")],
               "gelu_erf")
    one = init("one", np.array(1.0, dtype=np.float32))
    gated = node("Mul", [c7, node("Add", [erf, one], "gelu_add")], "gelu_mul")
    a7 = node("Mul", [gated, half], "gelu")
    pooled = node("Flatten", [node("GlobalAveragePool", [a7], "pool")], "flatten")
    w = rng.normal(0.0, np.sqrt(1.0 / 16), size=(10, 16)).astype(np.float32)
    b = rng.normal(0.0, 0.1, size=(10,)).astype(np.float32)
    logits = node("Gemm", [pooled, init("fc_w", w), init("fc_b", b)], "fc", transB=1)
    nodes.append(helper.make_node("Softmax", [logits], ["output"], name="softmax", axis=1))
    graph = helper.make_graph(nodes, "act_block",
                              [helper.make_tensor_value_info("input", TensorProto.FLOAT, [1, 3, 16, 16])],
                              [helper.make_tensor_value_info("output", TensorProto.FLOAT, [1, 10])], inits)
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 14)], producer_name="mote-tests")
    model.ir_version = 7
    return model


def main():
    rng = np.random.default_rng(SEED)
    model = act_block_model(rng)
    inputs = [rng.normal(0.0, 1.0, size=(1, 3, 16, 16)).astype(np.float32) for _ in range(SETS)]
    version = write_test_model(os.path.join(HERE, "act_block"), model, inputs)
    print(f"wrote tests/models/act_block ({SETS} sets, onnxruntime {version})")


if __name__ == "__main__":
    main()
