"""The work-search record's files, read back the way their reader would: the CSV by a CSV
reader, the workbook by openpyxl, the PDF's text by pypdf."""

from __future__ import annotations

import csv
import io
from datetime import date

import openpyxl
import pypdf

from nextround.reports.record_files import record_bytes
from nextround.reports.work_search import HEADER, Activity

START, END = date(2026, 11, 1), date(2026, 11, 30)
ACTIVITIES = [
    Activity(date(2026, 11, 3), "=HYPERLINK(\"http://evil\")", "Engineer", "Online",
             "Ada Byron <ada@acme.example>", "Applied; awaiting reply"),
    Activity(date(2026, 11, 9), "Zoë & Søn", "Analyst", "Email", "", "Moved to Interviewing"),
    Activity(date(2026, 11, 10), "<b>Bold</b> Ltd", "<font size=40>Big</font>", "Phone", "",
             "Applied"),
]


def _write(suffix: str, activities: list[Activity] = ACTIVITIES) -> bytes:
    return record_bytes(activities, suffix, name="Zoë Example", start=START, end=END)


def test_the_csv_has_the_header_iso_dates_and_formulas_made_inert() -> None:
    text = _write(".csv").decode("utf-8")
    assert text.startswith("\ufeff")
    rows = list(csv.reader(io.StringIO(text[1:])))
    assert rows[0] == list(HEADER)
    assert rows[1][:2] == ["2026-11-03", "'=HYPERLINK(\"http://evil\")"]
    assert rows[2] == ["2026-11-09", "Zoë & Søn", "Analyst", "Email", "",
                       "Moved to Interviewing"]


def test_the_workbook_has_date_cells_and_no_formula() -> None:
    sheet = openpyxl.load_workbook(io.BytesIO(_write(".xlsx"))).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0] == HEADER
    assert rows[1][0].date() == date(2026, 11, 3)
    assert rows[1][1] == "'=HYPERLINK(\"http://evil\")"
    assert sheet.cell(2, 2).data_type == "s"  # text, not a formula
    assert rows[2][1:] == ("Zoë & Søn", "Analyst", "Email", None, "Moved to Interviewing")
    assert len(rows) == 4


def test_the_pdf_names_the_person_and_period_and_lists_every_activity() -> None:
    reader = pypdf.PdfReader(io.BytesIO(_write(".pdf")))
    text = " ".join(reader.pages[0].extract_text().split())
    assert "Record of job-search activities" in text
    assert "Name: Zoë Example" in text
    assert "Period: 1 Nov 2026 to 30 Nov 2026" in text
    assert "Date Employer Position How Contact Result" in text
    assert "3 Nov 2026" in text and "Zoë & Søn" in text and "Moved to Interviewing" in text
    assert "<b>Bold</b> Ltd" in text and "<font size=40>Big</font>" in text  # never markup
    assert "Page 1 of 1" in text


def test_a_long_pdf_repeats_its_heading_and_numbers_every_page() -> None:
    many = [Activity(date(2026, 11, 1 + i % 30), f"Employer {i}", "Role", "Online", "", "Applied")
            for i in range(120)]
    reader = pypdf.PdfReader(io.BytesIO(_write(".pdf", many)))
    pages = len(reader.pages)
    assert pages > 1
    for number, page in enumerate(reader.pages, start=1):
        text = " ".join(page.extract_text().split())
        assert "Date Employer Position How Contact Result" in text
        assert f"Page {number} of {pages}" in text
    everything = " ".join(p.extract_text() for p in reader.pages)
    assert all(f"Employer {i}\n" in everything or f"Employer {i} " in everything
               for i in range(120))


def test_an_empty_period_says_so_in_the_pdf() -> None:
    text = pypdf.PdfReader(io.BytesIO(_write(".pdf", []))).pages[0].extract_text()
    assert "No job-search activities were recorded in this period." in text
