"""The two engines keep and refuse the same data (docs/decisions.md, "how dialects are kept
apart"): the schema their frozen steps build is the same in meaning, its checks and triggers
behave alike, ids continue after the largest, and PostgreSQL's schema check accepts ours and
names a changed one.

The PostgreSQL half runs when NEXTROUND_TEST_POSTGRES holds a server URL (tests/engines.py).
"""

from __future__ import annotations

import random
import sqlite3
import threading
from collections.abc import Iterator
from datetime import date, timedelta
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st
from sqlalchemy import text
from sqlalchemy.engine import Connection, Engine
from sqlalchemy.exc import DBAPIError, OperationalError

from nextround.store import dialects
from nextround.store.dialects import postgresql, sqlite
from nextround.store.errors import ForeignDatabaseError, NewerDatabaseError, StoreError
from nextround.store.opening import _create_engine, migrate_engine, sqlite_path, to_url
from nextround.store.schema import DERIVED_COLUMNS, SCHEMA_VERSION, TABLES
from tests.engines import connect, database_url

STAMP = "2026-11-25T00:00:00+00:00"


@pytest.fixture
def engine(engine_url: str) -> Iterator[Engine]:
    """The engine for `engine_url`, migrated, disposed after the test."""
    made = _create_engine(engine_url)
    migrate_engine(made)
    yield made
    made.dispose()


@pytest.fixture
def both(tmp_path, postgres_url: str) -> Iterator[dict[str, Engine]]:  # noqa: ANN001
    """A migrated database on each engine, side by side."""
    engines = {"sqlite": _create_engine(f"sqlite:///{tmp_path / 'both.db'}"),
               "postgresql": _create_engine(postgres_url)}
    for made in engines.values():
        migrate_engine(made)
    yield engines
    for made in engines.values():
        made.dispose()


def _tables(conn: Connection) -> set[str]:
    if conn.dialect.name == "sqlite":
        sql = "SELECT name FROM sqlite_master WHERE type = 'table'"
    else:
        sql = "SELECT tablename FROM pg_tables WHERE schemaname = current_schema()"
    return {str(r[0]) for r in conn.exec_driver_sql(sql)}


# --- opening and migrating ------------------------------------------------------------------

def test_urls_name_their_engine() -> None:
    url = "postgresql+psycopg://postgres@127.0.0.1:5432/jobs"
    assert to_url(url) == url and sqlite_path(url) is None
    assert dialects.for_url(url) is postgresql
    assert dialects.for_url(to_url("x.db")) is sqlite
    for other in ("postgresql://sam:secret@localhost/jobs", "mysql://x/y", "nosuchdialect://x"):
        with pytest.raises(StoreError, match="postgresql\\+psycopg://") as refused:
            dialects.for_url(other)
        assert "secret" not in str(refused.value)


def test_a_new_database_is_migrated_once_on_each_engine(new_database_url: str) -> None:
    made = _create_engine(new_database_url)
    try:
        assert migrate_engine(made) == 0
        assert migrate_engine(made) == SCHEMA_VERSION  # a second start finds it done
        with made.connect() as conn, conn.begin():
            dialect = dialects.for_connection(conn)
            assert dialect.read_version(conn) == SCHEMA_VERSION
            own = {"change_counter"} | ({"nextround_schema"} if dialect is postgresql else set())
            assert _tables(conn) == set(TABLES) | own
            assert conn.execute(text("SELECT id, n FROM change_counter")).all() == [(1, 0)]
            assert conn.execute(text("SELECT id, name FROM settings")).all() == [(1, "")]
    finally:
        made.dispose()


def test_a_server_database_holding_other_tables_is_refused_and_left_alone(
        postgres_databases) -> None:  # noqa: ANN001
    name = postgres_databases.fresh(migrated=False)
    url = database_url(name)
    try:
        with connect(url, autocommit=True) as admin:
            admin.execute("CREATE TABLE invoices (id int)")
        made = _create_engine(url)
        with pytest.raises(ForeignDatabaseError, match="not Next Round's"):
            migrate_engine(made)
        with made.connect() as conn:
            assert _tables(conn) == {"invoices"}
        made.dispose()
    finally:
        postgres_databases.drop(name)


