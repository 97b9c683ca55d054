"""asmk-graph: build, validate, query, load and serve the ASMK knowledge graph.

Store options (query, stats, serve) default to the embedded Oxigraph store; --endpoint or the
environment variable ASMK_ENDPOINT switches to a remote SPARQL 1.1 endpoint instead.
"""

from __future__ import annotations

import argparse
import csv
import functools
import gc
import io
import json
import os
import sys
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from rdflib import Graph

from . import __version__
from .check.shacl import load_shapes, validate_graph
from .graph.pipeline import ValidationFailed, build, load_ontology, validate_data
from .namespaces import DEFAULT_BASE, DEFAULT_GRAPH, Ids
from .paths import ProjectPaths, project_paths
from .records import DataErrors
from .store.errors import LoadError, QueryError, StoreError

if TYPE_CHECKING:
    from .store.stores import Store
# the store and web modules (httpx, uvicorn, FastAPI) are imported by the commands that use them, so
# that build and validate start without them


def batch_job(
    command: Callable[[argparse.Namespace, ProjectPaths], int],
) -> Callable[[argparse.Namespace, ProjectPaths], int]:
    """Run a one-shot command without the cyclic garbage collector: build and validate allocate about
    a million objects, nearly none in cycles, all freed at exit, and the collector scanned them again
    and again (a tenth of the time of build)."""

    @functools.wraps(command)
    def run(args: argparse.Namespace, paths: ProjectPaths) -> int:
        gc.disable()
        try:
            return command(args, paths)
        finally:
            gc.enable()

    return run


@batch_job
def cmd_build(args: argparse.Namespace, paths: ProjectPaths) -> int:
    result = build(paths, args.base)
    print(f"built {len(result.graphs.union_triples())} triples into {paths.graph_dir}/")
    print(result.report.text().splitlines()[0])
    return 0


@batch_job
def cmd_validate(args: argparse.Namespace, paths: ProjectPaths) -> int:
    if args.files:
        data = Graph()
        for f in args.files:
            data.parse(f)
        report = validate_graph(data, load_ontology(paths), load_shapes(paths.shapes_dir))
    else:
        report = validate_data(paths, args.base)[2]
    sys.stdout.write(report.text())
    return 0 if report.conforms else 1


def secret(args: argparse.Namespace, name: str) -> str | None:
    """A password from --NAME-file (or ASMK_NAME_FILE) or the variable ASMK_NAME; never from the command line."""
    path = getattr(args, f"{name}_file")
    if path:
        try:
            return Path(path).read_text(encoding="utf-8").rstrip("\r\n")
        except OSError as exc:
            raise SystemExit(f"error: cannot read the {name.replace('_', ' ')} file {path}: {exc.strerror}") from exc
    return os.environ.get(f"ASMK_{name.upper()}")


def credentials(args: argparse.Namespace) -> tuple[str, str | None, str | None]:
    """(endpoint without credentials, user, password) from the options, the environment and the URL."""
    from .store.stores import split_credentials

    endpoint, url_user, url_password = split_credentials(args.endpoint)
    if url_password is not None and args.endpoint != os.environ.get("ASMK_ENDPOINT"):
        raise SystemExit(
            "error: a password in --endpoint is visible to every user of this machine (ps); put the URL in "
            "ASMK_ENDPOINT, or use ASMK_PASSWORD or --password-file"
        )
    password = secret(args, "password")
    return endpoint, args.user or url_user, password if password is not None else url_password


def cmd_check_owl(args: argparse.Namespace, paths: ProjectPaths) -> int:
    from .check.owl import OwlCheckFailed, OwlToolsMissing, check_owl

    files = args.files or [paths.ontology, paths.ontology_imports, paths.graph_dir / "asmk.nt"]
    try:
        report = check_owl(files, args.ignore_unsupported_datatypes)
    except (OwlToolsMissing, OwlCheckFailed) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 3
    sys.stdout.write(report.text(args.every_axiom))
    return 0 if report.ok else 1


