"""The shapes of the /api answers, for /openapi.json (web/openapi.py) and its readers.

Each field says what it is and where it stands in the graph: the property its JSON-LD context maps
it to, or why it is not in the graph (rest.NOT_IN_GRAPH). A field whose value no source states is
null in JSON and absent in JSON-LD, so no field but `id` is required.
"""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, ConfigDict, Field


class Item(BaseModel):
    model_config = ConfigDict(extra="allow")  # JSON-LD adds "@context"; later fields do not break readers


Marks: Any = Field(
    [], description="keys whose values no source states: a declared rule derives them (docs/provenance.md)"
)
EditorialMarks: Any = Field([], description="keys whose values the project adds (docs/provenance.md)")


Iri = Field(description="the resource's IRI (JSON-LD @id)")


class State(Item):
    id: str = Iri
    code: str | None = Field(None, description="ISO 3166-2 code (asmk:isoCode)", examples=["DE-BW"])
    name: str | None = Field(None, description="German name (rdfs:label @de)")
    nameEn: str | None = Field(None, description="English name (rdfs:label @en)")
    wikidata: str | None = Field(None, description="Wikidata item (asmk:wikidataId)")
    nuts: str | None = Field(None, description="NUTS-1 code (asmk:nutsCode)")
    ars: str | None = Field(None, description="Amtlicher Regionalschlüssel (asmk:ars)")


class Chair(BaseModel):
    state: str = Field(description="ISO 3166-2 code of the chairing state")
    name: str = Field(description="its name")


class AgendaItem(BaseModel):
    number: str | None = Field(None, description="TOP number (asmk:topNumber)")
    label: str | None = Field(None, description="rdfs:label")


class Addressee(BaseModel):
    id: str | None = None
    name: str | None = None


class Demand(BaseModel):
    text: str | None = Field(None, description="what is asked, in the project's words (rdfs:label)")
    kind: str | None = Field(None, description="asmk:demandKind, by its notation")
    addressee: Addressee | None = Field(None, description="asmk:addressee")


class Position(BaseModel):
    state: str | None = Field(None, description="ISO code of the voting state")
    option: str | None = Field(None, description="how it voted (notation)")


class Resolution(Item):
    id: str = Iri
    kind: str | None = Field(None, description="resolution or report (rdf:type)")
    title: str | None = Field(None, description="rdfs:label @de")
    officialTitle: str | None = Field(None, description="asmk:officialTitle @de")
    summary: str | None = Field(None, description="own-words summary (dcterms:abstract @de)")
    conference: int | None = Field(None, description="number of the meeting that adopted it (not in the graph)")
    year: int | None = Field(None, description="year of that meeting (not in the graph)")
    agendaItem: AgendaItem | None = Field(None, description="the agenda item that considered the motion")
    outcome: str | None = Field(None, description="outcome of the vote, by its notation; null: none stated")
    voteCounts: dict[str, int] | None = Field(None, description="votes by option, where a source counts them")
    positions: list[Position] = Field([], description="how each state voted, where stated")
    initiators: list[str] = Field([], description="ISO codes of the states that moved the motion")
    cosponsors: list[str] = Field([], description="ISO codes of the co-sponsoring states")
    leadState: str | None = Field(None, description="ISO code of the reporting state (asmk:leadState)")
    allStates: bool | None = Field(None, description="an all-states motion; null: not stated")
    demands: list[Demand] = Field([], description="what the resolution asks, of whom")
    topics: list[str] = Field([], description="topic notations (dcterms:subject)")
    editorialNote: str | None = Field(None, description="the project's note (skos:editorialNote @de)")
    sources: list[str] = Field([], description="source documents (dcterms:source)")
    derived: list[str] = Marks
    editorial: list[str] = EditorialMarks


class Conference(Item):
    id: str = Iri
    number: int | None = Field(None, description="ordinal number (asmk:number)")
    kind: str | None = Field(None, description="main, special or heads-of-office (rdf:type)")
    label: str | None = Field(None, description="rdfs:label @de")
    year: int | None = Field(None, description="asmk:year")
    startDate: str | None = Field(None, description="schema:startDate (xsd:date)")
    endDate: str | None = Field(None, description="schema:endDate (xsd:date)")
    place: str | None = Field(None, description="name of the place (not in the graph as such: its label)")
    plannedPlace: str | None = Field(None, description="name of the planned place (label, not in the graph)")
    virtual: bool | None = Field(None, description="asmk:virtual")
    chair: Chair | None = Field(None, description="the chairing state (not in the graph as such)")
    resolutionCount: int | None = Field(None, description="how many resolutions it adopted (counted)")
    derived: list[str] = Marks
    editorial: list[str] = EditorialMarks


class ConferenceDetail(Conference):
    resolutions: list[Resolution] = Field([], description="what it adopted (asmk:adoptedAt, reversed)")


