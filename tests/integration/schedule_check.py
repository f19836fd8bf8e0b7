#!/usr/bin/python3
"""Pass schedule end to end, on tests/models/two_towers (two convolution towers
written wide-wide-narrow-narrow): the chosen order's ideal is below the model's
own, the summary and the JSON say both, --skip-pass schedule gives back the
model's order, and the reordered code still matches onnxruntime (the verify tests
in tests/CMakeLists.txt run it).

    schedule_check.py MOTE REPO
"""
import json
import os
import subprocess
import sys
import tempfile

from checks import check, finish

mote, repo = sys.argv[1], sys.argv[2]
model = os.path.join(repo, "tests", "models", "two_towers", "model.onnx")
WIDE = 32 * 16 * 16 * 4    # a tower's 32x16x16 float tensor (its Relu runs in place)
NARROW = 8 * 16 * 16 * 4    # a tower's 8x16x16 result


def compile_json(*extra):
    with tempfile.TemporaryDirectory() as out:
        r = subprocess.run([mote, "compile", model, "-o", out, "--json", *extra], capture_output=True, text=True)
        check(r.returncode == 0, "compile %s exits 0 (%s)" % (" ".join(extra), r.stderr.strip()[-200:]))
        return json.loads(r.stdout) if r.returncode == 0 else {}


chosen = compile_json()
model_order = compile_json("--skip-pass", "schedule")
ideal, own = chosen.get("arena_lower_bound_bytes", 0), chosen.get("arena_lower_bound_model_order_bytes", 0)
print("ideal %d in the chosen order, %d in the model's; arena %d, %d without the pass" %
      (ideal, own, chosen.get("arena_bytes", 0), model_order.get("arena_bytes", 0)))
# At the peak the model's order holds both wide tensors and one result; the chosen
# order one wide tensor and both results.
check(own - ideal == WIDE - NARROW, "the chosen order's peak holds one wide tensor fewer and one result more (%d - %d == %d)"
      % (own, ideal, WIDE - NARROW))
check(model_order.get("arena_lower_bound_bytes") == own,
      "--skip-pass schedule: the ideal is the model order's one the summary reports")
check(model_order.get("arena_lower_bound_model_order_bytes") == own, "--skip-pass schedule reports the same model order")
check(chosen.get("arena_bytes", 1 << 30) < model_order.get("arena_bytes", 0), "the arena shrinks with the pass")

with tempfile.TemporaryDirectory() as out:
    r = subprocess.run([mote, "compile", model, "-o", out], capture_output=True, text=True)
    check("ideal lower bound %d; in the model's own order %d" % (ideal, own) in r.stdout,
          "the compile summary prints both ideals")
    with open(os.path.join(out, "two_towers.cpp")) as f:
        code = f.read()
    # The order in the generated code: tower a runs to its end before tower b starts.
    pos = [code.find(name) for name in ("tower_a_wide", "tower_a_narrow", "tower_b_wide", "tower_b_narrow")]
    check(all(p >= 0 for p in pos) and pos == sorted(pos), "the generated code runs tower a, then tower b (%s)" % pos)

r = subprocess.run([mote, "compile", model, "-o", "/nonexistent/x", "--skip-pass", "resolve"], capture_output=True,
                   text=True)
check(r.returncode == 2 and "the output needs this pass" in r.stderr, "a required pass cannot be skipped")
r = subprocess.run([mote, "compile", model, "-o", "/nonexistent/x", "--skip-pass", "schedul"], capture_output=True,
                   text=True)
check(r.returncode == 2 and "did you mean 'schedule'" in r.stderr, "a mistyped pass gets a suggestion")
finish()
