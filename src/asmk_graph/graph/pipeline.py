"""The build job: data/ -> records -> graph -> SHACL -> graph/ (written only when valid)."""

from __future__ import annotations

from dataclasses import dataclass

from rdflib import Graph

from ..check.shacl import Report, load_shapes, validate_graph
from ..namespaces import DEFAULT_BASE, Ids
from ..paths import ProjectPaths
from ..queries import load_queries
from ..records import load_dataset
from ..records.linking import load_catalog_settings, load_external_ids
from .build import build_graph
from .catalog import catalogue_files
from .external_ids import add_external_ids
from .serialize import CHECKSUMS, checksums, render_dumps, write_atomically

REPORT_NAME = "validation-report.txt"


class ValidationFailed(Exception):
    def __init__(self, report: Report) -> None:
        self.report = report
        super().__init__(report.text())


@dataclass(frozen=True)
class BuildResult:
    graph: Graph
    report: Report
    files: dict[str, bytes]


def load_ontology(paths: ProjectPaths) -> Graph:
    """The ASMK vocabulary plus the restated axioms of the vocabularies it reuses."""
    graph = Graph()
    graph.parse(paths.ontology, format="turtle")
    graph.parse(paths.ontology_imports, format="turtle")
    return graph


def build_and_validate(paths: ProjectPaths, base: str = DEFAULT_BASE) -> BuildResult:
    """Everything but writing. Raises DataErrors or ValidationFailed."""
    data = load_dataset(paths.data)
    ids = Ids(base)
    graph = build_graph(data, ids)
    add_external_ids(graph, load_external_ids(paths.data), ids)
    settings = load_catalog_settings(paths.data)
    ontology = load_ontology(paths)
    report = validate_graph(graph, ontology, load_shapes(paths.shapes_dir))
    if not report.conforms:
        raise ValidationFailed(report)
    dumps = render_dumps(graph)
    published = {**dumps, **catalogue_files(graph, ontology, dumps, settings, load_queries(paths.queries), ids)}
    files = {**published, CHECKSUMS: checksums(published), REPORT_NAME: report.text().encode()}
    return BuildResult(graph, report, files)


def build(paths: ProjectPaths, base: str = DEFAULT_BASE) -> BuildResult:
    """Build, validate, and only then replace graph/ atomically."""
    result = build_and_validate(paths, base)
    write_atomically(paths.graph_dir, result.files)
    return result
