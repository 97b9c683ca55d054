"""HTTP/1.1 for `serve`: uvicorn's httptools protocol (llhttp, in C), with what it lacks and h11 had.

h11, uvicorn's pure-Python parser, costs about a tenth of a request's time at one client
(docs/benchmarks.md). So the faster parser gets these here:

- **A declined upgrade keeps its body.** A request that offers an upgrade the server does not make
  (`Connection: Upgrade, HTTP2-Settings` with `Upgrade: h2c`, sent by `curl --http2` and by Java's
  HTTP client, so Jena) is answered as plain HTTP/1.1, as RFC 9110 §7.8 allows. httptools skips
  the body of any request that offers an upgrade and leaves it in the stream, so a POSTed query
  arrived empty. Here the body is read from the stream: by its Content-Length (the connection
  then stays open, and pipelined requests after it are parsed), or by its chunked framing (after
  the last chunk nothing more is parsed, and the connection closes once answered). Any other
  Transfer-Encoding is refused with 400, as llhttp refuses it without an upgrade offer.
- **Fields are bounded.** The fields llhttp hands over (the request target, each header name and
  value) may add up to MAX_HEAD bytes (h11's bound), and so may the trailer fields of a chunked
  body. A head or a trailer section still unfinished may grow over further reads by at most
  MAX_HEAD bytes (httptools buffers an unfinished field, unseen, until it ends). Beyond either:
  431. httptools alone buffers whatever arrives. A read holds at most 256 KiB, parsed at once.
- **No WebSocket.** The application has no WebSocket route, and uvicorn switched a connection to
  WebSocket as soon as an offer was parsed, even behind a pipelined request still being answered
  (which then got the WebSocket's 403). A WebSocket offer is declined like any other.
- **A request that cannot be parsed does not cut into an earlier answer.** The answers due before
  it are sent first, then its error (400 or 431), then the connection closes. At most MAX_QUEUED
  pipelined requests wait for their turn (uvicorn's queue has no bound; h11 parsed no further).
"""

from __future__ import annotations

from typing import Any

import httptools
from uvicorn.protocols.http.httptools_impl import STATUS_LINE, HttpToolsProtocol

MAX_HEAD = 16 * 1024
MAX_QUEUED = 32
NOTHING = memoryview(b"")


def _answering(status: int, message: str) -> Any:
    """An ASGI app answering status with message: stands in for a queued request that cannot be read."""
    text = message.encode("ascii")

    async def app(scope: Any, receive: Any, send: Any) -> None:
        headers = [(b"content-type", b"text/plain; charset=utf-8"), (b"content-length", b"%d" % len(text))]
        await send({"type": "http.response.start", "status": status, "headers": headers})
        await send({"type": "http.response.body", "body": text})

    return app


class _Refused(Exception):
    """Raised in a parser callback to stop parsing; the protocol's `refusal` says how to answer."""


class _DeclinedUpgradeBody:
    """The body of a request whose upgrade offer is declined, read from the stream after its head."""

    def __init__(self, protocol: Http11Protocol, length: int | None) -> None:
        self.protocol, self.left, self.done = protocol, length, False  # length None: chunked
        if length is None:  # llhttp parses the chunked framing behind a head that asks for nothing else
            self.framing = httptools.HttpRequestParser(self)
            self.framing.feed_data(b"POST / HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n")

    def feed(self, data: memoryview) -> memoryview:
        """Pass data's body bytes on; return the bytes after a Content-Length body (the next request's)."""
        if self.left is None:
            try:
                self.framing.feed_data(data)
            except (httptools.HttpParserError, httptools.HttpParserUpgrade):
                if not self.done:  # a bad chunk; after the last chunk, parsing was stopped on purpose
                    raise httptools.HttpParserError("invalid chunked body") from None
            return NOTHING
        body, rest = data[: self.left], data[self.left :]
        self.left -= len(body)
        if body:
            self.protocol.on_body(bytes(body))
        if self.left == 0:
            self.on_message_complete()
        return rest

    # llhttp callbacks (the chunked framing; it has no on_header, so httptools keeps no trailer)
    def on_body(self, body: bytes) -> None:
        self.protocol.on_body(body)

    def on_message_complete(self) -> None:
        self.done = True
        self.protocol.declined_body_read(chunked=self.left is None)

    def on_message_begin(self) -> None:
        if self.done:  # bytes after the last chunk: a client that offered an upgrade must wait for the answer
            raise _Refused


