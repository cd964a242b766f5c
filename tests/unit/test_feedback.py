"""Feedback requests: state rules, follow-up dates, letting go, themes, metrics and the store."""

from __future__ import annotations

import json
from dataclasses import replace
from datetime import date, timedelta

import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st
from sqlalchemy import text as sql

from nextround import charts, sending
from nextround import feedback as fb
from nextround.feedback import Status
from nextround.models import ValidationError
from nextround.store import StaleVersionError, Store
from tests import factories

TODAY = date(2026, 11, 25)


# --- state rules -------------------------------------------------------------------------

VALID = {
    ("awaiting", "followed_up"), ("awaiting", "received"), ("awaiting", "declined"),
    ("awaiting", "no_reply"),
    ("followed_up", "followed_up"), ("followed_up", "received"), ("followed_up", "declined"),
    ("followed_up", "no_reply"),
    ("declined", "awaiting"),
    ("no_reply", "awaiting"), ("no_reply", "received"),
}


@pytest.mark.parametrize("current", [s.value for s in Status])
@pytest.mark.parametrize("new", [s.value for s in Status])
def test_transition_table_is_exactly_the_agreed_one(current: str, new: str) -> None:
    if (current, new) in VALID:
        assert fb.check_transition(current, new) == Status(new)
    else:
        with pytest.raises(ValidationError) as err:
            fb.check_transition(current, new)
        assert "status" in err.value.errors


def test_received_is_final_with_a_clear_message() -> None:
    assert fb.allowed_next("received") == []
    with pytest.raises(ValidationError) as err:
        fb.check_transition("received", "awaiting")
    assert "already closed" in err.value.errors["status"]


def test_invalid_transition_message_names_the_options() -> None:
    with pytest.raises(ValidationError) as err:
        fb.check_transition("declined", "followed_up")
    message = err.value.errors["status"]
    assert "“Declined”" in message and "“Awaiting reply”" in message


@pytest.mark.parametrize("bad", ["", "done", "RECEIVED!", None, "ghosted"])
def test_unknown_status_is_refused(bad: object) -> None:
    with pytest.raises(ValidationError) as err:
        fb.parse_status(bad)
    assert "Status must be one of" in err.value.errors["status"]
    with pytest.raises(ValidationError):
        fb.check_transition("awaiting", bad)


def test_status_parsing_is_forgiving_about_case_and_spaces() -> None:
    assert fb.parse_status(" Followed Up ") == Status.FOLLOWED_UP
    assert fb.parse_status("NO_REPLY") == Status.NO_REPLY


def test_open_statuses() -> None:
    assert fb.OPEN == {Status.AWAITING, Status.FOLLOWED_UP}


# --- follow-up dates ---------------------------------------------------------------------

@pytest.mark.parametrize(("asked", "days", "due"), [
    (date(2026, 12, 28), 7, date(2027, 1, 4)),   # year end
    (date(2026, 1, 28), 7, date(2026, 2, 4)),    # month end
    (date(2026, 2, 25), 7, date(2026, 3, 4)),    # February, common year
    (date(2028, 2, 25), 7, date(2028, 3, 3)),    # February, leap year
    (date(2028, 2, 22), 7, date(2028, 2, 29)),   # lands on the leap day
    (date(2026, 4, 30), 1, date(2026, 5, 1)),
    (date(2026, 12, 31), 60, date(2027, 3, 1)),
])
def test_follow_up_due_crosses_month_and_year_ends(asked: date, days: int, due: date) -> None:
    assert fb.follow_up_due(asked, days) == due


def test_follow_up_due_defaults_to_seven_days() -> None:
    assert fb.follow_up_due(date(2026, 11, 25)) == date(2026, 12, 2)


@pytest.mark.parametrize("days", [0, -1, True, 1.5])
def test_follow_up_days_must_be_positive_whole(days: object) -> None:
    with pytest.raises(ValueError):
        fb.follow_up_due(TODAY, days)  # type: ignore[arg-type]


@given(st.dates(min_value=date(1990, 1, 1), max_value=date(2100, 1, 1)),
       st.integers(min_value=1, max_value=60))
def test_follow_up_due_is_always_after_and_exact(asked: date, days: int) -> None:
    due = fb.follow_up_due(asked, days)
    assert due > asked and (due - asked).days == days


@pytest.mark.parametrize(("due", "label"), [
    (date(2026, 11, 20), "Overdue by 5 days"), (date(2026, 11, 24), "Overdue by 1 day"),
    (date(2026, 11, 25), "Due today"), (date(2026, 11, 26), "Due tomorrow"),
    (date(2026, 11, 28), "Due in 3 days"),
])
def test_due_label(due: date, label: str) -> None:
    assert fb.due_label(due, TODAY) == label


