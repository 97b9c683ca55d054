"""What every HTML page shares: the Jinja2 templates, the page language, links kept on this host.

Pages are German by default; `?lang=en` switches the interface and the ontology's labels to
English (the data's own texts stay as the sources give them). Links to resources under the
configured base (`https://w3id.org/asmk/id/...`) are rewritten to paths on the serving host, so a
visitor stays on this server; the canonical IRI is shown on each page.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from fastapi import Request
from fastapi.responses import HTMLResponse
from jinja2 import Environment, FileSystemLoader, select_autoescape

from ..namespaces import ASMK, ONTOLOGY_IRI
from .linked_data import negotiate

SPARQL_PATH = "/sparql"  # the endpoint: its route (sparql.py) and every link to it

WEB_DIR = Path(__file__).resolve().parent
TEMPLATES = Environment(
    loader=FileSystemLoader(WEB_DIR / "templates"),
    autoescape=select_autoescape(["html", "svg"]),
    trim_blocks=True,
    lstrip_blocks=True,
)
LANGUAGES = ("de", "en")


def wants_html(request: Request, machine_media: str) -> bool:
    """True when the client prefers HTML to machine_media (browsers do; `*/*` and no Accept do not)."""
    return negotiate(request.headers.get("accept"), (machine_media, "text/html")) == "text/html"


def page_language(request: Request) -> str:
    lang = request.query_params.get("lang", "de")
    return lang if lang in LANGUAGES else "de"


@dataclass(frozen=True)
class Links:
    """Maps canonical IRIs to local paths and carries the page language in local links."""

    base: str
    lang: str = "de"

    def local(self, path: str) -> str:
        """A local path, with ?lang=en kept when the page is English."""
        if self.lang == "de":
            return path
        joiner = "&" if "?" in path else "?"
        fragment = ""
        if "#" in path:
            path, fragment = path.split("#", 1)
            fragment = "#" + fragment
        return f"{path}{joiner}lang={self.lang}{fragment}"

    def href(self, iri: str) -> str:
        """Where a link to iri points: a local path for our resources and vocabulary, else iri."""
        for prefix, local in (
            (self.base + "id/", "/id/"),
            (str(ASMK), "/ontology#"),
            (str(ONTOLOGY_IRI), "/ontology"),
            (self.base + "sparql", SPARQL_PATH),
        ):
            if iri.startswith(prefix):
                return self.local(local + iri[len(prefix) :])
        return iri

    def is_local(self, iri: str) -> bool:
        return self.href(iri) != iri


def render_page(request: Request, template: str, base: str, status: int = 200, /, **context: Any) -> HTMLResponse:
    lang = page_language(request)
    links = Links(base, lang)

    def t(german: str, english: str) -> str:
        return english if lang == "en" else german

    other = "en" if lang == "de" else "de"
    switched = request.url.include_query_params(lang=other)
    switch_url = f"{switched.path}?{switched.query}"
    body = TEMPLATES.get_template(template).render(
        lang=lang, t=t, links=links, href=links.href, local=links.local, switch_url=switch_url, **context
    )
    return HTMLResponse(body, status_code=status, headers={"Vary": "Accept"})
