"""Content negotiation and rendering of RDF descriptions (Turtle, N-Triples, JSON-LD, RDF/XML, HTML)."""

from __future__ import annotations

import html

from rdflib import BNode, Graph, Literal, URIRef

from ..graph.serialize import to_jsonld, to_ntriples, to_turtle
from ..namespaces import PREFIXES

# offered media types, in order of preference when the client has none
OFFERED = ("text/turtle", "text/html", "application/ld+json", "application/n-triples", "application/rdf+xml")
# each also at its own URL, the resource's path plus a suffix (/id/conference/97.ttl)
SUFFIX_MEDIA = {
    "html": "text/html",
    "ttl": "text/turtle",
    "jsonld": "application/ld+json",
    "nt": "application/n-triples",
    "rdf": "application/rdf+xml",
}


def split_suffix(path: str) -> tuple[str, str | None]:
    """ "conference/97.ttl" -> ("conference/97", "text/turtle"); no known suffix -> (path, None)."""
    stem, dot, suffix = path.rpartition(".")
    if dot and suffix in SUFFIX_MEDIA:
        return stem, SUFFIX_MEDIA[suffix]
    return path, None


def alternate_links(url: str, media: str) -> str:
    """A Link header naming the resource's other representations (RFC 8288, rel=alternate)."""
    return ", ".join(
        f'<{url}.{suffix}>; rel="alternate"; type="{other}"' for suffix, other in SUFFIX_MEDIA.items() if other != media
    )


def _ranges(accept: str) -> list[tuple[str, float]]:
    ranges = []
    for part in accept.split(","):
        media, *params = (p.strip() for p in part.split(";"))
        q = 1.0
        for param in params:
            if param.startswith("q="):
                try:
                    q = float(param[2:])
                except ValueError:
                    q = 0.0
        if media:
            ranges.append((media.lower(), q))
    return ranges


def _quality(candidate: str, ranges: list[tuple[str, float]]) -> float:
    """q of the most specific range matching candidate (RFC 9110 12.5.1), 0 if none matches."""
    best_specificity, q = -1, 0.0
    for media, quality in ranges:
        if media == candidate:
            specificity = 2
        elif media.endswith("/*") and candidate.startswith(media[:-1]):
            specificity = 1
        elif media == "*/*":
            specificity = 0
        else:
            continue
        if specificity > best_specificity:
            best_specificity, q = specificity, quality
    return q


def negotiate(accept: str | None, offered: tuple[str, ...] = OFFERED) -> str | None:
    """The offered type the Accept header prefers most, our order breaking ties; None means 406."""
    if not accept or not accept.strip():
        return offered[0]
    ranges = _ranges(accept)
    scored = [(_quality(c, ranges), -rank, c) for rank, c in enumerate(offered)]
    q, _, best = max(scored)
    return best if q > 0 else None


def render(graph: Graph, media: str, title: str, labels: dict[str, str]) -> bytes:
    if media == "text/html":
        return render_html(graph, title, labels).encode()
    has_bnodes = any(isinstance(t, BNode) for triple in graph for t in triple)
    if media == "application/rdf+xml" or has_bnodes:  # our sorted writers take IRIs only
        for prefix, ns in PREFIXES.items():
            graph.bind(prefix, ns)
        fmt = {"text/turtle": "turtle", "application/n-triples": "nt", "application/ld+json": "json-ld"}
        return graph.serialize(format=fmt.get(media, "xml")).encode()
    if media == "text/turtle":
        return to_turtle(graph).encode()
    if media == "application/n-triples":
        return to_ntriples(graph).encode()
    return to_jsonld(graph).encode()


def _cell(term: object, labels: dict[str, str]) -> str:
    if isinstance(term, URIRef):
        label = labels.get(str(term))
        text = html.escape(label) if label else html.escape(str(term))
        return f'<a href="{html.escape(str(term))}">{text}</a>'
    if isinstance(term, Literal) and term.language:
        return f"{html.escape(str(term))} <small>@{term.language}</small>"
    return html.escape(str(term))


def render_html(graph: Graph, title: str, labels: dict[str, str]) -> str:
    rows = []
    for s in sorted({str(s) for s in graph.subjects()}):
        rows.append(f'<h2 id="{html.escape(s.rsplit("#", 1)[-1])}">{html.escape(s)}</h2><table>')
        for p, o in sorted(graph.predicate_objects(URIRef(s)), key=lambda po: (str(po[0]), str(po[1]))):
            rows.append(f"<tr><th>{_cell(p, labels)}</th><td>{_cell(o, labels)}</td></tr>")
        rows.append("</table>")
    return (
        f'<!DOCTYPE html><html lang="de"><head><meta charset="utf-8"><title>{html.escape(title)}</title>'
        "<style>body{font-family:sans-serif;max-width:60em;margin:auto}th{text-align:left;padding-right:1em;"
        "vertical-align:top;font-weight:normal;color:#555}h2{font-size:1em;margin-top:2em}</style></head>"
        f"<body><h1>{html.escape(title)}</h1>{''.join(rows)}</body></html>"
    )
