"""How a turn leans on what came before it, read from its words alone: whether it points back ("is that getting
better?", a bare "why?") or elides the last topic ("and advocacy?"), what "tell me more about X", "anything else
about X" and "which message is the X one?" ask about, and "and what's not?" read as the last question negated.
Every pattern here runs in linear time on user text (tests/test_cost.py). The conversation (conversation.py)
decides what to do with what this module reads; intents.py reads the turn's cue phrases."""

from __future__ import annotations

import re

from .text import words


# "there" points back ("what's happening there?") unless it only says something exists ("is there anything on X?")
# "those" qualified by what follows ("than those on the register", "those who self-harm") points forward, not back
_ANAPHORA = re.compile(r"\b(that|this|it|its|they|them|those(?! (?:who|whom|on|in|with|at|under|over|involved|subject|"
                       r"living|being|looked|not|of|from|aged|already|still)\b)|these|then|he|she|such|same)\b"
                       r"|(?<!\bis )(?<!\bare )(?<!\bwas )(?<!\bwere )\bthere\b(?! (?:is|are|was|were|be|been)\b|['’]s)", re.I)
# "why?", "how come?", "how so?": a bare question word asks about what was just said; so does one after a preposition
# or a comparison ("by who?", "more than who?", "compared to what?")
_BARE = re.compile(r"^\W*(?:and |but |so )?(?:why|how come|how so|why so|why not|how"
                   r"|(?:(?:more|less|better|worse|other|rather) than|by|from|for|to|with|against|compared (?:to|with)) "
                   r"(?:who|whom|what|which(?: ones?)?))(?: though| exactly| then)?\W*$", re.I)


_CLOSING_THEN = re.compile(r"\bthen\W*$", re.I)


def without_closing_then(text: str) -> str:
    """The text less a "then" that ends it ("what's going well then?"): in a question asked across the documents it
    turns the conversation; it points back at a time only in a question about one thing ("were they effective
    then?")."""
    return _CLOSING_THEN.sub("", text)


# "it" that stands for nothing said before: the time, the date, the weather ("what time is it?", "is it raining?"), and
# "getting it right" (doing well)
_DUMMY_IT = re.compile(r"\b(?:get|gets|getting|got|gotten) it right\b|\b(?:what|which) (?:time|day|date|month|year) is it\b|\bis it (?:going to )?(?:rain|raining|snow|snowing|"
                       r"sunny|cold|warm|hot|windy|wet|dry|late|early)\b|\bit(?:['’]s| is) (?:raining|snowing|sunny|cold|warm|hot|windy)\b"
                       # "poverty makes it harder for services": 'it' stands for what follows, the clause it opens ("what's making it hard?"
                       # still points back)
                       r"|\b(?:make|makes|made|making) it (?:(?:much|a lot|any|even|so|really|more|less) )?(?:harder|easier|hard|easy|"
                       r"difficult|tougher|tough|impossible|possible|trickier|tricky|simpler) (?:for|to)\b", re.I)


# "this report", "these findings": the documents themselves, not something said before (words any collection is
# called by, none this one's own name); so is what says or mentions ("does it say anything about X?", "according to
# this", "is there anything in this showing ...")
_THE_DOCUMENTS = re.compile(r"\b(?:this|these) (?:reports?|documents?|inspections?|findings|(?:key )?messages|reviews?|papers?|"
                            r"guidance|plans?|polic(?:y|ies)|articles?|pages?|files?|sources?|studies|study)\b"
                            r"|\b(?:does|did|do) (?:it|they|this) (?:say|mention|talk|discuss|describe)\b"
                            r"|\bwhat(?:['’]?s| does| do) (?:it|they) (?:say|said|mention)\b"
                            r"|\bacc?ording to (?:it|this|them)\b"
                            r"|\b(?:anything|something|much|nothing|anywhere|somewhere) (?:in|from) (?:it|this|there)\b(?! (?:one|bit|part|case|area)\b)", re.I)


