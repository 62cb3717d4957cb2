"""The per-chat verdict: behaviour that must hold however ``decide`` is tuned.

Posts are built by hand with clear-cut scores (0.95 for the post's own categories, 0.01
for the rest), so no test depends on the shipped model.
"""

from __future__ import annotations

from collections.abc import Sequence

import pytest

from bazaarwatch.classify.chats import (
    KINDS,
    TITLE_CHARS,
    ChatVerdict,
    Post,
    decide,
    title_text,
)
from bazaarwatch.classify.taxonomy import IDS


def word(i: int) -> str:
    """A distinct word of letters only for each ``i`` (digits vanish from a repost key)."""
    letters = ""
    i += 26 * 26
    while i:
        i, d = divmod(i, 26)
        letters += chr(ord("a") + d)
    return letters


def post(key: int, text: str, categories: Sequence[str] = (), *, offer: bool = False,
         sender: str | None = "channel1", score: float = 0.95) -> Post:
    scores = {c: (score if c in categories else 0.01) for c in IDS}
    return Post(key=key, text=text, scores=scores, categories=list(categories), offer=offer,
                sender=sender)


def benign(n: int, start: int = 0) -> list[Post]:
    return [post(start + i, f"weather update for the {word(i)} district, sunny")
            for i in range(n)]


def carding_offers(n: int, start: int = 1000, *, senders: Sequence[str] = ("channel1",)
                   ) -> list[Post]:
    return [post(start + i, f"fresh cvv dumps with pin {word(i)} valid, write to buy",
                 ["carding"], offer=True, sender=senders[i % len(senders)])
            for i in range(n)]


def check(verdict: ChatVerdict, posts: Sequence[Post]) -> None:
    """What every verdict must be, whatever the chat."""
    assert verdict.kind in KINDS
    assert 0.0 <= verdict.confidence <= 1.0
    assert {k for k in verdict.evidence} <= {p.key for p in posts}
    for category, share in verdict.categories:
        assert category in IDS
        assert 0.0 < share <= 1.0
    assert len({c for c, _ in verdict.categories}) == len(verdict.categories)
    if verdict.kind == "not-illicit":
        assert verdict.categories == []
    else:
        assert verdict.categories and verdict.evidence


def test_an_empty_chat_is_not_illicit() -> None:
    verdict = decide([], group=False)
    assert verdict.kind == "not-illicit"
    assert verdict.categories == [] and verdict.evidence == []
    assert verdict.posts == 0 and verdict.offers == 0
    assert decide([], group=True).kind == "not-illicit"


def test_one_stray_carding_post_in_a_benign_chat_is_not_illicit() -> None:
    posts = benign(200)
    posts.insert(100, post(9999, "fresh cvv dumps with pin, write to buy", ["carding"],
                           offer=True))
    for group in (False, True):
        verdict = decide(posts, group=group)
        check(verdict, posts)
        assert verdict.kind == "not-illicit"
        assert verdict.posts == 201


def test_a_chat_of_carding_offers_is_a_shop_with_carding_first() -> None:
    posts = carding_offers(40) + benign(5)
    verdict = decide(posts, group=False)
    check(verdict, posts)
    assert verdict.kind == "shop"
    assert verdict.categories[0][0] == "carding"
    assert verdict.categories[0][1] > 0.5
    assert verdict.confidence > 0.5
    assert set(verdict.evidence) <= {p.key for p in posts if "carding" in p.categories}
    assert verdict.posts == 45 and verdict.offers == 40


def test_reposts_are_counted_once() -> None:
    stray = "fresh cvv dumps with pin, write to buy"
    copies = [post(5000 + i, stray, ["carding"], offer=True) for i in range(60)]
    posts = benign(100) + copies
    verdict = decide(posts, group=False)
    check(verdict, posts)
    assert verdict.posts == 101
    assert verdict.kind == "not-illicit", "one post copied sixty times is one stray post"


def test_reposts_with_another_link_are_counted_once() -> None:
    posts = [post(i, f"fresh cvv dumps, order at https://t.me/shop{word(i)}", ["carding"],
                  offer=True) for i in range(10)]
    assert decide(posts, group=False).posts == 1


def test_a_group_with_offers_from_several_sellers_is_a_marketplace() -> None:
    sellers = ("user1", "user2", "user3", "user4", "user5")
    posts = carding_offers(40, senders=sellers) + benign(10)
    verdict = decide(posts, group=True)
    check(verdict, posts)
    assert verdict.kind == "marketplace"
    assert verdict.categories[0][0] == "carding"


