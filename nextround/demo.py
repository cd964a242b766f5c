"""Deterministic, realistic demo data of any size.

Why it is built this way:
- One `random.Random(seed)` drives everything and "today" is passed in, so the same
  (applications, seed, today) always gives byte-identical tables: tests and benchmarks can rely
  on exact numbers. Nothing here reads the clock or the global random state.
- The story is simulated per application (applied → reply → screening → interviews → outcome),
  and every other table is derived from that story, so the rows agree with each other: a
  thank-you is sent after its rejection, feedback is asked after an interview, a reflection
  follows a rejection, an action follows its reflection or feedback.
- Rows are plain tuples with explicit ids, written by `store.transfer.load_demo` in one
  transaction, so 100,000 applications take seconds rather than minutes.
"""

from __future__ import annotations

import json
import math
import random
from collections.abc import Callable, Iterator, Sequence
from datetime import date, timedelta
from typing import Any

from nextround import drafting, transfer
from nextround.clock import iso_week_key
from nextround.models import DEFAULT_FOLLOW_UP_DAYS, ValidationError
from nextround.store import Store, StoreError
from nextround.text import plural

Progress = Callable[[float, str], None]
Table = tuple[tuple[str, ...], list[tuple[Any, ...]]]

MAX_APPLICATIONS = 1_000_000
WEEKS = 104  # about two years
DEMO_NAME = "Sam Rivera"

# --- the world the demo job seeker lives in ---------------------------------------------------

_COMPANY_FIRST = (
    "Northwind", "Bluefin", "Larkspur", "Copperleaf", "Brightwater", "Meridian", "Foxglove",
    "Tidewell", "Harborview", "Quillon", "Evergreen", "Sable", "Juniper", "Kestrel", "Lumen",
    "Orchard", "Pinecrest", "Redwood", "Silverline", "Stonebridge", "Summit", "Tandem",
    "Vantage", "Willow", "Zephyr", "Aster", "Beacon", "Cobalt", "Driftwood", "Ember",
    "Fieldstone", "Granite", "Halcyon", "Ironbark", "Keystone", "Lattice", "Mosaic", "Nimbus",
    "Oakridge", "Parallel", "Riverbend", "Saltmarsh", "Trellis", "Upland", "Verdant",
    "Wavelength", "Yarrow", "Alder", "Brambling", "Clearwater",
)
_COMPANY_SECOND = (
    "Analytics", "Health", "Labs", "Logistics", "Bank", "Systems", "Software", "Energy",
    "Studio", "Robotics", "Insurance", "Media", "Foods", "Mobility", "Learning", "Security",
    "Bio", "Retail", "Games", "Cloud", "Capital", "Travel", "Works", "Data", "Networks",
)
COMPANIES = tuple(f"{a} {b}" for a in _COMPANY_FIRST for b in _COMPANY_SECOND)

# (role, weight): a software and data person, mostly mid-level, reaching up and sideways.
_ROLES = (
    ("Software Engineer", 14), ("Senior Software Engineer", 12), ("Backend Engineer", 10),
    ("Full-Stack Developer", 7), ("Data Engineer", 9), ("Data Analyst", 5),
    ("Platform Engineer", 5), ("Site Reliability Engineer", 4), ("Machine Learning Engineer", 4),
    ("Python Developer", 6), ("Analytics Engineer", 4), ("DevOps Engineer", 3),
    ("Staff Engineer", 2), ("Engineering Manager", 2), ("Solutions Engineer", 2),
    ("Technical Product Manager", 1),
)
_LOCATIONS = (
    ("Remote", 30), ("Remote (EU)", 8), ("Berlin", 8), ("London", 10), ("Amsterdam", 6),
    ("Dublin", 4), ("Lisbon", 3), ("Manchester (hybrid)", 5), ("New York, NY", 6),
    ("Toronto", 4), ("Austin, TX", 3), ("Barcelona", 3),
)
# (source, share of applications, chance the employer ever replies). Referrals and
# recruiters answer far more often than a cold application through a job board.
SOURCES = (
    ("LinkedIn", 0.30, 0.22),
    ("Company site", 0.24, 0.32),
    ("Job board", 0.20, 0.16),
    ("Referral", 0.08, 0.78),
    ("Recruiter", 0.08, 0.62),
    ("Meetup or event", 0.05, 0.45),
    ("Alumni network", 0.05, 0.52),
)
_FIRST_NAMES = (
    "Priya", "Jonas", "Maria", "Tom", "Aisha", "Lukas", "Chloe", "Mateo", "Hannah", "Omar",
    "Sofia", "Daniel", "Yuki", "Emma", "Kwame", "Lea", "Noah", "Ines", "Ravi", "Grace",
    "Felix", "Amara", "Leo", "Nora", "Sam", "Elif", "Jakob", "Zara", "Ben", "Mei",
)
_LAST_NAMES = (
    "Shah", "Becker", "Garcia", "Nguyen", "Okafor", "Schmidt", "Dubois", "Rossi", "Kowalski",
    "Haddad", "Silva", "Murphy", "Tanaka", "Larsen", "Mensah", "Fischer", "Cohen", "Novak",
    "Patel", "Walsh", "Moreau", "Ibrahim", "Jansen", "Costa", "Kim", "Yilmaz", "Berg", "Ali",
    "Brennan", "Chen",
)
_APPLICATION_NOTES = (
    "", "", "", "", "", "Salary band listed in the ad.", "Hybrid, two days in the office.",
    "Small team, sounded friendly.", "Tailored the CV for this one.", "Wrote a cover letter.",
    "Found through a former colleague.", "Role asks for on-call.", "Four-day week offered.",
    "Take-home task mentioned in the ad.", "Visa sponsorship available.",
)
_SCREEN_NOTES = ("Call with the recruiter", "Phone screen", "Intro call with the hiring manager",
                 "Recruiter screen, 30 minutes")
