"""Bot networks and franchises: the same offer template posted by several shops.

The "Televend" pattern is one operator behind many vendor-branded shops: every shop's
posts and every shop bot's greeting are the same text with the shop's own name, prices,
cities, handles and links filled in. So each offer and each bot message is reduced to its
*skeleton* (``skeleton``: the variable parts masked), and skeletons are grouped. This
extends ``classify.chats.skeleton``, which folds a chat's reposts by dropping digits,
links and handles: here they stay as masks (``<price>``, ``<handle>``...) that a person
can read, and prices, quantities, addresses and shop names are told apart.

- identical skeletons are counted once (a dict of their hashes), so a template reposted a
  thousand times costs one entry, and a few numbers in arrays per message; texts that
  differ only in digits and handles (most posts of a template) are not even masked
  twice;
- near-identical ones (a city or a product word changed) are clustered with MinHash LSH
  over 3-word shingles: datasketch's MinHash scheme (its affine 32-bit permutations and
  seed) and its LSH band parameters for ``THRESHOLD``, computed in numpy over all
  skeletons at once (datasketch's own ``MinHashLSH`` keeps a Python set per bucket: 0.9 GB
  and a minute for 200,000 skeletons, measured); each candidate pair is kept only when its
  estimated Jaccard similarity reaches ``THRESHOLD``, and clusters are the connected
  components of the kept pairs.

A cluster is a *network* when it spans two chats, or two posters, or two shop bots: a
shop reposting its own template in its own channel is not one. A network of bots' own
messages (the shop bots' greetings and menus in their bot chats) joins the network whose
posts advertise those bots: the shops' posts and their bots' menus are two templates of
one operator (``_merge_menus``).

Legitimate look-alikes (a florist bot's "Catalog / Balance" menu in two flower shops, a
pizza chain's posts in three channels) stay out: a cluster is reported only when most of
its messages are illicit. A message is illicit when the classifier gave it a category;
one without any (a bot's greeting rarely says what the shop sells) counts as its chat
does: illicit when most of that chat's offers and bot messages have a category.
"""

from __future__ import annotations

import hashlib
import re
import zlib
from array import array
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from itertools import islice
from typing import Any

import numpy as np
import numpy.typing as npt
from datasketch import MinHash, MinHashLSH

from bazaarwatch.classify.taxonomy import IDS
from bazaarwatch.indicators.redaction import mask_sensitive
from bazaarwatch.intel.bots import advertised_bots
from bazaarwatch.intel.posters import ChatNames, iso, poster
from bazaarwatch.model import Chat
from bazaarwatch.store.market import Record

THRESHOLD = 0.6  # estimated Jaccard similarity of two skeletons' shingles to join them
NUM_PERM = 64
SHINGLE = 3  # words
MIN_WORDS = 10  # words a skeleton needs that start with a letter (masks, numbers, signs,
# emoji do not count): shorter ones collide by chance
ILLICIT_SHARE = 0.5  # of a cluster's messages, and of a chat's offers and bot messages
TEXT_CAP = 2000  # characters of a message that its skeleton is made of
SHOWN = 500  # characters of a skeleton or an example in a result
TOKEN_CAP = 300  # words of a skeleton that are shingled
MAX_SKELETONS = 250_000  # distinct skeletons kept (about 1 KB each at most)
SEEN_CACHED = 1 << 17  # forms of texts whose skeleton is remembered (about 13 MB)
EXAMPLE_CAP = SHOWN + 60  # characters of an example kept: a card or IBAN across SHOWN is
# kept whole, so that it is masked whole before the example is cut
HANDLES_CAP = 4  # bot handles kept per message
BUTTONS_CAP = 16  # button labels of a bot message added to its skeleton
_BATCH = 4096  # new skeletons signed together
_ROWS = 64  # skeletons whose shingles are permuted at once (small enough for the cache)
_SEED = 1

# -- skeletons ---------------------------------------------------------------------------------

