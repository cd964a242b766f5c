"""The board: the applications as cards, one column per open stage (Applied, Screening,
Interviewing, Offer), and the ended ones (Accepted, Rejected, Withdrawn, Ghosted) folded
below. A card moves in two clicks: open its "Move to…" list, pick the stage (the natural next
one is first). The move is the stage form's own (`forms.change_stage`): the same rule, the
same dated stage event, dated today; the table's detail form still takes another date and a
note. A move to Rejected opens the path after a no right above the board, as the detail
form's panel does.

It stays the same size whatever the data: each open column shows at most `OPEN_CAP` cards
and each ended stage `ENDED_CAP`, with how many more there are and a way to see them all in
the table. The search, stage filter and sort above apply to it as they do to the table.
"""

from __future__ import annotations

import re
from datetime import date

import streamlit as st

from nextround import after_no, ui
from nextround.models import Stage
from nextround.records import ApplicationSummary
from nextround.store import Store
from nextround.ui import after_no as after_no_ui
from nextround.ui.applications.forms import (
    BOARD,
    NEXT_STAGE,
    PICK,
    STAGE_COLORS,
    STAGE_SAVED,
    change_stage,
)
from nextround.ui.applications.table import PAGE, STAGES, Filters, no_match

VIEW = "apps_view"          # "Table" or "Board", kept for the session
VIEWS = ("Table", "Board")
PATH = "apps_board_path"    # the application the board just moved to Rejected
OPEN_STAGES = (Stage.APPLIED, Stage.SCREENING, Stage.INTERVIEWING, Stage.OFFER)
ENDED_STAGES = (Stage.ACCEPTED, Stage.REJECTED, Stage.WITHDRAWN, Stage.GHOSTED)
OPEN_CAP = 10   # cards per open column; the rest are counted, and one click from the table
ENDED_CAP = 5   # cards per ended stage (folded away: moving them on is rare)
MOVE_WIDTH = 150  # px: "Move to…" and "Interviewing" fit

_NOT_SPOKEN = re.compile(r"[^\w\s.,&'’/()-]|_")

Column = tuple[list[ApplicationSummary], int]  # the cards shown, and how many in all


def choose_view() -> str:
    """Table or board, remembered for the session (also across pages). Radios, not a
    segmented control: decision 11."""
    return st.radio("Show as", VIEWS, key=VIEW, horizontal=True, persist_state="session")


def board_columns(store: Store, query: str, stages: tuple[str, ...],
                  order: str) -> dict[str, Column]:
    """Each stage's first cards and its count, from one read snapshot (so the counts agree
    with each other). A page function for `ui.cached`: read again only after a write."""
    with store.read() as snap:
        return {stage: snap.applications.search(
                    query=query, stages=(stage,), order=order,
                    limit=OPEN_CAP if Stage(stage) in OPEN_STAGES else ENDED_CAP)
                for stage in stages}


def board_section(store: Store, filters: Filters, today: date) -> None:
    """The board of the applications the filters pick, with the path after a no on top when
    a card was just moved to Rejected."""
    ui.form_error(BOARD)  # a move refused (another tab changed it first): said once
    ui.clear_errors(BOARD)
    _path_after_no(store)
    picked = set(filters.stages)
    open_shown = [s for s in OPEN_STAGES if not picked or s in picked]
    ended_shown = [s for s in ENDED_STAGES if not picked or s in picked]
    columns = ui.cached(store, board_columns, filters.query,
                        tuple(s.value for s in (*open_shown, *ended_shown)), filters.order)
    if not any(total for _, total in columns.values()):
        no_match()
        return
    st.caption("Move a card with its list: the change is dated today. To give it another "
               "date or a note, open it in the table.")
    if open_shown:
        if not any(columns[s.value][1] for s in open_shown) and not picked:
            st.info("Nothing is waiting on an answer right now. When you send the next "
                    "application, add it above: its card starts here, under Applied.",
                    icon=":material/inbox:")
        for where, stage in zip(st.columns(len(open_shown)), open_shown, strict=True):
            with where, st.container(key=f"board_col_{stage.value}"):
                _column(store, stage, columns[stage.value], today)
    if ended_shown:
        st.subheader("Ended", anchor=False)
        for where, stage in zip(st.columns(len(ended_shown)), ended_shown, strict=True):
            cards, total = columns[stage.value]
            # Tracked, so a closed stage draws no cards: they would cost a list each.
            folded = where.expander(f"{stage.label} · {total:,}", on_change="rerun",
                                    key=f"board_col_{stage.value}")
            if folded.open:
                with folded:
                    _cards(store, stage, (cards, total), today)


