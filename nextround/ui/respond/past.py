"""The emails already kept for the picked application, and a way to pick up an unsent one."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from nextround import drafting, ui
from nextround.records import SavedDraft
from nextround.store import Store
from nextround.ui.respond.state import K, Picked, draft_state, new_token


def past_drafts(store: Store, app: Picked | None) -> None:
    """Past drafts of the picked application, and a way to pick up an unsent one."""
    if app is None:
        return
    st.header("Emails for this application", divider="gray")
    drafts = ui.cached(store, store.drafts.for_application, app.id)
    if not drafts:
        st.caption("Nothing saved or sent for this application yet.")
        return
    shown = pd.DataFrame([(d.sent_on.isoformat() if d.sent_on else "Not sent yet",
                           drafting.KIND_LABELS.get(d.kind, d.kind), d.status, d.subject,
                           d.saved_on) for d in drafts],
        columns=["sent_on", "kind", "status", "subject", "saved_on"])
    st.dataframe(shown, hide_index=True,
                 key=f"{K}_past", column_config={
                     "sent_on": st.column_config.TextColumn("Sent on"),
                     "kind": st.column_config.TextColumn("Kind"),
                     "status": st.column_config.TextColumn("Status"),
                     "subject": st.column_config.TextColumn("Subject", width="large"),
                     "saved_on": st.column_config.TextColumn("Last saved")})
    choices = {d.id: d for d in drafts if d.status == "draft"}
    if not choices:
        return
    left, right = st.columns([3, 1], vertical_alignment="bottom")
    with left:
        picked = ui.pick("Continue a saved draft", choices,
                         lambda row: f"{row.saved_on} · {row.subject}",
                         key=f"{K}_resume_pick")
    with right:
        st.button("Open it", key=f"{K}_resume", icon=":material/edit_note:",
                  on_click=_open_draft, args=(choices[picked],))


def _open_draft(row: SavedDraft) -> None:
    """Continue a saved draft: its text goes into the editor before the next run draws it."""
    state = draft_state()
    state.update(subject=row.subject, body=row.body, draft_id=row.id, version=row.version,
                 sent=None, token=row.request_token or new_token(),
                 inputs=state.get("current_inputs"), reload_text=True)
