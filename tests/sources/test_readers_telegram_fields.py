"""The Telegram Desktop reader, field by field, on small hand-written exports.

The fixtures (tests/fixtures/readers/telegram_*.json) follow tdesktop's
export_output_json.cpp: one-space indentation, plain text parts as strings inside a
``text`` list, ``text_entities`` with every part, ``from``/``from_id`` with user/channel/chat
prefixes, ``"from": null`` for a deleted account, and a nameless ``saved_messages`` chat.
"""

from __future__ import annotations

import json
import shutil
import zipfile
from pathlib import Path

import pytest
from readers_support import (
    FIXTURES,
    FULL,
    SINGLE,
    Doc,
    load_fixture,
    tg_message,
    write_export,
    zip_export,
)

from bazaarwatch.errors import InputError
from bazaarwatch.model import Button, Chat, Entity, Media, Message, Reaction
from bazaarwatch.sources import detect, get_reader

GROUP = Chat(id="1987654321", name="Барахолка Москва | Flea market", type="private_supergroup")


def read(path: Path) -> list[Message]:
    return list(get_reader("telegram").read(path))


def by_id(messages: list[Message]) -> dict[int | str, Message]:
    return {m.id: m for m in messages}


@pytest.fixture
def single() -> dict[int | str, Message]:
    return by_id(read(FIXTURES / SINGLE))


@pytest.fixture
def full() -> list[Message]:
    return read(FIXTURES / FULL)


# -- the chat and the message sequence ---------------------------------------------------------

def test_single_chat_export_reads_every_message_in_order() -> None:
    messages = read(FIXTURES / SINGLE)
    assert [m.id for m in messages] == list(range(1, 16))
    assert {m.chat for m in messages} == {GROUP}


def test_full_account_export_reads_chats_and_left_chats(full: list[Message]) -> None:
    chats = {m.chat.id: m.chat for m in full}
    assert chats == {
        "222222": Chat(id="222222", name="Алексей", type="personal_chat"),
        "5000000001": Chat(id="5000000001", name="Shop Bot", type="bot_chat"),
        # tdesktop writes no "name" for Saved Messages.
        "100000001": Chat(id="100000001", name=None, type="saved_messages"),
        "1122334455": Chat(id="1122334455", name="Dark Market News", type="public_channel"),
    }
    assert [(m.chat.id, m.id) for m in full] == [
        ("222222", 1), ("222222", 2),
        ("5000000001", 1), ("5000000001", 2), ("5000000001", 3),
        ("100000001", 1),
        ("1122334455", 1), ("1122334455", 2),
    ]


# -- text and entities -------------------------------------------------------------------------

EXPECTED_TEXT = (
    "🔥🔥 Продаю дампы, пишите @dump_seller или Иван. Сайт: https://example.onion/shop, "
    "каталог\n#дампы $USDT /start\nemail: sales@example.com тел: +7 999 123-45-67 "
    "карта: 4276 1234 5678 9012 СКИДКА 😀 10%"
)

# Offsets counted by hand in code points (the two 🔥 before the first entity are one code
# point each; in UTF-16 they would be two, and every offset below would be 2 larger).
EXPECTED_ENTITIES = [
    Entity(type="mention", offset=24, length=12, text="@dump_seller"),
    Entity(type="mention_name", offset=41, length=4, text="Иван", user_id=333333),
    Entity(type="link", offset=53, length=26, text="https://example.onion/shop"),
    Entity(type="text_link", offset=81, length=7, text="каталог",
           href="https://t.me/+AbCdEf123"),
    Entity(type="hashtag", offset=89, length=6, text="#дампы"),
    Entity(type="cashtag", offset=96, length=5, text="$USDT"),
    Entity(type="bot_command", offset=102, length=6, text="/start"),
    Entity(type="email", offset=116, length=17, text="sales@example.com"),
    Entity(type="phone", offset=139, length=16, text="+7 999 123-45-67"),
    Entity(type="bank_card", offset=163, length=19, text="4276 1234 5678 9012"),
    Entity(type="bold", offset=183, length=12, text="СКИДКА 😀 10%"),
]


def test_plain_string_text_has_no_entities(single: dict[int | str, Message]) -> None:
    m = single[2]
    assert m.text == "Привет всем! Есть кто живой?"
    assert m.entities == []


def test_entities_spans_types_href_and_user_id(single: dict[int | str, Message]) -> None:
    m = single[3]
    assert m.text == EXPECTED_TEXT
    assert len(m.text) == 195
    assert m.entities == EXPECTED_ENTITIES
    for e in m.entities:
        assert m.text[e.offset:e.offset + e.length] == e.text


