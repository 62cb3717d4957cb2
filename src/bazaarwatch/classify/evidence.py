"""The evidence of a verdict, written for people.

An analyst checks a verdict by reading its evidence, so each entry says, in words, what
in the message made it: "'закладки' (drugs term)", "'в наличии' (offer cue)", "price 10
USD", "bitcoin wallet". Each entry keeps the machine fields outside tools read (``kind``,
``term``, ``category``, ``role``, ``weight``, ``start``, ``end``, ``amount``,
``currency``) and adds ``says``, the line to show. The kinds:

* ``term``: a lexicon hit, as the whole word of the message it sits in (a prefix such as
  "заклад" shows "закладки"), one entry per term and category with the first span and a
  ``count`` when it occurs again;
* ``price``: one per amount and currency, when the message is an offer;
* ``indicator``: wallets, onion sites, bots, invite links and contacts the message
  carries (card and phone numbers masked);
* ``words``: for a category (or an offer) no term explains, the whole words behind the
  n-grams that pushed the model's score up most, so that an analyst always has
  something readable; hashed 4-character pieces ("tion") are mapped back to their word;
* ``feature``: the model features themselves (``lexicon:drugs``, ``signal:title``, n-gram
  pieces), only when asked for (``classify --debug``): they name the model's inside.

Evidence is shown and stored as it is, so no card, IBAN or phone number may be in it: a
text with a digit is cut from the message with those numbers masked (``mask_sensitive``
sees each number whole there, not just the piece a term covers). A price needs nothing:
no number that is part of one is a price. ``start``/``end`` are offsets into the message
text; ``text`` is that span (masked where it holds such a number).

Built for every flagged message at ingest, so the work is per hit and per verdict, and the
model's part is worked out for the whole batch at once and only where it is needed.
"""

from __future__ import annotations

import operator
import re
import unicodedata
from collections.abc import Sequence
from functools import lru_cache
from typing import TYPE_CHECKING, Any

from bazaarwatch.classify.prices import _QUANTITY
from bazaarwatch.classify.taxonomy import BY_ID
from bazaarwatch.indicators.redaction import mask_sensitive, redact

# The model's modules (NumPy, the lexicon automaton) load when evidence is made, not
# when a case's stored evidence is only shown (``says``).
if TYPE_CHECKING:
    import numpy as np

    from bazaarwatch.classify.features import Analysis, Encoded
    from bazaarwatch.text import Folded

_DIGIT = re.compile(r"\d")
WORD_LIMIT = 40  # a whole word longer than this is shown as the span the term covers
TOP_FEATURES = 5  # per category, the features that pushed it up most
WORDS = 3  # per category, the words shown for the model
INDICATORS = 5  # per verdict

# Characters inside a word as written: letters, digits, "_", combining marks (Arabic
# vowel signs, Devanagari) and the invisible characters obfuscation hides in words.
_INVISIBLE = frozenset("\u00ad\u200b\u200c\u200d\u2060\ufeff")

INDICATOR_SAYS = {
    "btc": "bitcoin wallet", "eth": "ethereum wallet", "xmr": "monero wallet",
    "ltc": "litecoin wallet", "trx": "tron wallet", "doge": "dogecoin wallet",
    "bch": "bitcoin cash wallet", "onion": "onion site", "onion_v2": "onion site (v2)",
    "telegram_bot": "Telegram bot", "telegram_invite":
    "Telegram invite link", "session_id": "Session messenger id", "tox": "Tox id",
    "xmpp": "XMPP (Jabber) address", "wickr": "Wickr id", "threema": "Threema id",
    "card": "card number", "iban": "bank account (IBAN)", "email": "email address",
    "phone": "phone number", "pgp": "PGP key",
}


