"""The path after a no (`path_steps`): where each rejected application's path stands.

A row holds what only the user can say about a step: done, skipped ("not for this one") or
left for later. What the data already shows (a sent thank-you, a feedback request, a finished
reflection, a check-in since the no, an application sent since) is read alongside, so a step
done on its own page counts without a second click. The rules that turn these facts into a
path (which step is current, what "open" means) are `nextround/after_no.py`'s; the one rule
repeated here is what "settled" means, so the open paths are found in SQL, a page at a time,
at any size (tests/unit/test_after_no.py holds the two to the same answer).
"""

from __future__ import annotations

from datetime import date

from sqlalchemy import text

from nextround.records import PathFacts
from nextround.store.records import Records

STEPS = ("reply", "feedback", "reflect", "care", "next")


class PathSteps(Records):
    """`store.paths` / `tx.paths`."""

    def mark(self, application_id: int, step: str, state: str, *, on_date: date,
             note: str | None = None) -> None:
        """Set one step's state (a second click is the same row, updated). `note` replaces the
        step's note when given, and keeps it otherwise."""
        keep_note = "" if note is None else ", note = excluded.note"
        with self._write() as conn:
            conn.execute(text(
                "INSERT INTO path_steps (application_id, step, state, on_date, note)"
                " VALUES (:app, :step, :state, :day, :note)"
                " ON CONFLICT (application_id, step) DO UPDATE SET state = excluded.state,"
                f" on_date = excluded.on_date{keep_note}"),
                {"app": application_id, "step": step, "state": state,
                 "day": on_date.isoformat(), "note": note or ""})

    def reopen(self, application_id: int, step: str) -> None:
        """Forget what the user said about a step (undo a skip or a "later")."""
        with self._write() as conn:
            conn.execute(text("DELETE FROM path_steps WHERE application_id = :app"
                              " AND step = :step"), {"app": application_id, "step": step})

    def facts(self, application_id: int) -> PathFacts | None:
        """One rejected application's path facts, or None when it isn't rejected (or gone)."""
        rows = self._rows(self._select("a.id = :app"), {"app": application_id})
        return PathFacts.from_row(rows[0]) if rows else None

    def open_paths(self, limit: int = 3) -> list[PathFacts]:
        """The rejections whose path has a step not settled yet, most recent no first."""
        unsettled = " OR ".join(f"NOT ({self._settled(step)})" for step in STEPS)
        return [PathFacts.from_row(r) for r in self._rows(
            self._select(f"({unsettled})") + " LIMIT :limit", {"limit": int(limit)})]

    def _facts(self) -> dict[str, str]:
        """Each fact the data shows, as the subquery an EXISTS tests."""
        week_start = self._sql.period_start("week", "a.stage_on")
        return {
            "asked": "SELECT 1 FROM feedback_requests f WHERE f.application_id = a.id",
            "reflected": "SELECT 1 FROM reflections r WHERE r.application_id = a.id"
                         " AND r.status = 'done'",
            # A check-in in the week of the no or after it.
            "checked_in": f"SELECT 1 FROM checkins c WHERE c.checked_on >= {week_start}",
            # Any other application sent since the no: the user has moved on.
            "moved_on": "SELECT 1 FROM applications b WHERE b.applied_on >= a.stage_on"
                        " AND b.id <> a.id",
        }

    def _settled(self, step: str) -> str:
        """A step is settled when the data shows it done, or the user said done or "not for
        this one" (`after_no.step_states` is the same rule, for one path)."""
        marked = (f"EXISTS (SELECT 1 FROM path_steps p WHERE p.application_id = a.id"
                  f" AND p.step = '{step}' AND p.state IN ('done', 'skipped'))")
        if step == "reply":
            return f"a.thanks_sent_on IS NOT NULL OR {marked}"
        return f"EXISTS ({self._facts()[_SHOWN_BY[step]]}) OR {marked}"

    def _select(self, where: str) -> str:
        facts = self._facts()
        states = ", ".join(f"({_state(step)}) AS {step}_state" for step in STEPS)
        flags = ", ".join(f"CASE WHEN EXISTS ({sql}) THEN 1 ELSE 0 END AS {name}"
                          for name, sql in facts.items())
        return (
            "SELECT a.id, a.company, a.role, a.stage_on AS rejected_on, a.contact_name,"
            " a.contact_email, a.furthest_level, a.thanks_sent_on,"
            f" {flags}, {states},"
            " coalesce((SELECT p.note FROM path_steps p WHERE p.application_id = a.id"
            " AND p.step = 'reply'), '') AS appreciated"
            f" FROM applications a{self._sql.indexed_by('applications_by_stage_on')}"
            f" WHERE a.stage = 'rejected' AND {where}"
            " ORDER BY a.stage_on DESC, a.id DESC")


def _state(step: str) -> str:
    return (f"SELECT p.state FROM path_steps p WHERE p.application_id = a.id"
            f" AND p.step = '{step}'")


# The fact that shows each step done (the reply's is the sent thank-you's date).
_SHOWN_BY = {"feedback": "asked", "reflect": "reflected", "care": "checked_in",
             "next": "moved_on"}