def cmd_model_doc(args: argparse.Namespace, paths: ProjectPaths) -> int:
    from .graph.model_doc import render, write_model_doc

    target = args.output or paths.root / "docs" / "model.md"
    if args.check:
        current = render(Graph().parse(paths.ontology, format="turtle"))
        if target.is_file() and target.read_text(encoding="utf-8") == current:
            return 0
        print(f"{target} is not current: run asmk-graph model-doc", file=sys.stderr)
        return 1
    changed = write_model_doc(paths.ontology, target)
    print(f"{'wrote' if changed else 'unchanged:'} {target}")
    return 0


def open_store(args: argparse.Namespace, paths: ProjectPaths) -> Store | None:
    """The remote store the options name, or None for the embedded default."""
    from .store.load import graph_names
    from .store.stores import RemoteStore

    if not args.endpoint:
        return None
    endpoint, user, password = credentials(args)
    return RemoteStore(endpoint, args.graph, user, password, args.auth, args.store_timeout, graph_names(paths))


class NotOnCommandLine(argparse.Action):
    """Refuses a secret given as an option value: every user of the machine can read it with ps."""

    def __call__(self, parser: argparse.ArgumentParser, *args: object, **kwargs: object) -> None:
        name = self.dest.replace("_", "-")
        parser.error(
            f"--{name} is not accepted: a password on the command line is visible to every user of this machine "
            f"(ps); use the variable ASMK_{self.dest.upper()} or --{name}-file FILE"
        )


def cmd_query(args: argparse.Namespace, paths: ProjectPaths) -> int:
    from .store.stores import OxigraphStore

    text = args.query
    if text.endswith(".rq") and Path(text).exists():
        text = Path(text).read_text(encoding="utf-8")
    store = open_store(args, paths) or OxigraphStore.from_project(paths)
    rows = store.select(text)
    columns = list(rows[0]) if rows else []
    if args.format == "json":
        print(json.dumps(rows, ensure_ascii=False, indent=1))
    elif args.format == "csv":
        out = io.StringIO()
        writer = csv.DictWriter(out, fieldnames=columns, lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)
        sys.stdout.write(out.getvalue())
    else:
        widths = {c: max(len(c), *(len(str(r[c] or "")) for r in rows)) for c in columns}
        print("  ".join(c.ljust(widths[c]) for c in columns))
        for r in rows:
            print("  ".join(str(r[c] if r[c] is not None else "").ljust(widths[c]) for c in columns))
        print(f"({len(rows)} rows)")
    return 0


def cmd_stats(args: argparse.Namespace, paths: ProjectPaths) -> int:
    from .store.stores import OxigraphStore

    store = open_store(args, paths) or OxigraphStore.from_project(paths)
    query = (paths.queries / "stats.rq").read_text(encoding="utf-8")
    rows = store.select(query)
    triples = store.select((paths.queries / "api" / "count.rq").read_text(encoding="utf-8"))[0]["triples"]
    print(f"store: {store.description}")
    print(f"triples (union of all graphs, ontology included): {triples}")
    for row in rows:
        print(f"{row['count']:>6}  {row['class']}")
    return 0


def cmd_serve(args: argparse.Namespace, paths: ProjectPaths) -> int:
    import uvicorn

    from .web.app import create_app
    from .web.http11 import Http11Protocol
    from .web.limits import Limits

    if args.build:
        cmd_build(args, paths)
    store = open_store(args, paths)
    refusal = base_mismatch(paths, store, args.base)
    if refusal:
        print(f"error: {refusal}", file=sys.stderr)
        return 2
    limits = Limits(
        max_body=args.max_body,
        max_answer_bytes=args.max_answer_bytes,
        worker_memory=args.worker_memory << 20,
        max_waiting=args.queue,
    )
    app = create_app(
        paths,
        store,
        query_timeout=args.query_timeout,
        max_rows=args.max_rows,
        workers=args.workers,
        base=Ids(args.base).base,  # with its trailing slash, as the build mints IRIs
        public_url=args.public_url or f"http://{args.host}:{args.port}",
        limits=limits,
        start_workers=True,
        api_cache=not args.no_api_cache,
        api_cache_ttl=args.api_cache_ttl,
    )
    uvicorn.run(app, host=args.host, port=args.port, log_level="info", http=Http11Protocol)
    return 0


