"""The build job: data/ -> records -> named graphs -> rules -> SHACL -> graph/ (written only when valid).

Graphs of the build (see docs/provenance.md):
- one per source document, <base>graph/source/<id>: what that source states;
- <base>graph/editorial: the project's own additions;
- one per inference rule, <base>graph/derived/<rule>: what the rule derives (queries/rules/);
- the ontology's own triples, named by the ontology IRI, so the dumps are self-contained.
"""

from __future__ import annotations

from dataclasses import dataclass

from rdflib import Graph
from rdflib.namespace import RDF

from ..check.shacl import Report, load_shapes, validate_graph
from ..namespaces import DEFAULT_BASE, Ids
from ..paths import ProjectPaths
from ..queries import load_queries
from ..records import load_dataset
from ..records.linking import load_catalog_settings, load_external_ids
from .build import build_graphs
from .catalog import catalogue_files
from .external_ids import add_external_ids
from .graphs import GraphSet
from .rules import apply_rules, load_rules
from .serialize import CHECKSUMS, checksums, render_dumps, write_atomically

REPORT_NAME = "validation-report.txt"


class ValidationFailed(Exception):
    def __init__(self, report: Report) -> None:
        self.report = report
        super().__init__(report.text())


@dataclass(frozen=True)
class BuildResult:
    graphs: GraphSet
    report: Report
    files: dict[str, bytes]

    @property
    def graph(self) -> Graph:
        """The union of all graphs: what the plain dumps and the API serve."""
        return self.graphs.union()


@dataclass(frozen=True)
class Vocabulary:
    """The ASMK vocabulary (served, in its own graph) and the restated axioms of the vocabularies it
    reuses (read by the rules and SHACL, not served); each file parsed once per build."""

    ontology: Graph
    imports: Graph

    def merged(self) -> Graph:
        """Both, with the prefixes of both: what SHACL validates the data with."""
        return self.ontology + self.imports


def load_vocabulary(paths: ProjectPaths) -> Vocabulary:
    return Vocabulary(
        Graph().parse(paths.ontology, format="turtle"), Graph().parse(paths.ontology_imports, format="turtle")
    )


def load_ontology(paths: ProjectPaths) -> Graph:
    """The ASMK vocabulary plus the restated axioms of the vocabularies it reuses."""
    return load_vocabulary(paths).merged()


def build_graphset(paths: ProjectPaths, base: str = DEFAULT_BASE, vocabulary: Vocabulary | None = None) -> GraphSet:
    """Source, editorial, vocabulary and derived graphs of data/. Raises DataErrors or RuleError."""
    vocabulary = vocabulary or load_vocabulary(paths)
    ids = Ids(base)
    graphs = build_graphs(load_dataset(paths.data), ids)
    typed = {s for s, p, _ in graphs.union_triples() if p == RDF.type}
    add_external_ids(graphs, load_external_ids(paths.data), ids, typed)
    graphs.add_all(ids.vocabulary_graph(), vocabulary.ontology)
    apply_rules(graphs, load_rules(paths.queries / "rules", paths.root), ids, vocabulary.imports)
    return graphs


def validate_data(paths: ProjectPaths, base: str = DEFAULT_BASE) -> tuple[GraphSet, Graph, Report]:
    """The graphs of data/, the ontology and the SHACL report of their union (`asmk-graph validate`:
    no dumps rendered). Raises DataErrors or RuleError."""
    vocabulary = load_vocabulary(paths)
    graphs = build_graphset(paths, base, vocabulary)
    ontology = vocabulary.merged()
    return graphs, ontology, validate_graph(graphs.union_triples(), ontology, load_shapes(paths.shapes_dir))


def build_and_validate(paths: ProjectPaths, base: str = DEFAULT_BASE) -> BuildResult:
    """Everything but writing. Raises DataErrors, RuleError or ValidationFailed."""
    ids = Ids(base)
    graphs, ontology, report = validate_data(paths, base)
    if not report.conforms:
        raise ValidationFailed(report)
    dumps = render_dumps(graphs)
    settings = load_catalog_settings(paths.data)
    union = graphs.union_triples()
    published = {**dumps, **catalogue_files(union, ontology, dumps, settings, load_queries(paths.queries), ids)}
    files = {**published, CHECKSUMS: checksums(published), REPORT_NAME: report.text().encode()}
    return BuildResult(graphs, report, files)


def build(paths: ProjectPaths, base: str = DEFAULT_BASE) -> BuildResult:
    """Build, validate, and only then replace graph/ atomically."""
    result = build_and_validate(paths, base)
    write_atomically(paths.graph_dir, result.files)
    return result
