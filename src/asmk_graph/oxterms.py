"""rdflib terms <-> Oxigraph terms, one term at a time (blank nodes keep their labels both ways)."""

from __future__ import annotations

from typing import Any

import pyoxigraph as ox
from rdflib import BNode, Literal, URIRef
from rdflib.namespace import XSD
from rdflib.term import Node

XSD_STRING = str(XSD.string)


def to_ox(node: Node) -> Any:
    if isinstance(node, URIRef):
        return ox.NamedNode(node)
    if isinstance(node, BNode):
        return ox.BlankNode(node)
    assert isinstance(node, Literal)
    if node.language:
        return ox.Literal(node, language=node.language)
    if node.datatype:
        return ox.Literal(node, datatype=ox.NamedNode(node.datatype))
    return ox.Literal(node)


def to_rdflib(term: Any) -> Node:
    if isinstance(term, ox.NamedNode):
        return URIRef(term.value)
    if isinstance(term, ox.BlankNode):
        return BNode(term.value)
    if term.language:
        return Literal(term.value, lang=term.language)
    if term.datatype.value == XSD_STRING:
        return Literal(term.value)
    return Literal(term.value, datatype=URIRef(term.datatype.value))
