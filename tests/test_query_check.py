"""The tokenizer-based query check: every hostile text is refused with the rule or limit named,
and ordinary queries (including ones that mention forbidden words in strings, IRIs, comments
and variable names) pass."""

from __future__ import annotations

import time

import pytest

from asmk_graph.web.query_check import QueryLimits, QueryRefused, check_query, tokens

from .hostile import DEEP, UPDATES, service_corpus, variants

LIMITS = QueryLimits()


def refusal(query: str, limits: QueryLimits = LIMITS) -> tuple[int, str]:
    with pytest.raises(QueryRefused) as refused:
        check_query(query, limits)
    return refused.value.status, str(refused.value)


@pytest.mark.parametrize("query", service_corpus(8080) + variants(service_corpus(8080), seed=9, count=200))
def test_every_service_and_extension_variant_is_refused(query: str) -> None:
    status, message = refusal(query)
    assert status == 400 and ("SERVICE" in message or "extensions" in message), query


@pytest.mark.parametrize("query", [q.replace("PORT", "80") for q in UPDATES])
def test_updates_are_refused_as_read_only(query: str) -> None:
    assert refusal(query) == (403, "this endpoint is read-only: SPARQL Update is not accepted")


@pytest.mark.parametrize("query", DEEP)
def test_deep_nesting_and_long_chains_are_refused_naming_the_limit(query: str) -> None:
    status, message = refusal(query, QueryLimits(max_bytes=1_000_000))  # not refused for its size alone
    assert status == 400 and ("more than 64 deep" in message or "more than 1000 operators" in message)


def test_size_limit_counts_bytes() -> None:
    status, message = refusal("SELECT * WHERE { ?s ?p " + '"' + "ä" * 60_000 + '" }')
    assert status == 400 and "the limit is 100000 bytes" in message


@pytest.mark.parametrize(
    ("query", "form"),
    [
        ('SELECT * { ?s ex:service "SERVICE <http://x/> {}" } # SERVICE <x> {}', "select"),
        ("SELECT ?service ?insert WHERE { ?service <http://x/insert/y> ?insert }", "select"),
        ("SELECT * { ?s <http://example.org/service> ?o . ?o <http://x/load/z> ?s }", "select"),
        ("SELECT * { ?s ?p '''a\n'b'' SERVICE <x> {}''' }", "select"),
        ("PREFIX sd: <http://www.w3.org/ns/sparql-service-description#> SELECT * { ?s a sd:Service }", "select"),
        ("ASK { ?s ?p ?o FILTER(?o < 3 && ?o > 1) }", "ask"),
        ("CONSTRUCT WHERE { ?s ?p ?o } LIMIT 3", "graph"),
        ("DESCRIBE <https://w3id.org/asmk/id/conference/97>", "graph"),
        ("SELECT * WHERE " + "{" * 60 + "}" * 60, "select"),
        ("SELECT * WHERE { " + " UNION ".join(["{ ?s ?p ?o }"] * 300) + " }", "select"),
    ],
)
def test_ordinary_queries_pass_with_their_form(query: str, form: str) -> None:
    assert check_query(query, LIMITS) == form


def test_a_comment_ends_at_a_carriage_return() -> None:
    assert [t.text for t in tokens("#x\rSERVICE")] == ["SERVICE"]
    assert [t.text for t in tokens("#x\rSERVICE", comment_ends_at_cr=False)] == []


def test_less_than_is_read_both_as_an_iri_and_as_an_operator() -> None:
    text = "FILTER(?a<?b)FILTER(?b>?a)"
    assert "<?b)FILTER(?b>" in [t.text for t in tokens(text)]  # a lexer (Virtuoso) reads an IRI
    assert "FILTER" in [t.text for t in tokens(text, iris=False)][3:]  # a PEG parser (Oxigraph) does not


@pytest.mark.parametrize(
    "text", ["a-" * 50_000, "a." * 50_000, "'''" + "a'" * 30_000, '"' + "\\a" * 40_000, "<a" * 50_000, "?" * 99_000]
)
def test_pathological_texts_are_checked_in_linear_time(text: str) -> None:
    started = time.process_time()
    with pytest.raises(QueryRefused):  # too long, too deep or too many operators, or no query at all
        check_query(text + " SERVICE <x> {}", QueryLimits(max_bytes=200_000))
    assert time.process_time() - started < 5  # a backtracking tokenizer took minutes on these


def test_limits_are_configurable() -> None:
    query = "SELECT * WHERE " + "{" * 10 + "}" * 10
    assert refusal(query, QueryLimits(max_depth=5))[1].startswith("the query nests brackets more than 5 deep")
    assert check_query(query, QueryLimits(max_depth=10)) == "select"
