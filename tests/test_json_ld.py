"""Every /api answer as JSON-LD, read by independent processors, against the store (both stores).

pyld expands each answer (its @context fetched from the live server) and writes its triples, once
as a JSON-LD 1.1 processor and once in processingMode json-ld-1.0; Jena's JSON-LD 1.0 reader
(jsonld-java) reads them all too. The triples must be the graph's, and for every key mapped to a
property exactly the graph's values of that property (in the term's language or datatype); every
key must be in the context, mapped or null (not in the graph, with the reason in rest.NOT_IN_GRAPH).
Rows of docs/conformance.md.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from rdflib import RDF, Graph, Literal, URIRef

from asmk_graph.web.rest import NOT_IN_GRAPH

from .jena import run_jena
from .loopback import HTTP
from .test_clients import jena  # noqa: F401 - the session fixture

jsonld = pytest.importorskip("pyld.jsonld", reason="PyLD is a dev dependency: make install")
context_resolver = pytest.importorskip("pyld.context_resolver")

ROOT = Path(__file__).resolve().parents[1]
API_URLS = [
    "/api/states",
    "/api/conferences",
    "/api/conferences/97",
    "/api/conferences/102",
    "/api/resolutions?limit=1000",
    "/api/chairs",
    "/api/persons",
    "/api/bodies",
    "/api/sources",
]
MODES = ("json-ld-1.1", "json-ld-1.0")
XSD_STRING = URIRef("http://www.w3.org/2001/XMLSchema#string")


@pytest.fixture(scope="module")
def store_graph() -> Graph:
    """What the store holds: the dumps plus the ontology."""
    graph = Graph().parse(ROOT / "graph" / "asmk.nt", format="nt")
    return graph.parse(ROOT / "ontology" / "asmk.ttl", format="turtle")


class Answer:
    def __init__(self, url: str, plain: Any, linked: Any, context: dict[str, Any]) -> None:
        self.url, self.plain, self.linked, self.context = url, plain, linked, context


@pytest.fixture(scope="module")
def answers(live_server: str) -> list[Answer]:
    out = []
    with httpx.Client(base_url=live_server, timeout=30) as http:
        for url in API_URLS:
            plain = http.get(url).json()
            linked = http.get(url, headers={"Accept": "application/ld+json"}).json()
            context = http.get(linked["@context"]).json()["@context"]
            out.append(Answer(url, plain, linked, context))
    return out


def loader(url: str, options: Any = None) -> dict[str, Any]:
    response = HTTP.get(url, headers={"Accept": "application/ld+json"}, timeout=30)
    response.raise_for_status()
    return {"contentType": "application/ld+json", "contextUrl": None, "documentUrl": url, "document": response.json()}


def pyld_triples(document: Any, mode: str) -> Graph:
    options = {
        "processingMode": mode,
        "documentLoader": loader,
        "contextResolver": context_resolver.ContextResolver({}, loader),  # no cache shared between modes
        "format": "application/n-quads",
    }
    return Graph().parse(data=jsonld.to_rdf(document, options), format="nt")


def expand_iri(value: str, context: dict[str, Any]) -> str:
    prefix, _, local = value.partition(":")
    return context[prefix] + local if isinstance(context.get(prefix), str) and local else value


def restricted(objects: set[Any], definition: Any) -> set[Any]:
    """The graph's values a term stands for: those in its language, or of its datatype."""
    if not isinstance(definition, dict):
        return {o for o in objects if not (isinstance(o, Literal) and o.language)}
    if "@language" in definition:
        return {o for o in objects if isinstance(o, Literal) and o.language == definition["@language"]}
    return objects


