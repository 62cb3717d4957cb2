"""The report's market-map sections: shops and shop bots, networks, vendors, links, trends.

Most tests hand ``render`` a ``Market`` built here in the shapes of issue 10, so they check
the page and not the passes; the last one runs ``scan`` on the bundled example and needs
the passes (``intel/``) to find what the example holds.
"""

from __future__ import annotations

import json
import re
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pytest
from conftest import BARAHOLKA, CARD_SHOP, bw
from test_report import Page

from bazaarwatch.outputs.report import ROWS, WEEKS, render, trend_chart
from bazaarwatch.store.market import Market
from bazaarwatch.store.sqlite import Case

EXAMPLE = Path(__file__).resolve().parents[2] / "examples" / "telegram_export"
SCRIPT = "<script>alert(1)</script>"
IMG = '"><img src=x onerror=alert(1)>'
RLO = "\u202e"
WALLET = "bc1qar0srrr7xfkvy5l643lydnw9re59gtzzwf5mdq"
CARDHOUSE = {"id": "2041873659", "name": "CardHouse ✦ CVV & Gift Cards"}
BARAHOLKA_CHAT = {"id": "1876302954", "name": "Барахолка 24/7 ✦ Vendors & Buyers"}


def bot(username: str, *, shop: bool, messages: int, **extra: Any) -> dict[str, Any]:
    return {"username": username, "names": [], "chats": [CARDHOUSE], "categories": {},
            "messages": messages, "offers": 0, "shop": shop, "menu": [], "how": ["inline bot"],
            "first_seen": "2024-01-02T10:00:00Z", "last_seen": "2024-01-02T11:00:00Z",
            **extra}


def vendor(ident: str, offers: int, **extra: Any) -> dict[str, Any]:
    return {"id": ident, "names": [ident], "handles": [], "senders": [], "chats": [],
            "categories": {}, "offers": offers, "prices": {}, "wallets": [], "contacts": [],
            "first_seen": "2024-01-01T00:00:00Z", "last_seen": "2024-02-01T00:00:00Z",
            "kind": "sender", "payments": [], "onions": [], "reputation": {}, **extra}


def link(reason: str, score: float, value: str, kind: str = "btc") -> dict[str, Any]:
    return {"a": {"kind": "chat", "id": "chat:2041873659", "name": CARDHOUSE["name"]},
            "b": {"kind": "vendor", "id": f"sender:{reason}", "name": f"vendor {reason}"},
            "reason": reason, "evidence": [{"type": kind, "value": value}], "score": score}


def televend() -> Market:
    """The example's market as the passes should see it: a shop bot advertised by a card
    channel and a flea market, one network of restock posts, vendors paying to one wallet."""
    return Market(
        bots=[
            bot("@shophelperbot", shop=False, messages=40),
            bot("@nightmarketshopbot", shop=True, messages=9, offers=7,
                names=["Night Market", "@nightmarketshopbot"],
                chats=[CARDHOUSE, BARAHOLKA_CHAT],
                categories={"gift-cards": 3, "carding": 5}, how=["bot chat", "advertised"],
                menu=["🛒 Catalog", "💰 Top up balance", "🧾 Orders", "⭐ Reviews"],
                first_seen="2024-01-15T16:04:14Z", last_seen="2024-04-02T09:00:00Z"),
        ],
        networks=[{
            "id": "n1", "chats": [CARDHOUSE, {"id": "2041873660", "name": "CardHouse mirror"}],
            "bots": ["@nightmarketshopbot", "@nightmarket_2bot"], "messages": 12,
            "categories": {"carding": 12}, "skeleton": "🔥 RESTOCK — <n> fresh <flag> CVV",
            "example": "🔥 RESTOCK — 1600 fresh 🇨🇦 CA CVV, valid rate 86%",
            "first_seen": "2024-01-20T00:00:00Z", "last_seen": "2024-04-01T00:00:00Z",
            "why": "one offer template in 2 chats and 2 bots", "posters": 2}],
        vendors=[
            vendor("SoftKeys", 2, categories={"pirated-content": 2}),
            vendor("CardHouse", 14, chats=[CARDHOUSE, BARAHOLKA_CHAT],
                   handles=["@cardhouse_support"], categories={"carding": 9, "gift-cards": 5},
                   prices={"carding": {"min": 11, "max": 36.5, "currency": "USD"},
                           "gift-cards": {"min": 46.0, "max": 46.0, "currency": "USD"},
                           "personal-data": {"min": 1500, "max": 2500, "currency": None}},
                   wallets=[{"type": "btc", "value": WALLET},
                            {"type": "trx", "value": "TNcpNNZ4mYwsposWUz7vyjHZn2skynrj6W"}],
                   contacts=["@cardhouse_support", "cardhouse.reserve@example.org"],
                   onions=["maomr3ckdc3f2vhmu54zjyteg6rw55q2fuvonroiehuzrxsvy4swlkid.onion"],
                   reputation={"reviews": 3, "escrow": 1}, kind="chat"),
        ],
        links=[link("shared skeleton", 0.95, "🔥 RESTOCK", "skeleton"),
               link("shared contact", 0.7, "@cardhouse_support", "telegram"),
               link("forwarded from", 0.6, "CardHouse Reviews", "forward"),
               link("shared wallet", 0.5, WALLET)],
        trends={
            "series": [
                {"week": "2024-01-01", "category": "all", "chat": None, "messages": 10,
                 "offers": 4},
                {"week": "2024-01-15", "category": "all", "chat": None, "messages": 40,
                 "offers": 20},
                {"week": "2024-01-15", "category": "carding", "chat": None, "messages": 99,
                 "offers": 99},
                {"week": "2024-01-15", "category": "all", "chat": "2041873659",
                 "messages": 77, "offers": 0}],
            "spikes": [{"category": "medical-fraud", "chat": str(BARAHOLKA),
                        "week": "2024-01-15", "count": 14, "baseline": 0.5},
                       {"category": "carding", "chat": None, "week": "2024-01-15",
                        "count": 40, "baseline": 7}],
            "new": [{"week": "2024-01-01", "vendors": 2, "wallets": 1, "chats": 3},
                    {"week": "2024-01-08", "vendors": 0, "wallets": 0, "chats": 0},
                    {"week": "2024-01-15", "vendors": 1, "wallets": 2, "chats": 0}]})


