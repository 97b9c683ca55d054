"""Where Oxigraph's lead over rdflib goes on a chain of joins: bench_query.py's majority-by-meeting
at 100k synthetic triples, built up one triple pattern at a time, on both engines in the same run.
Prints, for each prefix of the chain, the p50 of each engine and their ratio (no pass/fail); then the
five patterns with the first four in a subquery, joined before the fifth (Oxigraph may still reorder the four);
then each hop of the chain alone: the chain's own 839 bound subjects given as VALUES and joined with
that hop's pattern, beside the subjects' mean out-degree (triples per subject). Oxigraph's in-memory
store finds (s, p, ?) by walking all of s's triples, so its cost of a hop follows the out-degree;
rdflib's column is for scale (its VALUES join need not look each subject up).

    .venv/bin/python benchmarks/bench_join_steps.py [--size 100000] [--runs 30]
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path

import pyoxigraph as ox
from rdflib import Graph

sys.path.insert(0, str(Path(__file__).resolve().parent))
from bench_query import QUERIES, P
from synthetic import generate

# the vote's outcome first: the most selective pattern, then one hop at a time towards the meeting
CHAIN = [
    "?v asmk:outcome asmk:majority",
    "?v asmk:onMotion ?m",
    "?m asmk:resultedIn ?r",
    "?r asmk:adoptedAt ?meeting",
    "?meeting asmk:number ?n",
]


def p50_ms(run: Callable[[], object], runs: int) -> float:
    run()  # warm-up
    samples = []
    for _ in range(runs):
        started = time.perf_counter()
        run()
        samples.append(time.perf_counter() - started)
    return statistics.median(samples) * 1000


def added_ms(query: Callable[[str], object], base: str, joined: str, runs: int) -> float:
    """The p50 time that joining adds: `joined` less `base`, on one engine."""
    return p50_ms(lambda: list(query(joined)), runs) - p50_ms(lambda: list(query(base)), runs)  # type: ignore[call-overload]


def hop_costs(store: ox.Store, graph: Graph, runs: int) -> None:
    rows = list(store.query(P + "SELECT * WHERE { " + " . ".join(CHAIN) + " }"))  # type: ignore[arg-type]
    print("\n| hop | bound subjects | mean out-degree | oxigraph ms added | rdflib ms added | rdflib / oxigraph |")
    print("|---|---:|---:|---:|---:|---:|")
    for pattern in CHAIN[1:]:
        subject, predicate, _ = pattern.split()
        bound = " ".join(str(row[subject[1:]]) for row in rows)
        values = f"VALUES {subject} {{ {bound} }}"
        alone = P + f"SELECT (COUNT(*) AS ?c) WHERE {{ {values} }}"
        joined = P + f"SELECT (COUNT(*) AS ?c) WHERE {{ {values} {subject} {predicate} ?o }}"
        degree = P + f"SELECT (COUNT(*) AS ?c) WHERE {{ {values} {subject} ?p ?o }}"
        out_degree = int(next(iter(store.query(degree)))["c"].value) / len(rows)  # type: ignore[arg-type, index, union-attr]
        ox_ms = added_ms(store.query, alone, joined, runs)
        rd_ms = added_ms(graph.query, alone, joined, max(3, runs // 5))
        print(f"| {pattern} | {len(rows)} | {out_degree:.1f} | {ox_ms:.2f} | {rd_ms:.2f} | {rd_ms / ox_ms:.0f}x |")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--size", type=int, default=100_000)
    parser.add_argument("--runs", type=int, default=30)
    args = parser.parse_args()
    nt = generate(args.size)
    store = ox.Store()
    store.load(nt.encode(), format=ox.RdfFormat.N_TRIPLES)
    graph = Graph().parse(data=nt, format="nt")
    queries = [(f"{i} pattern(s)", P + "SELECT * WHERE { " + " . ".join(CHAIN[:i]) + " }") for i in range(1, 6)]
    # the same five patterns, the first four in a subquery: joined before the fifth
    queries.append(
        (
            "5, the first 4 in a subquery",
            P + "SELECT * WHERE { { SELECT * WHERE { " + " . ".join(CHAIN[:4]) + " } } " + CHAIN[4] + " }",
        )
    )
    queries.append(("majority-by-meeting", QUERIES["majority-by-meeting"]))
    print(f"{nt.count(chr(10))} triples\n")
    print("| query | rows | oxigraph p50 ms | rdflib p50 ms | rdflib / oxigraph |")
    print("|---|---:|---:|---:|---:|")
    for name, query in queries:
        rows = len(list(store.query(query)))  # type: ignore[arg-type]
        ox_ms = p50_ms(lambda q=query: list(store.query(q)), args.runs)  # type: ignore[arg-type]
        rd_ms = p50_ms(lambda q=query: list(graph.query(q)), max(3, args.runs // 5))
        print(f"| {name} | {rows} | {ox_ms:.2f} | {rd_ms:.2f} | {rd_ms / ox_ms:.0f}x |")
    hop_costs(store, graph, args.runs)


if __name__ == "__main__":
    main()
