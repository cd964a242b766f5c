"""Whole user journeys in Chromium, each on its own fresh server and empty database:

1. first run: explore the demo, visit every page from the sidebar, leave the demo;
2. the coaching loop: add an application, record a rejection after an interview, respond
   (draft, copy, mark as sent), record the feedback reply, reflect, add a game-plan action,
   check in, and see all of it on the progress page;
3. import a CSV, back up, delete everything, restore the backup.

Every step is checked for Streamlit exceptions, console errors and requests to other hosts.
Screenshots go to tests/e2e/screenshots/ (git-ignored) for a person to look at.
"""

from __future__ import annotations

import re
from pathlib import Path

from playwright.sync_api import Locator, Page, expect

from nextround.store import Store
from tests.e2e.conftest import (
    AppServer,
    Watch,
    clipboard_holds,
    goto,
    nav,
    no_app_errors,
    open_expander,
    screenshot,
    wait_idle,
)

# Sidebar titles (app.py) and a heading each page always draws.
PAGES = [("Applications", "Applications"), ("Respond", "Respond"), ("Feedback", "Feedback"),
         ("Reflect", "Reflect"), ("Check-in", "Weekly check-in"), ("Your data", "Your data"),
         ("Progress", "Your progress")]
SLOW = 60_000  # a busy 2-core machine runs the whole team's tests at once



# --- helpers ---------------------------------------------------------------------------------

def key(page: Page, name: str) -> Locator:
    """The container Streamlit gives a keyed element (class `st-key-<key>`)."""
    return page.locator(f".st-key-{name}")


def clean(page: Page, watch: Watch, where: str) -> None:
    """No traceback on screen, no console error, nothing asked of another host."""
    no_app_errors(page)
    assert watch.errors() == [], f"{where}: {watch.errors()}"
    assert watch.foreign_requests() == [], f"{where}: {watch.foreign_requests()}"
    assert watch.dialogs == [], f"{where}: {watch.dialogs}"


def click(locator: Locator) -> None:
    """Click something that reruns the script, and wait for the rerun to finish."""
    locator.click()
    page = locator.page
    page.wait_for_timeout(200)
    wait_idle(page)


def choose(page: Page, container: Locator, option: str) -> None:
    """Pick an option of a selectbox (Streamlit draws options in a floating list)."""
    container.locator('[data-testid="stSelectbox"], [role="combobox"]').first.click()
    page.get_by_role("option", name=option, exact=True).click()
    page.wait_for_timeout(200)
    wait_idle(page)


def expect_picked(container: Locator, text: str) -> None:
    """The selectbox in `container` shows an option containing `text`."""
    expect(container.get_by_role("combobox")).to_have_value(re.compile(re.escape(text)))


def metric(scope: Page | Locator, label: str) -> Locator:
    """The value of the st.metric (in `scope`) whose label is exactly `label`."""
    page = scope if isinstance(scope, Page) else scope.page
    box = scope.locator('[data-testid="stMetric"]').filter(
        has=page.locator('[data-testid="stMetricLabel"]').get_by_text(label, exact=True))
    return box.locator('[data-testid="stMetricValue"]')


def tall(page: Page, height: int = 2400) -> None:
    """Streamlit scrolls inside the app; a tall window puts the whole page in a screenshot."""
    page.set_viewport_size({"width": 1280, "height": height})


def shot(page: Page, name: str) -> None:
    wait_idle(page)
    page.wait_for_timeout(600)  # tables and charts draw a moment after the script ends
    screenshot(page, f"journey-{name}")


# --- 1. first run ----------------------------------------------------------------------------

def test_first_run_explore_the_demo_visit_every_page_and_leave(
        page: Page, server: AppServer, watch: Watch) -> None:
    goto(page, server.url, "")
    expect(page.get_by_role("heading", name="Welcome to Next Round")).to_be_visible()
    clean(page, watch, "welcome")
    page.get_by_role("button", name="Explore with demo data").click()
    expect(page.get_by_role("heading", name="Your progress")).to_be_visible(timeout=SLOW)
    wait_idle(page, timeout=SLOW)
    sidebar = page.locator('[data-testid="stSidebar"]')
    expect(sidebar.get_by_text("You're exploring demo data")).to_be_visible()
    expect(metric(page, "Applied")).to_have_text("400")
    clean(page, watch, "demo progress")
    shot(page, "1-demo-progress")

    for title, heading in PAGES:
        nav(page, title)
        expect(page.get_by_role("heading", name=heading, exact=True).first).to_be_visible(
            timeout=SLOW)
        wait_idle(page)
        expect(sidebar.get_by_text("You're exploring demo data")).to_be_visible()
        clean(page, watch, title)
        if title in ("Applications", "Feedback"):
            shot(page, f"1-demo-{title.lower()}")

    page.get_by_role("button", name="Leave the demo").click()
    expect(page.get_by_role("heading", name="Welcome to Next Round")).to_be_visible(
        timeout=SLOW)
    wait_idle(page)
    expect(sidebar.get_by_text("You're exploring demo data")).to_have_count(0)
    clean(page, watch, "after leaving the demo")
    shot(page, "1-left-demo")
    store = Store(server.db)
    try:
        assert store.is_empty(), "the demo wrote into the real database"
    finally:
        store.dispose()
    assert (server.db.parent / "demo.db").exists()


