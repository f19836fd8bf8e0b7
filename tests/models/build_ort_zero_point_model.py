#!/usr/bin/python3
"""Build kws_dscnn_qdq_i32_zp: models/kws_dscnn_qdq with every int32 bias
DequantizeLinear given an explicit int32 zero point of 0, as onnxruntime's
quantize_static writes it (ONNX allows it; Mote once refused it). The inputs are
kws_dscnn_qdq's; the expected outputs come from onnxruntime-node on this model.

    /usr/bin/python3 tests/models/build_ort_zero_point_model.py
"""
import os
import shutil
import sys

import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper

HERE = os.path.dirname(os.path.abspath(__file__))
MODELS = os.path.join(HERE, "..", "..", "models")
sys.path.insert(0, MODELS)
sys.dont_write_bytecode = True
import ort_ref  # noqa: E402


def main():
    model = onnx.load(os.path.join(MODELS, "kws_dscnn_qdq", "model.onnx"))
    int32 = {i.name for i in model.graph.initializer if i.data_type == TensorProto.INT32}
    dims = {i.name: list(i.dims) for i in model.graph.initializer}
    count = 0
    for n in model.graph.node:
        if n.op_type == "DequantizeLinear" and n.input[0] in int32 and len(n.input) == 2:
            zp = n.input[0] + "_zero_point"
            # Zeros of the scale's shape: one per channel for a per-channel scale.
            shape = dims[n.input[1]]
            model.graph.initializer.append(helper.make_tensor(zp, TensorProto.INT32, shape, [0] * int(np.prod(shape))))
            n.input.append(zp)
            count += 1
    onnx.checker.check_model(model)
    folder = os.path.join(HERE, "kws_dscnn_qdq_i32_zp")
    os.makedirs(folder, exist_ok=True)
    path = os.path.join(folder, "model.onnx")
    onnx.save(model, path)
    inputs = []
    for k in range(3):
        src = os.path.join(MODELS, "kws_dscnn_qdq", f"test_data_set_{k}", "input_0.pb")
        t = onnx.TensorProto()
        with open(src, "rb") as f:
            t.ParseFromString(f.read())
        inputs.append(numpy_helper.to_array(t))
        d = os.path.join(folder, f"test_data_set_{k}")
        os.makedirs(d, exist_ok=True)
        shutil.copy(src, os.path.join(d, "input_0.pb"))
    version, outs = ort_ref.run(path, [{"input": x} for x in inputs])
    for k, out in enumerate(outs):
        with open(os.path.join(folder, f"test_data_set_{k}", "output_0.pb"), "wb") as f:
            f.write(numpy_helper.from_array(np.ascontiguousarray(out["output"]), "output").SerializeToString())
    print(f"kws_dscnn_qdq_i32_zp: {count} int32 zero points; onnxruntime-node {version}: 3 test data sets")


if __name__ == "__main__":
    main()
