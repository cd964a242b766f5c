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
import sqlite3
import threading
from collections.abc import Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from datetime import date
from pathlib import Path
from typing import Any

import pandas as pd
from sqlalchemy import text
from sqlalchemy.engine import Connection
from sqlalchemy.exc import OperationalError

from nextround import clock
from nextround.models import (
    Settings,
    ValidationError,
)
from nextround.store.backups import Backups, remove_leftovers
from nextround.store.errors import (
    NotFoundError,
    ReadOnlyDatabaseError,
    StaleVersionError,
    StoreError,
    _reason,
)
from nextround.store.files import (
    PRIVATE_FILE,
    make_private_folder,
    remove_stale_temp_folders,
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
from nextround.store.schema import SCHEMA_VERSION, TABLES, _apply_migrations
from nextround.store.schema_check import (
    RowCheck,
    _value_problems,
    database_problems,
    schema_problems,
)
from nextround.store.transaction import RecordTypes, Transaction
from nextround.store.transfer import IMPORT_ORDER


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
        # Not on a transaction: a backup copies the committed file (see `Backups`).
        self.backups = Backups(self)
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
                    self.backups.make(reason=f"before-migration-v{user_version}")
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
        for backup in self.backups.files():  # an older version copied a readable mode
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
        """A read query as a DataFrame. Only this module passes SQL in.

        Rows become plain tuples first: building a DataFrame from SQLAlchemy Row objects costs
        a failed attribute lookup per row, which dominates at 100,000 rows."""
        with self._read_connection() as conn:
            return frame_in(conn, sql, params)

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

    def today(self) -> date:
        """The user's today: in their time zone, or the pinned day (`clock`)."""
        return clock.today(self.settings.get().timezone)

    # --- drafts (respond page) -----------------------------------------------------------------
    # (section owned by that feature; add methods below this line)

    def drafts_for_application(self, application_id: int) -> pd.DataFrame:
        """Every saved draft for one application, newest first: what was sent, and when."""
        return self.frame(
            "SELECT id, kind, tone, status, sent_on, subject, to_email, body, version,"
            " request_token, substr(updated_at, 1, 10) AS saved_on FROM drafts"
            " WHERE application_id = :id ORDER BY coalesce(sent_on, '') DESC, id DESC",
            {"id": int(application_id)})

    def draft_by_token(self, request_token: str) -> dict[str, Any] | None:
        """The draft saved under a page's request token, if any (to resume or detect a send)."""
        with self._read_connection() as conn:
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
        stamp = now()
        with self._write_connection() as conn:
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
            bump_version(conn, "drafts", row_id, current,
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
        stamp = now()
        sent = sent_on.isoformat()
        with self._write_connection() as conn:
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
                bump_version(conn, "drafts", row_id, current,
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
        settings = self.settings.get()
        with self._write_connection() as conn:
            applied = conn.execute(text("SELECT applied_on FROM applications WHERE id = :id"),
                                   {"id": application_id}).scalar()
            if applied is None:
                raise ValidationError({"application": "Pick the application you asked about."})
            clean = request.validated(day, settings.follow_up_days, date.fromisoformat(applied))
            stamp = now()
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
        with self._read_connection() as conn:
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
        days = self.settings.get().follow_up_days
        with self._write_connection() as conn:
            row = conn.execute(text("SELECT status, follow_ups, received_on FROM"
                                    " feedback_requests WHERE id = :id"),
                               {"id": request_id}).mappings().first()
            if row is None:
                raise NotFoundError("That feedback request no longer exists.")
            fb.check_transition(row["status"], target)
            values: dict[str, Any] = {"status": target.value, "updated_at": now()}
            if target == fb.Status.FOLLOWED_UP:
                values["follow_ups"] = min(row["follow_ups"] + 1, MAX_COUNT)
                values["follow_up_due"] = fb.follow_up_due(day, days).isoformat()
            elif target == fb.Status.AWAITING:
                values["follow_up_due"] = fb.follow_up_due(day, days).isoformat()
            elif target == fb.Status.RECEIVED and not row["received_on"]:
                values["received_on"] = day.isoformat()
            bump_version(conn, "feedback_requests", request_id, version, values)

    def record_feedback_reply(self, request_id: int, reply: Any, version: int, *,
                              today: date | None = None) -> None:
        """Store a reply (`feedback.Reply`): its date, text and themes. The request becomes
        "received"; recording again on a received request edits the reply."""
        from nextround import feedback as fb

        day = today or self.today()
        with self._write_connection() as conn:
            row = conn.execute(text("SELECT status, asked_on FROM feedback_requests"
                                    " WHERE id = :id"), {"id": request_id}).mappings().first()
            if row is None:
                raise NotFoundError("That feedback request no longer exists.")
            clean = reply.validated(date.fromisoformat(row["asked_on"]), day)
            if row["status"] != fb.Status.RECEIVED.value:
                fb.check_transition(row["status"], fb.Status.RECEIVED)
            bump_version(conn, "feedback_requests", request_id, version, {
                "status": fb.Status.RECEIVED.value,
                "received_on": clean.received_on.isoformat(),
                "feedback_text": clean.feedback_text,
                "themes": fb.themes_to_json(clean.themes),
                "updated_at": now()})

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

        return fb.themes_from_settings(self.settings.get().extra)

    def save_feedback_themes(self, text_: str, version: int) -> list[str]:
        """Replace the theme list from the editor's text (one theme per line). `version` is
        the settings version the editor started from, so another tab's change is not lost."""
        from nextround import feedback as fb

        themes = fb.parse_theme_list(text_)
        current = self.settings.get()
        extra = {**current.extra, fb.THEMES_SETTING: fb.themes_to_json(themes)}
        self.settings.save(Settings(
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
        days = self.settings.get().follow_up_days
        with self._write_connection() as conn:
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
            stamp = now()
            draft_id = int(conn.execute(text(
                "INSERT INTO drafts (application_id, kind, tone, company, role, to_email,"
                " subject, body, status, sent_on, request_token, created_at, updated_at)"
                " VALUES (:app, 'feedback_follow_up', :tone, :company, :role, :to, :subject,"
                " :body, 'sent', :day, :token, :now, :now) RETURNING id"), {
                    "app": row["application_id"], "tone": tone, "company": row["company"] or "",
                    "role": row["role"] or "", "to": to_email or "", "subject": subject_,
                    "body": body_, "day": day.isoformat(), "token": request_token,
                    "now": stamp}).scalar_one())
            bump_version(conn, "feedback_requests", request_id, version, {
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
        with self._write_connection() as conn:
            existing = conn.execute(text(
                "SELECT id FROM actions WHERE source_kind = 'feedback' AND source_label = :label"
                " AND done_on IS NULL ORDER BY id LIMIT 1"), {"label": label}).scalar()
            if existing is not None:
                return int(existing), False
            return self._insert_action(conn, title_, due, kind, None, label, day), True

    # --- reflections, actions and targets (reflect page) ---------------------------------------
    # (section owned by that feature; add methods below this line)

    @staticmethod
    def _reflection_row(row: Mapping[str, Any]) -> dict[str, Any]:
        from nextround import reflection as rf

        out = dict(row)
        out["answers"] = rf.load_answers(out.get("answers"))
        return out

    def open_reflection(self) -> dict[str, Any] | None:
        """The reflection draft in progress (the newest), answers parsed; None when there's
        none. Reopening the page resumes it, whatever happened to the browser tab."""
        with self._read_connection() as conn:
            row = conn.execute(text(
                "SELECT r.*, a.company, a.role FROM reflections r"
                " LEFT JOIN applications a ON a.id = r.application_id"
                " WHERE r.status = 'draft' ORDER BY r.updated_at DESC, r.id DESC LIMIT 1"
            )).mappings().first()
        return None if row is None else self._reflection_row(row)

    def reflection(self, reflection_id: int) -> dict[str, Any]:
        with self._read_connection() as conn:
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
        with self._write_connection() as conn:
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
                 "day": day, "now": now()}).scalar_one())

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
        with self._write_connection() as conn:
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
            bump_version(conn, "reflections", reflection_id, version, {
                **columns, "answers": json.dumps(answers, ensure_ascii=False),
                "updated_at": now()})
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
        with self._write_connection() as conn:
            status = conn.execute(text("SELECT status FROM reflections WHERE id = :id"),
                                  {"id": reflection_id}).scalar()
            if status == "done":
                return  # a double click on Finish: already done
            bump_version(conn, "reflections", reflection_id, version, {
                "status": "done", "completed_on": day, "updated_at": now()})

    def discard_reflection(self, reflection_id: int, version: int) -> None:
        """Delete a draft (only a draft; a finished reflection is kept)."""
        with self._write_connection() as conn:
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
        with self._write_connection() as conn:
            return self._insert_action(conn, title_, due, kind, source_id, label, day)

    def update_action(self, action_id: int, version: int, title: str,
                      due_on: date | str | None, *, today: date | None = None) -> None:
        from nextround import reflection as rf

        day = today or self.today()
        title_, due, _, _ = rf.clean_action(title, due_on, "manual", "", day)
        with self._write_connection() as conn:
            bump_version(conn, "actions", action_id, version, {
                "title": title_, "due_on": due.isoformat() if due else None})

    def set_action_done(self, action_id: int, done: bool, version: int, *,
                        today: date | None = None) -> None:
        """Mark done (today) or undo. A stale version raises StaleVersionError."""
        day = (today or self.today()).isoformat()
        with self._write_connection() as conn:
            bump_version(conn, "actions", action_id, version,
                               {"done_on": day if done else None})

    def delete_action(self, action_id: int, version: int) -> None:
        with self._write_connection() as conn:
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
        with self._read_connection() as conn:
            row = conn.execute(text(
                "SELECT count(*) - count(done_on), count(done_on) FROM actions")).first()
        return {"open": int(row[0] or 0), "done": int(row[1] or 0)}

    def actions_done_by_week(self) -> pd.DataFrame:
        """Completed actions per done date (columns done_on, done), for weekly charts."""
        return self.frame("SELECT done_on, count(*) AS done FROM actions"
                          " WHERE done_on IS NOT NULL GROUP BY done_on ORDER BY done_on")

    def delete_all_data(self) -> None:
        """Empty every table in one transaction, then rewrite the file (VACUUM) so the deleted
        text doesn't linger in free pages or the write-ahead log. The file stays a valid,
        empty Next Round database, so other open tabs keep working."""
        with self._write_connection() as conn:
            version = int(conn.execute(
                text("SELECT coalesce(max(version), 0) FROM settings")).scalar_one())
            for table in reversed(IMPORT_ORDER):
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

    def schema_problems(self) -> list[str]:
        """`schema_problems` for this database: quick (no data is read), for the data page to
        say at once when a tool changed the tables or added a trigger."""
        with self._read_connection() as conn:
            def query(sql: str) -> list[tuple[Any, ...]]:
                return [tuple(r) for r in conn.exec_driver_sql(sql).fetchall()]

            return schema_problems(query, int(query("PRAGMA user_version")[0][0]))

    def integrity_problems(self, check_rows: RowCheck) -> list[str]:
        """Empty when the file is healthy; otherwise every problem `database_problems` finds
        (the schema, SQLite's integrity check, broken links) or, when there are none, every
        row `check_rows` refuses (the import's rules, `transfer.stored_value_problems`, passed
        in by the caller): what restore and `check` see."""
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

            return _value_problems(select, check_rows)

