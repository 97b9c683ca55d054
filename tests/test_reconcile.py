"""/reconcile: every response kind validates against the official 0.2 JSON Schemas, the specification's
invalid request examples are refused with 400, German names are matched as people write them, and
the service answers the same on the embedded store and on a real Virtuoso."""

from __future__ import annotations

import json
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from fastapi.testclient import TestClient

from asmk_graph.paths import ProjectPaths
from asmk_graph.store.virtuoso import free_port
from asmk_graph.web.app import create_app
from asmk_graph.web.matching import fold, loose, person_name, similarity
from asmk_graph.web.reconcile import check_query_batch

from .conftest import remote_store
from .loopback import HTTP

ROOT = Path(__file__).resolve().parents[1]
SPEC = ROOT.parent / "shared" / "conformance" / "reconciliation-0.2"
needs_spec = pytest.mark.skipif(not SPEC.is_dir(), reason=f"{SPEC} is absent (a fresh clone has no ../shared)")


def validator(name: str) -> Any:
    """A validator for one of the specification's schemas, with its $refs resolved locally."""
    from jsonschema import Draft7Validator
    from referencing import Registry, Resource
    from referencing.jsonschema import DRAFT7

    resources = []
    for path in sorted((SPEC / "schemas").glob("*.json")):
        schema = json.loads(path.read_text(encoding="utf-8"))
        resources.append((schema["$id"].rstrip("#"), Resource.from_contents(schema, default_specification=DRAFT7)))
    registry: Registry[Any] = Registry().with_resources(resources)
    schema = json.loads((SPEC / "schemas" / f"{name}.json").read_text(encoding="utf-8"))
    return Draft7Validator(schema, registry=registry)


def assert_valid(name: str, body: Any) -> None:
    errors = [f"{list(e.absolute_path)}: {e.message}" for e in validator(name).iter_errors(body)]
    assert errors == [], errors


@pytest.fixture(scope="module", params=["oxigraph", "virtuoso"])
def client(request: pytest.FixtureRequest, paths: ProjectPaths) -> Iterator[TestClient]:
    store = remote_store(request.getfixturevalue("virtuoso")) if request.param == "virtuoso" else None
    with TestClient(create_app(paths, store)) as test_client:
        yield test_client


def reconcile(client: TestClient, queries: dict[str, Any]) -> dict[str, Any]:
    response = client.post("/reconcile", data={"queries": json.dumps(queries)})
    assert response.status_code == 200, response.text
    return response.json()  # type: ignore[no-any-return]


# --------------------------------------------------------------------------- the specification's schemas


@needs_spec
def test_manifest_validates(client: TestClient) -> None:
    manifest = client.get("/reconcile").json()
    assert_valid("manifest", manifest)
    assert {t["id"] for t in manifest["defaultTypes"]} == {"Person", "Land", "Meeting", "Resolution", "Body", "Topic"}


@needs_spec
def test_reconciliation_results_validate(client: TestClient) -> None:
    queries = {
        "q0": {"query": "Dr. Nicole Hofmeister Kraut", "type": "Person", "limit": 3},
        "q1": {"query": "NRW", "type": ["Land"]},
        "q2": {"query": "Laumann", "properties": [{"pid": "land", "v": {"id": "state/DE-NW"}}], "type": "Person"},
        "q3": {"query": "nichts dergleichen"},
        "q4": {"properties": [{"pid": "number", "v": 97}], "type": "Meeting"},
    }
    results = reconcile(client, queries)
    assert_valid("reconciliation-result-batch", results)
    assert set(results) == set(queries)


@needs_spec
def test_suggest_preview_and_extension_validate(client: TestClient) -> None:
    assert_valid("suggest-entities-response", client.get("/reconcile/suggest/entity", params={"prefix": "Luc"}).json())
    assert_valid("suggest-types-response", client.get("/reconcile/suggest/type", params={"prefix": "L"}).json())
    props = client.get("/reconcile/suggest/property", params={"prefix": "la", "type": "Person"}).json()
    assert_valid("suggest-properties-response", props)
    assert [p["id"] for p in props["result"]] == ["land"]
    proposal = client.get("/reconcile/propose_properties", params={"type": "Resolution", "limit": 4}).json()
    assert_valid("data-extension-property-proposal", proposal)
    query = {"ids": ["person/manne-lucha", "resolution/97/kindergrundsicherung"], "properties": [{"id": "land"}]}
    assert_valid("data-extension-query", query)
    extension = client.post("/reconcile", data={"extend": json.dumps(query)}).json()
    assert_valid("data-extension-response", extension)


