"""The feedback page in a real browser, with demo data: light and dark screenshots to look at,
a follow-up draft, and no errors or foreign requests."""

from __future__ import annotations

from playwright.sync_api import Page, expect

from nextround.store import Store
from tests import factories
from tests.e2e.conftest import Watch, goto, nav, no_app_errors, screenshot, wait_idle


def _tab(page: Page, name: str) -> None:
    page.get_by_role("tab", name=name).click()
    wait_idle(page)


def _settled(page: Page) -> None:
    """Widgets mount lazily: wait for the ones the screenshot should show."""
    expect(page.get_by_role("button", name="Draft a follow-up").first).to_be_visible()
    expect(page.locator('[data-testid="stDataFrame"]').first).to_be_visible()
    page.wait_for_timeout(500)


def _themes(page: Page) -> None:
    """What the replies say is drawn when its tab is opened."""
    _tab(page, "Themes")
    expect(page.get_by_role("heading", name="What the feedback says")).to_be_visible()
    expect(page.locator('[data-testid="stVegaLiteChart"]')).to_have_count(1)
    expect(page.get_by_role("button", name="Add this theme to my game plan")).to_be_visible()
    page.wait_for_timeout(500)


def test_feedback_page_with_demo_data_light_and_dark(page: Page, seeded_server) -> None:
    watch = Watch(page, seeded_server.url)
    page.set_viewport_size({"width": 1280, "height": 2800})  # the whole page in one picture
    goto(page, seeded_server.url)
    nav(page, "Feedback")  # as a user would: through the app's own navigation
    no_app_errors(page)
    expect(page.get_by_role("heading", name="Due for follow-up")).to_be_visible()
    # The Requests tab is open: no chart is drawn until Themes is opened.
    expect(page.locator('[data-testid="stVegaLiteChart"]')).to_have_count(0)
    _settled(page)
    screenshot(page, "feedback-light")
    _themes(page)
    no_app_errors(page)
    screenshot(page, "feedback-themes-light")

    page.emulate_media(color_scheme="dark")
    page.reload()
    wait_idle(page)
    no_app_errors(page)
    _settled(page)
    screenshot(page, "feedback-dark")
    _themes(page)
    screenshot(page, "feedback-themes-dark")
    assert watch.foreign_requests() == []
    assert watch.dialogs == []


def test_unsaved_reply_survives_switching_tabs(page: Page, server) -> None:
    """A form stays drawn from its tab's first opening on, whatever tab is open after, so
    its unsaved text is still there."""
    store = Store(server.db)
    app_id = factories.application(store, "Acme", role="Analyst", applied_on="2026-09-01",
                                   stage="rejected")
    rid = factories.feedback_request(store, app_id, "2026-11-01")
    store.dispose()
    goto(page, server.url, "feedback")
    _tab(page, "Record a reply")
    reply = page.get_by_label("What they said")
    reply.fill("Half a reply, not saved yet.")
    for name in ("Themes", "Requests", "Ask", "Record a reply"):
        _tab(page, name)
    no_app_errors(page)
    expect(page.get_by_label("What they said")).to_have_value("Half a reply, not saved yet.")
    page.get_by_role("button", name="Save the reply").click()
    wait_idle(page)
    no_app_errors(page)
    assert Store(server.db).feedback.request(rid).feedback_text == "Half a reply, not saved yet."


def test_follow_up_draft_in_the_browser(page: Page, server) -> None:
    store = Store(server.db)
    app_id = factories.application(store, "<img src=x onerror=alert(1)>", role="Analyst",
                                   applied_on="2026-09-01", stage="rejected", contact_name="Sam",
                                   contact_email="sam@example.com")
    rid = factories.feedback_request(store, app_id, "2026-11-01")
    store.dispose()
    watch = Watch(page, server.url)
    goto(page, server.url, "feedback")
    expect(page.get_by_text("Overdue by 17 days")).to_be_visible()
    page.get_by_role("button", name="Draft a follow-up").click()
    wait_idle(page)
    expect(page.get_by_role("link", name="Open in my mail app")).to_be_visible()
    page.set_viewport_size({"width": 1280, "height": 1700})
    wait_idle(page)
    screenshot(page, "feedback-draft")
    page.get_by_role("button", name="I sent it").click()
    wait_idle(page)
    no_app_errors(page)
    expect(page.get_by_text("Overdue by 17 days")).to_have_count(0)
    screenshot(page, "feedback-after-follow-up")
    check = Store(server.db)
    assert check.feedback.request(rid).follow_ups == 1
    assert watch.dialogs == [] and watch.foreign_requests() == []