_SIGNAL_SAYS = {
    "offer_terms": "sale wording (offer cues)", "price": "a price",
    "quantity": "a quantity (pcs, grams)", "crypto_price": "a price in cryptocurrency",
    "wallet": "a cryptocurrency wallet", "onion": "an onion site",
    "telegram_bot": "a Telegram bot (shop bot)", "telegram": "a Telegram link",
    "telegram_invite": "a Telegram invite link", "contact": "a contact (messenger, email, "
    "phone)", "card": "a card number", "url": "a web link",
    "counter": "words that speak against trade (news, police)",
    "title": "short, like a listing title or a shop bot's menu line",
    "question": "a question",
    "obfuscated": "disguised letters (mixed scripts, invisible characters)",
}
_DENSE_SAYS = {"lexicon": "{} terms (lexicon score)", "strong-term": "a term only {} uses",
               "top-term": "its strongest {} term", "title-term": "a {} term in a short line",
               "offered-term": "a {} term next to a price, quantity or offer cue"}


def label(category: str | None) -> str:
    """A category as people read it: "carding", "gift cards", "fake documents"."""
    if category is None:
        return "any category"
    known = BY_ID.get(category)
    return known.name.lower() if known else category


def _word_char(ch: str) -> bool:
    if ch.isalnum():
        return True
    if ch < "\x80":  # spaces and punctuation, most often
        return ch == "_"
    return ch in _INVISIBLE or unicodedata.category(ch)[0] == "M"


_WORD_RUN = re.compile(r"[\w\u00ad\u200b-\u200d\u2060\ufeff]+")


def whole_word(text: str, start: int, end: int) -> tuple[int, int]:
    """The span of the whole word(s) of ``text`` that ``text[start:end]`` is part of
    (the span itself if that word is longer than ``WORD_LIMIT``: hostile text)."""
    first = start
    while first and _word_char(text[first - 1]):
        first -= 1
        if end - first > WORD_LIMIT:
            return start, end
    last, limit, size = end, first + WORD_LIMIT, len(text)
    while last < size:  # a run of word characters at a time: most words end at once
        run = _WORD_RUN.match(text, last, limit + 1)
        if run is not None:
            last = run.end()
        elif unicodedata.category(text[last])[0] == "M":
            last += 1
        else:
            break
        if last > limit:
            return start, end
    return first, last


_EXPANDS: dict[str, bool] = {}


def _expands(term: str) -> bool:
    """Whether a term stands for a word (one with letters, in a script written with
    spaces); emoji and Chinese terms are shown as they matched."""
    known = _EXPANDS.get(term)
    if known is None:
        known = _EXPANDS[term] = any(ch.isalpha() for ch in term) and not any(
            "\u2e80" <= ch <= "\u9fff" or "\u0e00" <= ch <= "\u0e7f" for ch in term)
        if len(_EXPANDS) > 100_000:  # terms come from the lexicon: this never happens
            _EXPANDS.clear()
    return known


class _Cut:
    """Cuts spans from a message, masking card, IBAN and phone numbers when the span has
    a digit (the masked text is made once per message, when first needed)."""

    __slots__ = ("masked", "text")

    def __init__(self, text: str) -> None:
        self.text = text
        self.masked: str | None = None

    def __call__(self, start: int, end: int) -> str:
        piece = self.text[start:end]
        if _DIGIT.search(piece):
            if self.masked is None:
                self.masked = mask_sensitive(self.text)
            return self.masked[start:end]
        return piece


def _amount(value: float) -> str:
    return f"{value:,.0f}" if value == int(value) else f"{value:,.8f}".rstrip("0")


def verdict_evidence(analysis: Analysis, categories: Sequence[str], offer: bool,
                     model: list[dict[str, Any]] | None = None) -> list[dict[str, Any]]:
    """The evidence of one verdict: the terms of its ``categories`` (best first), then
    the offer cues and prices if it is an ``offer``, the indicators, then ``model``
    (``model_evidence``'s entries for this message)."""
    entries = _terms(analysis, categories, offer) if analysis.hits else []
    if offer and analysis.quantity and not analysis.prices and not any(
            e["role"] == "offer" for e in entries):
        entries.extend(_quantity(analysis.text))
    if offer and analysis.prices:
        text = analysis.text
        prices: dict[tuple[float, str], dict[str, Any]] = {}
        for p in analysis.prices:
            entry = prices.get((p.amount, p.currency))
            if entry is None:
                prices[p.amount, p.currency] = {
                    "kind": "price", "text": text[p.start:p.end],
                    "says": f"price {_amount(p.amount)} {p.currency}", "amount": p.amount,
                    "currency": p.currency, "start": p.start, "end": p.end}
            else:
                entry["count"] = entry.get("count", 1) + 1
        entries.extend(prices.values())
    if analysis.indicators:
        entries.extend(_indicators(analysis))
    if model:
        entries.extend(model)
    return entries


