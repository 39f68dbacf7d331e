"""Overviews on the real corpus with the fake embedder (fast): what asks for the whole collection, what it quotes, and
what does not get one (the rest of the turn logic: test_turns.py)."""

from __future__ import annotations

from corefix import real_fake_settings  # noqa: F401
from turnfix import TOPIC, km  # noqa: F401


def test_a_follow_up_in_words_the_documents_never_use_gets_no_overview(km):
    """'and the main themes in reshaping services?' after an answer asks about a topic ('services' is a word of the
    collection's title, 'reshaping' one the documents and the glossary never use): alone, it would be read as asking
    for the overview."""
    q = "and the main themes in reshaping services?"
    assert km.conversation.topics.is_overview(q)
    overview = km.ask(q)
    assert len(overview.quotes) == len(km.messages)
    assert 0 < len(km.ask(q, TOPIC).quotes) < len(km.messages)


def test_an_overview_quotes_every_lead_sentence_in_document_order(km):
    r = km.ask("sum up the key messages for my team briefing")
    leads = [m.text[m.sentences[0].start:m.sentences[0].end] for m in km.messages]
    assert r.status == "answered" and [q.text for q in r.quotes] == leads
    assert [q.text for q in km.ask("give me an overview of early help").quotes] != leads  # a topic of its own
    # who it is for does not make it a topic: a meeting, chief officers; "tl;dr" is read as the words tl dr
    for ask in ("sum it up for my team meeting", "tl;dr for chief officers pls"):
        assert [q.text for q in km.ask(ask).quotes] == leads, ask


def test_an_overview_is_no_answer_to_a_question_asking_for_a_date_or_a_figure(km):
    """A question naming the collection and nothing the documents use reads as an overview request, unless it asks for
    a date, a figure or a name: then the answer model judges it like any other question."""
    leads = [m.text[m.sentences[0].start:m.sentences[0].end] for m in km.messages]
    for ask in ("when is the next set of key messages coming out?", "how many key messages were published?"):
        assert km.conversation.topics.is_overview(ask), ask
        assert [q.text for q in km.ask(ask).quotes] != leads, ask
    assert [q.text for q in km.ask("key messages please").quotes] == leads


def test_an_overview_may_say_who_is_asking_and_why(km):
    """A request that names the collection and asks for the whole of it is an overview even with words about the
    asker; a topic the documents use makes it a broad question about that topic; no collection, no overview."""
    c = km.conversation
    assert c.topics.is_overview("sum up the key messages for me")
    assert c.topics.is_overview("headline findings from the joint inspections for my councillors briefing tomorrow pls")
    assert not c.topics.is_overview("headline findings from the joint inspections on domestic abuse")
    assert not c.topics.is_overview("what are the key messages about early help")  # words the documents use, however common
    assert not c.topics.is_overview("give me an overview of football tactics")
    assert c.topics.is_overview("can u give me a quick overview of the whole thing")  # 'the whole thing' is all of it
    # how the overview will be made and how long it takes names no topic
    assert c.topics.is_overview("pulling together a 5 min briefing for my team on this, what are the headline themes")
    assert km.ask("sum up the key messages for me").status == "answered"
    assert len(km.ask("sum up the key messages for me").quotes) >= 12


def test_an_overview_asked_beside_a_remark_naming_no_topic_is_an_overview(km):
    """The sentence that asks is read alone: a remark before or after it that names nothing the documents speak of
    leaves an overview request; one that names a topic makes it a question about that topic."""
    leads = [m.text[m.sentences[0].start:m.sentences[0].end] for m in km.messages]
    for ask in ("Och I've no had a minute to read it. Can you sum the whole thing up for me?",
                "Can you give me the gist of the whole thing? I've a team meeting in 10 mins lol"):
        assert not km.conversation.topics.is_overview(ask), ask  # read whole, the remark is in the way
        assert [q.text for q in km.ask(ask).quotes] == leads, ask
    topical = km.ask("Really worried about our pupils' mental health. Can you sum the whole thing up for me?")
    assert [q.text for q in topical.quotes] != leads


def test_how_fast_and_for_which_job_the_overview_is_wanted_names_no_topic(km):
    """'quickly' says how the overview is wanted and 'for a busy head teacher' who it is for: neither is a topic."""
    leads = [m.text[m.sentences[0].start:m.sentences[0].end] for m in km.messages]
    for ask in ("tl;dr for a busy head teacher?", "summarise all twelve quickly",
                "fine, just give me the overall gist then, quoting it",  # 'quoting' says how, 'fine' agrees
                "give me the headlines I can put on one slide for my team tomorrow"):  # where it will go
        assert [q.text for q in km.ask(ask).quotes] == leads, ask


def test_what_the_report_is_saying_for_a_course_is_an_overview_and_what_is_good_in_it_is_not(km):
    """'whats', 'saying', what the asker is doing it for ('doing a talk for uni') ask for the overview; a remark whose
    only topic word is in a phrase saying where it is used ('at the start of the core group': the glossary's reading
    of 'core group' is not read there) leaves one; 'what's good in it?' asks for one side of the findings."""
    leads = [m.text[m.sentences[0].start:m.sentences[0].end] for m in km.messages]
    for ask in ("in a nutshell whats the report saying", "key themes pls? doing a talk for uni on the inspection findings",
                "give me the gist please, we've got 5 mins at the start of the core group"):
        assert [q.text for q in km.ask(ask).quotes] == leads, ask
    assert [q.text for q in km.ask("whats good in the report").quotes] != leads


