"""A case as one MISP event, built with pymisp and its shipped object templates.

What goes in (docs/exports.md has the whole mapping):

- ``coin-address`` per wallet (``address`` for bitcoin, ``address-xmr`` for Monero,
  ``address-crypto`` for the others, whose values MISP's ``btc`` type would refuse), with
  ``symbol`` and first/last seen;
- ``telegram-account`` per handle and bot (``username`` without the ``@``; a bot's display
  name as ``first_name``, which is what Telegram calls it);
- ``url``, ``domain-ip`` (onions and domains), ``email`` (``from``: the address the vendor
  is reached at), ``phone-number``; other contacts (Jabber, Tox, Session, ...) as plain
  attributes;
- ``instant-message`` per evidence message (``tabular.evidence``: capped, text masked).

``to_ids`` says "alert on this": true for wallets, onions, shop bots, e-mail addresses and
URLs/domains off the well-known platforms; false for handles (Telegram reassigns them),
platform links, phones and evidence text. Tags: the event's TLP, the MISP ``dark-web`` tags
of the categories its illicit chats sell and of offers (``classify.taxonomy``), and on each
wallet, handle, onion or message the tags of what its vendor, bot or verdict sells.

Card, IBAN and phone numbers are masked (the case stores them masked unless ingested with
``--keep-sensitive``; ``reveal`` shows raw values where the case holds them).
Ids are stable: a re-export of the same case has the same event and object uuids, so MISP
updates the event rather than adding a second one.
"""

from __future__ import annotations

import uuid
from collections import Counter
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

from pymisp import MISPAttribute, MISPEvent, MISPObject

from bazaarwatch.classify.taxonomy import misp_tags
from bazaarwatch.dates import FIRST, LAST
from bazaarwatch.errors import OutputError
from bazaarwatch.indicators.redaction import mask_sensitive
from bazaarwatch.outputs.tabular import Row, evidence, replaced
from bazaarwatch.store import queries
from bazaarwatch.store.market import Market
from bazaarwatch.store.sqlite import Case

TLPS = ("clear", "green", "amber", "amber+strict", "red")
#: Evidence messages per event, and indicators per type: an event MISP can still show.
EVIDENCE_LIMIT = 1000
INDICATOR_LIMIT = 50_000
_NAMESPACE = uuid.UUID("3b0f6c52-4a53-4c1e-9d0a-6f0d3f2b9e11")  # bazaarwatch MISP ids
_SYMBOLS = {"btc": "BTC", "eth": "ETH", "xmr": "XMR", "ltc": "LTC", "trx": "TRX",
            "doge": "DOGE", "bch": "BCH"}
_ADDRESS = {"btc": "address", "xmr": "address-xmr"}
_ACCOUNTS = ("telegram", "telegram_bot")
_URLS = ("url", "telegram_invite")
_DOMAINS = ("onion", "onion_v2", "domain")
_OTHER = {"xmpp": "jabber-id", "tox": "text", "session_id": "text", "wickr": "text",
          "threema": "text", "pgp": "text"}
#: Hosts whose links say nothing about who sells: never ``to_ids``.
WELL_KNOWN = ("t.me", "telegram.me", "telegram.org", "telegra.ph", "youtube.com",
              "youtu.be", "google.com", "instagram.com", "facebook.com", "twitter.com",
              "x.com", "vk.com", "vk.ru", "github.com", "wikipedia.org", "apple.com",
              "whatsapp.com", "tiktok.com", "discord.gg", "discord.com", "reddit.com",
              "yandex.ru", "mail.ru", "ok.ru", "linkedin.com", "bit.ly")
_TAGGED_CATEGORIES = 3


@dataclass(frozen=True)
class Context:
    """What the map says an indicator is tied to: the categories its vendors or bots
    sell (most first) and whether they offer them, for its tags; a shop bot's name."""

    categories: tuple[str, ...] = ()
    offer: bool = False
    shop: bool = False
    names: tuple[str, ...] = ()

    @property
    def tags(self) -> list[str]:
        return misp_tags(list(self.categories[:_TAGGED_CATEGORIES]), offer=self.offer)


def write(case: Case, market: Market, path: Path, *, name: str, tlp: str = "amber",
          reveal: bool = False) -> Counter[str]:
    """Write the case's event as MISP JSON to ``path`` (beside it, then renamed); how
    many objects of each template it holds."""
    if not path.parent.is_dir():
        raise OutputError(f"{path}: the folder {path.parent} does not exist. Create it, "
                          "or give another -o path")
    found = event(case, market, name=name, tlp=tlp, reveal=reveal)
    with replaced(path) as part:
        part.write_text(found.to_json(indent=1), encoding="utf-8")
    return Counter(o.name for o in found.objects)


