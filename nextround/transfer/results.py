"""What reading a file produces: its problems, its look-alikes, the preview and the result.

Nothing here writes; `ImportRefused` is how every check says "nothing was written, and why".
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from nextround.store import TABLES
from nextround.transfer.columns import FIELD_LABELS
from nextround.transfer.limits import MAX_PROBLEMS

Progress = Callable[[int, int], None]


@dataclass(frozen=True)
class Problem:
    """One thing wrong with a file. `line` counts as a spreadsheet does (the header is line 1);
    None means the whole file."""

    message: str
    line: int | None = None
    field: str | None = None
    table: str | None = None  # a full export's problems name the table, row and field
    row: int | None = None

    def __str__(self) -> str:
        if self.table is not None:
            where_ = f"{self.table} row {self.row}" + (f", field {self.field}" if self.field
                                                       else "")
            return f"{where_}: {self.message}"
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
    # Our field → the columns whose names all mean it (a problem until one is picked).
    doubled: dict[str, list[str]] = field(default_factory=dict)
    ignored_columns: list[str] = field(default_factory=list)
    # Their status words (lower-cased, spaces folded) → (our stage or "", rows).
    statuses: dict[str, tuple[str, int]] = field(default_factory=dict)
    unknown_statuses: list[str] = field(default_factory=list)
    delimiter: str = ","
    file_rows: int = 0  # data rows in the file (blank lines aside), good or not
    table_counts: dict[str, int] = field(default_factory=dict)  # JSON only: rows per table
    # Which tool the file came from (provenance, never the `source` field) and its shape.
    source: str = ""  # a `transfer.sources` key: "huntr", "linkedin", "templates", ...
    source_label: str = ""
    file_type: str = ""  # "CSV", "Excel workbook", "JSON"
    header: list[str] = field(default_factory=list)
    header_key: str = ""  # the settings key a mapping of this header is remembered under
    needs_mapping: bool = False  # a required column wasn't found: ask which one it is
    missing: list[str] = field(default_factory=list)  # the required fields with no column
    guesses: dict[str, str] = field(default_factory=dict)  # our field → their column
    # Jobs saved and never applied to: offered for the dream-job list ({company, role}).
    dream_rows: list[dict[str, Any]] = field(default_factory=list)
    dream_skipped: list[tuple[int, str, str]] = field(default_factory=list)  # line, company, why
    date_question: bool = False  # ambiguous dates: ask day first or month first
    date_order: str = ""  # the order numeric dates were read in
    encoding: str = "utf-8"
    encoding_question: str = ""  # "cp1252" when the file reads as Windows-1252
    sheets: list[str] = field(default_factory=list)
    sheet: str = ""
    notes: list[str] = field(default_factory=list)  # what was recognised or converted

    @property
    def ok(self) -> bool:
        return not self.errors

    @property
    def row_count(self) -> int:
        if self.kind == "json":
            return sum(self.table_counts.values())
        return self.file_rows

    def counts(self) -> dict[str, int]:
        """Rows per table that the import would add."""
        if self.kind == "json":
            return {t: self.table_counts.get(t, 0) for t in TABLES}
        return {"applications": len(self.rows), "targets": len(self.dream_rows)}


@dataclass(frozen=True)
class Choices:
    """What the user decided in the preview about how to read a file (hashable: the page
    caches a preview by it)."""

    date_format: str = "YYYY-MM-DD"  # a `DATE_FORMATS` key, or "auto" (worked out)
    status_overrides: tuple[tuple[str, str], ...] = ()  # their word → stage or "saved"
    columns: tuple[tuple[str, str], ...] = ()  # our field → their column ("" for none)
    date_order: str = ""  # "day first" / "month first" when the user answered
    encoding: str = "utf-8"  # or "cp1252" when the user agreed to convert
    sheet: str = ""  # a workbook's sheet; the first when empty
    dream_list: bool = True  # saved-not-applied rows go to the dream-job list


@dataclass
class ImportResult:
    preview: Preview
    written: int = 0
    dream_written: int = 0
    skipped_duplicates: int = 0
    backup: Path | None = None
    message: str = ""


class ImportRefused(Exception):
    """The import wrote nothing; `problems` says why, line by line."""

    def __init__(self, problems: Sequence[Problem], found: Preview | None = None) -> None:
        self.problems = list(problems)
        self.preview = found  # when the file itself was read: its duplicates, mapping, ...
        super().__init__("; ".join(str(p) for p in self.problems[:5]))


def add_problem(result: Preview, problem: Problem) -> None:
    """List a problem; past `MAX_PROBLEMS` one more line says there are more."""
    if len(result.errors) < MAX_PROBLEMS:
        result.errors.append(problem)
    elif len(result.errors) == MAX_PROBLEMS:
        result.errors.append(Problem(f"There are more problems; only the first "
                                     f"{MAX_PROBLEMS:,} are listed."))
