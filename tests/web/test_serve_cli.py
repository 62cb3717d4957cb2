"""``bazaarwatch serve`` as a real process on loopback."""

from __future__ import annotations

import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest
from conftest import cli_env
from web_support import SHOP, build_case, free_port

from bazaarwatch.cli_web import is_loopback
from bazaarwatch.store import labels
from bazaarwatch.store.sqlite import Case

SERVE = [sys.executable, "-m", "bazaarwatch", "serve"]


def run(*args: str | Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run([*SERVE, *map(str, args)], capture_output=True, text=True,
                          env=cli_env(), timeout=60, check=False)


@pytest.mark.parametrize(("host", "loopback"), [
    ("127.0.0.1", True), ("127.0.0.2", True), ("localhost", True), ("::1", True),
    ("[::1]", True), ("0.0.0.0", False), ("::", False), ("192.168.1.10", False),
    ("example.org", False)])
def test_loopback_hosts(host: str, loopback: bool) -> None:
    assert is_loopback(host) is loopback


def _started(server: subprocess.Popen[str], url: str) -> httpx.Response:
    deadline = time.monotonic() + 60
    while True:
        try:
            return httpx.get(url, timeout=2)
        except httpx.TransportError:
            assert server.poll() is None, server.communicate()[1]
            assert time.monotonic() < deadline, "serve did not start"
            time.sleep(0.2)


@pytest.mark.parametrize("workers", ["1", "2"])
def test_serve_answers_on_loopback_until_stopped(tmp_path: Path, workers: str) -> None:
    """One process, or several sharing one CSRF token (a label posted with the token
    any of them gave is taken by whichever answers)."""
    db = build_case(tmp_path)
    port = free_port()
    server = subprocess.Popen([*SERVE, "--db", str(db), "--port", str(port),
                               "--workers", workers],
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                              env=cli_env())
    base = f"http://127.0.0.1:{port}"
    try:
        answer = _started(server, f"{base}/api/v1/chats/{SHOP}")
        assert answer.status_code == 200 and answer.json()["name"] == "Card Shop"
        with httpx.Client(base_url=base, timeout=10) as http:
            tokens = {http.get("/api/v1/csrf").json()["csrf_token"] for _ in range(6)}
            assert len(tokens) == 1
            posted = [http.post("/api/v1/labels", headers={"X-CSRF-Token": next(iter(tokens))},
                                json={"target": "chat", "chat_id": str(SHOP),
                                      "categories": ["carding"], "kind": "shop"})
                      for _ in range(4)]
        assert [p.status_code for p in posted] == [201] * 4
    finally:
        server.terminate()
        _, stderr = server.communicate(timeout=20)
    assert f"http://127.0.0.1:{port}/" in stderr
    with Case(db, read_only=True) as case:
        assert len(labels.history(case, str(SHOP))) == 4


def test_serve_refuses_a_missing_case_and_a_short_token(tmp_path: Path) -> None:
    missing = run("--db", tmp_path / "nope.db")
    assert missing.returncode == 1 and "no such case file" in missing.stderr
    short = run("--db", tmp_path / "nope.db", "--token", "abc")
    assert short.returncode == 2 and "16 characters" in short.stderr
