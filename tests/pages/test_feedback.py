"""The feedback page in AppTest: through app.py + switch_page and opened directly."""

from __future__ import annotations

import json
import re
from datetime import date

import pytest
from streamlit.testing.v1 import AppTest

from nextround import feedback as fb
from nextround.store import Store
from tests import factories
from tests.conftest import chart_frames, no_exception, open_page

PAGE = "app_pages/feedback.py"
PAYLOADS = ("<img src=x onerror=alert(1)>", "[x](javascript:alert(1))",
            "![t](http://example.com/p.png)", "$5k–$10k", ":red[x]")
BOTH = pytest.mark.parametrize("via_app", [True, False], ids=["via_app", "direct"])


def _submit(at: AppTest, label: str) -> AppTest:
    button = next(b for b in at.button if b.label == label)
    return button.click().run()


def _snapshot(store: Store) -> tuple:
    return (store.frame("SELECT * FROM feedback_requests ORDER BY id").to_dict("records"),
            store.frame("SELECT * FROM drafts").to_dict("records"),
            store.frame("SELECT * FROM actions").to_dict("records"))


def _errors(at: AppTest) -> list[str]:
    return [e.value for e in at.error]


def _open_tab(at: AppTest, label: str) -> AppTest:
    """Open one of the page's tabs, as a click on it does: only the open tab's display is
    drawn; a form is drawn from its tab's first opening on."""
    at.session_state["feedback_tab"] = label
    return at.run()


@BOTH
def test_empty_page_says_what_to_do(via_app: bool) -> None:
    at = open_page(PAGE, via_app=via_app)
    no_exception(at)
    assert at.title[0].value == "Feedback"
    infos = " ".join(i.value for i in at.info)
    assert "Nothing needs a follow-up" in infos
    assert "No feedback requests yet" in infos
    assert "When feedback arrives" not in infos  # the Themes tab is closed
    assert "Add the application on the Applications page" not in infos  # nor is Ask
    _open_tab(at, "Ask")
    assert "Add the application on the Applications page" in " ".join(i.value for i in at.info)
    _open_tab(at, "Themes")
    no_exception(at)
    assert "When feedback arrives" in " ".join(i.value for i in at.info)
    assert [m.value for m in at.metric] == ["0", "0", "–", "–"]


@BOTH
def test_request_follow_up_reply_and_chart(store: Store, via_app: bool) -> None:
    app_id = factories.rejected(store)
    at = open_page(PAGE, via_app=via_app)
    no_exception(at)

    # record a request
    _open_tab(at, "Ask")
    at.date_input(key=f"feedback_new_on_{app_id}").set_value(date(2026, 11, 10))
    at.selectbox(key=f"feedback_new_channel_{app_id}").set_value("linkedin")
    at.text_input(key=f"feedback_new_whom_{app_id}").input("Sam Lee")
    _submit(at, "Save the request")
    no_exception(at)
    (row,) = store.frame("SELECT * FROM feedback_requests").to_dict("records")
    assert (row["asked_on"], row["channel"], row["asked_whom"], row["follow_up_due"],
            row["status"]) == ("2026-11-10", "linkedin", "Sam Lee", "2026-11-17", "awaiting")
    rid = int(row["id"])

    # it is overdue, so it's in "due for follow-up"; mark it followed up there
    assert any("Overdue by 8 days" in m.value for m in at.markdown)
    at.button(key=f"feedback_mark_{rid}").click().run()
    no_exception(at)
    row = store.feedback.request(rid)
    assert (row.status, row.follow_ups, row.follow_up_due) == (
        "followed_up", 1, date(2026, 12, 2))
    assert not any("Overdue" in m.value for m in at.markdown)

    # record a reply with themes
    _open_tab(at, "Record a reply")
    at.selectbox(key="feedback_reply_pick").set_value(rid)
    at.run()
    at.date_input(key=f"feedback_reply_on_{rid}").set_value(date(2026, 11, 20))
    at.text_area(key=f"feedback_reply_text_{rid}").input("Great talk; go deeper on SQL.")
    at.multiselect(key=f"feedback_reply_themes_{rid}").set_value(
        ["technical depth", "communication"])
    _submit(at, "Save the reply")
    no_exception(at)
    row = store.feedback.request(rid)
    assert (row.status, row.received_on) == ("received", date(2026, 11, 20))
    assert json.loads(row.themes) == ["technical depth", "communication"]

    # see the numbers and the themes; one reply is not yet a pattern over time
    _open_tab(at, "Themes")
    no_exception(at)
    assert not chart_frames(at)
    assert ("Themes over time appear after your third reply tagged with a theme. You have one "
            "tagged reply so far; the table below shows every one.") in [i.value for i in at.info]
    assert sorted(_themes_table(at)) == ["communication", "technical depth"]
    assert [m.value for m in at.metric] == ["1", "1", "1 of 1", "10"]  # counts below five
    assert "Great talk; go deeper on SQL." in [t.value for t in at.text]


