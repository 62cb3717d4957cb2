"""What the model sees of a message: hashed n-grams plus a few dense signals.

Hashed word (1-2) and character (4, within words) n-grams of the matching form make the
model multilingual by construction: no vocabulary to build, any script hashes alike, and
character n-grams carry inflections ("закладки", "закладку") and slang spellings.

A message has about a hundred n-grams, so making them one at a time (a string and a
CRC-32 call each, as this module once did) cost more than everything else the classifier
does. They are hashed a batch at a time with NumPy instead, straight from the code points
of all the batch's texts: a polynomial hash modulo 2**64 of the n-gram's code points
(no strings are made), mixed and cut to ``N_HASHED`` columns. ``ngrams`` and ``column``
define the same one n-gram at a time, for reading and for the tests. A model file holds
weights for these columns: one trained with another hashing must be trained again. No
scikit-learn at inference (80 MB of memory once imported); only training uses it.

The dense signals are what a lexicon or an indicator already knows: per-category lexicon
scores (counter-words subtract), the offer-cue score, and whether the message carries a
price, a wallet, an onion site, a bot or a contact. They are appended after the hashed
columns, so a column index says which kind of feature it is.

Messages are analysed a batch at a time (``Featurizer.analyze_all``): the text steps,
lexicon and price scans each go through the batch as one string, and the dense signals
are filled for the batch in one array; per message, the Python calls and objects cost
more than the work. ``_dense`` defines the signals one message at a time, for reading
and for the tests.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Sequence
from dataclasses import dataclass

import msgspec
import numpy as np
import scipy.sparse as sp

from bazaarwatch.classify.lexicon import Found, Hit, Lexicon, matching_forms
from bazaarwatch.classify.prices import Price, find_prices_all, has_quantity_all
from bazaarwatch.classify.taxonomy import IDS
from bazaarwatch.model import Indicator
from bazaarwatch.text import batch

HASH_BITS = 18
N_HASHED = 1 << HASH_BITS
LEXICON_SCALE = 1.0
WALLETS = frozenset({"btc", "eth", "xmr", "ltc", "trx", "doge", "bch"})
SIGNALS = ("offer_terms", "price", "quantity", "crypto_price", "wallet", "onion", "telegram_bot",
           "telegram", "telegram_invite", "contact", "card", "url", "counter", "title",
           "question", "obfuscated")
# Per category: the lexicon score (sum of weights, counter-words subtract), the best
# term's weight, and that weight again only in a title-length
# message and only next to a price, quantity or offer cue. A shop-bot menu line or a market
# title ("BLUE PERCOCET 30mg") has one term and no context, so the sum alone under-rates it;
# the title and offered copies let the model weigh one good term by where it stands, as
# news ("Police seize cocaine at port") carries the same term without a price.
# (A "strong term" flag once stood beside these; it only said what the best term's weight
# says, and the fitted model gave it negative weights that cancelled a good term.)
DENSE = (tuple(f"lexicon:{c}" for c in IDS) + tuple(f"top-term:{c}" for c in IDS)
         + tuple(f"title-term:{c}" for c in IDS)
         + tuple(f"offered-term:{c}" for c in IDS) + tuple(f"signal:{s}" for s in SIGNALS))
TITLE_WORDS = 12  # a listing title or a menu line, not a sentence of news or chat


class Analysis(msgspec.Struct, gc=False):
    """One message as the features saw it, kept for the evidence.

    ``signals`` holds a value per entry of ``DENSE`` (0: not set): a row of one array
    for the batch, from which the feature matrix takes them all at once.

    A batch's analyses outlive several collections of the garbage collector, which moves
    them to its oldest generation, and each full collection walks all of that again (see
    ``lexicon.Hit``). So the collector is kept away from them: an ``Analysis`` is not
    tracked (``gc=False``: it refers to strings, tuples, indicators and an array, never
    back to itself, so it can be in no reference cycle), and its sequences are tuples,
    which the collector stops tracking once it finds that they hold only strings and
    numbers (the empty tuple is one shared object)."""

    text: str
    matching: str
    hits: tuple[Hit, ...]
    prices: tuple[Price, ...]
    quantity: bool
    indicators: tuple[Indicator, ...]
    signals: np.ndarray


@dataclass
class Encoded:
    """A batch's feature matrix, and what names its hashed columns for the evidence."""

    matrix: sp.csr_matrix
    grams: _Grams

    def names(self, rows: np.ndarray, columns: np.ndarray) -> list[str]:
        """An n-gram of message ``rows[k]`` that lands in hashed column ``columns[k]``."""
        return self.grams.names(rows, columns)


