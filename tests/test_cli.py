"""The asmk-graph command line, run as a user runs it."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


def run(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "asmk_graph.cli", "--root", str(ROOT), *args],
        capture_output=True,
        text=True,
        timeout=300,
    )


@pytest.mark.parametrize("command", ["build", "validate", "query", "stats", "serve"])
def test_help_explains_each_command(command: str) -> None:
    result = run(command, "--help")
    assert result.returncode == 0
    usage, _, description = result.stdout.partition("\n\n")
    assert usage.startswith("usage: asmk-graph") and len(description.splitlines()[0]) > 30


def test_query_string_as_json() -> None:
    q = "PREFIX asmk: <https://w3id.org/asmk/def#> SELECT ?n WHERE { ?m asmk:number ?n } ORDER BY ?n"
    result = run("query", q, "--format", "json")
    assert result.returncode == 0, result.stderr
    assert [row["n"] for row in json.loads(result.stdout)] == [96, 97, 98, 99, 102]


def test_query_file_as_csv_and_table() -> None:
    result = run("query", str(ROOT / "queries" / "stats.rq"), "--format", "csv")
    assert result.stdout.splitlines()[0] == "class,count"
    assert "https://w3id.org/asmk/def#State,16" in result.stdout
    table = run("query", str(ROOT / "queries" / "stats.rq"))
    assert table.stdout.splitlines()[0].split() == ["class", "count"]


def test_malformed_query_names_the_parser_error() -> None:
    result = run("query", "SELEC ?x WHERE {}")
    assert result.returncode == 2
    assert "query failed" in result.stderr and "1:" in result.stderr


def test_validate_file_exit_codes() -> None:
    bad = run("validate", str(ROOT / "tests" / "data" / "invalid" / "resolution.ttl"))
    assert bad.returncode == 1 and "[Violation]" in bad.stdout
    good = run("validate")
    assert good.returncode == 0
    assert good.stdout.startswith("0 violation(s), 3 warning(s)")
    assert "alphabetical rotation" in good.stdout


def test_stats() -> None:
    result = run("stats")
    assert result.returncode == 0
    assert "16  https://w3id.org/asmk/def#State" in result.stdout
