"""Check: the whole file against Next Round's schema, SQLite's integrity check and the links
between tables, the same check as restore and `python -m nextround check`; and a quick warning
above every tab when another program changed the tables."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from nextround import transfer, ui
from nextround.store import Store
from nextround.text import plural

CHECK_FORM = "check"


def check_section(store: Store) -> None:
    st.header("Check")
    intact = "" if store.on_server else "the whole database file is intact, that "
    st.caption(f"Checks that {intact}its tables, indexes and triggers are exactly Next "
               "Round's, that the links between tables hold, and that every value is one "
               "Next Round could have saved.")
    if st.button("Check my database", key="check_now", icon=":material/health_and_safety:"):
        with st.spinner("Checking…"):
            problems = ui.run_action(CHECK_FORM, lambda: store.integrity_problems(
                transfer.stored_value_problems))
        if problems is not None:
            st.session_state["check_result"] = problems
    ui.form_error(CHECK_FORM)
    result = st.session_state.get("check_result")
    if result == []:
        st.success("Your database is healthy.", icon=":material/check_circle:")
    elif result:
        st.error(f"The check found {plural(len(result), 'problem')}. Your data has not been "
                 "changed. Restoring a recent backup is the safest fix.", icon=":material/error:")
        st.dataframe(pd.DataFrame({"Problem": result[:100]}), hide_index=True,
                     key="check_problems", width="content")


def schema_warning(store: Store) -> None:
    """Above the tabs: a trigger or table another program added runs on every save, so the
    user should see it before anything else here (no data is read; cached until the next
    write, and restore and delete-all clear every cached read)."""
    if "check_result" in st.session_state:
        return  # the check's own result lists every problem
    changed = ui.cached(store, store.schema_problems)
    if changed:
        st.warning("Something other than Next Round changed this database's tables: "
                   + "; ".join(changed[:3]) + ". Run the check under Backup and restore, and "
                   "restore a recent backup if anything looks wrong.", icon=":material/warning:")

