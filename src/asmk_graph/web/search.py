"""Full-text search over the graph's resources: SQLite FTS5 (standard library), German-aware.

The index is built on first use, from whatever store the application serves (embedded Oxigraph
or a SPARQL server), by one named query (queries/pages/search-documents.rq): each resource's
label, and the texts that describe it (summaries, official titles, demands, the labels of its
topics and addressees, ...). It lives in memory; nothing is written to disk. A store that is down
then makes the search answer 503 and the next search tries again, as every other route does.

German text is folded before it is indexed and before it is searched: lower case, ä/ö/ü -> ae/oe/ue,
ß -> ss, other accents dropped. A word with an umlaut is also indexed without it (ä -> a), so
`Fachkraefte`, `Fachkrafte` and `Fachkräfte` all find "Fachkräfte". FTS5's unicode61 tokenizer
cuts at word boundaries: `KI` matches the word "KI" (also in "KI-gestützt"), never "Kinder". A
query word of four letters or more also matches words it begins (`Pflege` finds
"Pflegeversicherung"); all words of a query must occur (AND).
"""

from __future__ import annotations

import re
import sqlite3
import threading
import unicodedata
from collections import defaultdict
from dataclasses import dataclass, field

from rdflib import Literal

from ..queries import NamedQuery
from ..store.stores import Store

UMLAUTS = str.maketrans({"ä": "ae", "ö": "oe", "ü": "ue", "ß": "ss"})
WORD = re.compile(r"\w+")
PREFIX_FROM = 4  # query words this long also match longer words they begin
WEIGHTS = "0, 0, 5.0, 1.0, 0"  # bm25 per column (id, kind, label, text, shown): a label hit counts 5 times


def _strip_accents(text: str) -> str:
    return "".join(c for c in unicodedata.normalize("NFKD", text) if not unicodedata.combining(c))


def fold(text: str) -> str:
    """Lower case, umlauts spelled out (ä -> ae), ß -> ss, remaining accents dropped."""
    return _strip_accents(text.lower().translate(UMLAUTS))


def fold_plain(text: str) -> str:
    """The spelling without umlaut dots (ä -> a), as people type without a German keyboard."""
    return _strip_accents(text.lower().replace("ß", "ss"))


def indexed_form(text: str) -> str:
    """The folded text, followed by the dotless variant of every word that has one."""
    folded = fold(text)
    variants = {fold_plain(w) for w in WORD.findall(text.lower())} - set(WORD.findall(folded))
    return folded + (" " + " ".join(sorted(variants)) if variants else "")


def query_words(query: str) -> list[str]:
    return WORD.findall(fold(query))


def fts_expression(words: list[str]) -> str:
    """All words must occur; long words also as the beginning of a longer word."""
    return " ".join(f'"{w}"*' if len(w) >= PREFIX_FROM else f'"{w}"' for w in words)


def kind_of(iri: str, root: str) -> str:
    """The first path segment after <base>id/: conference, resolution, person, ..."""
    return iri[len(root) :].split("/", 1)[0] if iri.startswith(root) else ""


@dataclass
class Hit:
    id: str
    kind: str
    label: str
    text: str


@dataclass
class SearchIndex:
    root: str  # <base>id/
    db: sqlite3.Connection
    labels: dict[str, str]  # IRI -> label, one entry per indexed resource
    lock: threading.Lock = field(default_factory=threading.Lock)

    @classmethod
    def build(cls, store: Store, query: NamedQuery, base: str) -> SearchIndex:
        root = base + "id/"
        labels: dict[str, str] = {}
        texts: dict[str, list[str]] = defaultdict(list)
        for row in store.select(query.bind({"prefix": Literal(root)})):
            labels.setdefault(row["id"], row["label"])
            if row["text"] and row["text"] not in texts[row["id"]] and row["text"] != row["label"]:
                texts[row["id"]].append(row["text"])
        db = sqlite3.connect(":memory:", check_same_thread=False)
        db.execute("CREATE VIRTUAL TABLE docs USING fts5(id UNINDEXED, kind UNINDEXED, label, text, shown UNINDEXED)")
        db.executemany(
            "INSERT INTO docs VALUES (?, ?, ?, ?, ?)",
            [
                (
                    iri,
                    kind_of(iri, root),
                    indexed_form(label),
                    indexed_form(" ".join(texts[iri])),
                    " · ".join(texts[iri]),
                )
                for iri, label in sorted(labels.items())
            ],
        )
        db.commit()
        return cls(root, db, labels)

    def search(self, query: str, kinds: tuple[str, ...] = (), limit: int = 1000) -> list[Hit]:
        """Best matches first; an empty list when the query has no words."""
        words = query_words(query)
        if not words:
            return []
        sql = f"SELECT id, kind, shown FROM docs WHERE docs MATCH ? ORDER BY bm25(docs, {WEIGHTS})"
        with self.lock:
            rows = self.db.execute(sql, (fts_expression(words),)).fetchall()
        hits = [Hit(iri, kind, self.labels[iri], shown) for iri, kind, shown in rows if not kinds or kind in kinds]
        return hits[:limit]

    def matching_ids(self, query: str, kinds: tuple[str, ...]) -> list[str]:
        return [hit.id for hit in self.search(query, kinds)]


def highlight(text: str, query: str) -> list[tuple[str, bool]]:
    """text cut into (piece, matches) so a template can mark the words the query found."""
    words = query_words(query)
    pieces: list[tuple[str, bool]] = []
    position = 0
    for match in WORD.finditer(text):
        token = match.group()
        hit = any(
            candidate == w or (len(w) >= PREFIX_FROM and candidate.startswith(w))
            for w in words
            for candidate in (fold(token), fold_plain(token))
        )
        if hit:
            pieces.append((text[position : match.start()], False))
            pieces.append((token, True))
            position = match.end()
    pieces.append((text[position:], False))
    return [p for p in pieces if p[0]]


class Search:
    """The index of one store, built on first use; a build the store failed is tried again next time."""

    def __init__(self, store: Store, query: NamedQuery, base: str) -> None:
        self.store, self.query, self.base = store, query, base
        self.built: SearchIndex | None = None
        self.lock = threading.Lock()

    def index(self) -> SearchIndex:
        with self.lock:
            if self.built is None:
                self.built = SearchIndex.build(self.store, self.query, self.base)
            return self.built

    def search(self, query: str, kinds: tuple[str, ...] = (), limit: int = 1000) -> list[Hit]:
        return self.index().search(query, kinds, limit)

    def matching_ids(self, query: str, kinds: tuple[str, ...]) -> list[str]:
        return self.index().matching_ids(query, kinds)
