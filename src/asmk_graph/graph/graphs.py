"""Named graphs of the build: which graph states which triple. The union is what is served."""

from __future__ import annotations

from collections.abc import Iterable, Iterator

from rdflib import Graph, URIRef
from rdflib.term import Node

Triple = tuple[Node, Node, Node]


class GraphSet:
    """Triples by named graph. A triple stated by two sources is in both their graphs."""

    def __init__(self) -> None:
        self.graphs: dict[URIRef, Graph] = {}

    def add(self, graph: URIRef, triple: Triple) -> None:
        if graph not in self.graphs:
            self.graphs[graph] = Graph(identifier=graph)
        self.graphs[graph].add(triple)

    def add_all(self, graph: URIRef, triples: Iterable[Triple]) -> None:
        for triple in triples:
            self.add(graph, triple)

    def union(self) -> Graph:
        union = Graph()
        for graph in self.graphs.values():
            for triple in graph:
                union.add(triple)
        return union

    def quads(self) -> Iterator[tuple[Node, Node, Node, URIRef]]:
        for name, graph in self.graphs.items():
            for s, p, o in graph:
                yield s, p, o, name

    def __len__(self) -> int:
        return sum(len(g) for g in self.graphs.values())
