"""The key messages' answer types (index/answer_types.json, read by answer_types.py and query.py): which kind of answer
a question asks for, and which sentences show it (near misses of the documents' topics: test_near_miss_types.py; staff's
everyday phrasing, tables of it: test_answer_type_phrasing.py)."""

from __future__ import annotations

import pytest

from assistant.answer_types import unmet_type
from assistant.query import analyse
from queryfix import GLOSSARY, QUANTITY, TYPES, VOCAB, q


@pytest.mark.parametrize("text,expected", [
    ("How many families were inspected?", True),
    ("how much is spent on advocacy", True),
    ("What percentage of partnerships", True),
    ("how long do children wait", True),
    ("how often were plans reviewed", True),
    ("what is the minimum age of marriage", True),  # an age, like 'what age'
    ("number of referrals to the reporter last year?", True),  # opens by naming a number
    ("is the number of concerns about children rising", False),  # a trend
    ("does the response differ with the age of the child", False),
    ("is early help working", False),
    ("how are teenagers protected", False),
    ("manyfold questions", False),
])
def test_asks_quantity(text, expected):
    assert ("quantity" in q(text).asks) is expected


def test_a_case_of_ones_own_and_what_to_say_ask_advice_and_a_count_asked_for_is_a_figure():
    assert "advice" in q("Can you tell me what I should say to my CSWO about this?").asks
    assert "advice" in q("my foster lad's appointment got cancelled again, can i complain?").asks
    assert "advice" in q("is my 13 year old client at risk if her mum's new partner has a DV history?").asks
    assert "advice" not in q("are older young people at risk of harm in the community?").asks
    assert "quantity" in q("does it give the number of DA referrals per year?").asks
    assert "quantity" in q("how many partnerships had advocacy fully embedded - a number pls").asks
    assert "quantity" not in q("is the number of concerns about children rising").asks  # a trend, still


def test_what_should_i_know_is_not_advice():
    assert "advice" not in q("what should I know about early help?").asks
    assert "advice" not in q("what do i need to know about early help").asks
    assert "advice" in q("do i need to tell the parents first").asks
    assert "advice" in q("does it say how they should be structured?").asks  # guidance on how to do it
    assert "advice" in q("how should chronologies be structured?").asks
    assert "advice" not in q("how well were chronologies written?").asks  # what was found
    assert "advice" not in q("what should I make of the views of managers?").asks  # how to read it, not what to do
    assert "advice" in q("should I make a referral to the reporter?").asks
    assert "advice" in q("dad just released, baby at home - should I be making a referral?").asks  # a clause opens with it
    assert "advice" not in q("what should we be prioritising on neglect?").asks  # what the findings point to
    assert "advice" in q("is there a template for a good chronology").asks  # a document of their own to use


def test_advice_questions_are_advice():
    assert "advice" in q("what should I do if a child discloses abuse?").asks


def test_no_answer_types_means_nothing_asked():
    assert analyse("How many families were inspected?", GLOSSARY, VOCAB).asks == ()


@pytest.mark.parametrize("sentence,expected", [
    ("Twelve partnerships were inspected.", True),
    ("We saw 3 cases.", True),
    ("About half of them.", True),
    ("Staff were confident.", False),
])
def test_quantity_evidence(sentence, expected):
    assert QUANTITY.shown_by(sentence) is expected
    assert (unmet_type(q("how many cases were there"), sentence, TYPES) is None) is expected


def test_unmet_type_is_none_when_nothing_is_asked():
    assert unmet_type(q("is early help working"), "Staff were confident.", TYPES) is None


def test_a_definition_is_shown_by_what_a_word_means_not_by_means_as_a_link():
    definition = next(t for t in TYPES if t.name == "definition")
    assert definition.shown_by("A chronology means a list of significant events in a child's life.")
    assert not definition.shown_by("The persistence of these risks means it is imperative that partnerships act.")


def test_what_is_not_going_well_asks_for_findings_not_a_definition():
    assert "definition" not in q("and whats not going well?").asks
    assert "definition" not in q("what's missing for older young people").asks
    assert "definition" in q("what's a chronology?").asks


