"""Next questions the corpus can answer, built from the corpus itself: each message's most
distinctive phrase, put into a reviewed template, and kept only if the assistant then answers it
from that message."""

from __future__ import annotations

import math
import re
from collections import Counter

from .reply import render

_TOKEN = re.compile(r"[A-Za-z][A-Za-z0-9\-]*")
STOP = frozenset("""a an and are as at be been being but by can could did do does for from had has have
however if in into is it its itself made make means meant more most much not of on or our over so such
than that the their them these they this those to under up was we were what when which while who will
with within without would all also any both each either many other some there here how well further
very overall wider across about between after before during through against among being given clear
areas area""".split())
CAP = 200  # messages whose topics are worked out up front; larger corpora use the first CAP


def _phrases(text: str) -> list[str]:
    words = _TOKEN.findall(text)
    out = []
    for n in (3, 2, 1):
        for i in range(len(words) - n + 1):
            gram = words[i : i + n]
            inner = [w.lower() for w in gram]
            if inner[0] in STOP or inner[-1] in STOP or any(w in STOP and w != "and" for w in inner):
                continue
            out.append(" ".join(gram))
    return out


def topics_of(messages, reviewed: list[str] = ()) -> dict[str, str]:
    """message id → its most distinctive phrase: a reviewed glossary phrase the message uses (the one
    fewest messages share), else its rarest-across, most-frequent-within word run."""
    msgs = list(messages)[:CAP]
    used = {p: [m.id for m in msgs if re.search(rf"\b{re.escape(p)}\b", m.text, re.I)] for p in reviewed}
    chosen = {}
    for p, ids in sorted(used.items(), key=lambda kv: (len(kv[1]), -len(kv[0]))):
        for mid in ids:
            if len(ids) <= 2 and mid not in chosen:
                chosen[mid] = p.lower()
    doc_freq = Counter()
    per = {}
    for m in msgs:
        grams = Counter(p.lower() for p in _phrases(m.text))
        per[m.id] = grams
        doc_freq.update(set(grams))
    n = max(len(msgs), 1)
    out = {}
    for m in msgs:
        best, best_score = None, 0.0
        for gram, tf in per[m.id].items():
            idf = math.log(1 + n / doc_freq[gram])
            score = idf * (1 + 0.3 * (tf - 1)) * (1 + 0.35 * (len(gram.split()) - 1)) * (1 if doc_freq[gram] == 1 else 0.5)
            if score > best_score:
                best, best_score = gram, score
        if best:
            out[m.id] = best
    return out | chosen


class Suggester:
    def __init__(self, assistant):
        self.assistant = assistant
        reviewed = sorted({p for phrases in assistant.retriever.glossary.values() for p in phrases})
        self._topics = topics_of(assistant.store.messages.values(), reviewed)
        # per-instance caches (a class-level lru_cache would keep every reloaded Assistant alive)
        self._questions: dict[str, str | None] = {}
        self._related: dict[str, tuple[str, ...]] = {}

    def question_for(self, message_id: str) -> str | None:
        """A suggestion for this message, only if asking it really quotes this message first."""
        if message_id not in self._questions:
            topic, q = self._topics.get(message_id), None
            if topic:
                q = render("suggestion", topic=topic)
                result, decision = self.assistant._decide(q, broad=False)
                q = q if decision.answered and decision.picks[0].message.id == message_id else None
            self._questions[message_id] = q
        return self._questions[message_id]

    def related(self, message_id: str, k: int = 12) -> tuple[str, ...]:
        """Ids of the messages nearest to this one, worked out once per message."""
        if message_id not in self._related:
            text = self.assistant.store.messages[message_id].text
            self._related[message_id] = tuple(h.message.id for h in self.assistant.retriever.search(text, k=k).hits)
        return self._related[message_id]

    def topics(self, n: int) -> list[str]:
        order = list(self._topics)
        step = max(1, len(order) // n) if order else 1
        return [self._topics[i] for i in order[::step][:n]]

    def starters(self, n: int = 3) -> list[str]:
        order = list(self._topics)
        step = max(1, len(order) // (n + 1))
        out = [q for q in (self.question_for(i) for i in order[::step]) if q]
        return out[:n]

    def after(self, shown_ids: list[str], n: int = 3) -> list[str]:
        """Related messages not yet shown: the nearest neighbours of what was quoted."""
        if not shown_ids:
            return self.starters(n)
        out = []
        for mid in self.related(shown_ids[0]):
            if mid in shown_ids:
                continue
            q = self.question_for(mid)
            if q:
                out.append(q)
            if len(out) == n:
                break
        return out
