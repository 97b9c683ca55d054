"""Push the built graphs into a SPARQL server: the union (graph/asmk.nt) into the target graph,
each named graph of graph/asmk.nq into a graph of its own name.

Readers must never see a half-loaded graph, so the replacement is one transaction:

- `gsp`: one SPARQL 1.1 Graph Store Protocol PUT of the whole graph. Transactional stores
  (Fuseki/TDB2, GraphDB, Oxigraph server) apply a PUT atomically.
- `virtuoso`: Virtuoso's GSP PUT is not atomic (a reader saw the graph empty mid-PUT, and
  half-filled during MOVE; see docs/sparql-servers.md), so the graph goes into a staging graph
  with Virtuoso's bulk loader (ld_dir/rdf_loader_run, over isql), then one stored-procedure
  call, a single transaction, swaps the staging quads into the target graph.

Both end by counting the triples the server now holds in the graph against what was sent.
"""

from __future__ import annotations

import re
import shutil
import subprocess
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

import httpx
import pyoxigraph as ox

from ..paths import ProjectPaths

SAFE_IRI = re.compile(r"^https?://[^\s<>\"'{}|\\^`]+$")
LOAD_FILE = "asmk-load.nt"


class LoadError(RuntimeError):
    pass


@dataclass(frozen=True)
class LoadReport:
    graph: str
    triples: int
    seconds: float


def payload(paths: ProjectPaths) -> tuple[bytes, int]:
    """graph/asmk.nt (the union of all graphs, ontology included) and its number of distinct triples."""
    graph_file = paths.graph_dir / "asmk.nt"
    if not graph_file.exists():
        raise LoadError(f"{graph_file} is missing: run 'asmk-graph build' first")
    data = graph_file.read_bytes()
    return data, distinct_triples(data)


def named_graph_payloads(paths: ProjectPaths) -> dict[str, bytes]:
    """Each named graph of graph/asmk.nq as N-Triples, by graph IRI."""
    quads_file = paths.graph_dir / "asmk.nq"
    if not quads_file.exists():
        raise LoadError(f"{quads_file} is missing: run 'asmk-graph build' first")
    by_graph: dict[str, list[ox.Triple]] = {}
    for quad in ox.parse(path=str(quads_file), format=ox.RdfFormat.N_QUADS):
        assert isinstance(quad.graph_name, ox.NamedNode)
        by_graph.setdefault(quad.graph_name.value, []).append(quad.triple)
    return {g: ox.serialize(triples, format=ox.RdfFormat.N_TRIPLES) or b"" for g, triples in sorted(by_graph.items())}


def graph_names(paths: ProjectPaths) -> list[str]:
    """The named graphs of the dumps (for a RemoteStore's named-graph-uri list)."""
    return list(named_graph_payloads(paths))


def check_iri(iri: str, what: str) -> str:
    if not SAFE_IRI.match(iri):
        raise LoadError(f"{what} {iri!r} is not an absolute http(s) IRI without spaces or quotes")
    return iri


def count_triples(endpoint: str, graph: str, auth: httpx.Auth | None, timeout: float) -> int:
    query = f"SELECT (COUNT(*) AS ?n) WHERE {{ GRAPH <{graph}> {{ ?s ?p ?o }} }}"
    try:
        response = httpx.post(
            endpoint,
            data={"query": query},
            auth=auth,
            timeout=timeout,
            headers={"Accept": "application/sparql-results+json"},
        )
        response.raise_for_status()
        return int(response.json()["results"]["bindings"][0]["n"]["value"])
    except (httpx.HTTPError, KeyError, IndexError, ValueError) as exc:
        raise LoadError(f"could not count the triples of <{graph}> at {endpoint}: {exc}") from exc


def load_gsp(data: bytes, gsp_url: str, graph: str, auth: httpx.Auth | None, timeout: float) -> None:
    """Replace the graph by one Graph Store Protocol PUT (atomic on transactional stores)."""
    try:
        response = httpx.put(
            gsp_url,
            params={"graph": graph},
            content=data,
            auth=auth,
            timeout=timeout,
            headers={"Content-Type": "application/n-triples"},
        )
    except httpx.HTTPError as exc:
        raise LoadError(f"PUT {gsp_url}?graph={graph} failed: {exc}") from exc
    if response.status_code not in (200, 201, 204):
        raise LoadError(f"PUT {gsp_url}?graph={graph} answered HTTP {response.status_code}: {response.text[:500]}")


REPLACE_PROCEDURE = """
CREATE PROCEDURE DB.DBA.ASMK_REPLACE_GRAPH (IN target VARCHAR, IN staging VARCHAR)
{
  DELETE FROM DB.DBA.RDF_QUAD WHERE G = iri_to_id (target);
  INSERT INTO DB.DBA.RDF_QUAD (G, S, P, O)
    SELECT iri_to_id (target), S, P, O FROM DB.DBA.RDF_QUAD WHERE G = iri_to_id (staging);
  DELETE FROM DB.DBA.RDF_QUAD WHERE G = iri_to_id (staging);
};
"""


