"""One turn of a conversation: act on what the turn says (intents.py) and on what its words name against the
documents (topics.py), resolve follow-ups against the context the client sent back, and choose the reading that answers
overviews, broad and compound questions; replies.py puts the answer or decline into words and builds the next context.
The server keeps no state: everything the next turn needs travels in `context` (context.py, which validates it on the
way in: never trusted)."""

from __future__ import annotations

import re
from dataclasses import replace
from typing import TYPE_CHECKING

from .asides import after_aside, letter_body, without_laughter, without_tag
from .asker import (after_label, after_opening, asking_part, in_first_person, label_of, asks_of_each, only_says_who_asks,
                    points_at_its_label, without_opening)
from .audience import without_audience
from .context import Context
from .compound import Compound
from .followups import (back_to, beyond_last, else_about, follow_up_kind, message_about, more_about, negated_ellipsis,
                        only_points_back, refers_back, said_about, without_closing_then)
from . import polarity
from .cues import plain_spelling, vague_words, without_acknowledgement
from .intents import route
from .refusal import refused_part
from .readings import Answer, Reading
from .replies import Replies
from .text import stems, words
from .titles import named_message, says_what_it_is_about, unnamed
from .topics import Topics

if TYPE_CHECKING:
    from .reply import Reply

# -- turns ---------------------------------------------------------------------------------------
SHORT_FOLLOW_UP = 8  # words: a question this short may lean on the last topic
# cosine: a message named by its title whose dense score (its title left out of the question) is this much below another
# message's, which answers the question, was named by mistake ("key message 7 was about advocacy, wasn't it?"). Hand-set
# from a few dev questions: wrong numbers 0.38-0.69; the right message, or a near one, 0.22 or less
MISNAMED_GAP = 0.3
# the same when the person says what the message they name is about ("key message 2 was about domestic abuse, right?"):
# hand-set from dev questions, whose wrong numbers said so gave 0.21-0.25
MISNAMED_GAP_SAID = 0.1
# share: a follow-up's own pick in the message just quoted replaces a sentence quoted again only when, read with the last
# topic, the model gives it at least this share of that sentence's probability (hand-set from the dev conversations:
# 0.01-0.03 for turns the repeat answered, "is it getting better or still a problem?" after the domestic abuse quote)
NOT_AGAIN_SHARE = 0.05
# confidence: how much surer the whole question must be than what follows its opening, read alone, for the opening's
# words to stay in the search ("QA mgr: anything about sustaining improvement being held back?": 'QA' pulled the search
# to quality assurance); hand-set from a sweep on the dev items with an opening
OPENING_LEAN = 0.2  # (0.1: 10 fixed, 0 broken; 0.2: 12, 0; 0.3: 12, 2; always alone: 15, 6)


_FOR_AUDIENCE = ("more", "else", "which")  # follow-up intents a turn may ask with who it is for after them


_SOCIAL = ("greeting", "thanks", "goodbye", "acknowledge")  # intents that ask nothing and name no topic
_CHITCHAT = (*_SOCIAL, "help")  # intents answered with a chit-chat reply ("what can you do?" asks only of the assistant)
# "what about early help - is it ...?": the topic after the opening is a label before the question about it
_WHAT_ABOUT = re.compile(r"^\W{0,3}(?:(?:and|so|ok|okay|right),? )?(?:what|how) about (?=\w)", re.I)


def _follow_up_for(text: str) -> str | None:
    """A follow-up asked with who it is for or who asks after it ("anything else worth knowing for my team?", "tell me
    more, as a nurse"): the intent of the turn less those words (asker.without_audience), when it is one of
    _FOR_AUDIENCE; None otherwise."""
    ws = words(text)
    bare = without_audience(ws)
    if len(bare) == len(ws):
        return None
    intent = route(" ".join(bare))
    return intent if intent in _FOR_AUDIENCE else None


