"""The one place that talks SQL: opening, schema, migrations and every read and write.

Why it is built this way (see docs/decisions.md):
- The file is checked *before* anything writes to it. Setting WAL mode, or SQLAlchemy's first
  connect, would already change a foreign or corrupt file; so the checks use a read-only
  sqlite3 connection and refuse with a clear `StoreError`, leaving the file byte-identical.
- Every write is one `BEGIN IMMEDIATE` transaction that also bumps a change counter. Readers
  cache on that counter, so a write never shows stale data and a read never repeats work.
- Rows a user edits carry `version`; an update names the version it started from, and a stale
  one raises `StaleVersionError` instead of overwriting another tab's change.
"""

from __future__ import annotations

import json
import os
import sqlite3
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from datetime import date, datetime, timezone
from pathlib import Path
from typing import Any

import pandas as pd
from sqlalchemy import create_engine, event, text
from sqlalchemy.engine import Connection, Engine
from sqlalchemy.exc import OperationalError, SQLAlchemyError
from sqlalchemy.pool import NullPool

from nextround import clock
from nextround.models import Application, Settings, Stage, ValidationError, check_date, parse_stage

APPLICATION_ID = 0x4E58524E  # "NXRN": marks a SQLite file as a Next Round database.
SCHEMA_VERSION = 2
PROJECT_ROOT = Path(__file__).resolve().parents[1]
DEFAULT_DB_PATH = PROJECT_ROOT / "data" / "nextround.db"
BUSY_TIMEOUT_MS = 10_000
TABLES = ("applications", "events", "drafts", "feedback_requests", "reflections", "actions",
          "checkins", "targets", "settings")


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


class NotFoundError(StoreError):
    pass


class StaleVersionError(StoreError):
    """Another tab or process saved this row after it was loaded here."""


def default_url() -> str:
    return os.environ.get("NEXTROUND_DB", "").strip() or str(DEFAULT_DB_PATH)


def to_url(path_or_url: str | os.PathLike[str]) -> str:
    raw = str(path_or_url)
    if "://" in raw:
        return raw
    return "sqlite:///" + str(Path(raw).expanduser().resolve())


def sqlite_path(url: str) -> Path | None:
    if url.startswith("sqlite:///"):
        rest = url[len("sqlite:///"):]
        return None if rest in ("", ":memory:") else Path(rest)
    return None


# --- schema ---------------------------------------------------------------------------------
# Migrations are frozen: never edit a shipped step, add a new one. Step N takes a database at
# user_version N-1 to N. They run in one transaction after an automatic backup.

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

MIGRATIONS: list[list[str]] = [_V1, _V2]
assert len(MIGRATIONS) == SCHEMA_VERSION


def _now() -> str:
    return datetime.now(timezone.utc).isoformat(timespec="seconds")


# --- opening --------------------------------------------------------------------------------

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
    try:
        with path.open("rb") as handle:
            header = handle.read(16)
    except OSError as exc:
        raise StoreError(f"Can't read the database file {shown}: {exc.strerror}.") from exc
    if header != b"SQLite format 3\x00":
        raise ForeignDatabaseError(
            f"{shown} is not a Next Round database (it isn't an SQLite file). Nothing was changed."
        )
    try:
        con = sqlite3.connect(f"file:{path}?mode=ro", uri=True, timeout=BUSY_TIMEOUT_MS / 1000)
        try:
            app_id = con.execute("PRAGMA application_id").fetchone()[0]
            user_version = con.execute("PRAGMA user_version").fetchone()[0]
            tables = con.execute("SELECT count(*) FROM sqlite_master").fetchone()[0]
            check = con.execute("PRAGMA quick_check").fetchone()[0]
        finally:
            con.close()
    except sqlite3.DatabaseError as exc:
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


def _create_engine(url: str) -> Engine:
    if url.startswith("sqlite"):
        engine = create_engine(url, poolclass=NullPool,
                               connect_args={"timeout": BUSY_TIMEOUT_MS / 1000,
                                             "check_same_thread": False})

        @event.listens_for(engine, "connect")
        def _on_connect(dbapi_con, _record) -> None:  # noqa: ANN001
            # Let us issue BEGIN ourselves, so that writes can be IMMEDIATE.
            dbapi_con.isolation_level = None
            cur = dbapi_con.cursor()
            cur.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
            cur.execute("PRAGMA foreign_keys = ON")
            cur.execute("PRAGMA journal_mode = WAL")
            cur.execute("PRAGMA synchronous = FULL")
            cur.close()

        @event.listens_for(engine, "begin")
        def _on_begin(conn: Connection) -> None:
            mode = conn.get_execution_options().get("nextround_begin", "IMMEDIATE")
            conn.exec_driver_sql(f"BEGIN {mode}")

        return engine
    return create_engine(url, pool_pre_ping=True)


