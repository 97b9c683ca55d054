"""FastAPI application: REST resources (one named query each), SPARQL endpoint, dumps.

Every /api/ resource is answered by one query in queries/api/, with parameters bound as typed
RDF terms (see queries.NamedQuery.bind), so the same files run on any SPARQL 1.1 store.
"""

from __future__ import annotations

import asyncio
import re
from collections import defaultdict
from typing import Annotated, Any

from fastapi import FastAPI, HTTPException, Query, Request
from fastapi.responses import FileResponse, JSONResponse, Response
from rdflib import Graph, Literal, URIRef

from . import __version__
from .linked_data import negotiate, render
from .namespaces import DEFAULT_BASE
from .paths import ProjectPaths
from .queries import NamedQuery, load_queries
from .serialize import CHECKSUMS, DUMP_NAMES, read_checksums
from .store import OxigraphStore, QueryError
from .workers import QueryTimeout, QueryWorkers

OUTCOMES = ("unanimous", "large-majority", "majority", "agreed", "unstated")
STATE_CODE = re.compile(r"^DE-[A-Z]{2}$")
UPDATE = re.compile(
    r"\b(INSERT|DELETE|LOAD|CLEAR|CREATE|DROP|COPY|MOVE|ADD)\b\s*(DATA|WHERE|\{|<|GRAPH|SILENT|ALL|DEFAULT)",
    re.IGNORECASE,
)
SERVICE = re.compile(r"\bSERVICE\b", re.IGNORECASE)
RESULT_MEDIA = {
    "json": "application/sparql-results+json",
    "xml": "application/sparql-results+xml",
    "csv": "text/csv",
    "tsv": "text/tab-separated-values",
}
DUMP_MEDIA = {
    ".ttl": "text/turtle",
    ".nt": "application/n-triples",
    ".gz": "application/gzip",
    ".jsonld": "application/ld+json",
}

Limit = Annotated[int, Query(ge=1, le=1000)]
Offset = Annotated[int, Query(ge=0)]


def page(request: Request, items: list[dict[str, Any]], limit: int, offset: int) -> dict[str, Any]:
    total = len(items)
    links = {"self": str(request.url)}
    if offset + limit < total:
        links["next"] = str(request.url.include_query_params(offset=offset + limit, limit=limit))
    if offset > 0:
        links["prev"] = str(request.url.include_query_params(offset=max(0, offset - limit), limit=limit))
    return {"items": items[offset : offset + limit], "total": total, "limit": limit, "offset": offset, "links": links}


def split(value: str | None) -> list[str]:
    return sorted(value.split()) if value else []


RESOURCE_PATH = re.compile(r"^[A-Za-z0-9][A-Za-z0-9/_-]*$")


