"""The two small data files of the linking stage, described like the others (model.py):

- data/catalog.yaml: what the DCAT-AP.de catalogue needs and no computation can know;
- data/external-ids.yaml: identifiers of our entities in other datasets, each with its source.

They are read by the same safe YAML reader and checked by pydantic models, so a problem is named
like any other: file, record, field, line, and what is wrong.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Annotated, Any, TypeVar

from pydantic import AfterValidator, Field

from .errors import DataError, DataErrors
from .load import validate_file
from .model import Date, Record, Text, Url
from .yaml_source import line_of

CATALOG_FILE = "catalog.yaml"
EXTERNAL_IDS_FILE = "external-ids.yaml"

# scheme -> (pattern of its identifiers, IRI template)
SCHEMES = {
    "wikidata": (re.compile(r"^Q[1-9][0-9]*$"), "http://www.wikidata.org/entity/{}"),
    "gnd": (re.compile(r"^[0-9X-]{4,12}$"), "https://d-nb.info/gnd/{}"),
    "geonames": (re.compile(r"^[1-9][0-9]*$"), "https://sws.geonames.org/{}/"),
}
# how sure the identity is -> the property that says so (docs/catalog.md, "External identifiers")
MATCHES = ("same", "exact", "close")
ENTITY_PATTERN = r"^(state|person|body|place|org)/[A-Za-z0-9-]+$"


def _one_of(choices: tuple[str, ...]) -> AfterValidator:
    def check(value: str) -> str:
        if value not in choices:
            raise ValueError(f"{value!r}: expected one of {', '.join(choices)}")
        return value

    return AfterValidator(check)


# --------------------------------------------------------------------------- catalogue

Texts = Annotated[list[Text], Field(min_length=1)]


class ByLanguage(Record):
    de: Text
    en: Text


class KeywordsByLanguage(Record):
    de: Texts
    en: Texts


class CatalogPart(Record):
    title: ByLanguage
    description: ByLanguage
    issued: Date
    modified: Date


class DatasetPart(Record):
    description_en: Text
    keywords: KeywordsByLanguage
    themes: Texts
    languages: Texts
    frequency: Text
    availability: Text
    issued: Date
    modified: Date


class Contact(Record):
    name: Text
    path: str  # relative to the configured base URL; "" is the start page


class CatalogFile(Record):
    catalog: CatalogPart
    dataset: DatasetPart
    licence: Text
    attribution: Text
    contact: Contact


@dataclass(frozen=True)
class CatalogSettings:
    title: dict[str, str]
    description: dict[str, str]
    issued: dt.date
    modified: dt.date
    dataset_description_en: str
    keywords: dict[str, list[str]]
    themes: list[str]
    languages: list[str]
    frequency: str
    availability: str
    dataset_issued: dt.date
    dataset_modified: dt.date
    licence: str
    attribution: str
    contact_name: str
    contact_path: str


def load_catalog_settings(data_dir: Path) -> CatalogSettings:
    record, document, file = _read(CatalogFile, data_dir / CATALOG_FILE)
    cat, ds = record.catalog, record.dataset
    errors = [
        DataError(
            file, part, "modified", f"{modified} is before issued ({issued})", line_of(document, (part, "modified"))
        )
        for part, issued, modified in (("catalog", cat.issued, cat.modified), ("dataset", ds.issued, ds.modified))
        if modified < issued
    ]
    if errors:
        raise DataErrors(errors)
    return CatalogSettings(
        title=cat.title.model_dump(),
        description=cat.description.model_dump(),
        issued=cat.issued,
        modified=cat.modified,
        dataset_description_en=ds.description_en,
        keywords=ds.keywords.model_dump(),
        themes=list(ds.themes),
        languages=list(ds.languages),
        frequency=ds.frequency,
        availability=ds.availability,
        dataset_issued=ds.issued,
        dataset_modified=ds.modified,
        licence=record.licence,
        attribution=record.attribution,
        contact_name=record.contact.name,
        contact_path=record.contact.path,
    )


# --------------------------------------------------------------------------- external identifiers


class ExternalSource(Record):
    id: Annotated[str, Field(pattern=r"^[a-z0-9]+(?:[.-][a-z0-9]+)*$")]
    title: Text
    url: Url
    says: Text
    date_note: Text


class ExternalId(Record):
    entity: Annotated[str, Field(pattern=ENTITY_PATTERN)]  # path under <base>id/, e.g. "state/DE-BW"
    scheme: Annotated[str, _one_of(tuple(SCHEMES))]
    id: str
    match: Annotated[str, _one_of(MATCHES)]
    source: str

    @property
    def iri(self) -> str:
        return SCHEMES[self.scheme][1].format(self.id)


class ExternalIds(Record):
    sources: list[ExternalSource]
    identifiers: list[ExternalId]


def load_external_ids(data_dir: Path) -> ExternalIds:
    record, document, file = _read(ExternalIds, data_dir / EXTERNAL_IDS_FILE)
    known = {s.id for s in record.sources}
    errors = []
    for i, ext in enumerate(record.identifiers):
        problems = []
        if not SCHEMES[ext.scheme][0].match(ext.id):
            problems.append(("id", f"{ext.id!r} is not a {ext.scheme} identifier"))
        if ext.source not in known:
            problems.append(("source", f"{ext.source!r} is not among the sources of this file"))
        record_name = f"identifier of {ext.entity!r}"
        errors += [
            DataError(file, record_name, field, message, line_of(document, ("identifiers", i, field)))
            for field, message in problems
        ]
    if errors:
        raise DataErrors(errors)
    return record


R = TypeVar("R", bound=Record)


def _read(model: type[R], path: Path) -> tuple[R, Any, str]:
    """The file's record, its parsed document (for lines) and its name; DataErrors if it is not valid."""
    errors: list[DataError] = []
    record, document, file = validate_file(model, path, path.parent.parent, errors, f"data/{path.name}")
    if errors or record is None:
        raise DataErrors(errors)
    assert isinstance(record, model)
    return record, document, file