def test_a_server_database_a_newer_version_wrote_is_refused(postgres_url: str) -> None:
    with connect(postgres_url, autocommit=True) as admin:
        admin.execute("UPDATE nextround_schema SET version = 99")
    made = _create_engine(postgres_url)
    try:
        with pytest.raises(NewerDatabaseError, match="schema 99"):
            migrate_engine(made)
    finally:
        made.dispose()


def test_an_unreachable_server_is_one_plain_line() -> None:
    made = _create_engine("postgresql+psycopg://nobody:secret@127.0.0.1:1/none")
    with pytest.raises(StoreError) as refused:
        migrate_engine(made)
    shown = str(refused.value)
    assert "\n" not in shown and "secret" not in shown and "Nothing was changed" in shown


# --- the same schema in meaning -------------------------------------------------------------

_FAMILY = {"INTEGER": "integer", "bigint": "integer", "TEXT": "text", "text": "text",
           "REAL": "real", "double precision": "real"}


def _columns(conn: Connection, table: str) -> list[tuple[str, str, bool, bool, bool]]:
    """(name, type family, NOT NULL, has a default, primary key) per column, in order."""
    if conn.dialect.name == "sqlite":
        return [(r[1], _FAMILY[r[2]], bool(r[3]) or bool(r[5]), r[4] is not None or bool(r[5]),
                 bool(r[5])) for r in conn.exec_driver_sql(f"PRAGMA table_xinfo({table})")]
    rows = conn.exec_driver_sql(
        "SELECT a.attname, format_type(a.atttypid, a.atttypmod), a.attnotnull,"
        " (a.atthasdef AND a.attgenerated = '') OR a.attidentity <> '',"
        " EXISTS (SELECT 1 FROM pg_constraint k WHERE k.conrelid = a.attrelid"
        " AND k.contype = 'p' AND a.attnum = ANY (k.conkey))"
        " FROM pg_attribute a WHERE a.attrelid = %(t)s::regclass AND a.attnum > 0"
        " AND NOT a.attisdropped ORDER BY a.attnum", {"t": table})
    return [(r[0], _FAMILY[r[1]], bool(r[2]), bool(r[3]), bool(r[4])) for r in rows]


def _indexes(conn: Connection) -> dict[str, tuple[str, tuple[str, ...], bool]]:
    """Our named indexes: name → (table, columns, unique)."""
    if conn.dialect.name == "sqlite":
        found = {}
        for name, table in conn.exec_driver_sql(
                "SELECT name, tbl_name FROM sqlite_master WHERE type = 'index'"
                " AND sql IS NOT NULL"):
            cols = tuple(r[2] for r in conn.exec_driver_sql(f"PRAGMA index_info({name})"))
            found[name] = (table, cols, False)
        return found
    rows = conn.exec_driver_sql(
        "SELECT i.relname, t.relname, array_agg(a.attname ORDER BY k.n), x.indisunique"
        " FROM pg_index x JOIN pg_class i ON i.oid = x.indexrelid"
        " JOIN pg_class t ON t.oid = x.indrelid"
        " CROSS JOIN LATERAL unnest(x.indkey) WITH ORDINALITY k(attnum, n)"
        " JOIN pg_attribute a ON a.attrelid = t.oid AND a.attnum = k.attnum"
        " WHERE t.relnamespace = (SELECT oid FROM pg_namespace WHERE nspname = current_schema())"
        " AND NOT x.indisprimary AND NOT EXISTS (SELECT 1 FROM pg_constraint c"
        " WHERE c.conindid = x.indexrelid) GROUP BY 1, 2, 4")
    return {r[0]: (r[1], tuple(r[2]), bool(r[3])) for r in rows}


def _triggers(conn: Connection) -> set[str]:
    if conn.dialect.name == "sqlite":
        return {str(r[0]) for r in conn.exec_driver_sql(
            "SELECT name FROM sqlite_master WHERE type = 'trigger'")}
    return {str(r[0]) for r in conn.exec_driver_sql(
        "SELECT t.tgname FROM pg_trigger t JOIN pg_class c ON c.oid = t.tgrelid"
        " WHERE NOT t.tgisinternal"
        " AND c.relnamespace = (SELECT oid FROM pg_namespace WHERE nspname = current_schema())")}


