"""AppTest for app_pages/reflect.py, through app.py and opened directly."""

from __future__ import annotations

import json
from datetime import date

import pytest
from streamlit.testing.v1 import AppTest

from nextround import dream_list
from nextround import reflection as rf
from nextround.store import Store
from tests import factories
from tests.conftest import chart_frames, no_exception, open_page

PAGE = "app_pages/reflect.py"
PAYLOADS = ["<img src=x onerror=alert(1)>", "[x](javascript:alert(1))",
            "![t](http://example.com/p.png)", "$5k–$10k", ":red[x]"]


def _section(at: AppTest, name: str) -> AppTest:
    at.radio(key="reflect_section").set_value(name).run()
    no_exception(at)
    return at


def _rendered_markdown(at: AppTest) -> str:
    """Everything drawn as Markdown (titles, captions, messages, labels): where user text
    must never appear unescaped."""
    parts = [m.value for m in at.markdown] + [c.value for c in at.caption]
    parts += [s.value for s in at.header] + [e.value for e in at.error]
    parts += [w.label for w in at.button] + [w.label for w in at.text_input]
    return "\n".join(parts)


def _next(at: AppTest, step: int) -> AppTest:
    at.button(key=f"reflect_step_{step}_next").click().run()
    no_exception(at)
    return at


@pytest.mark.parametrize("via_app", [True, False])
def test_empty_page_tells_the_user_what_to_do(via_app: bool) -> None:
    at = open_page(PAGE, via_app=via_app)
    no_exception(at)
    assert at.title[0].value == "Reflect"
    assert at.header[0].value == "Start a reflection"
    assert "No rejection is waiting for a reflection" in at.info[0].value
    for name, words in (("Game plan", "Nothing to do right now"),
                        ("Dream list", "Your list is empty"),
                        ("Insights", "Patterns show up here after your third finished "
                                     "reflection")):
        _section(at, name)
        assert words in at.info[0].value


@pytest.mark.parametrize("via_app", [True, False])
def test_all_steps_to_the_summary(store: Store, via_app: bool) -> None:
    factories.rejected(store, "Acme")
    dream_list.add(store, "Globex", "Data engineer", "Kind people", 1, "ready", "")
    at = open_page(PAGE, via_app=via_app)
    at.radio(key="reflect_about").set_value("One application").run()
    assert at.selectbox(key="reflect_pick").value is not None
    at.button(key="reflect_start").click().run()
    no_exception(at)
    rid = rf.draft_in_progress(store).record.id
    k = f"rf{rid}_"
    assert at.header[0].value == "What did you expect?"
    at.text_area(key=k + "expected").input("A second interview")
    _next(at, 0)
    at.selectbox(key=k + "stage").set_value("interviewing")
    at.text_area(key=k + "happened").input("Two rounds, then a no")
    at.text_area(key=k + "questions").input("Tell me about a conflict")
    _next(at, 1)
    at.slider(key=k + "feeling").set_value(3)
    at.text_area(key=k + "words").input("Flat")
    _next(at, 2)
    at.text_area(key=k + "well").input("My portfolio walkthrough")
    _next(at, 3)
    at.text_input(key=k + "change0").input("Prepare two conflict stories")
    at.checkbox(key=k + "plan0").check()
    at.text_input(key=k + "change1").input("Research their product")
    _next(at, 4)
    at.checkbox(key=k + "factor_internal_candidate").check()
    at.checkbox(key=k + "factor_experience").check()
    at.slider(key=k + "control").set_value(30)
    _next(at, 5)
    at.radio(key=k + "fit").set_value("unsure")
    at.text_area(key=k + "fitnote").input("Team seemed stretched")
    _next(at, 6)
    assert "This one may not have been about you" in at.header[0].value
    texts = [t.value for t in at.text]
    assert "Globex · Data engineer" in texts
    assert "My portfolio walkthrough" in texts
    draft = rf.draft_in_progress(store)
    answers = draft.answers
    assert (answers["expected"], answers["stage_reached"], answers["feeling_score"],
            answers["do_differently"], answers["outside_factors"], draft.record.control_pct,
            draft.record.fit) == ("A second interview", "interviewing", 3,
                              ["Prepare two conflict stories", "Research their product"],
                              ["experience", "internal_candidate"], 30, "unsure")
    assert [(a.title, a.due_on) for a in store.actions.by_status()] == [
        ("Prepare two conflict stories", date(2026, 12, 2))]
    at.button(key="reflect_finish_button").click().run()
    no_exception(at)
    assert rf.draft_in_progress(store) is None
    assert at.header[0].value == "Start a reflection"
    assert at.dataframe[0].value["About"].tolist() == ["Acme"]
    at.selectbox(key="reflect_reread").set_value(rid).run()
    no_exception(at)
    assert "This one may not have been about you" in at.header[-1].value


