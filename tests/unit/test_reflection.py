"""Unit tests for nextround.reflection and the reflect page's store methods."""

from __future__ import annotations

import json
import threading
from datetime import date

import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st

from nextround import dream_list
from nextround import reflection as rf
from nextround.models import ValidationError
from nextround.records import ActionRecord
from nextround.store import NotFoundError, StaleVersionError, Store, StoreError
from tests import factories

TODAY = date(2026, 11, 25)
NEXT = rf.Suggestion(7, "Globex", "Data engineer")


# --- the summary rules, as a table -------------------------------------------------------

SUMMARY_CASES = [
    # (control_pct, outside factors, fit, do differently, expected kind)
    (20, [], "yes", ["Practise stories"], "not_about_you"),
    (49, [], None, [], "not_about_you"),
    (50, [], None, ["Practise stories"], "within_reach"),
    (80, ["experience", "internal_candidate", "freeze"], "yes", [], "not_about_you"),
    (80, ["experience", "internal_candidate"], "yes", ["Research"], "within_reach"),
    (None, ["experience", "education", "timing"], None, [], "not_about_you"),
    (90, [], "no", ["Practise stories"], "poor_fit"),
    (None, [], "no", [], "poor_fit"),
    (10, [], "no", [], "not_about_you"),  # outside weight is named first
    (70, [], "unsure", ["A", "B", "C"], "within_reach"),
    (70, [], "yes", [], "keep_going"),
    (None, [], None, [], "keep_going"),
    (100, ["bogus", "other"], "yes", [], "keep_going"),  # unknown factors don't count
]


@pytest.mark.parametrize("control, factors, fit, changes, kind", SUMMARY_CASES)
def test_summary_rules(control, factors, fit, changes, kind) -> None:
    answers = {"outside_factors": factors, "do_differently": changes}
    summary = rf.summarize(answers, control, fit, NEXT)
    assert summary.kind == kind
    assert summary.headline and summary.body
    if kind == "not_about_you":
        assert summary.headline == "This one may not have been about you"
    if kind in ("not_about_you", "poor_fit"):
        assert summary.suggestion == NEXT
        assert "dream-job list" in summary.body
    if kind == "within_reach":
        assert summary.changes == tuple(changes[:2])  # one or two changes, the user's own


@pytest.mark.parametrize("control, factors, fit, changes, kind", SUMMARY_CASES)
def test_summary_words_are_ours_and_never_blaming(control, factors, fit, changes,
                                                  kind) -> None:
    payload = "<img src=x onerror=alert(1)>"
    answers = {"outside_factors": factors, "do_differently": [payload + c for c in changes]}
    summary = rf.summarize(answers, control, fit, None)
    text = (summary.headline + " " + summary.body).lower()
    assert payload.lower() not in text  # user text only in .changes, shown with st.text
    for word in ("fault", "failed", "should have", "blame", "your mistake"):
        assert word not in text
    assert "dream-job list" in summary.body or kind == "within_reach"


def test_summary_without_a_dream_list_suggests_adding_one() -> None:
    summary = rf.summarize({"outside_factors": [], "do_differently": []}, 10, None, None)
    assert summary.suggestion is None
    assert "add a company" in summary.body


@pytest.mark.parametrize("control", [10, 50, 90, None])
def test_a_fit_answered_no_shows_in_every_summary(control: int | None) -> None:
    summary = rf.summarize({"outside_factors": [], "do_differently": []}, control, "no")
    assert "wasn't a good fit for you" in summary.body
    for fit in ("yes", "unsure", None):
        other = rf.summarize({"outside_factors": [], "do_differently": []}, control, fit)
        assert "good fit" not in other.body


def test_summary_names_ticked_factors_in_our_words() -> None:
    summary = rf.summarize({"outside_factors": ["internal_candidate", "freeze"]}, 30, None)
    assert "internal or already-chosen candidate" in summary.body
    assert "hiring freeze" in summary.body


# --- answers and steps --------------------------------------------------------------------

