#!/usr/bin/env python3
"""bench's energy estimate (docs/energy.md): time_ms, energy_uj and battery_days equal
the formula applied to the JSON's own instruction count and the figures docs/energy.md
documents (read from its tables, not from the JSON), a part without figures says so and
has no energy keys, and the refusals are exit 2 with one line.

Usage: energy_check.py MOTE_BINARY REPO_ROOT
"""
import json
import math
import os
import re
import subprocess
import sys

from checks import check, finish

mote, root = sys.argv[1], sys.argv[2]
digits = os.path.join(root, "models", "digits_mlp")
page = open(os.path.join(root, "docs", "energy.md"), encoding="utf-8").read()


def table(header_start):
    """Rows of the markdown table whose header row starts with header_start, as lists of cells."""
    lines = page.splitlines()
    start = next(i for i, l in enumerate(lines) if l.startswith(header_start))
    rows = []
    for l in lines[start + 2:]:
        if not l.startswith("|"):
            break
        rows.append([c.strip() for c in l.strip("|").split("|")])
    return rows


PARTS = {r[0]: {"core": r[1], "clock_hz": float(r[2]) * 1e6, "run_ua_per_mhz": float(r[3]), "sleep_ua": float(r[4]),
                "supply_v": float(r[5])} for r in table("| part | core | clock MHz")}
CPI = {r[0]: float(r[1]) for r in table("| core | CPI | low | high")}
check(set(PARTS) == {"nrf52840", "stm32u585", "rp2040"}, "docs/energy.md documents three parts: %s" % sorted(PARTS))
check(len(CPI) == 6, "docs/energy.md documents a CPI for six cores: %s" % sorted(CPI))


def run(*args):
    r = subprocess.run([mote, "bench", digits, *args], capture_output=True, text=True, timeout=900)
    return r.returncode, r.stdout, r.stderr


def close(a, b):
    return a is not None and math.isclose(a, b, rel_tol=1e-9)


for part, f in sorted(PARTS.items()):
    rc, out, err = run("--data", digits, "--target", part, "--json")
    check(rc == 0, "bench on %s exits 0 (got %d): %s" % (part, rc, err.strip()[-300:]))
    j = json.loads(out)
    check(j["core"] == f["core"], "%s runs on %s as documented" % (part, f["core"]))
    n = j["instructions"]
    time_s = n * CPI[f["core"]] / f["clock_hz"]
    run_a = f["run_ua_per_mhz"] * 1e-6 * f["clock_hz"] / 1e6
    check(close(j.get("time_ms"), time_s * 1e3), "%s: time_ms %s = %d instructions x CPI %g / %g Hz" %
          (part, j.get("time_ms"), n, CPI[f["core"]], f["clock_hz"]))
    check(close(j.get("energy_uj"), time_s * run_a * f["supply_v"] * 1e6),
          "%s: energy_uj %s = time x %g uA/MHz x MHz x %g V" % (part, j.get("energy_uj"), f["run_ua_per_mhz"],
                                                               f["supply_v"]))
    check("battery_days" not in j, "%s: no battery_days without --rate" % part)

    rc, out, err = run("--data", digits, "--target", part, "--rate", "1", "--battery", "220", "--json")
    check(rc == 0, "bench on %s with --rate 1 --battery 220 exits 0 (got %d)" % (part, rc))
    j = json.loads(out)
    duty = 1 * time_s
    average_ma = duty * run_a * 1e3 + (1 - duty) * f["sleep_ua"] * 1e-3
    check(close(j.get("battery_days"), 220 / average_ma / 24),
          "%s: battery_days %s = 220 mAh / %.6f mA / 24" % (part, j.get("battery_days"), average_ma))
    check(j["energy"]["sources"]["run"] != "", "%s: the JSON names the run current's source" % part)

    text = subprocess.run([mote, "bench", digits, "--data", digits, "--target", part], capture_output=True,
                          text=True).stdout
    check("energy per inference: %.4f uJ" % (time_s * run_a * f["supply_v"] * 1e6) in text,
          "%s: the text mode prints the same energy" % part)

# A part without sourced figures says so in one line and has no energy keys.
rc, out, err = run("--data", digits, "--target", "stm32f446re", "--json")
j = json.loads(out)
check(rc == 0 and not {"time_ms", "energy_uj", "battery_days", "energy"} & set(j), "stm32f446re: no energy keys")
rc, out, err = run("--data", digits, "--target", "stm32f446re")
lines = [l for l in out.splitlines() if "energy" in l]
check(lines == ["  energy: no energy data for stm32f446re (docs/energy.md lists the parts that have it)"],
      "stm32f446re: one line says there is no energy data: %s" % lines)


def refused(why, *args, needle):
    rc, out, err = run(*args)
    check(rc == 2 and err.count("\n") == 1 and needle in err and out == "",
          "%s: exit 2, one line naming '%s' (got %d: %r)" % (why, needle, rc, err))


refused("a part without figures", "--target", "stm32f446re", "--rate", "1", "--battery", "220",
        needle="no energy data for stm32f446re")
refused("a bare core", "--target", "cortex-m4", "--rate", "1", "--battery", "220", needle="no energy data for cortex-m4")
refused("a zero rate", "--target", "nrf52840", "--rate", "0", "--battery", "220", needle="positive rate")
refused("a negative capacity", "--target", "nrf52840", "--rate", "1", "--battery", "-220", needle="positive capacity")
refused("--rate alone", "--target", "nrf52840", "--rate", "1", needle="go together")
refused("a rate faster than an inference", "--target", "nrf52840", "--rate", "100000", "--battery", "220",
        needle="longer than the period")

# docs/json.md documents the keys (json_check.py holds every command's keys to it).
bench_doc = re.search(r"## bench\n(.*?)\n## ", open(os.path.join(root, "docs", "json.md")).read(), re.S).group(1)
optional = re.search(r"Optional keys: (.*)", bench_doc).group(1)
check(all("`%s`" % k in optional for k in ("time_ms", "energy_uj", "battery_days", "energy")),
      "docs/json.md lists the energy keys as bench's optional keys")

finish()
