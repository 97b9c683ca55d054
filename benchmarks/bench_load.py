"""Load on a live uvicorn: every /api resource and /sparql at 1 to 64 clients, beside rdflib-endpoint.

Closed loop with keep-alive: Debian's `wrk` (scripts/install-wrk.sh) in a process of its own keeps
N connections busy, each sending its next request when the previous answer has arrived, for a fixed
time per step. The server and wrk share the machine's cores, as they did in issue 14. Printed per
target and client count: requests/s, p50 and p99 latency, and any non-2xx answers or socket errors
(a step with errors is marked, never silently counted).

Targets, all in the same run:
- every /api resource of the API on the embedded store (and, with --virtuoso, on a local Virtuoso);
- the plain /sparql SELECT `SELECT ?s WHERE { ?s ?p ?o } LIMIT 10`, the baseline the /api resources
  are compared with; and the same SELECT with a different OFFSET on every request (a Lua script), so
  that no answer could come from any cache;
- rdflib-endpoint (PyPI, 0.6.3) serving the same graph and the same SELECT;
- with --size N: our /sparql and rdflib-endpoint on N synthetic triples (benchmarks/synthetic.py),
  on the same SELECT and on three of bench_query.py's queries.

    scripts/install-wrk.sh
    .venv/bin/python benchmarks/bench_load.py --clients 1 8 32 64 --seconds 5 --size 100000 [--virtuoso]

No pass/fail; figures go to docs/benchmarks.md with the command.
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
import urllib.parse
from dataclasses import dataclass
from pathlib import Path

import httpx

from asmk_graph.namespaces import DEFAULT_GRAPH
from asmk_graph.paths import project_paths
from asmk_graph.store.load import Isql
from asmk_graph.store.load import load as load_project
from asmk_graph.store.virtuoso import VirtuosoServer, free_port

sys.path.insert(0, str(Path(__file__).resolve().parent))
from bench_query import QUERIES, REST_PATHS
from synthetic import generate

ROOT = Path(__file__).resolve().parents[1]
SELECT = "SELECT ?s WHERE { ?s ?p ?o } LIMIT 10"
SPARQL_JSON = "application/sparql-results+json"
API_PATHS = tuple(path for path in REST_PATHS if path.startswith("/api/"))
# each request asks for other rows: OFFSET 0..999 in turn (wrk's Lua; PATH is filled in below)
VARYING_SELECT_LUA = """
counter = 0
request = function()
  counter = (counter + 1) % 1000
  return wrk.format("GET", "PATH" .. counter)
end
"""
RDFLIB_ENDPOINT = """
import sys, uvicorn
from rdflib import Graph
from rdflib_endpoint import SparqlEndpoint
graph = Graph()
for path in sys.argv[2:]:
    graph.parse(path)