def test_load_answers_repairs_damaged_json() -> None:
    assert rf.load_answers("not json") == rf.empty_answers()
    loaded = rf.load_answers(json.dumps({"outside_factors": ["timing", "nope"], "step": 99,
                                         "do_differently": "oops", "expected": "x"}))
    assert loaded["outside_factors"] == ["timing"]
    assert loaded["step"] == rf.SUMMARY_STEP
    assert loaded["do_differently"] == []
    assert loaded["expected"] == "x"


@pytest.mark.parametrize("step, values, field", [
    (0, {"expected": "x" * (rf.ANSWER_MAX + 1)}, "expected"),
    (1, {"stage_reached": "moon"}, "stage_reached"),
    (1, {"questions": "bad\x00"}, "questions"),
    (2, {"feeling_score": 11}, "feeling_score"),
    (2, {"feeling_score": True}, "feeling_score"),
    (4, {"do_differently": ["two\nlines"]}, "do_differently_0"),
    (5, {"outside_factors": ["weather"]}, "outside_factors"),
    (5, {"control_pct": 101}, "control_pct"),
    (6, {"fit": "maybe"}, "fit"),
    (42, {}, "_form"),
])
def test_clean_step_names_the_bad_field(step, values, field) -> None:
    with pytest.raises(ValidationError) as err:
        rf.clean_step(step, values)
    assert field in err.value.errors


def test_clean_step_keeps_good_values() -> None:
    assert rf.clean_step(4, {"do_differently": [" a ", "", "a", "b"]}) == {
        "do_differently": ["a", "b"]}
    assert rf.clean_step(5, {"outside_factors": ["timing", "experience"], "control_pct": 30}) == {
        "outside_factors": ["experience", "timing"], "control_pct": 30}
    assert rf.clean_step(6, {"fit": "", "fit_note": ""}) == {"fit": None, "fit_note": ""}


@given(st.text(max_size=80))
def test_theme_of_always_gives_a_known_theme(text: str) -> None:
    assert rf.theme_of(text) in {t for t, _ in rf.THEMES} | {rf.OTHER_THEME}


@pytest.mark.parametrize("item, theme", [
    ("Prepare two STAR stories", "Examples and stories"),
    ("Research the company's product", "Research the company"),
    ("Practise system design", "Technical skills"),
    ("Do a mock interview", "Preparation"),
    ("Ask better questions at the end", "Questions to ask"),
    ("Tailor my CV", "CV and application"),
    ("Slow down when I answer", "Communication"),
    ("Sleep well the night before", "Calm and confidence"),
    ("Bring an umbrella", rf.OTHER_THEME),
])
def test_theme_keyword_buckets(item: str, theme: str) -> None:
    assert rf.theme_of(item) == theme


def test_insight_frames_are_aggregated_per_month() -> None:
    rows = pd.DataFrame({
        "completed_on": ["2026-09-03", "2026-09-20", "2026-10-02", None],
        "control_pct": [20, 40, None, 50],
        "answers": [json.dumps({"outside_factors": ["timing", "freeze"],
                                "do_differently": ["Practise coding"]}),
                    json.dumps({"outside_factors": ["timing"]}),
                    json.dumps({"do_differently": ["Research the company", "Mock interview"]}),
                    "{}"],
    })
    frames = rf.insight_frames(rows)
    factors = frames["factors"].set_index(["month", "factor"])["count"].to_dict()
    assert factors == {("2026-09", "Timing"): 2,
                       ("2026-09", "A hiring freeze, budget cut or cancelled role"): 1}
    assert frames["themes"]["count"].sum() == 3
    control = frames["control"].set_index("month")
    assert control.loc["2026-09", "control_pct"] == 30
    assert "2026-10" not in control.index


