"""The lexical indexes: BM25 over messages and over sentences (a sentence that points back with its
predecessor, as it is embedded), saved beside the vectors in bm25s's format and read back by retrieve.py.

A build keeps the terms of every text it indexed in bm25/terms/ (the vocabulary, and each text's term ids
in index order), so the next build tokenises only text it has not indexed before: stemming 400,000 texts
takes about 10 s on this machine. The score matrix is computed here with numpy from those term ids, because
bm25s's own builder loops over the documents in Python (about 8 s at 400,000 texts). The scores are the
ones bm25s computes (its default BM25, method and idf "lucene"); tests/test_bm25.py holds them equal.
"""

from __future__ import annotations

import json
import logging
import math
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from .corpus import Message
from .store import Store
from .text import terms
from .units import embedded_text

BM25_DIRS = ("messages", "sentences")
TERMS_DIR = "terms"  # inside bm25/: vocabulary.json, and <name>.ids.npy / <name>.offsets.npy per index


def bm25s():
    """bm25s, imported late (it is not needed to start), with its logger put back to WARNING: the library
    sets its own logger to DEBUG on import, which prints "Building index from tokens" to a person."""
    import bm25s as lib

    logging.getLogger("bm25s").setLevel(logging.WARNING)
    return lib


@dataclass(frozen=True)
class Terms:
    """The term ids of one index's texts, one text after another: text i is ids[offsets[i]:offsets[i + 1]]."""
    ids: np.ndarray  # int64, into the vocabulary
    offsets: np.ndarray  # int64, one more than there are texts

    def __len__(self) -> int:
        return len(self.offsets) - 1


@dataclass(frozen=True)
class _Row:
    """Where a message of the earlier build has its texts in that build's indexes."""
    message: Message
    row: int  # its text in the messages index
    first_sentence: int  # its first sentence in the sentences index


def build_bm25(messages: list[Message], folder: Path, earlier: Store | None = None) -> None:
    """Both indexes, and the terms the next build reuses, in folder/bm25/; the terms of messages the
    earlier build holds unchanged are taken from its bm25/terms/ instead of tokenised again."""
    vocabulary, cached, rows = _earlier(earlier)
    lookup = {t: i for i, t in enumerate(vocabulary)}
    fresh: dict[str, list[list[int]]] = {name: [] for name in BM25_DIRS}
    sources: dict[str, list[int]] = {name: [] for name in BM25_DIRS}  # per text: row in cached (>= 0) or -1 - fresh row

    def tokenised(name: str, text: str) -> int:
        ids = []
        for t in terms(text):
            i = lookup.get(t)
            if i is None:
                i = lookup[t] = len(vocabulary)
                vocabulary.append(t)
            ids.append(i)
        fresh[name].append(ids)
        return -len(fresh[name])

    for m in messages:
        old = rows.get(m.id)
        if old is not None and _same(old.message, m):
            sources["messages"].append(old.row)
            sources["sentences"].extend(range(old.first_sentence, old.first_sentence + len(m.sentences)))
        else:
            sources["messages"].append(tokenised("messages", m.text))
            sources["sentences"].extend(tokenised("sentences", embedded_text(m, j)) for j in range(len(m.sentences)))
    gathered, vocabulary = _compact({name: _gather(np.array(sources[name], dtype=np.int64), cached.get(name), fresh[name])
                                     for name in BM25_DIRS}, vocabulary)
    out = folder / "bm25"
    (out / TERMS_DIR).mkdir(parents=True, exist_ok=True)
    for name in BM25_DIRS:
        save(gathered[name], vocabulary, out / name)
        np.save(out / TERMS_DIR / f"{name}.ids.npy", gathered[name].ids, allow_pickle=False)
        np.save(out / TERMS_DIR / f"{name}.offsets.npy", gathered[name].offsets, allow_pickle=False)
    (out / TERMS_DIR / "vocabulary.json").write_text(json.dumps(vocabulary, ensure_ascii=False), encoding="utf-8")