uvicorn.run(SparqlEndpoint(graph=graph, path="/sparql"), host="127.0.0.1", port=int(sys.argv[1]))
"""


@dataclass(frozen=True)
class Step:
    rps: float
    p50_ms: float
    p99_ms: float
    errors: str  # "" when every answer was 2xx and no socket failed

    def cells(self) -> str:
        mark = f" ({self.errors})" if self.errors else ""
        return f"{self.rps:.0f}{mark} | {self.p50_ms:.1f} | {self.p99_ms:.1f}"


def _ms(text: str) -> float:
    number, unit = re.fullmatch(r"([\d.]+)(us|ms|s|m)", text).groups()  # type: ignore[union-attr]
    return float(number) * {"us": 0.001, "ms": 1.0, "s": 1000.0, "m": 60000.0}[unit]


def wrk(url: str, clients: int, seconds: float, accept: str, script: Path | None = None) -> Step:
    command = ["wrk", "-t1", f"-c{clients}", f"-d{seconds:g}s", "--latency", "--timeout", "30s"]
    command += ["-H", f"Accept: {accept}"] + (["-s", str(script)] if script else []) + [url]
    out = subprocess.run(command, capture_output=True, text=True, check=True).stdout
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))  # type: ignore[union-attr]
    p50 = _ms(re.search(r"\s50%\s+(\S+)", out).group(1))  # type: ignore[union-attr]
    p99 = _ms(re.search(r"\s99%\s+(\S+)", out).group(1))  # type: ignore[union-attr]
    errors = []
    if found := re.search(r"Non-2xx or 3xx responses: (\d+)", out):
        errors.append(f"{found.group(1)} non-2xx")
    if found := re.search(r"Socket errors: (.*)", out):
        errors.append(f"socket errors: {found.group(1)}")
    return Step(rps, p50, p99, "; ".join(errors))


def start(command: list[str], ready: str, env: dict[str, str] | None = None) -> subprocess.Popen[bytes]:
    process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=env)
    for _ in range(1200):
        try:
            if httpx.get(ready, timeout=5, headers={"Accept": SPARQL_JSON}).status_code == 200:
                return process
        except httpx.HTTPError:
            pass
        if process.poll() is not None:
            break
        time.sleep(0.1)
    process.kill()
    raise RuntimeError(f"{command} did not start")


# the /sparql queue holds every client of the largest step: the baseline is answered, not refused with 503
SERVE_OPTIONS = ["--queue", "256"]


def ours(root: Path, extra: list[str] = ()) -> tuple[subprocess.Popen[bytes], str]:  # type: ignore[assignment]
    port = free_port()
    command = [sys.executable, "-m", "asmk_graph.cli", "--root", str(root), "serve", "--port", str(port)]
    command += SERVE_OPTIONS + list(extra)
    url = f"http://127.0.0.1:{port}"
    return start(command, f"{url}/sparql?query={urllib.parse.quote(SELECT)}"), url


def rdflib_endpoint(*files: Path) -> tuple[subprocess.Popen[bytes], str]:
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    command = [sys.executable, "-c", RDFLIB_ENDPOINT, str(port), *map(str, files)]
    return start(command, f"{url}/sparql?query={urllib.parse.quote(SELECT)}"), url


def synthetic_root(size: int, tmp: Path) -> Path:
    """A project root whose graph/asmk.nt holds the real graph and `size` synthetic triples (the rest
    links to ours): the real graph's dataset description is what `serve` checks the base by."""
    root = tmp / f"synthetic-{size}"
    (root / "graph").mkdir(parents=True)
    for entry in ROOT.iterdir():
        if entry.name not in ("graph", ".git"):
            (root / entry.name).symlink_to(entry)
    for entry in (ROOT / "graph").iterdir():
        if entry.name != "asmk.nt":
            (root / "graph" / entry.name).symlink_to(entry)
    real = (ROOT / "graph" / "asmk.nt").read_text(encoding="utf-8")
    (root / "graph" / "asmk.nt").write_text(real + generate(size), encoding="utf-8")
    return root


def sparql_url(base: str, query: str) -> str:
    return f"{base}/sparql?query={urllib.parse.quote(query)}"


