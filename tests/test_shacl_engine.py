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
from rdflib import Graph, Literal, URIRef
from rdflib.namespace import RDF, SH
from rdflib.plugins.sparql import processor

from asmk_graph.check.dcat import PROFILES, conformance_dir, load_profile
from asmk_graph.check.engine import Engine
from asmk_graph.check.shacl import Report, ShapeResult, validate_graph, validate_with_pyshacl

from .conftest import ROOT, TEST_DATA

CONTEXT = TEST_DATA / "context.ttl"
FIXTURES = sorted((TEST_DATA / "invalid").glob("*.ttl")) + sorted((TEST_DATA / "valid").glob("*.ttl"))
CONFORMANCE = conformance_dir(ROOT)
needs_conformance = pytest.mark.skipif(
    not CONFORMANCE.is_dir(), reason=f"{CONFORMANCE} is absent (a fresh clone has no ../shared/conformance)"
)


@pytest.fixture(autouse=True, scope="module")
def prepared_queries() -> Iterator[None]:
    original = processor.SPARQLProcessor.query

    @lru_cache(maxsize=1024)
    def prepare(text: str, base: str | None, namespaces: tuple[tuple[str, object], ...]) -> object:
        return processor.translateQuery(processor.parseQuery(text), base, dict(namespaces))

    def query(self: processor.SPARQLProcessor, strOrQuery: object, initBindings: object = None,
              initNs: object = None, base: str | None = None, DEBUG: bool = False) -> object:  # fmt: skip
        if not isinstance(strOrQuery, str):
            return original(self, strOrQuery, initBindings, initNs, base, DEBUG)  # type: ignore[arg-type]
        prepared = prepare(strOrQuery, base, tuple(sorted(dict(initNs or {}).items())))  # type: ignore[call-overload]
        return processor.evalQuery(self.graph, prepared, initBindings or {}, base)  # type: ignore[arg-type]

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


# Shapes with the SHACL features the project's shapes do not use (yet): other targets, complex
# paths, logical and shape-based components, ranges, lengths, message templates, deactivation,
# and SPARQL constraints that cannot be run set-oriented.
GENERIC_SHAPES = """
@prefix sh: <http://www.w3.org/ns/shacl#> . @prefix ex: <https://example.org/> .
@prefix xsd: <http://www.w3.org/2001/XMLSchema#> . @prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
@prefix owl: <http://www.w3.org/2002/07/owl#> .
ex:prefixes a owl:Ontology ; sh:declare [ sh:prefix "ex" ; sh:namespace "https://example.org/"^^xsd:anyURI ] .
ex:Thing a rdfs:Class, sh:NodeShape ;
    sh:property [ sh:path ( ex:part ex:name ) ; sh:minLength 3 ; sh:maxLength 8 ] ,
        [ sh:path [ sh:inversePath ex:part ] ; sh:maxCount 1 ] ,
        [ sh:path [ sh:alternativePath ( ex:a ex:b ) ] ; sh:minInclusive 1 ; sh:maxExclusive 10 ] ,
        [ sh:path [ sh:oneOrMorePath ex:next ] ; sh:node ex:Named ; sh:nodeKind sh:IRI ] ,
        [ sh:path ex:tag ; sh:hasValue "x" ; sh:pattern "^[a-z]+$" ; sh:flags "i" ] ,
        [ sh:path ex:size ; sh:minExclusive 0 ; sh:maxInclusive 5.5 ; sh:datatype xsd:decimal ] ;
    sh:xone ( [ sh:class ex:Red ] [ sh:class ex:Blue ] ) .
ex:Named a sh:NodeShape ; sh:property [ sh:path ex:name ; sh:minCount 1 ] .
ex:NotRed a sh:NodeShape ; sh:targetSubjectsOf ex:colour ; sh:not [ sh:class ex:Red ] ;
    sh:and ( [ sh:property [ sh:path ex:colour ; sh:in ( "red" "blue" ) ] ] ex:Named ) .
ex:Objects a sh:NodeShape ; sh:targetObjectsOf ex:part ; sh:severity sh:Info ;
    sh:property [ sh:path ex:name ; sh:datatype xsd:string ; sh:severity sh:Info ; sh:message "name of {$this}"@en ] .
ex:Listed a sh:NodeShape ; sh:targetNode ex:t1, ex:absent ; sh:property [ sh:path ex:name ; sh:minCount 1 ] .
ex:Off a sh:NodeShape ; sh:targetNode ex:t1 ; sh:deactivated true ; sh:property [ sh:path ex:zzz ; sh:minCount 1 ] .
ex:Templates a sh:NodeShape ; sh:targetClass ex:Thing ; sh:severity sh:Warning ;
    sh:property [ sh:path ex:next ; sh:sparql [ sh:prefixes ex:prefixes ;
        sh:message "{$this} reaches {?value} by {$PATH}" ;
        sh:select "SELECT $this ?value WHERE { $this $PATH ?value . FILTER NOT EXISTS { ?value ex:name ?n } }" ] ] ;
    sh:sparql [ sh:prefixes ex:prefixes ; sh:message "{$this}: {?n} is also the name of {?other}" ;
        sh:select '''SELECT $this ?n ?other
                     WHERE { $this ex:name ?n . { ?other ex:name ?n FILTER (?other != $this) } }''' ] ,
      [ sh:prefixes ex:prefixes ; sh:message "{$this} has {?c} tags" ;
        sh:select "SELECT $this (COUNT(?t) AS ?c) WHERE { $this ex:tag ?t } GROUP BY $this HAVING (COUNT(?t) > 1)" ] .
"""

