"""The DCAT-AP.de 3.0 catalogue of the graph and its VoID description, generated with the build.

Written after the dumps, because it states their byte sizes and SHA-256 checksums: graph/void.ttl
holds the VoID description (void.py), graph/catalog.ttl the catalogue with the VoID description
inside. What no computation can know (titles, keywords, themes, dates of issue) comes from
data/catalog.yaml; everything else from the graph and its dumps. The German title and description
are the graph's own (its dataset node), so they are written once.

Values from controlled vocabularies (EU authority tables, the DCAT-AP.de licence list, SPDX) are
stated together with the scheme they belong to (skos:inScheme, or the SPDX class), as those tables
state them: a harvester or validator that cannot dereference the tables still sees which table a
value comes from. Nothing else is said about them.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from dataclasses import dataclass

from rdflib import Graph, Literal, Namespace, URIRef
from rdflib.namespace import DCAT, DCTERMS, FOAF, RDF, SKOS, XSD

from ..namespaces import PREFIXES, Ids
from ..queries import NamedQuery
from ..records.linking import CatalogSettings
from .graphs import Triple, as_graph
from .serialize import to_turtle
from .void import VOID, GraphQueries, void_graph

DCATAP = Namespace("http://data.europa.eu/r5r/")
DCATDE = Namespace("http://dcat-ap.de/def/dcatde/")
SPDX = Namespace("http://spdx.org/rdf/terms#")
VCARD = Namespace("http://www.w3.org/2006/vcard/ns#")
EU = "http://publications.europa.eu/resource/authority/"
IANA = "https://www.iana.org/assignments/media-types/"
DCATDE_LICENCES = "http://dcat-ap.de/def/licenses"
STATE_LEVEL = URIRef("http://dcat-ap.de/def/politicalGeocoding/Level/state")
GEOCODING_LEVELS = URIRef("http://dcat-ap.de/def/politicalGeocoding/Level")
GERMANY = URIRef(EU + "country/DEU")
# DCAT-AP 3.0.1 wants the SPDX algorithm under https://spdx.org/rdf/terms (docs/catalog.md)
SHA256 = URIRef("https://spdx.org/rdf/terms#checksumAlgorithm_sha256")

CATALOG_FILE = "catalog.ttl"
VOID_FILE = "void.ttl"
CATALOG_PREFIXES = {
    **PREFIXES,
    "dcatap": str(DCATAP),
    "dcatde": str(DCATDE),
    "spdx": str(SPDX),
    "vcard": str(VCARD),
}


@dataclass(frozen=True)
class DumpFormat:
    media_type: str  # IANA
    file_type: str  # EU file-type table
    compression: str | None = None  # IANA
    de: str = ""
    en: str = ""


DUMP_FORMATS = {
    "asmk.ttl": DumpFormat("text/turtle", "RDF_TURTLE", None, "Der Graph als Turtle", "The graph as Turtle"),
    "asmk.nt": DumpFormat(
        "application/n-triples", "RDF_N_TRIPLES", None, "Der Graph als N-Triples", "The graph as N-Triples"
    ),
    "asmk.nt.gz": DumpFormat(
        "application/n-triples", "RDF_N_TRIPLES", "application/gzip",
        "Der Graph als N-Triples, gzip-komprimiert", "The graph as N-Triples, gzip-compressed",
    ),
    "asmk.jsonld": DumpFormat("application/ld+json", "JSON_LD", None, "Der Graph als JSON-LD", "The graph as JSON-LD"),
    "asmk.trig": DumpFormat(
        "application/trig", "RDF_TRIG", None,
        "Der Graph als TriG, nach benannten Graphen (Quellen, abgeleitet, redaktionell)",
        "The graph as TriG, by named graph (sources, derived, editorial)",
    ),
    "asmk.nq": DumpFormat(
        "application/n-quads", "RDF_N_QUADS", None,
        "Der Graph als N-Quads, nach benannten Graphen (Quellen, abgeleitet, redaktionell)",
        "The graph as N-Quads, by named graph (sources, derived, editorial)",
    ),
}  # fmt: skip


SERVICE_TITLE = {"de": "SPARQL-Schnittstelle des ASMK-Wissensgraphen", "en": "ASMK knowledge graph SPARQL endpoint"}
SERVICE_DESCRIPTION = {
    "de": "SPARQL-1.1-Abfragen (nur lesend) über den ganzen Graphen; "
    "ohne Parameter liefert sie ihre Dienstbeschreibung.",
    "en": "Read-only SPARQL 1.1 queries over the whole graph; "
    "without parameters it answers with its service description.",
}


def catalog_iri(ids: Ids) -> URIRef:
    return URIRef(ids.base + "catalog")


class CatalogBuilder:
    def __init__(self, graph: Graph, ontology: Graph, ids: Ids, settings: CatalogSettings) -> None:
        self.source, self.ontology, self.ids, self.s = graph, ontology, ids, settings
        self.g = Graph()
        self.here = catalog_iri(ids)
        self.dataset = ids.dataset()
        self.service = URIRef(ids.base + "sparql")
        publisher = graph.value(self.dataset, DCTERMS.publisher)
        assert isinstance(publisher, URIRef), "the graph's dataset node names no publisher"
        self.publisher = publisher
        self.licence = URIRef(f"{DCATDE_LICENCES}/{settings.licence}")

    def node(self, fragment: str) -> URIRef:
        return URIRef(f"{self.here}#{fragment}")

    def add(self, s: URIRef, p: URIRef, *objects: URIRef | Literal) -> None:
        for o in objects:
            self.g.add((s, p, o))

    def concept(self, table: str, code: str) -> URIRef:
        """A value from an EU authority table, with the table it is in."""
        value = URIRef(f"{EU}{table}/{code}")
        self.add(value, SKOS.inScheme, URIRef(EU + table))
        return value

    def in_languages(self, node: URIRef, p: URIRef, texts: dict[str, str]) -> None:
        for lang, text in sorted(texts.items()):
            self.add(node, p, Literal(text, lang=lang))

    # ----------------------------------------------------------------- parts

    def build(self, figures: GraphQueries, dumps: dict[str, bytes]) -> Graph:
        self.add_catalog()
        self.add_agents()
        self.add_dataset(figures)
        for name in sorted(dumps):
            self.add_distribution(name, dumps[name])
        self.add_service()
        self.add(self.licence, SKOS.inScheme, URIRef(DCATDE_LICENCES))
        return self.g

    def add_catalog(self) -> None:
        c, s = self.here, self.s
        self.add(c, RDF.type, DCAT.Catalog)
        self.in_languages(c, DCTERMS.title, s.title)
        self.in_languages(c, DCTERMS.description, s.description)
        self.add(c, DCTERMS.publisher, self.publisher)
        self.add(c, FOAF.homepage, URIRef(self.ids.base))
        self.add(c, DCTERMS.language, *(self.concept("language", code) for code in s.languages))
        self.add(c, DCTERMS.license, self.licence)
        self.add(c, DCTERMS.issued, Literal(s.issued.isoformat(), datatype=XSD.date))
        self.add(c, DCTERMS.modified, Literal(s.modified.isoformat(), datatype=XSD.date))
        self.add(c, DCTERMS.spatial, GERMANY)
        self.add(GERMANY, SKOS.inScheme, URIRef(EU + "country"))
        self.add(c, DCAT.themeTaxonomy, URIRef(EU + "data-theme"))
        self.add(c, DCAT.dataset, self.dataset)
        self.add(c, DCAT.service, self.service)

    def add_agents(self) -> None:
        self.add(self.publisher, RDF.type, FOAF.Agent)
        for name in self.ontology.objects(self.publisher, FOAF.name):  # the project is described there
            self.add(self.publisher, FOAF.name, name)  # type: ignore[arg-type]
        contact = self.node("contact")
        self.add(contact, RDF.type, VCARD.Kind, VCARD.Organization)
        self.add(contact, VCARD.fn, Literal(self.s.contact_name))
        self.add(contact, VCARD.hasURL, URIRef(self.ids.base + self.s.contact_path))

    def add_dataset(self, figures: GraphQueries) -> None:
        d, s = self.dataset, self.s
        self.add(d, RDF.type, DCAT.Dataset)
        for p in (DCTERMS.title, DCTERMS.description, DCTERMS.conformsTo, DCTERMS.creator):
            self.add(d, p, *self.source.objects(d, p))  # type: ignore[arg-type]
        self.add(d, DCTERMS.description, Literal(s.dataset_description_en, lang="en"))
        self.add(d, DCTERMS.publisher, self.publisher)
        self.add(d, DCAT.contactPoint, self.node("contact"))
        for lang, words in sorted(s.keywords.items()):
            self.add(d, DCAT.keyword, *(Literal(w, lang=lang) for w in words))
        self.add(d, DCAT.theme, *(self.concept("data-theme", code) for code in s.themes))
        self.add(d, DCTERMS.language, *(self.concept("language", code) for code in s.languages))
        self.add(d, DCTERMS.accrualPeriodicity, self.concept("frequency", s.frequency))
        self.add(d, DCTERMS.issued, Literal(s.dataset_issued.isoformat(), datatype=XSD.date))
        self.add(d, DCTERMS.modified, Literal(s.dataset_modified.isoformat(), datatype=XSD.date))
        self.add(d, DCAT.landingPage, URIRef(self.ids.base))
        self.add_coverage(figures)

    def add_coverage(self, figures: GraphQueries) -> None:
        """Where and when: the Länder and the span of the meetings.

        The Länder by their DCAT-AP.de state keys, mirrored in dct:spatial by their GeoNames features
        (the alternative GovData's conventions name for DCAT-AP's spatial vocabularies), or by the
        state key where the graph has no GeoNames link.
        """
        d = self.dataset
        self.add(d, DCATDE.politicalGeocodingLevelURI, STATE_LEVEL)
        self.add(STATE_LEVEL, SKOS.inScheme, GEOCODING_LEVELS)
        for row in figures.select("catalog/states"):
            key = URIRef(row["stateKey"])
            self.add(d, DCATDE.politicalGeocodingURI, key)
            self.add(d, DCTERMS.spatial, URIRef(row["geonames"] or key))
        period = figures.select("catalog/period")[0]
        if period["first"] is not None:
            node = self.node("period")
            self.add(d, DCTERMS.temporal, node)
            self.add(node, RDF.type, DCTERMS.PeriodOfTime)
            self.add(node, DCAT.startDate, Literal(period["first"], datatype=XSD.date))
            self.add(node, DCAT.endDate, Literal(period["last"], datatype=XSD.date))

    def add_distribution(self, name: str, content: bytes) -> None:
        fmt = DUMP_FORMATS[name]
        dist, checksum = self.node(f"dump-{name}"), self.node(f"sha256-{name}")
        url = URIRef(f"{self.ids.base}dumps/{name}")
        self.add(self.dataset, DCAT.distribution, dist)
        self.add(dist, RDF.type, DCAT.Distribution)
        self.add(dist, DCTERMS.title, Literal(name))
        self.in_languages(dist, DCTERMS.description, {"de": fmt.de, "en": fmt.en})
        self.add(dist, DCAT.accessURL, url)
        self.add(dist, DCAT.downloadURL, url)
        self.add(dist, DCAT.mediaType, URIRef(IANA + fmt.media_type))
        self.add(dist, DCTERMS.format, self.concept("file-type", fmt.file_type))
        if fmt.compression:
            self.add(dist, DCAT.compressFormat, URIRef(IANA + fmt.compression))
        self.add(dist, DCAT.byteSize, Literal(str(len(content)), datatype=XSD.nonNegativeInteger))
        self.add(dist, SPDX.checksum, checksum)
        self.add(checksum, RDF.type, SPDX.Checksum)
        self.add(checksum, SPDX.algorithm, SHA256)
        self.add(SHA256, RDF.type, SPDX.ChecksumAlgorithm)
        self.add(checksum, SPDX.checksumValue, Literal(hashlib.sha256(content).hexdigest(), datatype=XSD.hexBinary))
        self.add(dist, DCTERMS.license, self.licence)
        self.add(dist, DCATDE.licenseAttributionByText, Literal(self.s.attribution))
        self.add(dist, DCATAP.availability, self.concept("planned-availability", self.s.availability))
        self.add(dist, DCTERMS.conformsTo, *self.source.objects(self.dataset, DCTERMS.conformsTo))  # type: ignore[arg-type]

    def add_service(self) -> None:
        svc = self.service
        self.add(svc, RDF.type, DCAT.DataService)
        self.in_languages(svc, DCTERMS.title, SERVICE_TITLE)
        self.in_languages(svc, DCTERMS.description, SERVICE_DESCRIPTION)
        self.add(svc, DCAT.endpointURL, svc)
        self.add(svc, DCAT.endpointDescription, svc)
        self.add(svc, DCTERMS.conformsTo, URIRef("https://www.w3.org/TR/sparql11-protocol/"))
        self.add(svc, DCAT.servesDataset, self.dataset)
        self.add(svc, DCTERMS.publisher, self.publisher)
        self.add(svc, DCAT.contactPoint, self.node("contact"))
        self.add(svc, DCAT.keyword, Literal("SPARQL"), Literal("Linked Data"))
        self.add(svc, DCAT.theme, *(self.concept("data-theme", code) for code in self.s.themes))
        self.add(svc, DCTERMS.license, self.licence)
        self.add(svc, DCATAP.availability, self.concept("planned-availability", self.s.availability))


def catalogue_files(
    union: Iterable[Triple],
    ontology: Graph,
    dumps: dict[str, bytes],
    settings: CatalogSettings,
    queries: dict[str, NamedQuery],
    ids: Ids,
) -> dict[str, bytes]:
    """graph/void.ttl and graph/catalog.ttl (the catalogue with the VoID description in it).

    union: the triples of the graph; what they state of its dataset node is what the catalogue takes.
    """
    figures = GraphQueries(dumps["asmk.nt"], queries)
    dataset = ids.dataset()
    graph = as_graph(t for t in union if t[0] == dataset)
    titles = sorted(graph.objects(dataset, DCTERMS.title), key=str)
    void = void_graph(dataset, ids, figures, dumps, titles)  # type: ignore[arg-type]
    catalog = set(CatalogBuilder(graph, ontology, ids, settings).build(figures, dumps)) | set(void)
    return {
        VOID_FILE: to_turtle(void, {**PREFIXES, "void": str(VOID)}).encode(),
        CATALOG_FILE: to_turtle(catalog, CATALOG_PREFIXES).encode(),
    }