class Featurizer:
    """Turns batches of messages into the model's sparse feature matrix."""

    def __init__(self, lexicon: Lexicon) -> None:
        self.lexicon = lexicon
        # Per lexicon entry (``Lexicon.said``): its category's index (-1: none), role
        # and weight, for the dense signals of a whole batch at once.
        self._category = np.array([-1 if c is None else _CATEGORY[c]
                                   for _, c, _, _ in lexicon.said], dtype=np.int64)
        self._role = np.array([_ROLES[r] for _, _, r, _ in lexicon.said], dtype=np.int8)
        self._weight = np.array([w for _, _, _, w in lexicon.said], dtype=np.float64)

    @property
    def n_features(self) -> int:
        return N_HASHED + len(DENSE)

    def analyze(self, text: str, indicators: Sequence[Indicator]) -> Analysis:
        """One message (``analyze_all`` does a batch several times faster)."""
        return self.analyze_all([text], [indicators])[0]

    def analyze_all(self, texts: Sequence[str],
                    indicators: Sequence[Sequence[Indicator]]) -> list[Analysis]:
        """Each message as the features see it. Lexicon hits and dense signals are
        worked out for the batch at once (``_dense`` defines them one message at a time)."""
        forms = matching_forms(texts)
        found = self.lexicon.find(texts, forms)
        prices = list(map(tuple, find_prices_all(texts)))
        quantity = has_quantity_all(texts)
        given = [tuple(i) for _, i in zip(texts, indicators, strict=True)]
        signals = self._signals(texts, found, prices, quantity, given)
        return list(map(Analysis, texts, [f.text for f in forms], found.hits, prices, quantity,
                        given, signals))

    def _signals(self, texts: Sequence[str], found: Found,
                 prices: Sequence[Sequence[Price]], quantity: Sequence[bool],
                 indicators: Sequence[Sequence[Indicator]]) -> list[np.ndarray]:
        """The dense signals of each message (``_dense`` gives the same, the non-zero
        ones, one message at a time): the rows of one array with a column per ``DENSE``
        entry, filled a block of columns at a time for the whole batch.

        Sums are ``bincount``s, which add the weights in the order given, as ``_dense``
        does hit by hit, so the values are the same to the last bit; every signal that
        ``_dense`` writes is not 0, and every other value is 0."""
        n, k = len(texts), len(IDS)
        rows, entries = found.rows, found.entries
        category, role, weight = (self._category[entries], self._role[entries],
                                  self._weight[entries])
        offers = role == _ROLES["offer"]
        scored = ~offers & (category >= 0)
        counters = ~offers & (category < 0)  # a counter-word counts for every category
        each = np.where(scored, 1, np.where(counters, k, 0))
        firsts = np.cumsum(each) - each
        within = np.arange(int(each.sum())) - np.repeat(firsts, each)
        cells = np.repeat(rows * k + np.where(scored, category, 0), each) + within
        scores = np.bincount(cells, np.repeat(weight, each), minlength=n * k).reshape(n, k)
        top = np.zeros((n, k))  # the best category term's weight (weights are above 0)
        best = scored & (role == _ROLES["category"])
        np.maximum.at(top, (rows[best], category[best]), weight[best])
        offer = np.bincount(rows[offers], weight[offers], minlength=n)
        counter = np.bincount(rows[counters], weight[counters], minlength=n)

        # At most TITLE_WORDS splits: all the words up to that many, or one piece more.
        title = np.array([len(t.split(None, TITLE_WORDS)) <= TITLE_WORDS for t in texts],
                         dtype=bool)
        priced = np.array([bool(p) for p in prices], dtype=bool)
        quantities = np.array(quantity, dtype=bool)
        values = np.zeros((n, len(DENSE)))
        values[:, :k] = LEXICON_SCALE * np.minimum(scores, 3.0)
        values[:, _TOP_AT:_TOP_AT + k] = top
        values[title, _TITLE_AT:_TITLE_AT + k] = top[title]
        offered = priced | quantities | (offer > 0)
        values[offered, _OFFERED_AT:_OFFERED_AT + k] = top[offered]
        values[:, _OFFER_TERMS] = np.minimum(offer, 3.0)
        values[:, _PRICE] = priced
        values[:, _QUANTITY] = quantities
        values[:, _CRYPTO_PRICE] = [any(p.currency in _CRYPTO for p in ps) for ps in prices]
        for row, found_here in enumerate(indicators):
            for indicator in found_here:
                column = _KIND_SIGNAL.get(indicator.type)
                if column is not None:
                    values[row, column] = 1.0
        values[:, _COUNTER] = np.maximum(counter, -3.0)
        values[:, _TITLE] = title
        values[:, _QUESTION] = ["?" in t for t in texts]
        values[_obfuscated_rows(texts), _OBFUSCATED] = 1.0

        return list(values)

    def matrix(self, analyses: Sequence[Analysis]) -> sp.csr_matrix:
        return self.encode(analyses).matrix

    def encode(self, analyses: Sequence[Analysis]) -> Encoded:
        """The feature matrix (one row per analysis; hashed counts scaled to unit length,
        then the dense signals), kept with the n-grams that name its columns."""
        grams = _Grams([a.matching for a in analyses])
        rows, columns, counts = grams.counts()
        norms = np.sqrt(np.bincount(rows, counts * counts, minlength=len(analyses)))
        hashed = (rows, columns, counts / norms[rows])
        signals = np.array([a.signals for a in analyses]).reshape(len(analyses), len(DENSE))
        at_rows, columns = np.nonzero(signals)
        dense = (at_rows, N_HASHED + columns, signals[at_rows, columns])
        return Encoded(_csr_rows(hashed, dense, (len(analyses), self.n_features)), grams)


