"""Progress metrics: small, aggregated frames for the home page. No Streamlit here.

Everything starts from grouped counts (`store.progress.counts`): applications per applied
date, first replies/interviews/offers/rejections per date, response times per number of days,
furthest stage × current stage, ghosted counts and sources. Those come from covering indexes
over milestone columns that triggers keep on each application (decision 14), so a cold page
reads rows per day, never per application, and stays fast at 100,000 applications. They are
reduced here to frames with one row per week, per stage, per bin, per source or per flow
band, which is what the charts draw. `tests/reference_metrics.py` defines the same numbers the
obvious way (every event, folded in pandas) and the tests hold the two to the same Dashboard.

Definitions (docs/ARCHITECTURE.md and the README use the same words):
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

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from nextround import clock

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
FUNNEL_STEPS = ["Applied", "Responded", "Interviewed", "Offer"]
# One meaning per word, everywhere the app says it (funnel, cumulative lines, flow, headline
# numbers, the weekly review), each with its one-line help.
TERMS = {
    "Applied": "Applications you sent.",
    "Responded": "Any reply from the employer: a screen, an interview, an offer or a no.",
    "Interviewed": "Reached a screening call or a later interview.",
    "Offer": "Reached an offer, whether or not you accepted it.",
    "Response rate": "Applications that got any reply from the employer ÷ applications.",
    "Interview rate": "Applications that reached a screening call or later ÷ applications.",
    "Offer rate": "Offers ÷ applications that were interviewed (screening or later).",
    "Always-respond rate": "Rejections you answered with a sent thank-you ÷ rejections.",
    "Feedback rate": "Feedback requests that got feedback back ÷ feedback requests sent.",
    "Days to first reply": "Median days from applying to the employer's first reply.",
    "Sent this week": "Applications you sent this week (Monday to Sunday), against your "
                      "weekly goal. Change the goal on the Your data page.",
    "Ghosted": "Applications marked ghosted, or with no reply after the number of days set "
               "on the Your data page.",
    "Actions done": "Game-plan actions you marked done.",
    "Wellbeing": "Your WHO-5 wellbeing score from your weekly check-in (0–100%), for you "
                 "alone.",
}
# Time to first response, in days: (label, lowest day, highest day).
RESPONSE_BINS = [("Same day", 0, 0), ("1–3 days", 1, 3), ("4–7 days", 4, 7),
                 ("1–2 weeks", 8, 14), ("2–4 weeks", 15, 30), ("1–2 months", 31, 60),
                 ("Over 2 months", 61, 10**6)]

def _dates(values: pd.Series) -> pd.Series:
    return pd.to_datetime(values, format="%Y-%m-%d", errors="coerce")


# --- headline numbers --------------------------------------------------------------------------

def _rate(part: int, whole: int) -> float | None:
    return part / whole if whole else None


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


def feedback_numbers(feedback: pd.DataFrame, start: date | None,
                     as_of: date) -> tuple[int, int, float | None]:
    """(requested, received, median days to a reply) for requests asked in [start, as_of].

    `feedback` is `store.progress.feedback_counts()`: asked_on, received_on, status, n (grouped).
    """
    if feedback.empty:
        return 0, 0, None
    asked = _dates(feedback["asked_on"]).to_numpy(dtype="datetime64[D]")
    received_on = _dates(feedback["received_on"]).to_numpy(dtype="datetime64[D]")
    # Feedback received means status "received": a polite "we don't give feedback" (declined)
    # may carry a reply date, but it is not feedback.
    got = (feedback["status"] == "received").to_numpy()
    received_on = np.where(np.isnat(received_on),
                           np.where(got, asked, np.datetime64("NaT", "D")), received_on)
    cutoff = np.datetime64(as_of, "D")
    mask = asked <= cutoff
    if start is not None:
        mask &= asked >= np.datetime64(start, "D")
    n = pd.to_numeric(feedback["n"]).to_numpy(dtype="int64")
    requested = int(n[mask].sum())
    done = mask & got & (received_on <= cutoff)
    received = int(n[done].sum())
    days = (received_on[done] - asked[done]).astype("int64")
    weighted = np.repeat(days, n[done])
    median = float(np.median(weighted)) if received else None
    return requested, received, median


def actions_done(actions: pd.DataFrame, start: date | None, as_of: date) -> int:
    """Game-plan actions completed in [start, as_of]. `actions` is done_on, n (grouped)."""
    if actions.empty:
        return 0
    done = _dates(actions["done_on"]).to_numpy(dtype="datetime64[D]")
    mask = done <= np.datetime64(as_of, "D")
    if start is not None:
        mask &= done >= np.datetime64(start, "D")
    return int(pd.to_numeric(actions["n"]).to_numpy(dtype="int64")[mask].sum())


def checkin_numbers(checkins: pd.DataFrame, as_of: date) -> tuple[int | None, str | None, int]:
    """(last WHO-5 % = raw × 4, its ISO week, streak of consecutive weeks) as of a day.

    The streak counts back from this week, or from last week if this week isn't done yet, so a
    check-in that is merely not due yet doesn't break it. One row per week: no per-row cost.
    """
    if checkins.empty:
        return None, None, 0
    this_week = as_of - timedelta(days=as_of.weekday())
    valid = [(start, week, raw)
             for week, raw in zip(checkins["week"].tolist(), checkins["who5_raw"].tolist(),
                                  strict=True)
             if (start := clock.iso_week_monday(week)) is not None and start <= this_week]
    if not valid:
        return None, None, 0
    _, last_week, last_raw = max(valid, key=lambda row: row[0])
    ordinals = {start.toordinal() for start, _, _ in valid}
    cursor = this_week.toordinal() if this_week.toordinal() in ordinals else (
        this_week.toordinal() - 7)
    streak = 0
    while cursor in ordinals:
        streak += 1
        cursor -= 7
    return int(last_raw) * 4, str(last_week), streak


@dataclass(frozen=True)
class Dated:
    """Grouped rows by day, as arrays: `days` (datetime64[D], NaT where none), `n`, and
    `early` (those counted as of the earlier measuring day; zeros where not read)."""

    days: np.ndarray
    n: np.ndarray
    early: np.ndarray

    @classmethod
    def of(cls, frame: pd.DataFrame) -> Dated:
        def whole(column: str) -> np.ndarray:
            if column not in frame.columns:
                return np.zeros(len(frame), dtype="int64")
            return pd.to_numeric(frame[column]).fillna(0).to_numpy(dtype="int64")

        days = (_dates(frame["day"]).to_numpy(dtype="datetime64[D]") if len(frame)
                else np.array([], dtype="datetime64[D]"))
        return cls(days=days, n=whole("n"), early=whole("early"))

    def where(self, keep: np.ndarray) -> Dated:
        return Dated(days=self.days[keep], n=self.n[keep], early=self.early[keep])

    def total(self, as_of: date, since: date | None = None, *, early: bool = False) -> int:
        """`n` (or `early`) summed over the days up to `as_of` (and from `since`)."""
        keep = self.days <= np.datetime64(as_of, "D")
        if since is not None:
            keep &= self.days >= np.datetime64(since, "D")
        return int((self.early if early else self.n)[keep].sum())


MILESTONES = ("reply", "interview", "offer", "rejection", "answered")


class Counts:
    """`store.progress.counts`, with the day columns parsed once: grouped rows, never one
    row per application. The rows by day are kept as arrays (`Dated`), as the headline
    numbers sum them a dozen times each."""

    def __init__(self, frames: Mapping[str, pd.DataFrame]) -> None:
        self.applied = Dated.of(frames["applied"])
        milestones = frames["milestones"]
        every = Dated.of(milestones)
        kinds = milestones["kind"].to_numpy() if len(milestones) else np.array([])
        self.milestones = {kind: every.where(kinds == kind) for kind in MILESTONES}
        self.response_days = frames["response_days"]
        self.levels = frames["levels"].fillna(0)
        self.waiting = frames["waiting"].fillna(0)
        self.sources = frames["sources"]

    def applications(self, as_of: date, since: date | None = None) -> int:
        """Applications applied by `as_of` (and on or after `since`)."""
        return self.applied.total(as_of, since)

    def reached(self, kind: str, as_of: date, *, early: bool) -> int:
        """Applications whose milestone `kind` happened by `as_of`; `early` keeps only those
        applied by the earlier measuring day (the cohort as it stood then)."""
        return self.milestones[kind].total(as_of, early=early)

    def median_days_to_reply(self, *, early: bool) -> float | None:
        """The median days to a first reply, as of the end (or the earlier day)."""
        rows = self.response_days
        if not len(rows):
            return None
        days = pd.to_numeric(rows["days"]).to_numpy(dtype="int64")
        n = pd.to_numeric(rows["early" if early else "n"]).fillna(0).to_numpy(dtype="int64")
        values = np.repeat(days, n)
        return float(np.median(values)) if len(values) else None

    def days_to_reply(self, *, early: bool) -> pd.DataFrame:
        """days, n: how long first replies took, as of the end (or the earlier day)."""
        rows = self.response_days
        return pd.DataFrame({"days": rows["days"], "n": rows["early" if early else "n"]})

    def ghosted(self, *, early: bool) -> int:
        """Marked ghosted, or still at applied with no reply past the threshold."""
        levels = self.levels
        marked = (levels["stage"] == "ghosted").to_numpy()
        counted = pd.to_numeric(levels["early" if early else "n"]).to_numpy()
        return int(counted[marked].sum() + self.waiting["before" if early else "now"].sum())


def headline(counts: Counts, as_of: date, *, early: bool, start: date | None = None,
             feedback: pd.DataFrame | None = None, actions: pd.DataFrame | None = None,
             checkins: pd.DataFrame | None = None) -> Headline:
    """Every headline number as of `as_of`: the end of the range, or (`early`) four weeks
    before it, for the applications applied in the range by then."""
    n = counts.applications(as_of)
    responded = counts.reached("reply", as_of, early=early)
    interviewed = counts.reached("interview", as_of, early=early)
    offers = counts.reached("offer", as_of, early=early)
    rejections = counts.reached("rejection", as_of, early=early)
    answered = counts.reached("answered", as_of, early=early)
    requested, received, feedback_days = feedback_numbers(_or_empty(feedback), start, as_of)
    pct, week, streak = checkin_numbers(_or_empty(checkins), as_of)
    return Headline(
        applications=n,
        this_week=counts.applications(as_of, since=as_of - timedelta(days=as_of.weekday())),
        responded=responded, response_rate=_rate(responded, n),
        interviewed=interviewed, interview_rate=_rate(interviewed, n),
        offers=offers, offer_rate=_rate(offers, interviewed),
        median_days_to_response=counts.median_days_to_reply(early=early),
        ghosted=counts.ghosted(early=early),
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


def _count_by_week(rows: Dated, weeks: pd.DatetimeIndex) -> np.ndarray:
    """Sum `n` per ISO week of `day`, for every week of the range (0 where none; rows outside
    it, or without a day, count nowhere)."""
    if not len(rows.days) or not len(weeks):
        return np.zeros(len(weeks), dtype="int64")
    first = np.datetime64(weeks[0].date(), "D")
    known = ~np.isnat(rows.days)
    index = (rows.days[known] - first).astype("int64") // 7
    inside = (index >= 0) & (index < len(weeks))
    return np.bincount(index[inside], weights=rows.n[known][inside],
                       minlength=len(weeks)).astype("int64")


def weekly(counts: Counts, start: date, end: date) -> pd.DataFrame:
    """One row per ISO week: applications sent and first responses received that week."""
    weeks = _weeks(start, end)
    frame = pd.DataFrame({
        "week": weeks,
        "week_end": weeks + pd.Timedelta(days=6),
        "applications": _count_by_week(counts.applied, weeks),
        "responses": _count_by_week(counts.milestones["reply"], weeks),
    })
    frame["label"] = week_labels(weeks)
    return frame


def week_labels(weeks: pd.DatetimeIndex) -> list[str]:
    """How each week is named on a chart's axis: its Monday, "30 Nov", with the year too
    ("30 Nov 2026") when the weeks span two calendar years. Mondays of one calendar year never
    share a day and month, so the labels are unique, and a chart never labels two weeks alike."""
    with_year = len(weeks) and weeks[0].year != weeks[-1].year
    return [day_label(d.date(), with_year=bool(with_year)) for d in weeks]


def day_label(day: date, *, with_year: bool = False) -> str:
    """A day as users read it: "30 Nov", or "30 Nov 2026"."""
    return f"{day.day} {day:%b}" + (f" {day.year}" if with_year else "")


def cumulative(counts: Counts, start: date, end: date,
               weekly_frame: pd.DataFrame | None = None) -> pd.DataFrame:
    """One row per week (with its axis `label`): running totals of the glossary's Applied,
    Responded, Interviewed and Offer (`TERMS`). `weekly_frame`: `weekly` for the same range,
    whose per-week applications and replies are then summed rather than counted again."""
    if weekly_frame is not None:
        frame = weekly_frame[["week", "label"]].copy()
        per_week = {"Applied": weekly_frame["applications"].to_numpy(),
                    "Responded": weekly_frame["responses"].to_numpy()}
    else:
        weeks = _weeks(start, end)
        frame = pd.DataFrame({"week": weeks, "label": week_labels(weeks)})
        per_week = {"Applied": _count_by_week(counts.applied, weeks),
                    "Responded": _count_by_week(counts.milestones["reply"], weeks)}
    weeks = pd.DatetimeIndex(frame["week"])
    per_week["Interviewed"] = _count_by_week(counts.milestones["interview"], weeks)
    per_week["Offer"] = _count_by_week(counts.milestones["offer"], weeks)
    for column, values in per_week.items():
        frame[column] = np.asarray(values, dtype="int64").cumsum()
    return frame


def funnel(now: Headline) -> pd.DataFrame:
    """Applied → got a response → interviewed → offer, with the conversion from each step to
    the next (`pct_of_previous`) and from the start (`pct_of_applied`)."""
    counts = [now.applications, now.responded, now.interviewed, now.offers]
    previous = [counts[0], *counts[:-1]]
    frame = pd.DataFrame({"step": FUNNEL_STEPS, "order": range(4), "count": counts})
    frame["pct_of_previous"] = [c / p if p else 0.0 for c, p in zip(counts, previous, strict=True)]
    frame["pct_of_applied"] = [c / counts[0] if counts[0] else 0.0 for c in counts]
    frame["label"] = [f"{c:,}" if i == 0 else f"{c:,} · {r:.0%} of previous"
                      for i, (c, r) in enumerate(zip(counts, frame["pct_of_previous"],
                                                     strict=True))]
    return frame


_ENDED = {"accepted": "Accepted", "rejected": "Rejected", "ghosted": "Ghosted",
          "withdrawn": "Withdrew"}


def outcome_table(counts: Counts) -> pd.DataFrame:
    """Applications per furthest stage reached (rows 0-3) × where they ended up (`OUTCOMES`),
    as of the end of the range: from the current stage, with applications still at
    "applied" but past the ghosting threshold counted as ghosted."""
    table = np.zeros((4, len(OUTCOMES)), dtype="int64")
    column = {name: i for i, name in enumerate(OUTCOMES)}
    levels = counts.levels
    for level, stage, n in zip(levels["level"].tolist(), levels["stage"].tolist(),
                               levels["n"].tolist(), strict=True):
        table[int(level), column[_ENDED.get(stage, "Still open")]] += int(n)
    waiting = counts.waiting
    for level, now in zip(waiting["level"].tolist(), waiting["now"].tolist(), strict=True):
        table[int(level), column["Still open"]] -= int(now)
        table[int(level), column["Ghosted"]] += int(now)
    return pd.DataFrame(table, index=range(4), columns=OUTCOMES)


def still_open_at_applied(counts: Counts) -> int:
    """Applications still open that never got past applied (the outcome table's top-left
    cell), without building the table."""
    levels, waiting = counts.levels, counts.waiting
    open_rows = ((levels["level"] == 0) & ~levels["stage"].isin(list(_ENDED))).to_numpy()
    waiting_rows = (waiting["level"] == 0).to_numpy()
    return int(pd.to_numeric(levels["n"]).to_numpy()[open_rows].sum()) - int(
        pd.to_numeric(waiting["now"]).to_numpy()[waiting_rows].sum())


def outcomes_by_stage(table: pd.DataFrame) -> pd.DataFrame:
    """One row per furthest stage reached, with how many of those ended in each outcome."""
    frame = table.astype("int64").reset_index(drop=True)
    frame.insert(0, "stage", list(LEVEL_NAMES))
    frame.insert(1, "order", range(4))
    frame["total"] = frame[OUTCOMES].sum(axis=1)
    return frame


def response_time_bins(days: pd.DataFrame) -> pd.DataFrame:
    """How long first replies took: one row per bin, with count and share of replies.
    `days` has days and n (replies that took that many days)."""
    values, weights = days["days"].to_numpy(dtype="int64"), days["n"].to_numpy(dtype="int64")
    counts = np.array([int(weights[(values >= low) & (values <= high)].sum())
                       for _, low, high in RESPONSE_BINS], dtype="int64")
    total = int(counts.sum())
    return pd.DataFrame({"bin": [label for label, _, _ in RESPONSE_BINS],
                         "order": range(len(RESPONSE_BINS)), "count": counts,
                         "share": counts / total if total else 0.0})


def by_source(sources: pd.DataFrame, top: int = TOP_SOURCES) -> pd.DataFrame:
    """Response rate for the `top` sources with the most applications. `sources` has
    source, applications, responses (grouped by the source as typed)."""
    if not len(sources):
        return pd.DataFrame({"rank": [], "source": [], "applications": [], "responses": [],
                             "rate": [], "label": []})
    name = sources["source"].fillna("").astype(str).str.strip().replace("", NO_SOURCE)
    grouped = sources.assign(source=name).groupby("source")[
        ["applications", "responses"]].sum().astype("int64")
    grouped = grouped.sort_values(["applications", "responses"], ascending=False).head(top)
    frame = grouped.reset_index()
    frame.insert(0, "rank", range(len(frame)))
    frame["rate"] = frame["responses"] / frame["applications"]
    frame["label"] = [f"{r:.0%} of {a:,}" for r, a in zip(frame["rate"], frame["applications"],
                                                          strict=True)]
    return frame


# --- the flow (Sankey-style) ---------------------------------------------------------------------

NODE_WIDTH = 0.06
GAP_SHARE = 0.06


def flow(table: pd.DataFrame) -> tuple[pd.DataFrame, pd.DataFrame]:
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
    total = int(table.to_numpy().sum())
    if not total:
        return pd.DataFrame(columns=node_cols), pd.DataFrame(columns=band_cols)
    gap = max(total * GAP_SHARE, 0.5)
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
class Inputs:
    """What the page's numbers and charts are computed from, for one range: the grouped
    counts (`store.progress.counts`), the settings they use and the small grouped frames of
    feedback, actions and check-ins. Read once (`read`); `board` and `details` compute from it."""

    start: date
    end: date
    counts: Counts = field(repr=False)
    weekly_goal: int = 5
    ghost_after_days: int = 30
    feedback: pd.DataFrame | None = field(default=None, repr=False)
    actions: pd.DataFrame | None = field(default=None, repr=False)
    checkins: pd.DataFrame | None = field(default=None, repr=False)


@dataclass(frozen=True)
class Board:
    """The page's first screen: the numbers, and the frames of the charts shown first (the
    weekly and cumulative charts). `answered`: applications with an answer (a reply, or an
    ending, ghosted too), which `chart_thresholds` needs before the outcomes are drawn."""

    start: date
    end: date
    applications_in_range: int
    now: Headline
    before: Headline
    weekly_goal: int
    ghost_after_days: int
    answered: int
    weekly: pd.DataFrame = field(repr=False)
    cumulative: pd.DataFrame = field(repr=False)


@dataclass(frozen=True)
class Details:
    """The frames of the charts in the later tabs, computed only when one of them is shown."""

    funnel: pd.DataFrame = field(repr=False)
    outcomes: pd.DataFrame = field(repr=False)
    response_times: pd.DataFrame = field(repr=False)
    sources: pd.DataFrame = field(repr=False)
    flow_nodes: pd.DataFrame = field(repr=False)
    flow_bands: pd.DataFrame = field(repr=False)


@dataclass(frozen=True)
class Dashboard(Details, Board):
    """Everything the progress page draws, all of it aggregated: the first screen and the
    later tabs in one, for the weekly review and the tests, which read it whole (the page
    computes the two parts apart, each when it is shown)."""


def board(inputs: Inputs) -> Board:
    """The first screen's numbers and frames, measured as of `end`, with the deltas against
    `end` − 4 weeks."""
    counts, start, end = inputs.counts, inputs.start, inputs.end
    extra = {"start": start, "feedback": inputs.feedback, "actions": inputs.actions,
             "checkins": inputs.checkins}
    now = headline(counts, end, early=False, **extra)
    weekly_frame = weekly(counts, start, end)
    return Board(
        start=start, end=end, applications_in_range=now.applications, now=now,
        before=headline(counts, end - timedelta(days=DELTA_DAYS), early=True, **extra),
        weekly_goal=inputs.weekly_goal, ghost_after_days=inputs.ghost_after_days,
        answered=now.applications - still_open_at_applied(counts), weekly=weekly_frame,
        cumulative=cumulative(counts, start, end, weekly_frame))


def details(inputs: Inputs, first: Board) -> Details:
    """The later tabs' frames (funnel, outcomes, flow, reply times, sources)."""
    counts = inputs.counts
    table = outcome_table(counts)
    nodes, bands = flow(table)
    return Details(funnel=funnel(first.now), outcomes=outcomes_by_stage(table),
                   response_times=response_time_bins(counts.days_to_reply(early=False)),
                   sources=by_source(counts.sources), flow_nodes=nodes, flow_bands=bands)


