"""What Streamlit's front end charges per element, measured on synthetic pages in Chromium.

    python -m tests.bench.browser_floor [--runs 5]

The browser targets of issue 19 compare our pages with a bare one-line page. This measures,
under the same server flags and with the same clocks as `tests.bench.in_browser`, how a
page's load and a click's redraw grow with what the page holds, so a page's figure can be
read against what it draws:
- click to idle when a radio reruns a fragment holding N more elements (markdown, or a mix
  of widgets), with M static elements outside it;
- load to idle of a page with N elements, markdown only or markdown and five widget kinds.

It reports figures and never fails; tests/bench/README.md says what they showed. Nothing
here imports the app.
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
from pathlib import Path

from tests.bench import in_browser

# A radio in a fragment, N elements after it in the fragment, M static paragraphs outside.
CLICK_PAGE = '''import streamlit as st
for i in range({outside}):
    st.markdown(f"Static paragraph {{i}} with **some** words")

@st.fragment
def part():
    choice = st.radio("Pick", ["One", "Two"], horizontal=True, key="pick")
    for i in range({inside}):
        if {widgets}:
            kind = i % 4
            if kind == 0:
                st.text_input(f"Field {{i}}", value=choice, key=f"t{{i}}")
            elif kind == 1:
                st.selectbox(f"Box {{i}}", ["a", "b", choice], key=f"s{{i}}")
            elif kind == 2:
                st.button(f"Button {{i}} {{choice}}", key=f"b{{i}}")
            else:
                st.text_area(f"Area {{i}}", value=choice * 20, key=f"a{{i}}")
        else:
            st.markdown(f"Line {{i}}: {{choice}} and more words here")

part()
'''
# (elements inside the fragment, static elements outside, widgets rather than markdown)
CLICK_CASES = [(0, 0, False), (20, 0, False), (40, 0, False), (10, 100, False),
               (8, 0, True), (16, 0, True), (8, 60, True)]

LOAD_PAGE = '''import streamlit as st
st.write("floor")
st.button("Again")
for i in range({count}):
    kind = i % {kinds}
    if kind == 0:
        st.markdown(f"Paragraph {{i}} with **some** words")
    elif kind == 1:
        st.text_input(f"Field {{i}}", key=f"t{{i}}")
    elif kind == 2:
        st.selectbox(f"Box {{i}}", ["a", "b"], key=f"s{{i}}")
    elif kind == 3:
        st.radio(f"Radio {{i}}", ["a", "b"], horizontal=True, key=f"r{{i}}")
    elif kind == 4:
        st.text_area(f"Area {{i}}", key=f"a{{i}}")
    else:
        st.checkbox(f"Check {{i}}", key=f"c{{i}}")
'''
# (elements, kinds: 1 is markdown only, 6 is markdown and five widget kinds in turn)
LOAD_CASES = [(0, 1), (60, 1), (6, 6), (30, 6), (60, 6)]


_FOLDER: str | None = None  # where the pages are written: `measure`'s temporary folder


def _stop(proc) -> None:  # noqa: ANN001
    """Stop a page's server and wait for it, so the next case runs alone on the cores."""
    proc.terminate()
    proc.wait(10)


def _serve(script: str, db: Path):  # noqa: ANN202
    from tests.bench.run import _start_server, _wait_health
    from tests.e2e.conftest import _free_port

    folder = Path(tempfile.mkdtemp(prefix="nextround-floor-", dir=_FOLDER))
    page = folder / "page.py"
    page.write_text(script, encoding="utf-8")
    port = _free_port()
    url = f"http://127.0.0.1:{port}"
    proc = _start_server(db, port, page)
    _wait_health(url, proc)
    return url, proc


def measure(runs: int = 5) -> tuple[list[str], list[str]]:
    """Markdown lines of the two tables: clicks, then loads."""
    from playwright.sync_api import sync_playwright

    from tests.bench.run import _median_load
    from tests.e2e.conftest import CHROMIUM, CHROMIUM_ARGS

    clicks = ["| in the fragment | outside it | click to idle, ms (median) |", "|---|---:|---:|"]
    loads = ["| elements | kinds | load to idle, ms (median) |", "|---:|---|---:|"]
    global _FOLDER  # noqa: PLW0603 - the pages of this measurement go in its own folder
    with tempfile.TemporaryDirectory() as folder, sync_playwright() as playwright:
        _FOLDER = folder
        db = Path(folder) / "unused.db"  # the server wants a database; these pages don't read it
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        for inside, outside, widgets in CLICK_CASES:
            url, proc = _serve(CLICK_PAGE.format(inside=inside, outside=outside,
                                                 widgets=widgets), db)
            try:
                page = in_browser.new_page(browser)
                page.goto(url)
                in_browser.idle(page)
                group = page.get_by_role("radiogroup", name="Pick")

                def click(turn: int, group=group) -> None:  # noqa: ANN001
                    group.get_by_text(("One", "Two")[turn % 2], exact=True).click()

                in_browser.timed_click(page, lambda: click(1))
                times = [in_browser.timed_click(page, lambda turn=turn: click(turn),
                                                quiet_ms=500)["ms"] for turn in range(runs)]
                kind = "widgets" if widgets else "markdown"
                timed = [t for t in times if t is not None]
                figure = f"{statistics.median(timed):.0f}" if timed else "no rerun"
                clicks.append(f"| radio + {inside} {kind} | {outside} markdown | {figure} |")
                page.close()
            finally:
                _stop(proc)
        for count, kinds in LOAD_CASES:
            url, proc = _serve(LOAD_PAGE.format(count=count, kinds=kinds), db)
            try:
                page = in_browser.new_page(browser)
                page.goto(url)
                in_browser.idle(page)
                took = _median_load(page, url, runs)
                what = "markdown" if kinds == 1 else "markdown and five widget kinds"
                loads.append(f"| {count} + 2 | {what} | {took:.0f} |")
                page.close()
            finally:
                _stop(proc)
        browser.close()
    return clicks, loads


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args(argv)
    clicks, loads = measure(args.runs)
    print("\n".join(["Click to idle", "", *clicks, "", "Load to idle", "", *loads]))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
