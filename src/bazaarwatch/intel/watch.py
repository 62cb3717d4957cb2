"""Watchlists: an analyst's standing questions, asked of every new message of a case.

A rules file is TOML with one ``[[rule]]`` table per question (``examples/watch-rules.toml``
documents every field). A rule matches a message when every condition it gives holds
(AND across fields, OR within a field's list):

- ``keywords``: whole words, case-insensitive, in the text as written or in its matching
  form (``classify.lexicons.matching_form``: homoglyphs, leetspeak, spaced letters and
  invisible characters undone), so "сvv" with a Cyrillic "с" matches ``cvv``;
- ``patterns``: Python regular expressions, searched in the text as written and in its
  folded form (``text.fold``); Python's ``re`` has no time limit, so patterns are capped
  at 500 characters and searched in the first 100,000 characters of a message only;
- ``categories``: the classifier's categories of the message (``Record.categories``, the
  categories over their threshold). A ``min_score`` is refused: the scores are not among
  what the market map reads;
- ``offer``: whether the message offers something for sale;
- ``indicator_types`` and ``indicators``: types, or values normalized as extraction does
  (a card, IBAN or phone number compares on its masked form, as the case stores it);
- ``chats``: chat ids or names; ``vendors``, ``networks``: ids as ``bazaarwatch vendors``
  and ``networks`` print them (the messages of that item in the market map).

``run`` reports what is new since its previous run with the same rules file: messages
with a rowid above the highest one the case held then (kept in ``market_state`` under
``watch:<sha256 of the file>``; editing the file starts over). A message that a later
ingest updates in place keeps its rowid and is not reported again.
"""

from __future__ import annotations

import hashlib
import re
import tomllib
import urllib.error
import urllib.request
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import orjson

from bazaarwatch.classify.lexicons import matching_form
from bazaarwatch.classify.taxonomy import IDS
from bazaarwatch.errors import InputError, OutputError, StoreError
from bazaarwatch.indicators import Extractor, patterns, types
from bazaarwatch.indicators.redaction import SENSITIVE, mask, mask_sensitive
from bazaarwatch.intel import posters
from bazaarwatch.model import Chat
from bazaarwatch.store import market
from bazaarwatch.store.market import Record
from bazaarwatch.store.sqlite import Case
from bazaarwatch.text import fold

MAX_FILE = 1 << 20  # bytes of a rules file
MAX_PATTERN = 500  # characters of one regular expression
MAX_SEARCHED = 100_000  # characters of a message that keywords and patterns see
MAX_VALUES = 1000  # entries of one list field
MAX_TEXT = 1000  # characters of message text in a match
MAX_INDICATORS = 50  # indicators listed in a match
_LISTS = ("keywords", "patterns", "categories", "indicator_types", "indicators", "chats",
          "vendors", "networks")
FIELDS = ("name", "offer", *_LISTS)
_EXAMPLE = "see examples/watch-rules.toml"
_WHERE = re.compile(r"\(at (line \d+, column \d+|end of document)\)")


@dataclass(frozen=True)
class Rule:
    """One ``[[rule]]``, checked and compiled. Empty fields are conditions not given."""

    name: str
    keywords: re.Pattern[str] | None = None  # on the text as written, lower case
    folded_keywords: re.Pattern[str] | None = None  # on the matching form
    patterns: tuple[re.Pattern[str], ...] = ()
    categories: frozenset[str] = frozenset()
    offer: bool | None = None
    indicator_types: frozenset[str] = frozenset()
    indicators: frozenset[tuple[str, str]] = frozenset()  # (type, normalized as stored)
    chats: tuple[str, ...] = ()
    vendors: tuple[str, ...] = ()
    networks: tuple[str, ...] = ()


@dataclass(frozen=True)
class Rules:
    """A loaded rules file; ``key`` names its position in the case."""

    path: Path
    digest: str
    rules: tuple[Rule, ...]

    @property
    def key(self) -> str:
        return f"watch:{self.digest}"


# -- loading ----------------------------------------------------------------------------

