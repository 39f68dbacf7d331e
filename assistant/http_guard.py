"""HTTP hardening for the web app: what every request and response goes through, whatever the route.

The body-size limit, CORS (with a rejected preflight in the API's JSON error shape), security headers
(CSP with `frame-ancestors` from the allowed origins, nosniff, no-referrer), the one JSON error shape
`{"error": {"code", "message"}}` for every error, a generic 500 for anything unexpected (logged without
the request's text), and the hostile-input checks the JSON parser and pydantic leave to us.
`install()` puts all of it on an app; web.py owns the routes.
"""

from __future__ import annotations

import base64
import hashlib
import logging
import re
import traceback
from typing import Any, Callable

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.openapi.docs import get_swagger_ui_html
from fastapi.responses import JSONResponse
from pydantic import BaseModel
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.middleware.cors import CORSMiddleware

from .errors import IndexError_, InputError, InvalidContext, InvalidDocuments, InvalidQuestion
from .settings import Settings

log = logging.getLogger("assistant.web")  # one logger for the whole HTTP layer, as operators filter on it

MAX_NESTING = 32  # deeper JSON than this is not something this API ever produced
CODES = {400: "bad_request", 404: "not_found", 405: "method_not_allowed", 413: "body_too_large",
         415: "unsupported_media_type", 422: "invalid_request", 500: "internal_error", 503: "index_unavailable"}


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


def csp(origins: list[str], extra_script: str = "", extra_style: str = "", extra_img: str = "") -> str:
    ancestors = " ".join(["'self'", *origins])
    return ("default-src 'self'; "
            f"script-src 'self'{extra_script}; style-src 'self'{extra_style}; img-src 'self' data:{extra_img}; "
            "connect-src 'self'; font-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'; "
            f"frame-ancestors {ancestors}")


def docs_html(openapi_url: str) -> tuple[str, str]:
    """Swagger UI's page and a CSP allowing exactly its inline script (by hash) and its CDN."""
    html = get_swagger_ui_html(openapi_url=openapi_url, title="Key messages assistant – API").body.decode()
    hashes = " ".join("'sha256-" + base64.b64encode(hashlib.sha256(s.encode()).digest()).decode() + "'"
                      for s in re.findall(r"<script>(.*?)</script>", html, re.S))
    cdn = " https://cdn.jsdelivr.net"
    return html, csp([], extra_script=cdn + " " + hashes, extra_style=cdn, extra_img=" https://fastapi.tiangolo.com")


# -- ASGI middleware ------------------------------------------------------------------------------
class Guard:
    """Outermost layer: security headers on every response, and any unexpected exception becomes a
    generic 500 JSON error, logged without the request's text. `on_request` runs first on every
    HTTP request (the app uses it to look for a newly built index)."""

    def __init__(self, app, settings: Settings, origins: list[str], docs_csp: str, on_request: Callable[[], None]):
        self.app, self.settings, self.on_request = app, settings, on_request
        self.csp = csp(origins)
        self.docs_csp = docs_csp

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http":
            return await self.app(scope, receive, send)
        self.on_request()
        policy = self.docs_csp if scope.get("path") == "/docs" else self.csp
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
def install(app: FastAPI, settings: Settings, origins: list[str], docs_csp: str, on_request: Callable[[], None]) -> None:
    """The middleware stack and the exception handlers that turn every error into the JSON shape."""
    # Innermost first: BodyLimit, then CORS (so 413s carry CORS headers), then Guard outermost.
    app.add_middleware(BodyLimit, max_bytes=settings.max_body_bytes)
    app.add_middleware(JsonCORS, allow_origins=origins, allow_methods=["GET", "POST"],
                       allow_headers=["Content-Type"], allow_credentials=False, max_age=600)
    app.add_middleware(Guard, settings=settings, origins=origins, docs_csp=docs_csp, on_request=on_request)

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
        code = ("invalid_context" if isinstance(exc, InvalidContext)
                else "invalid_documents" if isinstance(exc, InvalidDocuments) else "invalid_question")
        return error(422, str(exc), code)

    @app.exception_handler(IndexError_)
    async def index_error(request: Request, exc: IndexError_):
        return error(503, "The document index is not available yet. Please try again shortly.")

    @app.exception_handler(RecursionError)
    async def too_deep(request: Request, exc: RecursionError):
        return error(422, "The request is nested too deeply.")