def _terms(analysis: Analysis, categories: Sequence[str], offer: bool) -> list[dict[str, Any]]:
    """The term entries of a verdict: offer cues if it is an offer, terms and
    counter-words of its categories; each as its whole word, once (the first span, and
    how many times it is there), none inside another of the same category and role
    ("for sale" says what "sale" would); the categories' terms first, then the offer
    cues, each in the order of the message."""
    text = analysis.text
    size = len(text)
    # (order, start, end, term, category, role, weight); order sorts by start, the
    # longest span first.
    found: list[_Found] = []
    counts: dict[tuple[str, str | None, str], int] = {}
    overlap, furthest = False, -1
    for term, category, role, weight, start, end, _ in analysis.hits:
        if not (offer if role == "offer" else category in categories):
            continue
        key = (term, category, role)
        if key in counts:
            counts[key] += 1
            continue
        counts[key] = 1
        # Most terms stand alone: a look at the characters on either side, no call.
        after = text[end] if end < size else " "
        before = text[start - 1] if start else " "
        if ((after.isalnum() or after == "_" or (after > "\x7f" and _word_char(after)))
                or (before.isalnum() or before == "_"
                    or (before > "\x7f" and _word_char(before)))) and _expands(term):
            start, end = whole_word(text, start, end)
        if start < furthest:
            overlap = True
        if end > furthest:
            furthest = end
        found.append(((start << 32) - end, start, end, term, category, role, weight))
    if overlap:  # some span may hold another: sort by start, then one sweep per group
        found.sort(key=_ORDER)
        reach: dict[tuple[str | None, str], int] = {}  # the furthest end, per group
        terms: list[_Found] = []
        cues: list[_Found] = []
        for each in found:
            group = (each[4], each[5])
            if each[2] > reach.get(group, -1):
                reach[group] = each[2]
                (cues if each[5] == "offer" else terms).append(each)
        found = terms + cues
    elif offer and len(found) > 1:  # in the order of the message (hits come by end)
        found = ([each for each in found if each[5] != "offer"]
                 + [each for each in found if each[5] == "offer"])
    masked: str | None = None
    entries = []
    words: set[tuple[str, str | None, str]] = set()
    for _, start, end, term, category, role, weight in found:
        word = text[start:end]
        if _DIGIT.search(word):
            masked = masked or mask_sensitive(text)
            word = masked[start:end]
        if len(found) > 1:
            same = (word.casefold(), category, role)
            if same in words:  # the same word elsewhere, found by another term
                continue
            words.add(same)
        suffix = _SUFFIX.get((category, role)) or _suffix(category, role)
        count = counts[term, category, role]
        if count > 1:
            entries.append({"kind": "term", "text": word,
                            "says": f"'{word}' ({suffix}, {count} times)", "term": term,
                            "category": category, "role": role, "weight": weight,
                            "start": start, "end": end, "count": count})
        else:
            entries.append({"kind": "term", "text": word, "says": f"'{word}' ({suffix})",
                            "term": term, "category": category, "role": role,
                            "weight": weight, "start": start, "end": end})
    return entries


_Found = tuple[int, int, int, str, str | None, str, float]
_ORDER = operator.itemgetter(0)


_SUFFIX: dict[tuple[str | None, str], str] = {}


def _suffix(category: str | None, role: str) -> str:
    """What a term of a category and role is: "carding term", "offer cue"."""
    if role == "offer":
        said = "offer cue"
    elif role == "negative":
        said = f"speaks against {label(category)}"
    else:
        said = f"{label(category)} term"
    if len(_SUFFIX) < 1000:
        _SUFFIX[category, role] = said
    return said


