"""The seed corpus the shipped model is trained on: reproducible, valid, balanced, varied."""

from __future__ import annotations

import json
import re
import unicodedata
from collections import Counter, defaultdict
from pathlib import Path

import pytest

from bazaarwatch.classify.seed.build import (
    SEED_PATH,
    Example,
    build,
    dumps,
    main,
    obfuscate,
    parse_bank,
    skeleton,
)

CATEGORY_IDS = (
    "drugs",
    "weapons",
    "carding",
    "gift-cards",
    "personal-data",
    "accounts",
    "fake-documents",
    "counterfeit-goods",
    "pirated-content",
    "hacking",
    "game-cheats",
    "fake-engagement",
    "medical-fraud",
    "money-laundering",
    "scam",
)
LANGS = {"en", "ru", "uk", "es", "pt", "de", "fr", "tr", "ar", "fa", "zh"}


@pytest.fixture(scope="module")
def corpus() -> list[Example]:
    return build()


def test_build_is_deterministic(corpus: list[Example]) -> None:
    assert dumps(build()) == dumps(corpus)
    assert dumps(build(seed=8)) != dumps(corpus)


def test_committed_seed_file_equals_a_fresh_build(corpus: list[Example]) -> None:
    committed = SEED_PATH.read_bytes()
    assert committed == dumps(corpus).encode("utf-8"), (
        "seed.jsonl is stale: run python -m bazaarwatch.classify.seed.build"
    )
    assert len(committed) < 3_000_000


def test_size_and_record_shape(corpus: list[Example]) -> None:
    assert 9000 <= len(corpus) <= 17500
    for example in corpus:
        assert list(example) == ["text", "labels", "offer", "lang"]
        assert isinstance(example["text"], str) and example["text"] == example["text"].strip()
        assert isinstance(example["offer"], bool)
        assert example["lang"] in LANGS
        labels = example["labels"]
        assert labels == sorted(labels, key=CATEGORY_IDS.index), example
        assert len(set(labels)) == len(labels)
        assert not re.search(r"\{\w+\}", example["text"]), example


def test_label_ids_are_the_taxonomy_ids(corpus: list[Example]) -> None:
    from bazaarwatch.classify.taxonomy import CATEGORIES

    assert tuple(c.id for c in CATEGORIES) == CATEGORY_IDS
    used = {label for example in corpus for label in example["labels"]}
    assert used == set(CATEGORY_IDS)


def test_every_category_has_enough_examples_in_several_languages(
    corpus: list[Example],
) -> None:
    counts: Counter[str] = Counter()
    langs: defaultdict[str, set[str]] = defaultdict(set)
    for example in corpus:
        for label in example["labels"]:
            counts[label] += 1
            langs[label].add(example["lang"])
    for category in CATEGORY_IDS:
        assert counts[category] >= 150, category
        assert {"en", "ru"} <= langs[category], category
        assert len(langs[category]) >= 2, category


def test_none_share_and_hard_negatives(corpus: list[Example]) -> None:
    none = [e for e in corpus if not e["labels"]]
    assert len(none) / len(corpus) >= 0.35
    assert {e["lang"] for e in none} == LANGS
    # Legitimate shops and private sales are offers without an illicit category.
    assert any(e["offer"] for e in none) and any(not e["offer"] for e in none)
    texts = " ".join(e["text"] for e in none).lower()
    for word in ("cocaine", "passport", "cve", "cheating", "btc", "закладчик", "пробив"):
        assert word in texts, word


def test_every_category_has_short_catalogue_entries(corpus: list[Example]) -> None:
    # Shop-bot menus and market titles are a few words standing alone; ordinary shops'
    # entries look the same, so that shortness and layout alone mean nothing.
    short: defaultdict[str, int] = defaultdict(int)
    for example in corpus:
        if example["offer"] and example["lang"] != "zh" and len(example["text"].split()) <= 6:
            for label in example["labels"] or ["none"]:
                short[label] += 1
    for category in (*CATEGORY_IDS, "none"):
        assert short[category] >= 20, (category, short[category])


def test_short_texts_and_bot_handles_do_not_mean_offer(corpus: list[Example]) -> None:
    # A greeting, a weather report or a headline is short too, and news channels sign
    # their posts with a feedback bot or a t.me link: neither makes a text an offer.
    short = [e for e in corpus if e["lang"] != "zh" and len(e["text"].split()) <= 12]
    assert sum(not e["offer"] for e in short) / len(short) >= 0.4
    one_word = [e for e in short if len(e["text"].split()) == 1 and not e["offer"]]
    assert len(one_word) >= 20
    for pattern in (r"@\w*bot\b", r"t(?:\.|\[\.\]|\(\.\))me/"):
        carrying = [e for e in corpus if re.search(pattern, e["text"], re.IGNORECASE)]
        assert sum(not e["offer"] for e in carrying) >= 0.3 * len(carrying), pattern
    assert {e["lang"] for e in short if not e["offer"] and not e["labels"]} == LANGS - {"zh"}


