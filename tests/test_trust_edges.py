"""Issue 14, classes 5, 7 and 10: no traceback escapes, our own export always re-imports after
an ordinary edit, and one rule decides every email address.

Real databases in tmp folders, the real Streamlit runtime (AppTest) and real subprocesses.
"""

from __future__ import annotations

from datetime import timedelta
from email import policy
from email.parser import BytesParser
from urllib.parse import unquote, urlsplit

import pytest

from nextround import drafting
from nextround.feedback import follow_up_context
from nextround.models import Application, ValidationError, ascii_email, clean_email
from nextround.store import Store
from tests.conftest import TODAY, no_exception, open_page
from tests.test_page_applications import message_after

# --- class 10: one rule for every email address ---------------------------------------------

# (address as typed, how a header and a mailto: write it, or None when it must be refused)
ADDRESSES = [
    ("sam@example.com", "sam@example.com"),
    ("O'Brien+jobs@Example.co.uk", "O'Brien+jobs@Example.co.uk"),
    ("juergen@bücher.de", "juergen@xn--bcher-kva.de"),
    ("juergen@BÜCHER.de", "juergen@xn--bcher-kva.de"),
    ("hr@例え.jp", "hr@xn--r8jz45g.jp"),
    ("a%b?c@example.com", "a%b?c@example.com"),
    ("jürgen@example.com", None),        # non-ASCII local part: no reliable way to write it
    ("jürgen@bücher.de", None),
    ("a@b", None),                      # no dot in the domain
    ('"a b"@example.com', None),        # quoted local parts
    ('"ab"@example.com', None),
    ("a b@example.com", None),
    ("a@example.com\r\nBcc: x@evil.example", None),
    ("a@example.com\nBcc: x@evil.example", None),
    ("a@example.com, b@example.com", None),
    ("a@example.com,b@example.com", None),
    ("<a@example.com>", None),
    ("Sam <a@example.com>", None),
    ("a@b@example.com", None),
    ("a..b@example.com", None),
    (".a@example.com", None),
    ("a.@example.com", None),
    ("a@-example.com", None),
    ("a@example..com", None),
    ("a@example.com.", None),
    ("a@exa_mple.com", None),
    ("a@straße.de", None),              # IDNA 2003 would send it to strasse.de
    ("a@ｅxample.com", None),            # full-width letters: a different-looking name
    ("a@" + "x" * 64 + ".com", None),    # a label longer than 63
    ("x" * 65 + "@example.com", None),   # a local part longer than 64
    ("a@example.com\x00", None),
]


def _eml(to: str) -> bytes:
    return drafting.Draft(subject="Thanks", body="Thank you.", to=to).to_eml()


def _outcome(check, *args, **kwargs) -> str | None:  # noqa: ANN001 - any callable
    """"ok" when the entry point accepted the address, None when it refused it."""
    try:
        check(*args, **kwargs)
    except (ValueError, ValidationError):
        return None
    return "ok"


def test_the_domain_rule_gives_one_header_form_and_refuses_the_rest() -> None:
    got = {}
    for typed, _written in ADDRESSES:
        try:
            got[typed] = ascii_email(clean_email(typed, "Contact email"))
        except ValueError as exc:
            assert str(exc).startswith("Contact email"), exc
            got[typed] = None
    assert got == dict(ADDRESSES)


def test_every_entry_point_in_the_domain_accepts_and_refuses_the_same(store: Store) -> None:
    """The form's rule (Application), the draft rule (check_email), saving a draft, the
    .eml and mailto builders, and the feedback follow-up all agree, address by address."""
    app_id = store.add_application(Application(company="Acme", applied_on=TODAY))
    disagreements = []
    for number, (typed, written) in enumerate(ADDRESSES):
        expected = "ok" if written else None
        draft = {"application_id": app_id, "kind": "rejection_thanks", "tone": "warm",
                 "company": "Acme", "role": "", "to_email": typed, "subject": "Thanks",
                 "body": "Thank you."}
        outcomes = {
            "application": _outcome(Application(company="Acme", applied_on=TODAY,
                                                contact_email=typed).validated, TODAY),
            "check_email": _outcome(drafting.check_email, typed),
            "save_draft": _outcome(store.save_draft, draft, request_token=f"t{number}"),
            "eml": _outcome(_eml, typed),
            "mailto": _outcome(drafting.Draft("Thanks", "Thank you.", typed).mailto),
            "feedback": ("ok" if follow_up_context(
                {"company": "Acme", "contact_email": typed}, ["rejected"], "Me").contact_email
                else None),
        }
        wrong = {k: v for k, v in outcomes.items() if v != expected}
        if wrong:
            disagreements.append((typed, wrong))
    assert disagreements == []


def test_accepted_addresses_make_a_valid_eml_and_mailto() -> None:
    for typed, written in [a for a in ADDRESSES if a[1]]:
        data = _eml(typed)
        message = BytesParser(policy=policy.default).parsebytes(data)
        assert not message.defects, typed
        header = message["To"]
        assert not header.defects, typed
        assert [a.addr_spec for a in header.addresses] == [written]
        raw_to = next(line for line in data.split(b"\n") if line.startswith(b"To:"))
        assert b"=?" not in raw_to and raw_to.isascii(), raw_to
        path = urlsplit(drafting.Draft("Thanks", "Thank you.", typed).mailto()).path
        assert path.isascii() and unquote(path) == written, path
        assert not set(path) & set("?#& ,<>\""), path


def test_a_non_ascii_local_part_is_refused_in_plain_words() -> None:
    with pytest.raises(ValueError, match="part before the @ must be plain ASCII"):
        clean_email("jürgen@example.com", "Contact email")


def test_the_application_form_and_the_respond_page_agree(store: Store) -> None:
    """The same table through the two pages where a person types an address."""
    store.add_application(Application(company="Zed", applied_on=TODAY - timedelta(days=9)))
    app_id = store.add_application(Application(company="Globex",
                                                applied_on=TODAY - timedelta(days=9)))
    store.change_stage(app_id, "rejected", TODAY, store.application(app_id)["version"])

    form = open_page("pages/applications.py", via_app=False)
    respond = open_page("pages/respond.py", via_app=False)
    no_exception(form)
    no_exception(respond)
    wrong = []
    for typed, written in ADDRESSES:
        before = store.count("applications")
        form.text_input(key="add_app_company").input("Form Co")
        form.text_input(key="add_app_contact_email").input(typed)
        form.button(key="add_app_submit").click().run()
        no_exception(form)
        saved = store.count("applications") > before
        refused = message_after(form, "add_app_contact_email")
        if saved == (refused is not None) or saved != bool(written):
            wrong.append(("form", typed, saved, refused))

        respond.text_input(key="respond_contact_email").input(typed).run()
        no_exception(respond)
        links = [b.proto.url for b in respond.get("link_button")
                 if b.proto.label == "Open in my mail app"]
        errors = [e.value for e in respond.error if e.value.startswith("Contact email")]
        if written:
            ok = (not errors and len(links) == 1
                  and unquote(urlsplit(links[0]).path) == written)
        else:
            ok = bool(errors) and not links
        if not ok:
            wrong.append(("respond", typed, links, errors))
    assert wrong == []
