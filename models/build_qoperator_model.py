#!/usr/bin/python3
"""Derive a QOperator model from a QDQ one: every Conv of the QDQ layout becomes
one QLinearConv, as onnxruntime's quantize_static(QuantFormat.QOperator) writes.

    /usr/bin/python3 models/build_qoperator_model.py [qdq_name [qop_name]]   # default kws_dscnn_qdq kws_dscnn_qop
    /usr/bin/python3 models/make_golden.py kws_dscnn_qop

Pattern: DequantizeLinear(x_q) and DequantizeLinear(w_q) [and DequantizeLinear(b_q)]
-> Conv [-> Relu] -> QuantizeLinear(y) becomes
QLinearConv(x_q, x_scale, x_zp, w_q, w_scale, w_zp, y_scale, y_zp, b_q). A Relu is
dropped only when the output zero point is -128 (the int8 saturation is then the
clamp at real 0); otherwise the layer stays in QDQ form. The other nodes (the
input QuantizeLinear, pooling, Flatten, the Gemm, Softmax) are kept as they are.
Test inputs are copied; run make_golden.py for the outputs (onnxruntime-node
runs the QOperator graph). Needs python3-onnx and numpy only.
"""
import glob
import os
import shutil
import sys

import numpy as np
import onnx
from onnx import helper, numpy_helper

HERE = os.path.dirname(os.path.abspath(__file__))


def main(argv):
    src = argv[0] if argv else "kws_dscnn_qdq"
    dst = argv[1] if len(argv) > 1 else "kws_dscnn_qop"
    model = onnx.load(os.path.join(HERE, src, "model.onnx"))
    g = model.graph
    inits = {i.name: numpy_helper.to_array(i) for i in g.initializer}
    producer = {o: n for n in g.node for o in n.output}
    readers = {}
    for n in g.node:
        for i in n.input:
            readers.setdefault(i, []).append(n)

    def dq_of(t):
        n = producer.get(t)
        return n if n is not None and n.op_type == "DequantizeLinear" else None

    def sole_reader(t, op):
        r = readers.get(t, [])
        return r[0] if len(r) == 1 and r[0].op_type == op else None

    removed, replaced = set(), {}
    for conv in g.node:
        if conv.op_type != "Conv":
            continue
        dqs = [dq_of(t) for t in conv.input]
        if any(d is None for d in dqs):
            continue
        out = conv.output[0]
        relu = sole_reader(out, "Relu")
        q = sole_reader(relu.output[0] if relu else out, "QuantizeLinear")
        if q is None or (relu is not None and int(inits[q.input[2]]) != -128):
            continue
        x_dq, w_dq = dqs[0], dqs[1]
        inputs = [x_dq.input[0], x_dq.input[1], x_dq.input[2], w_dq.input[0], w_dq.input[1], w_dq.input[2],
                  q.input[1], q.input[2]]
        if len(dqs) > 2:
            inputs.append(dqs[2].input[0])
        qconv = helper.make_node("QLinearConv", inputs, [q.output[0]], name=conv.name)
        qconv.attribute.extend(conv.attribute)
        replaced[id(conv)] = qconv
        removed.update(id(n) for n in [q] + ([relu] if relu else []) + dqs[1:])
        if len(readers[x_dq.output[0]]) == 1:
            removed.add(id(x_dq))
    nodes = [replaced.get(id(n), n) for n in g.node if id(n) not in removed]
    del g.node[:]
    g.node.extend(nodes)
    used = {i for n in g.node for i in n.input}
    keep = [i for i in g.initializer if i.name in used]
    del g.initializer[:]
    g.initializer.extend(keep)
    onnx.checker.check_model(model)

    out_dir = os.path.join(HERE, dst)
    os.makedirs(out_dir, exist_ok=True)
    onnx.save(model, os.path.join(out_dir, "model.onnx"))
    for d in sorted(glob.glob(os.path.join(HERE, src, "test_data_set_*"))):
        t = os.path.join(out_dir, os.path.basename(d))
        os.makedirs(t, exist_ok=True)
        shutil.copy(os.path.join(d, "input_0.pb"), os.path.join(t, "input_0.pb"))
    hist = {}
    for n in g.node:
        hist[n.op_type] = hist.get(n.op_type, 0) + 1
    print(f"wrote {dst}/model.onnx: {len(replaced)} QLinearConv ("
          + ", ".join(f"{k} {v}" for k, v in sorted(hist.items())) + "); run make_golden.py " + dst)


if __name__ == "__main__":
    main(sys.argv[1:])
