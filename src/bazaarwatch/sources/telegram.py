"""Telegram Desktop "Export chat history" JSON (``result.json``).

Reads a single-chat export (``{"name","type","id","messages":[...]}``) and a full-account
export (``chats.list[]`` and ``left_chats.list[]``), given as the export folder, its
``result.json``, or a ``.zip`` of the folder. Field names follow tdesktop's
``export_output_json.cpp``.

Streaming: an export can hold millions of messages, so the file is fed to ijson's C parser
in chunks and messages are taken out of the half-built document as soon as they are
complete. The parser builds the whole document, but at every chunk the messages already
handed on are deleted from it, so memory holds a few chunks' worth of messages whatever
the file size. The trick that makes this possible is the ``map_type`` hook: the first
mapping the parser creates is the document root, and we hand it a dict we keep.

Damage: messages completed before the damage are kept, and the error names the last of
them and a byte near the damage (``tdesktop_bytes.locate_damage``). A message that cannot
be converted (a wrong type, an impossible value) is refused alone, through ``on_problem``,
and reading goes on. Hostile files are bounded before the parser sees them
(``jsonguard``: depth, string size, long integers, bad UTF-8), and a file that grows
``MAX_PENDING`` bytes without a message ending is stopped there.

Media files are never opened: their paths are kept as strings relative to the export, and
a path that is absolute or climbs out of the export folder is dropped.
"""

from __future__ import annotations

import contextlib
import itertools
import queue
import threading
import zipfile
import zlib
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, contextmanager
from datetime import UTC, datetime
from pathlib import Path, PurePosixPath
from typing import IO, Any, cast

import ijson
import msgspec

from bazaarwatch.errors import FormatError, InputError
from bazaarwatch.model import Button, Chat, Entity, Media, Message, Reaction
from bazaarwatch.sources.registry import OnBytes, OnProblem, Problem, peek, register
from bazaarwatch.sources.tdesktop_bytes import JsonBytes, locate_damage

CHUNK = 256 * 1024
RESULT = "result.json"
NOT_INCLUDED = "(File "  # tdesktop's placeholder: "(File not included. Change data ...)"


# -- the raw shapes, as tdesktop writes them; msgspec checks types in C ---------------------

class _Part(msgspec.Struct):
    type: str = "plain"
    text: str = ""
    href: str | None = None
    user_id: int | None = None


class _Button(msgspec.Struct):
    """A bot button; tdesktop puts a callback's bytes in ``dataBase64``, a URL in ``data``."""

    type: str = "unknown"
    text: str = ""
    data: str | None = None
    dataBase64: str | None = None  # tdesktop's key
    url: str | None = None


class _Reaction(msgspec.Struct):
    type: str = "emoji"
    count: int = 0
    emoji: str | None = None
    document_id: str | None = None


class _RawMessage(msgspec.Struct, rename={"sender": "from"}):
    id: int
    type: str = "message"
    date: str | None = None
    date_unixtime: str | None = None
    edited_unixtime: str | None = None
    sender: str | None = None
    from_id: str | None = None
    actor: str | None = None
    actor_id: str | None = None
    action: str | None = None
    forwarded_from: str | None = None
    saved_from: str | None = None
    via_bot: str | None = None
    reply_to_message_id: int | None = None
    text: str | list[str | _Part] = ""
    text_entities: list[Any] | None = None  # read only when `text` is missing
    inline_bot_buttons: list[list[_Button]] | None = None
    reactions: list[_Reaction] | None = None
    photo: str | None = None
    photo_file_size: int | None = None
    file: str | None = None
    file_name: str | None = None
    file_size: int | None = None
    media_type: str | None = None
    mime_type: str | None = None
    width: int | None = None
    height: int | None = None
    duration_seconds: int | None = None


_KNOWN = frozenset(
    {"id", "type", "date", "date_unixtime", "edited", "edited_unixtime", "from", "from_id",
     "actor", "actor_id", "action", "forwarded_from", "saved_from", "via_bot",
     "reply_to_message_id", "text", "text_entities", "inline_bot_buttons", "reactions",
     "photo", "photo_file_size", "file", "file_name", "file_size", "media_type", "mime_type",
     "width", "height", "duration_seconds", "thumbnail", "thumbnail_file_size"}
)


class _Stopped(Exception):
    """Raised inside the parser thread when the caller has stopped reading."""