def load_rules(path: Path) -> Rules:
    """Read and check a rules file; every problem is an ``InputError`` naming the file,
    the line (where TOML gives one), the rule and the field, and the fix."""
    raw = _read(path)
    try:
        document = tomllib.loads(raw.decode("utf-8"))
    except UnicodeDecodeError as e:
        raise InputError(str(path), "not UTF-8 text", hint="Save the rules file as UTF-8") from e
    except tomllib.TOMLDecodeError as e:
        where = _WHERE.search(str(e))
        raise InputError(str(path), f"not valid TOML: {_WHERE.sub('', str(e)).strip()}",
                         where=where.group(1) if where else None,
                         hint=f"Fix the TOML syntax there ({_EXAMPLE})") from e
    unknown = sorted(set(document) - {"rule"})
    if unknown:
        raise InputError(str(path), f"unknown top-level key {unknown[0]!r}",
                         hint=f"Write each rule as a [[rule]] table ({_EXAMPLE})")
    tables = document.get("rule", [])
    if isinstance(tables, dict):
        raise InputError(str(path), "[rule] is a single table",
                         hint="Write [[rule]] (double brackets) before each rule")
    if not isinstance(tables, list) or not tables:
        raise InputError(str(path), "no [[rule]] table",
                         hint=f"Add at least one [[rule]] with a name ({_EXAMPLE})")
    rules = [_rule(path, i, table) for i, table in enumerate(tables, start=1)]
    seen: set[str] = set()
    for rule in rules:
        if rule.name in seen:
            raise InputError(str(path), f"two rules are named {rule.name!r}",
                             where=f"rule {rule.name!r}", hint="Give each rule its own name")
        seen.add(rule.name)
    return Rules(path=path, digest=hashlib.sha256(raw).hexdigest(), rules=tuple(rules))


def _read(path: Path) -> bytes:
    try:
        with path.open("rb") as stream:
            raw = stream.read(MAX_FILE + 1)
    except OSError as e:
        raise InputError(str(path), f"cannot read: {e.strerror}",
                         hint="Give the path of a TOML rules file") from e
    if len(raw) > MAX_FILE:
        raise InputError(str(path), f"larger than {MAX_FILE:,} bytes",
                         hint="Split the rules into several files")
    return raw


class _Fields:
    """Reads the fields of one rule table, naming the rule and field in every error."""

    def __init__(self, path: Path, number: int, table: Mapping[str, Any]) -> None:
        self.path = path
        self.table = table
        name = table.get("name")
        self.rule = repr(name) if isinstance(name, str) and name.strip() else f"#{number}"

    def fail(self, key: str, problem: str, hint: str) -> InputError:
        return InputError(str(self.path), problem, where=f"rule {self.rule}, field {key!r}",
                          hint=hint)

    def strings(self, key: str) -> list[str]:
        """A list of non-empty strings (numbers are read as their digits: chat ids)."""
        value = self.table.get(key, [])
        if not isinstance(value, list):
            raise self.fail(key, "must be a list", f'Write it as {key} = ["…", "…"]')
        if len(value) > MAX_VALUES:
            raise self.fail(key, f"more than {MAX_VALUES} entries", "Split the rule")
        found = []
        for item in value:
            if isinstance(item, int) and not isinstance(item, bool):
                item = str(item)
            if not isinstance(item, str) or not item.strip():
                raise self.fail(key, f"{item!r} is not a non-empty string",
                                f'Write each entry in quotes: {key} = ["…"]')
            found.append(item.strip())
        return found

    def choices(self, key: str, allowed: tuple[str, ...]) -> frozenset[str]:
        """A list of strings, each one of ``allowed`` (categories, indicator types)."""
        values = self.strings(key)
        for value in values:
            if value not in allowed:
                raise self.fail(key, f"unknown value {value!r}",
                                f"Use one of: {', '.join(allowed)}")
        return frozenset(values)


