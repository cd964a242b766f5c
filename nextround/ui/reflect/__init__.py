"""The sections of the Reflect page, one module each: the guided post-mortem (and its steps),
the game plan, the dream-job list and the insights. `app_pages/reflect.py` picks the section.

What they share is here: moving to another section, and the one way they write. Reads are
fresh on every rerun, so each row remembers the version this tab first showed (`seen`), and a
change made in another tab meanwhile is refused instead of silently overwritten.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import streamlit as st

from nextround import ui

SECTION_KEY = "reflect_section"
LAST_SECTION_KEY = "reflect_last_section"
SEEN_PREFIX = "reflect_seen_"


def go_to(section: str) -> None:
    """Callback for buttons that open another section (runs before the widgets are drawn)."""
    st.session_state[SECTION_KEY] = section
    st.session_state[LAST_SECTION_KEY] = section


def open_section(section: str) -> None:
    """Callback for a button inside a section that opens another one: the whole page reruns
    (the section is a fragment, and the section list is drawn outside it)."""
    go_to(section)
    st.rerun()


def write(form: str, action: Callable[[], Any], message: str | None = None,
          icon: str = ":material/check_circle:",
          on_success: Callable[[], None] | None = None) -> None:
    """`ui.save`, after forgetting the versions this tab has seen: whatever the outcome, the
    next run shows (and remembers) the latest rows."""
    for key in [k for k in st.session_state if str(k).startswith(SEEN_PREFIX)]:
        del st.session_state[key]
    ui.save(form, action, message, icon=icon,
            then=None if on_success is None else lambda _: on_success())


def seen(kind: str, row_id: int, current: int) -> int:
    """The version of a row as this tab first showed it. Reads are fresh on every rerun, so
    without this a change made in another tab meanwhile would be silently overwritten."""
    return int(st.session_state.setdefault(f"{SEEN_PREFIX}{kind}_{row_id}", int(current)))
