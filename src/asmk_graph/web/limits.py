"""What every request and response passes through: the arrival time, a body limit, security headers.

One ASGI layer outside all of the application (outside even Starlette's handler that turns an
unexpected exception into a 500), so that every response carries the security headers and every
request is stamped with the time it arrived, from which its deadline is counted.

The body limit holds while the body is read, whatever Content-Length says: a request announcing
more than the limit gets 413 at once, and one that sends more than it announced gets 413 when
the handler reads past the limit.
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable, MutableMapping
from dataclasses import dataclass, field
from typing import Any

from fastapi import FastAPI, HTTPException
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from .query_check import QueryLimits

ARRIVED = "asmk.arrived"  # scope key: time.monotonic() when the request reached the application

# The Content-Security-Policy of HTML pages; pages that need more (an editor's scripts, say)
# extend this one constant rather than send their own.
HTML_CSP = (
    "default-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; object-src 'none'; "
    "base-uri 'none'; form-action 'self'; frame-ancestors 'none'"
)
# Swagger UI and ReDoc (vendored, web/static.py) also start web workers from blob: URLs
API_DOCS_CSP = HTML_CSP + "; worker-src 'self' blob:"
API_DOCS_PATHS = ("/docs", "/redoc")
# anything else (JSON, RDF, SPARQL results) is data, never a page: it may load and embed nothing
DATA_CSP = "default-src 'none'; frame-ancestors 'none'"
SECURITY_HEADERS = {
    "x-content-type-options": "nosniff",
    "referrer-policy": "no-referrer",
    "x-frame-options": "DENY",
    "cross-origin-opener-policy": "same-origin",
    "permissions-policy": "camera=(), microphone=(), geolocation=(), interest-cohort=()",
}
HSTS = "max-age=31536000"


@dataclass(frozen=True)
class Limits:
    """Bounds on what one request may cost (beyond the query time limit and row cap)."""

    max_body: int = 1 << 20  # bytes of request body
    max_answer_bytes: int = 16 << 20  # bytes of one /sparql answer
    worker_memory: int = 1 << 30  # bytes of address space per query worker
    max_waiting: int = 0  # queries waiting for a worker or store slot; 0: twice the number of workers
    query: QueryLimits = field(default_factory=QueryLimits)


class BodyTooLarge(HTTPException):
    def __init__(self, max_body: int) -> None:
        super().__init__(413, f"the request body is larger than {max_body} bytes")


def _csp(path: str, content_type: str) -> str:
    if path in API_DOCS_PATHS:
        return API_DOCS_CSP
    return HTML_CSP if content_type.startswith("text/html") else DATA_CSP


class RequestGuard:
    """The outermost ASGI layer: arrival stamp, body limit, security headers on every response."""

    def __init__(self, app: ASGIApp, max_body: int, https: bool) -> None:
        self.app, self.max_body, self.https = app, max_body, https

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            return await self.app(scope, receive, send)
        scope[ARRIVED] = time.monotonic()
        path = scope.get("path", "")

        async def send_secured(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = list(message.get("headers", []))
                present = {name.lower() for name, _ in headers}
                content_type = next((v.decode("latin-1") for n, v in headers if n.lower() == b"content-type"), "")
                extra = {**SECURITY_HEADERS, "content-security-policy": _csp(path, content_type)}
                if self.https:
                    extra["strict-transport-security"] = HSTS
                headers += [(n.encode(), v.encode()) for n, v in extra.items() if n.encode() not in present]
                message = {**message, "headers": headers}
            await send(message)

        announced = dict(scope.get("headers", [])).get(b"content-length")
        if announced is not None and (not announced.isdigit() or int(announced) > self.max_body):
            problem = {"type": "about:blank", "title": "Content Too Large", "status": 413}  # as web/errors.py writes
            problem |= {"detail": BodyTooLarge(self.max_body).detail, "instance": path}
            body = json.dumps(problem).encode()
            headers = [(b"content-type", b"application/problem+json"), (b"content-length", str(len(body)).encode())]
            await send_secured({"type": "http.response.start", "status": 413, "headers": headers})
            return await send_secured({"type": "http.response.body", "body": body})

        received = 0

        async def receive_limited() -> Message:
            nonlocal received
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > self.max_body:
                    raise BodyTooLarge(self.max_body)
            return message

        await self.app(scope, receive_limited, send_secured)


def guard(app: FastAPI, max_body: int, public_url: str) -> None:
    """Put RequestGuard around app's whole middleware stack, outside Starlette's 500 handler."""
    build: Callable[[], ASGIApp] = app.build_middleware_stack
    https = public_url.startswith("https://")

    def build_guarded() -> ASGIApp:
        return RequestGuard(build(), max_body, https)

    app.build_middleware_stack = build_guarded  # type: ignore[method-assign]


def arrival(scope: MutableMapping[str, Any]) -> float:
    """When the request arrived (now, for a request that did not pass RequestGuard)."""
    return float(scope.get(ARRIVED, time.monotonic()))
