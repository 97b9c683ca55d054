"""VoID description of the built graph, computed (never typed in) at build time.

Every figure comes from a named query in queries/void/ run on an in-memory Oxigraph store that
holds exactly the N-Triples dump, so the description states what the dumps contain. Nodes get
IRIs under <base>void# (no blank nodes), and the linksets count the triples whose object lies in a
known external namespace: one void:Linkset per target and link predicate.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from typing import Any

import pyoxigraph as ox
from rdflib import Graph, Literal, Namespace, URIRef
from rdflib.namespace import DCTERMS, FOAF, RDF, XSD

from ..namespaces import PREFIXES, Ids
from ..queries import NamedQuery
from ..store.stores import answer_from_plain, run_oxigraph

VOID = Namespace("http://rdfs.org/ns/void#")
FORMATS = Namespace("http://www.w3.org/ns/formats/")

# dump file -> the W3C format IRI VoID names as a void:feature
DUMP_FEATURES = {
    "asmk.ttl": FORMATS.Turtle,
    "asmk.nt": FORMATS["N-Triples"],
    "asmk.nt.gz": FORMATS["N-Triples"],
    "asmk.jsonld": FORMATS["JSON-LD"],
}


@dataclass(frozen=True)
class LinkTarget:
    """A dataset the graph links into, recognised by the namespace of the link objects."""

    slug: str
    title: str
    namespace: str
    homepage: str


LINK_TARGETS = (
    LinkTarget("wikidata", "Wikidata", "http://www.wikidata.org/entity/", "https://www.wikidata.org/"),
    LinkTarget("nuts", "NUTS (Eurostat)", "http://data.europa.eu/nuts/code/", "https://ec.europa.eu/eurostat/web/nuts"),
    LinkTarget(
        "dcat-ap-de-state-keys",
        "DCAT-AP.de politische Geokodierung: Länder (stateKey)",
        "http://dcat-ap.de/def/politicalGeocoding/stateKey/",
        "https://www.dcat-ap.de/def/politicalGeocoding/stateKey/",
    ),
    LinkTarget("geonames", "GeoNames", "https://sws.geonames.org/", "https://www.geonames.org/"),
    LinkTarget("gnd", "Gemeinsame Normdatei (GND)", "https://d-nb.info/gnd/", "https://www.dnb.de/gnd"),
)


def void_iri(ids: Ids) -> URIRef:
    return URIRef(ids.base + "void")


class GraphQueries:
    """Runs named queries on an in-memory copy of the dump."""

    def __init__(self, ntriples: bytes, queries: dict[str, NamedQuery]) -> None:
        self.store = ox.Store()
        self.store.load(ntriples, format=ox.RdfFormat.N_TRIPLES)
        self.queries = queries

    def select(self, name: str, **params: str) -> list[dict[str, Any]]:
        text = self.queries[name].bind({k: Literal(v) for k, v in params.items()})
        return answer_from_plain(*run_oxigraph(self.store, text, None)).records()


def _local(iri: str) -> str:
    """A readable fragment for a class or property IRI: its prefixed name, or a short hash."""
    for prefix, ns in sorted(PREFIXES.items(), key=lambda kv: -len(kv[1])):
        if iri.startswith(ns) and iri[len(ns) :].replace("-", "").replace("_", "").isalnum():
            return f"{prefix}-{iri[len(ns) :]}"
    return hashlib.sha256(iri.encode()).hexdigest()[:12]


def vocabularies(terms: list[str]) -> list[str]:
    """The namespaces (from namespaces.PREFIXES) of the classes and properties used."""
    spaces = sorted(PREFIXES.values(), key=len, reverse=True)
    used = (next((ns for ns in spaces if term.startswith(ns)), None) for term in terms)
    return sorted({ns for ns in used if ns is not None})


def void_graph(
    dataset: URIRef, ids: Ids, figures: GraphQueries, dumps: dict[str, bytes], titles: list[Literal]
) -> Graph:
    """The VoID description of `dataset` from the figures of its dump."""
    g = Graph()
    here = void_iri(ids)
    g.add((dataset, RDF.type, VOID.Dataset))
    for title in titles:
        g.add((dataset, DCTERMS.title, title))
    totals = figures.select("void/totals")[0]
    for key in ("triples", "distinctSubjects", "distinctObjects"):
        g.add((dataset, VOID[key], Literal(totals[key])))
    entities = figures.select("void/entities", space=ids.root)[0]["entities"]
    g.add((dataset, VOID.entities, Literal(entities)))
    g.add((dataset, VOID.uriSpace, Literal(ids.root)))
    g.add((dataset, VOID.sparqlEndpoint, URIRef(ids.base + "sparql")))
    g.add((dataset, VOID.rootResource, ids.conference()))
    for name in sorted(dumps):
        g.add((dataset, VOID.dataDump, URIRef(f"{ids.base}dumps/{name}")))
        if name in DUMP_FEATURES:
            g.add((dataset, VOID.feature, DUMP_FEATURES[name]))
    for row in figures.select("void/examples"):
        g.add((dataset, VOID.exampleResource, URIRef(row["example"])))

    classes = figures.select("void/classes")
    g.add((dataset, VOID.classes, Literal(len(classes))))
    for row in classes:
        part = URIRef(f"{here}#class-{_local(row['class'])}")
        g.add((dataset, VOID.classPartition, part))
        g.add((part, VOID["class"], URIRef(row["class"])))
        g.add((part, VOID.entities, Literal(row["entities"])))

    properties = figures.select("void/properties")
    g.add((dataset, VOID.properties, Literal(len(properties))))
    for row in properties:
        part = URIRef(f"{here}#property-{_local(row['property'])}")
        g.add((dataset, VOID.propertyPartition, part))
        g.add((part, VOID.property, URIRef(row["property"])))
        for key in ("triples", "distinctSubjects", "distinctObjects"):
            g.add((part, VOID[key], Literal(row[key])))

    for ns in vocabularies([r["class"] for r in classes] + [r["property"] for r in properties]):
        g.add((dataset, VOID.vocabulary, URIRef(ns)))
    add_linksets(g, dataset, here, figures)
    return g


def add_linksets(g: Graph, dataset: URIRef, here: URIRef, figures: GraphQueries) -> None:
    """One void:Linkset per target and link predicate, with its counted triples."""
    for target in LINK_TARGETS:
        rows = figures.select("void/links", target=target.namespace)
        if not rows:
            continue
        target_node = URIRef(f"{here}#{target.slug}")
        g.add((target_node, RDF.type, VOID.Dataset))
        g.add((target_node, DCTERMS.title, Literal(target.title)))
        g.add((target_node, FOAF.homepage, URIRef(target.homepage)))
        g.add((target_node, VOID.uriSpace, Literal(target.namespace)))
        for row in rows:
            linkset = URIRef(f"{here}#links-{target.slug}-{_local(row['predicate'])}")
            g.add((dataset, VOID.subset, linkset))
            g.add((linkset, RDF.type, VOID.Linkset))
            g.add((linkset, VOID.subjectsTarget, dataset))
            g.add((linkset, VOID.objectsTarget, target_node))
            g.add((linkset, VOID.linkPredicate, URIRef(row["predicate"])))
            g.add((linkset, VOID.triples, Literal(row["triples"], datatype=XSD.integer)))
