"""The weekly check-in in a real browser: fill the form, see the result view (with the gentle
prompt when low), download the calendar reminder, in light and dark. Screenshots are saved
under tests/e2e/screenshots/ for a person to look at."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from icalendar import Calendar
from playwright.sync_api import Page, expect

from nextround import wellbeing
from nextround.store import Store
from nextround.wellbeing import CheckIn
from tests import factories
from tests.e2e.conftest import AppServer, goto, no_app_errors, open_expander, screenshot, wait_idle

TODAY = date(2026, 11, 25)
# Earlier weeks: (weeks ago, WHO-5 answers, stress); a realistic dip and recovery.
HISTORY = [(6, [4, 3, 3, 3, 4], 4), (5, [3, 3, 3, 2, 3], 5), (4, [2, 2, 3, 2, 3], 7),
           (3, [3, 2, 3, 3, 3], 6), (1, [3, 3, 3, 3, 4], 5)]


def seed(db) -> None:  # noqa: ANN001
    store = Store(db)
    for weeks_ago, items, stress in HISTORY:
        wellbeing.save_checkin(store, CheckIn(items=items, stress=stress, hours=10,
                                              self_care=("sleep", "people"),
                                              win="Sent two applications"),
                               day=TODAY - timedelta(weeks=weeks_ago))
    for i in range(24):
        factories.application(store, f"Company {i}", role="Data analyst",
                              applied_on=TODAY - timedelta(days=3 * i + 1))
    store.dispose()


def open_checkin(page: Page, server: AppServer) -> None:
    """Straight to its address, as a bookmark or a reload does (test_navigation.py)."""
    goto(page, server.url, "checkin")
    expect(page.locator('[data-testid="stSidebarNavLink"]', has_text="Check-in")).to_be_visible(
        timeout=30_000)
    # On a busy machine the new page can still be drawing just after navigation.
    expect(page.locator(".st-key-checkin_ics")).to_be_visible(timeout=30_000)
    wait_idle(page)


def answer(page: Page, key: str, label: str) -> None:
    page.locator(f".st-key-{key}").get_by_text(label, exact=True).click()


def fill_form(page: Page, items: list[str], stress: str) -> None:
    for number, label in enumerate(items, start=1):
        answer(page, f"checkin_item_{number}", label)
    page.locator(".st-key-checkin_stress").get_by_text(stress, exact=True).click()
    page.locator(".st-key-checkin_hours input").fill("9")
    for care in ("Enough sleep", "Something fun"):
        page.locator(".st-key-checkin_self_care input").click()
        page.get_by_role("option", name=care).click()
    page.keyboard.press("Escape")
    page.locator(".st-key-checkin_win input").fill("<img src=x onerror=alert(1)> recruiter call")
    page.locator(".st-key-checkin_let_go textarea").fill("[x](javascript:alert(1)) that email")


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_checkin_form_and_low_result(page: Page, server: AppServer, scheme: str) -> None:
    seed(server.db)
    dialogs: list[str] = []
    page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
    page.emulate_media(color_scheme=scheme)
    page.set_viewport_size({"width": 1280, "height": 1900})  # the whole page in one shot
    open_checkin(page, server)
    no_app_errors(page)
    expect(page.get_by_text("I have felt cheerful and in good spirits")).to_be_visible()
    expect(page.get_by_text("Over the last two weeks")).to_be_visible()
    screenshot(page, f"checkin-form-{scheme}")

    fill_form(page, ["Some of the time", "Less than half of the time",
                     "Less than half of the time", "More than half of the time",
                     "Less than half of the time"], "8")
    page.locator(".st-key-checkin_save button").click()
    wait_idle(page)
    no_app_errors(page)
    expect(page.get_by_text("A harder stretch", exact=False)).to_be_visible()
    prompt = page.locator(".st-key-checkin_low_prompt")
    expect(prompt).to_be_visible()
    chart = page.locator(".st-key-checkin_trend")
    expect(chart).to_be_visible()
    assert prompt.bounding_box()["y"] < chart.bounding_box()["y"], "prompt must be above chart"
    expect(page.get_by_text("<img src=x onerror=alert(1)> recruiter call")).to_be_visible()
    page.wait_for_timeout(500)  # let the chart finish drawing
    screenshot(page, f"checkin-result-{scheme}")
    page.set_viewport_size({"width": 390, "height": 3200})  # a phone
    page.wait_for_timeout(800)
    screenshot(page, f"checkin-result-{scheme}-phone")
    assert dialogs == []


def test_second_checkin_asks_before_replacing_and_reminder_downloads(
        page: Page, server: AppServer) -> None:
    store = Store(server.db)
    wellbeing.save_checkin(store, CheckIn(items=[4, 4, 4, 4, 4], stress=3), day=TODAY)
    store.dispose()
    open_checkin(page, server)
    no_app_errors(page)
    expect(page.get_by_text("You've checked in this week")).to_be_visible()
    expect(page.locator(".st-key-checkin_low_prompt")).to_have_count(0)

    open_expander(page, "Change this week's answers")
    expect(page.locator(".st-key-checkin_save button")).to_be_enabled()
    answer(page, "checkin_item_1", "Some of the time")
    expect(page.locator(".st-key-checkin_item_1").get_by_role(
        "radio", name="Some of the time")).to_be_checked()
    page.locator(".st-key-checkin_save button").click()
    wait_idle(page)
    expect(page.locator(".st-key-checkin_confirm")).to_be_visible()
    screenshot(page, "checkin-confirm-light", full_page=False)
    page.locator(".st-key-checkin_replace button").click()
    wait_idle(page)
    no_app_errors(page)
    expect(page.get_by_text("68%", exact=True)).to_be_visible()  # 1+4+4+4+4 = 17 → 68%

    wait_idle(page)
    with page.expect_download() as download_info:
        page.locator(".st-key-checkin_ics button").click()
    download = download_info.value
    assert download.suggested_filename.endswith(".ics")
    calendar = Calendar.from_ical(open(download.path(), "rb").read())
    events = list(calendar.walk("VEVENT"))
    assert len(events) == 1 and events[0]["RRULE"]["FREQ"] == ["WEEKLY"]
