"""Benchmark: how fast every page is at 0, 1,000, 10,000 and 100,000 applications.

Reports figures; it never passes or fails on a time. Run it with `make bench` (all sizes and
the browser, about 8 minutes on the 2-core machine), or
`python -m tests.bench.run [--sizes 0,1000] [--runs 5] [--no-browser] [--keep DIR] [--json]`.
It writes tests/bench/RESULTS.md (and prints JSON with --json).

What it measures, all in one process for AppTest:
- first run, median of 20 warm reruns (caches hot) and of 20 cold reruns (st.cache_data
  cleared first, as after a write), for every page, in wall time and in CPU time (the figure
  to compare when other programs share the machine);
- the bytes each page sends (the serialized size of its elements), charts and tables apart;
- peak Python memory of one run (tracemalloc);
- the floor: a bare one-line Streamlit page, printed beside every figure, and the yardstick
  of the warm reruns (issue 19: each page at most 12× its CPU time);
and, with a real server in Chromium, at 0, 1,000 and 10,000 applications: the time from
navigation to an idle page, from one representative click per page to an idle page (at 1,000
and up; the clicks are listed in `tests.bench.in_browser.CLICKS`), and what one full load
downloads (JavaScript, CSS, fonts, other, WebSocket frames; and any request leaving
127.0.0.1); the same for a bare page with one button, the yardstick of the browser targets;
plus the cold start from `streamlit run` to an idle home page; and the command-line import of
a 50,000-row CSV. The issues' targets are checked in a table at the top.
To see where a page spends its time: `python -m tests.bench.profile_page PAGE --db FILE`.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import time
import tracemalloc
from pathlib import Path

from tests.bench import in_browser

ROOT = Path(__file__).resolve().parents[2]
PAGES = ["progress", "applications", "respond", "feedback", "reflect", "checkin", "data"]
TODAY = "2026-11-25"
RESULTS = ROOT / "tests" / "bench" / "RESULTS.md"
FLOOR_SCRIPT = "import streamlit as st\nst.write('floor')\n"


def make_db(folder: Path, size: int) -> tuple[Path, float]:
    db = folder / f"bench-{size}.db"
    if db.exists():
        return db, 0.0
    started = time.perf_counter()
    if size:
        subprocess.run([sys.executable, "-m", "nextround", "demo", "--applications", str(size),
                        "--seed", "1", "--db", str(db)], cwd=ROOT, check=True,
                       env={**os.environ, "NEXTROUND_TODAY": TODAY}, capture_output=True)
    else:
        from nextround.store import Store

        Store(db).dispose()
    return db, time.perf_counter() - started


def _walk(node):  # noqa: ANN001, ANN202
    yield node
    for child in getattr(node, "children", {}).values() if hasattr(node, "children") else []:
        yield from _walk(child)


def sent_bytes(at) -> dict[str, int]:  # noqa: ANN001
    """Serialized size of what the page sends, split into charts, tables and the rest."""
    totals = {"charts": 0, "tables": 0, "other": 0}
    for node in _walk(at._tree):
        proto = getattr(node, "proto", None)
        if proto is None or not hasattr(proto, "ByteSize"):
            continue
        kind = getattr(node, "type", "")
        size = proto.ByteSize()
        if kind == "vega_lite_chart":
            totals["charts"] += size
        elif kind in ("arrow_data_frame", "dataframe", "data_editor", "table"):
            totals["tables"] += size
        else:
            totals["other"] += size
    return totals


def share_script_cache() -> None:
    """Compile each page once, as the server does.

    AppTest gives every run a fresh ScriptCache, so it parses and compiles the page file again
    on every rerun (30-300 ms on a loaded machine for a long page); the server keeps one cache
    for as long as the file doesn't change. Sharing one cache here measures what a user waits
    for. It applies to the floor too."""
    from streamlit.runtime.scriptrunner.script_cache import ScriptCache
    from streamlit.testing.v1 import local_script_runner

    shared = ScriptCache()
    local_script_runner.ScriptCache = lambda: shared


def make_postgres_db(server: str, size: int) -> tuple[str, float]:
    """A demo database of `size` applications on the PostgreSQL server at `server` (a
    `postgresql+psycopg://` URL): `nrbench_<size>`, made anew each time."""
    import psycopg
    from sqlalchemy.engine import make_url

    name = f"nrbench_{size}"
    plain = make_url(server).set(drivername="postgresql").render_as_string(hide_password=False)
    with psycopg.connect(plain, autocommit=True) as admin:
        admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        admin.execute(f'CREATE DATABASE "{name}"')
    url = make_url(server).set(database=name).render_as_string(hide_password=False)
    started = time.perf_counter()
    subprocess.run([sys.executable, "-m", "nextround", "demo", "--applications", str(size),
                    "--seed", "1", "--db", url], cwd=ROOT, check=True,
                   env={**os.environ, "NEXTROUND_TODAY": TODAY}, capture_output=True)
    return url, time.perf_counter() - started


def _timed(at) -> tuple[float, float]:  # noqa: ANN001
    """(wall seconds, CPU seconds) of one run. CPU time is what the figures are judged on
    when the machine is busy: it doesn't grow while other processes hold the cores."""
    wall, cpu = time.perf_counter(), time.process_time()
    at.run()
    return time.perf_counter() - wall, time.process_time() - cpu


