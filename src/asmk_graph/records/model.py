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

Outcome = Literal["unanimous", "large-majority", "majority", "agreed"]
VoteOption = Literal["yes", "no", "abstain"]
DemandKind = Literal[
    "welcomes",
    "finds",
    "calls-for",
    "asks",
    "asks-to-examine",
    "recommends",
    "stresses",
    "acknowledges",
    "notes-with-concern",
    "sets-out",
    "supports",
]
MeetingKind = Literal["main", "special", "heads-of-office"]
OfficeRole = Literal["minister", "senator", "state-secretary", "member-of-parliament", "parliament-president"]
BodyRelation = Literal["engaged-in", "prepared-by", "co-chaired", "unit", "formed-from", "linked"]
DocumentKind = Literal["press-release", "web-page", "parliamentary-report", "code-list"]
SourceKey = Annotated[str, Field(pattern=r"^[a-z0-9]+$")]
Url = Annotated[str, Field(pattern=r"^https?://[^\s<>\"{}|\\^`]+$")]
# field name -> keys of the sources that state it, where not all of the record's sources do;
# an empty list means no source states it: the value is the project's own (editorial)
StatedIn = dict[str, list[SourceKey]]


class Record(BaseModel):
    """A mapping of a data file: strict types, unknown keys refused."""

    model_config = ConfigDict(extra="forbid", strict=True, frozen=True)


# --------------------------------------------------------------------------- sources, places, topics


class Source(Record):
    key: SourceKey
    id: Slug
    kind: DocumentKind
    title: Text | None = None  # the document's own title, quoted
    short_title: Text | None = None
    label: Text | None = None  # the project's description, where the document has no title (editorial)
    number: Text | None = None
    publisher: Slug | None = None
    addressed_to: Slug | None = None  # an office
    audience: Slug | None = None  # an organisation
    urls: list[Url] = []  # URLs the document names
    url: Url | None = None  # where the document (a code list) is found
    date: Date | None = None
    date_note: Text | None = None
    file: Text | None = None
    sha256: Annotated[str, Field(pattern=r"^[0-9a-f]{64}$")] | None = None
    lines: Annotated[int, Field(ge=1, le=10**6)] | None = None
    stated_in: StatedIn = {}


class Place(Record):
    id: Slug
    name: Text
    name_en: Text | None = None
    description: Text | None = None
    sources: Sources


class Topic(Record):
    id: Slug
    name: Text
    name_en: Text | None = None
    editorial: Literal[True] | None = None
    sources: list[Cite] = []


# --------------------------------------------------------------------------- states, organisations


class State(Record):
    code: StateCode
    name: Text
    name_en: Text | None = None
    official_name: Text | None = None
    nuts: Annotated[str, Field(pattern=r"^DE[1-9A-G]$")]
    ars: Annotated[str, Field(pattern=r"^(0[1-9]|1[0-6])$")]
    wikidata: Annotated[str, Field(pattern=r"^Q[1-9][0-9]*$")]
    sources: list[Cite] = []


class AltName(Record):
    name: Text
    sources: Sources


class Conference(Record):
    id: Slug
    name: Text
    name_en: Text | None = None
    abbreviation: Text
    alt_names: list[AltName] = []
    description: Text
    members: Literal["all-states"]
    sources: Sources
    policy_fields_sources: Sources


class Organisation(Record):
    id: Slug
    name: Text
    name_en: Text | None = None
    sources: Sources


class Ministry(Organisation):
    state: StateCode


class Parliament(Organisation):
    state: StateCode


class Committee(Organisation):
    part_of: Slug


class Agent(Record):
    id: Slug
    name: Text
    sources: list[Cite] = []  # none: the project's own description (editorial)


class Office(Record):
    """An office (org:Post), one node whoever holds it."""

    id: Slug
    label: Text
    role: OfficeRole
    organization: Slug | None = None
    state: StateCode | None = None
    sources: Sources


# --------------------------------------------------------------------------- persons, chair


class Title(Record):
    title: Text
    sources: Sources


class OfficeHolding(Record):
    office: Slug
    titles: Annotated[list[Title], Field(min_length=1)]
    attested: Date | None = None
    start: Annotated[Date | None, Field(alias="from")] = None
    until: Date | None = None  # exclusive: the first day no longer held
    stated_in: StatedIn = {}
    sources: Sources


class Person(Record):
    id: Slug
    given: Text
    family: Text
    honorific_prefix: Text | None = None
    honorific_suffix: Text | None = None
    offices: list[OfficeHolding] = []
    sources: list[Cite] = []

    @property
    def name(self) -> str:
        return f"{self.given} {self.family}"


