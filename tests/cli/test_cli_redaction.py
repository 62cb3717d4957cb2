"""No output shows a card, IBAN or phone number unless --reveal asks: the real CLI on a
realistic export that puts such numbers everywhere a Telegram export can hold them.

Message text in several layouts, the chat name, a sender name, a forwarded source, an
inline bot's name, ``phone`` and ``bank_card`` entities and bot buttons. The case is
ingested with --keep-sensitive, so raw values are in it and only the outputs' masking
stands between them and the analyst's screen.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from conftest import bw, tg_message, write_chat_export

# Each value as written, and the digits (or characters) the mask must hide.
WRITTEN = {
    "4111111111111111": "4111111111111111",
    "5500 0000 0000 0004": "5500000000000004",
    "4111-1111-1111-1111": "4111111111111111",
    "GB82 WEST 1234 5698 7654 32": "GB82WEST12345698765432",
    "DE89370400440532013000": "DE89370400440532013000",
    "+447700900123": "447700900123",
    "+44 7700 900124": "447700900124",
    "(+44) 7700 900125": "447700900125",
    "0044 7700 900126": "447700900126",
    "+44-7700-900-127": "447700900127",
    "(202) 555-0123": "2025550123",
}
CHAT_NAME = "Dumps +44 7700 900128 / GB82WEST12345698765432"
SENDER = "Vendor 5500000000000004"
FORWARDED = "Refunds (+44) 7700 900129"
BOT = "@cvv_4111111111111111_bot"
HIDDEN = [*WRITTEN.values(), "447700900128", "447700900129", "5500000000000004"]


def digits_of(output: str) -> str:
    """The output with separators removed, so that a value split by layout still shows."""
    return re.sub(r"[\s().+\-]", "", output)


def leaks(output: str) -> list[str]:
    flat = digits_of(output)
    return [v for v in HIDDEN if digits_of(v)[2:-4] in flat]


@pytest.fixture(scope="module")
def case(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("redaction")
    texts = list(WRITTEN)
    export = write_chat_export(folder / "export", [
        tg_message(1, f"Fresh cvv dumps {texts[0]}$ each, {texts[1]} too. Wire to "
                      f"{texts[3]} or {texts[4]}. Call {texts[5]}", sender=SENDER,
                   sender_id="user2001", forwarded_from=FORWARDED),
        tg_message(2, ["cvv shop, call ", {"type": "phone", "text": texts[6]}, " card ",
                       {"type": "bank_card", "text": texts[2]}, " or ",
                       {"type": "phone", "text": texts[7]}],
                   sender="Shop Bot", sender_id="user2002", via_bot=BOT,
                   buttons=[[{"type": "callback", "text": f"Pay to {texts[1]}",
                              "data": f"pay:{texts[5]}"}]]),
        tg_message(3, f"cvv refunds: {texts[8]}, {texts[9]}, US {texts[10]}",
                   sender=SENDER, sender_id="user2001"),
    ], name=CHAT_NAME, type="public_supergroup")
    db = folder / "case.db"
    result = bw("ingest", export, "--db", db, "--keep-sensitive")
    assert result.returncode == 0, result.stderr
    return db


@pytest.mark.parametrize("command", [
    ["search", "cvv"], ["search", "cvv", "--json"], ["stats", "--json"], ["stats"],
    ["indicators", "--json"], ["indicators"], ["channels", "--format", "json"],
    ["channels"],
], ids=" ".join)
def test_case_commands_mask_every_value(case: Path, command: list[str]) -> None:
    result = bw(*command, "--db", case)
    assert result.returncode == 0, result.stderr
    assert "*" in result.stdout  # the values are there, masked
    assert leaks(result.stdout) == []


def test_the_report_masks_every_value(case: Path, tmp_path: Path) -> None:
    report = tmp_path / "report.html"
    result = bw("report", "--db", case, "-o", report)
    assert result.returncode == 0, result.stderr
    html = report.read_text(encoding="utf-8")
    assert "Fresh cvv dumps 411111******1111$" in html  # the flagged message, masked
    assert leaks(html) == []


@pytest.mark.parametrize("command", [["classify"], ["extract"]])
def test_line_commands_mask_every_value(command: list[str]) -> None:
    lines = [json.dumps({"id": i, "text": f"Selling cvv fulls {text}$ each, {text} USD"})
             for i, text in enumerate([*WRITTEN, CHAT_NAME, SENDER, FORWARDED, BOT])]
    result = bw(*command, stdin="\n".join(lines) + "\n", timeout=300)
    assert result.returncode == 0, result.stderr
    assert len(result.stdout.splitlines()) == len(lines)
    assert leaks(result.stdout) == []


def test_reveal_shows_the_values(case: Path) -> None:
    search = bw("search", "cvv", "--json", "--reveal", "--db", case)
    assert search.returncode == 0, search.stderr
    rows = json.loads(search.stdout)
    shown = " ".join(f"{r['chat_name']} {r['sender_name']} {r['snippet']}" for r in rows)
    for value in [*WRITTEN, CHAT_NAME, SENDER]:
        assert value in shown
    indicators = bw("indicators", "--json", "--reveal", "--db", case)
    values = {r["value"] for r in json.loads(indicators.stdout)}
    assert {"4111111111111111", "GB82WEST12345698765432", "+447700900123"} <= values
    extract = bw("extract", "--reveal", stdin=json.dumps({"id": 1, "text": CHAT_NAME}))
    assert "+447700900128" in extract.stdout


def test_errors_and_warnings_mask_the_values_they_quote(tmp_path: Path) -> None:
    # A refused message names its chat, and the chat's name holds a phone and an IBAN.
    export = write_chat_export(tmp_path / "export", [
        tg_message(1, "fine"), tg_message(2, "bad date", date_unixtime="soon")],
        name=CHAT_NAME)
    result = bw("ingest", export, "--db", tmp_path / "case.db")
    assert result.returncode == 1
    [error] = [line for line in result.stderr.splitlines() if line.startswith("error:")]
    assert "the message was left out" in error and "Dumps" in error
    assert leaks(result.stderr) == []
