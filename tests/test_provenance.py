"""Every triple is in a source's graph, a rule's derived graph, the editorial graph or the vocabulary;
every entity links to its sources; citations point into the real documents; no copied sentences."""

from __future__ import annotations

import hashlib
import re
from pathlib import Path

import pytest
from rdflib import Graph, Literal, URIRef
from rdflib.namespace import DCTERMS, PROV, RDF, SKOS, XSD

from asmk_graph.graph.pipeline import BuildResult
from asmk_graph.namespaces import ASMK, ONTOLOGY_IRI, SCHEMA
from asmk_graph.paths import ProjectPaths

ROOT = Path(__file__).resolve().parents[1]
SEEDS = ROOT.parent / "shared" / "seeds"
needs_seeds = pytest.mark.skipif(not SEEDS.is_dir(), reason="the source documents (../shared/seeds) are not beside")


def test_every_triple_is_in_a_source_derived_editorial_or_vocabulary_graph(
    fresh_build: BuildResult, paths: ProjectPaths
) -> None:
    graphs = fresh_build.graphs.graphs
    union = fresh_build.graph
    editorial = graphs[URIRef("https://w3id.org/asmk/graph/editorial")]
    assert (editorial.identifier, RDF.type, ASMK.EditorialGraph) in editorial
    for name, graph in graphs.items():
        assert len(graph), name
        if name == ONTOLOGY_IRI:
            assert graph == Graph().parse(paths.ontology, format="turtle") or set(graph) == set(
                Graph().parse(paths.ontology, format="turtle")
            )
        elif (name, RDF.type, ASMK.SourceGraph) in editorial:
            document = editorial.value(name, PROV.wasDerivedFrom)
            assert (document, RDF.type, ASMK.SourceDocument) in union, name
        elif (name, RDF.type, ASMK.DerivedGraph) in editorial:
            rule = editorial.value(name, ASMK.derivedBy)
            query = paths.root / str(editorial.value(rule, ASMK.queryFile))
            assert query.is_file() and "CONSTRUCT" in query.read_text(encoding="utf-8"), name
            assert editorial.value(rule, DCTERMS.description), f"{rule} states no reasoning"
            stated = set().union(
                *(set(g) for n, g in graphs.items() if (n, RDF.type, ASMK.DerivedGraph) not in editorial)
            )
            assert not set(graph) & stated, f"{name} repeats what a source or the project states"
        else:
            assert name == editorial.identifier, f"{name} is neither a source, derived, editorial nor vocabulary graph"
    # the union served (graph/asmk.nt) is exactly the triples of these graphs
    served = set(Graph().parse(paths.graph_dir / "asmk.nt", format="nt"))
    assert served == set().union(*(set(g) for g in graphs.values()))


def test_a_fact_two_sources_state_is_in_both_graphs_and_one_only_one_states_in_one(fresh_build: BuildResult) -> None:
    graphs = fresh_build.graphs.graphs
    c97 = URIRef("https://w3id.org/asmk/id/conference/97")
    planned = (c97, ASMK.plannedLocation, URIRef("https://w3id.org/asmk/id/place/mannheim"))
    ended = (c97, SCHEMA.endDate, Literal("2020-11-26", datatype=XSD.date))
    holding = {name.rsplit("/", 1)[-1] for name, g in graphs.items() if planned in g}
    assert holding == {"fa4c4f4f4c8f4cea", "e4f1c5398ec08e66"}  # 000 and 001
    assert {name.rsplit("/", 1)[-1] for name, g in graphs.items() if ended in g} == {"fa4c4f4f4c8f4cea"}


def test_every_entity_a_source_describes_cites_it(fresh_build: BuildResult) -> None:
    union = fresh_build.graph
    missing = []
    for name, graph in fresh_build.graphs.graphs.items():
        if "/graph/source/" not in name:
            continue
        for node in set(graph.subjects(RDF.type, None)):
            if set(graph.objects(node, RDF.type)) & {ASMK.SourceDocument, ASMK.SourceCitation}:
                continue  # a document describes itself; a citation names its document (prov:entity)
            cited = URIRef(str(node).split("#", 1)[0])  # a part (motion, vote, demand) shares its resource's
            if (cited, DCTERMS.source, None) not in union:
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


def official_titles(graph: Graph) -> list[str]:
    """Titles and names the sources give themselves, their resolutions or the conference: quoted on purpose."""
    predicates = (DCTERMS.title, DCTERMS.alternative, ASMK.officialTitle, SKOS.altLabel)
    return sorted({str(o) for p in predicates for o in graph.objects(None, p)}, key=len, reverse=True)


@needs_seeds
def test_no_run_of_12_words_from_a_source_appears_in_the_project(graph: Graph) -> None:
    shingles = set()
    for seed in SEEDS.glob("*.txt"):
        w = words(seed.read_text(encoding="utf-8"))
        shingles.update(tuple(w[i : i + 12]) for i in range(len(w) - 11))
    titles = official_titles(graph)
    tracked = [
        p
        for p in ROOT.rglob("*")
        if p.is_file()
        and ".venv" not in p.parts
        and ".git" not in p.parts
        and p.suffix in {".yaml", ".ttl", ".nt", ".nq", ".trig", ".jsonld", ".py", ".rq", ".md", ".txt"}
    ]
    offenders = []
    for path in tracked:
        text = path.read_text(encoding="utf-8", errors="ignore")
        for title in titles:
            text = text.replace(title, " ")
        w = words(text)
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
