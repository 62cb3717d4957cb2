"""Streaming big exports in 256 KiB chunks, format detection, and --format forcing."""

from __future__ import annotations

import json
import zipfile
from collections.abc import Callable
from pathlib import Path

import pytest
from readers_support import FIXTURES, JSONL, SINGLE, Doc, dump_json, tg_chat, zip_export

from bazaarwatch.errors import FormatError, InputError
from bazaarwatch.ingest import plan
from bazaarwatch.model import Message
from bazaarwatch.sources import detect, get_reader
from bazaarwatch.sources.registry import Problem
from bazaarwatch.sources.telegram import CHUNK


def read(path: Path, on_bytes: Callable[[int, int], None] | None = None) -> list[Message]:
    return list(get_reader("telegram").read(path, on_bytes=on_bytes))


def _big_single_chat(n: int) -> str:
    """A single-chat export of n messages, written the way tdesktop writes them."""
    parts = []
    for i in range(1, n + 1):
        text = f"Продаю аккаунт #{i}, пишите в лс / selling account {i}"
        parts.append(json.dumps({
            "id": i, "type": "message", "date": "2024-05-01T13:00:00",
            "date_unixtime": str(1714557600 + i), "from": "Продавец", "from_id": "user444444",
            "text": text, "text_entities": [{"type": "plain", "text": text}],
        }, ensure_ascii=False, indent=1))
    return ('{\n "name": "Барахолка",\n "type": "public_supergroup",\n "id": 1987654321,\n'
            ' "messages": [\n' + ",\n".join(parts) + "\n ]\n}\n")


@pytest.fixture(scope="module")
def big_export(tmp_path_factory: pytest.TempPathFactory) -> Path:
    file = tmp_path_factory.mktemp("big") / "result.json"
    file.write_text(_big_single_chat(20_000), encoding="utf-8")
    return file


def test_twenty_thousand_messages_stream_in_order(big_export: Path) -> None:
    seen: list[int] = []
    totals: set[int] = set()

    def on_bytes(done: int, total: int) -> None:
        seen.append(done)
        totals.add(total)

    messages = read(big_export, on_bytes=on_bytes)
    assert len(messages) == 20_000
    assert [m.id for m in messages] == list(range(1, 20_001))
    assert messages[-1].text == "Продаю аккаунт #20000, пишите в лс / selling account 20000"
    size = big_export.stat().st_size
    assert size > 10 * CHUNK  # the file really spans many chunks
    # Progress is reported chunk by chunk, never backwards, ending at the file size.
    assert len(seen) > 5
    assert seen == sorted(seen)
    assert seen[-1] == size
    assert totals == {size}


def test_a_bad_message_is_refused_and_the_rest_stream_on(tmp_path: Path,
                                                         big_export: Path) -> None:
    text = big_export.read_text(encoding="utf-8")
    bad = text.replace('"id": 12345,', '"id": "NaN",', 1)
    assert bad != text
    file = tmp_path / "result.json"
    file.write_text(bad, encoding="utf-8")
    problems: list[Problem] = []
    got = [m.id for m in get_reader("telegram").read(file, on_problem=problems.append)]
    assert got == [i for i in range(1, 20_001) if i != 12345]
    [problem] = problems
    assert problem.refused
    assert "message id NaN" in problem.where
    assert "field 'id'" in problem.what


def test_truncated_big_export_keeps_every_complete_message(
        tmp_path: Path, big_export: Path) -> None:
    data = big_export.read_bytes()
    cut = data.index(b'"id": 15000,') + 40  # inside message 15000
    file = tmp_path / "result.json"
    file.write_bytes(data[:cut])
    got: list[int | str] = []
    with pytest.raises(InputError, match="truncated JSON") as caught:
        for m in get_reader("telegram").read(file):
            got.append(m.id)
    assert got == list(range(1, 15_000))
    assert f"byte {cut}" in str(caught.value)


