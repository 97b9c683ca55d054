"""Typed records -> rdflib Graph, using the ontology's terms and W3C vocabularies.

No blank nodes are minted: every node, including source citations and memberships, gets a
stable IRI, so the serialisations are deterministic and each node can be dereferenced.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from rdflib import Graph, Literal, URIRef
from rdflib.namespace import DCTERMS, FOAF, ORG, OWL, PROV, RDF, RDFS, SKOS, XSD

from ..namespaces import (
    ASMK,
    NUTS,
    ONTOLOGY_IRI,
    PERSON,
    PREFIXES,
    SCHEMA,
    STATE_KEY,
    WD,
    Ids,
)
from ..records.load import Dataset
from ..records.model import (
    Body,
    Chair,
    Citation,
    Meeting,
    Person,
    Proposal,
    Resolution,
    Rule,
    Source,
    State,
)

MEETING_CLASS = {
    "main": ASMK.MainConference,
    "special": ASMK.SpecialConference,
    "heads-of-office": ASMK.HeadsOfOfficeConference,
}
BODY_RELATION = {
    "engaged-in": ASMK.engagedIn,
    "prepared-by": ASMK.preparedByBody,
    "co-chaired": ASMK.chairStateCoChairs,
    "unit": ORG.hasUnit,
    "linked": ORG.linkedTo,
}


def de(text: str) -> Literal:
    return Literal(text, lang="de")


def date(value: dt.date) -> Literal:
    return Literal(value.isoformat(), datatype=XSD.date)


def year(value: int) -> Literal:
    return Literal(f"{value:04d}", datatype=XSD.gYear)


class GraphBuilder:
    def __init__(self, data: Dataset, ids: Ids) -> None:
        self.data, self.ids = data, ids
        self.g = Graph()
        for prefix, ns in PREFIXES.items():
            self.g.bind(prefix, ns)
        self.g.bind("id", ids.root)
        self.sources = {s.key: s for s in data.sources}
        self.org_kind = {o.id: o.kind for o in data.organisations}
        self.persons = {p.id: p for p in data.persons}
        self.state_names = {s.code: s.name for s in data.states}
        self.asmk = ids.conference()

    # ----------------------------------------------------------------- helpers

    def add(self, s: URIRef, p: URIRef, o: URIRef | Literal | None) -> None:
        if o is not None:
            self.g.add((s, p, o))

    def labelled(self, node: URIRef, cls: URIRef | Iterable[URIRef], label: str) -> None:
        for c in [cls] if isinstance(cls, URIRef) else cls:
            self.g.add((node, RDF.type, c))
        self.g.add((node, RDFS.label, de(label)))

    def cite(self, node: URIRef, citations: Iterable[Citation]) -> None:
        """dcterms:source + prov:wasDerivedFrom, and a qualified derivation with the lines."""
        for c in citations:
            source = self.sources[c.source]
            src = self.ids.source(source.id)
            cite = URIRef(f"{node}#source-{source.id}-{c.start}-{c.end}")
            self.g.add((node, DCTERMS.source, src))
            self.g.add((node, PROV.wasDerivedFrom, src))
            self.g.add((node, PROV.qualifiedDerivation, cite))
            self.g.add((cite, RDF.type, ASMK.SourceCitation))
            self.g.add((cite, PROV.entity, src))
            self.g.add((cite, ASMK.lineStart, Literal(c.start, datatype=XSD.positiveInteger)))
            self.g.add((cite, ASMK.lineEnd, Literal(c.end, datatype=XSD.positiveInteger)))

    def org_iri(self, slug: str) -> URIRef:
        if slug in self.org_kind:
            kind = self.org_kind[slug]
            return self.ids.agent(slug) if kind == "agent" else self.ids.org(slug)
        return self.ids.body(slug)

    # ----------------------------------------------------------------- entities

    def build(self) -> Graph:
        self.add_dataset()
        for source in self.data.sources:
            self.add_source(source)
        self.add_conference()
        for state in self.data.states:
            self.add_state(state)
        self.add_organisations()
        self.add_places_and_topics()
        for person in self.data.persons:
            self.add_person(person)
        for chair in self.data.chairs:
            self.add_chair(chair)
        for rule in self.data.rules:
            self.add_rule(rule)
        for body in self.data.bodies:
            self.add_body(body)
        for meeting in self.data.meetings:
            self.add_meeting(meeting)
        for resolution in self.data.resolutions:
            self.add_resolution(resolution)
        for proposal in self.data.proposals:
            self.add_proposal(proposal)
        return self.g

    def add_dataset(self) -> None:
        ds = self.ids.dataset()
        project = URIRef("https://w3id.org/asmk/id/agent/asmk-graph-project")
        self.labelled(
            ds, URIRef("http://www.w3.org/ns/dcat#Dataset"), "Wissensgraph der Arbeits- und Sozialministerkonferenz"
        )
        self.add(ds, DCTERMS.title, de("Wissensgraph der Arbeits- und Sozialministerkonferenz"))
        self.add(ds, DCTERMS.title, Literal("ASMK knowledge graph", lang="en"))
        self.add(
            ds,
            DCTERMS.description,
            de(
                "Sitzungen, Vorsitz, Beschlüsse, Personen und Gremien der ASMK, aus öffentlichen "
                "Quellen kuratiert, mit Fundstellen zu jeder Angabe."
            ),
        )
        self.add(ds, DCTERMS.license, URIRef("https://creativecommons.org/licenses/by/4.0/"))
        self.add(ds, DCTERMS.publisher, project)
        self.add(ds, DCTERMS.creator, project)
        self.add(ds, DCTERMS.conformsTo, ONTOLOGY_IRI)
        self.add(ds, URIRef("http://rdfs.org/ns/void#sparqlEndpoint"), URIRef(self.ids.base + "sparql"))
        for source in self.data.sources:
            self.add(ds, DCTERMS.source, self.ids.source(source.id))

    def add_source(self, s: Source) -> None:
        node = self.ids.source(s.id)
        self.labelled(node, ASMK.SourceDocument, s.title)
        self.add(node, DCTERMS.title, de(s.title))
        self.add(node, DCTERMS.identifier, Literal(s.key))
        self.add(node, DCTERMS.type, ASMK[s.kind])
        if s.publisher:
            pub = self.ids.person(s.publisher) if s.publisher in self.persons else self.org_iri(s.publisher)
            self.add(node, DCTERMS.publisher, pub)
        self.add(node, DCTERMS.date, date(s.date) if s.date else None)
        self.add(node, ASMK.dateNote, de(s.date_note) if s.date_note else None)
        self.add(node, ASMK.fileName, Literal(s.file) if s.file else None)
        self.add(node, ASMK.sha256, Literal(s.sha256) if s.sha256 else None)
        if s.lines:
            self.add(node, ASMK.lineCount, Literal(s.lines, datatype=XSD.positiveInteger))
        self.add(node, FOAF.page, URIRef(s.url) if s.url else None)

    def add_conference(self) -> None:
        c = self.data.conference
        assert c is not None
        node = self.asmk
        self.labelled(node, ASMK.MinisterConference, c.name)
        self.add(node, SKOS.prefLabel, de(c.name))
        self.add(node, ASMK.abbreviation, Literal(c.abbreviation))
        for alt in c.alt_names:
            self.add(node, SKOS.altLabel, de(alt))
        self.add(node, SCHEMA.description, de(c.description))
        for state in self.data.states:
            self.add(node, ORG.hasMember, self.ids.state(state.code))
        for topic in self.data.topics:
            if not topic.editorial:
                self.add(node, DCTERMS.subject, self.ids.topic(topic.id))
        self.cite(node, c.sources + c.policy_fields_sources)

    def add_state(self, s: State) -> None:
        node = self.ids.state(s.code)
        self.labelled(node, ASMK.State, s.name)
        self.add(node, SKOS.prefLabel, de(s.name))
        self.add(node, SCHEMA.legalName, de(s.official_name) if s.official_name else None)
        self.add(node, ASMK.isoCode, Literal(s.code))
        self.add(node, ASMK.nutsCode, Literal(s.nuts))
        self.add(node, ASMK.ars, Literal(s.ars))
        self.add(node, ASMK.wikidataId, Literal(s.wikidata))
        self.add(node, OWL.sameAs, WD[s.wikidata])
        self.add(node, ASMK.nuts, NUTS[s.nuts])
        self.add(node, ASMK.politicalGeocoding, STATE_KEY[s.ars])
        self.add(node, ORG.memberOf, self.asmk)
        # codes come from reference code lists: cited without line ranges
        for key in ("iso3166", "nuts", "ars", "wikidata"):
            src = self.ids.source(self.sources[key].id)
            self.add(node, DCTERMS.source, src)
            self.add(node, PROV.wasDerivedFrom, src)
        self.cite(node, s.sources)

    def add_organisations(self) -> None:
        for o in self.data.organisations:
            node = self.org_iri(o.id)
            cls = {
                "ministry": ASMK.Ministry,
                "federal": ASMK.FederalInstitution,
                "other": ORG.Organization,
                "agent": FOAF.Organization,
            }[o.kind]
            self.labelled(node, cls, o.name)
            self.add(node, SKOS.prefLabel, de(o.name))
            if o.state:
                self.add(node, ORG.subOrganizationOf, self.ids.state(o.state))
            self.cite(node, o.sources)

    def add_places_and_topics(self) -> None:
        for p in self.data.places:
            node = self.ids.place(p.id)
            self.labelled(node, SCHEMA.Place, p.name)
            self.add(node, SCHEMA.name, de(p.name))
            self.add(node, SCHEMA.description, de(p.description) if p.description else None)
            self.cite(node, p.sources)
        scheme = self.ids.topic_scheme()
        self.labelled(scheme, SKOS.ConceptScheme, "Themenfelder der ASMK")
        self.add(scheme, SKOS.prefLabel, de("Themenfelder der ASMK"))
        for t in self.data.topics:
            node = self.ids.topic(t.id)
            self.labelled(node, [ASMK.Topic, SKOS.Concept], t.name)
            self.add(node, SKOS.prefLabel, de(t.name))
            self.add(node, SKOS.notation, Literal(t.id))
            self.add(node, SKOS.inScheme, scheme)
            self.add(node, SKOS.topConceptOf, scheme)
            self.add(node, ASMK.editorial, Literal(t.editorial))
            self.cite(node, t.sources)

    def add_person(self, p: Person) -> None:
        node = self.ids.person(p.id)
        self.labelled(node, [PERSON.Person, FOAF.Person], p.name)
        self.add(node, FOAF.name, Literal(p.name))
        self.add(node, FOAF.givenName, Literal(p.given))
        self.add(node, FOAF.familyName, Literal(p.family))
        self.add(node, SCHEMA.honorificPrefix, Literal(p.honorific_prefix) if p.honorific_prefix else None)
        self.add(node, SCHEMA.honorificSuffix, Literal(p.honorific_suffix) if p.honorific_suffix else None)
        self.cite(node, p.sources)
        for office in p.offices:
            o = self.ids.office(p.id, office.slug)
            org = self.ids.org(office.organization) if office.organization else self.ids.state(office.state)
            self.labelled(o, ASMK.Office, f"{p.name}: {office.title}")
            self.add(o, ORG.member, node)
            self.add(o, ORG.organization, org)
            self.add(o, ORG.role, ASMK[office.role])
            self.add(o, ASMK.officeTitle, de(office.title))
            self.add(o, ASMK.attestedOn, date(office.attested) if office.attested else None)
            self.add(o, SCHEMA.startDate, date(office.start) if office.start else None)
            self.add(o, SCHEMA.endDate, date(office.end) if office.end else None)
            self.add(node, ORG.hasMembership, o)
            self.cite(o, office.sources)
            self.cite(node, office.sources)

    def add_chair(self, c: Chair) -> None:
        node = self.ids.chair(c.year)
        self.labelled(node, ASMK.ChairTerm, f"ASMK-Vorsitz {c.year}: {self.state_names[c.state]}")
        self.add(node, ORG.member, self.ids.state(c.state))
        self.add(node, ORG.organization, self.asmk)
        self.add(node, ORG.role, ASMK["chair-state"])
        self.add(node, ASMK.year, year(c.year))
        self.add(node, SCHEMA.startDate, date(c.start) if c.start else None)
        self.add(node, SCHEMA.endDate, date(c.end) if c.end else None)
        self.add(node, SCHEMA.description, de(c.note) if c.note else None)
        for t in c.priorities:
            self.add(node, ASMK.priorityTopic, self.ids.topic(t))
        self.cite(node, c.sources)
        for cp in c.persons:
            h = self.ids.chair_holding(c.year, cp.person)
            self.labelled(h, ASMK.ChairHolding, f"ASMK-Vorsitz {c.year}: {self.persons[cp.person].name}")
            self.add(h, ORG.member, self.ids.person(cp.person))
            self.add(h, ORG.organization, self.asmk)
            self.add(h, ORG.role, ASMK["chair-person"])
            self.add(h, ASMK.chairTerm, node)
            self.add(h, SCHEMA.startDate, date(cp.start) if cp.start else None)
            self.add(h, SCHEMA.endDate, date(cp.until) if cp.until else None)
            self.cite(h, cp.sources)

    def add_rule(self, r: Rule) -> None:
        node = self.ids.rule(r.id)
        self.labelled(node, ASMK.WorkingRule, r.label)
        self.add(node, SCHEMA.description, de(r.description))
        self.add(node, ASMK.ruleOf, self.asmk)
        self.add(node, ASMK.monthOfYear, Literal(r.month) if r.month else None)
        self.add(node, ASMK.appliesTo, MEETING_CLASS[r.applies_to] if r.applies_to else None)
        self.add(node, ASMK.changeDate, Literal(r.change_date, datatype=XSD.gMonthDay) if r.change_date else None)
        self.add(node, ASMK.rotationOrder, ASMK[r.rotation_order] if r.rotation_order else None)
        self.cite(node, r.sources)

    def add_body(self, b: Body) -> None:
        node = self.ids.body(b.id)
        self.labelled(node, ASMK.Body, b.name)
        self.add(node, SKOS.prefLabel, de(b.name))
        self.add(node, ASMK.abbreviation, Literal(b.abbreviation) if b.abbreviation else None)
        self.add(node, SCHEMA.description, de(b.description))
        if b.relation == "formed-from":
            self.add(node, ASMK.formedFromDeliberationsOf, self.asmk)
        elif b.part_of is None:
            self.add(self.asmk, BODY_RELATION[b.relation], node)
        self.add(node, ORG.subOrganizationOf, self.ids.body(b.part_of) if b.part_of else None)
        for o in b.partners + b.linked_to:
            self.add(node, ORG.linkedTo, self.org_iri(o))
        for o in b.founders:
            self.add(node, SCHEMA.founder, self.org_iri(o))
        for t in b.topics:
            self.add(node, DCTERMS.subject, self.ids.topic(t))
        self.cite(node, b.sources)

    def add_meeting(self, m: Meeting) -> None:
        node = self.ids.meeting(m.key)
        if m.number is not None:
            label = f"{m.number}. Arbeits- und Sozialministerkonferenz"
        else:
            label = f"Amtschefkonferenz {m.effective_year or ''}".strip()
        self.labelled(node, MEETING_CLASS[m.kind], label)
        self.add(node, SCHEMA.name, de(label))
        self.add(node, ASMK.meetingOf, self.asmk)
        if m.number is not None:
            self.add(node, ASMK.number, Literal(m.number, datatype=XSD.positiveInteger))
        if m.effective_year is not None:
            self.add(node, ASMK.year, year(m.effective_year))
        self.add(node, SCHEMA.startDate, date(m.start) if m.start else None)
        self.add(node, SCHEMA.endDate, date(m.end) if m.end else None)
        self.add(node, ASMK.plannedStartDate, date(m.planned_start) if m.planned_start else None)
        self.add(node, ASMK.plannedEndDate, date(m.planned_end) if m.planned_end else None)
        self.add(node, SCHEMA.location, self.ids.place(m.location) if m.location else None)
        self.add(node, ASMK.plannedLocation, self.ids.place(m.planned_location) if m.planned_location else None)
        virtual = m.virtual if m.virtual is not None else (False if m.location else None)
        if virtual is not None:
            self.add(node, ASMK.virtual, Literal(virtual))
            mode = SCHEMA.OnlineEventAttendanceMode if virtual else SCHEMA.OfflineEventAttendanceMode
            self.add(node, SCHEMA.eventAttendanceMode, mode)
        if virtual and m.planned_location:
            self.add(node, SCHEMA.eventStatus, SCHEMA.EventMovedOnline)
        self.add(node, ASMK.underChair, self.ids.chair(m.chair_year) if m.chair_year else None)
        self.add(node, ASMK.prepares, self.ids.meeting(m.prepares) if m.prepares else None)
        self.add(node, SCHEMA.description, de(m.description))
        self.cite(node, m.sources)

    def add_resolution(self, r: Resolution) -> None:
        node = self.ids.resolution(r.meeting, r.id)
        self.labelled(node, ASMK.Report if r.kind == "report" else ASMK.Resolution, r.label)
        self.add(node, ASMK.officialTitle, de(r.official_title) if r.official_title else None)
        self.add(node, DCTERMS.abstract, de(r.summary))
        self.add(node, ASMK.adoptedAt, self.ids.meeting(r.meeting))
        self.add(node, ASMK.outcome, ASMK[r.outcome])
        self.add(node, ASMK.allStatesMotion, Literal(r.all_states))
        for code in r.initiators:
            self.add(node, ASMK.initiator, self.ids.state(code))
        for code in r.cosponsors:
            self.add(node, ASMK.cosponsor, self.ids.state(code))
        self.add(node, ASMK.cosponsorNote, de(r.cosponsor_note) if r.cosponsor_note else None)
        self.add(node, ASMK.leadState, self.ids.state(r.lead) if r.lead else None)
        for o in r.addressees:
            self.add(node, ASMK.addressee, self.org_iri(o))
        for o in r.refers_to:
            self.add(node, DCTERMS.references, self.org_iri(o))
        for text in r.requests:
            self.add(node, ASMK.request, de(text))
        for t in r.topics:
            self.add(node, DCTERMS.subject, self.ids.topic(t))
        self.cite(node, r.sources)

    def add_proposal(self, p: Proposal) -> None:
        node = self.ids.proposal(p.meeting, p.id)
        self.labelled(node, ASMK.Proposal, p.label)
        self.add(node, DCTERMS.abstract, de(p.summary))
        self.add(node, ASMK.raisedAt, self.ids.meeting(p.meeting))
        for code in p.proposed_by:
            self.add(node, ASMK.proposedBy, self.ids.state(code))
        for person in p.advocates:
            self.add(node, ASMK.advocatedBy, self.ids.person(person))
        for t in p.topics:
            self.add(node, DCTERMS.subject, self.ids.topic(t))
        self.cite(node, p.sources)


def build_graph(data: Dataset, ids: Ids | None = None) -> Graph:
    return GraphBuilder(data, ids or Ids()).build()
