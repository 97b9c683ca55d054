"""The w3id redirect rules (w3id/.htaccess) in a real Apache with mod_rewrite on 127.0.0.1, as
w3id.org runs them, aimed at the live server: every identifier the graph and the vocabulary mint
under https://w3id.org/asmk/ is redirected and answered. Rows of docs/conformance.md."""

from __future__ import annotations

import os
import pwd
import re
import shutil
import subprocess
import tempfile
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import httpx
import pytest

from asmk_graph.store.virtuoso import free_port

from .loopback import HTTP
from .test_http_protocol import VERSION

ROOT = Path(__file__).resolve().parents[1]
APACHE = Path("/usr/sbin/apache2")
MODULES = Path("/usr/lib/apache2/modules")
PLACEHOLDER = "https://asmk-graph.example.org"
BASE = "https://w3id.org/asmk/"
CONFIG = """\
ServerRoot {root}
ServerName 127.0.0.1
Listen 127.0.0.1:{port}
LoadModule mpm_event_module {modules}/mod_mpm_event.so
LoadModule authz_core_module {modules}/mod_authz_core.so
LoadModule rewrite_module {modules}/mod_rewrite.so
{user}
PidFile {root}/httpd.pid
ErrorLog {root}/error.log
LogLevel warn rewrite:info
Mutex file:{root}
DocumentRoot {root}/htdocs
<Directory {root}/htdocs>
    AllowOverride All
    Require all granted
</Directory>
"""

pytestmark = pytest.mark.skipif(not APACHE.exists(), reason="Apache is not installed: make test runs install-apache.sh")


@pytest.fixture(scope="module")
def w3id(live_server: str) -> Iterator[str]:
    """Apache serving w3id/.htaccess as w3id.org's asmk/ folder, its target the live server; its URL."""
    root = Path(tempfile.mkdtemp(prefix="w3id-"))
    os.chmod(root, 0o755)  # Apache's workers run as www-data when started by root
    folder = root / "htdocs" / "asmk"
    folder.mkdir(parents=True)
    rules = (ROOT / "w3id" / ".htaccess").read_text(encoding="utf-8")
    assert rules.count(PLACEHOLDER) == 1, "the target is named once in w3id/.htaccess"
    (folder / ".htaccess").write_text(rules.replace(PLACEHOLDER, live_server), encoding="utf-8")
    for path in (root / "htdocs", folder, folder / ".htaccess"):
        os.chmod(path, 0o755 if path.is_dir() else 0o644)
    port = free_port()
    user = ""
    if os.geteuid() == 0:
        account = pwd.getpwnam("www-data")
        user = f"User {account.pw_name}\nGroup #{account.pw_gid}"
    (root / "httpd.conf").write_text(CONFIG.format(root=root, port=port, modules=MODULES, user=user))
    process = subprocess.Popen([str(APACHE), "-f", str(root / "httpd.conf"), "-DFOREGROUND"], stderr=subprocess.PIPE)
    url = f"http://127.0.0.1:{port}/asmk/"
    try:
        for _ in range(100):
            if process.poll() is not None:
                raise RuntimeError(f"Apache exited: {process.stderr.read().decode() if process.stderr else ''}")
            try:
                HTTP.get(url, timeout=1)
                break
            except httpx.TransportError:
                time.sleep(0.1)
        yield url
    finally:
        process.terminate()
        process.wait(10)
        shutil.rmtree(root, ignore_errors=True)


def resolve(w3id: str, iri: str, accept: str = "text/turtle") -> tuple[httpx.Response, httpx.Response]:
    """The redirect w3id answers for iri, and what the target answers at its Location."""
    redirect = HTTP.get(w3id + iri.removeprefix(BASE), headers={"Accept": accept}, timeout=30)
    answer = HTTP.get(redirect.headers.get("location", "http://0.0.0.0/"), headers={"Accept": accept}, timeout=30)
    return redirect, answer


@pytest.mark.conformance("w3id", "the vocabulary, its version IRI, the graph, the endpoint, by Accept", order=0)
def test_w3id_redirects(w3id: str, live_server: str) -> None:
    for iri, accept, status, target, media in [
        (BASE + "def", "text/turtle", 302, "/def", "text/turtle"),
        (BASE + "def", "text/html", 302, "/def", "text/html"),
        (BASE + "def", "application/ld+json", 302, "/def", "application/ld+json"),
        (BASE + f"def/{VERSION}", "application/rdf+xml", 302, f"/def/{VERSION}", "application/rdf+xml"),
        (BASE + "id/conference/97", "application/n-triples", 303, "/id/conference/97", "application/n-triples"),
        (BASE + "graph", "application/n-triples", 303, "/dumps/asmk.nt", "application/n-triples"),
        (BASE + "graph", "text/turtle", 303, "/dumps/asmk.ttl", "text/turtle"),
        (BASE + "", "text/html", 302, "/", "text/html"),
    ]:
        redirect, answer = resolve(w3id, iri, accept)
        assert (redirect.status_code, redirect.headers["location"]) == (status, live_server + target), iri
        assert answer.status_code == 200 and answer.headers["content-type"].startswith(media), (iri, accept)
    assert HTTP.get(w3id + "nothing-here", timeout=30).status_code == 404


@pytest.mark.conformance("w3id", "the SPARQL endpoint: 307 keeps GET parameters and a POST with its body", order=1)
def test_w3id_keeps_sparql_requests(w3id: str) -> None:
    accept = {"Accept": "application/sparql-results+json"}
    with httpx.Client(timeout=30, follow_redirects=True, headers=accept) as http:
        by_get = http.get(w3id + "sparql", params={"query": "ASK { ?s ?p ?o }"})
        assert by_get.history[0].status_code == 307 and by_get.json()["boolean"] is True
        by_post = http.post(w3id + "sparql", data={"query": "ASK { ?s ?p ?o }"})
        assert by_post.history[0].status_code == 307 and by_post.json()["boolean"] is True


# on the embedded store only: the rules do not depend on the store, and 170 descriptions cost time
@pytest.mark.conformance("w3id", "every IRI the graph and the vocabulary mint under w3id.org/asmk resolves", order=2)
@pytest.mark.parametrize("live_server", ["oxigraph"], indirect=True)
def test_every_minted_iri_resolves(w3id: str, record_property: object) -> None:
    text = (ROOT / "graph" / "asmk.nt").read_text(encoding="utf-8") + (ROOT / "ontology" / "asmk.ttl").read_text(
        encoding="utf-8"
    )
    iris = sorted({iri for iri in re.findall(r"<(https://w3id\.org/asmk/[^>#]*)", text)})
    with ThreadPoolExecutor(8) as pool:
        answers = dict(zip(iris, pool.map(lambda iri: resolve(w3id, iri)[1].status_code, iris), strict=True))
    assert [iri for iri, status in answers.items() if status != 200] == []
    record_property("note", f"{len(iris)} IRIs")  # type: ignore[operator]
