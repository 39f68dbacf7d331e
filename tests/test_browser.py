"""The chat page and the embeddable widget in Debian's chromium, driven by Playwright, against the
real app over HTTP (fake-embedder index). Needs `make browser-deps` (chromium + axe-core): in CI
(CI=true) a missing browser fails these tests; locally they are skipped with the reason."""

from __future__ import annotations

import contextlib
import dataclasses
import http.server
import json
import os
import re
import threading
import time
from pathlib import Path

import pytest

pytestmark = pytest.mark.browser

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


# -- the chat page --------------------------------------------------------------------------------
def test_ask_shows_quote_with_its_title(page):
    ask(page, ANSWERABLE)
    reply = page.locator(".km-reply").last
    assert "km-reply--answered" in reply.get_attribute("class")
    quote = reply.locator("figure.km-quote").first
    assert quote.locator("blockquote").inner_text().strip()
    caption = quote.locator("figcaption").inner_text().strip()
    assert caption.endswith("Key message 1 · Key messages from the joint inspection of services for children and young "
                            "people at risk of harm between 2021 and 2025")  # no page: the .txt has none
    assert page.locator("main .km-note").inner_text().startswith("Answers are exact quotes from the Key messages")


def test_show_source_highlights_the_quote(page):
    ask(page, ANSWERABLE)
    quote = page.locator("figure.km-quote").first
    toggle = quote.locator(".km-toggle")
    assert re.fullmatch(r"Show source: Key message 1", toggle.evaluate("e => e.textContent"))
    assert toggle.get_attribute("aria-expanded") == "false"
    panel = page.locator("#" + toggle.get_attribute("aria-controls"))
    assert panel.is_hidden()
    toggle.click()
    assert toggle.get_attribute("aria-expanded") == "true"
    assert panel.is_visible()
    mark = panel.locator("mark")
    assert mark.inner_text() == quote.locator("blockquote p").inner_text()
    full = panel.locator(".km-source-text").inner_text()
    assert len(full) > len(mark.inner_text())  # the whole message, with the quote highlighted in it
    assert toggle.evaluate("e => e.textContent").startswith("Hide source")
    toggle.click()
    assert panel.is_hidden() and toggle.get_attribute("aria-expanded") == "false"


def test_follow_up_sends_context_back(page):
    bodies = []
    page.on("request", lambda r: bodies.append(json.loads(r.post_data)) if r.url.endswith("/api/chat") else None)
    ask(page, ANSWERABLE)
    ask(page, "tell me more")
    assert len(bodies) == 2
    assert bodies[0]["context"] == {}
    ctx = bodies[1]["context"]
    assert ctx["v"] == 1 and ctx["turn"] == 1 and ctx["quoted"] and ctx["topic"] == ANSWERABLE
    last = page.locator(".km-reply").last
    assert "km-reply--answered" in last.get_attribute("class")  # "tell me more" resolved through the context


def test_no_answer_state_and_suggestions(page):
    ask(page, ANSWERABLE)
    ask(page, UNANSWERABLE)
    none = page.locator(".km-reply").last
    assert "km-reply--no-answer" in none.get_attribute("class")
    assert DECLINE.search(none.inner_text())
    assert none.locator("blockquote").count() == 0
    answered = page.locator(".km-reply--answered").first
    style = "e => getComputedStyle(e).backgroundColor + getComputedStyle(e).borderLeftColor"
    assert none.evaluate(style) != answered.evaluate(style)  # visibly distinct
    suggestion = none.locator(".km-suggestion").first
    text = suggestion.inner_text()
    suggestion.click()
    page.locator(".km-turn").nth(2).locator(".km-reply").wait_for()
    assert page.locator(".km-you").last.inner_text().endswith(text)


def test_live_region_announces_only_the_new_reply(page):
    live = page.locator("[aria-live]")
    assert live.count() == 1 and live.get_attribute("aria-live") == "polite"
    ask(page, ANSWERABLE)
    page.wait_for_function("() => document.querySelector('[aria-live]').textContent.length > 0")
    ask(page, UNANSWERABLE)
    first_line = page.locator(".km-reply").last.locator(".km-frame").first.inner_text()
    page.wait_for_function("t => document.querySelector('[aria-live]').textContent.startsWith(t)", arg=first_line)
    text = live.text_content()
    assert DECLINE.search(text)
    assert "Key message 1" not in text  # the earlier answer is not re-announced
    assert page.locator(".km-log").get_attribute("aria-live") is None


