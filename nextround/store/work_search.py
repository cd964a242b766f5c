"""The rows a work-search record is built from (`nextround.reports.work_search`).

Four reads, each a date-range scan on its own table, every row with its application's
company, role, how it was found and its contact, so the report needs no read per row:
applications applied in the range, stage changes (events other than the first `applied`),
emails marked sent, and feedback requests asked.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from nextround.store.records import Records, rows_in

_APP = ("a.company AS company, a.role AS role, a.source AS source, a.link AS link, "
        "a.contact_name AS contact_name, a.contact_email AS contact_email, a.stage AS stage")


class WorkSearch(Records):
    """`store.work_search` / `tx.work_search` (reads only)."""

    def rows(self, start: date, end: date) -> dict[str, list[dict[str, Any]]]:
        """Raw rows in [start, end], by kind: `applied`, `stage_changes`, `emails`,
        `feedback_requests`. Dates are ISO text; one snapshot for all four reads."""
        params = {"start": start.isoformat(), "end": end.isoformat()}
        queries = {
            "applied": f"SELECT a.id AS application_id, a.applied_on AS day, {_APP} "
                       "FROM applications a WHERE a.applied_on BETWEEN :start AND :end",
            "stage_changes": f"SELECT e.application_id, e.on_date AS day, e.stage AS new_stage, "
                             f"e.note AS note, {_APP} FROM events e "
                             "JOIN applications a ON a.id = e.application_id "
                             "WHERE e.stage <> 'applied' AND e.on_date BETWEEN :start AND :end",
            "emails": "SELECT d.application_id, d.sent_on AS day, d.kind AS kind, "
                      "d.to_email AS to_email, d.company AS draft_company, "
                      f"d.role AS draft_role, {_APP} FROM drafts d "
                      "LEFT JOIN applications a ON a.id = d.application_id "
                      "WHERE d.status = 'sent' AND d.sent_on BETWEEN :start AND :end",
            "feedback_requests": "SELECT f.application_id, f.asked_on AS day, "
                                 "f.channel AS channel, f.asked_whom AS asked_whom, "
                                 f"f.status AS status, {_APP} FROM feedback_requests f "
                                 "LEFT JOIN applications a ON a.id = f.application_id "
                                 "WHERE f.asked_on BETWEEN :start AND :end",
        }
        with self._read() as conn:
            return {kind: [{k: _text(v) for k, v in row.items()}
                           for row in rows_in(conn, sql, params)]
                    for kind, sql in queries.items()}


def _text(value: Any) -> Any:
    """PostgreSQL hands back dates; the report reads ISO text from either engine."""
    return value.isoformat() if isinstance(value, date) else value
