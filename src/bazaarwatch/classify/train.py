"""Fit the classifier on labelled JSONL, and calibrate its thresholds.

Input lines are ``{"text": ..., "labels": [category ids]}`` (``[]`` = not illicit) with an
optional ``"offer": true|false``. Each output (every category, then ``offer``) gets an
L2-regularised logistic regression over the features of ``features.py``. Its threshold is
the one that maximises F1 on out-of-fold predictions (5-fold cross-validation), never
below 0.5: on real channels most messages are ordinary chatter, so a threshold that buys
recall with false positives on the training mix would cost far more in the field. The
shipped model is built by ``bazaarwatch train`` from the project's own seed corpus.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

import msgspec
import numpy as np
import scipy.sparse as sp
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import StratifiedKFold

from bazaarwatch.classify.features import Analysis, Featurizer
from bazaarwatch.classify.lexicon import Lexicon
from bazaarwatch.classify.model import Classifier, Weights, outputs
from bazaarwatch.classify.taxonomy import IDS
from bazaarwatch.errors import InputError
from bazaarwatch.indicators import default_extractor
from bazaarwatch.lines import read_lines

MIN_THRESHOLD = 0.5
PRUNE = 0.01  # weights this small are dropped: a file a third the size, the same verdicts


class Example(msgspec.Struct):
    text: str
    labels: list[str] = []
    offer: bool | None = None


def read_examples(path: Path) -> list[Example]:
    """Labelled examples; a bad line or an unknown category names the line and the fix."""
    examples = []
    for number, example in read_lines(str(path), Example,
                                      shape='{"text": "...", "labels": [...]}'):
        unknown = [label for label in example.labels if label not in IDS]
        if unknown:
            raise InputError(str(path), f"unknown category {unknown[0]!r}",
                             where=f"line {number}", hint=f"Use the ids: {', '.join(IDS)}")
        examples.append(example)
    if not examples:
        raise InputError(str(path), "no examples", hint="Give a JSONL file of labelled texts")
    return examples


@dataclass
class Prepared:
    """The examples as features and label columns, ready to fit or evaluate."""

    analyses: list[Analysis]
    matrix: sp.csr_matrix
    targets: np.ndarray  # (examples, outputs) of 0/1


def prepare(examples: Sequence[Example], featurizer: Featurizer) -> Prepared:
    extractor = default_extractor()
    texts = [e.text for e in examples]
    analyses = featurizer.analyze_all(texts, [extractor.extract(t) for t in texts])
    targets = np.zeros((len(examples), len(IDS) + 1), dtype=np.int8)
    for row, example in enumerate(examples):
        for label in example.labels:
            targets[row, IDS.index(label)] = 1
        targets[row, -1] = int(bool(example.offer))
    return Prepared(analyses=analyses, matrix=featurizer.matrix(analyses), targets=targets)


def train(examples: Sequence[Example], *, lexicon: Lexicon | None = None,
          folds: int = 5, seed: int = 0) -> Classifier:
    """A classifier fitted on ``examples``, its thresholds calibrated out of fold."""
    featurizer = Featurizer(lexicon or Lexicon())
    data = prepare(examples, featurizer)
    n_outputs = data.targets.shape[1]
    coefs, biases, thresholds = [], np.zeros(n_outputs), np.ones(n_outputs)
    for j in range(n_outputs):
        y = data.targets[:, j]
        if y.sum() < 2 or y.sum() > len(y) - 2:  # nothing to learn: never fires
            coefs.append(sp.csr_matrix((1, featurizer.n_features)))
            biases[j] = -10.0
            continue
        thresholds[j] = _calibrate(data.matrix, y, folds, seed)
        model = _model(seed).fit(data.matrix, y)
        coef = model.coef_.copy()
        coef[np.abs(coef) < PRUNE] = 0.0
        coefs.append(sp.csr_matrix(coef))
        biases[j] = float(model.intercept_[0])
    weights = Weights(coef=sp.vstack(coefs, format="csr"), bias=biases,
                      thresholds=thresholds, outputs=outputs())
    return Classifier(weights, lexicon=featurizer.lexicon)


def _model(seed: int) -> LogisticRegression:
    return LogisticRegression(C=4.0, solver="liblinear", max_iter=200, random_state=seed)


def _calibrate(matrix: sp.csr_matrix, y: np.ndarray, folds: int, seed: int) -> float:
    """The threshold (>= MIN_THRESHOLD) with the best out-of-fold F1."""
    k = min(folds, int(y.sum()), int(len(y) - y.sum()))
    if k < 2:
        return MIN_THRESHOLD
    predicted = np.zeros(len(y))
    for fit, held in StratifiedKFold(k, shuffle=True, random_state=seed).split(matrix, y):
        model = _model(seed).fit(matrix[fit], y[fit])
        predicted[held] = model.predict_proba(matrix[held])[:, 1]
    best, best_f1 = MIN_THRESHOLD, -1.0
    for threshold in np.arange(MIN_THRESHOLD, 0.951, 0.025):
        chosen = predicted >= threshold
        tp = float(np.sum(chosen & (y == 1)))
        f1 = 2 * tp / (chosen.sum() + y.sum()) if chosen.sum() + y.sum() else 0.0
        if f1 > best_f1 + 1e-9:
            best, best_f1 = float(threshold), f1
    return best


def batches(items: Sequence[Example], size: int = 1000) -> Iterator[Sequence[Example]]:
    for i in range(0, len(items), size):
        yield items[i:i + size]