# --- closing after no reply --------------------------------------------------------------

@pytest.mark.parametrize(("status", "follow_ups", "due", "expected"), [
    ("awaiting", 0, date(2026, 11, 1), False),
    ("followed_up", 1, date(2026, 11, 1), False),        # one follow-up: keep waiting
    ("followed_up", 2, date(2026, 11, 25), True),         # two, and the second had its week
    ("followed_up", 2, date(2026, 11, 20), True),
    ("followed_up", 3, date(2026, 11, 20), True),
    ("followed_up", 2, date(2026, 11, 30), False),        # second follow-up still landing
    ("followed_up", 2, None, True),
    ("received", 2, date(2026, 11, 1), False),            # closed: nothing to suggest
    ("no_reply", 2, date(2026, 11, 1), False),
    ("declined", 3, date(2026, 11, 1), False),
])
def test_suggest_no_reply_after_two_unanswered_follow_ups(
        status: str, follow_ups: int, due: date | None, expected: bool) -> None:
    assert fb.suggest_no_reply(status, follow_ups, due, TODAY) is expected


# --- validation --------------------------------------------------------------------------

def test_new_request_defaults_the_follow_up_date() -> None:
    clean = fb.NewRequest(asked_on="2026-11-20", channel="LinkedIn",
                          asked_whom="  Sam  ").validated(TODAY, 10)
    assert clean.asked_on == date(2026, 11, 20)
    assert clean.follow_up_due == date(2026, 11, 30)
    assert clean.channel == fb.Channel.LINKEDIN and clean.asked_whom == "Sam"


@pytest.mark.parametrize(("kwargs", "field", "words"), [
    ({"asked_on": None}, "asked_on", "required"),
    ({"asked_on": "2026-13-01"}, "asked_on", "real calendar date"),
    ({"asked_on": "2026-12-01"}, "asked_on", "future"),
    ({"asked_on": "2026-11-20", "follow_up_due": "2026-11-19"}, "follow_up_due",
     "before the date you asked"),
    ({"asked_on": "2026-11-20", "channel": "pigeon"}, "channel", "Channel must be"),
    ({"asked_on": "2026-11-20", "asked_whom": "a\nb"}, "asked_whom", "one line"),
])
def test_new_request_refusals(kwargs: dict, field: str, words: str) -> None:
    with pytest.raises(ValidationError) as err:
        fb.NewRequest(**kwargs).validated(TODAY)
    assert words in err.value.errors[field]


def test_new_request_not_before_applying() -> None:
    with pytest.raises(ValidationError) as err:
        fb.NewRequest(asked_on="2026-10-01").validated(TODAY, 7, date(2026, 10, 5))
    assert "before you applied" in err.value.errors["asked_on"]


def test_reply_validation() -> None:
    asked = date(2026, 11, 10)
    clean = fb.Reply("2026-11-12", " Thanks \r\n for asking ", ("skills gap", "Skills Gap",
                                                               " communication ")
                     ).validated(asked, TODAY)
    assert clean.feedback_text == "Thanks \n for asking"
    assert clean.themes == ("skills gap", "communication")
    with pytest.raises(ValidationError) as err:
        fb.Reply("2026-11-09", "x").validated(asked, TODAY)
    assert "before you asked" in err.value.errors["received_on"]
    with pytest.raises(ValidationError) as err:
        fb.Reply("2026-11-12", "x" * 100_000).validated(asked, TODAY)
    assert "too long" in err.value.errors["feedback_text"]
    assert "10,000" in err.value.errors["feedback_text"]
    with pytest.raises(ValidationError) as err:
        fb.Reply(None, "x").validated(asked, TODAY)
    assert "required" in err.value.errors["received_on"]


def test_theme_list_editing() -> None:
    assert fb.parse_theme_list("a\n\n  b  \nA\nc  d") == ["a", "b", "c d"]
    with pytest.raises(ValidationError):
        fb.parse_theme_list("\n  \n")
    with pytest.raises(ValidationError):
        fb.parse_theme_list("x" * 61)
    with pytest.raises(ValidationError):
        fb.parse_theme_list("\n".join(f"t{i}" for i in range(31)))


def test_themes_from_settings_falls_back_to_defaults() -> None:
    assert fb.themes_from_settings({}) == list(fb.DEFAULT_THEMES)
    assert fb.themes_from_settings({"feedback_themes": "not json"}) == list(fb.DEFAULT_THEMES)
    assert fb.themes_from_settings({"feedback_themes": '{"a": 1}'}) == list(fb.DEFAULT_THEMES)
    assert fb.themes_from_settings({"feedback_themes": '["x", "y"]'}) == ["x", "y"]


