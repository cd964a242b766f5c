"""The schema: frozen migration steps, the derived milestone columns and their triggers.

Migrations are frozen: never edit a shipped step, add a new one. Step N takes a database at
user_version N-1 to N; they run in one transaction after an automatic backup (decision 3).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

APPLICATION_ID = 0x4E58524E  # "NXRN": marks a SQLite file as a Next Round database.
SCHEMA_VERSION = 4
TABLES = ("applications", "events", "drafts", "feedback_requests", "reflections", "actions",
          "checkins", "targets", "settings")


# --- schema ---------------------------------------------------------------------------------
# Migrations are frozen: never edit a shipped step, add a new one. Step N takes a database at
# user_version N-1 to N. They run in one transaction after an automatic backup.

_DATE = "TEXT CHECK ({col} IS NULL OR {col} IS date({col}, '+0 days'))"


def _d(col: str, null: bool = True) -> str:
    return f"{col} {_DATE.format(col=col)}" + ("" if null else " NOT NULL")


_V1 = [
    """CREATE TABLE settings (
        id INTEGER PRIMARY KEY CHECK (id = 1),
        name TEXT NOT NULL DEFAULT '',
        signature TEXT NOT NULL DEFAULT '',
        weekly_goal INTEGER NOT NULL DEFAULT 5,
        ghost_after_days INTEGER NOT NULL DEFAULT 30,
        timezone TEXT NOT NULL DEFAULT 'UTC',
        support_region TEXT NOT NULL DEFAULT 'US',
        follow_up_days INTEGER NOT NULL DEFAULT 7,
        extra TEXT NOT NULL DEFAULT '{}',
        version INTEGER NOT NULL DEFAULT 1)""",
    "INSERT INTO settings (id) VALUES (1)",
    f"""CREATE TABLE targets (
        id INTEGER PRIMARY KEY,
        company TEXT NOT NULL CHECK (length(company) BETWEEN 1 AND 200),
        role TEXT NOT NULL DEFAULT '',
        why TEXT NOT NULL DEFAULT '',
        priority INTEGER NOT NULL DEFAULT 2,
        status TEXT NOT NULL DEFAULT 'researching',
        next_step TEXT NOT NULL DEFAULT '',
        application_id INTEGER REFERENCES applications(id) ON DELETE SET NULL,
        {_d('created_on', False)},
        version INTEGER NOT NULL DEFAULT 1)""",
    f"""CREATE TABLE applications (
        id INTEGER PRIMARY KEY,
        company TEXT NOT NULL CHECK (length(company) BETWEEN 1 AND 200),
        role TEXT NOT NULL DEFAULT '',
        location TEXT NOT NULL DEFAULT '',
        source TEXT NOT NULL DEFAULT '',
        link TEXT NOT NULL DEFAULT '',
        contact_name TEXT NOT NULL DEFAULT '',
        contact_email TEXT NOT NULL DEFAULT '',
        {_d('applied_on', False)},
        stage TEXT NOT NULL CHECK (stage IN ('applied','screening','interviewing','offer',
                                             'accepted','rejected','withdrawn','ghosted')),
        {_d('stage_on', False)},
        notes TEXT NOT NULL DEFAULT '' CHECK (length(notes) <= 20000),
        target_id INTEGER REFERENCES targets(id) ON DELETE SET NULL,
        created_at TEXT NOT NULL,
        updated_at TEXT NOT NULL,
        version INTEGER NOT NULL DEFAULT 1)""",
    f"""CREATE TABLE events (
        id INTEGER PRIMARY KEY,
        application_id INTEGER NOT NULL REFERENCES applications(id) ON DELETE CASCADE,
        stage TEXT NOT NULL,
        {_d('on_date', False)},
        note TEXT NOT NULL DEFAULT '',
        created_at TEXT NOT NULL)""",
    f"""CREATE TABLE drafts (
        id INTEGER PRIMARY KEY,
        application_id INTEGER REFERENCES applications(id) ON DELETE CASCADE,
        kind TEXT NOT NULL,
        tone TEXT NOT NULL DEFAULT 'warm',
        company TEXT NOT NULL DEFAULT '',
        role TEXT NOT NULL DEFAULT '',
        to_email TEXT NOT NULL DEFAULT '',
        subject TEXT NOT NULL DEFAULT '',
        body TEXT NOT NULL DEFAULT '',
        status TEXT NOT NULL DEFAULT 'draft' CHECK (status IN ('draft','sent')),
        {_d('sent_on')},
        request_token TEXT UNIQUE,
        created_at TEXT NOT NULL,
        updated_at TEXT NOT NULL,
        version INTEGER NOT NULL DEFAULT 1)""",
    f"""CREATE TABLE feedback_requests (
        id INTEGER PRIMARY KEY,
        application_id INTEGER REFERENCES applications(id) ON DELETE CASCADE,
        {_d('asked_on', False)},
        channel TEXT NOT NULL DEFAULT 'email',
        asked_whom TEXT NOT NULL DEFAULT '',
        {_d('follow_up_due')},
        status TEXT NOT NULL DEFAULT 'awaiting',
        follow_ups INTEGER NOT NULL DEFAULT 0,
        {_d('received_on')},
        feedback_text TEXT NOT NULL DEFAULT '',
        themes TEXT NOT NULL DEFAULT '[]',
        draft_id INTEGER REFERENCES drafts(id) ON DELETE SET NULL,
        created_at TEXT NOT NULL,
        updated_at TEXT NOT NULL,
        version INTEGER NOT NULL DEFAULT 1)""",
    f"""CREATE TABLE reflections (
        id INTEGER PRIMARY KEY,
        application_id INTEGER REFERENCES applications(id) ON DELETE SET NULL,
        status TEXT NOT NULL DEFAULT 'draft' CHECK (status IN ('draft','done')),
        answers TEXT NOT NULL DEFAULT '{{}}',
        control_pct INTEGER CHECK (control_pct IS NULL OR control_pct BETWEEN 0 AND 100),
        fit TEXT,
        {_d('created_on', False)},
        {_d('completed_on')},
        updated_at TEXT NOT NULL,
        version INTEGER NOT NULL DEFAULT 1)""",
    f"""CREATE TABLE actions (
        id INTEGER PRIMARY KEY,
        title TEXT NOT NULL CHECK (length(title) BETWEEN 1 AND 300),
        {_d('due_on')},
        {_d('done_on')},
        source_kind TEXT NOT NULL DEFAULT 'manual',
        source_id INTEGER,
        source_label TEXT NOT NULL DEFAULT '',
        {_d('created_on', False)},
        version INTEGER NOT NULL DEFAULT 1)""",
    f"""CREATE TABLE checkins (
        id INTEGER PRIMARY KEY,
        week TEXT NOT NULL UNIQUE CHECK (week GLOB '[0-9][0-9][0-9][0-9]-W[0-9][0-9]'),
        {_d('checked_on', False)},
        items TEXT NOT NULL,
        who5_raw INTEGER NOT NULL CHECK (who5_raw BETWEEN 0 AND 25),
        stress INTEGER CHECK (stress IS NULL OR stress BETWEEN 0 AND 10),
        hours REAL CHECK (hours IS NULL OR hours BETWEEN 0 AND 168),
        self_care TEXT NOT NULL DEFAULT '[]',
        win TEXT NOT NULL DEFAULT '',
        let_go TEXT NOT NULL DEFAULT '',
        updated_at TEXT NOT NULL,
        version INTEGER NOT NULL DEFAULT 1)""",
]

_V2 = [
    # A counter every write bumps: the cache key for every read (issue 10's technique).
    "CREATE TABLE change_counter (id INTEGER PRIMARY KEY CHECK (id = 1), n INTEGER NOT NULL)",
    "INSERT INTO change_counter (id, n) VALUES (1, 0)",
    "CREATE INDEX events_by_application ON events (application_id, on_date)",
    "CREATE INDEX events_by_date ON events (on_date, stage)",
    "CREATE INDEX applications_by_applied ON applications (applied_on)",
    "CREATE INDEX applications_by_stage ON applications (stage, applied_on)",
    "CREATE INDEX drafts_by_application ON drafts (application_id)",
    "CREATE INDEX feedback_by_application ON feedback_requests (application_id)",
    "CREATE INDEX reflections_by_application ON reflections (application_id)",
]

_V3 = [
    # "Rejections without a reply, newest first" (respond page, This week): 21 ms → 0.1 ms
    # at 100,000 applications (tests/bench/README.md).
    "CREATE INDEX applications_by_stage_on ON applications (stage, stage_on)",
]

# --- v4: each application carries its milestones -------------------------------------------
# The progress page counts applications by the dates of their first reply, interview, offer
# and rejection, their first sent thank-you and the furthest stage reached. Working those out
# from `events` on every read grows with the whole history (1 s at 100,000 applications);
# kept on the row by triggers, they are read through small covering indexes as grouped counts
# (decision 14). Triggers, not Python, so every writer keeps them right: the app, import, the
# demo, a restore of an older file (migrated here) and any tool that edits the file.
_REPLY_SQL = "('screening', 'interviewing', 'offer', 'accepted', 'rejected')"
_INTERVIEW_SQL = "('screening', 'interviewing', 'offer', 'accepted')"
_OFFER_SQL = "('offer', 'accepted')"
_REJECTED_SQL = "('rejected')"
_LEVEL_SQL = ("CASE {stage} WHEN 'screening' THEN 1 WHEN 'interviewing' THEN 2"
              " WHEN 'offer' THEN 3 WHEN 'accepted' THEN 3 ELSE 0 END")
MILESTONE_COLUMNS = ("first_reply_on", "first_interview_on", "first_offer_on",
                     "first_rejection_on", "thanks_sent_on", "furthest_level")
# Derived from the events and drafts, so never exported or imported: the triggers rebuild them.
DERIVED_COLUMNS = {"applications": (*MILESTONE_COLUMNS, "reply_days")}


def _first(stages: str) -> str:
    return ("(SELECT min(e.on_date) FROM events e WHERE e.application_id = applications.id"
            f" AND e.stage IN {stages})")


_RECOMPUTE_EVENTS = (
    f"first_reply_on = {_first(_REPLY_SQL)},"
    f" first_interview_on = {_first(_INTERVIEW_SQL)},"
    f" first_offer_on = {_first(_OFFER_SQL)},"
    f" first_rejection_on = {_first(_REJECTED_SQL)},"
    f" furthest_level = coalesce((SELECT max({_LEVEL_SQL.format(stage='e.stage')}) FROM events e"
    " WHERE e.application_id = applications.id), 0)")
_RECOMPUTE_THANKS = (
    "thanks_sent_on = (SELECT min(d.sent_on) FROM drafts d WHERE d.application_id ="
    " applications.id AND d.kind = 'rejection_thanks' AND d.status = 'sent')")


def _earliest(column: str, stages: str) -> str:
    return (f"{column} = CASE WHEN NEW.stage IN {stages} THEN"
            f" min(coalesce({column}, NEW.on_date), NEW.on_date) ELSE {column} END")


_V4 = [
    *(f"ALTER TABLE applications ADD COLUMN {column} TEXT" for column in MILESTONE_COLUMNS[:5]),
    "ALTER TABLE applications ADD COLUMN furthest_level INTEGER NOT NULL DEFAULT 0",
    f"UPDATE applications SET {_RECOMPUTE_EVENTS}, {_RECOMPUTE_THANKS}",
    # An added event can only move a milestone earlier (or the level up): no re-read needed.
    f"""CREATE TRIGGER events_milestones_insert AFTER INSERT ON events
        WHEN NEW.stage IN {_REPLY_SQL} BEGIN
        UPDATE applications SET {_earliest('first_reply_on', _REPLY_SQL)},
            {_earliest('first_interview_on', _INTERVIEW_SQL)},
            {_earliest('first_offer_on', _OFFER_SQL)},
            {_earliest('first_rejection_on', _REJECTED_SQL)},
            furthest_level = max(furthest_level, {_LEVEL_SQL.format(stage='NEW.stage')})
        WHERE id = NEW.application_id; END""",
    f"""CREATE TRIGGER events_milestones_update AFTER UPDATE OF application_id, stage, on_date
        ON events WHEN OLD.stage IN {_REPLY_SQL} OR NEW.stage IN {_REPLY_SQL} BEGIN
        UPDATE applications SET {_RECOMPUTE_EVENTS}
        WHERE id IN (OLD.application_id, NEW.application_id); END""",
    f"""CREATE TRIGGER events_milestones_delete AFTER DELETE ON events
        WHEN OLD.stage IN {_REPLY_SQL} BEGIN
        UPDATE applications SET {_RECOMPUTE_EVENTS} WHERE id = OLD.application_id; END""",
    # A tool writing with foreign keys off can add events before their application, or
    # renumber an application: its milestones are read again from what is there.
    f"""CREATE TRIGGER applications_milestones_insert AFTER INSERT ON applications
        WHEN EXISTS (SELECT 1 FROM events WHERE application_id = NEW.id)
        OR EXISTS (SELECT 1 FROM drafts WHERE application_id = NEW.id) BEGIN
        UPDATE applications SET {_RECOMPUTE_EVENTS}, {_RECOMPUTE_THANKS} WHERE id = NEW.id;
        END""",
    f"""CREATE TRIGGER applications_milestones_renumber AFTER UPDATE OF id ON applications
        BEGIN UPDATE applications SET {_RECOMPUTE_EVENTS}, {_RECOMPUTE_THANKS}
        WHERE id = NEW.id; END""",
    f"""CREATE TRIGGER drafts_thanks_insert AFTER INSERT ON drafts
        WHEN NEW.kind = 'rejection_thanks' AND NEW.status = 'sent' BEGIN
        UPDATE applications SET {_RECOMPUTE_THANKS} WHERE id = NEW.application_id; END""",
    f"""CREATE TRIGGER drafts_thanks_update AFTER UPDATE OF application_id, kind, status,
        sent_on ON drafts WHEN OLD.kind = 'rejection_thanks' OR NEW.kind = 'rejection_thanks'
        BEGIN UPDATE applications SET {_RECOMPUTE_THANKS}
        WHERE id IN (OLD.application_id, NEW.application_id); END""",
    f"""CREATE TRIGGER drafts_thanks_delete AFTER DELETE ON drafts
        WHEN OLD.kind = 'rejection_thanks' BEGIN
        UPDATE applications SET {_RECOMPUTE_THANKS} WHERE id = OLD.application_id; END""",
    # Covering indexes: each progress count is an index-only range scan, grouped in order.
    "CREATE INDEX applications_by_reply ON applications (first_reply_on, applied_on)",
    "CREATE INDEX applications_by_interview ON applications (first_interview_on, applied_on)",
    "CREATE INDEX applications_by_offer ON applications (first_offer_on, applied_on)",
    "CREATE INDEX applications_by_rejection ON applications (first_rejection_on, applied_on)",
    "CREATE INDEX applications_by_thanks ON applications"
    " (thanks_sent_on, first_rejection_on, applied_on)",
    "CREATE INDEX applications_by_level ON applications"
    " (furthest_level, stage, applied_on, first_reply_on)",
    "CREATE INDEX applications_by_source ON applications (source, applied_on, first_reply_on)",
    # Days from applying to the first reply, computed by SQLite (virtual: never stored) and
    # indexed, so the response-time counts are grouped in index order, not sorted.
    "ALTER TABLE applications ADD COLUMN reply_days INTEGER GENERATED ALWAYS AS"
    " (CAST(julianday(first_reply_on) - julianday(applied_on) AS INTEGER)) VIRTUAL",
    "CREATE INDEX applications_by_reply_days ON applications"
    " (reply_days, first_reply_on, applied_on)",
    # "Rejections without a thank-you": only the unanswered ones are read, newest first.
    "CREATE INDEX applications_unthanked ON applications (stage, thanks_sent_on, stage_on)",
    # The reflect page's "recent reflections", newest first, without sorting them all.
    "CREATE INDEX reflections_by_status ON reflections (status, completed_on)",
]

MIGRATIONS: list[list[str]] = [_V1, _V2, _V3, _V4]
assert len(MIGRATIONS) == SCHEMA_VERSION


def _apply_migrations(execute: Callable[[str], Any], from_version: int, *,
                      marks: bool = True) -> None:
    """Run the frozen steps after `from_version`, then mark the file as ours at the newest
    version. The caller holds the transaction."""
    for version in range(from_version + 1, SCHEMA_VERSION + 1):
        for statement in MIGRATIONS[version - 1]:
            execute(statement)
    if marks:
        execute(f"PRAGMA application_id = {APPLICATION_ID}")
        execute(f"PRAGMA user_version = {SCHEMA_VERSION}")
