"""The shared read cache and the pooled store (issue 10): fast, and never stale.

Through the real Streamlit runtime (AppTest) and a real Store on the test's own database:
- a write (from the page, or from another Store on the same file) makes the next read fresh;
- a rerun without a write answers from the cache and doesn't query again;
- `ui.chart` builds a chart once per distinct input and sends what `st.altair_chart` sends;
- pooled connections keep every pragma and BEGIN IMMEDIATE, and `forget_store` closes them.
"""

from __future__ import annotations

import os
import sqlite3
import threading
from pathlib import Path

import altair as alt
import pandas as pd
import pytest
import streamlit as st
from streamlit.testing.v1 import AppTest

from nextround import ui
from nextround.store import Store, to_url
from tests import factories
from tests.conftest import no_exception

CALLS: list[str] = []  # what the counted functions below were asked to do, in order


def counted_companies(store: Store) -> list[str]:
    """A read that records each time it really runs (a cache hit doesn't run it)."""
    CALLS.append("read")
    frame = store.frame("SELECT company FROM applications ORDER BY id")
    return list(frame["company"])


def counted_chart(frame: pd.DataFrame, *, dark: bool = False) -> alt.Chart:
    CALLS.append("build")
    return alt.Chart(frame).mark_bar(color="#5B8FD9" if not dark else "#9A70D6").encode(
        x="week:N", y="n:Q")


def _reading_page() -> None:
    import streamlit as st

    from nextround import ui
    from tests import factories
    from tests.pages.test_ui_cache import counted_companies

    store = ui.frame("Cache test")
    companies = ui.cached(store, counted_companies)
    st.text(f"{len(companies)} companies: {', '.join(companies) or 'none'}")
    if st.button("Add one", key="add"):
        ui.run_action("add", lambda: factories.application(
            store, f"Page Co {len(companies) + 1}", applied_on="2026-11-02"))
        st.rerun()


def _chart_page() -> None:
    import pandas as pd
    import streamlit as st

    from nextround import ui
    from tests.pages.test_ui_cache import counted_chart

    weeks = st.session_state.setdefault("weeks", 3)
    frame = pd.DataFrame({"week": [f"W{i}" for i in range(weeks)], "n": range(weeks)})
    ui.chart(counted_chart, frame, dark=False, alt="Bars per week.")
    st.altair_chart(counted_chart(frame, dark=False), width="stretch", alt="Bars per week.")


@pytest.fixture(autouse=True)
def _reset_calls() -> None:
    CALLS.clear()


def test_a_rerun_without_a_write_answers_from_the_cache(store: Store) -> None:
    factories.application(store, "Acme")
    at = AppTest.from_function(_reading_page, default_timeout=30).run()
    no_exception(at)
    assert at.text[0].value == "1 companies: Acme"
    for _ in range(3):
        at.run()
    no_exception(at)
    assert CALLS == ["read"]  # three reruns, one query


def test_a_write_from_the_page_makes_the_next_read_fresh(store: Store) -> None:
    factories.application(store, "Acme")
    at = AppTest.from_function(_reading_page, default_timeout=30).run()
    at.button(key="add").click().run()
    no_exception(at)
    assert at.text[0].value == "2 companies: Acme, Page Co 2"
    at.button(key="add").click().run()
    assert at.text[0].value == "3 companies: Acme, Page Co 2, Page Co 3"
    assert CALLS == ["read", "read", "read"]  # one fresh read after each write, no more


def test_a_write_from_another_store_on_the_same_file_is_seen(store: Store,
                                                             isolated: Path) -> None:
    """Another tab, the command line, or a second process: the counter lives in the file."""
    at = AppTest.from_function(_reading_page, default_timeout=30).run()
    assert at.text[0].value == "0 companies: none"
    other = Store(isolated)
    try:
        factories.application(other, "Elsewhere Ltd")
    finally:
        other.dispose()
    at.run()
    assert at.text[0].value == "1 companies: Elsewhere Ltd"
    at.run()
    assert CALLS == ["read", "read"]


def _many_reads_page() -> None:
    import streamlit as st

    from nextround import ui
    from nextround.store import Store
    from tests import factories
    from tests.pages.test_ui_cache import counted_companies

    store = ui.frame("Cache test")
    before = ui.cached(store, counted_companies)
    for table in ("applications", "events", "feedback_requests", "checkins"):
        ui.cached(store, Store.count, table)
    if st.session_state.get("write_mid_run"):
        st.session_state["write_mid_run"] = False
        other = Store(store.url)  # another session's Store object, in this process
        try:
            factories.application(other, "Mid Run Ltd", applied_on="2026-11-02")
        finally:
            other.dispose()
    after = ui.cached(store, counted_companies)
    st.text(f"before: {', '.join(before) or 'none'}; after: {', '.join(after) or 'none'}")


