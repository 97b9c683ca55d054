"""Push the built graphs into a SPARQL server: the union (graph/asmk.nt) into the target graph,
each named graph of graph/asmk.nq into a graph of its own name, all in one replacement.

Readers must never see a half-loaded graph, and a load that fails or is killed must leave the
previous graphs served, so a set of graphs is replaced in one transaction (`load_graphs`):

- `gsp`: one SPARQL 1.1 Graph Store Protocol PUT of each graph. Transactional stores
  (Fuseki/TDB2, GraphDB, Oxigraph server) apply a PUT atomically, but not several PUTs together,
  and Virtuoso applies none atomically (a reader saw the graph empty mid-PUT; a killed PUT left it
  partial): the method refuses both cases unless `allow_non_atomic` says a partial graph is fine.
- `virtuoso`: each graph goes into a staging graph with Virtuoso's bulk loader (ld_dir/
  rdf_loader_run, over isql); when every staging graph holds what was sent, one stored-procedure
  call, a single transaction, swaps them all into their targets. Staging graphs, the loader's
  list entries and the load files are removed afterwards, whether the load succeeded or not; a
  load killed outright leaves them for the next load, which clears them first.

Both end by counting the triples the server now holds in each graph against what was sent.
"""

from __future__ import annotations

import contextlib
import re
import shutil
import subprocess
import tempfile
import time
import uuid
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path

import httpx
import pyoxigraph as ox

from ..paths import ProjectPaths
from .errors import LoadError as LoadError
from .sandbox import die_with_parent

SAFE_IRI = re.compile(r"^https?://[^\s<>\"'{}|\\^`]+$")
LOAD_FILE = "asmk-load-{}.nt"


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


def server_software(url: str, auth: httpx.Auth | None, timeout: float) -> str:
    """The Server header a URL answers with ('' if none); a HEAD request, which transfers no graph."""
    try:
        return str(httpx.head(url, auth=auth, timeout=timeout).headers.get("server", ""))
    except httpx.HTTPError as exc:
        raise LoadError(f"{url} does not answer: {exc}") from exc


def load_gsp(
    graphs: Mapping[str, bytes],
    gsp_url: str,
    auth: httpx.Auth | None,
    timeout: float,
    allow_non_atomic: bool = False,
) -> None:
    """Replace each graph by one Graph Store Protocol PUT (atomic on transactional stores, one graph at a time)."""
    if not allow_non_atomic:
        if "virtuoso" in server_software(gsp_url, auth, timeout).lower():
            raise LoadError(
                "Virtuoso's Graph Store Protocol PUT is not atomic: readers see a partial graph during the load and "
                "after a failed one. Use --method virtuoso (atomic), or --allow-non-atomic to accept that"
            )
        if len(graphs) > 1:
            raise LoadError(
                f"the Graph Store Protocol replaces one graph per request, so {len(graphs)} graphs cannot be "
                "replaced together. Use --method virtuoso, or --allow-non-atomic to load them one by one"
            )
    for graph, data in graphs.items():
        put_graph(data, gsp_url, graph, auth, timeout)


def put_graph(data: bytes, gsp_url: str, graph: str, auth: httpx.Auth | None, timeout: float) -> None:
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


# A procedure's error does not undo what it did before (isql then commits it): the handler does.
REPLACE_PROCEDURE = """
CREATE PROCEDURE DB.DBA.ASMK_REPLACE_GRAPHS (IN pairs ANY)
{
  DECLARE i INTEGER;
  DECLARE EXIT HANDLER FOR SQLSTATE '*' { rollback work; resignal; };
  FOR (i := 0; i < length (pairs); i := i + 2)
  {
    DELETE FROM DB.DBA.RDF_QUAD WHERE G = iri_to_id (aref (pairs, i));
    INSERT INTO DB.DBA.RDF_QUAD (G, S, P, O)
      SELECT iri_to_id (aref (pairs, i)), S, P, O FROM DB.DBA.RDF_QUAD WHERE G = iri_to_id (aref (pairs, i + 1));
    DELETE FROM DB.DBA.RDF_QUAD WHERE G = iri_to_id (aref (pairs, i + 1));
  }
};
"""