class TelegramDesktopReader:
    """Reader for Telegram Desktop JSON exports."""

    name = "telegram"
    version = "1"
    description = "Telegram Desktop JSON export: folder, result.json, or .zip of the folder"

    def detect(self, path: Path) -> bool:
        if path.is_dir():
            return (path / RESULT).is_file()
        if path.suffix.lower() == ".zip":
            return True
        if path.suffix.lower() != ".json":
            return False
        with path.open("rb") as stream:
            return peek(stream).startswith(b"{")

    def locate(self, path: Path) -> Path:
        if path.is_dir():
            if not (path / RESULT).is_file():
                raise InputError(str(path), f"no {RESULT} in this folder",
                                 hint="Point at the folder Telegram Desktop exported into")
            return path / RESULT
        return path

    def read(self, path: Path, *, on_bytes: OnBytes | None = None,
             on_problem: OnProblem | None = None) -> Iterator[Message]:
        file = self.locate(path)
        label, opener, total, problems = _export_stream(file)
        if on_problem is not None:
            for problem in problems:
                on_problem(problem)
        with opener() as raw:
            yield from _Parse(raw, label, opener, total, on_bytes, on_problem).messages()


Opener = Callable[[], AbstractContextManager[IO[bytes]]]


#: Bytes the parser may take without completing a message (it holds them all meanwhile:
#: up to about 20 times as much memory for a list of tiny values). tdesktop writes a
#: message in kilobytes; a file's header sections (contacts, sessions) in a few MiB.
MAX_PENDING = 32 << 20
#: Zip members read from an archive's directory at most (a full export with media has
#: one per file; the directory costs memory per member before anything is read).
MAX_MEMBERS = 1_000_000
#: A ``result.json`` that unpacks to over 1 GiB and over 100 times its packed size is a
#: zip bomb, not an export (real exports pack about 5 to 15 times).
BOMB_SIZE, BOMB_RATIO = 1 << 30, 100
#: What unpacking can raise besides BadZipFile: encrypted members (RuntimeError), methods
#: zipfile lacks such as deflate64 (NotImplementedError), corrupt deflate data.
_UNPACK_ERRORS = (zipfile.BadZipFile, OSError, RuntimeError, NotImplementedError,
                  zlib.error, EOFError)


def _export_stream(file: Path) -> tuple[str, Opener, int, list[Problem]]:
    """A label for messages, a way to open the bytes of ``result.json`` (again, if a
    damaged file must be re-read), their size, and warnings about the file, from a plain
    file or from inside a zip."""
    if file.suffix.lower() != ".zip":
        @contextmanager
        def open_file() -> Iterator[IO[bytes]]:
            try:
                stream = file.open("rb")
            except OSError as e:
                raise InputError(str(file), f"cannot read: {e.strerror}") from e
            with stream:
                yield stream
        return str(file), open_file, file.stat().st_size, []
    try:
        with zipfile.ZipFile(file) as archive:
            members = archive.infolist()
    except _UNPACK_ERRORS as e:
        raise InputError(str(file), f"not a readable zip archive ({e})",
                         hint="Re-create the zip, or unpack it and give the folder") from e
    if len(members) > MAX_MEMBERS:
        raise InputError(str(file), f"the zip holds {len(members):,} members, over the "
                         f"limit of {MAX_MEMBERS:,}", hint="Unpack it and give the folder")
    results = {i.filename: i for i in members if PurePosixPath(i.filename).name == RESULT}
    if not results:
        raise InputError(str(file), f"the zip holds no {RESULT}",
                         hint="Zip the folder Telegram Desktop exported into")
    inner = min(results, key=lambda n: (n.count("/"), n))
    label = f"{file}!{inner}"
    info = results[inner]
    if info.file_size > BOMB_SIZE and info.file_size > BOMB_RATIO * info.compress_size:
        raise InputError(label, f"unpacks to {info.file_size:,} bytes from "
                         f"{info.compress_size:,}: a zip bomb, not an export",
                         hint="If it is genuine, unpack it and give the folder")
    problems = [Problem(where=str(file), what=f"the zip holds {len(results)} {RESULT} "
                        f"files; read {inner!r}, ignored " + ", ".join(
                            repr(n) for n in sorted(results) if n != inner)
                        + "; give each export folder separately to read them all")
                ] if len(results) > 1 else []

    @contextmanager
    def open_member() -> Iterator[IO[bytes]]:
        try:
            archive = zipfile.ZipFile(file)
            stream = archive.open(inner)
        except _UNPACK_ERRORS as e:
            raise InputError(label, f"cannot unpack ({e})",
                             hint="Re-create the zip without encryption, or unpack it and "
                                  "give the folder") from e
        with archive, stream:
            yield stream
    return label, open_member, info.file_size, problems


