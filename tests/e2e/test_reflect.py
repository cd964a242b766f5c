"""Browser journey through the reflect page: every step, the summary (light and dark), a reload
that resumes the draft, the game plan and the dream list. Screenshots go to
tests/e2e/screenshots/ for a person to look at."""

from __future__ import annotations

import json

from playwright.sync_api import Page, expect

from nextround import dream_list
from nextround import reflection as rf
from nextround.store import Store
from tests import factories
from tests.e2e.conftest import goto, no_app_errors, screenshot, wait_idle


def _seed(db) -> None:  # noqa: ANN001
    store = Store(db)
    factories.application(store, "Acme Analytics", role="Data engineer", applied_on="2026-10-01",
                          stage="rejected", contact_name="Ana", contact_email="ana@acme.example")
    dream_list.add(store, "Globex", "Platform engineer", "Kind team, real on-call", 1, "ready",
                   "Ask Sam for an intro")
    dream_list.add(store, "Acme Analytics", "Analytics engineer", "Still love the product", 2,
                   "networking", "Coffee with Ana in spring")
    rf.add_action(store, "Practise two system-design questions", "2026-11-27", "feedback",
                  source_label="technical depth")
    store.dispose()


def _key(page: Page, key: str):  # noqa: ANN202
    return page.locator(f".st-key-{key}")


def _click(page: Page, key: str) -> None:
    _key(page, key).locator("button").first.click()
    page.wait_for_timeout(300)
    wait_idle(page)


def _section(page: Page, name: str, heading: str) -> None:
    _key(page, "reflect_section").get_by_text(name).click()
    expect(page.get_by_role("heading", name=heading)).to_be_visible()
    wait_idle(page)


def test_reflect_journey(page: Page, server) -> None:  # noqa: ANN001
    page.set_viewport_size({"width": 1280, "height": 1400})
    _seed(server.db)
    goto(page, server.url)  # the entry point first, so st.navigation owns the URLs
    goto(page, server.url, "reflect")
    no_app_errors(page)
    screenshot(page, "reflect_start")
    _click(page, "reflect_start")
    no_app_errors(page)

    _key(page, "rf1_expected").locator("textarea").fill(
        "A second interview, maybe an offer. <img src=x onerror=alert(1)>")
    screenshot(page, "reflect_step1_expected")
    _click(page, "reflect_step_0_next")

    page.reload()  # saved as you go: a reload resumes the draft at step 2
    wait_idle(page)
    expect(page.get_by_text("Step 2 of 7")).to_be_visible()
    _key(page, "rf1_happened").locator("textarea").fill("Two rounds, then a short email.")
    _key(page, "rf1_questions").locator("textarea").fill("Tell me about a conflict.")
    screenshot(page, "reflect_step2_what_happened")
    _click(page, "reflect_step_1_next")

    screenshot(page, "reflect_step3_feeling")
    _key(page, "rf1_words").locator("textarea").fill("Flat, a bit relieved")
    _click(page, "reflect_step_2_next")

    _key(page, "rf1_well").locator("textarea").fill("My portfolio walkthrough landed well.")
    screenshot(page, "reflect_step4_went_well")
    _click(page, "reflect_step_3_next")

    _key(page, "rf1_change0").locator("input").fill("Prepare two conflict stories")
    _key(page, "rf1_plan0").locator("label").click()
    _key(page, "rf1_change1").locator("input").fill("Research their product more")
    screenshot(page, "reflect_step5_do_differently")
    _click(page, "reflect_step_4_next")

    _key(page, "rf1_factor_internal_candidate").locator("label").click()
    _key(page, "rf1_factor_experience").locator("label").click()
    slider = _key(page, "rf1_control").get_by_role("slider")
    slider.focus()
    for _ in range(4):  # 50% → 30%
        slider.press("ArrowLeft")
    screenshot(page, "reflect_step6_outside")
    _click(page, "reflect_step_5_next")

    _key(page, "rf1_fit").get_by_text("Unsure").click()
    screenshot(page, "reflect_step7_fit")
    _click(page, "reflect_step_6_next")

    expect(page.get_by_text("This one may not have been about you")).to_be_visible()
    no_app_errors(page)
    screenshot(page, "reflect_summary_light")
    page.emulate_media(color_scheme="dark")
    page.reload()
    wait_idle(page)
    expect(page.get_by_text("This one may not have been about you")).to_be_visible()
    screenshot(page, "reflect_summary_dark")
    page.emulate_media(color_scheme="light")
    _click(page, "reflect_finish_button")
    no_app_errors(page)
    screenshot(page, "reflect_finished")
    assert page.locator("img[src=x]").count() == 0