def test_both_engines_build_the_same_tables_columns_indexes_and_triggers(
        both: dict[str, Engine]) -> None:
    described = {}
    for name, made in both.items():
        with made.connect() as conn:
            described[name] = {
                "columns": {t: _columns(conn, t) for t in (*TABLES, "change_counter")},
                "indexes": _indexes(conn), "triggers": _triggers(conn)}
    lite, pg = described["sqlite"], described["postgresql"]
    assert pg["columns"] == lite["columns"]
    assert pg["indexes"] == lite["indexes"]
    # PostgreSQL's own extra: one statement trigger per table keeps new ids after the largest.
    follow = {f"{t}_ids_follow" for t in (*TABLES, "change_counter")}
    assert pg["triggers"] == lite["triggers"] | follow
    assert set(DERIVED_COLUMNS["applications"]) <= {c[0] for c in pg["columns"]["applications"]}


# Rows each engine must take or refuse alike: (table, values, taken).
_APP = {"company": "Acme", "applied_on": "2026-11-02", "stage": "applied",
        "stage_on": "2026-11-02", "created_at": STAMP, "updated_at": STAMP}
_CHECKIN = {"week": "2026-W48", "checked_on": "2026-11-25", "items": "[3, 3, 3, 3, 3]",
            "who5_raw": 15, "updated_at": STAMP}
ROWS: list[tuple[str, dict[str, Any], bool]] = [
    ("applications", _APP, True),
    ("applications", {**_APP, "applied_on": "2026-02-30"}, False),
    ("applications", {**_APP, "applied_on": "2024-02-29", "stage_on": "2024-02-29"}, True),
    ("applications", {**_APP, "applied_on": "2100-02-29"}, False),
    ("applications", {**_APP, "applied_on": "2000-02-29", "stage_on": "2000-02-29"}, True),
    ("applications", {**_APP, "applied_on": "2026-1-02"}, False),
    ("applications", {**_APP, "applied_on": "2026-11-02 "}, False),
    ("applications", {**_APP, "applied_on": "2026-11-02T00:00"}, False),
    ("applications", {**_APP, "stage": "hired"}, False),
    ("applications", {**_APP, "company": ""}, False),
    ("applications", {**_APP, "company": "x" * 200}, True),
    ("applications", {**_APP, "company": "x" * 201}, False),
    ("applications", {**_APP, "notes": "n" * 20_001}, False),
    ("applications", {**_APP, "target_id": 999}, False),
    ("events", {"application_id": 999, "stage": "applied", "on_date": "2026-11-02",
                "created_at": STAMP}, False),
    ("checkins", _CHECKIN, True),
    ("checkins", {**_CHECKIN, "week": "2026-W5"}, False),
    ("checkins", {**_CHECKIN, "week": "2026-w48"}, False),
    ("checkins", {**_CHECKIN, "who5_raw": 26}, False),
    ("checkins", {**_CHECKIN, "hours": 168.5}, False),
    ("checkins", {**_CHECKIN, "stress": 11}, False),
    ("reflections", {"answers": "{}", "control_pct": 101, "created_on": "2026-11-25",
                     "updated_at": STAMP}, False),
    ("reflections", {"status": "open", "created_on": "2026-11-25", "updated_at": STAMP}, False),
    ("drafts", {"kind": "rejection_thanks", "status": "queued", "created_at": STAMP,
                "updated_at": STAMP}, False),
    ("actions", {"title": "", "created_on": "2026-11-25"}, False),
    ("actions", {"title": "t" * 301, "created_on": "2026-11-25"}, False),
    ("settings", {"id": 2}, False),
    ("change_counter", {"id": 2, "n": 0}, False),
]


def _try_insert(conn: Connection, table: str, values: dict[str, Any]) -> bool:
    """Whether the row is taken, inside a savepoint so a refusal leaves the rest."""
    columns = ", ".join(values)
    nested = conn.begin_nested()
    try:
        conn.execute(text(f"INSERT INTO {table} ({columns}) VALUES "
                          f"({', '.join(':' + c for c in values)})"), values)
        nested.commit()
        return True
    except DBAPIError:
        nested.rollback()
        return False


def test_both_engines_take_and_refuse_the_same_rows(engine: Engine) -> None:
    with engine.connect() as conn, conn.begin():
        got = [(table, values, _try_insert(conn, table, values)) for table, values, _ in ROWS]
    assert [taken for *_, taken in got] == [taken for *_, taken in ROWS]


