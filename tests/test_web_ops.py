"""The HTTP server's operation: what it logs (never the question by default), how it loads and swaps
indexes while serving, and how an unexpected failure reaches the client."""

from __future__ import annotations

import logging
import shutil
import time
import weakref

from fastapi.testclient import TestClient

from assistant.core import Assistant
from assistant.web import create_app
from webfix import ANSWERABLE, assert_error, client, settings_with  # noqa: F401


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

    def ask(self, question, context=None, documents=None):
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


def test_the_server_keeps_matrix_products_on_the_calling_thread(fake_assistant):
    """Requests already run on several threads: a BLAS pool per product made them wait on each other."""
    from threadpoolctl import threadpool_info

    from assistant.web import create_app

    create_app(assistant=fake_assistant)
    blas = [lib for lib in threadpool_info() if lib["user_api"] == "blas"]
    assert blas and all(lib["num_threads"] == 1 for lib in blas)
