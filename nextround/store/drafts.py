"""Email drafts: kept unsent, or marked sent once the user sent them from their own mail app.

A page's request token (one per draft being written) makes a repeated submit harmless: the
row it made is found again instead of a second one. What a draft must hold is
`drafting.clean_draft`'s rule; what marking one sent also records (a feedback request) is
`nextround.sending`'s.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date
from typing import Any

from sqlalchemy import text

from nextround.records import DraftRecord, SavedDraft, SentNote
from nextround.store.errors import StaleVersionError
from nextround.store.records import Records, bump_version, in_list, now

# The columns a draft's values fill (`drafting.clean_draft` gives exactly these).
_COLUMNS = ("application_id", "kind", "tone", "company", "role", "to_email", "subject", "body")


class Drafts(Records):
    """`store.drafts` / `tx.drafts`."""

    def save(self, values: Mapping[str, Any], *, request_token: str,
             draft_id: int | None = None, version: int | None = None) -> tuple[int, int]:
        """Keep an unsent draft (`values` already cleaned). Returns (id, version). Creates the
        row the first time and afterwards updates it only from the version this tab loaded,
        so another tab's newer save is never overwritten. A sent draft is final."""
        row = {k: values[k] for k in _COLUMNS}
        stamp = now()
        with self._write() as conn:
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
                    {**row, "token": request_token, "now": stamp}).scalar_one())
                return new_id, 1
            row_id = int(draft_id if draft_id is not None else existing[0])
            current = int(version if version is not None else existing[2])
            bump_version(conn, "drafts", row_id, current, {**row, "updated_at": stamp})
            return row_id, current + 1

    def mark_sent(self, values: Mapping[str, Any], *, request_token: str, sent_on: date,
                  draft_id: int | None = None, version: int | None = None) -> int:
        """Store the final text (`values` already cleaned) as sent on `sent_on`; returns its
        id. A second call with the same request token (a double click, a rerun) changes
        nothing and returns the id already stored. A draft saved earlier is updated only from
        the version this tab loaded."""
        row = {k: values[k] for k in _COLUMNS}
        stamp = now()
        sent = sent_on.isoformat()
        with self._write() as conn:
            existing = conn.execute(text("SELECT id, status, version FROM drafts"
                                         " WHERE request_token = :t"),
                                    {"t": request_token}).first()
            if existing is not None and existing[1] == "sent":
                return int(existing[0])
            if draft_id is None and existing is None:
                return int(conn.execute(text(
                    "INSERT INTO drafts (application_id, kind, tone, company, role, to_email,"
                    " subject, body, status, sent_on, request_token, created_at, updated_at)"
                    " VALUES (:application_id, :kind, :tone, :company, :role, :to_email,"
                    " :subject, :body, 'sent', :sent_on, :token, :now, :now) RETURNING id"),
                    {**row, "sent_on": sent, "token": request_token,
                     "now": stamp}).scalar_one())
            row_id = int(draft_id if draft_id is not None else existing[0])
            current = int(version if version is not None else existing[2])
            bump_version(conn, "drafts", row_id, current,
                         {**row, "status": "sent", "sent_on": sent, "updated_at": stamp})
            return row_id

    def for_application(self, application_id: int) -> list[SavedDraft]:
        """Every saved draft for one application, newest first: what was sent, and when."""
        return [SavedDraft.from_row(r) for r in self._rows(
            "SELECT id, kind, tone, status, sent_on, subject, to_email, body, version,"
            " request_token, substr(updated_at, 1, 10) AS saved_on FROM drafts"
            " WHERE application_id = :id ORDER BY coalesce(sent_on, '') DESC, id DESC",
            {"id": int(application_id)})]

    def sent_for(self, application_ids: Sequence[int],
                 kinds: Sequence[str]) -> list[SentNote]:
        """The drafts of `kinds` marked sent about any of `application_ids`, newest first:
        to whom and when (a company's history: the thank-yous that kept the door open)."""
        ids_in, ids = in_list("a", [int(i) for i in application_ids])
        kinds_in, kind_params = in_list("k", list(kinds))
        return [SentNote.from_row(r) for r in self._rows(
            "SELECT application_id, kind, to_email, sent_on FROM drafts"
            f" WHERE application_id IN {ids_in} AND kind IN {kinds_in} AND status = 'sent'"
            " ORDER BY coalesce(sent_on, '') DESC, id DESC", {**ids, **kind_params})]

    def by_token(self, request_token: str) -> DraftRecord | None:
        """The draft saved under a page's request token, if any (to resume or detect a send)."""
        with self._read() as conn:
            row = conn.execute(text("SELECT * FROM drafts WHERE request_token = :t"),
                               {"t": request_token}).mappings().first()
        return DraftRecord.from_row(row) if row else None
