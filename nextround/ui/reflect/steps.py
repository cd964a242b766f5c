"""The steps of a post-mortem, one form each: what was expected, what happened, the feeling,
what went well, what to do differently (each change can become a game-plan action), what was
outside the user's control, and the fit. Every heading and message here is ours; the user's
words are only shown back as widget values.
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import streamlit as st

from nextround import reflection as rf
from nextround import ui
from nextround.store import Store
from nextround.ui.reflect import write


def step_form(store: Store, draft: rf.Reflection, step: int, today: date) -> None:
    rid, answers = draft.record.id, draft.answers
    form = f"reflect_step_{step}"
    key = f"rf{rid}_"
    values: dict[str, Any] = {}
    plan: dict[int, tuple[str, date | None]] = {}
    with st.form(form, border=True, enter_to_submit=False):
        st.header(rf.STEPS[step][1])
        name = rf.STEPS[step][0]
        if name == "expected":
            st.caption("Write it down before looking at what happened: what were you hoping "
                       "for, or expecting?")
            values["expected"] = st.text_area(
                "What did you expect?", value=answers["expected"], key=key + "expected",
                max_chars=rf.ANSWER_MAX, label_visibility="collapsed")
            ui.field_error(form, "expected")
        elif name == "what_happened":
            options = ["", *rf.STAGES_REACHED]
            current = answers["stage_reached"]
            values["stage_reached"] = st.selectbox(
                "How far did it get?", options,
                index=options.index(current) if current in options else 0,
                format_func=lambda s: rf.STAGES_REACHED.get(s, "Choose a stage"),
                key=key + "stage")
            ui.field_error(form, "stage_reached")
            values["what_happened"] = st.text_area(
                "What happened?", value=answers["what_happened"], key=key + "happened",
                max_chars=rf.ANSWER_MAX, placeholder="Just the facts, as you remember them.")
            ui.field_error(form, "what_happened")
            values["questions"] = st.text_area(
                "Questions they asked", value=answers["questions"], key=key + "questions",
                max_chars=rf.ANSWER_MAX,
                placeholder="Worth keeping: they often come up again.")
            ui.field_error(form, "questions")
        elif name == "feeling":
            score = answers["feeling_score"]
            values["feeling_score"] = st.slider(
                "How do you feel, from 0 (really low) to 10 (fine)?", 0, 10,
                value=score if isinstance(score, int) else 5, key=key + "feeling")
            ui.field_error(form, "feeling_score")
            values["feeling_words"] = st.text_area(
                "A few words for it", value=answers["feeling_words"], key=key + "words",
                max_chars=rf.ANSWER_MAX, height=80,
                placeholder="Disappointed, relieved, tired… any feeling is allowed.")
            ui.field_error(form, "feeling_words")
        elif name == "went_well":
            st.caption("Something you'd do again: a good answer, solid preparation, a "
                       "connection you made.")
            values["went_well"] = st.text_area(
                "What went well?", value=answers["went_well"], key=key + "well",
                max_chars=rf.ANSWER_MAX, label_visibility="collapsed")
            ui.field_error(form, "went_well")
        elif name == "do_differently":
            values["do_differently"] = changes_rows(form, key, answers, plan, today)
        elif name == "outside":
            values.update(outside_fields(form, key, draft))
        else:
            st.caption("Think about the role, the team, the values and the growth it offered.")
            fit_options = list(rf.FITS)
            values["fit"] = st.radio(
                "Was it a good fit for you?", fit_options,
                index=fit_options.index(draft.record.fit) if draft.record.fit in rf.FITS
                else None,
                format_func=rf.FITS.__getitem__, horizontal=True, key=key + "fit")
            ui.field_error(form, "fit")
            values["fit_note"] = st.text_area(
                "A note about the fit", value=answers["fit_note"], key=key + "fitnote",
                max_chars=rf.ANSWER_MAX, height=80)
            ui.field_error(form, "fit_note")
        ui.form_error(form)
        with st.container(horizontal=True):
            back = (st.form_submit_button("Back", key=f"{form}_back", icon=":material/arrow_back:")
                    if step > 0 else False)
            later = st.form_submit_button("Save for later", key=f"{form}_save",
                                          icon=":material/save:")
            forward = st.form_submit_button(
                "See my summary" if step == rf.SUMMARY_STEP - 1 else "Next",
                key=f"{form}_next", type="primary", icon=":material/arrow_forward:")
    target = step + 1 if forward else step - 1 if back else step if later else None
    if target is None:
        return
    write(form, lambda: rf.save_step(
        store, rid, draft.record.version, step, values, next_step=target, plan=plan,
        today=today),
        "Saved. Come back to it whenever you're ready." if later else None,
        icon=":material/save:")


def changes_rows(form: str, key: str, answers: dict[str, Any],
                 plan: dict[int, tuple[str, date | None]], today: date) -> list[str]:
    """Up to three changes, each of which can become a game-plan action with a due date."""
    st.caption("Small and concrete works best. Fewer is fine. Tick one to add it to your game "
               "plan with a due date.")
    items = list(answers["do_differently"]) + [""] * rf.MAX_CHANGES
    planned = set(answers["planned"])
    typed: list[str] = []
    for i in range(rf.MAX_CHANGES):
        left, middle, right = st.columns([5, 2, 2], vertical_alignment="bottom")
        text = left.text_input(f"Change {i + 1}", value=items[i], key=f"{key}change{i}",
                               max_chars=rf.ITEM_MAX,
                               placeholder="e.g. Prepare two stories about leading a project"
                               if i == 0 else "")
        already = bool(items[i]) and items[i] in planned
        add = middle.checkbox("In your game plan" if already else "Add to game plan",
                              value=already, disabled=already, key=f"{key}plan{i}")
        due = right.date_input("Due", value=today + timedelta(days=7), key=f"{key}due{i}",
                               format="YYYY-MM-DD", disabled=already)
        typed.append(text)
        if add and not already and text.strip():
            plan[i] = (text, due)
        ui.field_error(form, f"do_differently_{i}")
        ui.field_error(form, f"plan_{i}")
    ui.field_error(form, "do_differently")
    return typed


def outside_fields(form: str, key: str, draft: rf.Reflection) -> dict[str, Any]:
    st.caption("Some things decide a hiring process before you ever walk in. Tick any that "
               "may have played a part. This is optional.")
    ticked = set(draft.answers["outside_factors"])
    chosen: list[str] = []
    columns = st.columns(2)
    for i, (factor, label) in enumerate(rf.OUTSIDE_FACTORS.items()):
        if columns[i % 2].checkbox(label, value=factor in ticked, key=f"{key}factor_{factor}"):
            chosen.append(factor)
    ui.field_error(form, "outside_factors")
    pct = draft.record.control_pct
    control = st.slider("How much of the outcome was within your control?", 0, 100,
                        value=int(pct) if pct is not None else 50, step=5, format="%d%%",
                        key=key + "control")
    st.caption("A rough feeling is enough: 0% means nothing you could have changed, 100% means "
               "it was entirely up to you.")
    ui.field_error(form, "control_pct")
    return {"outside_factors": chosen, "control_pct": int(control)}