_INTERVIEW_NOTES = ("Technical interview", "Take-home task, then a review call",
                    "Panel interview", "System design round", "Final round on site",
                    "Pairing session with the team")
_REJECT_NOTES = {
    "applied": ("Rejected after CV review", "Automated rejection email", "Position filled"),
    "screening": ("Not moving forward after the screen", "Looking for more seniority"),
    "interviewing": ("Rejected after the final round", "Went with another candidate",
                     "Rejected after the technical interview"),
}
_WITHDRAW_NOTES = ("Withdrew: the role changed", "Withdrew: salary too low",
                   "Withdrew: took myself out of the process", "Withdrew: commute too long")

FEEDBACK_THEMES = (
    "experience level", "skills gap", "technical depth", "communication", "preparation",
    "culture or team fit", "stronger candidates", "role changed or closed",
)
_FEEDBACK_SENTENCES = {
    "experience level": "The team felt the role needed someone with more years leading projects.",
    "skills gap": "We were looking for more hands-on experience with our cloud stack.",
    "technical depth": "The system design discussion stayed at a high level; we wanted more "
                       "depth on trade-offs.",
    "communication": "Your answers were thoughtful but sometimes long; a clearer structure "
                     "would have helped.",
    "preparation": "It would have helped to know a bit more about our product before the call.",
    "culture or team fit": "The team works very differently from what you described enjoying.",
    "stronger candidates": "It was a close call; another candidate had direct domain experience.",
    "role changed or closed": "The role was re-scoped after budget changes, so we paused hiring.",
}
_THEME_ACTIONS = {
    "experience level": "Write up two projects I led, with outcomes",
    "skills gap": "Finish a small project on the cloud stack",
    "technical depth": "Practise two system design questions out loud",
    "communication": "Practise answers in the STAR format, two minutes each",
    "preparation": "Make a one-page prep sheet before every interview",
    "culture or team fit": "Add questions about team working style to my list",
    "stronger candidates": "Ask a mentor which domain to focus on next",
    "role changed or closed": "Set a reminder to check back in three months",
}
_EXPECTED = ("A second interview.", "An offer, honestly.", "To at least get to the final round.",
             "Not much, it was a long shot.", "A take-home task next.")
_WHAT_HAPPENED = ("Rejection email two days after the final round.",
                  "The recruiter called to say they went with someone else.",
                  "A short rejection after the technical interview.",
                  "They said the role needed more seniority.")
_QUESTIONS = ("How I'd handle a production outage.", "Designing a rate limiter.",
              "A time I disagreed with a manager.", "Why I left my last job.",
              "SQL window functions, live.")
_FEELING_WORDS = ("disappointed", "tired", "frustrated but okay", "relieved", "flat",
                  "hopeful anyway", "annoyed", "calm")
_WENT_WELL = ("Good rapport with the hiring manager.", "I explained my last project clearly.",
              "The coding part went smoothly.", "I asked good questions at the end.",
              "I stayed calm when I got stuck.")
DO_DIFFERENTLY = ("Prepare concrete numbers for my impact", "Practise system design out loud",
                  "Research the product before the call", "Keep answers under two minutes",
                  "Ask about the team's challenges earlier", "Rest properly the night before")
REFLECTION_STEPS = 7  # nextround.reflection.SUMMARY_STEP: all seven questions answered
OUTSIDE_FACTORS = ("experience", "internal_candidate", "education", "freeze",
                   "many_applicants", "comp_location", "timing")
_FIT_NOTES = ("The role was more sales-facing than I want.", "Lots of on-call, not for me.",
              "Fully in office, five days a week.", "")
_MANUAL_ACTIONS = ("Update my LinkedIn headline", "Coffee chat with a former colleague",
                   "Refresh the CV summary", "Tidy up my GitHub profile",
                   "Ask two people for a referral", "Go to a local meetup",
                   "Write a short post about a recent project", "Review my salary expectations")