_INVISIBLE = re.compile("[\u00ad\u200b-\u200f\u2060\ufe0e\ufe0f\ufeff\U0001f3fb-\U0001f3ff]")
# "@name" (a handle) or "name@host.tld" (an e-mail): found from the "@", which is rare.
_AT = re.compile(r"@[\w-]+(?:\.[\w-]+)*")
_LINK_MARKS = ("://", "www.", "t.me/", "telegram.me/", "telegram.dog/", ".onion")
# The word that holds a link mark, tried from the start of words only.
_LINK = re.compile(r"(?<!\S)\S*?(?:://|www\.|t\.me/|telegram\.(?:me|dog)/|\.onion)\S*")
_SHOP_WORDS = ("shop", "store", "market", "магазин", "маркет", "шоп", "welcome", "пожаловать")
_SHOP_KEY = re.compile(r"shop|store|market|магазин|маркет|шоп|welcome to|пожаловать в")
_CAPITALISED = r"[A-ZА-ЯЁІЇЄ][\w&'’.-]*"
_QUOTED = r"[«\"“„'][^»\"”“'\n]{1,40}[»\"”“']"
_NAME_BEFORE = re.compile(rf"(?:{_QUOTED}\s*|(?:{_CAPITALISED}\s+){{1,3}})(?:[—–-]\s+)?\Z")
_NAME_AFTER = re.compile(rf"\w*\s+(?:{_QUOTED}|{_CAPITALISED}(?:\s+{_CAPITALISED})?)")
# A long run of letters and digits mixed: a wallet, a key, a hash, an order code.
_ADDRESS = re.compile(r"\W*(?=[a-z]*\d)(?=\d*[a-z])[a-z0-9]{20,}\W*")
_ADDRESS_MASK = "<address>"
_DIGIT = re.compile(r"\d")
_DIGITS = re.compile(r"\d+")
_HANDLE = re.compile(r"@\w+")
_AMOUNT = r"\d{1,3}(?: \d{3})+(?:[.,]\d+)?|\d+(?:[.,]\d+)?"
_CURRENCY = (r"[$€£₽₴₸¥₿]|usdt|usd|eur|euro|btc|ltc|xmr|eth|trx|ton|rub|руб\w*|р\b|грн|uah"
             r"|тг|kzt|gbp|евро|доллар\w*|бакс\w*|dollars?")
_UNIT = (r"g|gr|grams?|mg|mcg|kg|oz|lb|ml|pills?|tabs?|caps?|pcs|шт|штук|г|гр|грамм\w*|кг|мг"
         r"|мл|таб\w*")
# One scan of the lower-cased text for every masked number; the look-ahead turns away the
# positions where none can start, and a number is read once whatever follows it.
# (``classify.prices`` finds prices with their amounts for a batch of texts and checks
# them against card numbers; masking needs neither.)
_NUMBERS = re.compile(
    r"(?=[\d+$€£₽₴₸¥₿])(?:"
    r"(?P<phone>\+\d[\d ().-]{6,14}\d)"
    r"|(?P<date>\d{1,4}[./-]\d{1,2}[./-]\d{1,4}\b)"
    r"|(?P<time>\d{1,2}:\d{2}(?::\d{2})?\b)"
    rf"|(?P<price>[$€£₽₴₸¥₿] ?(?:{_AMOUNT}))"
    rf"|(?:{_AMOUNT})(?: ?(?:k|к|тыс\.?|m|млн)? ?(?P<currency>{_CURRENCY})(?!\w)"
    rf"| ?(?P<qty>{_UNIT})(?!\w))?)")
_MASKS = {"phone": " <phone> ", "date": " <date> ", "time": " <time> ", "price": " <price> ",
          "currency": " <price> ", "qty": " <qty> "}


def skeleton(text: str) -> str:
    """The offer with its variable parts masked, in lower case: links and onions
    (``<link>``), e-mails (``<email>``), @handles (``<handle>``), wallets and other long
    codes (``<address>``), shop names where they can be told (a quoted or capitalised name
    next to "shop", "store", "market", "магазин", or after "welcome to": ``<shop>``),
    phones, prices, quantities, dates, times and every other number. Emoji variation
    selectors, skin tones and invisible characters are dropped and white space collapsed,
    so that a template reposted by another shop with its own prices and contacts has the
    same skeleton."""
    return " ".join(_words(text))


