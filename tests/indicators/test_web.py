"""E-mail addresses, URLs and domains (``bazaarwatch.indicators.web``)."""

from __future__ import annotations

import pytest
from indicator_support import Found, example, example_messages, matches

from bazaarwatch.indicators.web import FILE_EXTENSIONS, PATTERNS

ONION = "xuxujhpsecbil4p4lzpmey7ilkbij5xmab5w752ingvomv4gy67n4hid.onion"


def find(text: str) -> list[Found]:
    return matches(PATTERNS, text)


def of_type(text: str, type_: str) -> list[str]:
    return [f.normalized for f in find(text) if f.type == type_]


def values(text: str, type_: str) -> list[str]:
    return [f.value for f in find(text) if f.type == type_]


# ---------------------------------------------------------------------------- email


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("cardhouse.reserve@example.org", "cardhouse.reserve@example.org"),
        ("mail: Vendor_24+shop@Mail.RU.", "Vendor_24+shop@mail.ru"),
        ("(support@shop-x.co.uk)", "support@shop-x.co.uk"),
        ("**a.b@gmail.com**", "a.b@gmail.com"),
        ("mailto:x@proton.me?subject=hi", "x@proton.me"),
        ("почта:x-y@yandex.ru,", "x-y@yandex.ru"),
        ("x@xn--80asehdb.xn--p1ai", "x@xn--80asehdb.xn--p1ai"),
        ("info@магазин.рф", "info@магазин.рф"),
        ("почта: Info@Магазин.РФ.", "Info@магазин.рф"),
        ("sales@example.рус", "sales@example.рус"),
    ],
)
def test_emails(text: str, expected: str) -> None:
    assert of_type(text, "email") == [expected]


@pytest.mark.parametrize(
    "text",
    [
        "events@riverside-daily.example",  # .example is reserved: no public suffix
        "x@localhost",
        "x@host.local",
        "x@co.uk",  # a public suffix with no name before it
        "x@photo.jpg",
        "x.@gmail.com",
        "x..y@gmail.com",
        "vendor@jabber.ru",  # an XMPP-only host: a Jabber ID
        "jabber: vendor@gmail.com",  # labelled: a Jabber ID
        "xmpp:vendor@gmail.com",
        f"x@{ONION}",
        "@frost_delivery",
        "a" * 65 + "@gmail.com",
    ],
)
def test_not_emails(text: str) -> None:
    assert of_type(text, "email") == []


# ---------------------------------------------------------------------------- url


@pytest.mark.parametrize(
    ("text", "value", "expected"),
    [
        ("https://shop-x.com/a?b=1", "https://shop-x.com/a?b=1", "https://shop-x.com/a?b=1"),
        ("HTTPS://Shop-X.COM/Path", "HTTPS://Shop-X.COM/Path", "https://shop-x.com/Path"),
        ("see (https://shop-x.com/a).", "https://shop-x.com/a", "https://shop-x.com/a"),
        ("[shop](https://shop-x.com)", "https://shop-x.com", "https://shop-x.com/"),
        ("**https://shop-x.com/x**", "https://shop-x.com/x", "https://shop-x.com/x"),
        ("<https://shop-x.com/x>", "https://shop-x.com/x", "https://shop-x.com/x"),
        ("«https://shop-x.com/x»", "https://shop-x.com/x", "https://shop-x.com/x"),
        ('"https://shop-x.com/x"', "https://shop-x.com/x", "https://shop-x.com/x"),
        ("go https://shop-x.com/x, then", "https://shop-x.com/x", "https://shop-x.com/x"),
        ("go https://shop-x.com/x; then", "https://shop-x.com/x", "https://shop-x.com/x"),
        ("https://shop-x.com:443/x", "https://shop-x.com:443/x", "https://shop-x.com/x"),
        ("http://shop-x.com:8080", "http://shop-x.com:8080", "http://shop-x.com:8080/"),
        ("http://user:pw@Shop-X.com/", "http://user:pw@Shop-X.com/",
         "http://user:pw@shop-x.com/"),
        ("ftp://files.shop-x.com/logs.zip", "ftp://files.shop-x.com/logs.zip",
         "ftp://files.shop-x.com/logs.zip"),
        ("http://192.168.10.4/panel", "http://192.168.10.4/panel", "http://192.168.10.4/panel"),
        ("http://[2001:db8::1]/x", "http://[2001:db8::1]/x", "http://[2001:db8::1]/x"),
        (f"Tor: http://{ONION}/", f"http://{ONION}/", f"http://{ONION}/"),
        ("https://riverside-daily.example/live", "https://riverside-daily.example/live",
         "https://riverside-daily.example/live"),
        ("https://пример.рф/путь", "https://пример.рф/путь", "https://пример.рф/путь"),
        ("https://t.me/+Qw7rZk2LpXaYb4Nq", "https://t.me/+Qw7rZk2LpXaYb4Nq",
         "https://t.me/+Qw7rZk2LpXaYb4Nq"),
        ("https://shop-x.com/#top", "https://shop-x.com/#top", "https://shop-x.com/#top"),
        ("https://shop-x.com?x=1", "https://shop-x.com?x=1", "https://shop-x.com/?x=1"),
    ],
)
def test_urls(text: str, value: str, expected: str) -> None:
    assert [(f.value, f.normalized) for f in find(text) if f.type == "url"] == [
        (value, expected)]