def table(title: str, targets: list[tuple[str, str, str | Path]], clients: list[int], seconds: float) -> None:
    """targets: (label, url, accept or a Lua script path)."""
    print(f"\n### {title}\n")
    print("| target | " + " | ".join(f"{c} cl. req/s | p50 ms | p99 ms" for c in clients) + " |")
    print("|---|" + "---:|---:|---:|" * len(clients), flush=True)
    for label, url, how in targets:
        script = how if isinstance(how, Path) else None
        accept = SPARQL_JSON if script else str(how)
        cells = [wrk(url, c, seconds, accept, script).cells() for c in clients]
        print(f"| {label} | " + " | ".join(cells) + " |", flush=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--clients", type=int, nargs="+", default=[1, 8, 32, 64])
    parser.add_argument("--seconds", type=float, default=5.0, help="per step (default 5)")
    parser.add_argument("--size", type=int, nargs="*", default=[], help="also compare /sparql on N synthetic triples")
    parser.add_argument("--virtuoso", action="store_true", help="also the /api resources on a local Virtuoso")
    parser.add_argument("--only", choices=("api", "sparql"), help="one part only")
    parser.add_argument("--uncached", action="store_true", help="also the /api resources without the answer cache")
    args = parser.parse_args()
    if shutil.which("wrk") is None:
        sys.exit("wrk is missing: run scripts/install-wrk.sh")
    print(f"load average before: {os.getloadavg()[0]:.1f}, {args.seconds:g} s per step, wrk -t1 (one thread)")
    with tempfile.TemporaryDirectory() as tmp_name:
        tmp = Path(tmp_name)
        lua = tmp / "varying.lua"
        processes: list[subprocess.Popen[bytes]] = []
        virtuoso = VirtuosoServer(tmp / "virtuoso").start() if args.virtuoso else None
        try:
            server, url = ours(ROOT)
            processes.append(server)
            lua.write_text(
                VARYING_SELECT_LUA.replace("PATH", "/sparql?query=" + urllib.parse.quote(SELECT + " OFFSET "))
            )
            baseline = [("/sparql SELECT (same query)", sparql_url(url, SELECT), SPARQL_JSON),
                        ("/sparql SELECT (OFFSET varies)", f"{url}/sparql", lua)]  # fmt: skip
            if args.only != "sparql":
                api = [(path, url + path, "application/json") for path in API_PATHS]
                table("embedded Oxigraph, real graph", api + baseline, args.clients, args.seconds)
            if args.uncached and args.only != "sparql":
                plain, plain_url = ours(ROOT, ["--no-api-cache"])
                api = [(path, plain_url + path, "application/json") for path in API_PATHS]
                table("embedded Oxigraph, real graph, every answer computed (--no-api-cache)", api, args.clients,
                      args.seconds)  # fmt: skip
                plain.terminate()
                plain.wait(10)
            if virtuoso is not None and args.only != "sparql":
                load_project(project_paths(ROOT), virtuoso.endpoint, DEFAULT_GRAPH, "virtuoso",
                             isql=Isql(virtuoso.isql_address, "dba", "dba"), load_dir=tmp / "load")  # fmt: skip
                remote, remote_url = ours(ROOT, ["--endpoint", virtuoso.endpoint, "--graph", DEFAULT_GRAPH])
                processes.append(remote)
                api = [(path, remote_url + path, "application/json") for path in API_PATHS]
                select = [("/sparql SELECT (same query)", sparql_url(remote_url, SELECT), SPARQL_JSON)]
                table("Virtuoso behind the API, real graph", api + select, args.clients, args.seconds)
            if args.only != "api":
                peer, peer_url = rdflib_endpoint(ROOT / "graph" / "asmk.nt")
                processes.append(peer)
                targets = [*baseline, ("rdflib-endpoint 0.6.3, same SELECT", sparql_url(peer_url, SELECT), SPARQL_JSON)]
                table("/sparql against rdflib-endpoint, real graph", targets, args.clients, args.seconds)
            for size in args.size:
                root = synthetic_root(size, tmp)
                for process in processes:
                    process.terminate()
                    process.wait(10)
                processes.clear()
                big, big_url = ours(root)
                processes.append(big)
                peer, peer_url = rdflib_endpoint(root / "graph" / "asmk.nt")
                processes.append(peer)
                targets = []
                for name, query in {"LIMIT 10": SELECT, **{k: QUERIES[k] for k in list(QUERIES)[:3]}}.items():
                    targets.append((f"ours: {name}", sparql_url(big_url, query), SPARQL_JSON))
                    targets.append((f"rdflib-endpoint: {name}", sparql_url(peer_url, query), SPARQL_JSON))
                table(f"/sparql against rdflib-endpoint, {size} synthetic triples", targets, [1, 32], args.seconds)
        finally:
            for process in processes:
                process.terminate()
                process.wait(10)
            if virtuoso is not None:
                virtuoso.stop()
    print(f"\nload average after: {os.getloadavg()[0]:.1f}")


if __name__ == "__main__":
    main()
