"""Where a warm rerun of each page spends its time: the frame, the settings, reads, widgets and
elements, charts, the page's own Python, and Streamlit's own run around the page.

    python -m tests.bench.breakdown --db /tmp/bench/bench-1000.db [--runs 30] [--out FILE]

Each page runs as the benchmark runs it (AppTest, in process, compiled once), warm (caches
hot, as after a widget change). Its reruns are profiled together with pyinstrument (a
development tool, requirements-dev.txt) and every sample is put in one group by the outermost
frame of its stack below the page script that names one:

- **frame**: `ui.frame`: page config, the day's housekeeping check, the sidebar, the flash;
- **settings**: the frame's settings read (a cached read: the change counter, the cache hit);
- **reads**: every other `ui.cached` read, and the store itself;
- **charts**: `ui.chart` and Streamlit's chart code (spec to JSON, Arrow, element id);
- **widgets and elements**: every other Streamlit call the page makes;
- **page logic**: the page's own Python (and pandas) outside all of those;
- **Streamlit's run**: the script runner around the page: what a bare page costs too.

The time of each group is its share of the samples times the page's median warm rerun,
measured separately without the profiler. It prints a Markdown table (and writes it with
--out). tests/bench/README.md keeps the tables behind the performance work.
"""

from __future__ import annotations

import argparse
import os
import statistics
import time
from collections import Counter
from pathlib import Path

from tests.bench.profile_page import profiling_script_runs
from tests.bench.run import FLOOR_SCRIPT, PAGES, ROOT, TODAY, share_script_cache

GROUPS = ["frame", "settings", "reads", "charts", "widgets and elements", "page logic",
          "Streamlit's run"]
UI_INIT = os.path.join("nextround", "ui", "__init__.py")
STORE = os.path.join("nextround", "store") + os.sep
STREAMLIT = os.sep + "streamlit" + os.sep
VEGA = os.path.join("streamlit", "elements", "vega_charts.py")
CACHING = os.path.join("streamlit", "runtime", "caching") + os.sep
PAGE_DIR = os.sep + "app_pages" + os.sep


def _parts(identifier: str) -> tuple[str, str]:
    function, path = identifier.split("\x00")[:2]
    return function, path


def group_of(stack: list[str]) -> str:
    """The group of one sample, from its stack (outermost frame first)."""
    below = None
    for index, identifier in enumerate(stack):
        function, path = _parts(identifier)
        if PAGE_DIR in path and function == "<module>":
            below = stack[index + 1:]
            break
    if below is None:
        return "Streamlit's run"
    for index, identifier in enumerate(below):
        function, path = _parts(identifier)
        if path.endswith(UI_INIT) and function == "frame":
            rest = below[index + 1:]
            inner = [_parts(i) for i in rest]
            if any(p.endswith(UI_INIT) and f == "cached" for f, p in inner):
                return "settings"
            return "frame"
        if (path.endswith(UI_INIT) and function == "cached") or STORE in path:
            return "reads"
        if (path.endswith(UI_INIT) and function == "chart") or path.endswith(VEGA):
            return "charts"
        if STREAMLIT in path:
            # Decorators (metrics, caching) wrap the call: what it is shows further down.
            rest = [_parts(i)[1] for i in below[index:]]
            if any(p.endswith(VEGA) for p in rest):
                return "charts"
            if any(CACHING in p for p in rest):
                return "reads"
            return "widgets and elements"
    return "page logic"


def _app(page: str):  # noqa: ANN202
    from streamlit.testing.v1 import AppTest

    if page == "bare page":
        return AppTest.from_string(FLOOR_SCRIPT)
    return AppTest.from_file(str(ROOT / "app_pages" / f"{page}.py"), default_timeout=120)


def measure(page: str, runs: int, trees: Path | None = None) -> dict:
    """Median warm rerun (wall and CPU, no profiler) and the profiled share of each group."""
    import streamlit as st
    from pyinstrument import Profiler
    st.cache_data.clear()
    st.cache_resource.clear()
    at = _app(page)
    at.run()
    at.run()
    walls, cpus = [], []
    for _ in range(runs):
        wall, cpu = time.perf_counter(), time.process_time()
        at.run()
        walls.append((time.perf_counter() - wall) * 1000)
        cpus.append((time.process_time() - cpu) * 1000)
    profiler = Profiler(interval=0.0002)
    with profiling_script_runs(lambda: profiler):
        for _ in range(runs):
            at.run()
    counts: Counter[str] = Counter()
    for stack, seconds in profiler.last_session.frame_records:
        counts[group_of(stack)] += seconds
    total = sum(counts.values()) or 1.0
    warm = statistics.median(walls)
    if trees is not None:
        trees.mkdir(parents=True, exist_ok=True)
        (trees / f"{page.replace(' ', '-')}.txt").write_text(profiler.output_text(
            unicode=True, color=False, show_all=False, short_mode=False), encoding="utf-8")
    return {"warm_ms": warm, "warm_cpu_ms": statistics.median(cpus),
            "groups": {g: warm * counts[g] / total for g in GROUPS},
            "error": at.exception[0].value if at.exception else ""}


def table(results: dict[str, dict], floor_cpu: float) -> str:
    lines = ["| page | warm ms | CPU ms | × bare (CPU) | " + " | ".join(GROUPS) + " |",
             "|---|---:|---:|---:|" + "---:|" * len(GROUPS)]
    for page, row in results.items():
        cells = " | ".join(f"{row['groups'][g]:.1f}" for g in GROUPS)
        note = f" ⚠ {row['error'][:60]}" if row["error"] else ""
        lines.append(f"| {page}{note} | {row['warm_ms']:.1f} | {row['warm_cpu_ms']:.1f} | "
                     f"{row['warm_cpu_ms'] / floor_cpu:.1f}× | {cells} |")
    return "\n".join(lines)


def breakdown(db: Path | str, runs: int, pages: list[str] | None = None,
              trees: Path | None = None) -> dict[str, dict]:
    """The bare page's warm rerun, then every page's, with its groups, on the database `db`."""
    os.environ["NEXTROUND_DB"] = str(db)
    os.environ["NEXTROUND_TODAY"] = TODAY
    os.environ["STREAMLIT_CLIENT_SHOW_ERROR_DETAILS"] = "full"
    results = {"bare page": measure("bare page", runs)}
    for page in pages or PAGES:
        results[page] = measure(page, runs, trees)
    return results


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", type=Path, required=True)
    parser.add_argument("--runs", type=int, default=30)
    parser.add_argument("--pages", default=",".join(PAGES))
    parser.add_argument("--out", type=Path)
    parser.add_argument("--trees", type=Path,
                        help="also write each page's profile tree (all its reruns) here")
    args = parser.parse_args(argv)
    share_script_cache()
    results = breakdown(args.db, args.runs, args.pages.split(","), args.trees)
    text = (f"Warm reruns of every page on {args.db.name}, median of {args.runs} "
            f"(ms; groups are shares of the profiled samples)\n\n"
            + table(results, results["bare page"]["warm_cpu_ms"]) + "\n")
    if args.out:
        args.out.write_text(text, encoding="utf-8")
    print(text)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