def rows(page: Page, section: str) -> list[list[str]]:
    """A section's table rows, each cell's white space collapsed as a browser shows it."""
    return [[" ".join(cell.split()) for cell in row] for row in page.rows[section]]


def page_of(market: Market, tmp_path: Path, db: Path | None = None) -> tuple[Page, str]:
    with Case(db or tmp_path / "case.db") as case:
        html = render(case, market=market)
    return Page(html), html


@pytest.fixture
def page(realistic_case: Path, tmp_path: Path) -> Page:
    return page_of(televend(), tmp_path, realistic_case)[0]


def test_shop_bots_come_first_with_chats_categories_and_dates(page: Page) -> None:
    first, second = rows(page, "bots")
    assert first == [
        "@nightmarketshopbot shop Night Market", "bot chat, advertised",
        "🛒 Catalog, 💰 Top up balance, 🧾 Orders, ⭐ Reviews",
        "CardHouse ✦ CVV & Gift Cards, Барахолка 24/7 ✦ Vendors & Buyers",
        "carding 5, gift-cards 3", "9", "7", "2024-01-15 – 2024-04-02"]
    assert second[0] == "@shophelperbot"  # more messages, but not a shop
    assert second[-1] == "2024-01-02"     # one day, shown once


def test_networks_show_why_chats_bots_skeleton_and_example(page: Page) -> None:
    (row,) = rows(page, "networks")
    assert row[:7] == ["n1", "one offer template in 2 chats and 2 bots",
                       "CardHouse ✦ CVV & Gift Cards, CardHouse mirror",
                       "@nightmarketshopbot, @nightmarket_2bot", "12", "carding 12",
                       "2024-01-20 – 2024-04-01"]
    assert row[7].startswith("🔥 RESTOCK — <n> fresh <flag> CVV")
    assert "example" in row[7] and "1600 fresh 🇨🇦 CA CVV" in row[7]


def test_vendors_by_offers_with_prices_wallets_and_contacts(page: Page) -> None:
    top, other = rows(page, "vendors")
    assert top[0] == "CardHouse, @cardhouse_support chat reputation: reviews 3, escrow 1"
    assert top[1:5] == ["CardHouse ✦ CVV & Gift Cards, Барахолка 24/7 ✦ Vendors & Buyers",
                        "carding 9, gift-cards 5", "14",
                        "carding 11–36.5 USD, gift-cards 46 USD, personal-data 1,500–2,500"]
    assert top[5] == f"btc: {WALLET}, trx: TNcpNNZ4mYwsposWUz7vyjHZn2skynrj6W"
    assert top[6].startswith("@cardhouse_support, cardhouse.reserve@example.org, maomr3")
    assert top[7] == "2024-01-01 – 2024-02-01"
    assert other[0].startswith("SoftKeys") and other[3] == "2"


def test_links_put_shared_wallets_then_contacts_first(page: Page) -> None:
    links = rows(page, "links")
    assert [r[2] for r in links] == ["shared wallet", "shared contact", "shared skeleton",
                                     "forwarded from"]
    wallet = links[0]
    assert wallet == [f"{CARDHOUSE['name']} chat", "vendor shared wallet vendor",
                      "shared wallet", f"btc: {WALLET}", "0.5"]


