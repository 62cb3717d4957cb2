"""The workbench's guard: one ASGI middleware in front of every request.

The case holds evidence about criminals and, often, personal data of their victims; the
pages show text criminals wrote. So, in this order, every request:

1. is answered only for a loopback ``Host`` when the server has no token (a web page the
   analyst visits cannot reach the API through DNS rebinding);
2. must carry the token when there is one: ``Authorization: Bearer``, or the cookie
   set by opening any page once with ``?token=`` (HttpOnly, SameSite=Strict; the
   token is then dropped from the address bar by a redirect);
3. has its body capped (``MAX_BODY``; 413 beyond), read here before any parser sees it;
4. if it changes anything (any method but GET, HEAD, OPTIONS), must be same-origin
   (``Origin``, ``Sec-Fetch-Site``) and carry the per-process CSRF token (header
   ``X-CSRF-Token``, or the ``csrf_token`` field of a form);

and every response carries a Content-Security-Policy that allows no inline script, no
remote load and no framing, with ``nosniff`` and ``no-referrer``.
"""

from __future__ import annotations

import hmac
from collections.abc import Awaitable, Callable, MutableMapping
from dataclasses import dataclass
from http.cookies import SimpleCookie
from typing import Any
from urllib.parse import parse_qs, urlencode

import orjson

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
ASGIApp = Callable[[Scope, Receive, Send], Awaitable[None]]

#: Largest request body accepted (a classify batch of 100 long posts fits).
MAX_BODY = 1 << 20
COOKIE = "bw_token"
CSRF_HEADER = "x-csrf-token"
CSRF_FIELD = "csrf_token"
LOOPBACK = frozenset({"127.0.0.1", "localhost", "::1", "[::1]"})
_SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
_FORM = "application/x-www-form-urlencoded"

HEADERS: list[tuple[bytes, bytes]] = [
    (b"content-security-policy",
     b"default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
     b"object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'"),
    (b"x-content-type-options", b"nosniff"),
    (b"referrer-policy", b"no-referrer"),
    (b"x-frame-options", b"DENY"),
    (b"cross-origin-opener-policy", b"same-origin"),
    (b"cross-origin-resource-policy", b"same-origin"),
    (b"cache-control", b"no-store"),
]


@dataclass(frozen=True)
class Policy:
    """What the guard enforces: the access token (None: loopback only) and the CSRF
    token state-changing requests must carry."""

    token: str | None
    csrf: str


def _headers(scope: Scope) -> dict[str, str]:
    return {k.decode("latin-1").lower(): v.decode("latin-1") for k, v in scope["headers"]}


def _same(given: str | None, expected: str) -> bool:
    return given is not None and hmac.compare_digest(given.encode(), expected.encode())


def _host_name(host: str) -> str:
    """The name part of a Host header: ``[::1]:8000`` -> ``[::1]``, ``a:80`` -> ``a``."""
    if host.startswith("["):
        return host[:host.find("]") + 1] if "]" in host else host
    return host.rsplit(":", 1)[0] if host.count(":") == 1 else host


