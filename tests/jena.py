"""Debian's Apache Jena (libapache-jena-java, scripts/install-jena.sh) as a client of the live server:
`rsparql` and `riot`, run from its jars. Also used by benchmarks/bench_shacl.py."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import zipfile
from pathlib import Path

JAVA_DIR = Path("/usr/share/java")
JENA_JARS = [
    "jena-*", "slf4j-api", "commons-*", "guava", "failureaccess", "dexx.collection", "jackson-*",
    "jsonld-java", "gson", "httpclient", "httpclient-cache", "httpcore", "protobuf-java", "thrift",
    "titanium-json-ld", "jakarta.json*",
]  # fmt: skip


def jena_classpath(work: Path, logging: bool = False) -> str | None:
    """Debian's Jena jars, plus the xerces message files that Debian's jena-core keeps under their old
    package name: without them Jena's XSD datatypes fail to initialise. logging: Jena's messages on
    stderr (riot reports what is invalid only there), else none. None when Java or Jena is missing."""
    if shutil.which("java") is None or not (JAVA_DIR / "jena-cmds.jar").exists():
        return None
    patterns = [*JENA_JARS, "slf4j-simple" if logging else "slf4j-nop"]
    jars = sorted({str(p) for pattern in patterns for p in JAVA_DIR.glob(pattern + ".jar")})
    jars = [j for j in jars if not re.search(r"-\d[\d.]*\.jar$", j)]  # unversioned links only
    resources = work / "jena-resources"
    with zipfile.ZipFile(JAVA_DIR / "jena-core.jar") as jar:
        for name in jar.namelist():
            if name.startswith("org/apache/jena/ext/xerces/") and name.endswith(".properties"):
                target = resources / "xerces" / name.removeprefix("org/apache/jena/ext/xerces/")
                target.parent.mkdir(parents=True, exist_ok=True)
                target.write_bytes(jar.read(name))
    return os.pathsep.join([str(resources), *jars])


def jena_version() -> str:
    """The version of Debian's package, e.g. 4.5.0 (from the versioned jar's name)."""
    found = sorted(JAVA_DIR.glob("jena-arq-*.jar"))
    return found[0].stem.removeprefix("jena-arq-") if found else "not installed"


# each run here is a short one: the JVM's quick compiler only and its simplest collector start it
# about a quarter sooner (1.3 s -> 1.0 s for riot)
QUICK_START = ["-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC"]


def run_jena(classpath: str, main: str, *args: str, timeout: float = 120) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        ["java", *QUICK_START, "-cp", classpath, main, *args],
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )
