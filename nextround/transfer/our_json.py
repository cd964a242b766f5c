"""Our full JSON export: the preview that checks every table, and the same checks for restore.

Each row is checked against the schema's own rules (read from the database: types, NOT NULL,
dates, links, UNIQUE; ids are 64-bit and unique) and its record's validator (`rules`). A problem
names the table, the row (its place in that table's list in the file) and the field. Unknown
tables and fields are refused; derived columns are ignored and rebuilt by the database. Only
ids and links are kept between rows, in arrays.
"""

from __future__ import annotations

import functools
import hashlib
from array import array
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from datetime import date
from typing import Any

import numpy as np

from nextround.models import Stage, ValidationError
from nextround.store import DERIVED_COLUMNS, SCHEMA_VERSION, TABLES, ColumnRule, Store
from nextround.transfer.export import EXPORT_FORMAT
from nextround.transfer.json_stream import stream_export
from nextround.transfer.limits import MAX_JSON_ROWS, MAX_PROBLEMS
from nextround.transfer.results import ImportRefused, Preview, Problem, add_problem
from nextround.transfer.rules import RECORD_CHECKS, check_value


def _pairs() -> tuple[array, array]:
    return array("q"), array("q")


@dataclass
class _Seen:
    """What the check of a full export keeps between rows: two 64-bit numbers per fact, in
    arrays (a million rows cost 16 MB, not the hundreds a set of Python ints would)."""

    # table → (row numbers, ids)
    ids: dict[str, tuple[array, array]] = field(default_factory=dict)
    # (table, field, table it points at) → (row numbers, ids pointed at)
    links: dict[tuple[str, str, str], tuple[array, array]] = field(default_factory=dict)
    # (table, field) → (row numbers, 64-bit digests of the values that must be unique)
    unique: dict[tuple[str, str], tuple[array, array]] = field(default_factory=dict)
    # Date applied by application id, and each later-stage event's (row, application, day):
    # the stage form refuses a stage change dated before the application (days as ordinals).
    applied: tuple[array, array] = field(default_factory=_pairs)
    stage_days: tuple[array, array, array] = field(
        default_factory=lambda: (array("q"), array("q"), array("q")))

    def add(self, where: dict, key: Any, row: int, value: int) -> None:
        rows, values = where.setdefault(key, _pairs())
        rows.append(row)
        values.append(value)


def _repeats(rows: array, values: array) -> Iterator[tuple[int, int, int]]:
    """(row, value, first row with that value) for each value seen before."""
    order = np.argsort(np.frombuffer(values, dtype=np.int64), kind="stable")
    ordered = np.frombuffer(values, dtype=np.int64)[order]
    row_numbers = np.frombuffer(rows, dtype=np.int64)[order]
    again = np.flatnonzero(ordered[1:] == ordered[:-1]) + 1
    for at in again[:MAX_PROBLEMS]:
        first = at
        while first > 0 and ordered[first - 1] == ordered[at]:
            first -= 1
        yield int(row_numbers[at]), int(ordered[at]), int(row_numbers[first])


def _digest(value: Any) -> int:
    raw = hashlib.blake2b(repr(value).encode("utf-8", "surrogatepass"), digest_size=8).digest()
    return int.from_bytes(raw, "little", signed=True)


def _problem(result: Preview, table: str, row: int, name: str | None, message: str) -> None:
    add_problem(result, Problem(message, field=name, table=table, row=row))


def preview_json(store: Store, data: bytes) -> Preview:
    result = Preview(kind="json")
    rules = store.transfer.column_rules()
    today = store.today()
    meta: dict[str, Any] = {}
    seen = _Seen()
    total = 0
    for kind, name, number, value in stream_export(data):
        if kind == "meta":
            meta[name] = value
            continue
        if name not in TABLES:
            if kind != "row":
                add_problem(result, Problem(f"Unknown table {name!r} in the export."))
            continue
        if kind == "bad":
            add_problem(result, Problem(f"Table {name!r} must be a list of rows."))
            continue
        if kind == "table":
            result.table_counts.setdefault(name, 0)
            continue
        total += 1
        if total > MAX_JSON_ROWS:
            raise ImportRefused([Problem(
                f"The export has more than {MAX_JSON_ROWS:,} rows. For bigger databases use "
                "a backup and Restore instead.")])
        result.table_counts[name] += 1
        if len(result.errors) <= MAX_PROBLEMS:
            _check_json_row(result, name, number, value, rules[name], today, seen)
    _check_header(meta)
    _check_links(result, seen)
    if result.table_counts.get("settings", 0) > 1:
        add_problem(result, Problem("The export has more than one settings row."))
    if not store.is_empty():
        add_problem(result, Problem(
            "A full export can only be imported into an empty database, and this one already "
            "holds data. Use Restore to replace everything, or import the CSV to add "
            "applications."))
    return result


def _check_header(meta: Mapping[str, Any]) -> None:
    if meta.get("format") != EXPORT_FORMAT or "tables" not in meta:
        raise ImportRefused([Problem(
            "This JSON file isn't a Next Round export (it has no \"format\": "
            f"\"{EXPORT_FORMAT}\" and \"tables\").")])
    version = meta.get("schema_version")
    if isinstance(version, bool) or not isinstance(version, int) or version < 1:
        raise ImportRefused([Problem("The export has no valid schema_version.")])
    if version > SCHEMA_VERSION:
        raise ImportRefused([Problem(
            f"The export was made by a newer version of Next Round (schema {version}; this "
            f"version understands up to {SCHEMA_VERSION}). Update Next Round to import it.")])


