"""A tool's export as the import reads it: the `Source` each module of this package defines."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from nextround.transfer.columns import fold

# A status meaning the job was saved and never applied to: not an application, but a
# company the import offers for the dream-job list.
SAVED = "saved"
SAVED_WORDS = ("wishlist", "wish list", "saved", "bookmarked", "bookmark", "interested",
               "to apply", "not applied", "not started", "applying", "researching",
               "want to apply", "idea", "prospect", "prospective", "favorited", "watching")
AUTO = "auto"  # dates worked out from the file (`nextround.transfer.dates`)


@dataclass(frozen=True)
class Source:
    """One tool's export: how to recognise it and how it reads as our fields."""

    key: str
    label: str  # what the preview says the file is: "A Huntr board export"
    signature: frozenset[str]  # folded column names that together mean this tool
    # Our field → their column names (folded), the first one present wins.
    columns: Mapping[str, tuple[str, ...]]
    # Their status words (folded) → a stage value or SAVED; added to the common words.
    statuses: Mapping[str, str] = field(default_factory=dict)
    placeholders: frozenset[str] = frozenset()  # cell texts that mean "empty" ("-")
    channel: str = ""  # the job channel of every row, when the tool is itself one
    all_saved: bool = False  # every row is a saved job (LinkedIn's saved jobs)
    date_order: str = ""  # "day first" / "month first" when the tool documents it
    naive_utc: bool = False  # timestamps without a zone are UTC (converted to the user's day)
    by_name: bool = False  # columns matched by the common names (a file no tool claims)

    def column_for(self, header: Sequence[str]) -> dict[str, int]:
        """Our field → the index of the column that holds it in this header."""
        folded = [fold(h) for h in header]
        found: dict[str, int] = {}
        for target, names in self.columns.items():
            for name in names:
                if name in folded:
                    found[target] = folded.index(name)
                    break
        return found
