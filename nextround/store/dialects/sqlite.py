"""SQLite: everything Next Round does that only SQLite does, in one place (docs/decisions.md,
"how dialects are kept apart").

- the file: inspected read-only before anything writes to it (decision 2), created complete in
  one step, recovered after a crash, switched to write-ahead logging, checkpointed;
- the engine: pooled connections with our pragmas, and `BEGIN IMMEDIATE` for every write;
- the frozen migration steps (tables, CHECKs, the milestone triggers and covering indexes) and
  the schema version mark (`PRAGMA user_version`, `PRAGMA application_id`);
- what a table's columns demand (for the import's checks) and bulk loading;
- the SQL forms that differ between engines: insert-or-ignore, index hints, deferred foreign
  keys and the foreign-key check, conditional counts, the later of two dates, the start of a
  month or week, the strings of a JSON array, trimming.

`dialects/postgresql.py` has the same names for PostgreSQL; `dialects.for_url` picks one.
"""

from __future__ import annotations

import os
import random
import re
import sqlite3
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from sqlalchemy import create_engine as _sqlalchemy_engine
from sqlalchemy import event
from sqlalchemy.engine import Connection, Engine
from sqlalchemy.pool import QueuePool

from nextround.store.errors import (
    CorruptDatabaseError,
    ForeignDatabaseError,
    NewerDatabaseError,
    StoreError,
)
from nextround.store.files import create_private_file, remove_with_companions, temp_name

NAME = "sqlite"
APPLICATION_ID = 0x4E58524E  # "NXRN": marks a SQLite file as a Next Round database.
SQLITE_HEADER = b"SQLite format 3\x00"  # the first 16 bytes of every SQLite database file
BUSY_TIMEOUT_MS = 10_000


# --- the frozen migration steps -------------------------------------------------------------
# Migrations are frozen: never edit a shipped step, add a new one. Step N takes a database at
# user_version N-1 to N. They run in one transaction after an automatic backup (decision 3).
# PostgreSQL has the same steps in its own words (dialects/postgresql.py).

_DATE = "TEXT CHECK ({col} IS NULL OR {col} IS date({col}, '+0 days'))"


def _d(col: str, null: bool = True) -> str:
    return f"{col} {_DATE.format(col=col)}" + ("" if null else " NOT NULL")


