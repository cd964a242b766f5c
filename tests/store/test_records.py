"""The records the store's reads return (nextround/records.py) against the SQL that fills them.

Pages read `row.company`, never `row["company"]`, so a column and the record's field drifting
apart must fail here rather than on a page: every read runs against a database holding one of
everything, and the columns its query returned must be exactly the record's fields (a column
renamed, added or dropped on either side fails). On SQLite: the `Store` opens no server
database yet; once it does, `full` can take `engine_url` and run on both engines.
"""

from __future__ import annotations

import dataclasses
import inspect
from collections.abc import Callable, Iterator
from datetime import date
from typing import Any

import pytest
from sqlalchemy import event

from nextround import after_no, dream_list, records, sending, wellbeing
from nextround import reflection as rf
from nextround.store import Store
from tests import factories
from tests.conftest import TODAY

DRAFT = {"kind": "rejection_thanks", "tone": "warm", "company": "Acme", "role": "Engineer",
         "to_email": "hr@acme.example", "subject": "Thank you", "body": "Thank you."}


@pytest.fixture
def full(store: Store) -> Iterator[tuple[Store, dict[str, int]]]:
    """A database with one of everything each read reads, and the ids of what it holds."""
    ids: dict[str, int] = {}
    ids["app"] = factories.rejected_after_interview(store, "Acme")
    after_no.mark(store, ids["app"], "next", "later")
    factories.application(store, "Quiet Co", applied_on="2026-09-01")
    sending.save_draft(store, {**DRAFT, "application_id": ids["app"]}, request_token="kept")
    sending.mark_draft_sent(store, {**DRAFT, "application_id": ids["app"]},
                            request_token="sent", sent_on=TODAY)
    factories.feedback_request(store, ids["app"], "2026-11-21", asked_whom="Sam")
    ids["replied"] = store.feedback.request(factories.received_reply(
        store, "2026-11-10", "Go deeper.", ["skills gap"], company="Beta")).application_id
    ids["done"] = rf.start_reflection(store, ids["app"])
    store.reflections.finish(ids["done"], 1)
    ids["draft"] = rf.start_reflection(store, None)
    ids["target"] = dream_list.add(store, "Acme", "Platform engineer")
    dream_list.add(store, "Dream Co")
    rf.add_action(store, "Practise a design question", "2026-12-01")
    store.actions.set_done(rf.add_action(store, "Update the CV"), True, 1)
    wellbeing.save_checkin(store, wellbeing.CheckIn(items=[3, 3, 3, 3, 3], stress=4, hours=10),
                           day=TODAY)
    yield store, ids


# (what is read, how, the record it returns)
READS: list[tuple[str, Callable[[Store, dict[str, int]], Any], type]] = [
    ("applications.get", lambda s, i: s.applications.get(i["app"]), records.ApplicationRecord),
    ("applications.search", lambda s, i: s.applications.search()[0],
     records.ApplicationSummary),
    ("applications.events", lambda s, i: s.applications.events(i["app"]), records.StageEvent),
    ("applications.ghosting_candidates",
     lambda s, i: s.applications.ghosting_candidates(date(2026, 10, 1))[0],
     records.GhostingCandidate),
    ("applications.at_companies", lambda s, i: s.applications.at_companies(["Acme", "Beta"]),
     records.PastApplication),
    ("applications.unanswered_rejections", lambda s, i: s.applications.unanswered_rejections()[0],
     records.UnansweredRejection),
    ("drafts.by_token", lambda s, i: s.drafts.by_token("kept"), records.DraftRecord),
    ("drafts.for_application", lambda s, i: s.drafts.for_application(i["app"]),
     records.SavedDraft),
    ("drafts.sent_for",
     lambda s, i: s.drafts.sent_for([i["app"]], ["rejection_thanks", "stay_in_touch"]),
     records.SentNote),
    ("feedback.received_for", lambda s, i: s.feedback.received_for([i["replied"]]),
     records.ReceivedFeedback),
    ("feedback.request", lambda s, i: s.feedback.request(1), records.FeedbackRequestRecord),
    ("feedback.requests", lambda s, i: s.feedback.requests()[0],
     records.FeedbackRequestSummary),
    ("feedback.due", lambda s, i: s.feedback.due(TODAY)[0], records.DueFollowUp),
    ("feedback.replies_for_theme", lambda s, i: s.feedback.replies_for_theme("skills gap"),
     records.ThemeReply),
    ("reflections.open_draft", lambda s, i: s.reflections.open_draft(), records.ReflectionRecord),
    ("reflections.get", lambda s, i: s.reflections.get(i["done"]), records.ReflectionRecord),
    ("reflections.draft_to_edit", lambda s, i: s.reflections.draft_to_edit(i["draft"]),
     records.ReflectionToEdit),
    ("reflections.recent", lambda s, i: s.reflections.recent(), records.RecentReflection),
    ("dream_list.get", lambda s, i: s.dream_list.get(i["target"]), records.TargetLink),
    ("dream_list.entries", lambda s, i: s.dream_list.entries(), records.TargetRecord),
    ("dream_list.next_entry", lambda s, i: s.dream_list.next_entry(), records.NextTarget),
    ("actions.by_status", lambda s, i: s.actions.by_status("all"), records.ActionRecord),
    ("checkins.for_week", lambda s, i: s.checkins.for_week("2026-W48"), records.CheckinRecord),
    ("paths.facts", lambda s, i: s.paths.facts(i["app"]), records.PathFacts),
    ("paths.open_paths", lambda s, i: s.paths.open_paths(), records.PathFacts),
]


