"""The classifier: one linear model per category plus one for ``offer``, with calibrated
per-category thresholds and evidence for every verdict.

A linear model over hashed features is fast (a sparse dot product per message),
multilingual without a vocabulary, and explainable: the evidence for a category is the
lexicon hits for it plus the n-grams and signals that pushed its score up most. The
model file is plain NumPy arrays (``.npz``, loaded with ``allow_pickle=False``), so a
model file someone hands an analyst cannot run code.
"""

from __future__ import annotations

import itertools
import json
import re
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import scipy.sparse as sp

from bazaarwatch.classify.features import (
    DENSE,
    N_HASHED,
    Analysis,
    Encoded,
    Featurizer,
)
from bazaarwatch.classify.lexicon import Lexicon
from bazaarwatch.classify.taxonomy import IDS
from bazaarwatch.errors import InputError
from bazaarwatch.indicators.redaction import mask_sensitive
from bazaarwatch.model import Indicator, Message, Verdict

FORMAT = "bazaarwatch-classifier-1"
_DIGIT = re.compile(r"\d")
SHIPPED = Path(__file__).with_name("model.npz")


@dataclass
class Weights:
    """Per output (the categories, then ``offer``): weights, bias and threshold."""

    coef: sp.csr_matrix  # (outputs, features)
    bias: np.ndarray
    thresholds: np.ndarray
    outputs: tuple[str, ...]


