"""Your data in Chromium: upload a spreadsheet, check the preview, import it; settings save."""

from __future__ import annotations

from pathlib import Path

from playwright.sync_api import Page, expect

from nextround import transfer
from nextround.store import Store
from tests import factories
from tests.e2e.conftest import goto, no_app_errors, wait_idle
from tests.e2e.conftest import screenshot as _screenshot

SHEET = ("Organization;Job Title;Applied On;Status;Notes\n"
         "Acme;Engineer;2026-01-05;Applied;<img src=x onerror=alert(1)>\n"
         "Beta GmbH;Designer;2026-02-01;Phone call;[x](javascript:alert(1))\n"
         "Gamma;PM;2026-03-01;No response;$5k–$10k\n")


def screenshot(page: Page, name: str) -> None:
    """Tables draw on a canvas a moment after the script finishes; wait for them."""
    page.wait_for_timeout(900)
    _screenshot(page, name)


def _tall(page: Page) -> None:
    """Streamlit scrolls inside the app, so a full-page screenshot needs a tall window."""
    page.set_viewport_size({"width": 1280, "height": 2400})


def _tab(page: Page, name: str) -> None:
    page.get_by_role("tab", name=name).click()
    wait_idle(page)


def _upload(page: Page, tmp_path: Path) -> None:
    sheet = tmp_path / "old-tracker.csv"
    sheet.write_text(SHEET, encoding="utf-8")
    page.locator('[data-testid="stFileUploaderDropzoneInput"]').first.set_input_files(str(sheet))
    wait_idle(page)
    expect(page.get_by_text("A spreadsheet from another tracker, 3 rows.")).to_be_visible()


def test_upload_a_csv_preview_map_and_import(page: Page, server, watch, tmp_path: Path) -> None:
    _tall(page)
    goto(page, server.url, "data")
    no_app_errors(page)
    _tab(page, "Import")
    _upload(page, tmp_path)
    # One status needs a decision; until then nothing can be imported.
    expect(page.get_by_text("1 problem to fix first")).to_be_visible()
    screenshot(page, "data-import-preview-light")
    page.locator('[data-testid="stSelectbox"]', has_text="phone call").click()
    page.get_by_role("option", name="Screening").click()
    wait_idle(page)
    confirm = page.get_by_role("button", name="Import 3 applications")
    expect(confirm).to_be_visible()
    screenshot(page, "data-import-ready-light")
    confirm.click()
    wait_idle(page)
    expect(page.get_by_text("Imported 3 rows.").first).to_be_visible()
    no_app_errors(page)
    rows = Store(server.db).transfer.export_rows()["applications"]
    assert [(r["company"], r["stage"]) for r in rows] == [
        ("Acme", "applied"), ("Beta GmbH", "screening"), ("Gamma", "ghosted")]
    assert rows[0]["notes"] == "<img src=x onerror=alert(1)>"
    assert watch.dialogs == [] and watch.foreign_requests() == []
    # In the dark theme too.
    page.emulate_media(color_scheme="dark")
    page.reload()
    wait_idle(page)
    _tab(page, "Import")
    _upload(page, tmp_path)
    screenshot(page, "data-import-preview-dark")


def test_settings_and_other_tabs_render(page: Page, server) -> None:
    _tall(page)
    goto(page, server.url, "data")
    page.get_by_label("Your name", exact=True).fill("Ana")
    page.get_by_role("button", name="Save settings").click()
    wait_idle(page)
    assert Store(server.db).settings.get().name == "Ana"
    screenshot(page, "data-settings-light")
    _tab(page, "Export")
    with page.expect_download() as info:
        page.get_by_role("button", name="Download applications (CSV)").click()
    downloaded = Path(info.value.path()).read_bytes()
    assert downloaded == transfer.export_csv(Store(server.db))
    for name in ("Export", "Backup and restore", "Delete"):
        _tab(page, name)
        no_app_errors(page)
        screenshot(page, f"data-{name.split()[0].lower()}-light")
    page.emulate_media(color_scheme="dark")
    page.reload()
    wait_idle(page)
    screenshot(page, "data-settings-dark")
    _tab(page, "Delete")
    screenshot(page, "data-delete-dark")


def test_backup_then_restore_in_the_browser(page: Page, server) -> None:

    seeded = Store(server.db)
    factories.application(seeded, "Kept", applied_on="2026-01-05")
    seeded.dispose()
    _tall(page)
    goto(page, server.url, "data")
    _tab(page, "Backup and restore")
    page.get_by_role("button", name="Back up now").click()
    wait_idle(page)
    factories.application(Store(server.db), "Later", applied_on="2026-01-06")
    page.locator('[data-testid="stSelectbox"]', has_text="Backup").click()
    page.get_by_role("option").first.click()
    wait_idle(page)
    screenshot(page, "data-restore-light")
    page.get_by_text("Replace my current data with this backup").click()
    wait_idle(page)
    page.get_by_role("button", name="Restore", exact=True).click()
    expect(page.get_by_text("Restored. Your previous data was backed up first.")).to_be_visible(
        timeout=20_000)
    wait_idle(page)
    no_app_errors(page)
    assert [r["company"] for r in Store(server.db).transfer.export_rows()["applications"]] == [
        "Kept"]
    page.emulate_media(color_scheme="dark")
    page.reload()
    wait_idle(page)
    _tab(page, "Backup and restore")
    screenshot(page, "data-backups-dark")
