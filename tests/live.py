"""A live server: `asmk-graph serve` in its own process on 127.0.0.1, as a user starts it (web/http11.py).

conftest.live_servers starts one per store for the whole session; tests that talk HTTP to a real
server (clients written by others, the W3C tests, a browser) share it.
"""

from __future__ import annotations

import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

import httpx

from asmk_graph.namespaces import DEFAULT_GRAPH
from asmk_graph.store.virtuoso import VirtuosoServer, free_port

from .loopback import HTTP

ROOT = Path(__file__).resolve().parents[1]


class LiveServer:
    def __init__(self, *store_options: str) -> None:
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.command = [
            sys.executable, "-m", "asmk_graph.cli", "--root", str(ROOT), "serve", "--port", str(self.port),
            *store_options,
        ]  # fmt: skip
        self.process: subprocess.Popen[bytes] | None = None

    def start(self, wait: float = 60.0) -> LiveServer:
        self.process = subprocess.Popen(self.command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        deadline = time.monotonic() + wait
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                errors = self.process.stderr.read().decode() if self.process.stderr else ""
                raise RuntimeError(f"asmk-graph serve exited with {self.process.returncode}: {errors[-2000:]}")
            try:
                if HTTP.get(self.url + "/health", timeout=2).status_code == 200:
                    return self
            except httpx.TransportError:
                pass
            time.sleep(0.2)
        self.stop()
        raise RuntimeError(f"asmk-graph serve did not answer on {self.url} within {wait:g} s")

    def stop(self) -> None:
        if self.process is None or self.process.poll() is not None:
            return
        self.process.terminate()
        try:
            self.process.wait(10)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait(5)


class LiveServers:
    """One live server per store, started on first use; virtuoso() gives the session's Virtuoso."""

    def __init__(self, virtuoso: Callable[[], VirtuosoServer]) -> None:
        self.virtuoso = virtuoso
        self.running: dict[str, LiveServer] = {}

    def url(self, store: str) -> str:
        if store not in self.running:
            options = ["--endpoint", self.virtuoso().endpoint, "--graph", DEFAULT_GRAPH] if store == "virtuoso" else []
            self.running[store] = LiveServer(*options).start()
        return self.running[store].url

    def stop(self) -> None:
        for server in self.running.values():
            server.stop()
