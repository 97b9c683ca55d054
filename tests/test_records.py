"""Malformed source data gives errors naming file, record, field and line; hostile YAML fails fast."""

from __future__ import annotations

import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest

from asmk_graph.records import DataErrors, load_dataset
from asmk_graph.records.yaml_source import MAX_BYTES

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture
def data_dir(tmp_path: Path) -> Path:
    shutil.copytree(ROOT / "data", tmp_path / "data")
    return tmp_path / "data"


def replace(data_dir: Path, file: str, old: str, new: str) -> int:
    """Replace the first old by new in file; the line (1-based) where new starts."""
    path = data_dir / file
    text = path.read_text(encoding="utf-8")
    assert old in text, f"fixture text not found in {file}"
    at = text.index(old)
    path.write_text(text[:at] + new + text[at + len(old) :], encoding="utf-8")
    return text.count("\n", 0, at) + 1


def errors_of(data_dir: Path) -> list[str]:
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
            "resolution 'familienpflegegeld', field 'vote.outcome': 'mostly' is not one of unanimous, large-majority",
        ),
        (
            "meetings/097.yaml",
            "start: 2020-11-26",
            "start: 26.11.2020",
            "meeting, field 'start': expected a date YYYY-MM-DD, got '26.11.2020'",
        ),
        (
            "meetings/097.yaml",
            "start: 2020-11-26",
            "start: 2025-13-45",
            "meeting, field 'start': '2025-13-45' is not a valid date (month must be in 1..12)",
        ),
        (
            "meetings/097.yaml",
            "virtual: true",
            "virtual: yes",
            "meeting, field 'virtual': expected true or false, got 'yes'",
        ),
        ("states.yaml", "nuts: DE1,", "nuts: XX1,", "state 'DE-BW', field 'nuts': 'XX1' does not match"),
        ("states.yaml", 'ars: "08"', "ars: 08", "state 'DE-BW', field 'ars': expected text, got 8"),
        (
            "persons.yaml",
            "family: Lucha",
            "famly: Lucha",
            "person 'manne-lucha', field 'famly': unknown field (allowed:",
        ),
        (
            "offices.yaml",
            "role: minister, organization: de-bw-soziales-integration",
            "role: ministre, organization: de-bw-soziales-integration",
            "office 'de-bw-minister-soziales-integration', field 'role': 'ministre' is not one of minister, senator",
        ),
        (
            "persons.yaml",
            "office: de-bw-minister-soziales-integration",
            "office: de-bw-minister-soziales",
            "person 'manne-lucha', office 1, field 'office': unknown office 'de-bw-minister-soziales'",
        ),
        (
            "chairs.yaml",
            "until: 2022-05-26,\n         sources",
            "until: 2022-01-01,\n         sources",
            "chair 2022, person 1, field 'until': 2022-01-01 is not after from (2022-01-01)",
        ),
        (
            "chairs.yaml",
            "office: de-sl-minister-soziales,",
            "office: de-sl-minister-arbeit,",
            "chair 2022, person 1, field 'office': monika-bachmann holds no office 'de-sl-minister-arbeit'",
        ),
        (
            "meetings/097.yaml",
            '    planned_start: ["001"]',
            '    planned_start: ["002"]',
            "meeting, field 'stated_in.planned_start': '002' is not among the sources this record cites",
        ),
        (
            "meetings/102.yaml",
            "kind: sets-out",
            "kind: decrees",
            "resolution 'reform-sozialstaat', demand 6, field 'kind': 'decrees' is not one of welcomes",
        ),
        (
            "meetings/102.yaml",
            "addressee: bundesregierung,",
            "addressee: kanzleramt,",
            "resolution 'reform-sozialstaat', demand 1, field 'addressee': unknown organisation or body 'kanzleramt'",
        ),
        (
            "meetings/102.yaml",
            'sources: ["002:54-113"]',
            'sources: ["002:54-913"]',
            "resolution 'reform-sozialstaat', field 'sources': 002:54-913 is past the last line (549)",
        ),
        (
            "meetings/102.yaml",
            "initiators: [DE-NW]",
            "initiators: [DE-XY]",
            "resolution 'sgb-viii-laenderoeffnungsklausel', field 'motion.initiators': unknown state 'DE-XY'",
        ),
        ("chairs.yaml", "person: magnus-jung", "person: magnus-jong", "chair 2022, person 3, field 'person': unknown"),
        (
            "bodies.yaml",
            "relation: engaged-in",
            "relation: friends",
            "body 'ausbildungsoffensive-altenpflege', field 'relation': 'friends' is not one of",
        ),
        ("states.yaml", "states:\n", "bogus: 1\nstates:\n", "field 'bogus': unknown field (allowed: states)"),
    ],
)
def test_error_names_file_line_record_and_field(data_dir: Path, file: str, old: str, new: str, expected: str) -> None:
    line = replace(data_dir, file, old, new)
    errors = errors_of(data_dir)
    assert any(e.startswith(f"data/{file}:{line}: {expected}") for e in errors), errors


