"""/reconcile: the W3C Entity Reconciliation CG API, version 0.2 (the one OpenRefine speaks).

GET /reconcile                       the service manifest
GET|POST /reconcile  queries={...}   reconciliation of a batch of queries
GET|POST /reconcile  extend={...}    data extension: property values of reconciled entities
GET /reconcile/suggest/entity|type|property?prefix=...   auto-completion
GET /reconcile/preview?id=...        a small HTML card of an entity
GET /reconcile/propose_properties?type=...               properties offered for extension

Every GET answer is also available as JSONP (callback=name), and carries
Access-Control-Allow-Origin: *, so browser-side widgets can call it. Requests are checked against
the shapes of the specification's JSON Schemas (reconciliation-query-batch, data-extension-query);
what does not fit is answered with 400 and a message that says what and where. Entity ids are
paths under the graph's /id/ (e.g. "person/manne-lucha"); the manifest's view template turns them
into the Linked Data pages of this service.
"""

from __future__ import annotations

import asyncio
import html
import json
import re
import threading
from typing import Any

from fastapi import APIRouter, HTTPException, Request
from fastapi.responses import HTMLResponse, Response

from .. import __version__
from ..queries import NamedQuery
from ..store.stores import Store
from .matching import (
    PROPERTIES,
    TYPES,
    Index,
    Ref,
    Value,
    all_properties,
    is_match,
    prefix_filter,
    rank,
    suggest,
)

QUERY_KEYS = {"query", "type", "limit", "properties", "type_strict"}
CALLBACK = re.compile(r"^[A-Za-z_$][A-Za-z0-9_$.]{0,63}$")
DEFAULT_LIMIT, MAX_LIMIT, MAX_BATCH = 5, 50, 1000
SUGGEST_LIMIT = 10
CORS = {"Access-Control-Allow-Origin": "*"}
# OpenRefine shows the preview card in an iframe of its own page: this one page may be framed anywhere
# (CSP frame-ancestors wins over the X-Frame-Options the service sends elsewhere)
PREVIEW_CSP = "default-src 'none'; style-src 'unsafe-inline'; base-uri 'none'; form-action 'none'; frame-ancestors *"


class BadRequest(HTTPException):
    def __init__(self, detail: str) -> None:
        super().__init__(400, detail)


# --------------------------------------------------------------------------- requests


def parse_json(text: str, what: str) -> Any:
    try:
        return json.loads(text)
    except json.JSONDecodeError as exc:
        raise BadRequest(f"{what}: not valid JSON ({exc.msg} at character {exc.pos})") from exc


def check_query_batch(batch: Any) -> dict[str, dict[str, Any]]:
    """A reconciliation query batch as the 0.2 JSON Schema defines it; BadRequest naming the fault."""
    if not isinstance(batch, dict):
        raise BadRequest('queries: expected a JSON object of queries by key, e.g. {"q0": {"query": "Lucha"}}')
    if len(batch) > MAX_BATCH:
        raise BadRequest(f"queries: at most {MAX_BATCH} queries per batch")
    for key, q in batch.items():
        where = f"queries.{key}"
        if not isinstance(q, dict):
            raise BadRequest(f"{where}: expected an object")
        unknown = set(q) - QUERY_KEYS
        if unknown:
            raise BadRequest(
                f"{where}: unknown field(s) {', '.join(sorted(unknown))}; allowed: {', '.join(sorted(QUERY_KEYS))}"
            )
        if "query" in q and not isinstance(q["query"], str):
            raise BadRequest(f"{where}.query: expected a string")
        props = q.get("properties")
        if "query" not in q and not (isinstance(props, list) and props):
            raise BadRequest(f"{where}: needs a 'query' string or a non-empty 'properties' list")
        kind = q.get("type")
        if kind is not None and not (
            isinstance(kind, str) or (isinstance(kind, list) and all(isinstance(t, str) for t in kind))
        ):
            raise BadRequest(f"{where}.type: expected a type id or a list of type ids")
        limit = q.get("limit")
        if limit is not None and (isinstance(limit, bool) or not isinstance(limit, int | float)):
            raise BadRequest(f"{where}.limit: expected a number")
        if "type_strict" in q and q["type_strict"] not in ("any", "should", "all"):
            raise BadRequest(f"{where}.type_strict: expected any, should or all")
        if props is not None:
            if not isinstance(props, list):
                raise BadRequest(f"{where}.properties: expected a list")
            for i, p in enumerate(props):
                if not isinstance(p, dict) or not isinstance(p.get("pid"), str) or "v" not in p:
                    raise BadRequest(f"{where}.properties[{i}]: expected an object with 'pid' (string) and 'v'")
                values = p["v"] if isinstance(p["v"], list) else [p["v"]]
                for v in values:
                    if not (
                        isinstance(v, str | int | float | bool)
                        or (isinstance(v, dict) and isinstance(v.get("id"), str))
                    ):
                        raise BadRequest(
                            f'{where}.properties[{i}].v: expected strings, numbers, booleans or {{"id": ...}}'
                        )
    return batch


