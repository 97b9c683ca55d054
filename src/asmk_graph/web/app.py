"""The FastAPI application: REST (rest.py), SPARQL (sparql_protocol.py), Linked Data, dumps.

Everything reads through one `store.Store`, so the application behaves the same on the
embedded Oxigraph store and on a remote SPARQL endpoint. Store failures become the HTTP status
they carry (400 for the query, 502/503/504 for the endpoint) with the store's message.
"""

from __future__ import annotations

import re
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from email.utils import formatdate, parsedate_to_datetime
from pathlib import Path

from fastapi import FastAPI, HTTPException, Request
from fastapi.responses import FileResponse, JSONResponse, Response
from rdflib import Graph, URIRef

from .. import __version__
from ..graph.serialize import CHECKSUMS, DUMP_NAMES, read_checksums
from ..namespaces import DEFAULT_BASE
from ..paths import ProjectPaths
from ..queries import NamedQuery, load_queries
from ..store.load import payload
from ..store.stores import OxigraphStore, Store, StoreError
from .catalog import catalog_router
from .linked_data import OFFERED, negotiate, render
from .reconcile import reconcile_router
from .rest import rest_router
from .sparql import LazyWorkers, Runner, ThreadRunner, sparql_router

DUMP_MEDIA = {
    ".ttl": "text/turtle",
    ".nt": "application/n-triples",
    ".gz": "application/gzip",
    ".jsonld": "application/ld+json",
}
RDFS_LABEL = URIRef("http://www.w3.org/2000/01/rdf-schema#label")


def create_app(
    paths: ProjectPaths,
    store: Store | None = None,
    query_timeout: float = 10.0,
    max_rows: int = 10000,
    workers: int = 2,
    base: str = DEFAULT_BASE,
) -> FastAPI:
    """store: None for the embedded Oxigraph store loaded from graph/, else e.g. a store.RemoteStore.

    query_timeout, max_rows and workers apply to user-supplied queries at /sparql.
    """
    runner: Runner
    if store is None:
        embedded = OxigraphStore.from_project(paths)
        store, runner = embedded, LazyWorkers(embedded.files, workers)
    else:
        runner = ThreadRunner(store)
    queries = load_queries(paths.queries)
    dump_triples = len(store) if isinstance(store, OxigraphStore) else payload(paths)[1]

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        yield
        runner.close()
        store.close()

    app = FastAPI(
        lifespan=lifespan,
        title="ASMK knowledge graph",
        version=__version__,
        description="Linked data of the Arbeits- und Sozialministerkonferenz: REST, SPARQL, dumps. "
        f"Store: {store.description}.",
    )
    app.state.store, app.state.runner = store, runner

    @app.exception_handler(StoreError)
    async def store_failed(request: Request, exc: StoreError) -> JSONResponse:
        return JSONResponse({"detail": str(exc)}, status_code=exc.status)

    app.include_router(rest_router(store, queries))
    app.include_router(sparql_router(store, runner, queries, query_timeout, max_rows))
    add_linked_data(app, store, queries, paths, base)
    app.include_router(catalog_router(paths.graph_dir))
    app.include_router(reconcile_router(store, queries, base))
    add_dumps(app, paths.graph_dir)

    @app.get("/health", tags=["service"])
    def health() -> dict[str, object]:
        """Whether the store answers (503/504 with the reason when not), and whether it holds
        exactly as many triples as the dumps served here ("mismatch": reload it with asmk-graph load)."""
        triples = store.select(queries["api/count"].text)[0]["triples"]
        return {
            "status": "ok" if triples == dump_triples else "mismatch",
            "store": store.description,
            "triples": triples,
            "dumpTriples": dump_triples,
        }

    @app.get("/", include_in_schema=False)
    def index() -> JSONResponse:
        api = [r for r in ("conferences", "states", "chairs", "persons", "resolutions", "bodies", "sources")]
        return JSONResponse(
            {
                "api": [f"/api/{r}" for r in api],
                "sparql": "/sparql",
                "linkedData": ["/id/", "/ontology", "/shapes"],
                "dumps": [f"/dumps/{n}" for n in DUMP_NAMES],
                "catalog": "/catalog",
                "void": "/.well-known/void",
                "reconcile": "/reconcile",
                "docs": "/docs",
                "health": "/health",
            }
        )

    return app


