#!/usr/bin/python3
"""What each memory technique saves: the arena and its ideal lower bound of every
shipped model (and the test models that show a pass at work), with all of
Mote's passes, with patch-based execution of the first layers added (`--patch
auto`), and with each optional pass left out (`--skip-pass NAME`).

    python3 scripts/arena_table.py [--mote build/mote]

Float is compiled for the host; int8 for the Cortex-M4 with `--io int8`,
calibrated on build/tests/int8_data/<model>_calibration (made by ctest's int8_data
tests, or by scripts/performance_table.py), digits_mlp on its shipped calibration
folder, the test models on their own test inputs. Prints a Markdown table for
docs/results.md; each cell is "arena / ideal" in bytes.
"""
import argparse
import json
import os
import subprocess
import sys
import tempfile

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
MODELS = ["kws_dscnn", "vww_mobilenet", "ic_resnet8", "ad_autoencoder", "digits_mlp"]
TEST_MODELS = ["two_towers", "pad_conv", "patch_stage"]
SKIPS = ["fuse-activation", "fold-pad", "schedule", "in-place"]


def model_dir(name):
    return os.path.join(ROOT, "tests", "models", name) if name in TEST_MODELS else os.path.join(ROOT, "models", name)


def calibration(name):
    if name in TEST_MODELS:
        return model_dir(name)
    if name == "digits_mlp":
        return os.path.join(ROOT, "models", "digits_mlp", "calibration")
    return os.path.join(ROOT, "build", "tests", "int8_data", name + "_calibration")


def arena(mote, name, int8, skips, extra=()):
    args = [mote, "compile", model_dir(name), "--json"] + list(extra)
    if int8:
        args += ["--quantize", "int8", "--calibrate", calibration(name), "--io", "int8", "--target", "cortex-m4"]
    for s in skips:
        args += ["--skip-pass", s]
    with tempfile.TemporaryDirectory() as out:
        r = subprocess.run(args + ["-o", out], capture_output=True, text=True)
    if r.returncode != 0:
        return "refused"
    j = json.loads(r.stdout)
    return "{:,} / {:,}".format(j["arena_bytes"], j["arena_lower_bound_bytes"])


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--mote", default=os.path.join(ROOT, "build", "mote"))
    a = ap.parse_args()
    for name in MODELS:
        if not os.path.isdir(calibration(name)):
            sys.exit(f"{calibration(name)} is missing: run `ctest --test-dir build -R int8_data` first")
    head = (["model", "build", "all passes", "`--patch auto`"] + [f"`--skip-pass {s}`" for s in SKIPS] +
            ["all four skipped"])
    print("| " + " | ".join(head) + " |")
    print("|" + "---|" * len(head))
    for name in MODELS + TEST_MODELS:
        for int8 in (False, True):
            cells = [arena(a.mote, name, int8, []), arena(a.mote, name, int8, [], ["--patch", "auto"])]
            cells += [arena(a.mote, name, int8, [s]) for s in SKIPS]
            cells.append(arena(a.mote, name, int8, SKIPS))
            row = [name, "int8, cortex-m4" if int8 else "float, host"] + cells
            print("| " + " | ".join(row) + " |", flush=True)


if __name__ == "__main__":
    main()