def test_keyboard_only_conversation(page):
    def active():
        return page.evaluate("() => { const e = document.activeElement; return [e.tagName, e.className, e.textContent]; }")

    assert active()[1] == "km-input"  # the question box has focus on arrival
    page.keyboard.type(ANSWERABLE)
    page.keyboard.press("Enter")
    page.locator(".km-quote").first.wait_for()
    for _ in range(20):  # Tab forward to the first "Show source" button
        page.keyboard.press("Tab")
        if "km-toggle" in active()[1]:
            break
    else:
        pytest.fail("Tab never reached the Show source button")
    outline = page.evaluate("() => { const s = getComputedStyle(document.activeElement); return [s.outlineStyle, s.outlineWidth]; }")
    assert outline[0] != "none" and outline[1] != "0px"  # visible focus
    page.keyboard.press("Enter")
    assert page.locator(".km-toggle").first.get_attribute("aria-expanded") == "true"
    assert page.locator(".km-source mark").first.is_visible()
    for _ in range(20):  # on to the question box again
        page.keyboard.press("Tab")
        if active()[1] == "km-input":
            break
    else:
        pytest.fail("Tab never reached the question box")
    page.keyboard.type("tell me more")
    page.keyboard.press("Enter")
    page.locator(".km-turn").nth(1).locator(".km-reply--answered").wait_for()


def test_page_fits_320px_and_200_percent_zoom(browser, sites):
    for viewport, scale in (({"width": 320, "height": 640}, 1), ({"width": 640, "height": 450}, 2)):
        ctx = browser.new_context(viewport=viewport, device_scale_factor=scale, reduced_motion="reduce")
        p = ctx.new_page()
        p.set_default_timeout(TIMEOUT)
        p.goto(sites["app"] + "/")
        ask(p, ANSWERABLE)
        p.get_by_role("button", name=re.compile("Show source")).first.click()
        width = p.evaluate("() => document.documentElement.scrollWidth")
        assert width <= viewport["width"], f"horizontal scrolling at {viewport['width']} CSS px"
        ctx.close()


def test_axe_page_has_no_serious_violations(browser, sites):
    ctx = browser.new_context(viewport={"width": 1280, "height": 900}, bypass_csp=True)  # to inject axe
    p = ctx.new_page()
    p.set_default_timeout(TIMEOUT)
    p.goto(sites["app"] + "/")
    assert axe_serious(p) == []
    ask(p, ANSWERABLE)
    p.get_by_role("button", name=re.compile("Show source")).first.click()
    ask(p, UNANSWERABLE)
    p.get_by_label(PAGE_LABEL).focus()
    found = p.evaluate("async () => (await axe.run(document)).violations"
                       ".filter(v => v.impact === 'serious' || v.impact === 'critical').map(v => v.id + ': ' + v.help)")
    assert found == []
    ctx.close()


def test_screenshots(browser, sites):
    OUT.mkdir(exist_ok=True)
    for width, height in ((1280, 900), (375, 812)):
        with page_at(browser, sites["app"] + "/", width, height) as p:
            ask(p, ANSWERABLE)
            p.get_by_role("button", name=re.compile("Show source")).first.click()
            ask(p, UNANSWERABLE)
            p.screenshot(path=str(OUT / f"chat-{width}.png"), full_page=True)
            assert (OUT / f"chat-{width}.png").stat().st_size > 10_000


# -- the widget on another origin -----------------------------------------------------------------
def shadow_active(page) -> str:
    return page.evaluate("() => { const r = document.querySelector('[data-km-widget]').shadowRoot;"
                         " const e = r.activeElement; return e ? e.className : ''; }")


def test_widget_on_another_origin(context, sites):
    page = context.new_page()
    errors, calls = [], []
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.on("request", lambda r: calls.append(r.url) if "/api/" in r.url else None)
    page.goto(sites["host"] + "/")
    assert sites["host"] != sites["app"]
    launcher = page.get_by_role("button", name="Ask the key messages")
    assert launcher.get_attribute("aria-expanded") == "false"
    # styles do not leak in: the host's hostile button rule does not reach the launcher
    assert launcher.evaluate("e => getComputedStyle(e).backgroundColor") != "rgb(255, 105, 180)"
    assert launcher.evaluate("e => getComputedStyle(e).fontSize") == "16px"
    launcher.click()
    panel = page.get_by_role("dialog", name="Key messages assistant")
    assert panel.is_visible() and launcher.get_attribute("aria-expanded") == "true"
    assert shadow_active(page) == "km-input"
    ask(page, ANSWERABLE, label="Ask a question", root=panel)
    quote = panel.locator("figure.km-quote").first
    assert "Key message 1 · " in quote.locator("figcaption").inner_text()
    assert calls and all(u.startswith(sites["app"] + "/api/chat") for u in calls)  # the widget lists no documents
    # styles do not leak out: the host's own blockquote with the widget's class name is untouched
    host_quote = page.locator("#host-quote")
    assert host_quote.evaluate("e => getComputedStyle(e).borderLeftStyle") == "none"
    # Escape closes the panel and returns focus to the launcher
    page.keyboard.press("Escape")
    assert panel.is_hidden() and launcher.get_attribute("aria-expanded") == "false"
    assert shadow_active(page) == "km-launcher"
    # and the conversation is still there when it opens again
    page.keyboard.press("Enter")
    assert panel.is_visible() and panel.locator("figure.km-quote").count() >= 1
    assert not errors, errors


