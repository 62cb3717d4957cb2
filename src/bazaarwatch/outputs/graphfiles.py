"""The link graph of a case's market map as GEXF or GraphML files, for Gephi.

The graph is the one ``intel.links`` built (``Market.nodes`` and ``Market.edges``), written
with networkx's own writers so that Gephi, Cytoscape and networkx read it back unchanged.
Node attributes are ``label`` (the name, which Gephi shows) and ``kind``; edge attributes
are ``relation``, ``label`` (the relation again, which Gephi shows on the edge) and
``weight`` (how many messages support the edge, which Gephi uses for layout).

Names come from criminals' chats. XML 1.0 cannot hold most control characters at all (not
even escaped), so every string is cleaned first (``xml_text``): a file with a hostile name
in it is still a file every XML parser opens. Card, IBAN and phone numbers are masked in
names as in every output; ids are kept as the map gives them (they arrive masked).
"""

from __future__ import annotations

import os
import re
from collections import Counter
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import networkx as nx

from bazaarwatch.errors import OutputError
from bazaarwatch.indicators.redaction import mask_sensitive
from bazaarwatch.store.market import Market

FORMATS = ("gexf", "graphml")

# What XML 1.0 does not allow in a document (section 2.2, "Char"): C0 controls but tab,
# newline and carriage return; lone surrogates; U+FFFE and U+FFFF.
_NOT_XML = re.compile("[^\t\n\r\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")


def xml_text(value: str) -> str:
    """``value`` with every character XML 1.0 cannot hold replaced by U+FFFD, so the
    analyst sees that something was there."""
    return _NOT_XML.sub("\ufffd", value)


def graph(market: Market) -> nx.MultiDiGraph:
    """The map's link graph: one node per item (attributes ``label``, ``kind``), one edge
    per (source, target, relation) (attributes ``relation``, ``label``, ``weight``).

    A multigraph keyed by relation, because two items are often tied in more than one way
    (a chat forwards another and shares its template). An edge given twice adds its
    weights; an edge whose end is not among the nodes gets a node named by its id, with
    the kind its id starts with (``wallet:btc:…`` is a wallet)."""
    clean: dict[str, str] = {}  # ids recur on many edges: clean each once

    def xml_id(value: Any) -> str:
        text = str(value)
        found = clean.get(text)
        if found is None:
            found = clean[text] = xml_text(text)
        return found

    g = nx.MultiDiGraph()
    g.add_nodes_from((xml_id(node["id"]), _node_attributes(node)) for node in market.nodes)
    weights: Counter[tuple[str, str, str]] = Counter()
    for edge in market.edges:
        key = (xml_id(edge["source"]), xml_id(edge["target"]), xml_id(edge["relation"]))
        weights[key] += int(edge.get("weight") or 1)
    ends = {end for source, target, _ in weights for end in (source, target)}
    g.add_nodes_from((end, {"label": end, "kind": end.split(":", 1)[0]})
                     for end in sorted(ends) if end not in g)
    g.add_edges_from((source, target, relation,
                      {"relation": relation, "label": relation, "weight": weight})
                     for (source, target, relation), weight in weights.items())
    return g


def _node_attributes(node: Mapping[str, Any]) -> dict[str, str]:
    name = node.get("name") or node["id"]
    return {"label": xml_text(mask_sensitive(str(name))), "kind": xml_text(str(node["kind"]))}


def write(market: Market, path: Path, fmt: str) -> None:
    """Write the map's link graph to ``path`` as ``fmt`` ("gexf" or "graphml"), atomically:
    a crash never leaves half a file for Gephi to choke on."""
    if fmt not in FORMATS:
        raise OutputError(f"{fmt!r} is not a graph format. Use one of: {', '.join(FORMATS)}")
    if not path.parent.is_dir():
        raise OutputError(f"{path}: the folder {path.parent} does not exist. Create it, or "
                          "give another -o path")
    g = graph(market)
    tmp = path.with_name(path.name + ".tmp")
    try:
        if fmt == "gexf":
            nx.write_gexf(g, tmp)
        else:
            nx.write_graphml(g, tmp)
        os.replace(tmp, path)
    except OSError as e:
        raise OutputError(f"{path}: cannot write the graph ({e.strerror})") from e
