"""Getting data in and out: the full JSON export, the spreadsheet CSV, and imports of both.

Why it is built this way:
- The JSON export is the lossless format: every table, every column, ids included, with the
  schema version. Loading it into an empty database reproduces that database exactly.
- The CSV is for people and spreadsheets. A cell that a spreadsheet would run as a formula
  (it starts with = + - @, TAB, CR, LF or NUL) gets a `'` prefix, and so does a cell that
  already starts with `'`, which makes the escaping reversible: our own CSV is recognised by
  its exact header, and exactly one leading `'` is removed again on import.
- Imports never guess silently. Text must be UTF-8; dates are strict ISO unless the user picks
  a format; every status word maps onto one of our stages or is reported. Problems are listed
  by line (as a spreadsheet shows it: the header is line 1) and by field, and nothing is written
  unless the whole file is good. Rows are validated by `models.Application.validated`, the same
  check the form uses.
- `preview()` does all of that without writing, so the page, the command line's `--dry-run`
  and the real import agree about what a file contains.
"""

from __future__ import annotations

import csv
import io
import json
import os
import re
import tempfile
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

from nextround.models import (
    Application,
    Settings,
    Stage,
    ValidationError,
    check_date,
)
from nextround.store import (
    DERIVED_COLUMNS,
    SCHEMA_VERSION,
    TABLES,
    Store,
    StoreError,
    refuse_special_target,
)

APP_NAME = "Next Round"
EXPORT_FORMAT = "nextround-export"
MAX_CSV_BYTES = 10 * 1024 * 1024
MAX_JSON_BYTES = 200 * 1024 * 1024
MAX_ROWS = 50_000
MAX_FIELD_CHARS = 20_000
DELIMITERS = (",", ";", "\t")
_TRIGGERS = ("=", "+", "-", "@", "\t", "\r", "\n", "\x00", "'")

# Our CSV: the field each column holds, in order, with the header a person sees.
CSV_FIELDS = ("company", "role", "stage", "applied_on", "stage_on", "location", "source",
              "link", "contact_name", "contact_email", "notes")
CSV_HEADER = ("Company", "Role", "Stage", "Date applied", "Stage date", "Location", "Source",
              "Link", "Contact name", "Contact email", "Notes")
FIELD_LABELS = dict(zip(CSV_FIELDS, CSV_HEADER, strict=True))

# Column names other trackers use, after lower-casing and folding _ - . into spaces.
COLUMN_NAMES: dict[str, tuple[str, ...]] = {
    "company": ("company", "company name", "organization", "organisation", "employer"),
    "role": ("role", "title", "position", "job title", "job", "job role"),
    "applied_on": ("date applied", "applied on", "applied", "application date",
                   "date of application", "applied date"),
    "stage": ("status", "stage", "application status"),
    "stage_on": ("stage date", "status date"),
    "link": ("link", "url", "job link", "job url", "posting", "posting url"),
    "location": ("location", "city"),
    "source": ("source", "found via", "where found"),
    "notes": ("notes", "note", "comments", "comment"),
    "contact_name": ("contact", "contact name", "recruiter", "hiring manager"),
    "contact_email": ("contact email", "email", "recruiter email"),
}
_COLUMN_LOOKUP = {name: target for target, names in COLUMN_NAMES.items() for name in names}

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

# The date formats a user may pick for a spreadsheet; ISO is the default.
DATE_FORMATS: dict[str, tuple[str, str]] = {
    "YYYY-MM-DD": (r"[0-9]{4}-[0-9]{2}-[0-9]{2}", "%Y-%m-%d"),
    "DD/MM/YYYY": (r"[0-9]{1,2}/[0-9]{1,2}/[0-9]{4}", "%d/%m/%Y"),
    "MM/DD/YYYY": (r"[0-9]{1,2}/[0-9]{1,2}/[0-9]{4}", "%m/%d/%Y"),
    "DD.MM.YYYY": (r"[0-9]{1,2}\.[0-9]{1,2}\.[0-9]{4}", "%d.%m.%Y"),
    "YYYY/MM/DD": (r"[0-9]{4}/[0-9]{1,2}/[0-9]{1,2}", "%Y/%m/%d"),
}
DEFAULT_DATE_FORMAT = "YYYY-MM-DD"

Progress = Callable[[int, int], None]

csv.field_size_limit(max(csv.field_size_limit(), MAX_CSV_BYTES + 1))


# --- results --------------------------------------------------------------------------------

