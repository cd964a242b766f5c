"""The path after a no: which step is current, what settles a step, and that the store's open
paths (found in SQL) agree with the domain's rule for every combination of facts and marks."""

from __future__ import annotations

import itertools
import random
from dataclasses import replace
from datetime import date

import pytest

from nextround import after_no, dream_list, sending, wellbeing
from nextround import feedback as fb
from nextround import reflection as rf
from nextround.models import ValidationError
from nextround.records import PathFacts
from nextround.store import Store
from tests import factories
from tests.conftest import TODAY

NOTHING = PathFacts(id=1, company="Acme", role="Engineer", rejected_on=date(2026, 11, 20),
                    contact_name="", contact_email="", furthest_level=2, thanks_sent_on=None,
                    asked=0, reflected=0, checked_in=0, moved_on=0, reply_state=None,
                    feedback_state=None, reflect_state=None, care_state=None, next_state=None,
                    appreciated="")


@pytest.mark.parametrize(("changes", "states", "current"), [
    ({}, "open open open open open", "reply"),
    ({"thanks_sent_on": date(2026, 11, 21)}, "done open open open open", "feedback"),
    ({"reply_state": "skipped"}, "skipped open open open open", "feedback"),
    # Left for later: the others come first, then it comes back.
    ({"reply_state": "later"}, "later open open open open", "feedback"),
    ({"reply_state": "later", "asked": 1, "reflected": 1, "checked_in": 1, "moved_on": 1},
     "later done done done done", "reply"),
    # What the data shows wins over what was said.
    ({"reply_state": "skipped", "thanks_sent_on": date(2026, 11, 21)},
     "done open open open open", "feedback"),
    ({"feedback_state": "later", "asked": 1}, "open done open open open", "reply"),
    ({"thanks_sent_on": date(2026, 11, 21), "asked": 1, "reflect_state": "skipped",
      "checked_in": 1, "next_state": "done"}, "done done skipped done done", None),
])
def test_states_and_the_current_step(changes: dict, states: str, current: str | None) -> None:
    path = after_no.path_of(replace(NOTHING, **changes))
    assert " ".join(path.states[s] for s in after_no.STEPS) == states
    assert path.current == current
    assert path.finished is (current is None)
    assert path.position == (6 if current is None else after_no.STEPS.index(current) + 1)


@pytest.mark.parametrize(("level", "stage"), [(0, "applied"), (1, "screening"),
                                              (2, "interview"), (3, "final")])
def test_the_stage_reached_is_carried_in_the_drafts_words(level: int, stage: str) -> None:
    assert after_no.path_of(replace(NOTHING, furthest_level=level)).stage_reached == stage


def test_a_step_done_on_its_own_page_settles_it(store: Store) -> None:
    app = factories.rejected_after_interview(store, "Acme", contact_name="Priya Raman")
    assert after_no.path_for(store, app).current == "reply"
    sending.mark_draft_sent(store, {"application_id": app, "kind": "rejection_thanks",
                                    "tone": "warm", "company": "Acme", "role": "",
                                    "to_email": "", "subject": "Thank you",
                                    "body": "Thank you for letting me know."},
                            request_token="t1", sent_on=TODAY, ask_feedback=True)
    path = after_no.path_for(store, app)
    assert (path.states["reply"], path.states["feedback"]) == ("done", "done")
    assert path.current == "reflect"
    reflection = rf.start_reflection(store, app)
    store.reflections.finish(reflection, 1)
    wellbeing.save_checkin(store, wellbeing.CheckIn(items=[3] * 5), day=TODAY)
    assert after_no.path_for(store, app).current == "next"
    factories.application(store, "Next Co", applied_on=TODAY)
    assert after_no.path_for(store, app).finished
    assert after_no.open_paths(store) == []


def test_a_check_in_before_the_week_of_the_no_does_not_count(store: Store) -> None:
    wellbeing.save_checkin(store, wellbeing.CheckIn(items=[3] * 5), day=date(2026, 11, 10))
    app = factories.rejected_after_interview(store, rejected_on="2026-11-20")
    assert after_no.path_for(store, app).states["care"] == "open"
    wellbeing.save_checkin(store, wellbeing.CheckIn(items=[3] * 5), day=date(2026, 11, 16))
    assert after_no.path_for(store, app).states["care"] == "done"  # same ISO week as the no


def test_only_a_rejection_has_a_path(store: Store) -> None:
    app = factories.application(store, "Acme")
    assert after_no.path_for(store, app) is None
    with pytest.raises(ValidationError) as refused:
        after_no.mark(store, app, "reply", "skipped")
    assert "no longer a rejection" in refused.value.errors["_form"]
    assert store.count("path_steps") == 0