def test_offsets_are_code_points_not_utf16(single: dict[int | str, Message]) -> None:
    bold = single[3].entities[-1]
    # The bold span holds an astral emoji: one code point, two UTF-16 units.
    assert bold.length == len("СКИДКА 😀 10%") == 12
    assert len("СКИДКА 😀 10%".encode("utf-16-le")) // 2 == 13
    utf16_offset = len(EXPECTED_TEXT[:bold.offset].encode("utf-16-le")) // 2
    assert (bold.offset, utf16_offset) == (183, 185)


def _message_3_variant(keep: str) -> Doc:
    doc = load_fixture(SINGLE)
    message = next(m for m in doc["messages"] if m["id"] == 3)
    message.pop("text_entities" if keep == "text" else "text")
    doc["messages"] = [message]
    return doc


@pytest.mark.parametrize("keep", ["text", "text_entities"])
def test_text_list_alone_and_text_entities_alone_agree(tmp_path: Path, keep: str) -> None:
    file = write_export(tmp_path / "export", _message_3_variant(keep))
    [m] = read(file)
    assert m.text == EXPECTED_TEXT
    assert m.entities == EXPECTED_ENTITIES


def test_text_list_without_text_entities_older_export(single: dict[int | str, Message]) -> None:
    m = single[14]
    assert m.text == "Смотри http://old.example"
    assert m.entities == [Entity(type="link", offset=7, length=18, text="http://old.example")]


def test_astral_characters_before_entities(tmp_path: Path) -> None:
    parts = [{"type": "plain", "text": "👨‍👩‍👧 𝄞 "}, {"type": "mention", "text": "@shop"},
             {"type": "plain", "text": " 🇷🇺"}, {"type": "hashtag", "text": "#кардинг"}]
    doc = {"name": "Emoji", "type": "public_channel", "id": 42,
           "messages": [tg_message(1, text=["👨‍👩‍👧 𝄞 ", parts[1], " 🇷🇺", parts[3]],
                                   text_entities=parts)]}
    [m] = read(write_export(tmp_path / "export", doc))
    # family emoji = 5 code points (3 people + 2 ZWJ), space, 𝄞 (U+1D11E), space -> offset 8;
    # " 🇷🇺" = space + 2 regional indicators.
    assert m.entities == [Entity(type="mention", offset=8, length=5, text="@shop"),
                          Entity(type="hashtag", offset=16, length=8, text="#кардинг")]
    assert m.text[8:13] == "@shop"


# -- sender, dates, forwards, replies ----------------------------------------------------------

def test_sender_user_channel_chat_and_deleted(single: dict[int | str, Message]) -> None:
    assert (single[2].sender_id, single[2].sender_name) == ("user222222", "Алексей")
    assert (single[13].sender_id, single[13].sender_name) == (
        "channel1987654321", "Барахолка Москва | Flea market")
    assert (single[14].sender_id, single[14].sender_name) == ("chat777777", "Старая группа")
    # Deleted account: "from": null, from_id still present.
    assert (single[6].sender_id, single[6].sender_name) == ("user666666", None)


def test_dates_come_from_date_unixtime(single: dict[int | str, Message]) -> None:
    # "date" is local time (13:01, +03:00); date_unixtime (10:01 UTC) must win.
    assert single[2].date == 1714557660
    assert single[1].date == 1714557600
    # An old export without date_unixtime: the ISO date is read as UTC.
    assert single[15].date == 1714608000


def test_edited(single: dict[int | str, Message]) -> None:
    assert single[4].edited == 1714561500
    assert single[2].edited is None


def test_forwarded_saved_and_reply(single: dict[int | str, Message]) -> None:
    m = single[4]
    assert m.forwarded_from == "Новости Даркнета"
    assert m.reply_to == 3
    assert m.saved_from is None
    assert single[14].saved_from == "Архив продавца"
    assert single[2].forwarded_from is None
    assert single[2].reply_to is None


def test_via_bot_buttons_and_reactions(single: dict[int | str, Message]) -> None:
    m = single[5]
    assert m.via_bot == "@shopbot"
    assert m.buttons == [
        [Button(type="callback", text="Купить", data="buy:42"),
         Button(type="url", text="Open site", data="https://shop.example/item/42")],
        [Button(type="callback", text="Назад", data="back")],
    ]
    assert m.reactions == [Reaction(type="emoji", count=3, emoji="👍"),
                           Reaction(type="custom_emoji", count=1, emoji="5368324170671202286")]
    assert m.details == {}


# -- media -------------------------------------------------------------------------------------

def test_photo(single: dict[int | str, Message]) -> None:
    assert single[7].media == Media(kind="photo", path="photos/photo_1@01-05-2024_13-10-00.jpg",
                                    size=123456, width=1280, height=960)


def test_file_with_media_type(single: dict[int | str, Message]) -> None:
    assert single[8].media == Media(kind="video_file", path="video_files/demo.mp4",
                                    name="demo.mp4", mime_type="video/mp4", size=2345678,
                                    width=1920, height=1080, duration=42)
    assert single[8].details == {}  # thumbnail fields are known, not "extra"


