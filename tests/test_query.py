"""query.py: normalising, glossary expansion, typing slips, names (unknown terms and ages: test_unknown_terms.py; answer
types: test_answer_types.py)."""

from __future__ import annotations

import json

import pytest

from assistant.errors import CorpusError
from assistant.answer_types import load_answer_types
from assistant.query import analyse, expand, load_glossary, load_names, normalise
from corefix import real_fake_settings  # noqa: F401
from queryfix import GLOSSARY, NAMES, TYPES, VOCAB, q


def test_normalise_folds_whitespace():
    assert normalise("  is\tDV \n\n a   problem?  ") == "is DV a problem?"


@pytest.mark.parametrize("text", ["DV still a big problem??", "dv", "Is Dv rising", "what about (DV)?", "DV."])
def test_dv_expands_to_domestic_abuse_case_insensitively(text):
    expanded, hits = expand(text, GLOSSARY)
    assert "dv" in hits
    assert expanded.startswith(text) and "domestic abuse" in expanded[len(text):]


@pytest.mark.parametrize("text", ["is advocacy available", "DVD players", "cpr training", "lacrosse", "the mhz band"])
def test_glossary_matches_whole_words_only(text):
    expanded, hits = expand(text, GLOSSARY)
    assert hits == set() and expanded == text


def test_on_the_cpr_is_the_register_and_cpr_alone_is_no_term():
    """'kids on the CPR' are on the child protection register; CPR alone may be resuscitation ('cpr training')."""
    assert "on the cpr" in expand("were kids on the CPR asked their views?", GLOSSARY)[1]
    assert q("were kids on the CPR asked their views less?").unknown_terms == ()
    assert "CPR" in q("were staff trained in CPR?").unknown_terms


def test_a_term_written_with_punctuation_matches_as_text_is_read(tmp_path):
    """expand() reads 'multi-agency' as 'multi agency': a glossary term written with its hyphen must match it, and
    two spellings of one term share their phrases."""
    path = tmp_path / "glossary.json"
    path.write_text(json.dumps({"multi-agency": ["joint working"], "Self-Harm": ["risk to themselves"],
                                "self harm": ["hurting themselves", "risk to themselves"],
                                "child’s plan": ["care planning"]}), encoding="utf-8")
    glossary = load_glossary(path)
    assert glossary["self harm"] == ("risk to themselves", "hurting themselves")
    for text in ("how good is multi-agency working", "how good is multi agency working"):
        expanded, hits = expand(text, glossary)
        assert hits == {"multi agency"} and "joint working" in expanded[len(text):]
    for text in ("is the child's plan any good", "is the child’s plan any good"):  # a possessive is read without its 's
        assert expand(text, glossary)[1] == {"child plan"}


def test_multi_word_terms_and_each_phrase_appended_once():
    expanded, hits = expand("DV and domestic violence, cost-of-living", GLOSSARY)
    assert {"dv", "domestic violence", "cost of living"} <= hits
    tail = expanded[len("DV and domestic violence, cost-of-living"):]
    assert tail.count("domestic abuse") == 1 and "poverty and deprivation" in tail


def test_no_glossary_hit_leaves_text_alone():
    assert expand("what about mental health", {"dv": ("domestic abuse",)}) == ("what about mental health", set())


def test_what_a_question_leaves_out_is_not_searched():
    assert "covid" not in analyse("outside of covid, do staff trust their leaders?", {}, VOCAB).expanded
    assert "covid" not in analyse("and outwith covid - do staff trust their leaders?", {}, VOCAB).expanded
    # "outwith" leaves a thing out only where a clause begins; elsewhere it says "beyond"
    assert "staff" in analyse("what are the big pressures outwith staff control?", {}, VOCAB).expanded


def test_possessive_term_still_expands():
    assert "dv" in expand("DV's impact on kids", GLOSSARY)[1]


def test_glossary_loading(tmp_path):
    p = tmp_path / "g.json"
    p.write_text(json.dumps({"_about": "x", "FOO": ["bar baz"]}))
    assert load_glossary(p) == {"foo": ("bar baz",)}
    assert load_glossary(tmp_path / "missing.json") == {}
    bad = tmp_path / "bad.json"
    bad.write_text("[1, 2]")
    with pytest.raises(CorpusError):
        load_glossary(bad)
    broken = tmp_path / "broken.json"
    broken.write_text("{not json")
    with pytest.raises(CorpusError):
        load_glossary(broken)


