"""Ontology hygiene: terms declared and documented, no inconsistency under OWL-RL."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from rdflib import Graph, Literal, URIRef
from rdflib.namespace import OWL, RDF, RDFS, SKOS, XSD

from asmk_graph.namespaces import ASMK, ONTOLOGY_IRI
from asmk_graph.paths import ProjectPaths

QUERIES = Path(__file__).resolve().parents[1] / "queries" / "hygiene"


def asmk_terms(graph: Graph) -> set[URIRef]:
    return {t for triple in graph for t in triple if isinstance(t, URIRef) and str(t).startswith(str(ASMK))}


def test_every_asmk_term_used_in_data_or_shapes_is_declared(graph: Graph, shapes: Graph, ontology: Graph) -> None:
    declared = set(ontology.subjects(RDF.type, None))
    undeclared = (asmk_terms(graph) | asmk_terms(shapes)) - declared
    assert undeclared == set()


def test_every_minted_term_is_labelled_defined_and_attributed(paths: ProjectPaths) -> None:
    onto = Graph().parse(paths.ontology)
    for term in sorted(t for t in onto.subjects() if str(t).startswith(str(ASMK))):
        labels = {
            lit.language
            for p in (RDFS.label, SKOS.prefLabel)
            for lit in onto.objects(term, p)
            if isinstance(lit, Literal)
        }
        assert {"de", "en"} <= labels, f"{term} lacks a de or en label"
        assert (term, SKOS.definition, None) in onto, f"{term} lacks a definition"
        assert (term, RDFS.isDefinedBy, ONTOLOGY_IRI) in onto, f"{term} lacks rdfs:isDefinedBy"


def test_ontology_header(paths: ProjectPaths) -> None:
    onto = Graph().parse(paths.ontology)
    for prop in ("title", "description", "license", "creator", "created", "modified"):
        assert (ONTOLOGY_IRI, URIRef(f"http://purl.org/dc/terms/{prop}"), None) in onto, prop
    assert (ONTOLOGY_IRI, OWL.versionIRI, None) in onto
    assert isinstance(onto.value(ONTOLOGY_IRI, URIRef("http://purl.org/dc/terms/license")), URIRef)
    assert isinstance(onto.value(ONTOLOGY_IRI, URIRef("http://purl.org/dc/terms/creator")), URIRef)


def test_hygiene_queries_return_no_rows(ontology: Graph, graph: Graph) -> None:
    combined = ontology + graph
    files = sorted(QUERIES.glob("*.rq"))
    assert files
    for path in files:
        rows = list(combined.query(path.read_text(encoding="utf-8")))
        assert rows == [], f"{path.name}: {rows[:5]}"


CLOSURE_SCRIPT = """
import sys
import owlrl
from rdflib import Graph, URIRef
from rdflib.namespace import OWL, RDF, RDFS
closure = Graph().parse(sys.argv[1]).parse(sys.argv[2]).parse(sys.argv[3])
owlrl.DeductiveClosure(owlrl.OWLRL_Semantics).expand(closure)
nothing = list(closure.subjects(RDF.type, OWL.Nothing))
errors = [str(o) for o in closure.objects(None, RDFS.comment) if "error" in str(o).lower()]
work = URIRef("https://w3id.org/asmk/id/resolution/102/reform-sozialstaat")
inferred = (work, RDF.type, URIRef("https://schema.org/CreativeWork")) in closure
print(len(nothing), len(errors), inferred)
"""


def test_owl_rl_closure_is_consistent(paths: ProjectPaths) -> None:
    # owlrl patches rdflib's datatype parsers process-wide (and then rejects the valid
    # gMonthDay "--01-01"), so the closure runs in a process of its own.
    result = subprocess.run(
        [
            sys.executable,
            "-c",
            CLOSURE_SCRIPT,
            str(paths.ontology),
            str(paths.ontology_imports),
            str(paths.graph_dir / "asmk.nt"),
        ],
        capture_output=True,
        text=True,
        timeout=600,
        check=True,
    )
    nothing, errors, inferred = result.stdout.split()
    assert (nothing, errors) == ("0", "0"), result.stdout
    assert inferred == "True", "the closure should infer schema:CreativeWork for a resolution"


BUILT_IN = {RDF.type, RDFS.label, RDFS.comment, RDFS.seeAlso, RDFS.isDefinedBy, RDFS.subClassOf, RDFS.subPropertyOf}
BUILT_IN |= {RDFS.domain, RDFS.range, RDF.first, RDF.rest}
PROPERTY_KINDS = (OWL.ObjectProperty, OWL.DatatypeProperty, OWL.AnnotationProperty)
# the OWL 2 datatype map (https://www.w3.org/TR/owl2-syntax/#Datatype_Maps), as far as the project can meet it
OWL2_DATATYPES = {XSD[t] for t in ("integer", "string", "boolean", "decimal", "double", "anyURI", "dateTime")}
OWL2_DATATYPES |= {RDF.langString, RDF.PlainLiteral, RDFS.Literal}


def test_the_ontology_and_graph_keep_to_owl2_dl_typing(ontology: Graph, graph: Graph) -> None:
    """What the OWL 2 DL profile check needs from the model: every property used is declared
    once with one kind, no IRI is both class and property, and data properties range over and
    hold only datatypes of the OWL 2 datatype map (dates are on annotation properties)."""
    combined = ontology + graph
    used = {p for p in combined.predicates() if p not in BUILT_IN and not str(p).startswith(str(OWL))}
    for p in sorted(used):
        kinds = [k for k in PROPERTY_KINDS if (p, RDF.type, k) in ontology]
        assert len(kinds) == 1, f"{p} is declared as {kinds or 'nothing'}"
    classes = set(ontology.subjects(RDF.type, OWL.Class))
    properties = {p for k in PROPERTY_KINDS for p in ontology.subjects(RDF.type, k)}
    assert classes & properties == set()
    data_properties = set(ontology.subjects(RDF.type, OWL.DatatypeProperty))
    for p in data_properties:
        for r in ontology.objects(p, RDFS.range):
            assert r in OWL2_DATATYPES, f"{p} ranges over {r}, outside the OWL 2 datatype map"
    for _, p, o in combined.triples((None, None, None)):
        if p in data_properties:
            assert isinstance(o, Literal), (p, o)
            assert o.language or (o.datatype or XSD.string) in OWL2_DATATYPES, f"{p} holds {o.n3()}"


def test_mappings_to_the_field_models_are_declared(paths: ProjectPaths) -> None:
    """Popolo, OParl 1.1, ELI and W3C ORG terms each map from at least one ASMK term."""
    onto = Graph().parse(paths.ontology)
    mapping = (
        RDFS.subClassOf,
        RDFS.subPropertyOf,
        SKOS.exactMatch,
        SKOS.closeMatch,
        SKOS.broadMatch,
        SKOS.relatedMatch,
    )
    targets = {str(o) for p in mapping for s, o in onto.subject_objects(p) if str(s).startswith(str(ASMK))}
    for expected in (
        "http://www.w3.org/ns/opengov#Motion",
        "http://www.w3.org/ns/opengov#VoteEvent",
        "http://www.w3.org/ns/opengov#Count",
        "http://www.w3.org/ns/opengov#Vote",
        "https://schema.oparl.org/1.1/Meeting",
        "https://schema.oparl.org/1.1/AgendaItem",
        "https://schema.oparl.org/1.1/Paper",
        "https://schema.oparl.org/1.1/Consultation",
        "http://data.europa.eu/eli/ontology#Work",
        "http://www.w3.org/ns/org#Post",
        "http://www.w3.org/ns/org#Membership",
        "http://www.w3.org/ns/org#OrganizationalCollaboration",
    ):
        assert expected in targets, expected
