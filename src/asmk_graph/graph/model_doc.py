"""docs/model.md from the ontology: a class diagram, the mappings to Popolo, OParl, ELI and ORG, and
the labels and definitions of every ASMK class and property.

Everything is read from ontology/asmk.ttl and sorted, so the page is a function of the ontology:
after changing it, `asmk-graph model-doc` regenerates the page (a test checks that it is current).
The diagram is Mermaid `classDiagram` text, which GitHub renders.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

from rdflib import Graph, Literal, URIRef
from rdflib.collection import Collection
from rdflib.namespace import OWL, RDF, RDFS, SKOS
from rdflib.term import Node

from ..namespaces import ASMK, PREFIXES
from .serialize import write_atomically

# The vocabularies the issue asks the model to map to, by the namespaces their terms live in.
# Popolo's classes for motions and votes (Motion, VoteEvent, Count, Vote) are in its opengov: namespace.
MAPPED_VOCABULARIES: dict[str, tuple[str, ...]] = {
    "Popolo": ("http://www.w3.org/ns/popolo#", "http://www.w3.org/ns/opengov#"),
    "OParl 1.1": ("https://schema.oparl.org/1.1/",),
    "ELI": ("http://data.europa.eu/eli/ontology#",),
    "W3C ORG": ("http://www.w3.org/ns/org#",),
}
MAPPING_PROPERTIES = (
    OWL.equivalentClass,
    OWL.equivalentProperty,
    RDFS.subClassOf,
    RDFS.subPropertyOf,
    SKOS.exactMatch,
    SKOS.closeMatch,
    SKOS.broadMatch,
    SKOS.narrowMatch,
    SKOS.relatedMatch,
)
PROPERTY_KINDS = {
    OWL.ObjectProperty: "object",
    OWL.DatatypeProperty: "datatype",
    OWL.AnnotationProperty: "annotation",
}
DISPLAY_PREFIXES = {
    **PREFIXES,
    "popolo": "http://www.w3.org/ns/popolo#",
    "opengov": "http://www.w3.org/ns/opengov#",
    "oparl": "https://schema.oparl.org/1.1/",
    "eli": "http://data.europa.eu/eli/ontology#",
}


@dataclass(frozen=True)
class Term:
    iri: URIRef
    labels: dict[str, str]  # language -> label
    definitions: dict[str, str]  # language -> definition


def curie(iri: Node) -> str:
    """asmk:Meeting for a known namespace (the longest that fits), else the full IRI."""
    text = str(iri)
    matches = [(ns, prefix) for prefix, ns in DISPLAY_PREFIXES.items() if text.startswith(ns) and len(text) > len(ns)]
    if not matches:
        return f"<{text}>"
    ns, prefix = max(matches, key=lambda match: len(match[0]))
    return f"{prefix}:{text[len(ns) :]}"


def display_order(iri: URIRef) -> tuple[bool, str]:
    """ASMK terms first, then the others, each by prefixed name."""
    return (not str(iri).startswith(str(ASMK)), curie(iri))


def node_id(iri: URIRef) -> str:
    """A Mermaid identifier: the local name for ASMK classes, prefix_local for the others."""
    name = str(iri)[len(str(ASMK)) :] if str(iri).startswith(str(ASMK)) else curie(iri)
    return re.sub(r"\W", "_", name)


def texts(graph: Graph, subject: URIRef, predicate: URIRef) -> dict[str, str]:
    found: dict[str, str] = {}
    for value in sorted(graph.objects(subject, predicate), key=str):
        if isinstance(value, Literal):
            found.setdefault(value.language or "", " ".join(str(value).split()))
    return found


def term(graph: Graph, iri: URIRef) -> Term:
    labels = texts(graph, iri, RDFS.label) or texts(graph, iri, SKOS.prefLabel)
    return Term(iri, labels, texts(graph, iri, SKOS.definition))


def asmk_subjects(graph: Graph, rdf_type: URIRef) -> list[URIRef]:
    return sorted(s for s in graph.subjects(RDF.type, rdf_type) if isinstance(s, URIRef) and s.startswith(ASMK))


def classes(graph: Graph) -> list[URIRef]:
    return asmk_subjects(graph, OWL.Class)


def properties(graph: Graph) -> list[tuple[URIRef, str]]:
    found = {iri: kind for rdf_type, kind in PROPERTY_KINDS.items() for iri in asmk_subjects(graph, rdf_type)}
    return sorted(found.items())


def class_members(graph: Graph, node: Node | None) -> list[URIRef]:
    """The named classes a domain or range denotes: itself, or the members of an owl:unionOf."""
    if isinstance(node, URIRef):
        return [node]
    union = graph.value(node, OWL.unionOf) if node is not None else None
    if union is None:
        return []
    return sorted((m for m in Collection(graph, union) if isinstance(m, URIRef)), key=display_order)


def domain_and_range(graph: Graph, prop: URIRef) -> tuple[list[URIRef], list[URIRef]]:
    return class_members(graph, graph.value(prop, RDFS.domain)), class_members(graph, graph.value(prop, RDFS.range))


def cell(text: str) -> str:
    return text.replace("|", "\\|")


def superclasses(graph: Graph, cls: URIRef) -> list[URIRef]:
    return [p for p in graph.objects(cls, RDFS.subClassOf) if isinstance(p, URIRef)]


def mermaid(
    nodes: set[URIRef], edges: list[str], members: dict[URIRef, list[str]] | None = None, direction: str = "TB"
) -> list[str]:
    lines = ["```mermaid", "classDiagram", f"    direction {direction}"]
    for node in sorted(nodes, key=display_order):
        lines.append(f'    class {node_id(node)}["{curie(node)}"]')
        lines.extend(f"    {node_id(node)} : {member}" for member in (members or {}).get(node, []))
    lines.extend(sorted(set(edges)))
    lines.append("```")
    return lines


def hierarchy_diagram(graph: Graph) -> list[str]:
    """The ASMK classes with their datatype properties, and the classes they specialise."""
    nodes: set[URIRef] = set(classes(graph))
    edges: list[str] = []
    for cls in classes(graph):
        for parent in superclasses(graph, cls):
            nodes.add(parent)
            edges.append(f"    {node_id(parent)} <|-- {node_id(cls)}")
    members: dict[URIRef, list[str]] = {}
    for prop, kind in properties(graph):
        if kind == "datatype":
            domains, ranges = domain_and_range(graph, prop)
            value = " or ".join(curie(r).split(":", 1)[-1] for r in ranges) or "literal"
            for source in domains:
                members.setdefault(source, []).append(f"+{node_id(prop)} {value}")
    return mermaid(nodes, edges, members, direction="LR")  # a wide, shallow forest: reads better sideways


def relations_diagram(graph: Graph) -> list[str]:
    """An arrow per object property from each class of its domain to each class of its range."""
    nodes: set[URIRef] = set()
    edges: list[str] = []
    for prop, kind in properties(graph):
        if kind == "object":
            domains, ranges = domain_and_range(graph, prop)
            for source in domains:
                for target in ranges:
                    nodes.update((source, target))
                    edges.append(f"    {node_id(source)} --> {node_id(target)} : {node_id(prop)}")
    return mermaid(nodes, edges)


def vocabulary_of(iri: Node) -> str | None:
    for name, namespaces in MAPPED_VOCABULARIES.items():
        if isinstance(iri, URIRef) and str(iri).startswith(namespaces):
            return name
    return None


def mappings(graph: Graph) -> Iterator[tuple[str, URIRef, URIRef, URIRef]]:
    """(vocabulary, ASMK term, mapping property, target) for every mapping axiom to a mapped vocabulary."""
    subjects = [*classes(graph), *(prop for prop, _kind in properties(graph))]
    rows = []
    for subject in subjects:
        for predicate in MAPPING_PROPERTIES:
            for target in graph.objects(subject, predicate):
                vocabulary = vocabulary_of(target)
                if vocabulary and isinstance(target, URIRef):
                    rows.append((vocabulary, subject, predicate, target))
    order = list(MAPPED_VOCABULARIES)
    yield from sorted(rows, key=lambda row: (order.index(row[0]), row[1], row[2], row[3]))


def mapping_table(graph: Graph) -> list[str]:
    rows = list(mappings(graph))
    if not rows:
        return ["The ontology states no mapping to these vocabularies yet."]
    lines = ["| vocabulary | ASMK term | relation | term there |", "|---|---|---|---|"]
    lines.extend(f"| {voc} | `{curie(s)}` | `{curie(p)}` | [`{curie(t)}`]({t}) |" for voc, s, p, t in rows)
    return lines


def label_cells(t: Term) -> str:
    return f"{cell(t.labels.get('de', ''))} | {cell(t.labels.get('en', ''))}"


def definition_cell(t: Term) -> str:
    parts = [f"{lang}: {cell(t.definitions[lang])}" for lang in ("de", "en") if lang in t.definitions]
    return "<br>".join(parts)


def class_table(graph: Graph) -> list[str]:
    lines = ["| class | subclass of | label (de) | label (en) | definition |", "|---|---|---|---|---|"]
    for cls in classes(graph):
        t = term(graph, cls)
        parents = ", ".join(f"`{curie(p)}`" for p in sorted(superclasses(graph, cls), key=display_order))
        lines.append(f"| `{curie(cls)}` | {parents} | {label_cells(t)} | {definition_cell(t)} |")
    return lines


def property_table(graph: Graph) -> list[str]:
    lines = [
        "| property | kind | domain | range | label (de) | label (en) | definition |",
        "|---|---|---|---|---|---|---|",
    ]
    for prop, kind in properties(graph):
        t = term(graph, prop)
        domains, ranges = domain_and_range(graph, prop)
        domain = " or ".join(f"`{curie(d)}`" for d in domains)
        range_ = " or ".join(f"`{curie(r)}`" for r in ranges)
        lines.append(f"| `{curie(prop)}` | {kind} | {domain} | {range_} | {label_cells(t)} | {definition_cell(t)} |")
    return lines


def render(ontology: Graph, source_name: str = "ontology/asmk.ttl") -> str:
    vocabularies = ", ".join(
        f"{name} (`{'`, `'.join(namespaces)}`)" for name, namespaces in MAPPED_VOCABULARIES.items()
    )
    sections: Iterable[list[str]] = (
        [
            "# The ASMK model",
            "",
            f"Generated from `{source_name}` by `asmk-graph model-doc`; do not edit by hand: change the",
            "ontology and run the command again (a test checks that this page is current).",
            "",
            "## Classes at a glance",
            "",
            "The ASMK classes with their datatype properties, and the classes (of ASMK or of a reused",
            "vocabulary) that they specialise.",
            "",
        ],
        hierarchy_diagram(ontology),
        [
            "",
            "## Relations",
            "",
            "The object properties, each as an arrow from its domain to its range; a property without",
            "a declared domain or range is listed under Properties only.",
            "",
        ],
        relations_diagram(ontology),
        [
            "",
            "## Mappings",
            "",
            f"Mapping axioms of the ontology to {vocabularies}: equivalence and subsumption",
            "(`owl:`, `rdfs:`) and SKOS mapping relations.",
            "",
        ],
        mapping_table(ontology),
        ["", "## Classes", ""],
        class_table(ontology),
        ["", "## Properties", ""],
        property_table(ontology),
    )
    return "\n".join(line for section in sections for line in section) + "\n"


def write_model_doc(ontology_path: Path, target: Path, source_name: str = "ontology/asmk.ttl") -> bool:
    """Regenerate target from the ontology; True when its content changed."""
    text = render(Graph().parse(ontology_path, format="turtle"), source_name)
    if target.is_file() and target.read_text(encoding="utf-8") == text:
        return False
    write_atomically(target.parent, {target.name: text.encode("utf-8")})
    return True
