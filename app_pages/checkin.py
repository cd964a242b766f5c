"""Check-in: one minute a week to notice how you've been, let something go, and watch the trend.

The five WHO-5 statements keep their official wording. The result is read in plain language,
never as a diagnosis, and support is one click away (here when a check-in is low, and in the
sidebar on every page). Until the user has chosen their support region, the form asks for it
(the time zone's guess picked), and saving keeps it in settings with the check-in.
"""

from __future__ import annotations

import json
from datetime import date, time

import streamlit as st

from nextround import calendar_ics, chart_thresholds, charts, figures, ui, wellbeing
from nextround.records import CheckinRecord
from nextround.store import Store
from nextround.ui import after_no as after_no_ui

FORM = "checkin"
PENDING = "checkin_pending"  # (CheckIn, version): a replace waiting for the user's confirmation
TREND_WEEKS = 26
FORM_KEYS = (*(f"checkin_item_{n}" for n in range(1, 6)), "checkin_stress", "checkin_hours",
             "checkin_self_care", "checkin_win", "checkin_let_go")


def checkin_form(store: Store, current: CheckinRecord | None,
                 ask_region: wellbeing.SupportRegion | None = None) -> None:
    """The one-minute form. `current` is this week's saved check-in, if any (the form is then
    filled with it, and saving asks before replacing it). `ask_region`: the guessed region,
    when the user hasn't chosen one yet (asked with a new check-in only)."""
    items = json.loads(current.items) if current else [None] * 5
    care_now = set(json.loads(current.self_care)) if current else set()
    stress = None if current is None or current.stress is None else int(current.stress)
    with st.form("checkin_form", border=False):
        questions, week = st.columns([3, 2], gap="large")
        with questions:
            st.markdown(f"**{wellbeing.WHO5_RECALL}**, how often has each of these been "
                        "true for you? Pick the answer closest to how you've been feeling.")
            for number, statement in enumerate(wellbeing.WHO5_ITEMS, start=1):
                st.radio(f"{number}. {statement}", options=list(wellbeing.WHO5_ANSWERS),
                         format_func=wellbeing.WHO5_ANSWERS.get, horizontal=True,
                         index=items[number - 1], key=f"checkin_item_{number}")
                ui.field_error(FORM, f"item_{number}")
            ui.field_error(FORM, "items")
            st.caption(wellbeing.WHO5_ATTRIBUTION)
        with week:
            st.markdown("**This week**")
            # Radios and a multiselect, not pills: a selected pill's label fails colour
            # contrast in the dark theme.
            st.radio("How stressed have you felt? 0 is no stress at all, 10 the most you can "
                     "imagine.", options=list(range(11)), horizontal=True,
                     index=None if stress is None else int(stress), key="checkin_stress")
            ui.field_error(FORM, "stress")
            st.number_input("Hours on the search", min_value=0.0, max_value=168.0, step=0.5,
                            value=None if current is None else current.hours,
                            placeholder="e.g. 12", key="checkin_hours")
            ui.field_error(FORM, "hours")
            st.multiselect("How you looked after yourself", options=list(wellbeing.SELF_CARE),
                           format_func=wellbeing.SELF_CARE.get,
                           default=[k for k in wellbeing.SELF_CARE if k in care_now],
                           placeholder="Tick what you did", key="checkin_self_care")
            ui.field_error(FORM, "self_care")
            st.text_input("One win, however small", max_chars=wellbeing.WIN_MAX,
                          value="" if current is None else current.win,
                          placeholder="e.g. I finished the portfolio page", key="checkin_win")
            ui.field_error(FORM, "win")
            st.text_area("One thing to let go of", max_chars=wellbeing.LET_GO_MAX, height=100,
                         value="" if current is None else current.let_go,
                         placeholder="e.g. replaying that last interview question",
                         key="checkin_let_go")
            ui.field_error(FORM, "let_go")
        if ask_region is not None:
            _region_question(ask_region)
        submitted = st.form_submit_button(
            "Update this week's check-in" if current else "Save my check-in",
            type="primary", icon=":material/check:", key="checkin_save")
    ui.form_error(FORM)
    if submitted:
        _submit(store, current, ask_region is not None)
    if st.session_state.get(PENDING) is not None and current is not None:
        _confirm_replace(store, current)


def _entered() -> wellbeing.CheckIn:
    state = st.session_state
    return wellbeing.CheckIn(
        items=[state.get(f"checkin_item_{n}") for n in range(1, 6)],
        stress=state.get("checkin_stress"),
        hours=state.get("checkin_hours"),
        self_care=list(state.get("checkin_self_care") or []),
        win=state.get("checkin_win", ""),
        let_go=state.get("checkin_let_go", ""),
    )


