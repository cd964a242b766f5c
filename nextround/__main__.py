"""The command line: `python -m nextround <command> [--db PATH_OR_URL] ...`.

Why it is built this way:
- Scripts and checks run these commands, so none of them ever prompts or reads standard
  input, and every refusal is one clear line on stderr with a non-zero exit, never a
  traceback: 2 for bad usage or a refusal, 1 for a check that found a problem.
- Each command is one small `cmd_<name>(args) -> int` function plus one parser block in
  `build_parser`, registered in `HANDLERS`. Adding a command touches nothing else.
- `--db` is accepted before or after the command name; otherwise `NEXTROUND_DB`, otherwise
  `data/nextround.db`.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path
from typing import Any

from nextround.models import Stage, ValidationError
from nextround.store import (
    CorruptDatabaseError,
    DatabaseProblemsError,
    Store,
    StoreError,
    check_output_file,
    checkpoint,
    default_url,
    describe_database_file,
    make_private_folder,
    remove_with_companions,
    restore_database,
    sqlite_path,
    temp_name,
    to_url,
)
from nextround.text import plural

EXIT_OK, EXIT_PROBLEM, EXIT_REFUSED = 0, 1, 2


class Refusal(Exception):
    """A request the command won't carry out; its message is shown as is."""


def _url(args: argparse.Namespace) -> str:
    """The database the user named. An empty `--db` (an unset shell variable, say) is
    refused, not read as "the default", which would write into another database."""
    given = getattr(args, "db", None)
    if given is not None and not given.strip():
        raise Refusal("--db is empty: give a database file or address. Nothing was changed.")
    return to_url(given or default_url())


def _existing(args: argparse.Namespace) -> Store:
    """Open a database that must already exist (backup, check): never create an empty one."""
    url = _url(args)
    path = sqlite_path(url)
    if path is not None and not path.exists():
        raise Refusal(f"There is no database at {path}. Nothing was changed.")
    return Store(url)


def _say(message: str) -> None:
    print(message, file=sys.stderr)


def _progress_printer() -> Callable[[float, str], None] | None:
    """Progress on stderr, only for a person watching a terminal; scripts get quiet output."""
    if not sys.stderr.isatty():
        return None
    last = [-1]

    def show(fraction: float, message: str) -> None:
        percent = int(fraction * 100)
        if percent // 10 != last[0] // 10:
            last[0] = percent
            _say(f"{percent:3d}%  {message}")

    return show


# --- demo --------------------------------------------------------------------------------------

# What the demo summary counts, with each table's noun for one and for many.
DEMO_TABLES = {"applications": ("application", "applications"), "events": ("event", "events"),
               "drafts": ("draft", "drafts"),
               "feedback_requests": ("feedback request", "feedback requests"),
               "reflections": ("reflection", "reflections"), "actions": ("action", "actions"),
               "checkins": ("check-in", "check-ins"), "targets": ("dream job", "dream jobs")}


def cmd_demo(args: argparse.Namespace) -> int:
    from nextround import demo

    store = Store(_url(args))
    try:
        started = time.perf_counter()
        demo.fill(store, applications=args.applications, seed=args.seed,
                  progress=_progress_printer())
        seconds = time.perf_counter() - started
        counts = {noun: store.count(table) for table, noun in DEMO_TABLES.items()}
    finally:
        store.dispose()
    where = store.where
    print(f"Made demo data in {where} in {seconds:.1f} s: "
          + ", ".join(plural(n, one, many) for (one, many), n in counts.items()) + ".")
    return EXIT_OK


# --- backup ------------------------------------------------------------------------------------

def cmd_backup(args: argparse.Namespace) -> int:
    if args.out is not None:  # refused before the database is even opened
        check_output_file(args.out, database=sqlite_path(_url(args)), make_folder=True)
    from nextround import transfer

    store = _existing(args)
    try:
        out = transfer.make_backup(store, args.out, reason="manual")
    finally:
        store.dispose()
    print(out)
    return EXIT_OK


# --- restore -----------------------------------------------------------------------------------