def _check_links(result: Preview, seen: _Seen) -> None:
    """Ids are unique per table, values of UNIQUE columns too, and every link points at a
    row of the file (the database it goes into is empty)."""
    for table, (rows, ids) in seen.ids.items():
        for row, value, first in _repeats(rows, ids):
            _problem(result, table, row, "id", f"id {value} is also the id of {table} row "
                                               f"{first}; ids must be unique in a table.")
    for (table, name), (rows, digests) in seen.unique.items():
        for row, _, first in _repeats(rows, digests):
            _problem(result, table, row, name, f"is the same as in {table} row {first}; it "
                                               "must be unique.")
    _check_stage_days(result, seen)
    for (table, name, target), (rows, values) in seen.links.items():
        known = np.frombuffer(seen.ids.get(target, _pairs())[1], dtype=np.int64)
        wanted = np.frombuffer(values, dtype=np.int64)
        for at in np.flatnonzero(~np.isin(wanted, known))[:MAX_PROBLEMS]:
            _problem(result, table, int(rows[at]), name,
                     f"points at {target} id {int(wanted[at])}, which isn't in the file.")


def _check_stage_days(result: Preview, seen: _Seen) -> None:
    """No later-stage event is dated before its application's date applied: the stage form
    refuses that, and the details form would then refuse every save of that application."""
    ids = np.frombuffer(seen.applied[0], dtype=np.int64)
    order = np.argsort(ids, kind="stable")
    rows, apps, days = (np.frombuffer(a, dtype=np.int64) for a in seen.stage_days)
    if not len(ids) or not len(rows):
        return
    at = np.clip(np.searchsorted(ids[order], apps), 0, len(ids) - 1)
    found = ids[order][at] == apps  # an event of a missing application is a link problem
    applied = np.frombuffer(seen.applied[1], dtype=np.int64)[order][at]
    for i in np.flatnonzero(found & (days < applied))[:MAX_PROBLEMS]:
        _problem(result, "events", int(rows[i]), "on_date",
                 f"({date.fromordinal(int(days[i]))}) is before the date its application was "
                 f"applied ({date.fromordinal(int(applied[i]))}).")



def _check_json_row(result: Preview, table: str, number: int, row: Any,
                    rules: Mapping[str, ColumnRule], today: date, seen: _Seen) -> None:
    """One row of a full export against the schema's rules and its record's own validator.
    Derived values (rebuilt by the database's triggers) are ignored, never trusted."""
    if not isinstance(row, dict):
        _problem(result, table, number, None, "must be an object with an id.")
        return
    row = {k: v for k, v in row.items() if k not in DERIVED_COLUMNS.get(table, ())}
    errors: dict[str, str] = {}
    for name in sorted(set(row) - set(rules)):
        errors[name] = "is not a field of this table."
    for name, rule in rules.items():
        message = check_value(name, rule, row, today)
        if message:
            errors[name] = message
    if not errors:
        check = RECORD_CHECKS.get(table)
        try:
            if check is not None:
                check(row, today)
        except ValidationError as exc:
            errors.update({k: v for k, v in exc.errors.items()})
        except (ValueError, TypeError) as exc:
            errors["_row"] = str(exc)
    for name, message in errors.items():
        _problem(result, table, number, None if name == "_row" else name, message)
    if errors:
        return
    seen.add(seen.ids, table, number, row["id"])
    if table == "applications":
        seen.applied[0].append(row["id"])
        seen.applied[1].append(date.fromisoformat(row["applied_on"]).toordinal())
    elif table == "events" and row["stage"] != Stage.APPLIED:
        for column, value in zip(seen.stage_days, (
                number, row["application_id"], date.fromisoformat(row["on_date"]).toordinal()),
                strict=True):
            column.append(value)
    if table == "path_steps":  # one row per application and step (a two-column key)
        seen.add(seen.unique, (table, "step"), number,
                 _digest((row["application_id"], row["step"])))
    for name, rule in rules.items():
        value = row.get(name)
        if value is None:
            continue
        if rule.references:
            seen.add(seen.links, (table, name, rule.references), number, value)
        if rule.unique and not rule.primary_key:
            seen.add(seen.unique, (table, name), number, _digest(value))



@functools.cache
def _reference_rules() -> dict[str, dict[str, ColumnRule]]:
    """The column rules of the schema this version makes, read from an in-memory database."""
    store = Store("sqlite://")
    try:
        return store.transfer.column_rules()
    finally:
        store.dispose()


def stored_value_problems(rows: Callable[[str], Iterator[Mapping[str, Any]]],
                          today: date) -> list[str]:
    """Every row of a database file (`rows(table)` gives them in id order, without derived
    columns) against the rules a full import applies. Restore and `check` use it: a tool can
    write values the schema's checks let through but no form would (a version that is text,
    check-in answers that aren't scores), and restoring such a file took pages down."""
    result = Preview(kind="json")
    seen = _Seen()
    rules = _reference_rules()
    for table in TABLES:
        for number, row in enumerate(rows(table), 1):
            if len(result.errors) > MAX_PROBLEMS:
                break
            _check_json_row(result, table, number, dict(row), rules[table], today, seen)
    _check_links(result, seen)
    return [str(problem).rstrip(".") for problem in result.errors]
