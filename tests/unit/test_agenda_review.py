"""The "This week" agenda rules and the weekly review, on a hand-built database."""

from __future__ import annotations

import json
import re
from datetime import date

import pytest
from icalendar import Calendar

from nextround import after_no, agenda, review
from nextround.store import Store
from tests import factories

TODAY = date(2026, 11, 25)  # Wednesday of 2026-W48
WEEK = agenda.week_of(TODAY)
NOW = "2026-11-25T10:00:00+00:00"


def keys(store: Store) -> list[str]:
    return [item.key for item in agenda.this_week(store, TODAY).items]


def sent_thanks(store: Store, app_id: int, day: str = "2026-11-24") -> None:
    store.transfer.insert_rows("drafts", [{"application_id": app_id, "kind": "rejection_thanks",
                                           "subject": "Thanks", "body": "Thank you",
                                           "status": "sent",
                                           "sent_on": day, "created_at": NOW, "updated_at": NOW}])


def checkin(store: Store, week: str = "2026-W48", raw: int = 15, win: str = "") -> None:
    store.transfer.insert_rows("checkins", [{"week": week, "checked_on": "2026-11-24",
                                             "items": "[3,3,3,3,3]", "who5_raw": raw, "stress": 4,
                                             "self_care": "[]", "win": win, "let_go": "",
                                             "updated_at": NOW}])


def test_week_of_and_parse_week_agree() -> None:
    assert WEEK.key == "2026-W48"
    assert WEEK.start == date(2026, 11, 23) and WEEK.end == date(2026, 11, 29)
    assert agenda.parse_week("2026-w48") == WEEK
    assert agenda.parse_week("2026-W53").start == date(2026, 12, 28)
    for bad in ("2026-48", "2025-W53", "W48", "", "2026-W00"):
        with pytest.raises(ValueError, match="2026-W48"):
            agenda.parse_week(bad)


def test_empty_database_asks_only_for_the_check_in(store: Store) -> None:
    assert keys(store) == ["checkin"]
    checkin(store)
    result = agenda.this_week(store, TODAY)
    assert result.all_done and result.checked_in


def test_a_rejection_leads_with_its_path_until_every_step_is_settled(store: Store) -> None:
    checkin(store)
    app_id = factories.application(store, "Acme", applied_on="2026-10-01",
                                   stages=[("rejected", "2026-11-20")])
    plan = agenda.this_week(store, TODAY)
    assert [(p.facts.company, p.current) for p in plan.paths] == [("Acme", "reply")]
    assert keys(store) == [] and not plan.all_done  # the path, not an item of its own
    sent_thanks(store, app_id)
    assert [p.current for p in agenda.this_week(store, TODAY).paths] == ["feedback"]
    for step in ("feedback", "reflect", "next"):
        after_no.mark(store, app_id, step, "skipped")
    assert agenda.this_week(store, TODAY).all_done  # the check-in settled "care"


def test_follow_up_due_appears_when_due_and_goes_once_received(store: Store) -> None:
    checkin(store)
    app_id = factories.application(store, "Beta", applied_on="2026-10-01",
                                   stages=[("screening", "2026-10-05")])
    store.transfer.insert_rows("feedback_requests", [{
        "application_id": app_id, "asked_on": "2026-11-10", "follow_up_due": "2026-11-26",
        "status": "awaiting", "created_at": NOW, "updated_at": NOW}])
    assert "feedback" not in keys(store)  # due tomorrow: not yet
    with store.write() as tx:
        tx.connection.exec_driver_sql("UPDATE feedback_requests SET follow_up_due = '2026-11-25'")
    assert keys(store) == ["feedback"]
    with store.write() as tx:
        tx.connection.exec_driver_sql("UPDATE feedback_requests SET status = 'received',"
                                      " received_on = '2026-11-25'")
    assert keys(store) == []


def test_open_paths_come_first_most_recent_no_first_and_three_items_in_all(
        store: Store) -> None:
    for number, day in enumerate(("2026-11-02", "2026-11-20", "2026-11-10", "2026-11-15")):
        factories.application(store, f"Co {number}", applied_on="2026-10-01",
                              stages=[("rejected", day)])
    plan = agenda.this_week(store, TODAY)
    assert [p.facts.company for p in plan.paths] == ["Co 1", "Co 3", "Co 2"]
    assert plan.items == []  # the check-in waits: three is enough for one look


