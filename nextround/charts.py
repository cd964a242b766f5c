"""Every Altair chart builder in the app: an aggregated DataFrame in, an `alt.Chart` out.

The domain modules compute the frames and this module only draws them:
- the progress page: the small frames from `nextround.metrics` (one row per week, per stage,
  per bin, per source or per flow band), never one row per application. Wide frames are folded
  inside the chart spec, so the data sent stays one row per week;
- feedback themes (`feedback_themes`), from `feedback.theme_chart_counts`;
- reflection patterns (`reflection_*`), from `reflection.insight_frames`;
- the wellbeing trend (`wellbeing_*`), from `wellbeing.weekly_trend`.

Colours are mid-tone, so they read on the light and on the dark theme alike. Axes, legends
and titles take the theme's colours from Streamlit's chart theme, but that theme styles
neither text marks nor subtitles; so every builder that draws them takes `dark` (the page
passes `st.context.theme.type == "dark"`) and colours those from the app's own palette
(.streamlit/config.toml).

No progress spec depends on the data: sizes, scale domains and sort orders come from the
datasets inside the spec (joinaggregate, rank fields). So each progress chart's spec is built and
validated once per theme (`_template`, cached) and `specs` only pours the current frames into
it: building Altair charts costs far more than the numbers do. The other pages' charts are
built per frame and cached by `ui.chart`.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from datetime import date, timedelta
from functools import lru_cache

import altair as alt
import pandas as pd

from nextround.metrics import (
    FUNNEL_STEPS,
    LEVEL_NAMES,
    NODE_WIDTH,
    OUTCOMES,
    RESPONSE_BINS,
    Dashboard,
)
from nextround.wellbeing import LOW_PERCENT

APPLIED = "#5B8FD9"
RESPONSE = "#2FA58A"
INTERVIEW = "#E0A33E"
OFFER = "#9A70D6"
GOAL = "#E07A5F"
OUTCOME_COLOURS = {"Still open": "#6F9FC8", "Rejected": "#D9736A", "Ghosted": "#98A2AC",
                   "Withdrew": "#C49A6C", "Accepted": "#3FB27F"}
STAGE_COLOURS = dict(zip(LEVEL_NAMES, [APPLIED, RESPONSE, INTERVIEW, OFFER], strict=True))
FLOW_COLOURS = {**STAGE_COLOURS, **OUTCOME_COLOURS}
HEIGHT = 260  # the plotting area; titles, legends and axes come on top (autosize fit-x)
FIT_X = alt.AutoSizeParams(type="fit-x", contains="padding")


def _records(frame: pd.DataFrame) -> list[dict]:
    """Plain JSON-ready rows. Dates become local ISO timestamps, as Altair itself sends them."""
    out = frame.copy()
    for column in out.columns:
        if pd.api.types.is_datetime64_any_dtype(out[column]):
            out[column] = out[column].dt.strftime("%Y-%m-%dT00:00:00")
    return out.astype(object).where(out.notna(), None).to_dict("records")


def _data(name: str) -> alt.NamedData:
    return alt.NamedData(name=name)


def _with_data(chart: alt.TopLevelMixin, **frames: pd.DataFrame) -> alt.TopLevelMixin:
    """Attach the frames as named top-level datasets. The chart never holds a DataFrame, so
    `to_dict()` needs no data transformer (those are process-global in Altair) and the spec
    can be built once, cached, and drawn with `st.vega_lite_chart`."""
    return chart.properties(datasets={name: _records(f) for name, f in frames.items()})


def _scale(colours: dict[str, str]) -> alt.Scale:
    return alt.Scale(domain=list(colours), range=list(colours.values()))


INK = {False: "#1F2A28", True: "#E6ECEA"}  # the theme's text colour, light and dark
SOFT_INK = {False: "#55625F", True: "#A9B6B2"}  # for subtitles


def _title(text: str, subtitle: str, dark: bool) -> alt.TitleParams:
    return alt.TitleParams(text, subtitle=subtitle, anchor="start", offset=14,
                           subtitleColor=SOFT_INK[dark], subtitleFontSize=12,
                           subtitlePadding=4)


def weekly_activity(weekly: pd.DataFrame, goal: int, *, dark: bool = False) -> alt.LayerChart:
    """(a) Applications (bars) and first responses (line) per ISO week, goal as a rule."""
    return _with_data(_weekly_layout(dark), weekly=weekly, goal=_goal(goal))


def _goal(goal: int) -> pd.DataFrame:
    """The weekly-goal rule's one row, or none when the user has set no goal."""
    rows = [{"goal": goal, "text": f"Weekly goal: {goal}"}] if goal > 0 else []
    return pd.DataFrame(rows, columns=["goal", "text"])


