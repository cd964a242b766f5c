"""Value types and validation shared by every layer.

Validation lives here, not in the pages, so that the form, the importer and the command line
all refuse the same things with the same words. A `ValidationError` carries one message per
field, which the UI shows next to that field.
"""

from __future__ import annotations

import json
import re
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from datetime import date
from enum import StrEnum
from urllib.parse import urlparse

from nextround.clock import is_time_zone, pinned_notice

SINGLE_LINE_MAX = 200
NOTES_MAX = 5_000
EARLIEST_DATE = date(1990, 1, 1)

# C0 controls (except TAB), DEL and the bidi overrides that can disguise text.
_SINGLE_LINE_BAD = re.compile(r"[\x00-\x08\x0a-\x1f\x7f\u202a-\u202e\u2066-\u2069]")
_MULTI_LINE_BAD = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
_ISO_DATE = re.compile(r"^[0-9]{4}-[0-9]{2}-[0-9]{2}$")
_EMAIL_SHAPE = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
# RFC 5322 dot-atom, ASCII only; quoted local parts are refused (nobody types them).
_LOCAL_PART = re.compile(r"^[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+(\.[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+)*$")
_HOST_LABEL = re.compile(r"^[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?$")
EMAIL_MAX = 254


class Stage(StrEnum):
    APPLIED = "applied"
    SCREENING = "screening"
    INTERVIEWING = "interviewing"
    OFFER = "offer"
    ACCEPTED = "accepted"
    REJECTED = "rejected"
    WITHDRAWN = "withdrawn"
    GHOSTED = "ghosted"

    @property
    def label(self) -> str:
        return self.value.capitalize()


# A stage event that means the employer answered (docs/ARCHITECTURE.md, "response rate").
REPLY_STAGES = frozenset(
    {Stage.SCREENING, Stage.INTERVIEWING, Stage.OFFER, Stage.ACCEPTED, Stage.REJECTED}
)
# "Reached screening or later" (docs/ARCHITECTURE.md, "interview rate").
INTERVIEW_STAGES = frozenset({Stage.SCREENING, Stage.INTERVIEWING, Stage.OFFER, Stage.ACCEPTED})
OFFER_STAGES = frozenset({Stage.OFFER, Stage.ACCEPTED})


class ValidationError(ValueError):
    """Bad input, with one human message per field name."""

    def __init__(self, errors: dict[str, str]) -> None:
        self.errors = dict(errors)
        super().__init__("; ".join(f"{k}: {v}" for k, v in self.errors.items()))


def clean_single_line(value: object, label: str, *, required: bool = False,
                      max_len: int = SINGLE_LINE_MAX) -> str:
    """NFC-normalised, stripped one-line text, or ValueError with a readable message."""
    text = "" if value is None else str(value)
    text = unicodedata.normalize("NFC", text).strip()
    if required and not text:
        raise ValueError(f"{label} is required.")
    if len(text) > max_len:
        raise ValueError(
            f"{label} is too long ({len(text):,} characters; the limit is {max_len:,}).")
    if _SINGLE_LINE_BAD.search(text):
        raise ValueError(f"{label} must be one line, without control characters.")
    return text


def clean_multi_line(value: object, label: str, *, max_len: int = NOTES_MAX) -> str:
    text = "" if value is None else str(value)
    text = unicodedata.normalize("NFC", text.replace("\r\n", "\n")).strip()
    if len(text) > max_len:
        raise ValueError(
            f"{label} is too long ({len(text):,} characters; the limit is {max_len:,}).")
    if _MULTI_LINE_BAD.search(text):
        raise ValueError(f"{label} contains control characters.")
    return text


def clean_email(value: object, label: str = "Email") -> str:
    """The one rule for every address a user gives us: "" for none, the address as typed
    (NFC, trimmed), or ValueError with a readable message.

    An accepted address can always be written into a `.eml` header and a `mailto:` link (see
    `ascii_email`): the part before the @ must be plain ASCII (RFC 5322 dot-atom), because a
    non-ASCII one can only travel as SMTPUTF8, which many mail apps and parsers reject; the
    domain may be international and is sent in its IDNA (xn--) form."""
    text = clean_single_line(value, label)
    if not text:
        return ""
    if not _EMAIL_SHAPE.match(text) or len(text) > EMAIL_MAX:
        raise ValueError(f"{label} doesn't look like an email address (name@example.com).")
    local, domain = text.rsplit("@", 1)
    if not _LOCAL_PART.match(local) or len(local) > 64:
        raise ValueError(
            f"{label}: the part before the @ must be plain ASCII (letters a-z, digits and "
            "signs such as . _ + -, no spaces or quotes). Mail apps can't reliably address "
            "one like jürgen@example.com: use its ASCII form, such as juergen@example.com.")
    _ascii_domain(domain, label)
    return text


