"""Feedback requests: state rules, follow-up dates, letting go, themes, metrics and the store."""

from __future__ import annotations

import json
from dataclasses import replace
from datetime import date

import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st

from nextround import feedback as fb
from nextround.feedback import Status
from nextround.models import Application, ValidationError
from nextround.store import StaleVersionError, Store

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
    assert fb.can_transition(current, new) == ((current, new) in VALID)
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
    assert {s for s in Status if s.is_open} == {Status.AWAITING, Status.FOLLOWED_UP}


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


# --- theme aggregation (known answers) ---------------------------------------------------

def _replies() -> pd.DataFrame:
    return pd.DataFrame({
        "id": [1, 2, 3, 4, 5],
        "company": ["A", "B", "C", "D", "E"],
        "received_on": ["2026-09-03", "2026-09-28", "2026-10-01", "2026-10-31", "2026-11-02"],
        "themes": [json.dumps(["skills gap", "communication"]), json.dumps(["skills gap"]),
                   json.dumps(["experience level"]), "[]",
                   json.dumps(["skills gap", "experience level"])],
        "feedback_text": ["t1", "t2", "t3", "t4", "t5"],
    })


def test_theme_counts_per_month() -> None:
    counts = fb.theme_counts_over_time(_replies(), "month")
    got = {(p.strftime("%Y-%m"), t): n for p, t, n in counts.itertuples(index=False)}
    assert got == {
        ("2026-09", "communication"): 1, ("2026-09", "skills gap"): 2,
        ("2026-10", "experience level"): 1,
        ("2026-11", "experience level"): 1, ("2026-11", "skills gap"): 1,
    }
    assert list(counts.columns) == ["period", "theme", "replies"]


def test_theme_counts_per_week_start_on_monday() -> None:
    counts = fb.theme_counts_over_time(_replies(), "week")
    got = {(p.date().isoformat(), t): n for p, t, n in counts.itertuples(index=False)}
    assert got == {
        ("2026-08-31", "communication"): 1, ("2026-08-31", "skills gap"): 1,
        ("2026-09-28", "skills gap"): 1, ("2026-09-28", "experience level"): 1,
        ("2026-11-02", "experience level"): 1, ("2026-11-02", "skills gap"): 1,
    }


def test_top_themes_known_answer() -> None:
    top = fb.top_themes(_replies())
    assert top["theme"].tolist() == ["skills gap", "experience level", "communication"]
    assert top["replies"].tolist() == [3, 2, 1]
    assert top["share"].tolist() == pytest.approx([3 / 4, 2 / 4, 1 / 4])  # 4 tagged replies
    assert fb.top_themes(_replies(), limit=1)["theme"].tolist() == ["skills gap"]


def test_replies_for_theme_newest_first() -> None:
    chosen = fb.replies_for_theme(_replies(), "skills gap")
    assert chosen["feedback_text"].tolist() == ["t5", "t2", "t1"]
    assert fb.replies_for_theme(_replies(), "nothing").empty


def test_aggregation_of_nothing_is_empty_not_an_error() -> None:
    empty = pd.DataFrame(columns=["received_on", "themes", "feedback_text"])
    assert fb.theme_counts_over_time(empty).empty
    assert fb.top_themes(empty).empty
    assert fb.replies_for_theme(empty, "x").empty


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

def _application(store: Store, company: str = "Acme", applied: str = "2026-10-01") -> int:
    return store.add_application(Application(company=company, role="Analyst",
                                             applied_on=applied, stage="rejected",
                                             contact_email="hr@acme.example"))


def _request(store: Store, app_id: int, asked: str = "2026-11-01", **kw: object) -> int:
    return store.add_feedback_request(app_id, fb.NewRequest(asked_on=asked, **kw))


def test_store_request_lifecycle(store: Store) -> None:
    app_id = _application(store)
    rid = _request(store, app_id, channel="call", asked_whom="Jo")
    row = store.feedback_request(rid)
    assert row["status"] == "awaiting" and row["follow_up_due"] == "2026-11-08"
    assert row["company"] == "Acme" and row["channel"] == "call" and row["follow_ups"] == 0

    store.change_feedback_status(rid, "followed_up", row["version"])
    row = store.feedback_request(rid)
    assert (row["status"], row["follow_ups"], row["follow_up_due"]) == (
        "followed_up", 1, "2026-12-02")

    store.change_feedback_status(rid, "followed_up", row["version"])
    row = store.feedback_request(rid)
    assert row["follow_ups"] == 2

    store.record_feedback_reply(rid, fb.Reply("2026-11-20", "More depth please.",
                                              ("technical depth",)), row["version"])
    row = store.feedback_request(rid)
    assert row["status"] == "received" and row["received_on"] == "2026-11-20"
    assert json.loads(row["themes"]) == ["technical depth"]

    # editing a received reply is allowed; a status change out of received is not
    store.record_feedback_reply(rid, fb.Reply("2026-11-21", "Edited.", ()), row["version"])
    row = store.feedback_request(rid)
    assert row["feedback_text"] == "Edited." and row["themes"] == "[]"
    with pytest.raises(ValidationError):
        store.change_feedback_status(rid, "awaiting", row["version"])


