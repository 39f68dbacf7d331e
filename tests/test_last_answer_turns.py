"""Turns that ask for more of the last answer, on the real corpus with the fake embedder (fast): "tell me more",
"which message says that?", "anything else (on that)?", another part of the message just quoted, how far what was just
shown holds, and the quoted spans those are read from (the follow-ups that lean on the last topic: test_turns.py)."""

from __future__ import annotations

import pytest

from corefix import real_fake_settings  # noqa: F401
from turnfix import km, recorded  # noqa: F401


def test_anything_else_on_that_gives_the_rest_of_the_message_when_no_other_has_more(recorded):
    """'Anything else on that?' looks in the messages not yet shown; when none of them answers, the rest of the
    message just quoted is the more there is (it was declined as if nothing else were said)."""
    km, rec = recorded
    first = km.ask("what does key message 11 say about independent advocacy being embedded")
    assert first.status == "answered" and [q.title for q in first.quotes] == ["Key message 11"]

    more = _nothing_elsewhere(km, rec, "anything else on that?", first.context)
    assert any(r.exclude for r in rec.readings)  # it did look elsewhere first
    assert more.status == "answered" and {q.title for q in more.quotes} == {"Key message 11"}
    assert not {q.text for q in more.quotes} & {q.text for q in first.quotes}


def test_anything_else_about_the_topic_just_answered_gives_the_rest_of_its_message(recorded):
    """'Anything else about covid?' after an answer about covid, when no message not yet shown speaks of it: the rest of
    the message quoted is the more there is, as for 'anything else on that?'. A new topic gets no such fallback."""
    km, rec = recorded
    first = km.ask("what did the covid-period inspections find on collaborative responses to risk")
    covid = next(q for q in first.quotes if q.title == "Key message 9")
    more = _nothing_elsewhere(km, rec, "anything else about covid?", first.context)
    assert more.status == "answered" and {q.title for q in more.quotes} == {"Key message 9"}
    assert covid.text not in {q.text for q in more.quotes}
    other = _nothing_elsewhere(km, rec, "anything else about poverty?", first.context)
    assert not (other.status == "answered" and {q.title for q in other.quotes} == {"Key message 9"})


def _held(km, title: str) -> tuple:
    """A message of the real corpus whose second sentence points back, and the span an answer quoting that
    sentence holds (reply.answer_quote: the sentence before it, then it)."""
    m = next(m for m in km.store.messages.values() if m.title == title)
    return m, m.sentences[0].start, m.sentences[1].end


def test_tell_me_more_after_a_quote_of_two_sentences_gives_neither_again(km):
    m, start, end = _held(km, "Key message 4")  # its second sentence: "These relationships were built on ..."
    assert len(m.sentences) == 3
    reply = km.ask("tell me more", {"v": 1, "topic": "relationships", "quoted": [[m.id, start, end]], "shown": [m.id], "turn": 1})
    assert reply.status == "answered"
    assert [(q.start, q.end) for q in reply.quotes] == [(m.sentences[2].start, m.sentences[2].end)]


def test_which_message_says_that_repeats_a_quote_of_two_sentences_whole(km):
    m, start, end = _held(km, "Key message 4")
    reply = km.ask("which message says that?", {"v": 1, "topic": "relationships", "quoted": [[m.id, start, end]],
                                                 "shown": [m.id], "turn": 1})
    assert [(q.message_id, q.start, q.end) for q in reply.quotes] == [(m.id, start, end)]


@pytest.mark.parametrize("text", ["and in plain English?", "can you say that more simply", "what does that mean in layman's terms",
                                  "explain that in simple terms please"])
def test_in_plain_english_gives_the_same_quotes_again_saying_only_their_words_can_be_given(km, text):
    """The assistant cannot put an answer in other words: asked to, it quotes the same passage again and says why,
    in the template's words; with nothing quoted yet there is nothing to restate."""
    m, start, end = _held(km, "Key message 4")
    reply = km.ask(text, {"v": 1, "topic": "relationships", "quoted": [[m.id, start, end]], "shown": [m.id], "turn": 1})
    assert reply.status == "answered" and [(q.message_id, q.start, q.end) for q in reply.quotes] == [(m.id, start, end)]
    assert reply.reply.startswith("I can only give the documents' own words")
    assert km.ask(text).reason == "no_topic"
    assert km.ask("explain what the key messages say about advocacy in plain english").reply != reply.reply