def _median_ms(samples: list[tuple[float, float]]) -> tuple[float, float]:
    return (statistics.median(s[0] for s in samples) * 1000,
            statistics.median(s[1] for s in samples) * 1000)


def bench_apptest(db: Path | str, runs: int) -> dict[str, dict]:
    import streamlit as st
    from streamlit.testing.v1 import AppTest

    os.environ["STREAMLIT_CLIENT_SHOW_ERROR_DETAILS"] = "full"
    os.environ["NEXTROUND_DB"] = str(db)
    os.environ["NEXTROUND_TODAY"] = TODAY
    results: dict[str, dict] = {}
    for page in PAGES:
        st.cache_data.clear()
        st.cache_resource.clear()  # also disposes the cached store's pooled connections
        path = ROOT / "app_pages" / f"{page}.py"
        at = AppTest.from_file(str(path), default_timeout=120)
        first, _ = _timed(at)
        error = [e.value for e in at.exception][:1]
        warm = [_timed(at) for _ in range(runs)]
        cold = []
        for _ in range(runs):
            st.cache_data.clear()  # as after a write: the store stays open, every read is new
            cold.append(_timed(at))
        st.cache_data.clear()
        tracemalloc.start()
        at.run()
        _, peak = tracemalloc.get_traced_memory()
        tracemalloc.stop()
        warm_ms, warm_cpu = _median_ms(warm)
        cold_ms, cold_cpu = _median_ms(cold)
        results[page] = {
            "first_ms": first * 1000, "warm_ms": warm_ms, "warm_cpu_ms": warm_cpu,
            "cold_ms": cold_ms, "cold_cpu_ms": cold_cpu, "bytes": sent_bytes(at),
            "peak_mb": peak / 1e6, "error": error[0] if error else "",
        }
    st.cache_resource.clear()
    return results


def bench_floor(runs: int) -> dict[str, float]:
    from streamlit.testing.v1 import AppTest

    at = AppTest.from_string(FLOOR_SCRIPT)
    first, _ = _timed(at)
    rerun_ms, rerun_cpu = _median_ms([_timed(at) for _ in range(runs)])
    return {"first_ms": first * 1000, "rerun_ms": rerun_ms, "rerun_cpu_ms": rerun_cpu}


