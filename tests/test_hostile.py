"""Hostile and malformed input: every one gets a 4xx JSON error, never a 5xx or a traceback."""

from __future__ import annotations

import asyncio
import json
import socket

import pytest
from fastapi.testclient import TestClient
from hypothesis import HealthCheck, given, settings, strategies as st

from assistant.web import create_app

JSON = {"content-type": "application/json"}


@pytest.fixture(scope="module")
def app(fake_settings, fake_assistant):
    return create_app(fake_settings, fake_assistant)


@pytest.fixture(scope="module")
def client(app):
    return TestClient(app)


def assert_json_4xx(r, status: int | None = None) -> None:
    assert r.status_code < 500, r.text
    assert 400 <= r.status_code, r.text
    if status is not None:
        assert r.status_code == status, r.text
    body = r.json()
    assert set(body) == {"error"} and isinstance(body["error"]["code"], str) and isinstance(body["error"]["message"], str)
    assert "Traceback" not in r.text


def nested(depth: int, open_: str = "[", close: str = "]") -> bytes:
    return (open_ * depth + close * depth).encode()


RAW_BODIES = {
    "truncated": b'{"question": "a"',
    "not json": b"not json at all",
    "empty": b"",
    "trailing junk": b'{"question": "hi"} xyz',
    "bare string": b'"hello"',
    "null": b"null",
    "nan": b'{"question": NaN}',
    "infinity context": b'{"question": "hi", "context": {"v": Infinity}}',
    "huge float": b'{"question": "hi", "context": {"v": 1e999}}',
    "huge int": b'{"question": "hi", "context": {"v": 1' + b"0" * 5000 + b"}}",
    "invalid utf-8": b'{"question": "\xff\xfe\xfd"}',
    "overlong utf-8": b'{"question": "\xc0\xaf"}',
    "raw NUL in string": b'{"question": "a\x00b"}',
    "NUL escape": b'{"question": "a\\u0000b"}',
    "only NUL": b'{"question": "\\u0000"}',
    "lone high surrogate": b'{"question": "\\ud800"}',
    "lone low surrogate": b'{"question": "abc \\udfff def"}',
    "surrogate in topic": b'{"question": "tell me more", "context": {"v": 1, "topic": "\\ud800", "quoted": [], "shown": [], "turn": 1}}',
    "surrogate in shown": b'{"question": "more", "context": {"v": 1, "topic": "x", "quoted": [], "shown": ["\\udbff"], "turn": 1}}',
    "surrogate as key": b'{"question": "hi", "context": {"\\ud800": 1}}',
    "surrogate as top key": b'{"question": "hi", "\\ud800": 1}',
    "deep arrays 10000": b'{"question": "hi", "context": ' + nested(10000) + b"}",
    "deep arrays 7000": b'{"question": "hi", "context": {"v": ' + nested(7000) + b"}}",
    "deep arrays 900": b'{"question": "hi", "context": {"v": 1, "quoted": ' + nested(900) + b"}}",
    "deep arrays 40": b'{"question": "hi", "context": {"v": 1, "shown": ' + nested(40) + b"}}",
    "deep objects": b'{"question": "hi", "context": ' + b'{"a": ' * 3000 + b"1" + b"}" * 3000 + b"}",
    "deep top level": nested(8000),
    "deep question": b'{"question": ' + nested(5000) + b"}",
    "question is object": b'{"question": {"question": "hi"}}',
    "question is bool": b'{"question": true}',
    "question is number": b'{"question": 1e308}',
    "context is list": b'{"question": "hi", "context": [1, 2]}',
    "context is string": b'{"question": "hi", "context": "{}"}',
    "context huge topic": b'{"question": "hi", "context": {"v": 1, "topic": "' + b"t" * 9000 + b'"}}',
    "context negative turn": b'{"question": "hi", "context": {"v": 1, "turn": -1}}',
    "context bad quoted": b'{"question": "more", "context": {"v": 1, "quoted": [["id", 5, "x"]], "turn": 1}}',
    "context float turn": b'{"question": "hi", "context": {"v": 1, "turn": 1.5}}',
    "extra field": b'{"question": "hi", "admin": true}',
    "too long": json.dumps({"question": "x" * 1001}).encode(),
    "whitespace": b'{"question": " \\t\\n\\r "}',
}


@pytest.mark.parametrize("name", list(RAW_BODIES))
def test_hostile_chat_bodies(client, name):
    r = client.post("/api/chat", content=RAW_BODIES[name], headers=JSON)
    assert_json_4xx(r)


def test_ten_thousand_nested_arrays_is_413(client):
    assert_json_4xx(client.post("/api/chat", content=RAW_BODIES["deep arrays 10000"], headers=JSON), 413)


