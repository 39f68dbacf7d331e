"""The HTTP API, page and widget through FastAPI's TestClient, on the fake-embedder index."""

from __future__ import annotations

import dataclasses
import logging
import re
import shutil
import time
import weakref

import pytest
from fastapi.testclient import TestClient

from assistant.core import Assistant
from assistant.web import create_app

ANSWERABLE = "Staff were confident and competent at identifying a range of concerns"
UNANSWERABLE = "What does GIRFEC stand for?"  # declined by the unknown-term rule whatever the embedder
KEYS = {"status", "reply", "quotes", "sources", "suggestions", "context"}


@pytest.fixture(scope="module")
def client(fake_settings, fake_assistant):
    return TestClient(create_app(fake_settings, fake_assistant))


def settings_with(settings, **changes):
    return dataclasses.replace(settings, **changes)


def assert_contract(body: dict) -> None:
    assert set(body) == KEYS
    assert body["status"] in ("answered", "no_answer", "chitchat")
    assert isinstance(body["reply"], str) and body["reply"]
    assert isinstance(body["context"], dict)
    assert all(isinstance(s, str) for s in body["suggestions"])
    assert (body["status"] == "answered") == bool(body["quotes"])
    sources = {s["message_id"]: s for s in body["sources"]}
    for s in body["sources"]:
        assert set(s) == {"message_id", "title", "document", "text"}
    for q in body["quotes"]:
        assert set(q) == {"message_id", "title", "text", "start", "end", "score"}
        src = sources[q["message_id"]]
        assert src["text"][q["start"]:q["end"]] == q["text"]
        assert q["title"] == src["title"]
        assert q["text"] in body["reply"]


def assert_error(response, status: int, code: str | None = None) -> dict:
    assert response.status_code == status, response.text
    assert response.headers["content-type"].startswith("application/json")
    body = response.json()
    assert set(body) == {"error"} and set(body["error"]) == {"code", "message"}
    assert isinstance(body["error"]["message"], str) and body["error"]["message"]
    if code:
        assert body["error"]["code"] == code
    return body


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
    assert docs.status_code == 200 and "swagger" in docs.text.lower()
    assert "'unsafe-inline'" not in docs.headers["content-security-policy"]


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


@pytest.mark.parametrize("path", ["/static/chat.js", "/static/chat.css", "/static/page.js", "/static/widget.css"])
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


# -- privacy --------------------------------------------------------------------------------------
MARKER = "Zanzibar-quokka-7731 staff"


def _exercise(c):
    c.post("/api/chat", json={"question": MARKER})
    c.post("/api/chat", json={"question": MARKER + " tell me more", "context": {"v": 7}})
    c.post("/api/chat", json={"question": MARKER * 100})
    c.post("/api/chat", json={"question": 3, "context": MARKER})
    c.get("/api/search", params={"q": MARKER})
    c.get("/api/search", params={"q": MARKER, "k": 99})


def _logged(caplog) -> str:
    """Everything the server logged (the test client's own httpx request log is not the server's)."""
    return "\n".join(r.getMessage() + (r.exc_text or "") for r in caplog.records if not r.name.startswith("httpx"))


def test_questions_not_logged_by_default(client, caplog):
    caplog.set_level(logging.DEBUG)
    _exercise(client)
    assert any(r.name.startswith("assistant") for r in caplog.records)  # something was logged
    assert "Zanzibar" not in _logged(caplog)


def test_questions_logged_when_enabled(fake_settings, caplog):
    settings = settings_with(fake_settings, log_questions=True)
    c = TestClient(create_app(settings, Assistant(settings)))
    caplog.set_level(logging.DEBUG)
    _exercise(c)
    assert "Zanzibar" in _logged(caplog)


def test_chat_log_has_status_latency_and_ids(client, caplog):
    caplog.set_level(logging.INFO, logger="assistant.web")
    client.post("/api/chat", json={"question": ANSWERABLE})
    line = next(r.getMessage() for r in caplog.records if r.name == "assistant.web" and "chat" in r.getMessage())
    assert "status=answered" in line and "ms=" in line and "key-message" in line


# -- loading and reloading ------------------------------------------------------------------------
def _copy_index_inputs(src_settings, folder):
    (folder / "sources").mkdir(parents=True)
    for f in src_settings.sources_dir.glob("*.txt"):
        shutil.copy(f, folder / "sources" / f.name)
    for f in src_settings.index_dir.glob("*.json"):
        shutil.copy(f, folder / f.name)


EXTRA_DOC = """Extra notes for testing reloads

Key message 99

The reload test adds this message about lighthouse keepers and their gannets.
"""


def test_missing_index_is_503_json_then_loads_when_built(fake_settings, tmp_path):
    from assistant import indexer

    _copy_index_inputs(fake_settings, tmp_path)
    settings = settings_with(fake_settings, index_dir=tmp_path, reload_seconds=0.05)
    c = TestClient(create_app(settings))
    r = c.get("/healthz")
    assert r.status_code == 503 and r.json()["status"] == "unavailable"
    assert_error(c.post("/api/chat", json={"question": "hello"}), 503, "index_unavailable")
    assert c.get("/").status_code == 200  # the page itself still loads
    indexer.build(settings, export_onnx=False)
    deadline = time.monotonic() + 10
    while c.get("/healthz").status_code != 200:
        assert time.monotonic() < deadline, "the new index was never picked up"
        time.sleep(0.05)


