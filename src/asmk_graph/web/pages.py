"""HTML pages for people: the landing page, one page per resource, index pages per kind, search.

Entity pages are generic: what a resource states (property names from the ontology's labels),
what links to it (grouped by relation), where the sources state it, and its classes decide which
specific views come on top (a meeting's resolutions, a state's motions and chair years, a person's
offices, a topic's resolutions, a source's statements). Each view is one named query in
queries/pages/, so it follows the model when the model changes. Pictures are server-side SVG.
"""

from __future__ import annotations

import json
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import Any

from fastapi import APIRouter, HTTPException, Request
from fastapi.responses import JSONResponse, Response
from rdflib import RDF, RDFS, Graph, Literal, Namespace, URIRef
from rdflib.namespace import DCTERMS, FOAF, OWL, PROV, SKOS

from ..graph.serialize import CHECKSUMS, DUMP_NAMES, read_checksums
from ..namespaces import ASMK, PREFIXES, SCHEMA
from ..paths import ProjectPaths
from ..queries import NamedQuery
from ..store.results import Term
from ..store.stores import Store
from .linked_data import SUFFIX_MEDIA
from .rest import resolution_item
from .search import Search, fold_plain, highlight
from .templating import SPARQL_PATH, WEB_DIR, Links, page_language, render_page, wants_html

PAGES = Namespace("urn:asmk:pages#")
NAME_PROPERTIES = {str(p) for p in (RDFS.label, SKOS.prefLabel, FOAF.name, DCTERMS.title)}

# shown elsewhere on the page (citations) or the same as another property (dcterms:source)
HIDDEN_OUTGOING = {str(PROV.qualifiedDerivation), str(PROV.wasDerivedFrom)}
HIDDEN_INCOMING = {str(PROV.wasDerivedFrom), str(PROV.entity)}
OPEN_GROUP_LIMIT = 25  # larger groups start folded

# kinds: the first path segment after <base>id/, in the order the landing page offers them
KINDS: dict[str, tuple[str, str]] = {
    "conference": ("Sitzungen", "Meetings"),
    "resolution": ("Beschlüsse und Berichte", "Resolutions and reports"),
    "state": ("Länder", "States"),
    "person": ("Personen", "Persons"),
    "office": ("Ämter", "Offices"),
    "chair": ("Vorsitz", "Chair"),
    "body": ("Gremien und Initiativen", "Bodies and initiatives"),
    "org": ("Ministerien und Institutionen", "Ministries and institutions"),
    "topic": ("Themenfelder", "Policy fields"),
    "proposal": ("Vorstöße", "Proposals"),
    "source": ("Quellen", "Sources"),
    "rule": ("Arbeitsregeln", "Working rules"),
    "place": ("Orte", "Places"),
    "agent": ("Beteiligte", "Agents"),
}
ENTRY_POINTS = ("conference", "resolution", "state", "person", "body", "topic", "source")

OUTCOME_ORDER = ("unanimous", "large-majority", "majority", "agreed", "unstated")
ROLE_LABELS = {
    "initiator": ("Antrag", "initiator"),
    "cosponsor": ("Mitantrag", "co-sponsor"),
    "lead": ("Federführung", "lead"),
    "all-states": ("Antrag aller Länder", "all states"),
}
SCHEMA_TYPES = {  # schema.org type for the JSON-LD search engines read
    str(ASMK.MainConference): "Event",
    str(ASMK.SpecialConference): "Event",
    str(ASMK.HeadsOfOfficeConference): "Event",
    str(ASMK.Meeting): "Event",
    str(ASMK.Resolution): "CreativeWork",
    str(ASMK.Report): "Report",
    str(ASMK.Proposal): "CreativeWork",
    str(ASMK.SourceDocument): "CreativeWork",
    str(ASMK.State): "AdministrativeArea",
    str(ASMK.Body): "Organization",
    str(ASMK.Ministry): "GovernmentOrganization",
    str(ASMK.FederalInstitution): "GovernmentOrganization",
    str(ASMK.MinisterConference): "GovernmentOrganization",
    str(ASMK.Topic): "DefinedTerm",
    "http://www.w3.org/ns/person#Person": "Person",
    str(FOAF.Person): "Person",
    str(SCHEMA.Place): "Place",
    "http://www.w3.org/ns/dcat#Dataset": "Dataset",
}
SCHEMA_PROPERTIES = {
    str(DCTERMS.abstract): "description",
    str(SCHEMA.description): "description",
    str(SCHEMA.startDate): "startDate",
    str(SCHEMA.endDate): "endDate",
    str(OWL.sameAs): "sameAs",
    str(DCTERMS.source): "isBasedOn",
    str(DCTERMS.subject): "about",
    str(SCHEMA.location): "location",
}
MEETING_CLASSES = {
    str(c) for c in (ASMK.Meeting, ASMK.MainConference, ASMK.SpecialConference, ASMK.HeadsOfOfficeConference)
}
PERSON_CLASSES = {"http://www.w3.org/ns/person#Person", str(FOAF.Person)}
# the 16 Länder as tiles, roughly where they lie: (column, row)
TILES = {
    "DE-SH": (1, 0), "DE-MV": (2, 0),
    "DE-HB": (0, 1), "DE-HH": (1, 1), "DE-BE": (2, 1), "DE-BB": (3, 1),
    "DE-NW": (0, 2), "DE-NI": (1, 2), "DE-ST": (2, 2), "DE-SN": (3, 2),
    "DE-RP": (0, 3), "DE-HE": (1, 3), "DE-TH": (2, 3),
    "DE-SL": (0, 4), "DE-BW": (1, 4), "DE-BY": (2, 4),
}  # fmt: skip


# --- labels of vocabulary terms ---------------------------------------------------------------


@dataclass
class Terms:
    """Labels (de/en) of the ontology's terms and of the reused ones (web/terms.ttl)."""

    labels: dict[str, dict[str, str]]
    inverse: dict[str, dict[str, str]]

    @classmethod
    def load(cls, ontology: Path) -> Terms:
        graph = Graph().parse(ontology).parse(WEB_DIR / "terms.ttl")
        labels: dict[str, dict[str, str]] = defaultdict(dict)
        inverse: dict[str, dict[str, str]] = defaultdict(dict)
        for prop, table in ((RDFS.label, labels), (SKOS.prefLabel, labels), (PAGES.inverseLabel, inverse)):
            for term, value in graph.subject_objects(prop):
                if isinstance(value, Literal):
                    table[str(term)].setdefault(value.language or "", str(value))
        return cls(dict(labels), dict(inverse))

    def label(self, iri: str, lang: str) -> str | None:
        return pick(self.labels.get(iri, {}), lang)

    def property_label(self, iri: str, lang: str) -> str:
        return self.label(iri, lang) or prefixed(iri)

    def inverse_label(self, iri: str, lang: str) -> str:
        own = pick(self.inverse.get(iri, {}), lang)
        if own:
            return own
        label = self.property_label(iri, lang)
        return f"is {label} of" if lang == "en" else f"{label} (von)"


def pick(by_language: dict[str, str], lang: str) -> str | None:
    for candidate in (lang, "de", "", "en"):
        if candidate in by_language:
            return by_language[candidate]
    return next(iter(by_language.values()), None)


def prefixed(iri: str) -> str:
    for prefix, namespace in PREFIXES.items():
        if iri.startswith(namespace):
            return f"{prefix}:{iri[len(namespace) :]}"
    return iri


# --- what a page shows ----------------------------------------------------------------------


@dataclass
class Value:
    text: str
    href: str | None = None
    lang: str | None = None  # language of the text, where it differs from the page's
    note: str | None = None  # "derived" or "editorial" when the data says so
    external: bool = False


@dataclass
class Group:
    iri: str
    label: str
    values: list[Value]

    @property
    def folded(self) -> bool:
        return len(self.values) > OPEN_GROUP_LIMIT


@dataclass
class View:
    """A specific section on top of the generic ones: a template and its rows."""

    template: str
    title: str
    rows: list[dict[str, Any]]
    extra: dict[str, Any] = field(default_factory=dict)


GRAPH_NOTES = {str(ASMK.DerivedGraph): "derived", str(ASMK.EditorialGraph): "editorial"}


def graph_notes(outgoing: list[dict[str, Term | None]]) -> dict[tuple[str, Term], str | None]:
    """Per statement: "derived" or "editorial" when only such named graphs state it, else None.

    A statement a source states is the source's, even where a rule or the editors state it too.
    """
    kinds: dict[tuple[str, Term], set[str]] = defaultdict(set)
    for row in outgoing:
        assert row["p"] is not None and row["o"] is not None
        kinds[(row["p"].value, row["o"])].add(row["graphKind"].value if row["graphKind"] else "")
    notes: dict[tuple[str, Term], str | None] = {}
    for key, found in kinds.items():
        marked = {GRAPH_NOTES[k] for k in found if k in GRAPH_NOTES}
        notes[key] = None if str(ASMK.SourceGraph) in found or not marked else min(marked)
    return notes