def bench_import(db: Path, folder: Path, rows: int = 50_000) -> dict[str, float] | None:
    """Export the applications of `db` as CSV, keep `rows` of them, and time the command-line
    import into an empty database (the page shows a progress bar for the same work)."""
    import csv

    env = {**os.environ, "NEXTROUND_TODAY": TODAY}
    full = folder / "bench-export.csv"
    subprocess.run([sys.executable, "-m", "nextround", "export", "--db", str(db), "--out",
                    str(full)], cwd=ROOT, check=True, env=env, capture_output=True)
    part = folder / f"bench-import-{rows}.csv"
    with full.open(newline="", encoding="utf-8") as src, \
            part.open("w", newline="", encoding="utf-8") as out:
        reader, writer = csv.reader(src), csv.writer(out)
        kept = -1
        for kept, row in enumerate(reader):
            if kept > rows:
                break
            writer.writerow(row)
    target = folder / "bench-import.db"
    for leftover in folder.glob("bench-import.db*"):
        leftover.unlink()
    started = time.perf_counter()
    # Demo data, like a real search, re-applies to some company and role on the same day.
    done = subprocess.run([sys.executable, "-m", "nextround", "import", str(part), "--db",
                           str(target), "--allow-duplicates"], cwd=ROOT, env=env,
                          capture_output=True, text=True)
    took = time.perf_counter() - started
    if done.returncode != 0:
        print(f"import failed: {done.stderr.strip()[:300]}", flush=True)
        return None
    return {"rows": min(kept, rows), "seconds": took}


