"""The HTML report: what it shows for a realistic case, and that hostile text stays inert."""

from __future__ import annotations

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
    tg_chat,
    tg_message,
    tg_service,
    unix,
    write_account_export,
)

from bazaarwatch.classify.chats import KINDS
from bazaarwatch.model import Chat, Message
from bazaarwatch.outputs.report import render, volume_chart
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
    rows = {r[0]: r for r in page.rows["chats"]}
    assert set(rows) == {s["name"] for s in REALISTIC_STATS.values()}
    for s in REALISTIC_STATS.values():
        assert rows[s["name"]] == [
            s["name"], s["type"], str(s["messages"]), str(s["senders"]),
            _day(s["first_date"]), _day(s["last_date"]), str(s["forwards"]),
            str(s["bot_messages"])]


def _day(ts: int) -> str:
    return datetime.fromtimestamp(ts, UTC).strftime("%Y-%m-%d")


def test_volume_per_month(page: Page) -> None:
    assert page.titles["volume"] == ["2023-11: 3 messages", "2023-12: 5 messages",
                                     "2024-01: 4 messages"]
    assert "Peak: 5 messages in one month" in page.text("volume")
    bars = [attrs for tag, attrs in page.tags if tag == "rect"]
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


def test_trade_table_shows_each_chats_kind_shares_and_confidence(page: Page) -> None:
    rows = page.rows["trade"]
    assert len(rows) == len(REALISTIC_STATS)
    assert {r[0] for r in rows} == {f"{s['name']} {s['type']}" for s in REALISTIC_STATS.values()}
    for _, kind, shares, confidence, messages, flagged, offer_rate in rows:
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
    row = Page(html).rows["trade"][0]
    assert row[:4] == ["Night <b>Market</b> private_supergroup", "marketplace",
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


def test_report_runs_no_script_and_loads_nothing(hostile_html: str) -> None:
    page = Page(hostile_html)
    tags = {tag for tag, _ in page.tags}
    assert not tags & {"script", "img", "link", "iframe", "object", "embed", "base", "form",
                       "audio", "video", "source", "image", "use", "foreignobject"}
    for tag, attrs in page.tags:
        for name, value in attrs.items():
            assert not name.startswith("on"), (tag, name)
            assert name not in ("src", "href", "xlink:href", "srcset", "action", "formaction",
                                "background", "poster", "data"), (tag, name)
            assert not re.match(r"\s*(https?:|//|javascript:)", value or "", re.I), (tag, value)
    assert "url(" not in hostile_html
    assert "@import" not in hostile_html
    csp = [attrs.get("content") or "" for tag, attrs in page.tags
           if tag == "meta" and (attrs.get("http-equiv") or "").lower()
           == "content-security-policy"]
    assert len(csp) == 1
    policy = {part.split()[0]: part.split()[1:] for part in csp[0].split(";") if part.strip()}
    assert policy["default-src"] == ["'none'"]
    assert "script-src" not in policy
    assert all("http" not in " ".join(v) and "*" not in v for v in policy.values())
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
