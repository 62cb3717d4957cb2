"""Watchlists: rules loaded from TOML, matched against a real ingested case, reported once
each (state in the case), posted to a real webhook on loopback; bad rules files refused
with the file, the place and the fix."""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator, Sequence
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest
from conftest import tg_chat, tg_message, tg_service, unix, write_account_export

from bazaarwatch.classify.model import Classifier
from bazaarwatch.errors import InputError, OutputError
from bazaarwatch.indicators import default_extractor
from bazaarwatch.ingest import Options, ingest, plan
from bazaarwatch.intel.watch import load_rules, matches, post, run
from bazaarwatch.store import market
from bazaarwatch.store.market import Market
from bazaarwatch.store.sqlite import Case

ROOT = Path(__file__).resolve().parents[2]
CARD, GROUP, VAX = 1_600_000_101, 1_600_000_102, 1_600_000_103
WALLET = "1A1zP1eP5QGefi2DMPTfTL5SLmv7DivfNa"
CARD_NUMBER = "4111 1111 1111 1111"

RULES = """\
# The analyst's standing questions.
[[rule]]
name = "carding offers"
keywords = ["cvv", "dumps"]
offer = true

[[rule]]
name = "genesis wallet"
indicators = ["1A1zP1eP5QGefi2DMPTfTL5SLmv7DivfNa"]

[[rule]]
name = "covid passes"
categories = ["medical-fraud"]
chats = ["Vax Pass 24/7"]

[[rule]]
name = "support handles"
patterns = ['@\\w+_support\\b']

[[rule]]
name = "card samples"
keywords = ["sample"]
indicator_types = ["card"]
"""


def card_shop() -> list[dict[str, Any]]:
    me: dict[str, Any] = {"sender": "CardHouse ✦ CVV", "sender_id": f"channel{CARD}"}
    return [
        # "сvv" with a Cyrillic "с": the homoglyph trick the keyword must see through.
        tg_message(10, f"Selling fresh сvv USA, 90% valid, fullz on request. Pay BTC {WALLET}",
                   date=unix(2024, 1, 8), **me),
        tg_message(11, [{"type": "bold", "text": "SALE"}, " dumps with pin, 101/201, write ",
                        {"type": "mention", "text": "@cardhouse_support"}],
                   date=unix(2024, 1, 9), **me),
        tg_message(12, f"Sample of our base: card {CARD_NUMBER} exp 12/27, buy the rest "
                       "in the bot", date=unix(2024, 1, 10), **me),
        tg_message(13, ["New year restock, write ",
                        {"type": "mention", "text": "@cardhouse_support"}],
                   date=unix(2024, 1, 11), **me),
    ]


def flea_market(extra: Sequence[dict[str, Any]] = ()) -> list[dict[str, Any]]:
    return [
        tg_service(1, "invite_members", date=unix(2024, 1, 8, 9), members=["Bob"]),
        tg_message(2, "Продам аккаунты, пишите в лс", date=unix(2024, 1, 8, 10)),
        tg_message(3, "what is cvv2 anyway?", date=unix(2024, 1, 8, 11), sender="Bob",
                   sender_id="user1002", reply_to=2),  # "cvv2" is not the word "cvv"
        tg_message(4, f"CVV dumps cheap, pay to {WALLET}", date=unix(2024, 1, 9),
                   sender="Bob", sender_id="user1002", forwarded_from="CardHouse ✦ CVV"),
        tg_message(5, "", date=unix(2024, 1, 9, 13), sender="Bob", sender_id="user1002",
                   via_bot="@gif", photo="photos/photo_1.jpg", width=320, height=240),
        # Covid passes, but not in the chat the rule watches.
        tg_message(6, "Sputnik V vaccination certificate, real QR code, delivery in 24h, "
                      "DM @vax_doc", date=unix(2024, 1, 10)),
        *extra,
    ]


