"""One turn of a conversation: route chit-chat and refusals, resolve follow-ups against the
context the client sent back, and build the next context. The server keeps no state: everything
the next turn needs travels in `context`, which is validated on the way in (never trusted)."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

from .errors import InvalidContext
from .text import padded, words
from .reply import PROMPTS

CONTEXT_VERSION = 1
MAX_CONTEXT_BYTES = 8192
MAX_IDS = 50
_MESSAGE_NUMBER = re.compile(r"\b(?:key ?messages?|km|kms|msg|message) ?(?:no\.? ?|number |#)?(\d{1,2})\b", re.I)
_ABOUT_WORDS = frozenset("what does do say says said is in the about tell me show read give whats what's on of it "
                         "cover covers mean key message km msg number no please can you could".split())


def named_message(text: str, titles: dict[str, str]) -> tuple[str | None, str]:
    """The message a question names by its title ('what does key message 5 say?', 'KM7?', 'the preamble')
    and what else it asks about it ('' for the whole message). titles: lower-case title → id."""
    lowered = " ".join(words(text))
    m = _MESSAGE_NUMBER.search(text)
    found = titles.get(f"key message {m.group(1)}") if m else None
    rest = lowered if not m else lowered.replace(m.group(0).lower(), " ")
    if found is None:
        for title, mid in sorted(titles.items(), key=lambda kv: -len(kv[0])):
            if f" {title} " in f" {lowered} ":
                found, rest = mid, f" {lowered} ".replace(f" {title} ", " ")
                break
    if found is None:
        return None, ""
    return found, " ".join(w for w in rest.split() if w not in _ABOUT_WORDS and not w.isdigit())


_ANAPHORA = re.compile(r"\b(that|this|it|its|they|them|those|these|there|then|he|she|such|same)\b", re.I)
_ELLIPSIS = re.compile(r"^\s*(and|but|also|what about|how about|what of|and what about|and how about|or|plus|so|why|how come|during|for|in|with)\b", re.I)


@dataclass
class Context:
    topic: str = ""  # the last resolved question: what a follow-up is resolved against
    quoted: list[tuple[str, int, int]] = field(default_factory=list)  # (message_id, start, end) last shown
    shown: list[str] = field(default_factory=list)  # message ids shown on this topic
    turn: int = 0

    def to_dict(self) -> dict:
        return {"v": CONTEXT_VERSION, "topic": self.topic, "quoted": [list(q) for q in self.quoted],
                "shown": list(self.shown), "turn": self.turn}


def parse_context(raw, max_topic_chars: int = 1000) -> Context:
    """A Context from what the client sent back, or InvalidContext saying what is wrong."""
    if raw is None or raw == {}:
        return Context()
    if not isinstance(raw, dict):
        raise InvalidContext("context must be the object returned with the previous reply")
    try:
        size = len(json.dumps(raw))
    except (TypeError, ValueError, RecursionError) as exc:
        raise InvalidContext("context must be plain JSON") from exc
    if size > MAX_CONTEXT_BYTES:
        raise InvalidContext(f"context is larger than {MAX_CONTEXT_BYTES} bytes")
    unknown = set(raw) - {"v", "topic", "quoted", "shown", "turn"}
    if unknown or type(raw.get("v")) is not int or raw.get("v") != CONTEXT_VERSION:
        raise InvalidContext("context was not produced by this assistant (unknown fields or version)")
    topic, quoted, shown, turn = raw.get("topic", ""), raw.get("quoted", []), raw.get("shown", []), raw.get("turn", 0)
    ok = (isinstance(topic, str) and len(topic) <= max_topic_chars * 2
          and isinstance(quoted, list) and len(quoted) <= MAX_IDS
          and all(isinstance(q, list) and len(q) == 3 and isinstance(q[0], str) and len(q[0]) <= 300
                  and all(type(n) is int and 0 <= n <= 10**9 for n in q[1:]) for q in quoted)
          and isinstance(shown, list) and len(shown) <= MAX_IDS
          and all(isinstance(s, str) and len(s) <= 300 for s in shown)
          and type(turn) is int and 0 <= turn <= 10**6)
    if not ok:
        raise InvalidContext("context fields have the wrong types or sizes")
    return Context(topic, [tuple(q) for q in quoted], list(shown), turn)


@lru_cache(maxsize=1)
def intents() -> dict:
    return json.loads((PROMPTS / "intents.json").read_text(encoding="utf-8"))


@lru_cache(maxsize=1)
def _filler() -> frozenset[str]:
    return frozenset(intents()["filler"])


@lru_cache(maxsize=1)
def _whole() -> list[tuple[str, list[list[str]]]]:
    """The "whole" intents' phrases as word lists, longest first."""
    return [(name, [p.split() for p in sorted(phrases, key=len, reverse=True)]) for name, phrases in intents()["whole"].items()]


def _has_any(ws: list[str], phrases) -> bool:
    """Whether any phrase occurs in the words as whole words."""
    said = padded(ws)
    return any(f" {p} " in said for p in phrases)


