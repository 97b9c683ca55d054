"""Where the project's files live. Everything is relative to the project root."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path


def _default_root() -> Path:
    env = os.environ.get("ASMK_ROOT")
    if env:
        return Path(env).resolve()
    # src/asmk_graph/paths.py -> project root (editable install / source checkout)
    here = Path(__file__).resolve().parents[2]
    if (here / "ontology").is_dir():
        return here
    return Path.cwd()


@dataclass(frozen=True)
class ProjectPaths:
    root: Path

    @property
    def data(self) -> Path:
        return self.root / "data"

    @property
    def ontology(self) -> Path:
        return self.root / "ontology" / "asmk.ttl"

    @property
    def ontology_imports(self) -> Path:
        return self.root / "ontology" / "imports.ttl"

    @property
    def shapes_dir(self) -> Path:
        return self.root / "shapes"

    @property
    def graph_dir(self) -> Path:
        return self.root / "graph"

    @property
    def queries(self) -> Path:
        return self.root / "queries"

    @property
    def seeds(self) -> Path:
        """The source documents, beside the project when present (not needed to build)."""
        return self.root.parent / "shared" / "seeds"


def project_paths(root: Path | None = None) -> ProjectPaths:
    return ProjectPaths(root.resolve() if root else _default_root())
