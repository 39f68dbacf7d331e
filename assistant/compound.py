"""A question that asks two things ("X and Y"): where it splits, and each part answered on its own. The conversation
(conversation.py) asks it of a question's own reading; every part is decided by the library's one `decide`."""

from __future__ import annotations

import re

from .followups import PEOPLE, refers_back
from .cues import ASK_WORDS, asker_intro
from .readings import Answer, Parts, Reading
from .text import STOP, stem, words

WHOLE_COVER = 0.9  # share of a question's word weight its best sentence has for it to be one ask, not "X and Y" (hand-set)
PART_WORDS = 4  # words: the least a compound question's unanswered part has to be a question of its own (hand-set)
# No \s* around the joiner: tried at every space of a long run of spaces, it backtracked quadratically;
# split() strips the parts instead.
_SPLIT = re.compile(r"\band also\b|\bas well as\b|\band\b|\bn\b|&|\+|\bplus\b|;", re.I)  # "n": and, as texted
_NEW_ASK = re.compile(r"and also|;", re.I)  # joiners that begin a second question whatever its first word
# not counted in a lead: determiners, and the quantifiers before 'of' ("did most of the kids and families ...")
_DETERMINERS = frozenset("the a an our their my your its these those all any most many some few several both each of".split())
_OTHERS = frozenset("other others".split())  # after 'and', the rest of a kind the words before it name
_FRAMING = frozenset("for among across".split())  # prepositions whose people frame the ask that follows them
_LEADING = frozenset("then also so separately secondly second next".split())  # words before a second question's first


