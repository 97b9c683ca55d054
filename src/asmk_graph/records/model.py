"""The records of data/*.yaml, described once: each field's type, pattern and choices live here.

Pydantic checks every file against these models (strict: no silent conversions, unknown keys
refused); `load.py` turns its findings into DataErrors naming file, record, field and line,
and `checks.py` checks what one record cannot see alone (references between records).
A field that is absent is not stated: no model fills in a default fact.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from typing import Annotated, Any, Literal

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, PlainValidator, PrivateAttr

# --------------------------------------------------------------------------- value types

SLUG_PATTERN = r"^[a-z0-9]+(?:-[a-z0-9]+)*$"
STATE_PATTERN = r"^DE-[A-Z]{2}$"
CITATION = re.compile(r"^(?P<key>[a-z0-9]+):(?P<start>\d+)(?:-(?P<end>\d+))?$")


def _normalised(text: str) -> str:
    text = " ".join(text.split())
    if not text:
        raise ValueError("expected non-empty text")
    return text


def _date(value: Any) -> dt.date:
    if not isinstance(value, str) or not re.fullmatch(r"\d{4}-\d{2}-\d{2}", value):
        raise ValueError(f"expected a date YYYY-MM-DD, got {value!r}")
    try:
        return dt.date.fromisoformat(value)
    except ValueError as exc:
        raise ValueError(f"{value!r} is not a valid date ({exc})") from None


@dataclass(frozen=True)
class Citation:
    """Lines first..last of the text copy of the source with key `source`."""

    source: str
    start: int
    end: int

    def __str__(self) -> str:
        return f"{self.source}:{self.start}-{self.end}"


def _citation(value: Any) -> Citation:
    match = CITATION.match(value) if isinstance(value, str) else None
    if not match:
        raise ValueError(f"bad citation {value!r}: expected 'KEY:LINE' or 'KEY:FIRST-LAST'")
    start, end = int(match["start"]), int(match["end"] or match["start"])
    if end < start:
        raise ValueError(f"bad citation {value!r}: last line before first")
    return Citation(match["key"], start, end)


Text = Annotated[str, AfterValidator(_normalised)]
Slug = Annotated[str, Field(pattern=SLUG_PATTERN)]
StateCode = Annotated[str, Field(pattern=STATE_PATTERN)]
Date = Annotated[dt.date, PlainValidator(_date)]
Year = Annotated[int, Field(ge=1900, le=2100)]
Cite = Annotated[Citation, PlainValidator(_citation)]
Sources = Annotated[list[Cite], Field(min_length=1)]

Outcome = Literal["unanimous", "large-majority", "majority", "agreed", "unstated"]
MeetingKind = Literal["main", "special", "heads-of-office"]
OfficeRole = Literal["minister", "senator", "state-secretary", "member-of-parliament"]
BodyRelation = Literal["engaged-in", "prepared-by", "co-chaired", "unit", "formed-from", "linked"]
DocumentKind = Literal["press-release", "web-page", "parliamentary-report", "code-list"]


class Record(BaseModel):
    """A mapping of a data file: strict types, unknown keys refused."""

    model_config = ConfigDict(extra="forbid", strict=True, frozen=True)


# --------------------------------------------------------------------------- records


class Source(Record):
    key: Annotated[str, Field(pattern=r"^[a-z0-9]+$")]
    id: Slug
    kind: DocumentKind
    title: Text
    publisher: Slug | None = None
    date: Date | None = None
    date_note: Text | None = None
    file: Text | None = None
    sha256: Annotated[str, Field(pattern=r"^[0-9a-f]{64}$")] | None = None
    lines: Annotated[int, Field(ge=1, le=10**6)] | None = None
    url: Text | None = None


class State(Record):
    code: StateCode
    name: Text
    official_name: Text | None = None
    nuts: Annotated[str, Field(pattern=r"^DE[1-9A-G]$")]
    ars: Annotated[str, Field(pattern=r"^(0[1-9]|1[0-6])$")]
    wikidata: Annotated[str, Field(pattern=r"^Q[1-9][0-9]*$")]
    sources: list[Cite] = []


class Conference(Record):
    id: Slug
    name: Text
    abbreviation: Text
    alt_names: list[Text] = []
    description: Text
    members: Literal["all-states"]
    sources: Sources
    policy_fields_sources: Sources


class Organisation(Record):
    id: Slug
    name: Text
    sources: Sources


class Ministry(Organisation):
    state: StateCode


class Agent(Record):
    id: Slug
    name: Text


class Place(Record):
    id: Slug
    name: Text
    description: Text | None = None
    sources: Sources


class Topic(Record):
    id: Slug
    name: Text
    editorial: bool = False
    sources: list[Cite] = []


class Office(Record):
    role: OfficeRole
    title: Text
    organization: Slug | None = None
    state: StateCode
    attested: Date | None = None
    start: Date | None = None
    end: Date | None = None
    sources: Sources

    @property
    def slug(self) -> str:
        return f"{self.organization or self.state.lower()}-{self.role}"


class Person(Record):
    id: Slug
    given: Text
    family: Text
    honorific_prefix: Text | None = None
    honorific_suffix: Text | None = None
    offices: list[Office] = []
    sources: list[Cite] = []

    @property
    def name(self) -> str:
        return f"{self.given} {self.family}"


class ChairPerson(Record):
    person: Slug
    start: Annotated[Date | None, Field(alias="from")] = None
    until: Date | None = None
    sources: Sources


class Chair(Record):
    year: Year
    state: StateCode
    start: Date | None = None
    end: Date | None = None
    persons: list[ChairPerson] = []
    priorities: list[Slug] = []
    note: Text | None = None
    sources: Sources


class Rule(Record):
    id: Slug
    label: Text
    description: Text
    month: Annotated[int, Field(ge=1, le=12)] | None = None
    applies_to: MeetingKind | None = None
    change_date: Annotated[str, Field(pattern=r"^--(0[1-9]|1[0-2])-[0-3][0-9]$")] | None = None
    rotation_order: Literal["alphabetical"] | None = None
    sources: Sources


class Body(Record):
    id: Slug
    name: Text
    abbreviation: Text | None = None
    relation: BodyRelation
    description: Text
    partners: list[Slug] = []
    founders: list[Slug] = []
    part_of: Slug | None = None
    linked_to: list[Slug] = []
    topics: list[Slug] = []
    sources: Sources


class Meeting(Record):
    id: Slug | None = None
    number: Annotated[int, Field(ge=1, le=999)] | None = None
    kind: MeetingKind
    year: Year | None = None
    start: Date | None = None
    end: Date | None = None
    planned_start: Date | None = None
    planned_end: Date | None = None
    location: Slug | None = None
    planned_location: Slug | None = None
    virtual: bool | None = None
    chair_year: Year | None = None
    description: Text
    sources: Sources

    _file: str = PrivateAttr("")
    _prepares: str | None = PrivateAttr(None)

    @property
    def key(self) -> str:
        return str(self.number) if self.number is not None else (self.id or "?")

    @property
    def file(self) -> str:
        return self._file

    @property
    def prepares(self) -> str | None:
        return self._prepares

    @property
    def effective_year(self) -> int | None:
        return self.year if self.year is not None else (self.start.year if self.start else None)


class Resolution(Record):
    id: Slug
    kind: Literal["resolution", "report"] = "resolution"
    label: Text
    official_title: Text | None = None
    outcome: Outcome
    initiators: list[StateCode] = []
    cosponsors: list[StateCode] = []
    cosponsor_note: Text | None = None
    all_states: bool = False
    lead: StateCode | None = None
    addressees: list[Slug] = []
    refers_to: list[Slug] = []
    requests: list[Text] = []
    summary: Text
    topics: list[Slug] = []
    sources: Sources

    _meeting: str = PrivateAttr("")

    @property
    def meeting(self) -> str:
        return self._meeting


class Proposal(Record):
    id: Slug
    label: Text
    proposed_by: list[StateCode] = []
    advocates: list[Slug] = []
    summary: Text
    topics: list[Slug] = []
    sources: Sources

    _meeting: str = PrivateAttr("")

    @property
    def meeting(self) -> str:
        return self._meeting


# --------------------------------------------------------------------------- files


class SourcesFile(Record):
    sources: list[Source]


class StatesFile(Record):
    states: list[State]


class OrganisationsFile(Record):
    conference: Conference
    ministries: list[Ministry] = []
    federal: list[Organisation] = []
    other: list[Organisation] = []
    agents: list[Agent] = []


class PlacesFile(Record):
    places: list[Place]


class TopicsFile(Record):
    topics: list[Topic]


class PersonsFile(Record):
    persons: list[Person]


class ChairsFile(Record):
    chairs: list[Chair]


class RulesFile(Record):
    rules: list[Rule]


class BodiesFile(Record):
    bodies: list[Body]


class MeetingFile(Record):
    meeting: Meeting
    preparatory: Meeting | None = None
    resolutions: list[Resolution] = []
    proposals: list[Proposal] = []


# file name under data/ -> model of the whole file
FILES: dict[str, type[Record]] = {
    "sources.yaml": SourcesFile,
    "states.yaml": StatesFile,
    "organisations.yaml": OrganisationsFile,
    "places.yaml": PlacesFile,
    "topics.yaml": TopicsFile,
    "persons.yaml": PersonsFile,
    "chairs.yaml": ChairsFile,
    "rules.yaml": RulesFile,
    "bodies.yaml": BodiesFile,
}
