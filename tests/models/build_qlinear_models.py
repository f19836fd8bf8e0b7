#!/usr/bin/python3
"""Build the test model of onnxruntime's com.microsoft quantized operators (issue
11, item 3): a small convolutional block in QOperator form as quantize_static
(QuantFormat.QOperator, activation_type QInt8, weight_type QInt8) lays it out.

    /usr/bin/python3 tests/models/build_qlinear_models.py

Writes tests/models/qlinear_block/ in the ONNX backend-test layout:

    input 1x4x8x8 float -> QuantizeLinear (int8)
    QLinearConv 3x3 4->8 (per-channel int8 weights, int32 bias)      c
    QLinearSigmoid(c), QLinearMul(c, sigmoid)                        swish
    QLinearConv 1x1 8->8, QLinearAdd(swish, conv)                    residual
    QLinearLeakyRelu(alpha 0.1)
    QLinearConcat(leaky, c) on channels                              1x16x8x8
    QLinearAveragePool 2x2 stride 2, QLinearGlobalAveragePool        1x16x1x1
    Reshape 1x16, QLinearMatMul 16->10, QLinearSoftmax (opset 13 semantics)
    DequantizeLinear -> output 1x10

Scales and zero points are those quantize_static's min-max calibration gives: the
float graph (the same weights) runs in onnxruntime-node on 16 calibration inputs
with every intermediate tensor as an output, and each range (widened to hold 0)
gives scale (hi - lo) / 255 and zero point round(-128 - lo / scale). Weights are
symmetric int8 (per output channel for the Convs), biases int32 at scale x_scale *
w_scale. The expected outputs come from onnxruntime-node running the QOperator graph
itself. Needs python3-onnx, python3-numpy and models/node_modules/onnxruntime-node.
"""
import os
import sys
import tempfile

import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper

HERE = os.path.dirname(os.path.abspath(__file__))
sys.dont_write_bytecode = True  # keep __pycache__ out of the repository
sys.path.insert(0, HERE)
from test_data_writer import write_test_model  # noqa: E402
import ort_ref  # noqa: E402  (test_data_writer put models/ on the path)

SEED = 41
SETS = 3
CALIBRATION = 16


def float_model(w):
    """The float graph with every intermediate tensor an output (for its range)."""
    n = helper.make_node
    nodes = [
        n("Conv", ["input", "w1", "b1"], ["c"], pads=[1, 1, 1, 1]),
        n("Sigmoid", ["c"], ["sig"]),
        n("Mul", ["c", "sig"], ["swish"]),
        n("Conv", ["swish", "w2", "b2"], ["d"]),
        n("Add", ["swish", "d"], ["residual"]),
        n("LeakyRelu", ["residual"], ["leaky"], alpha=0.1),
        n("Concat", ["leaky", "c"], ["cat"], axis=1),
        n("AveragePool", ["cat"], ["pool"], kernel_shape=[2, 2], strides=[2, 2]),
        n("GlobalAveragePool", ["pool"], ["gpool"]),
        n("Reshape", ["gpool", "flat_shape"], ["flat"]),
        n("MatMul", ["flat", "w3"], ["logits"]),
        n("Softmax", ["logits"], ["output"], axis=-1),
    ]
    inits = [numpy_helper.from_array(v, k) for k, v in w.items()]
    inits.append(numpy_helper.from_array(np.array([1, 16], np.int64), "flat_shape"))
    names = ["c", "sig", "swish", "d", "residual", "leaky", "cat", "pool", "gpool", "logits", "output"]
    outs = [helper.make_tensor_value_info(t, TensorProto.FLOAT, None) for t in names]
    graph = helper.make_graph(nodes, "qlinear_block_float",
                              [helper.make_tensor_value_info("input", TensorProto.FLOAT, [1, 4, 8, 8])], outs, inits)
    return helper.make_model(graph, opset_imports=[helper.make_opsetid("", 13)]), names


def affine(lo, hi):
    lo, hi = min(lo, 0.0), max(hi, 0.0)
    scale = (hi - lo) / 255.0
    return np.float32(scale), np.int8(np.clip(np.round(-128 - lo / scale), -128, 127))


def symmetric(w, axis_channels):
    """int8 weights, symmetric, one scale per output channel (axis 0) or per tensor."""
    if axis_channels:
        amax = np.abs(w.reshape(w.shape[0], -1)).max(axis=1)
        scale = (amax / 127.0).astype(np.float32)
        q = np.round(w / scale.reshape((-1,) + (1,) * (w.ndim - 1)))
    else:
        scale = np.float32(np.abs(w).max() / 127.0)
        q = np.round(w / scale)
    return np.clip(q, -127, 127).astype(np.int8), scale


