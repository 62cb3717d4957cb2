"""Contact identifiers (``bazaarwatch.indicators.contacts``): Session, Tox, XMPP, Wickr,
Threema, PGP keys and fingerprints, phone numbers.

The PGP key blocks below were made with GnuPG 2.2 (``gpg --quick-gen-key``, then
``gpg --armor --export``) for fictional users; their fingerprints are the ones GnuPG
printed. Tox IDs are built here with an independent checksum implementation.
"""

from __future__ import annotations

import base64

import pytest
from indicator_support import Found, example, example_messages, matches

from bazaarwatch.indicators import contacts
from bazaarwatch.indicators.base import Accepted, Pattern
from bazaarwatch.indicators.contacts import (
    PATTERNS,
    is_xmpp_domain,
    make_phone_pattern,
    validate_pgp_block,
    validate_tox,
)


def find(text: str, patterns: list[Pattern] | None = None) -> list[Found]:
    return matches(PATTERNS if patterns is None else patterns, text)


def values(text: str, type_: str) -> list[str]:
    return [f.value for f in find(text) if f.type == type_]


def of_type(text: str, type_: str) -> list[tuple[str, bool]]:
    return [(f.normalized, f.checked) for f in find(text) if f.type == type_]


# ---------------------------------------------------------------------------- Session

SESSION = "05" + "d871fc80ca007eed9b2f4df72853e2a2d5465a92fcb1889fb5c84aa2833b3b40"


@pytest.mark.parametrize(
    "text",
    [
        "{s}",
        "Session: {s}",
        "session id {s}.",
        "(session:{s})",
        "**{s}**",
    ],
)
def test_session_id(text: str) -> None:
    assert of_type(text.format(s=SESSION), "session_id") == [(SESSION, True)]


def test_session_id_upper_case_is_normalized() -> None:
    assert of_type(SESSION.upper(), "session_id") == [(SESSION, True)]


@pytest.mark.parametrize(
    "text",
    [
        SESSION[2:],  # 64 hex: a transaction id or a hash
        "03" + SESSION[2:],  # a compressed public key
        SESSION + "ab",  # inside a longer run
        "0x" + SESSION,
        "a" + SESSION,
        SESSION[:-1] + "g",
    ],
)
def test_not_session_ids(text: str) -> None:
    assert of_type(text, "session_id") == []


# ---------------------------------------------------------------------------- Tox


def build_tox(pubkey: bytes, nospam: bytes) -> str:
    body = pubkey + nospam
    checksum = bytearray(2)
    for index, byte in enumerate(body):
        checksum[index % 2] ^= byte
    return (body + bytes(checksum)).hex().upper()


TOX = build_tox(bytes.fromhex("56A1ADE4B65B86BCD51CC73E2CD4E542179F47959FE3E0E21B4B0ACDADE51855"),
                bytes.fromhex("D34D34D3"))


def test_tox_id() -> None:
    assert of_type(f"tox: {TOX}", "tox") == [(TOX, True)]
    assert of_type(TOX.lower(), "tox") == [(TOX, True)]
    assert of_type(f"(tox:{TOX})", "tox") == [(TOX, True)]


def test_every_one_character_change_of_a_tox_id_is_rejected() -> None:
    for i, original in enumerate(TOX):
        for replacement in "0123456789ABCDEF":
            if replacement != original:
                changed = TOX[:i] + replacement + TOX[i + 1 :]
                assert validate_tox(changed) is None, changed


@pytest.mark.parametrize("text", [TOX[:-2], TOX + "00", "x" + TOX, "0x" + TOX])
def test_not_tox_ids(text: str) -> None:
    assert of_type(text, "tox") == []


