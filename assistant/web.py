"""The HTTP skin: JSON API, web chat page and embeddable widget over `Assistant`.

`create_app()` is the uvicorn factory (`assistant serve`). The library stays synchronous; chat and
search run in FastAPI's threadpool. Every error leaves as `{"error": {"code", "message"}}` and no
input should ever produce a 5xx. Question text is not logged unless `log_questions` is on.
"""

from __future__ import annotations

import base64
import hashlib
import json
import logging
import re
import threading
import time
import traceback
from pathlib import Path
from typing import Annotated, Any

from fastapi import FastAPI, Query, Request
from fastapi.exceptions import RequestValidationError
from fastapi.openapi.docs import get_swagger_ui_html
from fastapi.responses import HTMLResponse, JSONResponse, Response
from fastapi.staticfiles import StaticFiles
from fastapi.templating import Jinja2Templates
from pydantic import BaseModel, ConfigDict, Field
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.middleware.cors import CORSMiddleware

from .errors import IndexError_, InputError, InvalidContext, InvalidQuestion
from .settings import Settings

log = logging.getLogger("assistant.web")

WEB = Path(__file__).resolve().parent.parent / "web"
STATIC = WEB / "static"
TEMPLATES = WEB / "templates"
MAX_NESTING = 32  # deeper JSON than this is not something this API ever produced
CODES = {400: "bad_request", 404: "not_found", 405: "method_not_allowed", 413: "body_too_large",
         415: "unsupported_media_type", 422: "invalid_request", 500: "internal_error", 503: "index_unavailable"}


# -- request and response models (for validation and the OpenAPI schema) -------------------------
class ChatRequest(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=True)
    question: Annotated[str, Field(min_length=1, description="1–1000 characters after trimming.")]
    context: Annotated[dict[str, Any] | None, Field(description="The `context` object of the previous reply.")] = None


class QuoteOut(BaseModel):
    message_id: str
    title: str
    text: str
    start: int
    end: int
    score: float


class SourceOut(BaseModel):
    message_id: str
    title: str
    document: str
    text: str


class ChatReply(BaseModel):
    status: str = Field(description="answered, no_answer or chitchat")
    reply: str
    quotes: list[QuoteOut]
    sources: list[SourceOut]
    suggestions: list[str]
    context: dict[str, Any]


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


class Health(BaseModel):
    status: str
    messages: int
    model: str


class ErrorBody(BaseModel):
    code: str
    message: str


class ErrorOut(BaseModel):
    error: ErrorBody


ERRORS = {code: {"model": ErrorOut} for code in (400, 413, 422, 503)}


def error(status: int, message: str, code: str | None = None, headers: dict | None = None) -> JSONResponse:
    return JSONResponse({"error": {"code": code or CODES.get(status, "error"), "message": message}},
                        status_code=status, headers=headers)


# -- the assistant, loaded once and swapped whole when a new index appears -------------------------
class Holder:
    """The live Assistant. A re-index is loaded into a *new* Assistant off the request path and swapped
    in with one assignment, so a request in flight keeps using one consistent index throughout."""

    def __init__(self, settings: Settings, assistant=None):
        self.settings = settings
        self.assistant = assistant
        self.problem = ""
        self._checked = time.monotonic()
        self._busy = threading.Lock()
        self._failed_target: Path | None = None
        if assistant is None:
            self._build()

    def _build(self) -> bool:
        from .core import Assistant

        try:
            new = Assistant(self.settings)
        except Exception as exc:  # no index yet, or a damaged one: serve 503s and keep checking
            self.problem = f"{type(exc).__name__}: {exc}"
            log.error("index not loaded: %s", self.problem)
            return False
        self.assistant, self.problem = new, ""
        return True

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


# -- hostile-input checks the JSON parser and pydantic leave to us ---------------------------------
def check_value(value: Any, what: str) -> None:
    """Reject nesting deeper than MAX_NESTING and strings that are not valid Unicode text (lone
    surrogates cannot be encoded, embedded or logged)."""
    stack = [(value, 1)]
    while stack:
        v, depth = stack.pop()
        if depth > MAX_NESTING:
            raise InvalidContext(f"{what} is nested too deeply")
        if isinstance(v, str):
            _check_text(v, what)
        elif isinstance(v, dict):
            for k, item in v.items():
                _check_text(k, what)
                stack.append((item, depth + 1))
        elif isinstance(v, list):
            stack.extend((item, depth + 1) for item in v)


def _check_text(s: str, what: str) -> None:
    try:
        s.encode("utf-8")
    except UnicodeEncodeError:
        raise (InvalidQuestion if what == "question" else InvalidContext)(f"{what} contains invalid characters") from None


# -- ASGI middleware ------------------------------------------------------------------------------
def _csp(origins: list[str], extra_script: str = "", extra_style: str = "", extra_img: str = "") -> str:
    ancestors = " ".join(["'self'", *origins])
    return ("default-src 'self'; "
            f"script-src 'self'{extra_script}; style-src 'self'{extra_style}; img-src 'self' data:{extra_img}; "
            "connect-src 'self'; font-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'; "
            f"frame-ancestors {ancestors}")


