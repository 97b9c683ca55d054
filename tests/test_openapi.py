"""schemathesis (its CLI, all checks) over the live server's /openapi.json, on both stores: every
response matches what the description says. A row of docs/conformance.md per store."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path
from typing import Any

import pytest

CONFIG = Path(__file__).with_name("schemathesis.toml")
HOOKS = Path(__file__).with_name("schemathesis_hooks.py")
SCHEMATHESIS = Path(sys.executable).with_name("schemathesis")


@pytest.mark.conformance("openapi", "schemathesis run --checks all (coverage and fuzzing phases)", order=0)
def test_schemathesis(live_server: str, tmp_path: Path, record_property: Any) -> None:
    if not SCHEMATHESIS.exists() and shutil.which("schemathesis") is None:
        pytest.skip("schemathesis is a dev dependency: make install")
    report = tmp_path / "junit.xml"
    command = [
        str(SCHEMATHESIS), "--config-file", str(CONFIG), "--no-color", "run", live_server + "/openapi.json",
        "--checks", "all", "--max-examples", "6", "--seed", "11", "--workers", "2",
        "--report", "junit", "--report-junit-path", str(report),
    ]  # fmt: skip
    env = {**os.environ, "SCHEMATHESIS_HOOKS": str(HOOKS)}
    # in tmp_path: schemathesis keeps a cache of crashes in its working directory
    done = subprocess.run(command, capture_output=True, text=True, timeout=600, check=False, env=env, cwd=tmp_path)
    cases = list(ET.parse(report).getroot().iter("testcase"))
    problems = {}
    for case in cases:
        for element in (*case.findall("failure"), *case.findall("error")):  # an Element without children is falsy
            problems[case.get("name")] = (element.get("message") or element.text or "")[:600]
    assert problems == {}, "\n".join(f"{name}: {text}" for name, text in problems.items())
    assert done.returncode == 0, done.stdout[-3000:]
    record_property("note", f"{len(cases)} operations, 0 failures")
