"""The send flow for any email draft: copy, open in my mail app, download .eml, mark as sent.

Next Round never sends mail itself. The user sends from their own mail client, then tells us.
The respond page uses this for thank-you notes; the feedback page reuses it for follow-ups.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Callable
from typing import TypeVar

import streamlit as st

from nextround import ui
from nextround.drafting import Draft

T = TypeVar("T")


def _file_name(stem: str) -> str:
    cleaned = re.sub(r"[^A-Za-z0-9._-]+", "-", stem).strip("-.")[:60]
    return (cleaned or "draft") + ".eml"


@functools.lru_cache(maxsize=64)
def _sendable(draft: Draft) -> tuple[bytes, str]:
    """The draft as an .eml file and a mailto: URL, made once per text (a draft is redrawn,
    unchanged, on every rerun; a problem raises ValueError, and is not kept)."""
    return draft.to_eml(), draft.mailto()


def send_flow(draft: Draft, *, key: str, on_mark_sent: Callable[[], T] | None = None,
              sent_message: str = "Marked as sent.",
              after_sent: Callable[[T], None] | None = None,
              file_stem: str = "draft", sent_note: str | None = None,
              mark_label: str = "Mark as sent",
              beside_mark: Callable[[], None] | None = None) -> None:
    """Draw the ways to send `draft` and, optionally, the "Mark as sent" button.

    - `draft` holds the final text (after the user's edits and the signature). If its subject
      or recipient can't go into an email (a line break, a bad address), a clear message is
      shown instead of the buttons, and nothing can be marked as sent.
    - `key` prefixes every widget key, and is the form key for `ui.save`, so errors from
      `on_mark_sent` (validation, a stale tab, a busy database) appear under the button.
    - `on_mark_sent` does the write (one store call, idempotent by request token); it is
      saved like every write (`ui.save`): on success `after_sent` gets its result, then
      `sent_message` (ours) is flashed and the page reruns.
    - `sent_note` (our own words) is shown once the draft is marked sent; the button then
      turns secondary (clicking it again is harmless: the write is idempotent).
    - `beside_mark` draws more buttons in the same row (e.g. "Save for later").
    """
    try:
        eml, url = _sendable(draft)
    except ValueError as exc:
        st.error(f"This draft can't be sent yet: {ui.escape_markdown(exc)}",
                 icon=":material/error:")
        return

    st.markdown("**Send it from your own email**")
    st.caption("Next Round never sends email. Open it in your mail app or copy the text, send "
               "it yourself, then mark it as sent here.")
    open_col, download_col = st.columns(2)
    with open_col:
        st.link_button("Open in my mail app", url, icon=":material/forward_to_inbox:",
                       width="stretch")
    with download_col:
        st.download_button("Download .eml", data=eml, file_name=_file_name(file_stem),
                           mime="message/rfc822", icon=":material/download:",
                           key=f"{key}_download", on_click="ignore", width="stretch")
    # Tracked, so a closed one draws nothing: it only shows the text again, to copy.
    copy = st.expander("Copy the subject and text", icon=":material/content_copy:",
                       key=f"{key}_copy", on_change="rerun")
    if copy.open:
        with copy:
            st.caption("Use the copy icon at the top right of each box, or click in a box and "
                       "press Ctrl+A, then Ctrl+C.")
            st.code(draft.subject, language=None, wrap_lines=True)
            st.code(draft.body, language=None, wrap_lines=True)
    if on_mark_sent is None:
        return
    with st.container(horizontal=True):
        if st.button(mark_label, key=f"{key}_mark_sent",
                     type="secondary" if sent_note else "primary",
                     icon=":material/mark_email_read:"):
            ui.save(key, on_mark_sent, sent_message, then=after_sent)
        if beside_mark is not None:
            beside_mark()
    ui.form_error(key)
    if sent_note:
        st.success(sent_note, icon=":material/check_circle:")
