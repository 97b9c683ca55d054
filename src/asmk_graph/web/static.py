"""Files for browsers, all served from this host: the pages' own CSS and JS (web/static/), the
vendored assets installed from the npm registry into node_modules/ (package.json, `make install`),
and the API documentation pages /docs (Swagger UI) and /redoc (ReDoc) built on them.

No page loads anything from another host. The HTML here carries no inline script, so the pages
work under a Content-Security-Policy without 'unsafe-inline' for scripts (see docs/pages.md).
"""

from __future__ import annotations

from pathlib import Path

from fastapi import FastAPI, Request
from fastapi.responses import Response
from fastapi.staticfiles import StaticFiles

from ..paths import ProjectPaths
from .templating import SPARQL_PATH, WEB_DIR, render_page

# The Content-Security-Policy these pages work under (the browser tests apply it and fail on any
# violation). Scripts, styles, images, fonts and fetches come from this host only; no inline script,
# no inline style, no eval. Embedded JSON-LD (<script type="application/ld+json">) is data, not
# script, and is not subject to script-src.
PAGES_CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; font-src 'self' data:; "
    "connect-src 'self'; worker-src 'self' blob:; object-src 'none'; base-uri 'self'; form-action 'self'; "
    "frame-ancestors 'none'"
)
# Two pages need inline styles: YASGUI's table column resizer (/sparql) and ReDoc's styled-components
# (/redoc) insert <style> elements at run time. Scripts stay 'self' only there too.
INLINE_STYLE_PATHS = (SPARQL_PATH, "/redoc")


def csp_for(path: str) -> str:
    """The Content-Security-Policy the page at path works under."""
    if path in INLINE_STYLE_PATHS:
        return PAGES_CSP.replace("style-src 'self'", "style-src 'self' 'unsafe-inline'")
    return PAGES_CSP


# URL path under /vendor/ -> folder inside node_modules/
VENDORED = {
    "yasgui": "@zazuko/yasgui/build",
    "chart.js": "chart.js/dist",
    "swagger-ui": "swagger-ui-dist",
    "redoc": "redoc/bundles",
}


def node_modules(paths: ProjectPaths) -> Path:
    return paths.root / "node_modules"


def assets_installed(paths: ProjectPaths) -> bool:
    return all((node_modules(paths) / folder).is_dir() for folder in VENDORED.values())


def add_static(app: FastAPI, paths: ProjectPaths) -> None:
    app.mount("/static", StaticFiles(directory=WEB_DIR / "static"), name="static")
    for name, folder in VENDORED.items():
        # check_dir=False: without `make install` the app still starts; the pages say what is missing
        app.mount(f"/vendor/{name}", StaticFiles(directory=node_modules(paths) / folder, check_dir=False), name=name)
    installed = assets_installed(paths)

    @app.get("/docs", include_in_schema=False)
    def swagger_ui(request: Request) -> Response:
        return render_page(request, "docs.html", "", installed=installed, openapi_url=app.openapi_url)

    @app.get("/redoc", include_in_schema=False)
    def redoc(request: Request) -> Response:
        return render_page(request, "redoc.html", "", installed=installed, openapi_url=app.openapi_url)
