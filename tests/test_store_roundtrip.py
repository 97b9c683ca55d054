"""Dump -> store -> CONSTRUCT gives back exactly the quads of the dumps, on both stores.

Literals are compared in their exact lexical form and datatype: the triples are read with
pyoxigraph's parser, which keeps lexical forms as they are (rdflib would normalise some
literals and so hide a store that rewrites them, as xsd:positiveInteger was rewritten before).
"""

from __future__ import annotations

from collections.abc import Iterator
from urllib.parse import urlencode

import httpx
import pyoxigraph as ox
import pytest

from asmk_graph.namespaces import DEFAULT_GRAPH
from asmk_graph.paths import ProjectPaths
from asmk_graph.store import OxigraphStore
from asmk_graph.store.load import named_graph_payloads
from asmk_graph.store.virtuoso import VirtuosoServer

from .loopback import HTTP

ALL = "CONSTRUCT { ?s ?p ?o } WHERE { ?s ?p ?o }"
GRAPHS = "SELECT DISTINCT ?g WHERE { GRAPH ?g { ?s ?p ?o } }"


def exact(data: bytes) -> set[str]:
    return {str(t) for t in ox.parse(data, format=ox.RdfFormat.N_TRIPLES)}


class Embedded:
    def __init__(self, paths: ProjectPaths) -> None:
        self.store = OxigraphStore.from_project(paths).store

    def construct(self, query: str) -> set[str]:
        result = self.store.query(query)
        assert isinstance(result, ox.QueryTriples)
        return exact(result.serialize(format=ox.RdfFormat.N_TRIPLES) or b"")

    def graph_names(self) -> set[str]:
        return {s["g"].value for s in self.store.query(GRAPHS)}  # type: ignore[union-attr]


class Virtuoso:
    """Straight SPARQL protocol requests, as RemoteStore sends them (union default graph, named graphs)."""

    def __init__(self, server: VirtuosoServer, named: list[str]) -> None:
        self.endpoint = server.endpoint
        self.params = [("default-graph-uri", DEFAULT_GRAPH), *(("named-graph-uri", g) for g in named)]

    def post(self, query: str, accept: str) -> httpx.Response:
        form = urlencode([("query", query), *self.params])
        headers = {"Accept": accept, "Content-Type": "application/x-www-form-urlencoded"}
        response = HTTP.post(self.endpoint, content=form, headers=headers, timeout=60)
        response.raise_for_status()
        return response

    def construct(self, query: str) -> set[str]:
        return exact(self.post(query, "application/n-triples").content)

    def graph_names(self) -> set[str]:
        bindings = self.post(GRAPHS, "application/sparql-results+json").json()["results"]["bindings"]
        return {b["g"]["value"] for b in bindings}


@pytest.fixture(scope="module", params=["oxigraph", "virtuoso"])
def store(request: pytest.FixtureRequest, paths: ProjectPaths) -> Iterator[Embedded | Virtuoso]:
    if request.param == "oxigraph":
        yield Embedded(paths)
    else:
        yield Virtuoso(request.getfixturevalue("virtuoso"), list(named_graph_payloads(paths)))


def test_the_default_graph_gives_back_exactly_the_union_dump(store: Embedded | Virtuoso, paths: ProjectPaths) -> None:
    expected = exact((paths.graph_dir / "asmk.nt").read_bytes())
    got = store.construct(ALL)
    assert got == expected, (sorted(got - expected)[:5], sorted(expected - got)[:5])


def test_each_named_graph_gives_back_exactly_its_quads(store: Embedded | Virtuoso, paths: ProjectPaths) -> None:
    graphs = named_graph_payloads(paths)
    assert store.graph_names() == set(graphs)
    for name, data in graphs.items():
        got = store.construct(f"CONSTRUCT {{ ?s ?p ?o }} WHERE {{ GRAPH <{name}> {{ ?s ?p ?o }} }}")
        expected = exact(data)
        assert got == expected, (name, sorted(got - expected)[:5], sorted(expected - got)[:5])