def check_item(item: dict[str, Any], context: dict[str, Any], graph: Graph, triples: Graph, where: str) -> list[str]:
    """Problems with one object of an answer (and the objects nested in it)."""
    problems = []
    subject = URIRef(item["id"]) if "id" in item else None
    for key, value in item.items():
        if key not in context:
            problems.append(f"{where}: key {key!r} is not in the context (a JSON-LD processor drops it)")
            continue
        definition = context[key]
        if definition is None:
            if key not in NOT_IN_GRAPH:
                problems.append(f"{where}: key {key!r} is mapped to null without a reason in rest.NOT_IN_GRAPH")
            continue
        for nested in value if isinstance(value, list) else [value]:
            if isinstance(nested, dict):
                problems += check_item(nested, context, graph, triples, f"{where}/{key}")
        if subject is None or definition in ("@id", "@graph", "@type"):
            continue
        if isinstance(definition, dict) and "@reverse" in definition:
            predicate = URIRef(expand_iri(definition["@reverse"], context))
            stated, read = set(graph.subjects(predicate, subject)), set(triples.subjects(predicate, subject))
        else:
            predicate = URIRef(expand_iri(definition["@id"] if isinstance(definition, dict) else definition, context))
            stated = restricted(set(graph.objects(subject, predicate)), definition)
            read = restricted(set(triples.objects(subject, predicate)), definition)  # keys may share a property
        if value is None or value == []:
            read = set()  # the JSON says: no value
        if stated != read:
            problems.append(
                f"{where}: {key!r} ({predicate}) of {subject}: the graph has {stated}, JSON-LD gives {read}"
            )
    return problems


def items_of(answer: Any) -> Iterator[dict[str, Any]]:
    yield from answer.get("items", [answer])


@pytest.mark.parametrize(
    "mode",
    [
        pytest.param(m, marks=pytest.mark.conformance("json-ld", f"pyld, processingMode {m}", order=n), id=m)
        for n, m in enumerate(MODES)
    ],
)
def test_pyld_reads_exactly_the_graph(answers: list[Answer], store_graph: Graph, mode: str) -> None:
    problems = []
    for answer in answers:
        triples = pyld_triples(answer.linked, mode)
        assert len(triples) > 0, answer.url
        outside = [t for t in triples if t not in store_graph]
        problems += [f"{answer.url}: {t} is not in the graph" for t in outside]
        for n, item in enumerate(items_of(answer.plain)):
            problems += check_item(item, answer.context, store_graph, triples, f"{answer.url}[{n}]")
        problems += check_item(
            {k: v for k, v in answer.plain.items() if k != "items"}, answer.context, store_graph, triples, answer.url
        )
    assert problems == []


@pytest.mark.conformance("json-ld", "the contexts are JSON-LD 1.0 (no @version, no 1.1 keywords)", order=2)
def test_contexts_are_json_ld_1_0(answers: list[Answer]) -> None:
    only_in_1_1 = {
        "@version",
        "@protected",
        "@propagate",
        "@import",
        "@nest",
        "@prefix",
        "@direction",
        "@json",
        "@none",
    }
    for answer in answers:
        text = json.dumps(answer.context)
        assert not [k for k in only_in_1_1 if f'"{k}"' in text], answer.url
        for definition in answer.context.values():
            if isinstance(definition, dict):
                assert definition.get("@container", "@set") in ("@set", "@list", "@language", "@index"), definition
                assert "@context" not in definition, "scoped contexts are JSON-LD 1.1"


@pytest.mark.conformance("json-ld", "Jena's JSON-LD 1.0 reader (jsonld-java) reads the same triples", order=3)
def test_jena_json_ld_1_0(answers: list[Answer], jena: str, tmp_path: Path) -> None:  # noqa: F811
    files, expected = [], Graph()
    for n, answer in enumerate(answers):
        path = tmp_path / f"{n}.jsonld"
        path.write_text(json.dumps(answer.linked), encoding="utf-8")
        files.append(str(path))
        expected += pyld_triples(answer.linked, "json-ld-1.0")
    done = run_jena(jena, "riotcmd.riot", "--syntax=jsonld10", "--output=nt", *files)
    assert done.returncode == 0 and " ERROR " not in done.stderr, done.stderr[-1000:]
    read = Graph().parse(data=done.stdout, format="nt")
    assert set(read) == set(expected)
    assert (None, RDF.type, None) in read
