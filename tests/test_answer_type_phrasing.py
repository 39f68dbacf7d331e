"""Staff's everyday phrasing against the key messages' answer types (index/answer_types.json): slips and plain words
that still ask for a kind of answer, and everyday words that only look like one (the types' loading, evidence and the
kinds asked in passing: test_answer_types.py)."""

from __future__ import annotations

import pytest

from queryfix import q


@pytest.mark.parametrize("text,kind", [
    ("how much fundng goes to advocacy services", "quantity"),
    ("what percentge of kids", "quantity"),
    ("whats the SW vacancy rate", "quantity"),
    ("what's the national average for re-registrations", "quantity"),
    ("how much did child poverty rise", "quantity"),
    ("what is a chronology", "definition"),
    ("what's an IRD?", "definition"),
    ("which month were the covid inspections paused", "date"),
    ("what should my council do to fix its chronologies", "advice"),
    ("can you give me a list of local services to refer to?", "advice"),
    ("who should write the chronology", "advice"),
    ("what should I put in a chronology for a neglect case?", "advice"), ("can i share info with health without consent", "advice"),
    ("do i need parental consent to share info with police", "advice"),
    ("what are the stats on DV", "quantity"),
    ("any figures for CAMHS waits", "quantity"),
    ("what was the sample size for the staff survey", "quantity"),
    ("whats the recommended caseload per SW", "quantity"),
    ("how many inspections used stats", "quantity"),  # 'how many' of anything but the areas inspected asks for a number
    ("when exactly were the covid inspections carried out", "date"),
    ("how much is the scottish government putting into tackling child poverty", "quantity"),
    ("kinship care allowance rates pls", "quantity"),
    ("whats a named person", "definition"),  # 'named' is no '-ed' word asked about: 'a' comes first
    ("when it says strategic leaders, does that mean the CSWO?", "definition"),  # what a word of theirs covers
    ("what agencies count as a partnership?", "definition"),
    ("she begged me not to tell anyone - do I have to pass it to the CP coordinator?", "advice"),  # what to do in a case
    ("when's the next round of inspections starting", "date"),
    ("what's the child poverty rate they quote?", "quantity"),  # 'the ... rate': the noun
    ("what's the lead professional's role at a core group", "role"),  # what a job involves: never described
    ("what exactly does a reviewing officer do", "role"),
    ("duties of the chief social work officer?", "role"),
    ("who did the inspections?", "named"),
    ("which third sector organisations offer advocacy", "named"),  # the kind of body asked may come first
    ("have waiting lists grown, and by how much?", "quantity"),
    ("caseload sizes for health visitors?", "quantity"),
    ("what underpins the bond between staff and kids", "cause"),  # what something rests on: why it is so
    ("what were the relationships grounded in?", "cause"),
    ("early help - did it work??", "effect"), ("was the early help worth it", "effect"),  # what difference it made
    ("did the early intervention stuff actually help anyone", "effect"),
    ("why does lack of advocacy matter", "consequence"), ("what's the knock-on effect when advocacy is patchy?", "consequence"),
    ("will poverty hold back improvement", "consequence"), ("does it matter whether staff trust their leaders?", "consequence"),
    ("why does staff confidence in strategic leadership matter", "consequence"),  # what follows, not a cause
    ("why is advocacy important", "consequence"),
    ("did parents value the relationship they had with their SW", "feedback"),  # what they told the inspectors
    ("what's the CSWO's statutory role in child protection", "role"),  # a kind of role: still what a job involves
    ("what do families make of it", "feedback"),
    ("how many councils did they visit", "quantity"),  # the areas inspected, with the verb's plain form
    ("how many areas received very good for leadership", "ranking"),  # a grade received
    ("what is the number one priority for partnerships?", "ranking"),
    ("how many areas were rated as improving on that?", "ranking"),  # a category rated, not a skill judged
    ("how much was cut from youth work budgets in the partnerships inspected", "quantity"),  # budgets, plural
    ("whats the proper format for a chronology, what should go in it?", "advice"),  # what a thing should contain
    ("do parents have a right to see the chronology held on their family?", "advice"),  # a legal right
    ("13 yr old, shoplifting, DA at home, not attending school. grounds for referral or not?", "advice"),
    ("what's the capital of scotland lol", "general_knowledge"),  # general knowledge, though the place is named
    ("whats the population of scotland", "general_knowledge"),
    ("which local authority areas took part", "named"),
    ("does it say what a manageable caseload is for a school nurse?", "quantity"),  # a limit on a caseload
    ("what actually is relationship based practice? how would I explain it", "definition"),  # with no article
    ("what's relationship based practice actually mean?", "definition"),
    ("what does corporate parenting mean?", "definition"),  # 'mean' alone still asks what it is
])
def test_answer_types_recognised_through_slips_and_everyday_phrasing(text, kind):
    assert kind in q(text).asks