def test_actions_due_this_week_and_the_next_dream_company(store: Store) -> None:
    checkin(store)
    store.transfer.insert_rows("actions", [
        {"title": "Practise system design", "due_on": "2026-11-28", "created_on": "2026-11-20"},
        {"title": "Later", "due_on": "2026-12-20", "created_on": "2026-11-20"}])
    store.transfer.insert_rows("targets", [{"company": "Dream Co", "priority": 1,
                                            "created_on": "2026-11-01"}])
    result = agenda.this_week(store, TODAY)
    assert [i.key for i in result.items] == ["actions", "next_target"]
    assert result.items[0].count == 1
    assert "Dream Co" in result.items[1].why
    with store.write() as tx:
        tx.connection.exec_driver_sql("UPDATE actions SET done_on = '2026-11-25'")
        tx.connection.exec_driver_sql("UPDATE targets SET status = 'applied'")
    assert keys(store) == []


def test_items_come_most_important_first(store: Store) -> None:
    factories.application(store, "Acme", applied_on="2026-10-01",
                          stages=[("interviewing", "2026-10-10"), ("rejected", "2026-11-20")])
    store.transfer.insert_rows("actions", [{"title": "x", "due_on": "2026-11-20",
                                            "created_on": "2026-11-01"}])
    assert [p.facts.company for p in agenda.this_week(store, TODAY).paths] == ["Acme"]
    assert keys(store) == ["checkin", "actions"]


def test_what_you_did_this_week_counts(store: Store) -> None:
    factories.application(store, "In week", applied_on="2026-11-23")
    factories.application(store, "Before", applied_on="2026-11-20")
    done = dict(agenda.done_summary(agenda.this_week(store, TODAY)))
    assert done["Applications sent"] == "1"
    assert done["Check-in"] == "Not yet"


def test_review_of_a_known_week_has_known_numbers(store: Store) -> None:
    app_id = factories.application(store, "Acme", role="Designer", applied_on="2026-11-23",
                                   stages=[("rejected", "2026-11-24")])
    factories.application(store, "Beta", applied_on="2026-11-24")
    factories.application(store, "Outside", applied_on="2026-11-16")
    sent_thanks(store, app_id, "2026-11-25")
    store.transfer.insert_rows("feedback_requests", [{
        "application_id": app_id, "asked_on": "2026-11-24", "status": "received",
        "received_on": "2026-11-25", "feedback_text": "Strong portfolio; more depth on data.",
        "themes": json.dumps(["technical depth"]), "created_at": NOW, "updated_at": NOW}])
    store.transfer.insert_rows("reflections", [{
        "application_id": app_id, "status": "done", "created_on": "2026-11-25",
        "completed_on": "2026-11-25", "updated_at": NOW,
        "answers": json.dumps({"went_well": "Clear stories",
                               "do_differently": ["Prepare metrics"]})}])
    store.transfer.insert_rows("actions", [{"title": "Prepare metrics", "due_on": "2026-12-01",
                                            "done_on": None, "created_on": "2026-11-25"},
                                           {"title": "Update CV", "due_on": None,
                                            "done_on": "2026-11-24",
                                            "created_on": "2026-11-20"}])
    checkin(store, raw=17, win="Finished the portfolio")

    text = review.weekly_review(store, "2026-W48", with_charts=False,
                                with_wellbeing=True).markdown

    assert "# My week: 2026-W48" in text
    assert "- Applications sent: 2" in text
    assert "- Replies and notes sent: 1" in text
    assert "- Feedback received: 1" in text
    assert "- Game-plan steps done: 1" in text
    assert "Outside" not in text
    assert "Designer at Acme \\(2026\\-11\\-23\\)" not in text  # dates are ours, not escaped
    assert "Designer at Acme (2026-11-23)" in text
    assert "Strong portfolio; more depth on data\\." in text
    assert "Next time: Prepare metrics" in text and "Keep: Clear stories" in text
    assert "- Wellbeing (WHO-5): 68%" in text
    assert "- Win of the week: Finished the portfolio" in text
    assert "Prepare metrics (due 2026-12-01)" in text
    # Said clearly, at the top: the line right under the title and the dates.
    assert text.splitlines()[4] == review.WELLBEING_INCLUDED


