"""Making user text inert wherever it meets Markdown: in the app and in the weekly review."""

from __future__ import annotations

import re

_MARKDOWN_SPECIAL = re.compile(r"([\\`*_{}\[\]()#+\-.!|<>~$:=&])")


def escape_markdown(text: object) -> str:
    """User text made inert for Markdown: no links, images, LaTeX, colour directives or HTML.

    One line out: newlines become spaces, so the text can't start a heading or a list."""
    return _MARKDOWN_SPECIAL.sub(r"\\\1", str(text)).replace("\r", " ").replace("\n", " ")
