"""The counts the Progress and This week pages and the weekly review read.

Small, grouped reads (rows per day, level, source or week, never per application), so a cold
page stays fast at 100,000 applications; `metrics`, `agenda` and `review` turn them into
numbers, frames and charts. On SQLite `INDEXED BY` pins the covering indexes of migration
v4; PostgreSQL's planner finds them from statistics (decision 23). The forms that differ
(`indexed_by`, `count_if`, `later_of`) come from the engine's dialect module.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from typing import Any

import pandas as pd
from sqlalchemy import text

from nextround.models import ghost_cutoff
from nextround.store.records import Records, frame_in


class Progress(Records):
    """`store.progress` / `tx.progress` (reads only)."""

    def counts(self, start: date, end: date, before: date,
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
                  "ghost_end": ghost_cutoff(end, ghost_after_days).isoformat(),
                  "ghost_before": ghost_cutoff(before, ghost_after_days).isoformat()}
        cohort = "applied_on BETWEEN :start AND :end"
        sql = self._sql
        count_if, by = sql.count_if, sql.indexed_by

        # INDEXED BY pins each count to its covering index (migration v4): an index-only
        # scan in the GROUP BY's order, whatever the planner would guess without statistics
        # (it picks the applied-date index and reads every row of the range from the table).
        def milestone(kind: str, day: str, index: str, where: str) -> str:
            return (f"SELECT '{kind}' AS kind, {day} AS day, count(*) AS n,"
                    f" {count_if('applied_on <= :before')} AS early FROM applications"
                    f"{by(index)} WHERE {where} AND {cohort} GROUP BY 2")

        milestones = " UNION ALL ".join([
            milestone("reply", "first_reply_on", "applications_by_reply",
                      "first_reply_on <= :end"),
            milestone("interview", "first_interview_on", "applications_by_interview",
                      "first_interview_on <= :end"),
            milestone("offer", "first_offer_on", "applications_by_offer",
                      "first_offer_on <= :end"),
            milestone("rejection", "first_rejection_on", "applications_by_rejection",
                      "first_rejection_on <= :end"),
            milestone("answered", sql.later_of("first_rejection_on", "thanks_sent_on"),
                      "applications_by_thanks",
                      "thanks_sent_on <= :end AND first_rejection_on <= :end"),
        ])
        queries = {
            "applied": "SELECT applied_on AS day, count(*) AS n FROM applications"
                       f"{by('applications_by_applied')} WHERE {cohort} GROUP BY 1",
            "milestones": milestones,
            "response_days": "SELECT reply_days AS days, count(*) AS n,"
                             f" {count_if('first_reply_on <= :before AND applied_on <= :before')}"
                             f" AS early FROM applications{by('applications_by_reply_days')}"
                             " WHERE reply_days IS NOT NULL AND first_reply_on <= :end"
                             f" AND {cohort} GROUP BY 1",
            "levels": "SELECT furthest_level AS level, stage, count(*) AS n,"
                      f" {count_if('applied_on <= :before')} AS early FROM applications"
                      f"{by('applications_by_level')} WHERE {cohort} GROUP BY 1, 2",
            # Still at "applied" with no reply by that day and past the ghosting threshold:
            # ghosted, though not marked. One index seek per level, not a scan of them all.
            "waiting": "SELECT furthest_level AS level, "
                       + count_if("applied_on <= :ghost_end AND (first_reply_on IS NULL"
                                  " OR first_reply_on > :end)") + " AS now, "
                       + count_if("applied_on <= :ghost_before AND (first_reply_on IS NULL"
                                  " OR first_reply_on > :before)") + " AS before"
                       f" FROM applications{by('applications_by_level')}"
                       " WHERE furthest_level IN (0, 1, 2, 3)"
                       f" AND stage = 'applied' AND {cohort} GROUP BY 1",
            "sources": "SELECT source, count(*) AS applications,"
                       f" coalesce({count_if('first_reply_on <= :end')}, 0) AS responses"
                       f" FROM applications{by('applications_by_source')}"
                       f" WHERE {cohort} GROUP BY source",
        }
        with self._read() as conn:  # one snapshot, so the counts agree with each other
            return {name: frame_in(conn, sql, params) for name, sql in queries.items()}

    def feedback_counts(self) -> pd.DataFrame:
        """asked_on, received_on, status, n: feedback requests grouped by their dates."""
        return self._frame(
            "SELECT asked_on, received_on, status, count(*) AS n FROM feedback_requests"
            " GROUP BY asked_on, received_on, status")

    def actions_done_by_day(self) -> pd.DataFrame:
        """done_on, n: completed game-plan actions per day."""
        return self._frame("SELECT done_on, count(*) AS n FROM actions"
                          " WHERE done_on IS NOT NULL GROUP BY done_on")

    def checkin_scores(self) -> pd.DataFrame:
        """week, who5_raw: one row per weekly check-in."""
        return self._frame("SELECT week, who5_raw FROM checkins ORDER BY week")

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
            "follow_ups_due": "SELECT count(*) FROM feedback_requests WHERE status IN"
                              " ('awaiting', 'followed_up') AND follow_up_due <= :today",
            "actions_due": "SELECT count(*) FROM actions WHERE done_on IS NULL"
                           " AND due_on <= :week_end",
        })

    def has_open_deadlines(self) -> bool:
        """Whether `open_deadlines` would list anything (cheap: two indexed EXISTS)."""
        with self._read() as conn:
            return bool(conn.execute(text(
                "SELECT EXISTS (SELECT 1 FROM feedback_requests WHERE status IN"
                " ('awaiting', 'followed_up') AND follow_up_due IS NOT NULL)"
                " OR EXISTS (SELECT 1 FROM actions WHERE done_on IS NULL"
                " AND due_on IS NOT NULL)")).scalar())

    def open_deadlines(self) -> pd.DataFrame:
        """kind, id, title, due: follow-up dates of open feedback requests and due dates of
        open game-plan actions, for the calendar file."""
        return self._frame(
            "SELECT 'follow_up' AS kind, f.id, coalesce(a.company, '') AS title,"
            " f.follow_up_due AS due FROM feedback_requests f"
            " LEFT JOIN applications a ON a.id = f.application_id"
            " WHERE f.status IN ('awaiting', 'followed_up') AND f.follow_up_due IS NOT NULL"
            " UNION ALL SELECT 'action', id, title, due_on FROM actions"
            " WHERE done_on IS NULL AND due_on IS NOT NULL ORDER BY due LIMIT 500")

    def week_lists(self, start: date, end: date) -> dict[str, pd.DataFrame]:
        """The rows the weekly review lists, for one week. Small by nature (one week)."""
        params = {"start": start.isoformat(), "end": end.isoformat()}
        with self._read() as conn:  # one snapshot, so the lists agree with each other
            return {name: frame_in(conn, sql, params) for name, sql in _WEEK_LISTS.items()}

    def _counts(self, params: Mapping[str, Any], queries: Mapping[str, str]) -> dict[str, int]:
        """Several `SELECT count(*) …` with the same parameters, read from one snapshot."""
        with self._read() as conn:
            return {name: int(conn.execute(text(sql), dict(params)).scalar() or 0)
                    for name, sql in queries.items()}


# What the weekly review lists for the week from :start to :end.
_WEEK_LISTS = {
    "applications":
        "SELECT company, role, applied_on, stage FROM applications"
        " WHERE applied_on BETWEEN :start AND :end ORDER BY applied_on, id",
    "replies":
        "SELECT d.kind, d.company, d.role, d.sent_on FROM drafts d"
        " WHERE d.status = 'sent' AND d.sent_on BETWEEN :start AND :end"
        " ORDER BY d.sent_on, d.id",
    "stage_changes":
        "SELECT a.company, a.role, e.stage, e.on_date FROM events e"
        " JOIN applications a ON a.id = e.application_id"
        " WHERE e.stage IN ('screening', 'interviewing', 'offer', 'accepted',"
        " 'rejected') AND e.on_date BETWEEN :start AND :end"
        " ORDER BY e.on_date, e.id",
    "feedback":
        "SELECT coalesce(a.company, '') AS company, f.received_on, f.feedback_text,"
        " f.themes FROM feedback_requests f"
        " LEFT JOIN applications a ON a.id = f.application_id"
        " WHERE f.received_on BETWEEN :start AND :end ORDER BY f.received_on",
    "reflections":
        "SELECT coalesce(a.company, '') AS company, r.answers, r.control_pct, r.fit,"
        " r.completed_on FROM reflections r"
        " LEFT JOIN applications a ON a.id = r.application_id"
        " WHERE r.status = 'done' AND r.completed_on BETWEEN :start AND :end"
        " ORDER BY r.completed_on",
    "actions_done":
        "SELECT title, done_on FROM actions WHERE done_on BETWEEN :start AND :end"
        " ORDER BY done_on",
    "actions_planned":
        "SELECT title, due_on FROM actions WHERE done_on IS NULL"
        " ORDER BY due_on IS NULL, due_on LIMIT 20",
}
