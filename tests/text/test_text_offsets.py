"""Offsets: every span of the matching form maps back to the text that produced it.

Property tests over random strings built from the things hostile text is made of
(ASCII, Cyrillic, mixed-script words, invisible characters, defang tokens, fullwidth
and combining characters, emoji). Plain ``random`` with fixed seeds: reproducible, no
extra dependency.
"""

from __future__ import annotations

import random
from itertools import pairwise

import pytest

from bazaarwatch.text import Folded, fold
from bazaarwatch.text.defang import _DEFANG, _HyperscanGate, _maybe_defanged_plain, maybe_defanged
from bazaarwatch.text.homoglyphs import _MIXED_TOKEN, fold_homoglyphs, fold_token
from bazaarwatch.text.offsets import OffsetMap, Rewriter

FRAGMENTS = [
    # ASCII
    "cvv", "fresh", "BTC", "1BvBMSEYstWetqTFn5Au4m4GFg7xJaNVN2", "example", "com", "at",
    "dot", "x", "7", "_", "-", ",", ".", "(", ")", "[", "]", "/", ":", "@",
    # Cyrillic, Greek and mixed-script words
    "привет", "Продам", "Пpoдaм", "bitсoin", "ВТС", "с", "a", "καλο", "ορος", "Αpple",
    # invisible characters
    "\u200b", "\u200c", "\u200d", "\u2060", "\ufeff", "\u00ad", "\u202e", "\u2066",
    # defang tokens
    "[.]", "(.)", "{.}", "[dot]", "(DOT)", " dot ", "hxxp", "hXXps", "[:]//", "[://]",
    "[@]", "(at)", " [at] ", "[at]",
    # NFKC material
    "ｂｔｃ１２３", "ＣＶＶ", "ﬁ", "№", "…", "\u00a0", "e\u0301", "\u0301", "и\u0306", "²", "①",
    "［．］", "𝐜𝐯𝐯", "\u1100\u1161", "\u0627\u064e", "\u0645\u06cc\u200c\u062e", "\ud83d",
    # emoji
    "❄️", "🍁", "💊", "🔌", "👨\u200d👩\u200d👧", "🇷🇺",
]
SEPARATORS = [" ", " ", "  ", "\t", "\n", ""]


def random_text(rng: random.Random) -> str:
    parts: list[str] = []
    for _ in range(rng.randrange(0, 14)):
        parts.append(rng.choice(FRAGMENTS))
        parts.append(rng.choice(SEPARATORS))
    return "".join(parts)


def random_spans(rng: random.Random, n: int, count: int) -> list[tuple[int, int]]:
    spans = [(0, n)]
    for _ in range(count):
        a, b = rng.randint(0, n), rng.randint(0, n)
        spans.append((min(a, b), max(a, b)))
    return spans


@pytest.mark.parametrize("seed", range(8))
def test_spans_map_inside_the_original_and_in_order(seed: int) -> None:
    rng = random.Random(seed)
    for _ in range(300):
        raw = random_text(rng)
        folded = fold(raw)
        n = len(folded.text)
        per_char = [folded.original(i, i + 1) for i in range(n)]
        for (s1, e1), (s2, e2) in pairwise(per_char):
            assert s1 <= s2 and e1 <= e2, raw
        for start, end in random_spans(rng, n, 10):
            o_start, o_end = folded.original(start, end)
            assert 0 <= o_start <= o_end <= len(raw), raw
            if start == end:
                assert o_start == o_end
                continue
            assert o_start < o_end
            # the span covers exactly what produced its first and last characters
            assert o_start == per_char[start][0]
            assert o_end == per_char[end - 1][1]


@pytest.mark.parametrize("seed", range(8))
def test_refolding_the_original_span_gives_the_folded_span(seed: int) -> None:
    """NFKC and invisible-character removal are local: any span re-folds to itself.

    (Except a kept zero-width joiner between two emoji: cut out of its emoji, it is
    removed like any other, so the comparison ignores joiners.)
    """
    rng = random.Random(1000 + seed)
    for _ in range(300):
        raw = random_text(rng)
        folded = fold(raw, homoglyphs=False, defang=False)
        for start, end in random_spans(rng, len(folded.text), 10):
            o_start, o_end = folded.original(start, end)
            refolded = fold(raw[o_start:o_end], homoglyphs=False, defang=False).text
            piece = folded.text[start:end]
            assert piece.replace("\u200d", "") in refolded.replace("\u200d", ""), (raw, start, end)


@pytest.mark.parametrize("seed", range(8))
def test_refolding_whole_tokens_with_every_step(seed: int) -> None:
    """With homoglyphs and defanging on, context matters (a token's script, the words
    around " dot "); spans made of whole whitespace-separated tokens carry their context
    with them, and re-fold to the same text."""
    rng = random.Random(2000 + seed)
    for _ in range(300):
        raw = random_text(rng)
        folded = fold(raw)
        text = folded.text
        cuts = [0, len(text)] + [i for i, ch in enumerate(text) if ch.isspace()]
        for _ in range(10):
            a, b = sorted((rng.choice(cuts), rng.choice(cuts)))
            while a < b and text[a].isspace():
                a += 1
            if a == b:
                continue
            o_start, o_end = folded.original(a, b)
            refolded = fold(raw[o_start:o_end]).text
            assert text[a:b].replace("\u200d", "") in refolded.replace("\u200d", ""), \
                (raw, a, b)