def editorial_only(outgoing: list[dict[str, Term | None]]) -> bool:
    """A resource the editors added: some statements are editorial and no source states any."""
    kinds = {row["graphKind"].value for row in outgoing if row["graphKind"] is not None}
    return str(ASMK.EditorialGraph) in kinds and str(ASMK.SourceGraph) not in kinds


def literal_text(value: Any, lang: str) -> str:
    if isinstance(value, bool):
        return ("yes" if value else "no") if lang == "en" else ("ja" if value else "nein")
    return str(value)


def sort_key(text: str) -> str:
    """German alphabetical order: umlauts sort with their base letter."""
    return fold_plain(text)


class Pages:
    def __init__(
        self,
        store: Store,
        queries: dict[str, NamedQuery],
        paths: ProjectPaths,
        base: str,
        search: Search,
    ) -> None:
        self.store, self.queries, self.paths, self.base, self.search = store, queries, paths, base, search
        self.terms = Terms.load(paths.ontology)
        self.root = base + "id/"

    # -- running named queries --

    def bound(self, name: str, resource: str | None, literals: dict[str, Any]) -> str:
        values: dict[str, Any] = {k: Literal(v) for k, v in literals.items()}
        if resource is not None:
            values["resource"] = URIRef(resource)
        return self.queries[f"pages/{name}"].bind(values)

    def rows(self, name: str, resource: str | None = None, **literals: Any) -> list[dict[str, Any]]:
        """Plain values: IRIs and strings as str, numbers as int, booleans as bool."""
        return self.store.select(self.bound(name, resource, literals))

    def terms_of(self, name: str, resource: str | None = None, **literals: Any) -> list[dict[str, Term | None]]:
        """RDF terms, for where an IRI must be told from a string and a label's language matters."""
        answer = self.store.answer(self.bound(name, resource, literals))
        return [dict(zip(answer.variables, row, strict=True)) for row in answer.rows]

    def render(self, request: Request, template: str, status: int = 200, **context: Any) -> Response:
        return render_page(
            request, template, self.base, status, kinds=KINDS, outcome_order=(*OUTCOME_ORDER, "none"), **context
        )

    def value(self, term: Term, label: str | None, links: Links, lang: str, note: str | None = None) -> Value:
        if term.kind == "uri":
            text = label or self.terms.label(term.value, lang) or prefixed(term.value)
            return Value(text, links.href(term.value), note=note, external=not links.is_local(term.value))
        if term.kind == "literal":
            return Value(literal_text(term.python(), lang), lang=term.lang, note=note)
        return Value(term.value, note=note)

    # -- entity pages --

    def entity(self, request: Request, iri: str) -> Response:
        lang = page_language(request)
        links = Links(self.base, lang)
        outgoing = [row for row in self.terms_of("outgoing", iri) if row["p"] and row["o"]]
        if not outgoing:
            raise HTTPException(404, f"no resource {iri}")
        labels: dict[Term, dict[str, str]] = defaultdict(dict)
        for row in outgoing:
            if row["label"] is not None and row["o"] is not None:
                labels[row["o"]].setdefault(row["label"].lang or "", row["label"].value)
        classes = sorted({row["o"].value for row in outgoing if row["p"].value == str(RDF.type)})  # type: ignore[union-attr]
        title = own_label(outgoing, lang) or iri
        path = iri[len(self.root) :] if iri.startswith(self.root) else ""
        editorial = editorial_only(outgoing)
        return self.render(
            request,
            "entity.html",
            title=title,
            iri=iri,
            path=path,
            kind=path.split("/", 1)[0],
            statements=self.statements(outgoing, labels, links, lang),
            incoming=self.incoming(iri, links, lang),
            citations=self.rows("citations", iri),
            views=self.views(iri, set(classes), lang),
            editorial=editorial,
            alternates=[(suffix, media) for suffix, media in SUFFIX_MEDIA.items() if media != "text/html"],
            jsonld=schema_org(iri, title, classes, outgoing),
        )

    def statements(
        self, outgoing: list[dict[str, Term | None]], labels: dict[Term, dict[str, str]], links: Links, lang: str
    ) -> list[Group]:
        by_property: dict[str, dict[Term, Value]] = defaultdict(dict)
        for (prop, obj), note in graph_notes(outgoing).items():
            if prop not in HIDDEN_OUTGOING:
                by_property[prop][obj] = self.value(obj, pick(labels.get(obj, {}), lang), links, lang, note)
        groups = [
            Group(prop, self.terms.property_label(prop, lang), sorted(values.values(), key=lambda v: sort_key(v.text)))
            for prop, values in by_property.items()
        ]
        first = [str(RDF.type), str(RDFS.label)]
        return sorted(groups, key=lambda g: (first.index(g.iri) if g.iri in first else 2, sort_key(g.label)))

    def incoming(self, iri: str, links: Links, lang: str) -> list[Group]:
        by_property: dict[str, dict[Term, dict[str, str]]] = defaultdict(lambda: defaultdict(dict))
        for row in self.terms_of("incoming", iri):
            link, subject, name = row["p"], row["s"], row["label"]
            if link is None or subject is None or link.value in HIDDEN_INCOMING:
                continue
            names = by_property[link.value][subject]
            if name is not None:
                names.setdefault(name.lang or "", name.value)
        groups = []
        for prop, subjects in by_property.items():
            values = [self.value(s, pick(names, lang), links, lang) for s, names in subjects.items()]
            heading = self.terms.inverse_label(prop, lang)
            groups.append(Group(prop, heading, sorted(values, key=lambda v: sort_key(v.text))))
        return sorted(groups, key=lambda g: (g.iri == str(RDF.type), sort_key(g.label)))

    def views(self, iri: str, classes: set[str], lang: str) -> list[View]:
        t = translator(lang)
        found: list[View] = []
        if classes & MEETING_CLASSES:
            rows = self.rows("meeting-resolutions", iri)
            counts = Counter(outcome_code(r["outcome"]) for r in rows)
            bars = outcome_bars([(iri, "", counts)], self.terms, lang) if rows else []
            found.append(
                View(
                    "views/meeting.html", t("Beschlüsse und Berichte", "Resolutions and reports"), rows, {"bars": bars}
                )
            )
        if str(ASMK.State) in classes:
            found += [
                View(
                    "views/resolutions.html",
                    t("Anträge dieses Landes", "Motions of this state"),
                    self.rows("state-resolutions", iri),
                    {"roles": True},
                ),
                View("views/chairs.html", t("Vorsitzjahre", "Chair years"), self.rows("chairs", iri)),
                View(
                    "views/offices.html",
                    t("Ministerinnen, Minister und weitere Ämter", "Ministers and other offices"),
                    self.rows("state-offices", iri),
                ),
            ]
        if classes & PERSON_CLASSES:
            found += [
                View("views/offices.html", t("Ämter", "Offices"), self.rows("person-offices", iri), {"person": True}),
                View("views/chairs.html", t("Vorsitz der ASMK", "ASMK chair"), self.rows("chairs", iri)),
            ]
        if str(ASMK.Topic) in classes:
            found.append(
                View(
                    "views/resolutions.html",
                    t("Beschlüsse zu diesem Thema", "Resolutions on this topic"),
                    self.rows("topic-resolutions", iri),
                )
            )
        if str(ASMK.SourceDocument) in classes:
            found.append(
                View(
                    "views/source.html",
                    t("Angaben, die diese Quelle belegt", "Statements this source supports"),
                    self.rows("source-statements", iri),
                )
            )
        for view in found:
            for row in view.rows:
                for key in ("initiators", "cosponsors"):
                    if key in row:
                        row[key] = [(iri, self.state_names.get(iri, iri)) for iri in (row[key] or "").split()]
                if "outcome" in row:
                    row["outcomeCode"] = outcome_code(row["outcome"])
                    row["outcomeLabel"] = self.terms.label(row["outcome"], lang) if row["outcome"] else None
        if str(ASMK.Resolution) in classes:
            found.insert(0, self.decision(iri, lang))
        return [v for v in found if v.rows]

    @cached_property
    def state_names(self) -> dict[str, str]:
        return {row["state"]: row["label"] for row in self.rows("state-activity")}

    @cached_property
    def states_by_code(self) -> dict[str, tuple[str, str]]:
        return {row["code"]: (row["state"], row["label"]) for row in self.rows("state-activity")}

    def decision(self, iri: str, lang: str) -> View:
        """How a resolution came about, as the REST API gives it (the same named query)."""
        t = translator(lang)
        query = self.queries["api/resolutions"].bind({}, {"match": [URIRef(iri)]})
        rows = [resolution_item(row) for row in self.store.select(query)]
        for row in rows:
            for key in ("initiators", "cosponsors"):
                row[key] = [self.states_by_code.get(code, (code, code)) for code in row[key]]
            row["leadState"] = [self.states_by_code.get(c, (c, c)) for c in (row["leadState"] or "").split()]
            row["positions"] = [
                (*self.states_by_code.get(p["state"], (p["state"], p["state"])), p["option"]) for p in row["positions"]
            ]
            row["voteCounts"] = sorted((row["voteCounts"] or {}).items())
            outcome = str(ASMK[row["outcome"]]) if row["outcome"] else None
            row["outcomeCode"] = row["outcome"] or "none"
            row["outcomeLabel"] = self.terms.label(outcome, lang) if outcome else None
            for demand in row["demands"]:
                demand["kind"] = self.terms.label(str(ASMK[demand["kind"]]), lang) or demand["kind"]
        return View(
            "views/decision.html", t("Beratung, Abstimmung und Beschlusspunkte", "Motion, vote and demands"), rows
        )

    # -- index pages --

    def members(self, kind: str) -> list[dict[str, Any]]:
        """The resources of one kind (all kinds for ""), one entry each, with label and date."""
        entries: dict[str, dict[str, Any]] = {}
        for row in self.terms_of("resources", prefix=f"{self.root}{kind}/" if kind else self.root):
            iri, label, date = row["id"], row["label"], row["date"] or row["year"]
            if iri is None:
                continue
            entry = entries.setdefault(iri.value, {"id": iri.value, "label": None, "classes": set(), "date": None})
            if row["class"] is not None:
                entry["classes"].add(row["class"].value)
            if label is not None and (entry["label"] is None or label.lang == "de"):
                entry["label"] = label.value
            if date is not None and not entry["date"]:
                entry["date"] = date.value
        return sorted(entries.values(), key=lambda e: (e["date"] or "", sort_key(e["label"] or e["id"])))

    def index_page(self, request: Request, kind: str) -> Response:
        lang = page_language(request)
        if kind and kind not in KINDS:
            raise HTTPException(404, f"no kind of resource /id/{kind}/; known: {', '.join(KINDS)}")
        entries = self.members(kind)
        if not kind:
            return self.render(request, "kinds.html", counts=self.kind_counts(entries))
        links = Links(self.base, lang)
        for entry in entries:
            entry["classes"] = sorted({self.terms.label(c, lang) or prefixed(c) for c in entry["classes"]})
            entry["href"] = links.href(entry["id"])
        if kind not in ("conference", "chair"):  # those read best in time order
            entries.sort(key=lambda e: sort_key(e["label"] or e["id"]))
        return self.render(request, "index.html", kind=kind, entries=entries, **self.pictures(kind, lang))

    def kind_counts(self, entries: list[dict[str, Any]]) -> Counter[str]:
        return Counter(e["id"][len(self.root) :].split("/", 1)[0] for e in entries)

    def pictures(self, kind: str, lang: str) -> dict[str, Any]:
        if kind == "conference":
            return {"bars": self.all_outcome_bars(lang)}
        if kind == "state":
            return {"tiles": self.state_tiles()}
        if kind == "chair":
            return {"timeline": self.chair_timeline()}
        return {}

    # -- pictures --

    def all_outcome_bars(self, lang: str) -> list[dict[str, Any]]:
        meetings: dict[str, tuple[str, Counter[str]]] = {}
        for row in self.rows("outcomes"):
            _, counts = meetings.setdefault(row["meeting"], (row["label"], Counter()))
            counts[outcome_code(row["outcome"])] += row["count"]
        return outcome_bars([(m, label, counts) for m, (label, counts) in meetings.items()], self.terms, lang)

    def state_tiles(self) -> list[dict[str, Any]]:
        rows = self.rows("state-activity")
        most = max([r["initiatives"] + r["cosponsorships"] for r in rows] + [1])
        tiles = []
        for position, row in enumerate(rows):
            column, line = TILES.get(row["code"], (4, position))
            share = (row["initiatives"] + row["cosponsorships"]) / most
            tiles.append({**row, "x": column * 150, "y": line * 92, "level": round(share * 4)})
        return tiles

    def chair_timeline(self) -> list[dict[str, Any]]:
        years: dict[str, dict[str, Any]] = {}
        for row in self.rows("chairs"):
            year = years.setdefault(
                str(row["year"]),
                {
                    "year": str(row["year"]),
                    "term": row["term"],
                    "state": row["state"],
                    "stateLabel": row["stateLabel"],
                    "persons": [],
                },
            )
            if row["person"] and all(p["person"] != row["person"] for p in year["persons"]):
                year["persons"].append(row)
        timeline = sorted(years.values(), key=lambda y: y["year"])
        for position, year in enumerate(timeline):
            year["x"] = position * 190
        return timeline

    # -- landing page --

    def landing(self, request: Request) -> Response:
        if not wants_html(request, "application/json"):
            return JSONResponse(service_index())
        lang = page_language(request)
        entries = self.members("")
        conferences = [e for e in entries if e["id"].startswith(self.root + "conference/")]
        dataset = [row for row in self.terms_of("outgoing", self.root + "dataset") if row["p"] and row["o"]]
        facts: dict[str, list[Term]] = defaultdict(list)
        for row in dataset:
            facts[row["p"].value].append(row["o"])  # type: ignore[union-attr,arg-type]
        descriptions = {t.lang or "": t.value for t in facts[str(DCTERMS.description)]}
        return self.render(
            request,
            "landing.html",
            title=own_label(dataset, lang) or "ASMK",
            description=pick(descriptions, lang),
            licence=next((t.value for t in facts[str(DCTERMS.license)]), None),
            sources=self.members("source"),
            counts=self.kind_counts(entries),
            entry_points=ENTRY_POINTS,
            latest=max(conferences, key=lambda e: e["date"] or "", default=None),
            dumps=self.dumps(),
            bars=self.all_outcome_bars(lang),
            tiles=self.state_tiles(),
            timeline=self.chair_timeline(),
            dataset_iri=self.root + "dataset",
            year=max((e["date"][:4] for e in conferences if e["date"]), default=""),
        )

    def dumps(self) -> list[dict[str, Any]]:
        graph_dir = self.paths.graph_dir
        digests = read_checksums((graph_dir / CHECKSUMS).read_text(encoding="utf-8"))
        return [
            {"name": n, "bytes": (graph_dir / n).stat().st_size, "sha256": digests.get(n, "")}
            for n in DUMP_NAMES
            if (graph_dir / n).exists()
        ]

    # -- the vocabulary --

    def vocabulary(self, request: Request, ontology: Graph) -> Response:
        """The ontology for people: its classes, properties and concepts with labels and definitions."""
        lang = page_language(request)
        links = Links(self.base, lang)

        def term(iri: URIRef) -> dict[str, Any]:
            definitions = {
                d.language or "": str(d) for d in ontology.objects(iri, SKOS.definition) if isinstance(d, Literal)
            }

            def linked(prop: URIRef) -> list[Value]:
                return [self.value(Term("uri", str(o)), None, links, lang) for o in ontology.objects(iri, prop)]

            return {
                "id": str(iri).rsplit("#", 1)[-1],
                "iri": str(iri),
                "label": self.terms.label(str(iri), lang) or prefixed(str(iri)),
                "definition": pick(definitions, lang),
                "parents": linked(RDFS.subClassOf) + linked(RDFS.subPropertyOf),
                "domain": linked(RDFS.domain),
                "range": linked(RDFS.range),
            }

        def own(kind: URIRef) -> list[dict[str, Any]]:
            found = [
                s for s in ontology.subjects(RDF.type, kind) if isinstance(s, URIRef) and str(s).startswith(str(ASMK))
            ]
            return sorted((term(s) for s in found), key=lambda t: sort_key(t["label"]))

        sections = [
            (("Klassen", "Classes"), own(OWL.Class)),
            (("Beziehungen", "Object properties"), own(OWL.ObjectProperty)),
            (("Merkmale", "Datatype properties"), own(OWL.DatatypeProperty)),
            (("Begriffe", "Concepts"), own(SKOS.Concept)),
        ]
        return self.render(request, "vocabulary.html", sections=sections)

    # -- search page --

    def search_page(self, request: Request, q: str, kind: str) -> Response:
        links = Links(self.base, page_language(request))
        hits = self.search.search(q, (kind,) if kind else ()) if q.strip() else []
        results = [
            {
                "href": links.href(hit.id),
                "kind": hit.kind,
                "label_pieces": highlight(hit.label, q),
                "text_pieces": highlight(excerpt(hit.text, q), q),
            }
            for hit in hits[:200]
        ]
        every_kind = self.search.search(q) if q.strip() and kind else hits
        return self.render(
            request,
            "search.html",
            q=q,
            kind=kind,
            results=results,
            total=len(hits),
            kinds_found=Counter(h.kind for h in every_kind),
        )


