"""The path after a no, drawn wherever the user meets it: on the application that was just
rejected, at the top of each practice page while they follow it, and from This week.

One bordered panel says where they are ("Step 2 of 5: Ask for feedback"), what is already
known, and offers one primary button for the step, with "Not for this one" and "Later" beside
it. The rules (which step is current, what counts as done) are `nextround/after_no.py`'s; the
pages the steps happen on stay as they are, and this module only links them.
"""

from __future__ import annotations

import streamlit as st

from nextround import after_no, drafting, dream_list, ui
from nextround import reflection as rf
from nextround.after_no import STEP_LABELS, STEPS, Path
from nextround.store import Store
from nextround.ui import respond
from nextround.ui.path_state import follow, following, stop_following
from nextround.ui.reflect import SECTION_KEY as REFLECT_SECTION
from nextround.ui.reflect import go_to

NEXT_FORM = "after_no_next"
PANEL = "after_no_panel"  # the panel's fragment
COMPACT = "after_no_compact_"  # + the page: whether its panel was last drawn compact

_WHY = {
    "reply": "A short, kind thank-you keeps the door open for the next role there. It takes "
             "two minutes, and it's drafted for you.",
    "feedback": "Asking what could have been better takes courage. Most people don't answer, "
                "and that's normal; the replies that do come are worth a lot.",
    "reflect": "Ten quiet minutes: what went well, what to try next time, and what was never "
               "in your hands.",
    "care": "A no is heavy, whoever you are. One minute to notice how you're doing this week.",
    "next": "Your dream list keeps the next step in view. One company, one small step.",
}
_GO = {"reply": "Write the thank-you", "feedback": "Draft the feedback request",
       "reflect": "Reflect on it", "care": "Take the check-in"}
_HERE = {"reply": "Write it below, send it from your own email, then mark it as sent.",
         "feedback": "The request is drafted below: send it from your own email, then mark "
                     "it as sent. Next Round reminds you when it's time to follow up.",
         "reflect": "Walk the steps below; each one is saved as you go.",
         "care": "Fill in the check-in below. It takes a minute."}
_KINDS = {"reply": "rejection_thanks", "feedback": "feedback_request"}  # Respond's kinds
_ICONS = {"done": ":material/check_circle:", "skipped": ":material/do_not_disturb_on:",
          "later": ":material/schedule:", "open": ":material/radio_button_unchecked:"}
_STATE_WORDS = {"done": "done", "skipped": "not for this one", "later": "later", "open": ""}


def panel_if_following(store: Store, here: str) -> None:
    """At the top of a practice page: the panel of the path this tab follows, if any."""
    application_id = following()
    if application_id is not None:
        panel(store, application_id, here=here)


@st.fragment(key=PANEL)
def panel(store: Store, application_id: int, *, here: str) -> None:
    """The path of one rejection: where the user is and one step to take. On the page that
    does the current step, a compact form of it, so the page's own work stays in view.

    A fragment: a click in it reruns the panel alone first; each of its steps then writes
    (and reruns the whole page, `ui.save`) or opens another page."""
    path = ui.cached(store, after_no.path_for, application_id)
    if path is None:  # no longer a rejection (or deleted): nothing to follow
        if following() == application_id:
            stop_following()
        return
    step = path.current
    compact = _is_compact(store, path, here)
    st.session_state[COMPACT + here] = compact
    with st.container(border=True, key=f"after_no_{here}"):
        if compact:
            assert step is not None
            _compact(store, path, step, here)
        else:
            _full(store, path, here)
        ui.form_error(f"after_no_{here}")


def _is_compact(store: Store, path: Path, here: str) -> bool:
    """Whether the panel shows its compact form: the page below is set to do the step."""
    step = path.current
    return (step not in (None, "next") and here == after_no.STEP_PAGES[step]
            and _page_is_set(store, path, step))


