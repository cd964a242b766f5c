"""Counts people read: the noun agrees with the number, everywhere the app and the command
line say how many."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

from nextround.text import noun, plural

ROOT = Path(__file__).resolve().parents[2]
BRACKETED = re.compile(r"[A-Za-z]\((?:s|es|ies)\)")  # "row(s)", "match(es)", "repl(ies)"


@pytest.mark.parametrize(("n", "expected"), [
    (0, "0 rows"), (1, "1 row"), (2, "2 rows"), (1_234, "1,234 rows"),
])
def test_plural_agrees_with_the_count(n: int, expected: str) -> None:
    assert plural(n, "row") == expected


def test_an_irregular_plural_is_given() -> None:
    assert plural(1, "company", "companies") == "1 company"
    assert plural(3, "company", "companies") == "3 companies"
    assert noun(1, "reply", "replies") == "reply"
    assert noun(0, "reply", "replies") == "replies"


def _texts(path: Path) -> list[tuple[int, str]]:
    """Every string literal in a module, the literal parts of f-strings included."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    return [(node.lineno, node.value) for node in ast.walk(tree)
            if isinstance(node, ast.Constant) and isinstance(node.value, str)]


def test_no_bracketed_plural_is_left_in_what_people_read() -> None:
    """The "(s)" shortcut read clumsily ("1 application(s)"): no text in the app or the
    command line may bring it back. Code such as `str(s)` isn't text, so it isn't matched."""
    sources = [*ROOT.glob("nextround/**/*.py"), *ROOT.glob("app_pages/*.py"), ROOT / "app.py"]
    offenders = [f"{path.relative_to(ROOT)}:{line}: {text!r}"
                 for path in sources for line, text in _texts(path) if BRACKETED.search(text)]
    assert offenders == []


def test_the_scan_finds_a_bracketed_plural(tmp_path: Path) -> None:
    module = tmp_path / "page.py"
    module.write_text('n = 2\nlabel = f"{n} row(s)"\nsplit = str(n)\nwords = "repl(ies)"\n',
                      encoding="utf-8")
    found = sorted(text for _, text in _texts(module) if BRACKETED.search(text))
    assert found == [" row(s)", "repl(ies)"]
