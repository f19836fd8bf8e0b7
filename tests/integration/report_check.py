#!/usr/bin/env python3
"""mote report (docs/report.md): the page is one self-contained file (no script,
stylesheet, font or image from anywhere), headless Chromium renders it (a
screenshot is taken), and the numbers in the rendered DOM -- the summary, every
row of the per-layer table, the budget bars and the boxes of the memory plan --
equal those of the same command's JSON. A quantized report's SNR column equals,
to the precision printed, what `mote verify --per-layer --json` measures for the
same model and options; a float report has no such column.

Usage: report_check.py MOTE_BINARY REPO_ROOT
"""
import html.parser
import json
import os
import re
import struct
import subprocess
import sys
import tempfile

from checks import check, finish

mote, root = sys.argv[1], sys.argv[2]


class Dom(html.parser.HTMLParser):
    """The table rows (cells by class), the summary's dd by id, budget numbers and SVG rects."""

    def __init__(self):
        super().__init__()
        self.rows, self.summary, self.budget, self.rects = [], {}, {}, []
        self.stack, self.cell, self.text, self.dd, self.span, self.in_layers = [], None, "", None, None, False
        self.budget_id = None

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "table" and a.get("id") == "layers":
            self.in_layers = True
        elif tag == "tr" and self.in_layers:
            self.rows.append({})
        elif tag == "td" and self.in_layers:
            self.cell, self.text = a.get("class", "").split()[-1], ""
        elif tag == "dd":
            self.dd, self.text = a.get("id"), ""
        elif tag == "div" and a.get("id", "").startswith("budget-"):
            self.budget_id = a["id"][len("budget-"):]
        elif tag == "span" and a.get("class") in ("needed", "available") and self.budget_id:
            self.span, self.text = a["class"], ""
        elif tag == "rect" and a.get("class") in ("tensor", "scratch"):
            self.rects.append(a)

    def handle_endtag(self, tag):
        if tag == "table":
            self.in_layers = False
        elif tag == "td" and self.cell:
            self.rows[-1][self.cell] = self.text.strip()
            self.cell = None
        elif tag == "dd" and self.dd:
            self.summary[self.dd] = self.text.strip()
            self.dd = None
        elif tag == "span" and self.span:
            self.budget[(self.budget_id, self.span)] = self.text.strip()
            self.span = None

    def handle_data(self, data):
        self.text += data


def chromium(*args):
    return subprocess.run(["chromium", "--headless", "--no-sandbox", "--disable-gpu", "--hide-scrollbars", *args],
                          capture_output=True, text=True, timeout=120)


def rendered(page):
    """The page's DOM as headless Chromium renders it, parsed; header rows dropped."""
    dom = Dom()
    dom.feed(chromium("--dump-dom", "file://" + page).stdout)
    dom.rows = [row for row in dom.rows if row]
    return dom


def mote_json(*args):
    r = subprocess.run([mote, *args, "--json"], capture_output=True, text=True, timeout=900)
    try:
        return r.returncode, json.loads(r.stdout), r.stderr
    except ValueError:
        return r.returncode, None, r.stderr


def snr_text(v):
    """As the page prints it: one decimal; null in JSON is an exact (infinite) SNR."""
    return "inf" if v is None else "%.1f" % v


