"""The link graph as the report draws it: an interactive view, and a picture for print.

The page gets the graph as JSON and lays it out itself (report.js: a force layout with a
grid, so repulsion costs about linear time), with pan, zoom, node drag, a tooltip and
labels that avoid each other. Up to ``LIVE`` nodes it gets the whole graph: measured in
headless Chromium, the layout and first drawing of 1,000 nodes take well under a second
(docs/report.md). Beyond that a view stays readable only for a part, so it gets the
``TOP`` best-connected nodes and says so; the whole graph is one command away
(``export --format gexf``).

Where no script runs (print, a viewer with scripts off) the page shows a ``picture``
instead: the ``STATIC`` best-connected nodes laid out here once (networkx, seeded) as a
plain SVG, labels placed so that none overlaps another or leaves the picture.
Names are hostile text: masked, control characters made visible and cut here; the
template escapes them, and report.js sets them with textContent.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Callable, Mapping, Sequence
from typing import Any

import networkx as nx

from bazaarwatch.indicators.redaction import mask_sensitive
from bazaarwatch.outputs.terminal import safe

LIVE = 1000
TOP = 400
STATIC = 120
NAME = 60
#: Picture size (SVG user units), its labels at most, and a label's character width and
#: height at the picture's 10-unit font (an estimate on the wide side: no overlap).
WIDTH, HEIGHT, LABELS = 1000, 640, 30
CHAR, LINE = 6.2, 12.0
KINDS = ("chat", "vendor", "bot", "network", "wallet", "onion", "telegram", "email",
         "source", "sender", "contact")
#: Kinds whose nodes are labelled whatever their size: what an analyst navigates by.
NAMED = ("chat", "vendor")

Box = tuple[float, float, float, float]


def _name(value: Any) -> str:
    text = safe(mask_sensitive("" if value is None else str(value)))
    return text if len(text) <= NAME else text[:NAME - 1] + "…"


def _kind(value: Any) -> str:
    """A node kind the legend knows (a colour each); anything else is "other"."""
    return value if value in KINDS else "other"


def graph_view(nodes: Sequence[Mapping[str, Any]], edges: Sequence[Mapping[str, Any]], *,
               anchor: Callable[[str], str | None]) -> dict[str, Any]:
    """What the template needs: ``live`` JSON for report.js (nodes ``[name, kind, anchor,
    degree]``, edges ``[source index, target index, relation]``), the print ``picture``
    (positioned nodes, lines, labels), how many nodes there are and how many each shows.

    ``anchor`` gives the page anchor of a chat node's section (None for other nodes)."""
    degree: Counter[str] = Counter()
    for e in edges:
        degree[str(e.get("source"))] += 1
        degree[str(e.get("target"))] += 1
    known = [n for n in nodes if str(n.get("id")) in degree]
    view: dict[str, Any] = {"total": len(known), "edges": len(edges), "live": None,
                            "picture": None, "kinds": KINDS, "shown": 0, "printed": 0}
    if not known:
        return view
    ranked = sorted(known, key=lambda n: (-degree[str(n.get("id"))], str(n.get("id"))))
    live = known if len(known) <= LIVE else _joined(ranked[:TOP], edges)
    shown, links = _subgraph(live, edges, degree, anchor)
    view["shown"] = len(shown)
    view["live"] = {"nodes": [[n["name"], n["kind"], n["anchor"], n["degree"]] for n in shown],
                    "edges": [list(link) for link in links]}
    printed, lines = _subgraph(_joined(ranked[:STATIC], edges), edges, degree, anchor)
    view["printed"] = len(printed)
    view["picture"] = _picture(printed, lines) if printed else None
    return view


