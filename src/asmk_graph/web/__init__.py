"""Stage 5: the web service: REST, SPARQL protocol, Linked Data, dumps (FastAPI)."""

from .app import create_app

__all__ = ["create_app"]
