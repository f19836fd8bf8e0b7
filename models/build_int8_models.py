#!/usr/bin/python3
"""Build the sample models of issue 11: PyTorch models whose layers go beyond
the MLPerf Tiny set, exported as a user exports them (run by hand, never by tests).

    /usr/bin/python3 models/build_int8_models.py [model_name ...]
    /usr/bin/python3 models/make_golden.py kws_transformer ic_mobilenetv3 har_cnn1d

    kws_transformer  1x49x10 MFCC frames -> 12 classes. A linear embedding with a
                     learned position table, one pre-norm transformer encoder block
                     (LayerNormalization, two-head attention written out as torch
                     code does it, GELU MLP), mean over the frames. Opset 17, the
                     first opset with LayerNormalization.
    ic_mobilenetv3   1x3x32x32 -> 10 classes. A MobileNetV3-style stem and two
                     inverted residual blocks with HardSwish (exported at opset 13
                     as HardSigmoid + Mul) and squeeze-excite (GlobalAveragePool,
                     Conv, Relu, Conv, HardSigmoid, Mul).
    har_cnn1d        1x3x128 3-axis accelerometer window -> 6 activities. Three
                     1-D convolutions (Conv1d, BatchNorm1d folded, Relu), MaxPool,
                     global average pool.

Weights are random (He-normal, BatchNorm statistics made realistic by
build_models.realistic_batchnorm), seeded: a rerun writes the same files. Each
model gets three test inputs (test_data_set_N, outputs from make_golden.py with
onnxruntime-node) and 16 calibration inputs (calibration/test_data_set_N), all
standard normal. Needs Debian's python3-torch, python3-onnx, python3-numpy and
models/node_modules/onnxruntime-node.
"""
import os
import shutil
import sys

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
sys.dont_write_bytecode = True  # keep __pycache__ out of models/
import build_models as bm  # noqa: E402

CALIBRATION_SETS = 16


class KwsTransformer(nn.Module):
    FRAMES, FEATURES, DIM, HEADS, HIDDEN, CLASSES = 49, 10, 32, 2, 64, 12

    def __init__(self):
        super().__init__()
        t, d = self.FRAMES, self.DIM
        self.embed = nn.Linear(self.FEATURES, d)
        self.position = nn.Parameter(torch.randn(1, t, d) * 0.5)
        self.norm1 = nn.LayerNorm(d)
        self.q, self.k, self.v, self.out = (nn.Linear(d, d) for _ in range(4))
        self.norm2 = nn.LayerNorm(d)
        self.ff1, self.ff2 = nn.Linear(d, self.HIDDEN), nn.Linear(self.HIDDEN, d)
        self.head = nn.Linear(d, self.CLASSES)

    def attention(self, x):
        t, h = self.FRAMES, self.HEADS
        dh = self.DIM // h
        q = self.q(x).reshape(1, t, h, dh).transpose(1, 2)
        k = self.k(x).reshape(1, t, h, dh).permute(0, 2, 3, 1)
        v = self.v(x).reshape(1, t, h, dh).transpose(1, 2)
        weights = torch.softmax(torch.matmul(q, k) * (1.0 / dh ** 0.5), dim=-1)
        context = torch.matmul(weights, v).transpose(1, 2).reshape(1, t, self.DIM)
        return self.out(context)

    def forward(self, x):
        x = self.embed(x) + self.position
        x = x + self.attention(self.norm1(x))
        x = x + self.ff2(F.gelu(self.ff1(self.norm2(x))))
        return torch.softmax(self.head(x.mean(dim=1)), dim=1)


class SqueezeExcite(nn.Module):
    def __init__(self, channels, squeezed):
        super().__init__()
        self.reduce = nn.Conv2d(channels, squeezed, 1)
        self.expand = nn.Conv2d(squeezed, channels, 1)

    def forward(self, x):
        s = F.adaptive_avg_pool2d(x, 1)
        return x * F.hardsigmoid(self.expand(F.relu(self.reduce(s))))


