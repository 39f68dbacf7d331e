"""Which numbers, acronyms and names a question uses that the documents never do (query.analyse's unknown_terms), and
ages, which describe the child asked about rather than name a number (the rest of query.py: test_query.py)."""

from __future__ import annotations

import pytest

from assistant.query import analyse, vocabulary
from queryfix import q


@pytest.mark.parametrize("text,unknown", [
    ("What were the 2019 findings?", ("2019",)),
    ("what changed over 2019-20", ("2019", "20")),  # a year range whose years the documents never give
    ("What does MARAC stand for?", ("MARAC",)),
    ("how is the NHS doing", ("NHS",)),
    ("is it better in Glasgow", ("Glasgow",)),
    ("did 2,500 children get help", ("2,500",)),
    # places and bodies from index/names.json, in any case
    ("was fife's advocacy provision any good", ("fife",)),
    ("how does scotland compare with england on protecting children", ("england",)),
    ("are chronologies better in wales", ("wales",)),
    ("what did ofsted find", ("ofsted",)),
    ("has the national guidance changed how partnerships work", ("national guidance",)),
    ("is it different in the western isles", ("western isles",)),
    # groups and named things the key messages never single out
    ("what did it find about disabled children", ("disabled",)),
    ("what training is mandatory for trauma informed practice", ("training",)),
    ("is restraint used in residential care", ("restraint", "residential")),
    ("any findings on parents with addictions?", ("addictions",)),  # a risk the key messages never raise
    ("was the named person service a success", ("named person service",)),
    ("what does the named person actually do", ("named person",)), ("are out of hours teams any good", ("out of hours",)),
    # said only in an opening that says who asks, a listed name is no topic
    ("named person here - anything on early help?", ()), ("out of hours SW - did they inspect during covid?", ()),
    # brackets that gloss with the field's name or an example name no topic; brackets that name a place still do
    ("are teenagers who harm others (HSB type) responded to well", ()), ("exploitation of teens (e.g. CCE) - any findings?", ()),
    ("what about advocacy (in Fife)?", ("Fife",)),
    # who asks, said before "asking", and who told the asker what they want checked, are no topic
    ("MARAC chair asking - is domestic abuse still a risk?", ()), ("MARAC chair asking - what about MARAC?", ("MARAC",)),
    ("my PE says chronologies are strong now, true?", ()), ("my manager said the report mentions MARAC, does it?", ("MARAC",)),
    # never mentioned: homelessness, adult and parental mental health, health visiting
    ("does it talk about homelessness", ("homelessness",)), ("did parental mental health come up", ("parental mental health",)),
    ("any findings on health visiting?", ("health visiting",)), ("are children's mental health outcomes improving?", ()),
    # the hearings system is never mentioned; a hearing as where a child needs a voice is where advocacy is asked about
    ("does it say anything about the children's hearings system?", ("children hearings", "hearings system")),
    ("do kids at hearings all get an advocate?", ()),
    # a bracket listing the kinds meant glosses the word before it; what is asked is outside it
    ("were looked after kids (foster, resi, kinship) asked their views?", ()),
    ("what about kinship carers (grandparents, aunts)?", ("kinship",)),
    # where the asker works, in brackets after their job, is no topic; perinatal care and referral criteria are never raised
    ("CP adviser (NHS board). what does the disclaimer say?", ()), ("what does it say about the NHS board?", ("NHS",)),
    ("perinatal mental health for new mums - any findings?", ("perinatal",)),
    ("what are the CAMHS referral criteria?", ("criteria",)),
    # session 48: postnatal care is never raised; a job abbreviation before a slash or with its workplace, and a common
    # word typed in capitals for stress ("MY authority"), name no topic
    ("what does it say about postnatal depression in mums?", ("postnatal",)),
    ("DHT/CP coordinator in a primary - is the response to abuse and neglect better for younger kids?", ()),
    ("TL in throughcare/aftercare. do young people value their relationships with workers?", ()),
    ("MHO. Is trauma-informed working named as underpinning relationships?", ()),
    ("can I use this for what's going on in MY authority?", ()),
    # session 49: supported accommodation is never raised
    ("anything on supported accommodation for 16 and 17 yr olds leaving care?", ("supported accommodation",)),
    # session 51: "early ID" is early identification; "ID" alone may be an intellectual disability, never raised
    ("does early ID of risk keep children safe?", ()), ("are kids with ID listened to?", ("ID",)),
    ("clin psych in Lanarkshire - are older teens who self-harm protected?", ()),  # a job, then where they work
    ("police sergeant, CID. is domestic abuse still a big problem?", ()),  # a job, then the unit, a job noun too
    ("guidance PT - do pupils get a say in their plans?", ()),  # a principal teacher
    ("are services good at picking up concerns for S4 girls going missing with older boys?", ()),  # young people
    ("SP in family support. are kids kept safe?", ()), ("NQHV, are chronologies any better?", ()),  # senior practitioner,
    # newly qualified health visitor
    # session 52: "w/" is "with" after a job; "EP" is an educational psychologist
    ("GP w/ CP interest. is there a caveat about it being a summary?", ()), ("trainee EP - are kids heard?", ()),
    ("what does it say about GPs w/ CP interest?", ("GPs",)),  # asked about: still counts
    # session 54: "FSW" (family support worker) is a job, and a workplace may run to six words
    ("FSW in a third sector early intervention project - is early help a priority?", ()),
    # an example named last, after the kind of thing asked about, is no topic; one named alone still is
    ("what did it find about children's rights and voice, like UNCRC type stuff", ()),
    ("what about MARAC type stuff", ("MARAC",)), ("anything on online harm, sextortion type stuff?", ("online harm",)),
    # after the question's mark, and two joined by a slash
    ("do most councils have early support as a key aim? thinking GIRFEC / named person type stuff", ()),
    ("what about MARAC/MAPPA type stuff", ("MARAC", "MAPPA")),
    # session 60: a chief executive says who asks; 'CE' asked about is still a name
    ("CE: what happens if there isn't more national attention on poverty?", ()),
    ("what did the CE say about poverty?", ("CE",)),
])
def test_unknown_terms_flags_numbers_acronyms_and_names_the_corpus_never_uses(text, unknown):
    assert q(text).unknown_terms == unknown


