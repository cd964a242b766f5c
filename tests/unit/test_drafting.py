"""Drafting: the quality bar for every combination, properties for any names, and injection."""

from __future__ import annotations

import email
import itertools
import re
from email import policy
from urllib.parse import parse_qs, unquote, urlsplit

import pytest
from hypothesis import given
from hypothesis import strategies as st

from nextround.drafting import (
    KINDS,
    STAGES,
    TONES,
    Draft,
    DraftContext,
    draft,
    stage_from_history,
    with_signature,
)

SENDER = "Anne-Marie D'Arcy"
CONTACTS = (None, "Zoë O'Brien-Núñez", "李雷")
HIGHLIGHT = "the pairing exercise on your design system."
STRAY = (" ,", ",.", "..", " .", " !", " ?", " ;", " :", ",,", ";.", "  ", "()", "{", "}",
         "None", "nan", "\t")
# Words that would claim a meeting that never happened.
NOT_AFTER_APPLYING = ("interview", "meet", "met\\b", "spoke", "speak", "conversation", "call",
                      "chat", "final")


def words(text: str) -> int:
    return len(text.split())


def parse_mailto(url: str) -> tuple[str, dict[str, list[str]]]:
    parts = urlsplit(url)
    assert parts.scheme == "mailto"
    return unquote(parts.path), parse_qs(parts.query, keep_blank_values=True)


COMBINATIONS = list(itertools.product(
    KINDS, TONES, STAGES, (False, True), (False, True), CONTACTS, (None, HIGHLIGHT)))


@pytest.mark.parametrize(("kind", "tone", "stage", "ask", "keep", "contact", "highlight"),
                         COMBINATIONS)
def test_quality_bar(kind, tone, stage, ask, keep, contact, highlight) -> None:
    ctx = DraftContext(SENDER, "Acme Inc.", "Product Designer", contact_name=contact,
                       contact_email="jo@acme.example" if contact else None, stage_reached=stage,
                       ask_feedback=ask, keep_in_touch=keep, highlight=highlight, tone=tone)
    for variant in range(3):
        d = draft(kind, ctx, variant)
        body, lower = d.body, d.body.lower()
        first_line = body.split("\n", 1)[0]
        # Greets by name, or a natural fallback.
        if contact:
            assert contact in first_line and first_line.endswith(",")
        else:
            assert first_line in ("Hello Acme Inc. hiring team,", "Dear Acme Inc. hiring team,")
        # Names the role and company, thanks them, signs with the sender.
        assert "Product Designer" in body and "Acme Inc." in body
        assert "thank" in lower
        assert body.rstrip().endswith(SENDER)
        # Length limits.
        assert MIN_WORDS <= words(body) <= MAX_WORDS, words(body)
        assert 0 < len(d.subject) < 78
        # Nothing left over, nothing stray.
        for bad in STRAY:
            assert bad not in body, (bad, body)
            assert bad not in d.subject, (bad, d.subject)
        assert not re.search(r"\{|\}|\[|\]|<|>|%s|\bNone\b", body)
        # Highlight worked in, never doubling the full stop.
        if highlight:
            assert HIGHLIGHT in body
        # Fits the stage reached: no meeting before a meeting.
        if stage == "applied":
            without_greeting = lower.split("\n", 1)[1]
            for word in NOT_AFTER_APPLYING:
                assert not re.search(rf"\b{word}", without_greeting), (word, body)
        if stage in ("applied", "screening"):
            assert "final" not in lower and "interview" not in lower
        if stage == "screening":
            assert "team" not in lower.split("\n", 1)[1]
        if kind == "rejection_thanks":
            assert ("future" in lower) == keep
            assert ("feedback" in lower) == ask
            if ask:  # tactful and easy to decline
                assert "understand" in lower
        if kind in ("feedback_request", "feedback_follow_up"):
            assert "feedback" in lower and "understand" in lower
        if kind == "stay_in_touch":
            assert "future" in lower


MIN_WORDS, MAX_WORDS = 40, 180


@pytest.mark.parametrize("kind", KINDS)
def test_variants_step_deterministically(kind: str) -> None:
    ctx = DraftContext(SENDER, "Acme", "Analyst")
    bodies = [draft(kind, ctx, v).body for v in range(3)]
    assert len(set(bodies)) == 3
    assert [draft(kind, ctx, v).body for v in range(3)] == bodies
    assert draft(kind, ctx).body == draft(kind, ctx, 0).body


@pytest.mark.parametrize("kind", KINDS)
@pytest.mark.parametrize("tone", TONES)
def test_very_long_names_shorten_subject_but_keep_body(kind: str, tone: str) -> None:
    company = ("International Consolidated Widgets and Gadgets Manufacturing Corporation "
               "of Greater Springfield and the Surrounding Counties")
    role = "Senior Principal Staff Engineer, Platform Reliability and Developer Experience"
    ctx = DraftContext(SENDER, company, role, tone=tone, ask_feedback=True,
                       highlight="the thoughtful system design discussion")
    d = draft(kind, ctx)
    assert len(d.subject) < 78 and d.subject.endswith("…")
    assert company in d.body and role in d.body
    assert MIN_WORDS <= words(d.body) <= MAX_WORDS
    short = draft(kind, DraftContext(SENDER, "Acme", role, tone=tone))
    assert len(short.subject) < 78 and "Acme" in short.subject


