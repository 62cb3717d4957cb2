"""Telegram usernames, bots and invites (``bazaarwatch.indicators.telegram``).

Every test runs the module's patterns over a text with ``re.finditer`` and asks each
candidate's validator, the way the engine does.
"""

from __future__ import annotations

import pytest
from indicator_support import Found, example, example_messages, matches

from bazaarwatch.indicators.telegram import PATTERNS


def find(text: str) -> list[Found]:
    return matches(PATTERNS, text)


def normalized(text: str) -> list[tuple[str, str]]:
    return [(f.type, f.normalized) for f in find(text)]


# ---------------------------------------------------------------------------- handles


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("DM @frost_delivery", [("telegram", "@frost_delivery")]),
        ("@Cardhouse_Support", [("telegram", "@cardhouse_support")]),
        ("bot: @NightMarketShopBot", [("telegram_bot", "@nightmarketshopbot")]),
        ("@nightmarket2bot", [("telegram_bot", "@nightmarket2bot")]),
        ("@SomeBOT", [("telegram_bot", "@somebot")]),
        ("@abcde", [("telegram", "@abcde")]),
        ("@" + "a" * 32, [("telegram", "@" + "a" * 32)]),
        ("@robot_shop", [("telegram", "@robot_shop")]),  # "bot" not at the end
    ],
)
def test_handles(text: str, expected: list[tuple[str, str]]) -> None:
    assert normalized(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "mail a@b.com now",
        "vendor@example.org",
        "user.name@mail.ru",
        "@abcd",  # four characters: too short
        "@" + "a" * 33,  # too long
        "@1abcde",  # starts with a digit
        "@_abcde",  # starts with an underscore
        "@abcde_",  # ends with an underscore
        "@everyone",
        "price 5@10$",
        "@ name",
        "🔥Sale @Hotmail.com🔥",  # a mail domain: Telegram names hold no dot
        "combo: @orange.fr, @wanadoo.fr",
    ],
)
def test_not_handles(text: str) -> None:
    assert find(text) == []


@pytest.mark.parametrize(
    "text",
    [
        "@frost_delivery",
        "@frost_delivery at the start",
        "at the end @frost_delivery",
        "write to @frost_delivery.",
        "write to @frost_delivery, or",
        "(@frost_delivery)",
        "**@frost_delivery**",
        "Пиши: @frost_delivery 🔌",
        "«@frost_delivery»",
        "line\n@frost_delivery\n",
        "@@frost_delivery",
    ],
)
def test_handle_boundaries(text: str) -> None:
    assert normalized(text) == [("telegram", "@frost_delivery")]


def test_handle_inside_underscore_emphasis_is_missed() -> None:
    # A known limitation: "_" is a word character, so "_@name_" has no boundary before
    # the "@" (and usernames cannot end in "_"). Telegram exports carry formatting as
    # entities, not as markdown, so this shows up only in pasted text.
    assert find("_@frost_delivery_") == []


def test_handle_with_trailing_dash_and_word() -> None:
    # Usernames have no "-": the handle stops there.
    assert normalized("@frost_delivery-bot") == [("telegram", "@frost_delivery")]


# ---------------------------------------------------------------------------- links


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("t.me/cardhouse_cvv", [("telegram", "@cardhouse_cvv")]),
        ("https://t.me/cardhouse_cvv", [("telegram", "@cardhouse_cvv")]),
        ("HTTPS://T.ME/CardHouse_CVV", [("telegram", "@cardhouse_cvv")]),
        ("http://telegram.me/cardhouse_cvv", [("telegram", "@cardhouse_cvv")]),
        ("telegram.dog/cardhouse_cvv", [("telegram", "@cardhouse_cvv")]),
        ("https://t.me/cardhouse_cvv/123", [("telegram", "@cardhouse_cvv")]),
        ("https://t.me/cardhouse_cvv/123?single", [("telegram", "@cardhouse_cvv")]),
        ("https://t.me/NightMarketShopBot?start=cardhouse",
         [("telegram_bot", "@nightmarketshopbot")]),
        ("https://t.me/s/cardhouse_cvv", [("telegram", "@cardhouse_cvv")]),
        ("https://t.me/boost/cardhouse_cvv", [("telegram", "@cardhouse_cvv")]),
        ("https://cardhouse_cvv.t.me", [("telegram", "@cardhouse_cvv")]),
        ("tg://resolve?domain=cardhouse_cvv", [("telegram", "@cardhouse_cvv")]),
        ("tg://resolve?domain=NightMarketShopBot&start=x",
         [("telegram_bot", "@nightmarketshopbot")]),
    ],
)
def test_username_links(text: str, expected: list[tuple[str, str]]) -> None:
    assert normalized(text) == expected


