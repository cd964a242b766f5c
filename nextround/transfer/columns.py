"""The columns of a spreadsheet of applications: ours, and the names other trackers use.

`Problem` names a field by its column header, and the CSV export and import share the order, so
these live below both.
"""

import re

# Our CSV: the field each column holds, in order, with the header a person sees.
CSV_FIELDS = ("company", "role", "stage", "applied_on", "stage_on", "location", "source",
              "link", "contact_name", "contact_email", "notes")
CSV_HEADER = ("Company", "Role", "Stage", "Date applied", "Stage date", "Location", "Source",
              "Link", "Contact name", "Contact email", "Notes")
FIELD_LABELS = dict(zip(CSV_FIELDS, CSV_HEADER, strict=True))

# Column names other trackers use, after lower-casing and folding _ - . into spaces.
COLUMN_NAMES: dict[str, tuple[str, ...]] = {
    "company": ("company", "company name", "organization", "organisation", "employer",
                "business", "firm"),
    "role": ("role", "title", "position", "job title", "job", "job role", "position title",
             "job position", "position applied for", "role title", "job name"),
    "applied_on": ("date applied", "applied on", "applied", "application date",
                   "date of application", "applied date", "date submitted", "submitted on",
                   "submission date", "applied at", "date of submission", "applied on date"),
    "stage": ("status", "stage", "application status", "current status", "current stage"),
    "stage_on": ("stage date", "status date", "last updated", "status updated"),
    "link": ("link", "url", "job link", "job url", "posting", "posting url", "job posting",
             "job posting url", "job posting link", "posting link", "application link",
             "job listing", "listing url"),
    "location": ("location", "city", "job location"),
    "source": ("source", "found via", "where found", "job board", "platform", "channel",
               "how found", "where did you find it", "found on", "job source"),
    "notes": ("notes", "note", "comments", "comment", "additional notes"),
    "contact_name": ("contact", "contact name", "recruiter", "hiring manager",
                     "contact person", "point of contact", "recruiter name"),
    "contact_email": ("contact email", "email", "recruiter email", "contact e mail",
                      "e mail"),
}
COLUMN_LOOKUP = {name: target for target, names in COLUMN_NAMES.items() for name in names}


def fold(name: str) -> str:
    """A column name or status word as it is looked up: lower case, _ - . and runs of
    spaces folded into one space."""
    return " ".join(re.sub(r"[_\-.]+", " ", name.strip().lower()).split())


def field_named(name: str) -> str | None:
    """Our field for a name a person gives it: its header ("Date applied"), its field name
    ("applied_on") or a name other trackers use for its column ("employer"); None otherwise."""
    folded = fold(name)
    for field_, label in FIELD_LABELS.items():
        if folded in (fold(label), fold(field_)):
            return field_
    return COLUMN_LOOKUP.get(folded)
