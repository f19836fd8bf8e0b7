#!/usr/bin/python3
"""Build the test models of the int8 activations and layers (issue 11): the
forms PyTorch exports, each of which stayed float before its int8 rule.

    /usr/bin/python3 tests/models/build_activation_models.py

Writes tests/models/act_block/ and tests/models/layer_block/ in the ONNX
backend-test layout (model.onnx, test_data_set_{0,1,2}/input_0.pb and
output_0.pb), opset 14. act_block, for MobileNetV3 / EfficientNet-style blocks:

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

layer_block, the layers a PyTorch or tf2onnx export leaves between convolutions:

    input 1x4x16x16
    BatchNormalization                                      (normalisation at the input, nothing to fold into)
    Conv 3x3 8 -> PRelu (slope per channel, 8x1x1, as nn.PReLU(8) exports)
    Pad reflect 1 -> MaxPool 3x3 stride 2                   (1x8x8x8)
    Conv 3x3 16 -> Relu -> BatchNormalization               (after the Relu: not folded)
    Resize nearest x2                                       (1x16x16x16)
    Sub of a 1x1 Conv of the PRelu's output                 (two activations)
    ReduceMean over H, W (keepdims 0)                       (1x16, tf2onnx's global average pool)
    BatchNormalization (rank 2, BatchNorm1d) -> Gemm 16->10 -> Softmax -> output 1x10

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


class Parts:
    """A test model's initializers and nodes; each adder returns the name it gave."""

    def __init__(self):
        self.inits, self.nodes = [], []

    def init(self, name, array, dtype=np.float32):
        self.inits.append(numpy_helper.from_array(np.asarray(array, dtype=dtype), name=name))
        return name

    def node(self, op, inputs, name, **attrs):
        self.nodes.append(helper.make_node(op, inputs, [name], name=name, **attrs))
        return name


def act_block_model(rng):
    parts = Parts()
    inits, nodes, init, node = parts.inits, parts.nodes, parts.init, parts.node

    def conv(name, x, c_in, c_out, k, stride=1, group=1):
        fan_in = c_in // group * k * k
        w = rng.normal(0.0, np.sqrt(2.0 / fan_in), size=(c_out, c_in // group, k, k)).astype(np.float32)
        b = rng.normal(0.0, 0.1, size=(c_out,)).astype(np.float32)
        p = k // 2
        nodes.append(helper.make_node("Conv", [x, init(name + "_w", w), init(name + "_b", b)], [name], name=name,
                                      kernel_shape=[k, k], strides=[stride, stride], pads=[p, p, p, p], group=group))
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
    return classifier_model("act_block", nodes, inits, logits, [1, 3, 16, 16])


def layer_block_model(rng):
    parts = Parts()
    inits, nodes, init, node = parts.inits, parts.nodes, parts.init, parts.node

    def conv(name, x, c_in, c_out, k):
        w = rng.normal(0.0, np.sqrt(2.0 / (c_in * k * k)), size=(c_out, c_in, k, k))
        b = rng.normal(0.0, 0.1, size=(c_out,))
        p = k // 2
        return node("Conv", [x, init(name + "_w", w), init(name + "_b", b)], name, kernel_shape=[k, k],
                    pads=[p, p, p, p])

    def batch_norm(name, x, c):
        stats = [init(name + "_scale", rng.uniform(0.5, 1.5, size=c)), init(name + "_bias", rng.normal(0, 0.2, size=c)),
                 init(name + "_mean", rng.normal(0, 0.3, size=c)), init(name + "_var", rng.uniform(0.5, 2.0, size=c))]
        return node("BatchNormalization", [x] + stats, name, epsilon=1e-5)

    x = batch_norm("input_norm", "input", 4)
    c1 = conv("conv1", x, 4, 8, 3)
    a1 = node("PRelu", [c1, init("prelu1_slope", rng.uniform(0.05, 0.3, size=(8, 1, 1)))], "prelu1")
    padded = node("Pad", [a1, inits_int64(inits, "pad1_pads", [0, 0, 1, 1, 0, 0, 1, 1])], "pad1", mode="reflect")
    pooled = node("MaxPool", [padded], "pool1", kernel_shape=[3, 3], strides=[2, 2])
    a2 = batch_norm("bn2", node("Relu", [conv("conv2", pooled, 8, 16, 3)], "relu2"), 16)
    up = node("Resize", [a2, "", init("up_scales", [1, 1, 2, 2])], "upsample", mode="nearest")
    diff = node("Sub", [up, conv("skip", a1, 8, 16, 1)], "skip_sub")
    mean = node("ReduceMean", [diff], "mean", axes=[2, 3], keepdims=0)
    w = rng.normal(0.0, np.sqrt(1.0 / 16), size=(10, 16))
    logits = node("Gemm", [batch_norm("fc_norm", mean, 16), init("fc_w", w), init("fc_b", rng.normal(0, 0.1, size=10))],
                  "fc", transB=1)
    return classifier_model("layer_block", nodes, inits, logits, [1, 4, 16, 16])


def upsample_block_model(rng):
    """Linear Resize between convolutions, as decoders and feature pyramids use it:
    bilinear x2 (half_pixel, PyTorch's align_corners=False), then to a size of
    ratio 11/8 with align_corners; a skip Add of the two scales' features."""
    parts = Parts()
    inits, nodes, init, node = parts.inits, parts.nodes, parts.init, parts.node

    def conv(name, x, c_in, c_out, k, stride=1):
        w = rng.normal(0.0, np.sqrt(2.0 / (c_in * k * k)), size=(c_out, c_in, k, k))
        b = rng.normal(0.0, 0.1, size=(c_out,))
        p = k // 2
        return node("Conv", [x, init(name + "_w", w), init(name + "_b", b)], name, kernel_shape=[k, k],
                    pads=[p, p, p, p], strides=[stride, stride])

    full = node("Relu", [conv("conv1", "input", 3, 8, 3)], "relu1")                          # 8x16x16
    half = node("Relu", [conv("conv2", full, 8, 8, 3, stride=2)], "relu2")                   # 8x8x8
    up = node("Resize", [half, "", init("up_scales", [1, 1, 2, 2])], "upsample", mode="linear",
              coordinate_transformation_mode="half_pixel")                                    # 8x16x16
    merged = node("Add", [full, up], "skip_add")
    odd = node("Resize", [conv("conv3", merged, 8, 8, 3, stride=2), "", "",
                          inits_int64(inits, "odd_sizes", [1, 8, 11, 11])], "resize_odd", mode="linear",
               coordinate_transformation_mode="align_corners")                                # 8x11x11
    pooled = node("Flatten", [node("GlobalAveragePool", [node("Relu", [odd], "relu3")], "pool")], "flatten")
    w = rng.normal(0.0, np.sqrt(1.0 / 8), size=(10, 8))
    logits = node("Gemm", [pooled, init("fc_w", w), init("fc_b", rng.normal(0, 0.1, size=10))], "fc", transB=1)
    return classifier_model("upsample_block", nodes, inits, logits, [1, 3, 16, 16])


def deconv_block_model(rng):
    """A convolutional autoencoder as anomaly detectors use it: two stride-2 Convs
    down, two stride-2 ConvTransposes up (pads 1, output_padding 1), the
    reconstruction of the 1x1x32x32 input as output."""
    parts = Parts()
    inits, nodes, init, node = parts.inits, parts.nodes, parts.init, parts.node

    def layer(op, name, x, c_in, c_out):
        shape = (c_out, c_in, 3, 3) if op == "Conv" else (c_in, c_out, 3, 3)
        w = rng.normal(0.0, np.sqrt(2.0 / (c_in * 9)), size=shape)
        attrs = dict(kernel_shape=[3, 3], pads=[1, 1, 1, 1], strides=[2, 2])
        if op == "ConvTranspose":
            attrs["output_padding"] = [1, 1]
        return node(op, [x, init(name + "_w", w), init(name + "_b", rng.normal(0.0, 0.1, size=(c_out,)))], name,
                    **attrs)

    e1 = node("Relu", [layer("Conv", "enc1", "input", 1, 8)], "enc1_relu")      # 8x16x16
    e2 = node("Relu", [layer("Conv", "enc2", e1, 8, 16)], "enc2_relu")          # 16x8x8
    d1 = node("Relu", [layer("ConvTranspose", "dec1", e2, 16, 8)], "dec1_relu")  # 8x16x16
    layer("ConvTranspose", "output", d1, 8, 1)                                  # 1x32x32
    graph = helper.make_graph(nodes, "deconv_block",
                              [helper.make_tensor_value_info("input", TensorProto.FLOAT, [1, 1, 32, 32])],
                              [helper.make_tensor_value_info("output", TensorProto.FLOAT, [1, 1, 32, 32])], inits)
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 14)], producer_name="mote-tests")
    model.ir_version = 7
    return model


