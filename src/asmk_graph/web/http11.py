"""HTTP/1.1 for `serve`: uvicorn's httptools protocol (llhttp, in C), with two things it lacks.

h11, uvicorn's pure-Python parser, has both, but costs about a tenth of a request's time at one
client (docs/benchmarks.md). So the faster parser gets them here:

- **A declined upgrade keeps its body.** A request that offers an upgrade the server does not make
  (`Connection: Upgrade, HTTP2-Settings` with `Upgrade: h2c`, sent by `curl --http2` and by Java's
  HTTP client, so Jena) is answered as plain HTTP/1.1, as RFC 9110 §7.8 allows. httptools skips
  the body of any request that offers an upgrade and leaves it in the stream, so a POSTed query
  arrived empty. Here the body is read from the stream: by its Content-Length (the connection
  then stays open), or by its chunked framing (the connection then closes after the answer,
  since the framing parser cannot say where the body ended within the last read).
- **The head is bounded.** The request line and the header fields together may take MAX_HEAD
  bytes (h11's bound), and a head may go on over further reads for at most MAX_HEAD more bytes
  (httptools buffers an unfinished field, unseen, until it ends). Beyond either, the answer is
  431 and the connection closes. httptools alone keeps whatever arrives.
"""

from __future__ import annotations

from typing import Any

import httptools
from uvicorn.protocols.http.httptools_impl import STATUS_LINE, HttpToolsProtocol

MAX_HEAD = 16 * 1024


class _HeadTooLarge(Exception):
    pass


class _DeclinedUpgradeBody:
    """The body of a request whose upgrade offer is declined, read from the stream that follows its head."""

    def __init__(self, protocol: Http11Protocol, headers: list[tuple[bytes, bytes]]) -> None:
        self.protocol = protocol
        self.done = False
        lengths = [value for name, value in headers if name == b"content-length"]
        self.left: int | None = int(lengths[0]) if lengths else None  # None: chunked
        if self.left is None:  # llhttp parses the chunked framing behind a head that asks for nothing else
            self.framing = httptools.HttpRequestParser(self)
            self.framing.feed_data(b"POST / HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n")

    def feed(self, data: bytes) -> bytes:
        """Pass data's body bytes on; return the bytes after the body (the next request's, if any)."""
        if self.left is None:
            self.framing.feed_data(data)  # llhttp errors (bad chunk sizes) propagate: the caller answers 400
            return b""
        body, rest = data[: self.left], data[self.left :]
        self.left -= len(body)
        if body:
            self.protocol.on_body(body)
        if self.left == 0:
            self.on_message_complete()
        return rest

    # llhttp callbacks (chunked framing)
    def on_body(self, body: bytes) -> None:
        if not self.done:
            self.protocol.on_body(body)

    def on_message_complete(self) -> None:
        if not self.done:
            self.done = True
            self.protocol.declined_body_read(closing=self.left is None)


class Http11Protocol(HttpToolsProtocol):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.head_size = 0  # bytes of the request line and the fields parsed so far
        self.unfinished = 0  # bytes of further reads that ended with the head still unfinished
        self.in_head = False
        self.head_too_large = False
        self.declined: _DeclinedUpgradeBody | None = None

    def data_received(self, data: bytes) -> None:
        while data and not self.transport.is_closing():
            data = self._parse(data)

    def _parse(self, data: bytes) -> bytes:
        """Parse data; return what is left for the next round (what follows a declined upgrade's head)."""
        if self.declined is not None:
            try:
                return self.declined.feed(data)
            except httptools.HttpParserError:
                self.send_400_response("Invalid chunked request body.")
                return b""
        self._unset_keepalive_if_required()
        continued = self.in_head
        try:
            self.parser.feed_data(data)
            if continued and self.in_head:
                self._count(len(data), unfinished=True)
        except _HeadTooLarge:
            self.refuse(431, f"The request line and header fields exceed {MAX_HEAD} bytes.")
        except httptools.HttpParserUpgrade as upgrade:
            if self._should_upgrade():
                self.handle_websocket_upgrade()
                return b""
            return data[upgrade.args[0] :]  # llhttp stops at the head: the body, or the next request, follows
        except httptools.HttpParserError:
            if self.head_too_large:
                self.refuse(431, f"The request line and header fields exceed {MAX_HEAD} bytes.")
            else:
                self.send_400_response("Invalid HTTP request received.")
        return b""

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

    def declined_body_read(self, closing: bool) -> None:
        self.declined = None
        if closing:
            self.cycle.keep_alive = False
        super().on_message_complete()

    # llhttp callbacks
    def on_message_begin(self) -> None:
        super().on_message_begin()
        self.head_size = self.unfinished = 0
        self.in_head = True

    def on_headers_complete(self) -> None:
        self.in_head = False
        super().on_headers_complete()

    def on_url(self, url: bytes) -> None:
        self._count(len(url))
        super().on_url(url)

    def on_header(self, name: bytes, value: bytes) -> None:
        self._count(len(name) + len(value) + 4)
        super().on_header(name, value)

    def on_message_complete(self) -> None:
        if self.parser.should_upgrade() and not self._should_upgrade() and self._has_body():
            self.declined = _DeclinedUpgradeBody(self, self.headers)  # llhttp skipped the body: read it here
            return
        super().on_message_complete()

    def _count(self, size: int, unfinished: bool = False) -> None:
        if unfinished:
            self.unfinished += size
        else:
            self.head_size += size
        if self.head_size > MAX_HEAD or self.unfinished > MAX_HEAD:
            self.head_too_large = True
            raise _HeadTooLarge

    def _has_body(self) -> bool:
        for name, value in self.headers:
            if name == b"content-length" and value.strip() not in (b"", b"0"):
                return True
            if name == b"transfer-encoding" and b"chunked" in value.lower():
                return True
        return False