@dataclass(frozen=True)
class Problem:
    """One thing wrong with a file. `line` counts as a spreadsheet does (the header is line 1);
    None means the whole file."""

    message: str
    line: int | None = None
    field: str | None = None

    def __str__(self) -> str:
        where = []
        if self.line is not None:
            where.append(f"line {self.line}")
        if self.field:
            where.append(FIELD_LABELS.get(self.field, self.field))
        return (", ".join(where) + ": " if where else "") + self.message


@dataclass(frozen=True)
class Duplicate:
    line: int
    company: str
    role: str
    applied_on: str
    same_as: str  # "line 4" or "already in your data"


@dataclass
class Preview:
    """What a file holds and what importing it would do. Nothing has been written."""

    kind: str  # "json", "csv" (another tracker's) or "ours" (our own CSV export)
    rows: list[dict[str, Any]] = field(default_factory=list)
    errors: list[Problem] = field(default_factory=list)
    duplicates: list[Duplicate] = field(default_factory=list)
    mapping: dict[str, str] = field(default_factory=dict)  # their column → our field
    ignored_columns: list[str] = field(default_factory=list)
    # Their status words (lower-cased, spaces folded) → (our stage or "", rows).
    statuses: dict[str, tuple[str, int]] = field(default_factory=dict)
    unknown_statuses: list[str] = field(default_factory=list)
    delimiter: str = ","
    file_rows: int = 0  # data rows in the file (blank lines aside), good or not
    tables: dict[str, list[dict[str, Any]]] = field(default_factory=dict)  # JSON only

    @property
    def ok(self) -> bool:
        return not self.errors

    @property
    def row_count(self) -> int:
        if self.kind == "json":
            return sum(len(rows) for rows in self.tables.values())
        return self.file_rows

    def counts(self) -> dict[str, int]:
        """Rows per table that the import would add."""
        if self.kind == "json":
            return {t: len(self.tables.get(t, [])) for t in TABLES}
        return {"applications": len(self.rows)}


@dataclass
class ImportResult:
    preview: Preview
    written: int = 0
    skipped_duplicates: int = 0
    backup: Path | None = None
    message: str = ""


class ImportRefused(Exception):
    """The import wrote nothing; `problems` says why, line by line."""

    def __init__(self, problems: Sequence[Problem], found: Preview | None = None) -> None:
        self.problems = list(problems)
        self.preview = found  # when the file itself was read: its duplicates, mapping, ...
        super().__init__("; ".join(str(p) for p in self.problems[:5]))


# --- formula neutralisation -----------------------------------------------------------------

def neutralize(value: str) -> str:
    """Make a cell inert in spreadsheets, reversibly: prefix `'` to anything risky."""
    return "'" + value if value.startswith(_TRIGGERS) else value


def unneutralize(value: str) -> str:
    """Undo `neutralize` (for our own CSV only)."""
    return value[1:] if value.startswith("'") else value


# --- export ---------------------------------------------------------------------------------

def export_data(store: Store) -> dict[str, Any]:
    """Every table, lossless: values exactly as stored, dates as ISO text."""
    return {
        "app": APP_NAME,
        "format": EXPORT_FORMAT,
        "schema_version": store.schema_version(),
        "exported_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "tables": store.export_rows(),
    }


def export_json(store: Store) -> bytes:
    return json.dumps(export_data(store), ensure_ascii=False, indent=1).encode("utf-8")