def test_a_page_run_reads_the_change_counter_once(store: Store,
                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    """Six cached reads in a run cost one counter query, not six."""
    factories.application(store, "Acme")
    queries: list[str] = []
    original = Store.change_count

    def counting(self: Store) -> int:
        queries.append(self.url)
        return original(self)

    monkeypatch.setattr(Store, "change_count", counting)
    at = AppTest.from_function(_many_reads_page, default_timeout=30).run()
    no_exception(at)
    queries.clear()
    at.run()
    assert at.text[0].value == "before: Acme; after: Acme"
    assert len(queries) == 1


def test_a_write_in_the_middle_of_a_run_is_seen_by_the_reads_after_it(store: Store) -> None:
    factories.application(store, "Acme")
    at = AppTest.from_function(_many_reads_page, default_timeout=30).run()
    at.session_state["write_mid_run"] = True
    at.run()
    no_exception(at)
    assert at.text[0].value == "before: Acme; after: Acme, Mid Run Ltd"


@pytest.mark.sqlite_only
def test_another_processs_write_is_seen_by_the_next_run(store: Store, isolated: Path) -> None:
    """A write that bypasses this process entirely (the command line, a second server): the
    counter is read afresh when each page run begins."""
    factories.application(store, "Acme")
    at = AppTest.from_function(_reading_page, default_timeout=30).run()
    assert at.text[0].value == "1 companies: Acme"
    other = sqlite3.connect(isolated, isolation_level=None)
    try:
        other.execute("UPDATE applications SET company = 'Renamed Elsewhere'")
        other.execute("UPDATE change_counter SET n = n + 1 WHERE id = 1")
    finally:
        other.close()
    at.run()
    no_exception(at)
    assert at.text[0].value == "1 companies: Renamed Elsewhere"


def test_the_cache_never_mixes_two_databases(tmp_path: Path) -> None:
    first, second = Store(tmp_path / "a.db"), Store(tmp_path / "b.db")
    try:
        factories.application(first, "Only in A")
        assert ui.cached(first, counted_companies) == ["Only in A"]
        assert ui.cached(second, counted_companies) == []  # same counter value, other file
        assert CALLS == ["read", "read"]
    finally:
        first.dispose()
        second.dispose()


def test_a_chart_is_built_once_and_sends_what_altair_chart_sends() -> None:
    at = AppTest.from_function(_chart_page, default_timeout=30).run()
    no_exception(at)
    cached_chart, plain_chart = at.get("vega_lite_chart")
    assert cached_chart.proto.spec == plain_chart.proto.spec
    assert cached_chart.proto.theme == plain_chart.proto.theme == "streamlit"
    assert [(d.name, d.data.data) for d in cached_chart.proto.datasets] == \
        [(d.name, d.data.data) for d in plain_chart.proto.datasets]
    assert cached_chart.proto.datasets and cached_chart.proto.datasets[0].data.data
    assert CALLS == ["build", "build"]  # one for ui.chart, one for the plain call
    at.run().run()
    assert CALLS.count("build") == 4  # the plain call builds every run; ui.chart doesn't


def test_a_chart_is_rebuilt_when_its_data_changes() -> None:
    at = AppTest.from_function(_chart_page, default_timeout=30).run()
    at.session_state["weeks"] = 5
    at.run()
    no_exception(at)
    cached_chart, plain_chart = at.get("vega_lite_chart")
    assert cached_chart.proto.spec == plain_chart.proto.spec
    assert [d.data.data for d in cached_chart.proto.datasets] == \
        [d.data.data for d in plain_chart.proto.datasets]
    assert CALLS.count("build") == 4  # ui.chart built again for the new frame


@pytest.mark.sqlite_only
def test_pooled_connections_keep_every_pragma_and_are_reused(store: Store) -> None:
    seen = set()
    for _ in range(3):
        with store.read() as snap:
            seen.add(id(snap.connection.connection.dbapi_connection))
            assert snap.connection.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
            assert snap.connection.exec_driver_sql("PRAGMA synchronous").scalar() == 2  # FULL
            assert snap.connection.exec_driver_sql("PRAGMA busy_timeout").scalar() == 10_000
            assert snap.connection.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
    assert len(seen) == 1  # one connection, opened once and reused


@pytest.mark.sqlite_only
def test_a_write_on_a_pooled_connection_still_begins_immediate(store: Store,
                                                              isolated: Path) -> None:
    with store.read():
        pass  # leaves an idle connection in the pool
    other = sqlite3.connect(isolated, timeout=0, isolation_level=None)
    try:
        with store.write() as tx:
            assert tx.connection.exec_driver_sql("SELECT 1").scalar() == 1
            # The write lock is taken at BEGIN, before any statement writes.
            with pytest.raises(sqlite3.OperationalError, match="locked"):
                other.execute("BEGIN IMMEDIATE")
        other.execute("BEGIN IMMEDIATE")  # released at commit
        other.execute("ROLLBACK")
    finally:
        other.close()


@pytest.mark.sqlite_only
def test_an_idle_pool_blocks_no_writer_and_no_checkpoint(store: Store, isolated: Path) -> None:
    factories.application(store, "Acme")
    store.count("applications")  # the pool now holds idle connections
    other = sqlite3.connect(isolated, timeout=0, isolation_level=None)
    try:
        other.execute("BEGIN IMMEDIATE")
        other.execute("COMMIT")
        busy, _, _ = other.execute("PRAGMA wal_checkpoint(TRUNCATE)").fetchone()
        assert busy == 0
    finally:
        other.close()


def test_many_threads_share_one_store(store: Store) -> None:
    """Streamlit runs each session in its own thread, all on one cached Store."""
    errors: list[BaseException] = []

    def work(n: int) -> None:
        try:
            for i in range(15):
                if i % 5 == 0:
                    factories.application(store, f"Thread {n}-{i}")
                store.change_count()
                store.count("applications")
        except BaseException as exc:  # noqa: BLE001 - reported below
            errors.append(exc)

    threads = [threading.Thread(target=work, args=(n,)) for n in range(20)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert not errors
    assert store.count("applications") == 20 * 3


def test_forget_store_closes_its_pooled_connections(isolated: Path) -> None:
    url = to_url(isolated)
    opened = ui.open_store(url)
    opened.count("applications")
    assert opened.engine.pool.checkedin() >= 1
    ui.forget_store(url)
    assert opened.engine.pool.checkedin() == 0  # disposed: nothing keeps the file open
    again = ui.open_store(url)
    assert again is not opened
    st.cache_resource.clear()


@pytest.mark.sqlite_only
def test_after_the_file_is_replaced_a_forgotten_store_reads_the_new_file(
        tmp_path: Path, isolated: Path) -> None:
    """Restore of a damaged file, and delete-all, replace or rewrite the file: the page calls
    forget_store, and no pooled connection may keep reading the old one."""
    url = to_url(isolated)
    opened = ui.open_store(url)
    factories.application(opened, "Old file")
    assert ui.cached(opened, counted_companies) == ["Old file"]
    replacement = Store(tmp_path / "replacement.db")
    factories.application(replacement, "New file")
    replacement.dispose()
    sqlite3.connect(tmp_path / "replacement.db").execute("PRAGMA wal_checkpoint(TRUNCATE)")
    os.replace(tmp_path / "replacement.db", isolated)
    for side in ("-wal", "-shm"):
        Path(f"{isolated}{side}").unlink(missing_ok=True)
    ui.forget_store(url)
    fresh = ui.open_store(url)
    assert ui.cached(fresh, counted_companies) == ["New file"]
    st.cache_resource.clear()


PAGE_WITH_SUMMARY = """
import streamlit as st
from nextround import ui

def summary(store):
    return "{answer}"

st.text(ui.cached(ui.frame("Same name"), summary))
"""


def test_two_pages_with_a_same_named_read_never_share_its_result() -> None:
    """Every page runs as `__main__`: the defining file keeps their cache entries apart."""
    first = AppTest.from_string(PAGE_WITH_SUMMARY.format(answer="from page A")).run()
    second = AppTest.from_string(PAGE_WITH_SUMMARY.format(answer="from page B")).run()
    no_exception(first)
    no_exception(second)
    assert first.text[0].value == "from page A"
    assert second.text[0].value == "from page B"


def test_a_disposed_store_still_works_and_connects_anew(store: Store) -> None:
    """A session can still hold a store that forget_store released: it must not break."""
    factories.application(store, "Before")
    store.dispose()
    assert store.engine.pool.checkedin() == 0
    factories.application(store, "After")
    assert store.count("applications") == 2