def _words(text: str) -> list[str]:
    """The words of ``skeleton(text)``. Each step runs only when a cheap test says it can
    find something: this runs for every offer of a case."""
    text = text[:TEXT_CAP]
    if not text.isascii():
        text = _INVISIBLE.sub("", text)
    if "@" in text:
        text = _at_masked(text)
    low = text.lower()
    if len(low) == len(text) and any(w in low for w in _SHOP_WORDS):
        low = _shop_masked(text, low)
    if any(mark in low for mark in _LINK_MARKS):
        low = _LINK.sub("<link>", low)
    words = low.split()
    if _DIGIT.search(low) is not None:
        if any(len(w) >= 20 for w in words):
            words = [_ADDRESS_MASK if len(w) >= 20 and _ADDRESS.fullmatch(w) else w
                     for w in words]
        words = _NUMBERS.sub(_number_mask, " ".join(words)).split()
    return words


def _seen_form(text: str) -> str:
    """``text`` without its digits and handles: what changes most between the posts of
    one template. Texts of one form share the skeleton computed for the first of them
    (which is cheaper to find: this costs a fifth of ``skeleton``)."""
    text = _DIGITS.sub("", text[:TEXT_CAP])
    return _HANDLE.sub("", text) if "@" in text else text


def _at_masked(text: str) -> str:
    """``text`` with its e-mails and @handles masked."""
    parts, done = [], 0
    for match in _AT.finditer(text):
        start = match.start()
        while start > done and (text[start - 1].isalnum() or text[start - 1] in "._+-"):
            start -= 1
        email = start < match.start() and "." in match.group()
        parts += [text[done:start], " <email> " if email else " <handle> "]
        done = match.end()
    return "".join(parts) + text[done:]


def _shop_masked(text: str, low: str) -> str:
    """``low`` (``text`` in lower case, of the same length) with the shop names next to
    its shop words masked, told from the capitals of ``text``."""
    spans = []
    for key in _SHOP_KEY.finditer(low):
        start, end = key.span()
        if start and text[start - 1] in "/._":
            continue  # of a link or a file name
        if not key.group().startswith(("welcome", "пожаловать")):
            if start and text[start - 1].isalnum():  # "NightMarket", "SnowShop"
                while start and text[start - 1].isalnum():
                    start -= 1
                while end < len(text) and text[end].isalnum():
                    end += 1
                if not start or text[start - 1] not in "/._":  # not of a link
                    spans.append((start, end))
                continue
            before = _NAME_BEFORE.search(text, max(0, start - 80), start)
            if before is not None:
                spans.append(before.span())
        after = _NAME_AFTER.match(text, end)
        if after is not None:
            spans.append((end, after.end()))
    parts, done = [], 0
    for start, end in sorted(spans):
        if start >= done:
            parts += [low[done:start], " <shop> "]
        done = max(done, end)  # overlapping names are one
    return "".join(parts) + low[done:]


def _number_mask(match: re.Match[str]) -> str:
    return _MASKS.get(match.lastgroup or "", " <num> ")


# -- the pass ----------------------------------------------------------------------------------

_BIT = {c: 1 << i for i, c in enumerate(IDS)}
_LETTER = re.compile(r"[^\W\d_]")


