"""Chart builders: aggregated frames in, valid Vega-Lite out, one dataset row per frame row."""

from __future__ import annotations

import json
from datetime import date

import altair as alt
import pandas as pd
import pytest
import vl_convert as vlc

from nextround import charts, metrics, wellbeing
from nextround import reflection as rf
from nextround.store import Store
from tests import factories

TODAY = date(2026, 11, 25)


def specs(board: metrics.Dashboard, dark: bool = False) -> dict[str, dict]:
    """Every progress chart's spec, as the page builds each one (`charts.spec`)."""
    return {name: charts.spec(name, board, dark) for name in charts.DATASETS}


@pytest.fixture(scope="module")
def filled(tmp_path_factory: pytest.TempPathFactory) -> Store:
    store = Store(tmp_path_factory.mktemp("charts") / "c.db")
    plan = [("2026-09-01", []), ("2026-09-15", [("screening", "2026-09-16")]),
            ("2026-10-01", [("screening", "2026-10-03"), ("interviewing", "2026-10-10"),
                            ("offer", "2026-10-20")]),
            ("2026-10-05", [("rejected", "2026-10-05")]),
            ("2026-11-10", [("screening", "2026-11-12"), ("rejected", "2026-11-20")])]
    for i, (applied, changes) in enumerate(plan):
        factories.application(store, f"Co {i}", applied_on=applied,
                              source=["LinkedIn", "Referral"][i % 2], stages=changes)
    return store


@pytest.fixture(scope="module")
def board(filled: Store) -> metrics.Dashboard:
    return metrics.dashboard(filled, date(2026, 8, 1), TODAY)


def builders(board: metrics.Dashboard, dark: bool) -> dict[str, tuple[alt.TopLevelMixin, list]]:
    """Each chart with the frames it was built from."""
    return {
        "weekly": (charts.weekly_activity(board.weekly, board.weekly_goal, dark=dark),
                   [board.weekly]),
        "cumulative": (charts.cumulative_progress(board.cumulative, dark=dark),
                       [board.cumulative]),
        "funnel": (charts.funnel(board.funnel, dark=dark), [board.funnel]),
        "outcomes": (charts.outcomes_by_stage(board.outcomes, dark=dark), [board.outcomes]),
        "response_times": (charts.response_times(board.response_times, dark=dark),
                  [board.response_times]),
        "sources": (charts.response_by_source(board.sources, dark=dark), [board.sources]),
        "flow": (charts.flow(board.flow_nodes, board.flow_bands, dark=dark),
                 [board.flow_bands, board.flow_nodes]),
    }


@pytest.mark.parametrize("dark", [False, True])
def test_every_chart_compiles_and_sends_only_its_aggregated_rows(board: metrics.Dashboard,
                                                                 dark: bool) -> None:
    for name, (chart, frames) in builders(board, dark).items():
        spec = chart.to_dict()
        vlc.vegalite_to_vega(spec)  # raises on an invalid spec
        sizes = sorted(len(rows) for rows in spec.get("datasets", {}).values())
        expected = sorted(len(f) for f in frames)
        assert sizes[-len(expected):] == expected, name
        assert spec["title"]["text"], f"{name} needs a title for screen readers"


def test_text_follows_the_theme(board: metrics.Dashboard) -> None:
    light = json.dumps(charts.flow(board.flow_nodes, board.flow_bands).to_dict())
    dark = json.dumps(charts.flow(board.flow_nodes, board.flow_bands, dark=True).to_dict())
    assert charts.INK[False] in light and charts.INK[True] not in light
    assert charts.INK[True] in dark and charts.INK[False] not in dark


def test_goal_rule_only_when_there_is_a_goal(board: metrics.Dashboard) -> None:
    with_goal = charts.weekly_activity(board.weekly, 5).to_dict()
    without = charts.weekly_activity(board.weekly, 0).to_dict()
    assert with_goal["datasets"]["goal"] == [{"goal": 5,
                                              "text": "Dashed line: your goal, 5 a week"}]
    assert without["datasets"]["goal"] == []  # the rule layers draw nothing