def _quantity(text: str) -> list[dict[str, Any]]:
    """The first amount of goods in an offer with no cue or price ("2 гр", "10 pills")."""
    found = _QUANTITY.search(text)
    if found is None:
        return []
    start, end = found.span()
    shown = _Cut(text)(start, end)
    return [{"kind": "quantity", "text": shown, "says": f"quantity '{shown}' (sale cue)",
             "role": "offer", "start": start, "end": end}]


def _indicators(analysis: Analysis) -> list[dict[str, Any]]:
    """The trade's indicators in a message (not plain web links), one per value."""
    seen: set[tuple[str, str]] = set()
    entries: list[dict[str, Any]] = []
    for indicator in analysis.indicators:
        says = INDICATOR_SAYS.get(indicator.type)
        if says is None:  # web links and domains: every kind of message has them
            continue
        key = (indicator.type, indicator.normalized)
        if key in seen:
            continue
        seen.add(key)
        shown = redact(indicator)
        entries.append({"kind": "indicator", "type": indicator.type, "text": shown.value,
                        "says": says, "start": indicator.start, "end": indicator.end})
        if len(entries) == INDICATORS:
            break
    return entries


def model_evidence(encoded: Encoded, aboves: Sequence[Sequence[int]],
                   analyses: Sequence[Analysis], weights: np.ndarray,
                   categories: Sequence[str], *,
                   debug: bool = False) -> dict[int, list[dict[str, Any]]]:
    """Per message with categories, the model's part of its evidence.

    By default, for each of its categories that no lexicon term of that category
    explains: the whole words behind the (up to five) n-grams that pushed the score up
    most (``words`` entries). An offer needs none: the classifier makes no offer without
    a sale cue (an offer term, a price, a quantity, a wallet), and each has an entry.
    With ``debug``, for every category, those five features themselves as well
    (``feature`` entries, the dense signals among them).

    The features are ranked for the whole batch at once: every (message, output) pair
    gets the entries of the message's row, and one sort orders them by pair, then by
    contribution. ``weights`` is features x outputs (the categories, then ``offer``)."""
    from bazaarwatch.classify.features import DENSE, N_HASHED

    unexplained = [(row, i) for row, above in enumerate(aboves) if above
                   for i in _unexplained(analyses[row], above, categories)]
    features: dict[int, list[dict[str, Any]]] = {}
    if debug:
        pairs = [(row, i) for row, above in enumerate(aboves) for i in above]
        rows, outputs, columns, contribution = _top(encoded, pairs, weights, hashed=False)
        names = iter(encoded.names(rows[columns < N_HASHED], columns[columns < N_HASHED]))
        for row, output, column, weight in zip(rows.tolist(), outputs.tolist(),
                                               columns.tolist(), contribution.tolist(),
                                               strict=True):
            name = next(names) if column < N_HASHED else DENSE[column - N_HASHED]
            shown = mask_sensitive(name) if _DIGIT.search(name) else name
            features.setdefault(row, []).append(
                {"kind": "feature", "feature": shown, "says": _feature_says(shown, column),
                 "category": categories[output], "weight": weight})
    if not unexplained:
        return features
    # The words: from the n-grams alone, for the outputs no term or cue explains.
    rows, outputs, columns, contribution = _top(encoded, unexplained, weights, hashed=True)
    words: dict[tuple[int, int], _Words] = {}
    messages: dict[int, _Message] = {}
    for row, output, name, weight in zip(rows.tolist(), outputs.tolist(),
                                         encoded.names(rows, columns), contribution.tolist(),
                                         strict=True):
        found = words.get((row, output))
        if found is None:
            message = messages.get(row)
            if message is None:
                message = messages[row] = _Message(analyses[row])
            found = words[row, output] = _Words(message, categories[output])
        found.add(name, weight)
    made: dict[int, list[dict[str, Any]]] = {}
    for (row, _), found in words.items():
        made.setdefault(row, []).extend(found.entries())
    for row, entries in made.items():
        if entries:
            features[row] = entries + features.get(row, [])  # words first, any features after
    return features


