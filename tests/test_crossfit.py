"""The reranker is cross-fitted (eval/calibrate.py, eval/examples.Rerankers): a read-and-ask question's features are
computed with a reranker fitted without that question's fold, and every other question's with the one served. If
the trees saw logits the reranker had learned on the very questions they are fitted on, they would learn to trust
the logit more than it earns on a user's documents."""

from __future__ import annotations

import numpy as np
import pytest

from assistant.answer import Reranker
from eval.reranker import Pairs, fit_reranker
from eval.examples import FOLDS, Rerankers, fold_of

DIM = 4


def _reranker(tag: float) -> Reranker:
    return Reranker(np.full((3 * DIM + 1, 2), tag, dtype=np.float32), np.zeros(2, np.float32), np.ones(2, np.float32), 0.0)


def test_a_question_gets_the_reranker_fitted_without_its_fold():
    served, folds = _reranker(0.0), tuple(_reranker(float(k + 1)) for k in range(FOLDS))
    crossed = Rerankers(served, folds)
    for key in ("wikiqa:r-1", "nfcorpus:a-7", "wikiqa:r-22", "nfcorpus:b-3"):
        assert crossed.of(key) is folds[fold_of(key)]
    assert Rerankers(served).of("wikiqa:r-1") is served  # questions no reranker was fitted on: the served one


def _pairs(key: str | None, seed: int) -> Pairs:
    rng = np.random.default_rng(seed)
    q, v = rng.normal(size=DIM), rng.normal(size=(3, DIM))
    return Pairs(Reranker.inputs(q / np.linalg.norm(q), v / np.linalg.norm(v, axis=1, keepdims=True)), [1, 0, 0], key)


def test_fitting_without_a_fold_leaves_out_exactly_its_read_and_ask_questions():
    wikiqa = [_pairs(None, s) for s in range(6)]
    keys = [f"wikiqa:r-{n}" for n in range(40)]
    read = [_pairs(k, 100 + n) for n, k in enumerate(keys)]
    held = fold_of(keys[0])
    record = fit_reranker(wikiqa + read, leave_fold=held)
    kept = sum(fold_of(k) != held for k in keys)
    assert 0 < kept < len(keys)
    assert f"the 6 answerable questions whose page is not indexed, and {kept} answerable read-and-ask" in record["fitted_on"]
    assert f"and {len(keys)} answerable read-and-ask" in fit_reranker(wikiqa + read)["fitted_on"]


@pytest.mark.parametrize("fold", range(FOLDS))
def test_the_served_reranker_differs_from_one_fitted_without_a_fold(fold):
    """Leaving a fold out changes the fit (the folds are not empty and the records are not shared)."""
    pairs = [_pairs(None, s) for s in range(6)] + [_pairs(f"wikiqa:r-{n}", 100 + n) for n in range(40)]
    assert any(fold_of(f"wikiqa:r-{n}") == fold for n in range(40))
    assert fit_reranker(pairs, leave_fold=fold)["w1"] != fit_reranker(pairs)["w1"]


def test_the_reranker_is_fitted_on_sentence_vectors_made_as_the_index_makes_them():
    """Serving, the reranker reads the index's vectors: a sentence after its heading, and after its predecessor when
    it points back (units.vector_text). Its training pairs are embedded from the same texts."""
    from pathlib import Path

    from assistant import corpus
    from assistant.units import units_of
    from eval.reranker import served_texts

    doc = ("Encyclopedia extracts\n\nMark Cuban\n\nHe is the owner of the Dallas Mavericks. He was born in 1958. "
           "This made him a household name.\n")
    (m,) = [m for m in corpus.parse_document(Path("doc.txt"), doc) if m.title == "Mark Cuban"]
    sentences = [s.text for s in m.sentences]
    assert len(sentences) == 3
    index_texts = [text for _, text in units_of([m])[1:]]
    assert served_texts(m.title, sentences) == index_texts
    assert index_texts[2] == "Mark Cuban: He was born in 1958. This made him a household name."
