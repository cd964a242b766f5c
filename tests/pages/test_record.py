"""AppTest for the work-search record (data page, Export tab) and the home page's count: what
a person sees for a period with activities, an empty one, the options, the weekly setting."""

from __future__ import annotations

import dataclasses
from datetime import date

import pytest
from streamlit.testing.v1 import AppTest

from nextround.store import Store
from tests import factories
from tests.conftest import no_exception, open_page


def _open_export(at: AppTest) -> AppTest:
    """The Export tab draws only when open, as a click on it opens it."""
    at.session_state["data_tab"] = "Export"
    return at.run()


def _record_tab(at: AppTest) -> str:
    tab = next(t for t in at.tabs if t.label == "Export")
    return "\n".join(str(e.value) for kind in ("info", "caption") for e in getattr(tab, kind))


def test_the_record_tab_counts_the_periods_activities_and_offers_three_files(
        store: Store) -> None:
    factories.application(store, "Acme", applied_on="2026-11-10",
                          stages=[("screening", "2026-11-12")])
    factories.application(store, "Long Ago", applied_on="2026-01-05")
    at = _open_export(open_page("app_pages/data.py"))
    no_exception(at)
    assert "2 activities from 29 Oct 2026 to 25 Nov 2026" in _record_tab(at)
    buttons = {b.key: b.proto.label for b in at.get("download_button")}
    assert buttons["record_download_pdf"] == "PDF to print"
    assert buttons["record_download_xlsx"] == "Excel (.xlsx)"
    assert buttons["record_download_csv"] == "CSV"
    at.checkbox(key="record_stage_changes").uncheck().run()
    no_exception(at)
    assert "1 activity from 29 Oct 2026 to 25 Nov 2026" in _record_tab(at)


def test_an_empty_period_says_so_and_offers_no_files(store: Store) -> None:
    factories.application(store, "Long Ago", applied_on="2026-01-05")
    at = _open_export(open_page("app_pages/data.py"))
    at.date_input(key="record_period").set_value((date(2026, 11, 1), date(2026, 11, 20))).run()
    no_exception(at)
    assert ("No job-search activities are recorded from 1 Nov 2026 to 20 Nov 2026"
            in _record_tab(at))
    assert not [b for b in at.get("download_button") if b.key.startswith("record_")]


@pytest.mark.parametrize("option", ["record_stage_changes", "record_follow_ups",
                                    "record_feedback_requests"])
def test_the_period_and_options_survive_switching_tabs(store: Store, option: str) -> None:
    """The Export tab is drawn only while open; the picked period and options are kept
    meanwhile, so coming back shows the same record."""
    factories.application(store, "Acme", applied_on="2026-11-10",
                          stages=[("screening", "2026-11-12")])
    at = _open_export(open_page("app_pages/data.py"))
    at.date_input(key="record_period").set_value((date(2026, 11, 1), date(2026, 11, 20))).run()
    at.checkbox(key=option).uncheck().run()
    at.session_state["data_tab"] = "Settings"
    at.run()
    assert "record_period" not in [d.key for d in at.date_input]  # not drawn while closed
    _open_export(at)
    no_exception(at)
    assert at.date_input(key="record_period").value == (date(2026, 11, 1), date(2026, 11, 20))
    assert at.checkbox(key=option).value is False
    shown = "1 activity" if option == "record_stage_changes" else "2 activities"
    assert f"{shown} from 1 Nov 2026 to 20 Nov 2026" in _record_tab(at)


def _captions(at: AppTest) -> str:
    return "\n".join(str(c.value) for c in at.caption)


def test_the_home_page_counts_this_weeks_activities_only_when_a_number_is_set(
        store: Store) -> None:
    factories.application(store, "Monday Co", applied_on="2026-11-23")
    factories.application(store, "Last Week", applied_on="2026-11-20")
    at = open_page("app_pages/progress.py")
    no_exception(at)
    assert "Work-search record" not in _captions(at)
    store.settings.save(store.settings.get().with_work_search_weekly(3))
    at = open_page("app_pages/progress.py")
    no_exception(at)
    assert ("Work-search record: 1 job-search activity this week so far; your programme asks "
            "for 3.") in _captions(at)


def test_the_weekly_number_is_saved_from_settings_and_0_means_none(store: Store) -> None:
    at = open_page("app_pages/data.py")
    at.number_input(key="settings_work_search_weekly").set_value(5)
    at.button(key="FormSubmitter:settings_form-Save settings").click().run()
    no_exception(at)
    assert store.settings.get().work_search_weekly == 5
    at.number_input(key="settings_work_search_weekly").set_value(0)
    at.button(key="FormSubmitter:settings_form-Save settings").click().run()
    assert store.settings.get().work_search_weekly is None
    assert "work_search_weekly" not in store.settings.get().extra


def test_a_bad_stored_weekly_number_is_dropped_with_a_notice(store: Store) -> None:
    settings = store.settings.get()
    store.settings.save(dataclasses.replace(settings, extra={"work_search_weekly": "5"}))
    from sqlalchemy import text
    with store.write() as tx:
        tx.connection.execute(text("UPDATE settings SET extra = :e"),
                              {"e": '{"work_search_weekly": "lots"}'})
    read = store.settings.get()
    assert read.work_search_weekly is None
    assert any("stored value 'lots' isn't valid" in n for n in read.notices)