# ---------------------------------------------------------------------------- XMPP


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("xmpp:vendor@jabber.example.org", "vendor@jabber.example.org"),
        ("xmpp:Vendor@Example.com", "vendor@example.com"),
        ("jabber: vendor@example.com", "vendor@example.com"),
        ("Jabber - vendor@example.com", "vendor@example.com"),
        ("JID=vendor@example.com", "vendor@example.com"),
        ("XMPP ID: vendor@example.com", "vendor@example.com"),
        ("jabber-id: vendor@example.com", "vendor@example.com"),
        ("jabber vendor@example.com", "vendor@example.com"),
        ("contact: vendor@jabber.ru", "vendor@jabber.ru"),
        ("vendor@xmpp.jp", "vendor@xmpp.jp"),
        ("(vendor@exploit.im)", "vendor@exploit.im"),
        ("vendor@jabber.ccc.de.", "vendor@jabber.ccc.de"),
        ("**vendor@thesecure.biz**", "vendor@thesecure.biz"),
        ("xmpp:room@conference.jabber.example.net", "room@conference.jabber.example.net"),
    ],
)
def test_xmpp(text: str, expected: str) -> None:
    assert of_type(text, "xmpp") == [(expected, True)]


@pytest.mark.parametrize(
    "text",
    [
        "vendor@gmail.com",  # an e-mail: no label, not an XMPP-only host
        "jid-vendor@example.com",  # "-" does not separate a label
        "jabber.support@example.com",
        "jabber: .vendor@example.com",
        "jabber: vendor@localhost",
        "xmpp:vendor@example.123",
        "jabber:",
    ],
)
def test_not_xmpp(text: str) -> None:
    assert of_type(text, "xmpp") == []


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("Jabber: south_deal@jabber.ru", "south_deal@jabber.ru"),
        ("xmpp:vendor@example.com", "vendor@example.com"),
        ("JID = vendor@example.com.", "vendor@example.com"),
        ("(vendor@exploit.im)", "vendor@exploit.im"),
    ],
)
def test_xmpp_value_is_the_address_without_its_label(text: str, value: str) -> None:
    assert values(text, "xmpp") == [value]


def test_xmpp_domain_rule() -> None:
    assert is_xmpp_domain("jabber.ru")
    assert is_xmpp_domain("XMPP.jp")
    assert is_xmpp_domain("jabber.calyxinstitute.org")
    assert is_xmpp_domain("exploit.im")
    assert not is_xmpp_domain("gmail.com")
    assert not is_xmpp_domain("myjabber.ru")


# ---------------------------------------------------------------------------- Wickr, Threema


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("wickr: drugs_king", "drugs_king"),
        ("Wickr: Drugs.King", "drugs.king"),
        ("WICKR ME - vendor-24", "vendor-24"),
        ("wickr id: @vendor24.", "vendor24"),
        ("Wickr=vendor24, Session below", "vendor24"),
    ],
)
def test_wickr(text: str, expected: str) -> None:
    assert of_type(text, "wickr") == [(expected, True)]


@pytest.mark.parametrize(
    "text",
    ["add me on wickr", "wickr vendor24", "wickr: only", "wickr: me", "wickr: available",
     "mywickr: vendor24"],
)
def test_not_wickr(text: str) -> None:
    assert of_type(text, "wickr") == []


def test_wickr_and_threema_values_are_the_ids_without_their_labels() -> None:
    assert values("Wickr Me - Drugs.King, threema: ABCD2345", "wickr") == ["Drugs.King"]
    assert values("wickr id: @vendor24.", "wickr") == ["vendor24"]
    assert values("Wickr Me - Drugs.King, threema: ABCD2345", "threema") == ["ABCD2345"]
    assert values("https://threema.id/ABCD2345", "threema") == ["ABCD2345"]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("threema: ABCD2345", "ABCD2345"),
        ("Threema ID: ECHOECHO", "ECHOECHO"),
        ("Threema-ID ABCD2345", "ABCD2345"),
        ("threema ABCD2345", "ABCD2345"),
        ("https://threema.id/ABCD2345", "ABCD2345"),
        ("Threema: *GATEWAY.", "*GATEWAY"),
        ("(threema: ABCD2345)", "ABCD2345"),
    ],
)
def test_threema(text: str, expected: str) -> None:
    assert of_type(text, "threema") == [(expected, True)]