def test_store_follow_up_days_come_from_settings(store: Store) -> None:
    store.save_settings(replace(store.settings(), follow_up_days=10))
    rid = _request(store, _application(store), asked="2026-11-24")
    assert store.feedback_request(rid)["follow_up_due"] == "2026-12-04"


def test_store_closing_as_no_reply_and_late_reply(store: Store) -> None:
    rid = _request(store, _application(store))
    version = store.feedback_request(rid)["version"]
    store.change_feedback_status(rid, "no_reply", version)
    row = store.feedback_request(rid)
    assert row["status"] == "no_reply"
    due, _ = store.feedback_due(TODAY, horizon_days=400)
    assert due.empty  # closed requests never ask for a follow-up
    store.record_feedback_reply(rid, fb.Reply("2026-11-24", "Late but kind.", ()), row["version"])
    assert store.feedback_request(rid)["status"] == "received"


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
    app_id = _application(store)
    rid = _request(store, app_id)
    version = store.feedback_request(rid)["version"]
    before, count = _snapshot(store), store.change_count()
    with pytest.raises(ValidationError) as err:
        if action == "received_before_asked":
            store.record_feedback_reply(rid, fb.Reply("2026-10-30", "x"), version)
        elif action == "due_before_asked":
            _request(store, app_id, follow_up_due="2026-10-31")
        elif action == "huge_text":
            store.record_feedback_reply(rid, fb.Reply("2026-11-20", "x" * 100_000), version)
        elif action == "unknown_status":
            store.change_feedback_status(rid, "finished", version)
        else:
            store.change_feedback_status(rid, "awaiting", version)
    assert field in err.value.errors
    assert _snapshot(store) == before and store.change_count() == count


def test_store_request_needs_an_existing_application(store: Store) -> None:
    with pytest.raises(ValidationError) as err:
        store.add_feedback_request(999, fb.NewRequest(asked_on="2026-11-01"))
    assert "application" in err.value.errors
    assert store.count("feedback_requests") == 0


def test_store_stale_version_is_refused(store: Store) -> None:
    rid = _request(store, _application(store))
    version = store.feedback_request(rid)["version"]
    store.change_feedback_status(rid, "followed_up", version)
    with pytest.raises(StaleVersionError):
        store.change_feedback_status(rid, "followed_up", version)
    assert store.feedback_request(rid)["follow_ups"] == 1


def test_store_due_list_overdue_first(store: Store) -> None:
    app_id = _application(store)
    late = _request(store, app_id, asked="2026-11-01")                       # due 11-08
    today = _request(store, app_id, asked="2026-11-18")                      # due 11-25
    soon = _request(store, app_id, asked="2026-11-20")                       # due 11-27
    _request(store, app_id, asked="2026-11-24")                              # due 12-01
    due, total = store.feedback_due(TODAY, horizon_days=3)
    assert due["id"].tolist() == [late, today, soon] and total == 3


def test_store_request_list_filters_and_pages(store: Store) -> None:
    a = _application(store, "Acme")
    b = _application(store, "Bolt_50%")
    ids = [_request(store, a, asked=f"2026-11-{d:02d}") for d in (1, 2, 3)]
    other = _request(store, b, asked="2026-11-04")
    store.change_feedback_status(ids[0], "declined", 1)
    page, total = store.feedback_requests(limit=2)
    assert total == 4 and page["id"].tolist() == [other, ids[2]]
    page, total = store.feedback_requests(statuses=["declined"])
    assert page["id"].tolist() == [ids[0]] and total == 1
    page, total = store.feedback_requests(query="_50%")
    assert page["id"].tolist() == [other]
    page, total = store.feedback_requests(query="50")
    assert total == 1


def test_store_replies_and_overview(store: Store) -> None:
    app_id = _application(store)
    rid = _request(store, app_id)
    _request(store, app_id)
    store.record_feedback_reply(rid, fb.Reply("2026-11-05", "Good", ("communication",)), 1)
    replies = store.feedback_replies()
    assert replies["id"].tolist() == [rid] and replies["company"].tolist() == ["Acme"]
    summary = fb.summarize(store.feedback_counts(), TODAY)
    assert (summary.requested, summary.received, summary.median_days_to_reply) == (2, 1, 4.0)


