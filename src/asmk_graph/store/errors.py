"""The errors of the store layer that the command line reports (kept apart: importing them is cheap)."""


class StoreError(Exception):
    """A failure the API reports with `status`."""

    status = 502


class QueryError(StoreError, ValueError):
    """The query could not be parsed or evaluated; the message is the engine's."""

    status = 400


class LoadError(RuntimeError):
    """A load that did not happen; the graph served before is still served."""
