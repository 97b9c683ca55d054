"""A throwaway Virtuoso for tests and benchmarks: its own directory, 127.0.0.1 only, stopped by PID.

Uses Debian's virtuoso-opensource (scripts/install-virtuoso.sh). Two settings differ from the
defaults, as docs/sparql-servers.md asks of any Virtuoso behind the API: ResultSetMaxRows is
raised from 10000, which silently truncates answers (adding only an X-SPARQL-MaxRows header), and
MaxQueryCostEstimationTime = 0 turns off the cost estimate, which refused the API's queries on
this small graph with estimates of hours for queries that run in milliseconds.

The server's address space is capped (8 GiB by default): Virtuoso has no per-query memory limit
that holds (MaxQueryMem does not stop a query that doubles a string with CONCAT), and one such
query grew a test server to 24 GB until the kernel's OOM killer ended it on a shared machine.
"""

from __future__ import annotations

import resource
import shutil
import signal
import socket
import subprocess
import time
from pathlib import Path

import httpx

from .sandbox import die_with_parent

PROGRAM = "virtuoso-t"
DEBIAN_VSP = Path("/var/lib/virtuoso-opensource-7/vsp")

INI = """\
[Database]
DatabaseFile = {dir}/virtuoso.db
ErrorLogFile = {dir}/virtuoso.log
LockFile = {dir}/virtuoso.lck
TransactionFile = {dir}/virtuoso.trx
xa_persistent_file = {dir}/virtuoso.pxa
[TempDatabase]
DatabaseFile = {dir}/virtuoso-temp.db
TransactionFile = {dir}/virtuoso-temp.trx
[Parameters]
ServerPort = 127.0.0.1:{sql_port}
DisableUnixSocket = 1
DirsAllowed = ., {dir}
; no VADInstallDir: Debian's Conductor package would be installed into every new database (7 s of
; the 9 a start took, and its installation fails on Debian's build anyway)
NumberOfBuffers = 170000
MaxDirtyBuffers = 130000
[HTTPServer]
ServerPort = 127.0.0.1:{http_port}
ServerRoot = {vsp}
ServerThreads = 10
MaxClientConnections = 10
Charset = UTF-8
[SPARQL]
ResultSetMaxRows = {max_rows}
MaxQueryExecutionTime = 60
MaxQueryCostEstimationTime = 0
"""


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class VirtuosoServer:
    """virtuoso-t in the foreground (so its PID is ours), with the DBA account dba/dba."""

    def __init__(self, directory: Path, result_set_max_rows: int = 1_000_000, max_memory: int = 8 << 30) -> None:
        self.directory = directory.resolve()
        self.http_port, self.sql_port = free_port(), free_port()
        self.result_set_max_rows = result_set_max_rows
        self.max_memory = max_memory
        self.process: subprocess.Popen[bytes] | None = None

    @property
    def endpoint(self) -> str:
        return f"http://127.0.0.1:{self.http_port}/sparql"

    @property
    def gsp_url(self) -> str:
        return f"http://127.0.0.1:{self.http_port}/sparql-graph-crud-auth"

    @property
    def isql_address(self) -> str:
        return f"127.0.0.1:{self.sql_port}"

    def start(self, wait: float = 120.0) -> VirtuosoServer:
        if shutil.which(PROGRAM) is None:
            raise RuntimeError(f"{PROGRAM} not found: run scripts/install-virtuoso.sh (Debian virtuoso-opensource)")
        self.directory.mkdir(parents=True, exist_ok=True)
        ini = self.directory / "virtuoso.ini"
        ini.write_text(
            INI.format(
                dir=self.directory,
                sql_port=self.sql_port,
                http_port=self.http_port,
                vsp=DEBIAN_VSP,
                max_rows=self.result_set_max_rows,
            )
        )
        log = (self.directory / "stdout.log").open("wb")
        self.process = subprocess.Popen(
            [PROGRAM, "+foreground", "+configfile", str(ini)],
            cwd=self.directory,
            stdout=log,
            stderr=log,
            preexec_fn=die_with_parent,  # a killed test run or benchmark leaves no server running
        )
        resource.prlimit(self.process.pid, resource.RLIMIT_AS, (self.max_memory, self.max_memory))
        deadline = time.monotonic() + wait
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"Virtuoso exited with {self.process.returncode}; see {self.directory}/virtuoso.log")
            try:
                if httpx.get(self.endpoint, params={"query": "ASK {}"}, timeout=2).status_code == 200:
                    return self
            except httpx.HTTPError:
                pass
            time.sleep(0.3)
        self.stop()
        raise RuntimeError(f"Virtuoso did not answer within {wait:g} s; see {self.directory}/virtuoso.log")

    def stop(self) -> None:
        if self.process is None or self.process.poll() is not None:
            return
        self.process.send_signal(signal.SIGTERM)
        try:
            self.process.wait(30)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait(10)

    def __enter__(self) -> VirtuosoServer:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()