_TOKEN = re.compile(r"\w+")
_WORD_MARK = "\x01"  # keeps a word apart from a 4-character piece of another word


def ngrams(matching: str) -> list[str]:
    """Words and word pairs (marked), and the 4-character pieces of " word ".

    The definition, one message at a time; ``_Grams`` makes the same for a batch."""
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


_BASE = 0x9E3779B97F4A7C15  # odd, so invertible modulo 2**64
_BASE_INVERSE = pow(_BASE, -1, 2**64)
_MIX = 0xBF58476D1CE4E5B9
_MASK = 2**64 - 1
_SPACE = ord(" ")


def column(gram: str) -> int:
    """The hashed column of one n-gram: ``_Grams`` computes the same for a whole batch."""
    h = 0
    for ch in gram:
        h = (h * _BASE + ord(ch)) & _MASK
    return _mixed(h)


def _mixed(h: int) -> int:
    """The top bits of the mixed hash (a polynomial hash's low bits see only the low
    bits of the code points)."""
    h ^= h >> 31
    return ((h * _MIX) & _MASK) >> (64 - HASH_BITS)


def _mixed_array(h: np.ndarray) -> np.ndarray:
    """``_mixed`` of each hash, in place (``h`` is a scratch array)."""
    h ^= h >> np.uint64(31)
    h *= np.uint64(_MIX)  # wraps modulo 2**64, as _mixed masks
    h >>= np.uint64(64 - HASH_BITS)
    return h.astype(np.int64)


