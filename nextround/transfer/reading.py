"""Reading a file's text: strict UTF-8 (wide encodings named), CSV records as a stream, dates.

Imports never guess silently: text must be UTF-8, and dates are strict ISO unless the user
picks one of `DATE_FORMATS`.
"""

from __future__ import annotations

import codecs
import csv
import io
import re
from collections.abc import Iterator
from datetime import date, datetime

from nextround.models import check_date
from nextround.transfer.columns import COLUMN_LOOKUP, fold
from nextround.transfer.limits import MAX_CSV_BYTES
from nextround.transfer.results import ImportRefused, Problem

DELIMITERS = (",", ";", "\t")
CHUNK_BYTES = 1 << 20  # text is decoded a piece at a time, never held twice

# The date formats a user may pick for a spreadsheet; ISO is the default.
DATE_FORMATS: dict[str, tuple[str, str]] = {
    "YYYY-MM-DD": (r"[0-9]{4}-[0-9]{2}-[0-9]{2}", "%Y-%m-%d"),
    "DD/MM/YYYY": (r"[0-9]{1,2}/[0-9]{1,2}/[0-9]{4}", "%d/%m/%Y"),
    "MM/DD/YYYY": (r"[0-9]{1,2}/[0-9]{1,2}/[0-9]{4}", "%m/%d/%Y"),
    "DD.MM.YYYY": (r"[0-9]{1,2}\.[0-9]{1,2}\.[0-9]{4}", "%d.%m.%Y"),
    "YYYY/MM/DD": (r"[0-9]{4}/[0-9]{1,2}/[0-9]{1,2}", "%Y/%m/%d"),
}
DEFAULT_DATE_FORMAT = "YYYY-MM-DD"

csv.field_size_limit(max(csv.field_size_limit(), MAX_CSV_BYTES + 1))

_WIDE_BOMS = ((b"\xff\xfe\x00\x00", "UTF-32"), (b"\x00\x00\xfe\xff", "UTF-32"),
              (b"\xff\xfe", "UTF-16"), (b"\xfe\xff", "UTF-16"))


def sniff_encoding(data: bytes) -> None:
    """Refuse, naming the encoding, a file that is UTF-16 or UTF-32 (with or without a
    byte-order mark) or that holds NUL bytes: read as UTF-8 it would only seem to lack its
    columns."""
    for bom, name in _WIDE_BOMS:
        if data.startswith(bom):
            _refuse_encoding(name)
    sample = data[:4096]
    if b"\x00" not in sample and b"\x00" not in data:
        return
    for name, width in (("UTF-32", 4), ("UTF-16", 2)):
        for offset in range(width):
            # Mostly-ASCII text in a wide encoding: NUL bytes in every position but one.
            if sample and all(sample[i::width].count(0) > 0.6 * len(sample[i::width])
                              for i in range(width) if i != offset):
                _refuse_encoding(name)
    raise ImportRefused([Problem(
        "The file holds NUL bytes, so it isn't plain UTF-8 text (it may be a spreadsheet "
        "file or use another encoding). Save it as \"CSV UTF-8\" and try again. Nothing was "
        "imported.")])


def _refuse_encoding(name: str) -> None:
    raise ImportRefused([Problem(
        f"The file is {name} text, not UTF-8. Save it as \"CSV UTF-8\" (or UTF-8 text) and "
        "try again. Nothing was imported.")])


def decode(data: bytes) -> str:
    """UTF-8 (a BOM is fine). Anything else is refused with where it went wrong, naming the
    encoding when it is a wide one (UTF-16 or UTF-32, with or without a byte-order mark)."""
    sniff_encoding(data)
    try:
        text_ = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data[:exc.start].count(b"\n") + 1
        raise ImportRefused([Problem(
            f"The file is not UTF-8 text (at byte {exc.start + 1:,}, line {line:,}). Save it "
            "as \"CSV UTF-8\" (or UTF-8 text) and try again. Nothing was imported.")]) from None
    return text_


def check_text(data: bytes) -> None:
    """`decode`'s checks without keeping a decoded copy: the CSV is then read as a stream."""
    sniff_encoding(data)
    decoder = codecs.getincrementaldecoder("utf-8")("strict")
    view = memoryview(data)
    for at in range(0, len(data), CHUNK_BYTES):
        try:
            decoder.decode(view[at:at + CHUNK_BYTES], final=at + CHUNK_BYTES >= len(data))
        except UnicodeDecodeError:
            decode(data)  # names the byte and the line
            raise


def read_records(data: bytes, delimiter: str, encoding: str = "utf-8"
                 ) -> Iterator[list[str]]:
    """The file's records one at a time, decoded as they are read: neither a decoded copy of
    the file nor a list of its lines (a file of blank lines) is ever held. `encoding` is
    UTF-8 (a BOM is fine) or, when the user agreed, Windows-1252."""
    text_ = io.TextIOWrapper(io.BytesIO(data), newline="",
                             encoding="utf-8-sig" if encoding == "utf-8" else encoding)
    try:
        yield from csv.reader(text_, delimiter=delimiter, strict=True)
    except csv.Error as exc:
        raise ImportRefused([Problem(f"The file isn't a readable CSV ({exc}).")]) from None
    except UnicodeDecodeError as exc:
        raise ImportRefused([Problem(
            f"The file isn't {encoding} text either ({exc.reason} at byte {exc.start + 1:,}). "
            "Nothing was imported.")]) from None


def pick_delimiter(text_: str) -> str:
    """The delimiter whose header names the most columns we know (then the most columns)."""
    end = text_.find("\n")
    first_line = (text_ if end < 0 else text_[:end]).rstrip("\r")
    best, best_score = ",", (-1, -1)
    for delimiter in DELIMITERS:
        try:
            header = next(csv.reader([first_line], delimiter=delimiter), [])
        except csv.Error:
            continue
        known = sum(1 for h in header if fold(h) in COLUMN_LOOKUP)
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
