"""reply.check_grounding and the reply contract."""

from __future__ import annotations

import logging

import pytest

from assistant import core, replies
from assistant.core import Assistant
from assistant.corpus import Message, split_sentences
from assistant.errors import GroundingError
from assistant.reply import Quote, Reply, Source, answer_quote, check_grounding, passage_quote, quote_of, render
from corefix import CONTRACT_KEYS, grounding_problems, lenient, small_settings  # noqa: F401

TEXT = "Early help worked well. Staff valued it."
MSG = Message("doc:key-message-2", "Key message 2", "Doc", TEXT, split_sentences(TEXT))


def good_reply() -> Reply:
    q = quote_of(MSG, 1, 0.9)
    return Reply("answered", render("answered", quotes=[q], document="Doc", intent=""), [q], [Source.of(MSG)])


def test_quote_of_is_verbatim_and_good_reply_passes():
    q = quote_of(MSG, 1, 0.123456)
    assert (q.text, q.start, q.end, q.score, q.title) == ("Staff valued it.", 24, 40, 0.1235, "Key message 2")
    check_grounding(good_reply())
    assert grounding_problems(good_reply(), {MSG.id: MSG}) == []



LEANING = "Data on impact was an area for improvement. This was also the case for the views of children. Staff were kind."
LEAN_MSG = Message("doc:key-message-8", "Key message 8", "Doc", LEANING, split_sentences(LEANING))


def test_an_answer_that_points_back_is_quoted_with_the_sentence_before_it():
    q = answer_quote(LEAN_MSG, 1, 0.5)  # "This was also the case ..." says nothing alone
    assert q.text == "Data on impact was an area for improvement. This was also the case for the views of children."
    assert (q.start, q.end) == (0, LEAN_MSG.sentences[1].end) and LEANING[q.start:q.end] == q.text
    assert answer_quote(LEAN_MSG, 2, 0.5) == quote_of(LEAN_MSG, 2, 0.5)  # stands alone
    assert answer_quote(MSG, 0, 0.5) == quote_of(MSG, 0, 0.5)  # nothing before it
    reply = Reply("answered", render("answered", quotes=[q], document="Doc", intent=""), [q], [Source.of(LEAN_MSG)])
    check_grounding(reply)
    assert grounding_problems(reply, {LEAN_MSG.id: LEAN_MSG}) == []
    three = Quote(PLAIN_MSG.id, PLAIN_MSG.title, PLAIN, 0, len(PLAIN), 0.5)  # three sentences, none pointing back:
    bad = Reply("answered", render("answered", quotes=[three], document="Doc", intent=""), [three], [Source.of(PLAIN_MSG)])
    assert any("not whole sentences" in p for p in grounding_problems(bad, {PLAIN_MSG.id: PLAIN_MSG}))  # not a quote
    # the library makes


PLAIN = "Early help was a priority. Support reached families early. Staff were kind."
PLAIN_MSG = Message("doc:key-message-2", "Key message 2", "Doc", PLAIN, split_sentences(PLAIN))


def test_a_pick_is_quoted_with_its_neighbour_as_one_passage():
    """passage_quote: the pick and the sentence beside it, verbatim from the first to the last, in either order; from
    the sentence before when the first of them points back at it; the pick alone when there is no neighbour."""
    s = PLAIN_MSG.sentences
    after = passage_quote(PLAIN_MSG, 1, 2, 0.5)
    assert after.text == PLAIN[s[1].start:s[2].end] == "Support reached families early. Staff were kind."
    assert passage_quote(PLAIN_MSG, 2, 1, 0.5) == after  # the neighbour before the pick: the same passage
    assert passage_quote(PLAIN_MSG, 1, None, 0.5) == answer_quote(PLAIN_MSG, 1, 0.5)
    leaning = passage_quote(LEAN_MSG, 2, 1, 0.5)  # "This was also the case ..." points back at the first sentence
    assert (leaning.start, leaning.end) == (0, len(LEANING)) and leaning.text == LEANING
    for q, m in ((after, PLAIN_MSG), (leaning, LEAN_MSG)):
        reply = Reply("answered", render("answered", quotes=[q], document="Doc", intent=""), [q], [Source.of(m)])
        check_grounding(reply)
        assert grounding_problems(reply, {m.id: m}) == []

def test_rejects_quote_that_is_not_its_source_text():
    r = good_reply()
    q = r.quotes[0]
    r.quotes = [Quote(q.message_id, q.title, "Staff valued it!", q.start, q.end, q.score)]
    r.reply = r.reply.replace("valued it.", "valued it!")
    with pytest.raises(GroundingError, match="not verbatim"):
        check_grounding(r)


