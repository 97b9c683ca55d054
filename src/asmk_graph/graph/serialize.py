"""Deterministic serialisations and atomic writing of graph/.

The union of all named graphs is written as Turtle, N-Triples (plain and gzipped) and
JSON-LD; the named graphs themselves as TriG and N-Quads. The graph has no blank nodes, so
sorting graphs, subjects, predicates and objects gives byte-identical output for the same
quads, whatever the process's hash seed. rdflib's own serialisers order subjects by
heuristics, which makes diffs of graph/ hard to review.
"""

from __future__ import annotations

import gzip
import hashlib
import json
import os
import re
import tempfile
from collections import defaultdict
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

from rdflib import BNode, Literal, URIRef
from rdflib.namespace import RDF, XSD

from ..namespaces import PREFIXES
from .graphs import GraphSet, Triple

DUMP_NAMES = ("asmk.ttl", "asmk.nt", "asmk.nt.gz", "asmk.jsonld", "asmk.trig", "asmk.nq")
CHECKSUMS = "SHA256SUMS"
# the media type of each file in graph/, by how its name ends (served under /dumps)
DUMP_MEDIA = {
    ".ttl": "text/turtle",
    ".nt": "application/n-triples",
    ".gz": "application/gzip",
    ".jsonld": "application/ld+json",
    ".trig": "application/trig",
    ".nq": "application/n-quads",
    CHECKSUMS: "text/plain",
}
_LOCAL = re.compile(r"^[A-Za-z_][A-Za-z0-9_-]*$")


class _Terms:
    def __init__(self, prefixes: dict[str, str]) -> None:
        # longest namespace first, so that a nested namespace wins
        self.prefixes = sorted(prefixes.items(), key=lambda kv: -len(kv[1]))
        self.compacted: dict[str, str | None] = {}  # the same IRIs come again and again
        self.written: dict[Any, str] = {}

    def compact(self, iri: str) -> str | None:
        if iri in self.compacted:
            return self.compacted[iri]
        found = None
        for prefix, ns in self.prefixes:
            if iri.startswith(ns) and _LOCAL.match(iri[len(ns) :]):
                found = f"{prefix}:{iri[len(ns) :]}"
                break
        self.compacted[iri] = found
        return found

    def iri(self, iri: str) -> str:
        return self.compact(iri) or f"<{iri}>"

    def turtle(self, term: Any) -> str:
        written = self.written.get(term)
        if written is None:
            if isinstance(term, BNode):
                raise ValueError(f"blank node {term} in graph: every node needs an IRI")
            if isinstance(term, URIRef):
                written = self.iri(str(term))
            else:
                assert isinstance(term, Literal)
                written = _literal(term, self.iri)
            self.written[term] = written
        return written


def _escape(text: str) -> str:
    return text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n").replace("\r", "\\r").replace("\t", "\\t")


def _sort_key(term: Any) -> tuple[int, str, str, str]:
    if isinstance(term, URIRef):
        return (0, str(term), "", "")
    lit: Literal = term
    return (1, str(lit), lit.language or "", str(lit.datatype or ""))


def _by_subject(graph: Iterable[Triple]) -> dict[URIRef, dict[URIRef, list[Any]]]:
    table: dict[URIRef, dict[URIRef, list[Any]]] = defaultdict(lambda: defaultdict(list))
    for s, p, o in graph:
        if isinstance(s, BNode) or isinstance(o, BNode):
            raise ValueError(f"blank node in triple ({s}, {p}, {o}): every node needs an IRI")
        table[s][p].append(o)  # type: ignore[index]
    return table


def _is_type(p: URIRef, type_iri: str = str(RDF.type)) -> bool:
    return str.__eq__(p, type_iri)  # as str: URIRef's own == is Python, and called for every predicate


def _predicate_order(p: URIRef) -> tuple[int, str]:
    return (0, "") if _is_type(p) else (1, str(p))


def to_ntriples(graph: Iterable[Triple]) -> str:
    nt = _NTerms()
    lines = sorted(f"{nt(s)} {nt(p)} {nt(o)} .\n" for s, p, o in graph)
    return "".join(lines)


class _NTerms(dict[Any, str]):
    """Each term as N-Triples writes it, remembered (a dump writes the same terms again and again)."""

    def __missing__(self, term: Any) -> str:
        written = self[term] = _nt_object(term)
        return written

    def __call__(self, term: Any) -> str:
        return self[term]


def _nt_object(o: Any) -> str:
    return _literal(o, lambda iri: f"<{iri}>") if isinstance(o, Literal) else str(o.n3())


def _literal(lit: Literal, datatype_iri: Callable[[str], str]) -> str:
    text = _escape(str(lit))
    if lit.language:
        return f'"{text}"@{lit.language}'
    if lit.datatype and lit.datatype != XSD.string:
        return f'"{text}"^^{datatype_iri(str(lit.datatype))}'
    return f'"{text}"'


def _turtle_statements(graph: Iterable[Triple], terms: _Terms, indent: str = "") -> list[str]:
    out = []
    for s, preds in sorted(_by_subject(graph).items(), key=lambda kv: str(kv[0])):
        out.append("\n" + indent + terms.turtle(s))
        plines = []
        for p in sorted(preds, key=_predicate_order):
            objs = f",\n{indent}        ".join(terms.turtle(o) for o in sorted(preds[p], key=_sort_key))
            plines.append(f"{'a' if _is_type(p) else terms.turtle(p)} {objs}")
        out.append(" " + f" ;\n{indent}    ".join(plines) + " .\n")
    return out


