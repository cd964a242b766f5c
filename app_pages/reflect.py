"""Reflect: a short post-mortem after a "no", the game plan it feeds, the dream-job list, and
the patterns across reflections.

The post-mortem saves as you go: each step is written to the database as a draft, so a rerun,
a page switch or a reload resumes where the user stopped. The user's own words are only ever
shown with `st.text` (or escaped); every heading and message here is ours. Each section is a
module in `nextround/ui/reflect/`; this page picks one.
"""

from __future__ import annotations

from datetime import date

import streamlit as st

from nextround import ui
from nextround.store import Store
from nextround.ui import after_no as after_no_ui
from nextround.ui.reflect import LAST_SECTION_KEY, SECTION_KEY
from nextround.ui.reflect.dream_list import dream_list_section
from nextround.ui.reflect.game_plan import game_plan_section
from nextround.ui.reflect.insights import insights_section
from nextround.ui.reflect.post_mortem import reflect_section

SECTIONS = ("Reflect", "Game plan", "Dream list", "Insights")
SECTION_PART = "reflect_section_part"  # the fragment of the picked section


def main(store: Store) -> None:
    st.title("Reflect")
    st.caption("A short, honest look back: what to keep, what to change, and what was never in "
               "your hands. Then a plan for what's next.")
    after_no_ui.panel_if_following(store, "reflect")
    last = st.session_state.get(LAST_SECTION_KEY, SECTIONS[0])
    # Radios, not a segmented control: its selected label fails colour contrast in dark mode.
    if SECTION_KEY not in st.session_state:
        st.session_state[SECTION_KEY] = last
    section = st.radio("Section", SECTIONS, key=SECTION_KEY, label_visibility="collapsed",
                       horizontal=True) or last
    st.session_state[LAST_SECTION_KEY] = section
    today = ui.today(store)
    if section == "Insights":
        insights_section(store)  # charts only: nothing in it reruns on its own
    else:
        section_part(store, section, today)


@st.fragment(key=SECTION_PART)
def section_part(store: Store, section: str, today: date) -> None:
    """The section picked above. A fragment: a choice inside it (a reflection to re-read, a
    step to change, a company to work on, the done list) reruns this part alone; a write, or
    a button that opens another section (`reflect.open_section`), reruns the whole page."""
    if section == "Reflect":
        reflect_section(store, today)
    elif section == "Game plan":
        game_plan_section(store, today)
    else:
        dream_list_section(store, today)


main(ui.frame("Reflect", ":material/lightbulb:"))
