"""The query worker pool with real worker processes, bypassing the text check on purpose: whatever a
query does, no connection leaves a worker, a crashed or runaway worker is replaced and never
handed out again, waiting is bounded, and workers do not outlive the server."""

from __future__ import annotations

import asyncio
import errno
import json
import os
import signal
import socket
import subprocess
import sys
import textwrap
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from asmk_graph.paths import ProjectPaths
from asmk_graph.store import sandbox
from asmk_graph.store.pool import WorkerError, WorkerLimits, WorkerPool
from asmk_graph.store.queueing import Deadline
from asmk_graph.store.stores import StoreError

from .hostile import DEEP, RUNAWAY, service_corpus

ROOT = Path(__file__).resolve().parents[1]


class Listener:
    """A TCP listener on 127.0.0.1 that counts the connections it accepts (it must accept none)."""

    def __init__(self) -> None:
        self.socket = socket.create_server(("127.0.0.1", 0))
        self.port = self.socket.getsockname()[1]
        self.accepted: list[Any] = []
        threading.Thread(target=self._accept, daemon=True).start()

    def _accept(self) -> None:
        while True:
            try:
                connection, address = self.socket.accept()
            except OSError:
                return
            self.accepted.append(address)
            connection.close()

    def close(self) -> None:
        self.socket.close()


@pytest.fixture()
def listener() -> Iterator[Listener]:
    server = Listener()
    yield server
    server.close()


def files(paths: ProjectPaths) -> list[Path]:
    return [paths.graph_dir / "asmk.nt", paths.ontology]


def request(query: str, form: str = "select") -> dict[str, Any]:
    media = "text/turtle" if form == "graph" else "application/sparql-results+json"
    return {"query": query, "form": form, "media": media, "max_rows": 10_000, "max_bytes": 1 << 24, "prefixes": {}}


async def outcome(pool: WorkerPool, query: str, timeout: float = 5.0, form: str = "select") -> tuple[int, str]:
    try:
        reply = await pool.run(request(query, form), Deadline(timeout))
        return 200, b"".join([chunk async for chunk in reply.chunks]).decode()
    except StoreError as exc:
        return exc.status, str(exc)


def live_pids(pool: WorkerPool) -> set[int]:
    return {w.process.pid for w in list(pool.idle._items)} | {w.process.pid for w in pool._busy}


def test_no_query_ever_reaches_the_network(paths: ProjectPaths, listener: Listener) -> None:
    async def scenario() -> list[tuple[int, str]]:
        pool = WorkerPool(files(paths), 1)
        try:
            return [
                await outcome(pool, q, form="graph" if q.startswith("CONSTRUCT") else "select")
                for q in service_corpus(listener.port)
            ]
        finally:
            pool.close()

    results = asyncio.run(scenario())
    assert listener.accepted == []
    assert all(status in (200, 400) for status, _ in results), results
    assert any("Network is unreachable" in message for _, message in results)  # the engine did try


def test_a_crashed_worker_is_replaced_and_never_handed_out_again(paths: ProjectPaths) -> None:
    async def scenario() -> None:
        pool = WorkerPool(files(paths), 2)
        try:
            assert (await outcome(pool, "ASK {}"))[0] == 200
            while len(pool.idle._items) < 2:
                await asyncio.sleep(0.1)
            before = live_pids(pool)
            for query in DEEP[:2]:  # two crashes: both workers of the pool
                status, message = await outcome(pool, query)
                assert status == 503 and "SIGSEGV" in message and "replaced" in message
            for _ in range(4):
                assert (await outcome(pool, "ASK { ?s ?p ?o }"))[0] == 200
            assert not before & live_pids(pool)  # the crashed workers never serve again
            assert pool.health()["restarts"] == 2 and not pool.health()["degraded"]
        finally:
            pool.close()

    asyncio.run(scenario())


def test_runaway_and_memory_hungry_queries_end_with_503_and_their_worker(paths: ProjectPaths) -> None:
    async def scenario() -> None:
        pool = WorkerPool(files(paths), 1, WorkerLimits(memory=512 << 20))
        try:
            started = time.monotonic()
            status, message = await outcome(pool, RUNAWAY[0], timeout=1.5)
            assert status == 503 and "1.5 s time limit" in message and time.monotonic() - started < 2.5
            status, message = await outcome(pool, RUNAWAY[2], timeout=20)
            assert status == 503 and "512 MiB" in message, message
            assert (await outcome(pool, "ASK { ?s ?p ?o }"))[0] == 200
        finally:
            pool.close()

    asyncio.run(scenario())


