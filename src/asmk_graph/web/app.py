"""The FastAPI application: REST (rest.py), SPARQL (sparql.py), Linked Data, dumps, pages for people.

Everything reads through one `store.Store`, so the application behaves the same on the
embedded Oxigraph store and on a remote SPARQL endpoint. Store failures become the HTTP status
they carry (400 for the query, 502/503/504 for the endpoint) with the store's message; every error
has one shape (errors.py: RFC 9457 problem details, an HTML page for browsers).
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
from ..graph.serialize import CHECKSUMS, DUMP_MEDIA, read_checksums
from ..namespaces import DEFAULT_BASE, ONTOLOGY_IRI
from ..paths import ProjectPaths
from ..queries import NamedQuery, load_queries
from ..store.load import payload
from ..store.stores import OxigraphStore, RemoteStore, Store
from .answer_cache import AnswerCache
from .catalog import catalog_router
from .editor import editor_page
from .errors import add_error_handlers
from .health import StoreCount
from .http_semantics import add_http_semantics, not_modified
from .limits import Limits, guard
from .linked_data import OFFERED, alternate_links, negotiate, render, split_suffix
from .openapi import document_api
from .pages import Pages, pages_router
from .reconcile import reconcile_router
from .rest import CONTEXTS, rest_router
from .search import Search
from .sparql import EmbeddedRunner, RemoteRunner, Runner, sparql_router
from .static import add_static, assets_installed

DEFAULT_PUBLIC_URL = "http://127.0.0.1:8000"


def create_app(
    paths: ProjectPaths,
    store: Store | None = None,
    query_timeout: float = 10.0,
    max_rows: int = 10000,
    workers: int = 2,
    base: str = DEFAULT_BASE,
    public_url: str = DEFAULT_PUBLIC_URL,
    limits: Limits | None = None,
    start_workers: bool = False,
    api_cache: bool = True,
    api_cache_ttl: float = 5.0,
) -> FastAPI:
    """store: None for the embedded Oxigraph store loaded from graph/, else e.g. a store.RemoteStore.

    query_timeout, max_rows and workers apply to user-supplied queries at /sparql (workers: query
    processes on the embedded store, concurrent queries on a remote one); limits bound the rest.
    public_url: where clients reach this service; links are built from it, never from the Host header.
    start_workers: start the query workers with the application instead of on the first query.
    api_cache: keep /api answers (answer_cache.py): on the embedded store while the process runs, on a
    remote store api_cache_ttl seconds (the most an answer may lag behind a reload of the endpoint).
    """
    limits = limits or Limits()
    public_url = public_url.rstrip("/")
    runner: Runner
    if store is None:
        embedded = OxigraphStore.from_project(paths)
        store, runner = embedded, EmbeddedRunner(embedded.files, workers, limits)
        if start_workers:
            runner.start()
    elif isinstance(store, RemoteStore):
        runner = RemoteRunner(store, workers, limits.max_waiting)
    else:
        raise TypeError(f"user queries run on the embedded store or a RemoteStore, not {type(store).__name__}")
    queries = load_queries(paths.queries)
    # like with like: the store's default graph is the union the dumps serve (ontology included),
    # and build reports that same union
    dump_triples = payload(paths)[1]

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        yield
        runner.close()
        store.close()

    app = FastAPI(
        lifespan=lifespan,
        title="ASMK knowledge graph",
        version=__version__,
        description="Linked data of the Arbeits- und Sozialministerkonferenz: REST, SPARQL, dumps.",
        docs_url=None,  # served by static.py from vendored assets, not from a CDN
        redoc_url=None,
    )
    guard(app, limits.max_body, public_url)
    app.state.store, app.state.runner = store, runner
    add_error_handlers(app, base)
    if api_cache:
        app.add_middleware(AnswerCache, ttl=None if isinstance(store, OxigraphStore) else api_cache_ttl)
    add_http_semantics(app, last_modified=served_files_changed(paths))
    search = Search(store, queries["pages/search-documents"], base)
    pages = Pages(store, queries, paths, base, search)
    app.state.pages = pages

    store_count = StoreCount(lambda: int(store.select(queries["api/count"].text)[0]["triples"]))
    # first: the router tries routes in order, and /sparql is what a client calls in a loop
    app.include_router(sparql_router(store_count, runner, query_timeout, max_rows, limits, public_url))
    app.include_router(rest_router(store, queries, search, public_url))
    app.include_router(pages_router(pages))  # before /id/{path}: it serves /id/ and /id/{kind}/
    add_linked_data(app, store, queries, paths, base, pages, public_url)
    app.include_router(catalog_router(paths.graph_dir))
    app.include_router(reconcile_router(store, queries, base, public_url))
    dump_names = add_dumps(app, paths.graph_dir)
    add_static(app, paths)
    document_api(app, list(CONTEXTS), dump_names)
    app.state.editor_page = lambda request: editor_page(request, queries, base, assets_installed(paths))

    @app.get("/health", tags=["service"])
    async def health() -> JSONResponse:
        """Whether the store answers (503/504 with the reason when not), whether its default graph holds
        exactly the triples of the dumps, graph/asmk.nt, the union of all graphs ("mismatch": reload it
        with asmk-graph load), and the state of the /sparql query workers ("degraded" when they cannot
        be started). 503 unless "ok". The store is counted at most once a second (web/health.py):
        checkedSecondsAgo says how old the count is."""
        triples, age = await store_count.triples()
        queries_state = runner.health()
        status = "mismatch" if triples != dump_triples else "degraded" if queries_state["degraded"] else "ok"
        body = {"status": status, "store": store.description, "triples": triples, "dumpTriples": dump_triples}
        body["checkedSecondsAgo"] = round(age, 3)
        return JSONResponse({**body, "queries": queries_state}, status_code=200 if status == "ok" else 503)

    return app


def rdf_response(
    graph: Graph, request: Request, title: str, labels: dict[str, str], media: str | None = None
) -> Response:
    """media: the representation a suffixed URL asked for; None to negotiate by Accept."""
    media = media or negotiate(request.headers.get("accept"))
    if media is None:
        raise HTTPException(406, f"offered: {', '.join(OFFERED)}")
    return Response(render(graph, media, title, labels), media_type=media, headers={"Vary": "Accept"})


RESOURCE_PATH = re.compile(r"^[A-Za-z0-9][A-Za-z0-9/._-]*$")  # slugs may hold dots (a version: ...-2.0)


def add_linked_data(
    app: FastAPI,
    store: Store,
    queries: dict[str, NamedQuery],
    paths: ProjectPaths,
    base: str,
    pages: Pages,
    public_url: str,
) -> None:

    @app.get("/id/{path:path}", tags=["linked data"])
    def resource(path: str, request: Request) -> Response:
        """Any resource of the graph, by content negotiation (Turtle, HTML, JSON-LD, N-Triples, RDF/XML),
        or in one format by suffix (.ttl, .html, .jsonld, .nt, .rdf)."""
        path, asked = split_suffix(path)
        if not RESOURCE_PATH.match(path):
            raise HTTPException(404, f"no resource /id/{path}")
        media = asked or negotiate(request.headers.get("accept"))
        if media is None:
            raise HTTPException(406, f"offered: {', '.join(OFFERED)}")
        iri = URIRef(base + "id/" + path)
        if media == "text/html":
            response = pages.entity(request, str(iri))
        else:
            graph = store.graph(queries["api/describe"].bind({"resource": iri}))
            if len(graph) == 0:
                raise HTTPException(404, f"no resource {iri}")
            response = rdf_response(graph, request, str(iri), {}, media)
        response.headers["Link"] = alternate_links(f"{public_url}/id/{path}", media)  # never from the Host header
        return response

    @app.get("/graph/{path:path}", tags=["linked data"])
    def named_graph(path: str, request: Request) -> Response:
        """A named graph of the dataset (one per source, per rule, the editorial one): what the graph
        says about it (its kind, what it is derived from), by content negotiation or suffix."""
        path, asked = split_suffix(path)
        iri = URIRef(base + "graph/" + path)
        graph = store.graph(queries["api/describe"].bind({"resource": iri})) if RESOURCE_PATH.match(path) else None
        if not graph:
            raise HTTPException(404, f"no graph {iri}")
        return rdf_response(graph, request, str(iri), {}, asked)

    static = {"ontology": Graph().parse(paths.ontology), "shapes": Graph()}
    for shape_file in sorted(paths.shapes_dir.glob("*.ttl")):
        static["shapes"].parse(shape_file)

    @app.get("/def", tags=["linked data"], summary="The vocabulary at its IRI (/def#Term is in it)")
    @app.get("/ontology", tags=["linked data"])
    def ontology(request: Request) -> Response:
        """The OWL vocabulary."""
        if negotiate(request.headers.get("accept")) == "text/html":
            return pages.vocabulary(request, static["ontology"])
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


def add_dumps(app: FastAPI, graph_dir: Path) -> tuple[str, ...]:
    """/dumps/{name}: every file SHA256SUMS lists, and SHA256SUMS itself; their names."""
    checksums = (graph_dir / CHECKSUMS).read_bytes()  # written by the build
    digests = read_checksums(checksums.decode("utf-8"))
    digests[CHECKSUMS] = hashlib.sha256(checksums).hexdigest()
    names = tuple(digests)

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

    return names


def served_files_changed(paths: ProjectPaths) -> float:
    """When the newest of the files the application serves from (graph, ontology, shapes) last changed."""
    files = [paths.graph_dir / "asmk.nt", paths.ontology, *paths.shapes_dir.glob("*.ttl")]
    return max(f.stat().st_mtime for f in files)