# --- 2. the coaching loop --------------------------------------------------------------------

def add_application(page: Page) -> None:
    page.get_by_role("button", name="Start fresh").click()
    expect(page.get_by_role("heading", name="Applications")).to_be_visible(timeout=SLOW)
    wait_idle(page)
    key(page, "add_app_company").locator("input").fill("Acme Analytics")
    key(page, "add_app_role").locator("input").fill("Data engineer")
    key(page, "add_app_contact_name").locator("input").fill("Ana Ruiz")
    key(page, "add_app_contact_email").locator("input").fill("ana@acme.example")
    key(page, "add_app_notes").locator("textarea").fill("<img src=x onerror=alert(1)> $5k–$10k")
    click(key(page, "add_app_submit").locator("button"))
    expect(key(page, "app_detail").get_by_text("Acme Analytics · Data engineer")).to_be_visible()


def record_rejection_after_interview(page: Page) -> None:
    detail = key(page, "app_detail")
    for stage in ("Interviewing", "Rejected"):
        choose(page, key(page, "stage_app_stage"), stage)
        click(key(page, "stage_app_submit").locator("button"))
        expect(detail.locator('[data-testid="stBadge"], span', has_text=stage).first
               ).to_be_visible()
    # Both changes are in the timeline, after "Applied".
    expect(detail.get_by_text("Interviewing", exact=True).first).to_be_visible()
    expect(detail.get_by_text("Rejected", exact=True).first).to_be_visible()


def respond_with_feedback_request(page: Page) -> None:
    nav(page, "Respond")
    expect(page.get_by_role("heading", name="Respond")).to_be_visible()
    # The rejection waiting for a reply is picked already.
    expect_picked(key(page, "respond_app"), "Acme Analytics")
    key(page, "respond_ask_feedback").get_by_text("Ask for brief feedback").click()
    wait_idle(page)
    body = key(page, "respond_body").locator("textarea")
    expect(body).to_have_value(re.compile(r"^Hi Ana,.*feedback", re.S))
    # Copy: the copy button of the code block puts the text on the clipboard.
    open_expander(page, "Copy the subject and text")
    # The copy button shows only while the pointer is over the box, and a scroll can move the
    # box away from the pointer on a busy machine: send the click to the button itself.
    box = page.locator('[data-testid="stCode"]').nth(1)
    box.hover()
    box.locator("xpath=..").locator('[aria-label="Copy to clipboard"]').dispatch_event("click")
    clipboard_holds(page, body.input_value())
    shot(page, "2-respond-draft")
    click(key(page, "respond_mark_sent").locator("button"))
    expect(page.get_by_text("Marked as sent on 2026-11-25")).to_be_visible()


def record_feedback_reply(page: Page) -> None:
    nav(page, "Feedback")
    expect(metric(page, "Feedback requested")).to_have_text("1")
    expect(metric(page, "Replies received")).to_have_text("0")
    click(page.get_by_role("tab", name="Record a reply"))
    expect_picked(key(page, "feedback_reply_pick"), "Acme Analytics")
    form = page.locator('[data-testid="stForm"]').filter(
        has=page.get_by_role("button", name="Save the reply"))
    form.get_by_label("What they said").fill(
        "Strong portfolio; go deeper on data modelling. [x](javascript:alert(1))")
    form.locator('[data-testid="stMultiSelect"]').click()
    page.get_by_role("option", name="technical depth").click()
    page.keyboard.press("Escape")
    click(form.get_by_role("button", name="Save the reply"))
    expect(metric(page, "Replies received")).to_have_text("1")
    expect(metric(page, "Feedback rate")).to_have_text("1 of 1")  # counts below five
    click(page.get_by_role("tab", name="Themes"))  # drawn only while open (decision 48)
    expect(page.get_by_role("heading", name="What the feedback says")).to_be_visible()
    shot(page, "2-feedback")