_WINS = ("Sent all my applications for the week.", "Got a call back.", "Finished the portfolio "
         "case study.", "Had a great coffee chat.", "Went for a long run every other day.",
         "Learned something new for an interview.", "Helped a friend with their CV.", "")
_LET_GO = ("Refreshing my inbox every hour.", "That rejection I was sure about.",
           "Comparing myself with friends on LinkedIn.", "A bad interview answer.",
           "Worrying about the ghosted applications.", "")
SELF_CARE = ("sleep", "movement", "people", "day_off", "fun")
_TARGET_WHY = ("Great engineering blog and a kind interview process.",
               "Mission I care about.", "Friends who work there love it.",
               "Remote-first and a four-day week.", "Strong mentoring culture.",
               "Interesting data problems.")
_TARGET_NEXT = ("Find someone to talk to on the team", "Read their engineering blog",
                "Watch the careers page for openings", "Ask for a referral",
                "Tailor the CV for their stack", "")
_TARGET_STATUS = ("researching", "networking", "ready")


def _slug(text: str) -> str:
    return "".join(c for c in text.lower() if c.isalnum())


def _stamp(iso: str) -> str:
    return f"{iso}T09:00:00+00:00"


class _Days:
    """Ordinal → ISO text, memoised: there are only ~800 distinct days to format."""

    def __init__(self) -> None:
        self._cache: dict[int, str] = {}

    def __call__(self, ordinal: int | None) -> str | None:
        if ordinal is None:
            return None
        text = self._cache.get(ordinal)
        if text is None:
            text = self._cache[ordinal] = date.fromordinal(ordinal).isoformat()
        return text


def _holiday_factor(monday: date) -> float:
    """Quieter weeks: the end-of-year holidays, August, and the week of a long weekend."""
    factor = 1.0
    for offset in range(7):
        day = monday + timedelta(days=offset)
        if (day.month == 12 and day.day >= 22) or (day.month == 1 and day.day <= 2):
            return 0.2
        if day.month == 8:
            factor = min(factor, 0.65)
        if (day.month, day.day) in ((5, 1), (4, 1), (11, 26), (10, 3)):
            factor = min(factor, 0.8)
    return factor


def _weekly_counts(rng: random.Random, applications: int, mondays: Sequence[date],
                   today: date) -> list[int]:
    """How many applications in each week: a first burst, slower stretches, hiring seasons,
    holidays and the odd week off. The counts always sum to `applications`."""
    phase = rng.uniform(0, 2 * math.pi)
    weights = []
    for i, monday in enumerate(mondays):
        weight = 0.75 + 0.8 * math.exp(-i / 10) + 0.3 * math.sin(2 * math.pi * i / 17 + phase)
        weight *= _holiday_factor(monday) * rng.lognormvariate(0, 0.3)
        if rng.random() < 0.04:
            weight *= 0.15  # a week off
        weights.append(max(weight, 0.02))
    weights[-1] *= min(1.0, (today.weekday() + 1) / 5)  # this week isn't over yet
    total = sum(weights)
    exact = [applications * w / total for w in weights]
    counts = [int(x) for x in exact]
    order = sorted(range(len(exact)), key=lambda k: (counts[k] - exact[k], k))
    for k in order[: applications - sum(counts)]:
        counts[k] += 1
    return counts