def test_garbage_in_big_export_keeps_every_message_before_it(
        tmp_path: Path, big_export: Path) -> None:
    """BUG (telegram.py _Parse._produce / read): when ijson raises on damage in the middle
    of a chunk, the messages the parser already completed in that chunk (up to 256 KiB of
    them) are never drained, so they are lost although they precede the damage."""
    data = big_export.read_bytes()
    at = data.index(b'{\n "id": 15000,')
    file = tmp_path / "result.json"
    file.write_bytes(data[:at] + b"@@@ garbage @@@" + data[at:])
    got: list[int | str] = []
    with pytest.raises(InputError, match="invalid or truncated JSON"):
        for m in get_reader("telegram").read(file):
            got.append(m.id)
    assert got == list(range(1, 15_000)), (
        f"read {len(got)} messages (last {got[-1] if got else None}); "
        f"messages {len(got) + 1}..14999 were complete before the garbage but were lost")


# -- full-account exports split across chunks --------------------------------------------------

def _full_account(pad: int) -> Doc:
    return {
        "about": "x" * pad,
        "personal_information": {"user_id": 100000001, "first_name": "Analyst"},
        "chats": {"about": "chats", "list": [
            tg_chat(101, 600, name="Маркет A"),
            tg_chat(202, 1, name="Chat B"),
            {"name": "Пустой C", "type": "personal_chat", "id": 303, "messages": []},
            tg_chat(404, 2500, name="Большой D"),
        ]},
        "left_chats": {"about": "left", "list": [
            tg_chat(505, 1200, name="Left E", type="public_channel"),
            tg_chat(606, 3, name="Left F", type="public_channel"),
        ]},
    }


@pytest.fixture
def full_export(tmp_path: Path) -> tuple[Path, Doc]:
    """A full export padded so that a chunk boundary falls inside chat B's header."""
    probe = dump_json(_full_account(0)).encode()
    header = probe.index(b'"name": "Chat B"')
    pad = CHUNK - header - 4  # the boundary lands four bytes into '"name"'
    assert pad > 0
    doc = _full_account(pad)
    data = dump_json(doc).encode()
    assert data.index(b'"name": "Chat B"') == CHUNK - 4
    file = tmp_path / "result.json"
    file.write_bytes(data)
    assert len(data) > 4 * CHUNK
    return file, doc


def _expected(doc: Doc) -> list[tuple[str, int]]:
    return [(str(chat["id"]), m["id"]) for section in ("chats", "left_chats")
            for chat in doc[section]["list"] for m in chat["messages"]]


def test_full_account_messages_land_in_their_chats(full_export: tuple[Path, Doc]) -> None:
    file, doc = full_export
    messages = read(file)
    expected = _expected(doc)
    assert len(messages) == len(expected) == 600 + 1 + 2500 + 1200 + 3
    assert sorted((m.chat.id, m.id) for m in messages) == sorted(expected)
    names = {str(c["id"]): c["name"] for s in ("chats", "left_chats") for c in doc[s]["list"]}
    for m in messages:
        # Each generated text names its own chat: a message glued to the wrong chat shows.
        assert m.text.startswith(f"chat {m.chat.id} msg {m.id} ")
        assert m.chat.name == names[m.chat.id]
    assert {m.chat.type for m in messages if m.chat.id in ("505", "606")} == {"public_channel"}
    assert "303" not in {m.chat.id for m in messages}


def test_full_account_messages_come_in_file_order(full_export: tuple[Path, Doc]) -> None:
    """BUG (telegram.py _Parse._drain): the Reader contract is "in file order", but the last
    chat of chats.list is only completed on the final drain, so its last message is yielded
    after every left_chats message that was drained meanwhile."""
    file, doc = full_export
    got = [(m.chat.id, m.id) for m in read(file)]
    expected = _expected(doc)
    first_bad = next((i for i, (a, b) in enumerate(zip(got, expected, strict=True)) if a != b),
                     None)
    assert first_bad is None, (
        f"message {first_bad}: got {got[first_bad]}, file order has {expected[first_bad]}")


# -- detection and --format --------------------------------------------------------------------