def reflect_and_plan(page: Page) -> None:
    nav(page, "Reflect")
    expect_picked(key(page, "reflect_pick"), "Acme Analytics")
    click(key(page, "reflect_start").locator("button"))
    answers = {0: "A second interview, maybe an offer.",
               1: "Two rounds, then a short email.",
               3: "My portfolio walkthrough landed well."}
    for step in range(7):
        expect(page.get_by_text(f"Step {step + 1} of 7")).to_be_visible()
        form = page.locator('[data-testid="stForm"]')
        if step in answers:
            form.locator("textarea").first.fill(answers[step])
        if step == 4:
            form.get_by_label("Change 1").fill("Practise data-modelling questions")
            form.get_by_text("Add to game plan").first.click()
        if step == 6:
            form.get_by_text("Unsure", exact=True).click()
        name = "See my summary" if step == 6 else "Next"
        click(form.get_by_role("button", name=name))
        no_app_errors(page)
    expect(page.get_by_text("Your summary")).to_be_visible()
    shot(page, "2-reflect-summary")
    click(key(page, "reflect_finish_button").locator("button"))
    expect(page.get_by_role("heading", name="Start a reflection")).to_be_visible()

    click(key(page, "reflect_section").get_by_text("Game plan"))
    expect(page.get_by_text("Practise data-modelling questions")).to_be_visible()
    open_expander(page, "Add a step")
    step = page.get_by_label("What will you do?").first
    step.fill("Send two applications to data teams")
    # Leave the field as a person does before reaching for the button: a submit clicked in the
    # same instant as the typing can reach the server before the field's value does.
    step.blur()
    page.wait_for_timeout(200)
    click(page.get_by_role("button", name="Add to my game plan"))
    expect(page.get_by_text("Send two applications to data teams")).to_be_visible()
    expect(page.get_by_text("2 to do · 0 done")).to_be_visible()
    shot(page, "2-game-plan")


def check_in(page: Page) -> None:
    nav(page, "Check-in")
    expect(page.get_by_role("heading", name="Weekly check-in")).to_be_visible()
    answers = ["Most of the time", "More than half of the time", "Less than half of the time",
               "More than half of the time", "Most of the time"]  # 4+3+2+3+4 = 16 → 64%
    for number, answer in enumerate(answers, start=1):
        key(page, f"checkin_item_{number}").get_by_text(answer, exact=True).click()
    key(page, "checkin_stress").get_by_text("4", exact=True).click()
    key(page, "checkin_hours").locator("input").fill("10")
    key(page, "checkin_self_care").locator("input").click()
    page.get_by_role("option", name="Enough sleep").click()
    page.keyboard.press("Escape")
    key(page, "checkin_win").locator("input").fill("A kind reply from Acme")
    key(page, "checkin_let_go").locator("textarea").fill("Replaying the last question")
    click(key(page, "checkin_save").locator("button"))
    expect(page.get_by_text("You've checked in this week")).to_be_visible()
    expect(metric(page, "Wellbeing (WHO-5)")).to_have_text("64%")


def progress_shows_it_all(page: Page) -> None:
    nav(page, "Progress")
    expect(page.get_by_role("heading", name="Your progress")).to_be_visible()
    expect(metric(page, "Applied")).to_have_text("1")
    # On one application a rate is a count ("1 of 1"), never "100%".
    expect(metric(page, "Always-respond rate")).to_have_text("1 of 1")
    expect(metric(page, "Feedback rate")).to_have_text("1 of 1")
    expect(metric(page, "Response rate")).to_have_text("1 of 1")
    expect(page.get_by_text(re.compile(r"Last check-in \(week of 23 Nov\): 64% wellbeing"))
           ).to_be_visible()
    this_week = key(page, "this_week")
    if this_week.count():  # "This week" (nextround/ui/this_week.py), once progress draws it
        expect(this_week.get_by_role("heading", name="This week")).to_be_visible()
        for label, value in (("Applications sent", "1"), ("Replies sent", "1"),
                             ("Feedback received", "1"), ("Check-in", "Done")):
            expect(metric(this_week, label)).to_have_text(value)
    shot(page, "2-progress")


