"""polarity.py: which side of the findings a broad question asks for, and which side a sentence says."""

from __future__ import annotations

import pytest

from assistant.polarity import BAD, GOOD, NEITHER, asked, opposite, said
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


def test_the_opposite_of_one_side_is_the_other():
    assert opposite("and the opposite?", "what's going well?") == "what are the weaknesses?"
    assert opposite("what about the flip side", "what are the main challenges") == "what are the strengths?"
    assert opposite("and the opposite?", "sum it all up") is None  # no one side was asked for
    assert opposite("the opposite of advocacy?", "what's going well?") is None  # a question of its own


def test_the_opposite_after_one_side_quotes_the_other_and_keeps_a_topic_it_cannot_flip(km):
    first = km.ask("I'm preparing a briefing. Give me the main strengths.")
    flipped = km.ask("and the opposite?", first.context)
    assert flipped.status == "answered" and len(flipped.quotes) > 1
    assert all(said(q.text) != GOOD for q in flipped.quotes), [q.text for q in flipped.quotes]
    # asked of one topic, the other side would lose the topic: it is not read as the other side across the documents
    topical = km.ask("and the opposite?", km.ask("what are the strengths of advocacy?").context)
    assert not (topical.status == "answered" and len(topical.quotes) > 1 and all(said(q.text) != GOOD for q in topical.quotes))



def test_the_flip_side_may_be_asked_with_whats_and_the_weaker_bits_ask_for_one_side():
    assert opposite("what's the flip side?", "give me the main strengths") == "what are the weaknesses?"
    assert opposite("what’s the other side", "what are the main challenges") == "what are the strengths?"
    assert asked("and the weaker bits") == BAD and asked("and the not so good bits?") == BAD
    assert asked("what about the good bits?") == GOOD