def test_a_token_or_a_week_can_be_taken_once_on_both_engines(engine: Engine) -> None:
    draft = {"kind": "rejection_thanks", "request_token": "t1", "created_at": STAMP,
             "updated_at": STAMP}
    with engine.connect() as conn, conn.begin():
        assert _try_insert(conn, "drafts", draft)
        assert not _try_insert(conn, "drafts", draft)
        assert _try_insert(conn, "drafts", {**draft, "request_token": None})
        assert _try_insert(conn, "drafts", {**draft, "request_token": None})
        assert _try_insert(conn, "checkins", _CHECKIN)
        assert not _try_insert(conn, "checkins", _CHECKIN)


_DATE_TEXT = st.one_of(
    st.dates(date(1, 1, 1), date(9999, 12, 31)).map(date.isoformat),
    st.from_regex(r"\A[0-9]{4}-[0-9]{2}-[0-9]{2}\Z"),
    st.from_regex(r"\A[0-9]{4}-02-(28|29|30)\Z"),
    st.text(alphabet="0123456789-T: ", max_size=12),
)


@pytest.fixture(scope="module")
def postgres_connection(request: pytest.FixtureRequest) -> Iterator[Any]:
    """One plain connection to a migrated PostgreSQL database, for quick checks of many values."""
    databases = request.getfixturevalue("postgres_databases")
    name = databases.fresh()
    try:
        with connect(database_url(name), autocommit=True) as conn:
            yield conn
    finally:
        databases.drop(name)


@given(text_=_DATE_TEXT)
def test_the_date_backstop_is_the_same_on_both_engines(postgres_connection: Any,
                                                       text_: str) -> None:
    lite = sqlite3.connect(":memory:")
    wanted = bool(lite.execute("SELECT ? IS date(?, '+0 days')", (text_, text_)).fetchone()[0])
    lite.close()
    got = postgres_connection.execute("SELECT nextround_is_date(%s)", (text_,)).fetchone()[0]
    assert got is wanted, text_


# --- the triggers behave alike --------------------------------------------------------------

_STAGES = ["applied", "screening", "interviewing", "offer", "accepted", "rejected", "withdrawn",
           "ghosted"]
_MILESTONES = ("SELECT id, first_reply_on, first_interview_on, first_offer_on,"
               " first_rejection_on, thanks_sent_on, furthest_level, reply_days"
               " FROM applications ORDER BY id")


def _day(rng: random.Random) -> str:
    return (date(2026, 6, 1) + timedelta(days=rng.randrange(120))).isoformat()


def _writes(seed: int) -> list[tuple[str, dict[str, Any]]]:
    """A random sequence of plain SQL writes, each valid on both engines."""
    rng = random.Random(seed)
    writes: list[tuple[str, dict[str, Any]]] = []
    for n in range(1, 9):
        day = _day(rng)
        writes.append(("INSERT INTO applications (id, company, applied_on, stage, stage_on,"
                       " created_at, updated_at) VALUES (:id, 'Co', :d, 'applied', :d, :s, :s)",
                       {"id": n, "d": day, "s": STAMP}))
    for _ in range(60):
        app, kind = rng.randrange(1, 9), rng.randrange(9)
        params = {"a": app, "b": rng.randrange(1, 9), "d": _day(rng), "s": STAMP,
                  "st": rng.choice(_STAGES), "k": rng.choice(["rejection_thanks", "other"]),
                  "t": rng.choice(["draft", "sent"])}
        writes.append([
            ("INSERT INTO events (application_id, stage, on_date, created_at)"
             " VALUES (:a, :st, :d, :s)", params),
            ("INSERT INTO events (application_id, stage, on_date, created_at)"
             " VALUES (:a, :st, :d, :s)", params),
            ("UPDATE events SET stage = :st WHERE id = (SELECT min(id) FROM events"
             " WHERE application_id = :a)", params),
            ("UPDATE events SET on_date = :d, application_id = :b WHERE id = (SELECT max(id)"
             " FROM events WHERE application_id = :a)", params),
            ("DELETE FROM events WHERE id = (SELECT max(id) FROM events"
             " WHERE application_id = :a)", params),
            ("INSERT INTO drafts (application_id, kind, status, sent_on, created_at, updated_at)"
             " VALUES (:a, :k, :t, :d, :s, :s)", params),
            ("UPDATE drafts SET status = :t, sent_on = :d WHERE id = (SELECT min(id) FROM drafts"
             " WHERE application_id = :a)", params),
            ("DELETE FROM drafts WHERE id = (SELECT max(id) FROM drafts"
             " WHERE application_id = :a)", params),
            ("UPDATE applications SET applied_on = :d, stage_on = :d WHERE id = :a", params),
        ][kind])
    writes.append(("DELETE FROM applications WHERE id = :a", {"a": rng.randrange(1, 9)}))
    return writes


