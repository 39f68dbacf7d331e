"""Compound questions on the real corpus with the fake embedder (fast): "X and Y" is searched part by part, unless
one sentence answers the whole (test_turns.py: the rest of the turn logic)."""

from __future__ import annotations

from corefix import real_fake_settings  # noqa: F401
from turnfix import km, recorded  # noqa: F401


def test_a_question_whose_answer_speaks_to_both_sides_of_its_and_is_one_ask(km):
    """'do kids and families like their workers?' is not split at 'and' when the sentence answering the whole speaks of
    each side's narrowest words; 'DV and poverty' is two asks when it does not."""
    t = km.conversation.topics
    liked = "The majority of children, young people and families we heard from appreciated the relationships they had with staff."
    assert t.holds_each(liked, ("do kids", "families actually like their relationships with workers"))
    dv = ("The persistence, however, of the risks to children and young people posed by domestic abuse across Scotland, "
          "means it is imperative that all partnerships continue to prioritise collaborative responses to this.")
    assert t.holds_each(dv, ("DV",)) and not t.holds_each(dv, ("DV", "poverty: what does it say on both?"))
    # more than half of a part's narrowest words is enough: neglect and younger, not older
    robust = "Overall, staff’s response to concerns was more robust for younger children subject to abuse and neglect."
    assert t.holds_each(robust, ("are services better at responding to abuse", "neglect of younger children than older ones"))
    assert not t.holds_each(robust, ("abuse", "independent advocacy"))


def test_the_scene_a_sentence_speaks_in_holds_a_part_it_names_something_of(km):
    """A glossary term's wordings are alternatives ("bosses": managers, or strategic leaders), and the opening of the
    answer's message sets the scene its later sentences speak in ("during the pandemic"), as long as the sentence
    itself names something of each part."""
    t = km.conversation.topics
    scene = "We undertook some joint inspections during the period of the Covid-19 pandemic."
    backed = ("Staff also told us how well supported they had felt from their immediate line managers and colleagues "
              "across services during this challenging period.")
    parts = ("how did practitioners find the backing from bosses", "other agencies during lockdown")
    assert t.holds_each(backed, parts, scene) and not t.holds_each(backed, parts)
    dv = ("The persistence, however, of the risks to children and young people posed by domestic abuse across Scotland, "
          "means it is imperative that all partnerships continue to prioritise collaborative responses to this.")
    lead = "Effective responses and early recognition of risks by staff were helping to keep many children and young people safe."
    assert not t.holds_each(dv, ("what did it find on domestic abuse", "separately on early help"), lead)


def test_a_second_question_after_then_is_two_asks(km):
    r = km.ask("staff confidence in managers, and then how supported they felt during the pandemic?")
    assert [q.title for q in r.quotes][:2] == ["Key message 7", "Key message 9"]


def test_a_compound_question_is_searched_part_by_part(recorded):
    a, rec = recorded
    a.ask("what does it say about independent advocacy and about chronologies?")
    texts = [r.text for r in rec.readings]
    assert "what does it say about independent advocacy" in texts and "about chronologies" in texts
    a.ask("covid inspections + chronologies: the headline on each?")
    assert "covid inspections" in [r.text for r in rec.readings]


def test_a_compound_question_with_a_part_the_documents_do_not_answer_answers_the_other_part(km):
    """The figure asked for in the second part is never given, which must not cost the first part its answer;
    the reply names the part it could not answer. A noun joined to a noun is no second question."""
    r = km.ask("did early help make a difference and what did it cost?")
    assert r.status == "answered" and len(r.quotes) == 1
    assert "“what did it cost”" in r.reply and "couldn" in r.reply
    whole = km.ask("what did it cost?")
    assert whole.status == "no_answer"
    # "and also" begins a second ask whatever its first word and however short it is
    r = km.ask("was early help a priority and also kinship allowances?")
    assert r.status == "answered" and [q.title for q in r.quotes] == ["Key message 2"]
    assert "“kinship allowances”" in r.reply, r.reply
    for q in ("what's the average caseload for a children and families social worker?",
              "what Safe and Together training did staff get"):
        assert "couldn't find an answer to “" not in km.ask(q).reply, q
    # the part that could be answered points at the part that cannot: it is no question of its own
    assert km.ask("what is the Safe and Together approach and do inspectors want partnerships to use it").status == "no_answer"
    # written with "&" the name is still one name: no half of it is asked on its own
    assert km.ask("Safe & Together rollout - did the inspectors evaluate it?").status == "no_answer"