@pytest.mark.parametrize("end", [5, 10**9])  # not where a sentence ends: a context is the client's to send
def test_a_quoted_span_that_ends_off_a_sentence_is_dropped(km, end):
    m, start, _ = _held(km, "Key message 4")
    reply = km.ask("which message says that?", {"v": 1, "topic": "relationships", "quoted": [[m.id, start, end]],
                                                 "shown": [m.id], "turn": 1})
    assert reply.status == "no_answer" and reply.reason == "no_topic"


def test_an_answer_quoting_a_sentence_that_points_back_holds_the_one_before(km):
    """An answer's quote is one sentence, or one that points back with the sentence before it (or the first quote a
    pick with its neighbour); across many questions on the real corpus, a quote of two sentences occurs (checked in
    full by corefix.grounding_problems)."""
    spans = []
    for q in ["are relationships with workers built on trauma informed practice", "what are positive relationships built on",
              "do kids get to use the views of children in service planning", "did early help make a difference"]:
        reply = km.ask(q)
        for quote in reply.quotes:
            m = km.store.messages[quote.message_id]
            first = next(i for i, s in enumerate(m.sentences) if s.start == quote.start)
            last = next(i for i, s in enumerate(m.sentences) if s.end == quote.end)
            spans.append(last - first)
            pointed = last == first + 1 and m.sentences[last].text.startswith(("These", "This"))
            assert last == first or pointed or quote == reply.quotes[0] and first < last <= first + 2
    assert 1 in spans


def test_anything_else_gives_the_nearest_other_message_and_says_so_when_none_answers_as_well(recorded):
    """A bare 'anything else?' after an answer: when no message not yet shown passes the answer model, the best of
    them is quoted, and the reply says it is the nearest, not an answer."""
    km, rec = recorded
    first = km.ask("is domestic abuse still a problem?")
    assert first.status == "answered"
    shown = {q.message_id for q in first.quotes}

    more = _nothing_elsewhere(km, rec, "anything else?", first.context)
    assert more.status == "answered" and not {q.message_id for q in more.quotes} & shown
    assert "The nearest is in" in more.reply
    assert "The nearest is in" not in first.reply


def _nothing_elsewhere(km, rec, question: str, context: dict):
    """km's reply to `question` when no message left out of a search answers, whatever the fake embedder's vectors
    say (a reading that excludes messages is declined as weak, its candidates kept)."""
    from dataclasses import replace

    def declined(reading):
        found = rec(reading)
        return replace(found, decision=replace(found.decision, answered=False, picks=[], reason="weak")) if reading.exclude else found

    km.conversation.decide = declined
    try:
        return km.ask(question, context)
    finally:
        km.conversation.decide = rec


def test_what_was_shown_stays_shown_through_follow_ups_and_new_topics(recorded):
    """'Anything else?' looks past the messages of every answer in the conversation, not only the last one's: on the
    topic's follow-ups and on a new topic after them."""
    km, rec = recorded
    first = km.ask("is domestic abuse still a problem?")
    assert first.status == "answered"
    on_topic = set(first.context["shown"])
    follow = km.ask("does poverty feed into that?", first.context)
    assert follow.status == "answered"
    just = {q.message_id for q in follow.quotes}
    assert just - on_topic  # the follow-up was answered from another message
    assert set(follow.context["shown"]) == on_topic | just  # and the topic went on
    rec.readings.clear()
    km.ask("anything else?", follow.context)
    assert rec.readings[0].exclude == frozenset(on_topic | just)

    fresh = km.ask("what do the documents say about independent advocacy?", follow.context)
    assert fresh.status == "answered" and fresh.context["topic"] == "what do the documents say about independent advocacy?"
    # a new topic keeps what the conversation has shown: a later "anything else?" does not show it again
    assert set(fresh.context["shown"]) == on_topic | just | {q.message_id for q in fresh.quotes}
    rec.readings.clear()
    km.ask("anything else?", fresh.context)
    assert rec.readings[0].exclude == frozenset(fresh.context["shown"])


