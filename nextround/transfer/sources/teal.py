"""Teal's job tracker export (Job Tracker → Export to CSV).

Layout: one row per saved job, with `Company`, the job title (`Job Position`, or `Role` in
some exports), `Status`, `Date Saved`, `Date Applied`, `URL`, `Location`, salary columns,
`Excitement` (a 1–5 rating), `Notes`. Statuses are Teal's pipeline: Bookmarked, Applying,
Applied, Interviewing, Negotiating, Accepted, and the archive reasons I Withdrew, Not
Selected and No Response. Dates are US month-first (05/20/2026) or ISO.
Where from: Teal's public help pages and app name the statuses; the columns come from an
open-source importer's test file for Teal exports (a third party's reading, not Teal's own
document). How sure: medium for the statuses, low to medium for the exact column names, so
the file is recognised by the two columns no other tool writes together (`Date Saved` and
`Excitement`) and each field accepts the names seen. Dates are worked out from the file
(asked when it can't tell), never assumed US.
What we read: Bookmarked and Applying jobs were not applied to: they are offered for the
dream-job list. Negotiating is an offer. Teal is a tracker, not a job channel.
"""

from nextround.transfer.sources.base import SAVED, Source

SOURCE = Source(
    key="teal", label="A Teal job tracker export",
    signature=frozenset({"date saved", "excitement"}),
    columns={"company": ("company", "company name"),
             "role": ("job position", "role", "job title", "position", "title"),
             "applied_on": ("date applied",), "stage": ("status",),
             "link": ("url", "job url", "link"), "location": ("location",),
             "notes": ("notes",)},
    statuses={"bookmarked": SAVED, "applying": SAVED, "applied": "applied",
              "interviewing": "interviewing", "negotiating": "offer",
              "offer received": "offer", "accepted": "accepted", "i withdrew": "withdrawn",
              "not selected": "rejected", "no response": "ghosted"})
