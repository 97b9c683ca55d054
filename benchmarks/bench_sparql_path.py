"""Where the time of one /sparql query goes, at one client, on the real graph (no pass/fail).

Each stage is timed on its own, in the same run, for `SELECT ?s WHERE { ?s ?p ?o } LIMIT 10`:

1. the engine: Oxigraph evaluating the query in process;
2. the worker's work: store/worker.answer, the query and its JSON answer written by Oxigraph;
3. the pipe: a 60-byte echo to a process at nice 10 (as the workers run) over a socketpair, with
   both processes free to run on any CPU (as the server and its workers do) and both held on one
   CPU: the difference is what waking a process on another CPU costs on this machine;
4. the pool: store/pool.WorkerPool.run on uvloop, from the request to the answer's bytes in hand
   (the pipe both ways, the worker's work, framing and the event loop's waits);
5. the query check (web/query_check.py, on the event loop);
6. the application in process: the ASGI app of `serve` called directly (no socket, no HTTP parser)
   for GET /sparql, (a) as it is, (b) with the worker pool replaced by an answer ready at once, and
   (c) a route added after all others that answers at once, through every ASGI layer;
7. HTTP: wrk with one keep-alive connection against a live `asmk-graph serve` (1 / requests per second).

The differences follow: HTTP minus 6a is uvicorn (httptools, its access log); 6a minus 6b the hand-off to
a worker and back; 6b minus 6c the /sparql handler itself; 6c the ASGI layers and FastAPI's routing.

    .venv/bin/python benchmarks/bench_sparql_path.py
"""

from __future__ import annotations

import asyncio
import os
import socket
import sys
import time
import urllib.parse
from collections.abc import AsyncIterator, Callable
from pathlib import Path

import uvloop
from starlette.types import Message

from asmk_graph.paths import project_paths
from asmk_graph.store.pool import Reply, WorkerPool
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


def pipe_us(seconds: float = 2.0, one_cpu: bool = False) -> float:
    everywhere = os.sched_getaffinity(0)
    if one_cpu:
        os.sched_setaffinity(0, {min(everywhere)})  # the child inherits it
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
    os.sched_setaffinity(0, everywhere)
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


def app_us(seconds: float = 2.0) -> dict[str, float]:
    """Stage 6: GET /sparql through the application in process, with and without the worker pool,
    and a route that does nothing through the same layers (µs per request, best of 5 rounds)."""
    from fastapi import FastAPI, Response

    from asmk_graph.web.app import create_app

    app: FastAPI = create_app(project_paths(ROOT), start_workers=True)
    ready = b'{"head":{"vars":["s"]},"results":{"bindings":[]}}'

    async def ready_answer(*_: object) -> Reply:
        async def once() -> AsyncIterator[bytes]:
            yield ready

        return Reply(SPARQL_JSON, len(ready), once(), ready)

    async def nothing() -> Response:  # async: FastAPI would run a plain function in a thread
        return Response(ready, media_type=SPARQL_JSON)

    app.add_api_route("/bench-nothing", nothing)

    async def call(path: str, query: bytes) -> None:
        scope = {"type": "http", "asgi": {"version": "3.0"}, "http_version": "1.1", "method": "GET", "scheme": "http",
                 "path": path, "raw_path": path.encode(), "query_string": query, "root_path": "",
                 "headers": [(b"host", b"127.0.0.1"), (b"accept", SPARQL_JSON.encode())],
                 "client": ("127.0.0.1", 1), "server": ("127.0.0.1", 80)}  # fmt: skip
        sent: list[Message] = []
        received = False

        async def receive() -> Message:
            nonlocal received
            if not received:
                received = True
                return {"type": "http.request", "body": b"", "more_body": False}
            await asyncio.Event().wait()  # the client stays: never a disconnect
            raise AssertionError

        async def send(message: Message) -> None:
            sent.append(message)

        await app(scope, receive, send)
        assert sent[0]["status"] == 200, sent

    async def rounds(path: str, query: bytes) -> float:
        for _ in range(200):
            await call(path, query)
        best = float("inf")
        for _ in range(5):
            done, started = 0, time.perf_counter()
            while time.perf_counter() - started < seconds / 5:
                await call(path, query)
                done += 1
            best = min(best, (time.perf_counter() - started) / done * 1e6)
        return best

    async def measure() -> dict[str, float]:
        query = b"query=" + urllib.parse.quote(SELECT).encode()
        while app.state.runner.health().get("idle", 0) < 1:
            await asyncio.sleep(0.05)
        as_it_is = await rounds("/sparql", query)
        app.state.runner.run = ready_answer  # the router calls this object's run: no worker from here on
        return {"a": as_it_is, "b": await rounds("/sparql", query), "c": await rounds("/bench-nothing", b"")}

    try:
        return uvloop.run(measure())
    finally:
        app.state.runner.close()


def main() -> None:
    print(f"load average before: {os.getloadavg()[0]:.1f}")
    store = OxigraphStore.from_project(project_paths(ROOT))
    stages = {
        "1. engine (Oxigraph, in process)": per_call_us(lambda: list(store.store.query(SELECT))),
        "2. worker's work (query + JSON answer)": per_call_us(lambda: answer(store.store, dict(REQUEST))),
        "3. pipe round trip to a nice-10 process": pipe_us(),
        "3b. the same, both processes held on one CPU": pipe_us(one_cpu=True),
        "4. pool round trip (event loop -> worker -> bytes)": pool_us(store.files),
        "5. query check (tokenizer)": per_call_us(lambda: check_query(SELECT, Limits().query)),
    }
    in_process = app_us()
    stages["6a. the application in process, GET /sparql"] = in_process["a"]
    stages["6b. the same, an answer ready at once instead of the pool"] = in_process["b"]
    stages["6c. a route that answers at once, through every layer"] = in_process["c"]
    server, url = ours(ROOT)
    try:
        step = wrk(f"{url}/sparql?query={urllib.parse.quote(SELECT)}", 1, 5, SPARQL_JSON)
    finally:
        server.terminate()
        server.wait(10)
    http = stages["7. HTTP, one keep-alive client (wrk)"] = 1e6 / step.rps
    a, b, c = in_process["a"], in_process["b"], in_process["c"]
    stages |= {
        "7 - 6a: uvicorn (httptools, access log)": http - a,
        "6a - 6b: the hand-off to a worker and back": a - b,
        "6b - 6c: the /sparql handler (parameters, query check, negotiation, response)": b - c,
        "6c: ASGI layers and routing": c,
    }
    print("\n| stage | µs per query |\n|---|---:|")
    for name, us in stages.items():
        print(f"| {name} | {us:.0f} |")
    print(f"\nload average after: {os.getloadavg()[0]:.1f}")


if __name__ == "__main__":
    main()
