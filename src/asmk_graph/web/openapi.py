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
from pydantic.json_schema import models_json_schema

from ..graph.serialize import DUMP_MEDIA
from .api_models import API_MODELS
from .errors import PROBLEM_MEDIA
from .matching import TYPES
from .reconcile import CALLBACK
from .rest import OUTCOMES, STATE_CODE
from .templating import SPARQL_PATH

RDF_MEDIA = ("text/turtle", "application/ld+json", "application/n-triples", "application/rdf+xml")
TEXT = {"type": "string"}
JSON_LD_DOCUMENT = {"type": ["object", "array"]}
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
# a slug may hold dots (dcat-ap-de-conventions-2.0); the last segment may end in .ttl, .html, ...
ID_SEGMENT = {"type": "string", "pattern": r"^[A-Za-z0-9][A-Za-z0-9._-]*$"}


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
    for path in ("/ontology", "/def", "/shapes", "/def/{version}"):
        operation = paths[path]["get"]
        operation["parameters"] = [*operation.get("parameters", []), *CONDITIONAL_HEADERS]
        codes = ("404", "406") if "{" in path else ("406",)
        set_responses(operation, {"200": negotiated, "304": NOT_MODIFIED, **problems(*codes)})
    # OpenAPI path parameters cannot hold "/": one template per number of segments
    examples = {
        "/id": {1: ("dataset",), 2: ("conference", "97"), 3: ("resolution", "102", "reform-sozialstaat")},
        "/graph": {1: ("editorial",), 2: ("derived", "subclass-types")},
    }
    for prefix, by_size in examples.items():
        template = paths.pop(prefix + "/{path}")["get"]
        for size, values in by_size.items():
            names = ("kind", "key", "name")[:size]
            operation = copy.deepcopy(template)
            operation["operationId"] = f"{prefix.strip('/')}_{size}"
            segments = [
                {"name": n, "in": "path", "required": True, "schema": ID_SEGMENT, "example": e}
                for n, e in zip(names, values, strict=True)
            ]
            operation["parameters"] = [*segments, *CONDITIONAL_HEADERS]
            responses = {"200": negotiated, "304": NOT_MODIFIED, **problems("404", "406", *STORE_PROBLEMS)}
            set_responses(operation, responses)
            paths[prefix + "/" + "/".join(f"{{{n}}}" for n in names)] = {"get": operation}


def document_dumps(paths: dict[str, Any], names: tuple[str, ...]) -> None:
    operation = paths["/dumps/{name}"]["get"]
    operation["parameters"] = [*operation["parameters"], *CONDITIONAL_HEADERS]
    media = sorted({m for suffix, m in DUMP_MEDIA.items() if any(n.endswith(suffix) for n in names)})
    for parameter in operation["parameters"]:
        if parameter["name"] == "name":
            parameter["schema"] = {"type": "string", "enum": list(names)}
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
        "triples": {"type": "integer", "description": "triples of the store's default graph (the union)"},
        "dumpTriples": {"type": "integer", "description": "triples of graph/asmk.nt (the union, as build reports)"},
        "queries": {"type": "object", "description": "the /sparql query workers or slots"},
    },
    "required": ["status", "store", "triples"],
}


def document_health(paths: dict[str, Any]) -> None:
    response = {
        "description": "What the store holds, compared with the dumps",
        "content": content(["application/json"], HEALTH_SCHEMA),
    }
    set_responses(paths["/health"]["get"], {"200": response, **problems(*STORE_PROBLEMS)})


