"""/openapi.json says what each route really answers: its media types, its path templates, the
conditional requests it honours and the problem responses (RFC 9457) it can give.

The routes answer with plain `Response`s whose media type content negotiation decides, so FastAPI
cannot see any of this: it is stated here, route by route, and checked by schemathesis against
the live server (tests/test_openapi.py).
"""

from __future__ import annotations

import copy
from collections.abc import Callable
from typing import Any

from fastapi import FastAPI

from ..graph.serialize import CHECKSUMS, DUMP_NAMES
from .errors import PROBLEM_MEDIA

RDF_MEDIA = ("text/turtle", "application/ld+json", "application/n-triples", "application/rdf+xml")
TEXT = {"type": "string"}
JSON_LD_DOCUMENT = {"type": ["object", "array"]}
DUMP_MEDIA = {
    ".ttl": "text/turtle",
    ".nt": "application/n-triples",
    ".gz": "application/gzip",
    ".jsonld": "application/ld+json",
    ".trig": "application/trig",
    ".nq": "application/n-quads",
    CHECKSUMS: "text/plain",
}
PROBLEMS = {
    "400": "Bad request: a parameter is invalid (named in the detail)",
    "404": "No such resource",
    "406": "None of the media types the Accept header allows is offered (the detail lists them)",
    "413": "The request is larger than the server accepts",
    "415": "The request body's media type is not one the route reads",
    "502": "The SPARQL endpoint behind the API answered something unusable",
    "503": "The store is unavailable, or the query was stopped at its time limit",
    "504": "The SPARQL endpoint behind the API did not answer in time",
}
STORE_PROBLEMS = ("502", "503", "504")
CONDITIONAL_HEADERS = [
    {
        "name": "If-None-Match",
        "in": "header",
        "required": False,
        "schema": TEXT,
        "description": "ETags of copies the client holds (RFC 9110 13.1.2): 304 if one is current",
    },
    {
        "name": "If-Modified-Since",
        "in": "header",
        "required": False,
        "schema": TEXT,
        "description": "304 if the data has not changed since (ignored when If-None-Match is sent)",
    },
]
NOT_MODIFIED = {
    "description": "Not modified: the client's copy (If-None-Match / If-Modified-Since) is current",
    "headers": {"ETag": {"schema": TEXT}, "Last-Modified": {"schema": TEXT}},
}
ID_SEGMENT = {"type": "string", "pattern": r"^[A-Za-z0-9][A-Za-z0-9_-]*(\.(ttl|html|jsonld|nt|rdf))?$"}


def content(media_types: tuple[str, ...] | list[str], schema: dict[str, Any] | None = None) -> dict[str, Any]:
    return {m: {"schema": schema or (JSON_LD_DOCUMENT if m.endswith("json") else TEXT)} for m in media_types}


def ok(description: str, media_types: tuple[str, ...] | list[str], headers: bool = False) -> dict[str, Any]:
    response: dict[str, Any] = {"description": description, "content": content(media_types)}
    if headers:
        response["headers"] = {"ETag": {"schema": TEXT}, "Last-Modified": {"schema": TEXT}}
    return response


def problems(*codes: str) -> dict[str, Any]:
    schema = {"$ref": "#/components/schemas/Problem"}
    return {code: {"description": PROBLEMS[code], "content": {PROBLEM_MEDIA: {"schema": schema}}} for code in codes}


def set_responses(operation: dict[str, Any], responses: dict[str, Any]) -> None:
    operation["responses"] = dict(sorted(responses.items()))


