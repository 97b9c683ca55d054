"""Where the time of one /sparql query goes, at one client, on the real graph (no pass/fail).

Each stage is timed on its own, in the same run, for `SELECT ?s WHERE { ?s ?p ?o } LIMIT 10`:

1. the engine: Oxigraph evaluating the query in process;
2. the worker's work: store/worker.answer, the query and its JSON answer written by Oxigraph;
3. the pipe: a 60-byte echo to a process at nice 10 (as the workers run) over a socketpair;
4. the pool: store/pool.WorkerPool.run on uvloop, from the request to the answer's bytes in hand
   (the pipe both ways, the worker's work, framing and the event loop's waits);
5. the query check (web/query_check.py, on the event loop);
6. HTTP: wrk with one keep-alive connection against a live `asmk-graph serve` (1 / requests per second).

HTTP minus pool minus check is uvicorn, the ASGI layers, FastAPI's routing and the response.

    .venv/bin/python benchmarks/bench_sparql_path.py
"""

from __future__ import annotations

import asyncio
import os
import socket
import sys
import time
import urllib.parse
from collections.abc import Callable
from pathlib import Path

import uvloop

from asmk_graph.paths import project_paths
from asmk_graph.store.pool import WorkerPool
from asmk_graph.store.queueing import Deadline
from asmk_graph.store.stores import OxigraphStore
from asmk_graph.store.worker import answer
from asmk_graph.web.limits import Limits
from asmk_graph.web.query_check import check_query

sys.path.insert(0, str(Path(__file__).resolve().parent))
from bench_load import SELECT, SPARQL_JSON, ours, wrk

ROOT = Path(__file__).resolve().parents[1]
REQUEST = {"query": SELECT, "form": "select", "media": SPARQL_JSON, "max_rows": 10000, "max_bytes": 16 << 20}


def per_call_us(call: Callable[[], object], seconds: float = 2.0) -> float:
    call()
    done, started = 0, time.perf_counter()
    while time.perf_counter() - started < seconds:
        call()
        done += 1
    return (time.perf_counter() - started) / done * 1e6


def pipe_us(seconds: float = 2.0) -> float:
    ours_end, theirs = socket.socketpair()
    child = os.fork()
    if child == 0:
        ours_end.close()
        os.nice(10)
        while data := theirs.recv(100):
            theirs.sendall(data)
        os._exit(0)
    theirs.close()

    def echo() -> None:
        ours_end.sendall(b"x" * 60)
        ours_end.recv(100)

    result = per_call_us(echo, seconds)
    ours_end.close()
    os.waitpid(child, 0)
    return result


def pool_us(files: list[Path], seconds: float = 2.0) -> float:
    pool = WorkerPool(files, 1)

    async def measure() -> float:
        while pool.idle.available < 1:
            await asyncio.sleep(0.05)
        await pool.run(dict(REQUEST), Deadline(10))
        done, started = 0, time.perf_counter()
        while time.perf_counter() - started < seconds:
            reply = await pool.run(dict(REQUEST), Deadline(10))
            assert reply.whole is not None
            done += 1
        return (time.perf_counter() - started) / done * 1e6

    try:
        return uvloop.run(measure())
    finally:
        pool.close()


def main() -> None:
    print(f"load average before: {os.getloadavg()[0]:.1f}")
    store = OxigraphStore.from_project(project_paths(ROOT))
    stages = {
        "1. engine (Oxigraph, in process)": per_call_us(lambda: list(store.store.query(SELECT))),
        "2. worker's work (query + JSON answer)": per_call_us(lambda: answer(store.store, dict(REQUEST))),
        "3. pipe round trip to a nice-10 process": pipe_us(),
        "4. pool round trip (event loop -> worker -> bytes)": pool_us(store.files),
        "5. query check (tokenizer)": per_call_us(lambda: check_query(SELECT, Limits().query)),
    }
    server, url = ours(ROOT)
    try:
        step = wrk(f"{url}/sparql?query={urllib.parse.quote(SELECT)}", 1, 5, SPARQL_JSON)
    finally:
        server.terminate()
        server.wait(10)
    stages["6. HTTP, one keep-alive client (wrk)"] = 1e6 / step.rps
    print("\n| stage | µs per query |\n|---|---:|")
    for name, us in stages.items():
        print(f"| {name} | {us:.0f} |")
    rest = stages["6. HTTP, one keep-alive client (wrk)"] - stages["4. pool round trip (event loop -> worker -> bytes)"]
    rest -= stages["5. query check (tokenizer)"]
    print(f"| HTTP - pool - check: uvicorn, ASGI layers, routing, response | {rest:.0f} |")
    print(f"\nload average after: {os.getloadavg()[0]:.1f}")


if __name__ == "__main__":
    main()
