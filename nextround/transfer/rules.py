"""The checks every stored value and record passes: the schema's rules and each form's validator.

A full import, restore and `check` use them, so a file can't hold what the app would refuse to
save. JSON held in text columns is parsed and checked too; NUL and lone surrogates are refused
anywhere.
"""

from __future__ import annotations

import json
import math
import re
from collections.abc import Callable, Mapping
from datetime import date, datetime, timedelta
from typing import Any

from nextround.models import (
    EARLIEST_DATE,
    Application,
    Settings,
    ValidationError,
    check_date,
    clean_stage_event,
    parse_date,
)
from nextround.reflection import LATEST_DUE
from nextround.store import MAX_COUNT, STAGE_NOTE_MAX, ColumnRule
from nextround.transfer.limits import MAX_TEXT_CHARS

SQLITE_INT_MAX = 2 ** 63 - 1
COUNTERS = frozenset({"version", "follow_ups"})  # kept within 0..MAX_COUNT by every edit
_BAD_CHARS = re.compile("[\x00\ud800-\udfff]")


def bad_text(value: Any) -> bool:
    """NUL or a lone surrogate anywhere inside a value (keys of objects included). A loop,
    not recursion: JSON nested as deep as the parser allows must not overflow the stack."""
    stack = [value]
    while stack:
        item = stack.pop()
        if isinstance(item, str):
            if _BAD_CHARS.search(item) is not None:
                return True
        elif isinstance(item, dict):
            stack.extend(item)
            stack.extend(item.values())
        elif isinstance(item, list):
            stack.extend(item)
    return False


def check_value(name: str, rule: ColumnRule, row: Mapping[str, Any], today: date) -> str:
    """The database's own rules for one value: present if required, the right type, a
    64-bit integer, a real date, a timestamp, a version; no NUL or lone surrogate."""
    if name not in row:
        return "" if rule.has_default or not rule.not_null else "is missing."
    value = row[name]
    if value is None:
        return "can't be empty (null)." if rule.not_null else ""
    if bad_text(value):
        return "contains a NUL character or broken Unicode (a lone surrogate)."
    if rule.kind == "INTEGER":
        if isinstance(value, bool) or not isinstance(value, int):
            return "must be a whole number."
        if not -SQLITE_INT_MAX - 1 <= value <= SQLITE_INT_MAX:
            return "is too large a number for the database."
        if (rule.primary_key or rule.references) and value < 1:
            return "must be a positive whole number."
        if name in COUNTERS and not 0 <= value <= MAX_COUNT:
            return f"must be a whole number from 0 to {MAX_COUNT:,}."
        return ""
    if rule.kind == "REAL":
        if isinstance(value, bool) or not isinstance(value, (int, float)) \
                or not math.isfinite(value):
            return "must be a number."
        return ""
    if not isinstance(value, str):
        return "must be text."
    if len(value) > MAX_TEXT_CHARS:
        return f"is longer than {MAX_TEXT_CHARS:,} characters."
    if rule.is_date:
        try:
            day = parse_date(value, "It")
        except ValueError as exc:
            return str(exc)[3:] if str(exc).startswith("It ") else str(exc)
        if value != day.isoformat():
            return "must be a date like 2026-03-14."
        if not EARLIEST_DATE <= day <= today + timedelta(days=LATEST_DUE):
            return f"({value}) is too far in the past or the future."
    if name in ("created_at", "updated_at"):
        try:
            stamp = datetime.fromisoformat(value)
        except ValueError:
            return "must be a date and time like 2026-03-14T09:30:00+00:00."
        if not EARLIEST_DATE <= stamp.date() <= today + timedelta(days=LATEST_DUE):
            return f"({value}) is too far in the past or the future."
    return ""


def _limit(row: Mapping[str, Any], today: date) -> date:
    """The latest day a row's dates may name: an export made on a later day (or in another
    time zone) isn't "in the future"."""
    stamps = [row.get(k) for k in ("created_at", "updated_at", "created_on")]
    days = [date.fromisoformat(str(s)[:10]) for s in stamps if isinstance(s, str) and s]
    return max([today + timedelta(days=1), *days])


def _json_field(row: Mapping[str, Any], name: str, default: str, kind: type) -> Any:
    """A column that holds JSON text, parsed; ValidationError names the column if it isn't
    valid JSON of the expected kind."""
    raw = row.get(name, default)
    try:
        value = json.loads(raw)
    except (ValueError, TypeError, RecursionError):
        raise ValidationError({name: "must be valid JSON text."}) from None
    if not isinstance(value, kind):
        what = "a list" if kind is list else "an object"
        raise ValidationError({name: f"must be JSON text holding {what}."})
    if bad_text(value):
        raise ValidationError({name: "contains a NUL character or broken Unicode."})
    return value


