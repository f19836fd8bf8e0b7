"""The integration scripts' one assertion: print each check, count the failures,
exit non-zero at the end if any failed (so every check runs and is reported)."""
import sys

failures = []


def check(cond, what):
    print(("ok   " if cond else "FAIL ") + what)
    if not cond:
        failures.append(what)


def finish():
    print("%d failure(s)" % len(failures))
    sys.exit(1 if failures else 0)
