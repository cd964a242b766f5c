"""The dream-job list's writes: each entry cleaned by `reflection.clean_target` (the rule the
import shares), then stored.

One rule belongs to the list itself: an entry becomes "applied" only through "I applied",
which records the application too (`mark_applied`), so the list and the tracker never
disagree about what was applied to.
"""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING

from nextround import reflection
from nextround.companies import same_company
from nextround.models import Application, ValidationError
from nextround.records import NextTarget

if TYPE_CHECKING:
    from nextround.store import Store

SOURCE = "Dream-job list"  # the source of an application made with "I applied"
_APPLIED_BY_BUTTON = ("Use “I applied” on the entry, so the application is recorded too.")


def add(store: Store, company: str, role: str = "", why: str = "", priority: int = 2,
        status: str = "researching", next_step: str = "", *, today: date | None = None) -> int:
    """Add an entry. Returns its id. "Applied" is refused: use `mark_applied`."""
    clean = reflection.clean_target(company, role, why, priority, status, next_step)
    if clean["status"] == "applied":
        raise ValidationError({"status": _APPLIED_BY_BUTTON})
    return store.dream_list.add(clean, today=today)


def update(store: Store, target_id: int, version: int, company: str, role: str, why: str,
           priority: int, status: str, next_step: str) -> None:
    """Edit an entry from the version the user started at. "Applied" stays allowed for an
    entry that already has its application (the form shows it as it is)."""
    clean = reflection.clean_target(company, role, why, priority, status, next_step)
    with store.write() as tx:
        if (clean["status"] == "applied"
                and tx.dream_list.get(target_id).application_id is None):
            raise ValidationError({"status": _APPLIED_BY_BUTTON})
        tx.dream_list.update(target_id, version, clean)


def mark_applied(store: Store, target_id: int, version: int, *,
                 applied_on: date | str | None = None, today: date | None = None) -> int:
    """"I applied": record the application and link it to the entry, in one transaction.
    Returns the application's id.

    Exactly one application, even on a double click: the entry's link is read inside the
    same transaction, and an entry that is already linked returns its application."""
    day = today or store.today()
    with store.write() as tx:
        entry = tx.dream_list.get(target_id)
        if entry.application_id is not None:
            return entry.application_id
        application_id = tx.applications.add(
            Application(company=entry.company, role=entry.role,
                        applied_on=applied_on or day, source=SOURCE), today=day)
        tx.dream_list.mark_applied(target_id, version, application_id)
    return application_id


def next_after(store: Store, company: str) -> NextTarget | None:
    """The next entry to go for after a no from `company`: the highest-priority one not
    applied to yet, leaving out that company however it is spelt ("Acme Inc." after a no
    from "ACME"), by the one company-name rule."""
    for entry in store.dream_list.entries():
        if entry.status == "applied" or entry.application_id is not None:
            continue
        if not same_company(entry.company, company):
            return NextTarget(entry.id, entry.company, entry.role)
    return None