_V1 = [
    """CREATE TABLE settings (
        id INTEGER PRIMARY KEY CHECK (id = 1),
        name TEXT NOT NULL DEFAULT '',
        signature TEXT NOT NULL DEFAULT '',
        weekly_goal INTEGER NOT NULL DEFAULT 5,
        ghost_after_days INTEGER NOT NULL DEFAULT 30,
        timezone TEXT NOT NULL DEFAULT 'UTC',
        support_region TEXT NOT NULL DEFAULT 'US',
        follow_up_days INTEGER NOT NULL DEFAULT 7,
        extra TEXT NOT NULL DEFAULT '{}',
        version INTEGER NOT NULL DEFAULT 1)""",
    "INSERT INTO settings (id) VALUES (1)",
    f"""CREATE TABLE targets (
        id INTEGER PRIMARY KEY,
        company TEXT NOT NULL CHECK (length(company) BETWEEN 1 AND 200),
        role TEXT NOT NULL DEFAULT '',
        why TEXT NOT NULL DEFAULT '',
        priority INTEGER NOT NULL DEFAULT 2,
        status TEXT NOT NULL DEFAULT 'researching',
        next_step TEXT NOT NULL DEFAULT '',
        application_id INTEGER REFERENCES applications(id) ON DELETE SET NULL,
        {_d('created_on', False)},
        version INTEGER NOT NULL DEFAULT 1)""",
    f"""CREATE TABLE applications (
        id INTEGER PRIMARY KEY,
        company TEXT NOT NULL CHECK (length(company) BETWEEN 1 AND 200),
        role TEXT NOT NULL DEFAULT '',
        location TEXT NOT NULL DEFAULT '',
        source TEXT NOT NULL DEFAULT '',
        link TEXT NOT NULL DEFAULT '',
        contact_name TEXT NOT NULL DEFAULT '',
        contact_email TEXT NOT NULL DEFAULT '',
        {_d('applied_on', False)},
        stage TEXT NOT NULL CHECK (stage IN ('applied','screening','interviewing','offer',
                                             'accepted','rejected','withdrawn','ghosted')),
        {_d('stage_on', False)},
        notes TEXT NOT NULL DEFAULT '' CHECK (length(notes) <= 20000),
        target_id INTEGER REFERENCES targets(id) ON DELETE SET NULL,
        created_at TEXT NOT NULL,
        updated_at TEXT NOT NULL,
        version INTEGER NOT NULL DEFAULT 1)""",
    f"""CREATE TABLE events (
        id INTEGER PRIMARY KEY,
        application_id INTEGER NOT NULL REFERENCES applications(id) ON DELETE CASCADE,
        stage TEXT NOT NULL,
        {_d('on_date', False)},
        note TEXT NOT NULL DEFAULT '',
        created_at TEXT NOT NULL)""",
    f"""CREATE TABLE drafts (
        id INTEGER PRIMARY KEY,
        application_id INTEGER REFERENCES applications(id) ON DELETE CASCADE,
        kind TEXT NOT NULL,
        tone TEXT NOT NULL DEFAULT 'warm',
        company TEXT NOT NULL DEFAULT '',
        role TEXT NOT NULL DEFAULT '',
        to_email TEXT NOT NULL DEFAULT '',
        subject TEXT NOT NULL DEFAULT '',
        body TEXT NOT NULL DEFAULT '',
        status TEXT NOT NULL DEFAULT 'draft' CHECK (status IN ('draft','sent')),
        {_d('sent_on')},
        request_token TEXT UNIQUE,
        created_at TEXT NOT NULL,
        updated_at TEXT NOT NULL,
        version INTEGER NOT NULL DEFAULT 1)""",
    f"""CREATE TABLE feedback_requests (
        id INTEGER PRIMARY KEY,
        application_id INTEGER REFERENCES applications(id) ON DELETE CASCADE,
        {_d('asked_on', False)},
        channel TEXT NOT NULL DEFAULT 'email',
        asked_whom TEXT NOT NULL DEFAULT '',
        {_d('follow_up_due')},
        status TEXT NOT NULL DEFAULT 'awaiting',
        follow_ups INTEGER NOT NULL DEFAULT 0,
        {_d('received_on')},
        feedback_text TEXT NOT NULL DEFAULT '',
        themes TEXT NOT NULL DEFAULT '[]',
        draft_id INTEGER REFERENCES drafts(id) ON DELETE SET NULL,
        created_at TEXT NOT NULL,
        updated_at TEXT NOT NULL,
        version INTEGER NOT NULL DEFAULT 1)""",
    f"""CREATE TABLE reflections (
        id INTEGER PRIMARY KEY,
        application_id INTEGER REFERENCES applications(id) ON DELETE SET NULL,
        status TEXT NOT NULL DEFAULT 'draft' CHECK (status IN ('draft','done')),
        answers TEXT NOT NULL DEFAULT '{{}}',
        control_pct INTEGER CHECK (control_pct IS NULL OR control_pct BETWEEN 0 AND 100),
        fit TEXT,
        {_d('created_on', False)},
        {_d('completed_on')},
        updated_at TEXT NOT NULL,
        version INTEGER NOT NULL DEFAULT 1)""",
    f"""CREATE TABLE actions (
        id INTEGER PRIMARY KEY,
        title TEXT NOT NULL CHECK (length(title) BETWEEN 1 AND 300),
        {_d('due_on')},
        {_d('done_on')},
        source_kind TEXT NOT NULL DEFAULT 'manual',
        source_id INTEGER,
        source_label TEXT NOT NULL DEFAULT '',
        {_d('created_on', False)},
        version INTEGER NOT NULL DEFAULT 1)""",
    f"""CREATE TABLE checkins (
        id INTEGER PRIMARY KEY,
        week TEXT NOT NULL UNIQUE CHECK (week GLOB '[0-9][0-9][0-9][0-9]-W[0-9][0-9]'),
        {_d('checked_on', False)},
        items TEXT NOT NULL,
        who5_raw INTEGER NOT NULL CHECK (who5_raw BETWEEN 0 AND 25),
        stress INTEGER CHECK (stress IS NULL OR stress BETWEEN 0 AND 10),
        hours REAL CHECK (hours IS NULL OR hours BETWEEN 0 AND 168),
        self_care TEXT NOT NULL DEFAULT '[]',
        win TEXT NOT NULL DEFAULT '',
        let_go TEXT NOT NULL DEFAULT '',
        updated_at TEXT NOT NULL,
        version INTEGER NOT NULL DEFAULT 1)""",
]