def _rule(path: Path, number: int, table: Any) -> Rule:
    if not isinstance(table, dict):
        raise InputError(str(path), f"rule #{number} is not a table",
                         hint=f"Write each rule as a [[rule]] table ({_EXAMPLE})")
    fields = _Fields(path, number, table)
    name = table.get("name")
    if not isinstance(name, str) or not name.strip():
        raise fields.fail("name", "missing or empty", 'Give the rule a name = "…"')
    if "min_score" in table:
        raise fields.fail("min_score", "is not supported: categories match the "
                          "classifier's verdict (the categories over its threshold)",
                          "Remove min_score and keep categories")
    for key in table:
        if key not in FIELDS:
            raise fields.fail(key, "unknown field", f"Use only: {', '.join(FIELDS)}")
    offer = table.get("offer")
    if offer is not None and not isinstance(offer, bool):
        raise fields.fail("offer", "must be true or false", "Write offer = true")
    if offer is None and not any(table.get(key) for key in _LISTS):
        raise fields.fail("name", "the rule has no condition, so it would match every "
                          "message", f"Add keywords, patterns, categories, … ({_EXAMPLE})")
    keywords = fields.strings("keywords")
    return Rule(
        name=name.strip(),
        keywords=_words([k.lower() for k in keywords]),
        folded_keywords=_words([matching_form(k) for k in keywords]),
        patterns=tuple(_pattern(fields, p) for p in fields.strings("patterns")),
        categories=fields.choices("categories", IDS),
        offer=offer,
        indicator_types=fields.choices("indicator_types", tuple(types())),
        indicators=frozenset(pair for value in fields.strings("indicators")
                             for pair in _indicator(fields, value)),
        chats=tuple(fields.strings("chats")),
        vendors=tuple(fields.strings("vendors")),
        networks=tuple(fields.strings("networks")))


def _words(keywords: list[str]) -> re.Pattern[str] | None:
    """One alternation of whole words (longest first, so "cvv" does not hide "cvv2")."""
    words = sorted({k for k in keywords if k}, key=len, reverse=True)
    if not words:
        return None
    return re.compile(r"(?<!\w)(?:" + "|".join(map(re.escape, words)) + r")(?!\w)")


def _pattern(fields: _Fields, pattern: str) -> re.Pattern[str]:
    if len(pattern) > MAX_PATTERN:
        raise fields.fail("patterns", f"a pattern is longer than {MAX_PATTERN} characters",
                          "Shorten it, or split it into several patterns")
    try:
        return re.compile(pattern)
    except re.error as e:
        raise fields.fail("patterns", f"{pattern!r} is not a valid regular expression: {e}",
                          "Fix the expression (Python re syntax; in TOML write it in "
                          "single quotes so backslashes stay as they are)") from e


@cache
def _extractor() -> Extractor:
    """The extractor for rule values: Python ``re``, which compiles in a third of the
    time hyperscan takes, and a rules file holds a handful of values."""
    return Extractor(patterns(), use_hyperscan=False)


def _indicator(fields: _Fields, value: str) -> list[tuple[str, str]]:
    """(type, normalized as the case stores it) of an indicator value: what extraction
    finds in it, when one indicator covers the whole value."""
    found = _extractor().extract(value)
    if not any(i.start == 0 and i.end == len(value) for i in found):
        raise fields.fail("indicators", f"{value!r} is not an indicator bazaarwatch "
                          "extracts (a wallet, onion, handle, URL, e-mail, phone, ...)",
                          "Give one whole value as it is written in messages; "
                          "'bazaarwatch extract' shows what is recognized")
    return [(i.type, mask(i.type, i.normalized) if i.type in SENSITIVE else i.normalized)
            for i in found]


# -- matching ---------------------------------------------------------------------------

class _Text:
    """The forms of one message's text, each made when a rule first asks for it."""

    __slots__ = ("_folded", "_lower", "_matching", "raw")

    def __init__(self, text: str) -> None:
        self.raw = text[:MAX_SEARCHED]
        self._lower: str | None = None
        self._matching: str | None = None
        self._folded: str | None = None

    @property
    def lower(self) -> str:
        if self._lower is None:
            self._lower = self.raw.lower()
        return self._lower

    @property
    def matching(self) -> str:
        if self._matching is None:
            self._matching = matching_form(self.raw)
        return self._matching

    @property
    def folded(self) -> str:
        if self._folded is None:
            self._folded = fold(self.raw).text
        return self._folded


