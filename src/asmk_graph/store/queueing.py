"""Deadlines and a bounded queue for what user queries wait for (a query worker, a remote-store slot).

A request's deadline starts when it arrives, so time spent waiting counts against its time limit.
At most `max_waiting` requests wait; one more is refused at once (the caller answers 503 with
Retry-After) instead of joining a queue that could only time out.

`Handout` hands items from any thread to waiters on any event loop: the API runs on one loop
under uvicorn, but FastAPI's TestClient runs each request on a loop of its own.
"""

from __future__ import annotations

import asyncio
import threading
import time
from collections import deque
from dataclasses import dataclass, field
from typing import Generic, TypeVar

T = TypeVar("T")


@dataclass(frozen=True)
class Deadline:
    limit: float  # seconds allowed from the start
    start: float = field(default_factory=time.monotonic)

    @property
    def at(self) -> float:
        return self.start + self.limit

    def remaining(self) -> float:
        return max(0.0, self.at - time.monotonic())

    def expired(self) -> bool:
        return time.monotonic() >= self.at


class QueueFull(Exception):
    """More requests wait than the queue holds."""


class Handout(Generic[T]):
    def __init__(self, max_waiting: int) -> None:
        self.max_waiting = max_waiting
        self._lock = threading.Lock()
        self._items: deque[T] = deque()
        self._waiters: deque[tuple[asyncio.AbstractEventLoop, asyncio.Future[T]]] = deque()

    @property
    def waiting(self) -> int:
        return len(self._waiters)

    @property
    def available(self) -> int:
        return len(self._items)

    def put(self, item: T) -> None:
        """Give item to the longest-waiting request, or keep it; callable from any thread."""
        with self._lock:
            while self._waiters:
                loop, future = self._waiters.popleft()
                try:
                    loop.call_soon_threadsafe(self._deliver, future, item)
                    return
                except RuntimeError:  # that waiter's loop is closed
                    continue
            self._items.append(item)

    def _deliver(self, future: asyncio.Future[T], item: T) -> None:
        if future.done():  # the waiter gave up meanwhile: pass the item on
            self.put(item)
        else:
            future.set_result(item)

    def take_nowait(self) -> T | None:
        with self._lock:
            return self._items.popleft() if self._items else None

    async def take(self, deadline: Deadline) -> T:
        """An item, waiting at most until the deadline (TimeoutError) in a queue of bounded length (QueueFull)."""
        loop = asyncio.get_running_loop()
        with self._lock:
            if self._items:
                return self._items.pop()  # the most recently returned: a worker still hot in the caches
            if len(self._waiters) >= self.max_waiting:
                raise QueueFull()
            future: asyncio.Future[T] = loop.create_future()
            self._waiters.append((loop, future))
        try:
            async with asyncio.timeout(deadline.remaining()):
                return await future
        except BaseException:  # timed out or cancelled (the client left)
            with self._lock:
                if (loop, future) in self._waiters:
                    self._waiters.remove((loop, future))
            if future.done() and not future.cancelled():
                self.put(future.result())  # it arrived just as we gave up
            raise
