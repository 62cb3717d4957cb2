"""The HTML report: what it shows for a realistic case, and that hostile text stays inert."""

from __future__ import annotations

import base64
import hashlib
import json
import re
from collections import defaultdict
from datetime import UTC, datetime
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import pytest
from conftest import (
    CARD_SHOP,
    REALISTIC_STATS,
    SHOP_BOT,
    bw,
    ingest_into,
    tg_chat,
    tg_message,
    tg_service,
    unix,
    write_account_export,
)

from bazaarwatch.classify.chats import KINDS
from bazaarwatch.model import Chat, Message
from bazaarwatch.outputs.report import assets, chats, data, render, volume_chart
from bazaarwatch.outputs.report.graph import CHAR, LABELS, LIVE, STATIC, TOP, graph_view
from bazaarwatch.store.sqlite import Case

SCRIPT = "<script>alert(1)</script>"
IMG = '"><img src=x onerror=alert(1)>'
TEMPLATE = "{{ 7*7 }}"
ANSI = "\x1b[31m"
RLO = "\u202e"
REMOTE = '<img src="https://evil.example/pixel.png"><link rel=stylesheet href=//evil.example/x>'

HOSTILE_CHAT = f"{SCRIPT} Shop {TEMPLATE}"
HOSTILE_SENDER = f"{IMG} vendor"
SPOOFED_SENDER = f"{ANSI}Evil{RLO}gpj.exe"
HOSTILE_FORWARD = f"{SCRIPT}{REMOTE}"
HOSTILE_BOT = f"{IMG}bot"
HOSTILE_TYPE = 'public_channel" onmouseover="alert(1)'


class Page(HTMLParser):
    """The parts of the report a reader sees: table rows per section, SVG titles, tags."""

    def __init__(self, html: str) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, dict[str, str | None]]] = []
        self.section_tags: dict[str, list[tuple[str, dict[str, str | None]]]] = defaultdict(list)
        self.rows: dict[str, list[list[str]]] = defaultdict(list)
        self.titles: dict[str, list[str]] = defaultdict(list)
        self.texts: dict[str, list[str]] = defaultdict(list)
        self.section = ""
        self.row: list[str] | None = None
        self.cell: list[str] | None = None
        self.header = False
        self.title: list[str] | None = None
        self.feed(html)
        self.close()

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, dict(attrs)))
        self.section_tags[self.section].append((tag, dict(attrs)))
        if tag == "section":
            self.section = dict(attrs).get("id") or ""
        elif tag == "tr":
            self.row, self.header = [], False
        elif tag in ("td", "th"):
            self.cell = []
            self.header = self.header or tag == "th"
        elif tag == "title":
            self.title = []

    def handle_endtag(self, tag: str) -> None:
        if tag in ("td", "th") and self.cell is not None and self.row is not None:
            self.row.append("".join(self.cell).strip())
            self.cell = None
        elif tag == "tr" and self.row is not None:
            if not self.header:
                self.rows[self.section].append(self.row)
            self.row = None
        elif tag == "title" and self.title is not None:
            self.titles[self.section].append("".join(self.title))
            self.title = None
        elif tag == "section":
            self.section = ""

    def handle_data(self, data: str) -> None:
        for sink in (self.cell, self.title):
            if sink is not None:
                sink.append(data)
        self.texts[self.section].append(data)

    def text(self, section: str) -> str:
        return " ".join(" ".join(self.texts[section]).split())


def report_of(db: Path, tmp_path: Path) -> str:
    output = tmp_path / "report.html"
    result = bw("report", "--db", db, "-o", output)
    assert result.returncode == 0, result.stderr
    return output.read_text(encoding="utf-8")


# -- a realistic case --------------------------------------------------------------------------

@pytest.fixture
def page(realistic_case: Path, tmp_path: Path) -> Page:
    return Page(report_of(realistic_case, tmp_path))


def test_overview_totals(page: Page) -> None:
    overview = page.text("overview")
    for figure in ("13 messages", "3 chats", "5 senders", "2023-11-01 first message",
                   "2024-01-06 last message"):
        assert figure in overview


