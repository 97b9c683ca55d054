"""The committed graph/ equals a fresh build; builds are deterministic and atomic."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from rdflib import Dataset, Graph
from rdflib.compare import isomorphic

from asmk_graph.graph.catalog import CATALOG_FILE, VOID_FILE
from asmk_graph.graph.pipeline import BuildResult, ValidationFailed, build
from asmk_graph.graph.serialize import CHECKSUMS, DUMP_NAMES, read_checksums
from asmk_graph.paths import ProjectPaths, project_paths
from asmk_graph.records import DataErrors

ROOT = Path(__file__).resolve().parents[1]


def test_committed_graph_equals_fresh_build(paths: ProjectPaths, fresh_build: BuildResult) -> None:
    for name, content in fresh_build.files.items():
        committed = (paths.graph_dir / name).read_bytes()
        assert committed == content, f"graph/{name} differs from a fresh build: run 'asmk-graph build'"


def test_checksums_match_files(paths: ProjectPaths) -> None:
    sums = read_checksums((paths.graph_dir / CHECKSUMS).read_text())
    assert set(sums) == {*DUMP_NAMES, CATALOG_FILE, VOID_FILE}
    import hashlib

    for name, digest in sums.items():
        assert hashlib.sha256((paths.graph_dir / name).read_bytes()).hexdigest() == digest


def test_all_dump_formats_hold_the_same_graph(paths: ProjectPaths, graph: Graph) -> None:
    for name, fmt in (("asmk.ttl", "turtle"), ("asmk.nt", "nt"), ("asmk.jsonld", "json-ld")):
        assert isomorphic(Graph().parse(paths.graph_dir / name, format=fmt), graph), name


def quads_of(path: Path, fmt: str) -> set[tuple[str, ...]]:
    dataset = Dataset()
    dataset.parse(path, format=fmt)
    return {(str(s), p.n3(), o.n3(), str(g)) for s, p, o, g in dataset.quads((None, None, None, None)) if g}


def test_quad_dumps_hold_the_named_graphs_and_the_plain_dumps_their_union(
    paths: ProjectPaths, fresh_build: BuildResult
) -> None:
    expected = {(str(s), p.n3(), o.n3(), str(g)) for s, p, o, g in fresh_build.graphs.quads()}
    assert quads_of(paths.graph_dir / "asmk.nq", "nquads") == expected
    assert quads_of(paths.graph_dir / "asmk.trig", "trig") == expected
    union = {(s, p, o) for s, p, o, _ in expected}
    plain = {(str(s), p.n3(), o.n3()) for s, p, o in Graph().parse(paths.graph_dir / "asmk.nt", format="nt")}
    assert plain == union


def _copy_project(tmp_path: Path) -> ProjectPaths:
    for part in ("data", "ontology", "shapes", "queries"):
        shutil.copytree(ROOT / part, tmp_path / part)
    shutil.copytree(ROOT / "graph", tmp_path / "graph")
    return project_paths(tmp_path)


@pytest.mark.parametrize("seed", ["1", "4242"])
def test_build_is_byte_identical_across_hash_seeds(tmp_path: Path, seed: str) -> None:
    project = _copy_project(tmp_path)
    env = {**os.environ, "PYTHONHASHSEED": seed}
    subprocess.run(
        [sys.executable, "-m", "asmk_graph.cli", "--root", str(tmp_path), "build"],
        check=True,
        env=env,
        capture_output=True,
    )
    for name in (*DUMP_NAMES, CATALOG_FILE, VOID_FILE, CHECKSUMS):
        assert (project.graph_dir / name).read_bytes() == (ROOT / "graph" / name).read_bytes(), name


def test_bad_data_is_refused_and_last_good_graph_stays(tmp_path: Path) -> None:
    project = _copy_project(tmp_path)
    before = {p.name: p.read_bytes() for p in project.graph_dir.iterdir()}
    meeting = project.data / "meetings" / "097.yaml"
    meeting.write_text(meeting.read_text().replace("outcome: large-majority", "outcome: huge"))
    with pytest.raises(DataErrors) as err:
        build(project)
    assert "data/meetings/097.yaml:27: resolution 'kindergrundsicherung', field 'vote.outcome': 'huge'" in str(
        err.value
    )
    assert {p.name: p.read_bytes() for p in project.graph_dir.iterdir()} == before


def test_shacl_violation_is_refused_and_last_good_graph_stays(tmp_path: Path) -> None:
    project = _copy_project(tmp_path)
    before = {p.name: p.read_bytes() for p in project.graph_dir.iterdir()}
    chairs = project.data / "chairs.yaml"
    # the 2021 term held from a day of 2020 passes the loader but breaks a SHACL domain rule
    chairs.write_text(
        chairs.read_text().replace(
            "  - year: 2021\n    state: DE-HB", "  - year: 2021\n    state: DE-HB\n    from: 2020-06-01"
        )
    )
    with pytest.raises(ValidationFailed) as err:
        build(project)
    assert "ChairTerm-datesInYear" in str(err.value)
    assert {p.name: p.read_bytes() for p in project.graph_dir.iterdir()} == before
    assert not [p for p in project.graph_dir.iterdir() if p.name.endswith(".tmp")]