def test_anything_else_after_an_overview_looks_past_the_last_answer_alone(km):
    """An overview shows every message: 'what else is making the job harder?' after it and an answer on poverty looks
    past the poverty answer only, not past every message (which left nothing to look in)."""
    overview = km.ask("give me the gist")
    assert len(overview.quotes) == len(km.messages)
    poverty = km.ask("anything about poverty?", overview.context)
    assert poverty.status == "answered"
    r = km.ask("what else is making the job harder?", poverty.context)
    assert r.status == "answered" and r.quotes[0].message_id not in {q.message_id for q in poverty.quotes}


def test_who_asks_is_no_topic_that_turns_a_broad_question_into_one_ask(km):
    """'DS in the PPU - what are the main worries in this?': who asks ('DS', 'PPU', words the documents never use) is no
    topic of the question, so it is still answered from across the messages, not declined as one ask about the PPU."""
    r = km.ask("DS in the PPU - what are the main worries in this?")
    assert r.status == "answered" and len(r.quotes) > 1


def test_pressures_on_services_name_the_documents_pressures_not_the_whole_collection(km):
    """The glossary gives 'pressures' the documents' words for them (a significant challenge, complexity of need,
    access to resources, what challenged partnerships' ability), so 'pressures on services?' asks about those
    messages, not for the overview."""
    assert not km.conversation.topics.is_overview("pressures on services?")
    assert km.conversation.topics.is_overview("sum up the key messages for me")


def test_asking_whether_it_can_help_with_the_documents_is_no_overview(km):
    """'can you help me with the joint inspection key messages?' names only the documents' titles after an opening: it
    announces questions (a greeting), where a topic after the same opening is asked."""
    assert km.ask("can you help me with the joint inspection key messages?").status == "chitchat"
    assert km.ask("can you help me with early help?").status == "answered"


def test_an_overview_in_plain_terms_after_who_asks_is_an_overview(km):
    """'actually' and 'in plain terms' say how the answer should be put, not what it is about; who asks, in a remark
    before the question, is no topic either (a job whose words the documents use: 'leader')."""
    leads = [m.text[m.sentences[0].start:m.sentences[0].end] for m in km.messages]
    for ask in ("in plain terms what are the key messages actually about?",
                "scout leader, not a professional - in plain terms what are the key messages actually about?"):
        assert [q.text for q in km.ask(ask).quotes] == leads, ask
    assert [q.text for q in km.ask("in plain terms what are the key messages actually saying about early help?").quotes] != leads


def test_an_overview_after_who_asks_whatever_words_the_job_shares_with_the_documents(km):
    """Who asks, in an opening or a remark before the question, says nothing the overview must be about, though a
    job's words are the documents' ('health', 'lead') or an age is the asker's own; an opening naming a topic
    ('advocacy'), a child's age or what went well is asked about."""
    leads = [m.text[m.sentences[0].start:m.sentences[0].end] for m in km.messages]
    for ask in ("CP lead officer - can you sum it up for my team, all the key points",
                "i'm a new health visitor, whats the gist of this report", "im 14, what is this report about in a nutshell"):
        assert [q.text for q in km.ask(ask).quotes] == leads, ask
    for ask in ("fair access to advocacy workers for all kids - what's the finding?",
                "kinship carer of a baby - what bits of this are relevant to very young children?",
                "positives for frontline workers i can share at team meeting"):
        assert [q.text for q in km.ask(ask).quotes] != leads, ask


def test_what_is_found_for_each_of_two_topics_is_two_asks(km):
    """"covid inspections and advocacy - what did they find for each?" asks two things, as "on both" does: each part
    gets its own quote, not a survey of every message."""
    r = km.ask("covid inspections and advocacy - what did they find for each?")
    both = km.ask("covid inspections and advocacy - what did they find on both?")
    assert r.status == "answered" and 2 <= len(r.quotes) <= 3
    assert [q.title for q in r.quotes] == [q.title for q in both.quotes]


def test_the_headlines_one_should_know_are_the_overview(km):
    """'what are the headlines i should know': 'should' only asks, so nothing but the overview is asked for; after who
    asks with 'I'm' left out ("new to the job, ...") too."""
    leads = [m.text[m.sentences[0].start:m.sentences[0].end] for m in km.messages]
    for ask in ("what are the headlines i should know", "new to the job, what are the headlines i should know"):
        assert [q.text for q in km.ask(ask).quotes] == leads, ask
    assert [q.text for q in km.ask("what are the headlines i should know about advocacy").quotes] != leads


def test_a_remark_about_the_askers_own_people_after_asking_for_the_overview_names_no_topic(km):
    """"sum it up for my team pls - theyve got 5 mins at the huddle": after a request for the asker's own people, a remark
    about those people says why it is asked, not what; a request naming nobody's own keeps such a remark."""
    leads = [m.text[m.sentences[0].start:m.sentences[0].end] for m in km.messages]
    for ask in ("sum it up for my team pls - theyve got 5 mins at the huddle", "sum it up for my team pls, they wont read it"):
        assert [q.text for q in km.ask(ask).quotes] == leads, ask


def test_the_overview_after_who_asks_and_beside_a_remark(km):
    """"gran - in plain english, what did they find? im no a professional": after kin saying who asks, the question is
    read as one of its own, so the remark after it is set aside as it would be without the opening."""
    leads = [m.text[m.sentences[0].start:m.sentences[0].end] for m in km.messages]
    assert [q.text for q in km.ask("gran - in plain english, what did they find? im no a professional").quotes] == leads
