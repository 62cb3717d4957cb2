"""The HTML pages: what they show, escaped and masked, from a real case."""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient
from web_support import CARD, HOSTILE, MARKET, SHOP, WALLET, build_case

from bazaarwatch.web.app import create_app

LOCAL = "http://127.0.0.1"


@pytest.fixture(scope="module")
def client(tmp_path_factory: pytest.TempPathFactory) -> Iterator[TestClient]:
    with TestClient(create_app(build_case(tmp_path_factory.mktemp("webpages"))),
                    base_url=LOCAL) as c:
        yield c


@pytest.fixture(scope="module")
def stale(tmp_path_factory: pytest.TempPathFactory) -> Iterator[TestClient]:
    db = build_case(tmp_path_factory.mktemp("webstale"), analysed=False)
    with TestClient(create_app(db), base_url=LOCAL) as c:
        yield c


def no_markup_from_data(html: str) -> None:
    """No tag or handler from the hostile chat reaches the page as markup."""
    assert "<img src=x" not in html and "<svg onload" not in html
    assert "<script>window" not in html and 'href="javascript:' not in html
    scripts = re.findall(r"<script\b[^>]*>", html)
    assert scripts == ['<script src="/static/htmx.min.js" defer>'], scripts
    assert " style=" not in html  # the CSP forbids inline styles: none are used


@pytest.mark.parametrize("path", ["/", "/search?q=cvv", f"/messages/{HOSTILE}/1",
                                  f"/chats/{HOSTILE}", "/vendors", f"/vendors/chat:{HOSTILE}",
                                  "/indicators", "/indicators/@evil_support", "/links"])
def test_hostile_names_and_text_are_escaped_on_every_page(client: TestClient, path: str) -> None:
    page = client.get(path)
    assert page.status_code == 200
    no_markup_from_data(page.text)


def test_message_page_shows_the_hostile_text_as_text(client: TestClient) -> None:
    html = client.get(f"/messages/{HOSTILE}/1").text
    assert "&lt;img src=x onerror=window.pwned=1&gt;" in html
    assert "&lt;script&gt;window.pwned=5&lt;/script&gt;Shop" in html  # the chat name
    assert "javascript:" not in html  # entity links are never rendered as links


def test_search_page_marks_matches_and_counts_hits(client: TestClient) -> None:
    html = client.get("/search", params={"q": "cvv"}).text
    assert re.search(r"4\s+matching messages", html)
    assert "<mark>CVV</mark>" in html and "+1 repost in Барахолка" in html


def test_search_partial_for_htmx_is_only_the_results(client: TestClient) -> None:
    html = client.get("/search", params={"q": "cvv"},
                      headers={"HX-Request": "true", "HX-Target": "results"}).text
    assert "<html" not in html and "matching messages" in html


def test_search_page_explains_a_bad_query_and_a_bad_date(client: TestClient) -> None:
    assert "not a valid search" in client.get("/search", params={"q": '"open'}).text
    assert "is not a date" in client.get("/search", params={"since": "yesterday"}).text


def test_search_pages_through_results(client: TestClient) -> None:
    html = client.get("/search", params={"chat": MARKET, "offset": "0"}).text
    assert "matching messages" in html and "next →" not in html  # one page only


def test_card_numbers_are_masked_on_pages(client: TestClient) -> None:
    for path in (f"/messages/{SHOP}/12", f"/chats/{SHOP}", "/indicators?type=card",
                 "/search?q=declined"):
        html = client.get(path).text
        assert CARD not in html and "4111111111111111" not in html, path
    assert "4111 11** **** 1111" in client.get(f"/messages/{SHOP}/12").text


def test_message_page_links_each_indicator_to_its_pivot(client: TestClient) -> None:
    html = client.get(f"/messages/{SHOP}/10").text
    assert f'href="/indicators/{WALLET}?type=btc"' in html
    pivot = client.get(f"/indicators/{WALLET}?type=btc").text
    assert f"/messages/{MARKET}/5" in pivot and f"/messages/{SHOP}/10" in pivot


def test_message_page_shows_context_and_triage(client: TestClient) -> None:
    html = client.get(f"/messages/{MARKET}/3").text
    assert "In reply to" in html and "Продам аккаунты netflix" in html
    assert "5$ за штуку" in html  # the reply, also the next message
    assert 'name="csrf_token"' in html and 'value="accounts"' in html


def test_chat_page_has_verdict_vendors_and_triage(client: TestClient) -> None:
    html = client.get(f"/chats/{SHOP}").text
    assert "shop" in html and "Carding" in html and "@cardshop_support" in html
    assert f'href="/vendors/chat%3A{SHOP}"' in html
    assert '<select name="kind">' in html


def test_market_pages_render(client: TestClient) -> None:
    assert "Card Shop" in client.get("/vendors").text
    assert client.get("/networks").status_code == 200
    assert "<svg" in client.get("/trends").text
    assert client.get("/vendors/nobody").status_code == 404
    assert "not found" not in client.get("/").text.lower()


def test_pages_say_when_the_market_map_is_not_computed(stale: TestClient) -> None:
    for path in ("/vendors", "/links", "/trends", f"/chats/{SHOP}"):
        assert "bazaarwatch analyse" in stale.get(path).text, path


def test_unknown_pages_are_404_pages(client: TestClient) -> None:
    missing = client.get(f"/messages/{SHOP}/999")
    assert missing.status_code == 404 and "no message 999" in missing.text
    assert client.get("/chats/nope").status_code == 404