def cmd_restore(args: argparse.Namespace) -> int:
    from nextround import transfer

    url = _url(args)
    if sqlite_path(url) is not None:  # a file is restored even when it can't be opened
        result = restore_database(url, Path(args.file),
                                  check_rows=transfer.stored_value_problems)
    else:
        store = Store(url)
        try:
            result = transfer.restore_backup(store, Path(args.file))
        finally:
            store.dispose()
    rows = result.counts.get("applications", 0)
    print(f"Restored {result.target} from {result.source} ({plural(rows, 'application')}).")
    if result.previous_backup is not None:
        print(f"The database it replaced was backed up to {result.previous_backup}.")
    return EXIT_OK


# --- check -------------------------------------------------------------------------------------

def cmd_check(args: argparse.Namespace) -> int:
    """Read-only for SQLite: the file is checked as it is, never migrated or rewritten."""
    from nextround import transfer

    url = _url(args)
    path = sqlite_path(url)
    if path is None:  # a server: the same checks, its own catalogs (said the same way)
        store = Store(url)
        try:
            problems = store.integrity_problems(transfer.stored_value_problems)
            applications = 0 if problems else store.count("applications")
        finally:
            store.dispose()
        if problems:
            _say(f"{store.where}: {plural(len(problems), 'problem')} found:")
            for problem in problems[:20]:
                _say(f"- {problem}")
            return EXIT_PROBLEM
        print(f"{store.where}: ok (schema and links between tables; "
              f"{plural(applications, 'application')}).")
        return EXIT_OK
    if not path.exists():
        raise Refusal(f"There is no database at {path}.")
    try:
        counts = describe_database_file(path, check_rows=transfer.stored_value_problems)
    except DatabaseProblemsError as exc:
        _say(f"{path}: {plural(len(exc.problems), 'problem')} found:")
        for problem in exc.problems[:20]:
            _say(f"- {problem}")
        return EXIT_PROBLEM
    except CorruptDatabaseError as exc:
        _say(str(exc).replace(" Nothing was changed.", ""))
        return EXIT_PROBLEM
    print(f"{path}: ok (schema, integrity and links between tables; "
          f"{plural(counts.get('applications', 0), 'application')}).")
    return EXIT_OK


# --- import and export -------------------------------------------------------------------------

# The command line's words for the import's answers (`transfer.Choices`).
DATE_ORDERS = {"day-first": "day first", "month-first": "month first"}
ENCODINGS = {"utf-8": "utf-8", "windows-1252": "cp1252"}


def _pairs(given: list[str] | None, option: str, shape: str) -> dict[str, str]:
    """Repeated `option` values of the form LEFT=RIGHT (split at the last "="), in order."""
    pairs = {}
    for pair in given or []:
        left, sep, right = pair.rpartition("=")
        if not sep or not left.strip() or not right.strip():
            raise Refusal(f"{option} needs {shape}, not {pair!r}. Nothing was imported.")
        pairs[left.strip()] = right.strip()
    return pairs


def _import_hints(found: Any, problems: list[Any], choices: Any) -> list[str]:
    """What to run again with, for each question the file left open (the app asks them in
    its preview; the command line takes the answers as options)."""
    from nextround import transfer

    hints = []
    for our, doubled in found.doubled.items():
        hints.append(f"Say which column is {transfer.FIELD_LABELS[our]} with --column, e.g. "
                     f"--column '{transfer.FIELD_LABELS[our]}={doubled[0]}'.")
    if found.needs_mapping:
        header = ", ".join(repr(h) for h in found.header[:30])
        missing = found.missing[0]
        unplaced = [h for h in found.header if h not in found.mapping]
        example = found.guesses.get(missing) or (unplaced[0] if unplaced else "COLUMN")
        hints.append("Say which column holds each field with --column 'FIELD=COLUMN', e.g. "
                     f"--column '{transfer.FIELD_LABELS[missing]}={example}'. "
                     f"The file's columns: {header}.")
    if found.encoding_question:
        hints.append("Run again with --encoding windows-1252 to have it converted.")
    if found.date_question:
        hints.append("Say how its dates are written with --date-order day-first or "
                     "--date-order month-first.")
    elif choices.date_format != transfer.AUTO and any(
            p.field in ("applied_on", "stage_on") and "must be a date" in p.message
            for p in problems):
        others = ", ".join(f for f in transfer.DATE_FORMATS if f != choices.date_format)
        hints.append(f"If the file writes dates another way, say how with --date-format "
                     f"({others}), or --date-format {transfer.AUTO} to work it out.")
    if found.unknown_statuses:
        hints.append("Map each status with --status 'THEIR WORD=STAGE'; stages: "
                     + ", ".join(Stage) + ".")
    return hints


