"""The dream-job list: companies the user would love to work for (`targets`).

The rules (what a valid entry is, that "applied" is only reached through "I applied") live in
`nextround/dream_list.py`; this module stores clean values. An entry and the application made
from it point at each other (`targets.application_id`, `applications.target_id`).
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from typing import Any

from sqlalchemy import text

from nextround.records import NextTarget, TargetLink, TargetRecord
from nextround.store.errors import NotFoundError, StaleVersionError
from nextround.store.records import Records, bump_version

# The columns an entry's form edits, as `reflection.clean_target` returns them.
FIELDS = ("company", "role", "why", "priority", "status", "next_step")


class DreamList(Records):
    """`store.dream_list` / `tx.dream_list`."""

    # --- writes ---------------------------------------------------------------------------

    def add(self, entry: Mapping[str, Any], *, today: date | None = None) -> int:
        """Insert a clean entry (`FIELDS`), created today. Returns its id."""
        with self._write() as conn:
            return int(conn.execute(text(
                "INSERT INTO targets (company, role, why, priority, status, next_step,"
                " created_on) VALUES (:company, :role, :why, :priority, :status, :next_step,"
                " :day) RETURNING id"),
                {**{k: entry[k] for k in FIELDS},
                 "day": self._today(today).isoformat()}).scalar_one())

    def update(self, target_id: int, version: int, entry: Mapping[str, Any]) -> None:
        """Save clean values (`FIELDS`) from the version the user started at."""
        with self._write() as conn:
            bump_version(conn, "targets", target_id, version, {k: entry[k] for k in FIELDS})

    def mark_applied(self, target_id: int, version: int, application_id: int) -> None:
        """Link the entry and the application made from it, both ways; the entry becomes
        "applied"."""
        with self._write() as conn:
            bump_version(conn, "targets", target_id, version,
                         {"status": "applied", "application_id": application_id})
            conn.execute(text("UPDATE applications SET target_id = :t WHERE id = :a"),
                         {"t": target_id, "a": application_id})

    def delete(self, target_id: int, version: int) -> None:
        """Remove an entry (an application made from it stays)."""
        with self._write() as conn:
            result = conn.execute(text("DELETE FROM targets WHERE id = :id AND version = :v"),
                                  {"id": target_id, "v": version})
            if result.rowcount == 0:
                raise StaleVersionError("This entry changed in another tab, so it was not "
                                        "deleted. Reload to see the latest version.")

    # --- reads ----------------------------------------------------------------------------

    def get(self, target_id: int) -> TargetLink:
        """One entry: company, role, status and the application made from it (or None)."""
        with self._read() as conn:
            row = conn.execute(text(
                "SELECT id, company, role, status, application_id, version FROM targets"
                " WHERE id = :id"), {"id": target_id}).mappings().first()
        if row is None:
            raise NotFoundError("That dream-list entry no longer exists.")
        return TargetLink.from_row(row)

    def entries(self, limit: int = 200) -> list[TargetRecord]:
        """The dream-job list: not-yet-applied first, by priority. `said_no_id` is the newest
        rejected application at the same company (case-insensitive), if any."""
        return [TargetRecord.from_row(r) for r in self._rows(
            "WITH said_no AS (SELECT lower(company) AS lc, max(id) AS said_no_id"
            "   FROM applications WHERE stage = 'rejected'"
            "   AND lower(company) IN (SELECT lower(company) FROM targets)"
            "   GROUP BY lower(company))"
            " SELECT t.id, t.company, t.role, t.why, t.priority, t.status, t.next_step,"
            " t.application_id, t.created_on, t.version, s.said_no_id"
            " FROM targets t LEFT JOIN said_no s ON s.lc = lower(t.company)"
            " ORDER BY t.status = 'applied', t.priority, t.created_on, t.id"
            " LIMIT :limit", {"limit": int(limit)})]

    def next_entry(self) -> NextTarget | None:
        """The highest-priority entry not applied to yet (after a no from one company,
        `nextround.dream_list.next_after` leaves that company out)."""
        with self._read() as conn:
            row = conn.execute(text(
                "SELECT id, company, role FROM targets WHERE application_id IS NULL"
                " AND status != 'applied' ORDER BY priority, created_on, id LIMIT 1"
                )).mappings().first()
        return None if row is None else NextTarget.from_row(row)
