"""A CSV of applications, ours or another tracker's: columns, status words, rows, look-alikes.

Our own CSV is recognised by its exact header (its cells are un-neutralised); another
tracker's columns are matched by name. Every row is validated by `models.Application.validated`,
the same check the form uses, and problems are listed by line (the header is line 1) and field.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from nextround.models import Application, Stage, ValidationError
from nextround.store import Store
from nextround.transfer.columns import (
    COLUMN_LOOKUP,
    COLUMN_NAMES,
    CSV_FIELDS,
    CSV_HEADER,
    FIELD_LABELS,
    fold,
)
from nextround.transfer.formulas import unneutralize
from nextround.transfer.limits import MAX_FIELD_CHARS, MAX_PROBLEMS, MAX_ROWS
from nextround.transfer.reading import parse_day, pick_delimiter, read_records
from nextround.transfer.results import Duplicate, ImportRefused, Preview, Problem, add_problem

# Their status words → our stages. The user can override any of these in the preview.
DEFAULT_STATUS_WORDS: dict[str, Stage] = {
    **{w: Stage.APPLIED for w in ("", "applied", "submitted", "application sent", "sent",
                                  "pending", "waiting", "in review", "under review", "open")},
    **{w: Stage.SCREENING for w in ("screening", "screen", "phone screen", "phone screening",
                                    "recruiter call", "recruiter screen", "hr call")},
    **{w: Stage.INTERVIEWING for w in ("interview", "interviewing", "interviews",
                                       "interview scheduled", "onsite", "on-site",
                                       "technical interview", "final interview",
                                       "final round", "assessment")},
    **{w: Stage.OFFER for w in ("offer", "offered", "offer received")},
    **{w: Stage.ACCEPTED for w in ("accepted", "offer accepted", "hired")},
    **{w: Stage.REJECTED for w in ("rejected", "rejection", "not selected", "declined",
                                   "turned down", "no")},
    **{w: Stage.WITHDRAWN for w in ("withdrawn", "withdrew", "i withdrew", "offer declined",
                                    "declined offer")},
    **{w: Stage.GHOSTED for w in ("ghosted", "no response", "no reply", "no answer",
                                  "never heard back")},
}



def preview_csv(store: Store, data: bytes, date_format: str,
                overrides: dict[str, str]) -> Preview:
    end = data.find(b"\n", 0, 1 << 20)
    delimiter = pick_delimiter(data[:end if end >= 0 else 1 << 20].decode("utf-8-sig",
                                                                        "replace"))
    records = read_records(data, delimiter)
    header = next(records, None)
    if header is None:
        raise ImportRefused([Problem("The file is empty. Nothing was imported.")])
    ours = tuple(header) == CSV_HEADER
    result = Preview(kind="ours" if ours else "csv", delimiter=delimiter)
    columns: dict[str, int] = {}  # our field → column index
    for index, name in enumerate(header):
        target = CSV_FIELDS[index] if ours else COLUMN_LOOKUP.get(fold(name))
        if target is None:
            result.ignored_columns.append(name)
            continue
        if target in columns:
            result.errors.append(Problem(
                f"Two columns mean {FIELD_LABELS[target]}: {header[columns[target]]!r} and "
                f"{name!r}. Remove or rename one.", line=1))
            continue
        columns[target] = index
        result.mapping[name] = target
    for required in ("company", "applied_on"):
        if required not in columns:
            names = " / ".join(COLUMN_NAMES[required])
            result.errors.append(Problem(
                f"No column for {FIELD_LABELS[required]} (name one of: {names}).", line=1))
    if result.errors:
        return result
    today = store.today()
    words: dict[str, Stage] = dict(DEFAULT_STATUS_WORDS)
    for word, stage in overrides.items():
        try:
            words[fold(word)] = Stage(stage)
        except ValueError:
            result.errors.append(Problem(f"{stage!r} is not a stage.", field="stage"))
    status_counts: dict[str, int] = {}
    for line, record in enumerate(records, start=2):
        if not any(c.strip() for c in record):
            continue
        result.file_rows += 1
        if result.file_rows > MAX_ROWS:
            raise ImportRefused([Problem(
                f"The file has more than {MAX_ROWS:,} rows; the limit is {MAX_ROWS:,}. "
                "Split it into smaller files.")])
        if len(result.errors) > MAX_PROBLEMS:
            continue  # counted, not checked: the list of problems is long enough
        if len(record) != len(header):
            add_problem(result, Problem(
                f"expected {len(header)} fields, got {len(record)}.", line=line))
            continue
        raw = {f: record[i] for f, i in columns.items()}
        if ours:
            raw = {f: unneutralize(v) for f, v in raw.items()}
        too_long = [f for f, v in raw.items() if len(v) > MAX_FIELD_CHARS]
        for name in too_long:
            add_problem(result, Problem(
                f"is {len(raw[name]):,} characters long; the limit is {MAX_FIELD_CHARS:,}.",
                line=line, field=name))
        if too_long:
            continue
        row = _validate_row(raw, words, status_counts, today, date_format, line, result)
        if row is not None:
            result.rows.append(row)
    if not result.file_rows:
        raise ImportRefused([Problem("The file has a header but no rows. Nothing was imported.")])
    for word, count in sorted(status_counts.items()):
        stage = words.get(word)
        if stage is None:
            result.unknown_statuses.append(word)
        result.statuses[word] = (str(stage) if stage else "", count)
    if result.unknown_statuses and result.kind != "ours":
        shown = ", ".join(repr(w) for w in result.unknown_statuses[:10])
        result.errors.append(Problem(
            f"Some statuses don't match a stage: {shown}. Say which stage each one means.",
            field="stage"))
    _find_duplicates(store, result)
    return result


def _validate_row(raw: dict[str, str], words: dict[str, Stage], status_counts: dict[str, int],
                  today: date, date_format: str, line: int, result: Preview
                  ) -> dict[str, Any] | None:
    errors: dict[str, str] = {}
    status_word = fold(raw.get("stage", ""))
    status_counts[status_word] = status_counts.get(status_word, 0) + 1
    stage = words.get(status_word)
    applied_on: date | None = None
    try:
        applied_on = parse_day(raw["applied_on"], "Date applied", today, date_format)
    except ValueError as exc:
        errors["applied_on"] = str(exc)
    contact = raw.get("contact_name", "")
    email = raw.get("contact_email", "")
    if "contact_email" not in raw and "@" in contact and " " not in contact.strip():
        contact, email = "", contact  # a "Contact" column that holds an address
    application = Application(
        company=raw.get("company", ""), role=raw.get("role", ""),
        applied_on=applied_on or date(2000, 1, 1), location=raw.get("location", ""),
        source=raw.get("source", ""), link=raw.get("link", ""), contact_name=contact,
        contact_email=email, notes=raw.get("notes", ""), stage=stage or Stage.APPLIED)
    try:
        clean = application.validated(today)
    except ValidationError as exc:
        errors.update({k: v for k, v in exc.errors.items() if k not in errors})
        clean = None
    stage_on = applied_on
    stage_raw = raw.get("stage_on", "").strip()
    if stage_raw and applied_on is not None:
        try:
            stage_on = parse_day(stage_raw, "Stage date", today, date_format)
            if stage_on < applied_on:
                errors["stage_on"] = "Stage date can't be before the date applied."
        except ValueError as exc:
            errors["stage_on"] = str(exc)
    if stage is None and result.kind == "ours":
        errors["stage"] = "Stage must be one of: " + ", ".join(s.value for s in Stage) + "."
    for name, message in errors.items():
        add_problem(result, Problem(message, line=line, field=name))
    if errors or clean is None or applied_on is None or stage is None or stage_on is None:
        return None
    return {
        "_line": line,
        "company": clean.company, "role": clean.role, "stage": str(clean.stage),
        "applied_on": applied_on.isoformat(), "stage_on": stage_on.isoformat(),
        "location": clean.location, "source": clean.source, "link": clean.link,
        "contact_name": clean.contact_name, "contact_email": clean.contact_email,
        "notes": clean.notes,
    }


def _dup_key(company: str, role: str, applied_on: str) -> tuple[str, str, str]:
    return (company.casefold(), role.casefold(), applied_on)


def _find_duplicates(store: Store, result: Preview) -> None:
    existing = {_dup_key(*k) for k in store.applications.keys()}
    seen: dict[tuple[str, str, str], int] = {}
    for row in result.rows:
        key = _dup_key(row["company"], row["role"], row["applied_on"])
        if key in existing:
            same_as = "already in your data"
        elif key in seen:
            same_as = f"line {seen[key]}"
        else:
            seen[key] = row["_line"]
            continue
        result.duplicates.append(Duplicate(row["_line"], row["company"], row["role"],
                                           row["applied_on"], same_as))