def test_templates_do_not_depend_on_the_data(board: metrics.Dashboard, tmp_path) -> None:  # noqa: ANN001
    """Specs are cached per theme and only the datasets change, so nothing else may vary."""
    empty = metrics.dashboard(Store(tmp_path / "e.db"), date(2026, 11, 1), TODAY)
    full, bare = specs(board), specs(empty)
    for name in full:
        assert {k: v for k, v in full[name].items() if k != "datasets"} == {
            k: v for k, v in bare[name].items() if k != "datasets"}, name
    for name, (chart, _frames) in builders(board, False).items():
        spec = chart.to_dict()
        assert spec["datasets"] == full[name]["datasets"], name


@pytest.mark.parametrize("dark", [False, True])
def test_each_chart_is_built_alone_from_its_part(filled: Store, board: metrics.Dashboard,
                                                 dark: bool) -> None:
    """The page builds only the charts it shows, from the first screen's numbers (Board) or
    the later tabs' frames (Details): the same spec as from the whole dashboard."""
    inputs = metrics.read(filled, date(2026, 8, 1), TODAY)
    first = metrics.board(inputs)
    rest = metrics.details(inputs, first)
    whole = specs(board, dark)
    for name in charts.DATASETS:
        part = first if name in ("weekly", "cumulative") else rest
        assert json.dumps(charts.spec(name, part, dark)) == json.dumps(whole[name]), name
    assert first.answered == board.answered == 5  # the one unanswered since September: ghosted


@pytest.mark.parametrize(("build", "template"), [
    (charts.wellbeing_scores, charts.wellbeing_scores_spec),
    (charts.wellbeing_activity, charts.wellbeing_activity_spec)])
def test_the_wellbeing_charts_from_their_templates_are_what_streamlit_would_send(
        build, template) -> None:  # noqa: ANN001
    """The wellbeing charts (on Progress and Check-in) come from templates; each must be the
    chart its Altair builder makes, as Streamlit converts it, but for its datasets' names."""
    from streamlit.dataframe_util import convert_anything_to_arrow_bytes
    from streamlit.elements.vega_charts import _convert_altair_to_vega_lite_spec

    checkins = pd.DataFrame({"week": ["2026-W40", "2026-W46", "2026-W48"],
                             "who5_raw": [20, 10, 14], "stress": [3, 8, None]})
    per_day = pd.DataFrame({"applied_on": ["2026-11-09", "2026-11-10"], "n": [1, 9]})
    trend = wellbeing.weekly_trend(checkins, per_day, TODAY)
    sent = _convert_altair_to_vega_lite_spec(build(trend))
    ours = template(trend)
    places = [sent, *sent["layer"]], [ours, *ours["layer"]]
    renamed = {theirs["data"]["name"]: mine["data"]["name"]
               for theirs, mine in zip(*places, strict=True) if "data" in theirs}
    assert renamed
    sent_data, our_data = sent.pop("datasets"), ours.pop("datasets")
    for part in places[0]:
        if "data" in part:
            part["data"]["name"] = renamed[part["data"]["name"]]
    assert json.dumps(sent, sort_keys=True) == json.dumps(ours, sort_keys=True)
    assert {renamed[name]: data for name, data in sent_data.items()} == {
        name: convert_anything_to_arrow_bytes(frame) for name, frame in our_data.items()}
    x = next(layer["encoding"]["x"] for layer in ours["layer"] if "x" in layer["encoding"])
    assert x["sort"][0] == "28 Sep"  # every week, in order


def test_flow_curves_are_made_in_the_browser(board: metrics.Dashboard) -> None:
    spec = charts.flow(board.flow_nodes, board.flow_bands).to_dict()
    links = next(layer for layer in spec["layer"] if layer["mark"]["type"] == "area")
    transforms = json.dumps(links["transform"])
    assert "sequence(" in transforms and "flatten" in transforms
    png = vlc.vegalite_to_png(spec, scale=1)
    assert png[:8] == b"\x89PNG\r\n\x1a\n"


def test_empty_frames_still_draw(tmp_path) -> None:  # noqa: ANN001
    empty = metrics.dashboard(Store(tmp_path / "e.db"), date(2026, 11, 1), TODAY)
    for name, (chart, _frames) in builders(empty, False).items():
        assert vlc.vegalite_to_vega(chart.to_dict()), name


def test_source_names_are_data_not_markup() -> None:
    frame = pd.DataFrame({"source": ["<img src=x onerror=alert(1)>", "[x](javascript:1)"],
                          "applications": [3, 2], "responses": [1, 0], "rate": [1 / 3, 0.0],
                          "label": ["33% of 3", "0% of 2"]})
    spec = charts.response_by_source(frame).to_dict()
    rows = next(iter(spec["datasets"].values()))
    assert rows[0]["source"] == "<img src=x onerror=alert(1)>"  # drawn as SVG/canvas text


