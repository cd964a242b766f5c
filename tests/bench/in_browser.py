"""The browser half of the benchmark's new figures: click to idle, and what a page downloads.

`tests.bench.run` starts the servers and calls these with a Playwright page or browser; this
module only drives Chromium and renders its tables. Nothing here imports the app.

- Click to idle: a capturing listener notes when the click's pointer went down; a
  MutationObserver on `stApp`'s `data-test-script-state` records every transition, and a
  wrapper around WebSocket records when each message from the server arrives and the first
  frame painted after it, all in `performance.now()`. The click's figure is the later of the
  last transition to `notRunning` and the paint after the server's last message, minus the
  pointer-down, once the page has stayed idle for a second (no transition, no message, no
  skeleton). A very short run can start and end within one render, so the page never shows
  it running: the messages still count it. A click after which the server sent nothing
  started no run, and is reported as such, not as a number.
- Bytes: a full load in a new context (cold browser cache), summing HTTP response bodies as
  they came over the wire, by kind, and the WebSocket frames the server sent, until idle; and
  every request whose host isn't 127.0.0.1.
"""

from __future__ import annotations

import statistics
from urllib.parse import urlparse

# The bare page in the browser: one line and one button, so a click reruns it.
BARE_SCRIPT = "import streamlit as st\nst.write('floor')\nst.button('Again')\n"
# Where the bare page is also loaded: an address like a page's own (/respond), not the root.
SUBPAGE_PATH = "/a-page"

# One click per page that makes the server rerun it: (role, accessible name, the two options
# clicked in turn). The first option differs from the page's default; "tab" first opens a
# tab that hides the control. Checkboxes toggle, so they have no options.
CLICKS: dict[str, tuple[str, str, tuple[str, str]]] = {
    "progress": ("radiogroup", "Period", ("3 months", "All time")),
    "applications": ("radiogroup", "Show as", ("Board", "Table")),
    "respond": ("radiogroup", "Tone", ("Concise", "Warm")),
    "feedback": ("radiogroup", "Group by", ("Week", "Month")),
    "reflect": ("radiogroup", "Section", ("Insights", "Reflect")),
    "checkin": ("combobox", "Day", ("Monday", "Friday")),
    "data": ("checkbox", "Feedback requests", ("", "")),
}
# A control that sits in a tab other than the first: open that tab first (a lazy tab's
# content is drawn once it is open: decision 48).
CLICK_TAB = {"data": "Export", "feedback": "Themes"}

# Added to every page before Streamlit's own scripts: the time each message from the server
# arrives, and the start of the first frame painted after it.
_WIRE = """(() => {
  const Plain = window.WebSocket;
  window.__benchFrames = [];
  window.WebSocket = class extends Plain {
    constructor(...args) {
      super(...args);
      this.addEventListener('message', () => {
        const frame = [performance.now(), null];
        window.__benchFrames.push(frame);
        requestAnimationFrame(now => { frame[1] = now; });
      });
    }
  };
})();"""

_ARM = """() => {
  const app = document.querySelector('[data-testid="stApp"]');
  if (window.__benchObserver) window.__benchObserver.disconnect();
  window.__benchStates = [];
  window.__benchFrames.length = 0;
  window.__benchDown = null;
  const states = window.__benchStates;
  window.__benchObserver = new MutationObserver(records => {
    const now = performance.now();
    // Records of one batch: each one's new value is the next one's old value.
    records.forEach((record, i) => states.push(
      [i + 1 < records.length ? records[i + 1].oldValue
                              : app.getAttribute('data-test-script-state'), now]));
  });
  window.__benchObserver.observe(app, {attributes: true, attributeOldValue: true,
                                       attributeFilter: ['data-test-script-state']});
  if (!window.__benchListening) {
    window.__benchListening = true;
    document.addEventListener('pointerdown', () => { window.__benchDown = performance.now(); },
                              true);
  }
}"""

_SETTLED = """(quiet) => {
  const states = window.__benchStates, frames = window.__benchFrames;
  const down = window.__benchDown;
  if (down === null || frames.some(frame => frame[1] === null)) return false;
  const last = Math.max(down, ...states.map(state => state[1]),
                        ...frames.map(frame => frame[0]));
  const app = document.querySelector('[data-testid="stApp"]');
  return performance.now() - last >= quiet
    && app.getAttribute('data-test-script-state') === 'notRunning'
    && document.querySelectorAll('[data-testid="stSkeleton"]').length === 0;
}"""


def new_page(browser):  # noqa: ANN001, ANN201
    """A page that records when the server's messages arrive (needed by `click_to_idle`)."""
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    page.add_init_script(_WIRE)
    return page