with tempfile.TemporaryDirectory() as tmp:
    page = os.path.join(tmp, "report", "kws.html")
    r = subprocess.run([mote, "report", os.path.join(root, "models", "kws_dscnn"), "--target", "stm32f446re", "-o", page,
                        "--json"], capture_output=True, text=True, timeout=900)
    check(r.returncode == 0, "mote report exits 0: " + r.stderr[-300:])
    j = json.loads(r.stdout)
    text = open(page, encoding="utf-8").read()
    check(not re.search(r"<script|<link|<img|@import|url\(|src=|https?://", text, re.I),
          "self-contained: no script, link, image, import or URL")

    shot = os.path.join(tmp, "shot.png")
    s = chromium("--screenshot=" + shot, "--window-size=1100,1400", "file://" + page)
    png = open(shot, "rb").read() if os.path.exists(shot) else b""
    check(png[:8] == b"\x89PNG\r\n\x1a\n" and struct.unpack(">II", png[16:24]) == (1100, 1400) and len(png) > 20000,
          "headless Chromium renders it: a 1100x1400 screenshot of %d bytes" % len(png))

    dom_text = chromium("--dump-dom", "file://" + page).stdout
    dom = Dom()
    dom.feed(dom_text)
    layers = j["layers"]
    dom.rows = [row for row in dom.rows if row]  # the header row has no cells
    check(len(dom.rows) == len(layers) == 13, "the rendered table has a row per layer (%d)" % len(dom.rows))
    same = all(row.get("index") == str(l["index"]) and row.get("name") == l["name"] and row.get("op") == l["op"] and
               row.get("macs") == str(l["macs"]) and row.get("weights") == str(l["weights_bytes"]) and
               row.get("live") == str(l["live_bytes"]) and row.get("variant") == l["variant"] and
               row.get("instructions") == (str(l["instructions"]) if l["instructions"] is not None else "-")
               for row, l in zip(dom.rows, layers))
    check(same, "every row's name, op, MACs, weights, live bytes, instructions and kernel equal the JSON's")
    check(sum(l["macs"] for l in layers) == j["macs"] == 2656780, "the layers' MACs add up to the model's")
    check(all(l["instructions"] for l in layers if l["macs"]), "instructions per layer on the part's core")
    check(dom.summary.get("arena-bytes") == str(j["arena_bytes"]) == "64512" and
          dom.summary.get("macs") == str(j["macs"]) and dom.summary.get("instructions") == str(j["instructions"]),
          "the summary equals the JSON's (arena 64512: depthwise layers in place)")
    check(dom.budget.get(("RAM", "needed")) == str(j["ram_needed_bytes"]) and
          dom.budget.get(("RAM", "available")) == str(j["ram_available_bytes"]) == "131072" and
          dom.budget.get(("flash", "available")) == str(j["flash_available_bytes"]) == "524288",
          "the budget bars carry the JSON's needed and available bytes")
    check(len(dom.rects) == len(j["buffers"]) and max(l["live_bytes"] for l in layers) == j["peak_bytes"],
          "the plan draws every buffer; the peak is the most bytes live")
    # The plan is sound: buffers live at the same step never share bytes.
    bufs = j["buffers"]
    overlap = any(a["first"] <= b["last"] and b["first"] <= a["last"] and a["offset"] < b["offset"] + b["size"] and
                  b["offset"] < a["offset"] + a["size"] for i, a in enumerate(bufs) for b in bufs[i + 1:])
    check(not overlap and all(b["offset"] + b["size"] <= j["arena_bytes"] for b in bufs),
          "no two buffers live at one step overlap, and all fit the arena")
    check(j["snr_data_sets"] is None and all(l["snr_db"] is None for l in layers) and
          not any("snr" in row for row in dom.rows) and "SNR (dB)" not in dom_text,
          "a float report has no SNR column")

    # int8 SNR per layer: digits_mlp quantized with its shipped calibration, on the
    # part (the comparison itself runs on the host, as verify --per-layer's does).
    # Each SNR cell must equal, to the printed precision, the int8 row verify
    # --per-layer --json credits to that layer's node; every other layer a dash.
    digits = os.path.join(root, "models", "digits_mlp")
    int8 = ["--quantize", "int8", "--calibrate", os.path.join(digits, "calibration")]
    for case, extra, target in (("int8", [], ["--target", "stm32f446re"]),
                                ("int8, output Gemm kept float", ["--keep-float", "/net/net.4/Gemm"], [])):
        page = os.path.join(tmp, "digits_%d.html" % len(extra))
        code, rj, err = mote_json("report", digits, *int8, *extra, *target, "-o", page)
        check(code == 0 and rj is not None, "%s: mote report exits 0%s" % (case, ": " + err[-300:] if code else ""))
        code, vj, err = mote_json("verify", digits, *int8, *extra, "--per-layer")
        check(code == 0 and vj is not None and isinstance(vj.get("layers"), list),
              "%s: mote verify --per-layer --json exits 0 with its layers%s" % (case, ": " + err[-300:] if code else ""))
        if rj is None or vj is None or not isinstance(vj.get("layers"), list):
            continue
        want = {}
        for row in vj["layers"]:
            if row["quantized"]:
                want.setdefault(row["node"], row["snr_db"])
        dom = rendered(page)
        cells = [row.get("snr") for row in dom.rows]
        print("     %s: SNR cells %s; verify --per-layer: %s" % (case, cells, want))
        check(len(dom.rows) == len(rj["layers"]) and all(c is not None for c in cells),
              "%s: the table has an SNR cell in each of its %d rows" % (case, len(dom.rows)))
        check(all(row.get("snr") == (snr_text(want[row.get("name")]) if row.get("name") in want else "-")
                  for row in dom.rows),
              "%s: each SNR cell equals verify --per-layer's for its node, a dash where it has no int8 row" % case)
        check(all(row.get("snr") in ("-", "inf") if l["snr_db"] is None else row.get("snr") == snr_text(l["snr_db"])
                  for row, l in zip(dom.rows, rj["layers"])),
              "%s: the SNR cells equal the report's JSON" % case)
        check(rj["snr_data_sets"] == 3 and dom.summary.get("snr-data", "").startswith("3 data sets"),
              "%s: measured over the model's 3 test data sets" % case)
        measured = [c for c in cells if c != "-"]
        gemms = [row for row in dom.rows if row.get("op") == "Gemm"]
        if not extra:
            # Three int8 Gemm kernels; the Quantize/DequantizeLinear at the
            # boundaries have no int8 output of their own.
            check(len(measured) == 3 and all(row.get("snr") != "-" for row in gemms),
                  "int8: the three int8 Gemm layers carry an SNR, the boundary nodes a dash")
            # Independent of the per-layer machinery: plain verify's output SNR is
            # measured against onnxruntime's expected outputs, not Mote's float build.
            last = float(gemms[-1].get("snr", "nan")) if gemms else float("nan")
            out_snr = vj["outputs"][0]["snr_db"]
            check(abs(last - out_snr) <= 0.5,
                  "int8: the output Gemm's %.1f dB is within 0.5 dB of verify's output SNR %.1f dB" % (last, out_snr))
        else:
            check(len(measured) == 2 and [row.get("snr") for row in gemms if row.get("name") == "/net/net.4/Gemm"] == ["-"],
                  "kept float: the float output Gemm shows a dash, the two int8 Gemms an SNR")

    code, _, err = mote_json("report", digits, "--data", digits, "-o", os.path.join(tmp, "refused.html"))
    check(code == 2 and "--quantize" in err + str(_), "--data without --quantize is refused (exit 2)")

    # ic_resnet8 runs its residual Adds and Relus in place (pass in-place): each such
    # output shares its input's box, so the plan still has no overlap and the peak
    # the page shows is the arena the planner reached.
    r = subprocess.run([mote, "report", os.path.join(root, "models", "ic_resnet8"), "-o", os.path.join(tmp, "ic.html"),
                        "--json"], capture_output=True, text=True, timeout=900)
    check(r.returncode == 0, "mote report ic_resnet8 exits 0: " + r.stderr[-300:])
    ic = json.loads(r.stdout)
    bufs = ic["buffers"]
    overlap = any(a["first"] <= b["last"] and b["first"] <= a["last"] and a["offset"] < b["offset"] + b["size"] and
                  b["offset"] < a["offset"] + a["size"] for i, a in enumerate(bufs) for b in bufs[i + 1:])
    check(not overlap, "ic_resnet8 (in-place nodes): no two buffers live at one step overlap")
    check(ic["peak_bytes"] <= ic["arena_bytes"], "ic_resnet8: the most bytes live fit the arena (%d <= %d)" %
          (ic["peak_bytes"], ic["arena_bytes"]))

finish()