def _column(store: Store, stage: Stage, column: Column, today: date) -> None:
    st.markdown(f":{STAGE_COLORS[stage]}-badge[{stage.label}] **{column[1]:,}**")
    if not column[1]:
        st.caption("None right now.")
    _cards(store, stage, column, today)


def _cards(store: Store, stage: Stage, column: Column, today: date) -> None:
    cards, total = column
    for card in cards:
        _card(store, card, stage, today)
    more = total - len(cards)
    if more:
        st.button(f"and {more:,} more: see them in the table", key=f"board_more_{stage.value}",
                  type="tertiary", icon=":material/table_rows:", on_click=_see_in_table,
                  args=(stage,))


def _card(store: Store, card: ApplicationSummary, stage: Stage, today: date) -> None:
    """Company, role, how long since it applied or last moved, and its "Move to…" list.
    The company and role are the user's words: escaped, never Markdown."""
    key = f"board_move_{card.id}_{card.version}"  # a new list after each change
    # In a wide card the list sits under the words; in a phone's full-width card, beside them.
    with st.container(border=True, key=f"board_card_{card.id}", horizontal=True,
                      gap="xsmall", vertical_alignment="center"):
        with st.container(gap=None):
            st.markdown(f"**{ui.escape_markdown(card.company)}**")
            details = [ui.escape_markdown(card.role)] if card.role else []
            st.caption("  \n".join([*details, _since(card, stage, today)]))
        st.selectbox(f"Move {_spoken(card.company)} to", _targets(stage),
                     index=None, key=key, placeholder="Move to…", width=MOVE_WIDTH,
                     format_func=lambda value: Stage(value).label,
                     label_visibility="collapsed", on_change=_move,
                     args=(store, card.id, card.version, key, today))


def _spoken(text: str) -> str:
    """User text for a list's hidden label, which is its accessible name: Streamlit reads
    the label aloud as given but draws it as Markdown. Escaping would have the backslashes
    read aloud, so only letters, digits and the punctuation that means nothing to Markdown
    in mid-line are kept ("Stark & Wayne (UK) Ltd." as typed); anything else is a space."""
    return " ".join(_NOT_SPOKEN.sub(" ", text).split())


def _targets(stage: Stage) -> list[str]:
    """Where a card can go: the natural next stage first, then the others in their order.
    Never back to Applied, which the stage change refuses."""
    proposed = NEXT_STAGE.get(stage)
    rest = [s for s in Stage if s not in (Stage.APPLIED, stage, proposed)]
    return [s.value for s in ([proposed] if proposed else []) + rest]


def _since(card: ApplicationSummary, stage: Stage, today: date) -> str:
    if stage == Stage.APPLIED:
        return f"Applied {_days_ago((today - card.applied_on).days)}"
    return f"Moved here {_days_ago((today - card.stage_on).days)}"


def _days_ago(days: int) -> str:
    if days <= 0:
        return "today"
    return "yesterday" if days == 1 else f"{days:,} days ago"


def _move(store: Store, application_id: int, version: int, key: str, today: date) -> None:
    """A card's list changed: move it, dated today. The application becomes the table's
    picked one; a move to Rejected opens its path after a no above the board."""
    state = st.session_state
    stage = state.get(key)
    if not stage:
        return

    def moved(_: None) -> None:
        state[PICK] = application_id
        if stage == Stage.REJECTED:
            state[PATH] = application_id
        elif state.get(PATH) == application_id:
            state.pop(PATH)

    message = (f"{STAGE_SAVED} When you're ready, the path after this no is at the top of "
               "the board." if stage == Stage.REJECTED else STAGE_SAVED)
    if not change_stage(BOARD, store, application_id, version, stage, today, message=message,
                        then=moved):
        state[key] = None  # refused: the list shows "Move to…" again, beside the message


def _path_after_no(store: Store) -> None:
    """The path after the no the board just recorded: the detail form's own panel."""
    application_id = st.session_state.get(PATH)
    if application_id is None:
        return
    if ui.cached(store, after_no.path_for, application_id) is None:  # moved on, or deleted
        st.session_state.pop(PATH, None)
        return
    after_no_ui.panel(store, application_id, here="applications")
    st.button("Close", key="board_path_close", icon=":material/close:", type="tertiary",
              on_click=st.session_state.pop, args=(PATH, None))


def _see_in_table(stage: Stage) -> None:
    """"And N more": the table, filtered to that stage."""
    st.session_state[VIEW] = "Table"
    st.session_state[STAGES] = [stage.value]
    st.session_state[PAGE] = 1
