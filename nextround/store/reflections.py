"""Reflections: the guided post-mortem, kept as a draft while it is written, then done.

Answers are stored as JSON text. What they hold, how a step is checked and how a raw value
is read back (`reflection.load_answers`) are `nextround.reflection`'s rules: rows come back
from here with `answers` as stored.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from typing import Any

import pandas as pd
from sqlalchemy import text

from nextround.records import RecentReflection, ReflectionRecord, ReflectionToEdit
from nextround.store.errors import NotFoundError, StaleVersionError, StoreError
from nextround.store.records import Records, bump_version, now

_WITH_APPLICATION = ("SELECT r.*, a.company, a.role FROM reflections r"
                     " LEFT JOIN applications a ON a.id = r.application_id")


class Reflections(Records):
    """`store.reflections` / `tx.reflections`."""

    # --- writes ---------------------------------------------------------------------------

    def start(self, application_id: int | None, *, answers: str, today: date | None = None
              ) -> int:
        """Open a draft, about one application or general, with `answers` (JSON text) to
        begin with. There is one draft at a time: if one is open already (a double click,
        another tab) its id is returned instead."""
        day = self._today(today).isoformat()
        with self._write() as conn:
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
                {"app": application_id, "answers": answers, "day": day,
                 "now": now()}).scalar_one())

    def draft_to_edit(self, reflection_id: int) -> ReflectionToEdit:
        """answers (as stored) and company of a draft about to change: NotFoundError if it is
        gone, StoreError if another tab finished it meanwhile."""
        with self._read() as conn:
            row = conn.execute(text(
                "SELECT r.status, r.answers, a.company FROM reflections r"
                " LEFT JOIN applications a ON a.id = r.application_id WHERE r.id = :id"),
                {"id": reflection_id}).mappings().first()
        if row is None:
            raise NotFoundError("That reflection no longer exists. It may have been "
                                "discarded in another tab.")
        if row["status"] != "draft":
            raise StoreError("This reflection was already finished in another tab, so "
                             "this step was not saved.")
        return ReflectionToEdit.from_row(row)

    def save_answers(self, reflection_id: int, version: int, answers: str,
                     columns: Mapping[str, Any] | None = None) -> None:
        """Store a draft's answers (JSON text) and its `control_pct` / `fit` columns, only
        from the version the user started from."""
        unknown = set(columns or {}) - {"control_pct", "fit"}
        if unknown:
            raise ValueError(f"not a reflection column: {sorted(unknown)}")
        with self._write() as conn:
            bump_version(conn, "reflections", reflection_id, version,
                         {**(columns or {}), "answers": answers, "updated_at": now()})

    def finish(self, reflection_id: int, version: int, *, today: date | None = None) -> None:
        day = self._today(today).isoformat()
        with self._write() as conn:
            status = conn.execute(text("SELECT status FROM reflections WHERE id = :id"),
                                  {"id": reflection_id}).scalar()
            if status == "done":
                return  # a double click on Finish: already done
            bump_version(conn, "reflections", reflection_id, version, {
                "status": "done", "completed_on": day, "updated_at": now()})

    def discard(self, reflection_id: int, version: int) -> None:
        """Delete a draft (only a draft; a finished reflection is kept)."""
        with self._write() as conn:
            result = conn.execute(text(
                "DELETE FROM reflections WHERE id = :id AND version = :v AND status = 'draft'"),
                {"id": reflection_id, "v": version})
            if result.rowcount == 0:
                raise StaleVersionError("This reflection changed in another tab, so it was not "
                                        "discarded. Reload to see the latest version.")

    # --- reads ----------------------------------------------------------------------------

    def open_draft(self) -> ReflectionRecord | None:
        """The reflection draft in progress (the newest), with its application's company and
        role; None when there's none."""
        with self._read() as conn:
            row = conn.execute(text(
                f"{_WITH_APPLICATION} WHERE r.status = 'draft'"
                " ORDER BY r.updated_at DESC, r.id DESC LIMIT 1")).mappings().first()
        return None if row is None else ReflectionRecord.from_row(row)

    def get(self, reflection_id: int) -> ReflectionRecord:
        with self._read() as conn:
            row = conn.execute(text(f"{_WITH_APPLICATION} WHERE r.id = :id"),
                               {"id": reflection_id}).mappings().first()
        if row is None:
            raise NotFoundError("That reflection no longer exists.")
        return ReflectionRecord.from_row(row)

    def recent(self, limit: int = 10) -> list[RecentReflection]:
        """Finished reflections, newest first, for the list under the start form."""
        return [RecentReflection.from_row(r) for r in self._rows(
            "SELECT r.id, r.completed_on, coalesce(a.company, '') AS company,"
            " coalesce(a.role, '') AS role, r.control_pct, r.fit FROM reflections r"
            " LEFT JOIN applications a ON a.id = r.application_id WHERE r.status = 'done'"
            " ORDER BY r.completed_on DESC, r.id DESC LIMIT :limit", {"limit": int(limit)})]

    def insight_rows(self) -> pd.DataFrame:
        """Finished reflections' dates, control and answers: the input to the Insights
        charts, which reflection.insight_frames aggregates per month."""
        return self._frame("SELECT completed_on, control_pct, answers FROM reflections"
                           " WHERE status = 'done' AND completed_on IS NOT NULL"
                           " ORDER BY completed_on")
