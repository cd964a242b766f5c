"""The only Streamlit glue: the cached store and charts, the shared frame (which starts the
day's housekeeping), safe text, errors, and the one way to write (`save`), name a record
(`application_label`) and pick one (`pick`).

Every page starts with `store = frame("Title")`. The frame opens the database (real or demo),
draws the sidebar that every page shares (Get support, the demo marker) and turns a database
that can't be opened into a calm message instead of a traceback. A page that draws its own
frame looks the same whether it runs through `app.py`, by URL, or alone in AppTest.
"""

from __future__ import annotations

import hashlib
import inspect
import pickle
import time
from collections.abc import Callable
from datetime import date
from typing import Any, TypeVar

import pandas as pd
import streamlit as st
from streamlit.delta_generator import DeltaGenerator

try:  # the function st.altair_chart uses to turn a chart into a spec with Arrow datasets
    from streamlit.elements.vega_charts import (
        _convert_altair_to_vega_lite_spec as _to_vega_lite,
    )
except ImportError:  # pragma: no cover - a Streamlit that moved it: ui.chart stays correct
    _to_vega_lite = None
try:  # what st.vega_lite_chart turns a spec's datasets into (Arrow bytes)
    from streamlit.dataframe_util import convert_anything_to_arrow_bytes as _to_arrow
except ImportError:  # pragma: no cover - a Streamlit that moved it: it converts on each send
    _to_arrow = None

from nextround import clock, wellbeing
from nextround.housekeeping import Housekeeping
from nextround.models import ValidationError
from nextround.store import (
    Store,
    StoreError,
    default_url,
    local_folder,
    sqlite_path,
    to_url,
)
from nextround.text import escape_markdown  # noqa: F401 - re-exported for pages
from nextround.ui.pickers import application_label, pick  # noqa: F401 - re-exported for pages

T = TypeVar("T")
DEMO_KEY = "nextround_demo"
PAGES = {
    "progress": "app_pages/progress.py",
    "applications": "app_pages/applications.py",
    "respond": "app_pages/respond.py",
    "feedback": "app_pages/feedback.py",
    "reflect": "app_pages/reflect.py",
    "checkin": "app_pages/checkin.py",
    "data": "app_pages/data.py",
}

def demo_url() -> str:
    """The demo lives in its own file beside the real one, so the two never mix."""
    real = sqlite_path(to_url(default_url()))
    folder = real.parent if real is not None else local_folder()
    return to_url(folder / "demo.db")


def in_demo() -> bool:
    return bool(st.session_state.get(DEMO_KEY))


def _release_store(store: Store) -> None:
    """A store leaving the cache closes its pooled connections, so none of them outlives a
    file that restore replaced. A session still holding the store just connects anew."""
    store.dispose()


@st.cache_resource(show_spinner=False, max_entries=8, on_release=_release_store)
def _open_store(url: str) -> Store:
    return Store(url)


def open_store(url: str | None = None) -> Store:
    return _open_store(url or (demo_url() if in_demo() else to_url(default_url())))


def forget_store(url: str) -> None:
    """Drop a cached store (its pooled connections are closed) and every cached read, e.g.
    after restore or delete-all replaced or rewrote its file."""
    _open_store.clear(url)
    _COUNTERS.pop(url, None)
    st.cache_data.clear()


@st.cache_data(show_spinner=False, max_entries=256)
def _cached_call(url: str, change: int, name: str, args: tuple, kwargs: tuple,
                 _fn: Callable[..., Any], _store: Store) -> Any:
    if inspect.ismethod(_fn):
        return _fn(*args, **dict(kwargs))
    return _fn(_store, *args, **dict(kwargs))


def cached(store: Store, fn: Callable[..., T], *args: Any, **kwargs: Any) -> T:
    """A read of `store`, cached until the next write to this database: a method of one of
    its record types (`store.applications.search`) is called as `fn(*args)`; a function
    (a domain read such as `fb.saved_themes`, or a page's own) as `fn(store, *args)`.

    The key is the database's change counter, which every write bumps, so a read is repeated
    only when something it could depend on has changed. The counter is read once per page
    run, and again after a write (`change_count`).
    """
    # By keyword: Streamlit names each positional argument with `inspect.signature`, on every
    # call, which cost more than the rest of a cache hit.
    return _cached_call(url=store.url, change=change_count(store), name=_name(fn), args=args,
                        kwargs=tuple(sorted(kwargs.items())), _fn=fn, _store=store)