def generate(applications: int = 300, seed: int = 1, today: date | None = None, *,
             ghost_after_days: int = 30, follow_up_days: int = DEFAULT_FOLLOW_UP_DAYS,
             progress: Progress | None = None) -> dict[str, Table]:
    """Every demo row, as {table: (columns, rows)}. Pure: no database, no clock."""
    if isinstance(applications, bool) or not isinstance(applications, int) or not (
            1 <= applications <= MAX_APPLICATIONS):
        raise ValidationError({"applications": "Number of demo applications must be a whole "
                                               f"number from 1 to {MAX_APPLICATIONS:,}."})
    if today is None:
        raise ValueError("generate() needs today's date")
    rng = random.Random(seed)
    rand, randint, choice = rng.random, rng.randint, rng.choice
    # The drafts' wording draws from its own stream, so the story's draws stay as they were.
    text_rng = random.Random(f"{seed}-draft-text")
    reached_of: dict[int, str] = {}  # application id → the furthest stage, in drafting terms
    iso = _Days()
    tod = today.toordinal()
    this_monday = tod - today.weekday()
    mondays = [date.fromordinal(this_monday - 7 * (WEEKS - 1 - i)) for i in range(WEEKS)]
    start = mondays[0].toordinal()
    span = max(1, tod - start)
    counts = _weekly_counts(rng, applications, mondays, today)

    role_names = [r for r, _ in _ROLES]
    role_cum = _cumulative(w for _, w in _ROLES)
    loc_names = [n for n, _ in _LOCATIONS]
    loc_cum = _cumulative(w for _, w in _LOCATIONS)
    src_cum = _cumulative(s[1] for s in SOURCES)
    day_weights = (1.0, 1.1, 1.0, 0.9, 0.7, 0.12, 0.1)

    apps: list[list[Any]] = []
    events: list[tuple[Any, ...]] = []
    drafts: list[tuple[Any, ...]] = []
    feedback: list[tuple[Any, ...]] = []
    reflections: list[tuple[Any, ...]] = []
    actions: list[tuple[Any, ...]] = []
    week_rejections = [0] * WEEKS
    week_offers = [0] * WEEKS

    def add_event(app_id: int, stage: str, ordinal: int, note: str = "") -> None:
        day = iso(ordinal)
        events.append((len(events) + 1, app_id, stage, day, note, _stamp(day)))

    def add_draft(app_id: int, kind: str, company: str, role: str, to_email: str,
                  contact: str, on: int, sent: bool) -> int:
        draft_id = len(drafts) + 1
        tone = "warm" if rand() < 0.6 else ("concise" if rand() < 0.6 else "formal")
        subject, body = _draft_text(kind, tone, company, role, contact,
                                    reached_of.get(app_id, "applied"), text_rng)
        day = iso(on)
        drafts.append((draft_id, app_id, kind, tone, company, role, to_email, subject, body,
                       "sent" if sent else "draft", day if sent else None,
                       f"demo-{seed}-{draft_id}", _stamp(day), _stamp(day)))
        return draft_id

    def add_action(title: str, created: int, source_kind: str, source_id: int | None,
                   label: str, keep_open: bool = False) -> None:
        due = created + randint(5, 28)
        done = None
        if keep_open:
            pass
        elif due <= tod and rand() < 0.75:
            done = min(tod, created + randint(1, due - created + 4))
        elif due > tod and rand() < 0.2:
            done = min(tod, created + randint(0, 5))
        actions.append((len(actions) + 1, title, iso(due), iso(done), source_kind, source_id,
                        label, iso(created)))

    report_every = max(1, applications // 20)
    app_id = 0
    for week, (monday, count) in enumerate(zip(mondays, counts, strict=True)):
        if not count:
            continue
        base = monday.toordinal()
        usable = [w if base + k <= tod else 0.0 for k, w in enumerate(day_weights)]
        offsets = sorted(rng.choices(range(7), weights=usable, k=count))
        for offset in offsets:
            app_id += 1
            applied = base + offset
            t = (applied - start) / span
            company = COMPANIES[int(len(COMPANIES) * rand() ** 1.6)]
            role = role_names[_pick(rand(), role_cum)]
            location = loc_names[_pick(rand(), loc_cum)]
            s = _pick(rand(), src_cum)
            source, _, reply_rate = SOURCES[s]
            slug = _slug(company)
            contact = email = ""
            if rand() < (0.85 if source in ("Referral", "Recruiter") else 0.3):
                first, last = choice(_FIRST_NAMES), choice(_LAST_NAMES)
                contact = f"{first} {last}"
                email = f"{first}.{last}@{slug}.example".lower()
            link = f"https://jobs.{slug}.example/{_slug(role)}-{app_id}" if rand() < 0.8 else ""
            notes = choice(_APPLICATION_NOTES)
            add_event(app_id, "applied", applied)

            # The story: each step happens only if its date has already come.
            stage, stage_on, reached = "applied", applied, "applied"
            rejected_on = None
            if rand() < reply_rate * (0.85 + 0.3 * t):
                r = rand()
                lag = 0 if r < 0.05 else min(60, int(rng.lognormvariate(1.8, 0.6)))
                replied = applied + lag
                if replied <= tod:
                    if rand() < 0.42:
                        stage, stage_on = "rejected", replied
                        add_event(app_id, stage, replied, choice(_REJECT_NOTES["applied"]))
                    else:
                        stage, stage_on, reached = "screening", replied, "screening"
                        add_event(app_id, stage, replied, choice(_SCREEN_NOTES))
                        nxt = replied + randint(3, 12)
                        r = rand()
                        silent = replied + ghost_after_days + randint(0, 14)
                        if r < 0.04 and silent <= tod:
                            stage, stage_on = "ghosted", silent
                            add_event(app_id, stage, silent, "No word since the screen")
                        elif nxt <= tod:
                            if r < 0.36:
                                stage, stage_on = "rejected", nxt
                                add_event(app_id, stage, nxt, choice(_REJECT_NOTES["screening"]))
                            elif r < 0.41:
                                stage, stage_on = "withdrawn", nxt
                                add_event(app_id, stage, nxt, choice(_WITHDRAW_NOTES))
                            else:
                                stage, stage_on, reached = "interviewing", nxt, "interviewing"
                                add_event(app_id, stage, nxt, choice(_INTERVIEW_NOTES))
                                decided = nxt + randint(6, 24)
                                r = rand()
                                silent = nxt + ghost_after_days + randint(0, 10)
                                if r < 0.06 and silent <= tod:
                                    stage, stage_on = "ghosted", silent
                                    add_event(app_id, stage, silent, "No word since the interview")
                                elif decided <= tod:
                                    if r < 0.62:
                                        stage, stage_on = "rejected", decided
                                        add_event(app_id, stage, decided,
                                                  choice(_REJECT_NOTES["interviewing"]))
                                    elif r < 0.70:
                                        stage, stage_on = "withdrawn", decided
                                        add_event(app_id, stage, decided,
                                                  choice(_WITHDRAW_NOTES))
                                    elif r < 0.82:
                                        if silent <= tod:  # else: still waiting to hear
                                            stage, stage_on = "ghosted", silent
                                            add_event(app_id, stage, silent,
                                                      "No word since the interview")
                                    else:
                                        stage, stage_on, reached = "offer", decided, "offer"
                                        add_event(app_id, stage, decided, "Offer received")
                                        week_offers[week] += 1
                                        answer = decided + randint(3, 14)
                                        if answer <= tod:
                                            if rand() < 0.3:
                                                stage, stage_on = "accepted", answer
                                                add_event(app_id, stage, answer, "Accepted a "
                                                          "contract role; still looking for a "
                                                          "permanent one")
                                            else:
                                                stage, stage_on = "withdrawn", answer
                                                add_event(app_id, stage, answer,
                                                          "Declined the offer")
            else:
                age = tod - applied
                r = rand()
                if age > ghost_after_days:
                    marked = applied + ghost_after_days + randint(0, 21)
                    if r < 0.75:
                        if marked <= tod:  # else: not marked yet, a ghosting candidate
                            stage, stage_on = "ghosted", marked
                            add_event(app_id, stage, marked, "No reply")
                    elif r < 0.8:
                        stage, stage_on = "withdrawn", applied + randint(5, ghost_after_days)
                        add_event(app_id, stage, stage_on, choice(_WITHDRAW_NOTES))
                elif r < 0.03 and age >= 3:
                    stage, stage_on = "withdrawn", applied + randint(1, age)
                    add_event(app_id, stage, stage_on, choice(_WITHDRAW_NOTES))
            if stage == "rejected":
                rejected_on = stage_on
                week_rejections[min(WEEKS - 1, (stage_on - start) // 7)] += 1

            apps.append([app_id, company, role, location, source, link, contact, email,
                         iso(applied), stage, iso(stage_on), notes, None,
                         _stamp(iso(applied)), _stamp(iso(stage_on))])
            reached_of[app_id] = _DRAFT_STAGES[reached]

            # Always respond: a thank-you after most rejections, more often as the habit grows.
            if rejected_on is not None:
                habit = 0.75 + 0.3 * t
                if rand() < min(0.97, (0.6 if reached == "applied" else 0.92) * habit):
                    sent_on = rejected_on + randint(0, 3)
                    sent = sent_on <= tod and rand() < 0.93
                    add_draft(app_id, "rejection_thanks", company, role, email, contact,
                              sent_on if sent else rejected_on, sent)
            if stage == "withdrawn" and reached == "offer" and rand() < 0.5:
                on = stage_on + randint(20, 90)
                add_draft(app_id, "stay_in_touch", company, role, email, contact,
                          min(on, tod), on <= tod)

            # Ask for feedback, mostly after a screen or an interview went nowhere.
            if rejected_on is not None:
                ask = {"applied": 0.04, "screening": 0.45}.get(reached, 0.75) * (0.75 + 0.5 * t)
                asked = rejected_on + randint(0, 4)
                if rand() < ask and asked <= tod:
                    _feedback(rng, feedback, add_draft, add_action, iso, app_id, company, role,
                              contact, email, asked, tod, follow_up_days)
            if rejected_on is not None and reached != "applied":
                # Reflect on it, especially after interviews.
                reflect = (0.2 if reached == "screening" else 0.55) * (0.6 + 0.6 * t)
                created = rejected_on + randint(0, 4)
                if rand() < reflect and created <= tod:
                    _reflection(rng, reflections, add_action, iso, app_id, company, reached,
                                created, tod)

        if progress is not None and app_id // report_every != (app_id - count) // report_every:
            progress(0.6 * app_id / applications, f"Made {app_id:,} of {applications:,} "
                                                  "demo applications")

    _showcase(apps, add_event, iso, tod)
    for monday_ord in range(start, tod, 28):  # a few things the user set for themselves
        created = monday_ord + randint(0, 6)
        if created <= tod and rand() < 0.8:
            add_action(choice(_MANUAL_ACTIONS), created, "manual", None, "")
    for title in rng.sample(_MANUAL_ACTIONS, 2):  # this week's plan, still to do
        add_action(title, tod - randint(0, 4), "manual", None, "", keep_open=True)

    targets = _targets(rng, apps, iso, start, tod, applications)
    checkins = _checkins(rng, mondays, counts, week_rejections, week_offers, tod, iso)
    path_steps = _path_steps(rng, apps, feedback, reflections, tod)
    if progress is not None:
        progress(0.6, "Made the drafts, feedback, reflections and check-ins")

    return {
        "targets": (("id", "company", "role", "why", "priority", "status", "next_step",
                     "application_id", "created_on"), targets),
        "applications": (("id", "company", "role", "location", "source", "link",
                          "contact_name", "contact_email", "applied_on", "stage", "stage_on",
                          "notes", "target_id", "created_at", "updated_at"),
                         [tuple(a) for a in apps]),
        "events": (("id", "application_id", "stage", "on_date", "note", "created_at"), events),
        "drafts": (("id", "application_id", "kind", "tone", "company", "role", "to_email",
                    "subject", "body", "status", "sent_on", "request_token", "created_at",
                    "updated_at"), drafts),
        "feedback_requests": (("id", "application_id", "asked_on", "channel", "asked_whom",
                               "follow_up_due", "status", "follow_ups", "received_on",
                               "feedback_text", "themes", "draft_id", "created_at",
                               "updated_at"), feedback),
        "reflections": (("id", "application_id", "status", "answers", "control_pct", "fit",
                         "created_on", "completed_on", "updated_at"), reflections),
        "actions": (("id", "title", "due_on", "done_on", "source_kind", "source_id",
                     "source_label", "created_on"), actions),
        "checkins": (("id", "week", "checked_on", "items", "who5_raw", "stress", "hours",
                      "self_care", "win", "let_go", "updated_at"), checkins),
        "path_steps": (("id", "application_id", "step", "state", "on_date"), path_steps),
    }


def _path_steps(rng: random.Random, apps: list[list[Any]], feedback: list[tuple[Any, ...]],
                reflections: list[tuple[Any, ...]], tod: int) -> list[tuple[Any, ...]]:
    """What a user says on older paths after a no: feedback not asked for, and no reflection
    on a no at the CV stage, are often "not for this one". Recent nos are left as they are,
    so the demo has open paths to follow."""
    asked = {row[1] for row in feedback}
    reflected = {row[1] for row in reflections}
    rows: list[tuple[Any, ...]] = []
    for app in apps:
        if app[9] != "rejected" or tod - date.fromisoformat(app[10]).toordinal() < 21:
            continue
        if app[0] not in asked and rng.random() < 0.5:
            rows.append((len(rows) + 1, app[0], "feedback", "skipped", app[10]))
        if app[0] not in reflected and rng.random() < 0.4:
            rows.append((len(rows) + 1, app[0], "reflect", "skipped", app[10]))
    return rows


def _showcase(apps: list[list[Any]], add_event: Callable, iso: _Days, tod: int) -> None:
    """Open screens, interviews and offers are short-lived, so a realistic sample can have
    none open today. The demo should show those moments too: for each missing one, the most
    recent application still waiting for a reply (2 to 6 weeks old) moves on, with dated
    events spread between its application and today."""
    path = ("screening", "interviewing", "offer")
    for depth in (3, 2, 1):
        if any(a[9] == path[depth - 1] for a in apps):
            continue
        pool = [a for a in apps if a[9] == "applied"
                and 14 <= tod - date.fromisoformat(a[8]).toordinal() <= 45]
        if not pool:
            continue
        app = max(pool, key=lambda a: (a[8], a[0]))
        applied = date.fromisoformat(app[8]).toordinal()
        for k, stage in enumerate(path[:depth]):
            on = applied + (tod - applied) * (k + 1) // (depth + 1)
            add_event(app[0], stage, on, "Offer received; thinking it over"
                      if stage == "offer" else "")
        app[9], app[10], app[14] = path[depth - 1], iso(on), _stamp(iso(on))


def _cumulative(weights: Any) -> list[float]:
    values = list(weights)
    total, out, running = sum(values), [], 0.0
    for w in values:
        running += w / total
        out.append(running)
    out[-1] = 1.0
    return out


def _pick(x: float, cumulative: Sequence[float]) -> int:
    for i, edge in enumerate(cumulative):
        if x < edge:
            return i
    return len(cumulative) - 1


_DRAFT_STAGES = {"applied": "applied", "screening": "screening", "interviewing": "interview",
                 "offer": "final"}


def _draft_text(kind: str, tone: str, company: str, role: str, contact: str, stage: str,
                rng: random.Random) -> tuple[str, str]:
    """The email the user would have sent, written by `nextround.drafting` like every real
    draft: true to the stage reached, in one of its three versions, now and then without the
    keep-in-touch line or after a role they were told is filled."""
    ctx = drafting.DraftContext(
        sender_name=DEMO_NAME, company=company, role=role, contact_name=contact or None,
        stage_reached=stage, keep_in_touch=rng.random() < 0.8, tone=tone,
        role_filled=kind == "rejection_thanks" and rng.random() < 0.3)
    made = drafting.draft(kind, ctx, rng.randrange(3))
    return made.subject, made.body


def _feedback(rng: random.Random, rows: list, add_draft: Callable, add_action: Callable,
              iso: _Days, app_id: int, company: str, role: str, contact: str, email: str,
              asked: int, tod: int, follow_up_days: int) -> None:
    """One feedback request and its story: awaiting, followed up, received, declined or no
    reply, with the drafts that were sent along the way."""
    fb_id = len(rows) + 1
    r = rng.random()
    channel = ("email" if r < 0.72 else "linkedin" if r < 0.87 else "call" if r < 0.96
               else "other")
    whom = contact or rng.choice(("Recruiter", "Hiring manager", "Talent team"))
    draft_id = None
    if channel == "email":
        draft_id = add_draft(app_id, "feedback_request", company, role, email, contact, asked,
                             True)
    outcome = rng.random()
    lag = rng.randint(1, 18)
    follow_up_on = asked + follow_up_days
    status, follow_ups, received, text_, themes = "awaiting", 0, None, "", []
    due: int | None = follow_up_on
    if outcome < 0.45 and asked + lag <= tod:
        status, received, due = "received", asked + lag, None
        themes = rng.sample(FEEDBACK_THEMES, rng.choice((1, 1, 2, 2, 3)))
        text_ = " ".join(_FEEDBACK_SENTENCES[t] for t in themes)
        follow_ups = 1 if lag > follow_up_days else 0
    elif outcome < 0.55 and asked + lag <= tod:
        status, received, due = "declined", asked + lag, None
        text_ = "Thanks for asking. Company policy is not to share interview feedback."
    elif outcome >= 0.55:
        give_up = asked + rng.randint(3 * follow_up_days, 75)
        if give_up <= tod:
            status, follow_ups, due = "no_reply", rng.choice((1, 2)), None
        elif follow_up_on <= tod and rng.random() < 0.7:
            status, follow_ups, due = "followed_up", 1, follow_up_on + follow_up_days
            if due <= tod and rng.random() < 0.5:
                follow_ups, due = 2, due + follow_up_days
    elif follow_up_on <= tod and rng.random() < 0.5:
        status, follow_ups, due = "followed_up", 1, follow_up_on + follow_up_days
    if channel == "email":
        for k in range(follow_ups):
            add_draft(app_id, "feedback_follow_up", company, role, email, contact,
                      asked + (k + 1) * follow_up_days, True)
    last = received if received is not None else asked + follow_ups * follow_up_days
    rows.append((fb_id, app_id, iso(asked), channel, whom, iso(due), status, follow_ups,
                 iso(received), text_, json.dumps(themes), draft_id, _stamp(iso(asked)),
                 _stamp(iso(min(last, tod)))))
    if status == "received" and rng.random() < 0.6:
        theme = themes[0]
        add_action(_THEME_ACTIONS[theme], received, "feedback", fb_id, theme)


def _reflection(rng: random.Random, rows: list, add_action: Callable, iso: _Days, app_id: int,
                company: str, reached: str, created: int, tod: int) -> None:
    """A finished guided post-mortem, with one lesson turned into a game-plan action."""
    ref_id = len(rows) + 1
    fit = rng.choices(("yes", "unsure", "no"), weights=(55, 30, 15))[0]
    changes = rng.sample(DO_DIFFERENTLY, rng.choice((1, 2, 2, 3)))
    answers = {
        "expected": rng.choice(_EXPECTED),
        "what_happened": rng.choice(_WHAT_HAPPENED),
        "stage_reached": "screening" if reached == "screening" else rng.choice(
            ("interviewing", "interviewing", "final")),
        "questions": rng.choice(_QUESTIONS),
        "feeling_score": rng.randint(2, 8),
        "feeling_words": rng.choice(_FEELING_WORDS),
        "went_well": rng.choice(_WENT_WELL),
        "do_differently": changes,
        "outside_factors": sorted(rng.sample(OUTSIDE_FACTORS, rng.choice((0, 1, 1, 2, 3))),
                                  key=OUTSIDE_FACTORS.index),
        "fit_note": rng.choice(_FIT_NOTES) if fit != "yes" else "",
    }
    control = 5 * rng.randint(4, 16)
    # Every demo reflection is finished, so the demo opens on a clean Reflect page rather than
    # halfway through someone else's draft. The draw that once left some half-done is kept,
    # so the rest of the made-up story stays the same.
    rng.random()
    completed = min(tod, created + rng.randint(0, 2))
    # `step` is where the guided form resumes; `planned` lists lessons already in the plan.
    answers["step"], answers["planned"] = REFLECTION_STEPS, [changes[0]]
    rows.append((ref_id, app_id, "done", json.dumps(answers, ensure_ascii=False), control, fit,
                 iso(created), iso(completed), _stamp(iso(completed))))
    add_action(changes[0], completed, "reflection", ref_id, f"Reflection on {company}")


def _targets(rng: random.Random, apps: list[list[Any]], iso: _Days, start: int, tod: int,
             applications: int) -> list[tuple[Any, ...]]:
    """The dream-job list. Some entries became applications ("I applied"), linked both ways."""
    rows: list[tuple[Any, ...]] = []
    wanted = min(40, 8 + applications // 100)
    recent = [a for a in apps if tod - date.fromisoformat(a[8]).toordinal() <= 150]
    picked = rng.sample(recent, min(len(recent), max(1, wanted // 3))) if recent else []
    linked = list({a[1]: a for a in sorted(picked, key=lambda a: a[0])}.values())
    for app in linked:
        target_id = len(rows) + 1
        applied = date.fromisoformat(app[8]).toordinal()
        created = max(start, applied - rng.randint(3, 60))
        rows.append((target_id, app[1], app[2], rng.choice(_TARGET_WHY), rng.randint(1, 2),
                     "applied", "", app[0], iso(created)))
        app[12] = target_id
    taken = {row[1] for row in rows}
    turn = rng.randrange(len(_TARGET_STATUS))
    while len(rows) < wanted:
        company = rng.choice(COMPANIES)
        if company in taken:
            continue
        taken.add(company)
        rows.append((len(rows) + 1, company, rng.choice([r for r, _ in _ROLES[:8]]),
                     rng.choice(_TARGET_WHY), rng.randint(1, 3),
                     _TARGET_STATUS[(turn + len(rows)) % len(_TARGET_STATUS)],
                     rng.choice(_TARGET_NEXT), None, iso(max(start, tod - rng.randint(0, 180)))))
    return rows


def _checkins(rng: random.Random, mondays: Sequence[date], counts: Sequence[int],
              rejections: Sequence[int], offers: Sequence[int], tod: int,
              iso: _Days) -> list[tuple[Any, ...]]:
    """Weekly WHO-5 check-ins that move plausibly: a slow mood that dips after a run of
    rejections, lifts after an offer, and recovers over time. This week is left for the user."""
    rows: list[tuple[Any, ...]] = []
    mean = max(1.0, sum(counts) / len(counts))
    mood = 0.42
    biases = (0.2, 0.0, -0.3, -0.5, 0.1)  # waking up rested is usually the lowest item
    for i, monday in enumerate(mondays[:-1]):
        load = rejections[i] / mean
        lift = 0.15 if offers[i] else 0.0
        mood = 0.75 * mood + 0.25 * (0.62 - 0.25 * min(load, 1.5) + lift) + rng.gauss(0, 0.06)
        mood = min(0.95, max(0.08, mood))
        if rng.random() > 0.85:
            continue  # a missed week
        items = [min(5, max(0, round(mood * 5 + b + rng.gauss(0, 0.6)))) for b in biases]
        stress = min(10, max(0, round(10 * (1 - mood) + rng.gauss(0, 1.2))))
        hours = round(min(60.0, max(0.0, 3 + 12 * counts[i] / mean + rng.gauss(0, 2.5))), 1)
        care = [k for k in SELF_CARE if rng.random() < 0.25 + 0.5 * mood]
        checked = monday.toordinal() + rng.choice((4, 5, 6, 6))
        day = iso(min(checked, tod))
        rows.append((len(rows) + 1, iso_week_key(monday), day, json.dumps(items), sum(items),
                     stress, hours, json.dumps(care), rng.choice(_WINS), rng.choice(_LET_GO),
                     _stamp(day)))
    return rows


def fill(store: Store, *, applications: int = 300, seed: int = 1, today: date | None = None,
         progress: Progress | None = None) -> None:
    """Fill an empty database with demo data. Refuses a database that already holds data, so
    demo rows can never be mixed into someone's real search."""
    if not store.is_empty():
        raise StoreError("This database already holds data, so demo data was not added. "
                         "Use an empty database for the demo (for example --db demo.db).")
    settings = store.settings.get()
    day = today or store.today()
    tables = generate(applications, seed, day, ghost_after_days=settings.ghost_after_days,
                      follow_up_days=settings.follow_up_days, progress=progress)

    # The demo is a way in like the forms and the import: its rows meet the same rules
    # before anything is written (a generator bug must never reach someone's screen).
    if progress is not None:
        progress(0.6, "Checking the demo data against the app's rules")
    problems = transfer.stored_value_problems(_rows_of(tables), day)
    if problems:
        raise StoreError("The demo data doesn't meet Next Round's own rules, so nothing was "
                         f"added ({problems[0]}).")

    def saving(fraction: float, message: str) -> None:
        if progress is not None:
            progress(0.6 + 0.4 * fraction, message)

    store.transfer.load_demo(tables, name=DEMO_NAME, progress=saving)
    store.refresh_statistics()
    if progress is not None:
        progress(1.0, f"Demo data ready: {plural(applications, 'application')}")


def _rows_of(tables: dict[str, Table]) -> Callable[[str], Iterator[dict[str, Any]]]:
    """`rows(table)` over generated tables, as `transfer.stored_value_problems` reads them."""
    def rows(table: str) -> Iterator[dict[str, Any]]:
        columns, values = tables.get(table, ((), ()))
        for row in values:
            yield dict(zip(columns, row, strict=True))
    return rows