@pytest.mark.parametrize("text", [
    "DV still a big problem??",  # glossary acronym
    "is CAMHS access a problem",  # glossary acronym
    "what did inspections between 2021 and 2025 find",  # years in the document title
    "is domestic abuse a problem across Scotland",  # a name the corpus uses
    "what does key message 5 say",  # single digits are never flagged
    "early help",
    "Is EARLY help working",  # a shouted corpus word is not an unknown acronym
])
def test_known_terms_are_not_flagged(text):
    assert q(text).unknown_terms == ()


def test_a_name_or_number_the_documents_use_is_known_however_it_is_typed():
    """Accents, a slip, separators in a number, the name's adjective: still the name the documents use; a name they
    never use is still flagged."""
    from assistant.query import Spellable

    vocab = vocabulary(["Tesla taught in Gospić and was born in Smiljan.", "Words of the Geordie dialect.",
                        "A city of 189,863 people ran a 5.9-mile race.", "The cities of California.",
                        "In 1965 Edmonds defined a good algorithm.", "In February 2010 the Scottish Parliament met.",
                        "The Tayichi'ud held him."])
    spell = Spellable(w for w in vocab if len(w) >= 4 and w.isalpha())
    unknown = lambda text: analyse(text, {}, vocab, (), spell).unknown_terms
    assert unknown("Where did Tesla teach in Gospic?") == () and unknown("Where did Tesla teach in Gospić?") == ()
    assert unknown("what are words from the Geordia dialect?") == ()
    assert unknown("was it 189,863 or 189863 people?") == () and unknown("how long is the 5.9 mile race?") == ()
    assert unknown("which Californian city?") == ()
    assert unknown("what did Edmond's algorithm do?") == () and unknown("what happened in Feb 2010?") == ()
    assert unknown("how much can the SP alter income tax?") == ()  # the initials of a name the documents spell out
    assert unknown("how was he held by the Tayichi'ud?") == ()  # a name with an apostrophe inside
    assert unknown("what did the SNP do?") == ("SNP",)
    assert unknown("what about ÄÖÜ?") == ()  # a term is reported as typed, never as its folded spelling ("AOU")
    assert unknown("did Tesla teach in Zagreb?") == ("Zagreb",)
    assert unknown("was it 189,864 people?") == ("189,864",)


def test_in_plain_english_is_how_the_answer_is_wanted_not_a_name():
    assert q("In plain English, what do I need to take away from this?").unknown_terms == ()
    assert q("what do English councils do about DV").unknown_terms == ("English",)  # the nation is still a name
    assert "advice" not in q("In plain English, what do I need to take away from this?").asks


def test_covid_19_is_not_an_unknown_term():
    assert q("What happened during Covid-19?").unknown_terms == ()


