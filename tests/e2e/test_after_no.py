"""The path after a no in Chromium: a new user adds an application, marks it rejected, and
reaches the next company on their dream list by following only the primary buttons (and
typing where a step asks for words), on a desktop and a phone, light and dark. Each step is
screenshot to tests/e2e/screenshots/ for a person to look at."""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest
from playwright.sync_api import Browser, Locator, Page, expect

from nextround.store import Store
from tests.e2e.conftest import AppServer, Watch, goto, no_app_errors, screenshot, wait_idle

LOOKS = [("light", 1280, 900), ("dark", 1280, 900), ("light", 390, 844), ("dark", 390, 844)]


@pytest.fixture(autouse=True)
def _patient_expect() -> Iterator[None]:
    expect.set_options(timeout=20_000)
    yield
    expect.set_options(timeout=5_000)


def key(page: Page, name: str) -> Locator:
    return page.locator(f".st-key-{name}")


def primary(scope: Locator | Page, name: str) -> None:
    """Click the primary button called `name` (never any other kind), and wait for the
    rerun, or the page it opens, to settle."""
    page = scope if isinstance(scope, Page) else scope.page
    button = scope.locator('[data-testid="stBaseButton-primary"],'
                           ' [data-testid="stBaseButton-primaryFormSubmit"]').filter(
        has=page.get_by_text(name, exact=True))
    expect(button).to_have_count(1)
    button.click()
    page.wait_for_timeout(250)
    wait_idle(page)
    no_app_errors(page)


def look(page: Page, name: str, at: Locator | None = None) -> None:
    """What the user sees at this step (the panel scrolled into view), then the whole page."""
    wait_idle(page)
    if at is not None:
        at.scroll_into_view_if_needed()
    page.wait_for_timeout(500)
    screenshot(page, name, full_page=False)


def panel(page: Page, here: str) -> Locator:
    box = key(page, f"after_no_{here}")
    expect(box).to_be_visible()
    return box


@pytest.mark.parametrize(("scheme", "width", "height"), LOOKS,
                         ids=[f"{s}-{w}" for s, w, _ in LOOKS])
def test_from_a_no_to_the_next_company_by_the_primary_buttons(
        browser: Browser, server: AppServer, scheme: str, width: int, height: int) -> None:
    context = browser.new_context(viewport={"width": width, "height": height},
                                  color_scheme=scheme)
    page = context.new_page()
    watch = Watch(page, server.url)
    stem = f"after-no-{scheme}-{width}"
    try:
        goto(page, server.url, "")
        primary(page, "Start fresh")
        expect(page.get_by_role("heading", name="Applications")).to_be_visible()
        key(page, "add_app_company").locator("input").fill("Acme Analytics")
        key(page, "add_app_role").locator("input").fill("Data engineer")
        key(page, "add_app_contact_name").locator("input").fill("Ana Ruiz")
        key(page, "add_app_contact_email").locator("input").fill("ana@acme.example")
        primary(key(page, "add_app_submit"), "Add application")
        detail = key(page, "app_detail")
        expect(detail.get_by_text("Acme Analytics · Data engineer")).to_be_visible()

        # The no comes in: the stage form proposes the next stage, the user picks Rejected.
        stage = key(page, "stage_app_stage").locator('[role="combobox"]').first
        stage.click()
        stage.press_sequentially("Rejec")
        page.get_by_role("option", name="Rejected", exact=True).click()
        wait_idle(page)
        primary(key(page, "stage_app_submit"), "Save stage change")
        box = panel(page, "applications")
        expect(box.get_by_text("After the no from Acme Analytics")).to_be_visible()
        expect(box.get_by_text("Step 1 of 5: Reply")).to_be_visible()
        look(page, f"{stem}-1-offered", box)

        # 1. Reply: Respond opens on this application with the thank-you drafted.
        primary(box, "Write the thank-you")
        expect(page.get_by_role("heading", name="Respond")).to_be_visible()
        body = key(page, "respond_body").locator("textarea")
        expect(body).to_have_value(re.compile(r"^Hi Ana,", re.S))
        look(page, f"{stem}-2-reply", panel(page, "respond"))
        primary(key(page, "respond_mark_sent"), "Mark as sent")

        # 2. Ask for feedback: the request is drafted on the same page.
        box = panel(page, "respond")
        expect(box.get_by_text("Step 2 of 5: Ask for feedback")).to_be_visible()
        primary(box, "Draft the feedback request")
        expect(body).to_have_value(re.compile(r"feedback", re.S))
        look(page, f"{stem}-3-feedback", panel(page, "respond"))
        primary(key(page, "respond_mark_sent"), "Mark as sent")

        # 3. Reflect: the reflection starts about this application.
        box = panel(page, "respond")
        expect(box.get_by_text("Step 3 of 5: Reflect")).to_be_visible()
        primary(box, "Reflect on it")
        expect(page.get_by_role("heading", name="Reflect", exact=True)).to_be_visible()
        look(page, f"{stem}-4-reflect", panel(page, "reflect"))
        for step in range(7):
            form = page.locator('[data-testid="stForm"]')
            expect(page.get_by_text(f"Step {step + 1} of 7")).to_be_visible()
            if step == 6:
                form.get_by_text("No", exact=True).click()
            primary(form, "See my summary" if step == 6 else "Next")
        primary(page, "Finish")

        # 4. Look after yourself: the check-in.
        box = panel(page, "reflect")
        expect(box.get_by_text("Step 4 of 5: Look after yourself")).to_be_visible()
        primary(box, "Take the check-in")
        expect(page.get_by_role("heading", name="Weekly check-in")).to_be_visible()
        look(page, f"{stem}-5-care", panel(page, "checkin"))
        for number in range(1, 6):
            key(page, f"checkin_item_{number}").get_by_text(
                "More than half of the time", exact=True).click()
        primary(key(page, "checkin_save"), "Save my check-in")

        # 5. The next company: the dream list is empty, so it is added right there.
        box = panel(page, "checkin")
        expect(box.get_by_text("Step 5 of 5: The next company")).to_be_visible()
        look(page, f"{stem}-6-next", box)
        box.get_by_label("Company").fill("Globex")
        box.get_by_label("Role (optional)").fill("Platform engineer")
        primary(box, "Add it as my next company")
        box = panel(page, "checkin")
        expect(box.get_by_text("You've walked the whole path")).to_be_visible()
        expect(box.get_by_text("Next up on your dream list: Globex · Platform engineer")
               ).to_be_visible()
        look(page, f"{stem}-7-done", box)
        assert watch.errors() == [] and watch.foreign_requests() == []
    finally:
        context.close()
    store = Store(server.db)
    try:
        assert {t: store.count(t) for t in ("drafts", "feedback_requests", "reflections",
                                            "checkins", "targets")} == {
            "drafts": 2, "feedback_requests": 1, "reflections": 1, "checkins": 1, "targets": 1}
    finally:
        store.dispose()
