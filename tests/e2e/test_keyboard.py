"""Accessibility in Chromium, beyond axe-core:

- the weekly check-in and the respond flow can be done with the keyboard alone (Tab, Space,
  Enter and arrow keys; no mouse once the page is loaded);
- every input on every page has an accessible label, in plain words;
- headings are in order on every page (an h1 first, and no level skipped on the way down).
"""

from __future__ import annotations

import re
from datetime import date

from playwright.sync_api import Page, expect

from nextround import demo
from nextround.store import Store
from tests import factories
from tests.e2e.conftest import (
    AppServer,
    clipboard_holds,
    goto,
    nav,
    no_app_errors,
    screenshot,
    wait_idle,
)

TODAY = date(2026, 11, 25)
SLOW = 30_000
# Sidebar title → a heading the page always draws, so we know the new page is on screen.
PAGES = [("Progress", "Your progress"), ("Applications", "Applications"),
         ("Respond", "Respond"), ("Feedback", "Feedback"), ("Reflect", "Reflect"),
         ("Check-in", "Weekly check-in"), ("Your data", "Your data")]
REFLECT_SECTIONS = ["Game plan", "Dream list", "Insights"]

ACTIVE = """sel => { const el = document.activeElement;
    return !!(el && el !== document.body && el.closest(sel)); }"""



# --- keyboard helpers ------------------------------------------------------------------------

def tab_to(page: Page, selector: str, *, limit: int = 120, back: bool = False) -> None:
    """Press Tab (or Shift+Tab) until the focused element is inside `selector`."""
    for _ in range(limit):
        page.keyboard.press("Shift+Tab" if back else "Tab")
        if page.evaluate(ACTIVE, selector):
            return
    raise AssertionError(f"Tab never reached {selector}")


def radio(page: Page, key: str, index: int) -> None:
    """Answer a radio group that has no answer yet: Tab into it (the first option), Space
    checks it, each ArrowRight moves the answer one option on."""
    tab_to(page, f".st-key-{key}")
    page.keyboard.press("Space")
    for _ in range(index):
        page.keyboard.press("ArrowRight")


def typed(page: Page, key: str, text: str) -> None:
    tab_to(page, f".st-key-{key}")
    page.keyboard.type(text)


def open_page(page: Page, server: AppServer, path: str) -> None:
    """Load the entry point first (so st.navigation owns the URLs), then the page by URL:
    both are page loads, not clicks."""
    goto(page, server.url, "")
    goto(page, server.url, path)


# --- the check-in by keyboard ----------------------------------------------------------------

def test_checkin_with_the_keyboard_alone(page: Page, server: AppServer) -> None:
    open_page(page, server, "checkin")
    expect(page.get_by_role("heading", name="Weekly check-in")).to_be_visible(timeout=SLOW)
    wait_idle(page)
    # 4 (Most of the time), 3, 2, 3, 4 → 16 of 25 → 64%.
    for number, index in enumerate([4, 3, 2, 3, 4], start=1):
        radio(page, f"checkin_item_{number}", index)
    radio(page, "checkin_stress", 3)
    typed(page, "checkin_hours", "6.5")
    typed(page, "checkin_self_care", "people")  # type to filter the options, Enter picks
    expect(page.get_by_role("option", name="Time with people")).to_be_visible()
    page.keyboard.press("Enter")
    page.keyboard.press("Escape")
    typed(page, "checkin_win", "Finished my portfolio page")
    typed(page, "checkin_let_go", "The interview I keep replaying")
    tab_to(page, ".st-key-checkin_save")
    screenshot(page, "keyboard-checkin-filled", full_page=False)
    page.keyboard.press("Enter")
    page.wait_for_timeout(300)
    wait_idle(page)
    no_app_errors(page)
    expect(page.get_by_text("You've checked in this week")).to_be_visible()

    store = Store(server.db)
    try:
        row = store.frame("SELECT items, stress, hours, self_care, win, let_go FROM checkins")
    finally:
        store.dispose()
    assert row.to_dict("records") == [{
        "items": "[4, 3, 2, 3, 4]", "stress": 3, "hours": 6.5, "self_care": '["people"]',
        "win": "Finished my portfolio page", "let_go": "The interview I keep replaying"}]


