"""Retrieval result → the sentence(s) that answer, or a decline, and why.

One learned model decides, in two parts, each boosted decision trees (features.py says what they see;
assistant/calibration.json holds the trees, fitted by eval/calibrate.py on WikiQA train and the key-message
dev split): the ranker gives each candidate sentence the probability that it answers, and the trigger gives
the probability that the ranker's best candidate's section answers the question. The best candidate is
quoted when the trigger's probability reaches the threshold; otherwise the question is declined. The
profile's rules (terms the documents never cover, answer types) run first and decline on their own, and so
does a question none of whose words the documents use, and one asking about a thing in particular ("health visitors
specifically") that the best candidate's message never names (answer_types.unmet_focus)."""

from __future__ import annotations

import json
import math
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import numpy as np

from . import features as feats
from . import polarity
from .answer_types import AnswerType, unmet_focus, unmet_type
from .retrieve import Result, SentenceHit
from .text import stems

CALIBRATION = Path(__file__).resolve().parent / "calibration.json"
CANDIDATES = 20  # sentences the model scores per question: the cost of deciding never grows with the corpus
MAX_BROAD = 8  # hand-set: a broad answer stays readable
MAX_EXTRA = 2  # hand-set: other messages quoted beside the best for a question that is not broad


@lru_cache(maxsize=4)
def load_calibration(path: Path = CALIBRATION) -> dict:
    return json.loads(path.read_text())


@dataclass(frozen=True)
class Forest:
    """Gradient-boosted decision trees: P(sentence answers) = σ(Σ over trees of the leaf each reaches).

    Saved as plain node lists (eval/calibrate.py fits them with LightGBM and flattens them; nothing is
    pickled): in a tree, inner node i asks x[feature[i]] <= threshold[i]; yes goes to left[i], no to
    right[i]; a child c >= 0 is another inner node, c < 0 the leaf -c-1. A small tree's answers to all its
    questions decide its leaf, so each tree becomes a table from those answers (as bits) to a leaf value,
    and scoring every candidate on every tree is a few array operations, not a walk per level."""
    names: tuple[str, ...]
    feature: np.ndarray  # (trees, nodes) int: the feature each inner node asks about (padding: 0)
    threshold: np.ndarray  # (trees, nodes)
    bit: np.ndarray  # (trees, nodes) int: 2**node for a real node, 0 for padding
    table: np.ndarray  # (trees, 2**nodes): the leaf value for each combination of answers

    MAX_NODES = 10  # inner nodes per tree the table form allows (1,024 entries a tree)

    @classmethod
    def of(cls, m: dict, names: tuple[str, ...]) -> "Forest":
        if tuple(m.get("features", ())) != names or m.get("kind") != "forest":
            raise ValueError(f"calibration model of features {m.get('features')} is not a forest of {list(names)}; "
                             "rerun python -m eval.calibrate")
        trees = m["trees"]
        width = max([len(t["feature"]) for t in trees] + [1])
        if width > cls.MAX_NODES:
            raise ValueError(f"calibration trees have {width} inner nodes, more than {cls.MAX_NODES}; refit with fewer leaves")
        n = len(trees)
        feature, bit = np.zeros((n, width), np.int64), np.zeros((n, width), np.int64)
        threshold, table = np.zeros((n, width)), np.zeros((n, 2 ** width))
        for i, t in enumerate(trees):
            k = len(t["feature"])
            if not all(0 <= f < len(names) for f in t["feature"]) or not all(
                    -len(t["leaf"]) <= c < k for c in t["left"] + t["right"]) or len(t["leaf"]) != k + 1:
                raise ValueError(f"calibration tree {i} is damaged; rerun python -m eval.calibrate")
            feature[i, :k], threshold[i, :k], bit[i, :k] = t["feature"], t["threshold"], 1 << np.arange(k)
            for answers in range(2 ** k):
                node = 0 if k else -1
                for _ in range(k + 1):
                    if node < 0:
                        break
                    node = t["left"][node] if answers >> node & 1 else t["right"][node]
                table[i, answers] = t["leaf"][-node - 1]
        return cls(tuple(m["features"]), feature, threshold, bit, table)

    def probability(self, x: np.ndarray) -> np.ndarray:
        answers = ((x[:, self.feature] <= self.threshold) * self.bit).sum(axis=2)  # (candidates, trees)
        z = np.take_along_axis(self.table[None, :, :], answers[:, :, None], axis=2)[:, :, 0].sum(axis=1)
        return 1 / (1 + np.exp(-np.clip(z, -30, 30)))


