"""A file of rows as one shape, whatever it is: a CSV (UTF-8, or Windows-1252 when the user
agrees), an Excel workbook (.xlsx, a sheet of the user's choosing), or a JSON list of records
from another tool. Each becomes a header and its records as text, read afresh on each pass.

The header is the first row that names the most columns we know, among the first 20: a
template's title rows above it ("My job search 2026") are skipped, and lines keep counting as
the spreadsheet shows them. Excel is read with python-calamine (50,000 rows in about a second,
against fourteen for openpyxl; the same memory): dates come as dates and are written ISO.
"""

from __future__ import annotations

import io
import json
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import date, datetime, time
from typing import Any

from nextround.transfer.columns import COLUMN_LOOKUP, fold
from nextround.transfer.limits import MAX_CSV_BYTES, MAX_ROWS
from nextround.transfer.reading import pick_delimiter, read_records
from nextround.transfer.results import ImportRefused, Problem

HEADER_SEARCH_ROWS = 20
MAX_COLUMNS = 200
XLSX_MAGIC = b"PK\x03\x04"


@dataclass
class Table:
    """A file's header and data records (each call to `records` reads them again)."""

    kind: str  # "csv", "xlsx" or "json"
    header: list[str]
    first_line: int  # the line (as the spreadsheet counts) of the first data record
    records: Callable[[], Iterator[list[str]]]
    delimiter: str = ","
    padded: bool = False  # rows of a workbook or JSON fit the header: never "ragged"
    sheets: list[str] = field(default_factory=list)
    sheet: str = ""


def _header_at(rows: list[list[str]]) -> int:
    """Which of the first rows is the header: the earliest that names the most known columns
    (else the first that isn't empty)."""
    best, best_known = -1, 0
    for index, row in enumerate(rows):
        known = sum(1 for c in row if fold(c) in COLUMN_LOOKUP)
        if known > best_known:
            best, best_known = index, known
    if best >= 0:
        return best
    return next((i for i, row in enumerate(rows) if any(c.strip() for c in row)), 0)


def csv_table(data: bytes, encoding: str) -> Table:
    end = data.find(b"\n", 0, 1 << 20)
    codec = "utf-8-sig" if encoding == "utf-8" else encoding
    delimiter = pick_delimiter(data[:end if end >= 0 else 1 << 20].decode(codec, "replace"))
    head: list[list[str]] = []
    for record in read_records(data, delimiter, encoding):
        head.append(record)
        if len(head) >= HEADER_SEARCH_ROWS:
            break
    if not head:
        raise ImportRefused([Problem("The file is empty. Nothing was imported.")])
    at = _header_at(head)

    def records() -> Iterator[list[str]]:
        stream = read_records(data, delimiter, encoding)
        for _ in range(at + 1):
            next(stream, None)
        yield from stream

    return Table("csv", head[at], at + 2, records, delimiter=delimiter)


def _cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, datetime):
        return value.isoformat(sep=" ") if value.time() != time() else value.date().isoformat()
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, list | dict):
        items = value if isinstance(value, list) else [value]
        if all(isinstance(v, str | int | float) for v in items):
            return ", ".join(str(v) for v in items)
        return json.dumps(value, ensure_ascii=False)
    return str(value)


def _rows_table(kind: str, rows: list[list[str]], header_at: int | None = None,
                **extra: Any) -> Table:
    at = _header_at(rows[:HEADER_SEARCH_ROWS]) if header_at is None else header_at
    header = [h.strip() for h in rows[at]] if rows else []
    while header and not header[-1]:
        header.pop()
    width = len(header)

    def records() -> Iterator[list[str]]:
        for row in rows[at + 1:]:
            yield (row + [""] * (width - len(row)))[:width]

    return Table(kind, header, at + 2, records, padded=True, **extra)


def xlsx_table(data: bytes, sheet: str) -> Table:
    from python_calamine import CalamineError, CalamineWorkbook
    try:
        book = CalamineWorkbook.from_filelike(io.BytesIO(data))
        names = list(book.sheet_names)
        if sheet and sheet not in names:
            raise ImportRefused([Problem(
                f"The workbook has no sheet {sheet!r}; its sheets: "
                + ", ".join(repr(n) for n in names) + ". Nothing was imported.")])
        chosen = sheet or names[0]
        # Rows past the limit (and a title block) are never read: a small file can unpack
        # into a huge sheet.
        raw = book.get_sheet_by_name(chosen).to_python(
            skip_empty_area=False, nrows=MAX_ROWS + HEADER_SEARCH_ROWS + 1)
    except (CalamineError, ValueError, IndexError, OSError) as exc:
        raise ImportRefused([Problem(
            f"The workbook couldn't be read ({str(exc)[:120]}). Open it in Excel and save it "
            "again as .xlsx, or save the sheet as CSV. Nothing was imported.")]) from None
    rows = [[_cell(c) for c in row[:MAX_COLUMNS]] for row in raw]
    while rows and not any(c.strip() for c in rows[-1]):
        rows.pop()
    if not rows:
        raise ImportRefused([Problem(f"The sheet {chosen!r} is empty. Nothing was imported.")])
    return _rows_table("xlsx", rows, sheets=names, sheet=chosen)


def json_table(data: bytes) -> Table | None:
    """Another tool's JSON: a list of records, or an object holding one such list. None when
    it is neither (our own export, or something we don't read)."""
    if len(data) > MAX_CSV_BYTES:
        raise ImportRefused([Problem(
            f"The file is too large ({len(data) / 1e6:,.1f} MB; the limit for another tool's "
            f"JSON is {MAX_CSV_BYTES // (1024 * 1024)} MB). Split it into smaller files.")])
    try:
        value = json.loads(data.decode("utf-8-sig"))
    except (ValueError, RecursionError):
        return None
    if isinstance(value, dict) and not {"format", "tables"} & set(value):
        lists = [v for v in value.values() if isinstance(v, list) and v
                 and all(isinstance(r, dict) for r in v)]
        value = lists[0] if len(lists) == 1 else value
    if not isinstance(value, list) or not value or not all(isinstance(r, dict) for r in value):
        return None
    header: dict[str, None] = {}
    for record in value:
        for key in record:
            if len(header) < MAX_COLUMNS:
                header.setdefault(str(key), None)
    names = list(header)
    if not names:  # records without a single name ("[{}]") carry nothing to map
        return None
    rows = [names] + [[_cell(r.get(k)) for k in names] for r in value]
    return _rows_table("json", rows, header_at=0)
