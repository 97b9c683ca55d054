"""Typed records -> named graphs, using the ontology's terms and W3C vocabularies.

Every triple goes into the graph of each source that states it: by default all the sources
a record cites, narrowed per field by the record's `stated_in`. The project's own additions
(topic tags, translations, delimitations, facts about the text copies, the dataset and
graph descriptions) go into the editorial graph. Nothing is filled in that no record states;
what a careful reader infers is left to the rules (graph/rules.py).

No blank nodes are minted: every node, including source citations and memberships, gets a
stable IRI, so the serialisations are deterministic and each node can be dereferenced.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager

from rdflib import Literal, URIRef
from rdflib.namespace import DCAT, DCTERMS, FOAF, ORG, OWL, PROV, RDF, RDFS, SKOS, XSD
from rdflib.term import Node

from ..namespaces import ASMK, NUTS, ONTOLOGY_IRI, PERSON, SCHEMA, WD, Ids
from ..records import model as m
from ..records.load import Dataset, OrgEntry
from .graphs import GraphSet

PROJECT = URIRef("https://w3id.org/asmk/id/agent/asmk-graph-project")
VOID_ENDPOINT = URIRef("http://rdfs.org/ns/void#sparqlEndpoint")
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
ORG_CLASS = {
    "ministry": ASMK.Ministry,
    "parliament": ASMK.Parliament,
    "committee": ORG.OrganizationalUnit,
    "federal": ASMK.FederalInstitution,
    "other": ORG.Organization,
    "agent": FOAF.Organization,
}
CODE_LISTS = ("iso3166", "nuts", "ars", "wikidata")


def de(text: str) -> Literal:
    return Literal(text, lang="de")


def en(text: str) -> Literal:
    return Literal(text, lang="en")


def date(value: dt.date | None) -> Literal | None:
    return Literal(value.isoformat(), datatype=XSD.date) if value else None


def ordinal_en(n: int) -> str:
    suffix = "th" if 10 <= n % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(n % 10, "th")
    return f"{n}{suffix}"


class GraphBuilder:
    def __init__(self, data: Dataset, ids: Ids) -> None:
        self.data, self.ids = data, ids
        self.out = GraphSet()
        self.sources = {s.key: s for s in data.sources}
        self.graph_of = {s.key: ids.source_graph(s.id) for s in data.sources}
        self.editorial = ids.editorial_graph()
        self.org_kind = {o.id: o.kind for o in data.organisations}
        self.persons = {p.id: p for p in data.persons}
        self.offices = {o.id: o for o in data.offices}
        self.state_names = {s.code: s.name for s in data.states}
        self.asmk = ids.conference()
        self.conference_graphs: tuple[URIRef, ...] = ()
        self._where: tuple[URIRef, ...] = ()
        self._fields: dict[str, tuple[URIRef, ...]] = {}

    # ----------------------------------------------------------------- where triples go

    def graphs(self, keys: Iterable[str]) -> tuple[URIRef, ...]:
        return tuple(dict.fromkeys(self.graph_of[k] for k in keys))

    def cited(self, citations: Iterable[m.Citation]) -> tuple[URIRef, ...]:
        return self.graphs(c.source for c in citations)

    @contextmanager
    def record(self, graphs: Sequence[URIRef], stated_in: dict[str, list[str]] | None = None) -> Iterator[None]:
        """Triples added inside go to graphs; a field named in stated_in to its sources (or editorial)."""
        saved = self._where, self._fields
        self._where = tuple(graphs) or (self.editorial,)
        self._fields = {f: self.graphs(keys) or (self.editorial,) for f, keys in (stated_in or {}).items()}
        try:
            yield
        finally:
            self._where, self._fields = saved

    def add(self, s: Node, p: Node, o: Node | None, field: str | None = None) -> None:
        if o is None:
            return
        for graph in self._fields.get(field, self._where) if field else self._where:
            self.out.add(graph, (s, p, o))

    def add_to(self, graphs: Iterable[URIRef], s: Node, p: Node, o: Node | None) -> None:
        if o is None:
            return
        for graph in graphs:
            self.out.add(graph, (s, p, o))

    def editorial_add(self, s: Node, p: Node, o: Node | None) -> None:
        self.add_to((self.editorial,), s, p, o)

    def typed(self, node: URIRef, cls: URIRef | Iterable[URIRef], label: str, field: str | None = None) -> None:
        for c in [cls] if isinstance(cls, URIRef) else cls:
            self.add(node, RDF.type, c)
        self.add(node, RDFS.label, de(label), field)

    def english(self, node: URIRef, name: str | None, *also: URIRef) -> None:
        """An English name: the project's translation, in the editorial graph."""
        if name:
            for p in (RDFS.label, *also):
                self.editorial_add(node, p, en(name))

    def cite(self, node: URIRef, citations: Iterable[m.Citation]) -> None:
        """dcterms:source + prov:wasDerivedFrom, and a qualified derivation with the lines, in the source's graph."""
        for c in citations:
            source = self.sources[c.source]
            graph = (self.graph_of[c.source],)
            src = self.ids.source(source.id)
            citation = self.ids.part(node, f"source-{source.id}-{c.start}-{c.end}")
            self.add_to(graph, node, DCTERMS.source, src)
            self.add_to(graph, node, PROV.wasDerivedFrom, src)
            self.add_to(graph, node, PROV.qualifiedDerivation, citation)
            self.add_to(graph, citation, RDF.type, ASMK.SourceCitation)
            self.add_to(graph, citation, PROV.entity, src)
            self.add_to(graph, citation, ASMK.lineStart, Literal(c.start))
            self.add_to(graph, citation, ASMK.lineEnd, Literal(c.end))

    def org_iri(self, slug: str) -> URIRef:
        if slug in self.org_kind:
            return self.ids.agent(slug) if self.org_kind[slug] == "agent" else self.ids.org(slug)
        return self.ids.body(slug)

    # ----------------------------------------------------------------- entities

    def build(self) -> GraphSet:
        self.add_dataset_and_graphs()
        for source in self.data.sources:
            self.add_source(source)
        self.add_conference()
        for state in self.data.states:
            self.add_state(state)
        for entry in self.data.organisations:
            self.add_organisation(entry)
        self.add_places_and_topics()
        for office in self.data.offices:
            self.add_office(office)
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
        return self.out

    def add_dataset_and_graphs(self) -> None:
        """The dataset and its named graphs, described by the project (editorial)."""
        ds, ed = self.ids.dataset(), self.editorial
        title = "Wissensgraph der Arbeits- und Sozialministerkonferenz"
        with self.record([ed]):
            self.typed(ds, DCAT.Dataset, title)
            self.add(ds, RDFS.label, en("ASMK knowledge graph"))
            self.add(ds, DCTERMS.title, de(title))
            self.add(ds, DCTERMS.title, en("ASMK knowledge graph"))
            description = (
                "Sitzungen, Vorsitz, Beschlüsse, Personen und Gremien der ASMK, aus öffentlichen Quellen "
                "kuratiert; jede Angabe steht im benannten Graphen der Quelle, die sie trifft."
            )
            self.add(ds, DCTERMS.description, de(description))
            self.add(ds, DCTERMS.license, URIRef("https://creativecommons.org/licenses/by/4.0/"))
            self.add(ds, DCTERMS.publisher, PROJECT)
            self.add(ds, DCTERMS.creator, PROJECT)
            self.add(ds, DCTERMS.conformsTo, ONTOLOGY_IRI)
            self.add(ds, VOID_ENDPOINT, URIRef(self.ids.base + "sparql"))
            self.typed(ed, ASMK.EditorialGraph, "Redaktionelle Ergänzungen des Projekts")
            self.add(ed, RDFS.label, en("Editorial additions of the project"))
            for source in self.data.sources:
                doc, graph = self.ids.source(source.id), self.graph_of[source.key]
                self.add(ds, DCTERMS.source, doc)
                self.typed(graph, ASMK.SourceGraph, f"Aussagen der Quelle {source.key}")
                self.add(graph, RDFS.label, en(f"Statements of source {source.key}"))
                self.add(graph, PROV.wasDerivedFrom, doc)

    def add_source(self, s: m.Source) -> None:
        node = self.ids.source(s.id)
        with self.record([self.graph_of[s.key]], s.stated_in):
            self.add(node, RDF.type, ASMK.SourceDocument)
            self.add(node, DCTERMS.type, ASMK[s.kind])
            if s.title:
                self.add(node, DCTERMS.title, de(s.title), "title")
            if s.title and not s.label:
                self.add(node, RDFS.label, de(s.title), "title")
            self.add(node, DCTERMS.alternative, de(s.short_title) if s.short_title else None, "short_title")
            self.add(node, ASMK.documentNumber, Literal(s.number) if s.number else None, "number")
            if s.publisher:
                publisher = self.ids.person(s.publisher) if s.publisher in self.persons else self.org_iri(s.publisher)
                self.add(node, DCTERMS.publisher, publisher, "publisher")
            self.add(
                node, ASMK.addressedTo, self.ids.office(s.addressed_to) if s.addressed_to else None, "addressed_to"
            )
            self.add(node, DCTERMS.audience, self.org_iri(s.audience) if s.audience else None, "audience")
            for url in s.urls:
                self.add(node, DCTERMS.references, URIRef(url), "urls")
            self.add(node, FOAF.page, URIRef(s.url) if s.url else None, "url")
            self.add(node, DCTERMS.date, date(s.date), "date")
        # the project's description of the document and of its text copy
        self.editorial_add(node, RDFS.label, de(s.label) if s.label else None)
        self.editorial_add(node, DCTERMS.identifier, Literal(s.key))
        self.editorial_add(node, ASMK.dateNote, de(s.date_note) if s.date_note else None)
        self.editorial_add(node, ASMK.fileName, Literal(s.file) if s.file else None)
        self.editorial_add(node, ASMK.sha256, Literal(s.sha256) if s.sha256 else None)
        self.editorial_add(node, ASMK.lineCount, Literal(s.lines) if s.lines else None)

    def add_conference(self) -> None:
        c = self.data.conference
        assert c is not None
        node = self.asmk
        self.conference_graphs = self.cited([*c.sources, *c.policy_fields_sources])
        with self.record(self.conference_graphs):
            self.typed(node, ASMK.MinisterConference, c.name)
            self.add(node, SKOS.prefLabel, de(c.name))
            self.add(node, ASMK.abbreviation, Literal(c.abbreviation))
            self.add(node, SCHEMA.description, de(c.description))
            for state in self.data.states:
                self.add(node, ORG.hasMember, self.ids.state(state.code))
        for alt in c.alt_names:
            self.add_to(self.cited(alt.sources), node, SKOS.altLabel, de(alt.name))
            self.cite(node, alt.sources)
        for topic in self.data.topics:  # the policy fields the sources list
            self.add_to(self.cited(topic.sources), node, DCTERMS.subject, self.ids.topic(topic.id))
        self.english(node, c.name_en, SKOS.prefLabel)
        self.cite(node, [*c.sources, *c.policy_fields_sources])

    def add_state(self, s: m.State) -> None:
        node = self.ids.state(s.code)
        code_list = {key: (self.graph_of[key],) for key in CODE_LISTS}
        seeds = self.cited(s.sources)
        with self.record(code_list["iso3166"] + seeds):
            self.typed(node, ASMK.State, s.name)
            self.add(node, SKOS.prefLabel, de(s.name))
        self.add_to(seeds, node, SCHEMA.legalName, de(s.official_name) if s.official_name else None)
        for key, p, o in (
            ("iso3166", ASMK.isoCode, Literal(s.code)),
            ("nuts", ASMK.nutsCode, Literal(s.nuts)),
            ("nuts", ASMK.nuts, NUTS[s.nuts]),
            ("ars", ASMK.ars, Literal(s.ars)),
            ("wikidata", ASMK.wikidataId, Literal(s.wikidata)),
            ("wikidata", OWL.sameAs, WD[s.wikidata]),
        ):
            self.add_to(code_list[key], node, RDF.type, ASMK.State)
            self.add_to(code_list[key], node, p, o)
        for key in CODE_LISTS:  # codes come from reference code lists: cited without line ranges
            src = self.ids.source(self.sources[key].id)
            self.add_to(code_list[key], node, DCTERMS.source, src)
            self.add_to(code_list[key], node, PROV.wasDerivedFrom, src)
        self.add_to(self.conference_graphs, node, ORG.memberOf, self.asmk)
        self.english(node, s.name_en, SKOS.prefLabel)
        self.cite(node, s.sources)

    def add_organisation(self, o: OrgEntry) -> None:
        node = self.org_iri(o.id)
        with self.record(self.cited(o.sources)):
            self.typed(node, ORG_CLASS[o.kind], o.name)
            self.add(node, SKOS.prefLabel, de(o.name))
            self.add(node, ORG.subOrganizationOf, self.ids.state(o.state) if o.state else None)
            self.add(node, ORG.subOrganizationOf, self.org_iri(o.part_of) if o.part_of else None)
        self.english(node, o.name_en, SKOS.prefLabel)
        self.cite(node, o.sources)

    def add_places_and_topics(self) -> None:
        for p in self.data.places:
            node = self.ids.place(p.id)
            with self.record(self.cited(p.sources)):
                self.typed(node, SCHEMA.Place, p.name)
                self.add(node, SCHEMA.name, de(p.name))
                self.add(node, SCHEMA.description, de(p.description) if p.description else None)
            self.english(node, p.name_en)
            self.cite(node, p.sources)
        scheme = self.ids.topic_scheme()
        with self.record([self.editorial]):
            self.typed(scheme, SKOS.ConceptScheme, "Themenfelder der ASMK")
            self.add(scheme, SKOS.prefLabel, de("Themenfelder der ASMK"))
        self.english(scheme, "Policy fields of the ASMK", SKOS.prefLabel)
        for t in self.data.topics:
            node = self.ids.topic(t.id)
            with self.record(self.cited(t.sources)):  # editorial topics cite nothing: editorial graph
                self.typed(node, [ASMK.Topic, SKOS.Concept], t.name)
                self.add(node, SKOS.prefLabel, de(t.name))
            self.editorial_add(node, SKOS.notation, Literal(t.id))
            self.editorial_add(node, SKOS.inScheme, scheme)
            self.editorial_add(node, SKOS.topConceptOf, scheme)
            self.english(node, t.name_en, SKOS.prefLabel)
            self.cite(node, t.sources)

    def add_office(self, o: m.Office) -> None:
        node = self.ids.office(o.id)
        post_in = self.org_iri(o.organization) if o.organization else self.ids.state(o.state or "")
        with self.record(self.cited(o.sources)):
            self.typed(node, ASMK.Office, o.label)
            self.add(node, ORG.role, ASMK[o.role])
            self.add(node, ORG.postIn, post_in)
        self.cite(node, o.sources)

    def add_person(self, p: m.Person) -> None:
        node = self.ids.person(p.id)
        citations = [*p.sources, *(c for h in p.offices for c in h.sources)]
        with self.record(self.cited(citations)):
            self.typed(node, [PERSON.Person, FOAF.Person], p.name)
            self.add(node, FOAF.name, Literal(p.name))
            self.add(node, FOAF.givenName, Literal(p.given))
            self.add(node, FOAF.familyName, Literal(p.family))
            self.add(node, SCHEMA.honorificPrefix, Literal(p.honorific_prefix) if p.honorific_prefix else None)
            self.add(node, SCHEMA.honorificSuffix, Literal(p.honorific_suffix) if p.honorific_suffix else None)
        self.cite(node, p.sources)
        for h in p.offices:
            holding = self.ids.office_holding(h.office, p.id)
            with self.record(self.cited(h.sources), h.stated_in):
                self.typed(holding, ASMK.OfficeHolding, f"{p.name}: {self.offices[h.office].label}")
                self.add(holding, ORG.member, node)
                self.add(holding, ASMK.office, self.ids.office(h.office))
                self.add(node, ORG.hasMembership, holding)
                self.add(holding, ASMK.attestedOn, date(h.attested), "attested")
                self.add(holding, ASMK.heldFrom, date(h.start), "from")
                self.add(holding, ASMK.heldUntil, date(h.until), "until")
            for t in h.titles:
                self.add_to(self.cited(t.sources), holding, ASMK.officeTitle, de(t.title))
            self.cite(holding, h.sources)
            self.cite(node, h.sources)

    def add_chair(self, c: m.Chair) -> None:
        node = self.ids.chair(c.year)
        with self.record(self.cited(c.sources), c.stated_in):
            self.typed(node, ASMK.ChairTerm, f"ASMK-Vorsitz {c.year}: {self.state_names[c.state]}")
            self.add(node, ORG.member, self.ids.state(c.state))
            self.add(node, ORG.organization, self.asmk)
            self.add(node, ORG.role, ASMK["chair-state"])
            self.add(node, ASMK.year, Literal(c.year))
            self.add(node, ASMK.succeeds, self.ids.chair(c.succeeds) if c.succeeds else None, "succeeds")
            self.add(node, ASMK.heldFrom, date(c.start), "from")
            self.add(node, ASMK.heldUntil, date(c.until), "until")
            self.add(node, SCHEMA.description, de(c.note) if c.note else None, "note")
        for t in c.priorities:  # the project's tags for the announced priorities
            self.editorial_add(node, ASMK.priorityTopic, self.ids.topic(t))
        for a in c.announced_by:
            self.add_to(self.cited(a.sources), node, ASMK.announcedBy, self.ids.person(a.person))
            self.cite(node, a.sources)
        self.cite(node, c.sources)
        for cp in c.persons:
            holding = self.ids.chair_holding(c.year, cp.person)
            with self.record(self.cited(cp.sources)):
                self.typed(holding, ASMK.ChairHolding, f"ASMK-Vorsitz {c.year}: {self.persons[cp.person].name}")
                self.add(holding, ORG.member, self.ids.person(cp.person))
                self.add(holding, ORG.organization, self.asmk)
                self.add(holding, ORG.role, ASMK["chair-person"])
                self.add(holding, ASMK.chairTerm, node)
                self.add(holding, ASMK.viaOffice, self.ids.office(cp.office) if cp.office else None)
                self.add(holding, ASMK.heldFrom, date(cp.start))
                self.add(holding, ASMK.heldUntil, date(cp.until))
            self.cite(holding, cp.sources)

    def add_rule(self, r: m.Rule) -> None:
        node = self.ids.rule(r.id)
        with self.record(self.cited(r.sources)):
            self.typed(node, ASMK.WorkingRule, r.label)
            self.add(node, SCHEMA.description, de(r.description))
            self.add(node, ASMK.ruleOf, self.asmk)
            self.add(node, ASMK.perYear, Literal(r.per_year) if r.per_year else None)
            self.add(node, ASMK.monthOfYear, Literal(r.month) if r.month else None)
            self.add(node, ASMK.appliesTo, MEETING_CLASS[r.applies_to] if r.applies_to else None)
            change = Literal(r.change_date, datatype=XSD.gMonthDay) if r.change_date else None
            self.add(node, ASMK.changeDate, change)
            self.add(node, ASMK.rotationOrder, ASMK[r.rotation_order] if r.rotation_order else None)
        self.cite(node, r.sources)

    def add_body(self, b: m.Body) -> None:
        node = self.ids.body(b.id)
        with self.record(self.cited(b.sources), b.stated_in):
            self.add(node, RDF.type, ASMK.Body)
            self.add(node, RDFS.label, de(b.name), "name")
            self.add(node, SKOS.prefLabel, de(b.name), "name")
            self.add(node, ASMK.abbreviation, Literal(b.abbreviation) if b.abbreviation else None, "abbreviation")
            self.add(node, SCHEMA.description, de(b.description), "description")
            if b.relation == "formed-from":
                self.add(node, ASMK.formedFromDeliberationsOf, self.asmk, "relation")
            elif b.part_of is None:
                self.add(self.asmk, BODY_RELATION[b.relation], node, "relation")
            self.add(node, ORG.subOrganizationOf, self.ids.body(b.part_of) if b.part_of else None, "part_of")
            for o in b.partners + b.linked_to:
                self.add(node, ORG.linkedTo, self.org_iri(o))
            for o in b.founders:
                self.add(node, SCHEMA.founder, self.org_iri(o), "founders")
        for t in b.topics:
            self.editorial_add(node, DCTERMS.subject, self.ids.topic(t))
        self.english(node, b.name_en, SKOS.prefLabel)
        self.cite(node, b.sources)

    def add_meeting(self, mt: m.Meeting) -> None:
        node = self.ids.meeting(mt.key)
        if mt.number is not None:
            label = f"{mt.number}. Arbeits- und Sozialministerkonferenz"
            label_en = f"{ordinal_en(mt.number)} Conference of Ministers of Labour and Social Affairs"
        else:
            label = f"Amtschefkonferenz {mt.year or ''}".strip()
            label_en = f"Conference of Heads of Office {mt.year or ''}".strip()
        with self.record(self.cited(mt.sources), mt.stated_in):
            self.add(node, RDF.type, MEETING_CLASS[mt.kind])
            self.add(node, RDFS.label, de(label), "number")
            self.add(node, SCHEMA.name, de(label), "number")
            self.add(node, ASMK.meetingOf, self.asmk)
            self.add(node, ASMK.number, Literal(mt.number) if mt.number is not None else None, "number")
            self.add(node, ASMK.year, Literal(mt.year) if mt.year else None, "year")
            self.add(node, SCHEMA.startDate, date(mt.start), "start")
            self.add(node, SCHEMA.endDate, date(mt.end), "end")
            self.add(node, ASMK.plannedStartDate, date(mt.planned_start), "planned_start")
            self.add(node, ASMK.plannedEndDate, date(mt.planned_end), "planned_end")
            self.add(node, SCHEMA.location, self.ids.place(mt.location) if mt.location else None, "location")
            planned = self.ids.place(mt.planned_location) if mt.planned_location else None
            self.add(node, ASMK.plannedLocation, planned, "planned_location")
            self.add(node, ASMK.virtual, Literal(mt.virtual) if mt.virtual is not None else None, "virtual")
            self.add(node, ASMK.underChair, self.ids.chair(mt.chair_year) if mt.chair_year else None, "chair_year")
            self.add(node, ASMK.prepares, self.ids.meeting(mt.prepares) if mt.prepares else None)
            self.add(node, ASMK.reportedOn, date(mt.reported_on), "reported_on")
            texts = URIRef(mt.resolution_texts) if mt.resolution_texts else None
            self.add(node, ASMK.resolutionTexts, texts, "resolution_texts")
            self.add(node, SCHEMA.description, de(mt.description), "description")
        self.english(node, label_en)
        self.cite(node, mt.sources)

    def add_resolution(self, r: m.Resolution) -> None:
        node = self.ids.resolution(r.meeting, r.id)
        meeting = self.ids.meeting(r.meeting)
        with self.record(self.cited(r.sources)):
            self.typed(node, ASMK.Report if r.kind == "report" else ASMK.Resolution, r.label)
            self.add(node, ASMK.officialTitle, de(r.official_title) if r.official_title else None)
            self.add(node, DCTERMS.abstract, de(r.summary))
            self.add(node, ASMK.adoptedAt, meeting)
            self.add(node, ASMK.leadState, self.ids.state(r.lead) if r.lead else None)
            for o in r.refers_to:
                self.add(node, DCTERMS.references, self.org_iri(o))
            for index, demand in enumerate(r.demands, 1):
                self.add_demand(node, index, demand)
            if r.motion or r.vote or r.agenda_item:
                self.add_motion_and_vote(node, meeting, r)
        for t in r.topics:
            self.editorial_add(node, DCTERMS.subject, self.ids.topic(t))
        self.editorial_add(node, SKOS.editorialNote, de(r.editorial_note) if r.editorial_note else None)
        self.cite(node, r.sources)

    def add_demand(self, resolution: URIRef, index: int, d: m.Demand) -> None:
        node = self.ids.part(resolution, f"demand-{index}")
        self.add(resolution, ASMK.demand, node)
        self.typed(node, ASMK.Demand, d.text)
        self.add(node, ASMK.demandKind, ASMK[d.kind])
        self.add(node, ASMK.addressee, self.org_iri(d.addressee) if d.addressee else None)
        self.add(node, SCHEMA.position, Literal(index))

    def add_motion_and_vote(self, resolution: URIRef, meeting: URIRef, r: m.Resolution) -> None:
        """The motion that resulted in the resolution, the vote on it and its agenda item, as far as stated."""
        motion = self.ids.part(resolution, "motion")
        self.typed(motion, ASMK.Motion, f"Antrag: {r.label}")
        self.add(motion, ASMK.resultedIn, resolution)
        if r.motion:
            for code in r.motion.initiators:
                self.add(motion, ASMK.initiator, self.ids.state(code))
            for code in r.motion.cosponsors:
                self.add(motion, ASMK.cosponsor, self.ids.state(code))
            all_states = r.motion.all_states
            self.add(motion, ASMK.allStatesMotion, Literal(all_states) if all_states is not None else None)
            self.add(motion, ASMK.cosponsorNote, de(r.motion.cosponsor_note) if r.motion.cosponsor_note else None)
        if r.vote:
            vote = self.ids.part(resolution, "vote")
            self.typed(vote, ASMK.VoteEvent, f"Abstimmung: {r.label}")
            self.add(vote, ASMK.onMotion, motion)
            self.add(vote, ASMK.outcome, ASMK[r.vote.outcome] if r.vote.outcome else None)
            for option, count in sorted(r.vote.counts.items()):
                node = self.ids.part(resolution, f"vote-{option}")
                self.add(vote, ASMK.voteCount, node)
                self.add(node, RDF.type, ASMK.VoteCount)
                self.add(node, ASMK.option, ASMK[option])
                self.add(node, ASMK["count"], Literal(count))  # ASMK.count would be str.count
            for position in r.vote.positions:
                node = self.ids.part(resolution, f"position-{position.state.lower()}")
                self.add(vote, ASMK.position, node)
                self.add(node, RDF.type, ASMK.Position)
                self.add(node, ASMK.voter, self.ids.state(position.state))
                self.add(node, ASMK.option, ASMK[position.option])
            for index, statement in enumerate(r.vote.statements, 1):
                node = self.ids.part(resolution, f"statement-{index}")
                self.add(vote, ASMK.statementForRecord, node)
                self.add(node, RDF.type, ASMK.StatementForRecord)
                for code in statement.states:
                    self.add(node, ASMK.statedBy, self.ids.state(code))
                self.add(node, DCTERMS.abstract, de(statement.summary))
        if r.agenda_item:
            item = self.ids.agenda_item(r.meeting, r.agenda_item.number or r.id)
            self.add(item, RDF.type, ASMK.AgendaItem)
            self.add(item, RDFS.label, de(r.agenda_item.label) if r.agenda_item.label else None)
            self.add(item, ASMK.topNumber, Literal(r.agenda_item.number) if r.agenda_item.number else None)
            self.add(item, ASMK.agendaItemOf, meeting)
            self.add(item, ASMK.considers, motion)

    def add_proposal(self, p: m.Proposal) -> None:
        node = self.ids.proposal(p.meeting, p.id)
        with self.record(self.cited(p.sources)):
            self.typed(node, ASMK.Proposal, p.label)
            self.add(node, DCTERMS.abstract, de(p.summary))
            self.add(node, ASMK.raisedAt, self.ids.meeting(p.meeting))
            for code in p.proposed_by:
                self.add(node, ASMK.proposedBy, self.ids.state(code))
            for person in p.advocates:
                self.add(node, ASMK.advocatedBy, self.ids.person(person))
        for t in p.topics:
            self.editorial_add(node, DCTERMS.subject, self.ids.topic(t))
        self.cite(node, p.sources)


def build_graphs(data: Dataset, ids: Ids | None = None) -> GraphSet:
    """The source graphs and the editorial graph of the data (no vocabulary, no derivations yet)."""
    return GraphBuilder(data, ids or Ids()).build()
