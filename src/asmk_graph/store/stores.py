"""The query side: one small store interface, two implementations.

- `OxigraphStore`: embedded, loaded from graph/ (the default; no network).
- `RemoteStore`: any SPARQL 1.1 endpoint, through SPARQLWrapper (Virtuoso is the tested one).

Both hold the union of all graphs as the default graph, which every query reads, and the
named graphs (one per source, per rule, the editorial one and the vocabulary), which
`GRAPH ?g { ... }` reads to answer "which source says this". A stored union rather than a
union-default-graph mode: Oxigraph's union mode (and Virtuoso's merge of several
default-graph-uri) yield a triple once per graph that holds it, so a fact two sources state
would be counted twice.

Both answer with `results.Answer`, so everything above this module is store-agnostic. Failures
carry the HTTP status the API should answer with: the query's fault is 400, the endpoint being
down 503, too slow 504, answering something unreadable 502.
"""

from __future__ import annotations

import json
import random
import re
import threading
import time
import urllib.error
import urllib.parse
from abc import ABC, abstractmethod
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pyoxigraph as ox
from rdflib import Graph
from SPARQLWrapper import BASIC, DIGEST, POST, URLENCODED, SPARQLWrapper
from SPARQLWrapper.SPARQLExceptions import EndPointInternalError, QueryBadFormed, SPARQLWrapperException

from ..paths import ProjectPaths
from .errors import QueryError as QueryError  # re-exported: the API catches them from here
from .errors import StoreError as StoreError
from .results import (
    INTEGER_TYPES,
    LANG_STRING,
    RDF_FORMATS,
    XSD,
    Answer,
    AnswerTooLarge,
    Row,
    Term,
    TooManyRows,
    answer_from_json,
    capped,
)


class QueryTimeout(StoreError):
    """The embedded store was stopped at its time limit."""

    status = 503


class EndpointDown(StoreError):
    status = 503


class EndpointTimeout(StoreError):
    status = 504


class BadEndpointAnswer(StoreError):
    status = 502


class EndpointAskedToRetry(StoreError):
    """The endpoint aborted the query and asked for it again (a serialization failure, SQLSTATE 40001)."""

    status = 503


class Store(ABC):
    """Read-only SPARQL 1.1 query access to the ASMK graph: the union, and the named graphs."""

    description: str

    @abstractmethod
    def answer(
        self, query: str, max_rows: int | None = None, timeout: float | None = None, max_bytes: int | None = None
    ) -> Answer:
        """Evaluate query; a SELECT longer than max_rows (or an answer of more than max_bytes, where the
        store reads bytes) raises QueryError instead of being cut."""

    def select(self, query: str) -> list[dict[str, Any]]:
        answer = self.answer(query)
        if answer.kind != "select":
            raise QueryError("expected a SELECT query")
        return answer.records()

    def ask(self, query: str) -> bool:
        answer = self.answer(query)
        if answer.kind != "ask":
            raise QueryError("expected an ASK query")
        return answer.boolean

    def graph(self, query: str) -> Graph:
        answer = self.answer(query)
        if answer.graph is None:
            raise QueryError("expected a CONSTRUCT or DESCRIBE query")
        return answer.graph

    def close(self) -> None:  # noqa: B027 - optional hook
        pass


# --- embedded ------------------------------------------------------------------------------


def _term(term: Any) -> Term | None:
    if term is None:
        return None
    kind = type(term)
    if kind is ox.NamedNode:
        return Term("uri", term.value)
    if kind is ox.BlankNode:
        return Term("bnode", term.value)
    language = term.language  # a language-tagged literal's datatype is always rdf:langString
    return Term("literal", term.value, LANG_STRING if language else term.datatype.value, language)


_XSD_BOOLEAN = XSD + "boolean"


def _python(term: Any) -> Any:
    """Term(...).python() of an Oxigraph term, without building the Term (the API's own queries)."""
    if term is None:
        return None
    if type(term) is ox.Literal and term.language is None:
        datatype = term.datatype.value
        if datatype in INTEGER_TYPES:
            return int(term.value)
        if datatype == _XSD_BOOLEAN:
            return term.value in ("true", "1")
    return term.value


