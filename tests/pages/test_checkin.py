"""AppTest for the check-in page: the form, the result view, the low-score prompt, the
confirmation before replacing this week's check-in, and the "Get support" entry on every page."""

from __future__ import annotations

import dataclasses
import json
from datetime import date, time, timedelta

import pytest
from streamlit.testing.v1 import AppTest

from nextround import ui, wellbeing
from nextround.store import Store
from nextround.wellbeing import CheckIn
from tests import factories
from tests.conftest import ROOT, TODAY, chart_frames, no_exception, open_page

PAGE = "app_pages/checkin.py"
PAYLOADS = ["<img src=x onerror=alert(1)>", "[x](javascript:alert(1))",
            "![t](http://example.com/p.png)", "$5k–$10k", ":red[x]"]


def walk(node) -> list:  # noqa: ANN001
    """Every element and block under `node`, in page order."""
    found = [node]
    for child in getattr(node, "children", {}).values():
        found.extend(walk(child))
    return found


def answer(at: AppTest, items: list[int], *, stress: int | None = 5, hours: float | None = 6.0,
           care: tuple[str, ...] = ("sleep",), win: str = "", let_go: str = "") -> AppTest:
    for number, value in enumerate(items, start=1):
        at.radio(key=f"checkin_item_{number}").set_value(value)
    at.radio(key="checkin_stress").set_value(stress)
    at.number_input(key="checkin_hours").set_value(hours)
    at.multiselect(key="checkin_self_care").set_value(list(care))
    at.text_input(key="checkin_win").set_value(win)
    at.text_area(key="checkin_let_go").set_value(let_go)
    return at.button(key="checkin_save").click().run()


def has_key(at: AppTest, key: str) -> bool:
    try:
        at.container(key=key)
    except (KeyError, ValueError, IndexError):
        return False
    return True


def markdown_text(at: AppTest) -> str:
    return "\n".join(m.value for m in at.markdown) + "\n".join(c.value for c in at.caption)


@pytest.mark.parametrize("via_app", [True, False])
def test_form_has_the_official_who5_rows(via_app: bool) -> None:
    at = open_page(PAGE, via_app=via_app)
    no_exception(at)
    assert at.title[0].value == "Weekly check-in"
    labels = [at.radio(key=f"checkin_item_{n}").label for n in range(1, 6)]
    assert labels == [f"{n}. {text}" for n, text in enumerate(wellbeing.WHO5_ITEMS, start=1)]
    first = at.radio(key="checkin_item_1")
    assert first.options == ["At no time", "Some of the time", "Less than half of the time",
                             "More than half of the time", "Most of the time", "All of the time"]
    assert first.value is None and first.proto.horizontal
    text = markdown_text(at)
    assert "Over the last two weeks" in text
    assert "Psychiatric Research Unit" in text and "not a diagnosis" in text
    assert ("Your wellbeing trend starts after your second weekly check-in. It takes a minute, "
            "and it's for you alone.") in [i.value for i in at.info]
    assert [b.label for b in at.get("download_button")] == [
        "Add the weekly check-in to my calendar"]


@pytest.mark.parametrize("via_app", [True, False])
def test_saving_shows_the_result_view(store: Store, via_app: bool) -> None:
    wellbeing.save_checkin(store, CheckIn(items=[2, 2, 2, 2, 2], stress=7),
                           day=TODAY - timedelta(weeks=1))
    for day in (TODAY, TODAY - timedelta(days=1), TODAY - timedelta(days=9)):
        factories.application(store, "Acme", applied_on=day)
    at = open_page(PAGE, via_app=via_app)
    answer(at, [4, 4, 3, 3, 3], stress=3, hours=12.5, care=("sleep", "fun"), win="Got a reply")
    no_exception(at)
    saved = store.checkins.for_week("2026-W48")
    assert json.loads(saved.items) == [4, 4, 3, 3, 3] and saved.stress == 3
    assert json.loads(saved.self_care) == ["sleep", "fun"] and saved.hours == 12.5
    assert [m.value for m in at.metric] == ["68%", "2", "3 / 10"]
    assert "+28 points" in at.metric[0].proto.delta
    text = markdown_text(at)
    assert "Some ups and downs" in text and "Up 28 points" in text
    assert not has_key(at, "checkin_low_prompt")
    frames = chart_frames(at)
    assert frames and all(len(f) <= 26 for f in frames)
    weekly = next(f for f in frames if "applications" in f.columns)
    assert list(weekly["applications"])[-2:] == [1, 2]
    assert "Got a reply" in [t.value for t in at.text]


