"""The milestone columns the triggers keep on each application (migration v4, decision 14).

They are derived data: after any sequence of writes, through the store or straight SQL, they
must equal what the events and drafts say, and the progress page built from them must equal
the reference definition built from every event.
"""

from __future__ import annotations

import sqlite3
from datetime import date, timedelta
from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st

from nextround import metrics
from nextround.models import Application
from nextround.store import MIGRATIONS, Store
from tests import factories, reference_metrics
from tests.conftest import old_database
from tests.unit.test_metrics import assert_same_dashboard

TODAY = date(2026, 11, 25)
FIRST_DAY = date(2026, 6, 1)
STAMP = "2026-11-25T00:00:00+00:00"
STAGES = ["screening", "interviewing", "offer", "accepted", "rejected", "withdrawn", "ghosted"]

RECOMPUTED = """
SELECT a.id,
  (SELECT min(on_date) FROM events e WHERE e.application_id = a.id
     AND e.stage IN ('screening', 'interviewing', 'offer', 'accepted', 'rejected')),
  (SELECT min(on_date) FROM events e WHERE e.application_id = a.id
     AND e.stage IN ('screening', 'interviewing', 'offer', 'accepted')),
  (SELECT min(on_date) FROM events e WHERE e.application_id = a.id
     AND e.stage IN ('offer', 'accepted')),
  (SELECT min(on_date) FROM events e WHERE e.application_id = a.id AND e.stage = 'rejected'),
  (SELECT min(sent_on) FROM drafts d WHERE d.application_id = a.id
     AND d.kind = 'rejection_thanks' AND d.status = 'sent'),
  coalesce((SELECT max(CASE e.stage WHEN 'screening' THEN 1 WHEN 'interviewing' THEN 2
     WHEN 'offer' THEN 3 WHEN 'accepted' THEN 3 ELSE 0 END)
     FROM events e WHERE e.application_id = a.id), 0)
FROM applications a ORDER BY a.id
"""
STORED = ("SELECT id, first_reply_on, first_interview_on, first_offer_on, first_rejection_on,"
          " thanks_sent_on, furthest_level FROM applications ORDER BY id")


def assert_milestones_match(path: Path) -> None:
    with sqlite3.connect(path) as con:
        assert con.execute(STORED).fetchall() == con.execute(RECOMPUTED).fetchall()


def _day(offset: int) -> date:
    return FIRST_DAY + timedelta(days=offset)


SPAN = (TODAY - FIRST_DAY).days

operation = st.one_of(
    st.tuples(st.just("add"), st.integers(0, SPAN), st.sampled_from(["", "LinkedIn",
                                                                     " Referral ", "Indeed"])),
    st.tuples(st.just("stage"), st.integers(0, 40), st.sampled_from(STAGES),
              st.integers(0, 60)),
    st.tuples(st.just("move_applied"), st.integers(0, 40), st.integers(-30, 30)),
    st.tuples(st.just("delete"), st.integers(0, 40)),
    st.tuples(st.just("thanks"), st.integers(0, 40), st.integers(0, 10)),
    st.tuples(st.just("unsend_thanks"), st.integers(0, 40)),
    st.tuples(st.just("delete_event"), st.integers(0, 40)),
    # A hand-made import can bring an application with no events at all.
    st.tuples(st.just("delete_all_events"), st.integers(0, 40)),
)