_V2 = [
    # A counter every write bumps: the cache key for every read (issue 10's technique).
    "CREATE TABLE change_counter (id INTEGER PRIMARY KEY CHECK (id = 1), n INTEGER NOT NULL)",
    "INSERT INTO change_counter (id, n) VALUES (1, 0)",
    "CREATE INDEX events_by_application ON events (application_id, on_date)",
    "CREATE INDEX events_by_date ON events (on_date, stage)",
    "CREATE INDEX applications_by_applied ON applications (applied_on)",
    "CREATE INDEX applications_by_stage ON applications (stage, applied_on)",
    "CREATE INDEX drafts_by_application ON drafts (application_id)",
    "CREATE INDEX feedback_by_application ON feedback_requests (application_id)",
    "CREATE INDEX reflections_by_application ON reflections (application_id)",
]

_V3 = [
    # "Rejections without a reply, newest first" (respond page, This week): 21 ms → 0.1 ms
    # at 100,000 applications (tests/bench/README.md).
    "CREATE INDEX applications_by_stage_on ON applications (stage, stage_on)",
]

# --- v4: each application carries its milestones -------------------------------------------
# The progress page counts applications by the dates of their first reply, interview, offer
# and rejection, their first sent thank-you and the furthest stage reached. Working those out
# from `events` on every read grows with the whole history (1 s at 100,000 applications);
# kept on the row by triggers, they are read through small covering indexes as grouped counts
# (decision 14). Triggers, not Python, so every writer keeps them right: the app, import, the
# demo, a restore of an older file (migrated here) and any tool that edits the file.
_REPLY_SQL = "('screening', 'interviewing', 'offer', 'accepted', 'rejected')"
_INTERVIEW_SQL = "('screening', 'interviewing', 'offer', 'accepted')"
_OFFER_SQL = "('offer', 'accepted')"
_REJECTED_SQL = "('rejected')"
_LEVEL_SQL = ("CASE {stage} WHEN 'screening' THEN 1 WHEN 'interviewing' THEN 2"
              " WHEN 'offer' THEN 3 WHEN 'accepted' THEN 3 ELSE 0 END")
_MILESTONE_COLUMNS = ("first_reply_on", "first_interview_on", "first_offer_on",
                      "first_rejection_on", "thanks_sent_on", "furthest_level")


def _first(stages: str) -> str:
    return ("(SELECT min(e.on_date) FROM events e WHERE e.application_id = applications.id"
            f" AND e.stage IN {stages})")


_RECOMPUTE_EVENTS = (
    f"first_reply_on = {_first(_REPLY_SQL)},"
    f" first_interview_on = {_first(_INTERVIEW_SQL)},"
    f" first_offer_on = {_first(_OFFER_SQL)},"
    f" first_rejection_on = {_first(_REJECTED_SQL)},"
    f" furthest_level = coalesce((SELECT max({_LEVEL_SQL.format(stage='e.stage')}) FROM events e"
    " WHERE e.application_id = applications.id), 0)")
_RECOMPUTE_THANKS = (
    "thanks_sent_on = (SELECT min(d.sent_on) FROM drafts d WHERE d.application_id ="
    " applications.id AND d.kind = 'rejection_thanks' AND d.status = 'sent')")


def _earliest(column: str, stages: str) -> str:
    return (f"{column} = CASE WHEN NEW.stage IN {stages} THEN"
            f" min(coalesce({column}, NEW.on_date), NEW.on_date) ELSE {column} END")


