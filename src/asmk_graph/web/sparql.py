"""/sparql: the SPARQL 1.1 Protocol, read-only, with a service description.

Every user query is bounded from arrival to last byte (docs/reliability.md):
1. the body is read within the deadline and the body limit (web/limits.py);
2. the text is checked on a tokenizer, in a thread (web/query_check.py): size, nesting, operators,
   no update, no SERVICE, no server extensions; the query form decides the media type;
3. a `Runner` answers by the deadline, counted from the request's arrival, waiting in a bounded
   queue: on the embedded store a pool of worker processes without network that write the answer
   themselves (store/pool.py), on a remote endpoint a bounded number of threads whose HTTP read has
   the same deadline;
4. the bytes are streamed with their Content-Length; a client that leaves cancels its query.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any, Protocol, TypeVar

from fastapi import APIRouter, HTTPException, Request
from fastapi.responses import Response, StreamingResponse
from rdflib import RDF, RDFS, Graph, Literal, Namespace, URIRef

from ..namespaces import DEFAULT_GRAPH, PREFIXES
from ..store.pool import Reply, WorkerError, WorkerLimits, WorkerPool
from ..store.queueing import Deadline, Handout, QueueFull
from ..store.results import (
    AnswerTooLarge,
    NotXml,
    TooManyRows,
    write_boolean,
    write_graph,
    write_solutions,
    xml_1_0,
)
from ..store.stores import EndpointTimeout, QueryError, RemoteStore
from .health import StoreCount
from .limits import Limits, arrival
from .linked_data import OFFERED, negotiate, render
from .query_check import READ_ONLY, QueryRefused, check_query
from .sparql_request import FORMAT_PARAMETERS, Dataset, choose_media, dataset_from, one_query
from .templating import SPARQL_PATH, wants_html

SD = Namespace("http://www.w3.org/ns/sparql-service-description#")
FORMATS = Namespace("http://www.w3.org/ns/formats/")
VOID = Namespace("http://rdfs.org/ns/void#")
DCTERMS = Namespace("http://purl.org/dc/terms/")

# format name -> media type; the first of each group is the default
XML_MEDIA = ("application/sparql-results+xml", "application/rdf+xml")
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
PREFIX_IRIS = {prefix: str(iri) for prefix, iri in PREFIXES.items()}
T = TypeVar("T")
Fields = Callable[[str], list[str]]
XML_ALTERNATIVES = "application/sparql-results+json, text/csv or text/tab-separated-values (or a graph as Turtle)"


@dataclass(frozen=True)
class UserQuery:
    query: str
    form: str  # select | ask | graph
    media: str
    max_rows: int
    max_bytes: int
    base: str | None = None  # relative IRIs in the query resolve against it: the endpoint's IRI
    dataset: Dataset | None = None  # the request's default-graph-uri / named-graph-uri; None: the service's


class Runner(Protocol):
    async def run(self, request: UserQuery, deadline: Deadline) -> Reply: ...

    def health(self) -> dict[str, Any]: ...

    def close(self) -> None: ...


class EmbeddedRunner:
    """The embedded store's worker pool, started on the first user query (or by start())."""

    def __init__(self, files: list[Path], size: int, limits: Limits) -> None:
        self.files, self.size, self.limits = files, size, limits
        self.pool: WorkerPool | None = None

    def start(self) -> WorkerPool:
        if self.pool is None:
            worker_limits = WorkerLimits(memory=self.limits.worker_memory)
            self.pool = WorkerPool(self.files, self.size, worker_limits, self.limits.max_waiting)
        return self.pool

    async def run(self, request: UserQuery, deadline: Deadline) -> Reply:
        message = {**vars(request), "union": DEFAULT_GRAPH}  # asdict would copy every field deeply
        if request.dataset is not None:
            message["dataset"] = asdict(request.dataset)
        if request.form == "graph":  # only Turtle and RDF/XML answers use the prefixes
            message["prefixes"] = PREFIX_IRIS
        return await self.start().run(message, deadline)

    def health(self) -> dict[str, Any]:
        if self.pool is None:
            return {"size": self.size, "started": False, "degraded": False}
        return {"started": True, **self.pool.health()}

    def close(self) -> None:
        if self.pool is not None:
            self.pool.close()


async def _once(body: bytes) -> AsyncIterator[bytes]:
    yield body