def test_load_themes_is_tolerant() -> None:
    assert fb.load_themes('["a", 3, "", "b"]') == ["a", "b"]
    assert fb.load_themes("broken") == []
    assert fb.load_themes(None) == []
    assert fb.load_themes('{"a": 1}') == []


def test_game_plan_title_and_due() -> None:
    assert "skill" in fb.game_plan_title("Skills gap").lower()
    assert fb.game_plan_title("salary talk") == "Work on “salary talk”: choose one small step"
    assert fb.game_plan_due(date(2026, 12, 25)) == date(2027, 1, 8)


# --- what the feedback says: the chart's window and labels ---------------------------------

@pytest.mark.parametrize(("today", "freq", "window"), [
    (date(2026, 11, 25), "month", (date(2025, 12, 1), date(2026, 11, 30))),
    (date(2026, 1, 1), "month", (date(2025, 2, 1), date(2026, 1, 31))),
    (date(2028, 2, 29), "month", (date(2027, 3, 1), date(2028, 2, 29))),
    (date(2026, 11, 25), "week", (date(2026, 6, 1), date(2026, 11, 29))),   # a Wednesday
    (date(2026, 11, 23), "week", (date(2026, 6, 1), date(2026, 11, 29))),   # its Monday
    (date(2026, 11, 29), "week", (date(2026, 6, 1), date(2026, 11, 29))),   # its Sunday
])
def test_chart_window_is_a_fixed_number_of_whole_periods(today: date, freq: str,
                                                        window: tuple[date, date]) -> None:
    assert fb.chart_window(today, freq) == window


@given(st.dates(min_value=date(1990, 1, 1), max_value=date(2100, 1, 1)),
       st.sampled_from(["month", "week"]))
def test_chart_window_always_ends_with_the_current_period(today: date, freq: str) -> None:
    start, end = fb.chart_window(today, freq)
    assert start <= today <= end
    if freq == "week":
        assert start.weekday() == 0 and (end - start).days + 1 == 7 * fb.CHART_WEEKS
    else:
        assert start.day == 1 and (end + timedelta(days=1)).day == 1
        months = (end.year - start.year) * 12 + end.month - start.month + 1
        assert months == fb.CHART_MONTHS


def test_chart_window_refuses_other_frequencies() -> None:
    with pytest.raises(ValueError):
        fb.chart_window(TODAY, "day")


def test_other_label_never_merges_with_a_named_theme() -> None:
    assert fb.other_label(["skills gap"]) == "Other themes"
    assert fb.other_label(["other THEMES"]) == "Other themes (the rest)"
    assert fb.other_label(["Other themes", "Other themes (the rest)"]) == (
        "Other themes (the rest) (the rest)")


def test_theme_chart_counts_names_the_rest_and_makes_dates() -> None:
    counts = pd.DataFrame({"period": ["2026-10-01", "2026-10-01", "2026-11-01"],
                           "theme": ["skills gap", None, "Other themes"],
                           "replies": [2, 1, 3]})
    frame, other = fb.theme_chart_counts(counts)
    assert other == "Other themes (the rest)"
    assert frame["theme"].tolist() == ["skills gap", "Other themes (the rest)", "Other themes"]
    assert frame["period"].dt.strftime("%Y-%m-%d").tolist() == [
        "2026-10-01", "2026-10-01", "2026-11-01"]
    assert frame["replies"].tolist() == [2, 1, 3]
    named_only, none = fb.theme_chart_counts(counts.iloc[[0]])
    assert none is None and named_only["theme"].tolist() == ["skills gap"]
    empty, none = fb.theme_chart_counts(counts.iloc[0:0])
    assert empty.empty and none is None and list(empty.columns) == ["period", "theme", "replies"]


def test_chart_caption_says_what_window_it_shows() -> None:
    month = fb.chart_caption("month", date(2025, 12, 1), date(2026, 11, 30))
    assert "from December 2025 to November 2026 (the last 12 months), by month." in month
    assert "Other" not in month and "every reply" in month
    week = fb.chart_caption("week", date(2026, 6, 1), date(2026, 11, 29), other="Other themes")
    assert "from the week of 1 Jun 2026 to the week of 23 Nov 2026 (the last 26 weeks)" in week
    assert "The 8 themes mentioned most in that time" in week and "“Other themes”" in week


