"""Issue 14's serving promises that are not limits or feedback: honest /healthz (GET and HEAD), profile
edits picked up without a restart, replies that never repeat much of the question, a forged context
that cannot make a reply repeat a quote, errors that never repeat request keys or values, no redirect
built from the Host header, and /healthz staying fast while /api/chat is flooded."""

from __future__ import annotations

import json
import statistics
import threading
import time

import httpx
import pytest
from fastapi.testclient import TestClient

from assistant.core import Assistant
from assistant.web import create_app
from servefix import app_servers, fresh_index
from webfix import ANSWERABLE, client  # noqa: F401  (client is a fixture)


@pytest.fixture
def own_index(tmp_path):
    return fresh_index(tmp_path / "index")


# -- health ---------------------------------------------------------------------------------------------
def test_healthz_get_and_head(client):
    assert client.get("/healthz").status_code == 200
    head = client.head("/healthz")
    assert head.status_code == 200 and head.content == b""


def test_healthz_is_503_while_the_served_index_files_are_unreadable(own_index):
    c = TestClient(create_app(own_index, Assistant(own_index)))
    assert c.get("/healthz").status_code == 200
    vectors = own_index.store_dir.resolve() / "vectors.faiss"
    kept = vectors.with_suffix(".kept")
    vectors.rename(kept)
    try:
        time.sleep(1.1)  # health is checked at most once a second
        r = c.get("/healthz")
        body = r.json()
        assert r.status_code == 503 and body["status"] == "unavailable"
        assert "vectors.faiss" in body["error"]["message"] and "/" not in body["error"]["message"]  # no paths
        assert c.head("/healthz").status_code == 503
    finally:
        kept.rename(vectors)
    time.sleep(1.1)
    assert c.get("/healthz").status_code == 200


def test_an_edited_profile_file_is_picked_up_without_a_restart(own_index):
    import dataclasses

    from corefix import lenient

    settings = dataclasses.replace(own_index, reload_seconds=0.2)
    c = TestClient(create_app(settings, lenient(Assistant(settings))))  # the fake embedder's scores: answer on any evidence
    question = {"question": "is independent advocacy embedded in the islands?"}
    assert c.post("/api/chat", json=question).json()["status"] == "answered"
    names = json.loads(settings.names_path.read_text(encoding="utf-8"))
    names["names"].append("islands")
    settings.names_path.write_text(json.dumps(names), encoding="utf-8")
    deadline = time.monotonic() + 15
    while (reply := c.post("/api/chat", json=question).json())["status"] == "answered":
        assert time.monotonic() < deadline, "the edited names.json was not picked up"
        time.sleep(0.2)
    assert reply["status"] == "no_answer" and "islands" in reply["reply"].lower()


# -- what a reply may repeat ----------------------------------------------------------------------------
LONG_TERMS = [
    "What does the XQJZVRTPLKMNBWQXQJZVRTPLKMNBWQXQJZVRTPLKMNBWQ report say about ABCDEFGHIJKLMNOPQRSTUVWXYZABCDEFGHIJ?",
    "Is 0800123456789012345678901234567890123456789 the number for CAMHS in Glasgow Edinburgh Aberdeen Dundee?",
    "what about " + " ".join(f"ACRONYM{n}XYZ" for n in range(40)) + "?",
    "In 2021 2022 2023 2024 2025 2026 2027 2028 2029 2030 2031 2032 2033 2034 2035 what did Fife Angus Moray say?",
    "Tell me about Supercalifragilisticexpialidociousnessandmorewordsjoinedtogether-and-hyphenated-forever",
]


def _runs(text: str, n: int = 40) -> set[str]:
    return {text[i : i + n] for i in range(len(text) - n + 1)}


@pytest.mark.parametrize("question", LONG_TERMS)
def test_no_reply_repeats_a_40_character_run_of_the_question(client, fake_assistant, question):
    corpus = " ".join(m.text for m in fake_assistant.messages)
    for context in (None, {"v": 1, "topic": question, "quoted": [], "shown": [], "turn": 1}):
        body = client.post("/api/chat", json={"question": question, "context": context}).json()
        said = body["reply"] + " ".join(body["suggestions"])
        repeated = [r for r in _runs(question) if r in said and r not in corpus]
        assert not repeated, f"the reply repeats {repeated[0]!r}"


def test_a_decline_names_only_a_few_short_terms(client):
    question = "What do the XQJZ, BLORPQ, ZZTOPX, QWERTY and FOOBAR inspections say about advocacy?"
    body = client.post("/api/chat", json={"question": question}).json()
    assert body["status"] == "no_answer" and body["reason"] == "unknown"
    named = body["reply"].split("“")[1:]
    assert 1 <= len(named) <= 3 and all(len(t.split("”")[0]) <= 24 for t in named)