def export_csv(store: Store) -> bytes:
    """The applications as a spreadsheet-safe CSV (UTF-8 with a BOM, so Excel reads it)."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(CSV_HEADER)
    for row in store.export_rows()["applications"]:
        writer.writerow([neutralize("" if row[f] is None else str(row[f])) for f in CSV_FIELDS])
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")


def export_bytes(store: Store, name: str) -> bytes:
    """CSV when the file name ends in .csv, otherwise the full JSON export."""
    return export_csv(store) if name.lower().endswith(".csv") else export_json(store)


def write_file_atomically(path: Path, data: bytes) -> None:
    """Temporary file in the same folder → fsync → rename → fsync the folder. A crash leaves
    the old file or the new one, never half of one."""
    path = Path(path)
    refuse_special_target(path)
    folder = path.parent if str(path.parent) else Path(".")
    handle, temp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".part", dir=folder)
    try:
        with os.fdopen(handle, "wb") as out:
            out.write(data)
            out.flush()
            os.fsync(out.fileno())
        os.replace(temp, path)
    except BaseException:
        Path(temp).unlink(missing_ok=True)
        raise
    try:
        dir_fd = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(dir_fd)
    except OSError:
        pass
    finally:
        os.close(dir_fd)


# --- reading a file -------------------------------------------------------------------------

def decode(data: bytes) -> str:
    """UTF-8 (a BOM is fine). Anything else is refused with where it went wrong."""
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise ImportRefused([Problem(
            "The file is UTF-16 text. Save it as \"CSV UTF-8\" and try again.")])
    try:
        text_ = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data[:exc.start].count(b"\n") + 1
        raise ImportRefused([Problem(
            f"The file is not UTF-8 text (at byte {exc.start + 1:,}, line {line:,}). Save it "
            "as \"CSV UTF-8\" (or UTF-8 text) and try again. Nothing was imported.")]) from None
    return text_


def _fold(name: str) -> str:
    return " ".join(re.sub(r"[_\-.]+", " ", name.strip().lower()).split())


def _read_records(text_: str, delimiter: str) -> list[list[str]]:
    try:
        return list(csv.reader(io.StringIO(text_, newline=""), delimiter=delimiter,
                               strict=True))
    except csv.Error as exc:
        raise ImportRefused([Problem(f"The file isn't a readable CSV ({exc}).")]) from None


def _pick_delimiter(text_: str) -> str:
    """The delimiter whose header names the most columns we know (then the most columns)."""
    first_line = text_.split("\n", 1)[0].rstrip("\r")
    best, best_score = ",", (-1, -1)
    for delimiter in DELIMITERS:
        try:
            header = next(csv.reader([first_line], delimiter=delimiter), [])
        except csv.Error:
            continue
        known = sum(1 for h in header if _fold(h) in _COLUMN_LOOKUP)
        score = (known, len(header))
        if score > best_score:
            best, best_score = delimiter, score
    return best


def parse_day(raw: str, label: str, today: date, date_format: str) -> date:
    """Strict: ISO by default, or exactly the format the user picked."""
    if date_format == DEFAULT_DATE_FORMAT:
        return check_date(raw, label, today)
    pattern, strptime_format = DATE_FORMATS[date_format]
    text_ = raw.strip()
    if not re.fullmatch(pattern, text_):
        raise ValueError(f"{label} must be a date written {date_format}.")
    try:
        day = datetime.strptime(text_, strptime_format).date()
    except ValueError as exc:
        raise ValueError(f"{label} is not a real calendar date ({text_}).") from exc
    return check_date(day, label, today)


def preview(store: Store, data: bytes, *, date_format: str = DEFAULT_DATE_FORMAT,
            status_overrides: Mapping[str, str] | None = None) -> Preview:
    """Parse and validate a file without writing anything."""
    try:
        return _preview(store, data, date_format, dict(status_overrides or {}))
    except ImportRefused as refused:
        return Preview(kind="unknown", errors=refused.problems)


def _preview(store: Store, data: bytes, date_format: str,
             overrides: dict[str, str]) -> Preview:
    if date_format not in DATE_FORMATS:
        raise ImportRefused([Problem(
            f"Unknown date format {date_format!r}; pick one of {', '.join(DATE_FORMATS)}.")])
    if not data.strip(b" \t\r\n\xef\xbb\xbf"):
        raise ImportRefused([Problem("The file is empty. Nothing was imported.")])
    if data.lstrip(b"\xef\xbb\xbf \t\r\n").startswith(b"{"):
        if len(data) > MAX_JSON_BYTES:
            raise ImportRefused([Problem(
                f"The file is too large ({len(data) / 1e6:,.1f} MB; the limit for a full "
                f"export is {MAX_JSON_BYTES // (1024 * 1024)} MB). For bigger databases use "
                "a backup and Restore instead.")])
        return _preview_json(store, decode(data))
    if len(data) > MAX_CSV_BYTES:
        raise ImportRefused([Problem(
            f"The file is too large ({len(data) / 1e6:,.1f} MB; the limit is "
            f"{MAX_CSV_BYTES // (1024 * 1024)} MB). Split it into smaller files.")])
    return _preview_csv(store, decode(data), date_format, overrides)


# --- CSV ------------------------------------------------------------------------------------

def _preview_csv(store: Store, text_: str, date_format: str,
                 overrides: dict[str, str]) -> Preview:
    delimiter = _pick_delimiter(text_)
    records = _read_records(text_, delimiter)
    if not records:
        raise ImportRefused([Problem("The file is empty. Nothing was imported.")])
    header = records[0]
    ours = tuple(header) == CSV_HEADER
    result = Preview(kind="ours" if ours else "csv", delimiter=delimiter)
    columns: dict[str, int] = {}  # our field → column index
    for index, name in enumerate(header):
        target = CSV_FIELDS[index] if ours else _COLUMN_LOOKUP.get(_fold(name))
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
    body = records[1:]
    data_rows = [(n, r) for n, r in enumerate(body, start=2) if any(c.strip() for c in r)]
    if not data_rows:
        raise ImportRefused([Problem("The file has a header but no rows. Nothing was imported.")])
    if len(data_rows) > MAX_ROWS:
        raise ImportRefused([Problem(
            f"The file has {len(data_rows):,} rows; the limit is {MAX_ROWS:,}. "
            "Split it into smaller files.")])

    result.file_rows = len(data_rows)
    today = store.today()
    words: dict[str, Stage] = dict(DEFAULT_STATUS_WORDS)
    for word, stage in overrides.items():
        try:
            words[_fold(word)] = Stage(stage)
        except ValueError:
            result.errors.append(Problem(f"{stage!r} is not a stage.", field="stage"))
    status_counts: dict[str, int] = {}
    for line, record in data_rows:
        if len(record) != len(header):
            result.errors.append(Problem(
                f"expected {len(header)} fields, got {len(record)}.", line=line))
            continue
        raw = {f: record[i] for f, i in columns.items()}
        if ours:
            raw = {f: unneutralize(v) for f, v in raw.items()}
        too_long = [f for f, v in raw.items() if len(v) > MAX_FIELD_CHARS]
        for name in too_long:
            result.errors.append(Problem(
                f"is {len(raw[name]):,} characters long; the limit is {MAX_FIELD_CHARS:,}.",
                line=line, field=name))
        if too_long:
            continue
        row = _validate_row(raw, words, status_counts, today, date_format, line, result)
        if row is not None:
            result.rows.append(row)
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
    status_word = _fold(raw.get("stage", ""))
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
        result.errors.append(Problem(message, line=line, field=name))
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
    existing = {_dup_key(*k) for k in store.application_keys()}
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


# --- JSON -----------------------------------------------------------------------------------

def _preview_json(store: Store, text_: str) -> Preview:
    try:
        document = json.loads(text_)
    except (json.JSONDecodeError, RecursionError) as exc:
        line = getattr(exc, "lineno", None)
        raise ImportRefused([Problem(f"The file isn't valid JSON ({getattr(exc, 'msg', exc)}).",
                                     line=line)]) from None
    if (not isinstance(document, dict) or document.get("format") != EXPORT_FORMAT
            or not isinstance(document.get("tables"), dict)):
        raise ImportRefused([Problem(
            "This JSON file isn't a Next Round export (it has no \"format\": "
            f"\"{EXPORT_FORMAT}\" and \"tables\").")])
    version = document.get("schema_version")
    if isinstance(version, bool) or not isinstance(version, int) or version < 1:
        raise ImportRefused([Problem("The export has no valid schema_version.")])
    if version > SCHEMA_VERSION:
        raise ImportRefused([Problem(
            f"The export was made by a newer version of Next Round (schema {version}; this "
            f"version understands up to {SCHEMA_VERSION}). Update Next Round to import it.")])
    result = Preview(kind="json")
    columns = store.table_columns()
    today = store.today()
    for table, rows in document["tables"].items():
        if table not in TABLES:
            result.errors.append(Problem(f"Unknown table {table!r} in the export."))
            continue
        if not isinstance(rows, list):
            result.errors.append(Problem(f"Table {table!r} must be a list of rows."))
            continue
        known = set(columns[table])
        derived = set(DERIVED_COLUMNS.get(table, ()))
        good: list[dict[str, Any]] = []
        for number, row in enumerate(rows, start=1):
            where = f"{table} row {number}"
            if not isinstance(row, dict) or "id" not in row:
                result.errors.append(Problem(f"{where} must be an object with an id."))
                continue
            # Values the database works out for itself (from the events and drafts) are
            # rebuilt by its triggers, whatever a file says: never an error, never trusted.
            row = {k: v for k, v in row.items() if k not in derived}
            unknown = sorted(set(row) - known)
            if unknown:
                result.errors.append(Problem(f"{where} has unknown fields: {', '.join(unknown)}."))
                continue
            bad = [k for k, v in row.items()
                   if v is not None and not isinstance(v, (str, int, float))]
            bad += [k for k, v in row.items() if isinstance(v, str) and len(v) > 100_000]
            if bad:
                result.errors.append(Problem(
                    f"{where}: {', '.join(sorted(set(bad)))} must be text or a number.",
                    field=bad[0]))
                continue
            if table == "applications":
                problem = _check_application(row, today)
                if problem:
                    result.errors.append(Problem(f"{where} ({row.get('company')!r}): {problem}"))
                    continue
            if table == "settings":
                problem = _check_settings(row)
                if problem:
                    result.errors.append(Problem(f"{where}: {problem}"))
                    continue
            good.append(row)
        result.tables[table] = good
    if len(result.tables.get("settings", [])) > 1:
        result.errors.append(Problem("The export has more than one settings row."))
    if not store.is_empty():
        result.errors.append(Problem(
            "A full export can only be imported into an empty database, and this one already "
            "holds data. Use Restore to replace everything, or import the CSV to add "
            "applications."))
    return result


def _check_application(row: Mapping[str, Any], today: date) -> str:
    """The same validation the form uses; the stored values themselves are kept as they are."""
    try:
        Application(
            company=row.get("company") or "", role=row.get("role") or "",
            applied_on=row.get("applied_on"), location=row.get("location") or "",
            source=row.get("source") or "", link=row.get("link") or "",
            contact_name=row.get("contact_name") or "",
            contact_email=row.get("contact_email") or "", notes=row.get("notes") or "",
            stage=row.get("stage") or "",
        ).validated(max(today, _latest_date(row)))
    except ValidationError as exc:
        return "; ".join(f"{FIELD_LABELS.get(k, k)}: {v}" for k, v in exc.errors.items())
    return ""


def _check_settings(row: Mapping[str, Any]) -> str:
    try:
        extra = json.loads(row.get("extra") or "{}")
        if not isinstance(extra, dict):
            return "extra must be a JSON object."
        Settings(**{k: row[k] for k in ("name", "signature", "weekly_goal", "ghost_after_days",
                                         "timezone", "support_region", "follow_up_days")
                    if k in row and row[k] is not None},
                 extra=extra, version=int(row.get("version") or 0)).validated()
    except (ValidationError, ValueError, TypeError) as exc:
        return str(exc)
    return ""


def _latest_date(row: Mapping[str, Any]) -> date:
    """An export made on a later day (or in another time zone) isn't "in the future"."""
    try:
        return date.fromisoformat(str(row.get("created_at", ""))[:10])
    except ValueError:
        return date.min


