"""Browser journey for the applications tracker (issue 2): add an application through the
form, move it to screening, and see it counted as a response on the Progress page. The board
(issue 17): a move by clicking, and the table and the board fitting a phone and a desktop.
Screenshots of the page, light and dark, empty and with data, go to tests/e2e/screenshots/.
"""

from __future__ import annotations

import re
from datetime import date, timedelta

import pytest
from playwright.sync_api import Page, expect

from nextround import demo
from nextround.store import Store
from tests import factories
from tests.e2e.conftest import (
    TODAY,
    AppServer,
    Watch,
    goto,
    nav,
    no_app_errors,
    open_expander,
    screenshot,
    wait_idle,
)
from tests.e2e.test_every_page import serious_violations
from tests.e2e.test_keyboard import UNLABELLED


def keyed(page: Page, key: str, inner: str = "input"):
    """The widget with Streamlit key `key` (its container carries the class st-key-<key>)."""
    return page.locator(f".st-key-{key} {inner}").first


def test_add_move_to_screening_and_see_it_on_progress(page: Page, server: AppServer,
                                                      watch: Watch) -> None:
    goto(page, server.url)  # as a user arrives: the home page, then the sidebar
    nav(page, "Applications")
    no_app_errors(page)
    expect(page.get_by_text("Start with the application you sent most recently")).to_be_visible()
    screenshot(page, "applications-empty-light")

    # Bad input first: a message next to the field, nothing saved, what was typed kept.
    keyed(page, "add_app_role").fill("Data analyst")
    keyed(page, "add_app_contact_email").fill("sam@")
    keyed(page, "add_app_submit", "button").click()
    wait_idle(page)
    expect(page.get_by_text("Company is required.")).to_be_visible()
    expect(page.get_by_text("doesn't look like an email address")).to_be_visible()
    expect(keyed(page, "add_app_role")).to_have_value("Data analyst")
    assert Store(server.db).count("applications") == 0
    screenshot(page, "applications-errors-light")

    keyed(page, "add_app_company").fill("Acme Health")
    keyed(page, "add_app_contact_email").fill("sam@example.com")
    keyed(page, "add_app_submit", "button").click()
    wait_idle(page)
    no_app_errors(page)
    expect(page.get_by_text("Application added.")).to_be_visible()
    expect(keyed(page, "add_app_company")).to_have_value("")  # the form starts fresh
    assert Store(server.db).count("applications") == 1

    # Move it to screening (the form proposes it as the next step).
    expect(page.get_by_role("combobox", name="New stage")).to_have_value("Screening")
    keyed(page, "stage_app_submit", "button").click()
    wait_idle(page)
    no_app_errors(page)
    expect(page.locator(".st-key-app_detail").get_by_text("Screening").first).to_be_visible()
    expect(page.get_by_role("combobox", name="New stage")).to_have_value("Interviewing")
    events = Store(server.db).applications.events(1)
    assert [e.stage for e in events] == ["applied", "screening"]
    screenshot(page, "applications-one-light")

    # The Progress page counts it as a response.
    nav(page, "Progress")
    no_app_errors(page)
    metrics = page.locator('[data-testid="stMetric"]')
    expect(metrics.filter(has_text="Response rate")).to_contain_text("1 of 1")
    screenshot(page, "progress-after-journey-light")

    assert watch.foreign_requests() == []
    assert watch.dialogs == []


def _seed(db, n: int = 60) -> None:
    store = Store(db)
    today = date.fromisoformat(TODAY)
    companies = ["Acme Health", "Northwind", "Globex", "Initech", "Umbrella Labs", "Hooli",
                 "<img src=x onerror=alert(1)>", "Stark & Wayne"]
    sources = ["LinkedIn", "Referral", "Company site", "Job board"]
    for i in range(n):
        app_id = factories.application(store, companies[i % len(companies)],
                                       role=["Data analyst", "Analytics engineer",
                                                         "BI developer"][i % 3],
                                       location=["Remote", "London", "Leeds"][i % 3],
                                       source=sources[i % 4],
                                       link=f"https://jobs.example.com/{i}" if i % 2 else "",
                                       applied_on=today - timedelta(days=3 + i * 2))
        if i % 4 == 1:
            factories.move(store, app_id, "screening", today - timedelta(days=i), version=1)
        elif i % 4 == 2:
            factories.move(store, app_id, "rejected", today - timedelta(days=i), version=1)
    store.dispose()


