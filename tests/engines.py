"""A database for a test on each engine: SQLite always, PostgreSQL when NEXTROUND_TEST_POSTGRES
holds a server URL (e.g. postgresql+psycopg://postgres@127.0.0.1:5432/postgres; `.ci/run`
sets it).

On PostgreSQL every xdist worker migrates one template database once per session, and makes
its own database from it. Fixtures, by what the test does:
- `engine_url` (most tests, once per engine): the worker's own database, emptied back to a
  just-migrated state before the test (rows deleted, ids restarted: one round trip) and its
  schema digest compared after it, so a test that changed the schema gets the database rebuilt
  from the template. Each test gets its own URL (a distinct application_name), so nothing keyed
  by URL carries over from the test before.
- `postgres_url`: a database of the test's own, `CREATE DATABASE … TEMPLATE`, dropped after the
  test; `new_database_url` (once per engine): one nothing has opened yet. For tests that change
  the schema or the version on purpose, or compare the engines side by side.
Why two ways: creating a database from the template takes 0.1 to 0.2 s, but dropping one makes
the server checkpoint, 0.3 to 2.5 s here (more under write load); emptying the worker's
database and checking its digest takes about 0.05 s together.
Names carry the worker's pid and id (`nrt_<pid>_<worker>_…`), so parallel workers and two test
runs on one server never collide; databases left by a run that was killed (its pid is gone)
are dropped when the next run starts.
"""

from __future__ import annotations

import itertools
import os
import re
from collections.abc import Iterator

import pytest
from sqlalchemy.engine import make_url

from nextround.store.files import _pid_alive  # the rule leftover copies are judged by

POSTGRES_ENV = "NEXTROUND_TEST_POSTGRES"
POSTGRES_URL = os.environ.get(POSTGRES_ENV, "").strip()
# Which engine the whole suite's own database is on (`isolated`, `store`, the app under test):
# `make test` runs the suite on SQLite, then its store, unit, command-line and page tests again
# with NEXTROUND_TEST_ENGINE=postgresql when a server is given.
TEST_ENGINE = os.environ.get("NEXTROUND_TEST_ENGINE", "sqlite").strip() or "sqlite"
if TEST_ENGINE not in ("sqlite", "postgresql"):
    raise RuntimeError(f"NEXTROUND_TEST_ENGINE must be sqlite or postgresql, not {TEST_ENGINE}")
if TEST_ENGINE == "postgresql" and not POSTGRES_URL:
    raise RuntimeError(f"NEXTROUND_TEST_ENGINE=postgresql needs {POSTGRES_ENV} (a server URL)")
ENGINES = [
    pytest.param("sqlite", id="sqlite"),
    pytest.param("postgresql", id="postgresql", marks=pytest.mark.skipif(
        not POSTGRES_URL, reason=f"{POSTGRES_ENV} is not set (no PostgreSQL server to test)")),
]
_NAME = re.compile(r"nrt_(?P<pid>\d+)_\w+")
# Everything a test could change in the schema, as one digest: a cheap "is it still ours?".
_SCHEMA_DIGEST = """
WITH ns AS (SELECT oid FROM pg_namespace WHERE nspname = current_schema())
SELECT md5(string_agg(x, '|' ORDER BY x)) FROM (
  SELECT concat_ws(' ', 'c', relname, relkind, relrowsecurity, relforcerowsecurity,
    pg_get_indexdef(oid)) FROM pg_class WHERE relnamespace = (TABLE ns)
  UNION ALL SELECT concat_ws(' ', 'a', c.relname, a.attname, a.atttypid, a.attnotnull,
    a.attgenerated, pg_get_expr(d.adbin, d.adrelid))
    FROM pg_attribute a JOIN pg_class c ON c.oid = a.attrelid
    LEFT JOIN pg_attrdef d ON d.adrelid = a.attrelid AND d.adnum = a.attnum
    WHERE c.relnamespace = (TABLE ns) AND a.attnum > 0 AND NOT a.attisdropped
  UNION ALL SELECT concat_ws(' ', 'k', conname, pg_get_constraintdef(oid)) FROM pg_constraint
    WHERE connamespace = (TABLE ns)
  UNION ALL SELECT concat_ws(' ', 't', tgname, tgenabled, tgfoid) FROM pg_trigger t
    JOIN pg_class c ON c.oid = t.tgrelid WHERE c.relnamespace = (TABLE ns)
  UNION ALL SELECT concat_ws(' ', 'p', proname, md5(prosrc)) FROM pg_proc
    WHERE pronamespace = (TABLE ns)
  UNION ALL SELECT concat_ws(' ', 'r', rulename) FROM pg_rewrite r
    JOIN pg_class c ON c.oid = r.ev_class WHERE c.relnamespace = (TABLE ns)
  UNION ALL SELECT concat_ws(' ', 'y', polname) FROM pg_policy p
    JOIN pg_class c ON c.oid = p.polrelid WHERE c.relnamespace = (TABLE ns)
  UNION ALL SELECT concat_ws(' ', 'v', version) FROM nextround_schema
) AS schema(x)
"""
# Child tables before their parents, so deleting never trips a link.
_EMPTY_ORDER = ("path_steps", "checkins", "actions", "reflections", "feedback_requests",
                "drafts", "events", "targets", "applications", "settings", "change_counter")