class Networks:
    """Accumulates skeletons of offers and bot messages (``add``), then clusters them and
    reports the illicit clusters that span chats, posters or bots (``result``).

    Per message it keeps numbers only (skeleton, rowid, date, chat, poster, categories as
    bits, bot handles), in arrays; per distinct skeleton the text of its first message,
    cut to ``EXAMPLE_CAP`` (the example, whose skeleton is the one shown), and its MinHash
    signature."""

    def __init__(self, chats: Mapping[str, Chat]) -> None:
        self._chats = chats
        self._skeletons: dict[int, int] = {}  # hash of a skeleton -> its index
        self._seen: dict[int, int] = {}  # hash of a text's _seen_form -> its skeleton
        self._examples: list[bytes] = []  # per skeleton: its first message, cut
        self._signatures = _Signatures()
        self._skeleton_of = array("i")
        self._rowids = array("q")
        self._dates = array("q")
        self._chat_of = array("i")
        self._poster_of = array("i")
        self._bits = array("i")
        self._starts = array("i", [0])  # message i's bot handles: _handles[_starts[i]:...]
        self._handles = array("i")
        self._chat_ids: dict[str, int] = {}
        self._poster_ids: dict[str, int] = {}
        self._handle_ids: dict[str, int] = {}
        # Per chat: its offers and bot messages, and how many of them have a category.
        self._candidates: Counter[str] = Counter()
        self._illicit: Counter[str] = Counter()
        self._networks: list[_Network] = []
        self._chat_name = ChatNames(chats)

    def add(self, record: Record) -> None:
        """Keep ``record`` when it is an offer or a bot's message with enough words."""
        if not record.text:
            return
        chat = self._chats.get(record.chat_id)
        bot = _is_bot_message(record, chat)
        if not (record.offer or bot):
            return
        self._candidates[record.chat_id] += 1
        if record.categories:
            self._illicit[record.chat_id] += 1
        text = record.text
        if bot and record.buttons:
            text = f"{text[:TEXT_CAP]}\n{_labels(record.buttons)}"
        seen = hash(_seen_form(text))
        index = self._seen.get(seen)
        if index is None:
            index = self._skeleton_index(text, record.text, seen)
        if index < 0:
            return
        # Whoever posted it here: a channel forwarding its own old posts is one poster.
        who = poster(record, chat) or f"chat:{record.chat_id}"
        self._skeleton_of.append(index)
        self._rowids.append(record.rowid)
        self._dates.append(record.date)
        self._chat_of.append(_intern(self._chat_ids, record.chat_id))
        self._poster_of.append(_intern(self._poster_ids, who))
        bits = 0
        for category in record.categories:
            bits |= _BIT.get(category, 0)
        self._bits.append(bits)
        for handle in advertised_bots(record)[:HANDLES_CAP]:
            self._handles.append(_intern(self._handle_ids, handle))
        self._starts.append(len(self._handles))

    def _skeleton_index(self, text: str, raw: str, seen: int) -> int:
        """The index of the skeleton of ``text`` (a new one is kept with ``raw``, the
        message's own text, as its example), remembered for ``seen``; -1 for too few
        words."""
        if len(self._seen) >= SEEN_CACHED:
            self._seen.clear()
        words = _words(text)
        if not _wordy(words):
            self._seen[seen] = -1
            return -1
        shape = " ".join(words)
        index = self._skeletons.get(hash(shape))
        if index is None:
            if len(self._examples) >= MAX_SKELETONS:
                return -1  # memory stays bounded; the first ones seen are clustered
            index = self._skeletons[hash(shape)] = len(self._examples)
            self._examples.append(raw[:EXAMPLE_CAP].encode())
            self._signatures.add(words[:TOKEN_CAP])
        self._seen[seen] = index
        return index

    def result(self, bots: list[dict[str, Any]]) -> list[dict[str, Any]]:
        """The networks, biggest first, as ``bazaarwatch networks --json`` prints them
        (with ``posters`` and ``why`` after the contract's keys). ``bots`` is the bots
        pass's result: its shop bots name the networks' bots."""
        self._networks = []
        if not self._rowids:
            return []
        component = _components(self._signatures.matrix())
        cluster = component[np.frombuffer(self._skeleton_of, dtype=np.int32)]
        advertised, written = self._shop_bots(cluster, bots, np.bincount(cluster) >= 2)
        bot_of = {c: advertised.get(c, set()) | written.get(c, set())
                  for c in advertised.keys() | written.keys()}
        groups = _merge_menus(self._kept(cluster, bot_of), advertised, written)
        if not groups:
            return []
        network_of = np.full(len(component), -1, dtype=np.int64)
        for n, group in enumerate(groups):
            network_of[group] = n
        label = network_of[cluster]
        order = np.argsort(label, kind="stable")
        order = order[label[order] >= 0]
        bounds = np.cumsum(np.bincount(label[order], minlength=len(groups)))
        taken: set[str] = set()
        for group, where in zip(groups, np.split(order, bounds[:-1]), strict=True):
            names = sorted({str(bots[i]["username"]) for c in group for i in bot_of.get(c, ())})
            network = self._network(where, names)
            if network.data["id"] in taken:  # two examples cut to one skeleton: rare
                network.data["id"] += f"-{len(taken)}"
            taken.add(network.data["id"])
            self._networks.append(network)
        self._networks.sort(key=lambda n: (-n.data["messages"], -len(n.data["chats"]),
                                           n.data["id"]))
        return [n.data for n in self._networks]

    def members(self) -> dict[str, list[int]]:
        """Network id -> the rowids of its messages (after ``result``)."""
        return {n.data["id"]: n.rows for n in self._networks}

    def _shop_bots(self, cluster: npt.NDArray[np.int64], bots: Sequence[Mapping[str, Any]],
                   multi: npt.NDArray[np.bool_]
                   ) -> tuple[dict[int, set[int]], dict[int, set[int]]]:
        """Cluster -> indexes in ``bots`` of the shop bots its messages advertise (a bot
        handle in the text, the inline bot, a link button), and of those that wrote them
        (a bot's ``senders``), for the clusters of two messages or more (``multi``: one
        message is no network). Bots that are not shops (payment bots named beside
        offers) count for nothing."""
        bot_of_handle = np.full(len(self._handle_ids) + 1, -1, dtype=np.int64)
        bot_of_poster = np.full(len(self._poster_ids) + 1, -1, dtype=np.int64)
        for i, bot in enumerate(bots):
            if bot.get("shop"):
                bot_of_handle[self._handle_ids.get(str(bot.get("username")), -1)] = i
                for sender in bot.get("senders") or ():
                    bot_of_poster[self._poster_ids.get(f"sender:{sender}", -1)] = i
        bot_of_handle[-1] = bot_of_poster[-1] = -1  # the slot of the unknown ones
        starts = np.frombuffer(self._starts, dtype=np.int32)
        owner = np.repeat(np.arange(len(starts) - 1), np.diff(starts))
        by_handle = bot_of_handle[np.frombuffer(self._handles, dtype=np.int32)]
        by_poster = bot_of_poster[np.frombuffer(self._poster_of, dtype=np.int32)]
        return (_pairs(cluster[owner], by_handle, len(bots), multi),
                _pairs(cluster, by_poster, len(bots), multi))

    def _kept(self, cluster: npt.NDArray[np.int64],
              bot_of: Mapping[int, set[int]]) -> list[int]:
        """The clusters that are networks: two chats, posters or shop bots, and mostly
        illicit."""
        size = np.bincount(cluster)
        chats = _distinct(cluster, np.frombuffer(self._chat_of, dtype=np.int32), len(size))
        posters = _distinct(cluster, np.frombuffer(self._poster_of, dtype=np.int32), len(size))
        illicit = np.bincount(cluster, weights=self._illicit_messages(), minlength=len(size))
        spread = (chats >= 2) | (posters >= 2)
        for c, found in bot_of.items():
            spread[c] |= len(found) >= 2
        kept = (size >= 2) & spread & (illicit > ILLICIT_SHARE * size)
        return [int(c) for c in np.flatnonzero(kept)]

    def _illicit_messages(self) -> npt.NDArray[np.bool_]:
        """Per message: whether it counts as illicit (its categories, else its chat's)."""
        chat_illicit = np.array([self._illicit[c] > ILLICIT_SHARE * self._candidates[c]
                                 for c in self._chat_ids], dtype=bool)
        bits = np.frombuffer(self._bits, dtype=np.int32)
        chat = np.frombuffer(self._chat_of, dtype=np.int32)
        return np.asarray((bits != 0) | chat_illicit[chat])

    def _network(self, where: npt.NDArray[np.int64], bots: list[str]) -> _Network:
        """One network's dict from its messages (indexes in the per-message arrays)."""
        values, counts = np.unique(np.frombuffer(self._skeleton_of, dtype=np.int32)[where],
                                   return_counts=True)
        top = int(values[np.argmax(counts)])  # the most common; of ties, the first seen
        dates = np.frombuffer(self._dates, dtype=np.int64)[where]
        chat_ids = list(self._chat_ids)
        per_chat = Counter(self._chat_of[i] for i in where.tolist())
        chats = [{"id": chat_ids[c], "name": self._chat_name(chat_ids[c])}
                 for c, _ in sorted(per_chat.items(), key=lambda kv: (-kv[1], kv[0]))]
        example = self._examples[top].decode(errors="ignore")
        shown = skeleton(example)[:SHOWN]  # the example's, not the whole skeleton kept
        posters = len({self._poster_of[i] for i in where.tolist()})
        data: dict[str, Any] = {
            "id": "n" + hashlib.sha1(shown.encode()).hexdigest()[:10],
            "chats": chats,
            "bots": bots,
            "messages": len(where),
            "categories": _categories(np.frombuffer(self._bits, dtype=np.int32)[where]),
            "skeleton": shown,
            "example": mask_sensitive(example)[:SHOWN],
            "first_seen": iso(int(dates.min())),
            "last_seen": iso(int(dates.max())),
            "posters": posters,
            "why": _why(len(where), len(chats), posters, len(bots)),
        }
        rows = np.frombuffer(self._rowids, dtype=np.int64)[where]
        return _Network(data, sorted(rows.tolist()))



