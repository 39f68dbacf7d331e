"""The conversation's turn logic on the real corpus with the fake embedder (fast): follow-ups use the context
only when they lean on it, broad questions (overviews: test_overview_turns.py; compound questions: test_compound_turns.py;
more of the last answer and "anything else?": test_last_answer_turns.py; who asks and the sentence that asks:
test_asker_turns.py; which words name a topic, or a new one: test_topic_words.py; the profile: test_profile.py)."""

from __future__ import annotations

import pytest

from assistant.answer import load_calibration
from assistant.core import Assistant
from assistant.cues import without_acknowledgement
from corefix import real_fake_settings  # noqa: F401
from turnfix import TOPIC, km, recorded  # noqa: F401


@pytest.mark.parametrize("follow_up", ["is that getting better?", "and for teenagers?", "what about domestic abuse in covid?",
                                       "why?", "how come?",  # a bare question word asks about what was just said
                                       "so whats needed?",  # 'needed': a form of a word the documents use ('need')
                                       "is that described as getting better?",  # 'described' names no thing
                                       "what underpins that?",  # 'underpins' asks what it rests on
                                       "compared to who?",  # only a pointer, whatever its words
                                       "what about under 10s?"])  # an age the profile reads as the documents' wording
def test_a_follow_up_that_leans_on_the_topic_is_searched_with_it(recorded, follow_up):
    a, rec = recorded
    a.ask(follow_up, TOPIC)
    assert any(TOPIC["topic"] in r.text and r.asked == follow_up for r in rec.readings), rec.readings


@pytest.mark.parametrize("unrelated", ["any good lunch spots near the office?", "who won the football last night?", "what's 2+2?",
                                       "is it raining?", "did they get any extra pay for it?"])  # a pronoun, nothing known
def test_an_unrelated_question_is_never_searched_with_the_last_topic(recorded, unrelated):
    a, rec = recorded
    a.ask(unrelated, TOPIC)
    assert rec.readings and not any(TOPIC["topic"] in r.text for r in rec.readings)


def test_a_follow_up_in_words_the_documents_never_use_leans_back_when_the_last_question_used_them(recorded):
    """'senior' is no word of the documents, but the last question asked about senior leaders: 'the senior bit' is that
    topic ('bit' and 'matter' name nothing). A new word ('pay') is a new topic, however the question is shaped."""
    a, rec = recorded
    last = {**TOPIC, "topic": "how do staff rate their immediate bosses compared with senior leaders"}
    a.ask("why does the senior bit matter then", last)
    assert any(last["topic"] in r.text for r in rec.readings), rec.readings
    rec.readings.clear()
    a.ask("did they get any extra pay for it?", {**TOPIC, "topic": "did staff go the extra mile during covid?"})
    assert rec.readings and not any("extra mile" in r.text for r in rec.readings)


def test_a_follow_up_naming_nothing_of_its_own_asks_of_the_last_topic(recorded):
    """'what happens if nothing changes?' names no thing ('happens', 'nothing', 'changes' are vague words): after an
    answer it is read with the last topic. One with a word of its own ('is it raining?'), or with no word at all
    ('what's 2+2?'), is not."""
    a, rec = recorded
    last = {**TOPIC, "topic": "what does the report say about poverty"}
    a.ask("what happens if nothing changes?", last)
    assert any(last["topic"] in r.text for r in rec.readings), rec.readings
    rec.readings.clear()
    a.ask("what does it say will happen if nothing changes?", last)  # however many words it takes to say so
    assert any(last["topic"] in r.text for r in rec.readings), rec.readings
    rec.readings.clear()
    covid = {**TOPIC, "topic": "covid - did they inspect then?"}
    a.ask("how did services cope?", covid)  # 'cope' asks only how things went
    assert any(covid["topic"] in r.text for r in rec.readings), rec.readings
    rec.readings.clear()
    a.ask("what happens if they don't get it?", {**TOPIC, "topic": "and advocacy for them?"})  # 'get' names nothing
    assert any("and advocacy for them?" in r.text for r in rec.readings), rec.readings
    for unrelated in ("is it raining?", "what's 2+2?"):
        rec.readings.clear()
        a.ask(unrelated, last)
        assert rec.readings == [] or not any(last["topic"] in r.text for r in rec.readings), unrelated