# The change counter as last read, per database: (counter, writes_here then, when).
_COUNTERS: dict[str, tuple[int, int, float]] = {}
COUNTER_KEPT_S = 1.0


def change_count(store: Store, *, fresh: bool = False) -> int:
    """The database's change counter, read once per page run rather than once per read.

    `frame` reads it `fresh` when a page run begins, so every run sees what another process
    wrote before it. Within the run it is read again as soon as this process writes (any
    session, any Store object: `Store.writes_here`), and after `COUNTER_KEPT_S` in any case,
    which bounds how long a part that reruns alone (a fragment) can miss another process's
    write. A page's dozen reads paid ~0.15 ms each for the same query before."""
    writes = store.writes_here()  # before the query: a write in between is caught next time
    now = time.monotonic()
    last = _COUNTERS.get(store.url)
    if not fresh and last is not None and last[1] == writes and now - last[2] < COUNTER_KEPT_S:
        return last[0]
    count = store.change_count()
    _COUNTERS[store.url] = (count, writes, now)
    return count


def _name(fn: Callable[..., Any]) -> str:
    """A cache key for a function. Every page runs as `__main__`, so two pages that each
    define a `summary` function must not share results: the defining file is part of it (and
    the line, which tells two lambdas in one file apart)."""
    code = getattr(fn, "__code__", None)
    where = f"@{code.co_filename}:{code.co_firstlineno}" if code is not None else ""
    return f"{fn.__module__}.{fn.__qualname__}{where}"


# --- charts: build and convert once per distinct input ----------------------------------------

def _frame_digest(frame: pd.DataFrame | pd.Series) -> bytes:
    """A content key for the small, aggregated frames charts take. Streamlit's own DataFrame
    hashing costs ~4 ms a frame; pickling a small frame and hashing the bytes, ~0.1 ms."""
    try:
        data = pickle.dumps(frame, protocol=5)
    except Exception:  # noqa: BLE001 - something unpicklable inside: hash the values instead
        data = (pd.util.hash_pandas_object(frame, index=True).to_numpy().tobytes()
                + repr((getattr(frame, "columns", None), frame.dtypes)).encode())
    return hashlib.blake2b(data, digest_size=16).digest()


@st.cache_data(show_spinner=False, max_entries=128,
               hash_funcs={pd.DataFrame: _frame_digest, pd.Series: _frame_digest})
def _chart_spec(name: str, args: tuple, kwargs: tuple, _build: Callable[..., Any]) -> dict:
    return _to_vega_lite(_build(*args, **dict(kwargs)))


def chart(build: Callable[..., Any], *args: Any, alt: str | None = None,
          width: Any = "stretch", height: Any = "content", **kwargs: Any) -> None:
    """Draw the Altair chart `build(*args, **kwargs)`, like `st.altair_chart(chart,
    width=width, height=height, alt=alt)`, but build it only when its input changes.

    Building an Altair chart and converting it to Vega-Lite (with schema validation) costs
    10-30 ms a chart, on every rerun, whatever the data; a page of seven charts spent most of a
    warm rerun there. Here the finished spec (with its data already in Arrow) is cached by the
    builder's name and its arguments (frames by content), and drawn with `st.vega_lite_chart`,
    which sends exactly what `st.altair_chart` would. `alt` is the text alternative.
    """
    if _to_vega_lite is None:  # a Streamlit without the converter: draw it the plain way
        st.altair_chart(build(*args, **kwargs), width=width, height=height, alt=alt)
        return
    spec = _chart_spec(name=_name(build), args=args, kwargs=tuple(sorted(kwargs.items())),
                       _build=build)
    st.vega_lite_chart(spec=spec, width=width, height=height, alt=alt)


def arrow_datasets(spec: dict) -> dict:
    """`spec` (a Vega-Lite dict whose datasets are rows or frames) with its datasets already
    as the Arrow bytes `st.vega_lite_chart` would turn them into on every rerun: for a spec
    cached until the next write, converted once per write instead (`ui.chart` gets the same
    from Streamlit's Altair converter)."""
    if _to_arrow is not None:
        spec["datasets"] = {key: _to_arrow(rows) for key, rows in spec["datasets"].items()}
    return spec