class _Network:
    """A reported network and the rowids of its messages."""

    def __init__(self, data: dict[str, Any], rows: list[int]) -> None:
        self.data = data
        self.rows = rows


# -- MinHash and LSH ---------------------------------------------------------------------------

class _Signatures:
    """MinHash signatures of skeletons' 3-word shingles, computed in numpy for batches of
    new skeletons (a Python loop per word would cost seconds on 200,000 skeletons).

    A word's hash is the CRC-32 of its UTF-8 bytes (stable from run to run, so a case's
    networks are too), a shingle's hash mixes its words' hashes, and each of
    datasketch's permutations (``a * h + b mod 2**32``, its affine32 scheme with its seed)
    keeps its minimum."""

    def __init__(self) -> None:
        a, b = MinHash(num_perm=NUM_PERM, seed=_SEED).permutations
        self._a = np.asarray(a, dtype=np.uint32)
        self._b = np.asarray(b, dtype=np.uint32)
        self._pending: list[str] = []  # skeletons not signed yet
        self._lengths = array("i")  # their number of words
        self._done = array("I")  # the signatures, NUM_PERM values each

    def add(self, words: list[str]) -> None:
        self._pending.append(" ".join(words))
        self._lengths.append(len(words))
        if len(self._lengths) >= _BATCH:
            self._flush()

    def matrix(self) -> npt.NDArray[np.uint32]:
        """Every skeleton's signature, one row each, in the order they were added."""
        self._flush()
        return np.frombuffer(self._done, dtype=np.uint32).reshape(-1, NUM_PERM)

    def _flush(self) -> None:
        if not self._lengths:
            return
        text = " ".join(self._pending).encode()
        words = np.fromiter(map(zlib.crc32, text.split(b" ")), dtype=np.uint64)
        lengths = np.frombuffer(self._lengths, dtype=np.int32)
        ends = np.cumsum(lengths)
        # Shingle i is words i..i+2; those crossing into the next skeleton are dropped.
        mixed = _mix((words[:-2] * _K1 + words[1:-1]) * _K2 + words[2:])
        valid = np.ones(len(mixed), dtype=bool)
        for back in (1, 2):
            cut = ends[:-1] - back
            valid[cut[cut < len(valid)]] = False
        shingles = mixed[valid].astype(np.uint32)
        starts = np.concatenate(([0], np.cumsum(lengths - (SHINGLE - 1))[:-1]))
        for at in range(0, len(starts), _ROWS):  # at most _ROWS skeletons' shingles at once
            first = starts[at]
            last = starts[at + _ROWS] if at + _ROWS < len(starts) else len(shingles)
            hashed = shingles[first:last, None] * self._a[None, :] + self._b[None, :]
            mins = np.minimum.reduceat(hashed, starts[at:at + _ROWS] - first, axis=0)
            self._done.frombytes(mins.tobytes())
        self._pending = []
        self._lengths = array("i")


