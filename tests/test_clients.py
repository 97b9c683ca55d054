"""Clients written by others against the live server, both stores: SPARQLWrapper (every return format,
every query form, GET / POST form / POST direct), rdflib's SPARQLStore, Apache Jena's rsparql and riot.
Rows of docs/conformance.md."""

from __future__ import annotations

import csv
import io
import json
import urllib.error
import warnings
import xml.etree.ElementTree as ET
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import httpx
import pytest
import SPARQLWrapper as sw
from rdflib import Graph, URIRef
from rdflib.plugins.stores.sparqlstore import SPARQLStore

from .jena import jena_classpath, run_jena

ASMK = "https://w3id.org/asmk/def#"
C97 = "https://w3id.org/asmk/id/conference/97"
NUMBERS = [96, 97, 98, 99, 102]
QUERIES = {
    "SELECT": f"PREFIX asmk: <{ASMK}> SELECT ?n WHERE {{ ?m asmk:number ?n }} ORDER BY ?n",
    "ASK": f"PREFIX asmk: <{ASMK}> ASK {{ ?m asmk:number 97 }}",
    "CONSTRUCT": f"PREFIX asmk: <{ASMK}> CONSTRUCT {{ ?m asmk:number ?n }} WHERE {{ ?m asmk:number ?n }}",
    "DESCRIBE": f"DESCRIBE <{C97}>",
}
RESULT_MEDIA = {
    sw.XML: "application/sparql-results+xml",
    sw.JSON: "application/sparql-results+json",
    sw.CSV: "text/csv",
    sw.TSV: "text/tab-separated-values",
}
GRAPH_MEDIA = {
    sw.XML: "application/rdf+xml",  # SPARQLWrapper's XML means RDF/XML for CONSTRUCT and DESCRIBE
    sw.RDFXML: "application/rdf+xml",
    sw.RDF: "application/rdf+xml",
    sw.TURTLE: "text/turtle",
    sw.N3: "text/turtle",  # Turtle is N3
    sw.JSONLD: "application/ld+json",
    sw.JSON: "application/ld+json",
}
RDFLIB_FORMATS = {"application/rdf+xml": "xml", "text/turtle": "turtle", "application/ld+json": "json-ld"}
METHODS = {
    "GET": (sw.GET, sw.URLENCODED),
    "POST form": (sw.POST, sw.URLENCODED),
    "POST direct": (sw.POST, sw.POSTDIRECTLY),
}
FORMATS = [sw.XML, sw.JSON, sw.JSONLD, sw.TURTLE, sw.N3, sw.RDF, sw.RDFXML, sw.CSV, sw.TSV]


def expected_media(form: str, fmt: str) -> str | None:
    """What the server answers: the format asked for where it fits the query form; else SPARQLWrapper
    sends Accept: */* and gets the form's default; None: refused with 406 (ASK has no CSV or TSV)."""
    if form in ("SELECT", "ASK"):
        if form == "ASK" and fmt in (sw.CSV, sw.TSV):
            return None
        return RESULT_MEDIA.get(fmt, RESULT_MEDIA[sw.JSON])
    return GRAPH_MEDIA.get(fmt, "text/turtle")


def check_answer(form: str, media: str, body: bytes) -> None:
    if form == "SELECT":
        if media.endswith("json"):
            values = [int(b["n"]["value"]) for b in json.loads(body)["results"]["bindings"]]
        elif media.endswith("xml"):
            ns = {"r": "http://www.w3.org/2005/sparql-results#"}
            values = [int(e.text or "") for e in ET.fromstring(body).findall(".//r:literal", ns)]
        elif media == "text/csv":
            values = [int(row[0]) for row in list(csv.reader(io.StringIO(body.decode())))[1:]]
        else:
            values = [
                int(line.split('"')[1] if '"' in line else line) for line in body.decode().split("\n")[1:] if line
            ]
        assert values == NUMBERS
    elif form == "ASK":
        if media.endswith("json"):
            assert json.loads(body)["boolean"] is True
        else:
            assert b"<boolean>true</boolean>" in body
    else:
        graph = Graph().parse(data=body, format=RDFLIB_FORMATS[media])
        if form == "CONSTRUCT":
            assert sorted(int(o) for o in graph.objects(None, URIRef(ASMK + "number"))) == NUMBERS  # type: ignore[call-overload]
        else:
            assert [int(o) for o in graph.objects(URIRef(C97), URIRef(ASMK + "number"))] == [97]  # type: ignore[call-overload]


