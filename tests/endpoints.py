"""A misbehaving SPARQL endpoint on 127.0.0.1 for fault tests: a real HTTP server whose mode the
test switches between forwarding to a real Virtuoso and failing in the ways endpoints fail."""

from __future__ import annotations

import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from .loopback import HTTP


class FaultyEndpoint:
    MODES = ("proxy", "slow", "drip", "garbage", "truncating", "partial", "retry")
    # what Virtuoso answers a query aborted by a database-wide atomic operation
    RETRY_BODY = (
        b"<html><head><title>Error 40001</title></head><body><h3>Error 40001</h3><pre>\nSR325: Transaction "
        b"aborted due to a database checkpoint or database-wide atomic operation. Please retry transaction\n</pre>"
        b"</body></html>\n"
    )

    def __init__(self, port: int, upstream: str) -> None:
        self.port, self.upstream, self.mode = port, upstream, "proxy"
        self.retries_asked = 0  # in mode retry: how many queries were answered 40001
        self.retries_to_ask: int | None = None  # in mode retry: how many to answer so (None: all)
        self.server: ThreadingHTTPServer | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}/sparql"

    def start(self) -> FaultyEndpoint:
        endpoint = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args: object) -> None:
                pass

            def do_POST(self) -> None:
                body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
                if endpoint.mode == "slow":  # 5 s, or until the test switches the mode
                    until = time.monotonic() + 5
                    while endpoint.mode == "slow" and time.monotonic() < until:
                        time.sleep(0.05)
                if endpoint.mode == "retry" and endpoint.retries_asked != endpoint.retries_to_ask:
                    endpoint.retries_asked += 1
                    return self.answer(500, {"Content-Type": "text/html"}, endpoint.RETRY_BODY)
                if endpoint.mode == "garbage":
                    return self.answer(200, {"Content-Type": "text/html"}, b"<html><body>Maintenance</body></html>")
                if endpoint.mode == "drip":
                    self.send_response(200)
                    self.send_header("Content-Type", "application/sparql-results+json")
                    self.end_headers()
                    for _ in range(20):
                        if endpoint.mode != "drip":
                            break
                        self.wfile.write(b" ")
                        self.wfile.flush()
                        time.sleep(0.4)
                    return None
                upstream = HTTP.post(
                    endpoint.upstream,
                    content=body,
                    timeout=30,
                    headers={"Content-Type": self.headers["Content-Type"], "Accept": self.headers.get("Accept", "*/*")},
                )
                headers = {"Content-Type": upstream.headers["content-type"]}
                if endpoint.mode == "truncating":
                    headers["X-SPARQL-MaxRows"] = "10000"
                if endpoint.mode == "partial":  # what Virtuoso's anytime queries send
                    headers["X-SQL-State"] = "S1TAT"
                return self.answer(upstream.status_code, headers, upstream.content)

            def answer(self, status: int, headers: dict[str, str], body: bytes) -> None:
                self.send_response(status)
                for name, value in headers.items():
                    self.send_header(name, value)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

        self.server = ThreadingHTTPServer(("127.0.0.1", self.port), Handler)
        self.server.daemon_threads = True
        threading.Thread(target=self.server.serve_forever, daemon=True).start()
        return self

    def stop(self) -> None:
        if self.server is not None:
            self.server.shutdown()
            self.server.server_close()
            self.server = None
