#!/usr/bin/python3
"""RAM regions on the Cortex-M55 board (docs/generated-code.md, "RAM regions").

    ram_regions_check.py MOTE LARGE_MODEL SMALL_MODEL

LARGE_MODEL's arena does not fit the board's DTCM: compile for mps3-an547 must put
it in section .bss.mote_sram (SRAM), say so in the header, count it against the
SRAM and not the DTCM, and the ELF the cross compiler builds must hold it there.
SMALL_MODEL's arena fits the DTCM and stays in .bss. A DTCM budget smaller than
the arena still fits, the arena being in the SRAM.
"""
import json
import os
import re
import subprocess
import sys
import tempfile

sys.dont_write_bytecode = True
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from checks import check, finish  # noqa: E402

mote, large, small = sys.argv[1:4]


def compile_json(model, out, *extra):
    r = subprocess.run([mote, "compile", model, "--target", "mps3-an547", "-o", out, "--json", *extra],
                       capture_output=True, text=True)
    return r.returncode, json.loads(r.stdout) if r.stdout.strip() else None, r.stderr


def arm_sections(obj):
    out = subprocess.run(["arm-none-eabi-size", "-A", obj], capture_output=True, text=True, check=True).stdout
    return {m.group(1): int(m.group(2)) for m in re.finditer(r"^(\S+)\s+(\d+)", out, re.M)}


with tempfile.TemporaryDirectory() as work:
    rc, j, err = compile_json(large, os.path.join(work, "large"), "--name", "large")
    check(rc == 0, f"the large model compiles for mps3-an547 (rc {rc}) {err.strip()}")
    arena = j["arena_bytes"]
    check(arena > 512 * 1024, f"its arena ({arena} bytes) is larger than the 512 KiB DTCM")
    regions = j["footprint"]["ram_regions"]
    check(regions == [{"name": "SRAM", "bytes": arena, "available_bytes": 2 * 1024 * 1024}],
          f"the footprint puts the whole arena in SRAM: {regions}")
    check(j["footprint"]["ram_static_bytes"] < 1024, "and none of it in the DTCM's static data")
    check(j["budget"]["fits"], "it fits the board")
    header = open(os.path.join(work, "large", "large.h")).read()
    check('#define LARGE_ARENA_REGION "SRAM"' in header, "the header names the region")
    obj = os.path.join(work, "large.o")
    subprocess.run(["arm-none-eabi-g++", "-mcpu=cortex-m55", "-mthumb", "-mfloat-abi=hard", "-std=c++17", "-O2",
                    "-fno-exceptions", "-fno-rtti", "-I", os.path.join(work, "large"), "-c",
                    os.path.join(work, "large", "large.cpp"), "-o", obj], check=True)
    sections = arm_sections(obj)
    check(sections.get(".bss.mote_sram") == arena, f".bss.mote_sram holds the arena: {sections.get('.bss.mote_sram')}")
    check(sections.get(".bss", 0) < 1024, f".bss does not: {sections.get('.bss', 0)}")

    rc, j, err = compile_json(small, os.path.join(work, "small"), "--name", "small")
    check(rc == 0 and j["footprint"]["ram_regions"] == [], "the small model's arena stays in the DTCM")
    header = open(os.path.join(work, "small", "small.h")).read()
    check("ARENA_REGION" not in header, "and its header names no region")

    # The budget counts each region: with the DTCM budget cut below the arena,
    # the SRAM still holds it.
    rc, j, err = compile_json(large, os.path.join(work, "tight"), "--ram", "64K")
    check(rc == 0, f"a 64 KiB DTCM budget still fits (the arena is in SRAM) (rc {rc}) {err.strip()}")
finish()