class InvertedResidual(nn.Module):
    def __init__(self, cin, expanded, cout, stride, squeezed):
        super().__init__()
        self.expand = nn.Sequential(nn.Conv2d(cin, expanded, 1, bias=False),
                                    nn.BatchNorm2d(expanded), nn.Hardswish())
        self.depthwise = nn.Sequential(nn.Conv2d(expanded, expanded, 3, stride, 1, groups=expanded, bias=False),
                                       nn.BatchNorm2d(expanded), nn.Hardswish())
        self.se = SqueezeExcite(expanded, squeezed)
        self.project = nn.Sequential(nn.Conv2d(expanded, cout, 1, bias=False), nn.BatchNorm2d(cout))
        self.residual = stride == 1 and cin == cout

    def forward(self, x):
        y = self.project(self.se(self.depthwise(self.expand(x))))
        return x + y if self.residual else y


class MobileNetV3Tiny(nn.Module):
    def __init__(self, classes=10):
        super().__init__()
        self.stem = nn.Sequential(nn.Conv2d(3, 16, 3, 2, 1, bias=False), nn.BatchNorm2d(16), nn.Hardswish())
        self.block1 = InvertedResidual(16, 64, 16, 1, 16)   # 16x16x16, residual
        self.block2 = InvertedResidual(16, 96, 24, 2, 24)   # the 96x16x16 HardSwish of issue 11
        self.last = nn.Sequential(nn.Conv2d(24, 96, 1, bias=False), nn.BatchNorm2d(96), nn.Hardswish())
        self.head = nn.Linear(96, classes)

    def forward(self, x):
        x = self.last(self.block2(self.block1(self.stem(x))))
        return torch.softmax(self.head(torch.flatten(F.adaptive_avg_pool2d(x, 1), 1)), dim=1)


