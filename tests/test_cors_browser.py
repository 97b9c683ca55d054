"""CORS as a browser enforces it: a page of another origin (http://localhost:<port>, while the API is
at http://127.0.0.1:<port>) reads every public route with fetch() in Debian's headless chromium.
Rows of docs/conformance.md."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest

from asmk_graph.store.virtuoso import free_port

from .chromium import CHROMIUM, CHROMIUM_ARGS
from .chromium import MISSING as CHROMIUM_MISSING
from .test_http_protocol import GET_EXAMPLES

playwright_api = pytest.importorskip("playwright.sync_api", reason="playwright is a dev dependency: make install")
if not CHROMIUM.exists():
    pytest.skip(CHROMIUM_MISSING, allow_module_level=True)

PAGE = b"<!DOCTYPE html><html><head><title>another origin</title></head><body>elsewhere</body></html>"
# run in the page: every request, and what the page could read of each answer
READ_EVERYTHING = """
async ({api, requests}) => {
  const out = [];
  for (const r of requests) {
    try {
      const response = await fetch(api + r.path, {method: r.method, headers: r.headers, body: r.body});
      const text = r.method === "HEAD" ? "" : await response.text();
      out.push({path: r.path, method: r.method, status: response.status, length: text.length,
                type: response.headers.get("content-type"), etag: response.headers.get("etag"),
                link: response.headers.get("link")});
    } catch (error) {
      out.push({path: r.path, method: r.method, error: String(error)});
    }
  }
  return out;
}
"""


@pytest.fixture(scope="module")
def other_origin() -> Iterator[str]:
    """A page on http://localhost:<port>: another origin than the API's 127.0.0.1, still loopback."""

    class Handler(BaseHTTPRequestHandler):
        def log_message(self, *args: object) -> None:
            pass

        def do_GET(self) -> None:
            self.send_response(200)
            self.send_header("Content-Type", "text/html; charset=utf-8")
            self.send_header("Content-Length", str(len(PAGE)))
            self.end_headers()
            self.wfile.write(PAGE)

    server = ThreadingHTTPServer(("127.0.0.1", free_port()), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        yield f"http://localhost:{server.server_address[1]}/"
    finally:
        server.shutdown()
        server.server_close()


@pytest.fixture(scope="module")
def page(other_origin: str) -> Iterator[Any]:
    with playwright_api.sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        tab = browser.new_page()
        tab.goto(other_origin)
        yield tab
        browser.close()


def read_from_page(page: Any, live_server: str, requests: list[dict[str, Any]]) -> list[dict[str, Any]]:
    results: list[dict[str, Any]] = page.evaluate(READ_EVERYTHING, {"api": live_server, "requests": requests})
    return results


@pytest.mark.conformance("cors", "GET and HEAD of every public route, read from another origin", order=0)
def test_every_route_is_readable_from_another_origin(page: Any, live_server: str) -> None:
    paths = [*GET_EXAMPLES.values(), "/", "/dumps/SHA256SUMS", "/api/contexts/states.jsonld"]
    requests = [{"path": p, "method": m, "headers": {}} for p in paths for m in ("GET", "HEAD")]
    results = read_from_page(page, live_server, requests)
    unreadable = [r for r in results if "error" in r or r["status"] != 200]
    assert unreadable == []
    assert all(r["length"] > 0 for r in results if r["method"] == "GET")
    states = next(r for r in results if r["path"] == "/api/states")
    assert "json-ld#context" in (states["link"] or "")  # an exposed header


@pytest.mark.conformance("cors", "POST of a query: form (simple) and application/sparql-query (preflighted)", order=1)
def test_queries_can_be_posted_from_another_origin(page: Any, live_server: str) -> None:
    query = "ASK { ?s ?p ?o }"
    accept = {"Accept": "application/sparql-results+json"}
    requests = [
        {
            "path": "/sparql",
            "method": "POST",
            "headers": {**accept, "Content-Type": "application/x-www-form-urlencoded"},
            "body": "query=" + query.replace(" ", "+"),
        },
        {
            "path": "/sparql",
            "method": "POST",
            "headers": {**accept, "Content-Type": "application/sparql-query"},
            "body": query,
        },
    ]
    results = read_from_page(page, live_server, requests)
    assert [(r.get("status"), r.get("type", "").split(";")[0]) for r in results] == [
        (200, "application/sparql-results+json")
    ] * 2, results


@pytest.mark.conformance(
    "cors", "conditional GET from another origin (If-None-Match preflighted, ETag exposed)", order=2
)
def test_conditional_get_from_another_origin(page: Any, live_server: str) -> None:
    first = read_from_page(page, live_server, [{"path": "/id/conference/97", "method": "GET", "headers": {}}])[0]
    assert first["status"] == 200 and first["etag"], first
    again = {"path": "/id/conference/97", "method": "GET", "headers": {"If-None-Match": first["etag"]}}
    assert read_from_page(page, live_server, [again])[0]["status"] == 304


def test_a_header_the_api_does_not_allow_fails_the_preflight(page: Any, live_server: str) -> None:
    """The preflight is not a blanket yes: a header outside the allowed ones is refused."""
    odd = {"path": "/api/states", "method": "GET", "headers": {"X-Something": "1"}}
    assert "error" in read_from_page(page, live_server, [odd])[0]
