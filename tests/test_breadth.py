"""The breadth model (assistant/breadth.py): cues decide alone; the model adds what they miss, only with the
embedding model it was fitted on; a damaged model file is named; eval/fit_breadth.py's fit is a plain, deterministic
logistic fit."""

from __future__ import annotations

import json

import numpy as np
import pytest

from assistant.breadth import BREADTH, Breadth, BreadthModel
from assistant.embed import PACKAGED_MODEL
from eval.fit_breadth import fit, probability


def toy(threshold: float = 0.6) -> BreadthModel:
    return BreadthModel("toy-model", np.array([4.0, -4.0]), cue_weight=3.0, bias=0.0, threshold=threshold)


def vectors(table: dict[str, list[float]]):
    return lambda text: np.array([table[text]])


def test_the_model_adds_broad_questions_the_cues_miss():
    asked = {"how is everyone doing?": [1.0, 0.0], "when was it published?": [0.0, 1.0]}
    b = Breadth(toy(), "toy-model", vectors(asked), dim=2)
    assert b.is_broad("how is everyone doing?")  # σ(4) = 0.98 ≥ 0.6, and no cue says so
    assert not b.is_broad("when was it published?")  # σ(-4)
    assert b.is_broad("what are the main challenges?")  # a cue: broad without asking the model (no vector for it)


def test_the_threshold_decides():
    asked = {"q": [0.1, 0.0]}  # σ(0.4) = 0.599
    assert not Breadth(toy(0.6), "toy-model", vectors(asked), dim=2).is_broad("q")
    assert Breadth(toy(0.59), "toy-model", vectors(asked), dim=2).is_broad("q")


def test_a_model_fitted_on_other_vectors_is_not_used():
    def never(text):
        raise AssertionError("no vector is needed when only the cues decide")

    for b in (Breadth(toy(), "fake-hash-64", never, dim=2), Breadth(toy(), "toy-model", never, dim=3),
              Breadth(None, "toy-model", never, dim=2)):
        assert b.model is None
        assert not b.is_broad("how is everyone doing?") and b.is_broad("give me an overview")


def test_the_fake_embedder_assistant_decides_by_cues_alone(fake_assistant):
    assert fake_assistant.lib.breadth.model is None  # the shipped model knows all-MiniLM-L6-v2 vectors only


def test_the_shipped_model_is_whole_and_says_what_it_read():
    model = BreadthModel.load()
    raw = json.loads(BREADTH.read_text())
    assert model.embedder == PACKAGED_MODEL and model.weights.shape == (384,) and 0 < model.threshold < 1
    assert raw["fitted_on"] and all("test" not in f.lower() and "holdout" not in f and "/staff/" not in f
                                    for f in raw["fitted_on"])
    assert any(f.endswith("WikiQA-train.tsv") for f in raw["fitted_on"]) and raw["hand_set"]


@pytest.mark.parametrize("content,why", [("{", "JSONDecodeError"), ('{"embedder": "m"}', "KeyError"),
                                         ('{"embedder": "m", "weights": [1, "x"], "cue_weight": 0, "bias": 0, '
                                          '"threshold": 0.5}', "ValueError"),
                                         ('{"embedder": "m", "weights": [1, 2], "cue_weight": 0, "bias": 0, '
                                          '"threshold": 1.5}', "threshold")])
def test_a_damaged_model_file_is_named_with_a_reason(tmp_path, content, why):
    path = tmp_path / "breadth.json"
    path.write_text(content)
    with pytest.raises(ValueError) as err:
        BreadthModel.load(path)
    assert str(path) in str(err.value) and why in str(err.value) and "eval.fit_breadth" in str(err.value)


def test_a_missing_model_file_is_named(tmp_path):
    with pytest.raises(ValueError, match="breadth.json cannot be read"):
        BreadthModel.load(tmp_path / "breadth.json")


def test_fit_separates_a_separable_toy_and_is_deterministic():
    rng = np.random.default_rng(0)
    x = rng.normal(size=(200, 3))
    y = (x[:, 0] - x[:, 1] > 0).astype(float)
    b = fit(x, y, c=10.0)
    assert np.mean((probability(b, x) >= 0.5) == (y == 1)) > 0.97
    assert b[0] > 0 > b[1] and abs(b[2]) < abs(b[0]) / 3  # the third column is noise
    assert np.array_equal(b, fit(x, y, c=10.0))
    heavy = fit(x, y, c=0.01)  # a strong penalty shrinks the weights
    assert np.abs(heavy[:3]).sum() < np.abs(b[:3]).sum() / 5


def test_the_shipped_model_read_every_dev_question_file():
    """A dev file added without refitting (python -m eval.fit_breadth --write) fails here."""
    from eval.ext_common import ROOT
    from eval.gold import files

    read = json.loads(BREADTH.read_text())["fitted_on"]
    assert [f for f in read if f.startswith("eval/data/questions-")] == [str(f.relative_to(ROOT)) for f in files("questions", "dev")]


def test_a_turn_embeds_a_question_once_though_breadth_and_search_both_read_it(fake_assistant, monkeypatch):
    """With no query cache, the breadth model's vector and the search's are one embedding within a turn (one_turn),
    and only within it."""
    from assistant.retrieve import one_turn

    r = fake_assistant.lib.retriever
    monkeypatch.setattr(r, "cache_size", 0)
    asked = []
    real = r.embedder.embed_query
    monkeypatch.setattr(r.embedder, "embed_query", lambda text: (asked.append(text), real(text))[1])
    question = "is DV still a problem for families"
    with one_turn():
        v = r.searched_vector(question)
        r.search(question)
    assert len(asked) == 1 and asked[0] == r.analyse(question).expanded != question  # the glossary's expansion is read
    assert np.array_equal(v, r.question_vector(r.analyse(question).expanded)) and len(asked) == 2  # no memo outside a turn
