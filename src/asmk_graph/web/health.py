"""The store's triple count for /health (does the store answer, does it hold the dumps' triples?) and
for the SPARQL service description.

/health is public, so it must not let anyone make the store count its triples as often as they ask,
and a monitor polling it must not wait behind the queries the store is busy with. The count is
therefore asked at most once every `fresh` seconds: a /health request within that time gets the last
count; one after it gets the last count as well (if younger than `stale` seconds) while one count is
asked in the background, or waits for a count when the last is older. Every answer says how old its
count is (`checkedSecondsAgo`). After a failed count (the store is down or too slow) every request
waits for a new count (one at a time, shared), so /health answers 503 or 504 with the store's error
until the store answers again, and 200 as soon as it does.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable
from dataclasses import dataclass

from starlette.concurrency import run_in_threadpool


@dataclass(frozen=True)
class Count:
    triples: int | None
    error: Exception | None
    at: float  # time.monotonic()


class StoreCount:
    """The store's triple count, asked at most every `fresh` seconds; see the module's docstring."""

    def __init__(self, count: Callable[[], int], fresh: float = 1.0, stale: float = 10.0) -> None:
        self.count, self.fresh, self.stale = count, fresh, stale
        self.last: Count | None = None
        self._asking: asyncio.Task[Count] | None = None

    async def triples(self) -> tuple[int, float]:
        """(the store's triple count, its age in seconds); raises (a copy of) what the store raised."""
        last = await self._get()
        if last.error is not None:
            raise type(last.error)(*last.error.args)  # a new one: a kept exception would grow its traceback
        assert last.triples is not None
        return last.triples, time.monotonic() - last.at

    async def _get(self) -> Count:
        age = time.monotonic() - self.last.at if self.last is not None else float("inf")
        loop = asyncio.get_running_loop()
        asking = self._asking if self._asking is not None and self._asking.get_loop() is loop else None
        failed = self.last is not None and self.last.error is not None
        if (age >= self.fresh or failed) and (asking is None or asking.done()):
            asking = self._asking = loop.create_task(self._ask())
        if self.last is None or age >= self.stale or failed:
            assert asking is not None
            return await asyncio.shield(asking)
        return self.last

    async def _ask(self) -> Count:
        try:
            self.last = Count(await run_in_threadpool(self.count), None, time.monotonic())
        except Exception as exc:  # the store's error, answered by the error handlers
            self.last = Count(None, exc, time.monotonic())
        return self.last