def test_within_reach_summary_and_back(store: Store) -> None:
    rid = rf.start_reflection(store, None)
    rf.save_step(store, rid, 1, 4, {"do_differently": ["Slow down"]}, next_step=5)
    rf.save_step(store, rid, 2, 5, {"control_pct": 80}, next_step=6)
    rf.save_step(store, rid, 3, 6, {"fit": "yes"}, next_step=7)
    at = open_page(PAGE, via_app=False)
    no_exception(at)
    assert at.header[0].value.endswith("One change within your reach")
    assert "• Slow down" in [t.value for t in at.text]
    at.button(key="reflect_summary_back").click().run()
    no_exception(at)
    assert at.header[0].value == "Was it a good fit for you?"
    assert at.radio(key=f"rf{rid}_fit").value == "yes"


def test_draft_survives_reruns_a_page_switch_and_a_reload(store: Store) -> None:
    at = open_page(PAGE)
    at.radio(key="reflect_about").set_value("My search in general").run()
    at.button(key="reflect_start").click().run()
    rid = rf.draft_in_progress(store).record.id
    at.text_area(key=f"rf{rid}_expected").input("To hear back within a week")
    _next(at, 0)
    at.run()
    at.run()
    assert at.header[0].value == "What happened?"
    at.switch_page("app_pages/progress.py").run()
    no_exception(at)
    at.switch_page(PAGE).run()
    no_exception(at)
    assert at.header[0].value == "What happened?"
    at.button(key="reflect_step_1_back").click().run()
    assert at.text_area(key=f"rf{rid}_expected").value == "To hear back within a week"
    fresh = open_page(PAGE)  # a browser reload: a new session, same database
    no_exception(fresh)
    assert fresh.header[0].value == "What did you expect?"
    assert fresh.text_area(key=f"rf{rid}_expected").value == "To hear back within a week"


def test_save_for_later_keeps_the_step(store: Store) -> None:
    at = open_page(PAGE, via_app=False)
    at.radio(key="reflect_about").set_value("My search in general").run()
    at.button(key="reflect_start").click().run()
    rid = rf.draft_in_progress(store).record.id
    at.text_area(key=f"rf{rid}_expected").input("Half a thought")
    at.button(key="reflect_step_0_save").click().run()
    no_exception(at)
    assert rf.draft_in_progress(store).answers["expected"] == "Half a thought"
    assert at.header[0].value == "What did you expect?"


def test_bad_input_gets_a_message_and_nothing_is_written(store: Store) -> None:
    rid = rf.start_reflection(store, None)
    at = open_page(PAGE, via_app=False)
    before = rf.draft_in_progress(store)
    at.text_area(key=f"rf{rid}_expected").input("bad \x00 text")
    _next(at, 0)
    assert any("control characters" in e.value for e in at.error)
    after = rf.draft_in_progress(store)
    assert after.record.version == before.record.version and after.answers["step"] == 0
    assert at.header[0].value == "What did you expect?"


def test_stale_tab_gets_a_message(store: Store) -> None:
    rid = rf.start_reflection(store, None)
    at = open_page(PAGE, via_app=False)
    rf.save_step(store, rid, 1, 0, {"expected": "from another tab"}, next_step=0)
    at.text_area(key=f"rf{rid}_expected").input("from this tab")
    _next(at, 0)
    assert any("another tab" in e.value for e in at.error)
    assert rf.draft_in_progress(store).answers["expected"] == "from another tab"