def query_types(q: dict[str, Any], where: str) -> list[str]:
    kind = q.get("type")
    types = [kind] if isinstance(kind, str) else list(kind or [])
    unknown = [t for t in types if t not in TYPES]
    if unknown:
        raise BadRequest(f"{where}.type: unknown type {unknown[0]!r}; types: {', '.join(TYPES)}")
    return types or list(TYPES)


def query_constraints(q: dict[str, Any], types: list[str], where: str) -> list[tuple[str, Any]]:
    constraints = []
    for i, p in enumerate(q.get("properties") or []):
        if not any(p["pid"] in PROPERTIES[t] for t in types):
            offered = sorted({pid for t in types for pid in PROPERTIES[t]})
            raise BadRequest(f"{where}.properties[{i}].pid: {p['pid']!r} is no property of {', '.join(types)}; "
                             f"properties: {', '.join(offered)}")  # fmt: skip
        constraints.append((p["pid"], p["v"]))
    return constraints


def check_extend(request: Any) -> tuple[list[str], list[str]]:
    """A data extension query (0.2 schema): ids and property ids; BadRequest naming the fault."""
    if not isinstance(request, dict) or not isinstance(request.get("ids"), list) or "properties" not in request:
        raise BadRequest('extend: expected {"ids": [...], "properties": [{"id": ...}, ...]}')
    if not all(isinstance(i, str) for i in request["ids"]):
        raise BadRequest("extend.ids: expected a list of entity ids (strings)")
    props = request["properties"]
    if not isinstance(props, list) or not all(isinstance(p, dict) and isinstance(p.get("id"), str) for p in props):
        raise BadRequest("extend.properties: expected a list of objects with an 'id'")
    known = all_properties()
    for i, p in enumerate(props):
        if p["id"] not in known:
            raise BadRequest(
                f"extend.properties[{i}].id: unknown property {p['id']!r}; properties: {', '.join(sorted(known))}"
            )
    return request["ids"], [p["id"] for p in props]


# --------------------------------------------------------------------------- answers


def type_ref(name: str) -> dict[str, str]:
    return {"id": name, "name": TYPES[name]}


def manifest(site: str, base: str) -> dict[str, Any]:
    here = site + "reconcile"
    return {
        "versions": ["0.2"],
        "name": "ASMK-Wissensgraph (Arbeits- und Sozialministerkonferenz)",
        "identifierSpace": base + "id/",
        "schemaSpace": "https://w3id.org/asmk/def#",
        "documentation": site + "docs#/reconciliation",
        "serviceVersion": __version__,
        "defaultTypes": [type_ref(t) for t in TYPES],
        "view": {"url": site + "id/{{id}}"},
        "preview": {"url": here + "/preview?id={{id}}", "width": 420, "height": 140},
        "suggest": {
            "entity": {"service_url": here, "service_path": "/suggest/entity"},
            "type": {"service_url": here, "service_path": "/suggest/type"},
            "property": {"service_url": here, "service_path": "/suggest/property"},
        },
        "extend": {"propose_properties": {"service_url": here, "service_path": "/propose_properties"}},
    }


