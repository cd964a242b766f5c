"""A spreadsheet of the user's own: the Google Sheets and Excel job-search templates, a Notion
or Simplify export, or any file no tool here claims by its header.

Columns are matched by the common names (`transfer.columns.COLUMN_NAMES`, which holds the
names of the widely shared Google Sheets and Excel job-search templates: Company, Position,
Date Applied, Status, Job Posting, Contact Person, Follow-up…; a template's title rows above
its header are skipped). Where from: the templates' published headers as many job-search
guides reproduce them; how sure: medium, and any column we don't know is asked in the mapping
step ("Which column is the company?"), remembered for the next file with the same header.
Dates follow the user's pick, or are worked out from the file.
"""

from nextround.transfer.columns import COLUMN_NAMES
from nextround.transfer.sources import notion, simplify
from nextround.transfer.sources.base import Source

SOURCE = Source(
    key="templates", label="A spreadsheet from another tracker",
    signature=frozenset(), columns=COLUMN_NAMES,
    statuses={**simplify.STATUS_WORDS, **notion.STATUS_WORDS}, by_name=True)