def build(counts: Counts, start: date, end: date, *, weekly_goal: int = 5,
          ghost_after_days: int = 30, feedback: pd.DataFrame | None = None,
          actions: pd.DataFrame | None = None,
          checkins: pd.DataFrame | None = None) -> Dashboard:
    """All of the page's numbers and chart frames for applications applied in [start, end],
    measured as of `end`, with the deltas against `end` − 4 weeks. `counts` must have been
    read for the same range and days (`store.progress.counts`)."""
    inputs = Inputs(start=start, end=end, counts=counts, weekly_goal=weekly_goal,
                    ghost_after_days=ghost_after_days, feedback=feedback, actions=actions,
                    checkins=checkins)
    first = board(inputs)
    rest = details(inputs, first)
    return Dashboard(**vars(first), **vars(rest))


def read(store: Store, start: date | str, end: date | str) -> Inputs:
    """Everything the page computes from, read from the store for [start, end] (dates or
    ISO strings, so a cache key stays hashable): grouped rows only, so it caches small."""
    start_day = date.fromisoformat(str(start))
    end_day = date.fromisoformat(str(end))
    settings = store.settings.get()
    counts = Counts(store.progress.counts(start_day, end_day,
                                          end_day - timedelta(days=DELTA_DAYS),
                                          settings.ghost_after_days))
    return Inputs(start=start_day, end=end_day, counts=counts,
                  weekly_goal=settings.weekly_goal, ghost_after_days=settings.ghost_after_days,
                  feedback=store.progress.feedback_counts(),
                  actions=store.progress.actions_done_by_day(),
                  checkins=store.progress.checkin_scores())


def dashboard(store: Store, start: date | str, end: date | str) -> Dashboard:
    """`build` from the store, in one call (the weekly review; the page reads and computes
    in parts: `read`, `board`, `details`)."""
    inputs = read(store, start, end)
    return build(inputs.counts, inputs.start, inputs.end, weekly_goal=inputs.weekly_goal,
                 ghost_after_days=inputs.ghost_after_days, feedback=inputs.feedback,
                 actions=inputs.actions, checkins=inputs.checkins)