def event(case: Case, market: Market, *, name: str, tlp: str = "amber",
          reveal: bool = False) -> MISPEvent:
    """The case as one MISP event (see the module's docstring)."""
    if tlp not in TLPS:
        raise OutputError(f"{tlp!r} is not a TLP level. Give one of: {', '.join(TLPS)}")
    chats = queries.channels(case)
    totals = queries.totals(case)
    illicit = [c for c in chats if c["kind"] not in ("not-illicit", "unknown")]
    found = MISPEvent()
    found.uuid = str(_event_uuid(case))
    found.info = (f"bazaarwatch case {name}: {len(illicit):,} illicit of {len(chats):,} "
                  f"Telegram chats, {totals['messages']:,} messages")
    found.distribution = 0  # this organisation only, until an analyst decides otherwise
    found.threat_level_id = 3
    found.analysis = 1
    if (last := _day(totals["last_date"])) is not None:
        found.date = last
    found.add_tag(f"tlp:{tlp}")
    for tag in _case_tags(illicit):
        found.add_tag(tag)
    contexts = _contexts(market)
    ids = _Ids(uuid.UUID(found.uuid))
    for obj in _objects(case, market, contexts, reveal=reveal):
        obj.uuid = ids.next(obj)
        found.add_object(obj)
    for attribute in _other_contacts(case, reveal=reveal):
        found.add_attribute(**attribute)
    return found


def _event_uuid(case: Case) -> uuid.UUID:
    """From the first export the case read (its SHA-256), so the id stays as the case
    grows; a case that read nothing gets a fresh one."""
    first = queries.sources(case)[:1]
    return uuid.uuid5(_NAMESPACE, f"event:{first[0]['sha256']}") if first else uuid.uuid4()


class _Ids:
    """Stable object uuids: from the event, the template and the first value. Masked
    values can be equal for two different numbers, so a repeat gets a counter."""

    def __init__(self, event_id: uuid.UUID) -> None:
        self._event = event_id
        self._seen: Counter[str] = Counter()

    def next(self, obj: MISPObject) -> str:
        first = obj.attributes[0]
        key = f"{obj.name}:{first.object_relation}:{first.value}"
        self._seen[key] += 1
        return str(uuid.uuid5(self._event, f"{key}:{self._seen[key]}"))


def _day(ts: int | None) -> date | None:
    if ts is None or not FIRST <= ts <= LAST:
        return None
    return datetime.fromtimestamp(ts, UTC).date()


def _case_tags(illicit: list[dict[str, Any]]) -> list[str]:
    """The dark-web tags of every category an illicit chat sells, and the offer tag
    when one of them posts offers."""
    categories = list(dict.fromkeys(s["category"] for c in illicit for s in c["shares"]))
    return misp_tags(categories, offer=any(c["offers"] for c in illicit))


def _contexts(market: Market) -> dict[str, Context]:
    """Indicator value (case-folded) -> what the map ties it to. A value two vendors
    share keeps the first (the map lists the busiest vendors first)."""
    found: dict[str, Context] = {}
    for bot in market.bots:
        found.setdefault(_key(bot["username"]), Context(
            categories=tuple(bot["categories"]), offer=bool(bot["offers"]),
            shop=bool(bot.get("shop")), names=tuple(bot.get("names") or ())))
    for vendor in market.vendors:
        context = Context(categories=tuple(vendor["categories"]),
                          offer=bool(vendor["offers"]))
        values = [*(w["value"] for w in vendor["wallets"]), *vendor["handles"],
                  *(c["value"] for c in vendor["contacts"]), *vendor.get("onions", ())]
        for value in values:
            found.setdefault(_key(value), context)
    return found


def _key(value: str) -> str:
    return value.casefold().removeprefix("@")


def _indicators(case: Case, kinds: Iterable[str], *, reveal: bool) -> Iterator[Row]:
    for kind in kinds:
        yield from queries.indicators(case, kind=kind, limit=INDICATOR_LIMIT, reveal=reveal)


def _objects(case: Case, market: Market, contexts: dict[str, Context], *,
             reveal: bool) -> Iterator[MISPObject]:
    for row in _indicators(case, _SYMBOLS, reveal=reveal):
        yield _wallet(row, contexts.get(_key(row["value"]), Context()))
    yield from _accounts(case, market, contexts, reveal=reveal)
    for row in _indicators(case, _URLS, reveal=reveal):
        yield _url(row, contexts.get(_key(row["value"]), Context()))
    for row in _indicators(case, _DOMAINS, reveal=reveal):
        yield _domain(row, contexts.get(_key(row["value"]), Context()))
    for row in _indicators(case, ("email",), reveal=reveal):
        obj = _object("email", row)
        _add(obj, "from", row["value"], to_ids=True,
             tags=contexts.get(_key(row["value"]), Context()).tags)
        yield obj
    for row in _indicators(case, ("phone",), reveal=reveal):
        obj = _object("phone-number", row)
        _add(obj, "phone-number", row["value"], to_ids=False)
        yield obj
    for message in evidence(case, market, limit=EVIDENCE_LIMIT):
        yield _message(message)


