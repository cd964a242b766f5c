"""What the Respond page's sections share: the key prefix, the widget values kept across page
switches, a field's check shown right under it, and the composed draft in plain session state.

Streamlit drops a widget's state when its page isn't drawn, so every option is mirrored into
one plain session dict (`kept`/`keep`) and restored from it; a request token makes "Mark as sent"
safe to click twice.
"""

from __future__ import annotations

import uuid
from typing import Any

import streamlit as st

from nextround import drafting, ui
from nextround.records import ApplicationSummary, UnansweredRejection

K = "respond"  # prefix of every key on this page; also the form key for errors
Picked = UnansweredRejection | ApplicationSummary  # a rejection waiting, or any application
PRESELECT = f"{K}__preselect"  # an application id another page asked Respond to open on
PINNED = f"{K}__pinned"        # that application, kept on offer while it stays picked
KEPT = f"{K}__kept"            # the options' values, kept across page switches (`kept`)


def preselect(app_id: int, kind: str = "rejection_thanks") -> None:
    """Open Respond on this application, with the kind of email asked for (a thank-you after
    a rejection unless told).

    For a page that sends the user here (the guided path after a no): call it, then
    `st.switch_page("app_pages/respond.py")`. The picker honours it once, on the next run of
    Respond; after that the user's own choices count again."""
    st.session_state[PRESELECT] = (int(app_id), kind)


def showing(app_id: int, kind: str) -> bool:
    """Whether Respond is set on this application and kind of email (what a panel above it
    needs to know: the page itself is then the step's next move)."""
    ss = st.session_state
    asked = ss.get(PRESELECT)
    if asked is not None:
        return tuple(asked) == (app_id, kind)
    return ss.get(f"{K}_app") == app_id and ss.get(f"{K}_kind") == kind \
        and ss.get(f"{K}_source") != "untracked"


def kept_values() -> dict[str, Any]:
    """The options' values as last drawn, by name, in one plain session key (`KEPT`).

    One key, not one per option: Streamlit copies the whole session state each time it
    draws a text field, a list or a radio, so every key costs each of them on every rerun,
    here and on every other page of the session."""
    return st.session_state.setdefault(KEPT, {})


def kept(name: str, default: Any) -> str:
    """The widget key for `name`, with its value restored from the kept values, so a page
    switch (which drops widget state) doesn't lose it."""
    key = f"{K}_{name}"
    if key not in st.session_state:
        st.session_state[key] = kept_values().get(name, default)
    return key


def keep(name: str) -> Any:
    """The widget's current value, copied to the kept values."""
    value = st.session_state.get(f"{K}_{name}")
    kept_values()[name] = value
    return value


def check(name: str, rule: Any, ui_field: str | None = None) -> bool:
    """Keep the widget's value and show its problem right under it. True when it's fine."""
    value = keep(name) or ""
    try:
        rule(value)
    except ValueError as exc:
        st.error(str(exc), icon=":material/error:")
        st.session_state[f"{K}__bad"][name] = str(exc)
        return False
    if ui_field:
        ui.field_error(K, ui_field)  # what the store refused on the last save, if anything
    return True


def text(name: str, label: str, check_label: str, ui_field: str | None = None) -> bool:
    """A one-line text field, checked for line breaks as it is typed."""
    st.text_input(label, key=kept(name, ""), max_chars=200)
    return check(name, lambda v: drafting.check_one_line(v, check_label), ui_field)


def prefill(name: str, value: Any) -> None:
    """Prefill a widget that hasn't been drawn yet on this run."""
    st.session_state[f"{K}_{name}"] = value
    kept_values()[name] = value


def new_token() -> str:
    return uuid.uuid4().hex


def draft_state() -> dict[str, Any]:
    """The composed draft: text, token, saved row. Plain (non-widget) session state."""
    if f"{K}__draft" not in st.session_state:
        st.session_state[f"{K}__draft"] = {"inputs": None, "subject": "", "body": "",
                                           "token": new_token(), "draft_id": None,
                                           "version": None, "sent": None, "variant": 0}
    return st.session_state[f"{K}__draft"]
