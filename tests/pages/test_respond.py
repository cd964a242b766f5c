"""The Respond page, through app.py and alone: draft, edit, send, mark as sent."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, date, datetime

import pytest
from streamlit.testing.v1 import AppTest

from nextround import sending
from nextround.store import Store
from tests import factories
from tests.conftest import TODAY, no_exception, open_page

PAGE = "app_pages/respond.py"
BOTH = pytest.mark.parametrize("via_app", [True, False], ids=["via_app", "direct"])


def count(store: Store, sql: str) -> int:
    return int(store.frame(sql)["n"].iloc[0])


def drafts(store: Store):
    return store.frame("SELECT * FROM drafts ORDER BY id")


def metric(at, label: str) -> str:
    return next(m.value for m in at.metric if m.label == label)


def mail_links(at) -> list:
    return [b for b in at.get("link_button") if b.proto.label == "Open in my mail app"]


def open_respond(via_app: bool):
    at = open_page(PAGE, via_app=via_app)
    no_exception(at)
    return at


@BOTH
def test_opens_on_rejections_waiting_for_a_reply_newest_first(store: Store, via_app) -> None:
    role = "Product Designer"
    old = factories.rejected_after_interview(store, "Older Co", role=role,
                                             rejected_on="2026-11-02")
    new = factories.rejected_after_interview(store, "Newer Co", role=role,
                                             rejected_on="2026-11-21")
    answered = factories.rejected_after_interview(store, "Answered Co", role=role,
                                                  rejected_on="2026-11-22")
    sending.mark_draft_sent(store, {"application_id": answered, "kind": "rejection_thanks",
                                    "tone": "warm", "company": "Answered Co", "role": "",
                                    "subject": "Thanks", "body": "Thank you."},
                            request_token="t-answered", sent_on=TODAY)
    at = open_respond(via_app)
    picker = at.selectbox(key="respond_app")
    assert picker.options == ["Newer Co · Product Designer · 2026-11-21",
                              "Older Co · Product Designer · 2026-11-02"]
    assert picker.value == new and old != new
    body = at.text_area(key="respond_body").value
    assert body.startswith("Hello Newer Co hiring team,")
    assert "Product Designer role at Newer Co" in body


def test_empty_database_says_what_respond_is_for(store: Store) -> None:
    at = open_respond(False)
    assert at.radio(key="respond_source").options == [
        "Rejections I haven't answered", "Any application", "Not tracked here"]
    [info] = at.info
    assert "Respond is for the moment after a no" in info.value
    assert "thank-you keeps the door open" in info.value
    assert "Applications" in info.value and "Not tracked here" in info.value
    assert not at.success  # not "Every rejection has a reply": there was none
    assert not at.get("text_area") and not at.get("selectbox")  # no options for nothing


def test_no_rejection_yet_and_every_rejection_answered_say_so(store: Store) -> None:
    app_id = factories.application(store, "Acme", stages=[("screening", "2026-11-10")])
    at = open_respond(False)
    assert any("None of your applications is marked rejected" in i.value for i in at.info)
    assert not at.success and not at.get("text_area")
    factories.move(store, app_id, "rejected", "2026-11-20")
    sending.mark_draft_sent(store, {"application_id": app_id, "kind": "rejection_thanks",
                                    "tone": "warm", "company": "Acme", "role": "",
                                    "subject": "Thanks", "body": "Thank you."},
                            request_token="t-acme", sent_on=TODAY)
    at = open_respond(False)
    assert any("Every rejection has a reply" in s.value for s in at.success)
    assert not at.get("text_input")  # nothing to search among
    at.radio(key="respond_source").set_value("any").run()
    assert at.selectbox(key="respond_app").value == app_id and at.text_area(key="respond_body")
    at.text_input(key="respond_search").input("Globex").run()
    assert any("Nothing matches that search" in i.value for i in at.info)
    at.text_input(key="respond_search").input("").run()  # the box stays, to clear it
    assert at.selectbox(key="respond_app").value == app_id


@BOTH
def test_draft_edit_mark_sent_changes_the_rate_and_opens_one_feedback_request(
        store: Store, via_app) -> None:
    app_id = factories.rejected_after_interview(store, "Acme Inc.",
                                                contact_name="Zoë O'Brien-Núñez",
                                                contact_email="zoe@acme.example")
    factories.rejected_after_interview(store, "Globex", role="Product Designer",
                                       rejected_on="2026-11-10")
    settings = store.settings.get()
    store.settings.save(type(settings)(**{**settings.__dict__, "name": "Sam Lee",
                                          "signature": "Sam Lee\nsam@example.com"}))
    if via_app:
        at = open_page("app_pages/progress.py")
        no_exception(at)
        before = metric(at, "Always-respond rate")
        at.switch_page(PAGE).run()
    else:
        before = None
        at = open_page(PAGE, via_app=False)
    no_exception(at)
    assert at.selectbox(key="respond_app").value == app_id
    assert at.selectbox(key="respond_stage").value == "interview"  # from the history
    assert at.text_input(key="respond_contact_email").value == "zoe@acme.example"
    at.checkbox(key="respond_ask_feedback").check().run()
    at.text_input(key="respond_highlight").input("the pairing exercise.").run()
    body = at.text_area(key="respond_body").value
    assert body.startswith("Hi Zoë,\n")  # the first name of Zoë O'Brien-Núñez
    assert "the pairing exercise." in body and ".." not in body and "feedback" in body
    assert body.endswith("Sam Lee\nsam@example.com") and body.count("Sam Lee") == 1
    edited = body.replace("Hi Zoë,", "Dear Zoë,")
    at.text_area(key="respond_body").input(edited).run()
    at.text_input(key="respond_subject").input("Thank you & best wishes").run()
    no_exception(at)
    assert mail_links(at)[0].proto.url.startswith("mailto:zoe@acme.example?subject=")
    at.button(key="respond_mark_sent").click().run()
    no_exception(at)
    rows = drafts(store)
    assert len(rows) == 1
    row = rows.iloc[0]
    assert (row["status"], row["sent_on"], row["application_id"]) == ("sent", TODAY.isoformat(),
                                                                        app_id)
    assert row["body"] == edited and row["subject"] == "Thank you & best wishes"
    assert row["to_email"] == "zoe@acme.example" and row["kind"] == "rejection_thanks"
    feedback = store.frame("SELECT * FROM feedback_requests")
    assert len(feedback) == 1
    request = feedback.iloc[0]
    assert request["asked_on"] == TODAY.isoformat() and request["status"] == "awaiting"
    assert request["follow_up_due"] == date(2026, 12, 2).isoformat()
    assert request["channel"] == "email" and int(request["draft_id"]) == int(row["id"])
    # The double click: the second submit carries the same request token.
    at.button(key="respond_mark_sent").click().run()
    no_exception(at)
    assert len(drafts(store)) == 1
    assert count(store, "SELECT count(*) AS n FROM feedback_requests") == 1
    assert any("Marked as sent" in s.value for s in at.success)
    # The answered application stays picked until the user moves on, then leaves the list.
    picker = at.selectbox(key="respond_app")
    assert picker.value == app_id and len(picker.options) == 2
    assert at.dataframe[0].value["status"].tolist() == ["sent"]
    at.selectbox(key="respond_app").select_index(1).run()
    at.run()
    assert at.selectbox(key="respond_app").options == ["Globex · Product Designer · 2026-11-10"]
    assert len(drafts(store)) == 1
    # The always-respond rate moved: 0 of 2 → 1 of 2.
    if via_app:
        at.switch_page("app_pages/progress.py").run()
        no_exception(at)
        after = metric(at, "Always-respond rate")
        assert (before, after) == ("0 of 2", "1 of 2")  # below five rejections: counts


def test_double_click_stores_one_draft(store: Store) -> None:
    factories.rejected_after_interview(store, "Acme")
    at = open_respond(False)
    button = at.button(key="respond_mark_sent")
    button.click().run()
    at.button(key="respond_mark_sent").click().run()
    at.button(key="respond_mark_sent").click().run()
    no_exception(at)
    assert len(drafts(store)) == 1
    assert count(store, "SELECT count(*) AS n FROM feedback_requests") == 0
    # Re-running with the same token directly is a no-op that returns the same id.
    row = drafts(store).iloc[0]
    again = sending.mark_draft_sent(store, {"application_id": int(row["application_id"]),
                                            "kind": "rejection_thanks", "tone": "warm",
                                            "company": "Acme", "role": "", "subject": "Other",
                                            "body": "Other"},
                                    request_token=row["request_token"], sent_on=TODAY)
    assert again == int(row["id"]) and len(drafts(store)) == 1


def test_another_version_and_unsaved_edits_survive_rerun_and_page_switch(store: Store) -> None:
    factories.rejected_after_interview(store, "Acme")
    at = open_respond(True)
    first = at.text_area(key="respond_body").value
    at.button(key="respond_another").click().run()
    second = at.text_area(key="respond_body").value
    assert second != first and second.startswith("Hello Acme hiring team,")
    at.radio(key="respond_tone").set_value("formal").run()
    at.text_area(key="respond_body").input(second + "\nP.S. my edit").run()
    formal_edit = at.text_area(key="respond_body").value
    assert formal_edit.endswith("P.S. my edit")
    at.run()
    assert at.text_area(key="respond_body").value == formal_edit
    at.switch_page("app_pages/progress.py").run()
    no_exception(at)
    at.switch_page(PAGE).run()
    no_exception(at)
    assert at.text_area(key="respond_body").value == formal_edit
    assert at.radio(key="respond_tone").value == "formal"
    assert len(drafts(store)) == 0


def test_role_filled_drops_the_wish_to_fill_it(store: Store) -> None:
    factories.rejected_after_interview(store, "Acme", contact_name="Priya Raman")
    at = open_respond(False)
    body = at.text_area(key="respond_body").value
    assert body.startswith("Hi Priya,\n") and "success in filling the role" in body
    at.checkbox(key="respond_role_filled").check().run()
    body = at.text_area(key="respond_body").value
    assert "filling" not in body and "Priya" in body
    at.radio(key="respond_tone").set_value("formal").run()
    assert at.text_area(key="respond_body").value.startswith("Dear Priya Raman,\n")
    # Only the thank-you wishes them well with the hiring, so only it offers the box.
    at.selectbox(key="respond_kind").set_value("feedback_request").run()
    assert not [c for c in at.checkbox if c.key == "respond_role_filled"]
    at.selectbox(key="respond_kind").set_value("rejection_thanks").run()
    assert at.checkbox(key="respond_role_filled").value is True  # kept meanwhile


def _respond_opened_from_another_page(app_id: int, page: str) -> None:
    """What the guided path after a no does: ask for one application, then show Respond."""
    import runpy

    import streamlit as st

    from nextround.ui.respond import preselect

    if "asked" not in st.session_state:
        st.session_state["asked"] = True
        preselect(app_id)
    runpy.run_path(page, run_name="__main__")


def test_preselect_opens_respond_on_that_application_once(store: Store) -> None:
    from tests.conftest import ROOT

    older = factories.rejected_after_interview(store, "Older Co", rejected_on="2026-11-02",
                                               contact_name="Ana Ruiz")
    newer = factories.rejected_after_interview(store, "Newer Co", rejected_on="2026-11-21")
    at = AppTest.from_function(_respond_opened_from_another_page, default_timeout=30,
                               args=(older, str(ROOT / PAGE)))
    # Earlier choices on Respond that would hide it: another kind, a search for another.
    at.session_state["respond__kept"] = {"kind": "stay_in_touch", "search": "Newer"}
    at.run()
    no_exception(at)
    assert at.radio(key="respond_source").value == "waiting"
    assert at.text_input(key="respond_search").value == ""
    assert at.selectbox(key="respond_app").value == older
    assert at.selectbox(key="respond_kind").value == "rejection_thanks"
    assert at.text_area(key="respond_body").value.startswith("Hi Ana,\n")
    assert "respond__preselect" not in at.session_state
    at.run()  # a rerun keeps it
    assert at.selectbox(key="respond_app").value == older
    at.selectbox(key="respond_app").set_value(newer).run()
    at.run()  # honoured once: the user's own pick stays
    assert at.selectbox(key="respond_app").value == newer
    assert at.text_area(key="respond_body").value.startswith("Hello Newer Co hiring team,")


def test_preselect_through_the_app_opens_an_answered_rejection(store: Store) -> None:
    """Set in the session by another page, then a page switch: Respond opens on it even when
    its thank-you was sent already (it is no longer in the list), until another is picked."""
    from nextround.ui.respond.state import PRESELECT

    answered = factories.rejected_after_interview(store, "Answered Co", rejected_on="2026-11-22")
    sending.mark_draft_sent(store, {"application_id": answered, "kind": "rejection_thanks",
                                    "tone": "warm", "company": "Answered Co", "role": "",
                                    "subject": "Thanks", "body": "Thank you."},
                            request_token="t-answered", sent_on=TODAY)
    waiting = factories.rejected_after_interview(store, "Waiting Co", rejected_on="2026-11-10")
    at = open_page("app_pages/progress.py")
    at.session_state[PRESELECT] = (answered, "rejection_thanks")
    at.switch_page(PAGE).run()
    no_exception(at)
    picker = at.selectbox(key="respond_app")
    assert picker.value == answered and len(picker.options) == 2
    assert "Answered Co" in at.text_area(key="respond_body").value
    assert at.dataframe[0].value["status"].tolist() == ["sent"]  # what was sent already
    at.selectbox(key="respond_app").set_value(waiting).run()
    at.run()
    assert at.selectbox(key="respond_app").options == ["Waiting Co · 2026-11-10"]


@pytest.mark.parametrize("payload", ["Acme\r\nBcc: evil@example.com", "Hi\nthere"])
def test_line_break_in_edited_subject_is_refused_next_to_the_field(store: Store,
                                                                   payload: str) -> None:
    factories.rejected_after_interview(store, "Acme")
    at = open_respond(False)
    at.text_input(key="respond_subject").set_value(payload).run()
    no_exception(at)
    messages = [e.value for e in at.error]
    assert any("Subject must be a single line" in m for m in messages)
    assert not mail_links(at) and not at.get("download_button")
    assert not [b for b in at.button if b.key == "respond_mark_sent"]
    assert len(drafts(store)) == 0


@pytest.mark.parametrize(("field", "label"), [("company", "Company"), ("role", "Role"),
                                              ("contact_name", "Contact name"),
                                              ("contact_email", "Contact email")])
def test_line_break_in_one_line_fields_is_refused(store: Store, field: str, label: str) -> None:
    at = open_respond(False)
    at.radio(key="respond_source").set_value("untracked").run()
    at.text_input(key="respond_company").input("Acme").run()
    value = "x@acme.example\r\nBcc: evil@example.com" if field == "contact_email" else \
        "Acme\r\nBcc: evil@example.com"
    at.text_input(key=f"respond_{field}").set_value(value).run()
    no_exception(at)
    messages = [e.value for e in at.error]
    assert any(m.startswith(label) and "single line" in m for m in messages), messages
    assert not at.get("text_area") and not mail_links(at)
    assert len(drafts(store)) == 0


def test_untracked_company_can_be_drafted_and_marked_sent(store: Store) -> None:
    at = open_respond(False)
    at.radio(key="respond_source").set_value("untracked").run()
    assert any("Type the company" in i.value for i in at.info)
    at.text_input(key="respond_company").input("Initech").run()
    at.text_input(key="respond_role").input("Analyst").run()
    at.selectbox(key="respond_kind").set_value("stay_in_touch").run()
    at.selectbox(key="respond_stage").set_value("applied").run()
    body = at.text_area(key="respond_body").value
    assert "Analyst role at Initech" in body and "interview" not in body
    at.button(key="respond_mark_sent").click().run()
    no_exception(at)
    row = drafts(store).iloc[0]
    assert row["application_id"] is None or row["application_id"] != row["application_id"]
    assert (row["company"], row["role"], row["kind"]) == ("Initech", "Analyst", "stay_in_touch")


def test_save_for_later_and_a_stale_tab_cannot_overwrite(store: Store) -> None:
    app_id = factories.rejected_after_interview(store, "Acme")
    draft_id, _ = sending.save_draft(store, {"application_id": app_id, "kind": "feedback_request",
                                             "tone": "warm", "company": "Acme", "role": "",
                                             "subject": "Feedback?", "body": "Original text"},
                                     request_token="saved-1")
    tab_a, tab_b = open_respond(False), open_respond(False)
    for tab in (tab_a, tab_b):
        tab.radio(key="respond_source").set_value("any").run()
        assert tab.dataframe[0].value["subject"].tolist() == ["Feedback?"]
        assert tab.dataframe[0].value["sent_on"].tolist() == ["Not sent yet"]  # not "None"
        tab.button(key="respond_resume").click().run()
        no_exception(tab)
        assert tab.text_area(key="respond_body").value == "Original text"
    tab_a.text_area(key="respond_body").input("Tab A text").run()
    tab_a.button(key="respond_save").click().run()
    no_exception(tab_a)
    assert drafts(store).iloc[0]["body"] == "Tab A text"
    tab_b.text_area(key="respond_body").input("Tab B text").run()
    tab_b.button(key="respond_save").click().run()
    no_exception(tab_b)
    assert any("changed in another tab" in e.value for e in tab_b.error)
    rows = drafts(store)
    assert len(rows) == 1 and rows.iloc[0]["body"] == "Tab A text"
    assert int(rows.iloc[0]["id"]) == draft_id and int(rows.iloc[0]["version"]) == 2


def test_user_text_is_never_rendered_as_markdown(store: Store) -> None:
    payload = "<img src=x onerror=alert(1)> [x](javascript:alert(1)) $5k–$10k :red[x]"
    factories.rejected_after_interview(store, payload, role="![t](http://example.com/p.png)")
    at = open_respond(False)
    no_exception(at)
    for element in (*at.markdown, *at.caption, *at.success, *at.info, *at.error, *at.warning):
        assert "onerror" not in element.value and "javascript" not in element.value
    assert payload in at.text_area(key="respond_body").value


def test_stays_small_with_many_applications(store: Store) -> None:
    stamp = datetime.now(UTC).isoformat()
    rows = [{"company": f"Company {i}", "role": "Engineer", "applied_on": "2026-01-05",
             "stage": "rejected", "stage_on": f"2026-{1 + i % 10:02d}-{1 + i % 28:02d}",
             "created_at": stamp, "updated_at": stamp} for i in range(10_000)]
    store.transfer.insert_rows("applications", rows)
    at = open_respond(False)
    no_exception(at)
    picker = at.selectbox(key="respond_app")
    assert len(picker.options) == 50
    assert any("50 most recent of 10,000" in c.value for c in at.caption)
    at.text_input(key="respond_search").input("Company 9999").run()
    assert at.selectbox(key="respond_app").options == ["Company 9999 · Engineer · 2026-10-04"]


# --- the store methods behind the page ---------------------------------------------------------

def fields(app_id, **overrides):
    base = {"application_id": app_id, "kind": "rejection_thanks", "tone": "warm",
            "company": "Acme", "role": "Analyst", "to_email": "jo@acme.example",
            "subject": "Thank you", "body": "Hello,\n\nThank you.\n\nSam"}
    return {**base, **overrides}


@pytest.mark.parametrize(("field", "value"), [("subject", "Hi\r\nBcc: evil@example.com"),
                                              ("company", "Acme\nX"), ("role", "A\rB"),
                                              ("to_email", "jo@acme.example\nBcc: x@y.z"),
                                              ("subject", ""), ("kind", "nope")])
def test_mark_sent_refuses_bad_fields_and_writes_nothing(store: Store, field, value) -> None:
    from nextround.models import ValidationError

    app_id = factories.rejected_after_interview(store, "Acme")
    with pytest.raises(ValidationError) as caught:
        sending.mark_draft_sent(store, fields(app_id, **{field: value}), request_token="t1",
                                sent_on=TODAY, ask_feedback=True)
    assert field in caught.value.errors
    assert store.count("drafts") == 0 and store.count("feedback_requests") == 0


def test_feedback_request_opened_once_per_application(store: Store) -> None:
    app_id = factories.rejected_after_interview(store, "Acme")
    store.settings.save(replace(store.settings.get(), follow_up_days=10))  # the user's choice
    sending.mark_draft_sent(store, fields(app_id), request_token="a", sent_on=TODAY,
                            ask_feedback=True)
    sending.mark_draft_sent(store, fields(app_id, kind="feedback_request"), request_token="b",
                            sent_on=TODAY)
    requests = store.frame("SELECT follow_up_due, asked_whom FROM feedback_requests")
    assert len(requests) == 1 and requests.iloc[0]["follow_up_due"] == "2026-12-05"
    assert store.count("drafts") == 2
    assert [d.status for d in store.drafts.for_application(app_id)] == ["sent", "sent"]


def test_saved_draft_versions_and_sent_drafts_are_final(store: Store) -> None:
    from nextround.store import StaleVersionError

    app_id = factories.rejected_after_interview(store, "Acme")
    draft_id, version = sending.save_draft(store, fields(app_id), request_token="s")
    assert sending.save_draft(store, fields(app_id, body="v2"), request_token="s",
                              draft_id=draft_id,
                              version=version) == (draft_id, 2)
    with pytest.raises(StaleVersionError):
        sending.save_draft(store, fields(app_id, body="stale"), request_token="s",
                           draft_id=draft_id,
                           version=1)
    with pytest.raises(StaleVersionError):
        sending.mark_draft_sent(store, fields(app_id), request_token="s", sent_on=TODAY,
                                draft_id=draft_id, version=1)
    assert sending.mark_draft_sent(store, fields(app_id, body="final"), request_token="s",
                                   sent_on=TODAY, draft_id=draft_id, version=2) == draft_id
    with pytest.raises(StaleVersionError):
        sending.save_draft(store, fields(app_id, body="after"), request_token="s",
                           draft_id=draft_id,
                           version=3)
    row = store.drafts.by_token("s")
    assert (row.status, row.body, row.sent_on) == ("sent", "final", TODAY)
    page, total = store.applications.unanswered_rejections()
    assert total == 0 and page == []
