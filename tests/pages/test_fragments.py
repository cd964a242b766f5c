"""The parts of Progress, Applications, Respond and Reflect that rerun alone, run as the server runs
them after a click inside one (`tests/pages/fragments.py`): the part shows the click's result
and the rest of the page is not run again (its frame is not drawn, nor its title sent), while
a write from inside a part still draws the whole page from the database.
"""

from __future__ import annotations

from datetime import timedelta

import pytest
from streamlit.testing.v1 import AppTest

from nextround import after_no, dream_list
from nextround import reflection as rf
from nextround.store import Store
from nextround.ui.applications.detail import DETAIL_TAB, DETAIL_TABS
from tests import factories
from tests.conftest import TODAY, chart_frames, no_exception, open_page
from tests.pages.fragments import counting_full_runs, fragment_run

APPS, RESPOND, REFLECT = "app_pages/applications.py", "app_pages/respond.py", "app_pages/reflect.py"


def _titles(at: AppTest) -> list[str]:
    return [t.value for t in at.title]


def _table_stages(at: AppTest) -> dict[str, str]:
    frames = [d.value for d in at.dataframe if "Company" in d.value.columns]
    assert len(frames) == 1
    return dict(zip(frames[0]["Company"], frames[0]["Stage"], strict=True))


# --- Progress ------------------------------------------------------------------------------

def _metric(at: AppTest, label: str) -> str:
    return next(m.value for m in at.metric if m.label == label)


def test_another_period_reruns_only_its_numbers_and_charts(
        store: Store, monkeypatch: pytest.MonkeyPatch) -> None:
    factories.application(store, "Acme", applied_on=TODAY - timedelta(days=200))
    factories.application(store, "Globex", applied_on=TODAY - timedelta(days=3))
    with counting_full_runs(monkeypatch) as runs:
        at = open_page("app_pages/progress.py", via_app=False)
        assert _metric(at, "Applied") == "2" and "This week" in [h.value for h in at.header]
        at.radio(key="progress_period").set_value("4 weeks")
        fragment_run(at, "progress_period_part")
        no_exception(at)
        # The numbers and charts of the new period; "This week" above was not run again.
        assert _metric(at, "Applied") == "1" and at.get("vega_lite_chart")
        assert _titles(at) == [] and "This week" not in [h.value for h in at.header]
        assert len(runs) == 1
        at.run()  # the next full run keeps the period picked
        assert at.radio(key="progress_period").value == "4 weeks"
        assert _metric(at, "Applied") == "1" and _titles(at) == ["Your progress"]


def test_the_period_part_shows_a_write_made_elsewhere(store: Store) -> None:
    factories.application(store, "Globex", applied_on=TODAY - timedelta(days=3))
    at = open_page("app_pages/progress.py", via_app=False)
    assert _metric(at, "Applied") == "1"
    # Another tab or the command line adds an application from before the first one shown.
    factories.application(store, "Acme", applied_on=TODAY - timedelta(days=400))
    at.radio(key="progress_period").set_value("4 weeks")
    fragment_run(at, "progress_period_part")
    at.radio(key="progress_period").set_value("All time")
    fragment_run(at, "progress_period_part")
    no_exception(at)
    assert _metric(at, "Applied") == "2"  # "All time" starts at the new first date


# --- Applications --------------------------------------------------------------------------

def _two_applications(store: Store) -> tuple[int, int]:
    older = factories.application(store, "Acme", role="Analyst",
                                  applied_on=TODAY - timedelta(days=3))
    newer = factories.application(store, "Globex", role="Engineer",
                                  applied_on=TODAY - timedelta(days=2))
    return older, newer


def test_picking_an_application_reruns_only_the_picker_and_its_detail(
        store: Store, monkeypatch: pytest.MonkeyPatch) -> None:
    older, newer = _two_applications(store)
    with counting_full_runs(monkeypatch) as runs:
        at = open_page(APPS, via_app=False)
        assert at.selectbox(key="apps_pick").value == newer
        assert len(runs) == 1
        at.selectbox(key="apps_pick").select(older)
        fragment_run(at, "apps_detail")
        no_exception(at)
        # The picked application is shown; the page around it was not run again.
        assert [h.value for h in at.header] == ["Acme · Analyst"]
        assert _titles(at) == [] and not at.dataframe
        assert len(runs) == 1
        at.run()  # the next full run shows the same pick, with the table around it
        assert at.selectbox(key="apps_pick").value == older
        assert _titles(at) == ["Applications"] and "Acme · Analyst" in [h.value for h in
                                                                       at.header]


def test_a_stage_change_from_the_detail_redraws_the_whole_page(
        store: Store, monkeypatch: pytest.MonkeyPatch) -> None:
    older, _ = _two_applications(store)
    with counting_full_runs(monkeypatch) as runs:
        at = open_page(APPS, via_app=False)
        at.selectbox(key="apps_pick").select(older)
        fragment_run(at, "apps_detail")
        at.selectbox(key="stage_app_stage").select("screening")
        at.button(key="stage_app_submit").click()
        fragment_run(at, "apps_detail")
        no_exception(at)
        assert store.applications.get(older).stage == "screening"
        # The write reran the whole page: the table above shows the new stage too.
        assert len(runs) == 2
        assert _titles(at) == ["Applications"]
        assert _table_stages(at)["Acme"] == "Screening"
        assert [t.value for t in at.toast] == ["Stage updated. The change is in the timeline."]


