"""Issue 18: each tool's export, as its documented layout writes it, imports field by field
into the applications and dream-job rows expected (`nextround.transfer.sources`)."""

from __future__ import annotations

import dataclasses
import json

import pytest

from nextround import transfer
from nextround.store import Store
from nextround.transfer import Choices

EMPTY = {"location": "", "source": "", "link": "", "contact_name": "", "contact_email": "",
         "notes": "", "role": ""}


def _apps(store: Store) -> list[dict]:
    keep = ("company", "role", "stage", "applied_on", "stage_on", "location", "source", "link",
            "contact_name", "contact_email", "notes")
    return [{k: r[k] for k in keep} for r in store.transfer.export_rows()["applications"]]


def _dream(store: Store) -> list[tuple[str, str, str]]:
    return [(t.company, t.role, t.status) for t in store.dream_list.entries()]


def _app(**values: str) -> dict:
    row = {**EMPTY, **values}
    row.setdefault("stage_on", row["applied_on"])
    return row


HUNTR = (
    "id,createdAt,title,salary,location,url,rootDomain,htmlDescription,deadline,color,"
    "lastMovedAt,boardId,boardName,listId,listName,companyId,companyName,companyDomain,"
    "creatorUserId,creatorUserFirstName,creatorUserLastName,creatorUserEmail\n"
    "a1,2026-02-26 19:17:05,Backend Engineer,-,Berlin,https://jobs.example/1,-,-,-,-,-,b1,"
    "Search 2026,l1,Applied,c1,Acme,acme.example,u1,Sam,Lee,sam@example.com\n"
    "a2,2026-02-26 23:30:00,Data Engineer,-,-,-,-,-,-,-,2026-04-11 16:47:21,b1,Search 2026,"
    "l2,Rejected,c2,Globex,globex.example,u1,Sam,Lee,sam@example.com\n"
    "a3,2026-03-01 10:00:00,Platform Engineer,-,-,-,-,-,-,-,-,b1,Search 2026,l3,Wishlist,c3,"
    "Initech,initech.example,u1,Sam,Lee,sam@example.com\n")


def test_huntr_board_export(store: Store) -> None:
    found = transfer.preview(store, HUNTR.encode())
    assert found.ok, found.errors
    assert found.source == "huntr" and found.source_label == "A Huntr board export"
    result = transfer.import_file(store, HUNTR.encode())
    assert result.written == 2 and result.dream_written == 1
    # "-" is empty; times are UTC, so 23:30 UTC is the next day in the user's zone (UTC here).
    assert _apps(store) == [
        _app(company="Acme", role="Backend Engineer", stage="applied", applied_on="2026-02-26",
             location="Berlin", link="https://jobs.example/1"),
        _app(company="Globex", role="Data Engineer", stage="rejected", applied_on="2026-02-26",
             stage_on="2026-04-11"),
    ]
    assert _dream(store) == [("Initech", "Platform Engineer", "researching")]


def test_huntr_times_become_the_users_day(store: Store) -> None:
    store.settings.save(dataclasses.replace(store.settings.get(), timezone="Pacific/Auckland"))
    found = transfer.preview(store, HUNTR.encode())
    assert [r["applied_on"] for r in found.rows] == ["2026-02-27", "2026-02-27"]


TEAL = ("Company,Job Position,Location,Min. Salary,Max. Salary,Status,Date Saved,"
        "Date Applied,Follow Up,Excitement,URL,Notes\n"
        "Acme,Designer,Remote,90000,120000,Applied,05/01/2026,05/20/2026,,4,"
        "https://teal.example/1,Sent a portfolio\n"
        "Globex,Product Designer,,,,Negotiating,05/02/2026,05/10/2026,,5,,\n"
        "Initech,UX Lead,,,,Not Selected,05/03/2026,06/01/2026,,3,,\n"
        "Hooli,Researcher,,,,Bookmarked,05/04/2026,,,2,,\n"
        "Umbrella,Writer,,,,Applying,05/05/2026,,,2,,\n"
        "Vandelay,Analyst,,,,No Response,05/05/2026,05/06/2026,,1,,\n")


def test_teal_job_tracker_export(store: Store) -> None:
    found = transfer.preview(store, TEAL.encode())
    assert found.ok, found.errors
    assert found.source == "teal" and found.date_order == "month first"  # 05/20 decides
    transfer.import_file(store, TEAL.encode())
    assert _apps(store) == [
        _app(company="Acme", role="Designer", stage="applied", applied_on="2026-05-20",
             location="Remote", link="https://teal.example/1", notes="Sent a portfolio"),
        _app(company="Globex", role="Product Designer", stage="offer", applied_on="2026-05-10"),
        _app(company="Initech", role="UX Lead", stage="rejected", applied_on="2026-06-01"),
        _app(company="Vandelay", role="Analyst", stage="ghosted", applied_on="2026-05-06"),
    ]
    assert sorted(_dream(store)) == [("Hooli", "Researcher", "researching"),
                                     ("Umbrella", "Writer", "researching")]


