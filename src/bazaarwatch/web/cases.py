"""The case as each request sees it: its own connection, with a time budget.

An ingest may write to the case while the workbench reads it (WAL: readers see the last
committed batch, and never wait for the writer), so every request opens its own
connection and closes it when done; the writer's lock is waited for up to
``store.sqlite.LOCK_TIMEOUT`` by the few requests that write (triage labels).

A SQLite progress handler stops any statement once the request has run for
``BUDGET`` seconds: one costly query (a search for ``a*`` in ten million messages)
cannot hold a worker thread, and the analyst is told to narrow it.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Annotated

from fastapi import Depends, HTTPException, Request

from bazaarwatch.store.sqlite import Case

#: Seconds of SQLite work one request may take.
BUDGET = 5.0
_EVERY = 10_000  # SQLite VM steps between two looks at the clock


@dataclass(frozen=True)
class Settings:
    """What ``create_app`` was given, shared by every request."""

    db: Path
    read_only: bool
    token: str | None
    csrf: str


def settings(request: Request) -> Settings:
    found: Settings = request.app.state.settings
    return found


def open_case(db: Path, *, read_only: bool, write: bool = False) -> Case:
    """A connection to the case. A read-only server opens it with writes refused by
    SQLite itself (``query_only``), and tells the store it may not write (missing chat
    verdicts are then computed in memory)."""
    case = Case(db, create=False, read_only=not write)
    if read_only:
        case.read_only = True
        case.db.execute("PRAGMA query_only = 1")
    return case


def _budget(case: Case, request: Request) -> None:
    deadline = time.monotonic() + BUDGET

    def check() -> int:
        if time.monotonic() > deadline:
            request.state.over_budget = True
            return 1
        return 0

    case.db.set_progress_handler(check, _EVERY)


def _case(request: Request, *, write: bool) -> Iterator[Case]:
    config = settings(request)
    case = open_case(config.db, read_only=config.read_only, write=write)
    _budget(case, request)
    try:
        yield case
    finally:
        case.close()


def over_budget(request: Request) -> bool:
    """Whether this request's queries were stopped for running past ``BUDGET`` (the
    error SQLite raises then may reach the app as another: a search's "bad query")."""
    return bool(getattr(request.state, "over_budget", False))


def reading(request: Request) -> Iterator[Case]:
    """The case for a request that only reads."""
    yield from _case(request, write=False)


def writing(request: Request) -> Iterator[Case]:
    """The case for a request that writes; 403 on a read-only server."""
    if settings(request).read_only:
        raise HTTPException(403, "this server is read-only (started with --read-only)")
    yield from _case(request, write=True)


ReadCase = Annotated[Case, Depends(reading)]
WriteCase = Annotated[Case, Depends(writing)]
