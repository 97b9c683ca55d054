"""HTTP semantics (RFC 9110) of the live server, on both stores: methods, CORS headers, compression,
validators, the vocabulary IRIs, and what /health and `stats` count. Rows of docs/conformance.md."""

from __future__ import annotations

import gzip
import hashlib
import shutil
import subprocess
import sys
from pathlib import Path

import httpx
import pytest
from rdflib import OWL, RDF, Graph, URIRef

from asmk_graph.namespaces import ONTOLOGY_IRI

from .loopback import HTTP

ROOT = Path(__file__).resolve().parents[1]
VERSION = str(Graph().parse(ROOT / "ontology" / "asmk.ttl").value(ONTOLOGY_IRI, OWL.versionInfo))
ASK = "ASK { ?s ?p ?o }"
# every GET route, with example values for its path parameters (openapi.json lists the API's; the
# pages are not in it); a route added without an example here fails test_every_get_route_is_listed
GET_EXAMPLES = {
    "/api/states": "/api/states",
    "/api/conferences": "/api/conferences",
    "/api/chairs": "/api/chairs",
    "/api/persons": "/api/persons",
    "/api/bodies": "/api/bodies",
    "/api/sources": "/api/sources",
    "/api/conferences/{number}": "/api/conferences/97",
    "/api/resolutions": "/api/resolutions?conference=97",
    "/api/contexts/{resource}.jsonld": "/api/contexts/resolutions.jsonld",
    "/sparql": "/sparql?query=ASK%20%7B%7D",
    "/id/{kind}": "/id/dataset",
    "/id/{kind}/{key}": "/id/conference/97",
    "/id/{kind}/{key}/{name}": "/id/resolution/102/reform-sozialstaat",
    "/graph/{kind}": "/graph/editorial",
    "/graph/{kind}/{key}": "/graph/derived/subclass-types",
    "/ontology": "/ontology",
    "/def": "/def",
    "/def/{version}": "/def/" + VERSION,
    "/shapes": "/shapes",
    "/dumps/{name}": "/dumps/asmk.ttl",
    "/health": "/health",
    "/catalog": "/catalog",
    "/.well-known/void": "/.well-known/void",
    "/reconcile": "/reconcile",
    "/reconcile/suggest/entity": "/reconcile/suggest/entity?prefix=Luch",
    "/reconcile/suggest/type": "/reconcile/suggest/type",
    "/reconcile/suggest/property": "/reconcile/suggest/property",
    "/reconcile/preview": "/reconcile/preview?id=person/manne-lucha",
    "/reconcile/propose_properties": "/reconcile/propose_properties",
}
PAGES = ["/", "/id/", "/search?q=pflege", "/docs", "/redoc", "/sparql"]
VALIDATED = [
    "/id/conference/97",
    "/ontology",
    "/def",
    "/shapes",
    "/api/contexts/states.jsonld",
    "/dumps/SHA256SUMS",
    "/catalog",
    "/.well-known/void",
]


def http(live_server: str) -> httpx.Client:
    return httpx.Client(base_url=live_server, timeout=30)


@pytest.mark.conformance("http", "a POST body arrives when the client offers an upgrade to h2c (curl --http2)", order=0)
def test_post_body_survives_an_h2c_upgrade_offer(live_server: str) -> None:
    if shutil.which("curl") is None:
        pytest.skip("curl is not installed")
    command = [
        "curl", "--silent", "--show-error", "--http2", "-X", "POST", "-H", "Content-Type: application/sparql-query",
        "-H", "Accept: application/sparql-results+json", "--data", ASK, "--write-out", "\n%{http_code}",
        live_server + "/sparql",
    ]  # fmt: skip
    out = subprocess.run(command, capture_output=True, text=True, timeout=60, check=True).stdout
    body, status = out.rsplit("\n", 1)
    assert status == "200", body
    assert '"boolean": true' in body or '"boolean":true' in body


@pytest.mark.conformance("http", "HEAD on every GET route: the GET's status and header fields, no body", order=1)
def test_head_on_every_get_route(live_server: str) -> None:
    with http(live_server) as client:
        for path in [*GET_EXAMPLES.values(), *PAGES]:
            got, head = client.get(path), client.head(path)
            assert head.status_code == got.status_code == 200, path
            assert head.content == b"", path
            for field in ("content-type", "content-encoding", "etag", "vary"):
                assert head.headers.get(field) == got.headers.get(field), (path, field)


