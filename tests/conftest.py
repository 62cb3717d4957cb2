"""Shared test helpers: small, realistic Telegram Desktop exports written into tmp folders.

The field names and shapes follow tdesktop's ``export_output_json.cpp``: ``date`` is local
wall-clock ISO time and ``date_unixtime`` a *string*; ``text`` is a string, or a list of
strings and entity objects when the message has formatting; ``text_entities`` always lists
every span (plain ones included); service messages carry ``actor``/``actor_id``/``action``.

Tests import the builders directly (``from conftest import tg_message``); the fixtures below
cover the CLI (a real ``python -m bazaarwatch`` subprocess) and a small realistic case.
"""

from __future__ import annotations

import json
import os
import shutil
import sqlite3
import subprocess
import sys
from collections.abc import Iterator, Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest

if TYPE_CHECKING:
    from playwright.sync_api import Browser

Raw = dict[str, Any]

DEFAULT_DATE = 1_700_000_000  # 2023-11-14 22:13:20 UTC


def _iso(ts: int) -> str:
    return datetime.fromtimestamp(ts, UTC).strftime("%Y-%m-%dT%H:%M:%S")


def unix(year: int, month: int, day: int, hour: int = 12, minute: int = 0) -> int:
    """Unix seconds of a UTC wall-clock time."""
    return int(datetime(year, month, day, hour, minute, tzinfo=UTC).timestamp())


def _entities(text: str | list[str | Raw]) -> list[Raw]:
    """``text_entities`` as tdesktop writes them: every span, plain strings included."""
    if isinstance(text, str):
        return [{"type": "plain", "text": text}] if text else []
    return [{"type": "plain", "text": p} if isinstance(p, str) else dict(p) for p in text]


def tg_message(id: int, text: str | list[str | Raw] = "", *, date: int = DEFAULT_DATE,
               sender: str | None = "Alice", sender_id: str | None = "user1001",
               edited: int | None = None, forwarded_from: str | None = None,
               via_bot: str | None = None, reply_to: int | None = None,
               buttons: list[list[Raw]] | None = None, **extra: Any) -> Raw:
    """One ``"type": "message"`` entry of a tdesktop export."""
    raw: Raw = {"id": id, "type": "message", "date": _iso(date), "date_unixtime": str(date)}
    if edited is not None:
        raw["edited"] = _iso(edited)
        raw["edited_unixtime"] = str(edited)
    if sender_id is not None:
        raw["from"] = sender
        raw["from_id"] = sender_id
    if forwarded_from is not None:
        raw["forwarded_from"] = forwarded_from
    if via_bot is not None:
        raw["via_bot"] = via_bot
    if reply_to is not None:
        raw["reply_to_message_id"] = reply_to
    raw.update(extra)
    raw["text"] = text
    raw["text_entities"] = _entities(text)
    if buttons is not None:
        raw["inline_bot_buttons"] = buttons
    return raw


def tg_service(id: int, action: str, *, date: int = DEFAULT_DATE, actor: str | None = "Alice",
               actor_id: str = "user1001", **extra: Any) -> Raw:
    """One ``"type": "service"`` entry (join, pin, title change, ...)."""
    raw: Raw = {"id": id, "type": "service", "date": _iso(date), "date_unixtime": str(date),
                "actor": actor, "actor_id": actor_id, "action": action}
    raw.update(extra)
    raw["text"] = ""
    raw["text_entities"] = []
    return raw


def tg_chat(messages: Sequence[Raw], *, name: str | None = "Test Chat",
            type: str = "public_supergroup", id: int = 1_500_000_001) -> Raw:
    return {"name": name, "type": type, "id": id, "messages": list(messages)}


def _dump(folder: Path, document: Raw) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    # tdesktop writes one-space indentation and raw (unescaped) UTF-8.
    (folder / "result.json").write_text(json.dumps(document, ensure_ascii=False, indent=1),
                                        encoding="utf-8")
    return folder


def write_chat_export(folder: Path, messages: Sequence[Raw], *, name: str | None = "Test Chat",
                      type: str = "public_supergroup", id: int = 1_500_000_001) -> Path:
    """A single-chat export ("Export chat history") in ``folder``; returns the folder."""
    return _dump(folder, tg_chat(messages, name=name, type=type, id=id))


