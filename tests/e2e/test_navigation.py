"""The app's navigation, whichever address the browser opens first.

A tab left on a page reloads that page first when the server starts again (`make run` after a
restart). Streamlit routes a new server's first runs by the `pages/` folder until the app's
own `st.navigation` has run once; a page opened that way had Streamlit's file list for a
menu ("app", "applications", "checkin", ...), no sections, and no `app.py` around it."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from tests.e2e.conftest import AppServer, wait_idle

MENU = ["Progress", "Applications", "Respond", "Feedback", "Reflect", "Check-in", "Your data"]


def _menu(page: Page) -> list[str]:
    return [text.split("\n")[-1].strip() for text in
            page.locator('[data-testid="stSidebarNavLink"]').all_inner_texts()]


@pytest.mark.parametrize(("address", "heading"), [("applications", "Applications"),
                                                  ("checkin", "Weekly check-in")])
def test_a_page_opened_first_by_its_address_has_the_apps_menu(
        page: Page, server: AppServer, address: str, heading: str) -> None:
    for _ in range(2):  # the first load of a new server, then a reload
        page.goto(f"{server.url}/{address}")
        wait_idle(page)
        expect(page.get_by_role("heading", name=heading, level=1)).to_be_visible()
        assert _menu(page) == MENU
        expect(page.locator('[data-testid="stSidebarNav"]')).to_contain_text("After a no")
        expect(page).to_have_url(re.compile(f"/{address}$"))
