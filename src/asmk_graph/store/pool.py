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
import struct
import subprocess
import sys
import threading
import time
from collections.abc import AsyncIterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from .queueing import Deadline, Handout, QueueFull
from .stores import QueryError, QueryTimeout, StoreError
from .worker import CHUNK, frame

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
    """The server's side of one worker process.

    Started (blocking) from the spawner thread; then read and written from the event loop without
    a thread: the socket is non-blocking and its frames are those of multiprocessing.Connection,
    which the worker uses (worker.frame: a 4-byte big-endian length, then the bytes).
    """

    def __init__(self, process: subprocess.Popen[bytes], sock: socket.socket) -> None:
        self.process, self.sock = process, sock
        self.info: dict[str, Any] = {}
        self.retired = False
        self._received = bytearray()

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
        worker = cls(process, ours)
        try:
            ours.settimeout(limits.start_timeout)
            ours.sendall(frame(json.dumps({"files": [str(f) for f in files], "memory": limits.memory}).encode()))
            (size,) = struct.unpack("!i", _recv_exactly(ours, 4))
            if not 0 <= size <= MAX_HEADER:
                raise ValueError(f"a start message of {size} bytes")
            worker.info = json.loads(_recv_exactly(ours, size))
            ours.setblocking(False)
        except TimeoutError as exc:
            worker.kill()
            raise RuntimeError(f"a query worker did not start within {limits.start_timeout:g} s") from exc
        except (OSError, EOFError, ValueError) as exc:
            worker.kill()
            raise RuntimeError(f"a query worker failed to start: {exc}; {worker.ended()}") from exc
        if worker.info.get("status") != "ready":
            worker.kill()
            raise RuntimeError(f"a query worker failed to start: {worker.info.get('message')}")
        return worker

    async def ask(self, request: dict[str, Any]) -> dict[str, Any]:
        """The worker's header for request; WorkerDied if it ended or garbled its reply (bound it in time)."""
        loop = asyncio.get_running_loop()
        try:
            await loop.sock_sendall(self.sock, frame(json.dumps(request).encode()))
            header = json.loads(await self._frame(loop, MAX_HEADER))
        except (OSError, ValueError) as exc:
            raise WorkerDied(str(exc)) from exc
        if not isinstance(header, dict):
            raise WorkerDied("the worker sent a malformed header")
        return header

    async def chunk(self) -> bytes:
        try:
            return await self._frame(asyncio.get_running_loop())
        except OSError as exc:
            raise WorkerDied(str(exc)) from exc

    async def _frame(self, loop: asyncio.AbstractEventLoop, limit: int | None = None) -> bytes:
        (size,) = struct.unpack("!i", await self._exactly(loop, 4))
        if size == -1:
            (size,) = struct.unpack("!Q", await self._exactly(loop, 8))
        if size < 0 or (limit is not None and size > limit):
            raise WorkerDied(f"the worker announced a message of {size} bytes")
        return await self._exactly(loop, size)

    async def _exactly(self, loop: asyncio.AbstractEventLoop, size: int) -> bytes:
        while len(self._received) < size:
            data = await loop.sock_recv(self.sock, max(size - len(self._received), 1 << 16))
            if not data:
                raise WorkerDied("the worker closed its connection")
            self._received += data
        taken = bytes(self._received[:size])
        del self._received[:size]
        return taken

    def kill(self) -> None:
        self.process.kill()
        self.process.wait()  # reaped: no zombie
        self.sock.close()

    def ended(self) -> str:
        """How the process ended, for messages; waits briefly for a dying process."""
        try:
            code = self.process.wait(2)
        except subprocess.TimeoutExpired:
            return "it is still running"
        if code < 0:
            return f"it was ended by {signal.Signals(-code).name}"
        return f"it exited with code {code}"


def _recv_exactly(sock: socket.socket, size: int) -> bytes:
    data = bytearray()
    while len(data) < size:
        part = sock.recv(size - len(data))
        if not part:
            raise EOFError("the worker closed its connection")
        data += part
    return bytes(data)


# an answer up to this size is read whole before the response starts (most are a few kB):
# no streaming machinery for it, and its worker is free again at once
WHOLE = 1 << 20


@dataclass
class Reply:
    """A 200 answer written by a worker: its media type, byte length and the bytes, in chunks;
    `whole`: all of them, when they were read before answering."""

    media: str
    length: int
    chunks: AsyncIterator[bytes]
    whole: bytes | None = None


def _chunks(length: int) -> int:
    """How many messages the worker sends for an answer of length bytes (worker.CHUNK each)."""
    return -(-length // CHUNK)


async def _once(body: bytes) -> AsyncIterator[bytes]:
    yield body


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
        self._io = ThreadPoolExecutor(1, thread_name_prefix="asmk-worker-ended")  # how a failed worker ended
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

    def _discard(self, worker: _Worker) -> None:
        """Retire a worker whose connection nothing awaits any more, and close that connection."""
        self._retire(worker)
        worker.sock.close()

    async def _failed(self, worker: _Worker, deadline: Deadline, exc: BaseException) -> StoreError:
        if isinstance(exc, TimeoutError):
            self._discard(worker)
            return QueryTimeout(
                f"the query did not finish within the {deadline.limit:g} s time limit (counted from the request's "
                "arrival) and was stopped"
            )
        how = await asyncio.get_running_loop().run_in_executor(self._io, worker.ended)
        self._discard(worker)
        hint = (
            f" (most likely it needed more than the {self.limits.memory >> 20} MiB a query worker may use)"
            if "SIGABRT" in how
            else ""
        )
        return WorkerError(503, f"the query worker stopped while running this query: {how}{hint}; it was replaced")

    async def run(self, request: dict[str, Any], deadline: Deadline) -> Reply:
        """Answer request ({query, form, media, max_rows, max_bytes, prefixes}) by the deadline.

        On the event loop, without a thread; if the awaiting request is cancelled (the client left),
        its worker is killed."""
        worker = await self._acquire(deadline)
        try:
            async with asyncio.timeout(deadline.remaining()):
                header = await worker.ask(request)
                status, message = header.get("status"), str(header.get("message"))
                if status == 200 and int(header["length"]) <= WHOLE:
                    body = b"".join([await worker.chunk() for _ in range(_chunks(int(header["length"])))])
        except (TimeoutError, WorkerDied) as exc:
            raise await self._failed(worker, deadline, exc) from None
        except asyncio.CancelledError:
            self._discard(worker)
            raise
        if status == 200:
            length = int(header["length"])
            if length <= WHOLE:
                self._release(worker)
                return Reply(str(header["media"]), length, _once(body), body)
            return Reply(str(header["media"]), length, self._stream(worker, length, deadline))
        if status == 400:
            self._release(worker)
            raise QueryError(message)
        if status == 406:  # the answer cannot be written in the media type asked for; the worker is fine
            self._release(worker)
            raise WorkerError(406, message)
        self._discard(worker)  # it ends itself after a memory error or an engine panic
        raise WorkerError(int(status or 500), f"{message}; the query worker was replaced")

    async def _stream(self, worker: _Worker, length: int, deadline: Deadline) -> AsyncIterator[bytes]:
        received, finished = 0, False
        try:
            while received < length:
                async with asyncio.timeout(deadline.remaining()):
                    chunk = await worker.chunk()
                received += len(chunk)
                yield chunk
            finished = True
        except (TimeoutError, WorkerDied):
            pass  # the response is cut short: the client sees an incomplete body (Content-Length)
        finally:
            if finished:
                self._release(worker)
            else:
                self._discard(worker)

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