class MessageTerms:
    """Each message's BM25 terms as a set, read from the build's bm25/terms/ (memory-mapped) instead of
    tokenising its text again: the answerer compares every question with its candidates' messages, and at
    100,000 messages few questions share one, so tokenising them took about 0.6 ms a turn."""

    def __init__(self, ids: np.ndarray, offsets: np.ndarray, vocabulary: list[str], rows: dict[str, int]):
        self._ids, self._offsets, self._vocabulary, self._rows = ids, offsets, vocabulary, rows

    @classmethod
    def load(cls, store_path: Path, rows: dict[str, int]) -> "MessageTerms | None":
        """rows: each message's position in the build, which is its row in the messages index (the retriever's
        own map, shared, not copied). None when the build kept no terms or they do not fit its messages (the
        answerer then tokenises)."""
        folder = store_path / "bm25" / TERMS_DIR
        try:
            vocabulary = json.loads((folder / "vocabulary.json").read_text(encoding="utf-8"))
            ids = np.load(folder / "messages.ids.npy", mmap_mode="r", allow_pickle=False)
            offsets = np.load(folder / "messages.offsets.npy", allow_pickle=False).astype(np.int64, copy=False)
        except (OSError, ValueError):
            return None
        # the offsets are checked whole; the ids (35 MB at 100,000 messages) a message at a time as they are read,
        # so that only the pages of messages asked about are brought into memory
        if not _vocabulary_ok(vocabulary) or ids.ndim != 1 or len(offsets) != len(rows) + 1 or not _cuts(offsets, len(ids)):
            return None
        return cls(ids, offsets, vocabulary, rows)

    def __call__(self, message_id: str) -> frozenset[str] | None:
        """The message's terms; None for a message the build does not hold or whose ids are damaged."""
        row = self._rows.get(message_id)
        if row is None:
            return None
        ids, v = self._ids[self._offsets[row]:self._offsets[row + 1]].tolist(), self._vocabulary
        if ids and not 0 <= min(ids) <= max(ids) < len(v):
            return None
        return frozenset(v[i] for i in ids)


def _same(old: Message, new: Message) -> bool:
    """Whether a message's texts are what the earlier build indexed (a reused parse is the very object)."""
    return old is new or (old.text == new.text and [(s.start, s.end) for s in old.sentences]
                          == [(s.start, s.end) for s in new.sentences])


def _earlier(earlier: Store | None) -> tuple[list[str], dict[str, Terms], dict[str, _Row]]:
    """The earlier build's vocabulary, terms and message rows; nothing when it kept no terms (a build
    before they were kept) or they do not match its messages."""
    if earlier is None:
        return [], {}, {}
    folder = earlier.path / "bm25" / TERMS_DIR
    try:
        vocabulary = json.loads((folder / "vocabulary.json").read_text(encoding="utf-8"))
        cached = {name: Terms(np.load(folder / f"{name}.ids.npy", allow_pickle=False).astype(np.int64, copy=False),
                              np.load(folder / f"{name}.offsets.npy", allow_pickle=False).astype(np.int64, copy=False))
                  for name in BM25_DIRS}
    except (OSError, ValueError):
        return [], {}, {}
    rows, sentence = {}, 0
    for i, m in enumerate(earlier.messages.values()):
        rows[m.id] = _Row(m, i, sentence)
        sentence += len(m.sentences)
    consistent = (_vocabulary_ok(vocabulary) and len(cached["messages"]) == len(rows)
                  and len(cached["sentences"]) == sentence and all(_valid(t, len(vocabulary)) for t in cached.values()))
    return (vocabulary, cached, rows) if consistent else ([], {}, {})


def _vocabulary_ok(vocabulary) -> bool:
    """A list of distinct strings, as build_bm25 writes vocabulary.json."""
    return isinstance(vocabulary, list) and all(isinstance(w, str) for w in vocabulary) and len(set(vocabulary)) == len(vocabulary)


def _cuts(offsets: np.ndarray, length: int) -> bool:
    """Offsets that cut `length` ids into texts: from 0 to the end, never backwards."""
    return (offsets.ndim == 1 and len(offsets) >= 1 and offsets[0] == 0 and offsets[-1] == length
            and bool(np.all(np.diff(offsets) >= 0)))


def _valid(t: Terms, vocabulary: int) -> bool:
    """Offsets that cut the ids into texts, and ids inside the vocabulary."""
    return _cuts(t.offsets, len(t.ids)) and (not len(t.ids) or 0 <= t.ids.min() <= t.ids.max() < vocabulary)


