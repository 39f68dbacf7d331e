"""Retrieval result → the sentence(s) that answer, or a decline. Weak evidence is declined: a
loosely related sentence is never stretched into an answer."""

from __future__ import annotations

import json
import math
import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from .query import AnswerType, unmet_type
from .retrieve import Result, SentenceHit
from .text import stems

CALIBRATION = Path(__file__).resolve().parent / "calibration.json"
FEATURES = ("sentence_dense", "message_dense", "coverage")
MAX_BROAD = 5


@lru_cache(maxsize=4)
def load_calibration(path: Path = CALIBRATION) -> dict:
    return json.loads(path.read_text())


@dataclass(frozen=True)
class Decision:
    answered: bool
    picks: list[SentenceHit]  # best first; empty when declined
    confidence: float
    reason: str = ""  # why declined: weak, unknown, or the unmet answer type (quantity, definition, ...)


def coverage(question: str, expanded: str, text: str) -> float:
    """Share of the question's content words found in the text (a glossary word counts when any of its phrases is)."""
    asked = stems(question)
    if not asked:
        return 0.0
    have = stems(text)
    extra = stems(expanded[len(question):]) & have
    covered = len(asked & have) + (1 if extra and asked - have else 0)
    return min(1.0, covered / len(asked))


def features(result: Result, pick: SentenceHit) -> dict[str, float]:
    q = result.query
    hit = next(h for h in result.hits if h.message.id == pick.message.id)
    return {
        "sentence_dense": pick.dense,
        "message_dense": hit.dense,
        "coverage": coverage(q.text, q.expanded, pick.message.text),
    }


def confidence(feats: dict[str, float], calibration: dict) -> float:
    w = calibration["weights"]
    z = w["bias"] + sum(w[name] * feats[name] for name in FEATURES)
    return 1 / (1 + math.exp(-z))


def decide(result: Result, broad: bool = False, calibration: dict | None = None, exclude: set[str] = frozenset(),
           types: tuple[AnswerType, ...] = ()) -> Decision:
    """Pick the answering sentence(s) from a retrieval result, or decline and say why."""
    cal = calibration or load_calibration()
    candidates = [s for s in result.sentences if s.message.id not in exclude]
    if not candidates:
        return Decision(False, [], 0.0, "weak")
    if result.query.unknown_terms:
        return Decision(False, [], 0.0, "unknown")
    best = candidates[0]
    unmet = unmet_type(result.query, best.sentence.text, types)
    if unmet:  # a sentence of the same message that shows the kind of answer asked for may stand in
        shown = [s for s in candidates[1:] if s.message.id == best.message.id
                 and not unmet_type(result.query, s.sentence.text, types)]
        if not shown:
            return Decision(False, [], confidence(features(result, best), cal), unmet)
        best = shown[0]
        candidates = [best] + [s for s in candidates if s is not best]
    conf = confidence(features(result, best), cal)
    if conf < cal["broad_threshold" if broad else "threshold"]:
        return Decision(False, [], conf, "weak")
    if broad:
        return Decision(True, _one_per_message(candidates, result, cal["broad_margin"], MAX_BROAD), conf)
    # a second message's sentence only when nearly as good and confident in its own right
    picks = [best] + [s for s in _one_per_message(candidates[1:], result, 0, 3)
                      if s.message.id != best.message.id and s.score >= cal["extra_quote_margin"] * best.score
                      and confidence(features(result, s), cal) >= cal["threshold"]][:1]
    return Decision(True, picks, conf)


def _one_per_message(candidates: list[SentenceHit], result: Result, margin: float, limit: int) -> list[SentenceHit]:
    top = result.hits[0].score if result.hits else 0
    keep = {h.message.id for h in result.hits if h.score >= margin * top}
    out, seen = [], set()
    for s in candidates:
        if s.message.id in keep and s.message.id not in seen:
            seen.add(s.message.id)
            out.append(s)
    return out[:limit]