def _check_application(row: Mapping[str, Any], today: date) -> None:
    limit = _limit(row, today)
    clean = Application(
        company=row.get("company", ""), role=row.get("role", ""),
        applied_on=row.get("applied_on"), location=row.get("location", ""),
        source=row.get("source", ""), link=row.get("link", ""),
        contact_name=row.get("contact_name", ""), contact_email=row.get("contact_email", ""),
        notes=row.get("notes", ""), stage=row.get("stage", ""),
    ).validated(limit)
    try:
        stage_on = check_date(row.get("stage_on"), "Stage date", limit)
    except ValueError as exc:
        raise ValidationError({"stage_on": str(exc)}) from None
    if isinstance(clean.applied_on, date) and stage_on < clean.applied_on:
        raise ValidationError({"stage_on": "Stage date can't be before the date applied."})


def _check_event(row: Mapping[str, Any], today: date) -> None:
    clean_stage_event(row.get("stage"), row.get("on_date"), row.get("note", ""),
                      _limit(row, today), note_max=STAGE_NOTE_MAX)


def _check_draft(row: Mapping[str, Any], today: date) -> None:
    from nextround import drafting

    fields = {"kind": row.get("kind"), "tone": row.get("tone", "warm"), **row}
    drafting.clean_draft(fields)
    if row.get("status", "draft") not in drafting.STATUSES:
        raise ValidationError({"status": "Status must be draft or sent."})


def _check_feedback(row: Mapping[str, Any], today: date) -> None:
    from nextround import feedback

    limit = _limit(row, today)
    feedback.parse_status(row.get("status", "awaiting"))
    asked = feedback.NewRequest(
        asked_on=row.get("asked_on"), channel=row.get("channel", "email"),
        asked_whom=row.get("asked_whom", ""),
        follow_up_due=row.get("follow_up_due")).validated(limit).asked_on
    if row.get("follow_ups", 0) < 0:
        raise ValidationError({"follow_ups": "must be a whole number of 0 or more."})
    themes = _json_field(row, "themes", "[]", list)
    received = row.get("received_on")
    try:
        feedback.Reply(received_on=received or asked, feedback_text=row.get("feedback_text", ""),
                       themes=tuple(themes)).validated(asked, limit)  # type: ignore[arg-type]
    except ValidationError as exc:
        if received or set(exc.errors) - {"received_on"}:
            raise


def _check_reflection(row: Mapping[str, Any], today: date) -> None:
    from nextround import reflection

    if row.get("status", "draft") not in reflection.STATUSES:
        raise ValidationError({"status": "Status must be draft or done."})
    reflection.check_answers(_json_field(row, "answers", "{}", dict), row.get("control_pct"),
                             row.get("fit"))


def _check_action(row: Mapping[str, Any], today: date) -> None:
    from nextround import reflection

    reflection.clean_action(row.get("title"), row.get("due_on"),
                            row.get("source_kind", "manual"), row.get("source_label", ""),
                            _limit(row, today))


def _check_checkin(row: Mapping[str, Any], today: date) -> None:
    from nextround import agenda, wellbeing

    week = row.get("week")
    try:
        if agenda.parse_week(week).key != week:
            raise ValueError
    except ValueError:
        raise ValidationError({"week": f"{week!r} is not a real ISO week like 2026-W48."}) \
            from None
    clean = wellbeing.CheckIn(
        items=_json_field(row, "items", "[]", list), stress=row.get("stress"),
        hours=row.get("hours"), self_care=_json_field(row, "self_care", "[]", list),
        win=row.get("win", ""), let_go=row.get("let_go", "")).validated()
    if clean.score.raw != row.get("who5_raw"):
        raise ValidationError({"who5_raw": f"must be {clean.score.raw}, the sum of the five "
                                           "answers."})


def _check_target(row: Mapping[str, Any], today: date) -> None:
    from nextround import reflection

    reflection.clean_target(row.get("company"), row.get("role", ""), row.get("why", ""),
                            row.get("priority", 2), row.get("status", "researching"),
                            row.get("next_step", ""))


def _check_settings(row: Mapping[str, Any], today: date) -> None:
    from nextround import feedback

    if row.get("id") != 1:
        raise ValidationError({"id": "The settings row has id 1."})
    extra = _json_field(row, "extra", "{}", dict)
    feedback.check_settings_extra(extra)
    Settings(**{k: row[k] for k in ("name", "signature", "weekly_goal", "ghost_after_days",
                                     "timezone", "support_region", "follow_up_days")
                if k in row}, extra=extra).validated()


def _check_path_step(row: Mapping[str, Any], today: date) -> None:
    from nextround import after_no

    after_no.check_mark(row.get("step"), row.get("state"), row.get("note", ""))


# Each table's rows go through the validator its own form uses (models, feedback, reflection,
# wellbeing, drafting), so a file can't hold what the app would refuse to save.
RECORD_CHECKS: dict[str, Callable[[Mapping[str, Any], date], None]] = {
    "applications": _check_application, "events": _check_event, "drafts": _check_draft,
    "feedback_requests": _check_feedback, "reflections": _check_reflection,
    "actions": _check_action, "checkins": _check_checkin, "targets": _check_target,
    "settings": _check_settings, "path_steps": _check_path_step,
}
