"""Killable query workers: pyoxigraph cannot interrupt a running query, so user-supplied SPARQL
runs in worker processes, each with its own store loaded from graph/. A query that outlives its
time limit is stopped by killing its worker, which is then replaced; other workers keep serving.
"""

from __future__ import annotations

import asyncio
import multiprocessing as mp
from multiprocessing.connection import Connection
from multiprocessing.process import BaseProcess
from pathlib import Path
from typing import Any

from .results import Answer
from .stores import OxigraphStore, QueryError, QueryTimeout, answer_from_plain, run_oxigraph

_CTX = mp.get_context("spawn")


def _serve(files: list[str], conn: Connection) -> None:
    store = OxigraphStore([Path(f) for f in files]).store
    conn.send(("ready", None))
    while True:
        query, max_rows = conn.recv()
        try:
            conn.send(run_oxigraph(store, query, max_rows))
        except QueryError as exc:
            conn.send(("error", str(exc)))


class _Worker:
    def __init__(self, files: list[Path]) -> None:
        self.conn, child = _CTX.Pipe()
        self.process: BaseProcess = _CTX.Process(target=_serve, args=([str(f) for f in files], child), daemon=True)
        self.process.start()
        child.close()
        if not self.conn.poll(120) or self.conn.recv()[0] != "ready":
            self.kill()
            raise RuntimeError("query worker failed to start")

    def run(self, query: str, max_rows: int | None, timeout: float) -> tuple[str, Any]:
        self.conn.send((query, max_rows))
        if not self.conn.poll(timeout):
            raise QueryTimeout(f"query exceeded the {timeout:g} s time limit and was stopped")
        kind, payload = self.conn.recv()
        if kind == "error":
            raise QueryError(payload)
        return kind, payload

    def kill(self) -> None:
        self.process.kill()
        self.process.join(5)


class QueryWorkers:
    def __init__(self, files: list[Path], size: int = 2) -> None:
        self.files = files
        self.idle: asyncio.Queue[_Worker] = asyncio.Queue()
        for _ in range(size):
            self.idle.put_nowait(_Worker(files))

    async def run(self, query: str, max_rows: int | None, timeout: float) -> Answer:
        worker = await self.idle.get()
        try:
            kind, payload = await asyncio.to_thread(worker.run, query, max_rows, timeout)
            return await asyncio.to_thread(answer_from_plain, kind, payload)
        except QueryTimeout:
            worker.kill()
            worker = await asyncio.to_thread(_Worker, self.files)
            raise
        finally:
            self.idle.put_nowait(worker)

    def close(self) -> None:
        while not self.idle.empty():
            self.idle.get_nowait().kill()
