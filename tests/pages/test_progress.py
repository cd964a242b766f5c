"""AppTest for the progress page (home): opened through app.py + switch_page and directly, on
an empty database and with data.

What a user must be able to rely on: a new user is welcomed with two clear choices; the demo
never touches their own database; with data, every chart is drawn from aggregated frames
(one row per week, stage, bin, source or band), however many applications there are.
"""

from __future__ import annotations

import re
from datetime import date, timedelta
from pathlib import Path

import pytest
from streamlit.proto.Metric_pb2 import Metric as MetricProto
from streamlit.testing.v1 import AppTest

from nextround import charts, demo, metrics, ui
from nextround.store import Store, sqlite_path
from tests import factories
from tests.conftest import TODAY, chart_frames, chart_specs, no_exception, open_page

PAGE = "app_pages/progress.py"
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


TAB_KEY = "progress_tab"
TABS = ["Over time", "Flow", "Outcomes", "Replies"]


def _open_tab(at: AppTest, label: str) -> AppTest:
    """Open a chart tab the way a click does: the tabs rerun the page with it open."""
    at.session_state[TAB_KEY] = label
    at.run()
    no_exception(at)
    return at


def _every_tab(at: AppTest) -> tuple[list, list[dict], int]:
    """Open each chart tab in turn: the frames and specs of every chart sent, and how many
    charts were sent in all."""
    frames, specs, sent = [], [], 0
    for label in TABS:
        _open_tab(at, label)
        frames += chart_frames(at)
        specs += chart_specs(at)
        sent += len(at.get("vega_lite_chart"))
    _open_tab(at, TABS[0])
    return frames, specs, sent


def _titles(at: AppTest) -> list[str]:
    return [spec.get("title", {}).get("text") for spec in chart_specs(at)]


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
    # "Over time" is open: its two charts and the wellbeing trend; the other tabs hold four.
    assert len(at.get("vega_lite_chart")) == 3
    assert "You're exploring demo data" in [w.value for w in at.sidebar.warning][0]
    frames, _, sent = _every_tab(at)
    assert sent == 8  # seven progress charts and the wellbeing trend
    for frame in frames:
        assert len(frame) < 400


# --- with data ---------------------------------------------------------------------------------

@BOTH_WAYS
def test_charts_exist_and_send_only_aggregated_rows(seeded: Store, via_app: bool) -> None:
    at = _open(via_app)
    assert at.title[0].value == "Your progress"
    frames, specs, sent = _every_tab(at)
    assert sent == 7
    weeks = _weeks(FIRST_APPLIED, TODAY)
    for frame in frames:
        assert len(frame) < SEEDED, list(frame.columns)
        assert not PER_APPLICATION_COLUMNS & set(frame.columns)
    by_columns = {tuple(f.columns): f for f in frames}
    weekly = by_columns[("week", "week_end", "applications", "responses", "label")]
    assert len(weekly) == weeks and weekly["applications"].sum() == SEEDED
    cumulative = by_columns[("week", "label", "Applied", "Responded", "Interviewed", "Offer")]
    assert len(cumulative) == weeks and cumulative["Applied"].iloc[-1] == SEEDED
    funnel = next(f for f in frames if "pct_of_previous" in f.columns)
    assert list(funnel["count"]) == [60, 40, 30, 10]  # 4 of every 6 replied, 3 screened, 1 offer
    assert len(next(f for f in frames if "bin" in f.columns)) == 7
    assert len(next(f for f in frames if "Still open" in f.columns)) == 4
    assert len(next(f for f in frames if "rate" in f.columns)) == 5  # top 5 sources
    titles = [spec.get("title", {}).get("text") for spec in specs]
    assert "How your applications flowed" in titles


def test_only_the_open_tabs_charts_are_built(seeded: Store,
                                             monkeypatch: pytest.MonkeyPatch) -> None:
    """A chart is built the first time its tab opens, and once per write: not on a rerun,
    and never for a tab nobody opened."""
    built: list[str] = []
    spec = charts.spec

    def counting(name: str, *args, **kwargs) -> dict:  # noqa: ANN002, ANN003
        built.append(name)
        return spec(name, *args, **kwargs)

    monkeypatch.setattr(charts, "spec", counting)
    at = _open(False)
    assert built == ["weekly", "cumulative"]
    at.run()
    no_exception(at)
    assert built == ["weekly", "cumulative"]  # a rerun builds nothing
    _open_tab(at, "Flow")
    assert built[2:] == ["flow"]
    _open_tab(at, "Over time")
    assert built[3:] == []  # built once, still cached


