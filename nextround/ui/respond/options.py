"""Step 2 of Respond: the kind of email, the tone and the options that shape the text, stacked
compactly beside the draft (above it on a phone)."""

from __future__ import annotations

import streamlit as st

from nextround import drafting
from nextround.ui.respond.state import K, check, keep, kept, text


def options(settings_name: str) -> None:
    """Kind, tone, stage and what to say first; then who it goes to and who signs it."""
    kind = st.selectbox("Kind of email", drafting.KINDS, format_func=drafting.KIND_LABELS.get,
                        key=kept("kind", "rejection_thanks"))
    keep("kind")
    st.radio("Tone", drafting.TONES, format_func=drafting.TONE_LABELS.get,
             key=kept("tone", "warm"), horizontal=True)
    keep("tone")
    st.selectbox("Furthest stage reached", drafting.STAGES,
                 format_func=drafting.STAGE_LABELS.get, key=kept("stage", "interview"),
                 help="Defaults from the application's history. It decides what you thank "
                      "them for (no meeting the team if you only applied).")
    keep("stage")
    st.checkbox("Ask for brief feedback", key=kept("ask_feedback", False),
                help="Also starts tracking the request on the Feedback page when you mark the "
                     "email as sent.")
    keep("ask_feedback")
    st.checkbox("Say I'd like to hear about future roles", key=kept("keep_in_touch", True))
    keep("keep_in_touch")
    if kind == "rejection_thanks":  # the only email that wishes them well with the hiring
        st.checkbox("They've filled the role", key=kept("role_filled", False),
                    help="Then the email doesn't wish them luck filling it.")
        keep("role_filled")
    text("contact_name", "Contact name (optional)", "Contact name")
    st.text_input("Contact email (optional)", key=kept("contact_email", ""), max_chars=200,
                  placeholder="name@example.com")
    check("contact_email", lambda v: drafting.check_email(v, "Contact email"),
          ui_field="to_email")
    st.text_input("One thing you appreciated (optional)", key=kept("highlight", ""),
                  max_chars=200, placeholder="e.g. the pairing exercise with the team")
    check("highlight", lambda v: drafting.check_one_line(v, "Highlight"))
    st.text_input("Sign as", key=kept("sender", settings_name), max_chars=100,
                  help="Your name under the email. Set a default and a signature on the Your "
                       "data page.")
    if check("sender", lambda v: drafting.check_one_line(v, "Your name")) and \
            not (st.session_state.get(f"{K}_sender") or "").strip():
        st.caption(":material/info: Add your name so the email is signed.")
