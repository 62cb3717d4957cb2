"""The JSON API under /api/v1 against the real app on a real case (FastAPI's TestClient
drives the ASGI app in process; one test runs it under a real uvicorn)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from fastapi.testclient import TestClient
from web_support import CARD, MARKET, OFFER, SHOP, WALLET, build_case, live_server

from bazaarwatch.store import labels
from bazaarwatch.store.sqlite import Case
from bazaarwatch.web.app import create_app

LOCAL = "http://127.0.0.1"


@pytest.fixture(scope="module")
def case_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build_case(tmp_path_factory.mktemp("webapi"))


@pytest.fixture(scope="module")
def client(case_db: Path) -> Iterator[TestClient]:
    with TestClient(create_app(case_db), base_url=LOCAL) as c:
        yield c


def csrf(client: TestClient) -> dict[str, str]:
    return {"X-CSRF-Token": client.get("/api/v1/csrf").json()["csrf_token"]}


def test_search_counts_hits_folds_the_repost_and_marks_matches(client: TestClient) -> None:
    found = client.get("/api/v1/search", params={"q": "cvv"}).json()
    assert set(found) == {"total", "capped", "results"}
    assert found["total"] == 4 and found["capped"] is False
    # The channel's offer and its copy in the flea market are one result.
    offers = [r for r in found["results"] if r["message_id"] == 10 and r["chat_id"] == SHOP]
    assert len(offers) == 1 and offers[0]["reposts"] == 1
    assert offers[0]["repost_chats"] == [{"id": MARKET, "name": "Барахолка"}]
    assert len(found["results"]) == 3
    assert "\x02CVV\x03" in offers[0]["snippet"]
    assert offers[0]["categories"] == ["carding"] and offers[0]["offer"] is True


def test_search_filters_by_chat_category_offer_date_and_indicator(client: TestClient) -> None:
    def ids(**params: Any) -> set[tuple[str, int]]:
        found = client.get("/api/v1/search", params=params).json()
        return {(r["chat_id"], r["message_id"]) for r in found["results"]}

    assert ids(q="cvv", chat=MARKET) == {(MARKET, 5)}
    assert ids(category="accounts") == {(MARKET, 2)}
    assert (MARKET, 6) in ids(chat=MARKET, offer="false")
    assert ids(chat=SHOP, since=1709600000, until=1709800000) == {(SHOP, 11), (SHOP, 12)}
    wallet = client.get("/api/v1/search", params={"indicator": WALLET}).json()
    assert wallet["total"] == 2  # the offer and its repost, folded into one (the newest)
    assert [(r["chat_id"], r["message_id"], r["reposts"]) for r in wallet["results"]] == [
        (MARKET, 5, 1)]
    assert ids(indicator_type="card") == {(SHOP, 12)}


def test_search_refuses_a_bad_query_and_an_oversized_page(client: TestClient) -> None:
    bad = client.get("/api/v1/search", params={"q": '"unclosed'})
    assert bad.status_code == 400 and "not a valid search" in bad.json()["error"]
    assert client.get("/api/v1/search", params={"q": "cvv", "limit": 201}).status_code == 422
    assert client.get("/api/v1/search", params={"q": "cvv", "offset": 10**6}).status_code == 422
    assert client.get("/api/v1/search", params={"q": "x" * 1001}).status_code == 422


def test_message_comes_with_its_reply_target_replies_and_neighbours(client: TestClient) -> None:
    m = client.get(f"/api/v1/messages/{MARKET}/3").json()
    assert m["text"] == "сколько стоит?" and m["sender_name"] == "Bob"
    assert m["reply_target"]["message_id"] == 2
    assert [r["message_id"] for r in m["replies"]] == [4]
    assert [r["message_id"] for r in m["before"]] == [1, 2]
    assert [r["message_id"] for r in m["after"]] == [4, 5, 6]
    assert m["before"][0]["kind"] == "service"


def test_message_shows_verdict_evidence_indicators_and_masks_the_card(client: TestClient) -> None:
    offer = client.get(f"/api/v1/messages/{SHOP}/10").json()
    assert offer["categories"] == ["carding"] and offer["offer"] is True
    assert any("CVV" in line for line in offer["says"])
    assert {(i["type"], i["normalized"]) for i in offer["indicators"]} >= {
        ("btc", WALLET), ("telegram", "@cardshop_support")}
    card = client.get(f"/api/v1/messages/{SHOP}/12").json()
    assert CARD not in card["text"] and "4111 11** **** 1111" in card["text"]
    assert [i["normalized"] for i in card["indicators"]] == ["411111******1111"]
    assert client.get(f"/api/v1/messages/{SHOP}/999").status_code == 404


def test_chat_has_its_verdict_indicators_and_flagged_messages(client: TestClient) -> None:
    chat = client.get(f"/api/v1/chats/{SHOP}").json()
    assert chat["name"] == "Card Shop" and chat["messages"] == 4
    assert chat["verdict"]["kind"] == "shop"
    assert chat["verdict"]["shares"][0]["category"] == "carding"
    assert chat["indicators"][0] == {"type": "telegram", "value": "@cardshop_support",
                                     "messages": 3}
    assert {m["message_id"] for m in chat["flagged"]} >= {10, 11, 13}
    assert [v["id"] for v in chat["vendors"]] == [f"chat:{SHOP}"]
    assert client.get("/api/v1/chats/404404").status_code == 404


def test_vendor_comes_from_the_market_map_with_its_messages(client: TestClient) -> None:
    found = client.get(f"/api/v1/vendors/chat:{SHOP}").json()
    assert found["current"] is True
    assert found["vendor"]["names"] == ["Card Shop"]
    assert {w["value"] for w in found["vendor"]["wallets"]} == {WALLET}
    assert found["message_count"] >= 3
    assert all(m["chat_id"] == SHOP for m in found["messages"])
    assert client.get("/api/v1/vendors/nobody").status_code == 404


def test_indicator_pivot_lists_every_message_and_chat_with_the_value(client: TestClient) -> None:
    found = client.get(f"/api/v1/indicators/{WALLET}").json()
    assert found["indicators"] == [{"type": "btc", "checked": True, "messages": 2}]
    assert {(m["chat_id"], m["message_id"]) for m in found["messages"]} == {
        (SHOP, 10), (MARKET, 5)}
    assert {c["chat_id"] for c in found["chats"]} == {SHOP, MARKET}
    # A masked card value (what every page shows) leads to its messages too.
    card = client.get("/api/v1/indicators/411111******1111").json()
    assert [m["message_id"] for m in card["messages"]] == [12]
    assert client.get("/api/v1/indicators/nothing-here").json()["messages"] == []


def test_classify_answers_the_command_contract_per_message(client: TestClient) -> None:
    body = {"messages": [{"id": "a", "text": OFFER},
                         {"id": 7, "text": "погода сегодня отличная"},
                         {"id": None, "text": "Card 4111111111111111 cvv for sale"}]}
    answer = client.post("/api/v1/classify", json=body, headers=csrf(client)).json()
    assert [a["id"] for a in answer] == ["a", 7, None]
    assert all(set(a) == {"id", "categories", "scores", "offer", "evidence"} for a in answer)
    assert answer[0]["categories"][0] == "carding" and answer[0]["offer"] is True
    assert answer[1]["categories"] == []
    assert "4111111111111111" not in str(answer[2]["evidence"])


def test_classify_refuses_too_many_messages(client: TestClient) -> None:
    body = {"messages": [{"id": i, "text": "x"} for i in range(101)]}
    assert client.post("/api/v1/classify", json=body, headers=csrf(client)).status_code == 422


def test_a_label_posted_is_stored_in_the_case(client: TestClient, case_db: Path) -> None:
    body = {"target": "message", "chat_id": MARKET, "message_id": 6,
            "categories": ["drugs"], "offer": False, "note": "slang: 'погода' = weed",
            "analyst": "jd"}
    stored = client.post("/api/v1/labels", json=body, headers=csrf(client))
    assert stored.status_code == 201, stored.text
    assert stored.json()["categories"] == ["drugs"]
    with Case(case_db, create=False, read_only=True) as case:
        mine = labels.current(case, chat_id=MARKET, target="message")
    assert [(lb.message_id, lb.categories, lb.offer, lb.analyst) for lb in mine] == [
        (6, ["drugs"], False, "jd")]
    shown = client.get(f"/api/v1/messages/{MARKET}/6").json()
    assert shown["labels"][0]["note"] == "slang: 'погода' = weed"


def test_a_bad_label_is_refused_with_the_reason(client: TestClient) -> None:
    body = {"target": "message", "chat_id": MARKET, "message_id": 6, "categories": ["weed"]}
    refused = client.post("/api/v1/labels", json=body, headers=csrf(client))
    assert refused.status_code == 400 and "unknown categories" in refused.json()["error"]


def test_openapi_is_served_and_no_cdn_docs_page(client: TestClient) -> None:
    spec = client.get("/api/v1/openapi.json").json()
    assert {"/api/v1/search", "/api/v1/classify", "/api/v1/labels"} <= set(spec["paths"])
    assert not any(p.startswith(("/chats", "/messages/")) for p in spec["paths"])
    assert client.get("/docs").status_code == 404


def test_the_api_under_a_real_uvicorn_server(case_db: Path) -> None:
    with live_server(create_app(case_db)) as base, httpx.Client(base_url=base) as http:
        found = http.get("/api/v1/search", params={"q": "дампы"}).json()
        assert [(r["chat_id"], r["message_id"]) for r in found["results"]] == [(SHOP, 11)]
        token = http.get("/api/v1/csrf").json()["csrf_token"]
        answer = http.post("/api/v1/classify", headers={"X-CSRF-Token": token},
                           json={"messages": [{"id": 1, "text": OFFER}]})
        assert answer.status_code == 200 and answer.json()[0]["categories"] == ["carding"]
        assert http.post("/api/v1/classify", json={"messages": []}).status_code == 403