def reconcile_batch(index: Index, batch: dict[str, dict[str, Any]]) -> dict[str, Any]:
    out = {}
    for key, q in batch.items():
        where = f"queries.{key}"
        types = query_types(q, where)
        constraints = query_constraints(q, types, where)
        limit = min(int(q.get("limit") or DEFAULT_LIMIT), MAX_LIMIT)
        candidates = rank(index, q.get("query", ""), types, constraints, max(limit, 2))
        certain = is_match(candidates)
        out[key] = {
            "result": [
                {
                    "id": c.entity.id,
                    "name": c.entity.name,
                    "description": c.entity.description,
                    "score": c.score,
                    "match": certain and i == 0,
                    "type": [type_ref(c.entity.type)],
                    "features": [{"id": fid, "value": value} for fid, value in c.features],
                }
                for i, c in enumerate(candidates[: max(limit, 1)])
            ]
        }
    return out


def _cell(value: Value) -> dict[str, Any]:
    if isinstance(value, Ref):
        return {"id": value.id, "name": value.name}
    if isinstance(value, bool):
        return {"str": str(value).lower()}
    if isinstance(value, int):
        return {"int": value}
    if re.fullmatch(r"\d{4}-\d{2}-\d{2}", value):
        return {"date": f"{value}T00:00:00Z"}
    return {"str": value}


def extend(index: Index, ids: list[str], pids: list[str]) -> dict[str, Any]:
    known = all_properties()
    meta = []
    for pid in pids:
        entry: dict[str, Any] = {"id": pid, "name": known[pid].name}
        if known[pid].type:
            entry["type"] = type_ref(known[pid].type)  # type: ignore[arg-type]
        meta.append(entry)
    rows: dict[str, Any] = {}
    for entity_id in ids:
        entity = index.entities.get(entity_id)
        values = entity.values if entity else {}
        rows[entity_id] = {pid: [_cell(v) for v in values.get(pid, [])] for pid in pids}
    return {"meta": meta, "rows": rows}


def propose(type_id: str | None, limit: int | None) -> dict[str, Any]:
    if type_id is not None and type_id not in TYPES:
        raise BadRequest(f"type: unknown type {type_id!r}; types: {', '.join(TYPES)}")
    props = list(PROPERTIES[type_id].values()) if type_id else list(all_properties().values())
    props = props[:limit] if limit else props
    answer: dict[str, Any] = {"properties": [{"id": p.id, "name": p.name, "description": p.description} for p in props]}
    if type_id:
        answer["type"] = type_id
    if limit:
        answer["limit"] = limit
    return answer


def preview_html(index: Index, entity_id: str, site: str) -> str:
    entity = index.entities.get(entity_id)
    if entity is None:
        raise HTTPException(404, f"no entity {entity_id!r}")
    facts = "".join(
        f"<dt>{html.escape(PROPERTIES[entity.type][pid].name)}</dt>"
        f"<dd>{html.escape(', '.join(v.name if isinstance(v, Ref) else str(v) for v in values))}</dd>"
        for pid, values in entity.values.items()
        if values and pid in PROPERTIES[entity.type]
    )
    link = html.escape(site + "id/" + entity.id)
    return (
        '<!DOCTYPE html><html lang="de"><head><meta charset="utf-8"><style>body{font:13px sans-serif;margin:4px}'
        "dt{float:left;clear:left;width:9em;color:#555}dd{margin-left:9.5em}</style></head><body>"
        f'<strong><a href="{link}" target="_blank">{html.escape(entity.name)}</a></strong> '
        f"<small>{html.escape(TYPES[entity.type])}</small><div>{html.escape(entity.description)}</div>"
        f"<dl>{facts}</dl></body></html>"
    )


# --------------------------------------------------------------------------- routes


def json_answer(request: Request, body: Any) -> Response:
    """JSON, or JSONP when a callback is named (GET only, as the specification allows)."""
    text = json.dumps(body, ensure_ascii=False)
    callback = request.query_params.get("callback")
    if callback is None or request.method != "GET":
        return Response(text, media_type="application/json", headers=CORS)
    if not CALLBACK.match(callback):
        raise BadRequest("callback: expected a JavaScript function name")
    return Response(f"/**/{callback}({text});", media_type="application/javascript", headers=CORS)