def test_every_get_route_is_listed(live_server: str) -> None:
    spec = HTTP.get(live_server + "/openapi.json", timeout=30).json()
    get_paths = {path for path, operations in spec["paths"].items() if "get" in operations}
    assert get_paths == set(GET_EXAMPLES), "add an example for each new GET route to GET_EXAMPLES"


@pytest.mark.conformance("http", "405 names every allowed method in Allow; OPTIONS answers with Allow", order=2)
def test_methods_allowed(live_server: str) -> None:
    with http(live_server) as client:
        for method, path, allowed in [
            ("PUT", "/sparql", "GET, HEAD, POST, OPTIONS"),
            ("DELETE", "/sparql", "GET, HEAD, POST, OPTIONS"),
            ("PATCH", "/api/states", "GET, HEAD, OPTIONS"),
            ("POST", "/id/conference/97", "GET, HEAD, OPTIONS"),
        ]:
            refused = client.request(method, path)
            assert refused.status_code == 405 and refused.headers["allow"] == allowed, (method, path)
            options = client.options(path)
            assert options.status_code == 204 and options.headers["allow"] == allowed, path
        assert client.options("/no/such/path").status_code == 404


@pytest.mark.conformance("http", "CORS headers: any origin reads GET and POST answers; preflight allowed", order=3)
def test_cors_headers(live_server: str) -> None:
    origin = {"Origin": "http://elsewhere.example"}
    with http(live_server) as client:
        preflight = client.options(
            "/sparql",
            headers={
                **origin,
                "Access-Control-Request-Method": "POST",
                "Access-Control-Request-Headers": "content-type",
            },
        )
        assert preflight.status_code == 200 and preflight.headers["access-control-allow-origin"] == "*"
        assert "POST" in preflight.headers["access-control-allow-methods"]
        assert "content-type" in preflight.headers["access-control-allow-headers"].lower()
        posted = client.post("/sparql", content=ASK, headers={**origin, "Content-Type": "application/sparql-query"})
        assert posted.status_code == 200 and posted.headers["access-control-allow-origin"] == "*"
        for path in ["/api/states", "/id/conference/97", "/api/contexts/states.jsonld", "/dumps/asmk.nt"]:
            response = client.get(path, headers=origin)
            assert response.headers["access-control-allow-origin"] == "*", path
            exposed = response.headers["access-control-expose-headers"].lower()
            assert "etag" in exposed and "link" in exposed, path
        refused = client.get("/api/conferences/5", headers=origin)  # errors are readable too
        assert refused.status_code == 404 and refused.headers["access-control-allow-origin"] == "*"


@pytest.mark.conformance(
    "http", "large answers gzip-compressed when accepted, with a weak ETag; .gz not again", order=4
)
def test_compression(live_server: str) -> None:
    raw = (ROOT / "graph" / "asmk.nt").read_bytes()
    with httpx.Client(base_url=live_server, timeout=30, headers={"Accept-Encoding": "gzip"}) as client:
        with client.stream("GET", "/dumps/asmk.nt") as response:
            assert response.headers["content-encoding"] == "gzip"
            assert "accept-encoding" in response.headers["vary"].lower()
            compressed = b"".join(response.iter_raw())
        assert gzip.decompress(compressed) == raw and len(compressed) < len(raw) / 5
        assert response.headers["etag"].startswith("W/")
        with client.stream("GET", "/dumps/asmk.nt.gz") as already:
            assert "content-encoding" not in already.headers
        small = client.get("/sparql", params={"query": ASK})
        assert "content-encoding" not in small.headers
        identity = client.get("/dumps/asmk.nt", headers={"Accept-Encoding": "identity"})
        assert "content-encoding" not in identity.headers and identity.content == raw