@needs_spec
@pytest.mark.parametrize(
    "example", sorted(p.name for p in (SPEC / "examples/reconciliation-query-batch/invalid").glob("*.json"))
)
def test_invalid_query_batches_are_refused(client: TestClient, example: str) -> None:
    text = (SPEC / "examples/reconciliation-query-batch/invalid" / example).read_text(encoding="utf-8")
    for response in (
        client.post("/reconcile", data={"queries": text}),
        client.get("/reconcile", params={"queries": text}),
    ):
        assert response.status_code == 400, example
        assert response.json()["detail"].startswith("queries.")


@needs_spec
@pytest.mark.parametrize(
    "example", sorted(p.name for p in (SPEC / "examples/reconciliation-query-batch/valid").glob("*.json"))
)
def test_valid_query_batches_pass_the_structural_check(example: str) -> None:
    batch = json.loads((SPEC / "examples/reconciliation-query-batch/valid" / example).read_text(encoding="utf-8"))
    assert check_query_batch(batch) == batch  # their types (GND's) are then refused as unknown here


# --------------------------------------------------------------------------- behaviour


def test_german_names_as_people_write_them(client: TestClient) -> None:
    cases = {
        "a": ({"query": "Baerbl Mielich", "type": "Person"}, "person/baerbl-mielich"),
        "b": ({"query": "Barbl Mielich", "type": "Person"}, "person/baerbl-mielich"),
        "c": ({"query": "Dr. Magnus Jung", "type": "Person"}, "person/magnus-jung"),
        "d": ({"query": "Hoffmeister Kraut, Nicole", "type": "Person"}, "person/nicole-hoffmeister-kraut"),
        "e": ({"query": "NW", "type": "Land"}, "state/DE-NW"),
        "f": ({"query": "Nordrhein-Westfalen", "type": "Land"}, "state/DE-NW"),
        "g": ({"query": "BaWü", "type": "Land"}, "state/DE-BW"),
        "h": ({"query": "Thueringen", "type": "Land"}, "state/DE-TH"),
        "i": ({"query": "97. ASMK", "type": "Meeting"}, "conference/97"),
    }
    results = reconcile(client, {k: q for k, (q, _) in cases.items()})
    for key, (_, expected) in cases.items():
        first = results[key]["result"][0]
        assert (first["id"], first["match"]) == (expected, True), key


def test_numbers_and_constraints_decide(client: TestClient) -> None:
    results = reconcile(
        client,
        {
            "other-number": {"query": "100. ASMK", "type": "Meeting"},
            "wrong-land": {"query": "Stefanie Drese", "type": "Person", "properties": [{"pid": "land", "v": "Bayern"}]},
            "right-land": {"query": "Drese", "type": "Person", "properties": [{"pid": "land", "v": "MV"}]},
            "year": {"query": "Minijobs", "type": "Resolution", "properties": [{"pid": "year", "v": 2025}]},
            "nobody": {"query": "Olaf Scholz", "type": "Person"},
            "meeting": {
                "query": "Pflegeversicherung",
                "type": "Resolution",
                "properties": [{"pid": "meeting", "v": "97. ASMK"}],
            },
        },
    )
    assert results["meeting"]["result"][0]["id"] == "resolution/97/pflegeversicherung"
    assert {"id": "meeting", "value": True} in results["meeting"]["result"][0]["features"]
    assert results["other-number"]["result"] == [] and results["nobody"]["result"] == []
    wrong = results["wrong-land"]["result"][0]
    assert wrong["match"] is False and {"id": "land", "value": False} in wrong["features"]
    assert results["right-land"]["result"][0]["match"] is True
    assert results["year"]["result"][0]["id"] == "resolution/102/minijobs"