def database_url(database: str, tag: str = "") -> str:
    """The test server's URL for one database (SQLAlchemy's form), tagged with an
    application_name when given."""
    url = make_url(POSTGRES_URL).set(database=database)
    if tag:
        url = url.update_query_dict({"application_name": tag})
    return url.render_as_string(hide_password=False)


def connect(url: str, *, autocommit: bool = False):  # noqa: ANN201 - a psycopg connection
    """A plain psycopg connection to a `postgresql+psycopg://` URL (for set-up, not the app)."""
    import psycopg

    plain = make_url(url).set(drivername="postgresql").render_as_string(
        hide_password=False)
    return psycopg.connect(plain, autocommit=autocommit)


class PostgresDatabases:
    """One worker's databases on the test server: a migrated template, the worker's reusable
    database, and fresh ones on request."""

    def __init__(self, worker: str) -> None:
        worker = re.sub(r"\W", "", worker)
        self.prefix = f"nrt_{os.getpid()}_{worker}"
        self.template = f"{self.prefix}_template"
        self.shared = f"{self.prefix}_shared"
        self._numbers = itertools.count(1)
        self._admin = connect(POSTGRES_URL, autocommit=True)
        self._drop_leftovers()
        self._create(self.template, template=None)
        from nextround.store.opening import _create_engine, migrate_engine

        engine = _create_engine(database_url(self.template))
        try:
            migrate_engine(engine)
        finally:
            engine.dispose()
        self._create(self.shared)
        self._reference = self._schema(self.shared)

    def _drop_leftovers(self) -> None:
        rows = self._admin.execute("SELECT datname FROM pg_database WHERE datname LIKE 'nrt!_%'"
                                   " ESCAPE '!'").fetchall()
        for (name,) in rows:
            match = _NAME.match(name)
            if match and not _pid_alive(int(match["pid"])):
                try:
                    self._drop(name)
                except Exception:  # noqa: BLE001 - another worker is dropping it too
                    pass

    def _create(self, name: str, template: str | None = "") -> None:
        source = self.template if template == "" else template
        clause = f' TEMPLATE "{source}" STRATEGY WAL_LOG' if source else ""
        self._admin.execute(f'CREATE DATABASE "{name}"{clause}')

    def _drop(self, name: str) -> None:
        self._admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')

    def _schema(self, database: str) -> str | None:
        """A digest of the database's schema and version (None if it can't be read)."""
        import psycopg

        try:
            with connect(database_url(database), autocommit=True) as conn:
                return conn.execute(_SCHEMA_DIGEST).fetchone()[0]
        except psycopg.Error:
            return None

    def fresh(self, *, migrated: bool = True) -> str:
        """A new database of its own, just migrated (or empty: never opened); `drop` it after
        the test."""
        name = f"{self.prefix}_{next(self._numbers)}"
        self._create(name, template="" if migrated else None)
        return name

    def drop(self, name: str) -> None:
        self._drop(name)

    def empty_shared(self) -> str:
        """The worker's database, as just migrated, under a URL no earlier test used. One
        round trip: a large leftover is truncated, a small one deleted row by row (cheaper
        than truncating, which makes new files)."""
        from nextround.store.dialects.postgresql import WRITE_LOCK

        deletes = " ".join(
            f"DELETE FROM {t}; PERFORM setval(pg_get_serial_sequence('{t}', 'id'), 1, false);"
            for t in _EMPTY_ORDER)
        with connect(database_url(self.shared), autocommit=True) as conn:
            conn.execute(f"""SET lock_timeout = 5000; SET synchronous_commit = off; DO $$ BEGIN
                PERFORM pg_advisory_xact_lock({WRITE_LOCK});
                IF (SELECT count(*) > 1000 FROM events) THEN
                    TRUNCATE {', '.join(_EMPTY_ORDER)} RESTART IDENTITY;
                ELSE {deletes} END IF;
                INSERT INTO settings (id) VALUES (1);
                INSERT INTO change_counter (id, n) VALUES (1, 0);
                END $$""")
        return database_url(self.shared, f"nrt-{next(self._numbers)}")

    def check_shared(self) -> None:
        """After a test: a schema or version it changed is put back by rebuilding the database
        from the template, so the next test starts from ours."""
        if self._reference is None or self._schema(self.shared) != self._reference:
            self._drop(self.shared)
            self._create(self.shared)

    def close(self) -> None:
        for name in (self.shared, self.template):
            self._drop(name)
        self._admin.close()


