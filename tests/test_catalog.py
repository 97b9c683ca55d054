"""graph/catalog.ttl and graph/void.ttl: accepted by the official DCAT-AP shapes, figures true to the dumps."""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest
import yaml
from rdflib import Graph, Namespace, URIRef
from rdflib.namespace import DCAT, DCTERMS, RDF

from asmk_graph.check.dcat import conformance_dir, validate_catalogue
from asmk_graph.graph.catalog import CATALOG_FILE, DUMP_FORMATS, SPDX, VOID_FILE
from asmk_graph.graph.pipeline import BuildResult
from asmk_graph.graph.serialize import DUMP_NAMES
from asmk_graph.graph.void import LINK_TARGETS
from asmk_graph.namespaces import Ids
from asmk_graph.paths import ProjectPaths
from asmk_graph.records import DataErrors
from asmk_graph.records.linking import load_catalog_settings, load_external_ids

ROOT = Path(__file__).resolve().parents[1]
CONFORMANCE = conformance_dir(ROOT)
VOID = Namespace("http://rdfs.org/ns/void#")
DATASET = Ids().dataset()

needs_conformance = pytest.mark.skipif(
    not CONFORMANCE.is_dir(), reason=f"{CONFORMANCE} is absent (a fresh clone has no ../shared/conformance)"
)

# Every warning the official profiles give, by shape; docs/catalog.md gives the reason for each.
EXPECTED_WARNINGS = {
    "dcat-ap.de-3.0": {
        "dcat-ap-SHACL.ttl#dcat:DatasetShape/00a99d55cbc03165373a8348d5a88402ea4f239a": 16,
        "dcat-ap-SHACL.ttl#dcat:CatalogShape/00a99d55cbc03165373a8348d5a88402ea4f239a": 1,
        "Deprecated_dcatde_politicalGeocodingURI": 1,
    },
    "dcat-ap-3.0.1": {
        "r5r#Catalog_ShapeCV": 1,
        "r5r#Dataset_ShapeCV": 1,
        "r5r#DataService_ShapeCV": 1,
        "r5r#Agent_Shape": 1,
    },
}


@pytest.fixture(scope="module")
def catalogue(fresh_build: BuildResult) -> Graph:
    return Graph().parse(data=fresh_build.files[CATALOG_FILE].decode(), format="turtle")


def warnings_by_shape(report_shapes: list[str], expected: dict[str, int]) -> dict[str, int]:
    counts: dict[str, int] = {}
    for shape in report_shapes:
        key = next((k for k in expected if shape.endswith(k)), shape)
        counts[key] = counts.get(key, 0) + 1
    return counts


@needs_conformance
@pytest.mark.parametrize("profile", sorted(EXPECTED_WARNINGS))
def test_official_shapes_accept_the_catalogue(catalogue: Graph, profile: str) -> None:
    report = validate_catalogue(catalogue, CONFORMANCE, profile)
    violations = [r.line() for r in report.results if r.severity == "Violation"]
    assert violations == []
    shapes = [r.constraint or r.shape for r in report.results if r.severity == "Warning"]
    assert warnings_by_shape(shapes, EXPECTED_WARNINGS[profile]) == EXPECTED_WARNINGS[profile]


def test_every_expected_warning_is_explained_in_the_docs() -> None:
    docs = (ROOT / "docs" / "catalog.md").read_text(encoding="utf-8")
    for profile in EXPECTED_WARNINGS.values():
        for shape in profile:
            assert shape.rsplit("#", 1)[-1].rsplit("/", 1)[-1] in docs, shape


@needs_conformance
def test_the_profile_is_not_vacuous(catalogue: Graph) -> None:
    """Without its title and publisher the dataset must fail GovData's profile."""
    broken = Graph() + catalogue
    broken.remove((DATASET, DCTERMS.title, None))
    broken.remove((DATASET, DCTERMS.publisher, None))
    report = validate_catalogue(broken, CONFORMANCE, "dcat-ap.de-3.0")
    failed = {r.path for r in report.results if r.severity == "Violation" and r.focus == str(DATASET)}
    assert {str(DCTERMS.title), str(DCTERMS.publisher)} <= failed


def test_distributions_state_the_true_sizes_and_checksums(catalogue: Graph, fresh_build: BuildResult) -> None:
    dists = list(catalogue.objects(DATASET, DCAT.distribution))
    assert len(dists) == len(DUMP_NAMES)
    for dist in dists:
        url = catalogue.value(dist, DCAT.downloadURL)
        name = str(url).rsplit("/", 1)[-1]
        content = fresh_build.files[name]
        assert int(catalogue.value(dist, DCAT.byteSize)) == len(content)  # type: ignore[arg-type]
        checksum = catalogue.value(dist, SPDX.checksum)
        assert str(catalogue.value(checksum, SPDX.checksumValue)) == hashlib.sha256(content).hexdigest()
        media = str(catalogue.value(dist, DCAT.mediaType))
        assert media.endswith(DUMP_FORMATS[name].media_type)


