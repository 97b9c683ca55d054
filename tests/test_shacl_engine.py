"""The set-oriented engine gives pySHACL's report, result by result, on every fixture in tests/data,
on the real graph, and on shapes that use the SHACL features the project's shapes do not use yet.

pySHACL is the reference. It re-parses each SPARQL constraint once per focus node; the fixture
below lets rdflib keep each parsed query (rdflib's own prepared queries: the same algebra,
evaluated the same way), which makes the reference runs several times faster and changes
nothing in what they find.
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Iterator
from functools import lru_cache
from pathlib import Path

import pytest
from rdflib import Graph, URIRef
from rdflib.namespace import RDF
from rdflib.plugins.sparql import processor

from asmk_graph.check.engine import Engine
from asmk_graph.check.shacl import Report, ShapeResult, validate_graph, validate_with_pyshacl

from .conftest import TEST_DATA

CONTEXT = TEST_DATA / "context.ttl"
FIXTURES = sorted((TEST_DATA / "invalid").glob("*.ttl")) + sorted((TEST_DATA / "valid").glob("*.ttl"))


@pytest.fixture(autouse=True, scope="module")
def prepared_queries() -> Iterator[None]:
    original = processor.SPARQLProcessor.query

    @lru_cache(maxsize=512)
    def prepare(text: str) -> object:
        return processor.prepareQuery(text)

    def query(self: processor.SPARQLProcessor, strOrQuery: object, initBindings: object = None,
              initNs: object = None, base: object = None, DEBUG: bool = False) -> object:  # fmt: skip
        if isinstance(strOrQuery, str) and not initNs and base is None:
            strOrQuery = prepare(strOrQuery)
        return original(self, strOrQuery, initBindings or {}, initNs or {}, base, DEBUG)  # type: ignore[arg-type]

    processor.SPARQLProcessor.query = query  # type: ignore[method-assign, assignment]
    yield
    processor.SPARQLProcessor.query = original  # type: ignore[method-assign]


_IN_LIST = re.compile(r"(not in list )\[(.*)\]$")


def comparable(report: Report) -> list[ShapeResult]:
    """pySHACL lists sh:in values in the order of a Python set (it varies with the hash seed);
    the engine in the shapes' order. Sorted, the lists must be equal."""

    def sort_list(m: re.Match[str]) -> str:
        return m.group(1) + "[" + ", ".join(sorted(m.group(2).split(", "))) + "]"

    return sorted(dataclasses.replace(r, message=_IN_LIST.sub(sort_list, r.message)) for r in report.results)


def assert_same_report(data: Graph, ontology: Graph, shapes: Graph) -> Report:
    fast = validate_graph(data, ontology, shapes)
    reference = validate_with_pyshacl(data, ontology, shapes)
    assert fast.engines != "pyshacl", "the engine declined: this compares pySHACL with itself"
    ours, theirs = comparable(fast), comparable(reference)
    only_fast = [r for r in ours if r not in theirs]
    only_reference = [r for r in theirs if r not in ours]
    assert (only_fast, only_reference) == ([], []), f"engine only: {only_fast}\npySHACL only: {only_reference}"
    assert ours == theirs
    return fast


def test_the_engine_runs_every_project_shape(shapes: Graph) -> None:
    engine = Engine(shapes)
    assert engine.declined is None
    assert engine.unsupported == [], f"left to pySHACL: {engine.unsupported}"


@pytest.mark.parametrize("fixture", [CONTEXT, *FIXTURES], ids=lambda p: p.name)
def test_same_report_as_pyshacl_on_fixture(fixture: Path, ontology: Graph, shapes: Graph) -> None:
    data = Graph().parse(CONTEXT).parse(fixture)
    assert_same_report(data, ontology, shapes)


def test_same_report_as_pyshacl_on_bare_instances(graph: Graph, ontology: Graph, shapes: Graph) -> None:
    data = Graph().parse(CONTEXT)
    for i, cls in enumerate(sorted(set(graph.objects(None, RDF.type)))):
        data.add((URIRef(f"https://example.org/id/bare-{i}"), RDF.type, cls))
    report = assert_same_report(data, ontology, shapes)
    assert report.count("Violation") > 50


def test_same_report_as_pyshacl_on_the_real_graph(graph: Graph, ontology: Graph, shapes: Graph) -> None:
    report = assert_same_report(graph, ontology, shapes)
    assert report.results and report.conforms
