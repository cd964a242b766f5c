"""AppTest for the applications tracker: the page opened through app.py + switch_page and
directly, on an empty database and with data.

What a user must be able to rely on here: bad input is refused next to the field and writes
nothing, every stage change is kept as an event, deleting asks first, a stale tab can't
overwrite, and the table only ever sends one page of rows.
"""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from streamlit.testing.v1 import AppTest
from streamlit.testing.v1.element_tree import Block, Error

from nextround.models import Application, ValidationError
from nextround.store import StaleVersionError, Store
from nextround.ui.applications.add import ADD_PANEL
from nextround.ui.applications.detail import DETAIL_TAB, DETAIL_TABS
from tests import factories
from tests.conftest import TODAY, no_exception, open_page, open_panel

PAGE = "app_pages/applications.py"
BOTH_WAYS = pytest.mark.parametrize("via_app", [True, False], ids=["via_app", "direct"])
PAYLOADS = ("<img src=x onerror=alert(1)>", "[x](javascript:alert(1))",
            "![t](http://example.com/p.png)", "$5k–$10k", ":red[x]")


# --- helpers ---------------------------------------------------------------------------------

def _blocks(block: Block):
    yield block
    for child in block.children.values():
        if isinstance(child, Block):
            yield from _blocks(child)


def message_after(at: AppTest, key: str) -> str | None:
    """The error drawn directly under the widget `key` (same block, next element), if any."""
    for block in _blocks(at._tree):
        children = [block.children[i] for i in sorted(block.children)]
        for index, child in enumerate(children):
            if getattr(child, "key", None) == key:
                following = children[index + 1] if index + 1 < len(children) else None
                return following.value if isinstance(following, Error) else None
    raise AssertionError(f"no widget with key {key!r}")


def days_ago(days: int) -> date:
    return TODAY - timedelta(days=days)


def fill_add_form(at: AppTest, **values: object) -> None:
    for name, value in values.items():
        if name == "applied_on":
            at.date_input(key="add_app_applied_on").set_value(value)
        elif name == "notes":
            at.text_area(key="add_app_notes").input(value)
        else:
            at.text_input(key=f"add_app_{name}").input(value)


def table(at: AppTest):
    """The applications table: the one frame with a Company column (dataframe keys aren't
    exposed by AppTest)."""
    frames = [d.value for d in at.dataframe if "Company" in d.value.columns]
    assert len(frames) == 1
    return frames[0]


def timeline(at: AppTest) -> list[str]:
    """The timeline lines: one Markdown line per event, starting with its stage badge."""
    return [m.value for m in at.markdown if "-badge[" in m.value and "**" in m.value]


def ghost_label(at: AppTest) -> str | None:
    labels = [e.label for e in at.expander if e.label.startswith("No reply after")]
    return labels[0] if labels else None


def open_ghosting(at: AppTest) -> AppTest:
    """Open the "No reply after N days" list (drawn only while open), as a click on it does."""
    at.session_state["ghosting"] = True
    at.run()
    no_exception(at)
    return at


def ghost_buttons(at: AppTest) -> list[str]:
    return [b.key for b in at.button if (b.key or "").startswith("ghost_")]


def submit(at: AppTest, key: str) -> AppTest:
    at.button(key=key).click().run()
    no_exception(at)
    return at


def all_markdown(at: AppTest) -> str:
    parts = [m.value for m in at.markdown] + [m.value for m in at.header]
    parts += [m.value for m in at.caption] + [m.value for m in at.info]
    parts += [m.value for m in at.warning] + [m.value for m in at.error]
    return "\n".join(parts)


# --- empty database --------------------------------------------------------------------------

@BOTH_WAYS
def test_empty_state_tells_a_new_user_what_to_do_first(via_app: bool) -> None:
    at = open_page(PAGE, via_app=via_app)
    no_exception(at)
    assert at.title[0].value == "Applications"
    assert "Start with the application you sent most recently" in at.info[0].value
    assert at.text_input(key="add_app_company").value == ""
    assert len(at.dataframe) == 0  # no empty table, no picker, no ghosting panel
    assert not [s for s in at.selectbox if s.key == "apps_pick"]


