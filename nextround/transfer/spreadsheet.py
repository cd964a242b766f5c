"""A table of applications from a CSV, a workbook or another tool's JSON: which tool made it,
which column is which, what its statuses and dates mean, and every row checked.

The tool is recognised by its header (`transfer.sources`); a file no tool claims has its
columns matched by name, and when the company or the date applied can't be found the preview
asks which column holds it (`columns` in `Choices`). Rows saved and never applied to are
offered for the dream-job list. Every row is validated by the rule its form uses, and
problems are listed by line (the header is line 1, as a spreadsheet counts) and field.
"""

from __future__ import annotations

from nextround import clock
from nextround.models import Stage
from nextround.store import Store
from nextround.transfer.columns import COLUMN_LOOKUP, COLUMN_NAMES, FIELD_LABELS, fold
from nextround.transfer.dates import DayReader, decide_order, numeric_order
from nextround.transfer.formulas import unneutralize
from nextround.transfer.limits import MAX_FIELD_CHARS, MAX_PROBLEMS, MAX_ROWS
from nextround.transfer.reading import DEFAULT_DATE_FORMAT
from nextround.transfer.results import Choices, ImportRefused, Preview, Problem, add_problem
from nextround.transfer.rows import application_row, dream_row, find_duplicates
from nextround.transfer.sources import AUTO, SAVED, SAVED_WORDS, Source, header_key, recognise
from nextround.transfer.tables import Table

# Their status words → our stages. The user can override any of these in the preview.
DEFAULT_STATUS_WORDS: dict[str, Stage] = {
    **{w: Stage.APPLIED for w in ("", "applied", "submitted", "application sent", "sent",
                                  "pending", "waiting", "in review", "under review", "open")},
    **{w: Stage.SCREENING for w in ("screening", "screen", "phone screen", "phone screening",
                                    "recruiter call", "recruiter screen", "hr call")},
    **{w: Stage.INTERVIEWING for w in ("interview", "interviewing", "interviews",
                                       "interview scheduled", "onsite", "on-site",
                                       "technical interview", "final interview",
                                       "final round", "assessment")},
    **{w: Stage.OFFER for w in ("offer", "offered", "offer received", "negotiating")},
    **{w: Stage.ACCEPTED for w in ("accepted", "offer accepted", "hired")},
    **{w: Stage.REJECTED for w in ("rejected", "rejection", "not selected", "declined",
                                   "turned down", "no")},
    **{w: Stage.WITHDRAWN for w in ("withdrawn", "withdrew", "i withdrew", "offer declined",
                                    "declined offer")},
    **{w: Stage.GHOSTED for w in ("ghosted", "no response", "no reply", "no answer",
                                  "never heard back")},
}
_GUESS_WORDS = {"company": ("company", "employer", "organi", "firm", "business", "unternehmen",
                            "entreprise", "societe", "société", "empresa", "azienda", "bedrijf",
                            "name"),
                "role": ("title", "role", "position", "job", "stelle", "poste", "puesto"),
                "applied_on": ("applied", "submitted", "beworben", "date", "datum", "fecha"),
                "stage": ("status", "stage", "state"), "link": ("url", "link", "posting"),
                "location": ("location", "city", "place"), "notes": ("note", "comment"),
                "source": ("source", "board", "channel", "via"),
                "contact_name": ("contact", "recruiter"), "contact_email": ("mail",)}


def guess_columns(header: list[str]) -> dict[str, str]:
    """A first guess of which column holds each field, for the mapping step to pre-select."""
    guesses: dict[str, str] = {}
    for target, words in _GUESS_WORDS.items():
        for name in header:
            if name not in guesses.values() and any(w in fold(name) for w in words):
                guesses[target] = name
                break
    return guesses


def _columns(table: Table, source: Source, choices: Choices, result: Preview
             ) -> dict[str, int]:
    """Our field → the index of its column, by the user's mapping, the tool's layout, or the
    common names (two columns meaning one field is a problem on line 1)."""
    header = table.header
    if choices.columns:
        found = {f: header.index(c) for f, c in choices.columns if c in header}
    elif not source.by_name:
        found = source.column_for(header)
    else:
        found = {}
        for index, name in enumerate(header):
            target = COLUMN_LOOKUP.get(fold(name))
            if target is None:
                continue
            if target in found:
                result.doubled.setdefault(target, [header[found[target]]]).append(name)
                result.errors.append(Problem(
                    f"Two columns mean {FIELD_LABELS[target]}: {header[found[target]]!r} and "
                    f"{name!r}. Remove or rename one.", line=1))
                continue
            found[target] = index
    for target, index in sorted(found.items(), key=lambda item: item[1]):
        result.mapping[header[index]] = target
    result.ignored_columns = [h for i, h in enumerate(header) if i not in found.values()]
    return found


