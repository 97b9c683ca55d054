"""OWL 2 DL checks of the ontology plus the graph: profile (OWL API) and consistency (HermiT).

Both run on Java, one JVM per check whatever the number of documents: the two .java files beside
this module, compiled on first use into ~/.cache/asmk-graph/java by the Java runtime's own compiler:

- profile: the OWL API's OWL2DLProfile (Debian's libowlapi-java 5.1) reports every axiom outside
  OWL 2 DL, with the restriction it breaks: undeclared or doubly typed (punned) terms, datatypes
  outside the OWL 2 datatype map, reserved vocabulary, and the global restrictions (e.g. no
  cardinality on a transitive property).
- consistency: HermiT, as bundled by owlready2 (PyPI), decides whether the axioms can all hold; if
  not, a minimal set of axioms that cannot is found (QuickXplain) and reported.

`scripts/install-owl-tools.sh` installs Java and the OWL API; nothing is fetched at run time.
"""

from __future__ import annotations

import hashlib
import os
import re
import shutil
import subprocess
import tempfile
import time
from collections import Counter
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from rdflib import Dataset, Graph

HERE = Path(__file__).resolve().parent
PROFILE_SOURCE = HERE / "OwlDlProfile.java"
CONSISTENCY_SOURCE = HERE / "OwlConsistency.java"

# Debian's libowlapi-java and the jars of its dependencies that loading and profiling need.
DEBIAN_JARS = Path("/usr/share/java")
OWLAPI_JARS = (
    "owlapi-distribution", "guava", "caffeine", "commons-io", "commons-rdf-api", "hppcrt",
    "atinject-jsr330-api", "jsr305", "xz", "slf4j-api", "slf4j-nop",
    "rdf4j-model", "rdf4j-model-api", "rdf4j-rio-api", "rdf4j-util",
)  # fmt: skip
JAVA_TIMEOUT = 600.0
INSTALL_HINT = "run scripts/install-owl-tools.sh (Debian: default-jre-headless, libowlapi-java)"

# The OWL API's violation kinds in plain words (its own messages are terse, some misleading).
REASONS = {
    "IllegalPunning": "one IRI used as two kinds of property (object, datatype, annotation)",
    "UseOfDefinedDatatypeInLiteral": "a literal whose datatype is not in the OWL 2 datatype map",
    "UseOfUndeclaredDatatype": "a datatype that is neither in the OWL 2 datatype map nor declared",
    "DatatypeIRIAlsoUsedAsClassIRI": "a datatype IRI also used as a class",
    "UseOfReservedVocabularyForClassIRI": "an rdf:, rdfs:, owl: or xsd: IRI used as a class",
    "UseOfUndeclaredClass": "a class used but not declared",
    "UseOfUndeclaredObjectProperty": "an object property used but not declared",
    "UseOfUndeclaredDataProperty": "a datatype property used but not declared",
    "UseOfUndeclaredAnnotationProperty": "an annotation property used but not declared",
    "UseOfNonSimplePropertyInCardinalityRestriction": "a cardinality restriction on a non-simple "
    "(e.g. transitive) property",
}


LITERAL_VALUE = re.compile(r'"(?:[^"\\]|\\.)*"\^\^')


class OwlToolsMissing(RuntimeError):
    """Java, the OWL API or owlready2's HermiT is not installed."""


class OwlCheckFailed(RuntimeError):
    """The Java side of a check failed (not a finding about the ontology: a broken run)."""


@dataclass(frozen=True, order=True)
class ProfileViolation:
    kind: str  # the OWL API's OWLProfileViolation class, e.g. IllegalPunning
    message: str  # the OWL API's message, naming the offending term
    axiom: str  # the axiom in OWL functional syntax, or "" for an ontology-level violation

    @property
    def group(self) -> str:
        """The message without the literal's value: one report line per term or datatype, not per value."""
        return LITERAL_VALUE.sub('"…"^^', self.message)


@dataclass(frozen=True)
class ProfileReport:
    document: str
    axioms: int
    violations: tuple[ProfileViolation, ...]
    unparsed: tuple[str, ...]  # triples the RDF-to-OWL mapping could not turn into axioms
    error: str = ""  # why the OWL API could not read the document, if it could not

    @property
    def conforms(self) -> bool:
        return not (self.violations or self.unparsed or self.error)

    def kinds(self) -> set[str]:
        return {v.kind for v in self.violations}

    def text(self, every_axiom: bool = False) -> str:
        if self.error:
            return f"OWL 2 DL profile of {self.document}: not read: {self.error}\n"
        head = (
            f"OWL 2 DL profile of {self.document} ({self.axioms} axioms): "
            f"{len(self.violations)} violation(s), {len(self.unparsed)} unmapped triple(s)"
        )
        lines = [head]
        groups = Counter((v.kind, v.group) for v in self.violations)
        for (kind, group), count in sorted(groups.items()):
            axioms = sorted(v.axiom for v in self.violations if (v.kind, v.group) == (kind, group))
            reason = REASONS.get(kind, kind)
            lines.append(f"[{kind}] {group}  ({reason}; {count} axiom(s))")
            lines.extend(f"    {axiom}" for axiom in (axioms if every_axiom else axioms[:1]) if axiom)
            if not every_axiom and count > 1:
                lines.append(f"    ... and {count - 1} more")
        lines.extend(f"[unmapped triple] {triple}" for triple in self.unparsed)
        return "\n".join(lines) + "\n"


