"""A case as one STIX 2.1 bundle, built with the ``stix2`` library.

What goes in (docs/exports.md has the whole mapping and the validator's warnings):

- ``indicator`` per onion domain, URL and e-mail address, with a STIX pattern
  (``[domain-name:value = '…onion']``); values are quoted for the pattern grammar
  (``\\`` and ``'`` escaped), so a hostile URL stays one string;
- ``user-account`` (``account_type: "telegram"``) per handle and bot, bots as service
  accounts with their display name;
- ``cryptocurrency-wallet`` per wallet: a new SCO from a community extension, defined by
  the ``extension-definition`` in the bundle (``value``, ``currency``), as OpenCTI reads it;
- ``threat-actor`` per vendor; ``relationship``: the vendor ``uses`` its accounts, is
  ``related-to`` its wallets, and its onions and addresses ``indicates`` it;
- ``note`` per evidence message (``tabular.evidence``: capped, masked), on its vendor or
  on the case's ``report``, which lists every object.

Every object carries the TLP 2.0 marking asked for (the published FIRST/OASIS marking
definitions, included in the bundle). Ids are stable across exports of the same case:
observables get the spec's UUIDv5 from their values (``stix2`` does it); domain objects
a UUID made from a hash of their value, version bits 4, as the validator asks for.
Card, IBAN and phone numbers never appear: STIX has no observable for phones, and text
is masked.
"""

from __future__ import annotations

import hashlib
import uuid
from collections import Counter
from collections.abc import Iterable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import stix2
from stix2 import properties

from bazaarwatch.dates import FIRST, LAST
from bazaarwatch.errors import OutputError
from bazaarwatch.indicators.redaction import mask_sensitive
from bazaarwatch.outputs.misp import EVIDENCE_LIMIT, INDICATOR_LIMIT, TLPS
from bazaarwatch.outputs.tabular import Row, evidence, replaced
from bazaarwatch.store import queries
from bazaarwatch.store.market import Market
from bazaarwatch.store.sqlite import Case

#: The extension that defines ``cryptocurrency-wallet`` (a UUIDv4 drawn once, fixed).
WALLET_EXTENSION = "extension-definition--5d2e7c3a-8f1b-4c6e-9a2d-3b7f0e1c4d58"
WALLET_SCHEMA = ("https://github.com/oasis-open/cti-stix-common-objects/tree/main/"
                 "extension-definition-specifications")
_TLP2_EXTENSION = "extension-definition--60a3c5c5-0d10-413e-aab3-9e08dde9e88d"
_TLP2_IDS = {"clear": "94868c89-83c2-464b-929b-a1a8aa3c8487",
             "green": "bab4a63c-aed9-4cf5-a766-dfca5abac2bb",
             "amber": "55d920b0-5e8b-4f79-9ee9-91f868d9b421",
             "amber+strict": "939a9414-2ddd-4d32-a0cd-375ea402b003",
             "red": "e828b379-4e03-4974-9ac4-e53a884c97c1"}
_CURRENCIES = {"btc": "BTC", "eth": "ETH", "xmr": "XMR", "ltc": "LTC", "trx": "TRX",
               "doge": "DOGE", "bch": "BCH"}
_PATTERNS = {"onion": "domain-name", "onion_v2": "domain-name", "url": "url",
             "email": "email-addr"}
_WHAT = {"domain-name": "Onion service", "url": "URL", "email-addr": "E-mail address"}


@stix2.v21.CustomObservable(
    "cryptocurrency-wallet",
    [("value", properties.StringProperty(required=True)),
     ("currency", properties.StringProperty())],
    id_contrib_props=["value"], extension_name=WALLET_EXTENSION)
class CryptocurrencyWallet:
    """A wallet address and its currency (``BTC``, ``ETH``, ...)."""


def quoted(value: str) -> str:
    """``value`` as a STIX pattern string literal: ``\\`` and ``'`` escaped, quotes around."""
    return "'" + value.replace("\\", "\\\\").replace("'", "\\'") + "'"


def marking(tlp: str) -> stix2.MarkingDefinition:
    """The published TLP 2.0 marking definition of ``tlp``."""
    if tlp not in TLPS:
        raise OutputError(f"{tlp!r} is not a TLP level. Give one of: {', '.join(TLPS)}")
    return stix2.MarkingDefinition(
        id=f"marking-definition--{_TLP2_IDS[tlp]}", created="2022-10-01T00:00:00.000Z",
        name=f"TLP:{tlp.upper()}",
        extensions={_TLP2_EXTENSION: {"extension_type": "property-extension",
                                      "tlp_2_0": tlp}})