# --- importing ------------------------------------------------------------------------------

def import_file(store: Store, data: bytes, *, date_format: str = DEFAULT_DATE_FORMAT,
                status_overrides: Mapping[str, str] | None = None,
                duplicates: str = "refuse", dry_run: bool = False,
                progress: Progress | None = None) -> ImportResult:
    """Import a whole file or nothing.

    `duplicates` decides what happens to rows that look like ones already there: "refuse"
    (the default: nothing is imported until the user decides), "skip" or "import".
    Raises ImportRefused with every problem when nothing was written.
    """
    if duplicates not in ("refuse", "skip", "import"):
        raise ValueError("duplicates must be refuse, skip or import")
    result = ImportResult(preview=preview(store, data, date_format=date_format,
                                          status_overrides=status_overrides))
    found = result.preview
    if found.errors:
        raise ImportRefused(found.errors, found)
    if found.duplicates and duplicates == "refuse":
        raise ImportRefused([Problem(
            f"{len(found.duplicates):,} row(s) look like applications that are already there "
            "(same company, role and date applied). Choose to skip them or to import them "
            "anyway.")], found)
    rows = found.rows
    if found.duplicates and duplicates == "skip":
        skip = {d.line for d in found.duplicates}
        rows = [r for r in rows if r["_line"] not in skip]
        result.skipped_duplicates = len(skip)
    if dry_run:
        result.message = "Dry run: nothing was written."
        return result
    if found.kind != "json" and not rows:
        result.message = "Nothing to import: every row was a duplicate you chose to skip."
        return result
    if store.path is not None:
        result.backup = store.backup(reason="before-import")
    try:
        if found.kind == "json":
            result.written = store.import_everything(found.tables, progress=progress)
        else:
            clean = [{k: v for k, v in r.items() if k != "_line"} for r in rows]
            result.written = store.import_applications(clean, progress=progress)
    except StoreError as exc:
        raise ImportRefused([Problem(str(exc))]) from None
    return result

