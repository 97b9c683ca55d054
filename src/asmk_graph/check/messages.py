"""Result messages worded exactly as pySHACL words them, so both engines' reports compare equal.

pySHACL's default messages name nodes through its `stringify_node`; IRIs and literals are ported
here, blank nodes (whose rendering describes the node's triples) are left to pySHACL itself.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from typing import Any

from rdflib import BNode, Graph, Literal, URIRef
from rdflib.namespace import SH, NamespaceManager
from rdflib.term import Node

# where a node is named: the graph (for blank nodes) and its prefixes
Namer = Callable[[Node], str]


def namer(graph: Graph) -> Namer:
    ns = graph.namespace_manager
    ns.bind("sh", SH, override=False, replace=False)  # pySHACL does the same before naming

    def name(node: Node) -> str:
        if isinstance(node, Literal):
            return _literal(node, ns, name)
        if isinstance(node, BNode):
            from pyshacl.rdfutil.stringify import stringify_node  # only blank nodes need pySHACL

            return str(stringify_node(graph, node))
        if isinstance(node, URIRef):
            try:
                return str(node.n3(namespace_manager=ns))
            except Exception:
                return str(node)
        return str(node)

    return name


def _literal(node: Literal, ns: NamespaceManager, name: Namer) -> str:
    value = None if node.value is None else str(node.value)
    lexical = str(node)
    if value is not None and value.find(" object at 0x") > 0:
        value = value[: value.find(" object at 0x")]
    text = f'"{lexical}" = {value}' if value is not None and value != lexical else f'"{lexical}"'
    lang = f", lang={node.language}" if node.language else ""
    datatype = f", datatype={name(node.datatype)}" if node.datatype else ""
    return f"Literal({text}{lang}{datatype})"


def substitute(message: str, bound: Any) -> str:
    """{?var} / {$var} substitution in SPARQL-based constraint messages (pySHACL's rules)."""
    values: dict[str, Any] = {}
    if isinstance(bound, tuple):
        this, path, value, others = bound
        values.update(others)
        for key, node in (("this", this), ("path", path), ("value", value)):
            if node is not None:
                values[key] = node
    elif isinstance(bound, dict):
        values.update(bound)
    else:
        return message
    for var, node in values.items():
        message = re.sub(f"{{[?$]{var}}}", str(node), message)
    return message


def render(shape_messages: Iterable[Literal], extra: Iterable[Literal], bound: Any, generic: Callable[[], str]) -> str:
    """The result's message(s), as make_v_result in pySHACL picks them; several are sorted and joined."""
    own = list(shape_messages)
    extra = list(extra)
    out: list[str] = []

    def text(m: Literal) -> str:
        return substitute(str(m.value), bound) if bound is not None else str(m)

    out.extend(text(m) for m in extra if m not in own)
    if not extra and not own:
        out.append(generic())
    out.extend(text(m) for m in own)
    return " | ".join(sorted(out))


def generic(
    component: str,
    params: list[Node],
    *,
    focus: Node,
    value: Node | None,
    path: Node | None,
    data: Namer,
    shapes: Namer,
    shapes_graph: Graph,
    count: tuple[int | None, int | None] = (None, None),
) -> str:
    """pySHACL's make_generic_messages of each core component."""
    one = params[0] if params else None

    def data_value() -> str:
        return data(value) if value is not None else "None"

    def listed(node: Node) -> str:
        return " , ".join(shapes(m) for m in shapes_graph.items(node))

    def lists(joiner: str) -> str:
        if len(params) < 2:
            return listed(params[0])
        return joiner.join(f"({listed(p)})" for p in params)

    on = f"{data(focus)}->{shapes(path)}" if path is not None else data(focus)
    if component == "minCount":
        return f"Less than {one} values on {on}"
    if component == "maxCount":
        return f"More than {one} values on {on}"
    if component == "class":
        if len(params) < 2:
            return f"Value does not have class {shapes(params[0])}"
        return "Value class is not in classes ({})".format(", ".join(shapes(c) for c in params))
    if component == "datatype":
        return f"Value is not Literal with datatype {shapes(params[0])}"
    if component == "nodeKind":
        return f"Value is not of Node Kind {shapes(params[0])}"
    if component == "in":
        return f"Value {data(value)} not in list {[shapes(v) for v in shapes_graph.items(one)]}"  # type: ignore[arg-type]
    if component == "hasValue":
        the_set = [shapes(v) for v in params]
        if path is not None:
            return f"Node {data(focus)}->{shapes(path)} does not contain a value in the set: {the_set}"
        return f"Node {data(focus)} value is not a in the set of values: {the_set}"
    if component == "pattern":
        if len(params) < 2:
            return f"Value does not match pattern '{one.value}'"  # type: ignore[union-attr]
        return "Value does not match every pattern in ('{}')".format("', '".join(str(p.value) for p in params))  # type: ignore[attr-defined]
    if component == "languageIn":
        return f"String language is not in {shapes(params[0])}"
    if component == "uniqueLang":
        return "More than one String shares the same Language"
    if component in ("minLength", "maxLength"):
        op = ">=" if component == "minLength" else "<="
        return f"String length not {op} {data(params[0])}"
    if component in _RANGE_OPS:
        op = _RANGE_OPS[component]
        if len(params) < 2:
            return f"Value is not {op} {shapes(params[0])}"
        return "Value is not {} in ({})".format(op, ", ".join(shapes(p) for p in params))
    if component == "node":
        if len(params) < 2:
            text = f"Value does not conform to Shape {shapes(params[0])}."
        else:
            text = "Value must conform to every Shape in ('{}').".format("', '".join(shapes(c) for c in params))
        return text + " See details for more information."
    if component == "not":
        if len(params) == 1:
            return f"Node {data_value()} must not conform to shape {shapes(params[0])}"
        names = " , ".join(shapes(n) for n in params)
        return f"Node {data_value()} must not conform to any shapes in {names}"
    if component in ("and", "or", "xone"):
        verb = {
            "and": "conform to all shapes in",
            "or": "conform to one or more shapes in",
            "xone": "conform to exactly one shape in",
        }[component]
        return f"Node {data_value()} must {verb} {lists(' and ')}"
    if component in ("qualifiedMinCount", "qualifiedMaxCount"):
        low, high = count
        counts = (f" MinCount {low}" if low is not None else "") + (f" MaxCount {high}" if high is not None else "")
        names = ",".join(shapes(s) for s in params)
        if len(params) > 1:
            return f"Focus node does not conform to shapes{counts}: ({names})"
        return f"Focus node does not conform to shape{counts}: {names}"
    return ""  # SPARQL-based constraints have no generic message


_RANGE_OPS = {"minExclusive": ">", "minInclusive": ">=", "maxExclusive": "<", "maxInclusive": "<="}