@dataclass(frozen=True)
class Reranker:
    """A small network over the question's and a sentence's vectors (one hidden layer of rectified units), whose
    logit the ranker reads as the feature "learned": it is fitted on question/sentence pairs (WikiQA's, and
    read-and-ask questions on encyclopedia pages and medical abstracts: eval/calibrate.py) to tell the sentence
    that answers from the ones that are merely about the same thing, which a cosine cannot.
    Its input, for question vector q and sentence vector v: q*v, |q-v|, v and their cosine."""
    w1: np.ndarray  # (3 * dim + 1, hidden)
    b1: np.ndarray  # (hidden,)
    w2: np.ndarray  # (hidden,)
    b2: float

    @classmethod
    def of(cls, m: dict) -> "Reranker":
        w1, b1, w2 = np.asarray(m["w1"], dtype=np.float32), np.asarray(m["b1"], dtype=np.float32), np.asarray(m["w2"], dtype=np.float32)
        if m.get("kind") != "mlp" or w1.ndim != 2 or b1.shape != (w1.shape[1],) or w2.shape != (w1.shape[1],) or (w1.shape[0] - 1) % 3:
            raise ValueError("calibration reranker is damaged; rerun python -m eval.calibrate")
        return cls(w1, b1, w2, float(m["b2"]))

    @staticmethod
    def inputs(q: np.ndarray, v: np.ndarray) -> np.ndarray:
        """The network's input rows for question vector q (dim,) and sentence vectors v (n, dim): what it is
        fitted on (eval/calibrate.py) and what it scores."""
        return np.hstack([q * v, np.abs(q - v), v, (v @ q)[:, None]])

    def logits(self, q: np.ndarray, v: np.ndarray) -> np.ndarray:
        """One logit per row of v (sentence vectors) for the question vector q; zeros when the vectors are not
        of the dimension it was fitted on (another model, the tests' fake embedder)."""
        q = np.asarray(q, dtype=np.float32).reshape(-1)
        if v.ndim != 2 or v.shape[1] * 3 + 1 != self.w1.shape[0] or q.shape[0] != v.shape[1]:
            return np.zeros(len(v))
        return (np.maximum(self.inputs(q, v) @ self.w1 + self.b1, 0.0) @ self.w2 + self.b2).astype(np.float64)


_FEATURE = {name: i for i, name in enumerate(feats.NAMES)}
TRIGGER_NAMES = ("top_logit", "top_margin", "one_message") + tuple(f"top_{n}" for n in feats.NAMES)


@dataclass(frozen=True)
class Models:
    """The ranker (P(this sentence answers), per candidate) and the trigger (P(the best candidate's section
    answers the question), per question, from the ranker's top two and the top candidate's features)."""
    ranker: Forest
    trigger: Forest
    reranker: Reranker | None = None


_built: dict[tuple[int, int, int], tuple[dict, dict, dict | None, Models]] = {}


