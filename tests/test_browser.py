"""The chat page and the embeddable widget in Debian's chromium, driven by Playwright, against the
real app over HTTP (fake-embedder index). Needs `make browser-deps` (chromium + axe-core): in CI
(CI=true) a missing browser fails these tests; locally they are skipped with the reason. The document
library and cited pages are in test_browser_library.py; the shared fixtures in browserfix.py."""

from __future__ import annotations

import json
import re
import time

import pytest

from browserfix import (ANSWERABLE, DECLINE, OUT, PAGE_LABEL, TIMEOUT, UNANSWERABLE, ask, axe_serious, browser,  # noqa: F401
                        context, page, page_at, sites)

pytestmark = pytest.mark.browser


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