def test_widget_on_an_origin_not_allowed_cannot_use_the_api(context, sites):
    page = context.new_page()
    page.goto(sites["other"] + "/")
    page.get_by_role("button", name="Ask the key messages").click()
    panel = page.get_by_role("dialog", name="Key messages assistant")
    ask(page, ANSWERABLE, label="Ask a question", root=panel)
    assert panel.locator(".km-reply--error").is_visible()
    assert panel.locator("figure.km-quote").count() == 0


def test_axe_widget_has_no_serious_violations(browser, sites):
    OUT.mkdir(exist_ok=True)
    for width, height in ((1280, 900), (375, 812)):
        with page_at(browser, sites["host"] + "/", width, height) as page:
            assert axe_serious(page) == []  # closed: the launcher
            page.get_by_role("button", name="Ask the key messages").click()
            panel = page.get_by_role("dialog", name="Key messages assistant")
            ask(page, ANSWERABLE, label="Ask a question", root=panel)
            panel.get_by_role("button", name=re.compile("Show source")).first.click()
            ask(page, UNANSWERABLE, label="Ask a question", root=panel)
            found = page.evaluate("async () => (await axe.run(document)).violations"
                                  ".filter(v => v.impact === 'serious' || v.impact === 'critical').map(v => v.id + ': ' + v.help)")
            assert found == []
            page.screenshot(path=str(OUT / f"widget-{width}.png"))


# -- several documents ----------------------------------------------------------------------------
@pytest.fixture(scope="module")
def library_app(tmp_path_factory, live_server):
    """The app over an index of two documents: the key messages as a PDF and a small .txt report."""
    import shutil

    from assistant import indexer
    from assistant.core import Assistant
    from assistant.web import create_app
    from corefix import SMALL_DOC, fake_settings, lenient, make_index_dir
    from docfix import km_pdf

    root = make_index_dir(tmp_path_factory.mktemp("library"), docs={"small.txt": SMALL_DOC})
    shutil.copy(km_pdf(tmp_path_factory.mktemp("pdf")), root / "sources")
    settings = fake_settings(root)
    indexer.build(settings, export_onnx=False)
    with live_server(create_app(settings, lenient(Assistant(settings)))) as app:
        yield app.url


MULTI = "give me an overview of early help"  # answered from both documents on this index


def test_multi_document_answer_cites_page_and_opens_it(context, library_app):
    from docfix import STEM

    page = context.new_page()
    errors = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.goto(library_app + "/")
    page.locator(".km-library").wait_for()
    page.locator(".km-library summary").click()
    assert page.locator(".km-library input[type=checkbox]").count() == 2  # a choice, as there are two
    ask(page, MULTI)
    reply = page.locator(".km-reply").last
    frames = reply.locator(".km-frame").all_inner_texts()
    assert any("Small test report" in f for f in frames) and any("Key messages from the joint" in f for f in frames)
    # each document's framing line comes right before its own quote
    order = reply.locator(".km-frame, figcaption").all_inner_texts()
    for n, line in enumerate(order):
        if line.startswith("From “"):
            assert line[len("From “"):-2] in order[n + 1], order
    captions = reply.locator("figcaption").all_inner_texts()
    pdf_caption = next(c for c in captions if "Key messages from the joint" in c)
    match = re.search(r"(Key message \d+) · page (\d) · Key messages from the joint", pdf_caption)
    assert match, pdf_caption
    assert any(c.strip().endswith("· Small test report") and "page" not in c for c in captions)
    link = reply.locator("figure", has_text="· page").locator("a.km-open").first
    assert link.inner_text().startswith(f"Open page {match.group(2)}")
    href = link.get_attribute("href")
    assert href == f"/documents/{STEM}#page={match.group(2)}"
    # the link serves the original PDF (headless chromium downloads a PDF rather than showing it)
    got = page.evaluate("async h => { const r = await fetch(h); const b = new Uint8Array(await r.arrayBuffer());"
                        " return [r.status, r.headers.get('content-type'), r.headers.get('content-disposition'),"
                        " String.fromCharCode(...b.slice(0, 5))]; }", href)
    assert got[0] == 200 and got[1] == "application/pdf" and got[2].startswith("inline") and got[3] == "%PDF-"
    ask(page, "what does key message 5 say?")  # a message on page 2 of the PDF
    link = page.locator(".km-reply").last.locator("a.km-open").first
    assert link.inner_text().startswith("Open page 2")
    href = link.get_attribute("href")
    assert href == f"/documents/{STEM}#page=2"
    with context.expect_event("page") as opened:
        link.click()
    tab = opened.value
    assert tab.url == library_app + href
    tab.wait_for_load_state()
    tab.wait_for_timeout(1500)  # chromium's PDF viewer draws the page after load
    OUT.mkdir(exist_ok=True)
    tab.screenshot(path=str(OUT / "cited-page.png"))  # the viewer at the cited page, for a person to look at
    assert (OUT / "cited-page.png").stat().st_size > 10_000
    assert not errors, errors


