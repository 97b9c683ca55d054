"""Competency questions (queries/cq/*.rq), each with its expected answer from the sources."""

from __future__ import annotations

from typing import Any

import pytest

from asmk_graph.paths import ProjectPaths
from asmk_graph.queries import load_queries
from asmk_graph.store import OxigraphStore

R102 = "https://w3id.org/asmk/id/resolution/102/"


def short(value: Any) -> Any:
    """IRIs to their last path segment, so that expectations stay readable."""
    return value.rsplit("/", 1)[-1] if isinstance(value, str) and value.startswith("http") else value


EXPECTED: dict[str, Any] = {
    "majority-only-102": [
        "arbeitsmarkt-menschen-mit-behinderung",
        "berufsbildungsgesetz-oeffentlicher-dienst",
        "essenslieferdienste",
        "familienpflegegeld",
        "minijobs",
        "ukraine-beschaeftigungsverordnung",
        "vermittlungsagenturen-guetesiegel",
        "weiterbildung-mindestumfang",
        "zeiterfassung-vertrauensarbeit",
        "zustimmungsvorbehalte-erwerbsmigration",
    ],
    "nrw-initiated-or-cosponsored": [
        ("altersteilzeitguthaben", "initiator"),
        ("berufsbezogene-sprachkurse", "initiator"),
        ("berufsbildungsgesetz-oeffentlicher-dienst", "initiator"),
        ("industriearbeit-bewahren", "initiator"),
        ("inklusionsbetriebe-foerderung", "cosponsor"),
        ("sgb-viii-laenderoeffnungsklausel", "initiator"),
        ("vermittlungsagenturen-guetesiegel", "initiator"),
        ("weiterbildung-mindestumfang", "cosponsor"),
        ("wohnungslosigkeit", "cosponsor"),
    ],
    "chair-2022": [
        ("Anke Rehlinger", "2022-01-01", "2022-05-26"),
        ("Monika Bachmann", "2022-01-01", "2022-05-26"),
        ("Magnus Jung", "2022-05-26", None),
    ],
    "virtual-meetings": [("97", "2020-11-26")],
    "occupational-safety-bodies": [
        "Länderausschuss für Arbeitsschutz und Sicherheitstechnik",
        "Nationale Arbeitsschutzkonferenz",
        "Zentralstelle der Länder für Sicherheitstechnik",
    ],
    "chair-sequence": [(2019, "DE-MV"), (2020, "DE-BW"), (2021, "DE-HB"), (2022, "DE-SL")],
    "outcomes-102": [("agreed", 1), ("majority", 10), ("unanimous", 11), ("unstated", 7)],
    "planned-vs-actual": [("97", "Mannheim", "2020-11-26", "2020-11-27", "2020-11-26", "2020-11-26", True)],
    "all-states-motions": [
        ("industriearbeit-bewahren", "Industriearbeit bewahren – Arbeitspolitische Herausforderungen lösen"),  # noqa: RUF001
        ("reform-sozialstaat", "Reform Sozialstaat"),
    ],
    "reports-and-lead": [("Potenziale der Digitalisierung in der Pflege nutzen", "DE-BW", "unanimous")],
    "asks-of-federal-government": [("Bund", 6), ("Bundesregierung", 14)],
    "outcome-unstated": [7],
    "bremen-senators": [
        ("Anja Stahmann", "Sozialsenatorin"),
        ("Kristina Vogt", "Senatorin für Wirtschaft, Arbeit und Europa"),
    ],
    "honorific-doctor": ["Magnus Jung", "Nicole Hoffmeister-Kraut"],
    "resolutions-per-meeting": [(97, 3), (98, 1), (102, 29)],
    "top-topics-102": [("arbeitsmarkt", 11), ("migration-integration", 7), ("arbeitsrecht", 4)],
    "chair-2020": [
        ("Manne Lucha", "Ministerium für Soziales und Integration"),
        ("Nicole Hoffmeister-Kraut", "Ministerium für Wirtschaft, Arbeit und Wohnungsbau"),
    ],
    "contradicted-rotation-claim": [
        ("vorsitz-alphabetisch", 2019, "Mecklenburg-Vorpommern", "Baden-Württemberg"),
        ("vorsitz-alphabetisch", 2020, "Baden-Württemberg", "Bremen"),
        ("vorsitz-alphabetisch", 2021, "Bremen", "Saarland"),
    ],
    "undated-sources": [
        ("001", "Nicht angegeben; verfasst nach der 96. ASMK (2019) und vor dem 1. Januar 2020."),
        ("002", "Nicht angegeben; nach dem 27. November 2025."),
        (
            "003",
            "Nicht angegeben; nach dem 26. Mai 2022."
            " Die beiden Meldungen der Seite sind auf den 2. Dezember 2021 datiert.",
        ),
        ("004", "Nicht angegeben."),
    ],
    "proposals-97": [
        ("chancengleichheit-jobcenter", "Nicole Hoffmeister-Kraut", "DE-BW"),
        ("experimentierklausel", "Nicole Hoffmeister-Kraut", None),
        ("passiv-aktiv-tausch", "Nicole Hoffmeister-Kraut", None),
    ],
    "where-stated": [("002_bf047aedd6dffa2d.txt", 54, 113)],
    "which-source-says": [
        ("ended 2020-11-26", "000_fa4c4f4f4c8f4cea.txt"),
        ("planned in Mannheim", "000_fa4c4f4f4c8f4cea.txt"),
        ("planned in Mannheim", "001_e4f1c5398ec08e66.txt"),
    ],
    "chair-2021": [
        ("Anja Stahmann", "queries/rules/chair-held-by-announcing-ministers.rq"),
        ("Kristina Vogt", "queries/rules/chair-held-by-announcing-ministers.rq"),
    ],
    "demands-102-by-kind": [
        ("calls-for", 40),
        ("asks-to-examine", 9),
        ("finds", 7),
        ("acknowledges", 2),
        ("asks", 2),
        ("notes-with-concern", 2),
        ("stresses", 2),
        ("welcomes", 2),
        ("recommends", 1),
        ("sets-out", 1),
        ("supports", 1),
    ],
    "preparation": [("ack-2022", "Bostalsee", 99, "Perl")],
    "bodies-with-federal-partner": [
        ("Allianz für Menschen mit Demenz", "Bundesministerium für Familie, Senioren, Frauen und Jugend"),
        ("Länder-Bund-AG zum Bundesteilhabegesetz", "Bundesministerium für Arbeit und Soziales"),
    ],
    "saarland-identifiers": [("Q1201", "DEC", "10", "10")],
    "chair-2025-stated": False,
    "nearly-all-states": [("europaeische-arbeits-und-sozialpolitik", "nahezu alle Länder", "unanimous")],
}


@pytest.fixture(scope="module")
def store(paths: ProjectPaths) -> OxigraphStore:
    return OxigraphStore.from_project(paths)


def test_there_are_at_least_25_questions_all_with_answers(paths: ProjectPaths) -> None:
    names = {n.removeprefix("cq/") for n in load_queries(paths.queries) if n.startswith("cq/")}
    assert len(names) >= 25
    assert names == set(EXPECTED)


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_competency_question(name: str, store: OxigraphStore, paths: ProjectPaths) -> None:
    query = load_queries(paths.queries)[f"cq/{name}"]
    assert query.summary.endswith(("?", "(ASK)", "it)")), "header must state the question"
    expected = EXPECTED[name]
    if isinstance(expected, bool):
        assert store.ask(query.text) is expected
        return
    rows = [tuple(short(v) for v in row.values()) for row in store.select(query.text)]
    answer = [r[0] if len(r) == 1 else r for r in rows]
    assert answer == expected
