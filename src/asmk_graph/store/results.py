"""Query answers independent of the store that produced them, and the SPARQL result formats.

Two ways to write an answer, both capped (never cut short: a larger answer is refused):
- `Answer` plus the writers below (JSON, XML, CSV, TSV): remote SELECT answers, and every ASK;
- Oxigraph's own writers on Oxigraph's streams (`write_solutions`, `write_graph`): what the
  embedded store's query workers answer, and graphs from a remote store.
Formats follow the W3C recommendations "SPARQL 1.1 Query Results JSON/XML/CSV and TSV Formats".
"""

from __future__ import annotations

import csv
import io
import json
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, NamedTuple
from xml.sax.saxutils import escape, quoteattr

import pyoxigraph as ox

if TYPE_CHECKING:  # not imported at run time: query workers use this module and start faster without rdflib
    from rdflib import Graph

# the RDF files a store loads, by suffix: triples go into the default graph, quads into their named graphs
RDF_FORMATS = {
    ".nt": ox.RdfFormat.N_TRIPLES,
    ".ttl": ox.RdfFormat.TURTLE,
    ".nq": ox.RdfFormat.N_QUADS,
    ".trig": ox.RdfFormat.TRIG,
}

XSD = "http://www.w3.org/2001/XMLSchema#"
XSD_STRING = XSD + "string"
LANG_STRING = "http://www.w3.org/1999/02/22-rdf-syntax-ns#langString"
INTEGER_TYPES = {XSD + t for t in ("integer", "positiveInteger", "nonNegativeInteger", "int", "long")}


class Term(NamedTuple):
    """One RDF term of a result row: kind is 'uri', 'bnode' or 'literal'."""

    kind: str
    value: str
    datatype: str | None = None
    lang: str | None = None

    def python(self) -> Any:
        """A plain value: IRIs and strings as str, integers as int, booleans as bool."""
        if self.kind == "literal" and self.datatype in INTEGER_TYPES:
            return int(self.value)
        if self.kind == "literal" and self.datatype == XSD + "boolean":
            return self.value in ("true", "1")
        return self.value

    def n3(self) -> str:
        if self.kind == "uri":
            return f"<{self.value}>"
        if self.kind == "bnode":
            return f"_:{self.value}"
        text = json.dumps(self.value, ensure_ascii=False)
        if self.lang:
            return f"{text}@{self.lang}"
        if self.datatype and self.datatype != XSD_STRING:
            return f"{text}^^<{self.datatype}>"
        return text


Row = tuple[Term | None, ...]


@dataclass
class Answer:
    """kind 'select' (variables, rows), 'ask' (boolean) or 'graph' (CONSTRUCT/DESCRIBE triples)."""

    kind: str
    variables: list[str] = field(default_factory=list)
    rows: list[Row] = field(default_factory=list)
    boolean: bool = False
    graph: Graph | None = None

    def records(self) -> list[dict[str, Any]]:
        return [{v: (t.python() if t else None) for v, t in zip(self.variables, row, strict=True)} for row in self.rows]


class TooManyRows(ValueError):
    def __init__(self, max_rows: int, what: str = "rows") -> None:
        super().__init__(f"the result has more than {max_rows} {what}; add a LIMIT or page with OFFSET")


def capped(rows: Any, max_rows: int | None) -> list[Any]:
    """The rows as a list, refusing (never silently cutting) an answer longer than max_rows."""
    out = []
    for row in rows:
        out.append(row)
        if max_rows is not None and len(out) > max_rows:
            raise TooManyRows(max_rows)
    return out


class AnswerTooLarge(ValueError):
    def __init__(self, max_bytes: int) -> None:
        super().__init__(f"the answer is larger than {max_bytes} bytes; add a LIMIT or page with OFFSET")


# format= name -> (media type, Oxigraph's format); the first of each is the default
RESULT_FORMATS = {
    "json": ("application/sparql-results+json", ox.QueryResultsFormat.JSON),
    "xml": ("application/sparql-results+xml", ox.QueryResultsFormat.XML),
    "csv": ("text/csv", ox.QueryResultsFormat.CSV),
    "tsv": ("text/tab-separated-values", ox.QueryResultsFormat.TSV),
}
GRAPH_FORMATS = {
    "turtle": ("text/turtle", ox.RdfFormat.TURTLE),
    "ntriples": ("application/n-triples", ox.RdfFormat.N_TRIPLES),
    "jsonld": ("application/ld+json", ox.RdfFormat.JSON_LD),
    "rdfxml": ("application/rdf+xml", ox.RdfFormat.RDF_XML),
}
_RESULT_BY_MEDIA = {media: (name, fmt) for name, (media, fmt) in RESULT_FORMATS.items()}
_GRAPH_BY_MEDIA = {media: fmt for media, fmt in GRAPH_FORMATS.values()}


