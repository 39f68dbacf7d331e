"""The Python API: `Assistant(settings).ask(question, context) -> Reply`. The CLI and the web app
are thin skins over this class."""

from __future__ import annotations

import logging
import threading
import time
from collections import Counter
from dataclasses import dataclass, replace

from . import polarity
from . import store as store_mod
from .answer import decide, load_calibration
from .breadth import Breadth, BreadthModel
from .context import parse_context
from .compound import joined_pairs
from .conversation import Conversation
from .readings import Answer, Reading
from .cues import content_words, stop_stems
from .corpus import Document, Message
from .embed import Embedder, default_model_path, make_embedder, model_name
from .errors import GroundingError, InvalidDocuments, InvalidQuestion
from .profile import Profile
from .profile import stamp as profile_stamp
from .reply import Reply, check_grounding, render
from .retrieve import Result, Retriever, one_turn
from .store import Store
from .settings import Settings
from .suggest import Suggester
from .text import STEM_PREFIX, stems, terms, words

log = logging.getLogger("assistant")


@dataclass
class Library:
    """One loaded index with what answering needs: the store, its retriever and profile, the answer model's
    calibration, and facts about the corpus worked out once. It refers to nothing above it, so the
    conversation and the suggester can hold it without a reference cycle."""
    store: Store
    retriever: Retriever
    profile: Profile
    calibration: dict
    content: frozenset[str]  # the corpus's topic words
    document: str  # the document's title, or "N indexed documents"
    collection_words: frozenset[str]  # words of the documents' titles
    titles: dict[str, str]  # a message title's words (text.words, space-joined) -> id
    message_freq: Counter  # stem -> number of messages that use it
    content_stems: frozenset[str]  # the stems of the topic words ("needed" is about "need")
    stem_starts: frozenset[str]  # the first STEM_PREFIX letters of the documents' longer stems ("responding": "response")
    breadth: Breadth  # whether a question is broad (breadth.py)
    joined: frozenset[tuple[str, str]] = frozenset()  # stems the documents join with 'and' ("abuse and neglect")

    @classmethod
    def of(cls, st: Store, retriever: Retriever, profile: Profile, calibration: dict,
           breadth: BreadthModel | None = None) -> "Library":
        titles = list(dict.fromkeys(m.document for m in st.messages.values()))
        content = content_words(retriever.vocab, retriever.glossary) - profile.stop_words
        return cls(st, retriever, profile, calibration, content,
                   titles[0] if len(titles) == 1 else f"{len(titles)} indexed documents" if titles else "",
                   frozenset(w for t in titles for w in words(t)),
                   {" ".join(words(m.title)): m.id for m in st.messages.values()},
                   Counter(w for m in st.messages.values() for w in stems(m.text)),
                   frozenset(terms(" ".join(content))) - stop_stems(),
                   frozenset(s[:STEM_PREFIX] for s in retriever.corpus.idf if len(s) >= STEM_PREFIX),
                   Breadth(breadth, retriever.embedder.name, retriever.searched_vector, st.vectors.d),
                   frozenset(pair for m in st.messages.values() for pair in joined_pairs(m.text)))

    def decide(self, reading: Reading) -> Answer:
        """The library's one way to answer a reading of a question: search, then the answer model."""
        r = self.retriever
        result = r.search(reading.text, k=10, only=set(reading.only) if reading.only is not None else None)
        if reading.asked is not None and reading.asked != reading.text:  # number and name checks apply to what was typed
            q = r.analyse(reading.asked)
            result.query = replace(result.query, asks=q.asks, unknown_terms=q.unknown_terms, stressed=q.stressed)
        return Answer(result, decide(result, r.corpus, broad=reading.broad, calibration=self.calibration,
                                     exclude=set(reading.exclude), types=r.answer_types, within=reading.within,
                                     topicless=reading.topicless, spread=reading.spread,
                                     side=polarity.asked(reading.asked or reading.text) if reading.topicless else polarity.NEITHER))


