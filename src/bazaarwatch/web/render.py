"""Server-side rendering of the workbench's pages.

Every value on a page may come from a criminal: message text, chat, sender and bot
names, URLs. Jinja2 autoescaping is on for every template, and no template marks data
safe; on top of that every printed string has its card, IBAN and phone numbers masked
and its control and bidi characters made visible (``finalize``). The only ``Markup``
values are the addresses built here (``href``), from percent-encoded parts. Message
links are never made clickable: an analyst should not open a criminal's link from the
workbench by mistake (and the CSP would not let a ``javascript:`` one run anyway).
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any
from urllib.parse import quote, urlencode

import jinja2
import markupsafe
from starlette.responses import HTMLResponse

from bazaarwatch.classify.taxonomy import BY_ID
from bazaarwatch.dates import show_date
from bazaarwatch.indicators.redaction import mask_sensitive
from bazaarwatch.outputs.terminal import safe
from bazaarwatch.store.queries import MARK_END, MARK_START


def _inert(value: Any) -> Any:
    """What a template prints: strings masked and made visible; ``Markup`` (an address
    from ``href``, a macro's output) as it is."""
    if not isinstance(value, str) or isinstance(value, markupsafe.Markup):
        return value
    return safe(mask_sensitive(value), keep_newlines=True)


def href(*parts: Any, **query: Any) -> markupsafe.Markup:
    """A path of this server from its parts (each percent-encoded, ``/`` included) and
    a query of the non-empty values, escaped for an attribute."""
    path = "/" + "/".join(quote(str(p), safe="") for p in parts)
    given = {k: v for k, v in query.items() if v not in (None, "")}
    if given:
        path += "?" + urlencode(given)
    return markupsafe.Markup(markupsafe.escape(path))


def marked(snippet: str) -> list[tuple[str, bool]]:
    """A search snippet as pieces of (text, is a match): the template shows the
    matches in ``<mark>`` and escapes every piece."""
    pieces: list[tuple[str, bool]] = []
    for i, part in enumerate(snippet.split(MARK_START)):
        hit, _, rest = part.partition(MARK_END) if i else ("", "", part)
        if hit:
            pieces.append((hit, True))
        if rest:
            pieces.append((rest, False))
    return pieces


def _date(ts: int | None) -> str:
    return show_date(ts, missing="—")


def _day(value: Any) -> str:
    return str(value)[:10] if value else "—"


def _category(category_id: Any) -> str:
    found = BY_ID.get(str(category_id))
    return found.name if found else str(category_id)


def _percent(value: Any) -> str:
    return f"{float(value):.0%}" if isinstance(value, int | float) else "—"


def _num(value: Any) -> str:
    if isinstance(value, bool) or not isinstance(value, int | float):
        return "—" if value is None else str(value)
    return f"{value:,}" if isinstance(value, int) else f"{value:,.2f}"


def _names(items: Iterable[Any], show: int = 3) -> str:
    """The first few names of a list of chats or strings, with "+N"."""
    names = [str(i.get("name") or i.get("id")) if isinstance(i, dict) else str(i)
             for i in items]
    extra = f" +{len(names) - show}" if len(names) > show else ""
    return ", ".join(names[:show]) + extra


_env = jinja2.Environment(
    loader=jinja2.PackageLoader("bazaarwatch.web", "templates"),
    autoescape=True,
    undefined=jinja2.StrictUndefined,
    finalize=_inert,
    trim_blocks=True,
    lstrip_blocks=True,
)
_env.globals["href"] = href
_env.filters.update(marked=marked, date=_date, day=_day, category=_category,
                    percent=_percent, num=_num, names=_names)


def page(template: str, context: dict[str, Any], *, status: int = 200) -> HTMLResponse:
    """The rendered template as a response."""
    return HTMLResponse(_env.get_template(template).render(**context), status_code=status)
