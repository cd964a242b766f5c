"""Settings: the user's name and signature, goals and thresholds (and whether the weekly goal
pauses in a hard week), time zone and support region.

The region picker starts at the region "Get support" shows (the time zone's guess until the
user chooses); saving the form keeps the region shown as the user's choice.

The form is loaded from the database once and remembers the version it started from, so a save
from a stale tab is refused instead of overwriting another tab's change.
"""

from __future__ import annotations

from zoneinfo import available_timezones

import streamlit as st

from nextround import ui, wellbeing
from nextround.models import (
    PAUSE_GOAL_IN_HARD_WEEK,
    SUPPORT_REGION_CONFIRMED,
    WORK_SEARCH_WEEKLY_MAX,
    Settings,
)
from nextround.store import Store

SETTINGS_FORM = "settings"
_SETTINGS_FIELDS = ("name", "signature", "weekly_goal", "ghost_after_days", "follow_up_days",
                    "timezone", "support_region", "pause_goal", "work_search_weekly")


def _widget_values(current: Settings) -> dict[str, object]:
    """What the form starts from: the stored values, the region "Get support" shows (its
    guess until the user chooses), and the yes/no settings."""
    values: dict[str, object] = {name: getattr(current, name) for name in _SETTINGS_FIELDS
                                 if name not in ("support_region", "pause_goal",
                                                 "work_search_weekly")}
    values["support_region"] = wellbeing.support_region(current).code
    values["pause_goal"] = current.flag(PAUSE_GOAL_IN_HARD_WEEK)
    values["work_search_weekly"] = current.work_search_weekly or 0
    return values


def _load_settings_into_widgets(current: Settings) -> None:
    """Fill the form from the database once, and remember which version the user started from,
    so a save from a stale tab is refused instead of overwriting another tab's change."""
    state = st.session_state
    untouched = all(state.get(f"settings_{name}") == value
                    for name, value in state.get("settings_loaded_values", {}).items())
    # Streamlit forgets a widget's value while another page is shown, so a missing key also
    # means "load again".
    missing = any(f"settings_{name}" not in state for name in _SETTINGS_FIELDS)
    if (state.pop("settings_reload", False) or "settings_loaded_version" not in state
            or missing or (untouched and state["settings_loaded_version"] != current.version)):
        values = _widget_values(current)
        for name, value in values.items():
            state[f"settings_{name}"] = value
        state["settings_loaded_values"] = values
        state["settings_loaded_version"] = current.version


@st.cache_resource(show_spinner=False)
def _zones() -> tuple[str, ...]:
    """The IANA zone names: listing them walks the zoneinfo folders (8 ms); once is enough."""
    return tuple(sorted(available_timezones()))


def settings_section(store: Store) -> None:
    current = ui.cached(store, store.settings.get)
    for notice in current.notices:  # a bad value already in the file, replaced on reading
        st.warning(ui.escape_markdown(notice), icon=":material/warning:")
    _load_settings_into_widgets(current)
    regions = wellbeing.region_choices()
    if st.session_state["settings_support_region"] not in regions:
        st.session_state["settings_support_region"] = wellbeing.ELSEWHERE
    zones = list(_zones())
    if st.session_state["settings_timezone"] not in zones:
        zones.insert(0, st.session_state["settings_timezone"])

    with st.form("settings_form", border=True):
        st.text_input("Your name", key="settings_name", max_chars=100,
                      help="Used to sign the emails Next Round drafts for you.")
        ui.field_error(SETTINGS_FORM, "name")
        st.text_area("Email signature", key="settings_signature", max_chars=500, height=100,
                     help="Added at the end of every draft.")
        ui.field_error(SETTINGS_FORM, "signature")
        left, middle, right = st.columns(3)
        with left:
            st.number_input("Weekly application goal", key="settings_weekly_goal",
                            min_value=0, max_value=100, step=1,
                            help="Shown as a line on the weekly chart. 0 means no goal.")
            ui.field_error(SETTINGS_FORM, "weekly_goal")
        with middle:
            st.number_input("Call it ghosted after (days)", key="settings_ghost_after_days",
                            min_value=1, max_value=365, step=1,
                            help="Applications with no reply after this many days are flagged.")
            ui.field_error(SETTINGS_FORM, "ghost_after_days")
        with right:
            st.number_input("Follow up after (days)", key="settings_follow_up_days",
                            min_value=1, max_value=60, step=1,
                            help="When a feedback request without a reply is due a follow-up.")
            ui.field_error(SETTINGS_FORM, "follow_up_days")
        st.checkbox("Pause my weekly goal in a hard week", key="settings_pause_goal",
                    help="When your check-in suggests a hard week, the home page puts "
                         "looking after yourself first and shows your goal as paused for "
                         "that week.")
        st.number_input("Job-search activities my benefits programme asks for each week",
                        key="settings_work_search_weekly", min_value=0,
                        max_value=WORK_SEARCH_WEEKLY_MAX, step=1,
                        help="Some unemployment benefits ask for a record of job-search "
                             "activities. With a number here, the home page shows this "
                             "week's count beside it; the record itself is under Your data, "
                             "Export. 0 means none.")
        ui.field_error(SETTINGS_FORM, "extra")
        left, right = st.columns(2)
        with left:
            st.selectbox("Time zone", zones, key="settings_timezone",
                         help="Decides what \"today\" is for you.")
            ui.field_error(SETTINGS_FORM, "timezone")
        with right:
            st.selectbox("Support region", regions, key="settings_support_region",
                         format_func=wellbeing.region_name,
                         help="Which support services the Get support button lists first. "
                              "Saving keeps the region shown here as your choice.")
            ui.field_error(SETTINGS_FORM, "support_region")
            region = wellbeing.support_region(current)
            if not region.confirmed:
                st.caption(ui.escape_markdown(
                    f"Guessed from your time zone ({region.timezone}) until you save; saving "
                    "keeps the region shown as your choice."))
        saved = st.form_submit_button("Save settings", type="primary",
                                      icon=":material/save:")
    ui.form_error(SETTINGS_FORM)
    if saved:
        state = st.session_state
        wanted = Settings(
            name=state["settings_name"], signature=state["settings_signature"],
            weekly_goal=int(state["settings_weekly_goal"]),
            ghost_after_days=int(state["settings_ghost_after_days"]),
            follow_up_days=int(state["settings_follow_up_days"]),
            timezone=state["settings_timezone"], support_region=state["settings_support_region"],
            version=state["settings_loaded_version"], extra=current.extra,
        ).with_flags(**{PAUSE_GOAL_IN_HARD_WEEK: bool(state["settings_pause_goal"]),
                        SUPPORT_REGION_CONFIRMED: True}).with_work_search_weekly(
            int(state["settings_work_search_weekly"]))
        ui.save(SETTINGS_FORM, lambda: store.settings.save(wanted), "Settings saved.",
                then=lambda _: state.update(settings_reload=True))
    if "_form" in st.session_state.get(ui.errors_key(SETTINGS_FORM), {}):
        if st.button("Load the latest settings", key="settings_load_latest",
                     icon=":material/refresh:"):
            st.session_state["settings_reload"] = True
            ui.clear_errors(SETTINGS_FORM)
            st.rerun()
