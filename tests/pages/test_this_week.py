"""The "This week" agenda on the home page, through the real Streamlit runtime."""

from __future__ import annotations

from pathlib import Path

import pytest

from nextround import demo
from nextround.models import Stage
from nextround.store import Store
from tests import factories
from tests.conftest import TODAY, no_exception, open_page

PAGE = "pages/progress.py"


def texts(at) -> str:  # noqa: ANN001
    parts = [m.value for m in at.markdown] + [c.value for c in at.caption]
    parts += [s.value for s in at.success] + [m.label for m in at.metric]
    return "\n".join(parts)


@pytest.mark.parametrize("via_app", [True, False])
def test_empty_database_shows_the_welcome_not_an_agenda(via_app: bool) -> None:
    at = open_page(PAGE, via_app=via_app)
    no_exception(at)
    assert "This week" not in [h.value for h in at.header]
    assert at.button(key="explore_demo")


@pytest.mark.parametrize("via_app", [True, False])
def test_demo_data_shows_what_was_done_and_what_needs_attention(store: Store,
                                                              via_app: bool) -> None:
    demo.fill(store, applications=300, seed=5, today=TODAY)
    at = open_page(PAGE, via_app=via_app)
    no_exception(at)
    assert "This week" in [h.value for h in at.header]
    labels = [m.label for m in at.metric]
    for label in ("Applications sent", "Replies sent", "Feedback received", "Check-in"):
        assert label in labels
    assert "What would help most next" in texts(at)


def test_an_item_goes_once_it_is_done(store: Store) -> None:
    app_id = factories.application(store, "Acme", role="Dev", applied_on="2026-11-02")
    factories.move(store, app_id, Stage.REJECTED, "2026-11-20", version=1)
    at = open_page(PAGE)
    no_exception(at)
    assert "Send a short thank-you for a recent no" in texts(at)
    store.transfer.insert_rows("drafts", [{"application_id": app_id, "kind": "rejection_thanks",
                                           "subject": "Thank you", "body": "Thanks",
                                           "status": "sent",
                                           "sent_on": "2026-11-25", "created_at": "x",
                                           "updated_at": "x"}])
    at.run()
    no_exception(at)
    assert "Send a short thank-you for a recent no" not in texts(at)


def test_all_caught_up_says_so_kindly(store: Store) -> None:
    factories.application(store, "Acme", role="Dev", applied_on="2026-11-24")
    store.transfer.insert_rows("checkins", [{"week": "2026-W48", "checked_on": "2026-11-24",
                                             "items": "[3,3,3,3,3]", "who5_raw": 15,
                                             "self_care": "[]",
                                             "updated_at": "x"}])
    at = open_page(PAGE)
    no_exception(at)
    assert any("all caught up" in s.value for s in at.success)


def test_weekly_review_download_is_offered(store: Store, tmp_path: Path) -> None:
    demo.fill(store, applications=120, seed=2, today=TODAY)
    at = open_page(PAGE)
    labels = [d.proto.label for d in at.get("download_button")]
    assert "Download my week" not in labels  # drawn only when asked: it renders charts
    at.toggle(key="prepare_review").set_value(True).run()
    no_exception(at)
    labels = [d.proto.label for d in at.get("download_button")]
    assert "Download my week" in labels
    assert "Add follow-ups and plans to my calendar" in labels