def ascii_email(address: str) -> str:
    """An address accepted by `clean_email`, as it is written in an email header or a
    `mailto:` link: the same local part and the domain in IDNA (xn--) form."""
    local, domain = address.rsplit("@", 1)
    return f"{local}@{_ascii_domain(domain, 'Email')}"


def _ascii_domain(domain: str, label: str) -> str:
    """The IDNA form of `domain`, or ValueError when it isn't a host name mail can reach.
    A name that IDNA 2003 would change (other than case, e.g. ß → ss) is refused rather
    than silently sent to a different domain. A name typed in its xn-- form is the same
    name, in any case; its labels are decoded (so checked) like the rest."""
    refusal = ValueError(f"{label} has a domain (after the @) that isn't a valid internet "
                         "name, such as example.com.")
    try:
        encoded = domain.encode("idna").decode("ascii")
        back = encoded.lower().encode("ascii").decode("idna")
    except UnicodeError as exc:
        raise refusal from exc
    if domain.lower() not in (back, encoded.lower()) or len(encoded) > 253:
        raise refusal
    labels = encoded.split(".")
    if len(labels) < 2 or not all(_HOST_LABEL.match(part) for part in labels):
        raise refusal
    return encoded


def clean_link(value: object, label: str = "Link") -> str:
    text = clean_single_line(value, label, max_len=2_000)
    if not text:
        return ""
    parsed = urlparse(text)
    if parsed.scheme.lower() not in ("http", "https") or not parsed.netloc or " " in text:
        raise ValueError(f"{label} must be a web address starting with http:// or https://.")
    return text


def parse_date(value: object, label: str = "Date") -> date:
    """Strict ISO `YYYY-MM-DD` (a `date` passes through). No guessing of formats."""
    if isinstance(value, date):
        return value
    text = "" if value is None else str(value).strip()
    if not _ISO_DATE.match(text):
        raise ValueError(f"{label} must be a date like 2026-03-14.")
    try:
        return date.fromisoformat(text)
    except ValueError as exc:
        raise ValueError(f"{label} is not a real calendar date ({text}).") from exc


def check_date(value: object, label: str, today: date) -> date:
    day = parse_date(value, label)
    if day > today:
        raise ValueError(f"{label} can't be in the future.")
    if day < EARLIEST_DATE:
        raise ValueError(f"{label} is too far in the past.")
    return day


def clean_stage_event(stage: object, on_date: object, note: object, today: date, *,
                      note_max: int) -> tuple[Stage, date, str]:
    """One entry of an application's stage history (an `events` row): its stage, date and
    note. The stage form and an import of a full export both check events with this."""
    errors: dict[str, str] = {}
    values: dict[str, object] = {}
    for name, check in (("stage", lambda: parse_stage(stage)),
                        ("on_date", lambda: check_date(on_date, "Date", today)),
                        ("note", lambda: clean_multi_line(note, "Note", max_len=note_max))):
        try:
            values[name] = check()
        except ValueError as exc:
            errors[name] = str(exc)
    if errors:
        raise ValidationError(errors)
    return values["stage"], values["on_date"], values["note"]  # type: ignore[return-value]


def parse_stage(value: object) -> Stage:
    text = "" if value is None else str(value).strip().lower()
    if not text:
        raise ValueError("Pick a stage.")
    try:
        return Stage(text)
    except ValueError as exc:
        allowed = ", ".join(s.value for s in Stage)
        raise ValueError(f"Stage must be one of: {allowed}.") from exc


@dataclass(frozen=True)
class Application:
    """What the user types about one application. `validated()` returns a clean copy."""

    company: str
    role: str = ""
    applied_on: date | str | None = None
    location: str = ""
    source: str = ""
    link: str = ""
    contact_name: str = ""
    contact_email: str = ""
    notes: str = ""
    stage: Stage | str = Stage.APPLIED

    def validated(self, today: date) -> Application:
        errors: dict[str, str] = {}
        values: dict[str, object] = {}

        def take(name: str, fn, *args) -> None:  # noqa: ANN001 - small local helper
            try:
                values[name] = fn(getattr(self, name), *args)
            except ValueError as exc:
                errors[name] = str(exc)

        take("company", lambda v: clean_single_line(v, "Company", required=True))
        take("role", lambda v: clean_single_line(v, "Role"))
        take("location", lambda v: clean_single_line(v, "Location"))
        take("source", lambda v: clean_single_line(v, "Source"))
        take("link", clean_link)
        take("contact_name", lambda v: clean_single_line(v, "Contact name"))
        take("contact_email", lambda v: clean_email(v, "Contact email"))
        take("notes", lambda v: clean_multi_line(v, "Notes"))
        take("stage", parse_stage)
        if self.applied_on is None or self.applied_on == "":
            errors["applied_on"] = "Date applied is required."
        else:
            take("applied_on", lambda v: check_date(v, "Date applied", today))
        if errors:
            raise ValidationError(errors)
        return Application(**values)  # type: ignore[arg-type]