@pytest.mark.parametrize(
    "text",
    [
        "Threema FEATURES",  # no digit and no separator: a word, not an ID
        "threema: abcd2345",  # IDs are upper case
        "threema: ABCD234",
        "threema: ABCD23456",
        "THREEMA",
    ],
)
def test_not_threema(text: str) -> None:
    assert of_type(text, "threema") == []


# ---------------------------------------------------------------------------- PGP

ED25519_FPR = "CEF57B13CDF7BF5A67396AFE71C091B05DC82384"
ED25519_BODY = """\
mDMEawfQuBYJKwYBBAHaRw8BAQdAvdrwrmuq3H9xxxnhuqUn0elRBqjYxEGz0+zV
vkUDXby0I0V4YW1wbGUgVmVuZG9yIDx2ZW5kb3JAZXhhbXBsZS5vcmc+iJYEExYI
AD4WIQTO9XsTzfe/Wmc5av5xwJGwXcgjhAUCawfQuAIbAwUJA8JnAAULCQgHAgYV
CgkICwIEFgIDAQIeAQIXgAAKCRBxwJGwXcgjhHXjAQCQ42oa2ydZpQL6BLy3RCU5
Cec9d9tIqLdAH37i9Azx7wD+NJ87mCQTawjVbqV1kU5AUB0NB8/dxzKOzZb/R/Vc
ngU="""
ED25519_CRC = "=hAsF"

RSA_FPR = "671CE47C475C37CB0CD23C6AF6B86962B906564D"
RSA_BLOCK = """\
-----BEGIN PGP PUBLIC KEY BLOCK-----

mQENBGsH0aMBCADQamcsxjF0jzm/wBHdLqO9w9JVD44IPkPVm8NVkVrxh8sfQTAS
4i0esWQyxg5lTXC64hZRblaiaukULALFasWigdXP/BJEMcZ0E14+Y+22pTqkB9qu
s5a0QR9pwjsgOhrc1qyUu3v4iaPvMWn0vVnrUQK1skbaahDgmPS0LbxasdLb6p6e
2j1ynkzMSnMCxrLSRxuyI/HIgDk2pULezDGKRMxLFVtpda6niU1XwbAalLc+N5K2
F0jLFI3rgdYDv+zDi0eoUudho31NdnoNONCfAj5A7dbeknc8M3E/sBTwnjgOiy70
Wkmuw7mWXPZoH6tVUUn3LEvWeA8W7kzOn0A5ABEBAAG0HFJTQSBWZW5kb3IgPHJz
YUBleGFtcGxlLm9yZz6JAVQEEwEKAD4WIQRnHOR8R1w3ywzSPGr2uGliuQZWTQUC
awfRowIbAwUJA8JnAAULCQgHAgYVCgkICwIEFgIDAQIeAQIXgAAKCRD2uGliuQZW
TacKCAC0WFsGECOjRnKw+g1tvTm+BEWL8MsrGZDcqT+O5Flpo+SQ5bRH4Q0QipVJ
jv4ph9hSWNRKGGjahYriAm7bpDa4QgLyHsq5i8sScvN45zdLdo5ok79WoonHXH+S
tBGtysmz4BFli07eHyoBm/ngYfCpl/AY51DnSdZUKxoOEOTtCBqSVS5FsVp08hyq
pYXEq3zTvNXoeYneM21NXXfsmxTFyhsXruavxm3pvBE5j+yzLDJVxHfx3DWpdN9B
dBBiFLr9MywO8W7jqEmOqpWclovl7ta9ofCJr434Ei7ekkw7VPCDI3jPR3Xn3m79
B6ZZtB2gmhaK6t592Ga4to4pRskg
=O/am
-----END PGP PUBLIC KEY BLOCK-----"""


def armored(body: str, crc: str | None = ED25519_CRC, headers: str = "") -> str:
    tail = f"\n{crc}" if crc else ""
    return (f"-----BEGIN PGP PUBLIC KEY BLOCK-----\n{headers}\n{body}{tail}\n"
            "-----END PGP PUBLIC KEY BLOCK-----")


