"""Golden cases for each step of ``fold``: what the matching form of hostile text is."""

from __future__ import annotations

import pytest

from bazaarwatch.text import Folded, fold

ZWSP, ZWNJ, ZWJ, LRM, RLO, WJ, BOM, SHY = (
    "\u200b", "\u200c", "\u200d", "\u200e", "\u202e", "\u2060", "\ufeff", "\u00ad")
BTC = "1BvBMSEYstWetqTFn5Au4m4GFg7xJaNVN2"


def span_of(folded: Folded, needle: str) -> tuple[int, int]:
    start = folded.text.index(needle)
    return folded.original(start, start + len(needle))


# --- 1. NFKC -------------------------------------------------------------------------


@pytest.mark.parametrize(("raw", "expected"), [
    ("ｂｔｃ１２３", "btc123"),
    ("ＢＴＣ　ｗａｌｌｅｔ", "BTC wallet"),          # fullwidth letters and ideographic space
    ("𝐜𝐯𝐯 𝓯𝓻𝓮𝓼𝓱", "cvv fresh"),                       # mathematical alphanumerics
    ("ﬁles ﬂow", "files flow"),                        # ligatures
    ("Ⓒⓥⓥ ①②③", "Cvv 123"),                            # enclosed alphanumerics
    ("price\u00a0100", "price 100"),                   # non-breaking space
    ("caf" + "e\u0301", "café"),                       # combining accent composed
    ("зака" + "и\u0306", "закай"),                     # Cyrillic short i composed
    ("x²", "x2"),
    ("ｶﾞｿﾘﾝ", "ガソリン"),                            # halfwidth katakana, voicing composed
])
def test_nfkc(raw: str, expected: str) -> None:
    assert fold(raw).text == expected


def test_nfkc_offsets_point_at_the_wide_characters() -> None:
    folded = fold("send ｂｔｃ１２３ now")
    assert folded.text == "send btc123 now"
    assert span_of(folded, "btc123") == (5, 11)
    ligature = fold("ﬁles")
    assert ligature.original(0, 1) == (0, 1)   # "f" comes from the ligature
    assert ligature.original(1, 2) == (0, 1)   # and so does "i"
    assert ligature.original(2, 5) == (1, 4)
    composed = fold("cafe\u0301 ok")
    assert composed.original(3, 4) == (3, 5)   # "é" comes from "e" + accent


# --- 2. invisible characters ---------------------------------------------------------


@pytest.mark.parametrize("invisible", [
    ZWSP, ZWNJ, ZWJ, LRM, "\u200f", "\u202a", RLO, WJ, "\u2061", "\u2066", "\u2069",
    BOM, SHY, "\u061c", "\u180e", "\u034f",
])
def test_invisible_characters_removed_inside_words(invisible: str) -> None:
    raw = f"bit{invisible}coin"
    folded = fold(raw)
    assert folded.text == "bitcoin"
    assert folded.original(0, 7) == (0, 8)  # the removed character is inside the span


def test_zero_width_inside_a_bitcoin_address() -> None:
    raw = f"pay to {BTC[:8]}{ZWSP}{BTC[8:20]}{ZWJ}{WJ}{BTC[20:]} today"
    folded = fold(raw)
    assert folded.text == f"pay to {BTC} today"
    assert span_of(folded, BTC) == (7, 7 + len(BTC) + 3)
    assert raw[slice(*span_of(folded, BTC))].replace(ZWSP, "").replace(ZWJ, "") \
        .replace(WJ, "") == BTC


def test_invisible_characters_at_the_edges_are_not_part_of_a_match() -> None:
    folded = fold(f"{ZWSP}cvv{ZWSP}")
    assert folded.text == "cvv"
    assert folded.original(0, 3) == (1, 4)


# --- 3. homoglyphs -------------------------------------------------------------------


@pytest.mark.parametrize(("raw", "expected"), [
    ("bitсoin", "bitcoin"),                      # Cyrillic es in a Latin word
    ("Пpoдaм", "Продам"),                        # Latin p, o, a in a Russian word
    ("Пpeдлaгaeм кapты", "Предлагаем карты"),
    ("СVV fresh", "CVV fresh"),                  # Cyrillic capital es, upper case kept
    ("ТОR сайт", "TOR сайт"),                    # Cyrillic T, O with Latin R: Latin wins...
    ("bitcоin ВТС", "bitcoin ВТС"),              # ...an all-Cyrillic look-alike word stays
    ("Αpple", "Apple"),                          # Greek capital alpha
    ("καλo", "καλο"),                            # Latin o in a Greek word
    ("pаypаl", "paypal"),
    ("@shор_bot", "@shop_bot"),                  # Telegram handle with Cyrillic o, p
    ("#продажа_cvv", "#продажа_cvv"),            # "_" separates tokens
    ("оnion", "onion"),
    ("mіxеd", "mixed"),                          # Ukrainian i and Cyrillic ie
    ("ΒΤС", "BTC"),                              # Greek and Cyrillic only: folds to Latin
])
def test_mixed_script_tokens_fold_to_one_script(raw: str, expected: str) -> None:
    assert fold(raw).text == expected


