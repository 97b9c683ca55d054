"""/catalog, /.well-known/void and /void: served by content negotiation, linked from /sparql."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient
from rdflib import Graph, URIRef
from rdflib.namespace import DCAT, RDF, RDFS

from asmk_graph.paths import ProjectPaths
from asmk_graph.web.app import create_app

VOID_DATASET = URIRef("http://rdfs.org/ns/void#Dataset")


@pytest.fixture(scope="module")
def client(paths: ProjectPaths) -> Iterator[TestClient]:
    with TestClient(create_app(paths)) as test_client:
        yield test_client


@pytest.mark.parametrize(("accept", "fmt"), [("text/turtle", "turtle"), ("application/ld+json", "json-ld")])
def test_catalog_by_content_negotiation(client: TestClient, paths: ProjectPaths, accept: str, fmt: str) -> None:
    response = client.get("/catalog", headers={"Accept": accept})
    assert response.status_code == 200 and response.headers["content-type"].startswith(accept)
    served = Graph().parse(data=response.text, format=fmt)
    assert len(served) == len(Graph().parse(paths.graph_dir / "catalog.ttl"))
    assert next(served.subjects(RDF.type, DCAT.Catalog)) == URIRef("https://w3id.org/asmk/catalog")


def test_catalog_html_and_406(client: TestClient) -> None:
    page = client.get("/catalog", headers={"Accept": "text/html"})
    assert page.status_code == 200 and "dcat#Distribution" in page.text
    assert client.get("/catalog", headers={"Accept": "image/png"}).status_code == 406


@pytest.mark.parametrize("path", ["/.well-known/void", "/void"])
def test_void_is_served(client: TestClient, path: str) -> None:
    served = Graph().parse(data=client.get(path, headers={"Accept": "text/turtle"}).text, format="turtle")
    assert (URIRef("https://w3id.org/asmk/id/dataset"), RDF.type, VOID_DATASET) in served
    assert not list(served.subjects(RDF.type, DCAT.Catalog))  # the VoID part only


def test_service_description_links_the_catalogue(client: TestClient) -> None:
    sd = Graph().parse(data=client.get("/sparql", headers={"Accept": "text/turtle"}).text, format="turtle")
    seen = {str(o) for o in sd.objects(None, RDFS.seeAlso)}
    assert seen == {"http://127.0.0.1:8000/catalog", "http://127.0.0.1:8000/.well-known/void"}  # the public URL
