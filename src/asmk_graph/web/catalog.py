"""/catalog (DCAT-AP.de catalogue) and /.well-known/void, /void (VoID), by content negotiation.

Both documents are written by the build into graph/ (graph/catalog.py); they are read once here.
"""

from __future__ import annotations

from pathlib import Path

from fastapi import APIRouter, HTTPException, Request
from fastapi.responses import Response
from rdflib import Graph

from ..graph.catalog import CATALOG_FILE, VOID_FILE
from .linked_data import OFFERED, negotiate, render


def _load(path: Path) -> Graph | None:
    return Graph().parse(path, format="turtle") if path.is_file() else None


def catalog_router(graph_dir: Path) -> APIRouter:
    router = APIRouter(tags=["linked data"])
    documents = {
        "catalog": (_load(graph_dir / CATALOG_FILE), "Katalog des ASMK-Wissensgraphen (DCAT-AP.de)"),
        "void": (_load(graph_dir / VOID_FILE), "VoID-Beschreibung des ASMK-Wissensgraphen"),
    }

    def answer(request: Request, name: str) -> Response:
        graph, title = documents[name]
        if graph is None:
            missing = CATALOG_FILE if name == "catalog" else VOID_FILE
            raise HTTPException(503, f"graph/{missing} is missing: run 'asmk-graph build'")
        media = negotiate(request.headers.get("accept"))
        if media is None:
            raise HTTPException(406, f"offered: {', '.join(OFFERED)}")
        return Response(render(graph, media, title, {}), media_type=media, headers={"Vary": "Accept"})

    @router.get("/catalog", name="catalog")
    def catalog(request: Request) -> Response:
        """The DCAT-AP.de 3.0 catalogue: dataset, distributions with sizes and checksums, SPARQL service, VoID."""
        return answer(request, "catalog")

    @router.get("/.well-known/void", name="void")
    def well_known_void(request: Request) -> Response:
        """The VoID description: counts, class and property partitions, linksets (VoID section 7.2)."""
        return answer(request, "void")

    @router.get("/void", include_in_schema=False)
    def void(request: Request) -> Response:
        return answer(request, "void")

    return router
