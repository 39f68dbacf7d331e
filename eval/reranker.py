"""The reranker inside the answer model (answer.Reranker, the trees' feature "learned"): what it is fitted on and how.
eval/calibrate.py fits it first, and again once per fold for the cross-fitted examples (examples.Rerankers)."""

from __future__ import annotations

import itertools
from dataclasses import dataclass

import numpy as np

from assistant.answer import Reranker
from assistant.corpus import Message, Sentence
from assistant.units import vector_text

from .examples import fold_of
from .foreign import indexed

# The reranker's network: hidden units and L2 penalty, set by one check on WikiQA dev (alone, MAP 0.738 against
# 0.699 for the cosine; a 64-unit one added to the trees' score there, 0.746 -> 0.766). Deterministic (fixed seed).
RERANKER = {"hidden": 32, "alpha": 1e-3, "seed": 0}


@dataclass(frozen=True)
class Pairs:
    """One question's reranker inputs (answer.Reranker.inputs, a row per sentence of its page), their labels, and
    the key its fold is taken from (None: never left out)."""
    x: np.ndarray
    y: list[int]
    key: str | None


def reranker_pairs(train: list[dict], embedder, extra: list[dict] = ()) -> list[Pairs]:
    """What the reranker is fitted on: the WikiQA train questions whose page is *not* among the half that
    wikiqa_section_examples indexes, every sentence of the page a pair (label: WikiQA's), so the reranker has seen
    none of the WikiQA questions the trees then learn to weigh it on; and `extra`, the read-and-ask rows (a question,
    the title and sentences of its page or abstract, which answer it: details asked in a person's own words, where
    WikiQA's queries are mostly answered by a page's first sentence), each with the key it is folded by. Each sentence
    is embedded as served_texts makes it."""
    rows = [r for r in train if not indexed(r["title"]) and any(r["labels"])] + list(extra)
    served = [served_texts(r["title"], r["sentences"]) for r in rows]
    texts = sorted({t for ts in served for t in ts}, key=lambda s: (len(s), s))  # one order in every run
    vectors = dict(zip(texts, embedder.embed(texts, batch_size=8)))
    return [Pairs(Reranker.inputs(embedder.embed_query(r["question"])[0], np.array([vectors[t] for t in ts])),
                  list(r["labels"]), r.get("key")) for r, ts in zip(rows, served)]


def served_texts(title: str, sentences: list[str]) -> list[str]:
    """The texts a page's sentence vectors are made from when it is indexed as a section headed `title`: the page as
    one message, each sentence as units.vector_text makes it (after the heading, and after its predecessor when it
    points back). The reranker reads the index's vectors when it serves, so it is fitted on vectors made the same
    way."""
    parts = [s.strip() for s in sentences]
    text = " ".join(parts)
    starts = itertools.accumulate((len(p) + 1 for p in parts[:-1]), initial=0)
    m = Message("", title, "", text, tuple(Sentence(a, a + len(p), text) for a, p in zip(starts, parts)))
    return [vector_text(m, j, title if title.strip() else "") for j in range(len(parts))]


def fit_reranker(pairs: list[Pairs], leave_fold: int | None = None) -> dict:
    """The reranker (answer.Reranker) as a calibration record, fitted on `pairs` less the read-and-ask questions of
    fold `leave_fold` (the trees' examples of that fold are computed with it: examples.Rerankers)."""
    from sklearn.neural_network import MLPClassifier

    kept = [p for p in pairs if p.key is None or leave_fold is None or fold_of(p.key) != leave_fold]
    net = MLPClassifier(hidden_layer_sizes=(RERANKER["hidden"],), alpha=RERANKER["alpha"], max_iter=60,
                        early_stopping=True, random_state=RERANKER["seed"]).fit(np.vstack([p.x for p in kept]),
                                                                                 np.array([v for p in kept for v in p.y]))
    return reranker_record(net, f"WikiQA train, the {sum(p.key is None for p in kept)} answerable questions whose page "
                                f"is not indexed, and {sum(p.key is not None for p in kept)} answerable read-and-ask "
                                f"questions ({sum(len(p.y) for p in kept)} pairs)")


def reranker_record(net, fitted_on: str) -> dict:
    """A fitted one-hidden-layer scikit-learn MLPClassifier (relu) as the record answer.Reranker reads."""
    round6 = lambda a: [float(f"{v:.6g}") for v in np.ravel(a)]
    return {"kind": "mlp", "inputs": "q*v, |q-v|, v, cosine (q: question vector, v: sentence vector)",
            "fitted_on": fitted_on, "w1": [round6(row) for row in np.asarray(net.coefs_[0])],
            "b1": round6(net.intercepts_[0]), "w2": round6(net.coefs_[1][:, 0]),
            "b2": float(f"{float(net.intercepts_[1][0]):.6g}")}
