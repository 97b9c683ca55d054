"""The W3C SPARQL 1.1 test suite (../shared/conformance/w3c-sparql11) against the live server, both stores.

Protocol tests: each request of the manifest, sent as it describes it, to /sparql. Result-format
tests: the test's query over the test's data, the data given inside the query (the service has one
fixed dataset), the answer compared with the expected file. Service description: GET /sparql.
Each test is a row of docs/conformance.md; what does not apply says why.
"""

from __future__ import annotations

import csv
import io
import json
import re
import xml.etree.ElementTree as ET
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

import httpx
import pyoxigraph as ox
import pytest
from rdflib import RDF, Graph, Namespace, URIRef
from rdflib.collection import Collection

from .conformance import NOT_APPLICABLE
from .loopback import HTTP

W3C = Path(__file__).resolve().parents[2] / "shared" / "conformance" / "w3c-sparql11"
if not W3C.is_dir():
    pytest.skip(f"the W3C SPARQL tests are not at {W3C} (a clone without ../shared)", allow_module_level=True)

MF = Namespace("http://www.w3.org/2001/sw/DataAccess/tests/test-manifest#")
QT = Namespace("http://www.w3.org/2001/sw/DataAccess/tests/test-query#")
HT = Namespace("http://www.w3.org/2011/http#")
CNT = Namespace("http://www.w3.org/2011/content#")
UT = Namespace("http://www.w3.org/2009/sparql/tests/test-update#")
HTS = Namespace("http://www.w3.org/2011/http-statusCodes#")
SD = Namespace("http://www.w3.org/ns/sparql-service-description#")
XSD = "http://www.w3.org/2001/XMLSchema#"
RESULTS_NS = {"r": "http://www.w3.org/2005/sparql-results#"}

BOOLEAN_MEDIA = ("application/sparql-results+json", "application/sparql-results+xml")
TABULAR_MEDIA = (*BOOLEAN_MEDIA, "text/csv", "text/tab-separated-values")
RDF_MEDIA = {
    "text/turtle": "turtle",
    "application/n-triples": "nt",
    "application/rdf+xml": "xml",
    "application/ld+json": "json-ld",
}


def entries(manifest: Path) -> tuple[Graph, list[URIRef]]:
    graph = Graph().parse(manifest, format="turtle", publicID=manifest.as_uri())
    head = graph.value(URIRef(manifest.as_uri()), MF.entries)
    return graph, list(Collection(graph, head))  # type: ignore[arg-type]


# --- protocol ------------------------------------------------------------------------------------


@dataclass
class HttpRequest:
    method: str
    path: str
    headers: dict[str, str]
    body: bytes | None
    statuses: set[int]  # the acceptable status classes: 2, 3, 4
    expected_format: str | None
    expected_boolean: bool | None


@dataclass
class ProtocolTest:
    name: str
    title: str
    needs_own_data: bool
    requests: list[HttpRequest]

    @property
    def is_update(self) -> bool:
        first = self.requests[0]
        content_type = first.headers.get("content-type", "")
        form_update = first.body is not None and first.body.startswith(b"update=")
        return (content_type == "application/sparql-update" or form_update) and 2 in first.statuses


def protocol_tests() -> list[ProtocolTest]:
    graph, tests = entries(W3C / "protocol" / "manifest.ttl")
    out = []
    for test in tests:
        action = graph.value(test, MF.action)
        requests = []
        for request in Collection(graph, graph.value(action, HT.requests)):  # type: ignore[arg-type]
            headers = {}
            for header in Collection(graph, graph.value(request, HT.headers) or RDF.nil):  # type: ignore[arg-type]
                headers[str(graph.value(header, HT.fieldName)).lower()] = str(graph.value(header, HT.fieldValue))
            body_node = graph.value(request, HT.body)
            body = None
            if body_node is not None:
                encoding = str(graph.value(body_node, CNT.characterEncoding) or "UTF-8")
                body = str(graph.value(body_node, CNT.chars)).encode(encoding)
            response = graph.value(request, HT.resp)
            boolean = graph.value(response, MF.expectedBoolean)
            requests.append(
                HttpRequest(
                    method=str(graph.value(request, HT.methodName)),
                    path=str(graph.value(request, HT.absolutePath)).replace("/sparql/", "/sparql", 1),
                    headers=headers,
                    body=body,
                    statuses={int(str(s)[-3]) for s in graph.objects(response, MF.expectedStatus)},
                    expected_format=str(graph.value(response, MF.expectedFormat) or "") or None,
                    expected_boolean=None if boolean is None else bool(boolean.toPython()),
                )
            )
        name = str(test).rsplit("#", 1)[1]
        title = str(graph.value(test, MF.name))
        out.append(ProtocolTest(name, title, (test, UT.graphData, None) in graph, requests))
    return out


