"""The path after a no: one guided way from a rejection to the next company.

Five steps, each a practice that has its own page: reply with a thank-you, ask for feedback,
reflect, look after yourself, and move on to the next company on the dream list. The path
links them; it never replaces them.

Why it is built this way:
- A step is done by what the data shows wherever the user did it (a sent thank-you, a feedback
  request, a finished reflection, a check-in since the no, an application sent since), so
  nothing is asked twice and a step done on its own page needs no second click. The user can
  also say a step is done, skip it ("not for this one") or leave it for later; only that is
  stored (`path_steps`, per application), so the path survives reruns, page switches and
  restarts.
- The current step is the first open one; steps left for later come back once the rest are
  settled. A path is finished when every step is done or skipped, and a finished path, or a
  settled step, is offered nowhere as a to-do.
- Everything already known travels with the path: company, role, contact, the furthest stage
  reached, and what the user appreciated (kept with the reply step).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING

from nextround import drafting, reflection
from nextround.models import ValidationError, clean_single_line
from nextround.records import PathFacts

if TYPE_CHECKING:
    from nextround.store import Store, Transaction

STEPS = ("reply", "feedback", "reflect", "care", "next")
STEP_LABELS = {"reply": "Reply", "feedback": "Ask for feedback", "reflect": "Reflect",
               "care": "Look after yourself", "next": "The next company"}
# Where each step is done (a key of nextround.ui.PAGES).
# The feedback request is drafted on Respond, like the reply (the Feedback page's own form
# records a request asked some other way, and either one settles the step).
STEP_PAGES = {"reply": "respond", "feedback": "respond", "reflect": "reflect",
              "care": "checkin", "next": "reflect"}
MARKS = ("done", "skipped", "later")  # what the user can say about a step
NOTE_MAX = 200  # "what you appreciated": the Respond page's one-line highlight


@dataclass(frozen=True)
class Path:
    """One rejection's path: the facts carried forward, and each step's state ("done",
    "skipped", "later" or "open")."""

    facts: PathFacts
    states: dict[str, str]

    @property
    def application_id(self) -> int:
        return self.facts.id

    @property
    def current(self) -> str | None:
        """The step to do now: the first open one, else the first left for later; None when
        every step is done or skipped."""
        for wanted in ("open", "later"):
            for step in STEPS:
                if self.states[step] == wanted:
                    return step
        return None

    @property
    def finished(self) -> bool:
        return self.current is None

    @property
    def position(self) -> int:
        """1-based number of the current step (len(STEPS) + 1 when finished)."""
        current = self.current
        return len(STEPS) + 1 if current is None else STEPS.index(current) + 1

    @property
    def stage_reached(self) -> str:
        """The furthest stage, in the drafts' words (`drafting.STAGES`)."""
        return drafting.stage_from_level(self.facts.furthest_level)


def step_states(facts: PathFacts) -> dict[str, str]:
    """Each step's state. What the data shows wins over what was said: a step done on its
    page is done even if it was once skipped or left for later."""
    shown = {"reply": facts.thanks_sent_on is not None, "feedback": bool(facts.asked),
             "reflect": bool(facts.reflected), "care": bool(facts.checked_in),
             "next": bool(facts.moved_on)}
    said = {"reply": facts.reply_state, "feedback": facts.feedback_state,
            "reflect": facts.reflect_state, "care": facts.care_state,
            "next": facts.next_state}
    return {step: "done" if shown[step] else (said[step] or "open") for step in STEPS}


def path_of(facts: PathFacts) -> Path:
    return Path(facts, step_states(facts))


def path_for(store: Store, application_id: int) -> Path | None:
    """The path of one application, or None when it isn't (or no longer is) a rejection."""
    facts = store.paths.facts(application_id)
    return None if facts is None else path_of(facts)


def open_paths(store: Store, limit: int = 3) -> list[Path]:
    """Paths with a step still to settle, most recent no first."""
    return [path_of(facts) for facts in store.paths.open_paths(limit)]


def check_mark(step: object, state: object, note: object = None) -> str | None:
    """The step and mark are ours; the note is `clean_note`'s. Returns the clean note (None
    when none was given). ValidationError otherwise."""
    if step not in STEPS:
        raise ValidationError({"step": "That isn't a step of the path."})
    if state not in MARKS:
        raise ValidationError({"state": "A step is done, skipped or left for later."})
    return None if note is None else clean_note(note)


def clean_note(note: object) -> str:
    """What a step keeps in words (what the user appreciated, the next company): one clean
    line. ValidationError otherwise."""
    try:
        return clean_single_line(note, "What you appreciated", max_len=NOTE_MAX)
    except ValueError as exc:
        raise ValidationError({"note": str(exc)}) from None


def _require_path(tx: Transaction, application_id: int) -> None:
    """Only a rejection has a path. Checked in the writer's transaction, so a stage changed
    in another tab can't slip in between."""
    if tx.paths.facts(application_id) is None:
        raise ValidationError({"_form": "This application is no longer a rejection, so it "
                                         "has no path. Reload to see it as it is now."})


def mark(store: Store, application_id: int, step: str, state: str, *,
         note: str | None = None, today: date | None = None) -> None:
    """Say a step is done, skipped or left for later."""
    clean = check_mark(step, state, note)
    with store.write() as tx:
        _require_path(tx, application_id)
        tx.paths.mark(application_id, step, state, on_date=today or store.today(), note=clean)


def reopen(store: Store, application_id: int, step: str) -> None:
    """Undo a skip or a "later": the step is open again."""
    check_mark(step, "done")
    store.paths.reopen(application_id, step)


def add_next_company(store: Store, application_id: int, company: str, role: str = "", *,
                     today: date | None = None) -> int:
    """The last step with an empty dream list: add the company the user names (the dream
    list's own rule) and settle the step, in one transaction. Returns the entry's id."""
    clean = reflection.clean_target(company, role, "", 2, "researching", "")
    day = today or store.today()
    with store.write() as tx:
        _require_path(tx, application_id)
        target_id = tx.dream_list.add(clean, today=day)
        tx.paths.mark(application_id, "next", "done", on_date=day, note=clean_note(company))
    return target_id