_Batch = tuple[list[Message], int, list[Problem]]  # (messages, bytes read, problems)
_END = object()


class _Parse:
    """One streaming pass over one ``result.json``.

    ijson's C generator is twice as fast as its coroutine interface, but a generator only
    yields whole top-level values. So it runs in a helper thread, and its ``read`` calls
    (one per chunk) are where finished messages are taken out, converted to records and
    queued for the caller. The bounded queue keeps memory flat. On two cores the caller's
    database writes (which release the GIL) overlap with parsing.
    """

    def __init__(self, raw: IO[bytes], label: str, opener: Opener, total: int,
                 on_bytes: OnBytes | None, on_problem: OnProblem | None) -> None:
        self.stream = JsonBytes(raw)
        self.on_problem = on_problem
        self.problems: list[Problem] = []  # met since the last batch was queued
        self.handed = self.handed_before = 0  # messages taken from the parser
        self.progress_at = 0  # the byte offset where a message was last taken
        self.total = total
        self.label = label
        self.opener = opener
        self.on_bytes = on_bytes
        self.seen_chat = False
        self.last_date: dict[str, int] = {}  # per chat, for messages that carry no date
        self.root: dict[str, Any] = _Root(self)
        self.queue: queue.Queue[_Batch | BaseException | object] = queue.Queue(maxsize=32)
        self.stopped = threading.Event()

    def messages(self) -> Iterator[Message]:
        worker = threading.Thread(target=self._produce, name="telegram-json", daemon=True)
        worker.start()
        try:
            while (item := self.queue.get()) is not _END:
                if isinstance(item, BaseException):
                    raise item
                batch, offset, problems = cast(_Batch, item)
                if self.on_problem is not None:
                    for problem in problems:
                        self.on_problem(problem)
                yield from batch
                if self.on_bytes is not None:
                    self.on_bytes(offset, self.total)
        finally:
            self.stopped.set()
            while worker.is_alive():  # unblock a worker waiting to put, then let it end
                with contextlib.suppress(queue.Empty):
                    self.queue.get(timeout=0.05)
            worker.join()
        if not self.seen_chat:
            keys = ", ".join(list(self.root)[:8]) or "none"
            raise FormatError(self.label, f"not a Telegram export: no 'messages' list and no "
                              f"'chats.list' (top-level keys: {keys})",
                              hint="Export with Telegram Desktop in JSON format, or force "
                                   "another reader with --format")

    # -- the worker thread --------------------------------------------------------------------

    def _produce(self) -> None:
        make_map = itertools.chain([self.root], map(dict, itertools.repeat(()))).__next__
        try:
            try:
                for _ in ijson.items(self, "", map_type=make_map, use_float=True):
                    pass
            except ijson.JSONError as e:
                raise self._damaged(e) from e
            except (ValueError, RecursionError, MemoryError) as e:
                # A value the parser cannot turn into Python (an integer of over 4,300
                # digits): the file stops here, like any damage.
                raise self._damaged(e, kind="a value that cannot be read") from e
            self._drain(final=True)
            for note in self.stream.notes.take():
                self._note(note)
            if self.stream.notes.count > len(self.stream.notes.kept):
                self._note(f"{self.stream.notes.count - len(self.stream.notes.kept):,} "
                           "more values were changed to fit the limits")
            if self.problems:
                self._put(([], self.stream.consumed, self.problems))
            self._put(_END)
        except _Stopped:
            pass
        except BaseException as e:  # handed to the caller's thread, raised there
            with contextlib.suppress(_Stopped):
                self._put(e)

    def read(self, size: int) -> bytes:
        """Called by ijson for each chunk: first hand on what the last chunk completed."""
        if self.stopped.is_set():
            raise _Stopped
        if size == 0:  # ijson probes whether the stream gives bytes or text
            return b""
        start = self.stream.consumed
        if start:
            self._drain(final=False)
            self._check_progress(start)
        try:
            chunk = self.stream.read(CHUNK)
        except OSError as e:
            raise InputError(self.label, f"cannot read at byte {start} ({e})") from e
        except _UNPACK_ERRORS as e:  # a corrupt member of a zip
            raise InputError(self.label, f"cannot unpack at byte {start} ({e})",
                             hint="Re-create the zip, or unpack it and give the folder") from e
        for note in self.stream.notes.take():
            self._note(note)
        if not start:
            first = chunk.lstrip()[:1]
            if not first:
                raise InputError(self.label, "the file is empty",
                                 hint="Give the result.json Telegram Desktop wrote")
            if first != b"{":
                raise FormatError(self.label, "not a Telegram export: the file does not start "
                                  "with a JSON object", where="byte 0",
                                  hint="Give the result.json Telegram Desktop wrote")
        return chunk

    def _check_progress(self, offset: int) -> None:
        """Stop at a value that grows past ``MAX_PENDING`` bytes without a message ending:
        the parser holds all of it (a message of millions of array items, say), and
        Telegram writes nothing of the kind."""
        if self.handed != self.handed_before:
            self.handed_before, self.progress_at = self.handed, offset
        elif offset - self.progress_at > MAX_PENDING:
            raise InputError(self.label, f"no message ends in the {MAX_PENDING >> 20} MiB "
                             f"after byte {self.progress_at}: a value that large is no "
                             "export's", where=f"byte {offset}",
                             hint="The rest of the file is not read; messages before this "
                                  "point are kept and the source is marked partial")

    def _put(self, item: _Batch | BaseException | object) -> None:
        while True:
            if self.stopped.is_set():
                raise _Stopped
            with contextlib.suppress(queue.Full):
                self.queue.put(item, timeout=0.1)
                return

    def _drain(self, *, final: bool) -> None:
        """Queue the finished messages of every chat seen so far, then forget them.

        A chat is finished when the parser has gone past it: a later chat in its list, or
        a later key after its section. Messages are queued in file order.
        """
        root = self.root
        if "messages" in root:
            self._take(root, complete=final)
        keys = list(root)
        for section in ("chats", "left_chats"):
            holder = root.get(section)
            if not isinstance(holder, dict) or not isinstance(holder.get("list"), list):
                continue
            chats = holder["list"]
            section_done = final or keys[-1] != section or list(holder)[-1] != "list"
            finished = len(chats) if section_done else len(chats) - 1
            for chat in chats[:finished]:
                self._take(chat, complete=True)
            del chats[:finished]
            if chats:
                self._take(chats[0], complete=False)

    def _take(self, raw: Any, *, complete: bool) -> None:
        if not isinstance(raw, dict):
            raise FormatError(self.label, f"a chat entry is {type(raw).__name__}, not an object",
                              where=f"byte {self.stream.consumed}")
        messages = raw.get("messages")
        if messages is None:
            if complete:
                raise FormatError(self.label, f"chat {raw.get('name')!r} has no 'messages' list",
                                  where=f"chat id {raw.get('id')}",
                                  hint="The export is incomplete; re-export this chat")
            return
        if not isinstance(messages, list):
            raise FormatError(self.label, f"'messages' of chat {raw.get('name')!r} is "
                              f"{type(messages).__name__}, not a list")
        if "id" not in raw and not complete:
            return  # header keys come after the messages: wait for the whole chat
        # The last message may still be under construction unless the chat is complete.
        ready = len(messages) if complete else len(messages) - 1
        if ready > 0 or complete:
            batch = messages[:ready]
            del messages[:ready]
            self._hand_on(raw, batch, self.stream.consumed)

    def _hand_on(self, raw_chat: dict[str, Any], items: list[Any], offset: int) -> None:
        """Convert and queue; a bad message is refused and the others go on."""
        chat = self._chat(raw_chat)
        done: list[Message] = []
        for item in items:
            try:
                done.append(self._message(chat, item))
            except FormatError as e:
                self.problems.append(Problem(where=e.where or "", what=e.problem,
                                             refused=True))
        problems, self.problems = self.problems, []
        self.handed += len(items)
        self._put((done, offset, problems))

    def _note(self, what: str) -> None:
        where, _, what = what.partition(": ") if what.startswith("byte ") else ("", "", what)
        self.problems.append(Problem(where=where, what=what))

    def duplicate(self, key: str, old: Any) -> None:
        """The document repeats a top-level key: say so, and first hand on what the
        earlier value held (the parser has finished it), so that nothing is lost."""
        self._note(f"the key {key!r} appears twice at the top level of the file; both "
                   "were read")
        if key == "messages" and isinstance(old, list):
            self._take({**self.root, "messages": old}, complete=True)
        elif key in ("chats", "left_chats") and isinstance(old, dict):
            for chat in old.get("list") or ():
                self._take(chat, complete=True)

    def _damaged(self, error: Exception, *, kind: str = "invalid or truncated JSON"
                 ) -> InputError:
        """Keep every message completed before the damage, and say where it is."""
        self._drain(final=False)
        damage = locate_damage(self.opener)
        chat = self._open_chat()
        if chat is not None and damage.message_id is not None:
            pending = chat.get("messages")
            if (isinstance(pending, list) and pending and isinstance(pending[-1], dict)
                    and pending[-1].get("id") == damage.message_id
                    and chat.get("id") == damage.chat_id):
                self._hand_on(chat, [pending.pop()], damage.near_byte)
        detail = error.args[0] if error.args else ""
        if isinstance(detail, bytes):
            detail = detail.decode("utf-8", "replace")
        detail = str(detail).strip().splitlines()[0] if str(detail).strip() else "invalid JSON"
        where = f"near byte {damage.near_byte}"
        if damage.message_id is not None:
            where += (f", after message {damage.message_id} of chat {damage.chat_name!r} "
                      f"(id {damage.chat_id})")
        root = self.root
        if "messages" not in root and "chats" not in root and "left_chats" not in root:
            return FormatError(self.label, f"not a Telegram export: invalid JSON ({detail})",
                               where=where, hint="Give the result.json Telegram Desktop wrote, "
                               "or force another reader with --format")
        return InputError(self.label, f"{kind} ({detail})", where=where,
                          hint="Re-export the chat or re-copy the file; messages read before "
                               "this point are kept and the source is marked partial")

    def _open_chat(self) -> dict[str, Any] | None:
        """The chat whose messages the parser was in when it stopped."""
        if "messages" in self.root:
            return self.root
        for section in reversed(list(self.root)):
            holder = self.root[section]
            if section in ("chats", "left_chats") and isinstance(holder, dict):
                chats = holder.get("list")
                if isinstance(chats, list) and chats and isinstance(chats[-1], dict):
                    return chats[-1]
        return None

    # -- records ------------------------------------------------------------------------------

    def _chat(self, raw: dict[str, Any]) -> Chat:
        self.seen_chat = True
        cid, name, kind = raw.get("id"), raw.get("name"), raw.get("type", "unknown")
        if not isinstance(cid, int) or isinstance(cid, bool):
            raise FormatError(self.label, f"chat id is {cid!r}; expected an integer",
                              where=f"chat {name!r}")
        if name is not None and not isinstance(name, str):
            raise FormatError(self.label, f"chat name is {name!r}; expected a string",
                              where=f"chat id {cid}")
        if not isinstance(kind, str):
            raise FormatError(self.label, f"chat type is {kind!r}; expected a string",
                              where=f"chat id {cid}")
        return Chat(id=str(cid), name=name, type=kind)

    def _message(self, chat: Chat, item: Any) -> Message:
        if not isinstance(item, dict):
            raise FormatError(self.label, f"a message is {type(item).__name__}, not an object",
                              where=self._where(chat, item))
        try:
            raw = msgspec.convert(item, _RawMessage)
            message = _to_message(chat, raw, item, self.last_date.get(chat.id, 0))
        except msgspec.ValidationError as e:
            raise FormatError(self.label, _describe(e), where=self._where(chat, item),
                              hint="The export is damaged or was edited by hand") from e
        except ValueError as e:
            raise FormatError(self.label, str(e), where=self._where(chat, item),
                              hint="The export is damaged or was edited by hand") from e
        self.last_date[chat.id] = message.date
        return message

    def _where(self, chat: Chat, item: Any) -> str:
        mid = item.get("id") if isinstance(item, dict) else None
        return f"chat {chat.name or chat.id!r}, message id {mid}"