def vax_channel() -> list[dict[str, Any]]:
    me: dict[str, Any] = {"sender": "Vax Pass 24/7", "sender_id": f"channel{VAX}"}
    return [
        tg_message(1, "Продаю сертификат о вакцинации от COVID-19 с QR-кодом, внесение в "
                      "базу госуслуг. Пишите @vax_doc", date=unix(2024, 1, 8), **me),
        tg_message(2, "Sputnik V vaccination certificate, real QR code, delivery in 24h, "
                      "DM @vax_doc", date=unix(2024, 1, 12), **me),
    ]


def chats(extra: Sequence[dict[str, Any]] = ()) -> list[dict[str, Any]]:
    return [tg_chat(card_shop(), name="CardHouse ✦ CVV", type="public_channel", id=CARD),
            tg_chat(flea_market(extra), name="Барахолка", type="private_supergroup", id=GROUP),
            tg_chat(vax_channel(), name="Vax Pass 24/7", type="public_channel", id=VAX)]


EXPECTED = {
    ("carding offers", CARD, 10), ("carding offers", CARD, 11), ("carding offers", GROUP, 4),
    ("genesis wallet", CARD, 10), ("genesis wallet", GROUP, 4),
    ("covid passes", VAX, 1), ("covid passes", VAX, 2),
    ("support handles", CARD, 11), ("support handles", CARD, 13),
    ("card samples", CARD, 12),
}


@pytest.fixture(scope="module")
def options() -> Options:
    return Options(extractor=default_extractor(), classifier=Classifier.load())


def ingest_export(case: Case, folder: Path, options: Options,
                  extra: Sequence[dict[str, Any]] = ()) -> None:
    export = write_account_export(folder, chats(extra))
    assert [r.status for r in ingest(case, plan([export]), options=options)] == ["done"]


@pytest.fixture
def case(tmp_path: Path, options: Options) -> Iterator[Case]:
    with Case(tmp_path / "case.db") as opened:
        ingest_export(opened, tmp_path / "export", options)
        yield opened


@pytest.fixture
def rules_file(tmp_path: Path) -> Path:
    path = tmp_path / "rules.toml"
    path.write_text(RULES, encoding="utf-8")
    return path


def keys(found: Sequence[dict[str, Any]]) -> set[tuple[str, int, int]]:
    return {(m["rule"], int(m["chat"]["id"]), m["message_id"]) for m in found}


# -- matching --------------------------------------------------------------------------------

def test_each_rule_matches_its_messages(case: Case, rules_file: Path) -> None:
    found = list(matches(case, load_rules(rules_file)))
    assert keys(found) == EXPECTED
    assert [m["rowid"] for m in found] == sorted(m["rowid"] for m in found)
    by_key = {(m["rule"], int(m["chat"]["id"]), m["message_id"]): m for m in found}
    homoglyph = by_key[("carding offers", CARD, 10)]
    assert homoglyph["why"] == ["offer", "keyword:cvv"]
    assert homoglyph["chat"] == {"id": str(CARD), "name": "CardHouse ✦ CVV"}
    assert homoglyph["date"] == "2024-01-08T12:00:00Z"
    assert homoglyph["offer"] is True and "carding" in homoglyph["categories"]
    assert {"type": "btc", "value": WALLET} in homoglyph["indicators"]
    forward = by_key[("genesis wallet", GROUP, 4)]
    assert forward["why"] == [f"indicator:btc:{WALLET}"]
    assert forward["sender"] == {"id": "user1002", "name": "Bob"}
    assert by_key[("carding offers", GROUP, 4)]["why"] == ["offer", "keyword:cvv",
                                                           "keyword:dumps"]
    assert by_key[("covid passes", VAX, 1)]["why"] == [f"chat:{VAX}", "category:medical-fraud"]
    assert by_key[("support handles", CARD, 11)]["why"] == ["pattern:@\\w+_support\\b"]
    assert set(homoglyph) == {"rule", "chat", "message_id", "rowid", "date", "sender",
                              "categories", "offer", "text", "indicators", "why"}