def keep_in_step(store: Store, here: str) -> None:
    """For a part of the page below the panel that reruns alone (a fragment): when a choice
    made in it (the application or the kind of email on Respond) changes which form the
    panel takes, the whole page reruns, so the panel follows. Otherwise nothing happens."""
    application_id = following()
    if application_id is None or COMPACT + here not in st.session_state:
        return
    path = ui.cached(store, after_no.path_for, application_id)
    if path is not None and _is_compact(store, path, here) != st.session_state[COMPACT + here]:
        st.rerun()


def _full(store: Store, path: Path, here: str) -> None:
    st.subheader(f"After the no from {ui.escape_markdown(path.facts.company)}", anchor=False)
    st.markdown(_stepper(path))
    _known(path)
    step = path.current
    if step is None:
        _finished(store, path, here)
        return
    st.markdown(f"**Step {path.position} of {len(STEPS)}: {STEP_LABELS[step]}**")
    st.caption(_WHY[step])
    if step == "next":
        _next_company(store, path, here)
    else:
        _choices(store, path, step, here, go=_GO[step])


def _compact(store: Store, path: Path, step: str, here: str) -> None:
    """Where the user is, in three lines: the page below is the step."""
    st.markdown(f"**After the no from {ui.escape_markdown(path.facts.company)} · Step "
                f"{path.position} of {len(STEPS)}: {STEP_LABELS[step]}.** {_HERE[step]}")
    st.caption(_stepper(path))
    with st.container(horizontal=True, key=f"after_no_{here}_buttons"):
        _skip_later(store, path, step, here)


def _page_is_set(store: Store, path: Path, step: str) -> bool:
    """Whether the page under the panel already shows this step, so its own primary button
    (Mark as sent, Next, Save my check-in) is the step's next move."""
    if step in _KINDS:
        return respond.showing(path.application_id, _KINDS[step])
    if step == "reflect":
        draft = ui.cached(store, rf.draft_in_progress)
        return (draft is not None and draft.record.application_id == path.application_id
                and st.session_state.get(REFLECT_SECTION) == "Reflect")
    return True


def _stepper(path: Path) -> str:
    """One line of the five steps and their states, in our own words only."""
    current = path.current
    parts = []
    for number, step in enumerate(STEPS, start=1):
        state = path.states[step]
        words = _STATE_WORDS[state]
        label = f"{number}. {STEP_LABELS[step]}" + (f" ({words})" if words else "")
        if step == current:
            parts.append(f":material/arrow_forward: **{label}**")
        else:
            parts.append(f"{_ICONS[state]} {label}")
    return " · ".join(parts)


def _known(path: Path) -> None:
    """What the path carries forward, so no step asks for it again."""
    facts = path.facts
    known = [ui.application_label(facts.company, facts.role),
             f"no on {facts.rejected_on:%-d %b %Y}",
             f"got as far as: {_stage_words(path)}"]
    if facts.contact_name or facts.contact_email:
        known.append("contact: " + " ".join(
            v for v in (facts.contact_name, facts.contact_email and f"<{facts.contact_email}>")
            if v))
    if facts.appreciated:
        known.append(f"you appreciated: {facts.appreciated}")
    st.text(" · ".join(known))  # the user's own words: plain text (no autolinked address)


def _stage_words(path: Path) -> str:
    return drafting.STAGE_LABELS.get(path.stage_reached, "Applied only").lower()


def _choices(store: Store, path: Path, step: str, here: str, *, go: str) -> None:
    """The step's one primary button (to where it is done), then skip and later."""
    with st.container(horizontal=True, key=f"after_no_{here}_buttons"):
        if st.button(go, type="primary", key=f"after_no_{here}_go",
                     icon=":material/arrow_forward:"):
            _go(store, path, step, f"after_no_{here}")
        _skip_later(store, path, step, here)


def _skip_later(store: Store, path: Path, step: str, here: str) -> None:
    form = f"after_no_{here}"
    app_id = path.application_id
    if st.button("Not for this one", key=f"after_no_{here}_skip",
                 help="Skip this step for this application. It won't be suggested again."):
        ui.save(form, lambda: after_no.mark(store, app_id, step, "skipped"),
                f"Skipped {STEP_LABELS[step].lower()} for this one.")
    if path.states[step] != "later" and st.button(
            "Later", key=f"after_no_{here}_later", type="tertiary",
            help="Come back to this step after the others."):
        ui.save(form, lambda: after_no.mark(store, app_id, step, "later"),
                "Left for later. It comes back after the other steps.")


