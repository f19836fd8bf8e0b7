#!/usr/bin/env python3
"""Writes ONNX backend-test data sets for `mote verify` and `mote calibrate`.

    npy_to_test_data.py INPUTS.npy OUTPUTS.npy OUTDIR
    npy_to_test_data.py --normal 1x1x49x10 COUNT SEED OUTDIR

Row i of INPUTS [N, ...] becomes OUTDIR/test_data_set_i/input_0.pb (tensor "input",
shape [1, ...]) and row i of OUTPUTS output_0.pb ("output"). With --normal, COUNT
inputs of that shape, standard-normal (Python's random.gauss, seeded), no outputs:
calibration inputs from the distribution the models' test inputs were drawn from.
Standard library only (no numpy, no onnx): the .npy header and the TensorProto
fields are written by hand.
"""
import ast
import array
import os
import random
import struct
import sys


def read_npy(path):
    with open(path, "rb") as f:
        data = f.read()
    if data[:6] != b"\x93NUMPY":
        sys.exit(f"{path}: not a .npy file")
    major = data[6]
    if major == 1:
        (hlen,) = struct.unpack("<H", data[8:10])
        start = 10
    else:
        (hlen,) = struct.unpack("<I", data[8:12])
        start = 12
    header = ast.literal_eval(data[start:start + hlen].decode("latin1"))
    if header["descr"] != "<f4" or header["fortran_order"]:
        sys.exit(f"{path}: expected little-endian float32 in C order, got {header}")
    return header["shape"], data[start + hlen:]


def varint(v):
    out = bytearray()
    while True:
        b = v & 0x7F
        v >>= 7
        if v:
            out.append(b | 0x80)
        else:
            out.append(b)
            return bytes(out)


def tensor_proto(name, dims, raw):
    msg = b""
    for d in dims:  # field 1: dims (int64, unpacked)
        msg += varint((1 << 3) | 0) + varint(d)
    msg += varint((2 << 3) | 0) + varint(1)  # field 2: data_type FLOAT
    nb = name.encode()
    msg += varint((8 << 3) | 2) + varint(len(nb)) + nb  # field 8: name
    msg += varint((9 << 3) | 2) + varint(len(raw)) + raw  # field 9: raw_data
    return msg


def normal(shape_text, count, seed, outdir):
    dims = [int(d) for d in shape_text.split("x")]
    size = 1
    for d in dims:
        size *= d
    rng = random.Random(seed)
    for i in range(count):
        d = os.path.join(outdir, f"test_data_set_{i}")
        os.makedirs(d, exist_ok=True)
        values = array.array("f", (rng.gauss(0.0, 1.0) for _ in range(size)))
        if sys.byteorder != "little":
            values.byteswap()
        with open(os.path.join(d, "input_0.pb"), "wb") as f:
            f.write(tensor_proto("input", dims, values.tobytes()))


def main():
    if len(sys.argv) == 6 and sys.argv[1] == "--normal":
        normal(sys.argv[2], int(sys.argv[3]), int(sys.argv[4]), sys.argv[5])
        return
    if len(sys.argv) != 4:
        sys.exit(__doc__)
    (xs, xd), (ys, yd) = read_npy(sys.argv[1]), read_npy(sys.argv[2])
    n = xs[0]
    if ys[0] != n:
        sys.exit("inputs and outputs have different row counts")
    xrow, yrow = len(xd) // n, len(yd) // n
    for i in range(n):
        d = os.path.join(sys.argv[3], f"test_data_set_{i}")
        os.makedirs(d, exist_ok=True)
        with open(os.path.join(d, "input_0.pb"), "wb") as f:
            f.write(tensor_proto("input", [1] + list(xs[1:]), xd[i * xrow:(i + 1) * xrow]))
        with open(os.path.join(d, "output_0.pb"), "wb") as f:
            f.write(tensor_proto("output", [1] + list(ys[1:]), yd[i * yrow:(i + 1) * yrow]))


if __name__ == "__main__":
    main()