PROTOCOL_TESTS = protocol_tests()


def media_of(response: httpx.Response) -> str:
    return response.headers.get("content-type", "").split(";")[0].strip().lower()


def read_boolean(response: httpx.Response) -> bool:
    media = media_of(response)
    assert media in BOOLEAN_MEDIA, f"a boolean answer as {media!r}, not one of {BOOLEAN_MEDIA}"
    if media == BOOLEAN_MEDIA[0]:
        return bool(response.json()["boolean"])
    element = ET.fromstring(response.content).find("r:boolean", RESULTS_NS)
    assert element is not None and element.text in ("true", "false"), response.text
    return element.text == "true"


def check_format(response: httpx.Response, expected: str) -> None:
    media = media_of(response)
    if expected == "tabular":
        assert media in TABULAR_MEDIA, f"a SELECT answer as {media!r}"
        if media == BOOLEAN_MEDIA[0]:
            assert "vars" in response.json()["head"]
        elif media == BOOLEAN_MEDIA[1]:
            assert ET.fromstring(response.content).find("r:results", RESULTS_NS) is not None
    elif expected == "RDF":
        assert media in RDF_MEDIA, f"a graph answer as {media!r}"
        Graph().parse(data=response.content, format=RDF_MEDIA[media])


def send(http: httpx.Client, request: HttpRequest) -> httpx.Response:
    return http.request(request.method, request.path, headers=request.headers, content=request.body)


@pytest.mark.parametrize(
    "test",
    [
        pytest.param(t, marks=pytest.mark.conformance("w3c-protocol", t.name, order=i))
        for i, t in enumerate(PROTOCOL_TESTS)
    ],
    ids=[t.name for t in PROTOCOL_TESTS],
)
def test_protocol(live_server: str, test: ProtocolTest) -> None:
    with httpx.Client(base_url=live_server, timeout=30) as http:
        if test.is_update:
            refused = send(http, test.requests[0])
            assert refused.status_code == 403, f"an update should be refused with 403: {refused.status_code}"
            pytest.skip(f"{NOT_APPLICABLE}update on a read-only service (checked: refused with 403)")
        if test.needs_own_data:
            pytest.skip(f"{NOT_APPLICABLE}needs its own datasets (data1-3.nt as graphs of kasei.us)")
        for request in test.requests:
            response = send(http, request)
            status_class = response.status_code // 100
            assert status_class in request.statuses, f"{request.method} {request.path}: {response.status_code}"
            if request.expected_format == "boolean":
                value = read_boolean(response)
                assert request.expected_boolean is None or value is request.expected_boolean
            elif request.expected_format:
                check_format(response, request.expected_format)


# --- result formats --------------------------------------------------------------------------------


@dataclass(frozen=True)
class Term:
    kind: str  # uri | bnode | literal
    value: str
    datatype: str | None = None
    lang: str | None = None


INTEGER_FAMILY = {
    XSD + t
    for t in (
        "integer", "nonPositiveInteger", "negativeInteger", "long", "int", "short", "byte", "nonNegativeInteger",
        "unsignedLong", "unsignedInt", "unsignedShort", "unsignedByte", "positiveInteger",
    )
}  # fmt: skip
NUMERIC_FAMILY = {XSD + "decimal": "decimal", XSD + "double": "double", XSD + "float": "float"}


def family(datatype: str | None) -> str | None:
    """xsd:integer and its derived types are decimals (XSD 1.1, 3.4.13): Virtuoso turns "5"^^xsd:decimal into 5."""
    return "decimal" if datatype in INTEGER_FAMILY else NUMERIC_FAMILY.get(datatype or "")


def number(text: str) -> Decimal | None:
    try:
        return Decimal(text)
    except InvalidOperation:
        return None