def to_turtle(graph: Iterable[Triple], prefixes: dict[str, str] = PREFIXES) -> str:
    terms = _Terms(prefixes)
    out = [f"@prefix {p}: <{ns}> .\n" for p, ns in sorted(prefixes.items())]
    return "".join(out + _turtle_statements(graph, terms))


def to_trig(graphs: GraphSet, prefixes: dict[str, str] = PREFIXES) -> str:
    """Each named graph as a TriG block, graphs sorted by IRI."""
    terms = _Terms(prefixes)
    out = [f"@prefix {p}: <{ns}> .\n" for p, ns in sorted(prefixes.items())]
    for name in sorted(graphs.triples, key=str):
        out.append(f"\n{terms.iri(str(name))} {{")
        out.extend(_turtle_statements(graphs.triples[name], terms, "  "))
        out.append("}\n")
    return "".join(out)


def to_nquads(graphs: GraphSet) -> str:
    nt = _NTerms()
    lines = sorted(f"{nt(s)} {nt(p)} {nt(o)} {nt(g)} .\n" for s, p, o, g in graphs.quads())
    return "".join(lines)


def to_jsonld(graph: Iterable[Triple], prefixes: dict[str, str] = PREFIXES) -> str:
    terms = _Terms(prefixes)
    nodes = []
    for s, preds in sorted(_by_subject(graph).items(), key=lambda kv: str(kv[0])):
        node: dict[str, Any] = {"@id": str(s)}
        for p in sorted(preds, key=_predicate_order):
            objs = sorted(preds[p], key=_sort_key)
            if _is_type(p):
                node["@type"] = [terms.compact(str(o)) or str(o) for o in objs]
            else:
                node[terms.compact(str(p)) or str(p)] = [_jsonld_value(o, terms) for o in objs]
        nodes.append(node)
    doc = {"@context": dict(sorted(prefixes.items())), "@graph": nodes}
    return _indented_json(doc) + "\n"


_json_string = json.encoder.encode_basestring  # in C; as ensure_ascii=False writes strings


def _indented_json(value: Any, level: int = 0) -> str:
    """json.dumps(value, ensure_ascii=False, indent=1) for dicts, lists and strings only: 4x as fast,
    since the standard library writes indented JSON with its pure-Python encoder."""
    if isinstance(value, str):
        return str(_json_string(value))
    pad = "\n" + " " * (level + 1)
    if isinstance(value, dict):
        items = [f"{_json_string(k)}: {_indented_json(v, level + 1)}" for k, v in value.items()]
        brackets = "{}"
    else:
        items = [_indented_json(v, level + 1) for v in value]
        brackets = "[]"
    if not items:
        return brackets
    return brackets[0] + pad + ("," + pad).join(items) + "\n" + " " * level + brackets[1]


def _jsonld_value(o: Any, terms: _Terms) -> dict[str, str]:
    if isinstance(o, URIRef):
        return {"@id": str(o)}
    value: dict[str, str] = {"@value": str(o)}
    if o.language:
        value["@language"] = o.language
    elif o.datatype and o.datatype != XSD.string:
        value["@type"] = terms.compact(str(o.datatype)) or str(o.datatype)
    return value


def render_dumps(graphs: GraphSet) -> dict[str, bytes]:
    """All dump files of graph/ as bytes, by file name: the union, and the named graphs."""
    union = graphs.union_triples()
    nt = to_ntriples(union).encode()
    return {
        "asmk.ttl": to_turtle(union).encode(),
        "asmk.nt": nt,
        # mtime=0: the gzip header carries no build time, so rebuilds are byte-identical
        "asmk.nt.gz": gzip.compress(nt, compresslevel=9, mtime=0),
        "asmk.jsonld": to_jsonld(union).encode(),
        "asmk.trig": to_trig(graphs).encode(),
        "asmk.nq": to_nquads(graphs).encode(),
    }


def checksums(files: dict[str, bytes]) -> bytes:
    return "".join(f"{hashlib.sha256(b).hexdigest()}  {n}\n" for n, b in sorted(files.items())).encode()


def write_atomically(target_dir: Path, files: dict[str, bytes]) -> None:
    """Write every file to a temporary name in target_dir, then rename them into place.

    Nothing is renamed until every file has been written and flushed, so a failure while
    writing leaves the previous files untouched.
    """
    target_dir.mkdir(parents=True, exist_ok=True)
    staged: list[tuple[str, Path]] = []
    try:
        for name, content in sorted(files.items()):
            fd, tmp_name = tempfile.mkstemp(prefix=f".{name}.", suffix=".tmp", dir=target_dir)
            staged.append((name, Path(tmp_name)))
            os.fchmod(fd, 0o644)  # mkstemp creates 0600; dumps are public files
            with os.fdopen(fd, "wb") as fh:
                fh.write(content)
                fh.flush()
                os.fsync(fh.fileno())
        for name, staged_path in staged:
            os.replace(staged_path, target_dir / name)
    finally:
        for _, staged_path in staged:
            staged_path.unlink(missing_ok=True)


def read_checksums(text: str) -> dict[str, str]:
    return {name: digest for digest, name in (line.split("  ", 1) for line in text.splitlines())}
