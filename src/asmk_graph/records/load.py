"""data/*.yaml -> a Dataset of records, or DataErrors naming file, record, field and line."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ValidationError

from . import model as m
from .errors import DataError, DataErrors
from .yaml_source import YamlMap, YamlProblem, line_of, read_yaml

# how a record in a list is named in messages: list key -> (singular, identifying key)
RECORD_NAMES = {
    "sources": ("source", "key"),
    "states": ("state", "code"),
    "ministries": ("ministry", "id"),
    "parliaments": ("parliament", "id"),
    "committees": ("committee", "id"),
    "federal": ("federal", "id"),
    "other": ("other", "id"),
    "agents": ("agent", "id"),
    "places": ("place", "id"),
    "topics": ("topic", "id"),
    "persons": ("person", "id"),
    "offices": ("office", "id"),
    "titles": ("title", ""),
    "announced_by": ("announcement", "person"),
    "alt_names": ("alternative name", ""),
    "chairs": ("chair", "year"),
    "rules": ("rule", "id"),
    "bodies": ("body", "id"),
    "resolutions": ("resolution", "id"),
    "proposals": ("proposal", "id"),
    "demands": ("demand", ""),
    "identifiers": ("identifier of", "entity"),
    "positions": ("position", "state"),
    "statements": ("statement", ""),
}
MAPPING_RECORDS = {"meeting": "meeting", "preparatory": "preparatory meeting", "conference": "conference"}


@dataclass(frozen=True)
class Origin:
    """Where a record was read: for errors found after validation."""

    file: str
    record: str
    node: Any

    def error(self, field_name: str, message: str) -> DataError:
        path = tuple(field_name.split(".")) if field_name else ()
        return DataError(self.file, self.record, field_name, message, line_of(self.node, path))


@dataclass(frozen=True)
class OrgEntry:
    """An organisation of organisations.yaml with the list it came from."""

    kind: str  # ministry | parliament | committee | federal | other | agent
    record: m.Organisation | m.Agent

    @property
    def id(self) -> str:
        return self.record.id

    @property
    def name(self) -> str:
        return self.record.name

    @property
    def name_en(self) -> str | None:
        return self.record.name_en if isinstance(self.record, m.Organisation) else None

    @property
    def state(self) -> str | None:
        return self.record.state if isinstance(self.record, m.Ministry | m.Parliament) else None

    @property
    def part_of(self) -> str | None:
        return self.record.part_of if isinstance(self.record, m.Committee) else None

    @property
    def sources(self) -> list[m.Citation]:
        return self.record.sources


@dataclass
class Dataset:
    sources: list[m.Source] = field(default_factory=list)
    states: list[m.State] = field(default_factory=list)
    organisations: list[OrgEntry] = field(default_factory=list)
    conference: m.Conference | None = None
    places: list[m.Place] = field(default_factory=list)
    topics: list[m.Topic] = field(default_factory=list)
    offices: list[m.Office] = field(default_factory=list)
    persons: list[m.Person] = field(default_factory=list)
    chairs: list[m.Chair] = field(default_factory=list)
    rules: list[m.Rule] = field(default_factory=list)
    bodies: list[m.Body] = field(default_factory=list)
    meetings: list[m.Meeting] = field(default_factory=list)
    resolutions: list[m.Resolution] = field(default_factory=list)
    proposals: list[m.Proposal] = field(default_factory=list)
    origins: dict[int, Origin] = field(default_factory=dict, repr=False)

    def origin(self, record: BaseModel) -> Origin:
        return self.origins[id(record)]


# --------------------------------------------------------------------------- naming records


def record_and_field(document: Any, loc: tuple[str | int, ...]) -> tuple[str, str]:
    """('resolutions', 3, 'vote', 'outcome') -> ("resolution 'x'", 'vote.outcome')."""
    labels: list[str] = []
    rest: list[str] = []
    node = document
    steps = list(loc)
    i = 0
    while i < len(steps):
        step = steps[i]
        child = node.get(step) if isinstance(node, dict) and isinstance(step, str) else None
        nxt = steps[i + 1] if i + 1 < len(steps) else None
        if isinstance(step, str) and not rest and step in MAPPING_RECORDS and isinstance(child, dict):
            labels.append(MAPPING_RECORDS[step])
            node, i = child, i + 1
            continue
        if isinstance(step, str) and isinstance(nxt, int) and isinstance(child, list) and nxt < len(child):
            item = child[nxt]
            if isinstance(item, dict):
                labels.append(_item_label(step, item, nxt))
                node, rest, i = item, [], i + 2
                continue
            rest.append(step)
            break  # an entry of a list of values: the field is the list
        rest.append(str(step))
        node = child
        i += 1
    return ", ".join(labels), ".".join(rest)


def _item_label(list_key: str, item: dict[str, Any], index: int) -> str:
    singular, key = RECORD_NAMES.get(list_key, (list_key.rstrip("s"), "id"))
    ident = item.get(key) if key else None
    if ident is None or isinstance(ident, dict | list):
        return f"{singular} {index + 1}"
    return f"{singular} {ident!r}"


def _allowed(model: type[BaseModel], loc: tuple[str | int, ...]) -> list[str]:
    """The keys the model at loc accepts (for 'unknown field' messages)."""
    current: Any = model
    for step in loc:
        if isinstance(step, int):
            continue
        field_info = _field(current, step)
        if field_info is None:
            return []
        current = _model_in(field_info.annotation)
        if current is None:
            return []
    return sorted((f.alias or name) for name, f in current.model_fields.items())


def _field(model: type[BaseModel], key: str) -> Any:
    for name, info in model.model_fields.items():
        if key in (name, info.alias):
            return info
    return None


def _model_in(annotation: Any) -> type[BaseModel] | None:
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return annotation
    for arg in getattr(annotation, "__args__", ()):
        found = _model_in(arg)
        if found is not None:
            return found
    return None


def _message(error: Any, model: type[BaseModel]) -> str:
    kind, value, ctx = error["type"], error.get("input"), error.get("ctx") or {}
    if kind == "missing":
        return "is required"
    if kind == "extra_forbidden":
        allowed = _allowed(model, tuple(error["loc"][:-1]))
        return f"unknown field (allowed: {', '.join(allowed)})" if allowed else "unknown field"
    if kind == "literal_error":
        choices = ", ".join(c.strip(" '") for c in ctx.get("expected", "").replace(" or ", ", ").split(","))
        return f"{value!r} is not one of {choices}"
    if kind == "string_pattern_mismatch":
        return f"{value!r} does not match {ctx.get('pattern')}"
    if kind in ("greater_than_equal", "less_than_equal", "greater_than", "less_than"):
        return f"{value!r} is out of range ({error['msg'].removeprefix('Input should be ')})"
    if kind == "too_short":
        return f"expected a non-empty list, got {value!r}"
    simple = {
        "string_type": "expected text",
        "int_type": "expected a whole number",
        "bool_type": "expected true or false",
        "list_type": "expected a list",
        "model_type": "expected a mapping",
        "dict_type": "expected a mapping",
    }
    if kind in simple:
        return f"{simple[kind]}, got {value!r}"
    return str(error["msg"]).removeprefix("Value error, ")


# --------------------------------------------------------------------------- loading


def validate_file(
    model: type[m.Record], path: Path, root: Path, errors: list[DataError], name: str | None = None
) -> tuple[m.Record | None, Any, str]:
    """(record or None, parsed document, file name); problems appended to errors.

    The file is named in messages by name, else by its path relative to root.
    """
    file = name or (str(path.relative_to(root)) if path.is_relative_to(root) else str(path))
    try:
        document = read_yaml(path)
    except YamlProblem as problem:
        errors.append(DataError(file, "", "", problem.message, problem.line))
        return None, None, file
    if document is None:
        document = YamlMap()
    try:
        return model.model_validate(document), document, file
    except ValidationError as exc:
        for error in exc.errors():
            loc = tuple(error["loc"])
            record, field_name = record_and_field(document, loc)
            line = line_of(document, loc)
            errors.append(DataError(file, record, field_name, _message(error, model), line))
        return None, document, file


def _attach(data: Dataset, record: Any, raw: Any, file: str, label: str) -> None:
    """Remember where each record (and nested record) came from."""
    if isinstance(record, BaseModel):
        data.origins[id(record)] = Origin(file, label, raw)
        for name, info in type(record).model_fields.items():
            value = getattr(record, name)
            key = info.alias or name
            child_raw = raw.get(key) if isinstance(raw, dict) else None
            if isinstance(value, BaseModel):
                _attach(data, value, child_raw, file, MAPPING_RECORDS.get(key, label))
            elif isinstance(value, list) and value and isinstance(value[0], BaseModel):
                for index, item in enumerate(value):
                    item_raw = child_raw[index] if isinstance(child_raw, list) else None
                    own = _item_label(key, item_raw if isinstance(item_raw, dict) else {}, index)
                    _attach(data, item, item_raw, file, f"{label}, {own}" if label else own)


def load_dataset(data_dir: Path) -> Dataset:
    """Load every YAML file under data_dir; raise DataErrors listing all problems found."""
    root = data_dir.parent
    errors: list[DataError] = []
    data = Dataset()
    files: dict[str, m.Record] = {}
    for name, model in m.FILES.items():
        record, raw, file = validate_file(model, data_dir / name, root, errors)
        if record is not None:
            files[name] = record
            _attach(data, record, raw, file, "")
    meetings = []
    for path in sorted((data_dir / "meetings").glob("*.yaml")):
        record, raw, file = validate_file(m.MeetingFile, path, root, errors)
        if record is not None:
            assert isinstance(record, m.MeetingFile)
            _attach(data, record, raw, file, "")
            meetings.append((record, file))
    _fill(data, files, meetings)
    if not errors:
        from .checks import check_references

        errors.extend(check_references(data))
    if errors:
        raise DataErrors(errors)
    return data


def _fill(data: Dataset, files: dict[str, m.Record], meetings: list[tuple[m.MeetingFile, str]]) -> None:
    def get(name: str, attr: str) -> list[Any]:
        record = files.get(name)
        return list(getattr(record, attr)) if record is not None else []

    data.sources = get("sources.yaml", "sources")
    data.states = get("states.yaml", "states")
    orgs = files.get("organisations.yaml")
    if isinstance(orgs, m.OrganisationsFile):
        data.conference = orgs.conference
        for kind, items in (
            ("ministry", orgs.ministries),
            ("parliament", orgs.parliaments),
            ("committee", orgs.committees),
            ("federal", orgs.federal),
            ("other", orgs.other),
            ("agent", orgs.agents),
        ):
            data.organisations.extend(OrgEntry(kind, item) for item in items)
    data.places = get("places.yaml", "places")
    data.topics = get("topics.yaml", "topics")
    data.offices = get("offices.yaml", "offices")
    data.persons = get("persons.yaml", "persons")
    data.chairs = get("chairs.yaml", "chairs")
    data.rules = get("rules.yaml", "rules")
    data.bodies = get("bodies.yaml", "bodies")
    for record, file in meetings:
        meeting = record.meeting
        meeting._file = file
        data.meetings.append(meeting)
        if record.preparatory is not None:
            record.preparatory._file = file
            record.preparatory._prepares = meeting.key
            data.meetings.append(record.preparatory)
        for resolution in record.resolutions:
            resolution._meeting = meeting.key
            data.resolutions.append(resolution)
        for proposal in record.proposals:
            proposal._meeting = meeting.key
            data.proposals.append(proposal)
