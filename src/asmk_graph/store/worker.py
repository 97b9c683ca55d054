"""A query worker process: runs user SPARQL on its own Oxigraph store and writes the answer itself.

Started by store/pool.py as `python -m asmk_graph.store.worker FD PARENT_PID`, talking over the
socket FD in framed messages (frame() below): small JSON headers (never pickle: this process runs
hostile input) and raw answer bytes. Before it reads any query it puts itself in a sandbox (sandbox.py): no
network, a memory cap, a lower priority, death with its parent.

The answer is written here with Oxigraph's own writers (results.py), capped in rows (triples
for CONSTRUCT and DESCRIBE) and in bytes, so the server process never parses or re-serialises
a large result: it passes bytes through.
"""

from __future__ import annotations

import json
import os
import socket
import struct
import sys
from pathlib import Path
from typing import Any, BinaryIO

import pyoxigraph as ox

from .results import (
    RDF_FORMATS,
    AnswerTooLarge,
    NotXml,
    TooManyRows,
    write_boolean,
    write_graph,
    write_solutions,
    xml_1_0,
)
from .sandbox import die_with_parent, isolate_network, limit_memory, lower_priority

CHUNK = 1 << 18


XML_MEDIA = ("application/sparql-results+xml", "application/rdf+xml")


def graph_name(iri: str, union: str) -> ox.NamedNode | ox.DefaultGraph:
    """The store's graph a request names: the name of the whole graph is the store's default graph."""
    return ox.DefaultGraph() if iri == union else ox.NamedNode(iri)


def dataset_options(request: dict[str, Any]) -> dict[str, Any]:
    """store.query's dataset for the request's default-graph-uri / named-graph-uri (none: the store's).
    A graph the store does not hold is empty, as the protocol's dataset then says."""
    dataset = request.get("dataset")
    if not dataset:
        return {}
    union = request.get("union", "")
    named = [ox.NamedNode(iri) for iri in dataset["named"] if iri != union]
    return {"default_graph": [graph_name(iri, union) for iri in dataset["default"]], "named_graphs": named}


def answer(store: ox.Store, request: dict[str, Any]) -> tuple[dict[str, Any], bytes]:
    """(header, body) for one request {query, form, media, max_rows, max_bytes, prefixes, base, dataset, union}."""
    media, max_rows, max_bytes = request["media"], request["max_rows"], request["max_bytes"]
    result = store.query(request["query"], base_iri=request.get("base"), **dataset_options(request))
    if isinstance(result, ox.QueryTriples) != (request["form"] == "graph"):
        raise ValueError("could not tell the query form (SELECT, ASK, CONSTRUCT, DESCRIBE) before running it")
    if isinstance(result, ox.QueryBoolean):
        kind, body = "ask", write_boolean(bool(result), media)
    elif isinstance(result, ox.QueryTriples):
        kind, body = "graph", write_graph(result, media, max_rows, max_bytes, request.get("prefixes", {}))
    else:
        kind, body = "select", write_solutions(result, media, max_rows, max_bytes)
    if media in XML_MEDIA:
        body = xml_1_0(body)
    return {"status": 200, "kind": kind, "media": media, "length": len(body)}, body


def refusal(exc: BaseException) -> tuple[dict[str, Any], bool]:
    """(error header, whether this worker must end) for a query that raised exc."""
    if isinstance(exc, TooManyRows | AnswerTooLarge):
        return {"status": 400, "message": str(exc)}, False
    if isinstance(exc, NotXml):  # before ValueError: the query was fine, the format cannot carry its answer
        return {"status": 406, "message": f"{exc}: ask for JSON, CSV or TSV results, or a graph as Turtle"}, False
    if isinstance(exc, SyntaxError | ValueError | OSError | RuntimeError):  # the engine's complaint
        return {"status": 400, "message": f"query error: {exc}"}, False
    if isinstance(exc, MemoryError):
        return {"status": 503, "message": "the query needed more memory than a query worker may use"}, True
    return {"status": 500, "message": f"the query engine failed: {type(exc).__name__}: {exc}"[:1000]}, True


def frame(payload: bytes | memoryview) -> bytes:
    """One message as multiprocessing.Connection frames it: a 4-byte big-endian length, the bytes."""
    return struct.pack("!i", len(payload)) + payload


def read_frame(reader: BinaryIO) -> bytes:
    """The next message; EOFError when the other side has closed the connection."""
    head = reader.read(4)
    if len(head) < 4:
        raise EOFError
    (size,) = struct.unpack("!i", head)
    payload = reader.read(size)
    if len(payload) < size:
        raise EOFError
    return payload


def send(conn: socket.socket, header: dict[str, Any], body: bytes = b"") -> None:
    """The header and the body in CHUNK-sized messages, in one write (most answers are small)."""
    view = memoryview(body)
    frames = [frame(json.dumps(header).encode())]
    frames += [frame(view[start : start + CHUNK]) for start in range(0, len(body), CHUNK)]
    conn.sendall(b"".join(frames))


def serve(conn: socket.socket) -> None:
    reader = conn.makefile("rb")
    config = json.loads(read_frame(reader))
    step = "taking the network away"
    try:
        isolation = isolate_network()
        limit_memory(config["memory"])
        lower_priority()
        store = ox.Store()
        for path in map(Path, config["files"]):
            step = f"loading {path}"
            store.bulk_load(path=str(path), format=RDF_FORMATS[path.suffix])
    except BaseException as exc:
        send(conn, {"status": "failed", "message": f"{step}: {type(exc).__name__}: {exc}"})
        return
    send(conn, {"status": "ready", "isolation": isolation, "triples": len(store)})
    while True:
        try:
            request = json.loads(read_frame(reader))
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
    conn = socket.socket(fileno=fd)
    try:
        serve(conn)
    except (EOFError, BrokenPipeError, ConnectionResetError):
        pass  # the server went away or killed this worker's query
    finally:
        conn.close()
        os._exit(0)


if __name__ == "__main__":
    main()
