"""Which tool a file came from, recognised by its shape, and how its columns, statuses, dates
and empty cells read as ours.

Each module here describes one tool's export as a `Source`, and says in its docstring where
that layout comes from and how sure we are of it. A file is recognised by its header: the
tool whose `signature` (column names no other tool writes together) is all there wins, the
longest signature first; a file no tool claims is read as a spreadsheet of the user's own,
with the common column names (`templates`). Which tool a file came from is provenance, shown
in the preview; it is never written into an application's `source`, which is the job channel
(LinkedIn, a referral, a company site).
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence

from nextround.transfer.columns import fold
from nextround.transfer.sources import huntr, linkedin, ours, teal, templates
from nextround.transfer.sources.base import AUTO, SAVED, SAVED_WORDS, Source

# The tools recognised by their header (Simplify and Notion files are read by column names,
# through `templates`: their modules say why).
SOURCES: tuple[Source, ...] = (ours.SOURCE, huntr.SOURCE, teal.SOURCE, linkedin.APPLICATIONS,
                               linkedin.SAVED_JOBS, templates.SOURCE)
def recognise(header: Sequence[str]) -> Source:
    """The tool whose signature this header carries (the longest one), else our common names."""
    folded = {fold(h) for h in header}
    claimed = [s for s in SOURCES if s.signature and s.signature <= folded]
    if claimed:
        return max(claimed, key=lambda s: len(s.signature))
    return by_key("templates")


def by_key(key: str) -> Source:
    return next(s for s in SOURCES if s.key == key)


def header_key(header: Sequence[str]) -> str:
    """A short, stable name for a header (folded names, in order): a mapping the user made
    for one file is offered again for the next file with the same columns."""
    text = "\x1f".join(fold(h) for h in header)
    return "import_columns:" + hashlib.blake2b(text.encode(), digest_size=8).hexdigest()


__all__ = ["AUTO", "SAVED", "SAVED_WORDS", "SOURCES", "Source", "by_key", "header_key",
           "recognise"]
