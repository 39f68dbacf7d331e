"""Question → ranked messages and sentences: dense (FAISS) and lexical (BM25) evidence fused by a
convex combination of normalised scores (Bruch et al. 2023 found it beats reciprocal-rank fusion and
keeps an absolute scale the answerer can calibrate; the weight is fitted on the dev split)."""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field

import numpy as np

from .answer_types import AnswerType
from .asker import own_things
from .audience import without_audience
from .bm25 import BM25_DIRS, MessageTerms
from .bm25 import bm25s as load_bm25s
from .corpus import Message
from .embed import Embedder
from .features import Corpus
from .cues import asker_intro, filler
from .profile import Profile
from .query import Query, Spellable, analyse, vocabulary
from .store import Store
from .text import padded, terms, words
from .units import About

PHRASE_CHECK = 5  # messages read to see whether the documents use a listed name of several words (hand-set)
DENSE_WEIGHT = 0.7  # fitted on the dev split by eval/calibrate.py; see assistant/calibration.json


@dataclass(frozen=True)
class Hit:
    message: Message
    score: float  # fused
    dense: float  # best cosine over the message and its sentences
    lexical: float  # BM25, scaled to 0..1 by the best of this query


@dataclass(frozen=True)
class SentenceHit:
    message: Message
    index: int  # which sentence of the message
    score: float
    dense: float
    lexical: float

    @property
    def sentence(self):
        return self.message.sentences[self.index]


@dataclass
class Result:
    query: Query
    hits: list[Hit]
    sentences: list[SentenceHit] = field(default_factory=list)
    vector: np.ndarray | None = None  # the query vector searched with (1 x dim)
    vectors_of: Callable[[list[SentenceHit]], np.ndarray] | None = None  # its sentences' indexed vectors


def fuse(dense, lexical, weight: float):
    """Convex combination of dense cosine and max-scaled BM25: the one fusion rule everywhere."""
    return weight * dense + (1 - weight) * lexical


def scale(scores: np.ndarray) -> np.ndarray:
    """BM25 scores divided by the best of this query (0..1); all zeros stay zeros."""
    top = float(scores.max()) if len(scores) else 0.0
    return scores / top if top > 0 else scores


# The vectors embedded in the turn under way (one_turn): a question is embedded once per turn even when the query
# cache is off, though the breadth model reads its vector before the search does. Per thread and task, never shared.
_TURN_VECTORS: ContextVar[dict[str, np.ndarray] | None] = ContextVar("turn_vectors", default=None)


@contextmanager
def one_turn() -> Iterator[None]:
    """Within it, each text is embedded at most once, whatever the cache size (the memo ends with the turn)."""
    token = _TURN_VECTORS.set({})
    try:
        yield
    finally:
        _TURN_VECTORS.reset(token)


