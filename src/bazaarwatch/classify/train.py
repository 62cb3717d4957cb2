"""Fit the classifier on labelled JSONL, and calibrate its thresholds.

Input lines are ``{"text": ..., "labels": [category ids]}`` (``[]`` = not illicit) with an
optional ``"offer": true|false``. Each output (every category, then ``offer``) gets an
L2-regularised logistic regression over the features of ``features.py``, its classes
weighted to count alike: a category has a few hundred examples among twelve thousand, and
unweighted fits leave biases so low that a title with one good term ("Ploutos ATM
Malware") stays under any threshold.

Its threshold is the one that maximises F1 on out-of-fold predictions (cross-validation),
never below 0.5, among those that flag at most ``FP_BUDGET`` of the corpus's
not-illicit texts (news about the same trades, chat, legitimate shops): on real channels
most messages are ordinary chatter, so a threshold that buys recall with false positives
on the training mix would cost far more in the field. The shipped model is built by
``bazaarwatch train`` from the project's own seed corpus.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

import msgspec
import numpy as np
import scipy.sparse as sp
from joblib import Parallel, delayed
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import StratifiedKFold

from bazaarwatch.classify.features import DENSE, N_HASHED, Analysis, Featurizer
from bazaarwatch.classify.lexicon import Lexicon
from bazaarwatch.classify.model import Classifier, Weights, outputs
from bazaarwatch.classify.taxonomy import IDS
from bazaarwatch.errors import InputError
from bazaarwatch.indicators import default_extractor
from bazaarwatch.lines import read_lines

#: The project's own labelled corpus, which the shipped model is trained on.
SEED = Path(__file__).with_name("seed") / "seed.jsonl"
MIN_THRESHOLD = 0.5
PRUNE = 0.01  # weights this small are dropped: a file a third the size, the same verdicts
FP_BUDGET = 0.002  # of the not-illicit texts one category's threshold may flag, out of fold
#: Features an output must not use. A text's length and a bot handle say nothing about a
#: sale (news footers name bots; greetings are short), yet in any corpus of shops they
#: go with offers, and the model would learn them as cues.
EXCLUDED = {"offer": ("signal:title", "signal:telegram_bot")}


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
          folds: int = 3, seed: int = 0, jobs: int = -1,
          budget: float = FP_BUDGET) -> Classifier:
    """A classifier fitted on ``examples``, its thresholds calibrated out of fold (the
    outputs are fitted in parallel, ``jobs`` processes; -1: one per core)."""
    featurizer = Featurizer(lexicon or Lexicon())
    data = prepare(examples, featurizer)
    n_outputs = data.targets.shape[1]
    benign = data.targets[:, :-1].sum(axis=1) == 0
    names = outputs()
    data.matrix.sort_indices()  # liblinear wants them so; a worker cannot sort its copy
    fitted = Parallel(n_jobs=jobs)(
        delayed(_fit)(_without(data.matrix, EXCLUDED.get(names[j], ())), data.targets[:, j],
                      benign if j < n_outputs - 1 else None, folds, seed, budget)
        for j in range(n_outputs))
    coefs = [sp.csr_matrix(coef) for coef, _, _ in fitted]
    weights = Weights(coef=sp.vstack(coefs, format="csr"),
                      bias=np.array([bias for _, bias, _ in fitted]),
                      thresholds=np.array([threshold for _, _, threshold in fitted]),
                      outputs=names)
    return Classifier(weights, lexicon=featurizer.lexicon)


def _fit(matrix: sp.csr_matrix, y: np.ndarray, benign: np.ndarray | None, folds: int,
         seed: int, budget: float) -> tuple[np.ndarray, float, float]:
    """One output's weights, bias and threshold (an output with nothing to learn never
    fires)."""
    if y.sum() < 2 or y.sum() > len(y) - 2:
        return np.zeros((1, matrix.shape[1])), -10.0, 1.0
    threshold = _calibrate(matrix, y, benign, folds, seed, budget)
    model = _model(seed).fit(matrix, y)
    coef = model.coef_.copy()
    coef[np.abs(coef) < PRUNE] = 0.0
    return coef, float(model.intercept_[0]), threshold


def _without(matrix: sp.csr_matrix, features: Sequence[str]) -> sp.csr_matrix:
    """``matrix`` with the columns of these dense features emptied."""
    if not features:
        return matrix
    kept = np.ones(matrix.shape[1])
    kept[[N_HASHED + DENSE.index(f) for f in features]] = 0.0
    emptied: sp.csr_matrix = (matrix @ sp.diags(kept)).tocsr()
    emptied.eliminate_zeros()
    emptied.sort_indices()
    return emptied


def _model(seed: int) -> LogisticRegression:
    return LogisticRegression(C=4.0, solver="liblinear", max_iter=200, random_state=seed,
                              class_weight="balanced")


def _calibrate(matrix: sp.csr_matrix, y: np.ndarray, benign: np.ndarray | None, folds: int,
               seed: int, budget: float) -> float:
    """The threshold (>= MIN_THRESHOLD) with the best out-of-fold F1 among those that
    flag at most ``budget`` of the ``benign`` examples (the one that flags fewest if
    none does)."""
    k = min(folds, int(y.sum()), int(len(y) - y.sum()))
    if k < 2:
        return MIN_THRESHOLD
    predicted = np.zeros(len(y))
    for fit, held in StratifiedKFold(k, shuffle=True, random_state=seed).split(matrix, y):
        model = _model(seed).fit(matrix[fit], y[fit])
        predicted[held] = model.predict_proba(matrix[held])[:, 1]
    candidates = []
    for threshold in np.arange(MIN_THRESHOLD, 0.951, 0.025):
        chosen = predicted >= threshold
        tp = float(np.sum(chosen & (y == 1)))
        f1 = 2 * tp / (chosen.sum() + y.sum()) if chosen.sum() + y.sum() else 0.0
        flagged = float(chosen[benign].mean()) if benign is not None and benign.any() else 0.0
        candidates.append((max(flagged, budget), -f1, float(threshold)))
    return min(candidates)[2]


def batches(items: Sequence[Example], size: int = 1000) -> Iterator[Sequence[Example]]:
    for i in range(0, len(items), size):
        yield items[i:i + size]
