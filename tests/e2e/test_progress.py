"""The progress page in Chromium: the welcome, the charts on data, light and dark, and the
layout on a phone and a laptop (no sideways scrolling, a page much shorter than it was)."""

from __future__ import annotations

import zipfile
from datetime import date

import pytest
from playwright.sync_api import Browser, Page, expect

from nextround import demo
from nextround.store import Store
from tests import factories
from tests.e2e.conftest import AppServer, goto, no_app_errors, open_expander, screenshot, wait_idle

TODAY = date(2026, 11, 25)


def _tall(page: Page, name: str) -> None:
    """Streamlit scrolls inside its own container, so grow the window to capture it all."""
    page.set_viewport_size({"width": 1280, "height": 2300})
    page.wait_for_timeout(500)
    screenshot(page, name)
    page.set_viewport_size({"width": 1280, "height": 900})


# What each tab draws on the demo: only the open tab is drawn (and its charts sent).
TAB_CHARTS = {"Over time": 3, "Flow": 1, "Outcomes": 2, "Replies": 2}  # + the wellbeing line


def _charts_drawn(page: Page, count: int = TAB_CHARTS["Over time"]) -> None:
    """The open tab's charts, each drawn: "Over time" (the default) holds two progress charts
    and the wellbeing trend (the demo has check-ins); the other tabs are drawn when opened."""
    charts = page.locator('[data-testid="stVegaLiteChart"]')
    expect(charts).to_have_count(count, timeout=20_000)
    for i in range(count):
        expect(charts.nth(i).locator("canvas, svg").first).to_be_visible()


def _open_tab(page: Page, name: str) -> None:
    page.get_by_role("tab", name=name).click()
    wait_idle(page)
    _charts_drawn(page, TAB_CHARTS[name])


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
    _charts_drawn(page)
    _tall(page, "progress-data-light")
    for name in ("Flow", "Outcomes", "Replies"):
        _open_tab(page, name)
        _tall(page, f"progress-tab-{name.split()[0].lower()}-light")
    _open_tab(page, "Flow")
    expect(page.locator('[data-testid="stDataFrame"]')).to_have_count(0)  # drawn once opened
    open_expander(page, "The flow as a table")
    wait_idle(page)
    expect(page.locator('[data-testid="stDataFrame"]')).to_have_count(1, timeout=20_000)
    _charts_drawn(page, TAB_CHARTS["Flow"])
    _open_tab(page, "Over time")
    page.locator(".st-key-progress_period").get_by_text("4 weeks", exact=True).click()
    wait_idle(page)
    _charts_drawn(page)
    _tall(page, "progress-4-weeks-light")
    page.emulate_media(color_scheme="dark")
    page.reload()
    wait_idle(page)
    _charts_drawn(page)
    _tall(page, "progress-data-dark")
    _open_tab(page, "Flow")
    _tall(page, "progress-tab-flow-dark")
    no_app_errors(page)


def test_explore_demo_then_leave_it(page: Page, server) -> None:  # noqa: ANN001
    goto(page, server.url)
    page.get_by_role("button", name="Explore with demo data").click()
    expect(page.get_by_text("Your progress")).to_be_visible(timeout=60_000)
    wait_idle(page)
    no_app_errors(page)
    expect(page.get_by_text("You're exploring demo data")).to_be_visible()
    _charts_drawn(page)
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


def test_weekly_review_is_prepared_on_a_click_and_downloads(page: Page, server) -> None:  # noqa: ANN001
    """One click prepares the review (wellbeing left out unless ticked first) and offers it."""
    demo.fill(Store(server.db), applications=120, seed=3, today=TODAY)
    goto(page, server.url)
    no_app_errors(page)
    download_week = page.get_by_role("button", name="Download my week")
    expect(download_week).to_have_count(0)
    expect(page.get_by_text("Include my wellbeing")).to_be_visible()
    page.get_by_role("button", name="Prepare my weekly review").click()
    wait_idle(page)
    no_app_errors(page)
    expect(page.get_by_text("Your wellbeing check-in is left out.")).to_be_visible()
    with page.expect_download() as download_info:
        download_week.click()
    download = download_info.value
    assert download.suggested_filename == "next-round-2026-W48.zip"
    with zipfile.ZipFile(download.path()) as archive:
        assert "next-round-2026-W48.md" in archive.namelist()
    no_app_errors(page)


# --- the layout on a phone and a laptop ---------------------------------------------------------

# The page's height at 390 × 844 before issue 17 (main at 2775a4f: eight metric cards stacked
# one per row, four more in This week), measured with `_layout` on the same data.
HEIGHT_BEFORE = {3: 3772, 1000: 4246}
SHORTER = 0.85  # the page must be at most this share of its old height on a phone
LAYOUT = """() => {
  const main = document.querySelector('[data-testid="stMain"]');
  const tabs = document.querySelector('[data-testid="stTabs"] [role="tablist"]');
  return {scrollWidth: document.documentElement.scrollWidth, innerWidth: window.innerWidth,
          mainScrollWidth: main.scrollWidth, mainWidth: main.clientWidth,
          height: main.scrollHeight,
          tabsScrollWidth: tabs.scrollWidth, tabsWidth: tabs.clientWidth};
}"""


def _three(store: Store) -> None:
    factories.application(store, "Acme", role="Analyst", applied_on="2026-11-20",
                          stages=[("screening", "2026-11-23")], today=TODAY)
    factories.application(store, "Globex", role="Dev", applied_on="2026-11-10",
                          stages=[("rejected", "2026-11-18")], today=TODAY)
    factories.application(store, "Initech", role="PM", applied_on="2026-11-24", today=TODAY)


def _layout(browser: Browser, server: AppServer, name: str, width: int, height: int,
            scheme: str = "light") -> dict:
    """Open the page at one size; its widths and height once the charts are drawn."""
    context = browser.new_context(viewport={"width": width, "height": height},
                                  color_scheme=scheme)
    page = context.new_page()
    try:
        goto(page, server.url)
        no_app_errors(page)
        charts = page.locator('[data-testid="stVegaLiteChart"]')
        expect(charts.first.locator("canvas, svg").first).to_be_visible(timeout=20_000)
        page.wait_for_timeout(500)
        found = page.evaluate(LAYOUT)
        page.set_viewport_size({"width": width, "height": found["height"] + 60})
        page.wait_for_timeout(500)
        screenshot(page, f"progress-layout-{name}-{width}-{scheme}")
        return found
    finally:
        context.close()


@pytest.mark.parametrize("applications", [3, 1000])
def test_no_sideways_scrolling_and_a_short_page_on_a_phone(browser: Browser, server: AppServer,
                                                           applications: int) -> None:
    store = Store(server.db)
    if applications == 3:
        _three(store)
    else:
        demo.fill(store, applications=applications, seed=42, today=TODAY)
    store.dispose()
    sizes = {}
    for width, height in ((390, 844), (1280, 900)):
        found = _layout(browser, server, f"{applications}", width, height)
        sizes[width] = found
        assert found["scrollWidth"] <= found["innerWidth"], (width, found)
        assert found["mainScrollWidth"] <= found["mainWidth"], (width, found)
        assert found["tabsScrollWidth"] <= found["tabsWidth"], (width, found)  # no tab clipped
    phone = sizes[390]["height"]
    print(f"\n{applications} applications: {phone} px tall at 390 px (was "
          f"{HEIGHT_BEFORE[applications]}), {sizes[1280]['height']} px at 1280 px")
    assert phone <= SHORTER * HEIGHT_BEFORE[applications], phone
