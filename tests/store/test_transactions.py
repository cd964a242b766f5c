"""The transaction pattern: `store.X.method()` commits on its own; inside
`with store.write() as tx:` the same methods on `tx.X` commit together or not at all."""

from __future__ import annotations

import pytest

from nextround.models import Application, ValidationError
from nextround.store import StaleVersionError, Store
from tests.conftest import TODAY


def _app(company: str = "Acme") -> Application:
    return Application(company=company, role="Engineer", applied_on="2026-11-01")


def test_a_method_on_the_store_commits_on_its_own(store: Store) -> None:
    before = store.change_count()
    app_id = store.applications.add(_app(), today=TODAY)
    assert store.applications.get(app_id).company == "Acme"
    assert store.change_count() == before + 1


def test_steps_on_tx_commit_together_as_one_write(store: Store) -> None:
    before = store.change_count()
    with store.write() as tx:
        first = tx.applications.add(_app("First"), today=TODAY)
        second = tx.applications.add(_app("Second"), today=TODAY)
        # Inside the transaction its own writes are seen.
        assert tx.applications.search()[1] == 2
    assert [store.applications.get(i).company for i in (first, second)] == ["First", "Second"]
    assert store.change_count() == before + 1  # one write, one bump


def test_a_refused_step_leaves_nothing_of_the_earlier_ones(store: Store) -> None:
    before = store.change_count()
    with pytest.raises(ValidationError):
        with store.write() as tx:
            tx.applications.add(_app("Kept only if all goes well"), today=TODAY)
            tx.applications.add(Application(company="", applied_on="2026-11-01"), today=TODAY)
    assert store.count("applications") == 0 and store.count("events") == 0
    assert store.change_count() == before


def test_a_stale_version_inside_a_transaction_rolls_back_the_whole_of_it(store: Store) -> None:
    app_id = store.applications.add(_app(), today=TODAY)
    with pytest.raises(StaleVersionError):
        with store.write() as tx:
            tx.applications.add(_app("New"), today=TODAY)
            tx.applications.change_stage(app_id, "screening", "2026-11-05", 99, today=TODAY)
    assert store.count("applications") == 1
    assert store.applications.get(app_id).stage == "applied"


def test_a_write_on_the_store_inside_an_open_write_is_refused_at_once(store: Store) -> None:
    """The store's own unit would wait for the held write lock until the busy timeout: the
    mistake (store.X instead of tx.X) is named instead, and the outer write still commits."""
    with store.write() as tx:
        tx.applications.add(_app("Outer"), today=TODAY)
        with pytest.raises(RuntimeError, match="tx"):
            store.applications.add(_app("Inner"), today=TODAY)
    assert [a.company for a in store.applications.search()[0]] == ["Outer"]


def test_a_read_snapshot_serves_several_reads_and_refuses_writes(store: Store) -> None:
    store.applications.add(_app(), today=TODAY)
    with store.read() as snap:
        page, total = snap.applications.search()
        assert total == 1 and snap.applications.get(page[0].id).company == "Acme"
        assert snap.connection.exec_driver_sql("SELECT count(*) FROM events").scalar() == 1
        with pytest.raises(RuntimeError, match="store.write"):
            snap.applications.add(_app("Nope"), today=TODAY)
    assert store.count("applications") == 1


def test_store_and_transaction_offer_the_same_record_types(store: Store) -> None:
    names = ("applications", "drafts", "feedback", "reflections", "actions")
    with store.write() as tx:
        for name in names:
            assert type(getattr(tx, name)) is type(getattr(store, name))


def test_the_ui_cache_calls_a_record_types_method_as_it_is(store: Store) -> None:
    """`ui.cached(store, store.applications.search, …)`: a bound method gets no store argument,
    and a write makes the next read fresh (the key holds the change counter)."""
    from nextround import ui

    store.applications.add(_app("Acme"), today=TODAY)
    assert ui.cached(store, store.applications.search, query="Acme")[1] == 1
    store.applications.add(_app("Acme Two"), today=TODAY)
    assert ui.cached(store, store.applications.search, query="Acme")[1] == 2
