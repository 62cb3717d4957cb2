"""A small realistic case for the workbench tests, and a real server to run it on.

The case: a carding channel that posts offers (English and Russian, a wallet, a support
handle, a card number), a flea-market group where a buyer replies to a seller and the
channel's offer is reposted, and a chat whose name, sender and text are hostile HTML
(script tags, an ``onerror`` image, a ``javascript:`` link as a Telegram text link).
"""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import uvicorn
from conftest import ingest_into, tg_chat, tg_message, tg_service, unix, write_account_export
from fastapi import FastAPI

from bazaarwatch.intel.analyse import refresh
from bazaarwatch.store.sqlite import Case

SHOP = "1700000001"
MARKET = "1700000002"
HOSTILE = "1700000003"
WALLET = "bc1qar0srrr7xfkvy5l643lydnw9re59gtzzwf5mdq"
CARD = "4111 1111 1111 1111"
HOSTILE_TEXT: list[str | dict[str, Any]] = [
    "<img src=x onerror=window.pwned=1> ",
    {"type": "text_link", "text": "open me", "href": "javascript:window.pwned=2"},
    " <script>window.pwned=3</script> fresh cvv dumps for sale, write @evil_support",
]
OFFER = "Fresh CVV base, 90% valid, 15$ each. Pay BTC " + WALLET + ", write @cardshop_support"


def chats() -> list[dict[str, object]]:
    shop = [
        tg_message(10, OFFER, date=unix(2024, 3, 1), sender="Card Shop",
                   sender_id=f"channel{SHOP}"),
        tg_message(11, [{"type": "bold", "text": "Продаю дампы с пином"},
                        ", пишите @cardshop_support, оплата BTC"],
                   date=unix(2024, 3, 5), sender="Card Shop", sender_id=f"channel{SHOP}"),
        tg_message(12, "Our test card " + CARD + " was declined, sorry", date=unix(2024, 3, 6),
                   sender="Card Shop", sender_id=f"channel{SHOP}"),
        tg_message(13, "Weekend restock: gift cards and CVV, DM @cardshop_support",
                   date=unix(2024, 3, 9), sender="Card Shop", sender_id=f"channel{SHOP}"),
    ]
    market = [
        tg_service(1, "invite_members", date=unix(2024, 3, 1, 9), members=["Bob"]),
        tg_message(2, "Продам аккаунты netflix, пишите в лс", date=unix(2024, 3, 2)),
        tg_message(3, "сколько стоит?", date=unix(2024, 3, 2, 13), sender="Bob",
                   sender_id="user1002", reply_to=2),
        tg_message(4, "5$ за штуку", date=unix(2024, 3, 2, 14), reply_to=3),
        tg_message(5, OFFER, date=unix(2024, 3, 3), forwarded_from="Card Shop"),
        tg_message(6, "погода сегодня отличная", date=unix(2024, 3, 4), sender="Bob",
                   sender_id="user1002"),
    ]
    hostile = [
        tg_message(1, HOSTILE_TEXT, date=unix(2024, 3, 7),
                   sender="<svg onload=window.pwned=4>", sender_id="user6660001"),
    ]
    return [
        tg_chat(shop, name="Card Shop", type="public_channel", id=int(SHOP)),
        tg_chat(market, name="Барахолка", type="private_supergroup", id=int(MARKET)),
        tg_chat(hostile, name="<script>window.pwned=5</script>Shop", type="public_channel",
                id=int(HOSTILE)),
    ]


def build_case(folder: Path, *, analysed: bool = True) -> Path:
    """The case in ``folder``: ingested, classified, and (``analysed``) with its market
    map stored."""
    export = write_account_export(folder / "export", chats())
    db: Path = ingest_into(folder, [export])
    if analysed:
        with Case(db) as case:
            refresh(case)
    return db


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@contextmanager
def live_server(app: FastAPI) -> Iterator[str]:
    """``app`` served by a real uvicorn on 127.0.0.1 in a thread; yields its base URL."""
    port = free_port()
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port,
                                           log_level="warning"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not server.started:
        assert time.monotonic() < deadline, "uvicorn did not start"
        time.sleep(0.05)
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join(10)
