"""Folding: never raises, and every span of the matching form maps inside the original,
in order, and non-empty for a non-empty span (every character came from something)."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from bazaarwatch.classify.lexicon import matching_form
from bazaarwatch.text import Folded, fold, join_spaced, prescan, unleet
from bazaarwatch.text.defang import undefang
from bazaarwatch.text.homoglyphs import fold_homoglyphs
from bazaarwatch.text.invisible import remove_invisible
from bazaarwatch.text.nfkc import nfkc
from properties.strategies import hostile_text
from properties.support import scaled


def _check_offsets(original: str, folded: Folded, data: st.DataObject) -> None:
    n = len(folded.text)
    # Every single position, and random spans: all map inside the original text.
    starts = [folded.original(i, i)[0] for i in range(n + 1)]
    assert all(0 <= s <= len(original) for s in starts), (starts, len(original))
    assert starts == sorted(starts), f"positions map back out of order: {starts}"
    for i in range(n):
        start, end = folded.original(i, i + 1)
        assert 0 <= start < end <= len(original), (
            f"character {i} ({folded.text[i]!r}) of the matching form maps to "
            f"({start}, {end}) in a text of length {len(original)}")
    for _ in range(3):
        i = data.draw(st.integers(0, n))
        j = data.draw(st.integers(i, n))
        start, end = folded.original(i, j)
        assert 0 <= start <= end <= len(original)
        if i < j:
            assert start < end
    whole = folded.original(0, n)
    assert 0 <= whole[0] <= whole[1] <= len(original)


@scaled(8)
@given(text=hostile_text, data=st.data(), homoglyphs=st.booleans(), defang=st.booleans())
def test_fold_offsets_stay_inside_the_original(text: str, data: st.DataObject,
                                               homoglyphs: bool, defang: bool) -> None:
    folded = fold(text, homoglyphs=homoglyphs, defang=defang)
    _check_offsets(text, folded, data)
    if not folded.moved:
        assert len(folded.text) == len(text)


@scaled(8)
@given(text=hostile_text, data=st.data())
def test_composed_steps_map_back_to_the_original(text: str, data: st.DataObject) -> None:
    folded = fold(text).then(join_spaced).then(unleet)
    _check_offsets(text, folded, data)
    _check_offsets(text, matching_form(text), data)


@scaled(4)
@given(text=hostile_text)
def test_fold_is_deterministic(text: str) -> None:
    """The remembered (cached) result is the result: folding twice gives the same form."""
    first = fold(text)
    second = fold(text)
    assert first.text == second.text
    assert [first.original(i, i + 1) for i in range(len(first.text))] == [
        second.original(i, i + 1) for i in range(len(second.text))]


@scaled(8)
@given(text=hostile_text)
def test_fold_is_the_steps_whatever_the_prescan_says(text: str) -> None:
    """``fold`` skips the steps for a text ``prescan.unchanged`` passes: the steps give
    that text back as it is, and ``fold`` gives what they give."""
    slow = _fold_by_steps(text)
    folded = fold(text)
    assert folded.text == slow.text
    assert [folded.original(i, i + 1) for i in range(len(folded.text))] == [
        slow.original(i, i + 1) for i in range(len(slow.text))]
    if prescan.unchanged(text):
        assert slow.text == text and not slow.moved


def _fold_by_steps(text: str) -> Folded:
    maps = []
    for step in (nfkc, remove_invisible, lambda t: (fold_homoglyphs(t), None), undefang):
        text, offsets = step(text)
        if offsets is not None:
            maps.append(offsets)
    return Folded(text, tuple(maps))
