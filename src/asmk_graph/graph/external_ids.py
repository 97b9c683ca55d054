"""Build step for data/external-ids.yaml: links to other datasets, each with its source.

The link property says how sure the identity is (owl:sameAs, skos:exactMatch, skos:closeMatch);
the entity names the source document that gives the identifier (dcterms:source and
prov:wasDerivedFrom, as for the Länder codes taken from code lists), and that source document is
described like the code lists the Länder codes come from: title, kind (code list), address, and a
note on its date.
"""

from __future__ import annotations

from rdflib import Graph, Literal, URIRef
from rdflib.namespace import DCTERMS, FOAF, OWL, PROV, RDF, RDFS, SKOS

from ..namespaces import ASMK, Ids
from ..records import DataError, DataErrors
from ..records.linking import EXTERNAL_IDS_FILE, ExternalIds

MATCH_PROPERTY = {"same": OWL.sameAs, "exact": SKOS.exactMatch, "close": SKOS.closeMatch}


def add_external_ids(graph: Graph, external: ExternalIds, ids: Ids) -> None:
    """Add the links to graph; an identifier of an entity the graph does not have is an error."""
    errors = []
    for doc in external.sources:
        node = ids.source(doc.id)
        graph.add((node, RDF.type, ASMK.SourceDocument))
        graph.add((node, RDFS.label, Literal(doc.title, lang="de")))
        graph.add((node, DCTERMS.title, Literal(doc.title, lang="de")))
        graph.add((node, DCTERMS.identifier, Literal(doc.id)))
        graph.add((node, DCTERMS.type, ASMK["code-list"]))  # a table of identifiers, like the other code lists
        graph.add((node, DCTERMS.description, Literal(doc.says, lang="en")))
        graph.add((node, ASMK.dateNote, Literal(doc.date_note, lang="de")))
        graph.add((node, FOAF.page, URIRef(doc.url)))
    for ext in external.identifiers:
        entity = ids.iri(*ext.entity.split("/"))
        if (entity, RDF.type, None) not in graph:
            record = f"identifier of {ext.entity!r}"
            errors.append(DataError(f"data/{EXTERNAL_IDS_FILE}", record, "entity", "no such entity in the graph"))
            continue
        source = ids.source(ext.source)
        graph.add((entity, MATCH_PROPERTY[ext.match], URIRef(ext.iri)))
        graph.add((entity, DCTERMS.source, source))
        graph.add((entity, PROV.wasDerivedFrom, source))
    if errors:
        raise DataErrors(errors)