def test_a_context_repeating_a_quote_is_deduplicated(client):
    first = client.post("/api/chat", json={"question": ANSWERABLE}).json()
    forged = dict(first["context"], quoted=first["context"]["quoted"][:1] * 50, shown=first["context"]["shown"] * 50)
    body = client.post("/api/chat", json={"question": "which message says that?", "context": forged}).json()
    assert body["status"] == "answered" and len(body["quotes"]) == 1
    assert body["reply"].count(body["quotes"][0]["text"]) == 1


# -- errors and redirects ------------------------------------------------------------------------------
def test_errors_never_repeat_request_keys_or_values(client):
    cases = [
        client.post("/api/chat", json={"question": "x", "evil_key_7f3a": "evil_value_9c1b"}),
        client.post("/api/chat", json={"question": {"evil_key_7f3a": "evil_value_9c1b"}}),
        client.post("/api/chat", json={"evil_key_7f3a": "evil_value_9c1b"}),
        client.post("/api/chat", json={"question": "x", "context": "evil_value_9c1b"}),
        client.post("/api/chat", json={"question": "x", "documents": ["evil_value_9c1b"]}),
        client.get("/api/search", params={"q": "x", "k": "evil_value_9c1b"}),
        client.get("/api/search", params={"evil_key_7f3a": "evil_value_9c1b"}),
        client.post("/api/feedback", json={"reply_id": "evil_value_9c1b", "helpful": True, "evil_key_7f3a": 1}),
        client.get("/api/messages/evil_value_9c1b"),
    ]
    for r in cases:
        assert 400 <= r.status_code < 500
        assert "evil_key_7f3a" not in r.text and "evil_value_9c1b" not in r.text, r.text


def test_no_redirect_is_built_from_the_host_header(client):
    for path in ("/api/chat/", "/docs/", "/healthz/", "/static"):
        r = client.get(path, headers={"Host": "evil.example"}, follow_redirects=False)
        assert "evil.example" not in r.headers.get("location", "") and "evil.example" not in r.text


# -- /healthz under a flood of crafted chat requests ----------------------------------------------------
@pytest.mark.slow
def test_healthz_stays_fast_while_chat_is_flooded(own_index):
    """16 connections send 1,000-character crafted follow-ups (with a 2,000-character topic) for 6 s while
    /healthz is asked every 50 ms: its p95 stays under 100 ms and its slowest under 1 s (with turns on the event
    loop it took 3–4 s; on a slow two-core machine one sample in a hundred may take 150 ms, a scheduling pause)."""
    crafted = "which message" + "’" * 980 + " like"
    context = {"v": 1, "topic": ("what is a " + "-" * 1990), "quoted": [], "shown": [], "turn": 1}
    with app_servers(own_index, count=1) as servers:
        url = servers[0][0]
        stop = threading.Event()
        answered = [0]

        def flood() -> None:
            with httpx.Client(base_url=url, timeout=30) as c:
                while not stop.is_set():
                    if c.post("/api/chat", json={"question": crafted, "context": context}).status_code == 200:
                        answered[0] += 1

        threads = [threading.Thread(target=flood, daemon=True) for _ in range(16)]
        for t in threads:
            t.start()
        health = []
        try:
            time.sleep(1)
            with httpx.Client(base_url=url, timeout=10) as c:
                end = time.monotonic() + 6
                while time.monotonic() < end:
                    started = time.perf_counter()
                    assert c.get("/healthz").status_code == 200
                    health.append(time.perf_counter() - started)
                    time.sleep(0.05)
        finally:
            stop.set()
            for t in threads:
                t.join(30)
    health.sort()
    p95 = health[int(0.95 * (len(health) - 1))]
    assert answered[0] > 50, "the flood did not reach the server"
    assert p95 < 0.1, f"/healthz p95 {1000 * p95:.0f} ms under the flood (median {1000 * statistics.median(health):.0f} ms)"
    assert health[-1] < 1.0, f"/healthz took {1000 * health[-1]:.0f} ms under the flood"


def test_worker_threads_share_the_query_caches_safely(fake_settings):
    """Turns run in worker threads now: remembering query vectors and readings, with evictions, from eight
    threads at once never raises, and the caches stay within their size."""
    import dataclasses
    from concurrent.futures import ThreadPoolExecutor

    a = Assistant(dataclasses.replace(fake_settings, query_cache=8))
    questions = [f"what about early help for family number {n}?" for n in range(200)]
    with ThreadPoolExecutor(8) as pool:
        statuses = list(pool.map(lambda q: a.ask(q).status, questions * 2))
    assert len(statuses) == 400 and set(statuses) <= {"answered", "no_answer", "chitchat"}
    r = a.lib.retriever
    assert len(r._vectors) <= 8 and len(r._queries) <= 8
