"""Issue 14, classes 5, 7 and 10: no traceback escapes, our own export always re-imports after
an ordinary edit, and one rule decides every email address.

Real databases in tmp folders, the real Streamlit runtime (AppTest) and real subprocesses.
"""

from __future__ import annotations

import json
import os
import re
import stat
import subprocess
import sys
from dataclasses import replace
from datetime import date, timedelta
from email import policy
from email.parser import BytesParser
from pathlib import Path
from urllib.parse import unquote, urlsplit

import pytest
from sqlalchemy import text as sql

from nextround import drafting, sending, transfer
from nextround import feedback as fb
from nextround.feedback import DEFAULT_THEMES, follow_up_context
from nextround.models import (
    Application,
    Settings,
    ValidationError,
    ascii_email,
    clean_email,
)
from nextround.store import Store
from nextround.ui.applications.add import ADD_PANEL
from tests import factories
from tests.conftest import ROOT, TODAY, no_exception, open_page, open_panel
from tests.pages.test_applications import message_after

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
    app_id = factories.application(store, "Acme", applied_on=TODAY)
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
            "save_draft": _outcome(sending.save_draft, store, draft, request_token=f"t{number}"),
            "eml": _outcome(_eml, typed),
            "mailto": _outcome(drafting.Draft("Thanks", "Thank you.", typed).mailto),
            "feedback": ("ok" if follow_up_context(
                factories.due_follow_up(contact_email=typed), ["rejected"], "Me").contact_email
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
    factories.application(store, "Zed", applied_on=TODAY - timedelta(days=9))
    app_id = factories.application(store, "Globex", applied_on=TODAY - timedelta(days=9))
    factories.move(store, app_id, "rejected", TODAY)

    form = open_panel(open_page("app_pages/applications.py", via_app=False), ADD_PANEL)
    respond = open_page("app_pages/respond.py", via_app=False)
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


# --- class 5: a bad setting already in the database never takes a page down -----------------

PAGES = ("app_pages/progress.py", "app_pages/applications.py", "app_pages/respond.py",
         "app_pages/feedback.py", "app_pages/reflect.py", "app_pages/checkin.py",
         "app_pages/data.py")
BAD_ZONES = ("America", "Etc", "", "../etc", "UTC/..", "/etc/passwd", "x" * 5_000, "a\x00b",
             "zone.tab", "Europe/London ", "America/")
BAD_ROWS = {
    "folder zone, text goal": {
        "timezone": "America", "weekly_goal": "abc", "ghost_after_days": 10**12,
        "follow_up_days": 0, "name": "Sam\x00Lee", "signature": "ok",
        "extra": "{not json", "support_region": "x" * 300},
    "path zone, negative goal": {
        "timezone": "../etc", "weekly_goal": -1, "ghost_after_days": "x",
        "follow_up_days": 2.5, "name": "Sam\nLee", "extra": "[1, 2]"},
    "long zone, huge numbers": {
        "timezone": "x" * 5_000, "weekly_goal": 10**15, "ghost_after_days": -10**15,
        "follow_up_days": 10**15, "extra": "null"},
    "nested theme list": {
        "timezone": "zone.tab",
        "extra": json.dumps({"feedback_themes": "[" * 100_000 + "]" * 100_000})},
    "a yes/no setting that isn't": {
        "extra": json.dumps({"pause_goal_in_hard_week": "maybe"})},
}


_NUMBER_COLUMNS = ("weekly_goal", "ghost_after_days", "follow_up_days")


def _write_settings(db: Path | str, values: dict | None) -> None:
    """Write settings the way another tool or an old version could: raw SQL, no checks.
    PostgreSQL's column types refuse some of these at the door (text or a fraction in a
    number column, a NUL character in text), so on a server only what it can hold is
    written: what another tool could really leave there."""
    store = Store(db)
    try:
        with store.write() as tx:
            if values is None:
                tx.connection.execute(sql("DELETE FROM settings"))
                return
            if store.on_server:
                values = {k: v for k, v in values.items()
                          if (type(v) is int if k in _NUMBER_COLUMNS else "\x00" not in v)}
            sets = ", ".join(f"{k} = :{k}" for k in values)
            tx.connection.execute(sql(f"UPDATE settings SET {sets} WHERE id = 1"), values)
    finally:
        store.dispose()


def test_a_time_zone_that_isnt_one_is_refused_in_words() -> None:
    """Folders of the zone database, its data files, paths, long names: a field error each,
    never an OSError from opening the file."""
    for zone in BAD_ZONES:
        with pytest.raises(ValidationError) as refused:
            Settings(timezone=zone).validated()
        assert refused.value.errors == {
            "timezone": "Time zone must be a name like Europe/London or America/New_York."}
    assert Settings(timezone="Europe/London").validated().timezone == "Europe/London"


def test_bad_stored_values_fall_back_and_say_so(tmp_path: Path,
                                                monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("NEXTROUND_TODAY")
    cases = [{"timezone": zone} for zone in BAD_ZONES] + list(BAD_ROWS.values())
    for number, values in enumerate(cases):
        db = tmp_path / f"case-{number}.db"
        _write_settings(db, values)
        store = Store(db)
        loaded = store.settings.get()
        defaults = Settings()
        for name in values:
            if name == "extra" and "themes" in values[name]:  # readable; the list isn't
                assert fb.saved_themes(store) == list(DEFAULT_THEMES)
            elif name == "extra":
                assert loaded.extra == {}
            elif name != "signature":
                assert getattr(loaded, name) == getattr(defaults, name), name
        assert loaded == loaded.validated()
        kept = ("signature", "extra") if "themes" in values.get("extra", "") else ("signature",)
        assert len(loaded.notices) == len([k for k in values if k not in kept]), values
        assert isinstance(store.today(), date)
        store.dispose()


def test_a_missing_settings_row_falls_back_and_saving_puts_it_back(isolated: Path) -> None:
    _write_settings(isolated, None)
    store = Store(isolated)
    loaded = store.settings.get()
    assert loaded == Settings() and "missing" in loaded.notices[0]
    saved = store.settings.save(replace(loaded, name="Sam"))
    assert saved.name == "Sam" and saved.notices == ()


@pytest.mark.parametrize("row", [*BAD_ROWS, "missing row"])
def test_every_page_opens_on_bad_stored_settings(row: str, isolated: Path,
                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("NEXTROUND_TODAY")  # the real clock, so the time zone is used
    _write_settings(isolated, BAD_ROWS.get(row))
    store = Store(isolated)
    factories.application(store, "Acme", applied_on=date(2026, 11, 2))
    store.dispose()
    for page in PAGES:
        at = open_page(page, via_app=False)
        no_exception(at)
        assert not at.error, (page, [e.value for e in at.error])
    at = open_page("app_pages/progress.py", via_app=True)
    no_exception(at)


@pytest.mark.sqlite_only  # text in a number column and a NUL in text: SQLite lets a tool
def test_the_data_page_says_which_setting_was_replaced_and_by_what(isolated: Path) -> None:
    _write_settings(isolated, BAD_ROWS["folder zone, text goal"])
    at = open_page("app_pages/data.py", via_app=False)
    no_exception(at)
    warnings = [re.sub(r"\\(.)", r"\1", w.value) for w in at.warning]  # un-escape Markdown
    for expected in ("Time zone: the stored value 'America' isn't valid, so 'UTC' is in use",
                     "Weekly goal: the stored value 'abc' isn't valid, so 5 is in use",
                     "Ghosting threshold: the stored value 1000000000000 isn't valid, "
                     "so 30 is in use",
                     "Follow-up after: the stored value 0 isn't valid, so 7 is in use",
                     "Your name: the stored value 'Sam\\x00Lee' isn't valid",
                     "feedback theme list couldn't be read"):
        assert any(expected in w for w in warnings), (expected, warnings)
    assert at.selectbox(key="settings_timezone").value == "UTC"
    assert at.number_input(key="settings_weekly_goal").value == 5
    at.button(key="FormSubmitter:settings_form-Save settings").click().run()
    no_exception(at)
    assert not at.warning
    assert Store(isolated).settings.get().notices == ()


# --- class 5: the command line refuses in one plain line, never a traceback ------------------

def _cli(*args: str, cwd: Path) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "nextround", *args], cwd=cwd,
                          capture_output=True, text=True, timeout=120,
                          env={**os.environ, "PYTHONPATH": str(ROOT)})


HOSTILE_CLI = [
    ("review", "--week", "9999-W52", "--out", "r.md", "--no-charts"),   # date overflow
    ("review", "--week", "0001-W02", "--out", "r.md"),                  # charts before year 1
    ("review", "--week", "1989-W52", "--out", "r.md", "--no-charts"),
    ("review", "--week", "２０２６-W48", "--out", "r.md", "--no-charts"),
    ("review", "--week", "99999-W01", "--out", "r.md", "--no-charts"),
    ("review", "--week", "2026-W54", "--out", "r.md", "--no-charts"),
    ("--db", "postgresql://sam:secret@localhost/jobs", "check"),       # no driver installed
    ("--db", "nosuchdialect://x", "export", "--out", "x.json"),
    ("--db", "nosuchdialect://x", "demo", "--applications", "1"),
]


def test_hostile_command_lines_exit_2_with_one_plain_line(tmp_path: Path) -> None:
    store = Store(tmp_path / "ok.db")
    document = transfer.export_data(store)
    store.dispose()
    document["tables"]["settings"][0]["timezone"] = "America"  # a folder of the zone database
    (tmp_path / "zone.json").write_text(json.dumps(document), encoding="utf-8")
    wrong = []
    for args in [*HOSTILE_CLI, ("--db", "new.db", "import", "zone.json")]:
        full = args if args[0] == "--db" else ("--db", "ok.db", *args)
        done = _cli(*full, cwd=tmp_path)
        lines = done.stderr.strip().splitlines()
        if "import" in args:  # one line per problem, then what happened
            lines = [line for line in lines if line != "Nothing was imported."]
        if done.returncode != 2 or len(lines) != 1 or "Traceback" in done.stderr \
                or "secret" in done.stderr:
            wrong.append((args, done.returncode, done.stderr[-300:]))
    assert wrong == []
    assert not (tmp_path / "r.md").exists() and not (tmp_path / "new.db").exists()
    for week in ("1990-W01", "9998-W52", "2026-w48", "2026-W5"):
        done = _cli("--db", "ok.db", "review", "--week", week, "--out", "r.md", cwd=tmp_path)
        assert done.returncode == 0, (week, done.stderr)


def test_a_check_in_week_the_calendar_hasnt_never_takes_a_page_down(isolated: Path) -> None:
    """`2026-W99` fits the table's pattern, so another tool or a hand-edited import can
    store it; the check-in and progress pages still open and show the real weeks."""
    store = Store(isolated)
    with store.write() as tx:
        for week in ("2026-W99", "0000-W00", "2026-W47"):
            tx.connection.execute(sql(
                "INSERT INTO checkins (week, checked_on, items, who5_raw, updated_at)"
                " VALUES (:week, '2026-11-20', '[3,3,3,3,3]', 15, '2026-11-20')"),
                {"week": week})
    store.dispose()
    for page in ("app_pages/checkin.py", "app_pages/progress.py"):
        at = open_page(page, via_app=False)
        no_exception(at)


def test_output_onto_a_pipe_or_folder_is_refused_and_leaves_it_alone(tmp_path: Path) -> None:
    """Writing by rename would replace a device or pipe with a file (as root, `--out
    /dev/null` removed /dev/null). A named pipe stands in for a device here."""
    Store(tmp_path / "ok.db").dispose()
    os.mkfifo(tmp_path / "pipe")
    os.mkfifo(tmp_path / "pipe.csv")
    (tmp_path / "folder.md").mkdir()
    wrong = []
    for args in (("export", "--out", "pipe"), ("export", "--out", "pipe.csv"),
                 ("backup", "--out", "pipe"),
                 ("review", "--week", "2026-W48", "--out", "pipe", "--no-charts"),
                 ("review", "--week", "2026-W48", "--out", "folder.md", "--no-charts")):
        done = _cli("--db", "ok.db", *args, cwd=tmp_path)
        lines = done.stderr.strip().splitlines()
        refused = any(words in lines[0] for words in ("not a regular file", "is a folder"))
        if done.returncode != 2 or len(lines) != 1 or not refused:
            wrong.append((args, done.returncode, done.stderr[-300:]))
    assert wrong == []
    assert stat.S_ISFIFO((tmp_path / "pipe").stat().st_mode)
    assert stat.S_ISFIFO((tmp_path / "pipe.csv").stat().st_mode)
    assert (tmp_path / "folder.md").is_dir()
    assert [p.name for p in tmp_path.iterdir() if p.name.endswith(".part")] == []


def test_the_feedback_page_writes_the_same_addresses(store: Store) -> None:
    """An accepted international domain goes out in its xn-- form; an address stored before
    this rule (written by an older version) that the rule refuses is left out of the
    follow-up instead of producing a broken link."""

    idn = factories.application(store, "Bücher", applied_on="2026-09-01", stage="rejected",
                                contact_email="juergen@bücher.de")
    legacy = factories.application(store, "Legacy", applied_on="2026-09-01", stage="rejected")
    with store.write() as tx:  # as an older version stored it
        tx.connection.exec_driver_sql("UPDATE applications SET contact_email = 'jürgen@example.com'"
                                      f" WHERE id = {legacy}")
    for app_id, expected in ((idn, "juergen@xn--bcher-kva.de"), (legacy, "")):
        rid = factories.feedback_request(store, app_id, "2026-11-01")
        at = open_page("app_pages/feedback.py", via_app=False)
        at.button(key=f"feedback_draft_{rid}").click().run()
        no_exception(at)
        links = [b.proto.url for b in at.get("link_button")
                 if b.proto.label == "Open in my mail app"]
        assert len(links) == 1
        assert unquote(urlsplit(links[0]).path) == expected


def test_an_unexpected_error_is_one_plain_line_not_a_traceback(tmp_path: Path) -> None:
    """The last line of defence in `main()`: a fault deep inside a command (injected here: a
    bad pinned "today" no longer is one, it falls back to the real date) still reaches the
    user as one line and exit code 2."""
    for fault in ("ValueError('boom')", "OverflowError('date value out of range')"):
        code = ("import sys, nextround.demo as d\n"
                f"def fill(*a, **k): raise {fault}\n"
                "d.fill = fill\n"
                "from nextround.__main__ import main\n"
                "sys.exit(main(['--db', 'new.db', 'demo', '--applications', '3']))")
        done = subprocess.run(
            [sys.executable, "-c", code], cwd=tmp_path, capture_output=True, text=True,
            timeout=120, env={**os.environ, "PYTHONPATH": str(ROOT)})
        assert done.returncode == 2, done.stderr
        assert "Traceback" not in done.stderr
        assert done.stderr.startswith("Next Round couldn't finish demo: ")
        assert len(done.stderr.strip().splitlines()) == 1
