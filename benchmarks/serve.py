"""Load on the workbench API (``bazaarwatch serve``) while an ingest writes to the case.

A real server (``python -m bazaarwatch serve``, uvicorn) on 127.0.0.1 serves a copy of a
large case; ``--clients`` threads send requests for ``--seconds``: searches (common and
rare words, phrases, filters, indicator pivots), classify batches and triage labels, in
the proportions of ``MIX``. Meanwhile ``bazaarwatch ingest`` adds ``--ingest`` generated
messages (long offers and news) to the same case, with full analysis. It prints, per
kind of request: requests/s, p50 and p99 latency and errors; how many labels were sent
and how many the case holds afterwards (none may be lost); and the ingest's own figures.

The case is built by ``benchmarks/intel.py`` (written straight into the store, a minute
per million messages) unless ``--case`` names one; it is copied first, so the original
is never changed. Everything talks to loopback only.

    python benchmarks/serve.py --messages 1000000 --workdir /tmp/bw-serve --clients 8 \\
        --workers 2 --seconds 60 --ingest 20000
"""

from __future__ import annotations

import argparse
import json
import random
import shutil
import socket
import sqlite3
import statistics
import subprocess
import sys
import threading
import time
from collections import defaultdict
from pathlib import Path
from typing import Any

import httpx

sys.path.insert(0, str(Path(__file__).parent))
from intel import build  # the generator of benchmarks/intel.py

#: What one client's next request is, by weight.
MIX = {"search": 70, "classify": 15, "label": 15}
WORDS = ["Kush", "bitcoin", "stealth", "Berlin", "Vilnius", "МДМА", "паспорт", '"gift card"',
         "DDoS", "escrow", "reviews", "Amnesia AND Haze", "cvv OR dumps", "stea*",
         "vaccine", "nosuchwordatall"]
