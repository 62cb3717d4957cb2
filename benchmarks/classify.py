"""Benchmark ``bazaarwatch classify``: messages per second on one core, and quality on the
development data when it is present.

Speed: the shipped model classifies a corpus of chat messages (the project's seed corpus
texts, repeated to --messages) in batches of 1,000, indicators extracted as ``classify``
does. Goal: at least 20,000 messages/s on one core (``taskset -c 0``).

Quality: ``../shared/data/dev/market-agora2014.jsonl`` (real listing titles labelled by
others, never used for training) gives per-category precision, recall and F1 and the
macro-F1 over the categories present (goal: 0.90). A prediction counts as right when it
is the row's label or one of its ``also`` labels. Those rows carry no ``none``, so the
false-positive rate on ordinary chat and news (goal: under 1%, in Russian as well as
English) is measured on ``benchmarks/data/benign*.jsonl``: ordinary chat, news, legitimate
ads and talk about the same topics, in English and Russian, written for the project
independently of the seed banks and never trained on. ``benign-blind.jsonl`` is kept
blind: only its rate is looked at, never its texts, so tuning cannot bend towards it.
The rate on the seed corpus's own ``none`` texts is printed too; the model was trained
on them, so that figure is optimistic.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from collections import Counter
from pathlib import Path

from bazaarwatch.classify.model import Classifier
from bazaarwatch.classify.taxonomy import IDS
from bazaarwatch.indicators import default_extractor

ROOT = Path(__file__).resolve().parents[1]
SEED = ROOT / "src" / "bazaarwatch" / "classify" / "seed" / "seed.jsonl"
DEV = ROOT.parent / "shared" / "data" / "dev" / "market-agora2014.jsonl"
BENIGN = (ROOT / "benchmarks" / "data" / "benign.jsonl",
          ROOT / "benchmarks" / "data" / "benign-blind.jsonl")


def speed(classifier: Classifier, texts: list[str], n: int) -> float:
    corpus = (texts * (n // len(texts) + 1))[:n]
    extractor = default_extractor()
    started = time.perf_counter()
    for i in range(0, n, 1000):
        batch = corpus[i:i + 1000]
        classifier.classify(batch, [extractor.extract(t) for t in batch])
    return n / (time.perf_counter() - started)


def dev_quality(classifier: Classifier) -> None:
    rows = [json.loads(line) for line in DEV.read_text(encoding="utf-8").splitlines()]
    verdicts = classifier.classify([r["text"] for r in rows])
    tp: Counter[str] = Counter()
    fp: Counter[str] = Counter()
    fn: Counter[str] = Counter()
    support: Counter[str] = Counter()
    unflagged = 0
    for row, verdict in zip(rows, verdicts, strict=True):
        accepted = {row["label"], *row.get("also", [])}
        support[row["label"]] += 1
        top = verdict.categories[0] if verdict.categories else None
        unflagged += top is None
        if top == row["label"] or top in accepted:
            tp[row["label"]] += 1
        else:
            fn[row["label"]] += 1
            if top is not None:
                fp[top] += 1
    print(f"\ndev set {DEV.name}: {len(rows):,} rows, {unflagged:,} given no category")
    print(f"  {'category':18} {'support':>8} {'precision':>9} {'recall':>7} {'F1':>6}")
    f1s = []
    for c in IDS:
        if not support[c]:
            continue
        p = tp[c] / (tp[c] + fp[c]) if tp[c] + fp[c] else 0.0
        r = tp[c] / support[c]
        f1 = 2 * p * r / (p + r) if p + r else 0.0
        f1s.append(f1)
        print(f"  {c:18} {support[c]:>8,} {p:>9.3f} {r:>7.3f} {f1:>6.3f}")
    macro = sum(f1s) / len(f1s)
    print(f"  macro-F1 over the {len(f1s)} categories present: {macro:.3f} (goal 0.90)")


def benign_rate(classifier: Classifier, path: Path) -> None:
    """The share of a benign set given any category, overall and per language and kind."""
    rows = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]
    flagged = [bool(v.categories) for v in classifier.classify([r["text"] for r in rows])]
    parts = []
    for key in ("lang", "kind"):
        for value in sorted({r[key] for r in rows}):
            chosen = [f for r, f in zip(rows, flagged, strict=True) if r[key] == value]
            parts.append(f"{value} {sum(chosen) / len(chosen):.1%}")
    print(f"{path.name} flagged: {sum(flagged):,} of {len(rows):,} ({sum(flagged) / len(rows):.2%};"
          f" {', '.join(parts)})")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--messages", type=int, default=50_000)
    parser.add_argument("--model", type=Path, default=None)
    args = parser.parse_args()
    classifier = Classifier.load(args.model)
    seed = [json.loads(line) for line in SEED.read_text(encoding="utf-8").splitlines()]
    rate = speed(classifier, [r["text"] for r in seed], args.messages)
    print(f"classify: {rate:,.0f} messages/s over {args.messages:,} messages "
          f"(goal >= 20,000 on one core; run under taskset -c 0 for that figure)")
    chatter = [r["text"] for r in seed if not r["labels"]]
    flagged = sum(bool(v.categories) for v in classifier.classify(chatter))
    print(f"seed corpus none texts flagged: {flagged:,} of {len(chatter):,} "
          f"({flagged / len(chatter):.2%}; trained on them, so optimistic)")
    for path in BENIGN:
        benign_rate(classifier, path)
    if DEV.exists():
        dev_quality(classifier)
    else:
        print(f"\n{DEV} is absent: no dev-set figures")
    return 0


if __name__ == "__main__":
    sys.exit(main())
