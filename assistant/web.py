"""The HTTP skin: JSON API, web chat page and embeddable widget over `Assistant`.

`create_app()` is the uvicorn factory (`assistant serve`). The library stays synchronous; chat and
search run in worker threads, at most settings.concurrency at once, so the event loop stays free for
`/healthz` and the rest however hard `/api/chat` is pushed. This module owns the routes, their models
and the live Assistant; http_guard.py owns what every request goes through (body limit, tokens and rate
limit, CORS, security headers, the JSON error shape `{"error": {"code", "message"}}`; no input should
ever produce a 5xx); feedback.py owns the usage database. Question text is not logged or stored unless
`log_questions` is on.
"""

from __future__ import annotations

import gc
import json
import logging
import threading
import time
import weakref
from contextlib import asynccontextmanager
from functools import partial
from pathlib import Path
from typing import Annotated, Any

import anyio
from fastapi import FastAPI, Query, Request
from fastapi.responses import FileResponse, HTMLResponse, JSONResponse, Response
from fastapi.staticfiles import StaticFiles
from fastapi.templating import Jinja2Templates
from pydantic import BaseModel, ConfigDict, Field
from pydantic.dataclasses import dataclass as pydantic_dataclass

from . import http_guard
from .errors import IndexError_, InputError
from .feedback import FeedbackUnavailable, Turn, UsageLog, Verdict
from .http_guard import ERRORS, ErrorOut, check_value, error
from .reply import Reply
from .settings import Settings
from .store import MEDIA_TYPES

log = logging.getLogger("assistant.web")

WEB = Path(__file__).resolve().parent.parent / "web"
STATIC = WEB / "static"
TEMPLATES = WEB / "templates"


# -- request and response models (for validation and the OpenAPI schema) -------------------------
class ChatRequest(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=True)
    question: Annotated[str, Field(min_length=1, description="1–1000 characters after trimming.")]
    context: Annotated[dict[str, Any] | None, Field(description="The `context` object of the previous reply.")] = None
    documents: Annotated[list[str] | None, Field(
        max_length=1000, description="Ids of indexed documents (GET /api/documents) to search; none or empty: all.")] = None


# The reply contract's fields are assistant.reply's Reply, Quote and Source themselves, so the API
# cannot drift from the library; only documentation is added here: every field is always sent (so
# "required" in the schema), and what status can be. Reply itself is not changed by this subclass.
@pydantic_dataclass(config=ConfigDict(json_schema_serialization_defaults_required=True))
class ChatReply(Reply):
    """Quotes come best first. For every quote there is a source with the same `message_id` whose
    `text[start:end]` is the quote's text, and `status` is `answered` exactly when there are quotes."""

    status: Annotated[str, Field(description="answered, no_answer or chitchat")]


class SearchHit(BaseModel):
    message_id: str
    title: str
    score: float
    dense: float
    bm25: float


class SearchResult(BaseModel):
    hits: list[SearchHit]


class MessageSummary(BaseModel):
    id: str
    title: str
    document: str


class SentenceSpan(BaseModel):
    start: int
    end: int


class MessageFull(MessageSummary):
    text: str
    sentences: list[SentenceSpan]


class DocumentOut(BaseModel):
    id: str
    title: str
    file: str
    format: str
    pages: int | None
    messages: int
    indexed_at: str


class DocumentList(BaseModel):
    documents: list[DocumentOut]


class Health(BaseModel):
    status: str
    messages: int
    model: str


class FeedbackRequest(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=True)
    reply_id: Annotated[str, Field(min_length=32, max_length=32, pattern="^[0-9a-f]{32}$",
                                   description="The `id` of the reply this is about.")]
    helpful: Annotated[bool, Field(description="Whether the answer helped.")]
    comment: Annotated[str, Field(max_length=500, description="Optional, at most 500 characters.")] = ""


class FeedbackStored(BaseModel):
    stored: bool


STORE_FILES = ("manifest.json", "messages.jsonl", "units.jsonl", "vectors.faiss")


def profile_stamp(settings: Settings) -> tuple:
    """When and how big each profile file (glossary, names, answer types) is: a change means reload."""
    stamp = []
    for path in (settings.glossary_path, settings.names_path, settings.answer_types_path):
        try:
            st = path.stat()
            stamp.append((st.st_mtime_ns, st.st_size))
        except OSError:
            stamp.append(None)
    return tuple(stamp)


def _forget_profile() -> None:
    """The profile loaders remember files by path; an edited file must be read again."""
    from .query import load_answer_types, load_glossary, load_names

    for loader in (load_glossary, load_names, load_answer_types):
        loader.cache_clear()


