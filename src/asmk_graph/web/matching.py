"""Matching names and titles as people write them against the graph's entities (for /reconcile).

Candidates come from the store through the named queries in queries/reconcile/, so matching works
the same on every store; they are read once, on first use. Matching is plain Python (rapidfuzz):

- `fold` writes a text the way German names are typed without umlauts: lowercase ASCII, ä→ae,
  ö→oe, ü→ue, ß→ss, other accents dropped, hyphens and punctuation as spaces. `loose` also drops
  the e of ae/oe/ue, so "Barbl", "Baerbl" and "Bärbl" meet.
- Names lose honorifics and forms of address ("Dr.", "Prof.", "Frau"); "Lucha, Manne" is read as
  "Manne Lucha"; a surname alone, or one part of a hyphenated surname, scores 90, not 100.
- A Land is found by its name, official name, English name, ISO 3166-2 code (with or without
  "DE-"), and the short forms in `STATE_ALIASES` (NRW, BaWü, MeckPomm, ...), which are matching
  aids, not statements of the graph.
- Numbers must agree: "96. ASMK" never matches the 97th, whatever the rest of the text.
"""

from __future__ import annotations

import re
import unicodedata
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from rapidfuzz import fuzz

from ..queries import NamedQuery
from ..store.stores import Store

TYPES = {
    "Person": "Person (Ministerin, Minister, Senatorin, ...)",
    "Land": "Land (Bundesland)",
    "Meeting": "Sitzung der Konferenz (ASMK, Amtschefkonferenz)",
    "Resolution": "Beschluss oder Bericht",
    "Body": "Gremium oder Initiative",
    "Topic": "Themenfeld",
}
TITLED = {"Resolution", "Body", "Topic"}  # matched as titles too, word by word
HONORIFICS = {"dr", "prof", "professor", "herr", "frau", "dipl", "ing", "med", "phil", "rer", "nat", "hc", "mdl", "mdb"}
STATE_ALIASES = {
    "DE-BW": ["BaWü", "Ba-Wü", "Baden-Wuerttemberg", "Baden Württemberg", "Baden-Wurttemberg"],
    "DE-BY": ["Bavaria", "Freistaat Bayern"],
    "DE-BE": ["Land Berlin"],
    "DE-BB": ["Land Brandenburg"],
    "DE-HB": ["Bremen (Land)"],
    "DE-HH": ["Freie und Hansestadt Hamburg"],
    "DE-HE": ["Hesse"],
    "DE-MV": ["MeckPomm", "Meck-Pomm", "M-V", "Mecklenburg-Western Pomerania", "Mecklenburg Vorpommern"],
    "DE-NI": ["Lower Saxony", "Nds"],
    "DE-NW": ["NRW", "North Rhine-Westphalia", "Nordrhein Westfalen"],
    "DE-RP": ["RLP", "Rhineland-Palatinate", "Rheinland Pfalz"],
    "DE-SL": ["Saar"],
    "DE-SN": ["Saxony", "Freistaat Sachsen"],
    "DE-ST": ["LSA", "Saxony-Anhalt", "Sachsen Anhalt"],
    "DE-SH": ["S-H", "Schleswig Holstein"],
    "DE-TH": ["Thuringia", "Freistaat Thüringen", "Thueringen"],
}
OUTCOMES = {
    "unanimous": "einstimmig",
    "large-majority": "große Mehrheit",
    "majority": "Mehrheit",
    "agreed": "Einvernehmen",
    "unstated": "nicht angegeben",
}
ROLES = {"minister": "Minister/in", "senator": "Senator/in", "state-secretary": "Staatssekretär/in"}
_TRANSLIT = str.maketrans({"ä": "ae", "ö": "oe", "ü": "ue", "ß": "ss", "Ä": "ae", "Ö": "oe", "Ü": "ue", "ẞ": "ss"})
_NOT_WORD = re.compile(r"[^a-z0-9]+")
_NUMBER = re.compile(r"\b\d+\b")


def fold(text: str) -> str:
    """Lowercase ASCII with German transliteration; punctuation and hyphens become single spaces."""
    text = text.translate(_TRANSLIT)
    text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return _NOT_WORD.sub(" ", text.lower()).strip()


