"""Applications and their stage events: the tracker every page reads.

An application's stage history is kept as `events` rows (one per stage change); the derived
milestone columns on `applications` (first reply, furthest level, ...) are kept by triggers
(store/schema.py), so nothing here computes them.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import Any

import pandas as pd
from sqlalchemy import text

from nextround.models import Application, Stage, ValidationError, check_date, clean_stage_event
from nextround.records import (
    ApplicationRecord,
    ApplicationSummary,
    GhostingCandidate,
    PastApplication,
    StageEvent,
    UnansweredRejection,
)
from nextround.store.errors import NotFoundError
from nextround.store.records import (
    Records,
    bump_version,
    in_list,
    like_pattern,
    now,
    rows_in,
)

STAGE_NOTE_MAX = 500

# Rejections with no sent thank-you. `thanks_sent_on` (kept by a trigger) narrows the scan to
# the unanswered ones through `applications_unthanked`; the NOT EXISTS also catches a sent
# draft without a date (an imported file can hold one).
# A rejection still waiting for a thank-you: none sent, and the user hasn't said on its path
# that they replied some other way or that it isn't for this one (store/paths.py).
UNANSWERED = ("a.stage = 'rejected' AND a.thanks_sent_on IS NULL AND NOT EXISTS (SELECT 1"
              " FROM drafts d WHERE d.application_id = a.id AND d.kind = 'rejection_thanks'"
              " AND d.status = 'sent') AND NOT EXISTS (SELECT 1 FROM path_steps p"
              " WHERE p.application_id = a.id AND p.step = 'reply'"
              " AND p.state IN ('done', 'skipped'))")

_ORDERS = ("applied_on DESC", "applied_on ASC", "company ASC", "company DESC", "stage_on DESC")


def _values(clean: Application) -> dict[str, Any]:
    assert isinstance(clean.applied_on, date)
    return {
        "company": clean.company, "role": clean.role, "location": clean.location,
        "source": clean.source, "link": clean.link, "contact_name": clean.contact_name,
        "contact_email": clean.contact_email, "applied_on": clean.applied_on.isoformat(),
        "stage": str(clean.stage), "notes": clean.notes,
    }


class Applications(Records):
    """`store.applications` / `tx.applications`."""

    # --- writes ---------------------------------------------------------------------------

    def add(self, application: Application, *, today: date | None = None) -> int:
        """Validate (`Application.validated`, the rule every way in shares), insert, and
        record the first event (the application itself). Returns the new id."""
        clean = application.validated(self._today(today))
        stamp = now()
        with self._write() as conn:
            new_id = int(conn.execute(text(
                "INSERT INTO applications (company, role, location, source, link, contact_name,"
                " contact_email, applied_on, stage, stage_on, notes, created_at, updated_at)"
                " VALUES (:company, :role, :location, :source, :link, :contact_name,"
                " :contact_email, :applied_on, :stage, :applied_on, :notes, :now, :now)"
                " RETURNING id"),
                {**_values(clean), "now": stamp}).scalar_one())
            conn.execute(text("INSERT INTO events (application_id, stage, on_date, created_at)"
                              " VALUES (:id, 'applied', :on_date, :now)"),
                         {"id": new_id, "on_date": clean.applied_on.isoformat(), "now": stamp})
            if clean.stage != Stage.APPLIED:
                conn.execute(text("INSERT INTO events (application_id, stage, on_date,"
                                  " created_at) VALUES (:id, :stage, :on_date, :now)"),
                             {"id": new_id, "stage": str(clean.stage),
                              "on_date": clean.applied_on.isoformat(), "now": stamp})
        return new_id

    def update(self, application_id: int, application: Application, version: int,
               *, today: date | None = None) -> None:
        """Edit the details. The stage is changed only through `change_stage`."""
        clean = application.validated(self._today(today))
        values = _values(clean)
        values.pop("stage")
        with self._write() as conn:
            first_event = conn.execute(text(
                "SELECT min(on_date) FROM events WHERE application_id = :id AND stage != 'applied'"
            ), {"id": application_id}).scalar()
            if first_event and first_event < values["applied_on"]:
                raise ValidationError({"applied_on": "Date applied can't be after a later stage "
                                                     f"change (first one on {first_event})."})
            bump_version(conn, "applications", application_id, version,
                         {**values, "updated_at": now()})
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
        new_stage, day, note = clean_stage_event(stage, on_date, note, self._today(today),
                                                 note_max=STAGE_NOTE_MAX)
        if new_stage == Stage.APPLIED:
            raise ValidationError({"stage": "Pick the stage it moved to (it was already applied)."})
        with self._write() as conn:
            row = conn.execute(text("SELECT applied_on FROM applications WHERE id = :id"),
                               {"id": application_id}).first()
            if row is None:
                raise NotFoundError("That application no longer exists.")
            if day.isoformat() < row[0]:
                raise ValidationError(
                    {"on_date": f"Date can't be before it was applied ({row[0]})."})
            bump_version(conn, "applications", application_id, version, {
                "stage": str(new_stage), "stage_on": day.isoformat(), "updated_at": now()})
            conn.execute(text("INSERT INTO events (application_id, stage, on_date, note,"
                              " created_at) VALUES (:id, :stage, :d, :note, :now)"),
                         {"id": application_id, "stage": str(new_stage), "d": day.isoformat(),
                          "note": note, "now": now()})

    def mark_ghosted(self, items: Sequence[tuple[int, int]], on_date: date | str, *,
                     today: date | None = None) -> int:
        """Close the loop on applications that never answered. `items` are (id, version) pairs
        as the page listed them; all of them change in one transaction, so "mark all shown"
        is all-or-nothing and a row changed in another tab stops the lot (StaleVersionError)."""
        try:
            day = check_date(on_date, "Date", self._today(today)).isoformat()
        except ValueError as exc:
            raise ValidationError({"on_date": str(exc)}) from exc
        stamp = now()
        with self._write() as conn:
            for application_id, version in items:
                applied = conn.execute(text("SELECT applied_on FROM applications WHERE id = :id"),
                                       {"id": int(application_id)}).scalar()
                if applied is not None and day < applied:  # same rule as change_stage
                    raise ValidationError({"on_date": f"Date can't be before it was applied "
                                                      f"({applied})."})
                bump_version(conn, "applications", int(application_id), int(version), {
                    "stage": str(Stage.GHOSTED), "stage_on": day, "updated_at": stamp})
                conn.execute(text("INSERT INTO events (application_id, stage, on_date, note,"
                                  " created_at) VALUES (:id, 'ghosted', :d, '', :now)"),
                             {"id": int(application_id), "d": day, "now": stamp})
        return len(items)

    def delete(self, application_id: int) -> None:
        with self._write() as conn:
            result = conn.execute(text("DELETE FROM applications WHERE id = :id"),
                                  {"id": application_id})
            if result.rowcount == 0:
                raise NotFoundError("That application was already deleted.")

    # --- reads ----------------------------------------------------------------------------

    def get(self, application_id: int) -> ApplicationRecord:
        with self._read() as conn:
            row = conn.execute(text("SELECT * FROM applications WHERE id = :id"),
                               {"id": application_id}).mappings().first()
        if row is None:
            raise NotFoundError("That application no longer exists.")
        return ApplicationRecord.from_row(row)

    def events(self, application_id: int) -> list[StageEvent]:
        """The application's stage history, oldest first."""
        return [StageEvent.from_row(r) for r in self._rows(
            "SELECT stage, on_date, note FROM events WHERE application_id = :id "
            "ORDER BY on_date, id", {"id": application_id})]

    def search(self, *, query: str = "", stages: Sequence[str] = (), limit: int = 50,
               offset: int = 0, order: str = "applied_on DESC", unreflected: bool = False
               ) -> tuple[list[ApplicationSummary], int]:
        """One page of applications matching a search, and how many match in all.
        `unreflected` leaves out those with a finished reflection."""
        if order not in _ORDERS:
            order = "applied_on DESC"
        where, params = ["1 = 1"], {"limit": int(limit), "offset": int(offset)}
        if query.strip():
            where.append(self._any_contains("company", "role", "location", "source"))
            params["q"] = like_pattern(query)
        if stages:
            names = [f":s{i}" for i in range(len(stages))]
            where.append(f"stage IN ({', '.join(names)})")
            params.update({f"s{i}": str(s) for i, s in enumerate(stages)})
        if unreflected:
            where.append("NOT EXISTS (SELECT 1 FROM reflections r WHERE r.application_id ="
                         " applications.id AND r.status = 'done')")
        clause = " AND ".join(where)
        with self._read() as conn:  # the page and its total from one snapshot
            page = rows_in(
                conn, "SELECT id, company, role, stage, applied_on, stage_on, source, location,"
                f" link, contact_name, contact_email, version FROM applications WHERE {clause}"
                f" ORDER BY {order}, id DESC LIMIT :limit OFFSET :offset", params)
            total = int(conn.execute(text(f"SELECT count(*) FROM applications WHERE {clause}"),
                                     params).scalar_one())
        return [ApplicationSummary.from_row(r) for r in page], total

    def _any_contains(self, *columns: str) -> str:
        """Any of `columns` holds the search words (`:q`, a `like_pattern`), any case."""
        return "(" + " OR ".join(self._sql.contains(c, ":q") for c in columns) + ")"

    def ghosting_candidates(self, applied_by: date,
                            limit: int = 20) -> tuple[list[GhostingCandidate], int]:
        """Still at `applied`, applied on or before `applied_by` (`models.ghost_cutoff`):
        likely ghosted. The oldest `limit` of them, and how many there are in all."""
        params = {"cutoff": applied_by.isoformat(), "limit": limit}
        with self._read() as conn:
            page = rows_in(conn, "SELECT id, company, role, applied_on, version FROM"
                            " applications WHERE stage = 'applied' AND applied_on <= :cutoff"
                            " ORDER BY applied_on LIMIT :limit", params)
            total = int(conn.execute(text("SELECT count(*) FROM applications WHERE stage ="
                                          " 'applied' AND applied_on <= :cutoff"),
                                     params).scalar_one())
        return [GhostingCandidate.from_row(r) for r in page], total

    def unanswered_rejections(self, query: str = "", limit: int = 50,
                              offset: int = 0) -> tuple[list[UnansweredRejection], int]:
        """Rejected applications with no sent thank-you yet, newest rejection first, and how
        many there are in all. A page of rows, so it stays fast at 10,000 applications."""
        where = [UNANSWERED]
        params: dict[str, Any] = {"limit": int(limit), "offset": int(offset)}
        if query.strip():
            where.append(self._any_contains("a.company", "a.role"))
            params["q"] = like_pattern(query)
        clause = " AND ".join(where)
        with self._read() as conn:
            page = rows_in(
                conn, "SELECT a.id, a.company, a.role, a.stage_on AS rejected_on, a.applied_on,"
                " a.contact_name, a.contact_email FROM applications a"
                f" WHERE {clause} ORDER BY a.stage_on DESC, a.id DESC"
                " LIMIT :limit OFFSET :offset", params)
            total = int(conn.execute(text(f"SELECT count(*) FROM applications a WHERE {clause}"),
                                     params).scalar_one())
        return [UnansweredRejection.from_row(r) for r in page], total

    def companies(self) -> list[str]:
        """Every company name as stored, once each: what `companies.index` keys by the
        lenient rule (a grouped read; the page caches it until the next write)."""
        with self._read() as conn:
            return [r[0] for r in conn.execute(
                text("SELECT company FROM applications GROUP BY company"))]

    def at_companies(self, names: Sequence[str], limit: int = 20) -> list[PastApplication]:
        """The applications whose company is stored exactly as one of `names` (spellings
        `companies` returned), newest first, at most `limit`."""
        names_in, params = in_list("c", list(names))
        return [PastApplication.from_row(r) for r in self._rows(
            "SELECT id, company, role, stage, applied_on, stage_on, furthest_level,"
            f" contact_name, contact_email FROM applications WHERE company IN {names_in}"
            " ORDER BY applied_on DESC, id DESC LIMIT :limit",
            {**params, "limit": int(limit)})]

    def date_bounds(self) -> tuple[date, date] | None:
        """The first and last date applied, or None when there are no applications."""
        with self._read() as conn:
            row = conn.execute(
                text("SELECT min(applied_on), max(applied_on) FROM applications")).first()
        if row is None or row[0] is None:
            return None
        return date.fromisoformat(row[0]), date.fromisoformat(row[1])

    def per_day(self, start: date, end: date) -> pd.DataFrame:
        """Applications counted per applied date between two dates (inclusive): applied_on, n.
        At most one row per day, so the check-in trend stays small at any size."""
        return self._frame(
            "SELECT applied_on, count(*) AS n FROM applications WHERE applied_on BETWEEN"
            " :start AND :end GROUP BY applied_on ORDER BY applied_on",
            {"start": start.isoformat(), "end": end.isoformat()})

    def keys(self) -> list[tuple[str, str, str]]:
        """(company, role, applied_on) of every application: what duplicates are matched on."""
        with self._read() as conn:
            return [(r[0], r[1], r[2]) for r in conn.execute(
                text("SELECT company, role, applied_on FROM applications"))]
