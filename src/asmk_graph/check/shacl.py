"""SHACL validation (pyshacl) of the data graph with the ontology, and a readable report."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from pyshacl import validate as shacl_validate
from rdflib import Graph, URIRef
from rdflib.namespace import RDF, SH
from rdflib.term import Node

SEVERITY_ORDER = {"Violation": 0, "Warning": 1, "Info": 2}


@dataclass(frozen=True, order=True)
class ShapeResult:
    severity: str  # Violation | Warning | Info
    focus: str
    path: str
    message: str
    shape: str
    constraint: str
    value: str

    def line(self) -> str:
        path = f" {self.path}" if self.path else ""
        value = f" (value: {self.value})" if self.value else ""
        shape = self.constraint or self.shape
        return f"[{self.severity}] {self.focus}{path}: {self.message}{value}  <{shape}>"


@dataclass(frozen=True)
class Report:
    results: tuple[ShapeResult, ...]

    def count(self, severity: str) -> int:
        return sum(1 for r in self.results if r.severity == severity)

    @property
    def conforms(self) -> bool:
        return self.count("Violation") == 0

    def text(self) -> str:
        head = (
            f"{self.count('Violation')} violation(s), {self.count('Warning')} warning(s), {self.count('Info')} info(s)"
        )
        return "\n".join([head, *(r.line() for r in self.results)]) + "\n"


def load_shapes(shapes_dir: Path) -> Graph:
    shapes = Graph()
    for path in sorted(shapes_dir.glob("*.ttl")):
        shapes.parse(path, format="turtle")
    return shapes


def _text(graph: Graph, node: Node, prop: URIRef) -> str:
    value = graph.value(node, prop)
    return "" if value is None else str(value)


def _named(node: object) -> str:
    return str(node) if isinstance(node, URIRef) else ""


def _shape_name(shapes: Graph, results: Graph, result: Node) -> str:
    """The shape's IRI, or, for an anonymous property shape, its node shape's IRI + path."""
    shape = results.value(result, SH.sourceShape)
    if isinstance(shape, URIRef):
        return str(shape)
    parent = shapes.value(None, SH.property, shape)
    return str(parent) if parent is not None else "(anonymous shape)"


def validate_graph(data: Graph, ontology: Graph, shapes: Graph) -> Report:
    # The ontology (with its individuals: outcomes, roles, rotation orders) is merged in whole;
    # pyshacl's ont_graph option copies only class and property axioms.
    _conforms, results_graph, _text_report = shacl_validate(
        data + ontology, shacl_graph=shapes, inference="none", abort_on_first=False, allow_warnings=True, advanced=True
    )
    if not isinstance(results_graph, Graph):  # pyshacl reports a broken shape this way
        raise ValueError(f"SHACL validation could not run: {_text_report}")
    results = []
    for result in results_graph.subjects(RDF.type, SH.ValidationResult):
        if (None, SH.detail, result) in results_graph:  # why a sh:node/sh:or failed, not a result of its own
            continue
        severity = str(results_graph.value(result, SH.resultSeverity)).rsplit("#", 1)[-1]
        results.append(
            ShapeResult(
                severity=severity,
                focus=_text(results_graph, result, SH.focusNode),
                path=_text(results_graph, result, SH.resultPath),
                message=_text(results_graph, result, SH.resultMessage),
                shape=_shape_name(shapes, results_graph, result),
                constraint=_named(results_graph.value(result, SH.sourceConstraint)),
                value=_text(results_graph, result, SH.value),
            )
        )
    results.sort(key=lambda r: (SEVERITY_ORDER.get(r.severity, 9), r.focus, r.path, r.message))
    return Report(tuple(dict.fromkeys(results)))
