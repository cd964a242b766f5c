"""Feedback requests: their states, follow-up rules, validation and what the replies say.

Most feedback requests get no answer. The rules here keep that from turning into worry:
every open request has a follow-up date, two unanswered follow-ups lead to a gentle
suggestion to let it go ("no reply"), and the replies that do come are tagged with themes so
that patterns across applications become visible. The rules are pure functions; the page
calls them to decide what to show, and the few functions at the end that record a change
(`add_request`, `change_status`, `record_reply`, ...) apply them and then write through the
store in one transaction. The store itself decides nothing.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import date, timedelta
from enum import StrEnum

import pandas as pd

from nextround.drafting import DraftContext, check_email, stage_from_history
from nextround.models import (
    DEFAULT_FOLLOW_UP_DAYS,
    SETTING_FLAGS,
    ValidationError,
    check_date,
    clean_multi_line,
    clean_single_line,
    parse_date,
)
from nextround.records import DueFollowUp
from nextround.reflection import clean_action
from nextround.store import MAX_COUNT, NotFoundError, Store
from nextround.text import plural

FEEDBACK_TEXT_MAX = 10_000
THEME_MAX_LEN = 60
THEMES_MAX = 30
THEMES_PER_REPLY_MAX = 12
# Two follow-ups without an answer: time to suggest closing the request as "no reply".
FOLLOW_UPS_BEFORE_LETTING_GO = 2
THEMES_SETTING = "feedback_themes"
GAME_PLAN_DAYS = 14

DEFAULT_THEMES: tuple[str, ...] = (
    "experience level",
    "skills gap",
    "technical depth",
    "communication",
    "preparation",
    "culture or team fit",
    "stronger candidates",
    "role changed or closed",
)


class Status(StrEnum):
    AWAITING = "awaiting"
    FOLLOWED_UP = "followed_up"
    RECEIVED = "received"
    DECLINED = "declined"
    NO_REPLY = "no_reply"

    @property
    def label(self) -> str:
        return STATUS_LABELS[self]


class Channel(StrEnum):
    EMAIL = "email"
    CALL = "call"
    LINKEDIN = "linkedin"
    OTHER = "other"

    @property
    def label(self) -> str:
        return CHANNEL_LABELS[self]


STATUS_LABELS = {
    Status.AWAITING: "Awaiting reply",
    Status.FOLLOWED_UP: "Followed up",
    Status.RECEIVED: "Received",
    Status.DECLINED: "Declined",
    Status.NO_REPLY: "No reply",
}
CHANNEL_LABELS = {
    Channel.EMAIL: "Email",
    Channel.CALL: "Call",
    Channel.LINKEDIN: "LinkedIn",
    Channel.OTHER: "Other",
}
CHANNEL_PHRASES = {  # "Asked 2026-11-01 by email"
    Channel.EMAIL: "by email",
    Channel.CALL: "on a call",
    Channel.LINKEDIN: "on LinkedIn",
    Channel.OTHER: "",
}
OPEN = frozenset({Status.AWAITING, Status.FOLLOWED_UP})

# Which status changes are allowed. Decisions (tested in tests/unit/test_feedback.py):
# - an open request can be followed up (again), answered, declined or closed as no reply;
# - "no reply" and "declined" can be reopened (marked by mistake, or they got back in touch),
#   and a late reply can still arrive after "no reply";
# - "received" is final: a reply stays a reply. Its text and themes can still be edited
#   (recording the reply again), which is not a status change.
TRANSITIONS: dict[Status, frozenset[Status]] = {
    Status.AWAITING: frozenset({Status.FOLLOWED_UP, Status.RECEIVED, Status.DECLINED,
                                Status.NO_REPLY}),
    Status.FOLLOWED_UP: frozenset({Status.FOLLOWED_UP, Status.RECEIVED, Status.DECLINED,
                                   Status.NO_REPLY}),
    Status.RECEIVED: frozenset(),
    Status.DECLINED: frozenset({Status.AWAITING}),
    Status.NO_REPLY: frozenset({Status.AWAITING, Status.RECEIVED}),
}


def parse_status(value: object) -> Status:
    """A known status, or a ValidationError naming the allowed ones."""
    raw = "" if value is None else str(value).strip().lower().replace(" ", "_")
    try:
        return Status(raw)
    except ValueError:
        allowed = ", ".join(s.value for s in Status)
        raise ValidationError(
            {"status": f"Status must be one of: {allowed}."}) from None


def parse_channel(value: object) -> Channel:
    raw = "" if value is None else str(value).strip().lower()
    try:
        return Channel(raw)
    except ValueError:
        allowed = ", ".join(c.label for c in Channel)
        raise ValidationError({"channel": f"Channel must be one of: {allowed}."}) from None


def channel_phrase(value: object) -> str:
    """"by email", "on a call"... for a stored channel; "" for other or unknown values."""
    try:
        return CHANNEL_PHRASES[Channel(str(value))]
    except ValueError:
        return ""


def allowed_next(current: Status | str) -> list[Status]:
    """The statuses a request can move to, in a stable order for pickers."""
    state = parse_status(current)
    return [s for s in Status if s in TRANSITIONS[state]]


def check_transition(current: Status | str, new: Status | str) -> Status:
    """The new status if the move is allowed; otherwise a ValidationError that says why."""
    state, target = parse_status(current), parse_status(new)
    if target in TRANSITIONS[state]:
        return target
    if not TRANSITIONS[state]:
        message = (f"This request is already closed as “{state.label}”. "
                   "A reply stays a reply; you can still edit its text and themes.")
    else:
        options = ", ".join(f"“{s.label}”" for s in allowed_next(state))
        message = (f"A request that is “{state.label}” can't become “{target.label}”. "
                   f"It can become: {options}.")
    raise ValidationError({"status": message})


# --- follow-up dates ---------------------------------------------------------------------

def follow_up_due(start: date, days: int = DEFAULT_FOLLOW_UP_DAYS) -> date:
    """When to follow up: `days` calendar days after `start` (asking, or the last follow-up)."""
    if isinstance(days, bool) or not isinstance(days, int) or days < 1:
        raise ValueError("Follow-up days must be a whole number of at least 1.")
    return start + timedelta(days=days)


def days_until(due: date, today: date) -> int:
    return (due - today).days


def due_label(due: date, today: date) -> str:
    """A calm, human description of a follow-up date."""
    delta = days_until(due, today)
    if delta < 0:
        return f"Overdue by {plural(-delta, 'day')}"
    if delta == 0:
        return "Due today"
    if delta == 1:
        return "Due tomorrow"
    return f"Due in {delta} days"


def suggest_no_reply(status: Status | str, follow_ups: int, follow_up_due_on: date | None,
                     today: date) -> bool:
    """True after two unanswered follow-ups, once the last one has had its time to land.

    Suggesting it the moment the second follow-up is sent would be premature, so the
    suggestion waits until that follow-up's own due date has come.
    """
    if parse_status(status) not in OPEN or follow_ups < FOLLOW_UPS_BEFORE_LETTING_GO:
        return False
    return follow_up_due_on is None or follow_up_due_on <= today


# --- validation --------------------------------------------------------------------------

@dataclass(frozen=True)
class NewRequest:
    """A feedback request as typed. `validated()` returns clean values or a ValidationError."""

    asked_on: date | str | None
    channel: Channel | str = Channel.EMAIL
    asked_whom: str = ""
    follow_up_due: date | str | None = None

    def validated(self, today: date, follow_up_days: int = DEFAULT_FOLLOW_UP_DAYS,
                  applied_on: date | None = None) -> NewRequest:
        errors: dict[str, str] = {}
        asked = due = None
        channel: Channel | None = None
        whom = ""
        if self.asked_on in (None, ""):
            errors["asked_on"] = "Date asked is required."
        else:
            try:
                asked = check_date(self.asked_on, "Date asked", today)
            except ValueError as exc:
                errors["asked_on"] = str(exc)
        if asked is not None and applied_on is not None and asked < applied_on:
            errors["asked_on"] = f"Date asked can't be before you applied ({applied_on})."
        try:
            channel = parse_channel(self.channel)
        except ValidationError as exc:
            errors.update(exc.errors)
        try:
            whom = clean_single_line(self.asked_whom, "Who you asked")
        except ValueError as exc:
            errors["asked_whom"] = str(exc)
        if self.follow_up_due not in (None, ""):
            try:
                due = parse_date(self.follow_up_due, "Follow-up date")
            except ValueError as exc:
                errors["follow_up_due"] = str(exc)
            if due is not None and asked is not None and due < asked:
                errors["follow_up_due"] = ("Follow-up date can't be before the date you asked "
                                           f"({asked}).")
        elif asked is not None:
            due = follow_up_due(asked, follow_up_days)
        if errors:
            raise ValidationError(errors)
        return NewRequest(asked_on=asked, channel=channel, asked_whom=whom,  # type: ignore[arg-type]
                          follow_up_due=due)


@dataclass(frozen=True)
class Reply:
    """A reply as typed: when it came, what it said, and its themes."""

    received_on: date | str | None
    feedback_text: str = ""
    themes: tuple[str, ...] = ()

    def validated(self, asked_on: date, today: date) -> Reply:
        errors: dict[str, str] = {}
        received = None
        text = ""
        themes: tuple[str, ...] = ()
        if self.received_on in (None, ""):
            errors["received_on"] = "Date received is required."
        else:
            try:
                received = check_date(self.received_on, "Date received", today)
            except ValueError as exc:
                errors["received_on"] = str(exc)
        if received is not None and received < asked_on:
            errors["received_on"] = (f"Date received can't be before you asked ({asked_on}).")
        try:
            text = clean_multi_line(self.feedback_text, "The feedback", max_len=FEEDBACK_TEXT_MAX)
        except ValueError as exc:
            errors["feedback_text"] = str(exc)
        try:
            themes = tuple(clean_themes(self.themes, max_count=THEMES_PER_REPLY_MAX))
        except ValueError as exc:
            errors["themes"] = str(exc)
        if errors:
            raise ValidationError(errors)
        return Reply(received_on=received, feedback_text=text, themes=themes)


# --- themes ------------------------------------------------------------------------------

def clean_themes(values: Iterable[object], *, max_count: int = THEMES_MAX) -> list[str]:
    """Trimmed, one-line, de-duplicated (case-insensitively) themes, in the order given."""
    if isinstance(values, str):
        values = [values]
    seen: set[str] = set()
    out: list[str] = []
    for value in values:
        theme = clean_single_line(value, "A theme", max_len=THEME_MAX_LEN)
        theme = " ".join(theme.split())
        if not theme or theme.casefold() in seen:
            continue
        seen.add(theme.casefold())
        out.append(theme)
    if len(out) > max_count:
        raise ValueError(f"Keep it to {max_count} themes or fewer (there are {len(out)}).")
    return out


def parse_theme_list(text: str) -> list[str]:
    """The theme editor's text area: one theme per line. At least one theme is needed."""
    try:
        themes = clean_themes(line for line in str(text or "").splitlines())
    except ValueError as exc:
        raise ValidationError({"themes": str(exc)}) from None
    if not themes:
        raise ValidationError({"themes": "Keep at least one theme (one per line)."})
    return themes


