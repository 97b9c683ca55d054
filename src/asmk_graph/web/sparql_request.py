"""What a SPARQL 1.1 Protocol request asks for, read as clients written by others send it.

- One query: `query` given twice (in the URL, the form, or both; or a direct POST with a query in
  the URL too) is refused with 400 (W3C protocol test bad_multiple_queries).
- The answer's media type: `format=` (or `output=`, as Fuseki's clients send it) may hold short
  names (json, xml, csv, tsv, turtle, n3, ntriples, jsonld, rdfxml, rdf, ...) or media types, and
  may be repeated, as SPARQLWrapper repeats it (`format=tsv&format=text/tab-separated-values`).
  Values that name one of the offered types decide; values that name a known format the query
  form does not have (turtle for a SELECT) are set aside and the Accept header decides; a value
  that names nothing known is a 400, and two values naming different offered types too.
- The dataset: default-graph-uri and named-graph-uri (Dataset below).
- Relative IRIs in a query are resolved against the endpoint's IRI (its public URL), as the
  protocol suggests ("which MAY be the service endpoint").
- ASK has no CSV or TSV: the W3C CSV/TSV formats define no boolean (clients disagree on a
  substitute: Jena writes an `_askResult` table, Oxigraph a bare `true`, rdflib reads neither as a
  boolean), so an ASK answer is offered as SPARQL JSON and XML only; a request that accepts nothing
  else gets 406, which names them.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from fastapi import HTTPException

from ..store.stores import EMPTY_GRAPH
from .linked_data import negotiate

RESULTS_JSON = "application/sparql-results+json"
RESULTS_XML = "application/sparql-results+xml"
CSV = "text/csv"
TSV = "text/tab-separated-values"
TURTLE = "text/turtle"
NTRIPLES = "application/n-triples"
JSON_LD = "application/ld+json"
RDF_XML = "application/rdf+xml"

# what each query form is offered as; the first is the default (Accept: */* or none)
OFFERED = {
    "select": (RESULTS_JSON, RESULTS_XML, CSV, TSV),
    "ask": (RESULTS_JSON, RESULTS_XML),
    "graph": (TURTLE, NTRIPLES, JSON_LD, RDF_XML),
}
# format= short names, by the kind of answer they are meant for (json and xml mean different
# things for results and graphs, as in SPARQLWrapper, Virtuoso and Fuseki)
RESULT_NAMES = {
    "json": RESULTS_JSON,
    "srj": RESULTS_JSON,
    "xml": RESULTS_XML,
    "srx": RESULTS_XML,
    "csv": CSV,
    "tsv": TSV,
}
GRAPH_NAMES = {
    "turtle": TURTLE,
    "ttl": TURTLE,
    "n3": TURTLE,  # Turtle is N3
    "ntriples": NTRIPLES,
    "n-triples": NTRIPLES,
    "nt": NTRIPLES,
    "jsonld": JSON_LD,
    "json-ld": JSON_LD,
    "json": JSON_LD,
    "rdfxml": RDF_XML,
    "rdf+xml": RDF_XML,
    "rdf": RDF_XML,
    "xml": RDF_XML,
}
# media types clients send for the same formats
MEDIA_ALIASES = {
    "results": {"application/json": RESULTS_JSON, "application/xml": RESULTS_XML, "text/xml": RESULTS_XML},
    "graph": {"application/turtle": TURTLE, "text/n3": TURTLE, "text/rdf+n3": TURTLE, "text/plain": NTRIPLES,
              "application/json": JSON_LD, "application/xml": RDF_XML, "text/xml": RDF_XML},
}  # fmt: skip
FORMAT_PARAMETERS = ("format", "output")
ABSOLUTE_IRI = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*:[^\s<>\"{}|\\^`]*$")


def one_query(*sources: list[str]) -> str | None:
    """The query text from all the places a request may carry it; 400 when there is more than one."""
    texts = [text for source in sources for text in source]
    if len(texts) > 1:
        raise HTTPException(400, f"'query' given {len(texts)} times: send one query per request")
    return texts[0] if texts else None


def _media_of(value: str, form: str) -> str | None:
    """The media type a format= value names for this query form; None when it names nothing known."""
    value = value.split(";", 1)[0].strip().lower()
    kind = "graph" if form == "graph" else "results"
    names = GRAPH_NAMES if form == "graph" else RESULT_NAMES
    if value in names:
        return names[value]
    if "/" in value:
        return MEDIA_ALIASES[kind].get(value, value)
    other = RESULT_NAMES if form == "graph" else GRAPH_NAMES
    return "" if value in other else None  # "": a known format of the other kind of answer


def media_from_format(values: list[str], form: str) -> str | None:
    """The offered media type the format= values ask for; None: they ask for none, Accept decides."""
    offered = OFFERED[form]
    asked = []
    for value in (v for v in values if v.strip()):
        media = _media_of(value, form)
        if media is None:
            names = sorted({*RESULT_NAMES, *GRAPH_NAMES})
            raise HTTPException(400, f"format={value!r}: expected a media type or one of {', '.join(names)}")
        if media in offered:
            asked.append(media)
    if len(set(asked)) > 1:
        raise HTTPException(400, f"format asks for {' and '.join(sorted(set(asked)))}: ask for one")
    return asked[0] if asked else None


def choose_media(form: str, format_values: list[str], accept: str | None) -> str:
    """The media type to answer with: format= when it names an offered type, else by Accept (406 if none)."""
    chosen = media_from_format(format_values, form)
    if chosen is not None:
        return chosen
    aliases = MEDIA_ALIASES["graph" if form == "graph" else "results"]
    if accept:
        for alias, media in aliases.items():
            accept = ",".join(
                part.replace(alias, media, 1) if part.strip().split(";")[0].strip() == alias else part
                for part in accept.split(",")
            )
    chosen = negotiate(accept, OFFERED[form])
    if chosen is None:
        why = " (the W3C CSV and TSV formats define no boolean)" if form == "ask" else ""
        raise HTTPException(406, f"this answer is offered as {', '.join(OFFERED[form])}{why}")
    return chosen


# --- the dataset ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Dataset:
    """The RDF dataset a request names (SPARQL 1.1 Protocol 2.1.4): default-graph-uri and
    named-graph-uri, each possibly repeated. A graph IRI the service does not have names an empty
    graph: nothing is fetched from elsewhere, and a query that needs no data is still answered."""

    default: tuple[str, ...]
    named: tuple[str, ...]


def dataset_from(default_graph_uris: list[str], named_graph_uris: list[str]) -> Dataset | None:
    """None when the request names no dataset (the service's own: the whole graph, and its graphs)."""
    if not default_graph_uris and not named_graph_uris:
        return None
    for iri in (*default_graph_uris, *named_graph_uris):
        if not ABSOLUTE_IRI.match(iri):
            raise HTTPException(400, f"{iri!r} is not an absolute IRI (default-graph-uri, named-graph-uri)")
    return Dataset(tuple(default_graph_uris) or (EMPTY_GRAPH,), tuple(named_graph_uris))
