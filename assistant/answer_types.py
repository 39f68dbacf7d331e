"""The kinds of answer a question asks for (index/answer_types.json: a number, a date, a name, advice, ...) and the
thing it asks about in particular ("health visitors specifically"), and whether a candidate sentence or message shows
them. query.analyse reads what a question asks; answer.py checks its candidates against it here."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING

from .errors import CorpusError
from .text import IRREGULAR_PLURALS, STOP, singular_stem, stem, stems, words

if TYPE_CHECKING:
    from .query import Query


@dataclass(frozen=True)
class AnswerType:
    name: str
    question: re.Pattern
    evidence: re.Pattern | None  # None: the documents never answer this kind of question
    topic: re.Pattern | None = None  # where the trigger words name a practice, not the thing asked for

    def asked_by(self, question: str) -> bool:
        """Whether the question asks for this kind of answer ('what are the stats on DV?'), not counting
        trigger words that are only its topic ('do they use stats to check impact?')."""
        return bool(self.question.search(self.topic.sub(" ", question) if self.topic else question))

    def shown_by(self, sentence: str) -> bool:
        return bool(self.evidence and self.evidence.search(sentence))


@lru_cache(maxsize=8)
def load_answer_types(path: Path) -> tuple[AnswerType, ...]:
    if not path.exists():
        return ()
    try:
        raw = json.loads(path.read_text(encoding="utf-8"))
        return tuple(AnswerType(name, re.compile(spec["question"], re.I),
                                re.compile(spec["evidence"], re.I if name != "named" else 0) if spec["evidence"] else None,
                                re.compile(spec["topic"], re.I) if spec.get("topic") else None)
                     for name, spec in raw.items() if not name.startswith("_"))
    except (ValueError, KeyError, TypeError, re.error) as exc:
        raise CorpusError(f"the answer types file {path} is malformed: {exc}") from exc


def unmet_type(query: "Query", sentence: str, types: tuple[AnswerType, ...]) -> str | None:
    """The first answer type the question asks for that the sentence does not show, if any."""
    by_name = {t.name: t for t in types}
    return next((name for name in query.asks if not by_name[name].shown_by(sentence)), None)


# "what did they say about health visitors specifically", "did health visitors get a specific mention", "recommendations
# specifically for police scotland": up to four
# words before the cue, or after it and a preposition (bounded, each word read whole once from its start, so the cost
# grows with the text only linearly: a word without spaces is not tried again from each of its letters)
_SPECIFIC_BEFORE = re.compile(r"(?<![\w'’&-])((?:[\w'’&-]++ ){0,3}[\w'’&-]++) (?:specifically|(?:gets?|got|getting|has|have|had|"
                              r"receive[sd]?|given) (?:a |any )?(?:specific|particular|special) mention)\b", re.I)
_SPECIFIC_AFTER = re.compile(r"\bspecifically (?:about|on|for|in|with|regarding|re|around|to) ((?:[\w'’&-]++ ){0,3}[\w'’&-]++)", re.I)
# words that end the named thing: prepositions and verbs of saying ("anything on DA specifically", "does it mention X")
_NOT_FOCUS = STOP | frozenset("about on for in with regarding re around during from by into of at to any anything findings "
                              "finding say said says mention mentions mentioned cover covers covered find found".split())


def focus(text: str) -> tuple[str, ...]:
    """The words a question says it asks about in particular: the run of words next to "specifically" ("what about
    health visitors specifically?": health, visitors), up to a stop word, preposition or verb of saying; numbers left
    out (an age is read by the age wording). Empty without the cue. (Read too after "does it mention X", it declined
    paraphrases the documents answer in other words, "lack of services", "trauma informed practise": dev +4, -7.)"""
    run: list[str] = []
    after = _SPECIFIC_AFTER.search(text)  # "specifically for police scotland": what follows is the thing
    before = None if after else _SPECIFIC_BEFORE.search(text)
    if after:
        for w in words(after.group(1)):
            if w in _NOT_FOCUS:
                break
            run.append(w)
    elif before:
        for w in reversed(words(before.group(1))):
            if w in _NOT_FOCUS:
                break
            run.insert(0, w)
    return tuple(w for w in run if len(w) > 1 and not any(c.isdigit() for c in w))


ABBREVIATION = 5  # hand-set: the most letters of a glossary term read as an abbreviation ("camhs"), not a word for a kind


def unmet_focus(query: "Query", text: str) -> bool:
    """Whether a message's text lacks a word the question asks about in particular (Query.stressed), itself or, for an
    abbreviation (one word of at most ABBREVIATION letters: "DA", "yp"), in the documents' words the glossary spells it
    out with, and for any other word in the documents' words the glossary gives for it when those are more than one
    word (a phrase, or several: "lockdown": "Covid-19 pandemic", the documents' name for the same time): 'what about
    health visitors specifically?' is not answered from a message about health, nor from one about staff, the one
    broader word the glossary gives for them."""
    if not query.stressed:
        return False
    have = stems(text) | {singular_stem(w) for w in words(text) if w in IRREGULAR_PLURALS}  # "people" meets "person"
    for w in query.stressed:
        means = {stem(w), singular_stem(w)} | {s for term, meant in query.glossed if term == w and (
            len(w) <= ABBREVIATION or " " in meant) for s in stems(meant)}
        if not means & have:
            return True
    return False
