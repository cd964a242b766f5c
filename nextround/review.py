"""The weekly review: one ISO week as a Markdown file to keep, or to share with a mentor.

User text is escaped, so a company called `[x](http://…)` stays text in any Markdown viewer.
The charts come as PNGs rendered offline by vl-convert, next to the Markdown.

Wellbeing (the check-in and its chart) is left out unless the user asks for it: a review is
often shared, and how someone has been feeling is theirs to share. When it is in, the line
under the title says so.
"""

from __future__ import annotations

import io
import json
import zipfile
from dataclasses import dataclass
from datetime import date
from typing import Any

import pandas as pd

from nextround import agenda
from nextround.records import CheckinRecord
from nextround.text import escape_markdown

KIND_LABELS = {
    "rejection_thanks": "thank-you after a no",
    "feedback_request": "feedback request",
    "feedback_follow_up": "feedback follow-up",
    "stay_in_touch": "stay-in-touch note",
}


@dataclass(frozen=True)
class Review:
    week: agenda.Week
    markdown: str
    charts: dict[str, bytes]

    def file_stem(self) -> str:
        return f"next-round-{self.week.key}"

    def zip_bytes(self) -> bytes:
        """The Markdown and its chart PNGs in one download."""
        buffer = io.BytesIO()
        with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
            archive.writestr(f"{self.file_stem()}.md", self.markdown)
            for name, png in self.charts.items():
                archive.writestr(f"{self.file_stem()}-{name}.png", png)
        return buffer.getvalue()


def _e(value: Any) -> str:
    return escape_markdown("" if value is None or (isinstance(value, float) and pd.isna(value))
                           else value)


def _who(company: Any, role: Any) -> str:
    company_text, role_text = _e(company), _e(role)
    return f"{role_text} at {company_text}" if role_text and company_text else (
        company_text or role_text or "an untracked role")


def _list(lines: list[str], empty: str) -> list[str]:
    return [f"- {line}" for line in lines] if lines else [empty]


def _lessons(raw: Any) -> list[str]:
    try:
        answers = json.loads(raw) if isinstance(raw, str) else dict(raw or {})
    except (TypeError, ValueError):
        return []
    lessons = [str(x) for x in answers.get("do_differently") or [] if str(x).strip()]
    kept = str(answers.get("went_well") or "").strip()
    out = [f"Keep: {_e(kept)}"] if kept else []
    return out + [f"Next time: {_e(item)}" for item in lessons]


WELLBEING_INCLUDED = ("> This review includes my wellbeing check-in: how I've been feeling, "
                      "my stress and my win of the week.")