class Classifier:
    """Built once from a model file (or weights), then used on batches of messages."""

    def __init__(self, weights: Weights, *, lexicon: Lexicon | None = None) -> None:
        self.weights = weights
        self.featurizer = Featurizer(lexicon or Lexicon())
        # Dense weights (outputs x features, ~17 MB) make scoring and evidence plain NumPy.
        self.dense = weights.coef.astype(np.float32).toarray()
        self.dense_t = np.ascontiguousarray(self.dense.T)  # features x outputs, for scoring
        self.categories = weights.outputs[:-1]

    @classmethod
    def load(cls, path: Path | None = None) -> Classifier:
        path = path or SHIPPED
        try:
            with np.load(path, allow_pickle=False) as data:
                meta = json.loads(str(data["meta"]))
                if meta.get("format") != FORMAT:
                    raise InputError(str(path), f"not a {FORMAT} model file",
                                     hint="Train one with 'bazaarwatch train DATA.jsonl -o "
                                          "MODEL.npz'")
                coef = sp.csr_matrix((data["data"], data["indices"], data["indptr"]),
                                     shape=tuple(data["shape"]))
                weights = Weights(coef=coef, bias=data["bias"], thresholds=data["thresholds"],
                                  outputs=tuple(meta["outputs"]))
        except (OSError, KeyError, ValueError) as e:
            raise InputError(str(path), f"cannot read the model ({e})",
                             hint="Give a model file written by 'bazaarwatch train'") from e
        return cls(weights)

    def save(self, path: Path, *, about: dict[str, Any]) -> None:
        coef = self.weights.coef.tocsr()
        meta = {"format": FORMAT, "outputs": list(self.weights.outputs), **about}
        np.savez_compressed(path, data=coef.data.astype(np.float32), indices=coef.indices,
                            indptr=coef.indptr, shape=np.array(coef.shape),
                            bias=self.weights.bias, thresholds=self.weights.thresholds,
                            meta=np.array(json.dumps(meta)))

    def scores(self, matrix: sp.csr_matrix) -> np.ndarray:
        """Probabilities, one row per message (of the feature matrix), one column per output."""
        # In float32, as the weights are: a float64 matrix would make SciPy convert all
        # of the weights to float64 for every batch.
        logits = np.asarray(matrix.astype(np.float32) @ self.dense_t) + self.weights.bias
        probabilities: np.ndarray = 1.0 / (1.0 + np.exp(-logits))
        return probabilities

    def classify(self, texts: Sequence[str],
                 indicators: Sequence[Sequence[Indicator]] | None = None) -> list[Verdict]:
        """The verdict for each text (``indicators`` as extracted, if known)."""
        found = indicators if indicators is not None else [[] for _ in texts]
        analyses = self.featurizer.analyze_all(texts, found)
        if not analyses:
            return []
        encoded = self.featurizer.encode(analyses)
        probabilities = self.scores(encoded.matrix)
        n = len(self.categories)
        passed = probabilities >= self.weights.thresholds
        offers = passed[:, n].tolist()
        aboves = _above(passed[:, :n], probabilities)
        features = self._features(encoded, aboves)
        # The scores of all messages in one list, read 'n' at a time (``zip`` stops at
        # the end of the categories): a list per message would live until the last
        # verdict is made, long enough for the garbage collector to walk them all.
        scores = iter(probabilities[:, :n].round(4).ravel().tolist())
        categories = self.categories
        name = categories.__getitem__
        verdicts = []
        for row, (analysis, best, offer) in enumerate(zip(analyses, aboves, offers,
                                                          strict=True)):
            evidence = self._evidence(analysis, best, offer) if best or offer else []
            if row in features:
                evidence += features[row]
            verdicts.append(Verdict(list(map(name, best)),
                                    dict(zip(categories, scores, strict=False)), offer, evidence))
        return verdicts

    def annotate(self, messages: Sequence[Message], *, batch: int = 1000) -> None:
        """The classification stage: set the verdict of every message that has text
        (service messages and media without a caption get none)."""
        wanted = [m for m in messages if m.kind == "message" and m.text]
        for i in range(0, len(wanted), batch):
            part = wanted[i:i + batch]
            verdicts = self.classify([m.text for m in part], [m.indicators for m in part])
            for message, verdict in zip(part, verdicts, strict=True):
                message.verdict = verdict

    def _evidence(self, analysis: Analysis, above: Sequence[int],
                  offer: bool) -> list[dict[str, Any]]:
        """The lexicon hits and prices behind a verdict (the model's features follow).

        Evidence is shown and stored as it is, so no card, IBAN or phone number may be in
        it: a term with a digit is cut from the message with those numbers masked
        (``mask_sensitive`` sees each number whole there, not just the piece a term
        covers). A price needs nothing: no number that is part of one is a price."""
        wanted = set(map(self.categories.__getitem__, above))
        evidence: list[dict[str, Any]] = []
        masked: str | None = None
        for term, category, role, weight, start, end, text in analysis.hits:
            # Offer cues if it is an offer; terms and counter-words of its categories.
            if offer if role == "offer" else category in wanted:
                if _DIGIT.search(text):
                    masked = masked or mask_sensitive(analysis.text)
                    text = masked[start:end]
                evidence.append({"kind": "term", "text": text, "term": term,
                                 "category": category, "role": role, "weight": weight,
                                 "start": start, "end": end})
        if offer:
            for p in analysis.prices:
                evidence.append({"kind": "price", "text": analysis.text[p.start:p.end],
                                 "amount": p.amount, "currency": p.currency,
                                 "start": p.start, "end": p.end})
        return evidence

    def _features(self, encoded: Encoded,
                  aboves: Sequence[Sequence[int]]) -> dict[int, list[dict[str, Any]]]:
        """For each message with categories: per category (in order), the (up to) five
        features that pushed its score up most, as evidence.

        Done for the whole batch at once: every (message, category) pair gets the
        entries of the message's row, and one sort orders them by pair, then by
        contribution."""
        pair_rows = np.array([row for row, above in enumerate(aboves) for _ in above],
                             dtype=np.int64)
        if not len(pair_rows):
            return {}
        pair_categories = np.array([i for above in aboves for i in above], dtype=np.int64)
        matrix = encoded.matrix
        first = matrix.indptr[pair_rows]
        sizes = matrix.indptr[pair_rows + 1] - first
        pair = np.repeat(np.arange(len(pair_rows)), sizes)
        entry = np.arange(len(pair)) - np.repeat(np.cumsum(sizes) - sizes - first, sizes)
        columns = matrix.indices[entry]
        # dense_t holds a feature's weights for all outputs in one cache line
        contribution = matrix.data[entry] * self.dense_t[columns, pair_categories[pair]]
        useful = np.flatnonzero(contribution > 0)
        # By pair, then largest contribution first: 1 / (1 + c) is in (0, 1) and falls as
        # c grows (one float sort is several times faster than a lexsort).
        order = useful[np.argsort(pair[useful] + 1.0 / (1.0 + contribution[useful]))]
        # The rank of each entry within its pair: keep the first five.
        starts = np.flatnonzero(np.diff(pair[order], prepend=-1))
        rank = np.arange(len(order)) - np.repeat(starts, np.diff(np.append(starts, len(order))))
        kept = order[rank < 5]
        kept_rows = pair_rows[pair[kept]]
        kept_columns = columns[kept]
        hashed = kept_columns < N_HASHED
        names = iter(encoded.names(kept_rows[hashed], kept_columns[hashed]))
        categories = self.categories
        features: dict[int, list[dict[str, Any]]] = {}
        for row, category, column, weight in zip(
                kept_rows.tolist(), pair_categories[pair[kept]].tolist(), kept_columns.tolist(),
                contribution[kept].round(4).tolist(), strict=True):
            feature = next(names) if column < N_HASHED else DENSE[column - N_HASHED]
            entry = {"kind": "feature",
                     "feature": mask_sensitive(feature) if _DIGIT.search(feature) else feature,
                     "category": categories[category], "weight": weight}
            if row in features:
                features[row].append(entry)
            else:
                features[row] = [entry]
        return features


def _above(passed: np.ndarray, probabilities: np.ndarray) -> list[tuple[int, ...]]:
    """Per message, the categories above their thresholds (``passed``), by probability,
    highest first (ties: the lower index first).

    Sorted for the whole batch at once (per message it would cost more). Tuples, and
    one shared empty tuple for the messages above no threshold (most): a list each would
    live until the last verdict is made, long enough for the garbage collector to walk
    them all (see ``lexicon.Hit``)."""
    rows, categories = np.nonzero(passed)
    order = np.lexsort((categories, -probabilities[rows, categories], rows))
    rows, categories = rows[order], categories[order].tolist()
    aboves: list[tuple[int, ...]] = [()] * len(passed)
    starts = np.flatnonzero(np.diff(rows, prepend=-1)).tolist()
    for start, end in itertools.pairwise([*starts, len(categories)]):
        aboves[int(rows[start])] = tuple(categories[start:end])
    return aboves


def outputs() -> tuple[str, ...]:
    return (*IDS, "offer")
