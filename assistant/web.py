"""The HTTP skin: JSON API, web chat page and embeddable widget over `Assistant`.

`create_app()` is the uvicorn factory (`assistant serve`). The library stays synchronous; chat and
search run in worker threads, at most settings.concurrency at once, so the event loop stays free for
`/healthz` and the rest however hard `/api/chat` is pushed. This module owns the routes and their models;
live.py the live Assistant; http_guard.py owns what every request goes through (body limit, tokens and rate
limit, CORS, security headers, the JSON error shape `{"error": {"code", "message"}}`; no input should
ever produce a 5xx); feedback.py owns the usage database. Question text is not logged or stored unless
`log_questions` is on.
"""

from __future__ import annotations

import json
import logging
import time
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
from .errors import InputError
from .feedback import FeedbackUnavailable, Turn, UsageLog, Verdict
from .http_guard import ERRORS, ErrorOut, check_value, error
from .reply import Reply
from .settings import Settings
from .live import Holder
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


# -- the app --------------------------------------------------------------------------------------
def _message_out(m) -> dict:
    return {"id": m.id, "title": m.title, "document": m.document}


def _document_out(d) -> dict:
    return {"id": d.id, "title": d.title, "file": d.file, "format": d.format, "pages": d.pages, "messages": d.messages,
            "indexed_at": d.indexed_at}


def _one_blas_thread() -> None:
    """Matrix products (the reranker's) on the calling thread only. The server already computes
    ASSISTANT_CONCURRENCY requests at once, and a BLAS pool per product made them wait on each other: with
    the reranker, 16 connections got 194 answers/s on the key messages and 138 at 100,000 messages, against
    254 and 174 with one BLAS thread."""
    from threadpoolctl import threadpool_limits

    threadpool_limits(limits=1, user_api="blas")


def create_app(settings: Settings | None = None, assistant=None) -> FastAPI:
    """The ASGI app. With no arguments (the uvicorn factory) it reads Settings.from_env() and loads the
    Assistant for them; tests pass their own settings and, optionally, an already loaded Assistant."""
    if settings is None:
        settings = assistant.settings if assistant is not None else Settings.from_env()
    _one_blas_thread()
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
    """The widget: the shared DOM helpers and chat module, the widget's own code and the CSS, in one closure so
    nothing leaks into the host page's globals."""
    css = (STATIC / "chat.css").read_text(encoding="utf-8") + "\n" + (STATIC / "widget.css").read_text(encoding="utf-8")
    return ("/* Key messages assistant: embeddable widget. */\n(function () {\n\"use strict\";\n"
            f"var KM_CSS = {json.dumps(css)};\n"
            + (STATIC / "dom.js").read_text(encoding="utf-8") + "\n"
            + (STATIC / "chat.js").read_text(encoding="utf-8") + "\n"
            + (STATIC / "widget-boot.js").read_text(encoding="utf-8") + "\n})();\n")