def test_screenshots_with_data_light_and_dark(page: Page, server: AppServer) -> None:
    _seed(server.db)
    page.set_viewport_size({"width": 1280, "height": 2300})  # Streamlit scrolls inside
    goto(page, server.url)
    nav(page, "Applications")
    no_app_errors(page)
    expect(page.get_by_text("Showing 1–50 of 60 applications")).to_be_visible()
    ghosting = page.locator(".st-key-ghosting")
    expect(ghosting).to_contain_text("No reply after 30 days: 23 applications")
    screenshot(page, "applications-data-light")
    open_expander(page, "No reply after 30 days", within=ghosting)
    expect(ghosting.get_by_role("button", name="Mark ghosted")).to_have_count(10)
    expect(ghosting.get_by_text("and 13 more")).to_be_visible()
    screenshot(page, "applications-ghosting-light")

    # Clicking a row opens it below (the grid is a canvas: click its row marker).
    grid = page.locator(".st-key-apps_table").bounding_box()
    assert grid is not None
    page.mouse.click(grid["x"] + 14, grid["y"] + 36 + 35 * 2 + 17)  # third row: Globex
    wait_idle(page)
    expect(page.locator(".st-key-app_detail h2")).to_have_text("Globex · BI developer")
    expect(page.get_by_role("combobox", name="Application to view and update")).to_have_value(
        "Globex · BI developer (applied 2026-11-18)")

    page.emulate_media(color_scheme="dark")
    page.reload()
    wait_idle(page)
    no_app_errors(page)
    screenshot(page, "applications-data-dark")

    # One click closes the loop on one silent application.
    open_expander(page, "No reply after 30 days", within=ghosting)
    ghosting.get_by_role("button", name="Mark ghosted").first.click()
    wait_idle(page)
    expect(ghosting).to_contain_text("No reply after 30 days: 22 applications")
    assert Store(server.db).frame(
        "SELECT count(*) AS n FROM applications WHERE stage = 'ghosted'")["n"].iloc[0] == 1

    # The delete step asks first.
    page.get_by_role("tab", name="Delete").click()
    keyed(page, "delete_ask", "button").click()
    wait_idle(page)
    expect(page.get_by_text("This can't be undone.")).to_be_visible()
    screenshot(page, "applications-delete-dark")
    assert Store(server.db).count("applications") == 60


def test_empty_dark(page: Page, server: AppServer) -> None:
    page.emulate_media(color_scheme="dark")
    page.set_viewport_size({"width": 1280, "height": 1400})
    goto(page, server.url)
    nav(page, "Applications")
    no_app_errors(page)
    screenshot(page, "applications-empty-dark")


def test_a_company_from_before_shows_its_history_and_adding_stays_one_click(
        page: Page, server: AppServer) -> None:
    """The door you kept open (issue 16), in a browser: a company the user dealt with before
    shows its history as soon as it is typed, the stay-in-touch note is one click away, and
    the add is as before. The company field is outside the form: typing it and clicking
    "Add application" at once sends the submit, then the field's own rerun; the application
    is added once and the form empties all the same."""
    store = Store(server.db)
    earlier = factories.rejected_after_interview(
        store, "Acme Inc.", applied_on="2026-02-01", rejected_on="2026-03-10",
        role="Data engineer", contact_name="Priya Shah", contact_email="priya@acme.example")
    factories.sent_note(store, earlier, "2026-03-11", to_email="priya@acme.example")
    store.dispose()
    page.set_viewport_size({"width": 1280, "height": 1500})
    goto(page, server.url)
    nav(page, "Applications")
    page.get_by_text("Add an application").first.click()
    wait_idle(page)
    keyed(page, "add_app_company").fill("acme")
    keyed(page, "add_app_role").fill("Staff engineer")  # the company's rerun, while typing
    wait_idle(page)
    history = page.locator(".st-key-add_app_history")
    expect(history).to_contain_text(
        "You thanked Priya Shah after the no in March: the door is open.")
    expect(keyed(page, "add_app_role")).to_have_value("Staff engineer")
    screenshot(page, "applications-door-light")
    keyed(page, "add_app_stay_open", "button").click()
    wait_idle(page)
    expect(page.locator(".st-key-add_app_note")).to_contain_text("Hi Priya")
    expect(keyed(page, "add_app_role")).to_have_value("Staff engineer")
    keyed(page, "add_app_submit", "button").click()
    wait_idle(page)
    no_app_errors(page)
    expect(keyed(page, "add_app_company")).to_have_value("")
    expect(history).to_have_count(0)

    # A company typed and added in one go, with no other field touched.
    keyed(page, "add_app_company").fill("Initech")
    keyed(page, "add_app_submit", "button").click()
    wait_idle(page)
    no_app_errors(page)
    expect(keyed(page, "add_app_company")).to_have_value("")
    rows = Store(server.db).frame("SELECT company, role FROM applications ORDER BY id")
    assert rows.values.tolist() == [["Acme Inc.", "Data engineer"], ["acme", "Staff engineer"],
                                    ["Initech", ""]]


# --- the board, and the table on a phone (issue 17) -------------------------------------------

SIZES = {"desktop": (1280, 900), "phone": (390, 844)}
OVERFLOW = "document.documentElement.scrollWidth - window.innerWidth"


def show(page: Page, view: str) -> None:
    """Pick the table or the board (a radio, remembered for the session)."""
    page.locator(".st-key-apps_view").get_by_text(view, exact=True).click()
    wait_idle(page)
    no_app_errors(page)
    shown = ".st-key-apps_table" if view == "Table" else ".st-key-board_col_applied"
    expect(page.locator(shown)).to_be_visible()


