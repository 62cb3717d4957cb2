"""The on-disk cache of the compiled hyperscan database: a hit gives the same results, a
damaged file is ignored and replaced, and the key follows the patterns."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pytest

from bazaarwatch import hsdb
from bazaarwatch.indicators import Extractor, patterns
from bazaarwatch.indicators.engine import hyperscan, hyperscan_expressions

pytestmark = pytest.mark.skipif(hyperscan is None, reason="hyperscan has no wheel here")

TEXT = ("BTC 1BoatSLRHtKNngkdXEeobR76b53LETtpyT, shop-x.com, @frost_shop, "
        "https://t.me/+Qw7rZk2LpXaYb4Nq, +44 7911 123456")


@pytest.fixture(autouse=True)
def cache_home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    return tmp_path / "bazaarwatch"


def _cached() -> Path:
    return hsdb.cache_path(hyperscan, hyperscan_expressions(patterns()))


def test_the_first_extractor_writes_the_cache_and_the_next_reads_it() -> None:
    first = Extractor(patterns())
    assert _cached().is_file()
    stamp = _cached().stat().st_mtime_ns
    second = Extractor(patterns())
    assert _cached().stat().st_mtime_ns == stamp
    assert second.extract(TEXT) == first.extract(TEXT)
    assert {i.type for i in second.extract(TEXT)} >= {"btc", "domain", "telegram", "phone"}


@pytest.mark.parametrize("damage", [b"", b"garbage", None])
def test_a_damaged_cache_file_is_ignored_and_replaced(damage: bytes | None) -> None:
    expected = Extractor(patterns(), use_hyperscan=False).extract(TEXT)
    Extractor(patterns())
    good = _cached().read_bytes()
    # None: a flipped byte inside the database, behind an intact length.
    bad = good[:-10] + bytes([good[-10] ^ 0xFF]) + good[-9:] if damage is None else damage
    _cached().write_bytes(bad)
    assert Extractor(patterns()).extract(TEXT) == expected
    assert _cached().read_bytes() == good


def test_an_unwritable_cache_directory_still_gives_an_extractor(cache_home: Path) -> None:
    cache_home.parent.mkdir(parents=True, exist_ok=True)
    cache_home.write_text("a file where the directory should be")
    assert Extractor(patterns()).extract(TEXT) == Extractor(
        patterns(), use_hyperscan=False).extract(TEXT)


def test_the_key_changes_with_a_pattern_its_flags_or_a_region() -> None:
    base = patterns()
    key = hsdb.cache_key(hyperscan, hyperscan_expressions(base))
    changed = [replace(base[0], regex=base[0].regex + "x"), *base[1:]]
    caseless = [replace(base[0], caseless=True), *base[1:]]
    assert hsdb.cache_key(hyperscan, hyperscan_expressions(changed)) != key
    assert hsdb.cache_key(hyperscan, hyperscan_expressions(caseless)) != key
    assert hsdb.cache_key(hyperscan, hyperscan_expressions(patterns(region="RU"))) != key
    assert hsdb.cache_key(hyperscan, hyperscan_expressions(patterns())) == key