TEXTS = [
    "🔥 Fresh CVV US high balance 15$ each, dumps track2 30$. Escrow ok, write @cc_shop",
    "Продаю мефедрон, закладки Москва, оплата BTC, заказ через бота @magaz_bot",
    "Weather tomorrow: rain in the morning, clearing later, +7°C, wind 4 m/s",
    "Netflix premium account 1 year 5$, Spotify family 3$, instant delivery",
    "Police arrested the administrators of a darknet marketplace on Tuesday, the "
    "prosecutor said; the servers were seized and the vendors are being identified.",
]
MAX_CLIENTS = 32
MAX_SECONDS = 600


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def start_server(db: Path, port: int, workers: int) -> subprocess.Popen[bytes]:
    server = subprocess.Popen([sys.executable, "-m", "bazaarwatch", "serve", "--db", str(db),
                               "--port", str(port), "--workers", str(workers)],
                              stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        try:
            if httpx.get(f"http://127.0.0.1:{port}/api/v1/csrf", timeout=2).status_code == 200:
                return server
        except httpx.TransportError:
            time.sleep(0.3)
        if server.poll() is not None:
            raise SystemExit(f"serve exited: {server.communicate()[1].decode()[-2000:]}")
    server.kill()
    raise SystemExit("serve did not answer within 120 s")


def ingest_file(path: Path, n: int, seed: int) -> None:
    """``n`` JSON Lines messages for the concurrent ingest: long offers and news."""
    rng = random.Random(seed)
    with path.open("w", encoding="utf-8") as out:
        for i in range(n):
            text = " ".join(rng.choice(TEXTS) for _ in range(rng.randint(1, 4)))
            out.write(json.dumps({"id": i, "text": f"{text} #{i}",
                                  "chat": f"load-{i % 50}", "chat_type": "public_channel",
                                  "sender": f"load-sender-{i % 200}",
                                  "date": 1_700_000_000 + i * 60}) + "\n")


def targets(db: Path, n: int, seed: int) -> tuple[list[tuple[str, Any]], list[str], list[str]]:
    """Messages to label, wallets to pivot on and chats to filter by, from the case."""
    with sqlite3.connect(f"file:{db}?mode=ro", uri=True) as con:
        top = con.execute("SELECT max(rowid) FROM messages").fetchone()[0]
        rng = random.Random(seed)
        picked = [con.execute("SELECT chat_id, message_id FROM messages WHERE rowid = ?",
                              (rng.randint(1, top),)).fetchone() for _ in range(n)]
        wallets = [r[0] for r in con.execute(
            "SELECT normalized FROM indicators WHERE type = 'btc' LIMIT 50")]
        chats = [r[0] for r in con.execute("SELECT id FROM chats LIMIT 50")]
    return [tuple(p) for p in picked if p], wallets, chats


class Load:
    """The clients' shared tallies."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.latency: dict[str, list[float]] = defaultdict(list)
        self.errors: dict[str, list[str]] = defaultdict(list)
        self.labels_sent: list[tuple[str, Any, str]] = []

    def record(self, kind: str, seconds: float, error: str | None) -> None:
        with self.lock:
            self.latency[kind].append(seconds)
            if error:
                self.errors[kind].append(error)


def search_params(rng: random.Random, wallets: list[str], chats: list[str]) -> dict[str, Any]:
    roll = rng.random()
    if roll < 0.1 and wallets:
        return {"indicator": rng.choice(wallets)}
    params: dict[str, Any] = {"q": rng.choice(WORDS), "limit": 20}
    if roll < 0.2:
        params["category"] = rng.choice(["drugs", "carding", "fake-documents", "hacking"])
    elif roll < 0.3 and chats:
        params["chat"] = rng.choice(chats)
    elif roll < 0.35:
        params["offer"] = "true"
    return params


def client(base: str, seconds: float, seed: int, load: Load, to_label: list[tuple[str, Any]],
           wallets: list[str], chats: list[str]) -> None:
    rng = random.Random(seed)
    kinds, weights = zip(*MIX.items(), strict=True)
    with httpx.Client(base_url=base, timeout=30) as http:
        token = http.get("/api/v1/csrf").json()["csrf_token"]
        headers = {"X-CSRF-Token": token}
        end = time.monotonic() + seconds
        while time.monotonic() < end:
            kind = rng.choices(kinds, weights)[0]
            started = time.perf_counter()
            error = None
            try:
                if kind == "search":
                    r = http.get("/api/v1/search", params=search_params(rng, wallets, chats))
                elif kind == "classify":
                    batch = [{"id": i, "text": rng.choice(TEXTS)} for i in range(10)]
                    r = http.post("/api/v1/classify", json={"messages": batch},
                                  headers=headers)
                else:
                    chat_id, message_id = rng.choice(to_label)
                    note = f"load-{seed}-{time.monotonic_ns()}"
                    r = http.post("/api/v1/labels", headers=headers, json={
                        "target": "message", "chat_id": chat_id, "message_id": message_id,
                        "categories": ["carding"], "offer": True, "note": note})
                    if r.status_code == 201:
                        with load.lock:
                            load.labels_sent.append((chat_id, message_id, note))
                if r.status_code >= 400:
                    error = f"{r.status_code} {r.text[:200]}"
            except httpx.HTTPError as e:
                error = repr(e)
            load.record(kind, time.perf_counter() - started, error)


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


def report(load: Load, seconds: float) -> None:
    print(f"{'request':<10} {'count':>7} {'req/s':>7} {'p50 ms':>8} {'p99 ms':>8} {'errors':>7}")
    for kind, values in sorted(load.latency.items()):
        print(f"{kind:<10} {len(values):>7} {len(values) / seconds:>7.1f} "
              f"{statistics.median(values) * 1000:>8.1f} {percentile(values, 0.99) * 1000:>8.1f}"
              f" {len(load.errors[kind]):>7}")
    for kind, errors in load.errors.items():
        for e in errors[:3]:
            print(f"  {kind} error: {e}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--case", type=Path, default=None, help="A case to copy and serve.")
    parser.add_argument("--messages", type=int, default=1_000_000)
    parser.add_argument("--chats", type=int, default=500)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--workdir", type=Path, default=Path("/tmp/bw-serve"))
    parser.add_argument("--clients", type=int, default=8)
    parser.add_argument("--workers", type=int, default=2, help="serve --workers")
    parser.add_argument("--seconds", type=float, default=60)
    parser.add_argument("--ingest", type=int, default=20_000,
                        help="Messages the concurrent ingest adds (0: no ingest).")
    args = parser.parse_args()
    clients = max(1, min(args.clients, MAX_CLIENTS))
    seconds = max(1.0, min(args.seconds, MAX_SECONDS))
    args.workdir.mkdir(parents=True, exist_ok=True)
    source = args.case
    if source is None:
        source = args.workdir / f"serve-{args.messages}-{args.chats}-{args.seed}.db"
        if not source.exists():
            took = build(source, args.messages, args.chats, args.seed)
            print(f"built {args.messages:,} messages in {took:.0f} s")
    db = args.workdir / "served.db"
    for suffix in ("", "-wal", "-shm"):
        Path(f"{db}{suffix}").unlink(missing_ok=True)
    shutil.copyfile(source, db)
    to_label, wallets, chats = targets(db, 500, args.seed)
    port = free_port()
    server = start_server(db, port, args.workers)
    ingest = None
    try:
        if args.ingest:
            feed = args.workdir / "ingest.jsonl"
            ingest_file(feed, args.ingest, args.seed)
            ingest = subprocess.Popen([sys.executable, "-m", "bazaarwatch", "ingest", str(feed),
                                       "--db", str(db)], stdout=subprocess.DEVNULL,
                                      stderr=subprocess.PIPE)
        load = Load()
        threads = [threading.Thread(target=client, args=(f"http://127.0.0.1:{port}", seconds,
                                                          args.seed + i, load, to_label,
                                                          wallets, chats))
                   for i in range(clients)]
        started = time.monotonic()
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        elapsed = time.monotonic() - started
        ingest_state = "no ingest"
        if ingest is not None:
            code = ingest.poll()
            ingest_state = ("still running at the end of the load (stopped)" if code is None
                            else f"finished during the load, exit {code}")
            if code is None:
                ingest.terminate()
    finally:
        server.terminate()
        server.wait(30)
    if ingest is not None:
        ingest_err = ingest.communicate()[1].decode(errors="replace").strip().splitlines()
        ingest_state += f"; {ingest_err[-1] if ingest_err else ''}"
    print(f"case: {source.name}, {args.workers} server processes, {clients} clients, "
          f"{elapsed:.0f} s; ingest of "
          f"{args.ingest:,} messages: {ingest_state}")
    report(load, elapsed)
    with sqlite3.connect(db) as con:
        stored = {(str(c), str(m), n) for c, m, n in con.execute(
            "SELECT chat_id, message_id, note FROM labels")}
    sent = {(str(c), str(m), n) for c, m, n in load.labels_sent}
    print(f"labels: {len(sent):,} acknowledged, {len(sent & stored):,} stored, "
          f"{len(sent - stored):,} lost")


if __name__ == "__main__":
    main()