@pytest.mark.parametrize(("step", "state", "field"), [
    ("thank", "done", "step"), ("reply", "maybe", "state"), ("reply", None, "state"),
    (None, "done", "step")])
def test_marks_are_checked(store: Store, step: object, state: object, field: str) -> None:
    app = factories.rejected(store)
    with pytest.raises(ValidationError) as refused:
        after_no.mark(store, app, step, state)  # type: ignore[arg-type]
    assert field in refused.value.errors
    assert store.count("path_steps") == 0


def test_a_second_click_updates_the_same_step(store: Store) -> None:
    app = factories.rejected(store)
    after_no.mark(store, app, "reflect", "later")
    after_no.mark(store, app, "reflect", "later")
    after_no.mark(store, app, "reflect", "skipped")
    assert store.count("path_steps") == 1
    assert after_no.path_for(store, app).states["reflect"] == "skipped"
    after_no.reopen(store, app, "reflect")
    assert after_no.path_for(store, app).states["reflect"] == "open"


def test_the_next_company_is_added_and_the_step_settled_together(store: Store) -> None:
    app = factories.rejected(store, "Acme")
    with pytest.raises(ValidationError) as refused:
        after_no.add_next_company(store, app, "   ")
    assert "company" in refused.value.errors
    assert store.count("targets") == 0 and store.count("path_steps") == 0
    after_no.add_next_company(store, app, "Dream Co", "Platform engineer")
    assert store.dream_list.next_entry().company == "Dream Co"
    path = after_no.path_for(store, app)
    assert path.states["next"] == "done"


def test_settled_steps_are_not_offered_as_to_dos(store: Store) -> None:
    app = factories.rejected_after_interview(store, "Acme")
    assert store.applications.unanswered_rejections()[1] == 1
    after_no.mark(store, app, "reply", "skipped")
    after_no.mark(store, app, "reflect", "done")
    assert store.applications.unanswered_rejections()[1] == 0
    assert after_no.open_paths(store)[0].current == "feedback"
    # "Later" is not settled: it is still a to-do.
    other = factories.rejected_after_interview(store, "Beta")
    after_no.mark(store, other, "reply", "later")
    assert store.applications.unanswered_rejections()[1] == 1


def test_a_reflected_rejection_is_not_offered_to_reflect_on_again(store: Store) -> None:
    app = factories.rejected(store, "Acme")
    factories.rejected(store, "Beta")
    store.reflections.finish(rf.start_reflection(store, app), 1)
    page, total = store.applications.search(stages=("rejected",), unreflected=True)
    assert [r.company for r in page] == ["Beta"] and total == 1


def test_open_paths_in_sql_agree_with_the_rule(store: Store) -> None:
    """Every mix of facts and marks, on many rejections: the SQL finds exactly the paths the
    domain calls open, most recent no first."""
    rng = random.Random(7)
    apps = []
    for n in range(40):
        day = date(2026, 10, 1 + n % 28)
        apps.append(factories.application(store, f"Co {n}", applied_on="2026-09-01",
                                          stages=[("rejected", day)]))
    for app in apps:
        for step in after_no.STEPS:
            choice = rng.choice((None, "later", "done", "skipped", "done", "skipped", "done",
                                 "skipped"))
            if choice:
                after_no.mark(store, app, step, choice)
        if rng.random() < 0.3:
            fb.add_request(store, app, fb.NewRequest(asked_on=TODAY))
        if rng.random() < 0.2:
            store.reflections.finish(rf.start_reflection(store, app), 1)
    wellbeing.save_checkin(store, wellbeing.CheckIn(items=[3] * 5), day=date(2026, 10, 14))
    expected = [p.application_id for p in
                sorted((after_no.path_for(store, a) for a in apps),
                       key=lambda p: (p.facts.rejected_on, p.application_id), reverse=True)
                if not p.finished]
    found = [p.application_id for p in after_no.open_paths(store, limit=100)]
    assert found == expected
    assert 0 < len(found) < len(apps)  # the mix had both kinds
    assert [p.application_id for p in after_no.open_paths(store)] == expected[:3]


def test_every_combination_of_marks_is_settled_alike_in_sql(store: Store) -> None:
    app = factories.rejected(store)
    for marks in itertools.product((None, "done", "skipped", "later"), repeat=2):
        for step, mark in zip(("reply", "care"), marks, strict=True):
            if mark is None:
                after_no.reopen(store, app, step)
            else:
                after_no.mark(store, app, step, mark)
        open_ = [p.application_id for p in after_no.open_paths(store)]
        assert open_ == [app]  # three steps are still open whatever the two say
    for step in after_no.STEPS:
        after_no.mark(store, app, step, "skipped")
    assert after_no.open_paths(store) == []
    dream_list.add(store, "Dream Co")
    assert after_no.path_for(store, app).finished
