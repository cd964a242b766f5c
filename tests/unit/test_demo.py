"""Demo data: deterministic, realistic, consistent across every table, and never mixed in."""

from __future__ import annotations

import json
from collections import Counter
from datetime import date
from pathlib import Path

import pandas as pd
import pytest

from nextround import demo, transfer
from nextround.clock import iso_week_key
from nextround.models import Application, Stage, ValidationError
from nextround.store import TABLES, Store, StoreError
from nextround.wellbeing import who5
from tests import factories

TODAY = date(2026, 11, 25)
KINDS = {"rejection_thanks", "feedback_request", "feedback_follow_up", "stay_in_touch"}
FEEDBACK_STATUSES = {"awaiting", "followed_up", "received", "declined", "no_reply"}
ANSWER_KEYS = {"expected", "what_happened", "stage_reached", "questions", "feeling_score",
               "feeling_words", "went_well", "do_differently", "outside_factors", "fit_note"}


def dump(store: Store) -> dict[str, list[tuple]]:
    """Every row of every table, in id order: what "identical data" means."""
    with store.read() as snap:
        return {table: [tuple(row) for row in
                        snap.connection.exec_driver_sql(
                            f"SELECT * FROM {table} ORDER BY id").fetchall()]
                for table in TABLES}


@pytest.fixture(scope="module")
def big(tmp_path_factory: pytest.TempPathFactory) -> Store:
    """1,000 applications, made once for the consistency checks."""
    store = Store(tmp_path_factory.mktemp("demo") / "big.db")
    demo.fill(store, applications=1000, seed=1, today=TODAY)
    return store


@pytest.fixture(scope="module")
def tables(big: Store) -> dict[str, pd.DataFrame]:
    return {t: big.frame(f"SELECT * FROM {t} ORDER BY id") for t in TABLES}


# --- determinism ---------------------------------------------------------------------------

def test_same_seed_gives_identical_tables(tmp_path: Path) -> None:
    one, two = Store(tmp_path / "one.db"), Store(tmp_path / "two.db")
    demo.fill(one, applications=400, seed=5, today=TODAY)
    demo.fill(two, applications=400, seed=5, today=TODAY)
    assert dump(one) == dump(two)
    assert one.count("applications") == 400


def test_different_seed_or_today_gives_different_data(tmp_path: Path) -> None:
    base = demo.generate(200, 5, TODAY)
    assert demo.generate(200, 5, TODAY) == base
    assert demo.generate(200, 6, TODAY)["applications"] != base["applications"]
    assert demo.generate(200, 5, date(2026, 6, 1))["applications"] != base["applications"]


def test_today_defaults_to_the_stores_pinned_today(store: Store) -> None:
    demo.fill(store, applications=150, seed=2)  # NEXTROUND_TODAY is pinned by conftest
    last = store.frame("SELECT max(on_date) AS d FROM events")["d"].iloc[0]
    assert last <= TODAY.isoformat()
    assert store.frame("SELECT max(applied_on) AS d FROM applications")["d"].iloc[0] >= \
        "2026-11-01"


# --- refusals and progress -------------------------------------------------------------------

def test_refuses_a_database_that_holds_an_application(store: Store) -> None:
    factories.application(store, "Mine", applied_on="2026-11-01")
    before = dump(store)
    with pytest.raises(StoreError, match="already holds data"):
        demo.fill(store, applications=50, seed=1, today=TODAY)
    assert dump(store) == before


def test_refuses_a_database_with_only_a_checkin(store: Store) -> None:
    store.transfer.insert_rows("checkins", [{"week": "2026-W40", "checked_on": "2026-10-02",
                                             "items": "[3,3,3,3,3]", "who5_raw": 15,
                                             "updated_at": "2026-10-02T09:00:00+00:00"}])
    with pytest.raises(StoreError):
        demo.fill(store, applications=50, seed=1, today=TODAY)
    assert store.count("applications") == 0


def test_load_refuses_inside_its_own_transaction(store: Store) -> None:
    """The check is repeated inside the write, so a race can't mix demo rows in."""
    tables = demo.generate(20, 1, TODAY)
    store.transfer.load_demo(tables)
    with pytest.raises(StoreError):
        store.transfer.load_demo(tables)
    assert store.count("applications") == 20


@pytest.mark.parametrize("bad", [0, -3, 2_000_000, True, 2.5, "10"])
def test_refuses_a_silly_size(store: Store, bad: object) -> None:
    with pytest.raises(ValidationError) as caught:
        demo.fill(store, applications=bad, seed=1, today=TODAY)  # type: ignore[arg-type]
    assert "applications" in caught.value.errors
    assert store.is_empty()