@BOTH_WAYS
def test_add_through_the_form(via_app: bool, store: Store) -> None:
    at = open_page(PAGE, via_app=via_app)
    fill_add_form(at, company="Acme Health", role="Data analyst", location="Remote",
                  source="Referral", link="https://jobs.example.com/123",
                  contact_name="Sam Lee", contact_email="sam@example.com",
                  applied_on=date(2026, 11, 20), notes="Referred by Priya.")
    submit(at, "add_app_submit")

    assert store.count("applications") == 1
    row = store.frame("SELECT * FROM applications").iloc[0]
    assert (row["company"], row["role"], row["location"], row["source"]) == (
        "Acme Health", "Data analyst", "Remote", "Referral")
    assert (row["link"], row["contact_name"], row["contact_email"]) == (
        "https://jobs.example.com/123", "Sam Lee", "sam@example.com")
    assert (row["applied_on"], row["stage"], row["notes"]) == ("2026-11-20", "applied",
                                                               "Referred by Priya.")
    assert store.count("events") == 1
    assert [t.value for t in at.toast] == ["Application added."]
    assert at.text_input(key="add_app_company").value == ""  # cleared after success
    assert at.date_input(key="add_app_applied_on").value == TODAY
    assert not at.warning
    shown = table(at)
    assert shown["Company"].tolist() == ["Acme Health"]
    assert at.selectbox(key="apps_pick").value == int(row["id"])


BAD_INPUT = [
    ("company", {"company": ""}, "Company is required."),
    ("applied_on", {"applied_on": TODAY + timedelta(days=1)}, "can't be in the future"),
    ("notes", {"notes": "x" * 10_000}, "too long (10,000 characters"),
    ("role", {"role": "r" * 10_000}, "too long (10,000 characters"),
    ("contact_email", {"contact_email": "sam@"}, "doesn't look like an email address"),
    ("link", {"link": "javascript:alert(1)"}, "starting with http:// or https://"),
    ("link", {"link": "ftp://example.com/job"}, "starting with http:// or https://"),
]


@pytest.mark.parametrize(("field", "values", "message"), BAD_INPUT,
                         ids=[f"{f}-{i}" for i, (f, _, _) in enumerate(BAD_INPUT)])
def test_bad_input_is_refused_next_to_the_field(field: str, values: dict, message: str,
                                                store: Store) -> None:
    at = open_page(PAGE, via_app=False)
    good = {"company": "Acme", "role": "Analyst"}
    fill_add_form(at, **{**good, **values})
    submit(at, "add_app_submit")

    assert store.count("applications") == 0
    assert store.count("events") == 0
    shown = message_after(at, f"add_app_{field}")
    assert shown is not None and message in shown
    assert len(at.error) == 1  # only the field at fault complains
    # What was typed is still there to fix.
    if field != "role":
        assert at.text_input(key="add_app_role").value == "Analyst"
    assert not at.toast


def test_several_bad_fields_each_get_their_own_message(store: Store) -> None:
    at = open_page(PAGE)
    fill_add_form(at, company="", contact_email="nope", link="www.example.com")
    submit(at, "add_app_submit")
    assert store.count("applications") == 0
    for key in ("add_app_company", "add_app_contact_email", "add_app_link"):
        assert message_after(at, key)
    # Fixing them saves, and the messages go away.
    fill_add_form(at, company="Acme", contact_email="a@example.com",
                  link="https://example.com")
    submit(at, "add_app_submit")
    assert store.count("applications") == 1
    assert not at.error


# --- with data -------------------------------------------------------------------------------

@BOTH_WAYS
def test_edit_an_application(via_app: bool, store: Store) -> None:
    app_id = factories.application(store, "Acme", applied_on=days_ago(10), role="Analyst")
    at = open_page(PAGE, via_app=via_app)
    no_exception(at)
    assert at.selectbox(key="apps_pick").value == app_id
    assert "edit_app_company" not in {w.key for w in at.text_input}  # until its tab opens
    open_panel(at, DETAIL_TAB, DETAIL_TABS[1])
    assert at.text_input(key="edit_app_company").value == "Acme"
    at.text_input(key="edit_app_role").input("Senior analyst")
    at.text_input(key="edit_app_contact_email").input("hr@acme.example")
    submit(at, "edit_app_submit")

    row = store.applications.get(app_id)
    assert (row.role, row.contact_email, row.version) == (
        "Senior analyst", "hr@acme.example", 2)
    assert at.text_input(key="edit_app_role").value == "Senior analyst"
    # A second edit starts from the new version: no false conflict.
    at.text_input(key="edit_app_location").input("Leeds")
    submit(at, "edit_app_submit")
    assert store.applications.get(app_id).location == "Leeds"
    assert not at.error


def test_edit_with_bad_input_writes_nothing(store: Store) -> None:
    app_id = factories.application(store, "Acme", applied_on=days_ago(10))
    at = open_page(PAGE, via_app=False)
    open_panel(at, DETAIL_TAB, DETAIL_TABS[1])
    at.text_input(key="edit_app_company").input("")
    at.text_input(key="edit_app_link").input("javascript:alert(1)")
    submit(at, "edit_app_submit")
    row = store.applications.get(app_id)
    assert (row.company, row.link, row.version) == ("Acme", "", 1)
    assert "required" in message_after(at, "edit_app_company")
    assert "http" in message_after(at, "edit_app_link")