def same_literal(expected: Term, actual: Term) -> bool:
    """Term equality, but numbers by value within their type family (the stores keep values, not lexical forms:
    Oxigraph writes "-3"^^xsd:negativeInteger as -3 and "1.0E6"^^xsd:double as 1000000, Virtuoso 1.0E6 as 1e+06)."""
    if family(expected.datatype) is not None:
        values = number(expected.value), number(actual.value)
        return family(expected.datatype) == family(actual.datatype) and None not in values and values[0] == values[1]
    return (expected.value, expected.datatype or XSD + "string", expected.lang) == (
        actual.value,
        actual.datatype or (None if actual.lang else XSD + "string"),
        actual.lang,
    )


class Bnodes:
    """A blank node bijection built while comparing rows (result sets are equal up to bnode labels)."""

    def __init__(self) -> None:
        self.forward: dict[str, str] = {}
        self.backward: dict[str, str] = {}

    def same(self, expected: str, actual: str) -> bool:
        if self.forward.setdefault(expected, actual) != actual:
            return False
        return self.backward.setdefault(actual, expected) == expected


def same_term(expected: Term | None, actual: Term | None, bnodes: Bnodes) -> bool:
    if expected is None or actual is None:
        return expected is actual
    if expected.kind != actual.kind:
        return False
    if expected.kind == "bnode":
        return bnodes.same(expected.value, actual.value)
    if expected.kind == "uri":
        return expected.value == actual.value
    return same_literal(expected, actual)


Table = tuple[list[str], list[list[Term | None]]]


def json_table(text: str) -> Table | bool:
    document = json.loads(text)
    if "boolean" in document:
        return bool(document["boolean"])

    def term(binding: dict[str, str]) -> Term:
        kind = "literal" if binding["type"] == "typed-literal" else binding["type"]
        return Term(kind, binding["value"], binding.get("datatype"), binding.get("xml:lang"))

    variables = document["head"]["vars"]
    rows = [[term(b[v]) if v in b else None for v in variables] for b in document["results"]["bindings"]]
    return variables, rows


TSV_TERM = re.compile(
    r'^(?:<(?P<iri>[^>]*)>|_:(?P<bnode>\S+)|"(?P<text>(?:[^"\\]|\\.)*)"(?:@(?P<lang>[A-Za-z0-9-]+)|\^\^<(?P<dt>[^>]*)>)?'
    r"|(?P<integer>[+-]?\d+)|(?P<decimal>[+-]?\d*\.\d+)|(?P<double>[+-]?(?:\d+\.?\d*|\.\d+)[eE][+-]?\d+)"
    r"|(?P<boolean>true|false))$"
)
ESCAPES = {"t": "\t", "n": "\n", "r": "\r", "b": "\b", "f": "\f", '"': '"', "'": "'", "\\": "\\"}


def unescape(text: str) -> str:
    def one(match: re.Match[str]) -> str:
        code = match.group(1)
        return chr(int(code[1:], 16)) if code[0] in "uU" else ESCAPES[code]

    return re.sub(r"\\(u[0-9A-Fa-f]{4}|U[0-9A-Fa-f]{8}|.)", one, text)


def tsv_term(cell: str) -> Term | None:
    if cell == "":
        return None
    match = TSV_TERM.match(cell)
    assert match, f"not an RDF term in Turtle syntax: {cell!r}"
    if match["iri"] is not None:
        return Term("uri", match["iri"])
    if match["bnode"] is not None:
        return Term("bnode", match["bnode"])
    if match["text"] is not None:
        return Term("literal", unescape(match["text"]), match["dt"], match["lang"])
    kind = next(k for k in ("integer", "decimal", "double", "boolean") if match[k] is not None)
    return Term("literal", match[kind], XSD + kind)


def tsv_table(text: str) -> Table:
    lines = text.rstrip("\n").split("\n")
    variables = [v.removeprefix("?") for v in lines[0].split("\t")]
    return variables, [[tsv_term(c) for c in line.split("\t")] for line in lines[1:]]


def csv_table(text: str) -> tuple[list[str], list[list[str]]]:
    rows = list(csv.reader(io.StringIO(text, newline="")))
    return rows[0], rows[1:]


def same_csv_cell(expected: str, actual: str, bnodes: Bnodes) -> bool:
    if expected.startswith("_:") and actual.startswith("_:"):
        return bnodes.same(expected, actual)
    numbers = number(expected), number(actual)
    if None not in numbers and expected != actual:
        return numbers[0] == numbers[1]
    return expected == actual


