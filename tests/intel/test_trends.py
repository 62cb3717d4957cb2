"""Trends: weekly series per category and chat, first appearances, and spikes that flag a
trade appearing (the fake Covid-vaccine case) without crying wolf on steady traffic."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from conftest import tg_chat, tg_message, tg_service, unix, write_account_export

from bazaarwatch.classify.model import Classifier
from bazaarwatch.dates import LAST
from bazaarwatch.indicators import default_extractor
from bazaarwatch.ingest import Options, ingest, plan
from bazaarwatch.intel import posters
from bazaarwatch.intel.trends import MIN_COUNT, Trends
from bazaarwatch.model import Chat
from bazaarwatch.store import market
from bazaarwatch.store.market import Record
from bazaarwatch.store.sqlite import Case

WEEK = 7 * 86_400
MONDAY = unix(2023, 1, 2, 9)  # a Monday
CHANNEL = Chat(id="1700000001", name="Vax Pass 24/7", type="public_channel")
GROUP = Chat(id="1700000002", name="Барахолка", type="private_supergroup")
CHATS = {c.id: c for c in (CHANNEL, GROUP)}


def record(rowid: int, date: int, *, chat: Chat = GROUP, categories: Sequence[str] = (),
           offer: bool = False, kind: str = "message", sender: str | None = "user1001",
           indicators: Sequence[tuple[str, str]] = ()) -> Record:
    return Record(rowid=rowid, chat_id=chat.id, message_id=rowid, date=date, kind=kind,
                  text="", sender_id=sender, forwarded_from=None, via_bot=None,
                  from_bot=False, buttons=[], categories=list(categories),
                  offer=offer, indicators=list(indicators))


def trends_of(records: Sequence[Record]) -> dict[str, list[dict[str, Any]]]:
    trends = Trends(CHATS)
    for r in records:
        trends.add(r)
    return trends.result()


def rows(result: dict[str, list[dict[str, Any]]]) -> dict[tuple[str, str, str | None],
                                                         tuple[int, int]]:
    return {(r["week"], r["category"], r["chat"]): (r["messages"], r["offers"])
            for r in result["series"]}


# -- series and first appearances ------------------------------------------------------------

@pytest.mark.parametrize("ts", [0, 3 * 86_400, 4 * 86_400 - 1, 4 * 86_400,
                                unix(2024, 1, 7, 23, 59) + 59, unix(2024, 1, 8, 0, 0),
                                unix(2024, 2, 29), unix(2020, 12, 31, 23), LAST])
def test_weeks_are_the_mondays_posters_gives(ts: int) -> None:
    result = trends_of([record(1, ts)])
    assert [r["week"] for r in result["series"]] == [posters.week(ts)] * 2


def test_series_count_messages_and_offers_per_week_category_and_chat() -> None:
    monday, sunday, next_week = MONDAY, MONDAY + 6 * 86_400, MONDAY + WEEK
    result = trends_of([
        record(1, monday, categories=["carding", "personal-data"], offer=True),
        record(2, sunday, categories=["carding"]),
        record(3, sunday, chat=CHANNEL, categories=["medical-fraud"], offer=True,
               sender=f"channel{CHANNEL.id}"),
        record(4, next_week),  # not illicit: volume only
        record(5, monday, kind="service"),  # a join: not a message
        record(6, LAST + 1, categories=["carding"]),  # a date no calendar holds
    ])
    week1, week2 = posters.week(monday), posters.week(next_week)
    assert rows(result) == {
        (week1, "all", None): (3, 2), (week1, "carding", None): (2, 1),
        (week1, "medical-fraud", None): (1, 1),
        (week1, "all", GROUP.id): (2, 1), (week1, "carding", GROUP.id): (2, 1),
        (week1, "all", CHANNEL.id): (1, 1), (week1, "medical-fraud", CHANNEL.id): (1, 1),
        (week2, "all", None): (1, 0), (week2, "all", GROUP.id): (1, 0),
    }
    first = result["series"][0]
    assert set(first) == {"week", "category", "chat", "messages", "offers"}
    assert (first["week"], first["category"], first["chat"]) == (week1, "all", None)


def test_new_vendors_wallets_and_chats_count_the_earliest_week_not_the_first_row() -> None:
    wallet = ("btc", "bc1qar0srrr7xfkvy5l643lydnw9re59gtzzwf5mdq")
    other = ("eth", "0x52908400098527886e0f7030069857d2e4169ee7")
    later = MONDAY + 3 * WEEK
    result = trends_of([
        # Read first, dated later: the wallet and the vendor are new in week 1, not week 4.
        record(1, later, categories=["drugs"], offer=True, indicators=[wallet]),
        record(2, MONDAY, categories=["drugs"], offer=True, indicators=[wallet]),
        record(3, later, sender="user2002", offer=True,
               indicators=[("telegram", "@dealer"), other]),
        record(4, later, sender="user3003"),  # posts, offers nothing: not a vendor
        # Channel posts are the channel's own: one vendor, whoever the sender field says.
        record(5, later, chat=CHANNEL, sender=f"channel{CHANNEL.id}", offer=True),
        record(6, later, chat=CHANNEL, sender=None, offer=True),
    ])
    assert result["new"] == [
        {"week": posters.week(MONDAY), "vendors": 1, "wallets": 1, "chats": 1},
        {"week": posters.week(later), "vendors": 2, "wallets": 1, "chats": 1},
    ]


def test_an_empty_case_has_empty_trends() -> None:
    assert trends_of([record(1, MONDAY, kind="service")]) == {
        "series": [], "spikes": [], "new": []}


# -- spikes ------------------------------------------------------------------------------------

def poisson_traffic(seed: int, weeks: int, rates: dict[str, float],
                    chats: Sequence[Chat]) -> Iterator[Record]:
    """Steady traffic: each (chat, category) posts a Poisson number of messages a week."""
    rng = np.random.default_rng(seed)
    rowid = 0
    for week in range(weeks):
        for chat in chats:
            for category, rate in rates.items():
                for _ in range(int(rng.poisson(rate))):
                    rowid += 1
                    yield record(rowid, MONDAY + week * WEEK + int(rng.integers(WEEK)),
                                 chat=chat, categories=[category] if category else [],
                                 offer=bool(category) and rng.random() < 0.6)


STEADY = {"": 60.0, "carding": 25.0, "drugs": 12.0, "accounts": 6.0, "hacking": 2.5,
          "scam": 1.0, "medical-fraud": 0.3}
MANY = [Chat(id=str(1_800_000_000 + i), name=f"chat {i}", type="public_supergroup")
        for i in range(6)]


def test_steady_traffic_raises_no_spike() -> None:
    trends = Trends({c.id: c for c in MANY})
    for r in poisson_traffic(2024, 52, STEADY, MANY):
        trends.add(r)
    result = trends.result()
    checked = {(r["category"], r["chat"]) for r in result["series"]}
    assert len(checked) >= 7 * 7 - 2  # 7 categories ("all" too), 6 chats and overall
    assert result["spikes"] == []


def test_a_trade_appearing_is_the_strongest_spike() -> None:
    """0 Covid-vaccine posts for 30 weeks, then 40 a week: flagged once, at its onset,
    in the chat and overall; the chat's steady other traffic is not flagged."""
    steady = list(poisson_traffic(7, 34, {"": 20.0, "carding": 8.0}, [CHANNEL]))
    rowid = len(steady)
    onset = MONDAY + 30 * WEEK
    covid = []
    for week in range(4):
        for i in range(40):
            rowid += 1
            covid.append(record(rowid, onset + week * WEEK + i * 3600, chat=CHANNEL,
                                categories=["medical-fraud"], offer=True))
    result = trends_of(steady + covid)
    spikes = result["spikes"]
    covid_spikes = [s for s in spikes if s["category"] == "medical-fraud"]
    assert {s["chat"] for s in covid_spikes} == {CHANNEL.id, None}
    top = spikes[0]
    assert top["category"] == "medical-fraud"
    assert (top["week"], top["count"], top["baseline"]) == (posters.week(onset), 40, 0.0)
    assert top["weeks"] == 4 and top["score"] > 10
    assert top["chat_name"] in (CHANNEL.name, None)
    assert [s["score"] for s in spikes] == sorted((s["score"] for s in spikes), reverse=True)
    assert all(s["category"] in ("medical-fraud", "all") for s in spikes)