def test_a_reply_dated_after_today_opens_as_stored(store: Store) -> None:
    """A reply saved on a later day (a time zone ahead, a clock put back) still opens."""
    request_id = factories.feedback_request(store, factories.rejected(store), "2026-11-02")
    factories.feedback_reply(store, request_id, "2026-12-04", "Kind words.",
                             today=date(2026, 12, 10))
    at = _open_tab(open_page(PAGE), "Record a reply")
    at.selectbox(key="feedback_reply_pick").set_value(request_id)
    at.run()
    no_exception(at)
    assert at.date_input(key=f"feedback_reply_on_{request_id}").value == date(2026, 12, 4)


@BOTH
def test_quick_status_change_and_invalid_options(store: Store, via_app: bool) -> None:
    app_id = factories.rejected(store)
    rid = factories.feedback_request(store, app_id, "2026-11-24")
    at = open_page(PAGE, via_app=via_app)
    assert at.selectbox(key="feedback_status_pick").value == rid
    new = at.selectbox(key=f"feedback_status_new_{rid}")
    assert new.options == ["Followed up", "Received", "Declined", "No reply"]  # valid, as labels
    new.set_value("declined")
    at.button(key="feedback_status_save").click().run()
    no_exception(at)
    assert store.feedback.request(rid).status == "declined"
    # declined can only be reopened
    assert at.selectbox(key=f"feedback_status_new_{rid}").options == ["Awaiting reply"]


def test_follow_up_draft_is_sent_once_and_marks_followed_up(store: Store) -> None:
    app_id = factories.rejected(store, "Acme & Co", contact_name="Sam",
                                contact_email="sam@acme.example")
    rid = factories.feedback_request(store, app_id, "2026-11-01", asked_whom="Sam")
    at = open_page(PAGE, via_app=False)
    at.button(key=f"feedback_draft_{rid}").click().run()
    no_exception(at)
    body = at.text_area(key=f"feedback_body_{rid}_warm").value
    assert "Acme & Co" in body and body.startswith("Hi Sam,")
    assert at.text_input(key=f"feedback_subject_{rid}_warm").value.startswith("Following up")
    at.button(key=f"feedback_send_{rid}_mark_sent").click().run()
    no_exception(at)
    row = store.feedback.request(rid)
    assert (row.status, row.follow_ups, row.follow_up_due) == (
        "followed_up", 1, date(2026, 12, 2))
    (draft,) = store.frame("SELECT * FROM drafts").to_dict("records")
    assert (draft["kind"], draft["status"], draft["sent_on"], draft["to_email"]) == (
        "feedback_follow_up", "sent", "2026-11-25", "sam@acme.example")
    assert row.draft_id == draft["id"]
    # the draft closed; the same token again (double click) would record nothing new
    assert f"feedback_send_{rid}_mark_sent" not in [b.key for b in at.button]


def test_two_unanswered_follow_ups_suggest_no_reply(store: Store) -> None:
    app_id = factories.rejected(store)
    rid = factories.feedback_request(store, app_id, "2026-10-01")
    fb.change_status(store, rid, "followed_up", 1, today=date(2026, 10, 8))
    fb.change_status(store, rid, "followed_up", 2, today=date(2026, 10, 15))
    at = open_page(PAGE, via_app=False)
    no_exception(at)
    (hint,) = [i.value for i in at.info if "two follow-ups without an answer" in i.value]
    assert "common" in hint and "says nothing about you" in hint
    assert any("2 follow-ups without an answer" in c.value for c in at.caption)
    at.button(key=f"feedback_close_{rid}").click().run()
    no_exception(at)
    assert store.feedback.request(rid).status == "no_reply"
    assert not any("without an answer" in i.value for i in at.info)


