"""Game-plan actions: small steps with a due date, from a reflection, a feedback theme or typed
by hand. `nextround.reflection.clean_action` checks an action before it is written here."""

from __future__ import annotations

from datetime import date

from sqlalchemy import text

from nextround.records import ActionRecord
from nextround.store.errors import StaleVersionError
from nextround.store.records import Records, bump_version

_LISTS = {"open": "done_on IS NULL", "done": "done_on IS NOT NULL", "all": "1 = 1"}


class Actions(Records):
    """`store.actions` / `tx.actions`."""

    def add(self, title: str, due_on: date | None, source_kind: str, source_id: int | None,
            source_label: str, *, created_on: date) -> int:
        """One action, already cleaned (`reflection.clean_action`). Returns its id."""
        with self._write() as conn:
            return int(conn.execute(text(
                "INSERT INTO actions (title, due_on, source_kind, source_id, source_label,"
                " created_on) VALUES (:title, :due, :kind, :sid, :label, :day) RETURNING id"),
                {"title": title, "due": due_on.isoformat() if due_on else None,
                 "kind": source_kind, "sid": source_id, "label": source_label,
                 "day": created_on.isoformat()}).scalar_one())

    def update(self, action_id: int, version: int, title: str, due_on: date | None) -> None:
        """New title and due date (already cleaned), from the version the user started from."""
        with self._write() as conn:
            bump_version(conn, "actions", action_id, version,
                         {"title": title, "due_on": due_on.isoformat() if due_on else None})

    def set_done(self, action_id: int, done: bool, version: int, *,
                 today: date | None = None) -> None:
        """Mark done (today) or undo. A stale version raises StaleVersionError."""
        day = self._today(today).isoformat()
        with self._write() as conn:
            bump_version(conn, "actions", action_id, version,
                         {"done_on": day if done else None})

    def delete(self, action_id: int, version: int) -> None:
        with self._write() as conn:
            result = conn.execute(text("DELETE FROM actions WHERE id = :id AND version = :v"),
                                  {"id": action_id, "v": version})
            if result.rowcount == 0:
                raise StaleVersionError("This action changed in another tab, so it was not "
                                        "deleted. Reload to see the latest version.")

    def open_from_feedback(self, theme: str) -> int | None:
        """The open action already planned from this feedback theme, if any (the oldest)."""
        with self._read() as conn:
            found = conn.execute(text(
                "SELECT id FROM actions WHERE source_kind = 'feedback' AND source_label = :label"
                " AND done_on IS NULL ORDER BY id LIMIT 1"), {"label": theme}).scalar()
        return None if found is None else int(found)

    def by_status(self, status: str = "open", limit: int = 200) -> list[ActionRecord]:
        """Open actions by due date (undated last), or done ones newest first, or all."""
        if status not in _LISTS:
            raise ValueError(f"unknown action status {status!r}")
        order = ("done_on DESC, id DESC" if status == "done"
                 else "due_on IS NULL, due_on, id")
        return [ActionRecord.from_row(r) for r in self._rows(
            "SELECT id, title, due_on, done_on, source_kind, source_id, source_label,"
            f" created_on, version FROM actions WHERE {_LISTS[status]} ORDER BY {order}"
            " LIMIT :limit", {"limit": int(limit)})]

    def counts(self) -> dict[str, int]:
        """{'open': n, 'done': n}: how much of the game plan is done (progress page)."""
        with self._read() as conn:
            row = conn.execute(text(
                "SELECT count(*) - count(done_on), count(done_on) FROM actions")).first()
        assert row is not None  # an aggregate always returns one row
        return {"open": int(row[0] or 0), "done": int(row[1] or 0)}