@dataclass(frozen=True)
class ConsistencyReport:
    document: str
    consistent: bool | None  # None: HermiT refused the input (it is not OWL 2 DL)
    explanation: tuple[str, ...]  # when inconsistent: a minimal set of axioms that cannot all hold
    refusal: str = ""

    def text(self) -> str:
        if self.consistent is None:
            return f"HermiT on {self.document}: not decided, input refused: {self.refusal}\n"
        if self.consistent:
            return f"HermiT on {self.document}: consistent\n"
        lines = [f"HermiT on {self.document}: INCONSISTENT; these axioms cannot all hold:"]
        lines.extend(f"    {axiom}" for axiom in self.explanation)
        return "\n".join(lines) + "\n"


@dataclass(frozen=True)
class OwlReport:
    profile: ProfileReport
    consistency: ConsistencyReport
    seconds: dict[str, float]

    @property
    def ok(self) -> bool:
        return self.profile.conforms and self.consistency.consistent is True

    def text(self, every_axiom: bool = False) -> str:
        timing = ", ".join(f"{name} {secs:.1f} s" for name, secs in self.seconds.items())
        return self.profile.text(every_axiom) + self.consistency.text() + f"({timing})\n"


def merge_rdf(files: Sequence[Path], target: Path) -> Path:
    """Write the union of the triples of the files (any RDF syntax; quads lose their graph) as N-Triples."""
    union = Graph()
    for path in files:
        if not path.is_file():
            raise FileNotFoundError(f"no such RDF file: {path}")
        if path.suffix in {".nq", ".trig"}:
            dataset = Dataset()
            dataset.parse(path)
            for s, p, o, _graph in dataset.quads():
                union.add((s, p, o))
        else:
            union.parse(path)
    union.serialize(target, format="nt", encoding="utf-8")
    return target


@contextmanager
def merged_documents(documents: Sequence[Sequence[Path]]) -> Iterator[list[Path]]:
    """Each document (a list of RDF files, read together) as one N-Triples file, deleted afterwards."""
    with tempfile.TemporaryDirectory(prefix="asmk-owl-") as tmp:
        yield [merge_rdf(files, Path(tmp) / f"document-{i}.nt") for i, files in enumerate(documents)]


def java() -> str:
    found = shutil.which("java")
    if not found:
        raise OwlToolsMissing(f"no java on PATH: {INSTALL_HINT}")
    return found


def owlapi_classpath() -> str:
    """ASMK_OWLAPI_CLASSPATH when set (a system without Debian's jars), else Debian's jars."""
    if os.environ.get("ASMK_OWLAPI_CLASSPATH"):
        return os.environ["ASMK_OWLAPI_CLASSPATH"]
    jars = [DEBIAN_JARS / f"{name}.jar" for name in OWLAPI_JARS]
    missing = [jar.name for jar in jars if not jar.is_file()]
    if missing:
        raise OwlToolsMissing(f"OWL API jars missing from {DEBIAN_JARS} ({', '.join(missing)}): {INSTALL_HINT}")
    return os.pathsep.join(str(jar) for jar in jars)


def hermit_classpath() -> str:
    """owlready2's HermiT: its patched classes directory first, then HermiT.jar (as owlready2 runs it)."""
    try:
        import owlready2
    except ImportError as exc:
        raise OwlToolsMissing("owlready2 is not installed: pip install -e '.[dev]'") from exc
    hermit = Path(owlready2.__file__).parent / "hermit"
    if not (hermit / "HermiT.jar").is_file():
        raise OwlToolsMissing(f"owlready2 ships no HermiT.jar in {hermit}")
    return os.pathsep.join([str(hermit), str(hermit / "HermiT.jar")])


def run_java(classpath: str, source: Path, args: Sequence[str]) -> list[list[str]]:
    """Run one of the Java programs; its output lines split into unescaped tab-separated fields."""
    classes = compiled(source, classpath)
    # C1 only: these are short runs, where the optimising compiler costs more than it saves
    command = [java(), "-Xmx2g", "-XX:TieredStopAtLevel=1", "-cp", f"{classes}{os.pathsep}{classpath}", source.stem]
    done = subprocess.run([*command, *args], capture_output=True, timeout=JAVA_TIMEOUT, check=False)
    if done.returncode != 0:
        raise OwlCheckFailed(f"{source.name} exited with {done.returncode}:\n{done.stderr.decode('utf-8', 'replace')}")
    return [[unescape(field) for field in line.split("\t")] for line in done.stdout.decode("utf-8").splitlines()]