def test_query_keeps_user_text_and_expansion_separately():
    query = q("  DV   still a big problem?? ")
    assert query.text == "DV still a big problem??"
    assert query.expanded.startswith(query.text) and "domestic abuse" in query.expanded


def test_slips_are_mended_against_the_corpus_words():
    from assistant.query import slips

    vocab = frozenset({"planning", "aggregated", "difference", "children", "advocacy"})
    ordered = sorted(vocab)
    assert slips("kids in care plannng", vocab, ordered) == {"plannng": "planning"}
    assert slips("were findings agregated? any differnce", vocab, ordered) == {"agregated": "aggregated", "differnce": "difference"}
    assert slips("children and advocacy", vocab, ordered) == {}  # words the corpus uses are left alone
    assert slips("pizza restaurants", vocab, ordered) == {}  # nothing near enough


def test_a_word_the_stemmer_already_joins_to_a_corpus_word_is_not_mended():
    from assistant.query import slips

    vocab = frozenset({"protective", "processes"})
    # 'protection' is two edits from 'protective' but a real word with the same stem: adding the corpus
    # word would count the stem twice and outweigh the rest of the question
    assert slips("deprivation and child protection", vocab, sorted(vocab)) == {}
    assert slips("protectve processes", vocab, sorted(vocab)) == {"protectve": "protective"}  # a real slip is still mended


def test_a_word_english_uses_is_mended_only_to_another_form_of_itself():
    from assistant.query import slips

    vocab = frozenset({"while", "leaders", "response", "advocacy"})
    # 'whole' and 'leavers' are words, one letter away from other words: no slip
    assert slips("is that across the whole country", vocab, sorted(vocab)) == {}
    assert slips("support for care leavers", vocab, sorted(vocab)) == {}
    # another form of a corpus word still reaches it ('responded', 'advocate')
    assert slips("how services responded, and any advocate", vocab, sorted(vocab)) == {"responded": "response", "advocate": "advocacy"}


def test_mended_words_reach_retrieval_but_not_the_users_text():
    from assistant.query import analyse

    vocab = frozenset({"planning", "care"})
    q = analyse("care plannng", {}, vocab, (), sorted(vocab))
    assert q.text == "care plannng" and "planning" in q.expanded and q.own == "care plannng planning"


def test_a_listed_name_the_documents_use_is_not_unknown():
    assert q("is domestic abuse a problem across scotland").unknown_terms == ()
    assert analyse("is DV a problem in scotland", GLOSSARY, VOCAB, TYPES, names=("scotland",)).unknown_terms == ()


def test_who_is_asking_is_not_what_is_asked_about():
    """A name the documents never use, in the asker's introduction, is their job, not the question's topic."""
    assert q("what about residential care?").unknown_terms == ("residential",)
    assert q("as a residential worker, what does it say about relationship based practice").unknown_terms == ()
    assert q("MARAC coordinator here. is joint work on DV a priority").unknown_terms == ()
    assert q("as a police DS - is the response to concerns helping").unknown_terms == ()
    assert q("as a GP I'm wondering whether advocacy came up").unknown_terms == ()  # the asker goes on about themselves
    assert q("as a team manager, what does it say about Fife").unknown_terms == ("Fife",)  # asked about: still counts
    # a job named by its role noun before a dash, without "here"; a topic before a dash is still asked about
    assert q("residential worker - anything on relationships with the YP").unknown_terms == ()
    assert q("residential care - any findings").unknown_terms == ("residential",)
    assert q("residential worker - what about residential care?").unknown_terms == ("residential",)
    # the job may say where the asker works: the place is theirs, not what is asked about
    assert q("DS in the PPU - whats the message for partnerships on abuse at home").unknown_terms == ()
    assert q("NQSW in a children and families team - are kids views sought").unknown_terms == ()
    assert q("depute head at a primary in Fife. are kids views sought").unknown_terms == ()
    assert q("CID - what did they find about older teens who pose a risk").unknown_terms == ()  # the unit for the officer
    assert q("DCI, public protection. What does it say about leadership?").unknown_terms == ()  # a police rank
    assert set(q("residential care in Fife - any findings").unknown_terms) == {"residential", "Fife"}


def test_a_place_the_asker_says_they_are_in_is_not_what_is_asked_about():
    assert q("i'm in Highland, what does it say about advocacy").unknown_terms == ()
    assert q("we're based in Fife - anything on chronologies?").unknown_terms == ()
    assert q("i'm in Fife, how did Fife do on chronologies?").unknown_terms == ("Fife",)  # asked about too: still counts
    assert q("what does it say about advocacy in Highland").unknown_terms == ("Highland",)


