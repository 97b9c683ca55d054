"""Ontology hygiene: terms declared and documented, no inconsistency under OWL-RL."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from rdflib import Graph, Literal, URIRef
from rdflib.namespace import OWL, RDF, RDFS, SKOS

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