def test_matches_mask_card_numbers_and_cap_the_text(case: Case, tmp_path: Path) -> None:
    sample = next(m for m in matches(case, load_rules(_write(tmp_path, RULES)))
                  if m["rule"] == "card samples")
    assert CARD_NUMBER not in sample["text"] and "4111111111111111" not in sample["text"]
    assert sample["text"].startswith("Sample of our base: card 4111 11** **** 1111")
    assert sample["indicators"] == [{"type": "card", "value": "411111******1111"}]
    assert sample["why"] == ["indicator_type:card", "keyword:sample"]
    long_rules = _write(tmp_path, '[[rule]]\nname = "all text"\npatterns = ["."]\n')
    assert all(len(m["text"]) <= 1000 for m in matches(case, load_rules(long_rules)))


def test_keywords_see_through_homoglyphs_leet_and_case_but_want_whole_words(
        tmp_path: Path, options: Options) -> None:
    texts = {20: "Sеlling СVV fresh",  # Cyrillic е and С
             21: "c.v.v? no: c v v base, good valid",  # spaced letters
             22: "fresh cvv2 base",  # another word
             23: "scvvy stuff"}
    extra = [tg_message(i, t, date=unix(2024, 2, 1)) for i, t in texts.items()]
    with Case(tmp_path / "case.db") as opened:
        ingest_export(opened, tmp_path / "export", options, extra)
        rules = load_rules(_write(tmp_path, '[[rule]]\nname = "cvv"\nkeywords = ["CVV"]\n'
                                            'chats = ["барахолка"]\n'))
        found = {m["message_id"] for m in matches(opened, rules)}
    assert found == {4, 20, 21}


def test_vendors_and_networks_match_their_members(case: Case, tmp_path: Path) -> None:
    """With a current market map, a vendor or network rule matches the messages the map
    holds for that item."""
    rowids = {(int(chat), mid): rowid for rowid, chat, mid in case.db.execute(
        "SELECT rowid, chat_id, message_id FROM messages")}
    messages, top = market.watermark(case)
    found = Market(vendors=[{"id": f"chat:{CARD}"}], networks=[{"id": "n0123456789"}],
                   members={("vendor", f"chat:{CARD}"): [rowids[(CARD, 10)], rowids[(CARD, 13)]],
                            ("network", "n0123456789"): [rowids[(CARD, 11)]]})
    assert market.save(case, found, {"messages": messages, "max_rowid": top})
    rules = load_rules(_write(tmp_path, f"""
[[rule]]
name = "vendor restocks"
vendors = ["chat:{CARD}"]
keywords = ["restock"]

[[rule]]
name = "network"
networks = ["n0123456789", "n9999999999"]
"""))
    found_matches = list(matches(case, rules))
    assert keys(found_matches) == {("vendor restocks", CARD, 13), ("network", CARD, 11)}
    assert found_matches[0]["why"] == ["network:n0123456789"]
    assert found_matches[1]["why"] == [f"vendor:chat:{CARD}", "keyword:restock"]