@pytest.fixture(scope="session")
def postgres_databases(worker_id: str) -> Iterator[PostgresDatabases]:
    if not POSTGRES_URL:
        pytest.skip(f"{POSTGRES_ENV} is not set (no PostgreSQL server to test)")
    databases = PostgresDatabases(worker_id)
    yield databases
    databases.close()


@pytest.fixture(params=ENGINES)
def engine_name(request: pytest.FixtureRequest) -> str:
    """Each engine in turn: the test runs once on SQLite and once on PostgreSQL."""
    return str(request.param)


@pytest.fixture
def engine_url(engine_name: str, request: pytest.FixtureRequest, tmp_path) -> Iterator[str]:  # noqa: ANN001
    """A database URL on each engine, its database just migrated and empty (SQLite: a new
    file; PostgreSQL: the worker's database emptied)."""
    if engine_name == "sqlite":
        yield f"sqlite:///{tmp_path / 'nextround.db'}"
        return
    databases: PostgresDatabases = request.getfixturevalue("postgres_databases")
    yield databases.empty_shared()
    databases.check_shared()


@pytest.fixture
def new_database_url(engine_name: str, request: pytest.FixtureRequest, tmp_path  # noqa: ANN001
                     ) -> Iterator[str]:
    """A database of the test's own on each engine that nothing has opened yet (SQLite: a
    path with no file; PostgreSQL: a new, empty database, dropped after the test)."""
    if engine_name == "sqlite":
        yield f"sqlite:///{tmp_path / 'nextround.db'}"
        return
    databases: PostgresDatabases = request.getfixturevalue("postgres_databases")
    name = databases.fresh(migrated=False)
    try:
        yield database_url(name)
    finally:
        databases.drop(name)


@pytest.fixture
def postgres_url(postgres_databases: PostgresDatabases) -> Iterator[str]:
    """A PostgreSQL database of the test's own, just migrated, dropped after the test: for a
    test that changes the schema or the version on purpose, or compares with SQLite."""
    name = postgres_databases.fresh()
    try:
        yield database_url(name)
    finally:
        postgres_databases.drop(name)