def test_unanswered_statements_get_a_message_and_nothing_is_saved(store: Store) -> None:
    at = open_page(PAGE, via_app=False)
    at.radio(key="checkin_item_1").set_value(3)
    at.button(key="checkin_save").click().run()
    no_exception(at)
    messages = [e.value for e in at.error]
    assert messages.count("Pick the answer closest to how you've felt.") == 4
    assert store.count("checkins") == 0


def test_low_score_shows_a_gentle_prompt_above_the_chart(store: Store) -> None:
    settings = store.settings.get()
    store.settings.save(dataclasses.replace(settings, support_region="UK"))
    wellbeing.save_checkin(store, CheckIn(items=[3, 3, 3, 3, 3]), day=TODAY - timedelta(weeks=1))
    at = open_page(PAGE)
    answer(at, [3, 3, 3, 3, 1])  # 52%, but one item at 1 → low
    no_exception(at)
    assert has_key(at, "checkin_low_prompt")
    prompt = at.container(key="checkin_low_prompt")
    words = "\n".join(m.value for m in prompt.markdown)
    assert wellbeing.LOW_PROMPT_TITLE in words and "trust" in words and "counsellor" in words
    assert "Samaritans" in words and "Find A Helpline" in words
    for label in ("depress", "disorder", "diagnos"):
        assert label not in words.lower()
    order = walk(at.main)
    prompt_at = order.index(prompt)
    chart_at = next(i for i, n in enumerate(order) if getattr(n, "type", "") == "vega_lite_chart")
    assert prompt_at < chart_at, "the prompt must come before the trend chart"


def test_one_check_in_is_a_dot_not_a_trend(store: Store) -> None:
    """The first check-in shows its result and says when the trend starts; the second draws
    it."""
    at = open_page(PAGE, via_app=False)
    answer(at, [4, 4, 3, 3, 3])
    no_exception(at)
    assert not at.get("vega_lite_chart")
    assert ("Your wellbeing trend starts after your second weekly check-in. You've done your "
            "first; next week's starts the line.") in [i.value for i in at.info]
    wellbeing.save_checkin(store, CheckIn(items=[3, 3, 3, 3, 3]), day=TODAY - timedelta(weeks=1))
    at.run()
    no_exception(at)
    assert len(at.get("vega_lite_chart")) == 2


def test_not_low_shows_no_prompt(store: Store) -> None:
    wellbeing.save_checkin(store, CheckIn(items=[5, 4, 4, 4, 4]), day=TODAY)
    at = open_page(PAGE, via_app=False)
    no_exception(at)
    assert not has_key(at, "checkin_low_prompt")
    assert any("Feeling good" in m.value for m in at.markdown)


def test_second_check_in_this_week_asks_before_replacing(store: Store) -> None:
    wellbeing.save_checkin(store, CheckIn(items=[4, 4, 4, 4, 4], win="first"),
                           day=TODAY - timedelta(1))
    at = open_page(PAGE, via_app=False)
    no_exception(at)
    assert at.radio(key="checkin_item_1").value == 4  # filled in from this week's answers
    at.radio(key="checkin_item_1").set_value(1)
    at.button(key="checkin_save").click().run()
    no_exception(at)
    assert has_key(at, "checkin_confirm")
    assert store.checkins.for_week("2026-W48").who5_raw == 20  # nothing written yet
    at.button(key="checkin_keep").click().run()
    assert not has_key(at, "checkin_confirm")
    assert at.radio(key="checkin_item_1").value == 4  # the saved answers are back in the form
    assert store.checkins.for_week("2026-W48").who5_raw == 20

    at.radio(key="checkin_item_1").set_value(1)
    at.button(key="checkin_save").click().run()
    at.button(key="checkin_replace").click().run()
    no_exception(at)
    row = store.checkins.for_week("2026-W48")
    assert row.who5_raw == 17 and row.version == 2 and store.count("checkins") == 1
    assert at.metric[0].value == "68%"