def test_a_share_of_a_group_is_answered_by_words_of_proportion_a_count_by_a_figure():
    share = q("how many of the partnerships had early intervention as a priority?")
    assert "proportion" in share.asks and "quantity" not in share.asks
    assert "proportion" in q("what proportion of families valued their workers").asks
    count = q("how many inspections were carried out?")
    assert "quantity" in count.asks and "proportion" not in count.asks
    # the areas inspected are the group a share is of; how many there were, or exactly how many, is a count
    for text in ("how many areas made prevention a top priority", "how many partnerships use stats"):
        assert q(text).asks == ("proportion",), text
    for text in ("how many partnerships were inspected", "exactly how many areas had early help as a priority",
                 "how many councils were there", "how many partnerships does this cover", "how many areas in total"):
        assert "quantity" in q(text).asks, text
        assert unmet_type(q(text), "It was a priority in almost all partnership areas we inspected.", TYPES) == "quantity"
    proportion = next(t for t in TYPES if t.name == "proportion")
    assert proportion.shown_by("It was a priority in almost all partnership areas we inspected.")
    assert not proportion.shown_by("Staff were confident at identifying concerns.")
    # "some" says there were any at all, not what share: "how many of the inspections ran in lockdown?" is not answered by it
    assert not proportion.shown_by("We carried out some joint inspections in lockdown.")
    assert unmet_type(share, "It was a priority in almost all partnership areas we inspected.", TYPES) is None
    assert unmet_type(count, "It was a priority in almost all partnership areas we inspected.", TYPES) == "quantity"


def test_why_something_matters_asks_what_follows_not_why_it_is_so():
    for text in ("why does staff confidence in strategic leadership matter", "why is advocacy important",
                 "why should elected members care whether families trust their workers?"):
        assert "cause" not in q(text).asks, text


def test_an_effect_is_asked_by_whether_something_worked_not_by_a_noun_that_says_help():
    """'did it work?' asks what difference something made; 'early help' and 'joint work' are names of practices."""
    for text in ("how many of the areas they inspected had early help as a strategic priority",
                 "does the report say we should keep doing joint work with SW on domestic abuse?",
                 "what are the positive working relationships underpinned by"):
        assert "effect" not in q(text).asks, text
    effect = next(t for t in TYPES if t.name == "effect")
    assert effect.shown_by("This support had made a positive difference to children and their families.")
    assert not effect.shown_by("The provision of early help was a strategic priority in almost all partnerships.")


def test_a_cause_is_shown_by_what_something_is_built_on():
    cause = next(t for t in TYPES if t.name == "cause")
    assert cause.shown_by("These relationships were built on an understanding of trauma informed practice.")
    assert not cause.shown_by("Staff were confident and competent at identifying a range of concerns.")


def test_the_key_messages_make_no_recommendations():
    """The profile says the documents report findings: what is recommended is asked of them in vain, and the reply
    says so; a question about what they found is not that."""
    recommendation = next(t for t in TYPES if t.name == "recommendation")
    for text in ("what did the inspectors recommend to fix chronologies", "recommendations specific to police scotland?",
                 "is a contextual safeguarding approach recommended"):
        assert "recommendation" in q(text).asks, text
        assert unmet_type(q(text), "The quality of chronologies remained inconsistent.", TYPES) == "recommendation"
    assert "recommendation" not in q("what did the inspectors find about chronologies").asks
    assert not recommendation.shown_by("It is imperative that all partnerships continue to prioritise this.")


def test_what_the_inspections_will_do_next_asks_for_the_future():
    """What the inspectors will look at next is asked of findings in vain unless a sentence speaks of what will be;
    asking whether things will keep improving "going forward" is a question about the findings."""
    for text in ("will inspectors be checking chronologies again", "what are the upcoming inspections going to look at"):
        assert "future" in q(text).asks, text
        assert unmet_type(q(text), "The quality of chronologies remained inconsistent.", TYPES) == "future"
    assert "future" not in q("will staff be able to keep improving going forward").asks
    assert unmet_type(q("will inspectors check it again"), "This will continue to hamper the efforts of staff.", TYPES) is None