_V4 = [
    *(f"ALTER TABLE applications ADD COLUMN {column} TEXT" for column in _MILESTONE_COLUMNS[:5]),
    "ALTER TABLE applications ADD COLUMN furthest_level INTEGER NOT NULL DEFAULT 0",
    f"UPDATE applications SET {_RECOMPUTE_EVENTS}, {_RECOMPUTE_THANKS}",
    # An added event can only move a milestone earlier (or the level up): no re-read needed.
    f"""CREATE TRIGGER events_milestones_insert AFTER INSERT ON events
        WHEN NEW.stage IN {_REPLY_SQL} BEGIN
        UPDATE applications SET {_earliest('first_reply_on', _REPLY_SQL)},
            {_earliest('first_interview_on', _INTERVIEW_SQL)},
            {_earliest('first_offer_on', _OFFER_SQL)},
            {_earliest('first_rejection_on', _REJECTED_SQL)},
            furthest_level = max(furthest_level, {_LEVEL_SQL.format(stage='NEW.stage')})
        WHERE id = NEW.application_id; END""",
    f"""CREATE TRIGGER events_milestones_update AFTER UPDATE OF application_id, stage, on_date
        ON events WHEN OLD.stage IN {_REPLY_SQL} OR NEW.stage IN {_REPLY_SQL} BEGIN
        UPDATE applications SET {_RECOMPUTE_EVENTS}
        WHERE id IN (OLD.application_id, NEW.application_id); END""",
    f"""CREATE TRIGGER events_milestones_delete AFTER DELETE ON events
        WHEN OLD.stage IN {_REPLY_SQL} BEGIN
        UPDATE applications SET {_RECOMPUTE_EVENTS} WHERE id = OLD.application_id; END""",
    # A tool writing with foreign keys off can add events before their application, or
    # renumber an application: its milestones are read again from what is there.
    f"""CREATE TRIGGER applications_milestones_insert AFTER INSERT ON applications
        WHEN EXISTS (SELECT 1 FROM events WHERE application_id = NEW.id)
        OR EXISTS (SELECT 1 FROM drafts WHERE application_id = NEW.id) BEGIN
        UPDATE applications SET {_RECOMPUTE_EVENTS}, {_RECOMPUTE_THANKS} WHERE id = NEW.id;
        END""",
    f"""CREATE TRIGGER applications_milestones_renumber AFTER UPDATE OF id ON applications
        BEGIN UPDATE applications SET {_RECOMPUTE_EVENTS}, {_RECOMPUTE_THANKS}
        WHERE id = NEW.id; END""",
    f"""CREATE TRIGGER drafts_thanks_insert AFTER INSERT ON drafts
        WHEN NEW.kind = 'rejection_thanks' AND NEW.status = 'sent' BEGIN
        UPDATE applications SET {_RECOMPUTE_THANKS} WHERE id = NEW.application_id; END""",
    f"""CREATE TRIGGER drafts_thanks_update AFTER UPDATE OF application_id, kind, status,
        sent_on ON drafts WHEN OLD.kind = 'rejection_thanks' OR NEW.kind = 'rejection_thanks'
        BEGIN UPDATE applications SET {_RECOMPUTE_THANKS}
        WHERE id IN (OLD.application_id, NEW.application_id); END""",
    f"""CREATE TRIGGER drafts_thanks_delete AFTER DELETE ON drafts
        WHEN OLD.kind = 'rejection_thanks' BEGIN
        UPDATE applications SET {_RECOMPUTE_THANKS} WHERE id = OLD.application_id; END""",
    # Covering indexes: each progress count is an index-only range scan, grouped in order.
    "CREATE INDEX applications_by_reply ON applications (first_reply_on, applied_on)",
    "CREATE INDEX applications_by_interview ON applications (first_interview_on, applied_on)",
    "CREATE INDEX applications_by_offer ON applications (first_offer_on, applied_on)",
    "CREATE INDEX applications_by_rejection ON applications (first_rejection_on, applied_on)",
    "CREATE INDEX applications_by_thanks ON applications"
    " (thanks_sent_on, first_rejection_on, applied_on)",
    "CREATE INDEX applications_by_level ON applications"
    " (furthest_level, stage, applied_on, first_reply_on)",
    "CREATE INDEX applications_by_source ON applications (source, applied_on, first_reply_on)",
    # Days from applying to the first reply, computed by SQLite (virtual: never stored) and
    # indexed, so the response-time counts are grouped in index order, not sorted.
    "ALTER TABLE applications ADD COLUMN reply_days INTEGER GENERATED ALWAYS AS"
    " (CAST(julianday(first_reply_on) - julianday(applied_on) AS INTEGER)) VIRTUAL",
    "CREATE INDEX applications_by_reply_days ON applications"
    " (reply_days, first_reply_on, applied_on)",
    # "Rejections without a thank-you": only the unanswered ones are read, newest first.
    "CREATE INDEX applications_unthanked ON applications (stage, thanks_sent_on, stage_on)",
    # The reflect page's "recent reflections", newest first, without sorting them all.
    "CREATE INDEX reflections_by_status ON reflections (status, completed_on)",
]