def test_progress_is_reported_in_order_and_finishes(store: Store) -> None:
    seen: list[tuple[float, str]] = []
    demo.fill(store, applications=500, seed=3, today=TODAY,
              progress=lambda f, m: seen.append((f, m)))
    fractions = [f for f, _ in seen]
    assert len(seen) >= 5
    assert fractions == sorted(fractions)
    assert 0 <= fractions[0] and fractions[-1] == 1.0
    assert all(isinstance(m, str) and m for _, m in seen)


def test_demo_rows_that_break_the_apps_rules_are_refused_before_writing(
        store: Store, monkeypatch: pytest.MonkeyPatch) -> None:
    """The demo is a way in like the forms and the import: a generated row the import would
    refuse (here a WHO-5 total that isn't the sum of its answers) stops it before a write."""
    made = demo.generate

    def broken(*args: object, **kwargs: object) -> dict:
        tables = made(*args, **kwargs)  # type: ignore[arg-type]
        columns, rows = tables["checkins"]
        at = list(columns).index("who5_raw")
        rows[0] = tuple(99 if i == at else v for i, v in enumerate(rows[0]))
        return tables

    monkeypatch.setattr(demo, "generate", broken)
    with pytest.raises(StoreError) as caught:
        demo.fill(store, applications=30, seed=1, today=TODAY)
    assert "who5_raw" in str(caught.value)
    assert store.is_empty()


def test_sets_a_demo_name_only_when_blank(store: Store) -> None:
    demo.fill(store, applications=30, seed=1, today=TODAY)
    assert store.settings.get().name == demo.DEMO_NAME


# --- consistency at 1,000 applications -------------------------------------------------------

def test_database_is_healthy(big: Store) -> None:
    assert big.integrity_problems(transfer.stored_value_problems) == []
    assert big.count("applications") == 1000


def test_every_stage_kind_and_status_is_present(tables: dict[str, pd.DataFrame]) -> None:
    assert set(tables["applications"]["stage"]) == {s.value for s in Stage}
    assert set(tables["drafts"]["kind"]) == KINDS
    assert set(tables["drafts"]["status"]) == {"draft", "sent"}
    assert set(tables["drafts"]["tone"]) == {"warm", "concise", "formal"}
    assert set(tables["feedback_requests"]["status"]) == FEEDBACK_STATUSES
    assert set(tables["feedback_requests"]["channel"]) <= {"email", "call", "linkedin", "other"}
    assert set(tables["reflections"]["status"]) == {"done"}  # the demo opens on a clean Reflect
    assert set(tables["actions"]["source_kind"]) == {"manual", "reflection", "feedback"}
    assert set(tables["targets"]["status"]) == {"researching", "networking", "ready", "applied"}
    assert set(tables["targets"]["priority"]) <= {1, 2, 3}


def test_events_tell_each_applications_story_in_order(tables: dict[str, pd.DataFrame]) -> None:
    apps = tables["applications"].set_index("id")
    events = tables["events"]
    assert (events["on_date"] <= TODAY.isoformat()).all()
    joined = events.merge(apps[["applied_on"]], left_on="application_id", right_index=True)
    assert (joined["on_date"] >= joined["applied_on"]).all()
    for app_id, group in events.groupby("application_id", sort=False):
        stages = list(group.sort_values("id")["stage"])
        dates = list(group.sort_values("id")["on_date"])
        assert stages[0] == "applied" and dates[0] == apps.at[app_id, "applied_on"]
        assert dates == sorted(dates), app_id
        assert len(set(stages)) == len(stages), app_id
        # The application's current stage is its latest event.
        assert stages[-1] == apps.at[app_id, "stage"], app_id
        assert dates[-1] == apps.at[app_id, "stage_on"], app_id
    assert set(events["application_id"]) == set(apps.index)


def test_applications_pass_the_forms_own_validation(tables: dict[str, pd.DataFrame]) -> None:
    for row in tables["applications"].sample(200, random_state=1).itertuples():
        Application(company=row.company, role=row.role, applied_on=row.applied_on,
                    location=row.location, source=row.source, link=row.link,
                    contact_name=row.contact_name, contact_email=row.contact_email,
                    notes=row.notes, stage=row.stage).validated(TODAY)


def test_referrals_answer_far_more_than_job_boards(tables: dict[str, pd.DataFrame]) -> None:
    events = tables["events"]
    replied = set(events[events["stage"].isin(
        ["screening", "interviewing", "offer", "accepted", "rejected"])]["application_id"])
    apps = tables["applications"]
    rate = apps.assign(r=apps["id"].isin(replied)).groupby("source")["r"].mean()
    assert rate["Referral"] > 2.5 * rate["Job board"]
    assert rate["Recruiter"] > rate["LinkedIn"]
    assert len(rate) >= 5