def test_a_refused_edit_stays_in_the_detail_with_its_message(
        store: Store, monkeypatch: pytest.MonkeyPatch) -> None:
    _two_applications(store)
    with counting_full_runs(monkeypatch) as runs:
        at = open_page(APPS, via_app=False)
        assert "edit_app_company" not in {w.key for w in at.text_input}
        at.session_state[DETAIL_TAB] = DETAIL_TABS[1]  # a click on the tab reruns the part
        fragment_run(at, "apps_detail")
        assert at.text_input(key="edit_app_company").value == "Globex"
        at.text_input(key="edit_app_company").input("")
        at.button(key="edit_app_submit").click()
        fragment_run(at, "apps_detail")
        no_exception(at)
        assert len(runs) == 1  # nothing written: only the part reran, with the message
        assert any("required" in e.value.lower() for e in at.error)
        assert store.applications.search(query="Globex")[1] == 1


def test_a_search_reruns_the_list_and_not_the_forms_above(
        store: Store, monkeypatch: pytest.MonkeyPatch) -> None:
    _two_applications(store)
    with counting_full_runs(monkeypatch) as runs:
        at = open_page(APPS, via_app=False)
        at.text_input(key="apps_search").input("acme")
        fragment_run(at, "apps_list")
        no_exception(at)
        assert list(_table_stages(at)) == ["Acme"]
        assert at.selectbox(key="apps_pick").value is not None
        # The add form and the title above the list were not drawn again.
        assert _titles(at) == []
        assert not [t for t in at.text_input if t.key == "add_app_company"]
        assert len(runs) == 1


def test_a_board_move_redraws_the_whole_page(store: Store,
                                             monkeypatch: pytest.MonkeyPatch) -> None:
    older, _ = _two_applications(store)
    with counting_full_runs(monkeypatch) as runs:
        at = open_page(APPS, via_app=False)
        at.radio(key="apps_view").set_value("Board")
        fragment_run(at, "apps_list")
        assert len(runs) == 1 and _titles(at) == []
        at.selectbox(key=f"board_move_{older}_1").select("screening")
        fragment_run(at, "apps_list")
        no_exception(at)
        assert store.applications.get(older).stage == "screening"
        assert len(runs) == 2 and _titles(at) == ["Applications"]


def test_the_ghosting_list_is_drawn_only_when_opened(store: Store) -> None:
    for i in range(12):
        factories.application(store, f"Silent {i:02d}", applied_on=TODAY - timedelta(days=40 + i))
    at = open_page(APPS, via_app=False)
    label = [e for e in at.expander if e.label.startswith("No reply after")]
    assert [e.label for e in label] == ["No reply after 30 days: 12 applications"]
    assert not [b for b in at.button if (b.key or "").startswith("ghost_")]
    assert not [t for t in at.text if t.value.startswith("Silent")]
    at.session_state["ghosting"] = True
    at.run()
    no_exception(at)
    assert len([b for b in at.button if (b.key or "")[6:].isdigit()]) == 10
    assert len([t for t in at.text if t.value.startswith("Silent")]) == 10
    assert any("and 2 more" in c.value for c in at.caption)


# --- Respond -------------------------------------------------------------------------------

