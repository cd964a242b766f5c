"""Housekeeping: the work a server does once per database and day (the automatic daily
backup), on a background thread, so that no page waits for it.

Why a thread: at 100,000 applications the daily backup takes over a second, which the first
page of the day used to spend behind a spinner. Here it runs on a daemon thread, on connections
of its own: the store's pool lends each unit of work its own, and the copy opens its own
through SQLite's backup API, which in WAL mode holds no lock a page's save waits on. Per
database at most one run at a time (a second trigger while one runs returns at once), one a day
per server process, and a failure is kept, in words, for the Your data page. No Streamlit here:
`ui.frame` starts a run and the data page reads its outcome; the thread never touches a page.

The run uses the process's open `Store`, never a second `Store` on the same file: opening one
reads the file's header with a plain open() and close(), and closing any descriptor of a file
drops every POSIX lock the process holds on it, SQLite's included. Another process closing its
last connection then deletes the write-ahead log under this one's live connections, and what
they write next is lost (the browser tests lost an import that way).
"""

from __future__ import annotations

import atexit
import logging
import threading
import time
import weakref
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path

from nextround import transfer
from nextround.store import Store, StoreError

Job = Callable[[Store, date], Path | None]

# How long the server waits, when it stops, for a backup in progress: a finished backup beats
# a copy killed halfway (which the next start would have to clean up).
SHUTDOWN_WAIT_S = 30.0
# How long deleting or replacing the data waits for a run in progress before saying so.
EXCLUSIVE_WAIT_S = 120.0

log = logging.getLogger(__name__)


def daily_backup(store: Store, today: date) -> Path | None:
    """The job: `transfer.daily_backup` decides whether there is anything to do (a database
    that holds data, with no backup from today yet) and makes it, a copy of a file or a
    server's full export. Returns the backup."""
    return transfer.daily_backup(store, today)


@dataclass(frozen=True)
class Outcome:
    """How a database's last housekeeping run ended: the backup it made (None when there was
    nothing to do), or why it failed, in plain words."""

    day: date
    finished: datetime
    made: Path | None = None
    problem: str | None = None


class _Database:
    """One database's housekeeping state. `busy` is held while its job runs, and while its
    data is deleted or replaced (`Housekeeping.exclusive`)."""

    def __init__(self) -> None:
        self.busy = threading.Lock()
        self.day: date | None = None  # the day of the last run started
        # The last run found the database empty, so it backed nothing up: the first write
        # after it lets the same day run again, so new data never waits a day for its backup.
        self.found_empty = False
        self.thread: threading.Thread | None = None
        self.outcome: Outcome | None = None


class Housekeeping:
    """A server process's housekeeping (one per process; `ui` keeps it as a cached resource).

    `job` is what a run does with the store (by default `daily_backup`); tests pass one that
    waits on an event before the real backup."""

    def __init__(self, job: Job | None = None) -> None:
        self._job = job or daily_backup
        self._guard = threading.Lock()  # guards `_databases` and each state's day and thread
        self._databases: dict[str, _Database] = {}
        _LIVE.add(self)

    def _state(self, url: str) -> _Database:
        with self._guard:
            return self._databases.setdefault(url, _Database())

    def start(self, store: Store, today: date) -> bool:
        """Start `today`'s run for `store`'s database on a daemon thread and return at once.
        Nothing starts when today's run has started already, or an earlier one still runs
        (the next page starts today's), unless today's run found the database empty and it
        holds data now: a new database's first write gets its first backup that day.
        Returns whether a run started."""
        state = self._state(store.url)
        # Read outside the guard: a query must never hold up other databases' triggers.
        filled_since = state.found_empty and state.day == today and not _is_empty(store)
        with self._guard:
            if state.thread is not None and state.thread.is_alive():
                return False
            if state.day == today and not filled_since:
                return False
            state.day, state.found_empty = today, False
            state.thread = threading.Thread(target=self._run, args=(store, today, state),
                                            name="nextround-housekeeping", daemon=True)
            state.thread.start()
            return True

    def _run(self, store: Store, today: date, state: _Database) -> None:
        with state.busy:
            try:
                made = self._job(store, today)
            except (StoreError, OSError) as exc:
                outcome = Outcome(today, datetime.now(), problem=_in_words(exc))
            except Exception:  # noqa: BLE001 - a bug: logged, told in words; the thread ends
                log.exception("Housekeeping of %s failed", store.url)
                outcome = Outcome(today, datetime.now(),
                                  problem="Something unexpected went wrong; the details are in "
                                          "the app's log.")
            else:
                outcome = Outcome(today, datetime.now(), made=made)
                state.found_empty = made is None and _is_empty(store)
            state.outcome = outcome

    def last(self, url: str) -> Outcome | None:
        """How the last finished run for `url` ended, or None before the first one ends."""
        return self._state(url).outcome

    def running(self, url: str) -> bool:
        thread = self._state(url).thread
        return thread is not None and thread.is_alive()

    def wait(self, timeout: float | None = None) -> bool:
        """Wait for the runs in progress to end (for tests, and when the server stops).
        Returns whether none is left running."""
        deadline = None if timeout is None else time.monotonic() + timeout
        with self._guard:
            threads = [s.thread for s in self._databases.values() if s.thread is not None]
        for thread in threads:
            thread.join(None if deadline is None else max(0.0, deadline - time.monotonic()))
        return not any(thread.is_alive() for thread in threads)

    @contextmanager
    def exclusive(self, url: str, timeout: float = EXCLUSIVE_WAIT_S) -> Iterator[None]:
        """Hold housekeeping of `url` off while its data is deleted or replaced: wait for a run
        in progress (a backup finishing after "delete my backups too" would keep the data),
        and a run due meanwhile waits until this ends. Raises StoreError, with nothing
        changed, when the run in progress doesn't end within `timeout` seconds."""
        state = self._state(url)
        if not state.busy.acquire(timeout=timeout):
            raise StoreError("Today's automatic backup is still being made. Nothing was "
                             "changed; try again in a minute.")
        try:
            yield
        finally:
            state.busy.release()


def _is_empty(store: Store) -> bool:
    """Whether the database holds no data; a database that can't be read counts as not
    empty, so a failing read never makes every page start a run."""
    try:
        return store.is_empty()
    except StoreError:
        return False


def _in_words(exc: StoreError | OSError) -> str:
    """A store error is already told in words; a bare OSError gets its reason and file."""
    if isinstance(exc, StoreError):
        return str(exc)
    where = f" ({exc.filename})" if exc.filename else ""
    return f"{exc.strerror or exc}{where}."


_LIVE: weakref.WeakSet[Housekeeping] = weakref.WeakSet()


def wait_all(timeout: float | None = None) -> bool:
    """Wait for every runner's runs in progress to end (tests; and the server stopping, below).
    Returns whether none is left running. A runner with a run in progress is kept alive by
    its thread, so none is missed."""
    deadline = None if timeout is None else time.monotonic() + timeout
    done = True
    for runner in list(_LIVE):
        left = None if deadline is None else max(0.0, deadline - time.monotonic())
        done = runner.wait(left) and done
    return done


atexit.register(wait_all, SHUTDOWN_WAIT_S)
