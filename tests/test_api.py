"""The API through FastAPI's TestClient and against a live uvicorn on 127.0.0.1.

Every test taking `client` or `live_server` runs twice: on the embedded Oxigraph store and on a
real Virtuoso (conftest.virtuoso) loaded with the same graph.
"""

from __future__ import annotations

import json
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from fastapi.testclient import TestClient
from rdflib import Graph

from asmk_graph.paths import ProjectPaths
from asmk_graph.web.app import create_app

from .conftest import remote_store
from .loopback import HTTP

ROOT = Path(__file__).resolve().parents[1]
STORES = ["oxigraph", "virtuoso"]


@pytest.fixture(scope="module", params=STORES)
def client(request: pytest.FixtureRequest, paths: ProjectPaths) -> Iterator[TestClient]:
    store = remote_store(request.getfixturevalue("virtuoso")) if request.param == "virtuoso" else None
    # links are built from the public URL, never from the Host header (TestClient sends Host: testserver)
    with TestClient(create_app(paths, store, public_url="http://testserver")) as test_client:
        yield test_client


def test_states(client: TestClient) -> None:
    body = client.get("/api/states").json()
    assert body["total"] == 16
    hb = next(s for s in body["items"] if s["code"] == "DE-HB")
    assert (hb["wikidata"], hb["nuts"], hb["ars"]) == ("Q1209", "DE5", "04")


def test_conference_98_year_and_chair_are_derived(client: TestClient) -> None:
    c98 = client.get("/api/conferences/98").json()
    assert (c98["year"], c98["chair"]) == (2021, {"state": "DE-HB", "name": "Bremen"})
    assert c98["derived"] == ["year", "chair"] and c98["editorial"] == []
    assert (c98["startDate"], c98["place"], c98["virtual"]) == (None, None, None)  # no source states them
    c96 = client.get("/api/conferences/96").json()
    assert (c96["year"], c96["derived"]) == (2019, [])  # 001 states the year
    assert c96["virtual"] is None  # held in Rostock, but no source says whether in person or online


def test_resolution_items_follow_the_decision_chain(client: TestClient) -> None:
    items = {
        r["id"].rsplit("/", 1)[-1]: r for r in client.get("/api/resolutions", params={"limit": 100}).json()["items"]
    }
    reform = items["reform-sozialstaat"]
    assert (reform["outcome"], reform["allStates"], reform["initiators"]) == ("unanimous", True, [])
    assert [d["kind"] for d in reform["demands"]][:4] == ["calls-for", "calls-for", "calls-for", "welcomes"]
    assert reform["demands"][0]["addressee"]["name"] == "Bundesregierung"
    assert reform["demands"][1]["addressee"] is None  # the source names no addressee for it
    assert (reform["agendaItem"], reform["voteCounts"], reform["positions"]) == (None, None, [])
    assert reform["editorial"] == ["topics"] and reform["derived"] == ["year"]
    unstated = items["telematik-langzeitpflege"]
    assert (unstated["outcome"], unstated["allStates"]) == (None, None)  # not stated: null, never a default
    split = items["ki-arbeitsmarkt"]
    assert split["editorialNote"] and "editorialNote" in split["editorial"]
    assert client.get("/api/resolutions", params={"outcome": "unstated", "conference": 102}).json()["total"] == 7


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
    assert jung == {
        "id": jung["id"],
        "person": "https://w3id.org/asmk/id/person/magnus-jung",
        "name": "Magnus Jung",
        "from": "2022-05-26",
        "until": None,
        "office": "https://w3id.org/asmk/id/office/de-sl-minister",
        "derived": [],
        "editorial": [],
    }
    assert jung["id"].startswith("https://w3id.org/asmk/id/chair/2022/")
    # no source names Bremen's chair persons for 2021: a declared rule derives them, and says so
    bremen = chairs[2021]
    assert sorted(p["name"] for p in bremen["persons"]) == ["Anja Stahmann", "Kristina Vogt"]
    assert all(p["derived"] == ["name", "office"] for p in bremen["persons"])
    assert (bremen["from"], bremen["until"], bremen["derived"]) == ("2021-01-01", "2022-01-01", ["from"])
    assert chairs[2022]["derived"] == [] and jung["derived"] == []
    assert 2025 not in chairs