def test_two_years_of_weekly_rhythm(tables: dict[str, pd.DataFrame]) -> None:
    applied = pd.to_datetime(tables["applications"]["applied_on"])
    assert (applied.max() - applied.min()).days >= 690
    weekly = applied.dt.to_period("W").value_counts()
    assert weekly.std() > 0.25 * weekly.mean()  # weeks vary
    holidays = applied[((applied.dt.month == 12) & (applied.dt.day >= 22))
                       | ((applied.dt.month == 1) & (applied.dt.day <= 2))]
    per_day_holiday = len(holidays) / (2 * 12)
    assert per_day_holiday < 0.5 * len(applied) / 730
    weekend = applied.dt.day_of_week >= 5
    assert weekend.mean() < 0.1


def test_drafts_follow_their_applications(tables: dict[str, pd.DataFrame]) -> None:
    apps = tables["applications"].set_index("id")
    drafts = tables["drafts"]
    assert drafts["request_token"].notna().all() and drafts["request_token"].is_unique
    assert drafts["application_id"].isin(apps.index).all()
    sent = drafts[drafts["status"] == "sent"]
    assert sent["sent_on"].notna().all() and (sent["sent_on"] <= TODAY.isoformat()).all()
    assert drafts[drafts["status"] == "draft"]["sent_on"].isna().all()
    thanks = drafts[drafts["kind"] == "rejection_thanks"]
    assert (apps.loc[thanks["application_id"], "stage"] == "rejected").all()
    sent_thanks = thanks[thanks["status"] == "sent"]
    assert (sent_thanks["sent_on"].values
            >= apps.loc[sent_thanks["application_id"], "stage_on"].values).all()
    # Most rejections are answered ("always respond"), not all.
    rejected = (apps["stage"] == "rejected").sum()
    assert 0.5 * rejected < len(sent_thanks) < rejected
    for row in drafts.sample(30, random_state=2).itertuples():
        assert row.subject and row.body and row.company == apps.at[row.application_id,
                                                                    "company"]
        assert "\r" not in row.subject and "\n" not in row.subject


def test_drafts_vary_and_fit_what_happened(tables: dict[str, pd.DataFrame]) -> None:
    """Issue 16: the demo's emails are the real drafts, in all three versions (never one text
    with the names swapped), and a no at the CV stage is never thanked for a meeting."""
    apps = tables["applications"].set_index("id")
    events = tables["events"]
    drafts = tables["drafts"]
    for (kind, tone), group in drafts.groupby(["kind", "tone"]):
        shapes = {row.body.replace(row.company, "C").replace(row.role, "R").split("\n", 1)[1]
                  .rsplit("\n", 2)[0] for row in group.itertuples()}
        if len(group) >= 10:
            assert len(shapes) >= 3, (kind, tone, shapes)
    met = set(events[events["stage"].isin(["screening", "interviewing", "offer"])]
              ["application_id"])
    thanks = drafts[(drafts["kind"] == "rejection_thanks")
                    & ~drafts["application_id"].isin(met)]
    assert len(thanks) >= 20  # rejections at the CV stage are answered too
    for row in thanks.itertuples():
        text = row.body.split("\n", 1)[1].lower()
        for phrase in ("interview", "meeting", "conversation", "call", "glad i had the chance",
                       "time you invested", "time you spent", "final round"):
            assert phrase not in text, (phrase, row.body)
        assert apps.at[row.application_id, "stage"] == "rejected"


def test_feedback_requests_are_consistent(tables: dict[str, pd.DataFrame]) -> None:
    apps = tables["applications"].set_index("id")
    drafts = tables["drafts"].set_index("id")
    fb = tables["feedback_requests"]
    assert (apps.loc[fb["application_id"], "stage"] == "rejected").all()
    assert (fb["asked_on"].values >= apps.loc[fb["application_id"], "stage_on"].values).all()
    assert (fb["asked_on"] <= TODAY.isoformat()).all()
    answered = fb[fb["status"].isin(["received", "declined"])]
    assert answered["received_on"].notna().all()
    assert (answered["received_on"] >= answered["asked_on"]).all()
    assert (answered["received_on"] <= TODAY.isoformat()).all()
    assert fb[~fb["status"].isin(["received", "declined"])]["received_on"].isna().all()
    for row in fb.itertuples():
        themes = json.loads(row.themes)
        assert isinstance(themes, list) and set(themes) <= set(demo.FEEDBACK_THEMES)
        if row.status == "received":
            assert themes and row.feedback_text
        if row.status in ("followed_up", "no_reply"):
            assert row.follow_ups >= 1
        if row.status in ("awaiting", "followed_up"):
            assert row.follow_up_due is not None
        if pd.notna(row.draft_id):
            draft = drafts.loc[int(row.draft_id)]
            assert draft["kind"] == "feedback_request"
            assert draft["application_id"] == row.application_id
            assert draft["sent_on"] == row.asked_on


