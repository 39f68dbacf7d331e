"""What of a turn is refused and what is still asked: a request the assistant does not do ("write me a template"), said
in a clause of its own beside a question, is refused by name and the question answered. The cues are intents.py's
(prompts/intents.json "refuse", "refuse_opening", "override"); this module splits the turn, and decides whether what
is left asks anything (_asks) and whether an opinion refused is one of the question beside it (_OPINION_OF_IT). Every
pattern here runs in linear time on user text (tests/test_cost.py)."""

from __future__ import annotations

import re

from .cues import ASK_WORDS, REQUEST_VERBS, asker_intro, has_any, intents
from .intents import opens_refusal, route
from .text import normalise, words

# Where a turn's clauses meet (in normalised text: single spaces): the end of a sentence, a spaced dash, or a word
# joining two requests ("..., and then write me a template", "...? also give me your opinion"), the joining word with it.
# One group, so splitting keeps each join between the clauses it joins.
_REQUEST_JOIN = re.compile(r"((?:(?<=[?!.;]) | [-–—] |,? )(?:and then|and also|and|then|also|plus) |(?<=[?!.;]) | [-–—] )",
                           re.I)


def refused_part(text: str) -> tuple[str, str] | None:
    """(the question, the request refused) when a turn asks a question and, in a clause of its own, for something the
    assistant does not do ("what does it say about chronologies? and then write me a template", "summarise the DV
    finding and draft an email to my team about it"): the question is answered and the rest refused by name. None
    when every clause holds a refusal cue, when what is left is too short to ask anything or only speaks of the asker,
    or when any cue tries to get round the instructions (prompts/intents.json "override": such a turn is refused whole)."""
    data, text = intents(), normalise(text)
    if has_any(words(text), data["override"]):
        return None
    opening = asker_intro().match(text)  # who asks is no question ("student sw on placement - can u write my log")
    parts = _REQUEST_JOIN.split(text[opening.end():] if opening else text)  # clause, join, clause, ...
    refuse = data["contains"]["refuse"]
    asked, refused = [], []
    for i in range(0, len(parts), 2):
        clause = words(parts[i])
        if has_any(clause, refuse) or opens_refusal(clause, data):
            refused.append(parts[i].strip())
            continue
        if asked:  # the join just before this clause: the one it was asked with, or the one after a refused clause
            asked.append(parts[i - 1])
        asked.append(parts[i])
    ask = "".join(asked).strip()
    if not refused or len(words(ask)) < MIN_ASK_WORDS or route(ask) is not None or _says_of_asker(ask) or not _asks(ask):
        return None
    if all(_OPINION_OF_IT.match(r) for r in refused):  # "what's your opinion - is the regime fair?": the opinion asked
        return None  # for, with nothing of its own, is an opinion of the question beside it, so the whole is refused
    return ask, " ".join(refused)


# the verbs a request opens with, and words that ask anywhere in a clause ("... - need evidence that early support helps
# families": asks too)
_REQUESTS = REQUEST_VERBS | frozenset("explain find know need needs want wants looking evidence".split())


def _asks(ask: str) -> bool:
    """Whether what is left beside a refused request asks anything: a question mark, a word a question begins with, or
    a verb of asking ("can u recommend a good course for my apprenticeship? social services level 3": what follows
    only says more of the request)."""
    ws = words(ask)
    return "?" in ask or not ASK_WORDS.isdisjoint(ws) or not _REQUESTS.isdisjoint(ws)


_SPEAKS = frozenset("i i'm im i've ive we we're we've my our".split())  # not "were": "were staff ..." asks
_QUESTION_WORDS = frozenset("what whats what's how hows why when where which who whos whether if".split())


def _says_of_asker(ask: str) -> bool:
    """Whether what is left beside a refused request only says something of the asker ("my PE says I should use this
    for my reflective log - can you write my reflection", "here's our self-evaluation - can you rate it?"): it speaks in
    the first person within its first three words and asks nothing (no question mark, no question word), so there is
    no question of its own to answer."""
    ws = words(ask)
    return bool(_SPEAKS & set(ws[:3])) and "?" not in ask and not _QUESTION_WORDS & set(ws)


# a request for the assistant's own view that names nothing of its own ("what's your opinion", "your honest take?")
_OPINION_OF_IT = re.compile(r"^\W*(?:(?:and|so|but|also|then)\W+)?(?:(?:what(?:['’]?s| is| are)|give me|tell me|and|so)\W+)?"
                            r"(?:(?:in\W+)?(?:your|ur)\W+(?:own\W+|honest\W+|personal\W+){0,2}(?:opinions?|views?|take|thoughts)"
                            r"|what do (?:you|u) (?:think|reckon))(?:\W+(?:then|pls|please))?\W*$", re.I)
MIN_ASK_WORDS = 4  # hand-set: the least a question beside a refused request has to be one of its own ("is poverty in it?")
