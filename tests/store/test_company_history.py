"""A company's history (`companies.history`) read from the store: every spelling of one
company, and nothing of another; its sent thank-yous and stay-in-touch notes, its received
feedback; the newest applications first. On the suite's engine (SQLite, and PostgreSQL in the
PostgreSQL pass), where the names are compared exactly as stored."""

from __future__ import annotations

from datetime import date

from nextround import companies, sending
from nextround.store import Store
from tests import factories
from tests.conftest import TODAY

KEPT = {"kind": "rejection_thanks", "tone": "warm", "company": "Acme", "role": "",
        "to_email": "", "subject": "Thank you", "body": "Thank you."}


def test_every_spelling_of_the_company_and_what_was_sent_and_said(store: Store) -> None:
    thanked = factories.rejected_after_interview(
        store, "Acme Inc.", applied_on="2026-02-01", rejected_on="2026-03-10",
        contact_name="Priya Shah", contact_email="priya@acme.example")
    factories.sent_note(store, thanked, "2026-03-11", to_email="priya@acme.example")
    factories.sent_note(store, thanked, "2026-09-01", kind="stay_in_touch",
                        to_email="priya@acme.example")
    sending.save_draft(store, {**KEPT, "application_id": thanked}, request_token="kept")
    request = factories.feedback_request(store, thanked, "2026-03-11", asked_whom="Priya")
    factories.feedback_reply(store, request, "2026-03-20", "Go deeper on system design.")
    ghosted = factories.application(store, "ACME", applied_on="2025-05-01",
                                    stages=[("ghosted", "2025-06-15")])
    asked_only = factories.application(store, "acme  gmbh", applied_on="2024-01-05",
                                       stages=[("rejected", "2024-01-20")])
    factories.feedback_request(store, asked_only, "2024-01-21")  # asked, never answered
    factories.application(store, "Acme Labs")  # another company
    factories.application(store, "Beta's \"Acme\"; DROP TABLE applications; --")

    assert sorted(companies.spellings(store, "acme")) == ["ACME", "Acme Inc.", "acme  gmbh"]
    history = companies.history(store, " ACME, Inc ")
    assert history is not None
    assert history.company == "Acme Inc."  # as stored most recently
    assert [a.id for a in history.applications] == [thanked, ghosted, asked_only]
    first = history.applications[0]
    assert (first.role, first.stage, first.applied_on, first.stage_on, first.furthest_level,
            first.contact_name) == ("", "rejected", date(2026, 2, 1), date(2026, 3, 10), 2,
                                    "Priya Shah")
    # Sent notes only (a kept draft is not sent), newest first.
    assert [(n.kind, n.sent_on, n.to_email) for n in history.notes] == [
        ("stay_in_touch", date(2026, 9, 1), "priya@acme.example"),
        ("rejection_thanks", date(2026, 3, 11), "priya@acme.example")]
    assert history.thanks_for(thanked).sent_on == date(2026, 3, 11)
    # Feedback received (a request never answered is not feedback).
    assert [(f.application_id, f.asked_whom, f.received_on, f.feedback_text)
            for f in history.feedback] == [
        (thanked, "Priya", date(2026, 3, 20), "Go deeper on system design.")]
    assert history.door.id == thanked
    assert [a.id for a in history.ghosted] == [ghosted]

    labs = companies.history(store, "ACME LABS")
    assert labs is not None and [a.company for a in labs.applications] == ["Acme Labs"]
    assert companies.history(store, "Initech") is None
    assert companies.history(store, "   ") is None


def test_a_name_stored_with_unicode_matches_its_plain_spelling(store: Store) -> None:
    """Both engines hand the stored names back exactly, so a name the rule folds (ß, é,
    full-width letters) is found again by its stored value."""
    for name in ("Straße Café GmbH", "ＡＣＭＥ", "Ünïcode Ltd"):
        factories.rejected(store, name)
    assert companies.history(store, "strasse cafe").company == "Straße Café GmbH"
    assert companies.history(store, "acme").company == "ＡＣＭＥ"
    assert companies.history(store, "UNICODE").company == "Ünïcode Ltd"


def test_the_newest_applications_only_and_one_name_each(store: Store) -> None:
    for day in range(1, 26):
        factories.application(store, "Globex", applied_on=date(2026, 10, day), today=TODAY)
    assert store.applications.companies() == ["Globex"]
    history = companies.history(store, "globex")
    assert len(history.applications) == companies.HISTORY_MAX
    assert history.applications[0].applied_on == date(2026, 10, 25)
    assert history.applications[-1].applied_on == date(2026, 10, 25 - companies.HISTORY_MAX + 1)
    # The store's reads take any list of values, an empty one too.
    assert store.applications.at_companies([]) == []
    assert store.drafts.sent_for([], companies.NOTE_KINDS) == []
    assert store.feedback.received_for([]) == []