class RemoteRunner:
    """A remote store: at most `size` queries at once, each in a thread that ends by the deadline.

    The endpoint's answer is converted by Oxigraph (results.write_solutions / write_graph), with
    the same row and byte caps as on the embedded store, never built as Python objects.
    """

    def __init__(self, store: RemoteStore, size: int, max_waiting: int) -> None:
        self.store, self.size = store, size
        self.slots: Handout[int] = Handout(max_waiting or 2 * size)
        for slot in range(size):
            self.slots.put(slot)

    async def run(self, request: UserQuery, deadline: Deadline) -> Reply:
        try:
            slot = await self.slots.take(deadline)
        except QueueFull:
            raise WorkerError(503, f"too many queries are waiting ({self.slots.max_waiting})", 1) from None
        except TimeoutError:
            raise WorkerError(503, f"no query slot became free within the {deadline.limit:g} s limit", 1) from None
        future = asyncio.get_running_loop().run_in_executor(None, self._answer, request, deadline, slot)
        future.add_done_callback(lambda done: done.cancelled() or done.exception())  # retrieved if abandoned
        try:  # a cancelled or late request leaves the thread to end on its own (it has the same deadline)
            async with asyncio.timeout(deadline.remaining()):
                body = await asyncio.shield(future)
        except TimeoutError:
            raise EndpointTimeout(self._late(deadline)) from None
        return Reply(request.media, len(body), _once(body), body)

    def _late(self, deadline: Deadline) -> str:
        return (
            f"{self.store.endpoint} did not answer within {deadline.limit:g} s (the query's time limit, counted "
            "from its arrival)"
        )

    def _answer(self, request: UserQuery, deadline: Deadline, slot: int) -> bytes:
        """Runs in a thread; the slot is free again only when the store call has ended."""
        refused = not_xml = None
        try:
            timeout = max(0.1, deadline.remaining())
            fetched = self.store.fetch(request.query, timeout, request.max_bytes, request.dataset, request.base)
            if request.form == "ask":
                body = write_boolean(self.store.ask_answer(fetched).boolean, request.media)
            elif request.form == "graph":
                triples = fetched.triples()
                body = write_graph(triples, request.media, request.max_rows, request.max_bytes, PREFIX_IRIS)
            else:
                body = write_solutions(fetched.solutions(), request.media, request.max_rows, request.max_bytes)
            return xml_1_0(body) if request.media in XML_MEDIA else body
        except NotXml as exc:
            not_xml = str(exc)
        except (TooManyRows, AnswerTooLarge) as exc:
            # raised below, outside this block: a traceback that kept the writer's frame would carry
            # Oxigraph's result stream to the event loop's thread, which may not drop it
            refused = str(exc)
        except EndpointTimeout as exc:  # name the query's time limit, not the part of it that was left
            raise EndpointTimeout(f"{self._late(deadline)}: {exc}") from exc
        finally:
            self.slots.put(slot)
        if not_xml is not None:
            raise WorkerError(406, f"{not_xml}: ask for {XML_ALTERNATIVES}")
        raise QueryError(refused)

    def health(self) -> dict[str, Any]:
        return {"size": self.size, "free": self.slots.available, "waiting": self.slots.waiting, "degraded": False}

    def close(self) -> None:
        pass


def service_description(endpoint: str, triples: int | None, timeout: float, max_rows: int) -> Graph:
    g = Graph()
    service, dataset, default = URIRef(endpoint), URIRef(endpoint + "#dataset"), URIRef(endpoint + "#default-graph")
    g.add((service, RDF.type, SD.Service))
    g.add((service, SD.endpoint, service))
    g.add((service, SD.supportedLanguage, SD.SPARQL11Query))
    g.add((service, SD.feature, SD.UnionDefaultGraph))  # the default graph is the union of the named graphs
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
        f"{timeout:g} s (503); answers of more than {max_rows} rows are refused (400), page with LIMIT/OFFSET. "
        "More limits: /health and the API documentation. default-graph-uri and named-graph-uri are answered (a "
        "graph the service does not have is empty); relative IRIs resolve against this endpoint's IRI."
    )
    g.add((service, DCTERMS.description, Literal(limits, lang="en")))
    site = endpoint.removesuffix("sparql")  # the catalogue and VoID description sit beside the endpoint
    for document in ("catalog", ".well-known/void"):
        g.add((service, RDFS.seeAlso, URIRef(site + document)))
    return g


async def _disconnected(request: Request) -> None:
    while (await request.receive())["type"] != "http.disconnect":
        pass


async def unless_client_leaves(request: Request, work: Awaitable[T]) -> T:
    """work's result; if the client disconnects first, work is cancelled (its worker killed)."""
    task = asyncio.ensure_future(work)
    watcher = asyncio.ensure_future(_disconnected(request))
    try:
        await asyncio.wait({task, watcher}, return_when=asyncio.FIRST_COMPLETED)
    finally:
        watcher.cancel()
        if not task.done():
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await task
    if task.cancelled():
        raise HTTPException(499, "the client closed the connection")  # nobody reads this answer
    return task.result()


