"""Every chart, drawn as the browser would draw it, at every size of search: the done-when test
of "charts that tell the truth at any size" (issue 17).

Databases of 0, 1, 3, 10 and 1,000 applications (`tests.chart_stories`: the first weeks, then
the demo) are built once per module. Each chart is rendered to SVG with `vl_convert`, on a
desktop's width and a phone's, in light and dark, with the parts of Streamlit's own chart theme
that decide what an axis shows (label overlap removal, flush labels). Then, reading the SVG as
a user reads the screen:
- no axis repeats a tick label, and no count axis shows a fraction;
- no text on a chart overprints another (the flow at 390 pixels was a smear);
- below its threshold a chart is not drawn at all, and its sentence is given instead.
PNGs of every chart land in tests/e2e/screenshots/charts/ (git-ignored) for a person to look at.
"""

from __future__ import annotations

import json
import re
import xml.etree.ElementTree as ET
from dataclasses import replace
from datetime import date

import pandas as pd
import pytest
import vl_convert as vlc

from nextround import chart_thresholds as ct
from nextround import charts, metrics, wellbeing
from nextround import feedback as fb
from nextround import reflection as rf
from nextround.store import Store
from tests import chart_stories
from tests.conftest import ROOT, TODAY

SHOTS = ROOT / "tests" / "e2e" / "screenshots" / "charts"
WIDTHS = {"wide": 1200, "phone": 358}  # the chart's container at 1280 and 390 pixels
TREND_WEEKS = 26  # the check-in page's trend
SVG = "{http://www.w3.org/2000/svg}"

# What each size draws (everything else shows its sentence): the thresholds, on real data.
DRAWN = {
    0: set(),
    1: set(),
    3: {"weekly", "funnel", "wellbeing_scores", "wellbeing_activity"},
    10: {"weekly", "cumulative", "flow", "funnel", "outcomes", "response_times", "sources",
         "wellbeing_scores", "wellbeing_activity"},
    1000: {"weekly", "cumulative", "flow", "funnel", "outcomes", "response_times", "sources",
           "wellbeing_scores", "wellbeing_activity", "reflection_factors",
           "reflection_themes", "reflection_control", "feedback_themes_month",
           "feedback_themes_week"},
}
# Which threshold each chart answers to.
THRESHOLD = {"wellbeing_scores": "wellbeing", "wellbeing_activity": "wellbeing",
             "reflection_factors": "reflection", "reflection_themes": "reflection",
             "reflection_control": "reflection", "feedback_themes_month": "feedback_themes",
             "feedback_themes_week": "feedback_themes"}


@pytest.fixture(scope="module")
def stores(tmp_path_factory: pytest.TempPathFactory) -> dict[int, Store]:
    folder = tmp_path_factory.mktemp("chart-sizes")
    built = {n: chart_stories.build(folder, n) for n in chart_stories.SIZES}
    yield built
    for store in built.values():
        store.dispose()


def _streamlit_theme(dark: bool) -> dict:
    """What Streamlit's chart theme sets that changes what an axis shows, and its colours
    (streamlit/static: CustomTheme), so the SVG is what the browser draws."""
    text, faded = (charts.INK[dark], charts.SOFT_INK[dark])
    return {
        "font": "sans-serif", "background": charts.BACKGROUND[dark],
        "autosize": {"type": "fit", "contains": "padding"},
        "title": {"anchor": "start", "color": text, "fontSize": 16, "fontWeight": 700,
                  "offset": 26},
        "axis": {"labelFontSize": 12, "labelColor": faded, "titleFontSize": 14,
                 "titleColor": faded, "titleFontWeight": "normal", "ticks": False,
                 "gridColor": "#31393B" if dark else "#E4E8E6", "domain": False,
                 "labelFlush": True, "labelFlushOffset": 1, "labelBound": False,
                 "labelLimit": 100, "titlePadding": 16, "labelPadding": 16,
                 "labelSeparation": 2, "labelOverlap": True},
        "legend": {"labelFontSize": 14, "labelColor": faded, "titleFontSize": 14,
                   "titleColor": faded, "labelPadding": 16, "columnPadding": 8,
                   "rowPadding": 2, "padding": 8},
        "view": {"strokeWidth": 0, "stroke": "transparent"},
        "axisDiscrete": {"grid": False}, "axisTemporal": {"grid": False},
        "bar": {"binSpacing": 2, "discreteBandSize": {"band": 0.85}},
    }


