"""The hostile corpus of issue 9: every query and request the issue found breaking the endpoint,
plus variants made by a seeded generator. Used by test_query_check.py (the tokenizer alone),
test_pool.py (the workers, without the tokenizer) and test_hostile.py (a live server)."""

from __future__ import annotations

import random

# a listener on 127.0.0.1 replaces PORT; it must never see a connection
SERVICE_TEMPLATES = [
    "SELECT * WHERE { SERVICE <http://127.0.0.1:PORT/x> { ?s ?p ?o } }",
    "SELECT * WHERE { #x\rSERVICE <http://127.0.0.1:PORT/x> { ?s ?p ?o } }",  # comment ended by CR
    "SELECT * WHERE { SERVICE SILENT <http://127.0.0.1:PORT/x> { ?s ?p ?o } }",
    "SELECT * WHERE { BIND(<http://127.0.0.1:PORT/x> AS ?x) SERVICE ?x { ?s ?p ?o } }",
    "SELECT * WHERE { { SELECT * WHERE { SERVICE <http://127.0.0.1:PORT/x> { ?s ?p ?o } } } }",  # subquery
    "PREFIX e: <http://127.0.0.1:PORT/> SELECT * WHERE { SERVICE e:x { ?s ?p ?o } }",
    "SELECT * WHERE { service<http://127.0.0.1:PORT/x>{?s ?p ?o} }",
    "SELECT * WHERE { BIND(1 AS ?a) FILTER(?a<e:b)SERVICE<http://127.0.0.1:PORT/x>#>\n{?s ?p ?o} }",
    'SELECT * WHERE { ?s ?p ?o } #x\r"""\nSERVICE <http://127.0.0.1:PORT/x> { ?s ?p ?o }\n"""',
    "SELECT * WHERE { OPTIONAL { SERVICE <http://127.0.0.1:PORT/x> { ?s ?p ?o } } }",
    "SELECT * WHERE { FILTER EXISTS { SERVICE <http://127.0.0.1:PORT/x> { ?s ?p ?o } } }",
    "ASK { SERVICE <http://127.0.0.1:PORT/x> { ?s ?p ?o } }",
    "CONSTRUCT { ?s ?p ?o } WHERE { SERVICE <http://127.0.0.1:PORT/x> { ?s ?p ?o } }",
    "SELECT * WHERE { BIND(1 AS ?a) FILTER(?a<?a||true)SERVICE?x{?s?p?o}FILTER(?a>?a||true) }",  # RuntimeError
    # Virtuoso's built-in functions fetch URLs (bif:http_get), whatever the name is spelled like
    "SELECT (bif:http_get('http://127.0.0.1:PORT/bif') AS ?x) WHERE {}",
    "SELECT (<bif:http_get>('http://127.0.0.1:PORT/bif') AS ?x) WHERE {}",
    "PREFIX b: <bif:> SELECT (b:http_get('http://127.0.0.1:PORT/bif') AS ?x) WHERE {}",
    "PREFIX b: <bi> SELECT (b:f:http_get('http://127.0.0.1:PORT/bif') AS ?x) WHERE {}",
    'DEFINE get:soft "replace" SELECT * FROM <http://127.0.0.1:PORT/sponge> WHERE { ?s ?p ?o }',
]

# the engine's parser recurses: each of these crashed a worker (SIGSEGV) before issue 9
DEEP = [
    "SELECT * WHERE " + "{" * 3000 + "}" * 3000,
    "SELECT * WHERE { FILTER(" + "(" * 10000 + "true" + ")" * 10000 + ") }",
    "SELECT * WHERE { " + "OPTIONAL { ?s ?p ?o " * 5000 + "}" * 5000 + " }",
    "SELECT * WHERE { ?s ?p ?o " + "FILTER NOT EXISTS { ?s ?p ?o " * 5000 + "}" * 5000 + " }",
    "SELECT * WHERE { FILTER(" + "!" * 10000 + "true) }",
    "SELECT * WHERE { ?s ?p " + "(" * 10000 + ")" * 10000 + " }",
    "SELECT * WHERE { ?s ?p " + "[ ?p " * 10000 + "?o" + "]" * 10000 + " }",
    "SELECT * WHERE { " + " UNION ".join(["{ ?s ?p ?o }"] * 10000) + " }",
    "SELECT * WHERE { ?s ?p ?o FILTER(" + "||".join(["?o"] * 10000) + ") }",
    "SELECT * WHERE { ?s " + "/".join(["<p:a>"] * 10000) + " ?o }",
]

# runaway work: stopped at the deadline, or by the worker's memory cap
RUNAWAY = [
    "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }",
    "SELECT * WHERE { ?a ?b ?c . ?d ?e ?f } ORDER BY ?c ?f",
    'SELECT (STRLEN(?x30) AS ?n) WHERE { BIND("0123456789abcdef" AS ?x0) '
    + " ".join(f"BIND(CONCAT(?x{i},?x{i}) AS ?x{i + 1})" for i in range(30))
    + " }",
]

# large answers: refused by the row, triple or byte cap, never built in the server process
HEAVY = [
    "CONSTRUCT { ?s ?p ?o . ?o ?p ?s } WHERE { ?s ?p ?o . ?a ?b ?c }",
    "SELECT * WHERE { ?s ?p ?o . ?a ?b ?c }",
    "DESCRIBE ?s WHERE { ?s ?p ?o }",
]

UPDATES = [
    "INSERT DATA { <a:b> <a:c> <a:d> }",
    "DELETE WHERE { ?s ?p ?o }",
    "CLEAR ALL",
    "LOAD <http://127.0.0.1:PORT/load>",
    "PREFIX x: <y:> DROP SILENT GRAPH x:g",
]


def service_corpus(port: int) -> list[str]:
    return [template.replace("PORT", str(port)) for template in SERVICE_TEMPLATES]


def variants(queries: list[str], seed: int, count: int) -> list[str]:
    """Spelling variants an engine reads alike: case, whitespace, comments, line ends."""
    rng = random.Random(seed)
    spaces = [" ", "  ", "\t", "\n", "\r\n", " #c\n", " #c\r", "\r"]
    out = []
    for _ in range(count):
        query = rng.choice(queries)
        words = query.split(" ")
        query = "".join(word + rng.choice(spaces) for word in words).rstrip()
        if rng.random() < 0.5:
            query = query.replace("SERVICE", rng.choice(["service", "Service", "SERVICE", "sErViCe"]))
        out.append(query)
    return out
