"""Errors a user can fix, and the policy that decides whether a bad row stops the run."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

OnError = Literal["stop", "skip"]


class ExpungeError(Exception):
    """A problem with the user's input or options: printed as one line, never as a traceback."""

    def __init__(self, message: str, fix: str = "") -> None:
        super().__init__(message)
        self.message = message
        self.fix = fix

    def __str__(self) -> str:
        return f"{self.message} ({self.fix})" if self.fix else self.message

    def __reduce__(self):  # type: ignore[no-untyped-def]
        # Exceptions cross process boundaries (pool, Ray): rebuild from the final text.
        return (ExpungeError, (self.message, self.fix))


class InputError(ExpungeError):
    """Bad data in one shard: names the file and, where known, the line/row."""

    def __init__(self, path: str, message: str, fix: str = "", where: str = "") -> None:
        self.path = path
        self.where = where
        self.reason = message
        place = f"{path}: {where}: " if where else f"{path}: "
        super().__init__(place + message, fix)

    def __reduce__(self):  # type: ignore[no-untyped-def]
        return (InputError, (self.path, self.reason, self.fix, self.where))


@dataclass(frozen=True, slots=True)
class BadRow:
    """One row skipped under --on-error skip. `where` is human-readable ('line 12', 'row 3')."""

    shard: str
    where: str
    reason: str


@dataclass(slots=True)
class ErrorPolicy:
    """Readers call `bad_row` for every malformed row; stop raises, skip records and goes on."""

    mode: OnError = "stop"
    skipped: list[BadRow] = field(default_factory=list)
    # Rows the reader numbered (records and bad rows), set when it finishes: a byte-range
    # task's rows are renumbered from this when the parts of a file are put together.
    rows_numbered: int = 0

    def bad_row(self, shard: str, where: str, reason: str, fix: str = "") -> None:
        if self.mode == "stop":
            raise InputError(
                shard, reason, fix or "fix the row, or re-run with --on-error skip", where
            )
        self.skipped.append(BadRow(shard, where, reason))
