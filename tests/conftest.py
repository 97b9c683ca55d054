from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from rdflib import Graph

from asmk_graph.check.shacl import load_shapes
from asmk_graph.graph.pipeline import BuildResult, build_and_validate, load_ontology
from asmk_graph.namespaces import DEFAULT_GRAPH
from asmk_graph.paths import ProjectPaths, project_paths
from asmk_graph.store import RemoteStore
from asmk_graph.store.load import Isql, graph_names, load
from asmk_graph.store.virtuoso import VirtuosoServer

ROOT = Path(__file__).resolve().parents[1]
TEST_DATA = ROOT / "tests" / "data"


@pytest.fixture(scope="session")
def paths() -> ProjectPaths:
    return project_paths(ROOT)


@pytest.fixture(scope="session")
def ontology(paths: ProjectPaths) -> Graph:
    return load_ontology(paths)


@pytest.fixture(scope="session")
def shapes(paths: ProjectPaths) -> Graph:
    return load_shapes(paths.shapes_dir)


@pytest.fixture(scope="session")
def fresh_build(paths: ProjectPaths) -> BuildResult:
    """A build from data/ in memory (graph/ untouched)."""
    return build_and_validate(paths)


@pytest.fixture(scope="session")
def graph(fresh_build: BuildResult) -> Graph:
    return fresh_build.graph


@pytest.fixture(scope="session")
def virtuoso(paths: ProjectPaths, tmp_path_factory: pytest.TempPathFactory) -> Iterator[VirtuosoServer]:
    """A real Virtuoso on 127.0.0.1 in a temporary directory, loaded with graph/ (union and named graphs)."""
    directory = tmp_path_factory.mktemp("virtuoso")
    server = VirtuosoServer(directory).start()
    try:
        isql = Isql(server.isql_address, "dba", "dba")
        load(paths, server.endpoint, DEFAULT_GRAPH, "virtuoso", isql=isql, load_dir=directory / "load")
        yield server
    finally:
        server.stop()


def remote_store(server: VirtuosoServer, timeout: float = 10.0) -> RemoteStore:
    return RemoteStore(server.endpoint, DEFAULT_GRAPH, timeout=timeout, named_graphs=graph_names(project_paths(ROOT)))
