"""Databases of a search at several sizes, for the chart tests and the screenshots.

A real user starts with one application, not the demo's 400, so the small sizes tell the story
of the first weeks: applications a few days apart, up to today, a first reply now and then, a
check-in most weeks, a reflection after a no, a feedback reply with themes. They are made
through `tests.factories` (the forms' own rules). The large size is `demo.fill`.
"""

from __future__ import annotations

import json
from datetime import date, timedelta
from pathlib import Path

from nextround import demo
from nextround.store import Store
from tests import factories
from tests.conftest import TODAY

SIZES = (0, 1, 3, 10, 1000)
GAP_DAYS = 3  # between one application and the next in the first weeks


def _day(days_ago: int) -> date:
    return TODAY - timedelta(days=days_ago)


def first_weeks(store: Store, applications: int) -> None:
    """`applications` applications, the last one two days ago and each one `GAP_DAYS` before
    the next; every third gets a reply a week later (a screening call, then sometimes an
    interview and once an offer), every fourth a no; a check-in a week for as many weeks as
    the search has run; a reflection after each no, and a feedback reply for the first."""
    rejected: list[tuple[int, date]] = []
    for i in range(applications):
        applied = _day(2 + GAP_DAYS * (applications - 1 - i))
        stages: list[tuple[str, date]] = []
        replied = applied + timedelta(days=6)
        if i % 3 == 0 and replied < TODAY:
            stages.append(("screening", replied))
            if i % 6 == 0 and replied + timedelta(days=5) < TODAY:
                stages.append(("interviewing", replied + timedelta(days=5)))
                if i == 0 and applications >= 10:
                    stages.append(("offer", replied + timedelta(days=12)))
        elif i % 4 == 1 and replied < TODAY:
            stages.append(("rejected", replied))
        app_id = factories.application(store, f"Company {i + 1}", applied_on=applied,
                                       source=("LinkedIn", "Referral", "Company site")[i % 3],
                                       contact_email="hr@example.com", stages=stages)
        if stages and stages[-1][0] == "rejected":
            rejected.append((app_id, stages[-1][1]))
    if not applications:
        return
    first = _day(2 + GAP_DAYS * (applications - 1))
    week = first - timedelta(days=first.weekday())
    answers = ((3, 3, 3, 3, 2), (3, 4, 3, 3, 3), (2, 3, 2, 3, 2), (4, 3, 3, 4, 3))
    n = 0
    while week <= TODAY:
        factories.checkin(store, answers[n % len(answers)], day=min(week + timedelta(days=4),
                                                                     TODAY), stress=3 + n % 4)
        week += timedelta(days=7)
        n += 1
    for k, (app_id, no_on) in enumerate(rejected):
        done = min(no_on + timedelta(days=1), TODAY)
        store.transfer.insert_rows("reflections", [{
            "application_id": app_id, "status": "done", "created_on": done.isoformat(),
            "completed_on": done.isoformat(), "updated_at": f"{done}T12:00:00",
            "control_pct": 40 + 10 * k, "fit": "unsure",
            "answers": json.dumps({"outside_factors": ["timing", "many_applicants"][: 1 + k % 2],
                                   "do_differently": ["Practise the technical questions"]})}])
        if k == 0:
            request = factories.feedback_request(store, app_id, done)
            factories.feedback_reply(store, request, min(done + timedelta(days=3), TODAY),
                                     "Strong, but others had more experience.",
                                     ["experience level"])


def build(folder: Path, applications: int) -> Store:
    """A database of `applications` applications in `folder`: the first weeks' story up to
    ten, the demo beyond."""
    store = Store(folder / f"apps-{applications}.db")
    if applications > 10:
        demo.fill(store, applications=applications, seed=7, today=TODAY)
    else:
        first_weeks(store, applications)
    return store