def test_chats_table(page: Page) -> None:
    """One row per chat: its verdict and its figures side by side."""
    rows = {r[0]: r for r in page.rows["chats"]}
    assert set(rows) == {s["name"] for s in REALISTIC_STATS.values()}
    for s in REALISTIC_STATS.values():
        row = rows[s["name"]]
        assert row[:2] == [s["name"], s["type"]]
        assert [row[5], row[6]] == [str(s["messages"]), str(s["senders"])]
        assert row[9:] == [_day(s["first_date"]), _day(s["last_date"]), str(s["forwards"]),
                           str(s["bot_messages"])]


def _day(ts: int) -> str:
    return datetime.fromtimestamp(ts, UTC).strftime("%Y-%m-%d")


def test_volume_per_month(page: Page) -> None:
    assert page.titles["volume"] == ["2023-11: 3 messages", "2023-12: 5 messages",
                                     "2024-01: 4 messages"]
    assert "Peak: 5 messages in one month" in page.text("volume")
    bars = [attrs for tag, attrs in page.section_tags["volume"] if tag == "rect"]
    heights = [float(attrs["height"] or 0) for attrs in bars]
    assert heights[1] == max(heights) > heights[2] > heights[0] > 0


def test_volume_chart_geometry() -> None:
    chart = volume_chart([{"month": "2024-01", "messages": 10, "chat_id": "a"},
                          {"month": "2024-01", "messages": 30, "chat_id": "b"},
                          {"month": "2023-12", "messages": 20, "chat_id": "a"}],
                         width=400, height=120)
    assert chart["peak"] == 40
    assert [(b["month"], b["count"]) for b in chart["bars"]] == [("2023-12", 20),
                                                                  ("2024-01", 40)]
    tall, short = chart["bars"][1], chart["bars"][0]
    assert tall["h"] == 100 and tall["y"] == 0
    assert short["h"] == 50 and short["y"] == 50
    assert volume_chart([])["bars"] == []


def test_top_senders(page: Page) -> None:
    rows = page.rows["senders"]
    assert {r[0]: (r[1], r[2], r[3]) for r in rows} == {
        "Card Shop": (f"channel{CARD_SHOP}", "4", "1"),
        "Alice": ("user1001", "3", "1"),  # her service message is not counted
        "Bob": ("user1002", "2", "1"),
        "Televend Shop Bot": (f"user{SHOP_BOT}", "2", "1"),
        "Test Analyst": ("user99", "1", "1"),
    }
    counts = [int(r[2]) for r in rows]
    assert counts == sorted(counts, reverse=True)
    bob = next(r for r in rows if r[0] == "Bob")
    assert bob[4:] == ["2023-11-02", "2023-12-01"]


def test_forwarded_sources(page: Page) -> None:
    assert page.rows["forwards"] == [["Dumps Central", "2", "2"], ["Gift Card Kings", "1", "1"]]


def test_bots_seen(page: Page) -> None:
    """The market map's bots (``intel.bots``): the inline bot and the shop bot's chat."""
    rows = [" ".join(" ".join(r).split()) for r in page.rows["bots"]]
    assert any(r.lower().startswith("@shophelperbot") for r in rows), rows
    assert any("Televend Shop Bot" in r for r in rows), rows


def test_sources_section(page: Page) -> None:
    (row,) = page.rows["sources"]
    assert row[0].endswith("result.json")
    assert row[1] == "telegram 1"
    assert row[2] == "done"
    assert row[3] == "13"


def test_chats_table_shows_each_chats_kind_shares_and_confidence(page: Page) -> None:
    rows = page.rows["chats"]
    assert len(rows) == len(REALISTIC_STATS)
    for _, _, kind, shares, confidence, messages, _, flagged, offer_rate, *_ in rows:
        assert kind in KINDS
        assert shares == "—" if kind == "not-illicit" else re.fullmatch(
            r"[a-z-]+ \d+%(, [a-z-]+ \d+%)*", shares)
        assert re.fullmatch(r"[01]\.\d\d", confidence)
        assert messages.isdigit() and flagged.isdigit() and offer_rate.endswith("%")


