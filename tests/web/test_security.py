"""The workbench's guard: tokens, loopback, CSRF, read-only, headers, size and time limits."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from web_support import MARKET, build_case

from bazaarwatch.store import labels
from bazaarwatch.store.sqlite import Case
from bazaarwatch.web import cases
from bazaarwatch.web.app import create_app
from bazaarwatch.web.security import MAX_BODY

LOCAL = "http://127.0.0.1"
TOKEN = "s3cret-token-for-tests-0123456789"
LABEL = {"target": "message", "chat_id": MARKET, "message_id": 2, "categories": ["accounts"]}


@pytest.fixture(scope="module")
def case_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build_case(tmp_path_factory.mktemp("websec"), analysed=False)


@pytest.fixture(scope="module")
def client(case_db: Path) -> Iterator[TestClient]:
    with TestClient(create_app(case_db), base_url=LOCAL) as c:
        yield c


def token_of(client: TestClient) -> str:
    value: str = client.get("/api/v1/csrf").json()["csrf_token"]
    return value


def stored_labels(db: Path) -> list[labels.Label]:
    with Case(db, create=False, read_only=True) as case:
        return labels.current(case, chat_id=MARKET)


def test_every_response_carries_the_security_headers(client: TestClient) -> None:
    for path in ("/", "/search?q=cvv", "/api/v1/search?q=cvv", "/static/htmx.min.js",
                 "/no/such/page", "/api/v1/openapi.json"):
        headers = client.get(path).headers
        csp = headers["content-security-policy"]
        assert "default-src 'self'" in csp and "frame-ancestors 'none'" in csp, path
        assert "'unsafe-inline'" not in csp and "'unsafe-eval'" not in csp
        assert headers["x-content-type-options"] == "nosniff"
        assert headers["referrer-policy"] == "no-referrer"


def test_without_a_token_only_loopback_hosts_are_answered(client: TestClient) -> None:
    assert client.get("/", headers={"Host": "localhost:8000"}).status_code == 200
    # A page on evil.example that DNS-rebinds its name to 127.0.0.1 arrives with its Host.
    refused = client.get("/api/v1/search?q=cvv", headers={"Host": "evil.example"})
    assert refused.status_code == 403 and "loopback" in refused.json()["error"]


def test_a_token_is_needed_on_every_request(case_db: Path) -> None:
    app = create_app(case_db, token=TOKEN)
    with TestClient(app, base_url="http://10.0.0.5:8000") as c:
        assert c.get("/").status_code == 401
        assert c.get("/api/v1/search?q=cvv").status_code == 401
        assert c.get("/static/style.css").status_code == 401
        assert c.get("/", headers={"Authorization": "Bearer wrong"}).status_code == 401
        assert c.get("/?token=wrong").status_code == 401
        ok = c.get("/api/v1/search?q=cvv", headers={"Authorization": f"Bearer {TOKEN}"})
        assert ok.status_code == 200 and ok.json()["total"] == 4


def test_token_in_the_address_sets_a_strict_cookie_and_leaves_the_address(
        case_db: Path) -> None:
    with TestClient(create_app(case_db, token=TOKEN), base_url="http://10.0.0.5:8000",
                    follow_redirects=False) as c:
        entered = c.get(f"/search?q=cvv&token={TOKEN}")
        assert entered.status_code == 303 and entered.headers["location"] == "/search?q=cvv"
        cookie = entered.headers["set-cookie"]
        assert "HttpOnly" in cookie and "SameSite=Strict" in cookie
        assert c.get("/search?q=cvv").status_code == 200  # the cookie is sent from now on


def test_post_without_the_csrf_token_is_refused(client: TestClient, case_db: Path) -> None:
    before = len(stored_labels(case_db))
    assert client.post("/api/v1/labels", json=LABEL).status_code == 403
    assert client.post("/api/v1/labels", json=LABEL,
                       headers={"X-CSRF-Token": "guess"}).status_code == 403
    form = client.post(f"/messages/{MARKET}/2/labels", data={"categories": "accounts"})
    assert form.status_code == 403
    assert len(stored_labels(case_db)) == before


def test_post_from_another_site_is_refused_even_with_the_token(client: TestClient) -> None:
    token = {"X-CSRF-Token": token_of(client)}
    cross = client.post("/api/v1/labels", json=LABEL,
                        headers={**token, "Origin": "https://evil.example"})
    assert cross.status_code == 403 and "cross-origin" in cross.json()["error"]
    fetched = client.post("/api/v1/labels", json=LABEL,
                          headers={**token, "Sec-Fetch-Site": "cross-site"})
    assert fetched.status_code == 403
    same = client.post("/api/v1/labels", json=LABEL,
                       headers={**token, "Origin": LOCAL, "Sec-Fetch-Site": "same-origin"})
    assert same.status_code == 201


def test_a_triage_form_with_its_hidden_token_is_stored(client: TestClient,
                                                       case_db: Path) -> None:
    sent = client.post(f"/messages/{MARKET}/4/labels", follow_redirects=False,
                       data={"csrf_token": token_of(client), "categories": ["accounts"],
                             "offer": "yes", "analyst": "kb"})
    assert sent.status_code == 303 and sent.headers["location"].startswith(f"/messages/{MARKET}/4")
    assert any(lb.message_id == 4 and lb.categories == ["accounts"] and lb.offer
               for lb in stored_labels(case_db))


def test_read_only_refuses_writes_and_still_reads(case_db: Path) -> None:
    before = len(stored_labels(case_db))
    with TestClient(create_app(case_db, read_only=True), base_url=LOCAL) as c:
        token = {"X-CSRF-Token": token_of(c)}
        refused = c.post("/api/v1/labels", json=LABEL, headers=token)
        assert refused.status_code == 403 and "read-only" in refused.json()["error"]
        form = c.post(f"/messages/{MARKET}/2/labels",
                      data={"csrf_token": token[("X-CSRF-Token")], "categories": "accounts"})
        assert form.status_code == 403
        assert c.get("/api/v1/search?q=cvv").json()["total"] == 4
        assert "triage is off" in c.get(f"/messages/{MARKET}/2").text
        # Classifying writes nothing: a read-only server still answers it.
        assert c.post("/api/v1/classify", json={"messages": []}, headers=token).json() == []
    assert len(stored_labels(case_db)) == before


def test_read_only_opens_the_case_so_that_sqlite_refuses_writes(case_db: Path) -> None:
    case = cases.open_case(case_db, read_only=True, write=True)
    try:
        with pytest.raises(sqlite3.OperationalError, match=r"readonly"):
            case.db.execute("DELETE FROM labels")
    finally:
        case.close()


def test_an_oversized_body_is_refused_before_it_is_parsed(client: TestClient) -> None:
    token = {"X-CSRF-Token": token_of(client)}
    big = {"messages": [{"id": 1, "text": "x" * (MAX_BODY + 10)}]}
    too_big = client.post("/api/v1/classify", json=big, headers=token)
    assert too_big.status_code == 413

    def chunks() -> Iterator[bytes]:  # no Content-Length: counted as it arrives
        for _ in range(20):
            yield b"x" * (MAX_BODY // 10)

    streamed = client.post("/api/v1/classify", content=chunks(),
                           headers={**token, "Content-Type": "application/json"})
    assert streamed.status_code == 413


def test_a_query_over_its_time_budget_is_stopped(client: TestClient,
                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(cases, "BUDGET", -1.0)
    monkeypatch.setattr(cases, "_EVERY", 1)
    stopped = client.get("/api/v1/search", params={"q": "cvv"})
    assert stopped.status_code == 503 and "too long" in stopped.json()["error"]
    page = client.get("/search", params={"q": "cvv"})
    assert page.status_code == 503 and "too long" in page.text


def test_an_opaque_origin_needs_a_same_origin_fetch(client: TestClient) -> None:
    token = {"X-CSRF-Token": token_of(client)}
    framed = client.post("/api/v1/labels", json=LABEL, headers={**token, "Origin": "null"})
    assert framed.status_code == 403 and "opaque origin" in framed.json()["error"]
    # A form posted from one of the workbench's own (no-referrer) pages.
    own = client.post("/api/v1/labels", json=LABEL,
                      headers={**token, "Origin": "null", "Sec-Fetch-Site": "same-origin"})
    assert own.status_code == 201


def test_the_token_redirect_stays_on_this_server(case_db: Path) -> None:
    with TestClient(create_app(case_db, token=TOKEN), base_url="http://10.0.0.5:8000",
                    follow_redirects=False) as c:
        entered = c.get(f"http://10.0.0.5:8000//evil.example/x?token={TOKEN}")
        # "//evil.example/x" would send the browser to another host: a path here instead.
        assert entered.status_code == 303 and entered.headers["location"] == "/evil.example/x"
