"""docs/model.md is generated from the ontology: diagram, mappings, labels; current and deterministic."""

from __future__ import annotations

import random
from pathlib import Path

import pytest
from rdflib import Graph

from asmk_graph.cli import main
from asmk_graph.graph.model_doc import render
from asmk_graph.paths import ProjectPaths

from .conftest import TEST_DATA

FIXTURE = TEST_DATA / "model-doc" / "mappings.ttl"
OPARL = "https://schema.oparl.org/1.1/"
OPENGOV = "http://www.w3.org/ns/opengov#"
ELI = "http://data.europa.eu/eli/ontology#"


@pytest.fixture(scope="module")
def page() -> str:
    return render(Graph().parse(FIXTURE), "mappings.ttl")


def section(page: str, heading: str) -> str:
    return page.split(f"## {heading}\n", 1)[1].split("\n## ", 1)[0]


def test_docs_model_md_is_the_generation_from_the_current_ontology(paths: ProjectPaths) -> None:
    current = (paths.root / "docs" / "model.md").read_text(encoding="utf-8")
    assert current == render(Graph().parse(paths.ontology)), "run: asmk-graph model-doc"


def test_the_mapping_table_has_one_row_per_mapping_axiom_grouped_by_vocabulary(page: str) -> None:
    rows = [line for line in section(page, "Mappings").splitlines() if line.startswith("| ") and "`" in line]
    assert rows == [
        "| Popolo | `asmk:Motion` | `rdfs:subClassOf` | [`opengov:Motion`](http://www.w3.org/ns/opengov#Motion) |",
        "| Popolo | `asmk:Office` | `skos:exactMatch` | [`popolo:Post`](http://www.w3.org/ns/popolo#Post) |",
        f"| Popolo | `asmk:applicant` | `rdfs:subPropertyOf` | [`opengov:creator`]({OPENGOV}creator) |",
        "| Popolo | `asmk:voteCount` | `skos:broadMatch` | [`opengov:value`](http://www.w3.org/ns/opengov#value) |",
        f"| OParl 1.1 | `asmk:AgendaItem` | `owl:equivalentClass` | [`oparl:AgendaItem`]({OPARL}AgendaItem) |",
        f"| OParl 1.1 | `asmk:Motion` | `skos:closeMatch` | [`oparl:Paper`]({OPARL}Paper) |",
        f"| OParl 1.1 | `asmk:consideredAt` | `owl:equivalentProperty` | [`oparl:agendaItem`]({OPARL}agendaItem) |",
        f"| ELI | `asmk:Decision` | `skos:relatedMatch` | [`eli:LegalResource`]({ELI}LegalResource) |",
        "| W3C ORG | `asmk:Office` | `rdfs:subClassOf` | [`org:Post`](http://www.w3.org/ns/org#Post) |",
    ]
    assert "schema:Event" not in section(page, "Mappings"), "only the four vocabularies are mapping targets"


def test_the_diagrams_show_classes_subclass_links_and_object_properties(page: str) -> None:
    hierarchy, relations = section(page, "Classes at a glance"), section(page, "Relations")
    assert hierarchy.count("```mermaid\nclassDiagram\n") == relations.count("```mermaid\nclassDiagram\n") == 1
    for line in (
        '    class Motion["asmk:Motion"]',
        '    class opengov_Motion["opengov:Motion"]',
        "    opengov_Motion <|-- Motion",
        "    schema_Event <|-- AgendaItem",
        "    org_Post <|-- Office",
        "    Motion : +voteCount integer",
    ):
        assert f"\n{line}\n" in hierarchy, line
    for line in (
        "    Motion --> AgendaItem : consideredAt",
        "    Motion --> Office : applicant",  # a union range: an arrow to each member
        "    Motion --> org_Organization : applicant",
    ):
        assert f"\n{line}\n" in relations, line
    assert "<|--" not in relations and "-->" not in hierarchy


def test_every_class_and_property_has_its_labels_and_definitions(page: str) -> None:
    classes = section(page, "Classes")
    assert (
        "| `asmk:Motion` | `opengov:Motion` | Antrag | motion | "
        "de: Ein Antrag \\| mit senkrechtem Strich.<br>en: A motion put to a meeting. |"
    ) in classes
    assert classes.count("\n| `asmk:") == 4
    properties = section(page, "Properties")
    assert "| `asmk:applicant` | object | `asmk:Motion` | `asmk:Office` or `org:Organization` | Antragsteller |" in (
        properties
    )
    assert "| `asmk:voteCount` | datatype | `asmk:Motion` | `xsd:integer` | Stimmenzahl | vote count |" in properties


def test_the_page_does_not_depend_on_the_order_of_the_triples(page: str) -> None:
    triples = list(Graph().parse(FIXTURE))
    random.Random(7).shuffle(triples)
    shuffled = Graph()
    for triple in triples:
        shuffled.add(triple)
    assert render(shuffled, "mappings.ttl") == page


def test_cli_writes_the_page_and_check_tells_whether_it_is_current(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    target = tmp_path / "model.md"
    assert main(["model-doc", "--output", str(target)]) == 0
    assert target.read_text(encoding="utf-8").startswith("# The ASMK model\n")
    assert main(["model-doc", "--check", "--output", str(target)]) == 0
    target.write_text("stale\n", encoding="utf-8")
    assert main(["model-doc", "--check", "--output", str(target)]) == 1
    assert "not current" in capsys.readouterr().err