@pytest.mark.parametrize("content_type", ["text/plain", "application/x-www-form-urlencoded", "multipart/form-data",
                                          "application/xml", "", "application/json; charset=utf-16"])
def test_wrong_content_types(client, content_type):
    r = client.post("/api/chat", content=b'{"question": "\xff hi"}', headers={"content-type": content_type})
    assert_json_4xx(r)


def test_valid_odd_text_is_answered_not_rejected(client):
    for q in ["\U0001F600 staff", "staff \u202e\u200b\u2066 concerns", "ＳＴＡＦＦ", "a\u0301", "😀" * 1000,
              "<script>alert(1)</script>", "' OR 1=1 --", "{{ 7*7 }}", "${jndi:ldap://x}"]:
        r = client.post("/api/chat", json={"question": q})
        assert r.status_code == 200, (q, r.text)
        assert "<script>" not in json.dumps(r.json()["reply"]) or r.json()["status"] != "answered"


# -- body size -------------------------------------------------------------------------------------
def test_body_over_limit_by_content_length(client, fake_settings):
    body = json.dumps({"question": "hi", "context": {"v": 1, "topic": "x" * fake_settings.max_body_bytes}}).encode()
    assert_json_4xx(client.post("/api/chat", content=body, headers=JSON), 413)


def test_body_over_limit_chunked(client, fake_settings):
    def chunks():
        yield b'{"question": "hi", "context": {"topic": "'
        for _ in range(fake_settings.max_body_bytes // 1000 + 2):
            yield b"y" * 1000
        yield b'"}}'

    assert_json_4xx(client.post("/api/chat", content=chunks(), headers=JSON), 413)


def test_body_under_limit_chunked_is_fine(client):
    def chunks():
        yield b'{"question": '
        yield b'"hello"}'

    assert client.post("/api/chat", content=chunks(), headers=JSON).status_code == 200


def _asgi(app, headers, chunks, method="POST", path="/api/chat"):
    """Drive the ASGI app directly, to send what a client library would not: lying lengths and the like."""
    sent, queue = [], [{"type": "http.request", "body": c, "more_body": i < len(chunks) - 1} for i, c in enumerate(chunks)]

    async def receive():
        if queue:
            return queue.pop(0)
        await asyncio.sleep(3600)

    async def send(message):
        sent.append(message)

    scope = {"type": "http", "asgi": {"version": "3.0"}, "http_version": "1.1", "method": method, "scheme": "http",
             "path": path, "raw_path": path.encode(), "query_string": b"", "root_path": "",
             "headers": [(k.encode(), v.encode()) for k, v in headers], "client": ("127.0.0.1", 1), "server": ("t", 80)}
    asyncio.run(asyncio.wait_for(app(scope, receive, send), 10))
    start = next(m for m in sent if m["type"] == "http.response.start")
    body = b"".join(m.get("body", b"") for m in sent if m["type"] == "http.response.body")
    return start["status"], json.loads(body) if body else None


def test_content_length_that_lies_low_is_still_limited(app, fake_settings):
    big = [b'{"question": "hi", "context": {"topic": "', b"z" * (fake_settings.max_body_bytes + 10), b'"}}']
    status, body = _asgi(app, [("content-type", "application/json"), ("content-length", "10")], big)
    assert status == 413 and body["error"]["code"] == "body_too_large"


@pytest.mark.parametrize("length", ["abc", "-1", "1e3", "99999999999999999999999", " "])
def test_bad_content_length(app, length):
    status, body = _asgi(app, [("content-type", "application/json"), ("content-length", length)], [b'{"question": "hi"}'])
    assert 400 <= status < 500 and "error" in body


def test_many_tiny_chunks(app):
    chunks = [bytes([b]) for b in b'{"question": "hello"}']
    status, body = _asgi(app, [("content-type", "application/json")], chunks)
    assert status == 200 and body["status"] == "chitchat"


# -- other endpoints -------------------------------------------------------------------------------
@pytest.mark.parametrize("url", [
    "/api/search?q=%00", "/api/search?q=%ED%A0%80", "/api/search?q=%FF%FE", "/api/search?q=" + "a" * 5000,
    "/api/search?q=staff&k=-1", "/api/search?q=staff&k=1e3", "/api/search?q=staff&k=99999999999999999999999",
    "/api/search?q=staff&k=", "/api/search?q[]=x", "/api/search?q=%20%20",
])
def test_hostile_search(client, url):
    r = client.get(url)  # undecodable bytes in a query string arrive as U+FFFD, which is harmless text
    assert r.status_code < 500
    if r.status_code >= 400 or "%00" in url or "k=" in url or "%20" in url:
        assert_json_4xx(r)


@pytest.mark.parametrize("url", ["/api/messages/%00", "/api/messages/%ED%A0%80", "/api/messages/" + "m" * 10000,
                                 "/api/messages/..%2F..%2Fetc%2Fpasswd", "/static/../assistant/web.py",
                                 "/static/%2e%2e/assistant/web.py", "/static/nope.js", "/%ff", "/api/chat/%00"])
def test_hostile_paths(client, url):
    r = client.get(url)
    assert r.status_code < 500
    if r.status_code >= 400:
        assert_json_4xx(r)


def test_search_query_repeated_and_params_junk(client):
    r = client.get("/api/search", params=[("q", "staff"), ("q", "again"), ("k", "3"), ("junk", "\x00")])
    assert r.status_code < 500


# -- over a real socket, through uvicorn -------------------------------------------------------------
def raw_http(port: int, data: bytes) -> bytes:
    with socket.create_connection(("127.0.0.1", port), timeout=10) as s:
        s.sendall(data)
        s.shutdown(socket.SHUT_WR)
        out = b""
        while chunk := s.recv(65536):
            out += chunk
    return out


def _status(raw: bytes) -> int:
    return int(raw.split(b" ", 2)[1])


def test_socket_chunked_oversized_body(live_app, fake_settings):
    body = b'{"question": "hi", "context": {"topic": "' + b"c" * (fake_settings.max_body_bytes + 100) + b'"}}'
    chunked = b"".join(b"%x\r\n%s\r\n" % (len(body[i:i + 4000]), body[i:i + 4000]) for i in range(0, len(body), 4000))
    req = (b"POST /api/chat HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
           b"Transfer-Encoding: chunked\r\nConnection: close\r\n\r\n" + chunked + b"0\r\n\r\n")
    raw = raw_http(live_app.port, req)
    assert _status(raw) == 413 and b'"body_too_large"' in raw


def test_socket_invalid_utf8_and_nul(live_app):
    for body in (b'{"question": "\xff\xfe"}', b'{"question": "a\x00"}', b'{"question": "\\ud800"}'):
        req = (b"POST /api/chat HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nConnection: close\r\n"
               b"Content-Length: %d\r\n\r\n%s" % (len(body), body))
        raw = raw_http(live_app.port, req)
        assert 400 <= _status(raw) < 500 and b'"error"' in raw


def test_socket_declared_length_over_limit(live_app, fake_settings):
    req = (b"POST /api/chat HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nConnection: close\r\n"
           b"Content-Length: %d\r\n\r\n{}" % (fake_settings.max_body_bytes * 4))
    raw = raw_http(live_app.port, req)
    assert _status(raw) == 413


# -- property tests --------------------------------------------------------------------------------
json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=True) | st.text(max_size=40),
    lambda children: st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=8), children, max_size=4),
    max_leaves=20)