def run_oxigraph(store: ox.Store, query: str, max_rows: int | None) -> tuple[str, Any]:
    """The answer as plain picklable data: ('select', (vars, rows)) | ('ask', bool) | ('graph', nt bytes)."""
    try:
        result = store.query(query)
        if isinstance(result, ox.QueryBoolean):
            return "ask", bool(result)
        if isinstance(result, ox.QueryTriples):
            return "graph", result.serialize(format=ox.RdfFormat.N_TRIPLES) or b""
        variables = [v.value for v in result.variables]
        rows: list[Row] = capped((tuple(_term(s[v]) for v in variables) for s in result), max_rows)
        return "select", (variables, rows)
    except TooManyRows as exc:
        raise QueryError(str(exc)) from exc
    except (SyntaxError, OSError, ValueError) as exc:
        raise QueryError(f"query error: {exc}") from exc


def answer_from_plain(kind: str, payload: Any) -> Answer:
    if kind == "ask":
        return Answer("ask", boolean=payload)
    if kind == "graph":
        return Answer("graph", graph=Graph().parse(data=payload.decode(), format="nt"))
    variables, rows = payload
    return Answer("select", variables, rows)


# queries the embedded store evaluates at once (the API's own; user queries run in the worker pool):
# the work holds the GIL, so more threads only take it from the event loop and from each other
EVALUATING = 2


class OxigraphStore(Store):
    def __init__(self, files: list[Path]) -> None:
        self.files = files
        self._evaluating = threading.BoundedSemaphore(EVALUATING)
        self.store = ox.Store()
        for path in files:
            self.store.bulk_load(path=str(path), format=RDF_FORMATS[path.suffix])
        self.description = f"embedded Oxigraph ({len(self.store)} quads)"

    @classmethod
    def from_project(cls, paths: ProjectPaths, graph_file: Path | None = None) -> OxigraphStore:
        """The union (graph/asmk.nt, or graph_file) as the default graph, plus the named graphs of graph/asmk.nq."""
        graph = graph_file or paths.graph_dir / "asmk.nt"
        quads = paths.graph_dir / "asmk.nq"
        for path in (graph, quads):
            if not path.exists():
                raise FileNotFoundError(f"{path} is missing: run 'asmk-graph build' first")
        return cls([graph, quads])

    def __len__(self) -> int:
        return len(self.store)

    def answer(
        self, query: str, max_rows: int | None = None, timeout: float | None = None, max_bytes: int | None = None
    ) -> Answer:
        """In-process, so timeout cannot be enforced here: user queries go through pool.WorkerPool."""
        with self._evaluating:
            return answer_from_plain(*run_oxigraph(self.store, query, max_rows))

    def select(self, query: str) -> list[dict[str, Any]]:
        """Records straight from Oxigraph's solutions: the API's own queries, several times faster
        than building an Answer's Terms first (the same values: tests/test_answer_cache.py)."""
        try:
            with self._evaluating:
                return self._records(query)
        except QueryError:
            raise
        except (SyntaxError, OSError, ValueError) as exc:
            raise QueryError(f"query error: {exc}") from exc

    def _records(self, query: str) -> list[dict[str, Any]]:
        result = self.store.query(query)
        if not isinstance(result, ox.QuerySolutions):
            raise QueryError("expected a SELECT query")
        names = [v.value for v in result.variables]
        return [dict(zip(names, map(_python, solution), strict=True)) for solution in result]


# --- remote --------------------------------------------------------------------------------

GRAPH_ACCEPT = "application/n-triples, text/turtle;q=0.9"
# Virtuoso answers HTTP 500 also for errors of the query (SQL states of class 22 data, 37 syntax,
# 42 access; RDFxx): those are the client's fault, not the endpoint's
QUERY_FAULT = re.compile(r"Virtuoso (?:22|37|42)\w{3} Error|Virtuoso RDF\d\d Error")
# SQLSTATE 40001, a serialization failure: Virtuoso's answer to a query that lost a deadlock or
# was aborted by a checkpoint or a database-wide atomic operation ("Please retry transaction").
# Looked for only in an HTTP 500 and before the query the message echoes, so that a query
# containing the text cannot pass for one.
RETRY_ASKED = re.compile(r"(?:Virtuoso |Error )40001\b|Please retry transaction")
RETRY_PAUSE, MAX_RETRY_PAUSE = 0.05, 1.0  # seconds, doubled after each retry
CHUNK = 1 << 16
EMPTY_GRAPH = "urn:x-asmk:empty-graph"  # names no graph: queries that name a graph not held get it
PROLOGUE = re.compile(r"(?:\s+|#[^\n]*|PREFIX\s*[^\s:]*:\s*<[^>]*>|BASE\s*<[^>]*>)*", re.IGNORECASE)


