"""Bounded cost per request: every pattern applied to user text runs in linear time, and no crafted
question costs much more than a plain question of the same length (issue 14: three patterns
backtracked quadratically, so one 3 KB request cost ~25 plain ones)."""

from __future__ import annotations

import dataclasses
import json
import re
import statistics
import time

import pytest

from assistant import (answer_types, asides, asker, broad_cues, compound, conversation, cues, features, followups, intents,
                       polarity, query, refusal, scene, suggest, text, titles)
from assistant.settings import ROOT

# Prefixes reach the patterns' deeper branches; units are the runs a backtracking engine chokes on.
PREFIXES = ["", "what is a ", "what message is the ", "which message", "source", "where is that from",
            "what does ", "how much did ", "tell me more about ", "anything else about ", "key message ", "why ",
            "team manager "]
UNITS = ["a", "a ", "what ", "1", "A", "'", "-", ",", " ", "?", "’", "-a", "1,", ". ", "\t", "what is "]
SUFFIXES = ["", "x", "?", " like"]


def crafted(n: int, prefix: str, unit: str, suffix: str) -> str:
    return (prefix + unit * n)[: n - len(suffix)] + suffix


def user_text_patterns() -> dict[str, re.Pattern]:
    """Every compiled pattern a turn may apply to what the user typed: the modules' own (some read only the
    corpus; testing them too costs nothing), the reviewed answer-type patterns (question and topic; evidence
    reads the corpus) and the profile's numbered-title pattern."""
    found = {f"{m.__name__}.{k}": v for m in (answer_types, asides, asker, broad_cues, compound, conversation, cues, features,
                                               followups, intents, polarity, query, refusal, scene, suggest, text, titles)
             for k, v in vars(m).items() if isinstance(v, re.Pattern)}
    for name, spec in json.loads((ROOT / "index" / "answer_types.json").read_text(encoding="utf-8")).items():
        for part in ("question", "topic"):
            if not name.startswith("_") and spec.get(part):
                found[f"answer_types.{name}.{part}"] = re.compile(spec[part], re.I)
    found["cues.asker_intro()"] = cues.asker_intro()  # built from prompts/intents.json's job nouns
    found["query.introduction()"] = query.introduction()
    found["cues.plain_spelling"] = cues._spelled()[0]  # built from prompts/intents.json's spellings
    numbered = json.loads((ROOT / "index" / "profile.json").read_text(encoding="utf-8")).get("numbered_titles")
    if numbered:
        found["profile.numbered_titles"] = re.compile(numbered["pattern"], re.I)
    return found


def _cost(pattern: re.Pattern, text: str) -> float:
    best = float("inf")
    for _ in range(3):
        t = time.perf_counter()
        pattern.search(text)
        pattern.match(text)
        best = min(best, time.perf_counter() - t)
    return best


RETRIES = 5  # a pause of the machine inflates one timing; a quadratic pattern is slow every time


def _bound(small: float) -> float:
    return 20 * small + 2e-4


def test_the_bound_catches_a_quadratic_pattern():
    """The check itself: a pattern that backtracks quadratically exceeds the bound however often it is re-measured."""
    quadratic = re.compile(r"a*b")  # search tries every start, each scanning to the end
    small, large = _cost(quadratic, crafted(500, "", "a", "")), _cost(quadratic, crafted(4000, "", "a", ""))
    for _ in range(RETRIES):
        large = min(large, _cost(quadratic, crafted(4000, "", "a", "")))
    assert large > _bound(small)


def test_the_pattern_list_is_not_empty():
    names = user_text_patterns()
    assert {"assistant.intents._WHICH", "assistant.intents._PLAINER", "assistant.polarity._OPPOSITE", "assistant.followups._WHICH_ABOUT",
            "assistant.compound._SPLIT", "answer_types.definition.question", "assistant.answer_types._SPECIFIC_BEFORE",
            "cues.asker_intro()"} <= set(names)