def write_account_export(folder: Path, chats: Sequence[Raw],
                         left_chats: Sequence[Raw] = ()) -> Path:
    """A full-account export ("Export Telegram data") in ``folder``; returns the folder."""
    document: Raw = {
        "about": "Here is the data you requested.",
        "personal_information": {"user_id": 99, "first_name": "Test", "last_name": "Analyst",
                                 "phone_number": "+1 202 555 0100", "username": "@analyst",
                                 "bio": ""},
        "chats": {"about": "This page lists all chats from this export.",
                  "list": list(chats)},
    }
    if left_chats:
        document["left_chats"] = {"about": "Chats you have left.", "list": list(left_chats)}
    return _dump(folder, document)


# -- the command line --------------------------------------------------------------------------

@pytest.fixture(autouse=True, scope="session")
def _temporary_cache_home(tmp_path_factory: pytest.TempPathFactory) -> Iterator[None]:
    """Every extractor the tests build (in process or in a CLI child, which inherits the
    environment) keeps its compiled hyperscan database in one temporary cache, never in
    the user's ``~/.cache/bazaarwatch``."""
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("XDG_CACHE_HOME", str(tmp_path_factory.mktemp("cache-home")))
        yield


def cli_env() -> dict[str, str]:
    """A wide, colourless, UTF-8 environment so rich does not wrap or style the output.
    No remembered case and no BAZAARWATCH_DB: a test's --db is the only case (state
    under /dev/null can be neither read nor written, even by root)."""
    env = dict(os.environ)
    env.update(COLUMNS="250", LINES="50", NO_COLOR="1", TERM="dumb", PYTHONIOENCODING="utf-8",
               PYTHONUTF8="1", XDG_STATE_HOME=f"{os.devnull}/state")
    env.pop("FORCE_COLOR", None)
    env.pop("BAZAARWATCH_DB", None)
    return env


