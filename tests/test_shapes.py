"""Every shape has a fixture that makes it fire; valid fixtures conform; bare instances fail."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from rdflib import Graph, URIRef
from rdflib.namespace import RDF, SH

from asmk_graph.check.shacl import Report, validate_graph
from asmk_graph.graph.pipeline import BuildResult

from .conftest import TEST_DATA

SHAPE_NS = "https://w3id.org/asmk/shapes#"
CONTEXT = TEST_DATA / "context.ttl"
INVALID = sorted((TEST_DATA / "invalid").glob("*.ttl"))
VALID = sorted((TEST_DATA / "valid").glob("*.ttl"))


def expectations(path: Path) -> set[str]:
    match = re.search(r"^# expect: (.+)$", path.read_text(encoding="utf-8"), re.MULTILINE)
    assert match, f"{path.name} has no '# expect:' line"
    return {SHAPE_NS + name.strip() for name in match.group(1).split(",")}


def validate_fixture(path: Path, ontology: Graph, shapes: Graph) -> Report:
    data = Graph().parse(CONTEXT).parse(path)
    return validate_graph(data, ontology, shapes)


def fired(report: Report, shapes: Graph) -> set[str]:
    """Names of the shapes and constraints that produced results, with their node shapes."""
    names: set[str] = set()
    for r in report.results:
        names.update(n for n in (r.shape, r.constraint) if n)
        for parent in shapes.subjects(SH.property, URIRef(r.shape)):
            names.add(str(parent))
    return names


def named_shapes(shapes: Graph) -> set[str]:
    kinds = (SH.NodeShape, SH.PropertyShape, SH.SPARQLConstraint)
    return {str(s) for k in kinds for s in shapes.subjects(RDF.type, k) if isinstance(s, URIRef)}


@pytest.mark.parametrize("fixture", VALID, ids=lambda p: p.name)
def test_valid_fixture_conforms_without_warnings(fixture: Path, ontology: Graph, shapes: Graph) -> None:
    report = validate_fixture(fixture, ontology, shapes)
    assert report.results == (), report.text()


@pytest.mark.parametrize("fixture", INVALID, ids=lambda p: p.name)
def test_invalid_fixture_fires_expected_shapes(fixture: Path, ontology: Graph, shapes: Graph) -> None:
    report = validate_fixture(fixture, ontology, shapes)
    missing = expectations(fixture) - fired(report, shapes)
    assert not missing, f"did not fire: {sorted(missing)}\n{report.text()}"


def test_every_named_shape_has_a_firing_fixture(shapes: Graph) -> None:
    covered = set().union(*(expectations(p) for p in INVALID))
    assert named_shapes(shapes) - covered == set()


def test_violation_fixtures_fail_and_warning_fixtures_only_warn(ontology: Graph, shapes: Graph) -> None:
    for fixture in INVALID:
        report = validate_fixture(fixture, ontology, shapes)
        severities = {shapes.value(URIRef(n), SH.severity) for n in expectations(fixture)}
        if severities <= {SH.Warning, SH.Info}:
            assert report.conforms, f"{fixture.name}: warnings must not be violations"
        else:
            assert not report.conforms, f"{fixture.name} should not conform"


def test_bare_instance_of_every_class_in_the_graph_is_rejected(
    fresh_build: BuildResult, ontology: Graph, shapes: Graph
) -> None:
    """Every class the data asserts (in a source or the editorial graph; not the vocabulary's own
    owl:Class and friends, nor the superclasses a rule materialises) is guarded by a shape."""
    asserted = Graph()
    for name, graph in fresh_build.graphs.graphs.items():
        if "/graph/source/" in name or name.endswith("/graph/editorial"):
            asserted += graph
    classes = sorted(set(asserted.objects(None, RDF.type)))
    assert len(classes) >= 30
    for cls in classes:
        bare = URIRef("https://example.org/id/bare")
        data = Graph().parse(CONTEXT)
        data.add((bare, RDF.type, cls))
        report = validate_graph(data, ontology, shapes)
        assert any(r.severity == "Violation" and r.focus == str(bare) for r in report.results), cls


def test_report_is_readable(ontology: Graph, shapes: Graph) -> None:
    report = validate_fixture(TEST_DATA / "invalid" / "vote-event.ttl", ontology, shapes)
    line = next(r.line() for r in report.results if r.path == "https://w3id.org/asmk/def#outcome")
    assert line.startswith("[Violation] https://example.org/id/v ")
    assert "outcome must be one of" in line


ROTATION = """
@prefix asmk: <https://w3id.org/asmk/def#> .
@prefix org: <http://www.w3.org/ns/org#> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
@prefix ex: <https://example.org/id/> .
ex:rot a asmk:WorkingRule ; asmk:ruleOf ex:asmk ; asmk:rotationOrder asmk:alphabetical .
ex:by a asmk:State ; rdfs:label "Bayern"@de . ex:he a asmk:State ; rdfs:label "Hessen"@de .
ex:th a asmk:State ; rdfs:label "Thüringen"@de .
ex:t2020 a asmk:ChairTerm ; org:organization ex:asmk ; asmk:year 2020 ; org:member ex:th .
ex:t2021 a asmk:ChairTerm ; org:organization ex:asmk ; asmk:year 2021 ; org:member ex:NEXT .
"""


@pytest.mark.parametrize(("successor", "warning"), [("by", None), ("he", "alphabetically next would be Bayern")])
def test_alphabetical_rotation_wraps_from_the_last_state_to_the_first(
    successor: str, warning: str | None, ontology: Graph, shapes: Graph
) -> None:
    from asmk_graph.check.shacl import validate_with_pyshacl

    data = Graph().parse(data=ROTATION.replace("NEXT", successor), format="turtle")
    for report in (validate_graph(data, ontology, shapes), validate_with_pyshacl(data, ontology, shapes)):
        found = [r.message for r in report.results if r.constraint.endswith("Rule-alphabeticalRotation")]
        if warning is None:
            assert found == [], report.engines
        else:
            assert len(found) == 1 and warning in found[0], (report.engines, found)
