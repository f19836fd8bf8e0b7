#!/usr/bin/python3
"""Build Mote's sample float ONNX models (run by hand, never by tests).

    /usr/bin/python3 models/build_models.py [model_name ...]
    /usr/bin/python3 models/make_golden.py

Needs Debian's python3-torch (1.13), python3-onnx (1.12), python3-numpy,
python3-sklearn, plus node and models/node_modules/onnxruntime-node (for the
torch-vs-onnxruntime sanity check). Everything is seeded: reruns give the same
files.

For every model this writes models/<name>/model.onnx (opset 13, batch 1,
input "input", output "output"), models/<name>/model_info.json and the inputs
models/<name>/test_data_set_{0,1,2}/input_0.pb. The expected outputs
(output_0.pb) are written by make_golden.py from onnxruntime-node.
"""
import collections
import io
import json
import os
import shutil
import sys
import warnings

import numpy as np
import onnx
import torch
import torch.nn as nn
import torch.nn.functional as F
from onnx import numpy_helper
from torch.onnx import symbolic_helper

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
sys.dont_write_bytecode = True  # keep __pycache__ out of models/
import ort_ref  # noqa: E402

OPSET = 13
NUM_TEST_SETS = 3
ALLOWED_OPS = {
    "Conv", "Gemm", "MatMul", "Add", "Relu", "Clip", "BatchNormalization",
    "GlobalAveragePool", "AveragePool", "MaxPool", "Flatten", "Reshape",
    "Softmax", "Identity", "Constant",
}
TORCH_VS_ORT_TOL = 1e-4

torch.set_num_threads(1)  # deterministic and gentle on a 2-core machine
warnings.filterwarnings("ignore")


# ---------------------------------------------------------------------------
# Export helpers
# ---------------------------------------------------------------------------

