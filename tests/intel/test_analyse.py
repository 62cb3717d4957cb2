"""``analyse.refresh``: the stored map while it is current, a new one after an ingest."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from conftest import bw, tg_chat, tg_message, unix, write_account_export

from bazaarwatch.intel.analyse import analyse, refresh
from bazaarwatch.store import market
from bazaarwatch.store.sqlite import Case

EXAMPLE = Path(__file__).resolve().parents[2] / "examples" / "telegram_export"


@pytest.fixture(scope="module")
def ingested(tmp_path_factory: pytest.TempPathFactory) -> Path:
    db = tmp_path_factory.mktemp("analyse") / "case.db"
    result = bw("ingest", EXAMPLE, "--db", db)
    assert result.returncode == 0, result.stderr
    return db


def new_shop(tmp_path: Path, db: Path) -> None:
    export = write_account_export(tmp_path / "more", [tg_chat(
        [tg_message(1, "Fresh CVV US 12$ each, BTC only, write @cvv_new",
                    sender="New Shop", sender_id="channel1900000001", date=unix(2024, 6, 1))],
        name="New Shop", type="public_channel", id=1_900_000_001)])
    result = bw("ingest", export, "--db", db)
    assert result.returncode == 0, result.stderr


def test_the_map_is_stored_and_reused_until_ingest_adds_messages(
        ingested: Path, tmp_path: Path) -> None:
    db = tmp_path / "case.db"
    shutil.copy(ingested, db)
    with Case(db) as case:
        first = refresh(case)
        about = market.analysed(case)
        assert about is not None and about["messages"] == market.watermark(case)[0]
        assert refresh(case).vendors == first.vendors
        assert market.analysed(case) == about  # not computed again
    new_shop(tmp_path, db)
    with Case(db) as case:
        assert not market.is_current(case)
        vendors = refresh(case).vendors
        assert market.is_current(case)
    assert "New Shop" in {c["name"] for v in vendors for c in v["chats"]}
    assert len(vendors) == len(first.vendors) + 1


def test_a_read_only_case_gets_its_map_in_memory(
        ingested: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    db = tmp_path / "case.db"
    shutil.copy(ingested, db)
    with Case(db) as case:
        refresh(case)
    new_shop(tmp_path, db)
    # As on a read-only mount: the case is opened with mode=ro.
    monkeypatch.setattr("bazaarwatch.store.sqlite.os.access", lambda *_: False)
    with Case(db, create=False, read_only=True) as case:
        assert case.read_only
        vendors = refresh(case).vendors
        assert not market.is_current(case)
    assert "New Shop" in {c["name"] for v in vendors for c in v["chats"]}


def test_two_processes_find_the_same_map_as_one(ingested: Path) -> None:
    with Case(ingested, read_only=True) as case:
        one, two = analyse(case, parallel=False), analyse(case, parallel=True)
    assert two == one and one.bots and one.vendors and one.trends["series"]