def sparqlwrapper_call(endpoint: str, form: str, fmt: str, method: str) -> tuple[int, str, bytes]:
    wrapper = sw.SPARQLWrapper(endpoint)
    wrapper.setQuery(QUERIES[form])
    wrapper.setReturnFormat(fmt)
    http_method, request_method = METHODS[method]
    wrapper.setMethod(http_method)
    wrapper.setRequestMethod(request_method)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", RuntimeWarning)  # "Sending Accept header '*/*'": expected
            result = wrapper.query()
    except urllib.error.HTTPError as exc:
        return exc.code, exc.headers.get("content-type", ""), exc.read()
    return 200, result.info()["content-type"], result.response.read()


SPARQLWRAPPER_CASES = [(form, fmt) for form in QUERIES for fmt in FORMATS]


@pytest.mark.parametrize(
    ("form", "fmt"),
    [
        pytest.param(
            form,
            fmt,
            marks=pytest.mark.conformance("sparqlwrapper", f"{form}, return format {fmt}", order=n),
            id=f"{form}-{fmt}",
        )
        for n, (form, fmt) in enumerate(SPARQLWRAPPER_CASES)
    ],
)
def test_sparqlwrapper(live_server: str, form: str, fmt: str, record_property: Any) -> None:
    expected = expected_media(form, fmt)
    with ThreadPoolExecutor(3) as pool:
        calls = {m: pool.submit(sparqlwrapper_call, live_server + "/sparql", form, fmt, m) for m in METHODS}
        answers = {m: call.result() for m, call in calls.items()}
    for method, (status, content_type, body) in answers.items():
        if expected is None:
            assert status == 406, (method, status, body[:300])
            continue
        assert status == 200, (method, status, body[:300])
        media = content_type.split(";")[0].strip()
        assert media == expected, (method, media)
        check_answer(form, media, body)
    record_property("note", "refused with 406, as documented" if expected is None else f"answered as {expected}")


# --- rdflib ------------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def rdflib_graph(live_server: str) -> Iterator[Graph]:
    store = SPARQLStore(live_server + "/sparql")
    yield Graph(store=store)
    store.close()


@pytest.mark.conformance("rdflib", "SELECT, ASK, CONSTRUCT, DESCRIBE and triple patterns (default XML)", order=0)
def test_rdflib_sparqlstore(rdflib_graph: Graph) -> None:
    rows = rdflib_graph.query(QUERIES["SELECT"])
    assert [int(r[0]) for r in rows] == NUMBERS  # type: ignore[index]
    assert rdflib_graph.query(QUERIES["ASK"]).askAnswer is True
    assert len(rdflib_graph.query(QUERIES["CONSTRUCT"]).graph) == len(NUMBERS)  # type: ignore[arg-type]
    assert len(rdflib_graph.query(QUERIES["DESCRIBE"]).graph) > 5  # type: ignore[arg-type]
    numbers = rdflib_graph.triples((None, URIRef(ASMK + "number"), None))
    assert sorted(int(o) for _, _, o in numbers) == NUMBERS  # type: ignore[call-overload]


@pytest.mark.conformance("rdflib", "every result format rdflib reads, by GET and POST", order=1)
def test_rdflib_sparqlstore_formats(live_server: str) -> None:
    for method in ("GET", "POST", "POST_FORM"):
        for fmt in ("xml", "json", "csv", "tsv"):
            store = SPARQLStore(live_server + "/sparql", returnFormat=fmt, method=method)
            try:
                rows = Graph(store=store).query(QUERIES["SELECT"])
                assert [int(r[0]) for r in rows] == NUMBERS, (method, fmt)  # type: ignore[index]
                if fmt in ("xml", "json"):
                    assert Graph(store=store).query(QUERIES["ASK"]).askAnswer is True, (method, fmt)
            finally:
                store.close()


# --- Jena ----------------------------------------------------------------------------------------------


@pytest.fixture(scope="session")
def jena(tmp_path_factory: pytest.TempPathFactory) -> str:
    classpath = jena_classpath(tmp_path_factory.mktemp("jena"), logging=True)
    if classpath is None:
        pytest.skip("Apache Jena is not installed: make test runs scripts/install-jena.sh")
    return classpath


LONG_QUERY = (
    f"PREFIX asmk: <{ASMK}> SELECT ?n WHERE {{ VALUES ?n {{ {' '.join(str(i) for i in range(1, 700))} }} "
    "?m asmk:number ?n } ORDER BY ?n"
)  # about 2.7 KB: Jena sends it by POST by itself


def rsparql(classpath: str, endpoint: str, query: str, *options: str) -> str:
    done = run_jena(classpath, "arq.rsparql", f"--service={endpoint}", "--results=CSV", *options, query)
    assert done.returncode == 0, done.stderr[-1000:]
    return done.stdout


