"""REST resources under /api/: one named query each (queries/api/), JSON or JSON-LD.

Plain JSON answers carry a Link header to the resource's published @context (JSON-LD 1.1,
section 6.1), and `Accept: application/ld+json` gets the same body with "@context" inline by
reference. A context maps a key to a property only where the key's values are exactly the values
the graph states for that property, so a JSON-LD client reads from /api/ exactly the graph's
triples for those keys (tested with pyld, in JSON-LD 1.1 and 1.0 mode, and with Jena).

What no source states is null (or an empty list). A value that no source states but a rule
derives, or that the project adds, is still given, and its key is listed in the object's
`derived` or `editorial` list (docs/provenance.md); those two keys are mapped to null.
"""

from __future__ import annotations

import json
import re
from collections import defaultdict
from collections.abc import Callable
from typing import Annotated, Any

from fastapi import APIRouter, HTTPException, Query, Request
from fastapi.responses import Response
from rdflib import Literal, URIRef
from starlette.datastructures import URL

from ..queries import NamedQuery
from ..store.stores import Store
from .linked_data import negotiate
from .search import Search, query_words

OUTCOMES = ("unanimous", "large-majority", "majority", "agreed", "unstated")  # unstated: none stated
SOURCE_GRAPH, DERIVED_GRAPH, EDITORIAL_GRAPH = (
    f"https://w3id.org/asmk/def#{k}Graph" for k in ("Source", "Derived", "Editorial")
)
STATE_CODE = re.compile(r"^DE-[A-Z]{2}$")
JSON_MEDIA = ("application/json", "application/ld+json")

Limit = Annotated[int, Query(ge=1, le=1000, description="page size")]
Offset = Annotated[int, Query(ge=0, description="index of the first item")]

# The contexts are JSON-LD 1.0 (no "@version"), so that 1.0 processors read them too: they use only
# term definitions, keyword aliases, @language, @type coercion (@id, @vocab, datatypes), @reverse and
# @set. Every key of every answer is in its resource's context: mapped to the property whose
# values it holds exactly (tested against the store), or to null, with the reason in NOT_IN_GRAPH.
_BASE_CONTEXT: dict[str, Any] = {
    "asmk": "https://w3id.org/asmk/def#",
    "dcterms": "http://purl.org/dc/terms/",
    "foaf": "http://xmlns.com/foaf/0.1/",
    "org": "http://www.w3.org/ns/org#",
    "rdfs": "http://www.w3.org/2000/01/rdf-schema#",
    "schema": "https://schema.org/",
    "skos": "http://www.w3.org/2004/02/skos/core#",
    "xsd": "http://www.w3.org/2001/XMLSchema#",
    "id": "@id",
    "items": "@graph",
    "total": None,
    "limit": None,
    "offset": None,
    "links": None,
    "derived": None,
    "editorial": None,
}
# keys whose values are not a property of the object they sit on: a label reached over a link, a
# count, a value of another node (the motion, the vote, the meeting). Mapped to null; the reason
# is what the API documentation says.
NOT_IN_GRAPH = {
    "total": "the number of items in the listing, not data",
    "limit": "the page size, not data",
    "offset": "the index of the page's first item, not data",
    "links": "links between the pages of a listing, not data",
    "derived": "the keys whose values a rule derives (docs/provenance.md), not data",
    "editorial": "the keys whose values the project adds (docs/provenance.md), not data",
    "place": "rdfs:label of the meeting's schema:location",
    "plannedPlace": "rdfs:label of the meeting's asmk:plannedLocation",
    "chair": "the state holding asmk:underChair and its label",
    "resolutionCount": "how many resolutions name the meeting with asmk:adoptedAt (counted)",
    "conference": "asmk:number of the meeting the resolution was adopted at (asmk:adoptedAt)",
    "year": "asmk:year of the meeting the resolution was adopted at",
    "agendaItem": "the agenda item (asmk:considers) of the motion that resulted in the resolution",
    "outcome": "asmk:outcome of the vote (asmk:onMotion) on the motion that resulted in the resolution",
    "voteCounts": "asmk:voteCount of that vote, by option",
    "positions": "asmk:position of that vote, by state",
    "initiators": "asmk:initiator of the motion that resulted in the resolution",
    "cosponsors": "asmk:cosponsor of that motion",
    "allStates": "asmk:allStatesMotion of that motion",
    "demands": "the resolution's asmk:demand nodes (text, kind, addressee, position)",
    "name": "foaf:name of the person (org:member) who held the chair",
    "offices": "the posts held (asmk:office of each org:hasMembership), with the holding's dates",
    "relation": "the property linking the conference to the body (e.g. asmk:engagedIn)",
    "publisher": "rdfs:label of the source's dcterms:publisher",
    "addressedTo": "rdfs:label of the source's asmk:addressedTo",
    "audience": "rdfs:label of the source's dcterms:audience",
}
# the kinds the API queries name by class (queries/api/conferences.rq, resolutions.rq)
KIND_CLASSES = {
    "main": "asmk:MainConference",
    "special": "asmk:SpecialConference",
    "heads-of-office": "asmk:HeadsOfOfficeConference",
    "resolution": "asmk:Resolution",
    "report": "asmk:Report",
}