def _field_names(record: type) -> set[str]:
    return {f.name for f in dataclasses.fields(record)}


@pytest.mark.parametrize(("read", "call", "record"), READS, ids=[r[0] for r in READS])
def test_each_read_returns_its_record_with_exactly_the_columns_it_selects(
        full: tuple[Store, dict[str, int]], read: str, call: Callable, record: type) -> None:
    store, ids = full
    selected: list[tuple[str, ...]] = []

    def columns(conn, cursor, statement, parameters, context, executemany) -> None:  # noqa: ANN001
        if cursor.description:
            selected.append(tuple(column[0] for column in cursor.description))

    event.listen(store.engine, "after_cursor_execute", columns)
    try:
        result = call(store, ids)
    finally:
        event.remove(store.engine, "after_cursor_execute", columns)
    rows = result if isinstance(result, list) else [result]
    assert rows and all(type(row) is record for row in rows), (read, result)
    # One of its queries selected exactly the record's fields (the others count or lock).
    assert _field_names(record) in [set(names) for names in selected], (read, selected)
    for row in rows:  # dates are parsed once, in the record
        for field in dataclasses.fields(record):
            value = getattr(row, field.name)
            if field.type in ("date", "date | None"):
                assert value is None or type(value) is date, (read, field.name, value)
            else:
                assert not isinstance(value, date), (read, field.name, value)


def test_every_record_type_is_read_above() -> None:
    made = {cls for _, cls in inspect.getmembers(records, inspect.isclass)
            if dataclasses.is_dataclass(cls) and cls.__module__ == records.__name__}
    assert made == {record for _, _, record in READS}


def test_the_check_in_history_frame_has_the_records_columns(
        full: tuple[Store, dict[str, int]]) -> None:
    """The history stays a DataFrame (the trend and streak aggregate it); its columns are
    still the record's, in its order, so a rename fails here too."""
    store, _ = full
    history = store.checkins.history()
    assert list(history.columns) == [f.name for f in dataclasses.fields(records.CheckinRecord)]
    assert history["week"].tolist() == ["2026-W48"]


def test_a_column_the_record_needs_and_the_row_lacks_is_named() -> None:
    with pytest.raises(KeyError, match="note"):
        records.StageEvent.from_row({"stage": "applied", "on_date": "2026-11-01"})


def test_a_file_with_an_extra_column_still_reads(store: Store) -> None:
    """A tool may add a column to a table: `SELECT *` reads leave it out, and the page that
    shows the application still gets it (the schema check names the difference)."""
    app_id = factories.application(store, "Acme")
    with store.write() as tx:
        tx.connection.exec_driver_sql("ALTER TABLE applications ADD COLUMN tool_note TEXT")
    assert store.applications.get(app_id).company == "Acme"