def themes_from_settings(extra: dict[str, str]) -> list[str]:
    """The user's theme list from settings.extra, or the defaults when unset or unreadable."""
    raw = extra.get(THEMES_SETTING)
    if not raw:
        return list(DEFAULT_THEMES)
    try:
        loaded = json.loads(raw)
        themes = clean_themes(loaded if isinstance(loaded, list) else [])
    except (ValueError, TypeError, RecursionError):  # deeply nested JSON is unreadable too
        return list(DEFAULT_THEMES)
    return themes or list(DEFAULT_THEMES)


def check_settings_extra(extra: Mapping[str, object]) -> None:
    """What `settings.extra` may hold: the theme list, as the theme editor writes it (JSON
    text of a list that `parse_theme_list` keeps as it is), and the yes/no settings of
    `models.SETTING_FLAGS` (their values are `Settings.validated`'s to check). ValidationError
    names "extra" otherwise, so an import can't carry a list the editor would refuse."""
    for key, raw in extra.items():
        if key in SETTING_FLAGS:
            continue
        if key != THEMES_SETTING:
            raise ValidationError({"extra": f"{key!r} isn't a setting Next Round keeps."})
        try:
            loaded = json.loads(raw) if isinstance(raw, str) else None
        except (ValueError, RecursionError):
            loaded = None
        if not isinstance(loaded, list) or not all(isinstance(t, str) for t in loaded):
            raise ValidationError({"extra": "The feedback theme list must be JSON text of a "
                                            "list of themes."})
        try:
            same = parse_theme_list("\n".join(loaded)) == loaded
        except ValidationError as exc:
            raise ValidationError({"extra": f"Feedback themes: {exc.errors['themes']}"}) \
                from None
        if not same:
            raise ValidationError({"extra": "The feedback theme list isn't one the theme "
                                            "editor would save (different one-line themes, "
                                            "trimmed)."})