def test_the_whole_coaching_loop(page: Page, server: AppServer, watch: Watch) -> None:
    page.context.grant_permissions(["clipboard-read", "clipboard-write"])
    tall(page, 1600)
    goto(page, server.url, "")
    expect(page.get_by_role("heading", name="Welcome to Next Round")).to_be_visible()
    add_application(page)
    clean(page, watch, "add an application")
    record_rejection_after_interview(page)
    clean(page, watch, "rejection")
    shot(page, "2-application")
    respond_with_feedback_request(page)
    clean(page, watch, "respond")
    record_feedback_reply(page)
    clean(page, watch, "feedback")
    reflect_and_plan(page)
    clean(page, watch, "reflect")
    check_in(page)
    clean(page, watch, "check-in")
    progress_shows_it_all(page)
    clean(page, watch, "progress")

    store = Store(server.db)
    try:
        counts = store.transfer.table_counts()
        assert counts["applications"] == 1
        assert counts["checkins"] == 1
        assert store.frame("SELECT kind, status FROM drafts").to_dict("records") == [
            {"kind": "rejection_thanks", "status": "sent"}]
        requests = store.frame("SELECT status, themes FROM feedback_requests")
        assert requests["status"].tolist() == ["received"]
        assert "technical depth" in requests["themes"].iloc[0]
        assert store.frame("SELECT status FROM reflections")["status"].tolist() == ["done"]
        assert sorted(store.frame("SELECT source_kind FROM actions")["source_kind"]) == [
            "manual", "reflection"]
        stages = store.frame("SELECT stage FROM events ORDER BY id")["stage"].tolist()
        assert stages == ["applied", "interviewing", "rejected"]
    finally:
        store.dispose()


# --- 3. import, back up, restore -------------------------------------------------------------

SHEET = ("Company,Job Title,Date applied,Status,Notes\n"
         "Acme,Engineer,2026-09-05,Applied,<img src=x onerror=alert(1)>\n"
         "Beta GmbH,Designer,2026-10-01,Interviewing,[x](javascript:alert(1))\n"
         "Gamma,PM,2026-10-12,Rejected,$5k–$10k\n")


def data_tab(page: Page, name: str) -> None:
    click(page.get_by_role("tab", name=name))


def count_rows(db: Path, table: str = "applications") -> int:
    store = Store(db)
    try:
        return store.count(table)
    finally:
        store.dispose()


def test_import_a_csv_back_up_and_restore(page: Page, server: AppServer, watch: Watch,
                                          tmp_path: Path) -> None:
    tall(page)
    goto(page, server.url, "")
    nav(page, "Your data")
    expect(page.get_by_role("heading", name="Your data")).to_be_visible()

    # Import: upload, preview, confirm.
    data_tab(page, "Import")
    sheet = tmp_path / "my-tracker.csv"
    sheet.write_text(SHEET, encoding="utf-8")
    page.locator('[data-testid="stFileUploaderDropzoneInput"]').first.set_input_files(str(sheet))
    wait_idle(page)
    expect(page.get_by_text("A spreadsheet from another tracker, 3 rows.")).to_be_visible()
    expect(page.get_by_text("First rows, as they will be saved")).to_be_visible()
    clean(page, watch, "import preview")
    shot(page, "3-import-preview")
    assert count_rows(server.db) == 0, "the preview wrote something"
    click(page.get_by_role("button", name="Import 3 applications"))
    expect(page.get_by_text("Imported 3 rows.").first).to_be_visible()
    clean(page, watch, "import")
    assert count_rows(server.db) == 3

    # Back up.
    data_tab(page, "Backup and restore")
    click(page.get_by_role("button", name="Back up now"))
    expect(page.get_by_role("tabpanel", name="Backup and restore")
           .locator('[data-testid="stDataFrame"]')).to_be_visible()
    clean(page, watch, "backup")
    store = Store(server.db)
    try:
        manual = [p.name for p in store.backups.files() if p.name.endswith("-manual.db")]
    finally:
        store.dispose()
    assert len(manual) == 1

    # Delete everything (typed confirmation), so the restore has something to bring back.
    data_tab(page, "Delete")
    key(page, "delete_phrase").locator("input").fill("delete my data")
    key(page, "delete_phrase").locator("input").press("Enter")
    wait_idle(page)
    click(page.get_by_role("button", name="Delete all my data"))
    wait_idle(page)
    assert count_rows(server.db) == 0

    # Restore the manual backup: pick it, see what changes, confirm.
    data_tab(page, "Backup and restore")
    choose(page, key(page, "restore_pick"), manual[0])
    expect(page.get_by_text("What will be replaced")).to_be_visible()
    key(page, "restore_agree").get_by_text("Replace my current data with this backup").click()
    wait_idle(page)
    shot(page, "3-restore-confirm")
    click(page.get_by_role("button", name="Restore", exact=True))
    expect(page.get_by_text("Restored. Your previous data was backed up first.")).to_be_visible()
    clean(page, watch, "restore")
    assert count_rows(server.db) == 3

    nav(page, "Applications")
    expect(page.get_by_text("Showing 1–3 of 3 applications")).to_be_visible()
    clean(page, watch, "applications after restore")
    shot(page, "3-applications-after-restore")