def with_base(query: str, base: str | None) -> str:
    """The query with a BASE declaration first, unless it has its own (Virtuoso refuses two). On the
    query's first line, so that the endpoint's line numbers in error messages stay right."""
    if not base or re.search(r"\bBASE\b", PROLOGUE.match(query).group(), re.IGNORECASE):  # type: ignore[union-attr]
        return query
    return f"BASE <{base}> {query}"


def split_credentials(endpoint: str) -> tuple[str, str | None, str | None]:
    """(endpoint without user:password@, user, password) for an endpoint URL that may carry them."""
    parts = urllib.parse.urlsplit(endpoint)
    if parts.username is None and parts.password is None:
        return endpoint, None, None
    host = parts.hostname or ""
    netloc = (f"[{host}]" if ":" in host else host) + (f":{parts.port}" if parts.port else "")
    user = urllib.parse.unquote(parts.username or "")
    password = None if parts.password is None else urllib.parse.unquote(parts.password)
    return urllib.parse.urlunsplit(parts._replace(netloc=netloc)), user, password


# Virtuoso names blank nodes "nodeID://b123" in JSON results, which is no valid blank node label
VIRTUOSO_BNODE = re.compile(rb'("type": "bnode", "value": ")nodeID://')


@dataclass(frozen=True)
class Fetched:
    """An endpoint's answer as it came: media type and body bytes."""

    media: str
    body: bytes
    query_type: str
    truncated_at: str | None
    endpoint: str

    def solutions(self) -> ox.QuerySolutions:
        """A SELECT answer as Oxigraph's stream (parsed in Rust, not into Python objects)."""
        try:
            parsed = ox.parse_query_results(VIRTUOSO_BNODE.sub(rb"\1", self.body), ox.QueryResultsFormat.JSON)
        except (SyntaxError, ValueError) as exc:
            raise self._unreadable(exc) from exc
        if not isinstance(parsed, ox.QuerySolutions):
            raise BadEndpointAnswer(f"{self.endpoint} answered a boolean to a SELECT query")
        return parsed

    def triples(self) -> list[ox.Triple]:
        """A CONSTRUCT/DESCRIBE answer (N-Triples or Turtle) as Oxigraph triples."""
        fmt = ox.RdfFormat.N_TRIPLES if self.media in ("application/n-triples", "text/plain") else ox.RdfFormat.TURTLE
        try:
            return [quad.triple for quad in ox.parse(self.body, fmt)]
        except (SyntaxError, ValueError) as exc:
            raise self._unreadable(exc) from exc

    def _unreadable(self, exc: Exception) -> BadEndpointAnswer:
        return BadEndpointAnswer(
            f"{self.endpoint} answered something that is not a SPARQL result ({self.media or 'no content type'}): "
            f"{type(exc).__name__}: {str(exc)[:200]}"
        )