def test_trade_table_shows_the_stored_verdict(tmp_path: Path) -> None:
    chat = Chat(id="7", name="Night <b>Market</b>", type="private_supergroup")
    with Case(tmp_path / "case.db") as case:
        source = case.start_source(path="x", sha256="ab" * 32, size=1, reader="telegram",
                                   reader_version="1")
        case.write([Message(chat=chat, id=1, date=unix(2024, 1, 1), text="hello")],
                   source_id=source)
        case.db.execute(
            "INSERT INTO chat_verdicts VALUES ('7', 'marketplace', ?, 0.834, '[1]', 1, 1)",
            ('[{"category": "carding", "share": 0.6}, {"category": "hacking", '
             '"share": 0.25}]',))
        html = render(case)
    row = Page(html).rows["chats"][0]
    assert row[:5] == ["Night <b>Market</b>", "private_supergroup", "marketplace",
                       "carding 60%, hacking 25%", "0.83"]
    assert "<b>Market" not in html


def test_empty_case_renders(tmp_path: Path) -> None:
    with Case(tmp_path / "empty.db") as case:
        page = Page(render(case))
    assert "No dated messages." in page.text("volume")
    assert "No senders." in page.text("senders")
    assert "No bots seen." in page.text("bots")
    assert page.rows["chats"] == []


# -- hostile content ---------------------------------------------------------------------------

def hostile_chats() -> list[dict[str, Any]]:
    messages = [
        tg_service(1, "create_channel", date=unix(2024, 3, 1), actor=HOSTILE_SENDER,
                   actor_id="user666", title=SCRIPT),
        tg_message(2, f"buy {SCRIPT} {IMG} {TEMPLATE} {ANSI}red{RLO}txt.exe",
                   date=unix(2024, 3, 2), sender=HOSTILE_SENDER, sender_id="user666"),
        tg_message(3, [{"type": "text_link", "text": "click", "href": "javascript:alert(1)"},
                       f" {REMOTE}"], date=unix(2024, 3, 3), sender=SPOOFED_SENDER,
                   sender_id="user667", forwarded_from=HOSTILE_FORWARD, via_bot=HOSTILE_BOT),
    ]
    return [tg_chat(messages, name=HOSTILE_CHAT, type=HOSTILE_TYPE, id=1_666_000_001)]


@pytest.fixture
def hostile_html(tmp_path: Path) -> str:
    export = write_account_export(tmp_path / "hostile", hostile_chats())
    db = tmp_path / "hostile.db"
    result = bw("ingest", export, "--db", db)
    assert result.returncode == 0, result.stderr
    # A second export, damaged at message 4: the error quotes the hostile chat name, and the
    # report shows that error in a title="" attribute of the sources table.
    chats = hostile_chats()
    chats[0]["messages"].append(tg_message(4, "x", date_unixtime="yesterday"))
    broken = write_account_export(tmp_path / "broken", chats)
    damaged = bw("ingest", broken, "--db", db)
    assert damaged.returncode == 1, damaged.stderr
    return report_of(db, tmp_path)


def test_hostile_text_is_escaped(hostile_html: str) -> None:
    for raw in (SCRIPT, IMG, "<img", "<link", "onerror=alert(1)>", 'onmouseover="alert(1)'):
        assert raw not in hostile_html, raw
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in hostile_html
    assert "&lt;img src=x onerror=alert(1)&gt;" in hostile_html


def test_hostile_text_is_shown_literally(hostile_html: str) -> None:
    page = Page(hostile_html)
    chats = page.rows["chats"]
    assert [c[:2] for c in chats] == [[HOSTILE_CHAT, HOSTILE_TYPE]]  # {{ 7*7 }} not evaluated
    senders = {r[1]: r[0] for r in page.rows["senders"]}
    assert senders["user666"] == HOSTILE_SENDER
    assert page.rows["forwards"] == [[HOSTILE_FORWARD, "1", "1"]]
    sources = [attrs for tag, attrs in page.tags if tag == "td" and attrs.get("class") == "bad"]
    assert len(sources) == 1
    assert HOSTILE_CHAT in (sources[0]["title"] or "")  # the error, whole, as an attribute