def _gather(sources: np.ndarray, cached: Terms | None, fresh: list[list[int]]) -> Terms:
    """The texts' term ids in order, each from the earlier build's terms (source >= 0, its row there) or
    from those tokenised now (source -1 - k: the k-th fresh text)."""
    if cached is None:
        cached = Terms(np.zeros(0, np.int64), np.zeros(1, np.int64))
    fresh_lengths = np.array([len(ids) for ids in fresh], dtype=np.int64)
    fresh_offsets = np.concatenate([[0], np.cumsum(fresh_lengths)]).astype(np.int64)
    pool = np.concatenate([cached.ids, np.fromiter((i for ids in fresh for i in ids), np.int64, int(fresh_offsets[-1]))])
    old = sources >= 0
    starts, lengths = np.empty(len(sources), np.int64), np.empty(len(sources), np.int64)
    starts[old], lengths[old] = cached.offsets[sources[old]], np.diff(cached.offsets)[sources[old]]
    new = -1 - sources[~old]
    starts[~old], lengths[~old] = len(cached.ids) + fresh_offsets[new], fresh_lengths[new]
    offsets = np.concatenate([[0], np.cumsum(lengths)]).astype(np.int64)
    # position p of text k reads pool[starts[k] + (p - offsets[k])]
    index = np.repeat(starts - offsets[:-1], lengths) + np.arange(offsets[-1], dtype=np.int64)
    return Terms(pool[index], offsets)


def _compact(gathered: dict[str, Terms], vocabulary: list[str]) -> tuple[dict[str, Terms], list[str]]:
    """Drop the terms no text holds any more (a document removed or changed), so the vocabulary does not grow
    with every edit."""
    used = np.zeros(len(vocabulary), dtype=bool)
    for t in gathered.values():
        used[t.ids] = True
    if used.all():
        return gathered, vocabulary
    renumber = np.cumsum(used) - 1
    return ({name: Terms(renumber[t.ids], t.offsets) for name, t in gathered.items()},
            [w for w, keep in zip(vocabulary, used.tolist()) if keep])


def save(texts: Terms, vocabulary: list[str], folder: Path) -> None:
    """One bm25s index over these texts: bm25s's default BM25 scores, computed with numpy."""
    bm = bm25s().BM25()
    if bm.method != "lucene" or bm.idf_method != "lucene" or bm.dtype != "float32":
        raise RuntimeError(f"bm25s's default BM25 changed ({bm.method}, {bm.idf_method}, {bm.dtype}); assistant/bm25.py "
                           "computes the lucene variant in float32 and must be updated to match")
    n = len(texts)
    lengths = np.diff(texts.offsets)
    docs = np.repeat(np.arange(n, dtype=np.int64), lengths)
    # one entry per (term, document) pair, term-major and then by document: the order of a CSC matrix
    pairs, tf = np.unique(texts.ids * max(n, 1) + docs, return_counts=True)
    term, doc = np.divmod(pairs, max(n, 1))
    used, column = np.unique(term, return_inverse=True)  # the vocabulary of this index alone, as bm25s keeps it
    df = np.bincount(column, minlength=len(used))
    # as bm25s: idf in double with math.log, stored as float32; the term-frequency part in double
    idf = np.array([math.log(1 + (n - d + 0.5) / (d + 0.5)) for d in df.tolist()], dtype=np.float32)
    average = lengths.mean() if n else 0.0
    tf = tf.astype(np.float64)
    tfc = tf / (bm.k1 * ((1 - bm.b) + bm.b * lengths[doc].astype(np.float64) / average) + tf)
    bm.scores = {"data": (idf[column].astype(np.float64) * tfc).astype(np.float32),
                 "indices": doc.astype(np.int32),
                 "indptr": np.concatenate([[0], np.cumsum(df)]).astype(np.int64),
                 "num_docs": n}
    bm.vocab_dict = {vocabulary[t]: k for k, t in enumerate(used.tolist())}
    bm.vocab_dict[""] = len(used)  # bm25s's empty token, which scores a query with no known term
    bm.nonoccurrence_array = None
    bm.save(str(folder), show_progress=False)
