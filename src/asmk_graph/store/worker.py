"""A query worker process: runs user SPARQL on its own Oxigraph store and writes the answer itself.

Started by store/pool.py as `python -m asmk_graph.store.worker FD PARENT_PID`, talking over the
socket FD in framed messages: small JSON headers (never pickle: this process runs hostile input)
and raw answer bytes. Before it reads any query it puts itself in a sandbox (sandbox.py): no
network, a memory cap, a lower priority, death with its parent.

The answer is written here with Oxigraph's own writers, capped in rows (triples for CONSTRUCT
and DESCRIBE) and in bytes, so the server process never parses or re-serialises a large result:
it passes bytes through. A SELECT is written as TSV first, where one line is one row, so the
row cap is exact whatever the format; other result formats are converted from that TSV.
"""

from __future__ import annotations

import io
import json
import os
import sys
from collections.abc import Iterator
from multiprocessing.connection import Connection
from pathlib import Path
from typing import Any

import pyoxigraph as ox

from .results import RESULT_WRITERS, Answer, AnswerTooLarge, TooManyRows
from .sandbox import die_with_parent, isolate_network, limit_memory, lower_priority

CHUNK = 1 << 18
RESULT_FORMATS = {
    "application/sparql-results+json": ox.QueryResultsFormat.JSON,
    "application/sparql-results+xml": ox.QueryResultsFormat.XML,
    "text/csv": ox.QueryResultsFormat.CSV,
    "text/tab-separated-values": ox.QueryResultsFormat.TSV,
}
RESULT_WRITER_NAMES = dict(zip(RESULT_FORMATS, ("json", "xml", "csv", "tsv"), strict=True))
GRAPH_FORMATS = {
    "text/turtle": ox.RdfFormat.TURTLE,
    "application/n-triples": ox.RdfFormat.N_TRIPLES,
    "application/ld+json": ox.RdfFormat.JSON_LD,
    "application/rdf+xml": ox.RdfFormat.RDF_XML,
}


class CappedBuffer(io.BytesIO):
    """Collects what a writer writes; AnswerTooLarge past max_bytes, TooManyRows past max_lines lines."""

    def __init__(self, max_bytes: int, max_lines: int | None = None, rows: int = 0) -> None:
        super().__init__()
        self.lines = 0
        self.max_bytes, self.max_lines, self.rows = max_bytes, max_lines, rows

    def write(self, data: Any) -> int:
        chunk = bytes(data)
        if self.tell() + len(chunk) > self.max_bytes:
            raise AnswerTooLarge(self.max_bytes)
        if self.max_lines is not None:
            self.lines += chunk.count(b"\n")
            if self.lines > self.max_lines:
                raise TooManyRows(self.rows)
        return super().write(chunk)


def capped_triples(triples: Iterator[ox.Triple], max_triples: int) -> Iterator[ox.Triple]:
    for count, triple in enumerate(triples, 1):
        if count > max_triples:
            raise TooManyRows(max_triples, "triples")
        yield triple


def answer(store: ox.Store, request: dict[str, Any]) -> tuple[dict[str, Any], bytes]:
    """(header, body) for one request {query, form, media, max_rows, max_bytes, prefixes}."""
    media, max_rows, max_bytes = request["media"], request["max_rows"], request["max_bytes"]
    result = store.query(request["query"])
    if isinstance(result, ox.QueryTriples) != (request["form"] == "graph"):
        raise ValueError("could not tell the query form (SELECT, ASK, CONSTRUCT, DESCRIBE) before running it")
    kind = (
        "ask" if isinstance(result, ox.QueryBoolean) else "graph" if isinstance(result, ox.QueryTriples) else "select"
    )
    if isinstance(result, ox.QueryBoolean):  # written like the remote store's answers (our writers)
        body = RESULT_WRITERS[RESULT_WRITER_NAMES[media]](Answer("ask", boolean=bool(result)))
    elif isinstance(result, ox.QueryTriples):
        buffer = CappedBuffer(max_bytes)
        prefixes = request["prefixes"] if media in ("text/turtle", "application/rdf+xml") else None
        ox.serialize(capped_triples(result, max_rows), buffer, GRAPH_FORMATS[media], prefixes=prefixes)
        body = buffer.getvalue()
    else:
        kind, tsv = "select", CappedBuffer(max_bytes, max_lines=max_rows + 1, rows=max_rows)  # + the header line
        result.serialize(tsv, ox.QueryResultsFormat.TSV)
        body = tsv.getvalue()
        if media != "text/tab-separated-values":
            out = CappedBuffer(max_bytes)
            ox.parse_query_results(body, ox.QueryResultsFormat.TSV).serialize(out, RESULT_FORMATS[media])
            body = out.getvalue()
    return {"status": 200, "kind": kind, "media": media, "length": len(body)}, body


def refusal(exc: BaseException) -> tuple[dict[str, Any], bool]:
    """(error header, whether this worker must end) for a query that raised exc."""
    if isinstance(exc, TooManyRows | AnswerTooLarge):
        return {"status": 400, "message": str(exc)}, False
    if isinstance(exc, SyntaxError | ValueError | OSError | RuntimeError):  # the engine's complaint
        return {"status": 400, "message": f"query error: {exc}"}, False
    if isinstance(exc, MemoryError):
        return {"status": 503, "message": "the query needed more memory than a query worker may use"}, True
    return {"status": 500, "message": f"the query engine failed: {type(exc).__name__}: {exc}"[:1000]}, True


def send(conn: Connection, header: dict[str, Any], body: bytes = b"") -> None:
    conn.send_bytes(json.dumps(header).encode())
    view = memoryview(body)
    for start in range(0, len(body), CHUNK):
        conn.send_bytes(view[start : start + CHUNK])


def serve(conn: Connection) -> None:
    config = json.loads(conn.recv_bytes())
    try:
        isolation = isolate_network()
        limit_memory(config["memory"])
        lower_priority()
        store = ox.Store()
        for path in map(Path, config["files"]):
            fmt = ox.RdfFormat.N_TRIPLES if path.suffix == ".nt" else ox.RdfFormat.TURTLE
            store.bulk_load(path=str(path), format=fmt)
    except BaseException as exc:
        send(conn, {"status": "failed", "message": f"{type(exc).__name__}: {exc}"})
        return
    send(conn, {"status": "ready", "isolation": isolation, "triples": len(store)})
    while True:
        try:
            request = json.loads(conn.recv_bytes())
        except EOFError:  # the server closed the connection
            return
        try:
            header, body = answer(store, request)
        except BaseException as exc:  # a Rust panic arrives as a BaseException
            header, must_end = refusal(exc)
            send(conn, header)
            if must_end:
                return
            continue
        send(conn, header, body)


def main() -> None:
    fd, parent = int(sys.argv[1]), int(sys.argv[2])
    die_with_parent(parent)
    conn = Connection(fd)
    try:
        serve(conn)
    except (EOFError, BrokenPipeError, ConnectionResetError):
        pass  # the server went away or killed this worker's query
    finally:
        conn.close()
        os._exit(0)


if __name__ == "__main__":
    main()
