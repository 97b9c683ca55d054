"""How /sparql reads a request: format= as clients send it, one query, and XML that XML parsers read back."""

from __future__ import annotations

import xml.etree.ElementTree as ET

import pytest
from fastapi import HTTPException

from asmk_graph.store.results import NotXml, xml_1_0
from asmk_graph.web.sparql_request import choose_media, one_query

JSON, XML, CSV, TSV = (
    "application/sparql-results+json",
    "application/sparql-results+xml",
    "text/csv",
    "text/tab-separated-values",
)


@pytest.mark.parametrize(
    ("form", "values", "accept", "expected"),
    [
        ("select", ["tsv", "text/tab-separated-values"], "text/tab-separated-values", TSV),  # as SPARQLWrapper sends it
        ("select", ["json-ld", ""], "*/*", JSON),  # a graph format for a SELECT: Accept decides
        ("select", ["turtle"], "text/csv", CSV),
        ("select", ["text/csv; charset=utf-8"], None, CSV),
        ("select", ["application/json"], None, JSON),
        ("select", [], "application/xml", XML),
        ("ask", ["csv"], "application/sparql-results+xml, text/csv;q=0.1", XML),
        ("graph", ["xml"], None, "application/rdf+xml"),  # xml for a graph is RDF/XML
        ("graph", ["n3"], None, "text/turtle"),
        ("graph", ["json"], None, "application/ld+json"),
        ("graph", ["csv"], "application/n-triples", "application/n-triples"),
        ("graph", [], "text/plain", "application/n-triples"),
    ],
)
def test_format_and_accept(form: str, values: list[str], accept: str | None, expected: str) -> None:
    assert choose_media(form, values, accept) == expected


@pytest.mark.parametrize(
    ("form", "values", "accept", "status"),
    [
        ("select", ["png"], None, 400),  # names nothing known
        ("select", ["json", "xml"], None, 400),  # two different answers
        ("ask", ["csv"], "text/csv", 406),  # ASK has no CSV
        ("ask", ["tsv", "text/tab-separated-values"], "text/tab-separated-values", 406),
        ("select", [], "image/png", 406),
    ],
)
def test_format_refusals(form: str, values: list[str], accept: str | None, status: int) -> None:
    with pytest.raises(HTTPException) as refused:
        choose_media(form, values, accept)
    assert refused.value.status_code == status


def test_one_query() -> None:
    assert one_query(["ASK {}"], []) == "ASK {}"
    assert one_query([], []) is None
    with pytest.raises(HTTPException) as refused:
        one_query(["ASK {}"], ["SELECT * {}"])
    assert refused.value.status_code == 400 and "2 times" in str(refused.value.detail)


def test_xml_keeps_a_carriage_return_and_refuses_what_xml_cannot_carry() -> None:
    body = xml_1_0(b'<r xmlns="x"><literal>a\r\nb</literal></r>')
    assert ET.fromstring(body)[0].text == "a\r\nb"
    with pytest.raises(NotXml, match=r"U\+0001"):
        xml_1_0(b"<r>a\x01b</r>")
    with pytest.raises(NotXml, match=r"U\+FFFF"):
        xml_1_0("<r>a\uffffb</r>".encode())
    assert xml_1_0("<r>ä\u2028\t\n</r>".encode()) == "<r>ä\u2028\t\n</r>".encode()
