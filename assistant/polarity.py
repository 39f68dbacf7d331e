"""Which side of the findings a broad question asks for, and which side a sentence says: the one place that decides
it. "What's going well?" asks only for what is going well, so it quotes no sentence that says something is not
("Without further national attention, … will continue to hamper …"); "what are the main challenges?" the reverse.
Both are read with general English (prompts/polarity.json), never a corpus's own words: phrases that ask for one
side, and words that say something goes well or not. A question asking for both ("strengths and weaknesses") or for
neither has no side, and a sentence that says as much of one as of the other sides with neither. Cost: the phrases
times the question's words; a sentence's words once."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from functools import lru_cache

from .reply import PROMPTS
from .text import words

GOOD, NEITHER, BAD = 1, 0, -1
NEGATOR_WEIGHT = 2  # hand-set: a "not" outweighs the good word it denies ("were not consistently effective")


@dataclass(frozen=True)
class Lexicon:
    asks_good: tuple[tuple[str, ...], ...]
    asks_bad: tuple[tuple[str, ...], ...]
    good: frozenset[str]
    bad: frozenset[str]
    negators: frozenset[str]
    asking_good: str  # how the assistant asks for what goes well ("what are the strengths?")
    asking_bad: str


@lru_cache(maxsize=1)
def lexicon() -> Lexicon:
    raw = json.loads((PROMPTS / "polarity.json").read_text(encoding="utf-8"))
    phrases = lambda key: tuple(tuple(words(p)) for p in raw[key] if words(p))
    return Lexicon(phrases("asks_good"), phrases("asks_bad"), frozenset(raw["good"]), frozenset(raw["bad"]),
                   frozenset(raw["negators"]), raw["asking_good"], raw["asking_bad"])


@lru_cache(maxsize=1)
def side_words() -> frozenset[str]:
    """The words of the phrases that ask for one side ('strengths', 'worst', 'going well'): they say which side a broad
    question asks for, not what it is about."""
    lex = lexicon()
    return frozenset(w for p in lex.asks_good + lex.asks_bad for w in p)


def _spans(ws: list[str], phrases: tuple[tuple[str, ...], ...]) -> set[int]:
    """The positions of `ws` inside an occurrence of any phrase."""
    at: set[int] = set()
    for p in phrases:
        n = len(p)
        for i in range(len(ws) - n + 1):
            if tuple(ws[i:i + n]) == p:
                at.update(range(i, i + n))
    return at


def asked(text: str) -> int:
    """GOOD when the question asks only for what goes well ("what's going well?"), BAD only for what does not ("main
    challenges?", "what's not going well?": a phrase that says not is read first, so its "going well" is not read
    again), NEITHER for both or neither."""
    lex = lexicon()
    ws = words(text)
    bad = _spans(ws, lex.asks_bad)
    good = _spans([w if i not in bad else "" for i, w in enumerate(ws)], lex.asks_good)
    return NEITHER if bool(bad) == bool(good) else GOOD if good else BAD


# "and the opposite?", "what about the flip side?": the other side of what the last question asked for
_OPPOSITE = re.compile(r"^\W*(?:(?:and|but|so|ok|okay|right|now)\W+){0,2}(?:(?:what|how) about\s+|(?:give me|show me|tell me|what['’]?s|what is)\s+)?"
                       r"(?:the\s+)?(?:opposite|reverse|other side|flip ?side|other way round|other way around)"
                       r"(?:\s+(?:then|too|as well|side|of (?:it|that|things)))?\W*$", re.I)


def opposite(text: str, last: str) -> str | None:
    """'and the opposite?' after a question asking for one side ('give me the main strengths') → how the assistant
    asks for the other side (prompts/polarity.json "asking_bad": 'what are the weaknesses?'); None for any other text,
    or when the last question asked for no one side. The caller decides whether the last question had a topic."""
    if not _OPPOSITE.match(text):
        return None
    side, lex = asked(last), lexicon()
    return None if side == NEITHER else lex.asking_bad if side == GOOD else lex.asking_good


def said(sentence: str) -> int:
    """GOOD when the sentence's words say more goes well than not, BAD the reverse, else NEITHER."""
    lex = lexicon()
    score = 0
    for w in words(sentence):
        if w in lex.good:
            score += 1
        elif w in lex.negators:
            score -= NEGATOR_WEIGHT
        elif w in lex.bad:
            score -= 1
    return GOOD if score > 0 else BAD if score < 0 else NEITHER
