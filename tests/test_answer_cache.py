"""The /api answer cache (web/answer_cache.py) and the embedded store's direct records.

A kept answer is byte for byte the computed one; it is revalidated by ETag; errors are never kept;
on a remote store it is asked again after its time to live, and concurrent misses ask the store once.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Iterator
from typing import Any

import httpx
import pytest
from fastapi.testclient import TestClient

from asmk_graph.namespaces import DEFAULT_GRAPH
from asmk_graph.paths import ProjectPaths
from asmk_graph.queries import load_queries
from asmk_graph.store import RemoteStore
from asmk_graph.store.results import Answer
from asmk_graph.store.stores import OxigraphStore, QueryError
from asmk_graph.store.virtuoso import VirtuosoServer
from asmk_graph.web.app import create_app

API_PATHS = [
    "/api/states",
    "/api/conferences",
    "/api/conferences/97",
    "/api/chairs",
    "/api/persons",
    "/api/resolutions",
    "/api/resolutions?state=DE-NW&outcome=majority&limit=3&offset=2",
    "/api/resolutions?q=Pflege",
    "/api/bodies",
    "/api/sources",
]


@pytest.fixture(scope="module")
def embedded(paths: ProjectPaths) -> OxigraphStore:
    return OxigraphStore.from_project(paths)


def test_direct_records_equal_the_answers_records(embedded: OxigraphStore, paths: ProjectPaths) -> None:
    """OxigraphStore.select skips the Answer's Terms; every SELECT of queries/ gives the same records."""
    checked = 0
    for query in load_queries(paths.queries).values():
        answer = embedded.answer(query.text)
        if answer.kind != "select":
            continue
        assert embedded.select(query.text) == answer.records(), query.name
        checked += 1
    assert checked >= 15
    with pytest.raises(QueryError, match="expected a SELECT"):
        embedded.select("ASK { ?s ?p ?o }")
    with pytest.raises(QueryError, match="query error"):
        embedded.select("SELECT WHERE {")


@pytest.fixture(scope="module")
def cached(paths: ProjectPaths) -> Iterator[TestClient]:
    with TestClient(create_app(paths, public_url="http://testserver")) as client:
        yield client


@pytest.fixture(scope="module")
def uncached(paths: ProjectPaths) -> Iterator[TestClient]:
    with TestClient(create_app(paths, public_url="http://testserver", api_cache=False)) as client:
        yield client


@pytest.mark.parametrize("accept", ["application/json", "application/ld+json"])
def test_kept_answers_are_the_computed_ones(cached: TestClient, uncached: TestClient, accept: str) -> None:
    for path in API_PATHS:
        computed = uncached.get(path, headers={"Accept": accept})
        first, again = (cached.get(path, headers={"Accept": accept}) for _ in range(2))
        assert computed.status_code == first.status_code == again.status_code == 200, path
        assert computed.content == first.content == again.content, path
        assert first.headers["etag"] == again.headers["etag"] and "etag" not in computed.headers
        for name in ("content-type", "link", "vary"):
            assert first.headers.get(name) == again.headers.get(name) == computed.headers.get(name), (path, name)


def test_etag_and_conditional_get(cached: TestClient) -> None:
    answer = cached.get("/api/resolutions?conference=97")
    etag = answer.headers["etag"]
    ld = cached.get("/api/resolutions?conference=97", headers={"Accept": "application/ld+json"})
    assert ld.headers["etag"] != etag and ld.json()["@context"].endswith("/api/contexts/resolutions.jsonld")
    # the ETag as sent: weak when the answer was gzipped on the way (web/http_semantics.py)
    not_modified = cached.get("/api/resolutions?conference=97", headers={"If-None-Match": f'"x", {etag}'})
    assert not_modified.status_code == 304 and not_modified.content == b""
    assert not_modified.headers["etag"].removeprefix("W/") == etag.removeprefix("W/")  # weakly equal (RFC 9110 8.8.3.2)
    assert "Accept" in not_modified.headers["vary"]
    assert cached.get("/api/resolutions?conference=97", headers={"If-None-Match": '"other"'}).status_code == 200
    other_page = cached.get("/api/resolutions?conference=97&limit=1")
    assert other_page.headers["etag"] != etag and len(other_page.json()["items"]) == 1


def test_errors_are_not_kept(cached: TestClient) -> None:
    for _ in range(2):
        refused = cached.get("/api/resolutions?state=NRW")
        assert refused.status_code == 400 and "etag" not in refused.headers
        assert cached.get("/api/conferences/5").status_code == 404


class CountingStore(RemoteStore):
    """A real RemoteStore that counts the queries it sends."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.sent: list[str] = []

    def answer(self, query: str, *args: Any, **kwargs: Any) -> Answer:
        self.sent.append(query)
        return super().answer(query, *args, **kwargs)


def test_remote_answers_are_asked_again_after_their_time_to_live(virtuoso: VirtuosoServer, paths: ProjectPaths) -> None:
    store = CountingStore(virtuoso.endpoint, DEFAULT_GRAPH)
    with TestClient(create_app(paths, store, public_url="http://testserver", api_cache_ttl=1.0)) as client:
        client.get("/api/bodies")  # whatever the first request of an application sets up
        first = client.get("/api/states")
        sent = len(store.sent)
        assert client.get("/api/states").content == first.content and len(store.sent) == sent
        time.sleep(1.05)
        assert client.get("/api/states").content == first.content and len(store.sent) == sent + 1


def test_concurrent_misses_ask_the_store_once(virtuoso: VirtuosoServer, paths: ProjectPaths) -> None:
    store = CountingStore(virtuoso.endpoint, DEFAULT_GRAPH)
    app = create_app(paths, store, public_url="http://testserver")

    async def together() -> list[httpx.Response]:
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as client:
            await client.get("/api/bodies")  # the search index and the like are built by now
            before = len(store.sent)
            answers = await asyncio.gather(*(client.get("/api/conferences/97") for _ in range(8)))
            assert len(store.sent) - before == 2  # the meeting and its resolutions, once
            return answers

    answers = asyncio.run(together())
    assert {a.status_code for a in answers} == {200} and len({a.content for a in answers}) == 1
