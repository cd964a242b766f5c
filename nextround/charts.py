"""Every Altair chart builder in the app: an aggregated DataFrame in, an `alt.Chart` out.

The domain modules compute the frames and this module only draws them:
- the progress page: the small frames from `nextround.metrics` (one row per week, per stage,
  per bin, per source or per flow band), never one row per application. Wide frames are folded
  inside the chart spec, so the data sent stays one row per week;
- feedback themes (`feedback_themes`), from `feedback.theme_chart_counts`;
- reflection patterns (`reflection_*`), from `reflection.insight_frames`;
- the wellbeing trend (`wellbeing_*`), from `wellbeing.weekly_trend`.
Whether a chart has enough data to be drawn at all is `chart_thresholds`' business.

What every chart keeps to, at any size (tests/unit/test_chart_render.py renders them all):
- count axes show whole numbers only (`_COUNT_AXIS`);
- time axes are bands, one per week or month, named in words ("30 Nov", "Nov 2026") by the
  frames, so a label is never repeated and never falls between two bars;
- colours are one palette built on the app's theme (`PALETTE`), mid-tones that read on the
  light and the dark background alike; goals and guides are a quiet neutral dashed line.
Axes, legends and titles take the theme's colours from Streamlit's chart theme, but that theme
styles neither text marks nor subtitles; so every builder that draws them takes `dark` (the
page passes `st.context.theme.type == "dark"`) and colours them `INK` or `SOFT_INK`.

No progress spec depends on the data: sizes, scale domains and sort orders come from the
datasets inside the spec (joinaggregate, window, rank fields). So each progress chart's spec is
built and validated once per theme (`_template`, cached) and `spec` only pours the current
frames into it: building Altair charts costs far more than the numbers do. The other pages'
charts are built per frame and cached by `ui.chart`.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from datetime import date
from functools import lru_cache
from typing import Any

import altair as alt
import pandas as pd

from nextround.metrics import (
    FUNNEL_STEPS,
    LEVEL_NAMES,
    NODE_WIDTH,
    OUTCOMES,
    RESPONSE_BINS,
    day_label,
    week_labels,
)
from nextround.wellbeing import LOW_PERCENT

# --- the palette ------------------------------------------------------------------------------
# Built on the theme in .streamlit/config.toml: primary #246756 (pine), text #101615 on
# #FBFAF7 (light) and #E6ECEA on #14191A (dark). Each colour is a mid-tone with at least 3:1
# contrast against both backgrounds (WCAG 1.4.11, held by a test), so one set serves both
# themes. Red is left out on purpose: a rejection is part of every search, not an alarm.
PINE = "#2E8B74"    # the theme's primary, lifted to a mid-tone: Applied, wellbeing
BLUE = "#4A86C8"    # Responded
AMBER = "#B87D26"   # Interviewed; stress
PURPLE = "#8B6CC4"  # Offer
ROSE = "#B0727F"    # Rejected: muted, not alarm red
CYAN = "#2F8FA3"    # Still open
SLATE = "#6F8FAF"
GREY = "#858E97"    # Ghosted; everything "other"
SAND = "#A88A5C"    # Withdrew
LEAF = "#4E9E3F"    # Accepted
OLIVE = "#7E8F3A"
PALETTE = (PINE, BLUE, AMBER, PURPLE, ROSE, CYAN, OLIVE, SAND, SLATE)  # categories, in order
BACKGROUND = {False: "#FBFAF7", True: "#14191A"}
INK = {False: "#1F2A28", True: "#E6ECEA"}  # the theme's text colour, light and dark
SOFT_INK = {False: "#55625F", True: "#A9B6B2"}  # subtitles, goals and guides

STAGE_COLOURS = dict(zip(LEVEL_NAMES, [PINE, BLUE, AMBER, PURPLE], strict=True))
STEP_COLOURS = dict(zip(FUNNEL_STEPS, [PINE, BLUE, AMBER, PURPLE], strict=True))
OUTCOME_COLOURS = {"Still open": CYAN, "Rejected": ROSE, "Ghosted": GREY, "Withdrew": SAND,
                   "Accepted": LEAF}
FLOW_COLOURS = {**STAGE_COLOURS, **OUTCOME_COLOURS}

HEIGHT = 260  # the plotting area; titles, legends and axes come on top (autosize fit-x)
FIT_X = alt.AutoSizeParams(type="fit-x", contains="padding")
NARROW = 480  # below this plot width (a phone), the flow switches to its narrow form
# Whole numbers only: no tick between two counts, and none written as "1.0".
_COUNT_AXIS = {"tickMinStep": 1, "format": ",d"}
_LEGEND = {"orient": "top", "direction": "horizontal", "title": None, "labelFontSize": 12,
           "labelPadding": 4, "symbolSize": 50, "columnPadding": 10}  # a phone's width, too
# A legend of names (themes, factors) under its chart, one a line: long names stay whole on a
# phone, and the plot keeps its height whatever the legend's.
_BELOW = {"orient": "bottom", "columns": 1, "labelLimit": 320}
MANY_WEEKS = 26  # past this many weeks a line's dots would merge into beads: lines only


def _dots(dataset: str) -> alt.OverlayMarkDef:
    """A line's weekly dots, while there are few enough weeks to tell them apart (one week
    alone is a dot and nothing else)."""
    return alt.OverlayMarkDef(filled=True, size=alt.ExprRef(
        f"length(data('{dataset}')) > {MANY_WEEKS} ? 0 : 24"))


def _halo(text: alt.Chart, dark: bool) -> alt.Chart:
    """The same labels drawn first as a thick outline in the background's colour, so a label
    that crosses a line or a band stays readable on top of it."""
    mark = {k: v for k, v in text.mark.to_dict().items() if k != "type"}
    return text.mark_text(**mark, stroke=BACKGROUND[dark], strokeWidth=4, strokeJoin="round",
                          fill=BACKGROUND[dark])


def _records(frame: pd.DataFrame) -> list[dict]:
    """Plain JSON-ready rows. Dates become local ISO timestamps, as Altair itself sends them;
    missing values become None. Column by column: a few small frames per rerun."""
    columns = {}
    for name in frame.columns:
        column = frame[name]
        if pd.api.types.is_datetime64_any_dtype(column):
            column = column.dt.strftime("%Y-%m-%dT00:00:00")
        missing = column.isna().to_numpy()
        values = column.tolist()
        if missing.any():
            values = [None if gone else value for value, gone in zip(values, missing,
                                                                     strict=True)]
        columns[name] = values
    names = list(columns)
    return [dict(zip(names, row, strict=True)) for row in zip(*columns.values(), strict=True)]


def _data(name: str) -> alt.NamedData:
    return alt.NamedData(name=name)


def _with_data(chart: alt.TopLevelMixin, **frames: pd.DataFrame) -> alt.TopLevelMixin:
    """Attach the frames as named top-level datasets. The chart never holds a DataFrame, so
    `to_dict()` needs no data transformer (those are process-global in Altair) and the spec
    can be built once, cached, and drawn with `st.vega_lite_chart`."""
    return chart.properties(datasets={name: _records(f) for name, f in frames.items()})


def _scale(colours: dict[str, str]) -> alt.Scale:
    return alt.Scale(domain=list(colours), range=list(colours.values()))


def _categories(names: Sequence[str], other: str | None = None) -> alt.Scale:
    """The palette over `names` in order (cycling past nine), with `other` in grey."""
    named = [n for n in names if n != other]
    colours = {n: PALETTE[i % len(PALETTE)] for i, n in enumerate(named)}
    if other is not None:
        colours[other] = GREY
    return _scale(colours)


def _title(text: str, subtitle: str | list[str], dark: bool) -> alt.TitleParams:
    return alt.TitleParams(text, subtitle=subtitle, anchor="start", offset=14,
                           subtitleColor=SOFT_INK[dark], subtitleFontSize=12,
                           subtitlePadding=4)


def _time_axis(**extra: object) -> alt.Axis:
    """A time axis of bands: one label per band, thinned when they'd touch, and none that
    would run off the chart's ends (`labelBound`)."""
    return alt.Axis(labelAngle=0, labelOverlap=True, labelBound=True, **extra)