def test_top_themes_adds_the_share_of_tagged_replies() -> None:
    totals = pd.DataFrame({"theme": ["skills gap", "communication"], "replies": [3, 1]})
    top = fb.top_themes(totals, tagged=4)
    assert top["share"].tolist() == pytest.approx([3 / 4, 1 / 4])
    assert fb.top_themes(totals, tagged=4, limit=1)["theme"].tolist() == ["skills gap"]
    empty = fb.top_themes(totals.iloc[0:0], tagged=0)
    assert empty.empty and list(empty.columns) == ["theme", "replies", "share"]


def test_theme_chart_is_bounded_to_its_window_and_puts_the_rest_last() -> None:
    start, end = fb.chart_window(TODAY, "month")
    themes = [f"theme {i}" for i in range(fb.CHART_THEMES)]
    rows = [(f"{(date(2025, 12, 1) + timedelta(days=31 * m)).strftime('%Y-%m')}-01", t, 1 + i)
            for m in range(fb.CHART_MONTHS) for i, t in enumerate([*themes, None])]
    counts, other = fb.theme_chart_counts(pd.DataFrame(rows, columns=["period", "theme",
                                                                      "replies"]))
    spec = charts.feedback_themes(counts, "month", window=(start, end), other=other).to_dict()
    (data,) = spec["datasets"].values()
    assert len(data) == fb.CHART_MONTHS * (fb.CHART_THEMES + 1)
    assert spec["encoding"]["color"]["sort"][-1] == "Other themes"  # the biggest, yet last
    # One band a month, named in words, from the first reply's month to the window's end.
    assert spec["encoding"]["x"]["scale"]["domain"] == [
        "Dec 2025", "Jan 2026", "Feb 2026", "Mar 2026", "Apr 2026", "May 2026", "Jun 2026",
        "Jul 2026", "Aug 2026", "Sep 2026", "Oct 2026", "Nov 2026"]


def test_summary_known_answer() -> None:
    frame = pd.DataFrame({
        "asked_on": ["2026-11-01", "2026-11-01", "2026-11-10", "2026-11-20", "2026-10-01"],
        "received_on": ["2026-11-03", "2026-11-11", "2026-11-14", None, None],
        "status": ["received", "received", "received", "awaiting", "no_reply"],
        "n": [1, 1, 1, 1, 1],
    })
    summary = fb.summarize(frame, TODAY)
    assert (summary.requested, summary.received) == (5, 3)
    assert summary.rate == pytest.approx(0.6)
    assert summary.median_days_to_reply == 4.0   # 2, 10, 4 -> 4
    assert fb.summarize(frame.iloc[0:0], TODAY) == fb.Summary(0, 0, None, None)


# --- the store ---------------------------------------------------------------------------

def test_store_request_lifecycle(store: Store) -> None:
    app_id = factories.rejected(store)
    rid = factories.feedback_request(store, app_id, channel="call", asked_whom="Jo")
    row = store.feedback.request(rid)
    assert row.status == "awaiting" and row.follow_up_due == date(2026, 11, 8)
    assert row.company == "Acme" and row.channel == "call" and row.follow_ups == 0

    fb.change_status(store, rid, "followed_up", row.version)
    row = store.feedback.request(rid)
    assert (row.status, row.follow_ups, row.follow_up_due) == (
        "followed_up", 1, date(2026, 12, 2))

    fb.change_status(store, rid, "followed_up", row.version)
    row = store.feedback.request(rid)
    assert row.follow_ups == 2

    factories.feedback_reply(store, rid, "2026-11-20", "More depth please.",
                             ("technical depth",), version=row.version)
    row = store.feedback.request(rid)
    assert row.status == "received" and row.received_on == date(2026, 11, 20)
    assert json.loads(row.themes) == ["technical depth"]

    # editing a received reply is allowed; a status change out of received is not
    factories.feedback_reply(store, rid, "2026-11-21", "Edited.", version=row.version)
    row = store.feedback.request(rid)
    assert row.feedback_text == "Edited." and row.themes == "[]"
    with pytest.raises(ValidationError):
        fb.change_status(store, rid, "awaiting", row.version)


def test_store_follow_up_days_come_from_settings(store: Store) -> None:
    store.settings.save(replace(store.settings.get(), follow_up_days=10))
    rid = factories.feedback_request(store, factories.rejected(store), "2026-11-24")
    assert store.feedback.request(rid).follow_up_due == date(2026, 12, 4)


def test_store_closing_as_no_reply_and_late_reply(store: Store) -> None:
    rid = factories.feedback_request(store, factories.rejected(store))
    version = store.feedback.request(rid).version
    fb.change_status(store, rid, "no_reply", version)
    row = store.feedback.request(rid)
    assert row.status == "no_reply"
    due, _ = store.feedback.due(TODAY, horizon_days=400)
    assert due == []  # closed requests never ask for a follow-up
    factories.feedback_reply(store, rid, "2026-11-24", "Late but kind.", version=row.version)
    assert store.feedback.request(rid).status == "received"