def test_homoglyph_fold_fixes_the_tie_example() -> None:
    # "ТОR": Cyrillic Т, О + Latin R; every letter can be Latin, only two can be Cyrillic.
    assert fold("ТОR").text == "TOR"


@pytest.mark.parametrize("pure", [
    "привет, как дела?", "Продам карты", "καλημέρα κόσμε", "Բարեւ ձեզ", "hello world",
    "ВТС сосо", "αβγ", "مرحبا", "你好世界", "Ёлка і їжак",
])
def test_pure_script_words_untouched(pure: str) -> None:
    folded = fold(pure)
    assert folded.text == pure
    assert folded.original(0, len(pure)) == (0, len(pure))


def test_homoglyphs_can_be_switched_off() -> None:
    assert fold("bitсoin", homoglyphs=False).text == "bitсoin"


def test_homoglyph_fold_keeps_offsets() -> None:
    folded = fold("купить bitсoin тут")
    assert folded.text == "купить bitcoin тут"
    assert span_of(folded, "bitcoin") == (7, 14)


# --- 4. defanging --------------------------------------------------------------------


@pytest.mark.parametrize(("raw", "expected"), [
    ("xyz[.]onion", "xyz.onion"),
    ("xyz(.)onion", "xyz.onion"),
    ("xyz{.}onion", "xyz.onion"),
    ("xyz[dot]onion", "xyz.onion"),
    ("xyz(dot)onion", "xyz.onion"),
    ("xyz{DOT}onion", "xyz.onion"),
    ("xyz[Dot]onion", "xyz.onion"),
    ("example dot com", "example.com"),
    ("example DOT com dot ru", "example.com.ru"),
    ("example [.] com", "example.com"),
    ("hxxp://evil.com", "http://evil.com"),
    ("hXXp://evil.com", "http://evil.com"),
    ("hxxps://evil.com", "https://evil.com"),
    ("HXXPS://EVIL.COM", "HTTPS://EVIL.COM"),
    ("hxxps[:]//evil[.]com", "https://evil.com"),
    ("hxxp[://]evil[.]com", "http://evil.com"),
    ("user[@]mail.com", "user@mail.com"),
    ("user(@)mail.com", "user@mail.com"),
    ("user(at)mail.com", "user@mail.com"),
    ("user[at]mail[dot]com", "user@mail.com"),
    ("user [AT] mail dot com", "user@mail.com"),
])
def test_defang_forms(raw: str, expected: str) -> None:
    assert fold(raw).text == expected


@pytest.mark.parametrize("text", [
    "dot com",                   # " dot " needs word characters on both sides
    "a dot.",
    "meet (at) noon",            # "(at)" only before a domain
    "mail me [at] home, ok",
    "see (at) ",
    "[at] the start",
    "dotted lines and anecdotes",
    "hxxpserver",                # not a scheme
    "(a) (b) [c] {d}",
    "prices (USD): 5.00 [ok]",
])
def test_defang_leaves_ordinary_text(text: str) -> None:
    assert fold(text).text == text


def test_spaced_dot_is_a_dot_only_before_a_spelled_out_tld() -> None:
    # " dot " is prose too: "the dot is here" must not become the domain "the.is".
    assert fold("the dot is here").text == "the dot is here"
    assert fold("a dot to the left").text == "a dot to the left"
    assert fold("shop dot ru").text == "shop.ru"
    assert fold("Market DOT Onion now").text == "Market.Onion now"
    assert fold("mail me at ivan dot com").text == "mail me at ivan.com"


def test_defang_offsets_cover_the_whole_token() -> None:
    folded = fold("visit xyz[.]onion now")
    assert folded.text == "visit xyz.onion now"
    dot = folded.text.index(".")
    assert folded.original(dot, dot + 1) == (9, 12)
    assert span_of(folded, "xyz.onion") == (6, 17)
    spaced = fold("go example dot com")
    assert spaced.original(10, 11) == (10, 15)   # "." <- " dot "
    url = fold("hxxps[:]//a[.]b")
    assert url.text == "https://a.b"
    assert url.original(0, 5) == (0, 5)          # "https" <- "hxxps", one for one
    assert url.original(5, 8) == (5, 10)         # "://" <- "[:]//"
    assert url.original(0, len(url.text)) == (0, 15)