ED25519_BLOCK = armored(ED25519_BODY)


def test_pgp_block_yields_its_fingerprint() -> None:
    assert of_type(f"my key:\n{ED25519_BLOCK}\nthanks", "pgp") == [(ED25519_FPR, True)]
    assert of_type(RSA_BLOCK, "pgp") == [(RSA_FPR, True)]


def test_pgp_block_with_armor_headers() -> None:
    headers = "Version: GnuPG v2\nComment: GPGTools - https://gpgtools.org\n"
    assert of_type(armored(ED25519_BODY, headers=headers), "pgp") == [(ED25519_FPR, True)]


def test_pgp_block_with_crlf_and_indentation() -> None:
    block = "\r\n".join("  " + line for line in ED25519_BLOCK.split("\n"))
    assert of_type(block.strip(), "pgp") == [(ED25519_FPR, True)]


def test_pgp_block_without_crc_is_unchecked() -> None:
    assert of_type(armored(ED25519_BODY, crc=None), "pgp") == [(ED25519_FPR, False)]


def test_pgp_block_with_new_format_packet_header() -> None:
    data = bytearray(base64.b64decode("".join(ED25519_BODY.split())))
    assert data[0] == 0x98  # old format, tag 6, one-octet length
    data[0] = 0xC6  # new format, tag 6; the length octet stays
    body = base64.b64encode(bytes(data)).decode()
    assert of_type(armored(body, crc=None), "pgp") == [(ED25519_FPR, False)]


def test_two_pgp_blocks_in_one_text() -> None:
    text = f"old:\n{RSA_BLOCK}\nnew:\n{ED25519_BLOCK}\n"
    assert of_type(text, "pgp") == [(RSA_FPR, True), (ED25519_FPR, True)]


def test_pgp_block_with_wrong_crc_is_rejected() -> None:
    assert of_type(armored(ED25519_BODY, crc="=hAsG"), "pgp") == []


def test_pgp_block_with_a_changed_character_is_rejected() -> None:
    lines = ED25519_BODY.split("\n")
    for row, column in ((0, 10), (2, 30), (4, 5)):
        line = lines[row]
        swapped = "B" if line[column] != "B" else "C"
        changed = lines.copy()
        changed[row] = line[:column] + swapped + line[column + 1 :]
        block = armored("\n".join(changed))
        assert validate_pgp_block(block) is None


@pytest.mark.parametrize(
    "text",
    [
        ED25519_BLOCK.replace("PUBLIC KEY", "PRIVATE KEY"),
        ED25519_BLOCK.replace("-----END PGP PUBLIC KEY BLOCK-----", ""),
        armored("bm90IGEga2V5IGF0IGFsbA==", crc=None),  # base64 of "not a key at all"
        armored("!!!", crc=None),
        "-----BEGIN PGP SIGNATURE-----\nabc\n-----END PGP SIGNATURE-----",
    ],
)
def test_not_pgp_blocks(text: str) -> None:
    assert of_type(text, "pgp") == []


@pytest.mark.parametrize(
    "text",
    [
        "Key fingerprint = CEF5 7B13 CDF7 BF5A 6739  6AFE 71C0 91B0 5DC8 2384",
        "PGP: CEF57B13CDF7BF5A67396AFE71C091B05DC82384",
        "my gpg key cef57b13cdf7bf5a67396afe71c091b05dc82384.",
        "OpenPGP fingerprint: (CEF5 7B13 CDF7 BF5A 6739 6AFE 71C0 91B0 5DC8 2384)",
        "fpr CEF57B13CDF7BF5A67396AFE71C091B05DC82384",
    ],
)
def test_pgp_fingerprint_near_a_keyword(text: str) -> None:
    assert of_type(text, "pgp") == [(ED25519_FPR, False)]


