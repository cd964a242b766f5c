"""Respond in a real browser: pick the rejection, edit the draft, open it in the mail app,
download the .eml, mark it as sent (twice, quickly), in light and dark. Screenshots are saved
under tests/e2e/screenshots/ for a person to look at."""

from __future__ import annotations

import email
import re
from email import policy
from urllib.parse import parse_qs, unquote, urlsplit

import pytest
from playwright.sync_api import Page, expect

from nextround.store import Store
from tests import factories
from tests.e2e.conftest import AppServer, goto, nav, no_app_errors, screenshot, wait_idle


def seed(db) -> int:  # noqa: ANN001
    store = Store(db)
    settings = store.settings.get()
    store.settings.save(type(settings)(**{**settings.__dict__, "name": "Sam Lee",
                                          "signature": "Sam Lee\nsam@example.com"}))
    for company, rejected_on in (("Globex", "2026-11-03"), ("Initech", "2026-11-12")):
        factories.application(store, company, role="Data analyst", applied_on="2026-10-01",
                              stages=[("rejected", rejected_on)])
    app_id = factories.rejected_after_interview(
        store, "Acme & Co", role="Product Designer", applied_on="2026-10-02",
        interviewed_on="2026-10-20", rejected_on="2026-11-21",
        contact_name="Zoë O'Brien-Núñez", contact_email="zoe@acme.example")
    store.dispose()
    return app_id


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_draft_edit_send_and_mark_sent(page: Page, server: AppServer, scheme: str) -> None:
    app_id = seed(server.db)
    page.emulate_media(color_scheme=scheme)
    goto(page, server.url, "")
    nav(page, "Respond")
    no_app_errors(page)
    body = page.locator(".st-key-respond_body textarea")
    expect(body).to_be_visible()
    assert body.input_value().startswith("Hi Zoë,")
    # The draft comes first: at 1280×900 all of its box is on screen without scrolling.
    expect(body).to_be_in_viewport(ratio=1)
    expect(page.locator(".st-key-respond_subject input")).to_be_in_viewport(ratio=1)
    page.locator(".st-key-respond_ask_feedback").get_by_text("Ask for brief feedback").click()
    wait_idle(page)
    page.locator(".st-key-respond_highlight input").fill("the pairing exercise.")
    page.locator(".st-key-respond_highlight input").press("Enter")
    expect(body).to_have_value(re.compile(r"pairing exercise\..*feedback", re.S), timeout=15_000)
    wait_idle(page)
    text = body.input_value()
    assert "the pairing exercise." in text and "feedback" in text and ".." not in text
    edited = text.replace("Hi Zoë,", "Dear Zoë,")
    body.fill(edited)
    body.press("Control+Enter")
    wait_idle(page)
    expect(page.locator(".st-key-respond_subject input")).to_be_visible()
    link = page.get_by_role("link", name="Open in my mail app")
    expect(link).to_have_attribute("href", re.compile("Dear%20Zo"), timeout=15_000)
    # Open in my mail app: a mailto link with the edited text.
    href = page.get_by_role("link", name="Open in my mail app").get_attribute("href")
    parts = urlsplit(href)
    assert parts.scheme == "mailto" and unquote(parts.path) == "zoe@acme.example"
    assert parse_qs(parts.query)["body"] == [edited]
    # Download .eml: parses back to the same text.
    with page.expect_download() as download_info:
        page.get_by_role("button", name="Download .eml").click()
    data = open(download_info.value.path(), "rb").read()
    message = email.message_from_bytes(data, policy=policy.default)
    assert message["To"] == "zoe@acme.example"
    assert message.get_content().rstrip("\n") == edited
    page.set_viewport_size({"width": 1280, "height": 2300})
    wait_idle(page)
    screenshot(page, f"respond-draft-{scheme}")
    page.set_viewport_size({"width": 1280, "height": 900})
    # Mark as sent, with a double click.
    page.locator(".st-key-respond_mark_sent button").dblclick()
    wait_idle(page)
    page.wait_for_timeout(500)
    wait_idle(page)
    no_app_errors(page)
    expect(page.get_by_text("Marked as sent on 2026-11-25")).to_be_visible()
    store = Store(server.db)
    rows = store.frame("SELECT application_id, status, sent_on, body FROM drafts")
    assert len(rows) == 1
    assert (int(rows.iloc[0]["application_id"]), rows.iloc[0]["status"]) == (app_id, "sent")
    assert rows.iloc[0]["body"] == edited
    assert store.count("feedback_requests") == 1
    store.dispose()
    page.set_viewport_size({"width": 1280, "height": 2300})
    wait_idle(page)
    screenshot(page, f"respond-sent-{scheme}")


def test_phone_width_keeps_every_option_and_the_draft_inside_the_screen(
        page: Page, server: AppServer) -> None:
    seed(server.db)
    page.set_viewport_size({"width": 390, "height": 844})
    goto(page, server.url, "respond")
    no_app_errors(page)
    for key in ("respond_app", "respond_kind", "respond_tone", "respond_stage",
                "respond_role_filled", "respond_contact_email", "respond_highlight",
                "respond_sender", "respond_subject", "respond_body"):
        box = page.locator(f".st-key-{key}").bounding_box()
        assert box is not None and box["x"] >= 0 and box["x"] + box["width"] <= 390, key


def test_subject_line_break_cannot_reach_the_mail_link(page: Page, server: AppServer) -> None:
    """A browser text input drops line breaks; whatever arrives is percent-encoded."""
    seed(server.db)
    goto(page, server.url, "")
    nav(page, "Respond")
    subject = page.locator(".st-key-respond_subject input")
    subject.fill("Thanks\r\nBcc: evil@example.com & more")
    subject.press("Enter")
    wait_idle(page)
    no_app_errors(page)
    value = subject.input_value()
    assert "\n" not in value and "\r" not in value
    href = page.get_by_role("link", name="Open in my mail app").get_attribute("href")
    query = parse_qs(urlsplit(href).query)
    assert query["subject"] == [value] and "bcc" not in query
