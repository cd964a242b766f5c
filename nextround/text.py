"""Words shared by every way out: user text made inert wherever it meets Markdown (in the app
and in the weekly review), and counts with a noun that agrees with them."""

from __future__ import annotations

import re

_MARKDOWN_SPECIAL = re.compile(r"([\\`*_{}\[\]()#+\-.!|<>~$:=&])")


def escape_markdown(text: object) -> str:
    """User text made inert for Markdown: no links, images, LaTeX, colour directives or HTML.

    One line out: newlines become spaces, so the text can't start a heading or a list."""
    return _MARKDOWN_SPECIAL.sub(r"\\\1", str(text)).replace("\r", " ").replace("\n", " ")


def noun(n: int, one: str, many: str | None = None) -> str:
    """The noun that agrees with `n`: "row" for 1, "rows" (or `many`: "companies") otherwise."""
    return one if n == 1 else (many or one + "s")


def plural(n: int, one: str, many: str | None = None) -> str:
    """"1 application", "1,234 rows", "0 companies": digits and an agreeing noun, for counts
    people check (imports, exports, problems). Placeholders' gentler prose spells small
    numbers out instead (`chart_thresholds.counted`)."""
    return f"{n:,} {noun(n, one, many)}"