def test_a_common_word_in_capitals_is_stress_not_an_acronym():
    assert q("we ARE the early help offer. what did they say about early help").unknown_terms == ()
    assert q("is there NOTHING good on advocacy").unknown_terms == ()
    assert q("which kids were NOT asked for their views ENOUGH").unknown_terms == ("ENOUGH",)  # not a common word
    assert q("what does the WHO say about advocacy").unknown_terms == ("WHO",)  # an acronym as often as a word
    assert q("is there anything it says ISN'T improving").unknown_terms == ()  # a contraction in capitals
    assert q("why DON'T they use IRDs").unknown_terms == ("IRDs",)


def test_the_job_nouns_are_data_the_opening_is_read_with():
    """The role-noun opening needs the job nouns of prompts/intents.json; without them only "as a ...", "I'm a ..."
    and "... here" say who asks."""
    from assistant.cues import intents
    from assistant.query import introduction

    roles = intents()["roles"]
    assert roles and all(r == r.lower() and r.strip() == r and " " not in r for r in roles)
    bare = lambda text: analyse(text, GLOSSARY, VOCAB, TYPES, names=NAMES).unknown_terms
    assert bare("residential worker - anything on relationships with the YP") == ("residential",)
    assert bare("as a residential worker, anything on relationships with the YP") == ()
    worker = analyse("residential worker - anything on relationships with the YP", GLOSSARY, VOCAB, TYPES, names=NAMES,
                     intro=introduction(("worker",))).unknown_terms
    assert worker == ()
    assert introduction(("co-ordinator",)).match("MARAC co-ordinator - is joint work a priority")
    # a preposition or question word opens no job: the words after it are what is asked about
    assert not introduction(("advocate",)).match("without an advocate, would the child be heard at the meeting")
    assert not introduction(("advocate",)).match("does an advocate - or anyone - speak up for them")
    assert introduction(("advocate",)).match("independent advocate - would the child be heard at the meeting")
    assert introduction(("lead",)).match("Signs & Safety lead - would the child be heard at the meeting")
    assert introduction(("director",)).match("NHS board exec nurse director - would the child be heard at the meeting")
    # what the asker is doing it for after the job ("... prepping a session for panel members."), and "quick one from
    # the X team"; a job doing something that is not work of theirs is still what is asked about
    assert introduction(("reporter",)).match("Reporter prepping a session for panel members. What are the headlines?")
    assert introduction(("worker",)).match("Youth worker covering two schemes, anything on teenagers?")
    # what they are doing runs over words, not over a dash set off by spaces and the topic after it
    said = "lead inspector planning fieldwork - performance info and self-evaluation, what needs to improve?"
    assert introduction(("inspector",)).match(said).group().strip() == "lead inspector planning fieldwork -"
    assert not introduction(("workers",)).match("Social workers struggling with caseloads - what does it say?")
    assert introduction().match("Quick one from the OOH team - is risk picked up early?")
    # the same asker again ("DC again - ..."); 'again' after a topic is no job
    assert introduction(("dc",)).match("DC again - what are the main concerns in the report?")
    assert not introduction(("dc",)).match("early help again - is it a priority?")
    # "as a X I <verb> ...", "I'm a X with Y and we ...": the asker goes on to speak of themselves
    assert q("As a kinship support worker I visit weekly. Is advocacy mentioned?").unknown_terms == ()
    assert q("I'm a children's worker with Shelter and we see poverty daily. Is poverty mentioned?").unknown_terms == ()
    assert q("As a rule, is Shelter mentioned?").unknown_terms == ("Shelter",)


@pytest.mark.parametrize("load,empty,malformed", [
    (load_names, (), '{"nomes": []}'),
    (load_answer_types, (), '{"x": {"question": "(unclosed", "evidence": ""}}'),
    (load_glossary, {}, "[1, 2]"),
])
def test_a_missing_profile_file_is_empty_and_a_malformed_one_is_named(tmp_path, load, empty, malformed):
    assert load(tmp_path / "missing.json") == empty
    bad = tmp_path / "bad.json"
    bad.write_text(malformed)
    with pytest.raises(CorpusError):
        load(bad)


