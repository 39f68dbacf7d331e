"""The HTTP API, page and widget through FastAPI's TestClient, on the fake-embedder index."""

from __future__ import annotations

import re

import pytest
from fastapi.testclient import TestClient

from assistant.web import create_app
from webfix import ANSWERABLE, assert_error, client, settings_with  # noqa: F401

UNANSWERABLE = "What does MARAC stand for?"  # declined by the unknown-term rule whatever the embedder
KEYS = {"status", "reply", "quotes", "sources", "suggestions", "context", "id", "reason"}


def assert_contract(body: dict) -> None:
    assert set(body) == KEYS
    assert body["status"] in ("answered", "no_answer", "chitchat")
    assert isinstance(body["reply"], str) and body["reply"]
    assert isinstance(body["context"], dict)
    assert all(isinstance(s, str) for s in body["suggestions"])
    assert (body["status"] == "answered") == bool(body["quotes"])
    sources = {s["message_id"]: s for s in body["sources"]}
    for s in body["sources"]:
        assert set(s) == {"message_id", "title", "document", "text", "document_id", "url"}
    for q in body["quotes"]:
        assert set(q) == {"message_id", "title", "text", "start", "end", "score", "page", "document"}
        src = sources[q["message_id"]]
        assert src["text"][q["start"]:q["end"]] == q["text"]
        assert q["title"] == src["title"]
        assert q["text"] in body["reply"]


# -- /api/chat ------------------------------------------------------------------------------------
def test_chat_answers_with_verbatim_quotes(client):
    r = client.post("/api/chat", json={"question": ANSWERABLE})
    assert r.status_code == 200
    body = r.json()
    assert_contract(body)
    assert body["status"] == "answered"
    for q in body["quotes"]:  # and verbatim against the stored message, not just the reply's own source
        full = client.get(f"/api/messages/{q['message_id']}").json()
        assert full["text"][q["start"]:q["end"]] == q["text"]
        assert {"start": q["start"], "end": q["end"]} in full["sentences"]


@pytest.mark.parametrize("question", ["hello", UNANSWERABLE, "What do the key messages say about advocacy?",
                                      "  Staff were confident  ", "thanks!"])
def test_chat_contract_holds(client, question):
    r = client.post("/api/chat", json={"question": question})
    assert r.status_code == 200
    assert_contract(r.json())


def test_no_answer_is_a_kind_decline(client):
    body = client.post("/api/chat", json={"question": UNANSWERABLE}).json()
    assert body["status"] == "no_answer" and body["quotes"] == [] and body["sources"] == []
    assert "couldn't find" in body["reply"] or "don't" in body["reply"]


def test_follow_up_uses_context(client):
    first = client.post("/api/chat", json={"question": ANSWERABLE}).json()
    assert first["context"]["turn"] == 1
    second = client.post("/api/chat", json={"question": "tell me more", "context": first["context"]})
    assert second.status_code == 200
    body = second.json()
    assert_contract(body)
    assert body["status"] == "answered"
    assert body["context"]["turn"] == 2
    # without the context the same words have nothing to refer to
    alone = client.post("/api/chat", json={"question": "tell me more"}).json()
    assert alone["status"] == "no_answer"


def test_chat_null_and_empty_context(client):
    for ctx in (None, {}):
        r = client.post("/api/chat", json={"question": ANSWERABLE, "context": ctx})
        assert r.status_code == 200


@pytest.mark.parametrize("context", [{"v": 99}, {"junk": 1}, {"v": 1, "turn": "x"}, {"v": 1, "quoted": [[1, 2, 3]]}])
def test_bad_context_is_422(client, context):
    assert_error(client.post("/api/chat", json={"question": "hello", "context": context}), 422, "invalid_context")


@pytest.mark.parametrize("question", ["", "   ", "\n\t", "x" * 1001, " " + "y" * 1001 + " "])
def test_question_length_limits(client, question):
    assert_error(client.post("/api/chat", json={"question": question}), 422)


def test_question_of_1000_chars_after_trimming_is_fine(client):
    r = client.post("/api/chat", json={"question": "   " + ("staff " * 200)[:1000] + "   "})
    assert r.status_code == 200
    assert_contract(r.json())


@pytest.mark.parametrize("body", [{}, {"question": 5}, {"question": None}, {"question": ["a"]},
                                  {"question": "hi", "context": []}, {"question": "hi", "context": "x"},
                                  {"question": "hi", "extra": 1}, [], "hi", 3])
def test_chat_wrong_shapes_are_422(client, body):
    assert_error(client.post("/api/chat", json=body), 422)


# -- /api/search, /api/messages, /healthz --------------------------------------------------------
@pytest.mark.parametrize("k", [1, 5, 20])
def test_search_ranks_messages(client, k):
    r = client.get("/api/search", params={"q": "staff confidence", "k": k})
    assert r.status_code == 200
    hits = r.json()["hits"]
    assert 1 <= len(hits) <= k
    for h in hits:
        assert set(h) == {"message_id", "title", "score", "dense", "bm25"}
    scores = [h["score"] for h in hits]
    assert scores == sorted(scores, reverse=True)


@pytest.mark.parametrize("params", [{"q": "staff", "k": 0}, {"q": "staff", "k": 21}, {"q": "staff", "k": "x"},
                                    {"q": ""}, {"q": "   "}, {}, {"q": "z" * 1001}])
def test_search_bounds(client, params):
    assert_error(client.get("/api/search", params=params), 422)


def test_messages(client, fake_assistant):
    listing = client.get("/api/messages").json()
    assert len(listing) == len(fake_assistant.messages)
    assert all(set(m) == {"id", "title", "document"} for m in listing)
    one = client.get(f"/api/messages/{listing[1]['id']}")
    assert one.status_code == 200
    m = one.json()
    assert m["id"] == listing[1]["id"] and m["sentences"]
    for s in m["sentences"]:
        assert 0 <= s["start"] < s["end"] <= len(m["text"])


