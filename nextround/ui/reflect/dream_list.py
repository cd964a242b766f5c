"""The dream-job list: companies and roles the user would love next, with the next step for
each; "I applied" records the application, and a company that said no before gets a short
stay-in-touch note to send from the user's own mail app."""

from __future__ import annotations

from datetime import date
from typing import Any

import pyarrow as pa
import streamlit as st

from nextround import dream_list, ui
from nextround import reflection as rf
from nextround.records import TargetRecord
from nextround.store import Store
from nextround.ui import company_history
from nextround.ui.reflect import seen, write

FORM = "target_add"  # the add form, and its panel's widget keys
NEW = "target_new_"  # the add form's widget keys
CLEAR = "target_add_clear"  # an entry was added: the add form starts again
_TEXT_KEYS = frozenset(NEW + name for name in ("company", "role", "why", "next"))


def dream_list_section(store: Store, today: date) -> None:
    st.header("Your dream-job list")
    st.caption("Companies and roles you'd love next, and the next step for each. A no from one "
               "place is a good moment to look here.")
    add_target_form(store, today)
    targets, table = ui.cached(store, dream_list_table)
    if not targets:
        st.info("Your list is empty. Add a company you'd love to work for, and why: it keeps "
                "the next step in view after a no.", icon=":material/star:")
        return
    st.dataframe(table, hide_index=True, width="stretch")
    rows = {r.id: r for r in targets}
    chosen = ui.pick("Work on", rows, lambda r: ui.application_label(r.company, r.role),
                     key="target_pick")
    if chosen is not None:
        target_panel(store, rows[chosen], today)


def dream_list_table(store: Store) -> tuple[list[TargetRecord], pa.Table]:
    """A page function for `ui.cached`: the list, and its table as Arrow (what `st.dataframe`
    sends), built once per write, not on every rerun."""
    targets = store.dream_list.entries()
    return targets, pa.Table.from_pandas(rf.targets_table(targets), preserve_index=False)


def add_target_form(store: Store, today: date) -> None:
    """Add a company. Once there are applications, a company the user dealt with before
    shows that history beside the form (`company_history`)."""
    with st.expander("Add a company", icon=":material/add:",
                     expanded=bool(st.session_state.get(ui.errors_key(FORM)))):
        _add_area(store, today)


@st.fragment
def _add_area(store: Store, today: date) -> None:
    """The company field sits outside the `st.form`, so it is looked up as soon as it is
    entered; a fragment, so that this never stops a submit in progress (see
    `company_history.remember_added`)."""
    _start_again()
    company_history.forget_echo(NEW + "company")
    if ui.cached(store, Store.count, "applications") == 0:  # nothing to look up yet
        _add_target(store)
        return
    form_side, history_side = st.columns([3, 2], gap="large")
    with history_side:
        shown = company_history.history_panel(
            store, st.session_state.get(NEW + "company", ""), today, key=FORM)
        if shown is None:
            st.caption(company_history.TIP)
    with form_side:
        _add_target(store)
    company_history.door_note(store, shown, today, key=FORM)


def _add_target(store: Store) -> None:
    company = company_field(FORM, NEW, None)
    with st.form(FORM, border=False):
        values = target_fields(FORM, NEW, None, company=False)
        ui.form_error(FORM)
        submitted = st.form_submit_button("Add to my list", type="primary",
                                          icon=":material/add:")
    if submitted:  # `write` reruns the whole page: the list shows the new entry
        write(FORM, lambda: dream_list.add(store, company, **values),
              "Added to your dream-job list.", on_success=_clear_new_target)


def _clear_new_target() -> None:
    """After an entry is added: the form starts again on the next run (`_start_again`)."""
    company_history.remember_added(NEW + "company", FORM)
    st.session_state[CLEAR] = True


def _start_again() -> None:
    """Before the add form is drawn, after an add: its text fields are set to "" rather
    than forgotten (a browser shows a value the server sets, not one it merely forgets);
    the rest go back to their defaults."""
    if not st.session_state.pop(CLEAR, False):
        return
    for key in [k for k in st.session_state if str(k).startswith(NEW)]:
        if key in _TEXT_KEYS:
            st.session_state[key] = ""
        else:
            del st.session_state[key]


