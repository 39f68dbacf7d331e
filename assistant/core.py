"""The Python API: `Assistant(settings).ask(question, context) -> Reply`. The CLI and the web app
are thin skins over this class."""

from __future__ import annotations

import logging
import threading
import time
from collections import Counter
from dataclasses import replace
from functools import lru_cache
from pathlib import Path

from . import store as store_mod
from .answer import Decision, decide, load_calibration
from .conversation import (Context, content_words, else_about, follow_up_kind, is_broad, message_about, more_about,
                           named_message, parse_context, route)
from .corpus import Document, Message
from .embed import Embedder, default_model_path, make_embedder, model_name
from .errors import GroundingError, InvalidDocuments, InvalidQuestion
from .text import words
from .reply import Reply, Source, check_grounding, quote_of, render
from .retrieve import Result, Retriever
from .text import stems
from .settings import Settings
from .suggest import Suggester

SHORT_FOLLOW_UP = 8  # words: a short question that fails alone is tried against the last topic too

log = logging.getLogger("assistant")


class Assistant:
    def __init__(self, settings: Settings | None = None, embedder: Embedder | None = None):
        self.settings = settings or Settings.from_env()
        self._embedder = embedder
        self._lock = threading.Lock()
        self.calibration = load_calibration()
        self._load()

    # -- loading and reloading -------------------------------------------------------------------
    def _expected_model(self) -> str:
        if self._embedder is not None:
            return self._embedder.name
        if self.settings.embedder == "fake":
            return "fake-hash-64"
        return model_name(default_model_path(self.settings.model))

    def _load(self) -> None:
        s = self.settings
        st = store_mod.load(s.store_dir, expect_model=self._expected_model())
        if self._embedder is None:
            self._embedder = make_embedder(s.embedder, s.model, st.path, s.onnx_weights)
        self.store = st
        self.retriever = Retriever(st, self._embedder, s.glossary_path, self.calibration["dense_weight"], s.answer_types_path,
                                   self.calibration["sentence_weight"], self.calibration["message_bonus"],
                                   self.calibration.get("carry", 0.0), s.query_cache,
                                   names_path=s.names_path)
        self.suggester = Suggester(self)
        self.content = content_words(self.retriever.vocab, self.retriever.glossary)
        titles = list(dict.fromkeys(m.document for m in st.messages.values()))
        self.document = titles[0] if len(titles) == 1 else f"{len(titles)} indexed documents" if titles else ""
        self._titles = {m.title.lower(): m.id for m in st.messages.values()}
        self._message_freq = Counter(w for m in st.messages.values() for w in stems(m.text))
        self._loaded_from = st.path

    def reload_if_changed(self) -> bool:
        """Swap in a newly built index (the store symlink moved); keep serving the old one on any error."""
        try:
            target = self.settings.store_dir.resolve()
        except OSError:
            return False
        if target == self._loaded_from:
            return False
        with self._lock:
            old = (self.store, self.retriever, self.suggester, self.content, self.document, self._loaded_from)
            try:
                self._load()
            except Exception as exc:  # a half-built or damaged index must not take the server down
                self.store, self.retriever, self.suggester, self.content, self.document, self._loaded_from = old
                log.warning("new index not loaded, still serving %s: %s", old[5], exc)
                return False
        log.info("index reloaded from %s", self._loaded_from)
        return True

    @property
    def embedder(self) -> Embedder:
        """The query embedder in use (a reload with the same model can share it)."""
        return self._embedder

    @property
    def messages(self) -> list[Message]:
        return list(self.store.messages.values())

    @property
    def documents(self) -> list[Document]:
        return list(self.store.documents.values())

    def _allowed(self, documents: list[str] | None) -> set[str] | None:
        """Ids of the messages of the documents named (None: every document); unknown ids are an input error."""
        if not documents:
            return None
        unknown = [d for d in documents if d not in self.store.documents]
        if unknown:
            raise InvalidDocuments(f"no indexed document has the id {unknown[0]!r}")
        wanted = set(documents)
        return {m.id for m in self.store.messages.values() if m.document_id in wanted}

    def search(self, text: str, k: int = 5) -> Result:
        return self.retriever.search(self._validate(text), k=k)

    # -- one turn --------------------------------------------------------------------------------
    def ask(self, question: str, context: dict | None = None, documents: list[str] | None = None) -> Reply:
        """Answer one turn by quoting the documents (only those with the ids in `documents`, when given), or
        decline; every reply passes the grounding check."""
        started = time.perf_counter()
        text = self._validate(question)
        ctx = parse_context(context, self.settings.max_question_chars)
        reply = self._turn(text, ctx, self._allowed(documents))
        try:
            check_grounding(reply)
        except GroundingError as exc:
            log.error("grounding check failed, reply withheld: %s", exc)
            reply = Reply("no_answer", render("failure"), context=ctx.to_dict())
        log.info("turn status=%s ms=%.1f messages=%s%s", reply.status, 1000 * (time.perf_counter() - started),
                 ",".join(q.message_id for q in reply.quotes) or "-", self.settings.logged(text))
        return reply

    def _validate(self, question) -> str:
        if not isinstance(question, str):
            raise InvalidQuestion("question must be text")
        text = question.strip()
        if not text:
            raise InvalidQuestion("question is empty")
        if len(text) > self.settings.max_question_chars:
            raise InvalidQuestion(f"question is longer than {self.settings.max_question_chars} characters")
        if "\x00" in text:
            raise InvalidQuestion("question contains a NUL character")
        try:
            text.encode("utf-8")
        except UnicodeEncodeError:
            raise InvalidQuestion("question contains characters that are not valid Unicode text") from None
        return text

    def _turn(self, text: str, ctx: Context, allowed: set[str] | None = None) -> Reply:
        text = more_about(text) or message_about(text) or text
        intent = route(text, self.content)
        nxt = Context(ctx.topic, ctx.quoted, ctx.shown, ctx.turn + 1)
        if intent in ("greeting", "thanks", "goodbye", "help"):
            return Reply("chitchat", render("chitchat", intent=intent, document=self.document, topics=self.suggester.topics(3)),
                         suggestions=self.suggester.starters(), context=nxt.to_dict())
        if intent == "refuse":
            return self._decline("refuse", nxt)
        named, rest = named_message(text, self._titles) if intent is None else (None, "")
        if named and not rest:
            return self._whole_message(named, nxt)
        if named:  # "what does key message 5 say about poverty?": look only in that message
            return self._answer(text, nxt, only={named} & allowed if allowed is not None else {named})
        if intent in ("more", "which") and ctx.quoted:
            return self._from_last(intent, ctx, nxt)
        if intent == "else" and ctx.topic:
            return self._answer(ctx.topic, nxt, exclude=set(ctx.shown), intent="else", within=True, allowed=allowed)
        if intent in ("more", "which", "else"):
            return self._decline("no_topic", nxt)
        return self._question(text, ctx, nxt, allowed)

    def _question(self, text: str, ctx: Context, nxt: Context, allowed: set[str] | None = None) -> Reply:
        text, elsewhere = else_about(text)  # "anything else about X?": X, leaving out what was shown
        exclude = set(ctx.shown) if elsewhere else set()
        within = bool(elsewhere)
        kind = follow_up_kind(text) if ctx.topic else ""
        broad = is_broad(text)
        joined = f"{text} {ctx.topic}"
        if kind == "anaphoric":  # "is that getting better?": the last topic supplies what "that" is
            combined = self._decide(joined, broad, exclude, asked=text, within=within, allowed=allowed)
            if self._new_topic_words(text, ctx.topic):  # "does advocacy help with that?": advocacy is the point
                own = self._decide(text, broad, exclude, within=within, allowed=allowed)
                if own[1].answered:
                    return self._reply(*own, nxt, topic=joined, broad=broad)
            return self._reply(*combined, nxt, topic=joined, broad=broad)
        own = self._decide(text, broad, exclude, within=within, allowed=allowed)
        short = kind == "elliptical" or (ctx.topic and own[1].reason == "weak" and len(words(text)) <= SHORT_FOLLOW_UP)
        if short and not own[1].answered:  # "and advocacy?", "what happens if nothing changes?"
            combined = self._decide(joined, broad, exclude, asked=text, within=within, allowed=allowed)
            if combined[1].answered:
                return self._reply(*combined, nxt, topic=joined, broad=broad)
        return self._reply(*own, nxt, topic=text, broad=broad)

    def _new_topic_words(self, text: str, topic: str) -> set[str]:
        """Words (or glossary expansions) of the text that name a topic of their own, one only one message
        uses ('advocacy', 'care experienced'), and that the last topic did not mention."""
        said = stems(self.retriever.analyse(topic).expanded) if topic else frozenset()
        return {w for w in stems(self.retriever.analyse(text).expanded)
                if len(w) >= 4 and self._message_freq.get(w, 0) == 1 and w not in said}

    def _whole_message(self, mid: str, nxt: Context) -> Reply:
        """'What does key message 5 say?': every sentence of that message, in order."""
        m = self.store.messages[mid]
        quotes = [quote_of(m, i, 1.0) for i in range(len(m.sentences))]
        ctx = Context(m.sentences[0].text if m.sentences else m.title, [(q.message_id, q.start, q.end) for q in quotes],
                      [mid], nxt.turn)
        return self._answered("answered", quotes, "", ctx)

    def _decide(self, query: str, broad: bool, exclude: set[str] = frozenset(), asked: str | None = None,
                only: set[str] | None = None, within: bool = False, allowed: set[str] | None = None) -> tuple[Result, Decision]:
        """only: a message the person named; allowed: the documents' messages the person chose to search."""
        result = self.retriever.search(query, k=10, only=only if only is not None else allowed)
        if asked is not None and asked != query:  # number and name checks apply to what the user typed
            q = self.retriever.analyse(asked)
            result.query = replace(result.query, asks=q.asks, unknown_terms=q.unknown_terms)
        return result, decide(result, self.retriever.corpus, broad=broad, calibration=self.calibration, exclude=exclude,
                              types=self.retriever.answer_types, within=within or only is not None)

    def _answer(self, query: str, nxt: Context, broad: bool = False, exclude: set[str] = frozenset(), intent: str = "",
                asked: str | None = None, only: set[str] | None = None, within: bool = False,
                allowed: set[str] | None = None) -> Reply:
        result, decision = self._decide(query, broad, exclude, asked, only, within, allowed)
        return self._reply(result, decision, nxt, topic=query if intent != "else" else nxt.topic, broad=broad, intent=intent)

    def _reply(self, result: Result, decision: Decision, nxt: Context, topic: str, broad: bool = False, intent: str = "") -> Reply:
        if not decision.answered:
            reason = "nothing_else" if intent == "else" else decision.reason
            return self._decline(reason, nxt, terms=result.query.unknown_terms)
        quotes = [quote_of(p.message, p.index, p.score) for p in decision.picks]
        ids = _ids(quotes)
        shown = list(dict.fromkeys((nxt.shown if intent == "else" else []) + ids))[-50:]
        ctx = Context(topic[:2 * self.settings.max_question_chars], [(q.message_id, q.start, q.end) for q in quotes], shown, nxt.turn)
        return self._answered("broad" if broad and len(quotes) > 1 else "answered", quotes, intent, ctx)

    def _from_last(self, intent: str, ctx: Context, nxt: Context) -> Reply:
        """'Tell me more' (the next sentences of the last message, then all of it) and 'which message says that?'."""
        last = [(self.store.messages.get(mid), start) for mid, start, _ in ctx.quoted]
        last = [(m, start) for m, start in last if m is not None and any(s.start == start for s in m.sentences)]
        if not last:
            return self._decline("no_topic", nxt)
        if intent == "which":
            picks = [(m, m.sentence_index(start)) for m, start in last]
        else:
            m = last[0][0]
            shown = {start for mm, start in last if mm.id == m.id}
            rest = [i for i, s in enumerate(m.sentences) if s.start not in shown]
            picks = [(m, i) for i in (rest or range(len(m.sentences)))]
        quotes = [quote_of(m, i, 1.0) for m, i in picks]
        new = Context(ctx.topic, [(q.message_id, q.start, q.end) for q in quotes] if intent == "more" else ctx.quoted,
                      list(dict.fromkeys(ctx.shown + _ids(quotes))), nxt.turn)
        return self._answered("answered", quotes, intent, new)

    def _answered(self, template: str, quotes: list, intent: str, ctx: Context) -> Reply:
        """An answer: the framing template around the quotes, each quote's whole message as its source."""
        ids = _ids(quotes)
        return Reply("answered", render(template, quotes=quotes, document=self.document, intent=intent), quotes,
                     [Source.of(self.store.messages[i], quotes) for i in ids], self.suggester.after(ids), ctx.to_dict())

    def _decline(self, reason: str, nxt: Context, terms=()) -> Reply:
        return Reply("no_answer", render("no_answer", reason=reason, terms=list(terms), document=self.document,
                                         topics=self.suggester.topics(3)),
                     suggestions=self.suggester.starters(), context=nxt.to_dict())


def _ids(quotes) -> list[str]:
    """Message ids of the quotes, first appearance first."""
    return list(dict.fromkeys(q.message_id for q in quotes))
