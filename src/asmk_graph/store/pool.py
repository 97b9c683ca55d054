"""The pool of query worker processes (worker.py) that run user queries on the embedded store.

pyoxigraph cannot interrupt a query, and a hostile query can crash its process (a parser that
recurses on deep nesting) or exhaust its memory. So every user query runs in a worker, and:

- a worker that dies (crash, memory cap), misbehaves or outlives the request's deadline is killed
  and replaced; it is never handed out again. Replacements start in the background;
- a request waits for a free worker at most until its deadline, in a queue of bounded length;
- the answer comes back as bytes the worker wrote, streamed on to the client chunk by chunk;
- a client that leaves (or a stream that is not read to the end) costs its worker, which is killed;
- a reaper thread kills any worker still busy a second after its request's deadline, whatever
  the reason (a request handler that was never resumed, for example);
- workers are started from one dedicated thread, because the kernel's parent-death signal
  (sandbox.die_with_parent) fires when the thread that started a process ends.

If a worker cannot be started (for example, the network cannot be taken away from it), the pool
does not serve user queries: requests get 503 naming the reason and /health reports it.
"""

from __future__ import annotations

import asyncio
import json
import os
import signal
import socket
import subprocess
import sys
import threading
import time
from collections.abc import AsyncIterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from multiprocessing.connection import Connection
from pathlib import Path
from typing import Any

from .queueing import Deadline, Handout, QueueFull
from .stores import QueryError, QueryTimeout, StoreError

MAX_HEADER = 1 << 16
REAP_EVERY = 0.5
REAP_GRACE = 1.0


class WorkerError(StoreError):
    """A failure of the pool or of a worker, with the status the API answers."""

    def __init__(self, status: int, message: str, retry_after: int | None = None) -> None:
        super().__init__(message)
        self.status = status
        self.retry_after = retry_after


class WorkerDied(Exception):
    pass


@dataclass(frozen=True)
class WorkerLimits:
    memory: int = 1 << 30  # bytes of address space per worker
    start_timeout: float = 120.0


class _Worker:
    """The server's side of one worker process (blocking calls: run them in a thread)."""

    def __init__(self, process: subprocess.Popen[bytes], conn: Connection) -> None:
        self.process, self.conn = process, conn
        self.info: dict[str, Any] = {}
        self.retired = False

    @classmethod
    def start(cls, files: list[Path], limits: WorkerLimits) -> _Worker:
        ours, theirs = socket.socketpair()
        env = {k: v for k, v in os.environ.items() if k != "RUST_BACKTRACE"}  # no 40-line trace per memory cap hit
        process = subprocess.Popen(
            [sys.executable, "-m", "asmk_graph.store.worker", str(theirs.fileno()), str(os.getpid())],
            pass_fds=[theirs.fileno()],
            stdin=subprocess.DEVNULL,
            env=env,
        )
        theirs.close()
        worker = cls(process, Connection(ours.detach()))
        try:
            worker.conn.send_bytes(json.dumps({"files": [str(f) for f in files], "memory": limits.memory}).encode())
            if not worker.conn.poll(limits.start_timeout):
                raise RuntimeError(f"did not start within {limits.start_timeout:g} s")
            worker.info = json.loads(worker.conn.recv_bytes(MAX_HEADER))
        except (OSError, EOFError, ValueError, RuntimeError) as exc:
            worker.kill()
            raise RuntimeError(f"a query worker failed to start: {exc}; {worker.ended()}") from exc
        if worker.info.get("status") != "ready":
            worker.kill()
            raise RuntimeError(f"a query worker failed to start: {worker.info.get('message')}")
        return worker

    def ask(self, request: dict[str, Any], timeout: float) -> dict[str, Any]:
        """The worker's header for request; TimeoutError, or WorkerDied if it ended or garbled its reply."""
        try:
            self.conn.send_bytes(json.dumps(request).encode())
            answered = self.conn.poll(timeout)
            header = json.loads(self.conn.recv_bytes(MAX_HEADER)) if answered else None
        except (EOFError, OSError, ValueError) as exc:
            raise WorkerDied(str(exc)) from exc
        if header is None:
            raise TimeoutError
        if not isinstance(header, dict):
            raise WorkerDied("the worker sent a malformed header")
        return header

    def chunk(self, timeout: float) -> bytes:
        try:
            data = self.conn.recv_bytes() if self.conn.poll(timeout) else None
        except (EOFError, OSError) as exc:
            raise WorkerDied(str(exc)) from exc
        if data is None:
            raise TimeoutError
        return data

    def kill(self) -> None:
        self.process.kill()
        self.process.wait()  # reaped: no zombie

    def ended(self) -> str:
        """How the process ended, for messages; waits briefly for a dying process."""
        try:
            code = self.process.wait(2)
        except subprocess.TimeoutExpired:
            return "it is still running"
        if code < 0:
            return f"it was ended by {signal.Signals(-code).name}"
        return f"it exited with code {code}"


