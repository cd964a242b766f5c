"""The progress metrics defined the slow, obvious way: the oracle for `nextround.metrics`.

One summary row per application is folded from every stage event in pandas, then each number
and chart frame is computed from those rows. The page no longer works this way (it reads
grouped counts, see `store.progress.counts` and decision 14), but the definitions are easiest
to check here, so tests hold the fast path to exactly the same Dashboard.
"""

from __future__ import annotations

from datetime import date, timedelta

import numpy as np
import pandas as pd

from nextround import metrics
from nextround.metrics import (
    DELTA_DAYS,
    LEVELS,
    NO_SOURCE,
    OUTCOMES,
    RESPONSE_BINS,
    TOP_SOURCES,
    Dashboard,
    Headline,
)
from nextround.models import INTERVIEW_STAGES, OFFER_STAGES, REPLY_STAGES
from nextround.store import Store

_REPLY = sorted(str(s) for s in REPLY_STAGES)
_INTERVIEW = sorted(str(s) for s in INTERVIEW_STAGES)
_OFFER = sorted(str(s) for s in OFFER_STAGES)
RAW_COLUMNS = ["application_id", "applied_on", "source", "stage", "reply_on", "interview_on",
               "offer_on", "rejected_on", "level"]
SUMMARY_COLUMNS = [*RAW_COLUMNS, "ghosted", "outcome"]
_DATE_COLUMNS = ["applied_on", "reply_on", "interview_on", "offer_on", "rejected_on"]


def _dates(values: pd.Series) -> pd.Series:
    return pd.to_datetime(values, format="%Y-%m-%d", errors="coerce")


def summarize(history: pd.DataFrame) -> pd.DataFrame:
    """One row per application from its events (one row per event, or one with no event)."""
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
    """The summary as it stood on `as_of`, with `ghosted` and `outcome` added."""
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


def response_days(apps: pd.DataFrame) -> pd.Series:
    replied = apps[apps["reply_on"].notna()]
    return (replied["reply_on"] - replied["applied_on"]).dt.days.astype("int64")


def _median(values: pd.Series) -> float | None:
    values = values.dropna()
    return float(values.median()) if len(values) else None


def _rate(part: int, whole: int) -> float | None:
    return part / whole if whole else None


def answered_rejections(apps: pd.DataFrame, sent_thanks: pd.DataFrame, as_of: date) -> int:
    rejected = apps.loc[apps["rejected_on"].notna(), "application_id"]
    if sent_thanks.empty or rejected.empty:
        return 0
    sent = sent_thanks[_dates(sent_thanks["sent_on"]) <= pd.Timestamp(as_of)]
    return int(rejected.isin(sent["application_id"]).sum())


def headline(apps: pd.DataFrame, as_of: date, start: date, sent_thanks: pd.DataFrame,
             others: dict[str, pd.DataFrame]) -> Headline:
    n = len(apps)
    week_start = pd.Timestamp(as_of - timedelta(days=as_of.weekday()))
    responded = int(apps["reply_on"].notna().sum()) if n else 0
    interviewed = int(apps["interview_on"].notna().sum()) if n else 0
    offers = int(apps["offer_on"].notna().sum()) if n else 0
    rejections = int(apps["rejected_on"].notna().sum()) if n else 0
    answered = answered_rejections(apps, sent_thanks, as_of) if n else 0
    requested, received, feedback_days = metrics.feedback_numbers(others["feedback"], start,
                                                                  as_of)
    pct, week, streak = metrics.checkin_numbers(others["checkins"], as_of)
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
        actions_done=metrics.actions_done(others["actions"], start, as_of),
        last_checkin_pct=pct, last_checkin_week=week, checkin_streak=streak,
    )


def _weeks(start: date, end: date) -> pd.DatetimeIndex:
    first = start - timedelta(days=start.weekday())
    last = end - timedelta(days=end.weekday())
    return pd.date_range(first, last, freq="7D")


def _count_by_week(days: pd.Series, weeks: pd.DatetimeIndex) -> pd.Series:
    days = days.dropna()
    counts = (days - pd.to_timedelta(days.dt.day_of_week, unit="D")).value_counts()
    return counts.reindex(weeks, fill_value=0).astype("int64")


def weekly(apps: pd.DataFrame, start: date, end: date) -> pd.DataFrame:
    weeks = _weeks(start, end)
    frame = pd.DataFrame({
        "week": weeks, "week_end": weeks + pd.Timedelta(days=6),
        "applications": _count_by_week(apps["applied_on"], weeks).to_numpy(),
        "responses": _count_by_week(apps["reply_on"], weeks).to_numpy(),
    })
    frame["label"] = _labels(weeks)
    return frame