def test_small_jumps_are_not_spikes() -> None:
    """A quiet chat going from 1 message a week to 3, or to MIN_COUNT - 1, is noise; the
    same chat going to 30 is not."""
    quiet = [record(i + 1, MONDAY + i * WEEK) for i in range(20)]
    jump = [record(100 + i, MONDAY + 20 * WEEK + i) for i in range(MIN_COUNT - 1)]
    assert trends_of(quiet + jump[:2])["spikes"] == []
    assert trends_of(quiet + jump)["spikes"] == []
    burst = [record(200 + i, MONDAY + 20 * WEEK + i) for i in range(30)]
    found = trends_of(quiet + burst)["spikes"]
    assert [(s["category"], s["count"], s["baseline"]) for s in found] == [
        ("all", 30, 1.0), ("all", 30, 1.0)]  # the chat, and the case overall


def test_a_new_chat_is_not_a_spike_in_its_first_weeks() -> None:
    """Without four weeks of history there is no baseline: a chat's first busy week is
    a new chat (``new``), not a jump."""
    busy = [record(i + 1, MONDAY + (i % 3) * WEEK) for i in range(90)]
    result = trends_of(busy)
    assert result["spikes"] == []
    assert result["new"][0]["chats"] == 1


# -- end to end: a real ingested case ----------------------------------------------------------

