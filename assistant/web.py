"""The HTTP skin: JSON API, web chat page and embeddable widget over `Assistant`.

`create_app()` is the uvicorn factory (`assistant serve`). The library stays synchronous; chat and
search run in FastAPI's threadpool. This module owns the routes, their models and the live Assistant;
http_guard.py owns what every request goes through (body limit, CORS, security headers, the JSON error
shape `{"error": {"code", "message"}}`; no input should ever produce a 5xx). Question text is not
logged unless `log_questions` is on.
"""

from __future__ import annotations

import gc
import json
import logging
import threading
import time
import weakref
from pathlib import Path
from typing import Annotated, Any

from fastapi import FastAPI, Query, Request
from fastapi.responses import FileResponse, HTMLResponse, JSONResponse, Response
from fastapi.staticfiles import StaticFiles
from fastapi.templating import Jinja2Templates
from pydantic import BaseModel, ConfigDict, Field
from pydantic.dataclasses import dataclass as pydantic_dataclass

from . import http_guard
from .errors import IndexError_, InputError
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
        self._failed_target: Path | None = None
        self._retired: weakref.ref | None = None
        if assistant is None:
            self._build()

    def _build(self) -> bool:
        from .core import Assistant

        try:
            new = Assistant(self.settings, embedder=self._reusable_embedder())
        except Exception as exc:  # no index yet, or a damaged one: serve 503s and keep checking
            self.problem = f"{type(exc).__name__}: {exc}"
            log.error("index not loaded: %s", self.problem)
            return False
        old, self.assistant, self.problem = self.assistant, new, ""
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

    def _stale(self) -> bool:
        if self.assistant is None:
            return True
        target = self._target()
        return target is not None and target != self._failed_target and target != Path(self.assistant.store.path).resolve()

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
        target = self._target()
        if self._build():
            self._failed_target = None
            log.info("index reloaded from %s", self.assistant.store.path)
        else:
            self._failed_target = target

    def get(self):
        a = self.assistant
        if a is None:
            raise IndexError_("the index is not loaded yet")
        return a


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
    docs_html, docs_csp = http_guard.docs_html("/openapi.json")
    templates = Jinja2Templates(directory=str(TEMPLATES))

    app = FastAPI(title="Key messages assistant", version="1",
                  description="Answers questions by quoting the indexed documents verbatim, or says it cannot.",
                  docs_url=None, redoc_url=None)
    app.state.holder = holder
    http_guard.install(app, settings, origins, docs_csp, on_request=holder.maybe_reload)

    # -- API ----------------------------------------------------------------------------------------
    @app.post("/api/chat", response_model=ChatReply, responses=ERRORS, tags=["chat"])
    async def chat(body: ChatRequest) -> JSONResponse:
        """Answer one turn by quoting the documents, or decline kindly. Send back `context` with the next question."""
        # async on purpose: a turn is a few milliseconds of CPU (onnxruntime releases the GIL), and handing it
        # to the thread pool cost about 1 ms a turn in hops between threads on 2 cores (measured: p50 7.8 ms
        # vs 6.7 ms). Turns queue on the event loop instead; `--workers N` adds processes for throughput.
        started = time.perf_counter()
        check_value(body.question, "question")
        if body.context is not None:
            check_value(body.context, "context")
        a = holder.get()
        try:
            reply = a.ask(body.question, body.context, documents=body.documents)
        except InputError as exc:
            log.info("chat http=422 code=%s ms=%.1f", type(exc).__name__, 1000 * (time.perf_counter() - started))
            raise
        out = reply.to_dict()
        ids = ",".join(dict.fromkeys(q["message_id"] for q in out["quotes"])) or "-"
        log.info("chat http=200 status=%s ms=%.1f messages=%s%s", reply.status,
                 1000 * (time.perf_counter() - started), ids, settings.logged(body.question))
        # The library built and grounding-checked this body; returning it as JSON directly skips FastAPI's
        # second validation against ChatReply (about a millisecond a turn). Tests check it against the schema.
        return JSONResponse(out)

    @app.get("/api/search", response_model=SearchResult, responses=ERRORS, tags=["chat"])
    def search(q: Annotated[str, Query(min_length=1, description="The question (1–1000 characters after trimming).")],
               k: Annotated[int, Query(ge=1, le=20, description="How many messages to return.")] = 5) -> dict:
        """Messages ranked for a question, with fused, dense and BM25 scores."""
        started = time.perf_counter()
        check_value(q, "question")
        result = holder.get().search(q, k=k)
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
    def healthz():
        """200 once the index is loaded; 503 until then."""
        a = holder.assistant
        if a is None:
            return JSONResponse({"status": "unavailable", "messages": 0, "model": "", "error": {
                "code": "index_unavailable", "message": "The document index is not loaded."}}, status_code=503)
        return {"status": "ok", "messages": len(a.store.messages), "model": _model_name(a)}

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
    def docs():
        return HTMLResponse(docs_html)

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