# --- the respond flow by keyboard ------------------------------------------------------------

def seed_rejections(db) -> None:  # noqa: ANN001
    store = Store(db)
    for company, contact, rejected_on in (("Globex", "Hank", "2026-11-20"),
                                          ("Initech", "Peter", "2026-11-12")):
        factories.rejected_after_interview(
            store, company, role="Data analyst", applied_on="2026-10-01",
            interviewed_on="2026-10-20", rejected_on=rejected_on, contact_name=contact,
            contact_email=f"{contact.lower()}@example.com")
    store.dispose()


def test_respond_with_the_keyboard_alone(page: Page, server: AppServer) -> None:
    seed_rejections(server.db)
    page.context.grant_permissions(["clipboard-read", "clipboard-write"])
    page.set_viewport_size({"width": 1280, "height": 1400})
    open_page(page, server, "respond")
    expect(page.get_by_role("heading", name="Respond")).to_be_visible(timeout=SLOW)
    wait_idle(page)
    body = page.locator(".st-key-respond_body textarea")
    expect(body).to_have_value(re.compile(r"^Hi Hank,"))  # the newest rejection first

    # Pick the other rejection from the list: open it, move down, Enter.
    tab_to(page, ".st-key-respond_app")
    page.keyboard.press("ArrowDown")
    expect(page.get_by_role("option").first).to_be_visible()
    page.keyboard.press("ArrowDown")
    page.keyboard.press("Enter")
    wait_idle(page)
    expect(body).to_have_value(re.compile(r"^Hi Peter,"))

    # Ask for feedback: Space on the checkbox.
    tab_to(page, ".st-key-respond_ask_feedback")
    page.keyboard.press("Space")
    wait_idle(page)
    expect(body).to_have_value(re.compile(r"feedback", re.I))

    # Copy: the copy icons of the boxes under "Copy the subject and text" show only on
    # hover (Streamlit's), so from the keyboard: select the email text and copy it.
    tab_to(page, ".st-key-respond_body")
    page.keyboard.press("Control+a")
    page.keyboard.press("Control+c")
    clipboard_holds(page, body.input_value())

    tab_to(page, ".st-key-respond_mark_sent")
    page.keyboard.press("Enter")
    page.wait_for_timeout(300)
    wait_idle(page)
    no_app_errors(page)
    expect(page.get_by_text("Marked as sent on 2026-11-25")).to_be_visible()
    screenshot(page, "keyboard-respond-sent", full_page=False)

    store = Store(server.db)
    try:
        sent = store.frame("SELECT d.status, a.company FROM drafts d "
                           "JOIN applications a ON a.id = d.application_id")
        asked = store.count("feedback_requests")
    finally:
        store.dispose()
    assert sent.to_dict("records") == [{"status": "sent", "company": "Initech"}]
    assert asked == 1


# --- labels and headings on every page -------------------------------------------------------

# Every form control Streamlit draws, native or ARIA, with what names it.
UNLABELLED = r"""() => {
  const text = el => (el && el.textContent || '').replace(/\s+/g, ' ').trim();
  const controls = document.querySelectorAll(
    'input:not([type=hidden]), textarea, select, [role=checkbox], [role=switch], ' +
    '[role=slider], [role=radiogroup], [role=combobox], [role=spinbutton], [role=listbox], ' +
    '[role=textbox]');
  const found = [];
  for (const el of controls) {
    if (el.closest('[data-testid="stSidebarNav"]')) continue;  // Streamlit's own navigation
    if (el.closest('[aria-hidden="true"]')) continue;  // e.g. the date input's hidden mirror
    const names = [el.getAttribute('aria-label') || '', el.getAttribute('title') || ''];
    for (const id of (el.getAttribute('aria-labelledby') || '').split(/\s+/).filter(Boolean))
      names.push(text(document.getElementById(id)));
    for (const label of el.labels || []) names.push(text(label));
    const name = names.map(n => n.trim()).find(Boolean) || '';
    const where = el.closest('[class*="st-key-"]');
    const key = where ? where.className.match(/st-key-(\S+)/)[1] : el.outerHTML.slice(0, 120);
    if (!name) found.push(`no label: ${el.tagName.toLowerCase()} (${key})`);
    else if (/\*\*|__|\]\(|:material\/|<[a-z]/i.test(name))
      found.push(`label with markup read aloud: "${name}" (${key})`);
  }
  return found;
}"""

