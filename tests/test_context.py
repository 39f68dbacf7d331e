"""The context a reply carries back (assistant/context.py): it round-trips, a forged or oversized one is refused with
InvalidContext, and every context a real conversation returns is accepted again."""

from __future__ import annotations

import json

import pytest

from assistant.context import CONTEXT_VERSION, MAX_CONTEXT_BYTES, MAX_IDS, Context, parse_context
from assistant.core import Assistant
from assistant.errors import InvalidContext
from corefix import lenient, small_settings  # noqa: F401


def good():
    return {"v": CONTEXT_VERSION, "topic": "early help", "quoted": [["doc:key-message-2", 0, 57]],
            "shown": ["doc:key-message-2"], "turn": 3}


def test_context_round_trip():
    ctx = parse_context(good())
    assert ctx == Context("early help", [("doc:key-message-2", 0, 57)], ["doc:key-message-2"], 3)
    assert ctx.to_dict() == good()
    assert parse_context(json.loads(json.dumps(ctx.to_dict()))) == ctx


def test_empty_or_none_context_is_a_fresh_conversation():
    assert parse_context(None) == Context() == parse_context({})
    assert parse_context({"v": 1}) == Context()


def mutate(**changes):
    d = good()
    for k, v in changes.items():
        if v is KeyError:
            del d[k]
        else:
            d[k] = v
    return d


@pytest.mark.parametrize("raw", [
    [], "context", 3, ["v", 1],
    mutate(v=2), mutate(v="1"), mutate(v=KeyError), mutate(extra=1),
    mutate(topic=5), mutate(topic=None), mutate(topic="x" * 2001),
    mutate(quoted="doc"), mutate(quoted=[["doc", 0]]), mutate(quoted=[["doc", 0, 5, 9]]), mutate(quoted=[[1, 0, 5]]),
    mutate(quoted=[["doc", -1, 5]]), mutate(quoted=[["doc", 0, -5]]), mutate(quoted=[["doc", 0.0, 5]]),
    mutate(quoted=[["doc", True, 5]]), mutate(quoted=[["doc", "0", 5]]), mutate(quoted=[("doc", 0, 5)]),
    mutate(quoted=[["doc", 0, 10**10]]), mutate(quoted=[["d" * 301, 0, 5]]), mutate(quoted=[["d", 0, 1]] * (MAX_IDS + 1)),
    mutate(shown="doc"), mutate(shown=[1]), mutate(shown=[None]), mutate(shown=["x" * 301]),
    mutate(shown=["a"] * (MAX_IDS + 1)),
    mutate(turn=-1), mutate(turn="3"), mutate(turn=3.0), mutate(turn=True), mutate(turn=None), mutate(turn=10**7),
    mutate(shown=["x" * 200] * 45),  # within MAX_IDS and per-id limits but over MAX_CONTEXT_BYTES
])
def test_bad_contexts_are_invalid_context(raw):
    with pytest.raises(InvalidContext):
        parse_context(raw)


def test_oversize_limit_is_bytes_of_json():
    d = mutate(topic="x" * 900)
    assert len(json.dumps(d)) < MAX_CONTEXT_BYTES
    parse_context(d)
    with pytest.raises(InvalidContext, match="larger"):
        parse_context(mutate(shown=["y" * 290] * 30))


@pytest.mark.parametrize("raw", [mutate(shown={"a"}), mutate(topic=b"x"), {(1, 2): 3}])
def test_unserialisable_context_is_invalid_context(raw):
    with pytest.raises(InvalidContext):
        parse_context(raw)


def test_contexts_from_real_replies_are_accepted(small_settings):  # noqa: F811
    a = lenient(Assistant(small_settings))
    ctx = None
    for turn, text in enumerate(["hello", "does early help prevent harm", "tell me more", "which message says that?",
                                 "anything else?", "how many families?", "thanks"], 1):
        reply = a.ask(text, ctx)
        ctx = reply.context
        assert ctx["v"] == CONTEXT_VERSION and ctx["turn"] == turn
        parsed = parse_context(json.loads(json.dumps(ctx)))
        assert parsed.to_dict() == ctx