def test_week_labels() -> None:
    assert rf.week_label(None, TODAY) == "No date"
    assert rf.week_label(date(2026, 11, 1), TODAY) == "Earlier weeks"
    assert rf.week_label(date(2026, 11, 27), TODAY) == "This week (from 23 Nov)"
    assert rf.week_label(date(2026, 12, 1), TODAY) == "Next week (from 30 Nov)"
    assert rf.week_label(date(2026, 12, 10), TODAY) == "Week of 7 Dec"
    assert rf.week_label(date(2027, 1, 6), TODAY) == "Week of 4 Jan 2027"

    def action(action_id: int, due_on: date | None) -> ActionRecord:
        return ActionRecord(id=action_id, title=f"Step {action_id}", due_on=due_on, done_on=None,
                            source_kind="manual", source_id=None, source_label="",
                            created_on=TODAY, version=1)

    actions = [action(1, None), action(2, date(2026, 12, 1)), action(3, date(2026, 11, 26)),
               action(4, date(2026, 11, 26))]
    groups = rf.weekly_groups(actions, TODAY)
    assert [(g, [a.id for a in part]) for g, part in groups] == [
        ("This week (from 23 Nov)", [3, 4]), ("Next week (from 30 Nov)", [2]), ("No date", [1])]


def test_stay_in_touch_uses_drafting_stage_words() -> None:
    from nextround.drafting import stage_from_history
    assert stage_from_history(["applied", "interviewing", "rejected"]) == "interview"
    assert stage_from_history(["applied", "rejected"]) == "applied"
    assert stage_from_history(["applied", "screening"]) == "screening"


# --- reflections in the store --------------------------------------------------------------

def test_draft_is_saved_step_by_step(store: Store) -> None:
    app = factories.rejected(store)
    rid = rf.start_reflection(store, app)
    assert rf.start_reflection(store, None) == rid  # one open draft at a time
    draft = rf.draft_in_progress(store)
    rf.save_step(store, rid, draft.record.version, 0, {"expected": "An offer"}, next_step=1)
    draft = rf.draft_in_progress(store)
    assert draft.answers["expected"] == "An offer" and draft.answers["step"] == 1
    rf.save_step(store, rid, draft.record.version, 5,
                 {"outside_factors": ["timing"], "control_pct": 30},
                 next_step=6)
    draft = rf.draft_in_progress(store)
    assert draft.record.control_pct == 30 and draft.answers["outside_factors"] == ["timing"]
    assert draft.record.company == "Acme"
    with pytest.raises(StaleVersionError):
        rf.save_step(store, rid, draft.record.version - 1, 6, {"fit": "no"}, next_step=7)
    store.reflections.finish(rid, draft.record.version)
    store.reflections.finish(rid, draft.record.version)  # a double click is harmless
    assert rf.draft_in_progress(store) is None
    assert [r.id for r in store.reflections.recent()] == [rid]


def test_bad_step_input_writes_nothing(store: Store) -> None:
    rid = rf.start_reflection(store, None)
    draft = rf.draft_in_progress(store)
    before = store.change_count()
    with pytest.raises(ValidationError):
        rf.save_step(store, rid, draft.record.version, 2, {"feeling_score": 99},
                     next_step=3)
    with pytest.raises(ValidationError) as err:
        rf.save_step(store, rid, draft.record.version, 4, {"do_differently": ["Read"]},
                     next_step=5, plan={0: ("Read", "2026-02-30")})
    assert "plan_0" in err.value.errors
    assert store.change_count() == before
    assert store.count("actions") == 0
    assert rf.draft_in_progress(store).record.version == draft.record.version


def test_changes_become_actions_once(store: Store) -> None:
    rid = rf.start_reflection(store, factories.rejected(store))
    for _ in range(2):  # Next, Back, Next again: no duplicate actions
        draft = rf.draft_in_progress(store)
        rf.save_step(
            store, rid, draft.record.version, 4,
            {"do_differently": ["Practise stories", "Research"]},
            next_step=5, plan={0: ("Practise stories", date(2026, 12, 2))})
    assert [(a.title, a.source_kind, a.source_id, a.source_label)
            for a in store.actions.by_status()] == [
        ("Practise stories", "reflection", rid, "Reflection on Acme")]
    assert rf.draft_in_progress(store).answers["planned"] == ["Practise stories"]


def test_discard_only_deletes_a_current_draft(store: Store) -> None:
    rid = rf.start_reflection(store, None)
    with pytest.raises(StaleVersionError):
        store.reflections.discard(rid, 99)
    store.reflections.discard(rid, 1)
    assert rf.draft_in_progress(store) is None
    with pytest.raises(NotFoundError):
        rf.start_reflection(store, 12345)