def write(case: Case, market: Market, path: Path, *, name: str,
          tlp: str = "amber") -> Counter[str]:
    """Write the case's bundle to ``path`` (beside it, then renamed); how many objects of
    each STIX type it holds."""
    if not path.parent.is_dir():
        raise OutputError(f"{path}: the folder {path.parent} does not exist. Create it, "
                          "or give another -o path")
    found = bundle(case, market, name=name, tlp=tlp)
    with replaced(path) as part:
        part.write_text(found.serialize(pretty=False), encoding="utf-8")
    return Counter(o["type"] for o in found.objects)


def bundle(case: Case, market: Market, *, name: str, tlp: str = "amber") -> stix2.Bundle:
    """The case as a STIX 2.1 bundle (see the module's docstring)."""
    builder = _Builder(case, name, marking(tlp))
    builder.add_indicators(case)
    builder.add_accounts(case, market)
    builder.add_wallets(case)
    builder.add_vendors(market)
    builder.add_evidence(case, market)
    return builder.bundle()


def _stable_id(kind: str, key: str) -> str:
    """A UUID from a hash of ``key`` with the version bits of a v4: the same value gets the
    same id in every export (an update, not a duplicate, in the receiving platform)."""
    digest = hashlib.sha256(f"bazaarwatch:{kind}:{key}".encode()).digest()[:16]
    return f"{kind}--{uuid.UUID(bytes=digest, version=4)}"


def _when(ts: int | None) -> datetime | None:
    return datetime.fromtimestamp(ts, UTC) if ts is not None and FIRST <= ts <= LAST else None


def _key(value: str) -> str:
    return value.casefold().removeprefix("@")