RESULTS_JSON_SCHEMA = {
    "type": "object",
    "description": "SPARQL 1.1 Query Results JSON Format",
    "properties": {
        "head": {"type": "object"},
        "results": {"type": "object", "properties": {"bindings": {"type": "array"}}},
        "boolean": {"type": "boolean"},
    },
    "required": ["head"],
}
SPARQL_ANSWERS = (
    "application/sparql-results+json",
    "application/sparql-results+xml",
    "text/csv",
    "text/tab-separated-values",
    *RDF_MEDIA,
    "text/html",
)
LIST_OF_IRIS = {"type": "array", "items": {"type": "string", "format": "uri"}}
FORMAT_VALUES = {
    "type": "array",
    "items": {"type": "string"},
    "description": "json, xml, csv, tsv (SELECT, ASK); turtle, n3, ntriples, jsonld, rdfxml, rdf, json, xml "
    "(CONSTRUCT, DESCRIBE); or a media type. May be repeated (as SPARQLWrapper does); a format the query "
    "form does not have leaves the choice to Accept; ASK has no CSV or TSV.",
}
PROTOCOL_PARAMETERS = {
    "default-graph-uri": (LIST_OF_IRIS, "graphs merged into the default graph; one the service lacks is empty"),
    "named-graph-uri": (LIST_OF_IRIS, "the named graphs; one the service lacks is empty"),
    "format": (FORMAT_VALUES, "the answer's format, else Accept decides"),
    "output": (FORMAT_VALUES, "another name of format"),
}


def query_parameters(*names: str) -> list[dict[str, Any]]:
    return [
        {"name": n, "in": "query", "required": False, "schema": schema, "style": "form", "explode": True,
         "description": description}
        for n, (schema, description) in PROTOCOL_PARAMETERS.items() if n in names
    ]  # fmt: skip


def document_sparql(paths: dict[str, Any]) -> None:
    """The SPARQL 1.1 Protocol's query operation: GET, POST form, POST direct (2.1)."""
    answer = {
        "description": "The answer, in the format asked for (format=, else Accept); without a query, the "
        "service description (RDF), or the query editor for a browser",
        "content": {**content(SPARQL_ANSWERS), "application/sparql-results+json": {"schema": RESULTS_JSON_SCHEMA}},
    }
    refused = problems("400", "406", "413", *STORE_PROBLEMS)
    read_only = {"403": {**refused["400"], "description": "SPARQL Update: this endpoint is read-only"}}
    get = paths[SPARQL_PATH]["get"]
    query = {
        "name": "query",
        "in": "query",
        "required": False,
        "schema": {"type": "string"},
        "description": "the SPARQL 1.1 query; relative IRIs resolve against this endpoint's IRI",
        "example": "SELECT ?s WHERE { ?s a <https://w3id.org/asmk/def#Resolution> } LIMIT 5",
    }
    get["parameters"] = [query, *query_parameters(*PROTOCOL_PARAMETERS)]
    set_responses(get, {"200": answer, **refused, **read_only})
    post = paths[SPARQL_PATH]["post"]
    post["parameters"] = query_parameters(*PROTOCOL_PARAMETERS)
    form = {
        "type": "object",
        "properties": {"query": query["schema"], **{n: schema for n, (schema, _) in PROTOCOL_PARAMETERS.items()}},
        "required": ["query"],
    }
    encoding = {n: {"style": "form", "explode": True} for n in PROTOCOL_PARAMETERS}
    post["requestBody"] = {
        "required": True,
        "content": {
            "application/sparql-query": {"schema": {"type": "string"}, "example": query["example"]},
            "application/x-www-form-urlencoded": {"schema": form, "encoding": encoding},
        },
    }
    set_responses(post, {"200": answer, **refused, **read_only, **problems("415")})


