"""Run an ONNX model with onnxruntime-node (the reference runtime) from Python.

Debian ships no onnxruntime for Python, so this helper writes each input as a
raw little-endian file plus a JSON manifest into a temporary folder (outside
the repository, deleted afterwards), runs `node run_onnxruntime.js` on it and
reads the raw outputs back as numpy arrays. onnxruntime runs with graph
optimisations disabled, i.e. op by op as written in the model.

Needs only numpy (and node + models/node_modules/onnxruntime-node).
"""
import json
import os
import shutil
import subprocess
import tempfile

import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
RUNNER = os.path.join(HERE, "run_onnxruntime.js")

_NP_TO_ORT = {
    np.dtype(np.float32): "float32",
    np.dtype(np.float64): "float64",
    np.dtype(np.int8): "int8",
    np.dtype(np.uint8): "uint8",
    np.dtype(np.int16): "int16",
    np.dtype(np.uint16): "uint16",
    np.dtype(np.int32): "int32",
    np.dtype(np.uint32): "uint32",
    np.dtype(np.int64): "int64",
    np.dtype(np.uint64): "uint64",
    np.dtype(np.bool_): "bool",
}
_ORT_TO_NP = {v: k for k, v in _NP_TO_ORT.items()}


def node_executable():
    exe = shutil.which("node") or shutil.which("nodejs")
    if exe is None:
        raise RuntimeError("node not found: apt-get install nodejs npm")
    return exe


def check_installed():
    if not os.path.isdir(os.path.join(HERE, "node_modules", "onnxruntime-node")):
        raise RuntimeError(
            "onnxruntime-node is not installed; run in models/: "
            "ONNXRUNTIME_NODE_INSTALL=skip npm ci")


def run(model_path, runs):
    """Run `model_path` once per element of `runs`.

    runs: list of dicts {input_name: numpy array}.
    Returns (ort_version, [ {output_name: numpy array} ... ]) in the model's
    output order (dicts keep insertion order).
    """
    check_installed()
    job = tempfile.mkdtemp(prefix="mote-ort-")
    try:
        manifest = {"runs": []}
        for i, feeds in enumerate(runs):
            inputs = []
            for k, (name, arr) in enumerate(feeds.items()):
                arr = np.ascontiguousarray(arr)
                if arr.dtype not in _NP_TO_ORT:
                    raise TypeError(f"unsupported input dtype {arr.dtype}")
                fname = f"run{i}_in{k}.bin"
                arr.astype(arr.dtype.newbyteorder("<"), copy=False).tofile(
                    os.path.join(job, fname))
                inputs.append({"name": name, "type": _NP_TO_ORT[arr.dtype],
                               "dims": list(arr.shape), "file": fname})
            manifest["runs"].append({"inputs": inputs})
        with open(os.path.join(job, "manifest.json"), "w") as f:
            json.dump(manifest, f)
        subprocess.run([node_executable(), RUNNER, os.path.abspath(model_path), job],
                       check=True, cwd=HERE)
        with open(os.path.join(job, "result.json")) as f:
            result = json.load(f)
        outs = []
        for r in result["runs"]:
            d = {}
            for o in r["outputs"]:
                dt = _ORT_TO_NP[o["type"]].newbyteorder("<")
                a = np.fromfile(os.path.join(job, o["file"]), dtype=dt)
                d[o["name"]] = a.astype(dt.newbyteorder("="), copy=False).reshape(o["dims"])
            outs.append(d)
        return result["ort_version"], outs
    finally:
        shutil.rmtree(job, ignore_errors=True)
