"""The work-search record's activities, read from a real database (each engine): what counts,
what the options leave out, how each activity was made, and the week's count."""

from __future__ import annotations

from datetime import date

from nextround.reports import work_search
from nextround.reports.work_search import Options, activities, how_applied
from nextround.store import Store
from tests import factories


def test_an_application_is_an_activity_with_its_employer_position_contact_and_stage(
        store: Store) -> None:
    factories.application(store, "Acme", role="Engineer", applied_on="2026-11-03",
                          link="https://acme.example/jobs/1", contact_name="Ada Byron",
                          contact_email="ada@acme.example",
                          stages=[("interviewing", "2026-11-10")])
    factories.application(store, "Too Early", applied_on="2026-10-31")
    found = activities(store, date(2026, 11, 1), date(2026, 11, 30))
    assert [a.cells() for a in found] == [
        (date(2026, 11, 3), "Acme", "Engineer", "Online", "Ada Byron <ada@acme.example>",
         "Applied; now: Interviewing"),
        (date(2026, 11, 10), "Acme", "Engineer", "Online", "Ada Byron <ada@acme.example>",
         "Moved to Interviewing"),
    ]


def test_options_leave_out_stage_changes_sent_emails_and_feedback_requests(
        store: Store) -> None:
    app_id = factories.rejected(store, "Beta", applied_on="2026-10-01")
    factories.move(store, factories.application(store, "Gamma", applied_on="2026-09-01"),
                   "screening", "2026-11-04")
    factories.sent_note(store, app_id, "2026-11-05", to_email="hr@beta.example")
    factories.feedback_request(store, app_id, "2026-11-06", channel="call",
                               asked_whom="Jo, the recruiter")
    period = (date(2026, 11, 1), date(2026, 11, 30))
    everything = activities(store, *period)
    assert [(a.employer, a.how, a.contact, a.result) for a in everything] == [
        ("Gamma", "Not recorded", "", "Moved to Screening"),
        ("Beta", "Email", "hr@beta.example", "Thank-you after a rejection (sent)"),
        ("Beta", "Phone", "Jo, the recruiter", "Asked for feedback; awaiting reply"),
    ]
    assert activities(store, *period, Options(stage_changes=False, follow_ups=False,
                                              feedback_requests=False)) == []
    only_emails = activities(store, *period, Options(stage_changes=False,
                                                     feedback_requests=False))
    assert [a.how for a in only_emails] == ["Email"]


def test_how_an_application_was_made_comes_from_its_source_link_and_contact() -> None:
    assert how_applied("LinkedIn", "", "") == "Online"
    assert how_applied("Emailed the CEO", "", "") == "Email"
    assert how_applied("Phone call", "https://x.example", "") == "Phone"
    assert how_applied("Career fair", "", "") == "In person"
    assert how_applied("Referral", "https://x.example/job", "") == "Online"
    assert how_applied("", "", "hr@x.example") == "Email"
    assert how_applied("Referral", "", "") == "Referral"
    assert how_applied("", "", "") == "Not recorded"


def test_the_weeks_count_runs_from_monday_to_today(store: Store) -> None:
    # The suite's today is Wednesday 25 Nov 2026; its week began on Monday 23 Nov.
    factories.application(store, "Sunday", applied_on="2026-11-22")
    factories.application(store, "Monday", applied_on="2026-11-23")
    factories.application(store, "Today", applied_on="2026-11-25")
    assert work_search.week_count(store, date(2026, 11, 25)) == 2


def test_marking_an_application_ghosted_is_no_activity_and_reads_as_no_reply(
        store: Store) -> None:
    factories.application(store, "Quiet Co", applied_on="2026-11-02",
                          stages=[("ghosted", "2026-11-20")])
    found = activities(store, date(2026, 11, 1), date(2026, 11, 30))
    assert [a.result for a in found] == ["Applied; now: No reply from the employer"]