def test_report_runs_only_its_own_script_and_loads_nothing(hostile_html: str) -> None:
    """One inline script (report.js), admitted by its hash; data only as JSON blocks;
    links only to places in the page; no remote load of any kind."""
    page = Page(hostile_html)
    tags = {tag for tag, _ in page.tags}
    assert not tags & {"img", "link", "iframe", "object", "embed", "base", "form",
                       "audio", "video", "source", "image", "use", "foreignobject"}
    scripts = [attrs for tag, attrs in page.tags if tag == "script"]
    assert [a.get("type") for a in scripts] == ["application/json", None]
    for tag, attrs in page.tags:
        for name, value in attrs.items():
            assert not name.startswith("on"), (tag, name)
            assert name not in ("src", "xlink:href", "srcset", "action", "formaction",
                                "background", "poster", "data"), (tag, name)
            if name == "href":
                assert (value or "").startswith("#"), (tag, value)
            assert not re.match(r"\s*(https?:|//|javascript:)", value or "", re.I), (tag, value)
    assert "url(" not in hostile_html
    assert "@import" not in hostile_html
    csp = [attrs.get("content") or "" for tag, attrs in page.tags
           if tag == "meta" and (attrs.get("http-equiv") or "").lower()
           == "content-security-policy"]
    assert len(csp) == 1
    policy = {part.split()[0]: part.split()[1:] for part in csp[0].split(";") if part.strip()}
    assert policy["default-src"] == ["'none'"]
    assert all("http" not in " ".join(v) and "*" not in v for v in policy.values())
    (script,) = re.findall(r"<script>(.*?)</script>", hostile_html, re.S)
    digest = base64.b64encode(hashlib.sha256(script.encode()).digest()).decode()
    assert policy["script-src"] == [f"'sha256-{digest}'"]  # no unsafe-inline, no eval
    # The CSP is the first thing in <head> after the charset, before any hostile text.
    assert hostile_html.index("Content-Security-Policy") < hostile_html.index("<title>")


def test_report_neutralises_terminal_and_bidi_controls(hostile_html: str) -> None:
    """An RLO in a sender name ("Evil\\u202egpj.exe") makes the page show "Evilexe.jpg".

    The report must show such characters visibly (as the terminal output does), not pass
    them raw into the page, where they reorder what the analyst reads; raw C0 controls such
    as ESC are not allowed in HTML at all.
    """
    assert ANSI not in hostile_html
    assert "\x1b" not in hostile_html
    assert RLO not in hostile_html


# -- a case that scales: ranked, deduplicated, grouped, linked ---------------------------------

WALLET = "bc1qar0srrr7xfkvy5l643lydnw9re59gtzzwf5mdq"
LONE_WALLET = "1BvBMSEYstWetqTFn5Au4m4GFg7xJaNVN2"
AD = ("🔥 Fresh CVV USA 90% valid, fullz with SSN DOB, dumps with pin. Price 15$ each. "
      f"Buy via @cardhouse_support, pay BTC {WALLET}")


def trade_chats() -> list[dict[str, Any]]:
    """One card ad posted by a channel, reposted in a flea market and a mirror channel;
    one wallet in two chats, one in a single chat; Russian and English offers."""
    channel = [
        tg_message(1, [{"type": "bold", "text": AD[:15]}, AD[15:]], date=unix(2024, 1, 2),
                   sender="CardHouse ✦ CVV", sender_id="channel1700000001"),
        tg_message(2, "Gift cards Amazon 100$ for 45$, escrow ok", date=unix(2024, 2, 3),
                   sender="CardHouse ✦ CVV", sender_id="channel1700000001"),
    ]
    group = [
        tg_service(1, "invite_members", date=unix(2024, 1, 1), members=["Bob"]),
        tg_message(2, AD, date=unix(2024, 1, 3), sender="Bob", sender_id="user1002",
                   forwarded_from="CardHouse ✦ CVV"),
        tg_message(3, "Продам базы физлиц с паспортами, пробив по номеру, пишите в лс",
                   date=unix(2024, 1, 4)),
        tg_message(4, "кто брал у них? норм?", date=unix(2024, 1, 5), sender="Bob",
                   sender_id="user1002", reply_to=2),
    ]
    mirror = [
        tg_message(7, AD, date=unix(2024, 1, 6), sender="CardHouse mirror",
                   sender_id="channel1700000003"),
        tg_message(8, f"Our other wallet {LONE_WALLET} for USDT holders", date=unix(2024, 1, 7),
                   sender="CardHouse mirror", sender_id="channel1700000003"),
    ]
    return [tg_chat(channel, name="CardHouse ✦ CVV", type="public_channel", id=1_700_000_001),
            tg_chat(group, name="Барахолка 24/7", type="private_supergroup", id=1_700_000_002),
            tg_chat(mirror, name="CardHouse mirror", type="public_channel", id=1_700_000_003)]


