"""Whether a question asks for the findings across the messages, read with the reviewed broad cues (prompts/intents.json
"broad": "main challenges", "sum it all up"), and the topic of a question that asks what the documents say about it in a
few words ("what does it say about staff?"). The breadth model (breadth.py) reads what no cue names; what a turn asks
for otherwise is intents.py. Cost: the cues times the question's words."""

from __future__ import annotations

from functools import lru_cache

from .cues import intents
from .query import nearest
from .text import STOP, is_word, words


CUE_GAP = 1  # hand-set: words a broad cue of several words may hold inside it ("sum it all up", "what still needs improving")
# never inside a cue: a negation ("what isn't working" is no "what's working") or a word pointing at one thing ("has it
# improved?" asks about the last topic, "what has improved?" about all of them)
_NOT_INSIDE = frozenset({"not", "no", "never", "isn't", "isnt", "aren't", "arent", "wasn't", "wasnt", "don't", "dont",
                         "doesn't", "doesnt", "didn't", "didnt", "it", "this", "that", "they", "them", "those", "these"})


@lru_cache(maxsize=1)
def _broad_cues() -> tuple[tuple[str, ...], ...]:
    return tuple(tuple(p.split()) for p in intents()["broad"])


@lru_cache(maxsize=1)
def _cue_spellings() -> tuple[str, ...]:
    """The broad cues' words of six letters or more: what a slip in a cue word is mended to."""
    return tuple(sorted({w for cue in _broad_cues() for w in cue if len(w) >= 6}))


def _as_meant(w: str) -> str:
    """A word of six letters or more that English does not use, one slip from a cue word, as that word
    ('improvment' for 'improvement', 'overveiw' for 'overview'); any other word as it is."""
    if len(w) < 6 or is_word(w):
        return w
    return nearest(w, _cue_spellings(), 1, swaps=True) or w  # a swap of two letters is one slip ('overveiw')


def is_broad(text: str) -> bool:
    """Whether the question asks for the findings across messages: a broad cue, as written (a plural asks for several:
    "priorities", "big problems"), where a cue of several words may hold CUE_GAP other words inside it ("sum it all
    up"), never a negation or a pointer; a slip in a cue word is mended (_as_meant). Cost: the cues times the
    question's words."""
    ws = [_as_meant(w) for w in words(text)]
    return any(_occurs(cue, ws) for cue in _broad_cues())


def _occurs(cue: tuple[str, ...], ws: list[str]) -> bool:
    for i, w in enumerate(ws):
        if w != cue[0]:
            continue
        j, gaps = i + 1, 0
        for want in cue[1:]:
            while j < len(ws) and ws[j] != want and gaps < CUE_GAP and ws[j] not in _NOT_INSIDE:
                j, gaps = j + 1, gaps + 1
            if j >= len(ws) or ws[j] != want:
                break
            j += 1
        else:
            return True
    return False


_SAYING = frozenset("say says said saying find found finding findings anything something tell summary summarise "
                    "summarize overview headlines headline".split())
_TOPIC_AFTER = frozenset({"about", "on", "regarding", "re"})
_TOPIC_TAIL = frozenset("overall generally general in please pls thanks".split())
_TOPIC_JOINS = frozenset({"and", "n", "or", "&", "plus"})
MAX_SPREAD_WORDS = 4  # hand-set: a topic named in this many words or fewer may be spread over several messages


def asked_topic(text: str) -> tuple[str, ...]:
    """The topic of a question that asks what the documents say about it, named in a few words ("what does it say
    about staff?", "anything on leadership and management overall?"): its parts ("leadership", "management"), stop
    words left out; () for any other question. Cost: one pass over the question's words."""
    ws = words(text)
    said = next((i for i, w in enumerate(ws) if w in _SAYING), None)
    if said is None:
        return ()
    after = next((i for i in range(said + 1, len(ws)) if ws[i] in _TOPIC_AFTER), None)
    if after is None:
        return ()
    rest = ws[after + 1:]
    while rest and rest[-1] in _TOPIC_TAIL:
        rest.pop()
    if not 0 < sum(w not in STOP and w not in _TOPIC_JOINS for w in rest) <= MAX_SPREAD_WORDS:
        return ()
    parts, part = [], []
    for w in rest + ["and"]:
        if w in _TOPIC_JOINS:
            if any(x not in STOP for x in part):
                parts.append(" ".join(part))
            part = []
        else:
            part.append(w)
    return tuple(parts)
