"""The "This week" agenda on the home page, through the real Streamlit runtime."""

from __future__ import annotations

import json

import pyarrow as pa
import pytest

from nextround import demo
from nextround.models import Stage
from nextround.store import Store
from tests import factories
from tests.conftest import TODAY, no_exception, open_page

PAGE = "app_pages/progress.py"


def texts(at) -> str:  # noqa: ANN001
    parts = [m.value for m in at.markdown] + [c.value for c in at.caption]
    parts += [s.value for s in at.success] + [m.label for m in at.metric]
    return "\n".join(parts)


@pytest.mark.parametrize("via_app", [True, False])
def test_empty_database_shows_the_welcome_not_an_agenda(via_app: bool) -> None:
    at = open_page(PAGE, via_app=via_app)
    no_exception(at)
    assert "This week" not in [h.value for h in at.header]
    assert at.button(key="explore_demo")


@pytest.mark.parametrize("via_app", [True, False])
def test_demo_data_shows_what_was_done_and_what_needs_attention(store: Store,
                                                              via_app: bool) -> None:
    demo.fill(store, applications=300, seed=5, today=TODAY)
    at = open_page(PAGE, via_app=via_app)
    no_exception(at)
    assert "This week" in [h.value for h in at.header]
    labels = [m.label for m in at.metric]
    for label in ("Applications sent", "Replies sent", "Feedback received", "Check-in"):
        assert label in labels
    assert "What would help most next" in texts(at)


def test_an_item_goes_once_it_is_done(store: Store) -> None:
    app_id = factories.application(store, "Acme", role="Dev", applied_on="2026-11-02")
    factories.move(store, app_id, Stage.REJECTED, "2026-11-20", version=1)
    at = open_page(PAGE)
    no_exception(at)
    assert "After the no from Acme" in texts(at)
    assert "Step 1 of 5: Reply." in texts(at)
    store.transfer.insert_rows("drafts", [{"application_id": app_id, "kind": "rejection_thanks",
                                           "subject": "Thank you", "body": "Thanks",
                                           "status": "sent",
                                           "sent_on": "2026-11-25", "created_at": "x",
                                           "updated_at": "x"}])
    at.run()
    no_exception(at)
    assert "Step 1 of 5: Reply." not in texts(at)
    assert "Step 2 of 5: Ask for feedback." in texts(at)


def test_all_caught_up_says_so_kindly(store: Store) -> None:
    factories.application(store, "Acme", role="Dev", applied_on="2026-11-24")
    store.transfer.insert_rows("checkins", [{"week": "2026-W48", "checked_on": "2026-11-24",
                                             "items": "[3,3,3,3,3]", "who5_raw": 15,
                                             "self_care": "[]",
                                             "updated_at": "x"}])
    at = open_page(PAGE)
    no_exception(at)
    assert any("all caught up" in s.value for s in at.success)


def _downloads(at) -> list[str]:  # noqa: ANN001
    return [d.proto.label for d in at.get("download_button")]


def test_weekly_review_is_prepared_on_a_click(store: Store) -> None:
    """A button, not a toggle: nothing is drawn until it is clicked (it renders charts); the
    click prepares the review and offers the download, which stays through other reruns."""
    demo.fill(store, applications=120, seed=2, today=TODAY)
    at = open_page(PAGE)
    assert "Download my week" not in _downloads(at)
    assert "Add follow-ups and plans to my calendar" in _downloads(at)
    assert not at.toggle  # no switch left to flip
    assert at.button(key="prepare_review").label == "Prepare my weekly review"
    at.button(key="prepare_review").click().run()
    no_exception(at)
    assert "Download my week" in _downloads(at)
    assert "Your wellbeing check-in is left out." in [c.value for c in at.caption]
    at.radio(key="progress_period").set_value("4 weeks").run()  # another rerun: still there
    no_exception(at)
    assert "Download my week" in _downloads(at)


# --- care comes first when the week is hard ---------------------------------------------------

def _walk(node) -> list:  # noqa: ANN001
    found = [node]
    for child in getattr(node, "children", {}).values():
        found.extend(_walk(child))
    return found


def _has_container(at, key: str) -> bool:  # noqa: ANN001
    try:
        at.container(key=key)
    except (KeyError, ValueError, IndexError):
        return False
    return True


def _hard_week_with_work_waiting(store: Store, items: tuple[int, ...], stress: int) -> None:
    """One application sent this week, three feedback requests due for a follow-up, and this
    week's check-in."""
    factories.application(store, "Sent", applied_on="2026-11-24")
    for number in range(3):
        app = factories.application(store, f"Company {number}", applied_on="2026-10-01",
                                    stages=[("screening", "2026-10-05")])
        factories.feedback_request(store, app, "2026-11-10", follow_up_due="2026-11-20")
    factories.checkin(store, items, day=TODAY, stress=stress, self_care=("sleep",))


def _sent_this_week(at):  # noqa: ANN001, ANN202
    return next(m for m in at.metric if m.label == "Sent this week")


