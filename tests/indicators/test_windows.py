"""Windowed matching gives exactly the whole-text matches, pattern by pattern and for the
whole extractor, on generated text built to stress the window edges."""

from __future__ import annotations

import json
import random
import re
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bazaarwatch.indicators import Extractor, patterns
from bazaarwatch.indicators.engine import compile_pattern
from bazaarwatch.indicators.windows import Window

VECTORS = Path(__file__).parent / "vectors" / "crypto_addresses.json"

# Pieces that sit on the edges of runs and anchors: dots, at signs, schemes, Cyrillic and
# other scripts, digits, white space of several kinds, brackets, quotes and indicators.
PIECES = [
    ".", "..", "@", "://", "/", ":", "-", "_", "+", "(", ")", "[", "]", "«", "»", "\"", "'",
    " ", "  ", "\n", "\t", "\u00a0", "\u3000", "x", "shop", "Shop-X", "www", "com", "ru",
    "рф", "магазин", "Привет", "ѕ", "ελ", "中文", "0", "00", "1", "+7", "4111", "2024",
    "https", "hxxp", "t.me", "tg", "join?invite=", "resolve?domain=", "bot", "@frost_shop",
    "mail", "jabber:", "xmpp", "onion", "bitcoincash:", "qq", "0x", "bc1", "ltc1", "T",
    "vendor@example.com", "https://shop-x.com/a_(b)", "закладка.рф", "x.co.uk",
    "1BoatSLRHtKNngkdXEeobR76b53LETtpyT", "0x52908400098527886E0F7030069857D2E4169EE7",
    "-----BEGIN PGP PUBLIC KEY BLOCK-----", "fingerprint: ", "CEF5 7B13",
]


def _texts(seed: int, count: int) -> list[str]:
    rng = random.Random(seed)
    return ["".join(rng.choice(PIECES) for _ in range(rng.randint(1, 60)))
            for _ in range(count)]


def _windowed() -> list[tuple[re.Pattern[str], Window]]:
    found = []
    for pattern in patterns(region="RU"):
        regex = compile_pattern(pattern)
        window = Window.of(regex)
        if window is not None:
            found.append((regex, window))
    return found


def _spans(matches: object) -> list[tuple[int, int, str]]:
    return [(m.start(), m.end(), m.group()) for m in matches]  # type: ignore[attr-defined]


def test_the_costly_patterns_get_a_window() -> None:
    anchors = {compile_pattern(p).pattern: Window.of(compile_pattern(p)) for p in patterns()}
    by_type = {p.type: anchors[compile_pattern(p).pattern] for p in patterns()
               if p.type in ("domain", "url", "email")}
    assert {t: w.anchor for t, w in by_type.items() if w} == {
        "domain": ".", "url": ":", "email": "@"}


def test_a_pattern_the_proof_does_not_cover_gets_no_window() -> None:
    assert Window.of(re.compile(r"^a\.b")) is None  # an anchor at the start of the text
    assert Window.of(re.compile(r"a(?=\.)")) is None  # look-ahead
    assert Window.of(re.compile(r"[a-z]*")) is None  # may match empty
    assert Window.of(re.compile(r"[a-z]+x", re.I)) is None  # needs only a letter, any case


@pytest.mark.parametrize("seed", range(6))
def test_every_window_finds_the_whole_text_matches(seed: int) -> None:
    windowed = _windowed()
    for text in _texts(seed, 400):
        backwards = text[::-1]
        for regex, window in windowed:
            assert _spans(window.finditer(text, backwards)) == _spans(regex.finditer(text)), (
                regex.pattern, text)


@settings(max_examples=300, deadline=None)
@given(st.lists(st.sampled_from(PIECES) | st.text(max_size=3), max_size=40))
def test_windows_agree_on_any_mix(pieces: list[str]) -> None:
    text = "".join(pieces)
    backwards = text[::-1]
    for regex, window in _windowed():
        assert _spans(window.finditer(text, backwards)) == _spans(regex.finditer(text))


def test_the_extractor_gives_the_same_indicators_with_and_without_windows() -> None:
    whole = Extractor(patterns(), use_hyperscan=False, use_windows=False)
    windowed_re = Extractor(patterns(), use_hyperscan=False)
    fast = Extractor(patterns())
    vectors = json.loads(VECTORS.read_text("utf-8"))
    texts = [*_texts(99, 1500), json.dumps(vectors, ensure_ascii=False)]
    for text in texts:
        expected = whole.extract(text)
        assert windowed_re.extract(text) == expected, text
        assert fast.extract(text) == expected, text


def test_a_literal_counts_only_with_the_character_its_pattern_puts_after_it() -> None:
    domain = next(Window.of(compile_pattern(p)) for p in patterns() if p.type == "domain")
    assert domain is not None
    text = "Sold out. Next batch at shop-x.com"
    assert domain._next(text, 0) == text.index(".com")  # the full stop opens no window
    regex = re.compile(r"[a-z]+@(?:x|[0-9])[a-z]*")
    window = Window.of(regex)
    assert window is not None and window.seek is not None
    text = "a@ b@y c@1d e@xz"
    assert window._next(text, 0) == text.index("@1")
    assert _spans(window.finditer(text, text[::-1])) == _spans(regex.finditer(text))


def test_no_following_class_where_what_follows_may_be_empty_or_is_unread() -> None:
    for pattern in (r"[a-z]+@", r"[a-z]+@[a-z]*", r"[a-z]+@[^ ]+", r"(?:[a-z]+@)+b"):
        regex = re.compile(pattern, re.ASCII)
        window = Window.of(regex)
        assert window is not None and window.seek is None, pattern
        text = "a@ b@y c@1d e@xz ab@b"
        assert _spans(window.finditer(text, text[::-1])) == _spans(regex.finditer(text))