def test_defang_can_be_switched_off() -> None:
    text = "xyz[.]onion"
    assert fold(text, defang=False).text is text


def test_all_steps_together() -> None:
    raw = f"Пpoдaм ｃｖｖ, пиши hxxps[:]//shop{ZWSP}[.]onion или bitсoin {BTC[:5]}{SHY}{BTC[5:]}"
    folded = fold(raw)
    assert folded.text == f"Продам cvv, пиши https://shop.onion или bitcoin {BTC}"
    assert raw[slice(*span_of(folded, "https://shop.onion"))] == f"hxxps[:]//shop{ZWSP}[.]onion"
    assert raw[slice(*span_of(folded, BTC))] == f"{BTC[:5]}{SHY}{BTC[5:]}"
    assert raw[slice(*span_of(folded, "Продам"))] == "Пpoдaм"


# --- emoji and the fast path ----------------------------------------------------------


@pytest.mark.parametrize("emoji", [
    "❄️", "🍁", "💊", "🔌", "👨‍👩‍👧", "🏳️‍🌈", "👩🏽‍💻", "🇷🇺", "1️⃣", "❄️❄️ 🍁💊",
])
def test_emoji_untouched(emoji: str) -> None:
    text = f"fresh {emoji} stock"
    assert fold(text).text == text
    assert fold(f"Пpoдaм {emoji}").text == f"Продам {emoji}"


def test_joiner_next_to_a_letter_is_still_removed() -> None:
    assert fold(f"🍁{ZWJ}weed").text == "🍁weed"


@pytest.mark.parametrize("text", [
    "plain ASCII message with a wallet 1BvBMSEYstWetqTFn5Au4m4GFg7xJaNVN2 and (brackets)",
    "",
    "x" * 10_000,
    "привет, обычный русский текст без фокусов",
    "emoji only 🍁💊",
])
def test_fast_path_returns_the_same_string(text: str) -> None:
    folded = fold(text)
    assert folded.text is text
    assert folded.original(0, len(text)) == (0, len(text))
    assert folded == Folded(text)


def test_original_rejects_spans_outside_the_text() -> None:
    folded = fold("xyz[.]onion")
    for start, end in [(-1, 2), (2, 1), (0, 100)]:
        with pytest.raises(ValueError, match="outside the folded text"):
            folded.original(start, end)
    assert folded.original(3, 3) == (3, 3)
    assert folded.original(9, 9) == (11, 11)


# --- hostile sizes: every step stays linear ----------------------------------------------


@pytest.mark.parametrize("hostile", [
    "аb" * 100_000,                               # one 200k-letter mixed-script token
    "α " + "аbο" * 70_000,                        # the same with Greek: the general path
    ("bitсoin " * 30_000),                        # many small mixed tokens
    "привет " + "b" * 200_000 + "д",              # a huge Latin run inside Cyrillic text
    "x" + " " * 200_000 + "dot y",                 # a long run of spaces before " dot "
    "a" + "\t " * 100_000 + "[.]" + " " * 100_000,
    "(at)" * 50_000 + "mail.com",
    "e\u0301" * 100_000,                          # 100k combining sequences
    "\u200b" * 200_000 + "x",
    "f " * 100_000,                                # one 200k-letter spaced "word"
    "c4" * 100_000,
])
def test_hostile_inputs_take_linear_time(hostile: str) -> None:
    import time

    from bazaarwatch.text import join_spaced, unleet

    started = time.perf_counter()
    folded = fold(hostile).then(join_spaced).then(unleet)
    folded.original(0, len(folded.text))
    assert time.perf_counter() - started < 2.0


def test_fold_remembers_without_giving_back_another_string() -> None:
    # Equal texts that are not the same object: fold remembers results, but an unchanged
    # text still comes back as the very string given.
    first = "".join(["привет, ", "обычный текст"])
    second = "".join(["привет, ", "обычный текст"])
    assert first == second and first is not second
    assert fold(first).text is first
    assert fold(second).text is second
    changed = "".join(["Пpoдaм ", "cvv"])
    assert fold(changed) == fold("".join(["Пpoдaм ", "cvv"]))
    assert fold(changed).text == "Продам cvv"
