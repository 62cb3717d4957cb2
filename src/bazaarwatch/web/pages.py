"""The workbench's pages: server-rendered HTML, with htmx updating search results in
place (every page also works without script: forms are plain GET and POST forms).

Triage forms post back to the page they are on and redirect to it (303), so a reload
never posts twice; each form carries the CSRF token in a hidden field.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Annotated, Any

from fastapi import APIRouter, Form, HTTPException, Query, Request
from fastapi.responses import RedirectResponse
from starlette.responses import HTMLResponse

from bazaarwatch.classify.chats import KINDS
from bazaarwatch.classify.taxonomy import CATEGORIES
from bazaarwatch.errors import InputError
from bazaarwatch.indicators import types
from bazaarwatch.store import labels, queries, views
from bazaarwatch.store.queries import Filters
from bazaarwatch.web import charts
from bazaarwatch.web.api import MAX_LIMIT, MAX_OFFSET, MAX_VALUE
from bazaarwatch.web.cases import ReadCase, WriteCase, over_budget, settings
from bazaarwatch.web.render import href, page

router = APIRouter(include_in_schema=False)
PAGE = 50
LIST = 200  # rows of the vendors, networks, links and indicators pages


def _context(request: Request, title: str, **values: Any) -> dict[str, Any]:
    config = settings(request)
    return {"title": title, "csrf": config.csrf, "read_only": config.read_only,
            "categories": CATEGORIES, "path": request.url.path, **values}


def _not_found(what: str) -> HTTPException:
    return HTTPException(404, what)


@router.get("/")
def home(request: Request, case: ReadCase) -> HTMLResponse:
    view = views.map_view(case)
    return page("home.html", _context(
        request, "Case", totals=queries.totals(case), chats=views.chat_list(case),
        map=view, counts={"vendors": len(view.market.vendors),
                          "networks": len(view.market.networks),
                          "bots": len(view.market.bots), "links": len(view.market.links)}))


def _day(value: str | None, *, end: bool = False) -> int | None:
    """A date field (YYYY-MM-DD, UTC) as Unix seconds: its first second, or with
    ``end`` its last, so that "until" includes the day."""
    if not value:
        return None
    try:
        day = datetime.strptime(value, "%Y-%m-%d").replace(tzinfo=UTC)
    except ValueError as e:
        raise InputError("date", f"{value!r} is not a date", hint="Use YYYY-MM-DD") from e
    if end:
        day += timedelta(days=1, seconds=-1)
    return int(day.timestamp())


def _offer(value: str | None) -> bool | None:
    return {"yes": True, "no": False}.get(value or "")


@router.get("/search")
def search(request: Request, case: ReadCase,
           q: Annotated[str, Query(max_length=MAX_VALUE)] = "",
           chat: str = "", category: str = "", offer: str = "", since: str = "",
           until: str = "", indicator_type: str = "",
           indicator: Annotated[str, Query(max_length=MAX_VALUE)] = "",
           offset: Annotated[int, Query(ge=0, le=MAX_OFFSET)] = 0) -> HTMLResponse:
    form = {"q": q, "chat": chat, "category": category, "offer": offer, "since": since,
            "until": until, "indicator_type": indicator_type, "indicator": indicator}
    found, error = None, None
    try:
        filters = Filters(chat=chat or None, category=category or None, offer=_offer(offer),
                          since=_day(since), until=_day(until, end=True),
                          indicator_type=indicator_type or None, indicator=indicator or None)
        if q.strip() or filters != Filters():
            found = queries.search(case, q, filters=filters, limit=PAGE, offset=offset)
    except InputError as e:
        if over_budget(request):  # SQLite stopped it: the app answers 503
            raise
        error = str(e)
    partial = request.headers.get("hx-request") == "true" and \
        request.headers.get("hx-target") == "results"
    context = _context(request, "Search", form=form, found=found, error=error,
                       offset=offset, page_size=PAGE, more=offset + PAGE <= MAX_OFFSET,
                       indicator_types=sorted(types()))
    if partial:
        return page("_results.html", context)
    context["chats"] = views.chat_list(case)
    return page("search.html", context)


@router.get("/messages/{chat_id:path}/{message_id}")
def message(request: Request, case: ReadCase, chat_id: str, message_id: str) -> HTMLResponse:
    found = views.message(case, chat_id, message_id)
    if found is None:
        raise _not_found(f"no message {message_id} in chat {chat_id}")
    history = labels.history(case, chat_id, found["message_id"])
    return page("message.html", _context(request, f"Message {message_id}", m=found,
                                         labels=history, current=history[0] if history
                                         else None))


@router.post("/messages/{chat_id:path}/{message_id}/labels")
def label_message(case: WriteCase, chat_id: str, message_id: str,
                  categories: Annotated[list[str], Form(max_length=20)] = [],  # noqa: B006
                  offer: Annotated[str, Form(max_length=3)] = "",
                  note: Annotated[str, Form(max_length=labels.NOTE_LIMIT)] = "",
                  analyst: Annotated[str, Form(max_length=labels.ANALYST_LIMIT)] = ""
                  ) -> RedirectResponse:
    labels.add(case, target="message", chat_id=chat_id, message_id=message_id,
               categories=categories, offer=_offer(offer), note=note or None,
               analyst=analyst or None)
    return RedirectResponse(str(href("messages", chat_id, message_id)) + "#triage", 303)


@router.get("/chats/{chat_id:path}")
def chat(request: Request, case: ReadCase, chat_id: str) -> HTMLResponse:
    view = views.map_view(case)
    found = views.chat(case, chat_id, map_view=view)
    if found is None:
        raise _not_found(f"no chat {chat_id}")
    history = labels.history(case, chat_id)
    return page("chat.html", _context(request, found["name"] or chat_id, c=found, map=view,
                                      labels=history, kinds=KINDS,
                                      current=history[0] if history else None))


@router.post("/chats/{chat_id:path}/labels")
def label_chat(case: WriteCase, chat_id: str,
               categories: Annotated[list[str], Form(max_length=20)] = [],  # noqa: B006
               kind: Annotated[str, Form(max_length=40)] = "",
               note: Annotated[str, Form(max_length=labels.NOTE_LIMIT)] = "",
               analyst: Annotated[str, Form(max_length=labels.ANALYST_LIMIT)] = ""
               ) -> RedirectResponse:
    labels.add(case, target="chat", chat_id=chat_id, categories=categories,
               kind=kind or None, note=note or None, analyst=analyst or None)
    return RedirectResponse(str(href("chats", chat_id)) + "#triage", 303)


@router.get("/vendors")
def vendors(request: Request, case: ReadCase) -> HTMLResponse:
    view = views.map_view(case)
    return page("vendors.html", _context(request, "Vendors", map=view,
                                         rows=view.market.vendors[:LIST],
                                         bots=view.market.bots[:LIST],
                                         total=len(view.market.vendors)))


@router.get("/vendors/{vendor_id:path}")
def vendor(request: Request, case: ReadCase, vendor_id: str) -> HTMLResponse:
    return _item(request, case, "vendor", vendor_id)


@router.get("/networks")
def networks(request: Request, case: ReadCase) -> HTMLResponse:
    view = views.map_view(case)
    return page("networks.html", _context(request, "Networks", map=view,
                                          rows=view.market.networks[:LIST],
                                          total=len(view.market.networks)))


@router.get("/networks/{network_id:path}")
def network(request: Request, case: ReadCase, network_id: str) -> HTMLResponse:
    return _item(request, case, "network", network_id)


@router.get("/bots/{username:path}")
def bot(request: Request, case: ReadCase, username: str) -> HTMLResponse:
    return _item(request, case, "bot", username)


def _item(request: Request, case: ReadCase, kind: str, item_id: str) -> HTMLResponse:
    view = views.map_view(case)
    found = views.item(view, kind, item_id)
    if found is None:
        raise _not_found(f"no {kind} {item_id} in the market map")
    count, shown = views.members(case, kind, item_id)
    links = [link for link in view.market.links
             if item_id in (str(link["a"].get("id")), str(link["b"].get("id")))][:LIST]
    return page(f"{kind}.html", _context(request, f"{kind.title()} {item_id}", item=found,
                                         map=view, count=count, messages=shown, links=links))


@router.get("/links")
def links(request: Request, case: ReadCase) -> HTMLResponse:
    view = views.map_view(case)
    return page("links.html", _context(request, "Links", map=view,
                                       rows=view.market.links[:LIST],
                                       total=len(view.market.links)))


@router.get("/trends")
def trends(request: Request, case: ReadCase) -> HTMLResponse:
    view = views.map_view(case)
    return page("trends.html", _context(request, "Trends", map=view,
                                        charts=charts.trend_charts(view.market.trends),
                                        spikes=view.market.trends.get("spikes", [])[:LIST],
                                        new=view.market.trends.get("new", [])[-52:]))


@router.get("/indicators")
def indicator_list(request: Request, case: ReadCase, type: str = "") -> HTMLResponse:
    rows = queries.indicators(case, kind=type or None, limit=LIST)
    return page("indicators.html", _context(request, "Indicators", rows=rows, type=type,
                                            counts=queries.indicator_counts(case)))


@router.get("/indicators/{value:path}")
def indicator(request: Request, case: ReadCase, value: str, type: str = "",
              offset: Annotated[int, Query(ge=0, le=MAX_OFFSET)] = 0) -> HTMLResponse:
    found = views.indicator(case, value[:MAX_VALUE], kind=type or None, limit=PAGE,
                            offset=offset)
    return page("indicator.html", _context(request, f"Indicator {value[:80]}", i=found,
                                           type=type, page_size=min(PAGE, MAX_LIMIT)))