@pytest.mark.parametrize("seed", range(6))
def test_the_milestone_triggers_keep_the_same_columns_on_both_engines(
        both: dict[str, Engine], seed: int) -> None:
    seen = {}
    for name, made in both.items():
        with made.connect() as conn, conn.begin():
            for sql, params in _writes(seed):
                conn.execute(text(sql), params)
            seen[name] = [tuple(r) for r in conn.exec_driver_sql(_MILESTONES)]
    assert seen["postgresql"] == seen["sqlite"]
    assert any(row[1] is not None for row in seen["sqlite"])  # the writes reached milestones


# --- ids, links and the SQL forms that differ -----------------------------------------------

def test_explicit_ids_are_kept_and_new_ones_continue_after_the_largest(engine: Engine) -> None:
    insert = text("INSERT INTO targets (id, company, created_on) VALUES (:id, 'Co', :d)")
    with engine.connect() as conn, conn.begin():
        conn.execute(insert, [{"id": 5, "d": "2026-11-25"}, {"id": 40, "d": "2026-11-25"}])
        new = conn.execute(text("INSERT INTO targets (company, created_on) VALUES"
                                " ('New', '2026-11-25') RETURNING id")).scalar_one()
        assert new == 41
        conn.execute(insert, {"id": 7, "d": "2026-11-25"})  # below the largest: nothing moves
        assert conn.execute(text("INSERT INTO targets (company, created_on) VALUES"
                                 " ('New', '2026-11-25') RETURNING id")).scalar_one() == 42


def test_links_checked_at_commit_list_what_points_nowhere(engine: Engine) -> None:
    with engine.connect() as conn:
        transaction = conn.begin()
        dialect = dialects.for_connection(conn)
        dialect.defer_foreign_keys(conn)
        conn.execute(text("INSERT INTO events (id, application_id, stage, on_date, created_at)"
                          " VALUES (3, 77, 'applied', '2026-11-02', :s)"), {"s": STAMP})
        assert dialect.broken_links(conn) == [("events", 3, "applications")]
        conn.execute(text("INSERT INTO applications (id, company, applied_on, stage, stage_on,"
                          " created_at, updated_at) VALUES (77, 'Co', '2026-11-02', 'applied',"
                          " '2026-11-02', :s, :s)"), {"s": STAMP})
        assert dialect.broken_links(conn) == []
        transaction.commit()


def test_insert_or_ignore_and_index_hints_read_alike(engine: Engine) -> None:
    with engine.connect() as conn, conn.begin():
        dialect = dialects.for_connection(conn)
        conn.execute(text(dialect.insert_or_ignore("settings", "id, version", "1, 9")))
        assert conn.execute(text("SELECT version FROM settings")).scalar_one() == 1
        conn.execute(text("INSERT INTO applications (company, applied_on, stage, stage_on,"
                          " created_at, updated_at) VALUES ('Co', '2026-11-02', 'applied',"
                          " '2026-11-02', :s, :s)"), {"s": STAMP})
        counts = conn.execute(text(
            "SELECT applied_on AS day, count(*) AS n FROM applications"
            f"{dialect.indexed_by('applications_by_applied')}"
            " WHERE applied_on BETWEEN :a AND :b GROUP BY 1"),
            {"a": "2026-11-01", "b": "2026-11-30"}).all()
        assert [tuple(r) for r in counts] == [("2026-11-02", 1)]


def test_both_engines_describe_every_column_alike(both: dict[str, Engine]) -> None:
    """What an import checks a file against (type, NOT NULL, default, date CHECK, link,
    UNIQUE, key) is the same whichever engine holds the data."""
    described = {}
    for name, made in both.items():
        with made.connect() as conn:
            dialect = dialects.for_connection(conn)
            described[name] = {t: dialect.columns(conn, t) for t in TABLES}
    assert described["postgresql"] == described["sqlite"]
    dates = {c["name"] for c in described["sqlite"]["applications"] if c["is_date"]}
    assert dates == {"applied_on", "stage_on"}


