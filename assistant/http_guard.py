"""HTTP hardening for the web app: what every request and response goes through, whatever the route.

The body-size limit, bearer tokens and the rate limit (limits.py), CORS (with a rejected preflight in the
API's JSON error shape), security headers (a CSP allowing nothing outside the app, with `frame-ancestors`
from the allowed origins; nosniff, no-referrer), the one JSON error shape
`{"error": {"code", "message"}}` for every error, a generic 500 for anything unexpected (logged without
the request's text), and the hostile-input checks the JSON parser and pydantic leave to us.
`install()` puts all of it on an app; web.py owns the routes.
"""

from __future__ import annotations

import logging
import re
import traceback
from typing import Any, Callable

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from pydantic import BaseModel
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.middleware.cors import CORSMiddleware

from .errors import IndexError_, InputError, InvalidContext, InvalidDocuments, InvalidQuestion
from .limits import Gate, Policy
from .settings import Settings

log = logging.getLogger("assistant.web")  # one logger for the whole HTTP layer, as operators filter on it

MAX_NESTING = 32  # deeper JSON than this is not something this API ever produced
CODES = {400: "bad_request", 401: "unauthorized", 404: "not_found", 405: "method_not_allowed", 413: "body_too_large",
         415: "unsupported_media_type", 422: "invalid_request", 429: "rate_limited", 500: "internal_error",
         503: "index_unavailable"}
# Field names a validation error may name; any other key in a request is the sender's text, not ours.
FIELDS = frozenset({"question", "context", "documents", "reply_id", "helpful", "comment", "q", "k", "message_id", "document_id"})


# -- the one error shape ----------------------------------------------------------------------------
class ErrorBody(BaseModel):
    code: str
    message: str


class ErrorOut(BaseModel):
    error: ErrorBody


ERRORS = {code: {"model": ErrorOut} for code in (400, 413, 422, 503)}


def error(status: int, message: str, code: str | None = None, headers: dict | None = None) -> JSONResponse:
    return JSONResponse({"error": {"code": code or CODES.get(status, "error"), "message": message}},
                        status_code=status, headers=headers)


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


# -- origins and CSP -------------------------------------------------------------------------------
_ORIGIN = re.compile(r"^https?://[A-Za-z0-9.-]+(:[0-9]{1,5})?$|^https?://\[[0-9A-Fa-f:.]+\](:[0-9]{1,5})?$")


def allowed_origins(settings: Settings) -> list[str]:
    """settings.origins, keeping only well-formed scheme://host[:port] (they go into CSP and CORS headers)."""
    good = [o for o in settings.origins if _ORIGIN.match(o)]
    for o in set(settings.origins) - set(good):
        log.warning("ignoring malformed allowed origin %r (expected scheme://host[:port])", o)
    return good


def csp(origins: list[str]) -> str:
    """Nothing from outside the app (the API docs included); only the allowed origins may frame it."""
    ancestors = " ".join(["'self'", *origins])
    return ("default-src 'self'; "
            "script-src 'self'; style-src 'self'; img-src 'self' data:; "
            "connect-src 'self'; font-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'; "
            f"frame-ancestors {ancestors}")


# -- ASGI middleware ------------------------------------------------------------------------------
class Guard:
    """Outermost layer: security headers on every response, and any unexpected exception becomes a
    generic 500 JSON error, logged without the request's text. `on_request` runs first on every
    HTTP request (the app uses it to look for a newly built index)."""

    def __init__(self, app, settings: Settings, origins: list[str], on_request: Callable[[], None]):
        self.app, self.settings, self.on_request = app, settings, on_request
        self.csp = csp(origins)

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http":
            return await self.app(scope, receive, send)
        self.on_request()
        policy = self.csp
        started = False

        async def send_with_headers(message):
            nonlocal started
            if message["type"] == "http.response.start":
                started = True
                headers = [(k, v) for k, v in message.get("headers", [])
                           if k.lower() not in (b"content-security-policy", b"x-content-type-options", b"referrer-policy")]
                headers += [(b"content-security-policy", policy.encode()), (b"x-content-type-options", b"nosniff"),
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


# -- putting it on an app ---------------------------------------------------------------------------
def install(app: FastAPI, settings: Settings, origins: list[str], on_request: Callable[[], None]) -> None:
    """The middleware stack and the exception handlers that turn every error into the JSON shape."""
    # Innermost first: BodyLimit, the Gate (tokens, rate limit: before a body is read), then CORS (so 413s,
    # 401s and 429s carry CORS headers the widget can read), then Guard outermost.
    app.add_middleware(BodyLimit, max_bytes=settings.max_body_bytes)
    app.add_middleware(Gate, policy=Policy(settings), refuse=error)
    app.add_middleware(JsonCORS, allow_origins=origins, allow_methods=["GET", "POST"],
                       allow_headers=["Content-Type", "Authorization"], expose_headers=["Retry-After"],
                       allow_credentials=False, max_age=600)
    app.add_middleware(Guard, settings=settings, origins=origins, on_request=on_request)

    @app.exception_handler(RequestValidationError)
    async def validation_failed(request: Request, exc: RequestValidationError):
        problems = []
        for e in exc.errors()[:5]:  # never echo the input: it may be a question about a child
            if e.get("type") == "json_invalid":
                problems.append("the body is not valid JSON")
                continue
            where = ".".join(str(p) if p in FIELDS or isinstance(p, int) else "(a field)"
                             for p in e.get("loc", ()) if p not in ("body", "query", "path")) or "body"
            problems.append(f"{where}: {e.get('msg', 'invalid')}")
        return error(422, "; ".join(problems) or "The request is not valid.")

    @app.exception_handler(StarletteHTTPException)
    async def http_error(request: Request, exc: StarletteHTTPException):
        message = {404: "Not found.", 405: "Method not allowed."}.get(exc.status_code, str(exc.detail))
        return error(exc.status_code, message, headers=getattr(exc, "headers", None))

    @app.exception_handler(InputError)
    async def input_error(request: Request, exc: InputError):
        if isinstance(exc, InvalidDocuments):  # the library's message names the id sent: never echo request values
            return error(422, "documents lists an id that is not indexed (see GET /api/documents).", "invalid_documents")
        return error(422, str(exc), "invalid_context" if isinstance(exc, InvalidContext) else "invalid_question")

    @app.exception_handler(IndexError_)
    async def index_error(request: Request, exc: IndexError_):
        return error(503, "The document index is not available yet. Please try again shortly.")

    @app.exception_handler(RecursionError)
    async def too_deep(request: Request, exc: RecursionError):
        return error(422, "The request is nested too deeply.")
