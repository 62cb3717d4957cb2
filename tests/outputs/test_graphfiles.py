"""GEXF and GraphML files of the market map: read back by networkx, valid XML whatever the
names hold, with the attributes Gephi shows."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from pathlib import Path

import networkx as nx
import pytest

from bazaarwatch.errors import OutputError
from bazaarwatch.outputs.graphfiles import graph, write, xml_text
from bazaarwatch.store.market import Market

WALLET = "wallet:btc:bc1qar0srrr7xfkvy5l643lydnw9re59gtzzwf5mdq"
HOSTILE = "Night\x00Market\x1b[31m \ufffe<script>alert(1)</script> \ud800&"
GEXF = "{http://www.gexf.net/1.2draft}"


def televend() -> Market:
    """Two shop channels advertising one bot, paying to one wallet; one forwards the other."""
    nodes = [
        {"id": "chat:2041873659", "kind": "chat", "name": "CardHouse ✦ CVV & Gift Cards"},
        {"id": "chat:1876302954", "kind": "chat", "name": "Барахолка 24/7 ✦ Vendors & Buyers"},
        {"id": "bot:@nightmarketshopbot", "kind": "bot", "name": "Night Market"},
        {"id": "sender:user6488120934", "kind": "sender", "name": "Ghost"},
        {"id": WALLET, "kind": "wallet", "name": WALLET.split(":", 2)[2]},
        {"id": "handle:@cardhouse_support", "kind": "handle", "name": "@cardhouse_support"},
        {"id": "phone:+7 9** *** ** 67", "kind": "phone", "name": "+7 999 123 45 67"},
        {"id": "network:n1", "kind": "network", "name": "🔥 RESTOCK — <n> fresh <flag> CVV"},
    ]
    edges = [
        {"source": "chat:2041873659", "target": "bot:@nightmarketshopbot",
         "relation": "advertises", "weight": 9},
        {"source": "sender:user6488120934", "target": "chat:1876302954",
         "relation": "posted-in", "weight": 2},
        {"source": "sender:user6488120934", "target": "bot:@nightmarketshopbot",
         "relation": "advertises", "weight": 1},
        {"source": "chat:2041873659", "target": WALLET, "relation": "pays-to", "weight": 1},
        {"source": "bot:@nightmarketshopbot", "target": WALLET, "relation": "pays-to",
         "weight": 3},
        {"source": "chat:2041873659", "target": "handle:@cardhouse_support",
         "relation": "contacts-via", "weight": 6},
        {"source": "chat:2041873659", "target": "chat:1876302954",
         "relation": "forwarded-from", "weight": 1},
        {"source": "chat:2041873659", "target": "chat:1876302954",
         "relation": "shares-skeleton", "weight": 4},
        {"source": "chat:2041873659", "target": "network:n1", "relation": "member-of",
         "weight": 12},
    ]
    return Market(nodes=nodes, edges=edges)


def edge_set(g: nx.MultiDiGraph) -> set[tuple[str, str, str, int]]:
    return {(u, v, d["relation"], int(d["weight"])) for u, v, d in g.edges(data=True)}


@pytest.mark.parametrize("fmt", ["gexf", "graphml"])
def test_round_trip_keeps_nodes_kinds_edges_and_relations(tmp_path: Path, fmt: str) -> None:
    market = televend()
    path = tmp_path / f"map.{fmt}"
    write(market, path, fmt)
    back = nx.read_gexf(path) if fmt == "gexf" else nx.read_graphml(path)
    assert set(back.nodes) == {n["id"] for n in market.nodes}
    assert {n: d["kind"] for n, d in back.nodes(data=True)} == {
        n["id"]: n["kind"] for n in market.nodes}
    # Parallel edges of two relations between the same chats both survive.
    assert edge_set(back) == {(e["source"], e["target"], e["relation"], e["weight"])
                              for e in market.edges}
    assert back.is_directed()


def test_names_are_labels_and_phone_names_stay_masked(tmp_path: Path) -> None:
    path = tmp_path / "map.graphml"
    write(televend(), path, "graphml")
    back = nx.read_graphml(path)
    assert back.nodes["bot:@nightmarketshopbot"]["label"] == "Night Market"
    assert back.nodes["chat:1876302954"]["label"] == "Барахолка 24/7 ✦ Vendors & Buyers"
    assert "123 45" not in back.nodes["phone:+7 9** *** ** 67"]["label"]
    assert "123 45" not in path.read_text(encoding="utf-8")


def test_gexf_has_what_gephi_reads(tmp_path: Path) -> None:
    """Gephi takes a node's label from the ``label`` attribute and an edge's weight from
    ``weight``; kind and relation are attribute columns declared in <attributes>."""
    path = tmp_path / "map.gexf"
    write(televend(), path, "gexf")
    root = ET.parse(path).getroot()
    titles = {(a.get("title"), block.get("class"))
              for block in root.iter(f"{GEXF}attributes") for a in block}
    assert {("kind", "node"), ("relation", "edge")} <= titles
    labels = {n.get("id"): n.get("label") for n in root.iter(f"{GEXF}node")}
    assert labels["chat:2041873659"] == "CardHouse ✦ CVV & Gift Cards"
    weights = sorted(float(e.get("weight") or 0) for e in root.iter(f"{GEXF}edge"))
    assert weights == [1, 1, 1, 2, 3, 4, 6, 9, 12]
    edge_labels = {e.get("label") for e in root.iter(f"{GEXF}edge")}
    assert "shares-skeleton" in edge_labels and "pays-to" in edge_labels


def test_graphml_declares_label_kind_relation_weight(tmp_path: Path) -> None:
    path = tmp_path / "map.graphml"
    write(televend(), path, "graphml")
    keys = {(k.get("attr.name"), k.get("for"), k.get("attr.type"))
            for k in ET.parse(path).getroot().iter("{http://graphml.graphdrawing.org/xmlns}key")}
    assert {("label", "node", "string"), ("kind", "node", "string"),
            ("relation", "edge", "string")} <= keys
    assert ("weight", "edge", "long") in keys or ("weight", "edge", "int") in keys


@pytest.mark.parametrize("fmt", ["gexf", "graphml"])
def test_hostile_names_give_valid_xml(tmp_path: Path, fmt: str) -> None:
    market = Market(
        nodes=[{"id": "chat:1", "kind": "chat", "name": HOSTILE},
               {"id": "handle:@x\x07y", "kind": "handle", "name": "@x\x07y"}],
        edges=[{"source": "chat:1", "target": "handle:@x\x07y", "relation": "contacts-via",
                "weight": 2}])
    path = tmp_path / f"hostile.{fmt}"
    write(market, path, fmt)
    ET.parse(path)  # well-formed: raises on a raw NUL, ESC or U+FFFE
    raw = path.read_bytes()
    for bad in (b"\x00", b"\x1b", b"\x07", "\ufffe".encode()):
        assert bad not in raw
    back = nx.read_gexf(path) if fmt == "gexf" else nx.read_graphml(path)
    label = back.nodes["chat:1"]["label"]
    assert label.startswith("Night\ufffdMarket\ufffd[31m \ufffd<script>alert(1)</script>")
    assert label.endswith("\ufffd&")
    # The edge still joins the nodes, under the cleaned id.
    assert edge_set(back) == {("chat:1", "handle:@x\ufffdy", "contacts-via", 2)}


def test_xml_text_keeps_what_xml_allows() -> None:
    kept = "tab\tline\nret\r Привет 🌙 \u0085 \ue000 \ufffd"
    assert xml_text(kept) == kept
    assert xml_text("\x00\x08\x0b\x1f\ufffe\uffff\udfff") == "\ufffd" * 7


@pytest.mark.parametrize("fmt", ["gexf", "graphml"])
def test_empty_market_gives_an_empty_valid_graph(tmp_path: Path, fmt: str) -> None:
    path = tmp_path / f"empty.{fmt}"
    write(Market(), path, fmt)
    ET.parse(path)
    back = nx.read_gexf(path) if fmt == "gexf" else nx.read_graphml(path)
    assert back.number_of_nodes() == 0 and back.number_of_edges() == 0


def test_edge_to_an_unlisted_node_and_repeated_edges() -> None:
    """An end the map did not list still gets a kind (from its id) and a label; an edge
    given twice is one edge with the weights added."""
    market = Market(
        nodes=[{"id": "chat:5", "kind": "chat", "name": "Shop"}],
        edges=[{"source": "chat:5", "target": "onion:abc.onion", "relation": "advertises",
                "weight": 2},
               {"source": "chat:5", "target": "onion:abc.onion", "relation": "advertises",
                "weight": 3}])
    g = graph(market)
    assert g.nodes["onion:abc.onion"] == {"label": "onion:abc.onion", "kind": "onion"}
    assert edge_set(g) == {("chat:5", "onion:abc.onion", "advertises", 5)}


def test_bad_format_and_missing_folder_are_refused(tmp_path: Path) -> None:
    with pytest.raises(OutputError, match="gexf, graphml"):
        write(televend(), tmp_path / "map.dot", "dot")
    with pytest.raises(OutputError, match="does not exist"):
        write(televend(), tmp_path / "nowhere" / "map.gexf", "gexf")
    assert list(tmp_path.iterdir()) == []