def apply(store: Store, op: tuple) -> None:
    """One write, as the app (or a tool editing the file) would make it. Invalid ones, such as
    a stage date before the application, are refused by the store and change nothing."""
    kind, *args = op
    ids = list(store.frame("SELECT id FROM applications ORDER BY id")["id"])
    if kind == "add":
        factories.application(store, f"Co {len(ids)}", role="Engineer", applied_on=_day(args[0]),
                              source=args[1])
        return
    if not ids:
        return
    app = store.applications.get(int(ids[args[0] % len(ids)]))
    applied = app.applied_on
    try:
        if kind == "stage":
            day = min(applied + timedelta(days=args[2]), TODAY)
            factories.move(store, app.id, args[1], day, version=app.version)
        elif kind == "move_applied":
            moved = min(max(applied + timedelta(days=args[1]), FIRST_DAY), TODAY)
            details = {k: getattr(app, k) for k in ("company", "role", "location", "source",
                                                    "link", "contact_name", "contact_email",
                                                    "notes")}
            store.applications.update(app.id, Application(**details, applied_on=moved,
                                                          stage=app.stage),
                                      app.version, today=TODAY)
        elif kind == "delete":
            store.applications.delete(app.id)
        elif kind == "thanks":
            sent = min(applied + timedelta(days=args[1]), TODAY).isoformat()
            store.transfer.insert_rows("drafts", [{
                "application_id": app.id, "kind": "rejection_thanks", "status": "sent",
                "sent_on": sent, "created_at": STAMP, "updated_at": STAMP}])
        elif kind == "unsend_thanks":
            with store.write() as tx:
                tx.connection.exec_driver_sql(
                    "UPDATE drafts SET status = 'draft', sent_on = NULL WHERE id = (SELECT"
                    f" max(id) FROM drafts WHERE application_id = {app.id})")
        elif kind == "delete_all_events":
            with store.write() as tx:
                tx.connection.exec_driver_sql(
                    f"DELETE FROM events WHERE application_id = {app.id}")
        elif kind == "delete_event":
            with store.write() as tx:
                tx.connection.exec_driver_sql(
                    "DELETE FROM events WHERE id = (SELECT max(id) FROM events WHERE"
                    f" application_id = {app.id} AND stage != 'applied')")
    except Exception as exc:  # noqa: BLE001 - a refused write is part of the property
        from nextround.store import StoreError

        assert isinstance(exc, StoreError | ValueError), exc


@settings(max_examples=25)
@given(ops=st.lists(operation, max_size=14),
       ranges=st.lists(st.tuples(st.integers(0, SPAN), st.integers(0, SPAN)), min_size=1,
                       max_size=3),
       ghost_after=st.sampled_from([7, 30, 90]))
def test_any_writes_keep_milestones_and_the_dashboard_right(tmp_path_factory, ops, ranges,
                                                           ghost_after) -> None:  # noqa: ANN001
    path = tmp_path_factory.mktemp("ops") / "nextround.db"
    store = Store(path)
    settings_row = store.settings.get()
    store.settings.save(type(settings_row)(**{**settings_row.__dict__,
                                              "ghost_after_days": ghost_after}))
    for op in ops:
        apply(store, op)
    assert_milestones_match(path)
    for a, b in ranges:
        start, end = _day(min(a, b)), _day(max(a, b))
        assert_same_dashboard(metrics.dashboard(store, start, end),
                              reference_metrics.dashboard(store, start, end))
    store.dispose()


def _version_3_database(path: Path) -> None:
    """Built by the frozen v1-v3 steps, with two applications, their events and a thank-you."""
    con = old_database(path, 3)
    con.execute("INSERT INTO applications (id, company, applied_on, stage, stage_on, created_at,"
                " updated_at) VALUES (1, 'Acme', '2026-10-01', 'rejected', '2026-10-09', ?, ?),"
                " (2, 'Beta', '2026-10-02', 'interviewing', '2026-10-12', ?, ?)", [STAMP] * 4)
    con.executemany("INSERT INTO events (application_id, stage, on_date, created_at)"
                    " VALUES (?, ?, ?, ?)",
                    [(1, "applied", "2026-10-01", STAMP), (1, "screening", "2026-10-04", STAMP),
                     (1, "rejected", "2026-10-09", STAMP), (2, "applied", "2026-10-02", STAMP),
                     (2, "interviewing", "2026-10-12", STAMP)])
    con.execute("INSERT INTO drafts (application_id, kind, status, sent_on, created_at,"
                " updated_at) VALUES (1, 'rejection_thanks', 'sent', '2026-10-10', ?, ?)",
                [STAMP] * 2)
    con.commit()
    con.close()