class Guard:
    """The middleware (see the module's docstring)."""

    def __init__(self, app: ASGIApp, policy: Policy) -> None:
        self.app = app
        self.policy = policy

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        headers = _headers(scope)
        refused = self._refuse_access(scope, headers)
        if refused is not None:
            await _answer(send, *refused)
            return
        token = self.policy.token
        if token is not None and scope["method"] == "GET" and _same(_query_token(scope), token):
            await _enter(send, scope, token)
            return
        body, too_big = await _read_body(headers, receive)
        if too_big:
            await _answer(send, 413, f"the request body is over {MAX_BODY:,} bytes")
            return
        if scope["method"] not in _SAFE_METHODS:
            problem = self._cross_site(scope, headers, body)
            if problem is not None:
                await _answer(send, 403, problem)
                return
        await self.app(scope, _replay(body, receive), _secured(send))

    def _refuse_access(self, scope: Scope, headers: dict[str, str]
                       ) -> tuple[int, str] | None:
        token = self.policy.token
        if token is None:
            if _host_name(headers.get("host", "")) not in LOOPBACK:
                return 403, "this server answers on loopback only (start it with --token " \
                            "to serve other addresses)"
            return None
        auth = headers.get("authorization", "")
        if auth.lower().startswith("bearer ") and _same(auth[7:].strip(), token):
            return None
        cookie = SimpleCookie()
        cookie.load(headers.get("cookie", ""))
        if COOKIE in cookie and _same(cookie[COOKIE].value, token):
            return None
        if scope["method"] == "GET" and _same(_query_token(scope), token):
            return None
        return 401, "a token is needed: Authorization: Bearer TOKEN, or open /?token=TOKEN once"

    def _cross_site(self, scope: Scope, headers: dict[str, str], body: bytes) -> str | None:
        """Why a state-changing request is refused as possibly cross-site, or None."""
        site = headers.get("sec-fetch-site")
        if site is not None and site not in ("same-origin", "none"):
            return f"cross-site request refused (Sec-Fetch-Site: {site})"
        origin = headers.get("origin")
        if origin == "null":
            # What a browser sends for a form posted from a no-referrer page, and for a
            # sandboxed frame anywhere: only its own Sec-Fetch-Site tells them apart.
            if site != "same-origin":
                return "request from an opaque origin refused"
        elif origin is not None:
            own = f"{scope.get('scheme', 'http')}://{headers.get('host', '')}"
            if origin != own:
                return "cross-origin request refused (Origin does not match this server)"
        given = headers.get(CSRF_HEADER)
        if given is None and headers.get("content-type", "").split(";")[0].strip() == _FORM:
            fields = parse_qs(body.decode("utf-8", "replace")).get(CSRF_FIELD, [])
            given = fields[0] if fields else None
        if not _same(given, self.policy.csrf):
            return ("missing or wrong CSRF token: send the X-CSRF-Token header (GET "
                    "/api/v1/csrf gives the token) or the csrf_token form field")
        return None


def _query_token(scope: Scope) -> str | None:
    values = parse_qs(scope.get("query_string", b"").decode("latin-1")).get("token")
    return values[0] if values else None


async def _enter(send: Send, scope: Scope, token: str) -> None:
    """Answer ``?token=`` (already checked) by setting the cookie and redirecting to the
    same address without the token, so it leaves the address bar and the history."""
    query = [(k, v) for k, vs in parse_qs(scope.get("query_string", b"").decode("latin-1"),
                                          keep_blank_values=True).items()
             for v in vs if k != "token"]
    # The path as sent (still percent-encoded), never "//host": not a way off this server.
    path = scope.get("raw_path") or scope["path"].encode("utf-8")
    location = "/" + path.decode("latin-1").lstrip("/\\")
    if query:
        location += "?" + urlencode(query)
    await send({"type": "http.response.start", "status": 303, "headers": [
        (b"location", location.encode("latin-1")),
        (b"set-cookie", f"{COOKIE}={token}; HttpOnly; SameSite=Strict; Path=/".encode()),
        (b"content-length", b"0"), *HEADERS]})
    await send({"type": "http.response.body", "body": b""})


async def _read_body(headers: dict[str, str], receive: Receive) -> tuple[bytes, bool]:
    """The whole request body, or (b"", True) as soon as it is over ``MAX_BODY``."""
    declared = headers.get("content-length", "")
    if declared.isdigit() and int(declared) > MAX_BODY:
        return b"", True
    chunks: list[bytes] = []
    size = 0
    while True:
        message = await receive()
        if message["type"] != "http.request":
            break
        chunk = message.get("body", b"")
        size += len(chunk)
        if size > MAX_BODY:
            return b"", True
        chunks.append(chunk)
        if not message.get("more_body", False):
            break
    return b"".join(chunks), False


def _replay(body: bytes, receive: Receive) -> Receive:
    """A ``receive`` that gives the app the body read by the guard, then passes on what
    the server says next (a disconnect)."""
    sent = False

    async def replayed() -> Message:
        nonlocal sent
        if not sent:
            sent = True
            return {"type": "http.request", "body": body, "more_body": False}
        return await receive()

    return replayed


def _secured(send: Send) -> Send:
    async def wrapped(message: Message) -> None:
        if message["type"] == "http.response.start":
            names = {name.lower() for name, _ in message.get("headers", [])}
            message["headers"] = [*message.get("headers", []),
                                  *(h for h in HEADERS if h[0] not in names)]
        await send(message)

    return wrapped


async def _answer(send: Send, status: int, error: str) -> None:
    body = orjson.dumps({"error": error})
    await send({"type": "http.response.start", "status": status, "headers": [
        (b"content-type", b"application/json"), (b"content-length", str(len(body)).encode()),
        *HEADERS]})
    await send({"type": "http.response.body", "body": body})
