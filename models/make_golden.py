#!/usr/bin/python3
"""Write the golden outputs of Mote's sample models with onnxruntime-node.

    /usr/bin/python3 models/make_golden.py [model_name ...]

For every models/<name>/test_data_set_N/input_K.pb (written by
build_models.py) this runs models/<name>/model.onnx with onnxruntime-node
(graph optimisations disabled, one thread) and writes
models/<name>/test_data_set_N/output_K.pb: serialized onnx.TensorProto named
after the graph output, the ONNX backend-test layout.

For digits_mlp it also runs the whole test split through onnxruntime, prints
the accuracy and saves the logits as test_split/logits_ort.npy.

Needs only python3-onnx, python3-numpy and node (no torch).
"""
import glob
import json
import os
import re
import sys

import numpy as np
import onnx
from onnx import numpy_helper

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
sys.dont_write_bytecode = True  # keep __pycache__ out of models/
import ort_ref  # noqa: E402

MODELS = ["kws_dscnn", "vww_mobilenet", "ic_resnet8", "ad_autoencoder", "digits_mlp", "kws_dscnn_qdq", "kws_dscnn_qop", "kws_dscnn_qdq_u8"]


def _index(path, prefix):
    m = re.search(prefix + r"(\d+)(?:\.pb)?$", os.path.basename(path))
    return int(m.group(1))


def load_pb(path):
    t = onnx.TensorProto()
    with open(path, "rb") as f:
        t.ParseFromString(f.read())
    return t.name, numpy_helper.to_array(t)


def save_pb(path, array, name):
    t = numpy_helper.from_array(np.ascontiguousarray(array), name=name)
    with open(path, "wb") as f:
        f.write(t.SerializeToString())


def golden(name):
    model_dir = os.path.join(HERE, name)
    model_path = os.path.join(model_dir, "model.onnx")
    model = onnx.load(model_path)
    init_names = {i.name for i in model.graph.initializer}
    in_names = [i.name for i in model.graph.input if i.name not in init_names]
    out_names = [o.name for o in model.graph.output]

    sets = sorted(glob.glob(os.path.join(model_dir, "test_data_set_*")),
                  key=lambda p: _index(p, "test_data_set_"))
    if not sets:
        sys.exit(f"{name}: no test_data_set_* folders; run build_models.py first")
    runs = []
    for d in sets:
        files = sorted(glob.glob(os.path.join(d, "input_*.pb")), key=lambda p: _index(p, "input_"))
        feeds = {}
        for k, f in enumerate(files):
            tname, arr = load_pb(f)
            feeds[tname or in_names[k]] = arr
        runs.append(feeds)

    version, outs = ort_ref.run(model_path, runs)
    for d, out in zip(sets, outs):
        for old in glob.glob(os.path.join(d, "output_*.pb")):
            os.remove(old)
        for k, oname in enumerate(out_names):
            save_pb(os.path.join(d, f"output_{k}.pb"), out[oname], oname)
    print(f"{name}: onnxruntime-node {version}: wrote output_*.pb for {len(sets)} test data sets")
    for d, out in zip(sets, outs):
        flat = out[out_names[0]].reshape(-1)
        print(f"   {os.path.basename(d)}: {out_names[0]}{list(out[out_names[0]].shape)}[:6] = "
              f"{np.array2string(flat[:6], precision=4)}")

    if name == "digits_mlp":
        split = os.path.join(model_dir, "test_split")
        x_test = np.load(os.path.join(split, "x_test.npy"))
        y_test = np.load(os.path.join(split, "y_test.npy"))
        _, outs = ort_ref.run(model_path, [{in_names[0]: x_test[i:i + 1]} for i in range(len(x_test))])
        logits = np.concatenate([o[out_names[0]] for o in outs], axis=0).astype(np.float32)
        np.save(os.path.join(split, "logits_ort.npy"), logits)
        acc = float((logits.argmax(1) == y_test).mean())
        print(f"   onnxruntime test accuracy {acc:.4f} ({int((logits.argmax(1) == y_test).sum())}"
              f"/{len(y_test)}); logits saved to test_split/logits_ort.npy")
        info_path = os.path.join(model_dir, "model_info.json")
        if os.path.exists(info_path):
            with open(info_path) as f:
                info = json.load(f)
            info["float_test_accuracy_ort"] = acc
            with open(info_path, "w") as f:
                json.dump(info, f, indent=1)
                f.write("\n")


def main(argv):
    names = argv or MODELS
    for n in names:
        golden(n)


if __name__ == "__main__":
    main(sys.argv[1:])