def _merged(base: dict, extra: dict) -> dict:
    out = dict(base)
    for key, value in extra.items():
        out[key] = _merged(out[key], value) if isinstance(value, dict) and isinstance(
            out.get(key), dict) else value
    return out


def drawn(store: Store, dark: bool) -> dict[str, dict | str]:
    """Every chart of the app for this database, as the pages decide: its Vega-Lite spec, or
    the sentence shown instead. Progress over "All time", as the page opens."""
    out: dict[str, dict | str] = {}
    bounds = store.applications.date_bounds()
    board = metrics.dashboard(store, bounds[0] if bounds else TODAY, TODAY)
    facts = ct.progress_facts(board)
    for name in charts.DATASETS:
        spec = charts.spec(name, board, dark)
        out[name] = ct.placeholder(name, facts) or spec
    start = TODAY - pd.Timedelta(weeks=TREND_WEEKS)
    trend = wellbeing.weekly_trend(store.checkins.history(),
                                   store.applications.per_day(start, TODAY), TODAY,
                                   weeks=TREND_WEEKS)
    told = ct.placeholder("wellbeing", ct.trend_facts(trend))
    out["wellbeing_scores"] = told or charts.wellbeing_scores(trend).to_dict()
    out["wellbeing_activity"] = told or charts.wellbeing_activity(trend).to_dict()
    rows = store.reflections.insight_rows()
    told = ct.placeholder("reflection", ct.Facts(reflections=len(rows)))
    frames = rf.insight_frames(rows)
    months = rf.month_range(*frames.values())
    for key, build in (("factors", charts.reflection_factors),
                       ("themes", charts.reflection_themes),
                       ("control", charts.reflection_control)):
        out[f"reflection_{key}"] = told or build(frames[key], months).to_dict()
    tagged = store.feedback.reply_counts()[1]
    for freq in fb.FREQS:
        window = fb.chart_window(TODAY, freq)
        counts, other = fb.theme_chart_counts(
            store.feedback.theme_counts(freq, *window, top=fb.CHART_THEMES))
        told = ct.placeholder("feedback_themes", ct.Facts(tagged_replies=tagged))
        out[f"feedback_themes_{freq}"] = told or charts.feedback_themes(
            counts, freq, window=window, other=other).to_dict()
    return out


def _at_width(spec: dict, width: int, dark: bool) -> dict:
    sized = json.loads(json.dumps(spec))
    sized["config"] = _merged(_streamlit_theme(dark), sized.get("config", {}))
    if "vconcat" not in sized:
        sized["width"] = width
    return sized


def _axes(svg: str) -> list[tuple[str, list[str]]]:
    """Each axis's description ("Y-axis titled 'Per week' for a linear scale ...") and the
    tick labels it shows (labels hidden by overlap removal have opacity 0; a week left
    unnamed on a long axis has an empty one)."""
    out = []
    for group in ET.fromstring(svg).iter(f"{SVG}g"):
        label = group.get("aria-label", "")
        if "role-axis" not in group.get("class", "") or "axis" not in label.lower():
            continue
        shown = [text.text for part in group.iter(f"{SVG}g")
                 if "role-axis-label" in part.get("class", "")
                 for text in part.iter(f"{SVG}text") if text.get("opacity") != "0" and text.text]
        out.append((label, shown))
    return out


_NUMBER = re.compile(r"^-?[\d,]+(\.\d+)?%?$")


def _check_axes(name: str, svg: str) -> None:
    axes = _axes(svg)
    for label, ticks in axes:
        assert len(ticks) == len(set(ticks)), f"{name}: repeated tick labels {ticks} ({label})"
        if "linear scale" in label:
            numbers = [t for t in ticks if _NUMBER.match(t)]
            assert numbers == ticks, f"{name}: a linear axis with words {ticks}"
            fractions = [t for t in ticks if "." in t]
            assert not fractions, f"{name}: fractional ticks {ticks} ({label})"
        assert not any(re.search(r"\d{4}-W\d\d", t) for t in ticks), f"{name}: {ticks}"


