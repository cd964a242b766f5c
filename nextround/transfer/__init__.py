"""Getting data in and out: the full JSON export, the spreadsheet CSV, and imports of both.

Callers use this package's names (`from nextround import transfer; transfer.preview(...)`);
the modules behind them each do one job:
- `export`: the lossless JSON export, the spreadsheet-safe CSV, atomic file writes;
- `formulas`: the reversible guard against spreadsheet formulas in CSV cells;
- `reading`: strict UTF-8, CSV records as a stream, delimiters, strict dates;
- `tables`: a CSV, an Excel workbook or another tool's JSON list as one header and its rows;
- `sources`: which tool a file came from (one module per tool), recognised by its header;
- `dates`: the dates other tools write, ambiguous ones decided by the file or asked;
- `spreadsheet` and `rows`: a table of applications, ours or another tool's, row by row,
  saved-not-applied rows offered for the dream-job list;
- `json_stream` and `our_json`: our full export, read as a stream and checked table by table;
- `rules`: the checks every stored value and record passes (import, restore and `check`);
- `importing`: `preview` and the all-or-nothing `import_file`;
- `backups`: backups and restores on either engine (a server's are full exports);
- `results`, `columns`, `limits`: the shared vocabulary.

Why it is built this way:
- Imports never guess silently. Text must be UTF-8 (Windows-1252 is named, and converted when
  the user agrees); dates are strict ISO unless the user picks a format or the file is a
  known tool's, and an ambiguous date is decided by the file's other rows or asked; every
  status word maps onto one of our stages (or "saved": the dream-job list) or is reported;
  a required column we can't find is asked for by name. Problems are listed
  by line (as a spreadsheet shows it: the header is line 1) and by field, and nothing is written
  unless the whole file is good. Rows are validated by the same checks the forms use.
- `preview()` does all of that without writing. A dry run is the real import, every write
  included, rolled back instead of committed, so it can't promise what the import refuses.
- Memory stays near the file's size: a CSV is read as a stream, and a full export is read one
  row at a time (twice: to check, then to write), keeping only ids and links in arrays.
"""

from nextround.transfer.backups import (
    daily_backup,
    describe_backup,
    make_backup,
    restore_backup,
)
from nextround.transfer.columns import COLUMN_NAMES, CSV_FIELDS, CSV_HEADER, FIELD_LABELS
from nextround.transfer.export import (
    APP_NAME,
    EXPORT_FORMAT,
    export_bytes,
    export_csv,
    export_data,
    export_json,
    export_xlsx,
    write_file_atomically,
)
from nextround.transfer.formulas import neutralize, unneutralize
from nextround.transfer.importing import answer_columns, import_file, preview
from nextround.transfer.limits import (
    MAX_CSV_BYTES,
    MAX_FIELD_CHARS,
    MAX_JSON_BYTES,
    MAX_JSON_ROW_CHARS,
    MAX_JSON_ROWS,
    MAX_PROBLEMS,
    MAX_ROWS,
    MAX_TEXT_CHARS,
)
from nextround.transfer.our_json import stored_value_problems
from nextround.transfer.reading import (
    DATE_FORMATS,
    DEFAULT_DATE_FORMAT,
    DELIMITERS,
    decode,
    parse_day,
)
from nextround.transfer.results import (
    Choices,
    Duplicate,
    ImportRefused,
    ImportResult,
    Preview,
    Problem,
    Progress,
)
from nextround.transfer.rules import COUNTERS, SQLITE_INT_MAX
from nextround.transfer.sources import AUTO, SAVED
from nextround.transfer.spreadsheet import DEFAULT_STATUS_WORDS

__all__ = [
    "APP_NAME", "AUTO", "COLUMN_NAMES", "COUNTERS", "CSV_FIELDS", "CSV_HEADER", "Choices",
    "DATE_FORMATS", "DEFAULT_DATE_FORMAT", "DEFAULT_STATUS_WORDS", "DELIMITERS", "Duplicate",
    "EXPORT_FORMAT", "FIELD_LABELS", "ImportRefused", "ImportResult", "MAX_CSV_BYTES",
    "MAX_FIELD_CHARS", "MAX_JSON_BYTES", "MAX_JSON_ROWS", "MAX_JSON_ROW_CHARS", "MAX_PROBLEMS",
    "MAX_ROWS", "MAX_TEXT_CHARS", "Preview", "Problem", "Progress", "SAVED", "SQLITE_INT_MAX",
    "answer_columns", "daily_backup", "decode", "describe_backup", "export_bytes", "export_csv",
    "export_data", "export_json", "export_xlsx", "import_file", "make_backup", "neutralize",
    "parse_day", "preview", "restore_backup", "stored_value_problems", "unneutralize",
    "write_file_atomically",
]
