#!/usr/bin/env python3
"""Every command's --json (docs/json.md): stdout is one JSON object, its top-level
keys are the ones docs/json.md lists for it (read from the page), and its values
agree with the text mode where both say the same thing.

Usage: json_check.py MOTE_BINARY REPO_ROOT
"""
import json
import os
import re
import subprocess
import sys
import tempfile

from checks import check, finish

mote, root = sys.argv[1], sys.argv[2]


def documented():
    """{section: (required keys, optional keys)} from docs/json.md."""
    out, section = {}, None
    for line in open(os.path.join(root, "docs", "json.md"), encoding="utf-8"):
        m = re.match(r"## (\w+)", line)
        if m:
            section = m.group(1)
            out[section] = (set(), set())
        elif section and line.startswith("Keys:"):
            out[section][0].update(re.findall(r"`(\w+)`", line))
        elif section and line.startswith("Optional keys:"):
            out[section][1].update(re.findall(r"`(\w+)`", line))
    return out


DOC = documented()


def run_json(section, *args, code=0):
    r = subprocess.run([mote, *args], capture_output=True, text=True, timeout=900)
    check(r.returncode == code, "%s exits %d (got %d): %s" % (" ".join(args[:2]), code, r.returncode, r.stderr[-300:]))
    try:
        obj = json.loads(r.stdout)
    except ValueError as e:
        check(False, "%s: stdout is not one JSON object (%s): %r" % (section, e, r.stdout[:200]))
        return {}
    required, optional = DOC[section]
    keys = set(obj)
    check(required <= keys and keys <= required | optional,
          "%s keys as documented (missing %s, undocumented %s)" % (section, sorted(required - keys),
                                                                    sorted(keys - required - optional)))
    return obj


digits = os.path.join(root, "models", "digits_mlp")
kws = os.path.join(root, "models", "kws_dscnn")
cal = os.path.join(digits, "calibration")
with tempfile.TemporaryDirectory() as tmp:
    c = run_json("compile", "compile", digits, "-o", os.path.join(tmp, "out"), "--target", "stm32f446re", "--json")
    check(c.get("nodes") == 3 and c.get("macs") == 6464, "compile: digits has 3 nodes and 6464 MACs")
    check(all(os.path.exists(f) for f in c.get("files", [])) and len(c.get("files", [])) == 3, "compile: files exist")
    check(c.get("budget", {}).get("fits") is True and c.get("footprint", {}).get("core") == "cortex-m4",
          "compile: budget and footprint for the part")
    text = subprocess.run([mote, "compile", digits, "-o", os.path.join(tmp, "out2")], capture_output=True, text=True)
    check("arena:   %d bytes" % c.get("arena_bytes", -1) in text.stdout, "compile: arena as the text mode says")

v = run_json("verify", "verify", digits, "--json")
check(v.get("result") == "PASS" and v.get("mode") == "tolerance" and v.get("passed_sets") == v.get("sets") == 3,
      "verify: PASS on 3 data sets, tolerance mode")
check(0 <= v.get("max_abs_err", -1) <= v.get("atol", 0) + 1e-3, "verify: errors are numbers")
q = run_json("verify", "verify", digits, "--quantize", "int8", "--calibrate", cal, "--json")
outs = q.get("outputs", [])
check(q.get("mode") == "accuracy" and len(outs) == 1 and outs[0].get("snr_db", 0) > 20 and "top1" in outs[0],
      "verify int8: accuracy mode with SNR and top-1")
# --per-layer: the table's rows as `layers`, each SNR as the text table prints it.
pl = run_json("verify", "verify", digits, "--quantize", "int8", "--calibrate", cal, "--per-layer", "--json")
text = subprocess.run([mote, "verify", digits, "--quantize", "int8", "--calibrate", cal, "--per-layer"],
                      capture_output=True, text=True, timeout=900).stdout
table = [line.split() for line in text.splitlines()
         if line.startswith("  ") and len(line.split()) == 6 and line.split()[0] != "tensor"]
