"""What the model sees of a message: hashed n-grams plus a few dense signals.

Hashed word (1-2) and character (4, within words) n-grams of the matching form make the
model multilingual by construction: no vocabulary to build, any script hashes alike, and
character n-grams carry inflections ("закладки", "закладку") and slang spellings. The
hashing is CRC-32 of the n-gram's UTF-8 bytes, done here rather than with scikit-learn's
HashingVectorizer so that classifying needs neither scikit-learn (80 MB of memory once
imported) nor its per-call overhead; only training uses scikit-learn. The
dense signals are what a lexicon or an indicator already knows: per-category lexicon
scores (counter-words subtract), the offer-cue score, and whether the message carries a
price, a wallet, an onion site, a bot or a contact. They are appended after the hashed
columns, so a column index says which kind of feature it is.
"""

from __future__ import annotations

import itertools
import re
import zlib
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import scipy.sparse as sp

from bazaarwatch.classify.lexicon import Hit, Lexicon, matching_form
from bazaarwatch.classify.prices import Price, find_prices, has_quantity
from bazaarwatch.classify.taxonomy import IDS
from bazaarwatch.model import Indicator

N_HASHED = 2**18
LEXICON_SCALE = 1.0
WALLETS = frozenset({"btc", "eth", "xmr", "ltc", "trx", "doge", "bch"})
SIGNALS = ("offer_terms", "price", "quantity", "crypto_price", "wallet", "onion", "telegram_bot",
           "telegram", "telegram_invite", "contact", "card", "url")
DENSE = (tuple(f"lexicon:{c}" for c in IDS) + tuple(f"strong-term:{c}" for c in IDS)
         + tuple(f"signal:{s}" for s in SIGNALS))
STRONG = 0.7  # a single term this sure (a word only this trade uses) speaks on its own


@dataclass
class Analysis:
    """One message as the features saw it, kept for the evidence."""

    text: str
    matching: str
    hits: list[Hit]
    prices: list[Price]
    quantity: bool
    indicators: list[Indicator]


class Featurizer:
    """Turns batches of messages into the model's sparse feature matrix."""

    def __init__(self, lexicon: Lexicon) -> None:
        self.lexicon = lexicon

    @property
    def n_features(self) -> int:
        return N_HASHED + len(DENSE)

    def analyze(self, text: str, indicators: Sequence[Indicator]) -> Analysis:
        form = matching_form(text)
        return Analysis(text=text, matching=form.text, hits=self.lexicon.hits(text, form),
                        prices=find_prices(text), quantity=has_quantity(text),
                        indicators=list(indicators))

    def matrix(self, analyses: Sequence[Analysis]) -> sp.csr_matrix:
        rows: list[int] = []
        columns: list[int] = []
        crc32, n = zlib.crc32, N_HASHED  # the hot loop: local names, no call per n-gram
        for row, analysis in enumerate(analyses):
            hashed = [crc32(g.encode()) % n for g in ngrams(analysis.matching)]
            rows.extend([row] * len(hashed))
            columns.extend(hashed)
        counts = sp.csr_matrix((np.ones(len(columns)), (rows, columns)),
                               shape=(len(analyses), N_HASHED))
        dense = np.array([_dense(a) for a in analyses], dtype=np.float64)
        return sp.hstack([_l2(counts), sp.csr_matrix(dense)], format="csr")

    def ngram_columns(self, analysis: Analysis) -> dict[int, str]:
        """Hashed column -> an n-gram of this message that lands there (for evidence)."""
        return {_column(g): g.lstrip(_WORD_MARK) for g in ngrams(analysis.matching)}


_TOKEN = re.compile(r"\w+")
_WORD_MARK = "\x01"  # keeps a word apart from a 4-character piece of another word


def ngrams(matching: str) -> list[str]:
    """Words and word pairs (marked), and the 4-character pieces of " word "."""
    words = _TOKEN.findall(matching)
    grams = [_WORD_MARK + w for w in words]
    grams.extend(f"{_WORD_MARK}{a} {b}" for a, b in itertools.pairwise(words))
    for word in words:
        padded = f" {word} "
        if len(padded) <= 4:
            grams.append(padded)
        else:
            grams.extend([padded[i:i + 4] for i in range(len(padded) - 3)])
    return grams


def _column(gram: str) -> int:
    return zlib.crc32(gram.encode()) % N_HASHED


def _l2(matrix: sp.csr_matrix) -> sp.csr_matrix:
    norms = np.sqrt(np.asarray(matrix.multiply(matrix).sum(axis=1)).ravel())
    norms[norms == 0] = 1.0
    return sp.csr_matrix(sp.diags(1.0 / norms) @ matrix)


def _dense(a: Analysis) -> list[float]:
    scores = dict.fromkeys(IDS, 0.0)
    strong = dict.fromkeys(IDS, 0.0)
    offer = 0.0
    for hit in a.hits:
        if hit.role == "offer":
            offer += hit.weight
        elif hit.category is not None:
            scores[hit.category] += hit.weight
            if hit.weight >= STRONG:
                strong[hit.category] = 1.0
        else:  # a counter-word for every category: "police", "arrested", "researchers"
            for c in IDS:
                scores[c] += hit.weight
    kinds = {i.type for i in a.indicators}
    signals = {
        "offer_terms": offer,
        "price": float(bool(a.prices)),
        "quantity": float(a.quantity),
        "crypto_price": float(any(p.currency in ("BTC", "XMR", "USDT", "ETH", "LTC", "TRX")
                                  for p in a.prices)),
        "wallet": float(bool(kinds & WALLETS)),
        "onion": float(bool(kinds & {"onion", "onion_v2"})),
        "telegram_bot": float("telegram_bot" in kinds),
        "telegram": float("telegram" in kinds),
        "telegram_invite": float("telegram_invite" in kinds),
        "contact": float(bool(kinds & {"session_id", "tox", "xmpp", "wickr", "threema",
                                       "email", "phone"})),
        "card": float("card" in kinds),
        "url": float(bool(kinds & {"url", "domain"})),
    }
    return ([LEXICON_SCALE * min(scores[c], 3.0) for c in IDS]
            + [LEXICON_SCALE * strong[c] for c in IDS] + [min(signals[s], 3.0) for s in SIGNALS])