def _pad_symbolic(g, x, pad, mode, value):
    """Export a constant F.pad with static pads as a single Pad node whose
    pads come from one Constant (torch 1.13 otherwise emits a
    ConstantOfShape/Concat/Slice/Transpose/Cast chain). The Pad is then folded
    into the following Conv by fold_pads_into_conv()."""
    mode = symbolic_helper._parse_arg(mode, "s")
    if mode != "constant":
        raise RuntimeError("only constant padding is supported")
    if not symbolic_helper._is_none(value) and symbolic_helper._maybe_get_const(value, "f") != 0:
        raise RuntimeError("only zero padding is supported")
    p = symbolic_helper._parse_arg(pad, "is")
    rank = symbolic_helper._get_tensor_rank(x)
    begins, ends = [0] * rank, [0] * rank
    for i in range(len(p) // 2):  # torch lists (begin, end) from the last dim
        begins[rank - 1 - i] = p[2 * i]
        ends[rank - 1 - i] = p[2 * i + 1]
    pads = g.op("Constant", value_t=torch.tensor(begins + ends, dtype=torch.int64))
    return g.op("Pad", x, pads, mode_s="constant")


torch.onnx.register_custom_op_symbolic("aten::pad", _pad_symbolic, OPSET)


def _const_value(graph, name):
    for init in graph.initializer:
        if init.name == name:
            return numpy_helper.to_array(init)
    for node in graph.node:
        if node.op_type == "Constant" and node.output[0] == name:
            for a in node.attribute:
                if a.name == "value":
                    return numpy_helper.to_array(a.t)
    return None


def fold_pads_into_conv(model):
    """Merge zero Pad nodes into the Conv that consumes them (TensorFlow-style
    uneven 'same' padding becomes Conv pads such as [0,0,1,1])."""
    g = model.graph
    consumers = collections.defaultdict(list)
    for node in g.node:
        for i in node.input:
            consumers[i].append(node)
    graph_outputs = {o.name for o in g.output}
    removed = []
    for node in g.node:
        if node.op_type != "Pad":
            continue
        mode = [a.s for a in node.attribute if a.name == "mode"]
        if mode and mode[0] != b"constant":
            continue
        if len(node.input) > 2 and node.input[2]:
            v = _const_value(g, node.input[2])
            if v is None or np.any(v != 0):
                continue
        pads = _const_value(g, node.input[1])
        users = consumers[node.output[0]]
        if pads is None or node.output[0] in graph_outputs or not users:
            continue
        if any(u.op_type != "Conv" or u.input[0] != node.output[0] for u in users):
            continue
        rank = len(pads) // 2
        if pads[0] or pads[1] or pads[rank] or pads[rank + 1]:
            continue  # padding of N or C cannot go into Conv
        spatial = [int(v) for v in list(pads[2:rank]) + list(pads[rank + 2:])]
        for u in users:
            attr = [a for a in u.attribute if a.name == "pads"]
            if attr:
                old = list(attr[0].ints)
                del attr[0].ints[:]
                attr[0].ints.extend(o + s for o, s in zip(old, spatial))
            else:
                u.attribute.append(onnx.helper.make_attribute("pads", spatial))
            u.input[0] = node.input[0]
        removed.append(node)
    for node in removed:
        g.node.remove(node)
    remove_dead_code(model)


def remove_dead_code(model):
    g = model.graph
    while True:
        used = {o.name for o in g.output}
        for node in g.node:
            used.update(node.input)
        dead = [n for n in g.node if not any(o in used for o in n.output)]
        if not dead:
            break
        for n in dead:
            g.node.remove(n)
    used = {o.name for o in g.output}
    for node in g.node:
        used.update(node.input)
    for init in [i for i in g.initializer if i.name not in used]:
        g.initializer.remove(init)
    produced = {o for n in g.node for o in n.output}
    for vi in [v for v in g.value_info if v.name not in produced]:
        g.value_info.remove(vi)


def op_histogram(model):
    return dict(sorted(collections.Counter(n.op_type for n in model.graph.node).items()))


def weight_counts(model):
    """Float parameters in initializers and Constant nodes, split into the
    weights/biases of Conv/Gemm/MatMul and everything else (BN parameters)."""
    g = model.graph
    sizes = {}
    for init in g.initializer:
        if init.data_type == onnx.TensorProto.FLOAT:
            sizes[init.name] = int(np.prod(init.dims))
    for node in g.node:
        if node.op_type == "Constant":
            for a in node.attribute:
                if a.name == "value" and a.t.data_type == onnx.TensorProto.FLOAT:
                    sizes[node.output[0]] = int(np.prod(a.t.dims))
    lin = set()
    for node in g.node:
        if node.op_type in ("Conv", "Gemm", "MatMul"):
            lin.update(i for i in node.input[1:] if i in sizes)
    n_lin = sum(sizes[n] for n in lin)
    return {"total": sum(sizes.values()), "conv_gemm": n_lin,
            "other": sum(sizes.values()) - n_lin}


def count_macs(model):
    inferred = onnx.shape_inference.infer_shapes(model)
    g = inferred.graph
    shapes = {}
    for vi in list(g.input) + list(g.value_info) + list(g.output):
        shapes[vi.name] = [d.dim_value for d in vi.type.tensor_type.shape.dim]
    for init in g.initializer:
        shapes[init.name] = list(init.dims)
    macs = 0
    for node in g.node:
        if node.op_type == "Conv":
            w = shapes[node.input[1]]  # [M, C/group, kh, kw]
            macs += int(np.prod(shapes[node.output[0]])) * int(np.prod(w[1:]))
        elif node.op_type == "Gemm":
            a, b = shapes[node.input[0]], shapes[node.input[1]]
            trans_a = any(x.name == "transA" and x.i for x in node.attribute)
            m, k = (a[1], a[0]) if trans_a else (a[0], a[1])
            trans_b = any(x.name == "transB" and x.i for x in node.attribute)
            n = b[0] if trans_b else b[1]
            macs += m * k * n
        elif node.op_type == "MatMul":
            a, b = shapes[node.input[0]], shapes[node.input[1]]
            macs += int(np.prod(a)) * b[-1]
    return macs


def export(model, name, input_shape, doc, opset=OPSET, allowed_ops=ALLOWED_OPS):
    """Export `model` (eval mode) to models/<name>/model.onnx and check it."""
    model.eval()
    f = io.BytesIO()
    with torch.no_grad():
        torch.onnx.export(model, torch.zeros(input_shape), f, opset_version=opset,
                          input_names=["input"], output_names=["output"],
                          do_constant_folding=True)
    m = onnx.load_from_string(f.getvalue())
    fold_pads_into_conv(m)
    m.graph.name = name
    m.doc_string = doc
    onnx.checker.check_model(m, full_check=True)
    hist = op_histogram(m)
    bad = set(hist) - allowed_ops
    if bad:
        raise RuntimeError(f"{name}: ops outside the allowed set: {sorted(bad)}")
    out_dir = os.path.join(HERE, name)
    os.makedirs(out_dir, exist_ok=True)
    path = os.path.join(out_dir, "model.onnx")
    onnx.save(m, path)
    return m, path


def tensor_shape(vi):
    return [d.dim_value for d in vi.type.tensor_type.shape.dim]


def save_pb(path, array, name):
    t = numpy_helper.from_array(np.ascontiguousarray(array), name=name)
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "wb") as f:
        f.write(t.SerializeToString())