class CappedBuffer(io.BytesIO):
    """Collects what a writer writes; AnswerTooLarge past max_bytes, TooManyRows past max_lines lines."""

    def __init__(self, max_bytes: int, max_lines: int | None = None, rows: int = 0) -> None:
        super().__init__()
        self.lines = 0
        self.max_bytes, self.max_lines, self.rows = max_bytes, max_lines, rows

    def write(self, data: Any) -> int:
        chunk = bytes(data)
        if self.tell() + len(chunk) > self.max_bytes:
            raise AnswerTooLarge(self.max_bytes)
        if self.max_lines is not None:
            self.lines += chunk.count(b"\n")
            if self.lines > self.max_lines:
                raise TooManyRows(self.rows)
        return super().write(chunk)


def capped_triples(triples: Iterable[ox.Triple], max_triples: int) -> Iterator[ox.Triple]:
    for count, triple in enumerate(triples, 1):
        if count > max_triples:
            raise TooManyRows(max_triples, "triples")
        yield triple


def write_graph(
    triples: Iterable[ox.Triple], media: str, max_triples: int, max_bytes: int, prefixes: dict[str, str]
) -> bytes:
    buffer = CappedBuffer(max_bytes)
    fmt = _GRAPH_BY_MEDIA[media]
    used = prefixes if fmt in (ox.RdfFormat.TURTLE, ox.RdfFormat.RDF_XML) else None
    ox.serialize(capped_triples(triples, max_triples), buffer, fmt, prefixes=used)
    return buffer.getvalue()


def write_solutions(solutions: ox.QuerySolutions, media: str, max_rows: int, max_bytes: int) -> bytes:
    """Written as TSV first, where one line is one row, so the row cap is exact in every format."""
    tsv = CappedBuffer(max_bytes, max_lines=max_rows + 1, rows=max_rows)  # + the header line
    solutions.serialize(tsv, ox.QueryResultsFormat.TSV)
    if media == RESULT_FORMATS["tsv"][0]:
        return tsv.getvalue()
    out = CappedBuffer(max_bytes)
    ox.parse_query_results(tsv.getvalue(), ox.QueryResultsFormat.TSV).serialize(out, _RESULT_BY_MEDIA[media][1])
    return out.getvalue()


def write_boolean(value: bool, media: str) -> bytes:
    """An ASK answer, written by the writers below on both stores."""
    return RESULT_WRITERS[_RESULT_BY_MEDIA[media][0]](Answer("ask", boolean=value))


def term_from_json(binding: dict[str, str]) -> Term:
    """A term from a SPARQL JSON results binding; ValueError on anything else."""
    kind = binding["type"]
    value = binding["value"]
    if kind in ("literal", "typed-literal"):  # 'typed-literal' is what Virtuoso writes
        return Term(
            "literal",
            value,
            binding.get("datatype") or (None if "xml:lang" in binding else XSD_STRING),
            binding.get("xml:lang"),
        )
    if kind == "uri":
        return Term(kind, value)
    if kind == "bnode":
        return Term(kind, bnode_label(value))
    raise ValueError(f"unknown term type {kind!r}")


def bnode_label(value: str) -> str:
    """A blank node label that Turtle, TSV and N-Triples accept: Virtuoso names its blank nodes nodeID://b123."""
    return re.sub(r"[^A-Za-z0-9_-]", "_", value.removeprefix("nodeID://")) or "b"


def answer_from_json(document: Any) -> Answer:
    """An Answer from a parsed SPARQL JSON results document; ValueError/KeyError/TypeError if malformed."""
    if "boolean" in document:
        return Answer("ask", boolean=bool(document["boolean"]))
    variables = [str(v) for v in document["head"]["vars"]]
    rows = [tuple(term_from_json(b[v]) if v in b else None for v in variables) for b in document["results"]["bindings"]]
    return Answer("select", variables, rows)


# --- writers -------------------------------------------------------------------------------


