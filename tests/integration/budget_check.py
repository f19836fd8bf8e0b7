#!/usr/bin/env python3
"""verify and bench with a part check its RAM and flash as compile does: a model that
does not fit is refused (exit 2, one line) before anything runs, and bench's JSON
carries the needed and available bytes either way.

Usage: budget_check.py MOTE_BINARY MODELS_DIR
"""
import json
import subprocess
import sys

from checks import check, finish

mote, models = sys.argv[1], sys.argv[2]


def run(*args):
    r = subprocess.run([mote, *args], capture_output=True, text=True, timeout=900)
    return r.returncode, r.stdout, r.stderr


vww, kws = models + "/vww_mobilenet", models + "/kws_dscnn"

# vww_mobilenet float needs more than the STM32F446RE's 128 KiB of RAM and 512 KiB of flash.
rc, out, err = run("bench", vww, "--target", "stm32f446re", "--json")
check(rc == 2, "bench vww on stm32f446re exits 2 (got %d)" % rc)
check(err.count("\n") == 1 and "does not fit stm32f446re" in err, "bench's refusal is one line: " + err.strip())
check("instructions" not in out, "bench refused before running (no instruction count)")
j = json.loads(out)
b = j["budget"]
check(b["fits"] is False and b["target"] == "stm32f446re", "JSON budget says it does not fit stm32f446re")
check(b["ram_available_bytes"] == 131072 and b["flash_available_bytes"] == 524288, "JSON has the part's RAM and flash")
check(b["ram_needed_bytes"] > 131072 and b["flash_needed_bytes"] > 524288, "JSON needed bytes exceed both: %s" % b)
check("does not fit" in j["error"], "JSON carries the refusal")

rc, out, err = run("verify", vww, "--target", "stm32f446re")
check(rc == 2, "verify vww on stm32f446re exits 2 (got %d)" % rc)
check((out + err).count("\n") == 1 and "does not fit stm32f446re" in err, "verify's refusal is one line: " + err.strip())

# kws_dscnn fits: bench runs and its JSON has the same check, passed.
rc, out, err = run("bench", kws, "--target", "stm32f446re", "--data", kws, "--json")
check(rc == 0, "bench kws on stm32f446re exits 0 (got %d): %s" % (rc, err.strip()))
j = json.loads(out)
b = j["budget"]
check(b["fits"] is True, "JSON budget says kws fits")
check(0 < b["ram_needed_bytes"] <= b["ram_available_bytes"] == 131072, "kws RAM needed within 131072: %s" % b)
check(0 < b["flash_needed_bytes"] <= b["flash_available_bytes"] == 524288, "kws flash needed within 524288")
check(j["instructions"] > 0 and j["core"] == "cortex-m4", "kws ran on the part's core")

# A bare core has no budget: no budget key, as before.
rc, out, err = run("bench", kws, "--target", "cortex-m4", "--json")
check(rc == 0 and "budget" not in json.loads(out), "a bare core has no budget in the JSON")

finish()