def test_reflections_follow_rejections_and_use_the_agreed_answers(
        tables: dict[str, pd.DataFrame]) -> None:
    apps = tables["applications"].set_index("id")
    refl = tables["reflections"]
    assert (apps.loc[refl["application_id"], "stage"] == "rejected").all()
    assert (refl["created_on"].values
            >= apps.loc[refl["application_id"], "stage_on"].values).all()
    for row in refl.itertuples():
        answers = json.loads(row.answers)
        assert 0 <= answers["feeling_score"] <= 10
        if row.status == "done":
            assert ANSWER_KEYS <= set(answers)
            assert row.completed_on >= row.created_on and row.completed_on <= TODAY.isoformat()
            assert 0 <= row.control_pct <= 100 and row.fit in ("yes", "unsure", "no")
            assert isinstance(answers["do_differently"], list) and answers["do_differently"]
            assert set(answers["outside_factors"]) <= set(demo.OUTSIDE_FACTORS)
        else:
            assert pd.isna(row.completed_on)


def test_actions_point_at_what_they_came_from(tables: dict[str, pd.DataFrame]) -> None:
    actions = tables["actions"]
    done = actions[actions["done_on"].notna()]
    assert (done["done_on"] >= done["created_on"]).all()
    assert (done["done_on"] <= TODAY.isoformat()).all()
    assert (actions["created_on"] <= TODAY.isoformat()).all()
    assert actions["due_on"].notna().all() and (actions["due_on"] >= actions["created_on"]).all()
    open_ = actions[actions["done_on"].isna()]
    assert len(open_) and len(done)
    assert (open_["due_on"] > TODAY.isoformat()).any()  # something coming up
    assert (open_["due_on"] < TODAY.isoformat()).any()  # and something overdue
    refl = tables["reflections"].set_index("id")
    fb = tables["feedback_requests"].set_index("id")
    for row in actions.itertuples():
        if row.source_kind == "reflection":
            assert refl.at[int(row.source_id), "status"] == "done"
            assert row.title in json.loads(refl.at[int(row.source_id), "answers"])["planned"]
        elif row.source_kind == "feedback":
            assert fb.at[int(row.source_id), "status"] == "received"
            assert row.source_label in json.loads(fb.at[int(row.source_id), "themes"])
        else:
            assert pd.isna(row.source_id)


def test_weekly_checkins_are_plausible(tables: dict[str, pd.DataFrame]) -> None:
    checkins = tables["checkins"]
    assert 0.7 * 103 <= len(checkins) <= 103  # most weeks; this week is left to the user
    assert checkins["week"].is_unique
    assert iso_week_key(TODAY) not in set(checkins["week"])
    scores = []
    for row in checkins.itertuples():
        items = json.loads(row.items)
        score = who5(items)
        assert score.raw == row.who5_raw
        assert iso_week_key(date.fromisoformat(row.checked_on)) == row.week
        assert row.checked_on <= TODAY.isoformat()
        assert 0 <= row.stress <= 10 and 0 <= row.hours <= 60
        assert set(json.loads(row.self_care)) <= set(demo.SELF_CARE)
        scores.append(score.raw)
    assert max(scores) - min(scores) >= 8  # it moves
    assert any(s < 13 for s in scores) and any(s >= 13 for s in scores)


def test_targets_link_both_ways(tables: dict[str, pd.DataFrame]) -> None:
    apps = tables["applications"].set_index("id")
    targets = tables["targets"]
    linked = targets[targets["application_id"].notna()]
    assert len(linked) >= 2
    assert (linked["status"] == "applied").all()
    for row in linked.itertuples():
        app = apps.loc[int(row.application_id)]
        assert app["company"] == row.company and app["target_id"] == row.id
        assert row.created_on <= app["applied_on"]
    assert apps["target_id"].notna().sum() == len(linked)
    assert targets["company"].is_unique


def test_counts_scale_with_size() -> None:
    small = demo.generate(300, 7, TODAY)
    assert len(small["applications"][1]) == 300
    counts = Counter(r[9] for r in small["applications"][1])
    assert counts["rejected"] > 20 and counts["ghosted"] > 20
    assert 1 <= counts["offer"] + counts["accepted"] <= 15  # a few offers
    assert all(len(rows) for _, rows in small.values())
