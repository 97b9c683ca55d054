"""Namespaces of the vocabularies the graph uses, and the project's identifier scheme."""

from __future__ import annotations

from rdflib import Namespace, URIRef
from rdflib.namespace import DCAT, DCTERMS, FOAF, ORG, OWL, PROV, RDF, RDFS, SKOS, XSD

DEFAULT_BASE = "https://w3id.org/asmk/"
DEFAULT_GRAPH = DEFAULT_BASE + "graph"  # the graph a SPARQL server holds the union of all graphs in

ASMK = Namespace("https://w3id.org/asmk/def#")
ONTOLOGY_IRI = URIRef("https://w3id.org/asmk/def")
SCHEMA = Namespace("https://schema.org/")
PERSON = Namespace("http://www.w3.org/ns/person#")
VANN = Namespace("http://purl.org/vocab/vann/")
WD = Namespace("http://www.wikidata.org/entity/")
NUTS = Namespace("http://data.europa.eu/nuts/code/")
STATE_KEY = Namespace("http://dcat-ap.de/def/politicalGeocoding/stateKey/")
OPENGOV = Namespace("http://www.w3.org/ns/opengov#")
OPARL = Namespace("https://schema.oparl.org/1.1/")
ELI = Namespace("http://data.europa.eu/eli/ontology#")

PREFIXES: dict[str, str] = {
    "asmk": str(ASMK),
    "dcat": str(DCAT),
    "dcterms": str(DCTERMS),
    "eli": str(ELI),
    "foaf": str(FOAF),
    "oparl": str(OPARL),
    "opengov": str(OPENGOV),
    "org": str(ORG),
    "owl": str(OWL),
    "person": str(PERSON),
    "prov": str(PROV),
    "rdf": str(RDF),
    "rdfs": str(RDFS),
    "schema": str(SCHEMA),
    "skos": str(SKOS),
    "vann": str(VANN),
    "void": "http://rdfs.org/ns/void#",
    "xsd": str(XSD),
}


class Ids:
    """Mints the resource IRIs under <base>id/ and the graph IRIs under <base>graph/.

    Slugs come from the records, never row order. Parts of a resource that only exist with it
    (a resolution's motion, vote and demands; an agenda item of a meeting) are hash IRIs of it,
    so that dereferencing the resource brings them along.
    """

    def __init__(self, base: str = DEFAULT_BASE) -> None:
        if not base.endswith("/"):
            base += "/"
        self.base = base
        self.root = base + "id/"

    def iri(self, *parts: str | int) -> URIRef:
        return URIRef(self.root + "/".join(str(p) for p in parts))

    def conference(self) -> URIRef:
        return self.iri("asmk")

    def meeting(self, key: str) -> URIRef:
        return self.iri("conference", key)

    def state(self, code: str) -> URIRef:
        return self.iri("state", code)

    def person(self, slug: str) -> URIRef:
        return self.iri("person", slug)

    def office(self, slug: str) -> URIRef:
        return self.iri("office", slug)

    def office_holding(self, office: str, person: str) -> URIRef:
        return self.iri("office", office, person)

    def org(self, slug: str) -> URIRef:
        return self.iri("org", slug)

    def agent(self, slug: str) -> URIRef:
        return self.iri("agent", slug)

    def chair(self, year: int) -> URIRef:
        return self.iri("chair", year)

    def chair_holding(self, year: int, person: str) -> URIRef:
        return self.iri("chair", year, person)

    def resolution(self, meeting: str, slug: str) -> URIRef:
        return self.iri("resolution", meeting, slug)

    @staticmethod
    def part(node: URIRef, fragment: str) -> URIRef:
        """A hash IRI belonging to node: <node#fragment>."""
        return URIRef(f"{node}#{fragment}")

    def agenda_item(self, meeting: str, ident: str) -> URIRef:
        return self.part(self.meeting(meeting), f"top-{ident}")

    def proposal(self, meeting: str, slug: str) -> URIRef:
        return self.iri("proposal", meeting, slug)

    def body(self, slug: str) -> URIRef:
        return self.iri("body", slug)

    def topic(self, slug: str) -> URIRef:
        return self.iri("topic", slug)

    def topic_scheme(self) -> URIRef:
        return self.iri("topic")

    def place(self, slug: str) -> URIRef:
        return self.iri("place", slug)

    def source(self, slug: str) -> URIRef:
        return self.iri("source", slug)

    def rule(self, slug: str) -> URIRef:
        return self.iri("rule", slug)

    def dataset(self) -> URIRef:
        return self.iri("dataset")

    def inference_rule(self, name: str) -> URIRef:
        return self.iri("inference-rule", name)

    # --- named graphs: one per source document, one per inference rule, one editorial

    def source_graph(self, source_id: str) -> URIRef:
        return URIRef(f"{self.base}graph/source/{source_id}")

    def derived_graph(self, rule: str) -> URIRef:
        return URIRef(f"{self.base}graph/derived/{rule}")

    def editorial_graph(self) -> URIRef:
        return URIRef(f"{self.base}graph/editorial")

    @staticmethod
    def vocabulary_graph() -> URIRef:
        """The ontology's own triples (classes, properties, concept schemes), named by its IRI."""
        return ONTOLOGY_IRI
