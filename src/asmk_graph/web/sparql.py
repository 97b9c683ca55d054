"""/sparql: the SPARQL 1.1 Protocol, read-only, with a service description.

User queries run through a `Runner`: on the embedded store a pool of killable worker processes
(pyoxigraph cannot interrupt a query), on a remote endpoint a thread whose HTTP read has a
deadline. Either way the answer comes back as a results.Answer, is capped at max_rows and
written in the negotiated format here, so every store speaks the same formats.
"""

from __future__ import annotations

import asyncio
import re
from pathlib import Path
from typing import Protocol

from fastapi import APIRouter, HTTPException, Request
from fastapi.responses import Response
from rdflib import RDF, Graph, Literal, Namespace, URIRef

from ..queries import NamedQuery
from ..store.results import RESULT_WRITERS, Answer
from ..store.stores import Store
from ..store.workers import QueryWorkers
from .linked_data import OFFERED, negotiate, render
from .templating import wants_html

SD = Namespace("http://www.w3.org/ns/sparql-service-description#")
FORMATS = Namespace("http://www.w3.org/ns/formats/")
VOID = Namespace("http://rdfs.org/ns/void#")
DCTERMS = Namespace("http://purl.org/dc/terms/")

# format name -> media type; the first of each group is the default
RESULT_MEDIA = {
    "json": "application/sparql-results+json",
    "xml": "application/sparql-results+xml",
    "csv": "text/csv",
    "tsv": "text/tab-separated-values",
}
GRAPH_MEDIA = {
    "turtle": "text/turtle",
    "ntriples": "application/n-triples",
    "jsonld": "application/ld+json",
    "rdfxml": "application/rdf+xml",
}
ACCEPT_ALIASES = {"application/json": "application/sparql-results+json", "application/xml": RESULT_MEDIA["xml"]}
SD_FORMATS = (
    "SPARQL_Results_JSON",
    "SPARQL_Results_XML",
    "SPARQL_Results_CSV",
    "SPARQL_Results_TSV",
    "Turtle",
    "N-Triples",
    "JSON-LD",
    "RDF_XML",
)

# keywords only count outside strings, IRIs and comments, and not as ?variables or prefixed names
NOT_KEYWORDS = re.compile(
    r'""".*?"""|\'\'\'.*?\'\'\'|"(?:[^"\\\n]|\\.)*"|\'(?:[^\'\\\n]|\\.)*\'|<[^<>\s]*>|#[^\n]*', re.S
)
UPDATE = re.compile(
    r"(?<![?$:\w])(INSERT|DELETE|LOAD|CLEAR|CREATE|DROP|COPY|MOVE|ADD)\s*(DATA|WHERE|\{|<|GRAPH|SILENT|ALL|DEFAULT)",
    re.IGNORECASE,
)
SERVICE = re.compile(r"(?<![?$:\w])SERVICE\b", re.IGNORECASE)
READ_ONLY = "this endpoint is read-only: SPARQL Update is not accepted"


class Runner(Protocol):
    async def run(self, query: str, max_rows: int | None, timeout: float) -> Answer: ...

    def close(self) -> None: ...


class ThreadRunner:
    """For a remote store: its answer() already enforces the deadline, a thread keeps the loop free."""

    def __init__(self, store: Store) -> None:
        self.store = store

    async def run(self, query: str, max_rows: int | None, timeout: float) -> Answer:
        return await asyncio.to_thread(self.store.answer, query, max_rows, timeout)

    def close(self) -> None:
        pass


class LazyWorkers:
    """Embedded store: worker processes started on the first user query, not at import or start-up."""

    def __init__(self, files: list[Path], size: int) -> None:
        self.files, self.size = files, size
        self.pool: QueryWorkers | None = None
        self.lock = asyncio.Lock()

    async def run(self, query: str, max_rows: int | None, timeout: float) -> Answer:
        async with self.lock:
            if self.pool is None:
                self.pool = await asyncio.to_thread(QueryWorkers, self.files, self.size)
        return await self.pool.run(query, max_rows, timeout)

    def close(self) -> None:
        if self.pool is not None:
            self.pool.close()


def check_query(query: str | None) -> str:
    if not query or not query.strip():
        raise HTTPException(400, "missing 'query' parameter")
    keywords = NOT_KEYWORDS.sub(lambda m: "<>" if m.group().startswith("<") else " ", query)
    if UPDATE.search(keywords):
        raise HTTPException(403, READ_ONLY)
    if SERVICE.search(keywords):
        raise HTTPException(400, "SERVICE (federated query) is not allowed: the endpoint makes no outbound requests")
    return query