def test_the_trend_is_current_after_each_write(store: Store) -> None:
    """The summary and the trend are worked out once per write (cached): replacing this
    week's answers, or a check-in saved elsewhere, shows at once."""
    wellbeing.save_checkin(store, CheckIn(items=[2, 2, 2, 2, 2]), day=TODAY - timedelta(weeks=2))
    wellbeing.save_checkin(store, CheckIn(items=[4, 4, 4, 4, 4]), day=TODAY)
    at = open_page(PAGE, via_app=False)
    no_exception(at)

    def last_week() -> tuple:
        scores = next(f for f in chart_frames(at) if "who5_pct" in f.columns)
        return tuple(int(p) for p in scores.sort_values("week")["who5_pct"].dropna())

    assert last_week() == (40, 80)  # the week between has no check-in
    at.run()  # a rerun without a write: the same
    assert last_week() == (40, 80) and at.metric[0].value == "80%"
    at.radio(key="checkin_item_1").set_value(0)
    at.button(key="checkin_save").click().run()
    at.button(key="checkin_replace").click().run()
    no_exception(at)
    assert last_week() == (40, 64) and at.metric[0].value == "64%"
    wellbeing.save_checkin(store, CheckIn(items=[3, 3, 3, 3, 3]), day=TODAY - timedelta(weeks=1))
    at.run()  # saved in another tab: the next rerun shows it
    assert last_week() == (40, 60, 64)
    assert at.metric[1].value == "3"  # three weeks in a row


def test_a_change_from_another_tab_is_not_overwritten(store: Store) -> None:
    wellbeing.save_checkin(store, CheckIn(items=[4, 4, 4, 4, 4]), day=TODAY)
    at = open_page(PAGE, via_app=False)
    at.radio(key="checkin_item_2").set_value(0)
    at.button(key="checkin_save").click().run()
    other = store.checkins.for_week("2026-W48")  # meanwhile, another tab saves
    wellbeing.save_checkin(store, CheckIn(items=[5, 5, 5, 5, 5], win="other tab"), day=TODAY,
                           version=other.version)
    at.button(key="checkin_replace").click().run()
    no_exception(at)
    assert any("another tab" in e.value for e in at.error)
    assert store.checkins.for_week("2026-W48").win == "other tab"


def test_user_text_is_shown_literally(store: Store) -> None:
    for payload in PAYLOADS:
        wellbeing.save_checkin(store, CheckIn(items=[3, 3, 3, 3, 3], win=payload, let_go=payload),
                               day=date(2026, 1, 5) + timedelta(weeks=PAYLOADS.index(payload)))
    at = open_page(PAGE, via_app=False)
    no_exception(at)
    shown = [t.value for t in at.text]
    assert shown == [PAYLOADS[-1], PAYLOADS[-1]]
    for payload in PAYLOADS:
        assert payload not in markdown_text(at)


def _support_popover(at: AppTest):  # noqa: ANN202
    popovers = [b for b in walk(at.sidebar) if getattr(b, "type", "") == "popover"]
    return [p for p in popovers if p.proto.popover.label == "Get support"]


@pytest.mark.parametrize("path", list(ui.PAGES.values()))
def test_get_support_is_in_the_sidebar_of_every_page(store: Store, path: str) -> None:
    if not (ROOT / path).exists():
        pytest.skip(f"{path} does not exist yet")
    store.settings.save(dataclasses.replace(store.settings.get(), support_region="UK"))
    for via_app in (True, False):
        at = open_page(path, via_app=via_app)
        found = _support_popover(at)
        assert len(found) == 1, f"no Get support entry on {path}"
        inside = walk(found[0])
        words = "\n".join(n.value for n in inside if type(n).__name__ == "Markdown")
        assert "Samaritans" in words and "116 123" in words
        urls = [n.proto.url for n in inside if type(n).__name__ == "LinkButton"]
        assert "https://www.samaritans.org" in urls and "https://findahelpline.com" in urls