def test_one_follow_up_does_not_suggest_closing(store: Store) -> None:
    rid = factories.feedback_request(store, factories.rejected(store), "2026-10-01")
    fb.change_status(store, rid, "followed_up", 1, today=date(2026, 10, 8))
    at = open_page(PAGE, via_app=False)
    assert not any("without an answer" in i.value for i in at.info)
    assert f"feedback_close_{rid}" not in [b.key for b in at.button]


@pytest.mark.parametrize("case", ["received_before_asked", "huge_text", "due_before_asked",
                                  "valid_reply_control"])
def test_bad_input_shows_a_message_and_writes_nothing(store: Store, case: str) -> None:
    app_id = factories.rejected(store)
    rid = factories.feedback_request(store, app_id, "2026-11-10")
    before = _snapshot(store)
    at = open_page(PAGE, via_app=False)
    if case == "due_before_asked":
        _open_tab(at, "Ask")
        at.date_input(key=f"feedback_new_on_{app_id}").set_value(date(2026, 11, 20))
        at.date_input(key=f"feedback_new_due_{app_id}").set_value(date(2026, 11, 19))
        _submit(at, "Save the request")
        expected = "Follow-up date can't be before the date you asked (2026-11-20)."
    else:
        _open_tab(at, "Record a reply")
        at.selectbox(key="feedback_reply_pick").set_value(rid)
        at.run()
        on = {"received_before_asked": date(2026, 11, 9), "huge_text": date(2026, 11, 20),
              "valid_reply_control": date(2026, 11, 20)}[case]
        at.date_input(key=f"feedback_reply_on_{rid}").set_value(on)
        if case == "huge_text":
            at.text_area(key=f"feedback_reply_text_{rid}").input("x" * 100_000)
        _submit(at, "Save the reply")
        expected = {"received_before_asked":
                    "Date received can't be before you asked (2026-11-10).",
                    "huge_text": "The feedback is too long (100,000 characters; the limit is "
                                 "10,000).",
                    "valid_reply_control": None}[case]
    no_exception(at)
    if expected is None:  # a valid reply, as a control: it is written
        assert store.feedback.request(rid).status == "received"
        return
    assert expected in _errors(at)
    assert _snapshot(store) == before


def test_user_text_is_never_rendered_as_markup(store: Store) -> None:
    for i, payload in enumerate(PAYLOADS):
        app_id = factories.rejected(store, f"{payload} co", role=payload)
        rid = factories.feedback_request(store, app_id, f"2026-10-0{i + 1}", asked_whom=payload)
        factories.feedback_reply(store, rid, "2026-10-20", payload, ("skills gap",))
    overdue = factories.feedback_request(store, factories.rejected(store, PAYLOADS[0]),
                                         "2026-11-01", asked_whom=PAYLOADS[1])
    at = open_page(PAGE, via_app=False)
    no_exception(at)
    assert f"feedback_draft_{overdue}" in [b.key for b in at.button]
    _inert(at)
    _open_tab(at, "Themes")  # the replies, by theme
    no_exception(at)
    texts = [t.value for t in at.text]
    assert set(PAYLOADS) <= set(texts)
    _inert(at)


def _inert(at: AppTest) -> None:
    """No markdown or caption on the page renders user text as markup."""
    for element in [*at.markdown, *at.caption]:
        if element.value.startswith(":orange-badge[") or element.value.startswith(":blue-badge["):
            continue  # our own badge; its text is ours
        bare = re.sub(r"\\.", "", element.value)  # drop escaped characters: they are inert
        for danger in ("<", "](", "![", ":red[", "$"):
            assert danger not in bare, element.value


def test_add_theme_to_game_plan_once(store: Store) -> None:
    rid = factories.feedback_request(store, factories.rejected(store), "2026-11-01")
    factories.feedback_reply(store, rid, "2026-11-05", "More depth.", ("technical depth",))
    at = _open_tab(open_page(PAGE, via_app=False), "Themes")
    assert at.selectbox(key="feedback_theme_pick").value == "technical depth"
    at.button(key="feedback_add_plan").click().run()
    at.button(key="feedback_add_plan").click().run()
    no_exception(at)
    (action,) = store.frame("SELECT * FROM actions").to_dict("records")
    assert (action["source_kind"], action["source_label"], action["due_on"]) == (
        "feedback", "technical depth", "2026-12-09")