def data_as_values(query: str, data: Path, store: str) -> str:
    """The query with each triple pattern replaced by the data triples that match it, as VALUES.

    Blank nodes cannot be written in VALUES: they travel as placeholder IRIs that a subquery turns
    into blank nodes, by BNODE(), or on Virtuoso 7.2, which lacks BNODE(), as its own <nodeID://bN>.
    """
    triples = list(ox.parse(path=str(data), format=ox.RdfFormat.TURTLE))
    prefixes = dict(re.findall(r"PREFIX\s+(\w*):\s*<([^>]*)>", query, re.IGNORECASE))
    term = r"\?\w+|\w*:\w*|<[^>]*>"
    labels: dict[str, int] = {}

    def constant(text: str) -> str | None:
        if text.startswith("?"):
            return None
        if text.startswith("<"):
            return text[1:-1]
        prefix, local = text.split(":", 1)
        return prefixes[prefix] + local

    def placeholder(node: Any) -> str:
        if isinstance(node, ox.BlankNode):
            return f"<urn:x-blank:{labels.setdefault(node.value, len(labels) + 1)}>"
        return str(node)

    def blank_node(number: int) -> str:
        return f"<nodeID://b{number}>" if store == "virtuoso" else "BNODE()"

    def replace(match: re.Match[str]) -> str:
        pattern = match.group(1), match.group(2), match.group(3)
        rows = []
        for triple in triples:
            values = (triple.subject, triple.predicate, triple.object)
            if all(constant(p) in (None, v.value) for p, v in zip(pattern, values, strict=True)):
                rows.append({p: v for p, v in zip(pattern, values, strict=True) if p.startswith("?")})
        variables = [p for p in pattern if p.startswith("?")]
        if not variables:
            return "{ }" if rows else "{ FILTER (false) }"
        values_rows = " ".join("(" + " ".join(placeholder(r[v]) for v in variables) + ")" for r in rows)
        if not labels:
            return f"{{ VALUES ({' '.join(variables)}) {{ {values_rows} }} }}"
        inner = [f"?_{v[1:]}" for v in variables]
        binds = []
        for outer, raw in zip(variables, inner, strict=True):
            expression = raw
            for number in labels.values():
                # not sameTerm(): Virtuoso 7.2 answers false for an IRI that came from VALUES
                test = f'isIRI({raw}) && STR({raw}) = "urn:x-blank:{number}"'
                expression = f"IF({test}, {blank_node(number)}, {expression})"
            binds.append(f"BIND ({expression} AS {outer})")
        return (
            f"{{ SELECT {' '.join(variables)} WHERE {{ VALUES ({' '.join(inner)}) {{ {values_rows} }} "
            f"{' '.join(binds)} }} }}"
        )

    for triple in triples:  # number the blank nodes before writing any pattern
        for node in (triple.subject, triple.object):
            if isinstance(node, ox.BlankNode):
                labels.setdefault(node.value, len(labels) + 1)
    return re.sub(rf"({term})\s+({term})\s+({term})(?=\s*[.}}O])", replace, query)


@dataclass
class ResultTest:
    name: str
    query: Path
    data: Path
    result: Path

    @property
    def media(self) -> str:
        return {
            ".srj": "application/sparql-results+json",
            ".csv": "text/csv",
            ".tsv": "text/tab-separated-values",
        }[self.result.suffix]


def result_tests() -> list[ResultTest]:
    out = []
    for folder in ("json-res", "csv-tsv-res"):
        graph, tests = entries(W3C / folder / "manifest.ttl")
        for test in tests:
            action = graph.value(test, MF.action)
            paths = (graph.value(action, QT.query), graph.value(action, QT.data), graph.value(test, MF.result))
            query, data, result = (Path(str(p).removeprefix("file://")) for p in paths)
            out.append(ResultTest(str(test).rsplit("#", 1)[1], query, data, result))
    return out


RESULT_TESTS = result_tests()


