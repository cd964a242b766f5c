"""The `Store`: every read and write of a Next Round database, in one transaction each.

Why it is built this way (see docs/decisions.md):
- Every write is one `BEGIN IMMEDIATE` transaction that also bumps a change counter. Readers
  cache on that counter, so a write never shows stale data and a read never repeats work.
- Rows a user edits carry `version`; an update names the version it started from, and a stale
  one raises `StaleVersionError` instead of overwriting another tab's change.
"""

from __future__ import annotations

import json
import os
import re
import sqlite3
from collections.abc import Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import pandas as pd
from sqlalchemy import text
from sqlalchemy.engine import Connection
from sqlalchemy.exc import OperationalError, SQLAlchemyError

from nextround import clock
from nextround.models import (
    Application,
    Settings,
    Stage,
    ValidationError,
    check_date,
    clean_stage_event,
)
from nextround.store.backups import (
    BackupName,
    _owned_backups,
    backup_name,
    copy_checked,
    remove_leftovers,
)
from nextround.store.errors import (
    CorruptDatabaseError,
    NotFoundError,
    ReadOnlyDatabaseError,
    StaleVersionError,
    StoreError,
    _reason,
)
from nextround.store.files import (
    _TEMP,
    PRIVATE_FILE,
    check_output_file,
    create_private_file,
    make_private_folder,
    remove_stale_temp_folders,
    remove_with_companions,
    temp_name,
)
from nextround.store.opening import (
    BUSY_TIMEOUT_MS,
    DEFAULT_DB_PATH,
    _create_database_file,
    _create_engine,
    default_url,
    inspect_sqlite_file,
    sqlite_path,
    to_url,
)
from nextround.store.schema import DERIVED_COLUMNS, SCHEMA_VERSION, TABLES, _apply_migrations
from nextround.store.schema_check import _value_problems, database_problems, schema_problems

# Counts an edit adds one to (row versions, follow-ups) stay within 1..MAX_COUNT: a version
# wraps round to 1 and a follow-up count stops there. At SQLite's top, one more would turn
# the value into a float that the export can no longer re-import (issue 14).
MAX_COUNT = 2 ** 53
STAGE_NOTE_MAX = 500


class _RolledBack(Exception):
    """Raised inside a write to roll it back on purpose (a dry run)."""


@dataclass(frozen=True)
class ColumnRule:
    """One column as the schema defines it (`Store.column_rules`)."""

    kind: str  # INTEGER, TEXT or REAL
    not_null: bool
    has_default: bool
    is_date: bool
    references: str | None
    unique: bool
    primary_key: bool


# Rejections with no sent thank-you. `thanks_sent_on` (kept by a trigger) narrows the scan to
# the unanswered ones through `applications_unthanked`; the NOT EXISTS also catches a sent
# draft without a date (an imported file can hold one).
_UNANSWERED = ("a.stage = 'rejected' AND a.thanks_sent_on IS NULL AND NOT EXISTS (SELECT 1"
               " FROM drafts d WHERE d.application_id = a.id AND d.kind = 'rejection_thanks'"
               " AND d.status = 'sent')")


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


