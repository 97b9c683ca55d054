"""What a user query may be, decided on a SPARQL tokenizer before any engine sees the text.

Checked: size, nesting depth and operator count (Oxigraph's parser is recursive: a few thousand
nested brackets or chained operators crash it), SPARQL Update (403), SERVICE, and Virtuoso's
extensions that reach the network or the server (DEFINE pragmas, `bif:`/`sql:` functions) (400).

SERVICE is not made safe here: embedded query workers have no network at all (store/sandbox.py).
The check gives a clear message, and is the guard for a remote store. Engines read the same text
differently, so the tokens are taken in every way one of them reads it, and a query is refused if
any reading finds a forbidden construct:

- a comment ends at a line feed or a carriage return (SPARQL 1.1, Oxigraph) or only at a line
  feed (Virtuoso);
- `<` starts an IRI wherever an IRI token can be matched (a lexer, Virtuoso) or is an operator
  (Oxigraph's PEG parser reads `?a<?b)FILTER(?b>` as a comparison).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import NamedTuple

# one alternative per token kind; order matters where two could match (pname before word)
_STRING = "|".join(
    [
        r"'''(?:(?:'|'')?(?:[^'\\]|\\.))*'''",  # long strings may hold quotes and line breaks
        r'"""(?:(?:"|"")?(?:[^"\\]|\\.))*"""',
        r"'(?:[^'\\\r\n]|\\.)*'",
        r'"(?:[^"\\\r\n]|\\.)*"',
    ]
)
# names are matched possessively (no backtracking): a long run of name characters is one token
_NAME = r"[^\W\d][\w\u00B7]*+(?:[-.]++[\w\u00B7]++)*+"
_LOCAL = r"(?:[\w\-:%\u00B7]|\\\S)++(?:\.++(?:[\w\-:%\u00B7]|\\\S)++)*+"
_COMMON = (
    rf"(?P<string>{_STRING})"
    r"|(?P<var>[?$][\w\u00B7]++)"
    r"|(?P<bnode>_:[\w\-.]*+)"
    rf"|(?P<pname>(?:{_NAME})?:(?:{_LOCAL})?)"
    rf"|(?P<word>{_NAME})"
    r"|(?P<number>\d++\.?\d*+(?:[eE][+-]?\d++)?|\.\d++(?:[eE][+-]?\d++)?)"
    r"|(?P<langtag>@[A-Za-z]++(?:-[A-Za-z0-9]++)*+)"
    r"|(?P<op>\|\||&&|!=|<=|>=|\^\^|[{}()\[\].,;!=<>+\-*/|^?])"
    r"|(?P<other>.)"
)
_IRI = r"(?P<iri><[^<>\"{}|^`\\\x00-\x20]*>)"
_SPACE = r"(?P<space>[ \t\r\n]+)"


def _lexer(comment_ends_at_cr: bool, iris: bool) -> re.Pattern[str]:
    comment = r"(?P<comment>#[^\r\n]*)" if comment_ends_at_cr else r"(?P<comment>#[^\n]*)"
    return re.compile("|".join([_SPACE, comment, *([_IRI] if iris else []), _COMMON]), re.S)


# (comment ends at CR, `<...>` is an IRI): the first is SPARQL 1.1 as Oxigraph's lexer would read it
READINGS = {key: _lexer(*key) for key in ((True, True), (True, False), (False, True), (False, False))}


class Token(NamedTuple):
    kind: str
    text: str


def tokens(query: str, comment_ends_at_cr: bool = True, iris: bool = True) -> Iterator[Token]:
    """The tokens of query without spaces and comments; never fails (unknown characters are 'other')."""
    for match in READINGS[comment_ends_at_cr, iris].finditer(query):
        kind = match.lastgroup or "other"
        if kind != "space" and kind != "comment":
            yield Token(kind, match.group())


def reading_keys(query: str) -> list[tuple[bool, bool]]:
    """The readings that can differ for this text (usually one or two)."""
    keys = [(True, True)]
    if "<" in query:
        keys.append((True, False))
    if "\r" in query and "#" in query:
        keys += [(False, iris) for _, iris in keys]
    return keys


@dataclass(frozen=True)
class QueryLimits:
    max_bytes: int = 100_000
    max_depth: int = 64
    max_operators: int = 1000


class QueryRefused(ValueError):
    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status = status


READ_ONLY = "this endpoint is read-only: SPARQL Update is not accepted"
NO_SERVICE = "SERVICE (federated query) is not allowed: the endpoint makes no outbound requests"
NO_EXTENSIONS = (
    "server extensions are not allowed: no DEFINE pragmas and no bif:/sql: functions (they can read files "
    "and fetch URLs on a Virtuoso server)"
)

OPENING, CLOSING = {"{", "(", "["}, {"}", ")", "]"}
NESTING = "{ }, ( ) and [ ] count"
CHAINS = "UNION, OPTIONAL, FILTER, ||, &&, /, |, ., ; and the like count"
# tokens that each add a node to the algebra or expression tree the parser builds recursively
OPERATOR_OPS = {"||", "&&", "!", "=", "!=", "<", ">", "<=", ">=", "+", "-", "*", "/", "|", "^", ".", ";", ","}
OPERATOR_WORDS = {"UNION", "OPTIONAL", "MINUS", "FILTER", "BIND", "EXISTS", "GRAPH", "SERVICE", "VALUES"}
UPDATE_WORDS = {"INSERT", "DELETE", "LOAD", "CLEAR", "CREATE", "DROP", "COPY", "MOVE", "ADD"}
UPDATE_NEXT = {"DATA", "WHERE", "GRAPH", "SILENT", "ALL", "DEFAULT", "NAMED", "{", "<"}
EXTENSION_SCHEMES = ("bif:", "sql:")
FORMS = {"SELECT": "select", "ASK": "ask", "CONSTRUCT": "graph", "DESCRIBE": "graph"}


def _following(reading: list[Token], index: int) -> Token | None:
    return reading[index + 1] if index + 1 < len(reading) else None


def _is_update(reading: list[Token], i: int) -> bool:
    after = _following(reading, i)
    return after is not None and (after.text.upper() in UPDATE_NEXT or after.kind in ("iri", "pname"))


def _is_service(reading: list[Token], i: int) -> bool:
    after = _following(reading, i)
    if after is not None and after.text.upper() == "SILENT":
        after = _following(reading, i + 1)
    return after is not None and (after.kind in ("var", "iri", "pname") or after.text == "<")


def _extension_iri(token: Token, prefixes: dict[str, str]) -> bool:
    if token.kind == "iri":
        return token.text[1:].lower().startswith(EXTENSION_SCHEMES)
    prefix, _, local = token.text.partition(":")
    expanded = prefixes.get(prefix, prefix + ":") + local.replace("\\", "")
    return prefix.lower() in ("bif", "sql") or expanded.lower().startswith(EXTENSION_SCHEMES)


def forbidden(reading: list[Token]) -> tuple[int, str] | None:
    """(status, message) for the first construct this reading refuses, else None."""
    prefixes: dict[str, str] = {}
    for i, token in enumerate(reading):
        word = token.text.upper() if token.kind == "word" else ""
        if word == "PREFIX" and i + 2 < len(reading) and reading[i + 2].kind == "iri":
            prefixes[reading[i + 1].text.rstrip(":")] = reading[i + 2].text[1:-1]
        if word in UPDATE_WORDS and _is_update(reading, i):
            return 403, READ_ONLY
        if word == "SERVICE" and _is_service(reading, i):
            return 400, NO_SERVICE
        if word == "DEFINE" and (after := _following(reading, i)) is not None and after.kind == "pname":
            return 400, NO_EXTENSIONS
        if token.kind in ("iri", "pname") and _extension_iri(token, prefixes):
            return 400, NO_EXTENSIONS
    return None


def measured(query: str, key: tuple[bool, bool], limits: QueryLimits) -> list[Token]:
    """The tokens of one reading; QueryRefused as soon as they nest or chain beyond the limits."""
    reading: list[Token] = []
    depth = operators = 0
    for token in tokens(query, *key):  # the hot loop of a 100 kB query: kept plain
        reading.append(token)
        kind, text = token
        if kind == "op":
            if text in OPENING:
                depth += 1
                if depth > limits.max_depth:
                    raise QueryRefused(400, f"the query nests brackets more than {limits.max_depth} deep ({NESTING})")
            elif text in CLOSING:
                depth = max(0, depth - 1)
            elif text in OPERATOR_OPS:
                operators += 1
        elif kind == "word" and text.upper() in OPERATOR_WORDS:
            operators += 1
        if operators > limits.max_operators:
            raise QueryRefused(400, f"the query has more than {limits.max_operators} operators ({CHAINS})")
    return reading


def query_form(reading: list[Token]) -> str:
    """'select', 'ask' or 'graph' (CONSTRUCT/DESCRIBE), from the first query keyword; 'select' if none."""
    return next((FORMS[t.text.upper()] for t in reading if t.kind == "word" and t.text.upper() in FORMS), "select")


def check_query(query: str, limits: QueryLimits) -> str:
    """The query form if the query may run; QueryRefused naming the rule or limit otherwise."""
    size = len(query.encode("utf-8", errors="surrogatepass"))
    if size > limits.max_bytes:
        raise QueryRefused(400, f"the query is {size} bytes long; the limit is {limits.max_bytes} bytes")
    views = [measured(query, key, limits) for key in reading_keys(query)]
    refusals = [found for view in views if (found := forbidden(view))]
    if refusals:
        status, message = min(refusals)  # 400 before 403: a federated update is refused as federated
        raise QueryRefused(status, message)
    return query_form(views[0])
