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

import pyoxigraph as ox
from rdflib import Graph, Literal
from rdflib.namespace import DCTERMS, RDF, RDFS

from ..namespaces import ASMK, Ids
from ..queries import parse_query_file
from .graphs import GraphSet, Triple
from .serialize import to_nquads, to_ntriples

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


def _to_rdflib(triples: list[ox.Triple]) -> Graph:
    data = ox.serialize(triples, format=ox.RdfFormat.N_TRIPLES) or b""
    return Graph().parse(data=data.decode("utf-8"), format="nt")


def derive(graphs: GraphSet, rules: list[InferenceRule], axioms: Graph) -> dict[str, Graph]:
    """Apply the rules to graphs (plus axioms of reused vocabularies, read but not served).

    The rules see every stated triple in the default graph and the named graphs for GRAPH
    patterns. Returns the new triples per rule; raises RuleError on a failing rule.
    """
    store = ox.Store()
    store.bulk_load(to_nquads(graphs).encode(), format=ox.RdfFormat.N_QUADS)
    stated = graphs.union() + axioms
    store.bulk_load(to_ntriples(stated).encode(), format=ox.RdfFormat.N_TRIPLES)  # into the default graph
    known: set[Triple] = set(stated)
    derived: dict[str, Graph] = {rule.name: Graph() for rule in rules}
    for _ in range(MAX_ROUNDS):
        new_this_round: dict[str, Graph] = {}
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
            fresh = Graph()
            for triple in _to_rdflib(triples):
                if triple not in known:
                    fresh.add(triple)
            if len(fresh):
                new_this_round[rule.name] = fresh
        if not new_this_round:
            return derived
        for name, fresh in new_this_round.items():
            derived[name] += fresh
            known.update(fresh)
            store.bulk_load(to_ntriples(fresh).encode(), format=ox.RdfFormat.N_TRIPLES)
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