def reconcile_router(store: Store, queries: dict[str, NamedQuery], base: str, public_url: str) -> APIRouter:
    """public_url: where clients reach the service; the manifest's links are built from it."""
    router = APIRouter(prefix="/reconcile", tags=["reconciliation"])
    cache: dict[str, Index] = {}
    lock = threading.Lock()

    def index() -> Index:
        with lock:  # built once, on first use, from the store
            if "index" not in cache:
                cache["index"] = Index.from_store(store, queries)
            return cache["index"]

    site = public_url.rstrip("/") + "/"

    async def service(request: Request, params: dict[str, str]) -> Response:
        if "queries" in params:
            batch = check_query_batch(parse_json(params["queries"], "queries"))
            idx = await asyncio.to_thread(index)
            return json_answer(request, await asyncio.to_thread(reconcile_batch, idx, batch))
        if "extend" in params:
            ids, pids = check_extend(parse_json(params["extend"], "extend"))
            return json_answer(request, extend(await asyncio.to_thread(index), ids, pids))
        unexpected = set(params) - {"callback"}
        if unexpected:
            raise BadRequest(f"unknown parameter(s) {', '.join(sorted(unexpected))}: send queries=... or extend=...")
        return json_answer(request, manifest(site, base))

    @router.get("", name="reconcile")
    async def reconcile_get(request: Request) -> Response:
        """Without parameters the service manifest; with queries=... a reconciliation batch; with
        extend=... a data extension (W3C Reconciliation API 0.2)."""
        return await service(request, dict(request.query_params))

    @router.post("")
    async def reconcile_post(request: Request) -> Response:
        """queries=... or extend=..., form-encoded (as OpenRefine sends them)."""
        ctype = request.headers.get("content-type", "").split(";")[0].strip().lower()
        if ctype not in ("application/x-www-form-urlencoded", "multipart/form-data"):
            raise HTTPException(415, "send queries=... or extend=... as application/x-www-form-urlencoded")
        form = await request.form()
        return await service(request, {k: v for k, v in form.items() if isinstance(v, str)})

    @router.get("/suggest/entity")
    async def suggest_entity(request: Request, prefix: str = "", type: str | None = None, cursor: int = 0) -> Response:
        """Entities whose name starts with (or resembles) the prefix."""
        types = query_types({"type": type}, "type") if type else []
        found = suggest(await asyncio.to_thread(index), prefix, types, SUGGEST_LIMIT, max(cursor, 0))
        result = [
            {"id": e.id, "name": e.name, "description": e.description, "notable": [type_ref(e.type)]} for e in found
        ]
        return json_answer(request, {"result": result})

    @router.get("/suggest/type")
    def suggest_type(request: Request, prefix: str = "") -> Response:
        """The entity types, filtered by prefix."""
        result = [type_ref(t) for t, _ in prefix_filter(TYPES.items(), prefix)]
        return json_answer(request, {"result": result})

    @router.get("/suggest/property")
    def suggest_property(request: Request, prefix: str = "", type: str | None = None) -> Response:
        """Properties (of a type, if given), filtered by prefix."""
        props = PROPERTIES[query_types({"type": type}, "type")[0]] if type else all_properties()
        pairs = prefix_filter(((p.id, p.name) for p in props.values()), prefix)
        result = [{"id": pid, "name": name, "description": props[pid].description} for pid, name in pairs]
        return json_answer(request, {"result": result})

    @router.get("/preview", response_class=HTMLResponse)
    async def preview(request: Request, id: str) -> HTMLResponse:
        """A small HTML card of an entity, for OpenRefine's preview pop-up."""
        headers = {**CORS, "Content-Security-Policy": PREVIEW_CSP}
        return HTMLResponse(preview_html(await asyncio.to_thread(index), id, site), headers=headers)

    @router.get("/propose_properties")
    def propose_properties(request: Request, type: str | None = None, limit: int | None = None) -> Response:
        """The properties offered for data extension of a type."""
        return json_answer(request, propose(type, limit))

    return router
