"""A cache of the /api answers: the bytes of each 200 answer, by path, query string and Accept.

An /api answer is one or two named queries and some Python that builds JSON: 0.5 to 5 ms of one
core on the embedded store, 5 to 40 ms on Virtuoso, the same bytes every time for the same request
while the store holds the same graph. Under load (issue 14) recomputing them made /api answers
queue behind each other. This layer keeps them, in front of the routes:

- **When an answer is stale.** The embedded store is loaded once and never changes while the process
  runs: its answers never go stale and stay until evicted. A remote store can be reloaded behind the
  API (asmk-graph load): its answers are fresh `ttl` seconds. For `ttl` seconds more a stale answer is
  still sent while one computation in the background replaces it (RFC 5861's stale-while-revalidate):
  so a request waits for the remote store only on a first request or after 2 x `ttl` seconds without
  one, never because the store is busy with other queries; an answer lags behind a reload of the
  store by at most 2 x `ttl` seconds plus the time of one computation. A background computation that
  does not answer 200 drops the stale answer: the next request computes it and sees the error.
- **One computation per request at a time.** Requests that miss while the same answer is being
  computed wait for it instead of computing it again (no stampede when a popular answer expires).
- **Validators.** Every answer gets a strong ETag (a digest of its bytes); `If-None-Match` with it
  gets 304 without a body.
- **Bounded.** At most `max_entries` answers and `max_bytes` bytes, least recently used evicted; an
  answer larger than `max_entry` bytes is not kept. Only 200 answers are kept; errors never.

Only GET of the resources under /api/ (not the JSON-LD contexts, which are static) and of the Linked
Data resources under /id/ pass through it. The key holds everything the answer depends on: the path,
the raw query string and the Accept header (the representation); links are built from the configured
public URL, never from the request.
"""

from __future__ import annotations

import asyncio
import hashlib
import time
from collections import OrderedDict
from dataclasses import dataclass

from starlette.datastructures import MutableHeaders
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from .http_semantics import KEPT_ON_304, accepts_gzip, buffered_answer, etag_matches, worth_compressing

Key = tuple[str, bytes, bytes]
CACHED_PREFIXES = ("/api/", "/id/")
NOT_CACHED = ("/api/contexts/",)


@dataclass(frozen=True)
class Entry:
    headers: list[tuple[bytes, bytes]]  # the answer's own headers, ETag included
    body: bytes
    etag: bytes
    fresh_until: float  # time.monotonic(); inf for the embedded store
    expires: float  # sent stale (and computed again in the background) until then


