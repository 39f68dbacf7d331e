"""What a build embeds: a unit per message and per sentence, the text each sentence's vector is made from, and
how a message's own vector is derived from its sentences'. store.py writes and reads them (units.jsonl, in
vector order); the indexer embeds their texts."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass

import numpy as np

from .corpus import PREAMBLE, Message
from .text import points_back, stems, terms


@dataclass(frozen=True, slots=True)  # one per vector: 400,000 in an index of 100,000 messages
class Unit:
    kind: str  # "message" or "sentence"
    message_id: str
    start: int
    end: int
    sha: str


# What units_of embeds, as a version: bump it when embedded_text or units_of changes what a unit's vector is made
# from. The index records it, so a build over unchanged files still re-embeds (units whose text changed; the
# rest are reused by their text's hash) instead of calling itself up to date.
RECIPE = 3


def embedded_text(m: Message, j: int) -> str:
    """A sentence's own text as the index reads it (its BM25 terms, and its vector's text without the heading):
    the sentence, after its predecessor when it points back (text.points_back), so what it is about is in its
    vector: "how did services cope during covid?" then finds the finding, not only the scene-setting sentence
    that names Covid."""
    s = m.sentences[j]
    if j > 0 and points_back(s.text):
        return m.text[m.sentences[j - 1].start:s.end]
    return s.text


# A message's own vector is the mean of its sentences' vectors, each weighted by its words (mean pooling over
# the message's tokens, each sentence read in its own context), not a second pass of the model over the whole
# text: that pass was half of all the tokens embedded, and it read only a message's first 256 tokens. On the
# key messages the dev answers were the same (hit@1 0.933 → 0.935); on WikiQA pages nobody tuned for,
# answerable questions answered went from 0.885 to 0.911 with absent topics declined 0.890 → 0.887 (before the
# answer model was refitted on these vectors).
DERIVED = "mean of sentences\0"


# A sentence is embedded after what its section is about (Profile.heading_context): "He is the owner of the Dallas
# Mavericks" alone says nothing of Mark Cuban, so "Which NBA team does Mark Cuban own?" did not find it. Raw cosine,
# the question against every sentence of WikiQA's dev pages: the sentence that answers came first for 0.632 of the
# read-and-ask dev questions alone, 0.816 after its page's title (WikiQA's own dev questions 0.548 either way).
# - The heading, unless it is the parser's "Preamble" (text before the first heading).
# - Before it, the document's title when that names what the document is about (names_subject): an article with
#   sections headed "Part 2" scored 0.650 by its headings alone and 0.812 with the article's title first, while a
#   collection's name ("Encyclopedia extracts, part 1") before the pages' own titles cost 0.816 -> 0.778.
# - Nothing where headings are labels ("Key message 5": key-message dev 0.595 alone, 0.575 after them), which that
#   profile says.
def context(m: Message, subject: bool) -> str:
    """What a message's sentences are embedded after: its heading, after its document's title when `subject`
    (names_subject) and the heading does not already hold it; "" for none."""
    heading = "" if m.title == PREAMBLE else m.title.strip()
    document = m.document.strip()
    if subject and document and document.casefold() not in heading.casefold():
        return f"{document} — {heading}" if heading else document
    return heading


def names_subject(messages: list[Message]) -> bool:
    """Whether one document's title names what it is about: its words recur in most of its sections ("Freddie
    Mercury"), unlike a collection's name ("Encyclopedia extracts, part 1"), whose words its pages rarely use."""
    words = stems(messages[0].document) if messages else frozenset()
    if not words:
        return False
    found = sum(len(words & frozenset(terms(m.text))) for m in messages)  # not stems(): each text is read once
    return found >= 0.5 * len(words) * len(messages)


def subjects(messages: list[Message]) -> frozenset[str]:
    """The ids of the documents among `messages` whose title names what they are about (names_subject). The build
    records them (manifest "subject_documents"), so a server reads rather than works them out."""
    documents: dict[str, list[Message]] = {}
    for m in messages:
        documents.setdefault(m.document_id, []).append(m)
    return frozenset(d for d, ms in documents.items() if names_subject(ms))


@dataclass(frozen=True)
class About:
    """What each message's sentences are about, as its vectors were made after it (context()), for the answer
    model's heading features; the heading itself where a build's headings are labels. From the build's manifest."""
    heading_context: bool
    subject: frozenset[str] = frozenset()  # documents whose title names their subject (subjects())

    def __call__(self, m: Message) -> str:
        return context(m, m.document_id in self.subject) if self.heading_context else m.title


def vector_text(m: Message, j: int, about: str = "") -> str:
    """What a sentence unit's vector is made from: embedded_text, after `about` (context) when there is one."""
    text = embedded_text(m, j)
    return f"{about}: {text}" if about else text


def units_of(messages: list[Message], heading_context: bool = True,
             subject: frozenset[str] | None = None) -> list[tuple[Unit, str | None]]:
    """Each message's unit, then its sentences' units, with the text each is embedded from (vector_text, after
    context() when heading_context; subject: subjects(messages) when already known); None for a message's own
    unit when its vector is derived from its sentences' (mean_vectors), which follow it."""
    if heading_context and subject is None:
        subject = subjects(messages)
    out = []
    for m in messages:
        about = context(m, m.document_id in subject) if heading_context else ""
        texts = [vector_text(m, j, about) for j in range(len(m.sentences))]
        if texts:  # a derived vector is keyed by what its sentences' vectors are made from, so it changes with them
            out.append((Unit("message", m.id, 0, len(m.text), _sha(DERIVED + "\0".join(texts))), None))
        else:
            out.append((Unit("message", m.id, 0, len(m.text), _sha(m.text)), m.text))
        for s, text in zip(m.sentences, texts):
            out.append((Unit("sentence", m.id, s.start, s.end, _sha(text)), text))
    return out


def mean_vectors(pairs: list[tuple[Unit, str | None]], vectors: np.ndarray, todo: list[int]) -> None:
    """Fill in the derived message vectors at rows `todo` (rows of units_of whose text is None): the
    word-weighted mean of the sentence vectors that follow each, normalised."""
    for i in todo:
        rows, weights = [], []
        j = i + 1
        while j < len(pairs) and pairs[j][0].kind == "sentence" and pairs[j][0].message_id == pairs[i][0].message_id:
            rows.append(j)
            weights.append(max(1, len(pairs[j][1].split())))
            j += 1
        v = np.asarray(weights, dtype=np.float32) @ vectors[rows]
        vectors[i] = v / (np.linalg.norm(v) or 1.0)


def _sha(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()[:20]
