"""The one place that talks SQL: opening, schema, migrations, every read and write, backup and
restore. Other layers import from here, never from the modules inside:

- `opening`: inspecting a file read-only before anything writes to it, creating one, the engine;
- `schema`: the frozen migration steps and the derived milestone columns;
- `schema_check`: whether a file is exactly ours, for restore, `check` and the data page;
- `database`: the `Store` core (opening, `read()` / `write()` transactions, counts, checks);
- `records`, `transaction`: what every record type builds on, and the `Transaction` that
  `with store.write() as tx:` yields;
- one module per record type: `applications`, `drafts`, `feedback`, `reflections`,
  `actions`, `settings`, `dream_list`, `checkins`, `progress`, `transfer` (each
  `store.<name>`, or `tx.<name>` inside a transaction);
- `backups`, `restore`, `files`: backup names and copies and `store.backups`, restore,
  private files and `--out`;
- `errors`: what a store raises, each a problem told in plain words.
"""

from nextround.store.applications import STAGE_NOTE_MAX
from nextround.store.backups import BackupFile, copy_checked, describe_backups
from nextround.store.database import Store
from nextround.store.errors import (
    CorruptDatabaseError,
    DatabaseProblemsError,
    ForeignDatabaseError,
    NewerDatabaseError,
    NotFoundError,
    ReadOnlyDatabaseError,
    StaleVersionError,
    StoreError,
    _reason,
)
from nextround.store.files import (
    check_output_file,
    file_version,
    make_private_folder,
    remove_with_companions,
    temp_name,
)
from nextround.store.opening import (
    BUSY_TIMEOUT_MS,
    DEFAULT_DB_PATH,
    SQLITE_HEADER,
    checkpoint,
    default_url,
    inspect_sqlite_file,
    local_folder,
    sqlite_path,
    to_url,
)
from nextround.store.records import MAX_COUNT
from nextround.store.restore import RestoreResult, describe_database_file, restore_database
from nextround.store.schema import (
    APPLICATION_ID,
    DERIVED_COLUMNS,
    MIGRATIONS,
    SCHEMA_VERSION,
    TABLES,
)
from nextround.store.schema_check import RowCheck
from nextround.store.transaction import Transaction
from nextround.store.transfer import ColumnRule

__all__ = [
    "APPLICATION_ID", "BUSY_TIMEOUT_MS", "BackupFile", "DEFAULT_DB_PATH", "DERIVED_COLUMNS",
    "MAX_COUNT", "MIGRATIONS", "SCHEMA_VERSION", "SQLITE_HEADER", "STAGE_NOTE_MAX", "TABLES",
    "ColumnRule",
    "CorruptDatabaseError", "DatabaseProblemsError", "ForeignDatabaseError",
    "NewerDatabaseError", "NotFoundError", "ReadOnlyDatabaseError", "RestoreResult",
    "RowCheck", "StaleVersionError", "Store", "StoreError", "Transaction", "_reason",
    "check_output_file", "checkpoint", "copy_checked", "default_url", "describe_backups",
    "describe_database_file", "file_version", "inspect_sqlite_file", "local_folder",
    "make_private_folder",
    "remove_with_companions", "restore_database", "sqlite_path", "temp_name", "to_url",
]
