"""Trends: how much is posted and offered, per category and week, and where it jumps.

Three views of one pass over the case:

- ``series``: messages and offers per ISO week (its Monday, ``posters.week``) and
  category, overall (``"chat": None``) and per chat. A message counts under its top
  category and under ``"all"`` (so total volume is a series too); service messages and
  messages whose date no calendar holds are left out.
- ``new``: per week, how many vendors (posters of offers, ``posters.poster``), wallets
  (crypto indicators) and chats were first seen that week. Records come in rowid order,
  not date order, so each entity keeps the earliest week it was seen in.
- ``spikes``: weeks where a series jumps over its own recent past (see ``_Detector``).

Counts live in one dict of ints per chat, keyed by ``week * _SLOTS + category slot``,
each value holding messages in its low 32 bits and offers above them: one or two dict
updates per message, and the overall series are summed from the per-chat ones at the end
instead of being counted for every message.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from bazaarwatch.dates import FIRST, LAST
from bazaarwatch.intel import posters
from bazaarwatch.model import Chat
from bazaarwatch.store.market import Record

ALL = "all"
WALLETS = frozenset({"btc", "eth", "xmr", "ltc", "trx", "doge", "bch"})
_DAY = 86_400
_SLOTS = 64  # category slots per week in a count key; more categories share the last one
_OTHER = "other"
_MESSAGES = (1 << 32) - 1  # a count's messages; its offers are above
_OFFER = 1 + (1 << 32)  # what an offer adds to a count: a message and an offer
_EPOCH_MONDAY = date(1969, 12, 29)

# Spike detection (tuned on simulated Poisson traffic, see tests/intel/test_trends.py).
WINDOW = 8  # previous weeks in the baseline
MIN_HISTORY = 4  # weeks a series must have behind it before a week can be a spike
MIN_COUNT = 10  # fewer messages in a week is never a spike ("1 -> 3" is noise)
MIN_RATIO = 2.0  # the week must at least double its baseline median
THRESHOLD = 4.0  # robust z-score
MAX_SPIKES = 1000  # strongest kept: every spike is a stored row and a line in the report


def _monday(week: int) -> str:
    """The Monday of a week index as ``YYYY-MM-DD`` (what ``posters.week`` gives for any
    time of that week). A week index counts weeks from the Monday before the epoch
    (1970-01-01 was a Thursday): ``(ts // 86400 + 3) // 7``, the same for every time of
    one ISO week, so ``add`` keys counts without building a date per message."""
    return (_EPOCH_MONDAY + timedelta(weeks=week)).isoformat()


class Trends:
    """The trends pass: ``add`` every record, then ``result``."""

    def __init__(self, chats: Mapping[str, Chat]) -> None:
        self._chats = chats
        self._slots: dict[str, int] = {ALL: 0}
        self._counts: defaultdict[str, defaultdict[int, int]] = defaultdict(
            lambda: defaultdict(int))
        self._first_vendor: dict[str, int] = {}
        self._first_wallet: dict[tuple[str, str], int] = {}

    def add(self, record: Record) -> None:
        ts = record.date
        if record.kind != "message" or not FIRST <= ts <= LAST:
            return
        week = (ts // _DAY + 3) // 7  # see _monday
        base = week * _SLOTS
        counts = self._counts[record.chat_id]
        step = _OFFER if record.offer else 1
        counts[base] += step
        if record.categories:
            top = record.categories[0]
            counts[base + (self._slots.get(top) or self._slot(top))] += step
        if record.offer:
            vendor = posters.poster(record, self._chats.get(record.chat_id))
            if vendor is not None:
                _earliest(self._first_vendor, vendor, week)
        if record.indicators:
            for kind, value in record.indicators:
                if kind in WALLETS:
                    _earliest(self._first_wallet, (kind, value), week)

    def _slot(self, category: str) -> int:
        """The slot of a category seen for the first time (or of ``"all"``, never a
        message's category, which must not be counted twice)."""
        if category == ALL or len(self._slots) >= _SLOTS - 1:
            # hostile or plugin categories past the table share one slot
            return self._slots.setdefault(_OTHER, _SLOTS - 1)
        slot = self._slots[category] = len(self._slots)
        return slot

    def result(self) -> dict[str, list[dict[str, Any]]]:
        """``{"series", "spikes", "new"}`` as ``bazaarwatch trends --json`` prints them."""
        names = [""] * _SLOTS
        for category, slot in self._slots.items():
            names[slot] = category
        overall = _overall(self._counts)
        weeks = {w: _monday(w) for w in {key // _SLOTS for key in overall}}
        first_chat = {chat_id: min(counts) // _SLOTS
                      for chat_id, counts in self._counts.items()}
        spikes = self._spikes(overall, first_chat)
        for spike in spikes:
            spike["week"], spike["category"] = weeks[spike["week"]], names[spike["category"]]
        new: defaultdict[int, dict[str, int]] = defaultdict(
            lambda: {"vendors": 0, "wallets": 0, "chats": 0})
        for field, firsts in (("vendors", self._first_vendor.values()),
                              ("wallets", self._first_wallet.values()),
                              ("chats", first_chat.values())):
            for week in firsts:
                new[week][field] += 1
        return {"series": self._series(overall, names, weeks), "spikes": spikes,
                "new": [{"week": weeks[week], **new[week]} for week in sorted(new)]}

    def _series(self, overall: Mapping[int, int], names: list[str],
                weeks: Mapping[int, str]) -> list[dict[str, Any]]:
        """Every overall and per-chat row, by week, then category ("all" first), then
        chat (overall first). Rows are ordered by one int each (week, category rank,
        table), which sorts several times faster than tuples or a key function."""
        by_rank = sorted(range(_SLOTS), key=lambda slot: (slot != 0, names[slot]))
        rank = {slot: i for i, slot in enumerate(by_rank)}
        chats = sorted(self._counts)
        tables = [overall, *(self._counts[c] for c in chats)]
        width = len(tables)
        order = [((key // _SLOTS) * _SLOTS + rank[key % _SLOTS]) * width + i
                 for i, table in enumerate(tables) for key in table]
        order.sort()
        rows = []
        for position in order:
            at, i = divmod(position, width)
            week, slot = at // _SLOTS, by_rank[at % _SLOTS]
            n = tables[i][week * _SLOTS + slot]
            rows.append({"week": weeks[week], "category": names[slot],
                         "chat": chats[i - 1] if i else None,
                         "messages": n & _MESSAGES, "offers": n >> 32})
        return rows

    def _spikes(self, overall: Mapping[int, int],
                first_chat: Mapping[str, int]) -> list[dict[str, Any]]:
        """Spikes of every (category, chat) series and every overall category series,
        strongest first (weeks and categories still as indices). A chat's series are
        measured from the chat's first week (a category it never posted before counts
        zeros until then: the Covid-vaccine case); overall series from the case's first
        week."""
        if not overall:
            return []
        found = list(_Detector(None, min(first_chat.values())).run(_by_slot(overall)))
        for chat_id, counts in self._counts.items():
            found += _Detector(chat_id, first_chat[chat_id]).run(_by_slot(counts))
        found.sort(key=lambda s: (-s["score"], s["week"], s["category"], s["chat"] or ""))
        del found[MAX_SPIKES:]
        for spike in found:
            chat = self._chats.get(spike["chat"]) if spike["chat"] is not None else None
            spike["chat_name"] = chat.name if chat is not None else None
        return found


def _overall(table: Mapping[str, Mapping[int, int]]) -> dict[int, int]:
    """The counts of every chat added up: the overall series."""
    total: defaultdict[int, int] = defaultdict(int)
    for counts in table.values():
        for key, n in counts.items():
            total[key] += n
    return total


def _by_slot(counts: Mapping[int, int]) -> dict[int, dict[int, int]]:
    """Message counts split into one {week: count} series per category slot."""
    split: defaultdict[int, dict[int, int]] = defaultdict(dict)
    for key, n in counts.items():
        week, slot = divmod(key, _SLOTS)
        split[slot][week] = n & _MESSAGES
    return split


def _earliest(first: dict[Any, int], key: Any, week: int) -> None:
    seen = first.get(key)
    if seen is None or week < seen:
        first[key] = week


@dataclass
class _Detector:
    """Flags the weeks of a series that jump over a robust baseline of the ``WINDOW``
    weeks before them (weeks without messages count as zeros, from ``start`` on).

    score = (count - median) / (1.4826 * MAD + 1 + sqrt(median)). The MAD of eight
    weeks is often 0 or tiny by chance; the floor adds the Poisson noise a count of that
    size has anyway, so steady traffic of any volume stays under ``THRESHOLD``. A spike
    must also reach ``MIN_COUNT`` and ``MIN_RATIO`` times the median. A jump that lasts
    flags every week until it is in the baseline; only its first week is reported, with
    how many weeks in a row were flagged.
    """

    chat: str | None
    start: int

    def run(self, series: Mapping[int, Mapping[int, int]]) -> Iterator[dict[str, Any]]:
        for slot, counts in series.items():
            yield from self._runs(slot, counts)

    def _runs(self, slot: int, counts: Mapping[int, int]) -> Iterator[dict[str, Any]]:
        if max(counts.values()) < MIN_COUNT:  # most series of a large case: no week to check
            return
        onset: dict[str, Any] | None = None
        for week in sorted(counts):
            spike = self._check(slot, counts, week)
            if onset is not None and spike is not None and week == onset["until"] + 1:
                onset["until"] = week
                onset["weeks"] += 1
                continue
            if onset is not None:
                yield _finish(onset)
            onset = spike
        if onset is not None:
            yield _finish(onset)

    def _check(self, slot: int, counts: Mapping[int, int], week: int) -> dict[str, Any] | None:
        count = counts[week]
        if count < MIN_COUNT or week - self.start < MIN_HISTORY:
            return None
        window = [counts.get(w, 0) for w in range(max(self.start, week - WINDOW), week)]
        middle = _median(window)
        spread = 1.4826 * _median([abs(n - middle) for n in window])
        score = (count - middle) / (spread + 1.0 + middle ** 0.5)
        if score < THRESHOLD or count < MIN_RATIO * max(middle, 1.0):
            return None
        return {"category": slot, "chat": self.chat, "week": week, "count": count,
                "baseline": middle, "score": round(score, 2), "until": week, "weeks": 1}


def _finish(spike: dict[str, Any]) -> dict[str, Any]:
    del spike["until"]
    return spike


def _median(values: Iterable[int | float]) -> float:
    ordered = sorted(values)
    n = len(ordered)
    return (ordered[(n - 1) // 2] + ordered[n // 2]) / 2