def finish(model, name, onnx_model, path, inputs, extra_info=None):
    """Write test inputs, compare torch with onnxruntime, record the info."""
    out_dir = os.path.dirname(path)
    in_name = onnx_model.graph.input[0].name
    out_name = onnx_model.graph.output[0].name
    for old in os.listdir(out_dir):
        if old.startswith("test_data_set_"):
            shutil.rmtree(os.path.join(out_dir, old))
    for k, x in enumerate(inputs):
        save_pb(os.path.join(out_dir, f"test_data_set_{k}", "input_0.pb"), x, in_name)

    model.eval()
    with torch.no_grad():
        torch_out = [model(torch.from_numpy(x)).numpy() for x in inputs]
    ort_version, ort_out = ort_ref.run(path, [{in_name: x} for x in inputs])
    diff = max(float(np.max(np.abs(t - o[out_name]))) for t, o in zip(torch_out, ort_out))
    if not diff < TORCH_VS_ORT_TOL:
        raise RuntimeError(f"{name}: torch vs onnxruntime max abs diff {diff:g}")

    hist = op_histogram(onnx_model)
    weights = weight_counts(onnx_model)
    info = {
        "name": name,
        "doc": onnx_model.doc_string,
        "opset": onnx_model.opset_import[0].version,
        "input": {"name": in_name, "shape": tensor_shape(onnx_model.graph.input[0])},
        "output": {"name": out_name, "shape": tensor_shape(onnx_model.graph.output[0])},
        "op_histogram": hist,
        "num_nodes": len(onnx_model.graph.node),
        "weights": weights,
        "macs": count_macs(onnx_model),
        "model_bytes": os.path.getsize(path),
        "torch_version": torch.__version__,
        "onnx_version": onnx.__version__,
        "onnxruntime_node_version": ort_version,
        "torch_vs_ort_max_abs_diff": diff,
    }
    if extra_info:
        info.update(extra_info)
    with open(os.path.join(out_dir, "model_info.json"), "w") as f:
        json.dump(info, f, indent=1)
        f.write("\n")

    print(f"== {name}: {info['input']['shape']} -> {info['output']['shape']}")
    print(f"   ops ({info['num_nodes']} nodes): {hist}")
    print(f"   weights: {weights['total']} ({weights['conv_gemm']} in Conv/Gemm/MatMul,"
          f" {weights['other']} other); MACs: {info['macs']}; {info['model_bytes']} bytes")
    print(f"   torch vs onnxruntime-node {ort_version}: max abs diff {diff:.3g}")
    for k, o in enumerate(torch_out):
        flat = o.reshape(-1)
        print(f"   test_data_set_{k}: output[:6] = {np.array2string(flat[:6], precision=4)}")
    return info