class Store:
    """A Next Round database. Safe to share between threads: each unit of work takes its own
    connection from the pool, and gives it back when the unit ends."""

    def __init__(self, path_or_url: str | os.PathLike[str] | None = None, *,
                 backup_dir: Path | None = None) -> None:
        self.url = to_url(path_or_url if path_or_url is not None else default_url())
        self.path = sqlite_path(self.url)
        self.backup_dir = backup_dir or (self.path.parent / "backups" if self.path else None)
        self._open()

    def _open(self) -> None:
        user_version = 0
        if self.path is not None:
            if not self.path.exists():
                try:
                    make_private_folder(self.path.parent)
                except OSError as exc:
                    raise StoreError(f"Can't create the folder {self.path.parent}: "
                                     f"{exc.strerror}.") from exc
                _create_database_file(self.path)
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
                # Private before the first connection: SQLite gives the -wal and -shm it
                # creates the database's mode (an older version left it readable).
                try:
                    if self.path.stat().st_mode & 0o077:
                        os.chmod(self.path, PRIVATE_FILE)
                except OSError:
                    pass  # not ours to change: it is still opened as before
        self.engine = _create_engine(self.url)
        try:
            if user_version < SCHEMA_VERSION:
                if user_version > 0:
                    self.backup(reason=f"before-migration-v{user_version}")
                self._migrate(user_version)
        except OperationalError as exc:
            raise StoreError(f"Can't open the database: {_reason(exc)}") from exc
        if self.path is not None:
            # Private to the user: the database and its -wal/-shm companions (SQLite gives
            # companions it creates later the database's own mode).
            for companion in ("", "-wal", "-shm"):
                try:
                    os.chmod(f"{self.path}{companion}", 0o600)
                except OSError:
                    pass
            self._tidy_folders()

    def _tidy_folders(self) -> None:
        """On every start: Next Round's own folders become private (an older version made
        them readable), and unfinished copies a killed process left behind are removed."""
        assert self.path is not None
        if self.path.parent == DEFAULT_DB_PATH.parent:
            make_private_folder(self.path.parent, tighten=True)
        if self.backup_dir is not None and self.backup_dir.is_dir():
            make_private_folder(self.backup_dir, tighten=True)
        for backup in self.backup_files():  # an older version copied a readable mode
            try:
                if backup.stat().st_mode & 0o077:
                    os.chmod(backup, PRIVATE_FILE)
            except OSError:
                pass  # removed meanwhile, or not ours to change
        remove_leftovers(self.path, self.backup_dir)
        remove_stale_temp_folders()

    def _migrate(self, from_version: int) -> None:
        with self.write() as conn:
            if self.url.startswith("sqlite"):
                # Read again under the write lock: another process (the app and the command
                # line started together after an upgrade) may have migrated it meanwhile.
                from_version = int(conn.exec_driver_sql("PRAGMA user_version").scalar_one())
            _apply_migrations(conn.exec_driver_sql, from_version,
                              marks=self.url.startswith("sqlite"))

    def dispose(self) -> None:
        """Close the pooled connections. Call it when done with the store, and always before
        its file is replaced. The store stays usable: a later read or write connects anew."""
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
        """A read query as a DataFrame. Only this module passes SQL in.

        Rows become plain tuples first: building a DataFrame from SQLAlchemy Row objects costs
        a failed attribute lookup per row, which dominates at 100,000 rows."""
        with self.read() as conn:
            return self._frame_in(conn, sql, params)

    @staticmethod
    def _frame_in(conn: Connection, sql: str,
                  params: Mapping[str, Any] | None = None) -> pd.DataFrame:
        """`frame` inside a read the caller holds (several reads from one snapshot)."""
        result = conn.execute(text(sql), dict(params or {}))
        return pd.DataFrame.from_records([tuple(row) for row in result.fetchall()],
                                         columns=list(result.keys()))

    def _counts(self, params: Mapping[str, Any], queries: Mapping[str, str]) -> dict[str, int]:
        """Several `SELECT count(*) …` with the same parameters, read from one snapshot."""
        with self.read() as conn:
            return {name: int(conn.execute(text(sql), dict(params)).scalar() or 0)
                    for name, sql in queries.items()}

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
            text(f"UPDATE {table} SET {assignments}, version = version % {MAX_COUNT} + 1 "
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
        """Safe to use everywhere: a bad stored value is replaced (see `Settings.notices`)."""
        with self.read() as conn:
            row = conn.execute(text("SELECT * FROM settings WHERE id = 1")).mappings().first()
        return Settings.from_stored(dict(row) if row is not None else None)

    def save_settings(self, settings: Settings) -> Settings:
        clean = settings.validated()
        with self.write() as conn:
            # A tool may have deleted the row; saving puts it back instead of failing forever.
            conn.execute(text("INSERT OR IGNORE INTO settings (id, version) VALUES (1, :v)"),
                         {"v": clean.version})
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
            # The `applied` event, and the stage date of an application still at `applied`,
            # move with the date applied: a stage date before it is what our import refuses.
            conn.execute(text("UPDATE events SET on_date = :d WHERE application_id = :id"
                              " AND stage = 'applied'"),
                         {"d": values["applied_on"], "id": application_id})
            conn.execute(text("UPDATE applications SET stage_on = applied_on"
                              " WHERE id = :id AND stage = 'applied'"), {"id": application_id})

    def change_stage(self, application_id: int, stage: Stage | str, on_date: date | str,
                     version: int, *, note: str = "", today: date | None = None) -> None:
        """Move an application to a stage on a date, keeping the full history as events."""
        new_stage, day, note = clean_stage_event(stage, on_date, note, today or self.today(),
                                                 note_max=STAGE_NOTE_MAX)
        if new_stage == Stage.APPLIED:
            raise ValidationError({"stage": "Pick the stage it moved to (it was already applied)."})
        with self.write() as conn:
            row = conn.execute(text("SELECT applied_on FROM applications WHERE id = :id"),
                               {"id": application_id}).first()
            if row is None:
                raise NotFoundError("That application no longer exists.")
            if day.isoformat() < row[0]:
                raise ValidationError(
                    {"on_date": f"Date can't be before it was applied ({row[0]})."})
            self._bump_version(conn, "applications", application_id, version, {
                "stage": str(new_stage), "stage_on": day.isoformat(), "updated_at": _now()})
            conn.execute(text("INSERT INTO events (application_id, stage, on_date, note,"
                              " created_at) VALUES (:id, :stage, :d, :note, :now)"),
                         {"id": application_id, "stage": str(new_stage), "d": day.isoformat(),
                          "note": note, "now": _now()})

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

    def date_bounds(self) -> tuple[date, date] | None:
        with self.read() as conn:
            row = conn.execute(
                text("SELECT min(applied_on), max(applied_on) FROM applications")).first()
        if row is None or row[0] is None:
            return None
        return date.fromisoformat(row[0]), date.fromisoformat(row[1])

    # --- applications page ---------------------------------------------------------------------

    def mark_ghosted(self, items: Sequence[tuple[int, int]], on_date: date | str, *,
                     today: date | None = None) -> int:
        """Close the loop on applications that never answered. `items` are (id, version) pairs
        as the page listed them; all of them change in one transaction, so "mark all shown"
        is all-or-nothing and a row changed in another tab stops the lot (StaleVersionError)."""
        try:
            day = check_date(on_date, "Date", today or self.today()).isoformat()
        except ValueError as exc:
            raise ValidationError({"on_date": str(exc)}) from exc
        stamp = _now()
        with self.write() as conn:
            for application_id, version in items:
                applied = conn.execute(text("SELECT applied_on FROM applications WHERE id = :id"),
                                       {"id": int(application_id)}).scalar()
                if applied is not None and day < applied:  # same rule as change_stage
                    raise ValidationError({"on_date": f"Date can't be before it was applied "
                                                      f"({applied})."})
                self._bump_version(conn, "applications", int(application_id), int(version), {
                    "stage": str(Stage.GHOSTED), "stage_on": day, "updated_at": stamp})
                conn.execute(text("INSERT INTO events (application_id, stage, on_date, note,"
                                  " created_at) VALUES (:id, 'ghosted', :d, '', :now)"),
                             {"id": int(application_id), "d": day, "now": stamp})
        return len(items)

    # --- progress reads ---
    # Small, grouped reads for the progress page (nextround/metrics.py).

    def progress_counts(self, start: date, end: date, before: date,
                        ghost_after_days: int) -> dict[str, pd.DataFrame]:
        """Grouped counts for the progress page: applications applied in [start, end], as
        they stood on `end` and on `before` (four weeks earlier, for the deltas).

        Each read is a range scan of a covering index over the milestone columns the
        triggers keep (migration v4), and returns rows per day, per level or per source,
        never per application, so a cold page stays fast at 100,000 applications.
        `metrics.build` turns them into the page's numbers and chart frames:
        - applied: day, n (applications per applied date);
        - milestones: kind (reply, interview, offer, rejection, answered), day, n, early:
          first replies, interviews, offers and rejections by their date, and answered
          rejections by the later of rejection and thank-you; `early` counts those applied
          by `before`;
        - response_days: days, n, early (days from applying to the first reply; `early`
          counts those that had replied, and applied, by `before`);
        - levels: level, stage, n, early (furthest stage reached × current stage);
        - waiting: level, now, before (still at applied, with no reply by that day and past
          the ghosting threshold: ghosted, though not marked);
        - sources: source, applications, responses (replies by `end`)."""
        params = {"start": start.isoformat(), "end": end.isoformat(),
                  "before": before.isoformat(),
                  "ghost_end": date.fromordinal(end.toordinal() - ghost_after_days).isoformat(),
                  "ghost_before": date.fromordinal(
                      before.toordinal() - ghost_after_days).isoformat()}
        cohort = "applied_on BETWEEN :start AND :end"

        # INDEXED BY pins each count to its covering index (migration v4): an index-only
        # scan in the GROUP BY's order, whatever the planner would guess without statistics
        # (it picks the applied-date index and reads every row of the range from the table).
        def milestone(kind: str, day: str, index: str, where: str) -> str:
            return (f"SELECT '{kind}' AS kind, {day} AS day, count(*) AS n,"
                    f" sum(applied_on <= :before) AS early FROM applications INDEXED BY {index}"
                    f" WHERE {where} AND {cohort} GROUP BY 2")

        milestones = " UNION ALL ".join([
            milestone("reply", "first_reply_on", "applications_by_reply",
                      "first_reply_on <= :end"),
            milestone("interview", "first_interview_on", "applications_by_interview",
                      "first_interview_on <= :end"),
            milestone("offer", "first_offer_on", "applications_by_offer",
                      "first_offer_on <= :end"),
            milestone("rejection", "first_rejection_on", "applications_by_rejection",
                      "first_rejection_on <= :end"),
            milestone("answered", "max(first_rejection_on, thanks_sent_on)",
                      "applications_by_thanks",
                      "thanks_sent_on <= :end AND first_rejection_on <= :end"),
        ])
        queries = {
            "applied": "SELECT applied_on AS day, count(*) AS n FROM applications"
                       f" INDEXED BY applications_by_applied WHERE {cohort} GROUP BY 1",
            "milestones": milestones,
            "response_days": "SELECT reply_days AS days, count(*) AS n,"
                             " sum(first_reply_on <= :before AND applied_on <= :before)"
                             " AS early FROM applications INDEXED BY applications_by_reply_days"
                             " WHERE reply_days IS NOT NULL AND first_reply_on <= :end"
                             f" AND {cohort} GROUP BY 1",
            "levels": "SELECT furthest_level AS level, stage, count(*) AS n,"
                      " sum(applied_on <= :before) AS early FROM applications"
                      f" INDEXED BY applications_by_level WHERE {cohort} GROUP BY 1, 2",
            # Still at "applied" with no reply by that day and past the ghosting threshold:
            # ghosted, though not marked. One index seek per level, not a scan of them all.
            "waiting": "SELECT furthest_level AS level,"
                       " sum(applied_on <= :ghost_end AND (first_reply_on IS NULL"
                       " OR first_reply_on > :end)) AS now,"
                       " sum(applied_on <= :ghost_before AND (first_reply_on IS NULL"
                       " OR first_reply_on > :before)) AS before FROM applications"
                       " INDEXED BY applications_by_level WHERE furthest_level IN (0, 1, 2, 3)"
                       f" AND stage = 'applied' AND {cohort} GROUP BY 1",
            "sources": "SELECT source, count(*) AS applications,"
                       " coalesce(sum(first_reply_on <= :end), 0) AS responses"
                       " FROM applications INDEXED BY applications_by_source"
                       f" WHERE {cohort} GROUP BY source",
        }
        with self.read() as conn:  # one snapshot, so the counts agree with each other
            return {name: self._frame_in(conn, sql, params) for name, sql in queries.items()}

    def feedback_counts(self) -> pd.DataFrame:
        """asked_on, received_on, status, n: feedback requests grouped by their dates."""
        return self.frame(
            "SELECT asked_on, received_on, status, count(*) AS n FROM feedback_requests"
            " GROUP BY asked_on, received_on, status")

    def actions_done_by_day(self) -> pd.DataFrame:
        """done_on, n: completed game-plan actions per day."""
        return self.frame("SELECT done_on, count(*) AS n FROM actions"
                          " WHERE done_on IS NOT NULL GROUP BY done_on")

    def checkin_scores(self) -> pd.DataFrame:
        """week, who5_raw: one row per weekly check-in."""
        return self.frame("SELECT week, who5_raw FROM checkins ORDER BY week")

    # --- weekly agenda and review ---------------------------------------------------------
    # Small counts and lists for "This week" (nextround/agenda.py) and the weekly review.

    def week_activity(self, start: date, end: date) -> dict[str, int]:
        """What the user did between start and end (inclusive)."""
        params = {"start": start.isoformat(), "end": end.isoformat()}
        return self._counts(params, {
            "applications": "SELECT count(*) FROM applications"
                            " WHERE applied_on BETWEEN :start AND :end",
            "replies_sent": "SELECT count(*) FROM drafts WHERE status = 'sent'"
                            " AND sent_on BETWEEN :start AND :end",
            "feedback_received": "SELECT count(*) FROM feedback_requests"
                                 " WHERE received_on BETWEEN :start AND :end",
            "actions_done": "SELECT count(*) FROM actions WHERE done_on BETWEEN :start AND :end",
            "reflections_done": "SELECT count(*) FROM reflections WHERE status = 'done'"
                                " AND completed_on BETWEEN :start AND :end",
        })

    def attention_counts(self, today: date, week_end: date) -> dict[str, int]:
        """How many things wait on each practice. Each count is one SQL aggregate."""
        params = {"today": today.isoformat(), "week_end": week_end.isoformat()}
        return self._counts(params, {
            "unanswered_rejections": f"SELECT count(*) FROM applications a WHERE {_UNANSWERED}",
            "follow_ups_due": "SELECT count(*) FROM feedback_requests WHERE status IN"
                              " ('awaiting', 'followed_up') AND follow_up_due <= :today",
            # A no after interviewing (or an offer): worth ten minutes of reflection.
            "reflections_missing": "SELECT count(*) FROM applications a INDEXED BY"
                                   " applications_by_level WHERE a.furthest_level IN (2, 3)"
                                   " AND a.stage = 'rejected' AND NOT EXISTS (SELECT 1 FROM"
                                   " reflections r WHERE r.application_id = a.id"
                                   " AND r.status = 'done')",
            "actions_due": "SELECT count(*) FROM actions WHERE done_on IS NULL"
                           " AND due_on <= :week_end",
        })

    def has_open_deadlines(self) -> bool:
        """Whether `open_deadlines` would list anything (cheap: two indexed EXISTS)."""
        with self.read() as conn:
            return bool(conn.execute(text(
                "SELECT EXISTS (SELECT 1 FROM feedback_requests WHERE status IN"
                " ('awaiting', 'followed_up') AND follow_up_due IS NOT NULL)"
                " OR EXISTS (SELECT 1 FROM actions WHERE done_on IS NULL"
                " AND due_on IS NOT NULL)")).scalar())

    def open_deadlines(self) -> pd.DataFrame:
        """kind, id, title, due: follow-up dates of open feedback requests and due dates of
        open game-plan actions, for the calendar file."""
        return self.frame(
            "SELECT 'follow_up' AS kind, f.id, coalesce(a.company, '') AS title,"
            " f.follow_up_due AS due FROM feedback_requests f"
            " LEFT JOIN applications a ON a.id = f.application_id"
            " WHERE f.status IN ('awaiting', 'followed_up') AND f.follow_up_due IS NOT NULL"
            " UNION ALL SELECT 'action', id, title, due_on FROM actions"
            " WHERE done_on IS NULL AND due_on IS NOT NULL ORDER BY due LIMIT 500")

    def week_lists(self, start: date, end: date) -> dict[str, pd.DataFrame]:
        """The rows the weekly review lists, for one week. Small by nature (one week)."""
        params = {"start": start.isoformat(), "end": end.isoformat()}
        return {
            "applications": self.frame(
                "SELECT company, role, applied_on, stage FROM applications"
                " WHERE applied_on BETWEEN :start AND :end ORDER BY applied_on, id", params),
            "replies": self.frame(
                "SELECT d.kind, d.company, d.role, d.sent_on FROM drafts d"
                " WHERE d.status = 'sent' AND d.sent_on BETWEEN :start AND :end"
                " ORDER BY d.sent_on, d.id", params),
            "stage_changes": self.frame(
                "SELECT a.company, a.role, e.stage, e.on_date FROM events e"
                " JOIN applications a ON a.id = e.application_id"
                " WHERE e.stage IN ('screening', 'interviewing', 'offer', 'accepted',"
                " 'rejected') AND e.on_date BETWEEN :start AND :end"
                " ORDER BY e.on_date, e.id", params),
            "feedback": self.frame(
                "SELECT coalesce(a.company, '') AS company, f.received_on, f.feedback_text,"
                " f.themes FROM feedback_requests f"
                " LEFT JOIN applications a ON a.id = f.application_id"
                " WHERE f.received_on BETWEEN :start AND :end ORDER BY f.received_on", params),
            "reflections": self.frame(
                "SELECT coalesce(a.company, '') AS company, r.answers, r.control_pct, r.fit,"
                " r.completed_on FROM reflections r"
                " LEFT JOIN applications a ON a.id = r.application_id"
                " WHERE r.status = 'done' AND r.completed_on BETWEEN :start AND :end"
                " ORDER BY r.completed_on", params),
            "actions_done": self.frame(
                "SELECT title, done_on FROM actions WHERE done_on BETWEEN :start AND :end"
                " ORDER BY done_on", params),
            "actions_planned": self.frame(
                "SELECT title, due_on FROM actions WHERE done_on IS NULL"
                " ORDER BY due_on IS NULL, due_on LIMIT 20", params),
        }

    # --- drafts (respond page) -----------------------------------------------------------------
    # (section owned by that feature; add methods below this line)

    def unanswered_rejections(self, query: str = "", limit: int = 50,
                              offset: int = 0) -> tuple[pd.DataFrame, int]:
        """Rejected applications with no sent thank-you yet, newest rejection first, and how
        many there are in all. A page of rows, so it stays fast at 10,000 applications."""
        where = [_UNANSWERED]
        params: dict[str, Any] = {"limit": int(limit), "offset": int(offset)}
        if query.strip():
            escaped = query.strip().replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
            where.append("(a.company LIKE :q ESCAPE '\\' OR a.role LIKE :q ESCAPE '\\')")
            params["q"] = f"%{escaped}%"
        clause = " AND ".join(where)
        page = self.frame(
            "SELECT a.id, a.company, a.role, a.stage_on AS rejected_on, a.applied_on,"
            " a.contact_name, a.contact_email FROM applications a"
            f" WHERE {clause} ORDER BY a.stage_on DESC, a.id DESC LIMIT :limit OFFSET :offset",
            params)
        total = int(self.frame(f"SELECT count(*) AS n FROM applications a WHERE {clause}",
                               params)["n"].iloc[0])
        return page, total

    def drafts_for_application(self, application_id: int) -> pd.DataFrame:
        """Every saved draft for one application, newest first: what was sent, and when."""
        return self.frame(
            "SELECT id, kind, tone, status, sent_on, subject, to_email, body, version,"
            " request_token, substr(updated_at, 1, 10) AS saved_on FROM drafts"
            " WHERE application_id = :id ORDER BY coalesce(sent_on, '') DESC, id DESC",
            {"id": int(application_id)})

    def draft_by_token(self, request_token: str) -> dict[str, Any] | None:
        """The draft saved under a page's request token, if any (to resume or detect a send)."""
        with self.read() as conn:
            row = conn.execute(text("SELECT * FROM drafts WHERE request_token = :t"),
                               {"t": request_token}).mappings().first()
        return dict(row) if row else None

    @staticmethod
    def _clean_draft(fields: Mapping[str, Any]) -> dict[str, Any]:
        from nextround import drafting  # domain module; imported here to keep the header intact
        from nextround.models import clean_multi_line

        errors: dict[str, str] = {}
        values: dict[str, Any] = {}
        checks = {
            "company": lambda v: drafting.check_one_line(v, "Company").strip(),
            "role": lambda v: drafting.check_one_line(v, "Role").strip(),
            "to_email": lambda v: drafting.check_email(v, "Contact email"),
            "subject": lambda v: drafting.check_one_line(v, "Subject").strip(),
            "body": lambda v: clean_multi_line(v, "Email text", max_len=20_000),
        }
        for name, check in checks.items():
            try:
                values[name] = check(fields.get(name) or "")
            except ValueError as exc:
                errors[name] = str(exc)
        if not errors.get("subject") and not values.get("subject"):
            errors["subject"] = "Subject is empty. Please add a short subject line."
        if not errors.get("company") and not values.get("company"):
            errors["company"] = "Company is required."
        if fields.get("kind") not in drafting.KINDS:
            errors["kind"] = "Choose what kind of email this is."
        if fields.get("tone") not in drafting.TONES:
            errors["tone"] = "Choose a tone."
        if errors:
            raise ValidationError(errors)
        values["kind"], values["tone"] = fields["kind"], fields["tone"]
        values["application_id"] = (int(fields["application_id"])
                                    if fields.get("application_id") is not None else None)
        return values

    def save_draft(self, fields: Mapping[str, Any], *, request_token: str,
                   draft_id: int | None = None, version: int | None = None) -> tuple[int, int]:
        """Keep an unsent draft. Returns (id, version). Creates the row the first time (the
        request token makes a repeated submit harmless) and afterwards updates it only from
        the version this tab loaded, so another tab's newer save is never overwritten."""
        values = self._clean_draft(fields)
        stamp = _now()
        with self.write() as conn:
            existing = conn.execute(text("SELECT id, status, version FROM drafts"
                                         " WHERE request_token = :t"),
                                    {"t": request_token}).first()
            if existing is not None and existing[1] == "sent":
                raise StaleVersionError("This draft was already marked as sent, so it can't be "
                                        "changed. Start a new draft instead.")
            if draft_id is None and existing is None:
                new_id = int(conn.execute(text(
                    "INSERT INTO drafts (application_id, kind, tone, company, role, to_email,"
                    " subject, body, status, request_token, created_at, updated_at) VALUES"
                    " (:application_id, :kind, :tone, :company, :role, :to_email, :subject,"
                    " :body, 'draft', :token, :now, :now) RETURNING id"),
                    {**values, "token": request_token, "now": stamp}).scalar_one())
                return new_id, 1
            row_id = int(draft_id if draft_id is not None else existing[0])
            current = int(version if version is not None else existing[2])
            self._bump_version(conn, "drafts", row_id, current,
                               {**values, "updated_at": stamp})
            return row_id, current + 1

    def mark_draft_sent(self, fields: Mapping[str, Any], *, request_token: str, sent_on: date,
                        ask_feedback: bool = False, follow_up_days: int = 7,
                        draft_id: int | None = None, version: int | None = None) -> int:
        """Store the final text as sent on `sent_on`, in one transaction, and return its id.

        - Idempotent: a second submit with the same request token (a double click, a rerun)
          changes nothing and returns the id already stored.
        - A draft saved earlier is updated only from the version this tab loaded.
        - With `ask_feedback` (or for a feedback request email) it also opens one feedback
          request, due for a follow-up `follow_up_days` later, unless one is already open for
          that application.
        """
        values = self._clean_draft(fields)
        stamp = _now()
        sent = sent_on.isoformat()
        with self.write() as conn:
            existing = conn.execute(text("SELECT id, status, version FROM drafts"
                                         " WHERE request_token = :t"),
                                    {"t": request_token}).first()
            if existing is not None and existing[1] == "sent":
                return int(existing[0])
            if draft_id is None and existing is None:
                row_id = int(conn.execute(text(
                    "INSERT INTO drafts (application_id, kind, tone, company, role, to_email,"
                    " subject, body, status, sent_on, request_token, created_at, updated_at)"
                    " VALUES (:application_id, :kind, :tone, :company, :role, :to_email,"
                    " :subject, :body, 'sent', :sent_on, :token, :now, :now) RETURNING id"),
                    {**values, "sent_on": sent, "token": request_token,
                     "now": stamp}).scalar_one())
            else:
                row_id = int(draft_id if draft_id is not None else existing[0])
                current = int(version if version is not None else existing[2])
                self._bump_version(conn, "drafts", row_id, current,
                                   {**values, "status": "sent", "sent_on": sent,
                                    "updated_at": stamp})
            if ask_feedback or values["kind"] == "feedback_request":
                open_request = None
                if values["application_id"] is not None:
                    open_request = conn.execute(text(
                        "SELECT id FROM feedback_requests WHERE application_id = :a"
                        " AND status IN ('awaiting', 'followed_up')"),
                        {"a": values["application_id"]}).first()
                if open_request is None:
                    due = date.fromordinal(sent_on.toordinal() + int(follow_up_days))
                    conn.execute(text(
                        "INSERT INTO feedback_requests (application_id, asked_on, channel,"
                        " asked_whom, follow_up_due, status, draft_id, created_at, updated_at)"
                        " VALUES (:a, :asked, 'email', :whom, :due, 'awaiting', :draft,"
                        " :now, :now)"),
                        {"a": values["application_id"], "asked": sent,
                         "whom": str(fields.get("contact_name") or values["to_email"] or "")[:200],
                         "due": due.isoformat(), "draft": row_id, "now": stamp})
            return row_id

    # --- feedback requests (feedback page) -----------------------------------------------------
    # (section owned by that feature; add methods below this line)

    _FEEDBACK_COLUMNS = (
        "f.id, f.application_id, a.company, a.role, f.asked_on, f.channel, f.asked_whom,"
        " f.status, f.follow_ups, f.follow_up_due, f.received_on, f.version")

    def add_feedback_request(self, application_id: int, request: Any, *,
                             today: date | None = None) -> int:
        """Record that feedback was asked for. `request` is a `feedback.NewRequest`; the
        follow-up date defaults to asked on + the follow-up days in settings."""
        from nextround import feedback as fb

        day = today or self.today()
        settings = self.settings()
        with self.write() as conn:
            applied = conn.execute(text("SELECT applied_on FROM applications WHERE id = :id"),
                                   {"id": application_id}).scalar()
            if applied is None:
                raise ValidationError({"application": "Pick the application you asked about."})
            clean = request.validated(day, settings.follow_up_days, date.fromisoformat(applied))
            stamp = _now()
            return int(conn.execute(text(
                "INSERT INTO feedback_requests (application_id, asked_on, channel, asked_whom,"
                " follow_up_due, status, follow_ups, created_at, updated_at) VALUES (:app,"
                " :asked_on, :channel, :whom, :due, :status, 0, :now, :now) RETURNING id"), {
                    "app": application_id, "asked_on": clean.asked_on.isoformat(),
                    "channel": str(clean.channel), "whom": clean.asked_whom,
                    "due": clean.follow_up_due.isoformat(), "status": fb.Status.AWAITING.value,
                    "now": stamp}).scalar_one())

    def feedback_request(self, request_id: int) -> dict[str, Any]:
        """One request with its application's company, role and contact."""
        with self.read() as conn:
            row = conn.execute(text(
                f"SELECT {self._FEEDBACK_COLUMNS}, f.feedback_text, f.themes, f.draft_id,"
                " a.contact_name, a.contact_email, a.applied_on FROM feedback_requests f"
                " LEFT JOIN applications a ON a.id = f.application_id WHERE f.id = :id"),
                {"id": request_id}).mappings().first()
        if row is None:
            raise NotFoundError("That feedback request no longer exists.")
        return dict(row)

    def feedback_requests(self, *, statuses: Sequence[str] = (), query: str = "",
                          limit: int = 25, offset: int = 0) -> tuple[pd.DataFrame, int]:
        """One page of requests, newest asked first, and how many match in all."""
        where, params = ["1 = 1"], {"limit": int(limit), "offset": int(offset)}
        if statuses:
            names = [f":s{i}" for i in range(len(statuses))]
            where.append(f"f.status IN ({', '.join(names)})")
            params.update({f"s{i}": str(s) for i, s in enumerate(statuses)})
        if query.strip():
            escaped = query.strip().replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
            where.append("(a.company LIKE :q ESCAPE '\\' OR a.role LIKE :q ESCAPE '\\'"
                         " OR f.asked_whom LIKE :q ESCAPE '\\')")
            params["q"] = f"%{escaped}%"
        clause = " AND ".join(where)
        source = "feedback_requests f LEFT JOIN applications a ON a.id = f.application_id"
        # Without a search nothing filters on the application, so the page's ids are chosen
        # (and the matches counted) from the requests alone, and only the page's rows are
        # joined: joining every request before sorting cost 6 ms of 7 at 100,000.
        chosen = source if query.strip() else "feedback_requests f"
        order = "ORDER BY f.asked_on DESC, f.id DESC"
        page = self.frame(
            f"SELECT {self._FEEDBACK_COLUMNS} FROM {source} WHERE f.id IN (SELECT f.id FROM"
            f" {chosen} WHERE {clause} {order} LIMIT :limit OFFSET :offset) {order}", params)
        total = int(self.frame(f"SELECT count(*) AS n FROM {chosen} WHERE {clause}",
                               params)["n"].iloc[0])
        return page, total

    def feedback_due(self, today: date, *, horizon_days: int = 3,
                     limit: int = 10) -> tuple[pd.DataFrame, int]:
        """Open requests whose follow-up is due by today + horizon, overdue (oldest) first."""
        params = {"until": date.fromordinal(today.toordinal() + horizon_days).isoformat(),
                  "limit": int(limit)}
        where = ("f.status IN ('awaiting', 'followed_up') AND f.follow_up_due IS NOT NULL"
                 " AND f.follow_up_due <= :until")
        source = "feedback_requests f LEFT JOIN applications a ON a.id = f.application_id"
        page = self.frame(
            f"SELECT {self._FEEDBACK_COLUMNS}, a.contact_name, a.contact_email FROM {source}"
            f" WHERE {where} ORDER BY f.follow_up_due, f.id LIMIT :limit", params)
        total = int(self.frame(f"SELECT count(*) AS n FROM {source} WHERE {where}",
                               params)["n"].iloc[0])
        return page, total

    def change_feedback_status(self, request_id: int, status: str, version: int, *,
                               today: date | None = None) -> None:
        """Move a request to a new status, if the transition table allows it.

        Following up counts the follow-up and sets the next due date (today + follow-up
        days); reopening sets a fresh due date; "received" dates the reply today."""
        from nextround import feedback as fb

        target = fb.parse_status(status)
        day = today or self.today()
        days = self.settings().follow_up_days
        with self.write() as conn:
            row = conn.execute(text("SELECT status, follow_ups, received_on FROM"
                                    " feedback_requests WHERE id = :id"),
                               {"id": request_id}).mappings().first()
            if row is None:
                raise NotFoundError("That feedback request no longer exists.")
            fb.check_transition(row["status"], target)
            values: dict[str, Any] = {"status": target.value, "updated_at": _now()}
            if target == fb.Status.FOLLOWED_UP:
                values["follow_ups"] = min(row["follow_ups"] + 1, MAX_COUNT)
                values["follow_up_due"] = fb.follow_up_due(day, days).isoformat()
            elif target == fb.Status.AWAITING:
                values["follow_up_due"] = fb.follow_up_due(day, days).isoformat()
            elif target == fb.Status.RECEIVED and not row["received_on"]:
                values["received_on"] = day.isoformat()
            self._bump_version(conn, "feedback_requests", request_id, version, values)

    def record_feedback_reply(self, request_id: int, reply: Any, version: int, *,
                              today: date | None = None) -> None:
        """Store a reply (`feedback.Reply`): its date, text and themes. The request becomes
        "received"; recording again on a received request edits the reply."""
        from nextround import feedback as fb

        day = today or self.today()
        with self.write() as conn:
            row = conn.execute(text("SELECT status, asked_on FROM feedback_requests"
                                    " WHERE id = :id"), {"id": request_id}).mappings().first()
            if row is None:
                raise NotFoundError("That feedback request no longer exists.")
            clean = reply.validated(date.fromisoformat(row["asked_on"]), day)
            if row["status"] != fb.Status.RECEIVED.value:
                fb.check_transition(row["status"], fb.Status.RECEIVED)
            self._bump_version(conn, "feedback_requests", request_id, version, {
                "status": fb.Status.RECEIVED.value,
                "received_on": clean.received_on.isoformat(),
                "feedback_text": clean.feedback_text,
                "themes": fb.themes_to_json(clean.themes),
                "updated_at": _now()})

    # "What the feedback says" is aggregated here, in SQL, so that a page reads a few grouped
    # rows instead of every reply (parsing each reply's themes in pandas made the page's cold
    # rerun grow with the data; issue 10). The themes of a reply become rows with json_each.
    # A themes value that isn't a JSON array (a hand-edited or damaged row) counts as no themes
    # rather than failing the query, and only non-blank strings are themes, as in
    # `feedback.load_themes`. A reply counts once per theme even if a theme were repeated.
    _RECEIVED = "f.status = 'received' AND f.received_on IS NOT NULL"
    _REPLY_THEMES = ("json_each(CASE WHEN CASE WHEN json_valid(f.themes) THEN json_type(f.themes)"
                     " END = 'array' THEN f.themes ELSE '[]' END) j")
    _IS_THEME = "j.type = 'text' AND trim(j.value, ' ' || char(9, 10, 13)) <> ''"
    _PERIOD_START = {  # the first day of a reply's month, or of its ISO week (a Monday)
        "month": "date(f.received_on, 'start of month')",
        "week": "date(f.received_on, 'weekday 0', '-6 days')",
    }

    def feedback_reply_counts(self) -> tuple[int, int]:
        """(replies received, replies tagged with at least one theme): the page's empty states
        and the denominator of a theme's share."""
        row = self.frame(
            "SELECT count(*) AS received, coalesce(sum(EXISTS (SELECT 1 FROM"
            f" {self._REPLY_THEMES} WHERE {self._IS_THEME})), 0) AS tagged"
            f" FROM feedback_requests f WHERE {self._RECEIVED}").iloc[0]
        return int(row["received"]), int(row["tagged"])

    def feedback_theme_totals(self) -> pd.DataFrame:
        """theme, replies: how many received replies mention each theme, over all time; most
        first, ties alphabetical. One row per distinct theme, however many replies."""
        return self.frame(
            "SELECT j.value AS theme, count(DISTINCT f.id) AS replies"
            f" FROM feedback_requests f, {self._REPLY_THEMES}"
            f" WHERE {self._RECEIVED} AND {self._IS_THEME}"
            " GROUP BY j.value ORDER BY replies DESC, theme")

    def feedback_theme_counts(self, freq: str, start: date, end: date, *,
                              top: int = 8) -> pd.DataFrame:
        """period (its first day, YYYY-MM-DD), theme, replies: how many replies received from
        `start` to `end` (inclusive) mention each theme, per month or ISO week.

        Only the `top` themes most mentioned in that window keep their name; the others are
        one row per period with theme NULL, counting the replies that mention any of them (so a
        bar never overstates). At most periods × (top + 1) rows, however many replies: what a
        chart sends stays bounded by construction."""
        if freq not in self._PERIOD_START:
            raise ValueError("freq must be 'week' or 'month'")
        return self.frame(
            "WITH tagged AS ("
            f" SELECT f.id, {self._PERIOD_START[freq]} AS period, j.value AS theme"
            f" FROM feedback_requests f, {self._REPLY_THEMES}"
            f" WHERE {self._RECEIVED} AND f.received_on >= :start AND f.received_on <= :end"
            f" AND {self._IS_THEME}),"
            " top AS (SELECT theme FROM tagged GROUP BY theme"
            " ORDER BY count(DISTINCT id) DESC, theme LIMIT :top)"
            " SELECT period, CASE WHEN theme IN (SELECT theme FROM top) THEN theme END AS theme,"
            " count(DISTINCT id) AS replies FROM tagged GROUP BY 1, 2 ORDER BY 1, 2",
            {"start": start.isoformat(), "end": end.isoformat(), "top": max(0, int(top))})

    def feedback_replies_for_theme(self, theme: str, limit: int = 10) -> pd.DataFrame:
        """id, company, role, received_on, feedback_text: the `limit` most recent received
        replies tagged with `theme` (exact match), newest first. Reads one page, not every
        reply."""
        return self.frame(
            "SELECT f.id, a.company, a.role, f.received_on, f.feedback_text"
            " FROM feedback_requests f LEFT JOIN applications a ON a.id = f.application_id"
            f" WHERE {self._RECEIVED} AND EXISTS (SELECT 1 FROM {self._REPLY_THEMES}"
            " WHERE j.type = 'text' AND j.value = :theme)"
            " ORDER BY f.received_on DESC, f.id DESC LIMIT :limit",
            {"theme": str(theme), "limit": int(limit)})

    def feedback_themes(self) -> list[str]:
        """The user's theme list (settings.extra["feedback_themes"]), or the defaults."""
        from nextround import feedback as fb

        return fb.themes_from_settings(self.settings().extra)

    def save_feedback_themes(self, text_: str, version: int) -> list[str]:
        """Replace the theme list from the editor's text (one theme per line). `version` is
        the settings version the editor started from, so another tab's change is not lost."""
        from nextround import feedback as fb

        themes = fb.parse_theme_list(text_)
        current = self.settings()
        extra = {**current.extra, fb.THEMES_SETTING: fb.themes_to_json(themes)}
        self.save_settings(Settings(
            name=current.name, signature=current.signature, weekly_goal=current.weekly_goal,
            ghost_after_days=current.ghost_after_days, timezone=current.timezone,
            support_region=current.support_region, follow_up_days=current.follow_up_days,
            version=version, extra=extra))
        return themes

    def send_feedback_follow_up(self, request_id: int, version: int, *, subject: str,
                                body: str, to_email: str = "", tone: str = "warm",
                                request_token: str, today: date | None = None) -> int:
        """The user sent a follow-up email: in one transaction, keep the sent draft
        (kind feedback_follow_up) and mark the request followed up (one more follow-up,
        next due = today + follow-up days). The same `request_token` twice (a double click)
        records it once. Returns the draft id."""
        from nextround import feedback as fb
        from nextround.models import clean_multi_line, clean_single_line

        try:
            subject_ = clean_single_line(subject, "Subject", required=True, max_len=300)
            body_ = clean_multi_line(body, "The email text", max_len=20_000)
        except ValueError as exc:
            raise ValidationError({"draft": str(exc)}) from exc
        if not body_:
            raise ValidationError({"draft": "The email text is empty."})
        day = today or self.today()
        days = self.settings().follow_up_days
        with self.write() as conn:
            done = conn.execute(text("SELECT id FROM drafts WHERE request_token = :t"),
                                {"t": request_token}).scalar()
            if done is not None:
                return int(done)
            row = conn.execute(text(
                "SELECT f.status, f.follow_ups, f.application_id, a.company, a.role"
                " FROM feedback_requests f LEFT JOIN applications a ON a.id = f.application_id"
                " WHERE f.id = :id"), {"id": request_id}).mappings().first()
            if row is None:
                raise NotFoundError("That feedback request no longer exists.")
            fb.check_transition(row["status"], fb.Status.FOLLOWED_UP)
            stamp = _now()
            draft_id = int(conn.execute(text(
                "INSERT INTO drafts (application_id, kind, tone, company, role, to_email,"
                " subject, body, status, sent_on, request_token, created_at, updated_at)"
                " VALUES (:app, 'feedback_follow_up', :tone, :company, :role, :to, :subject,"
                " :body, 'sent', :day, :token, :now, :now) RETURNING id"), {
                    "app": row["application_id"], "tone": tone, "company": row["company"] or "",
                    "role": row["role"] or "", "to": to_email or "", "subject": subject_,
                    "body": body_, "day": day.isoformat(), "token": request_token,
                    "now": stamp}).scalar_one())
            self._bump_version(conn, "feedback_requests", request_id, version, {
                "status": fb.Status.FOLLOWED_UP.value,
                "follow_ups": min(row["follow_ups"] + 1, MAX_COUNT),
                "follow_up_due": fb.follow_up_due(day, days).isoformat(),
                "draft_id": draft_id, "updated_at": stamp})
            return draft_id

    def add_action_from_feedback_theme(self, theme: str, *, title: str | None = None,
                                       today: date | None = None) -> tuple[int, bool]:
        """Put a theme on the game plan: an open action (source_kind "feedback") with a small
        default title, due in two weeks. An open action for the same theme is reused rather
        than duplicated (a double click adds one). Returns (action id, created)."""
        from nextround import feedback as fb
        from nextround import reflection as rf

        day = today or self.today()
        label = " ".join(str(theme or "").split())
        if not label:
            raise ValidationError({"theme": "Pick a theme first."})
        # The reflect page's own validation and insert, so actions are made one way.
        try:
            title_, due, kind, label = rf.clean_action(
                title or fb.game_plan_title(label), fb.game_plan_due(day), "feedback", label, day)
        except ValidationError as exc:
            raise ValidationError({"theme": " ".join(exc.errors.values())}) from exc
        with self.write() as conn:
            existing = conn.execute(text(
                "SELECT id FROM actions WHERE source_kind = 'feedback' AND source_label = :label"
                " AND done_on IS NULL ORDER BY id LIMIT 1"), {"label": label}).scalar()
            if existing is not None:
                return int(existing), False
            return self._insert_action(conn, title_, due, kind, None, label, day), True

    # --- reflections, actions and targets (reflect page) ---------------------------------------
    # (section owned by that feature; add methods below this line)

    class _Joined:
        """This store, with `write()` joining a transaction that is already open. It lets an
        action run another store method (e.g. `add_application`, with its validation and its
        first event) inside its own single transaction, without copying that method."""

        def __init__(self, store: Store, conn: Connection) -> None:
            self._store, self._conn = store, conn

        @contextmanager
        def write(self) -> Iterator[Connection]:
            yield self._conn

        def __getattr__(self, name: str) -> Any:
            return getattr(self._store, name)

    @staticmethod
    def _reflection_row(row: Mapping[str, Any]) -> dict[str, Any]:
        from nextround import reflection as rf

        out = dict(row)
        out["answers"] = rf.load_answers(out.get("answers"))
        return out

    def open_reflection(self) -> dict[str, Any] | None:
        """The reflection draft in progress (the newest), answers parsed; None when there's
        none. Reopening the page resumes it, whatever happened to the browser tab."""
        with self.read() as conn:
            row = conn.execute(text(
                "SELECT r.*, a.company, a.role FROM reflections r"
                " LEFT JOIN applications a ON a.id = r.application_id"
                " WHERE r.status = 'draft' ORDER BY r.updated_at DESC, r.id DESC LIMIT 1"
            )).mappings().first()
        return None if row is None else self._reflection_row(row)

    def reflection(self, reflection_id: int) -> dict[str, Any]:
        with self.read() as conn:
            row = conn.execute(text(
                "SELECT r.*, a.company, a.role FROM reflections r"
                " LEFT JOIN applications a ON a.id = r.application_id WHERE r.id = :id"),
                {"id": reflection_id}).mappings().first()
        if row is None:
            raise NotFoundError("That reflection no longer exists.")
        return self._reflection_row(row)

    def start_reflection(self, application_id: int | None = None, *,
                         today: date | None = None) -> int:
        """Open a draft, about one application or general. There is one draft at a time: if
        one is open already (a double click, another tab) its id is returned instead."""
        from nextround import reflection as rf

        day = (today or self.today()).isoformat()
        with self.write() as conn:
            existing = conn.execute(text(
                "SELECT id FROM reflections WHERE status = 'draft'"
                " ORDER BY updated_at DESC, id DESC LIMIT 1")).scalar()
            if existing is not None:
                return int(existing)
            if application_id is not None and conn.execute(
                    text("SELECT 1 FROM applications WHERE id = :id"),
                    {"id": application_id}).first() is None:
                raise NotFoundError("That application no longer exists. Pick another one.")
            return int(conn.execute(text(
                "INSERT INTO reflections (application_id, status, answers, created_on,"
                " updated_at) VALUES (:app, 'draft', :answers, :day, :now) RETURNING id"),
                {"app": application_id, "answers": json.dumps(rf.empty_answers()),
                 "day": day, "now": _now()}).scalar_one())

    def save_reflection_step(self, reflection_id: int, version: int, step: int,
                             values: Mapping[str, Any], *, next_step: int,
                             plan: Mapping[int, tuple[str, Any]] | None = None,
                             today: date | None = None) -> None:
        """Save one step of a draft and move it to `next_step`, in one transaction.

        `plan` maps a "do differently" row to (item, due date) for the items to turn into
        game-plan actions. Items already planned from this reflection are skipped, so going
        back and pressing Next again never duplicates an action.
        """
        from nextround import reflection as rf

        day = today or self.today()
        clean = rf.clean_step(step, values)
        errors: dict[str, str] = {}
        planned_new: list[tuple[str, date | None]] = []
        for row, (item, due) in sorted((plan or {}).items()):
            try:
                title, due_on, _, _ = rf.clean_action(item, due, "reflection", "", day)
            except ValidationError as exc:
                errors[f"plan_{row}"] = next(iter(exc.errors.values()))
                continue
            planned_new.append((title, due_on))
        if errors:
            raise ValidationError(errors)
        columns: dict[str, Any] = {}
        for key in ("control_pct", "fit"):
            if key in clean:
                columns[key] = clean.pop(key)
        with self.write() as conn:
            row = conn.execute(text(
                "SELECT r.status, r.answers, a.company FROM reflections r"
                " LEFT JOIN applications a ON a.id = r.application_id WHERE r.id = :id"),
                {"id": reflection_id}).first()
            if row is None:
                raise NotFoundError("That reflection no longer exists. It may have been "
                                    "discarded in another tab.")
            if row[0] != "draft":
                raise StoreError("This reflection was already finished in another tab, so "
                                 "this step was not saved.")
            answers = rf.load_answers(row[1])
            answers.update(clean)
            answers["step"] = max(0, min(rf.SUMMARY_STEP, int(next_step)))
            self._bump_version(conn, "reflections", reflection_id, version, {
                **columns, "answers": json.dumps(answers, ensure_ascii=False),
                "updated_at": _now()})
            label = f"Reflection on {row[2]}" if row[2] else "General reflection"
            for title, due_on in planned_new:
                if title in answers["planned"]:
                    continue
                self._insert_action(conn, title, due_on, "reflection", reflection_id,
                                    label[:300], day)
                answers["planned"].append(title)
            conn.execute(text("UPDATE reflections SET answers = :answers WHERE id = :id"),
                         {"answers": json.dumps(answers, ensure_ascii=False),
                          "id": reflection_id})

    def finish_reflection(self, reflection_id: int, version: int, *,
                          today: date | None = None) -> None:
        day = (today or self.today()).isoformat()
        with self.write() as conn:
            status = conn.execute(text("SELECT status FROM reflections WHERE id = :id"),
                                  {"id": reflection_id}).scalar()
            if status == "done":
                return  # a double click on Finish: already done
            self._bump_version(conn, "reflections", reflection_id, version, {
                "status": "done", "completed_on": day, "updated_at": _now()})

    def discard_reflection(self, reflection_id: int, version: int) -> None:
        """Delete a draft (only a draft; a finished reflection is kept)."""
        with self.write() as conn:
            result = conn.execute(text(
                "DELETE FROM reflections WHERE id = :id AND version = :v AND status = 'draft'"),
                {"id": reflection_id, "v": version})
            if result.rowcount == 0:
                raise StaleVersionError("This reflection changed in another tab, so it was not "
                                        "discarded. Reload to see the latest version.")

    def recent_reflections(self, limit: int = 10) -> pd.DataFrame:
        """Finished reflections, newest first, for the list under the start form."""
        return self.frame(
            "SELECT r.id, r.completed_on, coalesce(a.company, '') AS company,"
            " coalesce(a.role, '') AS role, r.control_pct, r.fit FROM reflections r"
            " LEFT JOIN applications a ON a.id = r.application_id WHERE r.status = 'done'"
            " ORDER BY r.completed_on DESC, r.id DESC LIMIT :limit", {"limit": int(limit)})

    def reflection_insight_rows(self) -> pd.DataFrame:
        """Finished reflections' dates, control and answers: the input to the Insights
        charts, which reflection.insight_frames aggregates per month."""
        return self.frame("SELECT completed_on, control_pct, answers FROM reflections"
                          " WHERE status = 'done' AND completed_on IS NOT NULL"
                          " ORDER BY completed_on")

    # actions: the game plan

    def _insert_action(self, conn: Connection, title: str, due_on: date | None,
                       source_kind: str, source_id: int | None, source_label: str,
                       day: date) -> int:
        return int(conn.execute(text(
            "INSERT INTO actions (title, due_on, source_kind, source_id, source_label,"
            " created_on) VALUES (:title, :due, :kind, :sid, :label, :day) RETURNING id"),
            {"title": title, "due": due_on.isoformat() if due_on else None,
             "kind": source_kind, "sid": source_id, "label": source_label,
             "day": day.isoformat()}).scalar_one())

    def add_action(self, title: str, due_on: date | str | None = None,
                   source_kind: str = "manual", source_id: int | None = None,
                   source_label: str = "", *, today: date | None = None) -> int:
        """Add one game-plan action. `source_kind` is manual, reflection or feedback;
        `source_label` says where it came from (e.g. the feedback theme)."""
        from nextround import reflection as rf

        day = today or self.today()
        title_, due, kind, label = rf.clean_action(title, due_on, source_kind, source_label,
                                                   day)
        with self.write() as conn:
            return self._insert_action(conn, title_, due, kind, source_id, label, day)

    def update_action(self, action_id: int, version: int, title: str,
                      due_on: date | str | None, *, today: date | None = None) -> None:
        from nextround import reflection as rf

        day = today or self.today()
        title_, due, _, _ = rf.clean_action(title, due_on, "manual", "", day)
        with self.write() as conn:
            self._bump_version(conn, "actions", action_id, version, {
                "title": title_, "due_on": due.isoformat() if due else None})

    def set_action_done(self, action_id: int, done: bool, version: int, *,
                        today: date | None = None) -> None:
        """Mark done (today) or undo. A stale version raises StaleVersionError."""
        day = (today or self.today()).isoformat()
        with self.write() as conn:
            self._bump_version(conn, "actions", action_id, version,
                               {"done_on": day if done else None})

    def delete_action(self, action_id: int, version: int) -> None:
        with self.write() as conn:
            result = conn.execute(text("DELETE FROM actions WHERE id = :id AND version = :v"),
                                  {"id": action_id, "v": version})
            if result.rowcount == 0:
                raise StaleVersionError("This action changed in another tab, so it was not "
                                        "deleted. Reload to see the latest version.")

    def list_actions(self, status: str = "open", limit: int = 200) -> pd.DataFrame:
        """Open actions by due date (undated last), or done ones newest first, or all."""
        where = {"open": "done_on IS NULL", "done": "done_on IS NOT NULL", "all": "1 = 1"}
        if status not in where:
            raise ValueError(f"unknown action status {status!r}")
        order = ("done_on DESC, id DESC" if status == "done"
                 else "due_on IS NULL, due_on, id")
        return self.frame(
            "SELECT id, title, due_on, done_on, source_kind, source_id, source_label,"
            f" created_on, version FROM actions WHERE {where[status]} ORDER BY {order}"
            " LIMIT :limit", {"limit": int(limit)})

    def action_counts(self) -> dict[str, int]:
        """{'open': n, 'done': n}: how much of the game plan is done (progress page)."""
        with self.read() as conn:
            row = conn.execute(text(
                "SELECT count(*) - count(done_on), count(done_on) FROM actions")).first()
        return {"open": int(row[0] or 0), "done": int(row[1] or 0)}

    # targets: the dream-job list

    def add_target(self, company: str, role: str = "", why: str = "", priority: int = 2,
                   status: str = "researching", next_step: str = "", *,
                   today: date | None = None) -> int:
        from nextround import reflection as rf

        clean = rf.clean_target(company, role, why, priority, status, next_step)
        if clean["status"] == "applied":
            raise ValidationError({"status": "Use “I applied” on the entry, so the "
                                             "application is recorded too."})
        with self.write() as conn:
            return int(conn.execute(text(
                "INSERT INTO targets (company, role, why, priority, status, next_step,"
                " created_on) VALUES (:company, :role, :why, :priority, :status, :next_step,"
                " :day) RETURNING id"),
                {**clean, "day": (today or self.today()).isoformat()}).scalar_one())

    def update_target(self, target_id: int, version: int, company: str, role: str, why: str,
                      priority: int, status: str, next_step: str) -> None:
        from nextround import reflection as rf

        clean = rf.clean_target(company, role, why, priority, status, next_step)
        with self.write() as conn:
            linked = conn.execute(text("SELECT application_id FROM targets WHERE id = :id"),
                                  {"id": target_id}).scalar()
            if clean["status"] == "applied" and linked is None:
                raise ValidationError({"status": "Use “I applied” on the entry, so the "
                                                 "application is recorded too."})
            self._bump_version(conn, "targets", target_id, version, clean)

    def delete_target(self, target_id: int, version: int) -> None:
        with self.write() as conn:
            result = conn.execute(text("DELETE FROM targets WHERE id = :id AND version = :v"),
                                  {"id": target_id, "v": version})
            if result.rowcount == 0:
                raise StaleVersionError("This entry changed in another tab, so it was not "
                                        "deleted. Reload to see the latest version.")

    def list_targets(self, limit: int = 200) -> pd.DataFrame:
        """The dream-job list: not-yet-applied first, by priority. `said_no_id` is the newest
        rejected application at the same company (case-insensitive), if any."""
        return self.frame(
            "WITH said_no AS (SELECT lower(company) AS lc, max(id) AS said_no_id"
            "   FROM applications WHERE stage = 'rejected'"
            "   AND lower(company) IN (SELECT lower(company) FROM targets)"
            "   GROUP BY lower(company))"
            " SELECT t.id, t.company, t.role, t.why, t.priority, t.status, t.next_step,"
            " t.application_id, t.created_on, t.version, s.said_no_id"
            " FROM targets t LEFT JOIN said_no s ON s.lc = lower(t.company)"
            " ORDER BY t.status = 'applied', t.priority, t.created_on, t.id"
            " LIMIT :limit", {"limit": int(limit)})

    def next_target(self, exclude_company: str = "") -> dict[str, Any] | None:
        """The highest-priority dream-list entry not applied to yet (not `exclude_company`)."""
        with self.read() as conn:
            row = conn.execute(text(
                "SELECT id, company, role FROM targets WHERE application_id IS NULL"
                " AND status != 'applied' AND lower(company) != lower(:skip)"
                " ORDER BY priority, created_on, id LIMIT 1"),
                {"skip": exclude_company or ""}).mappings().first()
        return None if row is None else dict(row)

    def mark_target_applied(self, target_id: int, version: int, *,
                            applied_on: date | str | None = None,
                            today: date | None = None) -> int:
        """"I applied": create the application and link it, in one transaction.

        Exactly one application, even on a double click: the target's link is checked inside
        the same transaction, and an entry that is already linked returns its application.
        """
        day = today or self.today()
        with self.write() as conn:
            row = conn.execute(text(
                "SELECT company, role, application_id FROM targets WHERE id = :id"),
                {"id": target_id}).first()
            if row is None:
                raise NotFoundError("That dream-list entry no longer exists.")
            if row[2] is not None:
                return int(row[2])
            app_id = Store.add_application(
                self._Joined(self, conn),  # type: ignore[arg-type]
                Application(company=row[0], role=row[1], applied_on=applied_on or day,
                            source="Dream-job list"), today=day)
            self._bump_version(conn, "targets", target_id, version,
                               {"status": "applied", "application_id": app_id})
            conn.execute(text("UPDATE applications SET target_id = :t WHERE id = :a"),
                         {"t": target_id, "a": app_id})
        return app_id

    # --- check-ins (check-in page) -------------------------------------------------------------
    # (section owned by that feature; add methods below this line)

    _CHECKIN_COLUMNS = ("id, week, checked_on, items, who5_raw, stress, hours, self_care, win,"
                        " let_go, version")

    def checkin_for_week(self, week: str) -> dict[str, Any] | None:
        """The check-in of one ISO week ("2026-W48"), or None."""
        with self.read() as conn:
            row = conn.execute(text(f"SELECT {self._CHECKIN_COLUMNS} FROM checkins"
                                    " WHERE week = :week"), {"week": week}).mappings().first()
        return None if row is None else dict(row)

    def checkin_history(self, limit: int = 104) -> pd.DataFrame:
        """The most recent `limit` weekly check-ins, oldest first (one row per week)."""
        return self.frame(
            f"SELECT {self._CHECKIN_COLUMNS} FROM (SELECT * FROM checkins ORDER BY week DESC"
            " LIMIT :limit) ORDER BY week", {"limit": int(limit)})

    def save_checkin(self, checkin: Any, *, day: date | None = None,
                     version: int | None = None) -> str:
        """Save the check-in for the ISO week of `day` (the user's today by default) and
        return the week key. One per week: `version=None` inserts and refuses if that week
        already has one (e.g. saved in another tab); an int replaces that week's check-in only
        if it is still at that version. Either way nothing is silently overwritten."""
        from nextround import wellbeing  # wellbeing imports models/clock only; no cycle

        clean = checkin.validated()
        day = day or self.today()
        week = wellbeing.week_key(day)
        values = {
            "checked_on": day.isoformat(), "items": json.dumps(list(clean.items)),
            "who5_raw": clean.score.raw, "stress": clean.stress, "hours": clean.hours,
            "self_care": json.dumps(list(clean.self_care)), "win": clean.win,
            "let_go": clean.let_go, "updated_at": _now(),
        }
        with self.write() as conn:
            row = conn.execute(text("SELECT id, version FROM checkins WHERE week = :week"),
                               {"week": week}).first()
            if row is not None and version is None:
                raise StaleVersionError(
                    f"You already checked in this week ({week}), maybe in another tab, so "
                    "this was not saved. Reload to see it; you can then update it.")
            if row is None and version is not None:
                raise NotFoundError(f"This week's check-in ({week}) no longer exists; it may "
                                    "have been deleted in another tab. Reload and check in again.")
            if row is None:
                conn.execute(text(
                    "INSERT INTO checkins (week, checked_on, items, who5_raw, stress, hours,"
                    " self_care, win, let_go, updated_at) VALUES (:week, :checked_on, :items,"
                    " :who5_raw, :stress, :hours, :self_care, :win, :let_go, :updated_at)"),
                    {**values, "week": week})
            else:
                self._bump_version(conn, "checkins", int(row[0]), int(version), values)
        return week

    def applications_per_day(self, start: date, end: date) -> pd.DataFrame:
        """Applications counted per applied date between two dates (inclusive): applied_on, n.
        At most one row per day, so the check-in trend stays small at any size."""
        return self.frame(
            "SELECT applied_on, count(*) AS n FROM applications WHERE applied_on BETWEEN"
            " :start AND :end GROUP BY applied_on ORDER BY applied_on",
            {"start": start.isoformat(), "end": end.isoformat()})

    # --- demo data and bulk loading ------------------------------------------------------------
    # (section owned by that feature; add methods below this line)

    DEMO_TABLE_ORDER = ("targets", "applications", "events", "drafts", "feedback_requests",
                        "reflections", "actions", "checkins")

    def load_demo(self, tables: Mapping[str, tuple[Sequence[str], Sequence[Sequence[Any]]]],
                  *, name: str = "", progress: Any = None, chunk: int = 50_000) -> None:
        """Write generated rows ({table: (columns, rows)}) in ONE transaction, so a crash or a
        refusal leaves the database as it was. Rows are tuples with explicit ids, passed
        straight to the driver's executemany: 100,000 applications take seconds.

        Refuses (StoreError) if any table already holds data, checked inside the same
        transaction so a second process can't slip rows in between. Sets the user's name
        only if it is still blank."""
        unknown = set(tables) - set(self.DEMO_TABLE_ORDER)
        if unknown:
            raise ValueError(f"unknown tables {sorted(unknown)}")
        total = sum(len(rows) for _, rows in tables.values()) or 1
        done = 0
        with self.write() as conn:
            for table in TABLES:
                if table != "settings" and conn.execute(
                        text(f"SELECT 1 FROM {table} LIMIT 1")).first() is not None:
                    raise StoreError("This database already holds data, so demo data was not "
                                     "added. Use an empty database for the demo.")
            # Targets and applications point at each other; check the links at commit.
            conn.exec_driver_sql("PRAGMA defer_foreign_keys = ON")
            for table in self.DEMO_TABLE_ORDER:
                if table not in tables:
                    continue
                columns, rows = tables[table]
                sql = (f"INSERT INTO {table} ({', '.join(columns)}) "
                       f"VALUES ({', '.join('?' for _ in columns)})")
                for at in range(0, len(rows), chunk):
                    part = rows[at:at + chunk]
                    conn.exec_driver_sql(sql, [tuple(r) for r in part])
                    done += len(part)
                    if progress is not None:
                        progress(done / total, f"Saved {done:,} of {total:,} rows ({table})")
            if name:
                conn.execute(text("UPDATE settings SET name = :name, version = version % :top + 1 "
                                  "WHERE id = 1 AND name = ''"), {"name": name, "top": MAX_COUNT})

    # --- import and export ---------------------------------------------------------------------
    # (section owned by the Your data feature: nextround/transfer.py and pages/data.py)

    # Parents before children, so a full import inserts rows in an order that fits together.
    _IMPORT_ORDER = ("settings", "targets", "applications", "events", "drafts",
                     "feedback_requests", "reflections", "actions", "checkins")

    def table_columns(self) -> dict[str, list[str]]:
        """The columns of every user table, as the database has them now."""
        with self.read() as conn:
            return {t: [r[1] for r in conn.exec_driver_sql(f"PRAGMA table_info({t})")
                        if r[1] not in DERIVED_COLUMNS.get(t, ())]
                    for t in TABLES}

    def export_rows(self) -> dict[str, list[dict[str, Any]]]:
        """Every row of every table, read in one transaction: a consistent snapshot. Derived
        columns are left out; the triggers rebuild them from the events and drafts."""
        columns = self.table_columns()
        with self.read() as conn:
            return {t: [dict(r) for r in conn.execute(text(
                        f"SELECT {', '.join(columns[t])} FROM {t} ORDER BY id")).mappings()]
                    for t in TABLES}

    def table_counts(self) -> dict[str, int]:
        with self.read() as conn:
            return {t: int(conn.execute(text(f"SELECT count(*) FROM {t}")).scalar_one())
                    for t in TABLES}

    def application_keys(self) -> list[tuple[str, str, str]]:
        """(company, role, applied_on) of every application: what duplicates are matched on."""
        with self.read() as conn:
            return [(r[0], r[1], r[2]) for r in conn.execute(
                text("SELECT company, role, applied_on FROM applications"))]

    @contextmanager
    def _bulk_write(self, commit: bool, refused: str) -> Iterator[Connection]:
        """One transaction for a bulk load. `commit=False` (a dry run) makes every write and
        then rolls back, so it meets every NOT NULL, CHECK, UNIQUE and foreign-key rule the real
        load does. A row the database refuses becomes `refused (reason)` and nothing is kept."""
        try:
            with self.write() as conn:
                yield conn
                if not commit:
                    raise _RolledBack
        except _RolledBack:
            pass
        except SQLAlchemyError as exc:
            message = str(getattr(exc, "orig", None) or exc)
            raise StoreError(f"{refused} ({message}). Nothing was imported.") from exc

    def import_applications(self, rows: Sequence[Mapping[str, Any]], *,
                            progress: Any = None, chunk: int = 2_000,
                            commit: bool = True) -> int:
        """Insert validated applications (transfer.py checked them) and their events, all in
        one transaction: a crash or an error leaves none of them. `progress(done, total)`.
        `commit=False` (a dry run) does every write, then rolls back."""
        stamp = _now()
        total = len(rows)
        with self._bulk_write(commit, "The rows don't fit the database") as conn:
            next_id = int(conn.execute(
                text("SELECT coalesce(max(id), 0) FROM applications")).scalar_one()) + 1
            for start in range(0, total, chunk):
                apps: list[dict[str, Any]] = []
                events: list[dict[str, Any]] = []
                for offset, row in enumerate(rows[start:start + chunk]):
                    app_id = next_id + start + offset
                    apps.append({**row, "id": app_id, "created_at": stamp,
                                 "updated_at": stamp})
                    events.append({"application_id": app_id, "stage": "applied",
                                   "on_date": row["applied_on"], "note": "",
                                   "created_at": stamp})
                    if row["stage"] != "applied":
                        events.append({"application_id": app_id, "stage": row["stage"],
                                       "on_date": row["stage_on"], "note": "",
                                       "created_at": stamp})
                self.insert_rows("applications", apps, conn)
                self.insert_rows("events", events, conn)
                if progress is not None:
                    progress(min(start + chunk, total), total)
        return total

    def import_everything(self, rows: Mapping[str, Sequence[Mapping[str, Any]]]
                          | Iterable[tuple[str, Mapping[str, Any]]], *,
                          total: int | None = None, progress: Any = None, chunk: int = 2_000,
                          commit: bool = True) -> int:
        """Load a full export into an empty database, ids and all, in one transaction.

        `rows` is {table: rows} or a stream of (table, row) in any order (a file is read once,
        row by row, so its size never lives in memory as Python objects). Foreign keys are
        checked once at the end (targets and applications point at each other), and any broken
        link refuses the whole import. `commit=False` does every write and then rolls back:
        a dry run meets every NOT NULL, CHECK, UNIQUE and foreign-key rule the real one does."""
        if isinstance(rows, Mapping):
            total = sum(len(rows.get(t, ())) for t in TABLES)
            rows = ((t, r) for t in self._IMPORT_ORDER for r in rows.get(t, ()))
        total = total or 0
        done = 0
        with self._bulk_write(commit, "The file's data doesn't fit the database") as conn:
            for table in TABLES:
                if table != "settings" and conn.execute(
                        text(f"SELECT 1 FROM {table} LIMIT 1")).first() is not None:
                    raise StoreError("A full export can only be loaded into an empty "
                                     "database, and this one already holds data. "
                                     "Nothing was imported.")
            conn.exec_driver_sql("PRAGMA defer_foreign_keys = ON")
            settings_cleared = False
            batch: list[Mapping[str, Any]] = []
            batch_key: tuple[str, tuple[str, ...]] | None = None
            for table, row in rows:
                if table == "settings" and not settings_cleared:
                    conn.execute(text("DELETE FROM settings"))
                    settings_cleared = True
                # One executemany per run of rows of one table with the same columns.
                key = (table, tuple(row))
                if key != batch_key or len(batch) >= chunk:
                    done = self._flush_import(conn, batch_key, batch, done, total, progress)
                    batch, batch_key = [], key
                batch.append(row)
            done = self._flush_import(conn, batch_key, batch, done, total, progress)
            broken = conn.exec_driver_sql("PRAGMA foreign_key_check").fetchall()
            if broken:
                first = broken[0]
                raise StoreError(
                    f"The file doesn't fit together: {len(broken):,} row(s) point at rows "
                    f"that aren't in it (first: {first[0]} id {first[1]} → {first[2]}). "
                    "Nothing was imported.")
        return done

    def _flush_import(self, conn: Connection, key: tuple[str, tuple[str, ...]] | None,
                      batch: list[Mapping[str, Any]], done: int, total: int,
                      progress: Any) -> int:
        if key is None or not batch:
            return done
        self.insert_rows(key[0], batch, conn)
        done += len(batch)
        if progress is not None:
            progress(done, max(total, done))
        return done

    def column_rules(self) -> dict[str, dict[str, ColumnRule]]:
        """What the database itself demands of each column (type, NOT NULL, default, a date
        CHECK, a foreign key, UNIQUE), read from the schema, so an import can check a file
        against exactly these rules before writing, and name the row and field."""
        out: dict[str, dict[str, ColumnRule]] = {}
        with self.read() as conn:
            for table in TABLES:
                ddl = conn.exec_driver_sql("SELECT sql FROM sqlite_master WHERE type = 'table'"
                                           " AND name = ?", (table,)).scalar() or ""
                dates = set(re.findall(r"(\w+) IS date\(", ddl))
                refs = {r[3]: r[2] for r in
                        conn.exec_driver_sql(f"PRAGMA foreign_key_list({table})")}
                unique: set[str] = set()
                for index in conn.exec_driver_sql(f"PRAGMA index_list({table})").fetchall():
                    if index[2]:
                        cols = [r[2] for r in conn.exec_driver_sql(
                            f"PRAGMA index_info('{index[1]}')")]
                        if len(cols) == 1:
                            unique.add(cols[0])
                out[table] = {
                    r[1]: ColumnRule(kind=str(r[2]).upper(), not_null=bool(r[3]) or bool(r[5]),
                                     has_default=r[4] is not None, is_date=r[1] in dates,
                                     references=refs.get(r[1]), unique=r[1] in unique,
                                     primary_key=bool(r[5]))
                    for r in conn.exec_driver_sql(f"PRAGMA table_info({table})")
                    if r[1] not in DERIVED_COLUMNS.get(table, ())}
        return out

    def delete_all_data(self) -> None:
        """Empty every table in one transaction, then rewrite the file (VACUUM) so the deleted
        text doesn't linger in free pages or the write-ahead log. The file stays a valid,
        empty Next Round database, so other open tabs keep working."""
        with self.write() as conn:
            version = int(conn.execute(
                text("SELECT coalesce(max(version), 0) FROM settings")).scalar_one())
            for table in reversed(self._IMPORT_ORDER):
                conn.execute(text(f"DELETE FROM {table}"))
            conn.execute(text("INSERT INTO settings (id, version) VALUES (1, :v)"),
                         {"v": version % MAX_COUNT + 1})
        if self.path is not None:
            try:
                con = sqlite3.connect(self.path, timeout=BUSY_TIMEOUT_MS / 1000,
                                      isolation_level=None)
                try:
                    con.execute("PRAGMA wal_checkpoint(TRUNCATE)")
                    con.execute("VACUUM")
                    con.execute("PRAGMA wal_checkpoint(TRUNCATE)")
                finally:
                    con.close()
            except sqlite3.Error as exc:
                raise StoreError(f"Your data was deleted, but the file couldn't be compacted "
                                 f"({exc}). Close other windows and try again.") from exc
            # Unfinished copies and uploaded restore files hold the data too.
            remove_leftovers(self.path, self.backup_dir, everything=True)

    def _backups(self) -> list[tuple[Path, BackupName]]:
        """This database's backups (tied by exact name, see `backup_name`), newest first."""
        if self.path is None or self.backup_dir is None:
            return []
        found = []
        for path, name in _owned_backups(self.path, self.backup_dir)[0]:
            try:
                found.append((path.stat().st_mtime, path, name))
            except OSError:
                continue  # removed meanwhile
        return [(path, name) for _, path, name in
                sorted(found, key=lambda item: item[0], reverse=True)]

    def backup_files(self) -> list[Path]:
        """This database's backups, newest first."""
        return [path for path, _ in self._backups()]

    def ambiguous_backups(self) -> list[Path]:
        """Backups named by an older version that could be this database's or another's with
        a similar name. They are never listed, rotated or deleted as this database's."""
        if self.path is None or self.backup_dir is None:
            return []
        return sorted(_owned_backups(self.path, self.backup_dir)[1])

    def delete_backups(self) -> int:
        """Remove this database's backups (and unfinished copies). Returns how many backups."""
        if self.path is None or self.backup_dir is None or not self.backup_dir.is_dir():
            return 0
        removed = 0
        for path in self.backup_files():
            try:
                remove_with_companions(path)
                removed += 1
            except OSError as exc:
                raise StoreError(f"Couldn't delete the backup {path}: {exc.strerror}.") from exc
        remove_leftovers(self.path, self.backup_dir, everything=True)
        return removed

    # --- backup and check -----------------------------------------------------------------

    AUTOMATIC_BACKUPS_KEPT = 14

    def daily_backup(self, today: date) -> Path | None:
        """Once a day, a backup of a database that holds data, then rotation. Returns the new
        backup, or None when today's exists already (or there is nothing to keep). A server
        runs for days: its day's first page also removes stale leftovers (abandoned uploads)."""
        if self.path is not None:
            remove_leftovers(self.path, self.backup_dir)
        if self.path is None or self.backup_dir is None or self.is_empty():
            return None
        if any(name.reason == "daily" and name.made.date() == today
               for _, name in self._backups()):
            return None
        made = self.backup(self.backup_dir / backup_name(self.path, "daily", today))
        self.rotate_backups()
        return made

    def rotate_backups(self, keep: int | None = None) -> list[Path]:
        """Keep the newest automatic backups (daily and before-something ones); never touch
        the ones the user made by hand. Returns what was removed."""
        keep = self.AUTOMATIC_BACKUPS_KEPT if keep is None else keep
        automatic = [path for path, name in self._backups() if name.automatic]
        removed = []
        for old in automatic[keep:]:
            try:
                remove_with_companions(old)
                removed.append(old)
            except OSError:
                pass  # a backup we can't remove is still a backup: never fail the app on it
        return removed

    def backup(self, out: str | os.PathLike[str] | None = None, *,
               reason: str = "manual") -> Path:
        """Online backup API → integrity_check on the copy → atomic rename. Never `cp`.
        `out` follows `check_output_file`: never the database, a link or a special file."""
        if self.path is None:
            raise StoreError("Backups are only made for SQLite databases.")
        if out is None:
            if self.backup_dir is None:
                raise StoreError("No backup folder is configured.")
            target = self.backup_dir / backup_name(self.path, reason)
        else:
            target = check_output_file(out, database=self.path, make_folder=True)
        shown = target if out is None else os.fspath(out)
        # Unique per call: two tabs opening on a new day both make the daily backup.
        partial = temp_name(target, "part")
        try:
            make_private_folder(target.parent, tighten=target.parent == self.backup_dir)
            result = copy_checked(self.path, partial)
            if result != "ok":
                raise CorruptDatabaseError(f"The backup failed its integrity check ({result}).")
            os.replace(partial, target)
        except OSError as exc:
            raise StoreError(f"Couldn't write the backup to {shown}: {exc.strerror}. "
                             "Your database was not changed.") from exc
        except sqlite3.Error as exc:
            raise StoreError(f"Couldn't make the backup: {exc}. "
                             "Your database was not changed.") from exc
        finally:
            remove_with_companions(partial)
        if reason.startswith("before-"):
            self.rotate_backups()
        return target

    def save_upload(self, data: bytes) -> Path:
        """Keep an uploaded restore file on disk (restore works on files): private, beside
        the database, named so that `discard_upload`, delete-all and the next start (once
        this process is gone) remove it."""
        if self.path is None:
            raise StoreError("Restore works with SQLite database files only.")
        try:
            make_private_folder(self.path.parent)
            return create_private_file(temp_name(self.path, "upload-part"), data)
        except OSError as exc:
            raise StoreError(f"Couldn't keep the uploaded file: {exc.strerror}.") from exc

    def discard_upload(self, path: str | os.PathLike[str]) -> None:
        """Remove a file `save_upload` kept (and only such a file)."""
        path = Path(path)
        match = _TEMP.fullmatch(path.name)
        if (self.path is not None and match is not None and match["kind"] == "upload-part"
                and match["base"] == self.path.name and path.parent == self.path.parent):
            remove_with_companions(path)

    def schema_problems(self) -> list[str]:
        """`schema_problems` for this database: quick (no data is read), for the data page to
        say at once when a tool changed the tables or added a trigger."""
        with self.read() as conn:
            def query(sql: str) -> list[tuple[Any, ...]]:
                return [tuple(r) for r in conn.exec_driver_sql(sql).fetchall()]

            return schema_problems(query, int(query("PRAGMA user_version")[0][0]))

    def integrity_problems(self) -> list[str]:
        """Empty when the file is healthy; otherwise every problem `database_problems` finds
        (the schema, SQLite's integrity check, broken links) or, when there are none, every
        value an import would refuse: what restore and `check` see."""
        with self.read() as conn:
            def query(sql: str) -> list[tuple[Any, ...]]:
                return [tuple(r) for r in conn.exec_driver_sql(sql).fetchall()]

            version = int(query("PRAGMA user_version")[0][0])
            problems = database_problems(query, version)
            if problems or not self.url.startswith("sqlite"):
                return problems

            def select(sql: str) -> tuple[Sequence[str], Iterable[Sequence[Any]]]:
                result = conn.exec_driver_sql(sql)
                return list(result.keys()), result

            return _value_problems(select)


def _application_values(clean: Application) -> dict[str, Any]:
    assert isinstance(clean.applied_on, date)
    return {
        "company": clean.company, "role": clean.role, "location": clean.location,
        "source": clean.source, "link": clean.link, "contact_name": clean.contact_name,
        "contact_email": clean.contact_email, "applied_on": clean.applied_on.isoformat(),
        "stage": str(clean.stage), "notes": clean.notes,
    }
