"""The /api answer cache (web/answer_cache.py) and the embedded store's direct records.

A kept answer is byte for byte the computed one; it is revalidated by ETag; errors are never kept;
on a remote store it is asked again after its time to live (in the background while a stale answer is
sent), and concurrent misses ask the store once. /health counts the store at most once a second.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable, Iterator
from typing import Any

import httpx
import pytest
from fastapi.testclient import TestClient

from asmk_graph.namespaces import DEFAULT_GRAPH
from asmk_graph.paths import ProjectPaths
from asmk_graph.queries import load_queries
from asmk_graph.store import RemoteStore
from asmk_graph.store.results import Answer
from asmk_graph.store.stores import EndpointDown, OxigraphStore, QueryError
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
    assert etag.startswith("W/") and not_modified.headers["etag"] == etag  # what the 200 had (RFC 9110 15.4.5)
    plain = cached.get("/api/resolutions?conference=97", headers={"Accept-Encoding": "identity"})
    assert not plain.headers["etag"].startswith("W/") and plain.headers["etag"] == etag.removeprefix("W/")
    assert (
        cached.get(
            "/api/resolutions?conference=97",
            headers={"Accept-Encoding": "identity", "If-None-Match": plain.headers["etag"]},
        ).headers["etag"]
        == plain.headers["etag"]
    )
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
    """A real RemoteStore that counts the queries it sends; it can be made slow, or to fail."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.sent: list[str] = []
        self.delay = 0.0
        self.failing = False

    def answer(self, query: str, *args: Any, **kwargs: Any) -> Answer:
        self.sent.append(query)
        time.sleep(self.delay)
        if self.failing:
            raise EndpointDown("the store is down (CountingStore.failing)")
        return super().answer(query, *args, **kwargs)


def until(condition: Callable[[], bool], seconds: float = 10.0) -> bool:
    deadline = time.monotonic() + seconds
    while not condition() and time.monotonic() < deadline:
        time.sleep(0.02)
    return condition()


@pytest.fixture()
def remote(virtuoso: VirtuosoServer, paths: ProjectPaths) -> Iterator[tuple[TestClient, CountingStore]]:
    """An API on Virtuoso whose /api answers are fresh 1 s (and sent stale 1 s more)."""
    store = CountingStore(virtuoso.endpoint, DEFAULT_GRAPH)
    with TestClient(create_app(paths, store, public_url="http://testserver", api_cache_ttl=1.0)) as client:
        client.get("/api/bodies")  # whatever the first request of an application sets up
        yield client, store


def test_remote_answers_are_computed_again_in_the_background_after_their_time_to_live(
    remote: tuple[TestClient, CountingStore],
) -> None:
    client, store = remote
    first = client.get("/api/states")
    sent = len(store.sent)
    assert client.get("/api/states").content == first.content and len(store.sent) == sent
    time.sleep(1.05)
    store.delay = 2.0  # the store is busy: the stale answer is sent without waiting for it
    started = time.monotonic()
    stale = client.get("/api/states")
    assert stale.content == first.content and time.monotonic() - started < 1.0
    assert until(lambda: len(store.sent) == sent + 1)  # one computation, in the background
    # while it runs, the stale answer is sent and no second computation starts
    assert client.get("/api/states").content == first.content and len(store.sent) == sent + 1
    store.delay = 0.0


def test_remote_answers_unasked_for_twice_their_time_to_live_are_computed_at_once(
    remote: tuple[TestClient, CountingStore],
) -> None:
    client, store = remote
    client.get("/api/sources")
    sent = len(store.sent)
    time.sleep(2.05)
    store.failing = True  # computed now, while the client waits: the client sees the store's error
    assert client.get("/api/sources").status_code >= 500 and len(store.sent) == sent + 1


def test_a_background_computation_that_fails_drops_the_stale_answer(remote: tuple[TestClient, CountingStore]) -> None:
    client, store = remote
    first = client.get("/api/chairs")
    sent = len(store.sent)
    time.sleep(1.05)
    store.failing = True
    assert client.get("/api/chairs").content == first.content  # stale, while the background fails
    assert until(lambda: len(store.sent) == sent + 1)
    time.sleep(0.2)
    assert client.get("/api/chairs").status_code >= 500  # not the stale answer: computed, and failed
    store.failing = False
    assert client.get("/api/chairs").content == first.content


def test_linked_data_answers_are_kept_per_representation(cached: TestClient, uncached: TestClient) -> None:
    for accept in ("text/turtle", "application/ld+json", "text/html"):
        computed = uncached.get("/id/conference/97", headers={"Accept": accept})
        for _ in range(2):  # computed, then kept
            assert cached.get("/id/conference/97", headers={"Accept": accept}).content == computed.content
    turtle = cached.get("/id/conference/97", headers={"Accept": "text/turtle"})
    json_ld = cached.get("/id/conference/97", headers={"Accept": "application/ld+json"})
    assert turtle.status_code == json_ld.status_code == 200
    assert turtle.headers["content-type"].startswith("text/turtle") and json_ld.headers["content-type"].startswith(
        "application/ld+json"
    )
    again = cached.get("/id/conference/97", headers={"Accept": "text/turtle", "If-None-Match": turtle.headers["etag"]})
    assert again.status_code == 304


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


def test_health_counts_the_store_at_most_once_a_second(remote: tuple[TestClient, CountingStore]) -> None:
    client, store = remote
    counts = lambda: sum("COUNT" in query for query in store.sent)  # noqa: E731
    first = client.get("/health")
    assert first.status_code == 200 and first.json()["checkedSecondsAgo"] < 1.0
    before = counts()
    assert all(client.get("/health").status_code == 200 for _ in range(20))
    assert counts() - before <= 1  # 20 requests within about a second: the store counted once at most
    time.sleep(1.05)
    store.delay = 2.0  # the store is busy: /health answers with the last count, and counts in the background
    started = time.monotonic()
    health = client.get("/health").json()
    assert time.monotonic() - started < 1.0 and health["status"] == "ok" and health["checkedSecondsAgo"] >= 1.0
    store.delay = 0.0
    store.failing = True  # a failed count is never kept: the next requests wait for a new one
    assert until(lambda: client.get("/health").status_code == 503)
    store.failing = False
    assert client.get("/health").status_code == 200