# ---------------------------------------------------------------------------
# Weights and realistic BatchNorm statistics
# ---------------------------------------------------------------------------

def he_init(model):
    """He-normal weights (like Keras' he_normal used by MLPerf Tiny), small
    random biases. Uses the global torch RNG: seed before calling."""
    for m in model.modules():
        if isinstance(m, (nn.Conv1d, nn.Conv2d, nn.Linear)):
            nn.init.kaiming_normal_(m.weight, mode="fan_in", nonlinearity="relu")
            if m.bias is not None:
                nn.init.normal_(m.bias, 0.0, 0.1)


def realistic_batchnorm(model, calib_x, gen):
    """Give every BatchNorm non-trivial, realistic parameters.

    gamma ~ U(0.5, 1.5), beta ~ N(0, 0.25). The running statistics are those
    of a trained network: each BN's running_mean/var are the per-channel
    mean/variance actually seen at its input on a batch of random inputs
    (calibrated in forward order, with the earlier BNs already set), then
    perturbed: mean + N(0, 0.5) * std, var * U(0.5, 2). Without the
    calibration, deep random networks shrink their activations to nothing and
    every output becomes the same constant.
    """
    bns = [m for m in model.modules() if isinstance(m, nn.modules.batchnorm._BatchNorm)]
    order = []
    hooks = [bn.register_forward_pre_hook(lambda mod, inp: order.append(mod)) for bn in bns]
    model.eval()
    with torch.no_grad():
        model(calib_x[:1])
    for h in hooks:
        h.remove()
    assert len(order) == len(bns) and len({id(b) for b in order}) == len(bns)

    with torch.no_grad():
        for bn in order:
            c = bn.num_features
            bn.weight.copy_(torch.rand(c, generator=gen) + 0.5)
            bn.bias.copy_(torch.randn(c, generator=gen) * 0.25)
            seen = {}

            def grab(mod, inp):
                seen["x"] = inp[0]

            h = bn.register_forward_pre_hook(grab)
            model(calib_x)
            h.remove()
            x = seen["x"].transpose(0, 1).reshape(c, -1).double()
            mean, var = x.mean(1), x.var(1, unbiased=False)
            var = torch.clamp(var, min=max(1e-2 * float(var.mean()), 1e-6))
            std = var.sqrt()
            bn.running_mean.copy_((mean + torch.randn(c, generator=gen).double() * 0.5 * std).float())
            bn.running_var.copy_((var * (torch.rand(c, generator=gen).double() * 1.5 + 0.5)).float())
    model.eval()


