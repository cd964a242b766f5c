"""Every metric definition in docs/ARCHITECTURE.md, on hand-built data with known answers.

The data goes in through the real Store (the factories in tests/factories.py; direct inserts for
drafts, feedback requests, actions and check-ins), so the SQL summary the page uses and the
pandas reference definition are both held to the same answers.
"""

from __future__ import annotations

import json
from datetime import date, timedelta
from pathlib import Path

import pandas as pd
import pytest

from nextround import demo, metrics
from nextround.store import Store
from tests import factories, reference_metrics

TODAY = date(2026, 11, 25)  # a Wednesday in ISO week 2026-W48
START = date(2026, 1, 1)
STAMP = "2026-11-25T00:00:00+00:00"


@pytest.fixture(scope="module")
def template(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict[str, int]]:
    """Built once per module (each write is a durable transaction), copied for each test."""
    path = tmp_path_factory.mktemp("known") / "known.db"
    store = Store(path)
    ids = _fill_known(store)
    store.dispose()
    return path, ids


@pytest.fixture
def known(template: tuple[Path, dict[str, int]], tmp_path: Path) -> Known:
    path, ids = template
    copy = tmp_path / "copy.db"
    copy.write_bytes(path.read_bytes())
    return Known(Store(copy), ids)


class Known:
    def __init__(self, store: Store, ids: dict[str, int]) -> None:
        self.store = store
        self.ids = ids


def _fill_known(store: Store) -> dict[str, int]:
    """Eight applications whose every number is worked out by hand in the tests below."""
    ids = {
        # same-day screen, then all the way to an accepted offer
        "acme": factories.application(store, "Acme", applied_on="2026-10-01", source="LinkedIn",
                                      stages=[("screening", "2026-10-01"),
                                              ("interviewing", "2026-10-10"),
                                              ("offer", "2026-10-20"),
                                              ("accepted", "2026-10-25")]),
        "beta": factories.application(store, "Beta", applied_on="2026-10-05", source="LinkedIn",
                                      stages=[("rejected", "2026-10-15")]),
        "gamma": factories.application(store, "Gamma", applied_on="2026-10-05",
                                       source="Referral", stages=[("screening", "2026-10-12"),
                                                                  ("rejected", "2026-10-20")]),
        # 85 days, no reply
        "delta": factories.application(store, "Delta", applied_on="2026-09-01",
                                       source="Referral"),
        "eps": factories.application(store, "Eps", applied_on="2026-11-20"),  # 5 days: open
        "zeta": factories.application(store, "Zeta", applied_on="2026-09-10", source="Indeed",
                                      stages=[("ghosted", "2026-10-15")]),
        "eta": factories.application(store, "Eta", applied_on="2026-11-02", source="Indeed",
                                     stages=[("withdrawn", "2026-11-05")]),
        "theta": factories.application(store, "Theta", applied_on="2026-11-23",
                                       source="LinkedIn", stages=[("screening", "2026-11-24")]),
    }
    draft = {"kind": "rejection_thanks", "status": "sent", "created_at": STAMP,
             "updated_at": STAMP}
    store.transfer.insert_rows("drafts", [
        {**draft, "application_id": ids["beta"], "sent_on": "2026-10-16"},
        {**draft, "application_id": ids["gamma"], "status": "draft", "sent_on": None},
        {**draft, "application_id": ids["gamma"], "kind": "feedback_request",
         "sent_on": "2026-10-21"},
    ])
    request = {"created_at": STAMP, "updated_at": STAMP}
    store.transfer.insert_rows("feedback_requests", [
        {**request, "application_id": ids["beta"], "asked_on": "2026-10-16",
         "status": "received", "received_on": "2026-10-22"},
        {**request, "application_id": ids["gamma"], "asked_on": "2026-10-21",
         "status": "awaiting", "received_on": None},
        {**request, "application_id": ids["gamma"], "asked_on": "2026-11-01",
         "status": "received", "received_on": "2026-11-11"},
    ])
    store.transfer.insert_rows("actions", [
        {"title": "Practise system design", "done_on": "2026-11-01", "created_on": "2026-10-20"},
        {"title": "Update portfolio", "done_on": "2026-11-20", "created_on": "2026-10-20"},
        {"title": "Ask Sam for a mock interview", "done_on": None, "created_on": "2026-10-20"},
    ])
    store.transfer.insert_rows("checkins", [
        {"week": week, "checked_on": day, "items": json.dumps([3, 3, 3, 3, raw - 12]),
         "who5_raw": raw, "updated_at": STAMP}
        for week, day, raw in (("2026-W46", "2026-11-13", 15), ("2026-W47", "2026-11-20", 18))
    ])
    return ids