def test_a_version_3_database_gains_its_milestones_on_opening(tmp_path: Path) -> None:
    """Opened by this version: the migration fills the columns from the history, and the
    triggers keep them right from then on."""
    path = tmp_path / "old.db"
    _version_3_database(path)
    store = Store(path)
    assert store.schema_version() == len(MIGRATIONS)
    row = store.applications.get(1)
    assert (row.first_reply_on, row.first_interview_on, row.first_rejection_on,
            row.thanks_sent_on, row.furthest_level) == (
        date(2026, 10, 4), date(2026, 10, 4), date(2026, 10, 9), date(2026, 10, 10), 1)
    assert store.applications.get(2).furthest_level == 2
    factories.move(store, 2, "offer", "2026-10-20")
    assert store.applications.get(2).first_offer_on == date(2026, 10, 20)
    assert_milestones_match(path)
    assert any("before-migration-v3" in p.name for p in store.backups.files())


def test_progress_reads_grouped_rows_not_one_per_application(store: Store) -> None:
    """What the page reads after a write is bounded by days (a row per day and milestone)
    and sources, however many applications share those days."""
    from nextround import demo

    demo.fill(store, applications=3_000, seed=3, today=TODAY)
    start = TODAY - timedelta(days=800)
    counts = store.progress.counts(start, TODAY, TODAY - timedelta(days=28), 30)
    days = (TODAY - start).days + 1
    kinds = 5  # reply, interview, offer, rejection, answered
    bound = days * (1 + kinds) + len(counts["response_days"]) + 4 * 8 + len(counts["sources"])
    assert sum(len(frame) for frame in counts.values()) <= bound
    assert len(counts["levels"]) <= 4 * 8  # furthest stage × current stage
    assert counts["applied"]["n"].sum() == 3_000


def _open_and_report(path: str, start, out) -> None:  # noqa: ANN001
    start.wait()
    try:
        store = Store(path)
        out.send(f"ok {store.schema_version()}")
        store.dispose()
    except Exception as exc:  # noqa: BLE001 - the message is what the test checks
        out.send(f"{type(exc).__name__}: {exc}")


def test_two_processes_opening_an_old_database_at_once_both_succeed(tmp_path: Path) -> None:
    """The app and the command line started together after an upgrade: one migrates, the
    other finds it done (it reads the version again under the write lock)."""
    import multiprocessing

    fork = multiprocessing.get_context("fork")
    path = tmp_path / "old.db"
    _version_3_database(path)
    start = fork.Event()
    pipes = [fork.Pipe() for _ in range(2)]
    children = [fork.Process(target=_open_and_report, args=(str(path), start, child))
                for _, child in pipes]
    for child in children:
        child.start()
    start.set()
    for child in children:
        child.join(60)
    said = [parent.recv() for parent, _ in pipes]
    assert said == [f"ok {len(MIGRATIONS)}"] * 2, said
    assert_milestones_match(path)


def test_a_tool_writing_with_foreign_keys_off_still_gets_the_milestones(tmp_path: Path) -> None:
    """The sqlite3 shell leaves foreign keys off: events can arrive before their application,
    and an application can be renumbered. Plain INSERT, UPDATE and DELETE keep the columns
    right (INSERT OR REPLACE skips delete triggers in SQLite: not supported, decision 14)."""
    path = tmp_path / "nextround.db"
    Store(path).dispose()
    con = sqlite3.connect(path)
    con.execute("INSERT INTO events (application_id, stage, on_date, created_at)"
                " VALUES (7, 'applied', '2026-10-01', ?), (7, 'interviewing', '2026-10-08', ?)",
                [STAMP] * 2)
    con.execute("INSERT INTO drafts (application_id, kind, status, sent_on, created_at,"
                " updated_at) VALUES (7, 'rejection_thanks', 'sent', '2026-10-20', ?, ?)",
                [STAMP] * 2)
    con.execute("INSERT INTO applications (id, company, applied_on, stage, stage_on, created_at,"
                " updated_at) VALUES (7, 'Acme', '2026-10-01', 'interviewing', '2026-10-08',"
                " ?, ?)", [STAMP] * 2)
    con.commit()
    assert_milestones_match(path)
    con.execute("UPDATE applications SET id = 9 WHERE id = 7")
    con.execute("UPDATE events SET application_id = 9 WHERE application_id = 7")
    con.commit()
    con.close()
    assert_milestones_match(path)