def test_plural_glossary_acronym_is_known():
    assert q("are CPCs effective").unknown_terms == ()


@pytest.mark.parametrize("text", ["is my TL someone staff rate highly?", "do frontline workers rate their SLT?"])
def test_team_and_senior_leadership_acronyms_are_known(text):
    """TL (team leader) and SLT (senior leadership team) are how staff write the managers the documents speak of."""
    assert q(text).unknown_terms == () and {"tl", "slt"} & {t for t, _ in q(text).glossed}


@pytest.mark.parametrize("text", ["Is Early Help Working", "IS DOMESTIC ABUSE A PROBLEM"])
def test_title_case_or_shouted_question_has_no_unknown_terms(text):
    assert q(text).unknown_terms == ()


def test_unknown_terms_are_deduplicated():
    assert q("MARAC and MARAC again").unknown_terms == ("MARAC",)


def test_a_year_range_in_shorthand_names_the_documents_years():
    assert q("headline findings from the 2021-25 inspections").unknown_terms == ()  # 25: 2025, which they give
    # a range that ends in a year they give overlaps their time, though it starts before it; one that ends before does not
    assert q("was anything inspected during lockdown in 2020/21?").unknown_terms == ()
    assert q("what happened in 2019/20?").unknown_terms == ("2019", "20")


def test_a_stop_word_in_capitals_is_part_of_a_name_not_a_name():
    """"a Who Cares? worker": 'Who' is no name of its own ('Cares' is the word judged, and the documents speak of care)."""
    assert q("can every child get a Who Cares? rep?").unknown_terms == ()
    assert q("did Glasgow do well on advocacy?").unknown_terms == ("Glasgow",)


def test_an_age_range_said_of_people_without_year_olds_is_an_age():
    assert q("my care leavers are 16-17 - are they picked up?").unknown_terms == ()
    assert q("young people aged 12/13 at risk").unknown_terms == ()
    assert q("the review ran 10-12 March").unknown_terms != ()  # no people said to be that age
    # a teenage range set off by a comma or a bracket after the people it is said of, up to care leavers' 21 or 25
    assert q("anything on the care leavers I support, 16-21?").unknown_terms == ()
    assert q("is advocacy there for kids (14-17)?").unknown_terms == ()
    assert q("what about the care leavers I support 16-21?").unknown_terms != ()  # nothing sets the range off


def test_one_age_said_of_a_person_is_an_age():
    """"im 17 and ...", "17 here, ...": the asker's age (or a child's) where a clause ends after it, not a number asked
    about; a count after "I'm" is no age."""
    assert q("im 17 and nobody listens to teenagers, does it say anything about that").unknown_terms == ()
    assert q("17 here, do young people get listened to?").unknown_terms == ()
    assert q("she's 15, is she an older young person for this?").unknown_terms == ()
    assert "older young person" in q("i am 16 - are services any good for people my age?").expanded
    assert "older young person" not in q("I'm 16 weeks into the job, what is said about advocacy").expanded



@pytest.mark.parametrize("text,expansion", [
    ("how are concerns about 16 yr olds handled", "older young person"),
    ("a 15-year-old being exploited", "older young person"),
    ("what about 14yo kids", "older young person"),
    ("and for 3 year olds?", "younger children"),
    ("contextual safeguarding for 16 17 year olds", "older young person"),  # a range written with a space
    ("how well are 16 and 17 year olds protected", "older young person"),  # a range written with 'and'
])
def test_an_age_is_not_an_unknown_number_and_maps_to_the_documents_words(text, expansion):
    query = q(text)
    assert query.unknown_terms == () and expansion in query.expanded


def test_a_number_that_is_not_an_age_is_still_unknown():
    assert q("what happened 16 years ago").unknown_terms == ("16",)
    assert q("were 16 partnerships inspected").unknown_terms == ("16",)


def test_a_parent_in_prison_is_a_topic_the_key_messages_never_raise():
    assert q("anything on children with a dad in prison?").unknown_terms == ("prison",)


def test_what_the_question_leaves_out_names_nothing_it_asks_about():
    """"apart from FGM, ...", "perinatal stuff aside, ...": the thing set aside is not the topic, when enough of the
    question is left beside it; one that asks only of it keeps it, and "set aside" asks."""
    assert q("apart from FGM, what does it say about domestic abuse?").unknown_terms == ()
    assert q("midwife - perinatal stuff aside, does the report say families' needs are getting more complex?").unknown_terms == ()
    assert q("anything apart from FGM?").unknown_terms == ("FGM",)  # too little left beside it
    assert q("what does it say about FGM, apart from DV?").unknown_terms == ("FGM",)
    assert q("did partnerships set aside money for FGM work?").unknown_terms == ("FGM",)


