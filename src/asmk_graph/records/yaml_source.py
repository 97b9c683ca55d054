"""Safe reading of the curated YAML: bounded, strict, and with the line of every value.

The data files are small and written by hand, so the reader refuses anything a hand-written
file does not need and that has bitten YAML users before:

- a file larger than MAX_BYTES, and nesting deeper than MAX_DEPTH (no unbounded work);
- aliases (``*name``), so an alias bomb fails at once with a clear message instead of
  expanding to gigabytes;
- a key given twice in one mapping (PyYAML silently keeps the last);
- bytes that are not UTF-8 (named with their byte offset and line).

Scalars follow the YAML 1.2 core schema rather than PyYAML's YAML 1.1 defaults: only
``true``/``false`` are booleans (not ``yes``/``no``/``on``/``off``), integers are decimal
(no base-60 ``1:30``), and dates stay strings. PyYAML would build ``datetime.date`` objects
itself and raise a bare ValueError on ``2025-13-45``; the record layer parses dates and
names the file, record and field instead.

Mappings and sequences come back as ``YamlMap``/``YamlList`` (dict and list subclasses)
remembering the line of each key and item, so errors found later can point at the line.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import yaml
from yaml.composer import Composer
from yaml.constructor import ConstructorError
from yaml.events import AliasEvent
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

MAX_BYTES = 1 << 20  # 1 MiB: the largest data file is about 30 KB
MAX_DEPTH = 32


class YamlProblem(Exception):
    """A file that cannot be read as data; line is 1-based when known."""

    def __init__(self, message: str, line: int | None = None) -> None:
        super().__init__(message)
        self.message, self.line = message, line


class YamlMap(dict[str, Any]):
    """A mapping that remembers its own line and the line of each key."""

    line: int | None = None
    key_lines: dict[str, int]


class YamlList(list[Any]):
    """A sequence that remembers its own line and the line of each item."""

    line: int | None = None
    item_lines: list[int]


def _line(node: Node) -> int:
    return int(node.start_mark.line) + 1


class _Loader(Composer, yaml.CSafeLoader):
    """SafeLoader with the YAML 1.2 core scalars, no aliases, no duplicate keys, bounded depth.

    libyaml scans and parses (10x faster than PyYAML's Python scanner); PyYAML's Composer, ahead of
    CParser's own in the method order, builds the nodes, so that compose_node below sees every node.
    """

    depth = 0

    def __init__(self, stream: str) -> None:
        yaml.CSafeLoader.__init__(self, stream)
        self.anchors: dict[str, Node] = {}

    def compose_node(self, parent: Node | None, index: Any) -> Node | None:
        event: Any = self.peek_event()
        if isinstance(event, AliasEvent):
            mark: Any = event.start_mark
            raise YamlProblem(
                f"aliases (*{event.anchor}) are not allowed in the data files; write the value out", int(mark.line) + 1
            )
        self.depth += 1
        try:
            if self.depth > MAX_DEPTH:
                raise YamlProblem(f"nested deeper than {MAX_DEPTH} levels", int(event.start_mark.line) + 1)
            return Composer.compose_node(self, parent, index)
        finally:
            self.depth -= 1

    def construct_mapping(self, node: MappingNode, deep: bool = False) -> YamlMap:  # type: ignore[override]
        mapping = YamlMap()
        mapping.line, mapping.key_lines = _line(node), {}
        for key_node, value_node in node.value:
            key = self.construct_object(key_node, deep=True)
            if not isinstance(key, str):
                raise YamlProblem(f"a key must be text, got {key!r}", _line(key_node))
            if key in mapping:
                raise YamlProblem(
                    f"key {key!r} is given twice in one mapping (first on line {mapping.key_lines[key]})",
                    _line(key_node),
                )
            mapping[key] = self.construct_object(value_node, deep=True)
            mapping.key_lines[key] = _line(key_node)
        return mapping

    def construct_sequence(self, node: SequenceNode, deep: bool = False) -> YamlList:
        sequence = YamlList(self.construct_object(child, deep=True) for child in node.value)
        sequence.line, sequence.item_lines = _line(node), [_line(child) for child in node.value]
        return sequence


def _map_constructor(loader: _Loader, node: MappingNode) -> YamlMap:
    return loader.construct_mapping(node)


def _seq_constructor(loader: _Loader, node: SequenceNode) -> YamlList:
    return loader.construct_sequence(node)


def _refuse(loader: _Loader, node: Node) -> None:
    raise YamlProblem(f"the YAML tag {node.tag} is not allowed in the data files", _line(node))


_Loader.add_constructor("tag:yaml.org,2002:map", _map_constructor)
_Loader.add_constructor("tag:yaml.org,2002:seq", _seq_constructor)
_Loader.add_constructor("tag:yaml.org,2002:timestamp", _refuse)  # never resolved implicitly, see below
_Loader.add_constructor("tag:yaml.org,2002:set", _refuse)
_Loader.add_constructor("tag:yaml.org,2002:omap", _refuse)
_Loader.add_constructor("tag:yaml.org,2002:pairs", _refuse)
_Loader.add_constructor("tag:yaml.org,2002:binary", _refuse)

# YAML 1.2 core schema: replace PyYAML's YAML 1.1 resolvers for booleans, integers and floats,
# and drop the implicit timestamp resolver (dates stay strings).
_Loader.yaml_implicit_resolvers = {
    first: [
        (tag, regexp)
        for tag, regexp in resolvers
        if tag.rsplit(":", 1)[-1] not in ("bool", "int", "float", "timestamp")
    ]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}
_Loader.add_implicit_resolver("tag:yaml.org,2002:bool", re.compile(r"^(?:true|false)$"), list("tf"))
_Loader.add_implicit_resolver("tag:yaml.org,2002:int", re.compile(r"^[-+]?[0-9]+$"), list("-+0123456789"))
_Loader.add_implicit_resolver(
    "tag:yaml.org,2002:float",
    re.compile(r"^[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)(?:[eE][-+]?[0-9]+)?$"),
    list("-+0123456789."),
)


def _scalar_int(loader: _Loader, node: ScalarNode) -> int:
    return int(str(loader.construct_scalar(node)))


_Loader.add_constructor("tag:yaml.org,2002:int", _scalar_int)


def parse_yaml(raw: bytes) -> Any:
    """The document in raw, or YamlProblem naming what is wrong and where."""
    if len(raw) > MAX_BYTES:
        raise YamlProblem(f"file is {len(raw)} bytes; data files may be at most {MAX_BYTES} bytes")
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = raw.count(b"\n", 0, exc.start) + 1
        raise YamlProblem(f"not valid UTF-8: byte 0x{raw[exc.start]:02x} at byte offset {exc.start}", line) from exc
    try:
        return yaml.load(text, Loader=_Loader)  # _Loader is a restricted SafeLoader
    except YamlProblem:
        raise
    except ConstructorError as exc:
        mark = exc.problem_mark or exc.context_mark
        raise YamlProblem(f"not valid data: {exc.problem}", mark.line + 1 if mark else None) from exc
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        where = f"column {mark.column + 1}: " if mark else ""
        raise YamlProblem(f"not valid YAML: {where}{exc.problem or exc}", mark.line + 1 if mark else None) from exc
    except yaml.YAMLError as exc:
        raise YamlProblem(f"not valid YAML: {exc}") from exc
    except RecursionError as exc:  # guarded by MAX_DEPTH; kept as a last line of defence
        raise YamlProblem("nested too deeply") from exc


def read_yaml(path: Path) -> Any:
    """Read and parse one data file; YamlProblem for a missing, oversized or malformed file."""
    try:
        size = path.stat().st_size
        if size > MAX_BYTES:
            raise YamlProblem(f"file is {size} bytes; data files may be at most {MAX_BYTES} bytes")
        raw = path.read_bytes()
    except FileNotFoundError as exc:
        raise YamlProblem("file is missing") from exc
    return parse_yaml(raw)


def line_of(document: Any, path: tuple[str | int, ...]) -> int | None:
    """The line of the value at path (keys and indexes) in a parsed document, as deep as it goes."""
    line = getattr(document, "line", None)
    node = document
    for step in path:
        if isinstance(node, YamlMap) and isinstance(step, str) and step in node:
            line = node.key_lines.get(step, line)
            node = node[step]
        elif isinstance(node, YamlList) and isinstance(step, int) and 0 <= step < len(node):
            line = node.item_lines[step]
            node = node[step]
        else:
            break
    return line