def test_a_stale_edit_shows_the_conflict_and_keeps_the_other_change(store: Store) -> None:
    app_id = factories.application(store, "Acme", applied_on=days_ago(10), role="Analyst")
    at = open_page(PAGE)
    open_panel(at, DETAIL_TAB, DETAIL_TABS[1])
    # Another tab saves first.
    store.applications.update(app_id, Application(company="Acme", role="Lead analyst",
                                                  applied_on=TODAY - timedelta(days=10)), 1)
    at.text_input(key="edit_app_role").input("Junior analyst")
    submit(at, "edit_app_submit")

    assert store.applications.get(app_id).role == "Lead analyst"
    assert any("changed in another tab" in e.value for e in at.error)
    # The way out: load the latest version, then the edit goes through.
    submit(at, "edit_app_reload")
    assert not at.error
    assert at.text_input(key="edit_app_role").value == "Lead analyst"
    at.text_input(key="edit_app_role").input("Principal analyst")
    submit(at, "edit_app_submit")
    assert store.applications.get(app_id).role == "Principal analyst"


@BOTH_WAYS
def test_stage_change_adds_an_event_and_keeps_history(via_app: bool, store: Store) -> None:
    app_id = factories.application(store, "Acme", applied_on=days_ago(20))
    at = open_page(PAGE, via_app=via_app)
    assert at.selectbox(key="stage_app_stage").value == "screening"  # the natural next step
    at.date_input(key="stage_app_on_date").set_value(TODAY - timedelta(days=5))
    at.text_input(key="stage_app_note").input("Call with the recruiter")
    submit(at, "stage_app_submit")

    assert at.selectbox(key="stage_app_stage").value == "interviewing"  # proposed next
    assert at.text_input(key="stage_app_note").value == ""
    submit(at, "stage_app_submit")

    events = store.applications.events(app_id)
    assert [e.stage for e in events] == ["applied", "screening", "interviewing"]
    assert [e.on_date for e in events][1:] == [TODAY - timedelta(days=5), TODAY]
    assert events[1].note == "Call with the recruiter"
    row = store.applications.get(app_id)
    assert (row.stage, row.stage_on) == ("interviewing", TODAY)
    assert timeline(at) == [
        ":gray-badge[Applied] **2026-11-05** · you applied",
        ":blue-badge[Screening] **2026-11-20** · 15 days after you applied",
        ":violet-badge[Interviewing] **2026-11-25** · 20 days after you applied",
    ]
    assert "Call with the recruiter" in [c.value for c in at.caption]


def test_stage_change_with_a_bad_date_writes_nothing(store: Store) -> None:
    app_id = factories.application(store, "Acme", applied_on=days_ago(3))
    at = open_page(PAGE, via_app=False)
    at.date_input(key="stage_app_on_date").set_value(TODAY - timedelta(days=30))
    submit(at, "stage_app_submit")
    assert "before it was applied" in message_after(at, "stage_app_on_date")
    at.date_input(key="stage_app_on_date").set_value(TODAY + timedelta(days=2))
    submit(at, "stage_app_submit")
    assert "future" in message_after(at, "stage_app_on_date")
    assert store.count("events") == 1
    assert store.applications.get(app_id).stage == "applied"


@BOTH_WAYS
def test_delete_needs_confirmation(via_app: bool, store: Store) -> None:
    factories.application(store, "Acme", applied_on=days_ago(10))
    at = open_panel(open_page(PAGE, via_app=via_app), DETAIL_TAB, DETAIL_TABS[2])
    submit(at, "delete_ask")
    assert store.count("applications") == 1
    assert "can't be undone" in at.warning[0].value
    submit(at, "delete_no")
    assert store.count("applications") == 1
    assert not at.warning

    submit(at, "delete_ask")
    submit(at, "delete_yes")
    assert store.count("applications") == 0
    assert store.count("events") == 0
    assert [t.value for t in at.toast] == ["Application deleted."]
    assert "Start with the application" in at.info[0].value  # back to the empty state


