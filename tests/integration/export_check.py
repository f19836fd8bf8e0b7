#!/usr/bin/env python3
"""mote export (docs/integration.md): each ecosystem's manifest has its required
fields and names files that exist, and the library's sources, with its example,
build with arm-none-eabi-gcc the way that ecosystem would build them (the
ecosystems' own tools cannot be installed here). Checked on digits_mlp in int8
with the int8 C API for the Cortex-M4 (DSP kernels).

Usage: export_check.py MOTE_BINARY REPO_ROOT
"""
import json
import os
import re
import subprocess
import sys
import tempfile
import xml.etree.ElementTree as ET

from checks import check, finish

mote, root = sys.argv[1], sys.argv[2]
M4 = ["-mcpu=cortex-m4", "-mthumb", "-mfpu=fpv4-sp-d16"]
WARN = ["-Wall", "-Wextra", "-Werror", "-fno-exceptions", "-fno-rtti", "-O2"]


def build(what, sources, flags, cwd):
    for src in sources:
        r = subprocess.run(["arm-none-eabi-g++", *flags, "-c", src, "-o", os.devnull], cwd=cwd, capture_output=True,
                           text=True)
        check(r.returncode == 0, "%s: %s builds%s" % (what, os.path.relpath(src, cwd), "" if r.returncode == 0 else
                                                     ":\n" + r.stderr[-1500:]))


def export(fmt_, out):
    digits = os.path.join(root, "models", "digits_mlp")
    r = subprocess.run([mote, "export", digits, "--format", fmt_, "-o", out, "--target", "cortex-m4", "--quantize",
                        "int8", "--calibrate", os.path.join(digits, "calibration"), "--io", "int8", "--json"],
                       capture_output=True, text=True, timeout=600)
    check(r.returncode == 0, "export --format %s exits 0: %s" % (fmt_, r.stderr[-300:]))
    j = json.loads(r.stdout)
    check(all(os.path.isfile(os.path.join(out, f)) for f in j["files"]), "%s: every file it lists exists" % fmt_)
    return j