class AnswerCache:
    """ASGI middleware; ttl None: the store never changes (embedded); else seconds an answer is kept."""

    def __init__(
        self,
        app: ASGIApp,
        ttl: float | None,
        max_entries: int = 1024,
        max_bytes: int = 64 << 20,
        max_entry: int = 4 << 20,
    ) -> None:
        self.app, self.ttl = app, ttl
        self.max_entries, self.max_bytes, self.max_entry = max_entries, max_bytes, max_entry
        self.entries: OrderedDict[Key, Entry] = OrderedDict()
        self.size = 0
        self.hits = self.misses = 0
        self._computing: dict[Key, tuple[asyncio.AbstractEventLoop, asyncio.Future[None]]] = {}
        self._refreshing: dict[Key, asyncio.Task[None]] = {}

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        path = scope.get("path", "")
        if (
            scope["type"] != "http"
            or scope["method"] != "GET"
            or not path.startswith(CACHED_PREFIXES)
            or path.startswith(NOT_CACHED)
        ):
            await self.app(scope, receive, send)
            return
        headers = dict(scope.get("headers", []))
        key = (path, scope.get("query_string", b""), headers.get(b"accept", b""))
        entry = self._usable(key, scope) or await self._computed_meanwhile(key)
        if entry is not None:
            self.hits += 1
            await self._answer(entry, headers, send)
            return
        self.misses += 1
        loop = asyncio.get_running_loop()
        done: asyncio.Future[None] = loop.create_future()
        self._computing[key] = (loop, done)
        try:
            await self._compute(key, scope, receive, send, headers)
        finally:
            del self._computing[key]
            done.set_result(None)

    def _usable(self, key: Key, scope: Scope) -> Entry | None:
        """The kept answer if it may be sent; a stale one starts its computation in the background."""
        entry = self._fresh(key)
        if entry is not None and entry.fresh_until <= time.monotonic() and key not in self._refreshing:
            self._refreshing[key] = asyncio.get_running_loop().create_task(self._refresh(key, dict(scope)))
        return entry

    def _fresh(self, key: Key) -> Entry | None:
        entry = self.entries.get(key)
        if entry is None:
            return None
        if entry.expires <= time.monotonic():
            self._drop(key)
            return None
        self.entries.move_to_end(key)
        return entry

    async def _refresh(self, key: Key, scope: Scope) -> None:
        """Compute a stale answer again, with no client waiting: keep it if 200, else drop the old one."""
        fresh_until, expires = self._lifetime()
        requested = False

        async def receive() -> Message:
            nonlocal requested
            if requested:
                return {"type": "http.disconnect"}
            requested = True
            return {"type": "http.request", "body": b"", "more_body": False}

        try:
            start, body = await buffered_answer(self.app, scope, receive)
        except Exception:  # the route failed: as a non-200 answer
            start, body = {}, b""
        finally:
            del self._refreshing[key]
        if start.get("status") == 200 and len(body) <= self.max_entry:
            self._keep(key, start, body, fresh_until, expires)
        else:
            self._drop(key)

    def _lifetime(self) -> tuple[float, float]:
        """(fresh until, sent stale until) of an answer computed from now."""
        if self.ttl is None:
            return float("inf"), float("inf")
        now = time.monotonic()
        return now + self.ttl, now + 2 * self.ttl

    async def _computed_meanwhile(self, key: Key) -> Entry | None:
        """The answer of a computation of the same key under way on this loop, once it is done."""
        computing = self._computing.get(key)
        if computing is None or computing[0] is not asyncio.get_running_loop():
            return None  # (FastAPI's TestClient runs requests on loops of their own)
        await asyncio.shield(computing[1])
        return self._fresh(key)

    async def _compute(self, key: Key, scope: Scope, receive: Receive, send: Send, request: dict[bytes, bytes]) -> None:
        """Run the route; keep a 200 answer (whole: the /api routes answer in one piece) and send it."""
        fresh_until, expires = self._lifetime()
        start: Message | None = None
        chunks: list[bytes] = []
        passing = False  # not kept: the messages go straight on

        async def capture(message: Message) -> None:
            nonlocal start, passing
            if passing:
                await send(message)
            elif message["type"] == "http.response.start":
                start = message
                if message["status"] != 200:
                    passing = True
                    await send(message)
            elif message["type"] == "http.response.body" and start is not None:
                chunks.append(message.get("body", b""))
                if sum(map(len, chunks)) > self.max_entry:  # too large to keep: send what we have and go on
                    passing = True
                    await send(start)
                    await send({**message, "body": b"".join(chunks)})
                elif not message.get("more_body", False):
                    entry = self._keep(key, start, b"".join(chunks), fresh_until, expires)
                    await self._answer(entry, request, send)
            else:
                await send(message)

        await self.app(scope, receive, capture)

    def _keep(self, key: Key, start: Message, body: bytes, fresh_until: float, expires: float) -> Entry:
        etag = b'"' + hashlib.blake2b(body, digest_size=16).hexdigest().encode() + b'"'
        headers = [(n, v) for n, v in start.get("headers", []) if n.lower() != b"etag"] + [(b"etag", etag)]
        entry = Entry(headers, body, etag, fresh_until, expires)
        self._drop(key)
        self.entries[key] = entry
        self.size += len(body)
        while self.entries and (len(self.entries) > self.max_entries or self.size > self.max_bytes):
            self._drop(next(iter(self.entries)))
        return entry

    def _drop(self, key: Key) -> None:
        entry = self.entries.pop(key, None)
        if entry is not None:
            self.size -= len(entry.body)

    async def _answer(self, entry: Entry, request: dict[bytes, bytes], send: Send) -> None:
        """The kept answer, or 304 when the client's copy is current: its header fields carry the ETag
        the 200 would have had, weak when Compression (outside this layer) would gzip it."""
        if_none_match = request.get(b"if-none-match")
        if if_none_match is not None and etag_matches(if_none_match.decode("latin-1"), entry.etag.decode()):
            kept = [(n, v) for n, v in entry.headers if n.decode("latin-1").lower() in KEPT_ON_304]
            gzipped = accepts_gzip(request.get(b"accept-encoding", b"").decode("latin-1"))
            if gzipped and worth_compressing(200, MutableHeaders(raw=list(entry.headers))):
                kept = [(n, b"W/" + v if n.lower() == b"etag" else v) for n, v in kept]
            await send({"type": "http.response.start", "status": 304, "headers": kept})
            await send({"type": "http.response.body", "body": b""})
            return
        await send({"type": "http.response.start", "status": 200, "headers": entry.headers})
        await send({"type": "http.response.body", "body": entry.body})
