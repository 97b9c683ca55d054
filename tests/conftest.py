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

from .conformance import ANY_STORE, NOT_APPLICABLE, ConformanceReport
from .live import LiveServers

ROOT = Path(__file__).resolve().parents[1]
TEST_DATA = ROOT / "tests" / "data"
CONFORMANCE = pytest.StashKey[ConformanceReport]()


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


# --- live servers and docs/conformance.md (tests/live.py, tests/conformance.py) -------------------


@pytest.fixture(scope="session")
def live_servers(request: pytest.FixtureRequest) -> Iterator[LiveServers]:
    """`asmk-graph serve` on 127.0.0.1, one per store for the whole session, started when first asked for."""
    servers = LiveServers(lambda: request.getfixturevalue("virtuoso"))
    try:
        yield servers
    finally:
        servers.stop()


@pytest.fixture(scope="session", params=["oxigraph", "virtuoso"])
def live_server(request: pytest.FixtureRequest, live_servers: LiveServers) -> str:
    """The base URL of the session's live server on each store in turn."""
    return live_servers.url(request.param)


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption("--conformance-report", type=Path, help="write the conformance checks' results to this file")


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line("markers", "conformance(section, check, order=0): a row of docs/conformance.md")
    config.stash[CONFORMANCE] = ConformanceReport()


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo[None]) -> Iterator[None]:
    report: pytest.TestReport = yield
    marker = item.get_closest_marker("conformance")
    if marker is None or not (report.when == "call" or report.outcome != "passed"):
        return report
    outcome, note = report.outcome, dict(item.user_properties).get("note", "")
    if report.skipped:
        reason = report.longrepr[2] if isinstance(report.longrepr, tuple) else str(report.longrepr)
        reason = reason.removeprefix("Skipped: ")
        applicable = not reason.startswith(NOT_APPLICABLE)
        outcome, note = ("skipped", reason) if applicable else ("not applicable", reason[len(NOT_APPLICABLE) :])
    elif report.failed:
        crash = getattr(report.longrepr, "reprcrash", None)
        note = crash.message if crash is not None else str(report.longrepr)
    params = getattr(item, "callspec", None)
    store = params.params.get("live_server", ANY_STORE) if params else ANY_STORE
    section, check = marker.args
    item.config.stash[CONFORMANCE].record(section, check, marker.kwargs.get("order", 0), store, outcome, note)
    return report


def pytest_sessionfinish(session: pytest.Session) -> None:
    target = session.config.getoption("--conformance-report")
    if target is not None:
        session.config.stash[CONFORMANCE].write(target)
