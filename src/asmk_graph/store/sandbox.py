"""Operating-system limits for the processes that run untrusted work (Linux only).

A query worker calls, first thing: `die_with_parent` (a worker never outlives the server, even
after a SIGKILL), `isolate_network` (its own network namespace in which no interface is up, not
even loopback, so a SERVICE clause, a DNS lookup or any socket cannot reach anything),
`limit_memory` and `lower_priority` (the server's own process keeps the CPU it needs to answer
other requests). pyoxigraph has no switch to turn SERVICE off, which is why the network is taken
away at the OS level instead of filtering the query text.
"""

from __future__ import annotations

import ctypes
import errno
import os
import resource
import signal
import socket

CLONE_NEWNET = 0x40000000
CLONE_NEWUSER = 0x10000000
PR_SET_PDEATHSIG = 1
WORKER_NICENESS = 10

_libc = ctypes.CDLL(None, use_errno=True)


class IsolationError(RuntimeError):
    """The process could not be cut off from the network; it must not run user queries."""


def die_with_parent(parent_pid: int | None = None) -> None:
    """Have the kernel SIGKILL this process when the thread that started it dies.

    parent_pid: the expected parent; if it has already gone (the race before this call), exit now.
    Also usable as subprocess.Popen(preexec_fn=die_with_parent) from a single-threaded program.
    """
    if _libc.prctl(PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0) != 0:
        raise OSError(ctypes.get_errno(), "prctl(PR_SET_PDEATHSIG) failed")
    if parent_pid is not None and os.getppid() != parent_pid:
        os._exit(1)


def _unshare(flags: int) -> int:
    """0, or the errno of unshare(2) (os.unshare exists only from Python 3.12)."""
    return 0 if _libc.unshare(flags) == 0 else ctypes.get_errno()


def isolate_network() -> str:
    """Move this (single-threaded) process into a new network namespace; say how, or IsolationError.

    As root a network namespace alone; otherwise inside a new user namespace, where an unprivileged
    process may own one. Then checks that no interface is up by trying to reach 127.0.0.1.
    """
    failures = []
    for flags, how in (
        (CLONE_NEWNET, "own network namespace"),
        (CLONE_NEWUSER | CLONE_NEWNET, "own user and network namespace"),
    ):
        error = _unshare(flags)
        if error == 0:
            _check_offline()
            return how
        failures.append(f"{how}: {os.strerror(error)}")
    raise IsolationError("cannot take the network away from the query worker (" + "; ".join(failures) + ")")


def _check_offline() -> None:
    interfaces = [name for _, name in socket.if_nameindex()]
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.settimeout(1)
        try:
            probe.connect(("127.0.0.1", 9))
        except OSError as exc:
            if exc.errno == errno.ENETUNREACH and interfaces == ["lo"]:
                return
            raise IsolationError(f"the new network namespace is not offline: {interfaces}, {exc}") from exc
    raise IsolationError("the new network namespace still reaches 127.0.0.1")


def limit_memory(max_bytes: int) -> None:
    """Cap the address space: a query that needs more makes an allocation fail (and the worker end)."""
    resource.setrlimit(resource.RLIMIT_AS, (max_bytes, max_bytes))


def lower_priority() -> None:
    os.nice(WORKER_NICENESS)