def test_a_follow_up_with_no_topic_word_leans_back_unless_it_asks_across_the_documents(recorded):
    """'how did services do?' (every word a stop word or one most messages use) asks of the last topic; 'what's going
    well then?' (a broad cue and nothing else) asks across the documents, whatever the last topic was."""
    a, rec = recorded
    last = {**TOPIC, "topic": "did inspections still go ahead during covid?"}
    assert _read_with_topic(a, rec, "how did services do?", last)
    assert not _read_with_topic(a, rec, "what's going well then?", last)

def test_a_broad_question_closing_on_then_is_no_follow_up_but_one_about_a_time_leans_back(recorded):
    """'what's going well then?' turns the conversation ('then' as in 'so'); 'were they effective then?' asks about
    the time the last topic named."""
    a, rec = recorded
    a.ask("ok what are the main strengths then?", TOPIC)
    assert rec.readings and not any(TOPIC["topic"] in r.text for r in rec.readings)
    rec.readings.clear()
    a.ask("were the responses effective then?", TOPIC)
    assert any(TOPIC["topic"] in r.text for r in rec.readings)


def test_and_whats_not_is_read_as_the_last_question_negated(recorded):
    a, rec = recorded
    a.ask("and what's not?", {**TOPIC, "topic": "what's going well?"})
    assert rec.readings and rec.readings[0].text == "what is not going well?"


def test_a_follow_up_asking_how_far_the_last_answer_holds_is_searched_with_it(recorded):
    """'everywhere' is a word the documents never use, but it names no topic: the question is about the last answer."""
    a, rec = recorded
    assert a.conversation.topics.topic_words("is it the same everywhere?") == []
    a.ask("is it the same everywhere?", TOPIC)
    assert any(TOPIC["topic"] in r.text for r in rec.readings)


def test_asking_whether_a_finding_lasts_names_no_new_topic(recorded):
    """'still' is a word one message happens to use, but it names no thing: "is it getting better or still a problem"
    after an answer on domestic abuse is about domestic abuse, not a new topic to search alone."""
    a, rec = recorded
    last = {**TOPIC, "topic": "im a HV, what does it say about domestic abuse"}
    assert a.conversation.topics.new_topic_words("is it getting better or still a problem", last["topic"]) == set()
    a.ask("is it getting better or still a problem", last)
    assert rec.readings and last["topic"] in rec.readings[-1].text, rec.readings


def test_going_back_to_an_earlier_topic_names_it_anew(km):
    """The topic carries every question asked, so advocacy, asked two turns before, is in it; "back to advocacy"
    after two turns on early help names the topic it returns to, so it is read on its own, and answered from the
    advocacy message, not from the last answer's."""
    ctx = None
    for turn in ("advocacy access?", "ok switch - early help, is it a priority?", "did it work?"):
        ctx = km.ask(turn, ctx).context
    assert "advocacy" in ctx["topic"] and all("key-message-2" in q[0] for q in ctx["quoted"])
    r = km.ask("back to advocacy - why does it matter for kids?", ctx)
    assert r.status == "answered" and r.quotes[0].message_id.endswith("key-message-11"), r.quotes
    assert r.context["topic"] == "back to advocacy - why does it matter for kids?"  # read on its own


def test_a_follow_up_pointing_back_is_looked_for_first_in_what_was_just_shown(recorded):
    """'is that across the whole country?': 'that' is the last answer, so its messages are searched first."""
    a, rec = recorded
    shown = ["key-messages-2021-2025:key-message-1"]
    r = a.ask("is that across the whole country or just some areas?", {**TOPIC, "shown": shown, "quoted": [[shown[0], 0, 10]]})
    assert any(TOPIC["topic"] in x.text and x.only == frozenset(shown) for x in rec.readings), rec.readings
    assert r.status == "answered" and r.quotes[0].message_id == shown[0]


def test_a_follow_up_naming_only_words_most_messages_use_leans_on_the_topic(recorded):
    """'how did partnerships do?' after covid asks how they did in covid; asked as what to hear more on
    ("anything else on how staff are doing?") the same words are the topic chosen."""
    a, rec = recorded
    covid = {**TOPIC, "topic": "did the inspections cover the covid period"}
    assert _read_with_topic(a, rec, "how did partnerships do", covid)
    assert not _read_with_topic(a, rec, "anything else on how staff are doing?", covid)