@dataclass
class Reply:
    """A 200 answer written by a worker: its media type, byte length and the bytes, in chunks."""

    media: str
    length: int
    chunks: AsyncIterator[bytes]


class WorkerPool:
    def __init__(self, files: list[Path], size: int = 2, limits: WorkerLimits | None = None, max_waiting: int = 0):
        self.files, self.size, self.limits = files, size, limits or WorkerLimits()
        self.idle: Handout[_Worker] = Handout(max_waiting or 2 * size)
        self._lock = threading.Lock()
        self._busy: dict[_Worker, float] = {}  # worker -> deadline (monotonic)
        self._starting = 0
        self.restarts = 0
        self.failure: str | None = None  # why the last start failed; None once one succeeds
        self.isolation: str | None = None
        self.closed = False
        self._spawner = ThreadPoolExecutor(1, thread_name_prefix="asmk-worker-spawner")
        self._io = ThreadPoolExecutor(size + 1, thread_name_prefix="asmk-worker-io")
        for _ in range(size):
            self._start_later()
        threading.Thread(target=self._reap, name="asmk-worker-reaper", daemon=True).start()

    # --- starting and retiring ----------------------------------------------------------------

    def _start_later(self, delay: float = 0.0, dead: _Worker | None = None) -> None:
        with self._lock:
            if self.closed:
                return
            self._starting += 1
        self._spawner.submit(self._start, delay, dead)

    def _start(self, delay: float, dead: _Worker | None) -> None:
        if dead is not None:
            dead.process.wait()  # reap the killed worker (no zombie), then replace it
        time.sleep(delay)
        try:
            worker = _Worker.start(self.files, self.limits)
        except Exception as exc:
            with self._lock:
                self._starting -= 1
                retries = self.failure is not None
                self.failure = str(exc)
            self._start_later(delay=min(30.0, 2 * delay or 1.0) if retries else 1.0)
            return
        with self._lock:
            self._starting -= 1
            self.failure, self.isolation = None, worker.info.get("isolation")
            closed = self.closed
        if closed:
            worker.kill()
        else:
            self.idle.put(worker)

    def _retire(self, worker: _Worker) -> None:
        """Kill a worker that must not serve again and start its replacement (without blocking)."""
        with self._lock:
            if worker.retired:
                return
            worker.retired = True
            self._busy.pop(worker, None)
            self.restarts += 1
        worker.process.kill()
        self._start_later(dead=worker)

    def _release(self, worker: _Worker) -> None:
        with self._lock:
            self._busy.pop(worker, None)
        if worker.retired:
            return
        if worker.process.poll() is None:
            self.idle.put(worker)
        else:
            self._retire(worker)

    def _reap(self) -> None:
        while not self.closed:
            time.sleep(REAP_EVERY)
            now = time.monotonic()
            with self._lock:
                overdue = [w for w, deadline in self._busy.items() if now > deadline + REAP_GRACE]
            for worker in overdue:
                self._retire(worker)

    # --- serving --------------------------------------------------------------------------------

    async def _acquire(self, deadline: Deadline) -> _Worker:
        if self.failure is not None and not self._busy and not self.idle.available:
            raise WorkerError(503, f"no query worker is available: {self.failure}", retry_after=5)
        try:
            worker = await self.idle.take(deadline)
        except QueueFull:
            raise WorkerError(
                503, f"too many queries are waiting ({self.idle.max_waiting}); try again shortly", retry_after=1
            ) from None
        except TimeoutError:
            raise WorkerError(
                503, f"no query worker became free within the {deadline.limit:g} s time limit", retry_after=1
            ) from None
        with self._lock:
            self._busy[worker] = deadline.at
        return worker

    async def _in_thread(self, worker: _Worker, call: Any, *args: Any) -> Any:
        """Run a blocking call on the worker's connection; if the awaiting request is cancelled, kill it."""
        try:
            return await asyncio.get_running_loop().run_in_executor(self._io, call, *args)
        except asyncio.CancelledError:
            self._retire(worker)  # unblocks the thread, which sees the connection close
            raise

    async def _failed(self, worker: _Worker, deadline: Deadline, exc: BaseException) -> StoreError:
        if isinstance(exc, TimeoutError):
            self._retire(worker)
            return QueryTimeout(
                f"the query did not finish within the {deadline.limit:g} s time limit (counted from the request's "
                "arrival) and was stopped"
            )
        how = await asyncio.get_running_loop().run_in_executor(self._io, worker.ended)
        self._retire(worker)
        hint = (
            f" (most likely it needed more than the {self.limits.memory >> 20} MiB a query worker may use)"
            if "SIGABRT" in how
            else ""
        )
        return WorkerError(503, f"the query worker stopped while running this query: {how}{hint}; it was replaced")

    async def run(self, request: dict[str, Any], deadline: Deadline) -> Reply:
        """Answer request ({query, form, media, max_rows, max_bytes, prefixes}) by the deadline."""
        worker = await self._acquire(deadline)
        try:
            header = await self._in_thread(worker, worker.ask, request, deadline.remaining())
        except (TimeoutError, WorkerDied) as exc:
            raise await self._failed(worker, deadline, exc) from None
        status, message = header.get("status"), str(header.get("message"))
        if status == 200:
            length = int(header["length"])
            return Reply(str(header["media"]), length, self._stream(worker, length, deadline))
        if status == 400:
            self._release(worker)
            raise QueryError(message)
        if status == 406:  # the answer cannot be written in the media type asked for; the worker is fine
            self._release(worker)
            raise WorkerError(406, message)
        self._retire(worker)  # it ends itself after a memory error or an engine panic
        raise WorkerError(int(status or 500), f"{message}; the query worker was replaced")

    async def _stream(self, worker: _Worker, length: int, deadline: Deadline) -> AsyncIterator[bytes]:
        received, finished = 0, False
        try:
            while received < length:
                chunk = await self._in_thread(worker, worker.chunk, deadline.remaining())
                received += len(chunk)
                yield chunk
            finished = True
        except (TimeoutError, WorkerDied):
            pass  # the response is cut short: the client sees an incomplete body (Content-Length)
        finally:
            if finished:
                self._release(worker)
            else:
                self._retire(worker)

    # --- state ----------------------------------------------------------------------------------

    def health(self) -> dict[str, Any]:
        with self._lock:
            busy, starting = len(self._busy), self._starting
        return {
            "size": self.size,
            "idle": self.idle.available,
            "busy": busy,
            "starting": starting,
            "waiting": self.idle.waiting,
            "restarts": self.restarts,
            "isolation": self.isolation,
            "failure": self.failure,
            "degraded": self.failure is not None,
        }

    def close(self) -> None:
        with self._lock:
            self.closed = True
            busy = list(self._busy)
        while (worker := self.idle.take_nowait()) is not None:
            worker.kill()
        for worker in busy:
            worker.kill()
        self._spawner.shutdown(wait=False, cancel_futures=True)
        self._io.shutdown(wait=False)
