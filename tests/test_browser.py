"""The pages in a real browser: Debian's chromium, headless, driven by Playwright, against a live
uvicorn on 127.0.0.1 (one server and one browser for the module).

Every page is served under the CSP the pages claim to need (static.PAGES_CSP, added to each
document response on its way to the browser); a CSP violation, a JavaScript error or any request
that leaves 127.0.0.1 fails the test. Screenshots go to tests/artifacts/ (gitignored).
`make test` installs chromium (scripts/install-chromium.sh) and the npm assets (npm ci).
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterator
from html.parser import HTMLParser
from pathlib import Path
from typing import Any
from urllib.parse import urljoin, urlsplit

import httpx
import pytest

from asmk_graph.web.static import csp_for

from .chromium import CHROMIUM, CHROMIUM_ARGS
from .chromium import MISSING as CHROMIUM_MISSING
from .live import LiveServers
from .loopback import HTTP

ROOT = Path(__file__).resolve().parents[1]
AXE = ROOT / "node_modules" / "axe-core" / "axe.min.js"
ARTIFACTS = ROOT / "tests" / "artifacts"

playwright_api = pytest.importorskip("playwright.sync_api", reason="playwright is a dev dependency: make install")
if not CHROMIUM.exists():
    pytest.skip(CHROMIUM_MISSING, allow_module_level=True)
if not AXE.exists():
    pytest.skip("the npm assets are missing: make install runs npm ci", allow_module_level=True)


@pytest.fixture(scope="module")
def server(live_servers: LiveServers) -> str:
    """The session's live server on the embedded store (conftest)."""
    return live_servers.url("oxigraph")


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    with playwright_api.sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


class Watch:
    """What a page did that a test must see: requests, console errors, CSP violations."""

    def __init__(self) -> None:
        self.requests: list[str] = []
        self.errors: list[str] = []
        self.error_documents: set[str] = set()  # pages a test opened that answer 4xx on purpose

    def console(self, message: Any) -> None:
        expected = (
            message.text.startswith("Failed to load resource") and message.location.get("url") in self.error_documents
        )
        if message.type == "error" and not expected:
            self.errors.append(message.text)

    def response(self, response: Any) -> None:
        if response.request.resource_type == "document" and response.status >= 400:
            self.error_documents.add(response.url)


@pytest.fixture
def page(browser: Any, server: str, request: pytest.FixtureRequest) -> Iterator[Any]:
    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="de-DE")
    watch = Watch()

    def with_csp(route: Any) -> None:
        response = route.fetch()
        path = urlsplit(route.request.url).path
        headers = {**response.headers, "content-security-policy": csp_for(path)}
        route.fulfill(response=response, headers=headers)

    context.route(re.compile(r"^http://127\.0\.0\.1:\d+/"), lambda route: _route(route, with_csp))
    context.on("request", lambda r: watch.requests.append(r.url))
    new_page = context.new_page()
    new_page.on("console", watch.console)
    new_page.on("response", watch.response)
    new_page.on("pageerror", lambda e: watch.errors.append(f"uncaught: {e}"))
    new_page.watch = watch
    yield new_page
    context.close()
    outside = [u for u in watch.requests if not u.startswith((server + "/", "data:", "blob:", "about:"))]
    assert outside == [], f"requests left the server: {outside}"
    assert watch.errors == [], f"{request.node.name}: errors in the browser: {watch.errors}"


def _route(route: Any, with_csp: Any) -> None:
    if route.request.resource_type == "document":
        with_csp(route)
    else:
        route.continue_()


def shot(page: Any, name: str, full: bool = True) -> None:
    ARTIFACTS.mkdir(exist_ok=True)
    path = ARTIFACTS / f"{name}.png"
    page.screenshot(path=str(path), full_page=full)
    print(f"screenshot: {path}")


def heading(page: Any) -> str:
    return str(page.locator("h1").first.inner_text()).strip()


def test_walk_from_the_landing_page_by_clicking(page: Any, server: str) -> None:
    page.goto(server + "/")
    assert heading(page) == "Wissensgraph der Arbeits- und Sozialministerkonferenz"
    shot(page, "01-landing")
    page.get_by_role("link", name="Sitzungen", exact=False).first.click()
    assert heading(page) == "Sitzungen"
    page.get_by_role("link", name="97. Arbeits- und Sozialministerkonferenz").first.click()
    assert heading(page) == "97. Arbeits- und Sozialministerkonferenz"
    assert "3 Beschlüsse und Berichte dieser Sitzung" in page.locator("main").inner_text()
    shot(page, "02-conference-97")
    page.get_by_role("link", name="Sachstandsbericht zur Digitalisierung in der Pflege").first.click()
    assert heading(page) == "Sachstandsbericht zur Digitalisierung in der Pflege"
    assert "federführendes Land" in page.locator("main").inner_text()
    shot(page, "03-resolution")
    page.locator("main").get_by_role("link", name="Baden-Württemberg").first.click()
    assert heading(page) == "Baden-Württemberg"
    state_page = page.locator("main").inner_text()
    assert "Anträge dieses Landes" in state_page and "Vorsitzjahre" in state_page
    shot(page, "04-state-bw")
    page.locator("main").get_by_role("link", name="Manne Lucha").first.click()
    assert heading(page) == "Manne Lucha"
    assert "Vorsitz der ASMK" in page.locator("main").inner_text()
    shot(page, "05-person")
    assert page.url.startswith(server + "/id/person/")