def test_ghosting_flag_and_one_click(store: Store) -> None:
    old = factories.application(store, "Quiet Co", applied_on=days_ago(45), role="Analyst")
    recent = factories.application(store, "Fresh Co", applied_on=days_ago(5))
    answered = factories.application(store, "Talky Co", applied_on=days_ago(60))
    factories.move(store, answered, "screening", days_ago(50), version=1)
    at = open_page(PAGE)
    no_exception(at)
    assert ghost_label(at) == "No reply after 30 days: 1 application"
    assert "Quiet Co · Analyst" not in [t.value for t in at.text]  # closed: nothing drawn
    assert not ghost_buttons(at)
    open_ghosting(at)
    assert "Quiet Co · Analyst" in [t.value for t in at.text]
    assert not [b for b in at.button if b.key == f"ghost_{recent}"]
    assert not [b for b in at.button if b.key == "ghost_all"]  # one app: no "all" button

    submit(at, f"ghost_{old}")
    row = store.applications.get(old)
    assert (row.stage, row.stage_on) == ("ghosted", TODAY)
    assert [e.stage for e in store.applications.events(old)] == ["applied", "ghosted"]
    assert store.applications.get(recent).stage == "applied"
    assert ghost_label(at) is None


def test_ghosting_shows_ten_and_counts_the_rest(store: Store) -> None:
    ids = [factories.application(store, f"Silent {i:02d}", applied_on=days_ago(40 + i))
           for i in range(12)]
    at = open_page(PAGE, via_app=False)
    open_ghosting(at)
    shown = [b.key for b in at.button if (b.key or "").startswith("ghost_") and b.key[6:].isdigit()]
    assert len(shown) == 10
    assert any("and 2 more" in c.value for c in at.caption)
    submit(at, "ghost_all")
    stages = store.frame("SELECT stage, count(*) AS n FROM applications GROUP BY stage")
    assert dict(zip(stages["stage"], stages["n"], strict=True)) == {"ghosted": 10, "applied": 2}
    assert store.count("events") == 22
    assert ghost_label(at) == "No reply after 30 days: 2 applications"
    assert len(ids) == 12


def test_ghosting_a_row_changed_elsewhere_is_refused(store: Store) -> None:
    old = factories.application(store, "Quiet Co", applied_on=days_ago(45))
    at = open_ghosting(open_page(PAGE, via_app=False))
    factories.move(store, old, "rejected", TODAY, version=1)  # another tab got there first
    submit(at, f"ghost_{old}")
    assert store.applications.get(old).stage == "rejected"
    assert any("another tab" in e.value for e in at.error)


def _bulk(store: Store, n: int) -> None:
    rows = []
    for i in range(n):
        day = (TODAY - timedelta(days=i % 400)).isoformat()
        rows.append({"company": f"Company {i:03d}", "role": "Engineer" if i % 2 else "Analyst",
                     "location": "", "source": "LinkedIn" if i % 3 else "Referral", "link": "",
                     "contact_name": "", "contact_email": "", "applied_on": day,
                     "stage": "rejected" if i % 5 == 0 else "applied", "stage_on": day,
                     "notes": "", "created_at": "2026-01-01T00:00:00+00:00",
                     "updated_at": "2026-01-01T00:00:00+00:00"})
    store.transfer.insert_rows("applications", rows)


@BOTH_WAYS
def test_table_is_paginated_searchable_and_filtered(via_app: bool, store: Store) -> None:
    _bulk(store, 300)
    at = open_page(PAGE, via_app=via_app)
    no_exception(at)
    first = table(at)
    assert len(first) == 50
    assert any("Showing 1–50 of 300" in c.value for c in at.caption)
    # The picker only lists the current page, never all 300.
    assert len(at.selectbox(key="apps_pick").options) <= 50
    # The ghosting panel lists at most ten, however many qualify.
    open_ghosting(at)
    assert len([b for b in at.button if (b.key or "")[6:].isdigit()]) == 10

    at.number_input(key="apps_page").set_value(6).run()
    last = table(at)
    assert len(last) == 50 and set(last["Company"]).isdisjoint(first["Company"])

    at.text_input(key="apps_search").input("company 01").run()
    found = table(at)
    assert sorted(found["Company"]) == [f"Company {i:03d}" for i in range(10, 20)]
    assert at.session_state["apps_page"] == 1  # a new search starts on page one

    at.text_input(key="apps_search").input("").run()
    at.multiselect(key="apps_stages").set_value(["rejected"]).run()
    rejected = table(at)
    assert len(rejected) == 50
    assert set(rejected["Stage"]) == {"Rejected"}  # a word, never a badge clipped to a dot
    assert any("of 60" in c.value for c in at.caption)

    at.selectbox(key="apps_sort").set_value("Company A–Z").run()
    assert table(at)["Company"].iloc[0] == "Company 000"
    no_exception(at)


