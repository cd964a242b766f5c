"""Progress metrics: small, aggregated frames for the home page. No Streamlit here.

Everything starts from one summary row per application: `summarize(Store.stage_history(...))`
is the reference definition in pandas, and `Store.progress_summary` computes the same columns
in SQL (several times faster at 100,000 applications; the tests hold the two to the same
answers). That frame never leaves this module: it is reduced, with vectorised pandas, to
frames with one row per week, per stage, per bin, per source or per flow band. Those are what
the charts draw, so what the browser receives stays small however long the search has been.

Definitions (DESIGN.md and the README use the same words):
- response: any reply from the employer, i.e. a stage event in `models.REPLY_STAGES`
  (screening, interviewing, offer, accepted or rejected). Response rate = responded ÷ applied.
- interview: reached `screening` or later (`models.INTERVIEW_STAGES`). Interview rate =
  interviewed ÷ applied.
- offer: reached `offer` (or `accepted`). Offer rate = offers ÷ interviewed, with
  "interviewed" meaning the same thing as in the interview rate (screening or later), so the
  funnel's steps divide into each other.
- time to first response: date of the first reply event − date applied, in whole days (a reply
  on the day you applied is 0).
- ghosted: marked `ghosted`, or still at `applied` with no reply for at least
  `settings.ghost_after_days` days.
- always-respond rate: rejections answered with a *sent* `rejection_thanks` draft linked to the
  application ÷ rejections.
- feedback rate: feedback requests with feedback received ÷ feedback requested; plus the median
  days from asking to receiving.
- check-in streak: consecutive ISO weeks with a check-in, counted back from this week, or from
  last week when this week's check-in isn't done yet.

The date range selects a cohort: applications *applied* within it. Their replies count
whenever they came (up to the day being measured). Feedback requests, completed actions and
check-ins fall in the range by their own dates. Each headline number is measured twice, as of
the end of the range and as of four weeks earlier, and the change between them is its delta.
Outcomes (and the flow's endings) use each application's current stage.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from nextround.models import INTERVIEW_STAGES, OFFER_STAGES, REPLY_STAGES

if TYPE_CHECKING:
    from nextround.store import Store

DELTA_DAYS = 28
TOP_SOURCES = 5
NO_SOURCE = "Not recorded"

# How far along an application got. Accepted sits with offer: it is an offer's outcome.
LEVELS = {"applied": 0, "screening": 1, "interviewing": 2, "offer": 3, "accepted": 3}
LEVEL_NAMES = ["Applied", "Screening", "Interviewing", "Offer"]
# Where an application ended up (as of the day measured), in the order charts stack them.
OUTCOMES = ["Still open", "Rejected", "Ghosted", "Withdrew", "Accepted"]
FUNNEL_STEPS = ["Applied", "Got a response", "Interviewed", "Offer"]
# Time to first response, in days: (label, lowest day, highest day).
RESPONSE_BINS = [("Same day", 0, 0), ("1–3 days", 1, 3), ("4–7 days", 4, 7),
                 ("1–2 weeks", 8, 14), ("2–4 weeks", 15, 30), ("1–2 months", 31, 60),
                 ("Over 2 months", 61, 10**6)]

_REPLY = sorted(str(s) for s in REPLY_STAGES)
_INTERVIEW = sorted(str(s) for s in INTERVIEW_STAGES)
_OFFER = sorted(str(s) for s in OFFER_STAGES)

RAW_COLUMNS = ["application_id", "applied_on", "source", "stage", "reply_on", "interview_on",
               "offer_on", "rejected_on", "level"]
SUMMARY_COLUMNS = [*RAW_COLUMNS, "ghosted", "outcome"]
_DATE_COLUMNS = ["applied_on", "reply_on", "interview_on", "offer_on", "rejected_on"]


# --- one row per application (internal: never sent to a chart) ---------------------------------

def _dates(values: pd.Series) -> pd.Series:
    return pd.to_datetime(values, format="%Y-%m-%d", errors="coerce")


def summarize(history: pd.DataFrame) -> pd.DataFrame:
    """The per-application summary, from `Store.stage_history` (one row per event).

    This is the reference definition. `Store.progress_summary` computes the same columns in
    SQL, which is what the page uses because it is several times faster at 100,000
    applications; the tests hold the two to the same answers. Columns: `RAW_COLUMNS`, with
    dates still as ISO text, `stage` the application's current stage and `level` the furthest
    stage reached (0 applied, 1 screening, 2 interviewing, 3 offer or accepted).
    """
    if history.empty:
        return pd.DataFrame({c: pd.Series(dtype="object") for c in RAW_COLUMNS})
    stage = history["stage"].astype(str)
    on = history["on_date"].astype(object)
    none = pd.Series(None, index=history.index, dtype=object)
    work = pd.DataFrame({
        "application_id": history["application_id"],
        "applied_on": history["applied_on"],
        "source": history["source"],
        "current": history["current_stage"],
        "reply_on": on.where(stage.isin(_REPLY), none),
        "interview_on": on.where(stage.isin(_INTERVIEW), none),
        "offer_on": on.where(stage.isin(_OFFER), none),
        "rejected_on": on.where(stage == "rejected", none),
        "level": stage.map(LEVELS).fillna(0).astype("int64"),
    })
    apps = work.groupby("application_id", sort=True).agg(
        applied_on=("applied_on", "first"), source=("source", "first"),
        stage=("current", "first"), reply_on=("reply_on", "min"),
        interview_on=("interview_on", "min"), offer_on=("offer_on", "min"),
        rejected_on=("rejected_on", "min"), level=("level", "max"),
    ).reset_index()
    return apps[RAW_COLUMNS]


def prepare(raw: pd.DataFrame, as_of: date, ghost_after_days: int = 30) -> pd.DataFrame:
    """The summary as it stood on `as_of`: only applications applied by then, and only the
    replies, interviews, offers and rejections that had happened by then. Adds `ghosted` and
    `outcome` (where each application stands now, from its current stage)."""
    cutoff = pd.Timestamp(as_of)
    apps = raw.copy()
    for column in _DATE_COLUMNS:
        apps[column] = _dates(apps[column]) if len(apps) else pd.Series(dtype="datetime64[s]")
    apps = apps[apps["applied_on"] <= cutoff]
    for column in _DATE_COLUMNS[1:]:
        apps[column] = apps[column].where(apps[column] <= cutoff)
    apps["source"] = apps["source"].fillna("").astype(str).str.strip()
    apps["stage"] = apps["stage"].astype(str)
    apps["level"] = apps["level"].fillna(0).astype("int64")
    waited = (cutoff - apps["applied_on"]).dt.days
    apps["ghosted"] = (apps["stage"] == "ghosted") | (
        (apps["stage"] == "applied") & apps["reply_on"].isna() & (waited >= ghost_after_days))
    apps["outcome"] = np.select(
        [apps["stage"] == "accepted", apps["stage"] == "rejected", apps["ghosted"],
         apps["stage"] == "withdrawn"],
        ["Accepted", "Rejected", "Ghosted", "Withdrew"], default="Still open") if len(apps) else []
    return apps[SUMMARY_COLUMNS].reset_index(drop=True)


# --- headline numbers --------------------------------------------------------------------------

def _rate(part: int, whole: int) -> float | None:
    return part / whole if whole else None


def _median(values: pd.Series) -> float | None:
    values = values.dropna()
    return float(values.median()) if len(values) else None


@dataclass(frozen=True)
class Headline:
    """The numbers at the top of the page, as of one day."""

    applications: int = 0
    this_week: int = 0
    responded: int = 0
    response_rate: float | None = None
    interviewed: int = 0
    interview_rate: float | None = None
    offers: int = 0
    offer_rate: float | None = None
    median_days_to_response: float | None = None
    ghosted: int = 0
    rejections: int = 0
    answered_rejections: int = 0
    always_respond_rate: float | None = None
    feedback_requested: int = 0
    feedback_received: int = 0
    feedback_rate: float | None = None
    median_days_to_feedback: float | None = None
    actions_done: int = 0
    last_checkin_pct: int | None = None
    last_checkin_week: str | None = None
    checkin_streak: int = 0


def response_days(apps: pd.DataFrame) -> pd.Series:
    """Whole days from applying to the first reply, for applications that had one."""
    replied = apps[apps["reply_on"].notna()]
    return (replied["reply_on"] - replied["applied_on"]).dt.days.astype("int64")


def answered_rejections(apps: pd.DataFrame, sent_thanks: pd.DataFrame, as_of: date) -> int:
    """Rejections with a sent thank-you linked to the application, sent by `as_of`."""
    rejected = apps.loc[apps["rejected_on"].notna(), "application_id"]
    if sent_thanks.empty or rejected.empty:
        return 0
    sent = sent_thanks[_dates(sent_thanks["sent_on"]) <= pd.Timestamp(as_of)]
    return int(rejected.isin(sent["application_id"]).sum())


def feedback_numbers(feedback: pd.DataFrame, start: date | None,
                     as_of: date) -> tuple[int, int, float | None]:
    """(requested, received, median days to a reply) for requests asked in [start, as_of].

    `feedback` is `Store.feedback_counts()`: asked_on, received_on, status, n (grouped).
    """
    if feedback.empty:
        return 0, 0, None
    asked = _dates(feedback["asked_on"])
    received_on = _dates(feedback["received_on"])
    # Feedback received means status "received": a polite "we don't give feedback" (declined)
    # may carry a reply date, but it is not feedback.
    got = feedback["status"] == "received"
    received_on = received_on.where(received_on.notna(), asked.where(got))
    cutoff = pd.Timestamp(as_of)
    mask = asked <= cutoff
    if start is not None:
        mask &= asked >= pd.Timestamp(start)
    n = feedback["n"].astype("int64")
    requested = int(n[mask].sum())
    done = mask & got & (received_on <= cutoff)
    received = int(n[done].sum())
    days = (received_on[done] - asked[done]).dt.days
    weighted = np.repeat(days.to_numpy(dtype="int64"), n[done].to_numpy())
    median = float(np.median(weighted)) if received else None
    return requested, received, median


def actions_done(actions: pd.DataFrame, start: date | None, as_of: date) -> int:
    """Game-plan actions completed in [start, as_of]. `actions` is done_on, n (grouped)."""
    if actions.empty:
        return 0
    done = _dates(actions["done_on"])
    mask = done <= pd.Timestamp(as_of)
    if start is not None:
        mask &= done >= pd.Timestamp(start)
    return int(actions.loc[mask, "n"].astype("int64").sum())


def _week_start(key: str) -> date | None:
    try:
        year, week = key.split("-W")
        return date.fromisocalendar(int(year), int(week), 1)
    except (ValueError, AttributeError):
        return None


def checkin_numbers(checkins: pd.DataFrame, as_of: date) -> tuple[int | None, str | None, int]:
    """(last WHO-5 % = raw × 4, its ISO week, streak of consecutive weeks) as of a day.

    The streak counts back from this week, or from last week if this week isn't done yet, so a
    check-in that is merely not due yet doesn't break it. One row per week: no per-row cost.
    """
    if checkins.empty:
        return None, None, 0
    starts = checkins["week"].map(_week_start)
    this_week = as_of - timedelta(days=as_of.weekday())
    dated = checkins.assign(start=starts)
    valid = dated[dated["start"].notna() & (dated["start"] <= this_week)]
    if valid.empty:
        return None, None, 0
    last = valid.sort_values("start").iloc[-1]
    ordinals = {d.toordinal() for d in valid["start"]}
    cursor = this_week.toordinal() if this_week.toordinal() in ordinals else (
        this_week.toordinal() - 7)
    streak = 0
    while cursor in ordinals:
        streak += 1
        cursor -= 7
    return int(last["who5_raw"]) * 4, str(last["week"]), streak


def headline(apps: pd.DataFrame, as_of: date, *, start: date | None = None,
             sent_thanks: pd.DataFrame | None = None, feedback: pd.DataFrame | None = None,
             actions: pd.DataFrame | None = None,
             checkins: pd.DataFrame | None = None) -> Headline:
    """Every headline number as of `as_of`, for the applications in `apps` (a `summarize`
    frame already cut to that day)."""
    n = len(apps)
    week_start = pd.Timestamp(as_of - timedelta(days=as_of.weekday()))
    responded = int(apps["reply_on"].notna().sum()) if n else 0
    interviewed = int(apps["interview_on"].notna().sum()) if n else 0
    offers = int(apps["offer_on"].notna().sum()) if n else 0
    rejections = int(apps["rejected_on"].notna().sum()) if n else 0
    answered = answered_rejections(apps, _or_empty(sent_thanks), as_of) if n else 0
    requested, received, feedback_days = feedback_numbers(_or_empty(feedback), start, as_of)
    pct, week, streak = checkin_numbers(_or_empty(checkins), as_of)
    return Headline(
        applications=n,
        this_week=int((apps["applied_on"] >= week_start).sum()) if n else 0,
        responded=responded, response_rate=_rate(responded, n),
        interviewed=interviewed, interview_rate=_rate(interviewed, n),
        offers=offers, offer_rate=_rate(offers, interviewed),
        median_days_to_response=_median(response_days(apps)) if n else None,
        ghosted=int(apps["ghosted"].sum()) if n else 0,
        rejections=rejections, answered_rejections=answered,
        always_respond_rate=_rate(answered, rejections),
        feedback_requested=requested, feedback_received=received,
        feedback_rate=_rate(received, requested), median_days_to_feedback=feedback_days,
        actions_done=actions_done(_or_empty(actions), start, as_of),
        last_checkin_pct=pct, last_checkin_week=week, checkin_streak=streak,
    )


def _or_empty(frame: pd.DataFrame | None) -> pd.DataFrame:
    return frame if frame is not None else pd.DataFrame()


# --- chart frames ------------------------------------------------------------------------------

def _weeks(start: date, end: date) -> pd.DatetimeIndex:
    first = start - timedelta(days=start.weekday())
    last = end - timedelta(days=end.weekday())
    return pd.date_range(first, last, freq="7D")


def _week_of(days: pd.Series) -> pd.Series:
    return days - pd.to_timedelta(days.dt.day_of_week, unit="D")


def _count_by_week(days: pd.Series, weeks: pd.DatetimeIndex) -> pd.Series:
    days = days.dropna()
    counts = _week_of(days).value_counts()
    return counts.reindex(weeks, fill_value=0).astype("int64")


def weekly(apps: pd.DataFrame, start: date, end: date) -> pd.DataFrame:
    """One row per ISO week: applications sent and first responses received that week."""
    weeks = _weeks(start, end)
    frame = pd.DataFrame({
        "week": weeks,
        "week_end": weeks + pd.Timedelta(days=6),
        "applications": _count_by_week(apps["applied_on"], weeks).to_numpy(),
        "responses": _count_by_week(apps["reply_on"], weeks).to_numpy(),
    })
    frame["label"] = [f"{d.isocalendar().year}-W{d.isocalendar().week:02d}" for d in weeks]
    return frame


def cumulative(apps: pd.DataFrame, start: date, end: date) -> pd.DataFrame:
    """One row per week: running totals of applied, responded, interviewed and offers."""
    weeks = _weeks(start, end)
    frame = pd.DataFrame({"week": weeks})
    for column, source in (("Applied", "applied_on"), ("Responded", "reply_on"),
                           ("Interviewed", "interview_on"), ("Offers", "offer_on")):
        frame[column] = _count_by_week(apps[source], weeks).cumsum().to_numpy()
    return frame


def funnel(apps: pd.DataFrame) -> pd.DataFrame:
    """Applied → got a response → interviewed → offer, with the conversion from each step to
    the next (`pct_of_previous`) and from the start (`pct_of_applied`)."""
    counts = [len(apps), int(apps["reply_on"].notna().sum()),
              int(apps["interview_on"].notna().sum()), int(apps["offer_on"].notna().sum())]
    previous = [counts[0], *counts[:-1]]
    frame = pd.DataFrame({"step": FUNNEL_STEPS, "order": range(4), "count": counts})
    frame["pct_of_previous"] = [c / p if p else 0.0 for c, p in zip(counts, previous, strict=True)]
    frame["pct_of_applied"] = [c / counts[0] if counts[0] else 0.0 for c in counts]
    frame["label"] = [f"{c:,}" if i == 0 else f"{c:,} · {r:.0%} of previous"
                      for i, (c, r) in enumerate(zip(counts, frame["pct_of_previous"],
                                                     strict=True))]
    return frame


def outcomes_by_stage(apps: pd.DataFrame) -> pd.DataFrame:
    """One row per furthest stage reached, with how many of those ended in each outcome."""
    table = pd.crosstab(apps["level"], apps["outcome"]) if len(apps) else pd.DataFrame()
    table = table.reindex(index=range(4), columns=OUTCOMES, fill_value=0).fillna(0)
    frame = table.astype("int64").reset_index(drop=True)
    frame.insert(0, "stage", [f"{name}" for name in LEVEL_NAMES])
    frame.insert(1, "order", range(4))
    frame["total"] = frame[OUTCOMES].sum(axis=1)
    return frame


def response_time_bins(apps: pd.DataFrame) -> pd.DataFrame:
    """How long first replies took: one row per bin, with count and share of replies."""
    days = response_days(apps) if len(apps) else pd.Series(dtype="int64")
    edges = [low - 0.5 for _, low, _ in RESPONSE_BINS] + [RESPONSE_BINS[-1][2] + 0.5]
    labels = [label for label, _, _ in RESPONSE_BINS]
    binned = pd.cut(days, bins=edges, labels=labels)
    counts = binned.value_counts().reindex(labels, fill_value=0).astype("int64")
    total = int(counts.sum())
    return pd.DataFrame({"bin": labels, "order": range(len(labels)),
                         "count": counts.to_numpy(),
                         "share": counts.to_numpy() / total if total else 0.0})


def by_source(apps: pd.DataFrame, top: int = TOP_SOURCES) -> pd.DataFrame:
    """Response rate for the `top` sources with the most applications."""
    if not len(apps):
        return pd.DataFrame({"rank": [], "source": [], "applications": [], "responses": [],
                             "rate": [], "label": []})
    source = apps["source"].replace("", NO_SOURCE)
    grouped = pd.DataFrame({"source": source, "replied": apps["reply_on"].notna()}).groupby(
        "source").agg(applications=("replied", "size"), responses=("replied", "sum"))
    grouped = grouped.sort_values(["applications", "responses"], ascending=False).head(top)
    frame = grouped.reset_index()
    frame.insert(0, "rank", range(len(frame)))
    frame["responses"] = frame["responses"].astype("int64")
    frame["rate"] = frame["responses"] / frame["applications"]
    frame["label"] = [f"{r:.0%} of {a:,}" for r, a in zip(frame["rate"], frame["applications"],
                                                          strict=True)]
    return frame


# --- the flow (Sankey-style) ---------------------------------------------------------------------

NODE_WIDTH = 0.06
GAP_SHARE = 0.06


def flow(apps: pd.DataFrame) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Nodes and bands for a flow from Applied through each stage to where it ended.

    Column 0 holds Applied. Column k+1 holds the next stage (those that went further) on top,
    then the outcomes of applications whose furthest stage was k. Every node in column k+1
    is fed by one band from the stage node in column k, stacked in the same order, so bands
    never cross. Coordinates are in "applications" units on y (0 at the top) and in columns
    on x; the chart only draws them. One row per node and per band.
    """
    node_cols = ["node", "name", "kind", "column", "y0", "y1", "value", "label"]
    band_cols = ["band", "source", "target", "kind", "x0", "x1", "ys0", "ys1", "yt0", "yt1",
                 "value"]
    total = len(apps)
    if not total:
        return pd.DataFrame(columns=node_cols), pd.DataFrame(columns=band_cols)
    gap = max(total * GAP_SHARE, 0.5)
    table = pd.crosstab(apps["level"], apps["outcome"]).reindex(
        index=range(4), columns=OUTCOMES, fill_value=0).fillna(0).astype("int64")
    reached = table.sum(axis=1)[::-1].cumsum()[::-1]  # applications reaching each level
    nodes: list[dict] = [{"node": "Applied", "name": "Applied", "kind": "Applied", "column": 0,
                          "y0": 0.0, "y1": float(total), "value": total}]
    bands: list[dict] = []
    for level in range(4):
        source = nodes[[n["node"] for n in nodes].index(LEVEL_NAMES[level])] if level else nodes[0]
        targets: list[tuple[str, str, str, int]] = []
        if level < 3 and reached[level + 1] > 0:
            name = LEVEL_NAMES[level + 1]
            targets.append((name, name, name, int(reached[level + 1])))
        for outcome in OUTCOMES:
            count = int(table.loc[level, outcome])
            if count:
                targets.append((f"{outcome} after {LEVEL_NAMES[level].lower()}", outcome,
                                outcome, count))
        y = 0.0
        out = source["y0"]
        for node, name, kind, count in targets:
            nodes.append({"node": node, "name": name, "kind": kind, "column": level + 1,
                          "y0": y, "y1": y + count, "value": count})
            bands.append({"band": f"{source['node']} → {node}", "source": source["name"],
                          "target": name, "kind": kind, "x0": source["column"] + NODE_WIDTH,
                          "x1": float(level + 1), "ys0": out, "ys1": out + count,
                          "yt0": y, "yt1": y + count, "value": count})
            out += count
            y += count + gap
        if not reached.get(level + 1, 0):
            break
    node_frame = pd.DataFrame(nodes)
    node_frame["label"] = [f"{n} · {v:,}" for n, v in zip(node_frame["name"],
                                                         node_frame["value"], strict=True)]
    return node_frame[node_cols], pd.DataFrame(bands, columns=band_cols)