def test_an_option_on_respond_reruns_only_the_email(store: Store,
                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    factories.rejected_after_interview(store, "Acme", contact_name="Ana Ruiz")
    with counting_full_runs(monkeypatch) as runs:
        at = open_page(RESPOND, via_app=False)
        before = at.text_area(key="respond_body").value
        at.radio(key="respond_tone").set_value("formal")
        fragment_run(at, "respond_email")
        no_exception(at)
        assert at.text_area(key="respond_body").value != before
        assert _titles(at) == [] and len(runs) == 1
        # Another version comes in the same part (a callback, no rerun of the page).
        shown = at.text_area(key="respond_body").value
        at.button(key="respond_another").click()
        fragment_run(at, "respond_email")
        no_exception(at)
        assert at.text_area(key="respond_body").value != shown
        assert len(runs) == 1


def test_grouping_feedback_themes_by_week_redraws_only_the_chart(
        store: Store, monkeypatch: pytest.MonkeyPatch) -> None:
    for n, day in enumerate(("2026-11-03", "2026-11-10", "2026-11-12")):
        factories.received_reply(store, day, "Reply.", ("skills gap",), company=f"Co {n}")
    with counting_full_runs(monkeypatch) as runs:
        at = open_page("app_pages/feedback.py", via_app=False)
        at.session_state["feedback_tab"] = "Themes"
        at.run()
        assert chart_frames(at)[0]["replies"].tolist() == [3]  # by month: one November bar
        at.radio(key="feedback_freq").set_value("week")
        fragment_run(at, "feedback_themes_chart")
        no_exception(at)
        assert chart_frames(at)[0]["replies"].tolist() == [1, 2]  # two weeks
        assert _titles(at) == [] and len(runs) == 2  # the page was not run again


def test_marking_sent_from_the_email_redraws_the_whole_page(
        store: Store, monkeypatch: pytest.MonkeyPatch) -> None:
    app = factories.rejected_after_interview(store, "Acme", contact_email="hr@acme.example")
    with counting_full_runs(monkeypatch) as runs:
        at = open_page(RESPOND, via_app=False)
        at.button(key="respond_mark_sent").click()
        fragment_run(at, "respond_email")
        no_exception(at)
        assert store.count("drafts") == 1
        assert len(runs) == 2 and _titles(at) == ["Respond"]
        # The panel above, outside the part, now shows the next step after this no.
        assert any("Step 2 of 5" in m.value for m in at.markdown)
        assert after_no.path_for(store, app).current == "feedback"


def test_a_choice_that_changes_the_panel_reruns_the_page(
        store: Store, monkeypatch: pytest.MonkeyPatch) -> None:
    """Following a path: the panel is compact while Respond is set on its step; picking
    another kind of email below makes it the full panel again, at once."""
    factories.rejected_after_interview(store, "Acme", contact_email="hr@acme.example")
    app = store.applications.search(query="Acme")[0][0].id
    with counting_full_runs(monkeypatch) as runs:
        at = open_page(RESPOND, via_app=False)
        at.session_state["after_no_following"] = app
        at.run()
        assert at.session_state["after_no_compact_respond"] is True
        assert len(runs) == 2
        at.selectbox(key="respond_kind").select("stay_in_touch")
        fragment_run(at, "respond_email")
        no_exception(at)
        assert len(runs) == 3 and _titles(at) == ["Respond"]
        assert at.session_state["after_no_compact_respond"] is False
        assert at.button(key="after_no_respond_go").label == "Write the thank-you"


# --- the path after a no -------------------------------------------------------------------

def test_a_step_skipped_in_the_panel_redraws_the_whole_page(
        store: Store, monkeypatch: pytest.MonkeyPatch) -> None:
    app = factories.rejected(store, "Acme")
    with counting_full_runs(monkeypatch) as runs:
        at = open_page(APPS, via_app=False)
        assert any("Step 1 of 5" in m.value for m in at.markdown)
        at.button(key="after_no_applications_skip").click()
        fragment_run(at, "after_no_panel")
        no_exception(at)
        assert after_no.path_for(store, app).states["reply"] == "skipped"
        assert len(runs) == 2 and _titles(at) == ["Applications"]
        assert any("Step 2 of 5" in m.value for m in at.markdown)


# --- Reflect -------------------------------------------------------------------------------

def _finished_reflection(store: Store) -> int:
    rid = rf.start_reflection(store, None)
    rf.save_step(store, rid, 1, 6, {"fit": "no"}, next_step=7)
    store.reflections.finish(rid, 2)
    return rid


def test_a_choice_inside_a_reflect_section_reruns_only_that_section(
        store: Store, monkeypatch: pytest.MonkeyPatch) -> None:
    rid = _finished_reflection(store)
    with counting_full_runs(monkeypatch) as runs:
        at = open_page(REFLECT, via_app=False)
        at.selectbox(key="reflect_reread").set_value(rid)
        fragment_run(at, "reflect_section_part")
        no_exception(at)
        assert any("right fit" in h.value for h in at.header)  # the summary, read again
        assert _titles(at) == []
        assert len(runs) == 1


def test_game_plan_done_list_and_its_undo(store: Store,
                                          monkeypatch: pytest.MonkeyPatch) -> None:
    action = rf.add_action(store, "Ring Ana")
    store.actions.set_done(action, True, 1)
    with counting_full_runs(monkeypatch) as runs:
        at = open_page(REFLECT, via_app=False)
        at.radio(key="reflect_section").set_value("Game plan").run()
        assert len(runs) == 2
        at.radio(key="plan_view").set_value("Done")
        fragment_run(at, "reflect_section_part")
        no_exception(at)
        assert len(runs) == 2 and "Ring Ana" in [t.value for t in at.text]
        at.button(key=f"action_undo_{action}").click()
        fragment_run(at, "reflect_section_part")
        no_exception(at)
        assert store.actions.counts() == {"open": 1, "done": 0}
        assert len(runs) == 3 and _titles(at) == ["Reflect"]  # a write: the whole page


def test_a_button_to_another_section_reruns_the_page(store: Store,
                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    dream_list.add(store, "Globex", "PM", "", 1, "ready", "")
    rid = rf.start_reflection(store, None)
    rf.save_step(store, rid, 1, 6, {"fit": "no"}, next_step=7)
    with counting_full_runs(monkeypatch) as runs:
        at = open_page(REFLECT, via_app=False)
        at.button(key="reflect_to_dream").click()
        fragment_run(at, "reflect_section_part")
        no_exception(at)
        assert len(runs) == 2
        assert at.radio(key="reflect_section").value == "Dream list"
        assert any(h.value == "Your dream-job list" for h in at.header)