def test_search_with_no_match_says_what_to_do(store: Store) -> None:
    factories.application(store, "Acme", applied_on=days_ago(10))
    at = open_page(PAGE, via_app=False)
    at.text_input(key="apps_search").input("zzz").run()
    no_exception(at)
    assert any("No applications match" in i.value for i in at.info)


def test_user_text_is_never_markdown(store: Store) -> None:
    app_id = factories.application(store, PAYLOADS[1], applied_on=days_ago(45),
                                   role=PAYLOADS[0], location=PAYLOADS[3],
                                   source=PAYLOADS[4], notes="\n".join(PAYLOADS))
    at = open_page(PAGE, via_app=False)
    no_exception(at)
    rendered = all_markdown(at)
    for payload in PAYLOADS:
        assert payload not in rendered, payload
    # It is still all there, as plain text.
    assert table(at)["Company"].tolist() == [PAYLOADS[1]]
    assert "\n".join(PAYLOADS) in [t.value for t in at.text]
    open_panel(at, DETAIL_TAB, DETAIL_TABS[2])
    submit(at, "delete_ask")
    assert PAYLOADS[1] not in at.warning[0].value
    assert store.applications.get(app_id).company == PAYLOADS[1]


def test_forms_are_filled_again_after_visiting_another_page(store: Store) -> None:
    factories.application(store, "Acme", applied_on=days_ago(10), role="Analyst")
    at = open_panel(open_page(PAGE), ADD_PANEL)
    open_panel(at, DETAIL_TAB, DETAIL_TABS[1])
    assert at.text_input(key="edit_app_company").value == "Acme"
    at.switch_page("app_pages/data.py").run()
    no_exception(at)
    at.switch_page(PAGE).run()
    no_exception(at)
    assert at.text_input(key="edit_app_company").value == "Acme"
    assert at.text_input(key="edit_app_role").value == "Analyst"
    assert at.selectbox(key="stage_app_stage").value == "screening"
    assert at.date_input(key="add_app_applied_on").value == TODAY


def test_a_stale_stage_change_is_refused(store: Store) -> None:
    app_id = factories.application(store, "Acme", applied_on=days_ago(20))
    at = open_page(PAGE, via_app=False)
    factories.move(store, app_id, "rejected", TODAY, version=1)  # another tab
    submit(at, "stage_app_submit")
    assert any("changed in another tab" in e.value for e in at.error)
    assert [e.stage for e in store.applications.events(app_id)] == ["applied", "rejected"]
    submit(at, "stage_app_reload")
    assert not at.error
    assert ":red-badge[Rejected]" in [m.value for m in at.markdown]


def test_mark_ghosted_is_all_or_nothing(store: Store) -> None:
    first = factories.application(store, "One", applied_on=days_ago(40))
    second = factories.application(store, "Two", applied_on=days_ago(41))
    factories.move(store, second, "screening", TODAY, version=1)  # changed since it was listed
    with pytest.raises(StaleVersionError):
        store.applications.mark_ghosted([(first, 1), (second, 1)], TODAY)
    assert store.applications.get(first).stage == "applied"
    assert store.count("events") == 3
    with pytest.raises(ValidationError):
        store.applications.mark_ghosted([(first, 1)], TODAY + timedelta(days=1))
    assert store.applications.mark_ghosted([(first, 1)], TODAY) == 1
    assert store.applications.get(first).stage == "ghosted"


# --- the door you kept open ------------------------------------------------------------------

def history_text(at: AppTest) -> str:
    """What the history panel says, Markdown and messages alike."""
    parts = [m.value for m in at.markdown] + [c.value for c in at.caption]
    parts += [s.value for s in at.success] + [i.value for i in at.info]
    return "\n".join(parts)


def thanked_after_a_no(store: Store, company: str = "Acme Inc.", contact: str = "Priya Shah",
                       feedback: str = "Go deeper on system design.") -> int:
    """An earlier application at `company`: interviews, a no in March, a thank-you sent to
    the contact the next day, and feedback received."""
    app_id = factories.rejected_after_interview(
        store, company, applied_on="2026-02-01", rejected_on="2026-03-10", role="Engineer",
        contact_name=contact, contact_email="priya@acme.example")
    factories.sent_note(store, app_id, "2026-03-11", to_email="priya@acme.example")
    request = factories.feedback_request(store, app_id, "2026-03-11", asked_whom=contact)
    factories.feedback_reply(store, request, "2026-03-20", feedback)
    return app_id