def test_trends_chart_spikes_and_new_per_week(page: Page) -> None:
    assert page.titles["trends"] == [
        "week of 2024-01-01: 10 messages, 4 offers",
        "week of 2024-01-08: 0 messages, 0 offers",  # a quiet week is drawn as zero
        "week of 2024-01-15: 40 messages, 20 offers"]
    assert "peak 40 messages in one week" in page.text("trends")
    spikes = [r for r in rows(page, "trends") if len(r) == 5]
    assert spikes == [["medical-fraud", "Барахолка", "2024-01-15", "14", "0.5"],
                      ["carding", "all chats", "2024-01-15", "40", "7"]]
    new = [r for r in rows(page, "trends") if len(r) == 4]
    assert new == [["2024-01-15", "1", "2", "0"], ["2024-01-01", "2", "1", "3"]]


def test_trend_chart_geometry() -> None:
    chart = trend_chart(televend().trends["series"], width=220, height=130)
    assert [(p["week"], p["messages"], p["offers"]) for p in chart["points"]] == [
        ("2024-01-01", 10, 4), ("2024-01-08", 0, 0), ("2024-01-15", 40, 20)]
    xs = [p["x"] for p in chart["points"]]
    assert xs == [10, 110, 210]
    ys = [p["y"] for p in chart["points"]]
    assert ys == [85, 110, 10]  # the peak at the top, an empty week on the base line
    assert chart["points"][2]["y_offers"] == 60
    assert trend_chart([])["points"] == []


def test_trend_chart_draws_the_last_weeks_of_a_long_case() -> None:
    """One message misdated 1970 must not squash years of weekly figures into a line."""
    start = date(2020, 1, 6)
    series = [{"week": (start + timedelta(weeks=i)).isoformat(), "category": "all",
               "chat": None, "messages": 5, "offers": 1} for i in range(WEEKS + 10)]
    series.append({"week": "1970-01-05", "category": "all", "chat": None, "messages": 1,
                   "offers": 0})
    series.append({"week": "2024-02-31", "category": "all", "chat": None, "messages": 1,
                   "offers": 0})  # not a date: left out
    chart = trend_chart(series)
    assert len(chart["points"]) == WEEKS
    assert chart["points"][-1]["week"] == (start + timedelta(weeks=WEEKS + 9)).isoformat()
    assert chart["hidden"] == 11


def test_long_tables_are_capped_with_the_command_for_the_rest(tmp_path: Path) -> None:
    market = Market(
        vendors=[vendor(f"v{i}", i, chats=[{"id": str(c), "name": f"chat {c}"}
                                           for c in range(9)]) for i in range(ROWS + 30)],
        links=[link("shared contact", 0.6, f"@h{i}") for i in range(ROWS + 1)],
        bots=[bot(f"@b{i}bot", shop=False, messages=1) for i in range(ROWS + 2)])
    db = tmp_path / "my case.db"
    page, _ = page_of(market, tmp_path, db)
    vendors = rows(page, "vendors")
    assert len(vendors) == ROWS
    assert vendors[0][0].startswith(f"v{ROWS + 29}")  # most offers first
    assert vendors[0][1] == "chat 0, chat 1, chat 2, chat 3 +5 more"
    assert f"30 more vendors: bazaarwatch vendors --db '{db}'" in page.text("vendors")
    assert len(rows(page, "links")) == ROWS
    assert f"1 more links: bazaarwatch links --db '{db}'" in page.text("links")
    assert len(rows(page, "bots")) == ROWS
    assert "2 more bots not shown." in page.text("bots")


def test_empty_market_says_so(tmp_path: Path) -> None:
    page, _ = page_of(Market(), tmp_path)
    assert page.text("bots").endswith("No bots seen.")
    assert "No bot network" in page.text("networks")
    assert "No vendor" in page.text("vendors")
    assert "No links" in page.text("links")
    assert "No weekly figures." in page.text("trends")
    assert "No spike" in page.text("trends")
    for section in ("bots", "networks", "vendors", "links", "trends"):
        assert page.rows[section] == []


def test_hostile_market_values_stay_inert(tmp_path: Path) -> None:
    market = televend()
    market.vendors[0]["names"] = [SCRIPT]
    market.links[0]["evidence"] = [{"type": "telegram", "value": IMG}]
    market.bots[0]["username"] = f"@evil{RLO}tob"
    market.networks[0]["example"] = "buy now {{ 7*7 }} " + SCRIPT
    market.trends["spikes"][0]["category"] = IMG
    page, html = page_of(market, tmp_path)
    for raw in (SCRIPT, IMG, "<img", "onerror=alert(1)>", RLO):
        assert raw not in html, raw
    assert not {tag for tag, _ in page.tags} & {"img", "iframe", "object"}
    assert [a.get("type") for tag, a in page.tags if tag == "script"] == [
        "application/json", None]  # the graph's data and report.js, nothing else
    assert "&amp;lt;" not in html  # escaped once, not twice
    assert [r for r in rows(page, "vendors") if r[0].startswith(SCRIPT)]
    assert any(IMG in r[3] for r in rows(page, "links"))
    assert rows(page, "bots")[1][0] == "@evil\\u202etob"  # the bidi override made visible
    assert "{{ 7*7 }}" in page.text("networks")


