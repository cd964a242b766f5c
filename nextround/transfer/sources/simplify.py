"""Simplify's job tracker (simplify.jobs), exported to CSV.

No public sample or document of Simplify's export was found (searched: docs, pages, issues
and code). What is known is its tracker's status pipeline as the app shows it: Saved,
Applied, Screen, Interviewing, Offer, Rejected, Withdrawn, Archived. How sure: medium for
the statuses, nothing for the columns. So a Simplify file is not recognised by its header:
its columns are matched by the common names (`templates`), a column we don't know goes
through the mapping step, and these status words are read as below.
"""

from nextround.transfer.sources.base import SAVED

STATUS_WORDS: dict[str, str] = {
    "saved": SAVED, "screen": "screening", "interviewing": "interviewing",
    "offer": "offer", "rejected": "rejected", "withdrawn": "withdrawn",
}