# How many days after asking (or following up) a feedback request is due a follow-up, unless the
# user chose another number in settings. The one place this default is written.
DEFAULT_FOLLOW_UP_DAYS = 7


def ghost_cutoff(day: date, ghost_after_days: int) -> date:
    """An application still at `applied` and applied on or before this day has had no reply
    for `ghost_after_days` by `day`: it counts as ghosted (docs/ARCHITECTURE.md, metrics)."""
    return date.fromordinal(day.toordinal() - ghost_after_days)


# Yes/no settings kept in `settings.extra` (no schema change): name → the value when unset.
# Stored as the text "true" or "false"; `Settings.validated` refuses anything else, and a bad
# stored value is dropped on reading (its default in use), with a notice.
PAUSE_GOAL_IN_HARD_WEEK = "pause_goal_in_hard_week"
SUPPORT_REGION_CONFIRMED = "support_region_confirmed"
SETTING_FLAGS: dict[str, bool] = {
    # The weekly goal is shown as paused in a week This week leads with care.
    PAUSE_GOAL_IN_HARD_WEEK: True,
    # The user chose their support region (at the first check-in or in settings); until then
    # it is guessed from the time zone, because the schema's default ('US') is no choice.
    SUPPORT_REGION_CONFIRMED: False,
}
# The number of job-search activities a benefits programme asks for each week (the work-search
# record, nextround/reports/): whole-number text from 1 to 50 in `settings.extra`, or absent
# for none. The home page shows this week's count against it only when it is set.
WORK_SEARCH_WEEKLY = "work_search_weekly"
WORK_SEARCH_WEEKLY_MAX = 50
_WORK_SEARCH_LABEL = "Activities your programme asks for each week"
_FLAG_TEXT = {True: "true", False: "false"}
_FLAG_LABELS = {PAUSE_GOAL_IN_HARD_WEEK: "Pause my weekly goal in a hard week",
                SUPPORT_REGION_CONFIRMED: "Support region chosen"}


