"""The errors a store raises: each is a problem the user is told about in plain words."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from sqlalchemy.exc import SQLAlchemyError


class StoreError(Exception):
    """A problem the user must be told about in plain words. Never a traceback."""


class ForeignDatabaseError(StoreError):
    pass


class NewerDatabaseError(StoreError):
    pass


class CorruptDatabaseError(StoreError):
    pass


class ReadOnlyDatabaseError(StoreError):
    pass


class DatabaseProblemsError(CorruptDatabaseError):
    """A file that opens, but isn't a sound Next Round database: `problems` says why."""

    def __init__(self, path: Path, problems: Sequence[str]) -> None:
        self.problems = list(problems)
        shown = "; ".join(self.problems[:3])
        more = f" (and {len(self.problems) - 3:,} more)" if len(self.problems) > 3 else ""
        super().__init__(f"{path} can't be used as a Next Round database: {shown}{more}. "
                         "Nothing was changed.")


class NotFoundError(StoreError):
    pass


class StaleVersionError(StoreError):
    """Another tab or process saved this row after it was loaded here."""


def _reason(exc: SQLAlchemyError) -> str:
    original = getattr(exc, "orig", None) or exc
    message = str(original)
    if "locked" in message or "busy" in message or "lock timeout" in message:
        return "the database is busy in another window or program; please try again"
    if "Connection refused" in message or "could not translate host name" in message \
            or "timeout expired" in message:
        return ("the database server doesn't answer (check that it is running and the address "
                "is right)")
    if "does not exist" in message and "database" in message:
        return "there is no such database on the server (create it first)"
    if "password authentication failed" in message or "no password supplied" in message:
        return "the database server refused the user name or password"
    if "readonly" in message or "read-only" in message:
        return "the database file is read-only"
    if "disk" in message and "full" in message:
        return "the disk is full"
    if "disk I/O error" in message:
        return "the disk refused the write (it may be full, or the drive was disconnected)"
    return message