def _not_in_graph(*keys: str) -> dict[str, None]:
    return dict.fromkeys(keys)


_RESOLUTION_TERMS: dict[str, Any] = {
    "kind": "@type",
    "title": {"@id": "rdfs:label", "@language": "de"},
    "officialTitle": {"@id": "asmk:officialTitle", "@language": "de"},
    "summary": {"@id": "dcterms:abstract", "@language": "de"},
    "leadState": {"@id": "asmk:leadState", "@type": "@vocab"},
    "topics": {"@id": "dcterms:subject", "@type": "@vocab", "@container": "@set"},
    "editorialNote": {"@id": "skos:editorialNote", "@language": "de"},
    "sources": {"@id": "dcterms:source", "@type": "@id", "@container": "@set"},
    **_not_in_graph(
        "conference", "year", "agendaItem", "outcome", "voteCounts", "positions", "initiators", "cosponsors",
        "allStates", "demands",
    ),
}  # fmt: skip
# per resource, because the same key ("name") means foaf:name for persons and rdfs:label elsewhere;
# values that are codes (states, topics, kinds) are terms of the context (@type: @vocab)
CONTEXTS: dict[str, dict[str, Any]] = {
    "states": {
        "code": "asmk:isoCode",
        "name": {"@id": "rdfs:label", "@language": "de"},
        "nameEn": {"@id": "rdfs:label", "@language": "en"},
        "wikidata": "asmk:wikidataId",
        "nuts": "asmk:nutsCode",
        "ars": "asmk:ars",
    },
    "conferences": {
        **_RESOLUTION_TERMS,
        "label": {"@id": "rdfs:label", "@language": "de"},
        "number": {"@id": "asmk:number", "@type": "xsd:integer"},
        "year": {"@id": "asmk:year", "@type": "xsd:integer"},
        "startDate": {"@id": "schema:startDate", "@type": "xsd:date"},
        "endDate": {"@id": "schema:endDate", "@type": "xsd:date"},
        "virtual": "asmk:virtual",
        "resolutions": {"@reverse": "asmk:adoptedAt"},
        **_not_in_graph("place", "plannedPlace", "chair", "resolutionCount"),
    },
    "resolutions": dict(_RESOLUTION_TERMS),
    "chairs": {
        "year": {"@id": "asmk:year", "@type": "xsd:integer"},
        "state": {"@id": "org:member", "@type": "@vocab"},
        "from": {"@id": "asmk:heldFrom", "@type": "xsd:date"},
        "until": {"@id": "asmk:heldUntil", "@type": "xsd:date"},
        "persons": {"@reverse": "asmk:chairTerm"},
        "person": {"@id": "org:member", "@type": "@id"},
        "office": {"@id": "asmk:viaOffice", "@type": "@id"},
        **_not_in_graph("name"),
    },
    "persons": {
        "name": "foaf:name",
        "honorificPrefix": "schema:honorificPrefix",
        "honorificSuffix": "schema:honorificSuffix",
        **_not_in_graph("offices"),
    },
    "bodies": {
        "name": {"@id": "rdfs:label", "@language": "de"},
        "abbreviation": "asmk:abbreviation",
        "partOf": {"@id": "org:subOrganizationOf", "@type": "@id"},
        **_not_in_graph("relation"),
    },
    "sources": {
        "key": "dcterms:identifier",
        "title": {"@id": "dcterms:title", "@language": "de"},
        "shortTitle": {"@id": "dcterms:alternative", "@language": "de"},
        "label": {"@id": "rdfs:label", "@language": "de"},
        "number": "asmk:documentNumber",
        "date": {"@id": "dcterms:date", "@type": "xsd:date"},
        "dateNote": {"@id": "asmk:dateNote", "@language": "de"},
        "kind": {"@id": "dcterms:type", "@type": "@vocab"},
        "file": "asmk:fileName",
        "sha256": "asmk:sha256",
        "urls": {"@id": "dcterms:references", "@type": "@id", "@container": "@set"},
        **_not_in_graph("publisher", "addressedTo", "audience"),
    },
}