@pytest.mark.parametrize("text", [
    "do staff rate their team mgrs more than senior leaders",  # rate, the verb
    "advocacy and mental health, whats the score on both",  # how things stand, not a score
    "were practitioners rated as skilled at picking up concerns",  # a judgement of a skill, not a grade
    "how did the inspectors rate staff at recognising worries about a child",  # rate, the verb, before 'staff'
    "how much time do staff put into building relationships",  # a degree, which the documents give
    "what are the main findings",  # 'findings' is not a slip for 'funding'
    "reviews of care n support - better or worse",  # 'worse' is not a slip for 'worst'
    "what is a good chronology like",
    "what is happening with DV",
    "do councils use stats to check whether services help?",  # using data is the topic, not a number
    "do they need to get better at judging their work using the data and families' views",  # judging with data
    "is number crunching an area to work on",
    "does it say our stats need work",
    "what about the money side of it",  # money as a subject, not a sum asked for
    "is the cost-of-living crisis making things harder",
    "are councils any good with stats on whether their work pays off",
    "is measuring what works - figures, case file audits, what pupils tell you - a weak spot",
    "how good are partnerships at using performance figures",
    "do partnerships analyse their statistics well",
    "we collect loads of numbers, does anyone use them to see what works?",  # gathering numbers is the topic
    "how well did partnerships make sense of case-file and survey evidence",  # evidence of a kind, not how it was got
    "r the key msgs true for all kids or is it averaged out",  # 'averaged' is a word, not a slip for 'average'
    "what's needed nationally",  # not a definition
    "what exactly is happening with neglect?",  # what is going on, not what a thing is
    "what actually is better now?",
    "whats got worse",  # nor is a change
    "whats been done",
    "named person / universal services giving early support - was that seen as strategic?",  # a role, not a name
    "did workers go beyond their normal role in lockdown",  # doing more than a role, not what it involves
    "what does the report say staff should do more of",
    "who did families trust more - social workers or teachers?",  # a choice between two, not a name
    "who did workers turn to when things got hard",  # who received an action: the documents name roles, not people
    "how do parents rate the support they got",  # rate, the verb, after 'the parents'
    "do the kids rate us?",  # rate, the verb, with a person after it
    "what about teenagers, who are at risk outside the home",  # 'who are' opens a clause about them, not a question
    "do kids get good support for their mental health",  # 'good' describes the support, not a grade
    "does participation matter for how the inspectors rate services?",  # rate, the verb, with a plural noun after it
    "our workers spend so much time on paperwork - did inspectors notice?",  # time spent, not money
    "have the numbers of concerns been rising lately?",  # a trend, which the documents describe in words
    "advocacy and inspection grades - is there any connection?",  # a link to grades is asked about, not a grade
    "does participation tie in with how inspectors graded things",  # a link to grades, again
    "is there a correlation between how much families are involved and how their area was rated",
    "are partnerships any good with their performance statistics?",  # using data is the topic
    "stats plus case audits: how are councils doing",
    "why should elected members care whether families trust their workers?",  # consequences, not causes
    "is poverty behind the growing numbers of referrals",  # a trend
    "which partner agencies were more confident",
    "do parents get a say in choices that affect them?",  # a say: taking part, not what they said
    "how much are staff investing in relationship based practice",  # effort, a degree: not a sum
    "is there a difference in how often care experienced kids are asked their views?",  # a comparison in words
    "how often are their views sought compared with looked after kids",
    "were housing and poverty both named as pressures on families?",  # named as: identified as, not a name asked
    "what does uneven access to advocacy mean for the kids?",  # what follows from it, not what it is
    "figures and case-file evidence on whether services help - how are councils getting on",  # kinds of evidence
    "is neglect still rising or are we past the worst of it?",  # whether things have eased, not a ranking
    "what's said about neglect?",  # what is said of it, not what it is
    "do the inspectors rate frontline folk as competent at spotting worries?",  # rate, the verb, a describing word after
    "whether the workforce rates senior management",  # rates, the verb, before whom it rates
])
def test_everyday_phrasing_that_asks_for_no_special_kind(text):
    assert q(text).asks == ()