class Assistant:
    def __init__(self, settings: Settings | None = None, embedder: Embedder | None = None):
        self.settings = settings or Settings.from_env()
        self._embedder = embedder
        self._lock = threading.Lock()
        self._calibration = load_calibration()
        self._breadth = BreadthModel.load()
        self._load()

    @property
    def calibration(self) -> dict:
        return self.lib.calibration

    @calibration.setter
    def calibration(self, value: dict) -> None:  # tests and evaluation try other thresholds
        self._calibration = self.lib.calibration = value

    @property
    def store(self) -> Store:
        return self.lib.store

    @property
    def retriever(self) -> Retriever:
        return self.lib.retriever

    @property
    def profile(self) -> Profile:
        return self.lib.profile

    @property
    def document(self) -> str:
        return self.lib.document

    @property
    def content(self) -> frozenset[str]:
        return self.lib.content

    # -- loading and reloading -------------------------------------------------------------------
    def _expected_model(self) -> str:
        if self._embedder is not None:
            return self._embedder.name
        if self.settings.embedder == "fake":
            return "fake-hash-64"
        return model_name(default_model_path(self.settings.model))

    def _load(self) -> None:
        s = self.settings
        st = store_mod.load(s.store_dir, expect_model=self._expected_model(), units=False)
        if self._embedder is None:
            self._embedder = make_embedder(s.embedder, s.model, st.path, st.weights)
        profile, stamp = Profile.load(s.index_dir), profile_stamp(s.index_dir)
        cal = self._calibration
        retriever = Retriever(st, self._embedder, profile, cal["dense_weight"], cal["sentence_weight"], cal["message_bonus"],
                              cal.get("carry", 0.0), s.query_cache)
        lib = Library.of(st, retriever, profile, cal, self._breadth)
        suggester = Suggester(st, retriever, profile, lambda q, decide=lib.decide: decide(Reading(q)))
        self.lib, self.suggester = lib, suggester
        self.conversation = Conversation(lib, lib.decide, suggester, s.max_question_chars)
        self._profile_stamp, self._loaded_from = stamp, st.path

    def reload_if_changed(self) -> bool:
        """Swap in a newly built index (the store symlink moved) or an edited profile (glossary, names, answer
        types, profile.json); keep serving the old one on any error."""
        try:
            target = self.settings.store_dir.resolve()
        except OSError:
            return False
        if target == self._loaded_from and profile_stamp(self.settings.index_dir) == self._profile_stamp:
            return False
        with self._lock:
            old = dict(self.__dict__)
            try:
                self._load()
            except Exception as exc:  # a half-built or damaged index must not take the server down
                self.__dict__.update(old)
                log.warning("new index not loaded, still serving %s: %s", old["_loaded_from"], exc)
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

    def _allowed(self, documents: list[str] | None) -> frozenset[str] | None:
        """Ids of the messages of the documents named (None: every document); unknown ids are an input error."""
        if not documents:
            return None
        unknown = [d for d in documents if d not in self.store.documents]
        if unknown:
            raise InvalidDocuments(f"no indexed document has the id {unknown[0]!r}")
        wanted = set(documents)
        return frozenset(m.id for m in self.store.messages.values() if m.document_id in wanted)

    def search(self, text: str, k: int = 5) -> Result:
        return self.retriever.search(self._validate(text), k=k)

    # -- one turn --------------------------------------------------------------------------------
    def ask(self, question: str, context: dict | None = None, documents: list[str] | None = None) -> Reply:
        """Answer one turn by quoting the documents (only those with the ids in `documents`, when given), or
        decline; every reply passes the grounding check."""
        started = time.perf_counter()
        text = self._validate(question)
        ctx = parse_context(context, self.settings.max_question_chars)
        with one_turn():
            reply = self.conversation.turn(text, ctx, self._allowed(documents))
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

    def decide(self, reading: Reading) -> Answer:
        return self.lib.decide(reading)

    def explain(self, question: str) -> Answer:
        """Why a self-contained question is answered or declined: what was searched, every candidate the
        model scored with its features and probability, the confidence and the reason (evaluation uses this)."""
        text = self._validate(question)
        with one_turn():  # the breadth model and the search read one embedding
            return self.decide(Reading(text, broad=self.lib.breadth.is_broad(text)))
