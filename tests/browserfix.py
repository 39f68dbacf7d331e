"""What the browser tests share: Debian's chromium through Playwright, the app and two host pages on loopback,
and the helpers that ask a question, open a page at a size, and run axe-core. Imported by test_browser.py and
test_browser_library.py; in CI (CI=true) a missing browser fails the tests, locally they are skipped."""

from __future__ import annotations

import contextlib
import dataclasses
import http.server
import os
import re
import threading
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
CHROMIUM = Path(os.environ.get("CHROMIUM", "/usr/bin/chromium"))
AXE = ROOT / "tests" / "browser" / "node_modules" / "axe-core" / "axe.min.js"
OUT = ROOT / "test-output"
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update"]
ANSWERABLE = "Staff were confident and competent at identifying a range of concerns"
UNANSWERABLE = "What does MARAC stand for?"  # declined by the unknown-term rule whatever the embedder
DECLINE = re.compile(r"couldn't|can't|don't")
PAGE_LABEL = "Ask a question about the key messages"
TIMEOUT = 15_000


def _missing(what: str) -> None:
    reason = f"{what} (run `make browser-deps`)"
    if os.environ.get("CI", "").lower() in ("1", "true", "yes"):
        pytest.fail("browser tests cannot run in CI: " + reason)
    pytest.skip(reason)


# -- servers --------------------------------------------------------------------------------------
HOST_PAGE = """<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Partner intranet</title>
<style>
  /* hostile host styles: must not reach into the widget */
  button {{ background: rgb(255, 105, 180) !important; font-size: 40px !important; font-family: serif !important; }}
  * {{ color: rgb(0, 128, 0); }}
</style></head>
<body><main><h1>Partner intranet</h1>
<p>Some page on another site.</p>
<blockquote class="km-quote-text" id="host-quote">A host blockquote that the widget's CSS must not style.</blockquote>
</main>
<script src="{app}/widget.js" defer></script>
</body></html>"""


class HostPage:
    """A tiny site on another origin (another port) embedding the widget with its one script tag."""

    def __init__(self):
        page = {"html": ""}

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_GET(self):
                body = page["html"].encode() if self.path == "/" else b"not found"
                self.send_response(200 if self.path == "/" else 404)
                self.send_header("Content-Type", "text/html; charset=utf-8")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *args):
                pass

        self.page = page
        self.httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.httpd.server_address[1]}"
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)

    def __enter__(self):
        self.thread.start()
        return self

    def __exit__(self, *exc):
        self.httpd.shutdown()
        self.httpd.server_close()


@pytest.fixture(scope="module")
def sites(fake_settings, fake_assistant, live_server):
    """The app (allowing the first host page's origin) plus two host pages: one allowed, one not."""
    from assistant.web import create_app

    with HostPage() as allowed, HostPage() as other:
        settings = dataclasses.replace(fake_settings, allowed_origins=allowed.url)
        with live_server(create_app(settings, fake_assistant)) as app:
            allowed.page["html"] = other.page["html"] = HOST_PAGE.format(app=app.url)
            yield {"app": app.url, "host": allowed.url, "other": other.url}


@pytest.fixture(scope="module")
def browser():
    if not CHROMIUM.exists():
        _missing(f"chromium not found at {CHROMIUM}")
    if not AXE.exists():
        _missing(f"axe-core not found at {AXE}")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=str(CHROMIUM), args=ARGS)
        yield b
        b.close()


@pytest.fixture
def context(browser):
    ctx = browser.new_context(viewport={"width": 1280, "height": 900})
    ctx.set_default_timeout(TIMEOUT)
    yield ctx
    ctx.close()


@pytest.fixture
def page(context, sites):
    p = context.new_page()
    errors = []
    p.on("pageerror", lambda e: errors.append(str(e)))
    p.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    p.goto(sites["app"] + "/")
    yield p
    assert not errors, f"errors in the page (CSP violations or script errors): {errors}"


def ask(page, question: str, label: str = PAGE_LABEL, root=None) -> None:
    scope = root or page
    turns = scope.locator(".km-turn .km-reply").count()
    box = scope.get_by_label(label)
    box.fill(question)
    box.press("Enter")
    scope.locator(".km-turn .km-reply").nth(turns).wait_for()


@contextlib.contextmanager
def page_at(browser, url: str, width: int, height: int):
    """A page at url in a new context with that viewport; the context is closed afterwards, pass or fail."""
    ctx = browser.new_context(viewport={"width": width, "height": height})
    try:
        page = ctx.new_page()
        page.set_default_timeout(TIMEOUT)
        page.goto(url)
        yield page
    finally:
        ctx.close()


def axe_serious(page) -> list[dict]:
    page.add_script_tag(path=str(AXE))
    result = page.evaluate("async () => { const r = await axe.run(document); return r.violations; }")
    return [{"id": v["id"], "impact": v["impact"], "help": v["help"], "nodes": [n["target"] for n in v["nodes"]][:5]}
            for v in result if v["impact"] in ("serious", "critical")]