def themes_to_json(themes: Sequence[str]) -> str:
    return json.dumps(list(themes), ensure_ascii=False)


def load_themes(raw: object) -> list[str]:
    """The themes column (a JSON list) of one stored request, tolerant of bad data."""
    if isinstance(raw, list):
        items = raw
    else:
        try:
            items = json.loads(raw) if raw else []
        except (ValueError, TypeError):
            return []
    if not isinstance(items, list):
        return []
    return [str(t) for t in items if isinstance(t, str) and t.strip()]


_GAME_PLAN_TITLES = {
    "experience level": "Find one way to show more relevant experience (a project, volunteering "
                        "or a stretch task)",
    "skills gap": "Pick one skill from recent job ads and start learning it",
    "technical depth": "Choose one technical topic to go deeper on and practise explaining it",
    "communication": "Practise telling two of my stories out loud, with a clear result",
    "preparation": "Make a short preparation checklist for my next interview",
    "culture or team fit": "Write down what kind of team I work best in, and ask about it early",
    "stronger candidates": "Sharpen how I describe my strongest achievements",
    "role changed or closed": "Nothing to fix here: keep applying to similar roles",
}


def game_plan_title(theme: str) -> str:
    """A small, concrete default action for a theme (the user can edit it on the reflect page)."""
    known = _GAME_PLAN_TITLES.get(theme.strip().casefold())
    return known or f"Work on “{theme.strip()}”: choose one small step"