@pytest.mark.parametrize(
    "text",
    [
        "fingerprint: CEF57B13CDF7BF5A67396AFE71C091B05DC82384",
        "PGP fingerprint CEF57B13CDF7BF5A67396AFE71C091B05DC82384",
        "GPG-fingerprint=CEF57B13CDF7BF5A67396AFE71C091B05DC82384",
        "Primary key fingerprint: CEF5 7B13 CDF7 BF5A 6739  6AFE 71C0 91B0 5DC8 2384",
        "PGP key: CEF57B13CDF7BF5A67396AFE71C091B05DC82384",
        "GPG:CEF57B13CDF7BF5A67396AFE71C091B05DC82384",
        "OpenPGP: 0xCEF57B13CDF7BF5A67396AFE71C091B05DC82384",
        "gpg fpr cef57b13cdf7bf5a67396afe71c091b05dc82384",
    ],
)
def test_pgp_fingerprint_labels(text: str) -> None:
    assert of_type(text, "pgp") == [(ED25519_FPR, False)]


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("PGP: CEF57B13CDF7BF5A67396AFE71C091B05DC82384.",
         "CEF57B13CDF7BF5A67396AFE71C091B05DC82384"),
        ("Key fingerprint = CEF5 7B13 CDF7 BF5A 6739  6AFE 71C0 91B0 5DC8 2384",
         "CEF5 7B13 CDF7 BF5A 6739  6AFE 71C0 91B0 5DC8 2384"),
        ("OpenPGP fingerprint: (0xcef57b13cdf7bf5a67396afe71c091b05dc82384)",
         "cef57b13cdf7bf5a67396afe71c091b05dc82384"),
    ],
)
def test_pgp_fingerprint_value_is_the_hex_alone(text: str, value: str) -> None:
    assert values(text, "pgp") == [value]


@pytest.mark.parametrize(
    "text",
    [
        "CEF57B13CDF7BF5A67396AFE71C091B05DC82384",  # no keyword: could be anything
        "sha1 CEF57B13CDF7BF5A67396AFE71C091B05DC82384",
        "PGP key? no, ETH 0x7438F0D53b7717881CB47925FD0CB333De3aCa4A",
        "PGP: 7438F0D53b7717881CB47925FD0CB333De3aCa4A",  # mixed case: an EIP-55 body
        "PGP " + "x" * 41 + " CEF57B13CDF7BF5A67396AFE71C091B05DC82384",  # too far away
        "PGP\nCEF57B13CDF7BF5A67396AFE71C091B05DC82384",  # not on the same line
        "PGP: CEF57B13CDF7BF5A67396AFE71C091B05DC8238",  # 39 digits
        "PGP: CEF57B13CDF7BF5A67396AFE71C091B05DC823841",  # 41 digits
        "PGP tx 3326742e9f5ce38d90ea4d37b43eeebc077dcbe5bb98e956bc74fd8f5fd3fcdd",
        # "PGP" somewhere before a hash is not a label
        "-----END PGP PUBLIC KEY BLOCK----- | build 3593026d5f0e2a8b9c1d4e7f6a5b4c3d2e1f0a9b",
        "PGP key in the pinned post. commit 3593026d5f0e2a8b9c1d4e7f6a5b4c3d2e1f0a9b",
        "see PGP. 3593026d5f0e2a8b9c1d4e7f6a5b4c3d2e1f0a9b",
        "PGP 3593026d5f0e2a8b9c1d4e7f6a5b4c3d2e1f0a9b",  # a bare "PGP" needs ":" or "="
        "GPG signed, sha1 3593026d5f0e2a8b9c1d4e7f6a5b4c3d2e1f0a9b",
        "fingerprint of the build: 3593026d5f0e2a8b9c1d4e7f6a5b4c3d2e1f0a9b",
        "mypgp: 3593026d5f0e2a8b9c1d4e7f6a5b4c3d2e1f0a9b",
    ],
)
def test_not_pgp_fingerprints(text: str) -> None:
    assert of_type(text, "pgp") == []