def _two_shown(km) -> tuple[str, str, dict]:
    """Two messages the conversation has shown, the second the last answer's, and that context."""
    m1, m2 = list(km.store.messages)[1:3]
    return m1, m2, {"v": 1, "topic": "is domestic abuse still a problem?", "quoted": [[m2, 0, 5]], "shown": [m1, m2], "turn": 2}


def test_the_thing_said_about_a_topic_is_looked_for_first_among_the_messages_shown(recorded):
    km, rec = recorded
    m1, m2, context = _two_shown(km)
    rec.readings.clear()
    km.ask("which part of the report covers the bit about poverty?", context)
    assert rec.readings[0].only == frozenset({m1, m2}) and rec.readings[0].text == "poverty"
    rec.readings.clear()
    km.ask("which key message is the poverty one?", context)  # a message's subject: looked for everywhere
    assert all(r.only is None for r in rec.readings)


def test_that_is_looked_for_first_in_the_last_answers_messages(recorded):
    km, rec = recorded
    m1, m2, context = _two_shown(km)
    rec.readings.clear()
    km.ask("is that across the whole country?", context)
    assert any(r.only == frozenset({m2}) and r.within for r in rec.readings)
    assert not any(r.only == frozenset({m1, m2}) for r in rec.readings)


def test_anything_else_reads_its_name_and_kind_checks_from_what_was_typed(recorded):
    """The topic passed its checks when it was answered; "anything else?" asks for no figure and names nothing, so a
    name in the topic's opening ("kinship carer support: ...") does not decline it."""
    km, rec = recorded
    context = {"v": 1, "topic": "did it make a difference? kinship carer support: is early help a priority?",
               "quoted": [], "shown": [], "turn": 3}
    rec.readings.clear()
    km.ask("anything else?", context)
    assert rec.readings[0].exclude is not None and rec.readings[0].asked == "anything else?"


def test_a_follow_up_asking_for_another_part_of_the_message_just_quoted_is_not_given_the_same_quote(km, monkeypatch):
    """Read with the last topic, a follow-up finds the sentence it found before; its own words, searched in that message,
    pick the part it asks about ("and did staff feel backed ..." after the pandemic's lead sentence). A follow-up that
    the message's other sentences do not answer keeps the quote it had (NOT_AGAIN_SHARE)."""
    from assistant.conversation import Conversation

    def last(turns):
        ctx = None
        for t in turns:
            r = km.ask(t, ctx)
            ctx = r.context
        return r

    backed = ["what happened in the pandemic?", "and did staff feel backed by their managers then?"]
    leaders = ["are staff confident in senior leaders?", "does that matter for outcomes?"]
    assert last(backed).quotes[0].text.startswith("Staff also told us how well supported")
    assert last(leaders).quotes[0].text.startswith("However, we noted clear links")
    still = last(["is domestic abuse still a problem?", "is it getting better or still a problem"])
    assert "domestic abuse" in still.quotes[0].text
    monkeypatch.setattr(Conversation, "_not_again", lambda self, found, text, ctx: found)  # without it: the same again
    assert last(backed).quotes[0].text.startswith("We undertook some joint inspections")
    assert last(leaders).quotes[0].text.startswith("Staff, overall, reported")


def test_how_far_what_was_just_shown_holds_is_answered_from_it_when_nothing_else_answers(km, monkeypatch):
    """'is that most places?' names nothing but how far a finding holds: when neither the message just quoted nor the
    documents answer it at the usual bar, the best sentence of the message just quoted is what there is."""
    from dataclasses import replace

    from assistant.readings import Answer

    first = km.ask("what does it say about independent advocacy?")
    shown = first.quotes[0].message_id
    decide = km.conversation.decide

    def weak(reading):
        found = decide(reading)
        return Answer(found.result, replace(found.decision, answered=False, picks=[], reason="weak"))
    monkeypatch.setattr(km.conversation, "decide", weak)
    r = km.ask("is that most places?", first.context)
    assert r.status == "answered" and r.quotes[0].message_id == shown
    assert km.ask("is that true of teenagers?", first.context).status == "no_answer"  # it names something else