def _duplicate_line(name: str, dup: Any) -> str:
    """One possible duplicate, as a sentence: like which line, or like what is there."""
    like = dup.same_as if dup.same_as.startswith("line") else "an application already there"
    return (f"{name}: line {dup.line} looks like {like}: {dup.company!r}, {dup.role!r}, "
            f"applied {dup.applied_on}")


def cmd_import(args: argparse.Namespace) -> int:
    """All or nothing: any bad line refuses the whole file, listing each line and field."""
    from nextround import transfer

    source = Path(args.file).expanduser()
    if not source.is_file():
        raise Refusal(f"There is no file at {source}. Nothing was imported.")
    if source.stat().st_size > transfer.MAX_JSON_BYTES:
        raise Refusal(f"{source} is too large to import (the limit is "
                      f"{transfer.MAX_JSON_BYTES // (1024 * 1024)} MB for a full export and "
                      f"{transfer.MAX_CSV_BYTES // (1024 * 1024)} MB for a CSV; move a bigger "
                      "database with backup and restore). Nothing was imported.")
    overrides = _pairs(args.status, "--status", "THEIR_WORD=STAGE")
    answers = _pairs(args.column, "--column", "FIELD=COLUMN")
    if args.date_order and args.date_format != transfer.AUTO:
        raise Refusal("--date-order goes with --date-format auto. Nothing was imported.")
    choices = transfer.Choices(
        date_format=args.date_format, status_overrides=tuple(overrides.items()),
        date_order=DATE_ORDERS.get(args.date_order or "", ""),
        encoding=ENCODINGS[args.encoding], sheet=args.sheet)
    # Rows that look like duplicates are imported and listed; they are left out only when the
    # user says so (issue 8: "skipped only when the user agrees"). Our own export may hold two
    # identical applications, and importing it must reproduce it exactly.
    duplicates = "skip" if args.skip_duplicates else "import"
    url = _url(args)
    path = sqlite_path(url)
    data = source.read_bytes()
    show = _progress_printer()

    def run(store: Store, *, backup: bool = True) -> transfer.ImportResult:
        picked = choices
        found = transfer.preview(store, data, choices=choices) if answers else None
        # A file whose header couldn't be read (its encoding, an empty sheet, a full
        # export) is refused by the import itself, with what answers that instead.
        if found is not None and found.header:
            try:
                picked = replace(choices, columns=transfer.answer_columns(found, answers))
            except ValueError as exc:
                raise Refusal(f"{source.name}: {exc} Nothing was imported.") from exc
        return transfer.import_file(
            store, data, choices=picked, duplicates=duplicates, dry_run=args.dry_run, backup=backup,
            progress=(lambda done, total: show(done / max(total, 1),
                                               f"imported {done:,} of {total:,}"))
            if show else None)

    try:
        if path is not None and not path.exists():
            result = _import_into_new(path, run, keep=not args.dry_run)
        else:
            store = Store(url)
            try:
                result = run(store)
            finally:
                store.dispose()
    except transfer.ImportRefused as refused:
        for problem in refused.problems[:200]:
            _say(f"{source.name}: {problem}")
        if len(refused.problems) > 200:
            _say(f"... and {len(refused.problems) - 200:,} more problems.")
        duplicates_found = refused.preview.duplicates if refused.preview else []
        for dup in duplicates_found[:50]:
            _say(_duplicate_line(source.name, dup))
        if duplicates_found:
            _say("Run again with --skip-duplicates to leave them out, or "
                 "--allow-duplicates to import them anyway.")
        if refused.preview:
            for hint in _import_hints(refused.preview, refused.problems, choices):
                _say(hint)
        _say("Nothing was imported.")
        return EXIT_REFUSED
    found = result.preview
    skipped = (f", leaving out {plural(result.skipped_duplicates, 'duplicate')}"
               if result.skipped_duplicates else "")
    if found.duplicates and not result.skipped_duplicates:
        for dup in found.duplicates[:50]:
            _say(_duplicate_line(source.name, dup) + " (kept)")
        _say(f"Possible duplicates kept: {plural(len(found.duplicates), 'row')}; "
             "--skip-duplicates leaves them out.")
    if args.dry_run:
        count = found.row_count - result.skipped_duplicates
        print(f"Dry run: {source.name} is fine; {plural(count, 'row')} would be "
              f"imported{skipped}. Nothing was written.")
        return EXIT_OK
    print(f"Imported {plural(result.written, 'row')} from {source.name}{skipped}.")
    if result.backup is not None:
        print(f"The database was backed up first to {result.backup}.")
    return EXIT_OK


