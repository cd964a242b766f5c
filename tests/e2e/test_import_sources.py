"""Issue 18 in Chromium: a file in a layout the project hasn't seen goes through the mapping
step ("Which column is the company?") and imports; a Huntr board export is recognised, and
its wishlist card is offered for the dream-job list."""

from __future__ import annotations

from pathlib import Path

from playwright.sync_api import Page, expect

from nextround.store import Store
from tests.e2e.conftest import goto, no_app_errors, wait_idle
from tests.e2e.conftest import screenshot as _screenshot

UNSEEN = ("Firm Name,Job,When,Where\n"
          "Acme,Engineer,2026-01-05,Berlin\n"
          "Beta GmbH,Designer,2026-02-01,\n")
HUNTR = ("id,createdAt,title,salary,location,url,rootDomain,htmlDescription,deadline,color,"
         "lastMovedAt,boardId,boardName,listId,listName,companyId,companyName,companyDomain\n"
         "a1,2026-02-26 09:17:05,Backend Engineer,-,Berlin,-,-,-,-,-,-,b1,Search,l1,Applied,"
         "c1,Acme,acme.example\n"
         "a2,2026-03-01 10:00:00,Platform Engineer,-,-,-,-,-,-,-,-,b1,Search,l3,Wishlist,c3,"
         "Initech,initech.example\n")


def _shot(page: Page, name: str) -> None:
    page.wait_for_timeout(900)  # tables draw on a canvas a moment after the script finishes
    _screenshot(page, name)


def _open_import(page: Page, url: str) -> None:
    goto(page, url, "data")
    page.get_by_role("tab", name="Import").click()
    wait_idle(page)


def _upload(page: Page, path: Path) -> None:
    page.locator('[data-testid="stFileUploaderDropzoneInput"]').first.set_input_files(str(path))
    wait_idle(page)


def _pick(page: Page, label: str, option: str) -> None:
    page.locator('[data-testid="stSelectbox"]', has_text=label).click()
    page.get_by_role("option", name=option, exact=True).click()
    wait_idle(page)


def test_an_unseen_layout_is_mapped_and_imported(page: Page, server, watch,
                                                 tmp_path: Path) -> None:
    page.set_viewport_size({"width": 1280, "height": 2400})
    sheet = tmp_path / "my-sheet.csv"
    sheet.write_text(UNSEEN, encoding="utf-8")
    _open_import(page, server.url)
    _upload(page, sheet)
    no_app_errors(page)
    expect(page.get_by_text("Which column is the company?")).to_be_visible()
    expect(page.get_by_role("button", name="Import 2 applications")).to_have_count(0)
    _shot(page, "import-mapping-light")
    _pick(page, "Which column is the date you applied?", "When")
    _pick(page, "Location", "Where")
    confirm = page.get_by_role("button", name="Import 2 applications")
    expect(confirm).to_be_visible()
    confirm.click()
    wait_idle(page)
    expect(page.get_by_text("Imported 2 rows.").first).to_be_visible()
    no_app_errors(page)
    rows = Store(server.db).transfer.export_rows()["applications"]
    assert [(r["company"], r["applied_on"], r["location"]) for r in rows] == [
        ("Acme", "2026-01-05", "Berlin"), ("Beta GmbH", "2026-02-01", "")]
    assert watch.foreign_requests() == []


def test_a_huntr_export_is_recognised_and_its_wishlist_offered(page: Page, server,
                                                               tmp_path: Path) -> None:
    board = tmp_path / "huntr.csv"
    board.write_text(HUNTR, encoding="utf-8")
    for scheme, width, height in (("light", 1280, 2400), ("dark", 390, 2400)):
        page.emulate_media(color_scheme=scheme)
        page.set_viewport_size({"width": width, "height": height})
        _open_import(page, server.url)
        _upload(page, board)
        no_app_errors(page)
        expect(page.get_by_text("A Huntr board export, 2 rows.")).to_be_visible()
        expect(page.get_by_text("Saved, never applied to")).to_be_visible()
        _shot(page, f"import-huntr-{scheme}-{width}")
    page.get_by_role("button", name="Import 1 application and 1 dream-job company").click()
    wait_idle(page)
    expect(page.get_by_text("added 1 company to your dream-job list")).to_be_visible()
    store = Store(server.db)
    assert [r["company"] for r in store.transfer.export_rows()["applications"]] == ["Acme"]
    assert [t.company for t in store.dream_list.entries()] == ["Initech"]
