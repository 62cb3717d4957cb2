"""``prescan.unchanged`` passes only texts that every step of ``fold`` gives back as
they are, and its hyperscan patterns say what the same patterns say in Python's ``re``."""

from __future__ import annotations

import random
import re
import sys

import pytest

from bazaarwatch.text import Folded, prescan
from bazaarwatch.text.defang import undefang
from bazaarwatch.text.homoglyphs import fold_homoglyphs
from bazaarwatch.text.invisible import remove_invisible
from bazaarwatch.text.nfkc import nfkc
from bazaarwatch.text.pipeline import fold

pytestmark = pytest.mark.skipif(prescan._scanner() is None, reason="hyperscan has no wheel here")

PIECES = ["bit", "coin", "Пр", "дам", "о", "р", "с", "a", "o", "p", "x", "X", "é", "ǅ", "ё",
          "α", "Ο", "\u0375", "Ա", "օ", "1", "7", "²", "٣", "_", " ", "\n", ",", ".", "-",
          "«", "»", "—", "’", "😀", "🇷🇺", "中", "\u200b", "\u200d", "\u00ad", "\ufeff",
          "\u00a0", "ﬁ", "１", "\u0301", "и\u0306", "[", "(", "{", "]", ")", ":", "@", "at",
          "AT", "dot", "DoT", "xxp", "hxxps", "ſ", "K", "№", "₽", "\u2de0", "\ua66f"]


def _fold_by_steps(text: str) -> Folded:
    maps = []
    for step in (nfkc, remove_invisible, lambda t: (fold_homoglyphs(t), None), undefang):
        text, offsets = step(text)
        if offsets is not None:
            maps.append(offsets)
    return Folded(text, tuple(maps))


def _steps_change(text: str) -> bool:
    """Whether any step of ``fold``, run in turn, changes the text or moves an offset."""
    out, moved = nfkc(text)
    out, invisible = remove_invisible(out)
    out = fold_homoglyphs(out)
    out, defanged = undefang(out)
    return out != text or (moved or invisible or defanged) is not None


@pytest.mark.parametrize("seed", range(3))
def test_fold_is_the_steps_when_nfkc_is_all_there_is_to_do(seed: int) -> None:
    """``fold`` asks ``unchanged`` again after NFKC changed a text ("м²", "№")."""
    rng = random.Random(5300 + seed)
    nfkc_only = ["²", "№", "‼", "ﬁ", "１", "\u00a0", "и\u0306", "Ⅻ"]
    skipped = 0
    for _ in range(3000):
        text = "".join(rng.choice(PIECES + nfkc_only * 3) for _ in range(rng.randrange(1, 16)))
        slow = _fold_by_steps(text)
        folded = fold(text)
        assert folded.text == slow.text, text
        assert [folded.original(i, i + 1) for i in range(len(folded.text))] == [
            slow.original(i, i + 1) for i in range(len(slow.text))], text
        normalized = nfkc(text)[0]
        skipped += normalized != text and prescan.unchanged(normalized)
    assert skipped > 50  # the test sees the second question answered yes


def test_no_character_that_may_stand_next_to_a_word_is_a_letter_or_a_digit() -> None:
    not_word = re.compile(f"[{prescan._NOT_WORD}]")
    offenders = [hex(cp) for cp in range(0x80, sys.maxunicode + 1)
                 if not 0xD800 <= cp <= 0xDFFF and not_word.match(chr(cp))
                 and chr(cp).isalnum()]
    assert offenders == []


@pytest.mark.parametrize("seed", range(4))
def test_a_text_passed_is_one_no_step_changes(seed: int) -> None:
    rng = random.Random(5100 + seed)
    passed = 0
    for _ in range(4000):
        text = "".join(rng.choice(PIECES) for _ in range(rng.randrange(1, 16)))
        if prescan.unchanged(text):
            passed += 1
            assert not _steps_change(text), text
            assert fold(text).text == text and not fold(text).moved, text
    assert passed > 100  # the test sees both answers


@pytest.mark.parametrize("seed", range(2))
def test_hyperscan_finds_what_re_finds(seed: int) -> None:
    plain = [re.compile(p) for p in (prescan._CHARACTERS, *prescan._AROUND_ASCII_LETTERS)]
    caseless = [re.compile(p, re.IGNORECASE | re.ASCII) for p in prescan._CASELESS]
    scan = prescan._scanner()
    assert scan is not None
    rng = random.Random(5200 + seed)
    for _ in range(4000):
        text = "".join(rng.choice(PIECES) for _ in range(rng.randrange(1, 12)))
        by_re = any(p.search(text) for p in plain + caseless)
        assert bool(scan(text.encode())) == by_re, text


def test_utf8_is_the_encoding_whatever_was_scanned_last() -> None:
    seen = "Продам bitcoin"
    assert prescan.unchanged(seen)
    assert prescan.utf8(seen) == seen.encode()
    for text in ["Продам bitcoin", "other", "", "\ud800 lone", "x\udfff"]:
        assert prescan.utf8(text) == text.encode("utf-8", "surrogatepass")


def test_a_lone_surrogate_goes_through_the_steps() -> None:
    assert not prescan.unchanged("Продам \ud800")
