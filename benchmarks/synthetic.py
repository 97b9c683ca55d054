"""Synthetic ASMK-shaped graphs of a chosen size, for benchmarks (not real data).

Meetings, resolutions with their motions (initiators, co-sponsors) and votes (outcomes),
topics and citations in the ASMK vocabulary (model v2), about 30 triples per resolution, so
the benchmark queries exercise the real shapes.
"""

from __future__ import annotations

import random

ASMK = "https://w3id.org/asmk/def#"
ID = "https://example.org/synthetic/id/"
RDF_TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"
LABEL = "http://www.w3.org/2000/01/rdf-schema#label"
SUBJECT = "http://purl.org/dc/terms/subject"
SOURCE = "http://purl.org/dc/terms/source"
ABSTRACT = "http://purl.org/dc/terms/abstract"
STATES = [
    "DE-BW",
    "DE-BY",
    "DE-BE",
    "DE-BB",
    "DE-HB",
    "DE-HH",
    "DE-HE",
    "DE-MV",
    "DE-NI",
    "DE-NW",
    "DE-RP",
    "DE-SL",
    "DE-SN",
    "DE-ST",
    "DE-SH",
    "DE-TH",
]
OUTCOMES = ["unanimous", "large-majority", "majority", "agreed", None]  # None: no outcome stated
INTEGER = "http://www.w3.org/2001/XMLSchema#integer"
TOPICS = [f"topic-{i}" for i in range(16)]


def _t(s: str, p: str, o: str) -> str:
    return f"<{s}> <{p}> {o} .\n"


def generate(target_triples: int, seed: int = 7) -> str:
    rng = random.Random(seed)
    out: list[str] = []
    for code in STATES:
        s = f"{ID}state/{code}"
        out += [_t(s, RDF_TYPE, f"<{ASMK}State>"), _t(s, f"{ASMK}isoCode", f'"{code}"'), _t(s, LABEL, f'"{code}"@de')]
    for topic in TOPICS:
        out += [_t(f"{ID}topic/{topic}", "http://www.w3.org/2004/02/skos/core#notation", f'"{topic}"')]
    number = 1
    while len(out) < target_triples:
        meeting = f"{ID}conference/{number}"
        year = 1923 + number
        out += [
            _t(meeting, RDF_TYPE, f"<{ASMK}MainConference>"),
            _t(meeting, f"{ASMK}number", f'"{number}"^^<{INTEGER}>'),
            _t(meeting, f"{ASMK}year", f'"{year}"^^<{INTEGER}>'),
        ]
        for r in range(40):
            res = f"{ID}resolution/{number}/r{r}"
            motion, vote = f"{res}#motion", f"{res}#vote"
            out += [
                _t(res, RDF_TYPE, f"<{ASMK}Resolution>"),
                _t(res, f"{ASMK}adoptedAt", f"<{meeting}>"),
                _t(res, LABEL, f'"Beschluss {number}/{r}"@de'),
                _t(res, ABSTRACT, f'"Zusammenfassung {rng.random():.6f} Pflege Arbeit"@de'),
                _t(motion, RDF_TYPE, f"<{ASMK}Motion>"),
                _t(motion, f"{ASMK}resultedIn", f"<{res}>"),
            ]
            outcome = rng.choice(OUTCOMES)
            if outcome:
                out += [
                    _t(vote, RDF_TYPE, f"<{ASMK}VoteEvent>"),
                    _t(vote, f"{ASMK}onMotion", f"<{motion}>"),
                    _t(vote, f"{ASMK}outcome", f"<{ASMK}{outcome}>"),
                ]
            for code in rng.sample(STATES, 2):
                out.append(_t(motion, f"{ASMK}initiator", f"<{ID}state/{code}>"))
            for code in rng.sample(STATES, 3):
                out.append(_t(motion, f"{ASMK}cosponsor", f"<{ID}state/{code}>"))
            for topic in rng.sample(TOPICS, 2):
                out.append(_t(res, SUBJECT, f"<{ID}topic/{topic}>"))
            for c in range(3):
                cite = f"{res}#source-{c}"
                out += [
                    _t(res, SOURCE, f"<{ID}source/s{c}>"),
                    _t(res, "http://www.w3.org/ns/prov#qualifiedDerivation", f"<{cite}>"),
                    _t(cite, f"{ASMK}lineStart", f'"{c + 1}"^^<{INTEGER}>'),
                ]
        number += 1
    return "".join(out)