def idle(page) -> None:  # noqa: ANN001
    """Wait for an idle page: the script not running and no skeleton placeholders."""
    page.locator('[data-testid="stApp"][data-test-script-state="notRunning"]').wait_for(
        state="attached", timeout=120_000)
    page.wait_for_function(
        "document.querySelectorAll('[data-testid=\"stSkeleton\"]').length === 0",
        timeout=120_000)


def _click(page, name: str, turn: int) -> None:  # noqa: ANN001
    """The page's representative click, with the `turn`-th of its two options."""
    role, label, options = CLICKS[name]
    option = options[turn % 2]
    if role == "radiogroup":
        page.get_by_role(role, name=label, exact=True).get_by_text(option, exact=True).click()
    elif role == "combobox":
        page.get_by_role(role, name=label, exact=True).click()
        page.get_by_role("option", name=option, exact=True).click()
    elif role == "checkbox":
        # Streamlit hides the input itself and draws the box; click the label beside it.
        page.get_by_text(label, exact=True).click()
    else:
        page.get_by_role(role, name=label, exact=True).click()


def timed_click(page, click, quiet_ms: int = 1000) -> dict:  # noqa: ANN001
    """Run `click()` and time it to an idle page: {"ms", "runs", "messages", "states"}. "ms"
    is None when the server sent nothing after the click (it started no run); "runs" counts
    the runs the page showed (a very short run can start and end within one render)."""
    page.evaluate(_ARM)
    click()
    page.wait_for_function(_SETTLED, arg=quiet_ms, polling=50, timeout=120_000)
    states, frames, down = page.evaluate(
        "[window.__benchStates, window.__benchFrames, window.__benchDown]")
    after = [(state, at) for state, at in states if at >= down]
    painted = [paint for arrived, paint in frames if arrived >= down]
    done = [at for state, at in after if state == "notRunning"] + painted
    return {"ms": max(done) - down if painted else None,
            "runs": sum(1 for state, _ in after if state == "running"),
            "messages": len(painted), "states": [state for state, _ in after]}


def click_to_idle(page, name: str, runs: int) -> dict:  # noqa: ANN001
    """Median of `runs` clicks on the page's control, alternating its two options, after one
    unmeasured click (so both options' caches are warm, as for a user going back and forth).
    The page must be loaded and idle. A control that isn't there (the page changed) is
    reported under "missing" instead of stopping the benchmark."""
    from playwright.sync_api import Error as PlaywrightError

    role, label, _ = CLICKS[name]
    try:
        if name in CLICK_TAB:
            page.get_by_role("tab", name=CLICK_TAB[name], exact=True).click(timeout=15_000)
        control = page.get_by_role(role, name=label, exact=True)
        control.wait_for(state="visible", timeout=15_000)
        # A scroll closes an open list: bring the control into view once, before any click.
        control.scroll_into_view_if_needed()
        page.wait_for_timeout(300)
        timed_click(page, lambda: _click(page, name, 0))
        clicks = [timed_click(page, lambda turn=turn: _click(page, name, turn))
                  for turn in range(1, runs + 1)]
    except PlaywrightError as error:
        first = (str(error).splitlines() or [type(error).__name__])[0]
        return {"ms": None, "missing": f"{role} “{label}”: {first[:100]}", "no_rerun": 0,
                "runs_per_click": 0, "unseen": 0, "states": []}
    return _summary(clicks)


def bare_click_to_idle(page, runs: int) -> dict:  # noqa: ANN001
    """The same for the bare page's button."""
    button = page.get_by_role("button", name="Again")
    timed_click(page, button.click)
    return _summary([timed_click(page, button.click) for _ in range(runs)])


def _summary(clicks: list[dict]) -> dict:
    timed = [c["ms"] for c in clicks if c["ms"] is not None]
    return {"ms": statistics.median(timed) if len(timed) == len(clicks) else None,
            "no_rerun": len(clicks) - len(timed),
            "runs_per_click": max((c["runs"] for c in clicks), default=0),
            "unseen": sum(1 for c in clicks if c["ms"] is not None and not c["runs"]),
            "states": [c["states"] for c in clicks]}


def _kind(request) -> str:  # noqa: ANN001
    kind = request.resource_type
    if kind == "script":
        return "js"
    if kind == "stylesheet":
        return "css"
    if kind == "font":
        return "fonts"
    return "other"