def test_choosing_one_document_restricts_the_answer(context, library_app):
    page = context.new_page()
    bodies = []
    page.on("request", lambda r: bodies.append(json.loads(r.post_data)) if r.url.endswith("/api/chat") else None)
    page.goto(library_app + "/")
    page.locator(".km-library summary").click()
    page.get_by_label("Small test report").uncheck()
    ask(page, MULTI)
    from docfix import STEM

    assert bodies[-1]["documents"] == [STEM]
    captions = page.locator(".km-reply").last.locator("figcaption").all_inner_texts()
    assert captions and all("Small test report" not in c and "· page " in c for c in captions)


def test_axe_library_page_has_no_serious_violations(browser, library_app):
    ctx = browser.new_context(viewport={"width": 1280, "height": 900}, bypass_csp=True)
    try:
        p = ctx.new_page()
        p.set_default_timeout(TIMEOUT)
        p.goto(library_app + "/")
        p.locator(".km-library summary").click()
        ask(p, MULTI)
        assert axe_serious(p) == []
        OUT.mkdir(exist_ok=True)
        p.screenshot(path=str(OUT / "chat-library.png"), full_page=True)
    finally:
        ctx.close()


# -- feedback -------------------------------------------------------------------------------------
def _helpful_count(settings) -> tuple[int, int]:
    from assistant.report import build

    summary = build(settings.db, 3600)
    return summary.feedback.helpful, summary.feedback.unhelpful


def test_feedback_by_keyboard_is_sent_and_announced(page, fake_settings):
    before = _helpful_count(fake_settings)
    ask(page, ANSWERABLE)
    reply = page.locator(".km-reply").last
    group = reply.get_by_role("group", name="Was this helpful?")
    assert group.get_by_role("button", name="Helpful", exact=True).get_attribute("aria-pressed") == "false"
    for _ in range(30):  # Tab forward to the Helpful button
        page.keyboard.press("Tab")
        if page.evaluate("() => document.activeElement.textContent") == "Helpful":
            break
    else:
        pytest.fail("Tab never reached the Helpful button")
    page.keyboard.press("Enter")
    page.wait_for_function("() => document.querySelector('[aria-live]').textContent.startsWith('Feedback sent: helpful')")
    assert group.get_by_role("button", name="Helpful", exact=True).get_attribute("aria-pressed") == "true"
    assert "Thank you" in group.inner_text()
    deadline = time.monotonic() + 5
    while _helpful_count(fake_settings)[0] != before[0] + 1:
        assert time.monotonic() < deadline, "the verdict did not reach the database"
        time.sleep(0.1)


def test_widget_feedback_crosses_origins(context, sites, fake_settings):
    page = context.new_page()
    before = _helpful_count(fake_settings)
    page.goto(sites["host"] + "/")
    page.get_by_role("button", name="Ask the key messages").click()
    panel = page.get_by_role("dialog", name="Key messages assistant")
    ask(page, UNANSWERABLE, label="Ask a question", root=panel)
    panel.get_by_role("button", name="Not helpful").last.click()
    panel.get_by_text("Thank you: your feedback was sent.").wait_for()
    assert _helpful_count(fake_settings)[1] == before[1] + 1
