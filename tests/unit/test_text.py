"""Counts people read: the noun agrees with the number, everywhere the app and the command
line say how many."""

from __future__ import annotations

import pytest

from nextround.text import noun, plural


@pytest.mark.parametrize(("n", "expected"), [
    (0, "0 rows"), (1, "1 row"), (2, "2 rows"), (1_234, "1,234 rows"), (-1, "-1 rows"),
])
def test_plural_agrees_with_the_count(n: int, expected: str) -> None:
    assert plural(n, "row") == expected


def test_an_irregular_plural_is_given() -> None:
    assert plural(1, "company", "companies") == "1 company"
    assert plural(3, "company", "companies") == "3 companies"
    assert noun(1, "reply", "replies") == "reply"
    assert noun(0, "reply", "replies") == "replies"


def test_no_bracketed_plural_is_left_in_what_people_read() -> None:
    """The "(s)" shortcut read clumsily ("1 application(s)"); nothing the app or the command
    line says may bring it back."""
    from pathlib import Path

    root = Path(__file__).resolve().parents[2]
    sources = [*root.glob("nextround/**/*.py"), *root.glob("app_pages/*.py"), root / "app.py"]
    offenders = [f"{path.relative_to(root)}:{number}"
                 for path in sources
                 for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
                 if any(f"{stem}(s)" in line or f"{stem}(es)" in line
                        for stem in ("row", "application", "problem", "duplicate", "backup",
                                     "job", "chart", "day", "request", "reply", "activit"))]
    assert offenders == []
