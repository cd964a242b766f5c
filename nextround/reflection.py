"""The post-mortem after a "no": prompts, answer validation, the summary, and the game plan.

Why it is shaped this way:
- The steps follow an After Action Review with Gibbs' feelings step (notes/anchors_jobsearch.md
  §4): expected → what happened → feeling → what went well → what to change → what was outside
  your control → was it a fit. Facts come before judgements, and nothing asks "whose fault".
- The "outside my control" checklist and the control slider are optional and worded kindly
  (Hall et al. 2011: reframing helps some people and not others, so it is offered, not forced).
- `summarize` is a small rule table, so the tests can check it case by case. Every word of the
  headline and body is ours; the user's own text is returned separately (`changes`) so the page
  can show it with `st.text`, never as Markdown.
- Themes of "what I'd do differently" come from keyword buckets (`THEMES`): simple, local and
  explainable, which matters more here than cleverness.

The functions at the end record a step, a reflection or an action: they check it with the
rules above, then write through the store in one transaction. Nothing here imports streamlit
or altair. The Insights section's frames are computed here, small
and aggregated (one row per month and factor), never one row per reflection; `nextround.charts`
draws them (`reflection_factors`, `reflection_themes`, `reflection_control`).
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import date, timedelta
from typing import Any

import pandas as pd

from nextround.clock import iso_week_key
from nextround.models import (
    EARLIEST_DATE,
    ValidationError,
    clean_multi_line,
    clean_single_line,
    parse_date,
)
from nextround.records import (
    ActionRecord,
    ApplicationSummary,
    ReflectionRecord,
    TargetRecord,
)
from nextround.store import Store

ANSWER_MAX = 2_000
ITEM_MAX = 300
MAX_CHANGES = 3
# Below this share "within my control", most of the weight was elsewhere.
CONTROL_THRESHOLD = 50
# This many ticked outside factors also means most of the weight was elsewhere.
FACTORS_THRESHOLD = 3
LATEST_DUE = 5 * 366  # days ahead a due date may be

STEPS: tuple[tuple[str, str], ...] = (
    ("expected", "What did you expect?"),
    ("what_happened", "What happened?"),
    ("feeling", "How do you feel?"),
    ("went_well", "What went well?"),
    ("do_differently", "What would you do differently?"),
    ("outside", "What was outside your control?"),
    ("fit", "Was it a good fit for you?"),
)
SUMMARY_STEP = len(STEPS)  # the step index after the last question

OUTSIDE_FACTORS: dict[str, str] = {
    "experience": "Years of experience required",
    "internal_candidate": "An internal or already-chosen candidate",
    "education": "An education or certification requirement",
    "freeze": "A hiring freeze, budget cut or cancelled role",
    "many_applicants": "Many strong applicants",
    "comp_location": "A compensation or location mismatch",
    "timing": "Timing",
}

FITS: dict[str, str] = {"yes": "Yes", "unsure": "Unsure", "no": "No"}
STATUSES = ("draft", "done")  # a reflection in progress, or finished

STAGES_REACHED: dict[str, str] = {
    "applied": "Application only",
    "screening": "Screening call",
    "interviewing": "Interviews",
    "final": "Final round",
    "offer": "Offer stage",
}

SOURCE_KINDS: dict[str, str] = {
    "manual": "Added by you",
    "reflection": "From a reflection",
    "feedback": "From feedback",
}

TARGET_STATUSES: dict[str, str] = {
    "researching": "Researching",
    "networking": "Networking",
    "ready": "Ready to apply",
    "applied": "Applied",
}
PRIORITIES: dict[int, str] = {1: "High", 2: "Medium", 3: "Low"}

# Keyword buckets for "what I'd do differently". The first bucket whose words appear wins;
# words match at the start of a word, so "prep" finds "prepare" and "preparation".
THEMES: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("Research the company", ("research", "company", "product", "mission", "culture",
                              "values")),
    ("Examples and stories", ("example", "story", "stories", "star ", "star method",
                              "achievement", "impact", "result")),
    ("Technical skills", ("technical", "coding", "code", "algorithm", "system design",
                          "leetcode", "sql", "python", "skill", "portfolio", "case study")),
    ("Preparation", ("prep", "practi", "rehears", "mock", "study", "review")),
    ("Questions to ask", ("question", "ask ")),
    ("CV and application", ("cv", "resume", "résumé", "cover letter", "application",
                            "linkedin", "tailor")),
    ("Communication", ("communicat", "concise", "clear", "ramble", "listen", "explain",
                       "speak", "slow down", "pause")),
    ("Salary and negotiation", ("salary", "negotiat", "compensation", "pay ")),
    ("Follow-up", ("follow", "thank", "reach out", "contact", "network", "referral")),
    ("Calm and confidence", ("nerv", "calm", "confiden", "anxi", "sleep", "rest", "breath",
                             "relax")),
)
OTHER_THEME = "Other"


# --- answers ------------------------------------------------------------------------------

def empty_answers() -> dict[str, Any]:
    """The agreed answers object (see the team brief), plus `step` and `planned`.

    `step` is where the draft was left, so a reload resumes there. `planned` lists the "do
    differently" items already turned into game-plan actions, so going back never duplicates.
    """
    return {
        "expected": "", "what_happened": "", "stage_reached": "", "questions": "",
        "feeling_score": None, "feeling_words": "", "went_well": "", "do_differently": [],
        "outside_factors": [], "fit_note": "", "step": 0, "planned": [],
    }


def load_answers(raw: str | Mapping[str, Any] | None) -> dict[str, Any]:
    """Stored JSON → a complete answers dict. Unknown or damaged values fall back to empty."""
    answers = empty_answers()
    if isinstance(raw, str):
        try:
            raw = json.loads(raw or "{}")
        except ValueError:
            raw = {}
    if isinstance(raw, Mapping):
        for key in answers:
            if key in raw and raw[key] is not None:
                answers[key] = raw[key]
    if not isinstance(answers["do_differently"], list):
        answers["do_differently"] = []
    if not isinstance(answers["outside_factors"], list):
        answers["outside_factors"] = []
    answers["outside_factors"] = [f for f in answers["outside_factors"] if f in OUTSIDE_FACTORS]
    if not isinstance(answers["planned"], list):
        answers["planned"] = []
    try:
        answers["step"] = max(0, min(SUMMARY_STEP, int(answers["step"])))
    except (TypeError, ValueError):
        answers["step"] = 0
    return answers


def clean_step(step: int, values: Mapping[str, Any]) -> dict[str, Any]:
    """Validate what one step submitted. Returns the cleaned answer keys, or raises
    ValidationError with one message per field. Every field is optional: a reflection is
    never blocked because the user had nothing to say."""
    errors: dict[str, str] = {}
    out: dict[str, Any] = {}

    def text(key: str, label: str, multi: bool = True) -> None:
        try:
            if multi:
                out[key] = clean_multi_line(values.get(key), label, max_len=ANSWER_MAX)
            else:
                out[key] = clean_single_line(values.get(key), label, max_len=ITEM_MAX)
        except ValueError as exc:
            errors[key] = str(exc)

    if step == SUMMARY_STEP:
        return out  # the summary asks nothing; saving it only moves the draft
    name = STEPS[step][0] if 0 <= step < len(STEPS) else ""
    if name == "expected":
        text("expected", "What you expected")
    elif name == "what_happened":
        text("what_happened", "What happened")
        text("questions", "Questions asked")
        stage = values.get("stage_reached") or ""
        if stage and stage not in STAGES_REACHED:
            errors["stage_reached"] = "Pick one of the stages in the list."
        else:
            out["stage_reached"] = stage
    elif name == "feeling":
        score = values.get("feeling_score")
        if score is None or score == "":
            out["feeling_score"] = None
        elif isinstance(score, bool) or not isinstance(score, int) or not 0 <= score <= 10:
            errors["feeling_score"] = "How you feel is a whole number from 0 to 10."
        else:
            out["feeling_score"] = score
        text("feeling_words", "Words for how you feel")
    elif name == "went_well":
        text("went_well", "What went well")
    elif name == "do_differently":
        items: list[str] = []
        for i, raw in enumerate(values.get("do_differently") or []):
            try:
                item = clean_single_line(raw, f"Change {i + 1}", max_len=ITEM_MAX)
            except ValueError as exc:
                errors[f"do_differently_{i}"] = str(exc)
                continue
            if item and item not in items:
                items.append(item)
        if len(items) > MAX_CHANGES:
            errors["do_differently"] = f"Keep it to {MAX_CHANGES} changes at most."
        out["do_differently"] = items
    elif name == "outside":
        factors = list(values.get("outside_factors") or [])
        unknown = [f for f in factors if f not in OUTSIDE_FACTORS]
        if unknown:
            errors["outside_factors"] = "Pick factors from the list."
        out["outside_factors"] = [f for f in OUTSIDE_FACTORS if f in factors]
        pct = values.get("control_pct")
        if pct is not None and (isinstance(pct, bool) or not isinstance(pct, int)
                                or not 0 <= pct <= 100):
            errors["control_pct"] = "How much was within your control is 0 to 100."
        else:
            out["control_pct"] = pct
    elif name == "fit":
        fit = values.get("fit") or None
        if fit is not None and fit not in FITS:
            errors["fit"] = "Pick yes, unsure or no."
        else:
            out["fit"] = fit
        text("fit_note", "Note about the fit")
    else:
        errors["_form"] = "That step doesn't exist. Reload the page to continue."
    if errors:
        raise ValidationError(errors)
    return out


_TEXT_ANSWERS = ("expected", "what_happened", "stage_reached", "questions", "feeling_words",
                 "went_well", "fit_note")


def check_answers(raw: object, control_pct: object, fit: object) -> dict[str, Any]:
    """A stored reflection (its answers object and the control and fit columns), checked by
    the same per-step rules as the form (`clean_step`), so an imported file can't hold what the
    form would refuse. Returns the answers; ValidationError names each bad key."""
    if not isinstance(raw, Mapping):
        raise ValidationError({"answers": "The answers must be a JSON object."})
    errors: dict[str, str] = {}
    for key in _TEXT_ANSWERS:
        if raw.get(key) is not None and not isinstance(raw[key], str):
            errors[key] = f"The answer {key!r} must be text."
    for key in ("do_differently", "outside_factors", "planned"):
        value = raw.get(key)
        if value is not None and (not isinstance(value, list)
                                  or not all(isinstance(v, str) for v in value)):
            errors[key] = f"The answer {key!r} must be a list of texts."
    for i, item in enumerate(raw.get("planned") or []):
        try:
            clean_single_line(item, f"Planned item {i + 1}", max_len=ITEM_MAX)
        except (ValueError, TypeError) as exc:
            errors[f"planned_{i}"] = str(exc)
    step = raw.get("step", 0)
    if isinstance(step, bool) or not isinstance(step, int) or not 0 <= step <= SUMMARY_STEP:
        errors["step"] = f"The step must be a whole number from 0 to {SUMMARY_STEP}."
    if errors:
        raise ValidationError(errors)
    values = {**raw, "control_pct": control_pct, "fit": fit}
    for number in range(len(STEPS)):
        try:
            clean_step(number, values)
        except ValidationError as exc:
            errors.update(exc.errors)
    if errors:
        raise ValidationError(errors)
    return dict(raw)


def clean_due(value: object, today: date, label: str = "Due date") -> date | None:
    """A due date: empty is fine (no date); otherwise a real date, not absurdly far off."""
    if value is None or value == "":
        return None
    day = parse_date(value, label)
    if day < EARLIEST_DATE:
        raise ValueError(f"{label} is too far in the past.")
    if day > today + timedelta(days=LATEST_DUE):
        raise ValueError(f"{label} is more than five years away.")
    return day


def clean_action(title: object, due_on: object, source_kind: object, source_label: object,
                 today: date) -> tuple[str, date | None, str, str]:
    """One game-plan action, validated; ValidationError names the field."""
    errors: dict[str, str] = {}
    out: dict[str, Any] = {}
    try:
        out["title"] = clean_single_line(title, "Action", required=True, max_len=ITEM_MAX)
    except ValueError as exc:
        errors["title"] = str(exc)
    try:
        out["due_on"] = clean_due(due_on, today)
    except ValueError as exc:
        errors["due_on"] = str(exc)
    if source_kind not in SOURCE_KINDS:
        errors["source_kind"] = "Source must be manual, reflection or feedback."
    try:
        out["source_label"] = clean_single_line(source_label, "Source", max_len=ITEM_MAX)
    except ValueError as exc:
        errors["source_label"] = str(exc)
    if errors:
        raise ValidationError(errors)
    return out["title"], out["due_on"], str(source_kind), out["source_label"]


def clean_target(company: object, role: object, why: object, priority: object, status: object,
                 next_step: object) -> dict[str, Any]:
    """One dream-job entry, validated; ValidationError names the field."""
    errors: dict[str, str] = {}
    out: dict[str, Any] = {}
    given = {"company": company, "role": role, "why": why, "next_step": next_step}
    checks = {
        "company": lambda v: clean_single_line(v, "Company", required=True),
        "role": lambda v: clean_single_line(v, "Role"),
        "why": lambda v: clean_multi_line(v, "Why", max_len=ANSWER_MAX),
        "next_step": lambda v: clean_single_line(v, "Next step", max_len=ITEM_MAX),
    }
    for key, check in checks.items():
        try:
            out[key] = check(given[key])
        except ValueError as exc:
            errors[key] = str(exc)
    if isinstance(priority, bool) or priority not in PRIORITIES:
        errors["priority"] = "Priority is high, medium or low."
    else:
        out["priority"] = int(priority)
    if status not in TARGET_STATUSES:
        errors["status"] = "Pick a status from the list."
    else:
        out["status"] = str(status)
    if errors:
        raise ValidationError(errors)
    return out


# --- the summary --------------------------------------------------------------------------

@dataclass(frozen=True)
class Suggestion:
    """The next company on the dream-job list (the user's text: show it with st.text)."""

    target_id: int
    company: str
    role: str = ""


@dataclass(frozen=True)
class Summary:
    """What the end of a reflection says. `headline` and `body` are our words (safe for
    Markdown); `changes` are the user's own items, to be shown with st.text."""

    kind: str  # not_about_you | poor_fit | within_reach | keep_going
    headline: str
    body: str
    changes: tuple[str, ...] = ()
    suggestion: Suggestion | None = None


def weight_outside(control_pct: int | None, outside_factors: Sequence[str]) -> bool:
    """Most of the weight was outside the user's hands: the slider says so, or several
    outside factors were ticked."""
    known = [f for f in outside_factors if f in OUTSIDE_FACTORS]
    return ((control_pct is not None and control_pct < CONTROL_THRESHOLD)
            or len(known) >= FACTORS_THRESHOLD)


def summarize(answers: Mapping[str, Any], control_pct: int | None, fit: str | None,
              suggestion: Suggestion | None = None) -> Summary:
    """The rule table (tests/unit/test_reflection.py checks it row by row):

    1. mostly outside your control        → not_about_you, and the next dream-list company;
    2. otherwise, the fit was "no"         → poor_fit, and the next dream-list company;
    3. otherwise, changes were named       → within_reach, naming the first one or two;
    4. otherwise                           → keep_going.
    """
    factors = [f for f in (answers.get("outside_factors") or []) if f in OUTSIDE_FACTORS]
    changes = tuple(str(c) for c in (answers.get("do_differently") or []) if str(c).strip())
    next_line = ("When you're ready, the next company on your dream-job list is waiting."
                 if suggestion else
                 "When you're ready, add a company you'd love to work for to your dream-job "
                 "list, so the next step is waiting for you.")
    if weight_outside(control_pct, factors):
        named = [OUTSIDE_FACTORS[f].lower() for f in factors[:3]]
        because = (f" You noted {_join(named)}." if named else "")
        # The user's own answer about the fit is never dropped from their summary.
        fit_line = (" You also said the role wasn't a good fit for you, and that's worth "
                    "knowing too." if fit == "no" else "")
        return Summary(
            kind="not_about_you",
            headline="This one may not have been about you",
            body=("Most of what decided this was outside your hands." + because +
                  " Those things say more about the role and the timing than about you."
                  + fit_line + " It's fair to let this one go. " + next_line),
            changes=changes[:2], suggestion=suggestion)
    if fit == "no":
        return Summary(
            kind="poor_fit",
            headline="It may not have been the right fit, and that's useful to know",
            body=("You said the role wasn't a good fit for you. A no from a place that "
                  "wasn't right can save you from a job you wouldn't have enjoyed. What you "
                  "learned about what you want will sharpen your next choice. " + next_line),
            changes=changes[:2], suggestion=suggestion)
    if changes:
        count = "one change" if len(changes) == 1 else "two changes"
        return Summary(
            kind="within_reach",
            headline=f"{count.capitalize()} within your reach",
            body=(f"Much of this was in your hands, which means there's something you can "
                  f"work with. Here is the {count} you named. Small, concrete steps count: "
                  "put them in your game plan with a date, and keep doing what went well."),
            changes=changes[:2], suggestion=suggestion)
    return Summary(
        kind="keep_going",
        headline="You did the work, and that counts",
        body=("You didn't name anything to change, and that's fine: sometimes there's "
              "nothing obvious. Keep doing what went well, and keep going. " + next_line),
        changes=(), suggestion=suggestion)


def _join(items: Sequence[str]) -> str:
    if len(items) <= 1:
        return "".join(items)
    return ", ".join(items[:-1]) + " and " + items[-1]


# --- themes and insights -----------------------------------------------------------------

def theme_of(item: str) -> str:
    """The keyword bucket of one "do differently" item (see THEMES), or "Other"."""
    lowered = " " + re.sub(r"\s+", " ", str(item).lower()) + " "
    for theme, words in THEMES:
        for word in words:
            if re.search(r"(?<![a-z])" + re.escape(word), lowered):
                return theme
    return OTHER_THEME


def _month(value: object) -> str | None:
    try:
        return parse_date(str(value)[:10]).strftime("%Y-%m")
    except ValueError:
        return None


def insight_frames(rows: pd.DataFrame) -> dict[str, pd.DataFrame]:
    """Completed reflections (columns completed_on, control_pct, answers) → three small frames:

    - `factors`: month, factor (label), count  — outside-of-control factors over time;
    - `themes`: month, theme, count            — "what I'd do differently" themes over time;
    - `control`: month, control_pct (mean), reflections — the "within my control" trend.
    """
    factor_rows: list[tuple[str, str]] = []
    theme_rows: list[tuple[str, str]] = []
    control_rows: list[tuple[str, float]] = []
    for completed_on, control_pct, raw in rows[["completed_on", "control_pct",
                                                "answers"]].itertuples(index=False):
        month = _month(completed_on)
        if month is None:
            continue
        answers = load_answers(raw)
        factor_rows += [(month, OUTSIDE_FACTORS[f]) for f in answers["outside_factors"]]
        theme_rows += [(month, theme_of(item)) for item in answers["do_differently"]]
        if control_pct is not None and not pd.isna(control_pct):
            control_rows.append((month, float(control_pct)))

    def counted(pairs: list[tuple[str, str]], name: str) -> pd.DataFrame:
        frame = pd.DataFrame(pairs, columns=["month", name])
        return (frame.groupby(["month", name]).size().reset_index(name="count")
                .sort_values(["month", name]).reset_index(drop=True))

    control = pd.DataFrame(control_rows, columns=["month", "control_pct"])
    control = (control.groupby("month")["control_pct"].agg(["mean", "size"]).reset_index()
               .rename(columns={"mean": "control_pct", "size": "reflections"}))
    control["control_pct"] = control["control_pct"].round(1)
    return {"factors": counted(factor_rows, "factor"), "themes": counted(theme_rows, "theme"),
            "control": control}


def month_range(*frames: pd.DataFrame) -> list[str]:
    """Every month from the first to the last in `frames` ("YYYY-MM"), so a chart's axis
    shows quiet months as gaps instead of hiding them."""
    months = sorted({m for frame in frames if not frame.empty for m in frame["month"]})
    if not months:
        return []
    start, end = pd.Period(months[0], "M"), pd.Period(months[-1], "M")
    return [str(p) for p in pd.period_range(start, end, freq="M")]


# --- the game plan ------------------------------------------------------------------------

def week_label(day: date | None, today: date) -> str:
    """The heading an action due on `day` sits under in the weekly view."""
    if day is None:
        return "No date"
    this_week = iso_week_key(today)
    key = iso_week_key(day)
    monday = day - timedelta(days=day.weekday())
    if key < this_week:
        return "Earlier weeks"
    if key == this_week:
        return f"This week (from {monday.day} {monday:%b})"
    if key == iso_week_key(today + timedelta(days=7)):
        return f"Next week (from {monday.day} {monday:%b})"
    year = "" if monday.year == today.year else f" {monday.year}"
    return f"Week of {monday.day} {monday:%b}{year}"


def weekly_groups(actions: Iterable[ActionRecord],
                  today: date) -> list[tuple[str, list[ActionRecord]]]:
    """Open actions grouped by the ISO week of their due date, earliest first; undated last."""
    groups: dict[str, list[ActionRecord]] = {}
    for action in sorted(actions, key=lambda a: (a.due_on is None, a.due_on or date.max, a.id)):
        groups.setdefault(week_label(action.due_on, today), []).append(action)
    return list(groups.items())


# --- the dream-job list -------------------------------------------------------------------

def targets_table(targets: Sequence[TargetRecord]) -> pd.DataFrame:
    """The list as the page shows it: our labels for priority and status."""
    return pd.DataFrame({
        "Company": [t.company for t in targets],
        "Role": [t.role for t in targets],
        "Priority": [PRIORITIES.get(int(t.priority), "") for t in targets],
        "Status": [TARGET_STATUSES.get(t.status, t.status) for t in targets],
        "Next step": [t.next_step for t in targets],
        "Why": [t.why for t in targets],
        "Said no before": [t.said_no_id is not None for t in targets],
    })


def stay_in_touch_draft(settings: Any, application: ApplicationSummary, role: str = "",
                        stages: Iterable[str] = ()) -> Any:
    """A `stay_in_touch` draft for a company that said no before, from `nextround.drafting`,
    signed with the user's signature. Raises ValueError when the stored details can't make
    one (e.g. a contact email that isn't an address)."""
    from nextround import drafting

    ctx = drafting.DraftContext(
        sender_name=str(getattr(settings, "name", "") or ""),
        company=application.company,
        role=role or application.role,
        contact_name=application.contact_name or None,
        contact_email=application.contact_email or None,
        stage_reached=drafting.stage_from_history(list(stages)),
    )
    made = drafting.draft("stay_in_touch", ctx)
    signature = str(getattr(settings, "signature", "") or "")
    if signature:
        made = drafting.Draft(subject=made.subject,
                              body=drafting.with_signature(made.body, signature),
                              to=made.to, kind=made.kind, tone=made.tone)
    return made


# --- recording: reflections and the game plan, checked here, then written -------------------
# The store keeps the rows; what a step may hold, how stored answers are read back and which
# "do differently" items become actions are decided here.

@dataclass(frozen=True, slots=True)
class Reflection:
    """A reflection as the page works on it: the stored record (with its application's
    company and role) and its answers read back by `load_answers`."""

    record: ReflectionRecord
    answers: dict[str, Any]

    @classmethod
    def of(cls, record: ReflectionRecord) -> Reflection:
        return cls(record, load_answers(record.answers))

    def seen_at(self, version: int) -> Reflection:
        """The same reflection at the version this tab first showed (a later save from
        here is refused if another tab saved meanwhile)."""
        return replace(self, record=replace(self.record, version=version))


def draft_in_progress(store: Store) -> Reflection | None:
    """The reflection draft in progress (the newest), answers parsed; None when there's
    none. Reopening the page resumes it, whatever happened to the browser tab."""
    row = store.reflections.open_draft()
    return None if row is None else Reflection.of(row)


def reflection_by_id(store: Store, reflection_id: int) -> Reflection:
    """One reflection with its application's company and role, answers parsed."""
    return Reflection.of(store.reflections.get(reflection_id))


def start_reflection(store: Store, application_id: int | None = None, *,
                     today: date | None = None) -> int:
    """Open a draft, about one application or general (or resume the open one).

    About a rejection, what is already known starts the answers, so it is never asked twice:
    how far it got (from the application's stages) and what the user appreciated (typed for
    the thank-you, kept with the path after a no)."""
    answers = empty_answers()
    known = store.paths.facts(application_id) if application_id is not None else None
    if known is not None:
        answers["stage_reached"] = _LEVEL_REACHED.get(known.furthest_level, "applied")
        answers["went_well"] = known.appreciated
    return store.reflections.start(application_id, answers=json.dumps(answers), today=today)


# The milestone level an application reached (`furthest_level`) as the answer's stage.
_LEVEL_REACHED = {0: "applied", 1: "screening", 2: "interviewing", 3: "final"}


def save_step(store: Store, reflection_id: int, version: int, step: int,
              values: Mapping[str, Any], *, next_step: int,
              plan: Mapping[int, tuple[str, Any]] | None = None,
              today: date | None = None) -> None:
    """Save one step of a draft and move it to `next_step`, in one transaction.

    `plan` maps a "do differently" row to (item, due date) for the items to turn into
    game-plan actions. Items already planned from this reflection are skipped, so going
    back and pressing Next again never duplicates an action.
    """
    day = today or store.today()
    clean = clean_step(step, values)
    errors: dict[str, str] = {}
    planned_new: list[tuple[str, date | None]] = []
    for row, (item, due) in sorted((plan or {}).items()):
        try:
            title, due_on, _, _ = clean_action(item, due, "reflection", "", day)
        except ValidationError as exc:
            errors[f"plan_{row}"] = next(iter(exc.errors.values()))
            continue
        planned_new.append((title, due_on))
    if errors:
        raise ValidationError(errors)
    columns = {key: clean.pop(key) for key in ("control_pct", "fit") if key in clean}
    with store.write() as tx:
        draft = tx.reflections.draft_to_edit(reflection_id)
        answers = load_answers(draft.answers)
        answers.update(clean)
        answers["step"] = max(0, min(SUMMARY_STEP, int(next_step)))
        label = (f"Reflection on {draft.company}" if draft.company
                 else "General reflection")
        for title, due_on in planned_new:
            if title in answers["planned"]:
                continue
            tx.actions.add(title, due_on, "reflection", reflection_id, label[:ITEM_MAX],
                           created_on=day)
            answers["planned"].append(title)
        tx.reflections.save_answers(reflection_id, version,
                                    json.dumps(answers, ensure_ascii=False), columns)


def add_action(store: Store, title: str, due_on: date | str | None = None,
               source_kind: str = "manual", source_id: int | None = None,
               source_label: str = "", *, today: date | None = None) -> int:
    """Add one game-plan action. `source_kind` is manual, reflection or feedback;
    `source_label` says where it came from (e.g. the feedback theme)."""
    day = today or store.today()
    title_, due, kind, label = clean_action(title, due_on, source_kind, source_label, day)
    return store.actions.add(title_, due, kind, source_id, label, created_on=day)


def update_action(store: Store, action_id: int, version: int, title: str,
                  due_on: date | str | None, *, today: date | None = None) -> None:
    """A new title and due date for an action, checked as a new one would be."""
    title_, due, _, _ = clean_action(title, due_on, "manual", "", today or store.today())
    store.actions.update(action_id, version, title_, due)