FAVICON = "🌱"  # An emoji favicon is drawn locally; a Material one is fetched from Google.


@st.cache_resource(show_spinner=False)
def housekeeping() -> Housekeeping:
    """The server process's one housekeeping runner: `frame` starts the day's run (the daily
    backup, on a thread of its own), the Your data page tells how it ended, and deleting or
    replacing the data holds it off (`housekeeping().exclusive(url)`)."""
    return Housekeeping()


def frame(title: str, icon: str | None = None) -> Store:
    """Open the store and draw the shared chrome. Stops the page with a clear message when the
    database can't be used.

    `icon` is the page's Material icon as shown in the navigation. It is accepted for symmetry
    with `st.Page` but never used as the tab icon: Streamlit fetches Material favicons from
    fonts.gstatic.com, and Next Round makes no network calls.
    """
    st.set_page_config(page_title=f"{title} · Next Round", page_icon=FAVICON, layout="wide")
    try:
        store = open_store()
    except StoreError as exc:
        # No settings to read: the services that work in every country, never a guess.
        _support_sidebar(wellbeing.SupportRegion(wellbeing.ELSEWHERE, confirmed=True),
                         home="Next Round sends nothing anywhere.")
        st.title(title)
        st.error(str(exc), icon=":material/database:")
        st.caption("Your data has not been changed. The Your data page and the command line "
                   "(`python -m nextround restore FILE`) can restore a backup.")
        st.stop()
    change_count(store, fresh=True)  # what another process wrote before this run counts
    settings = cached(store, store.settings.get)
    # Returns at once: the backup runs on its own thread, and never twice at once.
    housekeeping().start(store, clock.today(settings.timezone))
    if in_demo():
        with st.sidebar:
            st.warning("You're exploring demo data. Nothing here is yours, and your own "
                       "data is untouched.", icon=":material/science:")
            if st.button("Leave the demo", key="leave_demo", icon=":material/logout:"):
                st.session_state[DEMO_KEY] = False
                st.switch_page(PAGES["progress"])
    _support_sidebar(wellbeing.support_region(settings), home=data_home(store))
    show_flash()
    return store


def today(store: Store) -> date:
    """The user's today, from the cached settings: `Store.today()` reads the settings table
    itself, which a page would otherwise pay for on every rerun."""
    return clock.today(cached(store, store.settings.get).timezone)


def data_home(store: Store) -> str:
    """Where the user's data lives, said honestly: this computer for a file, their own server
    for a PostgreSQL database. Next Round itself sends nothing anywhere either way."""
    if store.on_server:
        return ("Your data is kept in your PostgreSQL database. Next Round sends nothing else "
                "anywhere.")
    return "Your data stays on this computer."


def _support_sidebar(region: wellbeing.SupportRegion, home: str) -> None:
    with st.sidebar:
        support_popover(region, width="stretch")
        st.caption(home)


def support_popover(region: wellbeing.SupportRegion, *, width: Any = "content",
                    key: str | None = None) -> None:
    """"Get support": the crisis and support services of the user's region (and the ones that
    work everywhere), which region that is, and how to change it. In the sidebar of every
    page, and in reach wherever a page speaks of a hard week."""
    # Eager, not lazy (decision 48): the services show without a round trip to the server.
    with st.popover("Get support", icon=":material/favorite:", width=width, key=key):
        st.markdown("**If you're struggling, you don't have to carry it alone.** "
                    "Talking to someone you trust can help, and so can these services:")
        for resource in wellbeing.support_resources(region.code):
            st.markdown(f"**{escape_markdown(resource.name)}**: "
                        f"{escape_markdown(resource.how)}")
            if resource.url:
                st.link_button(f"Open {resource.name}", resource.url, width="stretch")
        st.caption("If you are in immediate danger, call your local emergency number.  \n"
                   + escape_markdown(region.note))


# --- forms: messages next to the field ------------------------------------------------------

OPENED_KEY = "nextround_opened"  # the panels opened in this session (`opened_once`)


