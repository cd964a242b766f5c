"""The only Streamlit glue: the cached store, the shared frame, safe text, field errors.

Every page starts with `store = frame("Title")`. The frame opens the database (real or demo),
draws the sidebar that every page shares (Get support, the demo marker) and turns a database
that can't be opened into a calm message instead of a traceback. A page that draws its own
frame looks the same whether it runs through `app.py`, by URL, or alone in AppTest.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

import streamlit as st

from nextround import wellbeing
from nextround.models import ValidationError
from nextround.store import DEFAULT_DB_PATH, Store, StoreError, default_url, sqlite_path, to_url

T = TypeVar("T")
DEMO_KEY = "nextround_demo"
PAGES = {
    "progress": "pages/progress.py",
    "applications": "pages/applications.py",
    "respond": "pages/respond.py",
    "feedback": "pages/feedback.py",
    "reflect": "pages/reflect.py",
    "checkin": "pages/checkin.py",
    "data": "pages/data.py",
}

_MARKDOWN_SPECIAL = re.compile(r"([\\`*_{}\[\]()#+\-.!|<>~$:=&])")


def escape_markdown(text: object) -> str:
    """User text made inert for st.markdown, labels and messages: no links, images, LaTeX,
    colour directives or HTML. Prefer `st.text` where a plain block will do."""
    return _MARKDOWN_SPECIAL.sub(r"\\\1", str(text)).replace("\n", " ")


def demo_url() -> str:
    """The demo lives in its own file beside the real one, so the two never mix."""
    real = sqlite_path(to_url(default_url()))
    folder = real.parent if real is not None else DEFAULT_DB_PATH.parent
    return to_url(folder / "demo.db")


def in_demo() -> bool:
    return bool(st.session_state.get(DEMO_KEY))


@st.cache_resource(show_spinner=False, max_entries=8)
def _open_store(url: str) -> Store:
    return Store(url)


def open_store(url: str | None = None) -> Store:
    return _open_store(url or (demo_url() if in_demo() else to_url(default_url())))


def forget_store(url: str) -> None:
    """Drop a cached store, e.g. after restore or delete-all replaced its file."""
    _open_store.clear(url)
    st.cache_data.clear()


@st.cache_data(show_spinner=False, max_entries=256)
def _cached_call(url: str, change: int, name: str, args: tuple, kwargs: tuple,
                 _fn: Callable[..., Any], _store: Store) -> Any:
    return _fn(_store, *args, **dict(kwargs))


def cached(store: Store, fn: Callable[..., T], *args: Any, **kwargs: Any) -> T:
    """`fn(store, *args)`, cached until the next write to this database.

    The key is the database's change counter, which every write bumps, so a read is repeated
    only when something it could depend on has changed.
    """
    name = f"{fn.__module__}.{fn.__qualname__}"
    return _cached_call(store.url, store.change_count(), name, args,
                        tuple(sorted(kwargs.items())), fn, store)


FAVICON = "🌱"  # An emoji favicon is drawn locally; a Material one is fetched from Google.


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
        _support_sidebar(region="US")
        st.title(title)
        st.error(str(exc), icon=":material/database:")
        st.caption("Your data has not been changed. The Your data page and the command line "
                   "(`python -m nextround restore FILE`) can restore a backup.")
        st.stop()
    settings = cached(store, Store.settings)
    if in_demo():
        with st.sidebar:
            st.warning("You're exploring demo data. Nothing here is yours, and your own "
                       "data is untouched.", icon=":material/science:")
            if st.button("Leave the demo", key="leave_demo", icon=":material/logout:"):
                st.session_state[DEMO_KEY] = False
                st.switch_page(PAGES["progress"])
    _support_sidebar(region=settings.support_region)
    show_flash()
    return store


def _support_sidebar(region: str) -> None:
    with st.sidebar:
        with st.popover("Get support", icon=":material/favorite:", width="stretch"):
            st.markdown("**If you're struggling, you don't have to carry it alone.** "
                        "Talking to someone you trust can help, and so can these services:")
            for resource in wellbeing.support_resources(region):
                st.markdown(f"**{escape_markdown(resource.name)}**: "
                            f"{escape_markdown(resource.how)}")
                if resource.url:
                    st.link_button(f"Open {resource.name}", resource.url, width="stretch")
            st.caption("If you are in immediate danger, call your local emergency number.")
        st.caption("Your data stays on this computer.")


# --- forms: messages next to the field ------------------------------------------------------

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


def project_file(*parts: str) -> Path:
    return Path(__file__).resolve().parents[2].joinpath(*parts)