def _start_server(db: Path, port: int, script: Path | None = None) -> subprocess.Popen:
    env = {**os.environ, "NEXTROUND_DB": str(db), "NEXTROUND_TODAY": TODAY}
    return subprocess.Popen(
        [sys.executable, "-m", "streamlit", "run", str(script or ROOT / "app.py"),
         "--server.headless=true", "--server.address=127.0.0.1", f"--server.port={port}",
         "--browser.gatherUsageStats=false", "--server.fileWatcherType=none"],
        cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


def _wait_health(url: str, proc: subprocess.Popen, timeout: float = 60) -> None:
    import urllib.request

    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(url + "/_stcore/health", timeout=1) as response:
                if response.read() == b"ok":
                    return
        except OSError:
            pass
        if proc.poll() is not None:
            break
        time.sleep(0.05)
    raise RuntimeError("streamlit did not start")


def _cold_start(browser, db: Path) -> tuple[float, float]:  # noqa: ANN001
    """(seconds to a healthy server, seconds to an idle home page), from `streamlit run`."""
    from tests.e2e.conftest import _free_port

    port = _free_port()
    url = f"http://127.0.0.1:{port}"
    started = time.perf_counter()
    proc = _start_server(db, port)
    try:
        _wait_health(url, proc)
        healthy = time.perf_counter() - started
        page = browser.new_page(viewport={"width": 1280, "height": 900})
        page.goto(url)
        in_browser.idle(page)
        idle = time.perf_counter() - started
        page.close()
    finally:
        proc.terminate()
        proc.wait(10)
    return healthy, idle


def _median_load(page, url: str, runs: int) -> float:  # noqa: ANN001
    """Median ms of `runs` full loads of `url` to an idle page (each load is a new session)."""
    samples = []
    for _ in range(runs):
        began = time.perf_counter()
        page.goto(url)
        in_browser.idle(page)
        samples.append((time.perf_counter() - began) * 1000)
    return statistics.median(samples)


def _bare_browser(browser, db: Path, runs: int) -> dict:  # noqa: ANN001
    """The bare page (one line and a button) under a real server: load to idle, click to idle
    on its button, and what a load downloads; the yardstick for the pages' browser figures."""
    from tests.e2e.conftest import _free_port

    with tempfile.TemporaryDirectory(prefix="nextround-bare-") as folder:
        script = Path(folder) / "bare.py"
        script.write_text(in_browser.BARE_SCRIPT, encoding="utf-8")
        port = _free_port()
        url = f"http://127.0.0.1:{port}"
        proc = _start_server(db, port, script)
        try:
            _wait_health(url, proc)
            page = in_browser.new_page(browser)
            page.goto(url)
            in_browser.idle(page)  # the first load, as for the pages: not timed
            load_ms = _median_load(page, url, runs)
            # A page's own address (/respond) costs Streamlit's front end a failed health check
            # first: it tries /respond/_stcore/health, gets a 404, then the root. The bare page
            # at such an address pays it too, so the pages other than the home are held to it.
            subpage_load_ms = _median_load(page, url + in_browser.SUBPAGE_PATH, runs)
            page.goto(url)
            in_browser.idle(page)
            click = in_browser.bare_click_to_idle(page, runs)
            page.close()
            got = in_browser.page_bytes(browser, url)
        finally:
            proc.terminate()
            proc.wait(10)
    return {"load_ms": load_ms, "subpage_load_ms": subpage_load_ms, "click": click,
            "bytes": got}


def bench_browser(dbs: dict[int, Path], runs: int = 3) -> dict:
    from playwright.sync_api import sync_playwright

    from tests.e2e.conftest import CHROMIUM, CHROMIUM_ARGS, _free_port

    results: dict = {"pages": {}, "clicks": {}, "bytes": {}, "cold_start_s": None,
                     "runs": runs}
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        results["bare"] = _bare_browser(browser, dbs[min(dbs)], runs)
        # Cold start on the smallest database, a median of `runs` fresh servers.
        starts = [_cold_start(browser, dbs[min(dbs)]) for _ in range(runs)]
        results["server_ready_s"] = statistics.median(s[0] for s in starts)
        results["cold_start_s"] = statistics.median(s[1] for s in starts)
        for size, db in dbs.items():
            port = _free_port()
            url = f"http://127.0.0.1:{port}"
            proc = _start_server(db, port)
            try:
                _wait_health(url, proc)
                page = in_browser.new_page(browser)  # records messages
                page.goto(url)
                in_browser.idle(page)  # the first load imports the app's modules; not timed here
                timings, clicks, downloads = {}, {}, {}
                for name in PAGES:
                    path = f"{url}/{'' if name == 'progress' else name}"
                    timings[name] = _median_load(page, path, runs)
                    if size >= 1_000:  # the empty database shows no such controls
                        clicks[name] = in_browser.click_to_idle(page, name, runs)
                    downloads[name] = in_browser.page_bytes(browser, path)
                results["pages"][size] = timings
                results["bytes"][size] = downloads
                if clicks:
                    results["clicks"][size] = clicks
                page.close()
            finally:
                proc.terminate()
                proc.wait(10)
        browser.close()
    return results


def machine() -> str:
    import altair
    import pandas
    import streamlit

    return (f"{platform.platform()}, {os.cpu_count()} cores, Python {platform.python_version()}, "
            f"streamlit {streamlit.__version__}, pandas {pandas.__version__}, "
            f"altair {altair.__version__}")


def _ratio(a: float | None, b: float | None) -> float | None:
    return a / b if a is not None and b else None


def _verdict(ok: bool | None) -> str:
    return "n/a" if ok is None else ("holds" if ok else "**misses**")


def _bare_targets(browser: dict) -> list[str]:
    """Issue 19's browser targets: each page against the bare page of the same run."""
    bare = browser.get("bare")
    if not bare:
        return []
    lines = []
    pages = {int(k): v for k, v in browser["pages"].items()}
    clicks = {int(k): v for k, v in browser.get("clicks", {}).items()}
    rerun = bare["click"]["ms"]
    for size in (1_000, 10_000):
        for page in PAGES if size in clicks else ():
            click = clicks[size][page]
            if click["ms"] is None or rerun is None:
                why = in_browser.click_cell(click if click["ms"] is None else bare["click"])
                lines.append(f"| {page}: click to idle at {size:,} ≤ 2× bare rerun (browser) | "
                             f"{why}{'' if click['ms'] is None else ' (bare page)'} | n/a |")
                continue
            ratio = click["ms"] / rerun
            lines.append(f"| {page}: click to idle at {size:,} ≤ 2× bare rerun (browser) | "
                         f"{ratio:.2f}× ({click['ms']:.0f} vs {rerun:.0f} ms) | "
                         f"{_verdict(ratio <= 2)} |")
    for size in (1_000, 10_000):
        for page in PAGES if size in pages else ():
            # The home page is at the root; every other page at its own address (see
            # `_bare_browser`). Reports from before the sub-page figure hold the root's only.
            floor = bare["load_ms"] if page == "progress" else bare.get("subpage_load_ms",
                                                                         bare["load_ms"])
            ratio = pages[size][page] / floor
            lines.append(f"| {page}: load to idle at {size:,} ≤ 1.5× bare load (browser) | "
                         f"{ratio:.2f}× ({pages[size][page]:.0f} vs {floor:.0f} ms) | "
                         f"{_verdict(ratio <= 1.5)} |")
    return lines


def targets(report: dict) -> list[str]:
    """The issue's targets, each with the measured figure and whether it holds. Times are
    judged on CPU time when the machine is shared; wall time is shown beside it."""
    apptest = {int(k): v for k, v in report["apptest"].items()}
    lines = ["| target | measured | verdict |", "|---|---|---|"]

    def cold_ratio(big: int, small: int, limit: float) -> None:
        if big not in apptest or small not in apptest:
            return
        for page in PAGES:
            a, b = apptest[big][page], apptest[small][page]
            cpu = _ratio(a["cold_cpu_ms"], b["cold_cpu_ms"])
            wall = _ratio(a["cold_ms"], b["cold_ms"])
            lines.append(f"| {page}: cold rerun at {big:,} ≤ {limit}× at {small:,} | "
                         f"{cpu:.2f}× CPU ({a['cold_cpu_ms']:.0f} vs {b['cold_cpu_ms']:.0f} ms),"
                         f" {wall:.2f}× wall | {_verdict(cpu <= limit)} |")

    cold_ratio(10_000, 1_000, 1.3)
    cold_ratio(100_000, 10_000, 2.0)
    on_server = {int(k): v for k, v in report.get("postgres", {}).items()}
    if 10_000 in on_server and 1_000 in on_server:
        for page in PAGES:
            a, b = on_server[10_000][page], on_server[1_000][page]
            cpu = _ratio(a["cold_cpu_ms"], b["cold_cpu_ms"])
            wall = _ratio(a["cold_ms"], b["cold_ms"])
            # On a server the page's own CPU leaves out the server's work; wall time holds it.
            lines.append(f"| PostgreSQL, {page}: cold rerun at 10,000 ≤ 1.3× at 1,000 | "
                         f"{wall:.2f}× wall ({a['cold_ms']:.0f} vs {b['cold_ms']:.0f} ms), "
                         f"{cpu:.2f}× CPU | {_verdict(wall <= 1.3)} |")
    if 10_000 in apptest:
        for page in PAGES:
            row = apptest[10_000][page]
            lines.append(f"| {page}: warm rerun at 10,000 ≤ 60 ms | {row['warm_cpu_ms']:.0f} ms "
                         f"CPU, {row['warm_ms']:.0f} ms wall | "
                         f"{_verdict(row['warm_cpu_ms'] <= 60)} |")
    if 1_000 in apptest:
        row = apptest[1_000]["progress"]
        lines.append(f"| progress: cold rerun at 1,000 ≤ 60 ms | {row['cold_cpu_ms']:.0f} ms CPU, "
                     f"{row['cold_ms']:.0f} ms wall | {_verdict(row['cold_cpu_ms'] <= 60)} |")
    floor = report["floor"]
    for size in (1_000, 10_000):
        for page in PAGES if size in apptest else ():
            row = apptest[size][page]
            cpu = _ratio(row["warm_cpu_ms"], floor["rerun_cpu_ms"])
            wall = _ratio(row["warm_ms"], floor["rerun_ms"])
            lines.append(f"| {page}: warm rerun at {size:,} ≤ 12× bare | {cpu:.1f}× CPU "
                         f"({row['warm_cpu_ms']:.1f} vs {floor['rerun_cpu_ms']:.1f} ms), "
                         f"{wall:.1f}× wall ({row['warm_ms']:.1f} vs {floor['rerun_ms']:.1f} ms)"
                         f" | {_verdict(cpu <= 12)} |")
    sizes = sorted(apptest)
    for page in PAGES:
        sent = {size: sum(apptest[size][page]["bytes"].values()) for size in sizes}
        biggest = max(sent.values())
        # The empty database draws an empty state; the yardstick is the smallest real one.
        base = next((size for size in sizes if size), sizes[0])
        flat = sent[sizes[-1]] <= 1.3 * max(sent[base], 1)
        spread = " → ".join(f"{sent[size] / 1000:.0f}" for size in sizes)
        at_sizes = ", ".join(f"{size:,}" for size in sizes)
        ok = biggest <= 200_000 and flat
        lines.append(f"| {page}: sends ≤ 200 KB, flat in size | {spread} KB ({at_sizes}) | "
                     f"{_verdict(ok)} |")
    browser = report.get("browser")
    if browser:
        pages = {int(k): v for k, v in browser["pages"].items()}
        if 10_000 in pages and 1_000 in pages:
            for page in PAGES:
                ratio = _ratio(pages[10_000][page], pages[1_000][page])
                lines.append(f"| {page}: browser idle at 10,000 ≤ 1.5× at 1,000 | {ratio:.2f}× "
                             f"({pages[10_000][page]:.0f} vs {pages[1_000][page]:.0f} ms) | "
                             f"{_verdict(ratio <= 1.5)} |")
        lines += _bare_targets(browser)
        if browser.get("cold_start_s") is not None:
            start = browser["cold_start_s"]
            lines.append(f"| cold start to an idle home page ≤ 3 s | {start:.2f} s | "
                         f"{_verdict(start <= 3)} |")
    made = report["generate_s"].get(100_000) or report["generate_s"].get("100000")
    if made:
        lines.append(f"| demo generation, 100,000 applications ≤ 60 s | {made:.1f} s | "
                     f"{_verdict(made <= 60)} |")
    imported = report.get("import")
    if imported:
        lines.append(f"| import of a {imported['rows']:,}-row CSV ≤ 30 s | "
                     f"{imported['seconds']:.1f} s | {_verdict(imported['seconds'] <= 30)} |")
    return lines


def _breakdown_section(report: dict) -> list[str]:
    """Where a warm rerun of each page goes at 1,000 applications (tests/bench/breakdown.py)."""
    if not report.get("breakdown"):
        return []
    from tests.bench.breakdown import table

    results = report["breakdown"]
    return ["## Where a warm rerun goes (1,000 applications)", "",
            "Each page's warm reruns profiled together; every sample is put in the group of the "
            "outermost frame below the page that names one (`tests/bench/breakdown.py`). Groups "
            "are ms of the median warm rerun, shared as the samples were. What was taken out, "
            "page by page: [README.md](README.md).", "",
            table(results, results["bare page"]["warm_cpu_ms"]), ""]


def render_markdown(report: dict) -> str:
    floor = report["floor"]
    made = [f"{int(size):,} applications {secs:.1f} s"
            for size, secs in report["generate_s"].items() if secs]
    lines = [
        "# Benchmark results",
        "",
        f"Measured {report['when']} on {report['machine']}.",
        f"Command: `{report['command']}`, {report['took_s'] / 60:.1f} minutes in all.",
        "",
        "Every time is shown as wall time and CPU time (the process's own; it doesn't grow "
        "while other programs hold the cores, so it is the figure to compare when the machine "
        "is busy). Reruns are medians of "
        f"{report['runs']}. Warm: caches hot, as after a widget change. Cold: st.cache_data "
        "cleared first, as after a write. Pages are compiled once, as the server does.",
        "",
        f"Floor (a bare one-line page): first run {floor['first_ms']:.1f} ms, rerun "
        f"{floor['rerun_ms']:.1f} ms ({floor['rerun_cpu_ms']:.1f} ms CPU).",
        "",
        "Demo generation: " + (", ".join(made) if made else "databases reused, not timed"),
        "",
        "## Targets (issues 10 and 19)",
        "",
        "Why a target misses, with the profile that shows it: [README.md](README.md).",
        "",
        *targets(report),
        "",
        *_breakdown_section(report),
        "## AppTest (in process)",
        "",
        "| page | applications | first ms | warm ms | warm CPU ms | cold ms | cold CPU ms | "
        "chart KB | table KB | other KB | peak MB |",
        "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for size, pages in report["apptest"].items():
        for page, row in pages.items():
            b = row["bytes"]
            note = f" ⚠ {row['error'][:80]}" if row["error"] else ""
            lines.append(
                f"| {page}{note} | {int(size):,} | {row['first_ms']:.0f} | {row['warm_ms']:.1f} | "
                f"{row['warm_cpu_ms']:.1f} | {row['cold_ms']:.1f} | {row['cold_cpu_ms']:.1f} | "
                f"{b['charts'] / 1000:.1f} | {b['tables'] / 1000:.1f} | "
                f"{b['other'] / 1000:.1f} | {row['peak_mb']:.1f} |")
    if report.get("postgres"):
        lines += ["", "## AppTest on PostgreSQL (same pages, the same demo on a local server)",
                  "", "Wall time includes the server's work (its own process); CPU time is the "
                  "page's alone.", "",
                  "| page | applications | first ms | warm ms | cold ms | cold CPU ms | "
                  "SQLite cold ms |", "|---|---:|---:|---:|---:|---:|---:|"]
        for size, pages in report["postgres"].items():
            lite = report["apptest"].get(size) or report["apptest"].get(int(size)) or {}
            for page, row in pages.items():
                note = f" ⚠ {row['error'][:80]}" if row["error"] else ""
                same = lite.get(page, {}).get("cold_ms")
                lines.append(f"| {page}{note} | {int(size):,} | {row['first_ms']:.0f} | "
                             f"{row['warm_ms']:.1f} | {row['cold_ms']:.1f} | "
                             f"{row['cold_cpu_ms']:.1f} | "
                             f"{'' if same is None else f'{same:.1f}'} |")
    browser = report.get("browser")
    if browser:
        lines += ["", "## Real server in Chromium: navigation to idle (ms)", "",
                  f"Median of {browser.get('runs', 1)} full page loads per page (each load is a "
                  "new session; the server's caches are shared, as for a returning user).", "",
                  "| page | " + " | ".join(f"{int(s):,}" for s in browser["pages"]) + " |",
                  "|---|" + "---:|" * len(browser["pages"])]
        for page in PAGES:
            cells = [f"{browser['pages'][s][page]:.0f}" for s in browser["pages"]]
            lines.append(f"| {page} | " + " | ".join(cells) + " |")
        lines += ["", f"Cold start (`streamlit run` to an idle home page, median of "
                      f"{browser.get('runs', 1)}): {browser['cold_start_s']:.2f} s, of which "
                      f"{browser.get('server_ready_s', 0):.2f} s until the server answers; the "
                      "rest is the browser loading Streamlit's front end and the first run "
                      "importing pandas, Altair and SQLAlchemy."]
        lines += _browser_sections(browser)
    imported = report.get("import")
    if imported:
        lines += ["", f"Import of a {imported['rows']:,}-row CSV (the app's own export) through "
                      f"`python -m nextround import`: {imported['seconds']:.1f} s."]
    return "\n".join(lines) + "\n"


def _browser_sections(browser: dict) -> list[str]:
    bare = browser.get("bare")
    lines = []
    if bare:
        rerun = bare["click"]["ms"]
        lines += ["", "The bare page in the browser (a one-line page and one button, under the "
                      f"same server flags): load to idle {bare['load_ms']:.0f} ms at the root "
                      + (f"and {bare['subpage_load_ms']:.0f} ms at a page's own address "
                         f"({in_browser.SUBPAGE_PATH}, the yardstick of every page but the "
                         "home: Streamlit's front end first looks for the server under that "
                         "address, gets a 404, then tries the root) "
                         if "subpage_load_ms" in bare else "")
                      + f"(medians of {browser.get('runs', 1)} full loads), click to idle "
                      + (f"{rerun:.0f} ms" if rerun is not None else "no rerun")
                      + f" (median of {browser.get('runs', 1)} clicks on its button)."]
    table = in_browser.click_table(browser)
    if table:
        lines += ["", "## Real server in Chromium: click to idle (ms)", "",
                  "From the pointer going down to the later of the page's script state last "
                  "turning to not running and the first frame painted after the server's last "
                  "message, once the page has stayed idle for a second with no skeleton (all "
                  "recorded in the page). One representative click per "
                  f"page, median of {browser.get('runs', 1)}, alternating its two options, "
                  "after one unmeasured click so both options' caches are warm. Not measured "
                  "on the empty database, which shows none of these controls.", "", *table]
    table = in_browser.bytes_table(browser)
    if table:
        lines += ["", "## Real server in Chromium: what one page load downloads", "",
                  "One full load per page in a new browser context (cold cache), until idle: "
                  "HTTP response bodies as sent, by kind, and the WebSocket frames the server "
                  "sent (the page's elements and data). The last column lists any request "
                  "to a host other than 127.0.0.1.", "", *table]
    return lines


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="0,1000,10000,100000")
    parser.add_argument("--runs", type=int, default=20)
    parser.add_argument("--json", action="store_true", help="also print the figures as JSON")
    parser.add_argument("--no-browser", action="store_true")
    parser.add_argument("--no-import", action="store_true",
                        help="skip the 50,000-row CSV import (it needs the 100,000 database)")
    parser.add_argument("--keep", type=Path, help="folder to keep the databases in")
    parser.add_argument("--out", type=Path, default=RESULTS, help="where to write the Markdown")
    parser.add_argument("--postgres", default=os.environ.get("NEXTROUND_TEST_POSTGRES", ""),
                        help="a PostgreSQL server URL: also measure the pages there at 1,000 "
                             "and 10,000 applications (default: $NEXTROUND_TEST_POSTGRES)")
    args = parser.parse_args(argv)
    began = time.perf_counter()
    sizes = [int(s) for s in args.sizes.split(",") if s.strip()]
    folder = args.keep or Path(tempfile.mkdtemp(prefix="nextround-bench-"))
    folder.mkdir(parents=True, exist_ok=True)
    share_script_cache()
    dbs, generate = {}, {}
    for size in sizes:
        dbs[size], generate[size] = make_db(folder, size)
        print(f"database with {size:,} applications ready ({generate[size]:.1f} s)", flush=True)
    report = {"when": time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime()), "machine": machine(),
              "command": " ".join(["python -m tests.bench.run", *(argv or sys.argv[1:])]),
              "runs": args.runs, "generate_s": generate, "floor": bench_floor(args.runs),
              "apptest": {}}
    for size in sizes:
        report["apptest"][size] = bench_apptest(dbs[size], args.runs)
        print(f"AppTest at {size:,} done ({time.perf_counter() - began:.0f} s)", flush=True)
    if 1_000 in dbs:
        from tests.bench.breakdown import breakdown

        report["breakdown"] = breakdown(dbs[1_000], args.runs)
        print(f"breakdown done ({time.perf_counter() - began:.0f} s)", flush=True)
    if args.postgres:
        report["postgres"] = {}
        for size in (1_000, 10_000):
            url, made = make_postgres_db(args.postgres, size)
            print(f"PostgreSQL database with {size:,} applications ready ({made:.1f} s)",
                  flush=True)
            report["postgres"][size] = bench_apptest(url, args.runs)
            print(f"AppTest on PostgreSQL at {size:,} done ({time.perf_counter() - began:.0f} s)",
                  flush=True)
    browser_dbs = {s: dbs[s] for s in sizes if s <= 10_000}
    if not args.no_browser and browser_dbs:
        report["browser"] = bench_browser(browser_dbs)
        print(f"browser done ({time.perf_counter() - began:.0f} s)", flush=True)
    if not args.no_import and max(sizes) >= 50_000:
        report["import"] = bench_import(dbs[max(sizes)], folder)
    report["took_s"] = time.perf_counter() - began
    if args.keep is None:  # the databases are ~90 MB: don't leave them in /tmp
        import shutil

        shutil.rmtree(folder, ignore_errors=True)
    text = render_markdown(report)
    args.out.write_text(text, encoding="utf-8")
    print(text)
    if args.json:
        print(json.dumps(report, indent=2, default=str))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
