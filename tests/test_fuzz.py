"""Schemathesis against the app's own OpenAPI schema, in process: no input may produce a 5xx, and every
response matches the schema (/api/chat returns the library's reply without a pydantic pass, so this checks it).

The schema is read at import from an app with no index (the OpenAPI document does not depend on
it); each generated case is then sent to an app serving the fake-embedder index. (Schemathesis's
lazy `from_fixture` loader does not work with this pytest version.)"""

from __future__ import annotations

import pytest
import schemathesis
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error, response_schema_conformance

from assistant.settings import Settings
from assistant.web import create_app


class _SchemaOnly:
    """Stands in for the Assistant when only the OpenAPI document is needed."""

    settings = Settings.from_env(env={})


schema = schemathesis.openapi.from_asgi("/openapi.json", create_app(_SchemaOnly.settings, _SchemaOnly()))


@pytest.fixture(scope="module")
def app(fake_settings, fake_assistant):
    return create_app(fake_settings, fake_assistant)


@schema.parametrize()
@settings(max_examples=60, deadline=None, suppress_health_check=list(HealthCheck))
def test_api_never_errors(case, app):
    response = case.call(app=app)
    case.validate_response(response, checks=[not_a_server_error, response_schema_conformance])
    if response.status_code >= 400:  # every error keeps the one JSON shape
        body = response.json()
        assert "error" in body and set(body["error"]) == {"code", "message"}, body