@pytest.mark.parametrize(
    "test",
    [
        pytest.param(t, marks=pytest.mark.conformance("w3c-results", t.name, order=i))
        for i, t in enumerate(RESULT_TESTS)
    ],
    ids=[t.name for t in RESULT_TESTS],
)
def test_result_format(live_server: str, test: ResultTest, request: pytest.FixtureRequest) -> None:
    store = request.node.callspec.params["live_server"]
    query = data_as_values(test.query.read_text(encoding="utf-8"), test.data, store)
    response = HTTP.get(live_server + "/sparql", params={"query": query}, headers={"Accept": test.media}, timeout=30)
    assert response.status_code == 200, response.text
    assert media_of(response) == test.media
    expected_text = test.result.read_text(encoding="utf-8")
    read = {"text/csv": csv_table, "text/tab-separated-values": tsv_table}.get(test.media, json_table)
    expected, actual = read(expected_text), read(response.text)
    if isinstance(expected, bool):
        assert actual is expected
        return
    assert not isinstance(actual, bool)
    # SELECT * leaves the column order to the engine (Oxigraph sorts): columns are matched by name
    assert sorted(actual[0]) == sorted(expected[0]), "variables"
    assert len(actual[1]) == len(expected[1]), "rows"
    same = same_csv_cell if test.media == "text/csv" else same_term
    bnodes = Bnodes()
    for want, got in zip(expected[1], actual[1], strict=True):
        got_by_name = dict(zip(actual[0], got, strict=True))
        pairs = [(cell, got_by_name[name]) for name, cell in zip(expected[0], want, strict=True)]
        assert all(same(e, a, bnodes) for e, a in pairs), (want, got)  # type: ignore[operator]


# --- service description ----------------------------------------------------------------------------

# the ranges of the service description vocabulary's properties (SPARQL 1.1 Service Description, 3.2)
SD_RANGES: dict[URIRef, URIRef | None] = {
    SD.endpoint: None,
    SD.supportedLanguage: SD.Language,
    SD.resultFormat: None,
    SD.inputFormat: None,
    SD.feature: SD.Feature,
    SD.defaultDataset: SD.Dataset,
    SD.defaultGraph: SD.Graph,
    SD.namedGraph: SD.NamedGraph,
    SD.name: None,
    SD.graph: SD.Graph,
    SD.availableGraphs: SD.GraphCollection,
    SD.defaultEntailmentRegime: SD.EntailmentRegime,
    SD.extensionFunction: SD.Function,
    SD.languageExtension: SD.Feature,
    SD.propertyFeature: None,
}
SD_INSTANCES = {
    SD.SPARQL10Query: SD.Language,
    SD.SPARQL11Query: SD.Language,
    SD.SPARQL11Update: SD.Language,
    SD.DereferencesURIs: SD.Feature,
    SD.UnionDefaultGraph: SD.Feature,
    SD.RequiresDataset: SD.Feature,
    SD.EmptyGraphs: SD.Feature,
    SD.BasicFederatedQuery: SD.Feature,
}


def service_description(live_server: str) -> tuple[httpx.Response, Graph]:
    response = HTTP.get(live_server + "/sparql", headers={"Accept": "text/turtle"}, timeout=30)
    graph = Graph()
    if media_of(response) in RDF_MEDIA:
        graph.parse(data=response.content, format=RDF_MEDIA[media_of(response)])
    return response, graph


@pytest.mark.conformance("w3c-service-description", "returns-rdf", order=0)
def test_service_description_is_rdf(live_server: str) -> None:
    response, graph = service_description(live_server)
    assert response.status_code == 200 and media_of(response) in RDF_MEDIA and len(graph) > 0


@pytest.mark.conformance("w3c-service-description", "has-endpoint-triple", order=1)
def test_service_description_names_its_endpoint(live_server: str) -> None:
    _, graph = service_description(live_server)
    endpoints = {str(o) for o in graph.objects(None, SD.endpoint)}
    assert endpoints == {live_server + "/sparql"}, endpoints


@pytest.mark.conformance("w3c-service-description", "conforms-to-schema", order=2)
def test_service_description_conforms_to_schema(live_server: str) -> None:
    _, graph = service_description(live_server)
    types = {s: set(graph.objects(s, RDF.type)) for s in set(graph.subjects())}
    for node, cls in SD_INSTANCES.items():
        types.setdefault(node, set()).add(cls)
    problems: list[Any] = []
    for _, p, o in graph:
        if str(p).startswith(str(SD)) and p not in SD_RANGES:
            problems.append(f"{p} is not a property of the service description vocabulary")
        expected = SD_RANGES.get(p)  # type: ignore[call-overload]
        if expected is not None and expected not in types.get(o, set()):
            problems.append(f"{o} (object of {p}) is not an {expected}")
    services = [s for s, classes in types.items() if SD.Service in classes]
    assert len(services) == 1 and problems == [], (services, problems)