def _week_x(dataset: str) -> alt.X:
    """The weeks as bands in data order (the frames are sorted), named by their `label`
    ("30 Nov"). Past `MANY_WEEKS` weeks, only the first week of each month is named, by its
    month ("Dec 2024"): a label every week would be thinned to a few arbitrary weeks."""
    months = (f"length(data('{dataset}')) > {MANY_WEEKS} ? "
              "(toNumber(split(datum.label, ' ')[0]) <= 7 ? "
              "slice(datum.label, indexof(datum.label, ' ') + 1) : '') : datum.label")
    return alt.X("label:N", title=None, sort=None, axis=_time_axis(labelExpr=months))


def weekly_activity(weekly: pd.DataFrame, goal: int, *, dark: bool = False) -> alt.LayerChart:
    """(a) Applications sent (bars) and first replies (line) per ISO week, the goal a rule."""
    return _with_data(_weekly_layout(dark), weekly=weekly, goal=_goal(goal))


def _goal(goal: int) -> pd.DataFrame:
    """The weekly-goal rule's one row, or none when the user has set no goal."""
    rows = [{"goal": goal, "text": f"Dashed line: your goal, {goal} a week"}] if goal > 0 else []
    return pd.DataFrame(rows, columns=["goal", "text"])


def _weekly_layout(dark: bool) -> alt.LayerChart:
    series = {"Applied": PINE, "Responded": BLUE}
    base = alt.Chart(_data("weekly")).encode(x=_week_x("weekly"))
    tooltip = [alt.Tooltip("week:T", title="Week of", format="%-d %b %Y"),
               alt.Tooltip("applications:Q", title="Applied", format=","),
               alt.Tooltip("responses:Q", title="Responded", format=",")]
    bars = base.transform_calculate(series="'Applied'").mark_bar(
        opacity=0.85, cornerRadiusTopLeft=2, cornerRadiusTopRight=2).encode(
        y=alt.Y("applications:Q", title="Per week", axis=alt.Axis(**_COUNT_AXIS)),
        color=alt.Color("series:N", scale=_scale(series), legend=alt.Legend(**_LEGEND)),
        tooltip=tooltip)
    line = base.transform_calculate(series="'Responded'").mark_line(
        strokeWidth=2.5, point=_dots("weekly")).encode(
        y="responses:Q", color=alt.Color("series:N", scale=_scale(series)), tooltip=tooltip)
    # The goal is a quiet guide, not an alarm: thin, dashed, neutral, in the subtitle's ink,
    # and named above the plot (on the line, the newest bars would hide its name).
    rule = alt.Chart(_data("goal")).mark_rule(color=SOFT_INK[dark], strokeDash=[4, 4],
                                              strokeWidth=1, opacity=0.8).encode(y="goal:Q")
    note = alt.Chart(_data("goal")).mark_text(align="right", baseline="bottom", dy=-8,
                                              fontSize=11, color=SOFT_INK[dark]).encode(
        y=alt.value(0), x=alt.value({"expr": "width"}), text="text:N")
    return alt.layer(bars, line, rule, note).properties(
        autosize=FIT_X, height=HEIGHT,
        title=_title("Applied and responded, per week",
                     ["Bars: applications you sent.",
                      "Line: applications that got a first reply that week."], dark))