# -- the assistant, loaded once and swapped whole when a new index appears -------------------------
class Holder:
    """The live Assistant. A re-index is loaded into a *new* Assistant off the request path and swapped
    in with one assignment, so a request in flight keeps using one consistent index throughout.

    When the new index was built with the same model, the new Assistant gets the live one's query
    embedder (one ONNX session for the life of the process, not a second one per reload), and the
    retired Assistant is let go so its build's memory-mapped files can be freed."""

    def __init__(self, settings: Settings, assistant=None):
        self.settings = settings
        self.assistant = assistant
        self.problem = ""
        self._checked = time.monotonic()
        self._busy = threading.Lock()
        self._failed_key: tuple | None = None
        self._loaded_key: tuple | None = None
        self._retired: weakref.ref | None = None
        self._health: tuple[float, str] = (-1.0, "")
        if assistant is None:
            self._build()
        else:
            store = getattr(assistant, "store", None)
            self._loaded_key = (Path(store.path).resolve() if store else None, profile_stamp(settings))

    def _build(self) -> bool:
        from .core import Assistant

        key = (self._target(), profile_stamp(self.settings))
        try:
            _forget_profile()
            new = Assistant(self.settings, embedder=self._reusable_embedder())
        except Exception as exc:  # no index yet, or a damaged one: serve 503s and keep checking
            self.problem = f"{type(exc).__name__}: {exc}"
            log.error("index not loaded: %s", self.problem)
            return False
        old, self.assistant, self.problem = self.assistant, new, ""
        self._loaded_key, self._health = key, (-1.0, "")
        if old is not None:
            self._retired = weakref.ref(old)
            del old  # this frame must not be what keeps it alive
            self._release_retired()
        return True

    def _reusable_embedder(self):
        """The live Assistant's query embedder if the index now in the store was built with the same
        model as the live one; None (load a fresh one) otherwise, or when in any doubt."""
        from .store import read_manifest

        live, target = self.assistant, self._target()
        embedder, store = getattr(live, "embedder", None), getattr(live, "store", None)
        if embedder is None or store is None or target is None:
            return None
        try:
            model = read_manifest(target)["model"]
        except Exception:  # missing or damaged: the fresh load reports it properly
            return None
        return embedder if model == store.model == embedder.name else None

    def _release_retired(self) -> None:
        """The Assistant and its Suggester refer to each other, so a collection frees the retired one
        (and its mmapped index). A request still in flight on the old index keeps it alive: the next
        reload check tries again."""
        gc.collect()
        if self._retired is not None and self._retired() is None:
            self._retired = None
            log.info("previous index released")

    def _target(self) -> Path | None:
        try:
            return self.settings.store_dir.resolve()
        except OSError:
            return None

    def _key(self) -> tuple:
        return (self._target(), profile_stamp(self.settings))

    def _stale(self) -> bool:
        """A new index in the store, or an edited profile file, that has not failed to load already."""
        if self.assistant is None:
            return True
        key = self._key()
        return key[0] is not None and key != self._failed_key and key != self._loaded_key

    def maybe_reload(self) -> None:
        """Called on each request: at most every reload_seconds, look for a new index in the background."""
        every = self.settings.reload_seconds
        now = time.monotonic()
        if every <= 0 or now - self._checked < every or self._busy.locked():
            return
        self._checked = now
        threading.Thread(target=self._reload, name="index-reload", daemon=True).start()

    def _reload(self) -> None:
        if not self._busy.acquire(blocking=False):
            return
        try:
            self._reload_now()
        except Exception as exc:  # a background thread must never die noisily; the old index keeps serving
            log.warning("index reload check failed: %s", type(exc).__name__)
        finally:
            self._busy.release()

    def _reload_now(self) -> None:
        if self._retired is not None:
            self._release_retired()
        if not self._stale():
            return
        key = self._key()
        if self._build():
            self._failed_key = None
            log.info("index reloaded from %s", self.assistant.store.path)
        else:
            self._failed_key = key

    def get(self):
        a = self.assistant
        if a is None:
            raise IndexError_("the index is not loaded yet")
        return a

    def health(self) -> str:
        """'' while the served index is loaded and its files are readable; else what is wrong, in words
        an operator can act on and without paths. Checked at most once a second."""
        at, problem = self._health
        now = time.monotonic()
        if now - at < 1.0:
            return problem
        problem = self._check_files()
        self._health = (now, problem)
        return problem

    def _check_files(self) -> str:
        a = self.assistant
        if a is None:
            return "The document index is not loaded: build it with `assistant index`."
        folder = Path(a.store.path)
        for name in STORE_FILES:
            try:
                with open(folder / name, "rb") as f:
                    f.read(1)
            except OSError:
                return f"The served index's {name} is missing or unreadable: rebuild it with `assistant index`."
        try:
            if not any((folder / "bm25").iterdir()):
                raise OSError
        except OSError:
            return "The served index's bm25 folder is missing or unreadable: rebuild it with `assistant index`."
        return ""


