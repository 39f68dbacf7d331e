"""Several documents in the browser: an answer framed per document whose citation opens the original PDF at
its page, the choice of which documents to search, and axe-core on the library page (fixtures in browserfix.py)."""

from __future__ import annotations

import json
import re

import pytest

from browserfix import OUT, TIMEOUT, ask, axe_serious, browser, context  # noqa: F401

pytestmark = pytest.mark.browser


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