def cumulative_progress(cumulative: pd.DataFrame, *, dark: bool = False) -> alt.LayerChart:
    """(b) Running totals over time: applied, responded, interviewed, offer."""
    return _with_data(_cumulative_layout(dark), cumulative=cumulative)


CUMULATIVE = {"Applied": PINE, "Responded": BLUE, "Interviewed": AMBER, "Offer": PURPLE}
LABEL_GAP = 0.08  # line ends closer than this share of the top total share one label


def _cumulative_layout(dark: bool) -> alt.LayerChart:
    """Lines named at their ends instead of in a legend. Lines that end together (the first
    weeks: three of the four still at 0) would hide one another, so each end carries its name
    and total, and ends closer than `LABEL_GAP` of the chart's height share one label
    ("Interviewed 0 · Offer 0"), which can't overprint. A halo keeps a label readable where
    another line crosses it."""
    names = list(CUMULATIVE)
    folded = alt.Chart(_data("cumulative")).transform_fold(names, as_=["series", "total"])
    lines = folded.mark_line(
        strokeWidth=2.5, interpolate="step-after", point=_dots("cumulative")).encode(
        x=_week_x("cumulative"),
        y=alt.Y("total:Q", title="Running total", axis=alt.Axis(**_COUNT_AXIS)),
        color=alt.Color("series:N", scale=_scale(CUMULATIVE), sort=names, legend=None),
        tooltip=[alt.Tooltip("week:T", title="Week of", format="%-d %b %Y"),
                 alt.Tooltip("series:N", title="Series"),
                 alt.Tooltip("total:Q", title="Running total", format=",")])
    ends = folded.transform_window(
        newest="row_number()", sort=[alt.SortField("week", order="descending")],
        groupby=["series"]).transform_filter("datum.newest == 1").transform_joinaggregate(
        top="max(total)").transform_window(
        window=[alt.WindowFieldDef(op="lag", field="total", param=1, **{"as": "above"})],
        sort=[alt.SortField("total", order="descending")]).transform_calculate(
        starts=f"datum.above == null || datum.above - datum.total > {LABEL_GAP} * "
               "max(datum.top, 1) ? 1 : 0",
        piece="datum.series + ' ' + format(datum.total, ',')").transform_window(
        group="sum(starts)", sort=[alt.SortField("total", order="descending")],
        frame=[None, 0]).transform_aggregate(
        at="max(total)", pieces="values(piece)", groupby=["group", "label"]).transform_calculate(
        text="join(pluck(datum.pieces, 'piece'), ' · ')")
    labels = ends.mark_text(align="right", baseline="bottom", dy=-5, fontSize=12,
                            color=INK[dark]).encode(
        x=_week_x("cumulative"), y=alt.Y("at:Q"), text="text:N")
    return alt.layer(lines, _halo(labels, dark), labels).properties(
        autosize=FIT_X, height=HEIGHT,
        title=_title("Running totals", "How the totals have grown, week by week.", dark))


def funnel(frame: pd.DataFrame, *, dark: bool = False) -> alt.LayerChart:
    """(c) Applied → responded → interviewed → offer, centred bars with conversion labels."""
    return _with_data(_funnel_layout(dark), funnel=frame)


def _funnel_layout(dark: bool) -> alt.LayerChart:
    base = alt.Chart(_data("funnel")).transform_joinaggregate(
        top="max(count)").transform_calculate(
        left="-datum.count / 2", right="datum.count / 2",
        # room for the labels on the right: an invisible span sets the scale's domain
        low="-max(datum.top, 1) / 2", high="max(datum.top, 1) * 1.15").encode(
        y=alt.Y("step:N", sort=FUNNEL_STEPS, title=None,
                axis=alt.Axis(labelFontSize=13, labelLimit=160, ticks=False, domain=False)))
    x_scale = alt.Scale(nice=False, zero=False)
    span = base.mark_rule(opacity=0).encode(x=alt.X("low:Q", axis=None, scale=x_scale),
                                            x2="high:Q")
    bars = base.mark_bar(cornerRadius=3, height={"band": 0.8}).encode(
        x=alt.X("left:Q", axis=None, scale=x_scale), x2="right:Q",
        color=alt.Color("step:N", scale=_scale(STEP_COLOURS), legend=None),
        tooltip=[alt.Tooltip("step:N", title="Step"),
                 alt.Tooltip("count:Q", title="Applications", format=","),
                 alt.Tooltip("pct_of_previous:Q", title="Of the step before", format=".0%"),
                 alt.Tooltip("pct_of_applied:Q", title="Of all applied", format=".0%")])
    labels = base.mark_text(align="left", dx=8, fontSize=13, color=INK[dark]).encode(
        x=alt.X("right:Q", scale=x_scale), text="label:N")
    return alt.layer(span, bars, labels).properties(
        autosize=FIT_X, height=HEIGHT,
        title=_title("Funnel", "Each step, and the share of the step before.", dark))


