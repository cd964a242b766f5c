"""Your themes: the list replies are tagged with, one per line."""

from __future__ import annotations

import streamlit as st

from nextround import feedback as fb
from nextround import ui
from nextround.models import Settings
from nextround.store import Store

THEMES_FORM = "feedback_themes"


def themes_section(store: Store, settings: Settings) -> None:
    """`settings`: the cached settings the page read, which hold the list."""
    themes, version = fb.themes_from_settings(settings.extra), settings.version
    st.caption("The themes you tag replies with. One per line; renaming a theme here doesn't "
               "change replies you've already tagged.")
    with st.form("feedback_themes_form", border=True):
        text = st.text_area("Your themes", value="\n".join(themes), height=220,
                            key=f"feedback_themes_text_{version}")
        ui.field_error(THEMES_FORM, "themes")
        submitted = st.form_submit_button("Save themes", icon=":material/save:")
    ui.form_error(THEMES_FORM)
    if submitted:
        ui.save(THEMES_FORM, lambda: fb.save_themes(store, text, version), "Themes saved.")
