#!/usr/bin/python3
"""Derive a pre-quantized QDQ model from one of Mote's float sample models.

    /usr/bin/python3 models/build_qdq_model.py [--uint8] [float_model [qdq_name]]   # default kws_dscnn kws_dscnn_qdq
    /usr/bin/python3 models/make_golden.py kws_dscnn_qdq

Writes models/<qdq_name>/model.onnx in the layout onnxruntime's
quantize_static(QuantFormat.QDQ, activation_type=QInt8, weight_type=QInt8,
per_channel=True) writes (with extra_options QDQKeepRemovableActivations=True, so
each Relu stays a node between its Conv and the Quantize), and copies the float
model's test_data_set_*/input_0.pb next to it:

  - activations int8 per tensor, asymmetric, from minmax ranges calibrated by
    running the float model in onnxruntime-node on 32 standard-normal inputs
    (numpy default_rng(1)); every range holds 0; scale = (max - min) / 255,
    zero point = round(-128 - min / scale);
  - Conv / Gemm weights int8 symmetric per output channel (axis 0, values in
    [-127, 127], scale = max|w| / 127, zero point 0);
  - biases int32 at input_scale * weight_scale, dequantized without a zero
    point (ONNX's default 0);
  - a QuantizeLinear/DequantizeLinear pair on each activation, read by the next
    operator: Conv/Gemm (+Relu), AveragePool (own range), MaxPool, Flatten and
    Reshape (their input's parameters, as onnxruntime does); Softmax stays float
    after the last DequantizeLinear.

With --uint8 the activations are uint8 (QuantType.QUInt8): the same scales, zero
points + 128; weights and biases unchanged.

Needs only python3-onnx, python3-numpy and node with
models/node_modules/onnxruntime-node (no torch, no onnxruntime for Python).
Everything is seeded: reruns give the same file.
"""
import glob
import os
import shutil
import sys

import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
sys.dont_write_bytecode = True  # keep __pycache__ out of models/
import ort_ref  # noqa: E402

CALIBRATION_INPUTS = 32
CALIBRATION_SEED = 1
LAYERS = {"Conv", "Gemm"}
OWN_RANGE = {"AveragePool", "GlobalAveragePool"}  # requantized to their own calibrated range
SAME_PARAMS = {"MaxPool", "Flatten", "Reshape"}   # onnxruntime keeps the input's parameters


def calibrate(model, input_name, shape):
    """Min and max of every tensor over the calibration inputs (float model, onnxruntime)."""
    inferred = onnx.shape_inference.infer_shapes(model)
    probe = onnx.ModelProto()
    probe.CopyFrom(inferred)
    known = {o.name for o in probe.graph.output}
    for vi in inferred.graph.value_info:
        if vi.name not in known:
            probe.graph.output.append(vi)
    path = os.path.join(HERE, ".calibration_probe.onnx")
    onnx.save(probe, path)
    try:
        rng = np.random.default_rng(CALIBRATION_SEED)
        runs = [{input_name: rng.standard_normal(shape).astype(np.float32)} for _ in range(CALIBRATION_INPUTS)]
        _, outs = ort_ref.run(path, runs)
    finally:
        os.remove(path)
    ranges = {input_name: (min(float(r[input_name].min()) for r in runs), max(float(r[input_name].max()) for r in runs))}
    for name in outs[0]:
        ranges[name] = (min(float(o[name].min()) for o in outs), max(float(o[name].max()) for o in outs))
    return ranges


def affine_int8(lo, hi):
    lo, hi = min(0.0, lo), max(0.0, hi)
    scale = np.float32((hi - lo) / 255.0) if hi > lo else np.float32(1.0)
    zp = int(np.clip(np.round(-128.0 - lo / float(scale)), -128, 127))
    return scale, zp