@dataclass
class _Active:
    """A rule with the case-dependent parts resolved: chat names to ids, vendors and
    networks to the rowids of their messages."""

    rule: Rule
    chats: frozenset[str] | None
    members: dict[int, list[str]] | None  # rowid -> "vendor:<id>" / "network:<id>"

    def check(self, record: Record, text: _Text) -> list[str] | None:
        """Why ``record`` matches (one entry per condition), or None. The conditions
        are tried cheapest first; keywords and patterns last."""
        rule = self.rule
        why: list[str] = []
        if self.chats is not None:
            if record.chat_id not in self.chats:
                return None
            why.append(f"chat:{record.chat_id}")
        if rule.offer is not None:
            if record.offer != rule.offer:
                return None
            why.append("offer" if rule.offer else "not offer")
        if rule.categories:
            hit = [c for c in record.categories if c in rule.categories]
            if not hit:
                return None
            why += [f"category:{c}" for c in hit]
        if self.members is not None:
            member = self.members.get(record.rowid)
            if member is None:
                return None
            why += member
        if self._indicators(record, why) is None:
            return None
        return self._text(text, why)

    def _indicators(self, record: Record, why: list[str]) -> list[str] | None:
        rule = self.rule
        if rule.indicator_types:
            hit = sorted({t for t, _ in record.indicators if t in rule.indicator_types})
            if not hit:
                return None
            why += [f"indicator_type:{t}" for t in hit]
        if rule.indicators:
            pairs = [p for p in dict.fromkeys(record.indicators) if p in rule.indicators]
            if not pairs:
                return None
            why += [f"indicator:{t}:{v}" for t, v in pairs]
        return why

    def _text(self, text: _Text, why: list[str]) -> list[str] | None:
        rule = self.rule
        if rule.keywords is not None and rule.folded_keywords is not None:
            words = set(rule.keywords.findall(text.lower))
            if not words:
                words = set(rule.folded_keywords.findall(text.matching))
            if not words:
                return None
            why += [f"keyword:{w}" for w in sorted(words)]
        if rule.patterns:
            hit = [p.pattern for p in rule.patterns
                   if p.search(text.raw) or p.search(text.folded)]
            if not hit:
                return None
            why += [f"pattern:{p}" for p in hit]
        return why


def matches(case: Case, rules: Rules, *, since: int | None = None) -> Iterator[dict[str, Any]]:
    """Every match of ``rules`` in the messages of ``case`` after rowid ``since`` (all
    when None), in rowid order, as JSON-ready objects (see ``_match``)."""
    return _matches(case, rules, after=since or 0, until=None)


def _matches(case: Case, rules: Rules, *, after: int,
             until: int | None) -> Iterator[dict[str, Any]]:
    chats = market.chats(case)
    active = [_activate(case, rule, chats) for rule in rules.rules]
    senders: dict[str, str | None] | None = None
    for record in market.records(case, after=after):
        if until is not None and record.rowid > until:
            return
        if record.kind != "message":
            continue
        text = _Text(record.text)
        for rule in active:
            why = rule.check(record, text)
            if why is None:
                continue
            if senders is None:
                senders = market.senders(case)
            yield _match(record, rule.rule.name, why, chats, senders)


def _activate(case: Case, rule: Rule, chats: Mapping[str, Chat]) -> _Active:
    wanted = {c.casefold() for c in rule.chats}
    ids = frozenset(i for i, chat in chats.items()
                    if i in rule.chats or (chat.name or "").casefold() in wanted)
    members: dict[int, list[str]] | None = None
    if rule.vendors or rule.networks:
        members = {}
        lookup = _members(case)
        for kind, items in (("vendor", rule.vendors), ("network", rule.networks)):
            for item in items:
                for rowid in lookup(kind, item):
                    members.setdefault(rowid, []).append(f"{kind}:{item}")
    return _Active(rule=rule, chats=ids if rule.chats else None, members=members)