def _snapshot(store: Store) -> list:
    return store.frame("SELECT * FROM feedback_requests ORDER BY id").to_dict("records")


@pytest.mark.parametrize(("action", "field"), [
    ("received_before_asked", "received_on"),
    ("due_before_asked", "follow_up_due"),
    ("huge_text", "feedback_text"),
    ("unknown_status", "status"),
    ("invalid_transition", "status"),
])
def test_store_bad_input_writes_nothing(store: Store, action: str, field: str) -> None:
    app_id = factories.rejected(store)
    rid = factories.feedback_request(store, app_id)
    version = store.feedback.request(rid).version
    before, count = _snapshot(store), store.change_count()
    with pytest.raises(ValidationError) as err:
        if action == "received_before_asked":
            factories.feedback_reply(store, rid, "2026-10-30", "x", version=version)
        elif action == "due_before_asked":
            factories.feedback_request(store, app_id, follow_up_due="2026-10-31")
        elif action == "huge_text":
            factories.feedback_reply(store, rid, "2026-11-20", "x" * 100_000, version=version)
        elif action == "unknown_status":
            fb.change_status(store, rid, "finished", version)
        else:
            fb.change_status(store, rid, "awaiting", version)
    assert field in err.value.errors
    assert _snapshot(store) == before and store.change_count() == count


def test_store_request_needs_an_existing_application(store: Store) -> None:
    with pytest.raises(ValidationError) as err:
        factories.feedback_request(store, 999, "2026-11-01")
    assert "application" in err.value.errors
    assert store.count("feedback_requests") == 0


def test_store_stale_version_is_refused(store: Store) -> None:
    rid = factories.feedback_request(store, factories.rejected(store))
    version = store.feedback.request(rid).version
    fb.change_status(store, rid, "followed_up", version)
    with pytest.raises(StaleVersionError):
        fb.change_status(store, rid, "followed_up", version)
    assert store.feedback.request(rid).follow_ups == 1


def test_store_due_list_overdue_first(store: Store) -> None:
    app_id = factories.rejected(store)
    late = factories.feedback_request(store, app_id, "2026-11-01")   # due 11-08
    today = factories.feedback_request(store, app_id, "2026-11-18")  # due 11-25
    soon = factories.feedback_request(store, app_id, "2026-11-20")   # due 11-27
    factories.feedback_request(store, app_id, "2026-11-24")          # due 12-01
    due, total = store.feedback.due(TODAY, horizon_days=3)
    assert [r.id for r in due] == [late, today, soon] and total == 3


def test_store_request_list_filters_and_pages(store: Store) -> None:
    a = factories.rejected(store, "Acme")
    b = factories.rejected(store, "Bolt_50%")
    ids = [factories.feedback_request(store, a, f"2026-11-{d:02d}") for d in (1, 2, 3)]
    other = factories.feedback_request(store, b, "2026-11-04")
    fb.change_status(store, ids[0], "declined", 1)
    page, total = store.feedback.requests(limit=2)
    assert total == 4 and [r.id for r in page] == [other, ids[2]]
    page, total = store.feedback.requests(statuses=["declined"])
    assert [r.id for r in page] == [ids[0]] and total == 1
    page, total = store.feedback.requests(query="_50%")
    assert [r.id for r in page] == [other]
    page, total = store.feedback.requests(query="50")
    assert total == 1


def test_store_replies_and_overview(store: Store) -> None:
    app_id = factories.rejected(store)
    rid = factories.feedback_request(store, app_id)
    factories.feedback_request(store, app_id)
    factories.feedback_reply(store, rid, "2026-11-05", "Good", ("communication",))
    assert store.feedback.reply_counts() == (1, 1)
    chosen = store.feedback.replies_for_theme("communication")
    assert [(r.id, r.company) for r in chosen] == [(rid, "Acme")]
    summary = fb.summarize(store.progress.feedback_counts(), TODAY)
    assert (summary.requested, summary.received, summary.median_days_to_reply) == (2, 1, 4.0)


# --- what the feedback says, counted in SQL (hand-made replies, known answers) -------------

YEAR = (date(2025, 12, 1), date(2026, 11, 30))  # the month chart's window on TODAY