@BOTH_WAYS
def test_a_company_from_before_shows_its_history_and_the_door_is_one_click(
        via_app: bool, store: Store) -> None:
    earlier = thanked_after_a_no(store)
    factories.application(store, "Globex", applied_on=days_ago(3))
    at = open_panel(open_page(PAGE, via_app=via_app), ADD_PANEL)
    assert "Applied to this company before?" in history_text(at)  # the tip, until a match
    at.text_input(key="add_app_company").input("ACME").run()  # no submit: as it is typed
    no_exception(at)
    said = history_text(at)
    assert "You've been in touch with Acme Inc\\. before" in said
    assert "You thanked Priya Shah after the no in March: the door is open." in said
    assert "**Engineer**" in said
    assert ("Applied 2026-02-01. Got as far as interviews; they said no on 2026-03-10. "
            "Thank-you sent on 2026-03-11 to Priya Shah.") in said
    assert "Feedback from Priya Shah, 2026-03-20: “Go deeper on system design\\.”" in said
    assert "Applied to this company before?" not in said

    # One click: the stay-in-touch note to Priya, from drafting, sent from the mail app.
    at.button(key="add_app_stay_open").click().run()
    no_exception(at)
    body = [t.value for t in at.text if "Priya" in t.value]
    assert body and "Acme Inc." in body[0]
    at.button(key="add_app_stay_mark_sent").click().run()
    no_exception(at)
    sent = store.drafts.for_application(earlier)
    assert [d.kind for d in sent if d.status == "sent"] == ["stay_in_touch", "rejection_thanks"]
    assert any("Marked as sent today" in s.value for s in at.success)
    assert "You wrote again to stay in touch in November." in history_text(at)

    # The add flow is as before: the rest of the form, then one submit.
    fill_add_form(at, role="Staff engineer", contact_name="Priya Shah")
    submit(at, "add_app_submit")
    assert store.count("applications") == 3
    added = store.applications.get(at.selectbox(key="apps_pick").value)
    assert (added.company, added.role, added.stage) == ("ACME", "Staff engineer", "applied")
    assert at.text_input(key="add_app_company").value == ""
    assert "Applied to this company before?" in history_text(at)
    # A browser sends the company field once more, a moment after the submit (it lost focus
    # to the button): that echo of the name just added is cleared, not shown as typed.
    at.text_input(key="add_app_company").input("ACME").run()
    no_exception(at)
    assert at.text_input(key="add_app_company").value == ""
    assert "You've been in touch" not in history_text(at)
    assert store.count("applications") == 3


def test_another_company_shows_no_history(store: Store) -> None:
    thanked_after_a_no(store)
    at = open_panel(open_page(PAGE, via_app=False), ADD_PANEL)
    for name in ("Acme Labs", "Co", "!!!"):
        at.text_input(key="add_app_company").input(name).run()
        no_exception(at)
        assert "You've been in touch" not in history_text(at)
        assert not [b for b in at.button if b.key == "add_app_stay_open"]


def test_a_silence_from_before_is_said_gently_and_offers_no_door(store: Store) -> None:
    factories.application(store, "Initech", applied_on="2025-04-01",
                          stages=[("ghosted", "2025-05-10")])
    at = open_panel(open_page(PAGE, via_app=False), ADD_PANEL)
    at.text_input(key="add_app_company").input("initech ltd").run()
    no_exception(at)
    assert [i.value for i in at.info] == [
        "They didn't reply last time (2025). That says more about their process than "
        "about you."]
    assert "Applied 2025-04-01. No reply came." in history_text(at)
    assert not [b for b in at.button if b.key == "add_app_stay_open"]


def test_history_text_from_the_user_is_never_markdown(store: Store) -> None:
    thanked_after_a_no(store, company=PAYLOADS[1], contact=PAYLOADS[0], feedback=PAYLOADS[4])
    factories.application(store, "Globex", applied_on=days_ago(3), role=PAYLOADS[2])
    at = open_panel(open_page(PAGE, via_app=False), ADD_PANEL)
    at.text_input(key="add_app_company").input(PAYLOADS[1]).run()
    no_exception(at)
    rendered = history_text(at) + "\n" + all_markdown(at)
    assert "You've been in touch with" in rendered
    for payload in PAYLOADS:
        assert payload not in rendered, payload
    assert "Feedback from \\<img src\\=x" in rendered  # there, escaped
    assert "“\\:red\\[x\\]”" in rendered


def test_a_no_without_a_thank_you_still_offers_the_note(store: Store) -> None:
    factories.rejected(store, "Globex GmbH", applied_on="2026-05-01", contact_name="",
                       contact_email="jobs@globex.example")
    at = open_panel(open_page(PAGE, via_app=False), ADD_PANEL)
    at.text_input(key="add_app_company").input("globex").run()
    no_exception(at)
    said = history_text(at)
    assert "You didn't send a thank-you that time, and that's fine" in said
    assert "You thanked" not in said
    assert "A short note to jobs@globex\\.example a few months on keeps the door open." in said
    at.button(key="add_app_stay_open").click().run()
    no_exception(at)
    assert "Your note to jobs@globex\\.example is just below." in history_text(at)
    assert any(t.value.startswith("Hello Globex GmbH") for t in at.text)  # the note's body


