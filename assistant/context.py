"""The conversation state a reply carries back to the client: the server keeps none, so everything the next turn needs
travels in `context`, which is validated on the way in (never trusted) and turned into a typed Context."""

from __future__ import annotations

import json
from dataclasses import dataclass, field

from .errors import InvalidContext

CONTEXT_VERSION = 1
MAX_CONTEXT_BYTES = 8192
MAX_IDS = 50


@dataclass
class Context:
    topic: str = ""  # the last resolved question: what a follow-up is resolved against
    quoted: list[tuple[str, int, int]] = field(default_factory=list)  # (message_id, start, end) last shown
    shown: list[str] = field(default_factory=list)  # message ids shown in this conversation (the last MAX_IDS)
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
    # A forged context repeating one quote must not make a reply repeat it: keep each once, in order.
    return Context(topic, list(dict.fromkeys(tuple(q) for q in quoted)), list(dict.fromkeys(shown)), turn)