# "... about domestic abuse specifically, or is it all lumped in together?": a question's second alternative speaks of
# what its first named; a pointer there points at nothing said before the question
_OR_ALTERNATIVE = re.compile(r"^(?:\W*\w+\b){3}.*?(?:,\s*|\s)or\b", re.I | re.S)


# "did the inspectors find that staff were ...", "is it true that ...", "not confident that ...": "that" after a verb of
# finding or saying, or a word of being sure, opens what was found or said (a clause of its own), not a pointer, and the
# "it" of "is it true" stands for that clause; "did they find that too?", "did they say that about teens?" point back
_SAYING = ("find finds found say says said think thinks thought feel feels felt show shows showed shown report reports "
           "reported suggest suggests suggested conclude concluded note noted state stated mention mentions mentioned "
           "confirm confirms confirmed true sure evidence confident aware clear evident satisfied assured convinced "
           "concerned worried").split()
_NOT_A_CLAUSE = ("too also as about in on for with at from to again either is was are were will would did does do has had "
                 "have can could be been though then now here there and or but so kind sort type").split()
_CLAUSE_THAT = re.compile(r"\b(?:(?:is|was) it (?:true|right|correct|the case)|(" + "|".join(_SAYING) + r")) that"
                          r"(?= (?!(?:" + "|".join(_NOT_A_CLAUSE) + r")\b)[a-z])", re.I)


# people a 'they' or 'them' later in the same question may point at ("young people ... help them speak up")
PEOPLE = frozenset("people children kids families parents carers staff workers practitioners professionals teenagers teens "
                   "pupils weans bairns folk mums dads babies adults colleagues managers leaders yp cyp ppl students boys "
                   "girls lads".split())
_FIRST_PEOPLE = re.compile(r"\b(?:" + "|".join(sorted(PEOPLE)) + r")\b", re.I)
# "did families like the workers they had?": 'they' opening a clause on a noun ("the workers they had") points at the
# people named before it, not at what was said before the question
_RELATIVE_THEY = re.compile(r"\bthe (?:[\w-]+ ){1,2}(they)(?= (?!(?:are|were|is|was|will|would|can|could|do|did|does|should)\b)[a-z])",
                            re.I)


def _relative_they_out(text: str) -> str:
    """The text less each 'they' opening a clause on a noun after the first people it names (one pass)."""
    people = _FIRST_PEOPLE.search(text)
    if not people:
        return text
    return _RELATIVE_THEY.sub(lambda m: m.group(0)[:m.start(1) - m.start()] if m.start() > people.start() else m.group(0),
                              text)


def only_points_back(text: str) -> bool:
    """A question that is nothing but a pointer at what was just said ("why?", "compared to who?", "by who?"): it names
    no topic of its own, whatever words it is made of."""
    return bool(_BARE.match(text))


def refers_back(text: str) -> bool:
    """Whether the text points at something said before it ("do inspectors expect us to use it?"); the "it" of the
    time and the weather points at nothing ("what time is it?"), "this report" names the documents, "that" opening
    what was found or said points at nothing ("did they find that staff were confident?"), and a pointer in a
    question's second alternative ("X or is it Y?", after at least three words) points at its first, and 'they'
    opening a clause on a noun after people the question names points at them ("did families like the workers they
    had?")."""
    alternative = _OR_ALTERNATIVE.match(text)
    text = _CLAUSE_THAT.sub(lambda m: m.group(1) or " ", text[:alternative.end()] if alternative else text)
    text = _relative_they_out(_THE_DOCUMENTS.sub(" ", _DUMMY_IT.sub(" ", text)))
    return bool(_ANAPHORA.search(text) or _BARE.match(text))


