"""The one label, picker and write wrapper every page uses (issue 15), and the store's file
helpers the Your data page relies on instead of doing file work itself."""

from __future__ import annotations

import os
from datetime import datetime
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from nextround import ui
from nextround.store import describe_backups, file_version
from tests.conftest import no_exception


@pytest.mark.parametrize(("args", "kwargs", "expected"), [
    (("Acme", "Engineer"), {}, "Acme · Engineer"),
    (("Acme", ""), {}, "Acme"),
    (("Acme", None), {"note": "applied 2026-01-05"}, "Acme (applied 2026-01-05)"),
    (("Acme", "Engineer"), {"note": "no on 2026-02-01"}, "Acme · Engineer (no on 2026-02-01)"),
    (("Acme", "", "interviewing", "applied 2026-01-05"), {},
     "Acme · interviewing · applied 2026-01-05"),
    (("Unknown company", "PM", "asked 2026-03-01"), {}, "Unknown company · PM · asked 2026-03-01"),
    ((None, None), {}, ""),
])
def test_application_label(args: tuple, kwargs: dict, expected: str) -> None:
    assert ui.application_label(*args, **kwargs) == expected


def test_application_label_is_plain_text() -> None:
    """Markdown in the user's words stays as typed: the label is escaped where it is drawn."""
    assert ui.application_label("[x](javascript:1)", "*Eng*") == "[x](javascript:1) · *Eng*"


def _picker_page() -> None:
    import streamlit as st

    from nextround import ui

    rows = {7: {"company": "Acme", "role": "Eng"}, 9: {"company": "Beta", "role": ""}}
    left, _ = st.columns(2)
    picked = ui.pick("Application", rows, lambda r: ui.application_label(r["company"], r["role"]),
                     key="pick", where=left, help="Pick one.")
    none_yet = ui.pick("Another", rows, lambda r: r["company"], key="other", index=None,
                       placeholder="Choose")
    st.text(f"picked {picked!r}, other {none_yet!r}")


def test_pick_returns_the_id_and_shows_the_label() -> None:
    at = AppTest.from_function(_picker_page).run()
    no_exception(at)
    box = at.selectbox(key="pick")
    assert box.options == ["Acme · Eng", "Beta"] and box.value == 7
    assert at.text[0].value == "picked 7, other None"
    box.set_value(9).run()
    at.selectbox(key="other").set_value(7).run()
    assert at.text[0].value == "picked 9, other 7"


def _saving_page() -> None:
    import streamlit as st

    from nextround import ui
    from nextround.models import ValidationError
    from nextround.store import StoreError

    def act() -> object:
        outcome = st.session_state["outcome"]
        if outcome == "invalid":
            raise ValidationError({"name": "Name is too long."})
        if outcome == "refused":
            raise StoreError("Someone changed this in another tab.")
        return None if outcome == "none" else 42

    ui.show_flash()
    st.text(f"then got {st.session_state.get('then')!r}")
    ui.field_error("form", "name")
    ui.form_error("form")
    if st.button("Save", key="save"):
        ui.save("form", act, lambda result: f"Saved {result}.",
                then=lambda result: st.session_state.update(then=result))
    if st.button("Save in place", key="save_in_place"):
        done = ui.save("form", act, "Saved.", rerun=False)
        st.text(f"done {done}")


@pytest.mark.parametrize(("outcome", "toast", "then", "error"), [
    ("ok", "Saved 42.", 42, None),
    ("none", "Saved None.", None, None),  # an update that returns nothing still succeeded
    ("invalid", None, "unset", "Name is too long."),
    ("refused", None, "unset", "Someone changed this in another tab."),
])
def test_save_runs_flashes_and_reruns(outcome: str, toast: str | None, then: object,
                                      error: str | None) -> None:
    at = AppTest.from_function(_saving_page)
    at.session_state["outcome"] = outcome
    at.session_state["then"] = "unset"
    at.run()
    at.button(key="save").click().run()
    no_exception(at)
    # The rerun drew the page again: the toast, what `then` kept, the message by its field.
    assert [t.value for t in at.toast] == ([toast] if toast else [])
    assert at.text[0].value == f"then got {then!r}"
    assert [e.value for e in at.error] == ([error] if error else [])


def test_save_without_a_rerun_says_whether_it_worked() -> None:
    at = AppTest.from_function(_saving_page)
    at.session_state["outcome"] = "refused"
    at.run()
    at.button(key="save_in_place").click().run()
    assert at.text[-1].value == "done False"
    at.session_state["outcome"] = "ok"
    at.button(key="save_in_place").click().run()
    assert at.text[-1].value == "done True"
    assert not at.run().error  # a success cleared the form's old message for the next run


def test_file_version_tells_versions_apart_and_a_missing_file(tmp_path: Path) -> None:
    path = tmp_path / "backup.db"
    assert file_version(path) is None
    path.write_bytes(b"one")
    first = file_version(path)
    assert first is not None and first[1] == 3
    path.write_bytes(b"three")
    os.utime(path, ns=(first[0] + 1_000_000, first[0] + 1_000_000))
    assert file_version(path) != first


def test_describe_backups_keeps_order_and_skips_a_removed_file(tmp_path: Path) -> None:
    newer, gone, older = (tmp_path / f"{n}.db" for n in ("newer", "gone", "older"))
    newer.write_bytes(b"x" * 2048)
    older.write_bytes(b"y")
    described = describe_backups([newer, gone, older])
    assert [(b.path, b.size) for b in described] == [(newer, 2048), (older, 1)]
    assert described[0].made == datetime.fromtimestamp(newer.stat().st_mtime)
