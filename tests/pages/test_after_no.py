"""The path after a no, followed through the real Streamlit runtime: from marking an
application rejected to the next company on the dream list, by its primary buttons, with a
skip, page switches and a new browser session on the way."""

from __future__ import annotations

import json

from streamlit.testing.v1 import AppTest

from nextround import after_no
from nextround import reflection as rf
from nextround.store import Store
from tests import factories
from tests.conftest import no_exception, open_page


def _panel_text(at: AppTest) -> str:
    parts = [m.value for m in at.markdown] + [c.value for c in at.caption]
    parts += [s.value for s in at.subheader] + [s.value for s in at.success]
    parts += [t.value for t in at.text]
    return "\n".join(parts)


def _click(at: AppTest, key: str) -> AppTest:
    at.button(key=key).click().run()
    no_exception(at)
    return at


def _go(at: AppTest, key: str, page: str, title: str) -> AppTest:
    """A primary button that opens another page (st.switch_page). AppTest shows the new page
    at once, and is told to stay on it for the runs that follow, as a browser does."""
    _click(at, key)
    assert at.title[0].value == title
    at.switch_page(page)
    return at


def _walk_the_reflection(at: AppTest, store: Store) -> None:
    draft = rf.draft_in_progress(store)
    k = f"rf{draft.record.id}_"
    # What is already known starts the answers: the stage reached and what was appreciated.
    assert draft.answers["stage_reached"] == "interviewing"
    for step in range(7):
        if step == 3:
            assert at.text_area(key=k + "well").value == "the pairing exercise"
        if step == 2:
            at.slider(key=k + "feeling").set_value(4)
        if step == 6:
            at.radio(key=k + "fit").set_value("no")
        _click(at, f"reflect_step_{step}_next")
    _click(at, "reflect_finish_button")


def test_the_whole_path_for_one_application(store: Store) -> None:
    app = factories.application(store, "Acme", role="Engineer", applied_on="2026-11-02",
                                 contact_name="Priya Raman",
                                 contact_email="priya@acme.example",
                                 stages=[("interviewing", "2026-11-10")])
    # Applications: the no comes in, and the path is offered right there.
    at = open_page("app_pages/applications.py")
    assert after_no.path_for(store, app) is None
    at.selectbox(key="stage_app_stage").set_value("rejected")
    _click(at, "stage_app_submit")
    text = _panel_text(at)
    assert "After the no from Acme" in text
    assert "Step 1 of 5: Reply" in text
    assert "Priya Raman" in text and "interviews" in text  # carried forward
    # Step 1: the primary button opens Respond on this application, with the thank-you.
    _go(at, "after_no_applications_go", "app_pages/respond.py", "Respond")
    assert at.selectbox(key="respond_app").value == app
    assert at.selectbox(key="respond_kind").value == "rejection_thanks"
    assert at.text_input(key="respond_contact_name").value == "Priya Raman"
    at.text_input(key="respond_highlight").input("the pairing exercise").run()
    assert "Hi Priya," in at.text_area(key="respond_body").value
    _click(at, "respond_mark_sent")
    _click(at, "respond_mark_sent")  # a double click records one email
    assert store.count("drafts") == 1
    # Step 2: the request would be drafted here too, but it is skipped for this one.
    text = _panel_text(at)
    assert "Step 2 of 5: Ask for feedback" in text
    assert at.button(key="after_no_respond_go").label == "Draft the feedback request"
    _click(at, "after_no_respond_skip")
    assert "Step 3 of 5: Reflect" in _panel_text(at)
    # Step 3: the reflection starts about this application, with what is known filled in.
    _go(at, "after_no_respond_go", "app_pages/reflect.py", "Reflect")
    _walk_the_reflection(at, store)
    assert "Step 4 of 5: Look after yourself" in _panel_text(at)

    # A new browser session: the path is remembered, and This week leads with it.
    at = open_page("app_pages/progress.py")
    no_exception(at)
    assert "After the no from Acme" in _panel_text(at)
    _go(at, f"this_week_path_{app}", "app_pages/checkin.py", "Weekly check-in")
    assert "Step 4 of 5: Look after yourself" in _panel_text(at)
    for number in range(1, 6):
        at.radio(key=f"checkin_item_{number}").set_value(3)
    _click(at, "checkin_save")
    # Step 5: the dream list is empty, so the next company is added in place.
    assert "Step 5 of 5: The next company" in _panel_text(at)
    at.text_input(key="after_no_next_checkin_company").input("Dream Co")
    at.text_input(key="after_no_next_checkin_role").input("Platform engineer")
    at.button(key="FormSubmitter:after_no_next_checkin-Add it as my next company").click().run()
    no_exception(at)
    assert "You've walked the whole path" in _panel_text(at)

    # Every step's data landed once, and nothing done is offered again.
    counts = {t: store.count(t) for t in ("drafts", "feedback_requests", "reflections",
                                          "checkins", "targets", "path_steps")}
    assert counts == {"drafts": 1, "feedback_requests": 0, "reflections": 1, "checkins": 1,
                      "targets": 1, "path_steps": 3}  # reply's note, feedback skip, next
    path = after_no.path_for(store, app)
    assert path.finished
    assert path.states == {"reply": "done", "feedback": "skipped", "reflect": "done",
                           "care": "done", "next": "done"}
    finished = store.reflections.recent(1)[0]
    assert json.loads(store.reflections.get(finished.id).answers)["went_well"] == \
        "the pairing exercise"
    assert store.applications.unanswered_rejections()[1] == 0
    assert store.applications.search(stages=("rejected",), unreflected=True)[1] == 0
    at = open_page("app_pages/progress.py")
    no_exception(at)
    assert "After the no from Acme" not in _panel_text(at)
    assert "Send a short thank-you" not in _panel_text(at)


def test_another_reflection_in_progress_is_not_lost(store: Store) -> None:
    app = factories.rejected(store, "Acme")
    for step in ("reply", "feedback"):
        after_no.mark(store, app, step, "skipped")
    general = rf.start_reflection(store, None)  # begun earlier, about the search in general
    at = open_page("app_pages/applications.py")
    assert "Step 3 of 5: Reflect" in _panel_text(at)
    _go(at, "after_no_applications_go", "app_pages/reflect.py", "Reflect")
    # The draft in progress is kept, and the panel still offers this step's own button.
    assert rf.draft_in_progress(store).record.id == general
    assert store.count("reflections") == 1
    assert at.button(key="after_no_reflect_go").label == "Reflect on it"
    assert any("another reflection in progress" in t.value for t in at.toast)


def test_pages_used_on_their_own_point_on_to_the_next_step(store: Store) -> None:
    """Without following the path: a thank-you marked sent on Respond, or a reflection
    finished on Reflect, says what's next after that no."""
    app = factories.rejected_after_interview(store, "Acme", contact_email="hr@acme.example")
    at = open_page("app_pages/respond.py")
    assert not _panel_text(at).count("After the no from Acme")
    _click(at, "respond_mark_sent")
    assert "Step 2 of 5: Ask for feedback" in _panel_text(at)
    after_no.mark(store, app, "feedback", "skipped")
    at = open_page("app_pages/reflect.py")  # a new session, on its own
    at.radio(key="reflect_about").set_value("One application").run()
    _click(at, "reflect_start")
    rid = rf.draft_in_progress(store).record.id
    for step in range(7):
        if step == 6:
            at.radio(key=f"rf{rid}_fit").set_value("unsure")
        _click(at, f"reflect_step_{step}_next")
    _click(at, "reflect_finish_button")
    assert "Step 4 of 5: Look after yourself" in _panel_text(at)