def test_a_group_with_one_seller_is_not_a_marketplace() -> None:
    posts = carding_offers(40, senders=("user1",)) + benign(10)
    verdict = decide(posts, group=True)
    check(verdict, posts)
    assert verdict.kind == "shop"


def test_a_channel_with_offers_from_several_senders_is_a_shop() -> None:
    """A channel has one voice, whatever its sender ids say: only a group is a
    marketplace."""
    posts = carding_offers(40, senders=("user1", "user2", "user3", "user4"))
    assert decide(posts, group=False).kind == "shop"


def test_a_channel_of_illicit_posts_without_offers_is_sharing() -> None:
    posts = [post(i, f"cracked photo editor {word(i)} edition, keygen inside, free download",
                  ["pirated-content"]) for i in range(40)] + benign(5, start=500)
    verdict = decide(posts, group=False)
    check(verdict, posts)
    assert verdict.kind == "sharing"
    assert verdict.categories[0][0] == "pirated-content"
    assert verdict.offers == 0


def test_a_group_talking_about_the_trade_without_offers_is_a_discussion() -> None:
    posts = [post(i, f"anyone tried the {word(i)} method for cvv cashout, does it still work",
                  ["carding"], sender=f"user{i % 7}") for i in range(40)] + benign(10)
    verdict = decide(posts, group=True)
    check(verdict, posts)
    assert verdict.kind == "discussion"
    assert verdict.categories[0][0] == "carding"


@pytest.mark.parametrize("group", [False, True])
def test_a_benign_chat_is_not_illicit_and_order_does_not_change_the_kind(group: bool) -> None:
    posts = benign(150)
    assert decide(posts, group=group).kind == "not-illicit"
    shop = carding_offers(30) + benign(30)
    assert decide(shop, group=group).kind == decide(list(reversed(shop)), group=group).kind


def test_shares_are_parts_of_the_chat() -> None:
    """A post counted for a category (it scores over CHAT_SCORE) is not lifted to it a
    second time: every share stays a part of the chat."""
    def scored(key: int, text: str, score: float) -> Post:
        scores = {c: 0.01 for c in IDS} | {"pirated-content": score}
        return Post(key=key, text=text, scores=scores, categories=[], offer=False)

    posts = ([scored(i, f"mod apk {word(i)} premium unlocked", 0.6) for i in range(10)]
             + [scored(100 + i, f"menu line {word(i)}", 0.35) for i in range(10)])
    verdict = decide(posts)
    assert verdict.categories[0][0] == "pirated-content"
    assert all(0.0 < share <= 1.0 for _, share in verdict.categories)
    assert verdict.categories[0][1] == 1.0


def test_a_group_whose_vendors_sell_different_things_is_a_marketplace() -> None:
    """Two carding vendors and two drug vendors: no trade has three sellers, the group has
    four."""
    carding = carding_offers(20, senders=("user1", "user2"))
    drugs = [post(2000 + i, f"mephedrone crystals {word(i)} grams, dm to buy", ["drugs"],
                  offer=True, sender=("user3", "user4")[i % 2]) for i in range(18)]
    verdict = decide(carding + drugs + benign(20), group=True)
    assert verdict.kind == "marketplace"


def test_a_title_is_made_of_words() -> None:
    assert title_text("premium_mod_apks") == "premium mod apks"
    assert title_text("CheapFollowersHub") == "Cheap Followers Hub"
    assert title_text("Свежие Аккаунты") == "Свежие Аккаунты"
    assert len(title_text("x" * 100_000)) == TITLE_CHARS


def test_a_title_counts_as_one_more_post_and_is_never_evidence() -> None:
    # Bare product names that score a little for the trade, under every bar alone.
    names = [post(i, f"{word(i)} premium unlocked", score=0.0) for i in range(12)]
    for p in names:
        p.scores["pirated-content"] = 0.2  # type: ignore[index]
    title = post(-1, "premium mod apks", ["pirated-content"])
    assert decide(names).categories == []
    one = decide(names, title=title)
    assert one.categories == []  # one post of thirteen is not enough for a long chat
    short = decide(names[:5], title=title)
    check(short, names[:5])
    assert short.categories[0][0] == "pirated-content"
    assert -1 not in short.evidence and short.posts == 5


def test_a_title_alone_judges_nothing() -> None:
    title = post(-1, "fresh cvv shop", ["carding"], offer=True)
    assert decide([], title=title).kind == "not-illicit"
    assert decide(benign(40), title=title).categories == []
