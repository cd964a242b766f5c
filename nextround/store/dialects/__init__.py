"""The engines Next Round runs on, each kept apart in its own module: `sqlite` (the embedded
default: a file) and `postgresql` (a server, `postgresql+psycopg://`). Why: docs/decisions.md,
"how dialects are kept apart".

Everything one engine does its own way is in its module, under the same names in both:
`create_engine`, `MIGRATIONS`, `migrate`, `read_version`, `has_table`, `columns`,
`integrity_problems`, `broken_links`, `defer_foreign_keys`, `bulk_insert`,
`refresh_statistics`, and the SQL forms `insert_or_ignore`, `indexed_by`, `count_if`,
`later_of`, `period_start`, `json_texts`, `trim_space`. The rest of the store writes SQL both
engines read alike and asks `for_url` (or `for_connection`) for the module when it needs one of
these. The schema check has each engine's own catalog reading: `schema_check` for SQLite (to
move here when the store is wired), `postgresql.schema_problems` for PostgreSQL.
"""

from __future__ import annotations

from types import ModuleType

from sqlalchemy.engine import Connection

from nextround.store.dialects import postgresql, sqlite
from nextround.store.errors import StoreError

POSTGRESQL_SCHEME = "postgresql+psycopg"


def for_url(url: str) -> ModuleType:
    """The dialect module for a database URL (`sqlite:///…` or `postgresql+psycopg://…`)."""
    scheme = url.split("://", 1)[0] if "://" in url else ""
    if scheme == "sqlite":
        return sqlite
    if scheme == POSTGRESQL_SCHEME:
        return postgresql
    raise StoreError(f"Can't open a database at a {scheme or url}:// address: Next Round uses "
                     "an SQLite file (give a file path) or a PostgreSQL server "
                     f"({POSTGRESQL_SCHEME}://user@host:port/database). Nothing was changed.")


def for_connection(conn: Connection) -> ModuleType:
    """The dialect module a connection talks to."""
    return postgresql if conn.dialect.name == "postgresql" else sqlite
