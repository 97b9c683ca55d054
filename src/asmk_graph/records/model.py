"""Curated YAML source data -> typed records.

Every problem is reported with the file, the record and the field it concerns, and all problems
of a load are reported together (``DataErrors``), so that one run shows everything to fix.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

OUTCOMES = ("unanimous", "large-majority", "majority", "agreed", "unstated")
MEETING_KINDS = ("main", "special", "heads-of-office")
RESOLUTION_KINDS = ("resolution", "report")
OFFICE_ROLES = ("minister", "senator", "state-secretary", "member-of-parliament")
BODY_RELATIONS = ("engaged-in", "prepared-by", "co-chaired", "unit", "formed-from", "linked")
DOCUMENT_KINDS = ("press-release", "web-page", "parliamentary-report", "code-list")
ROTATION_ORDERS = ("alphabetical",)

SLUG = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
STATE_CODE = re.compile(r"^DE-[A-Z]{2}$")
CITATION = re.compile(r"^(?P<key>[a-z0-9]+):(?P<start>\d+)(?:-(?P<end>\d+))?$")


# --------------------------------------------------------------------------- errors


@dataclass(frozen=True)
class DataError:
    file: str
    record: str
    field: str
    message: str

    def __str__(self) -> str:
        where = f"{self.file}: {self.record}" if self.record else self.file
        if self.field:
            where += f", field '{self.field}'"
        return f"{where}: {self.message}"


class DataErrors(Exception):
    def __init__(self, errors: list[DataError]) -> None:
        self.errors = errors
        super().__init__("\n".join(str(e) for e in errors))


# --------------------------------------------------------------------------- records


@dataclass(frozen=True)
class Citation:
    source: str
    start: int
    end: int


@dataclass(frozen=True)
class Source:
    key: str
    id: str
    kind: str
    title: str
    publisher: str | None
    date: dt.date | None
    date_note: str | None
    file: str | None
    sha256: str | None
    lines: int | None
    url: str | None


@dataclass(frozen=True)
class State:
    code: str
    name: str
    official_name: str | None
    nuts: str
    ars: str
    wikidata: str
    sources: tuple[Citation, ...]


@dataclass(frozen=True)
class Organisation:
    id: str
    name: str
    kind: str  # ministry | federal | other | agent
    state: str | None
    sources: tuple[Citation, ...]


@dataclass(frozen=True)
class Conference:
    id: str
    name: str
    abbreviation: str
    alt_names: tuple[str, ...]
    description: str
    sources: tuple[Citation, ...]
    policy_fields_sources: tuple[Citation, ...]


@dataclass(frozen=True)
class Place:
    id: str
    name: str
    description: str | None
    sources: tuple[Citation, ...]


@dataclass(frozen=True)
class Topic:
    id: str
    name: str
    editorial: bool
    sources: tuple[Citation, ...]


@dataclass(frozen=True)
class Office:
    role: str
    title: str
    organization: str | None
    state: str
    attested: dt.date | None
    start: dt.date | None
    end: dt.date | None
    sources: tuple[Citation, ...]

    @property
    def slug(self) -> str:
        return f"{self.organization or self.state.lower()}-{self.role}"


@dataclass(frozen=True)
class Person:
    id: str
    given: str
    family: str
    honorific_prefix: str | None
    honorific_suffix: str | None
    offices: tuple[Office, ...]
    sources: tuple[Citation, ...]

    @property
    def name(self) -> str:
        return f"{self.given} {self.family}"


@dataclass(frozen=True)
class ChairPerson:
    person: str
    start: dt.date | None
    until: dt.date | None
    sources: tuple[Citation, ...]


@dataclass(frozen=True)
class Chair:
    year: int
    state: str
    start: dt.date | None
    end: dt.date | None
    persons: tuple[ChairPerson, ...]
    priorities: tuple[str, ...]
    note: str | None
    sources: tuple[Citation, ...]


@dataclass(frozen=True)
class Rule:
    id: str
    label: str
    description: str
    month: int | None
    applies_to: str | None
    change_date: str | None
    rotation_order: str | None
    sources: tuple[Citation, ...]


@dataclass(frozen=True)
class Body:
    id: str
    name: str
    abbreviation: str | None
    relation: str
    description: str
    partners: tuple[str, ...]
    founders: tuple[str, ...]
    part_of: str | None
    linked_to: tuple[str, ...]
    topics: tuple[str, ...]
    sources: tuple[Citation, ...]


@dataclass(frozen=True)
class Meeting:
    key: str
    number: int | None
    kind: str
    year: int | None
    start: dt.date | None
    end: dt.date | None
    planned_start: dt.date | None
    planned_end: dt.date | None
    location: str | None
    planned_location: str | None
    virtual: bool | None
    chair_year: int | None
    prepares: str | None
    description: str
    sources: tuple[Citation, ...]
    file: str

    @property
    def effective_year(self) -> int | None:
        return self.year if self.year is not None else (self.start.year if self.start else None)


@dataclass(frozen=True)
class Resolution:
    meeting: str
    id: str
    kind: str
    label: str
    official_title: str | None
    outcome: str
    initiators: tuple[str, ...]
    cosponsors: tuple[str, ...]
    cosponsor_note: str | None
    all_states: bool
    lead: str | None
    addressees: tuple[str, ...]
    refers_to: tuple[str, ...]
    requests: tuple[str, ...]
    summary: str
    topics: tuple[str, ...]
    sources: tuple[Citation, ...]


@dataclass(frozen=True)
class Proposal:
    meeting: str
    id: str
    label: str
    proposed_by: tuple[str, ...]
    advocates: tuple[str, ...]
    summary: str
    topics: tuple[str, ...]
    sources: tuple[Citation, ...]


@dataclass
class Dataset:
    sources: list[Source] = field(default_factory=list)
    states: list[State] = field(default_factory=list)
    organisations: list[Organisation] = field(default_factory=list)
    conference: Conference | None = None
    places: list[Place] = field(default_factory=list)
    topics: list[Topic] = field(default_factory=list)
    persons: list[Person] = field(default_factory=list)
    chairs: list[Chair] = field(default_factory=list)
    rules: list[Rule] = field(default_factory=list)
    bodies: list[Body] = field(default_factory=list)
    meetings: list[Meeting] = field(default_factory=list)
    resolutions: list[Resolution] = field(default_factory=list)
    proposals: list[Proposal] = field(default_factory=list)


# --------------------------------------------------------------------------- field reader


class Fields:
    """Reads one YAML mapping, recording errors (with file/record/field) instead of raising."""

    def __init__(self, errors: list[DataError], file: str, record: str, data: Any, allowed: set[str]) -> None:
        self.errors, self.file, self.record = errors, file, record
        if not isinstance(data, dict):
            self.fail("", f"expected a mapping, got {type(data).__name__}")
            data = {}
        self.data: dict[str, Any] = data
        for key in sorted(set(data) - allowed):
            self.fail(key, f"unknown field (allowed: {', '.join(sorted(allowed))})")

    def fail(self, name: str, message: str) -> None:
        self.errors.append(DataError(self.file, self.record, name, message))

    def _get(self, name: str, required: bool) -> Any:
        value = self.data.get(name)
        if value is None and required:
            self.fail(name, "is required")
        return value

    def text(self, name: str, required: bool = True, pattern: re.Pattern[str] | None = None) -> Any:
        value = self._get(name, required)
        if value is None:
            return None
        if isinstance(value, int) and not isinstance(value, bool):
            value = f"{value}"
        if not isinstance(value, str) or not value.strip():
            self.fail(name, f"expected non-empty text, got {value!r}")
            return None
        value = " ".join(value.split())
        if pattern and not pattern.match(value):
            self.fail(name, f"{value!r} does not match {pattern.pattern}")
            return None
        return value

    def slug(self, name: str, required: bool = True) -> Any:
        return self.text(name, required, SLUG)

    def choice(self, name: str, choices: tuple[str, ...], default: str | None = None) -> Any:
        value = self.data.get(name, default)
        if value is None:
            self.fail(name, "is required")
            return None
        if value not in choices:
            self.fail(name, f"{value!r} is not one of {', '.join(choices)}")
            return None
        return value

    def number(self, name: str, required: bool = True, low: int = 1, high: int = 9999) -> Any:
        value = self._get(name, required)
        if value is None:
            return None
        if not isinstance(value, int) or isinstance(value, bool) or not low <= value <= high:
            self.fail(name, f"expected a whole number from {low} to {high}, got {value!r}")
            return None
        return value

    def flag(self, name: str, default: bool | None = None) -> Any:
        value = self.data.get(name, default)
        if value is not None and not isinstance(value, bool):
            self.fail(name, f"expected true or false, got {value!r}")
            return None
        return value

    def date(self, name: str) -> Any:
        value = self.data.get(name)
        if value is None or isinstance(value, dt.date):
            return value
        try:
            return dt.date.fromisoformat(str(value))
        except ValueError:
            self.fail(name, f"expected a date YYYY-MM-DD, got {value!r}")
            return None

    def names(self, name: str, pattern: re.Pattern[str] | None = SLUG) -> tuple[str, ...]:
        value = self.data.get(name, [])
        if not isinstance(value, list):
            self.fail(name, f"expected a list, got {value!r}")
            return ()
        items = []
        for item in value:
            text = f"{item}" if isinstance(item, str | int) and not isinstance(item, bool) else None
            if text is None or (pattern and not pattern.match(text)):
                self.fail(name, f"bad entry {item!r}")
            else:
                items.append(" ".join(text.split()))
        return tuple(items)

    def citations(self, name: str = "sources", required: bool = True) -> tuple[Citation, ...]:
        value = self.data.get(name)
        if value is None:
            if required:
                self.fail(name, "is required: every record cites its source(s)")
            return ()
        if not isinstance(value, list) or (required and not value):
            self.fail(name, f"expected a non-empty list of 'KEY:FIRST-LAST', got {value!r}")
            return ()
        result = []
        for item in value:
            match = CITATION.match(item) if isinstance(item, str) else None
            if not match:
                self.fail(name, f"bad citation {item!r}: expected 'KEY:LINE' or 'KEY:FIRST-LAST'")
                continue
            start = int(match["start"])
            end = int(match["end"] or start)
            if end < start:
                self.fail(name, f"bad citation {item!r}: last line before first")
                continue
            result.append(Citation(match["key"], start, end))
        return tuple(result)


# --------------------------------------------------------------------------- loaders


# libyaml's safe loader when PyYAML has it: the same documents, read about five times faster
_SAFE_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def _read_yaml(path: Path, root: Path, errors: list[DataError]) -> Any:
    rel = str(path.relative_to(root)) if path.is_relative_to(root) else str(path)
    try:
        return yaml.load(path.read_text(encoding="utf-8"), Loader=_SAFE_LOADER)
    except FileNotFoundError:
        errors.append(DataError(rel, "", "", "file is missing"))
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f"line {mark.line + 1}, column {mark.column + 1}: " if mark else ""
        errors.append(DataError(rel, "", "", f"not valid YAML: {where}{exc}"))
    return None


def _items(doc: Any, key: str, file: str, errors: list[DataError]) -> list[Any]:
    if doc is None:
        return []
    value = doc.get(key) if isinstance(doc, dict) else None
    if not isinstance(value, list):
        errors.append(DataError(file, "", key, "expected a top-level list under this key"))
        return []
    return value


def _label(kind: str, item: Any, key: str = "id") -> str:
    ident = item.get(key) if isinstance(item, dict) else None
    return f"{kind} {ident!r}" if ident is not None else kind


def _load_sources(doc: Any, file: str, errors: list[DataError]) -> list[Source]:
    result = []
    for item in _items(doc, "sources", file, errors):
        f = Fields(
            errors,
            file,
            _label("source", item, "key"),
            item,
            {"key", "id", "kind", "title", "publisher", "date", "date_note", "file", "sha256", "lines", "url"},
        )
        result.append(
            Source(
                key=f.text("key", pattern=re.compile(r"^[a-z0-9]+$")),
                id=f.slug("id"),
                kind=f.choice("kind", DOCUMENT_KINDS),
                title=f.text("title"),
                publisher=f.slug("publisher", False),
                date=f.date("date"),
                date_note=f.text("date_note", False),
                file=f.text("file", False),
                sha256=f.text("sha256", False, re.compile(r"^[0-9a-f]{64}$")),
                lines=f.number("lines", False, 1, 10**6),
                url=f.text("url", False),
            )
        )
        if result[-1].date is None and result[-1].date_note is None:
            f.fail("date", "give a date or a date_note saying why there is none")
    return result


def _load_states(doc: Any, file: str, errors: list[DataError]) -> list[State]:
    result = []
    for item in _items(doc, "states", file, errors):
        f = Fields(
            errors,
            file,
            _label("state", item, "code"),
            item,
            {"code", "name", "official_name", "nuts", "ars", "wikidata", "sources"},
        )
        result.append(
            State(
                code=f.text("code", pattern=STATE_CODE),
                name=f.text("name"),
                official_name=f.text("official_name", False),
                nuts=f.text("nuts", pattern=re.compile(r"^DE[1-9A-G]$")),
                ars=f.text("ars", pattern=re.compile(r"^(0[1-9]|1[0-6])$")),
                wikidata=f.text("wikidata", pattern=re.compile(r"^Q[1-9][0-9]*$")),
                sources=f.citations(required=False),
            )
        )
    return result


def _load_organisations(doc: Any, file: str, errors: list[DataError], data: Dataset) -> None:
    if isinstance(doc, dict) and "conference" in doc:
        item = doc["conference"]
        f = Fields(
            errors,
            file,
            "conference",
            item,
            {"id", "name", "abbreviation", "alt_names", "description", "members", "sources", "policy_fields_sources"},
        )
        data.conference = Conference(
            id=f.slug("id"),
            name=f.text("name"),
            abbreviation=f.text("abbreviation"),
            alt_names=f.names("alt_names", None),
            description=f.text("description"),
            sources=f.citations(),
            policy_fields_sources=f.citations("policy_fields_sources"),
        )
    else:
        errors.append(DataError(file, "", "conference", "is required"))
    for kind, key in (("ministry", "ministries"), ("federal", "federal"), ("other", "other"), ("agent", "agents")):
        for item in _items(doc, key, file, errors):
            allowed = {"id", "name", "sources"} | ({"state"} if kind == "ministry" else set())
            f = Fields(errors, file, _label(kind, item), item, allowed)
            data.organisations.append(
                Organisation(
                    id=f.slug("id"),
                    name=f.text("name"),
                    kind=kind,
                    state=f.text("state", pattern=STATE_CODE) if kind == "ministry" else None,
                    sources=f.citations(required=kind != "agent"),
                )
            )


def _load_places(doc: Any, file: str, errors: list[DataError], data: Dataset) -> None:
    for item in _items(doc, "places", file, errors):
        f = Fields(errors, file, _label("place", item), item, {"id", "name", "description", "sources"})
        data.places.append(Place(f.slug("id"), f.text("name"), f.text("description", False), f.citations()))


def _load_topics(doc: Any, file: str, errors: list[DataError], data: Dataset) -> None:
    for item in _items(doc, "topics", file, errors):
        f = Fields(errors, file, _label("topic", item), item, {"id", "name", "editorial", "sources"})
        editorial = bool(f.flag("editorial", False))
        sources = f.citations(required=not editorial)
        if editorial and sources:
            f.fail("sources", "an editorial topic comes from no source; drop its sources")
        data.topics.append(Topic(f.slug("id"), f.text("name"), editorial, sources))


def _load_persons(doc: Any, file: str, errors: list[DataError]) -> list[Person]:
    result = []
    for item in _items(doc, "persons", file, errors):
        label = _label("person", item)
        f = Fields(
            errors,
            file,
            label,
            item,
            {"id", "given", "family", "honorific_prefix", "honorific_suffix", "offices", "sources"},
        )
        offices = []
        raw_offices = item.get("offices", []) if isinstance(item, dict) else []
        for i, office in enumerate(raw_offices if isinstance(raw_offices, list) else []):
            o = Fields(
                errors,
                file,
                f"{label}, office {i + 1}",
                office,
                {"role", "title", "organization", "state", "attested", "start", "end", "sources"},
            )
            offices.append(
                Office(
                    role=o.choice("role", OFFICE_ROLES),
                    title=o.text("title"),
                    organization=o.slug("organization", False),
                    state=o.text("state", pattern=STATE_CODE),
                    attested=o.date("attested"),
                    start=o.date("start"),
                    end=o.date("end"),
                    sources=o.citations(),
                )
            )
        result.append(
            Person(
                id=f.slug("id"),
                given=f.text("given"),
                family=f.text("family"),
                honorific_prefix=f.text("honorific_prefix", False),
                honorific_suffix=f.text("honorific_suffix", False),
                offices=tuple(offices),
                sources=f.citations(required=not offices),
            )
        )
    return result


def _load_chairs(doc: Any, file: str, errors: list[DataError]) -> list[Chair]:
    result = []
    for item in _items(doc, "chairs", file, errors):
        label = _label("chair", item, "year")
        f = Fields(
            errors, file, label, item, {"year", "state", "start", "end", "persons", "priorities", "note", "sources"}
        )
        persons = []
        raw = item.get("persons", []) if isinstance(item, dict) else []
        for i, p in enumerate(raw if isinstance(raw, list) else []):
            pf = Fields(errors, file, f"{label}, person {i + 1}", p, {"person", "from", "until", "sources"})
            persons.append(ChairPerson(pf.slug("person"), pf.date("from"), pf.date("until"), pf.citations()))
        result.append(
            Chair(
                year=f.number("year", low=1900, high=2100),
                state=f.text("state", pattern=STATE_CODE),
                start=f.date("start"),
                end=f.date("end"),
                persons=tuple(persons),
                priorities=f.names("priorities"),
                note=f.text("note", False),
                sources=f.citations(),
            )
        )
    return result


def _load_rules(doc: Any, file: str, errors: list[DataError]) -> list[Rule]:
    result = []
    for item in _items(doc, "rules", file, errors):
        f = Fields(
            errors,
            file,
            _label("rule", item),
            item,
            {"id", "label", "description", "month", "applies_to", "change_date", "rotation_order", "sources"},
        )
        rotation = f.data.get("rotation_order")
        result.append(
            Rule(
                id=f.slug("id"),
                label=f.text("label"),
                description=f.text("description"),
                month=f.number("month", False, 1, 12),
                applies_to=f.choice("applies_to", MEETING_KINDS) if "applies_to" in f.data else None,
                change_date=f.text("change_date", False, re.compile(r"^--(0[1-9]|1[0-2])-[0-3][0-9]$")),
                rotation_order=f.choice("rotation_order", ROTATION_ORDERS) if rotation else None,
                sources=f.citations(),
            )
        )
    return result


def _load_bodies(doc: Any, file: str, errors: list[DataError]) -> list[Body]:
    result = []
    for item in _items(doc, "bodies", file, errors):
        f = Fields(
            errors,
            file,
            _label("body", item),
            item,
            {
                "id",
                "name",
                "abbreviation",
                "relation",
                "description",
                "partners",
                "founders",
                "part_of",
                "linked_to",
                "topics",
                "sources",
            },
        )
        result.append(
            Body(
                id=f.slug("id"),
                name=f.text("name"),
                abbreviation=f.text("abbreviation", False),
                relation=f.choice("relation", BODY_RELATIONS),
                description=f.text("description"),
                partners=f.names("partners"),
                founders=f.names("founders"),
                part_of=f.slug("part_of", False),
                linked_to=f.names("linked_to"),
                topics=f.names("topics"),
                sources=f.citations(),
            )
        )
    return result


def _load_meeting_file(doc: Any, file: str, errors: list[DataError], data: Dataset) -> None:
    if not isinstance(doc, dict) or not isinstance(doc.get("meeting"), dict):
        errors.append(DataError(file, "", "meeting", "expected a 'meeting' mapping"))
        return
    meeting = _load_meeting(doc["meeting"], file, "meeting", errors, prepares=None)
    data.meetings.append(meeting)
    if "preparatory" in doc:
        data.meetings.append(
            _load_meeting(doc["preparatory"], file, "preparatory meeting", errors, prepares=meeting.key)
        )
    for item in _items(doc, "resolutions", file, errors):
        data.resolutions.append(_load_resolution(item, file, meeting.key, errors))
    for item in _items(doc, "proposals", file, errors) if "proposals" in doc else []:
        f = Fields(
            errors,
            file,
            _label("proposal", item),
            item,
            {"id", "label", "proposed_by", "advocates", "summary", "topics", "sources"},
        )
        data.proposals.append(
            Proposal(
                meeting=meeting.key,
                id=f.slug("id"),
                label=f.text("label"),
                proposed_by=f.names("proposed_by", STATE_CODE),
                advocates=f.names("advocates"),
                summary=f.text("summary"),
                topics=f.names("topics"),
                sources=f.citations(),
            )
        )


def _load_meeting(item: Any, file: str, label: str, errors: list[DataError], prepares: str | None) -> Meeting:
    f = Fields(
        errors,
        file,
        label,
        item,
        {
            "id",
            "number",
            "kind",
            "year",
            "start",
            "end",
            "planned_start",
            "planned_end",
            "location",
            "planned_location",
            "virtual",
            "chair_year",
            "description",
            "sources",
        },
    )
    kind = f.choice("kind", MEETING_KINDS)
    number = f.number("number", kind == "main", 1, 999)
    key = f.slug("id", number is None)
    if number is not None and key is not None:
        f.fail("id", "a numbered meeting is identified by its number; drop 'id'")
    return Meeting(
        key=str(number) if number is not None else (key or "?"),
        number=number,
        kind=kind,
        year=f.number("year", False, 1900, 2100),
        start=f.date("start"),
        end=f.date("end"),
        planned_start=f.date("planned_start"),
        planned_end=f.date("planned_end"),
        location=f.slug("location", False),
        planned_location=f.slug("planned_location", False),
        virtual=f.flag("virtual"),
        chair_year=f.number("chair_year", False, 1900, 2100),
        prepares=prepares,
        description=f.text("description"),
        sources=f.citations(),
        file=file,
    )


def _load_resolution(item: Any, file: str, meeting: str, errors: list[DataError]) -> Resolution:
    f = Fields(
        errors,
        file,
        _label("resolution", item),
        item,
        {
            "id",
            "kind",
            "label",
            "official_title",
            "outcome",
            "initiators",
            "cosponsors",
            "cosponsor_note",
            "all_states",
            "lead",
            "addressees",
            "refers_to",
            "requests",
            "summary",
            "topics",
            "sources",
        },
    )
    kind = f.choice("kind", RESOLUTION_KINDS, default="resolution")
    lead = f.text("lead", kind == "report", STATE_CODE)
    if kind != "report" and lead:
        f.fail("lead", "only a report has a lead state")
    return Resolution(
        meeting=meeting,
        id=f.slug("id"),
        kind=kind,
        label=f.text("label"),
        official_title=f.text("official_title", False),
        outcome=f.choice("outcome", OUTCOMES),
        initiators=f.names("initiators", STATE_CODE),
        cosponsors=f.names("cosponsors", STATE_CODE),
        cosponsor_note=f.text("cosponsor_note", False),
        all_states=bool(f.flag("all_states", False)),
        lead=lead,
        addressees=f.names("addressees"),
        refers_to=f.names("refers_to"),
        requests=f.names("requests", None),
        summary=f.text("summary"),
        topics=f.names("topics"),
        sources=f.citations(),
    )


# --------------------------------------------------------------------------- cross-checks


def _check_references(data: Dataset, errors: list[DataError]) -> None:
    def dupes(kind: str, file: str, keys: list[Any]) -> None:
        seen: set[Any] = set()
        for key in keys:
            if key in seen:
                errors.append(DataError(file, f"{kind} {key!r}", "id", "is not unique"))
            seen.add(key)

    dupes("source", "data/sources.yaml", [s.key for s in data.sources])
    dupes("state", "data/states.yaml", [s.code for s in data.states])
    dupes("organisation", "data/organisations.yaml", [o.id for o in data.organisations])
    dupes("person", "data/persons.yaml", [p.id for p in data.persons])
    dupes("chair", "data/chairs.yaml", [c.year for c in data.chairs])
    dupes("body", "data/bodies.yaml", [b.id for b in data.bodies])
    dupes("topic", "data/topics.yaml", [t.id for t in data.topics])
    dupes("meeting", "data/meetings", [m.key for m in data.meetings])
    dupes("resolution", "data/meetings", [(r.meeting, r.id) for r in data.resolutions])
    dupes("proposal", "data/meetings", [(p.meeting, p.id) for p in data.proposals])

    sources = {s.key: s for s in data.sources}
    states = {s.code for s in data.states}
    orgs = {o.id: o for o in data.organisations}
    persons = {p.id for p in data.persons}
    topics = {t.id for t in data.topics}
    places = {p.id for p in data.places}
    chairs = {c.year for c in data.chairs}
    meetings = {m.key for m in data.meetings}
    meeting_file = {m.key: m.file for m in data.meetings}
    bodies = {b.id for b in data.bodies}

    def ref(file: str, record: str, fld: str, value: Any, known: Any, what: str) -> None:
        if value is not None and value not in known:
            errors.append(DataError(file, record, fld, f"unknown {what} {value!r}"))

    def cites(file: str, record: str, citations: tuple[Citation, ...], fld: str = "sources") -> None:
        for c in citations:
            src = sources.get(c.source)
            if src is None:
                errors.append(DataError(file, record, fld, f"unknown source {c.source!r}"))
            elif src.lines is not None and c.end > src.lines:
                errors.append(
                    DataError(
                        file,
                        record,
                        fld,
                        f"{c.source}:{c.start}-{c.end} is past the last line ({src.lines}) of {src.file}",
                    )
                )

    for s in data.sources:
        if s.publisher:
            ref(
                "data/sources.yaml",
                f"source {s.key!r}",
                "publisher",
                s.publisher,
                {o.id for o in data.organisations if o.kind == "agent"} | persons,
                "agent or person",
            )
    for st in data.states:
        cites("data/states.yaml", f"state {st.code!r}", st.sources)
    for o in data.organisations:
        ref("data/organisations.yaml", f"{o.kind} {o.id!r}", "state", o.state, states, "state")
        cites("data/organisations.yaml", f"{o.kind} {o.id!r}", o.sources)
    if data.conference:
        cites("data/organisations.yaml", "conference", data.conference.sources)
    for pl in data.places:
        cites("data/places.yaml", f"place {pl.id!r}", pl.sources)
    for t in data.topics:
        cites("data/topics.yaml", f"topic {t.id!r}", t.sources)
    for p in data.persons:
        rec = f"person {p.id!r}"
        cites("data/persons.yaml", rec, p.sources)
        for i, office in enumerate(p.offices):
            orec = f"{rec}, office {i + 1}"
            ref("data/persons.yaml", orec, "state", office.state, states, "state")
            ref(
                "data/persons.yaml",
                orec,
                "organization",
                office.organization,
                {k for k, v in orgs.items() if v.kind == "ministry"},
                "ministry",
            )
            cites("data/persons.yaml", orec, office.sources)
        dupes("office", "data/persons.yaml", [f"{p.id}/{x.slug}" for x in p.offices])
    for c in data.chairs:
        rec = f"chair {c.year!r}"
        ref("data/chairs.yaml", rec, "state", c.state, states, "state")
        for topic in c.priorities:
            ref("data/chairs.yaml", rec, "priorities", topic, topics, "topic")
        for cp in c.persons:
            ref("data/chairs.yaml", rec, "persons", cp.person, persons, "person")
            cites("data/chairs.yaml", rec, cp.sources)
        cites("data/chairs.yaml", rec, c.sources)
    for r in data.rules:
        cites("data/rules.yaml", f"rule {r.id!r}", r.sources)
    for b in data.bodies:
        rec = f"body {b.id!r}"
        for org in b.partners + b.founders + b.linked_to:
            ref("data/bodies.yaml", rec, "partners/founders/linked_to", org, orgs, "organisation")
        ref("data/bodies.yaml", rec, "part_of", b.part_of, bodies, "body")
        for topic in b.topics:
            ref("data/bodies.yaml", rec, "topics", topic, topics, "topic")
        cites("data/bodies.yaml", rec, b.sources)
    for m in data.meetings:
        file, rec = m.file, f"meeting {m.key!r}"
        ref(file, rec, "location", m.location, places, "place")
        ref(file, rec, "planned_location", m.planned_location, places, "place")
        ref(file, rec, "chair_year", m.chair_year, chairs, "chair year")
        cites(file, rec, m.sources)
    for res in data.resolutions:
        file, rec = meeting_file[res.meeting], f"resolution {res.id!r}"
        ref(file, rec, "meeting", res.meeting, meetings, "meeting")
        for code in (*res.initiators, *res.cosponsors, *((res.lead,) if res.lead else ())):
            ref(file, rec, "initiators/cosponsors/lead", code, states, "state")
        for org in res.addressees + res.refers_to:
            ref(file, rec, "addressees/refers_to", org, orgs.keys() | bodies, "organisation or body")
        for topic in res.topics:
            ref(file, rec, "topics", topic, topics, "topic")
        cites(file, rec, res.sources)
    for pr in data.proposals:
        file, rec = meeting_file[pr.meeting], f"proposal {pr.id!r}"
        for code in pr.proposed_by:
            ref(file, rec, "proposed_by", code, states, "state")
        for person in pr.advocates:
            ref(file, rec, "advocates", person, persons, "person")
        for topic in pr.topics:
            ref(file, rec, "topics", topic, topics, "topic")
        cites(file, rec, pr.sources)


# --------------------------------------------------------------------------- entry point


def _meeting_files(data_dir: Path) -> Iterator[Path]:
    return iter(sorted((data_dir / "meetings").glob("*.yaml")))


def load_dataset(data_dir: Path) -> Dataset:
    """Load every YAML file under data_dir; raise DataErrors listing all problems found."""
    root = data_dir.parent
    errors: list[DataError] = []
    data = Dataset()

    def read(name: str) -> tuple[Any, str]:
        path = data_dir / name
        return _read_yaml(path, root, errors), str(path.relative_to(root))

    doc, file = read("sources.yaml")
    data.sources = _load_sources(doc, file, errors)
    doc, file = read("states.yaml")
    data.states = _load_states(doc, file, errors)
    doc, file = read("organisations.yaml")
    _load_organisations(doc, file, errors, data)
    doc, file = read("places.yaml")
    _load_places(doc, file, errors, data)
    doc, file = read("topics.yaml")
    _load_topics(doc, file, errors, data)
    doc, file = read("persons.yaml")
    data.persons = _load_persons(doc, file, errors)
    doc, file = read("chairs.yaml")
    data.chairs = _load_chairs(doc, file, errors)
    doc, file = read("rules.yaml")
    data.rules = _load_rules(doc, file, errors)
    doc, file = read("bodies.yaml")
    data.bodies = _load_bodies(doc, file, errors)
    for path in _meeting_files(data_dir):
        _load_meeting_file(_read_yaml(path, root, errors), str(path.relative_to(root)), errors, data)
    if not errors:
        _check_references(data, errors)
    if errors:
        raise DataErrors(errors)
    return data