def outcomes_by_stage(frame: pd.DataFrame, *, dark: bool = False) -> alt.Chart:
    """(d) For each furthest stage reached, how those applications ended (stacked)."""
    return _with_data(_outcomes_layout(dark), outcomes=frame)


def _outcomes_layout(dark: bool) -> alt.Chart:
    return alt.Chart(_data("outcomes")).transform_fold(
        OUTCOMES, as_=["outcome", "count"]).transform_filter("datum.count > 0").mark_bar(
        height={"band": 0.7}).encode(
        y=alt.Y("stage:N", sort=LEVEL_NAMES, title=None),
        x=alt.X("count:Q", title="Applications", stack="zero", axis=alt.Axis(**_COUNT_AXIS)),
        color=alt.Color("outcome:N", scale=_scale(OUTCOME_COLOURS), sort=OUTCOMES,
                        legend=alt.Legend(**_LEGEND, columns=3)),
        order=alt.Order("order_key:Q"),
        tooltip=[alt.Tooltip("stage:N", title="Furthest stage"),
                 alt.Tooltip("outcome:N", title="Outcome"),
                 alt.Tooltip("count:Q", title="Applications", format=",")],
    ).transform_calculate(
        order_key=f"indexof({OUTCOMES!r}, datum.outcome)"
    ).properties(autosize=FIT_X, height=HEIGHT,
                 title=_title("Outcomes by stage",
                              "Where applications stand, by the furthest stage reached.",
                              dark))


def response_times(frame: pd.DataFrame, *, dark: bool = False) -> alt.LayerChart:
    """(e) How long first replies took, binned: one row a bin, so each keeps its name on a
    phone too."""
    return _with_data(_response_times_layout(dark), response_times=frame)


def _response_times_layout(dark: bool) -> alt.LayerChart:
    base = alt.Chart(_data("response_times")).transform_joinaggregate(
        top="max(count)").transform_calculate(room="max(datum.top, 1) * 1.18").encode(
        y=alt.Y("bin:N", sort=[label for label, _, _ in RESPONSE_BINS], title=None,
                axis=alt.Axis(labelLimit=120)))
    span = base.mark_rule(opacity=0).encode(x=alt.X("room:Q"))  # room for the shares
    bars = base.mark_bar(color=BLUE, cornerRadius=3, height={"band": 0.7}).encode(
        x=alt.X("count:Q", title="Replies", axis=alt.Axis(**_COUNT_AXIS)),
        tooltip=[alt.Tooltip("bin:N", title="Time"),
                 alt.Tooltip("count:Q", title="Replies", format=","),
                 alt.Tooltip("share:Q", title="Share of replies", format=".0%")])
    text = base.transform_filter("datum.count > 0").transform_calculate(
        shown="datum.share < 0.005 ? '<1%' : format(datum.share, '.0%')").mark_text(
        align="left", dx=6, color=INK[dark]).encode(x="count:Q", text="shown:N")
    return alt.layer(span, bars, text).properties(
        autosize=FIT_X, height=HEIGHT,
        title=_title("Time to first reply",
                     ["Days from applying to the employer's first reply,",
                      "for applications that got one."], dark))


def response_by_source(frame: pd.DataFrame, *, dark: bool = False) -> alt.LayerChart:
    """(f) Response rate for the top sources by number of applications (in `rank` order)."""
    return _with_data(_sources_layout(dark), sources=frame)


def _sources_layout(dark: bool) -> alt.LayerChart:
    base = alt.Chart(_data("sources")).encode(
        y=alt.Y("source:N", sort=alt.EncodingSortField("rank", op="min", order="ascending"),
                title=None, axis=alt.Axis(labelLimit=140)))
    bars = base.mark_bar(color=PINE, cornerRadius=3, height={"band": 0.7}).encode(
        x=alt.X("rate:Q", title="Response rate",
                axis=alt.Axis(format="%", values=[0, 0.25, 0.5, 0.75, 1]),
                scale=alt.Scale(domain=[0, 1.32], nice=False)),  # room for "100% of 12"
        tooltip=[alt.Tooltip("source:N", title="Source"),
                 alt.Tooltip("applications:Q", title="Applications", format=","),
                 alt.Tooltip("responses:Q", title="Responded", format=","),
                 alt.Tooltip("rate:Q", title="Response rate", format=".0%")])
    text = base.mark_text(align="left", dx=6, color=INK[dark]).encode(x="rate:Q", text="label:N")
    return alt.layer(bars, text).properties(
        autosize=FIT_X, height=HEIGHT, title=_title("Response rate by source",
                                                    "Your five most-used sources.", dark))