def test_data_extension_gives_lands_offices_outcomes_and_applicants(client: TestClient) -> None:
    query = {
        "ids": [
            "person/nicole-hoffmeister-kraut",
            "resolution/97/kindergrundsicherung",
            "resolution/102/altersteilzeitguthaben",
            "x/y",
        ],
        "properties": [{"id": "land"}, {"id": "office"}, {"id": "outcome"}, {"id": "applicant"}],
    }
    rows = client.get("/reconcile", params={"extend": json.dumps(query)}).json()["rows"]
    person = rows["person/nicole-hoffmeister-kraut"]
    assert person["land"] == [{"id": "state/DE-BW", "name": "Baden-Württemberg"}]
    assert {"str": "Wirtschaftsministerin"} in person["office"]
    assert rows["resolution/97/kindergrundsicherung"]["outcome"] == [{"str": "large-majority"}]
    assert {"id": "state/DE-NW", "name": "Nordrhein-Westfalen"} in rows["resolution/102/altersteilzeitguthaben"][
        "applicant"
    ]
    assert rows["x/y"] == {"land": [], "office": [], "outcome": [], "applicant": []}


def test_preview_and_jsonp(client: TestClient) -> None:
    card = client.get("/reconcile/preview", params={"id": "person/manne-lucha"})
    assert card.status_code == 200 and "Manne Lucha" in card.text and "Baden-Württemberg" in card.text
    assert "frame-ancestors *" in card.headers["content-security-policy"]  # OpenRefine frames it
    assert client.get("/reconcile/preview", params={"id": "person/nobody"}).status_code == 404
    jsonp = client.get("/reconcile", params={"callback": "jQuery123_456"})
    assert jsonp.headers["content-type"].startswith("application/javascript")
    assert jsonp.text.startswith("/**/jQuery123_456({") and jsonp.text.endswith(");")
    assert client.get("/reconcile", params={"callback": "alert(1)//"}).status_code == 400
    assert client.get("/reconcile").headers["access-control-allow-origin"] == "*"


@pytest.mark.parametrize(
    ("params", "message"),
    [
        ({"queries": "{not json"}, "queries: not valid JSON"),
        ({"queries": json.dumps({"q0": {"query": "x", "type": "Planet"}})}, "queries.q0.type: unknown type 'Planet'"),
        ({"queries": json.dumps({"q0": {"query": "x", "type": "Person", "properties": [{"pid": "year", "v": 1}]}})},
         "queries.q0.properties[0].pid: 'year' is no property of Person"),
        ({"extend": json.dumps({"ids": ["person/manne-lucha"], "properties": [{"id": "colour"}]})},
         "extend.properties[0].id: unknown property 'colour'"),
        ({"extend": json.dumps({"ids": "person/manne-lucha"})}, "extend: expected"),
        ({"query": "Lucha"}, "unknown parameter(s) query"),
    ],
)  # fmt: skip
def test_bad_requests_are_named(client: TestClient, params: dict[str, str], message: str) -> None:
    response = client.get("/reconcile", params=params)
    assert response.status_code == 400 and message in response.json()["detail"]


def test_folding() -> None:
    assert fold("Bärbl Mielich-Straße") == "baerbl mielich strasse"
    assert loose(fold("Bärbl")) == loose(fold("Barbl")) == "barbl"
    assert person_name("Prof. Dr. Hoffmeister-Kraut, Nicole") == "nicole hoffmeister kraut"
    assert similarity(fold("96. ASMK"), fold("97 asmk")) == 0.0


# --------------------------------------------------------------------------- a live server, as OpenRefine calls it


@pytest.fixture(scope="module")
def live_server() -> Iterator[str]:
    port = free_port()
    command = [sys.executable, "-m", "asmk_graph.cli", "--root", str(ROOT), "serve", "--port", str(port)]
    proc = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    url = f"http://127.0.0.1:{port}"
    try:
        for _ in range(100):
            try:
                HTTP.get(url + "/health", timeout=1)
                break
            except httpx.TransportError:
                time.sleep(0.2)
        yield url
    finally:
        proc.terminate()
        proc.wait(timeout=10)


def test_openrefine_style_calls_on_a_live_server(live_server: str) -> None:
    manifest = HTTP.get(live_server + "/reconcile", timeout=10).json()
    assert manifest["view"]["url"] == live_server + "/id/{{id}}"
    batch = {f"q{i}": {"query": name, "type": "Person"} for i, name in enumerate(["Manne Lucha", "Anke Rehlinger"])}
    answer = HTTP.post(live_server + "/reconcile", data={"queries": json.dumps(batch)}, timeout=30).json()
    assert [answer[k]["result"][0]["id"] for k in ("q0", "q1")] == ["person/manne-lucha", "person/anke-rehlinger"]
    page = HTTP.get(manifest["view"]["url"].replace("{{id}}", "person/anke-rehlinger"), timeout=10)
    assert page.status_code == 200