def loose(folded: str) -> str:
    """A folded text with ae/oe/ue as a/o/u: where a writer dropped the umlaut's dots."""
    return folded.replace("ae", "a").replace("oe", "o").replace("ue", "u")


def person_name(text: str) -> str:
    """A folded person's name without honorifics, 'Family, Given' turned round."""
    if text.count(",") == 1:
        family, given = text.split(",")
        text = f"{given} {family}"
    return " ".join(w for w in fold(text).split() if w not in HONORIFICS)


def _numbers(folded: str) -> set[str]:
    return set(_NUMBER.findall(folded))


def similarity(query: str, key: str) -> float:
    """0-100 for two folded texts; a query that is a part of the key (or the key of it) scores 90."""
    if query == key:
        return 100.0
    if not query or not key:
        return 0.0
    numbers, key_numbers = _numbers(query), _numbers(key)
    if numbers and key_numbers and not numbers & key_numbers:
        return 0.0
    whole = fuzz.token_sort_ratio(query, key)
    part = fuzz.token_set_ratio(query, key)
    score = max(whole, part - 10) if part > whole else whole
    return max(score, loose_similarity(query, key))


STOPWORDS = {
    "der",
    "die",
    "das",
    "den",
    "dem",
    "des",
    "und",
    "oder",
    "fuer",
    "von",
    "vom",
    "zur",
    "zum",
    "im",
    "in",
    "bei",
    "mit",
    "auf",
    "an",
    "als",
    "ein",
    "eine",
    "einer",
    "eines",
    "the",
    "of",
    "and",
}


def _content_words(folded: str) -> list[str]:
    return [w for w in folded.split() if w not in STOPWORDS and len(w) > 2]


def _word_score(word: str, key_words: list[str]) -> float:
    """How well one word of a title is found in another, inflections allowed (Verlängerung ~ verlängern)."""
    stem = word[: max(5, len(word) - 3)]
    best = 0.0
    for k in key_words:
        if k.startswith(stem) or word.startswith(k[: max(5, len(k) - 3)]):
            return 95.0
        best = max(best, fuzz.ratio(word, k))
    return best


def coverage(query: str, key: str) -> float:
    """Titles: the mean of how well each content word of the query is found in the key, word order aside."""
    words, key_words = _content_words(query), _content_words(key)
    if len(words) < 2 or not key_words:
        return 0.0
    return sum(_word_score(w, key_words) for w in words) / len(words) - 3.0


def loose_similarity(query: str, key: str) -> float:
    q, k = loose(query), loose(key)
    if q == k:
        return 98.0  # the same but for umlauts written without e
    return fuzz.token_sort_ratio(q, k) - 2.0


# --------------------------------------------------------------------------- entities


@dataclass(frozen=True)
class Ref:
    """A property value that is another entity."""

    id: str
    name: str


Value = Ref | str | int


@dataclass
class Entity:
    id: str  # path under <base>id/, e.g. "person/manne-lucha"
    type: str
    name: str
    description: str = ""
    keys: set[str] = field(default_factory=set)  # folded texts matched fuzzily
    codes: set[str] = field(default_factory=set)  # folded texts matched only exactly
    values: dict[str, list[Value]] = field(default_factory=lambda: defaultdict(list))

    def add(self, prop: str, value: Value | None) -> None:
        if value is not None and value != "" and value not in self.values[prop]:
            self.values[prop].append(value)

    def score(self, query: str, as_person: bool) -> float:
        folded = person_name(query) if as_person else fold(query)
        if folded in self.codes or loose(folded) in {loose(c) for c in self.codes}:
            return 100.0
        best = max((similarity(folded, k) for k in self.keys), default=0.0)
        if self.type in TITLED and best < 95:
            titles = (coverage(folded, k) for k in self.keys if _numbers(folded) <= _numbers(k))
            best = max(best, max(titles, default=0.0))
        return best


def _path(iri: str) -> str:
    return iri.split("/id/", 1)[1] if "/id/" in iri else iri


def _local(iri: str | None) -> str:
    return iri.rsplit("#", 1)[-1] if iri else ""


