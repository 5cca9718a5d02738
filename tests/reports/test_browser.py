"""bulletin.html in headless Chromium at 1280 px (desktop) and 375 px (phone): nothing wider than the window.

Chromium is driven through the DevTools protocol over --remote-debugging-pipe (file descriptors 3 and 4,
NUL-separated JSON), so no Python package is needed. A phone width needs device emulation
(Emulation.setDeviceMetricsOverride): a headless window is never narrower than 500 px. Full-page screenshots
are kept in var/test-artifacts/browser/. Skipped when Chromium is not installed (make system-deps).
"""

from __future__ import annotations

import base64
import fcntl
import json
import os
import select
import shutil
import subprocess
import tempfile
import time
from pathlib import Path

import pytest

from reports.render import render_all

ROOT = Path(__file__).resolve().parents[2]
ARTIFACTS = ROOT / "var" / "test-artifacts" / "browser"
CHROMIUM = next((shutil.which(n) for n in ("chromium", "chromium-browser", "google-chrome", "chrome")
                 if shutil.which(n)), None)
FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
         "--disable-background-networking", "--disable-component-update", "--disable-sync",
         "--disable-extensions", "--disable-dev-shm-usage", "--hide-scrollbars", "--mute-audio"]
TIMEOUT = 60.0

pytestmark = [pytest.mark.skipif(CHROMIUM is None, reason="chromium not installed (make system-deps)"),
              pytest.mark.slow]  # not in `make test-fast`

MEASURE = """(() => {
  const vw = window.innerWidth, de = document.documentElement;
  const box = el => { const r = el.getBoundingClientRect();
    return {left: r.left, right: r.right, width: r.width, scrollWidth: el.scrollWidth, clientWidth: el.clientWidth}; };
  const wide = Array.from(document.body.querySelectorAll('*'))
    .filter(el => { const r = el.getBoundingClientRect(); return r.width > 0 && (r.right > vw + 0.5 || r.left < -0.5); })
    .filter(el => !el.closest('.table-wrap') || el.classList.contains('table-wrap'))
    .map(el => el.tagName + (el.className ? '.' + el.className : ''));
  return {innerWidth: vw, scrollWidth: de.scrollWidth, bodyScrollWidth: document.body.scrollWidth,
          scrollHeight: de.scrollHeight, wide: wide,
          wraps: Array.from(document.querySelectorAll('.table-wrap')).map(box),
          tables: Array.from(document.querySelectorAll('table')).map(box),
          images: Array.from(document.images).map(i => ({src: i.getAttribute('src'), loaded: i.complete && i.naturalWidth > 0,
                                                        right: i.getBoundingClientRect().right}))};
})()"""


