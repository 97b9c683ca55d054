"""Set-oriented SHACL validation on the embedded Oxigraph store.

pySHACL evaluates every constraint focus node by focus node, and parses each SPARQL-based
constraint anew for each of them. This engine asks Oxigraph set-oriented questions instead: one
query for a shape's focus nodes, one for the value nodes of each property shape, one per sh:class,
and one per SPARQL-based constraint for all its focus nodes at once (see prebind.py). The checks
of single values (datatype, pattern, sh:in, ...) are ports of pySHACL's, on rdflib terms, so that
the report is the one pySHACL gives; tests/test_shacl_engine.py compares the two on every fixture.

What it does not implement it declines rather than guesses: `unsupported` names the top-level
shapes that need another engine (check/shacl.py hands those to pySHACL), and `declined` says
why the whole shapes graph must go to pySHACL (SHACL rules, custom targets or components).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from datetime import date, datetime, time
from decimal import Decimal
from itertools import count
from typing import Any

import pyoxigraph as ox
from rdflib import BNode, Graph, Literal, URIRef
from rdflib.namespace import OWL, RDF, RDFS, SH, XSD
from rdflib.term import Node

from ..oxterms import to_ox, to_rdflib
from . import prebind

ALLOWED = {SH.Info, SH.Warning}  # severities that do not make a nested shape fail (allow_warnings)

# parameter -> component name (as used for messages); several parameters can share a component
COMPONENTS: dict[URIRef, str] = {
    SH["class"]: "class",
    SH.datatype: "datatype",
    SH.nodeKind: "nodeKind",
    SH.minCount: "minCount",
    SH.maxCount: "maxCount",
    SH["in"]: "in",
    SH.hasValue: "hasValue",
    SH.pattern: "pattern",
    SH.languageIn: "languageIn",
    SH.uniqueLang: "uniqueLang",
    SH.minLength: "minLength",
    SH.maxLength: "maxLength",
    SH.minInclusive: "minInclusive",
    SH.maxInclusive: "maxInclusive",
    SH.minExclusive: "minExclusive",
    SH.maxExclusive: "maxExclusive",
    SH.node: "node",
    SH["not"]: "not",
    SH["and"]: "and",
    SH["or"]: "or",
    SH.xone: "xone",
    SH.property: "property",
    SH.qualifiedValueShape: "qualified",
    SH.sparql: "sparql",
}
NOT_IMPLEMENTED = {
    SH.closed, SH.ignoredProperties, SH.equals, SH.disjoint, SH.lessThan, SH.lessThanOrEquals,
    SH.qualifiedValueShapesDisjoint, SH.expression, SH.js, SH.target, SH.rule,
}  # fmt: skip
PROPERTY_ONLY = {"minCount", "maxCount", "uniqueLang", "qualified"}
SHAPE_VALUED = {SH.node, SH["not"], SH.property, SH.qualifiedValueShape}
SHAPE_LISTS = {SH["and"], SH["or"], SH.xone}
TARGETS = (SH.targetClass, SH.targetNode, SH.targetSubjectsOf, SH.targetObjectsOf)
# features that change how the whole graph is validated: left to pySHACL entirely
GRAPH_FEATURES = (SH.rule, SH.target, SH.parameter, SH.jsFunctionName)


@dataclass(eq=False)
class Shape:
    node: Node
    path: Node | None
    severity: Node
    messages: list[Literal]
    deactivated: bool
    params: dict[URIRef, list[Node]]


@dataclass
class Result:
    shape: Shape
    component: str
    focus: Node
    value: Node | None = None
    path: Node | None = None
    source_constraint: Node | None = None
    extra_messages: list[Literal] = field(default_factory=list)
    bound: Any = None
    params: list[Node] = field(default_factory=list)
    counts: tuple[int | None, int | None] = (None, None)  # qualified min/max, for the message

    @property
    def severity(self) -> Node:
        return self.shape.severity


@dataclass
class Outcome:
    """Results by focus node, and the focus nodes that do not conform (pySHACL's rules)."""

    results: dict[Node, list[Result]] = field(default_factory=dict)
    failing: set[Node] = field(default_factory=set)


@dataclass(frozen=True)
class Focus:
    pattern: Callable[[str], str]  # a group pattern that binds the given variable to each focus node
    nodes: list[Node]


class Ambiguous(Exception):
    """A literal Oxigraph returned stands for several literals of the data; pySHACL must decide."""


class Terms:
    """Oxigraph terms <-> rdflib terms, blank nodes included (same labels both ways).

    Oxigraph stores some literals in canonical form: "7"^^xsd:positiveInteger comes back as
    "7"^^xsd:integer, "01"^^xsd:integer as "1". `originals` maps a stored literal back to the
    literal(s) of the data, which are what pySHACL checks and reports; where several literals
    share one stored form, `in_context` tells them apart by their subject and predicate.
    """

    def __init__(self) -> None:
        self.to_rdflib: dict[Any, Node] = {}
        self.to_ox: dict[Node, Any] = {}
        self.originals: dict[Any, list[Node]] = {}
        self.in_context: dict[tuple[Any, Any, Any], Node] = {}

    def ox(self, node: Node) -> Any:
        term = self.to_ox.get(node)
        if term is None:
            term = to_ox(node)
            self.to_ox[node] = term
        return term

    def rdflib(self, term: Any) -> Node:
        node = self.to_rdflib.get(term)
        if node is None:
            originals = self.originals.get(term)
            if originals is None:
                node = to_rdflib(term)
            elif len({str(o) for o in originals}) == 1:
                node = originals[0]  # same text either way: what a report shows
            else:
                raise Ambiguous(f"{term} stands for {', '.join(o.n3() for o in originals)}")
            self.to_rdflib[term] = node
        return node

    def value(self, subject: Any, predicate: Any, term: Any) -> Node:
        """The data's literal at (subject, predicate, term), exactly."""
        if isinstance(term, ox.Literal) and len(self.originals.get(term, ())) > 1:
            return self.in_context[(subject, predicate, term)]
        return self.rdflib(term)

    def remember(self, literals: set[Node], triples: list[tuple[Any, Any, Literal]]) -> None:
        """Learn how Oxigraph stores these literals; triples (s, p, literal) give the contexts."""
        scratch = ox.Store()
        ordered = list(literals)
        p = ox.NamedNode("urn:x-literal")
        scratch.extend(ox.Quad(ox.NamedNode(f"urn:x-literal:{i}"), p, self.ox(lit)) for i, lit in enumerate(ordered))
        stored_as: dict[Node, Any] = {}
        solutions = scratch.query("SELECT ?s ?o WHERE { ?s ?p ?o }")
        assert isinstance(solutions, ox.QuerySolutions)
        for subject, stored in solutions:
            original = ordered[int(subject.value.rsplit(":", 1)[1])]
            stored_as[original] = stored
            if original not in self.originals.setdefault(stored, []):
                self.originals[stored].append(original)
        for s, p_, o in triples:
            stored = stored_as.get(o)
            if stored is not None and len(self.originals[stored]) > 1:
                self.in_context[(s, p_, stored)] = o
        self.originals = {k: v for k, v in self.originals.items() if v != [to_rdflib(k)]}


def load_store(*graphs: Iterable[tuple[Node, Node, Node]]) -> tuple[ox.Store, Terms]:
    """The graphs (rdflib Graphs or sets of triples) in one Oxigraph store."""
    terms = Terms()
    literals: set[Node] = set()
    contexts: list[tuple[Any, Any, Literal]] = []
    quads = []
    for graph in graphs:
        for s, p, o in graph:
            triple = (terms.ox(s), terms.ox(p), terms.ox(o))
            if isinstance(o, Literal):
                literals.add(o)
                contexts.append((triple[0], triple[1], o))
            quads.append(ox.Quad(*triple))
    terms.remember(literals, contexts)
    store = ox.Store()
    store.extend(quads)
    return store, terms


_TYPED_TRIPLE = re.compile(rb'^(\S+) <([^>]*)> "((?:[^"\\\n]|\\.)*)"\^\^<([^>]*)> \.$', re.MULTILINE)


def load_ntriples(data: bytes) -> tuple[ox.Store, Terms]:
    """N-Triples (one triple a line, as graph/asmk.nt) straight into Oxigraph: for large files."""
    terms = Terms()
    literals: set[Node] = set()
    contexts: list[tuple[Any, Any, Literal]] = []
    for subject, predicate, lexical, datatype in _TYPED_TRIPLE.findall(data):
        text = lexical.decode()
        if "\\" in text:
            text = text.encode("latin-1", "backslashreplace").decode("unicode_escape")
        literal = Literal(text, datatype=URIRef(datatype.decode()))
        literals.add(literal)
        s = ox.BlankNode(subject[2:].decode()) if subject.startswith(b"_:") else ox.NamedNode(subject[1:-1].decode())
        contexts.append((s, ox.NamedNode(predicate.decode()), literal))
    terms.remember(literals, contexts)
    store = ox.Store()
    store.load(data, format=ox.RdfFormat.N_TRIPLES)
    return store, terms


class Engine:
    def __init__(self, shapes: Graph) -> None:
        self.sg = shapes
        self._shapes: dict[Node, Shape] = {}
        self.prefixes: dict[Node, str] = {}
        self.declined = next((f"shapes use {p.n3()}" for p in GRAPH_FEATURES if (None, p, None) in shapes), None)
        if (None, RDF.type, SH.ConstraintComponent) in shapes:
            self.declined = "shapes declare their own constraint components"
        self.top = [n for n in self._all_shape_nodes() if self._has_targets(n)]
        self.unsupported = [n for n in self.top if not self._supported(n, set())]

    # ----------------------------------------------------------------- shapes graph

    def _all_shape_nodes(self) -> list[Node]:
        nodes: dict[Node, None] = {}
        for kind in (SH.NodeShape, SH.PropertyShape):
            nodes.update(dict.fromkeys(self.sg.subjects(RDF.type, kind)))
        for p in (*TARGETS, *COMPONENTS, *NOT_IMPLEMENTED):
            nodes.update(dict.fromkeys(self.sg.subjects(p, None)))
        for s in list(self.sg.subjects(RDF.type, RDFS.Class)):
            nodes[s] = None
        return sorted(nodes, key=str)

    def _has_targets(self, node: Node) -> bool:
        return any((node, p, None) in self.sg for p in TARGETS) or bool(self._implicit_class(node))

    def _implicit_class(self, node: Node) -> list[Node]:
        classes = {RDFS.Class, *self.sg.subjects(RDFS.subClassOf, RDFS.Class)}
        return [node] if any(t in classes for t in self.sg.objects(node, RDF.type)) else []

    def shape(self, node: Node) -> Shape:
        found = self._shapes.get(node)
        if found is None:
            params = {p: list(self.sg.objects(node, p)) for p in (*COMPONENTS, *NOT_IMPLEMENTED)}
            deactivated = self.sg.value(node, SH.deactivated)
            found = Shape(
                node=node,
                path=self.sg.value(node, SH.path),
                severity=self.sg.value(node, SH.severity) or SH.Violation,
                messages=[m for m in self.sg.objects(node, SH.message) if isinstance(m, Literal)],
                deactivated=isinstance(deactivated, Literal) and bool(deactivated.value),
                params={p: v for p, v in params.items() if v},
            )
            self._shapes[node] = found
        return found

    def _supported(self, node: Node, seen: set[Node]) -> bool:
        if node in seen:
            return False  # recursive shapes: pySHACL has its own recursion rules
        seen = seen | {node}
        shape = self.shape(node)
        if shape.deactivated:
            return True
        unimplemented = set(shape.params) & NOT_IMPLEMENTED
        if _open(shape):
            unimplemented -= {SH.closed, SH.ignoredProperties}  # sh:closed false constrains nothing
        if unimplemented or isinstance(shape.path, Literal):
            return False
        if (node, SH.targetNode, None) in self.sg and any(
            isinstance(n, BNode) for n in self.sg.objects(node, SH.targetNode)
        ):
            return False
        if shape.path is None and {COMPONENTS.get(p) for p in shape.params} & PROPERTY_ONLY:
            return False
        if any(len(shape.params.get(p, [])) > 1 for p in (SH.datatype, SH.nodeKind, SH.languageIn, SH["in"])):
            return False
        if shape.path is not None and _sparql_path(self.sg, shape.path) is None:
            return False
        for c in shape.params.get(SH.sparql, []):
            if self._sparql(shape, c) is None:
                return False
        nested = [n for p in SHAPE_VALUED for n in shape.params.get(p, [])]
        nested += [m for p in SHAPE_LISTS for lst in shape.params.get(p, []) for m in self.sg.items(lst)]
        return all(self._supported(n, seen) for n in nested)

    def for_pyshacl(self) -> list[URIRef]:
        """The shapes to name in pySHACL's use_shapes for the unsupported ones: those and every IRI
        shape they refer to. pySHACL filters out any IRI shape referenced (by sh:property, sh:node,
        ...) but not listed, so its results would silently go missing."""
        listed: dict[Node, None] = {}
        stack = list(self.unsupported)
        while stack:
            node = stack.pop()
            if node in listed:
                continue
            listed[node] = None
            params = self.shape(node).params
            stack += [n for p in SHAPE_VALUED for n in params.get(p, [])]
            stack += [m for p in SHAPE_LISTS for lst in params.get(p, []) for m in self.sg.items(lst)]
        return [n for n in listed if isinstance(n, URIRef)]

    def _sparql(self, shape: Shape, constraint: Node) -> prebind.Constraint | None:
        selects = list(self.sg.objects(constraint, SH.select))
        if len(selects) != 1 or not isinstance(selects[0], Literal):
            return None
        text = str(selects[0])
        if shape.path is not None:
            path = _sparql_path(self.sg, shape.path)
            if path is None:
                return None
            text = prebind.replace_path(text, path)
        return prebind.analyse(self._prefixes(constraint) + text)

    def _prefixes(self, constraint: Node) -> str:
        """PREFIX lines for a constraint's sh:prefixes, collected as pySHACL collects them."""
        if constraint not in self.prefixes:
            table = {"rdf": str(RDF), "rdfs": str(RDFS), "owl": str(OWL)}
            ontologies = set(self.sg.subjects(RDF.type, OWL.Ontology))
            named = set(self.sg.objects(self.sg.identifier, SH.declare)) if self.sg.identifier else set()
            everywhere = named | {d for o in ontologies for d in self.sg.objects(o, SH.declare)}
            for prefixes in self.sg.objects(constraint, SH.prefixes):
                own = set(self.sg.objects(prefixes, SH.declare))
                for declared in own | named if own and prefixes in ontologies else everywhere | own:
                    prefix, namespace = self.sg.value(declared, SH.prefix), self.sg.value(declared, SH.namespace)
                    if prefix is not None and namespace is not None:
                        table[str(prefix)] = str(namespace)
            self.prefixes[constraint] = "".join(f"PREFIX {p}: <{ns}>\n" for p, ns in table.items())
        return self.prefixes[constraint]

    # ----------------------------------------------------------------- running

    def run(self, store: ox.Store, terms: Terms) -> list[Result]:
        """Results of every supported top-level shape (the unsupported ones are not run)."""
        run = _Run(self, store, terms)
        results: list[Result] = []
        for node in self.top:
            if node in self.unsupported:
                continue
            focus = run.targets(node)
            for found in run.evaluate(self.shape(node), focus).results.values():
                results.extend(found)
        return results


class _Run:
    """One validation: the store, term conversions and fresh variable names."""

    def __init__(self, engine: Engine, store: ox.Store, terms: Terms) -> None:
        self.engine, self.sg, self.store, self.terms = engine, engine.sg, store, terms
        self.names = count()

    def var(self) -> str:
        return f"?_v{next(self.names)}"

    def select(self, query: str, **options: Any) -> ox.QuerySolutions:
        solutions = self.store.query(query, **options)
        assert isinstance(solutions, ox.QuerySolutions), query
        return solutions

    def rows(self, query: str, **options: Any) -> Iterator[dict[str, Node]]:
        solutions = self.select(query, **options)
        names = [v.value for v in solutions.variables]
        convert = self.terms.rdflib
        for solution in solutions:
            yield {n: convert(t) for n, t in zip(names, solution, strict=True) if t is not None}

    def column(self, query: str) -> list[Node]:
        convert = self.terms.rdflib
        return [convert(s[0]) for s in self.select(query)]

    # ----------------------------------------------------------------- focus and value nodes

    def targets(self, node: Node) -> Focus:
        classes = [*self.sg.objects(node, SH.targetClass), *self.engine._implicit_class(node)]
        nodes = list(self.sg.objects(node, SH.targetNode))
        subjects_of = list(self.sg.objects(node, SH.targetSubjectsOf))
        objects_of = list(self.sg.objects(node, SH.targetObjectsOf))

        def pattern(x: str) -> str:
            parts = [f"{{ {x} <{RDF.type}>/<{RDFS.subClassOf}>* {c.n3()} }}" for c in classes]
            if nodes:
                parts.append(f"{{ VALUES {x} {{ " + " ".join(n.n3() for n in nodes) + " } }")
            parts += [f"{{ {x} {p.n3()} ?_o }}" for p in subjects_of]
            parts += [f"{{ ?_s {p.n3()} {x} }}" for p in objects_of]
            return f"{{ SELECT DISTINCT {x} WHERE {{ " + " UNION ".join(parts) + " } }"

        return Focus(pattern, self.column(f"SELECT ?x WHERE {pattern('?x')}"))

    def value_focus(self, shape: Shape, focus: Focus, values: dict[Node, list[Node]]) -> Focus:
        """The value nodes of shape as focus nodes of the shapes it refers to."""
        if shape.path is None:
            return focus
        path = _sparql_path(self.sg, shape.path)

        def pattern(var: str) -> str:
            f = self.var()
            return f"{{ SELECT DISTINCT {var} WHERE {{ {focus.pattern(f)} {f} {path} {var} }} }}"

        return Focus(pattern, list(dict.fromkeys(v for vs in values.values() for v in vs)))

    def value_nodes(self, shape: Shape, focus: Focus) -> dict[Node, list[Node]]:
        if shape.path is None:
            return {f: [f] for f in focus.nodes}
        values: dict[Node, list[Node]] = {f: [] for f in focus.nodes}
        path = _sparql_path(self.sg, shape.path)
        query = f"SELECT DISTINCT ?f ?v WHERE {{ {focus.pattern('?f')} ?f {path} ?v }}"
        predicate = self.terms.ox(shape.path) if isinstance(shape.path, URIRef) else None
        convert = self.terms.rdflib
        for f_term, v_term in self.select(query):
            f = convert(f_term)
            if f not in values:
                raise Ambiguous(f"focus node {f_term} is not one of the focus nodes")
            if predicate is not None:
                values[f].append(self.terms.value(f_term, predicate, v_term))
            else:
                values[f].append(convert(v_term))
        return values

    # ----------------------------------------------------------------- shapes

    def evaluate(self, shape: Shape, focus: Focus) -> Outcome:
        outcome = Outcome()
        if shape.deactivated or not focus.nodes:
            return outcome
        values = self.value_nodes(shape, focus)
        for param, name in COMPONENTS.items():
            if param not in shape.params:
                continue
            part = self.component(shape, name, shape.params[param], focus, values)
            for f, found in part.results.items():
                outcome.results.setdefault(f, []).extend(found)
                if f in part.failing and any(r.severity not in ALLOWED for r in found):
                    outcome.failing.add(f)
        if shape.severity in ALLOWED:
            outcome.failing.clear()  # pySHACL's allow_warnings: such a shape always conforms
        return outcome

    def component(
        self, shape: Shape, name: str, params: list[Node], focus: Focus, values: dict[Node, list[Node]]
    ) -> Outcome:
        if name == "sparql":
            return self.sparql(shape, params, focus)
        if name == "class":
            return self.classes(shape, params, focus, values)
        if name in ("property", "node", "not", "and", "or", "xone", "qualified"):
            return self.nested(shape, name, params, focus, values)
        return self.per_value(shape, name, params, values)

    def per_value(self, shape: Shape, name: str, params: list[Node], values: dict[Node, list[Node]]) -> Outcome:
        out = Outcome()

        def fail(f: Node, value: Node | None, rule: list[Node] = params) -> None:
            out.results.setdefault(f, []).append(Result(shape, name, f, value, shape.path, params=rule))
            out.failing.add(f)

        if name == "minCount" or name == "maxCount":
            limit = int(params[0].value)  # type: ignore[attr-defined]
            for f, vs in values.items():
                if (len(vs) < limit) if name == "minCount" else (len(vs) > limit):
                    fail(f, None)
        elif name == "hasValue":
            for wanted in params:
                for f, vs in values.items():
                    if wanted not in vs:
                        fail(f, None)
        elif name == "uniqueLang":
            if params[0].value is True:  # type: ignore[attr-defined]
                for f, vs in values.items():
                    langs = [str(v.language).lower() for v in vs if isinstance(v, Literal) and v.language]
                    for _ in {lang for lang in langs if langs.count(lang) > 1}:
                        fail(f, None)
        else:
            for rule in params if name in MULTI_VALUED else params[:1]:
                test = _value_test(self.sg, name, rule, shape)
                for f, vs in values.items():
                    for v in vs:
                        if not test(v):
                            fail(f, v)
        return out

    def classes(self, shape: Shape, params: list[Node], focus: Focus, values: dict[Node, list[Node]]) -> Outcome:
        out = Outcome()
        valued = self.value_focus(shape, focus, values)
        for c in params:
            bad = set(
                self.column(
                    f"SELECT ?v WHERE {{ {valued.pattern('?v')} FILTER (!isLiteral(?v)) "
                    f"FILTER NOT EXISTS {{ ?v <{RDF.type}>/<{RDFS.subClassOf}>* {c.n3()} }} }}"
                )
            )
            for f, vs in values.items():
                for v in vs:
                    if isinstance(v, Literal) or v in bad:
                        out.results.setdefault(f, []).append(Result(shape, "class", f, v, shape.path, params=params))
                        out.failing.add(f)
        return out

    def nested(
        self, shape: Shape, name: str, params: list[Node], focus: Focus, values: dict[Node, list[Node]]
    ) -> Outcome:
        out = Outcome()
        valued = self.value_focus(shape, focus, values)
        if not valued.nodes and name != "qualified":
            return out
        engine = self.engine
        if name == "property":
            for p in params:
                inner = self.evaluate(engine.shape(p), valued)
                for f, vs in values.items():
                    for v in vs:
                        out.results.setdefault(f, []).extend(inner.results.get(v, []))
                        if v in inner.failing:
                            out.failing.add(f)
            return out
        if name == "qualified":
            low, high = (_int(self.sg.value(shape.node, p)) for p in (SH.qualifiedMinCount, SH.qualifiedMaxCount))
            for q in params:
                inner = self.evaluate(engine.shape(q), valued)
                for f, vs in values.items():
                    conforming = sum(1 for v in vs if v not in inner.failing)
                    for kind, broken in (("qualifiedMaxCount", high is not None and conforming > high),
                                         ("qualifiedMinCount", low is not None and conforming < low)):  # fmt: skip
                        if broken:
                            result = Result(shape, kind, f, None, shape.path, params=params, counts=(low, high))
                            out.results.setdefault(f, []).append(result)
                            out.failing.add(f)
            return out
        groups = [[p] for p in params] if name in ("node", "not") else [list(self.sg.items(lst)) for lst in params]
        for group in groups:
            outcomes = [self.evaluate(engine.shape(s), valued) for s in group]
            for f, vs in values.items():
                for v in vs:
                    conform = [v not in o.failing for o in outcomes]
                    if name == "node":
                        broken = not conform[0] or bool(outcomes[0].results.get(v))
                    elif name == "not":
                        broken = conform[0]
                    elif name == "and":
                        broken = not all(conform)
                    elif name == "or":
                        broken = bool(group) and not any(conform)
                    else:
                        broken = bool(group) and sum(conform) != 1
                    if broken:
                        out.results.setdefault(f, []).append(Result(shape, name, f, v, shape.path, params=params))
                        out.failing.add(f)
        return out

    # ----------------------------------------------------------------- SHACL-SPARQL

    def sparql(self, shape: Shape, params: list[Node], focus: Focus) -> Outcome:
        out = Outcome()
        for node in params:
            if _true(self.sg.value(node, SH.deactivated)):
                continue
            constraint = self.engine._sparql(shape, node)
            assert constraint is not None  # checked by Engine._supported
            extra = [m for m in self.sg.objects(node, SH.message) if isinstance(m, Literal)]
            by_focus = self._sparql_rows(constraint, focus)
            for f in focus.nodes:
                for t, p, v, others in _violations(by_focus.get(f, [])):
                    result_value = f if shape.path is None else None
                    if t is True:
                        r = Result(shape, "sparql", f, result_value, shape.path, node, extra, others)
                    else:
                        v = v if v is not None else result_value
                        r = Result(shape, "sparql", t or f, v, p or shape.path, node, extra, (t, p, v, others))
                    out.results.setdefault(f, []).append(r)
                    out.failing.add(f)
        return out

    def _sparql_rows(self, constraint: prebind.Constraint, focus: Focus) -> dict[Node, list[dict[str, Node]]]:
        """Solutions by focus node, restricted to the variables the constraint itself selects."""
        keep = constraint.projected
        by_focus: dict[Node, list[dict[str, Node]]] = {}
        if constraint.set_oriented:
            query = prebind.set_oriented_query(constraint, focus.pattern("?this"))
            focus_nodes = set(focus.nodes)
            for row in self.rows(query):
                f = row["this"]
                if f not in focus_nodes:
                    raise Ambiguous(f"{f} is not one of the focus nodes")
                by_focus.setdefault(f, []).append(_projected(row, keep))
            return by_focus
        this = ox.Variable("this")
        for f in focus.nodes:
            rows = self.rows(constraint.text, substitutions={this: self.terms.ox(f)})
            by_focus[f] = [_projected(row, keep) for row in rows]
        return by_focus


MULTI_VALUED = {"pattern", "minInclusive", "maxInclusive", "minExclusive", "maxExclusive", "minLength", "maxLength"}


def _projected(row: dict[str, Node], keep: frozenset[str] | None) -> dict[str, Node]:
    return row if keep is None else {k: v for k, v in row.items() if k in keep}


def _violations(rows: list[dict[str, Node]]) -> list[tuple[Any, Any, Any, dict[str, Node]]]:
    """pySHACL's _validate_sparql_query: (this, path, value, other vars), or (True, ...) for ?failure."""
    found: list[tuple[Any, Any, Any, dict[str, Node]]] = []
    failed = False
    for row in rows:
        others = dict(row)
        if others.pop("failure", None) is not None:
            if not failed:
                found.append((True, None, None, others))
                failed = True
            continue
        p, v, t = others.pop("path", None), others.pop("value", None), others.pop("this", None)
        if (p is not None or v is not None or t is not None) and (t, p, v, others) not in found:
            found.append((t, p, v, others))
    return found


def _open(shape: Shape) -> bool:
    """sh:closed false (SHACL 4.8.1 constrains only when $closed is true; pySHACL agrees)."""
    closed = shape.params.get(SH.closed, [])
    return len(closed) == 1 and isinstance(closed[0], Literal) and closed[0].value is False


def _true(node: Node | None) -> bool:
    return isinstance(node, Literal) and node.value is True


def _int(node: Node | None) -> int | None:
    return int(node.value) if isinstance(node, Literal) else None


# ----------------------------------------------------------------- paths


def _sparql_path(sg: Graph, node: Node, depth: int = 0) -> str | None:
    """A SHACL property path as a SPARQL property path (full IRIs), None if malformed."""
    if isinstance(node, URIRef):
        return node.n3()
    if not isinstance(node, BNode) or depth > 12:
        return None
    members = list(sg.items(node))
    if members:
        parts = [_sparql_path(sg, m, depth + 1) for m in members]
        return None if len(parts) < 2 or None in parts else "(" + "/".join(parts) + ")"  # type: ignore[arg-type]
    for predicate, template in (
        (SH.inversePath, "^({})"),
        (SH.zeroOrMorePath, "({})*"),
        (SH.oneOrMorePath, "({})+"),
        (SH.zeroOrOnePath, "({})?"),
    ):
        inner = sg.value(node, predicate)
        if inner is not None:
            text = _sparql_path(sg, inner, depth + 1)
            return None if text is None else template.format(text)
    alternatives = sg.value(node, SH.alternativePath)
    if alternatives is not None:
        parts = [_sparql_path(sg, m, depth + 1) for m in sg.items(alternatives)]
        return None if len(parts) < 2 or None in parts else "(" + "|".join(parts) + ")"  # type: ignore[arg-type]
    return None


# ----------------------------------------------------------------- single-value tests (ported from pySHACL)


def _value_test(sg: Graph, name: str, rule: Node, shape: Shape) -> Callable[[Node], bool]:
    if name == "datatype":
        return lambda v: _has_datatype(v, rule)
    if name == "nodeKind":
        kinds = {
            BNode: (SH.BlankNode, SH.BlankNodeOrLiteral, SH.BlankNodeOrIRI),
            Literal: (SH.Literal, SH.BlankNodeOrLiteral, SH.IRIOrLiteral),
            URIRef: (SH.IRI, SH.IRIOrLiteral, SH.BlankNodeOrIRI),
        }
        return lambda v: rule in kinds.get(type(v), ())
    if name == "in":
        allowed = list(sg.items(rule))
        return lambda v: v in allowed
    if name == "languageIn":
        wanted = {str(lang.value).lower() for lang in sg.items(rule)}  # type: ignore[attr-defined]
        return lambda v: _language_in(v, wanted)
    if name == "pattern":
        return _pattern_test(sg, rule, shape)
    if name in ("minLength", "maxLength"):
        limit = rule.value  # type: ignore[attr-defined]
        if name == "minLength":
            return lambda v: limit == 0 or (not isinstance(v, BNode) and len(_string(v)) >= limit)
        return lambda v: not isinstance(v, BNode) and len(_string(v)) <= limit
    accepted = {"minInclusive": (0, 1), "minExclusive": (1,), "maxInclusive": (0, -1), "maxExclusive": (-1,)}[name]
    return lambda v: _compares(v, rule, accepted)


def _has_datatype(v: Node, rule: Node) -> bool:
    if not isinstance(v, Literal):
        return False
    if v.datatype == rule:
        return getattr(v, "ill_typed", None) is not True and _actual_datatype(v, rule)
    if rule == RDFS.Literal:
        return True
    if rule == RDFS.Datatype and v.datatype:
        return True
    if v.datatype is None and v.language is None and rule == XSD.string:
        return _actual_datatype(v, rule)
    if rule == RDF.langString and v.language:
        return _actual_datatype(v, rule)
    return False


_VALUE_TYPES: dict[Node, type | tuple[type, ...]] = {
    XSD.string: (str, bytes),
    RDF.langString: (str, bytes),
    XSD.integer: int,
    XSD.float: float,
    XSD.decimal: Decimal,
    XSD.boolean: bool,
    XSD.date: date,
    XSD.time: time,
    XSD.dateTime: datetime,
}


def _actual_datatype(v: Literal, rule: Node) -> bool:
    expected = _VALUE_TYPES.get(rule)
    return True if expected is None else isinstance(v.value, expected)


def _language_in(v: Node, wanted: set[str]) -> bool:
    if not isinstance(v, Literal) or not v.language:
        return False
    lang = str(v.language).lower()
    return "*" in wanted or lang in wanted or lang.split("-")[0] in wanted


def _string(v: Node) -> str:
    if isinstance(v, Literal) and v.value is not None and v.datatype in (None, RDF.langString, XSD.string):
        return str(v.value)
    return str(v)


def _pattern_test(sg: Graph, rule: Node, shape: Shape) -> Callable[[Node], bool]:
    flags_node = next(iter(sg.objects(shape.node, SH.flags)), None)
    flags = 0
    if flags_node is not None:
        text = str(flags_node.value).lower()  # type: ignore[attr-defined]
        flags |= re.I if "i" in text else 0
        flags |= re.M if "m" in text else 0
    assert isinstance(rule, Literal)
    matcher = re.compile(str(rule.value) if rule.value is not None and len(rule.value) > 1 else str(rule), flags)
    return lambda v: not isinstance(v, BNode) and bool(matcher.match(_string(v)) or matcher.search(_string(v)))


_FORCE_VALUE_COMPARE = (datetime, time)


def _compares(v: Node, rule: Node, accepted: tuple[int, ...]) -> bool:
    if not isinstance(v, Literal) or not isinstance(rule, Literal):
        return False
    if isinstance(rule.value, str) != isinstance(v.value, str):
        return False
    try:
        if v.eq(rule):
            order = 0
        elif v.value.__class__ in _FORCE_VALUE_COMPARE:
            order = 0 if v.value == rule.value else 1 if v.value > rule.value else -1
        else:
            order = 1 if v > rule else -1
    except (TypeError, NotImplementedError):
        return False
    return order in accepted
