"""The formula-injection guard for CSV cells, reversible so our own CSV reads back exactly.

A cell that a spreadsheet would run as a formula (it starts with = + - @, TAB, CR, LF or NUL)
gets a `'` prefix, and so does a cell that already starts with `'`: exactly one leading `'` is
removed again when our own CSV is imported.
"""

_TRIGGERS = ("=", "+", "-", "@", "\t", "\r", "\n", "\x00", "'")


def neutralize(value: str) -> str:
    """Make a cell inert in spreadsheets, reversibly: prefix `'` to anything risky."""
    return "'" + value if value.startswith(_TRIGGERS) else value


def unneutralize(value: str) -> str:
    """Undo `neutralize` (for our own CSV only)."""
    return value[1:] if value.startswith("'") else value