GENERIC_DATA = """
@prefix ex: <https://example.org/> . @prefix xsd: <http://www.w3.org/2001/XMLSchema#> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
ex:Sub rdfs:subClassOf ex:Thing .
ex:t1 a ex:Thing, ex:Red ; ex:part ex:p1, ex:p2 ; ex:a 0 ; ex:b 10, 4 ; ex:next ex:t2 ; ex:tag "X", "y1" ;
    ex:size 3.0, "6"^^xsd:decimal, "abc"^^xsd:decimal ; ex:colour "red" .
ex:t2 a ex:Sub, ex:Red, ex:Blue ; ex:name "twin" ; ex:next ex:t3 ; ex:colour "green" .
ex:t3 a ex:Sub ; ex:next "lit" ; ex:name "twin" ; ex:tag "x" .
ex:p1 ex:name "ab" . ex:p2 ex:name "a much longer name"@en , 7 .
ex:t4 a ex:Thing ; ex:part ex:p1 ; ex:colour "blue" ; ex:name "n" .
"""


def test_same_report_as_pyshacl_on_generic_shacl_features() -> None:
    shapes = Graph().parse(data=GENERIC_SHAPES, format="turtle")
    data = Graph().parse(data=GENERIC_DATA, format="turtle")
    engine = Engine(shapes)
    assert engine.declined is None and engine.unsupported == []
    report = assert_same_report(data, Graph(), shapes)
    assert len({r.shape for r in report.results}) >= 5 and report.count("Warning") and report.count("Info")


def test_unsupported_component_is_left_to_pyshacl() -> None:
    shapes = Graph().parse(data=GENERIC_SHAPES + "ex:Listed sh:closed true .", format="turtle")
    data = Graph().parse(data=GENERIC_DATA, format="turtle")
    assert Engine(shapes).unsupported == [URIRef("https://example.org/Listed")]
    report = assert_same_report(data, Graph(), shapes)
    assert report.engines == "both"
    assert any("closed" in r.message for r in report.results)


def test_iri_shapes_referenced_by_a_shape_left_to_pyshacl_are_validated() -> None:
    """pySHACL's use_shapes drops IRI shapes that a listed shape refers to unless they are listed too."""
    closed = """
    ex:ClosedParts a sh:NodeShape ; sh:targetClass ex:Thing ; sh:closed true ;
        sh:ignoredProperties ( ex:a ex:b ex:next ex:tag ex:size ex:colour ex:name
                               <http://www.w3.org/1999/02/22-rdf-syntax-ns#type> ) ;
        sh:property ex:partsAreNamed .
    ex:partsAreNamed sh:path ex:part ; sh:class ex:Part ; sh:severity sh:Warning .
    """
    shapes = Graph().parse(data=GENERIC_SHAPES + closed, format="turtle")
    data = Graph().parse(data=GENERIC_DATA, format="turtle")
    assert Engine(shapes).unsupported == [URIRef("https://example.org/ClosedParts")]
    report = assert_same_report(data, Graph(), shapes)
    assert report.engines == "both"
    assert any(r.shape == "https://example.org/partsAreNamed" for r in report.results)


def test_closed_false_is_no_constraint() -> None:
    shapes = Graph().parse(data=GENERIC_SHAPES + "ex:Listed sh:closed false .", format="turtle")
    assert Engine(shapes).unsupported == []
    assert_same_report(Graph().parse(data=GENERIC_DATA, format="turtle"), Graph(), shapes)


@pytest.fixture(scope="module")
def catalogue() -> Graph:
    return Graph().parse(ROOT / "graph" / "catalog.ttl")


@needs_conformance
@pytest.mark.parametrize("profile", sorted(PROFILES))
def test_same_report_as_pyshacl_on_the_official_dcat_profiles(catalogue: Graph, profile: str) -> None:
    """GovData's DCAT-AP.de and SEMIC's DCAT-AP shapes on graph/catalog.ttl: warnings included
    (DCAT-AP.de's sh:class dct:Location on dct:spatial once went missing on the way to pySHACL)."""
    shapes, vocabularies = load_profile(CONFORMANCE, profile)
    engine = Engine(shapes)
    assert engine.declined is None and engine.unsupported == []
    report = assert_same_report(catalogue, vocabularies, shapes)
    assert report.count("Warning") >= 4


@needs_conformance
def test_same_report_as_pyshacl_on_dcat_shapes_left_partly_to_pyshacl(catalogue: Graph) -> None:
    """The hybrid path on official shapes: closed catalogue shapes go to pySHACL with their IRI
    property shapes; the rest stays with the engine."""
    shapes, vocabularies = load_profile(CONFORMANCE, "dcat-ap.de-3.0")
    closed = [s for s, _p, o in shapes.triples((None, SH.closed, None)) if "Catalog" in str(s)]
    for shape in closed:
        shapes.set((shape, SH.closed, Literal(True)))
    assert closed and sorted(Engine(shapes).unsupported) == sorted(closed)
    report = assert_same_report(catalogue, vocabularies, shapes)
    assert report.engines == "both" and report.count("Violation") > 0
