"""Respond: reply to a "no" with a short thank-you that keeps the door open.

The user picks a rejection still waiting for a reply (or types a company that isn't tracked),
chooses the kind of email, tone and options, edits the draft in place, sends it from their own
mail app, and marks it as sent. Edits live in plain session keys, so they survive reruns and
page switches; a request token makes "Mark as sent" safe to click twice.
"""

from __future__ import annotations

import uuid
from typing import Any

import pandas as pd
import streamlit as st

from nextround import drafting, sending, ui
from nextround.records import ApplicationSummary, UnansweredRejection
from nextround.store import Store, StoreError
from nextround.ui.send import send_flow

K = "respond"  # prefix of every key on this page; also the form key for errors
SOURCES = {"waiting": "Waiting for a reply", "any": "Any application",
           "untracked": "Not tracked here"}
PICK_LIMIT = 50
Picked = UnansweredRejection | ApplicationSummary  # a rejection waiting, or any application


def _kept(name: str, default: Any) -> str:
    """The widget key for `name`, with its value restored from a plain session key, so a
    page switch (which drops widget state) doesn't lose it."""
    key, shadow = f"{K}_{name}", f"{K}__kept_{name}"
    if key not in st.session_state:
        st.session_state[key] = st.session_state.get(shadow, default)
    return key


def _keep(name: str) -> Any:
    value = st.session_state.get(f"{K}_{name}")
    st.session_state[f"{K}__kept_{name}"] = value
    return value


def _check(name: str, check: Any, ui_field: str | None = None) -> bool:
    """Keep the widget's value and show its problem right under it. True when it's fine."""
    value = _keep(name) or ""
    try:
        check(value)
    except ValueError as exc:
        st.error(str(exc), icon=":material/error:")
        st.session_state[f"{K}__bad"][name] = str(exc)
        return False
    if ui_field:
        ui.field_error(K, ui_field)  # what the store refused on the last save, if anything
    return True


def _text(name: str, label: str, check_label: str, ui_field: str | None = None) -> bool:
    st.text_input(label, key=_kept(name, ""), max_chars=200)
    return _check(name, lambda v: drafting.check_one_line(v, check_label), ui_field)


def _set(name: str, value: Any) -> None:
    """Prefill a widget that hasn't been drawn yet on this run."""
    st.session_state[f"{K}_{name}"] = value
    st.session_state[f"{K}__kept_{name}"] = value


def _new_token() -> str:
    return uuid.uuid4().hex


def _state() -> dict[str, Any]:
    """The composed draft: text, token, saved row. Plain (non-widget) session state."""
    if f"{K}__draft" not in st.session_state:
        st.session_state[f"{K}__draft"] = {"inputs": None, "subject": "", "body": "",
                                           "token": _new_token(), "draft_id": None,
                                           "version": None, "sent": None, "variant": 0}
    return st.session_state[f"{K}__draft"]


def pick_application(store: Store) -> Picked | None:
    """Step 1: the application this email is about, or None for an untracked company."""
    source = st.radio("Write about", list(SOURCES), format_func=SOURCES.get,
                      key=_kept("source", "waiting"), horizontal=True)
    _keep("source")
    if source == "untracked":
        left, right = st.columns(2)
        with left:
            _text("company", "Company", "Company", ui_field="company")
        with right:
            _text("role", "Role", "Role", ui_field="role")
        return None

    st.text_input("Search by company or role", key=_kept("search", ""),
                  placeholder="e.g. Acme or designer", icon=":material/search:")
    query = _keep("search") or ""
    if source == "waiting":
        rows, total = ui.cached(store, store.applications.unanswered_rejections, query, PICK_LIMIT)
        what = "rejection"
    else:
        rows, total = ui.cached(store, store.applications.search, query=query,
                                limit=PICK_LIMIT, order="stage_on DESC")
        what = "application"
    records: dict[int, Picked] = {r.id: r for r in rows}
    # The application just answered stays picked (it has left the waiting list), so a second
    # click on "Mark as sent" lands on the same draft, never on the next application's.
    sent = _state()["sent"]
    pinned = sent.get("app_id") if sent else None
    if pinned is not None and pinned not in records and not query:
        try:
            records = {pinned: ui.cached(store, store.applications.get, pinned), **records}
        except StoreError:  # deleted meanwhile: nothing to keep
            pass
    if not records:
        if query:
            st.info("Nothing matches that search. Try part of the company or role name.",
                    icon=":material/search_off:")
        elif source == "waiting":
            st.success("Every rejection has a reply. That's the practice, well kept. To write "
                       "another email, choose **Any application** or **Not tracked here**.",
                       icon=":material/task_alt:")
        else:
            st.info("No applications yet. Add them on the Applications page, or choose **Not "
                    "tracked here** to write about any company.", icon=":material/info:")
        return None
    if total == 0:
        st.caption("That was the last one waiting for a reply.")
    else:
        shown = f"the {len(rows)} most recent of {total:,}" if total > len(rows) else total
        st.caption(f"{what.capitalize()}s, newest first: {shown}. Search to find others.")
    key = f"{K}_app"
    kept = st.session_state.get(f"{K}__kept_app")
    if st.session_state.get(key) not in records:
        st.session_state[key] = kept if kept in records else next(iter(records))
    # Each shows its date: when it was rejected, or when its stage last changed.
    app_id = ui.pick(what.capitalize(), records, lambda row: ui.application_label(
        row.company, row.role,
        row.rejected_on if isinstance(row, UnansweredRejection) else row.stage_on), key=key)
    st.session_state[f"{K}__kept_app"] = app_id
    return records[app_id]