@pytest.fixture
def trade_case(tmp_path: Path) -> Path:
    export = write_account_export(tmp_path / "export", trade_chats())
    return ingest_into(tmp_path, [export])


@pytest.fixture
def trade_page(trade_case: Path) -> tuple[Page, str]:
    with Case(trade_case) as case:
        html = render(case)
    return Page(html), html


def test_flagged_are_ranked_across_chats_and_reposts_shown_once(
        trade_page: tuple[Page, str]) -> None:
    page, _ = trade_page
    rows = [[" ".join(c.split()) for c in r] for r in page.rows["flagged"]]
    assert [r[0] for r in rows] == [str(i) for i in range(1, len(rows) + 1)]
    scores = [float(r[1]) for r in rows]
    assert scores == sorted(scores, reverse=True)
    ads = [r for r in rows if "Fresh CVV USA" in r[5]]
    assert len(ads) == 1, rows  # one ad in three chats: one row
    assert "also in 2 chats:" in ads[0][2]
    for name in ("CardHouse ✦ CVV", "Барахолка 24/7", "CardHouse mirror"):
        assert name in ads[0][2]


def test_flagged_keeps_only_the_best_and_counts_all(trade_case: Path) -> None:
    with Case(trade_case) as case:
        everything = data.flagged(case)
        best = data.flagged(case, limit=1)
    assert len(best["rows"]) == 1
    assert best["total"] == everything["total"] >= 4  # the ad thrice, and the others
    assert best["rows"][0]["text"] == everything["rows"][0]["text"]
    assert everything["rows"][0]["copies"] >= 1


def test_indicators_put_wallets_and_those_in_two_chats_first(trade_case: Path) -> None:
    with Case(trade_case) as case:
        groups = data.indicators(case)
        capped = data.indicators(case, per_type=1)
    types = [g["type"] for g in groups]
    assert types[0] == "btc"
    assert types == sorted(types, key=data.type_rank)
    btc = groups[0]["rows"]
    assert [(r["value"], r["chats"]) for r in btc] == [(WALLET, 3), (LONE_WALLET, 1)]
    assert btc[0]["in"] == ["1700000001", "1700000002", "1700000003"]
    assert capped[0]["more"] == 1 and capped[0]["shared"] == 1 and len(capped[0]["rows"]) == 1


def test_every_chat_link_reaches_its_section(trade_page: tuple[Page, str]) -> None:
    page, _ = trade_page
    ids = {attrs.get("id") for _, attrs in page.tags}
    hrefs = [attrs.get("href") or "" for tag, attrs in page.tags if tag == "a"]
    assert hrefs and all(h.startswith("#") and h[1:] in ids for h in hrefs), hrefs
    for chat in ("1700000001", "1700000002", "1700000003"):
        assert f"#c-{chat}" in hrefs
        assert f"c-{chat}" in ids
    chats = [attrs.get("href") for tag, attrs in page.section_tags["chats"] if tag == "a"]
    assert len(chats) == 3
    section = page.text("c-1700000001")
    assert "CardHouse ✦ CVV" in section and "shop" in section and "btc" in section


def test_summary_answers_the_five_questions(trade_page: tuple[Page, str]) -> None:
    page, html = trade_page
    summary = page.text("summary")
    for question in ("Which chats are shops?", "What do they sell?", "Who sells?",
                     "What ties them together?", "What changed?"):
        assert question in summary
    assert "carding" in summary
    assert 'href="#summary"' in html and 'href="#c-1700000001"' in html


def test_tables_sort_and_filter_hooks(trade_page: tuple[Page, str]) -> None:
    page, _ = trade_page
    tables = {attrs.get("id") for tag, attrs in page.tags
              if tag == "table" and "sortable" in (attrs.get("class") or "")}
    assert {"t-chats", "t-flagged", "t-indicators"} <= tables
    filters = {attrs.get("data-table") for tag, attrs in page.tags
               if tag == "input" and attrs.get("class") == "filter"}
    assert {"t-chats", "t-flagged", "t-indicators"} <= filters
    # Dates and headers must not break mid-word: date cells are marked to stay whole.
    for tag, attrs in page.section_tags["chats"]:
        if tag == "td" and (attrs.get("data-v") or "").isdigit() and attrs.get("class") == "d":
            break
    else:
        pytest.fail("no date cell marked class=d in the chats table")