@pytest.mark.parametrize("typed", ["Fachkräfte", "Fachkraefte"])
def test_find_a_resolution_by_a_german_word(page: Any, server: str, typed: str) -> None:
    page.goto(server + "/")
    page.get_by_label("Beschlüsse und mehr durchsuchen").fill(typed)
    page.get_by_label("Beschlüsse und mehr durchsuchen").press("Enter")
    page.wait_for_url(re.compile(r"/search\?"))
    results = page.locator("ol.results")
    assert "Fachkräften" in results.inner_text()  # highlighted in the result, whatever was typed
    assert results.locator("mark").count() >= 1
    shot(page, f"06-search-{typed.encode('ascii', 'replace').decode()}")
    results.get_by_role("link", name=re.compile("Gütesiegel")).click()
    assert heading(page) == "Gütesiegel für private Vermittlungsagenturen von Fachkräften aus dem Ausland"


def test_run_an_example_query_and_see_rows_and_a_chart(page: Any, server: str) -> None:
    page.goto(server + "/sparql")
    assert heading(page) == "SPARQL-Abfrage"
    example = page.locator("#example-outcomes-102")
    example.get_by_role("button", name="Im Editor ausführen").click()
    rows = page.locator("#yasgui .yasr table tbody tr")
    rows.first.wait_for(timeout=15000)
    assert rows.count() == 4  # agreed, majority, unanimous, unstated
    assert "unanimous" in page.locator("#yasgui .yasr table").inner_text()
    shot(page, "07-editor-table")
    page.locator("#yasgui .yasr .select_chart").click()
    canvas = page.locator("#yasgui .chart-box canvas")
    canvas.wait_for(timeout=10000)
    drawn = page.evaluate(
        "() => Chart.getChart(document.querySelector('#yasgui .chart-box canvas')).data.datasets[0].data"
    )
    assert drawn == [1, 10, 11, 7]  # 29 decisions of 002; seven without a stated outcome
    shot(page, "08-editor-chart")


def test_result_links_stay_on_this_server_and_show_labels(page: Any, server: str) -> None:
    page.goto(server + "/sparql")
    page.locator("#example-majority-only-102").get_by_role("button").click()
    link = page.locator("#yasgui .yasr table tbody a.iri").first
    link.wait_for(timeout=15000)
    page.wait_for_function("() => !document.querySelector('#yasgui .yasr table tbody a.iri').textContent.includes('/')")
    assert link.get_attribute("href").startswith("/id/resolution/102/")
    link.click()
    page.wait_for_url(re.compile(r"/id/resolution/102/"))


def test_api_docs_render_from_vendored_assets(page: Any, server: str) -> None:
    page.goto(server + "/docs")
    page.locator(".swagger-ui .opblock").first.wait_for(timeout=15000)
    assert page.locator(".swagger-ui .opblock").count() >= 10
    shot(page, "09-docs")
    page.goto(server + "/redoc")
    page.locator(".api-content h1").first.wait_for(timeout=15000)
    assert "ASMK knowledge graph" in page.locator(".api-content h1").first.inner_text()
    shot(page, "10-redoc", full=False)


def test_error_pages_for_browsers(page: Any, server: str) -> None:
    response = page.goto(server + "/id/conference/1")
    assert response.status == 404 and response.headers["content-type"].startswith("text/html")
    assert heading(page).startswith("404")
    page.get_by_role("link", name="Startseite").click()
    assert page.url == server + "/"


AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21aa", "best-practice"]
AXE_PAGES = [
    "/",
    "/id/conference/102",
    "/id/state/DE-NW",
    "/id/state/",
    "/search?q=Pflege",
    "/sparql",
    "/id/conference/404?lang=en",
]


def test_accessibility_basics_with_axe(page: Any, server: str) -> None:
    """lang, headings, labels, contrast and the rest of WCAG 2 A/AA that axe-core checks."""
    axe = AXE.read_text(encoding="utf-8")
    found: dict[str, list[str]] = {}
    for path in AXE_PAGES:
        page.goto(server + path)
        page.evaluate(axe)  # evaluated by the test, not loaded by the page
        result = page.evaluate(f"() => axe.run(document, {{runOnly: {{type: 'tag', values: {AXE_TAGS}}}}})")
        serious = [v for v in result["violations"] if v["impact"] in ("serious", "critical")]
        if serious:
            found[path] = [f"{v['id']}: {v['help']} ({[n['target'] for n in v['nodes']][:3]})" for v in serious]
    assert found == {}


class Links(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.hrefs: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        href = dict(attrs).get("href")
        if tag == "a" and href:
            self.hrefs.append(href)


def test_every_resource_is_reachable_by_following_links_from_the_landing_page(server: str) -> None:
    """What a person reaches by clicking: every link on every page, followed from / on (over HTTP,
    as the browser would, because a browser visit of every page would take minutes)."""
    wanted: set[str] = set()
    for resource in ("conferences", "resolutions", "states", "persons", "bodies", "sources"):
        items = HTTP.get(f"{server}/api/{resource}", params={"limit": 1000}, timeout=20).json()["items"]
        wanted |= {"/id/" + item["id"].split("/id/", 1)[1] for item in items}
    seen, queue = {"/"}, ["/"]
    with httpx.Client(base_url=server, headers={"Accept": "text/html"}, timeout=20) as http:
        while queue:
            path = queue.pop()
            response = http.get(path)
            if not response.headers.get("content-type", "").startswith("text/html"):
                continue
            parser = Links()
            parser.feed(response.text)
            for href in parser.hrefs:
                target = urlsplit(urljoin(server + path, href))
                if target.netloc != urlsplit(server).netloc or not target.path.startswith("/id/"):
                    continue
                if target.path not in seen and not re.search(r"\.(ttl|jsonld|nt|rdf)$", target.path):
                    seen.add(target.path)
                    queue.append(target.path)
    assert wanted - seen == set()
    assert len(wanted) > 80


if os.environ.get("CI"):  # keep the artefacts' location in CI logs
    print(f"browser screenshots: {ARTIFACTS}")