HEADINGS = r"""() => Array.from(document.querySelectorAll(
    '[data-testid="stMain"] :is(h1, h2, h3, h4, h5, h6)'))
  .filter(h => h.offsetParent !== null || h.getClientRects().length)
  .map(h => [Number(h.tagName[1]), h.textContent.replace(/\s+/g, ' ').trim()])"""


def heading_problems(levels: list[list]) -> list[str]:
    """An h1 first; after that, never more than one level deeper than the heading before."""
    problems = []
    previous = 0
    for level, name in levels:
        if level > previous + 1:
            before = f"h{previous}" if previous else "the start of the page"
            problems.append(f"h{level} {name!r} comes right after {before}")
        previous = level
    return problems


def seed_everything(db) -> None:  # noqa: ANN001
    """A small demo: every section of every page has something to show."""
    store = Store(db)
    demo.fill(store, applications=40, seed=3, today=TODAY)
    store.dispose()


def each_view(page: Page):  # noqa: ANN201
    """Every page, and on the Reflect page each section, as (name, page) once it is drawn."""
    for title, heading in PAGES:
        nav(page, title)
        expect(page.get_by_role("heading", name=heading, exact=True).first).to_be_visible(
            timeout=SLOW)
        wait_idle(page)
        no_app_errors(page)
        yield title
        if title == "Reflect":
            for section in REFLECT_SECTIONS:
                page.locator(".st-key-reflect_section").get_by_text(section).click()
                page.wait_for_timeout(200)
                wait_idle(page)
                yield f"Reflect · {section}"


def test_every_input_has_a_label_and_headings_are_in_order(page: Page,
                                                           server: AppServer) -> None:
    """One visit to every view checks both (one server, to keep the suite fast)."""
    seed_everything(server.db)
    goto(page, server.url, "")
    labels: list[str] = []
    headings: list[str] = []
    for view in each_view(page):
        labels += [f"{view}: {p}" for p in page.evaluate(UNLABELLED)]
        tabs = page.locator('[data-testid="stMain"] [role="tab"]')
        names = [re.sub(r"^[a-z_]+\s+", "", tabs.nth(i).inner_text())  # drop icon names
                 for i in range(tabs.count())]
        for index in range(max(1, len(names))):
            if names:  # each tab shows different headings; check each one
                tabs.nth(index).click()
                page.wait_for_timeout(100)
            for problem in heading_problems(page.evaluate(HEADINGS)):
                if not any(seen.endswith(f": {problem}") and seen.startswith(view)
                           for seen in headings):  # the same problem under each tab: once
                    where = f"{view} · tab {names[index]!r}" if names else view
                    headings.append(f"{where}: {problem}")
    # The welcome page of an empty database too.
    store = Store(server.db)
    store.delete_all_data()
    store.dispose()
    nav(page, "Progress")
    expect(page.get_by_role("heading", name="Welcome to Next Round")).to_be_visible()
    labels += [f"Welcome: {p}" for p in page.evaluate(UNLABELLED)]
    headings += [f"Welcome: {p}" for p in heading_problems(page.evaluate(HEADINGS))]
    assert labels + headings == [], "\n".join(
        ["Inputs without a plain label:", *labels, "Headings out of order:", *headings])