def test_a_question_one_sentence_answers_word_for_word_is_not_split_at_its_and(recorded):
    """'confident and competent' joins two words of one ask: the sentence that has them all is the answer, and
    the halves are not searched apart."""
    a, rec = recorded
    r = a.ask("Staff were confident and competent at identifying a range of concerns")
    assert r.status == "answered" and [q.title for q in r.quotes] == ["Key message 1"]
    assert [x.text for x in rec.readings] == ["Staff were confident and competent at identifying a range of concerns"]


def test_no_split_is_searched_when_the_whole_answer_speaks_to_both_sides(recorded):
    a, rec = recorded
    r = a.ask("do kids and families actually like their relationships with workers?")
    assert r.status == "answered" and [x.text for x in rec.readings] == ["do kids and families actually like their relationships with workers?"]
    rec.readings.clear()
    a.ask("what does it say about independent advocacy and about chronologies?")  # two asks: searched part by part
    assert len(rec.readings) > 1


def test_no_part_of_a_compound_question_is_the_askers_opening(recorded):
    """'youth worker: X and Y' is split after who asks: the job is no part of what is asked."""
    a, rec = recorded
    a.ask("youth worker: what does it say about independent advocacy and about chronologies?")
    texts = [r.text for r in rec.readings]
    assert "what does it say about independent advocacy" in texts and "about chronologies" in texts
    assert not any(t.startswith("youth worker") and t != texts[0] for t in texts[1:])


def test_a_question_declined_for_the_kind_of_answer_it_asks_is_not_split_between_two_nouns(km):
    """'how much are X and Y paid?' asks a figure of both: the split at a noun joined to a noun would answer a
    'part' without the figure; a second question after the joiner is still answered on its own."""
    r = km.ask("how much are children and families social workers paid?")
    assert r.status == "no_answer" and r.reason == "quantity"
    r = km.ask("how much is spent on advocacy and what do children and young people say about their workers?")
    assert r.status == "answered" and "“how much is spent on advocacy”" in r.reply


def test_who_asks_says_nothing_of_how_widely_the_question_asks(km, monkeypatch):
    """The breadth model reads the question without the opening that says who asks: "SG official:" (a name the
    documents never use) is no part of how widely "summary of the areas for improvement pls" asks."""
    asked = []
    real = km.lib.breadth.is_broad
    monkeypatch.setattr(km.lib.breadth, "is_broad", lambda text: asked.append(text) or real(text))
    km.ask("SG official: summary of the areas for improvement pls")
    assert asked[0] == "summary of the areas for improvement pls", asked


def test_two_nouns_sharing_the_ask_after_them_are_not_split(recorded):
    """'do SWs and HVs have the skills …?': the two nouns share the ask, so 'do SWs' is never searched alone; a second
    question after the joiner ('… n is DA still a problem?', 'n' as texted) is."""
    a, rec = recorded
    a.ask("Did kids and parents like their key workers?")
    assert not any(r.text.lower() == "did kids" for r in rec.readings)
    rec.readings.clear()
    a.ask("does early help work, n is DA still a problem?")
    texts = [r.text for r in rec.readings]
    assert "does early help work" in texts and "is DA still a problem" in texts