def test_game_plan_and_dream_list(page: Page, server) -> None:  # noqa: ANN001
    page.set_viewport_size({"width": 1280, "height": 1400})
    _seed(server.db)
    goto(page, server.url)  # the entry point first, so st.navigation owns the URLs
    goto(page, server.url, "reflect")
    _section(page, "Game plan", "Your game plan")
    expect(page.get_by_text("Practise two system-design questions")).to_be_visible()
    screenshot(page, "reflect_game_plan")
    _click(page, "action_done_1")
    expect(page.get_by_text("0 to do · 1 done", exact=False)).to_be_visible()
    no_app_errors(page)
    _section(page, "Dream list", "Your dream-job list")
    screenshot(page, "reflect_dream_list")
    _section(page, "Insights", "Patterns across your reflections")
    screenshot(page, "reflect_insights_empty")
    page.emulate_media(color_scheme="dark")
    page.reload()
    wait_idle(page)
    _section(page, "Dream list", "Your dream-job list")
    page.locator(".st-key-target_pick").click()
    page.get_by_role("option", name="Acme Analytics").first.click()
    wait_idle(page)
    # The door kept open: the history with this company, and the note one click away.
    expect(page.get_by_text("You've been in touch with Acme Analytics before")).to_be_visible()
    expect(page.get_by_role("link", name="Open in my mail app")).to_be_visible()
    wait_idle(page)
    no_app_errors(page)
    screenshot(page, "reflect_dream_list_said_no_dark")


def test_insights_charts(page: Page, server) -> None:  # noqa: ANN001
    page.set_viewport_size({"width": 1280, "height": 1600})
    store = Store(server.db)
    factors = list(rf.OUTSIDE_FACTORS)
    changes = ["Practise system design", "Research the company", "Prepare STAR stories",
               "Slow down when answering", "Tailor my CV"]
    store.transfer.insert_rows("reflections", [{
        "status": "done", "created_on": f"2026-{6 + i % 6:02d}-{1 + i % 27:02d}",
        "completed_on": f"2026-{6 + i % 6:02d}-{1 + i % 27:02d}", "updated_at": "x",
        "control_pct": (i * 37) % 101, "fit": "yes",
        "answers": json.dumps({"outside_factors": factors[i % 7: i % 7 + 1 + i % 2],
                               "do_differently": changes[i % 5: i % 5 + 2]}),
    } for i in range(40)])
    store.dispose()
    goto(page, server.url)
    goto(page, server.url, "reflect")
    _section(page, "Insights", "Patterns across your reflections")
    expect(page.locator('[data-testid="stVegaLiteChart"]')).to_have_count(3)
    expect(page.get_by_text("How much was within your control")).to_be_visible()
    page.wait_for_timeout(1500)
    no_app_errors(page)
    screenshot(page, "reflect_insights")


def test_sections_with_demo_data(page: Page, seeded_server) -> None:  # noqa: ANN001
    page.set_viewport_size({"width": 1280, "height": 1600})
    goto(page, seeded_server.url)
    goto(page, seeded_server.url, "reflect")
    no_app_errors(page)
    screenshot(page, "reflect_demo_reflect")
    for name, heading, shot in (("Game plan", "Your game plan", "reflect_demo_game_plan"),
                                ("Dream list", "Your dream-job list", "reflect_demo_dream"),
                                ("Insights", "Patterns across your reflections",
                                 "reflect_demo_insights")):
        _section(page, name, heading)
        page.wait_for_timeout(800)
        no_app_errors(page)
        screenshot(page, shot)
