"""Respond: reply to a "no" with a short thank-you that keeps the door open.

The user picks a rejection still waiting for a reply (or types a company that isn't tracked),
chooses the kind of email, tone and options, edits the draft in place, sends it from their own
mail app, and marks it as sent. Edits live in plain session keys, so they survive reruns and
page switches; a request token makes "Mark as sent" safe to click twice. Each section is a
module in `nextround/ui/respond/`; this page lays them out.
"""

from __future__ import annotations

import streamlit as st

from nextround import drafting, ui
from nextround.store import Store
from nextround.ui.respond.editor import compose, editor
from nextround.ui.respond.options import options
from nextround.ui.respond.past import past_drafts
from nextround.ui.respond.pick import load_application, pick_application
from nextround.ui.respond.send import send
from nextround.ui.respond.state import K, draft_state


def main(store: Store) -> None:
    settings = ui.cached(store, store.settings.get)
    st.session_state[f"{K}__bad"] = {}  # this run's input problems, shown under each field
    st.title("Respond")
    st.caption("A short, kind reply to a \"no\" keeps the door open. Draft it here, send it "
               "from your own email, then mark it as sent.")
    app = pick_application(store)
    load_application(store, app)
    st.header("Options", divider="gray")
    options(settings.name)
    st.header("Your draft", divider="gray")
    final = compose(app, settings.signature)
    if final is None:
        past_drafts(store, app)
        return
    editor()
    state = draft_state()
    final = drafting.Draft(subject=state["subject"], body=state["body"], to=final.to,
                           kind=final.kind, tone=final.tone)
    send(store, app, final)
    past_drafts(store, app)


main(ui.frame("Respond", ":material/mail:"))