def test_edit_theme_list(store: Store) -> None:
    rid = factories.feedback_request(store, factories.rejected(store), "2026-11-01")
    at = open_page(PAGE, via_app=False)
    version = store.settings.get().version
    at.text_area(key=f"feedback_themes_text_{version}").input("salary\nskills gap\nSalary\n")
    _submit(at, "Save themes")
    no_exception(at)
    assert fb.saved_themes(store) == ["salary", "skills gap"]
    _open_tab(at, "Record a reply")
    at.selectbox(key="feedback_reply_pick").set_value(rid)
    at.run()
    assert at.multiselect(key=f"feedback_reply_themes_{rid}").options == ["salary",
                                                                          "skills gap"]
    # an empty list is refused, next to the field
    version = store.settings.get().version
    at.text_area(key=f"feedback_themes_text_{version}").input("  \n ")
    _submit(at, "Save themes")
    assert "Keep at least one theme (one per line)." in _errors(at)
    assert fb.saved_themes(store) == ["salary", "skills gap"]


def test_table_pages_and_searches(store: Store) -> None:
    app_id = factories.rejected(store, "Acme")
    other = factories.rejected(store, "Bolt", applied_on="2026-09-01")
    for day in range(1, 29):
        factories.feedback_request(store, app_id, f"2026-10-{day:02d}")
    factories.feedback_request(store, other, "2026-09-15")
    at = open_page(PAGE, via_app=False)
    no_exception(at)
    table = at.dataframe[0]
    assert len(table.value) == 25
    at.number_input(key="feedback_page").set_value(2).run()
    table = at.dataframe[0]
    assert len(table.value) == 4 and table.value["Company"].iloc[-1] == "Bolt"
    at.text_input(key="feedback_filter_query").input("bolt").run()
    assert at.dataframe[0].value["Company"].tolist() == ["Bolt"]


# --- what the feedback says: a chart of a fixed recent window, the table of every reply ------

def _themes_table(at: AppTest) -> list[str]:
    (table,) = [d.value for d in at.dataframe if "Theme" in d.value.columns]
    return table["Theme"].tolist()


def test_chart_shows_the_last_months_and_the_table_every_reply(store: Store) -> None:
    factories.received_reply(store, "2024-03-01", "Old news.", ("salary",), company="Old")
    factories.received_reply(store, "2026-11-05", "Recent.", ("skills gap",), company="New")
    factories.received_reply(store, "2026-11-10", "Also recent.", ("skills gap",),
                             company="Newer")
    at = _open_tab(open_page(PAGE, via_app=False), "Themes")
    no_exception(at)
    (counts,) = chart_frames(at)
    assert counts["theme"].tolist() == ["skills gap"]  # 2024 is outside the window
    captions = " ".join(c.value for c in at.caption)
    assert "from December 2025 to November 2026 (the last 12 months), by month" in captions
    assert "The chart starts at the first month with a reply." in captions  # no empty months
    assert "Other themes" not in captions
    assert sorted(_themes_table(at)) == ["salary", "skills gap"]  # the table: all time

    at.radio(key="feedback_freq").set_value("week").run()
    no_exception(at)
    (counts,) = chart_frames(at)
    assert counts["replies"].tolist() == [1, 1]  # the weeks of 2 and 9 November
    assert "(the last 26 weeks), by week" in " ".join(c.value for c in at.caption)

    at.selectbox(key="feedback_theme_pick").set_value("salary").run()
    no_exception(at)
    assert "Old news." in [t.value for t in at.text]


def test_old_replies_only_say_so_instead_of_an_empty_chart(store: Store) -> None:
    for n in range(3):
        factories.received_reply(store, f"2024-03-0{n + 1}", "Old news.", ("salary",),
                                 company=f"Old {n}")
    at = _open_tab(open_page(PAGE, via_app=False), "Themes")
    no_exception(at)
    assert chart_frames(at) == []
    assert any("No replies with a theme in the last 12 months" in i.value for i in at.info)
    assert _themes_table(at) == ["salary"]
    assert "Old news." in [t.value for t in at.text]


