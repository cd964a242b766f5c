"""AppTest for the progress page (home): opened through app.py + switch_page and directly, on
an empty database and with data.

What a user must be able to rely on: a new user is welcomed with two clear choices; the demo
never touches their own database; with data, every chart is drawn from aggregated frames
(one row per week, stage, bin, source or band), however many applications there are.
"""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from nextround import ui
from nextround.store import Store, sqlite_path
from tests import factories
from tests.conftest import TODAY, chart_frames, chart_specs, no_exception, open_page

PAGE = "pages/progress.py"
BOTH_WAYS = pytest.mark.parametrize("via_app", [True, False], ids=["via_app", "direct"])
SEEDED = 60
FIRST_APPLIED = TODAY - timedelta(days=7 * 20)
PER_APPLICATION_COLUMNS = {"application_id", "company", "role", "contact_email", "notes"}
PAYLOAD = "<img src=x onerror=alert(1)>"


def _seed(store: Store) -> None:
    """60 applications over 20 weeks with a spread of replies, through the real store."""
    sources = ["LinkedIn", "Referral", "Company site", "Job board", "Recruiter", "Meetup",
               PAYLOAD]
    for i in range(SEEDED):
        applied = FIRST_APPLIED + timedelta(days=(i * 140) // SEEDED)
        app_id = factories.application(store, f"Company {i}", role="Analyst", applied_on=applied,
                                       source=sources[i % len(sources)])
        path = [[], [("screening", 3)], [("rejected", 0)], [("screening", 2),
                ("interviewing", 9), ("rejected", 20)], [("ghosted", 35)],
                [("screening", 5), ("interviewing", 12), ("offer", 25)]][i % 6]
        for stage, after in path:
            day = min(applied + timedelta(days=after), TODAY)
            factories.move(store, app_id, stage, day)


@pytest.fixture(scope="module")
def template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Seeded once per module (every write is a durable transaction), copied per test."""
    path = tmp_path_factory.mktemp("progress") / "seeded.db"
    store = Store(path)
    _seed(store)
    store.dispose()
    return path


@pytest.fixture
def seeded(template: Path, isolated: Path | str) -> Store:
    if isinstance(isolated, str):  # a server database: seeded in place
        store = Store(isolated)
        _seed(store)
        return store
    isolated.write_bytes(template.read_bytes())
    return Store(isolated)


def _open(via_app: bool) -> AppTest:
    at = open_page(PAGE, via_app=via_app)
    no_exception(at)
    return at


def _texts(at: AppTest) -> str:
    parts = [e.value for kind in ("markdown", "caption", "title", "header", "info")
             for e in getattr(at, kind)]
    return "\n".join(str(p) for p in parts)


def _weeks(start: date, end: date) -> int:
    first = start - timedelta(days=start.weekday())
    return (end - first).days // 7 + 1


# --- empty database ----------------------------------------------------------------------------

@BOTH_WAYS
def test_empty_database_welcomes_with_two_choices(via_app: bool) -> None:
    at = _open(via_app)
    assert at.title[0].value == "Welcome to Next Round"
    assert "Start by adding the applications" in _texts(at)
    assert at.button(key="start_fresh").label == "Start fresh"
    assert at.button(key="explore_demo").label == "Explore with demo data"
    assert not at.get("vega_lite_chart") and not at.metric


def test_start_fresh_opens_the_applications_page() -> None:
    at = _open(True)
    at.button(key="start_fresh").click().run()
    no_exception(at)
    assert [t.value for t in at.title] == ["Applications"]
    assert not (ui.DEMO_KEY in at.session_state and at.session_state[ui.DEMO_KEY])


def test_demo_fills_a_separate_database_and_leaves_yours_empty(isolated: Path) -> None:
    at = open_page(PAGE, via_app=False, timeout=120)
    at.button(key="explore_demo").click().run()
    no_exception(at)
    assert at.session_state[ui.DEMO_KEY] is True
    demo_db = sqlite_path(ui.demo_url())
    assert demo_db.exists()
    assert Store(demo_db).count("applications") == 400
    assert Store(isolated).is_empty()  # the user's own database is untouched
    assert at.title[0].value == "Your progress"
    assert len(at.get("vega_lite_chart")) == 8  # seven progress charts and the wellbeing trend
    assert "You're exploring demo data" in [w.value for w in at.sidebar.warning][0]
    for frame in chart_frames(at):
        assert len(frame) < 400


# --- with data ---------------------------------------------------------------------------------

@BOTH_WAYS
def test_charts_exist_and_send_only_aggregated_rows(seeded: Store, via_app: bool) -> None:
    at = _open(via_app)
    assert at.title[0].value == "Your progress"
    assert len(at.get("vega_lite_chart")) == 7
    frames = chart_frames(at)
    weeks = _weeks(FIRST_APPLIED, TODAY)
    for frame in frames:
        assert len(frame) < SEEDED, list(frame.columns)
        assert not PER_APPLICATION_COLUMNS & set(frame.columns)
    by_columns = {tuple(f.columns): f for f in frames}
    weekly = by_columns[("week", "week_end", "applications", "responses", "label")]
    assert len(weekly) == weeks and weekly["applications"].sum() == SEEDED
    cumulative = by_columns[("week", "Applied", "Responded", "Interviewed", "Offers")]
    assert len(cumulative) == weeks and cumulative["Applied"].iloc[-1] == SEEDED
    funnel = next(f for f in frames if "pct_of_previous" in f.columns)
    assert list(funnel["count"]) == [60, 40, 30, 10]  # 4 of every 6 replied, 3 screened, 1 offer
    assert len(next(f for f in frames if "bin" in f.columns)) == 7
    assert len(next(f for f in frames if "Still open" in f.columns)) == 4
    assert len(next(f for f in frames if "rate" in f.columns)) == 5  # top 5 sources
    titles = [spec.get("title", {}).get("text") for spec in chart_specs(at)]
    assert "How your applications flowed" in titles


@BOTH_WAYS
def test_headline_numbers_with_change_over_four_weeks(seeded: Store, via_app: bool) -> None:
    at = _open(via_app)
    metrics = {m.label: m for m in at.metric}
    assert metrics["Applications"].value == "60"
    assert metrics["Response rate"].value == "67%"
    assert metrics["Interview rate"].value == "50%"
    assert metrics["Offers"].value == "10"
    assert set(metrics) >= {"Sent this week", "Days to first reply", "Always-respond rate",
                            "Feedback rate"}
    assert metrics["Applications"].proto.delta  # a change against 4 weeks earlier
    assert "game-plan actions done" in _texts(at)
    assert "No wellbeing check-in yet" in _texts(at)


def test_period_control_is_shared_by_every_chart(seeded: Store) -> None:
    at = _open(False)
    at.radio(key="progress_period").set_value("4 weeks").run()
    no_exception(at)
    frames = chart_frames(at)
    weekly = next(f for f in frames if "week_end" in f.columns)
    assert len(weekly) == _weeks(TODAY - timedelta(days=27), TODAY)
    funnel = next(f for f in frames if "pct_of_previous" in f.columns)
    assert funnel["count"].iloc[0] == weekly["applications"].sum() < SEEDED
    at.radio(key="progress_period").set_value("Custom").run()
    at.date_input(key="progress_range").set_value(
        (FIRST_APPLIED, FIRST_APPLIED + timedelta(days=27))).run()
    no_exception(at)
    weekly = next(f for f in chart_frames(at) if "week_end" in f.columns)
    assert len(weekly) == _weeks(FIRST_APPLIED, FIRST_APPLIED + timedelta(days=27))


def test_a_period_without_applications_says_what_to_do(store: Store) -> None:
    factories.application(store, "Old", applied_on=TODAY - timedelta(days=200))
    at = _open(False)
    at.radio(key="progress_period").set_value("4 weeks").run()
    no_exception(at)
    assert not at.get("vega_lite_chart")
    assert "No applications were sent in this period" in at.info[0].value


def test_user_text_reaches_charts_as_data_only(seeded: Store) -> None:
    at = _open(False)
    assert PAYLOAD not in _texts(at)
    sources = next(f for f in chart_frames(at) if "rate" in f.columns)
    assert PAYLOAD in set(sources["source"]) or len(sources) == 5


def test_a_damaged_demo_file_is_reported_not_raised(isolated: Path) -> None:
    sqlite_path(ui.demo_url()).write_bytes(b"this is not a database")
    at = _open(False)
    at.button(key="explore_demo").click().run()
    no_exception(at)
    assert "not a Next Round database" in at.error[0].value
    assert not (ui.DEMO_KEY in at.session_state and at.session_state[ui.DEMO_KEY])
    assert at.title[0].value == "Welcome to Next Round"


def test_a_small_wellbeing_trend_once_there_are_check_ins(seeded: Store) -> None:
    at = _open(True)
    before = len(at.get("vega_lite_chart"))
    seeded.transfer.insert_rows("checkins", [
        {"week": week, "checked_on": day, "items": "[3,3,3,3,3]", "who5_raw": raw,
         "self_care": "[]", "updated_at": "x"}
        for week, day, raw in (("2026-W46", "2026-11-12", 12), ("2026-W47", "2026-11-19", 16))])
    at.run()
    no_exception(at)
    charts_now = at.get("vega_lite_chart")
    assert len(charts_now) == before + 1
    frames = chart_frames(at)
    assert any("who5_pct" in f.columns and len(f) <= 13 for f in frames)
