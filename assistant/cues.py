"""The reviewed cue phrases of prompts/intents.json, loaded once, and the word sets made from them: filler words, the
openings that say who asks, job nouns, spellings, the "whole" phrases and the words vague, extent, overview and broad
questions are made of. Data only; what a turn's words mean is read by intents.py (routing), asker.py (who asks) and
topics.py (what is asked about)."""

from __future__ import annotations

import json
import re
from functools import lru_cache

from .query import introduction
from .reply import PROMPTS
from .text import STOP, padded, stem


@lru_cache(maxsize=1)
def intents() -> dict:
    return json.loads((PROMPTS / "intents.json").read_text(encoding="utf-8"))


@lru_cache(maxsize=1)
def filler() -> frozenset[str]:
    """Words that carry no request ("please", "ok", "mate")."""
    return frozenset(intents()["filler"])


@lru_cache(maxsize=1)
def _spelled() -> tuple[re.Pattern, dict[str, str]]:
    table = {k.lower(): v for k, v in intents().get("spellings", {}).items()}
    alternatives = "|".join(sorted(map(re.escape, table), key=len, reverse=True)) or r"(?!)"
    return re.compile(r"(?<![\w'’])(?:" + alternatives + r")(?![\w'’])", re.I), table


def plain_spelling(text: str) -> str:
    """The text with Scots and texting spellings of common words (prompts/intents.json "spellings": "whit aboot",
    "gonnae", "tho") read as the standard words. One pass over the text."""
    pattern, table = _spelled()
    return pattern.sub(lambda m: table[m.group().lower()], text)


@lru_cache(maxsize=1)
def asker_intro() -> re.Pattern:
    """The opening that says who asks, with the job nouns of prompts/intents.json "roles" (query.introduction)."""
    return introduction(tuple(intents()["roles"]))


@lru_cache(maxsize=1)
def whole_phrases() -> list[tuple[str, list[list[str]]]]:
    """The "whole" intents' phrases as word lists, longest first."""
    return [(name, [p.split() for p in sorted(phrases, key=len, reverse=True)]) for name, phrases in intents()["whole"].items()]


def has_any(ws: list[str], phrases) -> bool:
    """Whether any phrase occurs in the words as whole words."""
    said = padded(ws)
    return any(f" {p} " in said for p in phrases)


ASK_WORDS = frozenset("what whats what's how hows why when where which who whos does do did is are was were should "
                      "could can would will any anything has have".split())  # words a question begins with
# verbs a request opens with ("sum it all up for me pls, I'm a councillor"): it asks as a question does
REQUEST_VERBS = frozenset("tell give sum summarise summarize list show outline".split())


@lru_cache(maxsize=1)
def job_nouns() -> frozenset[str]:
    """The job nouns of prompts/intents.json "roles" ("nurse", "reporter", "councillor"): who asks, named by their job."""
    return frozenset(intents()["roles"])


def content_words(vocab, glossary) -> frozenset[str]:
    """The corpus's topic words: its vocabulary and glossary terms, less stop and filler words."""
    skip = STOP | filler() | {"you", "your", "yourself", "i", "me", "my", "what", "who", "how"}
    return frozenset(w for w in set(vocab) | set(glossary) if w not in skip and len(w) > 1)


@lru_cache(maxsize=1)
def introduction_openings() -> tuple[str, ...]:
    """How a person saying who they are begins after a greeting (prompts/intents.json "introduction": "i'm a",
    "i sit on", "i've just taken over")."""
    return tuple(intents()["introduction"])


@lru_cache(maxsize=1)
def _acknowledgement() -> re.Pattern:
    """A turn's opening that only acknowledges the last answer: an "acknowledge" or "thanks" phrase of prompts/intents.json
    of at most two words, set off by punctuation ("ok. does it say ...", "cheers - and ...")."""
    phrases = sorted((p for name in ("acknowledge", "thanks") for p in intents()["whole"][name] if len(p.split()) <= 2),
                     key=len, reverse=True)
    return re.compile(r"^\W{0,3}(?:" + "|".join(map(re.escape, phrases)) + r")\s{0,3}[.,!;:–—-]{1,3}\s*(?=\w)", re.I)


def without_acknowledgement(text: str) -> str:
    """The text less an opening that only acknowledges the last answer ("ok. does it say what it means for kids?"):
    how the rest leans on the last topic is read without it."""
    return _acknowledgement().sub("", text, count=1)


@lru_cache(maxsize=1)
def vague_words() -> frozenset[str]:
    """Words that name no thing of their own ('the senior bit', 'that side of it', 'why does it matter')."""
    return frozenset(intents()["vague"])


@lru_cache(maxsize=1)
def extent_words() -> frozenset[str]:
    """Words asking how far a finding holds ('is it the same everywhere?'): no topic of their own."""
    return frozenset(intents()["extent"])


@lru_cache(maxsize=1)
def overview_words() -> frozenset[str]:
    """Words an overview request is made of ('sum up the key messages for my team briefing')."""
    return frozenset(intents()["overview"])


@lru_cache(maxsize=1)
def broad_cue_words() -> frozenset[str]:
    """The words of the broad cues, and question words that open a broad question ('where r the gaps')."""
    return frozenset(w for p in intents()["broad"] for w in p.split()) | {"where", "why", "whats", "what's", "hows", "how's"}


@lru_cache(maxsize=1)
def stop_stems() -> frozenset[str]:
    """The stems of the stop words: never a subject two questions share."""
    return frozenset(stem(w) for w in STOP)