def models_of(cal: dict) -> Models:
    """The models a calibration describes, built once per set of model dicts (tests pass variants of the
    shipped calibration that share them). The cache holds the dicts, so their ids cannot be reused."""
    r, t, n = cal["ranker"], cal["trigger"], cal.get("reranker")
    key = (id(r), id(t), id(n))
    hit = _built.get(key)
    if hit is None or hit[0] is not r or hit[1] is not t or hit[2] is not n:
        if len(_built) > 16:
            _built.clear()
        hit = _built[key] = (r, t, n, Models(Forest.of(r, feats.NAMES), Forest.of(t, TRIGGER_NAMES),
                                             Reranker.of(n) if n is not None else None))
    return hit[3]


def trigger_vector(p: np.ndarray, x: np.ndarray, one_message: bool) -> np.ndarray:
    """Question-level evidence: the ranker's best probability (as a logit), its lead over the second, whether
    every candidate is from one message (a search within a message a person named: the margins over other
    messages then say nothing), and the best candidate's own features. p and x are in the ranker's order,
    best first."""
    second = p[1] if len(p) > 1 else 0.0
    return np.r_[logit(float(p[0])), float(p[0] - second), float(one_message), x[0]]


@dataclass(frozen=True)
class Scored:
    hit: SentenceHit
    p: float
    x: np.ndarray  # the features the model saw, in features.NAMES order

    def feature(self, name: str) -> float:
        """One of the features the model saw, by its name in features.NAMES."""
        return float(self.x[_FEATURE[name]])


@dataclass(frozen=True)
class Decision:
    answered: bool
    picks: list[SentenceHit]  # best first; empty when declined
    confidence: float  # the trigger's probability that the best candidate's section answers
    reason: str = ""  # why declined: weak, unknown, or the unmet answer type (quantity, definition, ...)
    scored: tuple[Scored, ...] = ()  # every candidate the model scored, best first (for explain())
    neighbour: int | None = None  # a sentence next to the best pick the model rates nearly as likely: quoted with it


def neighbour_of(best: Scored, scored: list[Scored], cal: dict) -> int | None:
    """The index of the sentence next to the best pick in its message when the model gives it at least
    neighbour_margin of the best's probability (the best-rated such neighbour), else None. The model cannot tell
    which of two adjacent sentences holds the answer, so both are quoted as one passage, as a person would read
    them; a sentence further off is not joined (the passage would quote what lies between)."""
    margin = cal.get("neighbour_margin")
    if margin is None:
        return None
    for s in scored:
        if (s is not best and s.hit.message.id == best.hit.message.id and abs(s.hit.index - best.hit.index) == 1
                and s.p >= margin * best.p):
            return s.hit.index
    return None


def candidates(result: Result, corpus: feats.Corpus, exclude: set[str] = frozenset(),
               limit: int | None = CANDIDATES, reranker: Reranker | None = None) -> tuple[list[SentenceHit], np.ndarray]:
    """The best `limit` sentences of a result (fused order) and the model's features for each (the WikiQA
    benchmark scores every sentence of a page: limit None)."""
    cands = [s for s in result.sentences if s.message.id not in exclude][:limit]
    if not cands:
        return [], np.zeros((0, len(feats.NAMES)))
    learned = np.zeros(len(cands))
    if reranker is not None and result.vector is not None and result.vectors_of is not None:
        learned = reranker.logits(result.vector, result.vectors_of(cands))
    q = result.query
    asked = feats.Asked.of(q.own, q.expanded, q.text, corpus, q.glossed)
    message_dense = {h.message.id: h.dense for h in result.hits}
    best: dict[str, tuple[float, float]] = {}  # message id -> (best dense, best fused) among its candidates
    for s in cands:
        d, f = best.get(s.message.id, (-1.0, -1.0))
        best[s.message.id] = (max(d, s.dense), max(f, s.score))
    dense = np.array([s.dense for s in cands])
    mean, std = float(dense.mean()), float(dense.std())
    heading = {s.message.id: corpus.heading(s.message) for s in cands}
    rest = [feats.rest_cover_of(asked, s.sentence.text, heading[s.message.id]) for s in cands]
    top2 = sorted(rest, reverse=True)[:2] + [0.0, 0.0]
    rows, terms = [], {}
    for rank, s in enumerate(cands):
        if s.message.id not in terms:
            terms[s.message.id] = corpus.message_terms(s.message.id, s.message.text)
        others = [v for mid, v in best.items() if mid != s.message.id]
        od = max((d for d, _ in others), default=0.0)
        of = max((f for _, f in others), default=0.0)
        rows.append(feats.vector(asked, s.sentence.text, terms[s.message.id], s.index, s.dense,
                                 message_dense.get(s.message.id, s.dense), s.score, od, of, rank, heading[s.message.id], mean, std,
                                 float(learned[rank]), top2[1] if rest[rank] == top2[0] else top2[0]))
    return cands, np.vstack(rows)