def _json_term(term: Term) -> dict[str, str]:
    out = {"type": term.kind, "value": term.value}
    if term.lang:
        out["xml:lang"] = term.lang
    elif term.kind == "literal" and term.datatype and term.datatype != XSD_STRING:
        out["datatype"] = term.datatype
    return out


def to_json(answer: Answer) -> bytes:
    if answer.kind == "ask":
        return json.dumps({"head": {}, "boolean": answer.boolean}).encode()
    bindings = [
        {v: _json_term(t) for v, t in zip(answer.variables, row, strict=True) if t is not None} for row in answer.rows
    ]
    document = {"head": {"vars": answer.variables}, "results": {"bindings": bindings}}
    return json.dumps(document, ensure_ascii=False).encode()


def _xml_term(term: Term) -> str:
    if term.kind == "uri":
        return f"<uri>{escape(term.value)}</uri>"
    if term.kind == "bnode":
        return f"<bnode>{escape(term.value)}</bnode>"
    if term.lang:
        return f"<literal xml:lang={quoteattr(term.lang)}>{escape(term.value)}</literal>"
    if term.datatype and term.datatype != XSD_STRING:
        return f"<literal datatype={quoteattr(term.datatype)}>{escape(term.value)}</literal>"
    return f"<literal>{escape(term.value)}</literal>"


def to_xml(answer: Answer) -> bytes:
    out = ['<?xml version="1.0"?>\n<sparql xmlns="http://www.w3.org/2005/sparql-results#">\n<head>']
    if answer.kind == "ask":
        out.append(f"</head>\n<boolean>{'true' if answer.boolean else 'false'}</boolean>\n</sparql>\n")
        return "".join(out).encode()
    out += [f"<variable name={quoteattr(v)}/>" for v in answer.variables]
    out.append("</head>\n<results>\n")
    for row in answer.rows:
        cells = "".join(
            f"<binding name={quoteattr(v)}>{_xml_term(t)}</binding>"
            for v, t in zip(answer.variables, row, strict=True)
            if t
        )
        out.append(f"<result>{cells}</result>\n")
    out.append("</results>\n</sparql>\n")
    return "".join(out).encode()


def to_csv(answer: Answer) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    if answer.kind == "ask":  # not defined by the W3C formats; written as Jena does
        writer.writerows([["_askResult"], ["true" if answer.boolean else "false"]])
        return buffer.getvalue().encode()
    writer.writerow(answer.variables)
    for row in answer.rows:
        writer.writerow(["" if t is None else (f"_:{t.value}" if t.kind == "bnode" else t.value) for t in row])
    return buffer.getvalue().encode()


def to_tsv(answer: Answer) -> bytes:
    if answer.kind == "ask":
        return f"?_askResult\n{'true' if answer.boolean else 'false'}\n".encode()
    lines = ["\t".join(f"?{v}" for v in answer.variables)]
    lines += ["\t".join("" if t is None else t.n3().replace("\t", "\\t") for t in row) for row in answer.rows]
    return ("\n".join(lines) + "\n").encode()


RESULT_WRITERS = {"json": to_json, "xml": to_xml, "csv": to_csv, "tsv": to_tsv}


# --- XML 1.0 -------------------------------------------------------------------------------------

# characters XML 1.0 cannot carry at all, not even as character references (XML 1.0, 2.2), as UTF-8
XML_FORBIDDEN = re.compile(rb"[\x00-\x08\x0b\x0c\x0e-\x1f]|\xef\xbf[\xbe\xbf]")


class NotXml(ValueError):
    """An answer holds a character that XML 1.0 cannot carry."""


def xml_1_0(body: bytes) -> bytes:
    """An XML answer (SPARQL XML results, RDF/XML) made well-formed XML 1.0, whoever wrote it.

    A carriage return becomes &#xD;: written raw, an XML parser reads it back as a line feed (XML
    1.0, 2.11). Writers put none in their own markup, so every CR byte is content. A character XML
    1.0 forbids (most C0 controls, U+FFFE, U+FFFF) cannot be written at all: NotXml names it; the
    answer is refused rather than changed.
    """
    forbidden = XML_FORBIDDEN.search(body)
    if forbidden:
        code = ord(forbidden.group().decode("utf-8"))
        raise NotXml(f"the answer holds the character U+{code:04X}, which XML 1.0 cannot carry")
    return body.replace(b"\r", b"&#xD;")