class Compound:
    """Splits a question into the parts it asks. `decide`: the library's one way to answer a reading; `content`: the
    documents' topic words (a part names one of them); `topics`: topics.Topics (whether one answer speaks to both)."""

    def __init__(self, decide, content: frozenset[str], topics, joined: frozenset[tuple[str, str]] = frozenset()):
        self.decide, self.content, self.topics, self.joined = decide, content, topics, joined

    def parts(self, own: Answer, text: str, allowed, broad: bool) -> Parts | None:
        """The question's own reading `own` split into the parts it asks (split), or None: a broad question the
        documents answer is one ask, and so is one a single sentence answers word for word. A broad question declined
        may still ask two things, one of which they answer ("covid and also staff recruitment problems - what was
        found on those")."""
        if broad and own.answered or self._one_sentence_says_all(own):
            return None
        d = own.decision
        pick = d.picks[0] if d.answered else None
        return self.split(text, allowed, partly=not d.answered, unknown=own.result.query.unknown_terms,
                          whole=pick.sentence.text if pick else "",
                          scene=pick.message.sentences[0].text if pick and pick.index else "",
                          typed=not d.answered and d.reason in own.result.query.asks)

    def _one_phrase(self, left: str, joiner: str, right: str) -> bool:
        """'and' inside one phrase, not between two asks: a word said again ("more and more families"), two words
        the documents themselves join with 'and' ("the response to abuse and neglect of younger children"), or the
        rest of a kind ("school staff and others")."""
        if joiner.lower() not in ("and", "&", "n"):
            return False
        before, after = words(left)[-1:], words(right)[:1]
        if not (before and after):
            return False
        if after[0] in _OTHERS:  # "school staff and others", "schools and other agencies": one kind of people or thing
            return True
        pair = (stem(before[0]), stem(after[0]))
        return before == after or pair in self.joined or pair[::-1] in self.joined

    @staticmethod
    def _one_sentence_says_all(found: Answer) -> bool:
        """The whole question is answered by a sentence that has nearly all its words ("staff were confident and
        competent at identifying concerns"): one ask, whatever 'and' joins inside it."""
        d = found.decision
        return d.answered and bool(d.scored) and d.scored[0].feature("sentence_cover") >= WHOLE_COVER

    def split(self, text: str, allowed, partly: bool = False, unknown: tuple[str, ...] = (), whole: str = "",
              scene: str = "", typed: bool = False) -> Parts | None:
        """'X and Y': each part answered on its own, from two different messages, or None. `partly` (the whole
        question was declined): when no split answers both, one answered part with the other part declined,
        which the reply names ("advocacy availability and how many advocates are there?": a figure the
        documents never give should not cost the part they do answer). `unknown`: the whole question's terms the
        documents never use; no split breaks a name of several words among them. `whole`: the answer to the whole question,
        when it has one; no split is made where it speaks to both parts (Topics.holds_each). `scene`: the opening sentence
        of that answer's message, which sets the scene its later sentences speak in ("during the pandemic"): where 'and'
        joins two nouns of one ask ("backed by their bosses and co-workers in lockdown"), the answer read with it speaking
        to both parts is one ask (dev +7, -0); a second question after the joiner is judged on the sentence alone. `typed`: the whole question
        was declined for the kind of answer it asks (a figure, a date, ...); that ask covers both sides of a noun joined
        to a noun ("how much are children and families social workers paid?"), so only a second question after the
        joiner is answered on its own."""
        half: Parts | None = None
        names = [m.span() for t in unknown if " " in t for m in re.finditer(_name_pattern(t), text, re.I)]
        opening = asker_intro().match(text)  # "advocacy worker: what did children & families say ...": who asks is
        begin = opening.end() if opening and opening.end() < len(text) else 0  # no part of what is asked
        for m in _SPLIT.finditer(text, begin):
            if any(a <= m.start() < b for a, b in names):  # "Safe and Together" is one name, and not theirs
                continue
            left, right = text[begin:m.start()].strip().strip(" ,:?"), text[m.end():].strip().strip(" ,:?")
            if self._one_phrase(left, m.group(), right):
                continue
            topical = [any(w in self.content for w in words(part)) for part in (left, right)]
            if not all(topical) and not (partly and any(topical)):
                continue
            if whole and self.topics.holds_each(whole, (left, right)):  # the whole question's answer speaks to both
                continue
            # each part is a topic the person named, so the lower bar of a chosen place applies to it
            begins = [w for w in words(right) if w not in _LEADING][:1]  # "and then how ...": 'how' begins it
            new_ask = _NEW_ASK.fullmatch(m.group()) is not None  # a second question begins after the joiner
            asks_again = new_ask or bool(begins) and begins[0] in ASK_WORDS
            if whole and scene and not asks_again and self.topics.holds_each(whole, (left, right), scene):
                continue
            lead = [w for w in words(left) if w not in _DETERMINERS]
            said = [w for w in lead if w not in ASK_WORDS]  # "what did kids and parents think ...": one noun after them
            if not asks_again and lead[:1] and (lead[0] in ASK_WORDS and len(said) <= 1 or len(lead) <= 2 and
                                                lead[0] in _FRAMING and lead[-1] in PEOPLE):
                continue  # "do SWs and HVs have the skills ...?", "did the weans and their parents like ...?", "for
                # children and teenagers, were mental health outcomes getting better?": the nouns share the ask after them
            a, b = self.decide(Reading(left, only=allowed, within=True)), self.decide(Reading(right, only=allowed, within=True))
            if a.answered and b.answered and (asks_again or not typed):
                if a.decision.picks[0].message.id != b.decision.picks[0].message.id:
                    return Parts([a, b])
            elif partly and half is None and a.answered != b.answered:
                found, (other, no) = (a, (right, b)) if a.answered else (b, (left, a))
                # the other part asks for something of its own the documents do not give (a figure, a date, a
                # name, words they never use), and a second question begins after the joiner ("... and what did
                # it cost?"), not a noun joined to a noun ("children and families", "Safe and Together")
                # ... and the answered part is not about the other ("what is the Safe and Together model and do
                # inspectors expect us to use it?": "it" is the model the documents never name)
                leans = found is b and refers_back(right)
                second = new_ask or len(words(other)) >= PART_WORDS and asks_again
                if no.decision.reason not in ("weak", "") and second and not leans:
                    half = Parts([found], other)
        return half


def _name_pattern(term: str) -> str:
    """A name of several words as the question may write it: any non-word characters between its words, "&" for
    "and" ("Safe & Together" is the listed "safe and together")."""
    return r"\b" + r"\W*".join(r"(?:and|&)" if w == "and" else re.escape(w) for w in term.split()) + r"\b"


def joined_pairs(text: str) -> set[tuple[str, str]]:
    """The stems of the words a text joins with 'and' ("abuse and neglect": ('abus', 'neglect')): phrases of its own
    that a question quoting them does not ask as two things (Compound._one_phrase). Read once per message at load."""
    ws = words(text)
    return {(stem(ws[i - 1]), stem(ws[i + 1])) for i in range(1, len(ws) - 1)
            if ws[i] == "and" and ws[i - 1] not in STOP and ws[i + 1] not in STOP}