def game_plan_due(today: date) -> date:
    return today + timedelta(days=GAME_PLAN_DAYS)


# --- follow-up drafts --------------------------------------------------------------------

def follow_up_context(request: DueFollowUp, stages: Sequence[str], sender_name: str,
                      tone: str = "warm", notes: Sequence[str] | None = None) -> DraftContext:
    """What the feedback_follow_up draft is about. The greeting uses the application's contact
    name, else who was asked; a contact email that isn't a plain address is left out (the
    user can still copy the text) rather than stopping the draft."""
    contact_email = request.contact_email or None
    if contact_email:
        try:
            check_email(contact_email)
        except ValueError:
            contact_email = None
    name = (request.contact_name or request.asked_whom or "").strip()
    return DraftContext(
        sender_name=" ".join(str(sender_name or "").split()),
        company=" ".join((request.company or "").split()) or "the company",
        role=" ".join((request.role or "").split()),
        contact_name=" ".join(name.split()) or None,
        contact_email=contact_email,
        stage_reached=stage_from_history(list(stages), list(notes) if notes else None),
        ask_feedback=True,
        keep_in_touch=True, tone=tone)


# --- what the feedback says --------------------------------------------------------------
# The counting happens in SQL (`store.feedback.reply_counts`, `feedback_theme_totals`,
# `feedback_theme_counts`, `feedback_replies_for_theme`), so that the page reads grouped rows
# rather than every reply. What is left here is what the numbers mean and how they are shown.

CHART_THEMES = 8     # themes the chart names; the default list has 8, and 8 + "other" colours
CHART_MONTHS = 12    # the chart's window: this month and the 11 before it,
CHART_WEEKS = 26     # or this ISO week and the 25 before it
OTHER_THEMES = "Other themes"
FREQS = ("month", "week")


def chart_window(today: date, freq: str) -> tuple[date, date]:
    """(first day, last day) of the periods the theme chart shows: the last 12 months or the
    last 26 ISO weeks, the current one included. A fixed window keeps the chart's data bounded
    (periods × themes) however long the search has run, and keeps it about the recent past."""
    if freq == "month":
        first = _add_months(today.replace(day=1), 1 - CHART_MONTHS)
        last = _add_months(today.replace(day=1), 1) - timedelta(days=1)
        return first, last
    if freq == "week":
        monday = today - timedelta(days=today.weekday())
        return monday - timedelta(weeks=CHART_WEEKS - 1), monday + timedelta(days=6)
    raise ValueError("freq must be 'week' or 'month'")


def _add_months(first_of_month: date, months: int) -> date:
    year, month = divmod(first_of_month.year * 12 + first_of_month.month - 1 + months, 12)
    return date(year, month + 1, 1)