def _texts(scenegraph: dict) -> list[dict]:
    """Every visible text item of the chart's marks, with its place on the canvas."""
    out: list[dict] = []

    def walk(node: dict, dx: float, dy: float, role: str) -> None:
        x, y = dx + node.get("x", 0), dy + node.get("y", 0)
        if node.get("marktype") == "text":
            role = node.get("role", "")
        for item in node.get("items", []):
            if node.get("marktype") == "text" and role == "mark" and item.get("text") and (
                    item.get("opacity", 1) and item.get("fillOpacity", 1)):
                out.append({**item, "x": x + item.get("x", 0) + item.get("dx", 0),
                            "y": y + item.get("y", 0) + item.get("dy", 0)})
            walk(item, x if node.get("marktype") == "group" else dx,
                 y if node.get("marktype") == "group" else dy, role)

    walk(scenegraph["scenegraph"], 0, 0, "")
    return out


def _box(item: dict) -> tuple[float, float, float, float]:
    """The text's box, from its font size (average glyph 0.56 em; a bold one a bit more)."""
    size = item.get("fontSize", 11)
    lines = item["text"] if isinstance(item["text"], list) else [item["text"]]
    glyph = 0.6 if item.get("fontWeight") == "bold" else 0.56
    width = max(len(str(line)) for line in lines) * size * glyph
    height = size * len(lines) * 1.1
    left = {"left": 0, "center": -width / 2, "right": -width}[item.get("align", "left")]
    top = {"top": 0, "middle": -height / 2, "bottom": -height}.get(
        item.get("baseline", "alphabetic"), -size)
    return item["x"] + left, item["y"] + top, item["x"] + left + width, item["y"] + top + height


def _overprinted(items: list[dict]) -> list[tuple[str, str]]:
    """Pairs of texts whose boxes overlap. A label's halo (the same text on the same spot,
    drawn first in the background's colour) is one with its label."""
    placed = {(str(i["text"]), round(i["x"]), round(i["y"])): i for i in items}
    boxes = [(_box(i), str(i["text"])) for i in placed.values()]
    clash = []
    for k, ((a0, a1, a2, a3), a) in enumerate(boxes):
        for (b0, b1, b2, b3), b in boxes[k + 1:]:
            overlap_x = min(a2, b2) - max(a0, b0)
            overlap_y = min(a3, b3) - max(a1, b1)
            if overlap_x > 1 and overlap_y > 1:
                clash.append((a, b))
    return clash


@pytest.mark.parametrize("dark", [False, True], ids=["light", "dark"])
@pytest.mark.parametrize("size", chart_stories.SIZES)
def test_every_chart_tells_the_truth_at_this_size(stores: dict[int, Store], size: int,
                                                  dark: bool) -> None:
    everything = drawn(stores[size], dark)
    shown = {name for name, spec in everything.items() if isinstance(spec, dict)}
    assert shown == DRAWN[size]
    theme = "dark" if dark else "light"
    SHOTS.mkdir(parents=True, exist_ok=True)
    for name, spec in everything.items():
        if isinstance(spec, str):  # below the threshold: the sentence, and no chart
            assert spec == ct.placeholder(THRESHOLD.get(name, name), _facts_of(stores[size],
                                                                              name))
            continue
        for form, width in WIDTHS.items():
            sized = _at_width(spec, width, dark)
            svg = vlc.vegalite_to_svg(sized)
            _check_axes(f"{name} at {size} ({form}, {theme})", svg)
            if _has_text_marks(spec):  # none of its texts overprints another
                clash = _overprinted(_texts(vlc.vegalite_to_scenegraph(sized)))
                assert not clash, f"{name} at {size} ({form}, {theme}): text overprints {clash}"
            (SHOTS / f"{name}-{size}-{form}-{theme}.png").write_bytes(vlc.svg_to_png(svg))


def _has_text_marks(spec: dict) -> bool:
    marks = re.findall(r'"mark": (?:"(\w+)"|\{"type": "(\w+)")', json.dumps(spec))
    return any("text" in found for found in marks)


def _facts_of(store: Store, name: str) -> ct.Facts:
    """The facts `drawn` gave `name`, read again, so a sentence is checked against its own."""
    if name.startswith("wellbeing"):
        start = TODAY - pd.Timedelta(weeks=TREND_WEEKS)
        return ct.trend_facts(wellbeing.weekly_trend(
            store.checkins.history(), store.applications.per_day(start, TODAY), TODAY,
            weeks=TREND_WEEKS))
    if name.startswith("reflection"):
        return ct.Facts(reflections=len(store.reflections.insight_rows()))
    if name.startswith("feedback"):
        return ct.Facts(tagged_replies=store.feedback.reply_counts()[1])
    bounds = store.applications.date_bounds()
    return ct.progress_facts(metrics.dashboard(store, bounds[0] if bounds else TODAY, TODAY))


