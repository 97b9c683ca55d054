"""Problems in the source data, each naming the file, the record, the field and the line."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class DataError:
    file: str
    record: str
    field: str
    message: str
    line: int | None = None

    def __str__(self) -> str:
        where = f"{self.file}:{self.line}" if self.line else self.file
        if self.record:
            where += f": {self.record}"
        if self.field:
            where += f"{',' if self.record else ':'} field '{self.field}'"
        return f"{where}: {self.message}"


class DataErrors(Exception):
    """All problems of one load, reported together so that one run shows everything to fix."""

    def __init__(self, errors: list[DataError]) -> None:
        self.errors = errors
        super().__init__("\n".join(str(e) for e in errors))
