"""Query latency and throughput: embedded Oxigraph (the API's store) against rdflib's in-memory
engine, on the same queries and data in the same run. Prints a table; no pass/fail.

    .venv/bin/python benchmarks/bench_query.py --sizes real 100000 [1000000] [--runs 30]
"""

from __future__ import annotations

import argparse
import sys
import time
from collections.abc import Callable
from pathlib import Path

import pyoxigraph as ox
from rdflib import Graph

sys.path.insert(0, str(Path(__file__).resolve().parent))
from synthetic import generate

ROOT = Path(__file__).resolve().parents[1]
P = "PREFIX asmk: <https://w3id.org/asmk/def#> PREFIX dcterms: <http://purl.org/dc/terms/> "
QUERIES = {
    "majority-by-meeting": P + "SELECT ?n (COUNT(?r) AS ?c) WHERE { ?r asmk:adoptedAt/asmk:number ?n ; "
    "asmk:outcome asmk:majority } GROUP BY ?n ORDER BY ?n",
    "state-initiated-or-cosponsored": P + "SELECT ?r WHERE { ?r asmk:initiator|asmk:cosponsor ?s . "
    '?s asmk:isoCode "DE-NW" } LIMIT 200',
    "outcome-counts": P + "SELECT ?o (COUNT(?r) AS ?c) WHERE { ?r asmk:outcome ?o } GROUP BY ?o",
    "topic-of-one-meeting": P + "SELECT ?t (COUNT(?r) AS ?c) WHERE { ?r asmk:adoptedAt ?m ; dcterms:subject ?t . "
    "?m asmk:number 97 } GROUP BY ?t",
    "text-search": P + 'SELECT ?r WHERE { ?r dcterms:abstract ?a FILTER CONTAINS(STR(?a), "0.12345") }',
}


def timings(run: Callable[[], object], runs: int, budget_s: float = 60.0) -> list[float]:
    run()  # warm-up
    samples: list[float] = []
    started = time.perf_counter()
    while len(samples) < runs and time.perf_counter() - started < budget_s:
        t0 = time.perf_counter()
        run()
        samples.append(time.perf_counter() - t0)
    return samples


def pct(samples: list[float], p: float) -> float:
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, round(p * (len(ordered) - 1)))] * 1000


def load(size: str) -> tuple[str, int]:
    nt = (ROOT / "graph" / "asmk.nt").read_text(encoding="utf-8") if size == "real" else generate(int(size))
    return nt, nt.count("\n")


def bench_size(size: str, runs: int) -> None:
    nt, triples = load(size)
    store = ox.Store()
    store.load(nt.encode(), format=ox.RdfFormat.N_TRIPLES)
    graph = Graph().parse(data=nt, format="nt")
    print(f"\n## {size} ({triples} triples)\n")
    print("| query | oxigraph p50 ms | p99 ms | q/s | rdflib p50 ms | p99 ms | q/s | speed-up |")
    print("|---|---:|---:|---:|---:|---:|---:|---:|")
    for name, query in QUERIES.items():
        ox_s = timings(lambda q=query: list(store.query(q)), runs)
        rd_s = timings(lambda q=query: list(graph.query(q)), max(3, runs // 5))
        ox_qps, rd_qps = len(ox_s) / sum(ox_s), len(rd_s) / sum(rd_s)
        print(
            f"| {name} | {pct(ox_s, 0.5):.2f} | {pct(ox_s, 0.99):.2f} | {ox_qps:.0f} | {pct(rd_s, 0.5):.2f} | "
            f"{pct(rd_s, 0.99):.2f} | {rd_qps:.1f} | {ox_qps / rd_qps:.0f}x |"
        )


def bench_rest(runs: int) -> None:
    from fastapi.testclient import TestClient

    from asmk_graph.api import create_app
    from asmk_graph.paths import project_paths

    client = TestClient(create_app(project_paths(ROOT)))
    print("\n## REST on the real graph (in-process TestClient)\n")
    print("| resource | p50 ms | p99 ms | req/s |")
    print("|---|---:|---:|---:|")
    for path in (
        "/api/states",
        "/api/conferences",
        "/api/conferences/102",
        "/api/chairs",
        "/api/persons",
        "/api/resolutions",
        "/api/resolutions?state=DE-NW&outcome=majority",
        "/api/bodies",
        "/api/sources",
        "/id/conference/97",
    ):
        s = timings(lambda p=path: client.get(p).raise_for_status(), runs)
        print(f"| {path} | {pct(s, 0.5):.2f} | {pct(s, 0.99):.2f} | {len(s) / sum(s):.0f} |")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--sizes", nargs="+", default=["real", "100000"])
    parser.add_argument("--runs", type=int, default=30)
    args = parser.parse_args()
    for size in args.sizes:
        bench_size(size, args.runs)
    bench_rest(args.runs * 5)


if __name__ == "__main__":
    main()
