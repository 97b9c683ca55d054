"""Malformed source data gives errors naming file, record and field."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from asmk_graph.records import DataErrors, load_dataset

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture
def data_dir(tmp_path: Path) -> Path:
    shutil.copytree(ROOT / "data", tmp_path / "data")
    return tmp_path / "data"


def errors_after(data_dir: Path, file: str, old: str, new: str) -> list[str]:
    path = data_dir / file
    text = path.read_text(encoding="utf-8")
    assert old in text, f"fixture text not found in {file}"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")
    with pytest.raises(DataErrors) as err:
        load_dataset(data_dir)
    return [str(e) for e in err.value.errors]


def test_real_data_loads() -> None:
    data = load_dataset(ROOT / "data")
    assert len(data.states) == 16
    assert {m.key for m in data.meetings} >= {"96", "97", "102"}


@pytest.mark.parametrize(
    ("file", "old", "new", "expected"),
    [
        (
            "meetings/102.yaml",
            "outcome: majority",
            "outcome: mostly",
            "data/meetings/102.yaml: resolution 'familienpflegegeld', field 'outcome': 'mostly' is not one of",
        ),
        (
            "meetings/097.yaml",
            "start: 2020-11-26",
            "start: 26.11.2020",
            "data/meetings/097.yaml: meeting, field 'start': expected a date YYYY-MM-DD",
        ),
        (
            "states.yaml",
            "nuts: DE1,",
            "nuts: XX1,",
            "data/states.yaml: state 'DE-BW', field 'nuts': 'XX1' does not match",
        ),
        (
            "persons.yaml",
            "family: Lucha",
            "famly: Lucha",
            "data/persons.yaml: person 'manne-lucha', field 'famly': unknown field",
        ),
        (
            "meetings/102.yaml",
            'sources: ["002:54-72"]',
            'sources: ["002:54-972"]',
            "data/meetings/102.yaml: resolution 'reform-sozialstaat', field 'sources': 002:54-972 is past",
        ),
        (
            "meetings/102.yaml",
            "initiators: [DE-NW]",
            "initiators: [DE-XY]",
            "data/meetings/102.yaml: resolution 'sgb-viii-laenderoeffnungsklausel', field 'initiators/cosponsors/lead'",
        ),
        (
            "chairs.yaml",
            "person: magnus-jung",
            "person: magnus-jong",
            "data/chairs.yaml: chair 2022, field 'persons': unknown person 'magnus-jong'",
        ),
        (
            "bodies.yaml",
            "relation: engaged-in",
            "relation: friends",
            "data/bodies.yaml: body 'ausbildungsoffensive-altenpflege', field 'relation': 'friends' is not one of",
        ),
    ],
)
def test_error_names_file_record_and_field(data_dir: Path, file: str, old: str, new: str, expected: str) -> None:
    errors = errors_after(data_dir, file, old, new)
    assert any(e.startswith(expected) for e in errors), errors


def test_invalid_yaml_names_line(data_dir: Path) -> None:
    errors = errors_after(data_dir, "topics.yaml", "topics:\n", "topics:\n  - {id: [\n")
    assert errors[0].startswith("data/topics.yaml: not valid YAML: line ")


def test_all_problems_reported_together(data_dir: Path) -> None:
    errors_after(data_dir, "states.yaml", 'ars: "08"', 'ars: "99"')
    errors = errors_after(data_dir, "places.yaml", "name: Rostock", "nme: Rostock")
    assert len(errors) >= 3  # bad ars, unknown field, missing name


def test_every_record_cites_a_source(data_dir: Path) -> None:
    errors = errors_after(data_dir, "meetings/098.yaml", '    sources: ["003:11-12"]\n', "")
    assert any("resolution 'massnahmen-gegen-einsamkeit', field 'sources': is required" in e for e in errors)