def bw(*args: str | Path, cwd: Path | None = None, stdin: str | None = None,
       timeout: float = 120,
       env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    """Run ``python -m bazaarwatch ARGS`` as a real subprocess and capture its output;
    ``env`` adds to ``cli_env()``."""
    return subprocess.run([sys.executable, "-m", "bazaarwatch", *map(str, args)],
                          input=stdin, capture_output=True, text=True, encoding="utf-8",
                          env=cli_env() | (env or {}), cwd=cwd, timeout=timeout, check=False)


def ingest_into(folder: Path, paths: list[Path]) -> Path:
    """A case in ``folder`` holding ``paths``, extracted and classified in this process as
    ``scan`` does (faster than the CLI for tests that read the case back)."""
    from bazaarwatch.classify.model import Classifier
    from bazaarwatch.indicators import default_extractor
    from bazaarwatch.ingest import Options, ingest, plan
    from bazaarwatch.store.sqlite import Case

    db = folder / "case.db"
    with Case(db) as case:
        options = Options(extractor=default_extractor(), classifier=Classifier.load())
        results = ingest(case, plan(paths), options=options)
    assert [r.status for r in results] == ["done"]
    return db


# -- a small realistic case --------------------------------------------------------------------
#
# Three chats of a full-account export. The expected figures are spelled out next to the data
# so that the stats/report tests check numbers an analyst could count by hand.

CARD_SHOP = 1_600_000_001
BARAHOLKA = 1_600_000_002
SHOP_BOT = 1_600_000_003


def realistic_chats() -> list[Raw]:
    # Messages per month (service messages aside): 2023-11: 3, 2023-12: 5, 2024-01: 4.
    channel = [  # a channel posting as itself: 4 posts, 1 forward, Nov 2023 .. Jan 2024
        tg_message(10, "Fresh CVV base, 90% valid", date=unix(2023, 11, 3),
                   sender="Card Shop", sender_id=f"channel{CARD_SHOP}"),
        tg_message(11, [{"type": "bold", "text": "SALE"}, " dumps with pin"],
                   date=unix(2023, 12, 20), sender="Card Shop", sender_id=f"channel{CARD_SHOP}"),
        tg_message(12, "Reposting our partners", date=unix(2023, 12, 5),
                   sender="Card Shop", sender_id=f"channel{CARD_SHOP}",
                   forwarded_from="Dumps Central"),
        tg_message(13, "New year restock", date=unix(2024, 1, 2),
                   sender="Card Shop", sender_id=f"channel{CARD_SHOP}"),
    ]
    group = [  # Alice 3 messages + 1 service, Bob 2 (one via an inline bot), 2 forwards
        tg_service(1, "invite_members", date=unix(2023, 11, 1, 9), members=["Bob"]),
        tg_message(2, "Продам аккаунты, пишите в лс", date=unix(2023, 11, 1, 10)),
        tg_message(3, "куплю карты", date=unix(2023, 11, 2), sender="Bob",
                   sender_id="user1002", reply_to=2),
        tg_message(4, "", date=unix(2023, 12, 1), sender="Bob", sender_id="user1002",
                   via_bot="@ShopHelperBot", photo="photos/photo_1.jpg", width=640, height=480),
        tg_message(5, "seen this?", date=unix(2023, 12, 2), forwarded_from="Dumps Central"),
        tg_message(6, "gift card codes cheap", date=unix(2023, 12, 3),
                   forwarded_from="Gift Card Kings"),
    ]
    bot = [  # a shop bot chat: 2 bot messages with menus, 1 from the account owner
        tg_message(20, "/start", date=unix(2024, 1, 5, 8), sender="Test Analyst",
                   sender_id="user99"),
        tg_message(21, "Welcome to the shop. Choose a city", date=unix(2024, 1, 5, 8, 1),
                   sender="Televend Shop Bot", sender_id=f"user{SHOP_BOT}",
                   buttons=[[{"type": "callback", "text": "Berlin", "data": "city:1"}]]),
        tg_message(22, "Balance: 0 BTC", date=unix(2024, 1, 6), sender="Televend Shop Bot",
                   sender_id=f"user{SHOP_BOT}",
                   buttons=[[{"type": "callback", "text": "Top up", "data": "pay"}]]),
    ]
    return [
        tg_chat(channel, name="Card Shop", type="public_channel", id=CARD_SHOP),
        tg_chat(group, name="Барахолка", type="private_supergroup", id=BARAHOLKA),
        tg_chat(bot, name="Televend Shop Bot", type="bot_chat", id=SHOP_BOT),
    ]


#: What ``stats --json`` must say about ``realistic_chats()``, per chat id.
REALISTIC_STATS: dict[str, Raw] = {
    str(CARD_SHOP): {"name": "Card Shop", "type": "public_channel", "messages": 4, "senders": 1,
                     "first_date": unix(2023, 11, 3), "last_date": unix(2024, 1, 2),
                     "forwards": 1, "bot_messages": 0},
    str(BARAHOLKA): {"name": "Барахолка", "type": "private_supergroup", "messages": 6,
                     "senders": 2, "first_date": unix(2023, 11, 1, 9),
                     "last_date": unix(2023, 12, 3), "forwards": 2, "bot_messages": 1},
    str(SHOP_BOT): {"name": "Televend Shop Bot", "type": "bot_chat", "messages": 3, "senders": 2,
                    "first_date": unix(2024, 1, 5, 8), "last_date": unix(2024, 1, 6),
                    "forwards": 0, "bot_messages": 2},
}


@pytest.fixture
def realistic_export(tmp_path: Path) -> Path:
    """A full-account export folder holding ``realistic_chats()``."""
    return write_account_export(tmp_path / "export", realistic_chats())


@pytest.fixture
def realistic_case(tmp_path: Path, realistic_export: Path) -> Path:
    """A case file with ``realistic_export`` ingested through the CLI."""
    db = tmp_path / "case.db"
    result = bw("ingest", realistic_export, "--db", db)
    assert result.returncode == 0, result.stderr
    return db


# -- store checks ------------------------------------------------------------------------------

def assert_fts_consistent(db: sqlite3.Connection) -> None:
    """The full-text index holds exactly the texts of ``messages``, token for token.

    Every row is indexed, empty text included, so FTS5's own ``integrity-check`` with
    rank 1 (which compares an external-content index with its content table) must pass.
    """
    indexed = {r[0] for r in db.execute("SELECT id FROM messages_fts_docsize")}
    rows = {r[0] for r in db.execute("SELECT rowid FROM messages")}
    assert indexed == rows, (f"indexed but not in messages: {sorted(indexed - rows)[:10]}; "
                             f"not indexed: {sorted(rows - indexed)[:10]}")
    db.execute("INSERT INTO messages_fts(messages_fts, rank) VALUES ('integrity-check', 1)")


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    """Headless Debian Chromium driven by Playwright (no browser download: the system's
    ``chromium`` is launched by path). Where it is missing the browser tests skip, except
    under CI, where ``.ci/run`` installs it and a missing browser is a failure. One per
    module: Playwright's event loop keeps threads while it lives, and ingest forks its
    analysis workers only from a process with one thread."""
    path = shutil.which("chromium") or shutil.which("chromium-browser")
    if path is None:
        if os.environ.get("CI"):
            pytest.fail("chromium is not installed: .ci/run installs it with apt-get")
        pytest.skip("Debian's chromium is not installed (apt-get install chromium)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=path, args=["--no-sandbox"])
        yield launched
        launched.close()
