"""Bearer tokens and the per-client rate limit on /api/* (assistant/limits.py, wired by http_guard)."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient

from assistant.errors import SettingsError
from assistant.limits import Policy, client_address
from assistant.web import create_app
from webfix import ANSWERABLE, assert_error, client, settings_with  # noqa: F401  (client is a fixture)

ORIGIN = "https://intranet.example.org"


def app_client(fake_settings, fake_assistant, **changes) -> TestClient:
    return TestClient(create_app(settings_with(fake_settings, **changes), fake_assistant))


# -- rate limit ---------------------------------------------------------------------------------------
def test_rate_limit_answers_429_json_with_retry_after(fake_settings, fake_assistant):
    c = app_client(fake_settings, fake_assistant, rate_limit="30/minute")
    statuses = [c.post("/api/chat", json={"question": "hello"}).status_code for _ in range(60)]
    assert statuses[:30] == [200] * 30 and statuses[30:] == [429] * 30
    r = c.get("/api/messages")
    body = assert_error(r, 429, "rate_limited")
    wait = int(r.headers["retry-after"])
    assert 1 <= wait <= 60 and str(wait) in body["error"]["message"]


def test_healthz_and_pages_are_never_limited(fake_settings, fake_assistant):
    c = app_client(fake_settings, fake_assistant, rate_limit="2/minute")
    assert [c.get("/healthz").status_code for _ in range(20)] == [200] * 20
    assert [c.head("/healthz").status_code for _ in range(5)] == [200] * 5
    assert [c.get(p).status_code for p in ("/", "/docs", "/widget.js", "/openapi.json") for _ in range(3)] == [200] * 12


def test_no_rate_limit_by_default(client):
    assert all(client.get("/api/messages").status_code == 200 for _ in range(100))


def test_forwarded_address_counts_only_from_a_trusted_proxy(fake_settings, fake_assistant):
    # TestClient's peer address is "testclient": trusted here, so each forwarded client has its own bucket.
    trusted = app_client(fake_settings, fake_assistant, rate_limit="2/minute", trusted_proxies="testclient")
    for address in ("203.0.113.1", "203.0.113.2"):
        codes = [trusted.get("/api/messages", headers={"X-Forwarded-For": address}).status_code for _ in range(3)]
        assert codes == [200, 200, 429]
    # Untrusted peer: the header is the sender's own claim and is ignored, so changing it does not help.
    untrusted = app_client(fake_settings, fake_assistant, rate_limit="2/minute", trusted_proxies="127.0.0.1")
    codes = [untrusted.get("/api/messages", headers={"X-Forwarded-For": f"198.51.100.{i}"}).status_code for i in range(4)]
    assert codes == [200, 200, 429, 429]


def test_client_address():
    def scope(peer, *forwarded):
        return {"client": (peer, 1), "headers": [(b"x-forwarded-for", f.encode()) for f in forwarded]}

    trusted = frozenset({"127.0.0.1", "10.0.0.2"})
    assert client_address(scope("198.51.100.7", "1.2.3.4"), trusted) == "198.51.100.7"
    assert client_address(scope("127.0.0.1", "1.2.3.4"), trusted) == "1.2.3.4"
    assert client_address(scope("127.0.0.1", "6.6.6.6, 1.2.3.4, 10.0.0.2"), trusted) == "1.2.3.4"  # spoofed first hop
    assert client_address(scope("127.0.0.1"), trusted) == "127.0.0.1"


def test_a_malformed_rate_is_a_settings_error(fake_settings):
    with pytest.raises(SettingsError, match="ASSISTANT_RATE_LIMIT"):
        Policy(settings_with(fake_settings, rate_limit="lots"))


# -- tokens -------------------------------------------------------------------------------------------
def test_tokens_guard_the_api(fake_settings, fake_assistant):
    c = app_client(fake_settings, fake_assistant, api_tokens="s3cret-one, s3cret-two")
    r = c.post("/api/chat", json={"question": ANSWERABLE})
    assert_error(r, 401, "unauthorized")
    assert r.headers["www-authenticate"] == "Bearer"
    wrong = c.get("/api/messages", headers={"Authorization": "Bearer guess-this-value"})
    assert "guess-this-value" not in assert_error(wrong, 401)["error"]["message"]
    assert c.get("/api/messages", headers={"Authorization": "Basic s3cret-one"}).status_code == 401
    for token in ("s3cret-one", "s3cret-two"):
        ok = c.post("/api/chat", json={"question": ANSWERABLE}, headers={"Authorization": f"Bearer {token}"})
        assert ok.status_code == 200 and ok.json()["status"] == "answered"
    assert c.get("/healthz").status_code == 200 and c.get("/").status_code == 200 and c.get("/widget.js").status_code == 200


def test_tokens_keep_the_widget_origin_allow_list_working(fake_settings, fake_assistant):
    c = app_client(fake_settings, fake_assistant, api_tokens="s3cret", allowed_origins=ORIGIN)
    pre = c.options("/api/chat", headers={"Origin": ORIGIN, "Access-Control-Request-Method": "POST",
                                          "Access-Control-Request-Headers": "authorization, content-type"})
    assert pre.status_code == 200 and "authorization" in pre.headers["access-control-allow-headers"].lower()
    r = c.post("/api/chat", json={"question": ANSWERABLE}, headers={"Origin": ORIGIN, "Authorization": "Bearer s3cret"})
    assert r.status_code == 200 and r.headers["access-control-allow-origin"] == ORIGIN
    refused = c.post("/api/chat", json={"question": ANSWERABLE}, headers={"Origin": ORIGIN})
    assert refused.status_code == 401 and refused.headers["access-control-allow-origin"] == ORIGIN  # readable by the widget
    other = c.options("/api/chat", headers={"Origin": "https://evil.example", "Access-Control-Request-Method": "POST"})
    assert other.status_code == 400


def test_retry_after_is_readable_cross_origin(fake_settings, fake_assistant):
    c = app_client(fake_settings, fake_assistant, rate_limit="1/minute", allowed_origins=ORIGIN)
    c.get("/api/messages", headers={"Origin": ORIGIN})
    r = c.get("/api/messages", headers={"Origin": ORIGIN})
    assert r.status_code == 429 and "retry-after" in r.headers["access-control-expose-headers"].lower()
