"""Huntr's board export (Board → Export → CSV).

Layout: one row per job card, columns `id, createdAt, title, salary, location, url, rootDomain,
htmlDescription, deadline, color, lastMovedAt, boardId, boardName, listId, listName, companyId,
companyName, companyDomain, creator…`; empty cells are written as "-"; times are
"YYYY-MM-DD HH:MM:SS" in UTC. The list a card sits in (`listName`) is its status; a board's
default lists are Wishlist, Applied, Interview, Offer and Rejected, and users rename and add
lists (an unknown one is asked in the preview).
Where from: a real export published as test data by the open-source huntr-to-notion converter
(github.com/keenlychuang/huntr-to-notion, data/sample_data/*.csv). How sure: high for the
columns, the "-" placeholder and the time format; medium for the list names (the defaults).
What we read: the card's creation day is the date applied (Huntr keeps no separate applied
date; a card made on the day of applying, as most are, is exact), and `lastMovedAt` is the
day it reached its current list (the stage date). Wishlist cards are saved jobs, offered for
the dream-job list. Huntr is a tracker, not a job channel: `source` stays empty.
"""

from nextround.transfer.sources.base import SAVED, Source

SOURCE = Source(
    key="huntr", label="A Huntr board export",
    signature=frozenset({"companyname", "listname", "boardname", "createdat", "lastmovedat"}),
    columns={"company": ("companyname",), "role": ("title",), "applied_on": ("createdat",),
             "stage": ("listname",), "stage_on": ("lastmovedat",), "link": ("url",),
             "location": ("location",)},
    statuses={"wishlist": SAVED, "interview": "interviewing", "interviewing": "interviewing",
              "offer": "offer", "rejected": "rejected", "applied": "applied"},
    placeholders=frozenset({"-"}), naive_utc=True)
