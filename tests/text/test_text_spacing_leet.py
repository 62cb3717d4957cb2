"""``join_spaced`` and ``unleet``: the classifier-side undoing of two more tricks."""

from __future__ import annotations

import re

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bazaarwatch.text import Folded, batch, fold, join_spaced, leet_rows, spaced_rows, unleet
from bazaarwatch.text.spacing import _SPACED_RUN, spaced_runs


@pytest.mark.parametrize(("raw", "expected"), [
    ("f r e s h  c v v", "fresh cvv"),
    ("buy f r e s h  c v v now", "buy fresh cvv now"),
    ("c.v.v", "cvv"),
    ("U.S.A. fullz", "USA. fullz"),
    ("к а р т ы", "карты"),
    ("d u m p s, t r a c k s", "dumps, tracks"),
    ("new  f r e s h  stock", "new fresh stock"),
])
def test_join_spaced(raw: str, expected: str) -> None:
    assert join_spaced(raw).text == expected


@pytest.mark.parametrize("text", [
    "a b", "I am a bot", "x y z1", "e.g. this", "1 2 3 4", "plain text", "", "a  b  c",
])
def test_join_spaced_leaves_ordinary_text(text: str) -> None:
    folded = join_spaced(text)
    assert folded.text is text


def test_join_spaced_offsets() -> None:
    raw = "f r e s h  c v v!"
    folded = join_spaced(raw)
    assert folded.text == "fresh cvv!"
    assert folded.original(0, 5) == (0, 9)
    assert folded.original(6, 9) == (11, 16)
    assert folded.original(5, 6) == (9, 11)     # the kept space stands for the gap
    assert folded.original(2, 3) == (4, 5)      # "e" is the "e"
    assert folded.original(9, 10) == (16, 17)


@pytest.mark.parametrize("text", [
    "а я про", "f r e s h  c v v", "a b cd e f g", "x.a b c", "a b c d e", "и т.д. и т.п.",
])
def test_spaced_runs_are_the_runs_a_scan_of_every_position_finds(text: str) -> None:
    assert ([m.span() for m in spaced_runs(text)]
            == [m.span() for m in _SPACED_RUN.finditer(text)])


# Tokens, mostly single letters, each followed by a separator: texts full of runs, of
# near runs ("x y zw", "x y z1") and of runs that touch.
_TOKENS = st.sampled_from(["a", "b", "Ж", "я", "a", "я", "ab", "1", "_", "\u0301", ""])
_SEPARATORS = st.sampled_from([" ", ".", " ", "  ", "", ". "])


@given(st.lists(st.tuples(_TOKENS, _SEPARATORS).map("".join), max_size=12).map("".join))
def test_spaced_runs_are_the_runs_a_scan_of_every_position_finds_in_any_text(
        text: str) -> None:
    assert ([m.span() for m in spaced_runs(text)]
            == [m.span() for m in _SPACED_RUN.finditer(text)])


@pytest.mark.parametrize(("raw", "expected"), [
    ("c4rd", "card"),
    ("h4ck3r", "hacker"),
    ("h4x0r", "haxor"),
    ("b1tc01n", "bitcoin"),
    ("fr3sh dump5", "fresh dump5"),
    ("w33d", "weed"),
    ("he11o", "hello"),
    ("5h0p", "shop"),
    ("p@ypal", "paypal"),
    ("ca$h", "cash"),
    ("H4CK", "HACK"),
    ("l0gs and acc0unts", "logs and accounts"),
])
def test_unleet(raw: str, expected: str) -> None:
    assert unleet(raw).text == expected


@pytest.mark.parametrize("text", [
    "covid19", "mp3", "win10", "ps5", "4k", "24/7", "$50", "@shop_bot", "fr33",
    "user@mail.com", "1BvBMSEYstWetqTFn5Au4m4GFg7xJaNVN2", "a1b2c3", "1337", "plain",
])
def test_unleet_leaves_real_digits(text: str) -> None:
    assert unleet(text).text == text


def test_unleet_keeps_offsets() -> None:
    folded = unleet("buy c4rds")
    assert folded.text == "buy cards"
    assert folded.original(4, 9) == (4, 9)


def test_steps_compose_and_map_back_to_the_raw_text() -> None:
    raw = "ｆ ｒ ｅ ｓ ｈ  c\u200b4rds @ xyz[.]onion"
    folded = fold(raw).then(join_spaced).then(unleet)
    assert isinstance(folded, Folded)
    assert folded.text == "fresh cards @ xyz.onion"
    start = folded.text.index("fresh")
    assert folded.original(start, start + 5) == (0, 9)
    start = folded.text.index("cards")
    assert raw[slice(*folded.original(start, start + 5))] == "c\u200b4rds"
    start = folded.text.index("xyz.onion")
    assert raw[slice(*folded.original(start, start + 9))] == "xyz[.]onion"


def test_joined_and_unleeted_words_are_read_in_one_script() -> None:
    """Both steps can put Latin letters into a Cyrillic word; the word ends in one script,
    and the spans still map back to the original."""
    joined = join_spaced("обнал, т p a н з и т")
    assert joined.text == "обнал, транзит"
    assert joined.original(7, 14) == (7, 20)
    assert unleet("Продам з@клaдки").text == "Продам закладки"


# Ends that a spaced run or a leet run could go on from into the next text.
BATCH = ["f r", "e s h", "x", "y z", "c4", "rd", "h4x0r", "a b c", "к а р т ы", "", "5h0p",
         "p@ypal", "buy f r e s h  c v v now", "c.v", ".v.v", "fr33", "x y z1"]


def test_rows_for_a_batch_are_those_each_text_gives_on_its_own() -> None:
    for rows, step in ((spaced_rows, join_spaced), (leet_rows, unleet)):
        found = rows(BATCH)
        assert found == [i for i, t in enumerate(BATCH) if rows([t])]
        # Every text the step changes is among them (they may hold a few it leaves).
        assert {i for i, t in enumerate(BATCH) if step(t).text != t} <= set(found)
        assert rows([]) == []


def test_rows_with_finds_each_text_with_a_match_once() -> None:
    pattern = re.compile(r"\d+")
    texts = ["a1", "", "22 33", "b", "4"]
    assert batch.rows_with(pattern, texts) == [0, 2, 4]
    joined, starts = batch.join(texts)
    assert [joined[s:s + len(t)] for s, t in zip(starts, texts, strict=True)] == texts
    assert joined.count(batch.SEPARATOR) == len(texts) + 1