def test_detection(tmp_path: Path) -> None:
    folder = tmp_path / "DataExport_2024-05-01"
    folder.mkdir()
    result = folder / "result.json"
    result.write_bytes((FIXTURES / SINGLE).read_bytes())
    renamed = tmp_path / "chat_export.json"
    renamed.write_bytes(result.read_bytes())
    archive = zip_export(result, tmp_path / "export.zip")
    jsonl = tmp_path / "dump.jsonl"
    jsonl.write_bytes((FIXTURES / JSONL).read_bytes())
    ndjson = tmp_path / "dump.NDJSON"
    ndjson.write_bytes(jsonl.read_bytes())
    assert detect(folder).name == "telegram"
    assert detect(result).name == "telegram"
    assert detect(renamed).name == "telegram"
    assert detect(archive).name == "telegram"
    assert detect(jsonl).name == "jsonl"
    assert detect(ndjson).name == "jsonl"


def test_detection_refuses_what_it_cannot_place(tmp_path: Path) -> None:
    txt = tmp_path / "chat.txt"
    txt.write_text("[01.05.24, 10:00] Ivan: hi\n", encoding="utf-8")
    empty_folder = tmp_path / "not_an_export"
    empty_folder.mkdir()
    for path in (txt, empty_folder):
        with pytest.raises(InputError, match="cannot tell which format") as caught:
            detect(path)
        assert "jsonl" in str(caught.value)
        assert "telegram" in str(caught.value)
    with pytest.raises(InputError, match="no such file or folder"):
        detect(tmp_path / "missing.json")


def test_plan_detects_each_input(tmp_path: Path) -> None:
    folder = tmp_path / "export"
    folder.mkdir()
    (folder / "result.json").write_bytes((FIXTURES / SINGLE)
                                         .read_bytes())
    jsonl = FIXTURES / JSONL
    planned = plan([folder, str(jsonl)])
    assert [p.reader.name for p in planned] == ["telegram", "jsonl"]
    assert planned[0].file == folder / "result.json"
    assert planned[0].size == (folder / "result.json").stat().st_size
    assert planned[1].file == jsonl


def test_format_forcing_through_plan(tmp_path: Path) -> None:
    # JSON Lines under a name detection would not recognise.
    odd = tmp_path / "dump.txt"
    odd.write_bytes((FIXTURES / JSONL).read_bytes())
    with pytest.raises(InputError, match="cannot tell which format"):
        plan([odd])
    [forced] = plan([odd], format="jsonl")
    assert forced.reader.name == "jsonl"
    assert len(list(forced.reader.read(forced.path))) == 5
    # A Telegram export under a .txt name, forced.
    tg = tmp_path / "export.txt"
    tg.write_bytes((FIXTURES / SINGLE).read_bytes())
    [forced_tg] = plan([tg], format="telegram")
    assert forced_tg.reader.name == "telegram"
    assert len(list(forced_tg.reader.read(forced_tg.path))) == 15
    # Forcing overrides detection: a .jsonl read as telegram fails as not an export.
    [wrong] = plan([FIXTURES / JSONL], format="telegram")
    assert wrong.reader.name == "telegram"
    with pytest.raises(FormatError, match="not a Telegram export"):
        list(wrong.reader.read(wrong.path))


def test_plan_unknown_format_lists_known_ones() -> None:
    with pytest.raises(InputError) as caught:
        plan([FIXTURES / JSONL], format="nosuch")
    message = str(caught.value)
    assert "nosuch" in message
    assert "jsonl" in message
    assert "telegram" in message


def test_plan_checks_every_path_before_anything(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="no such file or folder") as caught:
        plan([FIXTURES / JSONL, tmp_path / "missing"])
    assert str(tmp_path / "missing") in str(caught.value)


def test_progress_of_a_zip_counts_the_unpacked_bytes(tmp_path: Path, big_export: Path) -> None:
    """The bar must reach 100% for a compressed export: done and total are unpacked bytes."""
    archive = tmp_path / "export.zip"
    with zipfile.ZipFile(archive, "w", compression=zipfile.ZIP_DEFLATED) as z:
        z.write(big_export, "DataExport_2024-05-01/result.json")
    reports: list[tuple[int, int]] = []
    messages = read(archive, on_bytes=lambda done, total: reports.append((done, total)))
    assert len(messages) == 20_000
    unpacked = big_export.stat().st_size
    assert archive.stat().st_size < unpacked
    assert reports[-1] == (unpacked, unpacked)
