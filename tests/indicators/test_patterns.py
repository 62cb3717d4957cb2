"""Every family's patterns work in both engines: no look-around or back-references,
and hyperscan (the prefilter) reports every pattern that Python's ``re`` finds a valid
candidate for."""

from __future__ import annotations

import importlib
import re

import pytest
from test_contacts import ED25519_BLOCK, RSA_BLOCK, SESSION, TOX
from test_onion import BUILT, DDG, TORPROJECT, V2
from test_web import ONION

from bazaarwatch.indicators.engine import compile_pattern

SAMPLES: dict[str, list[str]] = {
    "contacts": [
        f"Session: {SESSION}", f"tox: {TOX}", "jabber: vendor@example.com", "vendor@xmpp.jp",
        "wickr: drugs_king", "Threema ID: ECHOECHO", "https://threema.id/ABCD2345",
        f"key:\n{ED25519_BLOCK}", RSA_BLOCK,
        "Key fingerprint = CEF5 7B13 CDF7 BF5A 6739  6AFE 71C0 91B0 5DC8 2384",
        "OpenPGP: 0xcef57b13cdf7bf5a67396afe71c091b05dc82384",
        "GPG FPR CEF57B13CDF7BF5A67396AFE71C091B05DC82384",
        "Звони +7 (999) 123-45-67", "WhatsApp +44 7700 900481",
    ],
    "finance": [
        "IBAN: GB82 WEST 1234 5698 7654 32", "IBAN:DE89370400440532013000.",
        "карта 4111 1111 1111 1111 живая?", "3782 822463 10005", "4111111111111111|08|27|123",
        "card 4111-1111-1111-1111.",
    ],
    "onion": [
        f"mirror: {DDG}", f"http://www.{TORPROJECT}/x", f"Зеркало:{BUILT}", f"old {V2}",
        DDG.upper(),
    ],
    "telegram": [
        "Пиши: @frost_delivery 🔌", "(@NightMarketShopBot)", "https://t.me/s/cardhouse_cvv",
        "HTTPS://T.ME/+Qw7rZk2LpXaYb4Nq", "https://cardhouse_cvv.t.me",
        "tg://resolve?domain=cardhouse_cvv", "tg://join?invite=Qw7rZk2LpXaYb4Nq",
        "telegram.dog/joinchat/AAAAAEkk2WdoDrB4-Q8-gg",
    ],
    "web": [
        "mail: Vendor_24+shop@Mail.RU.", "почта:x-y@yandex.ru,", "«https://shop-x.com/x»",
        "https://пример.рф/путь", "[shop](https://shop-x.com)", "магазин:shop-x.com,",
        "Panel: SMM-Panel.RU.", f"Tor: http://{ONION}/", "закладка.рф", "info@магазин.рф",
        "https://t.me/+QZsrVrfYgbWtGrQ_", "(https://en.wikipedia.org/wiki/Foo_(bar)).",
    ],
}


@pytest.mark.parametrize("family", ["crypto", *SAMPLES])
def test_patterns_use_no_lookaround_or_backreferences(family: str) -> None:
    module = importlib.import_module(f"bazaarwatch.indicators.{family}")
    for pattern in module.PATTERNS:
        for construct in ("(?=", "(?!", "(?<=", "(?<!", "(?P=", "(?>"):
            assert construct not in pattern.regex
        assert re.search(r"\\[1-9]", pattern.regex) is None


@pytest.mark.parametrize("family", list(SAMPLES))
def test_hyperscan_compiles_the_patterns_and_sees_every_match(family: str) -> None:
    hyperscan = pytest.importorskip("hyperscan")
    patterns = importlib.import_module(f"bazaarwatch.indicators.{family}").PATTERNS
    database = hyperscan.Database()
    database.compile(
        expressions=[p.regex.encode() for p in patterns],
        ids=list(range(len(patterns))),
        elements=len(patterns),
        flags=[hyperscan.HS_FLAG_SINGLEMATCH | hyperscan.HS_FLAG_UTF8
               | (hyperscan.HS_FLAG_CASELESS if p.caseless else 0) for p in patterns],
    )
    for text in SAMPLES[family]:
        hits: set[int] = set()

        def on_match(pattern_id: int, start: int, end: int, flags: int,
                     context: object, hits: set[int] = hits) -> None:
            hits.add(pattern_id)

        database.scan(text.encode(), match_event_handler=on_match)
        for index, pattern in enumerate(patterns):
            if any(pattern.validate(m.group()) for m in compile_pattern(pattern).finditer(text)):
                assert index in hits, (pattern.regex, text)