def _weekly_layout(dark: bool) -> alt.LayerChart:
    series = {"Applications": APPLIED, "Responses": RESPONSE}
    base = alt.Chart(_data("weekly")).encode(
        x=alt.X("week:T", title="Week", axis=alt.Axis(format="%d %b %Y", labelAngle=0,
                                                       tickCount=8)))
    tooltip = [alt.Tooltip("label:N", title="Week"),
               alt.Tooltip("applications:Q", title="Applications"),
               alt.Tooltip("responses:Q", title="Responses")]
    bars = base.transform_calculate(series="'Applications'").mark_bar(
        opacity=0.85, cornerRadiusTopLeft=2, cornerRadiusTopRight=2).encode(
        x2="week_end:T", y=alt.Y("applications:Q", title="Per week"), y2=alt.datum(0),
        color=alt.Color("series:N", scale=_scale(series), title=None,
                        legend=alt.Legend(orient="top", direction="horizontal")),
        tooltip=tooltip)
    # The line's points sit mid-week, over the middle of each week's bar.
    line = base.transform_calculate(
        series="'Responses'", mid="time(toDate(datum.week)) + 3.5 * 864e5").mark_line(
        strokeWidth=2.5, point=alt.OverlayMarkDef(size=28, filled=True),
        interpolate="linear").encode(
        x="mid:T", y="responses:Q", color=alt.Color("series:N", scale=_scale(series)),
        tooltip=tooltip)
    rule = alt.Chart(_data("goal")).mark_rule(color=GOAL, strokeDash=[6, 4],
                                              strokeWidth=2).encode(y="goal:Q")
    note = alt.Chart(_data("goal")).mark_text(align="right", dx=-2, dy=-8, color=GOAL,
                                              fontWeight="bold").encode(
        y="goal:Q", x=alt.value({"expr": "width"}), text="text:N")
    return alt.layer(bars, line, rule, note).properties(
        autosize=FIT_X, height=HEIGHT,
        title=_title("Applications and responses per week",
                     "Bars: applications sent. Line: first replies received that week.", dark))


def cumulative_progress(cumulative: pd.DataFrame, *, dark: bool = False) -> alt.Chart:
    """(b) Running totals over time: applied, responded, interviewed, offers."""
    return _with_data(_cumulative_layout(dark), cumulative=cumulative)


def _cumulative_layout(dark: bool) -> alt.Chart:
    series = {"Applied": APPLIED, "Responded": RESPONSE, "Interviewed": INTERVIEW,
              "Offers": OFFER}
    return alt.Chart(_data("cumulative")).transform_fold(
        list(series), as_=["series", "total"]).mark_line(
        strokeWidth=2.5, interpolate="step-after", point=True).encode(  # one week still shows
        x=alt.X("week:T", title="Week", axis=alt.Axis(format="%b %Y", labelAngle=0)),
        y=alt.Y("total:Q", title="Running total"),
        color=alt.Color("series:N", scale=_scale(series), sort=list(series), title=None,
                        legend=alt.Legend(orient="top", direction="horizontal")),
        tooltip=[alt.Tooltip("week:T", title="Week of", format="%d %b %Y"),
                 alt.Tooltip("series:N", title="Series"),
                 alt.Tooltip("total:Q", title="Running total", format=",")],
    ).properties(autosize=FIT_X, height=HEIGHT,
                 title=_title("Cumulative progress", "How the totals have grown, week by week.",
                              dark))


def funnel(frame: pd.DataFrame, *, dark: bool = False) -> alt.LayerChart:
    """(c) Applied → response → interview → offer, centred bars with conversion labels."""
    return _with_data(_funnel_layout(dark), funnel=frame)


