"""Where the time of `make test` goes: each part of the target, and each test module (no pass/fail).

Runs what `make test` runs, part by part, as a fresh clone would (mypy without its cache): the
install checks (scripts/install-*.sh, which return at once when the packages are there), ruff,
mypy, then pytest with its JUnit report, from which the seconds of each test module are summed
(setup and teardown included, so a module that starts the session's Virtuoso carries its start).

    .venv/bin/python benchmarks/bench_tests.py [-- PYTEST ARGS instead of the Makefile's]
"""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
import time
import xml.etree.ElementTree as ET
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
BIN = ROOT / ".venv" / "bin"
# what the Makefile's test target gives pytest, less --conformance-report (a benchmark writes no docs)
MAKE_TEST_ARGS = ["-n", "2", "--dist", "load"]


def timed(command: list[str], log: Path | None = None) -> tuple[float, int]:
    started = time.perf_counter()
    with open(log or os.devnull, "w") as out:
        done = subprocess.run(command, cwd=ROOT, stdout=out, stderr=subprocess.STDOUT)
    return time.perf_counter() - started, done.returncode


def module_seconds(junit: Path) -> dict[str, float]:
    seconds: dict[str, float] = defaultdict(float)
    for case in ET.parse(junit).iter("testcase"):
        module = case.get("classname", "?").split(".")[1] if "." in case.get("classname", "") else "?"
        seconds[module] += float(case.get("time", 0))
    return dict(seconds)


def main() -> None:
    pytest_args = sys.argv[sys.argv.index("--") + 1 :] if "--" in sys.argv else MAKE_TEST_ARGS
    print(f"load average before: {os.getloadavg()[0]:.1f}")
    parts: list[tuple[str, float, int]] = []
    for script in (
        "install-virtuoso.sh",
        "install-owl-tools.sh",
        "install-chromium.sh",
        "install-jena.sh",
        "install-apache.sh",
    ):
        parts.append((f"scripts/{script} (installed: a check)", *timed([str(ROOT / "scripts" / script)])))
    parts.append(
        (
            "ruff check src tests benchmarks",
            *timed([str(BIN / "ruff"), "check", "--no-cache", "src", "tests", "benchmarks"]),
        )
    )
    with tempfile.TemporaryDirectory() as tmp:
        parts.append(("mypy (strict, no cache)", *timed([str(BIN / "mypy"), "--cache-dir", tmp])))
        junit = Path(tmp) / "junit.xml"
        command = [str(BIN / "python"), "-m", "pytest", "-q", "-p", "no:cacheprovider", f"--junitxml={junit}"]
        log = Path(tmp) / "pytest.log"
        parts.append(("pytest (wall clock)", *timed(command + pytest_args, log)))
        modules = module_seconds(junit)
        outcome = [line for line in log.read_text().splitlines() if line.startswith("FAILED") or " passed" in line]
    print("\n| part | seconds | exit |\n|---|---:|---:|")
    for name, seconds, code in parts:
        print(f"| {name} | {seconds:.1f} | {code} |")
    print(f"| **total** | **{sum(s for _, s, _ in parts):.1f}** | |")
    print("\n" + "\n".join(outcome))
    print("\n| test module (setup and teardown included) | seconds |\n|---|---:|")
    for module, seconds in sorted(modules.items(), key=lambda kv: -kv[1]):
        print(f"| {module} | {seconds:.1f} |")
    print(f"| sum of the modules | {sum(modules.values()):.1f} |")
    print(f"\nload average after: {os.getloadavg()[0]:.1f}")


if __name__ == "__main__":
    main()
