"""Per-category precision, recall and F1 of a classifier on labelled examples, the
confusion between categories, and the false-positive rate on ``none``.

The false-positive rate is the share of examples labelled ``[]`` (not illicit) that get
any category: on real channels, where most messages are chatter, it is the figure that
decides whether analysts can trust a tool.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field

from bazaarwatch.classify.model import Classifier
from bazaarwatch.classify.taxonomy import IDS
from bazaarwatch.classify.train import Example, batches
from bazaarwatch.indicators import default_extractor


@dataclass
class Score:
    category: str
    support: int
    tp: int = 0
    fp: int = 0
    fn: int = 0

    @property
    def precision(self) -> float:
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else 0.0

    @property
    def recall(self) -> float:
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else 0.0

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0


@dataclass
class Report:
    scores: list[Score]
    none_total: int
    none_flagged: int
    confusion: Counter[tuple[str, str]] = field(default_factory=Counter)
    offer: Score = field(default_factory=lambda: Score("offer", 0))

    @property
    def macro_f1(self) -> float:
        present = [s for s in self.scores if s.support]
        return sum(s.f1 for s in present) / len(present) if present else 0.0

    @property
    def none_fp_rate(self) -> float:
        return self.none_flagged / self.none_total if self.none_total else 0.0


def evaluate(classifier: Classifier, examples: Sequence[Example]) -> Report:
    """Score ``classifier`` on ``examples``; a prediction is right if it is a label."""
    extractor = default_extractor()
    scores = {c: Score(c, 0) for c in IDS}
    report = Report(scores=list(scores.values()), none_total=0, none_flagged=0)
    for batch in batches(examples):
        verdicts = classifier.classify([e.text for e in batch],
                                       [extractor.extract(e.text) for e in batch])
        for example, verdict in zip(batch, verdicts, strict=True):
            truth, said = set(example.labels), set(verdict.categories)
            for c in truth:
                scores[c].support += 1
            for c in said & truth:
                scores[c].tp += 1
            for c in said - truth:
                scores[c].fp += 1
            for c in truth - said:
                scores[c].fn += 1
            if not truth:
                report.none_total += 1
                report.none_flagged += bool(said)
            if len(truth) == 1:
                (label,) = truth
                report.confusion[(label, verdict.categories[0] if said else "none")] += 1
            if example.offer is not None:
                _count(report.offer, bool(example.offer), verdict.offer)
    return report


def _count(score: Score, truth: bool, said: bool) -> None:
    score.support += truth
    score.tp += truth and said
    score.fp += said and not truth
    score.fn += truth and not said