def choose_media(answer: Answer, fmt: str | None, accept: str | None) -> str:
    """The media type to answer with, from the format parameter or else the Accept header."""
    offered = GRAPH_MEDIA if answer.kind == "graph" else RESULT_MEDIA
    if fmt is not None:
        if fmt not in offered:
            kind = "CONSTRUCT/DESCRIBE" if answer.kind == "graph" else "SELECT/ASK"
            raise HTTPException(400, f"format={fmt!r}: a {kind} answer is offered as {', '.join(offered)}")
        return offered[fmt]
    if accept and answer.kind != "graph":  # plain JSON/XML clients mean the SPARQL results formats
        for alias, media in ACCEPT_ALIASES.items():
            accept = accept.replace(alias, media)
    chosen = negotiate(accept, tuple(offered.values()))
    if chosen is None:
        raise HTTPException(406, f"this answer is offered as {', '.join(offered.values())}")
    return chosen


def write(answer: Answer, media: str) -> bytes:
    if answer.graph is not None:
        return render(answer.graph, media, "", {})
    fmt = next(name for name, m in RESULT_MEDIA.items() if m == media)
    return RESULT_WRITERS[fmt](answer)


def service_description(endpoint: str, triples: int | None, timeout: float, max_rows: int) -> Graph:
    g = Graph()
    service, dataset, default = URIRef(endpoint), URIRef(endpoint + "#dataset"), URIRef(endpoint + "#default-graph")
    g.add((service, RDF.type, SD.Service))
    g.add((service, SD.endpoint, service))
    g.add((service, SD.supportedLanguage, SD.SPARQL11Query))
    for fmt in SD_FORMATS:
        g.add((service, SD.resultFormat, FORMATS[fmt]))
    g.add((service, SD.defaultDataset, dataset))
    g.add((dataset, RDF.type, SD.Dataset))
    g.add((dataset, SD.defaultGraph, default))
    g.add((default, RDF.type, SD.Graph))
    if triples is not None:
        g.add((default, VOID.triples, Literal(triples)))
    limits = (
        f"Read-only: SPARQL Update is refused (403) and so is SERVICE (400). Queries are stopped after "
        f"{timeout:g} s (503); answers of more than {max_rows} rows are refused (400), page with LIMIT/OFFSET."
    )
    g.add((service, DCTERMS.description, Literal(limits, lang="en")))
    return g


def sparql_router(
    store: Store, runner: Runner, queries: dict[str, NamedQuery], timeout: float, max_rows: int
) -> APIRouter:
    router = APIRouter(tags=["sparql"])

    async def answer(request: Request, query: str | None) -> Response:
        params = request.query_params
        if "default-graph-uri" in params or "named-graph-uri" in params:
            raise HTTPException(400, "default-graph-uri/named-graph-uri: this endpoint serves one fixed dataset")
        result = await runner.run(check_query(query), max_rows, timeout)
        media = choose_media(result, params.get("format"), request.headers.get("accept"))
        body = await asyncio.to_thread(write, result, media)
        return Response(body, media_type=media, headers={"Vary": "Accept"})

    async def describe_service(request: Request) -> Response:
        media = negotiate(request.headers.get("accept"), OFFERED)
        if media is None:
            raise HTTPException(406, f"the service description is offered as {', '.join(OFFERED)}")
        rows = await asyncio.to_thread(store.select, queries["api/count"].text)
        endpoint = str(request.url_for("sparql_get"))
        graph = service_description(endpoint, rows[0]["triples"] if rows else None, timeout, max_rows)
        body = render(graph, media, "SPARQL service description", {})
        return Response(body, media_type=media, headers={"Vary": "Accept"})

    @router.get("/sparql", name="sparql_get")
    async def sparql_get(request: Request, query: str | None = None) -> Response:
        """A query by GET (?query=...&format=json|xml|csv|tsv|turtle|ntriples|jsonld|rdfxml).

        Without parameters: the SPARQL 1.1 service description."""
        if "update" in request.query_params:
            raise HTTPException(403, READ_ONLY)
        if set(request.query_params) <= {"lang"}:  # lang: the pages' language switch
            if wants_html(request, "text/turtle"):  # a browser: the query editor (editor.py)
                response: Response = request.app.state.editor_page(request)
                return response
            return await describe_service(request)
        return await answer(request, query)

    @router.post("/sparql")
    async def sparql_post(request: Request) -> Response:
        """A query by POST, form-encoded (query=...) or direct (Content-Type: application/sparql-query)."""
        ctype = request.headers.get("content-type", "").split(";")[0].strip().lower()
        if ctype == "application/sparql-update":
            raise HTTPException(403, READ_ONLY)
        if ctype == "application/sparql-query":
            return await answer(request, (await request.body()).decode("utf-8", errors="replace"))
        if ctype not in ("application/x-www-form-urlencoded", "multipart/form-data"):
            raise HTTPException(415, "send application/sparql-query or application/x-www-form-urlencoded")
        form = await request.form()
        if "update" in form:
            raise HTTPException(403, READ_ONLY)
        query = form.get("query")
        return await answer(request, query if isinstance(query, str) else None)

    return router