def test_download_and_endpoint_urls_follow_the_configured_base(catalogue: Graph) -> None:
    base = Ids().base
    urls = [str(o) for o in catalogue.objects(None, DCAT.downloadURL)]
    urls += [str(o) for o in catalogue.objects(None, DCAT.endpointURL)]
    assert urls and all(u.startswith(base) for u in urls)


def test_void_figures_are_computed_from_the_graph(fresh_build: BuildResult) -> None:
    graph = fresh_build.graph
    void = Graph().parse(data=fresh_build.files[VOID_FILE].decode(), format="turtle")
    assert int(void.value(DATASET, VOID.triples)) == len(graph)  # type: ignore[arg-type]
    assert int(void.value(DATASET, VOID.distinctSubjects)) == len(set(graph.subjects()))  # type: ignore[arg-type]
    for part in void.objects(DATASET, VOID.classPartition):
        cls = void.value(part, VOID["class"])
        assert int(void.value(part, VOID.entities)) == len(set(graph.subjects(RDF.type, cls)))  # type: ignore[arg-type]
    for part in void.objects(DATASET, VOID.propertyPartition):
        prop = void.value(part, VOID.property)
        assert int(void.value(part, VOID.triples)) == len(list(graph.triples((None, prop, None))))  # type: ignore[arg-type]


def test_one_counted_linkset_per_target(fresh_build: BuildResult) -> None:
    graph = fresh_build.graph
    void = Graph().parse(data=fresh_build.files[VOID_FILE].decode(), format="turtle")
    linksets = list(void.subjects(RDF.type, VOID.Linkset))
    targets = {str(void.value(void.value(ls, VOID.objectsTarget), VOID.uriSpace)) for ls in linksets}
    assert targets == {t.namespace for t in LINK_TARGETS if t.slug != "gnd"}  # no GND identifier is verified yet
    for ls in linksets:
        pred = void.value(ls, VOID.linkPredicate)
        space = str(void.value(void.value(ls, VOID.objectsTarget), VOID.uriSpace))
        counted = sum(1 for _, _, o in graph.triples((None, pred, None)) if str(o).startswith(space))
        assert int(void.value(ls, VOID.triples)) == counted > 0  # type: ignore[arg-type]


def test_catalogue_contains_the_void_description(fresh_build: BuildResult, catalogue: Graph) -> None:
    void = Graph().parse(data=fresh_build.files[VOID_FILE].decode(), format="turtle")
    assert len(void) > 100 and all(t in catalogue for t in void)


def test_modified_is_not_older_than_any_source(paths: ProjectPaths) -> None:
    settings = load_catalog_settings(paths.data)
    sources = yaml.safe_load((paths.data / "sources.yaml").read_text(encoding="utf-8"))["sources"]
    newest = max(s["date"] for s in sources if "date" in s)
    assert settings.dataset_modified >= newest and settings.modified >= newest


def test_every_state_has_its_geonames_link_with_provenance(graph: Graph) -> None:
    skos_close = URIRef("http://www.w3.org/2004/02/skos/core#closeMatch")
    source = Ids().source("dcat-ap-de-conventions-2.0")
    for state in graph.subjects(RDF.type, URIRef("https://w3id.org/asmk/def#State")):
        links = [o for o in graph.objects(state, skos_close) if str(o).startswith("https://sws.geonames.org/")]
        assert len(links) == 1, state
        assert (state, DCTERMS.source, source) in graph


@pytest.mark.parametrize(
    ("line", "message"),
    [
        ("{entity: state/DE-XX, scheme: geonames, id: '1', match: close, source: s}", "no such entity"),
        ("{entity: state/DE-BW, scheme: viaf, id: '1', match: close, source: s}", "'viaf': expected one of"),
        ("{entity: state/DE-BW, scheme: wikidata, id: '985', match: close, source: s}", "'985' is not a wikidata"),
        ("{entity: state/DE-BW, scheme: geonames, id: '1', match: maybe, source: s}", "'maybe': expected one of"),
        ("{entity: state/DE-BW, scheme: geonames, id: '1', match: close, source: nowhere}", "'nowhere' is not among"),
    ],
)
def test_bad_external_identifiers_are_named(tmp_path: Path, line: str, message: str) -> None:
    from asmk_graph.graph.external_ids import add_external_ids
    from asmk_graph.graph.graphs import GraphSet

    (tmp_path / "external-ids.yaml").write_text(
        "sources:\n  - {id: s, title: T, url: 'https://example.org/', says: S, date_note: N}\n"
        f"identifiers:\n  - {line}\n",
        encoding="utf-8",
    )
    with pytest.raises(DataErrors) as err:
        typed = set(Graph().parse(ROOT / "graph" / "asmk.ttl").subjects(RDF.type, None))
        add_external_ids(GraphSet(), load_external_ids(tmp_path), Ids(), typed)
    assert "data/external-ids.yaml" in str(err.value) and message in str(err.value)