# hand-set: the longest question a pronoun makes a follow-up ("so does this cover the younger ones as well then?")
MAX_ANAPHORIC_WORDS = 10
# hand-set: a longer question is a follow-up when one of its first OPENING_WORDS words points back ("is that seen as
# getting better or is it an ongoing thing?"), not when a late one does ("my manager says ..., is that right?")
MAX_OPENING_ANAPHORIC_WORDS, OPENING_WORDS = 14, 3
_SECOND_CLAUSE = re.compile(r"[?.!;:]\s+\S|\s[-–—]{1,2}\s")  # "is that still the case now - do staff rate ...?" asks again
_ELLIPSIS = re.compile(r"^\s*(and|but|also|what about|how about|what of|and what about|and how about|or|plus|so|why|how come|during|for|in|with)\b", re.I)


# "back to advocacy - why does it matter?", "ok going back to DV, ...": the topic named is one the conversation had before
# ("back to it", "back to work", "back to basics" name none). Bounded: the topic is at most 60 characters up to a dash,
# colon, comma or question mark.
_BACK_TO = re.compile(r"^\W*(?:(?:ok|okay|right|so|and)\W+)?(?:(?:go(?:ing)?|come|coming|get(?:ting)?) )?back to (?:the )?"
                      r"(?!(?:it|that|this|them|those|these|you|me|work|business|basics)\b)([^-–—:,?]{2,60}?)\s*(?:[-–—:,?]|$)", re.I)


def back_to(text: str) -> str | None:
    """'back to advocacy - why does it matter for kids?' → 'advocacy': the earlier topic the turn returns to."""
    m = _BACK_TO.match(text)
    return m.group(1).strip() if m else None


_MORE_ABOUT = re.compile(r"^\s*(?:can you |could you |please )?(?:tell me|say|give me|show me) (?:a bit |some )?more (?:about|on) (?:the )?(.+)$", re.I)


def more_about(text: str) -> str | None:
    """'tell me more about the mental health one' → 'the mental health one': a question on that topic. 'Tell me more
    about that' names no topic: it asks for more of the last answer (None, and route() reads it as "more")."""
    m = _MORE_ABOUT.match(text)
    return m.group(1) if m and not _POINTER.match(m.group(1)) else None


_POINTER = re.compile(r"^\s*(?:that|this|it|them|those|these)\W*$", re.I)
_ELSE_ABOUT = re.compile(r"^\s*(?:is there |are there )?(?:anything|something|what|any ?thing) else (?:about|on|regarding|re|for|with) (.+)$", re.I)
_ANYWHERE_ELSE_WORDS = r"anywhere else|elsewhere"  # beyond the last answer (beyond_last), not only beyond what was shown
_ELSEWHERE = re.compile(r"\b(" + _ANYWHERE_ELSE_WORDS + r"|any other messages?|other messages?)\b"
                        r"|^\W*(?:(?:and|so|ok|okay)\W+)?what else (?:is|are|was|were|has|have|had|makes?|making|helps?|helped|helping)\b", re.I)
# The topic's ending (" one", " bit", " stuff", punctuation) is cut in message_about: a lazy (.+?) before \W*$
# retried the whole tail at every character, quadratic on a long question.
_WHICH_ABOUT = re.compile(r"^\s*(?:so |and |ok )?(?:what|which) (?:(?:key )?message|(?:bit|part|section)(?: of (?:the|this) (?:report|document|doc))?) "
                          r"(?:is|was|says|said|covers|covered|talks about|mentions|is about|was about|has) (?:the )?"
                          r"((?:thing|bit|stuff|part|finding|point)s? (?:about|on) )?(.+)$", re.I)


def else_about(text: str) -> tuple[str, bool]:
    """A question that asks for what has not been shown yet, and its topic: 'anything else about
    resources?' → ('resources?', True); 'is complexity mentioned anywhere else?' and 'what else is making the job
    harder?' → (the same text, True)."""
    m = _ELSE_ABOUT.match(text)
    if m:
        return m.group(1), True
    return text, bool(_ELSEWHERE.search(text))


_ANYWHERE_ELSE = re.compile(r"\b(?:" + _ANYWHERE_ELSE_WORDS + r")\b", re.I)