layers = pl.get("layers") or []
keys = {"tensor", "node", "op", "dtype", "quantized", "snr_db", "max_abs_err", "scale"}
check(len(layers) == len(table) == 3 and all(set(l) == keys for l in layers),
      "verify --per-layer: one `layers` entry per table row, with the documented keys")
check(all(l["tensor"] == t[0] and l["op"] == t[1] and l["dtype"] == t[2] and "%.1f" % l["snr_db"] == t[3] and
          l["scale"] == t[5] for l, t in zip(layers, table)),
      "verify --per-layer: tensor, op, dtype, SNR (0.1 dB) and scale as the text table")
check([l["node"] for l in layers] == ["/net/net.0/Gemm", "/net/net.2/Gemm", "/net/net.4/Gemm"],
      "verify --per-layer: each row names the int8 Gemm computing it")
bad = run_json("verify", "verify", digits, "--atol", "0", "--rtol", "0", "--json", code=1)
check(bad.get("result") == "FAIL", "verify: a zero tolerance fails, as JSON")

b = run_json("bench", "bench", digits, "--target", "cortex-m4", "--json")
check(b.get("instructions", 0) > 0 and b.get("core") == "cortex-m4", "bench: instructions on the M4")

k = run_json("calibrate", "calibrate", digits, "--data", cal, "--json")
check(k.get("inputs") == 32 and len(k.get("tensors", [])) > 0, "calibrate: 32 inputs and the tensors")

i = run_json("inspect", "inspect", kws, "--json")
check(i.get("nodes") == sum(i.get("ops", {}).values()) == 22 and i.get("macs") == 2656780 and i.get("compilable") is True,
      "inspect: kws has 22 nodes, as its histogram, and 2656780 MACs")

with tempfile.TemporaryDirectory() as tmp:
    x = run_json("export", "export", digits, "--format", "zephyr", "-o", os.path.join(tmp, "lib"), "--json")
    check("zephyr/module.yml" in x.get("files", []) and x.get("format") == "zephyr", "export: the files of the layout")

with tempfile.TemporaryDirectory() as tmp:
    rp = run_json("report", "report", digits, "-o", os.path.join(tmp, "r.html"), "--json")
    check(len(rp.get("layers", [])) == 3 and rp.get("instructions") is None and os.path.exists(os.path.join(tmp, "r.html")),
          "report: three layers, no instructions on the host, the page written")

t = run_json("targets", "targets", "--json")
names = {x["name"]: x for x in t.get("targets", [])}
check(names.get("stm32f446re", {}).get("ram_bytes") == 131072 and names.get("cortex-m55", {}).get("mve") is True,
      "targets: the parts' budgets and the cores' features")

o = run_json("ops", "ops", "--json")
listed = subprocess.run([mote, "ops"], capture_output=True, text=True).stdout.split()
check(o.get("ops") == listed, "ops: the same list as the text mode")
int8_ops = o.get("int8_ops", [])
check("Conv" in int8_ops and "Sigmoid" in int8_ops and "Neg" not in int8_ops and set(int8_ops) <= set(listed),
      "ops: int8_ops lists the operators with an int8 rule, among those implemented")
a = run_json("ops", "ops", "--all-onnx", "--json")
check(any(x["op"] == "Conv" and x["supported"] for x in a.get("onnx_ops", [])), "ops --all-onnx: Conv supported")

e = run_json("error", "verify", os.path.join(root, "no_such_model.onnx"), "--json", code=2)
check("no such model file" in e.get("error", "") and e.get("command") == "verify" and e.get("exit_code") == 2,
      "a refusal is a JSON object too")
vww = os.path.join(root, "models", "vww_mobilenet")
e = run_json("error", "compile", vww, "-o", os.path.join(tempfile.gettempdir(), "mote_json_never"), "--target",
             "stm32f446re", "--json", code=2)
check(e.get("budget", {}).get("fits") is False and e["budget"].get("ram_available_bytes") == 131072,
      "a model that does not fit: the refusal carries needed and available bytes")

finish()
