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

    def stated_in(self, record: BaseModel, stated_in: dict[str, list[str]], keys: Collection[str]) -> None:
        """Each field named exists and has a value; each source named is one the record cites."""
        fields = {(info.alias or name): name for name, info in type(record).model_fields.items()}
        for key, sources in stated_in.items():
            name = fields.get(key)
            if name is None or key in ("stated_in", "sources"):
                self.fail(record, "stated_in", f"{key!r} is not a field of this record")
            elif getattr(record, name) in (None, [], {}):
                self.fail(record, "stated_in", f"{key!r} has no value here")
            for source in sources:
                if source not in keys:
                    self.fail(record, f"stated_in.{key}", f"{source!r} is not among the sources this record cites")


def check_references(data: Dataset) -> list[DataError]:
    check = _Checker(data)
    _check_unique(check, data)
    _check_sources_and_organisations(check, data)
    _check_persons_and_chairs(check, data)
    _check_meetings(check, data)
    return check.errors


def _keys(citations: Iterable[m.Citation]) -> set[str]:
    return {c.source for c in citations}


def _check_unique(check: _Checker, data: Dataset) -> None:
    check.unique(data.sources, lambda s: s.key, "key")
    check.unique(data.sources, lambda s: s.id, "id")
    check.unique(data.states, lambda s: s.code, "code")
    check.unique([o.record for o in data.organisations], lambda o: o.id, "id")
    check.unique(data.offices, lambda o: o.id, "id")
    check.unique(data.persons, lambda p: p.id, "id")
    check.unique(data.chairs, lambda c: c.year, "year")
    check.unique(data.bodies, lambda b: b.id, "id")
    check.unique(data.topics, lambda t: t.id, "id")
    check.unique(data.places, lambda p: p.id, "id")
    check.unique(data.rules, lambda r: r.id, "id")
    check.unique(data.meetings, lambda mt: mt.key, "number")
    check.unique(data.resolutions, lambda r: (r.meeting, r.id), "id")
    check.unique(data.proposals, lambda p: (p.meeting, p.id), "id")


def _check_sources_and_organisations(check: _Checker, data: Dataset) -> None:
    states = {s.code for s in data.states}
    orgs = {o.id for o in data.organisations}
    agents = {o.id for o in data.organisations if o.kind == "agent"}
    offices = {o.id for o in data.offices}
    persons = {p.id for p in data.persons}
    topics = {t.id for t in data.topics}

    for s in data.sources:
        check.known(s, "publisher", [s.publisher], agents | persons, "agent or person")
        check.known(s, "addressed_to", [s.addressed_to], offices, "office")
        check.known(s, "audience", [s.audience], orgs, "organisation")
        if s.title is None and s.label is None:
            check.fail(s, "title", "give the document's own title, or a label describing it when it has none")
        if s.date is None and s.date_note is None:
            check.fail(s, "date", "give a date or a date_note saying why there is none")
        check.stated_in(s, s.stated_in, {s.key})
    for st in data.states:
        check.cites(st, st.sources)
    for o in data.organisations:
        check.known(o.record, "state", [o.state], states, "state")
        check.known(o.record, "part_of", [o.part_of], orgs, "organisation")
        check.cites(o.record, o.sources)
    if data.conference:
        check.cites(data.conference, data.conference.sources)
        check.cites(data.conference, data.conference.policy_fields_sources, "policy_fields_sources")
        for alt in data.conference.alt_names:
            check.cites(alt, alt.sources)
    for pl in data.places:
        check.cites(pl, pl.sources)
    for t in data.topics:
        if t.editorial and t.sources:
            check.fail(t, "sources", "an editorial topic comes from no source; drop its sources")
        if not t.editorial and not t.sources:
            check.fail(t, "sources", "is required: a topic is cited, or marked editorial: true")
        check.cites(t, t.sources)
    for office in data.offices:
        check.known(office, "organization", [office.organization], orgs, "organisation")
        check.known(office, "state", [office.state], states, "state")
        if (office.organization is None) == (office.state is None):
            check.fail(office, "organization", "give either the organisation or (when none is stated) the state")
        check.cites(office, office.sources)
    for r in data.rules:
        check.cites(r, r.sources)
    for b in data.bodies:
        for field in ("partners", "founders", "linked_to"):
            check.known(b, field, getattr(b, field), orgs, "organisation")
        check.known(b, "part_of", [b.part_of], {x.id for x in data.bodies}, "body")
        check.known(b, "topics", b.topics, topics, "topic")
        check.stated_in(b, b.stated_in, _keys(b.sources))
        check.cites(b, b.sources)


