"""One error shape for the whole application: RFC 9457 problem details, or an HTML page for browsers.

Routes raise `HTTPException(status, detail, headers=...)` (or a store.StoreError); the handlers
here turn it into `application/problem+json` with type, title, status, detail and instance, keeping
the exception's headers (Retry-After, Allow, ...). A client that prefers text/html (a browser)
gets the same facts as a page. FastAPI's request validation errors (422 with a list) become a 400
problem naming each parameter, under `invalid-params` as in RFC 9457's example.
"""

from __future__ import annotations

import json
from http import HTTPStatus
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import Response
from starlette.exceptions import HTTPException as StarletteHTTPException

from ..store.stores import StoreError
from .templating import render_page, wants_html

PROBLEM_MEDIA = "application/problem+json"


def problem_response(
    request: Request,
    status: int,
    detail: str,
    base: str,
    headers: dict[str, str] | None = None,
    extra: dict[str, Any] | None = None,
) -> Response:
    title = HTTPStatus(status).phrase if status in HTTPStatus._value2member_map_ else "Error"
    instance = request.url.path + (f"?{request.url.query}" if request.url.query else "")
    headers = {**(headers or {}), "Vary": "Accept"}
    if wants_html(request, PROBLEM_MEDIA):
        page = render_page(request, "error.html", base, status, title=title, status=status, detail=detail)
        page.headers.update(headers)
        return page
    body = {"type": "about:blank", "title": title, "status": status, "detail": detail, "instance": instance}
    body.update(extra or {})
    content = json.dumps(body, ensure_ascii=False).encode()
    return Response(content, status_code=status, media_type=PROBLEM_MEDIA, headers=headers)


def parameter_name(location: tuple[Any, ...]) -> str:
    """("query", "limit") -> "limit", ("path", "number") -> "number"."""
    return ".".join(str(part) for part in location[1:]) or ".".join(str(part) for part in location)


PROBLEM_SCHEMA = {
    "title": "Problem",
    "description": "RFC 9457 problem details",
    "type": "object",
    "properties": {
        "type": {"type": "string", "example": "about:blank"},
        "title": {"type": "string", "example": "Bad Request"},
        "status": {"type": "integer", "example": 400},
        "detail": {"type": "string", "example": "limit='0': Input should be greater than or equal to 1"},
        "instance": {"type": "string", "example": "/api/states?limit=0"},
        "invalid-params": {"type": "array", "items": {"type": "object"}},
    },
    "required": ["type", "title", "status", "detail", "instance"],
}


def document_problems(app: FastAPI) -> None:
    """The OpenAPI description says what the handlers do: 400 problem details, not FastAPI's 422."""
    make_schema = app.openapi

    def openapi() -> dict[str, Any]:
        if app.openapi_schema:
            return app.openapi_schema
        schema = make_schema()
        problem = {"content": {PROBLEM_MEDIA: {"schema": {"$ref": "#/components/schemas/Problem"}}}}
        for operations in schema.get("paths", {}).values():
            for operation in operations.values():
                responses = operation.get("responses", {})
                if responses.pop("422", None) is not None:
                    responses["400"] = {"description": "Bad request: a parameter is invalid", **problem}
        components = schema.setdefault("components", {}).setdefault("schemas", {})
        for unused in ("HTTPValidationError", "ValidationError"):
            components.pop(unused, None)
        components["Problem"] = PROBLEM_SCHEMA
        app.openapi_schema = schema
        return schema

    app.openapi = openapi  # type: ignore[method-assign]


def add_error_handlers(app: FastAPI, base: str) -> None:
    document_problems(app)

    @app.exception_handler(StarletteHTTPException)
    async def http_error(request: Request, exc: StarletteHTTPException) -> Response:
        return problem_response(request, exc.status_code, str(exc.detail), base, dict(exc.headers or {}))

    @app.exception_handler(StoreError)
    async def store_failed(request: Request, exc: StoreError) -> Response:
        return problem_response(request, exc.status, str(exc), base)

    @app.exception_handler(Exception)
    async def unexpected(request: Request, exc: Exception) -> Response:  # the traceback goes to the log
        return problem_response(request, 500, "internal error: the server could not answer this request", base)

    @app.exception_handler(RequestValidationError)
    async def invalid_request(request: Request, exc: RequestValidationError) -> Response:
        invalid = [
            {"name": parameter_name(tuple(error.get("loc", ()))), "reason": error.get("msg", "invalid")}
            for error in exc.errors()
        ]
        detail = "; ".join(
            f"{p['name']}={request.query_params.get(p['name'])!r}: {p['reason']}"
            if p["name"] in request.query_params
            else f"{p['name']}: {p['reason']}"
            for p in invalid
        )
        return problem_response(request, 400, detail, base, extra={"invalid-params": invalid})
