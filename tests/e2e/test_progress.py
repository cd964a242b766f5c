"""The progress page in Chromium: the welcome, the charts on data, light and dark."""

from __future__ import annotations

from datetime import date

from playwright.sync_api import Page, expect

from nextround import demo
from nextround.store import Store
from tests.e2e.conftest import goto, no_app_errors, screenshot, wait_idle

TODAY = date(2026, 11, 25)


def _tall(page: Page, name: str) -> None:
    """Streamlit scrolls inside its own container, so grow the window to capture it all."""
    page.set_viewport_size({"width": 1280, "height": 2300})
    page.wait_for_timeout(500)
    screenshot(page, name)
    page.set_viewport_size({"width": 1280, "height": 900})


def _charts_drawn(page: Page, visible: int) -> None:
    """All seven progress charts and the wellbeing trend (the demo has check-ins) are on the
    page (tabs hold the rest); the first ones are drawn."""
    charts = page.locator('[data-testid="stVegaLiteChart"]')
    expect(charts).to_have_count(8, timeout=20_000)
    for i in range(visible):
        expect(charts.nth(i).locator("canvas, svg").first).to_be_visible()


def test_empty_database_shows_the_welcome(page: Page, server) -> None:  # noqa: ANN001
    goto(page, server.url)
    no_app_errors(page)
    expect(page.get_by_text("Welcome to Next Round")).to_be_visible()
    expect(page.get_by_role("button", name="Start fresh")).to_be_visible()
    expect(page.get_by_role("button", name="Explore with demo data")).to_be_visible()
    screenshot(page, "progress-empty-light")
    page.emulate_media(color_scheme="dark")
    page.reload()
    wait_idle(page)
    screenshot(page, "progress-empty-dark")


def test_charts_on_data_light_and_dark(page: Page, server) -> None:  # noqa: ANN001
    demo.fill(Store(server.db), applications=400, seed=42, today=TODAY)
    goto(page, server.url)
    no_app_errors(page)
    expect(page.get_by_text("Your progress")).to_be_visible()
    _charts_drawn(page, 2)
    _tall(page, "progress-data-light")
    for name in ("Flow", "Funnel and outcomes", "Response times and sources"):
        page.get_by_role("tab", name=name).click()
        page.wait_for_timeout(400)
        _tall(page, f"progress-tab-{name.split()[0].lower()}-light")
    page.get_by_role("tab", name="Over time").click()
    page.locator(".st-key-progress_period").get_by_text("4 weeks", exact=True).click()
    wait_idle(page)
    _charts_drawn(page, 2)
    _tall(page, "progress-4-weeks-light")
    page.emulate_media(color_scheme="dark")
    page.reload()
    wait_idle(page)
    _charts_drawn(page, 2)
    _tall(page, "progress-data-dark")
    page.get_by_role("tab", name="Flow").click()
    page.wait_for_timeout(400)
    _tall(page, "progress-tab-flow-dark")
    no_app_errors(page)


def test_explore_demo_then_leave_it(page: Page, server) -> None:  # noqa: ANN001
    goto(page, server.url)
    page.get_by_role("button", name="Explore with demo data").click()
    expect(page.get_by_text("Your progress")).to_be_visible(timeout=60_000)
    wait_idle(page)
    no_app_errors(page)
    expect(page.get_by_text("You're exploring demo data")).to_be_visible()
    _charts_drawn(page, 2)
    assert Store(server.db).is_empty()  # the user's own database was never touched
    page.get_by_role("button", name="Leave the demo").click()
    expect(page.get_by_text("Welcome to Next Round")).to_be_visible(timeout=20_000)
    no_app_errors(page)


def test_deadlines_calendar_is_built_when_clicked(page: Page, server) -> None:  # noqa: ANN001
    """The calendar file is made on the click (a deferred download), and holds every open
    follow-up and game-plan date."""
    store = Store(server.db)
    demo.fill(store, applications=120, seed=3, today=TODAY)
    expected = len(store.progress.open_deadlines())
    store.dispose()
    assert expected
    goto(page, server.url)
    no_app_errors(page)
    with page.expect_download() as download_info:
        page.get_by_role("button", name="Add follow-ups and plans to my calendar").click()
    download = download_info.value
    assert download.suggested_filename == "next-round-deadlines.ics"
    from icalendar import Calendar

    calendar = Calendar.from_ical(open(download.path(), "rb").read())
    assert len(list(calendar.walk("VEVENT"))) == expected
    no_app_errors(page)