def test_specs_are_plain_cacheable_dicts(board: metrics.Dashboard) -> None:
    built = specs(board, dark=True)
    assert list(built) == ["weekly", "cumulative", "flow", "funnel", "outcomes",
                           "response_times", "sources"]
    for name, spec in built.items():
        json.dumps(spec)  # no DataFrames or Timestamps left: safe to cache and to send
        assert spec["datasets"], name
        assert all(len(rows) <= 200 for rows in spec["datasets"].values())


def test_feedback_themes_stacks_one_bar_per_period_and_theme() -> None:
    counts = pd.DataFrame({"period": pd.to_datetime(["2026-10-01", "2026-10-01", "2026-11-01"]),
                           "theme": ["skills gap", "communication", "skills gap"],
                           "replies": [2, 1, 3]})
    spec = charts.feedback_themes(counts, "month").to_dict()
    assert spec["mark"]["type"] == "bar"
    assert spec["encoding"]["color"]["sort"] == ["skills gap", "communication"]  # most first
    assert len(spec["datasets"][next(iter(spec["datasets"]))]) == 3


def test_reflection_charts_keep_quiet_months_on_the_axis() -> None:
    factors = pd.DataFrame({"month": ["2025-11", "2026-02"], "factor": ["Timing"] * 2,
                            "count": [1, 2]})
    control = pd.DataFrame({"month": ["2026-01"], "control_pct": [40.0], "reflections": [1]})
    themes = pd.DataFrame({"month": ["2026-01"], "theme": ["Preparation"], "count": [3]})
    months = rf.month_range(factors, themes, control)
    spec = charts.reflection_factors(factors, months).to_dict()
    assert spec["encoding"]["x"]["scale"]["domain"] == [  # named in words, quiet ones too
        "Nov 2025", "Dec 2025", "Jan 2026", "Feb 2026"]
    assert charts.reflection_control(control, months).to_dict()["mark"]["type"] == "line"
    assert charts.reflection_themes(themes).to_dict()["mark"]["type"] == "bar"
    for chart in (charts.reflection_factors(factors, months),
                  charts.reflection_themes(themes, months),
                  charts.reflection_control(control, months)):
        spec = chart.to_dict()
        vlc.vegalite_to_vega(spec)  # raises on an invalid spec
        assert spec["title"], "a title for screen readers"


def test_wellbeing_charts_build_from_the_weekly_trend() -> None:
    checkins = pd.DataFrame({"week": ["2026-W46", "2026-W48"], "who5_raw": [20, 10],
                             "stress": [3, 8]})
    per_day = pd.DataFrame({"applied_on": ["2026-11-09", "2026-11-10"], "n": [1, 2]})
    trend = wellbeing.weekly_trend(checkins, per_day, TODAY)
    for chart in (charts.wellbeing_scores(trend), charts.wellbeing_activity(trend)):
        spec = chart.to_dict()
        vlc.vegalite_to_vega(spec)
        assert spec["title"]["text"]
        sizes = sorted(len(rows) for rows in spec["datasets"].values())
        assert sizes[-1] == len(trend)  # one row a week (plus the 50 line's one row)
    review = charts.wellbeing_review(trend).to_dict()
    assert len(review["vconcat"]) == 2  # the weekly review's PNG
    assert vlc.vegalite_to_png(review, scale=1)[:8] == b"\x89PNG\r\n\x1a\n"


def test_weekly_themes_have_one_band_a_week_named_by_its_monday() -> None:
    """One label per bar, from the week of the first reply: no ticks between two bars."""
    from nextround import feedback as fb

    window = fb.chart_window(date(2026, 11, 25), "week")
    counts = pd.DataFrame({"period": pd.to_datetime(["2026-10-26", "2026-11-23"]),
                           "theme": ["a", "b"], "replies": [1, 2]})
    x = charts.feedback_themes(counts, "week", window=window).to_dict()["encoding"]["x"]
    assert x["scale"]["domain"] == ["26 Oct", "2 Nov", "9 Nov", "16 Nov", "23 Nov"]
    assert x["type"] == "nominal"