def test_chart_names_the_top_themes_and_groups_the_rest(store: Store) -> None:
    themes = [f"theme {i:02d}" for i in range(fb.CHART_THEMES + 3)]
    for i, theme in enumerate(themes):  # theme 00 in 11 replies, ..., theme 10 in 1
        for n in range(len(themes) - i):
            factories.received_reply(store, f"2026-{10 + n % 2}-{1 + n:02d}", "x", (theme,),
                                     company=f"Co {i}-{n}")
    at = _open_tab(open_page(PAGE, via_app=False), "Themes")
    no_exception(at)
    (counts,) = chart_frames(at)
    assert set(counts["theme"]) == {*themes[:fb.CHART_THEMES], "Other themes"}
    assert len(counts) <= 2 * (fb.CHART_THEMES + 1)  # two months with replies
    other = counts[counts["theme"] == "Other themes"]["replies"].sum()
    assert other == 3 + 2 + 1
    assert "“Other themes” counts the replies that mention any of the rest" in " ".join(
        c.value for c in at.caption)
    assert len(_themes_table(at)) == len(themes)


def test_a_reply_that_is_also_a_no_starts_the_path_after_a_no(store: Store) -> None:
    app = factories.application(store, "Acme", applied_on="2026-10-01",
                                stages=[("interviewing", "2026-10-10")])
    rid = factories.feedback_request(store, app, "2026-11-01")
    at = _open_tab(open_page("app_pages/feedback.py"), "Record a reply")
    at.selectbox(key="feedback_reply_pick").set_value(rid).run()
    at.text_area(key=f"feedback_reply_text_{rid}").input("We went with someone else.")
    at.checkbox(key=f"feedback_reply_no_{rid}").check()
    _submit(at, "Save the reply")
    no_exception(at)
    assert store.feedback.request(rid).status == "received"
    record = store.applications.get(app)
    assert (record.stage, record.stage_on) == ("rejected", date(2026, 11, 25))
    # The path is offered right there, at the reply step (the request is asked already).
    panel = [m.value for m in at.subheader]
    assert "After the no from Acme" in panel
    assert any("Step 1 of 5: Reply" in m.value for m in at.markdown)
    # An ended application is left as it ended, and the choice isn't offered.
    at.run()
    assert not [c for c in at.checkbox if c.key == f"feedback_reply_no_{rid}"]


def test_a_reply_is_a_no_only_when_the_user_says_so(store: Store) -> None:
    app = factories.application(store, "Acme", applied_on="2026-10-01",
                                stages=[("screening", "2026-10-05")])
    rid = factories.feedback_request(store, app, "2026-11-01")
    factories.feedback_reply(store, rid, "2026-11-20", "Keep going")
    assert store.applications.get(app).stage == "screening"
    accepted = factories.application(store, "Beta", applied_on="2026-10-01",
                                     stages=[("offer", "2026-10-20"), ("accepted", "2026-11-01")])
    other = factories.feedback_request(store, accepted, "2026-11-02")
    fb.record_reply(store, other, fb.Reply(date(2026, 11, 20), "Thanks", ()), 1,
                    it_was_a_no=True)
    assert store.applications.get(accepted).stage == "accepted"  # an ended one stays


# --- lazy tabs: a closed tab's display is not drawn, its forms are --------------------------

def test_a_closed_tab_draws_no_display_and_opening_it_does(store: Store) -> None:
    for n in range(3):
        factories.received_reply(store, f"2026-11-0{n + 1}", "Go deeper.", ("skills gap",),
                                 company=f"Co {n}")
    at = open_page(PAGE, via_app=False)
    no_exception(at)
    # Requests is open: its table, and nothing of Themes' display (no chart, no theme table)
    assert chart_frames(at) == []
    assert "What the feedback says" not in [h.value for h in at.subheader]
    assert [d.value.columns[0] for d in at.dataframe] == ["Company"]
    # Themes opened: its chart and table; the requests table is no longer drawn
    _open_tab(at, "Themes")
    no_exception(at)
    (counts,) = chart_frames(at)
    assert counts["replies"].sum() == 3
    assert _themes_table(at) == ["skills gap"]
    assert "feedback_table" not in [d.proto.id for d in at.dataframe]
    assert [d.value.columns[0] for d in at.dataframe] == ["Theme"]