@pytest.mark.parametrize("name", sorted(user_text_patterns()))
def test_pattern_cost_grows_linearly(name):
    """8× the text may cost about 8× the time, not 64× (quadratic): bound 20×, plus 0.2 ms of slack."""
    pattern = user_text_patterns()[name]
    worst = []
    for prefix in PREFIXES:
        for unit in UNITS:
            for suffix in SUFFIXES:
                small, large = _cost(pattern, crafted(500, prefix, unit, suffix)), _cost(pattern, crafted(4000, prefix, unit, suffix))
                for _ in range(RETRIES):  # re-measure before blaming a busy machine: quadratic stays slow
                    if large <= _bound(small):
                        break
                    small = min(small, _cost(pattern, crafted(500, prefix, unit, suffix)))
                    large = min(large, _cost(pattern, crafted(4000, prefix, unit, suffix)))
                if large > _bound(small):
                    worst.append((round(large / small, 1), prefix, unit, suffix))
    assert not worst, f"{name} grows faster than linear on {worst[:5]}"


# -- the whole turn ---------------------------------------------------------------------------------
PLAIN = ("How are partnerships making sure that children and young people at risk of harm are listened to, "
         "and what did the inspections find about early help, neglect and domestic abuse in their areas? ")


def _turn_ms(assistant, question: str, topic: str, runs: int = 5) -> float:
    context = {"v": 1, "topic": topic, "quoted": [], "shown": [], "turn": 1}
    times = []
    for _ in range(runs):
        t = time.perf_counter()
        assistant.ask(question, context)
        times.append(time.perf_counter() - t)
    return statistics.median(times)


def _ratio(assistant, question: str, topic: str, plain: str, plain_topic: str, runs: int) -> float:
    """Crafted / plain, medians measured side by side (so a busy neighbour slows both alike)."""
    base = _turn_ms(assistant, plain, plain_topic, runs)
    cost = _turn_ms(assistant, question, topic, runs)
    return cost / max(base, _turn_ms(assistant, plain, plain_topic, runs))


def _slow_turns(assistant, bound: float, families, runs: int) -> list:
    n = assistant.settings.max_question_chars
    plain, topic = (PLAIN * 20)[:n].strip(), (PLAIN * 40)[: 2 * n]
    slow = []
    for prefix, unit, suffix in families:
        question = crafted(n, prefix, unit, suffix).strip() or "x"
        for crafted_topic in (topic, crafted(2 * n, prefix, unit, suffix)):
            ratio = _ratio(assistant, question, crafted_topic, plain, topic, runs)
            if ratio > bound:  # measure again before blaming the input rather than the machine
                ratio = min(ratio, _ratio(assistant, question, crafted_topic, plain, topic, 2 * runs + 1))
            if ratio > bound:
                slow.append((round(ratio, 1), prefix, unit, suffix))
    return slow


FAMILIES = [(p, u, s) for p in ("", "what is a ", "what message is the ", "which message", "where is that from", "is that ")
            for u in ("a", "a ", "what ", "1", "A", "'", "-", ",", "?", "1,", "-a", "what is ", "a-" * 60 + " ") for s in ("x", "?")]


def test_no_crafted_turn_costs_much_more_than_a_plain_one(fake_settings):
    """The longest allowed question and follow-up topic, with the fake embedder, so that patterns,
    tokenising and mending are nearly all the cost. A crafted short follow-up searches twice (alone, then
    with the topic) where a plain long question searches once, so the bound here is 4×; the quadratic
    patterns this guards against cost 25–35× (70 ms against 2 ms)."""
    from assistant.core import Assistant

    uncached = Assistant(dataclasses.replace(fake_settings, query_cache=0))  # every run pays in full
    slow = _slow_turns(uncached, 4.0, FAMILIES, runs=5)
    assert not slow, f"crafted turns cost more than 4× a plain one: {slow[:5]}"


@pytest.mark.model
def test_no_crafted_turn_costs_twice_a_plain_one_with_the_real_model():
    """The issue's bound, with the shipped ONNX query model and index (`make index`): no input costs
    more than 2× a plain question of the longest allowed length, with a long follow-up topic."""
    from assistant.core import Assistant
    from assistant.settings import Settings

    assistant = Assistant(Settings.from_env(env={}, query_cache=0))
    families = [(p, u, s) for p, u, s in FAMILIES if s == "?" and p in ("", "which message", "is that ")
                and u in ("a", "1", "'", "-", ",", "?", "a-" * 60 + " ")]
    slow = _slow_turns(assistant, 2.0, families, runs=5)
    assert not slow, f"crafted turns cost more than 2× a plain one: {slow[:5]}"
