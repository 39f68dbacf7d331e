"""Helpers shared by the HTTP tests (test_web.py, test_web_ops.py): the app on the fake-embedder index,
an answerable question, and the one JSON error shape."""

from __future__ import annotations

import dataclasses

import pytest
from fastapi.testclient import TestClient

from assistant.web import create_app

ANSWERABLE = "Staff were confident and competent at identifying a range of concerns"


@pytest.fixture(scope="module")
def client(fake_settings, fake_assistant):
    return TestClient(create_app(fake_settings, fake_assistant))


def settings_with(settings, **changes):
    return dataclasses.replace(settings, **changes)


def assert_error(response, status: int, code: str | None = None) -> dict:
    assert response.status_code == status, response.text
    assert response.headers["content-type"].startswith("application/json")
    body = response.json()
    assert set(body) == {"error"} and set(body["error"]) == {"code", "message"}
    assert isinstance(body["error"]["message"], str) and body["error"]["message"]
    if code:
        assert body["error"]["code"] == code
    return body