@pytest.mark.parametrize(
    ("text", "value"),
    [
        # "_", "-", "=", "/", "~", "+" are URL characters, also at the end
        ("https://t.me/+QZsrVrfYgbWtGrQ_", "https://t.me/+QZsrVrfYgbWtGrQ_"),
        ("https://shop.cc/a_b_", "https://shop.cc/a_b_"),
        ("join https://shop.cc/a_b_.", "https://shop.cc/a_b_"),
        ("https://shop.cc/x-", "https://shop.cc/x-"),
        ("https://shop.cc/?ref=", "https://shop.cc/?ref="),
        ("https://shop.cc/~vendor/", "https://shop.cc/~vendor/"),
        ("https://shop.cc/~", "https://shop.cc/~"),
        ("https://shop.cc/a+", "https://shop.cc/a+"),
        # sentence punctuation and unpaired brackets are not
        ("https://shop.cc/a_b_!", "https://shop.cc/a_b_"),
        ("(https://shop.cc/a_)", "https://shop.cc/a_"),
        ("see https://shop.cc/a?", "https://shop.cc/a"),
        ("[t](https://shop.cc/a_)", "https://shop.cc/a_"),
        ("[https://shop.cc/a](https://shop.cc/b)", "https://shop.cc/a"),
        # paired brackets belong to the URL
        ("https://en.wikipedia.org/wiki/Foo_(bar)", "https://en.wikipedia.org/wiki/Foo_(bar)"),
        ("(see https://en.wikipedia.org/wiki/Foo_(bar)).",
         "https://en.wikipedia.org/wiki/Foo_(bar)"),
        ("http://[2001:db8::1]", "http://[2001:db8::1]"),
        ("https://shop.cc/q?a[0]=1", "https://shop.cc/q?a[0]=1"),
    ],
)
def test_url_ends(text: str, value: str) -> None:
    assert values(text, "url")[:1] == [value]


def test_restored_defanged_url() -> None:
    restored = "hxxps[:]//shop-x[.]com/x".replace("hxxp", "http").replace("[:]", ":")
    restored = restored.replace("[.]", ".")
    assert of_type(restored, "url") == ["https://shop-x.com/x"]


@pytest.mark.parametrize(
    "text",
    [
        "https://",
        "https://localhost/x",
        "https://shop/x",
        "https://999.1.1.1/x",
        "https://1.2.3/x",
        "https://shop-x.com:abc/x",
        "mailto:x@gmail.com",
        "www.shop-x.com/x",  # no scheme: a domain, not a URL
        "javascript://alert(1)",
        "xhttps://shop-x.com",
    ],
)
def test_not_urls(text: str) -> None:
    assert of_type(text, "url") == []