def rdf_response(graph: Graph, request: Request, title: str, labels: dict[str, str]) -> Response:
    media = negotiate(request.headers.get("accept"))
    if media is None:
        raise HTTPException(406, f"offered: {', '.join(OFFERED)}")
    return Response(render(graph, media, title, labels), media_type=media, headers={"Vary": "Accept"})


RESOURCE_PATH = re.compile(r"^[A-Za-z0-9][A-Za-z0-9/_-]*$")


def add_linked_data(app: FastAPI, store: Store, queries: dict[str, NamedQuery], paths: ProjectPaths, base: str) -> None:

    @app.get("/id/{path:path}", tags=["linked data"])
    def resource(path: str, request: Request) -> Response:
        """Any resource of the graph, by content negotiation (Turtle, HTML, JSON-LD, N-Triples, RDF/XML)."""
        if not RESOURCE_PATH.match(path):
            raise HTTPException(404, f"no resource /id/{path}")
        iri = URIRef(base + "id/" + path)
        graph = store.graph(queries["api/describe"].bind({"resource": iri}))
        if len(graph) == 0:
            raise HTTPException(404, f"no resource {iri}")
        labels = {r["o"]: r["label"] for r in store.select(queries["api/labels"].bind({"resource": iri}))}
        title = next((str(o) for o in graph.objects(iri, RDFS_LABEL)), str(iri))
        return rdf_response(graph, request, title, labels)

    static = {"ontology": Graph().parse(paths.ontology), "shapes": Graph()}
    for shape_file in sorted(paths.shapes_dir.glob("*.ttl")):
        static["shapes"].parse(shape_file)

    @app.get("/ontology", tags=["linked data"])
    def ontology(request: Request) -> Response:
        """The OWL vocabulary."""
        return rdf_response(static["ontology"], request, "ASMK-Vokabular", {})

    @app.get("/shapes", tags=["linked data"])
    def shapes(request: Request) -> Response:
        """The SHACL shapes the graph is validated with."""
        return rdf_response(static["shapes"], request, "ASMK SHACL shapes", {})


def add_dumps(app: FastAPI, graph_dir: Path) -> None:
    digests = read_checksums((graph_dir / CHECKSUMS).read_text(encoding="utf-8"))  # written by the build

    @app.get("/dumps/{name}", tags=["dumps"])
    def dump(name: str, request: Request) -> Response:
        """The files of graph/, with ETag (their sha256), Last-Modified and conditional GET."""
        if name not in DUMP_NAMES:
            raise HTTPException(404, f"no dump {name!r}; available: {', '.join(DUMP_NAMES)}")
        path = graph_dir / name
        etag = f'"{digests[name]}"'
        media = next(m for suffix, m in DUMP_MEDIA.items() if name.endswith(suffix))
        headers = {"ETag": etag, "Last-Modified": formatdate(path.stat().st_mtime, usegmt=True)}
        if not_modified(request, etag, headers["Last-Modified"]):
            return Response(status_code=304, headers=headers)
        return FileResponse(path, media_type=media, headers={**headers, "X-Checksum-SHA256": digests[name]})


def not_modified(request: Request, etag: str, last_modified: str) -> bool:
    """RFC 9110 13.1: If-None-Match wins over If-Modified-Since."""
    if_none_match = request.headers.get("if-none-match")
    if if_none_match is not None:
        return etag in [t.strip().removeprefix("W/") for t in if_none_match.split(",")] or if_none_match == "*"
    since = request.headers.get("if-modified-since")
    if since:
        try:
            return parsedate_to_datetime(last_modified) <= parsedate_to_datetime(since)
        except (TypeError, ValueError):
            return False
    return False