def _reply(store: Store, received: str, themes: object = (), text: str = "",
           company: str = "Acme") -> int:
    """A received reply, saved the way the page saves it. `themes` as a str is stored raw, as
    a hand-edited or damaged row would hold it."""
    clean = () if isinstance(themes, str) else tuple(themes)
    rid = factories.received_reply(store, received, text, clean, company=company)
    if isinstance(themes, str):
        with store.write() as tx:
            tx.connection.execute(sql("UPDATE feedback_requests SET themes = :t WHERE id = :i"),
                                  {"t": themes, "i": rid})
    return rid


def _sample(store: Store) -> dict[str, int]:
    """Five replies from September to November 2026 (one without themes) and one open
    request, which must count nowhere."""
    ids = {
        "t1": _reply(store, "2026-09-03", ["skills gap", "communication"], "t1", "A"),
        "t2": _reply(store, "2026-09-28", ["skills gap"], "t2", "B"),
        "t3": _reply(store, "2026-10-01", ["experience level"], "t3", "C"),
        "t4": _reply(store, "2026-10-31", [], "t4", "D"),
        "t5": _reply(store, "2026-11-02", ["skills gap", "experience level"], "t5", "E"),
    }
    factories.feedback_request(store, factories.rejected(store, "Open"), "2026-11-01")
    return ids


def _counts(store: Store, freq: str, window: tuple[date, date] = YEAR,
            top: int = 8) -> dict[tuple[str, str | None], int]:
    frame = store.feedback.theme_counts(freq, *window, top=top)
    assert list(frame.columns) == ["period", "theme", "replies"]
    assert not frame.duplicated(["period", "theme"]).any()
    return {(p, t if isinstance(t, str) else None): int(n)  # the rest: NULL (NaN in pandas)
            for p, t, n in frame.itertuples(index=False)}


def test_sql_theme_counts_per_month(store: Store) -> None:
    _sample(store)
    assert _counts(store, "month") == {
        ("2026-09-01", "communication"): 1, ("2026-09-01", "skills gap"): 2,
        ("2026-10-01", "experience level"): 1,
        ("2026-11-01", "experience level"): 1, ("2026-11-01", "skills gap"): 1,
    }


def test_sql_theme_counts_per_week_start_on_monday(store: Store) -> None:
    _sample(store)
    assert _counts(store, "week", (date(2026, 6, 1), date(2026, 11, 29))) == {
        ("2026-08-31", "communication"): 1, ("2026-08-31", "skills gap"): 1,
        ("2026-09-28", "skills gap"): 1, ("2026-09-28", "experience level"): 1,
        ("2026-11-02", "experience level"): 1, ("2026-11-02", "skills gap"): 1,
    }


def test_sql_theme_counts_keep_to_the_window_inclusive(store: Store) -> None:
    _sample(store)
    assert _counts(store, "month", (date(2026, 9, 28), date(2026, 10, 1))) == {
        ("2026-09-01", "skills gap"): 1, ("2026-10-01", "experience level"): 1}
    assert _counts(store, "month", (date(2024, 1, 1), date(2024, 12, 31))) == {}


def test_sql_theme_counts_name_the_top_themes_and_count_the_rest_once(store: Store) -> None:
    _sample(store)
    _reply(store, "2026-11-03", ["salary", "location"])  # two themes of the rest: one reply
    # in the window: skills gap 3, experience level 2, then 1 each (alphabetical ties)
    assert _counts(store, "month", top=2) == {
        ("2026-09-01", "skills gap"): 2, ("2026-09-01", None): 1,
        ("2026-10-01", "experience level"): 1,
        ("2026-11-01", "experience level"): 1, ("2026-11-01", "skills gap"): 1,
        ("2026-11-01", None): 1,
    }
    assert set(_counts(store, "month", top=0)) == {
        ("2026-09-01", None), ("2026-10-01", None), ("2026-11-01", None)}
    with pytest.raises(ValueError):
        store.feedback.theme_counts("day", *YEAR)


def test_sql_top_themes_and_shares(store: Store) -> None:
    _sample(store)
    assert store.feedback.reply_counts() == (5, 4)
    totals = store.feedback.theme_totals()
    assert list(totals.columns) == ["theme", "replies"]
    top = fb.top_themes(totals, tagged=4)
    assert top["theme"].tolist() == ["skills gap", "experience level", "communication"]
    assert top["replies"].tolist() == [3, 2, 1]
    assert top["share"].tolist() == pytest.approx([3 / 4, 2 / 4, 1 / 4])


def test_sql_replies_for_a_theme_newest_first_one_page(store: Store) -> None:
    ids = _sample(store)
    chosen = store.feedback.replies_for_theme("skills gap")
    assert [r.feedback_text for r in chosen] == ["t5", "t2", "t1"]
    assert [r.company for r in chosen] == ["E", "B", "A"]
    assert [r.id for r in store.feedback.replies_for_theme("skills gap", limit=2)] == [
        ids["t5"], ids["t2"]]
    same_day = _reply(store, "2026-11-02", ["skills gap"], "t6")
    assert [r.id for r in store.feedback.replies_for_theme("skills gap", limit=1)] == [same_day]
    assert store.feedback.replies_for_theme("Skills gap") == []  # an exact match