# --- the board -------------------------------------------------------------------------------

def board(at: AppTest) -> dict[str, list[int]]:
    """Each drawn board column (by stage) and the ids of the cards in it, top to bottom."""
    def key(block: Block) -> str:  # a keyed container's id ends with "-<its key>"
        return getattr(getattr(block, "proto", None), "id", "")

    columns: dict[str, list[int]] = {}
    for block in _blocks(at._tree):
        if "-board_col_" in key(block):
            columns[key(block).rsplit("-board_col_", 1)[1]] = [
                int(key(inner).rsplit("-board_card_", 1)[1])
                for inner in _blocks(block) if "-board_card_" in key(inner)]
    return columns


def move_list(at: AppTest, app_id: int):
    """The "Move to…" list on the card of `app_id` (its key carries the row's version)."""
    found = [s for s in at.selectbox if (s.key or "").startswith(f"board_move_{app_id}_")]
    assert len(found) == 1, [s.key for s in at.selectbox]
    return found[0]


def board_page(via_app: bool = False) -> AppTest:
    """A fresh page run, then one interaction: Board picked."""
    at = open_page(PAGE, via_app=via_app)
    at.radio(key="apps_view").set_value("Board").run()
    no_exception(at)
    return at


@BOTH_WAYS
def test_a_board_move_is_two_interactions_and_writes_one_dated_event(via_app: bool,
                                                                     store: Store) -> None:
    moving = factories.application(store, "Acme", role="Analyst", applied_on=days_ago(12))
    staying = factories.application(store, "Globex", applied_on=days_ago(3))
    at = board_page(via_app)  # interaction 1
    assert board(at)["applied"] == [staying, moving]  # newest applied first, as sorted
    assert board(at)["screening"] == []
    assert "Analyst  \nApplied 12 days ago" in [c.value for c in at.caption]
    card = move_list(at, moving)
    assert card.value is None and card.options[0] == "Screening"  # the next stage first
    assert "Applied" not in card.options  # the stage change refuses a move back there

    card.set_value("screening").run()  # interaction 2
    no_exception(at)
    events = store.applications.events(moving)
    assert [(e.stage, e.on_date, e.note) for e in events] == [
        ("applied", days_ago(12), ""), ("screening", TODAY, "")]
    row = store.applications.get(moving)
    assert (row.stage, row.stage_on, row.version) == ("screening", TODAY, 2)
    assert [t.value for t in at.toast] == ["Stage updated. The change is in the timeline."]
    columns = board(at)
    assert (columns["applied"], columns["screening"]) == ([staying], [moving])
    assert move_list(at, moving).value is None  # a fresh list on the moved card
    assert move_list(at, moving).options[0] == "Interviewing"
    assert "Analyst  \nMoved here today" in [c.value for c in at.caption]
    assert store.applications.get(staying).stage == "applied"
    assert at.radio(key="apps_view").value == "Board"


def test_a_move_to_rejected_on_the_board_offers_the_path_after_a_no(store: Store) -> None:
    app_id = factories.application(store, "Acme", role="Analyst", applied_on=days_ago(20),
                                   stages=[("interviewing", days_ago(5))])
    at = board_page()
    move_list(at, app_id).set_value("rejected").run()
    no_exception(at)
    assert [e.stage for e in store.applications.events(app_id)] == [
        "applied", "interviewing", "rejected"]
    assert [t.value for t in at.toast] == [
        "Stage updated. The change is in the timeline. When you're ready, the path after this "
        "no is at the top of the board."]
    # The detail form's own panel: where the path starts and one button to take the step.
    assert [h.value for h in at.subheader][:1] == ["After the no from Acme"]
    assert "**Step 1 of 5: Reply**" in [m.value for m in at.markdown]
    assert at.button(key="after_no_applications_go").label == "Write the thank-you"
    assert board(at)["interviewing"] == []
    assert any(e.label == "Rejected · 1" for e in at.expander)

    # The same path the table's detail form shows for it.
    at.radio(key="apps_view").set_value("Table").run()
    no_exception(at)
    assert at.selectbox(key="apps_pick").value == app_id  # the moved one is picked
    assert at.button(key="after_no_applications_go").label == "Write the thank-you"
    at.radio(key="apps_view").set_value("Board").run()
    submit(at, "board_path_close")
    assert "After the no from Acme" not in [h.value for h in at.subheader]
    assert store.applications.get(app_id).stage == "rejected"


