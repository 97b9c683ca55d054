"""The query side: an embedded Oxigraph store loaded from the built dumps and the ontology."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pyoxigraph as ox

from .paths import ProjectPaths

RESULT_FORMATS = {
    "json": ox.QueryResultsFormat.JSON,
    "xml": ox.QueryResultsFormat.XML,
    "csv": ox.QueryResultsFormat.CSV,
    "tsv": ox.QueryResultsFormat.TSV,
}


class QueryError(ValueError):
    """The query could not be parsed or evaluated; the message is the engine's."""


def term_value(term: Any) -> Any:
    """A plain Python value for a query result term (IRIs and strings as str, numbers as numbers)."""
    if term is None:
        return None
    if isinstance(term, ox.Literal):
        dtype = term.datatype.value.rsplit("#", 1)[-1]
        if dtype in {"integer", "positiveInteger", "int", "long", "nonNegativeInteger"}:
            return int(term.value)
        if dtype == "boolean":
            return term.value == "true"
        return term.value
    return term.value


class OxigraphStore:
    def __init__(self, files: list[Path]) -> None:
        self.store = ox.Store()
        for path in files:
            fmt = ox.RdfFormat.N_TRIPLES if path.suffix == ".nt" else ox.RdfFormat.TURTLE
            self.store.bulk_load(path=str(path), format=fmt)

    @classmethod
    def from_project(cls, paths: ProjectPaths, graph_file: Path | None = None) -> OxigraphStore:
        graph = graph_file or paths.graph_dir / "asmk.nt"
        if not graph.exists():
            raise FileNotFoundError(f"{graph} is missing: run 'asmk-graph build' first")
        return cls([graph, paths.ontology])

    def __len__(self) -> int:
        return len(self.store)

    def _run(self, query: str) -> Any:
        try:
            return self.store.query(query)
        except SyntaxError as exc:
            raise QueryError(str(exc)) from exc
        except OSError as exc:
            raise QueryError(str(exc)) from exc

    def select(self, query: str) -> list[dict[str, Any]]:
        results = self._run(query)
        if not isinstance(results, ox.QuerySolutions):
            raise QueryError("expected a SELECT query")
        names = [v.value for v in results.variables]
        return [{n: term_value(sol[n]) for n in names} for sol in results]

    def ask(self, query: str) -> bool:
        result = self._run(query)
        if not isinstance(result, ox.QueryBoolean):
            raise QueryError("expected an ASK query")
        return bool(result)

    def serialize(self, query: str, result_format: str, max_rows: int | None = None) -> bytes:
        """SELECT/ASK results as json|xml|csv|tsv; CONSTRUCT/DESCRIBE as N-Triples.

        With max_rows, a SELECT answer longer than that is refused rather than cut silently.
        """
        result = self._run(query)
        if isinstance(result, ox.QueryTriples):
            return result.serialize(format=ox.RdfFormat.N_TRIPLES) or b""
        if max_rows is not None and isinstance(result, ox.QuerySolutions):
            rows = list(result)
            if len(rows) > max_rows:
                raise QueryError(f"the result has more than {max_rows} rows; add a LIMIT or page with OFFSET")
            result = self._run(query)
        return result.serialize(format=RESULT_FORMATS[result_format]) or b""
