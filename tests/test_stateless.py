"""Two server processes serving alternate turns of one conversation answer exactly as one does:
everything a turn needs travels in `context`."""

import os
import socket
import subprocess
import sys
import time

import httpx
import pytest

from conftest import ROOT

TURNS = [
    "hello",
    "Staff were confident and competent at identifying a range of concerns",
    "tell me more",
    "which message says that?",
    "anything else?",
    "independent advocacy provision embedded across partnerships",
    "why is that?",
    "What does MARAC stand for?",
    "thanks",
]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
def servers(fake_settings):
    env = {**os.environ, "ASSISTANT_INDEX_DIR": str(fake_settings.index_dir), "ASSISTANT_EMBEDDER": "fake", "ASSISTANT_DB": str(fake_settings.db),
           "PYTHONPATH": str(ROOT)}
    procs, urls = [], []
    try:
        for _ in range(2):
            port = free_port()
            procs.append(subprocess.Popen(
                [sys.executable, "-m", "uvicorn", "assistant.web:create_app", "--factory", "--host", "127.0.0.1",
                 "--port", str(port), "--log-level", "warning"], env=env, cwd=ROOT))
            urls.append(f"http://127.0.0.1:{port}")
        deadline = time.monotonic() + 60
        for proc, url in zip(procs, urls):
            while True:
                assert proc.poll() is None, "a server process exited"
                try:
                    if httpx.get(url + "/healthz", timeout=1).status_code == 200:
                        break
                except httpx.TransportError:
                    pass
                assert time.monotonic() < deadline, "a server did not start"
                time.sleep(0.1)
        yield urls
    finally:
        for proc in procs:
            proc.terminate()
            proc.wait(10)


def converse(urls: list[str]) -> list[dict]:
    replies, context = [], {}
    with httpx.Client(timeout=10) as client:
        for n, question in enumerate(TURNS):
            r = client.post(urls[n % len(urls)] + "/api/chat", json={"question": question, "context": context})
            assert r.status_code == 200, r.text
            replies.append({k: v for k, v in r.json().items() if k != "id"})  # a reply's id is random by design
            context = replies[-1]["context"]
    return replies


def test_alternating_processes_match_one_process(servers):
    one = converse(servers[:1])
    two = converse(servers)
    assert [r["status"] for r in one].count("answered") >= 3  # the conversation really quotes things
    assert two == one
