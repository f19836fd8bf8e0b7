#!/usr/bin/python3
"""Pass fold-pad end to end, on tests/models/pad_conv (three explicit Pad -> Conv
layers, as tf2onnx writes TensorFlow "same" convolutions): after the pass no Pad
is left and each Conv carries the padding, the generated code has no pad kernel,
and the arena shrinks by the padded copy at the peak; --skip-pass fold-pad keeps
the Pads. That the folded code still matches onnxruntime is the verify tests' job
(tests/CMakeLists.txt).

    fold_pad_check.py MOTE REPO [CALIBRATION_DIR]

With CALIBRATION_DIR, the int8 build (--quantize int8) is checked the same way.
"""
import json
import os
import subprocess
import sys
import tempfile

from checks import check, finish

mote, repo = sys.argv[1], sys.argv[2]
calibration = sys.argv[3] if len(sys.argv) > 3 else None
model = os.path.join(repo, "tests", "models", "pad_conv", "model.onnx")
RELU1 = 8 * 32 * 32 * 4     # the first layer's output, 1x8x32x32 float
PADDED2 = 8 * 33 * 33 * 4   # that output padded by one row and column at the end


def compile_model(*extra):
    """(IR after fold-pad, generated .cpp, JSON summary) of one build."""
    with tempfile.TemporaryDirectory() as out:
        r = subprocess.run([mote, "compile", model, "-o", out, "--json", "--print-after", "fold-pad", *extra],
                           capture_output=True, text=True)
        check(r.returncode == 0, "compile %s exits 0%s" % (" ".join(extra), "" if r.returncode == 0 else
                                                             " (%s)" % r.stderr.strip()[-300:]))
        if r.returncode != 0:
            return "", "", {}
        with open(os.path.join(out, "pad_conv.cpp")) as f:
            code = f.read()
        return r.stderr, code, json.loads(r.stdout)


def ir_nodes(ir, op):
    return [line for line in ir.splitlines() if " = %s " % op in line]


for quantize in ([], ["--quantize", "int8", "--calibrate", calibration]) if calibration else ([],):
    kind = "int8" if quantize else "float"
    ir, code, folded = compile_model(*quantize)
    # --print-after of a skipped pass prints nothing: dump after the pass before it.
    ir_off, code_off, kept = compile_model(*quantize, "--skip-pass", "fold-pad", "--print-after", "fold-batch-norm")
    check(len(ir_nodes(ir, "Pad")) == 0, "%s: no Pad left after fold-pad" % kind)
    convs = ir_nodes(ir, "Conv")
    check(len(convs) == 3 and all("pads=" in c for c in convs), "%s: the three Convs carry the padding" % kind)
    check("pads=[1,1,1,1]" in ir and ir.count("pads=[0,0,1,1]") == 2,
          "%s: pads [1,1,1,1] once and the uneven [0,0,1,1] twice" % kind)
    check("pad.h" not in code and "pad<" not in code, "%s: the generated code has no pad kernel" % kind)
    check(len(ir_nodes(ir_off, "Pad")) == 3, "%s --skip-pass fold-pad: the three Pads stay" % kind)
    check("pad<" in code_off, "%s --skip-pass fold-pad: the generated code pads" % kind)
    arena, arena_off = folded.get("arena_bytes", 1 << 30), kept.get("arena_bytes", 0)
    ideal, ideal_off = folded.get("arena_lower_bound_bytes", 1 << 30), kept.get("arena_lower_bound_bytes", 0)
    print("%s: arena %d with the pass, %d without (ideal %d, %d)" % (kind, arena, arena_off, ideal, ideal_off))
    check(arena < arena_off and ideal < ideal_off, "%s: the arena and its ideal shrink with the pass" % kind)
    if not quantize:
        # Without the pass the peak is the first layer's output next to its padded
        # copy; with it, that copy is never made.
        check(ideal_off == RELU1 + PADDED2, "float: without the pass the peak holds the padded copy (%d == %d)"
              % (ideal_off, RELU1 + PADDED2))

finish()