class _Builder:
    """The bundle's objects as they are made, and the ids later objects refer to."""

    def __init__(self, case: Case, name: str, tlp: stix2.MarkingDefinition) -> None:
        self.name = name
        self.tlp = tlp
        totals = queries.totals(case)
        self.now = _when(totals["last_date"]) or datetime.now(UTC)
        self.author = stix2.Identity(
            id=_stable_id("identity", "bazaarwatch"), name="bazaarwatch",
            identity_class="system", created=self.now, modified=self.now,
            description="bazaarwatch: illicit marketplaces found in chat exports",
            object_marking_refs=[tlp.id])
        self.objects: list[Any] = [self.author, tlp, stix2.ExtensionDefinition(
            id=WALLET_EXTENSION, created_by_ref=self.author.id, created=self.now,
            modified=self.now, name="cryptocurrency-wallet", version="1.0",
            description="A cryptocurrency wallet: value (the address), currency (its "
                        "ticker, BTC, ETH, XMR, ...).",
            schema=WALLET_SCHEMA, extension_types=["new-sco"],
            object_marking_refs=[tlp.id])]
        self.indicators: dict[str, str] = {}  # case-folded value -> indicator id
        self.accounts: dict[str, str] = {}  # case-folded handle -> user-account id
        self.wallets: dict[str, str] = {}  # case-folded address -> wallet id
        self.chat_vendors: dict[str, list[str]] = {}  # chat id -> threat-actor ids
        self.related: set[str] = set()  # relationship ids

    def common(self) -> dict[str, Any]:
        return {"created_by_ref": self.author.id, "created": self.now, "modified": self.now,
                "object_marking_refs": [self.tlp.id]}

    def add_indicators(self, case: Case) -> None:
        for kind, observable in _PATTERNS.items():
            for row in queries.indicators(case, kind=kind, limit=INDICATOR_LIMIT):
                value = row["value"]
                indicator = stix2.Indicator(
                    id=_stable_id("indicator", f"{observable}:{value}"),
                    name=f"{_WHAT[observable]} {value}", description=_sightings(row),
                    pattern=f"[{observable}:value = {quoted(value)}]", pattern_type="stix",
                    valid_from=_when(row["first_seen"]) or self.now,
                    indicator_types=["malicious-activity"], **self.common())
                self.indicators[_key(value)] = indicator.id
                self.objects.append(indicator)

    def add_accounts(self, case: Case, market: Market) -> None:
        bots = {_key(b["username"]): b for b in market.bots}
        for kind in ("telegram", "telegram_bot"):
            for row in queries.indicators(case, kind=kind, limit=INDICATOR_LIMIT):
                self.account(row["value"], bots.get(_key(row["value"])))
        for key, bot in bots.items():
            if key not in self.accounts:
                self.account(bot["username"], bot)

    def account(self, handle: str, bot: dict[str, Any] | None) -> str:
        """The user-account of ``handle``, made on first use."""
        key = _key(handle)
        if key not in self.accounts:
            extra: dict[str, Any] = {}
            if bot is not None:
                extra["is_service_account"] = True
                if bot.get("names"):
                    extra["display_name"] = mask_sensitive(bot["names"][0])
            account = stix2.UserAccount(account_type="telegram", account_login=key,
                                        object_marking_refs=[self.tlp.id], **extra)
            self.accounts[key] = account.id
            self.objects.append(account)
        return self.accounts[key]

    def add_wallets(self, case: Case) -> None:
        for kind, currency in _CURRENCIES.items():
            for row in queries.indicators(case, kind=kind, limit=INDICATOR_LIMIT):
                self.wallet(row["value"], currency)

    def wallet(self, address: str, currency: str) -> str:
        key = _key(address)
        if key not in self.wallets:
            wallet: Any = CryptocurrencyWallet(  # type: ignore[call-arg]
                value=address, currency=currency, object_marking_refs=[self.tlp.id])
            self.wallets[key] = wallet.id
            self.objects.append(wallet)
        return self.wallets[key]

    def add_vendors(self, market: Market) -> None:
        for vendor in market.vendors:
            actor = self.vendor(vendor)
            for chat in vendor["chats"]:
                self.chat_vendors.setdefault(chat["id"], []).append(actor)

    def vendor(self, vendor: dict[str, Any]) -> str:
        names = [mask_sensitive(n) for n in vendor["names"]] or [vendor["id"]]
        aliases = list(dict.fromkeys([*names[1:], *vendor["handles"]]))
        categories = ", ".join(vendor["categories"]) or "nothing classified"
        actor = stix2.ThreatActor(
            id=_stable_id("threat-actor", vendor["id"]), name=names[0],
            threat_actor_types=["criminal"], roles=["agent"],
            description=f"Sells {categories} ({vendor['offers']:,} offers) in "
                        f"{len(vendor['chats']):,} Telegram chats. bazaarwatch vendor "
                        f"{vendor['id']}.",
            first_seen=vendor.get("first_seen"), last_seen=vendor.get("last_seen"),
            **({"aliases": aliases} if aliases else {}), **self.common())
        self.objects.append(actor)
        for handle in [*vendor["handles"], *(c["value"] for c in vendor["contacts"]
                                             if c["type"] in ("telegram", "telegram_bot"))]:
            self.relate(actor.id, "uses", self.account(handle, None))
        for wallet in vendor["wallets"]:
            self.relate(actor.id, "related-to",
                        self.wallet(wallet["value"], _CURRENCIES.get(wallet["type"], "")))
        for value in [*vendor.get("onions", ()), *(c["value"] for c in vendor["contacts"])]:
            if (indicator := self.indicators.get(_key(value))) is not None:
                self.relate(indicator, "indicates", actor.id)
        return str(actor.id)

    def relate(self, source: str, kind: str, target: str) -> None:
        """A relationship, once (a handle is often both a vendor's handle and contact)."""
        ident = _stable_id("relationship", f"{source}:{kind}:{target}")
        if ident not in self.related:
            self.related.add(ident)
            self.objects.append(stix2.Relationship(
                id=ident, source_ref=source, relationship_type=kind, target_ref=target,
                **self.common()))

    def add_evidence(self, case: Case, market: Market) -> None:
        report_id = _stable_id("report", self.name)
        for message in evidence(case, market, limit=EVIDENCE_LIMIT):
            refs = ([_stable_id("threat-actor", message["vendor"])] if message["vendor"]
                    else self.chat_vendors.get(message["chat_id"], [])) or [report_id]
            chat = message["chat"] or message["chat_id"]
            self.objects.append(stix2.Note(
                id=_stable_id("note", f"{message['chat_id']}:{message['message_id']}:"
                                      f"{message['vendor']}"),
                abstract=f"Telegram message {message['message_id']} in {chat}",
                content=message["text"] or "(no text)", authors=["bazaarwatch"],
                labels=list(message["categories"][:5]) or None, object_refs=refs,
                **self.common()))

    def bundle(self) -> stix2.Bundle:
        """The bundle, with the case's report listing every object."""
        refs = [o.id for o in self.objects if o["type"] != "marking-definition"]
        report = stix2.Report(
            id=_stable_id("report", self.name), name=f"bazaarwatch case {self.name}",
            description="Illicit marketplaces found in Telegram chat exports by bazaarwatch.",
            report_types=["threat-actor"], published=self.now, object_refs=refs,
            **self.common())
        return stix2.Bundle(*self.objects, report, allow_custom=True,
                            id=_stable_id("bundle", self.name))


def _sightings(row: Row) -> str:
    chats: Iterable[str] = row["chats"]
    names = [mask_sensitive(str(c)) for c in list(chats)[:5]]
    return f"Seen in {row['messages']:,} messages of {len(row['chats']):,} chats: " \
           + ", ".join(names)

