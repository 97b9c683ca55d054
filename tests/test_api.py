"""The API through FastAPI's TestClient and against a live uvicorn on 127.0.0.1.

Every test taking `client` or `live_server` runs twice: on the embedded Oxigraph store and on a
real Virtuoso (conftest.virtuoso) loaded with the same graph.
"""

from __future__ import annotations

import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from fastapi.testclient import TestClient

from asmk_graph.api import create_app
from asmk_graph.namespaces import DEFAULT_GRAPH
from asmk_graph.paths import ProjectPaths
from asmk_graph.virtuoso import VirtuosoServer

from .conftest import remote_store

ROOT = Path(__file__).resolve().parents[1]
STORES = ["oxigraph", "virtuoso"]


@pytest.fixture(scope="module", params=STORES)
def client(request: pytest.FixtureRequest, paths: ProjectPaths) -> Iterator[TestClient]:
    store = remote_store(request.getfixturevalue("virtuoso")) if request.param == "virtuoso" else None
    with TestClient(create_app(paths, store)) as test_client:
        yield test_client


def test_states(client: TestClient) -> None:
    body = client.get("/api/states").json()
    assert body["total"] == 16
    hb = next(s for s in body["items"] if s["code"] == "DE-HB")
    assert (hb["wikidata"], hb["nuts"], hb["ars"]) == ("Q1209", "DE5", "04")


def test_conference_detail(client: TestClient) -> None:
    c97 = client.get("/api/conferences/97").json()
    assert (c97["startDate"], c97["virtual"], c97["plannedPlace"]) == ("2020-11-26", True, "Mannheim")
    assert c97["chair"] == {"state": "DE-BW", "name": "Baden-Württemberg"}
    assert {r["outcome"] for r in c97["resolutions"]} == {"large-majority", "unanimous"}
    assert client.get("/api/conferences/102").json()["chair"] is None
    assert client.get("/api/conferences/5").status_code == 404


def test_resolution_filters_and_pagination(client: TestClient) -> None:
    majority = client.get("/api/resolutions", params={"conference": 102, "outcome": "majority"}).json()
    assert majority["total"] == 10
    nrw = client.get("/api/resolutions", params={"state": "DE-NW", "limit": 5}).json()
    # 6 initiated + 3 co-sponsored + the other all-states motion (Reform Sozialstaat)
    assert nrw["total"] == 10 and len(nrw["items"]) == 5 and "next" in nrw["links"]
    assert client.get("/api/resolutions", params={"q": "kindergrundsicherung"}).json()["total"] == 1
    report = client.get("/api/resolutions", params={"conference": 97, "topic": "digitalisierung"}).json()["items"]
    assert report[0]["kind"] == "report" and report[0]["leadState"] == "DE-BW"
    assert client.get("/api/resolutions", params={"state": "NRW"}).status_code == 400
    assert client.get("/api/resolutions", params={"outcome": "probably"}).status_code == 400


def test_chairs_keep_a_change_within_the_year(client: TestClient) -> None:
    chairs = {c["year"]: c for c in client.get("/api/chairs").json()["items"]}
    assert chairs[2022]["state"] == "DE-SL"
    jung = next(p for p in chairs[2022]["persons"] if p["name"] == "Magnus Jung")
    assert jung == {"name": "Magnus Jung", "from": "2022-05-26", "until": None}
    assert chairs[2021]["persons"] == []
    assert 2025 not in chairs


def test_persons_bodies_sources(client: TestClient) -> None:
    persons = {p["name"]: p for p in client.get("/api/persons").json()["items"]}
    assert persons["Nicole Hoffmeister-Kraut"]["honorificPrefix"] == "Dr."
    bodies = {b["name"]: b for b in client.get("/api/bodies").json()["items"]}
    assert bodies["Länderausschuss für Arbeitsschutz und Sicherheitstechnik"]["relation"] == "engagedIn"
    sources = client.get("/api/sources").json()
    assert sources["total"] == 9


def test_sparql_protocol(client: TestClient) -> None:
    q = "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }"
    assert client.get("/sparql", params={"query": q}).json()["results"]["bindings"][0]["n"]["value"]
    csv = client.post("/sparql", data={"query": q}, headers={"Accept": "text/csv"})
    assert csv.headers["content-type"].startswith("text/csv") and csv.text.startswith("n\r\n")
    direct = client.post("/sparql", content=q, headers={"Content-Type": "application/sparql-query"})
    assert direct.status_code == 200
    bad = client.get("/sparql", params={"query": "SELEC ?x"})
    assert bad.status_code == 400 and "query error" in bad.json()["detail"]
    assert client.post("/sparql", data={"update": "INSERT DATA { <a:b> <a:c> <a:d> }"}).status_code == 403
    assert client.get("/sparql", params={"query": "INSERT DATA { <a:b> <a:c> <a:d> }"}).status_code == 403
    svc = "SELECT * WHERE { SERVICE <http://example.org/sparql> { ?s ?p ?o } }"
    assert client.get("/sparql", params={"query": svc}).status_code == 400