def test_discard_asks_first(store: Store) -> None:
    rf.start_reflection(store, None)
    at = open_page(PAGE, via_app=False)
    at.button(key="reflect_discard").click().run()
    assert rf.draft_in_progress(store) is not None
    at.button(key="reflect_discard_no").click().run()
    assert rf.draft_in_progress(store) is not None
    at.button(key="reflect_discard").click().run()
    at.button(key="reflect_discard_yes").click().run()
    no_exception(at)
    assert rf.draft_in_progress(store) is None
    assert at.header[0].value == "Start a reflection"


def test_search_stays_small_and_user_text_is_never_markdown(store: Store) -> None:
    for payload in PAYLOADS:
        factories.rejected(store, company=payload, role=payload)
    store.transfer.insert_rows("applications", [
        {"company": f"Bulk {i}", "role": "", "applied_on": "2026-01-05", "stage": "rejected",
         "stage_on": "2026-02-01", "created_at": "x", "updated_at": "x"} for i in range(300)])
    at = open_page(PAGE, via_app=False)
    pick = at.selectbox(key="reflect_pick")
    assert len(pick.options) == 20
    assert "305" in at.caption[-1].value or "305" in _rendered_markdown(at)
    at.text_input(key="reflect_search").input("onerror").run()
    assert len(at.selectbox(key="reflect_pick").options) == 1
    at.button(key="reflect_start").click().run()
    no_exception(at)
    rendered = _rendered_markdown(at)
    for payload in PAYLOADS:
        assert payload not in rendered
    assert PAYLOADS[0] + " · " + PAYLOADS[0] in [t.value for t in at.text]


@pytest.mark.parametrize("via_app", [True, False])
def test_game_plan_add_done_undo(store: Store, via_app: bool) -> None:
    rf.add_action(store, "Already planned", "2026-12-01", "feedback", source_label=PAYLOADS[1])
    at = _section(open_page(PAGE, via_app=via_app), "Game plan")
    assert "Next week (from 30 Nov)" in _rendered_markdown(at)
    assert PAYLOADS[1] not in _rendered_markdown(at)
    _submit(at, "action_add")
    assert any("Action is required" in e.value for e in at.error)
    assert store.count("actions") == 1
    at.text_input(key="action_title").input("Practise a case study " + PAYLOADS[0])
    _submit(at, "action_add")
    no_exception(at)
    assert store.count("actions") == 2
    assert at.text_input(key="action_title").value == ""  # ready for the next one
    assert "This week (from 23 Nov)" not in _rendered_markdown(at)
    first = store.actions.by_status()[0].id
    at.button(key=f"action_done_{first}").click().run()
    no_exception(at)
    assert store.actions.counts() == {"open": 1, "done": 1}
    at.radio(key="plan_view").set_value("Done").run()
    at.button(key=f"action_undo_{first}").click().run()
    no_exception(at)
    assert store.actions.counts() == {"open": 2, "done": 0}


def _submit(at: AppTest, form: str) -> None:
    for button in at.button:
        if button.key and button.key.startswith(f"FormSubmitter:{form}-"):
            button.click().run()
            no_exception(at)
            return
    raise AssertionError(f"no submit button for {form}")


def test_game_plan_stale_done_is_refused(store: Store) -> None:
    action = rf.add_action(store, "Ring Ana")
    at = _section(open_page(PAGE, via_app=False), "Game plan")
    rf.update_action(store, action, 1, "Ring Ana on Friday", None)
    at.button(key=f"action_done_{action}").click().run()
    no_exception(at)
    assert any("another tab" in e.value for e in at.error)
    assert store.actions.counts() == {"open": 1, "done": 0}


def test_game_plan_edit_and_remove(store: Store) -> None:
    action = rf.add_action(store, "Draft", "2026-12-01")
    at = _section(open_page(PAGE, via_app=False), "Game plan")
    at.text_input(key=f"action_edit_title_{action}").input("")
    _submit(at, "action_edit")
    assert any("Action is required" in e.value for e in at.error)
    at.text_input(key=f"action_edit_title_{action}").input("Draft the cover letter")
    _submit(at, "action_edit")
    assert [a.title for a in store.actions.by_status()] == ["Draft the cover letter"]
    for button in at.button:
        if button.key and button.key.startswith("FormSubmitter:action_edit-Remove"):
            button.click().run()
            break
    assert store.count("actions") == 1
    at.button(key="action_remove_yes").click().run()
    no_exception(at)
    assert store.count("actions") == 0