def test_saving_a_finished_reflection_is_refused(store: Store) -> None:
    rid = rf.start_reflection(store, None)
    store.reflections.finish(rid, 1)
    with pytest.raises(StoreError):
        rf.save_step(store, rid, 2, 0, {"expected": "x"}, next_step=1)


# --- actions ------------------------------------------------------------------------------

def test_actions_add_done_undo(store: Store) -> None:
    first = rf.add_action(store, "Practise coding", "2026-12-01", today=TODAY)
    second = rf.add_action(store, "Update CV", None, "feedback", 3, "skills gap", today=TODAY)
    assert [a.id for a in store.actions.by_status()] == [first, second]  # undated last
    store.actions.set_done(first, True, 1, today=TODAY)
    assert [a.done_on for a in store.actions.by_status("done")] == [date(2026, 11, 25)]
    assert store.actions.counts() == {"open": 1, "done": 1}
    with pytest.raises(StaleVersionError):
        store.actions.set_done(first, False, 1)  # stale: it's at version 2 now
    store.actions.set_done(first, False, 2)
    assert store.actions.counts() == {"open": 2, "done": 0}
    row = {a.id: a for a in store.actions.by_status()}[second]
    assert (row.source_kind, row.source_id, row.source_label) == ("feedback", 3, "skills gap")
    rf.update_action(store, second, 1, "Update my CV", "2026-12-05", today=TODAY)
    assert {a.id: a for a in store.actions.by_status()}[second].due_on == date(2026, 12, 5)
    store.actions.delete(second, 2)
    assert store.count("actions") == 1


@pytest.mark.parametrize("title, due, kind, field", [
    ("", None, "manual", "title"),
    ("x" * 301, None, "manual", "title"),
    ("two\nlines", None, "manual", "title"),
    ("ok", "2026-13-01", "manual", "due_on"),
    ("ok", "25/11/2026", "manual", "due_on"),
    ("ok", "2040-01-01", "manual", "due_on"),
    ("ok", None, "telepathy", "source_kind"),
])
def test_bad_actions_are_refused_and_not_written(store: Store, title, due, kind, field) -> None:
    with pytest.raises(ValidationError) as err:
        rf.add_action(store, title, due, kind, today=TODAY)
    assert field in err.value.errors
    assert store.count("actions") == 0


# --- targets ------------------------------------------------------------------------------

def test_i_applied_creates_exactly_one_linked_application(store: Store) -> None:
    tid = dream_list.add(store, "Globex", "Data engineer", "Great team", 1, "ready", "Apply")
    first = dream_list.mark_applied(store, tid, 1)
    again = dream_list.mark_applied(store, tid, 1)  # a double click: same, stale version
    assert first == again
    assert store.count("applications") == 1
    application = store.applications.get(first)
    assert (application.company, application.role, application.stage,
            application.target_id) == ("Globex", "Data engineer", "applied", tid)
    assert [e.stage for e in store.applications.events(first)] == ["applied"]
    target = {t.id: t for t in store.dream_list.entries()}[tid]
    assert (target.status, target.application_id) == ("applied", first)
    assert store.dream_list.next_entry() is None