class Retriever:
    def __init__(self, store: Store, embedder: Embedder, profile: Profile | None = None, dense_weight: float = DENSE_WEIGHT,
                 sentence_weight: float = DENSE_WEIGHT, message_bonus: float = 0.0, carry: float = 0.0, cache_size: int = 512):
        import faiss

        bm25s = load_bm25s()

        # One query at a time: OpenMP threads only contend (measured 16 ms vs 0.3 ms p50 at 10k vectors).
        faiss.omp_set_num_threads(1)

        self.store, self.embedder, self.dense_weight = store, embedder, dense_weight
        self.sentence_weight, self.message_bonus, self.carry = sentence_weight, message_bonus, carry
        self._vectors: dict[str, np.ndarray] = {}
        self._phrases: dict[str, bool] = {}  # a listed name of several words -> whether the documents say it
        self._queries: dict[str, Query] = {}
        self._remembering = threading.Lock()  # turns run in worker threads: evictions must not interleave
        self.cache_size = cache_size
        self._follows: np.ndarray | None = None
        self.profile = profile or Profile()
        fitted = self.profile.adapter
        if fitted is not None and fitted.dense_weight is not None and fitted.applies(store.model, store.vectors.d):
            self.dense_weight = fitted.dense_weight  # fitted with the adapter, whose vectors are stronger evidence
        self.glossary = self.profile.glossary
        self.answer_types: tuple[AnswerType, ...] = self.profile.answer_types
        self.names = self.profile.names
        self.messages = list(store.messages.values())
        self.position = {m.id: i for i, m in enumerate(self.messages)}
        # Sentence rows run message by message: sentence j of message i is row sentence_start[i] + j.
        self.sentence_start = np.cumsum([0] + [len(m.sentences) for m in self.messages], dtype=np.int64)
        # Per vector row, the message's position and its sentence row (-1 for the message's own unit), as
        # arrays: at 400,000 units a list of tuples held about 50 MB and every search looked rows up one by one.
        self.unit_message = store.unit_message
        self.unit_sentence = np.where(store.unit_sentence >= 0, self.sentence_start[store.unit_message] + store.unit_sentence, -1)
        order = np.argsort(self.unit_message, kind="stable")  # a message's rows together, in row order
        self._rows_by_message = order
        self._rows_bounds = np.searchsorted(self.unit_message[order], np.arange(len(self.messages) + 1))
        self._sentence_row = np.full(int(self.sentence_start[-1]), -1, dtype=np.int64)  # sentence row -> vector row
        mine = self.unit_sentence >= 0
        self._sentence_row[self.unit_sentence[mine]] = np.flatnonzero(mine)
        self.bm25 = {name: bm25s.BM25.load(str(store.path / "bm25" / name), mmap=True) for name in BM25_DIRS}
        self.corpus = _statistics(self.bm25["sentences"], MessageTerms.load(store.path, self.position),
                                  About(bool(store.manifest.get("heading_context", False)),
                                        frozenset(store.manifest.get("subject_documents", ()))))
        self.vocab = vocabulary([m.text for m in self.messages] + [m.title for m in self.messages]) | vocabulary([self.messages[0].document] if self.messages else [])
        self._spellable = Spellable(w for w in self.vocab if len(w) >= 4 and w.isalpha())

    def analyse(self, text: str) -> Query:
        """The question read against the profile, remembered like query vectors: a follow-up reads its text,
        its topic and both together several times a turn, each pass linear in up to 3,000 characters."""
        hit = self._queries.get(text)
        if hit is None:
            scheme = self.profile.numbered.words if self.profile.numbered else frozenset()  # "which KM is that": no name
            hit = analyse(text, self.glossary, self.vocab, self.answer_types, self._spellable, self.names, self.profile.age_wording,
                          self._phrase_used, without_audience, filler() | scheme, asker_intro(), own_things)
            self._remember(self._queries, text, hit)
        return hit

    def _remember(self, cache: dict, key: str, value) -> None:
        """Keep value under key, dropping the oldest entries past cache_size (0 = remember nothing)."""
        if self.cache_size > 0:
            with self._remembering:
                cache[key] = value
                while len(cache) > self.cache_size:
                    cache.pop(next(iter(cache)))

    def _phrase_used(self, phrase: str) -> bool:
        """Whether any message says this phrase (words in order, case and punctuation aside): the messages BM25 ranks
        best for its words are read, so the cost is one index search, and each phrase is looked up once (only the
        profile's listed names are asked, so the answers kept are as many as those)."""
        hit = self._phrases.get(phrase)
        if hit is None:
            scores = self._lexical("messages", phrase)
            best = [self.messages[i] for i in top(scores, PHRASE_CHECK) if scores[i] > 0]
            hit = self._phrases[phrase] = any(f" {phrase} " in padded(words(m.text)) for m in best)
        return hit

    def _lexical(self, name: str, text: str) -> np.ndarray:
        asked = terms(text)
        scores = self.bm25[name].get_scores(asked) if asked else np.zeros(self.bm25[name].scores["num_docs"])
        return scale(scores)

    def question_vector(self, text: str) -> np.ndarray:
        """The embedder's own vector of a question (1 row), remembered for the last few hundred texts (follow-ups
        and suggestions repeat them, and the breadth model reads the vector the search then uses)."""
        turn = _TURN_VECTORS.get()
        hit = turn.get(text) if turn is not None else None
        if hit is None:
            hit = self._vectors.get(text)
        if hit is None:
            hit = self.embedder.embed_query(text)
            self._remember(self._vectors, text, hit)
        if turn is not None:
            turn[text] = hit
        return hit

    def searched_vector(self, text: str) -> np.ndarray:
        """The embedder's own vector of what a search for this text embeds (the question with the profile's glossary
        expansions and mended slips: analyse(text).expanded), before any query adapter moves it. In a turn
        (one_turn) the search that follows reads it without embedding again."""
        return self.question_vector(self.analyse(text).expanded)

    def _embed(self, text: str) -> np.ndarray:
        """The vector searched with: the question's, moved by the profile's query adapter when it has one."""
        hit = self.question_vector(text)
        return self.profile.adapter.apply(hit, self.store.model) if self.profile.adapter is not None else hit

    def _rows_of(self, positions: list[int]) -> np.ndarray:
        """Vector rows of the units of these messages (positions in self.messages), each message's rows in row
        order (its own unit first)."""
        b, order = self._rows_bounds, self._rows_by_message
        parts = [order[b[i]:b[i + 1]] for i in positions]
        return np.concatenate(parts).astype(np.int64) if parts else np.zeros(0, dtype=np.int64)

    def sentence_vectors(self, hits: list[SentenceHit]) -> np.ndarray:
        """The indexed vectors of these sentences, one row each (float32, unit length)."""
        rows = self._sentence_row[[int(self.sentence_start[self.position[h.message.id]]) + h.index for h in hits]]
        return self.store.vectors.reconstruct_batch(rows.astype(np.int64)).astype(np.float32)

    def nearest_messages(self, message_id: str, k: int) -> list[str]:
        """Up to k other messages whose units are nearest this message's own vector (one vector search)."""
        rows = self._rows_of([self.position[message_id]])[:1]  # units_of writes a message's own unit first (a build
        # that appends adds whole messages after the old ones, so this holds there too)
        if not len(rows):
            return []
        vector = self.store.vectors.reconstruct_batch(rows).astype(np.float32)
        _, found = self.store.vectors.search(vector, min(self.store.vectors.ntotal, 4 * k))
        near: list[str] = []
        for row in found[0]:
            if row >= 0:
                mid = self.messages[self.unit_message[row]].id
                if mid != message_id and mid not in near:
                    near.append(mid)
        return near[:k]

    def _dense(self, vector: np.ndarray, k: int, only: list[int] | None = None) -> tuple[np.ndarray, np.ndarray]:
        """Best cosine per message and per sentence (0 where not among the k nearest units); with `only`,
        exact cosines for every unit of those messages and 0 elsewhere."""
        if only is not None:
            rows = self._rows_of(only)
            scores = (self.store.vectors.reconstruct_batch(rows) @ vector[0])[None, :] if len(rows) else np.zeros((1, 0))
            rows = rows[None, :]
        else:
            k = min(k, self.store.vectors.ntotal)
            scores, rows = self.store.vectors.search(vector, k)
        per_message = np.zeros(len(self.messages), dtype=np.float32)
        per_sentence = np.zeros(int(self.sentence_start[-1]), dtype=np.float32)
        found = rows[0] >= 0
        rows, scores = rows[0][found], scores[0][found].astype(np.float32)
        np.maximum.at(per_message, self.unit_message[rows], scores)
        sentence = self.unit_sentence[rows]
        mine = sentence >= 0
        np.maximum.at(per_sentence, sentence[mine], scores[mine])
        return per_message, per_sentence

    def _carry_forward(self, lex: np.ndarray) -> np.ndarray:
        """A sentence inherits part of its predecessor's lexical match ("In these, we found..." is about
        the inspections the sentence before named), so a scene-setting sentence does not win on the
        topic word alone."""
        if not self.carry:
            return lex
        out = lex.copy()
        same = self._follows_same_message
        out[1:][same] += self.carry * lex[:-1][same]
        return out

    @property
    def _follows_same_message(self) -> np.ndarray:
        if self._follows is None:
            owners = np.repeat(np.arange(len(self.messages)), np.diff(self.sentence_start))
            self._follows = owners[1:] == owners[:-1] if len(owners) > 1 else np.zeros(0, bool)
        return self._follows

    def search(self, text: str, k: int = 10, depth: int = 200, query: Query | None = None,
               only: set[str] | None = None) -> Result:
        """The k best messages, and every sentence of them scored, best first; `only` restricts the search
        to those message ids (a message named by title, the documents a person chose), scored exactly."""
        query = query or self.analyse(text)
        w = self.dense_weight
        allowed = sorted(self.position[m] for m in only if m in self.position) if only is not None else None
        vector = self._embed(query.expanded)
        dense_m, dense_s = self._dense(vector, depth, allowed)
        lex_m = self._lexical("messages", query.expanded)
        # Glossary phrases find the right message; which of its sentences answers is judged on the
        # user's own words, so an expansion ("lockdown" → "Covid-19 pandemic") can't pick a scene-setter.
        lex_s = self._lexical("sentences", query.own)
        if not lex_s.any():
            lex_s = self._lexical("sentences", query.expanded)
        lex_s = scale(self._carry_forward(lex_s))
        fused_m = fuse(dense_m, lex_m, w)
        if allowed is not None:
            fused_m = np.where(np.isin(np.arange(len(fused_m)), allowed), fused_m, -np.inf)
        order = [i for i in top(fused_m, k) if np.isfinite(fused_m[i])]
        hits = [Hit(self.messages[i], float(fused_m[i]), float(dense_m[i]), float(lex_m[i])) for i in order]
        sentences = []
        ws, bonus = self.sentence_weight, self.message_bonus
        for i in order:
            for j in range(len(self.messages[i].sentences)):
                n = int(self.sentence_start[i]) + j
                score = (fuse(dense_s[n], lex_s[n], ws) + bonus * fused_m[i]) / (1 + bonus)
                sentences.append(SentenceHit(self.messages[i], j, float(score), float(dense_s[n]), float(lex_s[n])))
        sentences.sort(key=lambda s: -s.score)
        return Result(query, hits, sentences, vector, self.sentence_vectors)


def top(scores: np.ndarray, k: int) -> np.ndarray:
    """Positions of the k highest scores, best first, ties in position order: the first k of a stable
    descending sort, without sorting every score (a corpus of 100,000 messages sorts in milliseconds)."""
    if k >= len(scores):
        return np.argsort(-scores, kind="stable")
    if k <= 0:
        return np.zeros(0, dtype=np.int64)
    kth = scores[np.argpartition(-scores, k - 1)[:k]].min()
    near = np.flatnonzero(scores >= kth)
    return near[np.argsort(-scores[near], kind="stable")][:k]


def _statistics(bm, kept_terms: MessageTerms | None = None, about: About | None = None) -> Corpus:
    """IDF statistics of the sentence index, read from bm25s's term-major score matrix (a term's
    document frequency is the length of its column), the messages' terms the build kept, and what each
    message is about (units.About)."""
    indptr = np.asarray(bm.scores["indptr"])
    df = np.diff(np.append(indptr, len(bm.scores["indices"])))
    return Corpus.of({t: int(df[i]) for t, i in bm.vocab_dict.items() if t and i < len(df)}, int(bm.scores["num_docs"]),
                     kept_terms, about)