class Index:
    """Every candidate entity by id, built from the named queries in queries/reconcile/."""

    def __init__(self, entities: Iterable[Entity]) -> None:
        self.entities = {e.id: e for e in entities}

    @classmethod
    def from_store(cls, store: Store, queries: dict[str, NamedQuery]) -> Index:
        def rows(name: str) -> list[dict[str, Any]]:
            return store.select(queries[f"reconcile/{name}"].text)

        states = _states(rows("states"))
        names = {s.id: s.name for s in states}
        return cls(
            [
                *states,
                *_persons(rows("persons"), names),
                *_meetings(rows("meetings")),
                *_resolutions(rows("resolutions"), names),
                *_bodies(rows("bodies")),
                *_topics(rows("topics")),
            ]
        )

    def of_types(self, types: Iterable[str]) -> list[Entity]:
        wanted = set(types)
        return [e for e in self.entities.values() if e.type in wanted]

    def states_matching(self, text: str) -> set[str]:
        """Ids of the Länder a text names (by name, code or short form); empty when none is clear."""
        scored = sorted(((e.score(text, False), e.id) for e in self.of_types(["Land"])), reverse=True)
        if scored and scored[0][0] >= 85 and (len(scored) == 1 or scored[0][0] - scored[1][0] >= 5):
            return {scored[0][1]}
        return set()


def _grouped(rows: list[dict[str, Any]]) -> dict[str, list[dict[str, Any]]]:
    groups: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for row in rows:
        groups[row["id"]].append(row)
    return groups


def _states(rows: list[dict[str, Any]]) -> list[Entity]:
    out = []
    for r in rows:
        e = Entity(_path(r["id"]), "Land", r["name"], r["code"])
        e.keys |= {fold(r["name"])} | ({fold(r["official"])} if r["official"] else set())
        e.codes |= {fold(r["code"]), fold(r["code"].removeprefix("DE-"))}
        for alias in STATE_ALIASES.get(r["code"], []):
            (e.keys if len(alias) > 4 else e.codes).add(fold(alias))
        for prop in ("code", "nuts", "ars", "wikidata"):
            e.add(prop, r[prop])
        out.append(e)
    return out


def _persons(rows: list[dict[str, Any]], states: dict[str, str]) -> list[Entity]:
    out = []
    for iri, group in _grouped(rows).items():
        first = group[0]
        e = Entity(_path(iri), "Person", first["name"])
        e.keys |= {person_name(first["name"])}
        if first["family"]:
            e.keys.add(fold(first["family"]))
        e.add("honorific", first["honorific"])
        offices = []
        for r in group:
            if r["state"]:
                state = _path(r["state"])
                e.add("land", Ref(state, states.get(state, state)))
            if r["officeTitle"]:
                e.add("office", r["officeTitle"])
                where = f" ({states.get(_path(r['state']), '')})" if r["state"] else ""
                offices.append(r["officeTitle"] + where)
            if r["role"]:
                e.add("role", ROLES.get(_local(r["role"]), _local(r["role"])))
        e.description = "; ".join(sorted(set(offices)))
        out.append(e)
    return out


def _meetings(rows: list[dict[str, Any]]) -> list[Entity]:
    out = []
    for iri, group in _grouped(rows).items():
        r = group[0]
        e = Entity(_path(iri), "Meeting", r["label"])
        year, number = r["year"], r["number"]
        e.keys.add(fold(r["label"]))
        if number is not None:
            e.codes |= {fold(f"{number}. ASMK"), fold(f"ASMK {number}")}
            e.keys |= {fold(f"{number}. ASMK {year or ''}"), fold(f"{number}. Arbeits- und Sozialministerkonferenz")}
        elif year:
            e.codes |= {fold(f"ACK {year}"), fold(f"Amtschefkonferenz {year}")}
        if year and number is not None:
            e.keys.add(fold(f"ASMK {year}"))
        e.add("number", number)
        e.add("year", int(year) if year else None)
        e.add("startDate", r["start"])
        e.add("endDate", r["end"])
        for place in sorted({g["place"] for g in group if g["place"]}):
            e.add("place", place)
        e.description = ", ".join(str(x) for x in (r["start"] or year, *e.values.get("place", [])) if x)
        out.append(e)
    return out