def test_sql_a_theme_with_no_replies(store: Store) -> None:
    _sample(store)
    fb.save_themes(store, "skills gap\nsalary\n", store.settings.get().version)
    assert "salary" not in store.feedback.theme_totals()["theme"].tolist()
    assert store.feedback.replies_for_theme("salary") == []
    assert not any(t == "salary" for _, t in _counts(store, "month"))


def test_sql_aggregation_of_nothing_is_empty_not_an_error(store: Store) -> None:
    assert store.feedback.reply_counts() == (0, 0)
    assert store.feedback.theme_totals().empty
    assert store.feedback.theme_counts("month", *YEAR).empty
    assert store.feedback.replies_for_theme("skills gap") == []
    factories.feedback_request(store, factories.rejected(store))  # asked, no reply yet
    _reply(store, "2026-11-01", [])       # a reply without themes
    assert store.feedback.reply_counts() == (1, 0)
    assert store.feedback.theme_totals().empty
    assert store.feedback.theme_counts("week", *YEAR).empty


def test_sql_a_reply_with_several_themes_counts_once_per_theme(store: Store) -> None:
    _reply(store, "2026-11-10", ["skills gap", "communication", "preparation"])
    assert store.feedback.reply_counts() == (1, 1)
    assert store.feedback.theme_totals()["replies"].tolist() == [1, 1, 1]
    assert _counts(store, "month") == {("2026-11-01", t): 1 for t in
                                       ("communication", "preparation", "skills gap")}
    assert len(store.feedback.replies_for_theme("preparation")) == 1


def test_sql_custom_themes_count_like_any_other(store: Store) -> None:
    fb.save_themes(store, "salary talk\nÜbung — “quotes” 50%_\n", store.settings.get().version)
    _reply(store, "2026-11-10", ["salary talk", "Übung — “quotes” 50%_"], "custom")
    _reply(store, "2026-11-11", ["renamed since"], "old theme")  # no longer in the list
    totals = store.feedback.theme_totals()
    assert dict(zip(totals["theme"], totals["replies"], strict=True)) == {
        "renamed since": 1, "salary talk": 1, "Übung — “quotes” 50%_": 1}
    assert [r.feedback_text for r in store.feedback.replies_for_theme(
        "Übung — “quotes” 50%_")] == ["custom"]
    assert store.feedback.replies_for_theme("Übung — “quotes” 50__") == []  # no LIKE wildcards


def test_sql_damaged_theme_values_count_as_no_themes(store: Store) -> None:
    _reply(store, "2026-11-01", "broken")
    _reply(store, "2026-11-02", '{"a": "b"}')
    _reply(store, "2026-11-03", '[3, "", "  ", null, "kept"]')
    _reply(store, "2026-11-04", "")
    assert store.feedback.reply_counts() == (4, 1)
    assert store.feedback.theme_totals().to_dict("records") == [{"theme": "kept", "replies": 1}]
    assert _counts(store, "month") == {("2026-11-01", "kept"): 1}
    assert store.feedback.replies_for_theme("b") == []


@given(st.lists(st.tuples(st.dates(min_value=date(2023, 1, 1), max_value=date(2026, 11, 25)),
                          st.lists(st.sampled_from([*fb.DEFAULT_THEMES, "salary", "location"]),
                                   max_size=4, unique=True)),
                max_size=40),
       st.sampled_from(["week", "month"]), st.integers(min_value=0, max_value=10))