@pytest.mark.parametrize("start,end", [(23, 39), (-1, 15), (24, 41), (30, 30), (40, 24)])
def test_rejects_wrong_offsets(start, end):
    r = good_reply()
    q = r.quotes[0]
    r.quotes = [Quote(q.message_id, q.title, q.text, start, end, q.score)]
    with pytest.raises(GroundingError):
        check_grounding(r)


def test_rejects_quote_whose_source_text_differs():
    r = good_reply()
    r.sources = [Source(MSG.id, MSG.title, MSG.document, TEXT.replace("Staff valued", "Staff hated"))]
    with pytest.raises(GroundingError):
        check_grounding(r)


def test_rejects_quote_without_source():
    r = good_reply()
    r.sources = [Source("doc:other", "Other", "Doc", TEXT)]
    with pytest.raises(GroundingError, match="no source"):
        check_grounding(r)


def test_rejects_answered_without_quotes():
    with pytest.raises(GroundingError):
        check_grounding(Reply("answered", "From the documents: nothing"))


def test_rejects_no_answer_or_chitchat_with_quotes():
    for status in ("no_answer", "chitchat"):
        r = good_reply()
        r.status = status
        with pytest.raises(GroundingError):
            check_grounding(r)


def test_rejects_quote_missing_from_reply_text():
    r = good_reply()
    r.reply = "From the Doc: (quote withheld)"
    with pytest.raises(GroundingError, match="missing from the reply"):
        check_grounding(r)


def test_rejects_unknown_status():
    with pytest.raises(GroundingError):
        check_grounding(Reply("maybe", "hmm"))


def test_declines_and_chitchat_without_quotes_pass():
    check_grounding(Reply("no_answer", "I couldn't find that."))
    check_grounding(Reply("chitchat", "Hello."))


def test_to_dict_has_exactly_the_contract_keys():
    d = good_reply().to_dict()
    assert set(d) == CONTRACT_KEYS
    assert set(d["quotes"][0]) == {"message_id", "title", "text", "start", "end", "score", "page", "document"}
    assert set(d["sources"][0]) == {"message_id", "title", "document", "text", "document_id", "url"}


def test_render_uses_reviewed_templates_and_strict_undefined():
    import jinja2

    text = render("answered", quotes=[quote_of(MSG, 0, 1.0)], document="Doc", intent="")
    assert "“Early help worked well.” (Key message 2)" in text
    with pytest.raises(jinja2.UndefinedError):
        render("answered", quotes=[quote_of(MSG, 0, 1.0)], intent="")


# -- the Assistant withholds a reply that fails the check ----------------------------------------

@pytest.fixture(scope="module")
def assistant(small_settings):  # noqa: F811
    return lenient(Assistant(small_settings))


QUESTION = "does early help prevent harm for families"


def test_assistant_answers_when_nothing_is_corrupted(assistant):
    reply = assistant.ask(QUESTION)
    assert reply.status == "answered"
    assert grounding_problems(reply, assistant.store.messages) == []


@pytest.mark.parametrize("corruption", ["text", "offsets", "message"])
def test_corrupted_quote_is_withheld_and_logged(assistant, monkeypatch, caplog, corruption):
    real, real_passage = replies.answer_quote, replies.passage_quote

    def corrupt(message, index, score, q=None):
        q = q or real(message, index, score)
        if corruption == "text":
            return Quote(q.message_id, q.title, q.text.replace("e", "E"), q.start, q.end, q.score)
        if corruption == "offsets":
            return Quote(q.message_id, q.title, q.text, q.start + 1, q.end + 1, q.score)
        other = next(i for i in assistant.store.messages if i != q.message_id)  # attributed to the wrong message
        return Quote(other, q.title, q.text, q.start, q.end, q.score)

    monkeypatch.setattr(replies, "answer_quote", corrupt)
    monkeypatch.setattr(replies, "passage_quote",  # a pick quoted with its neighbour is checked the same way
                        lambda message, index, neighbour, score: corrupt(message, index, score,
                                                                         real_passage(message, index, neighbour, score)))
    with caplog.at_level(logging.ERROR, logger="assistant"):
        reply = assistant.ask(QUESTION, {"v": 1, "topic": "", "quoted": [], "shown": [], "turn": 4})
    assert reply.status == "no_answer" and reply.quotes == [] and reply.sources == []
    assert reply.reply == render("failure")
    assert reply.context["turn"] == 4  # the context the caller sent, unchanged
    assert any(r.levelno == logging.ERROR and "grounding" in r.getMessage() for r in caplog.records)
    check_grounding(reply)
