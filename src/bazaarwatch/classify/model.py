"""The classifier: one linear model per category plus one for ``offer``, with calibrated
per-category thresholds and evidence for every verdict.

A linear model over hashed features is fast (a sparse dot product per message),
multilingual without a vocabulary, and explainable: the evidence for a category is the
lexicon hits for it plus the n-grams and signals that pushed its score up most. The
model file is plain NumPy arrays (``.npz``, loaded with ``allow_pickle=False``), so a
model file someone hands an analyst cannot run code.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import scipy.sparse as sp

from bazaarwatch.classify.features import DENSE, N_HASHED, STRONG, Analysis, Featurizer
from bazaarwatch.classify.lexicon import Lexicon
from bazaarwatch.classify.taxonomy import IDS
from bazaarwatch.errors import InputError
from bazaarwatch.model import Indicator, Message, Verdict

FORMAT = "bazaarwatch-classifier-1"
DEFINITE = 0.9  # a lexicon weight that names the trade on its own
TITLE_WORDS = 12  # a listing title, not a sentence of news or chat
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
        logits = np.asarray(matrix @ self.dense_t) + self.weights.bias
        probabilities: np.ndarray = 1.0 / (1.0 + np.exp(-logits))
        return probabilities

    def classify(self, texts: Sequence[str],
                 indicators: Sequence[Sequence[Indicator]] | None = None) -> list[Verdict]:
        """The verdict for each text (``indicators`` as extracted, if known)."""
        found = indicators if indicators is not None else [[] for _ in texts]
        analyses = [self.featurizer.analyze(t, i) for t, i in zip(texts, found, strict=True)]
        if not analyses:
            return []
        matrix = self.featurizer.matrix(analyses)
        probabilities = self.scores(matrix)
        return [self._verdict(a, matrix[row], probabilities[row])
                for row, a in enumerate(analyses)]

    def annotate(self, messages: Sequence[Message], *, batch: int = 1000) -> None:
        """The classification stage: set the verdict of every message that has text
        (service messages and media without a caption get none)."""
        wanted = [m for m in messages if m.kind == "message" and m.text]
        for i in range(0, len(wanted), batch):
            part = wanted[i:i + batch]
            verdicts = self.classify([m.text for m in part], [m.indicators for m in part])
            for message, verdict in zip(part, verdicts, strict=True):
                message.verdict = verdict

    def _verdict(self, analysis: Analysis, row: sp.csr_matrix,
                 probabilities: np.ndarray) -> Verdict:
        n = len(self.categories)
        passed = probabilities >= self.weights.thresholds
        listed = self._listed(analysis)
        passed[:n] |= listed
        above = sorted(np.flatnonzero(passed[:n]).tolist(), key=lambda i: -probabilities[i])
        categories = [self.categories[i] for i in above]
        offer = bool(passed[n])
        scores = dict(zip(self.categories, probabilities[:n].round(4).tolist(), strict=True))
        return Verdict(categories=categories, scores=scores, offer=offer,
                       evidence=self._evidence(analysis, row, above, offer))

    def _listed(self, analysis: Analysis) -> np.ndarray:
        """The listing rule, for what the model alone misses in short marketplace titles
        ("5 gr MDMA crystals", "Glock 19 — 600$", "No VBV US Visa Gold"): with no
        counter-word (news, police, research) in the message, a term only this trade uses
        (weight >= 0.9) marks its category in a title-length message, and a strong one
        (>= 0.7) does so in any message next to a price, a quantity or an offer cue. News
        and warnings are longer and carry no price, which keeps them out."""
        listed = np.zeros(len(self.categories), dtype=bool)
        if any(h.role == "negative" for h in analysis.hits):
            return listed
        offered = bool(analysis.prices or analysis.quantity
                       or any(h.role == "offer" for h in analysis.hits))
        title = len(analysis.text.split()) <= TITLE_WORDS
        for hit in analysis.hits:
            if hit.role != "category" or not hit.category:
                continue
            if (title and hit.weight >= DEFINITE) or (offered and hit.weight >= STRONG):
                listed[self.categories.index(hit.category)] = True
        return listed

    def _evidence(self, analysis: Analysis, row: sp.csr_matrix, above: list[int],
                  offer: bool) -> list[dict[str, Any]]:
        wanted = {self.categories[i] for i in above}
        evidence: list[dict[str, Any]] = [
            {"kind": "term", "text": h.text, "term": h.term, "category": h.category,
             "role": h.role, "weight": h.weight, "start": h.start, "end": h.end}
            for h in analysis.hits
            if (h.role == "category" and h.category in wanted) or (h.role == "offer" and offer)
            or (h.role == "negative" and h.category in wanted)]
        if offer:
            evidence.extend({"kind": "price", "text": analysis.text[p.start:p.end],
                             "amount": p.amount, "currency": p.currency, "start": p.start,
                             "end": p.end} for p in analysis.prices)
        if not above:
            return evidence
        columns = self.featurizer.ngram_columns(analysis)
        for i in above:
            contribution = row.data * self.dense[i, row.indices]
            for k in np.argsort(-contribution)[:5]:
                column = int(row.indices[k])
                value = float(contribution[k])
                if value <= 0:
                    break
                feature = (columns.get(column, "?") if column < N_HASHED
                           else DENSE[column - N_HASHED])
                evidence.append({"kind": "feature", "feature": feature,
                                 "category": self.categories[i], "weight": round(value, 4)})
        return evidence


def outputs() -> tuple[str, ...]:
    return (*IDS, "offer")