def _resolutions(rows: list[dict[str, Any]], states: dict[str, str]) -> list[Entity]:
    out = []
    for iri, group in _grouped(rows).items():
        r = group[0]
        e = Entity(_path(iri), "Resolution", r["label"])
        e.keys.add(fold(r["label"]))
        if r["officialTitle"]:
            e.keys.add(fold(r["officialTitle"]))
            e.add("officialTitle", r["officialTitle"])
        outcome = _local(r["outcome"])
        e.add("outcome", outcome or None)
        meeting = _path(r["meeting"])
        e.add("meeting", Ref(meeting, f"{r['number']}. ASMK" if r["number"] else meeting))
        e.add("number", r["number"])
        e.add("year", int(r["year"]) if r["year"] else None)
        e.add("kind", "Bericht" if _local(r["kind"]) == "Report" else "Beschluss")
        for g in group:
            if g["applicant"]:
                state = _path(g["applicant"])
                ref = Ref(state, states.get(state, state))
                e.add("applicant", ref)
                e.add(g["role"], ref)
        parts = [f"{r['number']}. ASMK {r['year']}" if r["number"] else meeting, OUTCOMES.get(outcome, "")]
        e.description = ", ".join(p for p in parts if p)
        out.append(e)
    return out


def _bodies(rows: list[dict[str, Any]]) -> list[Entity]:
    out = []
    for r in rows:
        e = Entity(_path(r["id"]), "Body", r["name"], r["abbreviation"] or "")
        e.keys.add(fold(r["name"]))
        if r["abbreviation"]:
            e.codes.add(fold(r["abbreviation"]))
            e.add("abbreviation", r["abbreviation"])
        if r["partOf"]:
            e.add("partOf", Ref(_path(r["partOf"]), _path(r["partOf"])))
        out.append(e)
    return out


def _topics(rows: list[dict[str, Any]]) -> list[Entity]:
    out = []
    for r in rows:
        e = Entity(_path(r["id"]), "Topic", r["name"], "Themenfeld")
        e.keys.add(fold(r["name"]))
        e.add("notation", r["notation"])
        out.append(e)
    return out


# --------------------------------------------------------------------------- properties


@dataclass(frozen=True)
class Property:
    id: str
    name: str
    description: str
    type: str | None = None  # the type of entity values, None for plain values

    def matches(self, wanted: Any, values: list[Value], index: Index) -> bool:
        """Whether an entity's values agree with a value of a reconciliation query."""
        if isinstance(wanted, dict):
            wanted = wanted.get("id", "")
        if self.type == "Land" and isinstance(wanted, str):
            ids = {wanted} if wanted in index.entities else index.states_matching(wanted)
            return bool(ids & {v.id for v in values if isinstance(v, Ref)})
        if isinstance(wanted, bool):
            return False
        text = fold(str(wanted))
        for v in values:
            if isinstance(v, Ref):  # another entity, given by its id or by (a form of) its name
                if text in {fold(v.id), fold(v.name)} or similarity(text, fold(v.name)) >= 85:
                    return True
                continue
            have = v
            if isinstance(have, int) or text.isdigit():
                if text == str(have):
                    return True
            elif (
                text in {fold(str(have)), fold(OUTCOMES.get(str(have), ""))} or similarity(text, fold(str(have))) >= 85
            ):
                return True
        return False


def _props(*props: Property) -> dict[str, Property]:
    return {p.id: p for p in props}


