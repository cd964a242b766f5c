"""The work-search record as a file: CSV, `.xlsx` or a printable PDF, picked by file suffix.

- CSV: UTF-8 with a BOM (Excel reads it), cells made inert like our CSV export (`neutralize`).
- `.xlsx`: through `transfer.workbook`, the applications export's writer: dates as date cells.
- PDF: reportlab (measured against fpdf2: decision text in the issue 18 report): A4
  landscape, a heading with the user's name and the period, one table (date, employer,
  position, how, contact, result) whose heading repeats on every page, and "Page N of M" at
  the foot. A Unicode font from the system (DejaVu Sans, Liberation Sans) when there is one,
  else the Bitstream Vera that reportlab ships.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Sequence
from datetime import date
from pathlib import Path
from xml.sax.saxutils import escape

import reportlab
from reportlab.lib import colors
from reportlab.lib.pagesizes import A4, landscape
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import Flowable, Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

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
_WIDTHS = (26, 45, 48, 22, 70, 66)  # mm, 277 in all: A4 landscape less 10 mm margins


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


def _fonts() -> tuple[str, str]:
    """Regular and bold font names, registered once: DejaVu Sans or Liberation Sans from the
    system when there (any script they cover prints), else Bitstream Vera, which reportlab
    ships (Western European letters; others print as a box)."""
    if "Record" in pdfmetrics.getRegisteredFontNames():
        return "Record", "Record-Bold"
    shipped = Path(reportlab.__file__).parent / "fonts"
    found = next(((folder / regular, folder / bold) for folder in _FONT_FOLDERS
                  for regular, bold in _FONT_FILES
                  if (folder / regular).is_file() and (folder / bold).is_file()),
                 (shipped / "Vera.ttf", shipped / "VeraBd.ttf"))
    pdfmetrics.registerFont(TTFont("Record", str(found[0])))
    pdfmetrics.registerFont(TTFont("Record-Bold", str(found[1])))
    return "Record", "Record-Bold"


class _NumberedCanvas(Canvas):
    """Holds each page until the end, so its foot can say "Page N of M"."""

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self._pages: list[dict[str, object]] = []

    def showPage(self) -> None:  # noqa: N802 - reportlab's name
        self._pages.append(dict(self.__dict__))
        self._startPage()

    def save(self) -> None:
        total = len(self._pages)
        for state in self._pages:
            self.__dict__.update(state)
            self.setFont("Record", 8)
            self.drawCentredString(self._pagesize[0] / 2, 6 * mm,
                                   f"Page {self._pageNumber} of {total}")
            super().showPage()
        super().save()


def record_pdf(activities: Sequence[Activity], *, name: str, start: date, end: date) -> bytes:
    """A printable record: heading, who and which period, the table (its heading repeated on
    every page), page numbers. User text is escaped: reportlab reads cells as markup."""
    regular, bold = _fonts()
    body = ParagraphStyle("body", fontName=regular, fontSize=9, leading=11)
    head = ParagraphStyle("head", parent=body, fontName=bold)
    line = ParagraphStyle("line", parent=body, fontSize=11, leading=15)
    title = ParagraphStyle("title", parent=body, fontName=bold, fontSize=16, leading=22)
    story: list[Flowable] = [
        Paragraph(TITLE, title),
        Paragraph(escape(f"Name: {name}" if name else "Name: (not set in Next Round)"), line),
        Paragraph(f"Period: {period_label(start, end)}", line),
        Paragraph(f"Activities: {len(activities)}", line),
        Spacer(1, 4 * mm),
    ]
    if not activities:
        story.append(Paragraph("No job-search activities were recorded in this period.", line))
    else:
        rows = [[Paragraph(h, head) for h in HEADER]]
        for activity in activities:
            day, *texts = activity.cells()
            rows.append([Paragraph(day_label(day, with_year=True), body),
                         *(Paragraph(escape(t), body) for t in texts)])
        table = Table(rows, colWidths=[w * mm for w in _WIDTHS], repeatRows=1)
        table.setStyle(TableStyle([("GRID", (0, 0), (-1, -1), 0.5, colors.black),
                                   ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#EEEEEE")),
                                   ("VALIGN", (0, 0), (-1, -1), "TOP")]))
        story.append(table)
    out = io.BytesIO()
    SimpleDocTemplate(out, pagesize=landscape(A4), leftMargin=10 * mm, rightMargin=10 * mm,
                      topMargin=10 * mm, bottomMargin=14 * mm, title=TITLE,
                      author=name, creator="Next Round").build(story,
                                                               canvasmaker=_NumberedCanvas)
    return out.getvalue()


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