@pytest.mark.conformance(
    "http", "ETag, Last-Modified, 304 on /id/, /ontology, /def, /shapes, contexts, SHA256SUMS", order=5
)
def test_validators_and_conditional_get(live_server: str) -> None:
    with http(live_server) as client:
        for path in VALIDATED:
            first = client.get(path, headers={"Accept": "text/turtle"})
            assert first.status_code == 200, path
            etag, modified = first.headers["etag"], first.headers["last-modified"]
            again = client.get(path, headers={"Accept": "text/turtle", "If-None-Match": etag})
            assert again.status_code == 304 and again.headers["etag"] == etag and again.content == b"", path
            since = client.get(path, headers={"Accept": "text/turtle", "If-Modified-Since": modified})
            assert since.status_code == 304, path
            changed = client.get(path, headers={"Accept": "text/turtle", "If-None-Match": '"something-else"'})
            assert changed.status_code == 200 and changed.content == first.content, path
            other = client.get(path, headers={"Accept": "application/n-triples", "Accept-Encoding": "identity"})
            if other.headers["content-type"] != first.headers["content-type"]:  # another representation
                assert other.headers["etag"] != etag, path


@pytest.mark.conformance("http", "/dumps/SHA256SUMS: every file it lists is served there, with that sha256", order=6)
def test_checksums_are_served(live_server: str) -> None:
    with http(live_server) as client:
        sums = client.get("/dumps/SHA256SUMS")
        assert sums.status_code == 200 and sums.headers["content-type"].startswith("text/plain")
        listed = dict(reversed(line.split("  ", 1)) for line in sums.text.splitlines())
        assert {"asmk.ttl", "asmk.nt", "asmk.nt.gz", "asmk.jsonld"} <= set(listed)
        for name, digest in listed.items():
            served = client.get(f"/dumps/{name}", headers={"Accept-Encoding": "identity"}).content
            assert hashlib.sha256(served).hexdigest() == digest, name


@pytest.mark.conformance("http", "the vocabulary at /def (/def#Term) and its version IRI, content-negotiated", order=7)
def test_vocabulary_iris(live_server: str) -> None:
    with http(live_server) as client:
        turtle = client.get("/def", headers={"Accept": "text/turtle"})
        vocabulary = Graph().parse(data=turtle.text, format="turtle")
        assert (ONTOLOGY_IRI, RDF.type, OWL.Ontology) in vocabulary
        version_iri = vocabulary.value(ONTOLOGY_IRI, OWL.versionIRI)
        assert isinstance(version_iri, URIRef) and str(version_iri).startswith(str(ONTOLOGY_IRI) + "/")
        version_path = "/def/" + str(version_iri).rsplit("/", 1)[1]
        assert client.get(version_path, headers={"Accept": "text/turtle"}).text == turtle.text
        assert client.get("/def/0.0.0-none", headers={"Accept": "text/turtle"}).status_code == 404
        as_jsonld = client.get("/def", headers={"Accept": "application/ld+json"})
        assert as_jsonld.headers["content-type"].startswith("application/ld+json")
        assert len(Graph().parse(data=as_jsonld.text, format="json-ld")) == len(vocabulary)
        page = client.get("/def", headers={"Accept": "text/html"})
        assert page.headers["content-type"].startswith("text/html")
        for term in ("Meeting", "Resolution", "outcome"):  # /def#Term lands on the term's part of the page
            assert f'id="{term}"' in page.text, term


@pytest.mark.conformance("http", "/health, stats and build count the same triples (the union)", order=8)
def test_health_counts_like_with_like(live_server: str, graph: Graph) -> None:
    health = HTTP.get(live_server + "/health", timeout=30).json()
    in_dumps = len(Graph().parse(ROOT / "graph" / "asmk.nt", format="nt"))
    assert health["status"] == "ok" and health["triples"] == health["dumpTriples"] == in_dumps == len(graph)


def cli(*args: str) -> subprocess.CompletedProcess[str]:
    command = [sys.executable, "-m", "asmk_graph.cli", "--root", str(ROOT), *args]
    return subprocess.run(command, capture_output=True, text=True, timeout=120, check=False)


@pytest.mark.conformance("http", "serve --base X refuses a graph built with another base", order=9)
def test_serve_refuses_a_graph_of_another_base() -> None:
    refused = cli("serve", "--base", "https://example.org/other/", "--port", "9")
    assert refused.returncode == 2
    assert "built with another base than https://example.org/other/" in refused.stderr
    assert "--build" in refused.stderr


def test_stats_says_what_it_counts() -> None:
    out = cli("stats").stdout
    in_dumps = len(Graph().parse(ROOT / "graph" / "asmk.nt", format="nt"))
    assert f"triples (union of all graphs, ontology included): {in_dumps}\n" in out