COVID = ["Продаю сертификат о вакцинации от COVID-19 с QR-кодом, внесение в базу госуслуг. "
         "Пишите @vax_doc, {n} шт в наличии",
         "Sputnik V vaccination certificate, real QR code, delivery in 24h, DM @vax_doc #{n}",
         "Moderna vaccine card CDC, blank or filled, cheap, escrow ok. Batch {n}",
         "Сертификат прививки без укола, QR на госуслугах, оплата BTC. Осталось {n}",
         "Купить ковидный сертификат, ПЦР тест отрицательный, справка за 1 день. Код {n}"]
NEWS = ["City council meets on Tuesday to discuss the new park (item {n})",
        "Погода на выходные: солнечно, +{n}",
        "Traffic update: bridge {n} is closed for repairs until Friday",
        "Новости района: открылась новая библиотека №{n}"]


def vax_channel() -> list[dict[str, Any]]:
    """Ten weeks of local news, then two weeks in which the channel sells Covid passes."""
    sender: dict[str, Any] = {"sender": CHANNEL.name, "sender_id": f"channel{CHANNEL.id}"}
    posts, n = [], 0
    for week in range(12):
        selling = week >= 10
        for i in range(14 if selling else 3):
            n += 1
            template = (COVID if selling else NEWS)[i % (5 if selling else 4)]
            text: str | list[Any] = template.format(n=n)
            if selling and i % 5 == 0:  # tdesktop writes formatted text as entity lists
                text = [{"type": "bold", "text": "SALE"}, " " + template.format(n=n)]
            posts.append(tg_message(n, text, date=MONDAY + week * WEEK + i * 3600, **sender))
    posts.append(tg_message(n + 1, "", date=MONDAY + 5 * WEEK, photo="photos/p.jpg",
                            width=800, height=600, **sender))  # a photo without a caption
    return posts


def noise_group() -> list[dict[str, Any]]:
    return [tg_service(1, "invite_members", date=MONDAY, members=["Bob"]),
            tg_message(2, "всем привет", date=MONDAY + 3600),
            tg_message(3, "seen this?", date=MONDAY + 2 * WEEK, sender="Bob",
                       sender_id="user1002", forwarded_from=CHANNEL.name),
            tg_message(4, "", date=MONDAY + 2 * WEEK, sender="Bob", sender_id="user1002",
                       via_bot="@gif", photo="photos/g.jpg", width=320, height=240)]


@pytest.fixture(scope="module")
def ingested(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("trends")
    export = write_account_export(folder / "export", [
        tg_chat(vax_channel(), name=CHANNEL.name, type="public_channel", id=int(CHANNEL.id)),
        tg_chat(noise_group(), name=GROUP.name, type="private_supergroup", id=int(GROUP.id))])
    with Case(folder / "case.db") as case:
        options = Options(extractor=default_extractor(), classifier=Classifier.load())
        results = ingest(case, plan([export]), options=options)
    assert [r.status for r in results] == ["done"]
    return folder / "case.db"


def test_an_ingested_case_shows_the_covid_trade_appearing(ingested: Path) -> None:
    with Case(ingested, read_only=True) as case:
        trends = Trends(market.chats(case))
        for r in market.records(case):
            trends.add(r)
        flagged = case.db.execute(
            "SELECT count(*) FROM verdicts WHERE top_category = 'medical-fraud'").fetchone()[0]
    result = trends.result()
    series = rows(result)
    onset, last = posters.week(MONDAY + 10 * WEEK), posters.week(MONDAY + 11 * WEEK)
    assert onset is not None and last is not None
    first, photo = posters.week(MONDAY), posters.week(MONDAY + 5 * WEEK)
    assert first is not None and photo is not None
    assert series[(first, "all", GROUP.id)] == (1, 0)  # the join is left out
    assert series[(photo, "all", CHANNEL.id)] == (4, 0)  # the photo without a caption
    covid = {week: series.get((week, "medical-fraud", CHANNEL.id), (0, 0))
             for week in (onset, last)}
    assert sum(m for m, _ in covid.values()) == flagged >= 2 * MIN_COUNT
    assert all(m >= MIN_COUNT for m, _ in covid.values())
    assert all(offers >= 1 for _, offers in covid.values())
    top = result["spikes"][0]
    assert (top["category"], top["week"], top["baseline"]) == ("medical-fraud", onset, 0.0)
    assert top["chat"] in (CHANNEL.id, None) and top["weeks"] == 2
    assert {(s["category"], s["chat"]) for s in result["spikes"]} >= {
        ("medical-fraud", CHANNEL.id), ("medical-fraud", None)}
    new = {r["week"]: r for r in result["new"]}
    assert new[posters.week(MONDAY)]["chats"] == 2
    assert new[onset]["vendors"] == 1  # the channel, selling for the first time