def test_reminder_day_and_time_can_be_chosen() -> None:
    at = open_page(PAGE, via_app=False)
    at.selectbox(key="checkin_reminder_day").set_value(0)
    at.time_input(key="checkin_reminder_time").set_value(time(9, 0)).run()
    no_exception(at)
    assert at.selectbox(key="checkin_reminder_day").value == 0
    assert at.get("download_button")[0].label == "Add the weekly check-in to my calendar"


# --- the support region: asked at the first check-in ---------------------------------------------

def _in_zone(store: Store, zone: str) -> None:
    store.settings.save(dataclasses.replace(store.settings.get(), timezone=zone))


def _support_note(at: AppTest) -> str:
    inside = walk(_support_popover(at)[0])
    return "\n".join(n.value for n in inside if type(n).__name__ == "Caption")


@pytest.mark.parametrize("via_app", [True, False])
def test_the_first_check_in_asks_for_the_region_guessed_from_the_time_zone(
        store: Store, via_app: bool) -> None:
    _in_zone(store, "Europe/London")
    at = open_page(PAGE, via_app=via_app)
    no_exception(at)
    question = at.selectbox(key="checkin_region")
    assert question.value == "UK" and question.format_func("UK") == "United Kingdom"
    assert question.options == ["Australia", "Canada", "Ireland", "New Zealand",
                                "United Kingdom", "United States", "Other / everywhere"]
    assert "guessed from your time zone" in _support_note(at)  # said in Get support too
    question.set_value("IE")
    answer(at, [1, 1, 2, 1, 1])  # low: the prompt lists the chosen region's services
    no_exception(at)
    saved = store.settings.get()
    assert saved.support_region == "IE" and wellbeing.support_region(saved).confirmed
    assert store.count("checkins") == 1
    words = "\n".join(m.value for m in at.container(key="checkin_low_prompt").markdown)
    assert "Samaritans Ireland" in words and "Find A Helpline" in words
    assert "the region you chose" in _support_note(at)


@pytest.mark.parametrize(("zone", "guess", "note"), [
    ("Europe/Berlin", "OTHER", "any country"),  # not in the list: never silently the US
    ("UTC", "OTHER", "any country"),
    ("America/Toronto", "CA", "guessed from your time zone"),
])
def test_the_guess_is_the_list_that_works_everywhere_when_the_zone_has_no_region(
        store: Store, zone: str, guess: str, note: str) -> None:
    _in_zone(store, zone)
    at = open_page(PAGE, via_app=False)
    assert at.selectbox(key="checkin_region").value == guess
    assert note in _support_note(at) and "Your data page" in _support_note(at)


@pytest.mark.parametrize("chosen", ["flag", "stored region"])
def test_a_chosen_region_is_not_asked_again(store: Store, chosen: str) -> None:
    current = store.settings.get()
    store.settings.save(current.with_flags(support_region_confirmed=True) if chosen == "flag"
                        else dataclasses.replace(current, support_region="NZ"))
    at = open_page(PAGE, via_app=False)
    no_exception(at)
    assert not any(s.key == "checkin_region" for s in at.selectbox)
    answer(at, [3, 3, 3, 3, 3])
    no_exception(at)
    assert store.count("checkins") == 1
    assert store.settings.get().support_region == ("US" if chosen == "flag" else "NZ")


def test_last_weeks_check_in_is_named_by_its_week_in_words(store: Store) -> None:
    factories.checkin(store, day=TODAY - timedelta(weeks=1))
    at = open_page(PAGE, via_app=False)
    no_exception(at)
    assert "Your last check-in (week of 16 Nov)" in [h.value for h in at.header]