def _top(encoded: Encoded, pairs: Sequence[tuple[int, int]], weights: np.ndarray, *,
         hashed: bool) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """For each (message, output) pair, the (up to ``TOP_FEATURES``) features that pushed
    the output's score up most (only hashed n-grams if ``hashed``), by pair, best first:
    their rows, outputs, columns and contributions (rounded)."""
    import numpy as np

    from bazaarwatch.classify.features import N_HASHED

    pair_rows = np.array([row for row, _ in pairs], dtype=np.int64)
    pair_outputs = np.array([i for _, i in pairs], dtype=np.int64)
    matrix = encoded.matrix
    first = matrix.indptr[pair_rows]
    sizes = matrix.indptr[pair_rows + 1] - first
    pair = np.repeat(np.arange(len(pair_rows)), sizes)
    entry = np.arange(len(pair)) - np.repeat(np.cumsum(sizes) - sizes - first, sizes)
    columns = matrix.indices[entry]
    # weights holds a feature's weights for all outputs in one cache line
    contribution = matrix.data[entry] * weights[columns, pair_outputs[pair]]
    useful_mask = contribution > 0
    if hashed:
        useful_mask &= columns < N_HASHED
    useful = np.flatnonzero(useful_mask)
    # By pair, then largest contribution first: 1 / (1 + c) is in (0, 1) and falls as
    # c grows (one float sort is several times faster than a lexsort).
    order = useful[np.argsort(pair[useful] + 1.0 / (1.0 + contribution[useful]))]
    # The rank of each entry within its pair: keep the first few.
    starts = np.flatnonzero(np.diff(pair[order], prepend=-1))
    rank = np.arange(len(order)) - np.repeat(starts, np.diff(np.append(starts, len(order))))
    kept = order[rank < TOP_FEATURES]
    return (pair_rows[pair[kept]], pair_outputs[pair[kept]], columns[kept],
            contribution[kept].round(4))


def _unexplained(analysis: Analysis, above: Sequence[int],
                 categories: Sequence[str]) -> list[int]:
    """The categories of ``above`` with no lexicon term of their own in the message."""
    if not analysis.hits:
        return list(above)
    termed = {category for _, category, role, _, _, _, _ in analysis.hits
              if role == "category"}
    return [i for i in above if categories[i] not in termed]


def _feature_says(name: str, column: int) -> str:
    from bazaarwatch.classify.features import N_HASHED

    if column < N_HASHED:
        return f"n-gram '{name}'"
    kind, _, what = name.partition(":")
    if kind == "signal":
        return f"signal: {_SIGNAL_SAYS.get(what, what)}"
    return _DENSE_SAYS.get(kind, kind + ": {}").format(label(what))


class _Message:
    """One message as ``_locate`` reads it: its text in lower case and its matching
    form's offsets, each made once, when first needed."""

    __slots__ = ("form", "lowered", "matching", "text")

    def __init__(self, analysis: Analysis) -> None:
        self.text = analysis.text
        self.matching = analysis.matching
        self.lowered: str | None = None
        self.form: Folded | None = None

    def locate(self, gram: str) -> tuple[int, int] | None:
        """The span in the text of the first whole word(s) that hold ``gram``, or None.

        Looked for in the text in lower case first (the word as written, no offsets to
        map: most messages, and most words of an obfuscated one), then in the matching
        form, with its offsets mapped back to the text."""
        core = gram.strip()
        if not core or gram == "?":
            return None
        if self.lowered is None:
            self.lowered = self.text.lower()
        span = None
        if len(self.lowered) == len(self.text):
            span = _find(self.lowered, gram, core)
        if span is None:
            span = _find(self.matching, gram, core)
            if span is None:
                return None
            if self.matching != self.lowered:
                if self.form is None:
                    from bazaarwatch.classify.lexicon import matching_form

                    self.form = matching_form(self.text)
                span = self.form.original(*span)
        start, end = span
        if start >= end:
            return None
        return whole_word(self.text, start, end) if end - start <= WORD_LIMIT else span


