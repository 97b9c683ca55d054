from __future__ import annotations

from pathlib import Path

import pytest
from rdflib import Graph

from asmk_graph.paths import ProjectPaths, project_paths
from asmk_graph.pipeline import BuildResult, build_and_validate, load_ontology
from asmk_graph.validate import load_shapes

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
