"""Lexicons: the words, phrases and emoji that say what a message sells, per language.

One UTF-8 JSON file per language (``en.json``, ``ru.json``, ... named by the language
code), plus ``common.json`` for what every language uses verbatim (cvv, fullz, ddos,
tool and market names) and ``emoji.json`` for emoji slang::

    {"language": "ru",
     "terms":    [{"term": "кладмен", "category": "drugs", "weight": 1.0, "kind": "prefix"}],
     "offer":    [{"term": "в наличии", "weight": 0.7}],
     "negative": [{"term": "задержан", "category": null, "weight": -0.6, "kind": "prefix"}]}

- ``terms`` point at a category (the taxonomy ids): 1.0 for unambiguous trade slang,
  less for words that also occur in ordinary chat.
- ``offer`` entries say that a message offers something for sale (price, stock,
  contact, payment, shipping); they carry no category.
- ``negative`` entries are hard-negative context (arrests, news, research, warnings);
  their weight is below zero and their category is the one they counter, or null for
  all categories.

Terms are written in the matching form that ``bazaarwatch.text`` gives a message
(``fold``, then ``join_spaced`` and ``unleet``), lower-cased, so that a matcher compares
them as they are. ``kind`` is ``word`` (one token, whole), ``phrase`` (several tokens,
whole) or ``prefix`` (the start of a token: "заклад" covers "закладки", "закладку"; at
least five letters). It may be left out for ``word`` and ``phrase``, which follow from
the spaces in the term. Chinese and emoji have no spaces between words, so the matcher
(``bazaarwatch.classify.lexicon``) finds their terms anywhere. A specific form may sit
next to the prefix that covers it with a weight of its own ("закладки" 0.9 beside
"заклад" 0.7).

Every file is validated as it is loaded; a bad one raises ``LexiconError`` (a
``ValueError``) naming the file, the entry and what to fix. The shipped files are the
exception: the test suite validates each of them in full, and checking 15,000 terms
again (each one folded to prove it is in matching form) was most of ``classify``'s
start-up, so ``load_lexicons()`` reads them as they are.
"""

from __future__ import annotations

import json
import math
import unicodedata
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Final, Literal

import orjson

from bazaarwatch.classify.taxonomy import IDS
from bazaarwatch.errors import InputError
from bazaarwatch.text import fold, join_spaced, unleet
from bazaarwatch.text.homoglyphs import fold_homoglyphs
from bazaarwatch.text.invisible import remove_invisible

__all__ = [
    "CATEGORY_IDS",
    "DEFAULT_DIRECTORY",
    "LANGUAGES",
    "Kind",
    "LexiconEntry",
    "LexiconError",
    "Role",
    "load_lexicons",
    "matching_form",
]

Kind = Literal["word", "phrase", "prefix"]
Role = Literal["category", "offer", "negative"]

#: The category ids a term may point at: the taxonomy's.
CATEGORY_IDS: Final = frozenset(IDS)

#: Languages with a lexicon of their own; ``common`` and ``emoji`` hold the rest.
LANGUAGES: Final = ("en", "ru", "uk", "es", "pt", "de", "fr", "tr", "ar", "fa", "zh")

DEFAULT_DIRECTORY: Final = Path(__file__).resolve().parent

MIN_PREFIX_LETTERS: Final = 5

# The JSON section of each role, and the keys an entry of that role may have.
_SECTIONS: Final[dict[str, Role]] = {"terms": "category", "offer": "offer",
                                      "negative": "negative"}
_KEYS: Final[dict[Role, frozenset[str]]] = {
    "category": frozenset({"term", "category", "weight", "kind"}),
    "offer": frozenset({"term", "weight", "kind"}),
    "negative": frozenset({"term", "category", "weight", "kind"}),
}
_REQUIRED: Final[dict[Role, frozenset[str]]] = {
    "category": frozenset({"term", "category", "weight"}),
    "offer": frozenset({"term", "weight"}),
    "negative": frozenset({"term", "category", "weight"}),
}
_KINDS: Final = ("word", "phrase", "prefix")


