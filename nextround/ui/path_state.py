"""Which path after a no this browser tab follows, kept in session state.

Its own small module so that a practice page's section (a thank-you marked sent on Respond, a
reflection finished on Reflect) can start following the path it just moved on, without
importing the panel (`nextround/ui/after_no.py`), which itself links to those pages.
"""

from __future__ import annotations

import streamlit as st

FOLLOWING = "after_no_following"  # the application whose path this tab is following


def follow(application_id: int) -> None:
    """This tab follows the path of `application_id`: each practice page shows its panel
    (nothing, if the application is not a rejection)."""
    st.session_state[FOLLOWING] = int(application_id)


def following() -> int | None:
    found = st.session_state.get(FOLLOWING)
    return found if isinstance(found, int) else None


def stop_following() -> None:
    st.session_state.pop(FOLLOWING, None)