def preview_table(store: Store, table: Table, choices: Choices) -> Preview:
    source = recognise(table.header)
    ours = source.key == "ours"
    result = Preview(kind="ours" if ours else "csv", delimiter=table.delimiter,
                     source=source.key, source_label=source.label, header=list(table.header),
                     header_key=header_key(table.header), encoding=choices.encoding,
                     file_type={"csv": "CSV", "xlsx": "Excel workbook", "json": "JSON"}[
                         table.kind], sheets=table.sheets, sheet=table.sheet)
    if table.delimiter == ";":
        result.notes.append("Columns are separated by semicolons, as Excel saves CSV in much "
                            "of Europe.")
    columns = _columns(table, source, choices, result)
    required = ("company",) if source.all_saved else ("company", "applied_on")
    result.missing = [f for f in required if f not in columns]
    for field_ in result.missing:
        names = " / ".join(COLUMN_NAMES[field_])
        result.errors.append(Problem(
            f"No column for {FIELD_LABELS[field_]} (name one of: {names}).", line=1))
    if result.missing and not ours:
        result.needs_mapping = True
        result.guesses = guess_columns(table.header)
    if result.errors:
        return result
    settings = store.settings.get()
    today = store.today()
    tool_dates = not ours and not source.by_name and choices.date_format == DEFAULT_DATE_FORMAT
    reader = DayReader(AUTO if tool_dates else choices.date_format, today,
                       clock.zone(settings.timezone), naive_utc=source.naive_utc)
    if tool_dates:
        result.notes.append("Dates are read the way this tool writes them (the date choice "
                            "above is for your own spreadsheets).")
    if reader.date_format == AUTO:
        _decide_dates(table, columns, source, choices, reader, result)
        if result.errors:
            return result
    words: dict[str, str] = {w: SAVED for w in SAVED_WORDS}
    words.update({w: str(s) for w, s in DEFAULT_STATUS_WORDS.items()})
    words.update(source.statuses)
    for word, stage in choices.status_overrides:
        if stage != SAVED and stage not in {s.value for s in Stage}:
            result.errors.append(Problem(f"{stage!r} is not a stage.", field="stage"))
            continue
        words[fold(word)] = stage
    _read_rows(table, columns, source, choices, words, reader, result)
    if not result.file_rows:
        raise ImportRefused([Problem("The file has a header but no rows. Nothing was imported.")])
    if result.unknown_statuses and not ours:
        shown = ", ".join(repr(w) for w in result.unknown_statuses[:10])
        result.errors.append(Problem(
            f"Some statuses don't match a stage: {shown}. Say which stage each one means.",
            field="stage"))
    if not choices.dream_list:
        result.dream_rows = []
    find_duplicates(store, result)
    return result


def _cells(record: list[str], columns: dict[str, int], source: Source) -> dict[str, str]:
    raw = {f: record[i] if i < len(record) else "" for f, i in columns.items()}
    if source.key == "ours":
        return {f: unneutralize(v) for f, v in raw.items()}
    blank = source.placeholders
    return {f: "" if v.strip() in blank else v for f, v in raw.items()}


def _decide_dates(table: Table, columns: dict[str, int], source: Source, choices: Choices,
                  reader: DayReader, result: Preview) -> None:
    """First pass: what the file's numeric dates say about their order."""
    evidence: dict[str, int] = {}
    at = [columns[f] for f in ("applied_on", "stage_on") if f in columns]
    for line, record in enumerate(table.records(), start=table.first_line):
        for index in at:
            kind = numeric_order(record[index]) if index < len(record) else None
            if kind and kind != "either":
                evidence.setdefault(kind, line)
        if len(evidence) == 3:
            break
    order, problem = decide_order(evidence, source.date_order)
    reader.order = choices.date_order or order
    result.date_order = reader.order
    if problem and not choices.date_order:
        result.date_question = "ambiguous" in problem or "could be" in problem
        result.errors.append(Problem(problem, field="applied_on"))
    elif reader.order and "ambiguous" in evidence:
        result.notes.append(f"Dates are read {reader.order} (03/04/2026 is "
                            + ("3 April" if reader.order.startswith("day") else "4 March")
                            + " 2026).")


def _read_rows(table: Table, columns: dict[str, int], source: Source, choices: Choices,
               words: dict[str, str], reader: DayReader, result: Preview) -> None:
    """Second pass: every row checked, as an application or a saved job."""
    ours = source.key == "ours"
    status_counts: dict[str, int] = {}
    width = len(table.header)
    for line, record in enumerate(table.records(), start=table.first_line):
        if not any(c.strip() for c in record):
            continue
        result.file_rows += 1
        if result.file_rows > MAX_ROWS:
            raise ImportRefused([Problem(
                f"The file has more than {MAX_ROWS:,} rows; the limit is {MAX_ROWS:,}. "
                "Split it into smaller files.")])
        if len(result.errors) > MAX_PROBLEMS:
            continue  # counted, not checked: the list of problems is long enough
        if not table.padded and len(record) != width:
            add_problem(result, Problem(f"expected {width} fields, got {len(record)}.",
                                        line=line))
            continue
        raw = _cells(record, columns, source)
        too_long = [f for f, v in raw.items() if len(v) > MAX_FIELD_CHARS]
        for name in too_long:
            add_problem(result, Problem(
                f"is {len(raw[name]):,} characters long; the limit is {MAX_FIELD_CHARS:,}.",
                line=line, field=name))
        if too_long:
            continue
        word = "" if source.all_saved else fold(raw.get("stage", ""))
        status_counts[word] = status_counts.get(word, 0) + 1
        stage = SAVED if source.all_saved else words.get(word)
        if stage == SAVED:
            row = dream_row(raw, line, result)
            if row is not None:
                result.dream_rows.append(row)
            continue
        if source.channel and not raw.get("source", "").strip():
            raw["source"] = source.channel
        row = application_row(raw, stage, reader, reader.today, line, result,
                              strict_stage=ours)
        if row is not None:
            result.rows.append(row)
    for word, count in sorted(status_counts.items()):
        stage = SAVED if source.all_saved else words.get(word)
        if stage is None:
            result.unknown_statuses.append(word)
        result.statuses[word] = (stage or "", count)