# --- v5: the path after a no ------------------------------------------------------------------
# Where each rejected application's path stands (nextround/after_no.py): a row per step the user
# marked done, skipped ("not for this one") or left for later. A step with no row is open, and
# most steps are also done by what the data shows (a sent thank-you, a feedback request, a
# finished reflection, a check-in), so the rows hold only what the data can't tell.
_V5 = [
    f"""CREATE TABLE path_steps (
        id INTEGER PRIMARY KEY,
        application_id INTEGER NOT NULL REFERENCES applications(id) ON DELETE CASCADE,
        step TEXT NOT NULL CHECK (step IN ('reply','feedback','reflect','care','next')),
        state TEXT NOT NULL CHECK (state IN ('done','skipped','later')),
        {_d('on_date', False)},
        note TEXT NOT NULL DEFAULT '' CHECK (length(note) <= 1000),
        UNIQUE (application_id, step))""",
]

MIGRATIONS: list[list[str]] = [_V1, _V2, _V3, _V4, _V5]
SCHEMA_VERSION = len(MIGRATIONS)  # the newest `user_version` this version writes


def apply_migrations(execute: Callable[[str], Any], from_version: int, *,
                     marks: bool = True) -> None:
    """Run the frozen steps after `from_version`, then mark the file as ours at the newest
    version. The caller holds the transaction."""
    for version in range(from_version + 1, SCHEMA_VERSION + 1):
        for statement in MIGRATIONS[version - 1]:
            execute(statement)
    if marks:
        execute(f"PRAGMA application_id = {APPLICATION_ID}")
        execute(f"PRAGMA user_version = {SCHEMA_VERSION}")


def read_version(conn: Connection) -> int:
    """The schema version the database is at (0: new and empty)."""
    return int(conn.exec_driver_sql("PRAGMA user_version").scalar_one())


def has_table(conn: Connection, name: str) -> bool:
    return conn.exec_driver_sql("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?",
                                (name,)).first() is not None


def migrate(conn: Connection) -> int:
    """Bring the database to the newest version inside the caller's write transaction, and
    return the version it was at. The version is read again under the write lock: another
    process (the app and the command line started together after an upgrade) may have
    migrated it meanwhile."""
    found = read_version(conn)
    apply_migrations(conn.exec_driver_sql, found)
    return found


# --- the file --------------------------------------------------------------------------------