def test_i_applied_from_two_threads_at_once(store: Store) -> None:
    tid = dream_list.add(store, "Initech", "", "", 2, "ready", "")
    results: list[int] = []
    barrier = threading.Barrier(4)

    def click() -> None:
        barrier.wait()
        results.append(dream_list.mark_applied(Store(store.url), tid, 1))

    threads = [threading.Thread(target=click) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(set(results)) == 1 and len(results) == 4
    assert store.count("applications") == 1


def test_i_applied_with_a_bad_target_writes_nothing(store: Store) -> None:
    with pytest.raises(NotFoundError):
        dream_list.mark_applied(store, 999, 1)
    assert store.count("applications") == 0


def test_i_applied_from_a_stale_entry_records_no_application(store: Store) -> None:
    """The application and the entry's link are one transaction: when the entry changed in
    another tab, the application made a moment earlier in it is rolled back too."""
    tid = dream_list.add(store, "Hooli", "SRE", "", 2, "ready", "")
    dream_list.update(store, tid, 1, "Hooli", "SRE", "", 1, "ready", "")  # another tab
    with pytest.raises(StaleVersionError):
        dream_list.mark_applied(store, tid, 1)
    assert store.count("applications") == 0
    assert store.dream_list.get(tid).application_id is None


def test_targets_validation_and_next_target(store: Store) -> None:
    with pytest.raises(ValidationError) as err:
        dream_list.add(store, "", "r", "w", 5, "dreaming", "")
    assert set(err.value.errors) == {"company", "priority", "status"}
    with pytest.raises(ValidationError) as err:
        dream_list.add(store, "Acme", status="applied")
    assert "status" in err.value.errors
    assert store.count("targets") == 0
    low = dream_list.add(store, "Low Co", priority=3)
    high = dream_list.add(store, "High Co", priority=1)
    assert store.dream_list.next_entry().id == high
    # After a no from High Co, however it is spelt, the next one is the other company.
    for spelling in ("high co", "HIGH CO", "High Co Inc.", "High  Co GmbH"):
        assert dream_list.next_after(store, spelling).id == low
    assert dream_list.next_after(store, "High Company").id == high
    dream_list.update(store, low, 1, "Low Co", "PM", "why", 1, "networking", "Coffee with Ana")
    with pytest.raises(StaleVersionError):
        dream_list.update(store, low, 1, "Low Co", "PM", "why", 1, "networking", "")
    with pytest.raises(ValidationError):
        dream_list.update(store, low, 2, "Low Co", "PM", "why", 1, "applied", "")
    store.dream_list.delete(high, 1)
    assert [t.company for t in store.dream_list.entries()] == ["Low Co"]


def test_said_no_before_is_found_case_insensitively(store: Store) -> None:
    app = factories.rejected(store, "ACME Corp")
    dream_list.add(store, "acme corp", "Platform engineer")
    dream_list.add(store, "Fresh Start")
    targets = {t.company: t for t in store.dream_list.entries()}
    assert targets["acme corp"].said_no_id == app
    assert targets["Fresh Start"].said_no_id is None
    table = rf.targets_table(store.dream_list.entries())
    assert table["Said no before"].tolist() == [True, False]


def test_stay_in_touch_draft_uses_drafting(store: Store) -> None:
    from nextround.models import Settings

    app_id = factories.rejected(store, "Acme", role="Engineer", contact_name="Ana",
                                contact_email="ana@acme.com")
    made = rf.stay_in_touch_draft(
        Settings(name="Sam", signature="Sam Lee\nsam@example.com"),
        store.applications.get(app_id), stages=["applied", "interviewing", "rejected"])
    assert "Acme" in made.subject + made.body
    assert made.body.rstrip().endswith("sam@example.com")
    assert made.mailto().startswith("mailto:ana@acme.com?")


def test_month_range_fills_quiet_months() -> None:
    factors = pd.DataFrame({"month": ["2025-11", "2026-02"], "factor": ["Timing"] * 2,
                            "count": [1, 2]})
    control = pd.DataFrame({"month": ["2026-01"], "control_pct": [40.0], "reflections": [1]})
    months = rf.month_range(factors, control, pd.DataFrame())
    assert months == ["2025-11", "2025-12", "2026-01", "2026-02"]
    assert rf.month_range(pd.DataFrame()) == []


@given(control=st.one_of(st.none(), st.integers(0, 100)),
       factors=st.lists(st.sampled_from(list(rf.OUTSIDE_FACTORS)), unique=True),
       fit=st.sampled_from([None, "yes", "unsure", "no"]),
       changes=st.lists(st.text(min_size=1, max_size=20).filter(str.strip), max_size=3))
def test_summary_rules_hold_for_any_answers(control, factors, fit, changes) -> None:
    summary = rf.summarize({"outside_factors": factors, "do_differently": changes}, control,
                           fit, NEXT)
    outside = (control is not None and control < 50) or len(factors) >= 3
    expected = ("not_about_you" if outside else "poor_fit" if fit == "no"
                else "within_reach" if changes else "keep_going")
    assert summary.kind == expected
    assert len(summary.changes) <= 2