class _Root(dict[str, Any]):
    """The document root, which tells the parse when a top-level key comes twice (a JSON
    parser keeps only the last; here the earlier value's messages are read first)."""

    def __init__(self, parse: _Parse) -> None:
        super().__init__()
        self._parse = parse

    def __setitem__(self, key: str, value: Any) -> None:
        if key in self:
            self._parse.duplicate(key, self.pop(key))  # the key moves to the end, as read
        super().__setitem__(key, value)


def _describe(error: msgspec.ValidationError) -> str:
    """msgspec's "Expected `int`, got `str` - at `$.id`" as "field 'id': expected int, ..."."""
    text = str(error)
    problem, _, at = text.partition(" - at `$")
    field = at.rstrip("`").lstrip(".")
    problem = problem.replace("`", "")
    if problem.startswith("Expected"):
        problem = "e" + problem[1:]
    field = field.replace("sender", "from") if field.startswith("sender") else field
    return f"field '{field}': {problem}" if field else problem


def _to_message(chat: Chat, raw: _RawMessage, item: dict[str, Any], previous: int) -> Message:
    """The record for one raw message; ValueError names a bad value.

    tdesktop writes a message it cannot show as ``{"id": N, "type": "unsupported"}`` with
    no date; it is kept (kind ``unsupported``) dated like the message before it.
    """
    text, entities = _text(raw)
    service = raw.type == "service"
    sender_id = raw.actor_id if service else raw.from_id
    sender_name = raw.actor if service else raw.sender
    buttons = [[Button(type=b.type, text=b.text, data=b.data or b.dataBase64 or b.url) for b in row]
               for row in raw.inline_bot_buttons] if raw.inline_bot_buttons else []
    extra = item.keys() - _KNOWN
    details = {k: item[k] for k in extra} if extra else {}
    from_bot = bool(raw.via_bot) or bool(buttons) or (
        chat.type == "bot_chat" and sender_id == f"user{chat.id}")
    return Message(
        chat=chat,
        id=raw.id,
        date=previous if raw.type == "unsupported" and not (raw.date_unixtime or raw.date)
        else _date(raw.date_unixtime, raw.date),
        kind=raw.type if raw.type in ("service", "unsupported") else "message",
        text=text,
        entities=entities,
        sender_id=sender_id,
        sender_name=sender_name,
        edited=_date(raw.edited_unixtime, None) if raw.edited_unixtime else None,
        forwarded_from=raw.forwarded_from,
        saved_from=raw.saved_from,
        via_bot=raw.via_bot,
        reply_to=raw.reply_to_message_id,
        action=raw.action,
        details=details,
        buttons=buttons,
        reactions=[Reaction(type=r.type, count=r.count, emoji=r.emoji or r.document_id)
                   for r in raw.reactions] if raw.reactions else [],
        media=_media(raw),
        from_bot=from_bot,
    )


