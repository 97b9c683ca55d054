"""What one record cannot check alone: unique identifiers and references between records."""

from __future__ import annotations

from collections.abc import Callable, Collection, Iterable
from typing import Any

from pydantic import BaseModel

from . import model as m
from .errors import DataError
from .load import Dataset


class _Checker:
    def __init__(self, data: Dataset) -> None:
        self.data = data
        self.errors: list[DataError] = []
        self.sources = {s.key: s for s in data.sources}

    def fail(self, record: BaseModel, field: str, message: str) -> None:
        self.errors.append(self.data.origin(record).error(field, message))

    def unique(self, records: Iterable[BaseModel], key: Callable[[Any], Any], field: str) -> None:
        seen: set[Any] = set()
        for record in records:
            value = key(record)
            if value in seen:
                self.fail(record, field, f"{value!r} is not unique")
            seen.add(value)

    def known(self, record: BaseModel, field: str, values: Iterable[Any], known: Collection[Any], what: str) -> None:
        for value in values:
            if value is not None and value not in known:
                self.fail(record, field, f"unknown {what} {value!r}")

    def cites(self, record: BaseModel, citations: Iterable[m.Citation], field: str = "sources") -> None:
        for c in citations:
            source = self.sources.get(c.source)
            if source is None:
                self.fail(record, field, f"unknown source {c.source!r}")
            elif source.lines is not None and c.end > source.lines:
                self.fail(record, field, f"{c} is past the last line ({source.lines}) of {source.file}")


def check_references(data: Dataset) -> list[DataError]:
    check = _Checker(data)
    _check_unique(check, data)
    states = {s.code for s in data.states}
    orgs = {o.id: o for o in data.organisations}
    ministries = {o.id for o in data.organisations if o.kind == "ministry"}
    agents = {o.id for o in data.organisations if o.kind == "agent"}
    persons = {p.id for p in data.persons}
    topics = {t.id for t in data.topics}
    places = {p.id for p in data.places}
    chairs = {c.year for c in data.chairs}
    bodies = {b.id for b in data.bodies}

    for s in data.sources:
        check.known(s, "publisher", [s.publisher], agents | persons, "agent or person")
        if s.date is None and s.date_note is None:
            check.fail(s, "date", "give a date or a date_note saying why there is none")
    for st in data.states:
        check.cites(st, st.sources)
    for o in data.organisations:
        check.known(o.record, "state", [o.state], states, "state")
        check.cites(o.record, o.sources)
    if data.conference:
        check.cites(data.conference, data.conference.sources)
        check.cites(data.conference, data.conference.policy_fields_sources, "policy_fields_sources")
    for pl in data.places:
        check.cites(pl, pl.sources)
    for t in data.topics:
        if t.editorial and t.sources:
            check.fail(t, "sources", "an editorial topic comes from no source; drop its sources")
        if not t.editorial and not t.sources:
            check.fail(t, "sources", "is required: a topic is cited, or marked editorial: true")
        check.cites(t, t.sources)
    for p in data.persons:
        if not p.offices and not p.sources:
            check.fail(p, "sources", "is required: every record cites its source(s)")
        check.cites(p, p.sources)
        for office in p.offices:
            check.known(office, "state", [office.state], states, "state")
            check.known(office, "organization", [office.organization], ministries, "ministry")
            check.cites(office, office.sources)
        check.unique(p.offices, lambda o: o.slug, "role")
    for c in data.chairs:
        check.known(c, "state", [c.state], states, "state")
        check.known(c, "priorities", c.priorities, topics, "topic")
        for cp in c.persons:
            check.known(cp, "person", [cp.person], persons, "person")
            check.cites(cp, cp.sources)
        check.cites(c, c.sources)
    for r in data.rules:
        check.cites(r, r.sources)
    for b in data.bodies:
        check.known(b, "partners", b.partners, orgs, "organisation")
        check.known(b, "founders", b.founders, orgs, "organisation")
        check.known(b, "linked_to", b.linked_to, orgs, "organisation")
        check.known(b, "part_of", [b.part_of], bodies, "body")
        check.known(b, "topics", b.topics, topics, "topic")
        check.cites(b, b.sources)
    for mt in data.meetings:
        if mt.kind == "main" and mt.number is None:
            check.fail(mt, "number", "is required for a main conference")
        if mt.number is None and mt.id is None:
            check.fail(mt, "id", "is required for a meeting without a number")
        if mt.number is not None and mt.id is not None:
            check.fail(mt, "id", "a numbered meeting is identified by its number; drop 'id'")
        check.known(mt, "location", [mt.location], places, "place")
        check.known(mt, "planned_location", [mt.planned_location], places, "place")
        check.known(mt, "chair_year", [mt.chair_year], chairs, "chair year")
        check.cites(mt, mt.sources)
    for res in data.resolutions:
        check.known(res, "initiators", res.initiators, states, "state")
        check.known(res, "cosponsors", res.cosponsors, states, "state")
        check.known(res, "lead", [res.lead], states, "state")
        if res.kind == "report" and res.lead is None:
            check.fail(res, "lead", "is required: a report has a lead state")
        if res.kind != "report" and res.lead is not None:
            check.fail(res, "lead", "only a report has a lead state")
        check.known(res, "addressees", res.addressees, orgs.keys() | bodies, "organisation or body")
        check.known(res, "refers_to", res.refers_to, orgs.keys() | bodies, "organisation or body")
        check.known(res, "topics", res.topics, topics, "topic")
        check.cites(res, res.sources)
    for pr in data.proposals:
        check.known(pr, "proposed_by", pr.proposed_by, states, "state")
        check.known(pr, "advocates", pr.advocates, persons, "person")
        check.known(pr, "topics", pr.topics, topics, "topic")
        check.cites(pr, pr.sources)
    return check.errors


def _check_unique(check: _Checker, data: Dataset) -> None:
    check.unique(data.sources, lambda s: s.key, "key")
    check.unique(data.states, lambda s: s.code, "code")
    check.unique([o.record for o in data.organisations], lambda o: o.id, "id")
    check.unique(data.persons, lambda p: p.id, "id")
    check.unique(data.chairs, lambda c: c.year, "year")
    check.unique(data.bodies, lambda b: b.id, "id")
    check.unique(data.topics, lambda t: t.id, "id")
    check.unique(data.meetings, lambda mt: mt.key, "number")
    check.unique(data.resolutions, lambda r: (r.meeting, r.id), "id")
    check.unique(data.proposals, lambda p: (p.meeting, p.id), "id")