_K1, _K2 = np.uint64(0x9E3779B97F4A7C15), np.uint64(0xC2B2AE3D27D4EB4F)


def _mix(x: npt.NDArray[np.uint64]) -> npt.NDArray[np.uint64]:
    """A 64-bit finaliser (murmur3's): every input bit moves every output bit."""
    x = x ^ (x >> np.uint64(33))
    x = x * np.uint64(0xFF51AFD7ED558CCD)
    x = x ^ (x >> np.uint64(33))
    x = x * np.uint64(0xC4CEB9FE1A85EC53)
    return x ^ (x >> np.uint64(33))


def _components(signatures: npt.NDArray[np.uint32]) -> npt.NDArray[np.int64]:
    """Per skeleton, the smallest index of its cluster: skeletons are joined when an LSH
    band puts them in one bucket and their signatures agree on ``THRESHOLD`` of rows."""
    n = len(signatures)
    # Bands that favour recall (a missed pair is lost, a false one is only verified).
    lsh = MinHashLSH(threshold=THRESHOLD, num_perm=NUM_PERM, weights=(0.2, 0.8))
    left, right = [], []
    for band in range(lsh.b):
        rows = signatures[:, band * lsh.r:(band + 1) * lsh.r].astype(np.uint64)
        key = np.zeros(n, dtype=np.uint64)
        for column in rows.T:
            key = key * np.uint64(0x100000001B3) + column
        order = np.argsort(key, kind="stable")
        same = key[order][1:] == key[order][:-1]
        # Each skeleton with the one before it in its bucket and with the bucket's first.
        run = np.maximum.accumulate(np.where(np.concatenate(([False], same)), 0,
                                             np.arange(n)))
        left += [order[:-1][same], order[run][1:][same]]
        right += [order[1:][same], order[1:][same]]
    pairs = np.unique(np.concatenate([*left, np.empty(0, np.int64)]) * n
                      + np.concatenate([*right, np.empty(0, np.int64)]))
    a, b = pairs // n, pairs % n
    kept = np.concatenate([np.empty(0, dtype=bool)] + [
        (signatures[a[i:i + 65536]] == signatures[b[i:i + 65536]]).mean(axis=1) >= THRESHOLD
        for i in range(0, len(a), 65536)])
    return _label(n, a[kept], b[kept])