class QdqBuilder:
    def __init__(self, model, ranges, uint8=False):
        self.model = model
        self.uint8 = uint8
        self.inits = {i.name: numpy_helper.to_array(i) for i in model.graph.initializer}
        self.ranges = ranges
        self.nodes, self.new_inits = [], []
        self.params = {}    # activation -> (scale, zp)
        self.dq_name = {}   # activation -> its DequantizeLinear output

    def const(self, name, array):
        self.new_inits.append(numpy_helper.from_array(array, name))
        return name

    def qdq(self, t, params=None):
        """Q/DQ pair on activation t (once); returns the float tensor readers use."""
        if t in self.dq_name:
            return self.dq_name[t]
        scale, zp = params or affine_int8(*self.ranges[t])
        self.params[t] = (scale, zp)
        s = self.const(f"{t}_scale", np.array(scale, np.float32))
        z = self.const(f"{t}_zero_point", np.array(zp + 128, np.uint8) if self.uint8 else np.array(zp, np.int8))
        self.nodes.append(helper.make_node("QuantizeLinear", [t, s, z], [f"{t}_quantized"], name=f"{t}_QuantizeLinear"))
        self.nodes.append(helper.make_node("DequantizeLinear", [f"{t}_quantized", s, z], [f"{t}_dequantized"],
                                           name=f"{t}_DequantizeLinear"))
        self.dq_name[t] = f"{t}_dequantized"
        return self.dq_name[t]

    def weight(self, name):
        """int8 symmetric per output channel (axis 0), and its DequantizeLinear."""
        w = self.inits[name].astype(np.float32)
        amax = np.abs(w.reshape(w.shape[0], -1)).max(axis=1)
        scale = np.where(amax > 0, amax / 127.0, 1.0).astype(np.float32)
        q = np.clip(np.round(w / scale.reshape((-1,) + (1,) * (w.ndim - 1))), -127, 127).astype(np.int8)
        qn = self.const(f"{name}_quantized", q)
        s = self.const(f"{name}_scale", scale)
        z = self.const(f"{name}_zero_point", np.zeros(w.shape[0], np.int8))
        self.nodes.append(helper.make_node("DequantizeLinear", [qn, s, z], [f"{name}_dequantized"],
                                           name=f"{name}_DequantizeLinear", axis=0))
        return f"{name}_dequantized", scale

    def bias(self, name, input_scale, weight_scale):
        """int32 at input_scale * weight_scale, dequantized with no zero point."""
        b = self.inits[name].astype(np.float32)
        scale = (np.float32(input_scale) * weight_scale).astype(np.float32)
        q = np.round(b / scale).astype(np.int32)
        qn = self.const(f"{name}_quantized", q)
        s = self.const(f"{name}_scale", scale)
        self.nodes.append(helper.make_node("DequantizeLinear", [qn, s], [f"{name}_dequantized"],
                                           name=f"{name}_DequantizeLinear", axis=0))
        return f"{name}_dequantized"

    def build(self):
        g = self.model.graph
        readers = {}
        for n in g.node:
            for i in n.input:
                readers.setdefault(i, []).append(n)
        skip = set()
        for n in g.node:
            if id(n) in skip:
                continue
            if n.op_type in LAYERS:
                x = self.qdq(n.input[0])
                w, ws = self.weight(n.input[1])
                ins = [x, w]
                if len(n.input) > 2 and n.input[2]:
                    ins.append(self.bias(n.input[2], self.params[n.input[0]][0], ws))
                layer = helper.make_node(n.op_type, ins, list(n.output), name=n.name)
                layer.attribute.extend(n.attribute)
                self.nodes.append(layer)
                out = n.output[0]
                after = readers.get(out, [])
                if len(after) == 1 and after[0].op_type == "Relu":  # the Relu stays, the Q follows it
                    self.nodes.append(after[0])
                    skip.add(id(after[0]))
                    out = after[0].output[0]
                self.qdq(out)
            elif n.op_type in OWN_RANGE | SAME_PARAMS:
                x = self.qdq(n.input[0])
                node = onnx.NodeProto()
                node.CopyFrom(n)
                node.input[0] = x
                self.nodes.append(node)
                self.qdq(n.output[0], None if n.op_type in OWN_RANGE else self.params[n.input[0]])
            else:  # float: reads the dequantized values
                node = onnx.NodeProto()
                node.CopyFrom(n)
                for k, i in enumerate(node.input):
                    if i in self.dq_name:
                        node.input[k] = self.dq_name[i]
                self.nodes.append(node)
        graph = helper.make_graph(self.nodes, g.name + "_qdq", list(g.input), list(g.output), self.new_inits)
        model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 13)],
                                  producer_name="mote models/build_qdq_model.py")
        model.ir_version = 7
        onnx.checker.check_model(model)
        return model


def main(argv):
    uint8 = "--uint8" in argv
    argv = [a for a in argv if a != "--uint8"]
    src = argv[0] if argv else "kws_dscnn"
    dst = argv[1] if len(argv) > 1 else src + "_qdq"
    model = onnx.load(os.path.join(HERE, src, "model.onnx"))
    inp = model.graph.input[0]
    shape = [d.dim_value for d in inp.type.tensor_type.shape.dim]
    ranges = calibrate(model, inp.name, shape)
    qdq = QdqBuilder(model, ranges, uint8).build()
    out_dir = os.path.join(HERE, dst)
    os.makedirs(out_dir, exist_ok=True)
    onnx.save(qdq, os.path.join(out_dir, "model.onnx"))
    for d in sorted(glob.glob(os.path.join(HERE, src, "test_data_set_*"))):
        target = os.path.join(out_dir, os.path.basename(d))
        os.makedirs(target, exist_ok=True)
        shutil.copy(os.path.join(d, "input_0.pb"), os.path.join(target, "input_0.pb"))
    hist = {}
    for n in qdq.graph.node:
        hist[n.op_type] = hist.get(n.op_type, 0) + 1
    print(f"{dst}: wrote model.onnx ({len(qdq.graph.node)} nodes: "
          + ", ".join(f"{k} {v}" for k, v in sorted(hist.items())) + "); run make_golden.py " + dst)


if __name__ == "__main__":
    main(sys.argv[1:])