def score(result: Result, corpus: feats.Corpus, cal: dict, exclude: set[str] = frozenset(),
          limit: int | None = CANDIDATES) -> list[Scored]:
    """The model's probability for each candidate sentence, best first."""
    models = models_of(cal)
    cands, x = candidates(result, corpus, exclude, limit, models.reranker)
    if not cands:
        return []
    p = models.ranker.probability(x)
    order = np.argsort(-p, kind="stable")
    return [Scored(cands[i], float(p[i]), x[i]) for i in order]


def confidence(scored: list[Scored], cal: dict) -> float:
    """The trigger model's probability that the best candidate's section answers the question."""
    if not scored:
        return 0.0
    v = trigger_vector(np.array([s.p for s in scored]), np.vstack([s.x for s in scored]),
                       len({s.hit.message.id for s in scored}) == 1)
    return float(models_of(cal).trigger.probability(v[None, :])[0])


def decide(result: Result, corpus: feats.Corpus, broad: bool = False, calibration: dict | None = None,
           exclude: set[str] = frozenset(), types: tuple[AnswerType, ...] = (), within: bool = False,
           topicless: bool = False, spread: frozenset[frozenset[str]] = frozenset(), side: int = polarity.NEITHER) -> Decision:
    """Pick the answering sentence(s) from a retrieval result, or decline and say why. `broad` quotes the
    best sentence of each message whose search score is within broad_margin of the best (up to MAX_BROAD). `within`: the
    person chose where to look (a message named by title, "anything else about X?"), so the margins over
    the messages left out say nothing and a lower, hand-set threshold applies. `topicless`: a broad question that
    names no topic at all ("where are we falling short?") asks about the whole collection, so the trigger, which
    judges whether a section answers a topic, has nothing to judge and no bar applies. `spread`: the word sets of a
    topic asked about in a few words ("what does it say about staff?"); once the question is answered, every other
    message with a candidate holding one of them joins (up to MAX_BROAD in all). Otherwise up to MAX_EXTRA other
    messages join whose best candidate reaches extra_quote_floor and extra_quote_margin of the best's probability.
    `side`: the side of the findings a broad question asks for (polarity.asked); no sentence saying the other is quoted
    for it, unless every one does."""
    cal = calibration or load_calibration()
    scored = score(result, corpus, cal, exclude)
    if not scored:
        return Decision(False, [], 0.0, "weak")
    if result.query.unknown_terms:
        return Decision(False, [], 0.0, "unknown", tuple(scored))
    best = scored[0]
    conf = confidence(scored, cal)
    unmet = unmet_type(result.query, best.hit.sentence.text, types)
    if unmet:  # a sentence of the same message that shows the kind of answer asked for may stand in
        shown = [s for s in scored[1:] if s.hit.message.id == best.hit.message.id
                 and not unmet_type(result.query, s.hit.sentence.text, types)]
        if not shown:  # or another message's, when the model gives it a fair share of the best's chance to answer
            bar = _share_bar(cal, best.p)
            shown = [s for s in scored[1:] if s.p >= bar and not unmet_type(result.query, s.hit.sentence.text, types)]
        if not shown:
            return Decision(False, [], conf, unmet, tuple(scored))
        best = shown[0]
        scored = [best] + [s for s in scored if s is not best]
    if not broad and unmet_focus(result.query, best.hit.message.text):  # "what about health visitors specifically?"
        return Decision(False, [], conf, "specific", tuple(scored))  # from a message that never names them
    if (best.feature("unknown_share") >= 1.0 or best.feature("n_terms") == 0) and not topicless:
        # not one word asked is one the documents (or the glossary) use, or no word is asked at all ("2+2", "???"): no
        # question like that was answerable in anything the model was fitted on (0 of 794; 5 of the 17 out-of-scope
        # key-message questions the model sees), so the trees' guess there ("what's 2+2?" reached the threshold, "2+2"
        # 0.38) is not asked
        return Decision(False, [], conf, "weak", tuple(scored))
    if broad:
        if conf < cal["broad_threshold"] and not topicless:
            return Decision(False, [], conf, "weak", tuple(scored))
        # every message whose fused score is within broad_margin of the best joins, with its best sentence
        top = max((h.score for h in result.hits if h.message.id not in exclude), default=0.0)
        keep = [h.message.id for h in result.hits if h.message.id not in exclude and h.score >= cal["broad_margin"] * top]
        fits = (lambda h: polarity.said(h.sentence.text) != -side) if side else (lambda h: True)
        fitting = [s.hit for s in scored if fits(s.hit)]
        if not fitting:  # every candidate says the other side: the side asked is not read
            fits, fitting = (lambda h: True), [s.hit for s in scored]
        first = fitting[0]
        best_of = {}
        for h in fitting:
            best_of.setdefault(h.message.id, h)
        for s in result.sentences:  # a message with no sentence among the candidates: its best by the search
            if s.message.id not in best_of and fits(s):
                best_of[s.message.id] = s
        picks = [best_of[mid] for mid in keep if mid in best_of][:MAX_BROAD] or [first]
        picks.sort(key=lambda h: h is not first)  # the model's best (of the side asked) first
        return Decision(True, picks, conf, "", tuple(scored))
    if conf < cal["within_threshold" if within else "threshold"]:
        return Decision(False, [], conf, "weak", tuple(scored))
    if spread:  # a topic asked about in a few words: each other message with a candidate that holds it joins
        others = _one_per_message([s for s in scored[1:] if s.hit.message.id != best.hit.message.id
                                   and any(words <= stems(s.hit.sentence.text) for words in spread)], 0.0, MAX_BROAD - 1)
        if others:
            return Decision(True, [best.hit] + [s.hit for s in others], conf, "", tuple(scored),
                            neighbour_of(best, scored, cal))
    # another message's sentence when the model gives it a fair share of the best's chance to answer (the question may
    # be asked of several messages: "is practice consistent across the country?"), up to MAX_EXTRA of them
    bar = _share_bar(cal, best.p)
    extra = [s for s in _one_per_message(scored[1:], bar, MAX_EXTRA + 1)
             if s.hit.message.id != best.hit.message.id][:MAX_EXTRA]
    return Decision(True, [best.hit] + [s.hit for s in extra], conf, "", tuple(scored), neighbour_of(best, scored, cal))


def _share_bar(cal: dict, best_p: float) -> float:
    """The probability another message's candidate needs to stand beside (or in for) the best: extra_quote_margin of
    the best's, and at least extra_quote_floor."""
    return max(cal.get("extra_quote_floor", 0.0), cal["extra_quote_margin"] * best_p)


def _one_per_message(scored: list[Scored], threshold: float, limit: int) -> list[Scored]:
    out, seen = [], set()
    for s in scored:
        if s.p >= threshold and s.hit.message.id not in seen:
            seen.add(s.hit.message.id)
            out.append(s)
    return out[:limit]


def logit(p: float) -> float:
    p = min(max(p, 1e-9), 1 - 1e-9)
    return math.log(p / (1 - p))