def test_script_json_cannot_close_its_element() -> None:
    hostile = {"name": "</script><script>alert(1)</script>\u2028<!--&", "n": [1, None]}
    encoded = str(assets.script_json(hostile))
    for raw in ("<", ">", "&", "\u2028"):
        assert raw not in encoded
    assert json.loads(encoded) == hostile


def test_graph_is_live_whole_up_to_live_and_its_best_connected_beyond() -> None:
    small = graph_view([{"id": "chat:1", "kind": "chat", "name": "<b>x</b>"},
                        {"id": "bot:@a", "kind": "bot", "name": "@a\u202e"}],
                       [{"source": "chat:1", "target": "bot:@a", "relation": "advertises"}],
                       anchor=lambda n: "#c-1" if n == "chat:1" else None)
    assert small["live"]["nodes"] == [["<b>x</b>", "chat", "#c-1", 1],
                                      ["@a\\u202e", "bot", None, 1]]
    assert small["live"]["edges"] == [[0, 1, "advertises"]]
    assert small["shown"] == small["total"] == 2
    # A long chain, and a hub joined to forty of its links: the best-connected.
    nodes = [{"id": f"chat:{i}", "kind": "chat", "name": f"c{i}"} for i in range(LIVE + 50)]
    edges = [{"source": f"chat:{i}", "target": f"chat:{i + 1}", "relation": "forwarded-from"}
             for i in range(1, LIVE + 49)]
    edges += [{"source": "chat:0", "target": f"chat:{i}", "relation": "forwarded-from"}
              for i in range(500, 539)]
    large = graph_view(nodes, edges, anchor=lambda n: None)
    assert large["total"] == LIVE + 50
    assert large["shown"] == len(large["live"]["nodes"]) <= TOP
    assert large["live"]["nodes"][0][0] == "c0" and large["live"]["nodes"][0][3] == 39
    assert all(a < large["shown"] and b < large["shown"] for a, b, _ in large["live"]["edges"])
    picture = large["picture"]
    assert 0 < len(picture["nodes"]) <= STATIC == large["printed"]
    assert all(0 <= n["x"] <= picture["width"] and 0 <= n["y"] <= picture["height"]
               for n in picture["nodes"])


def test_print_picture_labels_never_overlap_nor_leave_the_frame() -> None:
    """The print picture of a dense graph: long names on crowded nodes. Each label's box
    (estimated at CHAR per character, the wide side) stays in the frame and clear of the
    others; chats are named before smaller kinds."""
    nodes = [{"id": f"chat:{i}", "kind": "chat", "name": f"a_rather_long_channel_name_{i}"}
             for i in range(60)]
    nodes += [{"id": f"wallet:{i}", "kind": "wallet", "name": f"bc1q{i:038d}"} for i in range(60)]
    edges = [{"source": f"chat:{i}", "target": f"wallet:{j}", "relation": "pays-to"}
             for i in range(60) for j in range(i % 7, 60, 9)]
    picture = graph_view(nodes, edges, anchor=lambda n: None)["picture"]
    labels = picture["labels"]
    assert 5 <= len(labels) <= LABELS
    boxes = []
    for t in labels:
        width = len(t["name"]) * CHAR
        left = t["x"] - width if t["end"] else t["x"]
        assert left >= 0 and left + width <= picture["width"]
        boxes.append((left, t["y"] - 9, left + width, t["y"] + 3))
    for i, a in enumerate(boxes):
        for b in boxes[i + 1:]:
            assert not (a[0] < b[2] and b[0] < a[2] and a[1] < b[3] and b[1] < a[3]), (a, b)


def test_chat_strip_fills_quiet_months() -> None:
    strip = chats.strip({"2023-11": 4, "2024-02": 2, "@-5": 1})
    assert [(b["month"], b["count"]) for b in strip["bars"]] == [
        ("2023-11", 4), ("2023-12", 0), ("2024-01", 0), ("2024-02", 2)]
    assert strip["bars"][0]["h"] > strip["bars"][3]["h"] > strip["bars"][1]["h"] == 0
    assert chats.anchor("123") == "c-123"
    assert chats.anchor('"><x') .startswith("c-x") and '"' not in chats.anchor('"><x')
