"""The `Store`: a Next Round database, its transactions, and one attribute per record type.

Why it is built this way (see docs/decisions.md):
- The reads and writes of each record type live in its own module (`applications`, `drafts`,
  ...); here are opening, the transactions they run in, and what concerns the whole file.
- Every write is one `BEGIN IMMEDIATE` transaction that also bumps a change counter. Readers
  cache on that counter, so a write never shows stale data and a read never repeats work.
  Several steps share one with `with store.write() as tx:`.
- Rows a user edits carry `version`; an update names the version it started from, and a stale
  one raises `StaleVersionError` instead of overwriting another tab's change.
"""

from __future__ import annotations

import json
import os
import re
import sqlite3
import threading
from collections.abc import Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date
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
    ValidationError,
)
from nextround.store.applications import UNANSWERED
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
from nextround.store.records import MAX_COUNT, Unit, bump_version, frame_in, now
from nextround.store.schema import DERIVED_COLUMNS, SCHEMA_VERSION, TABLES, _apply_migrations
from nextround.store.schema_check import _value_problems, database_problems, schema_problems
from nextround.store.transaction import RecordTypes, Transaction


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


class Store(RecordTypes):
    """A Next Round database. Safe to share between threads: each unit of work takes its own
    connection from the pool, and gives it back when the unit ends.

    Each record type is an attribute (`store.applications`, ...; see `transaction.py`) whose
    methods run in a transaction of their own; `with store.write() as tx:` runs several of
    them in one."""

    def __init__(self, path_or_url: str | os.PathLike[str] | None = None, *,
                 backup_dir: Path | None = None) -> None:
        self.url = to_url(path_or_url if path_or_url is not None else default_url())
        self.path = sqlite_path(self.url)
        self.backup_dir = backup_dir or (self.path.parent / "backups" if self.path else None)
        self._writing = threading.local()
        super().__init__(Unit(self))
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
        with self._write_connection() as conn:
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
    def write(self) -> Iterator[Transaction]:
        """One user action = one IMMEDIATE transaction, which also bumps the change counter.

        `with store.write() as tx:` yields the record types bound to this transaction
        (`tx.applications.add(...)`, ...) and its connection (`tx.connection`): every step
        commits together when the block ends, or none if it raises."""
        with self._write_connection() as conn:
            yield Transaction(Unit(self, conn))

    @contextmanager
    def read(self) -> Iterator[Transaction]:
        """One read snapshot for several reads (`with store.read() as snap:`), so they agree
        with each other. Writes through it are refused."""
        with self._read_connection() as conn:
            yield Transaction(Unit(self, conn, writable=False))

    @contextmanager
    def _write_connection(self) -> Iterator[Connection]:
        """The connection of one write transaction; `write()` and every record type's own
        writes (`records.Unit`) begin here, so all bump the change counter the same way."""
        if getattr(self._writing, "active", False):
            # A second IMMEDIATE transaction from the thread that holds the first would wait
            # for itself until the busy timeout: say what is wrong at once instead.
            raise RuntimeError("store.write() inside store.write(): call the record types on "
                               "the open transaction (`tx.…`) instead of on the store.")
        self._writing.active = True
        try:
            with self.engine.connect() as conn:
                with conn.begin():
                    yield conn
                    if self._has_counter(conn):
                        conn.exec_driver_sql("UPDATE change_counter SET n = n + 1 WHERE id = 1")
        except OperationalError as exc:
            raise StoreError(f"Couldn't save: {_reason(exc)}. Nothing was changed.") from exc
        finally:
            self._writing.active = False

    @contextmanager
    def _read_connection(self) -> Iterator[Connection]:
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
        with self._read_connection() as conn:
            return int(conn.execute(text("SELECT n FROM change_counter WHERE id = 1")).scalar_one())

    def schema_version(self) -> int:
        with self._read_connection() as conn:
            return int(conn.exec_driver_sql("PRAGMA user_version").scalar_one())

    # --- generic helpers ------------------------------------------------------------------

    def frame(self, sql: str, params: Mapping[str, Any] | None = None) -> pd.DataFrame:
        """A raw read query as a DataFrame, for tests and tools (record types use
        `records.frame_in` on their own connection).

        Rows become plain tuples first: building a DataFrame from SQLAlchemy Row objects costs
        a failed attribute lookup per row, which dominates at 100,000 rows."""
        with self._read_connection() as conn:
            return frame_in(conn, sql, params)

    def _counts(self, params: Mapping[str, Any], queries: Mapping[str, str]) -> dict[str, int]:
        """Several `SELECT count(*) …` with the same parameters, read from one snapshot."""
        with self._read_connection() as conn:
            return {name: int(conn.execute(text(sql), dict(params)).scalar() or 0)
                    for name, sql in queries.items()}

    def count(self, table: str) -> int:
        if table not in TABLES:
            raise ValueError(f"unknown table {table!r}")
        with self._read_connection() as conn:
            return int(conn.execute(text(f"SELECT count(*) FROM {table}")).scalar_one())

    def is_empty(self) -> bool:
        """True when the user has recorded nothing yet (settings don't count)."""
        with self._read_connection() as conn:
            for table in TABLES:
                if table == "settings":
                    continue
                if conn.execute(text(f"SELECT 1 FROM {table} LIMIT 1")).first() is not None:
                    return False
        return True

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
        with self._write_connection() as own:
            own.execute(sql, [dict(r) for r in rows])

    # --- settings -------------------------------------------------------------------------

    def settings(self) -> Settings:
        """Safe to use everywhere: a bad stored value is replaced (see `Settings.notices`)."""
        with self._read_connection() as conn:
            row = conn.execute(text("SELECT * FROM settings WHERE id = 1")).mappings().first()
        return Settings.from_stored(dict(row) if row is not None else None)

    def save_settings(self, settings: Settings) -> Settings:
        clean = settings.validated()
        with self._write_connection() as conn:
            # A tool may have deleted the row; saving puts it back instead of failing forever.
            conn.execute(text("INSERT OR IGNORE INTO settings (id, version) VALUES (1, :v)"),
                         {"v": clean.version})
            bump_version(conn, "settings", 1, clean.version, {
                "name": clean.name, "signature": clean.signature,
                "weekly_goal": clean.weekly_goal, "ghost_after_days": clean.ghost_after_days,
                "timezone": clean.timezone, "support_region": clean.support_region,
                "follow_up_days": clean.follow_up_days,
                "extra": json.dumps(clean.extra, sort_keys=True),
            })
        return self.settings()

    def today(self) -> date:
        return clock.today(self.settings().timezone)

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
        with self._read_connection() as conn:  # one snapshot, so the counts agree with each other
            return {name: frame_in(conn, sql, params) for name, sql in queries.items()}

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
            "unanswered_rejections": f"SELECT count(*) FROM applications a WHERE {UNANSWERED}",
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
        with self._read_connection() as conn:
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

    # --- targets: the dream-job list (reflect page) ------------------------------------------

    def add_target(self, company: str, role: str = "", why: str = "", priority: int = 2,
                   status: str = "researching", next_step: str = "", *,
                   today: date | None = None) -> int:
        from nextround import reflection as rf

        clean = rf.clean_target(company, role, why, priority, status, next_step)
        if clean["status"] == "applied":
            raise ValidationError({"status": "Use “I applied” on the entry, so the "
                                             "application is recorded too."})
        with self._write_connection() as conn:
            return int(conn.execute(text(
                "INSERT INTO targets (company, role, why, priority, status, next_step,"
                " created_on) VALUES (:company, :role, :why, :priority, :status, :next_step,"
                " :day) RETURNING id"),
                {**clean, "day": (today or self.today()).isoformat()}).scalar_one())

    def update_target(self, target_id: int, version: int, company: str, role: str, why: str,
                      priority: int, status: str, next_step: str) -> None:
        from nextround import reflection as rf

        clean = rf.clean_target(company, role, why, priority, status, next_step)
        with self._write_connection() as conn:
            linked = conn.execute(text("SELECT application_id FROM targets WHERE id = :id"),
                                  {"id": target_id}).scalar()
            if clean["status"] == "applied" and linked is None:
                raise ValidationError({"status": "Use “I applied” on the entry, so the "
                                                 "application is recorded too."})
            bump_version(conn, "targets", target_id, version, clean)

    def delete_target(self, target_id: int, version: int) -> None:
        with self._write_connection() as conn:
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
        with self._read_connection() as conn:
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
        with self.write() as tx:
            row = tx.connection.execute(text(
                "SELECT company, role, application_id FROM targets WHERE id = :id"),
                {"id": target_id}).first()
            if row is None:
                raise NotFoundError("That dream-list entry no longer exists.")
            if row[2] is not None:
                return int(row[2])
            app_id = tx.applications.add(
                Application(company=row[0], role=row[1], applied_on=applied_on or day,
                            source="Dream-job list"), today=day)
            bump_version(tx.connection, "targets", target_id, version,
                         {"status": "applied", "application_id": app_id})
            tx.connection.execute(text("UPDATE applications SET target_id = :t WHERE id = :a"),
                                  {"t": target_id, "a": app_id})
        return app_id

    # --- check-ins (check-in page) -------------------------------------------------------------
    # (section owned by that feature; add methods below this line)

    _CHECKIN_COLUMNS = ("id, week, checked_on, items, who5_raw, stress, hours, self_care, win,"
                        " let_go, version")

    def checkin_for_week(self, week: str) -> dict[str, Any] | None:
        """The check-in of one ISO week ("2026-W48"), or None."""
        with self._read_connection() as conn:
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
            "let_go": clean.let_go, "updated_at": now(),
        }
        with self._write_connection() as conn:
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
                bump_version(conn, "checkins", int(row[0]), int(version), values)
        return week

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
        with self._write_connection() as conn:
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
        with self._read_connection() as conn:
            return {t: [r[1] for r in conn.exec_driver_sql(f"PRAGMA table_info({t})")
                        if r[1] not in DERIVED_COLUMNS.get(t, ())]
                    for t in TABLES}

    def export_rows(self) -> dict[str, list[dict[str, Any]]]:
        """Every row of every table, read in one transaction: a consistent snapshot. Derived
        columns are left out; the triggers rebuild them from the events and drafts."""
        columns = self.table_columns()
        with self._read_connection() as conn:
            return {t: [dict(r) for r in conn.execute(text(
                        f"SELECT {', '.join(columns[t])} FROM {t} ORDER BY id")).mappings()]
                    for t in TABLES}

    def table_counts(self) -> dict[str, int]:
        with self._read_connection() as conn:
            return {t: int(conn.execute(text(f"SELECT count(*) FROM {t}")).scalar_one())
                    for t in TABLES}

    @contextmanager
    def _bulk_write(self, commit: bool, refused: str) -> Iterator[Connection]:
        """One transaction for a bulk load. `commit=False` (a dry run) makes every write and
        then rolls back, so it meets every NOT NULL, CHECK, UNIQUE and foreign-key rule the real
        load does. A row the database refuses becomes `refused (reason)` and nothing is kept."""
        try:
            with self._write_connection() as conn:
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
        stamp = now()
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
        with self._read_connection() as conn:
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
        with self._write_connection() as conn:
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
        with self._read_connection() as conn:
            def query(sql: str) -> list[tuple[Any, ...]]:
                return [tuple(r) for r in conn.exec_driver_sql(sql).fetchall()]

            return schema_problems(query, int(query("PRAGMA user_version")[0][0]))

    def integrity_problems(self) -> list[str]:
        """Empty when the file is healthy; otherwise every problem `database_problems` finds
        (the schema, SQLite's integrity check, broken links) or, when there are none, every
        value an import would refuse: what restore and `check` see."""
        with self._read_connection() as conn:
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