def _text(raw: _RawMessage) -> tuple[str, list[Entity]]:
    """Plain text and entity spans (code-point offsets).

    tdesktop writes ``text`` as a string when there are no entities, and otherwise as a
    list of strings and entity objects that carries the same spans as ``text_entities``;
    the latter is read only for exports that have no ``text``.
    """
    if isinstance(raw.text, str):
        if raw.text or not raw.text_entities:
            return raw.text, []
        parts: list[str | _Part] = list(msgspec.convert(raw.text_entities, list[_Part]))
    else:
        parts = raw.text
    entities = []
    pieces = []
    offset = 0
    for part in parts:
        if isinstance(part, str):
            piece = part
        else:
            piece = part.text
            if part.type != "plain":
                entities.append(Entity(type=part.type, offset=offset, length=len(piece),
                                       text=piece, href=part.href, user_id=part.user_id))
        pieces.append(piece)
        offset += len(piece)
    return "".join(pieces), entities


def _date(unixtime: str | None, iso: str | None) -> int:
    if unixtime is not None:
        if unixtime.isdigit():
            return int(unixtime)
        raise ValueError(f"date_unixtime {unixtime!r} is not a number")
    if iso is not None:
        # Exports before tdesktop 3.x have only the local time; it is read as UTC.
        try:
            return int(datetime.fromisoformat(iso).replace(tzinfo=UTC).timestamp())
        except ValueError:
            raise ValueError(f"date {iso!r} is not an ISO date") from None
    raise ValueError("the message has no date")


def _media(raw: _RawMessage) -> Media | None:
    if raw.photo is not None:
        return Media(kind="photo", path=_safe_path(raw.photo), size=raw.photo_file_size,
                     width=raw.width, height=raw.height)
    if raw.file is not None or raw.media_type is not None:
        return Media(kind=raw.media_type or "file", path=_safe_path(raw.file),
                     name=raw.file_name, mime_type=raw.mime_type, size=raw.file_size,
                     width=raw.width, height=raw.height, duration=raw.duration_seconds)
    return None


def _safe_path(value: str | None) -> str | None:
    """A media path relative to the export, or None if missing or pointing outside it."""
    if not value or value.startswith(NOT_INCLUDED):
        return None
    path = value.replace("\\", "/")
    parts = path.split("/")
    if path.startswith("/") or ".." in parts or ":" in parts[0] or path.strip("./") == "":
        return None
    return path


register(TelegramDesktopReader())