def test_people_framing_the_ask_after_them_are_not_split(recorded):
    """'for children and teenagers, were mental health outcomes getting better?': the people after 'for' frame the ask,
    so 'for children' is never searched alone; topics after 'for' are still two asks."""
    a, rec = recorded
    a.ask("for children and teenagers, were mental health outcomes getting better?")
    assert not any(r.text.lower() == "for children" for r in rec.readings), [r.text for r in rec.readings]
    rec.readings.clear()
    a.ask("for chronologies and advocacy, any improvement?")
    assert "for chronologies" in [r.text for r in rec.readings]



def test_nouns_after_a_quantifier_share_the_ask_after_them(recorded):
    """'did most of the children and parents like their workers?': 'most of the' does not lengthen the ask's lead, so
    'did most of the children' is never searched alone."""
    a, rec = recorded
    a.ask("did most of the children and parents like their workers?")
    assert not any(r.text.lower() == "did most of the children" for r in rec.readings), [r.text for r in rec.readings]



def test_a_broad_question_the_documents_do_not_answer_whole_may_still_ask_one_thing_they_do(km):
    """Read as broad ("what was found on those"), the whole question is declined for words the documents never use; its
    first part is still a question they answer, and the part they do not is named. A broad question they answer is one
    ask."""
    from assistant.readings import Reading

    compound = km.conversation.compound
    text = "covid and also staff recruitment problems - what was found on those?"
    own = km.decide(Reading(text, broad=True))
    assert not own.answered and own.decision.reason == "unknown"
    parts = compound.parts(own, text, None, broad=True)
    assert parts is not None and [a.decision.picks[0].message.title for a in parts.answers] == ["Key message 9"]
    assert "recruitment" in parts.unanswered
    answered = "what was found on covid and also on chronologies?"
    assert compound.parts(km.decide(Reading(answered, broad=True)), answered, None, broad=True) is None


def test_and_inside_one_phrase_is_no_split(km):
    """'and' between a word said twice ("more and more") or between two words the documents themselves join with 'and'
    ("abuse and neglect", "poverty and deprivation") is inside one phrase; 'DV and poverty' is two asks."""
    from assistant.compound import joined_pairs

    assert ("abus", "neglect") in joined_pairs("children subject to abuse and neglect, and to the risks")
    assert not any("the" in pair for pair in joined_pairs("children and the families"))  # stop words join nothing
    compound = km.conversation.compound
    assert compound._one_phrase("is the response to abuse", "and", "neglect of little ones robust")
    assert compound._one_phrase("HV - more", "and", "more families are struggling")
    assert not compound._one_phrase("is DV still an issue", "and", "poverty")
    assert not compound._one_phrase("abuse", "as well as", "neglect")  # a joiner that begins a second ask


def test_nouns_sharing_the_ask_after_them_are_not_split_whatever_determiners_they_have(recorded):
    """'were the teenagers and their carers listened to?': the determiners are not counted in the lead, so the two nouns
    share the ask as 'did kids and parents like …?' does, and 'were the teenagers' is never searched alone."""
    a, rec = recorded
    a.ask("were the teenagers and their carers listened to?")
    assert not any(r.text.lower() == "were the teenagers" for r in rec.readings)


def test_nouns_after_two_question_words_share_the_ask_after_them(recorded):
    """'what did kids and parents think of their workers?': the lead's question words ('what', 'did') are not counted,
    so one noun before 'and' shares the ask after it and 'what did kids' is never searched alone; a topic after
    'what about' is still an ask of its own."""
    a, rec = recorded
    a.ask("what did kids and parents think of their workers?")
    assert not any(r.text.lower() == "what did kids" for r in rec.readings), [r.text for r in rec.readings]
    rec.readings.clear()
    a.ask("what about covid and advocacy?")
    assert "what about covid" in [r.text.lower() for r in rec.readings]


def test_and_others_is_the_rest_of_one_kind(km):
    """'school staff and others', 'schools and other agencies': 'and' joins the rest of a kind to it, one phrase."""
    compound = km.conversation.compound
    assert compound._one_phrase("are school staff", "and", "others good at spotting risk")
    assert compound._one_phrase("do schools", "and", "other agencies spot risk")
    assert not compound._one_phrase("are school staff", "and", "police good at spotting risk")