def test_file_not_included_placeholder_has_no_path(single: dict[int | str, Message]) -> None:
    assert single[9].media == Media(kind="file", path=None, name="price_list.pdf",
                                    mime_type="application/pdf", size=98765)


def test_absolute_and_climbing_media_paths_are_dropped(single: dict[int | str, Message]) -> None:
    assert single[10].media == Media(kind="photo", path=None, width=10, height=10)
    media = single[11].media
    assert media is not None
    assert media.path is None
    assert media.name == "id_rsa"


@pytest.mark.parametrize(("value", "expected"), [
    ("/etc/shadow", None),
    ("../outside.jpg", None),
    ("photos/../../outside.jpg", None),
    ("..\\..\\windows\\system32\\x.jpg", None),
    ("C:\\Users\\victim\\x.jpg", None),
    ("(File exceeds maximum size. Change data exporting settings to download.)", None),
    ("(File unavailable, please try again later)", None),
    ("photos/photo_2@01-05-2024.jpg", "photos/photo_2@01-05-2024.jpg"),
    ("files/папка/прайс лист.pdf", "files/папка/прайс лист.pdf"),
])
def test_media_path_safety(tmp_path: Path, value: str, expected: str | None) -> None:
    doc = {"name": "M", "type": "private_group", "id": 5,
           "messages": [tg_message(1, photo=value, width=1, height=1)]}
    [m] = read(write_export(tmp_path / "export", doc))
    assert m.media is not None
    assert m.media.kind == "photo"
    assert m.media.path == expected


@pytest.mark.parametrize("value", [".", "./", "photos/"])
def test_media_path_of_only_a_folder_does_not_crash(tmp_path: Path, value: str) -> None:
    """Regression: _safe_path took PurePosixPath(value).parts[0], and "." has no parts, so
    the read died with an IndexError (no InputError: a traceback in the CLI)."""
    doc = {"name": "M", "type": "private_group", "id": 5,
           "messages": [tg_message(1, photo=value)]}
    try:
        messages = read(write_export(tmp_path / "export", doc))
    except IndexError as e:
        pytest.fail(f"photo path {value!r} crashed the reader with IndexError: {e}")
    assert messages[0].media is not None
    assert messages[0].media.kind == "photo"
    assert messages[0].media.path in (None, value)


# -- service messages and unknown fields -------------------------------------------------------

def test_service_messages(single: dict[int | str, Message], full: list[Message]) -> None:
    invite = single[1]
    assert (invite.kind, invite.action) == ("service", "invite_members")
    assert (invite.sender_id, invite.sender_name) == ("user111111", "Админ Маркета")
    assert invite.details == {"members": ["Алексей", "Bob Smith"]}
    assert invite.text == ""
    pin = single[12]
    assert (pin.kind, pin.action, pin.details) == ("service", "pin_message", {"message_id": 5})
    created = next(m for m in full if m.chat.id == "1122334455" and m.id == 1)
    assert (created.kind, created.action) == ("service", "create_channel")
    assert created.sender_id == "channel1122334455"
    assert created.details == {"title": "Dark Market News"}
    assert single[2].kind == "message"
    assert single[2].action is None


def test_unknown_fields_are_kept_in_details(single: dict[int | str, Message]) -> None:
    assert single[13].details == {
        "author": "Админ",
        "poll": {"question": "Какой товар завезти?", "closed": False, "total_voters": 7,
                 "answers": [{"text": "Аккаунты", "voters": 4, "chosen": False},
                             {"text": "Карты", "voters": 3, "chosen": False}]},
    }
    assert single[7].details == {}


# -- from_bot ----------------------------------------------------------------------------------

def test_from_bot(single: dict[int | str, Message], full: list[Message]) -> None:
    assert {i for i, m in single.items() if m.from_bot} == {5}  # via_bot + buttons
    flagged = {(m.chat.id, m.id) for m in full if m.from_bot}
    # The bot's menu (buttons) and the bot's own plain message in its bot_chat; not the
    # user's /start in the same chat, nor a channel post.
    assert flagged == {("5000000001", 2), ("5000000001", 3)}


@pytest.mark.parametrize(("fields", "chat_type", "expected"), [
    ({"via_bot": "@pay_bot"}, "private_group", True),
    ({"inline_bot_buttons": [[{"type": "callback", "text": "Buy", "data": "1"}]]},
     "private_group", True),
    ({"inline_bot_buttons": []}, "private_group", False),
    ({"from_id": "user900"}, "bot_chat", True),     # the bot of this bot_chat
    ({"from_id": "user901"}, "bot_chat", False),    # the human in the bot_chat
    ({"from_id": "user900"}, "personal_chat", False),
    ({"from_id": "channel900"}, "bot_chat", False),
])
def test_from_bot_rules(tmp_path: Path, fields: Doc, chat_type: str, expected: bool) -> None:
    doc = {"name": "Bot", "type": chat_type, "id": 900, "messages": [tg_message(1, **fields)]}
    [m] = read(write_export(tmp_path / "export", doc))
    assert m.from_bot is expected