def test_store_theme_list_round_trip(store: Store) -> None:
    assert store.feedback_themes() == list(fb.DEFAULT_THEMES)
    version = store.settings().version
    saved = store.save_feedback_themes("salary\nskills gap\n", version)
    assert saved == ["salary", "skills gap"] == store.feedback_themes()
    assert json.loads(store.settings().extra["feedback_themes"]) == saved
    with pytest.raises(StaleVersionError):
        store.save_feedback_themes("other", version)
    with pytest.raises(ValidationError):
        store.save_feedback_themes("  \n", store.settings().version)
    assert store.feedback_themes() == saved


def test_store_add_to_game_plan_is_idempotent(store: Store) -> None:
    first, created = store.add_action_from_feedback_theme("skills gap")
    again, created_again = store.add_action_from_feedback_theme("skills gap")
    assert created and not created_again and first == again
    row = store.frame("SELECT * FROM actions").iloc[0]
    assert (row["source_kind"], row["source_label"], row["due_on"]) == (
        "feedback", "skills gap", "2026-12-09")
    assert row["title"] == fb.game_plan_title("skills gap")
    with pytest.raises(ValidationError):
        store.add_action_from_feedback_theme("  ")
    assert store.count("actions") == 1


# --- follow-up drafts --------------------------------------------------------------------

def test_follow_up_context_prefers_the_contact_and_drops_a_bad_address() -> None:
    request = {"company": "Acme\nInc", "role": "Analyst", "contact_name": "",
               "asked_whom": "Sam  Lee", "contact_email": "not an address"}
    ctx = fb.follow_up_context(request, ["applied", "interviewing"], "Ana", "formal")
    assert (ctx.company, ctx.contact_name, ctx.contact_email, ctx.stage_reached, ctx.tone) == (
        "Acme Inc", "Sam Lee", None, "interview", "formal")
    from nextround.drafting import draft
    made = draft("feedback_follow_up", ctx)
    assert made.body.startswith("Dear Sam Lee,") and made.to is None


def test_store_send_follow_up_is_one_transaction_and_idempotent(store: Store) -> None:
    rid = _request(store, _application(store))
    kwargs = {"subject": "Following up", "body": "Hi,\nany feedback?", "to_email": "a@b.example",
              "request_token": "tok-1"}
    first = store.send_feedback_follow_up(rid, 1, **kwargs)
    again = store.send_feedback_follow_up(rid, 1, **kwargs)   # a double click: same token
    assert first == again and store.count("drafts") == 1
    row = store.feedback_request(rid)
    assert (row["status"], row["follow_ups"], row["follow_up_due"], row["draft_id"]) == (
        "followed_up", 1, "2026-12-02", first)
    draft = store.frame("SELECT * FROM drafts").iloc[0]
    assert (draft["kind"], draft["status"], draft["sent_on"]) == (
        "feedback_follow_up", "sent", "2026-11-25")


def test_store_send_follow_up_refuses_closed_requests_and_writes_nothing(store: Store) -> None:
    rid = _request(store, _application(store))
    store.change_feedback_status(rid, "declined", 1)
    before = _snapshot(store)
    with pytest.raises(ValidationError) as err:
        store.send_feedback_follow_up(rid, 2, subject="S", body="B", request_token="t")
    assert "status" in err.value.errors
    with pytest.raises(ValidationError) as err:
        store.send_feedback_follow_up(rid, 2, subject="S\nBcc: x", body="B", request_token="u")
    assert "draft" in err.value.errors
    assert _snapshot(store) == before and store.count("drafts") == 0


@given(st.lists(st.tuples(st.dates(min_value=date(2024, 1, 1), max_value=date(2027, 12, 31)),
                          st.lists(st.sampled_from(fb.DEFAULT_THEMES), max_size=4, unique=True)),
                max_size=40),
       st.sampled_from(["week", "month"]))
def test_theme_aggregation_adds_up(rows: list, freq: str) -> None:
    replies = pd.DataFrame({"received_on": [d.isoformat() for d, _ in rows],
                            "themes": [json.dumps(t) for _, t in rows]},
                           columns=["received_on", "themes"])
    pairs = sum(len(t) for _, t in rows)
    counts = fb.theme_counts_over_time(replies, freq)
    top = fb.top_themes(replies)
    assert int(counts["replies"].sum()) == pairs == int(top["replies"].sum())
    assert not counts.duplicated(["period", "theme"]).any()
    if freq == "week":
        assert all(p.weekday() == 0 for p in counts["period"])
    else:
        assert all(p.day == 1 for p in counts["period"])
    if pairs:
        assert top["replies"].is_monotonic_decreasing
