"""The server settings `make run` starts with (.streamlit/config.toml): private by default, and
none of Streamlit's per-run work that would make every click wait."""

from __future__ import annotations

import tomllib
from pathlib import Path

import pytest

CONFIG = tomllib.loads((Path(__file__).parents[2] / ".streamlit" / "config.toml").read_text(
    encoding="utf-8"))


@pytest.mark.parametrize(("section", "option", "value"), [
    ("server", "address", "127.0.0.1"),  # reachable from this computer only
    ("browser", "serverAddress", "127.0.0.1"),
    ("browser", "gatherUsageStats", False),  # no telemetry
    ("client", "showErrorDetails", "none"),  # no traceback reaches the user
    ("server", "enableXsrfProtection", True),
])
def test_the_server_stays_private(section: str, option: str, value: object) -> None:
    assert CONFIG[section][option] == value


def test_no_full_garbage_collection_after_every_run() -> None:
    """Streamlit's default collects every object after each run, fragments included: ~75 ms
    with pandas, Altair and SQLAlchemy loaded, holding the lock every thread needs, so the
    run's last message (and the browser's idle page) waited for it on every click. Read
    through Streamlit's own config, so a misspelt option (which Streamlit ignores) fails."""
    from streamlit import config

    assert config.get_option("runner.postScriptGC") is False
    assert config.get_where_defined("runner.postScriptGC").endswith(
        str(Path(".streamlit") / "config.toml"))


def test_unchanged_elements_are_sent_as_their_hash() -> None:
    """Decision 48: an element the browser already holds, from 500 bytes, is not sent again."""
    assert CONFIG["global"]["minCachedMessageSize"] <= 500
    assert CONFIG["global"]["maxCachedMessageAge"] >= 10
