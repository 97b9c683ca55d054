"""Query latency and throughput: embedded Oxigraph (the API's default store), rdflib's in-memory
engine (the baseline) and, with --virtuoso, a real Virtuoso over HTTP, on the same queries and
data in the same run; then the REST API over HTTP against live uvicorn servers on both stores.
Prints tables; no pass/fail.

    .venv/bin/python benchmarks/bench_query.py --sizes real 100000 1000000 --runs 30 --virtuoso
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from pathlib import Path

import httpx
import pyoxigraph as ox
from rdflib import Graph

from asmk_graph.namespaces import DEFAULT_GRAPH
from asmk_graph.paths import project_paths
from asmk_graph.store import RemoteStore
from asmk_graph.store.load import Isql, load_virtuoso
from asmk_graph.store.load import load as load_project
from asmk_graph.store.virtuoso import VirtuosoServer, free_port

sys.path.insert(0, str(Path(__file__).resolve().parent))
from synthetic import generate

ROOT = Path(__file__).resolve().parents[1]
P = "PREFIX asmk: <https://w3id.org/asmk/def#> PREFIX dcterms: <http://purl.org/dc/terms/> "
QUERIES = {
    "majority-by-meeting": P + "SELECT ?n (COUNT(?r) AS ?c) WHERE { ?r asmk:adoptedAt/asmk:number ?n . "
    "?m asmk:resultedIn ?r . ?v asmk:onMotion ?m ; asmk:outcome asmk:majority } GROUP BY ?n ORDER BY ?n",
    "state-initiated-or-cosponsored": P
    + "SELECT ?r WHERE { ?m asmk:resultedIn ?r ; asmk:initiator|asmk:cosponsor ?s . "
    '?s asmk:isoCode "DE-NW" } LIMIT 200',
    "outcome-counts": P + "SELECT ?o (COUNT(?v) AS ?c) WHERE { ?v asmk:outcome ?o } GROUP BY ?o",
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


def bench_size(size: str, runs: int, virtuoso: VirtuosoServer | None) -> None:
    nt, triples = load(size)
    store = ox.Store()
    store.load(nt.encode(), format=ox.RdfFormat.N_TRIPLES)
    graph: Graph | None = Graph().parse(data=nt, format="nt")
    remote = None
    if virtuoso is not None:
        graph_iri = f"https://w3id.org/asmk/bench-{size}"
        load_virtuoso(
            nt.encode(), Isql(virtuoso.isql_address, "dba", "dba"), virtuoso.directory / "load", graph_iri, timeout=1800
        )
        remote = RemoteStore(virtuoso.endpoint, graph_iri, timeout=120)
    print(f"\n## {size} ({triples} triples)\n")
    print(
        "| query | oxigraph p50 ms | p99 ms | q/s | rdflib p50 ms | q/s | oxigraph / rdflib "
        "| virtuoso p50 ms | p99 ms | q/s |"
    )
    print("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
    for name, query in QUERIES.items():
        ox_s = timings(lambda q=query: list(store.query(q)), runs)
        ox_qps = len(ox_s) / sum(ox_s)
        rdflib_cells = "n/a | n/a | n/a"
        if graph is not None:  # few rdflib runs at 1M: each takes seconds
            rd_s = timings(lambda q=query, g=graph: list(g.query(q)), max(3, runs // 5) if triples < 500_000 else 3)
            rd_qps = len(rd_s) / sum(rd_s)
            rdflib_cells = f"{pct(rd_s, 0.5):.2f} | {rd_qps:.1f} | {ox_qps / rd_qps:.0f}x"
        virtuoso_cells = "n/a | n/a | n/a"
        if remote is not None:
            vt_s = timings(lambda q=query: remote.select(q), runs)
            virtuoso_cells = f"{pct(vt_s, 0.5):.2f} | {pct(vt_s, 0.99):.2f} | {len(vt_s) / sum(vt_s):.0f}"
        oxigraph_cells = f"{pct(ox_s, 0.5):.2f} | {pct(ox_s, 0.99):.2f} | {ox_qps:.0f}"
        print(f"| {name} | {oxigraph_cells} | {rdflib_cells} | {virtuoso_cells} |")


REST_PATHS = (
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
    "/sparql?query=ASK%20%7B%20%3Fs%20%3Fp%20%3Fo%20%7D",
)


def serve(extra: list[str]) -> tuple[subprocess.Popen[bytes], str]:
    port = free_port()
    command = [sys.executable, "-m", "asmk_graph.cli", "--root", str(ROOT), "serve", "--port", str(port), *extra]
    process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    url = f"http://127.0.0.1:{port}"
    for _ in range(200):
        try:
            httpx.get(url + "/health", timeout=2).raise_for_status()
            return process, url
        except httpx.HTTPError:
            time.sleep(0.1)
    process.kill()
    raise RuntimeError("uvicorn did not start")


def bench_rest(runs: int, virtuoso: VirtuosoServer | None) -> None:
    """Sequential latency with one keep-alive client, then throughput with 8 concurrent clients."""
    servers = [("oxigraph", serve([]))]
    if virtuoso is not None:
        servers.append(("virtuoso", serve(["--endpoint", virtuoso.endpoint, "--graph", DEFAULT_GRAPH])))
    try:
        print("\n## REST on the real graph, HTTP against a live uvicorn (one worker process)\n")
        names = [n for n, _ in servers]
        print("| resource | " + " | ".join(f"{n} p50 ms | p99 ms | req/s (8 clients)" for n in names) + " |")
        print("|---|" + "---:|---:|---:|" * len(names))
        for path in REST_PATHS:
            cells = []
            for _, (_, url) in servers:
                with httpx.Client(base_url=url, timeout=30) as http:
                    samples = timings(lambda p=path, h=http: h.get(p).raise_for_status(), runs)
                cells.append(f"{pct(samples, 0.5):.2f} | {pct(samples, 0.99):.2f} | {throughput(url + path):.0f}")
            print(f"| {path} | " + " | ".join(cells) + " |")
    finally:
        for _, (process, _) in servers:
            process.terminate()
            process.wait(10)


def throughput(url: str, clients: int = 8, seconds: float = 3.0) -> float:
    done = [0] * clients
    deadline = time.perf_counter() + seconds

    def hammer(i: int) -> None:
        with httpx.Client(timeout=30) as http:
            while time.perf_counter() < deadline:
                http.get(url).raise_for_status()
                done[i] += 1

    threads = [threading.Thread(target=hammer, args=(i,)) for i in range(clients)]
    started = time.perf_counter()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return sum(done) / (time.perf_counter() - started)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--sizes", nargs="*", default=["real", "100000"], help="none: REST only")
    parser.add_argument("--runs", type=int, default=30)
    parser.add_argument("--virtuoso", action="store_true", help="also start and measure a local Virtuoso")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        virtuoso = VirtuosoServer(Path(tmp)).start() if args.virtuoso else None
        try:
            if virtuoso is not None:
                load_project(
                    project_paths(ROOT),
                    virtuoso.endpoint,
                    DEFAULT_GRAPH,
                    "virtuoso",
                    isql=Isql(virtuoso.isql_address, "dba", "dba"),
                    load_dir=Path(tmp) / "load",
                )
            for size in args.sizes:
                bench_size(size, args.runs, virtuoso)
            bench_rest(args.runs * 5, virtuoso)
        finally:
            if virtuoso is not None:
                virtuoso.stop()


if __name__ == "__main__":
    main()