@pytest.mark.parametrize(
    ("text", "hash_"),
    [
        ("https://t.me/+Qw7rZk2LpXaYb4Nq", "Qw7rZk2LpXaYb4Nq"),
        ("t.me/+Qw7rZk2LpXaYb4Nq", "Qw7rZk2LpXaYb4Nq"),
        ("https://t.me/joinchat/AAAAAEkk2WdoDrB4-Q8-gg", "AAAAAEkk2WdoDrB4-Q8-gg"),
        ("telegram.me/joinchat/Qw7rZk2LpXaYb4Nq", "Qw7rZk2LpXaYb4Nq"),
        ("tg://join?invite=Qw7rZk2LpXaYb4Nq", "Qw7rZk2LpXaYb4Nq"),
        ("(https://t.me/+Qw7rZk2LpXaYb4Nq).", "Qw7rZk2LpXaYb4Nq"),
        ("**t.me/+Qw7rZk2LpXaYb4Nq**", "Qw7rZk2LpXaYb4Nq"),
    ],
)
def test_invites_keep_the_hash_case(text: str, hash_: str) -> None:
    assert normalized(text) == [("telegram_invite", "https://t.me/+" + hash_)]


def test_folder_invite() -> None:
    assert normalized("https://t.me/addlist/AbCdEfGh12345") == [
        ("telegram_invite", "https://t.me/addlist/AbCdEfGh12345")]


@pytest.mark.parametrize(
    "text",
    [
        "https://t.me/c/1876302954/49",  # a private chat's post: skipped (no join, no name)
        "https://t.me/+79991234567",  # a user by phone number, not an invite
        "https://t.me/share/url?url=https://example.com",
        "https://t.me/iv?url=https://example.com&rhash=abc",
        "https://t.me/addstickers/SomeStickerSet",
        "https://t.me/addemoji/SomeEmojiSet",
        "https://t.me/setlanguage/ru",
        "https://t.me/proxy?server=1.2.3.4&port=443",
        "https://t.me/socks?server=1.2.3.4",
        "https://t.me/joinchat",
        "https://t.me/+short",  # an invite hash is longer
        "https://t.me/s/",
        "https://t.me/abc",  # too short for a username
        "https://t.me/name-with-dash",
        "https://t.co/cardhouse_cvv",
        "https://at.me/cardhouse_cvv",
        "https://gift.me/cardhouse_cvv",
        "www.t.me",
    ],
)
def test_links_that_are_not_usernames(text: str) -> None:
    assert find(text) == []


def test_link_and_handle_in_one_text() -> None:
    text = "Channel: t.me/cardhouse_cvv • Support: @cardhouse_support • Bot: @NightMarketShopBot"
    assert normalized(text) == [
        ("telegram", "@cardhouse_cvv"),
        ("telegram", "@cardhouse_support"),
        ("telegram_bot", "@nightmarketshopbot"),
    ]


def test_restored_defanged_link() -> None:
    # "t[.]me/name" and "hxxps://t[.]me/name" reach the patterns restored.
    restored = "hxxps://t[.]me/cardhouse_cvv".replace("hxxp", "http").replace("[.]", ".")
    assert normalized(restored) == [("telegram", "@cardhouse_cvv")]


# ---------------------------------------------------------------------------- negatives


@pytest.mark.parametrize(
    "text",
    [
        "version 1.2.3",
        "12.05.2024 at 14:00",
        "price 44$ ≈ 0.00107 BTC",
        "photo.jpg result.json",
        "3326742e9f5ce38d90ea4d37b43eeebc077dcbe5bb98e956bc74fd8f5fd3fcdd",
        "#cvv #giftcards /start",
        "me/name and t/me",
    ],
)
def test_negatives(text: str) -> None:
    assert find(text) == []


# ---------------------------------------------------------------------------- example export


def test_example_usernames_are_found_where_telegram_marked_them() -> None:
    messages = example_messages()
    usernames = [e for e in example()["entity_indicators"] if e["type"] == "telegram_username"]
    assert usernames
    for entity in usernames:
        name = entity["value"].lower()
        kind = "telegram_bot" if name.endswith("bot") else "telegram"
        for occurrence in entity["occurrences"]:
            text = messages[(occurrence["chat_id"], occurrence["message_id"])]
            assert (kind, name) in normalized(text), (entity["value"], text)


def test_example_telegram_links_are_found() -> None:
    messages = example_messages()
    links = [e for e in example()["entity_indicators"]
             if e["type"] == "url" and "t.me/" in e["value"]]
    assert links
    for entity in links:
        expected = normalized(entity["value"])
        assert len(expected) == 1
        for occurrence in entity["occurrences"]:
            text = messages[(occurrence["chat_id"], occurrence["message_id"])]
            assert expected[0] in normalized(text)


def test_example_export_has_no_unexpected_telegram_indicators() -> None:
    entities = example()["entity_indicators"]
    expected = {e["value"].lower() for e in entities if e["type"] == "telegram_username"}
    expected |= {normalized(e["value"])[0][1] for e in entities
                 if e["type"] == "url" and "t.me/" in e["value"]}
    found = {n for text in example_messages().values() for _, n in normalized(text)}
    assert found == expected


# ---------------------------------------------------------------------------- engine compatibility