def own_label(rows: list[dict[str, Term | None]], lang: str) -> str | None:
    names = {
        row["o"].lang or "": row["o"].value
        for row in rows
        if row["p"] and row["o"] and row["p"].value in NAME_PROPERTIES
    }
    return pick(names, lang)


def schema_org(iri: str, title: str, classes: list[str], outgoing: list[dict[str, Term | None]]) -> str:
    """JSON-LD (schema.org) for search engines, safe to embed in a <script> element."""
    types = sorted({SCHEMA_TYPES[c] for c in classes if c in SCHEMA_TYPES}) or ["Thing"]
    doc: dict[str, Any] = {"@context": "https://schema.org", "@id": iri, "@type": types[0], "name": title, "url": iri}
    for row in outgoing:
        key = SCHEMA_PROPERTIES.get(row["p"].value) if row["p"] else None
        if key and row["o"] is not None and row["o"].value not in doc.setdefault(key, []):
            doc[key].append(row["o"].value)
    for key, value in list(doc.items()):
        if isinstance(value, list) and len(value) == 1:
            doc[key] = value[0]
    return json.dumps(doc, ensure_ascii=False, sort_keys=True).replace("<", "\\u003c")


def translator(lang: str) -> Callable[[str, str], str]:
    return lambda german, english: english if lang == "en" else german