def test_persons_bodies_sources(client: TestClient) -> None:
    persons = {p["name"]: p for p in client.get("/api/persons").json()["items"]}
    assert persons["Nicole Hoffmeister-Kraut"]["honorificPrefix"] == "Dr."
    bodies = {b["name"]: b for b in client.get("/api/bodies").json()["items"]}
    assert bodies["Länderausschuss für Arbeitsschutz und Sicherheitstechnik"]["relation"] == "engagedIn"
    sources = {s["key"]: s for s in client.get("/api/sources").json()["items"]}
    assert len(sources) == 10  # 9 in sources.yaml, 1 in external-ids.yaml
    report = sources["002"]
    assert report["title"].startswith("Bericht über die Ergebnisse der 102. Arbeits- und Sozialministerkonferenz")
    assert report["addressedTo"] == "Präsident(in) des Landtags Nordrhein-Westfalen"
    assert report["urls"] == ["https://www.asmkonline.de/asmk-protokolle.html"]
    assert (sources["000"]["number"], sources["003"]["title"]) == ("314/2020", None)  # 003 has no title of its own
    laumann = persons["Karl-Josef Laumann"]["offices"]
    assert [o["label"] for o in laumann] == ["Mitglied des Landtags Nordrhein-Westfalen"]


def test_which_source_says_this(client: TestClient) -> None:
    """GRAPH ?g names the source (or the rule) behind a statement, on both stores."""
    query = """
        PREFIX asmk: <https://w3id.org/asmk/def#>
        PREFIX prov: <http://www.w3.org/ns/prov#>
        SELECT ?fact ?from WHERE {
          { GRAPH ?g { <https://w3id.org/asmk/id/conference/97> asmk:plannedLocation ?place }
            ?g prov:wasDerivedFrom/asmk:fileName ?from . BIND ("planned place" AS ?fact) }
          UNION
          { GRAPH ?g { <https://w3id.org/asmk/id/conference/98> asmk:year ?year }
            ?g asmk:derivedBy/asmk:queryFile ?from . BIND ("year of the 98th" AS ?fact) }
        } ORDER BY ?fact ?from"""
    rows = client.get("/sparql", params={"query": query}).json()["results"]["bindings"]
    assert [(r["fact"]["value"], r["from"]["value"]) for r in rows] == [
        ("planned place", "000_fa4c4f4f4c8f4cea.txt"),
        ("planned place", "001_e4f1c5398ec08e66.txt"),
        ("year of the 98th", "queries/rules/meeting-year-from-report.rq"),
    ]
    # the default graph is the union: a triple two sources state is one triple there
    planned = (
        "SELECT ?o WHERE { <https://w3id.org/asmk/id/conference/97> <https://w3id.org/asmk/def#plannedLocation> ?o }"
    )
    assert len(client.get("/sparql", params={"query": planned}).json()["results"]["bindings"]) == 1


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
    for name, media in (("asmk.trig", "application/trig"), ("asmk.nq", "application/n-quads")):
        quads = client.get(f"/dumps/{name}")
        assert quads.headers["content-type"].startswith(media)
        assert quads.content == (paths.graph_dir / name).read_bytes()
    assert {"/dumps/asmk.trig", "/dumps/asmk.nq"} <= set(client.get("/").json()["dumps"])
    assert response.headers["etag"].removeprefix("W/").strip('"') == response.headers["x-checksum-sha256"]
    assert client.get("/dumps/secret.txt").status_code == 404


def test_live_uvicorn_with_real_clients(live_server: str) -> None:
    from SPARQLWrapper import JSON, SPARQLWrapper

    assert HTTP.get(live_server + "/api/states", timeout=10).json()["total"] == 16
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
    assert "Accept" in [v.strip() for v in response.headers["vary"].split(",")]


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


NUMBERS = "PREFIX asmk: <https://w3id.org/asmk/def#> SELECT ?n WHERE { ?m asmk:number ?n } ORDER BY ?n"
NUMBER_TRIPLES = "PREFIX asmk: <https://w3id.org/asmk/def#> CONSTRUCT { ?m asmk:number ?n } WHERE { ?m asmk:number ?n }"