def beyond_last(text: str) -> bool:
    """Whether a question asks for a topic outside the last answer ('is complexity mentioned anywhere else?'): every
    message but the last answer's, shown earlier or not. 'anything else about X?' asks for what has not been shown."""
    return bool(_ANYWHERE_ELSE.search(text))


# "and what's not?" after "what's going well?": the last question's predicate, negated
_NEGATED_ELLIPSIS = re.compile(r"^\W*(?:(?:and|but|so|ok|okay)\W+)?(what|which|who|where)(?:['’]?s|\s+(?:is|are|was|were))?"
                               r"\s+(?:not|isn['’]?t|aren['’]?t|wasn['’]?t|weren['’]?t)\W*$", re.I)
_ASKED_PREDICATE = re.compile(r"^\W*(?:(?:and|but|so|ok|okay|right)\W+)?(?:what|which|who|where)(?:['’]?s|\s+(?:is|are|was|were))"
                              r"\s+(?!not\b|n['’]?t\b|(?:the|a|an|their|our|your|my|its|this|that|these|those|some|any|main|key)\b)(\w[^?.!]{0,200})", re.I)


def negated_ellipsis(text: str, last: str) -> str | None:
    """'and what's not?' after 'what's going well?' → 'what is not going well?': the last question asked again with
    its predicate negated; None for any other text, or when the last question has no predicate to negate ('what are
    the strengths?' names a thing, not something said of it)."""
    m = _NEGATED_ELLIPSIS.match(text)
    said = _ASKED_PREDICATE.match(last) if m else None
    return f"{m.group(1).lower()} is not {said.group(1).strip()}?" if said else None


def message_about(text: str) -> str | None:
    """'what message was the mental health one?' → 'mental health': name the message on that topic."""
    m = _WHICH_ABOUT.match(text)
    topic = _without_ending(m.group(2)) if m else ""
    return topic if topic and topic.split()[0].lower() not in ("that", "this", "it") else None  # "... that so I can cite it"


def said_about(text: str) -> bool:
    """Whether a question naming a message by its topic names something said ('which bit says the thing about
    resources?'): most likely said in this conversation. 'Which message is the early help one?' names a message's
    subject, wherever it is."""
    m = _WHICH_ABOUT.match(text)
    return bool(m and m.group(1)) and message_about(text) is not None


def _without_ending(topic: str) -> str:
    """'mental health one?' → 'mental health': trailing punctuation, a closing 'again', then one of ' one', ' bit',
    ' stuff'."""
    end = len(topic)
    while end and not (topic[end - 1].isalnum() or topic[end - 1] == "_"):
        end -= 1
    topic = topic[:end]
    if topic.lower().endswith(" again") and len(topic) > len(" again"):  # "which message was the data one again?"
        topic = topic[: -len(" again")]
    for ending in (" one", " bit", " stuff"):
        if topic.lower().endswith(ending) and len(topic) > len(ending):
            return topic[: -len(ending)]
    return topic


def follow_up_kind(text: str) -> str:
    """'anaphoric' (leans on the last topic: "is that getting better?"), 'elliptical'
    ("what about teenagers?", "and advocacy?") or '' for a self-contained question."""
    ws = words(text)
    n, back = len(ws), refers_back(text)
    if back and n <= MAX_ANAPHORIC_WORDS:  # a pronoun outweighs an opening "so"/"and": "so does this cover..."
        return "anaphoric"
    if back and n <= MAX_OPENING_ANAPHORIC_WORDS and not _SECOND_CLAUSE.search(text.strip()) and \
            _ANAPHORA.search(" ".join(ws[:OPENING_WORDS])):
        return "anaphoric"  # "is that the case across the whole country or just some areas?": it opens by pointing back
    if _ELLIPSIS.search(text) and n <= 8:
        return "elliptical"
    if n <= 3:
        return "elliptical"
    return ""
