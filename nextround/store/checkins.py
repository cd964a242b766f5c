"""Weekly check-ins (`checkins`): one per ISO week, keyed by the week ("2026-W48").

What a valid check-in is, its WHO-5 score and which week a day belongs to are the domain's
(`wellbeing.save_checkin`); this module stores clean values and keeps one check-in per week
without ever overwriting another tab's.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

import pandas as pd
from sqlalchemy import text

from nextround.records import CheckinRecord
from nextround.store.errors import NotFoundError, StaleVersionError
from nextround.store.records import Records, bump_version, now

_COLUMNS = "id, week, checked_on, items, who5_raw, stress, hours, self_care, win, let_go, version"


class CheckIns(Records):
    """`store.checkins` / `tx.checkins`."""

    def for_week(self, week: str) -> CheckinRecord | None:
        """The check-in of one ISO week ("2026-W48"), or None."""
        with self._read() as conn:
            row = conn.execute(text(f"SELECT {_COLUMNS} FROM checkins WHERE week = :week"),
                               {"week": week}).mappings().first()
        return None if row is None else CheckinRecord.from_row(row)

    def history(self, limit: int = 104) -> pd.DataFrame:
        """The most recent `limit` weekly check-ins, oldest first (one row per week): the
        trend's and streak's input, so a DataFrame, with `CheckinRecord`'s columns as stored."""
        return self._frame(
            f"SELECT {_COLUMNS} FROM (SELECT * FROM checkins ORDER BY week DESC"
            " LIMIT :limit) AS recent ORDER BY week", {"limit": int(limit)})

    def save(self, week: str, checkin: Mapping[str, Any], *, version: int | None = None) -> None:
        """Store the clean check-in of `week`: checked_on (a date), items (the five answers),
        who5_raw, stress, hours, self_care (a list), win, let_go.

        One per week: `version=None` inserts and refuses if that week already has one (e.g.
        saved in another tab); an int replaces that week's check-in only if it is still at
        that version. Either way nothing is silently overwritten."""
        values = {
            "checked_on": checkin["checked_on"].isoformat(),
            "items": json.dumps(list(checkin["items"])), "who5_raw": checkin["who5_raw"],
            "stress": checkin["stress"], "hours": checkin["hours"],
            "self_care": json.dumps(list(checkin["self_care"])), "win": checkin["win"],
            "let_go": checkin["let_go"], "updated_at": now(),
        }
        with self._write() as conn:
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