@pytest.mark.parametrize("via_app", [True, False])
def test_dream_list_add_and_i_applied(store: Store, via_app: bool) -> None:
    factories.rejected(store, "Acme")
    at = _section(open_page(PAGE, via_app=via_app), "Dream list")
    _submit(at, "target_add")
    assert any("Company is required" in e.value for e in at.error)
    assert store.count("targets") == 0
    at.text_input(key="target_new_company").input("acme")
    at.text_input(key="target_new_role").input("Platform engineer")
    at.text_area(key="target_new_why").input("Their infra work " + PAYLOADS[2])
    at.selectbox(key="target_new_priority").set_value(1)
    _submit(at, "target_add")
    assert store.count("targets") == 1
    assert at.text_input(key="target_new_company").value == ""
    table = at.dataframe[0].value
    assert table["Said no before"].tolist() == [True]
    assert PAYLOADS[2] not in _rendered_markdown(at)
    # They said no before: a stay-in-touch draft from drafting, with a copy block (drawn
    # once it is opened).
    tid0 = store.dream_list.entries()[0].id
    assert not at.code
    at.session_state[f"target_{tid0}_stay_copy"] = True
    at.run()
    assert len(at.code) == 2 and "acme" in at.code[1].value.lower()
    at.button(key=f"target_{tid0}_stay_mark_sent").click().run()
    no_exception(at)
    assert store.count("drafts") == 1
    assert any("Marked as sent today" in s.value for s in at.success)
    tid = store.dream_list.entries()[0].id
    at.button(key=f"target_applied_{tid}").click().run()
    no_exception(at)
    assert store.count("applications") == 2
    assert "You applied" in at.success[0].value
    linked = store.dream_list.entries()[0].application_id
    assert linked is not None and store.applications.get(linked).company == "acme"


def test_summary_suggests_the_dream_list(store: Store) -> None:
    dream_list.add(store, "Globex", "PM", "", 1, "ready", "")
    rid = rf.start_reflection(store, None)
    rf.save_step(store, rid, 1, 6, {"fit": "no"}, next_step=7)
    at = open_page(PAGE, via_app=False)
    assert "right fit" in at.header[0].value
    at.button(key="reflect_to_dream").click().run()
    no_exception(at)
    assert at.radio(key="reflect_section").value == "Dream list"
    assert at.header[0].value == "Your dream-job list"
    assert not at.warning


def test_one_reflection_is_a_story_not_a_pattern(store: Store) -> None:
    """Three full-size charts for one reflection would mislead: a sentence says when the
    patterns start, and nothing is drawn until the third."""
    rows = [{"status": "done", "created_on": f"2026-11-{10 + i}",
             "completed_on": f"2026-11-{10 + i}", "updated_at": "x", "control_pct": 40,
             "fit": "yes",
             "answers": json.dumps({"outside_factors": ["timing"],
                                    "do_differently": ["Practise coding"]})} for i in range(3)]
    store.transfer.insert_rows("reflections", rows[:1])
    at = _section(open_page(PAGE, via_app=False), "Insights")
    no_exception(at)
    assert not at.get("vega_lite_chart")
    assert "after your third finished reflection" in at.info[0].value
    assert "You've finished one reflection so far." in at.info[0].value
    store.transfer.insert_rows("reflections", rows[1:])
    at.run()
    no_exception(at)
    assert len(at.get("vega_lite_chart")) == 3


def test_insights_charts_are_aggregated(store: Store) -> None:
    rows = []
    for i in range(120):
        rows.append({
            "status": "done", "created_on": f"2026-{1 + i % 10:02d}-10",
            "completed_on": f"2026-{1 + i % 10:02d}-10", "updated_at": "x",
            "control_pct": (i * 7) % 101, "fit": "yes",
            "answers": json.dumps({"outside_factors": ["timing", "experience"][: 1 + i % 2],
                                   "do_differently": ["Practise coding", "Mock interview"]}),
        })
    store.transfer.insert_rows("reflections", rows)
    at = _section(open_page(PAGE, via_app=False), "Insights")
    assert len(at.get("vega_lite_chart")) == 3
    frames = chart_frames(at)
    assert all(len(frame) <= 10 * len(rf.THEMES) for frame in frames)