LINKEDIN = ("Application Date,Contact Email,Contact Phone Number,Company Name,Job Title,"
            "Job Url,Resume Name,Question And Answers\n"
            "\"8/15/26, 1:32 PM\",recruiter@globex.example,,Globex,Analyst,"
            "https://www.linkedin.com/jobs/view/3,cv.pdf,Years of SQL?:4\n"
            "\"3/4/26, 9:05 AM\",,,Acme,Engineer,https://www.linkedin.com/jobs/view/4,cv.pdf,\n")
LINKEDIN_SAVED = ("Saved Date,Job Url,Job Title,Company Name\n"
                  "\"9/1/26, 9:00 AM\",https://www.linkedin.com/jobs/view/1,Lead,Northwind\n"
                  "\"8/1/26, 9:00 AM\",https://www.linkedin.com/jobs/view/2,Designer,Acme\n")


def test_linkedin_archive_applications_and_saved_jobs(store: Store) -> None:
    transfer.import_file(store, LINKEDIN.encode())
    # Month first is LinkedIn's documented order: 3/4/26 is 4 March. The channel is LinkedIn.
    assert _apps(store) == [
        _app(company="Globex", role="Analyst", stage="applied", applied_on="2026-08-15",
             source="LinkedIn", link="https://www.linkedin.com/jobs/view/3",
             contact_email="recruiter@globex.example"),
        _app(company="Acme", role="Engineer", stage="applied", applied_on="2026-03-04",
             source="LinkedIn", link="https://www.linkedin.com/jobs/view/4"),
    ]
    saved = transfer.preview(store, LINKEDIN_SAVED.encode())
    assert saved.source == "linkedin-saved" and not saved.rows and saved.ok
    assert [(r["company"], r["role"]) for r in saved.dream_rows] == [("Northwind", "Lead"),
                                                                     ("Acme", "Designer")]
    transfer.import_file(store, LINKEDIN_SAVED.encode())
    assert sorted(_dream(store)) == [("Acme", "Designer", "researching"),
                                     ("Northwind", "Lead", "researching")]
    again = transfer.preview(store, LINKEDIN_SAVED.encode())
    assert [(c, why) for _, c, why in again.dream_skipped] == [
        ("Northwind", "already on your dream-job list"), ("Acme", "already on your dream-job list")]


SIMPLIFY = ("Company,Position,Status,Date Applied,Location,Job URL,Notes\n"
            "Acme,Intern,Screen,2026-03-02,NYC,https://simplify.example/1,\n"
            "Globex,Intern,Saved,,,,\n"
            "Initech,Intern,Interviewing,2026-03-05,,,\n")


def test_simplify_export_reads_by_column_names(store: Store) -> None:
    found = transfer.preview(store, SIMPLIFY.encode())
    assert found.ok, found.errors
    assert found.source == "templates"  # no public layout: honest provenance, not a guess
    transfer.import_file(store, SIMPLIFY.encode())
    assert _apps(store) == [
        _app(company="Acme", role="Intern", stage="screening", applied_on="2026-03-02",
             location="NYC", link="https://simplify.example/1"),
        _app(company="Initech", role="Intern", stage="interviewing", applied_on="2026-03-05"),
    ]
    assert _dream(store) == [("Globex", "Intern", "researching")]


NOTION = ("\ufeffCompany,Position,Status,Date Applied,URL,Created time\n"
          "Acme,Engineer,Applied,\"January 15, 2026\",https://acme.example,"
          "\"January 15, 2026 3:45 PM\"\n"
          "Globex,Engineer,Not started,,,\"January 16, 2026 9:00 AM\"\n"
          "Initech,Engineer,Interviewing,\"February 2, 2026 → February 4, 2026\",,"
          "\"February 1, 2026 9:00 AM\"\n")


def test_notion_database_export(store: Store) -> None:
    found = transfer.preview(store, NOTION.encode(), choices=Choices(date_format="auto"))
    assert found.ok, found.errors
    transfer.import_file(store, NOTION.encode(), choices=Choices(date_format="auto"))
    assert _apps(store) == [
        _app(company="Acme", role="Engineer", stage="applied", applied_on="2026-01-15",
             link="https://acme.example"),
        _app(company="Initech", role="Engineer", stage="interviewing",
             applied_on="2026-02-02"),
    ]
    assert _dream(store) == [("Globex", "Engineer", "researching")]


SHEETS = ("My job search 2026,,,,,,\n"
          ",,,,,,\n"
          "Company,Position,Date Applied,Status,Contact Person,Job Posting,Where did you find it\n"
          "Acme,Engineer,14/01/2026,Applied,Dana Scully,https://acme.example/j,Referral\n"
          "Globex,Engineer,03/02/2026,Interview,,,LinkedIn\n")