def document_rest(schema: dict[str, Any]) -> None:
    """Each /api route's answer (web/api_models.py), in JSON and JSON-LD, and its refusals."""
    paths, components = schema["paths"], schema["components"]["schemas"]
    keys, definitions = models_json_schema(
        [(model, "serialization") for model in API_MODELS.values()], ref_template="#/components/schemas/{model}"
    )
    components.update(definitions.get("$defs", {}))
    for path, model in API_MODELS.items():
        ref = keys[(model, "serialization")]
        operation = paths[path]["get"]
        answer = {
            "description": "JSON, or JSON-LD with Accept: application/ld+json (its nulls left out)",
            "content": {m: {"schema": ref} for m in ("application/json", "application/ld+json")},
            "headers": {"Link": {"schema": TEXT, "description": "the JSON-LD context (rel=...json-ld#context)"}},
        }
        codes = ("400", "404", "406", *STORE_PROBLEMS) if "{" in path else ("400", "406", *STORE_PROBLEMS)
        set_responses(operation, {"200": answer, **problems(*codes)})
    for parameter in paths["/api/resolutions"]["get"]["parameters"]:
        if parameter["name"] == "state":
            parameter["schema"] = {"type": "string", "pattern": STATE_CODE.pattern, "example": "DE-NW"}
        elif parameter["name"] == "outcome":
            parameter["schema"] = {"type": "string", "enum": list(OUTCOMES)}


def document_catalog(paths: dict[str, Any]) -> None:
    negotiated = ok("The description, in the negotiated media type", (*RDF_MEDIA, "text/html"), headers=True)
    for path in ("/catalog", "/.well-known/void"):
        operation = paths[path]["get"]
        operation["parameters"] = [*operation.get("parameters", []), *CONDITIONAL_HEADERS]
        set_responses(operation, {"200": negotiated, "304": NOT_MODIFIED, **problems("406", "503")})


def document_reconcile(paths: dict[str, Any]) -> None:
    """W3C Reconciliation API 0.2: JSON, or JSONP with callback=."""
    answer = {
        "description": "JSON, or JSONP when callback= is given",
        "content": {"application/json": {"schema": {"type": "object"}}, "application/javascript": {"schema": TEXT}},
    }
    type_schema = {"type": "string", "enum": list(TYPES)}
    callback = {
        "name": "callback",
        "in": "query",
        "required": False,
        "schema": {"type": "string", "pattern": CALLBACK.pattern},
    }
    json_text = {"type": "string", "contentMediaType": "application/json"}
    service = paths["/reconcile"]
    service["get"]["parameters"] = [
        {"name": "queries", "in": "query", "required": False, "schema": json_text, "description": "a query batch"},
        {"name": "extend", "in": "query", "required": False, "schema": json_text, "description": "a data extension"},
        callback,
    ]
    set_responses(service["get"], {"200": answer, **problems("400", *STORE_PROBLEMS)})
    form = {"type": "object", "properties": {"queries": json_text, "extend": json_text}}
    service["post"]["requestBody"] = {
        "required": True,
        "content": {"application/x-www-form-urlencoded": {"schema": form}},
    }
    set_responses(service["post"], {"200": answer, **problems("400", "415", *STORE_PROBLEMS)})
    for path, operation in ((p, ops["get"]) for p, ops in paths.items() if p.startswith("/reconcile/")):
        for parameter in operation.get("parameters", []):
            if parameter["name"] == "type":
                parameter["schema"] = {"anyOf": [type_schema, {"type": "null"}]}
        operation["parameters"] = [*operation.get("parameters", []), callback]
        if path == "/reconcile/preview":
            card = {"description": "an HTML card of the entity", "content": content(["text/html"])}
            set_responses(operation, {"200": card, **problems("400", "404", *STORE_PROBLEMS)})
        else:
            set_responses(operation, {"200": answer, **problems("400", *STORE_PROBLEMS)})


def document_api(app: FastAPI, context_resources: list[str], dump_names: tuple[str, ...]) -> None:
    """Make app.openapi() state what the routes do (once; the result is cached like FastAPI's)."""
    make_schema: Callable[[], dict[str, Any]] = app.openapi
    done: list[dict[str, Any]] = []

    def openapi() -> dict[str, Any]:
        if done:
            return done[0]
        schema = make_schema()
        paths = schema["paths"]
        document_linked_data(paths)
        document_dumps(paths, dump_names)
        document_contexts(paths, context_resources)
        document_health(paths)
        document_sparql(paths)
        document_rest(schema)
        document_catalog(paths)
        document_reconcile(paths)
        done.append(schema)
        return schema

    app.openapi = openapi  # type: ignore[method-assign]
