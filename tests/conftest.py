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
# `make test` runs the tests on two workers (pytest-xdist, --dist load): test by test, in this order,
# so that the long ones start first and the two workers end together. Each worker starts its own
# Virtuoso when a test asks for one (docs/benchmarks.md, "make test").
SLOW_MODULES = ("test_shacl_engine", "test_browser", "test_shapes", "test_build", "test_owl")


def _uses_virtuoso(item: pytest.Item) -> bool:
    """Whether the test asks for the virtuoso fixture, or a fixture parametrized with "virtuoso" (test_api.client)."""
    params = getattr(item, "callspec", None)
    chosen = params.params.values() if params is not None else ()
    return "virtuoso" in getattr(item, "fixturenames", ()) or "virtuoso" in chosen


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    with_virtuoso = {item.path.stem for item in items if _uses_virtuoso(item)}
    rank = {name: i for i, name in enumerate(SLOW_MODULES)}
    items.sort(key=lambda item: -1 if item.path.stem in with_virtuoso else rank.get(item.path.stem, len(rank)))


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
    config.pluginmanager.register(ConformanceRows(config.stash[CONFORMANCE]))


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
    row = (section, check, marker.kwargs.get("order", 0), store, outcome, note)
    # on the report, which pytest-xdist carries from its workers to the process that writes the file
    report.user_properties = [*report.user_properties, ("conformance", row)]
    return report


class ConformanceRows:
    """Records the rows the reports carry: in the process that writes the file (with pytest-xdist the
    controller, which receives its workers' reports; without it, the one process)."""

    def __init__(self, report: ConformanceReport) -> None:
        self.report = report

    def pytest_runtest_logreport(self, report: pytest.TestReport) -> None:
        for name, row in report.user_properties:
            if name == "conformance":
                self.report.record(*row)


def pytest_sessionfinish(session: pytest.Session) -> None:
    target = session.config.getoption("--conformance-report")
    if target is not None and not hasattr(session.config, "workerinput"):  # not in a pytest-xdist worker
        session.config.stash[CONFORMANCE].write(target)