def _import_into_new(path: Path, run: Callable[..., Any], *, keep: bool) -> Any:
    """Import into a database that doesn't exist yet: build it under a temporary name beside
    `path` and, only when the import succeeded (and `keep`), link it into place. A refusal, a
    dry run or a crash leaves no database, no backup and no folder that wasn't there (a killed
    import's staged file is a leftover the next start removes); an existing file at `path` is
    never replaced."""
    created = [p for p in (path.parent, *path.parent.parents) if not p.exists()]
    made = False
    staged = temp_name(path, "import-part")
    try:
        make_private_folder(path.parent)
        store = Store(to_url(staged), backup_dir=staged.with_name(staged.name + "-backups"))
        try:
            result = run(store, backup=False)
        finally:
            store.dispose()
        if keep:
            checkpoint(staged)  # everything in the one file before it is linked into place
            appeared = Refusal(f"A database appeared at {path} during the import, so "
                               "nothing was imported into it. Run the import again.")
            try:
                os.link(staged, path)  # never replaces a file that appeared meanwhile
            except FileExistsError:
                raise appeared from None
            except OSError:  # a file system without hard links: check, then rename
                if path.exists():
                    raise appeared from None
                os.rename(staged, path)
        made = True
        return result
    finally:
        remove_with_companions(staged)
        if not (keep and made):
            for folder in created:  # deepest first; only folders made here, and only if empty
                try:
                    folder.rmdir()
                except OSError:
                    break


def cmd_export(args: argparse.Namespace) -> int:
    """JSON (everything, lossless) unless the name ends in .csv (applications) or .xlsx
    (applications and their stage history)."""
    from nextround import transfer

    out = check_output_file(args.out, database=sqlite_path(_url(args)), make_folder=True)
    store = _existing(args)
    try:
        data = transfer.export_bytes(store, out.name)
    finally:
        store.dispose()
    transfer.write_file_atomically(out, data)
    suffix = out.suffix.lower()
    kind = {".csv": "applications as CSV",
            ".xlsx": "applications and stage history as a workbook"}.get(
        suffix, "everything as JSON")
    print(f"Exported {kind} to {args.out}.")
    return EXIT_OK


# --- record ------------------------------------------------------------------------------------

def cmd_record(args: argparse.Namespace) -> int:
    """The work-search record for a benefits office; the format follows --out's suffix."""
    from datetime import date

    from nextround.reports import record_files, work_search
    from nextround.transfer import write_file_atomically

    try:
        start, end = date.fromisoformat(args.start), date.fromisoformat(args.end)
    except ValueError as exc:
        raise Refusal(f"Dates are YYYY-MM-DD, e.g. 2026-11-01 ({exc}). Nothing was written.") \
            from None
    if end < start:
        raise Refusal("--to is before --from. Nothing was written.")
    suffix = Path(args.out).suffix.lower()
    if suffix not in record_files.SUFFIXES:
        raise Refusal(f"--out must end in {', '.join(record_files.SUFFIXES)} (the format "
                      "follows the name). Nothing was written.")
    out = check_output_file(args.out, database=sqlite_path(_url(args)), make_folder=True)
    store = _existing(args)
    try:
        options = work_search.Options(stage_changes=not args.no_stage_changes,
                                      follow_ups=not args.no_follow_ups,
                                      feedback_requests=not args.no_feedback_requests)
        found = work_search.activities(store, start, end, options)
        data = record_files.record_bytes(found, suffix, name=store.settings.get().name,
                                         start=start, end=end)
    finally:
        store.dispose()
    write_file_atomically(out, data)
    print(f"Wrote {plural(len(found), 'activity', 'activities')} from "
          f"{record_files.period_label(start, end)} to {args.out}.")
    return EXIT_OK


