"""Benchmark: how fast every page is at 0, 1,000, 10,000 and 100,000 applications.

Reports figures; it never passes or fails on a time. Run it with `make bench`, or
`python -m tests.bench.run [--sizes 0,1000] [--json] [--no-browser]`. It writes
tests/bench/RESULTS.md (and prints JSON with --json).

What it measures, all in one process for AppTest:
- first run, median of 20 warm reruns (caches hot) and of 20 cold reruns (st.cache_data
  cleared first, as after a write), for every page;
- the bytes each page sends (the serialized size of its elements), charts and tables apart;
- peak Python memory of one run (tracemalloc);
- the floor: a bare one-line Streamlit page, printed beside every figure;
and, with a real server in Chromium, the time from navigation to an idle page at 0, 1,000 and
10,000 applications, plus the cold start from `streamlit run` to an idle home page.
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


def bench_apptest(db: Path, runs: int) -> dict[str, dict]:
    import streamlit as st
    from streamlit.testing.v1 import AppTest

    os.environ["NEXTROUND_DB"] = str(db)
    os.environ["NEXTROUND_TODAY"] = TODAY
    results: dict[str, dict] = {}
    for page in PAGES:
        st.cache_data.clear()
        st.cache_resource.clear()
        path = ROOT / "pages" / f"{page}.py"
        at = AppTest.from_file(str(path), default_timeout=120)
        started = time.perf_counter()
        at.run()
        first = time.perf_counter() - started
        error = [e.value for e in at.exception][:1]
        warm = []
        for _ in range(runs):
            started = time.perf_counter()
            at.run()
            warm.append(time.perf_counter() - started)
        cold = []
        for _ in range(runs):
            st.cache_data.clear()
            started = time.perf_counter()
            at.run()
            cold.append(time.perf_counter() - started)
        st.cache_data.clear()
        tracemalloc.start()
        at.run()
        _, peak = tracemalloc.get_traced_memory()
        tracemalloc.stop()
        results[page] = {
            "first_ms": first * 1000, "warm_ms": statistics.median(warm) * 1000,
            "cold_ms": statistics.median(cold) * 1000, "bytes": sent_bytes(at),
            "peak_mb": peak / 1e6, "error": error[0] if error else "",
        }
    return results


def bench_floor(runs: int) -> dict[str, float]:
    from streamlit.testing.v1 import AppTest

    at = AppTest.from_string(FLOOR_SCRIPT)
    started = time.perf_counter()
    at.run()
    first = time.perf_counter() - started
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        at.run()
        times.append(time.perf_counter() - started)
    return {"first_ms": first * 1000, "rerun_ms": statistics.median(times) * 1000}


def _start_server(db: Path, port: int) -> subprocess.Popen:
    env = {**os.environ, "NEXTROUND_DB": str(db), "NEXTROUND_TODAY": TODAY}
    return subprocess.Popen(
        [sys.executable, "-m", "streamlit", "run", str(ROOT / "app.py"),
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


def _idle(page) -> None:  # noqa: ANN001
    page.locator('[data-testid="stApp"][data-test-script-state="notRunning"]').wait_for(
        state="attached", timeout=120_000)
    page.wait_for_function(
        "document.querySelectorAll('[data-testid=\"stSkeleton\"]').length === 0",
        timeout=120_000)


def bench_browser(dbs: dict[int, Path]) -> dict:
    from playwright.sync_api import sync_playwright

    from tests.e2e.conftest import CHROMIUM, CHROMIUM_ARGS, _free_port

    results: dict = {"pages": {}, "cold_start_s": None}
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        for size, db in dbs.items():
            port = _free_port()
            url = f"http://127.0.0.1:{port}"
            started = time.perf_counter()
            proc = _start_server(db, port)
            try:
                _wait_health(url, proc)
                page = browser.new_page(viewport={"width": 1280, "height": 900})
                page.goto(url)
                _idle(page)
                if size == 0:
                    results["cold_start_s"] = time.perf_counter() - started
                timings = {}
                for name in PAGES:
                    path = "" if name == "progress" else name
                    began = time.perf_counter()
                    page.goto(f"{url}/{path}")
                    _idle(page)
                    timings[name] = (time.perf_counter() - began) * 1000
                results["pages"][size] = timings
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


def render_markdown(report: dict) -> str:
    floor = report["floor"]
    lines = [
        "# Benchmark results",
        "",
        f"Measured {report['when']} on {report['machine']}.",
        f"Floor (a bare one-line page): first run {floor['first_ms']:.1f} ms, "
        f"rerun {floor['rerun_ms']:.1f} ms. Reruns are medians of {report['runs']}.",
        "",
        "Demo generation: " + ", ".join(f"{size:,} applications {secs:.1f} s"
                                        for size, secs in report["generate_s"].items() if secs),
        "",
        "## AppTest (in process)",
        "",
        "| page | applications | first ms | warm ms | cold ms | chart KB | table KB | "
        "other KB | peak MB |",
        "|---|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for size, pages in report["apptest"].items():
        for page, row in pages.items():
            b = row["bytes"]
            note = f" ⚠ {row['error']}" if row["error"] else ""
            lines.append(
                f"| {page}{note} | {int(size):,} | {row['first_ms']:.0f} | {row['warm_ms']:.1f} | "
                f"{row['cold_ms']:.1f} | {b['charts'] / 1000:.1f} | {b['tables'] / 1000:.1f} | "
                f"{b['other'] / 1000:.1f} | {row['peak_mb']:.1f} |")
    browser = report.get("browser")
    if browser:
        lines += ["", "## Real server in Chromium: navigation to idle (ms)", "",
                  "| page | " + " | ".join(f"{int(s):,}" for s in browser["pages"]) + " |",
                  "|---|" + "---:|" * len(browser["pages"])]
        for page in PAGES:
            cells = [f"{browser['pages'][s][page]:.0f}" for s in browser["pages"]]
            lines.append(f"| {page} | " + " | ".join(cells) + " |")
        lines += ["", f"Cold start (`streamlit run` to an idle home page): "
                      f"{browser['cold_start_s']:.2f} s"]
    return "\n".join(lines) + "\n"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="0,1000,10000,100000")
    parser.add_argument("--runs", type=int, default=20)
    parser.add_argument("--json", action="store_true", help="also print the figures as JSON")
    parser.add_argument("--no-browser", action="store_true")
    parser.add_argument("--keep", type=Path, help="folder to keep the databases in")
    args = parser.parse_args(argv)
    sizes = [int(s) for s in args.sizes.split(",") if s.strip()]
    folder = args.keep or Path(tempfile.mkdtemp(prefix="nextround-bench-"))
    folder.mkdir(parents=True, exist_ok=True)
    dbs, generate = {}, {}
    for size in sizes:
        dbs[size], generate[size] = make_db(folder, size)
        print(f"database with {size:,} applications ready ({generate[size]:.1f} s)", flush=True)
    report = {"when": time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime()), "machine": machine(),
              "runs": args.runs, "generate_s": generate, "floor": bench_floor(args.runs),
              "apptest": {}}
    for size in sizes:
        report["apptest"][size] = bench_apptest(dbs[size], args.runs)
        print(f"AppTest at {size:,} done", flush=True)
    if not args.no_browser:
        report["browser"] = bench_browser({s: dbs[s] for s in sizes if s <= 10_000})
    RESULTS.write_text(render_markdown(report), encoding="utf-8")
    print(render_markdown(report))
    if args.json:
        print(json.dumps(report, indent=2, default=str))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