def test_an_empty_board_says_what_to_do(store: Store) -> None:
    factories.application(store, "Acme", applied_on=days_ago(40),
                          stages=[("rejected", days_ago(30))])
    factories.application(store, "Globex", applied_on=days_ago(60),
                          stages=[("ghosted", days_ago(10))])
    at = board_page()
    assert any("Nothing is waiting on an answer right now" in i.value for i in at.info)
    assert board(at)["applied"] == []
    assert [e.label for e in at.expander if "·" in e.label] == [
        "Accepted · 0", "Rejected · 1", "Withdrawn · 0", "Ghosted · 1"]

    at.text_input(key="apps_search").input("zzz").run()
    no_exception(at)
    assert [i.value for i in at.info if "No applications match" in i.value] == [
        "No applications match. Clear the search or the stage filter to see them all."]
    assert not [s for s in at.selectbox if (s.key or "").startswith("board_move_")]


def test_the_board_stays_small_and_follows_the_search_and_filter(store: Store) -> None:
    _bulk(store, 300)  # 240 applied, 60 rejected
    at = board_page()
    columns = board(at)
    assert len(columns["applied"]) == 10
    assert len([s for s in at.selectbox if (s.key or "").startswith("board_move_")]) == 10
    assert at.button(key="board_more_applied").label == "and 230 more: see them in the table"
    assert any(e.label == "Rejected · 60" for e in at.expander)
    assert columns["rejected"] == []  # folded: its cards are drawn only when it is opened
    at.session_state["board_col_rejected"] = True  # as a click on "Rejected · 60" does
    at.run()
    assert len(board(at)["rejected"]) == 5
    assert at.button(key="board_more_rejected").label == "and 55 more: see them in the table"
    assert len([s for s in at.selectbox if (s.key or "").startswith("board_move_")]) == 15

    at.text_input(key="apps_search").input("company 01").run()  # Company 010–019
    found = board(at)
    assert len(found["applied"]) == 8 and not [b for b in at.button
                                               if b.key == "board_more_applied"]
    assert any(e.label == "Rejected · 2" for e in at.expander)

    at.text_input(key="apps_search").input("").run()
    at.multiselect(key="apps_stages").set_value(["applied"]).run()
    assert list(board(at)) == ["applied"]  # only the stage picked: no other column
    assert not [e for e in at.expander if " · " in e.label]

    submit(at, "board_more_applied")  # "and 230 more": the table, filtered to that stage
    assert at.radio(key="apps_view").value == "Table"
    assert at.multiselect(key="apps_stages").value == ["applied"]
    assert any("of 240" in c.value for c in at.caption)


def test_the_view_is_remembered_across_pages(store: Store) -> None:
    factories.application(store, "Acme", applied_on=days_ago(10))
    at = board_page(via_app=True)
    at.switch_page("app_pages/data.py").run()
    at.switch_page(PAGE).run()
    no_exception(at)
    assert at.radio(key="apps_view").value == "Board"
    assert "applied" in board(at)


def test_a_stale_board_move_is_refused_and_writes_nothing(store: Store) -> None:
    app_id = factories.application(store, "Acme", applied_on=days_ago(20))
    at = board_page()
    factories.move(store, app_id, "withdrawn", TODAY, version=1)  # another tab got there first
    move_list(at, app_id).set_value("screening").run()
    no_exception(at)
    assert any("changed in another tab" in e.value for e in at.error)
    assert [e.stage for e in store.applications.events(app_id)] == ["applied", "withdrawn"]
    assert board(at)["applied"] == []  # redrawn from the database
    at.run()
    assert not at.error  # said once


def test_board_text_from_the_user_is_never_markdown(store: Store) -> None:
    ids = [factories.application(store, payload, role=payload, applied_on=days_ago(5 + i))
           for i, payload in enumerate(PAYLOADS)]
    at = board_page()
    rendered = all_markdown(at) + "\n".join(s.label for s in at.selectbox)
    for payload in PAYLOADS:
        assert payload not in rendered, payload
    assert "**\\<img src\\=x onerror\\=alert\\(1\\)\\>**" in rendered  # there, escaped
    assert board(at)["applied"] == ids
    # A list's label is its name read aloud: no Markdown and no backslashes in it.
    plain = factories.application(store, "Stark & Wayne (UK) Ltd.", applied_on=days_ago(1))
    at.run()
    assert move_list(at, plain).label == "Move Stark & Wayne (UK) Ltd. to"
    assert move_list(at, ids[0]).label == "Move img src x onerror alert(1) to"