context_like = st.fixed_dictionaries({}, optional={
    "v": st.sampled_from([1, 1, 0, "1", None, 1.0]),
    "topic": st.text(max_size=60) | json_values,
    "quoted": st.lists(st.tuples(st.text(max_size=60), st.integers(-5, 10**10), st.integers(-5, 10**10)).map(list), max_size=3) | json_values,
    "shown": st.lists(st.text(max_size=60), max_size=3) | json_values,
    "turn": st.integers(-2, 10**7) | json_values,
})
FAST = settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@FAST
@given(question=st.text(max_size=80) | json_values, context=context_like | json_values)
def test_property_chat_json_never_5xx(client, question, context):
    r = client.post("/api/chat", content=json.dumps({"question": question, "context": context}), headers=JSON)
    assert r.status_code < 500, r.text
    assert r.headers["content-type"].startswith("application/json")
    if r.status_code >= 400:
        assert "error" in r.json()


@FAST
@given(body=json_values)
def test_property_any_json_body_never_5xx(client, body):
    r = client.post("/api/chat", content=json.dumps(body), headers=JSON)
    assert r.status_code < 500, r.text


@FAST
@given(raw=st.binary(max_size=300) | st.text(max_size=200).map(lambda s: s.encode("utf-8", "surrogatepass")))
def test_property_any_bytes_never_5xx(client, raw):
    r = client.post("/api/chat", content=raw, headers=JSON)
    assert r.status_code < 500, r.text
    assert "error" in r.json()


@FAST
@given(q=st.text(max_size=80), k=st.integers(-5, 30) | st.text(max_size=5))
def test_property_search_never_5xx(client, q, k):
    r = client.get("/api/search", params={"q": q, "k": k})
    assert r.status_code < 500, r.text