def test_reindex_is_picked_up_without_a_failed_request(fake_settings, tmp_path):
    from assistant import indexer

    _copy_index_inputs(fake_settings, tmp_path)
    settings = settings_with(fake_settings, index_dir=tmp_path, reload_seconds=0.05)
    indexer.build(settings, export_onnx=False)
    c = TestClient(create_app(settings))
    before = c.get("/healthz").json()["messages"]
    (tmp_path / "sources" / "extra.txt").write_text(EXTRA_DOC, encoding="utf-8")
    indexer.build(settings, export_onnx=False)
    deadline = time.monotonic() + 10
    statuses = []
    while True:
        statuses.append(c.post("/api/chat", json={"question": ANSWERABLE}).status_code)
        statuses.append(c.get("/api/search", params={"q": "lighthouse keepers gannets"}).status_code)
        if c.get("/healthz").json()["messages"] > before:
            break
        assert time.monotonic() < deadline, "the new index was never picked up"
        time.sleep(0.02)
    assert set(statuses) == {200}
    hits = c.get("/api/search", params={"q": "lighthouse keepers gannets", "k": 1}).json()["hits"]
    assert hits[0]["title"] == "Key message 99"


# -- unexpected failures ---------------------------------------------------------------------------
class _Broken:
    """An assistant whose every call fails with the question in the exception message."""

    def __init__(self, settings):
        self.settings = settings

    def ask(self, question, context=None):
        raise RuntimeError(f"boom while answering {question!r}")

    def search(self, text, k=5):
        raise KeyError(text)


def test_unexpected_error_is_generic_500_json_without_the_question(fake_settings, caplog):
    settings = settings_with(fake_settings, reload_seconds=0)
    c = TestClient(create_app(settings, _Broken(settings)), raise_server_exceptions=False)
    caplog.set_level(logging.DEBUG)
    for r in (c.post("/api/chat", json={"question": MARKER}), c.get("/api/search", params={"q": MARKER})):
        body = assert_error(r, 500, "internal_error")
        assert "Zanzibar" not in r.text and "boom" not in r.text and "Traceback" not in r.text
        assert r.headers["x-content-type-options"] == "nosniff" and "content-security-policy" in r.headers
    logged = _logged(caplog)
    assert "RuntimeError" in logged and "KeyError" in logged  # the failure is logged, where it happened...
    assert "Zanzibar" not in logged  # ...but not what was asked


def test_malformed_allowed_origins_are_ignored(fake_settings, fake_assistant):
    settings = settings_with(fake_settings, allowed_origins="https://ok.example, https://x.example; script-src *, *")
    r = TestClient(create_app(settings, fake_assistant)).get("/")
    assert csp_directives(r.headers["content-security-policy"])["frame-ancestors"] == ["'self'", "https://ok.example"]
    assert csp_directives(r.headers["content-security-policy"])["script-src"] == ["'self'"]


def _wait_for(check, what: str, c, seconds: float = 10) -> None:
    """Keep the app busy (each request may start a reload check) until check() holds."""
    deadline = time.monotonic() + seconds
    while not check():
        assert time.monotonic() < deadline, what
        assert c.get("/healthz").status_code == 200
        time.sleep(0.02)


def test_reload_with_the_same_model_reuses_the_embedder_and_lets_the_old_index_go(fake_settings, tmp_path):
    from assistant import indexer

    _copy_index_inputs(fake_settings, tmp_path)
    settings = settings_with(fake_settings, index_dir=tmp_path, reload_seconds=0.05)
    indexer.build(settings, export_onnx=False)
    app = create_app(settings)
    holder, c = app.state.holder, TestClient(app)
    first = weakref.ref(holder.assistant)
    embedder = holder.assistant._embedder
    assert c.post("/api/chat", json={"question": ANSWERABLE}).json()["status"] == "answered"  # fills the suggestion caches
    (tmp_path / "sources" / "extra.txt").write_text(EXTRA_DOC, encoding="utf-8")
    indexer.build(settings, export_onnx=False)
    _wait_for(lambda: first() is not holder.assistant, "the new index was never picked up", c)
    assert holder.assistant._embedder is embedder  # no second model loaded
    _wait_for(lambda: first() is None, "the previous Assistant is still referenced after the swap", c)


def test_reload_with_another_model_loads_a_fresh_embedder(fake_settings, tmp_path, monkeypatch):
    from assistant import core, indexer
    from assistant.embed import FakeEmbedder

    class OtherModel(FakeEmbedder):
        name = "fake-other-model"

    given = []

    class Recording(core.Assistant):
        def __init__(self, settings=None, embedder=None):
            given.append(embedder)
            super().__init__(settings, embedder)

    monkeypatch.setattr(core, "Assistant", Recording)
    _copy_index_inputs(fake_settings, tmp_path)
    settings = settings_with(fake_settings, index_dir=tmp_path, reload_seconds=0.05)
    indexer.build(settings, export_onnx=False)
    app = create_app(settings)
    holder, c = app.state.holder, TestClient(app)
    assert given == [None]
    indexer.build(settings, embedder=OtherModel(), force=True, export_onnx=False)
    _wait_for(lambda: holder.problem, "the index built with another model was never tried", c)
    assert given[1:] and all(e is None for e in given[1:])  # never handed the live model's embedder
    assert "IndexMismatch" in holder.problem  # this server is configured for fake-hash-64: refused, as before
    assert c.get("/healthz").json()["model"] == "fake-hash-64"  # and the old index keeps serving
