"""Derived facts: the declared rules of queries/rules/ applied to what the sources state.

Each rule is a SPARQL CONSTRUCT file whose `#+` header says what it derives and why
(`summary`, `label`, `reasoning`). The rules run together until none derives anything new (so
one may build on another: the year of a meeting, then its chair). What a rule derives that a
source or the project already states is dropped; the rest goes into the rule's own named
graph, <base>graph/derived/<rule>, so `GRAPH ?g` names the rule behind every derived triple.
The rules and their graphs are described in the editorial graph.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pyoxigraph as ox
from rdflib import Graph, Literal
from rdflib.namespace import DCTERMS, RDF, RDFS
from rdflib.term import Node

from ..namespaces import ASMK, Ids
from ..oxterms import to_ox, to_rdflib
from ..queries import parse_query_file
from .graphs import GraphSet, Triple

MAX_ROUNDS = 10


class RuleError(Exception):
    """A rule that cannot run or derives something the graph cannot hold."""


@dataclass(frozen=True)
class InferenceRule:
    name: str
    path: Path
    query: str
    label: str
    summary: str
    reasoning: str


def load_rules(rules_dir: Path, root: Path) -> list[InferenceRule]:
    rules = []
    for path in sorted(rules_dir.glob("*.rq")):
        parsed = parse_query_file(path, rules_dir)
        missing = [key for key in ("summary", "label", "reasoning") if not parsed.meta.get(key)]
        if missing:
            raise RuleError(f"{path.relative_to(root)}: the header needs #+ {', #+ '.join(missing)}")
        rules.append(
            InferenceRule(
                name=path.stem,
                path=path.relative_to(root),
                query=parsed.text,
                label=parsed.meta["label"],
                summary=parsed.meta["summary"],
                reasoning=parsed.meta["reasoning"],
            )
        )
    return rules


def derive(graphs: GraphSet, rules: list[InferenceRule], axioms: Graph) -> dict[str, set[Triple]]:
    """Apply the rules to graphs (plus axioms of reused vocabularies, read but not served).

    The rules see every stated triple in the default graph and the named graphs for GRAPH
    patterns. Returns the new triples per rule; raises RuleError on a failing rule.
    """
    terms: dict[Node, Any] = {}

    def ox_term(node: Node) -> Any:
        term = terms.get(node)
        if term is None:
            term = terms[node] = to_ox(node)
        return term

    def quad(s: Node, p: Node, o: Node, g: Node | None = None) -> ox.Quad:
        return ox.Quad(ox_term(s), ox_term(p), ox_term(o), ox.DefaultGraph() if g is None else ox_term(g))

    store = ox.Store()
    store.extend([quad(*q) for q in graphs.quads()])
    known: set[Triple] = graphs.union_triples() | set(axioms)
    store.extend([quad(*t) for t in known])  # into the default graph
    derived: dict[str, set[Triple]] = {rule.name: set() for rule in rules}
    for _ in range(MAX_ROUNDS):
        new_this_round: dict[str, set[Triple]] = {}
        for rule in rules:
            try:
                result = store.query(rule.query)
            except (SyntaxError, OSError, ValueError, RuntimeError) as exc:
                raise RuleError(f"{rule.path}: {exc}") from exc
            if not isinstance(result, ox.QueryTriples):
                raise RuleError(f"{rule.path}: a rule must be a CONSTRUCT query")
            triples = list(result)
            if any(isinstance(term, ox.BlankNode) for t in triples for term in (t.subject, t.object)):
                raise RuleError(f"{rule.path}: derived a blank node; every node needs an IRI")
            found = {(to_rdflib(t.subject), to_rdflib(t.predicate), to_rdflib(t.object)) for t in triples}
            if fresh := found - known:
                new_this_round[rule.name] = fresh
        if not new_this_round:
            return derived
        for name, fresh in new_this_round.items():
            derived[name] |= fresh
            known |= fresh
            store.extend([quad(*t) for t in fresh])
    raise RuleError(f"the rules still derive new triples after {MAX_ROUNDS} rounds")


def apply_rules(graphs: GraphSet, rules: list[InferenceRule], ids: Ids, axioms: Graph) -> None:
    """Add each rule's derivations to its graph, and describe rules and graphs (editorial)."""
    editorial = ids.editorial_graph()
    for name, triples in derive(graphs, rules, axioms).items():
        rule = next(r for r in rules if r.name == name)
        node = ids.inference_rule(name)
        graphs.add(editorial, (node, RDF.type, ASMK.InferenceRule))
        graphs.add(editorial, (node, RDFS.label, Literal(rule.label, lang="de")))
        graphs.add(editorial, (node, RDFS.comment, Literal(rule.summary, lang="en")))
        graphs.add(editorial, (node, DCTERMS.description, Literal(rule.reasoning, lang="en")))
        graphs.add(editorial, (node, ASMK.queryFile, Literal(str(rule.path))))
        if len(triples):
            graph = ids.derived_graph(name)
            graphs.add_all(graph, triples)
            graphs.add(editorial, (graph, RDF.type, ASMK.DerivedGraph))
            graphs.add(editorial, (graph, RDFS.label, Literal(f"Abgeleitet: {rule.label}", lang="de")))
            graphs.add(editorial, (graph, ASMK.derivedBy, node))