def render(week: agenda.Week, activity: dict[str, int], lists: dict[str, pd.DataFrame],
           checkin: CheckinRecord | None, chart_names: list[str] | None = None, *,
           with_wellbeing: bool = False) -> str:
    """The Markdown text. Pure: everything it needs is passed in. Without `with_wellbeing`
    the check-in is not mentioned at all (not even whether there was one)."""
    if not with_wellbeing:
        checkin = None
    apps, replies = lists["applications"], lists["replies"]
    changes, feedback = lists["stage_changes"], lists["feedback"]
    reflections = lists["reflections"]
    done, planned = lists["actions_done"], lists["actions_planned"]
    quiet = not any(activity.values()) and checkin is None and changes.empty
    lines = [f"# My week: {week.key}",
             "",
             f"{week.start:%A %d %B %Y} to {week.end:%A %d %B %Y}",
             ""]
    if with_wellbeing:
        lines += [WELLBEING_INCLUDED, ""]
    if quiet:
        lines += ["A quiet week, and that's allowed. Rest is part of a long search. "
                  "Next week is a fresh page.", ""]
    lines += ["## In numbers", "",
              f"- Applications sent: {activity.get('applications', 0)}",
              f"- Replies and notes sent: {activity.get('replies_sent', 0)}",
              f"- Feedback received: {activity.get('feedback_received', 0)}",
              f"- Reflections written: {activity.get('reflections_done', 0)}",
              f"- Game-plan steps done: {activity.get('actions_done', 0)}",
              ""]
    lines += ["## Applications", ""] + _list(
        [f"{_who(r.company, r.role)} ({r.applied_on})" for r in apps.itertuples()],
        "No new applications this week.") + [""]
    lines += ["## Replies from employers", ""] + _list(
        [f"{_who(r.company, r.role)}: {_e(r.stage)} ({r.on_date})" for r in changes.itertuples()],
        "No news from employers this week.") + [""]
    lines += ["## Notes I sent", ""] + _list(
        [f"A {KIND_LABELS.get(r.kind, _e(r.kind))} to {_who(r.company, r.role)} ({r.sent_on})"
         for r in replies.itertuples()],
        "No notes sent this week.") + [""]
    feedback_lines = []
    for r in feedback.itertuples():
        themes = ", ".join(_e(t) for t in _json_list(r.themes))
        text_ = _e(r.feedback_text) or "(no text recorded)"
        feedback_lines.append(f"From {_e(r.company) or 'an employer'} ({r.received_on}): "
                              f"{text_}" + (f" [themes: {themes}]" if themes else ""))
    lines += ["## Feedback received", ""] + _list(feedback_lines,
                                                  "No feedback arrived this week.") + [""]
    lines += ["## Reflections and lessons", ""]
    if reflections.empty:
        lines += ["No reflections this week.", ""]
    for r in reflections.itertuples():
        lines.append(f"### {_e(r.company) or 'A general reflection'} ({r.completed_on})")
        lines.append("")
        lines += _list(_lessons(r.answers), "No lessons written down.")
        lines.append("")
    lines += ["## Game plan", "", "Done:"] + _list(
        [f"{_e(r.title)} ({r.done_on})" for r in done.itertuples()], "- Nothing ticked off yet.")
    lines += ["", "Planned:"] + _list(
        [f"{_e(r.title)}" + (f" (due {r.due_on})" if r.due_on else "")
         for r in planned.itertuples()], "- Nothing planned yet.") + [""]
    if with_wellbeing:
        lines += ["## How I was doing", ""]
        if checkin:
            lines.append(f"- Wellbeing (WHO-5): {int(checkin.who5_raw) * 4}%")
            if checkin.stress is not None:
                lines.append(f"- Stress: {int(checkin.stress)} of 10")
            win = checkin.win.strip()
            lines.append(f"- Win of the week: {_e(win)}" if win
                         else "- Win of the week: not noted")
        else:
            lines.append("No check-in this week.")
        lines.append("")
    if chart_names:
        lines += ["## Charts", ""]
        lines += [f"![{name}](next-round-{week.key}-{name}.png)" for name in chart_names]
        lines.append("")
    return "\n".join(lines)


def _json_list(raw: Any) -> list[str]:
    try:
        value = json.loads(raw) if isinstance(raw, str) else list(raw or [])
    except (TypeError, ValueError):
        return []
    return [str(v) for v in value] if isinstance(value, list) else []


def chart_pngs(store: Any, week: agenda.Week, *,
               with_wellbeing: bool = False) -> dict[str, bytes]:
    """PNGs of the key charts for the twelve weeks up to this one, rendered offline (the
    wellbeing trend only `with_wellbeing`)."""
    import vl_convert

    from nextround import charts, metrics, wellbeing

    start = date.fromordinal(week.start.toordinal() - 7 * 11)
    board = metrics.dashboard(store, start, week.end)
    pngs: dict[str, bytes] = {}
    # The app sizes charts to the page; a PNG needs a fixed width.
    weekly_chart = charts.weekly_activity(board.weekly, board.weekly_goal).properties(
        width=720, height=300)
    pngs["applications-per-week"] = vl_convert.vegalite_to_png(weekly_chart.to_json(), scale=2)
    checkins = store.checkins.history() if with_wellbeing else pd.DataFrame()
    if not checkins.empty:
        trend = wellbeing.recent_trend(store, week.end, checkins=checkins)
        if not trend.empty:
            chart = charts.wellbeing_review(trend)
            pngs["wellbeing"] = vl_convert.vegalite_to_png(chart.to_json(), scale=2)
    return pngs


def weekly_review(store: Any, week_key: str, *, with_charts: bool = True,
                  with_wellbeing: bool = False) -> Review:
    """The review of one ISO week, read from the store; its wellbeing only `with_wellbeing`."""
    week = agenda.parse_week(week_key)
    activity = store.progress.week_activity(week.start, week.end)
    lists = store.progress.week_lists(week.start, week.end)
    checkin = store.checkins.for_week(week.key) if with_wellbeing else None
    charts_png = (chart_pngs(store, week, with_wellbeing=with_wellbeing) if with_charts
                  else {})
    markdown = render(week, activity, lists, checkin, list(charts_png),
                      with_wellbeing=with_wellbeing)
    return Review(week=week, markdown=markdown, charts=charts_png)
