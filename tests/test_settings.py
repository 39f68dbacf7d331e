"""Settings: defaults, typed environment overrides, describe()."""

from __future__ import annotations

from dataclasses import fields
from pathlib import Path

import pytest

from assistant.settings import ROOT, Settings, describe


def test_defaults():
    s = Settings.from_env(env={})
    assert s == Settings()
    assert s.index_dir == ROOT / "index" and s.embedder == "auto" and s.log_questions is False
    assert s.sources_dir == s.index_dir / "sources" and s.store_dir == s.index_dir / "store"
    assert s.glossary_path == s.index_dir / "glossary.json"


def test_environment_overrides_are_typed(tmp_path):
    env = {"ASSISTANT_INDEX_DIR": str(tmp_path), "ASSISTANT_PORT": "9001", "ASSISTANT_LOG_QUESTIONS": "yes",
           "ASSISTANT_RELOAD_SECONDS": "0.5", "ASSISTANT_EMBEDDER": "fake", "ASSISTANT_MAX_QUESTION_CHARS": "20",
           "UNRELATED": "x", "ASSISTANT_NOT_A_SETTING": "y"}
    s = Settings.from_env(env=env)
    assert s.index_dir == tmp_path and isinstance(s.index_dir, Path)
    assert s.port == 9001 and type(s.port) is int
    assert s.log_questions is True
    assert s.reload_seconds == 0.5 and type(s.reload_seconds) is float
    assert s.embedder == "fake" and s.max_question_chars == 20


@pytest.mark.parametrize("raw,expected", [("1", True), ("true", True), (" ON ", True), ("Yes", True),
                                          ("0", False), ("false", False), ("no", False), ("", False)])
def test_bool_parsing(raw, expected):
    assert Settings.from_env(env={"ASSISTANT_LOG_QUESTIONS": raw}).log_questions is expected


def test_overrides_beat_environment(tmp_path):
    s = Settings.from_env(env={"ASSISTANT_PORT": "1"}, port=2, index_dir=tmp_path)
    assert s.port == 2 and s.index_dir == tmp_path


def test_reads_os_environ_by_default(monkeypatch):
    monkeypatch.setenv("ASSISTANT_PORT", "8123")
    assert Settings.from_env().port == 8123


def test_settings_are_frozen():
    with pytest.raises(Exception):
        Settings().port = 1  # type: ignore[misc]


def test_origins_are_split_and_trimmed():
    s = Settings(allowed_origins=" https://a.example/ , ,http://b.example:8080")
    assert s.origins == ["https://a.example", "http://b.example:8080"]
    assert Settings().origins == []


def test_describe_lists_every_field_with_help():
    rows = describe()
    assert [r[0] for r in rows] == ["ASSISTANT_" + f.name.upper() for f in fields(Settings)]
    for name, default, help_text in rows:
        assert help_text.strip() and len(help_text) > 10, name
    assert ("ASSISTANT_PORT", "8000") in [(r[0], r[1]) for r in rows]


def test_every_field_round_trips_through_the_environment(tmp_path):
    """Whatever describe() prints as a default, fed back through the environment, gives the default."""
    env = {name: default for name, default, _ in describe()}
    assert Settings.from_env(env=env) == Settings()
