"""Feedback requests: asking, following up, the replies and what their themes add up to.

The rules (which status may follow which, when a follow-up is due, what a reply or a theme
list must look like) are `nextround.feedback`'s: it validates and computes, then writes here.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import Any

import pandas as pd
from sqlalchemy import text

from nextround.records import (
    DueFollowUp,
    FeedbackRequestRecord,
    FeedbackRequestSummary,
    ReceivedFeedback,
    ThemeReply,
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

_COLUMNS = (
    "f.id, f.application_id, a.company, a.role, f.asked_on, f.channel, f.asked_whom,"
    " f.status, f.follow_ups, f.follow_up_due, f.received_on, f.version")
_WITH_APPLICATION = "feedback_requests f LEFT JOIN applications a ON a.id = f.application_id"
_OPEN = "('awaiting', 'followed_up')"
# The columns a request's update may set (`update`); the rest are the row's identity.
_UPDATABLE = frozenset({"status", "follow_ups", "follow_up_due", "received_on",
                        "feedback_text", "themes", "draft_id"})

# "What the feedback says" is aggregated here, in SQL, so that a page reads a few grouped
# rows instead of every reply (parsing each reply's themes in pandas made the page's cold
# rerun grow with the data; issue 10). The themes of a reply become rows with the engine's
# `json_texts` (SQLite's json_each). A themes value that isn't a JSON array (a hand-edited or
# damaged row) counts as no themes rather than failing the query, and only non-blank strings
# are themes, as in `feedback.load_themes`. A reply counts once per theme even if a theme
# were repeated.
_RECEIVED = "f.status = 'received' AND f.received_on IS NOT NULL"
_PERIODS = ("month", "week")


class FeedbackRequests(Records):
    """`store.feedback` / `tx.feedback`."""

    # --- writes ---------------------------------------------------------------------------

    def add_request(self, application_id: int | None, *, asked_on: date, channel: str,
                    asked_whom: str, follow_up_due: date | None,
                    draft_id: int | None = None) -> int:
        """A new request, awaiting a reply (values already checked by `feedback`)."""
        stamp = now()
        with self._write() as conn:
            return int(conn.execute(text(
                "INSERT INTO feedback_requests (application_id, asked_on, channel, asked_whom,"
                " follow_up_due, status, follow_ups, draft_id, created_at, updated_at) VALUES"
                " (:app, :asked_on, :channel, :whom, :due, 'awaiting', 0, :draft, :now, :now)"
                " RETURNING id"), {
                    "app": application_id, "asked_on": asked_on.isoformat(),
                    "channel": channel, "whom": asked_whom,
                    "due": follow_up_due.isoformat() if follow_up_due else None,
                    "draft": draft_id, "now": stamp}).scalar_one())

    def update(self, request_id: int, version: int, **changes: Any) -> None:
        """Set some of a request's columns (status, follow_ups, follow_up_due, received_on,
        feedback_text, themes, draft_id), only from the version the user started from."""
        unknown = set(changes) - _UPDATABLE
        if unknown:
            raise ValueError(f"not a feedback request column to update: {sorted(unknown)}")
        with self._write() as conn:
            bump_version(conn, "feedback_requests", request_id, version,
                         {**changes, "updated_at": now()})

    # --- reads ----------------------------------------------------------------------------

    def request(self, request_id: int) -> FeedbackRequestRecord:
        """One request with its reply and its application's company, role and contact."""
        with self._read() as conn:
            row = conn.execute(text(
                f"SELECT {_COLUMNS}, f.feedback_text, f.themes, f.draft_id,"
                f" a.contact_name, a.contact_email, a.applied_on FROM {_WITH_APPLICATION}"
                " WHERE f.id = :id"), {"id": request_id}).mappings().first()
        if row is None:
            raise NotFoundError("That feedback request no longer exists.")
        return FeedbackRequestRecord.from_row(row)

    def open_request_for(self, application_id: int) -> int | None:
        """The id of the application's open request (awaiting or followed up), if any."""
        with self._read() as conn:
            found = conn.execute(text(
                "SELECT id FROM feedback_requests WHERE application_id = :a"
                f" AND status IN {_OPEN} ORDER BY id LIMIT 1"), {"a": application_id}).scalar()
        return None if found is None else int(found)

    def received_for(self, application_ids: Sequence[int]) -> list[ReceivedFeedback]:
        """The feedback received about any of `application_ids`, newest first (a company's
        history: what they said last time)."""
        ids_in, params = in_list("a", [int(i) for i in application_ids])
        return [ReceivedFeedback.from_row(r) for r in self._rows(
            "SELECT f.application_id, f.asked_whom, f.received_on, f.feedback_text"
            f" FROM feedback_requests f WHERE f.application_id IN {ids_in} AND {_RECEIVED}"
            " ORDER BY f.received_on DESC, f.id DESC", params)]

    def requests(self, *, statuses: Sequence[str] = (), query: str = "",
                 limit: int = 25, offset: int = 0
                 ) -> tuple[list[FeedbackRequestSummary], int]:
        """One page of requests, newest asked first, and how many match in all."""
        where, params = ["1 = 1"], {"limit": int(limit), "offset": int(offset)}
        if statuses:
            names = [f":s{i}" for i in range(len(statuses))]
            where.append(f"f.status IN ({', '.join(names)})")
            params.update({f"s{i}": str(s) for i, s in enumerate(statuses)})
        if query.strip():
            where.append("(" + " OR ".join(self._sql.contains(c, ":q") for c in
                                           ("a.company", "a.role", "f.asked_whom")) + ")")
            params["q"] = like_pattern(query)
        clause = " AND ".join(where)
        # Without a search nothing filters on the application, so the page's ids are chosen
        # (and the matches counted) from the requests alone, and only the page's rows are
        # joined: joining every request before sorting cost 6 ms of 7 at 100,000.
        chosen = _WITH_APPLICATION if query.strip() else "feedback_requests f"
        order = "ORDER BY f.asked_on DESC, f.id DESC"
        with self._read() as conn:
            page = rows_in(
                conn, f"SELECT {_COLUMNS} FROM {_WITH_APPLICATION} WHERE f.id IN (SELECT f.id"
                f" FROM {chosen} WHERE {clause} {order} LIMIT :limit OFFSET :offset) {order}",
                params)
            total = int(conn.execute(text(f"SELECT count(*) FROM {chosen} WHERE {clause}"),
                                     params).scalar_one())
        return [FeedbackRequestSummary.from_row(r) for r in page], total

    def due(self, today: date, *, horizon_days: int = 3,
            limit: int = 10) -> tuple[list[DueFollowUp], int]:
        """Open requests whose follow-up is due by today + horizon, overdue (oldest) first."""
        params = {"until": date.fromordinal(today.toordinal() + horizon_days).isoformat(),
                  "limit": int(limit)}
        where = (f"f.status IN {_OPEN} AND f.follow_up_due IS NOT NULL"
                 " AND f.follow_up_due <= :until")
        with self._read() as conn:
            page = rows_in(
                conn, f"SELECT {_COLUMNS}, a.contact_name, a.contact_email FROM"
                f" {_WITH_APPLICATION} WHERE {where} ORDER BY f.follow_up_due, f.id"
                " LIMIT :limit", params)
            total = int(conn.execute(text(
                f"SELECT count(*) FROM {_WITH_APPLICATION} WHERE {where}"), params).scalar_one())
        return [DueFollowUp.from_row(r) for r in page], total

    def _themes(self) -> tuple[str, str, str]:
        """(the FROM item of a reply's themes, "is a theme", "a theme is this string"):
        one row `j` per string in `f.themes`, its text `j_value` (see `json_texts`)."""
        source, is_text, value = self._sql.json_texts("f.themes", "j")
        return (source, f"{is_text} AND {self._sql.trim_space(value)} <> ''",
                f"{is_text} AND {value} = :theme")

    def _theme_value(self) -> str:
        return self._sql.json_texts("f.themes", "j")[2]

    def reply_counts(self) -> tuple[int, int]:
        """(replies received, replies tagged with at least one theme): the page's empty states
        and the denominator of a theme's share."""
        themes, is_theme, _ = self._themes()
        tagged = self._sql.count_if(f"EXISTS (SELECT 1 FROM {themes} WHERE {is_theme})")
        with self._read() as conn:
            row = conn.execute(text(
                f"SELECT count(*), coalesce({tagged}, 0)"
                f" FROM feedback_requests f WHERE {_RECEIVED}")).one()
        return int(row[0]), int(row[1])

    def theme_totals(self) -> pd.DataFrame:
        """theme, replies: how many received replies mention each theme, over all time; most
        first, ties alphabetical. One row per distinct theme, however many replies."""
        themes, is_theme, _ = self._themes()
        return self._frame(
            f"SELECT {self._theme_value()} AS theme, count(DISTINCT f.id) AS replies"
            f" FROM feedback_requests f, {themes}"
            f" WHERE {_RECEIVED} AND {is_theme}"
            " GROUP BY 1 ORDER BY replies DESC, theme")

    def theme_counts(self, freq: str, start: date, end: date, *,
                     top: int = 8) -> pd.DataFrame:
        """period (its first day, YYYY-MM-DD), theme, replies: how many replies received from
        `start` to `end` (inclusive) mention each theme, per month or ISO week.

        Only the `top` themes most mentioned in that window keep their name; the others are
        one row per period with theme NULL, counting the replies that mention any of them (so a
        bar never overstates). At most periods × (top + 1) rows, however many replies: what a
        chart sends stays bounded by construction."""
        if freq not in _PERIODS:
            raise ValueError("freq must be 'week' or 'month'")
        themes, is_theme, _ = self._themes()
        # "theme IS NOT NULL" first: the other themes' row (NULL) sorts first on both engines
        # (PostgreSQL would put NULL last).
        return self._frame(
            "WITH tagged AS ("
            f" SELECT f.id, {self._sql.period_start(freq, 'f.received_on')} AS period,"
            f" {self._theme_value()} AS theme"
            f" FROM feedback_requests f, {themes}"
            f" WHERE {_RECEIVED} AND f.received_on >= :start AND f.received_on <= :end"
            f" AND {is_theme}),"
            " top AS (SELECT theme FROM tagged GROUP BY theme"
            " ORDER BY count(DISTINCT id) DESC, theme LIMIT :top),"
            " counted AS (SELECT period, CASE WHEN theme IN (SELECT theme FROM top) THEN theme"
            " END AS theme, count(DISTINCT id) AS replies FROM tagged GROUP BY 1, 2)"
            " SELECT period, theme, replies FROM counted"
            " ORDER BY period, theme IS NOT NULL, theme",
            {"start": start.isoformat(), "end": end.isoformat(), "top": max(0, int(top))})

    def replies_for_theme(self, theme: str, limit: int = 10) -> list[ThemeReply]:
        """The `limit` most recent received replies tagged with `theme` (exact match), newest
        first. Reads one page, not every reply."""
        themes, _, this_theme = self._themes()
        return [ThemeReply.from_row(r) for r in self._rows(
            "SELECT f.id, a.company, a.role, f.received_on, f.feedback_text"
            f" FROM {_WITH_APPLICATION}"
            f" WHERE {_RECEIVED} AND EXISTS (SELECT 1 FROM {themes} WHERE {this_theme})"
            " ORDER BY f.received_on DESC, f.id DESC LIMIT :limit",
            {"theme": str(theme), "limit": int(limit)})]
