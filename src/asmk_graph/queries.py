"""Named SPARQL queries (.rq files with grlc-style headers) and safe parameter binding.

A query's parameters are variables named ?_name. Values are checked, turned into typed RDF
terms, and bound through a VALUES block placed at the start of the first WHERE group (absent
ones are left out and stay unbound); a list binds one parameter to several values (one VALUES
row each, none for an empty list, which then matches nothing), so every
query runs unchanged on any SPARQL 1.1 store and user input is never spliced in as text.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from rdflib import Literal, URIRef

HEADER = re.compile(r"^#\+\s*(\w+):\s*(.*)$")
PARAM = re.compile(r"\?_([A-Za-z][A-Za-z0-9]*)")
WHERE = re.compile(r"\bWHERE\s*\{", re.IGNORECASE)

Term = Literal | URIRef


@dataclass(frozen=True)
class NamedQuery:
    name: str
    path: Path
    text: str
    summary: str
    tags: tuple[str, ...]
    params: tuple[str, ...]
    meta: dict[str, str] = field(default_factory=dict)

    def bind(self, values: Mapping[str, Term | None], lists: Mapping[str, Sequence[Term]] | None = None) -> str:
        """The query text with ?_name parameters bound; an absent value stays unbound.

        lists binds a parameter to any of several values (e.g. the IRIs a search found)."""
        lists = lists or {}
        unknown = (set(values) | set(lists)) - set(self.params)
        if unknown:
            raise ValueError(f"{self.name}: unknown parameter(s) {', '.join(sorted(unknown))}")
        given = [p for p in self.params if values.get(p) is not None]
        blocks = []
        if given:  # unbound parameters simply stay unbound (an all-UNDEF row slows Virtuoso 5x)
            names = " ".join(f"?_{p}" for p in given)
            row = " ".join(values[p].n3() for p in given)  # type: ignore[union-attr]
            blocks.append(f"VALUES ({names}) {{ ({row}) }}")
        for name, terms in lists.items():
            blocks.append(f"VALUES ?_{name} {{ {' '.join(term.n3() for term in terms)} }}")
        if not blocks:
            return self.text
        match = WHERE.search(self.text)
        if not match:
            raise ValueError(f"{self.name}: a query with parameters needs a WHERE {{ ... }} group")
        block = "".join(f"\n  {b}" for b in blocks) + "\n"
        return self.text[: match.end()] + block + self.text[match.end() :]


def parse_query_file(path: Path, root: Path) -> NamedQuery:
    text = path.read_text(encoding="utf-8")
    meta: dict[str, str] = {}
    for line in text.splitlines():
        m = HEADER.match(line.strip())
        if m:
            meta[m.group(1)] = m.group(2).strip()
    name = str(path.relative_to(root).with_suffix(""))
    params = tuple(dict.fromkeys(PARAM.findall(text)))
    tags = tuple(t.strip() for t in meta.get("tags", "").split(",") if t.strip())
    return NamedQuery(name, path, text, meta.get("summary", ""), tags, params, meta)


def load_queries(queries_dir: Path) -> dict[str, NamedQuery]:
    """All .rq files below queries_dir, keyed by their path without suffix (e.g. api/states)."""
    return {q.name: q for q in (parse_query_file(p, queries_dir) for p in sorted(queries_dir.rglob("*.rq")))}