def _members(case: Case) -> Callable[[str, str], list[int]]:
    """How to find the messages of a vendor or network: from the stored market map when
    it is current, else from a map computed now (and stored, when the case is writable)."""
    if market.is_current(case):
        return lambda kind, item: market.members(case, kind, item)
    from bazaarwatch.intel.analyse import refresh  # every pass: only such rules need it

    found = refresh(case).members
    return lambda kind, item: found.get((kind, item), [])


def _match(record: Record, rule: str, why: list[str], chats: Mapping[str, Chat],
           senders: Mapping[str, str | None]) -> dict[str, Any]:
    """A match as ``bazaarwatch watch`` prints it (one JSON line) and posts it."""
    chat = chats.get(record.chat_id)
    sender = None
    if record.sender_id is not None:
        name = senders.get(record.sender_id)
        sender = {"id": record.sender_id, "name": mask_sensitive(name) if name else name}
    chat_name = chat.name if chat is not None else None
    return {
        "rule": rule,
        "chat": {"id": record.chat_id, "name": mask_sensitive(chat_name) if chat_name else None},
        "message_id": record.message_id, "rowid": record.rowid,
        "date": posters.iso(record.date), "sender": sender,
        "categories": record.categories, "offer": record.offer,
        "text": mask_sensitive(record.text[:MAX_SEARCHED])[:MAX_TEXT],
        "indicators": [{"type": t, "value": v}
                       for t, v in list(dict.fromkeys(record.indicators))[:MAX_INDICATORS]],
        "why": why,
    }


# -- running and delivering -------------------------------------------------------------

def run(case: Case, rules: Rules, path_key: str | None = None, *,
        deliver: Callable[[dict[str, Any]], None] | None = None) -> list[dict[str, Any]]:
    """The matches new since the last run of the same rules on ``case``; the first run
    reports everything. ``path_key`` is the ``market_state`` key of the position
    (default ``rules.key``). Each match is handed to ``deliver`` (a webhook) first; the
    position moves only once all were delivered, so a failed delivery is retried next
    run (matches delivered before it are then delivered again)."""
    if case.read_only:
        raise StoreError(f"{case.path}: the case is read-only, and watch keeps its "
                         "position in it. Make the case file and its folder writable")
    key = path_key or rules.key
    stored = market.state(case, key)
    since = int(stored) if stored and stored.isdigit() else 0
    _, top = market.watermark(case)
    found = []
    for match in _matches(case, rules, after=since, until=top):
        if deliver is not None:
            deliver(match)
        found.append(match)
    market.set_state(case, key, str(top))
    return found


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    """A redirected POST would be re-sent as a GET without its body: refuse it."""

    def redirect_request(self, *args: Any, **kwargs: Any) -> None:
        return None


def post(url: str, match: dict[str, Any], *, timeout: float = 10) -> None:
    """POST ``match`` as JSON to a webhook. Errors name the host (not the whole URL:
    webhook URLs often hold a secret token) and what went wrong."""
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise InputError("webhook URL", f"not an http(s) URL (scheme {parts.scheme!r})",
                         hint="Give a URL such as https://hooks.example.org/bazaarwatch")
    request = urllib.request.Request(
        url, data=orjson.dumps(match), method="POST",
        headers={"Content-Type": "application/json", "User-Agent": "bazaarwatch-watch"})
    opener = urllib.request.build_opener(_NoRedirect)
    where = f"webhook {parts.scheme}://{parts.hostname}"
    try:
        with opener.open(request, timeout=timeout) as response:
            response.read(1 << 16)
    except urllib.error.HTTPError as e:
        raise OutputError(f"{where} answered HTTP {e.code} {e.reason}; the match was not "
                          "delivered (the next run sends it again)") from e
    except (urllib.error.URLError, OSError) as e:
        reason = getattr(e, "reason", e)
        raise OutputError(f"{where} cannot be reached: {reason}; the match was not "
                          "delivered (the next run sends it again)") from e
