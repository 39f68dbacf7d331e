"""What the assistant knows about one corpus, as data beside its sources: one typed record.

A fresh index folder has an empty profile and the assistant still answers and declines (the answer model
knows no corpus). The key messages' profile is index/profile.json plus the reviewed files beside it:
glossary.json (staff words → the documents' wording), names.json (places, groups and things the documents
never single out), answer_types.json (kinds of answer the documents never give), query_adapter.json (a linear
map that moves a question's vector towards the sentences questions like it are answered by, fitted on this
corpus's own dev questions by `python -m eval.adapter`)."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from .answer_types import AnswerType, load_answer_types
from .errors import CorpusError
from .query import load_glossary, load_names

PROFILE = "profile.json"
ADAPTER = "query_adapter.json"
FILES = (PROFILE, "glossary.json", "names.json", "answer_types.json", ADAPTER)


@dataclass(frozen=True)
class NumberedTitles:
    """A title scheme such as "Key message 5": how a question names one ("KM5", "msg 5", "key message no. 5")."""
    title: str  # with {n} for the number
    pattern: re.Pattern  # group 1 is the number
    # words that only name a message by this scheme ("key", "message", and short forms such as "km"): left out of
    # what a question asks once a message is named
    words: frozenset[str] = frozenset()


@dataclass(frozen=True)
class AgeBand:
    up_to: int  # ages up to and including this one
    wording: str  # what the documents call children of these ages


@dataclass(frozen=True, eq=False)
class QueryAdapter:
    """q → q + q·delta, then unit length: learned from this corpus's questions and the sentences that answer them
    (ridge regression towards the identity). It applies only to vectors of the model it was fitted with."""
    model: str
    delta: np.ndarray  # (dim, dim)
    dense_weight: float | None = None  # the fusion weight fitted with it (its vectors are stronger evidence)

    def applies(self, model: str, dim: int) -> bool:
        return model == self.model and dim == self.delta.shape[0]

    def apply(self, vectors: np.ndarray, model: str) -> np.ndarray:
        if not self.applies(model, vectors.shape[-1]):
            return vectors
        moved = vectors + vectors @ self.delta
        norms = np.linalg.norm(moved, axis=-1, keepdims=True)
        return (moved / np.where(norms == 0, 1, norms)).astype(np.float32)

    @classmethod
    def load(cls, path: Path) -> "QueryAdapter | None":
        if not path.exists():
            return None
        try:
            raw = json.loads(path.read_text(encoding="utf-8"))
            delta = np.asarray(raw["delta"], dtype=np.float32)
            model = str(raw["model"])
            weight = raw.get("dense_weight")
            weight = None if weight is None else float(weight)
        except (ValueError, KeyError, TypeError) as exc:
            raise CorpusError(f"the query adapter {path} is malformed: {exc}; rerun python -m eval.adapter") from exc
        if delta.ndim != 2 or delta.shape[0] != delta.shape[1] or not np.isfinite(delta).all():
            raise CorpusError(f"the query adapter {path} is not a square matrix of numbers; rerun python -m eval.adapter")
        if weight is not None and not 0 <= weight <= 1:
            raise CorpusError(f"the query adapter {path} has a dense_weight outside 0..1; rerun python -m eval.adapter")
        return cls(model, delta, weight)


@dataclass(frozen=True)
class Profile:
    glossary: dict[str, tuple[str, ...]] = field(default_factory=dict)
    names: tuple[str, ...] = ()
    answer_types: tuple[AnswerType, ...] = ()
    numbered: NumberedTitles | None = None
    ages: tuple[AgeBand, ...] = ()
    collection: str = "the documents"  # how suggestions name the corpus: "What do {collection} say about X?"
    stop_words: frozenset[str] = frozenset()  # words too common here to make a topic
    # Whether a heading names what its section is about, so each sentence is embedded after it ("Mark Cuban: He
    # is the owner of ..."): false where headings are labels such as "Key message 5" (units.vector_text).
    heading_context: bool = True
    adapter: QueryAdapter | None = None

    @classmethod
    def load(cls, folder: Path) -> "Profile":
        """The profile in an index folder; missing files are empty parts, a malformed one is a CorpusError."""
        path = folder / PROFILE
        raw = {}
        if path.exists():
            try:
                raw = json.loads(path.read_text(encoding="utf-8"))
                numbered = raw.get("numbered_titles")
                numbered = NumberedTitles(numbered["title"], re.compile(numbered["pattern"], re.I),
                                          frozenset(re.findall(r"[a-z]+", numbered["title"].replace("{n}", " ").lower()))
                                          | frozenset(str(w).lower() for w in numbered.get("short_forms", []))) if numbered else None
                ages = tuple(AgeBand(int(a["up_to"]), str(a["wording"])) for a in raw.get("ages", []))
                heading_context = raw.get("heading_context", True)
                if not isinstance(heading_context, bool):
                    raise TypeError("heading_context must be true or false")
            except (ValueError, KeyError, TypeError, AttributeError, re.error) as exc:
                raise CorpusError(f"the profile {path} is malformed: {exc}") from exc
        else:
            numbered, ages, heading_context = None, (), True
        # read afresh (not the loaders' caches): an edited file is picked up by the next load
        return cls(load_glossary.__wrapped__(folder / "glossary.json"), load_names.__wrapped__(folder / "names.json"),
                   load_answer_types.__wrapped__(folder / "answer_types.json"), numbered, tuple(sorted(ages, key=lambda a: a.up_to)),
                   raw.get("collection", "the documents"), frozenset(raw.get("stop_words", [])),
                   heading_context, QueryAdapter.load(folder / ADAPTER))

    def age_wording(self, age: int) -> str | None:
        return next((a.wording for a in self.ages if age <= a.up_to), None)


def stamp(folder: Path) -> tuple:
    """What changes when a profile file is edited (its size and modification time), for reloading."""
    out = []
    for name in FILES:
        try:
            st = (folder / name).stat()
            out.append((name, st.st_size, st.st_mtime_ns))
        except OSError:
            out.append((name, None, None))
    return tuple(out)