with tempfile.TemporaryDirectory() as tmp:
    # Arduino: library.properties + src/ + examples/NAME/NAME.ino; the mbed core of
    # the Nano 33 BLE builds C++ as gnu++14 with -mfloat-abi=softfp.
    out = os.path.join(tmp, "arduino")
    export("arduino", out)
    props = dict(l.split("=", 1) for l in open(os.path.join(out, "library.properties")).read().splitlines() if "=" in l)
    required = ["name", "version", "author", "maintainer", "sentence", "paragraph", "category", "url", "architectures"]
    check(all(props.get(k) for k in required), "arduino: library.properties has %s" % ", ".join(required))
    check(re.match(r"^\d+\.\d+\.\d+$", props.get("version", "")) is not None, "arduino: version is MAJOR.MINOR.PATCH")
    check(props.get("category") in ["Display", "Communication", "Signal Input/Output", "Sensors", "Device Control",
                                    "Timing", "Data Storage", "Data Processing", "Other"], "arduino: a known category")
    check(os.path.isfile(os.path.join(out, "src", props.get("includes", "?"))), "arduino: includes= names src/ header")
    ino = os.path.join(out, "examples", "digits_mlp_example", "digits_mlp_example.ino")
    check(os.path.isfile(ino), "arduino: the example sketch is examples/NAME/NAME.ino")
    flags = M4 + ["-mfloat-abi=softfp", "-std=gnu++14"] + WARN + ["-I" + os.path.join(out, "src")]
    build("arduino", [os.path.join(out, "src", f) for f in os.listdir(os.path.join(out, "src")) if f.endswith(".cpp")],
          flags, out)
    # The sketch as arduino-builder makes it: Arduino.h first, .ino as .cpp. Arduino.h
    # here declares only the Serial and delay() the sketch uses.
    stub = os.path.join(tmp, "arduino_core")
    os.makedirs(stub)
    with open(os.path.join(stub, "Arduino.h"), "w") as f:
        f.write("#pragma once\n#include <stdint.h>\nstruct HardwareSerial { void begin(unsigned long); "
                "void print(const char*); void println(int); void println(float); void println(); };\n"
                "extern HardwareSerial Serial;\nvoid delay(unsigned long);\n")
    sketch = os.path.join(tmp, "sketch.cpp")
    with open(sketch, "w") as f:
        f.write("#include <Arduino.h>\n#line 1 \"digits_mlp_example.ino\"\n" + open(ino).read())
    build("arduino", [sketch], flags + ["-I" + stub], tmp)

    # PlatformIO: library.json (its build flags) + src/ + examples/.
    out = os.path.join(tmp, "platformio")
    export("platformio", out)
    lj = json.load(open(os.path.join(out, "library.json")))
    check(lj.get("name") == "digits_mlp" and re.match(r"^\d+\.\d+\.\d+$", lj.get("version", "")) is not None,
          "platformio: library.json has name and a semantic version")
    check(all(k in lj for k in ["description", "frameworks", "platforms", "build"]),
          "platformio: description, frameworks, platforms, build")
    pio_flags = lj["build"]["flags"].split()
    build("platformio", [os.path.join(out, "src", f) for f in ["digits_mlp.cpp", "digits_mlp_weights.cpp"]] +
          [os.path.join(out, "examples", "main.cpp")], M4 + ["-mfloat-abi=hard"] + pio_flags + WARN +
          ["-I" + os.path.join(out, "src")], out)

    # Zephyr: zephyr/module.yml -> CMakeLists.txt + Kconfig; sources as zephyr_library builds them (C++17).
    out = os.path.join(tmp, "zephyr")
    export("zephyr", out)
    module = open(os.path.join(out, "zephyr", "module.yml")).read()
    check(re.search(r"^build:\n  cmake: \.\n  kconfig: Kconfig$", module, re.M) is not None,
          "zephyr: module.yml names the CMakeLists.txt and Kconfig at the root")
    cml = open(os.path.join(out, "CMakeLists.txt")).read()
    kconfig = open(os.path.join(out, "Kconfig")).read()
    symbol = re.search(r"if\(CONFIG_(\w+)\)", cml)
    check(symbol is not None and ("config %s\n" % symbol.group(1)) in kconfig, "zephyr: the CMake guard is a Kconfig symbol")
    sources = re.search(r"zephyr_library_sources\(([^)]*)\)", cml).group(1).split()
    check(all(os.path.isfile(os.path.join(out, s)) for s in sources), "zephyr: the listed sources exist")
    build("zephyr", [os.path.join(out, s) for s in sources], M4 + ["-mfloat-abi=hard", "-std=c++17"] + WARN +
          ["-I" + os.path.join(out, "src")], out)

    # CMSIS-Pack: Vendor.Name.pdsc with its required elements; the component's files.
    out = os.path.join(tmp, "cmsis")
    export("cmsis-pack", out)
    pdsc = [f for f in os.listdir(out) if f.endswith(".pdsc")]
    check(len(pdsc) == 1, "cmsis-pack: one .pdsc")
    pkg = ET.parse(os.path.join(out, pdsc[0])).getroot()
    vendor, name = pkg.findtext("vendor"), pkg.findtext("name")
    check(pkg.tag == "package" and pkg.get("schemaVersion"), "cmsis-pack: <package schemaVersion=...>")
    check(all(pkg.findtext(t) for t in ["vendor", "name", "description", "url"]), "cmsis-pack: vendor, name, description, url")
    check(pdsc[0] == "%s.%s.pdsc" % (vendor, name), "cmsis-pack: the file is named Vendor.Name.pdsc")
    check(pkg.find("releases/release") is not None and pkg.find("releases/release").get("version"),
          "cmsis-pack: a release with a version")
    comps = pkg.findall("components/component")
    check(len(comps) == 1 and all(comps[0].get(a) for a in ["Cclass", "Cgroup", "Cversion"]),
          "cmsis-pack: a component with Cclass, Cgroup and Cversion")
    files = comps[0].findall("files/file")
    check(all(os.path.exists(os.path.join(out, f.get("name"))) for f in files), "cmsis-pack: every file it names exists")
    inc = ["-I" + os.path.join(out, f.get("name")) for f in files if f.get("category") == "include"]
    build("cmsis-pack", [os.path.join(out, f.get("name")) for f in files if f.get("category") == "sourceCpp"],
          M4 + ["-mfloat-abi=hard", "-std=c++17"] + WARN + inc, out)

    # A bad format or version is refused before anything is written.
    bad = os.path.join(tmp, "bad")
    r = subprocess.run([mote, "export", os.path.join(root, "models", "digits_mlp"), "--format", "keil", "-o", bad],
                       capture_output=True, text=True)
    check(r.returncode == 2 and "expected one of arduino" in r.stderr and not os.path.exists(bad),
          "an unknown format is refused and writes nothing")

finish()