def inits_int64(inits, name, values):
    inits.append(numpy_helper.from_array(np.asarray(values, dtype=np.int64), name=name))
    return name


def classifier_model(name, nodes, inits, logits, input_shape, opset=14):
    """The test models' last step: a Softmax over 10 logits, and the model."""
    nodes.append(helper.make_node("Softmax", [logits], ["output"], name="softmax", axis=1))
    graph = helper.make_graph(nodes, name, [helper.make_tensor_value_info("input", TensorProto.FLOAT, input_shape)],
                              [helper.make_tensor_value_info("output", TensorProto.FLOAT, [1, 10])], inits)
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", opset)], producer_name="mote-tests")
    model.ir_version = 7 if opset < 17 else 8  # the IR version each opset came with
    return model


def main():
    rng = np.random.default_rng(SEED)
    model = act_block_model(rng)
    inputs = [rng.normal(0.0, 1.0, size=(1, 3, 16, 16)).astype(np.float32) for _ in range(SETS)]
    version = write_test_model(os.path.join(HERE, "act_block"), model, inputs)
    print(f"wrote tests/models/act_block ({SETS} sets, onnxruntime {version})")
    model = layer_block_model(rng)
    inputs = [rng.normal(0.0, 1.0, size=(1, 4, 16, 16)).astype(np.float32) for _ in range(SETS)]
    version = write_test_model(os.path.join(HERE, "layer_block"), model, inputs)
    print(f"wrote tests/models/layer_block ({SETS} sets, onnxruntime {version})")
    model = upsample_block_model(rng)  # last, so the models above keep their random numbers
    inputs = [rng.normal(0.0, 1.0, size=(1, 3, 16, 16)).astype(np.float32) for _ in range(SETS)]
    version = write_test_model(os.path.join(HERE, "upsample_block"), model, inputs)
    print(f"wrote tests/models/upsample_block ({SETS} sets, onnxruntime {version})")
    model = deconv_block_model(rng)
    inputs = [rng.normal(0.0, 1.0, size=(1, 1, 32, 32)).astype(np.float32) for _ in range(SETS)]
    version = write_test_model(os.path.join(HERE, "deconv_block"), model, inputs)
    print(f"wrote tests/models/deconv_block ({SETS} sets, onnxruntime {version})")


if __name__ == "__main__":
    main()