@pytest.mark.parametrize("kind", KINDS)
@pytest.mark.parametrize("tone", TONES)
def test_many_word_names_stay_within_the_word_limit(kind: str, tone: str) -> None:
    many = " ".join(["Alpha"] * 20)
    ctx = DraftContext(many, many + " Co", many + " Lead", contact_name=many, tone=tone,
                       ask_feedback=True, highlight="the open and generous conversation")
    for variant in range(3):
        d = draft(kind, ctx, variant)
        assert MIN_WORDS <= words(d.body) <= MAX_WORDS, words(d.body)
        assert all(name in d.body for name in (many, many + " Co", many + " Lead"))


def test_empty_optional_fields_behave_like_none() -> None:
    base = DraftContext(SENDER, "Acme", "Analyst")
    empty = DraftContext(SENDER, "Acme", "Analyst", contact_name="", contact_email="",
                         highlight="   ")
    for kind in KINDS:
        assert draft(kind, base) == draft(kind, empty)
        assert draft(kind, empty).to is None


def test_missing_role_reads_naturally() -> None:
    d = draft("rejection_thanks", DraftContext(SENDER, "Acme", ""))
    assert "the role at Acme" in d.body and "  " not in d.body
    assert d.subject == "Thank you – Acme"


@pytest.mark.parametrize("highlight", ["the demo!", "the walkthrough?", "the coffee…",
                                       "the pairing session...", "Maria's tour of the office"])
def test_highlight_endings(highlight: str) -> None:
    body = draft("rejection_thanks", DraftContext(SENDER, "Acme", "Analyst",
                                                  highlight=highlight)).body
    assert highlight.rstrip(".") in body
    assert ".." not in body and "!." not in body and "?." not in body


@pytest.mark.parametrize("name", ["Zoë O'Brien-Núñez", "李雷", "Anne-Marie D'Arcy",
                                  "mcKenzie van der Berg", "ÉLODIE"])
def test_names_kept_exactly(name: str) -> None:
    ctx = DraftContext(name, name + " GmbH", "Rôle", contact_name=name)
    for kind in KINDS:
        d = draft(kind, ctx)
        assert d.body.count(name) >= 3  # greeting, company, signature


# --- errors ---------------------------------------------------------------------------------

@pytest.mark.parametrize("field", ["sender_name", "company", "role", "contact_name",
                                   "contact_email", "highlight"])
@pytest.mark.parametrize("payload", ["Acme\r\nBcc: evil@example.com", "Acme\nBcc: x@y.z",
                                     "Acme\rX", "Acme\x00", "\n"])
def test_line_breaks_rejected_in_one_line_fields(field: str, payload: str) -> None:
    values = {"sender_name": "Sam", "company": "Acme", "role": "Analyst",
              "contact_name": "Jo", "contact_email": "jo@acme.example", "highlight": "x"}
    values[field] = payload if field != "contact_email" else "jo@acme.example" + payload
    ctx = DraftContext(**values)
    with pytest.raises(ValueError, match=r"(?i)line|NUL"):
        draft("rejection_thanks", ctx)


@pytest.mark.parametrize("subject", ["Thanks\r\nBcc: evil@example.com", "Hi\nthere", "a\rb",
                                     "x\x00"])
def test_edited_subject_with_line_break_rejected(subject: str) -> None:
    d = Draft(subject=subject, body="Hello,\n\nThanks.\n\nSam", to="jo@acme.example")
    with pytest.raises(ValueError, match="Subject"):
        d.to_eml()
    with pytest.raises(ValueError, match="Subject"):
        d.mailto()


@pytest.mark.parametrize("address", ["not an email", "jo@", "@acme.example", "a@b@c.example",
                                     "Jo <jo@acme.example>", "jo@acme.example, x@evil.example"])
def test_contact_email_validated(address: str) -> None:
    with pytest.raises(ValueError, match="email"):
        draft("rejection_thanks", DraftContext("Sam", "Acme", "Analyst", contact_email=address))


@pytest.mark.parametrize(("kind", "tone", "stage"), [("thanks", "warm", "interview"),
                                                     ("rejection_thanks", "angry", "interview"),
                                                     ("rejection_thanks", "warm", "offer")])
def test_unknown_choices_rejected(kind: str, tone: str, stage: str) -> None:
    with pytest.raises(ValueError):
        draft(kind, DraftContext("Sam", "Acme", "Analyst", tone=tone, stage_reached=stage))


# --- eml and mailto ---------------------------------------------------------------------------

