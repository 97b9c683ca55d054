"""Run a SHACL-SPARQL constraint once for all focus nodes instead of once per focus node.

SHACL pre-binds `$this` to each focus node in turn. When every use of `$this` in the query is
one whose meaning does not change if `?this` is instead bound by a pattern at the start of the
WHERE clause, the constraint can be rewritten to

    SELECT <projection> ?this WHERE { <focus nodes as ?this> <original body> }

and run once. That holds for `$this` in triple patterns (outside sub-selects), and for `$this`
in expressions that are evaluated where `?this` is already bound: the top-level group, the
filter of an OPTIONAL directly in it, and anywhere inside a FILTER (NOT) EXISTS reached that
way (Oxigraph evaluates EXISTS by substitution). Anything else (a filter on `$this` inside a
nested group or UNION branch, sub-selects mentioning `$this`, aggregates, LIMIT/OFFSET on the
outer query) is left to per-focus-node evaluation with Oxigraph's substitutions, which follow
the same pre-binding semantics as pySHACL.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

_TOKEN = re.compile(
    r"""
      (?P<comment>\#[^\n]*)
    | (?P<string>\"\"\"(?:[^"\\]|\\.|"(?!""))*\"\"\"|'''(?:[^'\\]|\\.|'(?!''))*'''
                 |"(?:[^"\\\n]|\\.)*"|'(?:[^'\\\n]|\\.)*')
    | (?P<iri><[^<>"{}|^`\\\x00-\x20]*>)
    | (?P<var>[?$][A-Za-z0-9_\u00b7\u00c0-\uffff]+)
    | (?P<punct>[{}()])
    | (?P<word>[A-Za-z_][A-Za-z0-9_\-]*(?::[^\s{}()<>,;]*)?|:[^\s{}()<>,;]*)
    | (?P<other>\S)
    """,
    re.VERBOSE,
)
_AGGREGATES = {"COUNT", "SUM", "MIN", "MAX", "AVG", "SAMPLE", "GROUP_CONCAT"}
_OUTER_MODIFIERS = {"GROUP", "HAVING", "LIMIT", "OFFSET"}
# pySHACL refuses these in constraints (MINUS, VALUES, SERVICE) or reads them its own way: left to it
_UNHANDLED = {"MINUS", "VALUES", "SERVICE"}


@dataclass(frozen=True)
class Token:
    kind: str
    text: str
    start: int


@dataclass(frozen=True)
class Constraint:
    """A SELECT constraint, analysed once."""

    text: str
    projected: frozenset[str] | None  # variable names, None for SELECT *
    where_open: int  # offset just after the '{' that opens the WHERE clause
    projection_at: int  # offset where '?this' can be added to the projection
    set_oriented: bool  # may be run once for all focus nodes


def tokens(text: str) -> list[Token]:
    return [
        Token(m.lastgroup or "other", m.group(), m.start()) for m in _TOKEN.finditer(text) if m.lastgroup != "comment"
    ]


def analyse(select: str) -> Constraint | None:
    """None when the text is not a SELECT query this module understands."""
    toks = tokens(select)
    words = [t.text.upper() if t.kind == "word" else "" for t in toks]
    if "SELECT" not in words or _UNHANDLED & set(words):
        return None
    if any(t.kind == "var" and t.text[1:] in ("shapesGraph", "currentShape") for t in toks):
        return None
    at = words.index("SELECT")
    projection_at = toks[at].start + len(toks[at].text)
    i = at + 1
    if i < len(toks) and words[i] in ("DISTINCT", "REDUCED"):
        projection_at = toks[i].start + len(toks[i].text)
        i += 1
    projected: set[str] | None = set()
    aggregate = False
    depth = 0
    while i < len(toks) and not (toks[i].text == "{" and depth == 0):
        tok = toks[i]
        if tok.text == "(":
            depth += 1
        elif tok.text == ")":
            depth -= 1
        elif tok.text == "{":
            return None  # EXISTS in a projected expression: not handled here
        elif tok.kind == "var" and projected is not None:
            # a variable at depth 0, or the one after AS, is projected
            if depth == 0 or words[i - 1] == "AS":
                projected.add(tok.text[1:])
        elif tok.text == "*" and depth == 0:
            projected = None
        elif words[i] in _AGGREGATES:
            aggregate = True
        i += 1
    if i == len(toks):
        return None
    where_open = toks[i].start + 1
    close, safe_body = _check_body(toks, words, i)
    if close is None:
        return None
    trailing = {w for w in words[close + 1 :] if w}
    set_oriented = safe_body and not aggregate and not (trailing & _OUTER_MODIFIERS)
    return Constraint(
        select, None if projected is None else frozenset(projected), where_open, projection_at, set_oriented
    )


def _check_body(toks: list[Token], words: list[str], open_at: int) -> tuple[int | None, bool]:
    """Index of the '}' closing the WHERE clause, and whether every `$this` in it is safe."""
    frames: list[str] = []  # kinds of the enclosing groups: top, exists, optional, select, group
    parens: list[int] = []  # open parentheses inside each group
    safe = True
    for i in range(open_at, len(toks)):
        tok = toks[i]
        if tok.text == "{":
            before = words[i - 1] if i > 0 else ""
            after = words[i + 1] if i + 1 < len(toks) else ""
            kind = (
                "top"
                if not frames
                else "select"
                if after == "SELECT"
                else "exists"
                if before == "EXISTS"
                else "optional"
                if before == "OPTIONAL"
                else "group"
            )
            frames.append(kind)
            parens.append(0)
        elif tok.text == "}":
            frames.pop()
            parens.pop()
            if not frames:
                return i, safe
        elif tok.text == "(":
            parens[-1] += 1
        elif tok.text == ")":
            parens[-1] -= 1
        elif tok.kind == "var" and tok.text[1:] == "this":
            safe = safe and _this_is_safe(frames, in_expression=parens[-1] > 0)
    return None, False


def _this_is_safe(frames: list[str], in_expression: bool) -> bool:
    if "select" in frames:
        return False
    if not in_expression:
        return True  # a triple pattern: joining on ?this gives the same solutions
    outer = frames[: frames.index("exists")] if "exists" in frames else frames
    # where ?this is bound: the top group, or the filter of an OPTIONAL directly in it
    return outer == ["top"] or outer == ["top", "optional"]


def replace_path(select: str, path: str) -> str:
    """Substitute $PATH (a property shape's path) as pySHACL does."""
    return re.sub(r"([\s{}()])[\$\?]PATH", lambda m: m.group(1) + path, select)


def set_oriented_query(constraint: Constraint, focus_pattern: str) -> str:
    """The constraint as one query: ?this bound by focus_pattern, ?this projected."""
    text = constraint.text
    body = text[: constraint.where_open] + " " + focus_pattern + " " + text[constraint.where_open :]
    if constraint.projected is None or "this" in constraint.projected:
        return body
    return body[: constraint.projection_at] + " ?this" + body[constraint.projection_at :]
