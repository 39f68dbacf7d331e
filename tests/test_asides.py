"""What surrounds a question without being part of what it asks (assistant/asides.py): a letter's salutation and sign-off,
an aside set down, a tag asking whether the assistant agrees, laughter."""

from __future__ import annotations

from assistant.asides import after_aside, letter_body, without_laughter, without_tag


def test_a_letters_salutation_and_sign_off_are_no_part_of_the_question():
    body = "I would be grateful if you could advise whether staff recognise risk early."
    assert letter_body(f"Dear Sir/Madam, {body} Yours faithfully, J. McLeod, Service Manager (Children and Families)") == body
    assert letter_body(f"Dear colleagues,\n{body}\nKind regards,\nA. Nowak") == body
    assert letter_body(f"{body} Many thanks.") == body
    assert letter_body("Many thanks.") == "Many thanks."  # nothing else: still thanks
    kept = "are regards for children's views higher where they are care experienced?"  # 'regards' not a sign-off here
    assert letter_body(kept) == kept


def test_what_comes_before_anyway_is_set_aside():
    assert after_aside("my caseload's mental - anyway, did staff say they felt supported?") == "did staff say they felt supported?"
    # or what the asker opens by setting aside
    assert after_aside("GIRFEC aside, were families helped early?") == "were families helped early?"
    assert after_aside("leaving the new guidance aside - is neglect picked up?") == "is neglect picked up?"
    assert after_aside("aside from neglect, what else was found") == "aside from neglect, what else was found"
    assert after_aside("Anyway, what about advocacy?") == "Anyway, what about advocacy?"  # nothing before it
    assert after_aside("is it any better anyway?") == "is it any better anyway?"  # nothing after it


def test_a_tag_asking_whether_the_assistant_agrees_is_no_request_for_its_opinion():
    """"..., do you think?": the question before the tag is asked; "what do you think" asks for an opinion and stays."""
    assert without_tag("is DV still a big issue, do you think?") == "is DV still a big issue?"
    assert without_tag("are wee ones getting a better response than teenagers would you say") == \
        "are wee ones getting a better response than teenagers?"
    assert without_tag("is this report fair on rural areas? what do you think") == "is this report fair on rural areas? what do you think"
    assert without_tag("is it, do you think?") == "is it, do you think?"  # too little before the tag
    assert without_tag("do you think staff are supported?") == "do you think staff are supported?"


def test_laughter_after_the_question_is_set_aside():
    """"any good news in it at all lol": laughter after a question of at least four words says how it is asked; alone,
    or after a shorter text, it is kept (chit-chat reads it)."""
    assert without_laughter("any good news in it at all lol") == "any good news in it at all"
    assert without_laughter("is it getting any better? haha!") == "is it getting any better?"
    assert without_laughter("lol") == "lol" and without_laughter("ok haha") == "ok haha"
    assert without_laughter("what about lollipops") == "what about lollipops"