@pytest.mark.parametrize("text", ["any good news at all?", "strengths?", "bad news?"])
def test_evaluative_words_reach_the_documents_wording(text):
    """'good news' shares no word with the documents; the glossary gives retrieval the words they use."""
    from assistant.broad_cues import is_broad

    query = q(text)
    assert is_broad(text) and query.expanded != query.text
    assert set(query.expanded[len(query.text):].split()) & VOCAB


@pytest.mark.parametrize("text", ["loads of my S3s are anxious, what does it say on mental health", "are P7s listened to"])
def test_school_years_are_field_words_not_unknown_codes(text):
    query = q(text)
    assert query.unknown_terms == () and query.expanded != query.text


def test_a_listed_name_of_several_words_counts_when_the_documents_never_say_it_as_a_phrase():
    """'young carers': the documents use 'young' and 'carers' apart, never together."""
    vocab = frozenset({"young", "carers", "people"})
    asked = "anything on young carers"
    assert analyse(asked, {}, vocab, (), names=("young carers",)).unknown_terms == ()  # no way to tell: not flagged
    assert analyse(asked, {}, vocab, (), names=("young carers",), phrase_used=lambda n: False).unknown_terms == ("young carers",)
    assert analyse(asked, {}, vocab, (), names=("young carers",), phrase_used=lambda n: True).unknown_terms == ()


def test_a_listed_name_is_found_with_an_ampersand_for_its_and():
    vocab = frozenset({"safe", "together", "model", "working"})
    named = lambda text: analyse(text, {}, vocab, (), names=("safe and together",), phrase_used=lambda n: False)
    assert named("how is the Safe & Together model working?").unknown_terms == ("safe and together",)
    assert named("how is the Safe and Together model working?").unknown_terms == ("safe and together",)
    assert named("is it safe & working together?").unknown_terms == ()
    hoose = lambda text: analyse(text, {}, frozenset({"bairns"}), (), names=("bairns hoose",)).unknown_terms
    assert hoose("is the Bairns' Hoose in place yet?") == ("bairns hoose",)  # a plural possessive names it too


def test_the_retriever_knows_which_listed_phrases_its_documents_say(real_fake_settings):  # noqa: F811
    from assistant.core import Assistant

    r = Assistant(real_fake_settings).retriever
    assert r.analyse("anything on young carers").unknown_terms == ("young carers",)
    assert r._phrase_used("young people") and not r._phrase_used("young carers")


def test_a_name_said_only_where_the_answer_will_be_used_is_no_topic():
    """'for a DA training session next wk' says where the answer goes: the listed name in it ('training') and a
    place named there are no topic the question asks about; named in the question itself, they still count."""
    from assistant.audience import without_audience

    vocab = frozenset("what does the report say about domestic abuse".split())
    q = "for a DA training session next wk - what does it say about domestic abuse?"
    assert analyse(q, {"da": ("domestic abuse",)}, vocab, (), names=("training",)).unknown_terms == ("training",)
    assert analyse(q, {"da": ("domestic abuse",)}, vocab, (), names=("training",), aside=without_audience).unknown_terms == ()
    fife = "for the Fife CPC meeting tomorrow - what does it say about domestic abuse?"
    assert analyse(fife, {}, vocab, (), aside=without_audience).unknown_terms == ()
    asked = "what does it say about training on domestic abuse in Fife?"
    assert analyse(asked, {}, vocab, (), names=("training",), aside=without_audience).unknown_terms == ("Fife", "training")


def test_a_word_that_carries_no_request_is_no_acronym_however_typed():
    vocab = frozenset("is the council doing overall".split())
    assert analyse("is the council doing OK overall?", {}, vocab, ()).unknown_terms == ("OK",)
    assert analyse("is the council doing OK overall?", {}, vocab, (), chatter=frozenset({"ok"})).unknown_terms == ()
    assert analyse("is the council doing OK in FIFE?", {}, vocab, (), chatter=frozenset({"ok"})).unknown_terms == ("FIFE",)


@pytest.mark.parametrize("text,wording", [
    ("we get loads of mums fleeing an abusive partner. is that risk still a problem?", "domestic abuse"),
    ("how do staff feel about the folk at the top?", "strategic leaders"),
])
def test_session_57_staff_words_for_the_documents_topics(text, wording):
    """An abusive partner is domestic abuse; the folk at the top are the strategic leaders (the key messages' glossary)."""
    expanded, hits = expand(text, GLOSSARY)
    assert hits and wording in expanded[len(text):]