def _region_question(guess: wellbeing.SupportRegion) -> None:
    """Where the user is, so "Get support" lists services there. Asked once."""
    choices = wellbeing.region_choices()
    left, _ = st.columns([2, 3])
    left.selectbox("Where you live, for support services", choices,
                   index=choices.index(guess.code), format_func=wellbeing.region_name,
                   key="checkin_region",
                   help="Get support lists the helplines of your region first. Picked from "
                        "your time zone; \"Other / everywhere\" lists services that work in "
                        "any country.")
    ui.field_error(FORM, "region")
    st.caption("Asked once, so that Get support lists services where you are. You can change "
               "it later under Settings on the Your data page.")


def _submit(store: Store, current: CheckinRecord | None, asked_region: bool) -> None:
    """Save a first check-in for this week (with the region, when it was asked), or (when the
    week has one) validate and ask before replacing it. A rerun then draws the messages next
    to their fields."""
    entered = _entered()
    if current is None:
        region = st.session_state.get("checkin_region") if asked_region else None
        ui.save(FORM, lambda: wellbeing.save_checkin(store, entered, region=region),
                "Check-in saved. Thank you for taking a minute for yourself.", then=_saved)
    else:
        clean = ui.run_action(FORM, entered.validated)
        st.session_state[PENDING] = (clean, current.version) if clean else None
    st.rerun()


def _confirm_replace(store: Store, current: CheckinRecord) -> None:
    clean, version = st.session_state[PENDING]
    with st.container(border=True, key="checkin_confirm"):
        st.markdown(f"You already checked in this week (on {current.checked_on}). "
                    "**Replace those answers with the new ones?**")
        yes, no = st.columns(2)
        if yes.button("Yes, replace this week's check-in", type="primary",
                      key="checkin_replace", width="stretch"):
            st.session_state[PENDING] = None
            ui.save(FORM, lambda: wellbeing.save_checkin(store, clean, version=version),
                    "This week's check-in is updated.")
        if no.button("Keep the earlier answers", key="checkin_keep", width="stretch"):
            st.session_state[PENDING] = None
            for key in FORM_KEYS:  # the form shows the saved answers again
                st.session_state.pop(key, None)
            st.rerun()


def _saved(_: str) -> None:
    """Nothing is waiting for a confirmation any more."""
    st.session_state[PENDING] = None


def low_prompt(region: wellbeing.SupportRegion) -> None:
    """The gentle prompt shown above the trend when a check-in is low. Our own words only."""
    with st.container(border=True, key="checkin_low_prompt"):
        st.markdown(f":material/favorite: **{wellbeing.LOW_PROMPT_TITLE}**")
        st.markdown(wellbeing.LOW_PROMPT)
        for resource in wellbeing.support_resources(region.code):
            name, how = ui.escape_markdown(resource.name), ui.escape_markdown(resource.how)
            line, button = st.columns([3, 2], vertical_alignment="center")
            line.markdown(f"**{name}**: {how}")
            if resource.url:
                button.link_button(f"Open {resource.name}", resource.url, width="stretch")
        st.caption(ui.escape_markdown(region.note))


# What the page shows of the saved check-ins (`_week`): whether any is saved, this week's (if
# saved), their summary, the trend's two charts (their specs, data in Arrow; None before a
# first check-in or while there is no trend yet) and the sentence shown instead of them
# meanwhile. A plain tuple: the cache pickles it, and a class defined in a page (run as
# __main__) can't be pickled.
Week = tuple[bool, CheckinRecord | None, wellbeing.Summary, tuple[dict, dict] | None,
             str | None]


def _week(store: Store, today: date) -> Week:
    """The check-ins, their summary and the trend's charts: cached by `ui.cached` until the
    next write, so a widget change doesn't work them out again, and a new check-in shows at
    once. The charts come from their templates (`charts.wellbeing_*_spec`): building them in
    Altair cost more than the rest of the page after a check-in was saved."""
    history = store.checkins.history()
    current = store.checkins.for_week(wellbeing.week_key(today))
    summary = wellbeing.summarize(history, today)
    if summary.last is None:
        return not history.empty, current, summary, None, None
    trend = wellbeing.recent_trend(store, today, weeks=TREND_WEEKS, checkins=history)
    sentence = chart_thresholds.placeholder("wellbeing", chart_thresholds.trend_facts(trend))
    if sentence:
        return True, current, summary, None, sentence
    shown = (ui.arrow_datasets(charts.wellbeing_scores_spec(trend)),
             ui.arrow_datasets(charts.wellbeing_activity_spec(trend)))
    return True, current, summary, shown, None