class LexiconError(InputError, ValueError):
    """A lexicon file that cannot be used: not JSON, wrong shape, or a bad entry."""


@dataclass(frozen=True, slots=True)
class LexiconEntry:
    """One term of a lexicon, with what it says when it is found."""

    term: str
    category: str | None  # None for offer terms, and for negatives that counter all
    weight: float  # (0, 1] for category and offer terms, [-1, 0) for negatives
    kind: Kind
    language: str  # a code of LANGUAGES, or "common" or "emoji"
    role: Role


def matching_form(text: str) -> str:
    """``text`` as the matcher sees it: folded, spaced letters joined, leetspeak read,
    look-alikes folded once more (read leetspeak can mix scripts), lower case."""
    return fold_homoglyphs(fold(text).then(join_spaced).then(unleet).text).lower()


def load_lexicons(directory: Path | str | None = None) -> list[LexiconEntry]:
    """Every entry of every ``*.json`` lexicon in ``directory`` (the shipped ones by
    default), validated, in file order (files sorted by name).

    Raises ``LexiconError`` (a ``ValueError``) naming the file and the entry at fault.
    """
    folder = DEFAULT_DIRECTORY if directory is None else Path(directory)
    paths = sorted(folder.glob("*.json"))
    if not paths:
        raise LexiconError(str(folder), "no lexicon files (*.json) here",
                           hint="point at the folder that holds en.json, ru.json, ...")
    load = _load_shipped if folder == DEFAULT_DIRECTORY else load_file
    entries: list[LexiconEntry] = []
    for path in paths:
        entries.extend(load(path))
    return entries


def _load_shipped(path: Path) -> list[LexiconEntry]:
    """The entries of a shipped lexicon file, read without the checks: the same entries
    ``load_file`` gives for a valid file (the tests hold each shipped file to that).

    Read at every start, so read the fast way: ``orjson``, and the entries' fields given
    by position (term, category, weight, kind, language, role)."""
    data = orjson.loads(path.read_bytes())
    language = data["language"]
    return [LexiconEntry(term, item.get("category"), float(item["weight"]),
                         item.get("kind", "phrase" if " " in term else "word"), language, role)
            for section, role in _SECTIONS.items()
            for item in data.get(section, [])
            for term in (item["term"],)]