def board(store: Store, start: date = START, end: date = TODAY) -> metrics.Dashboard:
    return metrics.dashboard(store, start, end)


# --- the definitions -----------------------------------------------------------------------

def test_response_interview_and_offer_rates(known: Known) -> None:
    now = board(known.store).now
    assert now.applications == 8
    assert (now.responded, now.response_rate) == (4, 0.5)  # acme, beta, gamma, theta
    assert (now.interviewed, now.interview_rate) == (3, 0.375)  # screening or later
    # Offer rate divides by the same "interviewed" (screening or later) as the interview rate.
    assert now.offers == 1 and now.offer_rate == pytest.approx(1 / 3)


def test_time_to_first_response_counts_a_same_day_reply_as_zero(known: Known) -> None:
    ids = known.ids
    first_reply = {name: known.store.applications.get(ids[name]).first_reply_on
                   for name in ("acme", "beta", "gamma", "theta", "delta")}
    assert first_reply == {"acme": date(2026, 10, 1), "beta": date(2026, 10, 15),
                           "gamma": date(2026, 10, 12), "theta": date(2026, 11, 24),
                           "delta": None}
    result = board(known.store)
    assert result.now.median_days_to_response == 4.0  # median of 0, 1, 7, 10 days
    bins = result.response_times.set_index("bin")["count"]
    assert (bins["Same day"], bins["1–3 days"], bins["4–7 days"], bins["1–2 weeks"]) == (
        1, 1, 1, 1)


def test_ghosted_means_marked_or_no_reply_past_the_threshold(known: Known) -> None:
    assert board(known.store).now.ghosted == 2  # delta (85 days, no reply) and zeta (marked)
    settings = known.store.settings.get()
    known.store.settings.save(type(settings)(**{**settings.__dict__, "ghost_after_days": 90}))
    assert board(known.store).now.ghosted == 1  # delta has now waited less than the threshold
    assert board(known.store).ghost_after_days == 90


def test_always_respond_rate_counts_only_sent_thank_yous(known: Known) -> None:
    now = board(known.store).now
    # beta's thank-you was sent; gamma's is an unsent draft plus a feedback request.
    assert (now.rejections, now.answered_rejections, now.always_respond_rate) == (2, 1, 0.5)


def test_feedback_rate_and_median_days_to_a_reply(known: Known) -> None:
    now = board(known.store).now
    assert (now.feedback_requested, now.feedback_received) == (3, 2)
    assert now.feedback_rate == pytest.approx(2 / 3)
    assert now.median_days_to_feedback == 8.0  # 6 and 10 days


def test_actions_checkin_and_streak(known: Known) -> None:
    now = board(known.store).now
    assert now.actions_done == 2
    assert (now.last_checkin_pct, now.last_checkin_week) == (72, "2026-W47")  # 18 × 4
    # This week (W48) isn't done yet, so the streak counts back from last week: W47, W46.
    assert now.checkin_streak == 2


def test_streak_counts_this_week_and_breaks_on_a_gap() -> None:
    weeks = pd.DataFrame({"week": ["2026-W44", "2026-W46", "2026-W47", "2026-W48"],
                          "who5_raw": [10, 11, 12, 25]})
    assert metrics.checkin_numbers(weeks, TODAY) == (100, "2026-W48", 3)
    assert metrics.checkin_numbers(weeks.iloc[:2], TODAY) == (44, "2026-W46", 0)
    assert metrics.checkin_numbers(weeks.iloc[:0], TODAY) == (None, None, 0)


def test_chart_weeks_are_named_in_words_never_by_iso_code() -> None:
    one_year = pd.date_range("2026-09-28", "2026-11-23", freq="7D")
    assert metrics.week_labels(one_year)[:2] == ["28 Sep", "5 Oct"]
    two_years = pd.date_range("2025-12-22", "2026-01-05", freq="7D")
    assert metrics.week_labels(two_years) == ["22 Dec 2025", "29 Dec 2025", "5 Jan 2026"]
    long = pd.date_range("2020-01-06", "2026-11-23", freq="7D")  # seven years of Mondays
    assert len(set(metrics.week_labels(long))) == len(long)