class HarCnn1d(nn.Module):
    def __init__(self, classes=6):
        super().__init__()

        def conv(cin, cout, k):
            return nn.Sequential(nn.Conv1d(cin, cout, k, padding=k // 2, bias=False),
                                 nn.BatchNorm1d(cout), nn.ReLU())

        self.features = nn.Sequential(conv(3, 16, 5), nn.MaxPool1d(2), conv(16, 32, 5), nn.MaxPool1d(2),
                                      conv(32, 32, 3))
        self.head = nn.Linear(32, classes)

    def forward(self, x):
        x = torch.flatten(F.adaptive_avg_pool1d(self.features(x), 1), 1)
        return torch.softmax(self.head(x), dim=1)


class KwsGru(nn.Module):
    """A GRU over 49 MFCC frames (batch first), its last hidden state classified."""

    def __init__(self, hidden=32, classes=12):
        super().__init__()
        self.rnn = nn.GRU(10, hidden, batch_first=True)
        self.head = nn.Linear(hidden, classes)

    def forward(self, x):
        _, h = self.rnn(x)
        return torch.softmax(self.head(h[0]), dim=1)


class HarLstm(nn.Module):
    """An LSTM over a 128-sample 3-axis accelerometer window (batch first)."""

    def __init__(self, hidden=32, classes=6):
        super().__init__()
        self.rnn = nn.LSTM(3, hidden, batch_first=True)
        self.head = nn.Linear(hidden, classes)

    def forward(self, x):
        _, (h, _) = self.rnn(x)
        return torch.softmax(self.head(h[0]), dim=1)


def rnn_init(model):
    """PyTorch's own initialisation (uniform in +-1/sqrt(hidden)) for the recurrent
    layer, as a fresh model has it; the classifier as in transformer_init."""
    for m in model.modules():
        if isinstance(m, nn.Linear):
            nn.init.xavier_normal_(m.weight)
            nn.init.normal_(m.bias, 0.0, 0.05)


def write_calibration(name, seed, input_shape, input_name="input"):
    out_dir = os.path.join(HERE, name, "calibration")
    shutil.rmtree(out_dir, ignore_errors=True)
    rng = np.random.default_rng(seed)
    for k in range(CALIBRATION_SETS):
        x = rng.standard_normal(input_shape).astype(np.float32)
        bm.save_pb(os.path.join(out_dir, f"test_data_set_{k}", "input_0.pb"), x, input_name)


def sharpen_head(head, model, calib_x, spread=2.0):
    """Scale the classifier so its logits spread over classes (standard deviation
    `spread` on random inputs) as a trained model's do; random weights give near
    uniform probabilities, whose top-1 is decided by less than one int8 step."""
    logits = []
    hook = head.register_forward_hook(lambda mod, inp, out: logits.append(out))
    model.eval()
    with torch.no_grad():
        for k in range(len(calib_x)):  # one at a time: the transformer's reshapes say batch 1
            model(calib_x[k:k + 1])
        hook.remove()
        gain = spread / float(torch.cat(logits).std(dim=1).mean())
        head.weight.mul_(gain)
        head.bias.mul_(gain)


def build(name, seed, make, input_shape, doc, opset, ops, init=bm.he_init):
    torch.manual_seed(seed)
    gen = torch.Generator().manual_seed(seed + 1)
    model = make()
    init(model)
    calib_x = torch.randn((32,) + tuple(input_shape[1:]), generator=gen)
    bm.realistic_batchnorm(model, calib_x, gen)
    sharpen_head(model.head, model, calib_x)
    onnx_model, path = bm.export(model, name, input_shape, doc, opset, bm.ALLOWED_OPS | ops)
    rng = np.random.default_rng(seed + 2)
    inputs = [rng.standard_normal(input_shape).astype(np.float32) for _ in range(bm.NUM_TEST_SETS)]
    write_calibration(name, seed + 3, input_shape)
    return bm.finish(model, name, onnx_model, path, inputs,
                     {"test_inputs": "standard normal, numpy default_rng(%d)" % (seed + 2),
                      "calibration_inputs": "%d standard normal, numpy default_rng(%d)"
                                            % (CALIBRATION_SETS, seed + 3)})


def transformer_init(model):
    """Xavier-normal weights, small biases, LayerNorm scales near 1."""
    for m in model.modules():
        if isinstance(m, nn.Linear):
            nn.init.xavier_normal_(m.weight)
            nn.init.normal_(m.bias, 0.0, 0.05)
        elif isinstance(m, nn.LayerNorm):
            nn.init.uniform_(m.weight, 0.8, 1.2)
            nn.init.normal_(m.bias, 0.0, 0.05)


def build_kws_transformer():
    return build("kws_transformer", 606, KwsTransformer, (1, 49, 10),
                 "One-block transformer for keyword spotting (random weights), input 1x49x10 "
                 "MFCC frames, output 12 softmax probabilities", 17,
                 {"LayerNormalization", "Transpose", "Mul", "Div", "Erf", "ReduceMean"},
                 transformer_init)


def build_ic_mobilenetv3():
    return build("ic_mobilenetv3", 707, MobileNetV3Tiny, (1, 3, 32, 32),
                 "MobileNetV3-style image classifier (random weights, realistic BN folded): "
                 "HardSwish, squeeze-excite, input 1x3x32x32, output 10 softmax probabilities",
                 13, {"HardSigmoid", "Mul"})


def build_har_cnn1d():
    return build("har_cnn1d", 808, HarCnn1d, (1, 3, 128),
                 "1-D CNN for human activity recognition (random weights, realistic BN folded), "
                 "input 1x3x128 accelerometer window, output 6 softmax probabilities",
                 13, {"Squeeze", "Unsqueeze"})


def build_kws_gru():
    return build("kws_gru", 909, KwsGru, (1, 49, 10),
                 "GRU keyword spotter (random weights), input 1x49x10 MFCC frames, output 12 softmax "
                 "probabilities", 13, {"GRU", "Transpose", "Squeeze", "Gather", "Slice", "Unsqueeze", "Shape", "Concat", "Expand"}, rnn_init)


def build_har_lstm():
    return build("har_lstm", 1010, HarLstm, (1, 128, 3),
                 "LSTM activity recognizer (random weights), input 1x128x3 accelerometer samples, output 6 "
                 "softmax probabilities", 13, {"LSTM", "Transpose", "Squeeze", "Gather", "Slice", "Unsqueeze", "Shape", "Concat", "Expand"},
                 rnn_init)


BUILDERS = {
    "kws_transformer": build_kws_transformer,
    "ic_mobilenetv3": build_ic_mobilenetv3,
    "har_cnn1d": build_har_cnn1d,
    "kws_gru": build_kws_gru,
    "har_lstm": build_har_lstm,
}


if __name__ == "__main__":
    bm.main(sys.argv[1:], BUILDERS)