def test_matches_since_a_rowid(case: Case, rules_file: Path) -> None:
    everything = list(matches(case, load_rules(rules_file)))
    middle = everything[len(everything) // 2]["rowid"]
    later = list(matches(case, load_rules(rules_file), since=middle))
    assert later == [m for m in everything if m["rowid"] > middle]
    assert later


# -- runs, state and the webhook -------------------------------------------------------------

class _Hook(BaseHTTPRequestHandler):
    def do_POST(self) -> None:
        length = int(self.headers["Content-Length"])
        server: Any = self.server
        server.received.append((self.headers["Content-Type"],
                                json.loads(self.rfile.read(length))))
        self.send_response(server.status)
        if server.status == 302:
            self.send_header("Location", "http://127.0.0.1:9/elsewhere")
        self.end_headers()

    def log_message(self, format: str, *args: Any) -> None:
        pass


@pytest.fixture
def webhook() -> Iterator[Any]:
    server: Any = ThreadingHTTPServer(("127.0.0.1", 0), _Hook)
    server.received = []
    server.status = 204
    server.url = f"http://127.0.0.1:{server.server_address[1]}/hooks/bw?token=s3cret"
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield server
    server.shutdown()
    server.server_close()
    thread.join()


def test_run_posts_each_new_match_once(case: Case, rules_file: Path, webhook: Any,
                                       tmp_path: Path, options: Options) -> None:
    rules = load_rules(rules_file)
    first = run(case, rules, deliver=lambda m: post(webhook.url, m))
    assert keys(first) == EXPECTED
    assert [body for _, body in webhook.received] == first
    assert {kind for kind, _ in webhook.received} == {"application/json"}
    assert market.state(case, rules.key) == str(market.watermark(case)[1])

    assert run(case, rules, deliver=lambda m: post(webhook.url, m)) == []
    assert len(webhook.received) == len(first)

    # A new export of the same chats: the old messages are skipped, one new offer added.
    new = tg_message(7, "Selling сvv again, dm", date=unix(2024, 1, 20), sender="Carl",
                     sender_id="user1003")
    ingest_export(case, tmp_path / "export2", options, [new])
    again = run(case, rules, deliver=lambda m: post(webhook.url, m))
    assert keys(again) == {("carding offers", GROUP, 7)}
    assert webhook.received[-1][1] == again[0]
    assert len(webhook.received) == len(first) + 1


def test_another_rules_file_has_its_own_position(case: Case, rules_file: Path,
                                                 tmp_path: Path) -> None:
    assert run(case, load_rules(rules_file))
    other = load_rules(_write(tmp_path, RULES + "\n# edited\n"))
    assert keys(run(case, other)) == EXPECTED
    assert run(case, other, "watch:mine") and run(case, other, "watch:mine") == []


@pytest.mark.parametrize("status", [500, 302])
def test_a_failed_delivery_is_retried_next_run(case: Case, rules_file: Path, webhook: Any,
                                               status: int) -> None:
    webhook.status = status
    rules = load_rules(rules_file)
    with pytest.raises(OutputError) as failed:
        run(case, rules, deliver=lambda m: post(webhook.url, m))
    assert f"HTTP {status}" in str(failed.value)
    assert "s3cret" not in str(failed.value) and "127.0.0.1" in str(failed.value)
    assert market.state(case, rules.key) is None
    webhook.status = 200
    assert keys(run(case, rules, deliver=lambda m: post(webhook.url, m))) == EXPECTED


def test_post_refuses_other_schemes_and_reports_an_unreachable_host(webhook: Any) -> None:
    for url in ("file:///etc/passwd", "ftp://127.0.0.1/x", "127.0.0.1:8080/hook"):
        with pytest.raises(InputError, match="not an http"):
            post(url, {"rule": "x"})
    port = webhook.server_address[1]
    webhook.shutdown()
    webhook.server_close()
    with pytest.raises(OutputError, match="cannot be reached"):
        post(f"http://127.0.0.1:{port}/hook", {"rule": "x"}, timeout=2)


# -- bad rules files -------------------------------------------------------------------------

def _write(folder: Path, text: str, name: str = "rules.toml") -> Path:
    path = folder / name
    path.write_text(text, encoding="utf-8")
    return path


@pytest.mark.parametrize(("text", "expected"), [
    # Bad TOML: the line, and what to fix.
    ('[[rule]]\nname = "a"\nkeywords = ["cvv" "dumps"]\n',
     ["(line 3, column 19)", "not valid TOML", "Fix the TOML syntax"]),
    # A typo in a field name.
    ('[[rule]]\nname = "wallets"\nindicator = ["x"]\n',
     ["rule 'wallets', field 'indicator'", "unknown field", "Use only: name, offer"]),
    ('[[rule]]\nname = "bad"\npatterns = [\'(unclosed\']\n',
     ["rule 'bad', field 'patterns'", "not a valid regular expression",
      "Fix the expression"]),
    ('[[rule]]\nname = "long"\npatterns = ["' + "a" * 501 + '"]\n',
     ["field 'patterns'", "longer than 500", "Shorten it"]),
    ('[[rule]]\nname = "c"\ncategories = ["drugs"]\nmin_score = 0.8\n',
     ["field 'min_score'", "not supported", "Remove min_score"]),
    ('[[rule]]\nname = "c"\ncategories = ["carding", "guns"]\n',
     ["field 'categories'", "unknown value 'guns'", "Use one of: drugs"]),
    ('[[rule]]\nname = "t"\nindicator_types = ["bitcoin"]\n',
     ["field 'indicator_types'", "unknown value 'bitcoin'", "btc"]),
    ('[[rule]]\nname = "w"\nindicators = ["not a wallet"]\n',
     ["field 'indicators'", "not an indicator", "bazaarwatch extract"]),
    ('[[rule]]\nname = "o"\noffer = "yes"\n', ["field 'offer'", "offer = true"]),
    ('[[rule]]\nname = "k"\nkeywords = "cvv"\n', ["field 'keywords'", "must be a list"]),
    ('[[rule]]\nname = "k"\nkeywords = [""]\n', ["field 'keywords'", "non-empty string"]),
    ('[[rule]]\nname = "empty"\nkeywords = []\n', ["rule 'empty'", "no condition"]),
    ('[[rule]]\nkeywords = ["cvv"]\n', ["rule #1, field 'name'", "missing"]),
    ('[[rule]]\nname = "a"\noffer = true\n[[rule]]\nname = "a"\noffer = false\n',
     ["two rules are named 'a'", "its own name"]),
    ('[rule]\nname = "a"\noffer = true\n', ["single table", "[[rule]]"]),
    ('[[rules]]\nname = "a"\n', ["unknown top-level key 'rules'", "[[rule]]"]),
    ("# nothing yet\n", ["no [[rule]] table"]),
])
def test_a_bad_rules_file_names_the_file_the_place_and_the_fix(
        tmp_path: Path, text: str, expected: list[str]) -> None:
    path = _write(tmp_path, text)
    with pytest.raises(InputError) as refused:
        load_rules(path)
    message = str(refused.value)
    assert message.startswith(str(path))
    for part in expected:
        assert part in message


def test_a_missing_or_binary_rules_file_is_refused(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="cannot read"):
        load_rules(tmp_path / "missing.toml")
    binary = tmp_path / "rules.toml"
    binary.write_bytes(b'[[rule]]\nname = "\xff"\n')
    with pytest.raises(InputError, match="not UTF-8"):
        load_rules(binary)


def test_the_example_rules_file_loads_and_explains_every_field() -> None:
    example = ROOT / "examples" / "watch-rules.toml"
    rules = load_rules(example)
    assert len(rules.rules) >= 4 and len(rules.digest) == 64
    text = example.read_text(encoding="utf-8")
    for field in ("keywords", "patterns", "categories", "offer", "indicator_types",
                  "indicators", "chats", "vendors", "networks"):
        assert f"{field} =" in text, field
    assert any(rule.vendors for rule in rules.rules)
    assert any(rule.indicators for rule in rules.rules)


def test_a_vendor_rule_computes_the_market_map_when_it_is_not_current(
        case: Case, tmp_path: Path) -> None:
    assert not market.is_current(case)
    rules = load_rules(_write(tmp_path, '[[rule]]\nname = "shop"\nvendors = ["x"]\n'))
    assert list(matches(case, rules)) == []  # no such vendor, but the map is now stored
    assert market.is_current(case)
    vendor = next(v["id"] for v in market.load(case).vendors
                  if {"id": str(CARD), "name": "CardHouse ✦ CVV"} in v["chats"])
    members = market.members(case, "vendor", vendor)
    rules = load_rules(_write(tmp_path, f'[[rule]]\nname = "shop"\nvendors = ["{vendor}"]\n'))
    found = list(matches(case, rules))
    assert found and [m["rowid"] for m in found] == members
    assert {m["why"][0] for m in found} == {f"vendor:{vendor}"}