PROPERTIES: dict[str, dict[str, Property]] = {
    "Person": _props(
        Property("land", "Land", "Land, für das die Person ein Amt hat", "Land"),
        Property("office", "Amt", "Amtsbezeichnung, z.B. Sozialministerin"),
        Property("role", "Funktion", "Minister/in, Senator/in oder Staatssekretär/in"),
        Property("honorific", "Titel", "Akademischer Titel, z.B. Dr."),
    ),
    "Land": _props(
        Property("code", "ISO-3166-2-Code", "z.B. DE-NW"),
        Property("nuts", "NUTS-Code", "NUTS-1-Code, z.B. DEA"),
        Property("ars", "Regionalschlüssel", "Amtlicher Regionalschlüssel, zweistellig"),
        Property("wikidata", "Wikidata", "Wikidata-Kennung, z.B. Q1198"),
    ),
    "Meeting": _props(
        Property("number", "Nummer", "Ordnungszahl der Konferenz, z.B. 97"),
        Property("year", "Jahr", "Jahr der Sitzung"),
        Property("startDate", "Beginn", "Erster Sitzungstag"),
        Property("endDate", "Ende", "Letzter Sitzungstag"),
        Property("place", "Ort", "Tagungsort (tatsächlich oder geplant)"),
    ),
    "Resolution": _props(
        Property("outcome", "Ergebnis", "unanimous, large-majority, majority, agreed oder unstated"),
        Property("applicant", "Antragsteller", "Land, das den Antrag gestellt oder mitgetragen hat", "Land"),
        Property("initiator", "Antragstellendes Land", "Land, das den Antrag gestellt hat", "Land"),
        Property("cosponsor", "Mitantragstellendes Land", "Land, das den Antrag mitgetragen hat", "Land"),
        Property("meeting", "Sitzung", "Sitzung, auf der der Beschluss gefasst wurde", "Meeting"),
        Property("number", "Nummer der Konferenz", "Ordnungszahl der Konferenz, z.B. 102"),
        Property("year", "Jahr", "Jahr der Konferenz"),
        Property("officialTitle", "Amtlicher Titel", "Titel, wie ihn die Quelle nennt"),
        Property("kind", "Art", "Beschluss oder Bericht"),
    ),
    "Body": _props(
        Property("abbreviation", "Abkürzung", "z.B. ACK"),
        Property("partOf", "Teil von", "Übergeordnetes Gremium", "Body"),
    ),
    "Topic": _props(Property("notation", "Notation", "Kürzel des Themenfelds")),
}


def all_properties() -> dict[str, Property]:
    """Every property by id (the same id has the same meaning in every type that has it)."""
    return {pid: p for props in PROPERTIES.values() for pid, p in props.items()}


# --------------------------------------------------------------------------- reconciling


@dataclass(frozen=True)
class Candidate:
    entity: Entity
    score: float
    features: tuple[tuple[str, float | bool], ...]
    agrees: bool  # every property constraint is met


def rank(index: Index, query: str, types: list[str], constraints: list[tuple[str, Any]], limit: int) -> list[Candidate]:
    """The best `limit` candidates for a query among the given types, best first."""
    found = []
    for entity in index.of_types(types):
        name_score = entity.score(query, entity.type == "Person") if query else 100.0
        features: list[tuple[str, float | bool]] = [("name", round(name_score, 1))]
        agrees = True
        for pid, wanted in constraints:
            prop = PROPERTIES[entity.type].get(pid)
            ok = prop is not None and any(
                prop.matches(w, entity.values.get(pid, []), index)
                for w in (wanted if isinstance(wanted, list) else [wanted])
            )
            features.append((pid, ok))
            agrees = agrees and ok
        score = name_score if agrees else name_score * 0.5
        if score >= 50:
            found.append(Candidate(entity, round(score, 1), tuple(features), agrees))
    found.sort(key=lambda c: (-c.score, c.entity.id))
    return found[:limit]


def is_match(candidates: list[Candidate]) -> bool:
    """The first candidate is certain: high score, clearly ahead, and every constraint met."""
    if not candidates or candidates[0].score < 90 or not candidates[0].agrees:
        return False
    return len(candidates) == 1 or candidates[0].score - candidates[1].score >= 8


def suggest(index: Index, prefix: str, types: list[str], limit: int, offset: int = 0) -> list[Entity]:
    """Entities whose name (or a word of it) starts with the prefix, then fuzzy ones; for auto-completion."""
    folded = fold(prefix)
    if not folded:
        return []

    def starts(e: Entity) -> bool:
        return any(k.startswith(folded) or f" {folded}" in f" {k}" for k in e.keys | e.codes)

    pool = index.of_types(types or list(TYPES))
    ranked: list[tuple[float, str, Entity]] = []
    for e in pool:
        score = 101.0 if starts(e) else e.score(prefix, e.type == "Person")
        if score >= 70:
            ranked.append((-score, e.name, e))
    ranked.sort(key=lambda t: (t[0], t[1]))
    return [e for _, _, e in ranked[offset : offset + limit]]


def prefix_filter(items: Iterable[tuple[str, str]], prefix: str) -> list[tuple[str, str]]:
    """(id, name) pairs whose id or name starts with the folded prefix (all when it is empty)."""
    folded = fold(prefix)

    def starts(text: str) -> bool:
        return fold(text).startswith(folded) or f" {folded}" in f" {fold(text)}"

    return [(i, n) for i, n in items if not folded or starts(i) or starts(n)]