def _powers(base: int, n: int, block: int = 1024) -> np.ndarray:
    """``base ** k`` modulo 2**64 for k below ``n``.

    A running product of ``n`` factors is one long chain of multiplications, each
    waiting for the one before; two short ones (the powers within a block, and those
    of the blocks) and their outer product make the same numbers faster (1.0 ms instead
    of 1.5 for the million code points of a batch of long posts)."""
    within = np.full(block, base, dtype=np.uint64)
    within[:1] = 1
    np.multiply.accumulate(within, out=within)
    blocks = np.full(-(-n // block), int(within[-1]) * base & _MASK, dtype=np.uint64)
    blocks[:1] = 1
    np.multiply.accumulate(blocks, out=blocks)
    return np.multiply.outer(blocks, within).ravel()[:n]


def _fours(code: np.ndarray) -> np.ndarray:
    """The polynomial hash of the four code points from each position (Horner's rule on
    whole slices: gathering the four of each window costs several times more)."""
    h = code[:-3] * np.uint64(_BASE)
    for k in (1, 2):
        h += code[k:k - 3]
        h *= np.uint64(_BASE)
    h += code[3:]
    return h


class _Grams:
    """The n-grams of a batch of matching forms, hashed all at once.

    The texts are joined by spaces into one array of code points in which every
    non-word character (``\\W``) is a space; a word is then a run of non-spaces, a
    4-character piece of " word " is a window whose two middle characters are in a
    word, and each n-gram is a span of that array. The polynomial hash of a span comes
    from prefix sums: with ``S[k]`` the sum of ``c[j] * B**-j`` for ``j < k``, the hash
    of ``c[s:e]`` is ``B**(e-1) * (S[e] - S[s])``, all modulo 2**64.
    """

    def __init__(self, texts: Sequence[str]) -> None:
        self.n_texts = len(texts)
        joined = " " + " ".join(texts) + " "
        points = batch.code_points(joined)
        word = batch.alnum(points) | (points == ord("_"))  # regex \w, as ``ngrams`` splits
        self.spaced = np.where(word, points, np.uint32(_SPACE))  # for naming n-grams
        code = self.spaced.astype(np.uint64)
        # The text each position of ``joined`` is in (a separator counts with the text
        # after it, the last space with the last text).
        sizes = [len(t) + 1 for t in texts]
        if sizes:
            sizes[-1] += 1
        text_at = np.repeat(np.arange(len(texts)), sizes)

        size = len(code)
        powers = _powers(_BASE, size + 1)
        inverse = _powers(_BASE_INVERSE, size)
        prefix = np.zeros(size + 1, dtype=np.uint64)
        np.cumsum(np.multiply(code, inverse, out=inverse), out=prefix[1:])

        # Words: "\x01word". Pairs: "\x01first second", within one text.
        edges = np.diff(word.astype(np.int8))
        first = np.flatnonzero(edges == 1) + 1
        last = np.flatnonzero(edges == -1) + 1
        length = last - first
        text_of = text_at[first]
        body = powers[last - 1] * (prefix[last] - prefix[first])
        words = powers[length] + body  # the mark (code point 1) in front
        same = text_of[1:] == text_of[:-1]
        second = length[1:][same]
        pairs = (words[:-1][same] * powers[second + 1] + _SPACE * powers[second]
                 + body[1:][same])
        # Pieces: every window of four whose middle two are word characters; a
        # one-letter word is its own piece, " x ".
        window = np.flatnonzero(word[1:-2] & word[2:-1])
        pieces = _fours(code)[window]
        single = first[length == 1]
        letters = ((_SPACE * _BASE & _MASK) + code[single]) * _BASE + _SPACE

        self.rows = np.concatenate([text_of, text_of[:-1][same],
                                    text_at[1:][window],
                                    text_of[length == 1]])
        self.columns = _mixed_array(np.concatenate([words, pairs, pieces, letters]))
        self.n_words = len(words) + len(pairs)
        self._bounds = (first, last, same, window, single)
        self._keys: np.ndarray | None = None
        self._source: np.ndarray | None = None

    def _spans(self, grams: np.ndarray) -> tuple[list[int], list[int]]:
        """Where each of ``grams`` (n-gram indices) begins and ends in ``spaced``; words
        and pairs (before ``n_words``) are read with one space between words, pieces as
        they are. Worked out only when ``names`` is asked (a batch in which no category
        needs the model's words, as a batch of news, never asks)."""
        first, last, same, window, single = self._bounds
        starts = np.concatenate([first, first[:-1][same], window, single - 1])
        ends = np.concatenate([last, last[1:][same], window + 4, single + 2])
        return starts[grams].tolist(), ends[grams].tolist()

    def counts(self) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Rows, columns and counts of the distinct (message, column) pairs, in order.

        The keys are sorted as values, 32-bit when they fit (several times faster than
        the order ``names`` needs, which it works out only when asked)."""
        keys = self.rows * N_HASHED + self.columns
        if self.n_texts <= 1 << (32 - HASH_BITS):
            keys = keys.astype(np.uint32)
        ordered = np.sort(keys)
        new = np.ones(len(ordered), dtype=bool)
        new[1:] = ordered[1:] != ordered[:-1]
        at = np.flatnonzero(new)
        distinct = ordered[at].astype(np.int64)
        counts = np.diff(np.append(at, len(ordered))).astype(np.float64)
        return distinct >> HASH_BITS, distinct & (N_HASHED - 1), counts

    def _sources(self) -> tuple[np.ndarray, np.ndarray]:
        """The distinct keys, in order, and for each an n-gram (an index) that has it:
        the first of its n-grams in ``argsort``'s order, which names them."""
        if self._keys is None or self._source is None:
            keys = self.rows * N_HASHED + self.columns
            order = np.argsort(keys)
            ordered = keys[order]
            new = np.ones(len(ordered), dtype=bool)
            new[1:] = ordered[1:] != ordered[:-1]
            at = np.flatnonzero(new)
            self._keys, self._source = ordered[at], order[at]
        return self._keys, self._source

    def names(self, rows: np.ndarray, columns: np.ndarray) -> list[str]:
        """The text of an n-gram of each (message, column) pair ("?" if it has none)."""
        distinct, source = self._sources()
        keys = np.asarray(rows, dtype=np.int64) * N_HASHED + np.asarray(columns, dtype=np.int64)
        at = np.minimum(np.searchsorted(distinct, keys), len(distinct) - 1)
        found = distinct[at] == keys
        spaced = self.spaced.tobytes().decode("utf-32-le")
        grams = source[at]
        names = []
        for ok, first, last, word in zip(found.tolist(), *self._spans(grams),
                                         (grams < self.n_words).tolist(), strict=True):
            if not ok:
                names.append("?")
            elif word:  # one space between words, whatever separated them
                names.append(" ".join(spaced[first:last].split()))
            else:
                names.append(spaced[first:last])
        return names


def _obfuscated_rows(texts: Sequence[str]) -> np.ndarray:
    """The rows of the texts that ``_OBFUSCATION`` finds something in, from the code
    points of the whole batch (a regular expression tried at every letter of long
    Cyrillic posts cost several per cent of ``classify``)."""
    joined, starts = batch.join(texts)
    points = batch.code_points(joined)
    latin = (points < 128) & ((points | 32) >= ord("a")) & ((points | 32) <= ord("z"))
    other = (points >= 0x370) & (points <= 0x4FF)  # Greek and Cyrillic
    mixed = (latin[:-1] & other[1:]) | (other[:-1] & latin[1:])
    hidden = ((points == 0xAD) | ((points >= 0x200B) & (points <= 0x200F))
              | ((points >= 0x2060) & (points <= 0x2064)) | (points == 0xFEFF))
    found = np.flatnonzero(mixed | hidden[:-1])
    return np.unique(np.searchsorted(np.array(starts), found, side="right") - 1)


def _csr_rows(hashed: tuple[np.ndarray, np.ndarray, np.ndarray],
              dense: tuple[np.ndarray, np.ndarray, np.ndarray],
              shape: tuple[int, int]) -> sp.csr_matrix:
    """A CSR matrix from two sets of (rows, columns, values), each ordered by row and
    column, the columns of the first all below those of the second: in each row the
    first set's entries, then the second's (what ``hstack`` does, without its cost)."""
    (h_rows, h_columns, h_values), (d_rows, d_columns, d_values) = hashed, dense
    h_per_row = np.bincount(h_rows, minlength=shape[0])
    d_per_row = np.bincount(d_rows, minlength=shape[0])
    indptr = np.zeros(shape[0] + 1, dtype=np.int64)
    np.cumsum(h_per_row + d_per_row, out=indptr[1:])
    # An entry moves past the other set's entries that come before it.
    h_at = np.arange(len(h_rows)) + (np.cumsum(d_per_row) - d_per_row)[h_rows]
    d_at = np.arange(len(d_rows)) + np.cumsum(h_per_row)[d_rows]
    indices = np.empty(indptr[-1], dtype=np.int32)
    data = np.empty(indptr[-1], dtype=np.float64)
    indices[h_at], indices[d_at] = h_columns, d_columns
    data[h_at], data[d_at] = h_values, d_values
    return sp.csr_matrix((data, indices, indptr), shape=shape)


_CATEGORY = {c: i for i, c in enumerate(IDS)}
_TOP_AT, _TITLE_AT, _OFFERED_AT = (k * len(IDS) for k in range(1, 4))
_SIGNAL = {s: 4 * len(IDS) + i for i, s in enumerate(SIGNALS)}
(_OFFER_TERMS, _PRICE, _QUANTITY, _CRYPTO_PRICE, _COUNTER, _TITLE, _QUESTION, _OBFUSCATED) = (
    _SIGNAL[s] for s in ("offer_terms", "price", "quantity", "crypto_price", "counter", "title",
                         "question", "obfuscated"))
#: The signals that say a message offers something for sale, besides an offer term in
#: words (``model.Classifier._gate``): without one, a message is no offer whatever its
#: score (length, a bot handle, a link or an emoji are no cue).
SALE_CUES = tuple(_SIGNAL[s] for s in ("price", "quantity", "wallet"))
# Obfuscation as sellers do it: a Latin letter beside a Cyrillic or Greek one inside a
# word ("Пpoдaм"), or invisible characters. Folding undoes both before the lexicons and
# n-grams see the text, so the fact is kept as a signal of its own: it marks about a third
# of real spam and few ordinary messages.
_OBFUSCATION = re.compile(r"[a-zA-Z][\u0370-\u03ff\u0400-\u04ff]|[\u0370-\u03ff\u0400-\u04ff]"
                          r"[a-zA-Z]|[\u00ad\u200b-\u200f\u2060-\u2064\ufeff]")
_CRYPTO = frozenset({"BTC", "XMR", "USDT", "ETH", "LTC", "TRX"})
# The signal column of each indicator type that has one.
_KIND_SIGNAL = {kind: _SIGNAL[name] for name, kinds in (
    ("wallet", WALLETS), ("onion", {"onion", "onion_v2"}), ("telegram_bot", {"telegram_bot"}),
    ("telegram", {"telegram"}), ("telegram_invite", {"telegram_invite"}),
    ("contact", {"session_id", "tox", "xmpp", "wickr", "threema", "email", "phone"}),
    ("card", {"card"}), ("url", {"url", "domain"}),
) for kind in kinds}
_ROLES = {"category": 0, "offer": 1, "negative": 2}


def _dense(text: str, hits: Sequence[Hit], prices: Sequence[Price], quantity: bool,
           indicators: Sequence[Indicator]) -> list[tuple[int, float]]:
    """The dense signals that are not zero: (index in ``DENSE``, value), in order.

    Their definition, one message at a time, for reading and for the tests:
    ``Featurizer._signals`` makes the same for a whole batch."""
    entries: list[tuple[int, float]] = []
    title = len(text.split()) <= TITLE_WORDS
    if hits:
        scores: dict[int, float] = {}  # by category index, those with a hit
        top: dict[int, float] = {}
        offer = counter = 0.0
        for _, category, role, weight, _, _, _ in hits:
            if role == "offer":
                offer += weight
            elif category is not None:
                i = _CATEGORY[category]
                scores[i] = scores.get(i, 0.0) + weight
                if role == "category" and weight > top.get(i, 0.0):
                    top[i] = weight
            else:  # a counter-word for every category: "police", "arrested", "researchers"
                counter += weight
                for i in range(len(IDS)):
                    scores[i] = scores.get(i, 0.0) + weight
        offered = bool(prices or quantity or offer > 0)
        for i, score in sorted(scores.items()):
            if score:
                entries.append((i, LEXICON_SCALE * min(score, 3.0)))
        for at, on in ((_TOP_AT, True), (_TITLE_AT, title), (_OFFERED_AT, offered)):
            if on:
                entries.extend((at + i, weight) for i, weight in sorted(top.items()))
        if offer:
            entries.append((_SIGNAL["offer_terms"], min(offer, 3.0)))
        if counter:
            entries.append((_SIGNAL["counter"], max(counter, -3.0)))
    if prices:
        entries.append((_SIGNAL["price"], 1.0))
    if quantity:
        entries.append((_SIGNAL["quantity"], 1.0))
    if prices and any(p.currency in _CRYPTO for p in prices):
        entries.append((_SIGNAL["crypto_price"], 1.0))
    if indicators:
        found = set()
        for indicator in indicators:
            if indicator.type in _KIND_SIGNAL:
                found.add(_KIND_SIGNAL[indicator.type])
        for column in sorted(found):
            entries.append((column, 1.0))
    if title:
        entries.append((_SIGNAL["title"], 1.0))
    if "?" in text:
        entries.append((_SIGNAL["question"], 1.0))
    if _OBFUSCATION.search(text):
        entries.append((_OBFUSCATED, 1.0))
    return sorted(entries)