def test_an_evaluation_scale_asks_for_a_ranking_and_what_a_thing_should_contain_asks_for_advice():
    for text in ("what evaluation scale do the inspectors use?", "is it the six-point scale?"):
        assert "ranking" in q(text).asks, text
    assert "ranking" not in q("what is the scale of the problem with neglect?").asks
    # a correlation asked as "do the places that do more of X score higher": the link, not a grade
    assert "ranking" not in q("do areas that listen to children more get better grades?").asks
    assert "ranking" not in q("did councils that were better at involving families score higher on impact").asks
    assert "ranking" in q("which areas scored higher on impact?").asks
    assert "ranking" not in q("did areas that got kids participating score higher on their inspection rating?").asks
    assert "ranking" not in q("does participation line up with better grades?").asks
    assert "ranking" in q("which areas got rated higher on their inspection rating?").asks  # no clause: which ones
    assert "ranking" not in q("what association was observed between participation and inspection grades?").asks
    assert "ranking" not in q("what's the worst that happens if he doesn't have one?").asks  # a consequence
    assert "ranking" in q("which council was worst?").asks
    assert "quantity" in q("what's the effect size of that association?").asks
    # the worst or best of the findings is an overview of them, not a partnership's grade
    for text in ("what's the worst finding in the whole thing?", "the best bits?"):
        assert "ranking" not in q(text).asks, text
    assert "ranking" in q("which area came out worst?").asks and "ranking" in q("who was best in scotland").asks
    assert "advice" in q("what should a good chronology contain").asks
    assert "advice" not in q("what should partnerships do about domestic abuse?").asks


def test_every_answer_type_of_the_profile_has_its_own_decline():
    """A type the profile adds needs a line in prompts/no_answer.j2 saying what the documents do not give; without one
    the decline would fall back to the general wording."""
    from assistant.reply import render

    general = render("no_answer", reason="weak", terms=[], document="", topics=["x"])
    for t in TYPES:
        assert render("no_answer", reason=t.name, terms=[], document="", topics=["x"]) != general, t.name


def test_an_average_asked_for_is_a_figure_and_a_case_is_advice():
    assert "quantity" in q("whats the average caseload per worker").asks
    assert "quantity" not in q("are the findings true for every family, or are they an overall average?").asks
    assert "advice" in q("should this baby go on the register after tomorrow's conference?").asks
    assert "advice" not in q("should the views of children shape services?").asks


def test_what_a_thing_is_supposed_to_include_asks_advice_and_the_impact_on_children_a_consequence():
    assert "advice" in q("what's a good chronology supposed to include?").asks
    assert "advice" in q("what should a good chronology have in it").asks and "advice" in q("what goes into a good chronology?").asks
    assert "advice" not in q("are chronologies any good?").asks
    assert "consequence" in q("whats the impact on kids of patchy advocacy?").asks
    assert "consequence" not in q("did partnerships show the impact of services?").asks


def test_whether_the_documents_say_why_whether_to_share_and_what_a_thing_actually_is_are_asked_kinds():
    assert "cause" in q("does it say why the response wasnt consistent").asks
    assert "cause" not in q("does it say the response was consistent").asks
    assert "advice" in q("can you tell me if I should share this concern with the school").asks
    assert "definition" in q("what actually is a chronology").asks
    assert "ranking" in q("how many partnerships were evaluated as weak").asks
    assert "ranking" not in q("how were partnerships evaluated").asks


