"""Stage 4: the query side. A store (embedded Oxigraph or a remote SPARQL endpoint), the answers
it gives, the worker processes that run user queries, and loading a SPARQL server."""

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
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


def __getattr__(name: str) -> Any:
    """Lazy: a query worker imports store.worker without loading rdflib and SPARQLWrapper."""
    if name in __all__:
        from . import stores

        return getattr(stores, name)
    raise AttributeError(name)
