"""Choosing between two readings of one question (assistant/readings.py): plain records, no search."""

from __future__ import annotations

from assistant.answer import Decision
from assistant.readings import Answer


def _reading(answered: bool, confidence: float) -> Answer:
    return Answer(result=None, decision=Decision(answered, [], confidence, "" if answered else "weak"))


def test_what_follows_an_opening_answers_unless_the_whole_is_clearly_surer():
    """'QA mgr: anything about sustaining improvement being held back?': read whole, 'QA' pulls the search towards
    quality assurance; read alone, what follows the opening answers a little less surely, and answers."""
    whole, alone = _reading(True, 0.98), _reading(True, 0.86)
    assert whole.unless_near(alone, 0.2) is alone
    assert whole.surer(alone) is whole  # the surer of the two would keep the opening's pull
    assert whole.unless_near(_reading(True, 0.7), 0.2) is whole  # the whole is surer by more than the lean
    assert whole.unless_near(_reading(False, 0.9), 0.2) is whole  # alone it does not answer
    assert _reading(False, 0.1).unless_near(_reading(True, 0.2), 0.2).answered