class Guard:
    """Outermost layer: security headers on every response, and any unexpected exception becomes a
    generic 500 JSON error, logged without the request's text."""

    def __init__(self, app, settings: Settings, origins: list[str], docs_csp: str, holder: Holder):
        self.app, self.settings, self.holder = app, settings, holder
        self.csp = _csp(origins)
        self.docs_csp = docs_csp

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http":
            return await self.app(scope, receive, send)
        self.holder.maybe_reload()
        csp = self.docs_csp if scope.get("path") == "/docs" else self.csp
        started = False

        async def send_with_headers(message):
            nonlocal started
            if message["type"] == "http.response.start":
                started = True
                headers = [(k, v) for k, v in message.get("headers", [])
                           if k.lower() not in (b"content-security-policy", b"x-content-type-options", b"referrer-policy")]
                headers += [(b"content-security-policy", csp.encode()), (b"x-content-type-options", b"nosniff"),
                            (b"referrer-policy", b"no-referrer"), (b"cross-origin-opener-policy", b"same-origin")]
                message = {**message, "headers": headers}
            await send(message)

        try:
            await self.app(scope, receive, send_with_headers)
        except Exception as exc:
            if self.settings.log_questions:
                log.exception("unhandled error on %s %s", scope.get("method"), scope.get("path"))
            else:  # the exception message may quote the input: log where it happened, not what it said
                tb = "".join(traceback.format_tb(exc.__traceback__))
                log.error("unhandled %s on %s %s\n%s", type(exc).__name__, scope.get("method"), scope.get("path"), tb)
            if started:
                raise
            response = error(500, "Something went wrong on our side. Please try again.")
            await response(scope, receive, send_with_headers)


class BodyLimit:
    """413 for bodies over max_body_bytes, by Content-Length and by counting what actually arrives
    (chunked bodies too). The body is read here, bounded, and replayed to the app."""

    def __init__(self, app, max_bytes: int):
        self.app, self.max = app, max_bytes

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http":
            return await self.app(scope, receive, send)
        headers = dict((k.lower(), v) for k, v in scope.get("headers", []))
        length = headers.get(b"content-length")
        if length is not None:
            try:
                n = int(length)
                if n < 0:
                    raise ValueError
            except ValueError:
                return await error(400, "Content-Length is not a number.")(scope, receive, send)
            if n > self.max:
                return await error(413, f"The request body is larger than {self.max} bytes.")(scope, receive, send)
        if scope.get("method") in ("GET", "HEAD", "OPTIONS") and length is None and b"transfer-encoding" not in headers:
            return await self.app(scope, receive, send)
        chunks, size = [], 0
        while True:
            message = await receive()
            if message["type"] == "http.disconnect":
                return
            body = message.get("body", b"")
            size += len(body)
            if size > self.max:
                return await error(413, f"The request body is larger than {self.max} bytes.")(scope, receive, send)
            chunks.append(body)
            if not message.get("more_body", False):
                break
        replayed = False

        async def replay():
            nonlocal replayed
            if not replayed:
                replayed = True
                return {"type": "http.request", "body": b"".join(chunks), "more_body": False}
            return await receive()

        await self.app(scope, replay, send)


class JsonCORS(CORSMiddleware):
    """Starlette's CORS, with a rejected preflight answered in the API's JSON error format."""

    def preflight_response(self, request_headers):
        response = super().preflight_response(request_headers)
        if response.status_code < 400:
            return response
        keep = {k: v for k, v in response.headers.items() if k.lower() not in ("content-length", "content-type")}
        return error(response.status_code, response.body.decode("utf-8", "replace"), "cors_rejected", keep)


# -- the app --------------------------------------------------------------------------------------
def _docs_html(openapi_url: str) -> tuple[str, str]:
    """Swagger UI's page and a CSP allowing exactly its inline script (by hash) and its CDN."""
    html = get_swagger_ui_html(openapi_url=openapi_url, title="Key messages assistant – API").body.decode()
    hashes = " ".join("'sha256-" + base64.b64encode(hashlib.sha256(s.encode()).digest()).decode() + "'"
                      for s in re.findall(r"<script>(.*?)</script>", html, re.S))
    cdn = " https://cdn.jsdelivr.net"
    return html, _csp([], extra_script=cdn + " " + hashes, extra_style=cdn, extra_img=" https://fastapi.tiangolo.com")


def _message_out(m) -> dict:
    return {"id": m.id, "title": m.title, "document": m.document}


_ORIGIN = re.compile(r"^https?://[A-Za-z0-9.-]+(:[0-9]{1,5})?$|^https?://\[[0-9A-Fa-f:.]+\](:[0-9]{1,5})?$")


