#!/usr/bin/env python3
"""How `mote compile` time and memory grow with the node count (issue 15).

    python3 scripts/compile_time_bench.py [--mote build/mote] [N ...]

For each N (default 1000 3000 10000 30000 100000) it writes a chain of N nodes,
repeating Mul(x, a) -> Add(., b) -> Relu on a float[1, 16] tensor with two shared
constants, compiles it once and prints the wall time, the peak resident memory
of the compile, and both per node. Linear growth shows as flat per-node columns.
The ONNX file is encoded by hand (protobuf wire format), so nothing beyond
Python's standard library is needed.
"""
import argparse
import os
import resource
import struct
import subprocess
import sys
import tempfile
import time


def varint(n):
    out = bytearray()
    while True:
        b = n & 0x7F
        n >>= 7
        if n:
            out.append(b | 0x80)
        else:
            out.append(b)
            return bytes(out)


def field(num, wire, payload):
    key = varint((num << 3) | wire)
    if wire == 0:
        return key + varint(payload)
    return key + varint(len(payload)) + payload


def s(num, text):
    return field(num, 2, text.encode())


def value_info(name, dims):
    shape = b"".join(field(1, 2, field(1, 0, d)) for d in dims)          # TensorShapeProto.dim.dim_value
    tensor_type = field(1, 0, 1) + field(2, 2, shape)                     # elem_type FLOAT, shape
    return s(1, name) + field(2, 2, field(1, 2, tensor_type))             # ValueInfo.name, type.tensor_type


def tensor(name, values):
    raw = struct.pack("<%df" % len(values), *values)
    return field(1, 0, len(values)) + field(2, 0, 1) + s(8, name) + field(9, 2, raw)  # dims, FLOAT, name, raw_data


def node(name, op, inputs, outputs):
    return b"".join(s(1, i) for i in inputs) + b"".join(s(2, o) for o in outputs) + s(3, name) + s(4, op)


def chain_model(n):
    nodes, prev = [], "x"
    for i in range(n):
        op = ("Mul", "Add", "Relu")[i % 3]
        out = "y" if i == n - 1 else "t%d" % i
        ins = [prev] + (["a"] if op == "Mul" else ["b"] if op == "Add" else [])
        nodes.append(field(1, 2, node("n%d" % i, op, ins, [out])))
        prev = out
    graph = b"".join(nodes) + s(2, "chain")
    graph += field(5, 2, tensor("a", [0.5] * 16)) + field(5, 2, tensor("b", [0.25] * 16))
    graph += field(11, 2, value_info("x", [1, 16])) + field(12, 2, value_info("y", [1, 16]))
    return field(1, 0, 8) + field(8, 2, field(2, 0, 13)) + field(7, 2, graph)  # ir_version, opset_import, graph


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--mote", default=os.path.join(os.path.dirname(__file__), "..", "build", "mote"))
    ap.add_argument("sizes", nargs="*", type=int, default=[1000, 3000, 10000, 30000, 100000])
    args = ap.parse_args()
    print("%8s %10s %12s %14s %14s" % ("nodes", "seconds", "peak MiB", "us per node", "KiB per node"))
    with tempfile.TemporaryDirectory(prefix="mote-compile-time-") as tmp:
        for n in args.sizes:
            path = os.path.join(tmp, "chain_%d.onnx" % n)
            with open(path, "wb") as f:
                f.write(chain_model(n))
            before = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
            start = time.monotonic()
            r = subprocess.run([args.mote, "compile", path, "-o", os.path.join(tmp, "out_%d" % n)],
                               stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
            seconds = time.monotonic() - start
            peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss  # KiB, the largest child so far
            if r.returncode != 0:
                sys.exit("compile of %d nodes failed: %s" % (n, r.stderr.strip()))
            peak_note = "" if peak > before else " (peak of an earlier, larger run)"
            print("%8d %10.2f %12.1f %14.1f %14.2f%s" % (n, seconds, peak / 1024, seconds * 1e6 / n, peak / n, peak_note))


if __name__ == "__main__":
    main()