def fill_demo(db, applications: int) -> None:  # noqa: ANN001
    store = Store(db)
    demo.fill(store, applications=applications, seed=42, today=date.fromisoformat(TODAY))
    store.dispose()


def tall_screenshot(page: Page, name: str) -> None:
    """The whole page: Streamlit scrolls inside its main area, so the window grows to it."""
    size = page.viewport_size
    assert size is not None
    tall = page.evaluate('document.querySelector(\'[data-testid="stMain"]\').scrollHeight')
    page.set_viewport_size({"width": size["width"], "height": min(int(tall) + 40, 8000)})
    page.wait_for_timeout(300)
    screenshot(page, name)
    page.set_viewport_size(size)


@pytest.mark.parametrize("count", [3, 1000])
def test_the_table_and_the_board_fit_a_phone_and_a_desktop(page: Page, server: AppServer,
                                                           count: int) -> None:
    if count == 3:
        _seed(server.db, 3)  # applied, screening and rejected
    else:
        fill_demo(server.db, count)
    goto(page, server.url)
    nav(page, "Applications")
    for size, (width, height) in SIZES.items():
        page.set_viewport_size({"width": width, "height": height})
        for view in ("Table", "Board"):
            show(page, view)
            assert page.evaluate(OVERFLOW) <= 0, f"{view} scrolls sideways on the {size}"
        # Every card's list is in reach, inside the window.
        lists = page.locator('[class*="st-key-board_move_"] [role="combobox"]')
        assert 1 <= lists.count() <= 40
        for index in range(lists.count()):
            box = lists.nth(index).bounding_box()
            assert box is not None and box["x"] >= 0 and box["x"] + box["width"] <= width


def test_a_board_move_by_clicking_then_the_path_after_a_no(page: Page, server: AppServer) -> None:
    store = Store(server.db)
    app_id = factories.application(store, "Acme Health", role="Data analyst",
                                   applied_on="2026-11-10")
    store.dispose()
    goto(page, server.url)
    nav(page, "Applications")
    show(page, "Board")
    assert serious_violations(page) == []
    assert page.evaluate(UNLABELLED) == []  # each card's list is named after its company
    card = page.locator(f".st-key-board_card_{app_id}")
    expect(page.locator(".st-key-board_col_applied").locator(card)).to_contain_text(
        "Applied 15 days ago")

    move = card.get_by_role("combobox", name="Move Acme Health to")
    move.scroll_into_view_if_needed()  # a scroll closes an open list: scroll first, as a person
    page.wait_for_timeout(300)
    move.click()  # 1: open its list
    page.get_by_role("option", name="Screening", exact=True).click()  # 2: the next stage
    wait_idle(page)
    no_app_errors(page)
    expect(page.locator(f".st-key-board_col_screening .st-key-board_card_{app_id}")
           ).to_contain_text("Moved here today")
    expect(page.locator(".st-key-board_col_applied")).to_contain_text("None right now.")
    store = Store(server.db)
    assert [(e.stage, e.on_date) for e in store.applications.events(app_id)] == [
        ("applied", date(2026, 11, 10)), ("screening", date.fromisoformat(TODAY))]
    store.dispose()

    # A no: the path after it, right above the board, and its first step one click away.
    move.scroll_into_view_if_needed()
    page.wait_for_timeout(300)
    move.click()
    page.get_by_role("option", name="Rejected", exact=True).click()
    wait_idle(page)
    no_app_errors(page)
    panel = page.locator(".st-key-after_no_applications")
    expect(panel).to_contain_text("After the no from Acme Health")
    expect(page.locator(".st-key-board_col_rejected")).to_contain_text("Rejected · 1")
    panel.get_by_role("button", name="Write the thank-you").click()
    wait_idle(page)
    no_app_errors(page)
    expect(page.get_by_role("heading", name="Respond", exact=True)).to_be_visible()
    expect(page.locator(".st-key-respond_body textarea")).to_have_value(
        re.compile("Acme Health"))

    nav(page, "Applications")  # the board is still the chosen view
    expect(page.locator(".st-key-apps_view").get_by_role("radio", name="Board")).to_be_checked()
    expect(page.locator(".st-key-board_col_rejected")).to_contain_text("Rejected · 1")


@pytest.mark.parametrize("data", ["one", "demo"])
def test_board_and_table_screenshots(page: Page, server: AppServer, data: str) -> None:
    """Light and dark, desktop and phone, for a person to look at (tests/e2e/screenshots/)."""
    if data == "one":
        store = Store(server.db)
        factories.application(store, "Acme Health", role="Senior data analyst",
                              applied_on="2026-11-10")
        store.dispose()
    else:
        fill_demo(server.db, 400)
    goto(page, server.url)
    nav(page, "Applications")
    for scheme in ("light", "dark"):
        page.emulate_media(color_scheme=scheme)
        for size, (width, height) in SIZES.items():
            page.set_viewport_size({"width": width, "height": height})
            for view in ("Table", "Board"):
                show(page, view)
                tall_screenshot(page, f"applications-{view.lower()}-{data}-{size}-{scheme}")
