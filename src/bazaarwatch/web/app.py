"""The workbench application: pages, the JSON API, static files, and the guard.

``create_app`` checks the case once (so ``serve`` fails at start, not at the first
request), and builds a FastAPI app whose every request goes through ``security.Guard``.
Errors become a JSON ``{"error": ...}`` under ``/api/`` and a page elsewhere; a request
stopped for its SQLite time (``cases.BUDGET``) is a 503 that says to narrow it.
"""

from __future__ import annotations

import os
import secrets
import sqlite3
from pathlib import Path
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from fastapi.staticfiles import StaticFiles
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.responses import Response

from bazaarwatch import __version__
from bazaarwatch.errors import InputError, StoreError
from bazaarwatch.indicators.redaction import mask_sensitive
from bazaarwatch.web import api, pages
from bazaarwatch.web.cases import Settings, open_case, over_budget
from bazaarwatch.web.render import page
from bazaarwatch.web.security import Guard, Policy

_STATIC = Path(__file__).parent / "static"


def create_app(db: Path, *, read_only: bool = False, token: str | None = None,
               csrf: str | None = None) -> FastAPI:
    """The workbench for the case at ``db``. ``read_only`` refuses triage and opens the
    case so that SQLite itself refuses writes; ``token`` (None: loopback only) is
    required from every client; ``csrf`` is the token state-changing requests carry
    (generated when not given; worker processes of one server share it). A case that
    cannot be opened raises StoreError here."""
    open_case(Path(db), read_only=read_only, write=not read_only).close()  # migrates too
    config = Settings(db=Path(db), read_only=read_only, token=token,
                      csrf=csrf or secrets.token_urlsafe(32))
    app = FastAPI(title="bazaarwatch", version=__version__, docs_url=None, redoc_url=None,
                  openapi_url="/api/v1/openapi.json")
    app.state.settings = config
    app.state.classifying = api.Classifying()
    app.include_router(api.router)
    app.include_router(pages.router)
    app.mount("/static", StaticFiles(directory=_STATIC), name="static")
    _handlers(app)
    app.add_middleware(Guard, policy=Policy(token=token, csrf=config.csrf))
    return app


#: How ``serve --workers N`` hands its settings to the worker processes uvicorn starts.
ENVIRONMENT = {"db": "BAZAARWATCH_SERVE_DB", "read_only": "BAZAARWATCH_SERVE_READ_ONLY",
               "token": "BAZAARWATCH_SERVE_TOKEN", "csrf": "BAZAARWATCH_SERVE_CSRF"}


def from_environment() -> FastAPI:
    """The app of one worker process of ``serve --workers N`` (uvicorn's factory): the
    case and the secrets come from the parent through the environment, so that every
    worker accepts the same token and CSRF token."""
    env = os.environ
    return create_app(Path(env[ENVIRONMENT["db"]]),
                      read_only=env.get(ENVIRONMENT["read_only"]) == "1",
                      token=env.get(ENVIRONMENT["token"]) or None,
                      csrf=env[ENVIRONMENT["csrf"]])


def _error(request: Request, status: int, message: str) -> Response:
    message = mask_sensitive(message)  # errors quote values: a card number among them
    if request.url.path.startswith("/api/"):
        return JSONResponse({"error": message}, status_code=status)
    config: Settings = request.app.state.settings
    return page("error.html", {"title": f"Error {status}", "status": status,
                               "message": message, "csrf": config.csrf,
                               "read_only": config.read_only, "path": request.url.path},
                status=status)


_SLOW = ("the query took too long and was stopped: narrow it (fewer or rarer words, a "
         "chat, a category or a date range)")


def _handlers(app: FastAPI) -> None:
    async def input_error(request: Request, e: Exception) -> Response:
        if over_budget(request):
            return _error(request, 503, _SLOW)
        return _error(request, 400, str(e))

    async def store_error(request: Request, e: Exception) -> Response:
        if over_budget(request):
            return _error(request, 503, _SLOW)
        return _error(request, 503, f"the case cannot be read now: {e}")

    async def http_error(request: Request, e: Exception) -> Response:
        assert isinstance(e, StarletteHTTPException)
        return _error(request, e.status_code, str(e.detail))

    async def invalid(request: Request, e: Exception) -> Response:
        assert isinstance(e, RequestValidationError)
        problems: list[Any] = [f"{'.'.join(map(str, p['loc']))}: {p['msg']}"
                               for p in e.errors()[:10]]
        return _error(request, 422, "; ".join(problems))

    app.add_exception_handler(InputError, input_error)
    app.add_exception_handler(StoreError, store_error)
    app.add_exception_handler(sqlite3.Error, store_error)
    app.add_exception_handler(StarletteHTTPException, http_error)
    app.add_exception_handler(RequestValidationError, invalid)