def test_sql_theme_counts_match_a_plain_count(store: Store, rows: list, freq: str,
                                              top: int) -> None:
    """Against a plain Python count of the same replies: the named themes, "the rest" counted
    once per reply, and never more rows than periods × (top + 1)."""
    with store.write() as tx:
        tx.connection.exec_driver_sql("DELETE FROM feedback_requests")
        for day, themes in rows:
            tx.connection.execute(sql(
                "INSERT INTO feedback_requests (asked_on, status, received_on, themes,"
                " created_at, updated_at) VALUES ('2023-01-01', 'received', :day, :themes,"
                " 'x', 'x')"), {"day": day.isoformat(), "themes": json.dumps(themes)})
    start, end = fb.chart_window(TODAY, freq)
    inside = [(d, t) for d, t in rows if start <= d <= end]

    def period(day: date) -> str:
        first = day.replace(day=1) if freq == "month" else day - timedelta(days=day.weekday())
        return first.isoformat()

    mentions: dict[str, int] = {}
    for _, themes in inside:
        for theme in themes:
            mentions[theme] = mentions.get(theme, 0) + 1
    named = set(sorted(mentions, key=lambda t: (-mentions[t], t))[:top])
    expected: dict[tuple[str, str | None], int] = {}
    for day, themes in inside:
        for key in {(period(day), t if t in named else None) for t in themes}:
            expected[key] = expected.get(key, 0) + 1
    assert _counts(store, freq, (start, end), top=top) == expected
    periods = fb.CHART_MONTHS if freq == "month" else fb.CHART_WEEKS
    assert len(expected) <= periods * (top + 1)
    totals = store.feedback.theme_totals()
    assert int(totals["replies"].sum()) == sum(len(t) for _, t in rows)
    assert store.feedback.reply_counts() == (len(rows), sum(1 for _, t in rows if t))


def test_store_theme_list_round_trip(store: Store) -> None:
    assert fb.saved_themes(store) == list(fb.DEFAULT_THEMES)
    version = store.settings.get().version
    saved = fb.save_themes(store, "salary\nskills gap\n", version)
    assert saved == ["salary", "skills gap"] == fb.saved_themes(store)
    assert json.loads(store.settings.get().extra["feedback_themes"]) == saved
    with pytest.raises(StaleVersionError):
        fb.save_themes(store, "other", version)
    with pytest.raises(ValidationError):
        fb.save_themes(store, "  \n", store.settings.get().version)
    assert fb.saved_themes(store) == saved


def test_store_add_to_game_plan_is_idempotent(store: Store) -> None:
    first, created = fb.add_theme_to_game_plan(store, "skills gap")
    again, created_again = fb.add_theme_to_game_plan(store, "skills gap")
    assert created and not created_again and first == again
    row = store.frame("SELECT * FROM actions").iloc[0]
    assert (row["source_kind"], row["source_label"], row["due_on"]) == (
        "feedback", "skills gap", "2026-12-09")
    assert row["title"] == fb.game_plan_title("skills gap")
    with pytest.raises(ValidationError):
        fb.add_theme_to_game_plan(store, "  ")
    assert store.count("actions") == 1


# --- follow-up drafts --------------------------------------------------------------------

def test_follow_up_context_prefers_the_contact_and_drops_a_bad_address() -> None:
    request = factories.due_follow_up(company="Acme\nInc", role="Analyst", contact_name="",
                                      asked_whom="Sam  Lee", contact_email="not an address")
    ctx = fb.follow_up_context(request, ["applied", "interviewing"], "Ana", "formal")
    assert (ctx.company, ctx.contact_name, ctx.contact_email, ctx.stage_reached, ctx.tone) == (
        "Acme Inc", "Sam Lee", None, "interview", "formal")
    from nextround.drafting import draft
    made = draft("feedback_follow_up", ctx)
    assert made.body.startswith("Dear Sam Lee,") and made.to is None


def test_store_send_follow_up_is_one_transaction_and_idempotent(store: Store) -> None:
    rid = factories.feedback_request(store, factories.rejected(store))
    kwargs = {"subject": "Following up", "body": "Hi,\nany feedback?", "to_email": "a@b.example",
              "request_token": "tok-1"}
    first = sending.mark_follow_up_sent(store, rid, 1, **kwargs)
    again = sending.mark_follow_up_sent(store, rid, 1, **kwargs)   # a double click: same token
    assert first == again and store.count("drafts") == 1
    row = store.feedback.request(rid)
    assert (row.status, row.follow_ups, row.follow_up_due, row.draft_id) == (
        "followed_up", 1, date(2026, 12, 2), first)
    draft = store.frame("SELECT * FROM drafts").iloc[0]
    assert (draft["kind"], draft["status"], draft["sent_on"]) == (
        "feedback_follow_up", "sent", "2026-11-25")


def test_store_send_follow_up_refuses_closed_requests_and_writes_nothing(store: Store) -> None:
    rid = factories.feedback_request(store, factories.rejected(store))
    fb.change_status(store, rid, "declined", 1)
    before = _snapshot(store)
    with pytest.raises(ValidationError) as err:
        sending.mark_follow_up_sent(store, rid, 2, subject="S", body="B", request_token="t")
    assert "status" in err.value.errors
    with pytest.raises(ValidationError) as err:
        sending.mark_follow_up_sent(store, rid, 2, subject="S\nBcc: x", body="B", request_token="u")
    assert "draft" in err.value.errors
    assert _snapshot(store) == before and store.count("drafts") == 0
