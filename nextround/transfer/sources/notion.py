"""A Notion database of job applications, exported as CSV (⋯ → Export → Markdown & CSV).

Layout: one column per property, the title property first (often `Name`, `Company` or
`Position`), in UTF-8 with a byte-order mark. Dates are written "January 15, 2026", with a
time "January 15, 2026 3:45 PM", and a date range "January 15, 2026 → January 20, 2026".
Multi-select cells are comma-separated. Status properties default to Not started, In
progress and Done; job-tracker templates add their own (Applied, Interviewing, Offer,
Rejected, Wishlist).
Where from: Notion's help pages on exporting a database and on date properties. How sure:
high for the date forms and the BOM, low for any one template's columns (each is the user's
own), so a Notion file is not recognised by its header: its columns are matched by name, and
a column we don't know goes through the mapping step. `nextround.transfer.dates` reads the
date forms; the first day of a range is the date. "Not started" means not applied (the
dream-job list); "In progress" and "Done" say nothing of a stage, so the preview asks.
"""

from nextround.transfer.sources.base import SAVED

STATUS_WORDS: dict[str, str] = {"not started": SAVED, "wishlist": SAVED}
