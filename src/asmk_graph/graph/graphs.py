"""Named graphs of the build: which graph states which triple. The union is what is served.

Triples are kept in plain sets: an rdflib Graph indexes every triple it is given three ways, which
a build that only adds, unites and serialises does not need (it was half the time of `validate`).
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator

from rdflib import Graph, URIRef
from rdflib.term import Node

Triple = tuple[Node, Node, Node]


class GraphSet:
    """Triples by named graph. A triple stated by two sources is in both their graphs."""

    def __init__(self) -> None:
        self.triples: dict[URIRef, set[Triple]] = {}

    def add(self, graph: URIRef, triple: Triple) -> None:
        self.triples.setdefault(graph, set()).add(triple)

    def add_all(self, graph: URIRef, triples: Iterable[Triple]) -> None:
        self.triples.setdefault(graph, set()).update(triples)

    def union_triples(self) -> set[Triple]:
        return set().union(*self.triples.values())

    def union(self) -> Graph:
        """The union as an rdflib Graph (for what needs rdflib's API)."""
        return as_graph(self.union_triples())

    @property
    def graphs(self) -> dict[URIRef, Graph]:
        """Each named graph as an rdflib Graph, built on each call (to inspect the build, in tests)."""
        return {name: as_graph(triples, name) for name, triples in self.triples.items()}

    def quads(self) -> Iterator[tuple[Node, Node, Node, URIRef]]:
        for name, triples in self.triples.items():
            for s, p, o in triples:
                yield s, p, o, name

    def __len__(self) -> int:
        return sum(len(triples) for triples in self.triples.values())


def as_graph(triples: Iterable[Triple], identifier: URIRef | None = None) -> Graph:
    graph = Graph(identifier=identifier)
    for triple in triples:
        graph.add(triple)
    return graph
