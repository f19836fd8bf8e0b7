"""What every tests/models/build_*.py script does last: save the model and, for
each input, a test_data_set_K folder (input_0.pb, and output_0.pb from
onnxruntime-node through models/ort_ref.py) in the ONNX backend-test layout. The
models have one input named "input" and one output named "output"."""
import os
import sys

import numpy as np
import onnx
from onnx import numpy_helper

sys.dont_write_bytecode = True  # keep __pycache__ out of the repository
sys.path.insert(0, os.path.join(os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__)))), "models"))
import ort_ref  # noqa: E402


def save_pb(path, array, name):
    with open(path, "wb") as f:
        f.write(numpy_helper.from_array(np.ascontiguousarray(array), name=name).SerializeToString())


def write_test_model(folder, model, inputs):
    """Writes folder/model.onnx and one test data set per input; returns onnxruntime's version."""
    os.makedirs(folder, exist_ok=True)
    model_path = os.path.join(folder, "model.onnx")
    onnx.save(model, model_path)
    version, outs = ort_ref.run(model_path, [{"input": x} for x in inputs])
    for k, (x, out) in enumerate(zip(inputs, outs)):
        d = os.path.join(folder, f"test_data_set_{k}")
        os.makedirs(d, exist_ok=True)
        save_pb(os.path.join(d, "input_0.pb"), x, "input")
        save_pb(os.path.join(d, "output_0.pb"), out["output"], "output")
    return version