def other_label(themes: Iterable[str]) -> str:
    """The chart's name for "every theme not named": OTHER_THEMES, unless the user has a theme
    of that very name among the named ones (then the two must not merge into one colour)."""
    taken = {str(t).casefold() for t in themes}
    label = OTHER_THEMES
    while label.casefold() in taken:
        label += " (the rest)"
    return label


def theme_chart_counts(counts: pd.DataFrame) -> tuple[pd.DataFrame, str | None]:
    """`store.feedback.theme_counts` as `charts.feedback_themes` takes it, and the name given
    to the themes that aren't named (NULL there), or None when every theme is named.
    Columns: period (a Timestamp), theme, replies."""
    if counts.empty:
        return pd.DataFrame({"period": pd.Series(dtype="datetime64[ns]"),
                             "theme": pd.Series(dtype="object"),
                             "replies": pd.Series(dtype="int64")}), None
    rest = counts["theme"].isna()
    other = other_label(counts["theme"].dropna().unique()) if rest.any() else None
    return pd.DataFrame({
        "period": pd.to_datetime(counts["period"]).astype("datetime64[ns]"),
        "theme": counts["theme"].where(~rest, other).astype("object"),
        "replies": counts["replies"].astype("int64"),
    }), other


def window_words(freq: str) -> str:
    """The chart's window in words: "12 months" or "26 weeks"."""
    return f"{CHART_MONTHS} months" if freq == "month" else f"{CHART_WEEKS} weeks"


def chart_caption(freq: str, start: date, end: date, *, other: str | None = None) -> str:
    """What the chart shows, in words: its window, and which themes have their own colour."""
    if freq == "month":
        span = f"from {start:%B %Y} to {end:%B %Y}"
    else:
        last = end - timedelta(days=end.weekday())  # the Monday of the last week
        span = f"from the week of {start.day} {start:%b %Y} to the week of {last.day} {last:%b %Y}"
    text = f"Replies received {span} (the last {window_words(freq)}), by {freq}."
    if other:
        text += (f" The {CHART_THEMES} themes mentioned most in that time have their own "
                 f"colour; “{other}” counts the replies that mention any of the rest.")
    return text + " The table below counts every reply you've saved."


def top_themes(totals: pd.DataFrame, tagged: int, limit: int | None = None) -> pd.DataFrame:
    """`store.feedback.theme_totals` with each theme's share of the replies that have any
    theme (`tagged`, from `store.feedback.reply_counts`). Columns: theme, replies, share."""
    out = pd.DataFrame({"theme": totals["theme"].astype("object"),
                        "replies": totals["replies"].astype("int64")})
    out["share"] = out["replies"] / tagged if tagged else 0.0
    out = out.astype({"share": "float64"}).reset_index(drop=True)
    return out.head(limit) if limit else out


# --- metrics -----------------------------------------------------------------------------

@dataclass(frozen=True)
class Summary:
    requested: int
    received: int
    rate: float | None  # received ÷ requested ("feedback rate"); None when none asked
    median_days_to_reply: float | None


def summarize(counts: pd.DataFrame, today: date) -> Summary:
    """Feedback requested, received, the feedback rate and the median days to a reply, over
    every request so far. `counts` is `store.progress.feedback_counts()`. The definitions live in
    `metrics.feedback_numbers` (shared with the progress page); this only adds the rate."""
    from nextround.metrics import feedback_numbers

    requested, received, median = feedback_numbers(counts, None, today)
    return Summary(requested, received, received / requested if requested else None, median)


# --- recording: every way a request changes, checked here and written in one transaction -----
# The store only stores; what a change means (which status may follow which, when the next
# follow-up is due, what a reply or a theme list must look like) is decided above.

def add_request(store: Store, application_id: int, request: NewRequest, *,
                today: date | None = None) -> int:
    """Record that feedback was asked for. The follow-up date defaults to asked on + the
    follow-up days in settings; asked on can't be before the application's date applied."""
    day = today or store.today()
    days = store.settings.get().follow_up_days
    with store.write() as tx:
        try:
            applied = tx.applications.get(application_id).applied_on
        except NotFoundError:
            raise ValidationError({"application": "Pick the application you asked about."}) \
                from None
        clean = request.validated(day, days, applied)
        assert isinstance(clean.asked_on, date) and isinstance(clean.follow_up_due, date)
        return tx.feedback.add_request(application_id, asked_on=clean.asked_on,
                                       channel=str(clean.channel), asked_whom=clean.asked_whom,
                                       follow_up_due=clean.follow_up_due)