def test_dumps(client: TestClient, paths: ProjectPaths) -> None:
    response = client.get("/dumps/asmk.ttl")
    assert response.content == (paths.graph_dir / "asmk.ttl").read_bytes()
    assert response.headers["etag"].strip('"') == response.headers["x-checksum-sha256"]
    assert client.get("/dumps/secret.txt").status_code == 404


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture(scope="module", params=STORES)
def live_server(request: pytest.FixtureRequest) -> Iterator[str]:
    port = free_port()
    command = [sys.executable, "-m", "asmk_graph.cli", "--root", str(ROOT), "serve", "--port", str(port)]
    if request.param == "virtuoso":
        server: VirtuosoServer = request.getfixturevalue("virtuoso")
        command += ["--endpoint", server.endpoint, "--graph", DEFAULT_GRAPH]
    proc = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    url = f"http://127.0.0.1:{port}"
    try:
        for _ in range(100):
            try:
                httpx.get(url + "/", timeout=1)
                break
            except httpx.TransportError:
                time.sleep(0.2)
        yield url
    finally:
        proc.terminate()
        proc.wait(timeout=10)


def test_live_uvicorn_with_real_clients(live_server: str) -> None:
    from SPARQLWrapper import JSON, SPARQLWrapper

    assert httpx.get(live_server + "/api/states", timeout=10).json()["total"] == 16
    sw = SPARQLWrapper(live_server + "/sparql")
    sw.setQuery("PREFIX asmk: <https://w3id.org/asmk/def#> SELECT ?n WHERE { ?m asmk:number ?n } ORDER BY ?n")
    sw.setReturnFormat(JSON)
    result = sw.query().convert()
    assert [int(b["n"]["value"]) for b in result["results"]["bindings"]] == [96, 97, 98, 99, 102]  # type: ignore[index]


@pytest.mark.parametrize(
    ("accept", "expected"),
    [
        ("text/turtle", "text/turtle"),
        ("application/ld+json", "application/ld+json"),
        ("application/n-triples", "application/n-triples"),
        ("application/rdf+xml", "application/rdf+xml"),
        ("text/html,application/xhtml+xml,*/*;q=0.8", "text/html"),
        ("application/ld+json;q=0.5, text/turtle;q=0.9", "text/turtle"),
        ("text/*;q=0.2, application/ld+json", "application/ld+json"),
        ("*/*", "text/turtle"),
    ],
)
def test_resource_content_negotiation(client: TestClient, accept: str, expected: str) -> None:
    response = client.get("/id/conference/97", headers={"Accept": accept})
    assert response.status_code == 200
    assert response.headers["content-type"].startswith(expected)
    assert response.headers["vary"] == "Accept"


def test_resource_representations(client: TestClient) -> None:
    from rdflib import Graph, URIRef

    ttl = client.get("/id/conference/97", headers={"Accept": "text/turtle"}).text
    graph = Graph().parse(data=ttl, format="turtle")
    c97 = URIRef("https://w3id.org/asmk/id/conference/97")
    assert (c97, URIRef("https://w3id.org/asmk/def#virtual"), None) in graph
    # its source citations (hash nodes) come along
    assert any("#source-" in str(s) for s in graph.subjects())
    page = client.get("/id/resolution/102/reform-sozialstaat", headers={"Accept": "text/html"}).text
    assert "<h1>Reform Sozialstaat</h1>" in page and ">München<" not in page
    assert ">102. Arbeits- und Sozialministerkonferenz</a>" in page  # linked resource shown by its label


def test_resource_errors(client: TestClient) -> None:
    assert client.get("/id/conference/1", headers={"Accept": "text/turtle"}).status_code == 404
    assert client.get("/id/conference/97", headers={"Accept": "image/png"}).status_code == 406
    assert client.get("/id/%22%3E%3Cscript%3E", headers={"Accept": "text/turtle"}).status_code == 404


def test_ontology_and_shapes_are_served(client: TestClient) -> None:
    onto = client.get("/ontology", headers={"Accept": "text/turtle"})
    assert "asmk:MinisterConference" in onto.text or "MinisterConference" in onto.text
    shapes = client.get("/shapes", headers={"Accept": "application/ld+json"})
    assert shapes.status_code == 200 and "ResolutionShape" in shapes.text


def test_runaway_query_is_stopped_and_others_are_served(paths: ProjectPaths) -> None:
    import threading

    app_client = TestClient(create_app(paths, query_timeout=2.0, workers=2))
    cross_join = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }"
    answers: dict[str, int] = {}

    def slow() -> None:
        answers["slow"] = app_client.get("/sparql", params={"query": cross_join}).status_code

    app_client.get("/sparql", params={"query": "ASK {}"})  # start the workers
    thread = threading.Thread(target=slow)
    started = time.monotonic()
    thread.start()
    time.sleep(0.3)
    quick = app_client.get("/sparql", params={"query": "SELECT * WHERE { ?s ?p ?o } LIMIT 1"})
    assert quick.status_code == 200 and time.monotonic() - started < 2.0  # served while the slow one runs
    thread.join(30)
    assert answers["slow"] == 503 and time.monotonic() - started < 15
    # the killed worker was replaced: the endpoint still answers
    assert app_client.get("/sparql", params={"query": "ASK { ?s ?p ?o }"}).json()["boolean"] is True


def test_result_rows_are_capped(paths: ProjectPaths) -> None:
    capped = TestClient(create_app(paths, max_rows=10, workers=1))
    response = capped.get("/sparql", params={"query": "SELECT * WHERE { ?s ?p ?o }"})
    assert response.status_code == 400 and "more than 10 rows" in response.json()["detail"]
    assert capped.get("/sparql", params={"query": "SELECT * WHERE { ?s ?p ?o } LIMIT 10"}).status_code == 200