def test_a_date_set_a_clause_opening_should_i_how_quickly_whos_and_the_weakest_partner_are_asked_kinds():
    assert "date" in q("has the government set a date for the national action they mention").asks
    assert "advice" in q("should I refuse to hold the case conference if the chronology's rubbish").asks
    assert "advice" not in q("should we be worried about poverty?").asks  # asks what the findings say
    assert "quantity" in q("what's the correlation coefficient").asks
    assert "named" not in q("who's getting missed? which groups of kids are we letting down").asks
    assert "named" in q("who's our council's advocacy provider?").asks
    assert "named" not in q("who's more confident, staff or managers?").asks  # a choice between the two
    assert "ranking" in q("is it true the inspection found education was the weakest partner?").asks
    assert "consequence" in q("why should strategic leaders bother whether staff have confidence in them?").asks
    assert "cause" not in q("why should strategic leaders bother whether staff have confidence in them?").asks


def test_how_many_partnership_areas_whether_i_refer_funding_choices_and_families_like_mine():
    assert "quantity" not in q("in how many council areas was neglect picked up early?").asks  # a share, said in words
    assert "advice" in q("a dad has just told me about his drinking, do I refer to the team tonight?").asks
    assert "advice" in q("should our council commission a new advocacy service?").asks
    assert "advice" not in q("do staff refer on quickly enough?").asks  # how staff act, not what I should do
    assert "feedback" not in q("is there anything on debt hitting families like ours").asks  # a comparison
    assert "feedback" in q("what did parents like about the workers").asks
    assert "feedback" not in q("how well do services respond to older young people like her?").asks  # a comparison


def test_which_number_a_message_has_asks_for_the_message_not_a_figure():
    """'what number is the covid key message?' names a message by its number; 'what number of children …' asks a figure."""
    assert "quantity" not in q("what number is the covid key message").asks
    assert "quantity" not in q("what number was that key message").asks
    assert "quantity" in q("what number of children were seen").asks



def test_kinds_of_answer_staff_ask_for_in_passing():
    """A comparison with an earlier time needs a sentence that compares; effort ('trying their best') ranks nothing; a
    grade 'or better', an evaluation received and deadlines are asked for; whether the asker may share is advice, and so
    is whether a case is significant harm."""
    assert "comparison" in q("better or worse than before the pandemic?").asks
    assert "comparison" not in q("is mental health better or worse").asks  # answered by what remains a challenge
    assert "ranking" not in q("are staff doing their best on advocacy").asks
    assert "ranking" in q("which areas did best on advocacy").asks
    assert "ranking" in q("what grade did our area get for leadership").asks  # "what" ends in "at": no effort word
    assert "ranking" in q("how many got good or better for leadership").asks
    assert "ranking" in q("what evaluation did my partnership get").asks
    assert "date" in q("are there deadlines for the action plans?").asks
    assert "advice" in q("can you advise whether I can share this with the school").asks
    assert "advice" in q("toddler with a burn mark, is that significant harm").asks
    compare = next(t for t in TYPES if t.name == "comparison")
    assert compare.shown_by("We continued to see an improved picture.") and not compare.shown_by("Staff went beyond their remits.")


def test_how_ones_own_area_did_asks_for_a_single_areas_results():
    """How our council, area or CPC did, or how it compares with the others, asks for one area's results, which the key
    messages never give; a comparison between groups of staff or children does not ('my level compared to their first
    line managers'), and neither does what our team did during lockdown."""
    assert "local" in q("how did our council area do?").asks
    assert "ranking" not in q("does participation track with how inspectors scored the difference made?").asks  # a link
    assert "local" in q("is our CPC doing well compared with the others?").asks
    assert "local" in q("how did my partnership compare to the national picture").asks
    assert "local" not in q("what does it say about confidence in people at my level compared to first line managers").asks
    assert "local" not in q("during lockdown our team were doing doorstep visits, did inspectors pick that up").asks
    local = next(t for t in TYPES if t.name == "local")
    assert local.evidence is None  # never answered


def test_a_section_of_an_act_asks_about_the_law_and_explaining_what_a_term_means_a_definition():
    assert "advice" in q("children (scotland) act s22 - duties for kids in need").asks
    assert "advice" not in q("are S4 pupils at risk in the community getting a good response").asks  # a school year
    assert "definition" in q("can you explain what trauma-informed practice actually means?").asks
    assert "definition" not in q("what does that mean for families").asks
