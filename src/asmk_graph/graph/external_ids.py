"""Build step for data/external-ids.yaml: links to other datasets, each with its source.

The link property says how sure the identity is (owl:sameAs, skos:exactMatch, skos:closeMatch).
The links are what a source document (a code list) states, so they go into that source's named
graph, with dcterms:source and prov:wasDerivedFrom naming it, as for the Länder codes taken from
code lists. The document is described like those: its own title, kind and address in its graph;
the project's label, key, summary and date note in the editorial graph.
"""

from __future__ import annotations

from collections.abc import Collection

from rdflib import Literal, URIRef
from rdflib.namespace import DCTERMS, FOAF, OWL, PROV, RDF, RDFS, SKOS
from rdflib.term import Node

from ..namespaces import ASMK, Ids
from ..records import DataError, DataErrors
from ..records.linking import EXTERNAL_IDS_FILE, ExternalIds
from .graphs import GraphSet

MATCH_PROPERTY = {"same": OWL.sameAs, "exact": SKOS.exactMatch, "close": SKOS.closeMatch}


def add_external_ids(out: GraphSet, external: ExternalIds, ids: Ids, typed: Collection[Node]) -> None:
    """Add the links to out; an identifier of an entity not among the typed nodes is an error."""
    editorial = ids.editorial_graph()
    for doc in external.sources:
        node, graph = ids.source(doc.id), ids.source_graph(doc.id)
        out.add_all(
            graph,
            [
                (node, RDF.type, ASMK.SourceDocument),
                (node, DCTERMS.title, Literal(doc.title, lang="de")),
                (node, DCTERMS.type, ASMK["code-list"]),  # a table of identifiers, like the other code lists
                (node, FOAF.page, URIRef(doc.url)),
            ],
        )
        out.add_all(
            editorial,
            [
                (node, RDFS.label, Literal(doc.title, lang="de")),
                (node, DCTERMS.identifier, Literal(doc.id)),
                (node, DCTERMS.description, Literal(doc.says, lang="en")),
                (node, ASMK.dateNote, Literal(doc.date_note, lang="de")),
                (ids.dataset(), DCTERMS.source, node),
                (graph, RDF.type, ASMK.SourceGraph),
                (graph, RDFS.label, Literal(f"Aussagen der Quelle {doc.id}", lang="de")),
                (graph, RDFS.label, Literal(f"Statements of source {doc.id}", lang="en")),
                (graph, PROV.wasDerivedFrom, node),
            ],
        )
    errors = []
    for ext in external.identifiers:
        entity = ids.iri(*ext.entity.split("/"))
        if entity not in typed:
            record = f"identifier of {ext.entity!r}"
            errors.append(DataError(f"data/{EXTERNAL_IDS_FILE}", record, "entity", "no such entity in the graph"))
            continue
        source = ids.source(ext.source)
        graph = ids.source_graph(ext.source)
        out.add(graph, (entity, MATCH_PROPERTY[ext.match], URIRef(ext.iri)))
        out.add(graph, (entity, DCTERMS.source, source))
        out.add(graph, (entity, PROV.wasDerivedFrom, source))
    if errors:
        raise DataErrors(errors)