def test_waiting_is_bounded_and_counts_against_the_deadline(paths: ProjectPaths) -> None:
    async def scenario() -> None:
        pool = WorkerPool(files(paths), 1, max_waiting=1)
        try:
            assert (await outcome(pool, "ASK {}"))[0] == 200
            runaway = asyncio.ensure_future(outcome(pool, RUNAWAY[0], timeout=3))
            await asyncio.sleep(0.3)
            waiting = asyncio.ensure_future(outcome(pool, "ASK {}", timeout=1))
            await asyncio.sleep(0.1)
            with pytest.raises(WorkerError) as full:  # one waits already: the next is refused at once
                await pool.run(request("ASK {}"), Deadline(5))
            assert full.value.status == 503 and full.value.retry_after == 1 and "waiting" in str(full.value)
            started = time.monotonic()
            status, message = await waiting
            assert status == 503 and "no query worker became free within the 1 s" in message
            assert time.monotonic() - started < 1.5
            assert (await runaway)[0] == 503
        finally:
            pool.close()

    asyncio.run(scenario())


def test_a_worker_is_killed_when_its_client_goes_away(paths: ProjectPaths) -> None:
    async def scenario() -> None:
        pool = WorkerPool(files(paths), 1)
        try:
            assert (await outcome(pool, "ASK {}"))[0] == 200
            (worker,) = pool.idle._items
            task = asyncio.ensure_future(pool.run(request(RUNAWAY[0]), Deadline(30)))
            await asyncio.sleep(0.5)
            task.cancel()  # what the server does when the client disconnects
            with pytest.raises(asyncio.CancelledError):
                await task
            await asyncio.sleep(0.2)
            assert worker.process.poll() is not None  # killed at once, not at the 30 s deadline
            assert (await outcome(pool, "ASK {}"))[0] == 200
        finally:
            pool.close()

    asyncio.run(scenario())


def test_the_network_cannot_be_taken_away_so_nothing_is_served(
    paths: ProjectPaths, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(sandbox, "_unshare", lambda flags: errno.EPERM)
    with pytest.raises(sandbox.IsolationError, match="cannot take the network away"):
        sandbox.isolate_network()

    async def scenario() -> None:  # a worker that cannot start (here: no graph) is never replaced by nothing
        pool = WorkerPool([paths.graph_dir / "missing.nt"], 1)
        try:
            for _ in range(50):
                if pool.health()["degraded"]:
                    break
                await asyncio.sleep(0.1)
            assert pool.health()["degraded"] and "missing.nt" in str(pool.health()["failure"])
            with pytest.raises(WorkerError) as refused:
                await pool.run(request("ASK {}"), Deadline(2))
            assert refused.value.status == 503 and "no query worker is available" in str(refused.value)
        finally:
            pool.close()

    asyncio.run(scenario())


SERVER = textwrap.dedent(
    """
    import asyncio, json, sys
    from pathlib import Path
    from asmk_graph.store.pool import WorkerPool
    from asmk_graph.store.queueing import Deadline

    async def main():
        pool = WorkerPool([Path(f) for f in sys.argv[1:]], 2)
        while len(pool.idle._items) < 2:
            await asyncio.sleep(0.1)
        print(json.dumps([w.process.pid for w in pool.idle._items]), flush=True)
        query = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }"
        request = {"query": query, "form": "select", "media": "text/csv", "max_rows": 10, "max_bytes": 1000}
        await asyncio.gather(*(pool.run({**request, "prefixes": {}}, Deadline(60)) for _ in range(2)))

    asyncio.run(main())
    """
)


def test_workers_do_not_outlive_a_killed_server(paths: ProjectPaths) -> None:
    server = subprocess.Popen(
        [sys.executable, "-c", SERVER, *map(str, files(paths))], stdout=subprocess.PIPE, text=True, cwd=ROOT
    )
    assert server.stdout is not None
    pids = json.loads(server.stdout.readline())
    time.sleep(0.5)  # both workers busy with runaway queries
    os.kill(server.pid, signal.SIGKILL)  # what the OOM killer does
    server.wait()
    deadline = time.monotonic() + 5
    while time.monotonic() < deadline and any(alive(pid) for pid in pids):
        time.sleep(0.1)
    assert not any(alive(pid) for pid in pids)


def alive(pid: int) -> bool:
    """Running or a zombie nobody reaps."""
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except FileNotFoundError:
        return False
    return state != "X"