def document_linked_data(paths: dict[str, Any]) -> None:
    """/id/, the vocabulary and the shapes: RDF by content negotiation, or an HTML page."""
    negotiated = ok("The description, in the negotiated media type", (*RDF_MEDIA, "text/html"), headers=True)
    for parameter in paths["/def/{version}"]["get"]["parameters"]:
        parameter["example"] = "0.1.0"
    for path in ("/ontology", "/def", "/shapes", "/def/{version}"):
        operation = paths[path]["get"]
        operation["parameters"] = [*operation.get("parameters", []), *CONDITIONAL_HEADERS]
        codes = ("404", "406") if "{" in path else ("406",)
        set_responses(operation, {"200": negotiated, "304": NOT_MODIFIED, **problems(*codes)})
    # OpenAPI path parameters cannot hold "/": one template per number of segments
    template = paths.pop("/id/{path}")["get"]
    names = ("kind", "key", "name")
    examples = {1: ("dataset",), 2: ("conference", "97"), 3: ("resolution", "102", "reform-sozialstaat")}
    for size in (1, 2, 3):
        operation = copy.deepcopy(template)
        operation["operationId"] = f"resource_{size}"
        segments = [
            {"name": n, "in": "path", "required": True, "schema": ID_SEGMENT, "example": e}
            for n, e in zip(names, examples[size], strict=False)
        ]
        operation["parameters"] = [*segments, *CONDITIONAL_HEADERS]
        set_responses(operation, {"200": negotiated, "304": NOT_MODIFIED, **problems("404", "406", *STORE_PROBLEMS)})
        paths["/id/" + "/".join(f"{{{n}}}" for n in names[:size])] = {"get": operation}


def document_dumps(paths: dict[str, Any]) -> None:
    operation = paths["/dumps/{name}"]["get"]
    names = [*DUMP_NAMES, CHECKSUMS]
    for parameter in operation["parameters"]:
        if parameter["name"] == "name":
            parameter["schema"] = {"type": "string", "enum": names}
    operation["parameters"] = [*operation["parameters"], *CONDITIONAL_HEADERS]
    media = sorted({m for suffix, m in DUMP_MEDIA.items() if any(n.endswith(suffix) for n in names)})
    response = ok("The file (its sha256 also in ETag and X-Checksum-SHA256)", media, headers=True)
    response["headers"]["X-Checksum-SHA256"] = {"schema": TEXT}
    set_responses(operation, {"200": response, "304": NOT_MODIFIED, **problems("404")})


def document_contexts(paths: dict[str, Any], resources: list[str]) -> None:
    operation = paths["/api/contexts/{resource}.jsonld"]["get"]
    for parameter in operation["parameters"]:
        if parameter["name"] == "resource":
            parameter["schema"] = {"type": "string", "enum": resources}
    operation["parameters"] = [*operation["parameters"], *CONDITIONAL_HEADERS]
    response = ok("The JSON-LD context (JSON-LD 1.0)", ["application/ld+json"], headers=True)
    response["content"]["application/ld+json"]["schema"] = {"type": "object", "required": ["@context"]}
    set_responses(operation, {"200": response, "304": NOT_MODIFIED, **problems("404", *STORE_PROBLEMS)})


HEALTH_SCHEMA = {
    "type": "object",
    "properties": {
        "status": {"type": "string", "enum": ["ok", "mismatch"]},
        "store": {"type": "string"},
        "triples": {"type": "integer", "description": "triples the store holds"},
        "expectedTriples": {"type": "integer", "description": "triples of the dumps plus the ontology"},
        "dumpTriples": {"type": "integer", "description": "triples of graph/asmk.nt, as asmk-graph build reports"},
        "ontologyTriples": {"type": "integer", "description": "triples the ontology adds"},
    },
    "required": ["status", "store", "triples"],
}


def document_health(paths: dict[str, Any]) -> None:
    response = {
        "description": "What the store holds, compared with the dumps",
        "content": content(["application/json"], HEALTH_SCHEMA),
    }
    set_responses(paths["/health"]["get"], {"200": response, **problems(*STORE_PROBLEMS)})


def document_api(app: FastAPI, context_resources: list[str]) -> None:
    """Make app.openapi() state what the routes do (once; the result is cached like FastAPI's)."""
    make_schema: Callable[[], dict[str, Any]] = app.openapi
    done: list[dict[str, Any]] = []

    def openapi() -> dict[str, Any]:
        if done:
            return done[0]
        schema = make_schema()
        paths = schema["paths"]
        document_linked_data(paths)
        document_dumps(paths)
        document_contexts(paths, context_resources)
        document_health(paths)
        done.append(schema)
        return schema

    app.openapi = openapi  # type: ignore[method-assign]
