"""Issue 14, class 7: an edit never leaves the data in a state that our own import refuses.

Property: any sequence of the app's own edits through the store's public write methods, then
our export (JSON and CSV), then an import into an empty database, reproduces the data. The
JSON export must give back every table; the CSV every application field it carries. "Today"
is pinned (decision 6), so dates are deterministic. Edits the store refuses are part of the
sequence too: a refusal must write nothing, so the export still round-trips.
"""

from __future__ import annotations

import itertools
from dataclasses import replace
from datetime import date, timedelta
from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st

from nextround import dream_list, sending, transfer, wellbeing
from nextround import feedback as fb
from nextround import reflection as rf
from nextround.models import Application, Stage, ValidationError
from nextround.store import Store, StoreError
from nextround.wellbeing import CheckIn
from tests import factories
from tests.conftest import TODAY

_counter = itertools.count()
DAYS = st.integers(min_value=0, max_value=90).map(lambda n: TODAY - timedelta(days=n))
TEXT = st.sampled_from(["Acme", "Globex", "'Quoted", "=SUM(A1)", "+44 team", "-dash",
                        "@handle", "Ünïcode Co", "  spaced  ", "Initech"])
LATER_STAGES = [s for s in Stage if s != Stage.APPLIED]

ADD = st.tuples(st.just("add"), TEXT, DAYS, st.sampled_from(list(Stage)))
APPLICATION_EDITS = st.one_of(
    ADD,
    st.tuples(st.just("update"), st.integers(0, 9), TEXT, DAYS),
    st.tuples(st.just("stage"), st.integers(0, 9), st.sampled_from(LATER_STAGES), DAYS),
    st.tuples(st.just("ghost"), st.integers(0, 9), DAYS),
)
OPS = st.one_of(
    APPLICATION_EDITS, APPLICATION_EDITS, APPLICATION_EDITS,
    st.tuples(st.just("delete"), st.integers(0, 9)),
    st.tuples(st.just("feedback"), st.integers(0, 9), DAYS),
    st.tuples(st.just("reply"), st.integers(0, 9), DAYS),
    st.tuples(st.just("draft"), st.integers(0, 9), DAYS),
    st.tuples(st.just("action"), TEXT, DAYS),
    st.tuples(st.just("target"), TEXT),
    st.tuples(st.just("checkin"), DAYS, st.integers(0, 5)),
    st.tuples(st.just("reflection"), st.integers(0, 9)),
    st.tuples(st.just("finish_reflection"), st.integers(0, 9)),
    st.tuples(st.just("action_done"), st.integers(0, 9), st.booleans()),
    st.tuples(st.just("target_applied"), st.integers(0, 9), DAYS),
    st.tuples(st.just("feedback_status"), st.integers(0, 9),
              st.sampled_from(["followed_up", "declined", "no_reply", "awaiting"])),
    st.tuples(st.just("settings"), st.integers(0, 100), st.sampled_from(["UTC", "Europe/Berlin"])),
)


def _pick(store: Store, table: str, index: int) -> tuple[int, int] | None:
    rows = store.frame(f"SELECT id, version FROM {table} ORDER BY id")
    if rows.empty:
        return None
    row = rows.iloc[index % len(rows)]
    return int(row["id"]), int(row["version"])