def base_mismatch(paths: ProjectPaths, store: Store | None, base: str) -> str | None:
    """Why the graph cannot be served under base (it was built with another), or None.

    Refused rather than rebuilt or rewritten on the fly: a rebuild would change the committed graph/,
    a rewrite would serve IRIs that the dumps do not have.
    """
    dataset = Ids(base).dataset()
    if store is None:
        graph_file = paths.graph_dir / "asmk.nt"
        if not graph_file.exists() or f"<{dataset}> ".encode() in graph_file.read_bytes():
            return None  # a missing graph is reported by the store itself
        where = str(graph_file)
    else:
        try:
            if store.ask(f"ASK {{ <{dataset}> ?p ?o }}"):
                return None
        except StoreError:
            return None  # the endpoint is down: /health says so, and the API recovers when it is back
        where = store.description
    return (
        f"{where} was built with another base than {base} (it has no <{dataset}>): serve with --build, "
        f"or run asmk-graph build --base {base} (and load it into the endpoint) first"
    )


def cmd_load(args: argparse.Namespace, paths: ProjectPaths) -> int:
    import httpx

    from .store.load import Isql, load

    endpoint, user, password = credentials(args)
    auth: httpx.Auth | None = None
    if user:
        cls = httpx.DigestAuth if args.auth == "digest" else httpx.BasicAuth
        auth = cls(user, password or "")
    isql_password = secret(args, "isql_password") or "dba"
    isql = Isql(args.isql, args.isql_user, isql_password) if args.isql else None
    report = load(
        paths,
        endpoint,
        args.graph,
        args.method,
        args.gsp_url,
        auth,
        isql,
        args.load_dir,
        args.load_timeout,
        allow_non_atomic=args.allow_non_atomic,
    )
    print(f"loaded {report.triples} triples into <{report.graph}> at {endpoint} in {report.seconds:.1f} s")
    return 0


def store_options(p: argparse.ArgumentParser, need_endpoint: bool = False) -> None:
    env = os.environ.get
    g = p.add_argument_group("store", "a remote SPARQL 1.1 endpoint instead of the embedded Oxigraph store")
    g.add_argument(
        "--endpoint",
        default=env("ASMK_ENDPOINT"),
        required=need_endpoint and not env("ASMK_ENDPOINT"),
        help="SPARQL query endpoint URL [ASMK_ENDPOINT]",
    )
    g.add_argument(
        "--graph",
        default=env("ASMK_GRAPH", DEFAULT_GRAPH),
        help=f"graph holding the union of the ASMK graphs [ASMK_GRAPH] (default {DEFAULT_GRAPH})",
    )
    g.add_argument("--user", default=env("ASMK_USER"), help="HTTP user for the endpoint [ASMK_USER]")
    g.add_argument("--password", action=NotOnCommandLine, help=argparse.SUPPRESS)
    g.add_argument(
        "--password-file",
        default=env("ASMK_PASSWORD_FILE"),
        metavar="FILE",
        help="file holding the HTTP password [ASMK_PASSWORD_FILE]; or the variable ASMK_PASSWORD, or "
        "user:password@ in ASMK_ENDPOINT (never on the command line, where ps shows it)",
    )
    g.add_argument(
        "--auth",
        choices=("basic", "digest"),
        default=env("ASMK_AUTH", "basic"),
        help="HTTP authentication scheme [ASMK_AUTH] (default basic)",
    )
    g.add_argument(
        "--store-timeout",
        type=float,
        default=float(env("ASMK_STORE_TIMEOUT", "10")),
        help="seconds to wait for the endpoint per request [ASMK_STORE_TIMEOUT] (default 10)",
    )


def parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="asmk-graph", description=__doc__)
    p.add_argument("--version", action="version", version=__version__)
    p.add_argument("--root", type=Path, help="project root (default: this checkout)")
    sub = p.add_subparsers(dest="command", required=True, metavar="COMMAND")

    b = sub.add_parser(
        "build",
        help="load data/, build and validate the graph, write graph/",
        description="Load the curated YAML in data/, build the RDF graph, validate "
        "it with shapes/, and only if there is no violation replace the dumps in "
        "graph/ (Turtle, N-Triples, gzip, JSON-LD, SHA256SUMS) atomically.",
    )
    b.add_argument("--base", default=DEFAULT_BASE, help=f"base IRI (default {DEFAULT_BASE})")
    b.set_defaults(func=cmd_build)

    v = sub.add_parser(
        "validate",
        help="SHACL-validate the data (or given Turtle files)",
        description="Print every SHACL result (severity, focus node, path, "
        "message, shape). Exit code 1 when there is a violation.",
    )
    v.add_argument("files", nargs="*", help="RDF files to validate instead of a fresh build")
    v.add_argument("--base", default=DEFAULT_BASE)
    v.set_defaults(func=cmd_validate)

    co = sub.add_parser(
        "check-owl",
        help="check that ontology plus graph are OWL 2 DL and consistent",
        description="Check the union of ontology/asmk.ttl, ontology/imports.ttl and graph/asmk.nt (or the "
        "given RDF files) against the OWL 2 DL profile (the OWL API's OWL2DLProfile) and for consistency "
        "(HermiT); print each violation with its axiom, or the axioms that cannot all hold. Exit code 1 "
        "when the union is not OWL 2 DL or not consistent. Needs Java: scripts/install-owl-tools.sh.",
    )
    co.add_argument("files", nargs="*", type=Path, help="RDF files to check instead (read as one ontology)")
    co.add_argument("--every-axiom", action="store_true", help="list every offending axiom, not one per kind")
    co.add_argument(
        "--ignore-unsupported-datatypes",
        action="store_true",
        help="let HermiT drop axioms with datatypes outside OWL 2 instead of refusing (the profile still reports them)",
    )
    co.set_defaults(func=cmd_check_owl)

    md = sub.add_parser(
        "model-doc",
        help="write docs/model.md (diagram, mappings, labels) from the ontology",
        description="Generate docs/model.md from ontology/asmk.ttl: a Mermaid class diagram, the table of "
        "mappings to Popolo, OParl 1.1, ELI and W3C ORG, and the labels and definitions of every class "
        "and property. Deterministic; --check only says whether the file is current (exit 1 if not).",
    )
    md.add_argument("--output", type=Path, help="where to write (default docs/model.md)")
    md.add_argument("--check", action="store_true", help="write nothing; exit 1 when the file is not current")
    md.set_defaults(func=cmd_model_doc)

    q = sub.add_parser(
        "query",
        help="run a SPARQL SELECT on the built graph",
        description="Run a SPARQL SELECT query (a string or a .rq file) on graph/ "
        "plus the ontology, in the embedded Oxigraph store.",
    )
    q.add_argument("query", help="SPARQL text or path to a .rq file")
    q.add_argument("--format", choices=("table", "json", "csv"), default="table")
    store_options(q)
    q.set_defaults(func=cmd_query)

    s = sub.add_parser(
        "stats",
        help="count triples and instances per class",
        description="Count the triples and the instances of each class in graph/.",
    )
    store_options(s)
    s.set_defaults(func=cmd_stats)

    sv = sub.add_parser(
        "serve",
        help="serve the API (SPARQL, REST, Linked Data, dumps)",
        description="Start the FastAPI application with uvicorn, on the embedded Oxigraph store "
        "loaded from graph/, or on a remote SPARQL endpoint given with --endpoint (load it first).",
    )
    sv.add_argument("--host", default="127.0.0.1")
    sv.add_argument("--port", type=int, default=8000)
    sv.add_argument("--build", action="store_true", help="build graph/ first")
    sv.add_argument("--query-timeout", type=float, default=10.0, help="seconds a /sparql query may run (10)")
    sv.add_argument("--max-rows", type=int, default=10000, help="most rows a /sparql SELECT may return (10000)")
    sv.add_argument("--base", default=DEFAULT_BASE)
    sv.add_argument(
        "--public-url",
        default=os.environ.get("ASMK_PUBLIC_URL"),
        help="where clients reach this service, e.g. https://asmk.example.org; links are built from it, "
        "never from the Host header [ASMK_PUBLIC_URL] (default http://HOST:PORT)",
    )
    sv.add_argument("--workers", type=int, default=2, help="query worker processes (or concurrent remote queries) (2)")
    sv.add_argument("--queue", type=int, default=0, help="queries that may wait for a worker (default 2 x workers)")
    sv.add_argument("--worker-memory", type=int, default=1024, help="MiB of memory per query worker (1024)")
    sv.add_argument("--max-body", type=int, default=1 << 20, help="bytes of request body (1 MiB)")
    sv.add_argument("--max-answer-bytes", type=int, default=16 << 20, help="bytes of one /sparql answer (16 MiB)")
    sv.add_argument(
        "--api-cache-ttl",
        type=float,
        default=5.0,
        help="seconds /api and /id answers of a remote store are fresh (5), then sent as long again while renewed",
    )
    sv.add_argument("--no-api-cache", action="store_true", help="compute every /api and /id answer anew")
    store_options(sv)
    sv.set_defaults(func=cmd_serve)

    ld = sub.add_parser(
        "load",
        help="replace the graph in a SPARQL server with graph/ (atomically)",
        description="Push graph/asmk.nt (the union of all graphs) into --graph and each named graph of "
        "graph/asmk.nq into a graph of its own name, replacing each in one transaction: by a Graph Store "
        "Protocol PUT (--method gsp: Fuseki, GraphDB, Oxigraph server) or by Virtuoso's bulk loader and a "
        "transactional swap over isql (--method virtuoso). Then checks the triple counts through --endpoint.",
    )
    store_options(ld, need_endpoint=True)
    ld.add_argument("--method", choices=("gsp", "virtuoso"), default="gsp")
    ld.add_argument(
        "--gsp-url",
        help="Graph Store Protocol URL, e.g. http://host:3030/ds/data or "
        "Virtuoso's http://host:8890/sparql-graph-crud-auth (with --user, --auth digest and the password "
        "from --password-file or ASMK_PASSWORD)",
    )
    ld.add_argument("--isql", metavar="HOST:PORT", help="Virtuoso SQL port for --method virtuoso, e.g. 127.0.0.1:1111")
    ld.add_argument("--isql-user", default="dba")
    ld.add_argument("--isql-password", action=NotOnCommandLine, help=argparse.SUPPRESS)
    ld.add_argument(
        "--isql-password-file",
        default=os.environ.get("ASMK_ISQL_PASSWORD_FILE"),
        metavar="FILE",
        help="file holding the DBA password [ASMK_ISQL_PASSWORD_FILE]; or the variable ASMK_ISQL_PASSWORD "
        "(default dba)",
    )
    ld.add_argument(
        "--allow-non-atomic",
        action="store_true",
        help="load by GSP even into a server whose PUT is not atomic (Virtuoso): readers may see a partial graph",
    )
    ld.add_argument("--load-dir", type=Path, help="directory the Virtuoso server can read (in its DirsAllowed)")
    ld.add_argument("--load-timeout", type=float, default=600.0, help="seconds per loading step (600)")
    ld.set_defaults(func=cmd_load)
    return p


def main(argv: list[str] | None = None) -> int:
    args = parser().parse_args(argv)
    paths = project_paths(args.root)
    try:
        return int(args.func(args, paths))
    except DataErrors as exc:
        print(f"error: the source data has {len(exc.errors)} problem(s); nothing was written:", file=sys.stderr)
        for error in exc.errors:
            print(f"  {error}", file=sys.stderr)
        return 2
    except ValidationFailed as exc:
        print("error: SHACL validation found violations; graph/ was left unchanged:", file=sys.stderr)
        sys.stderr.write(exc.report.text())
        return 1
    except QueryError as exc:
        print(f"error: query failed: {exc}", file=sys.stderr)
        return 2
    except (StoreError, LoadError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 3
    except FileNotFoundError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