class Chromium:
    """A headless Chromium and a DevTools session with one page, over the debugging pipe."""

    def __init__(self, binary: str):
        self.profile = tempfile.mkdtemp(prefix="zwgk-chromium-")
        to_chrome_r, self._to_chrome = os.pipe()  # Chromium reads commands from its fd 3
        self._from_chrome, from_chrome_w = os.pipe()  # …and writes replies to its fd 4

        def wire_fds():  # in the child: the pipe ends at fds 3 and 4 (copied above 10 first: no clobbering)
            r, w = fcntl.fcntl(to_chrome_r, fcntl.F_DUPFD, 10), fcntl.fcntl(from_chrome_w, fcntl.F_DUPFD, 10)
            os.dup2(r, 3)
            os.dup2(w, 4)

        env = dict(os.environ)
        fonts = ROOT / "reports" / "fonts.conf"
        if fonts.exists():
            env.setdefault("FONTCONFIG_FILE", str(fonts))
        self.proc = subprocess.Popen(
            [binary, *FLAGS, f"--user-data-dir={self.profile}", "--remote-debugging-pipe", "about:blank"],
            stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
            preexec_fn=wire_fds, close_fds=False, env=env, start_new_session=True)  # dup2'd fds are inheritable
        os.close(to_chrome_r)
        os.close(from_chrome_w)
        self._buffer = b""
        self._next_id = 0
        self.events: list[dict] = []
        target = self.call("Target.createTarget", url="about:blank")["targetId"]
        self.session = self.call("Target.attachToTarget", targetId=target, flatten=True)["sessionId"]
        self.call("Page.enable", session=True)
        self.call("Runtime.enable", session=True)

    def _read_message(self, deadline: float) -> dict:
        while b"\0" not in self._buffer:
            left = deadline - time.monotonic()
            if left <= 0 or not select.select([self._from_chrome], [], [], left)[0]:
                raise TimeoutError("Chromium did not answer in time")
            chunk = os.read(self._from_chrome, 1 << 20)
            if not chunk:
                raise RuntimeError(f"Chromium closed the pipe (exit code {self.proc.poll()})")
            self._buffer += chunk
        message, self._buffer = self._buffer.split(b"\0", 1)
        return json.loads(message)

    def call(self, method: str, *, session: bool = False, timeout: float = TIMEOUT, **params) -> dict:
        self._next_id += 1
        message = {"id": self._next_id, "method": method, "params": params}
        if session:
            message["sessionId"] = self.session
        os.write(self._to_chrome, json.dumps(message).encode() + b"\0")
        deadline = time.monotonic() + timeout
        while True:
            reply = self._read_message(deadline)
            if reply.get("id") == self._next_id:
                if "error" in reply:
                    raise RuntimeError(f"{method}: {reply['error']}")
                return reply.get("result", {})
            self.events.append(reply)

    def wait_for(self, event: str, timeout: float = TIMEOUT) -> dict:
        deadline = time.monotonic() + timeout
        while True:
            for i, e in enumerate(self.events):
                if e.get("method") == event:
                    return self.events.pop(i)
            self.events.append(self._read_message(deadline))

    def evaluate(self, expression: str):
        result = self.call("Runtime.evaluate", session=True, expression=expression, returnByValue=True,
                           awaitPromise=True)
        if "exceptionDetails" in result:
            raise RuntimeError(result["exceptionDetails"])
        return result["result"].get("value")

    def open(self, url: str, width: int, height: int = 900) -> None:
        self.viewport(width, height)
        self.events.clear()
        self.call("Page.navigate", session=True, url=url)
        self.wait_for("Page.loadEventFired")
        self.evaluate("document.fonts.ready.then(() => true)")

    def viewport(self, width: int, height: int) -> None:
        self.call("Emulation.setDeviceMetricsOverride", session=True, width=width, height=height,
                  deviceScaleFactor=1, mobile=width < 600)

    def screenshot(self, path: Path, width: int, height: int) -> None:
        self.viewport(width, height)
        data = self.call("Page.captureScreenshot", session=True, format="png")["data"]
        path.write_bytes(base64.b64decode(data))

    def close(self) -> None:
        try:
            self.call("Browser.close", timeout=10)
        except Exception:
            pass
        try:
            self.proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            os.killpg(self.proc.pid, 9)  # this Chromium's own process group only
            self.proc.wait()
        for fd in (self._to_chrome, self._from_chrome):
            os.close(fd)
        shutil.rmtree(self.profile, ignore_errors=True)


@pytest.fixture(scope="module")
def browser():
    chromium = Chromium(CHROMIUM)
    try:
        yield chromium
    finally:
        chromium.close()


@pytest.fixture(scope="module")
def rendered(tmp_path_factory):
    """bulletin.html (with its charts) for the seed, and for the seed compared with a previous half-year."""
    from test_render_office import seed_context

    pages = {}
    for variant, compared in (("seed", False), ("compared", True)):
        tmp = tmp_path_factory.mktemp(f"browser_{variant}")
        ctx = seed_context(tmp, compared=compared)
        out = tmp / "out"
        os.environ["ZWGK_SOFFICE"] = str(tmp / "no-soffice")  # the browser needs no PDF
        try:
            render_all(ctx, out)
        finally:
            del os.environ["ZWGK_SOFFICE"]
        pages[variant] = out / "bulletin.html"
    return pages


@pytest.mark.parametrize("variant", ["seed", "compared"])
@pytest.mark.parametrize("width", [1280, 375])
def test_bulletin_html_fits_the_window(browser, rendered, variant, width):
    page = rendered[variant]
    browser.open(page.as_uri(), width)
    m = browser.evaluate(MEASURE)
    assert m["innerWidth"] == width
    assert m["scrollWidth"] <= m["innerWidth"], m["wide"]
    assert m["bodyScrollWidth"] <= m["innerWidth"], m["wide"]
    assert not m["wide"], m["wide"]
    assert len(m["wraps"]) == 2
    for wrap in m["wraps"]:  # the table wrappers stay inside the viewport (a wide table scrolls inside)
        assert wrap["left"] >= 0 and wrap["right"] <= width + 0.5, wrap
        assert wrap["width"] <= width
    assert m["images"] and all(i["loaded"] and i["right"] <= width + 0.5 for i in m["images"]), m["images"]
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    shot = ARTIFACTS / f"bulletin_{variant}_{width}.png"
    browser.screenshot(shot, width, min(m["scrollHeight"], 16000))
    assert shot.stat().st_size > 10_000
    browser.viewport(width, 900)