def opened_once(panel: str, is_open: bool | None) -> bool:
    """Whether the panel named `panel` (a tab or expander with `on_change="rerun"`) is open
    now or has been opened before in this session. A form in a closed panel is drawn from its
    first opening on: before that nothing can have been typed into it, and from then on it
    stays drawn while closed, so a switch never loses unsaved text (decision 54). A page
    opened fresh doesn't send forms nobody has looked at."""
    if is_open is None:  # a panel made without `on_change="rerun"` never says it is open
        raise TypeError(f"{panel}: opened_once needs a panel that tracks whether it is open "
                        "(key=..., on_change=\"rerun\").")
    opened = st.session_state.setdefault(OPENED_KEY, [])
    if is_open and panel not in opened:
        opened.append(panel)
    return panel in opened


def metric_grid(key: str) -> DeltaGenerator:
    """The one way to lay out a row of `st.metric` cards: a wrapping row, so a phone shows
    two or three cards per line where `st.columns` would stack them one per line."""
    return st.container(horizontal=True, gap="small", key=key)


def errors_key(form: str) -> str:
    return f"{form}__errors"


def field_error(form: str, field: str) -> None:
    """Draw the message for one field, if the last submit of `form` had one."""
    message = st.session_state.get(errors_key(form), {}).get(field)
    if message:
        st.error(message, icon=":material/error:")


def set_errors(form: str, errors: dict[str, str]) -> None:
    st.session_state[errors_key(form)] = dict(errors)


def clear_errors(form: str) -> None:
    st.session_state.pop(errors_key(form), None)


def run_action(form: str, action: Callable[[], T]) -> T | None:
    """Run one write. Validation errors go next to their fields; store errors (stale tab,
    busy database, full disk) become a message at the form. Nothing half-written either way."""
    try:
        result = action()
    except ValidationError as exc:
        set_errors(form, exc.errors)
        return None
    except StoreError as exc:
        set_errors(form, {"_form": str(exc)})
        return None
    clear_errors(form)
    return result


def save(form: str, action: Callable[[], T], message: str | Callable[[T], str] | None = None,
         *, icon: str = ":material/check_circle:", then: Callable[[T], None] | None = None,
         rerun: bool = True) -> bool:
    """One user write, the way every page makes it: run `action` (`run_action`: validation
    errors go next to their fields, store errors to the form); on success call `then` with
    its result, then flash `message` (our own words, or made from the result); then rerun,
    so the page is drawn again from the database and every message shows where it belongs.

    In a widget callback pass `rerun=False`: Streamlit reruns after a callback anyway, but
    only the fragment the widget sits in, if any; wrap the call in `whole_page` to redraw the
    whole page after a success. Returns whether the write succeeded (an action may return None
    on success).
    """
    outcome = run_action(form, lambda: (action(),))  # a 1-tuple: success, whatever it returns
    if outcome is not None:
        if then is not None:
            then(outcome[0])
        if message:
            flash(message(outcome[0]) if callable(message) else message, icon=icon)
    if rerun:
        st.rerun()
    return outcome is not None


def whole_page(saved: bool) -> bool:
    """After a write in a widget callback: when it succeeded, the whole page is drawn again,
    also when the widget sits in a part that reruns alone (an `st.fragment`), so every part
    shows the change; on a refusal the part reruns alone, with its messages. Returns `saved`
    (when it is true, this does not return: `st.rerun()` in a callback asks for the rerun)."""
    if saved:
        st.rerun()
    return saved


def form_error(form: str) -> None:
    field_error(form, "_form")


def flash(message: str, icon: str = ":material/check_circle:") -> None:
    """A toast that survives the rerun that follows a write. `message` is our own text."""
    st.session_state["nextround_flash"] = (message, icon)


def show_flash() -> None:
    pending = st.session_state.pop("nextround_flash", None)
    if pending:
        st.toast(pending[0], icon=pending[1])


def page_path(name: str) -> str:
    return PAGES[name]


def link_to(name: str, label: str, icon: str | None = None) -> None:
    """A link to another page. When a page file runs on its own (AppTest's direct mode), no
    navigation is registered and Streamlit refuses page links: then say where to go instead."""
    from streamlit.errors import StreamlitAPIException

    try:
        st.page_link(PAGES[name], label=label, icon=icon)
    except StreamlitAPIException:
        st.caption(f"{label}: open it from the menu.")
