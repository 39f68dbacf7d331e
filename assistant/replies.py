"""What a turn says back: the quotes a turn's reading picked, framed by the reviewed templates (prompts/), each quote's
whole message as its source, the suggestions, and the context the next turn needs. Which reading a turn takes is
conversation.py's to decide; how its answer or decline is put is this module's. Every quote is cut from a message at a
sentence's bounds (reply.py)."""

from __future__ import annotations

from dataclasses import replace
from typing import TYPE_CHECKING

from .context import MAX_IDS, Context
from .readings import Answer, Parts
from .reply import Reply, Source, answer_quote, passage_quote, quote_of, render, span_quote

if TYPE_CHECKING:
    from .answer import Decision
    from .corpus import Message

MAX_OVERVIEW = 25  # messages: an overview quotes every message's lead sentence up to this many (hand-set)


class Replies:
    """The replies of one library: answers, declines, chit-chat and the quotes of the last answer again.
    `max_question_chars` bounds the topic a reply's context carries (twice that many characters)."""

    def __init__(self, library, suggester, max_question_chars: int = 1000):
        self.lib, self.suggester, self.max_chars = library, suggester, max_question_chars

    def chitchat(self, intent: str, nxt: Context) -> Reply:
        """A greeting, thanks, goodbye, help or acknowledgement: the reviewed chit-chat and the starter suggestions."""
        return Reply("chitchat", render("chitchat", intent=intent, document=self.lib.document, topics=self.suggester.topics(3)),
                     suggestions=self.suggester.starters(), context=nxt.to_dict())

    @staticmethod
    def with_refused(answer: Reply, refused: str) -> Reply:
        """An answer to the question beside a refused request, with the request refused by name after it."""
        return replace(answer, reply=answer.reply + "\n\n" + render("refused", refused=refused))

    def overview(self, nxt: Context, allowed: frozenset[str] | None) -> Reply:
        """The lead sentence of every message, in document order (past MAX_OVERVIEW messages: a decline asking
        for a topic)."""
        if len(allowed if allowed is not None else self.lib.store.messages) > MAX_OVERVIEW:
            return self.decline("too_broad", nxt)  # checked first: no pass over a large corpus
        ms = [m for m in self.lib.store.messages.values() if m.sentences and (allowed is None or m.id in allowed)]
        quotes = [quote_of(m, 0, 1.0) for m in ms]
        ctx = Context("", [(q.message_id, q.start, q.end) for q in quotes], [m.id for m in ms][-MAX_IDS:], nxt.turn)
        return self._answered("broad", quotes, "overview", ctx)

    def answer(self, found: Answer, nxt: Context, topic: str, broad: bool = False, intent: str = "",
               nearest: bool = False) -> Reply:
        """The reply to a reading: its picks quoted, or its decline with the reason the answer model gave. What is
        quoted joins what the conversation has shown (Context.shown): an "anything else?" looks past every
        message shown so far, on this topic or an earlier one ("back to spotting concerns - ..." then "anything
        else?" does not show again what an earlier turn on the under 5s did)."""
        decision = found.decision
        if not decision.answered:
            reason = "nothing_else" if intent == "else" else decision.reason
            q = found.result.query
            return self.decline(reason, nxt, terms=(" ".join(q.stressed),) if reason == "specific" else q.unknown_terms)
        quotes = [_first_quote(decision)] + [answer_quote(p.message, p.index, p.score) for p in decision.picks[1:]]
        ids = _ids(quotes)
        shown = list(dict.fromkeys(nxt.shown + ids))[-MAX_IDS:]
        ctx = Context(topic[:2 * self.max_chars], [(q.message_id, q.start, q.end) for q in quotes], shown, nxt.turn)
        return self._answered("broad" if broad and len(quotes) > 1 else "answered", quotes, intent, ctx, nearest=nearest)

    def whole_message(self, mid: str, nxt: Context) -> Reply:
        """'What does key message 5 say?': every sentence of that message, in order."""
        m = self.lib.store.messages[mid]
        quotes = [quote_of(m, i, 1.0) for i in range(len(m.sentences))]
        ctx = Context(m.sentences[0].text if m.sentences else m.title, [(q.message_id, q.start, q.end) for q in quotes],
                      [mid], nxt.turn)
        return self._answered("answered", quotes, "", ctx)

    def last_quoted(self, ctx: Context) -> "list[tuple[Message, int, int]]":
        """The last answer's quotes that still start and end on a sentence's bounds in their message, as (message,
        start, end) (a context is the client's to send: anything else is dropped)."""
        messages = self.lib.store.messages
        last = [(messages.get(mid), start, end) for mid, start, end in ctx.quoted]
        return [(m, start, end) for m, start, end in last if m is not None and start < end
                and any(s.start == start for s in m.sentences) and any(s.end == end for s in m.sentences)]

    @staticmethod
    def unquoted(last: "list[tuple[Message, int, int]]") -> "tuple[Message, list[int]]":
        """The first quoted message of `last` (last_quoted) and the positions of its sentences no quote held."""
        m = last[0][0]
        spans = [(start, end) for mm, start, end in last if mm.id == m.id]
        return m, [i for i, s in enumerate(m.sentences) if not any(a <= s.start < b for a, b in spans)]

    def from_last(self, intent: str, ctx: Context, nxt: Context) -> Reply:
        """'Tell me more' (the next sentences of the last message, then all of it), 'which message says that?' and 'in
        plain English?' (the same quotes again: only the documents' words are given)."""
        last = self.last_quoted(ctx)
        if not last:
            return self.decline("no_topic", nxt)
        if intent in ("which", "plainer"):  # the same quotes again
            quotes = [span_quote(m, start, end, 1.0) for m, start, end in dict.fromkeys(last)]
        else:
            m, rest = self.unquoted(last)
            quotes = [quote_of(m, i, 1.0) for i in (rest or range(len(m.sentences)))]
        new = Context(ctx.topic, [(q.message_id, q.start, q.end) for q in quotes] if intent == "more" else ctx.quoted,
                      list(dict.fromkeys(ctx.shown + _ids(quotes)))[-MAX_IDS:], nxt.turn)
        return self._answered("answered", quotes, intent, new)

    def _answered(self, template: str, quotes: list, intent: str, ctx: Context, unanswered: str = "",
                  nearest: bool = False) -> Reply:
        """An answer: the framing template around the quotes, each quote's whole message as its source."""
        ids = _ids(quotes)
        messages = self.lib.store.messages
        return Reply("answered", render(template, quotes=quotes, document=self.lib.document, intent=intent,
                                        unanswered=unanswered, nearest=nearest), quotes,
                     [Source.of(messages[i], quotes) for i in ids], self.suggester.after(ids), ctx.to_dict())

    def both(self, parts: Parts, nxt: Context, text: str) -> Reply:
        """A compound question's reply: each part's best quote, in the order asked, and the part the documents
        do not answer, named."""
        quotes = [_first_quote(p.decision) for p in parts.answers]
        ctx = Context(text[:2 * self.max_chars], [(q.message_id, q.start, q.end) for q in quotes], _ids(quotes), nxt.turn)
        return self._answered("answered", quotes, "", ctx, unanswered=parts.unanswered)

    def decline(self, reason: str, nxt: Context, terms=()) -> Reply:
        return Reply("no_answer", render("no_answer", reason=reason, terms=list(terms), document=self.lib.document,
                                         topics=self.suggester.topics(3)),
                     suggestions=self.suggester.starters(), context=nxt.to_dict(), reason=reason)


def _ids(quotes) -> list[str]:
    """Message ids of the quotes, first appearance first."""
    return list(dict.fromkeys(q.message_id for q in quotes))


def _first_quote(decision: "Decision"):
    """The best pick's quote: with the neighbouring sentence the model rated nearly as likely, when there is one."""
    best = decision.picks[0]
    return passage_quote(best.message, best.index, decision.neighbour, best.score)