def context_document(resource: str, value_terms: dict[str, str]) -> dict[str, Any]:
    """The resource's @context; value_terms: the codes and notations the answers use, with their IRIs."""
    return {"@context": {**_BASE_CONTEXT, **KIND_CLASSES, **value_terms, **CONTEXTS[resource]}}


def split(value: str | None) -> list[str]:
    return sorted(value.split()) if value else []


def public(request: Request, public_url: str) -> URL:
    """The request's URL on the configured public base URL, whatever the Host header said."""
    return URL(public_url + request.url.path + (f"?{request.url.query}" if request.url.query else ""))


def page(request: Request, items: list[dict[str, Any]], limit: int, offset: int, public_url: str) -> dict[str, Any]:
    total, url = len(items), public(request, public_url)
    links = {"self": str(url)}
    if offset + limit < total:
        links["next"] = str(url.include_query_params(offset=offset + limit, limit=limit))
    if offset > 0:
        links["prev"] = str(url.include_query_params(offset=max(0, offset - limit), limit=limit))
    return {"items": items[offset : offset + limit], "total": total, "limit": limit, "offset": offset, "links": links}


def graph_kind(kinds: str | None) -> str | None:
    """'derived' or 'editorial' for a value no source graph holds; None when a source states it."""
    found = set((kinds or "").split())
    if not found or SOURCE_GRAPH in found:
        return None
    return "derived" if DERIVED_GRAPH in found else "editorial" if EDITORIAL_GRAPH in found else None


def marked(item: dict[str, Any], kinds_by_key: dict[str, str | None]) -> dict[str, Any]:
    """item with its `derived` and `editorial` lists: the keys whose values no source states."""
    marks: dict[str, list[str]] = {"derived": [], "editorial": []}
    for key, kinds in kinds_by_key.items():
        kind = graph_kind(kinds)
        if kind and item.get(key) not in (None, [], {}):
            marks[kind].append(key)
    return {**item, **marks}


def lines(value: str | None) -> list[list[str]]:
    """A GROUP_CONCAT of tab-separated fields, one record a line."""
    return [line.split("\t") for line in value.split("\n")] if value else []


def conference_item(row: dict[str, Any]) -> dict[str, Any]:
    chair = {"state": row["chairState"], "name": row["chairName"]} if row["chairState"] else None
    item = {
        "id": row["id"],
        "number": row["number"],
        "kind": row["kind"],
        "label": row["label"],
        "year": row["year"],
        "startDate": row["startDate"],
        "endDate": row["endDate"],
        "place": row["place"],
        "plannedPlace": row["plannedPlace"],
        "virtual": row["virtual"],
        "chair": chair,
        "resolutionCount": row["resolutionCount"],
    }
    return marked(item, {"year": row["yearGraphs"], "chair": row["chairGraphs"]})


def demands(value: str | None) -> list[dict[str, Any]]:
    result = []
    for _position, kind, addressee, name, text in sorted(lines(value), key=lambda f: int(f[0])):
        result.append({"text": text, "kind": kind, "addressee": {"id": addressee, "name": name} if addressee else None})
    return result