@BOTH_WAYS
def test_only_the_open_tab_is_drawn(seeded: Store, via_app: bool) -> None:
    """The charts of a closed tab are neither built nor sent: "Over time" opens first with
    its two charts; opening "Flow" sends the flow alone, and its table only once opened."""
    at = _open(via_app)
    assert at.tabs[0].label == "Over time" and at.session_state[TAB_KEY] == "Over time"
    assert _titles(at) == ["Applied and responded, per week", "Running totals"]
    _open_tab(at, "Flow")
    assert _titles(at) == ["How your applications flowed"]
    assert not at.dataframe  # the table's expander is closed: nothing drawn in it
    at.session_state["progress_flow_open"] = True
    at.run()
    no_exception(at)
    assert len(at.dataframe) == 1, at.expander
    table = at.dataframe[0].value
    assert list(table["Furthest stage reached"]) == ["Applied", "Screening", "Interviewing",
                                                     "Offer"]
    assert table["Total"].sum() == SEEDED
    _open_tab(at, "Outcomes")
    assert len(at.get("vega_lite_chart")) == 2 and not at.dataframe
    assert "How your applications flowed" not in _titles(at)
    _open_tab(at, "Replies")
    assert len(at.get("vega_lite_chart")) == 2


@BOTH_WAYS
def test_headline_numbers_with_change_over_four_weeks(seeded: Store, via_app: bool) -> None:
    at = _open(via_app)
    headline = _numbers(at, "headline_numbers")
    assert list(headline) == HEADLINE
    assert headline["Response rate"].value == "67%"
    assert headline["Interview rate"].value == "50%"
    assert headline["Response rate"].proto.delta_description == "in 4 weeks"
    compact = _numbers(at, "compact_numbers")
    assert list(compact) == COMPACT
    assert compact["Applied"].value == "60"
    assert compact["Offers"].value == "10"
    assert "No wellbeing check-in yet" in _texts(at)


# --- the three weighted numbers, then the compact row ------------------------------------------

HEADLINE = ["Sent this week", "Response rate", "Interview rate"]
COMPACT = ["Applied", "Offers", "Days to first reply", "Always-respond rate", "Feedback rate",
           "Ghosted", "Actions done"]


def _numbers(at: AppTest, key: str) -> dict:
    """The metrics inside the container `key`, by label, in the order drawn."""
    return {m.label: m for m in at.container(key=key).metric}


def _one(store: Store) -> None:
    factories.application(store, "Acme", role="Analyst", applied_on="2026-11-20",
                          stages=[("screening", "2026-11-23")])


def _three(store: Store) -> None:
    _one(store)
    factories.application(store, "Globex", role="Dev", applied_on="2026-11-10",
                          stages=[("rejected", "2026-11-18")])
    factories.application(store, "Initech", role="PM", applied_on="2026-11-24")


def _demo(store: Store) -> None:
    demo.fill(store, applications=400, seed=42, today=TODAY)


SIZES = {
    # data, then what the headline and compact row must show (None: any percent)
    "one": (_one, {"Sent this week": "0 of 5", "Response rate": "1 of 1",
                   "Interview rate": "1 of 1", "Applied": "1", "Offers": "0",
                   "Days to first reply": "3", "Always-respond rate": "–",
                   "Feedback rate": "–", "Ghosted": "0", "Actions done": "0"}),
    "three": (_three, {"Sent this week": "1 of 5", "Response rate": "2 of 3",
                       "Interview rate": "1 of 3", "Applied": "3", "Offers": "0",
                       "Days to first reply": "5.5", "Always-respond rate": "0 of 1",
                       "Feedback rate": "–", "Ghosted": "0", "Actions done": "0"}),
    "demo": (_demo, {"Response rate": None, "Interview rate": None,
                     "Always-respond rate": None, "Feedback rate": None}),
}
TERM_LINES = tuple(metrics.TERMS.values())
BAD_DELTA = re.compile(r"^[+-]?0(\.0*)?(\s|$)|-0\.0|\+0\b")


@pytest.mark.parametrize("size", list(SIZES))
def test_three_weighted_numbers_then_a_compact_row(store: Store, size: str) -> None:
    """This week first; then the three numbers that matter most (bordered, with their change);
    then the rest in one compact row (no borders, no deltas); then the charts. Below five
    applications (or rejections, or requests) a rate is counts, never "100%"."""
    fill, expected = SIZES[size]
    fill(store)
    at = open_page(PAGE, via_app=False, timeout=120)
    no_exception(at)
    headline, compact = _numbers(at, "headline_numbers"), _numbers(at, "compact_numbers")
    assert list(headline) == HEADLINE and list(compact) == COMPACT
    assert all(m.proto.show_border for m in headline.values())
    assert all(m.proto.delta for m in headline.values())  # each says how it changed
    assert not any(m.proto.show_border or m.proto.delta for m in compact.values())
    shown = {label: m.value for label, m in {**headline, **compact}.items()}
    for label, value in expected.items():
        if value is None:
            assert re.fullmatch(r"\d+%", shown[label]), (label, shown[label])
        else:
            assert shown[label] == value, label
    # Every number's help starts with its one line from the glossary.
    for label, metric in {**headline, **compact}.items():
        assert metric.proto.help.startswith(TERM_LINES), label
    # No "-0.0 pts", no "0.0 in 4 weeks", no "↑ +0": nothing that rounds to zero has an arrow.
    for metric in at.metric:
        assert not BAD_DELTA.search(metric.proto.delta), (metric.label, metric.proto.delta)
        if metric.proto.delta == "no change":
            assert metric.proto.direction == MetricProto.MetricDirection.NONE
    # The order on the page: This week, the headline, the compact row, then the charts.
    order = [n for n in _walk(at.main) if getattr(n, "key", None) in
             ("this_week", "headline_numbers", "compact_numbers")
             or type(n).__name__ == "Tab"]
    assert [getattr(n, "key", None) or "tab" for n in order][:4] == [
        "this_week", "headline_numbers", "compact_numbers", "tab"]