def _check_persons_and_chairs(check: _Checker, data: Dataset) -> None:
    states = {s.code for s in data.states}
    offices = {o.id for o in data.offices}
    persons = {p.id: p for p in data.persons}
    topics = {t.id for t in data.topics}
    chairs = {c.year for c in data.chairs}

    for p in data.persons:
        if not p.offices and not p.sources:
            check.fail(p, "sources", "is required: every record cites its source(s)")
        check.cites(p, p.sources)
        check.unique(p.offices, lambda h: h.office, "office")
        for holding in p.offices:
            check.known(holding, "office", [holding.office], offices, "office")
            _check_interval(check, holding, holding.start, holding.until)
            check.stated_in(holding, holding.stated_in, _keys(holding.sources))
            check.cites(holding, holding.sources)
            for title in holding.titles:
                check.cites(title, title.sources)
    for c in data.chairs:
        check.known(c, "state", [c.state], states, "state")
        check.known(c, "succeeds", [c.succeeds], chairs, "chair year")
        check.known(c, "priorities", c.priorities, topics, "topic")
        _check_interval(check, c, c.start, c.until)
        for cp in c.persons:
            check.known(cp, "person", [cp.person], persons, "person")
            held = {h.office for h in persons[cp.person].offices} if cp.person in persons else set()
            if cp.office is not None and cp.office not in held:
                check.fail(cp, "office", f"{cp.person} holds no office {cp.office!r} (persons.yaml)")
            _check_interval(check, cp, cp.start, cp.until)
            check.cites(cp, cp.sources)
        for a in c.announced_by:
            check.known(a, "person", [a.person], persons, "person")
            check.cites(a, a.sources)
        check.stated_in(c, c.stated_in, _keys(c.sources))
        check.cites(c, c.sources)


def _check_interval(check: _Checker, record: BaseModel, start: Any, until: Any) -> None:
    if start is not None and until is not None and until <= start:
        check.fail(record, "until", f"{until} is not after from ({start}); until is the first day no longer held")


def _check_meetings(check: _Checker, data: Dataset) -> None:
    states = {s.code for s in data.states}
    orgs = {o.id for o in data.organisations} | {b.id for b in data.bodies}
    persons = {p.id for p in data.persons}
    topics = {t.id for t in data.topics}
    places = {p.id for p in data.places}
    chairs = {c.year for c in data.chairs}

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
        check.stated_in(mt, mt.stated_in, _keys(mt.sources))
        check.cites(mt, mt.sources)
    for res in data.resolutions:
        if res.motion is not None:
            check.known(res, "motion.initiators", res.motion.initiators, states, "state")
            check.known(res, "motion.cosponsors", res.motion.cosponsors, states, "state")
            for code in sorted(set(res.motion.initiators) & set(res.motion.cosponsors)):
                check.fail(res, "motion.cosponsors", f"{code} is also an initiator")
        if res.vote is not None:
            check.known(res, "vote.positions", [p.state for p in res.vote.positions], states, "state")
            for statement in res.vote.statements:
                check.known(statement, "states", statement.states, states, "state")
        if res.agenda_item is not None and res.agenda_item.number is None and res.agenda_item.label is None:
            check.fail(res, "agenda_item", "give the agenda item's number or its label")
        check.known(res, "lead", [res.lead], states, "state")
        if res.kind == "report" and res.lead is None:
            check.fail(res, "lead", "is required: a report has a lead state")
        if res.kind != "report" and res.lead is not None:
            check.fail(res, "lead", "only a report has a lead state")
        for demand in res.demands:
            check.known(demand, "addressee", [demand.addressee], orgs, "organisation or body")
        check.known(res, "refers_to", res.refers_to, orgs, "organisation or body")
        check.known(res, "topics", res.topics, topics, "topic")
        check.cites(res, res.sources)
    for pr in data.proposals:
        check.known(pr, "proposed_by", pr.proposed_by, states, "state")
        check.known(pr, "advocates", pr.advocates, persons, "person")
        check.known(pr, "topics", pr.topics, topics, "topic")
        check.cites(pr, pr.sources)