def test_eml_shape() -> None:
    d = draft("rejection_thanks", DraftContext("Zoë", "Acme & Co", "R&D #1", contact_name="李雷",
                                               contact_email="li@acme.example"))
    message = email.message_from_bytes(d.to_eml(), policy=policy.default)
    assert message["To"] == "li@acme.example"
    assert message["Subject"] == d.subject
    assert message.get_content_type() == "text/plain"
    assert message.get_content_charset() == "utf-8"
    assert message.get_content() == d.body + "\n"  # the generator adds one trailing newline


def test_mailto_encodes_every_component() -> None:
    d = Draft(subject="Q&A? #1 100% + more&bcc=evil@example.com",
              body="Line one & two?\nbody=x#frag 50% + 1\n\nSam", to="jo@acme.example")
    url = d.mailto()
    query = url.split("?", 1)[1]
    assert query.count("&") == 1 and "#" not in url and "+" not in url and "\n" not in url
    to, params = parse_mailto(url)
    assert to == "jo@acme.example"
    assert params == {"subject": [d.subject], "body": [d.body]}


def test_mailto_without_recipient() -> None:
    d = draft("stay_in_touch", DraftContext("Sam", "Acme", "Analyst"))
    to, params = parse_mailto(d.mailto())
    assert to == "" and params["subject"] == [d.subject] and params["body"] == [d.body]


def test_signature_appended_once() -> None:
    body = draft("rejection_thanks", DraftContext("Sam Lee", "Acme", "Analyst")).body
    signed = with_signature(body, "Sam Lee\nProduct designer · sam.example")
    assert signed.endswith("Sam Lee\nProduct designer · sam.example")
    assert signed.count("Sam Lee") == 1
    assert with_signature(body, "") == body
    assert with_signature(body, "--\nSam").endswith("Sam Lee\n--\nSam")


def test_stage_from_history() -> None:
    assert stage_from_history(["applied", "rejected"]) == "applied"
    assert stage_from_history(["applied", "screening", "rejected"]) == "screening"
    assert stage_from_history(["applied", "screening", "interviewing", "rejected"]) == "interview"
    assert stage_from_history(["applied", "interviewing", "rejected"],
                              ["", "Final round with the CTO", ""]) == "final"
    assert stage_from_history(["applied", "offer", "rejected"]) == "final"


# --- properties ---------------------------------------------------------------------------------

printable = st.text(alphabet=st.characters(blacklist_categories=("Cc", "Cs")), min_size=1,
                    max_size=40).filter(lambda s: s.strip())
tricky = st.sampled_from(["Zoë O'Brien-Núñez", "李雷", "Anne-Marie D'Arcy", "שרה כהן",
                          "محمد الأحمد", "🚀 Rocket & Co", '"Quoted" Ltd', "A\u2028B",
                          "=?utf-8?q?x?=", "%41 + & ? #", "<b>x</b>", "  spaced  "])
names = st.one_of(printable, tricky)


@given(sender=names, contact=st.one_of(st.none(), names), company=names, role=names,
       kind=st.sampled_from(KINDS), tone=st.sampled_from(TONES),
       stage=st.sampled_from(STAGES), variant=st.integers(0, 5),
       email_addr=st.one_of(st.none(), st.emails()))
def test_any_names_verbatim_and_round_trip(sender, contact, company, role, kind, tone, stage,
                                           variant, email_addr) -> None:
    ctx = DraftContext(sender, company, role, contact_name=contact, contact_email=email_addr,
                       stage_reached=stage, tone=tone, ask_feedback=True)
    try:
        d = draft(kind, ctx, variant)
    except ValueError as exc:  # only an address our stricter check refuses
        assert email_addr is not None and "email" in str(exc)
        return
    for value in (sender, company, role, contact):
        if value and value.strip():
            assert value in d.body
    assert len(d.subject) < 78
    message = email.message_from_bytes(d.to_eml(), policy=policy.default)
    assert message["Subject"] == d.subject
    assert message.get_content().rstrip("\n") == d.body
    assert (message["To"] or None) == d.to == (email_addr or None)
    to, params = parse_mailto(d.mailto())
    assert params["subject"] == [d.subject] and params["body"] == [d.body]
    assert to == (email_addr or "")


@given(subject=st.text(alphabet=st.characters(blacklist_categories=("Cc", "Cs")), min_size=1,
                       max_size=120).filter(lambda s: s.strip()),
       body=st.text(alphabet=st.characters(blacklist_categories=("Cs",),
                                           blacklist_characters="\x00\r"),
                    min_size=1, max_size=300).filter(lambda s: s.strip()))
def test_edited_text_round_trips(subject: str, body: str) -> None:
    d = Draft(subject=subject, body=body, to="jo@acme.example")
    try:
        data = d.to_eml()
    except ValueError:  # control characters in the body are refused with a message
        assert re.search(r"[\x01-\x08\x0b\x0c\x0e-\x1f\x7f]", body)
        return
    message = email.message_from_bytes(data, policy=policy.default)
    assert message["Subject"] == subject
    assert message.get_content().rstrip("\n") == body.rstrip("\n")
    _, params = parse_mailto(d.mailto())
    assert params["subject"] == [subject] and params["body"] == [body]