def load_application(store: Store, app: Picked | None) -> None:
    """When the picked application changes, prefill contact and stage from it."""
    app_key = app.id if app else None
    if st.session_state.get(f"{K}__loaded_app", "unset") == app_key:
        return
    st.session_state[f"{K}__loaded_app"] = app_key
    if app is None:
        return
    _set("contact_name", app.contact_name)
    _set("contact_email", app.contact_email)
    events = ui.cached(store, store.applications.events, app.id)
    _set("stage", drafting.stage_from_history([e.stage for e in events],
                                              [e.note for e in events]))


def options(settings_name: str) -> None:
    """Step 2: kind, tone and the options that shape the text."""
    left, mid, right = st.columns(3)
    with left:
        st.selectbox("Kind of email", drafting.KINDS, format_func=drafting.KIND_LABELS.get,
                     key=_kept("kind", "rejection_thanks"))
        _keep("kind")
    with mid:
        st.radio("Tone", drafting.TONES, format_func=drafting.TONE_LABELS.get,
                 key=_kept("tone", "warm"), horizontal=True)
        _keep("tone")
    with right:
        st.selectbox("Furthest stage reached", drafting.STAGES,
                     format_func=drafting.STAGE_LABELS.get, key=_kept("stage", "interview"),
                     help="Defaults from the application's history. It decides what you "
                          "thank them for (no meeting the team if you only applied).")
        _keep("stage")
    left, right = st.columns(2)
    with left:
        _text("contact_name", "Contact name (optional)", "Contact name")
        st.text_input("Contact email (optional)", key=_kept("contact_email", ""),
                      max_chars=200, placeholder="name@example.com")
        _check("contact_email", lambda v: drafting.check_email(v, "Contact email"),
               ui_field="to_email")
    with right:
        st.text_input("One thing you appreciated (optional)", key=_kept("highlight", ""),
                      max_chars=200, placeholder="e.g. the pairing exercise with the team")
        _check("highlight", lambda v: drafting.check_one_line(v, "Highlight"))
        st.text_input("Sign as", key=_kept("sender", settings_name), max_chars=100,
                      help="Your name under the email. Set a default and a signature on the "
                           "Your data page.")
        if _check("sender", lambda v: drafting.check_one_line(v, "Your name")) and \
                not (st.session_state.get(f"{K}_sender") or "").strip():
            st.caption(":material/info: Add your name so the email is signed.")
    a, b = st.columns(2)
    with a:
        st.checkbox("Ask for brief feedback", key=_kept("ask_feedback", False),
                    help="Also starts tracking the request on the Feedback page when you "
                         "mark the email as sent.")
        _keep("ask_feedback")
    with b:
        st.checkbox("Say I'd like to hear about future roles", key=_kept("keep_in_touch", True))
        _keep("keep_in_touch")


def compose(app: Picked | None, signature: str) -> drafting.Draft | None:
    """Build the draft for the current options; None (with messages) if an input is bad."""
    state = _state()
    ss = st.session_state
    company = app.company if app else (ss.get(f"{K}_company") or "")
    role = app.role if app else (ss.get(f"{K}_role") or "")
    if not company.strip():
        st.info("Type the company (and the role, if you like) to see a draft.",
                icon=":material/edit:")
        return None
    if st.session_state[f"{K}__bad"]:
        st.warning("Fix the field marked above to see the draft. Nothing was saved.",
                   icon=":material/error:")
        return None
    ctx = drafting.DraftContext(
        sender_name=(ss.get(f"{K}_sender") or "").strip(), company=company.strip(),
        role=role.strip(), contact_name=(ss.get(f"{K}_contact_name") or "").strip(),
        contact_email=(ss.get(f"{K}_contact_email") or "").strip(),
        stage_reached=ss.get(f"{K}_stage"), ask_feedback=bool(ss.get(f"{K}_ask_feedback")),
        keep_in_touch=bool(ss.get(f"{K}_keep_in_touch")),
        highlight=(ss.get(f"{K}_highlight") or "").strip(), tone=ss.get(f"{K}_tone"))
    kind = ss.get(f"{K}_kind")
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
            state.update(token=_new_token(), draft_id=None, version=None, sent=None)
        ss[f"{K}_subject"], ss[f"{K}_body"] = state["subject"], state["body"]
    return drafting.Draft(subject=state["subject"], body=state["body"],
                          to=ctx.contact_email or None, kind=kind, tone=ctx.tone)