def test_an_age_said_before_a_question_with_no_comma_is_an_age():
    """"im 15 do they ...": a question opening after the age ends the clause it is said in."""
    query = q("im 15 do they take it seriously when older kids are in danger outside the house")
    assert query.unknown_terms == () and "older young person" in query.expanded
    assert "older young person" not in q("im 16 weeks in do they review plans?").expanded  # a count, not an age


def test_a_childs_age_said_by_kin_is_an_age():
    """"my grandson is 15 and ...": a child named by kin, then 'is' and an age, is that child's age."""
    query = q("my grandson is 15 and out till all hours. do services respond well to laddies that age??")
    assert query.unknown_terms == () and "older young person" in query.expanded
    assert q("my daughter's 14, is she an older young person?").unknown_terms == ()
    assert q("my caseload is 15 and growing, is that typical?").unknown_terms == ("15",)  # no child named
    assert q("my son is 15 years into his career, anything on staff?").unknown_terms == ("15",)  # a count


def test_where_the_asker_works_in_brackets_after_here_is_who_asks():
    """"tidsear here (GME P3) - ...": the brackets after "X here" say where the asker works, no topic asked about."""
    assert q("tidsear here (GME P3) - do the inspectors rate staff's skill at recognising worry about a child?").unknown_terms == ()
    assert q("does it say anything about GME (Gaelic-medium) schools?").unknown_terms != ()


def test_an_example_set_off_by_commas_or_a_dash_is_no_topic_asked_about():
    """", e.g. using substances - do they ...?": the example illustrates the words before it, as "(e.g. CSE)" does; an
    example the question names without setting it off is still asked about."""
    assert q("what about older teens who are a danger to themselves, e.g. using substances - do they get a consistent "
             "response?").unknown_terms == ()
    assert q("any mention of neglect e.g. FII?").unknown_terms == ("FII",)
    assert q("anything on FII, e.g. in the health findings?").unknown_terms == ("FII",)  # the example is not where FII is


def test_names_and_numbers_in_statements_before_the_question_set_its_scene():
    """What statements before the question name ("rural area, ... within 60 miles.") is the scene it is asked in; the
    question, pointing at none of it, is what must be in the documents. One that points back ("Is it mentioned?") asks
    about what the statement names."""
    assert q("rural area, barely any MH services within 60 miles. does it mention access to resources being an "
             "issue?").unknown_terms == ()
    assert q("Bairns Hoose opened here in May. What does the report say about joint interviews?").unknown_terms == ()
    assert "bairns hoose" in q("Bairns Hoose opened here in May. Is it mentioned?").unknown_terms
    assert "bairns hoose" in q("what does it say about the Bairns Hoose? we opened one in May").unknown_terms


@pytest.mark.parametrize("text,unknown", [
    ("is the age of criminal responsibility mentioned?", ("criminal responsibility",)),
    ("were the services understaffed?", ("understaffed",)),
])
def test_session_60_names_the_documents_never_use(text, unknown):
    """The age of criminal responsibility and shortages of staff (index/names.json) are never raised."""
    assert q(text).unknown_terms == unknown


def test_who_asks_in_brackets_after_the_question_names_no_topic():
    """"... every family? (researcher for an MSP)": a bracket at the end that only says who asks (query.introduction)
    is no topic; one that glosses what is asked about, or a bracket inside the question, still counts."""
    assert q("does the report admit any limits on how far it speaks for every family? (researcher for an MSP)"
             ).unknown_terms == ()
    assert q("is advocacy working? (SW, Fife)").unknown_terms == ()
    assert "the promise" in q("what about the Promise (the care review)?").unknown_terms
    assert q("what does it say about the MSP (researcher)").unknown_terms == ("MSP",)


def test_a_bracket_after_the_question_is_found_looking_back_from_the_end():
    """scene.signed_bracket: the bracket the text ends with (bar spaces and punctuation) and what it holds, at most 60
    characters with no bracket inside; found by one pass back from the end, however long the text."""
    from assistant.scene import signed_bracket as _signed

    assert _signed("is advocacy working? (SW, Fife) ?!") == (21, "SW, Fife")
    assert _signed("is advocacy working?") is None
    assert _signed("x (" + "a" * 61 + ")") is None
    assert _signed("(" * 5000 + " " * 5000 + "?") is None
