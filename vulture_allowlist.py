"""Names vulture (`make test`, at 60% confidence) can't see used, each with why it stays.

vulture reads nextround/, app_pages/ and app.py only, so a name used by Streamlit, SQLAlchemy or
the tests alone looks dead to it. This file is never imported; it only mentions the names.
Add an entry only with its reason; remove dead code instead of listing it.
"""
# ruff: noqa: B018 - every line below is a bare mention, which is the point

from nextround import charts, metrics, models

# One builder per chart, "an aggregated frame in, a chart out" (docs/ARCHITECTURE.md). The
# progress page draws these two through charts.spec(name, part), so only the tests call the
# builders by name; they check each chart compiles and carries only its frame.
charts.cumulative_progress
charts.response_by_source

# The metric definitions as code (docs/ARCHITECTURE.md, "Metric definitions"; the metrics
# module's docstring names them). The SQL keeps them by hand; tests/reference_metrics.py
# computes every metric from these and the tests hold the SQL to the same answers.
metrics.LEVELS
models.REPLY_STAGES
models.INTERVIEW_STAGES
models.OFFER_STAGES

# Names that aren't importable from here are mentioned as attributes of a stand-in: vulture
# matches names, not objects.
_ = object

# SQLAlchemy calls these event listeners (`@event.listens_for(engine, ...)` in
# nextround/store/opening.py); nothing calls them by name.
_._on_connect
_._on_begin
# A DB-API connection attribute the connect listener sets, so that we issue BEGIN ourselves.
_.isolation_level

# Streamlit's st.cache_data keys on every argument: `mtime_ns` (app_pages/data.py, `_describe`)
# makes a changed backup file a new cache entry, though the function body never reads it.
_.mtime_ns

# Rows written exactly as given, ids and all (`store.transfer.insert_rows`): the tests' way to
# set up what no form makes (a sent draft without a date, a check-in of another week). The
# import and the demo write through the same transaction-bound helpers, not by this name.
_.insert_rows

# A record's fields are the columns its read selects (nextround/records.py; tests/store/
# test_records.py holds them equal). These columns of the `SELECT *` reads (applications.get,
# drafts.by_token, reflections.get) no page shows: the time stamps, and the milestones the
# triggers keep, which tests/store/test_milestones.py reads back through the record.
_.created_at
_.updated_at
_.first_reply_on
_.first_interview_on
_.first_offer_on
_.first_rejection_on
_.thanks_sent_on
_.furthest_level
_.reply_days

# openpyxl reads `number_format` and `font` when it saves a cell.
_.number_format
_.font