def test_the_sql_forms_that_differ_give_the_same_answers(engine: Engine) -> None:
    rows = [("2026-11-02", "2026-11-20", '["Skills", " Culture\\t", 3, null, "Skills"]'),
            ("2026-11-08", "2026-12-01", "not json"),
            ("2024-02-29", "2024-03-03", '{"a": 1}'),
            ("2026-01-01", "2025-12-31", '"Skills"')]
    with engine.connect() as conn, conn.begin():
        d = dialects.for_connection(conn)
        for n, (applied, later, themes) in enumerate(rows, start=1):
            conn.execute(text("INSERT INTO feedback_requests (id, asked_on, received_on, themes,"
                              " created_at, updated_at) VALUES (:n, :a, :r, :t, :s, :s)"),
                         {"n": n, "a": applied, "r": later, "t": themes, "s": STAMP})
        got = conn.execute(text(
            f"SELECT id, {d.period_start('month', 'received_on')},"
            f" {d.period_start('week', 'received_on')},"
            f" {d.later_of('asked_on', 'received_on')} FROM feedback_requests ORDER BY id")).all()
        assert [tuple(r) for r in got] == [
            (1, "2026-11-01", "2026-11-16", "2026-11-20"),
            (2, "2026-12-01", "2026-11-30", "2026-12-01"),
            (3, "2024-03-01", "2024-02-26", "2024-03-03"),
            (4, "2025-12-01", "2025-12-29", "2026-01-01")]
        source, is_text, value = d.json_texts("f.themes", "j")
        themes = conn.execute(text(
            f"SELECT f.id, {d.trim_space(value)} FROM feedback_requests f, {source}"
            f" WHERE {is_text} ORDER BY f.id, 2")).all()
        assert [tuple(r) for r in themes] == [(1, "Culture"), (1, "Skills"), (1, "Skills")]
        counted = conn.execute(text(
            f"SELECT {d.count_if('asked_on <= :day')} AS early, count(*) AS n"
            " FROM feedback_requests"), {"day": "2026-11-02"}).one()
        assert tuple(counted) == (3, 4) and isinstance(counted[0], int)


def test_a_bulk_insert_keeps_ids_and_runs_the_triggers(engine: Engine) -> None:
    apps = [(n, "Co", "2026-11-02", "applied", "2026-11-02", STAMP, STAMP) for n in (3, 9)]
    events = [(1, 9, "screening", "2026-11-05", STAMP), (2, 3, "rejected", "2026-11-07", STAMP)]
    with engine.connect() as conn, conn.begin():
        d = dialects.for_connection(conn)
        d.bulk_insert(conn, "applications", ("id", "company", "applied_on", "stage", "stage_on",
                                             "created_at", "updated_at"), apps)
        d.bulk_insert(conn, "events", ("id", "application_id", "stage", "on_date", "created_at"),
                      events)
        got = conn.execute(text("SELECT id, first_reply_on, reply_days FROM applications"
                                " ORDER BY id")).all()
        assert [tuple(r) for r in got] == [(3, "2026-11-07", 5), (9, "2026-11-05", 3)]
        new = conn.execute(text("INSERT INTO applications (company, applied_on, stage, stage_on,"
                                " created_at, updated_at) VALUES ('Co', '2026-11-02', 'applied',"
                                " '2026-11-02', :s, :s) RETURNING id"), {"s": STAMP}).scalar()
        assert new == 10
        assert d.integrity_problems(conn) == []


def test_statistics_are_refreshed_after_a_bulk_load(engine: Engine) -> None:
    """PostgreSQL plans the progress reads from statistics (it has no index hints): a bulk
    load ends by refreshing them. SQLite names its indexes and has nothing to do."""
    with engine.connect() as conn, conn.begin():
        d = dialects.for_connection(conn)
        d.bulk_insert(conn, "targets", ("company", "created_on"), [("Co", "2026-11-25")] * 3)
    d.refresh_statistics(engine)
    if d is postgresql:
        with engine.connect() as conn:
            analyzed = conn.exec_driver_sql(
                "SELECT last_analyze IS NOT NULL AND last_vacuum IS NOT NULL"
                " FROM pg_stat_user_tables WHERE relname = 'targets'").scalar()
        assert analyzed


# --- transactions: writers queue, a read is one snapshot --------------------------------------