@pytest.mark.conformance("jena", "rsparql by GET, by POST (--post), and a long query (Jena POSTs by itself)", order=0)
def test_jena_rsparql(live_server: str, jena: str) -> None:
    endpoint = live_server + "/sparql"
    runs = [(QUERIES["SELECT"],), (QUERIES["SELECT"], "--post"), (LONG_QUERY,), (QUERIES["ASK"],)]
    with ThreadPoolExecutor(len(runs)) as pool:
        outputs = list(pool.map(lambda run: rsparql(jena, endpoint, run[0], *run[1:]), runs))
    expected = "n\n" + "".join(f"{n}\n" for n in NUMBERS)
    assert outputs[:3] == [expected] * 3
    assert outputs[3].split() == ["_askResult", "true"]


# every RDF media type the server sends, where it sends it
RDF_MEDIA = {
    "text/turtle": "ttl",
    "application/n-triples": "nt",
    "application/ld+json": "jsonld",
    "application/rdf+xml": "rdf",
}
# the dumps, in their media types; TriG and N-Quads are served there only
DUMPS = {
    "asmk.ttl": "text/turtle",
    "asmk.nt": "application/n-triples",
    "asmk.jsonld": "application/ld+json",
    "asmk.trig": "application/trig",
    "asmk.nq": "application/n-quads",
}
ALL_RDF_MEDIA = [*RDF_MEDIA, "application/trig", "application/n-quads"]
RDF_SOURCES: list[tuple[str, dict[str, str]]] = [
    ("/id/conference/97", {}),
    ("/def", {}),
    ("/shapes", {}),
    ("/sparql", {}),
    ("/sparql", {"query": QUERIES["CONSTRUCT"]}),
]


@pytest.fixture(scope="module")
def riot_results(live_server: str, jena: str, tmp_path_factory: pytest.TempPathFactory) -> dict[str, list[str]]:
    """Every RDF representation the server sends, fetched into files and validated by riot; for each
    media type, the problems riot reported (empty: valid). JSON-LD is read by Jena's JSON-LD 1.0 reader:
    its 1.1 reader (titanium) needs a Jakarta JSON implementation that Debian 12 does not package."""
    folder = tmp_path_factory.mktemp("riot")
    files: dict[Path, str] = {}
    with httpx.Client(base_url=live_server, timeout=30) as http:
        for media, suffix in RDF_MEDIA.items():
            for n, (source, params) in enumerate(RDF_SOURCES):
                response = http.get(source, params=params, headers={"Accept": media})
                assert response.headers["content-type"].startswith(media), (source, media)
                path = folder / f"{n}.{suffix}"
                path.write_bytes(response.content)
                files[path] = media
        for name, media in DUMPS.items():
            path = folder / name
            response = http.get(f"/dumps/{name}")
            assert response.headers["content-type"].startswith(media), name
            path.write_bytes(response.content)
            files[path] = media
    json_ld = [str(p) for p, m in files.items() if m == "application/ld+json"]
    others = [str(p) for p, m in files.items() if m != "application/ld+json"]
    with ThreadPoolExecutor(2) as pool:
        runs = [
            pool.submit(run_jena, jena, "riotcmd.riot", "--validate", "--syntax=jsonld10", *json_ld),
            pool.submit(run_jena, jena, "riotcmd.riot", "--validate", *others),
        ]
        outputs = [run.result() for run in runs]
    problems: dict[str, list[str]] = {media: [] for media in ALL_RDF_MEDIA}
    for done, medias in zip(
        outputs, (["application/ld+json"], [m for m in ALL_RDF_MEDIA if m != "application/ld+json"]), strict=True
    ):
        current = None
        for line in done.stderr.splitlines():  # "INFO ... File: <path>", then that file's warnings and errors
            if " File: " in line:
                current = files.get(Path(line.split(" File: ", 1)[1].strip()))
            elif " WARN " in line or " ERROR " in line or "Exception" in line:
                for media in [current] if current else medias:
                    problems[media].append(line)
        if done.returncode != 0 and not any(problems[m] for m in medias):
            for media in medias:
                problems[media].append(f"riot exited with {done.returncode}: {done.stderr[-500:]}")
    return problems


@pytest.mark.parametrize(
    "media",
    [
        pytest.param(m, marks=pytest.mark.conformance("jena", f"riot --validate {m}", order=1 + n), id=m)
        for n, m in enumerate(ALL_RDF_MEDIA)
    ],
)
def test_riot_validates(riot_results: dict[str, list[str]], media: str, record_property: Any) -> None:
    assert riot_results[media] == []
    where = (
        "the dumps" if media not in RDF_MEDIA else "/id/, /def, /shapes, the service description, CONSTRUCT, the dumps"
    )
    record_property("note", where)