@pytest.mark.parametrize("text", ["is it just in certain areas?", "is that just a few folk?", "is it in particular places?"])
def test_how_far_a_finding_holds_names_no_topic(km, text):
    """'certain areas', 'a few folk', 'particular places' ask how far what was just shown holds: no topic of their own
    (prompts/intents.json "extent"), so the turn leans on the last answer."""
    assert km.conversation.topics.topic_words(text) == []
    assert km.conversation.topics.topic_words("is it just in certain areas for teenagers?") == ["teenagers"]


@pytest.mark.parametrize("text", ["give me the rest", "what's the flip side?", "what's the evidence for that?"])
def test_the_rest_the_flip_side_and_the_evidence_of_one_quote_are_the_rest_of_its_message(km, text):
    """After a quote of one sentence with no side asked for, the rest of its message is the rest, the other side and the
    grounds the documents give; after 'what are the strengths?' the flip side is the other side (test_polarity.py)."""
    m, start, end = _held(km, "Key message 4")
    first = (m.sentences[0].start, m.sentences[0].end)
    reply = km.ask(text, {"v": 1, "topic": "relationships", "quoted": [[m.id, *first]], "shown": [m.id], "turn": 1})
    assert reply.status == "answered"
    assert [(q.start, q.end) for q in reply.quotes] == [(s.start, s.end) for s in m.sentences[1:]]
    assert km.ask(text).status == "no_answer"  # nothing quoted yet: nothing to go on


def test_a_word_of_the_message_just_shown_keeps_it_in_view_when_the_question_alone_answers_elsewhere(km, monkeypatch):
    """'does it vary by area?' after a quote from the advocacy message: 'vary' is a word few messages use, so it reads as
    a new topic, and read alone (here made to answer from the poverty message, 'across many areas', as the real model
    does) it answers elsewhere; the message just shown holds the word ('varied across partnerships'), so 'it' is
    looked for there first. A question read alone that answers from the message just shown is answered as it is."""
    from assistant.readings import Reading

    m = next(m for m in km.store.messages.values() if m.title == "Key message 11")
    first = (m.sentences[0].start, m.sentences[0].end)
    ctx = {"v": 1, "topic": "and do they get advocacy", "quoted": [[m.id, *first]], "shown": [m.id], "turn": 1}
    decide, q = km.conversation.decide, "does it vary by area"

    def alone_elsewhere(reading):
        if reading.text == q and reading.only is None:
            return decide(Reading("levels of poverty and deprivation across many areas"))
        return decide(reading)
    monkeypatch.setattr(km.conversation, "decide", alone_elsewhere)
    assert km.ask(q).quotes[0].message_id != m.id
    reply = km.ask(q, ctx)
    assert reply.status == "answered" and reply.quotes[0].message_id == m.id
    assert "varied" in reply.quotes[0].text


def test_anywhere_else_leaves_out_only_the_last_answers_messages(recorded):
    """'Is poverty mentioned anywhere else?' asks beyond the last answer: a message an earlier answer showed may hold it,
    so only the last answer's messages are left out. 'Anything else about poverty?' leaves out everything shown."""
    km, rec = recorded
    ids = {m.title: m.id for m in km.store.messages.values()}
    last, earlier = ids["Key message 5"], ids["Key message 12"]
    m = km.store.messages[last]
    ctx = {"v": 1, "topic": "mental health", "quoted": [[last, m.sentences[0].start, m.sentences[0].end]],
           "shown": [earlier, last], "turn": 2}
    km.ask("is poverty mentioned anywhere else?", ctx)
    assert any(r.exclude == frozenset({last}) for r in rec.readings), rec.readings
    assert not any(earlier in r.exclude for r in rec.readings), rec.readings
    rec.readings.clear()
    km.ask("anything else about poverty?", ctx)
    assert any(r.exclude == frozenset({earlier, last}) for r in rec.readings), rec.readings