class Conversation:
    """One turn of a conversation: routing, follow-ups against the context, overviews and compound questions; the
    reply is Replies'. `decide` is the library's one way to answer a reading (core.Assistant.decide)."""

    def __init__(self, library, decide, suggester, max_question_chars: int = 1000):
        self.lib, self.decide = library, decide
        self.topics = Topics(library)
        self.compound = Compound(decide, library.content, self.topics, library.joined)
        self.replies = Replies(library, suggester, max_question_chars)

    # -- routing --------------------------------------------------------------------------------
    def turn(self, text: str, ctx: Context, allowed: frozenset[str] | None = None, refusing: bool = False) -> "Reply":
        lib = self.lib
        text = plain_spelling(text)  # "whit aboot the poverty side o things": read as "what about ... of things"
        text = without_tag(without_laughter(after_aside(letter_body(text))))  # "Dear Sir/Madam, ... Yours faithfully,
        # ..."; "my caseload's mental - anyway, ..."; "... lol"; "..., do you think?"
        named_topic = message_about(text)  # "which message was the data one?": the data one
        about = named_topic if named_topic and said_about(text) else None  # "which bit says the thing about resources?"
        text = more_about(text) or named_topic or text
        whole = negated_ellipsis(text, ctx.topic)  # "and what's not?": a question of its own once its predicate is back
        flip = polarity.opposite(text, ctx.topic) if ctx.topic and not whole else None
        if flip and not self.topics.names_a_topic(asking_part(ctx.topic)):  # "and the opposite?" after "what are the
            # strengths?" (who asks, before it, names no topic of the question's):
            whole = flip  # the other side, across the documents (a question with a topic of its own would lose it)
        if whole:
            text, ctx = whole, Context("", ctx.quoted, ctx.shown, ctx.turn)
        intent = route(text, lib.content, lib.collection_words) or _follow_up_for(text)
        nxt = Context(ctx.topic, ctx.quoted, ctx.shown, ctx.turn + 1)
        if intent in _CHITCHAT:
            return self.replies.chitchat(intent, nxt)
        if intent == "refuse":
            # "what does it say about X? and write me a template": X answered, the rest refused (once: `refusing`)
            split = None if refusing else refused_part(text)
            answer = self.turn(split[0], ctx, allowed, refusing=True) if split else None
            if answer is None or answer.status != "answered":
                return self.replies.decline("refuse", nxt)
            return self.replies.with_refused(answer, split[1])
        if about and text == about and intent is None and ctx.shown:
            # something said is most likely something this conversation has shown ("which bit says the thing about
            # resources?" after an answer that spoke of them): looked for there first, at the usual bar
            seen = _chosen(frozenset(ctx.shown), allowed)
            there = self.decide(Reading(about, only=seen)) if seen else None
            if there is not None and there.answered:
                return self.replies.answer(there, nxt, topic=about)
        named, rest = named_message(text, lib.titles, lib.profile.numbered) if intent is None else (None, "")
        if named and (allowed is None or named in allowed):
            if not rest:
                return self.replies.whole_message(named, nxt)
            # "what does key message 5 say about poverty?": the whole question, in that message only; the person
            # chose the message, so its best sentence answers unless the topic is one the documents never use
            asked = unnamed(text, lib.profile.numbered)
            found = self.decide(Reading(asked, only=frozenset({named}), within=True))
            d = found.decision
            if d.scored and (d.answered or d.reason == "weak"):
                # "key message 7 was about advocacy, wasn't it?": another message answers it at the usual bar and is
                # far nearer the question than the message named, so the person had the wrong number; that message
                # is quoted, under its own title
                elsewhere = self.decide(Reading(asked, only=allowed))
                e = elsewhere.decision
                if e.answered and named not in {h.message.id for h in e.picks} and \
                        e.scored[0].feature("message_dense") - d.scored[0].feature("message_dense") >= (
                            MISNAMED_GAP_SAID if says_what_it_is_about(asked) else MISNAMED_GAP):
                    return self.replies.answer(elsewhere, nxt, topic=text)
            taken = found.nearest()
            if taken and not self.topics.off_topic(rest):
                found = taken
            return self.replies.answer(found, nxt, topic=text)
        if intent in ("more", "which", "plainer") and ctx.quoted:
            return self.replies.from_last(intent, ctx, nxt)
        if intent == "else" and ctx.topic:
            # the topic passed the name and answer-type checks when it was answered: they read what was typed now
            found = self.decide(Reading(ctx.topic, exclude=frozenset(ctx.shown), asked=text, within=True, only=allowed))
            # the person asked for more on a topic the documents answered: the nearest of the rest is what there is, and
            # the reply says it answers less directly
            taken = found.nearest()
            return self.replies.answer(taken or found, nxt, topic=nxt.topic, intent="else", nearest=taken is not None)
        if intent in ("more", "which", "plainer", "else"):
            return self.replies.decline("no_topic", nxt)
        text, elsewhere = else_about(text)  # "anything else about X?": X, leaving out what was shown
        if elsewhere and (self._every_message_shown(ctx, allowed) or beyond_last(text)):  # after an overview, "what
            # else is making the job harder?", and "is X mentioned anywhere else?" after any answer, leave out the last
            # answer's messages alone
            ctx = replace(ctx, shown=[m for m, _, _ in ctx.quoted])
        # "which message is the lockdown stuff?" names a message's subject: read alone, whatever was asked before
        reply = self._question(text, elsewhere, ctx, nxt, allowed, alone=bool(named_topic) and about is None)
        if reply.status == "no_answer" and elsewhere and (refers_back(text) or self.topics.shares_subject(text, ctx.topic)):
            last = self.replies.last_quoted(ctx)
            if last and self.replies.unquoted(last)[1]:  # "anything else on that?", "anything else about covid?" after an answer
                # about covid: no other message has more; the one just quoted does
                return self.replies.from_last("more", ctx, nxt)
        return reply

    def _every_message_shown(self, ctx: Context, allowed: frozenset[str] | None) -> bool:
        """Whether the conversation has shown every message of the documents chosen, as an overview does: leaving them
        all out would leave nothing to look in. Cost: at most the ids the context keeps (context.MAX_IDS), whatever the
        number of messages."""
        every = allowed if allowed is not None else self.lib.store.messages
        if len(every) > len(ctx.shown):
            return False
        shown = set(ctx.shown)
        return all(m in shown for m in every)

    def _question(self, text: str, elsewhere: bool, ctx: Context, nxt: Context, allowed: frozenset[str] | None,
                  alone: bool = False) -> "Reply":
        exclude = frozenset(ctx.shown) if elsewhere else frozenset()
        kind = "" if alone else self._follow_up(text, ctx.topic, chosen=bool(elsewhere), shown=self._one_shown(ctx))
        leans = bool(kind)  # shaped as a follow-up, whatever it turns out to ask
        if kind and not only_points_back(text) and self.topics.off_topic(text, collection=True) and \
                not self.topics.about_last_topic(text, ctx.topic):
            kind = ""  # "is it raining?": a pronoun, but nothing it asks is in the documents, nor in the last question
        # a question that stands alone is read by the breadth model; one that leans on the last topic by its cues (the
        # model was fitted on questions that stand alone, and its search embeds the question with the topic instead)
        broad = self.lib.breadth.has_cue(text) if kind else self.lib.breadth.is_broad(without_opening(text))
        if broad and asks_of_each(text):  # "early help and poverty: what does it say on both?" names its two topics
            broad = False
        asking = asking_part(text)  # who is asking and why names no topic the answer must be about
        # an overview is asked for on its own: "what about in shaping services?" after an answer asks about a topic,
        # even one in words the documents never use
        if not leans and self._overview_of(text, broad, asking):
            return self.replies.overview(nxt, allowed)  # "Och I've no had a minute to read it. Can you sum the whole
            # thing up for me?": the sentence that asks, read alone, asks for the overview
        if broad and self.topics.off_topic(without_opening(text)):  # "give me an overview of football tactics", "how
            broad = False  # does the report describe multi-agency working?": no word of its topic is the documents', so
            # it is not answered from across them; the answer model judges it as one question, like any other (who asks,
            # "DS in the PPU - ...", is no topic)
        said = text  # what the question's breadth was judged on
        if not broad and not kind and asking != text and not asks_of_each(asking) and \
                self.lib.breadth.is_broad(without_opening(asking)) and not self.topics.off_topic(asking):
            broad, said = True, asking  # "I'm writing a paper for our chief officers group. What are the main
            # strengths?": the sentence that asks is broad, whoever the paper is for
        own_reading = Reading(text, broad, exclude, asked=asking if asking != text else None, only=allowed, within=bool(elsewhere),
                              topicless=broad and not self.topics.topic_words(said),
                              spread=self.topics.spread(text))
        own: Answer | None = None  # decided once, when first needed
        if kind == "shown":  # it names a subject of the message just quoted: read alone first, with the last topic only
            own = self.decide(own_reading)  # when alone it finds no answer
            kind = "" if own.answered else "elliptical"
        if kind:
            joined = Reading(f"{text} {ctx.topic}", broad, exclude, asked=text, only=allowed, within=bool(elsewhere))
            combined = self.decide(joined)
            just = frozenset(q[0] for q in ctx.quoted)  # the messages of the last answer
            fresh = self.topics.new_topic_words(text, ctx.topic, points_back=kind == "anaphoric",  # "does advocacy help
                                                shown=just)  # with that?", "and chronologies?"
            if fresh:
                own = self.decide(own_reading)  # the new topic is the point
                # unless 'it' points at a message just shown that holds the new words, and the question read alone
                # answers from another ("does it vary by area?" after a quote from the message saying advocacy varied:
                # looked for there first, below)
                strays = kind == "anaphoric" and self.topics.all_shown(fresh, just) and \
                    own.answered and not {h.message.id for h in own.decision.picks} & just
                if own.answered and not strays:  # and may be two ("DV and poverty: what does it say on both?")
                    parts = self.compound.parts(own, text, allowed, broad)
                    return self.replies.both(parts, nxt, text) if parts else self.replies.answer(own, nxt, topic=joined.text, broad=broad)
            if kind == "anaphoric" and just and not broad:  # "is that across the whole country?": 'that' is
                # what was just shown, so it is looked for there first
                last = _chosen(just, allowed)
                there = self.decide(replace(joined, only=last, within=True)) if last else None
                if there is not None and there.answered:
                    return self.replies.answer(self._not_again(there, text, ctx), nxt, topic=joined.text, broad=broad)
                taken = there.nearest() if there is not None and not combined.answered else None
                if taken and not self.topics.topic_words(text):  # "is that most places?": it asks how far what was
                    # just shown holds and names nothing else, so the best of what was just shown is what there is
                    return self.replies.answer(taken, nxt, topic=joined.text)
            if combined.answered or kind == "anaphoric":
                return self.replies.answer(self._not_again(combined, text, ctx) if not broad else combined, nxt,
                                   topic=joined.text, broad=broad)
        own = own or self.decide(own_reading)
        topic = text  # what a follow-up is read with: the part of the question that was answered
        if not kind:
            whole = own
            own = self._after_opening(text, own, own_reading)
            if own is not whole:  # "DHT in a primary - anything on younger kids?" then "and older ones?": the
                topic = after_opening(text)  # opening says who asks, not what the next question is about
            if asking != text and not broad:
                whole = own
                own = self._asked_alone(asking, own, own_reading)
                topic = asking if own is not whole else topic
            if asking != text and topic == text and route(text.replace(asking, " "), self.lib.content,
                                                          self.lib.collection_words) in _SOCIAL:
                # what is said before the question is chit-chat by itself (a greeting, who asks): no topic a follow-up
                # leans on, though the whole turn answered ("Hi, I manage a nursery. ..." then "how confident are staff
                # in their managers?" asks of managers, a word the greeting only seemed to say); "teacher here, really
                # worried about our pupils mental health. what did the inspections find" names the topic there
                topic = asking
        if not own.answered and own.decision.reason == "unknown" and not kind:
            whole = own
            own = self._after_label(text, own, own_reading)
            topic = after_label(text) if own is not whole else topic  # the label says who asks or files the question
        parts = None if kind else self.compound.parts(own, asking, allowed, broad)  # who asks and why is no part
        return self.replies.both(parts, nxt, text) if parts else self.replies.answer(own, nxt, topic=topic, broad=broad)

    def _overview_of(self, text: str, broad: bool, asking: str) -> bool:
        """Whether the question asks for the overview: as typed; after an opening that says who asks and names no
        topic, age or side ("CP lead officer - can you sum it up for my team, all the key points"; not "fair access to
        advocacy workers - what's the finding?", nor "foster carer of a baby - what bits are relevant?"), read as a
        question of its own; or in the sentence that asks (asker.asking_part), beside a remark naming no topic."""
        if self._overview_asked(text, broad):
            return True
        opened = without_opening(text)
        opening = text.replace(opened, " ")
        if opened != text and not self.topics.names_a_topic(opening) and not self.topics.names_an_age(opening) and \
                polarity.asked(opening) != polarity.GOOD and self._overview_of(opened, broad, asking_part(opened)):
            return True  # "gran - in plain english, what did they find? im no a professional": and beside a remark
        return asking != text and self._overview_asked(asking, self.lib.breadth.is_broad(without_opening(asking)),
                                                       remark=without_opening(text.replace(asking, " ")))

    def _overview_asked(self, text: str, broad: bool, remark: str = "") -> bool:
        """A broad request for the whole collection (Topics.is_overview) that asks for no figure, date or name of its own
        ("when will the next key messages report be published?": the answer model judges that, like any other
        question) and not only for what went well, beside a remark, if any, naming nothing the documents speak of
        ("teacher here, really worried about our pupils' mental health. what did the inspections find?" asks about
        mental health)."""
        if not broad or not self.topics.is_overview(text) or polarity.asked(text) == polarity.GOOD:
            return False  # "what's good in the report?" asks for what went well (what does not is an overview still:
            # "big external pressures on services?" names no pressure of the documents' own, so all are quoted)
        if remark and not only_says_who_asks(remark) and self.topics.names_a_topic(remark, glossed=True):
            return False
        read = self.lib.retriever.analyse(text)
        return not read.unknown_terms and not read.asks

    def _not_again(self, found: Answer, text: str, ctx: Context) -> Answer:
        """A follow-up read with the last topic ("what were they built on?" after a quote about relationships) whose
        best pick is a sentence the last answer quoted: the follow-up's own words, searched in that message alone, pick
        the sentence they ask about when the answer model answers them there, and it is one not quoted yet. The last
        topic's words outweigh the few the follow-up adds, so read with them it finds what it found before; alone in
        that message, a follow-up naming nothing there ("is that just some areas?") is declined, and the same quote
        stands, as it does when the topic's reading gives the follow-up's pick next to nothing (NOT_AGAIN_SHARE)."""
        d = found.decision
        if not d.answered or not d.picks:
            return found
        best = d.picks[0]

        def quoted(i: int) -> bool:
            s = best.message.sentences[i]
            return any(mid == best.message.id and start <= s.start < end for mid, start, end in ctx.quoted)
        if not quoted(best.index):
            return found
        alone = self.decide(Reading(text, only=frozenset({best.message.id}), within=True)).decision
        if not alone.answered or not alone.picks or quoted(alone.picks[0].index):
            return found
        pick = alone.picks[0]
        read_with_topic = {s.hit.index: s.p for s in d.scored if s.hit.message.id == best.message.id}
        if read_with_topic.get(pick.index, 0.0) < NOT_AGAIN_SHARE * read_with_topic.get(best.index, best.score):
            return found  # read with the topic it is no answer at all ("is it getting better or still a problem?")
        rest = [p for p in d.picks[1:] if (p.message.id, p.index) != (pick.message.id, pick.index)]
        return Answer(found.result, replace(d, picks=[pick] + rest, neighbour=alone.neighbour))

    def _after_label(self, text: str, own: Answer, reading: Reading) -> Answer:
        """A question declined for a name the documents never use, said only in a label before a question of its own
        ("IRO - is care planning for individual children improving?", "youth justice: ..."): what follows the label,
        when it names a topic of the documents, or is broad by itself and speaks of the asker, searched and judged
        alone. The label says who asks or what the question is filed under; a question that asks of its label ("online
        harm - what did the inspectors find?", "Bairns' Hoose - is it in place?") is still declined, and so is one the
        answer model cannot answer without it."""
        rest = after_label(text)  # a topic may be named in the field's words the glossary gives the documents' for
        if not rest:
            return own
        if self.topics.names_a_topic(rest, glossed=True):  # ("looked after")
            alone = self._alone(rest, reading)
        elif in_first_person(rest) and self.lib.breadth.is_broad(rest) and not self.topics.off_topic(rest):
            # a broad question naming no topic asks about its label ("UNCRC - what does it say?"), unless it speaks
            # of the asker: then the label says who asks ("SWA - what are the main challenges we face?")
            alone = self._alone(rest, replace(reading, broad=True, topicless=not self.topics.topic_words(rest)))
        else:
            return own
        return alone if alone.answered else own

    def _after_opening(self, text: str, own: Answer, reading: Reading) -> Answer:
        """A question that opens by saying who asks ("health board CP adviser - are chronologies consistent yet?"): the
        job's words pull the search towards what the job is about, so what follows the opening, when it stands alone,
        is searched and judged alone too, and answers unless the whole is surer by more than OPENING_LEAN
        (Answer.unless_near; "as a team mgr - do staff have confidence in us?" leans on its opening, and is read whole)."""
        rest = after_opening(text)
        return own.unless_near(self._alone(rest, reading), OPENING_LEAN) if rest else own

    def _asked_alone(self, asking: str, own: Answer, reading: Reading) -> Answer:
        """A question after sentences that only say who asks and why ("I'm a community midwife ... I don't know much about
        these inspections. Was early help a priority?"; asker.asking_part): those sentences' words pull the search
        towards what the asker's work is about, so the question that asks is searched and judged alone too, and the
        reading the answer model is surer of answers."""
        return own.surer(self._alone(asking, reading))

    def _alone(self, rest: str, reading: Reading) -> Answer:
        """The part of a question after its label or opening, searched and judged as a question of its own."""
        return self.decide(replace(reading, text=rest, asked=None, spread=self.topics.spread(rest)))

    def _one_shown(self, ctx: Context) -> str:
        """What the last answer quoted, when it quoted one message (a broad answer's many say nothing of one subject)."""
        last = self.replies.last_quoted(ctx)
        return " ".join(m.text[start:end] for m, start, end in last) if len({m.id for m, _, _ in last}) == 1 else ""

    def _follow_up(self, text: str, topic: str, chosen: bool = False, shown: str = "") -> str:
        """'anaphoric' or 'elliptical' when the question leans on the last topic: it refers back ("is that
        getting better?"), elides it ("and advocacy?", "what about teenagers?", "so whats needed?": a few words the
        documents use), shares its subject, or names none ("how did partnerships do?": words most messages use);
        'shown' when, short, it names a subject of `shown`, the one message just quoted ("is access a problem?"): it is
        read alone first (_question); '' otherwise. An unrelated question ("any good lunch spots?") is never read with it. `chosen`: the text is
        what the person asked to hear more on ("anything else on how staff are doing?"), a topic however general. A
        turn that names the earlier topic it goes back to ("back to advocacy - why does it matter?") leans on nothing:
        the last topic carries every earlier question, and the last answer is not what it asks about; nor does one whose
        label names a topic the last one did not ("early help - did it make a difference?")."""
        if not topic or back_to(text):
            return ""
        labelled = _WHAT_ABOUT.sub("", text)  # "what about early help - is it prioritised?" labels it too
        label = label_of(labelled)
        if label and (self.topics.new_topic_words(label, topic) or points_at_its_label(labelled)):
            return ""  # "early help - did it make a difference?": 'it' is the new topic its label names; "what about the
            # families - are they involved?": 'they' are the people it names, whatever the last topic was
        kind = follow_up_kind(without_acknowledgement(text))  # "ok. does it say what it means for kids who dont get it?"
        if kind == "anaphoric" and self.lib.breadth.has_cue(text):  # "ok what's going well then"
            kind = follow_up_kind(without_closing_then(text))
        ws = words(text)
        topical = [w for w in ws if w in self.lib.content or stems(w) & self.lib.content_stems]
        if kind == "anaphoric":
            return kind
        named = self.topics.topic_words(text)
        if not named and self.lib.breadth.has_cue(text):  # "ok what's going well then": asked across the documents,
            return ""  # whatever the last topic was
        if named and len(ws) <= 2 * SHORT_FOLLOW_UP and any(w in vague_words() for w in named) and all(
                w in vague_words() or self.topics.says_little(w) for w in named):
            return "elliptical"  # "what does it say will happen if nothing changes?", "what's the consequence for the
            # child?": it names nothing of its own (a word half the messages use names nothing), so it asks of the
            # last topic, however many words it takes to say so
        if len(ws) > SHORT_FOLLOW_UP or not (topical or self.topics.names_an_age(text)):  # "what about under 10s?"
            return ""
        if kind == "elliptical" or self.topics.shares_subject(text, topic) or not chosen and self.topics.names_nothing(text, named):
            return "elliptical"
        # "is access a problem?" after a quote saying access to services was difficult: a subject of what was just shown
        return "shown" if shown and self.topics.shares_subject(text, shown) else ""


def _chosen(ids: frozenset[str], allowed: frozenset[str] | None) -> frozenset[str]:
    """The message ids among the documents the person chose (`allowed`; None: every document)."""
    return ids if allowed is None else ids & allowed
