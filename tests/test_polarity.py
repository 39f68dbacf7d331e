"""polarity.py: which side of the findings a broad question asks for, and which side a sentence says."""

from __future__ import annotations

import pytest

from assistant.polarity import BAD, GOOD, NEITHER, asked, said
from turnfix import km  # noqa: F401
from corefix import real_fake_settings  # noqa: F401


@pytest.mark.parametrize("question, side", [
    ("what's going well?", GOOD), ("any good news for frontline staff?", GOOD), ("what's got better", GOOD),
    ("what are the main challenges?", BAD), ("where are we falling short", BAD), ("what needs improving most across scotland?", BAD),
    ("what's not going well?", BAD),  # the phrase that says not is read first
    ("strengths and weaknesses?", NEITHER), ("what got better and what got worse?", NEITHER),
    ("sum it all up", NEITHER),
])
def test_the_side_a_question_asks_for(question, side):
    assert asked(question) == side


@pytest.mark.parametrize("sentence, side", [
    ("Staff were confident and competent at identifying a range of concerns.", GOOD),
    ("The response to concerns about older young people was not consistently effective.", BAD),  # "not" outweighs
    ("Without further national attention, these issues will continue to hamper the efforts of staff.", BAD),
    ("We undertook some joint inspections during the period of the pandemic.", NEITHER),
])
def test_the_side_a_sentence_says(sentence, side):
    assert said(sentence) == side


def test_a_broad_question_asking_what_goes_well_quotes_nothing_that_says_it_does_not(km):
    for question, other in (("what's going well?", BAD), ("what are the main challenges?", GOOD)):
        reply = km.ask(question)
        assert reply.status == "answered" and len(reply.quotes) > 1, question
        assert all(said(q.text) != other for q in reply.quotes), (question, [q.text for q in reply.quotes])
    # asked for both, both are quoted
    both = km.ask("strengths and weaknesses?")
    assert {said(q.text) for q in both.quotes} >= {GOOD, BAD}
