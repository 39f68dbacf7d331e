"""What the answer model sees of one candidate sentence: evidence that means the same on any corpus.

Every feature is scale-free: cosines, shares of the question's weight, margins, position. Word weights
come from the index's own statistics (IDF over its sentences) and, for words the index never uses, from
general English (text.rarity), so nothing here knows which documents are indexed."""

from __future__ import annotations

import math
import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np

from .text import rarity, stem, stems, term_run, tokens

NAMES = ("sentence_dense", "message_dense", "sentence_cover", "message_cover", "rarest_covered", "unknown_share",
         "dense_margin", "fused", "fused_margin", "position", "length", "type_unmet", "n_terms", "glossary_cover",
         "fused_rank", "dense_z", "rest_cover", "bigram_cover", "defines", "title_asked", "learned", "rest_lead")

# Generic answer kinds any corpus can show or fail to show: a count or amount, a date, a person or body.
_ASKS_NUMBER = re.compile(r"\bhow (?:many|much|long|old|often|far|big|large|tall)\b|\b(?:what|which) (?:percentage|proportion|number|rate|amount)\b", re.I)
_ASKS_DATE = re.compile(r"\bwhen (?:was|were|did|is|does|do)\b|\bwhat (?:year|date|month|century|decade)\b|\bin what year\b", re.I)
_ASKS_PERSON = re.compile(r"^\s*who\b", re.I)
_SHOWS_NUMBER = re.compile(r"\d|\b(?:one|two|three|four|five|six|seven|eight|nine|ten|hundred|thousand|million|billion|half|third|quarter|dozen|majority|most|few|several)\b", re.I)
_SHOWS_DATE = re.compile(r"\b(?:1[0-9]{3}|20[0-9]{2})\b|\b(?:january|february|march|april|may|june|july|august|september|october|november|december|century|decade)\b", re.I)
_SHOWS_PERSON = re.compile(r"(?<!^)(?<![.!?] )\b[A-Z][a-z]+")
_ASKS_WHAT = re.compile(r"^\s*(?:what|who)(?:'s| is| are| was| were| does| do)\b", re.I)
_SHOWS_DEFINITION = re.compile(r"\b(?:is|was|are|were) (?:a|an|the|one of)\b|\brefers? to\b|\bknown as\b", re.I)


@dataclass(frozen=True)
class Corpus:
    """The index statistics features need: IDF per stem over the indexed sentences, and where a message's
    terms were kept at index time (bm25.MessageTerms), so they need not be tokenised again."""
    idf: dict[str, float]
    unseen_idf: float  # what a stem the index never uses would weigh
    kept_terms: Callable[[str], frozenset[str] | None] | None = None  # message id -> its terms, None if not kept
    about: Callable[[Any], str] | None = None  # message -> what its sentences are about (units.About); its title without

    @classmethod
    def of(cls, doc_freq: dict[str, int], n_docs: int,
           kept_terms: Callable[[str], frozenset[str] | None] | None = None,
           about: Callable[[Any], str] | None = None) -> "Corpus":
        n = max(n_docs, 1)
        return cls({t: math.log(1 + n / (df + 0.5)) for t, df in doc_freq.items()}, math.log(1 + n / 0.5), kept_terms, about)

    def heading(self, message) -> str:
        """The words every sentence of a message is about (the heading features read them): its heading, with its
        document's title where that names the subject, as its sentences were embedded."""
        return self.about(message) if self.about is not None else message.title

    def message_terms(self, message_id: str, text: str) -> frozenset[str]:
        """A message's terms: the ones kept at index time, else its text tokenised (stems(), remembered)."""
        kept = self.kept_terms(message_id) if self.kept_terms is not None else None
        return kept if kept is not None else stems(text)