def _go(store: Store, path: Path, step: str, form: str) -> None:
    """Open the page where `step` is done, with everything known filled in."""
    app_id = path.application_id
    follow(app_id)
    if step in _KINDS:
        respond.preselect(app_id, _KINDS[step])
    elif step == "reflect":
        draft = rf.draft_in_progress(store)
        if draft is None or draft.record.application_id == app_id:
            if not ui.run_action(form, lambda: (rf.start_reflection(store, app_id),)):
                return
        else:
            ui.flash("You have another reflection in progress: finish or discard it first, "
                     "then start this one.", icon=":material/info:")
    if step in ("reflect", "next"):
        go_to("Reflect" if step == "reflect" else "Dream list")
    st.switch_page(ui.page_path(after_no.STEP_PAGES[step]))


def _next_company(store: Store, path: Path, here: str) -> None:
    """The last step, in place: the next company on the dream list, or adding one."""
    app_id = path.application_id
    target = ui.cached(store, dream_list.next_after, path.facts.company)
    if target is None:
        st.markdown("Your dream list is empty. Which company would you love to work for next?")
        with st.form(f"{NEXT_FORM}_{here}", border=False, clear_on_submit=True):
            left, right = st.columns(2)
            company = left.text_input("Company", max_chars=200, key=f"{NEXT_FORM}_{here}_company")
            role = right.text_input("Role (optional)", max_chars=200,
                                    key=f"{NEXT_FORM}_{here}_role")
            added = st.form_submit_button("Add it as my next company", type="primary",
                                          icon=":material/star:")
        ui.field_error(f"after_no_{here}", "company")
        ui.field_error(f"after_no_{here}", "role")
        if added:
            ui.save(f"after_no_{here}",
                    lambda: after_no.add_next_company(store, app_id, company, role),
                    "Added to your dream list. That's your next step.")
        with st.container(horizontal=True):
            _skip_later(store, path, "next", here)
        return
    label = ui.application_label(target.company, target.role)
    st.markdown("Next up on your dream list:")
    st.text(label)
    with st.container(horizontal=True, key=f"after_no_{here}_buttons"):
        if st.button("That's my next step", type="primary", key=f"after_no_{here}_go",
                     icon=":material/arrow_forward:"):
            ui.save(f"after_no_{here}",
                    lambda: after_no.mark(store, app_id, "next", "done", note=label),
                    "Onwards. Your dream list is on the Reflect page.")
        _skip_later(store, path, "next", here)


def _finished(store: Store, path: Path, here: str) -> None:
    target = ui.cached(store, dream_list.next_after, path.facts.company)
    skipped = [STEP_LABELS[s].lower() for s in STEPS if path.states[s] == "skipped"]
    st.success("You've walked the whole path for this one"
               + (f", and set aside what wasn't for it ({', '.join(skipped)})" if skipped
                  else "") + ". Let it go now: the next one is waiting.",
               icon=":material/task_alt:")
    if target is not None:
        st.text("Next up on your dream list: "
                + ui.application_label(target.company, target.role))
    if following() == path.application_id and st.button(
            "Close", key=f"after_no_{here}_close", icon=":material/close:"):
        stop_following()
        st.rerun()



def agenda_row(store: Store, path: Path) -> None:
    """One open path as a line of This week: the company, the step it is at, and one button
    that opens the page for that step, with the path's panel on top."""
    step = path.current
    assert step is not None
    left, right = st.columns([4, 1], vertical_alignment="center")
    with left:
        st.markdown(f"**After the no from {ui.escape_markdown(path.facts.company)}**")
        st.caption(f"Step {path.position} of {len(STEPS)}: {STEP_LABELS[step]}. {_WHY[step]}")
    with right:
        if st.button("Continue", key=f"this_week_path_{path.application_id}",
                     icon=":material/arrow_forward:", width="stretch"):
            _go(store, path, step, "this_week_paths")