def _origins(settings: Settings) -> list[str]:
    """settings.origins, keeping only well-formed scheme://host[:port] (they go into CSP and CORS headers)."""
    good = [o for o in settings.origins if _ORIGIN.match(o)]
    for o in set(settings.origins) - set(good):
        log.warning("ignoring malformed allowed origin %r (expected scheme://host[:port])", o)
    return good


def create_app(settings: Settings | None = None, assistant=None) -> FastAPI:
    """The ASGI app. With no arguments (the uvicorn factory) it reads Settings.from_env() and loads the
    Assistant for them; tests pass their own settings and, optionally, an already loaded Assistant."""
    if settings is None:
        settings = assistant.settings if assistant is not None else Settings.from_env()
    if log.level == logging.NOTSET:  # `assistant serve` configures WARNING; request lines are INFO
        log.setLevel(logging.INFO)
    origins = _origins(settings)
    holder = Holder(settings, assistant)
    docs_html, docs_csp = _docs_html("/openapi.json")
    templates = Jinja2Templates(directory=str(TEMPLATES))

    app = FastAPI(title="Key messages assistant", version="1",
                  description="Answers questions by quoting the indexed documents verbatim, or says it cannot.",
                  docs_url=None, redoc_url=None)
    app.state.holder = holder

    # Innermost first: BodyLimit, then CORS (so 413s carry CORS headers), then Guard outermost.
    app.add_middleware(BodyLimit, max_bytes=settings.max_body_bytes)
    app.add_middleware(JsonCORS, allow_origins=origins, allow_methods=["GET", "POST"],
                       allow_headers=["Content-Type"], allow_credentials=False, max_age=600)
    app.add_middleware(Guard, settings=settings, origins=origins, docs_csp=docs_csp, holder=holder)

    # -- errors -------------------------------------------------------------------------------------
    @app.exception_handler(RequestValidationError)
    async def validation_failed(request: Request, exc: RequestValidationError):
        problems = []
        for e in exc.errors()[:5]:  # never echo the input: it may be a question about a child
            if e.get("type") == "json_invalid":
                problems.append("the body is not valid JSON")
                continue
            where = ".".join(str(p) for p in e.get("loc", ()) if p != "body") or "body"
            problems.append(f"{where}: {e.get('msg', 'invalid')}")
        return error(422, "; ".join(problems) or "The request is not valid.")

    @app.exception_handler(StarletteHTTPException)
    async def http_error(request: Request, exc: StarletteHTTPException):
        message = {404: "Not found.", 405: "Method not allowed."}.get(exc.status_code, str(exc.detail))
        return error(exc.status_code, message, headers=getattr(exc, "headers", None))

    @app.exception_handler(InputError)
    async def input_error(request: Request, exc: InputError):
        code = "invalid_context" if isinstance(exc, InvalidContext) else "invalid_question"
        return error(422, str(exc), code)

    @app.exception_handler(IndexError_)
    async def index_error(request: Request, exc: IndexError_):
        return error(503, "The document index is not available yet. Please try again shortly.")

    @app.exception_handler(RecursionError)
    async def too_deep(request: Request, exc: RecursionError):
        return error(422, "The request is nested too deeply.")

    # -- API ----------------------------------------------------------------------------------------
    @app.post("/api/chat", response_model=ChatReply, responses=ERRORS, tags=["chat"])
    def chat(body: ChatRequest) -> dict:
        """Answer one turn by quoting the documents, or decline kindly. Send back `context` with the next question."""
        started = time.perf_counter()
        check_value(body.question, "question")
        if body.context is not None:
            check_value(body.context, "context")
        a = holder.get()
        try:
            reply = a.ask(body.question, body.context)
        except InputError as exc:
            log.info("chat http=422 code=%s ms=%.1f", type(exc).__name__, 1000 * (time.perf_counter() - started))
            raise
        out = reply.to_dict()
        ids = ",".join(dict.fromkeys(q["message_id"] for q in out["quotes"])) or "-"
        extra = f" question={body.question.strip()!r}" if settings.log_questions else ""
        log.info("chat http=200 status=%s ms=%.1f messages=%s%s", reply.status,
                 1000 * (time.perf_counter() - started), ids, extra)
        return out

    @app.get("/api/search", response_model=SearchResult, responses=ERRORS, tags=["chat"])
    def search(q: Annotated[str, Query(min_length=1, description="The question (1–1000 characters after trimming).")],
               k: Annotated[int, Query(ge=1, le=20, description="How many messages to return.")] = 5) -> dict:
        """Messages ranked for a question, with fused, dense and BM25 scores."""
        started = time.perf_counter()
        check_value(q, "question")
        result = holder.get().search(q, k=k)
        hits = [{"message_id": h.message.id, "title": h.message.title, "score": float(h.score),
                 "dense": float(h.dense), "bm25": float(h.lexical)} for h in result.hits[:k]]
        extra = f" question={q.strip()!r}" if settings.log_questions else ""
        log.info("search http=200 ms=%.1f hits=%d%s", 1000 * (time.perf_counter() - started), len(hits), extra)
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
