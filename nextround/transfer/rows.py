"""One row of another tool's file, checked the way the forms check it: an application
(`Application.validated`), or a saved job offered for the dream-job list
(`reflection.clean_target`, the list's own rule); and the look-alikes among them.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from nextround import reflection
from nextround.companies import company_key
from nextround.models import Application, Stage, ValidationError
from nextround.store import Store
from nextround.transfer.dates import DayReader
from nextround.transfer.results import Duplicate, Preview, Problem, add_problem


def application_row(raw: dict[str, str], stage_word: str | None, reader: DayReader,
                    today: date, line: int, result: Preview, *, strict_stage: bool
                    ) -> dict[str, Any] | None:
    """The row as it will be saved, or None with its problems listed by line and field."""
    errors: dict[str, str] = {}
    stage = Stage(stage_word) if stage_word else None
    applied_on: date | None = None
    try:
        applied_on = reader.read(raw.get("applied_on", ""), "Date applied")
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
            stage_on = reader.read(stage_raw, "Stage date")
            if stage_on < applied_on:
                errors["stage_on"] = "Stage date can't be before the date applied."
        except ValueError as exc:
            errors["stage_on"] = str(exc)
    if stage is None and strict_stage:
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


def dream_row(raw: dict[str, str], line: int, result: Preview) -> dict[str, Any] | None:
    """A saved job as a dream-job entry (company and role), by the list's own rule."""
    try:
        clean = reflection.clean_target(raw.get("company", ""), raw.get("role", ""), "", 2,
                                        "researching", "")
    except ValidationError as exc:
        for name, message in exc.errors.items():
            add_problem(result, Problem(message, line=line,
                                        field=name if name in ("company", "role") else None))
        return None
    return {"_line": line, "company": clean["company"], "role": clean["role"]}


def _dup_key(company: str, role: str, applied_on: str) -> tuple[str, str, str]:
    return (company.casefold(), role.casefold(), applied_on)


def find_duplicates(store: Store, result: Preview) -> None:
    """Applications that look like ones already there or earlier in the file (listed, and
    skipped only when the user says so: decision 13); dream-list companies already on the
    list, or twice in the file, are left out with a reason (the list holds a company once)."""
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
    if not result.dream_rows:
        return
    listed = {company_key(t.company) for t in store.dream_list.entries(limit=1_000_000)}
    applied = {company_key(r["company"]) for r in result.rows}
    kept: list[dict[str, Any]] = []
    first: dict[str, int] = {}
    for row in result.dream_rows:
        key = company_key(row["company"])
        why = ("already on your dream-job list" if key in listed
               else "you applied to them (in this file)" if key in applied
               else f"same company as line {first[key]}" if key in first else "")
        if why:
            result.dream_skipped.append((row["_line"], row["company"], why))
            continue
        first[key] = row["_line"]
        kept.append(row)
    result.dream_rows = kept