# --- the whole page ----------------------------------------------------------------------------

@dataclass(frozen=True)
class Dashboard:
    """Everything the progress page draws, all of it aggregated."""

    start: date
    end: date
    applications_in_range: int
    now: Headline
    before: Headline
    weekly_goal: int
    ghost_after_days: int
    weekly: pd.DataFrame = field(repr=False)
    cumulative: pd.DataFrame = field(repr=False)
    funnel: pd.DataFrame = field(repr=False)
    outcomes: pd.DataFrame = field(repr=False)
    response_times: pd.DataFrame = field(repr=False)
    sources: pd.DataFrame = field(repr=False)
    flow_nodes: pd.DataFrame = field(repr=False)
    flow_bands: pd.DataFrame = field(repr=False)


def build(raw: pd.DataFrame, start: date, end: date, *, weekly_goal: int = 5,
          ghost_after_days: int = 30, sent_thanks: pd.DataFrame | None = None,
          feedback: pd.DataFrame | None = None, actions: pd.DataFrame | None = None,
          checkins: pd.DataFrame | None = None) -> Dashboard:
    """All of the page's numbers and chart frames for applications applied in [start, end].

    `raw` is a per-application summary (`summarize` or `Store.progress_summary`) of those
    applications. The page is measured as of `end`, and the deltas against `end` − 4 weeks.
    """
    before_day = end - timedelta(days=DELTA_DAYS)
    apps = prepare(raw, end, ghost_after_days)
    earlier = prepare(raw, before_day, ghost_after_days)
    nodes, bands = flow(apps)
    extra = {"sent_thanks": sent_thanks, "feedback": feedback, "actions": actions,
             "checkins": checkins}
    return Dashboard(
        start=start, end=end, applications_in_range=len(apps),
        now=headline(apps, end, start=start, **extra),
        before=headline(earlier, before_day, start=start, **extra),
        weekly_goal=weekly_goal, ghost_after_days=ghost_after_days,
        weekly=weekly(apps, start, end), cumulative=cumulative(apps, start, end),
        funnel=funnel(apps), outcomes=outcomes_by_stage(apps),
        response_times=response_time_bins(apps), sources=by_source(apps),
        flow_nodes=nodes, flow_bands=bands,
    )


def dashboard(store: Store, start: date | str, end: date | str) -> Dashboard:
    """`build` from the store: the one call the page caches (dates or ISO strings, so the
    cache key stays hashable). Only aggregated frames come back, so the cache stays small."""
    start_day = date.fromisoformat(str(start))
    end_day = date.fromisoformat(str(end))
    settings = store.settings()
    return build(
        store.progress_summary(start_day, end_day), start_day, end_day,
        weekly_goal=settings.weekly_goal, ghost_after_days=settings.ghost_after_days,
        sent_thanks=store.sent_thanks_dates(), feedback=store.feedback_counts(),
        actions=store.actions_done_by_day(), checkins=store.checkin_scores(),
    )