def test_dream_list_add_shows_the_history_and_the_door_is_one_click(store: Store) -> None:
    earlier = factories.rejected_after_interview(
        store, "Acme GmbH", applied_on="2026-02-01", rejected_on="2026-03-10", role="Engineer",
        contact_name="Priya Shah", contact_email="priya@acme.example")
    factories.sent_note(store, earlier, "2026-03-11", to_email="priya@acme.example")
    at = _section(open_page(PAGE, via_app=False), "Dream list")
    assert any("Applied to this company before?" in c.value for c in at.caption)
    at.text_input(key="target_new_company").input("acme").run()  # as it is typed
    no_exception(at)
    said = "\n".join([m.value for m in at.markdown] + [c.value for c in at.caption]
                     + [s.value for s in at.success])
    assert "You've been in touch with Acme GmbH before" in said
    assert "You thanked Priya Shah after the no in March: the door is open." in said
    assert "Got as far as interviews; they said no on 2026-03-10." in said
    at.button(key="target_add_stay_open").click().run()
    no_exception(at)
    at.button(key="target_add_stay_mark_sent").click().run()
    no_exception(at)
    assert [d.kind for d in store.drafts.for_application(earlier)] == [
        "stay_in_touch", "rejection_thanks"]
    # The entry is added as before, under the name as typed.
    at.text_input(key="target_new_role").input("Platform engineer")
    _submit(at, "target_add")
    assert [(t.company, t.role) for t in store.dream_list.entries()] == [
        ("acme", "Platform engineer")]
    # The entry offers the same note, already sent today: one note, wherever it is offered.
    tid = store.dream_list.entries()[0].id
    assert any("Marked as sent today" in s.value for s in at.success)
    at.button(key=f"target_{tid}_stay_mark_sent").click().run()
    no_exception(at)
    assert [d.kind for d in store.drafts.for_application(earlier)] == [
        "stay_in_touch", "rejection_thanks"]


def test_a_summary_with_an_empty_dream_list_lets_the_user_add_a_company_there(
        store: Store) -> None:
    factories.rejected(store, "Acme")
    at = open_page(PAGE)
    at.radio(key="reflect_about").set_value("One application").run()
    at.button(key="reflect_start").click().run()
    rid = rf.draft_in_progress(store).record.id
    for step in range(7):
        if step == 6:
            at.radio(key=f"rf{rid}_fit").set_value("no")
        _next(at, step)
    assert any("add a company you'd love to work for" in m.value for m in at.markdown)
    at.text_input(key="reflect_dream_add_company").input("Globex")
    at.button(key="FormSubmitter:reflect_dream_add-Add to my dream list").click().run()
    no_exception(at)
    assert store.dream_list.next_entry().company == "Globex"
    assert "Globex" in [t.value for t in at.text]  # the summary now names it


def test_the_demo_opens_reflect_on_a_clean_start_not_someone_elses_draft(store: Store) -> None:
    from nextround import demo

    demo.fill(store, applications=400, seed=42)  # as "Explore with demo data" fills it
    at = open_page(PAGE)
    no_exception(at)
    assert at.header[0].value == "Start a reflection"
    assert rf.draft_in_progress(store) is None


def test_how_far_it_got_is_filled_in_and_a_poor_fit_is_in_the_summary(store: Store) -> None:
    factories.rejected_after_interview(store, "Acme", interviewed_on="2026-10-10")
    at = open_page(PAGE)
    at.radio(key="reflect_about").set_value("One application").run()
    at.button(key="reflect_start").click().run()
    no_exception(at)
    rid = rf.draft_in_progress(store).record.id
    _next(at, 0)
    assert at.selectbox(key=f"rf{rid}_stage").value == "interviewing"  # never asked again
    for step in range(1, 7):
        if step == 6:
            at.radio(key=f"rf{rid}_fit").set_value("no")
        _next(at, step)
    summary = _rendered_markdown(at) + "\n".join(h.value for h in at.header)
    assert "wasn't a good fit for you" in summary
