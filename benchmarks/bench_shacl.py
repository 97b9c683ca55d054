"""SHACL validation: the project's engine on Oxigraph vs pySHACL vs Apache Jena's SHACL (Debian's
libapache-jena-java, installed by scripts/install-jena.sh), on the same N-Triples (graph + ontology)
and the same shapes, in the same run. Also times `asmk-graph build` and `asmk-graph validate`.
Prints times, ratios and report sizes; no pass/fail.

    .venv/bin/python benchmarks/bench_shacl.py --sizes real 1000000
"""

from __future__ import annotations

import argparse
import os
import re
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from rdflib import Graph

from asmk_graph.check.shacl import load_shapes, validate_ntriples, validate_with_pyshacl
from asmk_graph.graph.pipeline import load_ontology
from asmk_graph.graph.serialize import to_ntriples
from asmk_graph.paths import project_paths

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from tests.jena import jena_classpath

from synthetic import generate

ROOT = Path(__file__).resolve().parents[1]


def timed(run):  # type: ignore[no-untyped-def]
    started = time.perf_counter()
    value = run()
    return value, time.perf_counter() - started


def cli_seconds(command: str, runs: int) -> float:
    """Best of `runs` wall times of the command (as a user runs it: a new process each time)."""
    best = float("inf")
    for _ in range(runs):
        started = time.perf_counter()
        subprocess.run([str(ROOT / ".venv" / "bin" / "asmk-graph"), command], check=False, capture_output=True)
        best = min(best, time.perf_counter() - started)
    return best


def bench_size(size: str, work: Path, classpath: str | None, skip_pyshacl: bool) -> None:
    paths = project_paths(ROOT)
    ontology = to_ntriples(load_ontology(paths))
    data = (paths.graph_dir / "asmk.nt").read_text(encoding="utf-8") if size == "real" else generate(int(size))
    nt = (data + ontology).encode()
    triples = nt.count(b"\n")
    shapes = load_shapes(paths.shapes_dir)
    data_file, shapes_file = work / f"data-{size}.nt", work / "shapes.ttl"
    data_file.write_bytes(nt)
    shapes.serialize(shapes_file, format="turtle")
    print(f"\n## {size} ({triples} triples, data + ontology)\n")
    print("| engine | seconds (parse + validate) | results | vs this engine |")
    print("|---|---:|---:|---:|")
    ours, ours_s = timed(lambda: validate_ntriples(nt, shapes))
    rows = [("asmk engine (Oxigraph)", ours_s, len(ours.results))]
    if not skip_pyshacl:
        reference, ref_s = timed(lambda: validate_with_pyshacl(Graph().parse(data=nt, format="nt"), Graph(), shapes))
        rows.append(("pySHACL", ref_s, len(reference.results)))
        same = "the same" if reference.results == ours.results else "DIFFERENT"
    if classpath:
        command = ["java", "-cp", classpath, "shacl.shacl", "validate", "--shapes", str(shapes_file), "--data",
                   str(data_file)]  # fmt: skip
        out, jena_s = timed(lambda: subprocess.run(command, capture_output=True, text=True, check=False))
        jena_results = len(re.findall(r"\bsh:result\b", out.stdout)) if out.returncode == 0 else -1
        rows.append(("Apache Jena SHACL 4.5 (JVM start included)", jena_s, jena_results))
    for name, seconds, count in rows:
        print(f"| {name} | {seconds:.2f} | {count} | {seconds / ours_s:.1f}x |")
    if not skip_pyshacl:
        print(f"\nReports of the asmk engine and pySHACL, result by result: {same}.")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--sizes", nargs="+", default=["real", "1000000"])
    parser.add_argument("--cli-runs", type=int, default=5)
    parser.add_argument("--skip-pyshacl-above", type=int, default=10_000_000, help="triples")
    args = parser.parse_args()
    print(f"load average at start: {os.getloadavg()}")
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        classpath = jena_classpath(work)
        if classpath is None:
            print("Apache Jena not installed (scripts/install-jena.sh): Jena column skipped")
        print(f"\n## CLI on the real graph (best of {args.cli_runs} runs, new process each)\n")
        print(f"- `asmk-graph build`: {cli_seconds('build', args.cli_runs):.2f} s")
        print(f"- `asmk-graph validate`: {cli_seconds('validate', args.cli_runs):.2f} s")
        for size in args.sizes:
            skip = size != "real" and int(size) > args.skip_pyshacl_above
            bench_size(size, work, classpath, skip)
    print(f"\nload average at end: {os.getloadavg()}")


if __name__ == "__main__":
    main()
