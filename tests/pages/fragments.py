"""Run one part of a page the way the server does after a click inside an `st.fragment`.

AppTest's `run()` always reruns the whole script (fragments run inside it, as on a full
rerun). A browser, after a click on a widget inside a fragment, asks the server to rerun
that fragment alone: the same script runner, with the fragment's id queued. `fragment_run`
does exactly that for the fragment with the given key, so a test can check what a user sees:
only that part is drawn again (the rest of the page stays as it was, and is not sent again),
unless it asks for the whole page (a write does).

After a fragment rerun, AppTest's element tree holds only what that rerun drew (the part):
call `at.run()` for the whole page again.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import replace

import pytest
from streamlit.runtime.scriptrunner_utils.script_requests import ScriptRequests
from streamlit.testing.v1 import AppTest
from streamlit.testing.v1.local_script_runner import LocalScriptRunner

from nextround import ui


def fragment_run(at: AppTest, key: str) -> AppTest:
    """Rerun only the fragment named `key` (`@st.fragment(key=...)`), with the widget values
    as they are now in `at` (a value set with `.set_value`/`.select`/`.click` is sent)."""
    ids = at._fragment_storage.resolve_target(key)  # noqa: SLF001 - AppTest keeps them here
    assert ids, f"no fragment {key!r} was drawn"
    original = LocalScriptRunner.request_rerun

    def request(self: LocalScriptRunner, rerun_data):  # noqa: ANN001, ANN202
        # As the server's session does: the runner starts with this request alone (AppTest's
        # runner was made with a full-run request, which would swallow it).
        self._requests = ScriptRequests()  # noqa: SLF001
        return original(self, replace(rerun_data, fragment_id_queue=list(ids),
                                      is_fragment_scoped_rerun=True))

    LocalScriptRunner.request_rerun = request
    try:
        return at.run()
    finally:
        LocalScriptRunner.request_rerun = original


@contextmanager
def counting_full_runs(monkeypatch: pytest.MonkeyPatch) -> Iterator[list[str]]:
    """Count whole-page runs: every page draws its frame (`ui.frame`) once per full run,
    and never inside a fragment. Yields the list of titles the frame was drawn for."""
    runs: list[str] = []
    frame = ui.frame

    def counted(title: str, icon: str | None = None):  # noqa: ANN202
        runs.append(title)
        return frame(title, icon)

    monkeypatch.setattr(ui, "frame", counted)
    yield runs
