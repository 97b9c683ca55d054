"""HTTP as RFC 9110 and the Fetch standard (CORS) describe it, for every route of the application.

ASGI layers around the routes, so that routes added by any module get the same behaviour:

- CORS for reading: any origin may GET, HEAD and POST (queries) and read the answer, preflights
  included; no credentials are ever involved, so `*` is safe.
- HEAD wherever GET is allowed: answered as GET with the same header fields and no body.
- The methods a resource allows: a 405 lists them all in `Allow` (a path served by several routes,
  such as /sparql by GET and POST, included), and OPTIONS without CORS answers 204 with `Allow`.
- Compression: gzip when the client accepts it and the body is worth it (streamed answers too); a
  strong ETag that a route set for the identity body becomes weak (the bytes differ, the meaning not).
- Validators and conditional GET for representations generated from the graph (/id/, the
  vocabulary, the shapes, the JSON-LD contexts, the catalogue and VoID): a strong ETag of the
  bytes sent (so the gzip and the identity representation differ, as RFC 9110 8.8.3 asks),
  Last-Modified of the data the application serves, and 304 for If-None-Match / If-Modified-Since
  (If-None-Match wins).
"""

from __future__ import annotations

import hashlib
import zlib
from collections.abc import Callable, Sequence
from email.utils import formatdate, parsedate_to_datetime
from typing import Any

from fastapi import FastAPI
from starlette.datastructures import Headers, MutableHeaders
from starlette.middleware.cors import CORSMiddleware
from starlette.routing import BaseRoute, Match
from starlette.types import ASGIApp, Message, Receive, Scope, Send

CORS_METHODS = ("GET", "HEAD", "POST", "OPTIONS")
# request headers a page may send (beyond the CORS-safelisted ones) and response headers it may read
CORS_REQUEST_HEADERS = ("If-None-Match", "If-Modified-Since")
CORS_EXPOSED_HEADERS = (
    "Content-Disposition",
    "Content-Location",
    "ETag",
    "Last-Modified",
    "Link",
    "Location",
    "Retry-After",
    "X-Checksum-SHA256",
)
CANDIDATE_METHODS = ("GET", "POST", "PUT", "PATCH", "DELETE")  # HEAD and OPTIONS follow from these
GZIP_MINIMUM_SIZE = 1024  # below about a packet, compressing saves nothing worth the CPU
INCOMPRESSIBLE = ("application/gzip", "application/x-gzip", "application/zip", "text/event-stream")
# paths whose GET answers are generated from files the application loaded at start: they get validators
VALIDATED_PREFIXES = (
    "/id/", "/graph/", "/ontology", "/shapes", "/def", "/api/contexts/", "/catalog", "/.well-known/void",
)  # fmt: skip


def add_http_semantics(app: FastAPI, last_modified: float) -> None:
    """Wrap the application's routes; last_modified: when the data it serves last changed (epoch seconds)."""
    app.add_middleware(Compression)
    app.add_middleware(Validators, prefixes=VALIDATED_PREFIXES, last_modified=last_modified)
    app.add_middleware(MethodsAllowed, routes=lambda: app.router.routes)
    app.add_middleware(HeadAsGet)
    app.add_middleware(
        CORSMiddleware,
        allow_origins=["*"],
        allow_methods=CORS_METHODS,
        allow_headers=CORS_REQUEST_HEADERS,
        expose_headers=CORS_EXPOSED_HEADERS,
        max_age=86400,
    )


class HeadAsGet:
    """HEAD is GET without the body (RFC 9110 9.3.2): the routes see GET, the client gets the headers."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["method"] != "HEAD":
            await self.app(scope, receive, send)
            return

        async def without_body(message: Message) -> None:
            if message["type"] == "http.response.body":
                if message.get("more_body", False):
                    return
                message = {"type": "http.response.body", "body": b""}
            await send(message)

        # a copy: the server keeps the original scope and must still see HEAD (it then sends no body)
        await self.app({**scope, "method": "GET"}, receive, without_body)


def allowed_methods(routes: Sequence[BaseRoute], scope: Scope) -> set[str]:
    """Every method some route serves at scope's path (asked of each route, as the router asks); empty if none."""
    methods = set()
    for method in CANDIDATE_METHODS:
        probe = {**scope, "method": method}
        if any(route.matches(probe)[0] == Match.FULL for route in routes):
            methods.add(method)
    if "GET" in methods:
        methods.add("HEAD")
    if methods:
        methods.add("OPTIONS")
    return methods


def allow_header(methods: set[str]) -> str:
    order = {m: i for i, m in enumerate(("GET", "HEAD", "POST", "OPTIONS"))}
    return ", ".join(sorted(methods, key=lambda m: (order.get(m, len(order)), m)))


class MethodsAllowed:
    """`Allow` naming every method of the path on a 405 (RFC 9110 15.5.6), and OPTIONS answered (9.3.7)."""

    def __init__(self, app: ASGIApp, routes: Callable[[], Sequence[BaseRoute]]) -> None:
        self.app, self.routes = app, routes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        if scope["method"] == "OPTIONS":
            methods = allowed_methods(self.routes(), scope)
            if methods:
                headers = [(b"allow", allow_header(methods).encode()), (b"content-length", b"0")]
                await send({"type": "http.response.start", "status": 204, "headers": headers})
                await send({"type": "http.response.body", "body": b""})
                return

        async def with_allow(message: Message) -> None:
            if message["type"] == "http.response.start" and message["status"] == 405:
                headers = MutableHeaders(raw=list(message["headers"]))
                headers["allow"] = allow_header(allowed_methods(self.routes(), scope))
                message = {**message, "headers": headers.raw}
            await send(message)

        await self.app(scope, receive, with_allow)