def test_this_week_and_deltas_against_four_weeks_earlier(known: Known) -> None:
    result = board(known.store)
    assert result.now.this_week == 1  # theta, applied Monday of this ISO week
    before = result.before  # as of 2026-10-28: acme, beta, gamma, delta, zeta
    assert before.applications == 5
    assert (before.responded, before.response_rate) == (3, 0.6)
    assert before.offers == 1
    assert before.feedback_requested == 2 and before.feedback_received == 1
    assert before.actions_done == 0 and before.last_checkin_pct is None


def test_date_range_selects_applications_by_date_applied(known: Known) -> None:
    result = board(known.store, date(2026, 11, 1), TODAY)
    assert result.applications_in_range == 3  # eps, eta, theta
    assert result.now.responded == 1


# --- chart frames: small, aggregated, right -------------------------------------------------

def test_funnel_with_conversion(known: Known) -> None:
    funnel = board(known.store).funnel
    assert list(funnel["count"]) == [8, 4, 3, 1]
    assert list(funnel["pct_of_previous"]) == pytest.approx([1, 0.5, 0.75, 1 / 3])
    assert list(funnel["pct_of_applied"]) == pytest.approx([1, 0.5, 0.375, 0.125])


def test_outcomes_by_stage(known: Known) -> None:
    table = board(known.store).outcomes.set_index("stage")
    assert table.loc["Applied", metrics.OUTCOMES].tolist() == [1, 1, 2, 1, 0]
    assert table.loc["Screening", metrics.OUTCOMES].tolist() == [1, 1, 0, 0, 0]
    assert table.loc["Interviewing", "total"] == 0
    assert table.loc["Offer", "Accepted"] == 1
    assert table["total"].sum() == 8


def test_response_time_bins(known: Known) -> None:
    bins = board(known.store).response_times.set_index("bin")["count"]
    assert bins["Same day"] == 1 and bins["1–3 days"] == 1 and bins["4–7 days"] == 1
    assert bins["1–2 weeks"] == 1 and bins.sum() == 4


def test_response_rate_by_source(known: Known) -> None:
    sources = board(known.store).sources
    assert list(sources["source"]) == ["LinkedIn", "Referral", "Indeed", metrics.NO_SOURCE]
    assert list(sources["applications"]) == [3, 2, 2, 1]
    assert list(sources["rate"]) == [1.0, 0.5, 0.0, 0.0]


def test_weekly_and_cumulative(known: Known) -> None:
    result = board(known.store, date(2026, 9, 1), TODAY)
    weekly = result.weekly.set_index("week")
    assert len(weekly) == 13  # ISO weeks from 31 Aug to 23 Nov
    assert weekly["applications"].sum() == 8 and weekly["responses"].sum() == 4
    assert weekly.loc[pd.Timestamp("2026-09-28"), "applications"] == 1  # acme
    assert weekly.loc[pd.Timestamp("2026-09-28"), "responses"] == 1  # same-day screen
    assert weekly.loc[pd.Timestamp("2026-11-23"), "applications"] == 1  # theta
    last = result.cumulative.iloc[-1]
    assert (last["Applied"], last["Responded"], last["Interviewed"], last["Offer"]) == (
        8, 4, 3, 1)
    assert result.cumulative["Applied"].is_monotonic_increasing


def test_flow_bands_conserve_applications(known: Known) -> None:
    result = board(known.store)
    nodes, bands = result.flow_nodes, result.flow_bands
    value = dict(zip(nodes["node"], nodes["value"], strict=True))
    assert value["Applied"] == 8 and value["Screening"] == 3
    assert value["Interviewing"] == 1 and value["Offer"] == 1
    assert value["Ghosted after applied"] == 2 and value["Accepted after offer"] == 1
    for source, out in bands.groupby("source")["value"].sum().items():
        assert out == value[source]  # every application leaves a stage by one band
    for column, group in nodes.groupby("column"):
        if column:
            assert group["value"].sum() == nodes.loc[nodes["column"] == column - 1,
                                                     "value"].iloc[0]
    # Bands never cross: stacked at the source in the same order as their targets.
    for _, group in bands.groupby("source"):
        assert list(group["ys0"]) == sorted(group["ys0"])
        assert list(group["yt0"]) == sorted(group["yt0"])