def page_bytes(browser, url: str) -> dict:  # noqa: ANN001
    """What a full load of `url` downloads in a new context (cold cache), until idle: bytes of
    HTTP response bodies by kind (as sent, compressed or not), of WebSocket frames received,
    and the requests that went to a host other than 127.0.0.1."""
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    finished, foreign = [], []
    received = {"ws": 0}

    def on_request(request) -> None:  # noqa: ANN001
        parsed = urlparse(request.url)
        if parsed.scheme not in ("data", "blob", "about") and parsed.hostname != "127.0.0.1":
            foreign.append(request.url)

    def on_websocket(ws) -> None:  # noqa: ANN001
        if urlparse(ws.url).hostname != "127.0.0.1":
            foreign.append(ws.url)
        ws.on("framereceived", lambda payload: received.__setitem__(
            "ws", received["ws"] + len(payload)))

    page.on("request", on_request)
    page.on("requestfinished", lambda request: finished.append(request))
    page.on("websocket", on_websocket)
    try:
        page.goto(url)
        idle(page)
        page.wait_for_timeout(1000)  # late chunks and frames (charts, tables)
        totals = {"js": 0, "css": 0, "fonts": 0, "other": 0}
        for request in finished:
            totals[_kind(request)] += request.sizes()["responseBodySize"]
        totals["ws"] = received["ws"]
    finally:
        context.close()
    return {**totals, "requests": len(finished), "foreign": foreign}


def describe_click(name: str) -> str:
    """The click as RESULTS.md names it."""
    role, label, (first, second) = CLICKS[name]
    where = f" ({CLICK_TAB[name]} tab)" if name in CLICK_TAB else ""
    if role == "checkbox":
        return f"checkbox “{label}”{where}, off ↔ on"
    kind = {"radiogroup": "radio", "combobox": "select box"}.get(role, role)
    return f"{kind} “{label}”{where}: {first} ↔ {second}"


def click_cell(click: dict | None) -> str:
    """A click's figure, or why there is none."""
    if click is None:
        return ""
    if click.get("missing"):
        return f"not clicked: {click['missing']}"
    if click["ms"] is None:
        return f"no rerun ({click['no_rerun']} of {len(click['states'])} clicks)"
    notes = []
    if click["runs_per_click"] > 1:
        notes.append(f"up to {click['runs_per_click']} runs a click")
    if click.get("unseen"):
        notes.append(f"{click['unseen']} of {len(click['states'])} runs too short to show")
    return f"{click['ms']:.0f}" + (f" ({'; '.join(notes)})" if notes else "")


def click_table(browser: dict) -> list[str]:
    """Markdown: click to idle per page and size, the bare page's button first."""
    clicks = {int(size): pages for size, pages in browser.get("clicks", {}).items()}
    if not clicks:
        return []
    sizes = sorted(clicks)
    bare = browser.get("bare") or {}
    lines = ["| page | click | " + " | ".join(f"{size:,}" for size in sizes) + " |",
             "|---|---|" + "---:|" * len(sizes)]
    if bare:
        lines.append("| bare page | button “Again” | "
                     + " | ".join(click_cell(bare["click"]) for _ in sizes) + " |")
    for name in CLICKS:
        cells = [click_cell(clicks[size].get(name)) for size in sizes]
        lines.append(f"| {name} | {describe_click(name)} | " + " | ".join(cells) + " |")
    return lines


def _kb(count: int) -> str:
    return f"{count / 1000:,.1f}"


def bytes_table(browser: dict) -> list[str]:
    """Markdown: what one full load downloads, per page and size, the bare page first."""
    per_size = {int(size): pages for size, pages in browser.get("bytes", {}).items()}
    rows = []
    if browser.get("bare"):
        rows.append(("bare page", "", browser["bare"]["bytes"]))
    for size in sorted(per_size):
        rows += [(name, f"{size:,}", got) for name, got in per_size[size].items()]
    if not rows:
        return []
    lines = ["| page | applications | JavaScript KB | CSS KB | fonts KB | other KB | "
             "WebSocket KB | total KB | requests | outside 127.0.0.1 |",
             "|---|---:|---:|---:|---:|---:|---:|---:|---:|---|"]
    for name, size, got in rows:
        total = sum(got[kind] for kind in ("js", "css", "fonts", "other", "ws"))
        foreign = ", ".join(got["foreign"][:3]) or "none"
        lines.append(f"| {name} | {size} | {_kb(got['js'])} | {_kb(got['css'])} | "
                     f"{_kb(got['fonts'])} | {_kb(got['other'])} | {_kb(got['ws'])} | "
                     f"{_kb(total)} | {got['requests']} | {foreign} |")
    return lines