def test_without_a_context_nothing_is_searched_with_a_topic(recorded):
    a, rec = recorded
    a.ask("is that getting better?")
    assert [r.text for r in rec.readings] == ["is that getting better?"]


def test_a_topic_asked_about_in_a_few_words_is_looked_for_in_its_own_and_the_glossarys_words(recorded):
    """'What does it say about the workforce?': sentences about it hold 'workforce' or the documents' word for it
    ('staff', from the glossary); a question that is not about what is said looks for nothing more."""
    a, rec = recorded
    r = a.ask("what does it say about the workforce generally")
    assert frozenset({"staff"}) in rec.readings[-1].spread and frozenset({"workforc"}) in rec.readings[-1].spread
    assert r.status == "answered" and len(r.quotes) >= 3
    a.ask("is domestic abuse still a big problem")
    assert rec.readings[-1].spread == frozenset()
    # a word half the messages or more use names nothing beside one that names the topic; alone, it is the topic
    assert frozenset({"voic"}) in a.conversation.topics.spread("what does it say about children's voice")
    assert a.conversation.topics.spread("what does it say about children") == frozenset({frozenset({"children"})})

def test_a_broad_question_about_something_the_documents_never_cover_is_declined(km):
    assert km.ask("give me an overview of football tactics").status == "no_answer"


def test_a_broad_question_about_words_the_documents_never_use_is_judged_as_one_question(recorded):
    """Not answered from across the messages, and not declined unheard: the answer model decides it as it would
    any question ("how does the report describe multi-agency working?" where the documents say "partnerships")."""
    km, rec = recorded
    assert km.conversation.topics.off_topic("give me an overview of football tactics")
    km.ask("give me an overview of football tactics")
    assert rec.readings and not any(r.broad for r in rec.readings)


def test_a_broad_question_naming_no_topic_is_answered_whatever_the_bar(real_fake_settings):  # noqa: F811
    """'Where are we falling short?' names no topic: it is answered from several messages even when no confidence
    reaches the broad bar; a broad question that names a topic still has to reach it."""
    strict = Assistant(real_fake_settings)
    strict.calibration = dict(load_calibration(), broad_threshold=1.01)
    r = strict.ask("where are we falling short")
    assert r.status == "answered" and len({q.message_id for q in r.quotes}) >= 2
    assert strict.ask("where are we falling short on advocacy").status == "no_answer"
    assert strict.ask("where are we falling short with the football").status == "no_answer"


def test_a_topic_the_documents_never_raise_is_declined_not_glossed(km):
    """'The Promise' concerns care-experienced children, but the documents never mention it: asked whether they
    do, a care-experienced sentence is no answer (names.json lists it; the glossary does not gloss it)."""
    assert "the promise" not in km.retriever.glossary
    assert km.ask("do the key messages mention the promise at all").status == "no_answer"


def test_an_assistant_is_freed_without_a_garbage_collection(real_fake_settings):  # noqa: F811
    """Nothing in an Assistant refers back to it, so a retired index is let go by reference counting alone
    (live.Holder relies on this: no gc.collect() on reload)."""
    import gc
    import weakref

    gc.disable()
    try:
        a = Assistant(real_fake_settings)
        r = a.ask("is domestic abuse still a problem?")
        a.ask("is that getting better?", r.context)
        store = weakref.ref(a.store)
        gone = weakref.ref(a)
        del a
        assert gone() is None and store() is None
    finally:
        gc.enable()


def test_a_follow_up_is_read_as_broad_by_its_cues_alone(recorded, monkeypatch):
    """The breadth model judges questions that stand alone; one leaning on the last topic is broad only by a cue (its
    search embeds it with the topic, and one embedding a turn is the cost bound)."""
    km, rec = recorded
    monkeypatch.setattr(km.lib.breadth, "is_broad", lambda text: True)  # a model that calls everything broad
    first = km.ask("is domestic abuse still a problem?")
    assert rec.readings[-1].broad
    rec.readings.clear()
    km.ask("what about for teenagers?", first.context)
    assert rec.readings and not any(r.broad for r in rec.readings)


def _read_with_topic(a, rec, question: str, context: dict) -> bool:
    """Whether asking `question` after `context` searched any reading with the context's topic (it fails when the
    library was asked nothing at all)."""
    rec.readings.clear()
    a.ask(question, context)
    assert rec.readings, question
    return any(context["topic"] in r.text for r in rec.readings)