class ChairHolding(BaseModel):
    model_config = ConfigDict(extra="allow")
    id: str | None = Field(None, description="the holding's IRI")
    person: str | None = Field(None, description="who exercised the chair (org:member)")
    name: str | None = Field(None, description="their name (not in the graph on the holding)")
    from_: str | None = Field(None, alias="from", description="first day (asmk:heldFrom)")
    until: str | None = Field(None, description="first day no longer held (asmk:heldUntil, exclusive)")
    office: str | None = Field(None, description="the post it was exercised through (asmk:viaOffice)")
    derived: list[str] = Marks
    editorial: list[str] = EditorialMarks


class ChairTerm(Item):
    id: str = Iri
    year: int | None = Field(None, description="asmk:year")
    state: str | None = Field(None, description="ISO code of the state holding the chair (org:member)")
    from_: str | None = Field(None, alias="from", description="first day (asmk:heldFrom)")
    until: str | None = Field(None, description="first day no longer held (asmk:heldUntil, exclusive)")
    persons: list[ChairHolding] = Field([], description="who exercised it, when stated (asmk:chairTerm, reversed)")
    derived: list[str] = Marks
    editorial: list[str] = EditorialMarks


class Office(BaseModel):
    model_config = ConfigDict(extra="allow")
    id: str | None = Field(None, description="the post's IRI")
    label: str | None = Field(None, description="the post's rdfs:label @de")
    titles: list[str] = Field([], description="the titles the sources give the holding (asmk:officeTitle)")
    state: str | None = Field(None, description="ISO code of the state (not in the graph on the office)")
    startDate: str | None = Field(None, description="schema:startDate")
    endDate: str | None = Field(None, description="schema:endDate")
    attestedOn: str | None = Field(None, description="asmk:attestedOn")


class Person(Item):
    id: str = Iri
    name: str | None = Field(None, description="foaf:name")
    honorificPrefix: str | None = Field(None, description="schema:honorificPrefix")
    honorificSuffix: str | None = Field(None, description="schema:honorificSuffix")
    offices: list[Office] = Field([], description="the posts held (not in the graph as such: over org:hasMembership)")


class Body(Item):
    id: str = Iri
    name: str | None = Field(None, description="rdfs:label @de")
    abbreviation: str | None = Field(None, description="asmk:abbreviation")
    relation: str | None = Field(None, description="how the conference takes part (not in the graph on the body)")
    partOf: str | None = Field(None, description="org:subOrganizationOf")


class Source(Item):
    id: str = Iri
    key: str | None = Field(None, description="dcterms:identifier")
    title: str | None = Field(None, description="its own title, where it has one (dcterms:title @de)")
    shortTitle: str | None = Field(None, description="dcterms:alternative @de")
    label: str | None = Field(None, description="rdfs:label @de")
    number: str | None = Field(None, description="asmk:documentNumber")
    publisher: str | None = Field(None, description="the publisher's name (not in the graph on the source)")
    addressedTo: str | None = Field(None, description="whom it is addressed to (a label; not on the source)")
    audience: str | None = Field(None, description="its audience (a label; not on the source)")
    date: str | None = Field(None, description="dcterms:date")
    dateNote: str | None = Field(None, description="why there is no date, or what is known of it (asmk:dateNote)")
    kind: str | None = Field(None, description="dcterms:type, by its notation")
    file: str | None = Field(None, description="asmk:fileName")
    sha256: str | None = Field(None, description="asmk:sha256")
    urls: list[str] = Field([], description="the URLs it names (dcterms:references)")


class Links(BaseModel):
    self_: str | None = Field(None, alias="self")
    next: str | None = None
    prev: str | None = None


def page_of(item: type[BaseModel]) -> type[BaseModel]:
    """The listing envelope around item (not in the graph: the page, not the data)."""
    fields: dict[str, Any] = {
        "items": (list[item], Field(description="this page's items (JSON-LD @graph)")),  # type: ignore[valid-type]
        "total": (int | None, Field(None, description="items in the whole listing")),
        "limit": (int | None, Field(None, description="page size")),
        "offset": (int | None, Field(None, description="index of the page's first item")),
        "links": (Links | None, Field(None, description="self, next and prev pages")),
    }
    from pydantic import create_model

    model: type[BaseModel] = create_model(f"{item.__name__}Page", __base__=Item, **fields)
    return model


# /api route -> the model of its answer
API_MODELS: dict[str, type[BaseModel]] = {
    "/api/states": page_of(State),
    "/api/conferences": page_of(Conference),
    "/api/conferences/{number}": ConferenceDetail,
    "/api/resolutions": page_of(Resolution),
    "/api/chairs": page_of(ChairTerm),
    "/api/persons": page_of(Person),
    "/api/bodies": page_of(Body),
    "/api/sources": page_of(Source),
}
