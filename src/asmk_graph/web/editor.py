"""The SPARQL editor page at /sparql for browsers: YASGUI (vendored from npm) with the project's
prefixes declared and the competency questions (queries/cq/*.rq) as a gallery of examples.

An example's title is its `#+ title:` header, else its `#+ summary:`; its description is the
`#+ description:` header. The editor runs queries against this server's /sparql only; results
show as a table and, where a query returns a label and a number, as a bar chart (static/editor.js).
"""

from __future__ import annotations

from typing import Any

from fastapi import Request
from fastapi.responses import Response

from ..namespaces import PREFIXES
from ..queries import NamedQuery
from .templating import render_page

EXAMPLE_FOLDER = "cq/"
STARTER = """SELECT ?meeting ?label ?date (COUNT(?resolution) AS ?resolutions) WHERE {
  ?meeting a asmk:MainConference ; rdfs:label ?label . FILTER (LANG(?label) = "de")
  OPTIONAL { ?meeting schema:startDate ?date }
  OPTIONAL { ?resolution asmk:adoptedAt ?meeting }
}
GROUP BY ?meeting ?label ?date
ORDER BY ?date
"""


def prefix_block() -> str:
    return "".join(f"PREFIX {prefix}: <{namespace}>\n" for prefix, namespace in sorted(PREFIXES.items()))


def without_header(text: str) -> str:
    """The query text without its `#+` header lines (the gallery shows those as title and description)."""
    return "".join(line for line in text.splitlines(keepends=True) if not line.lstrip().startswith("#+")).lstrip()


def examples(queries: dict[str, NamedQuery]) -> list[dict[str, Any]]:
    found = []
    for name, query in sorted(queries.items()):
        if name.startswith(EXAMPLE_FOLDER):
            found.append(
                {
                    "name": name.removeprefix(EXAMPLE_FOLDER),
                    "title": query.meta.get("title") or query.summary or name,
                    "description": query.meta.get("description", ""),
                    "text": without_header(query.text),
                }
            )
    return found


def editor_page(request: Request, queries: dict[str, NamedQuery], base: str, installed: bool) -> Response:
    return render_page(
        request,
        "sparql.html",
        base,
        examples=examples(queries),
        starter=prefix_block() + "\n" + STARTER,
        installed=installed,
        base=base,
        prefixes={**PREFIXES, "id": base + "id/"},
    )