def change_status(store: Store, request_id: int, status: str, version: int, *,
                  today: date | None = None) -> None:
    """Move a request to a new status, if the transition table allows it.

    Following up counts the follow-up and sets the next due date (today + follow-up
    days); reopening sets a fresh due date; "received" dates the reply today."""
    target = parse_status(status)
    day = today or store.today()
    days = store.settings.get().follow_up_days
    with store.write() as tx:
        row = tx.feedback.request(request_id)
        check_transition(row.status, target)
        changes: dict[str, object] = {"status": target.value}
        if target == Status.FOLLOWED_UP:
            changes["follow_ups"] = min(row.follow_ups + 1, MAX_COUNT)
            changes["follow_up_due"] = follow_up_due(day, days).isoformat()
        elif target == Status.AWAITING:
            changes["follow_up_due"] = follow_up_due(day, days).isoformat()
        elif target == Status.RECEIVED and row.received_on is None:
            changes["received_on"] = day.isoformat()
        tx.feedback.update(request_id, version, **changes)


# Stages a reply can still turn into a no (an ended application stays as it ended).
STAGES_A_REPLY_CAN_END = ("applied", "screening", "interviewing", "offer", "ghosted")
REPLY_WAS_A_NO_NOTE = "The no came with their reply to my feedback request."


def record_reply(store: Store, request_id: int, reply: Reply, version: int, *,
                 today: date | None = None, it_was_a_no: bool = False) -> None:
    """Store a reply: its date, text and themes. The request becomes "received"; recording
    again on a received request edits the reply. `it_was_a_no`: the reply also said no, so
    its application moves to rejected on the reply's date, in the same transaction (its path
    after a no begins there)."""
    day = today or store.today()
    with store.write() as tx:
        row = tx.feedback.request(request_id)
        clean = reply.validated(row.asked_on, day)
        assert isinstance(clean.received_on, date)
        if row.status != Status.RECEIVED.value:
            check_transition(row.status, Status.RECEIVED)
        tx.feedback.update(request_id, version, status=Status.RECEIVED.value,
                           received_on=clean.received_on.isoformat(),
                           feedback_text=clean.feedback_text,
                           themes=themes_to_json(clean.themes))
        if it_was_a_no and row.application_id is not None:
            application = tx.applications.get(row.application_id)
            if application.stage in STAGES_A_REPLY_CAN_END:
                tx.applications.change_stage(application.id, "rejected", clean.received_on,
                                             application.version, note=REPLY_WAS_A_NO_NOTE,
                                             today=day)


def saved_themes(store: Store) -> list[str]:
    """The user's theme list (settings.extra["feedback_themes"]), or the defaults."""
    return themes_from_settings(store.settings.get().extra)


def save_themes(store: Store, text: str, version: int) -> list[str]:
    """Replace the theme list from the editor's text (one theme per line). `version` is
    the settings version the editor started from, so another tab's change is not lost."""
    themes = parse_theme_list(text)
    current = store.settings.get()
    store.settings.save(replace(current, version=version,
                                extra={**current.extra, THEMES_SETTING: themes_to_json(themes)}))
    return themes


def add_theme_to_game_plan(store: Store, theme: str, *, title: str | None = None,
                           today: date | None = None) -> tuple[int, bool]:
    """Put a theme on the game plan: an open action (source_kind "feedback") with a small
    default title, due in two weeks. An open action for the same theme is reused rather
    than duplicated (a double click adds one). Returns (action id, created)."""
    day = today or store.today()
    label = " ".join(str(theme or "").split())
    if not label:
        raise ValidationError({"theme": "Pick a theme first."})
    # The reflect page's own validation, so actions are made one way.
    try:
        title_, due, kind, label = clean_action(
            title or game_plan_title(label), game_plan_due(day), "feedback", label, day)
    except ValidationError as exc:
        raise ValidationError({"theme": " ".join(exc.errors.values())}) from exc
    with store.write() as tx:
        existing = tx.actions.open_from_feedback(label)
        if existing is not None:
            return existing, False
        return tx.actions.add(title_, due, kind, None, label, created_on=day), True