STEPS = 24  # points along each band's curve, generated in the browser from one row per band


def flow(nodes: pd.DataFrame, bands: pd.DataFrame, *, dark: bool = False) -> alt.LayerChart:
    """(g) The flow, Sankey-style: stage columns joined by bands as wide as their counts.

    `metrics.flow` placed every node and band; here each band is drawn as an area whose edges
    follow a smooth S-curve from its source to its target. The curve's points are generated in
    the spec (`sequence` + `flatten`), so the data sent stays one row per band.

    On a phone the columns are 70 pixels apart, so the spec has a narrow form, switched by the
    plot's own width (the server never knows the screen's): names and counts on two lines in a
    smaller type, and the outcomes named by their count beside a colour the legend explains.
    """
    return _with_data(_flow_layout(dark), bands=bands, nodes=nodes)


def _flow_layout(dark: bool) -> alt.LayerChart:
    narrow = alt.param(name="narrow", expr=f"width < {NARROW}")
    # y: 0 at the top; the domain comes from the data (an invisible mark leaves headroom for
    # the stage names), so the spec doesn't depend on the number of applications.
    y_scale = alt.Scale(reverse=True, nice=False, zero=False)
    x_scale = alt.Scale(domain=[0, 4.75], nice=False, zero=False)
    outcome_legend = alt.Legend(orient="bottom", direction="horizontal", title=None,
                                columns=3, symbolType="square", symbolOpacity=1,
                                values=OUTCOMES)
    links = alt.Chart(_data("bands")).transform_calculate(
        t=f"sequence(0, 1 + 0.5 / {STEPS}, 1 / {STEPS})").transform_flatten(
        ["t"]).transform_calculate(
        s="(1 - cos(PI * datum.t)) / 2",
        x="datum.x0 + (datum.x1 - datum.x0) * datum.t",
        top="datum.ys0 + (datum.yt0 - datum.ys0) * datum.s",
        bottom="datum.ys1 + (datum.yt1 - datum.ys1) * datum.s",
    ).mark_area(opacity=0.55 if dark else 0.42, interpolate="linear").encode(
        x=alt.X("x:Q", scale=x_scale, axis=None),
        y=alt.Y("top:Q", scale=y_scale, axis=None),
        y2="bottom:Q",
        detail="band:N",
        color=alt.Color("kind:N", scale=_scale(FLOW_COLOURS), legend=outcome_legend),
        tooltip=[alt.Tooltip("source:N", title="From"), alt.Tooltip("target:N", title="To"),
                 alt.Tooltip("value:Q", title="Applications", format=",")])
    node_base = alt.Chart(_data("nodes")).transform_calculate(
        x_left="datum.column", x_right=f"datum.column + {NODE_WIDTH}",
        y_mid="(datum.y0 + datum.y1) / 2", count="format(datum.value, ',')")
    headroom = node_base.transform_joinaggregate(height="max(y1)").transform_calculate(
        y_top="-max(datum.height, 1) * 0.12").mark_point(opacity=0).encode(
        x=alt.X("x_left:Q", scale=x_scale, axis=None),
        y=alt.Y("y_top:Q", scale=y_scale, axis=None))
    boxes = node_base.mark_rect(cornerRadius=2).encode(
        x=alt.X("x_left:Q", scale=x_scale, axis=None), x2="x_right:Q",
        y=alt.Y("y0:Q", scale=y_scale, axis=None), y2="y1:Q",
        color=alt.Color("kind:N", scale=_scale(FLOW_COLOURS), legend=outcome_legend),
        tooltip=[alt.Tooltip("name:N", title="Stage or outcome"),
                 alt.Tooltip("value:Q", title="Applications", format=",")])
    # Stage names sit above their node, clear of the bands; outcomes sit beside theirs.
    stage_test = f"indexof({LEVEL_NAMES!r}, datum.kind) >= 0"
    stage_labels = node_base.transform_filter(stage_test).transform_calculate(
        text="narrow ? [datum.name, datum.count] : datum.label").mark_text(
        align="left", baseline="bottom", dy=alt.ExprRef("narrow ? -16 : -4"),
        fontWeight="bold", color=INK[dark], fontSize=alt.ExprRef("narrow ? 10 : 12"),
        lineHeight=12).encode(
        x=alt.X("x_left:Q", scale=x_scale), y=alt.Y("y0:Q", scale=y_scale), text="text:N")
    outcome_labels = node_base.transform_filter(f"!({stage_test})").transform_calculate(
        text="narrow ? datum.count : datum.label").mark_text(
        align="left", baseline="middle", dx=4, color=INK[dark],
        fontSize=alt.ExprRef("narrow ? 10 : 12")).encode(
        x=alt.X("x_right:Q", scale=x_scale), y=alt.Y("y_mid:Q", scale=y_scale),
        text="text:N")
    return alt.layer(headroom, links, boxes, _halo(stage_labels, dark), stage_labels,
                     _halo(outcome_labels, dark), outcome_labels).add_params(
        narrow).properties(
        autosize=FIT_X, height=420,
        title=_title("How your applications flowed",
                     ["From applied, through each stage, to where each one ended.",
                      "Band width = number of applications."], dark),
    ).configure_view(stroke=None)


