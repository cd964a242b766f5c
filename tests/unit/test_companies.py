"""The one rule for when two company names are one company (`companies.company_key`), as a
table of names that should and should not match, and the words a history is told in."""

from __future__ import annotations

from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st

from nextround import companies
from nextround.companies import CompanyHistory, company_key, same_company
from nextround.records import PastApplication, SentNote

SAME = [
    ("Acme Inc.", "ACME"),
    ("Acme, Inc.", "acme"),
    ("acme  gmbh", "Acme"),
    ("  Acme  ", "acme"),
    ("Acme Ltd", "Acme Limited"),
    ("Acme LLC", "Acme"),
    ("Acme AG", "Acme"),
    ("Acme SA", "Acme S.A."),
    ("Acme B.V.", "Acme BV"),
    ("Acme plc", "ACME PLC"),
    ("Acme Corp", "Acme Corporation"),
    ("Acme Co.", "Acme"),
    ("Acme Co., Ltd.", "Acme"),
    ("Acme GmbH & Co. KG", "Acme"),
    ("Acme Pty. Ltd.", "Acme"),
    ("Deep Mind", "DeepMind"),
    ("Acme-Labs", "Acme Labs"),
    ("McDonald's", "McDonalds"),
    ("STRASSE", "Straße"),          # Unicode case folding
    ("Café Analytics", "Cafe Analytics"),  # accents on Latin letters are folded
    ("Škoda", "Skoda"),
    ("ＡＣＭＥ", "Acme"),             # full-width letters are letters
    ("Inc", "inc."),                # a suffix alone is the company's name
    ("Co", "CO"),
    ("Inc Ltd", "Inc"),             # ...and it keeps its first word
]

DIFFERENT = [
    ("Acme Labs", "Acme"),
    ("Acme Health", "Acme Analytics"),
    ("Co-op", "Co"),
    ("Inc", "Acme Inc"),
    ("Acme Group", "Acme"),         # "Group" names a company; it is no legal form
    ("Acme Holdings", "Acme"),
    ("Inc Acme", "Acme"),           # legal words count only at the end
    ("ガス", "カス"),                 # a mark that changes a Japanese word is kept
    ("काम", "कम"),                  # so is a Devanagari vowel sign
    ("Йота", "Иота"),               # and a Cyrillic letter's breve
    ("Acme 2", "Acme 3"),
    ("!!!", "???"),                 # no letters: matches nothing
    ("", ""),
]


@pytest.mark.parametrize(("first", "second"), SAME)
def test_names_that_are_one_company(first: str, second: str) -> None:
    assert same_company(first, second)
    assert same_company(second, first)


@pytest.mark.parametrize(("first", "second"), DIFFERENT)
def test_names_that_are_not_one_company(first: str, second: str) -> None:
    assert not same_company(first, second)
    assert not same_company(second, first)


def test_the_key_is_readable_and_empty_without_letters() -> None:
    assert company_key("Acme GmbH & Co. KG") == "acme"
    assert company_key("Acme Labs") == "acmelabs"
    assert company_key("Inc") == "inc"
    assert company_key(" - . ' ") == ""


@given(st.text(max_size=40))
def test_every_name_is_its_own_company_unless_it_has_no_letters(name: str) -> None:
    key = company_key(name)
    assert same_company(name, name) == bool(key)
    # Case, spacing and a legal suffix never change which company it is.
    assert company_key(f"  {name.upper()}  Inc. ") == company_key(name.upper()) or not key


def _application(app_id: int, stage: str, *, level: int = 0, on: str = "2026-03-10",
                 contact: str = "", email: str = "") -> PastApplication:
    return PastApplication(id=app_id, company="Acme", role="Engineer", stage=stage,
                           applied_on=date(2026, 2, 1), stage_on=date.fromisoformat(on),
                           furthest_level=level, contact_name=contact, contact_email=email)


def _thanks(app_id: int, on: str = "2026-03-11") -> SentNote:
    return SentNote(application_id=app_id, kind="rejection_thanks", to_email="p@acme.example",
                    sent_on=date.fromisoformat(on))


def test_the_door_prefers_the_no_the_user_answered() -> None:
    newest_no = _application(3, "rejected", on="2026-06-01", contact="Sam")
    thanked = _application(2, "rejected", on="2026-03-10", contact="Priya")
    ghosted = _application(1, "ghosted")
    history = CompanyHistory("Acme", (newest_no, thanked, ghosted), (_thanks(2),), ())
    assert history.door == thanked
    assert history.thanks_for(2) is not None and history.thanks_for(3) is None
    assert history.ghosted == (ghosted,)
    unthanked = CompanyHistory("Acme", (newest_no, thanked), (), ())
    assert unthanked.door == newest_no
    # Nothing ended: no note to write (a silence or an open application is no door).
    assert CompanyHistory("Acme", (ghosted, _application(4, "screening")), (), ()).door is None


@pytest.mark.parametrize(("stage", "level", "told"), [
    ("rejected", 2, "Got as far as interviews; they said no on 2026-03-10."),
    ("rejected", 1, "Got as far as a screening call; they said no on 2026-03-10."),
    ("rejected", 0, "They said no on 2026-03-10."),
    ("withdrawn", 3, "Got as far as an offer; you withdrew on 2026-03-10."),
    ("accepted", 3, "Got as far as an offer; you accepted on 2026-03-10."),
    ("ghosted", 0, "No reply came."),
    ("applied", 0, "No reply yet."),
    ("screening", 1, "Still in progress (screening since 2026-03-10)."),
    ("offer", 3, "Still in progress (offer since 2026-03-10)."),
])
def test_how_far_it_got_and_how_it_ended(stage: str, level: int, told: str) -> None:
    assert companies.summary(_application(1, stage, level=level)) == f"Applied 2026-02-01. {told}"


def test_when_is_said_as_a_person_says_it() -> None:
    assert companies.when(date(2026, 3, 10), date(2026, 11, 25)) == "in March"
    assert companies.when(date(2025, 3, 10), date(2026, 11, 25)) == "in March 2025"