def test_a_read_is_one_snapshot_while_a_write_commits(engine: Engine) -> None:
    count = text("SELECT count(*) FROM targets")
    with engine.connect().execution_options(nextround_begin="DEFERRED") as reader:
        with reader.begin():
            before = reader.execute(count).scalar_one()
            with engine.connect() as writer, writer.begin():
                writer.execute(text("INSERT INTO targets (company, created_on)"
                                    " VALUES ('Co', '2026-11-25')"))
            assert reader.execute(count).scalar_one() == before
    with engine.connect() as conn, conn.begin():
        assert conn.execute(count).scalar_one() == before + 1


def test_a_second_writer_waits_for_the_first_then_gives_up_in_plain_words(
        postgres_url: str, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(postgresql, "LOCK_TIMEOUT_MS", 300)
    made = _create_engine(postgres_url)
    try:
        with made.connect() as first, first.begin():
            first.execute(text("UPDATE settings SET name = 'first'"))
            with pytest.raises(OperationalError, match="lock timeout"):
                with made.connect() as second, second.begin():
                    second.execute(text("UPDATE settings SET name = 'second'"))
            # A read never waits for the writer.
            with made.connect().execution_options(nextround_begin="DEFERRED") as reader:
                with reader.begin():
                    assert reader.execute(text("SELECT name FROM settings")).scalar() == ""
    finally:
        made.dispose()


def test_a_second_writer_queues_behind_the_first(postgres_url: str) -> None:
    made = _create_engine(postgres_url)
    done: list[str] = []
    try:
        with made.connect() as first, first.begin():
            first.execute(text("UPDATE settings SET name = 'first'"))
            later = threading.Thread(target=_write_name, args=(made, "second", done))
            later.start()
            later.join(0.5)
            assert done == []  # still waiting for the first writer
        later.join(10)
        assert done == ["second"]
        with made.connect() as conn:
            assert conn.execute(text("SELECT name FROM settings")).scalar() == "second"
    finally:
        made.dispose()


def _write_name(made: Engine, name: str, done: list[str]) -> None:
    with made.connect() as conn, conn.begin():
        conn.execute(text("UPDATE settings SET name = :n"), {"n": name})
    done.append(name)


# --- PostgreSQL's schema check --------------------------------------------------------------

CHANGES = [
    ("CREATE TRIGGER extra AFTER INSERT ON events FOR EACH ROW"
     " EXECUTE FUNCTION events_milestones_insert()",
     "it has a trigger 'extra on events' that Next Round doesn't make"),
    ("DROP INDEX applications_by_reply", "the index applications_by_reply is missing"),
    ("ALTER TABLE applications ALTER COLUMN role SET DEFAULT 'x'",
     "the column role of the table applications is defined differently"),
    ("ALTER TABLE events DROP CONSTRAINT events_on_date_check",
     "the table events has other rules than Next Round's"),
    ("CREATE OR REPLACE FUNCTION drafts_thanks_delete() RETURNS trigger LANGUAGE plpgsql"
     " AS $$ BEGIN RETURN NULL; END $$",
     "the function drafts_thanks_delete() is defined differently"),
    ("ALTER TABLE drafts DISABLE TRIGGER drafts_thanks_delete",
     "the trigger drafts_thanks_delete on drafts is defined differently"),
    ("CREATE VIEW recent AS SELECT 1 AS one", "it has a view 'recent' that Next Round"),
    ("ALTER TABLE actions ADD COLUMN x int", "the table actions has a column 'x'"),
    ("DROP TABLE checkins", "the table checkins is missing"),
    ("ALTER TABLE settings ENABLE ROW LEVEL SECURITY",
     "the table settings has other rules than Next Round's"),
]


def test_the_schema_check_accepts_ours_on_postgresql(postgres_url: str) -> None:
    made = _create_engine(postgres_url)
    try:
        with made.connect() as conn, conn.begin():
            assert postgresql.schema_problems(conn, SCHEMA_VERSION) == []
            assert postgresql.schema_problems(conn, 7) == [
                "its schema version (7) is not one Next Round makes"]
    finally:
        made.dispose()


@pytest.mark.parametrize(("change", "named"), CHANGES, ids=[c[1][:40] for c in CHANGES])
def test_the_schema_check_names_a_changed_schema_on_postgresql(
        postgres_url: str, change: str, named: str) -> None:
    with connect(postgres_url, autocommit=True) as admin:
        admin.execute(change)
    made = _create_engine(postgres_url)
    try:
        with made.connect() as conn, conn.begin():
            problems = postgresql.schema_problems(conn, SCHEMA_VERSION)
    finally:
        made.dispose()
    assert len(problems) == 1 and named in problems[0], problems
