"""The work-search record as a file: CSV, `.xlsx` or a printable PDF, picked by file suffix.

- CSV: UTF-8 with a BOM (Excel reads it), cells made inert like our CSV export (`neutralize`).
- `.xlsx`: through `transfer.workbook`, the applications export's writer: dates as date cells.
- PDF: fpdf2 (pure Python; decision 47): A4 landscape, a heading with the user's name and the
  period, one table (date, employer, position, how, contact, result) whose heading repeats on
  every page, and "Page N of M" at the foot. A Unicode font (DejaVu Sans, or Liberation Sans)
  is used when the system has one, so any name prints; without one the PDF's built-in
  Helvetica is used and characters outside Latin-1 print as "?".
"""

from __future__ import annotations

import csv
import io
from collections.abc import Sequence
from datetime import date
from pathlib import Path

from fpdf import FPDF, FontFace

from nextround.metrics import day_label
from nextround.reports.work_search import HEADER, Activity
from nextround.transfer.formulas import neutralize
from nextround.transfer.workbook import xlsx_bytes

SUFFIXES = (".csv", ".xlsx", ".pdf")
TITLE = "Record of job-search activities"
_FONT_FOLDERS = (Path("/usr/share/fonts/truetype/dejavu"),
                 Path("/usr/share/fonts/truetype/liberation"),
                 Path("/usr/share/fonts/dejavu"), Path("/usr/share/fonts/TTF"),
                 Path("/Library/Fonts"), Path("C:/Windows/Fonts"))
_FONT_FILES = (("DejaVuSans.ttf", "DejaVuSans-Bold.ttf"),
               ("LiberationSans-Regular.ttf", "LiberationSans-Bold.ttf"),
               ("arial.ttf", "arialbd.ttf"))
_WIDTHS = (24, 45, 50, 22, 70, 66)  # mm, 277 in all: A4 landscape less 10 mm margins


def period_label(start: date, end: date) -> str:
    """"1 Nov 2026 to 30 Nov 2026": readable, with years, as a caseworker files it."""
    return f"{day_label(start, with_year=True)} to {day_label(end, with_year=True)}"


def file_name(start: date, end: date, suffix: str) -> str:
    return f"work-search-record-{start.isoformat()}-to-{end.isoformat()}{suffix}"


def record_csv(activities: Sequence[Activity]) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(HEADER)
    for activity in activities:
        day, *texts = activity.cells()
        writer.writerow([day.isoformat(), *(neutralize(t) for t in texts)])
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")


def record_xlsx(activities: Sequence[Activity]) -> bytes:
    return xlsx_bytes([("Work search", HEADER, (a.cells() for a in activities))])


def _unicode_font() -> tuple[Path, Path] | None:
    for folder in _FONT_FOLDERS:
        for regular, bold in _FONT_FILES:
            if (folder / regular).is_file() and (folder / bold).is_file():
                return folder / regular, folder / bold
    return None


class _RecordPDF(FPDF):
    def footer(self) -> None:
        self.set_y(-12)
        self.set_font(size=8)
        self.cell(0, 8, f"Page {self.page_no()} of {{nb}}", align="C")


def record_pdf(activities: Sequence[Activity], *, name: str, start: date, end: date) -> bytes:
    """A printable record: heading, who and which period, the table, page numbers."""
    pdf = _RecordPDF(orientation="landscape", format="A4")
    pdf.set_margins(10, 10, 10)
    pdf.set_auto_page_break(auto=True, margin=15)
    pdf.set_title(TITLE)
    font = _unicode_font()
    if font is None:
        family = "Helvetica"

        def fit(text: str) -> str:
            return text.encode("latin-1", "replace").decode("latin-1")
    else:
        family = "Body"
        pdf.add_font(family, "", str(font[0]))
        pdf.add_font(family, "B", str(font[1]))

        def fit(text: str) -> str:
            return text
    pdf.set_font(family, size=10)
    pdf.add_page()
    pdf.set_font(family, "B", 16)
    pdf.cell(0, 9, TITLE, new_x="LMARGIN", new_y="NEXT")
    pdf.set_font(family, "", 11)
    pdf.cell(0, 6, fit(f"Name: {name}" if name else "Name: (not set in Next Round)"),
             new_x="LMARGIN", new_y="NEXT")
    pdf.cell(0, 6, f"Period: {period_label(start, end)}", new_x="LMARGIN", new_y="NEXT")
    pdf.cell(0, 6, f"Activities: {len(activities)}", new_x="LMARGIN", new_y="NEXT")
    pdf.ln(3)
    pdf.set_font(family, "", 9)
    if not activities:
        pdf.cell(0, 6, "No job-search activities were recorded in this period.")
    else:
        with pdf.table(col_widths=_WIDTHS, width=sum(_WIDTHS), text_align="LEFT",
                       line_height=5, padding=1, headings_style=FontFace(emphasis="BOLD"),
                       v_align="TOP", markdown=False) as table:
            table.row(list(HEADER))
            for activity in activities:
                day, *texts = activity.cells()
                table.row([day_label(day, with_year=True), *(fit(t) for t in texts)])
    return bytes(pdf.output())


def record_bytes(activities: Sequence[Activity], suffix: str, *, name: str, start: date,
                 end: date) -> bytes:
    """The record in the format `suffix` names (one of `SUFFIXES`)."""
    if suffix == ".csv":
        return record_csv(activities)
    if suffix == ".xlsx":
        return record_xlsx(activities)
    if suffix == ".pdf":
        return record_pdf(activities, name=name, start=start, end=end)
    raise ValueError(f"A record is written as {', '.join(SUFFIXES)}, not {suffix!r}.")