# --- all of them, cached -------------------------------------------------------------------

LAYOUTS: dict[str, Callable[[bool], alt.TopLevelMixin]] = {
    "weekly": _weekly_layout, "cumulative": _cumulative_layout, "flow": _flow_layout,
    "funnel": _funnel_layout, "outcomes": _outcomes_layout,
    "response_times": _response_times_layout, "sources": _sources_layout,
}


@lru_cache(maxsize=len(LAYOUTS) * 2)
def _template(name: str, dark: bool) -> str:
    """One chart's validated spec without its data, as JSON (cheap to copy)."""
    return json.dumps(LAYOUTS[name](dark).to_dict())


# Each progress chart's datasets, from a `metrics.Dashboard`, or from the part of it the
# chart needs: a `metrics.Board` (the first tab's charts) or `metrics.Details` (the others).
DATASETS: dict[str, Callable[[Any], dict[str, pd.DataFrame]]] = {
    "weekly": lambda b: {"weekly": b.weekly, "goal": _goal(b.weekly_goal)},
    "cumulative": lambda b: {"cumulative": b.cumulative},
    "flow": lambda b: {"bands": b.flow_bands, "nodes": b.flow_nodes},
    "funnel": lambda b: {"funnel": b.funnel},
    "outcomes": lambda b: {"outcomes": b.outcomes},
    "response_times": lambda b: {"response_times": b.response_times},
    "sources": lambda b: {"sources": b.sources},
}


def spec(name: str, source: Any, dark: bool = False) -> dict:
    """One progress chart as a Vega-Lite dict with its data: its cached template, filled with
    the small frames of `source` (a Dashboard, Board or Details, see `DATASETS`)."""
    out = json.loads(_template(name, dark))
    out["datasets"] = {key: _records(frame) for key, frame in DATASETS[name](source).items()}
    return out


# --- feedback: themes over time ---------------------------------------------------------------

def feedback_periods(counts: pd.DataFrame, freq: str,
                     window: tuple[date, date] | None = None) -> list[pd.Timestamp]:
    """The periods the theme chart shows: from the first one with a reply to the window's
    last (or the last with a reply), every one in between, so a quiet month shows as a gap and
    the months before the first reply aren't drawn at all."""
    if counts.empty:
        return []
    first = counts["period"].min()
    last = pd.Timestamp(window[1]) if window is not None else counts["period"].max()
    return list(pd.date_range(first, last, freq="MS" if freq == "month" else "7D"))


def _period_labels(periods: Sequence[pd.Timestamp], freq: str) -> list[str]:
    if freq == "month":
        return [f"{p:%b %Y}" for p in periods]
    return week_labels(pd.DatetimeIndex(periods))


def feedback_themes(counts: pd.DataFrame, freq: str, *,
                    window: tuple[date, date] | None = None,
                    other: str | None = None) -> alt.Chart:
    """Stacked bars: how many replies mentioned each theme, per month or week.

    `counts` is `feedback.theme_chart_counts` (period, theme, replies), counted over `window`
    (first day, last day). The axis runs from the first period with a reply to the window's
    end (`feedback_periods`), one band a period named in words ("Nov 2026", "30 Nov"). `other`,
    the name of the "every other theme" bucket, is grey and goes last in the legend and the
    stack, whatever its count."""
    periods = feedback_periods(counts, freq, window)
    labels = _period_labels(periods, freq)
    name_of = dict(zip(periods, labels, strict=True))
    data = counts.assign(
        label=counts["period"].map(name_of),
        when=[f"{p:%B %Y}" if freq == "month" else f"week of {day_label(p.date(), with_year=True)}"
              for p in counts["period"]])
    order = (counts.groupby("theme")["replies"].sum().sort_values(ascending=False, kind="stable")
             .index.tolist())
    if other in order:
        order = [t for t in order if t != other] + [other]
    data["rank"] = data["theme"].map({theme: i for i, theme in enumerate(order)})
    return alt.Chart(data).mark_bar().encode(
        x=alt.X("label:N", title=None, sort=labels, scale=alt.Scale(domain=labels),
                axis=_time_axis()),
        y=alt.Y("sum(replies):Q", title="Replies mentioning it", stack="zero",
                axis=alt.Axis(**_COUNT_AXIS)),
        color=alt.Color("theme:N", title="Theme", sort=order, scale=_categories(order, other),
                        legend=_BELOW),
        order=alt.Order("rank:Q", sort="descending"),  # stacked like the legend reads
        tooltip=[alt.Tooltip("when:N", title="When"), alt.Tooltip("theme:N", title="Theme"),
                 alt.Tooltip("replies:Q", title="Replies")],
    ).properties(height=220, autosize=FIT_X)


# --- reflect: patterns across reflections -------------------------------------------------------
# From `reflection.insight_frames` (one row per month and factor or theme, or per month), with
# `reflection.month_range` as the axis, so quiet months show as gaps.