def _find(text: str, gram: str, core: str) -> tuple[int, int] | None:
    """The first place in ``text`` where the n-gram ``gram`` (``core`` without its
    edge spaces) stands: a space at either end of a 4-character piece is the edge of
    its word, and the words of a pair may be apart by any non-word characters."""
    at = text.find(core)
    while at >= 0:
        end = at + len(core)
        if ((gram[0] != " " or not at or not _word_char(text[at - 1]))
                and (gram[-1] != " " or end == len(text) or not _word_char(text[end]))):
            return at, end
        at = text.find(core, at + 1)
    if " " not in core:
        return None
    found = _pair(core).search(text)  # a pair written apart by more than one space
    return found.span() if found is not None else None


class _Words:
    """The whole words of one message behind an output's top n-grams, one entry per
    word (or pair of words), best first, at most ``WORDS``."""

    __slots__ = ("category", "found", "message")

    def __init__(self, message: _Message, category: str) -> None:
        self.message = message
        self.category = category
        self.found: list[tuple[int, int, float]] = []

    def add(self, gram: str, weight: float) -> None:
        if len(self.found) == WORDS:
            return
        if self.found:  # a piece of a word already shown: nothing to look for
            text = self.message.lowered or ""
            core = gram.strip()
            if len(text) == len(self.message.text) and any(
                    core in text[first:last] for first, last, _ in self.found):
                return
        span = self.message.locate(gram)
        if span is None:
            return
        start, end = span
        if not any(ch.isalpha() for ch in self.message.text[start:end]):
            return  # a number alone ("5", "2") says nothing to a reader
        # A word pair and one of its words, or a piece of a word shown: one is enough.
        if not any(start < last and first < end for first, last, _ in self.found):
            self.found.append((start, end, weight))

    def entries(self) -> list[dict[str, Any]]:
        cut = _Cut(self.message.text)
        made = []
        for start, end, weight in self.found:
            text = cut(start, end)
            made.append({"kind": "words", "text": text,
                         "says": f"'{text}' (wording the model links to "
                                 f"{label(self.category)})",
                         "category": self.category, "weight": weight,
                         "start": start, "end": end})
        return made


@lru_cache(maxsize=1024)
def _pair(core: str) -> re.Pattern[str]:
    return re.compile(r"\W+".join(map(re.escape, core.split())))


# -- showing evidence ---------------------------------------------------------------------

def says(evidence: Sequence[dict[str, Any]], *, debug: bool = False,
         limit: int | None = None) -> list[str]:
    """The lines an analyst reads for a verdict's evidence, each once, in order: what
    ``verdict_evidence`` wrote in ``says``, or for evidence stored before it wrote any,
    the same made from the entry's fields. The model's features (``feature`` entries)
    only with ``debug``. At most ``limit`` lines."""
    lines: list[str] = []
    seen: set[str] = set()
    for entry in evidence:
        if not isinstance(entry, dict):
            continue
        kind = entry.get("kind")
        if kind == "feature" and not debug:
            continue
        line = entry.get("says")
        if not isinstance(line, str):
            line = _legacy(entry)
        if line is None or line in seen:
            continue
        seen.add(line)
        lines.append(line)
        if limit is not None and len(lines) >= limit:
            break
    return lines


def _legacy(entry: dict[str, Any]) -> str | None:
    """The line for an entry stored before entries carried one."""
    kind = entry.get("kind")
    if kind == "term" and isinstance(entry.get("text"), str):
        category = entry.get("category")
        said = _suffix(category if isinstance(category, str) else None,
                       str(entry.get("role") or "category"))
        return f"'{entry['text']}' ({said})"
    if kind == "price" and isinstance(entry.get("amount"), int | float):
        return f"price {_amount(float(entry['amount']))} {entry.get('currency', '')}".rstrip()
    if kind == "feature" and isinstance(entry.get("feature"), str):
        return f"model feature {entry['feature']} ({label(entry.get('category'))})"
    return None