def resolution_item(r: dict[str, Any]) -> dict[str, Any]:
    agenda = {"number": r["agendaNumber"], "label": r["agendaLabel"]}
    counts = {option: int(count) for option, count in lines(r["counts"])}
    item = {
        "id": r["id"],
        "kind": r["kind"],
        "title": r["title"],
        "officialTitle": r["officialTitle"],
        "summary": r["summary"],
        "conference": r["conference"],
        "year": r["year"],
        "agendaItem": agenda if any(agenda.values()) else None,
        "outcome": r["outcome"],
        "voteCounts": counts or None,
        "positions": [{"state": state, "option": option} for state, option in sorted(lines(r["positions"]))],
        "initiators": split(r["initiators"]),
        "cosponsors": split(r["cosponsors"]),
        "leadState": r["leadState"] or None,
        "allStates": r["allStates"],
        "demands": demands(r["demands"]),
        "topics": split(r["topics"]),
        "editorialNote": r["editorialNote"],
        "sources": split(r["sources"]),
    }
    item = marked(item, {"year": r["yearGraphs"], "topics": r["topicGraphs"]})
    if item["editorialNote"]:
        item["editorial"].append("editorialNote")
    return item


def chair_items(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    by_year: dict[int, dict[str, Any]] = {}
    for r in rows:
        if r["year"] not in by_year:
            term = {
                "id": r["id"],
                "year": r["year"],
                "state": r["state"],
                "from": r["termFrom"],
                "until": r["termUntil"],
            }
            by_year[r["year"]] = {**marked(term, {"from": r["fromGraphs"], "until": r["untilGraphs"]}), "persons": []}
        if r["person"]:
            holding = {"id": r["holding"], "person": r["person"], "name": r["name"]}
            person = {**holding, "from": r["from"], "until": r["until"], "office": r["office"]}
            kinds = r["personGraphs"]
            by_year[r["year"]]["persons"].append(marked(person, {"name": kinds, "office": kinds}))
    return list(by_year.values())


def person_items(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    by_id: dict[str, dict[str, Any]] = {}
    offices: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for r in rows:
        by_id.setdefault(
            r["id"],
            {
                "id": r["id"],
                "name": r["name"],
                "honorificPrefix": r["honorificPrefix"],
                "honorificSuffix": r["honorificSuffix"],
                "offices": offices[r["id"]],
            },
        )
        if r["office"]:
            offices[r["id"]].append(
                {
                    "id": r["office"],
                    "label": r["officeLabel"],
                    "titles": sorted(r["titles"].split("|")) if r["titles"] else [],
                    "state": r["state"],
                    "startDate": r["startDate"],
                    "endDate": r["endDate"],
                    "attestedOn": r["attested"],
                }
            )
    return list(by_id.values())


def source_item(r: dict[str, Any]) -> dict[str, Any]:
    return {**r, "urls": split(r["urls"])}


def without_nulls(value: Any) -> Any:
    """JSON-LD reads null as 'no value' anyway; leaving them out keeps documents small."""
    if isinstance(value, dict):
        return {k: without_nulls(v) for k, v in value.items() if v is not None}
    if isinstance(value, list):
        return [without_nulls(v) for v in value]
    return value


def rest_router(store: Store, queries: dict[str, NamedQuery], search: Search, public_url: str) -> APIRouter:
    router = APIRouter(prefix="/api", tags=["api"])

    def run(name: str, lists: dict[str, list[URIRef]] | None = None, **params: Any) -> list[dict[str, Any]]:
        bound = {k: None if v is None else Literal(v) for k, v in params.items()}
        return store.select(queries[f"api/{name}"].bind(bound, lists))

    def respond(request: Request, resource: str, body: dict[str, Any]) -> Response:
        context_url = public_url + request.app.url_path_for("context", resource=resource)
        media = negotiate(request.headers.get("accept"), JSON_MEDIA)
        if media is None:
            raise HTTPException(406, f"offered: {', '.join(JSON_MEDIA)}")
        headers = {"Vary": "Accept"}
        if media == "application/ld+json":
            body = {"@context": context_url, **without_nulls(body)}
        else:
            headers["Link"] = f'<{context_url}>; rel="http://www.w3.org/ns/json-ld#context"; type="application/ld+json"'
        return Response(json.dumps(body, ensure_ascii=False).encode(), media_type=media, headers=headers)

    def listing(resource: str, make: Callable[[list[dict[str, Any]]], list[dict[str, Any]]]) -> Any:
        def endpoint(request: Request, limit: Limit = 100, offset: Offset = 0) -> Response:
            return respond(request, resource, page(request, make(run(resource)), limit, offset, public_url))

        endpoint.__name__ = resource
        endpoint.__doc__ = queries[f"api/{resource}"].summary
        return endpoint

    for resource, make in (
        ("states", list),
        ("conferences", lambda rows: [conference_item(r) for r in rows]),
        ("chairs", chair_items),
        ("persons", person_items),
        ("bodies", list),
        ("sources", lambda rows: [source_item(r) for r in rows]),
    ):
        router.add_api_route(f"/{resource}", listing(resource, make), methods=["GET"], response_class=Response)

    @router.get("/conferences/{number:int}", response_class=Response)  # not a number: no such resource (404)
    def conference(request: Request, number: int) -> Response:
        """One meeting with its resolutions and reports."""
        rows = run("conferences", number=number)
        if not rows:
            raise HTTPException(404, f"no conference with number {number}")
        item = conference_item(rows[0])
        # without "conference" and "year": they are this meeting's (and would say otherwise in its JSON-LD context)
        item["resolutions"] = [
            {k: v for k, v in resolution_item(r).items() if k not in ("conference", "year")}
            for r in run("resolutions", conference=number)
        ]
        return respond(request, "conferences", item)

    @router.get("/resolutions", response_class=Response)
    def resolutions(
        request: Request,
        conference: Annotated[int | None, Query(description="meeting number, e.g. 99")] = None,
        year: Annotated[int | None, Query(description="year of the meeting")] = None,
        state: Annotated[
            str | None, Query(description="ISO 3166-2 code: initiator, co-sponsor, lead or applicant")
        ] = None,
        outcome: Annotated[str | None, Query(description="|".join(OUTCOMES))] = None,
        topic: Annotated[str | None, Query(description="topic slug")] = None,
        q: Annotated[
            str | None,
            Query(description="words in title, summary, demands, topics or addressees (case, umlauts and ß folded)"),
        ] = None,
        limit: Limit = 100,
        offset: Offset = 0,
    ) -> Response:
        """Resolutions and reports with outcome, proposing states, topics and sources; filterable."""
        if state is not None and not STATE_CODE.match(state):
            raise HTTPException(400, f"state={state!r}: expected an ISO 3166-2 code such as DE-NW")
        if outcome is not None and outcome not in OUTCOMES:
            raise HTTPException(400, f"outcome={outcome!r}: expected one of {', '.join(OUTCOMES)}")
        found = None
        if q is not None:
            if not query_words(q):
                raise HTTPException(400, f"q={q!r}: no word to search for")
            found = {"match": [URIRef(iri) for iri in search.matching_ids(q, ("resolution",))]}
        if found is not None and not found["match"]:  # nothing matched; and Virtuoso 7 fails on an empty VALUES
            rows = []
        else:
            rows = run(
                "resolutions", found, conference=conference, year=year, state=state, outcome=outcome, topic=topic
            )
        return respond(
            request, "resolutions", page(request, [resolution_item(r) for r in rows], limit, offset, public_url)
        )

    value_terms: dict[str, str] = {}

    @router.get("/contexts/{resource}.jsonld", name="context", tags=["json-ld"])
    def context(resource: str) -> Response:
        """The JSON-LD @context that turns the resource's JSON into RDF (JSON-LD 1.0 and 1.1)."""
        if resource not in CONTEXTS:
            raise HTTPException(404, f"no context {resource!r}; available: {', '.join(CONTEXTS)}")
        if not value_terms:  # asked once, when first needed: the store may be down at start-up
            value_terms.update({r["term"]: r["iri"] for r in store.select(queries["api/terms"].text)})
        body = json.dumps(context_document(resource, value_terms), indent=2, ensure_ascii=False).encode()
        return Response(body, media_type="application/ld+json", headers={"Cache-Control": "max-age=86400"})

    return router