@dataclass(frozen=True)
class Isql:
    """isql-vt against a Virtuoso SQL port (host:port), as a DBA."""

    address: str
    user: str
    password: str
    program: str = "isql-vt"

    def run(self, script: str, timeout: float) -> str:
        if shutil.which(self.program) is None:
            raise LoadError(f"{self.program} not found: install Debian's virtuoso-opensource (see docs)")
        command = [self.program, self.address, self.user, self.password, "VERBOSE=OFF", "BANNER=OFF", "PROMPT=OFF"]
        try:
            done = subprocess.run(command, input=script, capture_output=True, text=True, timeout=timeout)
        except subprocess.TimeoutExpired as exc:
            raise LoadError(f"isql at {self.address} did not finish within {timeout:g} s") from exc
        output = done.stdout + done.stderr
        if done.returncode != 0 or "*** Error" in output:
            raise LoadError(f"isql at {self.address} failed:\n{output.strip()[:2000]}")
        return output


def distinct_triples(data: bytes) -> int:
    """How many distinct triples data holds, by a strict N-Triples parser (Virtuoso's is lenient)."""
    store = ox.Store()
    try:
        store.bulk_load(data, format=ox.RdfFormat.N_TRIPLES)
    except SyntaxError as exc:
        raise LoadError(f"not valid N-Triples, nothing was loaded: {exc}") from exc
    return len(store)


def load_virtuoso(data: bytes, isql: Isql, load_dir: Path, graph: str, timeout: float) -> None:
    """Bulk-load into <graph/staging>, check it is complete, then swap it into <graph> in one transaction.

    load_dir must be readable by the server and listed in its DirsAllowed.
    """
    expected = distinct_triples(data)
    staging = check_iri(graph.rstrip("/") + "/staging", "staging graph")
    load_dir.mkdir(parents=True, exist_ok=True)
    directory = str(load_dir.resolve())
    with tempfile.NamedTemporaryFile(dir=load_dir, suffix=".tmp", delete=False) as tmp:
        tmp.write(data)
    Path(tmp.name).replace(load_dir / LOAD_FILE)
    isql.run(
        f"DELETE FROM DB.DBA.load_list WHERE ll_file = '{directory}/{LOAD_FILE}';\n"
        f"SPARQL CLEAR GRAPH <{staging}>;\n"
        f"ld_dir ('{directory}', '{LOAD_FILE}', '{staging}');\n"
        "rdf_loader_run ();\n"
        "checkpoint;\n",  # the bulk loader does not log: without a checkpoint a restart loses the load
        timeout,
    )
    errors = isql.run(
        f"SELECT 'LOAD-ERROR', ll_error FROM DB.DBA.load_list WHERE ll_file = '{directory}/{LOAD_FILE}' "
        "AND ll_error IS NOT NULL;\n",
        timeout,
    )
    if "LOAD-ERROR" in errors:
        raise LoadError(f"Virtuoso's bulk loader rejected {directory}/{LOAD_FILE}:\n{errors.strip()}")
    staged = isql.run(f"SPARQL SELECT 'STAGED', COUNT(*) FROM <{staging}> WHERE {{ ?s ?p ?o }};\n", timeout)
    found = re.search(r"STAGED\s+(\d+)", staged)
    if not found or int(found.group(1)) != expected:
        raise LoadError(
            f"the staging graph <{staging}> holds {found and found.group(1)} triples, expected {expected}; "
            f"<{graph}> was left unchanged"
        )
    isql.run(REPLACE_PROCEDURE + f"DB.DBA.ASMK_REPLACE_GRAPH ('{graph}', '{staging}');\ncheckpoint;\n", timeout)
    (load_dir / LOAD_FILE).unlink()


def load(
    paths: ProjectPaths,
    endpoint: str,
    graph: str,
    method: str,
    gsp_url: str | None = None,
    auth: httpx.Auth | None = None,
    isql: Isql | None = None,
    load_dir: Path | None = None,
    timeout: float = 600.0,
) -> LoadReport:
    """Load the union into graph and each named graph of the dumps into its own graph."""
    check_iri(graph, "graph")
    started = time.monotonic()
    data, expected = payload(paths)
    graphs = {graph: data, **named_graph_payloads(paths)}
    if method == "gsp" and not gsp_url:
        raise LoadError("--method gsp needs --gsp-url (the server's Graph Store Protocol address)")
    if method == "virtuoso" and (isql is None or load_dir is None):
        raise LoadError("--method virtuoso needs --isql HOST:PORT and --load-dir (a directory in DirsAllowed)")
    if method not in ("gsp", "virtuoso"):
        raise LoadError(f"--method {method!r}: expected gsp or virtuoso")
    for name, triples in graphs.items():
        check_iri(name, "graph")
        if method == "gsp":
            load_gsp(triples, gsp_url or "", name, auth, timeout)
        else:
            assert isql is not None and load_dir is not None
            load_virtuoso(triples, isql, load_dir, name, timeout)
        found, sent = count_triples(endpoint, name, auth, timeout), distinct_triples(triples)
        if found != sent:
            raise LoadError(f"<{name}> at {endpoint} holds {found} triples after loading, expected {sent}")
    return LoadReport(graph, expected, time.monotonic() - started)
