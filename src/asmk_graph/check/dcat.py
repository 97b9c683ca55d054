"""The official DCAT-AP validation profiles for graph/catalog.ttl, read from ../shared/conformance/.

- "dcat-ap.de-3.0": GovData's DCAT-AP.de 3.0 profile, i.e. SEMIC's DCAT-AP 3.0.0 shapes with
  GovData's German messages, deactivations, additions, controlled-vocabulary and deprecation shapes;
- "dcat-ap-3.0.1": SEMIC's DCAT-AP 3.0.1 shapes, mandatory, recommended and controlled vocabularies.

The files are third-party and stay where they are (never copied into the project). owl:imports are
not resolved (there is no network): the vocabularies GovData mirrors (FOAF, ORG, vCard, the
DCAT-AP.de contributor and licence lists) are loaded from its vocabularies/ folder instead; for
SEMIC's profile only those of them it imports itself (FOAF, vCard).
"""

from __future__ import annotations

from pathlib import Path

from rdflib import Graph

from .shacl import Report, validate_graph

# profile -> its shape files; the vocabularies each loads from the profile's vocabularies/ folder
PROFILES: dict[str, tuple[str, ...]] = {
    "dcat-ap.de-3.0": (
        "dcat-ap-3.0/3.0.0-dcat-ap-SHACL.ttl",
        "dcat-ap.de-3.0/dcat-ap-SHACL-DE.ttl",
        "dcat-ap.de-3.0/dcat-ap-spec-german-additions.ttl",
        "dcat-ap.de-3.0/dcat-ap-de-controlledvocabularies.ttl",
        "dcat-ap.de-3.0/dcat-ap-de-deprecated.ttl",
    ),
    "dcat-ap-3.0.1": (
        "dcat-ap-3.0/3.0.1-shapes.ttl",
        "dcat-ap-3.0/3.0.1-shapes_recommended.ttl",
        "dcat-ap-3.0/3.0.1-mdr-vocabularies.shape.ttl",
    ),
}
VOCABULARIES = "dcat-ap.de-3.0/vocabularies"
# SEMIC imports FOAF and vCard; the DCAT-AP.de licence and contributor lists are GovData's own
PROFILE_VOCABULARIES = {
    "dcat-ap.de-3.0": (
        "foaf_0_1.rdf",
        "vcard.ttl",
        "org.ttl",
        "dcat-ap-de-contributors.rdf",
        "dcat-ap-de-licenses-open.rdf",
    ),
    "dcat-ap-3.0.1": ("foaf_0_1.rdf", "vcard.ttl"),
}


def conformance_dir(project_root: Path) -> Path:
    """Where the shared conformance material sits beside the project (absent in a fresh clone)."""
    return project_root.parent / "shared" / "conformance"


def _parse(graph: Graph, path: Path) -> None:
    graph.parse(path, format="xml" if path.suffix == ".rdf" else "turtle")


def load_profile(conformance: Path, name: str) -> tuple[Graph, Graph]:
    """(shapes, vocabularies) of a profile; FileNotFoundError names the first missing file."""
    shapes, vocabularies = Graph(), Graph()
    for rel in PROFILES[name]:
        _parse(shapes, conformance / rel)
    for file in PROFILE_VOCABULARIES[name]:
        _parse(vocabularies, conformance / VOCABULARIES / file)
    return shapes, vocabularies


def validate_catalogue(catalogue: Graph, conformance: Path, name: str) -> Report:
    """With the project's engine; tests/test_shacl_engine.py checks that pySHACL, the reference,
    gives the same report on both profiles."""
    shapes, vocabularies = load_profile(conformance, name)
    return validate_graph(catalogue, vocabularies, shapes)