def route(text: str, content: frozenset[str] = frozenset()) -> str | None:
    """The intent of a turn that is not a plain question: greeting, thanks, goodbye, help, refuse,
    more, else, which; None for a question. `content` is the corpus's own topic words: a short turn
    with a social word and none of them ("cheers mate") is chit-chat, and so is a question put to
    the assistant itself ("are you a robot?")."""
    data, ws = intents(), words(text)
    if not ws:
        return None
    for name, phrases in data["contains"].items():
        if _has_any(ws, phrases):
            return name
    if _WHICH.match(text):
        return "which"
    filler = _filler()
    others = [i for i, w in enumerate(ws) if w not in filler]  # the phrase must cover every non-filler word
    first, last = (others[0], others[-1]) if others else (len(ws), -1)
    for name, phrases in _whole():
        for pw in phrases:
            n = len(pw)
            for i in range(max(0, last - n + 1), min(first, len(ws) - n) + 1):
                if ws[i : i + n] == pw:
                    return name
    if not others and len(ws) <= 4:
        return "thanks" if {"thanks", "cheers", "ta"} & set(ws) else None
    if content and not any(w in content for w in ws):
        if len(ws) <= 4:
            for name in ("greeting", "thanks", "goodbye"):
                if any(w in ws for w in data["whole"][name] if " " not in w):
                    return name
        if {"you", "your", "yourself"} & set(ws) and len(ws) <= 10:
            return "help"
    return None


def content_words(vocab, glossary) -> frozenset[str]:
    """The corpus's topic words: its vocabulary and glossary terms, less stop and filler words."""
    from .suggest import STOP

    skip = STOP | set(intents()["filler"]) | {"you", "your", "yourself", "i", "me", "my", "what", "who", "how"}
    return frozenset(w for w in set(vocab) | set(glossary) if w not in skip and len(w) > 1)


def is_broad(text: str) -> bool:
    ws = words(text)
    return _has_any(ws, intents()["broad"])


_MORE_ABOUT = re.compile(r"^\s*(?:can you |could you |please )?(?:tell me|say|give me|show me) (?:a bit |some )?more (?:about|on) (?:the )?(.+)$", re.I)


def more_about(text: str) -> str | None:
    """'tell me more about the mental health one' → 'the mental health one': a question on that topic."""
    m = _MORE_ABOUT.match(text)
    return m.group(1) if m else None


_ELSE_ABOUT = re.compile(r"^\s*(?:is there |are there )?(?:anything|something|what|any ?thing) else (?:about|on|regarding|re|for|with) (.+)$", re.I)
_ELSEWHERE = re.compile(r"\b(anywhere else|elsewhere|any other messages?|other messages?)\b", re.I)
# "which key message is that from?", "which msg?", "where does it say this?": name the last answer's message(s)
_WHICH = re.compile(
    r"^\s*(?:so |and |ok |okay |but |sorry,? )?(?:"
    r"(?:which|what) (?:key )?(?:message|msg|km)(?: number| no\.?)?"
    r"(?: (?:is|was) (?:that|this|it)(?: from| in)?| (?:says|said|covers|mentions|has|had) (?:that|this|it)"
    r"| (?:did|does) (?:that|this|it) (?:come|comes) from| (?:that|this|it) (?:is|was|came|comes) from)?"
    r"|where(?:'s|’s| is| was)? (?:that|this|it) from|where (?:does|did) (?:that|this|it) (?:say (?:that|this|it)|come from)"
    r"|(?:what(?:'s|’s| is) the )?source)\s*(?:please|pls)?\W*$", re.I)
_WHICH_ABOUT = re.compile(r"^\s*(?:so |and |ok )?(?:what|which) (?:key )?message (?:is|was|says|said|covers|covered|talks about|mentions|is about|was about|has) (?:the )?(.+?)(?: one| bit| stuff)?\W*$", re.I)


def else_about(text: str) -> tuple[str, bool]:
    """A question that asks for what has not been shown yet, and its topic: 'anything else about
    resources?' → ('resources?', True); 'is complexity mentioned anywhere else?' → (the same text, True)."""
    m = _ELSE_ABOUT.match(text)
    if m:
        return m.group(1), True
    return text, bool(_ELSEWHERE.search(text))


def message_about(text: str) -> str | None:
    """'what message was the mental health one?' → 'mental health': name the message on that topic."""
    m = _WHICH_ABOUT.match(text)
    return m.group(1) if m and m.group(1).lower() not in ("that", "this", "it", "that from", "this from") else None


def follow_up_kind(text: str) -> str:
    """'anaphoric' (leans on the last topic: "is that getting better?"), 'elliptical'
    ("what about teenagers?", "and advocacy?") or '' for a self-contained question."""
    n = len(words(text))
    if _ANAPHORA.search(text) and n <= 10:  # a pronoun outweighs an opening "so"/"and": "so does this cover..."
        return "anaphoric"
    if _ELLIPSIS.search(text) and n <= 8:
        return "elliptical"
    if n <= 3:
        return "elliptical"
    return ""