# ---------------------------------------------------------------------------- phone


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("call +44 7911 123456", "+447911123456"),
        ("+7 (999) 123-45-67", "+79991234567"),
        ("+79991234567", "+79991234567"),
        ("tel:+1-202-555-0143.", "+12025550143"),
        ("(+49 30 901820)", "+4930901820"),
        ("+33 6 12 34 56 78, evenings", "+33612345678"),
        ("WhatsApp:+380441234567", "+380441234567"),
        ("https://t.me/+79991234567", "+79991234567"),
        ("+44 7911 123456 2024", "+447911123456"),  # runs on into a year
        ("**+44 7911 123456**", "+447911123456"),
    ],
)
def test_international_phones(text: str, expected: str) -> None:
    assert of_type(text, "phone") == [(expected, True)]


@pytest.mark.parametrize("text", [
    "WhatsApp +44 7700 900481", "+447700900481", "+44-7700-900-481", "(+44) 7700 900481",
    "0044 7700 900481", "tel:+447700900481", "call +447700900481.",
])
def test_fictional_range_with_explicit_country_code_is_unchecked(text: str) -> None:
    """07700 900xxx is set aside by Ofcom for drama: not valid, but written as a phone
    in every common layout, so found (and masked in outputs), marked unchecked."""
    assert of_type(text, "phone") == [("+447700900481", False)]


@pytest.mark.parametrize(("text", "expected"), [
    ("0044 7911 123456", "+447911123456"),
    ("007 999 123-45-67", "+79991234567"),
    ("(+44) 7911 123456", "+447911123456"),
])
def test_call_prefix_and_bracketed_country_code(text: str, expected: str) -> None:
    assert of_type(text, "phone") == [(expected, True)]


@pytest.mark.parametrize(
    "text",
    [
        "Balance credited: +25.00$",
        "Прогноз на выходные: +22 и солнце",
        "+0.00107 BTC",
        "8 (999) 123-45-67",  # national: needs a default region
        "89991234567",
        "Order #48213, 1 day — 30$",
        "4111 1111 1111 1111",
        "2024-05-01",
        "+1 500",
        "+25 000 000 sold",
        "Balance: +150000000",  # too short for a number written without separators
        "order 00447911123456",  # 00 and a bare digit run: an order number as often
        "invoice 1004 4791 1123",
        "version 1.2.3",
        "3326742e9f5ce38d90ea4d37b43eeebc077dcbe5bb98e956bc74fd8f5fd3fcdd",
    ],
)
def test_not_international_phones(text: str) -> None:
    assert of_type(text, "phone") == []


@pytest.mark.parametrize(
    ("region", "text", "expected"),
    [
        ("RU", "звони 8 (999) 123-45-67", "+79991234567"),
        ("RU", "8 999 123 45 67", "+79991234567"),
        ("RU", "(495) 123-45-67", "+74951234567"),
        ("GB", "07911 123456", "+447911123456"),
        ("US", "call (415) 555-2671.", "+14155552671"),
        ("DE", "030 901820", "+4930901820"),
        ("FR", "06.12.34.56.78", "+33612345678"),
        ("ru", "+44 7911 123456", "+447911123456"),
    ],
)
def test_national_phones_with_a_default_region(region: str, text: str, expected: str) -> None:
    found = find(text, [make_phone_pattern(region)])
    assert [(f.normalized, f.checked) for f in found] == [(expected, True)]


@pytest.mark.parametrize(
    ("region", "text"),
    [
        ("RU", "89991234567"),  # a bare digit run
        ("RU", "12345678"),
        ("RU", "order 48213"),
        ("RU", "12.05.2024"),
        ("DE", "12.05.2024"),
        ("RU", "2024-05-01"),
        ("GB", "12.05.2024 14:30"),
        ("US", "2024-05-01 12:00"),
        ("IN", "12.05.24 14:30"),
        ("RU", "1 500 000 ₽"),
        ("RU", "5555 5555 5555 4444"),
        ("US", "4111-1111-1111-1111"),
        ("RU", "44$ ≈ 0.00107 BTC"),
        ("RU", "1.2.3"),
    ],
)
def test_not_national_phones(region: str, text: str) -> None:
    assert find(text, [make_phone_pattern(region)]) == []