def qlinear_model(w, q):
    """The QOperator graph; q maps each tensor name to its (scale, zero point)."""
    inits = {}

    def init(name, value):
        inits.setdefault(name, numpy_helper.from_array(np.asarray(value), name))
        return name

    def sz(t):
        s, z = q[t]
        return [init(t + "_scale", np.float32(s)), init(t + "_zero_point", np.int8(z))]

    ms = "com.microsoft"
    n = helper.make_node
    w1q, w1s = symmetric(w["w1"], True)
    w2q, w2s = symmetric(w["w2"], True)
    w3q, w3s = symmetric(w["w3"], False)
    b1 = np.round(w["b1"] / (q["input"][0] * w1s)).astype(np.int32)
    b2 = np.round(w["b2"] / (q["swish"][0] * w2s)).astype(np.int32)
    nodes = [
        n("QuantizeLinear", ["input"] + sz("input"), ["input_q"], name="input_quantize"),
        n("QLinearConv", ["input_q"] + sz("input") + [init("w1_q", w1q), init("w1_scale", w1s),
                                                     init("w1_zero_point", np.zeros(8, np.int8))] + sz("c")
          + [init("b1_q", b1)], ["c_q"], name="conv1", pads=[1, 1, 1, 1]),
        n("QLinearSigmoid", ["c_q"] + sz("c") + sz("sig"), ["sig_q"], name="sigmoid", domain=ms),
        n("QLinearMul", ["c_q"] + sz("c") + ["sig_q"] + sz("sig") + sz("swish"), ["swish_q"], name="swish", domain=ms),
        n("QLinearConv", ["swish_q"] + sz("swish") + [init("w2_q", w2q), init("w2_scale", w2s),
                                                     init("w2_zero_point", np.zeros(8, np.int8))] + sz("d")
          + [init("b2_q", b2)], ["d_q"], name="conv2"),
        n("QLinearAdd", ["swish_q"] + sz("swish") + ["d_q"] + sz("d") + sz("residual"), ["residual_q"],
          name="residual", domain=ms),
        n("QLinearLeakyRelu", ["residual_q"] + sz("residual") + sz("leaky"), ["leaky_q"], name="leaky", alpha=0.1,
          domain=ms),
        n("QLinearConcat", sz("cat") + ["leaky_q"] + sz("leaky") + ["c_q"] + sz("c"), ["cat_q"], name="concat", axis=1,
          domain=ms),
        n("QLinearAveragePool", ["cat_q"] + sz("cat") + sz("pool"), ["pool_q"], name="pool", kernel_shape=[2, 2],
          strides=[2, 2], domain=ms),
        n("QLinearGlobalAveragePool", ["pool_q"] + sz("pool") + sz("gpool"), ["gpool_q"], name="gpool",
          channels_last=0, domain=ms),
        n("Reshape", ["gpool_q", init("flat_shape", np.array([1, 16], np.int64))], ["flat_q"], name="flatten"),
        n("QLinearMatMul", ["flat_q"] + sz("gpool") + [init("w3_q", w3q), init("w3_scale", np.float32(w3s)),
                                                      init("w3_zero_point", np.int8(0))] + sz("logits"),
          ["logits_q"], name="fc"),
        n("QLinearSoftmax", ["logits_q"] + sz("logits") + sz("output"), ["output_q"], name="softmax", axis=-1,
          opset=13, domain=ms),
        n("DequantizeLinear", ["output_q"] + sz("output"), ["output"], name="output_dequantize"),
    ]
    graph = helper.make_graph(nodes, "qlinear_block",
                              [helper.make_tensor_value_info("input", TensorProto.FLOAT, [1, 4, 8, 8])],
                              [helper.make_tensor_value_info("output", TensorProto.FLOAT, [1, 10])], list(inits.values()))
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 13), helper.make_opsetid(ms, 1)],
                              producer_name="mote-tests")
    model.ir_version = 7
    onnx.checker.check_model(model)
    return model


def main():
    rng = np.random.default_rng(SEED)
    w = {
        "w1": rng.normal(0.0, np.sqrt(2.0 / 36), size=(8, 4, 3, 3)).astype(np.float32),
        "b1": rng.normal(0.0, 0.1, size=8).astype(np.float32),
        "w2": rng.normal(0.0, np.sqrt(2.0 / 8), size=(8, 8, 1, 1)).astype(np.float32),
        "b2": rng.normal(0.0, 0.1, size=8).astype(np.float32),
        "w3": rng.normal(0.0, 1.0, size=(16, 10)).astype(np.float32),
    }
    calibration = [rng.normal(0.0, 1.0, size=(1, 4, 8, 8)).astype(np.float32) for _ in range(CALIBRATION)]
    model, names = float_model(w)
    with tempfile.TemporaryDirectory() as tmp:
        path = os.path.join(tmp, "float.onnx")
        onnx.save(model, path)
        _, outs = ort_ref.run(path, [{"input": x} for x in calibration])
    q = {"input": affine(min(float(x.min()) for x in calibration), max(float(x.max()) for x in calibration))}
    for t in names:
        q[t] = affine(min(float(o[t].min()) for o in outs), max(float(o[t].max()) for o in outs))
    q["sig"] = (np.float32(1.0 / 256), np.int8(-128))  # as the quantizer fixes them for
    q["output"] = (np.float32(1.0 / 256), np.int8(-128))  # sigmoid and softmax outputs
    inputs = [rng.normal(0.0, 1.0, size=(1, 4, 8, 8)).astype(np.float32) for _ in range(SETS)]
    version = write_test_model(os.path.join(HERE, "qlinear_block"), qlinear_model(w, q), inputs)
    print(f"wrote tests/models/qlinear_block ({SETS} sets, onnxruntime {version}); output step {q['output'][0]:g}")


if __name__ == "__main__":
    main()