@dataclass(frozen=True)
class Settings:
    """The user's preferences, one row in `settings`."""

    name: str = ""
    signature: str = ""
    weekly_goal: int = 5
    ghost_after_days: int = 30
    timezone: str = "UTC"
    support_region: str = "US"
    follow_up_days: int = DEFAULT_FOLLOW_UP_DAYS
    version: int = 0
    extra: dict[str, str] = field(default_factory=dict)

    # Set only by `from_stored`: which stored values were replaced, in plain words.
    notices: tuple[str, ...] = field(default=(), compare=False)

    @classmethod
    def from_stored(cls, row: Mapping[str, object] | None) -> Settings:
        """The settings as stored, with every value that fails `validated` replaced by its
        default and named in `notices`. A bad value already in the file (written by an older
        version or another tool) never takes a page down; the data page says what was
        replaced, and saving the settings form writes good values back."""
        defaults = cls()
        if row is None:
            return replace(defaults, notices=(
                "Your settings were missing from the database, so the defaults are in use. "
                "Save the settings form to store them again.",))
        notices: list[str] = []
        extra = row.get("extra")
        try:
            extra = json.loads(extra) if isinstance(extra, str) and extra else {}
            if not isinstance(extra, dict):
                raise ValueError("not an object")
        except (ValueError, RecursionError):
            notices.append("Your feedback theme list couldn't be read, so the default themes "
                           "are in use.")
            extra = {}
        for name, default in SETTING_FLAGS.items():
            if name in extra and extra[name] not in _FLAG_TEXT.values():
                shown = repr(extra.pop(name))
                shown = shown if len(shown) <= 40 else shown[:37] + "..."
                notices.append(f"{_FLAG_LABELS[name]}: the stored value {shown} isn't valid, so "
                               f"{'yes' if default else 'no'} is in use. Save the settings "
                               "form to keep a value you choose.")
        if WORK_SEARCH_WEEKLY in extra and not _weekly_ok(extra[WORK_SEARCH_WEEKLY]):
            shown = repr(extra.pop(WORK_SEARCH_WEEKLY))
            shown = shown if len(shown) <= 40 else shown[:37] + "..."
            notices.append(f"{_WORK_SEARCH_LABEL}: the stored value {shown} isn't valid, so "
                           "none is in use. Save the settings form to keep a value you choose.")
        version = row.get("version")
        values = {name: row[name] for name in _SETTING_LABELS if row.get(name) is not None}
        candidate = cls(**values, extra=extra,  # type: ignore[arg-type]
                        version=version if isinstance(version, int) else 0)
        try:
            clean = candidate.validated()
        except ValidationError as exc:
            for name in exc.errors:
                fallback = getattr(defaults, name)
                values[name] = fallback
                shown = repr(getattr(candidate, name))
                shown = shown if len(shown) <= 40 else shown[:37] + "..."
                notices.append(f"{_SETTING_LABELS[name]}: the stored value {shown} isn't valid, "
                               f"so {fallback!r} is in use. Save the settings form to keep a "
                               "value you choose.")
            clean = replace(candidate, **values).validated()  # type: ignore[arg-type]
        ignored = pinned_notice()
        return replace(clean, notices=(*notices, *([ignored] if ignored else [])))

    def validated(self) -> Settings:
        errors: dict[str, str] = {}
        values: dict[str, object] = {"version": self.version, "extra": dict(self.extra)}
        try:
            values["name"] = clean_single_line(self.name, "Your name", max_len=100)
        except ValueError as exc:
            errors["name"] = str(exc)
        try:
            values["signature"] = clean_multi_line(self.signature, "Signature", max_len=500)
        except ValueError as exc:
            errors["signature"] = str(exc)
        for name, label, low, high in (
            ("weekly_goal", "Weekly goal", 0, 100),
            ("ghost_after_days", "Ghosting threshold", 1, 365),
            ("follow_up_days", "Follow-up after", 1, 60),
        ):
            raw = getattr(self, name)
            if isinstance(raw, bool) or not isinstance(raw, int) or not low <= raw <= high:
                errors[name] = f"{label} must be a whole number from {low} to {high}."
            else:
                values[name] = raw
        if is_time_zone(self.timezone):
            values["timezone"] = str(self.timezone)
        else:
            errors["timezone"] = "Time zone must be a name like Europe/London or America/New_York."
        try:
            values["support_region"] = clean_single_line(self.support_region, "Region", max_len=40)
        except ValueError as exc:
            errors["support_region"] = str(exc)
        bad = [name for name in SETTING_FLAGS
               if name in self.extra and self.extra[name] not in _FLAG_TEXT.values()]
        if bad:
            errors["extra"] = f"{_FLAG_LABELS[bad[0]]} must be \"true\" or \"false\"."
        elif WORK_SEARCH_WEEKLY in self.extra and not _weekly_ok(self.extra[WORK_SEARCH_WEEKLY]):
            errors["extra"] = (f"{_WORK_SEARCH_LABEL} must be a whole number from 1 to "
                               f"{WORK_SEARCH_WEEKLY_MAX}, or 0 for none.")
        if errors:
            raise ValidationError(errors)
        return Settings(**values)  # type: ignore[arg-type]

    def flag(self, name: str) -> bool:
        """A yes/no setting kept in `extra` (`SETTING_FLAGS`), its default when unset."""
        default = SETTING_FLAGS[name]
        return {"true": True, "false": False}.get(self.extra.get(name, ""), default)

    @property
    def work_search_weekly(self) -> int | None:
        """How many job-search activities a week the user's programme asks for; None when
        they set none (`WORK_SEARCH_WEEKLY`)."""
        value = self.extra.get(WORK_SEARCH_WEEKLY, "")
        return int(value) if _weekly_ok(value) else None

    def with_work_search_weekly(self, count: int) -> Settings:
        """A copy asking for `count` activities a week; 0 means none (the key is removed)."""
        extra = {k: v for k, v in self.extra.items() if k != WORK_SEARCH_WEEKLY}
        if count:
            extra[WORK_SEARCH_WEEKLY] = str(count)
        return replace(self, extra=extra)

    def with_flags(self, **flags: bool) -> Settings:
        """A copy with these yes/no settings set (names from `SETTING_FLAGS`)."""
        unknown = set(flags) - set(SETTING_FLAGS)
        if unknown:
            raise ValueError(f"Not a yes/no setting: {sorted(unknown)}")
        return replace(self, extra={**self.extra,
                                    **{k: _FLAG_TEXT[bool(v)] for k, v in flags.items()}})


def _weekly_ok(value: object) -> bool:
    """Whole-number text from 1 to `WORK_SEARCH_WEEKLY_MAX` (no sign, no spaces)."""
    return (isinstance(value, str) and value.isascii() and value.isdigit()
            and 1 <= int(value) <= WORK_SEARCH_WEEKLY_MAX)


_SETTING_LABELS = {"name": "Your name", "signature": "Signature", "weekly_goal": "Weekly goal",
                   "ghost_after_days": "Ghosting threshold", "timezone": "Time zone",
                   "support_region": "Support region", "follow_up_days": "Follow-up after"}