def test_select_results_in_every_format(client: TestClient) -> None:
    import csv
    import io
    import xml.etree.ElementTree as ET

    as_json = client.get("/sparql", params={"query": NUMBERS}, headers={"Accept": "application/sparql-results+json"})
    assert [int(b["n"]["value"]) for b in as_json.json()["results"]["bindings"]] == [96, 97, 98, 99, 102]
    assert as_json.json()["results"]["bindings"][0]["n"]["datatype"].lower().endswith("integer")
    as_xml = client.get("/sparql", params={"query": NUMBERS, "format": "xml"})
    assert as_xml.headers["content-type"].startswith("application/sparql-results+xml")
    ns = {"r": "http://www.w3.org/2005/sparql-results#"}
    assert [e.text for e in ET.fromstring(as_xml.content).findall(".//r:literal", ns)] == [
        "96",
        "97",
        "98",
        "99",
        "102",
    ]
    as_csv = client.get("/sparql", params={"query": NUMBERS}, headers={"Accept": "text/csv"})
    assert list(csv.reader(io.StringIO(as_csv.text))) == [["n"], ["96"], ["97"], ["98"], ["99"], ["102"]]
    as_tsv = client.get("/sparql", params={"query": NUMBERS}, headers={"Accept": "text/tab-separated-values"})
    # Oxigraph's writer (embedded store) abbreviates integers as Turtle does; both forms are SPARQL TSV
    header, first = as_tsv.text.splitlines()[:2]
    assert header == "?n" and (first == "96" or first.startswith('"96"^^<http://www.w3.org/2001/XMLSchema#'))
    ask = "ASK { ?s ?p ?o }"
    assert client.get("/sparql", params={"query": ask}).json() == {"head": {}, "boolean": True}
    assert "<boolean>true</boolean>" in client.get("/sparql", params={"query": ask, "format": "xml"}).text
    # a browser's Accept falls back to JSON; plain application/json is understood
    assert client.get("/sparql", params={"query": ask}, headers={"Accept": "application/json"}).status_code == 200


@pytest.mark.parametrize(
    ("accept", "fmt", "rdflib_format"),
    [
        ("text/turtle", "turtle", "turtle"),
        ("application/n-triples", "ntriples", "nt"),
        ("application/ld+json", "jsonld", "json-ld"),
        ("application/rdf+xml", "rdfxml", "xml"),
    ],
)
def test_construct_in_every_rdf_format(client: TestClient, accept: str, fmt: str, rdflib_format: str) -> None:
    from rdflib import Graph

    by_accept = client.get("/sparql", params={"query": NUMBER_TRIPLES}, headers={"Accept": accept})
    assert by_accept.headers["content-type"].startswith(accept)
    assert len(Graph().parse(data=by_accept.text, format=rdflib_format)) == 5
    by_param = client.post("/sparql", data={"query": NUMBER_TRIPLES}, params={"format": fmt})
    assert len(Graph().parse(data=by_param.text, format=rdflib_format)) == 5


def test_service_description(client: TestClient) -> None:
    from rdflib import Graph, Namespace, URIRef

    sd = Namespace("http://www.w3.org/ns/sparql-service-description#")
    response = client.get("/sparql", headers={"Accept": "text/turtle"})
    assert response.status_code == 200 and response.headers["content-type"].startswith("text/turtle")
    description = Graph().parse(data=response.text, format="turtle")
    service = URIRef("http://testserver/sparql")
    assert (service, sd.supportedLanguage, sd.SPARQL11Query) in description
    assert (service, sd.resultFormat, URIRef("http://www.w3.org/ns/formats/SPARQL_Results_CSV")) in description
    count = client.get("/sparql", params={"query": "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }"}).json()
    triples = next(description.objects(None, URIRef("http://rdfs.org/ns/void#triples")))
    assert int(triples) == int(count["results"]["bindings"][0]["n"]["value"])


