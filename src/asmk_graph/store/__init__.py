"""Stage 4: the query side. A store (embedded Oxigraph or a remote SPARQL endpoint), the answers
it gives, the worker processes that run user queries, and loading a SPARQL server."""

from .stores import (
    BadEndpointAnswer,
    EndpointDown,
    EndpointTimeout,
    OxigraphStore,
    QueryError,
    QueryTimeout,
    RemoteStore,
    Store,
    StoreError,
)

__all__ = [
    "BadEndpointAnswer",
    "EndpointDown",
    "EndpointTimeout",
    "OxigraphStore",
    "QueryError",
    "QueryTimeout",
    "RemoteStore",
    "Store",
    "StoreError",
]
