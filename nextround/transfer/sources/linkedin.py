"""LinkedIn's data archive (Settings → Data privacy → Get a copy of your data): the files
`Jobs/Job Applications.csv` and `Jobs/Saved Jobs.csv`.

Layout: applications have `Application Date, Contact Email, Contact Phone Number, Company
Name, Job Title, Job Url, Resume Name, Question And Answers`; saved jobs have `Saved Date, Job
Url, Job Title, Company Name`. Dates are US month-first with a two-digit year and usually a
time: "8/15/26, 1:32 PM" (older archives: "8/15/26").
Where from: several independent open-source readers of the archive agree on both headers and
the date form (their tests hold archive files, e.g. parse_linkedin_job_applications_csv and
ingest_historical's TestParseLinkedInCSV). How sure: high.
What we read: every application row was applied through LinkedIn, so its job channel
(`source`) is "LinkedIn"; the contact email is the recruiter's when LinkedIn has one. The
answers to screening questions and the résumé name are left out (private, not tracked here).
Saved jobs were never applied to: each is offered for the dream-job list.
"""

from nextround.transfer.sources.base import Source

APPLICATIONS = Source(
    key="linkedin", label="LinkedIn's job applications (data archive)",
    signature=frozenset({"application date", "company name", "job title", "job url",
                         "resume name"}),
    columns={"company": ("company name",), "role": ("job title",),
             "applied_on": ("application date",), "link": ("job url",),
             "contact_email": ("contact email",)},
    channel="LinkedIn", date_order="month first")

SAVED_JOBS = Source(
    key="linkedin-saved", label="LinkedIn's saved jobs (data archive)",
    signature=frozenset({"saved date", "job url", "job title", "company name"}),
    columns={"company": ("company name",), "role": ("job title",), "link": ("job url",)},
    all_saved=True, date_order="month first")