def test_typed_text_survives_switching_tabs(store: Store) -> None:
    """A tab's form is drawn from the tab's first opening on, whatever is open after (a
    form's unsaved text lives in the browser, kept as long as the form is drawn:
    tests/e2e/test_feedback.py). Before its first opening nothing is drawn: nothing can
    have been typed."""
    app_id = factories.rejected(store, "Acme")
    factories.rejected(store, "Bolt")
    rid = factories.feedback_request(store, app_id, "2026-11-10")
    at = open_page(PAGE, via_app=False)
    keys = {w.key for w in at.text_input}
    assert not {"feedback_reply_query", "feedback_new_query"} & keys
    _open_tab(at, "Record a reply")
    _open_tab(at, "Ask")
    _open_tab(at, "Requests")
    at.text_input(key="feedback_reply_query").input("acme")
    at.text_input(key="feedback_new_query").input("bolt")
    at.run()
    for label in ("Themes", "Requests", "Ask", "Record a reply"):
        _open_tab(at, label)
        no_exception(at)
        assert at.text_input(key="feedback_reply_query").value == "acme"
        assert at.text_input(key="feedback_new_query").value == "bolt"
        assert {f"feedback_reply_form_{rid}", "feedback_themes_form"} <= {
            f.proto.form.form_id for f in at.get("form")}


def test_the_requests_filters_survive_switching_tabs(store: Store) -> None:
    factories.feedback_request(store, factories.rejected(store, "Acme"), "2026-11-10")
    factories.feedback_request(store, factories.rejected(store, "Bolt"), "2026-11-11")
    at = open_page(PAGE, via_app=False)
    at.multiselect(key="feedback_filter_status").set_value(["awaiting"])
    at.text_input(key="feedback_filter_query").input("bolt").run()
    assert at.dataframe[0].value["Company"].tolist() == ["Bolt"]
    _open_tab(at, "Themes")
    assert "feedback_table" not in [d.proto.id for d in at.dataframe]
    _open_tab(at, "Requests")
    no_exception(at)
    assert at.multiselect(key="feedback_filter_status").value == ["awaiting"]
    assert at.text_input(key="feedback_filter_query").value == "bolt"
    assert at.dataframe[0].value["Company"].tolist() == ["Bolt"]


def test_the_themes_picks_survive_switching_tabs(store: Store) -> None:
    """Themes is drawn only while open; its grouping and picked theme are kept meanwhile."""
    factories.received_reply(store, "2026-11-05", "Recent.", ("skills gap",), company="New")
    factories.received_reply(store, "2026-11-10", "Pay.", ("salary",), company="Newer")
    factories.received_reply(store, "2026-11-12", "Depth.", ("skills gap",), company="Newest")
    at = _open_tab(open_page(PAGE, via_app=False), "Themes")
    at.radio(key="feedback_freq").set_value("week").run()
    at.selectbox(key="feedback_theme_pick").set_value("salary").run()
    _open_tab(at, "Requests")
    assert "feedback_freq" not in [r.key for r in at.radio]  # not drawn while closed
    _open_tab(at, "Themes")
    no_exception(at)
    assert at.radio(key="feedback_freq").value == "week"
    assert at.selectbox(key="feedback_theme_pick").value == "salary"
    assert "Pay." in [t.value for t in at.text]


def test_the_numbers_and_themes_are_current_after_a_write(store: Store) -> None:
    """They are cached until the next write: a saved reply changes them at once."""
    rid = factories.feedback_request(store, factories.rejected(store), "2026-11-10")
    at = _open_tab(open_page(PAGE, via_app=False), "Themes")
    assert [m.value for m in at.metric][:2] == ["1", "0"]
    assert any("When feedback arrives" in i.value for i in at.info)
    _open_tab(at, "Record a reply")
    at.selectbox(key="feedback_reply_pick").set_value(rid).run()
    at.text_area(key=f"feedback_reply_text_{rid}").input("Clear and kind.")
    at.multiselect(key=f"feedback_reply_themes_{rid}").set_value(["communication"])
    _submit(at, "Save the reply")
    no_exception(at)
    assert [m.value for m in at.metric][:2] == ["1", "1"]
    _open_tab(at, "Themes")
    assert _themes_table(at) == ["communication"]
    assert "Clear and kind." in [t.value for t in at.text]
