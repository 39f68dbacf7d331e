"""Fixtures for the turn tests (test_turns.py, test_compound_turns.py, test_last_answer_turns.py,
test_asker_turns.py): the key messages with the fake embedder, and a recorder of every Reading the conversation asks the
library to decide."""

from __future__ import annotations

import pytest

from assistant.core import Assistant
from corefix import lenient, real_fake_settings  # noqa: F401


@pytest.fixture(scope="module")
def km(real_fake_settings):  # noqa: F811
    return lenient(Assistant(real_fake_settings))


class Recorder:
    """Wraps the library's decide and keeps every Reading the conversation asked for."""

    def __init__(self, decide):
        self.decide, self.readings = decide, []

    def __call__(self, reading):
        self.readings.append(reading)
        return self.decide(reading)


@pytest.fixture
def recorded(km):
    rec = Recorder(km.conversation.decide)
    km.conversation.decide = km.conversation.compound.decide = rec  # a compound question's parts too (compound.py)
    yield km, rec
    km.conversation.decide = km.conversation.compound.decide = rec.decide


TOPIC = {"v": 1, "topic": "is domestic abuse still a problem?", "quoted": [], "shown": [], "turn": 1}
