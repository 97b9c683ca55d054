"""/sparql beyond the W3C tests, on the live server, both stores: base IRI, the dataset, XML that
parses back, ASK formats, one query per request. Rows of docs/conformance.md."""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET

import httpx
import pytest
from rdflib import Graph, URIRef

from asmk_graph.namespaces import DEFAULT_GRAPH

from .loopback import HTTP

RESULTS = {"r": "http://www.w3.org/2005/sparql-results#"}
JSON = "application/sparql-results+json"


def sparql(live_server: str, query: str, accept: str = JSON, **params: str | list[str]) -> httpx.Response:
    return HTTP.get(live_server + "/sparql", params={"query": query, **params}, headers={"Accept": accept}, timeout=30)


@pytest.mark.conformance("sparql", "relative IRIs resolve against the endpoint's IRI", order=0)
def test_relative_iris_resolve_against_the_endpoint(live_server: str) -> None:
    graph = Graph().parse(data=sparql(live_server, "CONSTRUCT { <s> <p> 1 } WHERE {}", "text/turtle").text)
    assert {str(s) for s in graph.subjects()} == {live_server + "/s"}
    rows = sparql(live_server, "SELECT ?x WHERE { BIND (<a/b> AS ?x) }").json()["results"]["bindings"]
    assert rows == [{"x": {"type": "uri", "value": live_server + "/a/b"}}]
    own_base = "BASE <http://example.org/here/> SELECT ?x WHERE { BIND (<there> AS ?x) }"
    assert (
        sparql(live_server, own_base).json()["results"]["bindings"][0]["x"]["value"] == "http://example.org/here/there"
    )


@pytest.mark.conformance(
    "sparql", "XML answers parse back: a carriage return stays one, XML-less characters 406", order=1
)
def test_xml_answers_are_well_formed(live_server: str) -> None:
    xml = "application/sparql-results+xml"
    with_cr = sparql(live_server, 'SELECT ?x WHERE { BIND ("a\\r\\nb" AS ?x) }', xml)
    literal = ET.fromstring(with_cr.content).find(".//r:literal", RESULTS)
    assert literal is not None and literal.text == "a\r\nb"
    rdf_xml = sparql(live_server, 'CONSTRUCT { <http://e/s> <http://e/p> "c\\rd" } WHERE {}', "application/rdf+xml")
    assert [str(o) for o in Graph().parse(data=rdf_xml.text, format="xml").objects()] == ["c\rd"]
    control = 'SELECT ?x WHERE { BIND ("a\\u0001b" AS ?x) }'
    refused = sparql(live_server, control, xml)
    assert refused.status_code == 406 and "U+0001" in refused.json()["detail"]
    assert sparql(live_server, control).json()["results"]["bindings"][0]["x"]["value"] == "a\x01b"


@pytest.mark.conformance("sparql", "ASK: JSON or XML; CSV/TSV alone 406 (the W3C formats define no boolean)", order=2)
def test_ask_formats(live_server: str) -> None:
    assert sparql(live_server, "ASK {}", "text/csv").status_code == 406
    refused = sparql(live_server, "ASK {}", "text/tab-separated-values", format="tsv")
    assert refused.status_code == 406 and JSON in refused.json()["detail"]
    assert sparql(live_server, "ASK {}", "text/csv, application/sparql-results+xml;q=0.5").text.count("<boolean>true")
    assert sparql(live_server, "ASK {}", "*/*").json()["boolean"] is True


@pytest.mark.conformance("sparql", "one query per request: a second one, anywhere, is a 400", order=3)
def test_one_query_per_request(live_server: str) -> None:
    with httpx.Client(base_url=live_server, timeout=30) as http:
        assert http.get("/sparql", params={"query": ["ASK {}", "ASK {}"]}).status_code == 400
        assert http.post("/sparql", data={"query": ["ASK {}", "ASK {}"]}).status_code == 400
        in_both = http.post("/sparql", params={"query": "ASK {}"}, data={"query": "ASK {}"})
        assert in_both.status_code == 400
        direct = http.post(
            "/sparql",
            params={"query": "ASK {}"},
            content="ASK {}",
            headers={"Content-Type": "application/sparql-query"},
        )
        assert direct.status_code == 400 and "2 times" in direct.json()["detail"]


@pytest.mark.conformance("sparql", "the dataset: default-graph-uri/named-graph-uri; other graphs are empty", order=4)
def test_protocol_dataset(live_server: str) -> None:
    count = "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }"

    def triples(**params: str | list[str]) -> int:
        response = sparql(live_server, count, **params)
        assert response.status_code == 200, response.text
        return int(response.json()["results"]["bindings"][0]["n"]["value"])

    everything = triples()
    assert everything > 3000
    assert triples(**{"default-graph-uri": DEFAULT_GRAPH}) == everything  # the whole graph by its name
    assert triples(**{"default-graph-uri": "http://example.org/not-here"}) == 0
    assert triples(**{"named-graph-uri": DEFAULT_GRAPH}) == 0  # named graphs only: an empty default graph
    # GRAPH ?g ranges over the graphs the service has, never over other graphs of the store behind it
    graphs = "SELECT DISTINCT ?g WHERE { GRAPH ?g { ?s ?p ?o } }"
    named = {b["g"]["value"] for b in sparql(live_server, graphs).json()["results"]["bindings"]}
    assert not [g for g in named if "openlinksw" in g or g.startswith("http://www.w3.org/")], named


def test_service_description_is_served_with_the_endpoint_iri(live_server: str) -> None:
    description = HTTP.get(live_server + "/sparql", headers={"Accept": "application/ld+json"}, timeout=30)
    graph = Graph().parse(data=json.dumps(description.json()), format="json-ld")
    assert (URIRef(live_server + "/sparql"), None, None) in graph
