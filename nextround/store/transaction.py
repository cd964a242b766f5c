"""The record types, one attribute each, bound to one unit of work; and `Transaction`.

`Store` and `Transaction` both inherit `RecordTypes`, so `store.applications` and
`tx.applications` are the same class bound to different units: the store's opens a
transaction per call, the transaction's joins the caller's (see `records.Unit`).
A new record type is one line here.
"""

from __future__ import annotations

from sqlalchemy.engine import Connection

from nextround.store.actions import Actions
from nextround.store.applications import Applications
from nextround.store.checkins import CheckIns
from nextround.store.drafts import Drafts
from nextround.store.dream_list import DreamList
from nextround.store.feedback import FeedbackRequests
from nextround.store.paths import PathSteps
from nextround.store.progress import Progress
from nextround.store.records import Unit
from nextround.store.reflections import Reflections
from nextround.store.settings import UserSettings
from nextround.store.transfer import Transfer
from nextround.store.work_search import WorkSearch


class RecordTypes:
    """One object per record type, all running on `unit`."""

    def __init__(self, unit: Unit) -> None:
        self.applications = Applications(unit)
        self.drafts = Drafts(unit)
        self.feedback = FeedbackRequests(unit)
        self.reflections = Reflections(unit)
        self.actions = Actions(unit)
        self.settings = UserSettings(unit)
        self.dream_list = DreamList(unit)
        self.checkins = CheckIns(unit)
        self.paths = PathSteps(unit)
        self.progress = Progress(unit)
        self.transfer = Transfer(unit)
        self.work_search = WorkSearch(unit)


class Transaction(RecordTypes):
    """What `with store.write() as tx:` (and `store.read()`) yields: the record types bound to
    this one transaction, and its connection for the few places that need their own SQL.

    Everything done through `tx` commits together when the `with` block ends, or not at all
    if it raises. A read transaction (`store.read()`) sees one snapshot and refuses writes."""

    def __init__(self, unit: Unit) -> None:
        assert unit.connection is not None, "a transaction holds its connection"
        super().__init__(unit)
        self.connection: Connection = unit.connection