def editor() -> None:
    """Step 3: the draft, editable in place. Edits go to the plain session keys at once."""
    state = _state()
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
    with st.container(horizontal=True):
        if st.button("Another version", key=f"{K}_another", icon=":material/autorenew:",
                     help="Rewrites the text with other phrasing. Your edits are replaced."):
            state["variant"] += 1
            state["inputs"] = None
            st.rerun()
        if st.button("Start over", key=f"{K}_reset", icon=":material/restart_alt:",
                     help="Throw away your edits and start a new draft from the suggested "
                          "text."):
            state.update(inputs=None, variant=0)
            if state["sent"] is not None:
                state.update(token=_new_token(), sent=None, draft_id=None, version=None)
            st.rerun()


def fields_for_store(app: Picked | None, final: drafting.Draft) -> dict[str, Any]:
    ss = st.session_state
    return {"application_id": app.id if app else None, "kind": ss.get(f"{K}_kind"),
            "tone": ss.get(f"{K}_tone"),
            "company": app.company if app else (ss.get(f"{K}_company") or ""),
            "role": app.role if app else (ss.get(f"{K}_role") or ""),
            "to_email": final.to or "", "subject": final.subject, "body": final.body,
            "contact_name": (ss.get(f"{K}_contact_name") or "").strip()}


def send(store: Store, app: Picked | None, final: drafting.Draft) -> None:
    """Step 4: send it from the user's mail app, then mark it as sent (or save for later)."""
    state = _state()
    fields = fields_for_store(app, final)
    try:
        drafting.check_one_line(final.subject, "Subject")
    except ValueError:
        st.error("Fix the subject above (it must be one line) to send or save this draft. "
                 "Nothing was saved.", icon=":material/error:")
        return
    settings = ui.cached(store, store.settings.get)
    ask = bool(st.session_state.get(f"{K}_ask_feedback")) or fields["kind"] == "feedback_request"

    def mark() -> int:
        return sending.mark_draft_sent(store, fields, request_token=state["token"],
                                       sent_on=store.today(), ask_feedback=ask,
                                       draft_id=state["draft_id"], version=state["version"])

    sent = state["sent"]
    note = (f"Marked as sent on {sent['on']}. Well done: replying is the practice. Change "
            "anything above to start a new email." if sent else None)
    def save_button() -> None:
        if sent or not st.button("Save for later", key=f"{K}_save", icon=":material/save:",
                                 help="Keeps this draft, unsent, with the application."):
            return
        ui.save(f"{K}_save", lambda: sending.save_draft(
            store, fields, request_token=state["token"], draft_id=state["draft_id"],
            version=state["version"]), "Draft saved.",
            then=lambda saved: state.update(draft_id=saved[0], version=saved[1]))

    def marked(draft_id: int) -> None:
        state["sent"] = {"id": draft_id, "on": store.today().isoformat(),
                         "app_id": app.id if app else None}
        state["draft_id"] = None

    message = "Marked as sent."
    if ask:
        message += f" Feedback follow-up due in {settings.follow_up_days} days."
    stem = "-".join(p for p in (fields["kind"], fields["company"]) if p)
    send_flow(final, key=K, on_mark_sent=mark, sent_message=message, after_sent=marked,
              file_stem=stem, sent_note=note, beside_mark=save_button)
    for problem in st.session_state.get(ui.errors_key(f"{K}_save"), {}).values():
        st.error(problem, icon=":material/error:")  # our own words, from the store


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
        if st.button("Open it", key=f"{K}_resume", icon=":material/edit_note:"):
            row = choices[picked]
            state = _state()
            state.update(subject=row.subject, body=row.body, draft_id=row.id,
                         version=row.version, sent=None,
                         token=row.request_token or _new_token(),
                         inputs=state.get("current_inputs"), reload_text=True)
            st.rerun()


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
    final = drafting.Draft(subject=_state()["subject"], body=_state()["body"], to=final.to,
                           kind=final.kind, tone=final.tone)
    send(store, app, final)
    past_drafts(store, app)


main(ui.frame("Respond", ":material/mail:"))