class Http11Protocol(HttpToolsProtocol):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields = 0  # bytes of the head's fields so far (after the head: of the trailer fields)
        self.unfinished = 0  # bytes of further reads that ended with those fields unfinished
        self.in_fields = False  # in the head, or in a chunk's size line or trailers
        self.began = False  # a message began in the current read
        self.refusal: tuple[int, str] | None = None
        self.declined: _DeclinedUpgradeBody | None = None
        self.discarding = False  # parse nothing more: the connection closes after the current answer
        self.in_body = False  # self.cycle's request body is still being read
        self.progressed = False  # a chunk's data or end was parsed in the current read

    def _should_upgrade_to_ws(self) -> bool:
        return False

    def data_received(self, data: bytes) -> None:
        view = memoryview(data)
        while view and not self.discarding and not self.transport.is_closing():
            view = self._parse(view)

    def _parse(self, data: memoryview) -> memoryview:
        """Parse data; return what is left for the next round (what follows a declined upgrade's head)."""
        self._unset_keepalive_if_required()
        if self.declined is not None:
            try:
                return self.declined.feed(data)
            except httptools.HttpParserError:
                self.stop(400, "Invalid chunked request body.")
                return NOTHING
        continued, self.began, self.progressed = self.in_fields, False, False
        try:
            self.parser.feed_data(data)
            if continued and self.in_fields and not self.began and not self.progressed:
                self._count(len(data), unfinished=True)
        except httptools.HttpParserUpgrade as upgrade:
            return data[upgrade.args[0] :]  # llhttp stops after the head: the body, or the next request, follows
        except (httptools.HttpParserError, _Refused):
            self.stop(*(self.refusal or (400, "Invalid HTTP request received.")))
        return NOTHING

    def stop(self, status: int, message: str) -> None:
        """Parse nothing more on this connection, answering status unless an earlier answer is under way."""
        self.discarding = True
        cycle = self.cycle
        if not self.in_body:  # a new request's head: the answers still due come first
            if cycle is None or cycle.response_complete:
                self.refuse(status, message)
            else:
                cycle.keep_alive = False
        elif self.pipeline and self.pipeline[0][0] is cycle:  # its body, while it waits its turn: answered then
            self.pipeline[0] = (cycle, _answering(status, message))
            cycle.keep_alive = False
        elif cycle.response_started:  # its body, while its own answer is being sent: the application sees a leave
            self.transport.close()
        else:
            self.refuse(status, message)

    def refuse(self, status: int, message: str) -> None:
        """Answer status with message as plain text and close the connection (no application involved)."""
        text = message.encode("ascii")
        head = [
            STATUS_LINE[status],
            *(name + b": " + value + b"\r\n" for name, value in self.server_state.default_headers),
        ]
        head += [b"content-type: text/plain; charset=utf-8\r\n", b"content-length: %d\r\n" % len(text)]
        self.transport.write(b"".join([*head, b"connection: close\r\n\r\n", text]))
        self.transport.close()

    def declined_body_read(self, chunked: bool) -> None:
        self.declined = None
        self.in_body = False
        if chunked:
            self.discarding = True  # the framing parser cannot say where the body ended within the read
            if self.cycle.response_complete:
                self.transport.close()
                return
            self.cycle.keep_alive = False
        super().on_message_complete()

    # llhttp callbacks
    def on_message_begin(self) -> None:
        if len(self.pipeline) >= MAX_QUEUED:  # parse no further: answer those queued, then close
            self.refusal = (400, f"More than {MAX_QUEUED} requests were pipelined.")
            raise _Refused
        super().on_message_begin()
        self.fields = self.unfinished = 0
        self.in_fields = self.began = True

    def on_url(self, url: bytes) -> None:
        self._count(len(url))
        super().on_url(url)

    def on_header(self, name: bytes, value: bytes) -> None:
        self._count(len(name) + len(value) + 4)
        if not self.in_body:  # a trailer field is counted and dropped: the application has the head already
            super().on_header(name, value)

    def on_headers_complete(self) -> None:
        self.in_fields = False
        self.fields = self.unfinished = 0
        super().on_headers_complete()
        self.in_body = True

    def on_chunk_header(self) -> None:
        self.in_fields = True  # a size line, or the last chunk's trailer fields, until body or chunk end

    def on_body(self, body: bytes) -> None:
        self.in_fields, self.progressed = False, True
        super().on_body(body)

    def on_chunk_complete(self) -> None:
        self.in_fields, self.progressed = False, True

    def on_message_complete(self) -> None:
        if self.parser.should_upgrade():  # never accepted: _should_upgrade_to_ws is False
            length = self._declined_body_length()
            if length != 0:
                self.declined = _DeclinedUpgradeBody(self, length)  # llhttp skipped the body: read it here
                return
        self.in_body = False
        super().on_message_complete()

    def _declined_body_length(self) -> int | None:
        """The body length of a request whose upgrade is declined: 0 without a body, None if chunked."""
        codings = b",".join(value for name, value in self.headers if name == b"transfer-encoding")
        if codings:
            if codings.rsplit(b",", 1)[-1].strip().lower() != b"chunked":
                self.refusal = (400, "A Transfer-Encoding other than chunked is not accepted.")
                raise _Refused
            return None
        lengths = [value for name, value in self.headers if name == b"content-length"]
        return int(lengths[0]) if lengths else 0  # llhttp has checked that it is one number

    def _count(self, size: int, unfinished: bool = False) -> None:
        if unfinished:
            self.unfinished += size
        else:
            self.fields += size
        if self.fields > MAX_HEAD or self.unfinished > MAX_HEAD:
            self.refusal = (431, f"The request's header (or trailer) fields exceed {MAX_HEAD} bytes.")
            raise _Refused