class ChairPerson(Record):
    person: Slug
    office: Slug | None = None
    start: Annotated[Date | None, Field(alias="from")] = None
    until: Date | None = None  # exclusive
    sources: Sources


class Announcement(Record):
    person: Slug
    sources: Sources


class Chair(Record):
    year: Year
    state: StateCode
    succeeds: Year | None = None
    start: Annotated[Date | None, Field(alias="from")] = None
    until: Date | None = None  # exclusive: the day the next term began
    persons: list[ChairPerson] = []
    announced_by: list[Announcement] = []
    priorities: list[Slug] = []
    note: Text | None = None
    stated_in: StatedIn = {}
    sources: Sources


class Rule(Record):
    id: Slug
    label: Text
    description: Text
    per_year: Annotated[int, Field(ge=1, le=12)] | None = None
    month: Annotated[int, Field(ge=1, le=12)] | None = None
    applies_to: MeetingKind | None = None
    change_date: Annotated[str, Field(pattern=r"^--(0[1-9]|1[0-2])-[0-3][0-9]$")] | None = None
    rotation_order: Literal["alphabetical"] | None = None
    sources: Sources


class Body(Record):
    id: Slug
    name: Text
    name_en: Text | None = None
    abbreviation: Text | None = None
    relation: BodyRelation
    description: Text
    partners: list[Slug] = []
    founders: list[Slug] = []
    part_of: Slug | None = None
    linked_to: list[Slug] = []
    topics: list[Slug] = []
    stated_in: StatedIn = {}
    sources: Sources


# --------------------------------------------------------------------------- meetings, decisions


class Meeting(Record):
    id: Slug | None = None
    number: Annotated[int, Field(ge=1, le=999)] | None = None
    kind: MeetingKind
    year: Year | None = None
    start: Date | None = None
    end: Date | None = None  # inclusive: the last day of the meeting
    planned_start: Date | None = None
    planned_end: Date | None = None
    location: Slug | None = None
    planned_location: Slug | None = None
    virtual: bool | None = None
    chair_year: Year | None = None
    reported_on: Date | None = None
    resolution_texts: Url | None = None
    description: Text
    stated_in: StatedIn = {}
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


class AgendaItem(Record):
    number: Text | None = None  # as the source writes it, e.g. "5.1"
    label: Text | None = None


class Motion(Record):
    initiators: list[StateCode] = []
    cosponsors: list[StateCode] = []
    all_states: bool | None = None
    cosponsor_note: Text | None = None

    @property
    def states(self) -> list[str]:
        return self.initiators + self.cosponsors


class Position(Record):
    state: StateCode
    option: VoteOption


class StatementForRecord(Record):
    states: Annotated[list[StateCode], Field(min_length=1)]
    summary: Text


class Vote(Record):
    outcome: Outcome | None = None
    counts: dict[VoteOption, Annotated[int, Field(ge=0, le=1000)]] = {}
    positions: list[Position] = []
    statements: list[StatementForRecord] = []


class Demand(Record):
    kind: DemandKind
    addressee: Slug | None = None
    text: Text


class InMeeting(Record):
    """A record listed under a meeting: the meeting's key is set by the loader, not read from YAML."""

    _meeting: str = PrivateAttr("")

    @property
    def meeting(self) -> str:
        return self._meeting


class Resolution(InMeeting):
    id: Slug
    kind: Literal["resolution", "report"] = "resolution"
    label: Text
    official_title: Text | None = None
    agenda_item: AgendaItem | None = None
    motion: Motion | None = None
    vote: Vote | None = None
    lead: StateCode | None = None
    refers_to: list[Slug] = []
    demands: list[Demand] = []
    summary: Text
    topics: list[Slug] = []
    editorial_note: Text | None = None  # why the project delimits this decision as it does
    sources: Sources


class Proposal(InMeeting):
    id: Slug
    label: Text
    proposed_by: list[StateCode] = []
    advocates: list[Slug] = []
    summary: Text
    topics: list[Slug] = []
    sources: Sources


# --------------------------------------------------------------------------- files


class SourcesFile(Record):
    sources: list[Source]


class StatesFile(Record):
    states: list[State]


class OrganisationsFile(Record):
    conference: Conference
    ministries: list[Ministry] = []
    parliaments: list[Parliament] = []
    committees: list[Committee] = []
    federal: list[Organisation] = []
    other: list[Organisation] = []
    agents: list[Agent] = []


class PlacesFile(Record):
    places: list[Place]


class TopicsFile(Record):
    topics: list[Topic]


class OfficesFile(Record):
    offices: list[Office]


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
    "offices.yaml": OfficesFile,
    "persons.yaml": PersonsFile,
    "chairs.yaml": ChairsFile,
    "rules.yaml": RulesFile,
    "bodies.yaml": BodiesFile,
}
