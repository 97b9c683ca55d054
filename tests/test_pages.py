"""Pages for people, the German full-text search and the one error shape, through FastAPI's
TestClient on both stores (embedded Oxigraph and a real Virtuoso). The same pages in a real
browser: tests/test_browser.py."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from html.parser import HTMLParser

import pytest
from fastapi import HTTPException
from fastapi.testclient import TestClient

from asmk_graph.graph.serialize import DUMP_NAMES
from asmk_graph.paths import ProjectPaths
from asmk_graph.web.app import create_app
from asmk_graph.web.search import fold, fts_expression, highlight, indexed_form, query_words
from asmk_graph.web.templating import Links

from .conftest import remote_store

STORES = ["oxigraph", "virtuoso"]
BROWSER = {"Accept": "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"}
BASE = "https://w3id.org/asmk/"


@pytest.fixture(scope="module", params=STORES)
def client(request: pytest.FixtureRequest, paths: ProjectPaths) -> Iterator[TestClient]:
    store = remote_store(request.getfixturevalue("virtuoso")) if request.param == "virtuoso" else None
    app = create_app(paths, store)

    @app.get("/test-busy")
    def busy() -> None:
        raise HTTPException(503, "busy", headers={"Retry-After": "7"})

    with TestClient(app) as test_client:
        yield test_client


def page(client: TestClient, path: str) -> str:
    response = client.get(path, headers=BROWSER)
    assert response.status_code == 200, (path, response.text[:500])
    assert response.headers["content-type"].startswith("text/html")
    return response.text


class Anchors(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.links: list[tuple[str, str]] = []
        self._href: str | None = None
        self._text: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "a":
            self._href, self._text = dict(attrs).get("href"), []

    def handle_data(self, data: str) -> None:
        if self._href is not None:
            self._text.append(data)

    def handle_endtag(self, tag: str) -> None:
        if tag == "a" and self._href is not None:
            self.links.append((self._href, "".join(self._text).strip()))
            self._href = None


def links(html: str) -> list[tuple[str, str]]:
    parser = Anchors()
    parser.feed(html)
    return parser.links


# --- search: German folding, word boundaries, what is searched ---------------------------------


def test_folding_spells_out_umlauts_and_also_indexes_them_without_dots() -> None:
    assert fold("Fachkräfte Straße ÖFFENTLICH Café") == "fachkraefte strasse oeffentlich cafe"
    assert indexed_form("Bärbl") == "baerbl barbl"
    assert query_words("KI-gestützte Hilfe") == ["ki", "gestuetzte", "hilfe"]
    assert fts_expression(["ki", "pflege"]) == '"ki" "pflege"*'  # short words whole, long ones also as prefix
    assert query_words('" OR * --') == ["or"] and fts_expression(["or"]) == '"or"'  # quoted: no FTS syntax
    assert highlight("Fachkräften aus dem Ausland", "Fachkraefte") == [
        ("Fachkräften", True),
        (" aus dem Ausland", False),
    ]


@pytest.mark.parametrize(
    ("q", "expected", "absent"),
    [
        ("Fachkraefte", {"102/vermittlungsagenturen-guetesiegel"}, set()),
        ("Fachkrafte", {"102/vermittlungsagenturen-guetesiegel"}, set()),
        ("FACHKRÄFTE", {"102/vermittlungsagenturen-guetesiegel"}, set()),
        ("KI", {"102/ki-arbeitsmarkt"}, {"97/kindergrundsicherung"}),  # a word, not the start of "Kinder"
        ("Wohnungslosigkeit", {"102/wohnungslosigkeit"}, set()),  # its topic
        ("Berufsbildungsgesetz", {"102/berufsbildungsgesetz-oeffentlicher-dienst"}, set()),  # a request
        ("kindergrundsicherung", {"97/kindergrundsicherung"}, set()),
    ],
)
def test_resolution_search_folds_german_and_respects_word_boundaries(
    client: TestClient, q: str, expected: set[str], absent: set[str]
) -> None:
    response = client.get("/api/resolutions", params={"q": q})
    assert response.status_code == 200, response.text
    body = response.json()
    found = {item["id"].split("/resolution/", 1)[1] for item in body["items"]}
    assert expected <= found, (q, found)
    assert not absent & found, (q, found)
    assert body["total"] == len(found)


def test_search_combines_with_the_other_filters(client: TestClient) -> None:
    both = client.get("/api/resolutions", params={"q": "Pflege", "conference": 97}).json()
    assert both["total"] >= 1 and all(item["conference"] == 97 for item in both["items"])
    assert client.get("/api/resolutions", params={"q": "Pflege", "conference": 96}).json()["total"] == 0
    assert client.get("/api/resolutions", params={"q": "Quarkspeise"}).json()["total"] == 0


def test_search_page_finds_every_kind_and_marks_the_words(client: TestClient) -> None:
    html = page(client, "/search?q=Baerbl")
    assert "/id/person/" in html and "<mark>Bärbl</mark>" in html
    only_resolutions = page(client, "/search?q=Pflege&kind=resolution")
    assert all(
        "/id/resolution/" in href
        for href, _ in links(only_resolutions.split('<ol class="results">')[1].split("</ol>")[0])
    )


# --- landing page ---------------------------------------------------------------------------


def test_landing_page_negotiates_json_for_clients_and_html_for_browsers(
    client: TestClient, paths: ProjectPaths
) -> None:
    assert client.get("/").json()["sparql"] == "/sparql"
    assert client.get("/", headers={"Accept": "application/json"}).json()["linkedData"][0] == "/id/"
    html = page(client, "/")
    assert '<html lang="de">' in html
    assert 'href="/id/conference/102"' in html  # the latest conference
    for line in (paths.graph_dir / "SHA256SUMS").read_text().splitlines():
        digest, name = line.split()
        if name in DUMP_NAMES:  # SHA256SUMS also lists catalog.ttl and void.ttl, served at /catalog, /.well-known/void
            assert digest in html and f'href="/dumps/{name}"' in html
    assert 'href="/catalog"' in html and 'href="/.well-known/void"' in html
    assert client.get("/", headers={"Accept": "application/json"}).json()["reconcile"] == "/reconcile"
    assert "CC BY 4.0" in html and "/sparql" in html
    assert 'href="https://w3id.org' not in html  # every link stays on this host


# --- entity pages ---------------------------------------------------------------------------


def test_conference_page_lists_its_resolutions_with_outcomes(client: TestClient) -> None:
    html = page(client, "/id/conference/102")
    assert "<h1>102. Arbeits- und Sozialministerkonferenz</h1>" in html
    assert "29 Beschlüsse und Berichte dieser Sitzung" in html  # one per decision 002 presents
    resolutions = {href for href, _ in links(html) if href.startswith("/id/resolution/102/")}
    assert len(resolutions) == 29
    assert html.count('class="badge outcome-majority"') >= 10
    assert "Gefasste Beschlüsse" in html  # the incoming links, grouped by relation


def test_state_page_lists_motions_chair_years_and_ministers(client: TestClient) -> None:
    nrw = page(client, "/id/state/DE-NW")
    assert "Anträge dieses Landes" in nrw and ">Antrag aller Länder<" in nrw
    assert nrw.count(">Mitantrag<") == 3 and nrw.count(">Antrag<") == 6
    bw = page(client, "/id/state/DE-BW")
    assert "Vorsitzjahre" in bw and ">2020</a>" in bw
    assert 'href="/id/person/manne-lucha"' in bw  # a minister of the state


def test_person_page_shows_offices_and_chair_terms(client: TestClient) -> None:
    html = page(client, "/id/person/magnus-jung")
    assert "Vorsitz der ASMK" in html and ">2022</a>" in html and "2022-05-26" in html
    assert "Minister" in html and 'href="/id/state/DE-SL"' in html


def test_topic_and_source_pages(client: TestClient) -> None:
    topic = page(client, "/id/topic/wohnungslosigkeit")
    assert "Beschlüsse zu diesem Thema" in topic and 'href="/id/resolution/102/wohnungslosigkeit"' in topic
    source = page(client, "/id/source/bf047aedd6dffa2d")
    assert "Angaben, die diese Quelle belegt" in source
    assert re.search(r"<td>54\u2013113</td>\s*<td><a href=\"/id/resolution/102/reform-sozialstaat\">", source)


def test_property_names_come_from_the_ontology_in_german_and_english(client: TestClient) -> None:
    german = page(client, "/id/resolution/102/reform-sozialstaat")
    assert ">gefasst auf<" in german and ">Beschlusspunkt<" in german and ">Quelle<" in german
    assert "http://purl.org/dc/terms/source" not in german.split("<main")[1].split("application/ld+json")[0]
    english = page(client, "/id/resolution/102/reform-sozialstaat?lang=en")
    assert '<html lang="en">' in english and ">adopted at<" in english and ">demand<" in english
    assert 'href="/id/conference/102?lang=en"' in english  # the language stays when following links


def test_resolution_page_shows_the_decision_chain_as_the_source_gives_it(client: TestClient) -> None:
    html = page(client, "/id/resolution/102/industriearbeit-bewahren")
    decision = html.split('class="statements decision"')[1].split("</dl>")[0]
    assert "alle Länder" in decision and 'href="/id/state/DE-NW"' in decision  # moved by NRW for all states
    assert 'class="badge outcome-unanimous">einstimmig<' in decision
    demands = re.findall(r'<li><span class="badge">([^<]+)</span>', decision)
    assert demands == ["nimmt mit Sorge zur Kenntnis", "betont", "fordert"]  # in the source's order
    assert 'href="/id/org/bundesregierung">Bundesregierung</a>' in decision  # the addressee of the call
    unstated = page(client, "/id/resolution/102/ki-arbeitsmarkt")
    assert "kein Ergebnis angegeben" in unstated.split('class="statements decision"')[1]  # never a default


def test_entity_page_links_stay_local_and_name_the_other_formats(client: TestClient) -> None:
    response = client.get("/id/conference/97", headers=BROWSER)
    html = response.text
    assert "https://w3id.org/asmk/id/conference/97" in html  # the canonical IRI is shown ...
    assert not [href for href, _ in links(html) if href.startswith(BASE)]  # ... but no link leaves the host
    alternates = response.headers["link"]
    assert '/id/conference/97.ttl>; rel="alternate"; type="text/turtle"' in alternates
    assert 'type="application/ld+json"' in alternates and 'type="text/html"' not in alternates
    turtle = client.get("/id/conference/97.ttl")
    assert turtle.headers["content-type"].startswith("text/turtle") and "asmk:virtual" in turtle.text
    assert 'type="text/html"' in turtle.headers["link"]
    assert client.get("/id/conference/97.jsonld").headers["content-type"].startswith("application/ld+json")
    data = json.loads(re.search(r'<script type="application/ld\+json">(.*?)</script>', html, re.S).group(1))  # type: ignore[union-attr]
    assert data["@type"] == "Event" and data["@id"] == BASE + "id/conference/97" and data["startDate"] == "2020-11-26"


def test_editorial_values_are_marked(client: TestClient) -> None:
    html = page(client, "/id/topic/digitalisierung")
    assert "redaktionell ergänzt" in html


def test_index_pages_per_kind(client: TestClient) -> None:
    conferences = page(client, "/id/conference/")
    assert {href for href, _ in links(conferences) if re.fullmatch(r"/id/conference/[^/?]+", href)} == {
        f"/id/conference/{n}" for n in ("96", "97", "98", "99", "102", "ack-2022")
    }
    states = page(client, "/id/state/")
    assert len({href for href, _ in links(states) if re.fullmatch(r"/id/state/DE-[A-Z]{2}", href)}) == 16
    assert "<svg" in states and "6 Antr. · 3 Mit." in states  # the tile grid: NRW's motions
    assert "<svg" in page(client, "/id/chair/") and "Magnus Jung" in page(client, "/id/chair/")
    overview = page(client, "/id/")
    assert 'href="/id/resolution/"' in overview


def test_vocabulary_page_anchors_every_term(client: TestClient) -> None:
    html = page(client, "/ontology")
    assert '<dt id="adoptedAt">gefasst auf' in html and '<dt id="Resolution">Beschluss' in html
    assert client.get("/ontology", headers={"Accept": "text/turtle"}).headers["content-type"].startswith("text/turtle")


def test_sparql_editor_for_browsers_and_service_description_for_clients(client: TestClient) -> None:
    html = page(client, "/sparql")
    assert 'id="yasgui"' in html and "/vendor/yasgui/yasgui.min.js" in html
    assert 'data-example="outcomes-102"' in html and "How many resolutions of the 102nd ASMK" in html
    assert "PREFIX asmk: &lt;https://w3id.org/asmk/def#&gt;" in html  # the prefixes, declared
    assert "<script>" not in html  # no inline script: the page works under a strict CSP
    assert client.get("/sparql", headers={"Accept": "text/turtle"}).headers["content-type"].startswith("text/turtle")
    assert client.get("/sparql").headers["content-type"].startswith("text/turtle")


def test_api_docs_use_vendored_assets(client: TestClient) -> None:
    docs = page(client, "/docs")
    assert "/vendor/swagger-ui/swagger-ui-bundle.js" in docs and "cdn" not in docs.lower()
    assert client.get("/vendor/swagger-ui/swagger-ui-bundle.js").status_code == 200
    redoc = page(client, "/redoc")
    assert "/vendor/redoc/redoc.standalone.js" in redoc
    bundle = client.get("/vendor/redoc/redoc.standalone.js")
    assert bundle.status_code == 200 and b"cdn.redoc.ly" not in bundle.content  # its logo: scripts/localise-assets.sh


# --- one error shape ------------------------------------------------------------------------


def test_errors_are_problem_details_for_clients_and_pages_for_browsers(client: TestClient) -> None:
    problem = client.get("/id/conference/1", headers={"Accept": "text/turtle"})
    assert problem.status_code == 404 and problem.headers["content-type"] == "application/problem+json"
    assert problem.json() == {
        "type": "about:blank",
        "title": "Not Found",
        "status": 404,
        "detail": "no resource https://w3id.org/asmk/id/conference/1",
        "instance": "/id/conference/1",
    }
    html = client.get("/id/conference/1", headers=BROWSER)
    assert html.status_code == 404 and html.headers["content-type"].startswith("text/html")
    assert "<h1>404 · Nicht gefunden</h1>" in html.text and "no resource" in html.text
    unknown_route = client.get("/no/such/page", headers=BROWSER)
    assert unknown_route.status_code == 404 and "<h1>404" in unknown_route.text
    not_acceptable = client.get("/id/conference/97", headers={"Accept": "image/png"})
    assert not_acceptable.status_code == 406 and not_acceptable.json()["status"] == 406


def test_validation_errors_name_the_parameter(client: TestClient) -> None:
    response = client.get("/api/states", params={"limit": "lots"})
    assert response.status_code == 400 and response.headers["content-type"] == "application/problem+json"
    body = response.json()
    assert body["detail"].startswith("limit='lots': ") and body["invalid-params"][0]["name"] == "limit"


def test_headers_of_an_http_exception_are_kept(client: TestClient) -> None:
    response = client.get("/test-busy")
    assert response.status_code == 503 and response.headers["retry-after"] == "7"
    assert response.json()["detail"] == "busy"


def test_unknown_kind_of_resource_is_a_404(client: TestClient) -> None:
    assert client.get("/id/nothing/", headers=BROWSER).status_code == 404


# --- links under another base -------------------------------------------------------------


def test_links_map_any_configured_base_to_local_paths() -> None:
    links_ = Links("https://example.org/kg/", "en")
    assert links_.href("https://example.org/kg/id/state/DE-HB") == "/id/state/DE-HB?lang=en"
    assert links_.href("https://w3id.org/asmk/def#adoptedAt") == "/ontology?lang=en#adoptedAt"
    assert links_.href("http://www.wikidata.org/entity/Q1209") == "http://www.wikidata.org/entity/Q1209"
    assert Links("https://example.org/kg/").href("https://example.org/kg/id/x") == "/id/x"


def test_a_list_binds_one_parameter_to_several_values(paths: ProjectPaths) -> None:
    from rdflib import Literal, URIRef

    from asmk_graph.queries import load_queries

    query = load_queries(paths.queries)["api/resolutions"]
    both = query.bind({"outcome": Literal("majority")}, {"match": [URIRef("urn:a"), URIRef("urn:b")]})
    assert 'VALUES (?_outcome) { ("majority") }' in both and "VALUES ?_match { <urn:a> <urn:b> }" in both
    assert "VALUES ?_match {  }" in query.bind({}, {"match": []})  # matches nothing
    with pytest.raises(ValueError, match="unknown parameter"):
        query.bind({}, {"q": []})
