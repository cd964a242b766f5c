"""The plain words both engines' schema checks use, so `check` and restore say the same thing
whichever engine holds the data."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any


def column_difference(table: str, wanted: Mapping[str, Any], got: Mapping[str, Any]) -> str | None:
    """The first way a table's columns differ from ours (missing, extra, defined differently),
    or None when each column is as Next Round makes it."""
    for column in wanted:
        if column not in got:
            return f"the table {table} has no column {column}"
    for column in got:
        if column not in wanted:
            return f"the table {table} has a column '{column}' that Next Round doesn't make"
    for column in wanted:
        if got[column] != wanted[column]:
            return (f"the column {column} of the table {table} is defined differently "
                    "(its type, default, NOT NULL or key)")
    return None


def other_rules(table: str) -> str:
    return (f"the table {table} has other rules than Next Round's (its checks, links "
            "between tables or unique columns)")


def unknown_entry(kind: str, name: str) -> str:
    article = "an" if kind[0] in "aeiou" else "a"
    return f"it has {article} {kind} '{name}' that Next Round doesn't make"