def _funnel_layout(dark: bool) -> alt.LayerChart:
    colours = dict(zip(FUNNEL_STEPS, [APPLIED, RESPONSE, INTERVIEW, OFFER], strict=True))
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
        color=alt.Color("step:N", scale=_scale(colours), legend=None),
        tooltip=[alt.Tooltip("step:N", title="Step"),
                 alt.Tooltip("count:Q", title="Applications", format=","),
                 alt.Tooltip("pct_of_previous:Q", title="Of the step before", format=".0%"),
                 alt.Tooltip("pct_of_applied:Q", title="Of all applied", format=".0%")])
    labels = base.mark_text(align="left", dx=8, fontSize=13, color=INK[dark]).encode(
        x=alt.X("right:Q", scale=x_scale), text="label:N")
    return alt.layer(span, bars, labels).properties(
        autosize=FIT_X, height=HEIGHT,
        title=_title("Funnel", "Each step, and the share of the step before that made it.",
                     dark))


def outcomes_by_stage(frame: pd.DataFrame, *, dark: bool = False) -> alt.Chart:
    """(d) For each furthest stage reached, how those applications ended (stacked)."""
    return _with_data(_outcomes_layout(dark), outcomes=frame)


def _outcomes_layout(dark: bool) -> alt.Chart:
    return alt.Chart(_data("outcomes")).transform_fold(
        OUTCOMES, as_=["outcome", "count"]).transform_filter("datum.count > 0").mark_bar(
        height={"band": 0.7}).encode(
        y=alt.Y("stage:N", sort=LEVEL_NAMES, title="Furthest stage reached"),
        x=alt.X("count:Q", title="Applications", stack="zero",
                axis=alt.Axis(format="~s", tickCount=6)),
        color=alt.Color("outcome:N", scale=_scale(OUTCOME_COLOURS), sort=OUTCOMES,
                        title=None, legend=alt.Legend(orient="top", direction="horizontal")),
        order=alt.Order("order_key:Q"),
        tooltip=[alt.Tooltip("stage:N", title="Furthest stage"),
                 alt.Tooltip("outcome:N", title="Outcome"),
                 alt.Tooltip("count:Q", title="Applications", format=",")],
    ).transform_calculate(
        order_key=f"indexof({OUTCOMES!r}, datum.outcome)"
    ).properties(autosize=FIT_X, height=HEIGHT,
                 title=_title("Outcomes by stage",
                              "Where applications stand, by how far they got.", dark))


def response_times(frame: pd.DataFrame, *, dark: bool = False) -> alt.LayerChart:
    """(e) How long first replies took, binned."""
    return _with_data(_response_times_layout(dark), response_times=frame)


def _response_times_layout(dark: bool) -> alt.LayerChart:
    base = alt.Chart(_data("response_times")).encode(
        x=alt.X("bin:N", sort=[label for label, _, _ in RESPONSE_BINS],
                title="Time to first response",
                axis=alt.Axis(labelAngle=0, labelLimit=120)))
    bars = base.mark_bar(color=RESPONSE, cornerRadiusTopLeft=3,
                         cornerRadiusTopRight=3).encode(
        y=alt.Y("count:Q", title="Replies"),
        tooltip=[alt.Tooltip("bin:N", title="Time"),
                 alt.Tooltip("count:Q", title="Replies", format=","),
                 alt.Tooltip("share:Q", title="Share of replies", format=".0%")])
    text = base.mark_text(dy=-8, color=INK[dark]).encode(
        y="count:Q", text=alt.Text("share:Q", format=".0%"))
    return alt.layer(bars, text).properties(
        autosize=FIT_X, height=HEIGHT, title=_title("Time to first response",
                                                    "Days from applying to the first reply, "
                                                    "for applications that got one.", dark))


def response_by_source(frame: pd.DataFrame, *, dark: bool = False) -> alt.LayerChart:
    """(f) Response rate for the top sources by number of applications (in `rank` order)."""
    return _with_data(_sources_layout(dark), sources=frame)