def test_the_checks_can_fail() -> None:
    """The checks above on charts made to break them: fractional and repeated ticks, and two
    labels on one spot."""
    frame = pd.DataFrame({"day": ["a", "b"], "n": [0.4, 1.0]})
    fractional = {"data": {"values": frame.to_dict("records")}, "mark": "bar", "width": 300,
                  "encoding": {"x": {"field": "day", "type": "nominal"},
                               "y": {"field": "n", "type": "quantitative"}}}
    with pytest.raises(AssertionError, match="fractional"):
        _check_axes("made up", vlc.vegalite_to_svg(_at_width(fractional, 300, False)))
    repeated = {**fractional, "encoding": {
        "x": {"field": "day", "type": "nominal",
              "axis": {"labelExpr": "'Nov 2026'", "labelOverlap": False}},
        "y": {"field": "n", "type": "quantitative", "axis": {"format": "d"}}}}
    with pytest.raises(AssertionError, match="repeated"):
        _check_axes("made up", vlc.vegalite_to_svg(_at_width(repeated, 300, False)))
    on_top = {"data": {"values": [{"t": "Offer · 25"}, {"t": "Interviewing · 122"}]},
              "mark": "text", "width": 300, "encoding": {"text": {"field": "t"}}}
    assert _overprinted(_texts(vlc.vegalite_to_scenegraph(on_top)))


def test_chart_colours_read_on_both_themes() -> None:
    """Every palette colour keeps 3:1 against the light and the dark background (WCAG 1.4.11
    for graphics), which is what lets one palette serve both themes."""
    def luminance(hex_colour: str) -> float:
        channels = [int(hex_colour[i:i + 2], 16) / 255 for i in (1, 3, 5)]
        linear = [c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
        return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]

    def contrast(a: str, b: str) -> float:
        high, low = sorted((luminance(a), luminance(b)), reverse=True)
        return (high + 0.05) / (low + 0.05)

    colours = {*charts.PALETTE, *charts.FLOW_COLOURS.values(), charts.GREY}
    for colour in colours:
        for dark, background in charts.BACKGROUND.items():
            assert contrast(colour, background) >= 3, (colour, "dark" if dark else "light")


def test_a_goal_is_a_quiet_guide_not_an_alarm() -> None:
    for dark in (False, True):
        spec = charts.LAYOUTS["weekly"](dark).to_dict()
        rule = next(layer for layer in spec["layer"] if layer["mark"]["type"] == "rule")
        assert rule["mark"]["color"] == charts.SOFT_INK[dark]
        assert rule["mark"]["strokeWidth"] <= 1
        note = next(layer for layer in spec["layer"] if layer["mark"]["type"] == "text")
        assert note["mark"]["color"] == charts.SOFT_INK[dark]
        assert note["mark"].get("fontWeight", "normal") == "normal"


def test_a_feedback_chart_starts_at_the_first_reply() -> None:
    """No eleven empty months before the first reply: the axis starts at it."""
    window = fb.chart_window(TODAY, "month")
    counts = pd.DataFrame({"period": pd.to_datetime(["2026-10-01", "2026-11-01"]),
                           "theme": ["skills gap", "skills gap"], "replies": [1, 2]})
    spec = charts.feedback_themes(counts, "month", window=window).to_dict()
    assert spec["encoding"]["x"]["scale"]["domain"] == ["Oct 2026", "Nov 2026"]
    assert window[0] == date(2025, 12, 1)  # the window counted is still the last 12 months


@pytest.mark.parametrize("size", [0, 1, 3, 10])
def test_the_first_weeks_have_the_facts_the_threshold_table_uses(stores: dict[int, Store],
                                                                 size: int) -> None:
    """tests/unit/test_chart_thresholds.py tabulates sentences by these facts: they are the
    facts of these databases, so the table is about searches as they really start."""
    from tests.unit.test_chart_thresholds import FIRST_WEEKS

    store = stores[size]
    progress = _facts_of(store, "weekly")
    assert replace(progress, checkins=_facts_of(store, "wellbeing").checkins,
                   reflections=_facts_of(store, "reflection").reflections,
                   tagged_replies=_facts_of(store, "feedback").tagged_replies
                   ) == FIRST_WEEKS[size]