def java_cache() -> Path:
    """~/.cache/asmk-graph/java (or under XDG_CACHE_HOME); the temporary directory if that is not writable."""
    cache = Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "asmk-graph" / "java"
    try:
        cache.mkdir(parents=True, exist_ok=True)
    except OSError:
        cache = Path(tempfile.gettempdir()) / "asmk-graph-java"
        cache.mkdir(parents=True, exist_ok=True)
    return cache


def compiled(source: Path, classpath: str) -> Path:
    """The source's classes, compiled once per source and classpath into the cache (the runtime's own
    javac module: no JDK needed), so that a check costs one JVM start, not a compilation too."""
    digest = hashlib.sha256(source.read_bytes() + classpath.encode()).hexdigest()[:16]
    cache = java_cache()
    target = cache / f"{source.stem}-{digest}"
    if (target / f"{source.stem}.class").is_file():
        return target
    building = Path(tempfile.mkdtemp(dir=cache, prefix=".building-"))
    javac = [java(), "-m", "jdk.compiler/com.sun.tools.javac.Main", "-nowarn", "-d", str(building)]
    done = subprocess.run([*javac, "-cp", classpath, str(source)], capture_output=True, timeout=JAVA_TIMEOUT)
    if done.returncode != 0:
        shutil.rmtree(building, ignore_errors=True)
        raise OwlCheckFailed(f"compiling {source.name} failed:\n{done.stderr.decode('utf-8', 'replace')}")
    try:
        building.rename(target)  # atomic: a concurrent run may have won, which is as good
    except OSError:
        shutil.rmtree(building, ignore_errors=True)
    return target


def unescape(field: str) -> str:
    escapes = {"\\": "\\", "t": "\t", "n": "\n", "r": "\r"}
    out, chars = [], iter(field)
    for char in chars:
        out.append(escapes.get(next(chars, ""), "") if char == "\\" else char)
    return "".join(out)


def check_profile(documents: Sequence[Path], names: Sequence[str] | None = None) -> list[ProfileReport]:
    """The OWL 2 DL profile report of each RDF document (Turtle or N-Triples), in one JVM."""
    names = names or [str(d) for d in documents]
    axioms: dict[int, int] = {}
    violations: dict[int, list[ProfileViolation]] = {i: [] for i in range(len(documents))}
    unparsed: dict[int, list[str]] = {i: [] for i in range(len(documents))}
    errors: dict[int, str] = {}
    for tag, index, *fields in run_java(owlapi_classpath(), PROFILE_SOURCE, [str(d) for d in documents]):
        i = int(index)
        if tag == "DOCUMENT":
            axioms[i] = int(fields[0])
        elif tag == "VIOLATION":
            kind, axiom, message = fields
            violations[i].append(ProfileViolation(kind, message, axiom))
        elif tag == "UNPARSED":
            unparsed[i].append(fields[0])
        elif tag == "ERROR":
            errors[i] = fields[0]
    return [
        ProfileReport(
            names[i],
            axioms.get(i, 0),
            tuple(sorted(set(violations[i]))),
            tuple(sorted(unparsed[i])),
            errors.get(i, ""),
        )
        for i in range(len(documents))
    ]


def check_consistency(
    documents: Sequence[Path], names: Sequence[str] | None = None, ignore_unsupported_datatypes: bool = False
) -> list[ConsistencyReport]:
    """HermiT's verdict on each RDF document, with a minimal inconsistent set of axioms where it is one.

    ignore_unsupported_datatypes drops the axioms whose datatypes HermiT does not know (outside the
    OWL 2 datatype map) instead of refusing the document; the profile check reports those anyway.
    """
    names = names or [str(d) for d in documents]
    flags = ["--ignore-unsupported-datatypes"] if ignore_unsupported_datatypes else []
    verdicts: dict[int, bool | None] = {}
    explanations: dict[int, list[str]] = {i: [] for i in range(len(documents))}
    refusals: dict[int, str] = {}
    for tag, index, *fields in run_java(hermit_classpath(), CONSISTENCY_SOURCE, [*flags, *map(str, documents)]):
        i = int(index)
        if tag == "RESULT":
            verdicts[i] = fields[0] == "consistent"
        elif tag == "EXPLANATION":
            explanations[i].append(fields[0])
        elif tag in {"REFUSED", "ERROR"}:
            verdicts[i] = None
            refusals[i] = " ".join(fields[0].split())
    return [
        ConsistencyReport(names[i], verdicts.get(i), tuple(explanations[i]), refusals.get(i, ""))
        for i in range(len(documents))
    ]


def check_owl(files: Sequence[Path], ignore_unsupported_datatypes: bool = False) -> OwlReport:
    """Both checks on the union of the files: the ontology plus the graph, as one OWL ontology."""
    name = " + ".join(path.name for path in files)
    with merged_documents([files]) as (document,):
        started = time.monotonic()
        (profile,) = check_profile([document], [name])
        profiled = time.monotonic()
        (consistency,) = check_consistency([document], [name], ignore_unsupported_datatypes)
        reasoned = time.monotonic()
    seconds = {"profile check": profiled - started, "HermiT": reasoned - profiled}
    return OwlReport(profile, consistency, seconds)