@pytest.mark.parametrize(
    "url",
    [
        "/api/states",
        "/api/conferences",
        "/api/conferences/97",
        "/api/resolutions",
        "/api/persons",
        "/api/bodies",
        "/api/sources",
        "/api/chairs",
    ],
)
def test_json_ld_states_only_what_the_graph_states(client: TestClient, paths: ProjectPaths, url: str) -> None:
    from rdflib import Graph

    plain = client.get(url)
    assert 'rel="http://www.w3.org/ns/json-ld#context"' in plain.headers["link"]
    response = client.get(url, headers={"Accept": "application/ld+json"})
    assert response.headers["content-type"].startswith("application/ld+json")
    document = response.json()
    context = client.get(document["@context"].removeprefix("http://testserver")).json()
    document["@context"] = context["@context"]
    triples = Graph().parse(data=json.dumps(document), format="json-ld")
    graph = Graph().parse(paths.graph_dir / "asmk.nt")
    assert set(triples) - set(graph) == set()
    assert len(triples) >= 10


def test_dumps_support_conditional_requests(client: TestClient) -> None:
    first = client.get("/dumps/asmk.nt.gz")
    assert first.headers["last-modified"] and first.headers["content-type"] == "application/gzip"
    etag = first.headers["etag"]
    assert client.get("/dumps/asmk.nt.gz", headers={"If-None-Match": etag}).status_code == 304
    since = client.get("/dumps/asmk.nt.gz", headers={"If-Modified-Since": first.headers["last-modified"]})
    assert since.status_code == 304
    assert client.get("/dumps/asmk.nt.gz", headers={"If-None-Match": '"other"'}).status_code == 200


BAD_REQUESTS = [
    # (method, path, params / form / body, headers, status, words in the message)
    ("GET", "/sparql", {"query": ""}, {}, 400, "missing 'query'"),
    ("GET", "/sparql", {"query": "SELEC ?x WHERE {}"}, {}, 400, "query error"),
    ("GET", "/sparql", {"update": "CLEAR ALL"}, {}, 403, "read-only"),
    ("GET", "/sparql", {"query": "DELETE WHERE { ?s ?p ?o }"}, {}, 403, "read-only"),
    ("POST-FORM", "/sparql", {"update": "INSERT DATA { <a:b> <a:c> <a:d> }"}, {}, 403, "read-only"),
    ("POST-BODY", "/sparql", "CLEAR DEFAULT", {"Content-Type": "application/sparql-update"}, 403, "read-only"),
    ("POST-BODY", "/sparql", "SELECT * {}", {"Content-Type": "text/plain"}, 415, "application/sparql-query"),
    ("GET", "/sparql", {"query": "SELECT * { SERVICE <http://example.org/s> { ?s ?p ?o } }"}, {}, 400, "SERVICE"),
    ("GET", "/sparql", {"query": "ASK {}", "format": "png"}, {}, 400, "format='png'"),
    ("GET", "/sparql", {"query": "ASK {}"}, {"Accept": "image/png"}, 406, "offered"),
    ("GET", "/sparql", {"query": "ASK {}", "default-graph-uri": "data0.rdf"}, {}, 400, "not an absolute IRI"),
    ("GET", "/sparql", {"query": ["ASK {}", "ASK {}"]}, {}, 400, "given 2 times"),
    ("GET", "/api/resolutions", {"state": "NRW"}, {}, 400, "ISO 3166-2"),
    ("GET", "/api/resolutions", {"outcome": "maybe"}, {}, 400, "unanimous"),
    ("GET", "/api/resolutions", {"conference": "x"}, {}, 400, "conference='x'"),
    ("GET", "/api/resolutions", {"q": " -- "}, {}, 400, "no word"),
    ("GET", "/api/states", {"limit": "0"}, {}, 400, "limit='0'"),
    ("GET", "/api/states", {}, {"Accept": "text/csv"}, 406, "application/ld+json"),
    ("GET", "/api/conferences/5", {}, {}, 404, "no conference"),
    ("GET", "/api/contexts/nothing.jsonld", {}, {}, 404, "no context"),
    ("GET", "/id/conference/1", {}, {}, 404, "no resource"),
    ("GET", "/id/conference/97", {}, {"Accept": "image/png"}, 406, "offered"),
    ("GET", "/dumps/secret.txt", {}, {}, 404, "available"),
]


def send(http: Any, method: str, path: str, data: Any, headers: dict[str, str]) -> Any:
    if method == "GET":
        return http.get(path, params=data, headers=headers)
    if method == "POST-FORM":
        return http.post(path, data=data, headers=headers)
    return http.post(path, content=data, headers=headers)