def test_what_is_asked_about_in_particular_must_be_named_where_the_answer_is(km):
    """'Health visitors specifically' is not answered from a message about health or about staff: the decline names
    what was asked about; a thing the documents do name is still answered, as a follow-up too."""
    r = km.ask("what did they say about health visitors specifically?")
    assert r.status == "no_answer" and r.reason == "specific" and "“health visitors”" in r.reply
    assert km.ask("what about poverty specifically?").status == "answered"
    first = km.ask("is domestic abuse still a problem?")
    assert km.ask("and poverty specifically?", first.context).status == "answered"

def test_the_other_side_after_who_asks_and_a_one_sided_broad_question(recorded):
    """Who asks, before "what are the main strengths?", names no topic of the question's: "and the flip side?" asks
    for the other side across the documents."""
    from assistant.polarity import lexicon

    a, rec = recorded
    first = a.ask("I convene our children and families committee and brief it on these reports. What are the main strengths?")
    rec.readings.clear()
    a.ask("and the flip side?", first.context)
    assert rec.readings and rec.readings[0].text == lexicon().asking_bad

def test_a_pronoun_after_a_label_naming_a_new_topic_points_at_the_label(recorded):
    """"early help - did it make a difference?" after an answer on older teenagers: 'it' is the early help its label
    names, so the turn is read on its own, not with the last topic."""
    a, rec = recorded
    last = {**TOPIC, "topic": "what does it say about older teenagers at risk in the community?"}
    a.ask("early help - did it make a difference?", last)
    assert rec.readings and not any(last["topic"] in x.text for x in rec.readings), rec.readings
    rec.readings.clear()
    a.ask("ok so - did it make a difference?", last)  # a label naming nothing new: the pronoun is the last topic
    assert any(last["topic"] in x.text for x in rec.readings), rec.readings
    rec.readings.clear()
    a.ask("what about early help - is it prioritised?", last)  # "what about" before the label: 'it' is early help
    assert rec.readings and not any(last["topic"] in x.text for x in rec.readings), rec.readings
    rec.readings.clear()
    poverty = {**TOPIC, "topic": "what about poverty"}
    a.ask("what about the parents - are they included in decisions?", poverty)  # 'they': the people the label names
    assert rec.readings and not any(poverty["topic"] in x.text for x in rec.readings), rec.readings


def test_a_message_named_by_its_subject_is_looked_for_whatever_was_asked_before(recorded):
    """"which message is the covid stuff?" names a message's subject: it is read alone, not with the last topic."""
    a, rec = recorded
    last = {**TOPIC, "topic": "older teens at risk in the community, are services good at responding?"}
    a.ask("which message is the covid stuff", last)
    assert rec.readings and all(x.text == "covid" for x in rec.readings), rec.readings


def test_a_short_question_naming_a_subject_of_the_one_message_just_quoted_leans_on_it(recorded):
    """'is access a problem?' after a quote saying access to resources was difficult: a subject of what was just shown,
    so it is read alone first and, when alone it finds no answer, with the last topic; after no quote it is no
    follow-up at all."""
    a, rec = recorded
    m = next(m for m in a.lib.store.messages.values() if "access and availability" in m.text)
    s = next(s for s in m.sentences if "access and availability" in m.text[s.start:s.end])
    topic = "what about mental health support"
    assert a.conversation._follow_up("is access a problem?", topic, shown=m.text[s.start:s.end]) == "shown"
    assert a.conversation._follow_up("is access a problem?", topic) == ""
    ctx = {"v": 1, "topic": topic, "quoted": [[m.id, s.start, s.end]], "shown": [m.id], "turn": 1}
    a.ask("is access a problem?", ctx)
    assert rec.readings[0].text == "is access a problem?", rec.readings


def test_an_acknowledgement_before_a_follow_up_leaves_it_pointing_back(km):
    """"ok. does it say what it means for kids who dont get it?": the "ok." only acknowledges the last answer, so the
    question points back ('it') as it does without it; "right pattern of support?" opens with no acknowledgement."""
    last = "what about independent advocacy for the kids i see"
    for text in ("ok. does it say what it means for kids who dont get it?", "cheers - does it say what it means for kids?"):
        assert km.conversation._follow_up(text, last) == "anaphoric", text
    assert km.conversation._follow_up("does it say what it means for kids who dont get it?", last) == "anaphoric"
    assert without_acknowledgement("right pattern of support?") == "right pattern of support?"
