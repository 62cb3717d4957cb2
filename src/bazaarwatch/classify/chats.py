"""The per-chat verdict: what a chat sells, whether it is a shop, and how sure that is.

Analysts read a case chat by chat, so the question is "what does this channel trade in?",
not "which of its posts pass a threshold?". A vote of thresholded posts throws most of
the information away: a channel whose every post falls just under a threshold gets
nothing, and one repost copied forty times outvotes everything else. So the verdict is
decided from the chat's whole score distribution:

- reposts and near-duplicates count once (posts are keyed by their skeleton: lower case,
  no digits, links, handles or punctuation);
- a post counts for a category when the category is in its verdict or when it scores
  ``CHAT_SCORE`` for it: a message's threshold is set for one message alone, and a chat
  of many posts just under it says more than any one of them;
- categories are ranked by the mean of their ten best scores in the chat; a further
  category must weigh (the sum of its scores over ``FLOOR``) at least ``RELATIVE`` of the
  first; a category's share is the part of the distinct posts that count for it;
- a chat that is mostly one category's posts lifts its own ambiguous lines (a bare menu
  line, a product name) to that category when they score at least ``LIFT`` for it;
- the chat's name counts as one more post (``title_text``): "Premium Mod APKs" says what
  a channel of bare links and app names trades;
- a chat needs at least ``MIN_POSTS`` distinct posts of a category (fewer in a chat of
  under thirty), and ``MIN_SHARE`` of its posts, before it gets that category: one
  stray hit in a benign chat never makes it a shop.

The kind says how the trade is done: ``shop`` (offers from one seller), ``marketplace``
(offers from several senders of a group), ``sharing`` (illicit goods posted without
offers: free leaks, cracks, tools), ``discussion`` (a group that talks about the trade),
``not-illicit``.

Pure: it takes the posts and their verdicts and returns a verdict; ``store`` reads the
posts of a case and keeps the result.
"""

from __future__ import annotations

import hashlib
import heapq
import math
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from bazaarwatch.classify.taxonomy import IDS

KINDS = ("shop", "marketplace", "sharing", "discussion", "not-illicit")
FLOOR = 0.15  # a score under this says nothing about the chat
CHAT_SCORE = 0.5  # a post this likely a category's counts for it in its chat
LIFT = 0.3  # a post this close to the chat's main category counts for it
MIN_POSTS = 3  # distinct posts a category needs in a chat
MIN_SHARE = 0.05  # of a chat's distinct posts
RELATIVE = 0.25  # a further category needs this part of the first one's weight
OFFER_SHARE = 0.25  # of a category's posts that offer, for a shop or a marketplace
SELLERS = 3  # senders that offer, for a group to be a marketplace
EVIDENCE = 5
TITLE_CHARS = 256  # of a chat's name, as a post

_SKELETON = re.compile(r"https?://\S+|t\.me/\S+|@\w+|[\d\W_]+")
_CAMEL = re.compile(r"([a-zа-яё])([A-ZА-ЯЁ])")


@dataclass(frozen=True, slots=True)
class Post:
    """One message of a chat as the chat verdict sees it. ``repost`` is its
    ``repost_key``, where the caller has it already and need not keep the text (``text``
    is then not read): a chat of a million long posts is judged without its texts."""

    key: object  # what names the message to the caller (a rowid)
    text: str
    scores: Mapping[str, float]
    categories: Sequence[str]  # the message's own verdict, best first
    offer: bool
    sender: str | None = None
    repost: bytes = b""


@dataclass
class ChatVerdict:
    kind: str
    categories: list[tuple[str, float]]  # (category, share of distinct posts), best first
    confidence: float
    evidence: list[object] = field(default_factory=list)  # keys of the posts that show it
    posts: int = 0  # distinct posts with text
    offers: int = 0  # distinct posts that offer


def skeleton(text: str) -> str:
    """What is left of a post once the parts that change between reposts are gone."""
    return " ".join(_SKELETON.sub(" ", text.lower()).split())


def repost_key(text: str) -> bytes:
    """Equal for a post and its reposts (equal ``skeleton``, or equal text where nothing
    is left of it), in 16 bytes however long the post."""
    key = skeleton(text) or text
    return hashlib.blake2b(key.encode("utf-8", "surrogatepass"), digest_size=16).digest()