@dataclass(frozen=True)
class Isql:
    """isql-vt against a Virtuoso SQL port (host:port), as a DBA.

    isql-vt takes its password only as a command-line argument, where other users of the loading
    machine can see it (ps) while a step runs: load from a machine you trust, or hide processes
    (mount /proc with hidepid=2). It dies with the loading process.
    """

    address: str
    user: str
    password: str
    program: str = "isql-vt"

    def run(self, script: str, timeout: float) -> str:
        if shutil.which(self.program) is None:
            raise LoadError(f"{self.program} not found: install Debian's virtuoso-opensource (see docs)")
        command = [self.program, self.address, self.user, self.password, "VERBOSE=OFF", "BANNER=OFF", "PROMPT=OFF"]
        try:
            done = subprocess.run(
                command, input=script, capture_output=True, text=True, timeout=timeout, preexec_fn=die_with_parent
            )
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


def staging_prefix(graph: str) -> str:
    return check_iri(graph.rstrip("/") + "/staging/", "staging graph")


def clear_leftovers(isql: Isql, graphs: Iterable[str], directory: str, timeout: float) -> list[str]:
    """Clear what killed loads left: their staging graphs (<graph>/staging/<load>) and queued files.

    Virtuoso goes on running a statement after its client has gone: the bulk loader of a killed load
    may still be loading a file into its staging graph, or be about to pick up a queued one. It is
    stopped first: rdf_load_stop (1) kills its transaction, and as each file loads in one transaction
    (load_graphs_virtuoso) nothing of it stays. A commit already under way may still land, so the
    staging graphs cleared here are returned, for the caller to clear again once its own load is done.
    One load at a time per directory: a concurrent load's staging graphs would count as leftovers.
    """
    queued = isql.run(
        f"SELECT 'QUEUED', ll_state, ll_graph FROM DB.DBA.load_list WHERE ll_file LIKE '{directory}/%' "
        "AND ll_state IN (0, 1);\n",
        timeout,
    )
    if "QUEUED" in queued:  # a killed load's bulk loader may still write, or be about to: stop it
        isql.run("DELETE FROM DB.DBA.load_list WHERE ll_file = '##stop';\nrdf_load_stop (1);\n", timeout)
    found = isql.run(
        "".join(
            "SELECT 'STALE', __ro2sq (G) FROM (SELECT DISTINCT G FROM DB.DBA.RDF_QUAD) AS graphs "
            f"WHERE __ro2sq (G) LIKE '{staging_prefix(g)}%';\n"
            for g in graphs
        ),
        timeout,
    )
    prefixes = tuple(staging_prefix(g) for g in graphs)
    named = re.findall(r"QUEUED\s+\d\s+(\S+)", queued) + re.findall(r"STALE\s+(\S+)", found)
    stale = sorted({check_iri(g, "staging graph") for g in named if g.startswith(prefixes)})
    isql.run(
        f"DELETE FROM DB.DBA.load_list WHERE ll_file LIKE '{directory}/%' AND ll_state IN (0, 1);\n"
        + "".join(f"SPARQL CLEAR GRAPH <{g}>;\n" for g in stale),
        timeout,
    )
    return stale


def load_virtuoso(data: bytes, isql: Isql, load_dir: Path, graph: str, timeout: float) -> None:
    """One graph: see load_graphs_virtuoso."""
    load_graphs_virtuoso({graph: data}, isql, load_dir, timeout)


