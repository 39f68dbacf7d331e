"""What a turn is read as and what was made of it: the records the conversation (conversation.py), the compound-question
reading (compound.py) and the library (core.py) pass between them."""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from .answer import Decision
    from .retrieve import Result


@dataclass(frozen=True)
class Answer:
    """One reading of a question, decided: what the search found and what the answer model made of it."""
    result: "Result"
    decision: "Decision"

    @property
    def answered(self) -> bool:
        return self.decision.answered

    def nearest(self) -> "Answer | None":
        """This reading, declined only as weak, with its best candidate taken as the answer: where the person chose to
        look (a message they named, what was just shown, the rest of a topic), the nearest sentence there is what there
        is. None when it was answered, declined for anything else (a name, a kind of answer), or had no candidate."""
        d = self.decision
        if d.answered or d.reason != "weak" or not d.scored:
            return None
        return Answer(self.result, replace(d, answered=True, picks=[d.scored[0].hit], reason=""))

    def unless_near(self, alone: "Answer", lean: float) -> "Answer":
        """Of a question's whole reading (this one) and the reading of what follows its opening alone, the one alone
        when it answers and the whole is not surer by more than `lean` (or does not answer): who asks says who, and
        the opening's words pull the search towards their work, not towards what is asked."""
        near = alone.answered and (not self.answered or alone.decision.confidence >= self.decision.confidence - lean)
        return alone if near else self

    def surer(self, alone: "Answer") -> "Answer":
        """Of a question's whole reading (this one) and the reading of part of it alone, the one that answers with the
        higher confidence (the whole when the part does not answer)."""
        better = alone.answered and (not self.answered or alone.decision.confidence > self.decision.confidence)
        return alone if better else self


@dataclass(frozen=True)
class Parts:
    """A compound question ("X and Y") read part by part: the parts answered, in the order asked, and the text
    of a part the documents do not answer ("" when every part is answered)."""
    answers: list[Answer]
    unanswered: str = ""


@dataclass(frozen=True)
class Reading:
    """How a turn is to be searched: the text, and where the person asked to look."""
    text: str
    broad: bool = False
    exclude: frozenset[str] = frozenset()
    asked: str | None = None  # what the name and answer-type checks read, when not the text searched: what the person
    # typed, when the search also carries the last topic; the sentence that asks, after who is asking and why
    only: frozenset[str] | None = None  # a message named by title, or the documents chosen
    within: bool = False  # the person chose where to look ("anything else about X?"): margins say nothing
    topicless: bool = False  # a broad question naming no topic at all ("where are we falling short?")
    spread: frozenset[frozenset[str]] = frozenset()  # a topic asked about in a few words (Topics.spread): messages holding it join