def sparql_router(
    store_count: StoreCount,
    runner: Runner,
    timeout: float,
    max_rows: int,
    limits: Limits,
    public_url: str,
) -> APIRouter:
    router = APIRouter(tags=["sparql"])
    endpoint = public_url + SPARQL_PATH  # the same for every query: no need to ask the router each time

    async def answer(request: Request, deadline: Deadline, query: str | None, fields: Fields) -> Response:
        """fields(name): the values of a parameter, from the URL and, for a form POST, the form."""
        if not query or not query.strip():
            raise HTTPException(400, "missing 'query' parameter")
        try:
            form = (
                check_query(query, limits.query)
                if len(query) < 2000
                else await asyncio.to_thread(check_query, query, limits.query)
            )
        except QueryRefused as refused:
            raise HTTPException(refused.status, str(refused)) from None
        formats = [value for name in FORMAT_PARAMETERS for value in fields(name)]
        media = choose_media(form, formats, request.headers.get("accept"))
        dataset = dataset_from(fields("default-graph-uri"), fields("named-graph-uri"))
        user_query = UserQuery(query, form, media, max_rows, limits.max_answer_bytes, endpoint, dataset)
        try:
            reply = await unless_client_leaves(request, runner.run(user_query, deadline))
        except WorkerError as exc:
            headers = {"Retry-After": str(exc.retry_after)} if exc.retry_after else None
            raise HTTPException(exc.status, str(exc), headers=headers) from None
        if reply.whole is not None:  # read before answering: no streaming machinery
            return Response(reply.whole, media_type=reply.media, headers={"Vary": "Accept"})
        headers = {"Vary": "Accept", "Content-Length": str(reply.length)}
        return StreamingResponse(reply.chunks, media_type=reply.media, headers=headers)

    async def read_body(request: Request, deadline: Deadline) -> bytes:
        try:
            async with asyncio.timeout(deadline.remaining()):
                return await request.body()
        except TimeoutError:
            raise HTTPException(408, f"the request body did not arrive within {timeout:g} s") from None

    def deadline_of(request: Request) -> Deadline:
        return Deadline(timeout, start=arrival(request.scope))

    async def describe_service(request: Request) -> Response:
        media = negotiate(request.headers.get("accept"), OFFERED)
        if media is None:
            raise HTTPException(406, f"the service description is offered as {', '.join(OFFERED)}")
        triples, _ = await store_count.triples()  # counted at most once a second, as for /health
        graph = service_description(endpoint, triples, timeout, max_rows)
        body = render(graph, media, "SPARQL service description", {})
        return Response(body, media_type=media, headers={"Vary": "Accept"})

    @router.get(SPARQL_PATH, name="sparql_get")
    async def sparql_get(request: Request) -> Response:
        """A query by GET (?query=...&format=json|xml|csv|tsv|turtle|ntriples|jsonld|rdfxml or a media type).

        Without parameters: the SPARQL 1.1 service description."""
        params = request.query_params
        if "update" in params:
            raise HTTPException(403, READ_ONLY)
        if set(params) <= {"lang"}:  # lang: the pages' language switch
            if wants_html(request, "text/turtle"):  # a browser: the query editor (editor.py)
                response: Response = request.app.state.editor_page(request)
                return response
            return await describe_service(request)
        return await answer(request, deadline_of(request), one_query(params.getlist("query")), params.getlist)

    @router.post(SPARQL_PATH)
    async def sparql_post(request: Request) -> Response:
        """A query by POST, form-encoded (query=...) or direct (Content-Type: application/sparql-query)."""
        deadline = deadline_of(request)
        params = request.query_params
        ctype = request.headers.get("content-type", "").split(";")[0].strip().lower()
        if ctype == "application/sparql-update":
            raise HTTPException(403, READ_ONLY)
        if ctype == "application/sparql-query":
            try:
                text = (await read_body(request, deadline)).decode("utf-8")
            except UnicodeDecodeError as exc:
                raise HTTPException(400, f"the query is not valid UTF-8 (byte {exc.start})") from None
            return await answer(request, deadline, one_query([text], params.getlist("query")), params.getlist)
        if ctype not in ("application/x-www-form-urlencoded", "multipart/form-data"):
            raise HTTPException(415, "send application/sparql-query or application/x-www-form-urlencoded")
        await read_body(request, deadline)
        form = await request.form()
        if "update" in form:
            raise HTTPException(403, READ_ONLY)

        def fields(name: str) -> list[str]:
            return [*params.getlist(name), *(v for v in form.getlist(name) if isinstance(v, str))]

        query = one_query([v for v in form.getlist("query") if isinstance(v, str)], params.getlist("query"))
        return await answer(request, deadline, query, fields)

    return router