def _label(n: int, a: npt.NDArray[np.int64], b: npt.NDArray[np.int64]) -> npt.NDArray[np.int64]:
    """Connected components of the pairs (a, b): each node's smallest member, by hooking
    roots onto the smaller root and pointer jumping until every pair agrees."""
    parent = np.arange(n, dtype=np.int64)
    while True:
        ra, rb = parent[a], parent[b]
        if np.array_equal(ra, rb):
            return parent
        low = np.minimum(ra, rb)
        np.minimum.at(parent, ra, low)
        np.minimum.at(parent, rb, low)
        while True:
            jumped = parent[parent]
            if np.array_equal(jumped, parent):
                break
            parent = jumped


# -- helpers -----------------------------------------------------------------------------------

def _distinct(group: npt.NDArray[np.int64], values: npt.NDArray[np.int32],
              n: int) -> npt.NDArray[np.int64]:
    """How many distinct ``values`` each group of ``group`` (0..n-1) holds."""
    width = int(values.max()) + 1
    pairs = np.unique(group * width + values)
    return np.bincount(pairs // width, minlength=n)


def _pairs(cluster: npt.NDArray[np.int64], bot: npt.NDArray[np.int64], n: int,
           wanted: npt.NDArray[np.bool_]) -> dict[int, set[int]]:
    """Wanted cluster -> the bots (>= 0) found beside it, from two parallel arrays."""
    found = (bot >= 0) & wanted[cluster]
    pairs: dict[int, set[int]] = {}
    for pair in np.unique(cluster[found] * n + bot[found]).tolist():
        pairs.setdefault(pair // n, set()).add(pair % n)
    return pairs


def _merge_menus(kept: list[int], advertised: Mapping[int, set[int]],
                 written: Mapping[int, set[int]]) -> list[list[int]]:
    """Groups of the kept clusters: a cluster of bots' own messages (their greetings and
    menus) joins the one cluster whose posts advertise most of those bots, when that is
    at least half of them: an operator's posts and its bots' menus are one network. Two
    clusters of posts are not tied by a bot they both name (a market's, a guarantor's):
    that would chain a marketplace's vendors into one."""
    parent = {c: c for c in kept}

    def root(c: int) -> int:
        while parent[c] != c:
            parent[c] = c = parent[parent[c]]
        return c

    advertising: dict[int, list[int]] = {}
    for c in kept:
        for bot in advertised.get(c, ()):
            advertising.setdefault(bot, []).append(c)
    for c in kept:
        bots = written.get(c, set())
        shared = Counter(y for bot in bots for y in advertising.get(bot, ()) if y != c)
        if shared:
            best, n = min(shared.items(), key=lambda kv: (-kv[1], kv[0]))
            if 2 * n >= len(bots):
                x, y = root(c), root(best)
                parent[max(x, y)] = min(x, y)
    groups: dict[int, list[int]] = {}
    for c in kept:
        groups.setdefault(root(c), []).append(c)
    return list(groups.values())


def _categories(bits: npt.NDArray[np.int32]) -> dict[str, int]:
    """Messages per category, most first."""
    counts = {c: int(np.count_nonzero(bits & bit)) for c, bit in _BIT.items()}
    return dict(sorted(((c, n) for c, n in counts.items() if n), key=lambda kv: -kv[1]))


def _why(messages: int, chats: int, posters: int, bots: int) -> str:
    """The sentence that says why messages are one network."""
    said = (f"{_count(messages, 'near-identical message')} in {_count(chats, 'chat')} "
            f"from {_count(posters, 'poster')}")
    return f"{said}, {_count(bots, 'shop bot')}" if bots else said


def _count(n: int, noun: str) -> str:
    return f"{n} {noun}" if n == 1 else f"{n} {noun}s"


def _labels(buttons: Iterable[Iterable[Mapping[str, Any]]]) -> str:
    """The labels with letters of a bot message's buttons (its menu is part of its
    template; reaction counters are not), at most ``BUTTONS_CAP``."""
    labels = islice((str(b.get("text") or "")[:40] for row in buttons for b in row), 100)
    return " | ".join(islice(filter(_LETTER.search, labels), BUTTONS_CAP))


def _is_bot_message(record: Record, chat: Chat | None) -> bool:
    """Whether a bot wrote ``record``: sent through an inline bot, written by the bot of
    its bot chat, or carrying a menu (``from_bot`` alone is set for any keyboard, and a
    reaction keyboard's labels have no letters)."""
    if record.via_bot:
        return True
    if chat is not None and chat.type == "bot_chat":
        return record.sender_id == f"user{record.chat_id}"
    return record.from_bot and bool(_labels(record.buttons))


def _wordy(words: list[str]) -> bool:
    """Whether ``words`` hold ``MIN_WORDS`` that start with a letter: shorter skeletons
    collide by chance."""
    return len(words) >= 4 * MIN_WORDS or sum(w[0].isalpha() for w in words) >= MIN_WORDS


def _intern(ids: dict[str, int], key: str) -> int:
    found = ids.get(key)
    if found is None:
        found = ids[key] = len(ids)
    return found
