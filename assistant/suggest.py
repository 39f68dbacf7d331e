"""Next questions the documents can answer, as a person would type them: "What do the key messages say about
independent advocacy?". A message's topic is its own heading when the heading says what it is about, else
the reviewed glossary phrase it uses, else its most distinctive noun-like phrase. Everything is worked out
per message, once, when that message is first suggested: no cost that grows with the corpus per question."""

from __future__ import annotations

import math
import re
from typing import Callable

from .profile import Profile
from .reply import render
from .text import STOP, stem, words

_WORD = re.compile(r"[A-Za-z][A-Za-z\-]*")
# words that make a phrase a clause or a verdict rather than a subject ("not consistently effective")
_NOT_A_SUBJECT = frozenset("""not no cannot can't never nor without only just also still even then however overall
there here were was been being had has have did does do will would should could may might must shall""".split())
# common verbs that open a verb phrase, not a subject ("prevent harm", "keep children safe")
_VERB_FIRST = frozenset("""prevent keep address ensure identify prioritise prioritize involve improve reduce make take give
get build use sustain continue meet help""".split())
_GENERIC_TITLES = re.compile(r"^(?:preamble|introduction|summary|overview|contents|background|foreword|appendix"
                             r"|(?:part|section|chapter|annex)\s*\w*|[\W\d_]*)$", re.I)
RELATED = 6  # nearest messages looked at for "what next" suggestions


def _subject_like(gram: list[str]) -> bool:
    low = [w.lower() for w in gram]
    if low[0] in STOP or low[-1] in STOP or any(w in _NOT_A_SUBJECT for w in low):
        return False
    if any(w in STOP and w not in ("and", "of") for w in low):
        return False
    # adverbs and verb forms rarely name a subject: "effectively", "embedded", "involving"
    if any(w.endswith("ly") or (w.endswith("ed") and len(w) > 4) for w in low) or low[0].endswith("ing"):
        return False
    if low[0] in _VERB_FIRST:
        return False
    # one word alone is a subject when it looks like a noun: a plural, a noun ending, or a name
    if len(low) == 1 and not (gram[0][:1].isupper() or low[0].endswith(
            ("s", "tion", "ment", "ness", "ity", "ship", "ence", "ance", "ism", "age", "ure", "ogy", "th"))):
        return False
    # a subject ends in a noun: not in a typical adjective ending ("confident and competent", "effective")
    last = low[-1]
    return not (last.endswith(("ive", "ful", "ous", "able", "ible", "ant", "ic")) or (last.endswith("ent") and not last.endswith("ment")))


class Suggester:
    def __init__(self, store, retriever, profile: Profile, ask: Callable[[str], object]):
        self.store, self.retriever, self.profile, self.ask = store, retriever, profile, ask
        self._topic: dict[str, str | None] = {}
        self._related: dict[str, tuple[str, ...]] = {}
        self._order = list(store.messages)
        self._starters: list[str] | None = None
        titles = {m.document for m in store.messages.values()}
        self._collection = frozenset(w for t in titles | {profile.collection} for w in words(t))

    # -- a message's topic and question -----------------------------------------------------------
    def topic(self, message_id: str) -> str | None:
        if message_id not in self._topic:
            self._topic[message_id] = self._work_out_topic(self.store.messages[message_id])
        return self._topic[message_id]

    def _work_out_topic(self, m) -> str | None:
        title = m.title.strip()
        numbered = self.profile.numbered
        if (title and not _GENERIC_TITLES.match(title) and len(title.split()) <= 8
                and not (numbered and numbered.pattern.search(title)) and title.lower() != m.document.lower()):
            return title
        idf, unseen = self.retriever.corpus.idf, self.retriever.corpus.unseen_idf
        weigh = lambda phrase: sum(idf.get(stem(w), unseen) for w in words(phrase))
        text = m.text.lower()
        common = math.log(1 + 6.0)  # the IDF of a word in a sixth of the sentences: too common to be a topic
        reviewed = {p for ps in self.profile.glossary.values() for p in ps
                    if re.search(rf"\b{re.escape(p.lower())}\b", text) and _subject_like(p.split())
                    and max(idf.get(stem(w), unseen) for w in words(p)) > common
                    and not set(words(p)) <= self._collection}
        if reviewed:
            return max(sorted(reviewed), key=lambda p: (weigh(p) / len(p.split()) ** 0.5, len(p)))
        tokens = _WORD.findall(m.text)
        best, best_score = None, 0.0
        for n in (3, 2, 1):
            for i in range(len(tokens) - n + 1):
                gram = tokens[i:i + n]
                if (not _subject_like(gram) or any(w.lower() in self.profile.stop_words for w in gram)
                        or {w.lower() for w in gram} <= self._collection):
                    continue
                score = weigh(" ".join(gram)) * (1 + 0.35 * (n - 1)) / n ** 0.5
                if score > best_score:
                    best, best_score = " ".join(w.lower() if not w.isupper() else w for w in gram), score
        return best

    def question_for(self, message_id: str) -> str | None:
        t = self.topic(message_id)
        return render("suggestion", topic=t, collection=self.profile.collection) if t else None

    # -- which messages to suggest ---------------------------------------------------------------
    def related(self, message_id: str) -> tuple[str, ...]:
        """The messages whose vectors are nearest this one's (one vector search, remembered)."""
        if message_id not in self._related:
            self._related[message_id] = tuple(self.retriever.nearest_messages(message_id, RELATED))
        return self._related[message_id]

    def topics(self, n: int) -> list[str]:
        step = max(1, math.ceil(len(self._order) / n)) if self._order else 1
        return [t for t in (self.topic(i) for i in self._order[::step][:n]) if t]

    def starters(self, n: int = 3) -> list[str]:
        """Questions spread over the corpus, each checked once: asked, it is answered from its own message."""
        if self._starters is None:
            step = max(1, len(self._order) // (n + 1))
            out = []
            for mid in self._order[::step][: 3 * n]:
                q = self.question_for(mid)
                if q and self._answers_from(q, mid):
                    out.append(q)
                if len(out) == n:
                    break
            self._starters = out
        return self._starters[:n]

    def _answers_from(self, question: str, message_id: str) -> bool:
        found = self.ask(question)
        return found.answered and found.decision.picks[0].message.id == message_id

    def after(self, shown_ids: list[str], n: int = 3) -> list[str]:
        """Questions about the messages nearest what was just quoted, not yet shown."""
        if not shown_ids:
            return self.starters(n)
        out = []
        for mid in self.related(shown_ids[0]):
            if mid in shown_ids:
                continue
            q = self.question_for(mid)
            if q and q not in out:
                out.append(q)
            if len(out) == n:
                break
        return out
