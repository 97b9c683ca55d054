"""Every entity links to its sources; citations point into the real documents; no copied sentences."""

from __future__ import annotations

import hashlib
import re
from pathlib import Path

import pytest
from rdflib import Graph, URIRef
from rdflib.namespace import DCTERMS, RDF, SKOS

from asmk_graph.namespaces import ASMK
from asmk_graph.paths import ProjectPaths

ROOT = Path(__file__).resolve().parents[1]
SEEDS = ROOT.parent / "shared" / "seeds"
needs_seeds = pytest.mark.skipif(not SEEDS.is_dir(), reason="the source documents (../shared/seeds) are not beside")
# nodes that are not statements of a source: the dataset, citations, vocabulary-level nodes, publishers
UNSOURCED_TYPES = {
    URIRef("http://www.w3.org/ns/dcat#Dataset"),
    ASMK.SourceCitation,
    ASMK.SourceDocument,
    SKOS.ConceptScheme,
    URIRef("http://xmlns.com/foaf/0.1/Organization"),
}


def test_every_entity_has_a_source(graph: Graph) -> None:
    missing = []
    for node in set(graph.subjects(RDF.type, None)):
        types = set(graph.objects(node, RDF.type))
        editorial = (node, ASMK.editorial, None) in graph and graph.value(node, ASMK.editorial).toPython()
        if types & UNSOURCED_TYPES or editorial:
            continue
        if (node, DCTERMS.source, None) not in graph:
            missing.append(node)
    assert missing == []


@needs_seeds
def test_source_files_match_their_checksums_and_line_counts(graph: Graph) -> None:
    for doc in graph.subjects(ASMK.fileName, None):
        path = SEEDS / str(graph.value(doc, ASMK.fileName))
        assert hashlib.sha256(path.read_bytes()).hexdigest() == str(graph.value(doc, ASMK.sha256))
        assert len(path.read_text(encoding="utf-8").splitlines()) == int(graph.value(doc, ASMK.lineCount))


@needs_seeds
def test_citations_land_on_text(graph: Graph) -> None:
    for cite in graph.subjects(RDF.type, ASMK.SourceCitation):
        doc = graph.value(cite, URIRef("http://www.w3.org/ns/prov#entity"))
        name = graph.value(doc, ASMK.fileName)
        if name is None:
            continue
        lines = (SEEDS / str(name)).read_text(encoding="utf-8").splitlines()
        start, end = int(graph.value(cite, ASMK.lineStart)), int(graph.value(cite, ASMK.lineEnd))
        assert "".join(lines[start - 1 : end]).strip(), f"{cite} points at blank lines"


def words(text: str) -> list[str]:
    return re.findall(r"\w+", text.lower())


@needs_seeds
def test_no_run_of_12_words_from_a_source_appears_in_the_project() -> None:
    shingles = set()
    for seed in SEEDS.glob("*.txt"):
        w = words(seed.read_text(encoding="utf-8"))
        shingles.update(tuple(w[i : i + 12]) for i in range(len(w) - 11))
    tracked = [
        p
        for p in ROOT.rglob("*")
        if p.is_file()
        and ".venv" not in p.parts
        and ".git" not in p.parts
        and p.suffix in {".yaml", ".ttl", ".nt", ".jsonld", ".py", ".rq", ".md", ".txt"}
    ]
    offenders = []
    for path in tracked:
        w = words(path.read_text(encoding="utf-8", errors="ignore"))
        if any(tuple(w[i : i + 12]) in shingles for i in range(len(w) - 11)):
            offenders.append(str(path.relative_to(ROOT)))
    assert offenders == []


def test_unrelated_portal_teasers_are_not_in_the_graph(graph: Graph) -> None:
    # source 001 carries teasers of the state portal unrelated to the ASMK
    text = " ".join(str(o) for o in graph.objects())
    for unrelated in ("Kretschmann", "Dubai", "Staufermedaille", "Amherd"):
        assert unrelated not in text


def test_paths_checked(paths: ProjectPaths) -> None:
    assert paths.data.is_dir() and paths.ontology.is_file()