def _month_names(frame: pd.DataFrame, months: Sequence[str] | None) -> tuple[pd.DataFrame,
                                                                              list[str]]:
    """The frame with each "YYYY-MM" month named in words ("Nov 2026"), and the axis's
    months so named, in order."""
    months = list(months) if months else sorted(set(frame["month"]))
    names = {m: f"{pd.Period(m, 'M'):%b %Y}" for m in months}
    return frame.assign(label=frame["month"].map(names)), [names[m] for m in months]


def _month_axis(labels: list[str]) -> alt.X:
    return alt.X("label:N", title=None, sort=labels, scale=alt.Scale(domain=labels),
                 axis=_time_axis())


def _monthly_counts(frame: pd.DataFrame, months: Sequence[str] | None, *, title: str,
                    field: str, legend: str, counted: str) -> alt.Chart:
    """Bars of `count` per month, coloured by `field`."""
    data, labels = _month_names(frame, months)
    names = sorted(set(data[field]))
    return alt.Chart(data, title=title).mark_bar().encode(
        x=_month_axis(labels),
        y=alt.Y("count:Q", title=counted, axis=alt.Axis(**_COUNT_AXIS)),
        color=alt.Color(f"{field}:N", scale=_categories(names),
                        legend=alt.Legend(title=legend, **_BELOW)),
        tooltip=[alt.Tooltip("label:N", title="Month"), alt.Tooltip(f"{field}:N", title=legend),
                 alt.Tooltip("count:Q", title=counted)],
    ).properties(height=200, autosize=FIT_X)


def reflection_factors(frame: pd.DataFrame, months: Sequence[str] | None = None) -> alt.Chart:
    """Bars: how often each outside-of-your-control factor was ticked, per month."""
    return _monthly_counts(frame, months, title="Outside your control, by month",
                           field="factor", legend="Factor", counted="Times noted")


def reflection_themes(frame: pd.DataFrame, months: Sequence[str] | None = None) -> alt.Chart:
    """Bars: the themes of "what I'd do differently", per month."""
    return _monthly_counts(frame, months, title="What you'd do differently, by theme",
                           field="theme", legend="Theme", counted="Items")


def reflection_control(frame: pd.DataFrame, months: Sequence[str] | None = None) -> alt.Chart:
    """Line: the average "within my control" percentage, per month."""
    data, labels = _month_names(frame, months)
    return alt.Chart(data, title="How much was within your control").mark_line(
        color=PINE, point=alt.OverlayMarkDef(color=PINE, size=50)).encode(
        x=_month_axis(labels),
        y=alt.Y("control_pct:Q", title="Average %", scale=alt.Scale(domain=[0, 100]),
                axis=alt.Axis(values=[0, 25, 50, 75, 100])),
        tooltip=[alt.Tooltip("label:N", title="Month"),
                 alt.Tooltip("control_pct:Q", title="Average %"),
                 alt.Tooltip("reflections:Q", title="Reflections")],
    ).properties(height=180, autosize=FIT_X)


# --- check-in: the wellbeing trend ----------------------------------------------------------------
# From `wellbeing.weekly_trend` (one row per ISO week).

WELLBEING_COLOUR = PINE
STRESS_COLOUR = AMBER
APPLICATIONS_COLOUR = BLUE
GUIDE_COLOUR = GREY
AXIS_EXTENT = 48  # the same axis widths on both charts, so their weeks line up


def _week_axis(trend: pd.DataFrame | Sequence[str]) -> alt.X:
    """The weeks as bands, in the order given (a trend with `label`, or the labels)."""
    labels = list(trend["label"]) if isinstance(trend, pd.DataFrame) else list(trend)
    return alt.X("label:N", title=None, sort=labels, axis=_time_axis())


def _with_week_labels(trend: pd.DataFrame) -> pd.DataFrame:
    starts = pd.DatetimeIndex(pd.to_datetime(trend["week_start"]))
    return trend.assign(label=week_labels(starts),
                        week_of=[day_label(d.date(), with_year=True) for d in starts])


def _wellbeing_tooltip() -> list[alt.Tooltip]:
    return [alt.Tooltip("week_of:N", title="Week of"),
            alt.Tooltip("who5_pct:Q", title="Wellbeing %"),
            alt.Tooltip("stress:Q", title="Stress (0-10)"),
            alt.Tooltip("applications:Q", title="Applications")]


def wellbeing_scores(trend: pd.DataFrame) -> alt.LayerChart:
    """WHO-5 % per week, with the dashed line at 50 (`wellbeing.LOW_PERCENT`)."""
    data = _with_week_labels(trend)
    return _scores_layers(data, _low_line(), list(data["label"]))


def _low_line() -> pd.DataFrame:
    return pd.DataFrame({"y": [LOW_PERCENT], "label": ["50"]})


