"""Which words of a turn name a topic, and which a new one after the last (topics.py), on the real corpus with the fake
embedder (fast): words of a side of the findings, of grammar or of time name none; a word a few messages use, or several
together, names a new one (how the conversation uses them: test_turns.py)."""

from __future__ import annotations

from corefix import real_fake_settings  # noqa: F401
from turnfix import km  # noqa: F401


def test_words_asking_for_a_side_of_the_findings_name_no_topic(km):
    """'strength' and 'worst' ask which side of the findings is wanted (prompts/polarity.json); a broad question made of
    them and of broad cues names no topic, so it asks about the whole collection."""
    topics = km.conversation.topics
    assert topics.topic_words("what's the worst finding in the whole thing?") == []
    assert topics.topic_words("biggest strength?") == []
    assert topics.topic_words("what are the risks for kids from DV?") == ["kids", "dv"]


def test_a_broad_question_in_everyday_words_is_not_taken_for_an_unknown_topic(km):
    """'since' and 'last' are not in the documents, but no topic is named: the most used English words say
    nothing of what a question is about."""
    assert not km.conversation.topics.off_topic("what's got better since the last lot of inspections")
    assert km.conversation.topics.off_topic("give me an overview of football tactics")
    assert not km.conversation.topics.off_topic("quick q - what are the big worries overall?")  # a letter names no topic
    assert km.ask("can you give me the main points").status == "answered"  # an overview, not a question about the assistant


def test_a_word_the_documents_use_in_another_form_is_no_unknown_topic(km):
    """'responding' where the documents say 'response' (the stemmer splits the two): a broad question about it is
    about the documents, not about something they never cover."""
    assert not km.conversation.topics.off_topic("how are services doing at responding to risk overall?")
    assert km.conversation.topics.off_topic("what went well in football?")


def test_a_contraction_typed_without_its_apostrophe_names_no_topic(km):
    """'didnt' is "didn't", a word English uses all the time, not an unknown topic; nor is 'mentions' (a word about
    what the documents say). 'todays news' still names a topic, one the documents never cover."""
    c = km.conversation
    assert not c.topics.off_topic("what went well and what didnt")
    assert km.ask("what went well and what didnt").status == "answered"
    assert not c.topics.off_topic("main risks to children it mentions")
    assert km.ask("main risks to children it mentions").status == "answered"
    assert km.ask("summarise todays news").status == "no_answer"  # everyday words, but a topic: the trigger's bar holds


def test_going_forward_names_no_topic(km):
    assert km.conversation.topics.topic_words("top priorities for improvement going forward?") == []


def test_a_negated_auxiliary_names_no_topic(km):
    """"isn't", "dont": words of the question's grammar, with or without the apostrophe, like 'not'."""
    for q in ("quick overview of what isn't working pls", "overview of what isnt working", "whats not working overall"):
        assert km.conversation.topics.topic_words(q) == [], q
    assert km.ask("quick overview of what isn't working pls").status == "answered"


def test_a_topic_a_few_messages_use_is_a_new_topic_unless_the_follow_up_points_back(km):
    """'what about early help?' after domestic abuse names a topic of its own ('early' is a word two of the thirteen
    messages use), searched alone first; 'does early help work for that?' points back, so only a word one message
    alone uses would be."""
    t = km.conversation.topics
    last = "what's the main thing about DV"
    assert t.new_topic_words("what about early help?", last)
    assert not t.new_topic_words("does early help work for that?", last, points_back=True)
    assert t.new_topic_words("does advocacy help with that?", last, points_back=True)


def test_several_words_a_few_messages_use_name_a_new_topic_together(km):
    """'views' and 'services' are each used by a few of the thirteen messages, too many for either alone to be a topic
    of its own, but together they name one: after domestic abuse, "what about young people's views steering services?"
    is not the domestic-abuse finding again. Words most messages use ('young', 'people') name none, however many.
    ('shaping services' is a glossary phrase for the one message's 'service developments', a topic of its own alone.)"""
    t = km.conversation.topics
    last = "is DV still an issue?"
    assert t.new_topic_words("what about young people's views steering services", last) >= {"view", "servic"}
    assert not t.new_topic_words("what about for young people", last)
    assert not t.new_topic_words("does it say anything about views of services on that", last, points_back=True)
    # words the message just quoted holds name nothing new together: "were families helped?" after a quote that says so
    covid = next(m.id for m in km.store.messages.values() if m.title == "Key message 9")
    assert t.new_topic_words("were families helped?", "what about covid", shown=frozenset({covid})) == set()
    assert t.new_topic_words("were families helped?", "what about covid") >= {"famili", "help"}
    first = km.ask(last)
    r = km.ask("what about young people's views steering services", first.context)
    assert r.status == "answered" and "domestic abuse" not in r.quotes[0].text


def test_a_verb_saying_the_documents_raised_something_names_no_topic(km):
    """'flagged' says only that the documents raised it: "biggest challenges or risks flagged?" asks across them; a panel
    the answer is for names no topic of an overview either."""
    topics = km.conversation.topics
    assert topics.topic_words("biggest challenges or risks flagged?") == []
    assert topics.is_overview("give me the headlines for a youth participation panel")
    assert not topics.is_overview("give me the headlines on youth participation")  # asked about: a topic


def test_a_stop_word_names_no_new_topic(km):
    """'when' and 'means' are words one message happens to use, but they name nothing: "what happens when kids dont get
    it" after advocacy asks what follows for children without advocacy, not a new topic to search alone."""
    t = km.conversation.topics
    last = "does it say anything about advocacy for kids"
    assert t.new_topic_words("what happens when kids dont get it", last, points_back=True) == set()
    assert t.new_topic_words("does it say what it means for kids who dont get it?", last, points_back=True) == set()
    assert t.new_topic_words("what happens to kids in poverty then", last, points_back=True)  # a topic of its own


def test_since_a_year_names_no_topic(km):
    """"what's got better since 2021?" asks across the documents, as "what's got better?" does: 'since' and a year name
    no topic, so a broad question asking them has no topic for the bar to judge."""
    assert km.conversation.topics.topic_words("what's got better since 2021?") == []
    assert km.conversation.topics.topic_words("what's got better since covid?") == ["covid"]