def results(week: Week, today: date, region: wellbeing.SupportRegion) -> None:
    _, _, summary, shown, sentence = week
    if summary.last is None:
        return
    score = summary.last
    heading = ("This week" if summary.done_this_week
               else f"Your last check-in ({figures.week_of(summary.last_week, today)})")
    st.header(heading)
    cols = st.columns(3)
    delta = None if summary.change is None else f"{summary.change.points:+d} points"
    cols[0].metric("Wellbeing (WHO-5)", f"{score.percent}%", delta=delta, delta_color="off",
                   border=True, height="stretch",
                   help="The five answers added up (0-25) and multiplied by 4.")
    cols[1].metric("Weekly check-ins in a row", summary.streak, border=True, height="stretch")
    cols[2].metric("Stress this week" if summary.done_this_week else "Stress that week",
                   "-" if summary.stress is None else f"{summary.stress} / 10", border=True,
                   height="stretch")
    st.markdown(f"**{score.band.title}.** {score.band.message}")
    if summary.change is None:
        st.caption("This is your first check-in. Next week you'll see how things move.")
    else:
        st.caption(summary.change.message)
    if score.low:
        low_prompt(region)
    with st.container(key="checkin_trend"):
        if sentence:  # one check-in is a dot, not a trend
            st.info(sentence, icon=":material/timeline:")
        elif shown is not None:
            scores, activity = shown
            st.vega_lite_chart(spec=scores, width="stretch",
                               alt="Line of weekly wellbeing (WHO-5 %), with a dashed line "
                                   "at 50.")
            st.caption("The dashed line at 50 marks where it's worth taking extra care of "
                       "yourself. Weeks without a check-in leave a gap.")
            st.vega_lite_chart(spec=activity, width="stretch",
                               alt="Bars of applications sent per week, with a line of "
                                   "stress (0 to 10) per week.")
    win, let_go = summary.win, summary.let_go
    if win or let_go:
        left, right = st.columns(2)
        if win:
            with left.container(border=True):
                st.markdown(":material/celebration: **Your win**")
                st.text(win)
        if let_go:
            with right.container(border=True):
                st.markdown(":material/air: **Letting go of**")
                st.text(let_go)
                st.caption("You've written it down. You can set it aside now.")


@st.fragment  # a new day or time reruns only the reminder
def reminder(today: date) -> None:
    st.markdown("**A weekly reminder**")
    day_col, time_col, button_col = st.columns([1, 1, 2], vertical_alignment="bottom")
    weekday = day_col.selectbox("Day", options=list(range(7)), index=4,
                                format_func=lambda d: calendar_ics.WEEKDAY_NAMES[d],
                                key="checkin_reminder_day")
    at = time_col.time_input("Time", value=time(16, 0), key="checkin_reminder_time")
    button_col.download_button(  # the file is made when the button is clicked, not per rerun
        "Add the weekly check-in to my calendar",
        data=lambda: calendar_ics.weekly_checkin_ics(today, weekday=weekday,
                                                     at=at or time(16, 0)),
        file_name="next-round-weekly-checkin.ics", mime="text/calendar",
        icon=":material/event_repeat:", on_click="ignore", key="checkin_ics")


def main(store: Store) -> None:
    settings = ui.cached(store, store.settings.get)
    today = ui.today(store)
    week = wellbeing.week_key(today)
    saved = ui.cached(store, _week, today)
    any_saved, current = saved[0], saved[1]

    st.title("Weekly check-in")
    st.caption("One minute, once a week: notice how you've been, name a win, and let one "
               "thing go.")
    after_no_ui.panel_if_following(store, "checkin")
    region = wellbeing.support_region(settings)
    if current is None:
        st.session_state[PENDING] = None
        checkin_form(store, None, ask_region=None if region.confirmed else region)
        if any_saved:
            st.divider()
    else:
        st.success(f"You've checked in this week ({week}). See you next week.",
                   icon=":material/check_circle:")
    results(saved, today, region)
    if current is not None:
        editing = (st.session_state.get(PENDING) is not None
                   or bool(st.session_state.get(ui.errors_key(FORM))))
        with st.expander("Change this week's answers", icon=":material/edit:",
                         expanded=editing):
            checkin_form(store, current)
    if not any_saved:
        st.info(chart_thresholds.placeholder("wellbeing", chart_thresholds.Facts()) or "",
                icon=":material/timeline:")
    st.divider()
    reminder(today)
    st.caption(wellbeing.NOT_A_DIAGNOSIS)


main(ui.frame("Check-in", ":material/self_improvement:"))