# --- review ------------------------------------------------------------------------------------

def cmd_review(args: argparse.Namespace) -> int:
    """The weekly review as Markdown, with the chart PNGs written beside it; the wellbeing
    check-in only with --with-wellbeing (a review is often shared)."""
    from nextround import agenda, review, transfer

    try:
        week = agenda.parse_week(args.week)
    except ValueError as exc:
        raise Refusal(str(exc)) from exc
    database = sqlite_path(_url(args))
    out = check_output_file(args.out, database=database, make_folder=True)
    store = _existing(args)
    try:
        result = review.weekly_review(store, week.key, with_charts=not args.no_charts,
                                      with_wellbeing=args.with_wellbeing)
    finally:
        store.dispose()
    markdown = result.markdown
    # Every file is checked before any is written: a refusal writes nothing.
    images = {name: check_output_file(out.with_name(f"{out.stem}-{name}.png"),
                                      database=database, make_folder=True)
              for name in result.charts}
    for name, image in images.items():
        markdown = markdown.replace(f"({result.file_stem()}-{name}.png)", f"({image.name})")
    for name, image in images.items():
        transfer.write_file_atomically(image, result.charts[name])
    transfer.write_file_atomically(out, markdown.encode("utf-8"))
    charts = f" and {plural(len(result.charts), 'chart')}" if result.charts else ""
    print(f"Wrote the review of {week.key} to {args.out}{charts}.")
    return EXIT_OK


HANDLERS: dict[str, Callable[[argparse.Namespace], int]] = {
    "demo": cmd_demo,
    "review": cmd_review,
    "import": cmd_import,
    "export": cmd_export,
    "record": cmd_record,
    "backup": cmd_backup,
    "restore": cmd_restore,
    "check": cmd_check,
}


def _count(text: str) -> int:
    try:
        value = int(text)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(f"{text!r} is not a whole number") from exc
    if not 1 <= value <= 1_000_000:
        raise argparse.ArgumentTypeError("must be from 1 to 1,000,000")
    return value


