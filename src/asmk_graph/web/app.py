"""The FastAPI application: REST (rest.py), SPARQL (sparql_protocol.py), Linked Data, dumps.

Everything reads through one `store.Store`, so the application behaves the same on the
embedded Oxigraph store and on a remote SPARQL endpoint. Store failures become the HTTP status
they carry (400 for the query, 502/503/504 for the endpoint) with the store's message.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from email.utils import formatdate
from pathlib import Path

from fastapi import FastAPI, HTTPException, Request
from fastapi.responses import FileResponse, JSONResponse, Response
from rdflib import OWL, Graph, URIRef

from .. import __version__
from ..graph.serialize import CHECKSUMS, DUMP_NAMES, read_checksums
from ..namespaces import DEFAULT_BASE, ONTOLOGY_IRI
from ..paths import ProjectPaths
from ..queries import NamedQuery, load_queries
from ..store.load import distinct_triples, payload
from ..store.stores import OxigraphStore, Store, StoreError
from .http_semantics import add_http_semantics, not_modified
from .linked_data import OFFERED, negotiate, render
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
    # like with like: the store holds the graph plus the ontology, so it is compared with both
    expected_triples = payload(paths)[1]
    dump_triples = distinct_triples((paths.graph_dir / "asmk.nt").read_bytes())

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
    add_http_semantics(app, last_modified=served_files_changed(paths))

    @app.exception_handler(StoreError)
    async def store_failed(request: Request, exc: StoreError) -> JSONResponse:
        return JSONResponse({"detail": str(exc)}, status_code=exc.status)

    app.include_router(rest_router(store, queries))
    app.include_router(sparql_router(store, runner, queries, query_timeout, max_rows))
    add_linked_data(app, store, queries, paths, base)
    add_dumps(app, paths.graph_dir)

    @app.get("/health", tags=["service"])
    def health() -> dict[str, object]:
        """Whether the store answers (503/504 with the reason when not), and whether it holds exactly
        the triples of the dumps plus the ontology ("mismatch": reload it with asmk-graph load)."""
        triples = store.select(queries["api/count"].text)[0]["triples"]
        return {
            "status": "ok" if triples == expected_triples else "mismatch",
            "store": store.description,
            "triples": triples,
            "expectedTriples": expected_triples,
            "dumpTriples": dump_triples,
            "ontologyTriples": expected_triples - dump_triples,
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

    @app.get("/def", tags=["linked data"], summary="The vocabulary at its IRI (/def#Term is in it)")
    @app.get("/ontology", tags=["linked data"])
    def ontology(request: Request) -> Response:
        """The OWL vocabulary."""
        return rdf_response(static["ontology"], request, "ASMK-Vokabular", {})

    current_version = str(next(static["ontology"].objects(ONTOLOGY_IRI, OWL.versionInfo), ""))

    @app.get("/def/{version}", tags=["linked data"])
    def ontology_version(version: str, request: Request) -> Response:
        """The vocabulary at its version IRI (owl:versionIRI); only the current version is served."""
        if version != current_version:
            raise HTTPException(404, f"no vocabulary version {version!r}; this server has version {current_version}")
        return ontology(request)

    @app.get("/shapes", tags=["linked data"])
    def shapes(request: Request) -> Response:
        """The SHACL shapes the graph is validated with."""
        return rdf_response(static["shapes"], request, "ASMK SHACL shapes", {})


def add_dumps(app: FastAPI, graph_dir: Path) -> None:
    checksums = (graph_dir / CHECKSUMS).read_bytes()  # written by the build
    digests = read_checksums(checksums.decode("utf-8"))
    digests[CHECKSUMS] = hashlib.sha256(checksums).hexdigest()
    names = (*DUMP_NAMES, CHECKSUMS)

    @app.get("/dumps/{name}", tags=["dumps"])
    def dump(name: str, request: Request) -> Response:
        """The files of graph/ and their SHA256SUMS, with ETag (their sha256), Last-Modified and conditional GET."""
        if name not in names:
            raise HTTPException(404, f"no dump {name!r}; available: {', '.join(names)}")
        path = graph_dir / name
        etag = f'"{digests[name]}"'
        media = next((m for suffix, m in DUMP_MEDIA.items() if name.endswith(suffix)), "text/plain; charset=utf-8")
        headers = {"ETag": etag, "Last-Modified": formatdate(path.stat().st_mtime, usegmt=True)}
        if not_modified(request.headers, etag, headers["Last-Modified"]):
            return Response(status_code=304, headers=headers)
        return FileResponse(path, media_type=media, headers={**headers, "X-Checksum-SHA256": digests[name]})


def served_files_changed(paths: ProjectPaths) -> float:
    """When the newest of the files the application serves from (graph, ontology, shapes) last changed."""
    files = [paths.graph_dir / "asmk.nt", paths.ontology, *paths.shapes_dir.glob("*.ttl")]
    return max(f.stat().st_mtime for f in files)