def outcome_code(outcome: Any) -> str:
    if not outcome:
        return "none"
    return str(outcome).rsplit("#", 1)[-1]


def outcome_bars(meetings: Iterable[tuple[str, str, Counter[str]]], terms: Terms, lang: str) -> list[dict[str, Any]]:
    """Stacked bar segments per meeting: outcome, count, x offset and width in SVG units (of 600)."""
    bars = []
    for position, (meeting, label, counts) in enumerate(meetings):
        total = sum(counts.values())
        x = 0.0
        segments = []
        for code in (*OUTCOME_ORDER, "none"):
            if counts.get(code):
                width = 600 * counts[code] / total
                name = terms.label(str(ASMK[code]), lang) if code != "none" else None
                segments.append(
                    {
                        "code": code,
                        "count": counts[code],
                        "x": round(x, 1),
                        "width": round(width, 1),
                        "label": name or code,
                    }
                )
                x += width
        bars.append({"meeting": meeting, "label": label, "total": total, "segments": segments, "y": position * 44})
    return bars


def excerpt(text: str, q: str, width: int = 240) -> str:
    """A window of text around the first word the query found."""
    pieces = highlight(text, q)
    offset = 0
    for piece, hit in pieces:
        if hit:
            break
        offset += len(piece)
    else:
        offset = 0
    start = max(0, offset - width // 3)
    end = start + width
    return ("… " if start else "") + text[start:end].strip() + (" …" if end < len(text) else "")


def service_index() -> dict[str, Any]:
    """What the landing page answers machines: the entry points of the service."""
    api = ("conferences", "states", "chairs", "persons", "resolutions", "bodies", "sources")
    return {
        "api": [f"/api/{r}" for r in api],
        "sparql": SPARQL_PATH,
        "linkedData": ["/id/", "/ontology", "/shapes"],
        "dumps": [f"/dumps/{n}" for n in DUMP_NAMES],
        "catalog": "/catalog",
        "void": "/.well-known/void",
        "reconcile": "/reconcile",
        "search": "/search",
        "docs": "/docs",
        "health": "/health",
    }


def pages_router(pages: Pages) -> APIRouter:
    router = APIRouter(include_in_schema=False)

    @router.get("/")
    def landing(request: Request) -> Response:
        return pages.landing(request)

    @router.get("/id/")
    def kinds(request: Request) -> Response:
        return pages.index_page(request, "")

    @router.get("/id/{kind}/")
    def index(request: Request, kind: str) -> Response:
        return pages.index_page(request, kind)

    @router.get("/search")
    def search(request: Request, q: str = "", kind: str = "") -> Response:
        return pages.search_page(request, q, kind)

    return router
