#!/usr/bin/python3
"""Build the test model of int8 attention (issue 11): a one-block transformer
encoder as PyTorch exports one at opset 17, over a short sequence of feature
frames (a keyword-spotting transformer's shape).

    /usr/bin/python3 tests/models/build_transformer_models.py

Writes tests/models/attention_block/ in the ONNX backend-test layout (model.onnx,
test_data_set_{0,1,2}/input_0.pb and output_0.pb):

    input 1x16x32 (16 frames of 32 features)
    LayerNormalization
    Q, K, V: MatMul 32x32 + bias each                       (Linear on a sequence: 3-D by a constant)
    two heads: Reshape 1x16x2x16, Transpose (K to 1x2x16x16 transposed)
    MatMul Q K^T, Mul 1/4, Softmax(axis -1), MatMul by V   (two activations each)
    Transpose, Reshape 1x16x32, MatMul 32x32 + bias, Add the input (residual)
    LayerNormalization, MatMul 32x64 + bias, GELU as exported (Div sqrt 2, Erf,
    Add 1, Mul, Mul 0.5), MatMul 64x32 + bias, Add (residual)
    ReduceMean over the frames -> Gemm 32->10 -> Softmax -> output 1x10

Weights Xavier-normal, biases small, LayerNorm scales near 1, inputs
standard-normal, from numpy.random.default_rng(31) (a rerun writes the same
files). The expected outputs come from onnxruntime-node through models/ort_ref.py;
that needs `cd models && ONNXRUNTIME_NODE_INSTALL=skip npm ci` once. Needs
python3-onnx and python3-numpy (Debian).
"""
import os
import sys

import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
sys.dont_write_bytecode = True  # keep __pycache__ out of the repository
sys.path.insert(0, HERE)
from build_activation_models import Parts, classifier_model  # noqa: E402
from test_data_writer import write_test_model  # noqa: E402

SEED = 31
SETS = 3
T, D, HEADS, FF = 16, 32, 2, 64


def attention_block_model(rng):
    parts = Parts()
    inits, nodes, init, node = parts.inits, parts.nodes, parts.init, parts.node

    def linear(name, x, d_in, d_out):
        w = rng.normal(0.0, np.sqrt(2.0 / (d_in + d_out)), size=(d_in, d_out))
        y = node("MatMul", [x, init(name + "_w", w)], name + "_matmul")
        return node("Add", [y, init(name + "_b", rng.normal(0.0, 0.05, size=d_out))], name)

    def layer_norm(name, x):
        return node("LayerNormalization", [x, init(name + "_scale", rng.uniform(0.8, 1.2, size=D)),
                                           init(name + "_bias", rng.normal(0.0, 0.05, size=D))],
                    name, axis=-1, epsilon=1e-5)

    head = D // HEADS
    split = init("heads_shape", [1, T, HEADS, head], np.int64)
    h = layer_norm("norm1", "input")
    q = node("Transpose", [node("Reshape", [linear("q", h, D, D), split], "q_heads")], "q_t", perm=[0, 2, 1, 3])
    k = node("Transpose", [node("Reshape", [linear("k", h, D, D), split], "k_heads")], "k_t", perm=[0, 2, 3, 1])
    v = node("Transpose", [node("Reshape", [linear("v", h, D, D), split], "v_heads")], "v_t", perm=[0, 2, 1, 3])
    scores = node("Mul", [node("MatMul", [q, k], "scores"), init("inv_sqrt_d", 1.0 / np.sqrt(head))], "scores_scaled")
    attn = node("Softmax", [scores], "attention", axis=-1)
    ctx = node("Transpose", [node("MatMul", [attn, v], "context")], "context_t", perm=[0, 2, 1, 3])
    merged = node("Reshape", [ctx, init("merged_shape", [1, T, D], np.int64)], "context_merged")
    r1 = node("Add", ["input", linear("out", merged, D, D)], "residual1")
    f = linear("ff1", layer_norm("norm2", r1), D, FF)
    erf = node("Erf", [node("Div", [f, init("sqrt2", np.sqrt(2.0))], "gelu_div")], "gelu_erf")
    gated = node("Mul", [f, node("Add", [erf, init("one", 1.0)], "gelu_add")], "gelu_mul")
    g = node("Mul", [gated, init("half", 0.5)], "gelu")
    r2 = node("Add", [r1, linear("ff2", g, FF, D)], "residual2")
    pooled = node("ReduceMean", [r2], "pool", axes=[1], keepdims=0)
    wc = rng.normal(0.0, np.sqrt(1.0 / D), size=(10, D))
    logits = node("Gemm", [pooled, init("fc_w", wc), init("fc_b", rng.normal(0.0, 0.1, size=10))], "fc", transB=1)
    return classifier_model("attention_block", nodes, inits, logits, [1, T, D], opset=17)


def main():
    rng = np.random.default_rng(SEED)
    model = attention_block_model(rng)
    inputs = [rng.normal(0.0, 1.0, size=(1, T, D)).astype(np.float32) for _ in range(SETS)]
    version = write_test_model(os.path.join(HERE, "attention_block"), model, inputs)
    print(f"wrote tests/models/attention_block ({SETS} sets, onnxruntime {version})")


if __name__ == "__main__":
    main()