def test_unknown_message_is_404_json(client):
    assert_error(client.get("/api/messages/no-such-message"), 404, "not_found")
    assert_error(client.get("/no/such/page"), 404, "not_found")


def test_wrong_method_is_405_json(client):
    assert_error(client.get("/api/chat"), 405, "method_not_allowed")
    assert_error(client.put("/api/messages"), 405)


def test_healthz(client, fake_assistant):
    r = client.get("/healthz")
    assert r.status_code == 200
    assert r.json() == {"status": "ok", "messages": len(fake_assistant.messages), "model": "fake-hash-64"}


def test_openapi_and_docs(client):
    schema = client.get("/openapi.json").json()
    assert {"/api/chat", "/api/search", "/api/messages", "/api/messages/{message_id}", "/healthz"} <= set(schema["paths"])
    docs = client.get("/docs")
    assert docs.status_code == 200 and '<script src="/static/docs.js" defer></script>' in docs.text
    assert "http://" not in docs.text and "https://" not in docs.text  # nothing from another origin
    policy = docs.headers["content-security-policy"]
    assert "'unsafe-inline'" not in policy and "http" not in policy and "cdn" not in policy
    js = client.get("/static/docs.js")
    assert js.status_code == 200 and "innerHTML" not in js.text and "//cdn" not in js.text


# -- the page and the widget ----------------------------------------------------------------------
def test_page_has_no_inline_script_or_style(client):
    r = client.get("/")
    assert r.status_code == 200 and r.headers["content-type"].startswith("text/html")
    html = r.text
    assert '<script src="/static/chat.js" defer></script>' in html
    assert not re.search(r"<script(?![^>]*\bsrc=)[^>]*>", html), "inline script"
    assert "<style" not in html and " style=" not in html
    assert "http://" not in html and "https://" not in html  # no CDN
    assert 'lang="en-GB"' in html


@pytest.mark.parametrize("path", ["/static/dom.js", "/static/chat.js", "/static/chat.css", "/static/page.js", "/static/widget.css"])
def test_static_files(client, path):
    assert client.get(path).status_code == 200


def test_widget_script(client):
    r = client.get("/widget.js")
    assert r.status_code == 200 and "javascript" in r.headers["content-type"]
    js = r.text
    assert "attachShadow" in js and "var KMChat" in js and "document.currentScript" in js
    assert "innerHTML" not in js and "innerHTML" not in client.get("/static/chat.js").text


# -- headers --------------------------------------------------------------------------------------
def csp_directives(header: str) -> dict[str, list[str]]:
    out = {}
    for part in header.split(";"):
        words = part.split()
        if words:
            out[words[0]] = words[1:]
    return out


@pytest.mark.parametrize("method,path", [("get", "/"), ("get", "/widget.js"), ("get", "/static/chat.js"),
                                         ("get", "/healthz"), ("get", "/nope"), ("post", "/api/chat"),
                                         ("get", "/api/search?q=staff"), ("delete", "/healthz")])
def test_security_headers_everywhere(client, method, path):
    r = client.request(method, path, json={"question": "hello"} if method == "post" else None)
    csp = csp_directives(r.headers["content-security-policy"])
    assert csp["script-src"] == ["'self'"]
    assert csp["style-src"] == ["'self'"]
    assert csp["frame-ancestors"] == ["'self'"]
    assert r.headers["x-content-type-options"] == "nosniff"
    assert r.headers["referrer-policy"] in ("no-referrer", "strict-origin")


def test_frame_ancestors_and_cors_follow_allowed_origins(fake_settings, fake_assistant):
    settings = settings_with(fake_settings, allowed_origins="https://intranet.example.org, http://localhost:9000/")
    c = TestClient(create_app(settings, fake_assistant))
    r = c.post("/api/chat", json={"question": "hello"}, headers={"Origin": "https://intranet.example.org"})
    assert csp_directives(r.headers["content-security-policy"])["frame-ancestors"] == [
        "'self'", "https://intranet.example.org", "http://localhost:9000"]
    assert r.headers["access-control-allow-origin"] == "https://intranet.example.org"
    pre = c.options("/api/chat", headers={"Origin": "http://localhost:9000", "Access-Control-Request-Method": "POST",
                                          "Access-Control-Request-Headers": "content-type"})
    assert pre.status_code == 200
    assert pre.headers["access-control-allow-origin"] == "http://localhost:9000"
    assert "POST" in pre.headers["access-control-allow-methods"]
    assert "content-type" in pre.headers["access-control-allow-headers"].lower()


def test_cors_refuses_other_origins(client):
    r = client.post("/api/chat", json={"question": "hello"}, headers={"Origin": "https://evil.example"})
    assert r.status_code == 200  # the browser, not the server, enforces CORS: no allow header is sent
    assert "access-control-allow-origin" not in r.headers
    pre = client.options("/api/chat", headers={"Origin": "https://evil.example", "Access-Control-Request-Method": "POST"})
    assert_error(pre, 400, "cors_rejected")
    assert "access-control-allow-origin" not in pre.headers


def test_malformed_allowed_origins_are_ignored(fake_settings, fake_assistant):
    settings = settings_with(fake_settings, allowed_origins="https://ok.example, https://x.example; script-src *, *")
    r = TestClient(create_app(settings, fake_assistant)).get("/")
    assert csp_directives(r.headers["content-security-policy"])["frame-ancestors"] == ["'self'", "https://ok.example"]
    assert csp_directives(r.headers["content-security-policy"])["script-src"] == ["'self'"]
