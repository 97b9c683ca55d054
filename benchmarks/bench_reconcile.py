"""Precision, recall and latency of /reconcile on a batch of noisy names and titles.

    .venv/bin/python benchmarks/bench_reconcile.py                  # in-process app, embedded store
    .venv/bin/python benchmarks/bench_reconcile.py --url http://127.0.0.1:8000   # a running service

The batch (benchmarks/reconcile_batch.json) gives each query the id it should be matched to, or
null where the graph has no such entity. It is sent as OpenRefine sends it: form-encoded POSTs of
`queries=` in chunks (OpenRefine's default batch size is 10).

- precision: of the candidates the service marked as certain ("match": true), the share that is right;
- recall: of the queries that have a counterpart, the share matched certainly and rightly;
- top-1: of the queries that have a counterpart, the share whose first candidate is right;
- false matches on no-counterpart queries: certain matches where nothing should match.
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]


def client(url: str | None) -> Any:
    if url:
        import httpx

        return httpx.Client(base_url=url, timeout=60)
    from fastapi.testclient import TestClient

    sys.path.insert(0, str(ROOT / "src"))
    from asmk_graph.paths import project_paths
    from asmk_graph.web.app import create_app

    return TestClient(create_app(project_paths(ROOT)))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--url", help="base URL of a running service (default: in-process app)")
    parser.add_argument("--batch-size", type=int, default=10)
    parser.add_argument("--rounds", type=int, default=5, help="times the whole batch is sent, for latency")
    parser.add_argument("--show-misses", action="store_true")
    args = parser.parse_args()

    items = json.loads((ROOT / "benchmarks" / "reconcile_batch.json").read_text(encoding="utf-8"))["items"]
    http = client(args.url)
    http.get("/reconcile", params={"queries": json.dumps({"warm": {"query": "x"}})})  # builds the index
    latencies: list[float] = []
    results: dict[int, dict[str, Any]] = {}
    for _ in range(args.rounds):
        for start in range(0, len(items), args.batch_size):
            chunk = {f"q{i}": items[i]["query"] for i in range(start, min(start + args.batch_size, len(items)))}
            began = time.perf_counter()
            response = http.post("/reconcile", data={"queries": json.dumps(chunk)})
            latencies.append((time.perf_counter() - began) * 1000)
            response.raise_for_status()
            for key, answer in response.json().items():
                results[int(key[1:])] = answer

    certain = right_certain = top1 = false_matches = 0
    positives = sum(1 for item in items if item["expected"])
    misses = []
    for i, item in enumerate(items):
        candidates = results[i]["result"]
        first = candidates[0] if candidates else None
        if first and first["match"]:
            certain += 1
            right_certain += first["id"] == item["expected"]
            false_matches += item["expected"] is None
        if item["expected"] and first and first["id"] == item["expected"]:
            top1 += 1
        if item["expected"] != (first["id"] if first and first["match"] else None):
            misses.append((item["query"], item["expected"], first and (first["id"], first["score"], first["match"])))

    print(f"queries: {len(items)} ({positives} with a counterpart, {len(items) - positives} without)")
    print(f"precision: {right_certain / certain:.3f} ({right_certain}/{certain} certain matches right)")
    print(f"recall: {right_certain / positives:.3f} ({right_certain}/{positives})")
    print(f"top-1: {top1 / positives:.3f} ({top1}/{positives})")
    print(f"false matches on queries without counterpart: {false_matches}/{len(items) - positives}")
    per_query = [ms / args.batch_size for ms in latencies]
    print(
        f"latency per POST of {args.batch_size} queries: median {statistics.median(latencies):.1f} ms, "
        f"p95 {sorted(latencies)[int(len(latencies) * 0.95) - 1]:.1f} ms "
        f"({statistics.median(per_query):.2f} ms per query; {len(latencies)} requests)"
    )
    if args.show_misses:
        for miss in misses:
            print("miss:", miss)


if __name__ == "__main__":
    main()
