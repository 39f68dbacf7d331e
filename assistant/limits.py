"""Who may use the API and how often: bearer tokens and a per-client rate limit on /api/*.

`Gate` is ASGI middleware (http_guard.install puts it inside CORS, so a 401 or 429 still carries the
CORS headers the widget needs to read it). `/healthz`, the page, the widget and /docs are never gated:
a load balancer's health check must not be rate limited, and the page only shows what /api/* answers.
The client address is the connection's peer, or the rightmost X-Forwarded-For address a trusted proxy
added (settings.trusted_proxies); a client cannot pick its own bucket by sending the header itself.
Counting uses the `limits` library (moving window, in memory: the limit is per server process; the
shipped nginx configuration adds a shared one in front).
"""

from __future__ import annotations

import hmac
import math
import time
from dataclasses import dataclass

from .errors import SettingsError
from .settings import Settings


@dataclass(frozen=True)
class Refusal:
    """Why the gate turns a request away, as the HTTP answer says it."""

    status: int
    message: str
    headers: tuple[tuple[str, str], ...] = ()


class RateLimit:
    """`limits` moving-window counting of one rate (e.g. "60/minute") per key."""

    def __init__(self, spec: str):
        from limits import parse, storage, strategies

        try:
            self.item = parse(spec)
        except ValueError:
            raise SettingsError(f"ASSISTANT_RATE_LIMIT={spec!r} is not a rate such as 60/minute") from None
        self.limiter = strategies.MovingWindowRateLimiter(storage.MemoryStorage())

    def retry_after(self, key: str) -> int:
        """0 when this request may go ahead (and counts it); else whole seconds until it may."""
        if self.limiter.hit(self.item, key):
            return 0
        reset = self.limiter.get_window_stats(self.item, key).reset_time
        return max(1, math.ceil(reset - time.time()))


def client_address(scope, trusted: frozenset[str]) -> str:
    """The peer's address, or, when the peer is a trusted proxy, the address it says it received from."""
    peer = (scope.get("client") or ("unknown", 0))[0]
    if peer not in trusted:
        return peer
    forwarded = [v.decode("latin-1") for k, v in scope.get("headers", []) if k.lower() == b"x-forwarded-for"]
    hops = [h.strip() for h in ",".join(forwarded).split(",") if h.strip()]
    while hops and hops[-1] in trusted:  # proxies append: the rightmost untrusted hop is the client
        hops.pop()
    return hops[-1][:64] if hops else peer


class Policy:
    """The decision itself, kept apart from ASGI so it reads (and tests) as plain code."""

    def __init__(self, settings: Settings):
        self.tokens = [t.encode() for t in settings.tokens]
        self.rate = RateLimit(settings.rate_limit) if settings.rate_limit.strip() else None
        self.proxies = settings.proxies

    @property
    def active(self) -> bool:
        return bool(self.tokens or self.rate)

    def check(self, scope) -> Refusal | None:
        """None lets the request through."""
        if not scope.get("path", "").startswith("/api/") or scope.get("method") == "OPTIONS":
            return None
        if self.tokens and not self._authorised(scope):
            return Refusal(401, "This API needs an access token: send the header Authorization: Bearer <token>.",
                           (("WWW-Authenticate", "Bearer"),))
        if self.rate:
            wait = self.rate.retry_after(client_address(scope, self.proxies))
            if wait:
                return Refusal(429, f"Too many requests. Please wait {wait} seconds and try again.",
                               (("Retry-After", str(wait)),))
        return None

    def _authorised(self, scope) -> bool:
        header = next((v for k, v in scope.get("headers", []) if k.lower() == b"authorization"), b"")
        scheme, _, token = header.partition(b" ")
        if scheme.lower() != b"bearer" or not token.strip():
            return False
        given = token.strip()
        return any(hmac.compare_digest(given, t) for t in self.tokens)  # every token compared: no early exit


class Gate:
    """ASGI middleware applying a Policy; answers refusals in the API's JSON error shape."""

    def __init__(self, app, policy: Policy, refuse):
        self.app, self.policy, self.refuse = app, policy, refuse

    async def __call__(self, scope, receive, send):
        if scope["type"] == "http" and self.policy.active:
            refusal = self.policy.check(scope)
            if refusal is not None:
                response = self.refuse(refusal.status, refusal.message, headers=dict(refusal.headers))
                return await response(scope, receive, send)
        await self.app(scope, receive, send)