class RemoteStore(Store):
    """A SPARQL 1.1 Protocol endpoint.

    default_graph (the graph holding the union, as `asmk-graph load` puts it) is sent as the
    default-graph-uri of every query, and named_graphs as its named-graph-uri list, so that
    `GRAPH ?g` ranges over exactly the graphs of the dumps.

    Credentials come from the arguments or from the endpoint URL (http://user:password@host/...);
    the URL is kept and shown without them. Each request also asks the server to stop the query at
    the deadline (`timeout` in milliseconds, which Virtuoso obeys and other servers ignore or read
    as a larger limit).
    """

    def __init__(
        self,
        endpoint: str,
        default_graph: str | None = None,
        user: str | None = None,
        password: str | None = None,
        auth: str = "basic",
        timeout: float = 10.0,
        named_graphs: list[str] | None = None,
    ) -> None:
        if auth not in ("basic", "digest"):
            raise ValueError(f"auth={auth!r}: expected basic or digest")
        endpoint, url_user, url_password = split_credentials(endpoint)
        user, password = user or url_user, password if password is not None else url_password
        self.endpoint = endpoint
        self.default_graph = default_graph
        self.named_graphs = list(named_graphs or [])
        self.credentials = (user, password or "") if user else None
        self.auth = auth
        self.timeout = timeout
        self.description = f"SPARQL endpoint {endpoint}" + (f" graph <{default_graph}>" if default_graph else "")

    def graphs(self, dataset: Any = None) -> tuple[list[str], list[str]]:
        """The default-graph-uri and named-graph-uri sent with a query: this store's own, or those of a
        request's dataset (an object with .default and .named), where a graph this store does not
        hold becomes an empty one: the endpoint's other graphs are not the API's to show. Never no
        named graph: with none, Virtuoso lets GRAPH ?g range over all its graphs, its system's too."""
        own = [g for g in (self.default_graph,) if g]
        if dataset is None:
            return own, self.named_graphs or [EMPTY_GRAPH]

        def held(iri: str) -> str:
            return iri if iri in own or iri in self.named_graphs else EMPTY_GRAPH

        return [held(g) for g in dataset.default], [held(g) for g in dataset.named] or [EMPTY_GRAPH]

    def _wrapper(self, query: str, timeout: float, dataset: Any = None, base: str | None = None) -> SPARQLWrapper:
        wrapper = SPARQLWrapper(self.endpoint)
        wrapper.setMethod(POST)
        wrapper.setRequestMethod(URLENCODED)
        wrapper.setOnlyConneg(True)  # no format=/output= parameters; Accept alone decides
        wrapper.setQuery(with_base(query, base))
        wrapper.setTimeout(max(0.1, timeout))  # type: ignore[arg-type]  # urllib's socket timeout takes a float
        wrapper.addParameter("timeout", str(max(1, int(timeout * 1000))))  # the server's own query limit
        default_graphs, named_graphs = self.graphs(dataset)
        for graph in default_graphs:
            wrapper.addDefaultGraph(graph)
        for graph in named_graphs:
            wrapper.addNamedGraph(graph)
        if self.credentials:
            wrapper.setHTTPAuth(DIGEST if self.auth == "digest" else BASIC)
            wrapper.setCredentials(*self.credentials)
        graph_query = wrapper.queryType in ("CONSTRUCT", "DESCRIBE")
        accept = GRAPH_ACCEPT if graph_query else "application/sparql-results+json"
        wrapper.addCustomHttpHeader("Accept", accept)
        return wrapper

    def fetch(
        self,
        query: str,
        timeout: float | None = None,
        max_bytes: int | None = None,
        dataset: Any = None,
        base: str | None = None,
    ) -> Fetched:
        """The endpoint's answer, read by the deadline and refused beyond max_bytes, without parsing it.
        dataset: a request's default-graph-uri / named-graph-uri (see graphs()); base: for relative IRIs.
        A query the endpoint asks to retry is sent again while the deadline allows."""
        timeout = timeout or self.timeout
        deadline = time.monotonic() + timeout
        pause = RETRY_PAUSE
        while True:
            try:
                return self._fetch_once(query, timeout, deadline, max_bytes, dataset, base)
            except EndpointAskedToRetry:
                if time.monotonic() + pause >= deadline:
                    raise
                time.sleep(pause * random.uniform(0.5, 1.0))  # jitter: retried queries do not come back in step
                pause = min(2 * pause, MAX_RETRY_PAUSE)

    def _fetch_once(
        self, query: str, timeout: float, deadline: float, max_bytes: int | None, dataset: Any, base: str | None
    ) -> Fetched:
        wrapper = self._wrapper(query, deadline - time.monotonic(), dataset, base)
        try:
            response = wrapper.query().response
            media = response.headers.get("Content-Type", "").split(";")[0].strip().lower()
            truncated_at = response.headers.get("X-SPARQL-MaxRows")
            partial = response.headers.get("X-SQL-State")  # Virtuoso's "anytime" partial answer
            body = self._read(response, deadline, timeout, max_bytes)
        except SPARQLWrapperException as exc:
            raise self._refusal(exc) from exc
        except urllib.error.HTTPError as exc:
            raise BadEndpointAnswer(f"{self.endpoint} answered HTTP {exc.code}: {exc.reason}") from exc
        except TimeoutError as exc:
            raise EndpointTimeout(f"{self.endpoint} did not answer within {timeout:g} s") from exc
        except (urllib.error.URLError, ConnectionError, OSError) as exc:
            reason = getattr(exc, "reason", exc)
            if isinstance(reason, TimeoutError):
                raise EndpointTimeout(f"{self.endpoint} did not answer within {timeout:g} s") from exc
            raise EndpointDown(f"SPARQL endpoint {self.endpoint} is unreachable: {reason}") from exc
        if partial:
            raise EndpointTimeout(
                f"{self.endpoint} ran out of time and sent a partial answer (X-SQL-State: {partial}); refused"
            )
        if truncated_at is not None:  # Virtuoso's ResultSetMaxRows cut the answer short
            raise BadEndpointAnswer(
                f"{self.endpoint} truncated the result at {truncated_at} rows (Virtuoso: raise "
                "[SPARQL] ResultSetMaxRows above the API's row cap)"
            )
        return Fetched(media, body, wrapper.queryType or "", truncated_at, self.endpoint)

    def answer(
        self, query: str, max_rows: int | None = None, timeout: float | None = None, max_bytes: int | None = None
    ) -> Answer:
        fetched = self.fetch(query, timeout, max_bytes)
        if fetched.query_type == "ASK":
            return self._ask(fetched.body)
        return self._parse(fetched.body, fetched.media, max_rows)

    def ask_answer(self, fetched: Fetched) -> Answer:
        """The boolean of a fetched ASK answer."""
        return self._ask(fetched.body)

    def _ask(self, body: bytes) -> Answer:
        """Virtuoso answers ASK in JSON as a SELECT of ?__ASK_RETVAL instead of a boolean: one row (1) for
        true, no row for false."""
        try:
            document = json.loads(body)
            if "boolean" in document:
                return Answer("ask", boolean=bool(document["boolean"]))
            bindings = document["results"]["bindings"]
            if not bindings:  # Virtuoso's false: no row at all
                return Answer("ask", boolean=False)
            (binding,) = bindings
            (value,) = binding.values()
            return Answer("ask", boolean=value["value"] in ("1", "true"))
        except Exception as exc:
            raise BadEndpointAnswer(f"{self.endpoint} answered an ASK with something unreadable: {exc}") from exc

    def _read(self, response: Any, deadline: float, timeout: float, max_bytes: int | None) -> bytes:
        """The body, read in chunks so a slowly dripping endpoint cannot hold us past the deadline."""
        chunks, size = [], 0
        read = getattr(response, "read1", response.read)  # read1 returns what has arrived, read(n) waits for n
        try:
            while chunk := read(CHUNK):
                chunks.append(chunk)
                size += len(chunk)
                if max_bytes is not None and size > max_bytes:
                    raise QueryError(str(AnswerTooLarge(max_bytes)))
                if time.monotonic() > deadline:
                    raise EndpointTimeout(f"{self.endpoint} did not finish its answer within {timeout:g} s")
        finally:
            response.close()
        return b"".join(chunks)

    def _refusal(self, exc: SPARQLWrapperException) -> StoreError:
        message = str(exc).strip()
        if isinstance(exc, QueryBadFormed) or QUERY_FAULT.search(message):
            return QueryError(f"query error (from the endpoint): {message[:2000]}")
        if isinstance(exc, EndPointInternalError) and RETRY_ASKED.search(message.split("SPARQL query:")[0]):
            return EndpointAskedToRetry(f"{self.endpoint} asked to retry until the deadline: {message[:250]}")
        return BadEndpointAnswer(f"{self.endpoint} failed: {message[:500]}")

    def _parse(self, body: bytes, media: str, max_rows: int | None) -> Answer:
        try:
            if media in ("application/n-triples", "text/plain", "text/turtle", "application/turtle"):
                fmt = "nt" if media in ("application/n-triples", "text/plain") else "turtle"
                return Answer("graph", graph=Graph().parse(data=body.decode("utf-8"), format=fmt))
            answer = answer_from_json(json.loads(body))
        except Exception as exc:  # any parse failure means the endpoint sent something unusable
            raise BadEndpointAnswer(
                f"{self.endpoint} answered something that is not a SPARQL result ({media or 'no content type'}): "
                f"{type(exc).__name__}: {str(exc)[:200]}"
            ) from exc
        try:
            capped(answer.rows, max_rows)
        except TooManyRows as exc:
            raise QueryError(str(exc)) from exc
        return answer
