#!/usr/bin/env python3
"""The tables of docs/performance.md, measured: every shipped model on every core,
float and int8 (--io int8), with `mote bench --json`, and the int8 flash with
--optimize size beside the default (speed).

    python3 scripts/performance_table.py [--mote build/mote] [--models a,b] [--cores c,d] [--per-layer]

Calibration data for int8: models/digits_mlp/calibration, and for the others the
folders ctest's int8_data_* tests write into build/tests/int8_data/ (the same
command makes them if they are missing). Prints Markdown rows, each with the
command that gives it.
"""
import argparse
import json
import os
import subprocess
import sys

ROOT = os.path.normpath(os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
MODELS = ["kws_dscnn", "vww_mobilenet", "ic_resnet8", "ad_autoencoder", "digits_mlp"]
CORES = ["cortex-m0", "cortex-m4", "cortex-m7", "cortex-m33", "cortex-m55"]
# Normal-distributed calibration inputs, as ctest makes them (tests/CMakeLists.txt).
CALIBRATION_SHAPES = {"kws_dscnn": ("1x1x49x10", 32), "vww_mobilenet": ("1x3x96x96", 16),
                      "ic_resnet8": ("1x3x32x32", 32), "ad_autoencoder": ("1x640", 32)}


def calibration(model):
    if model == "digits_mlp":
        return "models/digits_mlp/calibration"
    folder = "build/tests/int8_data/%s_calibration" % model
    if not os.path.isdir(os.path.join(ROOT, folder)):
        shape, count = CALIBRATION_SHAPES[model]
        subprocess.run([sys.executable, "tests/integration/npy_to_test_data.py", "--normal", shape, str(count), "1",
                        folder], cwd=ROOT, check=True, stdout=subprocess.DEVNULL)
    return folder


def bench(mote, model, core, int8, optimize="speed", per_layer=False):
    args = [mote, "bench", "models/" + model, "--data", "models/" + model, "--target", core]
    if int8:
        args += ["--quantize", "int8", "--calibrate", calibration(model), "--io", "int8"]
    if optimize != "speed":
        args += ["--optimize", optimize]
    if per_layer:
        args += ["--per-layer"]
    command = " ".join(["mote"] + args[1:])
    key = (model, core, int8, optimize, per_layer)
    if key in _cache:
        return _cache[key], command
    r = subprocess.run(args + ["--json"], cwd=ROOT, capture_output=True, text=True)
    if r.returncode != 0:
        # The bench boards' flash is fixed (docs/targets.md); a model larger than it is a row, not a failure.
        if "will not fit in region `FLASH'" in r.stderr or "will not fit in region `FLASH'" in r.stdout:
            _cache[key] = None
            return None, command
        sys.exit("failed: %s\n%s%s" % (command, r.stdout, r.stderr))
    _cache[key] = json.loads(r.stdout.strip().splitlines()[-1])
    return _cache[key], command


_cache = {}


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--mote", default="build/mote")
    ap.add_argument("--models", default=",".join(MODELS))
    ap.add_argument("--cores", default=",".join(CORES))
    ap.add_argument("--per-layer", action="store_true", help="also print each int8 run's layers (JSON)")
    args = ap.parse_args()
    models, cores = args.models.split(","), args.cores.split(",")

    print("| model | core | build | instructions | MAC/instr | flash B (code + weights) | arena B | command |")
    print("|---|---|---|---|---|---|---|---|")
    for model in models:
        for core in cores:
            for int8 in (False, True):
                d, command = bench(args.mote, model, core, int8, per_layer=args.per_layer)
                if d is None:
                    print("| %s | %s | %s | does not fit the bench board's flash | | | | `%s` |" % (
                        model, core, "int8" if int8 else "float", command))
                    continue
                print("| %s | %s | %s | %s | %.3f | %s (%s + %s) | %s | `%s` |" % (
                    model, core, "int8" if int8 else "float", format(d["instructions"], ","),
                    d["macs_per_instruction"], format(d["flash_bytes"], ","), format(d["flash_code_bytes"], ","),
                    format(d["flash_weights_bytes"], ","), format(d["ram_arena_bytes"], ","), command))
                if args.per_layer and int8:
                    for layer in d.get("layers", []):
                        print("  layer %s %s %s %s %s %.3f" % (layer["index"], layer["name"], layer["variant"],
                                                              layer["instructions"], layer["macs"],
                                                              layer["macs_per_instruction"]))
            sys.stdout.flush()

    print()
    print("| model | core | int8 flash, speed B | int8 flash, --optimize size B | speed over size | "
          "instructions speed / size | command (size) |")
    print("|---|---|---|---|---|---|---|")
    for model in models:
        for core in cores:
            s, _ = bench(args.mote, model, core, True, per_layer=args.per_layer)
            z, command = bench(args.mote, model, core, True, "size")
            if s is None or z is None:
                print("| %s | %s | does not fit the bench board's flash | | | | `%s` |" % (model, core, command))
                continue
            print("| %s | %s | %s | %s | %+.1f%% | %s / %s | `%s` |" % (
                model, core, format(s["flash_bytes"], ","), format(z["flash_bytes"], ","),
                100.0 * (s["flash_bytes"] - z["flash_bytes"]) / z["flash_bytes"], format(s["instructions"], ","),
                format(z["instructions"], ","), command))
            sys.stdout.flush()


if __name__ == "__main__":
    main()