class Store:
    """A Next Round database. Safe to share between threads: each unit of work connects anew."""

    def __init__(self, path_or_url: str | os.PathLike[str] | None = None, *,
                 backup_dir: Path | None = None) -> None:
        self.url = to_url(path_or_url if path_or_url is not None else default_url())
        self.path = sqlite_path(self.url)
        self.backup_dir = backup_dir or (self.path.parent / "backups" if self.path else None)
        self._open()

    def _open(self) -> None:
        user_version = 0
        if self.path is not None:
            if self.path.exists():
                _, user_version = inspect_sqlite_file(self.path)
                # The write bits are checked too: root ignores permissions, but a file the user
                # marked read-only must still never be written.
                if (not os.access(self.path, os.W_OK) or not os.access(self.path.parent, os.W_OK)
                        or self.path.stat().st_mode & 0o222 == 0):
                    raise ReadOnlyDatabaseError(
                        f"The database file {self.path} is read-only, so Next Round can't save "
                        "anything to it. Nothing was changed. Check the file's permissions."
                    )
            else:
                try:
                    self.path.parent.mkdir(parents=True, exist_ok=True)
                except OSError as exc:
                    raise StoreError(f"Can't create the folder {self.path.parent}: "
                                     f"{exc.strerror}.") from exc
        self.engine = _create_engine(self.url)
        try:
            if user_version < SCHEMA_VERSION:
                if user_version > 0:
                    self.backup(reason=f"before-migration-v{user_version}")
                self._migrate(user_version)
        except OperationalError as exc:
            raise StoreError(f"Can't open the database: {_reason(exc)}") from exc
        if self.path is not None:
            try:
                os.chmod(self.path, 0o600)
            except OSError:
                pass

    def _migrate(self, from_version: int) -> None:
        with self.write() as conn:
            for version in range(from_version + 1, SCHEMA_VERSION + 1):
                for statement in MIGRATIONS[version - 1]:
                    conn.exec_driver_sql(statement)
            if self.url.startswith("sqlite"):
                conn.exec_driver_sql(f"PRAGMA application_id = {APPLICATION_ID}")
                conn.exec_driver_sql(f"PRAGMA user_version = {SCHEMA_VERSION}")

    def dispose(self) -> None:
        self.engine.dispose()

    # --- transactions ---------------------------------------------------------------------

    @contextmanager
    def write(self) -> Iterator[Connection]:
        """One user action = one IMMEDIATE transaction, which also bumps the change counter."""
        try:
            with self.engine.connect() as conn:
                with conn.begin():
                    yield conn
                    if self._has_counter(conn):
                        conn.exec_driver_sql("UPDATE change_counter SET n = n + 1 WHERE id = 1")
        except OperationalError as exc:
            raise StoreError(f"Couldn't save: {_reason(exc)}. Nothing was changed.") from exc

    @contextmanager
    def read(self) -> Iterator[Connection]:
        with self.engine.connect().execution_options(nextround_begin="DEFERRED") as conn:
            with conn.begin():
                yield conn

    @staticmethod
    def _has_counter(conn: Connection) -> bool:
        return conn.exec_driver_sql(
            "SELECT 1 FROM sqlite_master WHERE type='table' AND name='change_counter'"
        ).first() is not None

    def change_count(self) -> int:
        """Bumped by every write; the key for every cached read."""
        with self.read() as conn:
            return int(conn.execute(text("SELECT n FROM change_counter WHERE id = 1")).scalar_one())

    def schema_version(self) -> int:
        with self.read() as conn:
            return int(conn.exec_driver_sql("PRAGMA user_version").scalar_one())

    # --- generic helpers ------------------------------------------------------------------

    def frame(self, sql: str, params: Mapping[str, Any] | None = None) -> pd.DataFrame:
        """A read query as a DataFrame. Only this module passes SQL in."""
        with self.read() as conn:
            result = conn.execute(text(sql), dict(params or {}))
            return pd.DataFrame(result.fetchall(), columns=list(result.keys()))

    def count(self, table: str) -> int:
        if table not in TABLES:
            raise ValueError(f"unknown table {table!r}")
        with self.read() as conn:
            return int(conn.execute(text(f"SELECT count(*) FROM {table}")).scalar_one())

    def is_empty(self) -> bool:
        """True when the user has recorded nothing yet (settings don't count)."""
        with self.read() as conn:
            for table in TABLES:
                if table == "settings":
                    continue
                if conn.execute(text(f"SELECT 1 FROM {table} LIMIT 1")).first() is not None:
                    return False
        return True

    @staticmethod
    def _bump_version(conn: Connection, table: str, row_id: int, version: int,
                      values: Mapping[str, Any]) -> None:
        """UPDATE … WHERE version = the one the user started from; else StaleVersionError."""
        assignments = ", ".join(f"{k} = :{k}" for k in values)
        result = conn.execute(
            text(f"UPDATE {table} SET {assignments}, version = version + 1 "
                 "WHERE id = :_id AND version = :_version"),
            {**values, "_id": row_id, "_version": version},
        )
        if result.rowcount == 1:
            return
        exists = conn.execute(text(f"SELECT version FROM {table} WHERE id = :id"),
                              {"id": row_id}).first()
        if exists is None:
            raise NotFoundError("That item no longer exists. It may have been deleted in "
                                "another tab.")
        raise StaleVersionError(
            "This was changed in another tab or window after you opened it, so your change "
            "was not saved. Reload to see the latest version, then make your change again."
        )

    def insert_rows(self, table: str, rows: Sequence[Mapping[str, Any]],
                    conn: Connection | None = None) -> None:
        """Bulk insert (demo data, import). All rows share the first row's columns."""
        if table not in TABLES:
            raise ValueError(f"unknown table {table!r}")
        if not rows:
            return
        columns = list(rows[0].keys())
        sql = text(f"INSERT INTO {table} ({', '.join(columns)}) "
                   f"VALUES ({', '.join(':' + c for c in columns)})")
        if conn is not None:
            conn.execute(sql, [dict(r) for r in rows])
            return
        with self.write() as own:
            own.execute(sql, [dict(r) for r in rows])

    # --- settings -------------------------------------------------------------------------

    def settings(self) -> Settings:
        with self.read() as conn:
            row = conn.execute(text("SELECT * FROM settings WHERE id = 1")).mappings().one()
        return Settings(
            name=row["name"], signature=row["signature"], weekly_goal=row["weekly_goal"],
            ghost_after_days=row["ghost_after_days"], timezone=row["timezone"],
            support_region=row["support_region"], follow_up_days=row["follow_up_days"],
            version=row["version"], extra=json.loads(row["extra"] or "{}"),
        )

    def save_settings(self, settings: Settings) -> Settings:
        clean = settings.validated()
        with self.write() as conn:
            self._bump_version(conn, "settings", 1, clean.version, {
                "name": clean.name, "signature": clean.signature,
                "weekly_goal": clean.weekly_goal, "ghost_after_days": clean.ghost_after_days,
                "timezone": clean.timezone, "support_region": clean.support_region,
                "follow_up_days": clean.follow_up_days,
                "extra": json.dumps(clean.extra, sort_keys=True),
            })
        return self.settings()

    def today(self) -> date:
        return clock.today(self.settings().timezone)

    # --- applications ---------------------------------------------------------------------

    def add_application(self, application: Application, *, today: date | None = None) -> int:
        """Validate, insert, and record the first event (the application itself)."""
        day = today or self.today()
        clean = application.validated(day)
        stamp = _now()
        with self.write() as conn:
            new_id = int(conn.execute(text(
                "INSERT INTO applications (company, role, location, source, link, contact_name,"
                " contact_email, applied_on, stage, stage_on, notes, created_at, updated_at)"
                " VALUES (:company, :role, :location, :source, :link, :contact_name,"
                " :contact_email, :applied_on, :stage, :applied_on, :notes, :now, :now)"
                " RETURNING id"),
                {**_application_values(clean), "now": stamp}).scalar_one())
            conn.execute(text("INSERT INTO events (application_id, stage, on_date, created_at)"
                              " VALUES (:id, 'applied', :on_date, :now)"),
                         {"id": new_id, "on_date": clean.applied_on.isoformat(), "now": stamp})
            if clean.stage != Stage.APPLIED:
                conn.execute(text("INSERT INTO events (application_id, stage, on_date,"
                                  " created_at) VALUES (:id, :stage, :on_date, :now)"),
                             {"id": new_id, "stage": str(clean.stage),
                              "on_date": clean.applied_on.isoformat(), "now": stamp})
        return new_id

    def application(self, application_id: int) -> dict[str, Any]:
        with self.read() as conn:
            row = conn.execute(text("SELECT * FROM applications WHERE id = :id"),
                               {"id": application_id}).mappings().first()
        if row is None:
            raise NotFoundError("That application no longer exists.")
        return dict(row)

    def update_application(self, application_id: int, application: Application, version: int,
                           *, today: date | None = None) -> None:
        """Edit the details. The stage is changed only through `change_stage`."""
        clean = application.validated(today or self.today())
        values = _application_values(clean)
        values.pop("stage")
        with self.write() as conn:
            first_event = conn.execute(text(
                "SELECT min(on_date) FROM events WHERE application_id = :id AND stage != 'applied'"
            ), {"id": application_id}).scalar()
            if first_event and first_event < values["applied_on"]:
                raise ValidationError({"applied_on": "Date applied can't be after a later stage "
                                                     f"change (first one on {first_event})."})
            self._bump_version(conn, "applications", application_id, version,
                               {**values, "updated_at": _now()})
            conn.execute(text("UPDATE events SET on_date = :d WHERE application_id = :id"
                              " AND stage = 'applied'"),
                         {"d": values["applied_on"], "id": application_id})

    def change_stage(self, application_id: int, stage: Stage | str, on_date: date | str,
                     version: int, *, note: str = "", today: date | None = None) -> None:
        """Move an application to a stage on a date, keeping the full history as events."""
        try:
            new_stage = parse_stage(stage)
            day = check_date(on_date, "Date", today or self.today())
        except ValueError as exc:
            raise ValidationError({"stage" if "Stage" in str(exc) else "on_date": str(exc)}) from exc
        if new_stage == Stage.APPLIED:
            raise ValidationError({"stage": "Pick the stage it moved to (it was already applied)."})
        with self.write() as conn:
            row = conn.execute(text("SELECT applied_on FROM applications WHERE id = :id"),
                               {"id": application_id}).first()
            if row is None:
                raise NotFoundError("That application no longer exists.")
            if day.isoformat() < row[0]:
                raise ValidationError({"on_date": f"Date can't be before it was applied ({row[0]})."})
            self._bump_version(conn, "applications", application_id, version, {
                "stage": str(new_stage), "stage_on": day.isoformat(), "updated_at": _now()})
            conn.execute(text("INSERT INTO events (application_id, stage, on_date, note,"
                              " created_at) VALUES (:id, :stage, :d, :note, :now)"),
                         {"id": application_id, "stage": str(new_stage), "d": day.isoformat(),
                          "note": note[:500], "now": _now()})

    def delete_application(self, application_id: int) -> None:
        with self.write() as conn:
            result = conn.execute(text("DELETE FROM applications WHERE id = :id"),
                                  {"id": application_id})
            if result.rowcount == 0:
                raise NotFoundError("That application was already deleted.")

    def application_events(self, application_id: int) -> pd.DataFrame:
        return self.frame("SELECT stage, on_date, note FROM events WHERE application_id = :id "
                          "ORDER BY on_date, id", {"id": application_id})

    def search_applications(self, *, query: str = "", stages: Sequence[str] = (),
                            limit: int = 50, offset: int = 0,
                            order: str = "applied_on DESC") -> tuple[pd.DataFrame, int]:
        """One page of applications matching a search, and how many match in all."""
        allowed_orders = {"applied_on DESC", "applied_on ASC", "company ASC", "company DESC",
                          "stage_on DESC"}
        if order not in allowed_orders:
            order = "applied_on DESC"
        where, params = ["1 = 1"], {"limit": int(limit), "offset": int(offset)}
        if query.strip():
            where.append("(company LIKE :q ESCAPE '\\' OR role LIKE :q ESCAPE '\\' "
                         "OR location LIKE :q ESCAPE '\\' OR source LIKE :q ESCAPE '\\')")
            escaped = query.strip().replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
            params["q"] = f"%{escaped}%"
        if stages:
            names = [f":s{i}" for i in range(len(stages))]
            where.append(f"stage IN ({', '.join(names)})")
            params.update({f"s{i}": str(s) for i, s in enumerate(stages)})
        clause = " AND ".join(where)
        page = self.frame(
            "SELECT id, company, role, stage, applied_on, stage_on, source, location, link,"
            f" contact_name, contact_email, version FROM applications WHERE {clause}"
            f" ORDER BY {order}, id DESC LIMIT :limit OFFSET :offset", params)
        total = int(self.frame(f"SELECT count(*) AS n FROM applications WHERE {clause}",
                               params)["n"].iloc[0])
        return page, total

    def ghosting_candidates(self, threshold_days: int, today: date,
                            limit: int = 20) -> tuple[pd.DataFrame, int]:
        """Still at `applied`, with no reply after the threshold: likely ghosted."""
        cutoff = date.fromordinal(today.toordinal() - threshold_days).isoformat()
        params = {"cutoff": cutoff, "limit": limit}
        page = self.frame("SELECT id, company, role, applied_on, version FROM applications"
                          " WHERE stage = 'applied' AND applied_on <= :cutoff"
                          " ORDER BY applied_on LIMIT :limit", params)
        total = int(self.frame("SELECT count(*) AS n FROM applications WHERE stage = 'applied'"
                               " AND applied_on <= :cutoff", params)["n"].iloc[0])
        return page, total

    def stage_history(self, start: date | None = None, end: date | None = None) -> pd.DataFrame:
        """Every stage event with its application's applied date and source: the input to
        every chart over time. Columns: application_id, applied_on, source, stage, on_date."""
        where, params = [], {}
        if start is not None:
            where.append("a.applied_on >= :start")
            params["start"] = start.isoformat()
        if end is not None:
            where.append("a.applied_on <= :end")
            params["end"] = end.isoformat()
        clause = ("WHERE " + " AND ".join(where)) if where else ""
        return self.frame(
            "SELECT e.application_id, a.applied_on, a.source, a.stage AS current_stage,"
            " e.stage, e.on_date FROM events e JOIN applications a ON a.id = e.application_id"
            f" {clause} ORDER BY e.application_id, e.on_date, e.id", params)

    def date_bounds(self) -> tuple[date, date] | None:
        with self.read() as conn:
            row = conn.execute(text("SELECT min(applied_on), max(applied_on) FROM applications")).first()
        if row is None or row[0] is None:
            return None
        return date.fromisoformat(row[0]), date.fromisoformat(row[1])

    # --- backup and check -----------------------------------------------------------------

    def backup(self, out: Path | None = None, *, reason: str = "manual") -> Path:
        """Online backup API → integrity_check on the copy → atomic rename. Never `cp`."""
        if self.path is None:
            raise StoreError("Backups are only made for SQLite databases.")
        if out is None:
            if self.backup_dir is None:
                raise StoreError("No backup folder is configured.")
            stamp = datetime.now().strftime("%Y%m%d-%H%M%S-%f")
            out = self.backup_dir / f"{self.path.stem}-{stamp}-{_safe_name(reason)}.db"
        out = Path(out)
        try:
            out.parent.mkdir(parents=True, exist_ok=True)
            partial = out.with_name(out.name + ".part")
            source = sqlite3.connect(self.path, timeout=BUSY_TIMEOUT_MS / 1000)
            try:
                target = sqlite3.connect(partial)
                try:
                    source.backup(target)
                    result = target.execute("PRAGMA integrity_check").fetchone()[0]
                finally:
                    target.close()
            finally:
                source.close()
            if result != "ok":
                partial.unlink(missing_ok=True)
                raise CorruptDatabaseError(f"The backup failed its integrity check ({result}).")
            os.chmod(partial, 0o600)
            os.replace(partial, out)
        except OSError as exc:
            raise StoreError(f"Couldn't write the backup to {out}: {exc.strerror}. "
                             "Your database was not changed.") from exc
        except sqlite3.Error as exc:
            raise StoreError(f"Couldn't make the backup: {exc}. Your database was not changed.") from exc
        return out

    def integrity_problems(self) -> list[str]:
        """Empty when the file is healthy; otherwise what SQLite reports."""
        with self.read() as conn:
            rows = [r[0] for r in conn.exec_driver_sql("PRAGMA integrity_check").fetchall()]
            fk = conn.exec_driver_sql("PRAGMA foreign_key_check").fetchall()
        problems = [] if rows == ["ok"] else rows
        problems += [f"broken link in {r[0]} row {r[1]} to {r[2]}" for r in fk]
        return problems


def _application_values(clean: Application) -> dict[str, Any]:
    assert isinstance(clean.applied_on, date)
    return {
        "company": clean.company, "role": clean.role, "location": clean.location,
        "source": clean.source, "link": clean.link, "contact_name": clean.contact_name,
        "contact_email": clean.contact_email, "applied_on": clean.applied_on.isoformat(),
        "stage": str(clean.stage), "notes": clean.notes,
    }


def _safe_name(text_: str) -> str:
    return "".join(c if c.isalnum() or c in "-_" else "-" for c in text_)[:40] or "backup"


def _reason(exc: SQLAlchemyError) -> str:
    original = getattr(exc, "orig", None) or exc
    message = str(original)
    if "locked" in message or "busy" in message:
        return "the database is busy in another window or program; please try again"
    if "readonly" in message or "read-only" in message:
        return "the database file is read-only"
    if "disk" in message and "full" in message:
        return "the disk is full"
    return message

