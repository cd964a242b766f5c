"""Respond: reply to a "no" with a short thank-you that keeps the door open.

The user picks a rejection not answered yet (or types a company that isn't tracked), sets the
kind of email, tone and options beside the draft, edits the draft in place, sends it from their
own mail app, and marks it as sent. The draft comes first: at 1280×900 it is on screen without
scrolling, with the options in a narrow column to its left (above it on a phone). Edits live in
plain session keys, so they survive reruns and page switches; a request token makes "Mark as
sent" safe to click twice. Each section is a module in `nextround/ui/respond/`; this page lays
them out. Another page opens Respond on one application with `nextround.ui.respond.preselect`.
"""

from __future__ import annotations

import streamlit as st

from nextround import drafting, ui
from nextround.store import Store
from nextround.ui import after_no as after_no_ui
from nextround.ui.respond.editor import compose, editor
from nextround.ui.respond.options import options
from nextround.ui.respond.past import past_drafts
from nextround.ui.respond.pick import load_application, pick_application, untracked
from nextround.ui.respond.send import send
from nextround.ui.respond.state import K, draft_state

EMAIL = "respond_email"  # the fragment of the picker and the email


def main(store: Store) -> None:
    st.title("Respond", anchor=False)
    st.caption("A short, kind reply to a \"no\" keeps the door open. Draft it here, send it "
               "from your own email, then mark it as sent.")
    after_no_ui.panel_if_following(store, "respond")
    the_email(store)


@st.fragment(key=EMAIL)
def the_email(store: Store) -> None:
    """The picker and the email it shows. A fragment: picking, an option, an edit or another
    version reruns this part alone; marking it sent or saving it reruns the whole page."""
    settings = ui.cached(store, store.settings.get)
    st.session_state[f"{K}__bad"] = {}  # this run's input problems, shown under each field
    app = pick_application(store)
    if app is None and not untracked():
        after_no_ui.keep_in_step(store, "respond")
        return  # nothing to write about yet; the picker said why and what to do
    load_application(store, app)
    # The draft's column comes first, so a phone (where columns stack) shows the draft before
    # its options; the options still run first, as the draft is made from them.
    draft_column, options_column = st.columns([3, 2], gap="medium")
    with options_column:
        options(settings.name)
    with draft_column:
        final = compose(app, settings.signature)
        if final is not None:
            editor()
            state = draft_state()
            send(store, app, drafting.Draft(subject=state["subject"], body=state["body"],
                                            to=final.to, kind=final.kind, tone=final.tone),
                 settings)
    past_drafts(store, app)
    # The panel above tells whether this page is set on the path's step: keep it in step.
    after_no_ui.keep_in_step(store, "respond")


main(ui.frame("Respond", ":material/mail:"))