def test_bad_input_against_live_uvicorn(live_server: str) -> None:
    with httpx.Client(base_url=live_server, timeout=20) as http:
        for method, path, data, headers, status, words in BAD_REQUESTS:
            response = send(http, method, path, data, headers)
            assert response.status_code == status, (path, data, response.text)
            # one error shape everywhere: RFC 9457 problem details
            assert response.headers["content-type"] == "application/problem+json", (path, data)
            problem = response.json()
            assert problem["status"] == status and problem["instance"].startswith(path), problem
            assert problem["type"] == "about:blank" and problem["title"], problem
            assert words in problem["detail"], (path, data, response.text)


def test_live_uvicorn_protocol_variants(live_server: str) -> None:
    from SPARQLWrapper import CSV, JSON, POST, TURTLE, XML, SPARQLWrapper

    for method in ("GET", POST):
        for fmt in (JSON, XML, CSV):
            sw = SPARQLWrapper(live_server + "/sparql")
            sw.setMethod(method)
            sw.setQuery(NUMBERS)
            sw.setReturnFormat(fmt)
            body = sw.query().response.read().decode()
            assert "102" in body and "96" in body, (method, fmt)
    sw = SPARQLWrapper(live_server + "/sparql")
    sw.setQuery(NUMBER_TRIPLES)
    sw.setReturnFormat(TURTLE)
    assert len(sw.query().convert()) > 0  # type: ignore[arg-type]
    direct = HTTP.post(
        live_server + "/sparql",
        content=NUMBERS,
        timeout=20,
        headers={"Content-Type": "application/sparql-query", "Accept": "text/csv"},
    )
    assert direct.text.split() == ["n", "96", "97", "98", "99", "102"]
    filters = {"conference": 102, "outcome": "majority", "state": "DE-NW", "topic": "digitalisierung", "q": "pflege"}
    for name, value in filters.items():
        assert HTTP.get(live_server + "/api/resolutions", params={name: value}, timeout=20).json()["total"] > 0, name


@pytest.mark.parametrize(
    ("query", "status"),
    [
        ("SELECT ?copy WHERE { ?s ?p ?copy }", None),  # a variable named like a keyword
        ('SELECT * { ?s <http://x/INSERT> "DELETE WHERE" } # CLEAR ALL', None),  # IRI, string, comment
        ('SELECT * { ?s ex:service "SERVICE" }', None),
        ("INSERT DATA { <a:b> <a:c> <a:d> }", 403),
        ("delete{?s ?p ?o} where {?s ?p ?o}", 403),
        ("PREFIX x: <y:> CLEAR ALL", 403),
        ("LOAD <http://example.org/x>", 403),
        ("SELECT * { service<http://example.org/s> { ?s ?p ?o } }", 400),
    ],
)
def test_update_and_service_detection(query: str, status: int | None) -> None:
    from asmk_graph.web.query_check import QueryLimits, QueryRefused, check_query

    if status is None:
        assert check_query(query, QueryLimits()) == "select"
    else:
        with pytest.raises(QueryRefused) as refused:
            check_query(query, QueryLimits())
        assert refused.value.status == status


def test_health_compares_the_store_with_the_dumps(client: TestClient) -> None:
    health = client.get("/health").json()
    # like with like: the store's default graph and graph/asmk.nt are both the union of all graphs
    graph_triples = len(Graph().parse(ROOT / "graph" / "asmk.nt"))
    assert health["status"] == "ok" and health["triples"] == health["dumpTriples"] == graph_triples


def test_openapi_documents_every_resource(client: TestClient) -> None:
    spec = client.get("/openapi.json").json()
    paths = set(spec["paths"])
    for resource in (
        "states",
        "conferences",
        "conferences/{number}",
        "chairs",
        "persons",
        "resolutions",
        "bodies",
        "sources",
    ):
        assert f"/api/{resource}" in paths
    params = {p["name"] for p in spec["paths"]["/api/resolutions"]["get"]["parameters"]}
    assert params == {"conference", "year", "state", "outcome", "topic", "q", "limit", "offset"}
    assert {"/sparql", "/id/{kind}/{key}", "/dumps/{name}", "/health"} <= paths
    assert client.get("/docs").status_code == 200