def test_google_sheets_template_with_title_rows_and_day_first_dates(store: Store) -> None:
    found = transfer.preview(store, SHEETS.encode(), choices=Choices(date_format="auto"))
    assert found.ok, found.errors
    assert found.date_order == "day first"  # 14/01 decides, so 03/02 is 3 February
    transfer.import_file(store, SHEETS.encode(), choices=Choices(date_format="auto"))
    assert _apps(store) == [
        _app(company="Acme", role="Engineer", stage="applied", applied_on="2026-01-14",
             contact_name="Dana Scully", link="https://acme.example/j", source="Referral"),
        _app(company="Globex", role="Engineer", stage="interviewing", applied_on="2026-02-03",
             source="LinkedIn"),
    ]
    problems = transfer.preview(store, SHEETS.replace("Company", "Firma").encode(),
                                choices=Choices(date_format="auto"))
    assert problems.errors  # line numbers count the title rows, as the spreadsheet shows


def test_ambiguous_dates_are_asked_and_disagreeing_dates_refused(store: Store) -> None:
    data = b"Company,Date applied\nA,03/04/2026\nB,05/06/2026\n"
    asked = transfer.preview(store, data, choices=Choices(date_format="auto"))
    assert asked.date_question and not asked.rows
    assert "could be day first or month first" in asked.errors[0].message
    answered = transfer.preview(store, data, choices=Choices(date_format="auto",
                                                             date_order="day first"))
    assert [r["applied_on"] for r in answered.rows] == ["2026-04-03", "2026-06-05"]
    mixed = transfer.preview(store, b"Company,Date applied\nA,25/03/2026\nB,03/25/2026\n",
                             choices=Choices(date_format="auto"))
    assert "line 2 has the day first and line 3 has the month first" in mixed.errors[0].message


def test_our_own_json_and_another_tools_json(store: Store) -> None:
    records = [{"company": "Acme", "title": "Engineer", "status": "Offer",
                "dateApplied": "2026-03-01T10:00:00Z", "tags": ["remote", "python"]},
               {"company": "Globex", "title": "Engineer", "status": "wishlist"}]
    wrapped = json.dumps({"jobs": records}).encode()
    found = transfer.preview(store, wrapped, choices=Choices(date_format="auto"))
    assert found.needs_mapping and found.guesses["applied_on"] == "dateApplied"
    mapped = Choices(date_format="auto", columns=(("company", "company"), ("role", "title"),
                                                  ("applied_on", "dateApplied"),
                                                  ("stage", "status")))
    transfer.import_file(store, wrapped, choices=mapped)
    assert _apps(store) == [_app(company="Acme", role="Engineer", stage="offer",
                                 applied_on="2026-03-01")]
    assert _dream(store) == [("Globex", "Engineer", "researching")]


def test_windows_1252_is_named_and_converted_only_when_agreed(store: Store) -> None:
    data = "Firma;Position;Datum;Status\nSociété Générale;Analyst;25.03.2026;Beworben\n" \
        .encode("cp1252")
    refused = transfer.preview(store, data)
    assert refused.encoding_question == "cp1252" and "Windows-1252" in refused.errors[0].message
    agreed = Choices(encoding="cp1252", date_format="auto",
                     columns=(("company", "Firma"), ("role", "Position"),
                              ("applied_on", "Datum"), ("stage", "Status")),
                     status_overrides=(("beworben", "applied"),))
    found = transfer.preview(store, data, choices=agreed)
    assert found.ok, found.errors
    assert found.delimiter == ";" and found.date_order == "day first"
    assert found.rows[0]["company"] == "Société Générale"
    assert found.rows[0]["applied_on"] == "2026-03-25"


@pytest.mark.parametrize("saved", [True, False])
def test_saved_rows_go_to_the_dream_list_only_when_chosen(store: Store, saved: bool) -> None:
    transfer.import_file(store, TEAL.encode(), choices=Choices(dream_list=saved))
    assert len(_dream(store)) == (2 if saved else 0)
    assert store.count("applications") == 4


def test_fifty_thousand_rows_of_a_workbook_import_in_time_with_progress(store: Store) -> None:
    import io
    import time
    from datetime import date, timedelta

    import openpyxl

    book = openpyxl.Workbook(write_only=True)
    sheet = book.create_sheet("Applications")
    sheet.append(["Company", "Position", "Date Applied", "Status", "Notes"])
    for i in range(transfer.MAX_ROWS):
        sheet.append([f"Company {i}", f"Role {i % 97}", date(2024, 1, 1) + timedelta(i % 600),
                      ["Applied", "Rejected", "Interview", "Wishlist"][i % 4], f"note {i}"])
    buffer = io.BytesIO()
    book.save(buffer)
    seen: list[int] = []
    started = time.process_time()  # the import's own CPU time (see the CSV test's note)
    result = transfer.import_file(store, buffer.getvalue(), duplicates="import",
                                  progress=lambda done, total: seen.append(done))
    elapsed = time.process_time() - started
    assert result.written == 37_500 and result.dream_written == 12_500
    assert seen[-1] == 37_500 and len(seen) > 10
    assert elapsed < 30, f"50,000 rows of a workbook took {elapsed:.1f} s"