class Compression:
    """gzip for a client that accepts it, when the body is worth it (RFC 9110 8.4.1): not for small
    bodies (by Content-Length), not for what is compressed already, not twice. Streamed answers are
    compressed as they stream. A strong ETag a route set for the identity body becomes weak (8.8.1)."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or not accepts_gzip(Headers(scope=scope).get("accept-encoding", "")):
            await self.app(scope, receive, send)
            return
        compressor: Any = None

        async def compressed(message: Message) -> None:
            nonlocal compressor
            if message["type"] == "http.response.start":
                headers = MutableHeaders(raw=list(message["headers"]))
                headers.add_vary_header("Accept-Encoding")
                if worth_compressing(message["status"], headers):
                    compressor = zlib.compressobj(6, zlib.DEFLATED, 16 + zlib.MAX_WBITS)
                    headers["content-encoding"] = "gzip"
                    del headers["content-length"]
                    etag = headers.get("etag")
                    if etag and not etag.startswith("W/"):
                        headers["etag"] = "W/" + etag
                message = {**message, "headers": headers.raw}
            elif message["type"] == "http.response.body" and compressor is not None:
                more = message.get("more_body", False)
                body = compressor.compress(message.get("body", b""))
                body += compressor.flush(zlib.Z_SYNC_FLUSH if more else zlib.Z_FINISH)
                message = {**message, "body": body}
            await send(message)

        await self.app(scope, receive, compressed)


def accepts_gzip(accept_encoding: str) -> bool:
    """Whether Accept-Encoding allows gzip (RFC 9110 12.5.3): named, or by *, with a q above 0."""
    quality: dict[str, float] = {}
    for part in accept_encoding.lower().split(","):
        coding, *params = (p.strip() for p in part.split(";"))
        q = next((p[2:] for p in params if p.startswith("q=")), "1")
        try:
            quality[coding] = float(q)
        except ValueError:
            quality[coding] = 0.0
    return quality.get("gzip", quality.get("x-gzip", quality.get("*", 0.0))) > 0


def worth_compressing(status: int, headers: MutableHeaders) -> bool:
    media = headers.get("content-type", "").split(";")[0].strip().lower()
    length = headers.get("content-length")
    return (
        status not in (204, 206, 304)
        and "content-encoding" not in headers
        and media not in INCOMPRESSIBLE
        and not media.startswith(("image/", "audio/", "video/", "font/"))
        and (length is None or int(length) >= GZIP_MINIMUM_SIZE)
    )


def etag_matches(if_none_match: str, etag: str) -> bool:
    """If-None-Match's weak comparison (RFC 9110 13.1.2): opaque tags equal, W/ ignored; * matches any."""
    if if_none_match.strip() == "*":
        return True
    tags = {t.strip().removeprefix("W/") for t in if_none_match.split(",")}
    return etag.removeprefix("W/") in tags


def not_modified(request_headers: Headers, etag: str | None, last_modified: str | None) -> bool:
    """Whether a GET's preconditions say the client's copy is current (RFC 9110 13.2.2: If-None-Match first)."""
    if_none_match = request_headers.get("if-none-match")
    if if_none_match is not None:
        return etag is not None and etag_matches(if_none_match, etag)
    since = request_headers.get("if-modified-since")
    if since and last_modified:
        try:
            return parsedate_to_datetime(last_modified) <= parsedate_to_datetime(since)
        except (TypeError, ValueError):  # an unparsable date is ignored (RFC 9110 13.1.3)
            return False
    return False


# header fields a 304 carries over from the 200 it stands for (RFC 9110 15.4.5)
KEPT_ON_304 = ("cache-control", "content-location", "date", "etag", "expires", "last-modified", "vary", "link")


async def buffered_answer(app: ASGIApp, scope: Scope, receive: Receive) -> tuple[Message, bytes]:
    """Run app on a request and keep its answer: the start message and the whole body."""
    start: Message = {}
    chunks: list[bytes] = []

    async def keep(message: Message) -> None:
        nonlocal start
        if message["type"] == "http.response.start":
            start = message
        elif message["type"] == "http.response.body":
            chunks.append(message.get("body", b""))

    await app(scope, receive, keep)
    return start, b"".join(chunks)


class Validators:
    """ETag and Last-Modified on the GET answers under `prefixes`, and the 304 when the client's copy is current."""

    def __init__(self, app: ASGIApp, prefixes: tuple[str, ...], last_modified: float) -> None:
        self.app, self.prefixes = app, prefixes
        self.last_modified = formatdate(last_modified, usegmt=True)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["method"] != "GET" or not scope["path"].startswith(self.prefixes):
            await self.app(scope, receive, send)
            return
        start, body = await buffered_answer(self.app, scope, receive)
        headers = MutableHeaders(raw=list(start["headers"]))
        if start["status"] == 200:
            if "etag" not in headers:
                headers["etag"] = f'"{hashlib.sha256(body).hexdigest()[:32]}"'
            headers.setdefault("last-modified", self.last_modified)
            if not_modified(Headers(scope=scope), headers.get("etag"), headers.get("last-modified")):
                kept = [(k, v) for k, v in headers.raw if k.decode("latin-1") in KEPT_ON_304]
                await send({"type": "http.response.start", "status": 304, "headers": kept})
                await send({"type": "http.response.body", "body": b""})
                return
        await send({**start, "headers": headers.raw})
        await send({"type": "http.response.body", "body": body})