def test_scam_has_texts_that_sell_nothing(corpus: list[Example]) -> None:
    # Prize notices, testimonials and "team" recruiting are scams aimed at readers, not offers.
    scam = [e for e in corpus if "scam" in e["labels"]]
    assert len(scam) >= 600
    quiet = [e for e in scam if not e["offer"] and len(e["labels"]) == 1]
    assert len(quiet) >= 250
    assert {"en", "ru"} <= {e["lang"] for e in quiet}


@pytest.mark.parametrize(("needle", "label"), [
    ("combo", "accounts"), ("mail:pass", "accounts"), ("mod apk", "pirated-content"),
    ("premium unlocked", "pirated-content"), ("dubbed", "pirated-content"),
    ("rootkit", "hacking"), ("sms bomber", "hacking"), ("supera grade", "counterfeit-goods"),
    ("real members", "fake-engagement"), ("живые подписчики", "fake-engagement"),
    ("fico", "personal-data"), ("слив базы", "personal-data"),
    ("дипломы под ключ", "fake-documents"), ("psd template", "fake-documents"),
    ("договорные матчи", "scam"), ("fixed matches", "scam"),
])
def test_the_vocabulary_the_error_analysis_named_is_in_the_corpus(
        corpus: list[Example], needle: str, label: str) -> None:
    hits = [e for e in corpus if needle in e["text"].lower() and label in e["labels"]]
    assert hits, (needle, label)


def test_offers_and_non_offers_in_every_category(corpus: list[Example]) -> None:
    seen: defaultdict[str, set[bool]] = defaultdict(set)
    for example in corpus:
        for label in example["labels"]:
            seen[label].add(example["offer"])
    for category in CATEGORY_IDS:
        assert seen[category] == {True, False}, category


@pytest.mark.parametrize(
    "pair",
    [
        ("carding", "gift-cards"),
        ("accounts", "game-cheats"),
        ("personal-data", "fake-documents"),
        ("drugs", "medical-fraud"),
    ],
)
def test_multi_label_examples(corpus: list[Example], pair: tuple[str, str]) -> None:
    assert sum(set(pair) <= set(e["labels"]) for e in corpus) >= 20


def test_no_duplicate_or_near_duplicate_texts(corpus: list[Example]) -> None:
    texts = [e["text"] for e in corpus]
    assert len(set(texts)) == len(texts)
    skeletons = [skeleton(t) for t in texts]
    assert len(set(skeletons)) == len(skeletons)


def test_lengths_vary(corpus: list[Example]) -> None:
    words = [len(e["text"].split()) for e in corpus if e["lang"] != "zh"]
    assert min(words) <= 3 and 30 <= max(words) <= 60


def test_obfuscation_styles_are_present(corpus: list[Example]) -> None:
    texts = [e["text"] for e in corpus]
    invisible = [t for t in texts if any(unicodedata.category(c) == "Cf" for c in t)]
    mixed = [t for t in texts if re.search(r"[a-z][а-я]|[а-я][a-z]", t, re.IGNORECASE)]
    defanged = [t for t in texts if "[.]" in t or "hxxp" in t]
    leet = [t for t in texts if re.search(r"\b[a-z]+[0134]+[a-z]+\b", t)]
    emoji = [t for t in texts if any(s in t for s in ("❄️", "🍁", "💊", "🔌", "💳", "🔫"))]
    for found in (invisible, mixed, defanged, leet, emoji):
        assert len(found) >= 30


def test_obfuscate_keeps_handles_and_changes_words() -> None:
    import random

    rng = random.Random(1)
    text = "Fresh stock of replica watches, contact @shop_king"
    variants = {obfuscate(text, rng) for _ in range(50)}
    assert len(variants) > 10
    assert all("@shop_king" in v for v in variants)


def test_parse_bank_sections_and_errors() -> None:
    sections = parse_bank(";; note\n[offer en]\nA\\nB\n[AAA+]\n\n[chat]\nhi\n")
    assert sections == {("offer", "en"): ["A\nB", "[AAA+]"], ("chat", ""): ["hi"]}
    with pytest.raises(ValueError, match="before any"):
        parse_bank("orphan line\n")
    with pytest.raises(ValueError, match="bad section"):
        parse_bank("[offer xx]\n")


def test_cli_writes_and_checks(tmp_path: Path, corpus: list[Example]) -> None:
    out = tmp_path / "seed.jsonl"
    assert main(["-o", str(out)]) == 0
    lines = out.read_text(encoding="utf-8").splitlines()
    assert [json.loads(line) for line in lines] == corpus
    assert main(["-o", str(out), "--check"]) == 0
    out.write_text("", encoding="utf-8")
    assert main(["-o", str(out), "--check"]) == 1
    assert main(["--check"]) == 0