def test_rewriter_records_only_moved_offsets() -> None:
    out = Rewriter("ab[.]cd")
    out.replace(0, 1, "A")                    # one for one: nothing recorded
    out.replace(2, 5, ".")
    text, step = out.finish()
    assert text == "Ab.cd"
    assert step == OffsetMap((2,), (3,), (2,), (5,))
    bad = Rewriter("abc")
    bad.replace(2, 3, "")
    with pytest.raises(ValueError, match="overlaps"):
        bad.replace(1, 2, "")


def test_then_composes_maps() -> None:
    def drop_first(text: str) -> Folded:
        out = Rewriter(text)
        out.replace(0, 1, "")
        new, step = out.finish()
        return Folded(new, () if step is None else (step,))

    folded = fold("x[.]yz").then(drop_first)
    assert folded.text == ".yz"
    assert folded.original(0, 1) == (1, 4)
    assert folded.original(1, 3) == (4, 6)
    same = fold("plain").then(fold)
    assert same.text == "plain" and same.original(0, 5) == (0, 5)


# --- the fast paths agree with the slow ones ---------------------------------------------


@pytest.mark.parametrize("seed", range(4))
def test_latin_cyrillic_fast_path_agrees_with_the_general_detector(seed: int) -> None:
    rng = random.Random(3000 + seed)
    pieces = ["bit", "с", "oin", "Пр", "o", "дам", "а", "p", "1", "_", "7", " ", ", ",
              "привет", "cvv", "Е", "e", "ё", "х", "x", "іі", "i"]
    for _ in range(2000):
        text = "".join(rng.choice(pieces) for _ in range(rng.randrange(1, 12)))
        general = _MIXED_TOKEN.sub(lambda m: fold_token(m.group()), text)
        assert fold_homoglyphs(text) == general, text


@pytest.mark.parametrize("seed", range(4))
def test_defang_pre_scan_never_misses_a_defanged_form(seed: int) -> None:
    rng = random.Random(4000 + seed)
    pieces = ["[", "]", "(", ")", "{", "}", ".", "@", ":", "//", "d", "D", "o", "O", "t", "T",
              "a", "A", "h", "x", "X", "p", "s", " ", "\t", "w", "1"]
    gates = [_maybe_defanged_plain, maybe_defanged]
    for _ in range(5000):
        text = "".join(rng.choice(pieces) for _ in range(rng.randrange(1, 16)))
        if _DEFANG.search(text) is not None:
            assert all(gate(text) for gate in gates), text


def test_hyperscan_gate_matches_the_plain_one() -> None:
    hyperscan = pytest.importorskip("hyperscan")
    gate = _HyperscanGate(hyperscan)
    for text in ["", "plain", "x[.]y", "a DoT b", "hXxP", "(AT)", "{:", "é(.)", "dott"]:
        assert gate(text) == _maybe_defanged_plain(text), text


@pytest.mark.parametrize("seed", range(4))
def test_composed_steps_keep_offsets_in_order(seed: int) -> None:
    from bazaarwatch.text import join_spaced, unleet

    rng = random.Random(5000 + seed)
    spaced = ["f r e s h", "c v v", "c.v.v", "к а р т ы", "  ", "c4rd", "h4x0r", "a b"]
    for _ in range(300):
        raw = "".join(rng.choice(FRAGMENTS + spaced) + rng.choice(SEPARATORS)
                      for _ in range(rng.randrange(0, 10)))
        folded = fold(raw).then(join_spaced).then(unleet)
        per_char = [folded.original(i, i + 1) for i in range(len(folded.text))]
        for (s1, e1), (s2, e2) in pairwise(per_char):
            assert s1 <= s2 and e1 <= e2, raw
        assert all(0 <= s < e <= len(raw) for s, e in per_char), raw


def test_same_offsets_keeps_the_way_back() -> None:
    folded = fold("ﬁle ＵＳＤＴ")  # the ligature is two letters: offsets move
    lowered = folded.same_offsets(folded.text.lower())
    assert lowered.text == "file usdt" and lowered.moved
    assert [lowered.original(i, i + 1) for i in range(9)] == [
        folded.original(i, i + 1) for i in range(9)]
    assert lowered.original(5, 9) == (4, 8)
    with pytest.raises(ValueError, match="one character for one"):
        folded.same_offsets("file")


def test_fold_remembers_long_texts_within_its_bound_of_characters() -> None:
    """Extraction and then the classifier fold each text of a batch: a long post is
    folded once (the second fold is the same object), and what is kept is bounded by
    characters, the oldest forgotten first."""
    from bazaarwatch.text import pipeline

    long_post = "Пpoдaм " * 400  # mixed scripts, 2,800 characters
    assert fold(long_post) is fold(long_post)
    remembered = pipeline._Remembered(texts=10, characters=100)
    for i in range(20):
        remembered.keep(f"{i:02d}" * 20, Folded("x"))  # 40 characters each
    assert remembered.held <= 100 and list(remembered.folds) == ["18" * 20, "19" * 20]
    assert remembered.keep("y" * 101, Folded("y")) == Folded("y")
    assert "y" * 101 not in remembered.folds


def test_the_text_steps_do_not_import_numpy() -> None:
    """``extract`` folds text but needs no NumPy; importing it costs start-up time."""
    import subprocess
    import sys

    code = ("import sys, bazaarwatch.text, bazaarwatch.text.leet, bazaarwatch.text.batch; "
            "print('numpy' in sys.modules)")
    run = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True)
    assert run.stdout.strip() == "False"