def _labels(weeks: pd.DatetimeIndex) -> list[str]:
    """Each week's Monday as a chart names it: "30 Nov", with the year across two years."""
    years = {d.year for d in weeks}
    return [d.strftime("%-d %b") + (d.strftime(" %Y") if len(years) > 1 else "")
            for d in weeks]


def cumulative(apps: pd.DataFrame, start: date, end: date) -> pd.DataFrame:
    weeks = _weeks(start, end)
    frame = pd.DataFrame({"week": weeks, "label": _labels(weeks)})
    for column, source in (("Applied", "applied_on"), ("Responded", "reply_on"),
                           ("Interviewed", "interview_on"), ("Offer", "offer_on")):
        frame[column] = _count_by_week(apps[source], weeks).cumsum().to_numpy()
    return frame


def funnel(apps: pd.DataFrame) -> pd.DataFrame:
    """The funnel's counts from the rows; `metrics.funnel` lays them out."""
    return metrics.funnel(Headline(
        applications=len(apps), responded=int(apps["reply_on"].notna().sum()),
        interviewed=int(apps["interview_on"].notna().sum()),
        offers=int(apps["offer_on"].notna().sum())))


def outcome_table(apps: pd.DataFrame) -> pd.DataFrame:
    table = pd.crosstab(apps["level"], apps["outcome"]) if len(apps) else pd.DataFrame()
    return table.reindex(index=range(4), columns=OUTCOMES, fill_value=0).fillna(0).astype(
        "int64").rename_axis(index=None, columns=None)


def response_time_bins(apps: pd.DataFrame) -> pd.DataFrame:
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
    if not len(apps):
        return metrics.by_source(pd.DataFrame(columns=["source", "applications", "responses"]))
    grouped = pd.DataFrame({"source": apps["source"], "applications": 1,
                            "responses": apps["reply_on"].notna().astype("int64")})
    grouped["source"] = grouped["source"].replace("", NO_SOURCE)
    return metrics.by_source(grouped, top)


def dashboard(store: Store, start: date, end: date) -> Dashboard:
    """The whole page, the reference way: every event of the range, folded in pandas."""
    settings = store.settings.get()
    # Every application applied in the range, with its events (none, for an application a
    # hand-made JSON file brought without any: it still counts as applied).
    raw = summarize(store.frame(
        "SELECT a.id AS application_id, a.applied_on, a.source, a.stage AS current_stage,"
        " e.stage, e.on_date FROM applications a LEFT JOIN events e ON e.application_id = a.id"
        " WHERE a.applied_on BETWEEN :start AND :end ORDER BY a.id, e.on_date, e.id",
        {"start": start.isoformat(), "end": end.isoformat()}))
    sent_thanks = store.frame(
        "SELECT application_id, min(sent_on) AS sent_on FROM drafts"
        " WHERE kind = 'rejection_thanks' AND status = 'sent'"
        " AND application_id IS NOT NULL GROUP BY application_id")
    others = {"feedback": store.progress.feedback_counts(),
              "actions": store.progress.actions_done_by_day(),
              "checkins": store.progress.checkin_scores()}
    before_day = end - timedelta(days=DELTA_DAYS)
    apps = prepare(raw, end, settings.ghost_after_days)
    earlier = prepare(raw, before_day, settings.ghost_after_days)
    table = outcome_table(apps)
    nodes, bands = metrics.flow(table)
    outcomes = metrics.outcomes_by_stage(table)
    # Answered: all but those still open at applied, counted here from the outcome table
    # (the app's first screen counts them without it; the tests hold the two equal).
    answered = len(apps) - int(outcomes.loc[outcomes["order"] == 0, "Still open"].sum())
    return Dashboard(
        start=start, end=end, applications_in_range=len(apps), answered=answered,
        now=headline(apps, end, start, sent_thanks, others),
        before=headline(earlier, before_day, start, sent_thanks, others),
        weekly_goal=settings.weekly_goal, ghost_after_days=settings.ghost_after_days,
        weekly=weekly(apps, start, end), cumulative=cumulative(apps, start, end),
        funnel=funnel(apps), outcomes=outcomes,
        response_times=response_time_bins(apps), sources=by_source(apps),
        flow_nodes=nodes, flow_bands=bands,
    )