# -- input forms: folder, result.json, zip -----------------------------------------------------

@pytest.mark.parametrize("fixture", [SINGLE, FULL])
@pytest.mark.parametrize("form", ["folder", "result.json", "zip"])
def test_folder_file_and_zip_read_the_same(tmp_path: Path, fixture: str, form: str) -> None:
    folder = tmp_path / "DataExport_2024-05-01"
    folder.mkdir()
    shutil.copy(FIXTURES / fixture, folder / "result.json")
    if form == "folder":
        path = folder
    elif form == "result.json":
        path = folder / "result.json"
    else:
        path = zip_export(folder / "result.json", tmp_path / "export.zip")
    assert detect(path).name == "telegram"
    expected = read(FIXTURES / fixture)
    assert len(expected) in (15, 8)
    assert read(path) == expected


def test_zip_uses_the_shallowest_result_json(tmp_path: Path) -> None:
    decoy = json.dumps({"name": "decoy", "type": "personal_chat", "id": 1, "messages": []})
    target = tmp_path / "export.zip"
    with zipfile.ZipFile(target, "w") as archive:
        archive.writestr("DataExport_2024-05-01/photos/photo_1.jpg", b"\xff\xd8\xff")
        archive.writestr("DataExport_2024-05-01/chats/chat_01/result.json", decoy)
        archive.write(FIXTURES / SINGLE, "DataExport_2024-05-01/result.json")
    messages = read(target)
    assert len(messages) == 15
    assert {m.chat.id for m in messages} == {"1987654321"}


def test_folder_without_result_json_is_refused(tmp_path: Path) -> None:
    (tmp_path / "export").mkdir()
    (tmp_path / "export" / "messages.html").write_text("<html></html>")
    with pytest.raises(InputError, match=r"no result\.json in this folder"):
        read(tmp_path / "export")


# -- real tdesktop output the reader should accept ---------------------------------------------

def test_unsupported_message_does_not_stop_the_export(tmp_path: Path) -> None:
    """BUG (telegram.py _date / _to_message): tdesktop's SerializeMessage writes a message
    with unsupported media as just {"id": N, "type": "unsupported"} (no date). The reader
    raises "the message has no date", so a genuine export is cut short there."""
    doc = {"name": "Chat", "type": "private_group", "id": 5,
           "messages": [tg_message(1), {"id": 2, "type": "unsupported"}, tg_message(3)]}
    file = write_export(tmp_path / "export", doc)
    try:
        ids = [m.id for m in read(file)]
    except InputError as e:
        pytest.fail(f"a tdesktop 'unsupported' message stopped the read: {e}")
    assert 1 in ids
    assert 3 in ids


def test_utf8_bom_is_accepted_as_detection_promises(tmp_path: Path) -> None:
    """BUG (telegram.py _Parse.read): detection (registry.peek) and the first-chunk check
    both strip a UTF-8 BOM, but the chunk handed to ijson still starts with it, so a
    result.json re-saved with a BOM is detected as Telegram and then fails as invalid JSON."""
    file = tmp_path / "export" / "result.json"
    file.parent.mkdir()
    file.write_bytes(b"\xef\xbb\xbf" + (FIXTURES / SINGLE).read_bytes())
    assert detect(file).name == "telegram"
    try:
        messages = read(file)
    except InputError as e:
        pytest.fail(f"a BOM-prefixed result.json was refused: {e}")
    assert len(messages) == 15


def test_control_characters_escaped_the_tdesktop_way(tmp_path: Path) -> None:
    """BUG/compat (telegram.py): tdesktop's SerializeString writes control characters other
    than \\n \\r \\t as "\\xNN" (e.g. ESC as \\x1B), which is not valid JSON. Hostile message
    text with ANSI escapes therefore makes real exports unreadable from that message on."""
    text = (FIXTURES / SINGLE).read_text(encoding="utf-8")
    damaged = text.replace('"Привет всем! Есть кто живой?"',
                           '"Привет \\x1B[31m всем \\x1B[0m! Есть кто живой?"', 1)
    assert damaged != text
    file = tmp_path / "export" / "result.json"
    file.parent.mkdir()
    file.write_text(damaged, encoding="utf-8")
    try:
        messages = read(file)
    except InputError as e:
        pytest.fail(f"tdesktop's \\xNN escape made the export unreadable: {e}")
    assert len(messages) == 15
    assert "\x1b[31m" in by_id(messages)[2].text