def _joined(kept: list[Mapping[str, Any]], edges: Sequence[Mapping[str, Any]]
            ) -> list[Mapping[str, Any]]:
    """``kept`` without the nodes that no edge joins to another kept node (no lone dots)."""
    ids = {str(n.get("id")) for n in kept}
    joined = {str(e.get(end)) for e in edges for end in ("source", "target")
              if str(e.get("source")) in ids and str(e.get("target")) in ids
              and e.get("source") != e.get("target")}
    return [n for n in kept if str(n.get("id")) in joined]


def _subgraph(kept: Sequence[Mapping[str, Any]], edges: Sequence[Mapping[str, Any]],
              degree: Counter[str], anchor: Callable[[str], str | None]
              ) -> tuple[list[dict[str, Any]], list[tuple[int, int, str]]]:
    """The nodes of ``kept`` as shown (name, kind, anchor, degree in the whole graph) and
    the edges between them by node index."""
    index = {str(n.get("id")): i for i, n in enumerate(kept)}
    links = [(index[s], index[t], str(e.get("relation") or "")) for e in edges
             if (s := str(e.get("source"))) in index and (t := str(e.get("target"))) in index
             and s != t]
    shown = [{"id": str(n.get("id")), "name": _name(n.get("name") or n.get("id")),
              "kind": _kind(n.get("kind")), "anchor": anchor(str(n.get("id"))),
              "degree": degree[str(n.get("id"))]} for n in kept]
    return shown, links


def _picture(shown: list[dict[str, Any]], links: list[tuple[int, int, str]]) -> dict[str, Any]:
    """A fixed layout of ``shown`` (spring layout, seeded: the same case draws the same
    picture), its labels placed by ``_labels``."""
    graph: nx.Graph[int] = nx.Graph()
    graph.add_nodes_from(range(len(shown)))
    graph.add_edges_from((a, b) for a, b, _ in links)
    positions = nx.spring_layout(graph, seed=7, iterations=80,
                                 k=2.5 / max(len(shown), 1) ** 0.5)
    margin = 30

    def x(i: int) -> float:
        return round(margin + (float(positions[i][0]) + 1) / 2 * (WIDTH - 2 * margin), 1)

    def y(i: int) -> float:
        return round(margin + (float(positions[i][1]) + 1) / 2 * (HEIGHT - 2 * margin), 1)

    drawn = [{**n, "x": x(i), "y": y(i), "r": _radius(n["degree"])}
             for i, n in enumerate(shown)]
    return {"width": WIDTH, "height": HEIGHT,
            "lines": [{"x1": x(a), "y1": y(a), "x2": x(b), "y2": y(b)} for a, b, _ in links],
            "nodes": drawn, "labels": _labels(drawn)}


def _labels(drawn: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Labels for chats, vendors and the biggest nodes, biggest first, each placed right of
    its node (left where it would leave the picture) and dropped where it would overlap
    one already placed: a few readable names rather than a heap."""
    big = sorted(drawn, key=lambda n: -n["degree"])
    threshold = big[min(LABELS, len(big)) - 1]["degree"]
    placed: list[Box] = []
    labels: list[dict[str, Any]] = []
    for n in big:
        if len(labels) == LABELS:
            break
        if n["kind"] not in NAMED and n["degree"] < threshold:
            continue
        width = len(n["name"]) * CHAR
        right = n["x"] + n["r"] + 2 + width <= WIDTH
        left = n["x"] + n["r"] + 2 if right else n["x"] - n["r"] - 2 - width
        box = (left, n["y"] - LINE / 2, left + width, n["y"] + LINE / 2)
        if left < 0 or any(_overlap(box, other) for other in placed):
            continue
        placed.append(box)
        labels.append({"x": round(left if right else left + width, 1), "y": round(n["y"] + 3, 1),
                       "end": not right, "name": n["name"]})
    return labels


def _overlap(a: Box, b: Box) -> bool:
    return a[0] < b[2] and b[0] < a[2] and a[1] < b[3] and b[1] < a[3]


def _radius(degree: int) -> float:
    return round(min(3 + math.sqrt(degree) * 1.6, 14.0), 1)