def inspect_sqlite_file(path: Path) -> tuple[int, int]:
    """(application_id, user_version) of an existing file, or a StoreError. Writes nothing."""
    shown = str(path)
    try:
        size = path.stat().st_size
    except OSError as exc:
        raise StoreError(f"Can't read the database file {shown}: {exc.strerror}.") from exc
    if size == 0:
        raise CorruptDatabaseError(
            f"The database file {shown} is empty (0 bytes). It may have been truncated. "
            "Nothing was changed. Restore a backup, or move the file away to start fresh."
        )
    # Read through SQLite, never with a plain open(): closing any descriptor of a file drops
    # every POSIX lock this process holds on it, SQLite's included, and another process
    # closing its last connection would then delete the write-ahead log under this one's
    # live connections. The raw header is read only when SQLite couldn't read the file.
    try:
        try:
            app_id, user_version, tables, check = _read_marks(path)
        except sqlite3.OperationalError as exc:
            if not _needs_recovery(exc, _raw_header(path)):
                raise
            _recover(path)
            app_id, user_version, tables, check = _read_marks(path)
    except sqlite3.DatabaseError as exc:
        if _raw_header(path)[:16] != SQLITE_HEADER:
            raise ForeignDatabaseError(
                f"{shown} is not a Next Round database (it isn't an SQLite file). Nothing was "
                "changed.") from exc
        raise CorruptDatabaseError(
            f"The database file {shown} is damaged and can't be read ({exc}). "
            "Nothing was changed. Restore a backup from the Your data page or `restore`."
        ) from exc
    if app_id != APPLICATION_ID and not (app_id == 0 and user_version == 0 and tables == 0):
        raise ForeignDatabaseError(
            f"{shown} is an SQLite file, but not a Next Round database. Nothing was changed."
        )
    if user_version > SCHEMA_VERSION:
        raise NewerDatabaseError(
            f"{shown} was written by a newer version of Next Round (schema {user_version}; "
            f"this version understands up to {SCHEMA_VERSION}). Update Next Round to open it. "
            "Nothing was changed."
        )
    if check != "ok":
        raise CorruptDatabaseError(
            f"The database file {shown} failed its integrity check ({check}). Nothing was "
            "changed. Restore a backup from the Your data page or `restore`."
        )
    return app_id, user_version


def _raw_header(path: Path) -> bytes:
    """The file's first 100 bytes, for a file SQLite couldn't read (see `inspect_sqlite_file`
    on why not otherwise)."""
    try:
        with path.open("rb") as handle:
            return handle.read(100)
    except OSError as exc:
        raise StoreError(f"Can't read the database file {path}: {exc.strerror}.") from exc


def _read_marks(path: Path) -> tuple[int, int, int, str]:
    """application_id, user_version, number of schema entries and quick_check, read-only."""
    con = sqlite3.connect(f"file:{path}?mode=ro", uri=True, timeout=BUSY_TIMEOUT_MS / 1000)
    try:
        return (con.execute("PRAGMA application_id").fetchone()[0],
                con.execute("PRAGMA user_version").fetchone()[0],
                con.execute("SELECT count(*) FROM sqlite_master").fetchone()[0],
                con.execute("PRAGMA quick_check").fetchone()[0])
    finally:
        con.close()


def _needs_recovery(exc: sqlite3.OperationalError, header: bytes) -> bool:
    """A process killed mid-write leaves a hot rollback journal (a file not yet in WAL mode:
    an older database, a restored copy) or a write-ahead log whose index must be rebuilt, and
    a read-only connection can do neither. That is no damage: for a file whose header says it
    is ours, the recovery any SQLite connection would run on opening it is run first."""
    readonly = getattr(exc, "sqlite_errorname", "").startswith("SQLITE_READONLY")
    return readonly and int.from_bytes(header[68:72], "big") == APPLICATION_ID


def _recover(path: Path) -> None:
    con = sqlite3.connect(path, timeout=BUSY_TIMEOUT_MS / 1000, isolation_level=None)
    try:
        con.execute("SELECT count(*) FROM sqlite_master").fetchone()
    finally:
        con.close()


def create_database_file(path: Path) -> int:
    """Make a new database at `path` in one step, and return the schema version now there.

    A zero-length file is refused as truncated (decision 2), and SQLite leaves one for a
    moment while it creates a database; so the app and the command line starting together on
    a new install made one of them refuse it. The file is built complete under a private name
    beside `path` and then linked into place, which fails if another process got there first:
    its file is used and ours dropped."""
    staged = temp_name(path, "create-part")
    try:
        create_private_file(staged)
        con = sqlite3.connect(staged, isolation_level=None)
        try:
            con.execute("PRAGMA journal_mode = WAL")  # kept in the file; the log goes on close
            con.execute("BEGIN IMMEDIATE")
            apply_migrations(con.execute, 0)
            con.execute("COMMIT")
        finally:
            con.close()
        try:
            os.link(staged, path)
        except FileExistsError:
            pass  # another process made it first: use theirs
        except OSError:
            # A file system without hard links: a plain rename, unless one appeared meanwhile.
            if not path.exists():
                os.replace(staged, path)
    except OSError as exc:
        raise StoreError(f"Can't create the database file {path}: {exc.strerror}.") from exc
    except sqlite3.Error as exc:
        raise StoreError(f"Can't create the database file {path}: {exc}.") from exc
    finally:
        remove_with_companions(staged)
    return inspect_sqlite_file(path)[1]


