"""How one record is named and picked, the same on every page.

A picker is a selectbox whose value is the record's id and whose options are drawn by a label
function. Keeping the id (not the label) as the value means a label that changes under the
user (a status moved on in another tab) never loses their choice. Labels are plain text:
Streamlit never renders option labels as Markdown, and pages escape them wherever they are.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable, Mapping
from typing import Any, TypeVar

import streamlit as st

K = TypeVar("K", bound=Hashable)
R = TypeVar("R")


def application_label(company: object, role: object = "", *details: object,
                      note: object = None) -> str:
    """"Company · Role · detail · detail (note)": one application (or a request or target
    about it) in one plain line. An empty role or detail is left out, with its separator."""
    text = " · ".join(str(part) for part in (company, role, *details) if part)
    return f"{text} ({note})" if note else text


def pick(label: str, options: Mapping[K, R], describe: Callable[[R], str], *, key: str,
         where: Any = None, **selectbox: Any) -> K | None:
    """A selectbox over `options` (id → record) showing each record as `describe(record)`.

    Returns the picked id, or None when nothing is picked (`index=None`). `where` is the
    column or container to draw in (default: the page); `selectbox` passes the rest (help,
    placeholder, index, on_change...) straight to `st.selectbox`.
    """
    target = st if where is None else where
    return target.selectbox(label, list(options), key=key,
                            format_func=lambda option: describe(options[option]), **selectbox)
