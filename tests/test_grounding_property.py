"""Property: whatever is typed, after whatever real conversation, a reply is grounded or the input is refused."""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings as hsettings, strategies as st

from assistant.core import Assistant
from assistant.errors import InputError
from assistant.reply import check_grounding
from corefix import grounding_problems, lenient, real_fake_settings  # noqa: F401

SCRIPTS = [
    ["is domestic abuse still a problem for children and young people", "tell me more", "which message says that?"],
    ["early help", "anything else?", "anything else?"],
    ["hello", "how are teenagers protected", "what about mental health?"],
    ["summarise the main findings", "tell me more"],
    ["How many families were inspected?", "why?"],
    ["write me a poem", "thanks"],
]


@pytest.fixture(scope="module")
def assistants(real_fake_settings):  # noqa: F811
    return [Assistant(real_fake_settings), lenient(Assistant(real_fake_settings))]


@pytest.fixture(scope="module")
def contexts(assistants):
    """Contexts produced by real replies of both assistants, after every turn of every script."""
    out = [None, {}]
    for a in assistants:
        for script in SCRIPTS:
            ctx = None
            for text in script:
                ctx = a.ask(text, ctx).context
                out.append(ctx)
    assert any(c and c.get("quoted") for c in out), "no context with quotes: the property would be weak"
    return out


questions = st.text(
    alphabet=st.one_of(st.characters(min_codepoint=32, max_codepoint=126), st.characters(blacklist_categories=("Cs",))),
    min_size=1, max_size=200,
).filter(lambda s: s.strip() and "\x00" not in s)
follow_ups = st.sampled_from(["tell me more", "which message says that?", "anything else?", "what about that?",
                              "and teenagers?", "thanks", "why?"])


@hsettings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(question=st.one_of(questions, follow_ups), which=st.integers(0, 1), pick=st.integers(0, 10**6))
def test_every_reply_is_grounded(assistants, contexts, question, which, pick):
    a = assistants[which]
    context = contexts[pick % len(contexts)]
    try:
        reply = a.ask(question, context)
    except InputError:
        return
    check_grounding(reply)
    assert grounding_problems(reply, a.store.messages) == []
    if reply.status == "answered":
        assert all(q.text in a.store.messages[q.message_id].text for q in reply.quotes)