# -- the app --------------------------------------------------------------------------------------
def _message_out(m) -> dict:
    return {"id": m.id, "title": m.title, "document": m.document}


def _document_out(d) -> dict:
    return {"id": d.id, "title": d.title, "file": d.file, "format": d.format, "pages": d.pages, "messages": d.messages,
            "indexed_at": d.indexed_at}


def create_app(settings: Settings | None = None, assistant=None) -> FastAPI:
    """The ASGI app. With no arguments (the uvicorn factory) it reads Settings.from_env() and loads the
    Assistant for them; tests pass their own settings and, optionally, an already loaded Assistant."""
    if settings is None:
        settings = assistant.settings if assistant is not None else Settings.from_env()
    if log.level == logging.NOTSET:  # `assistant serve` configures WARNING; request lines are INFO
        log.setLevel(logging.INFO)
    origins = http_guard.allowed_origins(settings)
    holder = Holder(settings, assistant)
    usage = UsageLog(settings.db, settings.retention_days, settings.log_questions)
    workers = anyio.CapacityLimiter(max(1, settings.concurrency))
    templates = Jinja2Templates(directory=str(TEMPLATES))

    @asynccontextmanager
    async def lifespan(app):
        yield
        usage.close()

    app = FastAPI(title="Key messages assistant", version="1",
                  description="Answers questions by quoting the indexed documents verbatim, or says it cannot.",
                  docs_url=None, redoc_url=None, lifespan=lifespan)
    app.router.redirect_slashes = False  # a redirect would be built from the request's Host header
    app.state.holder, app.state.usage = holder, usage
    http_guard.install(app, settings, origins, on_request=holder.maybe_reload)

    # -- API ----------------------------------------------------------------------------------------
    @app.post("/api/chat", response_model=ChatReply, responses=ERRORS, tags=["chat"])
    async def chat(body: ChatRequest) -> JSONResponse:
        """Answer one turn by quoting the documents, or decline kindly. Send back `context` with the next question.
        The reply's `id` names it for `POST /api/feedback`."""
        # The turn runs in a worker thread, at most settings.concurrency at once: on the event loop, a flood of
        # chat requests made /healthz wait seconds (issue 14). The hop costs about a millisecond a turn.
        started = time.perf_counter()
        check_value(body.question, "question")
        if body.context is not None:
            check_value(body.context, "context")
        a = holder.get()
        try:
            reply = await anyio.to_thread.run_sync(partial(a.ask, body.question, body.context, documents=body.documents),
                                                   limiter=workers)
        except InputError as exc:
            log.info("chat http=422 code=%s ms=%.1f", type(exc).__name__, 1000 * (time.perf_counter() - started))
            raise
        out = reply.to_dict()
        ids = tuple(dict.fromkeys(q["message_id"] for q in out["quotes"]))
        ms = 1000 * (time.perf_counter() - started)
        usage.record_turn(Turn(reply.id, reply.status, reply.reason, ids, ms,
                               body.question.strip() if settings.log_questions else None))
        log.info("chat http=200 status=%s ms=%.1f messages=%s%s", reply.status, ms, ",".join(ids) or "-",
                 settings.logged(body.question))
        # The library built and grounding-checked this body; returning it as JSON directly skips FastAPI's
        # second validation against ChatReply (about a millisecond a turn). Tests check it against the schema.
        return JSONResponse(out)

    @app.post("/api/feedback", response_model=FeedbackStored, tags=["chat"],
              responses={404: {"model": ErrorOut}, 422: {"model": ErrorOut}, 503: {"model": ErrorOut}})
    async def feedback(body: FeedbackRequest):
        """Whether a reply helped, and optionally why (stored with the reply's status and quoted message ids)."""
        check_value(body.comment, "comment")
        try:
            found = await anyio.to_thread.run_sync(usage.feedback, Verdict(body.reply_id, body.helpful, body.comment))
        except FeedbackUnavailable:
            return error(503, "Feedback could not be stored just now. Please try again shortly.", "feedback_unavailable")
        if not found:
            return error(404, "No reply has that id (replies are kept for a limited time).")
        return {"stored": True}

    @app.get("/api/search", response_model=SearchResult, responses=ERRORS, tags=["chat"])
    async def search(q: Annotated[str, Query(min_length=1, description="The question (1–1000 characters after trimming).")],
                     k: Annotated[int, Query(ge=1, le=20, description="How many messages to return.")] = 5) -> dict:
        """Messages ranked for a question, with fused, dense and BM25 scores."""
        started = time.perf_counter()
        check_value(q, "question")
        result = await anyio.to_thread.run_sync(holder.get().search, q, k, limiter=workers)
        hits = [{"message_id": h.message.id, "title": h.message.title, "score": float(h.score),
                 "dense": float(h.dense), "bm25": float(h.lexical)} for h in result.hits[:k]]
        log.info("search http=200 ms=%.1f hits=%d%s", 1000 * (time.perf_counter() - started), len(hits),
                 settings.logged(q))
        return {"hits": hits}

    @app.get("/api/messages", response_model=list[MessageSummary], responses=ERRORS, tags=["documents"])
    def messages() -> list[dict]:
        """Every indexed message: id, title and the document it belongs to."""
        return [_message_out(m) for m in holder.get().messages]

    @app.get("/api/messages/{message_id:path}", response_model=MessageFull,
             responses={404: {"model": ErrorOut}, 503: {"model": ErrorOut}}, tags=["documents"])
    def message(message_id: str) -> dict:
        """One message in full, with the character span of each sentence in `text`."""
        m = holder.get().store.messages.get(message_id)
        if m is None:
            return error(404, "No message has that id.")
        return {**_message_out(m), "text": m.text, "sentences": [{"start": s.start, "end": s.end} for s in m.sentences]}

    @app.get("/api/documents", response_model=DocumentList, responses=ERRORS, tags=["documents"])
    def documents() -> dict:
        """Every indexed document: id (for `documents` in /api/chat and GET /documents/{id}), title, file name,
        format, number of pages (null when not paged), number of messages and when it was first indexed."""
        return {"documents": [_document_out(d) for d in holder.get().documents]}

    @app.get("/documents/{document_id:path}", responses={404: {"model": ErrorOut}, 503: {"model": ErrorOut}},
             response_class=Response, tags=["documents"])
    def original(document_id: str):
        """The original file of an indexed document, shown inline (a PDF opens at `#page=N`). Only files that
        were indexed are served: any other id or path is a 404."""
        a = holder.get()
        path = a.store.original(document_id)
        if path is None:
            return error(404, "No indexed document has that id.")
        doc = a.store.documents[document_id]
        return FileResponse(path, media_type=MEDIA_TYPES[doc.format], content_disposition_type="inline",
                            filename=doc.file)

    @app.get("/healthz", response_model=Health, responses={503: {"model": ErrorOut}}, tags=["service"])
    async def healthz():
        """200 while the served index is loaded and its files are readable; 503 saying what is wrong otherwise.
        Answered on the event loop, never queued behind chat turns, and never rate limited."""
        problem = holder.health()
        a = holder.assistant
        if problem or a is None:
            return JSONResponse({"status": "unavailable", "messages": 0, "model": "", "error": {
                "code": "index_unavailable", "message": problem or "The document index is not loaded."}}, status_code=503)
        return {"status": "ok", "messages": len(a.store.messages), "model": _model_name(a)}

    app.add_api_route("/healthz", healthz, methods=["HEAD"], include_in_schema=False)  # load balancers ask with HEAD

    # -- pages --------------------------------------------------------------------------------------
    @app.get("/", response_class=HTMLResponse, include_in_schema=False)
    def index(request: Request):
        a = holder.assistant
        document = a.document if a is not None else ""
        return templates.TemplateResponse(request, "index.html", {"document": document})

    @app.get("/widget.js", include_in_schema=False)
    def widget() -> Response:
        return Response(widget_source(), media_type="text/javascript; charset=utf-8",
                        headers={"Cache-Control": "no-cache"})

    @app.get("/docs", response_class=HTMLResponse, include_in_schema=False)
    def docs(request: Request):
        """The API's reference, drawn from /openapi.json by our own script: nothing from another origin."""
        return templates.TemplateResponse(request, "docs.html", {})

    app.mount("/static", StaticFiles(directory=str(STATIC)), name="static")
    return app


def _model_name(a) -> str:
    try:
        return str(a.store.model)
    except (AttributeError, KeyError):
        return ""


def widget_source() -> str:
    """The widget: the shared chat module, the widget's own code and the CSS, in one closure so
    nothing leaks into the host page's globals."""
    css = (STATIC / "chat.css").read_text(encoding="utf-8") + "\n" + (STATIC / "widget.css").read_text(encoding="utf-8")
    return ("/* Key messages assistant: embeddable widget. */\n(function () {\n\"use strict\";\n"
            f"var KM_CSS = {json.dumps(css)};\n"
            + (STATIC / "chat.js").read_text(encoding="utf-8") + "\n"
            + (STATIC / "widget-boot.js").read_text(encoding="utf-8") + "\n})();\n")
