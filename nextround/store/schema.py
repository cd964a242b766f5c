"""The schema as both engines share it: its version, its tables and the derived columns, and
`migrate`, which runs the engine's own frozen steps (dialects/sqlite.py, dialects/postgresql.py).

Migrations are frozen: never edit a shipped step, add a new one, to both engines' lists. Step N
takes a database at version N-1 to N; they run in one transaction after an automatic backup
(decision 3).
"""

from __future__ import annotations

from sqlalchemy.engine import Connection

from nextround.store import dialects
from nextround.store.dialects import postgresql, sqlite

# SQLite's file mark and frozen steps, which the schema check builds its reference from.
from nextround.store.dialects.sqlite import APPLICATION_ID, MIGRATIONS
from nextround.store.dialects.sqlite import apply_migrations as _apply_migrations

SCHEMA_VERSION = 5
TABLES = ("applications", "events", "drafts", "feedback_requests", "reflections", "actions",
          "checkins", "targets", "settings", "path_steps")
MILESTONE_COLUMNS = ("first_reply_on", "first_interview_on", "first_offer_on",
                     "first_rejection_on", "thanks_sent_on", "furthest_level")
# Tables added after the first version, with the version that added them: an older file being
# checked before it is migrated doesn't have them yet.
ADDED_IN = {"path_steps": 5}


def tables_at(version: int) -> tuple[str, ...]:
    """The tables a database at schema `version` has."""
    return tuple(t for t in TABLES if ADDED_IN.get(t, 1) <= version)


# Derived from the events and drafts, so never exported or imported: the triggers rebuild them.
DERIVED_COLUMNS = {"applications": (*MILESTONE_COLUMNS, "reply_days")}

assert sqlite.SCHEMA_VERSION == postgresql.SCHEMA_VERSION == SCHEMA_VERSION

__all__ = ["ADDED_IN", "APPLICATION_ID", "DERIVED_COLUMNS", "MIGRATIONS", "MILESTONE_COLUMNS",
           "SCHEMA_VERSION", "TABLES", "_apply_migrations", "migrate", "tables_at"]


def migrate(conn: Connection) -> int:
    """Bring the database to the newest version inside the caller's write transaction, with
    the steps of the engine `conn` talks to, and return the version it was at."""
    return dialects.for_connection(conn).migrate(conn)