def tf_same_pads(in_hw, kernel, stride):
    """TensorFlow 'same' padding: (top, bottom, left, right), extra at the end."""
    pads = []
    for size, k, s in zip(in_hw, kernel, stride):
        out = -(-size // s)
        total = max((out - 1) * s + k - size, 0)
        pads.append((total // 2, total - total // 2))
    return pads[0] + pads[1], [-(-size // s) for size, s in zip(in_hw, stride)]


class SameConv2d(nn.Module):
    """Conv2d with TensorFlow 'same' padding for a known input size. Even
    padding goes into the Conv; uneven padding is an explicit F.pad, exported
    as Pad and folded into the Conv's pads by fold_pads_into_conv()."""

    def __init__(self, cin, cout, kernel, stride, in_hw, groups=1, bias=False):
        super().__init__()
        kernel = (kernel, kernel) if isinstance(kernel, int) else tuple(kernel)
        stride = (stride, stride) if isinstance(stride, int) else tuple(stride)
        (t, b, l, r), self.out_hw = tf_same_pads(in_hw, kernel, stride)
        if t == b and l == r:
            self.pad = None
            padding = (t, l)
        else:
            self.pad = (l, r, t, b)
            padding = 0
        self.conv = nn.Conv2d(cin, cout, kernel, stride, padding, groups=groups, bias=bias)

    def forward(self, x):
        if self.pad is not None:
            x = F.pad(x, self.pad)
        return self.conv(x)


# ---------------------------------------------------------------------------
# Models
# ---------------------------------------------------------------------------

class DSCNN(nn.Module):
    """MLPerf Tiny keyword spotting DS-CNN (input 1x1x49x10 MFCC, 12 classes)."""

    def __init__(self, filters=64, blocks=4, classes=12):
        super().__init__()
        self.conv1 = SameConv2d(1, filters, (10, 4), 2, (49, 10))
        hw = self.conv1.out_hw  # 25x5
        self.bn1 = nn.BatchNorm2d(filters)
        layers = []
        for _ in range(blocks):
            layers += [SameConv2d(filters, filters, 3, 1, hw, groups=filters),
                       nn.BatchNorm2d(filters), nn.ReLU(),
                       nn.Conv2d(filters, filters, 1, bias=False),
                       nn.BatchNorm2d(filters), nn.ReLU()]
        self.blocks = nn.Sequential(*layers)
        self.pool = nn.AvgPool2d(tuple(hw), count_include_pad=False)  # -> AveragePool
        self.fc = nn.Linear(filters, classes)

    def forward(self, x):
        x = F.relu(self.bn1(self.conv1(x)))
        x = self.blocks(x)
        x = torch.flatten(self.pool(x), 1)
        return torch.softmax(self.fc(x), dim=1)


class MobileNetV1(nn.Module):
    """MobileNetV1 alpha=0.25 for the MLPerf Tiny visual wake words task."""

    CFG = [(64, 1), (128, 2), (128, 1), (256, 2), (256, 1), (512, 2),
           (512, 1), (512, 1), (512, 1), (512, 1), (512, 1), (1024, 2), (1024, 1)]

    def __init__(self, alpha=0.25, in_hw=(96, 96), classes=2):
        super().__init__()
        c = int(32 * alpha)
        self.conv1 = SameConv2d(3, c, 3, 2, in_hw)
        hw = self.conv1.out_hw
        layers = [self.conv1, nn.BatchNorm2d(c), nn.ReLU()]
        for cout, stride in self.CFG:
            cout = int(cout * alpha)
            dw = SameConv2d(c, c, 3, stride, hw, groups=c)
            hw = dw.out_hw
            layers += [dw, nn.BatchNorm2d(c), nn.ReLU(),
                       nn.Conv2d(c, cout, 1, bias=False), nn.BatchNorm2d(cout), nn.ReLU()]
            c = cout
        self.features = nn.Sequential(*layers)
        self.pool = nn.AdaptiveAvgPool2d(1)  # -> GlobalAveragePool
        self.fc = nn.Linear(c, classes)

    def forward(self, x):
        x = torch.flatten(self.pool(self.features(x)), 1)
        return torch.softmax(self.fc(x), dim=1)


class ResStage(nn.Module):
    def __init__(self, cin, cout, stride, hw):
        super().__init__()
        self.conv1 = SameConv2d(cin, cout, 3, stride, hw)
        self.bn1 = nn.BatchNorm2d(cout)
        self.conv2 = SameConv2d(cout, cout, 3, 1, self.conv1.out_hw)
        self.bn2 = nn.BatchNorm2d(cout)
        # MLPerf: identity shortcut in stage 1, 1x1 stride-2 conv (with bias,
        # no BN) when the shape changes.
        self.shortcut = None if stride == 1 and cin == cout else SameConv2d(cin, cout, 1, stride, hw, bias=True)
        self.out_hw = self.conv1.out_hw

    def forward(self, x):
        y = F.relu(self.bn1(self.conv1(x)))
        y = self.bn2(self.conv2(y))
        s = x if self.shortcut is None else self.shortcut(x)
        return F.relu(s + y)


class ResNet8(nn.Module):
    """MLPerf Tiny image classification ResNet-8 (CIFAR-10, 32x32x3)."""

    def __init__(self, classes=10):
        super().__init__()
        self.conv = SameConv2d(3, 16, 3, 1, (32, 32))
        self.bn = nn.BatchNorm2d(16)
        self.stage1 = ResStage(16, 16, 1, (32, 32))
        self.stage2 = ResStage(16, 32, 2, self.stage1.out_hw)
        self.stage3 = ResStage(32, 64, 2, self.stage2.out_hw)
        self.pool = nn.AvgPool2d(tuple(self.stage3.out_hw), count_include_pad=False)  # 8x8
        self.fc = nn.Linear(64, classes)

    def forward(self, x):
        x = F.relu(self.bn(self.conv(x)))
        x = self.stage3(self.stage2(self.stage1(x)))
        x = torch.flatten(self.pool(x), 1)
        return torch.softmax(self.fc(x), dim=1)


class AutoEncoder(nn.Module):
    """MLPerf Tiny anomaly detection FC autoencoder (640 -> 8 -> 640)."""

    def __init__(self, io=640, hidden=128, bottleneck=8):
        super().__init__()
        dims = [io] + [hidden] * 4 + [bottleneck] + [hidden] * 4
        layers = []
        for a, b in zip(dims[:-1], dims[1:]):
            layers += [nn.Linear(a, b), nn.BatchNorm1d(b), nn.ReLU()]
        layers.append(nn.Linear(hidden, io))
        self.net = nn.Sequential(*layers)

    def forward(self, x):
        return self.net(x)


class DigitsMLP(nn.Module):
    def __init__(self):
        super().__init__()
        self.net = nn.Sequential(nn.Linear(64, 64), nn.ReLU(), nn.Linear(64, 32), nn.ReLU(),
                                 nn.Linear(32, 10))

    def forward(self, x):
        return self.net(x)


# ---------------------------------------------------------------------------
# Builders
# ---------------------------------------------------------------------------

def synthetic(name, seed, make, input_shape, doc):
    torch.manual_seed(seed)
    gen = torch.Generator().manual_seed(seed + 1)
    model = make()
    he_init(model)
    calib_x = torch.randn((32,) + tuple(input_shape[1:]), generator=gen)
    realistic_batchnorm(model, calib_x, gen)
    onnx_model, path = export(model, name, input_shape, doc)
    rng = np.random.default_rng(seed + 2)
    inputs = [rng.standard_normal(input_shape).astype(np.float32) for _ in range(NUM_TEST_SETS)]
    return finish(model, name, onnx_model, path, inputs,
                  {"test_inputs": "standard normal, numpy default_rng(%d)" % (seed + 2)})


def build_kws():
    return synthetic("kws_dscnn", 101, DSCNN, (1, 1, 49, 10),
                     "MLPerf Tiny KWS DS-CNN (random weights, realistic BN folded), "
                     "input 1x1x49x10 MFCC, output 12 softmax probabilities")


def build_vww():
    return synthetic("vww_mobilenet", 202, MobileNetV1, (1, 3, 96, 96),
                     "MLPerf Tiny VWW MobileNetV1 x0.25 (random weights, realistic BN folded), "
                     "input 1x3x96x96, output 2 softmax probabilities")


def build_ic():
    return synthetic("ic_resnet8", 303, ResNet8, (1, 3, 32, 32),
                     "MLPerf Tiny IC ResNet-8 (random weights, realistic BN folded), "
                     "input 1x3x32x32, output 10 softmax probabilities")


def build_ad():
    return synthetic("ad_autoencoder", 404, AutoEncoder, (1, 640),
                     "MLPerf Tiny AD FC autoencoder (random weights, realistic BN kept "
                     "as BatchNormalization), input 1x640, output 1x640 reconstruction")


def build_digits():
    from sklearn.datasets import load_digits
    from sklearn.model_selection import train_test_split

    name = "digits_mlp"
    seed = 505
    digits = load_digits()
    x = (digits.data / 16.0).astype(np.float32)  # pixels 0..16 -> [0, 1]
    y = digits.target.astype(np.int64)
    x_train, x_test, y_train, y_test = train_test_split(
        x, y, test_size=0.2, random_state=0)

    torch.manual_seed(seed)
    gen = torch.Generator().manual_seed(seed + 1)
    model = DigitsMLP()
    opt = torch.optim.Adam(model.parameters(), lr=2e-3, weight_decay=1e-4)
    sched = torch.optim.lr_scheduler.CosineAnnealingLR(opt, T_max=150)
    xt, yt = torch.from_numpy(x_train), torch.from_numpy(y_train)
    for _ in range(150):
        model.train()
        perm = torch.randperm(len(xt), generator=gen)
        for i in range(0, len(xt), 32):
            idx = perm[i:i + 32]
            opt.zero_grad()
            F.cross_entropy(model(xt[idx]), yt[idx]).backward()
            opt.step()
        sched.step()
    model.eval()
    with torch.no_grad():
        acc = float((model(torch.from_numpy(x_test)).argmax(1).numpy() == y_test).mean())
        train_acc = float((model(xt).argmax(1).numpy() == y_train).mean())
    print(f"== digits_mlp: float test accuracy {acc:.4f} ({int(round(acc * len(y_test)))}"
          f"/{len(y_test)}), train accuracy {train_acc:.4f}")

    onnx_model, path = export(model, name, (1, 64),
                              "MLP 64-64-32-10 trained on sklearn load_digits (8x8), "
                              "input 1x64 = pixels/16 in [0,1], output 10 logits")
    out_dir = os.path.dirname(path)
    split_dir = os.path.join(out_dir, "test_split")
    os.makedirs(split_dir, exist_ok=True)
    np.save(os.path.join(split_dir, "x_test.npy"), x_test)
    np.save(os.path.join(split_dir, "y_test.npy"), y_test)

    calib_dir = os.path.join(out_dir, "calibration")
    shutil.rmtree(calib_dir, ignore_errors=True)
    for n in range(32):
        save_pb(os.path.join(calib_dir, f"test_data_set_{n}", "input_0.pb"),
                x_train[n:n + 1], onnx_model.graph.input[0].name)

    inputs = [x_test[k:k + 1] for k in range(NUM_TEST_SETS)]
    return finish(model, name, onnx_model, path, inputs, {
        "preprocessing": "x = pixels / 16.0 (range [0, 1]), row-major 8x8 -> 64",
        "split": "sklearn train_test_split(x, y, test_size=0.2, random_state=0)",
        "train_size": int(len(y_train)),
        "test_size": int(len(y_test)),
        "float_test_accuracy_torch": acc,
        "test_inputs": "x_test[0:3], labels %s" % [int(v) for v in y_test[:NUM_TEST_SETS]],
        "calibration": "calibration/test_data_set_0..31/input_0.pb = x_train[0:32]",
    })


BUILDERS = {
    "kws_dscnn": build_kws,
    "vww_mobilenet": build_vww,
    "ic_resnet8": build_ic,
    "ad_autoencoder": build_ad,
    "digits_mlp": build_digits,
}


def main(argv, builders=None):
    builders = builders or BUILDERS
    names = argv or list(builders)
    unknown = [n for n in names if n not in builders]
    if unknown:
        sys.exit(f"unknown model(s) {unknown}; choose from {list(builders)}")
    for n in names:
        builders[n]()


if __name__ == "__main__":
    main(sys.argv[1:])