def _sources_layout(dark: bool) -> alt.LayerChart:
    base = alt.Chart(_data("sources")).encode(
        y=alt.Y("source:N", sort=alt.EncodingSortField("rank", op="min", order="ascending"),
                title=None, axis=alt.Axis(labelLimit=180)))
    bars = base.mark_bar(color=APPLIED, cornerRadius=3, height={"band": 0.7}).encode(
        x=alt.X("rate:Q", title="Response rate",
                axis=alt.Axis(format="%", values=[0, 0.25, 0.5, 0.75, 1]),
                scale=alt.Scale(domain=[0, 1])),
        tooltip=[alt.Tooltip("source:N", title="Source"),
                 alt.Tooltip("applications:Q", title="Applications", format=","),
                 alt.Tooltip("responses:Q", title="Responses", format=","),
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
    """
    return _with_data(_flow_layout(dark), bands=bands, nodes=nodes)


def _flow_layout(dark: bool) -> alt.LayerChart:
    # y: 0 at the top; the domain comes from the data (an invisible mark leaves headroom for
    # the stage names), so the spec doesn't depend on the number of applications.
    y_scale = alt.Scale(reverse=True, nice=False, zero=False)
    x_scale = alt.Scale(domain=[0, 4.75], nice=False, zero=False)
    colour = alt.Color("kind:N", scale=_scale(FLOW_COLOURS), legend=None)
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
        color=colour,
        tooltip=[alt.Tooltip("source:N", title="From"), alt.Tooltip("target:N", title="To"),
                 alt.Tooltip("value:Q", title="Applications", format=",")])
    node_base = alt.Chart(_data("nodes")).transform_calculate(
        x_left="datum.column", x_right=f"datum.column + {NODE_WIDTH}",
        y_mid="(datum.y0 + datum.y1) / 2")
    headroom = node_base.transform_joinaggregate(height="max(y1)").transform_calculate(
        y_top="-max(datum.height, 1) * 0.08").mark_point(opacity=0).encode(
        x=alt.X("x_left:Q", scale=x_scale, axis=None),
        y=alt.Y("y_top:Q", scale=y_scale, axis=None))
    boxes = node_base.mark_rect(cornerRadius=2).encode(
        x=alt.X("x_left:Q", scale=x_scale, axis=None), x2="x_right:Q",
        y=alt.Y("y0:Q", scale=y_scale, axis=None), y2="y1:Q", color=colour,
        tooltip=[alt.Tooltip("name:N", title="Stage or outcome"),
                 alt.Tooltip("value:Q", title="Applications", format=",")])
    # Stage names sit above their node, clear of the bands; outcomes sit beside theirs.
    stage_test = f"indexof({LEVEL_NAMES!r}, datum.kind) >= 0"
    stage_labels = node_base.transform_filter(stage_test).mark_text(
        align="left", baseline="bottom", dy=-4, fontSize=12, fontWeight="bold",
        color=INK[dark]).encode(
        x=alt.X("x_left:Q", scale=x_scale), y=alt.Y("y0:Q", scale=y_scale), text="label:N")
    outcome_labels = node_base.transform_filter(f"!({stage_test})").mark_text(
        align="left", baseline="middle", dx=5, fontSize=12, color=INK[dark]).encode(
        x=alt.X("x_right:Q", scale=x_scale), y=alt.Y("y_mid:Q", scale=y_scale),
        text="label:N")
    return alt.layer(headroom, links, boxes, stage_labels, outcome_labels).properties(
        autosize=FIT_X, height=460,
        title=_title("How your applications flowed",
                     "From applied through each stage to where each one ended. Band width = "
                     "number of applications.", dark),
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


def _frames(b: Dashboard) -> dict[str, dict[str, pd.DataFrame]]:
    return {
        "weekly": {"weekly": b.weekly, "goal": _goal(b.weekly_goal)},
        "cumulative": {"cumulative": b.cumulative},
        "flow": {"bands": b.flow_bands, "nodes": b.flow_nodes},
        "funnel": {"funnel": b.funnel},
        "outcomes": {"outcomes": b.outcomes},
        "response_times": {"response_times": b.response_times},
        "sources": {"sources": b.sources},
    }


def specs(b: Dashboard, dark: bool = False) -> dict[str, dict]:
    """Every progress chart as a Vega-Lite dict with its data, keyed by name: the cached
    template of each, filled with this dashboard's small frames."""
    out = {}
    for name, frames in _frames(b).items():
        spec = json.loads(_template(name, dark))
        spec["datasets"] = {key: _records(frame) for key, frame in frames.items()}
        out[name] = spec
    return out


def feedback_themes(counts: pd.DataFrame, freq: str, *,
                    window: tuple[date, date] | None = None,
                    other: str | None = None) -> alt.Chart:
    """Stacked bars: how many replies mentioned each theme, per month or week.

    `counts` is `feedback.theme_chart_counts` (period, theme, replies). `window` (first day,
    last day) fixes the time axis to the periods the page asked for, so months without replies
    show as gaps rather than the axis shrinking to fit. `other`, the name of the "every other
    theme" bucket, goes last in the legend and the stack, whatever its count."""
    span = pd.offsets.MonthBegin(1) if freq == "month" else pd.Timedelta(days=7)
    data = counts.assign(
        period_end=counts["period"] + span - pd.Timedelta(days=1 if freq == "week" else 2),
        when=counts["period"].dt.strftime("%B %Y" if freq == "month" else "week of %d %b %Y"))
    order = (counts.groupby("theme")["replies"].sum().sort_values(ascending=False, kind="stable")
             .index.tolist())
    if other in order:
        order = [t for t in order if t != other] + [other]
    data["rank"] = data["theme"].map({theme: i for i, theme in enumerate(order)})
    scale, ticks = alt.Undefined, alt.Undefined
    if window is not None:  # exactly the window: no rounding out to a "nice" date, and no
        # padding (both would label a month or week outside it); every bar ends by its
        # period's last day, so the last one fits
        scale = alt.Scale(domain=[_utc(d) for d in window], nice=False, padding=0)
        if freq == "week":  # Vega-Lite puts week ticks on Sundays; bars start on Mondays
            ticks = [_utc(window[0] + timedelta(weeks=w))
                     for w in range(0, (window[1] - window[0]).days // 7 + 1, 4)]
    return alt.Chart(data).mark_bar().encode(
        x=alt.X("period:T", title=None, scale=scale,
                axis=alt.Axis(format="%b %Y" if freq == "month" else "%d %b", labelAngle=0,
                              values=ticks)),
        x2="period_end:T",
        y=alt.Y("sum(replies):Q", title="Replies mentioning it", stack="zero",
                axis=alt.Axis(tickMinStep=1, format="d")),
        color=alt.Color("theme:N", title="Theme", sort=order),
        order=alt.Order("rank:Q", sort="descending"),  # stacked like the legend reads
        tooltip=[alt.Tooltip("when:N", title="When"), alt.Tooltip("theme:N", title="Theme"),
                 alt.Tooltip("replies:Q", title="Replies")],
    ).properties(height=300)


def _utc(day: date) -> alt.DateTime:
    return alt.DateTime(year=day.year, month=day.month, date=day.day, utc=True)


# --- reflect: patterns across reflections -------------------------------------------------------
# From `reflection.insight_frames` (one row per month and factor or theme, or per month), with
# `reflection.month_range` as the axis, so quiet months show as gaps.

def _month_axis(months: Sequence[str] | None) -> alt.X:
    return alt.X("month:O", title="Month",
                 scale=alt.Scale(domain=list(months)) if months else alt.Undefined,
                 axis=alt.Axis(labelAngle=0, labelOverlap="greedy"))


def _side_legend(title: str) -> alt.Legend:
    return alt.Legend(title=title, orient="right", labelLimit=320)


def _monthly_counts(frame: pd.DataFrame, months: Sequence[str] | None, *, title: str,
                    field: str, legend: str, counted: str) -> alt.Chart:
    """Bars of `count` per month, coloured by `field`."""
    return alt.Chart(frame, title=title).mark_bar().encode(
        x=_month_axis(months),
        y=alt.Y("count:Q", title=counted, axis=alt.Axis(tickMinStep=1)),
        color=alt.Color(f"{field}:N", legend=_side_legend(legend)),
        tooltip=["month", field, "count"],
    )


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
    return alt.Chart(frame, title="How much was within your control").mark_line(
        point=True).encode(
        x=_month_axis(months),
        y=alt.Y("control_pct:Q", title="Average %",
                scale=alt.Scale(domain=[0, 100])),
        tooltip=["month", alt.Tooltip("control_pct:Q", title="average %"), "reflections"],
    )


# --- check-in: the wellbeing trend ----------------------------------------------------------------
# From `wellbeing.weekly_trend` (one row per ISO week).

WELLBEING_COLOUR = "#2e8b74"
STRESS_COLOUR = "#e07b39"
APPLICATIONS_COLOUR = "#5b8def"
GUIDE_COLOUR = "#8a8f98"
AXIS_EXTENT = 48  # the same axis widths on both charts, so their weeks line up


def _week_axis(trend: pd.DataFrame) -> alt.X:
    return alt.X("label:O", title=None, sort=list(trend["label"]),
                 axis=alt.Axis(labelAngle=0, labelOverlap="greedy"))


def _with_week_labels(trend: pd.DataFrame) -> pd.DataFrame:
    starts = pd.to_datetime(trend["week_start"])
    return trend.assign(label=[f"{d.day} {d:%b}" for d in starts])


def _wellbeing_tooltip() -> list[alt.Tooltip]:
    return [alt.Tooltip("week:N", title="Week"),
            alt.Tooltip("who5_pct:Q", title="Wellbeing %"),
            alt.Tooltip("stress:Q", title="Stress (0-10)"),
            alt.Tooltip("applications:Q", title="Applications")]


def wellbeing_scores(trend: pd.DataFrame) -> alt.LayerChart:
    """WHO-5 % per week, with the dashed line at 50 (`wellbeing.LOW_PERCENT`)."""
    data = _with_week_labels(trend)
    line = alt.Chart(data).mark_line(
        point=alt.OverlayMarkDef(size=70, color=WELLBEING_COLOUR), color=WELLBEING_COLOUR,
        strokeWidth=2.5,
    ).encode(
        x=_week_axis(data),
        y=alt.Y("who5_pct:Q", title="Wellbeing (WHO-5 %)", scale=alt.Scale(domain=[0, 100]),
                axis=alt.Axis(minExtent=AXIS_EXTENT, values=[0, 25, 50, 75, 100])),
        tooltip=_wellbeing_tooltip(),
    )
    marker = pd.DataFrame({"y": [LOW_PERCENT], "label": ["50"]})
    rule = alt.Chart(marker).mark_rule(strokeDash=[5, 4], color=GUIDE_COLOUR).encode(
        y=alt.Y("y:Q", scale=alt.Scale(domain=[0, 100]),
                axis=alt.Axis(orient="right", title=None, labels=False, ticks=False,
                              domain=False, grid=False, minExtent=AXIS_EXTENT)))
    return (alt.layer(rule, line).resolve_scale(y="independent")
            .properties(height=220, title=alt.Title("Wellbeing per week", anchor="start")))


def wellbeing_activity(trend: pd.DataFrame) -> alt.LayerChart:
    """Applications per week (bars, left axis) and stress 0–10 (line, right axis)."""
    data = _with_week_labels(trend)
    top = max(5, int(data["applications"].max() or 0))
    base = alt.Chart(data).encode(x=_week_axis(data), tooltip=_wellbeing_tooltip())
    bars = base.mark_bar(color=APPLICATIONS_COLOUR, opacity=0.55,
                         width=alt.RelativeBandSize(0.7),
                         cornerRadiusTopLeft=2, cornerRadiusTopRight=2).encode(
        y=alt.Y("applications:Q", title="Applications", scale=alt.Scale(domain=[0, top]),
                axis=alt.Axis(tickMinStep=1, minExtent=AXIS_EXTENT)))
    stress = base.mark_line(
        color=STRESS_COLOUR, strokeWidth=2.5,
        point=alt.OverlayMarkDef(size=60, color=STRESS_COLOUR),
    ).encode(
        y=alt.Y("stress:Q", title="Stress (0-10)", scale=alt.Scale(domain=[0, 10]),
                axis=alt.Axis(orient="right", minExtent=AXIS_EXTENT, titleColor=STRESS_COLOUR)))
    return (alt.layer(bars, stress).resolve_scale(y="independent")
            .properties(height=160,
                        title=alt.Title("Applications (bars) and stress (line) per week",
                                        anchor="start")))


def wellbeing_review(trend: pd.DataFrame) -> alt.VConcatChart:
    """Both wellbeing charts stacked, for static images (the weekly review's PNG). The pages
    draw them as two charts instead, because Streamlit can't stretch a concatenated chart."""
    return alt.vconcat(wellbeing_scores(trend).properties(width=560),
                       wellbeing_activity(trend).properties(width=560), spacing=16)