def test_sensitive_values_stay_masked_even_when_cut(tmp_path: Path) -> None:
    """A value is masked before it is cut to fit its cell: a card number cut in two no
    longer passes Luhn and would slip past a mask applied after the cut."""
    market = televend()
    market.vendors[1]["contacts"] = ["x" * 80 + " card 4111 1111 1111 1111",
                                     "call +7 999 123-45-67"]
    market.networks[0]["example"] = "y" * 290 + " 4242424242424242"
    _, html = page_of(market, tmp_path)
    for raw in ("1111 1111", "123-45", "424242424242"):
        assert raw not in html, raw
    assert "+7 9** ***-**-67" in html


def test_case_chat_names_resolve_spike_chats(realistic_case: Path, tmp_path: Path) -> None:
    market = Market(trends={"series": [], "spikes": [
        {"category": "carding", "chat": str(CARD_SHOP), "week": "2023-12-18", "count": 3,
         "baseline": 0},
        {"category": "carding", "chat": "999", "week": "2023-12-18", "count": 3,
         "baseline": 0}]})
    page, _ = page_of(market, tmp_path, realistic_case)
    assert [r[1] for r in rows(page, "trends")] == ["Card Shop", "999"]


# -- end to end: needs the intel passes -------------------------------------------------------

def test_example_scan_shows_the_market_map(tmp_path: Path) -> None:
    """``scan`` on the bundled example: the report shows its shop bot, its vendors and the
    links between them. Fails until ``intel/`` (bots, networks, vendors, trends, links)
    exists; run it alone with ``pytest tests/outputs/test_report_market.py -k example``."""
    result = bw("scan", EXAMPLE, "-o", tmp_path / "out", timeout=300)
    assert result.returncode == 0, result.stderr
    page = Page((tmp_path / "out" / "report.html").read_text(encoding="utf-8"))
    shop = [r for r in rows(page, "bots") if r[0].lower().startswith("@nightmarketshopbot")]
    assert shop, rows(page, "bots")
    assert " shop" in shop[0][0]
    assert "CardHouse ✦ CVV & Gift Cards" in shop[0][3]
    assert rows(page, "vendors"), "no vendor in the example's report"
    assert any("CardHouse" in r[0] for r in rows(page, "vendors"))
    assert rows(page, "links"), "no link in the example's report"
    assert page.titles["trends"], "no weekly figures in the example's report"
    assert re.search(r"\d+ messages, \d+ offers", page.titles["trends"][0])


def test_graph_data_is_escaped_json_that_names_and_links_chats(tmp_path: Path) -> None:
    """The live graph: nodes and edges for report.js as JSON in a data block, chat nodes
    with the anchor of their section, hostile names unable to end the block."""
    market = televend()
    market.nodes = [{"id": f"chat:{CARD_SHOP}", "kind": "chat", "name": "Card Shop"},
                    {"id": "bot:@x", "kind": "bot", "name": "</script><img src=x>"},
                    {"id": "wallet:btc:" + WALLET, "kind": "wallet", "name": WALLET}]
    market.edges = [{"source": f"chat:{CARD_SHOP}", "target": "bot:@x",
                     "relation": "advertises", "weight": 2},
                    {"source": "bot:@x", "target": "wallet:btc:" + WALLET,
                     "relation": "pays-to", "weight": 1}]
    with Case(tmp_path / "case.db") as case:
        case.db.execute("INSERT INTO chats (id, name, type) "
                        "VALUES (?, 'Card Shop', 'public_channel')", (str(CARD_SHOP),))
        html = render(case, market=market)
    block = re.search(r'<script type="application/json" id="graph-data">(.*?)</script>',
                      html, re.S)
    assert block is not None
    graph = json.loads(block.group(1))
    assert graph["nodes"] == [["Card Shop", "chat", f"#c-{CARD_SHOP}", 1],
                              ["</script><img src=x>", "bot", None, 2],
                              [WALLET, "wallet", None, 1]]
    assert graph["edges"] == [[0, 1, "advertises"], [1, 2, "pays-to"]]
    assert "<img" not in html
    assert "3 nodes and 2 edges" in " ".join(Page(html).text("graph").split())
