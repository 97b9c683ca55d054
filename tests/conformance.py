"""docs/conformance.md, written by the test suite: every test marked `conformance` is one row.

A test is marked `@pytest.mark.conformance(section, check, order=n)`; when it takes the
`live_server` fixture its store is a column, else it has one "any store" column. Its outcome is
the cell: passed, failed, "not applicable" (a skip whose reason starts with NOT_APPLICABLE, the
reason becomes the note) or skipped (the tool it needs is missing). A test may add a note with
`record_property("note", text)`. The file is written only when pytest runs with
`--conformance-report PATH` (as `make test` does), so a partial run never overwrites it; nothing in
it depends on time or port numbers, so the same results write the same file.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

NOT_APPLICABLE = "not applicable: "
ANY_STORE = "any"
COLUMNS = {"oxigraph": "embedded (Oxigraph)", "virtuoso": "Virtuoso", ANY_STORE: "result"}

# section key -> (title, what it checks and how); the order here is the order in the file
SECTIONS: dict[str, tuple[str, str]] = {
    "w3c-protocol": (
        "W3C SPARQL 1.1 Protocol tests",
        "`../shared/conformance/w3c-sparql11/protocol/manifest.ttl` (w3c/rdf-tests), every request sent "
        "as the manifest describes it to the live server's `/sparql`. The service is read-only and serves one "
        "dataset: update tests do not apply (their refusal is checked instead), nor do tests that need a "
        "dataset of their own; a `default-graph-uri`/`named-graph-uri` naming a graph the service does not "
        "have names an empty graph, so queries that need no data are answered.",
    ),
    "w3c-results": (
        "W3C SPARQL 1.1 result-format tests (JSON, CSV, TSV)",
        "`json-res` and `csv-tsv-res`: the test's query over the test's data, answered by the live server "
        "in the format under test and compared with the expected file. The service has one fixed dataset, so "
        "the test data travels inside the query (each triple pattern becomes a VALUES block of the data "
        "triples, a blank node a BNODE()); numbers are compared by value, as the expected files themselves "
        "need (`1.0E6` is expected as `1.0e6`), because both stores keep numbers as values, not as lexical "
        "forms.",
    ),
    "w3c-service-description": (
        "W3C SPARQL 1.1 Service Description tests",
        "`service-description/manifest.ttl`: GET on the endpoint without a query.",
    ),
    "sparql": (
        "SPARQL protocol, beyond the W3C tests",
        "What clients written by others rely on and the W3C tests do not cover, against the live server.",
    ),
    "http": (
        "HTTP (RFC 9110)",
        "Methods, validators, compression and protocol versions, against the live server with httpx and curl.",
    ),
    "cors": (
        "CORS, from a page of another origin",
        "Debian's chromium (headless, Playwright) opens a page served from another origin on 127.0.0.1 and "
        "reads every public route with fetch(): GET, POST of a query (preflighted), and the JSON-LD contexts.",
    ),
    "sparqlwrapper": (
        "SPARQLWrapper",
        "Every return format SPARQLWrapper offers, for each query form, by GET, POST form and POST direct. "
        "Where the format does not fit the query form, SPARQLWrapper asks for `*/*` and gets the form's default.",
    ),
    "rdflib": ("rdflib SPARQLStore", "rdflib's SPARQLStore reading the endpoint as a graph."),
    "jena": (
        "Apache Jena",
        "Debian's libapache-jena-java: `rsparql` by GET and POST (Jena POSTs long queries by itself), and "
        "`riot --validate` on every RDF media type the server sends.",
    ),
    "json-ld": (
        "JSON-LD",
        "Every /api answer as `application/ld+json`, expanded by pyld (JSON-LD 1.1) and by pyld in "
        "`processingMode: json-ld-1.0`, turned into triples and compared with the store: exactly the graph's "
        "triples for each mapped key, and every key mapped or declared as not in the graph.",
    ),
    "openapi": ("OpenAPI", "schemathesis over the live server's /openapi.json with all its checks."),
    "w3id": (
        "w3id redirects",
        "`w3id/.htaccess` in a real Apache (Debian's apache2-bin, mod_rewrite) on 127.0.0.1, as w3id.org "
        "runs it; each redirect is followed to the live server.",
    ),
}


@dataclass
class Row:
    section: str
    check: str
    order: int
    cells: dict[str, str] = field(default_factory=dict)
    notes: dict[str, str] = field(default_factory=dict)


PORT = re.compile(r"127\.0\.0\.1:\d+")


def clean(text: str) -> str:
    """One line, no port numbers or table breakers: the file must not change from run to run."""
    text = PORT.sub("127.0.0.1:PORT", " ".join(text.split()))
    return text.replace("|", "\\|")[:300]


class ConformanceReport:
    def __init__(self) -> None:
        self.rows: dict[tuple[str, str], Row] = {}

    def record(self, section: str, check: str, order: int, store: str, outcome: str, note: str) -> None:
        if section not in SECTIONS:
            raise ValueError(f"unknown conformance section {section!r}; add it to tests/conformance.py")
        row = self.rows.setdefault((section, check), Row(section, check, order))
        row.cells[store] = outcome
        if note:
            row.notes[store] = clean(note)

    def counts(self) -> dict[str, int]:
        counts = {"passed": 0, "failed": 0, "not applicable": 0, "skipped": 0}
        for row in self.rows.values():
            for outcome in row.cells.values():
                counts[outcome] += 1
        return counts

    def markdown(self) -> str:
        counts = self.counts()
        out = [
            "# Conformance\n\n",
            "Written by the test suite: `make test` runs `pytest --conformance-report=docs/conformance.md`, and "
            "each row below is one test (its file is in the row's section). Do not edit by hand; a run without "
            "that option does not write it. Stores: the embedded Oxigraph store and a real Virtuoso 7, "
            "each behind a live `asmk-graph serve` (uvicorn) on 127.0.0.1.\n\n",
            f"Summary: {', '.join(f'{n} {k}' for k, n in counts.items())}.\n",
        ]
        for key, (title, intro) in SECTIONS.items():
            rows = sorted((r for r in self.rows.values() if r.section == key), key=lambda r: (r.order, r.check))
            if not rows:
                continue
            stores = [s for s in COLUMNS if any(s in r.cells for r in rows)]
            out.append(f"\n## {title}\n\n{intro}\n\n")
            out.append("| check | " + " | ".join(COLUMNS[s] for s in stores) + " | note |\n")
            out.append("|---" * (len(stores) + 2) + "|\n")
            for row in rows:
                cells = [row.cells.get(s, "") for s in stores]
                notes = sorted(set(row.notes.values()))
                if len(notes) > 1:
                    notes = [f"{COLUMNS[s]}: {row.notes[s]}" for s in stores if s in row.notes]
                out.append(f"| {clean(row.check)} | " + " | ".join(cells) + f" | {' '.join(notes)} |\n")
        return "".join(out)

    def write(self, path: Path) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_suffix(".tmp")
        tmp.write_text(self.markdown(), encoding="utf-8")
        tmp.replace(path)