def _apply(store: Store, op: tuple) -> None:  # noqa: C901 - one branch per kind of edit
    kind = op[0]
    if kind == "add":
        factories.application(store, op[1], role="Analyst", applied_on=op[2], stage=op[3])
        return
    if kind == "action":
        rf.add_action(store, op[1], due_on=op[2], today=TODAY)
        return
    if kind == "target":
        dream_list.add(store, op[1], today=TODAY)
        return
    if kind == "checkin":
        wellbeing.save_checkin(store, CheckIn(items=[op[2]] * 5, stress=op[2], hours=3.5),
                               day=op[1])
        return
    if kind == "reflection":
        picked = _pick(store, "applications", op[1])
        rf.start_reflection(store, picked[0] if picked else None, today=TODAY)
        return
    if kind == "finish_reflection":
        picked = _pick(store, "reflections", op[1])
        if picked:
            store.reflections.finish(*picked, today=TODAY)
        return
    if kind == "action_done":
        picked = _pick(store, "actions", op[1])
        if picked:
            store.actions.set_done(picked[0], op[2], picked[1], today=TODAY)
        return
    if kind == "target_applied":
        picked = _pick(store, "targets", op[1])
        if picked:
            dream_list.mark_applied(store, *picked, applied_on=op[2], today=TODAY)
        return
    if kind == "feedback_status":
        picked = _pick(store, "feedback_requests", op[1])
        if picked:
            fb.change_status(store, picked[0], op[2], picked[1], today=TODAY)
        return
    if kind == "settings":
        current = store.settings.get()
        store.settings.save(replace(current, weekly_goal=op[1], timezone=op[2]))
        return
    if kind in ("reply",):
        picked = _pick(store, "feedback_requests", op[1])
        if picked:
            factories.feedback_reply(store, picked[0], op[2], "ok", ("Communication",),
                                     version=picked[1])
        return
    picked = _pick(store, "applications", op[1])
    if picked is None:
        return
    app_id, version = picked
    if kind == "update":
        app = store.applications.get(app_id)
        store.applications.update(app_id, Application(
            company=op[2], role=app.role, applied_on=op[3], stage=app.stage),
            version, today=TODAY)
    elif kind == "stage":
        factories.move(store, app_id, op[2], op[3], version=version)
    elif kind == "ghost":
        store.applications.mark_ghosted([(app_id, version)], op[2], today=TODAY)
    elif kind == "delete":
        store.applications.delete(app_id)
    elif kind == "feedback":
        factories.feedback_request(store, app_id, op[2])
    elif kind == "draft":
        sending.mark_draft_sent(store, {"application_id": app_id, "kind": "rejection_thanks",
                                        "tone": "warm", "company": "Acme", "role": "",
                                        "to_email": "sam@example.com", "subject": "Thanks",
                                        "body": "Thank you."},
                                request_token=f"t{next(_counter)}", sent_on=op[2])


def _fresh(folder: Path, name: str) -> Store:
    return Store(folder / f"{name}-{next(_counter)}.db")


CSV_FIELDS = list(transfer.CSV_FIELDS)


@settings(max_examples=60)
@given(first=st.lists(ADD, min_size=1, max_size=3), ops=st.lists(OPS, max_size=14))
def test_the_apps_own_edits_always_export_and_import_back(first: list[tuple], ops: list[tuple],
                                                          tmp_path: Path) -> None:
    store = _fresh(tmp_path, "edited")
    for op in first + ops:
        try:
            _apply(store, op)
        except (ValidationError, StoreError):
            pass  # refused: nothing was written, and the data must still round-trip
    before = store.transfer.export_rows()

    from_json = _fresh(tmp_path, "json")
    transfer.import_file(from_json, transfer.export_json(store))
    assert from_json.transfer.export_rows() == before

    if before["applications"]:
        from_csv = _fresh(tmp_path, "csv")
        transfer.import_file(from_csv, transfer.export_csv(store), duplicates="import")
        assert ([{f: r[f] for f in CSV_FIELDS} for r in from_csv.transfer.export_rows()[
            "applications"]]
                == [{f: r[f] for f in CSV_FIELDS} for r in before["applications"]])
        from_csv.dispose()
    for opened in (store, from_json):
        opened.dispose()


def test_moving_date_applied_later_keeps_the_csv_importable(tmp_path: Path) -> None:
    """The example from the issue: still `applied`, date applied moved later."""
    store = _fresh(tmp_path, "edited")
    app_id = factories.application(store, "Acme", applied_on=date(2026, 11, 1))
    store.applications.update(app_id, Application(company="Acme", applied_on=date(2026, 11, 10)),
                              1, today=TODAY)
    row = store.applications.get(app_id)
    assert (row.applied_on, row.stage_on) == (date(2026, 11, 10), date(2026, 11, 10))
    target = _fresh(tmp_path, "csv")
    transfer.import_file(target, transfer.export_csv(store))
    assert target.applications.get(1).stage_on == date(2026, 11, 10)


def test_marking_ghosted_before_the_date_applied_is_refused_and_writes_nothing(
        tmp_path: Path) -> None:
    store = _fresh(tmp_path, "edited")
    app_id = factories.application(store, "Acme", applied_on=date(2026, 11, 10))
    before = store.transfer.export_rows()
    try:
        store.applications.mark_ghosted([(app_id, 1)], date(2026, 11, 9), today=TODAY)
    except ValidationError as exc:
        assert exc.errors == {"on_date": "Date can't be before it was applied (2026-11-10)."}
    else:
        raise AssertionError("a ghosted date before the date applied was accepted")
    assert store.transfer.export_rows() == before