def _scores_layers(data: pd.DataFrame | alt.NamedData, guide: pd.DataFrame | alt.NamedData,
                   weeks: Sequence[str]) -> alt.LayerChart:
    line = alt.Chart(data).mark_line(
        point=alt.OverlayMarkDef(size=70, color=WELLBEING_COLOUR), color=WELLBEING_COLOUR,
        strokeWidth=2.5,
    ).encode(
        x=_week_axis(weeks),
        y=alt.Y("who5_pct:Q", title="Wellbeing (WHO-5 %)", scale=alt.Scale(domain=[0, 100]),
                axis=alt.Axis(minExtent=AXIS_EXTENT, values=[0, 25, 50, 75, 100])),
        tooltip=_wellbeing_tooltip(),
    )
    rule = alt.Chart(guide).mark_rule(strokeDash=[4, 4], color=GUIDE_COLOUR).encode(
        y=alt.Y("y:Q", scale=alt.Scale(domain=[0, 100]),
                axis=alt.Axis(orient="right", title=None, labels=False, ticks=False,
                              domain=False, grid=False, minExtent=AXIS_EXTENT)))
    return (alt.layer(rule, line).resolve_scale(y="independent")
            .properties(height=220, title=alt.Title("Wellbeing per week", anchor="start")))


def _wellbeing_template(chart: alt.TopLevelMixin) -> str:
    """A wellbeing chart built on named data, validated once, as JSON, as Streamlit would send
    it (the progress charts' templates are `_template`'s): what a `*_spec` function fills in
    on every use instead of building the chart again."""
    spec = chart.to_dict()
    spec.pop("config", None)  # the default theme's view size, which Streamlit leaves out
    return json.dumps(spec)


def _weekly_spec(template: str, data: pd.DataFrame) -> dict:
    """A wellbeing chart's template with `data`'s weeks, in order, on every layer's x axis."""
    spec = json.loads(template)
    for layer in spec["layer"]:
        if "x" in layer.get("encoding", {}):
            layer["encoding"]["x"]["sort"] = list(data["label"])
    return spec


@lru_cache(maxsize=1)
def _scores_template() -> str:
    return _wellbeing_template(_scores_layers(_data("wellbeing"), _data("low_line"), ["weeks"]))


def wellbeing_scores_spec(trend: pd.DataFrame) -> dict:
    """`wellbeing_scores(trend)` as the Vega-Lite dict Streamlit would send (its datasets as
    frames, by name), from a template built and validated once: the progress page shows it
    after every write, where building the chart would cost more than the rest of the page."""
    data = _with_week_labels(trend)
    spec = _weekly_spec(_scores_template(), data)
    spec["datasets"] = {"low_line": _low_line(), "wellbeing": data}
    return spec


def wellbeing_activity(trend: pd.DataFrame) -> alt.LayerChart:
    """Applications per week (bars, left axis) and stress 0–10 (line, right axis)."""
    data = _with_week_labels(trend)
    return _activity_layers(data, list(data["label"]), _applications_top(data))


def _applications_top(data: pd.DataFrame) -> int:
    return max(5, int(data["applications"].max() or 0))


def _activity_layers(data: pd.DataFrame | alt.NamedData, weeks: Sequence[str],
                     top: int) -> alt.LayerChart:
    base = alt.Chart(data).encode(x=_week_axis(weeks), tooltip=_wellbeing_tooltip())
    bars = base.mark_bar(color=APPLICATIONS_COLOUR, opacity=0.55,
                         width=alt.RelativeBandSize(0.7),
                         cornerRadiusTopLeft=2, cornerRadiusTopRight=2).encode(
        y=alt.Y("applications:Q", title="Applications", scale=alt.Scale(domain=[0, top]),
                axis=alt.Axis(minExtent=AXIS_EXTENT, **_COUNT_AXIS)))
    stress = base.mark_line(
        color=STRESS_COLOUR, strokeWidth=2.5,
        point=alt.OverlayMarkDef(size=60, color=STRESS_COLOUR),
    ).encode(
        y=alt.Y("stress:Q", title="Stress (0-10)", scale=alt.Scale(domain=[0, 10]),
                axis=alt.Axis(orient="right", minExtent=AXIS_EXTENT, titleColor=STRESS_COLOUR,
                              values=[0, 2, 4, 6, 8, 10])))
    return (alt.layer(bars, stress).resolve_scale(y="independent")
            .properties(height=160,
                        title=alt.Title("Applications (bars) and stress (line) per week",
                                        anchor="start")))


@lru_cache(maxsize=1)
def _activity_template() -> str:
    return _wellbeing_template(_activity_layers(_data("wellbeing"), ["weeks"], 5))


def wellbeing_activity_spec(trend: pd.DataFrame) -> dict:
    """`wellbeing_activity(trend)` as the Vega-Lite dict Streamlit would send, from a template
    built and validated once (as `wellbeing_scores_spec`): the check-in page draws it after
    every check-in saved."""
    data = _with_week_labels(trend)
    spec = _weekly_spec(_activity_template(), data)
    for layer in spec["layer"]:
        y = layer["encoding"].get("y", {})
        if y.get("field") == "applications":
            y["scale"]["domain"] = [0, _applications_top(data)]
    spec["datasets"] = {"wellbeing": data}
    return spec


def wellbeing_review(trend: pd.DataFrame) -> alt.VConcatChart:
    """Both wellbeing charts stacked, for static images (the weekly review's PNG). The pages
    draw them as two charts instead, because Streamlit can't stretch a concatenated chart."""
    return alt.vconcat(wellbeing_scores(trend).properties(width=560),
                       wellbeing_activity(trend).properties(width=560), spacing=16)
