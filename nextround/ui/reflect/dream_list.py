"""The dream-job list: companies and roles the user would love next, with the next step for
each; "I applied" records the application, and a company that said no before gets a short
stay-in-touch note to send from the user's own mail app."""

from __future__ import annotations

from datetime import date
from typing import Any

import streamlit as st

from nextround import dream_list, sending, ui
from nextround import reflection as rf
from nextround.records import TargetRecord
from nextround.store import Store
from nextround.ui import send
from nextround.ui.reflect import seen, write


def dream_list_section(store: Store, today: date) -> None:
    st.header("Your dream-job list")
    st.caption("Companies and roles you'd love next, and the next step for each. A no from one "
               "place is a good moment to look here.")
    add_target_form(store)
    targets = ui.cached(store, store.dream_list.entries)
    if not targets:
        st.info("Your list is empty. Add a company you'd love to work for, and why: it keeps "
                "the next step in view after a no.", icon=":material/star:")
        return
    st.dataframe(rf.targets_table(targets), hide_index=True, width="stretch")
    rows = {r.id: r for r in targets}
    chosen = ui.pick("Work on", rows, lambda r: ui.application_label(r.company, r.role),
                     key="target_pick")
    if chosen is not None:
        target_panel(store, rows[chosen], today)


def add_target_form(store: Store) -> None:
    form = "target_add"
    with st.expander("Add a company", icon=":material/add:",
                     expanded=bool(st.session_state.get(ui.errors_key(form)))):
        with st.form(form, border=False):
            values = target_fields(form, "target_new_", None)
            ui.form_error(form)
            submitted = st.form_submit_button("Add to my list", type="primary",
                                              icon=":material/add:")
        if submitted:
            write(form, lambda: dream_list.add(store, **values), "Added to your dream-job list.",
                   on_success=_clear_new_target)


def _clear_new_target() -> None:
    for key in [k for k in st.session_state if str(k).startswith("target_new_")]:
        del st.session_state[key]


def target_fields(form: str, key: str, row: TargetRecord | None) -> dict[str, Any]:
    left, right = st.columns(2)
    values = {
        "company": left.text_input("Company", value=row.company if row else "",
                                   key=key + "company", max_chars=200),
    }
    with left:
        ui.field_error(form, "company")
    values["role"] = right.text_input("Role", value=row.role if row else "", key=key + "role",
                                      max_chars=200)
    with right:
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
        if row.said_no_id is not None:
            stay_in_touch(store, row, row.said_no_id, today)
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
                    no = st.button("Keep it", key="target_remove_no", type="primary")
                if no:
                    st.session_state.pop("target_confirm_remove", None)
                    st.rerun()
                if yes:
                    write(form, lambda: store.dream_list.delete(tid, version), "Removed.",
                           icon=":material/delete:", on_success=lambda: st.session_state.pop(
                               "target_confirm_remove", None))


def stay_in_touch(store: Store, row: TargetRecord, application_id: int, today: date) -> None:
    """They said no before: a short, warm note that keeps the door open (from drafting)."""
    st.markdown(":material/mail: **They said no before: stay in touch**")
    st.caption("A short note a few months on keeps the door open. Edit it as you like in your "
               "mail app.")
    settings = ui.cached(store, store.settings.get)
    try:
        made = rf.stay_in_touch_draft(
            settings, ui.cached(store, store.applications.get, application_id),
            role=row.role,
            stages=[e.stage for e in ui.cached(store, store.applications.events,
                                               application_id)])
    except (ValueError, LookupError) as exc:
        st.caption(f"No draft this time: {ui.escape_markdown(exc)}")
        return
    if not settings.name:
        st.caption("Add your name on the Your data page, and drafts will be signed with it.")
    with st.container(border=True, key=f"stay_preview_{row.id}"):
        st.text(f"Subject: {made.subject}")
        st.text(made.body)
    token = f"stay_in_touch-{row.id}-{application_id}-{today.isoformat()}"
    already = ui.cached(store, store.drafts.by_token, token)
    fields = {"kind": "stay_in_touch", "tone": made.tone or "warm",
              "application_id": application_id, "company": row.company,
              "role": row.role, "to_email": made.to or "",
              "subject": made.subject, "body": made.body}
    send.send_flow(
        made, key=f"stay_{row.id}", file_stem=f"stay-in-touch-{row.company}",
        on_mark_sent=lambda: sending.mark_draft_sent(store, fields, request_token=token,
                                                     sent_on=today),
        sent_note=("Marked as sent today. Nice: the door stays open."
                   if already and already.status == "sent" else None))