def test_invalid_yaml_names_line(data_dir: Path) -> None:
    replace(data_dir, "topics.yaml", "topics:\n", "topics:\n  - {id: [\n")
    assert errors_of(data_dir)[0].startswith("data/topics.yaml:6: not valid YAML: column 3: ")


def test_duplicate_key_is_an_error(data_dir: Path) -> None:
    line = replace(
        data_dir,
        "meetings/097.yaml",
        "    label: Einführung einer Kindergrundsicherung\n",
        "    label: Einführung einer Kindergrundsicherung\n    label: Kindergrundsicherung\n",
    )
    errors = errors_of(data_dir)
    assert errors == [
        f"data/meetings/097.yaml:{line + 1}: key 'label' is given twice in one mapping (first on line {line})"
    ]


def test_invalid_utf8_names_the_byte_offset(data_dir: Path) -> None:
    path = data_dir / "places.yaml"
    raw = path.read_bytes()
    offset = raw.index(b"Rostock")
    path.write_bytes(raw[:offset] + b"\xff" + raw[offset + 1 :])
    line = raw.count(b"\n", 0, offset) + 1
    assert errors_of(data_dir) == [f"data/places.yaml:{line}: not valid UTF-8: byte 0xff at byte offset {offset}"]


def test_alias_bomb_fails_fast(data_dir: Path) -> None:
    lines = ['a: &a ["lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol"]']
    for i in range(1, 12):
        prev, name = chr(96 + i), chr(97 + i)
        lines.append(f"{name}: &{name} [{', '.join(f'*{prev}' for _ in range(9))}]")
    (data_dir / "places.yaml").write_text("\n".join(lines) + "\n", encoding="utf-8")
    started = time.monotonic()
    errors = errors_of(data_dir)
    assert time.monotonic() - started < 5
    assert errors == ["data/places.yaml:2: aliases (*a) are not allowed in the data files; write the value out"]


def test_file_size_and_depth_are_bounded(data_dir: Path) -> None:
    (data_dir / "places.yaml").write_bytes(b"# padding\n" * (MAX_BYTES // 10 + 1))
    (data_dir / "topics.yaml").write_text("topics: " + "[" * 100 + "]" * 100 + "\n", encoding="utf-8")
    errors = errors_of(data_dir)
    assert (
        f"data/places.yaml: file is {(MAX_BYTES // 10 + 1) * 10} bytes; data files may be at most {MAX_BYTES} bytes"
        in errors
    )
    assert "data/topics.yaml:1: nested deeper than 32 levels" in errors


def test_all_problems_reported_together(data_dir: Path) -> None:
    replace(data_dir, "states.yaml", 'ars: "08"', 'ars: "99"')
    replace(data_dir, "places.yaml", "name: Rostock", "nme: Rostock")
    assert len(errors_of(data_dir)) >= 3  # bad ars, unknown field, missing name


def test_every_record_cites_a_source(data_dir: Path) -> None:
    replace(data_dir, "meetings/098.yaml", '    sources: ["003:11-12"]\n', "")
    errors = errors_of(data_dir)
    assert any("resolution 'massnahmen-gegen-einsamkeit', field 'sources': is required" in e for e in errors)


def test_build_reports_bad_date_without_traceback(data_dir: Path) -> None:
    for part in ("ontology", "shapes", "queries"):
        shutil.copytree(ROOT / part, data_dir.parent / part)
    replace(data_dir, "meetings/097.yaml", "start: 2020-11-26", "start: 2025-13-45")
    done = subprocess.run(
        [sys.executable, "-m", "asmk_graph.cli", "--root", str(data_dir.parent), "build"],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 2
    assert "Traceback" not in done.stderr
    assert "data/meetings/097.yaml:6: meeting, field 'start': '2025-13-45' is not a valid date" in done.stderr
