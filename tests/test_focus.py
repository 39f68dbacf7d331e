"""answer_types.focus and answer_types.unmet_focus: a thing asked about in particular ("health visitors specifically") and whether a
message names it."""

from __future__ import annotations

from queryfix import q


def test_what_a_question_asks_about_in_particular_is_read_next_to_specifically():
    from assistant.answer_types import focus

    assert focus("what did they say about health visitors specifically?") == ("health", "visitors")
    assert focus("recommendations specifically for police scotland?") == ("police", "scotland")
    assert focus("anything on DA specifically? what are partnerships told") == ("da",)
    assert focus("does it mention homelessness or temp accommodation specifically") == ("temp", "accommodation")
    assert focus("HV here - anything on under 5s specifically?") == ()  # an age: read by the age wording
    assert focus("what about health visitors?") == ()
    assert focus("does it mention kinship care?") == ()  # whether it is mentioned: the answer model judges
    assert focus("did health visitors get a specific mention?") == ("health", "visitors")  # singled out by name
    assert focus("did staff get a mention?") == ()


def test_a_message_that_never_names_what_is_asked_about_in_particular_does_not_answer_it():
    from assistant.answer_types import unmet_focus

    asked = q("what did they say about health visitors specifically?")
    assert unmet_focus(asked, "Health outcomes remained a significant challenge for staff.")
    assert not unmet_focus(asked, "Health visitors were confident.")
    # an abbreviation is met by the words the glossary spells it out with; a broader word for a kind is not
    assert not unmet_focus(q("anything on DA specifically?"), "The risks posed by domestic abuse persist.")
    assert not unmet_focus(q("what about health visitors?"), "Staff were confident.")  # no cue, no check
    # an irregular plural meets its singular ("people" in the question, "person" in the message) and not another word
    assert not unmet_focus(q("what about older young people specifically?"), "Concerns about an older young person.")
    assert not unmet_focus(q("what about the child specifically?"), "Children were listened to.")
    assert unmet_focus(q("what about older young people specifically?"), "Concerns about younger children.")
    # a word is met by a phrase the glossary gives for it (the documents' name for the same time), not by a broader word
    assert not unmet_focus(q("during lockdown specifically?"), "We inspected during the period of the Covid-19 pandemic.")
    assert unmet_focus(q("during lockdown specifically?"), "Staff felt supported.")