def create_app(
    paths: ProjectPaths,
    query_timeout: float = 10.0,
    max_rows: int = 10000,
    workers: int = 2,
    base: str = DEFAULT_BASE,
) -> FastAPI:
    """query_timeout, max_rows and workers apply to user-supplied queries at /sparql."""
    store = OxigraphStore.from_project(paths)
    worker_files = [paths.graph_dir / "asmk.nt", paths.ontology]
    pool: list[QueryWorkers] = []  # started on the first /sparql request
    pool_lock = asyncio.Lock()
    queries = load_queries(paths.queries)
    app = FastAPI(
        title="ASMK knowledge graph",
        version=__version__,
        description="Linked data of the Arbeits- und Sozialministerkonferenz: REST, SPARQL, dumps.",
    )

    def run(name: str, **params: Literal | None) -> list[dict[str, Any]]:
        query: NamedQuery = queries[f"api/{name}"]
        return store.select(query.bind(params))

    @app.get("/api/states", tags=["api"])
    def states(request: Request, limit: Limit = 100, offset: Offset = 0) -> dict[str, Any]:
        return page(request, run("states"), limit, offset)

    def conference_item(row: dict[str, Any]) -> dict[str, Any]:
        chair = {"state": row["chairState"], "name": row["chairName"]} if row["chairState"] else None
        return {
            "id": row["id"],
            "number": row["number"],
            "kind": row["kind"],
            "label": row["label"],
            "year": int(row["year"]) if row["year"] else None,
            "startDate": row["startDate"],
            "endDate": row["endDate"],
            "place": row["place"],
            "plannedPlace": row["plannedPlace"],
            "virtual": row["virtual"],
            "chair": chair,
            "resolutionCount": row["resolutionCount"],
        }

    @app.get("/api/conferences", tags=["api"])
    def conferences(request: Request, limit: Limit = 100, offset: Offset = 0) -> dict[str, Any]:
        return page(request, [conference_item(r) for r in run("conferences")], limit, offset)

    @app.get("/api/conferences/{number}", tags=["api"])
    def conference(number: int) -> dict[str, Any]:
        rows = run("conferences", number=Literal(number))
        if not rows:
            raise HTTPException(404, f"no conference with number {number}")
        item = conference_item(rows[0])
        item["resolutions"] = [resolution_item(r) for r in run("resolutions", conference=Literal(number))]
        return item

    @app.get("/api/chairs", tags=["api"])
    def chairs(request: Request, limit: Limit = 100, offset: Offset = 0) -> dict[str, Any]:
        by_year: dict[int, dict[str, Any]] = {}
        for r in run("chairs"):
            item = by_year.setdefault(r["year"], {"year": r["year"], "state": r["state"], "persons": []})
            if r["person"]:
                item["persons"].append({"name": r["name"], "from": r["from"], "until": r["until"]})
        return page(request, list(by_year.values()), limit, offset)

    @app.get("/api/persons", tags=["api"])
    def persons(request: Request, limit: Limit = 100, offset: Offset = 0) -> dict[str, Any]:
        by_id: dict[str, dict[str, Any]] = {}
        offices: dict[str, list[dict[str, Any]]] = defaultdict(list)
        for r in run("persons"):
            by_id.setdefault(
                r["id"],
                {
                    "id": r["id"],
                    "name": r["name"],
                    "honorificPrefix": r["honorificPrefix"],
                    "honorificSuffix": r["honorificSuffix"],
                    "offices": offices[r["id"]],
                },
            )
            if r["office"]:
                offices[r["id"]].append(
                    {
                        "label": r["officeLabel"],
                        "state": r["state"],
                        "startDate": r["startDate"],
                        "endDate": r["endDate"],
                        "attestedOn": r["attested"],
                    }
                )
        return page(request, list(by_id.values()), limit, offset)

    def resolution_item(r: dict[str, Any]) -> dict[str, Any]:
        return {
            "id": r["id"],
            "kind": r["kind"],
            "title": r["title"],
            "officialTitle": r["officialTitle"],
            "summary": r["summary"],
            "conference": r["conference"],
            "year": r["year"],
            "outcome": r["outcome"],
            "initiators": split(r["initiators"]),
            "cosponsors": split(r["cosponsors"]),
            "leadState": r["leadState"] or None,
            "allStates": r["allStates"],
            "topics": split(r["topics"]),
            "sources": split(r["sources"]),
        }

    @app.get("/api/resolutions", tags=["api"])
    def resolutions(
        request: Request,
        conference: int | None = None,
        year: int | None = None,
        state: str | None = None,
        outcome: str | None = None,
        topic: str | None = None,
        q: str | None = None,
        limit: Limit = 100,
        offset: Offset = 0,
    ) -> dict[str, Any]:
        if state is not None and not STATE_CODE.match(state):
            raise HTTPException(400, f"state={state!r}: expected an ISO 3166-2 code such as DE-NW")
        if outcome is not None and outcome not in OUTCOMES:
            raise HTTPException(400, f"outcome={outcome!r}: expected one of {', '.join(OUTCOMES)}")
        params = {"conference": conference, "year": year, "state": state, "outcome": outcome, "topic": topic, "q": q}
        rows = run("resolutions", **{k: Literal(v) if v is not None else None for k, v in params.items()})
        return page(request, [resolution_item(r) for r in rows], limit, offset)

    @app.get("/api/bodies", tags=["api"])
    def bodies(request: Request, limit: Limit = 100, offset: Offset = 0) -> dict[str, Any]:
        return page(request, run("bodies"), limit, offset)

    @app.get("/api/sources", tags=["api"])
    def sources(request: Request, limit: Limit = 100, offset: Offset = 0) -> dict[str, Any]:
        return page(request, run("sources"), limit, offset)

    async def sparql(query: str | None, request: Request, fmt: str | None) -> Response:
        if not query:
            raise HTTPException(400, "missing 'query' parameter")
        if UPDATE.search(query):
            raise HTTPException(403, "this endpoint is read-only: SPARQL Update is not accepted")
        if SERVICE.search(query):
            raise HTTPException(
                400, "SERVICE (federated query) is not allowed: the endpoint makes no outbound requests"
            )
        accept = request.headers.get("accept", "")
        result_format = fmt or next((k for k, m in RESULT_MEDIA.items() if m in accept), "json")
        if result_format not in RESULT_MEDIA:
            raise HTTPException(400, f"format={result_format!r}: expected one of {', '.join(RESULT_MEDIA)}")
        async with pool_lock:
            if not pool:
                pool.append(await asyncio.to_thread(QueryWorkers, worker_files, workers))
        try:
            body = await pool[0].run(query, result_format, max_rows, query_timeout)
        except QueryError as exc:
            raise HTTPException(400, f"query error: {exc}") from exc
        except QueryTimeout as exc:
            raise HTTPException(503, str(exc)) from exc
        media = "application/n-triples" if body.startswith(b"<") else RESULT_MEDIA[result_format]
        return Response(body, media_type=media)

    @app.get("/sparql", tags=["sparql"])
    async def sparql_get(request: Request, query: str | None = None, format: str | None = None) -> Response:
        return await sparql(query, request, format)

    @app.post("/sparql", tags=["sparql"])
    async def sparql_post(request: Request) -> Response:
        ctype = request.headers.get("content-type", "")
        if ctype.startswith("application/sparql-query"):
            return await sparql((await request.body()).decode(), request, request.query_params.get("format"))
        form = await request.form()
        if "update" in form:
            raise HTTPException(403, "this endpoint is read-only: SPARQL Update is not accepted")
        query = form.get("query")
        return await sparql(query if isinstance(query, str) else None, request, request.query_params.get("format"))

    @app.get("/dumps/{name}", tags=["dumps"])
    def dump(name: str) -> FileResponse:
        if name not in DUMP_NAMES:
            raise HTTPException(404, f"no dump {name!r}; available: {', '.join(DUMP_NAMES)}")
        path = paths.graph_dir / name
        digest = dump_digests[name]
        media = next(m for suffix, m in DUMP_MEDIA.items() if name.endswith(suffix))
        return FileResponse(path, media_type=media, headers={"ETag": f'"{digest}"', "X-Checksum-SHA256": digest})

    def rdf_response(graph: Graph, request: Request, title: str, labels: dict[str, str]) -> Response:
        media = negotiate(request.headers.get("accept"))
        if media is None:
            raise HTTPException(
                406, "offered: text/turtle, text/html, application/ld+json, application/n-triples, application/rdf+xml"
            )
        return Response(render(graph, media, title, labels), media_type=media, headers={"Vary": "Accept"})

    @app.get("/id/{path:path}", tags=["linked data"])
    def resource(path: str, request: Request) -> Response:
        if not RESOURCE_PATH.match(path):
            raise HTTPException(404, f"no resource /id/{path}")
        iri = URIRef(base + "id/" + path)
        ntriples = store.serialize(queries["api/describe"].bind({"resource": iri}), "json")
        graph = Graph().parse(data=ntriples.decode(), format="nt")
        if len(graph) == 0:
            raise HTTPException(404, f"no resource {iri}")
        labels = {r["o"]: r["label"] for r in store.select(queries["api/labels"].bind({"resource": iri}))}
        title = next(
            (str(o) for o in graph.objects(iri, URIRef("http://www.w3.org/2000/01/rdf-schema#label"))), str(iri)
        )
        return rdf_response(graph, request, title, labels)

    # the build wrote every dump's digest beside it; no hashing per request
    dump_digests = read_checksums((paths.graph_dir / CHECKSUMS).read_text(encoding="utf-8"))
    static_graphs = {"ontology": Graph().parse(paths.ontology), "shapes": Graph()}
    for shape_file in sorted(paths.shapes_dir.glob("*.ttl")):
        static_graphs["shapes"].parse(shape_file)

    @app.get("/ontology", tags=["linked data"])
    def ontology(request: Request) -> Response:
        return rdf_response(static_graphs["ontology"], request, "ASMK-Vokabular", {})

    @app.get("/shapes", tags=["linked data"])
    def shapes(request: Request) -> Response:
        return rdf_response(static_graphs["shapes"], request, "ASMK SHACL shapes", {})

    @app.get("/", include_in_schema=False)
    def index() -> JSONResponse:
        return JSONResponse(
            {
                "api": [
                    r
                    for r in (
                        "/api/conferences",
                        "/api/states",
                        "/api/chairs",
                        "/api/persons",
                        "/api/resolutions",
                        "/api/bodies",
                        "/api/sources",
                    )
                ],
                "sparql": "/sparql",
                "dumps": [f"/dumps/{n}" for n in DUMP_NAMES],
                "docs": "/docs",
            }
        )

    return app
