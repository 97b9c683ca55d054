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

from .store import OxigraphStore, QueryError

_CTX = mp.get_context("spawn")


class QueryTimeout(Exception):
    pass


def _serve(files: list[str], conn: Connection) -> None:
    store = OxigraphStore([Path(f) for f in files])
    conn.send(("ready", b""))
    while True:
        query, result_format, max_rows = conn.recv()
        try:
            conn.send(("ok", store.serialize(query, result_format, max_rows)))
        except QueryError as exc:
            conn.send(("error", str(exc).encode()))


class _Worker:
    def __init__(self, files: list[Path]) -> None:
        self.conn, child = _CTX.Pipe()
        self.process: BaseProcess = _CTX.Process(target=_serve, args=([str(f) for f in files], child), daemon=True)
        self.process.start()
        child.close()
        if not self.conn.poll(120) or self.conn.recv()[0] != "ready":
            self.kill()
            raise RuntimeError("query worker failed to start")

    def run(self, query: str, result_format: str, max_rows: int, timeout: float) -> bytes:
        self.conn.send((query, result_format, max_rows))
        if not self.conn.poll(timeout):
            raise QueryTimeout(f"query exceeded the {timeout:g} s time limit and was stopped")
        status, body = self.conn.recv()
        if status == "error":
            raise QueryError(body.decode())
        return bytes(body)

    def kill(self) -> None:
        self.process.kill()
        self.process.join(5)


class QueryWorkers:
    def __init__(self, files: list[Path], size: int = 2) -> None:
        self.files = files
        self.idle: asyncio.Queue[_Worker] = asyncio.Queue()
        for _ in range(size):
            self.idle.put_nowait(_Worker(files))

    async def run(self, query: str, result_format: str, max_rows: int, timeout: float) -> bytes:
        worker = await self.idle.get()
        try:
            return await asyncio.to_thread(worker.run, query, result_format, max_rows, timeout)
        except QueryTimeout:
            worker.kill()
            worker = await asyncio.to_thread(_Worker, self.files)
            raise
        finally:
            self.idle.put_nowait(worker)

    def close(self) -> None:
        while not self.idle.empty():
            self.idle.get_nowait().kill()
