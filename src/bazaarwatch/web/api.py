"""The JSON API under ``/api/v1``: what the pages show, for scripts and other tools.

Every answer is what the matching page shows, with card, IBAN and phone numbers masked
(the API has no way to reveal them). Lists are capped, and so are the query's cost
(``limit`` <= 200, ``offset`` <= 1,000, the search at 1,000 characters, the request's
SQLite time at ``cases.BUDGET``). ``POST /classify`` answers the ``classify`` command's
contract for each message; ``POST /labels`` stores a triage label (refused by a
read-only server).
"""

from __future__ import annotations

import threading
from typing import Annotated, Any

from fastapi import APIRouter, Depends, HTTPException, Query, Request
from fastapi import Path as PathParam
from pydantic import BaseModel, Field, JsonValue

from bazaarwatch.bounds import MAX_TEXT
from bazaarwatch.store import labels, queries, views
from bazaarwatch.store.queries import Filters
from bazaarwatch.web.cases import ReadCase, Settings, WriteCase, settings

router = APIRouter(prefix="/api/v1")

MAX_LIMIT = 200
MAX_OFFSET = 1_000
MAX_CLASSIFY = 100  # messages per classify request
MAX_VALUE = 1_000  # characters of an indicator value or a search


@router.get("/csrf")
def csrf(config: Annotated[Settings, Depends(settings)]) -> dict[str, str]:
    """The token every POST must carry in the ``X-CSRF-Token`` header."""
    return {"csrf_token": config.csrf}


@router.get("/search")
def search(case: ReadCase,
           q: Annotated[str, Query(max_length=MAX_VALUE)] = "",
           chat: str | None = None,
           category: str | None = None,
           offer: bool | None = None,
           since: int | None = None,
           until: int | None = None,
           indicator_type: str | None = None,
           indicator: Annotated[str | None, Query(max_length=MAX_VALUE)] = None,
           limit: Annotated[int, Query(ge=1, le=MAX_LIMIT)] = 50,
           offset: Annotated[int, Query(ge=0, le=MAX_OFFSET)] = 0) -> dict[str, Any]:
    """Full-text search (FTS5 syntax) narrowed by filters; reposts are folded into the
    first hit (``reposts``, ``repost_chats``). ``since``/``until`` are Unix seconds."""
    filters = Filters(chat=chat or None, category=category or None, offer=offer,
                      since=since, until=until, indicator_type=indicator_type or None,
                      indicator=indicator or None)
    found = queries.search(case, q, filters=filters, limit=limit, offset=offset)
    return {"total": found.total, "capped": found.capped, "results": found.results}


@router.get("/messages/{chat_id:path}/{message_id}")
def message(case: ReadCase, chat_id: str, message_id: str) -> dict[str, Any]:
    """A message with its verdict, evidence, indicators, labels and context (the
    message it replies to, replies, neighbours in its chat)."""
    found = views.message(case, chat_id, message_id)
    if found is None:
        raise HTTPException(404, f"no message {message_id} in chat {chat_id}")
    found["labels"] = [lb.as_dict() for lb in
                       labels.history(case, chat_id, found["message_id"])]
    return found


@router.get("/chats/{chat_id:path}")
def chat(case: ReadCase, chat_id: str) -> dict[str, Any]:
    """A chat's verdict, categories, indicators, bots, vendors and flagged messages."""
    found = views.chat(case, chat_id, map_view=views.map_view(case))
    if found is None:
        raise HTTPException(404, f"no chat {chat_id}")
    found["labels"] = [lb.as_dict() for lb in labels.history(case, chat_id)]
    return found


@router.get("/vendors/{vendor_id:path}")
def vendor(case: ReadCase, vendor_id: str) -> dict[str, Any]:
    """A vendor of the stored market map with its newest messages; ``current`` is
    false when the map predates the case's latest messages (run ``analyse``)."""
    view = views.map_view(case)
    found = views.item(view, "vendor", vendor_id)
    if found is None:
        raise HTTPException(404, f"no vendor {vendor_id} in the market map")
    count, shown = views.members(case, "vendor", vendor_id)
    return {"vendor": found, "current": view.current, "message_count": count,
            "messages": shown}


@router.get("/indicators/{value:path}")
def indicator(case: ReadCase, value: Annotated[str, PathParam(max_length=MAX_VALUE)],
              type: str | None = None,
              limit: Annotated[int, Query(ge=1, le=MAX_LIMIT)] = 50,
              offset: Annotated[int, Query(ge=0, le=MAX_OFFSET)] = 0) -> dict[str, Any]:
    """Every message where this indicator (normalized value) appears, newest first."""
    return views.indicator(case, value, kind=type or None, limit=limit, offset=offset)


class Text(BaseModel):
    id: JsonValue = None
    text: Annotated[str, Field(max_length=MAX_TEXT)] = ""


class Batch(BaseModel):
    messages: Annotated[list[Text], Field(max_length=MAX_CLASSIFY)]


class Classifying:
    """The classifier and extractor, loaded once per app on first use; one batch at a
    time (the matcher's scratch space is not shared between threads)."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._loaded: tuple[Any, Any] | None = None

    def __call__(self, texts: list[str]) -> list[Any]:
        from bazaarwatch.classify.model import Classifier  # scikit-learn: on first use
        from bazaarwatch.indicators import default_extractor

        with self._lock:
            if self._loaded is None:
                self._loaded = (Classifier.load(), default_extractor())
            classifier, extractor = self._loaded
            return list(classifier.classify(texts, [extractor.extract(t) for t in texts]))


@router.post("/classify")
def classify(batch: Batch, request: Request) -> list[dict[str, Any]]:
    """The ``classify`` command's answer for each message, in the same order:
    ``{"id", "categories", "scores", "offer", "evidence"}``."""
    classifying: Classifying = request.app.state.classifying
    verdicts = classifying([m.text for m in batch.messages]) if batch.messages else []
    return [{"id": m.id, "categories": v.categories, "scores": v.scores, "offer": v.offer,
             "evidence": v.evidence} for m, v in zip(batch.messages, verdicts, strict=True)]


class LabelIn(BaseModel):
    target: str
    chat_id: str
    message_id: int | str | None = None
    categories: Annotated[list[str], Field(max_length=20)]
    offer: bool | None = None
    kind: str | None = None
    note: Annotated[str | None, Field(max_length=labels.NOTE_LIMIT)] = None
    analyst: Annotated[str | None, Field(max_length=labels.ANALYST_LIMIT)] = None


@router.post("/labels", status_code=201)
def add_label(body: LabelIn, case: WriteCase) -> dict[str, Any]:
    """Store a triage label (the body as ``store.labels.add`` takes it); answer it as
    stored."""
    return labels.add(case, **body.model_dump()).as_dict()
