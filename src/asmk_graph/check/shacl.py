"""SHACL validation of the data graph with the ontology, and a readable report.

The set-oriented engine on Oxigraph (engine.py) gives the report; pySHACL stays the reference
engine: it validates whatever the engine does not implement (named in the report's `engines`),
and the tests compare both engines result by result on every fixture and on the real graph.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from rdflib import BNode, Graph, URIRef
from rdflib.namespace import SH
from rdflib.term import Node

from ..graph.graphs import Triple, as_graph
from . import messages
from .engine import Ambiguous, Engine, Result, _sparql_path, load_ntriples, load_store

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
    engines: str = "oxigraph"  # which engine produced the results: oxigraph, pyshacl or both

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


def _report(results: list[ShapeResult], engines: str) -> Report:
    results.sort(key=lambda r: (SEVERITY_ORDER.get(r.severity, 9), r.focus, r.path, r.message, r.shape, r.value))
    return Report(tuple(dict.fromkeys(results)), engines)


def _text(node: Node | None) -> str:
    return "" if node is None else str(node)


def _path_text(graph: Graph, path: Node | None) -> str:
    """An IRI as is; a complex path in SPARQL syntax (its blank node label would vary by run)."""
    if isinstance(path, BNode):
        return _sparql_path(graph, path) or "(path)"
    return _text(path)


def _shape_name(shapes: Graph, shape: Node) -> str:
    """The shape's IRI, or, for an anonymous property shape, its node shape's IRI."""
    if isinstance(shape, URIRef):
        return str(shape)
    parent = shapes.value(None, SH.property, shape)
    return str(parent) if parent is not None else "(anonymous shape)"


# ----------------------------------------------------------------- the set-oriented engine

_ENGINES: dict[int, tuple[Graph, int, Engine]] = {}


def engine_for(shapes: Graph) -> Engine:
    """The compiled engine of a shapes graph (kept while the graph is unchanged)."""
    cached = _ENGINES.get(id(shapes))
    if cached is None or cached[0] is not shapes or cached[1] != len(shapes):
        cached = (shapes, len(shapes), Engine(shapes))
        _ENGINES[id(shapes)] = cached
    return cached[2]


def validate_graph(data: Graph | set[Triple], ontology: Graph, shapes: Graph) -> Report:
    """data: an rdflib Graph, or a set of triples (the build's union, not indexed by rdflib)."""
    engine = engine_for(shapes)
    if engine.declined:
        return validate_with_pyshacl(_graph(data), ontology, shapes)
    store, terms = load_store(data, ontology)
    try:
        found = engine.run(store, terms)
    except Ambiguous:
        return validate_with_pyshacl(_graph(data), ontology, shapes)
    namer = _DataNamer(data, ontology)
    results = [_shape_result(r, shapes, namer) for r in found]
    if not engine.unsupported:
        return _report(results, "oxigraph")
    if any(isinstance(n, BNode) for n in engine.unsupported):  # pySHACL selects shapes by IRI only
        return validate_with_pyshacl(_graph(data), ontology, shapes)
    rest = validate_with_pyshacl(_graph(data), ontology, shapes, use_shapes=[str(n) for n in engine.for_pyshacl()])
    return _report(results + list(rest.results), "both")


def _graph(data: Graph | set[Triple]) -> Graph:
    return data if isinstance(data, Graph) else as_graph(data)


def validate_ntriples(data: bytes, shapes: Graph) -> Report:
    """Validate N-Triples (data and ontology together) without building an rdflib graph: for large
    files. Falls back to pySHACL (on a parsed graph) as validate_graph does."""
    engine = engine_for(shapes)
    found: list[Result] | None = None
    if not engine.declined and not engine.unsupported:
        store, terms = load_ntriples(data)
        try:
            found = engine.run(store, terms)
        except Ambiguous:
            found = None
    if found is None:
        return validate_with_pyshacl(Graph().parse(data=data, format="nt"), Graph(), shapes)
    namer = messages.namer(Graph())  # the prefixes pySHACL sees in a graph parsed from N-Triples
    return _report([_shape_result(r, shapes, namer) for r in found], "oxigraph")


class _DataNamer:
    """Names data nodes as pySHACL does, in the graph it validates: the union of data and ontology,
    with the prefixes of both. Only a blank node's name needs that graph's triples, so they are
    copied only when one is named."""

    def __init__(self, data: Graph | set[Triple], ontology: Graph) -> None:
        self.data, self.ontology = data, ontology
        self._clone = Graph(bind_namespaces="core")  # prefixes and triples come at the first name
        self._name: messages.Namer | None = None
        self._filled = False

    def __call__(self, node: Node) -> str:
        if self._name is None:
            for prefix, namespace in _union_prefixes(self.data, self.ontology):
                self._clone.namespace_manager.bind(prefix, namespace, override=True, replace=True)
            self._name = messages.namer(self._clone)
        if isinstance(node, BNode) and not self._filled:
            self._clone += _graph(self.data)
            self._clone += self.ontology
            self._filled = True
        return self._name(node)


def _union_prefixes(data: Graph | set[Triple], ontology: Graph) -> Iterator[tuple[str, URIRef]]:
    """The prefixes of `data + ontology` (rdflib's Graph.__add__), without copying their triples."""
    prefixes = Graph()
    data_prefixes = (data if isinstance(data, Graph) else as_graph(())).namespaces()  # as_graph binds by default only
    for prefix, namespace in set(list(data_prefixes) + list(ontology.namespaces())):
        prefixes.bind(prefix, namespace)
    return prefixes.namespaces()


def _shape_result(r: Result, shapes: Graph, data_name: messages.Namer) -> ShapeResult:
    shape_name = messages.namer(shapes)

    def generic() -> str:
        return messages.generic(
            r.component, r.params, focus=r.focus, value=r.value, path=r.path, data=data_name,
            shapes=shape_name, shapes_graph=shapes, count=r.counts,
        )  # fmt: skip

    return ShapeResult(
        severity=str(r.severity).rsplit("#", 1)[-1],
        focus=_text(r.focus),
        path=_path_text(shapes, r.path),
        message=messages.render(r.shape.messages, r.extra_messages, r.bound, generic),
        shape=_shape_name(shapes, r.shape.node),
        constraint=_text(r.source_constraint) if isinstance(r.source_constraint, URIRef) else "",
        value=_text(r.value),
    )


# ----------------------------------------------------------------- pySHACL, the reference


def validate_with_pyshacl(data: Graph, ontology: Graph, shapes: Graph, use_shapes: list[str] | None = None) -> Report:
    from pyshacl import validate as shacl_validate  # 0.3 s to import: only when it is needed

    # The ontology (with its individuals: outcomes, roles, rotation orders) is merged in whole;
    # pyshacl's ont_graph option copies only class and property axioms.
    _conforms, results_graph, text_report = shacl_validate(
        data + ontology,
        shacl_graph=shapes,
        inference="none",
        abort_on_first=False,
        allow_warnings=True,
        advanced=True,
        use_shapes=use_shapes,
    )
    if not isinstance(results_graph, Graph):  # pyshacl reports a broken shape this way
        raise ValueError(f"SHACL validation could not run: {text_report}")
    results = []
    # the report's own results; those nested under sh:detail (of sh:node) are not results of the data
    for result in results_graph.objects(None, SH.result):
        value = results_graph.value
        source = value(result, SH.sourceConstraint)
        results.append(
            ShapeResult(
                severity=str(value(result, SH.resultSeverity)).rsplit("#", 1)[-1],
                focus=_text(value(result, SH.focusNode)),
                path=_path_text(results_graph, value(result, SH.resultPath)),
                message=" | ".join(sorted(str(m) for m in results_graph.objects(result, SH.resultMessage))),
                shape=_shape_name(shapes, value(result, SH.sourceShape)),  # type: ignore[arg-type]
                constraint=str(source) if isinstance(source, URIRef) else "",
                value=_text(value(result, SH.value)),
            )
        )
    return _report(results, "pyshacl")
