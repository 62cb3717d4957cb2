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
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import scipy.sparse as sp

from bazaarwatch.classify.evidence import model_evidence, verdict_evidence
from bazaarwatch.classify.features import (
    DENSE,
    N_HASHED,
    SALE_CUES,
    Analysis,
    Encoded,
    Featurizer,
)
from bazaarwatch.classify.lexicon import Lexicon
from bazaarwatch.classify.taxonomy import IDS
from bazaarwatch.errors import InputError
from bazaarwatch.model import Indicator, Message, Verdict

FORMAT = "bazaarwatch-classifier-1"
AMBIGUOUS = 0.45  # a lexicon term weighted under this also has ordinary meanings
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
        # Dense weights, features x outputs (~17 MB, held once), make scoring and evidence
        # plain NumPy; made from the transpose, so no outputs x features copy is made.
        self.dense_t = weights.coef.astype(np.float32).T.toarray(order="C")
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
                 indicators: Sequence[Sequence[Indicator]] | None = None, *,
                 debug: bool = False) -> list[Verdict]:
        """The verdict for each text (``indicators`` as extracted, if known); ``debug``
        puts the model's features (``lexicon:…``, n-grams) into the evidence."""
        found = indicators if indicators is not None else [[] for _ in texts]
        analyses = self.featurizer.analyze_all(texts, found)
        if not analyses:
            return []
        encoded = self.featurizer.encode(analyses)
        probabilities = self.scores(encoded.matrix)
        n = len(self.categories)
        passed = probabilities >= self.weights.thresholds
        self._gate(passed, probabilities, analyses)
        offers = passed[:, n].tolist()
        aboves = _above(passed[:, :n], probabilities)
        features = self._features(encoded, aboves, analyses, debug=debug)
        # The scores of all messages in one list, read 'n' at a time (``zip`` stops at
        # the end of the categories): a list per message would live until the last
        # verdict is made, long enough for the garbage collector to walk them all.
        scores = iter(probabilities[:, :n].round(4).ravel().tolist())
        categories = self.categories
        name = categories.__getitem__
        verdicts = []
        for row, (analysis, best, offer) in enumerate(zip(analyses, aboves, offers,
                                                          strict=True)):
            evidence = (self._evidence(analysis, best, offer, features.get(row))
                        if best or offer else [])
            verdicts.append(Verdict(list(map(name, best)),
                                    dict(zip(categories, scores, strict=False)), offer, evidence))
        return verdicts

    def _gate(self, passed: np.ndarray, probabilities: np.ndarray,
              analyses: Sequence[Analysis]) -> None:
        """Clear what the model passed on too little (``passed`` and ``probabilities``
        are changed in place).

        An offer needs a sale cue: an offer term in words ("DM to buy", "в наличии"),
        or a price, a quantity or a wallet (``features.SALE_CUES``); a score earned by
        shape alone, or by "✅ 📥", is no offer. A category that
        only emoji or one ambiguous term (weight under ``AMBIGUOUS``) speaks for is
        dropped if its score without that lexicon evidence would not pass ("🔫🔫🔫" or
        the cannabis strain "AK-47" support a category, never decide it alone), and its
        score becomes that score, so that chat verdicts do not count it either."""
        n = len(self.categories)
        signals = np.array([a.signals for a in analyses]).reshape(len(analyses), len(DENSE))
        for row in np.flatnonzero(passed[:, n] & ~signals[:, SALE_CUES].any(axis=1)).tolist():
            passed[row, n] = any(role == "offer" and any(ch.isalpha() for ch in term)
                                 for term, _, role, *_ in analyses[row].hits)
        # Only where every term of a passed category is weak (its best term's weight,
        # ``top-term``, is under AMBIGUOUS; emoji weigh less) is there anything to check.
        top = signals[:, _TOP_TERM]
        rows, columns = np.nonzero(passed[:, :n] & (top > 0) & (top < AMBIGUOUS))
        limits = np.log(self.weights.thresholds[:n]) - np.log1p(-self.weights.thresholds[:n])
        for row, i in zip(rows.tolist(), columns.tolist(), strict=True):
            category = self.categories[i]
            found = {term for term, said, role, *_ in analyses[row].hits
                     if role == "category" and said == category}
            if len(found) > 1 and any(ch.isalpha() for term in found for ch in term):
                continue  # several words speak for it
            p = float(probabilities[row, i])
            lexical = float(signals[row, _LEXICAL[i]] @ self.dense_t[_LEXICAL[i] + N_HASHED, i])
            logit = np.log(p) - np.log1p(-p) - lexical
            if logit < limits[i]:
                passed[row, i] = False
                probabilities[row, i] = 1.0 / (1.0 + np.exp(-logit))

    def annotate(self, messages: Sequence[Message], *, batch: int = 1000) -> None:
        """The classification stage: set the verdict of every message that has text
        (service messages and media without a caption get none)."""
        wanted = [m for m in messages if m.kind == "message" and m.text]
        for i in range(0, len(wanted), batch):
            part = wanted[i:i + batch]
            verdicts = self.classify([m.text for m in part], [m.indicators for m in part])
            for message, verdict in zip(part, verdicts, strict=True):
                message.verdict = verdict

    def _evidence(self, analysis: Analysis, above: Sequence[int], offer: bool,
                  features: list[dict[str, Any]] | None = None) -> list[dict[str, Any]]:
        """The evidence of one verdict, written for people (``evidence.verdict_evidence``):
        its terms, prices and indicators, then the model's part (``features``)."""
        return verdict_evidence(analysis, [self.categories[i] for i in above], offer, features)

    def _features(self, encoded: Encoded, aboves: Sequence[Sequence[int]],
                  analyses: Sequence[Analysis], *,
                  debug: bool = False) -> dict[int, list[dict[str, Any]]]:
        """Per message with categories, the model's part of the evidence
        (``evidence.model_evidence``): the words behind the n-grams that pushed a category
        with no term up most, and with ``debug`` the features themselves."""
        return model_evidence(encoded, aboves, analyses, self.dense_t, self.categories,
                              debug=debug)


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


_TOP_TERM = [DENSE.index(f"top-term:{c}") for c in IDS]
# Per category, the dense features that carry its lexicon evidence.
_LEXICAL = [np.array([DENSE.index(f"{kind}:{c}")
                      for kind in ("lexicon", "top-term", "title-term", "offered-term")])
            for c in IDS]


def outputs() -> tuple[str, ...]:
    return (*IDS, "offer")