def _object(template: str, row: Row | None) -> MISPObject:
    """An object of ``template`` whose comment says where its value was seen."""
    obj = MISPObject(template, standalone=False)
    if row is not None:
        chats = row["chats"]
        more = f" +{len(chats) - 5}" if len(chats) > 5 else ""
        obj.comment = (f"{row['messages']:,} messages in {len(chats):,} chats: "
                       + ", ".join(mask_sensitive(str(c)) for c in chats[:5]) + more)
    return obj


def _add(obj: MISPObject, relation: str, value: Any, *, to_ids: bool = False,
         tags: Iterable[str] = ()) -> MISPAttribute:
    attribute = obj.add_attribute(relation, value=value, to_ids=to_ids)
    assert attribute is not None  # pymisp returns None for an empty value only
    for tag in tags:
        attribute.add_tag(tag)
    return attribute


def _seen(obj: MISPObject, row: Row) -> None:
    for relation, key in (("first-seen", "first_seen"), ("last-seen", "last_seen")):
        if (ts := row[key]) is not None and FIRST <= ts <= LAST:
            _add(obj, relation, datetime.fromtimestamp(ts, UTC))


def _wallet(row: Row, context: Context) -> MISPObject:
    obj = _object("coin-address", row)
    _add(obj, _ADDRESS.get(row["type"], "address-crypto"), row["value"], to_ids=True,
         tags=context.tags)
    _add(obj, "symbol", _SYMBOLS[row["type"]])
    _seen(obj, row)
    return obj


def _accounts(case: Case, market: Market, contexts: dict[str, Context], *,
              reveal: bool) -> Iterator[MISPObject]:
    """One ``telegram-account`` per handle or bot: those found in texts, and the bots
    the map knows from elsewhere (an inline bot, a bot chat)."""
    done: set[str] = set()
    for row in _indicators(case, _ACCOUNTS, reveal=reveal):
        done.add(_key(row["value"]))
        yield _account(row["value"], row, contexts.get(_key(row["value"]), Context()))
    for bot in market.bots:
        if _key(bot["username"]) not in done:
            done.add(_key(bot["username"]))
            yield _account(bot["username"], None, contexts[_key(bot["username"])])


def _account(handle: str, row: Row | None, context: Context) -> MISPObject:
    obj = _object("telegram-account", row)
    _add(obj, "username", handle.removeprefix("@"), to_ids=context.shop, tags=context.tags)
    for bot_name in context.names[:3]:
        _add(obj, "first_name", mask_sensitive(bot_name))
    if context.shop:
        obj.comment = ("shop bot; " + (obj.comment or "")).strip("; ")
    return obj


def _host(url: str) -> str:
    rest = url.split("://", 1)[-1]
    return rest.split("/", 1)[0].split("?", 1)[0].split("@")[-1].split(":")[0].lower()


def _well_known(host: str) -> bool:
    return any(host == h or host.endswith("." + h) for h in WELL_KNOWN)


def _url(row: Row, context: Context) -> MISPObject:
    obj = _object("url", row)
    host = _host(row["value"])
    to_ids = row["type"] == "url" and not _well_known(host)
    _add(obj, "url", row["value"], to_ids=to_ids, tags=context.tags)
    if host:
        _add(obj, "host", host)
    _seen(obj, row)
    return obj


def _domain(row: Row, context: Context) -> MISPObject:
    obj = _object("domain-ip", row)
    _add(obj, "domain", row["value"], to_ids=not _well_known(row["value"]), tags=context.tags)
    _seen(obj, row)
    return obj


def _message(message: Row) -> MISPObject:
    obj = _object("instant-message", None)
    where = f"{message['chat'] or message['chat_id']}, message {message['message_id']}"
    obj.comment = (f"vendor {message['vendor']}: " if message["vendor"] else "") + where
    _add(obj, "body", message["text"], tags=misp_tags(
        list(message["categories"][:_TAGGED_CATEGORIES]), offer=False))
    _add(obj, "app-used", "Telegram")
    if message["sender_id"]:
        _add(obj, "from-user", message["sender_id"])
    if (ts := message["date"]) is not None and FIRST <= ts <= LAST:
        _add(obj, "sent-date", datetime.fromtimestamp(ts, UTC))
    return obj


def _other_contacts(case: Case, *, reveal: bool) -> Iterator[dict[str, Any]]:
    """Contacts no object template describes, as attributes of the event."""
    for row in _indicators(case, _OTHER, reveal=reveal):
        yield {"type": _OTHER[row["type"]], "value": row["value"], "category": "Social network",
               "to_ids": False, "comment": f"{row['type']}; {row['messages']:,} messages"}