def load_graphs_virtuoso(graphs: Mapping[str, bytes], isql: Isql, load_dir: Path, timeout: float) -> None:
    """Bulk-load each graph into <graph/staging>, check them all, then swap them in in one transaction.

    load_dir must be readable by the server and listed in its DirsAllowed.
    """
    expected = {graph: distinct_triples(data) for graph, data in graphs.items()}
    this_load = uuid.uuid4().hex
    staging = {graph: staging_prefix(graph) + this_load for graph in graphs}
    load_dir.mkdir(parents=True, exist_ok=True)
    directory = str(load_dir.resolve())
    files = {graph: load_dir / LOAD_FILE.format(f"{this_load}-{i}") for i, graph in enumerate(graphs)}
    leftovers = clear_leftovers(isql, graphs, directory, timeout)
    forget = "".join(f"DELETE FROM DB.DBA.load_list WHERE ll_file = '{directory}/{f.name}';\n" for f in files.values())
    clear = "".join(f"SPARQL CLEAR GRAPH <{g}>;\n" for g in staging.values())
    # at the end, the leftovers once more: a commit that was under way may have landed since
    clear_again = "".join(f"SPARQL CLEAR GRAPH <{g}>;\n" for g in leftovers)
    try:
        for graph, data in graphs.items():
            with tempfile.NamedTemporaryFile(dir=load_dir, suffix=".tmp", delete=False) as tmp:
                tmp.write(data)
            Path(tmp.name).replace(files[graph])
        queue = "".join(f"ld_dir ('{directory}', '{files[g].name}', '{staging[g]}');\n" for g in graphs)
        # log_enable 0: each file in one unlogged transaction, so that a killed load's loader (which
        # Virtuoso runs on after its client is gone) is rolled back whole by rdf_load_stop (1), never
        # half-committed; unlogged, so without a checkpoint a restart would lose the load
        isql.run(forget + clear + queue + "rdf_loader_run (null, 0);\ncheckpoint;\n", timeout)
        names = ", ".join(f"'{directory}/{f.name}'" for f in files.values())
        errors = isql.run(
            f"SELECT 'LOAD-ERROR', ll_file, ll_error FROM DB.DBA.load_list WHERE ll_file IN ({names}) "
            "AND ll_error IS NOT NULL;\n",
            timeout,
        )
        if "LOAD-ERROR" in errors:
            raise LoadError(f"Virtuoso's bulk loader rejected a load file:\n{errors.strip()}")
        for graph, count in expected.items():
            staged = isql.run(
                f"SPARQL SELECT 'STAGED', COUNT(*) FROM <{staging[graph]}> WHERE {{ ?s ?p ?o }};\n", timeout
            )
            found = re.search(r"STAGED\s+(\d+)", staged)
            if not found or int(found.group(1)) != count:
                raise LoadError(
                    f"the staging graph <{staging[graph]}> holds {found and found.group(1)} triples, expected "
                    f"{count}; {', '.join(f'<{g}>' for g in graphs)} left unchanged"
                )
        pairs = ", ".join(f"'{graph}', '{staging[graph]}'" for graph in graphs)
        isql.run(REPLACE_PROCEDURE + f"DB.DBA.ASMK_REPLACE_GRAPHS (vector ({pairs}));\ncheckpoint;\n", timeout)
    finally:
        for path in [*load_dir.glob(LOAD_FILE.format("*")), *load_dir.glob("*.tmp")]:
            path.unlink(missing_ok=True)
        with contextlib.suppress(LoadError):  # the server is gone or busy: the next load clears them first
            isql.run(forget + clear + clear_again, timeout)


def load_graphs(
    graphs: Mapping[str, bytes],
    endpoint: str,
    method: str,
    gsp_url: str | None = None,
    auth: httpx.Auth | None = None,
    isql: Isql | None = None,
    load_dir: Path | None = None,
    timeout: float = 600.0,
    allow_non_atomic: bool = False,
) -> dict[str, int]:
    """Replace the named graphs (IRI -> N-Triples) together; the triples each now holds, checked."""
    for graph in graphs:
        check_iri(graph, "graph")
    expected = {graph: distinct_triples(data) for graph, data in graphs.items()}
    if method == "gsp":
        if not gsp_url:
            raise LoadError("--method gsp needs --gsp-url (the server's Graph Store Protocol address)")
        load_gsp(graphs, gsp_url, auth, timeout, allow_non_atomic)
    elif method == "virtuoso":
        if isql is None or load_dir is None:
            raise LoadError("--method virtuoso needs --isql HOST:PORT and --load-dir (a directory in DirsAllowed)")
        load_graphs_virtuoso(graphs, isql, load_dir, timeout)
    else:
        raise LoadError(f"--method {method!r}: expected gsp or virtuoso")
    for graph, count in expected.items():
        found = count_triples(endpoint, graph, auth, timeout)
        if found != count:
            raise LoadError(f"<{graph}> at {endpoint} holds {found} triples after loading, expected {count}")
    return expected


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
    allow_non_atomic: bool = False,
) -> LoadReport:
    """The union into graph and each named graph of the dumps into its own graph, replaced together."""
    check_iri(graph, "graph")
    started = time.monotonic()
    data, _ = payload(paths)
    graphs = {graph: data, **named_graph_payloads(paths)}
    counts = load_graphs(
        graphs, endpoint, method, gsp_url, auth, isql, load_dir, timeout, allow_non_atomic=allow_non_atomic
    )
    return LoadReport(graph, counts[graph], time.monotonic() - started)
