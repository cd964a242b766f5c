"""Step 3 of Respond: the draft built from the options, and the editor that keeps the user's
edits (in plain session keys, so they survive reruns and page switches)."""

from __future__ import annotations

import streamlit as st

from nextround import drafting, ui
from nextround.ui.respond.state import K, Picked, draft_state, new_token


def compose(app: Picked | None, signature: str) -> drafting.Draft | None:
    """Build the draft for the current options; None (with messages) if an input is bad."""
    state = draft_state()
    ss = st.session_state
    company = app.company if app else (ss.get(f"{K}_company") or "")
    role = app.role if app else (ss.get(f"{K}_role") or "")
    if not company.strip():
        st.info("Type the company (and the role, if you like) to see a draft.",
                icon=":material/edit:")
        return None
    if st.session_state[f"{K}__bad"]:
        st.warning("Fix the field marked in the options to see the draft. Nothing was "
                   "saved.", icon=":material/error:")
        return None
    kind = ss.get(f"{K}_kind")
    ctx = drafting.DraftContext(
        sender_name=(ss.get(f"{K}_sender") or "").strip(), company=company.strip(),
        role=role.strip(), contact_name=(ss.get(f"{K}_contact_name") or "").strip(),
        contact_email=(ss.get(f"{K}_contact_email") or "").strip(),
        stage_reached=ss.get(f"{K}_stage"), ask_feedback=bool(ss.get(f"{K}_ask_feedback")),
        keep_in_touch=bool(ss.get(f"{K}_keep_in_touch")),
        highlight=(ss.get(f"{K}_highlight") or "").strip(), tone=ss.get(f"{K}_tone"),
        role_filled=kind == "rejection_thanks" and bool(ss.get(f"{K}_role_filled")))
    inputs = (app.id if app else None, kind, ctx, signature, state["variant"])
    state["current_inputs"] = inputs
    if state["inputs"] != inputs:
        if state["inputs"] is not None and state["inputs"][:4] != inputs[:4]:
            state["variant"] = 0
            inputs = (*inputs[:4], 0)
            state["current_inputs"] = inputs
        generated = drafting.draft(kind, ctx, state["variant"])
        state.update(inputs=inputs, subject=generated.subject,
                     body=drafting.with_signature(generated.body, signature))
        if state["sent"] is not None or state["draft_id"] is not None:
            state.update(token=new_token(), draft_id=None, version=None, sent=None)
        ss[f"{K}_subject"], ss[f"{K}_body"] = state["subject"], state["body"]
    return drafting.Draft(subject=state["subject"], body=state["body"],
                          to=ctx.contact_email or None, kind=kind, tone=ctx.tone)


def editor() -> None:
    """The draft, editable in place. Edits go to the plain session keys at once."""
    state = draft_state()
    ss = st.session_state
    if state.pop("reload_text", False) or f"{K}_subject" not in ss:
        ss[f"{K}_subject"] = state["subject"]
        ss[f"{K}_body"] = state["body"]
    if f"{K}_body" not in ss:
        ss[f"{K}_body"] = state["body"]
    st.text_input("Subject", key=f"{K}_subject", max_chars=200)
    state["subject"] = ss[f"{K}_subject"]
    errors = dict(ss.get(ui.errors_key(K), {}))
    errors.pop("subject", None)
    try:
        drafting.check_one_line(state["subject"], "Subject")
        if not state["subject"].strip():
            errors["subject"] = "Subject is empty. Please add a short subject line."
    except ValueError as exc:
        errors["subject"] = str(exc)
    ui.set_errors(K, errors)
    ui.field_error(K, "subject")
    st.text_area("Email text", key=f"{K}_body", height=360, max_chars=20_000)
    state["body"] = ss[f"{K}_body"]
    ui.field_error(K, "body")
    # Callbacks: they change the draft before the next run draws it, so that run (of this
    # part alone, on a click) already shows the new text.
    with st.container(horizontal=True):
        st.button("Another version", key=f"{K}_another", icon=":material/autorenew:",
                  help="Rewrites the text with other phrasing. Your edits are replaced.",
                  on_click=_another_version)
        st.button("Start over", key=f"{K}_reset", icon=":material/restart_alt:",
                  help="Throw away your edits and start a new draft from the suggested text.",
                  on_click=_start_over)


def _another_version() -> None:
    state = draft_state()
    state["variant"] += 1
    state["inputs"] = None


def _start_over() -> None:
    state = draft_state()
    state.update(inputs=None, variant=0)
    if state["sent"] is not None:
        state.update(token=new_token(), sent=None, draft_id=None, version=None)
