"""Lexicon matching: every term of every language in one Aho-Corasick automaton.

Terms are written in the matching form (``bazaarwatch.text``: folded homoglyphs, no
zero-width characters, spaced letters joined, leetspeak undone, lower case), so
"Пpoдaм з@клaдки" and "продам закладки" hit the same entries. Each hit is evidence: the
term, its category (or its role: an offer cue, or a counter-word that weakens a category
as "arrested" weakens drugs), its weight, and its span in the ORIGINAL text.

Word terms must stand alone (no letter or digit on either side), prefixes must start a
word ("заклад" finds "закладки"), and terms with no letters (emoji) match anywhere; so
do terms in scripts written without spaces (Chinese). An English term also finds its
other number ("csgo cheat" finds "CSGO CHEATS", see ``inflections``).
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

import ahocorasick
import numpy as np

from bazaarwatch.classify.lexicons import LexiconEntry, load_lexicons
from bazaarwatch.text import Folded, batch, join_spaced, unleet
from bazaarwatch.text.stepscan import fold_all

# One lexicon hit: (term, category, role, weight, start, end, text). ``category`` is None
# for offer cues and for counter-words of every category; ``role`` is "category", "offer"
# or "negative"; ``start`` and ``end`` are in the original text, and ``text`` is its span.
#
# A plain tuple, not a named tuple or a dataclass: a batch's hits live until its verdicts
# are made, long enough for the garbage collector to move them to its oldest generation,
# and every full collection then walks them again. The collector stops tracking a plain
# tuple of strings and numbers the first time it sees one (never a named tuple), so these
# cost it nothing after that; full collections were a seventh of ``classify``'s time.
Hit = tuple[str, str | None, str, float, int, int, str]


def matching_form(text: str) -> Folded:
    """The text as lexicons and the model see it, with offsets back to the original:
    ``fold(text).then(join_spaced).then(unleet).then(_lower)``."""
    return matching_forms([text])[0]


def matching_forms(texts: Sequence[str]) -> list[Folded]:
    """``matching_form`` of each text. Spaced letters and leetspeak are in few messages:
    the steps run on those that ``fold_all`` finds in the folded texts (they would give
    the others back as they are), and on a text that ``join_spaced`` changed, ``unleet``
    too; the batch is put in lower case with one call."""
    forms, spaced, leet = fold_all(texts)
    leet_set = set(leet)
    for row in spaced:
        joined = forms[row].then(join_spaced)
        if joined.text != forms[row].text:
            leet_set.add(row)  # the rows were found in the text before it was joined
        forms[row] = joined
    for row in leet_set:
        forms[row] = forms[row].then(unleet)
    return [form.same_offsets(lowered) for form, lowered in
            zip(forms, _lower_all([f.text for f in forms]), strict=True)]


def _lower(text: str) -> str:
    """Lower case, keeping one character for one so that offsets do not move."""
    lowered = text.lower()
    if len(lowered) != len(text):  # a rare letter whose lower case is longer ("İ")
        lowered = "".join(ch.lower() if len(ch.lower()) == 1 else ch for ch in text)
    return lowered


def _lower_all(texts: Sequence[str]) -> list[str]:
    """``_lower`` of each text, with one call for the batch when no letter's lower case
    is longer (no character's is shorter, so then every text keeps its length).
    ``text.batch.SEPARATOR`` is not cased, so each text's lower case is what it would
    be on its own (a Greek final sigma as well)."""
    joined, starts = batch.join(texts)
    lowered = joined.lower()
    if len(lowered) != len(joined):
        return [_lower(t) for t in texts]
    return [lowered[start:start + len(t)] for start, t in zip(starts, texts, strict=True)]


# Chinese, Japanese and Thai are written without spaces between words.
_SPACELESS = re.compile("[\u2e80-\u9fff\u0e00-\u0e7f]")


# Characters most matching forms are made of, the most frequent first (lower case):
# spaces; Russian and English letters taken in turn by their frequency, with the
# punctuation and digits of chat text and of marketplace titles ("a | b <c>") among
# them; then rarer signs, the Ukrainian letters, the batch separator, the characters of
# emoji sequences and the flags' letters. A character that no term starts with is
# looked for among all of the root's children before the automaton gives up, so every
# character that is common in a text has a place here, not only those that start terms.
_COMMON = (" \n"
           "оeаaеiиnтtнcрoсrвsкdлbпfдlуm,мu.з-p:б|k0я<h>ы2g1г4y5ь_w6ч3v7й8x9жzхjшqцю"
           "фщэъёіїєґ/()!?@#$%+*&'\"—–«»₽€£…•=[]~^`{};\\" + batch.SEPARATOR
           + "\u00a0\ufe0f\u200d"
           "🇸🇺🇦🇧🇬🇨🇷🇪🇲🇵🇳🇮🇱🇽🇫🇩🇴🇾🇭🇰🇹🇿🇯🇶🇻🇼")
_NEVER = "\uffff"  # a noncharacter: no text should hold it


# What an entry says, the first fields of its Hits: (term, category, role, weight).
_Said = tuple[str, str | None, str, float]
_ORDERING = -1  # the automaton's value for the keys that order the root (see __init__)


def _bounded(term: str) -> bool:
    """Whether ``term`` must stand alone or start a word: it has a letter, and no
    character of a script written without spaces."""
    return ((term[0].isalpha() or any(ch.isalpha() for ch in term))
            and _SPACELESS.search(term) is None)


_ENGLISH = ("en", "common")


def inflections(entries: Sequence[LexiconEntry]) -> list[LexiconEntry]:
    """The other number of each English term, as entries of their own: a lexicon lists
    "csgo cheat" and "fake members", and sellers write "CSGO CHEATS" and "fake member".

    A term's last word (of three letters or more, a to z) gets its plural ("cheat" ->
    "cheats", "proxy" -> "proxies", "pass" -> "passes"); a phrase's last word in the
    plural also gets its singular ("hacking tools" -> "hacking tool"). A single word is
    never made singular: the singular of a slang plural is often an ordinary word
    ("bars", "drops", "carts"). Category terms and counter-words ("raid" -> "raids")
    get them; offer cues are phrases ("dm to buy", "in stock") that have no plural. A
    form already in the lexicon keeps its own entries."""
    have = {e.term for e in entries}
    made: dict[tuple[str, str | None], LexiconEntry] = {}
    for e in entries:
        if e.role == "offer" or e.kind == "prefix" or e.language not in _ENGLISH:
            continue
        head, space, word = e.term.rpartition(" ")
        if len(word) < 3 or not (word.isascii() and word.isalpha()):
            continue
        for form in (_plural(word), _singular(word) if space else ""):
            term = head + space + form
            if form and term not in have and (term, e.category) not in made:
                made[term, e.category] = LexiconEntry(term, e.category, e.weight, e.kind,
                                                      e.language, e.role)
    return list(made.values())


def _plural(word: str) -> str:
    if word.endswith(("ss", "x", "z", "ch", "sh")):
        return word + "es"
    if word.endswith("s"):
        return ""  # already plural, or a word like "gas": left alone
    if word.endswith("y") and word[-2] not in "aeiou":
        return word[:-1] + "ies"
    return word + "s"


def _singular(word: str) -> str:
    if word.endswith("ies"):
        return word[:-3] + "y"
    if word.endswith(("sses", "xes", "ches", "shes")):
        return word[:-2]
    if word.endswith("s") and not word.endswith(("ss", "us", "is")):
        return word[:-1]
    return ""


@dataclass(frozen=True)
class Found:
    """The lexicon hits of a batch of messages, in message order and, within a message,
    in the order ``Lexicon.hits`` gives them (by end, as the automaton reports them,
    then in entry order)."""

    hits: list[tuple[Hit, ...]]  # per message
    rows: np.ndarray  # each hit's message
    entries: np.ndarray  # each hit's entry: an index in ``Lexicon.said``


class Lexicon:
    """The automaton over all entries; built once, matched against every batch.

    The automaton gives a term's number; arrays indexed by it say how long the term
    is, whether it is a word, and which of ``said`` are its entries and its prefix
    entries, so that the checks and the hits of a whole batch are made with a few NumPy
    operations instead of Python code for every match (several times faster)."""

    def __init__(self, entries: Iterable[LexiconEntry] | None = None) -> None:
        self.entries = list(load_lexicons() if entries is None else entries)
        self.entries += inflections(self.entries)
        self.automaton = ahocorasick.Automaton(ahocorasick.STORE_INTS)
        # One entry per (term, category, role): a spelling shared by two languages (Russian
        # and Ukrainian, Spanish and Portuguese) counts once, at its highest weight.
        merged: dict[tuple[str, str | None, str], LexiconEntry] = {}
        for entry in self.entries:
            key = (entry.term, entry.category, entry.role)
            kept = merged.get(key)
            if kept is None or abs(entry.weight) > abs(kept.weight):
                merged[key] = entry
        by_term: dict[str, list[LexiconEntry]] = {}
        for entry in merged.values():
            by_term.setdefault(entry.term, []).append(entry)
        # pyahocorasick finds a character among a node's children one by one, in the
        # order they were added. The root has hundreds (every script, every emoji), and
        # most characters of a message are looked up there: adding the ones chat text is
        # mostly made of first, as the start of a key no text holds, keeps that short.
        for ch in _COMMON:
            self.automaton.add_word(ch + _NEVER, _ORDERING)
        terms = list(by_term)
        for number, term in enumerate(terms):
            self.automaton.add_word(term, number)
        self.automaton.make_automaton()
        # What each entry says (the first fields of its hits), each term's entries
        # together. ``_group`` lists entry numbers: every entry in order, then the
        # prefix entries; a term's entries are ``_all[t]`` (where they start in it and
        # how many), its prefix entries ``_prefixes[t]``. Made with comprehensions and
        # NumPy rather than a loop over terms: it is built at every start.
        ordered = [entry for group in by_term.values() for entry in group]
        self.said: list[_Said] = [(e.term, e.category, e.role, e.weight) for e in ordered]
        self._sizes = np.fromiter(map(len, terms), dtype=np.int64, count=len(terms))
        self._bounded = np.fromiter(map(_bounded, terms), dtype=bool, count=len(terms))
        counts = np.fromiter(map(len, by_term.values()), dtype=np.int64, count=len(terms))
        prefix = np.fromiter((e.kind == "prefix" for e in ordered), dtype=bool,
                             count=len(ordered))
        prefix_counts = np.bincount(np.repeat(np.arange(len(terms)), counts)[prefix],
                                    minlength=len(terms))
        self._group = np.concatenate([np.arange(len(ordered)), np.flatnonzero(prefix)])
        self._all = (np.cumsum(counts) - counts, counts)
        self._prefixes = (len(ordered) + np.cumsum(prefix_counts) - prefix_counts,
                          prefix_counts)
        batch.alnum_table()  # built now, not in the first batch

    def hits(self, text: str, matching: Folded | None = None) -> tuple[Hit, ...]:
        """Every lexicon hit in ``text`` (give its ``matching_form`` if already made)."""
        form = matching if matching is not None else matching_form(text)
        return self.find([text], [form]).hits[0]

    def find(self, texts: Sequence[str], forms: Sequence[Folded]) -> Found:
        """Every lexicon hit in each of ``texts``, given their matching forms.

        The forms are joined into one string (``text.batch``) that the automaton goes
        through once, and the matches are checked and made into hits for the whole
        batch at once. The separator is in no term, so no hit spans two messages, and it
        is neither a letter nor a digit, so the ends of a message need no test of their
        own."""
        n = len(texts)
        joined, starts = batch.join([f.text for f in forms])
        found = list(self.automaton.iter(joined))  # (end - 1, term number) pairs
        matches = np.fromiter(itertools.chain.from_iterable(found), dtype=np.int64,
                              count=2 * len(found)).reshape(-1, 2)
        matches = matches[matches[:, 1] != _ORDERING]
        if not len(matches):
            return Found([()] * n, np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.int64))
        last, term = matches[:, 0], matches[:, 1]
        start, end = last - self._sizes[term] + 1, last + 1
        # A word may have no letter or digit before it, and none after it unless the
        # entry is a prefix.
        points = batch.code_points(joined)
        bounded = self._bounded[term]
        after = bounded & batch.alnum(points[end])
        kept = ~(bounded & batch.alnum(points[start - 1]))
        first = np.where(after, self._prefixes[0][term], self._all[0][term])
        count = np.where(after, self._prefixes[1][term], self._all[1][term]) * kept
        # One hit per entry of each kept match, in entry order.
        match = np.repeat(np.arange(len(term)), count)
        entries = self._group[np.repeat(first - np.cumsum(count) + count, count)
                              + np.arange(len(match))]
        # Each hit's message, and its span in that message's matching form, then in the
        # message (the same but where a step moved offsets, in few messages).
        bases = np.array(starts, dtype=np.int64)
        rows = np.searchsorted(bases, start[match], side="right") - 1
        at = rows.tolist()
        begins = (start[match] - bases[rows]).tolist()
        ends = (end[match] - bases[rows]).tolist()
        moved = [row for row, form in enumerate(forms) if form.moved]
        for k in np.flatnonzero(np.isin(rows, moved)).tolist():
            begins[k], ends[k] = forms[at[k]].original(begins[k], ends[k])
        said = self.said
        made: list[Hit] = [said[entry] + (begin, finish, texts[row][begin:finish])
                           for row, entry, begin, finish in zip(at, entries.tolist(), begins,
                                                                ends, strict=True)]
        bounds = np.searchsorted(rows, np.arange(n + 1)).tolist()
        return Found([tuple(made[a:b]) for a, b in itertools.pairwise(bounds)], rows, entries)
