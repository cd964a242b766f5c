"""Every size an import accepts, in one place: files, rows, fields and the problems listed.

A limit keeps memory and time bounded whatever a file holds; each refusal names its limit.
"""

MAX_CSV_BYTES = 10 * 1024 * 1024
MAX_JSON_BYTES = 64 * 1024 * 1024
MAX_ROWS = 50_000
MAX_FIELD_CHARS = 20_000
MAX_PROBLEMS = 1_000  # problems listed; past that one more line says there are more
MAX_JSON_ROWS = 1_000_000
MAX_JSON_ROW_CHARS = 1_000_000
MAX_TEXT_CHARS = 100_000
