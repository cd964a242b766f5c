"""Profile one page run with pyinstrument, the way the benchmark runs it (AppTest, in process).

    python -m tests.bench.profile_page progress --db /tmp/benchdbs/bench-10000.db \
        [--out tests/bench/profiles/progress-10k.txt]

pyinstrument is a development tool (requirements-dev.txt), never a runtime dependency. It
prints (or writes) a text profile of a cold rerun (caches cleared, as after a write) and of a
warm rerun (caches hot, as after a widget change). tests/bench/profiles/ is ignored by git;
tests/bench/README.md says what each profile behind the performance work showed.
"""

from __future__ import annotations

import argparse
import os
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING

from tests.bench.run import ROOT, TODAY, share_script_cache

if TYPE_CHECKING:
    from pyinstrument import Profiler


@contextmanager
def profiling_script_runs(profiler: Callable[[], Profiler | None]) -> Iterator[None]:
    """Within the block, every script run (on the script runner's thread, where a profiler
    started elsewhere sees nothing) is recorded by `profiler()`, when that gives one."""
    from streamlit.runtime.scriptrunner import script_runner

    original = script_runner.ScriptRunner._run_script

    def _profiled(self, rerun_data):  # noqa: ANN001, ANN202 - the script thread runs this
        running = profiler()
        if running is None:
            return original(self, rerun_data)
        running.start()
        try:
            return original(self, rerun_data)
        finally:
            running.stop()

    script_runner.ScriptRunner._run_script = _profiled
    try:
        yield
    finally:
        script_runner.ScriptRunner._run_script = original


def profile_runs(page: str, db: Path, *, interval: float = 0.0005) -> dict[str, str]:
    import streamlit as st
    from pyinstrument import Profiler
    from streamlit.testing.v1 import AppTest

    os.environ["NEXTROUND_DB"] = str(db)
    os.environ["NEXTROUND_TODAY"] = TODAY
    os.environ["STREAMLIT_CLIENT_SHOW_ERROR_DETAILS"] = "full"
    holder: dict[str, Profiler | None] = {"profiler": None}
    share_script_cache()
    with profiling_script_runs(lambda: holder["profiler"]):
        st.cache_data.clear()
        st.cache_resource.clear()
        path = Path(page) if page.endswith(".py") else ROOT / "app_pages" / f"{page}.py"
        at = AppTest.from_file(str(path), default_timeout=120)
        at.run()
        at.run()
        out = {}
        for label, clear in (("warm", False), ("cold", True)):
            if clear:
                st.cache_data.clear()
            holder["profiler"] = Profiler(interval=interval)
            started = time.perf_counter()
            at.run()
            took = (time.perf_counter() - started) * 1000
            profiler = holder["profiler"]
            holder["profiler"] = None
            text = profiler.output_text(unicode=True, color=False, show_all=False,
                                        short_mode=False)
            out[label] = (f"{label} rerun of {page} took {took:.0f} ms wall (AppTest; the machine "
                          f"was shared, so read the CPU time)\n{text}")
            if at.exception:
                out[label] += f"\nEXCEPTION: {at.exception[0].value}\n"
        return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("page", help="a page name (progress, ...) or the path of a page file")
    parser.add_argument("--db", type=Path, required=True)
    parser.add_argument("--out", type=Path, help="write the text profile here")
    args = parser.parse_args(argv)
    runs = profile_runs(args.page, args.db)
    text = f"page {args.page}, database {args.db.name}\n\n" + "\n\n".join(runs.values())
    if args.out:
        args.out.parent.mkdir(parents=True, exist_ok=True)
        args.out.write_text(text, encoding="utf-8")
    print(text)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
