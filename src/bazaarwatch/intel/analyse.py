"""Compute a case's market map in one read of its messages, and keep it in the case.

Every pass is an accumulator: ``add(record)`` for each message in rowid order, then a
``result`` that may use the passes before it (bots first: networks and vendors name the
bots their messages advertise; links last: it ties everything together). Reading the
case once for all passes (twice, in two processes, for a large case) is what keeps a
million-message case inside a minute.
"""

from __future__ import annotations

import multiprocessing
import os
import time
from collections.abc import Sequence
from concurrent.futures import ProcessPoolExecutor
from typing import Any, Protocol

from bazaarwatch.intel.bots import Bots
from bazaarwatch.intel.links import Links
from bazaarwatch.intel.networks import Networks
from bazaarwatch.intel.posters import OnProgress
from bazaarwatch.intel.trends import Trends
from bazaarwatch.intel.vendors import Vendors
from bazaarwatch.store import market
from bazaarwatch.store.market import Market, Record
from bazaarwatch.store.sqlite import Case

_EVERY = 5000
#: From this many messages on, networks and trends are read in a second process while
#: this one reads for bots, vendors and links: two cores, about 40% less time. Below it,
#: starting that process (about a second) would cost more than it saves.
PARALLEL = 100_000


def analyse(case: Case, *, on_progress: OnProgress | None = None,
            parallel: bool | None = None) -> Market:
    """The market map of ``case`` as it is now (not stored: see ``refresh``).

    ``parallel`` (default: from ``PARALLEL`` messages on, on a machine with two cores or
    more) splits the passes over two processes; both read the same messages (up to the
    highest rowid when the analysis started), so the result is the same either way."""
    chats, senders = market.chats(case), market.senders(case)
    total, until = market.watermark(case)
    if parallel is None:
        parallel = total >= PARALLEL and (os.cpu_count() or 1) > 1
    bots, vendors, links = Bots(chats), Vendors(chats, senders), Links(chats, senders)
    if parallel:
        context = multiprocessing.get_context("spawn")  # no fork of an open SQLite handle
        with ProcessPoolExecutor(1, mp_context=context) as pool:
            side = pool.submit(_networks_and_trends, str(case.path.resolve()), until)
            _read(case, until, (bots, vendors, links), total, on_progress)
            networks, trend = side.result()
    else:
        networks, trends = Networks(chats), Trends(chats)
        _read(case, until, (bots, vendors, links, networks, trends), total, on_progress)
        trend = trends.result()
    found = Market()
    found.bots = bots.result()
    found.networks = networks.result(found.bots)
    found.vendors = vendors.result(found.bots)
    found.trends = trend
    found.links, found.nodes, found.edges = links.result(
        bots=found.bots, networks=found.networks, vendors=found.vendors)
    for kind, members in (("bot", bots.members()), ("network", networks.members()),
                          ("vendor", vendors.members())):
        found.members.update({(kind, item): rowids for item, rowids in members.items()})
    return found


class _Pass(Protocol):
    def add(self, record: Record) -> None: ...


def _read(case: Case, until: int, passes: Sequence[_Pass], total: int,
          on_progress: OnProgress | None) -> None:
    """Every message up to rowid ``until`` through each of ``passes``."""
    for n, record in enumerate(market.records(case, until=until, all_text=False), start=1):
        for p in passes:
            p.add(record)
        if on_progress is not None and n % _EVERY == 0:
            on_progress(n, total)
    if on_progress is not None:
        on_progress(total, total)


def _networks_and_trends(path: str, until: int) -> tuple[Networks, dict[str, Any]]:
    """The second process's half: its own read of the case, for networks and trends."""
    with Case(path, create=False, read_only=True) as case:
        chats = market.chats(case)
        networks, trends = Networks(chats), Trends(chats)
        _read(case, until, (networks, trends), 0, None)
    return networks, trends.result()


def refresh(case: Case, *, on_progress: OnProgress | None = None,
            force: bool = False) -> Market:
    """The case's current map: the stored one when it is current (and not ``force``),
    else computed now, and stored when the case can be written."""
    if not force and market.is_current(case):
        return market.load(case)
    started = time.monotonic()
    messages, top = market.watermark(case)
    found = analyse(case, on_progress=on_progress)
    if not case.read_only:
        market.save(case, found, {"messages": messages, "max_rowid": top,
                                  "seconds": round(time.monotonic() - started, 3)})
    return found