def build_parser() -> argparse.ArgumentParser:
    db_help = "database file or SQLAlchemy URL (default: $NEXTROUND_DB, else data/nextround.db)"
    common = argparse.ArgumentParser(add_help=False)
    # SUPPRESS: a --db given after the command doesn't wipe one given before it.
    common.add_argument("--db", metavar="PATH_OR_URL", default=argparse.SUPPRESS, help=db_help)

    parser = argparse.ArgumentParser(
        prog="python -m nextround",
        description="Next Round from the command line. Nothing here ever prompts.")
    parser.add_argument("--db", metavar="PATH_OR_URL", default=None, help=db_help)
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)

    p = sub.add_parser("demo", parents=[common],
                       help="fill an empty database with deterministic demo data")
    p.add_argument("--applications", type=_count, default=300, metavar="N",
                   help="how many applications (default 300)")
    p.add_argument("--seed", type=int, default=1, metavar="S",
                   help="same seed, same data (default 1)")

    p = sub.add_parser("backup", parents=[common],
                       help="copy the database safely (SQLite backup API, then checked)")
    p.add_argument("--out", metavar="FILE",
                   help="where to write it (default: a dated file in the backups folder)")

    p = sub.add_parser("restore", parents=[common],
                       help="replace the database with a backup (the current one is "
                            "backed up first)")
    p.add_argument("file", metavar="FILE", help="the backup to restore")

    p = sub.add_parser("import", parents=[common],
                       help="import a CSV of applications or a full JSON export "
                            "(all or nothing)")
    p.add_argument("file", metavar="FILE", help="the CSV or JSON file")
    p.add_argument("--dry-run", action="store_true",
                   help="check the file and report; write nothing")
    dup = p.add_mutually_exclusive_group()
    dup.add_argument("--allow-duplicates", action="store_true",
                     help="import rows that look like duplicates (the default; listed)")
    dup.add_argument("--skip-duplicates", action="store_true",
                     help="leave out rows that look like applications already there")
    p.add_argument("--date-format", default="YYYY-MM-DD", metavar="FMT",
                   choices=["YYYY-MM-DD", "DD/MM/YYYY", "MM/DD/YYYY", "DD.MM.YYYY",
                            "YYYY/MM/DD", "auto"],
                   help="how the file writes dates (default YYYY-MM-DD; also DD/MM/YYYY, "
                        "MM/DD/YYYY, DD.MM.YYYY, YYYY/MM/DD, or auto to work it out)")
    p.add_argument("--date-order", choices=list(DATE_ORDERS), metavar="ORDER",
                   help="with --date-format auto, when no date in the file tells: day-first "
                        "(03/04/2026 is 3 April) or month-first (March 4)")
    p.add_argument("--status", action="append", metavar="WORD=STAGE",
                   help="map one of the file's status words onto a stage (repeatable)")
    p.add_argument("--column", action="append", metavar="FIELD=COLUMN",
                   help="which of the file's columns holds a field, e.g. 'Date applied=When' "
                        "(repeatable)")
    p.add_argument("--sheet", default="", metavar="NAME",
                   help="the sheet of a workbook to read (default: the first)")
    p.add_argument("--encoding", choices=list(ENCODINGS), default="utf-8",
                   help="utf-8 (the default), or windows-1252 to convert a CSV that Excel "
                        "saved as plain \"CSV\"")

    p = sub.add_parser("export", parents=[common],
                       help="write everything as JSON, or the applications as CSV or .xlsx")
    p.add_argument("--out", metavar="PATH", required=True,
                   help="the file to write; a name ending in .csv gets the applications CSV, "
                        ".xlsx a workbook of applications and stage history")

    p = sub.add_parser("record", parents=[common],
                       help="write the work-search record of a period (.csv, .xlsx or .pdf)")
    p.add_argument("--from", dest="start", required=True, metavar="YYYY-MM-DD",
                   help="the first day (inclusive)")
    p.add_argument("--to", dest="end", required=True, metavar="YYYY-MM-DD",
                   help="the last day (inclusive)")
    p.add_argument("--out", required=True, metavar="FILE",
                   help="the file to write; its suffix picks the format: .csv, .xlsx or .pdf")
    p.add_argument("--no-stage-changes", action="store_true",
                   help="leave out stage changes (interviews, offers...)")
    p.add_argument("--no-follow-ups", action="store_true",
                   help="leave out emails marked sent (thank-yous, follow-ups)")
    p.add_argument("--no-feedback-requests", action="store_true",
                   help="leave out feedback requests")

    sub.add_parser("check", parents=[common],
                   help="integrity and link check; exits 1 if there is a problem")

    p = sub.add_parser("review", parents=[common],
                       help="write the weekly review of one ISO week as Markdown")
    p.add_argument("--week", required=True, metavar="YYYY-Www", help="e.g. 2026-W48")
    p.add_argument("--out", required=True, metavar="FILE.md",
                   help="the Markdown file; chart PNGs are written beside it")
    p.add_argument("--no-charts", action="store_true", help="skip the chart PNGs")
    p.add_argument("--with-wellbeing", action="store_true",
                   help="include the week's wellbeing check-in and its chart (left out by "
                        "default, as a review is often shared)")
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        return HANDLERS[args.command](args)
    except ValidationError as exc:
        _say("; ".join(exc.errors.values()))
    except (Refusal, StoreError) as exc:
        _say(str(exc))
    except OSError as exc:
        _say(f"{exc.strerror or exc}{': ' + str(exc.filename) if exc.filename else ''}. "
             "Nothing was changed.")
    except KeyboardInterrupt:
        _say("Stopped. Anything unfinished was rolled back.")
        return 130
    except Exception as exc:  # noqa: BLE001 - the last line of defence: never a traceback
        detail = " ".join(str(exc).split())[:300]
        _say(f"Next Round couldn't finish {args.command}: {type(exc).__name__}"
             f"{': ' + detail if detail else ''}. Every write is all or nothing, so nothing "
             "was half-saved.")
    return EXIT_REFUSED


if __name__ == "__main__":
    os.umask(0o077)  # a belt: every file is also created with a private mode explicitly
    sys.exit(main())