@pytest.mark.parametrize("via_app", [True, False])
def test_a_hard_week_leads_with_care_and_no_pressure_counts(store: Store, via_app: bool) -> None:
    _hard_week_with_work_waiting(store, (1, 1, 2, 1, 1), stress=9)  # 24%, stress 9
    at = open_page(PAGE, via_app=via_app)
    no_exception(at)
    assert _has_container(at, "this_week_care")
    care_box = at.container(key="this_week_care")
    words = "\n".join(n.value for n in _walk(care_box)
                      if type(n).__name__ in ("Markdown", "Caption", "Subheader"))
    assert "Looking after yourself comes first" in words
    assert "heavy going, and very stressful" in words
    for step in ("**Rest**", "**Support**", "**One small kind step**",
                 "Take a ten-minute walk"):  # sleep was ticked: the next kind step
        assert step in words
    assert "weekly application goal is paused" in words
    # "Get support" in reach, inside the care block, with the region it shows.
    popovers = [n for n in _walk(care_box) if getattr(n, "type", "") == "popover"]
    assert [p.proto.popover.label for p in popovers] == ["Get support"]
    inside = _walk(popovers[0])
    assert any("findahelpline" in n.proto.url for n in inside
               if type(n).__name__ == "LinkButton")
    assert any("any country" in n.value for n in inside if type(n).__name__ == "Caption")
    # Care comes first: before what the search asks for, which waits, without counts.
    order = _walk(at.main)
    ready = next(i for i, n in enumerate(order)
                 if type(n).__name__ == "Markdown" and n.value == "**When you're ready**")
    assert order.index(care_box) < ready
    shown = texts(at)
    assert "Give a feedback request a gentle nudge" in shown
    assert "waiting" not in shown and "What would help most next" not in shown
    # What was done, in words; no row of zeros (the "Replies sent 0" cards are left out).
    assert "So far this week: 1 application sent, your check-in done." in shown
    assert not {"Applications sent", "Replies sent"} & {m.label for m in at.metric}
    # The headline shows this week's goal as paused, not "4 to reach your goal".
    sent = _sent_this_week(at)
    assert sent.value == "1" and sent.proto.delta == "Goal paused this week"
    assert "to reach your goal" not in "\n".join(m.proto.delta for m in at.metric)


def test_a_good_week_leads_with_the_next_step(store: Store) -> None:
    _hard_week_with_work_waiting(store, (4, 4, 3, 3, 3), stress=4)  # 68%
    at = open_page(PAGE)
    no_exception(at)
    assert not _has_container(at, "this_week_care")
    shown = texts(at)
    assert "What would help most next" in shown and "3 requests are waiting" in shown
    sent = _sent_this_week(at)
    assert sent.value == "1 of 5" and sent.proto.delta == "4 to reach your goal"


def test_the_goal_stays_when_the_pause_is_turned_off(store: Store) -> None:
    _hard_week_with_work_waiting(store, (2, 2, 2, 2, 2), stress=3)  # 40%
    at = open_page("app_pages/data.py")
    assert at.checkbox(key="settings_pause_goal").value is True  # on unless turned off
    at.checkbox(key="settings_pause_goal").uncheck()
    next(b for b in at.form_submit_button if b.label == "Save settings").click().run()
    no_exception(at)
    assert store.settings.get().extra["pause_goal_in_hard_week"] == "false"
    at = open_page(PAGE)
    no_exception(at)
    assert _has_container(at, "this_week_care")  # care still leads
    words = "\n".join(c.value for c in at.caption)
    assert "goal is paused" not in words
    assert _sent_this_week(at).value == "1 of 5"


def test_the_weekly_review_leaves_wellbeing_out_unless_included(store: Store) -> None:
    """The choice is there before preparing (off by default); ticking it after preparing asks
    for a new review rather than handing over one that doesn't match."""
    _hard_week_with_work_waiting(store, (2, 2, 2, 2, 2), stress=3)
    at = open_page(PAGE)
    assert at.checkbox(key="review_with_wellbeing").value is False
    at.button(key="prepare_review").click().run()
    no_exception(at)
    assert "Your wellbeing check-in is left out." in [c.value for c in at.caption]
    at.checkbox(key="review_with_wellbeing").check().run()
    no_exception(at)
    assert "Download my week" not in _downloads(at)
    assert any("prepare the review again" in c.value for c in at.caption)
    at.button(key="prepare_review").click().run()
    no_exception(at)
    assert "It includes your wellbeing check-in." in [c.value for c in at.caption]
    assert "Download my week" in _downloads(at)


def test_wellbeing_can_be_included_before_the_first_click(store: Store) -> None:
    _hard_week_with_work_waiting(store, (2, 2, 2, 2, 2), stress=3)
    at = open_page(PAGE)
    at.checkbox(key="review_with_wellbeing").check().run()
    assert "Download my week" not in _downloads(at)
    at.button(key="prepare_review").click().run()
    no_exception(at)
    assert "It includes your wellbeing check-in." in [c.value for c in at.caption]
    assert "Download my week" in _downloads(at)


@pytest.mark.parametrize(("items", "stress", "line_drawn"),
                         [((2, 2, 2, 2, 2), 3, False), ((4, 4, 3, 3, 3), 4, True)])
def test_the_weekly_chart_draws_the_goal_line_only_when_the_goal_is_not_paused(
        store: Store, items: tuple[int, ...], stress: int, line_drawn: bool) -> None:
    _hard_week_with_work_waiting(store, items, stress=stress)
    at = open_page(PAGE)
    no_exception(at)
    weekly = next(c for c in at.get("vega_lite_chart")
                  if "Applied and responded" in json.dumps(json.loads(c.proto.spec)["title"]))
    goal = {d.name: d for d in weekly.proto.datasets}["goal"]
    rows = pa.ipc.open_stream(goal.data.data).read_all().num_rows
    assert rows == (1 if line_drawn else 0)
