"""The market-map commands on the bundled example, through the real command line."""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET
from pathlib import Path
from typing import Any

import networkx as nx
import pytest
from conftest import bw

ROOT = Path(__file__).resolve().parents[2]
EXAMPLE = ROOT / "examples" / "telegram_export"
NETWORK_KEYS = ["id", "chats", "bots", "messages", "categories", "skeleton", "example",
                "first_seen", "last_seen"]
VENDOR_KEYS = ["id", "names", "handles", "senders", "chats", "categories", "offers", "prices",
               "wallets", "contacts", "first_seen", "last_seen"]


@pytest.fixture(scope="module")
def scanned(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("map")
    result = bw("scan", EXAMPLE, "-o", out)
    assert result.returncode == 0, result.stderr
    return out / "case.db"


def as_json(*args: str | Path) -> Any:
    result = bw(*args, "--json")
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


def test_scan_finds_the_shop_bot_of_the_example(scanned: Path) -> None:
    bots = as_json("bots", "--db", scanned)
    shop = bots[0]
    assert shop["username"] == "@nightmarketshopbot" and shop["shop"]
    names = {c["name"] for c in shop["chats"]}
    assert {"CardHouse ✦ CVV & Gift Cards", "Барахолка 24/7 ✦ Vendors & Buyers"} <= names


def test_vendors_have_the_contract_shape_and_find_the_sellers(scanned: Path) -> None:
    vendors = as_json("vendors", "--db", scanned)
    assert all(list(v)[:len(VENDOR_KEYS)] == VENDOR_KEYS for v in vendors)
    by_id = {v["id"]: v for v in vendors}
    cardhouse = by_id["chat:2041873659"]
    assert cardhouse["wallets"] and "carding" in cardhouse["categories"]
    assert {"LogsKing 👑", "Doc Master 🪪"} <= {n for v in vendors for n in v["names"]}
    assert "Riverside Daily" not in {n for v in vendors for n in v["names"]}
    phones = [c["value"] for v in vendors for c in v["contacts"] if c["type"] == "phone"]
    assert phones and all("*" in p for p in phones)


def test_links_tie_the_shop_to_its_support_account_by_wallet(scanned: Path) -> None:
    links = as_json("links", "--db", scanned)
    assert set(links[0]) == {"a", "b", "reason", "evidence", "score"}
    top = links[0]
    assert {top["a"]["name"], top["b"]["name"]} == {"CardHouse ✦ CVV & Gift Cards",
                                                    "CardHouse Support"}
    assert "shared wallet" in top["reason"]
    assert any(e["type"] == "btc" for e in top["evidence"])
    assert [s["score"] for s in links] == sorted((s["score"] for s in links), reverse=True)
    only = as_json("links", "--db", scanned, "--entity", "CardHouse Support")
    assert only and all("CardHouse Support" in (x["a"]["name"], x["b"]["name"]) for x in only)


def test_networks_and_trends_have_their_shapes(scanned: Path) -> None:
    for network in as_json("networks", "--db", scanned):
        assert list(network)[:len(NETWORK_KEYS)] == NETWORK_KEYS
    trends = as_json("trends", "--db", scanned)
    assert {"series", "spikes"} <= set(trends)
    weeks = [s for s in trends["series"] if s["category"] == "all" and s["chat"] is None]
    assert sum(s["messages"] for s in weeks) > 300  # the example's messages, services aside
    assert all(s["week"] <= "2024-07-01" for s in weeks)


def test_the_graph_exports_load_in_networkx(scanned: Path, tmp_path: Path) -> None:
    for fmt, read in (("gexf", nx.read_gexf), ("graphml", nx.read_graphml)):
        path = tmp_path / f"graph.{fmt}"
        result = bw("export", "--db", scanned, "--format", fmt, "-o", path)
        assert result.returncode == 0, result.stderr
        ET.parse(path)
        graph = read(path)
        relations = {d.get("relation") for _, _, d in graph.edges(data=True)}
        assert {"pays-to", "advertises", "posted-in"} <= relations
        assert "bot:@nightmarketshopbot" in graph.nodes


def test_watch_prints_new_matches_once(scanned: Path, tmp_path: Path) -> None:
    db = tmp_path / "case.db"
    db.write_bytes(scanned.read_bytes())
    rules = tmp_path / "rules.toml"
    rules.write_text('[[rule]]\nname = "cards"\ncategories = ["carding"]\noffer = true\n',
                     encoding="utf-8")
    first = bw("watch", "--db", db, "--rules", rules)
    assert first.returncode == 0, first.stderr
    matches = [json.loads(line) for line in first.stdout.splitlines()]
    assert matches and all(m["rule"] == "cards" and "carding" in m["categories"]
                           for m in matches)
    again = bw("watch", "--db", db, "--rules", rules)
    assert again.returncode == 0 and again.stdout == ""
    bad = bw("watch", "--db", db, "--rules", rules, "--webhook", "file:///etc/passwd")
    assert bad.returncode == 2 and "--webhook" in bad.stderr