def company_field(form: str, key: str, row: TargetRecord | None) -> str:
    """The company field with its message (the add form draws it outside its `st.form`)."""
    company = st.text_input("Company", value=row.company if row else "", key=key + "company",
                            max_chars=200)
    ui.field_error(form, "company")
    return company


def target_fields(form: str, key: str, row: TargetRecord | None, *,
                  company: bool = True) -> dict[str, Any]:
    """The entry's fields; without `company`, the caller draws `company_field` itself."""
    values: dict[str, Any] = {}
    if company:
        left, beside = st.columns(2)
        with left:
            values["company"] = company_field(form, key, row)
    else:
        beside = st.container()
    with beside:
        values["role"] = st.text_input("Role", value=row.role if row else "", key=key + "role",
                                       max_chars=200)
        ui.field_error(form, "role")
    values["why"] = st.text_area("Why this one?", value=row.why if row else "", key=key + "why",
                                 max_chars=rf.ANSWER_MAX, height=80)
    ui.field_error(form, "why")
    left, right = st.columns(2)
    priorities = list(rf.PRIORITIES)
    values["priority"] = left.selectbox(
        "Priority", priorities, index=priorities.index(row.priority) if row else 1,
        format_func=rf.PRIORITIES.__getitem__, key=key + "priority")
    statuses = [s for s in rf.TARGET_STATUSES
                if s != "applied" or (row is not None and row.status == "applied")]
    values["status"] = right.selectbox(
        "Status", statuses, index=statuses.index(row.status) if row else 0,
        format_func=rf.TARGET_STATUSES.__getitem__, key=key + "status")
    with right:
        ui.field_error(form, "status")
    values["next_step"] = st.text_input("Next step", value=row.next_step if row else "",
                                        key=key + "next", max_chars=rf.ITEM_MAX,
                                        placeholder="e.g. Ask Sam for an intro")
    ui.field_error(form, "next_step")
    return values


def target_panel(store: Store, row: TargetRecord, today: date) -> None:
    tid = row.id
    version = seen("target", tid, row.version)
    with st.container(border=True, key="target_panel"):
        if row.application_id is not None:
            st.success("You applied. It's in your applications.", icon=":material/check:")
        else:
            st.caption("When you've sent the application, one click records it.")
            if st.button("I applied", key=f"target_applied_{tid}", type="primary",
                         icon=":material/send:"):
                write("target_applied", lambda: dream_list.mark_applied(store, tid, version),
                       "Added to your applications. Good luck!")
            ui.form_error("target_applied")
            company_history.history_panel(store, row.company, today, key=f"target_{tid}",
                                          note_open=True)
        form = "target_edit"
        with st.expander("Edit this entry", icon=":material/edit:"):
            with st.form(form, border=False):
                values = target_fields(form, f"target_{tid}_", row)
                ui.form_error(form)
                with st.container(horizontal=True):
                    save = st.form_submit_button("Save changes", type="primary",
                                                 icon=":material/save:")
                    remove = st.form_submit_button("Remove from my list",
                                                   icon=":material/delete:")
            if save:
                write(form, lambda: dream_list.update(store, tid, version, **values), "Saved.")
            if remove:
                st.session_state["target_confirm_remove"] = tid
            if st.session_state.get("target_confirm_remove") == tid:
                st.warning("Remove this company from your dream-job list? Any application "
                           "you recorded stays.", icon=":material/warning:")
                with st.container(horizontal=True):
                    yes = st.button("Yes, remove it", key="target_remove_yes")
                    st.button("Keep it", key="target_remove_no", type="primary",
                              on_click=st.session_state.pop,
                              args=("target_confirm_remove", None))
                if yes:
                    write(form, lambda: store.dream_list.delete(tid, version), "Removed.",
                           icon=":material/delete:", on_success=lambda: st.session_state.pop(
                               "target_confirm_remove", None))