@dataclass(frozen=True)
class Asked:
    """The question's words, weighed once per question. A word the profile's glossary explains counts as
    known, and as found wherever the documents' words it stands for are found."""
    stems: tuple[str, ...]
    idf: tuple[float, ...]
    means: tuple[frozenset[str], ...]  # per word: its stem, plus the stems of what the glossary says it means
    unknown_share: float  # share of the question's English-rarity weight on words neither index nor glossary knows
    rarest: frozenset[str]  # what the question's rarest word means: its stem and any glossed meaning (empty: none)
    expansion: frozenset[str]  # stems that only the profile's glossary added
    kind: str  # "number", "date", "person" or ""
    what: bool = False  # "what is ...", "who was ...": a description or definition may answer

    @classmethod
    def of(cls, own: str, expanded: str, text: str, corpus: Corpus, glossed: tuple[tuple[str, str], ...] = ()) -> "Asked":
        gloss: dict[str, frozenset[str]] = {}
        for term, meaning in glossed:
            for w in tokens(term):
                gloss[stem(w)] = gloss.get(stem(w), frozenset()) | stems(meaning)
        seen: dict[str, float] = {}
        for w in tokens(own):
            seen.setdefault(stem(w), rarity(w))
        st = tuple(seen)
        idf = tuple(corpus.idf.get(s, corpus.unseen_idf) if s not in gloss else
                    max((corpus.idf.get(t, corpus.unseen_idf) for t in gloss[s]), default=corpus.unseen_idf) for s in st)
        means = tuple(frozenset({s}) | gloss.get(s, frozenset()) for s in st)
        total = sum(seen.values())
        unknown = sum(r for s, r in seen.items() if s not in corpus.idf and s not in gloss) / total if total else 0.0
        rarest = means[st.index(max(seen, key=seen.get))] if seen else frozenset()
        kind = ("number" if _ASKS_NUMBER.search(text) else "date" if _ASKS_DATE.search(text)
                else "person" if _ASKS_PERSON.search(text) else "")
        return cls(st, idf, means, unknown, rarest, stems(expanded) - frozenset(st), kind, bool(_ASKS_WHAT.search(text)))

    def cover(self, have: frozenset[str], skip: frozenset[str] = frozenset()) -> float:
        """IDF-weighted share of the question's words found in `have` (words in `skip` left out of both)."""
        pairs = [(m, w) for s, m, w in zip(self.stems, self.means, self.idf) if s not in skip]
        total = sum(w for _, w in pairs)
        return sum(w for m, w in pairs if m & have) / total if total else 0.0

    def bigram_cover(self, sentence: str) -> float:
        """Share of the question's adjacent word pairs that the sentence has too."""
        pairs = set(zip(self.stems, self.stems[1:]))
        if not pairs:
            return 0.0
        st = term_run(sentence)
        return len(pairs & set(zip(st, st[1:]))) / len(pairs)

    def unmet(self, sentence: str) -> bool:
        shows = {"number": _SHOWS_NUMBER, "date": _SHOWS_DATE, "person": _SHOWS_PERSON}.get(self.kind)
        return bool(shows and not shows.search(sentence))


def vector(asked: Asked, sentence: str, m_have: frozenset[str], position: int, dense: float, message_dense: float,
           fused: float, best_other_dense: float, best_other_fused: float, rank: int, title: str = "",
           dense_mean: float = 0.0, dense_std: float = 1.0, learned: float = 0.0, rest_best_other: float = 0.0) -> np.ndarray:
    """The features of one candidate, in NAMES order. m_have: its message's terms (Corpus.message_terms);
    title: its message's heading (words every sentence under it is about, so the question's other words tell
    its sentences apart); dense_mean/std: over the candidates scored with it; learned: the reranker's logit for
    the question and sentence vectors (answer.Reranker; 0 without one); rest_best_other: the best rest_cover
    among the other candidates (rest_cover_of), so a sentence's lead in the words beside its heading shows."""
    s_have = stems(sentence)
    about = stems(title)
    rest = rest_cover_of(asked, sentence, title)
    return np.array([
        dense, message_dense, asked.cover(s_have), asked.cover(m_have),
        float(bool(asked.rarest & m_have)), asked.unknown_share,
        dense - best_other_dense, fused, fused - best_other_fused,
        1.0 / (1 + position), math.log1p(len(sentence.split())), float(asked.unmet(sentence)),
        math.log1p(len(asked.stems)), float(bool(asked.expansion & s_have)), 1.0 / (1 + rank),
        (dense - dense_mean) / (dense_std or 1.0), rest, asked.bigram_cover(sentence),
        float(asked.what and bool(_SHOWS_DEFINITION.search(sentence))),
        len(about & frozenset(asked.stems)) / len(about) if about else 0.0, learned,
        rest - rest_best_other,
    ], dtype=np.float64)


def rest_cover_of(asked: Asked, sentence: str, title: str) -> float:
    """The feature rest_cover of one candidate: the question's words beside its heading's, found in the sentence."""
    return asked.cover(stems(sentence), skip=stems(title))