def load_file(path: Path) -> list[LexiconEntry]:
    """The validated entries of one lexicon file."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except UnicodeDecodeError as e:
        raise LexiconError(str(path), f"not UTF-8 ({e.reason} at byte {e.start})",
                           hint="save the file as UTF-8") from e
    except json.JSONDecodeError as e:
        raise LexiconError(str(path), f"not valid JSON: {e.msg}",
                           where=f"line {e.lineno}, column {e.colno}") from e
    if not isinstance(data, dict):
        raise LexiconError(str(path), "the file must hold one JSON object",
                           hint='{"language": ..., "terms": [...], "offer": [...], '
                                '"negative": [...]}')
    unknown = sorted(set(data) - {"language", *_SECTIONS})
    if unknown:
        raise LexiconError(str(path), f"unknown key(s) {', '.join(map(repr, unknown))}",
                           hint="a lexicon has language, terms, offer and negative")
    language = data.get("language")
    if language != path.stem:
        raise LexiconError(str(path), f"language is {language!r} but the file is named "
                           f"{path.name!r}", hint=f'set "language": "{path.stem}"')
    if "terms" not in data:
        raise LexiconError(str(path), 'no "terms" list')
    entries: list[LexiconEntry] = []
    seen: dict[tuple[str, str | None], str] = {}
    for section, role in _SECTIONS.items():
        items = data.get(section, [])
        if not isinstance(items, list):
            raise LexiconError(str(path), f'"{section}" must be a list')
        for i, item in enumerate(items):
            where = f"{section}[{i}]"
            entry = _entry(path, where, item, language, role)
            key = (entry.term, entry.category)
            if key in seen:
                raise LexiconError(str(path), f"duplicate term {entry.term!r} for category "
                                   f"{entry.category!r} (also at {seen[key]})", where=where,
                                   hint="keep one entry per term and category")
            seen[key] = where
            entries.append(entry)
    return entries


def _entry(path: Path, where: str, item: Any, language: str, role: Role) -> LexiconEntry:
    def fail(problem: str, hint: str | None = None) -> LexiconError:
        return LexiconError(str(path), problem, where=where, hint=hint)

    if not isinstance(item, dict):
        raise fail("an entry must be a JSON object")
    label = repr(item.get("term"))
    where = f"{where} {label}"
    unknown = sorted(set(item) - _KEYS[role])
    if unknown:
        raise fail(f"unknown key(s) {', '.join(map(repr, unknown))}",
                   f"an entry of this section has {', '.join(sorted(_KEYS[role]))}")
    missing = sorted(_REQUIRED[role] - set(item))
    if missing:
        raise fail(f"missing {', '.join(missing)}")
    term = item["term"]
    problem = _term_problem(term)
    if problem is not None:
        raise fail(*problem)

    category = item.get("category")
    if role == "category" and category not in CATEGORY_IDS:
        raise fail(f"unknown category {category!r}",
                   f"use a taxonomy id: {', '.join(sorted(CATEGORY_IDS))}")
    if role == "negative" and category is not None and category not in CATEGORY_IDS:
        raise fail(f"unknown category {category!r}",
                   "use a taxonomy id, or null to counter every category")

    weight = item["weight"]
    if isinstance(weight, bool) or not isinstance(weight, int | float) or \
            not math.isfinite(weight):
        raise fail(f"weight {weight!r} is not a number")
    if role == "negative" and not -1 <= weight < 0:
        raise fail(f"weight {weight} of a negative must be in [-1, 0)")
    if role != "negative" and not 0 < weight <= 1:
        raise fail(f"weight {weight} must be in (0, 1]",
                   "put counter-evidence in the negative section")

    implied: Kind = "phrase" if " " in term else "word"
    kind = item.get("kind", implied)
    if kind not in _KINDS:
        raise fail(f"unknown kind {kind!r}", "use word, phrase or prefix")
    if kind == "prefix":
        if sum(ch.isalpha() for ch in term) < MIN_PREFIX_LETTERS or not term[-1].isalnum():
            raise fail(f"prefix {term!r} is too short or does not end in a letter",
                       f"a prefix needs at least {MIN_PREFIX_LETTERS} letters; list the "
                       "word forms instead")
    elif kind != implied:
        raise fail(f"kind {kind!r} does not fit the term: a word has no space, "
                   "a phrase has one")
    return LexiconEntry(term=term, category=category, weight=float(weight), kind=kind,
                        language=language, role=role)


def _term_problem(term: Any) -> tuple[str, str] | None:
    """What is wrong with ``term`` as a matching-form term, and the fix; None if nothing."""
    if not isinstance(term, str) or not term:
        return f"term {term!r} is not a non-empty string", "write the term as a string"
    if term != term.strip() or "  " in term or any(ch in term for ch in "\t\n\r"):
        return (f"term {term!r} has spaces at its ends, doubled, or other whitespace",
                "use single spaces between words")
    if term != term.lower():
        return f"term {term!r} is not lower-case", f"write {term.lower()!r}"
    if not unicodedata.is_normalized("NFKC", term):
        return (f"term {term!r} is not NFKC-normalized",
                f"write {unicodedata.normalize('NFKC', term)!r}")
    if remove_invisible(term)[0] != term:
        return f"term {term!r} holds invisible characters", "remove them"
    if any("\ufe00" <= ch <= "\ufe0f" for ch in term):
        return (f"term {term!r} holds a variation selector",
                "drop U+FE0F: emoji match with or without it")
    form = matching_form(term)
    if form != term:
        return (f"term {term!r} is not in matching form (the text folding makes it "
                f"{form!r})", "write the term as the folding produces it")
    return None