# ---------------------------------------------------------------------------- domain


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("visit shop-x.com today", "shop-x.com"),
        ("xyz.ru", "xyz.ru"),
        ("Panel: SMM-Panel.RU.", "smm-panel.ru"),
        ("(shop-x.co.uk)", "shop-x.co.uk"),
        ("**shop-x.com**", "shop-x.com"),
        ("www.shop-x.com/x", "www.shop-x.com"),
        ("магазин:shop-x.com,", "shop-x.com"),
        ("www.allegro.pl", "www.allegro.pl"),  # a file extension, but three labels
        ("xn--80asehdb.xn--p1ai", "xn--80asehdb.xn--p1ai"),
        ("cardshop.cc", "cardshop.cc"),
        ("shop-x.COM", "shop-x.com"),
        # Cyrillic internationalized names, as written
        ("закладка.рф", "закладка.рф"),
        ("сайт: магазин-shop.рф,", "магазин-shop.рф"),
        ("сайт.рус", "сайт.рус"),
        ("пример.укр", "пример.укр"),
        ("example.рф", "example.рф"),
        ("ЗАКЛАДКА.РФ.", "закладка.рф"),
        ("(ёлка.рф)", "ёлка.рф"),
        ("www.закладка.рф/путь", "www.закладка.рф"),
        ("дом.рф", "дом.рф"),
    ],
)
def test_domains(text: str, expected: str) -> None:
    assert of_type(text, "domain") == [expected]


@pytest.mark.parametrize(
    "text",
    [
        "https://shop-x.com/x",  # the URL's
        "http://user@shop-x.com/",
        "a.b@shop-x.com",  # the address's
        "vendor@jabber.ru",
        "photo.jpg result.json price.pdf report.docx",
        "logs.zip checker.py install.sh notes.md main.rs script.pl video.mov",
        "smm-panel.example",  # reserved, no public suffix
        "version 1.2.3 and v2.0.1",
        "12.05.2024",
        "44$ ≈ 0.00107 BTC",
        "done.Today we ship",  # a missing space, not a domain
        "t.me/cardhouse_cvv",  # telegram.py reports the link
        "telegram.me/cardhouse_cvv telegram.dog/x",
        ONION,
        "co.uk",
        "3326742e9f5ce38d90ea4d37b43eeebc077dcbe5bb98e956bc74fd8f5fd3fcdd",
        "a.b",
        "shop-.com",
        # Russian prose without a space after the full stop: no public suffix
        "Привет.Как дела",
        "привет.как дела",
        "т.е. так и т.д.",
        "доставка по г.москва",  # an abbreviation; Cyrillic names have two letters at least
        "пример.рфы",  # the TLD is the whole word
        "пример.рф-",
        "https://пример.рф/путь",  # the URL's
        "info@магазин.рф",  # the address's
        "сайѕ.рф",  # a Macedonian dze among Russian letters: a look-alike
    ],
)
def test_not_domains(text: str) -> None:
    assert of_type(text, "domain") == []


def test_file_extension_list_holds_only_real_tlds() -> None:
    from publicsuffixlist import PublicSuffixList

    psl = PublicSuffixList(only_icann=True)
    for ext in FILE_EXTENSIONS:
        assert psl.publicsuffix("x." + ext, accept_unknown=False) == ext


def test_domain_later_in_a_url_path_is_reported() -> None:
    # Only the URL's host is the URL's; a domain in its query stands on its own.
    assert of_type("https://a-shop.com/go?to=b-shop.com", "domain") == ["b-shop.com"]


# ---------------------------------------------------------------------------- all together


def test_mixed_text() -> None:
    text = ("Shop: https://shop-x.com/cards (mirror shop-y.ru), mail support@shop-x.com, "
            "files: base.zip")
    assert sorted((f.type, f.normalized) for f in find(text)) == [
        ("domain", "shop-y.ru"),
        ("email", "support@shop-x.com"),
        ("url", "https://shop-x.com/cards"),
    ]


# ---------------------------------------------------------------------------- example export


def test_example_urls_with_a_scheme_are_found() -> None:
    messages = example_messages()
    urls = [e for e in example()["entity_indicators"]
            if e["type"] == "url" and "://" in e["value"]]
    assert urls
    checked = 0
    for entity in urls:
        for occurrence in entity["occurrences"]:
            text = messages[(occurrence["chat_id"], occurrence["message_id"])]
            if entity["value"] not in text:
                continue  # a text_link: the target is not in the text
            assert entity["value"] in values(text, "url")
            checked += 1
    assert checked


def test_example_emails() -> None:
    messages = example_messages()
    for entity in (e for e in example()["entity_indicators"] if e["type"] == "email"):
        expected = [] if entity["value"].endswith(".example") else [entity["value"]]
        for occurrence in entity["occurrences"]:
            text = messages[(occurrence["chat_id"], occurrence["message_id"])]
            assert of_type(text, "email") == expected


# ---------------------------------------------------------------------------- engine compatibility