def test_rates_below_five_are_counts_and_a_still_rate_says_no_change(store: Store) -> None:
    """Four applications: counts and the count that changed. Six, all answered weeks ago:
    percentages, and "no change" (no arrow) over 4 weeks, never "0.0 pts" or "↑ 0"."""
    for number in range(4):
        factories.application(store, f"Early {number}", applied_on="2026-09-01",
                              stages=[("screening", "2026-09-08")] if number < 2 else [])
    at = _open(False)
    headline = _numbers(at, "headline_numbers")
    assert headline["Response rate"].value == "2 of 4"
    assert headline["Response rate"].proto.delta == "no change"
    assert "%" not in headline["Response rate"].value + headline["Interview rate"].value
    for number in range(2):
        factories.application(store, f"Later {number}", applied_on="2026-09-02",
                              stages=[("rejected", "2026-09-20")])
    at.run()
    no_exception(at)
    headline = _numbers(at, "headline_numbers")
    assert headline["Response rate"].value == "67%"  # 4 of 6
    assert headline["Interview rate"].value == "33%"
    for label in ("Response rate", "Interview rate"):
        assert headline[label].proto.delta == "no change"
        assert headline[label].proto.direction == MetricProto.MetricDirection.NONE
    assert _numbers(at, "compact_numbers")["Always-respond rate"].value == "0 of 2"


def test_the_last_check_in_is_named_by_its_week_not_an_iso_code(seeded: Store) -> None:
    seeded.transfer.insert_rows("checkins", [
        {"week": "2026-W47", "checked_on": "2026-11-19", "items": "[3,3,3,3,3]",
         "who5_raw": 15, "self_care": "[]", "updated_at": "x"}])
    at = _open(False)
    assert "Last check-in (week of 16 Nov): 60% wellbeing" in _texts(at)
    assert not re.search(r"\d{4}-W\d{2}", _texts(at) + "\n".join(
        f"{m.label} {m.value} {m.proto.delta}" for m in at.metric))


def _walk(node) -> list:  # noqa: ANN001
    found = [node]
    for child in getattr(node, "children", {}).values():
        found.extend(_walk(child))
    return found


def test_period_control_is_shared_by_every_chart(seeded: Store) -> None:
    at = _open(False)
    at.radio(key="progress_period").set_value("4 weeks").run()
    no_exception(at)
    frames, _, _ = _every_tab(at)
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
    sources = next(f for f in chart_frames(_open_tab(at, "Replies")) if "rate" in f.columns)
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


def test_the_first_application_gets_sentences_not_misleading_charts(store: Store) -> None:
    """One application, one check-in: every chart would mislead (one bar, a funnel of zeros),
    so each says when it will appear instead, and no week is named by its ISO code."""
    factories.application(store, "Acme", applied_on=TODAY - timedelta(days=2))
    factories.checkin(store, day=TODAY)
    at = _open(False)
    assert not at.get("vega_lite_chart")
    infos = []
    for label in TABS:
        _open_tab(at, label)
        assert not at.get("vega_lite_chart")
        infos += [i.value for i in at.info]
    assert ("Your weekly chart starts after your second week. One application so far, well "
            "done.") in infos
    assert len([i for i in infos if "appear" in i or "start" in i]) == 7  # one a chart
    _open_tab(at, "Over time")
    assert any(c.value.startswith("Your wellbeing trend starts after your second weekly "
                                  "check-in.") for c in at.caption)
    assert not re.search(r"\d{4}-W\d\d", _texts(at))
    assert "Last check-in (week of 23 Nov)" in _texts(at)


@pytest.mark.parametrize(("received_on", "said"), [("2026-11-03", "Replies took 1 day (median)."),
                                                   ("2026-11-05", "Replies took 3 days (median).")])
def test_the_days_feedback_took_agree_with_their_number(store: Store, received_on: str,
                                                        said: str) -> None:
    request = factories.feedback_request(store, factories.rejected(store), "2026-11-02")
    factories.feedback_reply(store, request, received_on, "Thanks for asking.")
    at = _open(False)
    no_exception(at)
    help_text = next(m.proto.help for m in at.metric if m.label == "Feedback rate")
    assert help_text.endswith(said), help_text