def title_text(name: str) -> str:
    """A chat's name as words to classify: a username's underscores and camelCase
    ("premium_mod_apks", "CheapFollowersHub") are spaces. Cut at ``TITLE_CHARS``
    (Telegram allows 128; another reader's "name" may be anything)."""
    return _CAMEL.sub(r"\1 \2", name[:TITLE_CHARS]).replace("_", " ")


def decide(posts: Sequence[Post], *, group: bool = False,
           title: Post | None = None) -> ChatVerdict:
    """The verdict on one chat from its posts (``group``: several people post in it).

    ``title`` is the chat's name as classified (``title_text``): it counts as one more
    post of the chat, for a channel's name often says what it trades when its posts are
    bare links and product names. It is never evidence, and it is no post: a chat
    without posts is judged on nothing."""
    distinct: dict[bytes, Post] = {}
    for post in posts:
        key = post.repost or repost_key(post.text)
        if key not in distinct:
            distinct[key] = post
    n_posts = len(distinct)
    if not n_posts:
        return ChatVerdict("not-illicit", [], 1.0)
    if title is not None:
        distinct.setdefault(title.repost or repost_key(title.text), title)
    unique = list(distinct.values())
    n = len(unique)
    weight = {c: 0.0 for c in IDS}
    given: dict[str, list[Post]] = {c: [] for c in IDS}
    for post in unique:
        for c in IDS:
            score = post.scores.get(c, 0.0)
            if score >= FLOOR:
                weight[c] += score
            if score >= CHAT_SCORE or c in post.categories:
                given[c].append(post)
    needed = _needed(n)
    kept = [c for c in IDS if len(given[c]) >= needed]
    strength = {c: _top_mean(unique, c) for c in kept}
    kept.sort(key=lambda c: -strength[c])
    if kept:
        kept = [c for c in kept if weight[c] >= RELATIVE * weight[kept[0]]]
        counted = set(map(id, given[kept[0]]))
        given[kept[0]] += [p for p in unique if id(p) not in counted
                           and p.scores.get(kept[0], 0.0) >= LIFT and not p.categories]
    offered = sum(p.offer for p in unique)
    if not kept:
        strongest = max((min(1.0, len(given[c]) / needed) * _top_mean(unique, c)
                         for c in IDS if given[c]), default=0.0)
        return ChatVerdict("not-illicit", [], round(1.0 - 0.5 * strongest, 3), posts=n_posts,
                           offers=offered)
    first = kept[0]
    supporting = given[first]
    offers = [p for p in supporting if p.offer]
    if len(offers) >= OFFER_SHARE * len(supporting):
        # Sellers of any of the chat's trades: a market's vendors sell different things.
        sellers = {p.sender for c in kept for p in given[c] if p.offer and p.sender}
        kind = "marketplace" if group and len(sellers) >= SELLERS else "shop"
    else:
        kind = "discussion" if group else "sharing"
    total = sum(weight[c] for c in kept)
    amount = 1.0 - math.exp(-len(supporting) / 5)
    confidence = amount * (0.5 + 0.5 * weight[first] / total) * strength[first]
    # Where the title alone speaks for the category, its nearest posts show the chat.
    shown = ([p for p in supporting if p is not title]
             or [p for p in unique if p is not title])
    evidence = heapq.nlargest(EVIDENCE, shown, key=lambda p: p.scores.get(first, 0.0))
    return ChatVerdict(kind, [(c, round(len(given[c]) / n, 4)) for c in kept],
                       round(confidence, 3), [p.key for p in evidence], n_posts, offered)


def _needed(n: int) -> float:
    """Distinct posts a category needs in a chat of ``n``: one in a chat of under ten
    posts (one post is much of it), one more per ten posts up to ``MIN_POSTS``, and
    ``MIN_SHARE`` of them in a long chat."""
    return max(min(MIN_POSTS, 1 + n // 10), MIN_SHARE * n)


def _top_mean(posts: Sequence[Post], category: str, k: int = 10) -> float:
    """The mean of the ``k`` best scores for ``category``."""
    best = heapq.nlargest(k, (p.scores.get(category, 0.0) for p in posts))
    return sum(best) / len(best) if best else 0.0