def test_unknown_region_is_an_error() -> None:
    with pytest.raises(ValueError, match="region"):
        make_phone_pattern("XX")


def test_default_patterns_find_only_international_numbers() -> None:
    phone = [p for p in PATTERNS if p.type == "phone"]
    assert len(phone) == 1
    assert find("8 (999) 123-45-67 or +7 999 123-45-67", phone) == [
        Found("phone", "+7 999 123-45-67", "+79991234567", True)]


# ---------------------------------------------------------------------------- example export


def test_example_phone_is_found_and_nothing_else() -> None:
    messages = example_messages()
    phones = [e for e in example()["entity_indicators"] if e["type"] == "phone"]
    assert phones
    expected = set()
    for entity in phones:
        e164 = "+" + "".join(c for c in entity["value"] if c.isdigit())
        expected.add(e164)
        for occurrence in entity["occurrences"]:
            text = messages[(occurrence["chat_id"], occurrence["message_id"])]
            # The example uses a range set aside for fiction: kept, marked unchecked.
            assert of_type(text, "phone") == [(e164, False)]
    found = {n for text in messages.values() for n, _ in of_type(text, "phone")}
    assert found == expected


def test_example_export_has_no_other_contact_ids() -> None:
    found = {f.type for text in example_messages().values() for f in find(text)
             if f.type != "phone"}
    assert found == set()


# ---------------------------------------------------------------------------- engine compatibility


@pytest.mark.parametrize("text", [
    "PGP отпечаток: FD04 654B A672 4C4D 226B D3E1 80F2 5D44 333B EB04",
    "Отпечаток ключа: FD04654BA6724C4D226BD3E180F25D44333BEB04",
    "verify with PGP FD04654BA6724C4D226BD3E180F25D44333BEB04;",
])
def test_pgp_fingerprint_labels_in_russian_and_bare_pgp(text: str) -> None:
    from bazaarwatch.indicators import default_extractor

    [found] = [i for i in default_extractor().extract(text) if i.type == "pgp"]
    assert found.normalized == "FD04654BA6724C4D226BD3E180F25D44333BEB04"
    assert text[found.start:found.end].replace(" ", "") == found.normalized


@pytest.mark.parametrize("text", [
    "PGP fingerprint: «0734DBF294C019A88EA1B860014EB72C69DFB7E8»",
    'PGP: "0734 DBF2 94C0 19A8 8EA1 B860 014E B72C 69DF B7E8" | t.me/+Bg4GEJPJwqw2wNFE',
])
def test_pgp_fingerprint_in_quotes(text: str) -> None:
    from bazaarwatch.indicators import default_extractor

    [found] = [i for i in default_extractor().extract(text) if i.type == "pgp"]
    assert found.normalized == "0734DBF294C019A88EA1B860014EB72C69DFB7E8"


def test_a_repeated_phone_candidate_is_parsed_once(monkeypatch: pytest.MonkeyPatch) -> None:
    parsed: list[str] = []
    validate = contacts._validate_phone

    def counting(candidate: str, region: str | None) -> Accepted | None:
        parsed.append(candidate)
        return validate(candidate, region)

    monkeypatch.setattr(contacts, "_validate_phone", counting)
    pattern = make_phone_pattern(None)
    first = pattern.validate("+44 7911 123456")
    assert first is not None and first.normalized == "+447911123456"
    assert pattern.validate("+44 7911 123456") is first
    assert pattern.validate("+7 900 000-00-00 x") == validate("+7 900 000-00-00 x", None)
    assert parsed == ["+44 7911 123456", "+7 900 000-00-00 x"]


def test_remembered_phone_answers_stay_right_past_the_bound(
        monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(contacts, "_REMEMBERED_PHONES", 3)
    pattern = make_phone_pattern("RU")
    candidates = ["+44 7911 123456", "8 (999) 123-45-67", "+1 555", "2024-05-01 12:00",
                  "+7 900 000-00-00", "+44 7700 900481"] * 3
    assert [pattern.validate(c) for c in candidates] == [
        contacts._validate_phone(c, "RU") for c in candidates]
