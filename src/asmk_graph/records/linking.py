"""The two small data files of the linking stage, each with its own loader:

- data/catalog.yaml: what the DCAT-AP.de catalogue needs and no computation can know;
- data/external-ids.yaml: identifiers of our entities in other datasets, each with its source.

Problems are reported like the main loader's: file, record, field, and what is wrong.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from .model import DataError, DataErrors

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
ENTITY = re.compile(r"^(state|person|body|place|org)/[A-Za-z0-9-]+$")


class _Reader:
    def __init__(self, file: str) -> None:
        self.file = file
        self.errors: list[DataError] = []

    def fail(self, record: str, field: str, message: str) -> None:
        self.errors.append(DataError(self.file, record, field, message))

    def text(self, doc: Any, record: str, key: str) -> str:
        value = doc.get(key) if isinstance(doc, dict) else None
        if not isinstance(value, str) or not value.strip():
            self.fail(record, key, "expected a non-empty text")
            return ""
        return value.strip()

    def date(self, doc: Any, record: str, key: str) -> dt.date:
        value = doc.get(key) if isinstance(doc, dict) else None
        if not isinstance(value, dt.date):
            self.fail(record, key, f"expected a date YYYY-MM-DD, got {value!r}")
            return dt.date.min
        return value

    def texts(self, doc: Any, record: str, key: str, field: str = "") -> list[str]:
        value = doc.get(key) if isinstance(doc, dict) else None
        if not isinstance(value, list) or not value or not all(isinstance(v, str) and v for v in value):
            self.fail(record, field or key, "expected a non-empty list of texts")
            return []
        return [v.strip() for v in value]

    def by_language(self, doc: Any, record: str, key: str) -> dict[str, Any]:
        value = doc.get(key) if isinstance(doc, dict) else None
        if not isinstance(value, dict) or set(value) != {"de", "en"}:
            self.fail(record, key, "expected exactly the languages 'de' and 'en'")
            return {}
        return value


def _read(path: Path) -> Any:
    rel = f"{path.parent.name}/{path.name}"
    try:
        return yaml.safe_load(path.read_text(encoding="utf-8"))
    except FileNotFoundError as exc:
        raise DataErrors([DataError(rel, "", "", "file is missing")]) from exc
    except yaml.YAMLError as exc:
        raise DataErrors([DataError(rel, "", "", f"not valid YAML: {exc}")]) from exc


# --------------------------------------------------------------------------- catalogue


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
    doc = _read(data_dir / CATALOG_FILE)
    r = _Reader(f"data/{CATALOG_FILE}")
    cat = doc.get("catalog") if isinstance(doc, dict) else None
    ds = doc.get("dataset") if isinstance(doc, dict) else None
    contact = doc.get("contact") if isinstance(doc, dict) else None
    keywords = r.by_language(ds, "dataset", "keywords")
    settings = CatalogSettings(
        title=r.by_language(cat, "catalog", "title"),
        description={k: " ".join(str(v).split()) for k, v in r.by_language(cat, "catalog", "description").items()},
        issued=r.date(cat, "catalog", "issued"),
        modified=r.date(cat, "catalog", "modified"),
        dataset_description_en=" ".join(r.text(ds, "dataset", "description_en").split()),
        keywords={lang: r.texts(keywords, "dataset", lang, f"keywords.{lang}") for lang in keywords},
        themes=r.texts(ds, "dataset", "themes"),
        languages=r.texts(ds, "dataset", "languages"),
        frequency=r.text(ds, "dataset", "frequency"),
        availability=r.text(ds, "dataset", "availability"),
        dataset_issued=r.date(ds, "dataset", "issued"),
        dataset_modified=r.date(ds, "dataset", "modified"),
        licence=r.text(doc, "", "licence"),
        attribution=r.text(doc, "", "attribution"),
        contact_name=r.text(contact, "contact", "name"),
        contact_path=str(contact.get("path", "")) if isinstance(contact, dict) else "",
    )
    for record, issued, modified in (
        ("catalog", settings.issued, settings.modified),
        ("dataset", settings.dataset_issued, settings.dataset_modified),
    ):
        if not r.errors and modified < issued:
            r.fail(record, "modified", f"{modified} is before issued ({issued})")
    if r.errors:
        raise DataErrors(r.errors)
    return settings


# --------------------------------------------------------------------------- external identifiers


@dataclass(frozen=True)
class ExternalSource:
    id: str
    title: str
    url: str
    says: str
    date_note: str


@dataclass(frozen=True)
class ExternalId:
    entity: str  # path under <base>id/, e.g. "state/DE-BW"
    scheme: str
    id: str
    match: str
    source: str

    @property
    def iri(self) -> str:
        return SCHEMES[self.scheme][1].format(self.id)


@dataclass(frozen=True)
class ExternalIds:
    sources: list[ExternalSource]
    identifiers: list[ExternalId]


def load_external_ids(data_dir: Path) -> ExternalIds:
    doc = _read(data_dir / EXTERNAL_IDS_FILE)
    r = _Reader(f"data/{EXTERNAL_IDS_FILE}")
    sources = []
    for i, s in enumerate(doc.get("sources") or [] if isinstance(doc, dict) else []):
        rec = f"source {s.get('id', i)!r}" if isinstance(s, dict) else f"source #{i + 1}"
        sources.append(
            ExternalSource(
                r.text(s, rec, "id"), r.text(s, rec, "title"), r.text(s, rec, "url"),
                " ".join(r.text(s, rec, "says").split()), r.text(s, rec, "date_note"),
            )
        )  # fmt: skip
    known = {s.id for s in sources}
    identifiers = []
    for i, x in enumerate(doc.get("identifiers") or [] if isinstance(doc, dict) else []):
        rec = f"identifier of {x.get('entity', '#' + str(i + 1))!r}" if isinstance(x, dict) else f"identifier #{i + 1}"
        ext = ExternalId(
            r.text(x, rec, "entity"), r.text(x, rec, "scheme"), str(x.get("id", "")) if isinstance(x, dict) else "",
            r.text(x, rec, "match"), r.text(x, rec, "source"),
        )  # fmt: skip
        if ext.entity and not ENTITY.match(ext.entity):
            r.fail(rec, "entity", f"{ext.entity!r}: expected e.g. 'state/DE-BW' or 'person/manne-lucha'")
        if ext.scheme not in SCHEMES:
            r.fail(rec, "scheme", f"{ext.scheme!r}: expected one of {', '.join(SCHEMES)}")
        elif not SCHEMES[ext.scheme][0].match(ext.id):
            r.fail(rec, "id", f"{ext.id!r} is not a {ext.scheme} identifier")
        if ext.match and ext.match not in MATCHES:
            r.fail(rec, "match", f"{ext.match!r}: expected one of {', '.join(MATCHES)}")
        if ext.source and ext.source not in known:
            r.fail(rec, "source", f"{ext.source!r} is not among the sources of this file")
        identifiers.append(ext)
    if r.errors:
        raise DataErrors(r.errors)
    return ExternalIds(sources, identifiers)