def _use_wal(con: sqlite3.Connection, timeout_ms: int) -> None:
    """Switch the file to write-ahead logging, waiting as `busy_timeout` would.

    A file in rollback-journal mode (an older database, a backup, a restored copy) is switched
    by a read that then upgrades to a write lock, and SQLite never waits for such an upgrade:
    it answers BUSY at once whatever the busy timeout (waiting could deadlock). So the app and
    the command line opening such a file together made one of them fail. The switch is retried
    here until the busy timeout; a file already in WAL mode needs no write and passes at once."""
    deadline = time.monotonic() + timeout_ms / 1000
    while True:
        try:
            con.execute("PRAGMA journal_mode = WAL").fetchall()
            return
        except sqlite3.OperationalError as exc:
            message = str(exc)
            if ("locked" not in message and "busy" not in message
                    or time.monotonic() > deadline):
                raise
        time.sleep(random.uniform(0.005, 0.05))


# --- the engine ------------------------------------------------------------------------------

def create_engine(url: str) -> Engine:
    """An engine whose connections are kept open and reused (a pool).

    Opening an SQLite connection and setting its pragmas costs far more than the small reads a
    page makes, and every cached read first asks for the change counter; so connections are
    pooled. The pool hands each connection to one thread at a time, which is what makes
    `check_same_thread=False` safe. Pooled connections hold no transaction between uses, so they
    never block a writer, a checkpoint or VACUUM; `Store.dispose()` closes them, which is
    required before the database file is replaced (restore) so that no connection keeps the old
    file open.

    Every transaction begins as its `nextround_begin` execution option says: `IMMEDIATE` (the
    default: a write, so two writers queue instead of failing mid-transaction) or `DEFERRED`
    (a read)."""
    timeout_ms = BUSY_TIMEOUT_MS
    # Up to 5 idle connections are kept; a burst beyond that opens more (no limit, so a
    # busy moment never waits on the pool) and closes them when they come back.
    engine = _sqlalchemy_engine(url, poolclass=QueuePool, pool_size=5, max_overflow=-1,
                                connect_args={"timeout": timeout_ms / 1000,
                                              "check_same_thread": False})

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_con, _record) -> None:  # noqa: ANN001
        # Let us issue BEGIN ourselves, so that writes can be IMMEDIATE.
        dbapi_con.isolation_level = None
        cur = dbapi_con.cursor()
        cur.execute(f"PRAGMA busy_timeout = {timeout_ms}")
        cur.execute("PRAGMA foreign_keys = ON")
        cur.close()
        _use_wal(dbapi_con, timeout_ms)
        dbapi_con.execute("PRAGMA synchronous = FULL")

    @event.listens_for(engine, "begin")
    def _on_begin(conn: Connection) -> None:
        mode = conn.get_execution_options().get("nextround_begin", "IMMEDIATE")
        conn.exec_driver_sql(f"BEGIN {mode}")

    return engine


def checkpoint(path: Path) -> None:
    """Fold the write-ahead log into the database file, so the file alone holds everything
    (before it is linked or copied somewhere by name)."""
    con = sqlite3.connect(path, timeout=BUSY_TIMEOUT_MS / 1000, isolation_level=None)
    try:
        con.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    finally:
        con.close()


# --- SQL that differs between engines -------------------------------------------------------

def insert_or_ignore(table: str, columns: str, values: str) -> str:
    """An INSERT that does nothing when the row is there already (its key is taken)."""
    return f"INSERT OR IGNORE INTO {table} ({columns}) VALUES ({values})"


def contains(column: str, pattern: str) -> str:
    """`column` matches the LIKE `pattern` (made by `records.like_pattern`, escaped with a
    backslash); SQLite's LIKE ignores the case of ASCII letters."""
    return f"{column} LIKE {pattern} ESCAPE '\\'"


def indexed_by(index: str) -> str:
    """Pins a read to one index. The progress reads name their covering index so the plan is
    an index-only scan in GROUP BY order, whatever the planner guesses without statistics
    (decision 14)."""
    return f" INDEXED BY {index}"