# --- edge cases --------------------------------------------------------------------------------

def test_no_applications(store: Store) -> None:
    result = board(store)
    now = result.now
    assert now.applications == 0 and now.response_rate is None
    assert now.interview_rate is None and now.offer_rate is None
    assert now.median_days_to_response is None and now.always_respond_rate is None
    assert now.feedback_rate is None and now.checkin_streak == 0
    assert result.funnel["count"].sum() == 0
    assert result.outcomes["total"].sum() == 0
    assert result.response_times["count"].sum() == 0
    assert result.sources.empty and result.flow_nodes.empty and result.flow_bands.empty
    assert result.weekly["applications"].sum() == 0


def test_all_ghosted(store: Store) -> None:
    for i in range(3):
        factories.application(store, f"Quiet {i}", applied_on=f"2026-0{i + 3}-01",
                              source="Job board")
    result = board(store)
    assert result.now.ghosted == 3
    assert result.now.response_rate == 0.0 and result.now.median_days_to_response is None
    assert result.now.offer_rate is None  # nobody interviewed: undefined, not 0
    assert list(result.flow_nodes["node"]) == ["Applied", "Ghosted after applied"]
    assert result.outcomes.set_index("stage").loc["Applied", "Ghosted"] == 3


def test_same_day_response(store: Store) -> None:
    factories.application(store, "Quick", applied_on="2026-11-02", source="Referral",
                          stages=[("rejected", "2026-11-02")])
    result = board(store)
    assert result.now.median_days_to_response == 0.0
    assert result.response_times.set_index("bin").loc["Same day", "count"] == 1


# --- the grouped counts and the reference definition agree ------------------------------------

def assert_same_dashboard(fast: metrics.Dashboard, slow: metrics.Dashboard) -> None:
    assert fast.now == slow.now
    assert fast.before == slow.before
    assert fast.applications_in_range == slow.applications_in_range
    assert fast.answered == slow.answered  # counted without the outcome table, and with it
    for name in ("weekly", "cumulative", "funnel", "outcomes", "response_times", "sources",
                 "flow_nodes", "flow_bands"):
        pd.testing.assert_frame_equal(getattr(fast, name).reset_index(drop=True),
                                      getattr(slow, name).reset_index(drop=True),
                                      check_dtype=False, obj=name)


@pytest.mark.parametrize("start, end", [
    (START, TODAY), (date(2026, 10, 5), TODAY), (date(2026, 9, 1), date(2026, 10, 20)),
    (date(2026, 11, 20), TODAY), (date(2025, 1, 1), date(2025, 12, 31))])
def test_grouped_counts_match_the_reference(known: Known, start: date, end: date) -> None:
    assert_same_dashboard(metrics.dashboard(known.store, start, end),
                          reference_metrics.dashboard(known.store, start, end))


def test_grouped_counts_match_the_reference_on_demo_data(store: Store) -> None:
    demo.fill(store, applications=300, seed=5, today=TODAY)
    for start, end in ((TODAY - timedelta(days=800), TODAY),
                       (TODAY - timedelta(days=27), TODAY),
                       (TODAY - timedelta(days=200), TODAY - timedelta(days=60))):
        result = metrics.dashboard(store, start.isoformat(), end.isoformat())
        assert_same_dashboard(result, reference_metrics.dashboard(store, start, end))
        # The page's first screen, computed alone, says the same.
        first = metrics.board(metrics.read(store, start.isoformat(), end.isoformat()))
        assert (first.now, first.before, first.answered) == (result.now, result.before,
                                                            result.answered)
        pd.testing.assert_frame_equal(first.cumulative, result.cumulative)
    for frame in (result.weekly, result.cumulative, result.funnel, result.outcomes,
                  result.response_times, result.sources, result.flow_nodes, result.flow_bands):
        assert len(frame) < 300 and "application_id" not in frame.columns


def test_a_declined_request_is_not_feedback_received() -> None:
    feedback = pd.DataFrame({
        "asked_on": ["2026-11-01", "2026-11-02"], "received_on": ["2026-11-05", "2026-11-04"],
        "status": ["received", "declined"], "n": [1, 1]})
    requested, received, median = metrics.feedback_numbers(feedback, None, date(2026, 11, 25))
    assert (requested, received, median) == (2, 1, 4.0)
