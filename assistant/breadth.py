"""Whether a question asks for the findings across messages (a broad question), not one thing: the one place that
decides it. A reviewed broad cue (broad_cues.is_broad: "main challenges", "sum it all up") makes a question broad.
Staff ask broadly in more ways than any cue list holds ("is the system actually working for kids or not",
"frontline workers - how are they getting on?"), so the breadth model reads the rest: a logistic model over the
question's vector (the one the search uses) and whether a cue matched, fitted by `python -m eval.fit_breadth` on
the key-message dev questions marked broad or not and on WikiQA train questions (every one asks one thing, of
other documents). assistant/breadth.json holds its weights, the embedding model they were fitted on, its threshold
and what it was fitted on. With any other embedding model (the fake in tests) only the cues decide."""

from __future__ import annotations

import json
import math
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

import numpy as np

from .broad_cues import is_broad as has_broad_cue

BREADTH = Path(__file__).resolve().parent / "breadth.json"


@dataclass(frozen=True)
class BreadthModel:
    embedder: str  # the embedding model whose question vectors the weights were fitted on
    weights: np.ndarray  # one per vector dimension
    cue_weight: float  # the weight of "a broad cue matched" (1 or 0)
    bias: float
    threshold: float  # broad when the probability reaches this (hand-set from a sweep; see the file's "hand_set")

    def probability(self, vector: np.ndarray, cue: bool) -> float:
        z = float(np.asarray(vector, dtype=np.float64).reshape(-1) @ self.weights) + self.cue_weight * cue + self.bias
        return 1.0 / (1.0 + math.exp(-max(min(z, 50.0), -50.0)))

    @classmethod
    def load(cls, path: Path = BREADTH) -> "BreadthModel":
        """The model saved in path, or ValueError naming the file and what is wrong with it."""
        try:
            raw = json.loads(path.read_text(encoding="utf-8"))
            model = cls(str(raw["embedder"]), np.array(raw["weights"], dtype=np.float64), float(raw["cue_weight"]),
                        float(raw["bias"]), float(raw["threshold"]))
        except (OSError, ValueError, KeyError, TypeError) as exc:
            raise ValueError(f"the breadth model {path} cannot be read ({type(exc).__name__}: {exc}); "
                             "rerun python -m eval.fit_breadth") from exc
        if model.weights.ndim != 1 or not np.isfinite(model.weights).all() or not 0.0 < model.threshold < 1.0:
            raise ValueError(f"the breadth model {path} has weights that are not a list of numbers or a threshold "
                             "outside 0..1; rerun python -m eval.fit_breadth")
        return model


class Breadth:
    """is_broad(text): a cue, or the model's probability at or above its threshold. `vector(text)` gives the vector
    of what the search embeds for the question (Retriever.searched_vector: within a turn the search then reads it
    without embedding again); the model is used only when it was fitted on vectors of `embedder` and of their size."""

    def __init__(self, model: BreadthModel | None, embedder: str, vector: Callable[[str], np.ndarray], dim: int):
        usable = model is not None and model.embedder == embedder and len(model.weights) == dim
        self.model = model if usable else None
        self._vector = vector

    @staticmethod
    def has_cue(text: str) -> bool:
        """Whether a reviewed broad cue matches (broad_cues.is_broad): no vector needed."""
        return has_broad_cue(text)

    def is_broad(self, text: str) -> bool:
        if has_broad_cue(text):
            return True
        return self.model is not None and self.model.probability(self._vector(text), False) >= self.model.threshold