def defer_foreign_keys(conn: Connection) -> None:
    """Check foreign keys at commit, not per row, for the rest of this transaction: a bulk
    load writes targets and applications, which point at each other."""
    conn.exec_driver_sql("PRAGMA defer_foreign_keys = ON")


def broken_links(conn: Connection) -> list[tuple[str, int, str]]:
    """(table, row id, table it points at) for every link that points nowhere."""
    return [(str(r[0]), int(r[1]), str(r[2]))
            for r in conn.exec_driver_sql("PRAGMA foreign_key_check").fetchall()]


def count_if(condition: str) -> str:
    """How many rows of the group meet `condition` (SQLite sums a comparison's 0 or 1)."""
    return f"sum({condition})"


def later_of(first: str, second: str) -> str:
    """The later of two dates (NULL if either is NULL)."""
    return f"max({first}, {second})"


def period_start(freq: str, day: str) -> str:
    """The first day (YYYY-MM-DD) of the month or ISO week (a Monday) of a YYYY-MM-DD text."""
    return {"month": f"date({day}, 'start of month')",
            "week": f"date({day}, 'weekday 0', '-6 days')"}[freq]


def json_texts(column: str, alias: str) -> tuple[str, str, str]:
    """(a FROM item, a condition, a value): one row per element of the JSON array held in
    the text `column`, the condition true for a string element, the value its text. A value
    that isn't a JSON array gives no rows rather than failing the query."""
    return (f"json_each(CASE WHEN CASE WHEN json_valid({column}) THEN json_type({column})"
            f" END = 'array' THEN {column} ELSE '[]' END) {alias}",
            f"{alias}.type = 'text'", f"{alias}.value")


def trim_space(text_: str) -> str:
    """`text_` without spaces, tabs and line ends at either end."""
    return f"trim({text_}, ' ' || char(9, 10, 13))"


def bulk_insert(conn: Connection, table: str, columns: Sequence[str],
                rows: Sequence[Sequence[Any]]) -> None:
    """Many rows at once, as tuples in `columns` order, straight to the driver."""
    conn.exec_driver_sql(f"INSERT INTO {table} ({', '.join(columns)}) "
                         f"VALUES ({', '.join('?' for _ in columns)})", [tuple(r) for r in rows])


def integrity_problems(conn: Connection) -> list[str]:
    """What SQLite's own integrity check finds in the file (empty when sound)."""
    rows = [str(r[0]) for r in conn.exec_driver_sql("PRAGMA integrity_check")]
    return [] if rows == ["ok"] else rows


def columns(conn: Connection, table: str) -> list[dict[str, Any]]:
    """A table's columns in order, as the schema defines them: name, kind (INTEGER, TEXT or
    REAL), not_null, has_default, is_date (the date CHECK), references (the linked table),
    unique (alone), primary_key. What an import checks a file against."""
    ddl = conn.exec_driver_sql("SELECT sql FROM sqlite_master WHERE type = 'table'"
                               " AND name = ?", (table,)).scalar() or ""
    dates = set(re.findall(r"(\w+) IS date\(", ddl))
    refs = {r[3]: r[2] for r in conn.exec_driver_sql(f"PRAGMA foreign_key_list({table})")}
    unique: set[str] = set()
    for index in conn.exec_driver_sql(f"PRAGMA index_list({table})").fetchall():
        if index[2]:
            cols = [r[2] for r in conn.exec_driver_sql(f"PRAGMA index_info('{index[1]}')")]
            if len(cols) == 1:
                unique.add(cols[0])
    return [{"name": r[1], "kind": str(r[2]).upper(), "not_null": bool(r[3]) or bool(r[5]),
             "has_default": r[4] is not None, "is_date": r[1] in dates,
             "references": refs.get(r[1]), "unique": r[1] in unique,
             "primary_key": bool(r[5])}
            for r in conn.exec_driver_sql(f"PRAGMA table_xinfo({table})")]


def refresh_statistics(engine: Engine) -> None:
    """After a bulk load: nothing to do on SQLite. Its progress reads name their covering
    indexes (`indexed_by`), so their plans don't depend on statistics."""