def test_wellbeing_is_left_out_unless_asked_for(store: Store) -> None:
    factories.application(store, "Acme", applied_on="2026-11-23")
    checkin(store, raw=9, win="Slept well for once")
    for result in (review.weekly_review(store, "2026-W48"),
                   review.weekly_review(store, "2026-W48", with_wellbeing=False)):
        text = result.markdown
        assert "- Applications sent: 1" in text
        for private in ("How I was doing", "Wellbeing", "WHO-5", "Stress", "Slept well",
                        "check-in", review.WELLBEING_INCLUDED):
            assert private not in text
        assert set(result.charts) == {"applications-per-week"}
    # A week with only a check-in in it is, without wellbeing, a quiet week like any other:
    # the review doesn't even tell that there was one.
    checkin(store, week="2026-W40", raw=5)
    assert "A quiet week" in review.weekly_review(store, "2026-W40",
                                                  with_charts=False).markdown
    assert "A quiet week" not in review.weekly_review(store, "2026-W40", with_charts=False,
                                                      with_wellbeing=True).markdown


def test_a_week_with_nothing_in_it_reads_kindly(store: Store) -> None:
    text = review.weekly_review(store, "2026-W40", with_charts=False,
                                with_wellbeing=True).markdown
    assert "A quiet week, and that's allowed" in text
    assert "No new applications this week." in text
    assert "No check-in this week." in text
    for unkind in ("failed", "didn't", "nothing done", "lazy"):
        assert unkind not in text.lower()


def test_review_keeps_user_text_inert(store: Store) -> None:
    factories.application(store, "[x](javascript:alert(1)) <img src=x onerror=alert(1)>",
                          applied_on="2026-11-24")
    text = review.weekly_review(store, "2026-W48", with_charts=False).markdown
    assert not re.search(r"(?<!\\)\[x(?<!\\)\]", text)
    assert not re.search(r"(?<!\\)<img", text)
    assert "\\[x\\]\\(javascript\\:alert\\(1\\)\\)" in text


def test_deadlines_calendar_lists_open_follow_ups_and_actions(store: Store) -> None:
    assert agenda.deadlines_ics(store.progress.open_deadlines()) is None
    app_id = factories.application(store, "Acme", applied_on="2026-11-01")
    store.transfer.insert_rows("feedback_requests", [{
        "application_id": app_id, "asked_on": "2026-11-20", "follow_up_due": "2026-11-27",
        "status": "awaiting", "created_at": NOW, "updated_at": NOW}])
    store.transfer.insert_rows("actions", [{"title": "Mock interview", "due_on": "2026-11-30",
                                            "done_on": None, "created_on": "2026-11-20"},
                                           {"title": "Done already", "due_on": "2026-11-21",
                                            "done_on": "2026-11-21", "created_on": "2026-11-20"}])
    calendar = Calendar.from_ical(agenda.deadlines_ics(store.progress.open_deadlines()))
    events = {str(e["SUMMARY"]): e.decoded("DTSTART") for e in calendar.walk("VEVENT")}
    assert events == {"Feedback follow-up: Acme": date(2026, 11, 27),
                      "Game plan: Mock interview": date(2026, 11, 30)}


def test_review_comes_with_chart_pngs(store: Store) -> None:
    factories.application(store, "Acme", applied_on="2026-11-23",
                          stages=[("screening", "2026-11-24")])
    checkin(store)
    result = review.weekly_review(store, "2026-W48", with_wellbeing=True)
    assert set(result.charts) == {"applications-per-week", "wellbeing"}
    assert all(png.startswith(b"\x89PNG") for png in result.charts.values())
    assert "![applications-per-week](next-round-2026-W48-applications-per-week.png)" in \
        result.markdown
    import io
    import zipfile
    names = zipfile.ZipFile(io.BytesIO(result.zip_bytes())).namelist()
    assert names[0] == "next-round-2026-W48.md" and len(names) == 3
